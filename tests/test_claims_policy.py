"""The one verdict policy (archstats/claims/base.py) on hand-made figures and readings, and the
claims renderers' figures: every expectation is worked out from the policy's text."""

from __future__ import annotations

import math

import pytest

from archstats.claims import base
from archstats.claims.base import (
    ABOUT,
    ALTERNATIVE,
    AMBIGUOUS,
    APPROX,
    AT_LEAST,
    AT_MOST,
    ERRATUM,
    FAILS,
    HOLDS,
    INTENDED,
    NOT_CHECKABLE,
    UNDER,
    Outcome,
    Reading,
    exact,
    judge,
    stated,
)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("60M", 60e6, 60e6, 1e6),  # half a unit: 59.5M..60.5M
        ("138M", 138e6, 138e6, 1e6),
        ("0.5MB", 0.5e6, 0.5e6, 0.1e6),
        ("8-9", 8, 9, 1),
        ("25%", 0.25, 0.25, 0.01),
        ("1,248,424", 1_248_424, 1_248_424, 1),
        ("4.8", 4.8, 4.8, 0.1),
    ],
)
def test_stated_reads_value_and_last_digit(text: str, low: float, high: float, unit: float) -> None:
    f = stated(text)
    assert (f.low, f.high) == pytest.approx((low, high))
    assert f.unit == pytest.approx(unit)


def test_stated_scale_fraction_and_tilde() -> None:
    assert stated("0.5MB", scale=2**20).low == 0.5 * 2**20
    assert stated("1/3").low == pytest.approx(1 / 3) and stated("1/3").unit == 0
    assert stated("~120M").bound == ABOUT
    with pytest.raises(ValueError):
        stated("many")


@pytest.mark.parametrize(
    ("figure", "measured", "verdict"),
    [
        # "60M": holds on 59.5M..60.5M; approx within 10% of that range; fails beyond
        (stated("60M"), 60_500_000, HOLDS),
        (stated("60M"), 60_965_224, APPROX),  # AlexNet: +0.465M past the range
        (stated("60M"), 59_499_999, APPROX),
        (stated("60M"), 60_500_000 * 1.1 + 1, FAILS),
        # "about 50": 45..55 holds (10%), approx to 40.5..60.5
        (stated("50", bound=ABOUT), 48.8, HOLDS),
        (stated("50", bound=ABOUT), 55.0, HOLDS),
        (stated("50", bound=ABOUT), 57.0, APPROX),
        (stated("50", bound=ABOUT), 62.0, FAILS),
        # "50 or more": >= 49.5; 48.8 is within 10% below -> approx; 44 fails
        (stated("50", bound=AT_LEAST), 48.8, APPROX),
        (stated("50", bound=AT_LEAST), 49.5, HOLDS),
        (stated("50", bound=AT_LEAST), 1000.0, HOLDS),
        (stated("50", bound=AT_LEAST), 44.0, FAILS),
        # "at most 0.5MB" (0.55MB with half a unit); "under 0.5MB" is strict
        (stated("0.5MB", bound=AT_MOST), 540_000, HOLDS),
        (stated("0.5MB", bound=UNDER), 500_000, APPROX),
        (stated("0.5MB", bound=UNDER), 499_999, HOLDS),
        # a formula's figure holds only on the exact value
        (exact(854_196_224), 854_196_224, HOLDS),
        (exact(854_196_224), 854_196_225, APPROX),
        (exact(49), 16_807, FAILS),
        # a range: 8-9 holds on 7.5..9.5
        (stated("8-9"), 9.4, HOLDS),
        (stated("8-9"), 7.4, APPROX),
    ],
)
def test_judge_applies_the_policy(figure: base.Figure, measured: float, verdict: str) -> None:
    assert judge(figure, measured) == verdict


def test_one_sided_intervals() -> None:
    assert stated("50", bound=AT_LEAST).interval() == (49.5, math.inf)
    assert stated("50", bound=AT_MOST).interval() == (-math.inf, 50.5)
    assert stated("50", bound=UNDER).interval() == (-math.inf, 50)


def _reading(verdict: str, role: str = base.LITERAL, name: str = "as written") -> Reading:
    r = Reading(name, role)
    if verdict == NOT_CHECKABLE:
        r.unmeasurable("accuracy", "needs training")
    else:
        # a point whose figure gives the wanted verdict under the policy
        measured = {HOLDS: 60e6, APPROX: 61e6, FAILS: 90e6}[verdict]
        r.figure("params", stated("60M"), measured, kind="count")
    return r


@pytest.mark.parametrize(
    ("literal", "other", "role", "verdict"),
    [
        (FAILS, HOLDS, INTENDED, ERRATUM),  # wrong as written, the named slip holds
        (HOLDS, HOLDS, INTENDED, HOLDS),
        (APPROX, HOLDS, INTENDED, APPROX),  # near as written: not an erratum
        (FAILS, FAILS, INTENDED, FAILS),
        (FAILS, HOLDS, ALTERNATIVE, AMBIGUOUS),  # two plausible readings disagree
        (HOLDS, HOLDS, ALTERNATIVE, HOLDS),
        (FAILS, FAILS, ALTERNATIVE, FAILS),
    ],
)
def test_readings_combine_by_the_policy(literal: str, other: str, role: str, verdict: str) -> None:
    o = Outcome((_reading(literal), _reading(other, role, "other")), "test")
    assert o.verdict == verdict


def test_a_reading_takes_its_weakest_point() -> None:
    r = Reading()
    r.flag("direction", True)
    r.figure("params", stated("60M"), 61e6)
    assert r.verdict == APPROX
    r.unmeasurable("accuracy", "needs training")
    assert r.verdict == APPROX  # a measured miss outranks what cannot be measured
    r.flag("structure", False)
    assert r.verdict == FAILS


def test_outcome_needs_one_literal_reading_first() -> None:
    with pytest.raises(ValueError):
        Outcome((), "nothing")
    with pytest.raises(ValueError):
        Outcome((Reading("x", INTENDED),), "no literal")
    with pytest.raises(ValueError):
        Outcome((Reading(), Reading()), "two literals")


def test_headline_and_relative_difference() -> None:
    r = Reading()
    r.figure("params", stated("60M"), 60_965_224, kind="count")
    r.flag("two towers", True)
    o = Outcome((r,), "AlexNet")
    assert o.expected == 60e6 and o.measured == 60_965_224 and o.kind == "count"
    assert o.rel_diff == pytest.approx(965_224 / 60e6)
    flagged = Reading()
    flagged.flag("no FC layer", False, 1)
    assert Outcome((flagged,), "x").rel_diff is None  # nothing compared: no difference shown


def test_claim_and_unchecked_validate_their_fields() -> None:
    fields = dict(section="ResNet", quote="q", translation="t", statement="s", interpretation="i")
    with pytest.raises(ValueError, match="malformed source"):
        base.Claim(id="x", source="2:63", **fields)
    with pytest.raises(ValueError, match="backwards"):
        base.Claim(id="x", source="002:63-60", **fields)
    with pytest.raises(ValueError, match="translation"):
        base.Claim(id="x", source="002:63", **{**fields, "translation": ""})
    with pytest.raises(ValueError, match="reason"):
        base.Unchecked("002:63", "ResNet", "q", "t", "because")
    assert base.parse_source("004:41, 002:57-59") == [("004", 41, 41), ("002", 57, 59)]


def test_layer_outputs_counts_vgg16_as_the_notes_do() -> None:
    from archstats import profile

    # CS231n's VGG16 table: the 224x224x3 input, then per stage (conv outputs + pool output)
    conv = [2 * 224 * 224 * 64, 2 * 112 * 112 * 128, 3 * 56 * 56 * 256, 3 * 28 * 28 * 512, 3 * 14 * 14 * 512]
    pools = [112 * 112 * 64, 56 * 56 * 128, 28 * 28 * 256, 14 * 14 * 512, 7 * 7 * 512]
    expected = 224 * 224 * 3 + sum(conv) + sum(pools) + 4096 + 4096 + 1000
    assert expected == 15_237_608
    assert base.layer_outputs(profile("vgg16")) == expected


def test_readme_and_report_state_the_policy_the_code_applies() -> None:
    from pathlib import Path

    from archstats import doc
    from archstats.claims.report import document, with_code

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert base.POLICY in readme
    page = doc.markdown(document([]))
    assert doc.md_inline(with_code(base.POLICY)) in page
    assert "`erratum`" in page  # the verdicts stay code, as the README writes them

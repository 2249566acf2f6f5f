"""The opt-in measured checks (``archstats claims --measure``) and the latency page's arithmetic.

Measurements are benchmarks, not timed tests: nothing here times a forward or asserts how fast
anything runs. The judge is fed made-up series; the CLI's runner is replaced by one returning
them; the latency page's ratios and rank correlation are checked against values worked out by hand.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from archstats.bench import Roofs, Stats
from archstats.claims import APPROX, FAILS, HOLDS, measured
from archstats.cli import main
from archstats.latency import ModelLatency, Pair, compare_pair, ranks, ratio_range, reading, spearman


def S(*samples: float) -> Stats:
    return Stats.of(samples)


# Clearly longest: VGG16's fastest run (0.9 s) is slower than every other model's slowest (0.5 s).
CLEAR = {
    "alexnet": S(0.10, 0.11, 0.12),
    "vgg16": S(0.90, 1.00, 1.10),
    "googlenet": S(0.20, 0.22, 0.25),
    "resnet152": S(0.40, 0.45, 0.50),
}


# --- the judge -----------------------------------------------------------------------------------


def test_clearly_longest_holds() -> None:
    verdict, why = measured.judge_longest(CLEAR, "vgg16")
    assert verdict == HOLDS
    assert "1.00 s > resnet152's 450 ms" in why and "900 ms" in why and "500 ms, resnet152" in why


def test_longest_by_median_with_overlapping_ranges_is_approx() -> None:
    # medians 1.00 s > 0.70 s, but VGG16's fastest run (0.60 s) beats ResNet-152's slowest (0.80 s)
    timings = CLEAR | {"vgg16": S(0.60, 1.00, 1.10), "resnet152": S(0.65, 0.70, 0.80)}
    verdict, why = measured.judge_longest(timings, "vgg16")
    assert verdict == APPROX
    assert "by median only" in why and "resnet152's slowest (800 ms)" in why


def test_another_model_longer_fails() -> None:
    verdict, why = measured.judge_longest(CLEAR | {"resnet152": S(1.1, 1.2, 1.3)}, "vgg16")
    assert verdict == FAILS and why.startswith("resnet152's median 1.20 s")


def test_a_tie_fails() -> None:
    # "the longest" needs a strictly longer median
    assert measured.judge_longest(CLEAR | {"alexnet": S(0.9, 1.0, 1.1)}, "vgg16")[0] == FAILS


# --- the command -------------------------------------------------------------------------------

CLAIM = "lecture-summary-table"


@pytest.fixture
def fake_timer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The runner's timer replaced by the made-up series (no forward runs); returns the names timed."""
    timed: list[str] = []

    def fake(names: list[str], repeats: int, warmup: int) -> dict[str, Stats]:
        timed.extend(names)
        return {name: CLEAR[name] for name in names}

    monkeypatch.setattr(measured, "time_models", fake)
    return timed


def claims(*args: str):
    return CliRunner().invoke(main, ["claims", "--jobs", "1", *args], catch_exceptions=False)


def test_deterministic_verdicts_are_the_same_with_measure(fake_timer: list[str]) -> None:
    plain = claims("--format", "json")
    with_measure = claims("--format", "json", "--measure")
    assert plain.exit_code == with_measure.exit_code == 0, with_measure.output
    before, after = json.loads(plain.stdout), json.loads(with_measure.stdout)
    assert isinstance(before, list) and set(after) == {"claims", "measured"}
    assert after["claims"] == before  # every claim, every field, unchanged
    assert fake_timer == list(measured.FORWARD_TIME_MODELS)


def test_json_carries_the_measured_check_apart(fake_timer: list[str]) -> None:
    data = json.loads(claims(CLAIM, "--format", "json", "--measure").stdout)
    assert [c["id"] for c in data["claims"]] == [CLAIM]
    (check,) = data["measured"]
    assert check["id"] == "lecture-summary-forward-time" and check["verdict"] == HOLDS
    assert check["timings_s"]["vgg16"]["median"] == 1.0
    assert check["machine"]["cpu"] and check["settings"]["repeats"] > 0


def test_table_shows_the_section_after_the_catalogue(fake_timer: list[str]) -> None:
    result = claims(CLAIM, "--measure")
    out = result.stdout
    assert result.exit_code == 0
    assert out.index("1 claim: 1 ambiguous") < out.index(measured.TITLE)
    assert "lecture-summary-forward-time (002:195-200): holds" in out
    assert "vgg16: median 1.00 s (min 900 ms, max 1.10 s)" in out
    assert "machine: " in out and "torch thread" in out
    assert measured.TITLE not in claims(CLAIM).stdout  # opt-in


def test_markdown_out_file_holds_the_section(fake_timer: list[str], tmp_path: Path) -> None:
    out = tmp_path / "claims.md"
    assert claims(CLAIM, "--format", "md", "--out", str(out), "--measure").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.index(f'<a id="{CLAIM}"></a>') < text.index(f"## {measured.TITLE}")
    assert "| vgg16 | 1.00 s | 900 ms | 1.10 s |" in text


def test_html_puts_the_section_inside_the_body(fake_timer: list[str]) -> None:
    page = claims(CLAIM, "--format", "html", "--measure").stdout
    assert page.index(measured.TITLE) < page.index("</body>") and page.rstrip().endswith("</html>")


def test_csv_with_measure_is_a_usage_error(fake_timer: list[str]) -> None:
    result = claims(CLAIM, "--format", "csv", "--measure")
    assert result.exit_code == 2 and "--measure" in result.output
    assert fake_timer == []  # refused before anything ran


# --- the latency page's arithmetic -------------------------------------------------------------


def test_ranks_average_ties() -> None:
    assert ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4]
    assert ranks([3.0, 1.0, 2.0]) == [3, 1, 2]


def test_spearman_by_hand() -> None:
    # no ties: 1 - 6 * sum(d^2) / (n (n^2 - 1)); d = (0, 1, 1, 0): 1 - 12 / 60 = 0.8
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [5, 4, 1]) == pytest.approx(-1.0)
    # a tie: ranks (1, 2, 3, 4, 5) against (1, 2, 3.5, 5, 3.5); deviations (-2, -1, 0, 1, 2) and
    # (-2, -1, 0.5, 2, 0.5): covariance 4 + 1 + 0 + 2 + 1 = 8, variances 10 and 9.5 -> 8 / sqrt(95)
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / math.sqrt(95))
    assert math.isnan(spearman([1, 2, 3], [4, 4, 4]))  # a constant side has no order
    with pytest.raises(ValueError):
        spearman([1, 2], [1])


def _model(name: str, macs: int, traffic: int, latency: Stats, bound: float | None = None) -> ModelLatency:
    return ModelLatency(name, "fam", macs, 2 * macs, traffic, 1000, latency, bound)


LIGHT = _model("light", 100, 1000, S(0.009, 0.010, 0.012))
HEAVY = _model("heavy", 856, 1390, S(0.027, 0.030, 0.036), bound=0.020)


def test_pair_ratios_by_hand() -> None:
    # speed: 30 / 10 = 3.0 (medians); range 27 / 12 = 2.25 (heavy's fastest, light's slowest) to 36 / 9 = 4.0
    assert ratio_range(HEAVY.latency, LIGHT.latency) == pytest.approx((2.25, 3.0, 4.0))
    c = compare_pair(Pair("light vs heavy", "light", "heavy"), LIGHT, HEAVY)
    assert c.mac_ratio == pytest.approx(8.56) and c.traffic_ratio == pytest.approx(1.39)
    assert (c.speed_low, c.speed_ratio, c.speed_high) == pytest.approx((2.25, 3.0, 4.0))
    assert reading(c) == (
        "light: 8.56x fewer MACs and 1.39x less traffic than heavy, 3.00x faster "
        "(2.25x to 4.00x over the runs' extremes)"
    )
    # achieved FLOP/s and the measured / bound ratio: 1712 FLOPs / 0.030 s; 0.030 / 0.020 = 1.5
    assert HEAVY.achieved == pytest.approx(1712 / 0.030) and HEAVY.bound_ratio == pytest.approx(1.5)
    assert LIGHT.bound_ratio is None


def test_reading_says_slower_and_overlap_when_the_numbers_do() -> None:
    # the "light" model does fewer MACs but runs slower: 0.5x -> 2.00x slower; its runs overlap the other's
    slow = _model("light", 100, 2000, S(0.015, 0.020, 0.025))
    fast = _model("heavy", 400, 1000, S(0.008, 0.010, 0.016))
    c = compare_pair(Pair("p", "light", "heavy"), slow, fast)
    assert reading(c) == (
        "light: 4.00x fewer MACs and 2.00x more traffic than heavy, 2.00x slower "
        "(0.32x to 1.07x over the runs' extremes; the runs overlap)"
    )


def test_latency_figure_draws_from_constructed_data(tmp_path: Path) -> None:
    from archstats import plots

    c = compare_pair(Pair("light vs heavy", "light", "heavy"), LIGHT, HEAVY)
    fig = plots.latency_figure([LIGHT, HEAVY], [c], "test", Roofs(peak_flops=1e9, bandwidth=1e8))
    assert len(fig.axes) == 2 and fig.axes[0].get_xscale() == fig.axes[1].get_yscale() == "log"
    assert plots.save(fig, tmp_path / "latency.png").stat().st_size > 0

"""`archstats claims` through the CLI runner: JSON schema, Markdown sections and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archstats.claims import SECTIONS, VERDICTS, base, catalog
from archstats.cli import main

REQUIRED_KEYS = {"id", "source", "statement", "expected", "measured", "verdict", "explanation"}
CLAIM = "conv1x1-vs-3x3-params"


def run(*args: str):
    return CliRunner().invoke(main, ["claims", *args], catch_exceptions=False)


def test_json_schema_for_one_claim() -> None:
    result = run(CLAIM, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data, list) and len(data) == 1
    entry = data[0]
    assert set(entry) >= REQUIRED_KEYS
    assert entry["id"] == CLAIM and entry["source"] == "000:20"
    assert entry["verdict"] in VERDICTS
    # 3x3 / 1x1 weights: 9 * C_in * C_out / (C_in * C_out) = 9
    assert entry["expected"] == 9 and entry["measured"] == 9
    assert all({"label", "value", "kind"} <= set(m) for m in entry["measurements"])


def test_detail_view_shows_quote_interpretation_formula() -> None:
    result = run(CLAIM)
    assert result.exit_code == 0
    for needle in ("quote:", "translation:", "measured:", "formula:", "verdict: holds", "reading 'as written'"):
        assert needle in result.output


def test_unknown_claim_is_a_usage_error() -> None:
    result = run("conv1x1-vs-3x3-param")
    assert result.exit_code == 2
    assert "did you mean: conv1x1-vs-3x3-params" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def patched_check(monkeypatch: pytest.MonkeyPatch):
    def install(fn):
        monkeypatch.setitem(base._CHECKS, CLAIM, fn)

    return install


def _outcome(measured: int, kind: str = "ratio") -> base.Outcome:
    reading = base.Reading()
    reading.figure("ratio", base.stated("9"), measured, kind=kind)
    return base.Outcome((reading,), f"9 against {measured}")


def test_exit_codes_for_verdicts(patched_check) -> None:
    claim = base._CLAIMS[CLAIM]
    patched_check(lambda c: _outcome(20))  # 20 is far outside 8.5..9.5: fails
    assert run(CLAIM).exit_code == 0  # every check ran: verdicts do not change the exit code
    assert run(CLAIM, "--fail-on", "fails").exit_code == 1
    patched_check(lambda c: _outcome(9))
    assert run(CLAIM, "--fail-on", "fails").exit_code == 0
    assert claim.id == CLAIM


def test_crashed_check_exits_2_and_still_reports(patched_check) -> None:
    def boom(claim):
        raise RuntimeError("kaput")

    patched_check(boom)
    result = run(CLAIM, "--format", "json")
    assert result.exit_code == 2
    assert "kaput" in result.output
    assert "Traceback" not in result.output


def test_every_claim_has_a_check_and_valid_source() -> None:
    for claim in catalog():
        assert base.get_check(claim.id) is not None, claim.id
        assert claim.quote and claim.translation and claim.statement and claim.interpretation
        assert claim.section in SECTIONS


def test_catalog_ids_unique_and_registration_refuses_duplicates() -> None:
    ids = [c.id for c in catalog()]
    assert len(ids) == len(set(ids))
    with pytest.raises(ValueError):
        base.register([base._CLAIMS[CLAIM]])
    with pytest.raises(ValueError):
        base.check(CLAIM)(lambda c: None)


def test_markdown_out_file(tmp_path: Path) -> None:
    out = tmp_path / "claims.md"
    result = run(CLAIM, "--format", "md", "--out", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "## Convolution arithmetic" in text and f'### <a id="{CLAIM}"></a>' in text
    # the notes its sources link to are written beside it, with the cited line's anchor
    assert "(notes/000.md#L20)" in text
    assert '<a id="L20"></a>20 |' in (tmp_path / "notes" / "000.md").read_text(encoding="utf-8")


def _widest_line(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.fixture
def every_check_patched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every claim of the catalog (their real ids and statements) with a quick made-up outcome."""
    for claim in catalog():
        monkeypatch.setitem(base._CHECKS, claim.id, lambda c: _outcome(1_234_567_890, "count"))


@pytest.mark.parametrize("width", [80, 120])
def test_table_fits_the_terminal_width(width: int, every_check_patched: None) -> None:
    result = CliRunner().invoke(main, ["claims"], env={"COLUMNS": str(width)}, catch_exceptions=False)
    assert result.exit_code == 0
    assert _widest_line(result.output) <= width
    # numbers are never split over lines: the figure appears whole, beside its id
    row = next(line for line in result.output.splitlines() if line.startswith(CLAIM))
    assert "1.23G" in row.split()
    if width == 80:
        assert "claim hidden to fit 80 columns" in result.output  # the dropped columns are named


def test_wide_shows_every_column(every_check_patched: None) -> None:
    result = CliRunner().invoke(main, ["claims", "--wide"], env={"COLUMNS": "80"}, catch_exceptions=False)
    header = next(line for line in result.output.splitlines() if line.startswith("id "))
    assert header.split() == ["id", "verdict", "expected", "measured", "diff", "claim"]
    assert "hidden" not in result.output


def test_table_view_out_writes_plain_text(tmp_path: Path) -> None:
    out = tmp_path / "claim.txt"
    result = run(CLAIM, "--out", str(out))
    assert result.exit_code == 0 and result.output == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith(CLAIM) and "verdict: holds" in text and "\x1b[" not in text


def test_parallel_workers_give_the_serial_results() -> None:
    from archstats.claims import _partition, run, select

    ids = ["conv1x1-vs-3x3-params", "dwsep-params-example", "alexnet-60m", "googlenet-5m-params", "resnet-152-layers"]
    claims = select(ids)
    assert len(_partition(claims, 2)) == 2  # sections split between two workers
    serial, parallel = run(claims), run(claims, jobs=2)
    assert [r.claim.id for r in parallel] == ids  # catalog order kept
    assert [(r.outcome.verdict, r.outcome.measured, r.outcome.explanation) for r in parallel] == [
        (r.outcome.verdict, r.outcome.measured, r.outcome.explanation) for r in serial
    ]


def test_jobs_must_be_positive() -> None:
    result = run(CLAIM, "--jobs", "0")
    assert result.exit_code == 2 and "Traceback" not in result.output

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
    for needle in ("quote:", "interpretation:", "formula:", "measurements:", "verdict: holds"):
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


def test_exit_codes_for_verdicts(patched_check) -> None:
    claim = base._CLAIMS[CLAIM]
    patched_check(lambda c: base.Outcome(base.FAILS, 9, 8, "made to fail for this test"))
    assert run(CLAIM).exit_code == 0  # every check ran: verdicts do not change the exit code
    assert run(CLAIM, "--fail-on", "fails").exit_code == 1
    patched_check(lambda c: base.Outcome(base.HOLDS, 9, 9, "holds"))
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
        assert claim.quote and claim.statement and claim.interpretation
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
    assert text.startswith("# ") and "## Convolution arithmetic" in text and f"### {CLAIM}" in text

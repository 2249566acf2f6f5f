"""``archstats crosscheck`` through click's CliRunner: output formats and exit codes 0 / 1 / 2."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
import torch
from click.testing import CliRunner
from torch.utils.flop_counter import FlopCounterMode

import archstats.crosscheck as crosscheck_module
from archstats.cli import main
from archstats.crosscheck import base
from archstats.crosscheck._flopcounter import FlopCounterTool
from archstats.crosscheck.base import Prediction, Term
from archstats.errors import install_hint
from archstats.profile import Profile
from archstats_models import get_model

HINT = install_hint("crosscheck")  # this checkout's form: cd ... && pip install -e ".[crosscheck]"


def run(*args: str) -> CliRunner.invoke:
    return CliRunner().invoke(main, ["crosscheck", *args], catch_exceptions=False)


def _lenet5_flops() -> int:
    """FlopCounterMode's own total for LeNet-5 at its 1x32x32 input (independent of archstats)."""
    with torch.device("meta"):
        model = get_model("lenet5").eval()
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model(torch.empty(1, 1, 32, 32, device="meta"))
    return counter.get_total_flops()


def test_all_tools_table_exit_0() -> None:
    result = run("lenet5")
    assert result.exit_code == 0, result.output
    for name in ("archstats", "flopcounter", "fvcore", "thop", "unexplained", "measured by fvcore"):
        assert name in result.stdout
    assert "Traceback" not in result.output


def test_json_exact_integers() -> None:
    result = run("lenet5", "--tools", "flopcounter,fvcore", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    flops = _lenet5_flops()
    assert data["ok"] is True
    assert data["archstats"]["macs"] * 2 == flops
    tools = {t["name"]: t for t in data["tools"]}
    assert tools["flopcounter"]["measured"] == flops and isinstance(tools["flopcounter"]["measured"], int)
    assert tools["flopcounter"]["measured_macs"] == flops // 2
    for t in tools.values():
        assert t["unexplained"] == 0
        assert t["predicted"] == t["base"] + sum(term["amount"] for term in t["terms"])


def test_csv_totals_and_per_module() -> None:
    result = run("lenet5", "--tools", "flopcounter", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["tool"] for r in rows] == ["flopcounter"]
    assert int(rows[0]["measured"]) == _lenet5_flops()
    assert int(rows[0]["unexplained"]) == 0

    result = run("lenet5", "--tools", "flopcounter", "--format", "csv", "--per-module")
    assert result.exit_code == 0, result.output
    rows = {r["module"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    # features.0 is LeNet-5's C1: Conv2d(1, 6, 5) on 32x32 -> 6x28x28 outputs x 25 taps
    assert int(rows["features.0"]["archstats_own_macs"]) == 6 * 28 * 28 * 25
    assert int(rows["features.0"]["flopcounter_subtree_macs"]) == 6 * 28 * 28 * 25
    assert int(rows["(model)"]["flopcounter_subtree_macs"]) * 2 == _lenet5_flops()


def test_markdown_and_per_module_table() -> None:
    result = run("lenet5", "--tools", "flopcounter", "--format", "md", "--per-module")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("## Cross-check: lenet5")
    assert "| features.0 | Conv2d |" in result.stdout
    assert "per-module figures cover module and its children (subtree)" in result.stdout


class _Forgetful(FlopCounterTool):
    """FlopCounterMode with a convention that forgets 10 FLOPs: the difference stays unexplained."""

    name = "forgetful"

    def predict(self, p: Profile) -> Prediction:
        pred = super().predict(p)
        return Prediction(pred.base, pred.terms + (Term("a term the tool does not have", -10),), pred.per_module)


def test_unexplained_difference_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(base._TOOLS, "forgetful", _Forgetful)
    result = run("lenet5", "--tools", "forgetful,flopcounter")
    assert result.exit_code == 1
    assert "forgetful: +10 FLOPs not explained" in result.stderr
    assert "flopcounter" not in result.stderr  # the tool that matches is not blamed


def test_unknown_model_exits_2_with_suggestion() -> None:
    result = run("resnet5")
    assert result.exit_code == 2
    assert "resnet50" in result.stderr and "Traceback" not in result.output


def test_unknown_tool_exits_2() -> None:
    result = run("lenet5", "--tools", "fvcor")
    assert result.exit_code == 2
    assert "unknown cross-check tool 'fvcor'" in result.stderr and "fvcore" in result.stderr


def test_missing_tool_is_skipped_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fvcore", None)  # "import fvcore" raises ImportError
    monkeypatch.setitem(sys.modules, "fvcore.nn", None)
    result = run("lenet5", "--tools", "fvcore,flopcounter", "--format", "json")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: fvcore")]
    assert len(notes) == 1 and HINT in notes[0]
    assert "Traceback" not in result.output
    tools = {t["name"]: t for t in json.loads(result.stdout)["tools"]}
    assert tools["fvcore"]["status"] == "skipped" and tools["flopcounter"]["unexplained"] == 0


def test_no_requested_tool_installed_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crosscheck_module, "_version", lambda distribution: None)
    result = run("lenet5", "--tools", "fvcore,thop")
    assert result.exit_code == 2
    assert "none of the requested tools is installed" in result.stderr and HINT in result.stderr

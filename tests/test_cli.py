"""The CLI, through click's runner: outputs, formats, exit codes and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from archstats.cli import main

# Original two-tower AlexNet at 227x227, by hand (grouped conv2/4/5 see 48 or 192 input maps).
ALEXNET_PARAMS = (
    (11 * 11 * 3 * 96 + 96)  # conv1
    + (5 * 5 * 48 * 256 + 256)  # conv2, 2 groups
    + (3 * 3 * 256 * 384 + 384)  # conv3
    + (3 * 3 * 192 * 384 + 384)  # conv4, 2 groups
    + (3 * 3 * 192 * 256 + 256)  # conv5, 2 groups
    + (6 * 6 * 256 * 4096 + 4096)  # fc6
    + (4096 * 4096 + 4096)  # fc7
    + (4096 * 1000 + 1000)  # fc8
)
ALEXNET_MACS = (
    55 * 55 * 96 * (3 * 11 * 11)  # conv1: 55x55 outputs, 96 maps
    + 27 * 27 * 256 * (48 * 5 * 5)  # conv2
    + 13 * 13 * 384 * (256 * 3 * 3)  # conv3
    + 13 * 13 * 384 * (192 * 3 * 3)  # conv4
    + 13 * 13 * 256 * (192 * 3 * 3)  # conv5
    + 9216 * 4096
    + 4096 * 4096
    + 4096 * 1000
)
# SqueezeNet 1.0: conv1 + Fire(s, e1, e3) modules (bias everywhere) + conv10.
_FIRES = [
    (96, 16, 64, 64),
    (128, 16, 64, 64),
    (128, 32, 128, 128),
    (256, 32, 128, 128),
    (256, 48, 192, 192),
    (384, 48, 192, 192),
    (384, 64, 256, 256),
    (512, 64, 256, 256),
]
SQUEEZENET_PARAMS = (
    (7 * 7 * 3 * 96 + 96)
    + sum(c * s + s + s * e1 + e1 + 9 * s * e3 + e3 for c, s, e1, e3 in _FIRES)
    + (512 * 1000 + 1000)
)


def run(*args: str) -> CliRunner.invoke:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_hand_arithmetic_matches_published_figures() -> None:
    # Caffe's bvlc_alexnet has 60,965,224 parameters; torchvision's squeezenet1_0 1,248,424.
    assert ALEXNET_PARAMS == 60_965_224
    assert SQUEEZENET_PARAMS == 1_248_424


def test_compare_alexnet_squeezenet() -> None:
    result = run("compare", "alexnet", "squeezenet")
    assert result.exit_code == 0, result.output
    ratio = ALEXNET_PARAMS / SQUEEZENET_PARAMS  # 48.83...
    assert f"squeezenet1_0: {ratio:.1f}x fewer params than alexnet" in result.output
    assert "61.0M" in result.output and "1.25M" in result.output
    assert "0.72 GMACs" in result.output  # 724,406,816 MACs


def test_compare_json_exact() -> None:
    result = run("compare", "alexnet", "squeezenet1_0", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    models = {m["model"]: m for m in data["models"]}
    assert models["alexnet"]["params"] == ALEXNET_PARAMS
    assert models["alexnet"]["macs"] == ALEXNET_MACS
    assert models["squeezenet1_0"]["params"] == SQUEEZENET_PARAMS
    assert models["alexnet"]["model_bytes_fp32"] == 4 * ALEXNET_PARAMS
    params_ratio = [r for r in data["ratios"] if r["metric"] == "params"][0]
    assert params_ratio["direction"] == "fewer"
    assert params_ratio["factor"] == pytest.approx(ALEXNET_PARAMS / SQUEEZENET_PARAMS)


def test_profile_csv_exact_integers_sum_to_totals() -> None:
    result = run("profile", "alexnet", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert sum(int(r["params"]) for r in rows) == ALEXNET_PARAMS
    assert sum(int(r["macs"]) for r in rows) == ALEXNET_MACS
    conv1 = next(r for r in rows if r["module"] == "features.0")
    assert conv1["output_shape"] == "1x96x55x55"
    assert int(conv1["rf_size_h"]) == 11 and int(conv1["rf_jump_h"]) == 4


def test_profile_json_and_conventions() -> None:
    full = json.loads(run("profile", "alexnet", "--format", "json").output)
    paper = json.loads(run("profile", "alexnet", "--format", "json", "--convention", "paper").output)
    assert full["status"] == "complete" and full["uncounted"] == {}
    assert paper["totals"]["flops"] == 2 * ALEXNET_MACS
    assert full["totals"]["macs"] == paper["totals"]["macs"] == ALEXNET_MACS
    assert full["totals"]["flops"] > paper["totals"]["flops"]
    assert sum(layer["flops"] for layer in full["layers"]) == full["totals"]["flops"]


def test_profile_batch_scales_macs() -> None:
    one = json.loads(run("profile", "squeezenet", "--format", "json").output)["totals"]
    four = json.loads(run("profile", "squeezenet", "--format", "json", "--batch", "4").output)["totals"]
    assert four["macs"] == 4 * one["macs"]
    assert four["params"] == one["params"] == SQUEEZENET_PARAMS


def test_profile_table_and_depth_and_markdown() -> None:
    table = run("profile", "alexnet")
    assert table.exit_code == 0
    assert "features.0" in table.output and "Total" in table.output and "status: complete" in table.output
    rolled = run("profile", "alexnet", "--depth", "1", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(rolled.output)))
    assert [r["module"] for r in rows] == ["features", "(model)", "classifier"]
    assert sum(int(r["params"]) for r in rows) == ALEXNET_PARAMS
    md = run("profile", "alexnet", "--format", "md").output
    assert md.startswith("## alexnet") and "| Layer |" in md and "| --- |" in md


def test_list_shows_models_and_aliases() -> None:
    result = run("list", "--format", "json")
    entries = {e["name"]: e for e in json.loads(result.output)}
    assert {"alexnet", "squeezenet1_0", "squeezenet1_1"} <= set(entries)
    assert entries["alexnet"]["input_size"] == "3x227x227"
    assert "squeezenet" in entries["squeezenet1_0"]["aliases"].split(",")
    assert "alexnet" in run("list").output


def _one_line_error(result: CliRunner.invoke) -> str:
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error:")
    return lines[0]


def test_unknown_model_suggests_close_match() -> None:
    result = run("profile", "alexnt")
    assert result.exit_code == 2
    assert "did you mean: alexnet" in _one_line_error(result)
    assert run("compare", "alexnet", "squeezenett").exit_code == 2


@pytest.mark.parametrize("bad", ["3x22a", "0x224x224", "x", "-3x4x4"])
def test_malformed_input_size(bad: str) -> None:
    result = run("profile", "alexnet", "--input", bad)
    assert result.exit_code == 2
    assert "malformed input size" in _one_line_error(result)


def test_bad_import_path() -> None:
    result = run("profile", "no_such_pkg_archstats:make")
    assert result.exit_code == 2
    assert "cannot import" in _one_line_error(result)


@pytest.fixture
def user_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "usernets_archstats.py").write_text(
        textwrap.dedent(
            """
            import torch
            from torch import nn

            class Broken(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.stem = nn.Conv2d(3, 8, 3)
                    self.head = nn.Linear(5, 2)   # wrong in_features: the forward fails here
                def forward(self, x):
                    return self.head(self.stem(x).flatten(1))

            class Cumsum(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 4, 1)
                def forward(self, x):
                    return torch.kthvalue(self.conv(x), 1, dim=1, keepdim=True).values  # no rule

            def broken():
                return Broken()

            def cumsum():
                return Cumsum()
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return "usernets_archstats"


def test_failing_forward_names_layer_and_op(user_models: str) -> None:
    result = run("profile", f"{user_models}:broken", "--input", "3x8x8")
    assert result.exit_code == 1
    line = _one_line_error(result)
    assert "head (Linear)" in line and "aten." in line


def test_uncounted_op_partial_then_strict(user_models: str) -> None:
    ok = run("profile", f"{user_models}:cumsum", "--input", "3x4x4", "--format", "json")
    assert ok.exit_code == 0
    data = json.loads(ok.output)
    assert data["status"] == "partial" and data["uncounted"] == {"aten.kthvalue": 1}
    strict = run("profile", f"{user_models}:cumsum", "--input", "3x4x4", "--strict")
    assert strict.exit_code == 1
    assert "aten.kthvalue" in _one_line_error(strict)


def test_user_models_package_does_not_shadow_the_zoo(tmp_path: Path) -> None:
    # A project with its own top-level `models` package, the commonest name there is.
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "__init__.py").write_text("raise ImportError('the user models package')\n")
    out = subprocess.run(
        [sys.executable, "-m", "archstats", "list", "--format", "csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "squeezenet1_0" in out.stdout


def test_readme_quick_start_is_what_ci_runs() -> None:
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 3
    assert commands[0].endswith("archstats compare alexnet squeezenet")
    assert all(c.startswith("pip install torch==2.13.0 && ") for c in commands[:2])
    ci = (root / ".ci" / "run").read_text()
    assert "pip install --quiet --disable-pip-version-check torch==2.13.0" in ci
    # .ci/run greps the README for the test command; the pattern must find the README's line
    assert "python -m pytest" in commands[1] and commands[1].startswith(
        'pip install torch==2.13.0 && pip install -e ".[test]"'
    )
    # then the lint, format and type checks, also found by grep
    assert commands[2] == "ruff check . && ruff format --check . && mypy"
    assert "grep -m1 -E '^ruff check \\. && ruff format --check \\. && mypy' README.md" in ci

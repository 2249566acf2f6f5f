"""Model budgets: config validation, `archstats check`, baselines, JUnit/Markdown, the pytest helper."""

from __future__ import annotations

import json
import os
import re
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from torch import nn

from archstats.budgets import BudgetConfigError, as_written, load_budgets
from archstats.cli import main
from archstats.inputs import InputSpec
from archstats.testing import assert_within_budget
from archstats.units import parse_quantity

ROOT = Path(__file__).resolve().parents[1]

# AlexNet (two towers, 227x227) by the layer formula: weights + biases, conv2/4/5 grouped by 2
ALEXNET_PARAMS = (
    (96 * 3 * 11 * 11 + 96)
    + (256 * 48 * 5 * 5 + 256)
    + (384 * 256 * 3 * 3 + 384)
    + (384 * 192 * 3 * 3 + 384)
    + (256 * 192 * 3 * 3 + 256)
    + (9216 * 4096 + 4096)
    + (4096 * 4096 + 4096)
    + (4096 * 1000 + 1000)
)
# conv + linear multiply-accumulates: output elements x (C_in / groups) x kernel area
ALEXNET_CONV_FC_MACS = (
    55 * 55 * 96 * 3 * 121
    + 27 * 27 * 256 * 48 * 25
    + 13 * 13 * 384 * 256 * 9
    + 13 * 13 * 384 * 192 * 9
    + 13 * 13 * 256 * 192 * 9
    + 9216 * 4096
    + 4096 * 4096
    + 4096 * 1000
)


def _alexnet_rf() -> int:
    r, j = 1, 1
    for k, s in [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 2)]:
        r, j = r + (k - 1) * j, j * s
    return r


# a tiny model whose every figure is worked out by hand: Conv2d(1 -> 2, 3x3, no bias) on 1x5x5
TINY = {
    "params": 2 * 1 * 3 * 3,  # 18
    "macs": 3 * 3 * 2 * 9,  # 162 = 18 output elements x 9 taps
    "flops": 2 * 162,  # no bias, no other op
    "total": 18 * 4,  # the output, fp32
    "peak": 25 * 4 + 18 * 4,  # input and output live together
    "rf": 3,
}


def tiny() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 2, 3, bias=False))


@pytest.fixture
def tiny_path(tmp_path, monkeypatch) -> str:
    (tmp_path / "budget_tiny_model.py").write_text(
        "from torch import nn\n\ndef build():\n    return nn.Sequential(nn.Conv2d(1, 2, 3, bias=False))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return "budget_tiny_model:build"


def _write(tmp_path: Path, body: str, name: str = "budgets.toml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body))
    return path


def _check(*args: str, columns: int | None = None):
    env = {"COLUMNS": str(columns)} if columns else None
    return CliRunner().invoke(main, ["check", *args], env=env)


def _one_line_error(result, *fragments: str) -> str:
    """A user mistake: exit 2 and one line on stderr holding every fragment, no traceback."""
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in result.output, result.output
    assert all(f in err for f in fragments), (fragments, err)
    return err


def test_hand_derived_alexnet_figures():
    assert ALEXNET_PARAMS == 60_965_224
    assert _alexnet_rf() == 195


# --- the pytest helper ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "ok", "bad", "name"),
    [
        ("params", TINY["params"], TINY["params"] - 1, "params"),
        ("macs", TINY["macs"], TINY["macs"] - 1, "MACs"),
        ("flops", TINY["flops"], TINY["flops"] - 1, "FLOPs"),
        ("total_memory", TINY["total"], TINY["total"] - 1, "total memory"),
        ("peak_memory", TINY["peak"], TINY["peak"] - 1, "peak memory"),
        ("model_size", TINY["params"] * 4, TINY["params"] * 4 - 1, "model size"),
        ("min_receptive_field", TINY["rf"], TINY["rf"] + 1, "receptive field"),
    ],
)
def test_assert_within_budget_per_metric(keyword, ok, bad, name):
    assert_within_budget(tiny(), (1, 5, 5), **{keyword: ok})
    with pytest.raises(AssertionError) as info:
        assert_within_budget(tiny(), (1, 5, 5), **{keyword: bad})
    message = str(info.value)
    assert name in message and str(bad) in message


def test_assert_within_budget_alexnet_human_units():
    assert_within_budget(
        "alexnet", params="61M", macs=f"{ALEXNET_CONV_FC_MACS * 1.01:.0f}", min_receptive_field=_alexnet_rf()
    )
    with pytest.raises(AssertionError) as info:
        assert_within_budget("alexnet", params="60M", macs="0.9G")
    message = str(info.value)
    assert "params 61.0M (60,965,224)" in message
    assert "60.0M (60,000,000)" in message and "MACs" not in message  # only the broken metric


def test_assert_within_budget_model_size_dtype():
    assert_within_budget(tiny(), (1, 5, 5), model_size=TINY["params"] * 2, model_size_dtype="float16")


# --- config validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "table", "key", "fragment"),
    [
        ('model = "alexnet"\nmax_parms = "62M"\n', "[budgets.a]", "max_parms", "unknown key"),
        ('model = "alexnet"\nmax_macs = "850 MFLOPs"\n', "[budgets.a]", "max_macs", "unit 'MFLOPs'"),
        ('model = "alexnet"\nmax_peak_memory = "5M"\n', "[budgets.a]", "max_peak_memory", "unit 'M'"),
        ('model = "no_such_net"\nmax_params = "1M"\n', "[budgets.a]", "model", "no_such_net"),
        ('model = "nowhere_pkg.mod:build"\nmax_params = "1M"\n', "[budgets.a]", "model", "cannot import"),
        ('model = "alexnet"\nmax_params = [1, 2]\n', "[budgets.a]", "max_params", "got an array"),
        ('model = "alexnet"\nmax_params = true\n', "[budgets.a]", "max_params", "got a boolean"),
        ('model = "alexnet"\nbatch = "8"\nmax_params = 1\n', "[budgets.a]", "batch", "positive integer"),
        ('model = "alexnet"\nbatch = 0\nmax_params = 1\n', "[budgets.a]", "batch", "positive integer"),
        ('model = "alexnet"\ninput = "3xbig"\nmax_params = 1\n', "[budgets.a]", "input", "malformed input size"),
        ('model = "alexnet"\ninput = 224\nmax_params = 1\n', "[budgets.a]", "input", "got an integer"),
        ('model = "alexnet"\ndtype = "int8"\nmax_params = 1\n', "[budgets.a]", "dtype", "unsupported dtype"),
        (
            'model = "alexnet"\nmodel_size_dtype = "fp8"\nmax_model_size = 1\n',
            "[budgets.a]",
            "model_size_dtype",
            "unsupported",
        ),
        ("model = 3\nmax_params = 1\n", "[budgets.a]", "model", "expected a string"),
        ("max_params = 1\n", "[budgets.a]", "model", "missing"),
        ('model = "alexnet"\nmax_params = "-1M"\n', "[budgets.a]", "max_params", "negative"),
    ],
)
def test_config_errors_name_file_table_key(tmp_path, body, table, key, fragment):
    # a valid table first: nothing is checked when any table is broken
    path = _write(tmp_path, '[budgets.ok]\nmodel = "alexnet"\nmax_params = "62M"\n\n[budgets.a]\n' + body)
    result = _check("--config", str(path))
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert str(path) in err and table in err and f" {key}:" in err and fragment in err
    assert "archstats budgets" not in result.stdout  # no half-check was printed
    with pytest.raises(BudgetConfigError):
        load_budgets(path)


def test_pyproject_errors_name_tool_table(tmp_path):
    path = _write(
        tmp_path, '[tool.archstats.budgets.net]\nmodel = "alexnet"\nmax_flops = "1 GMACs"\n', "pyproject.toml"
    )
    result = _check("--config", str(path))
    assert result.exit_code == 2
    assert "[tool.archstats.budgets.net] max_flops:" in result.stderr


@pytest.mark.parametrize(
    ("name", "body", "fragment"),
    [
        ("pyproject.toml", "[project]\nname = 'x'\n", "no budgets: add [tool.archstats.budgets.<label>] tables"),
        ("budgets.toml", "", "no budgets: add [budgets.<label>] tables"),
        ("budgets.toml", "budgets = 3\n", "must be a table"),
        ("budgets.toml", "[budgets]\nnet = 3\n", "key 'net'"),
        ("budgets.toml", "[budgets.net]\nmodel = 'alexnet'\n", "no limits"),
        ("budgets.toml", "[budgets.net\nmodel=", "not valid TOML"),
        ("pyproject.toml", "[tool.archstats.budgets.net\nmodel=", "not valid TOML"),
    ],
)
def test_file_level_errors(tmp_path, name, body, fragment):
    path = _write(tmp_path, body, name)
    _one_line_error(_check("--config", str(path)), str(path), fragment)


ONE = 'model = "alexnet"\nmax_params = "62M"\n'


@pytest.mark.parametrize(
    ("name", "body", "fragments"),
    [
        # a typo never skips a budget: the misspelt table is named, with the spelling meant
        (
            "budgets.toml",
            f"[budgets.a]\n{ONE}[budgetz.b]\n{ONE}",
            ("unknown table [budgetz]", "did you mean [budgets]"),
        ),
        ("budgets.toml", f"version = 1\n[budgets.a]\n{ONE}", ("unknown key 'version'",)),
        ("pyproject.toml", f"[tool.archstats.budgets.a]\n{ONE}[budgetz.b]\n{ONE}", ("[budgetz] is not read",)),
        (
            "pyproject.toml",
            f"[tool.archstats.budgets.a]\n{ONE}[tool.archstats.budget.b]\n{ONE}",
            ("unknown table [tool.archstats.budget]", "did you mean [tool.archstats.budgets]"),
        ),
        (
            "pyproject.toml",
            f"[tool.archstat.budgets.b]\n{ONE}",
            ("unknown table [tool.archstat]", "did you mean [tool.archstats]"),
        ),
        # each spelling in its own kind of file only
        ("pyproject.toml", f"[budgets.a]\n{ONE}", ("[budgets] is not read in pyproject.toml", "[tool.archstats")),
        ("budgets.toml", f"[tool.archstats.budgets.a]\n{ONE}", ("[tool] tables are read in pyproject.toml only",)),
        # both at once: which was meant cannot be guessed
        (
            "pyproject.toml",
            f"[budgets.a]\n{ONE}[tool.archstats.budgets.b]\n{ONE}",
            ("both [budgets] and [tool.archstats.budgets]", "keep one: [tool.archstats.budgets.<label>]"),
        ),
        (
            "budgets.toml",
            f"[budgets.a]\n{ONE}[tool.archstats.budgets.b]\n{ONE}",
            ("both [budgets] and [tool.archstats.budgets]", "keep one: [budgets.<label>]"),
        ),
    ],
)
def test_table_names_validated(tmp_path, name, body, fragments):
    path = _write(tmp_path, body, name)
    _one_line_error(_check("--config", str(path)), str(path), *fragments)
    with pytest.raises(BudgetConfigError):
        load_budgets(path)


def test_not_utf8_toml(tmp_path):
    path = tmp_path / "budgets.toml"
    path.write_bytes(b'[budgets.a]\nmodel = "alex\xe9net"\nmax_params = 1\n')  # Latin-1, not UTF-8
    _one_line_error(_check("--config", str(path)), str(path), "not UTF-8", "0xe9")


def test_missing_config_file(tmp_path):
    result = _check("--config", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert "nope.toml: budget file not found" in result.stderr


def test_default_config_is_pyproject_in_cwd(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()  # the repository root: the search goes no higher
    monkeypatch.chdir(tmp_path)
    _one_line_error(_check(), f"no pyproject.toml in {tmp_path} or its parents up to {tmp_path}", "--config")
    _write(
        tmp_path, f'[tool.archstats.budgets.alex]\nmodel = "alexnet"\nmax_params = {ALEXNET_PARAMS}\n', "pyproject.toml"
    )
    assert _check().exit_code == 0


def _repository(root: Path, body: str) -> Path:
    """A repository root (``.git``) whose pyproject.toml holds ``body``."""
    (root / ".git").mkdir(parents=True)
    _write(root, body, "pyproject.toml")
    return root


def test_check_finds_pyproject_in_parent_directories(tmp_path, monkeypatch):
    repo = _repository(
        tmp_path / "repo",
        '[tool.archstats.budgets.net]\nmodel = "budget_parent_model:build"\ninput = "1x5x5"\n'
        f"max_params = {TINY['params']}\n",
    )
    # the model lives beside the pyproject.toml, not in the directory the check runs from
    (repo / "budget_parent_model.py").write_text(
        "from torch import nn\n\ndef build():\n    return nn.Sequential(nn.Conv2d(1, 2, 3, bias=False))\n"
    )
    # a nearer pyproject.toml without [tool.archstats] is skipped, as ruff skips one without [tool.ruff]
    _write(repo / "src", "[project]\nname = 'inner'\n", "pyproject.toml")
    nested = repo / "src" / "pkg"
    nested.mkdir()
    monkeypatch.chdir(nested)
    result = _check(columns=120)
    assert result.exit_code == 0, result.output
    used = os.path.join("..", "..", "pyproject.toml")
    assert f"archstats budgets ({used})" in result.stdout  # says which file it used
    assert "max_params" in result.stdout and "pass" in result.stdout


def test_parent_search_stops_at_the_repository_root(tmp_path, monkeypatch):
    _write(
        tmp_path, f'[tool.archstats.budgets.net]\nmodel = "alexnet"\nmax_params = {ALEXNET_PARAMS}\n', "pyproject.toml"
    )
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    _one_line_error(_check(), f"no pyproject.toml in {repo / 'sub'} or its parents up to {repo}")


def test_nearest_pyproject_without_budgets_is_named(tmp_path, monkeypatch):
    repo = _repository(tmp_path, "[project]\nname = 'x'\n")
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    used = os.path.join("..", "pyproject.toml")
    _one_line_error(_check(), f"{used}: no budgets: add [tool.archstats.budgets.<label>] tables")


def test_broken_pyproject_on_the_way_up_is_named(tmp_path, monkeypatch):
    repo = _repository(tmp_path, f'[tool.archstats.budgets.net]\nmodel = "alexnet"\nmax_params = {ALEXNET_PARAMS}\n')
    _write(repo / "sub", "[project\n", "pyproject.toml")
    monkeypatch.chdir(repo / "sub")
    _one_line_error(_check(), "pyproject.toml: not valid TOML")


def test_load_budgets_values(tmp_path):
    path = _write(
        tmp_path,
        """
        [budgets.alex]
        model = "alexnet"
        input = [3, 227, 227]
        batch = 2
        dtype = "float16"
        max_params = "61M"
        max_macs = "850 MMACs"
        max_peak_memory = "4.5 MiB"
        max_model_size = "0.5MB"
        model_size_dtype = "bfloat16"
        min_receptive_field = 150
        """,
    )
    (b,) = load_budgets(path)
    assert (b.label, b.model, b.input_size, b.batch, b.dtype, b.model_size_dtype) == (
        "alex",
        "alexnet",
        (InputSpec((3, 227, 227)),),
        2,
        "float16",
        "bfloat16",
    )
    assert b.limits == {
        "max_params": 61_000_000,
        "max_macs": 850_000_000,
        "max_peak_memory": 4_718_592,
        "max_model_size": 500_000,
        "min_receptive_field": 150,
    }


# --- checking through the CLI -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "ok", "bad"),
    [
        ("max_params", TINY["params"], TINY["params"] - 1),
        ("max_macs", TINY["macs"], TINY["macs"] - 1),
        ("max_flops", TINY["flops"], TINY["flops"] - 1),
        ("max_total_memory", TINY["total"], TINY["total"] - 1),
        ("max_peak_memory", TINY["peak"], TINY["peak"] - 1),
        ("max_model_size", TINY["params"] * 4, TINY["params"] * 4 - 1),
        ("min_receptive_field", TINY["rf"], TINY["rf"] + 1),
    ],
)
def test_check_per_metric_pass_and_fail(tmp_path, tiny_path, key, ok, bad):
    head = f'[budgets.tiny]\nmodel = "{tiny_path}"\ninput = "1x5x5"\n'
    good = _check("--config", str(_write(tmp_path, head + f"{key} = {ok}\n", "good.toml")))
    assert good.exit_code == 0, good.output
    assert "pass" in good.stdout and "FAIL" not in good.stdout
    over = _check("--config", str(_write(tmp_path, head + f"{key} = {bad}\n", "bad.toml")))
    assert over.exit_code == 1, over.output
    assert "FAIL" in over.stdout and "1 of 1 checks failed" in over.stdout


def test_check_alexnet_params_hand_derived(tmp_path):
    body = f"""
    [budgets.alex]
    model = "alexnet"
    max_params = {ALEXNET_PARAMS}
    max_macs = "{ALEXNET_CONV_FC_MACS * 1.01 / 1e6:.1f}M"
    min_receptive_field = {_alexnet_rf()}
    """
    assert _check("--config", str(_write(tmp_path, body))).exit_code == 0
    tight = _write(tmp_path, f'[budgets.alex]\nmodel = "alexnet"\nmax_params = {ALEXNET_PARAMS - 1}\n', "tight.toml")
    result = _check("--config", str(tight))
    assert result.exit_code == 1
    assert "60,965,224" in result.stdout and "over the maximum" in result.stdout


def test_limits_echoed_in_the_unit_written(tmp_path):
    path = _write(
        tmp_path,
        """
        [budgets.dec]
        model = "alexnet"
        max_params = "62M"
        max_model_size = "250 MB"

        [budgets.bin]
        model = "alexnet"
        max_model_size = "240 MiB"
        """,
    )
    result = _check("--config", str(path), "--wide")
    assert result.exit_code == 0, result.output
    size = ALEXNET_PARAMS * 4  # 243,860,896 bytes of fp32 weights
    rows = {tuple(line.split()[:3]): line.split()[3:] for line in result.stdout.splitlines() if "pass" in line}
    # params in M: 60.965M measured, 1.035M of headroom (1.7% of 62M)
    assert rows["dec", "alexnet", "max_params"] == ["61.0M", "62M", "1.03M", "1.7%", "pass"]
    # decimal MB stay MB: 243.86 MB measured, 250 - 243.86 = 6.14 MB left (2.5%)
    assert size == 243_860_896 and 250 * 10**6 - size == 6_139_104
    assert rows["dec", "alexnet", "max_model_size"] == ["244", "MB", "250", "MB", "6.14", "MB", "2.5%", "pass"]
    # binary MiB stay MiB: 243,860,896 / 2**20 = 232.56; 240 MiB - size = 7,797,344 bytes = 7.44 MiB (3.1%)
    assert 240 * 2**20 - size == 7_797_344
    assert rows["bin", "alexnet", "max_model_size"] == ["233", "MiB", "240", "MiB", "7.44", "MiB", "3.1%", "pass"]
    assert "238 MiB" not in result.stdout  # 250 MB is never converted


@pytest.mark.parametrize(
    ("value", "kind", "measured", "shown"),
    [
        ("5 MiB", "bytes", 1_248_424 * 4, "4.76 MiB"),  # SqueezeNet 1.0's fp32 weights: 4,993,696 B
        ("4.4M", "count", 4_231_976, "4.23M"),  # no space written, none shown
        ("0.42G", "macs", 386_000_000, "0.386G"),  # three significant digits below 1
        ("40.3 MB", "bytes", 40_349_600, "40.35 MB"),  # one more digit: 40.3 MB would read as the limit itself
        ("1 GB", "bytes", 5_000, "5,000 B"),  # too small for the unit: exact bytes
        (61_000_000, "count", 60_965_224, "60,965,224"),  # a bare number: exact
        ("61,100,840", "count", 60_965_224, "60,965,224"),
        ("850 MMACs", "macs", 724_406_816, "724 MMACs"),
    ],
)
def test_written_unit_formats_the_measured_value(value, kind, measured, shown):
    w = as_written(value, kind)
    assert w.text == (value if isinstance(value, str) else f"{value:,}")
    assert w.format(measured, parse_quantity(value, kind)) == shown


# --- baselines --------------------------------------------------------------------------------


def test_baseline_roundtrip_and_growth(tmp_path, tiny_path):
    config = _write(tmp_path, f'[budgets.tiny]\nmodel = "{tiny_path}"\ninput = "1x5x5"\nmax_params = "1K"\n')
    baseline = tmp_path / "baseline.json"
    wrote = _check("--config", str(config), "--baseline", str(baseline), "--update-baseline")
    assert wrote.exit_code == 0, wrote.output
    data = json.loads(baseline.read_text())
    assert data["budgets"]["tiny"]["params"] == TINY["params"]
    assert data["budgets"]["tiny"]["macs"] == TINY["macs"]
    assert data["budgets"]["tiny"]["peak_bytes"] == TINY["peak"]

    same = _check("--config", str(config), "--baseline", str(baseline))
    assert same.exit_code == 0 and "params growth" in same.stdout

    # the model "grew": patch the baseline to a smaller model (params 16 -> 18 is +12.5%)
    data["budgets"]["tiny"]["params"] = 16
    baseline.write_text(json.dumps(data))
    grown = _check("--config", str(config), "--baseline", str(baseline))
    assert grown.exit_code == 1
    assert "+12.50%" in grown.stdout
    assert _check("--config", str(config), "--baseline", str(baseline), "--max-growth", "12").exit_code == 1
    assert _check("--config", str(config), "--baseline", str(baseline), "--max-growth", "12.5").exit_code == 0

    # shrinking never fails
    data["budgets"]["tiny"]["params"] = 100
    baseline.write_text(json.dumps(data))
    assert _check("--config", str(config), "--baseline", str(baseline)).exit_code == 0


def test_baseline_for_a_wider_model(tmp_path, tiny_path, monkeypatch):
    """Write the baseline with one model, then check a bigger one under the same label."""
    (tmp_path / "budget_wide_model.py").write_text(
        "from torch import nn\n\ndef build():\n    return nn.Sequential(nn.Conv2d(1, 4, 3, bias=False))\n"
    )
    baseline = tmp_path / "b.json"
    small = _write(tmp_path, f'[budgets.net]\nmodel = "{tiny_path}"\ninput = "1x5x5"\nmax_params = 100\n', "s.toml")
    wide = _write(
        tmp_path, '[budgets.net]\nmodel = "budget_wide_model:build"\ninput = "1x5x5"\nmax_params = 100\n', "w.toml"
    )
    assert _check("--config", str(small), "--baseline", str(baseline), "--update-baseline").exit_code == 0
    result = _check("--config", str(wide), "--baseline", str(baseline))
    assert result.exit_code == 1
    assert "+100.00%" in result.stdout


def test_baseline_errors(tmp_path, tiny_path):
    config = _write(tmp_path, f'[budgets.tiny]\nmodel = "{tiny_path}"\ninput = "1x5x5"\nmax_params = "1K"\n')
    missing = _check("--config", str(config), "--baseline", str(tmp_path / "none.json"))
    assert missing.exit_code == 2 and "baseline file not found" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert _check("--config", str(config), "--baseline", str(bad)).exit_code == 2
    bad.write_text('{"budgets": [1]}')
    assert _check("--config", str(config), "--baseline", str(bad)).exit_code == 2
    no_file = _check("--config", str(config), "--update-baseline")
    assert no_file.exit_code == 2 and "--update-baseline needs --baseline" in no_file.stderr
    assert _check("--config", str(config), "--max-growth", "-1").exit_code == 2


def test_label_without_baseline_entry_is_a_note(tmp_path, tiny_path):
    config = _write(tmp_path, f'[budgets.tiny]\nmodel = "{tiny_path}"\ninput = "1x5x5"\nmax_params = "1K"\n')
    baseline = tmp_path / "b.json"
    baseline.write_text('{"budgets": {}}')
    result = _check("--config", str(config), "--baseline", str(baseline))
    assert result.exit_code == 0 and "no baseline entry" in result.stdout


@pytest.mark.parametrize(
    ("entry", "key", "fragment"),
    [
        ('{"params": "abc"}', '["params"]', 'expected a non-negative integer, got "abc"'),
        ('{"params": -5}', '["params"]', "expected a non-negative integer, got -5"),
        ('{"params": 1.5}', '["params"]', "got 1.5"),
        ('{"params": true}', '["params"]', "got true"),
        ('{"parms": 18}', '["parms"]', "unknown metric"),
        ("3", "", "expected an object"),
    ],
)
def test_baseline_values_validated(tmp_path, tiny_path, entry, key, fragment):
    config = _write(tmp_path, f'[budgets.tiny]\nmodel = "{tiny_path}"\ninput = "1x5x5"\nmax_params = "1K"\n')
    baseline = tmp_path / "b.json"
    baseline.write_text('{"budgets": {"tiny": ' + entry + "}}")
    result = _check("--config", str(config), "--baseline", str(baseline))
    _one_line_error(result, f'{baseline}: budgets["tiny"]{key}:', fragment)
    assert "growth" not in result.stdout  # nothing was checked


def test_baseline_gaps_are_notes(tmp_path, tiny_path):
    config = _write(tmp_path, f'[budgets.tiny]\nmodel = "{tiny_path}"\ninput = "1x5x5"\nmax_params = "1K"\n')
    baseline = tmp_path / "b.json"
    baseline.write_text(json.dumps({"budgets": {"tiny": {"params": TINY["params"]}, "gone": {"params": 1}}}))
    result = _check("--config", str(config), "--baseline", str(baseline))
    assert result.exit_code == 0, result.output
    assert "params growth" in result.stdout and "+0.00%" in result.stdout
    notes = [line for line in result.stdout.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: tiny: the baseline has no macs, flops, peak_bytes, activation_bytes, model_bytes: "
        "not checked for growth (refresh it with --update-baseline)",
        "note: baseline entry 'gone' has no budget",
    ]


# --- JUnit and Markdown -----------------------------------------------------------------------


def test_junit_and_markdown_outputs(tmp_path, tiny_path):
    config = _write(
        tmp_path,
        f"""
        [budgets.tiny]
        model = "{tiny_path}"
        input = "1x5x5"
        max_params = {TINY["params"]}
        max_macs = {TINY["macs"] - 1}

        [budgets."odd <&> label"]
        model = "{tiny_path}"
        input = "1x5x5"
        min_receptive_field = 3
        """,
    )
    junit, md = tmp_path / "out" / "junit.xml", tmp_path / "summary.md"
    junit.parent.mkdir()
    result = _check("--config", str(config), "--junit-xml", str(junit), "--markdown", str(md))
    assert result.exit_code == 1

    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("archstats.budgets.tiny", "max_params"),
        ("archstats.budgets.tiny", "max_macs"),
        ("archstats.budgets.odd <&> label", "min_receptive_field"),
    ]
    failures = [c.find("failure") for c in cases]
    assert failures[0] is None and failures[2] is None
    # the limit was written as a bare 161: the message speaks in exact MACs, 1 over is 1/161 = 0.6%
    assert "MACs 162 is over the maximum 161 by 1 (0.6%)" in failures[1].get("message")

    text = md.read_text()
    assert "| budget | model | check | measured | limit | headroom | headroom % | status |" in text
    assert "| tiny |" in text and "FAIL" in text and "1 of 3 checks failed" in text
    assert text.count("\n| ") >= 4
    assert "odd &lt;&amp;&gt; label" in text and "<&>" not in text


@pytest.mark.parametrize(
    "label", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[bold]not markup[/bold]"]
)
def test_hostile_labels_stay_text(tmp_path, tiny_path, label):
    config = _write(
        tmp_path / "[ci]",  # a folder name that rich would read as markup
        f'[budgets.{json.dumps(label)}]\nmodel = "{tiny_path}"\ninput = "1x5x5"\nmax_params = 1\n',
    )
    junit, md = tmp_path / "j.xml", tmp_path / "m.md"
    result = _check("--config", str(config), "--junit-xml", str(junit), "--markdown", str(md), "--wide")
    assert result.exit_code == 1, result.output
    assert label in result.stdout and f"({config})" in result.stdout
    assert ET.parse(junit).getroot().find("testcase").get("classname") == f"archstats.budgets.{label}"
    text = md.read_text(encoding="utf-8")
    assert "<" not in text  # no tag of any kind reaches the page
    escaped = label.replace("<", "&lt;").replace(">", "&gt;").replace("[", "\\[").replace("]", "\\]")
    assert escaped in text


@pytest.mark.parametrize("option", ["--junit-xml", "--markdown", "--baseline"])
def test_unwritable_outputs_are_one_line(tmp_path, tiny_path, option):
    config = _write(tmp_path, f'[budgets.tiny]\nmodel = "{tiny_path}"\ninput = "1x5x5"\nmax_params = "1K"\n')
    target = tmp_path / "no_such_dir" / "out"
    extra = ["--update-baseline"] if option == "--baseline" else []
    _one_line_error(_check("--config", str(config), option, str(target), *extra), str(target))


def test_check_table_fits_80_and_120_columns(tmp_path):
    config = _write(
        tmp_path,
        """
        [budgets.alexnet_in_ci]
        model = "alexnet"
        max_params = "62M"
        max_model_size = "250 MB"
        min_receptive_field = 150
        """,
    )
    # hand-derived cells: 60,965,224 params = 61.0M; 4 bytes each = 244 MB; receptive field 195
    cells = ["61.0M", "62M", "244 MB", "250 MB", f"{_alexnet_rf()}", "150"]
    for width in (80, 120):
        out = _check("--config", str(config), columns=width).stdout
        assert max(len(line) for line in out.splitlines()) <= width, out
        assert all(cell in out for cell in cells) and out.count(" pass\n") == 3
        # 13 + 7 + 19 + 8 + 6 + 8 + 10 + 6 characters and 7 gaps of 3 make 98: model and headroom go at 80
        assert ("model, headroom hidden to fit 80 columns; --wide shows every column" in out) == (width == 80)
    wide = _check("--config", str(config), "--wide", columns=80).stdout
    assert "hidden" not in wide and all(h in wide for h in ("budget", "model", "headroom %", "status"))


# --- dogfood ----------------------------------------------------------------------------------


def test_project_budgets_pass():
    budgets = load_budgets(ROOT / "pyproject.toml")
    assert {b.label for b in budgets} >= {"alexnet", "squeezenet1_0", "resnet50", "mobilenet_v1", "efficientnet_b0"}
    result = _check("--config", str(ROOT / "pyproject.toml"))
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.stdout


# MobileNet v1 at 224 (Table 1): stem conv to 32 channels at 112x112, then 13 depthwise separable
# blocks of (stride, pointwise channels); every conv and BN writes a new output, ReLU is in place
MOBILENET_BLOCKS = [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512)] + [(1, 512)] * 5 + [(2, 1024), (1, 1024)]


def _mobilenet_v1_activation_bytes() -> int:
    side, channels, values = 112, 32, 32 * 112 * 112
    for stride, out in MOBILENET_BLOCKS:
        side //= stride
        values += channels * side * side + out * side * side  # depthwise output, pointwise output
        channels = out
    # conv and BN outputs (x2), 4 bytes each, then the pooled 1024 values and the 1000 logits
    return 2 * values * 4 + 1024 * 4 + 1000 * 4


def _mobilenet_v1_peak_bytes() -> int:
    """Live during the first block's pointwise BN: the input, the block's input (stem BN output),
    the depthwise BN output (an argument still held by the caller), the pointwise conv and BN outputs."""
    return 4 * (3 * 224 * 224 + 32 * 112 * 112 + 32 * 112 * 112 + 64 * 112 * 112 + 64 * 112 * 112)


def _readme_example() -> str:
    """The README's budget example: the ```toml block after its marker."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text[text.index("<!-- budget-example") :]
    start = after.index("```toml\n") + len("```toml\n")
    return after[start : after.index("```", start)]


def test_readme_budget_example_passes_as_written(tmp_path, monkeypatch):
    example = _readme_example()
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _check("--wide")
    assert result.exit_code == 0, result.output
    assert "archstats budgets (pyproject.toml)" in result.stdout

    limits = dict(re.findall(r'^((?:max|min)_\w+) = "?([^"#]*?)"?\s*(?:#.*)?$', example, re.MULTILINE))
    assert len(limits) == 7  # the example shows every kind of limit
    rows = {line.split()[2]: line for line in result.stdout.splitlines() if line.rstrip().endswith("pass")}
    for key, value in limits.items():
        assert str(value) in rows[key]  # each limit echoed as written

    # the README's figures, by hand: total memory is over "40 MB" (10^6 bytes each) and within the limit
    total, peak = _mobilenet_v1_activation_bytes(), _mobilenet_v1_peak_bytes()
    assert total == 40_349_600 and 40 * 10**6 < total <= parse_quantity(limits["max_total_memory"], "bytes")
    assert f"{total / 1e6:.1f} MB" == "40.3 MB" and "40.3 MB" in rows["max_total_memory"]
    assert f"{peak / 2**20:.2f} MiB" == "9.76 MiB" and "9.76 MiB" in rows["max_peak_memory"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{total:,} bytes" in readme and "9.76 MiB above" in readme

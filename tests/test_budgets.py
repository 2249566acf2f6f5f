"""Model budgets: config validation, `archstats check`, baselines, JUnit/Markdown, the pytest helper."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from torch import nn

from archstats.budgets import BudgetConfigError, load_budgets
from archstats.cli import main
from archstats.inputs import InputSpec
from archstats.testing import assert_within_budget

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
    path.write_text(textwrap.dedent(body))
    return path


def _check(*args: str):
    return CliRunner().invoke(main, ["check", *args])


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
    ("body", "fragment"),
    [
        ("[project]\nname = 'x'\n", "no budgets"),
        ("budgets = 3\n", "must be a table"),
        ("[budgets]\nnet = 3\n", "key 'net'"),
        ("[budgets.net]\nmodel = 'alexnet'\n", "no limits"),
        ("[budgets.net\nmodel=", "not valid TOML"),
    ],
)
def test_file_level_errors(tmp_path, body, fragment):
    path = _write(tmp_path, body)
    result = _check("--config", str(path))
    assert result.exit_code == 2
    assert fragment in result.stderr and str(path) in result.stderr


def test_missing_config_file(tmp_path):
    result = _check("--config", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert "nope.toml: budget file not found" in result.stderr


def test_default_config_is_pyproject_in_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _check()
    assert result.exit_code == 2 and "pyproject.toml: budget file not found" in result.stderr
    _write(
        tmp_path, f'[tool.archstats.budgets.alex]\nmodel = "alexnet"\nmax_params = {ALEXNET_PARAMS}\n', "pyproject.toml"
    )
    assert _check().exit_code == 0


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


def test_human_units_in_table(tmp_path):
    path = _write(tmp_path, '[budgets.alex]\nmodel = "alexnet"\nmax_params = "62M"\nmax_model_size = "250 MB"\n')
    result = _check("--config", str(path))
    assert result.exit_code == 0
    for text in ("61.0M", "62.0M", "1.03M", "1.7%", "233 MiB", "238 MiB"):
        assert text in result.stdout


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
    assert "MACs 0.16 KMACs (162) is over the maximum 0.16 KMACs (161)" in failures[1].get("message")

    text = md.read_text()
    assert "| budget | model | check | measured | limit | headroom | headroom % | status |" in text
    assert "| tiny |" in text and "FAIL" in text and "1 of 3 checks failed" in text
    assert text.count("\n| ") >= 4


# --- dogfood ----------------------------------------------------------------------------------


def test_project_budgets_pass():
    budgets = load_budgets(ROOT / "pyproject.toml")
    assert {b.label for b in budgets} >= {"alexnet", "squeezenet1_0", "resnet50", "mobilenet_v1", "efficientnet_b0"}
    result = _check("--config", str(ROOT / "pyproject.toml"))
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.stdout

"""Sweeps: resolution, batch and builder-parameter sweeps, value parsing and the CLI command."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from click.testing import CliRunner

from archstats.cli import main
from archstats.errors import ModelLoadError, UsageError
from archstats.sweep import SweepResult, parse_values, sweep


@pytest.fixture(scope="module")
def resnet18_res() -> SweepResult:
    return sweep("resnet18", inputs=[112, 224])


def _conv_and_fc(p):
    layers = p.layers
    return {
        r["module"]: (r["type"], int(r["macs"]), r["output_shape"])
        for r in layers.to_dict("records")
        if r["type"] in ("Conv2d", "Linear")
    }


def test_resolution_sweep_rows(resnet18_res: SweepResult) -> None:
    assert resnet18_res.model == "resnet18"
    assert resnet18_res.parameter == "input"
    assert resnet18_res.values == (112, 224)
    assert [r["input"] for r in resnet18_res.rows] == ["3x112x112", "3x224x224"]
    assert resnet18_res.rows[0]["params"] == resnet18_res.rows[1]["params"] == 11_689_512
    assert resnet18_res.rows[1]["macs"] == 1_814_073_344  # torchvision's 1.81 GMACs
    assert all(
        set(r) >= {"value", "input", "params", "macs", "flops", "peak_bytes", "activation_bytes"}
        for r in resnet18_res.rows
    )


def test_resolution_sweep_conv_macs_follow_output_area(resnet18_res: SweepResult) -> None:
    # Spatial sizes (224 -> 112): conv1 112/56, maxpool+layer1 56/28, layer2 28/14, layer3 14/7, and
    # layer4 7/4, since a stride-2 3x3 (pad 1) or 1x1 conv maps 7 to floor((7 - 1) / 2) + 1 = 4.
    # A conv's MACs are H_out * W_out * C_out * C_in/groups * k * k, so the ratio is the output-area
    # ratio: exactly 4 up to layer3, exactly 49/16 in layer4; the FC layer is resolution-free.
    small, big = (_conv_and_fc(p) for p in resnet18_res.profiles)
    assert small.keys() == big.keys() and len(small) == 21  # 20 convs (incl. 3 downsamples) + fc
    for module, (kind, macs_big, _shape) in big.items():
        macs_small = small[module][1]
        if kind == "Linear":
            assert macs_big == macs_small == 512 * 1000
        elif module.startswith("layer4"):
            assert Fraction(macs_big, macs_small) == Fraction(49, 16), module
        else:
            assert Fraction(macs_big, macs_small) == 4, module
    conv = lambda d: sum(m for k, m, _ in d.values() if k == "Conv2d")  # noqa: E731
    layer4 = lambda d: sum(m for name, (k, m, _) in d.items() if name.startswith("layer4"))  # noqa: E731
    assert conv(big) - layer4(big) == 4 * (conv(small) - layer4(small))
    assert layer4(big) * 16 == layer4(small) * 49


def test_resolution_sweep_exact_4x_when_every_map_halves() -> None:
    # 256 and 128 are divisible by 32, so every feature map halves exactly: ratio 4 everywhere.
    r = sweep("resnet18", inputs=[128, 256])
    small, big = (_conv_and_fc(p) for p in r.profiles)
    for module, (kind, macs, _) in big.items():
        assert macs == (small[module][1] if kind == "Linear" else 4 * small[module][1]), module
    fc = 512 * 1000
    assert r.rows[1]["macs"] - fc == 4 * (r.rows[0]["macs"] - fc)


def test_batch_sweep_is_exactly_linear() -> None:
    r = sweep("squeezenet1_0", batches=[1, 2, 5])
    assert r.parameter == "batch" and r.values == (1, 2, 5)
    base = r.rows[0]
    for row in r.rows:
        b = row["value"]
        assert row["batch"] == b
        assert row["macs"] == b * base["macs"]
        assert row["flops"] == b * base["flops"]
        assert row["activation_bytes"] == b * base["activation_bytes"]
        assert row["params"] == base["params"]


def test_alpha_sweep_mobilenet_v1_params_decrease_with_alpha() -> None:
    r = sweep("mobilenet_v1", param=("alpha", [1.0, 0.75, 0.5, 0.25]))
    params = [row["params"] for row in r.rows]
    macs = [row["macs"] for row in r.rows]
    assert params == sorted(params, reverse=True) and len(set(params)) == 4
    assert macs == sorted(macs, reverse=True)
    assert params[0] == sweep("mobilenet_v1", inputs=[224]).rows[0]["params"]  # alpha 1 is the default model
    assert all(row["input"] == "3x224x224" for row in r.rows)


def test_builder_kwarg_passthrough() -> None:
    r = sweep("mobilenet_v1", param=("width_mult", [0.5, 1.0]))
    a = sweep("mobilenet_v1", param=("alpha", [0.5, 1.0]))
    assert [row["macs"] for row in r.rows] == [row["macs"] for row in a.rows]
    assert r.rows[0]["model"] == "mobilenet_v1(width_mult=0.5)"


def test_phi_sweep_profiles_b0_to_b2_at_own_resolution() -> None:
    r = sweep("efficientnet_b0", param=("phi", parse_values("0..2")))
    assert [row["model"] for row in r.rows] == ["efficientnet_b0", "efficientnet_b1", "efficientnet_b2"]
    assert [row["input"] for row in r.rows] == ["3x224x224", "3x240x240", "3x260x260"]
    macs = [row["macs"] for row in r.rows]
    assert macs == sorted(macs)


def test_cardinality_sweep_templates() -> None:
    r = sweep("resnext50_32x4d", param=("cardinality", [1, 32]))
    assert [row["model"] for row in r.rows] == ["resnext50_1x64d", "resnext50_32x4d"]
    # the equal-cost templates: within 5% of each other in params and MACs
    a, b = r.rows
    assert abs(a["params"] / b["params"] - 1) < 0.05 and abs(a["macs"] / b["macs"] - 1) < 0.05


@pytest.mark.parametrize(
    "model, param, needle",
    [
        ("resnet18", ("alpha", [0.5]), "does not support alpha"),
        ("resnet18", ("phi", [1]), "efficientnet"),
        ("efficientnet_b0", ("phi", [8]), "0 to 7"),
        ("resnet18", ("cardinality", [2]), "resnext50"),
        ("resnext50_32x4d", ("cardinality", [3]), "1, 2, 4, 8, 32"),
        ("mobilenet_v1", ("no_such_kwarg", [1]), "does not support"),
        ("mobilenet_v1", ("width_mult", [-1.0]), "width_mult"),
    ],
)
def test_unsupported_parameter_is_a_usage_error(model, param, needle) -> None:
    with pytest.raises(UsageError, match=needle):
        sweep(model, param=param)


def test_exactly_one_axis_and_valid_values() -> None:
    with pytest.raises(UsageError, match="exactly one"):
        sweep("resnet18")
    with pytest.raises(UsageError, match="exactly one"):
        sweep("resnet18", inputs=[224], batches=[1])
    with pytest.raises(UsageError, match="positive integers"):
        sweep("resnet18", inputs=[0])
    with pytest.raises(UsageError, match="positive integers"):
        sweep("resnet18", batches=[1.5])
    with pytest.raises(UsageError, match="empty"):
        sweep("resnet18", inputs=[])
    with pytest.raises(ModelLoadError, match="unknown model"):
        sweep("resnet19", inputs=[224])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("128,160,192", [128, 160, 192]),
        (" 128 , 160 ", [128, 160]),
        ("0..7", list(range(8))),
        ("3..3", [3]),
        ("1,4..6", [1, 4, 5, 6]),
        ("0.25,0.5,1.0", [0.25, 0.5, 1.0]),
        (".5,1e-1", [0.5, 0.1]),
        ("true,false", [True, False]),
        ("224", [224]),
    ],
)
def test_parse_values(text, expected) -> None:
    got = parse_values(text)
    assert got == expected
    assert [type(v) for v in got] == [type(v) for v in expected]


@pytest.mark.parametrize(
    "text, needle",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1,,2", "empty item"),
        ("7..0", "descending"),
        ("0.5..2", "ranges take integers"),
        ("1..", "ranges take integers"),
        ("abc", "malformed value"),
        ("1,2,2", "twice"),
        ("nan", "malformed value"),
    ],
)
def test_parse_values_errors(text, needle) -> None:
    with pytest.raises(UsageError, match=needle) as info:
        parse_values(text)
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------------------------------- CLI


def test_cli_sweep_table_and_plot(tmp_path) -> None:
    out = tmp_path / "sweep.png"
    result = CliRunner().invoke(main, ["sweep", "resnet18", "--input", "112,224", "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert "1.81 GMACs" in result.output and "3x112x112" in result.output
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_cli_sweep_csv_and_json_are_exact() -> None:
    runner = CliRunner()
    csv = runner.invoke(main, ["sweep", "resnet18", "--batch", "1,2", "--format", "csv"])
    assert csv.exit_code == 0, csv.output
    lines = csv.output.strip().splitlines()
    assert lines[0].startswith("parameter,value,model,input,batch,params,macs")
    assert "3628146688" in lines[2]  # 2 x 1_814_073_344
    js = runner.invoke(main, ["sweep", "mobilenet_v1", "--param", "alpha=0.5,1.0", "--format", "json"])
    assert js.exit_code == 0, js.output
    data = json.loads(js.output)
    assert data["parameter"] == "alpha" and [r["value"] for r in data["rows"]] == [0.5, 1.0]
    assert all(isinstance(r["macs"], int) for r in data["rows"])


def test_cli_sweep_markdown_phi() -> None:
    result = CliRunner().invoke(main, ["sweep", "efficientnet_b0", "--param", "phi=0..1", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("| phi | model |")
    assert "efficientnet_b1" in result.output and "3x240x240" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["sweep", "resnet18", "--param", "alpha=0.5"],
        ["sweep", "resnet18", "--param", "alpha"],
        ["sweep", "resnet18", "--param", "=1,2"],
        ["sweep", "resnet18", "--input", "1..x"],
        ["sweep", "resnet18"],
        ["sweep", "resnet18", "--input", "224", "--batch", "1"],
        ["sweep", "resnet18", "--input", "224", "--plot", "out.pdf"],
        ["sweep", "nope_net", "--input", "224"],
    ],
)
def test_cli_sweep_usage_errors_exit_2(args) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output

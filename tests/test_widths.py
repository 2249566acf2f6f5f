"""Terminal tables at 80 and 120 columns, through click's runner (``COLUMNS`` off a terminal), and
the names Markdown writes, escaped.

At either width no output line is wider than the console; no cell is cut (no ellipsis), and the
figures and names a reader looks for appear whole on one line; the columns a table hides are
exactly the ones named in its note, and ``--wide`` shows every column with no note. Expected
figures come from hand arithmetic, published figures or torch itself (``numel`` of the
parameters), never from archstats' own output.
"""

from __future__ import annotations

import importlib.metadata
import re

import pytest
import torch
from click.testing import CliRunner, Result
from rich.cells import cell_len
from torch import nn

import archstats
from archstats import formats
from archstats.cli import main
from archstats.render import FitColumn, FittedTable, Prose
from archstats.units import human
from archstats_models import get_model, list_models

WIDTHS = (80, 120)
NOTE = "hidden to fit {width} columns; --wide shows every column"
SIX = ("alexnet", "squeezenet1_0", "vgg16", "resnet50", "googlenet", "mobilenet_v1")

# Original two-tower AlexNet at 227x227 (as tests/test_cli.py derives it)
ALEXNET_CONV1_PARAMS = 11 * 11 * 3 * 96 + 96  # 34,944
ALEXNET_CONV1_MACS = 55 * 55 * 96 * (3 * 11 * 11)  # 55x55 outputs of 96 maps, 363 taps each
ALEXNET_FC6_PARAMS = 6 * 6 * 256 * 4096 + 4096
ALEXNET_PARAMS = (
    ALEXNET_CONV1_PARAMS
    + (5 * 5 * 48 * 256 + 256)
    + (3 * 3 * 256 * 384 + 384)
    + (3 * 3 * 192 * 384 + 384)
    + (3 * 3 * 192 * 256 + 256)
    + ALEXNET_FC6_PARAMS
    + (4096 * 4096 + 4096)
    + (4096 * 1000 + 1000)
)
ALEXNET_MACS = (
    ALEXNET_CONV1_MACS
    + 27 * 27 * 256 * (48 * 5 * 5)
    + 13 * 13 * 384 * (256 * 3 * 3)
    + 13 * 13 * 384 * (192 * 3 * 3)
    + 13 * 13 * 256 * (192 * 3 * 3)
    + 9216 * 4096
    + 4096 * 4096
    + 4096 * 1000
)
# published MACs at 224x224 (torchvision's "GFLOPS" column, which counts multiply-adds; the
# MobileNet paper's 569 million mult-adds)
PUBLISHED_MACS = {"vgg16": "15.5 GMACs", "resnet50": "4.09 GMACs", "mobilenet_v1": "0.57 GMACs"}
INPUTS = dict.fromkeys(SIX, "1x3x224x224") | {"alexnet": "1x3x227x227"}


def _model(name: str) -> nn.Module:
    with torch.device("meta"):
        return get_model(name)


def _params(name: str) -> int:
    """The model's parameter count by torch itself."""
    return sum(p.numel() for p in _model(name).parameters())


def invoke(args: list[str], width: int, wide: bool = False) -> Result:
    flags = ["--wide"] if wide else []
    result = CliRunner().invoke(main, [*args, *flags], env={"COLUMNS": str(width)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _header(output: str) -> list[str]:
    """The first table's column headers: the line above its rule, split at runs of spaces."""
    lines = output.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    return re.split(r"\s{2,}", lines[rule - 1].strip())


def _joined(output: str) -> str:
    """The output's lines joined by one space: a wrapped line of prose reads as written."""
    return " ".join(line.strip() for line in output.splitlines())


def check_fits(args: list[str], width: int, expected: list[str]) -> str:
    """Run ``args`` at ``width`` and at ``--wide``; check the widths, cells and hidden-column note."""
    output = invoke(args, width).output
    too_wide = [line for line in output.splitlines() if cell_len(line) > width]
    assert not too_wide, f"{len(too_wide)} line(s) wider than {width}: {too_wide[:2]}"
    assert "…" not in output, "a cell was cut"
    lines = output.splitlines()
    for text in expected:
        assert any(text in line for line in lines), f"{text!r} is not whole on one line at {width} columns"

    wide = invoke(args, width, wide=True).output
    assert "hidden to fit" not in wide and "…" not in wide
    every, shown = _header(wide), _header(output)
    assert [h for h in every if h in shown] == shown, "the table shows its columns in their order"
    hidden = [h for h in every if h not in shown]
    note = NOTE.format(width=width)
    if hidden:
        assert f"{', '.join(hidden)} {note}" in _joined(output)
    else:
        assert "hidden to fit" not in output
    return output


# --- the commands at 80 and 120 columns ----------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_profile(width: int) -> None:
    layers = [n for n, m in _model("alexnet").named_modules() if not list(m.children())]
    expected = [
        *layers,  # every module path whole
        "1x96x55x55",  # conv1's output: (227 - 11) / 4 + 1 = 55
        human(ALEXNET_CONV1_PARAMS),
        human(ALEXNET_CONV1_MACS, "macs"),
        human(ALEXNET_FC6_PARAMS),
        human(ALEXNET_PARAMS),
    ]
    output = check_fits(["profile", "alexnet"], width, expected)
    total = next(line for line in output.splitlines() if line.startswith("Total"))
    assert human(ALEXNET_PARAMS) in total and human(ALEXNET_MACS, "macs") in total
    if width == 80:  # 9 columns of at least 5 cells, 3 apart, do not fit 80
        assert NOTE.format(width=80) in _joined(output)


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_six_models(width: int) -> None:
    expected = [*SIX, *INPUTS.values(), human(ALEXNET_MACS, "macs"), *PUBLISHED_MACS.values()]
    expected += [human(_params(name)) for name in SIX]
    output = check_fits(["compare", *SIX], width, expected)
    for name in SIX:  # a row per model: its name, input, params and MACs on one line
        row = next(line for line in output.splitlines() if line.startswith(f"{name} "))
        assert INPUTS[name] in row and human(_params(name)) in row
        assert name not in PUBLISHED_MACS or PUBLISHED_MACS[name] in row


@pytest.mark.parametrize("width", WIDTHS)
def test_list(width: int) -> None:
    infos = list_models()
    expected = [i.name for i in infos] + [alias for i in infos for alias in i.aliases]
    output = check_fits(["list"], width, expected)
    assert f"{len(infos)} registered models" in output


@pytest.mark.parametrize("width", WIDTHS)
def test_sweep(width: int) -> None:
    params = human(_params("resnet18"))
    # torchvision's resnet18: 1.81 GFLOPS (multiply-adds) at 224x224
    output = check_fits(["sweep", "resnet18", "--input", "112,224"], width, ["3x112x112", "3x224x224", "1.81 GMACs"])
    rows = [line for line in output.splitlines() if "3x112x112" in line or "3x224x224" in line]
    assert len(rows) == 2 and all(params in row for row in rows)


@pytest.mark.parametrize("width", WIDTHS)
def test_sweep_of_models(width: int) -> None:
    expected = ["efficientnet_b0", "efficientnet_b1", "3x224x224", "3x240x240"]
    expected += [human(_params("efficientnet_b0")), human(_params("efficientnet_b1"))]
    check_fits(["sweep", "efficientnet_b0", "--param", "phi=0..1"], width, expected)


def _version(*distributions: str) -> str:
    for name in distributions:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    pytest.skip(f"none of {distributions} is installed")


@pytest.mark.parametrize("width", WIDTHS)
def test_crosscheck(width: int) -> None:
    pytest.importorskip("fvcore")
    pytest.importorskip("thop")
    expected = ["archstats", "flopcounter", "fvcore", "thop", human(ALEXNET_MACS, "macs")]
    expected.append(human(2 * ALEXNET_MACS, "flops"))  # FlopCounterMode counts a multiply-add as 2 FLOPs
    if width == 120:  # the versions fit, whole
        expected += [torch.__version__, _version("fvcore"), _version("ultralytics-thop", "thop")]
    check_fits(["crosscheck", "alexnet"], width, expected)


# --- the building blocks -------------------------------------------------------------------------


def _render(renderable: object, width: int, soft_wrap: bool = False) -> str:
    from rich.console import Console

    console = Console(width=width, color_system=None)
    with console.capture() as capture:
        console.print(renderable, soft_wrap=soft_wrap)
    return capture.get()


def test_fitted_table_keeps_columns_by_priority_while_they_fit() -> None:
    columns = [FitColumn("a", 0), FitColumn("b", 1), FitColumn("c", 2)]
    table = FittedTable(columns, [["x" * 10, "y" * 30, "z" * 5]])
    # a takes 10; b would need 3 + 30 more (43 > 30): hidden; c needs 3 + 5 more (18): shown
    assert table.fit(30) == [0, 2]
    assert table.fit(51) == [0, 1, 2]  # 10 + 3 + 30 + 3 + 5
    assert table.fit(50) == [0, 1]
    assert table.fit(5) == [0]  # priority 0 always shows
    out = _render(table, 30)
    assert "b hidden to fit 30 columns; --wide shows every column" in _joined(out)  # wrapped at 30
    assert "x" * 10 in out and "z" * 5 in out and "yyy" not in out


def test_fitted_table_text_is_not_markup() -> None:
    cell = "[bold]x[/bold] [red]"
    table = FittedTable([FitColumn("[b]h[/b]")], [[cell]], total=["[i]sum[/i]"])
    out = _render(table, 80)
    assert "[b]h[/b]" in out and cell in out and "[i]sum[/i]" in out


def test_a_name_in_a_title_is_not_markup() -> None:
    name = "[red]m[/red]"
    kind = type(name, (nn.Module,), {"forward": lambda self, x: self.conv(x)})
    model = kind()
    model.conv = nn.Conv2d(1, 1, 1)
    p = archstats.profile(model, (1, 2, 2))
    assert f"{name} per layer" in _render(formats.render("profile", "table", p)[0], 80)


def test_prose_wraps_with_a_hanging_indent() -> None:
    text = "one two three four five six seven"
    # soft wrap, as the CLI prints plain text: the line wraps itself all the same
    assert _render(Prose(text), 14, soft_wrap=True).splitlines() == ["one two three", "  four five", "  six seven"]
    lines = _render(Prose("  note: " + "abc " * 10), 20, soft_wrap=True).splitlines()
    assert lines[0].startswith("  note: abc") and all(line.startswith("    abc") for line in lines[1:])
    assert all(len(line) <= 20 for line in lines)


# --- Markdown escapes the names it writes ----------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _hostile() -> nn.Module:
    """A model whose class and a module's attribute are named <script>, beside a module named a|b."""
    kind = type(SCRIPT, (nn.Module,), {"forward": lambda self, x: self.pipe(getattr(self, SCRIPT)(x))})
    model = kind()
    model.add_module(SCRIPT, nn.Conv2d(3, 4, 3))
    model.add_module("pipe", nn.Sequential())
    model.pipe.add_module("a|b", nn.ReLU())
    return model


@pytest.fixture(scope="module")
def hostile() -> archstats.Profile:
    return archstats.profile(_hostile(), (3, 8, 8))


def _assert_escaped(text: str) -> None:
    assert SCRIPT not in text and "<script" not in text
    assert ESCAPED in text


def _table_rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row (pipes a cell holds are escaped: ``\\|``)."""
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [re.split(r"(?<!\\)\|", row)[1:-1] for row in rows]


def test_profile_markdown_escapes_names(hostile: archstats.Profile) -> None:
    assert hostile.name == SCRIPT and SCRIPT in set(hostile.layers.module)  # the names reach the profile
    text = formats.render_text("profile", "md", hostile)
    _assert_escaped(text)
    assert text.startswith(f"## {ESCAPED}\n")
    rows = _table_rows(text)
    assert len({len(r) for r in rows}) == 1, "every row has the header's cells: a|b stayed one cell"
    modules = [r[0].strip() for r in rows[2:]]
    assert ESCAPED in modules and "pipe.a\\|b" in modules
    assert f"**{human(4 * 3 * 3 * 3 + 4)}**" in text  # the totals row: the conv's 112 params, bold


def test_compare_markdown_escapes_names(hostile: archstats.Profile) -> None:
    text = formats.render_text("compare", "md", [hostile, hostile])
    _assert_escaped(text)
    header = _table_rows(text)[0]
    assert [c.strip() for c in header] == ["Metric", ESCAPED, ESCAPED]
    assert f"- {ESCAPED}: " in text  # the ratio sentences name the models too


def test_list_and_sweep_markdown_escape_names() -> None:
    from archstats.sweep import SweepResult

    row = {"name": SCRIPT, "family": "a|b", "year": 2024, "input_size": "3x8x8", "aliases": "x_y", "paper": ""}
    text = formats.render_text("list", "md", [row | {"arxiv": ""}])
    _assert_escaped(text)
    assert "| a\\|b |" in text
    numbers = {"params": 1, "macs": 2, "flops": 4, "peak_bytes": 8, "activation_bytes": 8}
    # two models, so that the sweep's table names them
    rows = tuple({"value": v, "model": f"{SCRIPT}{v}", "input": "3x8x8", "batch": 1, **numbers} for v in (0, 1))
    result = SweepResult("m", "phi", (0, 1), rows)
    _assert_escaped(formats.render_text("sweep", "md", result))


def test_crosscheck_markdown_escapes_names() -> None:
    from archstats.crosscheck import crosscheck

    cc = crosscheck(_hostile(), (3, 8, 8), tools="flopcounter")
    text = formats.render_text("crosscheck", "md", cc, True)
    _assert_escaped(text)
    assert text.startswith(f"## Cross-check: {ESCAPED}: input 1x3x8x8")
    assert "| pipe.a\\|b | ReLU |" in text  # the per-module table: one cell per module path

"""The cross-check library: peers' figures against archstats', every gap explained by convention.

Expected figures are never taken from archstats' output: they are the peer tool's own output (run
here directly, independently of archstats' cross-check code path) or hand arithmetic written beside
the assertion.
"""

from __future__ import annotations

import sys
from functools import cache

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import archstats
from archstats.crosscheck import crosscheck, parse_tools, tool_names
from archstats.errors import UsageError, install_hint
from archstats_models import get_model, get_model_info, list_models

ZOO = [info.name for info in list_models()]


# --- FlopCounterMode over the zoo: archstats' paper MACs x 2, exactly ---------------------------


def _flopcounter_total(name: str) -> int:
    """FlopCounterMode's own total on a meta copy of the zoo model, outside archstats' code."""
    with torch.device("meta"):
        model = get_model(name)
    model.eval()
    x = torch.empty(1, *get_model_info(name).input_size, device="meta")
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model(x)
    return counter.get_total_flops()


@pytest.mark.parametrize("name", ZOO)
def test_paper_macs_are_flopcounter_flops_over_2(name: str) -> None:
    flops = _flopcounter_total(name)
    paper = archstats.profile(name, convention="paper")
    assert 2 * paper.totals.macs == flops
    assert paper.totals.flops == flops  # paper FLOPs are 2 x MACs: the same figure

    cc = crosscheck(name, tools=["flopcounter"])
    t = cc.tool("flopcounter")
    assert t.measured is not None and t.measured.total == flops
    assert t.unexplained == 0
    assert t.measured_macs == paper.totals.macs
    assert t.module_unexplained() == {}


# --- fvcore over the zoo --------------------------------------------------------------------------


@cache
def _reduced_input(name: str) -> tuple[int, ...]:
    """A smaller input where the model accepts one, else its default (see the fvcore test)."""
    c, h, *_ = get_model_info(name).input_size
    side = 64 if h > 64 else 16
    try:
        archstats.profile(name, (c, side, side))
    except archstats.ModelRunError:  # a flatten into a fixed-size Linear: the default size only
        return tuple(get_model_info(name).input_size)
    return (c, side, side)


_WEIGHT_LEAVES = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d, nn.Linear)


@pytest.mark.parametrize("name", ZOO)
def test_fvcore_over_the_zoo(name: str) -> None:
    """fvcore's total equals its convention's prediction exactly; its conv/linear leaves equal
    archstats' MACs (the convention table adds nothing to a conv or linear module: no bias).

    fvcore traces with real CPU tensors, and the whole zoo at default sizes takes about four
    minutes here (2 cores). Conventions do not depend on resolution, so every model runs at 64x64
    (16x16 for the 32x32 CIFAR nets) where it accepts that input; models that flatten into a
    fixed-size Linear (AlexNet, ZFNet, VGG, LeNet-5 and a few CIFAR nets) keep their default size.
    """
    cc = crosscheck(name, _reduced_input(name), tools=["fvcore"])
    t = cc.tool("fvcore")
    assert t.error is None and t.measured is not None and t.prediction is not None
    assert t.measured.total == t.prediction.total
    assert t.module_unexplained() == {}

    with torch.device("meta"):
        model = get_model(name)
    own: dict[str, int] = {}
    for r in cc.profile.records:
        own[r.module] = own.get(r.module, 0) + r.macs
    leaves = [path for path, m in model.named_modules() if isinstance(m, _WEIGHT_LEAVES) and path in own]
    assert leaves
    for path in leaves:
        assert t.measured.per_module[path] == own[path], path


# --- hand-built models: every tool against arithmetic --------------------------------------------


class Small(nn.Module):
    """Conv(3->8, 3x3, bias) + BN + ReLU + residual add + cat + global avg pool + Linear(16->4)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, bias=True)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn(self.conv(x)))
        y = y + y
        y = torch.cat([y, y], 1)
        return self.fc(torch.flatten(self.pool(y), 1))


# input 1x3x8x8: conv output 1x8x6x6 = 288 elements; after cat 1x16x6x6 = 576
SMALL_CONV = 288 * 3 * 3 * 3  # 7,776: output elements x C_in x kernel
SMALL_FC = 16 * 4  # 64
SMALL_MACS = SMALL_CONV + SMALL_FC  # 7,840


def test_small_model_archstats_macs() -> None:
    assert archstats.profile(Small(), (3, 8, 8)).totals.macs == SMALL_MACS


def test_small_model_flopcounter() -> None:
    t = crosscheck(Small(), (3, 8, 8), tools="flopcounter").tool("flopcounter")
    assert t.measured is not None and t.prediction is not None
    # 2 per MAC of conv and linear; biases, BN, ReLU, add, cat and pooling are not counted
    assert t.measured.total == 2 * (7776 + 64) == 15680
    assert t.measured.per_module == {"": 15680, "conv": 2 * 7776, "fc": 2 * 64}
    assert t.prediction.base == 15680 and sum(term.amount for term in t.prediction.terms) == 0
    assert t.unexplained == 0 and t.prediction.per_module == t.measured.per_module


def test_small_model_fvcore() -> None:
    t = crosscheck(Small(), (3, 8, 8), tools="fvcore").tool("fvcore")
    assert t.measured is not None and t.prediction is not None
    bn = 2 * 288  # eval, affine: a scale and a shift per element
    pool = 576  # adaptive average pooling: 1 per *input* element (1x16x6x6)
    assert t.measured.total == 7776 + 64 + bn + pool == 8992
    assert {k: t.measured.per_module[k] for k in ("conv", "bn", "relu", "pool", "fc")} == {
        "conv": 7776,
        "bn": 576,
        "relu": 0,
        "pool": 576,
        "fc": 64,
    }
    terms = {term.label: term.amount for term in t.prediction.terms if term.amount}
    assert terms == {
        "batch norm (eval, affine): 2 per element": 576,
        "adaptive average pooling: 1 per input element": 576,
    }
    assert t.prediction.base == SMALL_MACS and t.unexplained == 0
    assert t.module_unexplained() == {}
    assert any("add" in note for note in t.measured.notes)  # fvcore itself says it skipped the add


def test_small_model_thop() -> None:
    t = crosscheck(Small(), (3, 8, 8), tools="thop").tool("thop")
    assert t.measured is not None and t.prediction is not None
    bn = 4 * 288  # thop: 2 per element, doubled for an affine norm
    pool = 576 + 16  # one add per input element in each window + one divide per output
    assert t.measured.total == 7776 + 64 + bn + pool == 9584
    assert t.prediction.base == SMALL_MACS
    assert sum(term.amount for term in t.prediction.terms) == bn + pool
    assert t.unexplained == 0


class Resample(nn.Module):
    """GroupNorm, bilinear and nearest upsampling, a non-affine BN, adaptive pooling to 2x2, mm."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 1, bias=False)
        self.gn = nn.GroupNorm(2, 4)
        self.bilinear = nn.Upsample(scale_factor=2, mode="bilinear")
        self.nearest = nn.Upsample(scale_factor=2, mode="nearest")
        self.bn = nn.BatchNorm2d(4, affine=False)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(16, 2, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.gn(self.conv(x))  # 1x4x4x4
        h = self.bn(self.bilinear(h) + self.nearest(h))  # 1x4x8x8
        return self.fc(torch.flatten(self.pool(h), 1))  # 1x4x2x2 -> 1x16 -> 1x2


def test_resample_model_fvcore_and_flopcounter() -> None:
    cc = crosscheck(Resample(), (4, 4, 4), tools=["fvcore", "flopcounter"])
    macs = 64 * 4 + 16 * 2  # 1x1 conv: 64 outputs x 4 inputs; fc: 16 x 2
    assert cc.macs == macs == 288
    fc = cc.tool("flopcounter")
    assert fc.measured is not None and fc.measured.total == 2 * 288 and fc.unexplained == 0
    fv = cc.tool("fvcore")
    assert fv.measured is not None and fv.prediction is not None
    expected = {
        "conv": 256,
        "gn": 5 * 64,  # group norm, affine: 5 per element
        "bilinear": 4 * 256,  # 4 per output element (1x4x8x8)
        "nearest": 256,  # 1 per output element
        "bn": 256,  # eval, no affine: 1 per element
        "pool": 256,  # adaptive average pooling: 1 per input element
        "fc": 32,
    }
    assert {k: fv.measured.per_module[k] for k in expected} == expected
    assert fv.measured.total == sum(expected.values()) == 2400
    assert fv.unexplained == 0 and fv.module_unexplained() == {}


def test_resample_model_thop() -> None:
    t = crosscheck(Resample(), (4, 4, 4), tools="thop").tool("thop")
    assert t.measured is not None
    expected = {
        "conv": 256,
        "gn": 4 * 64,  # 2 per element, x2 when affine
        "bilinear": 11 * 256,  # thop's bilinear cost per output element
        "nearest": 0,
        "bn": 2 * 256,  # not affine
        "pool": 256 + 16,  # adds over 4x4 windows + one divide per output
        "fc": 32,
    }
    assert {k: t.measured.per_module[k] for k in expected} == expected
    assert t.measured.total == sum(expected.values())
    assert t.unexplained == 0


# --- the library's contract -----------------------------------------------------------------------


def test_users_model_is_untouched() -> None:
    model = Small().train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    cc = crosscheck(model, (3, 8, 8))
    assert cc.ok
    assert model.training
    assert model.state_dict().keys() == before.keys()  # thop's total_ops buffers went to a copy
    assert all(torch.equal(model.state_dict()[k], v) for k, v in before.items())
    assert not model._forward_hooks and not model._forward_pre_hooks
    assert all(not m._forward_hooks for m in model.modules())


def test_missing_tool_is_skipped_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fvcore", None)  # "import fvcore" now raises ImportError
    monkeypatch.setitem(sys.modules, "fvcore.nn", None)
    cc = crosscheck(Small(), (3, 8, 8), tools="fvcore,flopcounter")
    t = cc.tool("fvcore")
    # the hint as this installation needs it (here a checkout: pip install -e ".[crosscheck]")
    assert not t.ran and t.skipped is not None and install_hint("crosscheck") in t.skipped
    assert cc.tool("flopcounter").unexplained == 0
    assert cc.ok


def test_parse_tools() -> None:
    assert parse_tools(None) == tool_names()
    assert set(tool_names()) >= {"fvcore", "thop", "flopcounter"}
    assert parse_tools("fvcore, flopcounter,fvcore") == ["fvcore", "flopcounter"]
    with pytest.raises(UsageError, match="did you mean: fvcore"):
        parse_tools("fvcor")


def test_peers_are_not_imported_by_archstats() -> None:
    import subprocess

    code = "import archstats, archstats.crosscheck, sys; print(any(m in sys.modules for m in ('fvcore', 'thop')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

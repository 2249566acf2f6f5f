"""Residual Attention Network and NASNet-A: structure, shapes and counts derived by hand."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import archstats
import archstats_models as zoo
from archstats_models.attention import AttentionModule, ResidualUnit, SoftMaskBranch
from archstats_models.nasnet import FactorizedReduction, NormalCell, ReductionCell, SeparableConvStack


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------------------- Residual Attention


def _unit_params(cin: int, cout: int) -> int:
    """Pre-activation bottleneck: BN(cin), 1x1 cin->m, BN(m), 3x3 m->m, BN(m), 1x1 m->cout, where
    m = cout / 4, plus a 1x1 projection when the width changes (no conv biases)."""
    m = cout // 4
    params = 2 * cin + cin * m + 2 * m + 9 * m * m + 2 * m + m * cout
    if cin != cout:
        params += cin * cout
    return params


def _module_params(c: int, downsamplings: int) -> int:
    """p + t + p = 4 trunk-side units; mask: one unit per level down, one skip per level but the
    lowest, one unit per level up; then BN, 1x1, BN, 1x1."""
    units = 4 + downsamplings + (downsamplings - 1) + downsamplings
    return units * _unit_params(c, c) + 2 * c + c * c + 2 * c + c * c


def _attention_params(modules: tuple[int, int, int]) -> int:
    total = 7 * 7 * 3 * 64 + 2 * 64  # conv1 + its BN
    cin = 64
    for (c, d), m in zip(((256, 3), (512, 2), (1024, 1)), modules):
        total += _unit_params(cin, c) + m * _module_params(c, d)
        cin = c
    total += _unit_params(1024, 2048) + 2 * _unit_params(2048, 2048)
    return total + 2 * 2048 + 2048 * 1000 + 1000  # final BN, fc


def test_residual_unit_params_by_hand() -> None:
    with torch.device("meta"):
        same = ResidualUnit(256, 256)
        down = ResidualUnit(256, 512, stride=2)
    # 256 -> 256: BN 512 + 1x1 256*64 + BN 128 + 3x3 9*64*64 + BN 128 + 1x1 64*256, identity shortcut
    assert _n_params(same) == 512 + 16_384 + 128 + 36_864 + 128 + 16_384 == 70_400
    # 256 -> 512 (m = 128): BN 512 + 256*128 + 256 + 9*128*128 + 256 + 128*512 + projection 256*512
    assert _n_params(down) == 512 + 32_768 + 256 + 147_456 + 256 + 65_536 + 131_072 == 377_856
    assert same.shortcut is None and down.shortcut is not None


def test_residual_unit_macs_by_hand() -> None:
    # At 56x56, no stride: every conv sees 3136 positions; BN/ReLU/add are not MACs.
    p = archstats.profile(ResidualUnit(256, 256), input_size=(256, 56, 56))
    assert p.totals.macs == 56 * 56 * (256 * 64 + 9 * 64 * 64 + 64 * 256)
    # Stride 2 on the 3x3: conv1 at 56x56, conv2, conv3 and the projection at 28x28.
    p = archstats.profile(ResidualUnit(256, 512, stride=2), input_size=(256, 56, 56))
    assert p.totals.macs == 56 * 56 * 256 * 128 + 28 * 28 * (9 * 128 * 128 + 128 * 512 + 256 * 512)


@pytest.mark.parametrize(("channels", "size", "downsamplings"), [(256, 56, 3), (512, 28, 2), (1024, 14, 1)])
def test_attention_module_keeps_shape(channels: int, size: int, downsamplings: int) -> None:
    with torch.device("meta"):
        module = AttentionModule(channels, downsamplings).eval()
        x = torch.zeros(1, channels, size, size)
        assert module(x).shape == x.shape
        assert module.mask(x).shape == x.shape
    # the mask bottoms out at 7x7 in every stage: size / 2**downsamplings
    assert size // 2**downsamplings == 7


def test_soft_mask_is_in_open_unit_interval() -> None:
    torch.manual_seed(0)
    mask = SoftMaskBranch(32, downsamplings=2).eval()
    with torch.no_grad():
        m = mask(torch.randn(2, 32, 28, 28))
    assert m.shape == (2, 32, 28, 28)
    assert bool((m > 0).all()) and bool((m < 1).all())
    assert isinstance(mask.output[-1], nn.Sigmoid)


@pytest.mark.parametrize(("name", "per_stage"), [("attention56", (1, 1, 1)), ("attention92", (1, 2, 3))])
def test_attention_module_counts(name: str, per_stage: tuple[int, int, int]) -> None:
    with torch.device("meta"):
        model = zoo.get_model(name)
    assert sum(isinstance(m, AttentionModule) for m in model.modules()) == sum(per_stage)
    counts = tuple(sum(isinstance(b, AttentionModule) for b in stage) for stage in model.stages[:3])
    assert counts == per_stage
    assert sum(isinstance(m, AttentionModule) for m in model.stages[3].modules()) == 0


@pytest.mark.parametrize(("name", "modules"), [("attention56", (1, 1, 1)), ("attention92", (1, 2, 3))])
def test_attention_params_by_hand(name: str, modules: tuple[int, int, int]) -> None:
    with torch.device("meta"):
        assert _n_params(zoo.get_model(name)) == _attention_params(modules)


def test_attention_trunk_depth_matches_the_name() -> None:
    # conv1 + 3 per residual unit on the trunk + fc: pre-units of the 3 attention stages, 4 units per
    # module (p + t + p), 3 units in the last stage.
    for name, modules in (("attention56", 3), ("attention92", 6)):
        trunk_units = 3 + 4 * modules + 3
        assert 1 + 3 * trunk_units + 1 == int(name[-2:])


def test_attention56_stage_shapes() -> None:
    with torch.device("meta"):
        model = zoo.get_model("attention56").eval()
        x = model.stem(torch.zeros(1, 3, 224, 224))
        assert tuple(x.shape[1:]) == (64, 56, 56)  # 224 /2 conv, then the round-up pool: 112 -> 56
        shapes = []
        for stage in model.stages:
            x = stage(x)
            shapes.append(tuple(x.shape[1:]))
    assert shapes == [(256, 56, 56), (512, 28, 28), (1024, 14, 14), (2048, 7, 7)]


def test_attention_mask_upsampling_counted() -> None:
    # A mask's own ops are its d bilinear up-samplings and d - 1 skip additions; each costs one FLOP
    # per output element (full convention) and no MACs.
    p = archstats.profile("attention56", strict=True)
    rows = p.layers[p.layers["type"] == "SoftMaskBranch"]
    expected = {
        "stages.0.1.mask": (5, 256 * (14 * 14 + 28 * 28 + 56 * 56) + 256 * (14 * 14 + 28 * 28)),
        "stages.1.1.mask": (3, 512 * (14 * 14 + 28 * 28) + 512 * 14 * 14),
        "stages.2.1.mask": (1, 1024 * 14 * 14),
    }
    assert {r.module: (r.n_ops, r.flops) for r in rows.itertuples()} == expected
    assert rows["macs"].sum() == 0


# ---------------------------------------------------------------------------- NASNet-A


def _sep_params(cin: int, cout: int, k: int) -> int:
    """ReLU-SepConv-BN twice: depthwise k*k*cin + pointwise cin*cout + BN, then the same at cout."""
    return (k * k * cin + cin * cout + 2 * cout) + (k * k * cout + cout * cout + 2 * cout)


def test_normal_cell_keeps_size_and_outputs_six_states() -> None:
    filters = 44
    with torch.device("meta"):
        cell = NormalCell(264, 264, filters).eval()
        out = cell(torch.zeros(1, 264, 28, 28), torch.zeros(1, 264, 28, 28))
    assert tuple(out.shape) == (1, 6 * filters, 28, 28) == (1, 264, 28, 28)
    assert cell.out_channels == 6 * filters


def test_reduction_cell_halves_size_and_outputs_four_states() -> None:
    filters = 88
    with torch.device("meta"):
        cell = ReductionCell(264, 264, filters).eval()
        out = cell(torch.zeros(1, 264, 28, 28), torch.zeros(1, 264, 28, 28))
    assert tuple(out.shape) == (1, 4 * filters, 14, 14) == (1, 352, 14, 14)
    assert cell.out_channels == 4 * filters


def test_cells_profiled_alone() -> None:
    # Without a previous input a cell reuses its input (the first stem cell): one input suffices.
    p = archstats.profile(ReductionCell(32, None, 11), input_size=(32, 111, 111), strict=True)
    root = p.layers[p.layers["module"] == "(model)"].iloc[0]
    assert root["output_shape"] == "1x44x56x56"  # 4 * 11 channels, ceil(111 / 2) = 56
    p = archstats.profile(NormalCell(44, None, 44), input_size=(44, 14, 14), strict=True)
    root = p.layers[p.layers["module"] == "(model)"].iloc[0]
    assert root["output_shape"] == "1x264x14x14"


def test_normal_cell_params_by_hand() -> None:
    f = 44
    adjust = 264 * f + 2 * f  # ReLU-1x1-BN, for both the input and the previous output
    # comb0: sep5(h0) + sep3(h1); comb1: sep5(h1) + sep3(h1); comb2: avg + identity;
    # comb3: avg + avg; comb4: sep3(h0) + identity -> 2 sep5 and 3 sep3, pools are free
    expected = 2 * adjust + 2 * _sep_params(f, f, 5) + 3 * _sep_params(f, f, 3)
    with torch.device("meta"):
        assert _n_params(NormalCell(264, 264, f)) == expected


def test_reduction_cell_params_by_hand() -> None:
    f = 88
    adjust = 264 * f + 2 * f
    # sep5(h0), sep7(h1), max(h0), sep7(h1), avg(h0), sep5(h1), identity(h3), avg(h2), sep3(h2), max(h0)
    expected = 2 * adjust + 2 * _sep_params(f, f, 5) + 2 * _sep_params(f, f, 7) + _sep_params(f, f, 3)
    with torch.device("meta"):
        assert _n_params(ReductionCell(264, 264, f)) == expected


def test_factorized_reduction_on_odd_size() -> None:
    # 111 -> 56 on both paths (the shifted path pads to 112 first), half the channels each
    with torch.device("meta"):
        fr = FactorizedReduction(32, 22)
        out = fr(torch.zeros(1, 32, 111, 111))
    assert tuple(out.shape) == (1, 22, 56, 56)
    assert _n_params(fr) == 32 * 11 + 32 * 11 + 2 * 22


def test_separable_stack_macs_by_hand() -> None:
    p = archstats.profile(SeparableConvStack(44, 44, 5), input_size=(44, 28, 28))
    assert p.totals.macs == 2 * 28 * 28 * (5 * 5 * 44 + 44 * 44)


def test_nasnet_mobile_layout() -> None:
    with torch.device("meta"):
        model = zoo.get_model("nasnet_a_mobile").eval()
        x = torch.zeros(1, 3, 224, 224)
        stem = model.stem(x)
        s0 = model.cell_stem_0(stem)
        s1 = model.cell_stem_1(s0, stem)
    assert tuple(stem.shape[1:]) == (32, 111, 111)  # 3x3/2 VALID: (224 - 3) // 2 + 1
    assert tuple(s0.shape[1:]) == (4 * 11, 56, 56)
    assert tuple(s1.shape[1:]) == (4 * 22, 28, 28)
    kinds = ["R" if isinstance(c, ReductionCell) else "N" for c in model.cells]
    assert "".join(kinds) == "NNNN" + "R" + "NNNN" + "R" + "NNNN"  # N = 4 per stage
    assert [c.filters for c in model.cells] == [44] * 4 + [88] * 5 + [176] * 5
    assert model.fc.in_features == 1056 == 6 * 176


def test_nasnet_params_within_paper_rounding() -> None:
    # Paper Table 2: 5.3M parameters, i.e. in [5.25M, 5.35M)
    with torch.device("meta"):
        n = _n_params(zoo.get_model("nasnet_a_mobile"))
    assert 5_250_000 <= n < 5_350_000

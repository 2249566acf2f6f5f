"""Hand arithmetic for the classic families: LeNet-5, ZFNet, VGG and Network in Network.

Every expected value is derived here from the papers' tables with the formula written beside it;
nothing is copied from archstats' output.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import archstats
import archstats_models as zoo
from archstats_models import get_model


def _n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _conv_params(c_in: int, c_out: int, k: int, groups: int = 1) -> int:
    return k * k * (c_in // groups) * c_out + c_out  # weights + one bias per output map


def _linear_params(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def _meta(name: str, **kwargs: object) -> nn.Module:
    with torch.device("meta"):
        return get_model(name, **kwargs)


def _trace_shapes(seq: nn.Sequential, x: torch.Tensor) -> list[tuple[nn.Module, tuple[int, ...]]]:
    out = []
    for layer in seq:
        x = layer(x)
        out.append((layer, tuple(x.shape[1:])))
    return out


# ============================================================================ LeNet-5

# Paper Table I, one row per S2 map, one column per C3 map 0..15 ("X": connected).
_TABLE_I = (
    "X...XXX..XXXX.XX",
    "XX...XXX..XXXX.X",
    "XXX...XXX..X.XXX",
    ".XXX..XXXX..X.XX",
    "..XXX..XXXX.XX.X",
    "...XXX..XXXX.XXX",
)


def _lenet_layer_params(model: nn.Module) -> dict[str, int]:
    f, c = model.features, model.classifier
    return {
        "C1": _n_params(f[0]),
        "S2": _n_params(f[2]),
        "C3": _n_params(f[4]),
        "S4": _n_params(f[6]),
        "C5": _n_params(f[8]),
        "F6": _n_params(c[0]),
        "output": _n_params(c[2]),
    }


def test_lenet5_params_per_layer_by_hand() -> None:
    c3_inputs = [row.count("X") for row in zip(*_TABLE_I)]  # inputs per C3 map, from Table I's columns
    assert sorted(c3_inputs) == [3] * 6 + [4] * 9 + [6]
    expected = {
        "C1": 6 * (5 * 5 * 1 + 1),  # 6 maps, one 5x5 kernel on the single input plane + bias
        "S2": 6 * 2,  # a coefficient and a bias per map
        "C3": sum(n * 5 * 5 + 1 for n in c3_inputs),  # one 5x5 kernel per connected S2 map + bias
        "S4": 16 * 2,
        "C5": 120 * (16 * 5 * 5 + 1),
        "F6": 84 * (120 + 1),
        "output": 10 * (84 + 1),  # the Linear stand-in for the RBF layer
    }
    assert expected["C3"] == 6 * 76 + 9 * 101 + 151 == 1_516
    model = _meta("lenet5")
    assert _lenet_layer_params(model) == expected
    # The paper's per-layer figures (Section II.B) and its 60,000 trainable parameters, which leave
    # out the fixed RBF output layer.
    assert {k: v for k, v in expected.items() if k != "output"} == zoo.lenet.PAPER_PARAMS_PER_LAYER
    assert sum(zoo.lenet.PAPER_PARAMS_PER_LAYER.values()) == 60_000
    assert _n_params(model) == 60_000 + expected["output"]


def test_lenet5_connections_match_paper() -> None:
    # Section II.B counts connections = MACs + one bias connection per output unit:
    # C1 122,304 = 28*28*6*(25+1), C3 151,600 = 10*10*1516, C5 48,120, F6 10,164.
    layers = archstats.profile("lenet5").layers.set_index("module")
    c3_macs = sum(layers.loc[f"features.4.convs.{i}", "macs"] for i in range(3))
    assert layers.loc["features.0", "macs"] + 28 * 28 * 6 == 122_304
    assert c3_macs + 10 * 10 * 16 == 151_600
    assert layers.loc["features.8", "macs"] + 120 == 48_120
    assert layers.loc["classifier.0", "macs"] + 84 == 10_164


def test_lenet5_c3_wiring_follows_table_i() -> None:
    # Perturb one S2 map at a time and see which C3 maps respond: that is the connection table.
    torch.manual_seed(0)
    c3 = zoo.lenet.C3().eval()
    x = torch.randn(1, 6, 14, 14)
    with torch.no_grad():
        base = c3(x)
        for s2_map, row in enumerate(_TABLE_I):
            bumped = x.clone()
            bumped[:, s2_map] += 1.0
            changed = (c3(bumped) - base).abs().amax(dim=(0, 2, 3)) > 0
            assert "".join("X" if c else "." for c in changed.tolist()) == row


def test_lenet5_dense_c3_option() -> None:
    model = _meta("lenet5", sparse_c3=False)
    assert _n_params(model.features[4]) == 16 * (6 * 5 * 5 + 1)  # 2,416: every C3 map sees all 6


def test_lenet5_shapes_and_depth() -> None:
    with torch.device("meta"):
        shapes = _trace_shapes(get_model("lenet5").features, torch.zeros(1, 1, 32, 32))
    stages = [s for _, s in shapes[0::2]]  # the layer outputs, skipping the squashing functions
    assert stages == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120, 1, 1)]
    # "LeNet-5 comprises 7 layers ... all of which contain trainable parameters"
    assert archstats.profile("lenet5").totals.depth == 7


def test_lenet5_subsampling_is_coefficient_times_sum_plus_bias() -> None:
    s = zoo.lenet.Subsampling(1)
    assert _n_params(s) == 2
    with torch.no_grad():
        s.affine.weight.fill_(0.5)
        s.affine.bias.fill_(-1.0)
        x = torch.arange(16.0).reshape(1, 1, 4, 4)
        # top-left 2x2 window holds 0, 1, 4, 5: mean 2.5 -> 0.5 * 2.5 - 1
        assert s(x)[0, 0, 0, 0].item() == pytest.approx(0.5 * 2.5 - 1.0)


def test_lenet5_scaled_tanh() -> None:
    # A = 1.7159, S = 2/3 are chosen so that f(1) = 1 and f(-1) = -1 (Appendix A).
    f = zoo.lenet.ScaledTanh()
    out = f(torch.tensor([1.0, -1.0, 0.0]))
    assert out.tolist() == pytest.approx([1.0, -1.0, 0.0], abs=1e-3)
    assert f(torch.tensor(10.0)).item() == pytest.approx(1.7159, abs=1e-4)


# ============================================================================ ZFNet


def test_zfnet_params_by_hand() -> None:
    expected = (
        _conv_params(3, 96, 7)  # layer 1
        + _conv_params(96, 256, 5)  # layer 2, dense (single GPU)
        + _conv_params(256, 384, 3)
        + _conv_params(384, 384, 3)
        + _conv_params(384, 256, 3)
        + _linear_params(6 * 6 * 256, 4096)  # "6 . 6 . 256 = 9216 dimensions"
        + _linear_params(4096, 4096)
        + _linear_params(4096, 1000)
    )
    assert _n_params(_meta("zfnet")) == expected


def test_zfnet_map_sizes_of_figure_3() -> None:
    with torch.device("meta"):
        shapes = _trace_shapes(get_model("zfnet").features, torch.zeros(1, 3, 224, 224))
    convs = [s for m, s in shapes if isinstance(m, nn.Conv2d)]
    pools = [s for m, s in shapes if isinstance(m, nn.MaxPool2d)]
    assert convs == [(96, 110, 110), (256, 26, 26), (384, 13, 13), (384, 13, 13), (256, 13, 13)]
    assert pools == [(96, 55, 55), (256, 13, 13), (256, 6, 6)]


def test_zfnet_structure() -> None:
    model = _meta("zfnet")
    convs = [m for m in model.features if isinstance(m, nn.Conv2d)]
    assert [(c.kernel_size[0], c.stride[0]) for c in convs] == [(7, 2), (5, 2), (3, 1), (3, 1), (3, 1)]
    assert all(c.groups == 1 for c in convs)
    # contrast normalisation comes after the pool in layers 1 and 2 (Figure 3: relu, pool, norm)
    kinds = [type(m).__name__ for m in model.features]
    lrn_at = [i for i, k in enumerate(kinds) if k == "LocalResponseNorm"]
    assert len(lrn_at) == 2 and all(kinds[i - 1] == "MaxPool2d" for i in lrn_at)
    assert archstats.profile("zfnet").totals.depth == 5 + 3


# ============================================================================ VGG

# Paper Table 1, 3x3 conv widths per stage (stages are separated by the 2x2 max-pools).
_VGG_STAGES = {
    "A": ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    "B": ((64, 64), (128, 128), (256, 256), (512, 512), (512, 512)),
    "D": ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
    "E": ((64, 64), (128, 128), (256,) * 4, (512,) * 4, (512,) * 4),
}
_VGG_MODEL = {"vgg11": "A", "vgg13": "B", "vgg16": "D", "vgg19": "E"}
_FC_PARAMS = _linear_params(7 * 7 * 512, 4096) + _linear_params(4096, 4096) + _linear_params(4096, 1000)
_FC_MACS = 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000


def _vgg_conv_params(stages: tuple[tuple[int, ...], ...]) -> int:
    total, c_in = 0, 3
    for stage in stages:
        for c_out in stage:
            total += _conv_params(c_in, c_out, 3)
            c_in = c_out
    return total


def _vgg_conv_macs(stages: tuple[tuple[int, ...], ...], size: int = 224) -> int:
    # 3x3 pad 1 keeps H x W within a stage; each pool halves it: 224, 112, 56, 28, 14
    total, c_in = 0, 3
    for i, stage in enumerate(stages):
        hw = size // 2**i
        for c_out in stage:
            total += hw * hw * c_out * c_in * 9
            c_in = c_out
    return total


@pytest.mark.parametrize(
    ("name", "torchvision_count"),
    [("vgg11", 132_863_336), ("vgg13", 133_047_848), ("vgg16", 138_357_544), ("vgg19", 143_667_240)],
)
def test_vgg_params_by_hand(name: str, torchvision_count: int) -> None:
    expected = _vgg_conv_params(_VGG_STAGES[_VGG_MODEL[name]]) + _FC_PARAMS
    assert expected == torchvision_count
    assert _n_params(_meta(name)) == expected


def test_vgg16_params_spelled_out() -> None:
    # 13 convs of configuration D, then 3 FCs
    convs = (
        (_conv_params(3, 64, 3) + _conv_params(64, 64, 3))
        + (_conv_params(64, 128, 3) + _conv_params(128, 128, 3))
        + (_conv_params(128, 256, 3) + 2 * _conv_params(256, 256, 3))
        + (_conv_params(256, 512, 3) + 2 * _conv_params(512, 512, 3))
        + 3 * _conv_params(512, 512, 3)
    )
    assert convs == 14_714_688
    assert _FC_PARAMS == 102_764_544 + 16_781_312 + 4_097_000
    assert _n_params(_meta("vgg16")) == convs + _FC_PARAMS == 138_357_544


@pytest.mark.parametrize("name", ["vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn"])
def test_vgg_bn_adds_two_params_per_channel(name: str) -> None:
    stages = _VGG_STAGES[_VGG_MODEL[name.removesuffix("_bn")]]
    bn = 2 * sum(sum(stage) for stage in stages)  # gamma and beta per conv output channel
    model = _meta(name)
    assert _n_params(model) == _vgg_conv_params(stages) + _FC_PARAMS + bn
    n_convs = sum(isinstance(m, nn.Conv2d) for m in model.features)
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model.features) == n_convs


def test_vgg16_c_one_by_one_convs() -> None:
    model = _meta("vgg16_c")
    ones = [m for m in model.features if isinstance(m, nn.Conv2d) and m.kernel_size == (1, 1)]
    # Table 1 C: conv1-256 closes stage 3, conv1-512 stages 4 and 5
    shapes = [(m.in_channels, m.out_channels, m.padding) for m in ones]
    assert shapes == [(256, 256, (0, 0)), (512, 512, (0, 0)), (512, 512, (0, 0))]
    # C is B plus the three 1x1 convs; D replaces those by 3x3s (8 more weights per channel pair)
    params_c = _n_params(model)
    extra = _conv_params(256, 256, 1) + 2 * _conv_params(512, 512, 1)
    assert params_c == _vgg_conv_params(_VGG_STAGES["B"]) + _FC_PARAMS + extra
    assert _n_params(_meta("vgg16")) - params_c == 8 * (256 * 256 + 2 * 512 * 512)
    assert round(params_c / 1e6) == 134  # paper Table 2


def test_vgg11_lrn_matches_a_plus_one_lrn() -> None:
    model = _meta("vgg11_lrn")
    kinds = [type(m).__name__ for m in model.features]
    assert kinds[:4] == ["Conv2d", "ReLU", "LocalResponseNorm", "MaxPool2d"]
    assert kinds.count("LocalResponseNorm") == 1
    assert _n_params(model) == _n_params(_meta("vgg11"))  # LRN has no parameters


@pytest.mark.parametrize(
    ("name", "depth"), [("vgg11", 11), ("vgg13", 13), ("vgg16_c", 16), ("vgg16", 16), ("vgg19", 19)]
)
def test_vgg_depth(name: str, depth: int) -> None:
    # Table 1's "N weight layers": convs + 3 FCs on a single path
    if name in _VGG_MODEL:
        assert depth == sum(len(s) for s in _VGG_STAGES[_VGG_MODEL[name]]) + 3
    assert archstats.profile(name).totals.depth == depth


@pytest.mark.parametrize("name", ["vgg16", "vgg19"])
def test_vgg_macs_by_formula(name: str) -> None:
    expected = _vgg_conv_macs(_VGG_STAGES[_VGG_MODEL[name]]) + _FC_MACS
    assert archstats.profile(name).totals.macs == expected
    # torchvision's GFLOPS column (MACs): 15.47 for vgg16, 19.63 for vgg19
    assert round(expected / 1e9, 2) == {"vgg16": 15.47, "vgg19": 19.63}[name]


@pytest.mark.parametrize("name", ["vgg11", "vgg13", "vgg16", "vgg19", "vgg16_bn"])
def test_vgg_filters_double_per_stage(name: str) -> None:
    with torch.device("meta"):
        shapes = _trace_shapes(get_model(name).features, torch.zeros(1, 3, 224, 224))
    stages: list[list[int]] = [[]]
    pooled: list[tuple[int, ...]] = []
    for m, s in shapes:
        if isinstance(m, nn.Conv2d):
            stages[-1].append(s[0])
        elif isinstance(m, nn.MaxPool2d):
            pooled.append(s)
            stages.append([])
    stages.pop()  # nothing after the last pool
    assert [stage[0] for stage in stages] == [64, 128, 256, 512, 512]
    assert all(len(set(stage)) == 1 for stage in stages)  # constant width within a stage
    assert [s[1] for s in pooled] == [112, 56, 28, 14, 7]
    assert pooled[-1] == (512, 7, 7)


def test_vgg_aliases() -> None:
    resolved = [zoo.resolve_name(a) for a in ("vgg_a", "vgg_b", "vgg_c", "vgg_d", "vgg_e", "VGG_A_LRN")]
    assert resolved == ["vgg11", "vgg13", "vgg16_c", "vgg16", "vgg19", "vgg11_lrn"]


def test_vgg_num_classes() -> None:
    model = _meta("vgg16", num_classes=10)
    assert model.classifier[-1].out_features == 10
    assert _n_params(model) == 138_357_544 - _linear_params(4096, 1000) + _linear_params(4096, 10)


# ============================================================================ Network in Network

# Caffe nin_imagenet: (in, out, kernel) of each mlpconv's spatial conv; two 1x1 convs follow it.
_NIN = ((3, 96, 11), (96, 256, 5), (256, 384, 3), (384, 1024, 3))


def test_nin_params_by_hand() -> None:
    expected = 0
    for i, (c_in, c_out, k) in enumerate(_NIN):
        last = 1000 if i == len(_NIN) - 1 else c_out  # the final 1x1 conv gives one map per class
        expected += _conv_params(c_in, c_out, k) + _conv_params(c_out, c_out, 1) + _conv_params(c_out, last, 1)
    assert expected == 7_595_176
    assert _n_params(_meta("nin")) == expected


def test_nin_has_no_linear_and_ends_in_global_average_pooling() -> None:
    model = _meta("nin")
    assert not any(isinstance(m, nn.Linear) for m in model.modules())
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 12 and sum(c.kernel_size == (1, 1) for c in convs) == 8
    assert convs[-1].out_channels == 1000
    # the forward's last op is the average over the whole class map
    torch.manual_seed(0)
    cpu = get_model("nin").eval()
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        maps = cpu.features(x)
        assert tuple(maps.shape) == (1, 1000, 6, 6)
        assert torch.allclose(cpu(x), maps.mean(dim=(2, 3)), atol=1e-6)
    p = archstats.profile("nin")
    assert p.layers.iloc[-1]["rf_status"] == "global"
    assert p.totals.depth == 12 and p.totals.params == 7_595_176


def test_nin_map_sizes() -> None:
    with torch.device("meta"):
        shapes = _trace_shapes(get_model("nin").features, torch.zeros(1, 3, 224, 224))
    # conv1: floor((224 - 11) / 4) + 1 = 54; Caffe pools round up: ceil((54 - 3) / 2) + 1 = 27, ...
    assert [s[1] for m, s in shapes if not isinstance(m, nn.Dropout)] == [54, 27, 27, 13, 13, 6, 6]
    assert math.ceil((54 - 3) / 2) + 1 == 27 and (27 - 3) // 2 + 1 == 13 and (13 - 3) // 2 + 1 == 6


def test_nin_num_classes() -> None:
    model = _meta("nin", num_classes=10)
    with torch.device("meta"):
        assert tuple(model(torch.zeros(2, 3, 224, 224)).shape) == (2, 10)
    assert _n_params(_meta("nin")) - _n_params(model) == 990 * 1024 + 990

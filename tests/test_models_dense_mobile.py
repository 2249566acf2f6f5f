"""DenseNet, MobileNet v1 and the SqueezeNet extras, checked against hand arithmetic from the papers' tables."""

from __future__ import annotations

import functools
from fractions import Fraction

import pytest
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

import archstats
import archstats_models as zoo
from archstats_models import get_model
from archstats_models.densenet import DenseBlock, DenseLayer, Transition
from archstats_models.mobilenet import DepthwiseSeparable
from archstats_models.squeezenet import (
    Fire,
    fire_configs_from_metaparameters,
    squeezenet_from_metaparameters,
)


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@functools.cache
def _profile(name: str) -> archstats.Profile:
    # profiles are read-only results; several tests look at the same model
    return archstats.profile(name)


def _meta(name: str, **kwargs: object) -> nn.Module:
    with torch.device("meta"):
        return get_model(name, **kwargs).eval()


def _bn(c: int) -> int:
    return 2 * c  # weight and bias (running stats are buffers)


# ============================================================================ DenseNet

# Paper Table 1: (dense layers per block, growth rate k); the stem has 2k filters.
_DENSENET_TABLE = {
    "densenet121": ((6, 12, 24, 16), 32),
    "densenet169": ((6, 12, 32, 32), 32),
    "densenet201": ((6, 12, 48, 32), 32),
    "densenet161": ((6, 12, 36, 24), 48),
}


def _dense_layer_params(c_in: int, k: int, bn_size: int = 4) -> int:
    # BN(c_in) + 1x1 conv c_in -> 4k (no bias) + BN(4k) + 3x3 conv 4k -> k (no bias)
    return _bn(c_in) + c_in * bn_size * k + _bn(bn_size * k) + 9 * bn_size * k * k


def _densenet_params(blocks: tuple[int, ...], k: int, stem: int, stem_kernel: int, num_classes: int) -> int:
    total = stem_kernel * stem_kernel * 3 * stem  # conv0, no bias
    if stem_kernel == 7:
        total += _bn(stem)  # norm0 (the CIFAR stem has none)
    c = stem
    for i, n in enumerate(blocks):
        for layer in range(n):
            total += _dense_layer_params(c + layer * k, k)
        c += n * k
        if i != len(blocks) - 1:
            total += _bn(c) + c * (c // 2)  # transition: BN + 1x1 conv to theta*c = c/2
            c //= 2
    total += _bn(c)  # norm5
    total += c * num_classes + num_classes  # classifier
    return total


def test_densenet121_params_closed_form() -> None:
    expected = _densenet_params((6, 12, 24, 16), 32, stem=64, stem_kernel=7, num_classes=1000)
    assert expected == 7_978_856  # torchvision's documented count
    assert _n_params(_meta("densenet121")) == expected


@pytest.mark.parametrize(
    ("name", "torchvision_count"),
    [("densenet169", 14_149_480), ("densenet201", 20_013_928), ("densenet161", 28_681_000)],
)
def test_densenet_params_closed_form(name: str, torchvision_count: int) -> None:
    blocks, k = _DENSENET_TABLE[name]
    expected = _densenet_params(blocks, k, stem=2 * k, stem_kernel=7, num_classes=1000)
    assert expected == torchvision_count
    assert _n_params(_meta(name)) == expected


def test_densenet_bc100_k12_params_closed_form() -> None:
    # L = 100 = 1 stem conv + 3 blocks x 16 layers x 2 convs + 2 transition convs + 1 FC
    n = (100 - 4) // 6
    assert n == 16 and 1 + 3 * n * 2 + 2 + 1 == 100
    expected = _densenet_params((n, n, n), 12, stem=24, stem_kernel=3, num_classes=10)
    assert abs(expected - 0.8e6) <= 0.05e6  # paper Table 2: 0.8M
    model = _meta("densenet_bc100_k12")
    assert _n_params(model) == expected
    # 24 + 16*12 = 216 -> 108; 108 + 192 = 300 -> 150; 150 + 192 = 342
    assert [t.conv.out_channels for t in model.modules() if isinstance(t, Transition)] == [108, 150]
    assert model.classifier.in_features == 342


@pytest.mark.parametrize("name", sorted(_DENSENET_TABLE))
def test_dense_block_channels_and_bottleneck(name: str) -> None:
    blocks, k = _DENSENET_TABLE[name]
    model = _meta(name)
    dense_blocks = [m for m in model.modules() if isinstance(m, DenseBlock)]
    assert [len(b) for b in dense_blocks] == list(blocks)
    k0 = 2 * k  # the stem's output
    for b, n in zip(dense_blocks, blocks):
        layers = list(b.values())
        # layer l (1-based) sees k0 + k * (l - 1) channels, i.e. k0 + k * i for i = l - 1 = 0, 1, ...
        assert [layer.conv1.in_channels for layer in layers] == [k0 + k * i for i in range(n)]
        assert all(layer.conv1.out_channels == 4 * k for layer in layers)  # bottleneck: 4k maps
        assert all(layer.conv1.kernel_size == (1, 1) and layer.conv2.kernel_size == (3, 3) for layer in layers)
        assert all(layer.conv2.out_channels == k for layer in layers)
        k0 = (k0 + n * k) // 2  # compression 0.5 in the following transition
    assert model.classifier.in_features == 2 * k0  # the last block has no transition


def test_densenet121_transitions_halve_channels_and_resolution() -> None:
    model = _meta("densenet121")
    seen: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    hooks = [
        m.register_forward_hook(lambda mod, args, out: seen.append((tuple(args[0].shape[1:]), tuple(out.shape[1:]))))
        for m in model.modules()
        if isinstance(m, Transition)
    ]
    with torch.device("meta"):
        model(torch.zeros(1, 3, 224, 224))
    for h in hooks:
        h.remove()
    # stem: 224 -> 112 (7x7/2) -> 56 (max-pool /2); block outputs 64 + 6*32, 128 + 12*32, 256 + 24*32
    assert seen == [
        ((256, 56, 56), (128, 28, 28)),
        ((512, 28, 28), (256, 14, 14)),
        ((1024, 14, 14), (512, 7, 7)),
    ]
    for (c, h, w), (c2, h2, w2) in seen:
        assert (c2, h2, w2) == (c // 2, h // 2, w // 2)


class _CatRecorder(TorchFunctionMode):
    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        if func is torch.cat:
            self.sizes.append(len(args[0]))
        return func(*args, **(kwargs or {}))


@pytest.mark.parametrize(("name", "blocks"), [("densenet121", (6, 12, 24, 16)), ("densenet_bc100_k12", (16, 16, 16))])
def test_dense_connections(name: str, blocks: tuple[int, ...]) -> None:
    model = _meta(name)
    size = zoo.get_model_info(name).input_size
    recorder = _CatRecorder()
    with torch.device("meta"), recorder:
        model(torch.zeros(1, *size))
    expected: list[int] = []
    for n in blocks:
        # layer l concatenates x_0 .. x_{l-1}; the block's output concatenates all n + 1
        expected += list(range(1, n + 1)) + [n + 1]
    assert recorder.sizes == expected
    # connections into the L layers of a block: 1 + 2 + ... + L = L(L+1)/2
    start = 0
    for n in blocks:
        layer_cats = recorder.sizes[start : start + n]
        assert sum(layer_cats) == n * (n + 1) // 2
        start += n + 1


def test_densenet121_dense_layer_macs() -> None:
    # first dense layer of block 1 at 56x56: 1x1 conv 64 -> 128, 3x3 conv 128 -> 32
    rows = _profile("densenet121").layers.set_index("module")
    prefix = "features.denseblock1.denselayer1"
    assert rows.loc[f"{prefix}.conv1", "macs"] == 56 * 56 * 64 * 128
    assert rows.loc[f"{prefix}.conv2", "macs"] == 56 * 56 * 128 * 32 * 9
    # last layer of block 4 at 7x7: input 512 + 15*32 = 992 channels
    prefix = "features.denseblock4.denselayer16"
    assert rows.loc[f"{prefix}.conv1", "macs"] == 7 * 7 * 992 * 128
    # transition 3 at 14x14 (pool after the conv): 1024 -> 512
    assert rows.loc["features.transition3.conv", "macs"] == 14 * 14 * 1024 * 512


@pytest.mark.parametrize(
    ("name", "depth"),
    [
        ("densenet121", 121),
        ("densenet169", 169),
        ("densenet201", 201),
        ("densenet161", 161),
        ("densenet_bc100_k12", 100),
    ],
)
def test_densenet_depth_is_its_name(name: str, depth: int) -> None:
    model = _meta(name)
    n_weight_layers = sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules())
    assert n_weight_layers == depth  # every conv and the FC lie on one path
    assert _profile(name).totals.depth == depth


def test_densenet_hyperparameters_are_arguments() -> None:
    model = _meta("densenet121", growth_rate=12, bn_size=2, compression=0.75, num_classes=10)
    assert model.features.conv0.out_channels == 24  # stem 2k
    layers = [m for m in model.modules() if isinstance(m, DenseLayer)]
    assert all(layer.conv1.out_channels == 2 * 12 and layer.conv2.out_channels == 12 for layer in layers)
    # block 1: 24 + 6*12 = 96 -> floor(0.75 * 96) = 72; block 2: 72 + 144 = 216 -> 162
    transitions = [m for m in model.modules() if isinstance(m, Transition)]
    assert [t.conv.out_channels for t in transitions[:2]] == [72, 162]
    assert model.classifier.out_features == 10


# ============================================================================ MobileNet v1

# Paper Table 1: stem conv 3x3/2 with 32 filters, then (depthwise stride, pointwise filters).
_MOBILENET_BLOCKS = (
    [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512)] + [(1, 512)] * 5 + [(2, 1024), (1, 1024)]
)


def _mobilenet_layers(alpha: float = 1.0, resolution: int = 224) -> list[tuple[int, int, int, int]]:
    """(M input channels, N output channels, stride, D_F output size) of each depthwise separable layer."""
    out = []
    m, df = int(32 * alpha), resolution // 2
    for stride, n in _MOBILENET_BLOCKS:
        df //= stride
        out.append((m, int(n * alpha), stride, df))
        m = int(n * alpha)
    return out


def _mobilenet_formula(alpha: float = 1.0, resolution: int = 224, separable: bool = True) -> tuple[int, int]:
    """(params, MACs) of MobileNet from Table 1: convs without bias, BN (2 per channel), FC with bias."""
    stem = int(32 * alpha)
    df = resolution // 2
    params = 27 * stem + _bn(stem)
    macs = df * df * 27 * stem
    for m, n, _, df in _mobilenet_layers(alpha, resolution):
        if separable:
            params += 9 * m + _bn(m) + m * n + _bn(n)
            macs += 9 * m * df * df + m * n * df * df  # D_K^2 M D_F^2 + M N D_F^2
        else:
            params += 9 * m * n + _bn(n)
            macs += 9 * m * n * df * df  # D_K^2 M N D_F^2
    c = int(1024 * alpha)
    params += c * 1000 + 1000
    macs += c * 1000
    return params, macs


def test_mobilenet_v1_params_and_macs_by_formula() -> None:
    params, macs = _mobilenet_formula()
    assert abs(params - 4.2e6) <= 0.05e6  # paper: 4.2M
    assert abs(macs - 569e6) <= 0.5e6  # paper: 569M mult-adds
    p = _profile("mobilenet_v1")
    assert p.totals.params == params
    assert p.totals.macs == macs


def test_mobilenet_v1_conv_twin_by_formula() -> None:
    params, macs = _mobilenet_formula(separable=False)
    assert abs(params - 29.3e6) <= 0.05e6  # paper Table 4: 29.3M
    p = _profile("mobilenet_v1_conv")
    assert p.totals.params == params
    assert p.totals.macs == macs
    # Table 4's 4866M matches the convolutions without the 1024x1000 FC (see the deviation note)
    assert abs((macs - 1024 * 1000) - 4866e6) <= 0.5e6
    assert abs(macs - 4866e6) > 0.5e6


def test_separable_vs_full_conv_per_layer_ratio() -> None:
    sep = _profile("mobilenet_v1").layers.set_index("module")["macs"]
    full = _profile("mobilenet_v1_conv").layers.set_index("module")["macs"]
    layers = _mobilenet_layers()
    for index in (1, 2, 7, 13):  # 112x112 32->64, the first stride-2 layer, a 14x14 512->512, the last
        m, n, _, df = layers[index - 1]
        separable = sep[f"features.{index}.depthwise.0"] + sep[f"features.{index}.pointwise.0"]
        standard = full[f"features.{index}.0"]
        assert separable == 3 * 3 * m * df * df + m * n * df * df
        assert standard == 3 * 3 * m * n * df * df
        # Section 3.1: (D_K^2 M D_F^2 + M N D_F^2) / (D_K^2 M N D_F^2) = 1/N + 1/D_K^2
        assert Fraction(int(separable), int(standard)) == Fraction(1, n) + Fraction(1, 9)


def test_mobilenet_v1_depth_28() -> None:
    # Table 1: 1 conv + 13 x (depthwise + pointwise) + 1 FC = 28 layers
    assert _profile("mobilenet_v1").totals.depth == 1 + 13 * 2 + 1 == 28
    assert _profile("mobilenet_v1_conv").totals.depth == 1 + 13 + 1


def test_mobilenet_v1_table1_shapes() -> None:
    model = _meta("mobilenet_v1")
    shapes: list[tuple[int, ...]] = []
    x = torch.zeros(1, 3, 224, 224, device="meta")
    for layer in model.features:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    assert shapes[0] == (32, 112, 112)
    assert shapes[1:] == [(n, df, df) for _, n, _, df in _mobilenet_layers()]
    assert shapes[-1] == (1024, 7, 7)  # avg pool 7x7 then FC 1024 -> 1000
    blocks = [m for m in model.features if isinstance(m, DepthwiseSeparable)]
    assert len(blocks) == 13
    assert all(b.depthwise[0].groups == b.depthwise[0].in_channels for b in blocks)


@pytest.mark.parametrize(
    ("name", "alpha"), [("mobilenet_v1_075", 0.75), ("mobilenet_v1_050", 0.5), ("mobilenet_v1_025", 0.25)]
)
def test_width_multiplier_scales_macs(name: str, alpha: float) -> None:
    params, macs = _mobilenet_formula(alpha)
    p = _profile(name)
    assert (p.totals.params, p.totals.macs) == (params, macs)
    base = _profile("mobilenet_v1").layers
    thin = p.layers

    def total(layers, part: str) -> int:  # type: ignore[no-untyped-def]
        return int(layers[layers.module.str.endswith(part)].macs.sum())

    # every channel count of Table 1 times these alphas is an integer, so the scaling is exact:
    # pointwise M N D_F^2 scales by alpha^2, depthwise D_K^2 M D_F^2 by alpha (Section 4.1)
    a = Fraction(alpha)
    assert Fraction(total(thin, "pointwise.0"), total(base, "pointwise.0")) == a * a
    assert Fraction(total(thin, "depthwise.0"), total(base, "depthwise.0")) == a


@pytest.mark.parametrize(
    ("name", "resolution"), [("mobilenet_v1_192", 192), ("mobilenet_v1_160", 160), ("mobilenet_v1_128", 128)]
)
def test_resolution_multiplier(name: str, resolution: int) -> None:
    params, macs = _mobilenet_formula(1.0, resolution)
    p = _profile(name)
    assert p.totals.params == params == _mobilenet_formula()[0]  # rho changes no weight
    assert p.totals.macs == macs
    # the convolutions scale by rho^2 exactly; the FC (1024 x 1000) does not scale
    fc = 1024 * 1000
    rho = Fraction(resolution, 224)
    assert Fraction(macs - fc) == rho * rho * (_mobilenet_formula()[1] - fc)
    assert _meta(name).resolution == resolution


# ============================================================================ SqueezeNet extras

# Paper Table 1: (squeeze, expand1x1, expand3x3) for fire2 .. fire9 of v1.0, and each one's input.
_FIRES = [
    (16, 64, 64),
    (16, 64, 64),
    (32, 128, 128),
    (32, 128, 128),
    (48, 192, 192),
    (48, 192, 192),
    (64, 256, 256),
    (64, 256, 256),
]
_FIRE_INPUTS = [96, 128, 128, 256, 256, 384, 384, 512]


def _fire_params(c_in: int, s: int, e1: int, e3: int) -> int:
    return (c_in * s + s) + (s * e1 + e1) + (9 * s * e3 + e3)


def _squeezenet1_0_params() -> int:
    total = 7 * 7 * 3 * 96 + 96  # conv1
    total += sum(_fire_params(c, *f) for c, f in zip(_FIRE_INPUTS, _FIRES))
    return total + 512 * 1000 + 1000  # conv10


def _fires(model: nn.Module) -> list[Fire]:
    return [m for m in model.features if isinstance(m, Fire)]


def test_simple_bypass_adds_no_parameters() -> None:
    model = _meta("squeezenet1_0_simple_bypass")
    assert _n_params(model) == _squeezenet1_0_params() == 1_248_424
    # around fire3, 5, 7, 9: exactly the modules whose input and output channels agree
    kinds = [f.bypass_kind for f in _fires(model)]
    assert kinds == ["none", "simple"] * 4
    assert [c == e1 + e3 for c, (_, e1, e3) in zip(_FIRE_INPUTS, _FIRES)] == [k == "simple" for k in kinds]


def test_complex_bypass_adds_the_1x1_convs() -> None:
    model = _meta("squeezenet1_0_complex_bypass")
    assert [f.bypass_kind for f in _fires(model)] == ["complex", "simple"] * 4
    # 1x1 convs with bias around fire2 (96->128), fire4 (128->256), fire6 (256->384), fire8 (384->512)
    extra = (96 * 128 + 128) + (128 * 256 + 256) + (256 * 384 + 384) + (384 * 512 + 512)
    assert extra == 341_248
    assert _n_params(model) == _squeezenet1_0_params() + extra

    # their MACs at 224: conv1 -> 109, pool -> 54 (fire2-4), pool -> 27 (fire5-8), pool -> 13 (fire9)
    extra_macs = 54 * 54 * (96 * 128 + 128 * 256) + 27 * 27 * (256 * 384 + 384 * 512)
    base = _profile("squeezenet1_0").totals.macs
    assert _profile("squeezenet1_0_complex_bypass").totals.macs == base + extra_macs
    assert _profile("squeezenet1_0_simple_bypass").totals.macs == base


def test_bypass_adds_the_input() -> None:
    torch.manual_seed(0)
    x = torch.randn(2, 128, 9, 9)
    plain = Fire(128, 16, 64, 64).eval()
    simple = Fire(128, 16, 64, 64, bypass="simple").eval()
    simple.load_state_dict(plain.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(simple(x), plain(x) + x)

    complex_ = Fire(128, 32, 128, 128, bypass="complex").eval()
    with torch.no_grad():
        expected = Fire(128, 32, 128, 128).eval()
        expected.load_state_dict({k: v for k, v in complex_.state_dict().items() if not k.startswith("bypass")})
        torch.testing.assert_close(complex_(x), expected(x) + complex_.bypass(x))
    with pytest.raises(ValueError):
        Fire(96, 16, 64, 64, bypass="simple")  # 96 -> 128 cannot be a wire


def test_metaparameters_reproduce_squeezenet1_0() -> None:
    # Section 5: e_i = base_e + incr_e * floor(i / freq) with base_e = incr_e = 128, freq = 2:
    # 128, 128, 256, 256, 384, 384, 512, 512; half of them 3x3 (pct_3x3 = 0.5); squeeze = SR * e_i = e_i / 8
    e = [128 + 128 * (i // 2) for i in range(8)]
    assert [(ei // 8, ei // 2, ei // 2) for ei in e] == _FIRES
    assert list(fire_configs_from_metaparameters()) == _FIRES
    with torch.device("meta"):
        model = squeezenet_from_metaparameters()
    fires = _fires(model)
    assert [(f.squeeze.out_channels, f.expand1x1.out_channels, f.expand3x3.out_channels) for f in fires] == _FIRES
    assert [f.in_channels for f in fires] == _FIRE_INPUTS
    assert _n_params(model) == _squeezenet1_0_params()


def test_metaparameters_vary_the_fires() -> None:
    # SR = 0.25, pct_3x3 = 0.75, freq = 4: e = 128 x4 then 256 x4
    configs = fire_configs_from_metaparameters(sr=0.25, pct_3x3=0.75, freq=4)
    assert configs == ((32, 32, 96),) * 4 + ((64, 64, 192),) * 4
    with torch.device("meta"):
        model = squeezenet_from_metaparameters(sr=0.25, pct_3x3=0.75, freq=4, bypass="simple")
    expected = 7 * 7 * 3 * 96 + 96
    c = 96
    for s, e1, e3 in configs:
        expected += _fire_params(c, s, e1, e3)
        c = e1 + e3
    expected += c * 1000 + 1000
    assert _n_params(model) == expected
    # freq=4 keeps fire3 and fire5 at 128 -> 128 and fire7, fire9 at 256 -> 256: the wires still fit
    fires = _fires(model)
    assert [f.bypass_kind for f in fires] == ["none", "simple"] * 4
    assert [f.in_channels for f in fires] == [96, 128, 128, 128, 128, 256, 256, 256]
    # freq=1 grows every module (fire3: 128 -> 256), where a simple bypass cannot be a wire
    with pytest.raises(ValueError), torch.device("meta"):
        squeezenet_from_metaparameters(freq=1, bypass="simple")

"""EfficientNet B0..B7: counts derived by hand from the paper's Table 1 and the scaling rules."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import archstats
from archstats_models import get_model, get_model_info
from archstats_models.efficientnet import (
    MBConv,
    SqueezeExcitation,
    StochasticDepth,
    _make_divisible,
    compound_coefficients,
    efficientnet,
)


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# Paper Table 1, written out again here: (expand_ratio t, kernel k, stride s, out channels, layers n)
# for stages 2-8; stage 1 is conv3x3/2 to 32, stage 9 conv1x1 to 1280 + pool + FC.
TABLE1 = [
    (1, 3, 1, 16, 1),  # MBConv1, k3x3
    (6, 3, 2, 24, 2),  # MBConv6, k3x3
    (6, 5, 2, 40, 2),  # MBConv6, k5x5
    (6, 3, 2, 80, 3),  # MBConv6, k3x3
    (6, 5, 1, 112, 3),  # MBConv6, k5x5
    (6, 5, 2, 192, 4),  # MBConv6, k5x5
    (6, 3, 1, 320, 1),  # MBConv6, k3x3
]

RESOLUTIONS = {
    "efficientnet_b0": 224,
    "efficientnet_b1": 240,
    "efficientnet_b2": 260,
    "efficientnet_b3": 300,
    "efficientnet_b4": 380,
    "efficientnet_b5": 456,
    "efficientnet_b6": 528,
    "efficientnet_b7": 600,
}


def _mbconv_params(c_in: int, t: int, k: int, c_out: int) -> int:
    ct = c_in * t
    se = max(1, int(c_in * 0.25))  # SE bottleneck from the block's INPUT channels
    bn = 2  # weight + bias per channel (running stats are buffers)
    expand = (c_in * ct + bn * ct) if t != 1 else 0
    depthwise = k * k * ct + bn * ct
    squeeze_excite = ct * se + se + se * ct + ct  # fc1 and fc2 are 1x1 convs with bias
    project = ct * c_out + bn * c_out
    return expand + depthwise + squeeze_excite + project


def _mbconv_macs(c_in: int, t: int, k: int, stride: int, c_out: int, h_in: int) -> tuple[int, int]:
    """(MACs, output size) of one MBConv on an h_in x h_in map; even sizes only, so h_out = h_in / stride."""
    assert h_in % stride == 0
    h_out = h_in // stride
    ct = c_in * t
    se = max(1, int(c_in * 0.25))
    expand = h_in * h_in * c_in * ct if t != 1 else 0
    depthwise = h_out * h_out * k * k * ct  # one input channel per filter
    squeeze_excite = ct * se + se * ct  # on the pooled 1x1 map
    project = h_out * h_out * ct * c_out
    return expand + depthwise + squeeze_excite + project, h_out


def _hand_count(width: int = 1, depth: int = 1, res: int = 224) -> tuple[int, int, int]:
    """(params, MACs, SE+FC MACs) of B0 scaled by an integer width and depth, where no rounding is needed:
    every Table 1 channel count times an integer is still a multiple of 8, and n x depth is exact."""
    params = 3 * 3 * 3 * 32 * width + 2 * 32 * width  # stem conv (no bias) + BN
    h = res // 2
    macs = h * h * 3 * 3 * 3 * 32 * width
    fixed_macs = 0  # MACs that do not depend on resolution: SE on pooled maps and the classifier
    c_in = 32 * width
    for t, k, s, c, n in TABLE1:
        for i in range(n * depth):
            c_out = c * width
            params += _mbconv_params(c_in, t, k, c_out)
            m, h = _mbconv_macs(c_in, t, k, s if i == 0 else 1, c_out, h)
            macs += m
            fixed_macs += 2 * (c_in * t) * max(1, int(c_in * 0.25))
            c_in = c_out
    head = 1280 * width
    params += c_in * head + 2 * head + head * 1000 + 1000  # head conv + BN + FC
    macs += h * h * c_in * head + head * 1000
    fixed_macs += head * 1000
    return params, macs, fixed_macs


def _profile_macs(model: nn.Module, res: int) -> int:
    return archstats.profile(model, input_size=(3, res, res), strict=True).totals.macs


# ---------------------------------------------------------------------------- parameters by hand


def test_b0_params_closed_form_over_table1() -> None:
    params, _, _ = _hand_count()
    # Spelled out for the first two blocks as a check on the helper:
    # MBConv1 32->16, k3: dw 9*32 + 64, SE 32*8+8+8*32+32, proj 32*16 + 32 = 1,448
    assert _mbconv_params(32, 1, 3, 16) == (9 * 32 + 64) + (32 * 8 + 8 + 8 * 32 + 32) + (32 * 16 + 32)
    # MBConv6 16->24, k3, stride 2: expand 16*96 + 192, dw 9*96 + 192, SE (se = 4), proj 96*24 + 48
    assert _mbconv_params(16, 6, 3, 24) == (16 * 96 + 192) + (9 * 96 + 192) + (96 * 4 + 4 + 4 * 96 + 96) + (
        96 * 24 + 48
    )
    assert params == 5_288_548  # torchvision's num_params for efficientnet_b0
    with torch.device("meta"):
        assert _n_params(get_model("efficientnet_b0")) == params


def test_b0_macs_closed_form() -> None:
    _, macs, _ = _hand_count()
    with torch.device("meta"):
        assert _profile_macs(get_model("efficientnet_b0"), 224) == macs
    assert round(macs / 1e9, 3) == 0.386  # torchvision's GFLOPS for B0 (0.39 in the paper)


def test_b0_depth_in_weight_layers() -> None:
    # Longest path: stem, then per block expand (if t != 1), depthwise, SE fc1, fc2 (the scale feeds the
    # multiply before the projection), projection; then head conv and FC.
    expected = 1 + sum(n * (4 + (t != 1)) for t, _, _, _, n in TABLE1) + 2
    assert expected == 1 + (1 * 4 + 15 * 5) + 2 == 82
    p = archstats.profile("efficientnet_b0", strict=True)
    assert p.totals.depth == expected


def test_block_counts_scale_with_ceil_of_depth() -> None:
    # B7: depth x3.1, ceil per stage: 1,2,2,3,3,4,1 -> 4,7,7,10,10,13,4 = 55 blocks (B0: 16).
    expected = {
        "efficientnet_b0": [1, 2, 2, 3, 3, 4, 1],
        "efficientnet_b2": [2, 3, 3, 4, 4, 5, 2],  # x1.2: 1.2 -> 2, 2.4 -> 3, 3.6 -> 4, 4.8 -> 5
        "efficientnet_b7": [4, 7, 7, 10, 10, 13, 4],
    }
    for name, blocks in expected.items():
        with torch.device("meta"):
            model = get_model(name)
        stages = list(model.features)[1:-1]
        assert [len(s) for s in stages] == blocks
        assert all(isinstance(b, MBConv) for s in stages for b in s)


def test_b2_widths_follow_the_rounding_rule() -> None:
    # width 1.1, nearest multiple of 8 unless that loses more than 10%:
    # stem 35.2 -> 32, 17.6 -> 16, 26.4 -> 24, 44 -> 48, 88, 123.2 -> 120, 211.2 -> 208, 352, head 1408
    with torch.device("meta"):
        model = get_model("efficientnet_b2")
    stem = model.features[0][0]
    assert stem.out_channels == 32
    assert [s[-1].out_channels for s in list(model.features)[1:-1]] == [16, 24, 48, 88, 120, 208, 352]
    assert model.features[-1][0].out_channels == 1408
    assert model.classifier[1].in_features == 1408


def test_make_divisible() -> None:
    assert _make_divisible(35.2) == 32  # 39.2 // 8 * 8 = 32, and 32 >= 0.9 * 35.2
    assert _make_divisible(26.4) == 24  # 24 >= 23.76: kept although it rounds down
    assert _make_divisible(44.0) == 48  # halfway rounds up
    assert _make_divisible(19.9) == 24  # nearest is 16 < 0.9 * 19.9 = 17.91: one multiple up
    assert _make_divisible(3.0) == 8  # never below the divisor
    assert _make_divisible(1280 * 2.0) == 2560


def test_builder_matches_registered_variant() -> None:
    with torch.device("meta"):
        a = efficientnet(1.2, 1.4, 0.3)
        b = get_model("efficientnet_b3")
    assert _n_params(a) == _n_params(b) == 12_233_232
    assert b.classifier[0].p == 0.3


# ---------------------------------------------------------------------------- compound scaling


def test_compound_coefficients_by_hand() -> None:
    assert compound_coefficients(0) == (1.0, 1.0, 1.0)
    d, w, r = compound_coefficients(1)
    assert (d, w, r) == pytest.approx((1.2, 1.1, 1.15))
    d, w, r = compound_coefficients(2)
    assert (d, w, r) == pytest.approx((1.44, 1.21, 1.3225))  # 1.2^2, 1.1^2, 1.15^2
    d, w, r = compound_coefficients(3, alpha=2.0, beta=1.5, gamma=1.0)
    assert (d, w, r) == pytest.approx((8.0, 3.375, 1.0))


def test_flops_budget_roughly_doubles_per_phi() -> None:
    # Paper Eq. 3: FLOPs scale as d * w^2 * r^2, constrained to alpha * beta^2 * gamma^2 ~= 2.
    d, w, r = compound_coefficients(1)
    ratio = d * w**2 * r**2
    assert ratio == pytest.approx(1.2 * 1.21 * 1.3225)
    assert ratio == pytest.approx(1.92, abs=1e-3)
    assert abs(ratio - 2.0) < 0.1
    d, w, r = compound_coefficients(3)
    assert d * w**2 * r**2 == pytest.approx(ratio**3)


def test_official_table_is_not_exactly_the_formula() -> None:
    # B1's resolution 240 is not 224 * 1.15 = 257.6, and its width is not 1.1: the release table was picked
    # by hand, which the metadata has to say.
    _, _, r = compound_coefficients(1)
    assert round(224 * r) != RESOLUTIONS["efficientnet_b1"]
    for name in RESOLUTIONS:
        assert "not exactly" in get_model_info(name).notes


def test_depth_scaling_alone() -> None:
    # MACs follow d only roughly: the added blocks are each stage's stride-1 repeats at its output
    # width, which cost less than the stage's first block early on (stage 3's first block expands at
    # 112x112, its repeats at 56x56) but more late (stage 8 repeats 320 -> 1920 -> 320 where its first
    # block is 192 -> 1152 -> 320), while stem, head and FC (about 8% of B0) stay fixed. So a band of
    # +-15% around d = 2; the exact figure is the closed form.
    _, b0, _ = _hand_count()
    _, deep, _ = _hand_count(depth=2)
    with torch.device("meta"):
        assert _profile_macs(efficientnet(1.0, 2.0), 224) == deep
    assert 1.7 < deep / b0 < 2.3
    fixed = (112 * 112 * 27 * 32) + (7 * 7 * 320 * 1280) + 1280 * 1000  # stem, head, FC
    assert 0.07 < fixed / b0 < 0.09


def test_width_scaling_alone() -> None:
    # Doubling every channel count quadruples each conv with both sides doubled (w^2), but the stem
    # (3 input channels) and depthwise convs (one input channel per filter) only double, as does the
    # FC (1000 outputs): the ratio is just below w^2 = 4.
    _, b0, _ = _hand_count()
    _, wide, _ = _hand_count(width=2)
    with torch.device("meta"):
        assert _profile_macs(efficientnet(2.0, 1.0), 224) == wide
    assert 3.5 < wide / b0 < 4.0


def test_resolution_scaling_alone() -> None:
    # 224 -> 448: every feature map doubles exactly (224/2 = 112 ... 7 becomes 448/2 = 224 ... 14; the
    # k//2 padding keeps out = in / stride), so every spatial conv does exactly 4x the MACs; only SE's
    # 1x1 convs on pooled maps and the FC are unchanged.
    _, at224, fixed = _hand_count(res=224)
    _, at448, fixed448 = _hand_count(res=448)
    assert fixed448 == fixed
    assert at448 == 4 * (at224 - fixed) + fixed
    with torch.device("meta"):
        model = get_model("efficientnet_b0")
    assert _profile_macs(model, 448) == at448
    assert 3.9 < at448 / at224 < 4.0


# ---------------------------------------------------------------------------- shapes and blocks


@pytest.mark.parametrize("name", list(RESOLUTIONS))
def test_output_shape_at_official_resolution(name: str) -> None:
    res = RESOLUTIONS[name]
    assert get_model_info(name).input_size == (3, res, res)
    with torch.device("meta"):
        model = get_model(name).eval()
        x = torch.zeros(1, 3, res, res)
        features = model.features(x)
        out = model(x)
    assert tuple(out.shape) == (1, 1000)
    # Five stride-2 stages with k//2 padding give ceil(res / 32): 7, 8, 9, 10, 12, 15, 17, 19.
    side = math.ceil(res / 32)
    assert tuple(features.shape[2:]) == (side, side)


def test_mbconv_structure() -> None:
    first = MBConv(32, 16, expand_ratio=1, kernel_size=3, stride=1)
    # MBConv1 has no expansion conv: depthwise, SE, projection. 32 -> 16 channels: no shortcut.
    assert len(first.block) == 3 and not first.use_res_connect
    block = MBConv(24, 24, expand_ratio=6, kernel_size=5, stride=1)
    assert block.use_res_connect
    expand, depthwise, se, project = block.block
    assert expand[0].out_channels == 144 and expand[0].kernel_size == (1, 1)
    assert depthwise[0].groups == 144 and depthwise[0].kernel_size == (5, 5) and depthwise[0].padding == (2, 2)
    assert isinstance(se, SqueezeExcitation)
    assert se.fc1.out_channels == 6  # 24 * 0.25 of the INPUT channels, not 144 * 0.25
    assert len(project) == 2  # conv + BN: linear bottleneck, no activation
    assert not MBConv(24, 24, expand_ratio=6, kernel_size=3, stride=2).use_res_connect
    x = torch.randn(2, 24, 8, 8)
    assert tuple(block.eval()(x).shape) == (2, 24, 8, 8)


def test_stochastic_depth_only_in_training() -> None:
    torch.manual_seed(0)
    sd = StochasticDepth(0.5)
    x = torch.randn(64, 3, 2, 2)
    assert torch.equal(sd.eval()(x), x)
    y = sd.train()(x)
    # Each sample's branch is either dropped or kept and scaled by 1 / (1 - p) = 2.
    kept = [torch.equal(y[i], 2 * x[i]) for i in range(64)]
    dropped = [bool((y[i] == 0).all()) for i in range(64)]
    assert all(k or d for k, d in zip(kept, dropped))
    assert 0 < sum(kept) < 64


def test_stochastic_depth_rises_linearly_with_block_index() -> None:
    with torch.device("meta"):
        model = get_model("efficientnet_b0")
    probs = [b.stochastic_depth.p for s in list(model.features)[1:-1] for b in s]
    assert probs == pytest.approx([0.2 * i / 16 for i in range(16)])


def test_no_weight_init_on_meta(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("weight initialisation ran on meta")

    # Only our init calls kaiming_normal_ (PyTorch's default reset_parameters uses kaiming_uniform_).
    monkeypatch.setattr(nn.init, "kaiming_normal_", refuse)
    with torch.device("meta"):
        model = get_model("efficientnet_b7")
    assert all(p.is_meta for p in model.parameters())
    with pytest.raises(AssertionError):
        get_model("efficientnet_b0")  # on CPU the same builder does initialise

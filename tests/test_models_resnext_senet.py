"""ResNeXt and SENet checked against hand arithmetic from the papers' tables.

Every expected value is derived here from closed-form formulas (paper Table 1/2 widths, Eqn. 4 of
the ResNeXt paper, Eqn. 5 of the SENet paper), never copied from archstats' output.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

import archstats
import archstats_models as zoo
from archstats_models import get_model
from archstats_models.resnext import Bottleneck
from archstats_models.senet import SEBottleneck, SEModule

STAGE_OUT = (256, 512, 1024, 2048)  # block outputs per stage, Table 1 of both papers
STAGE_HW = (56, 28, 14, 7)  # output map side per stage at 224x224
DEPTH_50 = (3, 4, 6, 3)
DEPTH_101 = (3, 4, 23, 3)
# Table 2 of the ResNeXt paper: cardinality C, bottleneck width d, width of the grouped conv (conv2).
TEMPLATES = [(1, 64, 64), (2, 40, 80), (4, 24, 96), (8, 14, 112), (32, 4, 128)]
TEMPLATE_NAMES = {
    (1, 64): "resnext50_1x64d",
    (2, 40): "resnext50_2x40d",
    (4, 24): "resnext50_4x24d",
    (8, 14): "resnext50_8x14d",
    (32, 4): "resnext50_32x4d",
}


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _meta(name: str, **kwargs: object) -> nn.Module:
    with torch.device("meta"):
        return get_model(name, **kwargs)


# ---------------------------------------------------------------------------- closed forms


def _inner_width(stage: int, cardinality: int, d: int) -> int:
    # The template's grouped width C*d at conv2, doubled at every later stage (ResNeXt Sec. 3.1).
    return cardinality * d * 2**stage


def _network_params(layers: tuple[int, ...], cardinality: int, d: int, se_reduction: int | None = None) -> int:
    total = 7 * 7 * 3 * 64 + 2 * 64  # stem conv (no bias) + its BN (weight, bias)
    c_in = 64
    for stage, n_blocks in enumerate(layers):
        w, out = _inner_width(stage, cardinality, d), STAGE_OUT[stage]
        for block in range(n_blocks):
            cin = c_in if block == 0 else out
            total += cin * w + 2 * w  # 1x1 reduce + BN
            total += 3 * 3 * (w // cardinality) * w + 2 * w  # grouped 3x3: each filter sees w/C inputs
            total += w * out + 2 * out  # 1x1 expand + BN
            if block == 0:
                total += cin * out + 2 * out  # projection shortcut + BN
            if se_reduction is not None:
                hidden = out // se_reduction
                total += out * hidden + hidden + hidden * out + out  # two FCs with biases
        c_in = out
    return total + 2048 * 1000 + 1000  # fc


def _network_macs(
    layers: tuple[int, ...],
    cardinality: int,
    d: int,
    *,
    stride_in_1x1: bool = False,
    se_reduction: int | None = None,
) -> int:
    total = 112 * 112 * 64 * (7 * 7 * 3)  # stem conv at 112x112
    c_in, hw_in = 64, 56  # after the stride-2 max pool
    for stage, n_blocks in enumerate(layers):
        w, out, hw = _inner_width(stage, cardinality, d), STAGE_OUT[stage], STAGE_HW[stage]
        for block in range(n_blocks):
            first = block == 0
            cin = c_in if first else out
            # Without stride in the 1x1, the first block's 1x1 still runs at the input resolution.
            hw_1x1 = hw_in if (first and not stride_in_1x1) else hw
            total += hw_1x1 * hw_1x1 * cin * w
            total += hw * hw * w * 9 * (w // cardinality)
            total += hw * hw * w * out
            if first:
                total += hw * hw * cin * out
            if se_reduction is not None:
                total += 2 * out * (out // se_reduction)  # FCs on the pooled 1x1 map
        c_in, hw_in = out, hw
    return total + 2048 * 1000


def _se_params(layers: tuple[int, ...], r: int) -> int:
    # SENet Eqn. 5 (2/r * sum_s N_s * C_s^2) plus the FC biases (C/r + C per block).
    return sum(n * (2 * c * c // r + c // r + c) for n, c in zip(layers, STAGE_OUT))


def _se_macs(layers: tuple[int, ...], r: int) -> int:
    return sum(n * 2 * c * (c // r) for n, c in zip(layers, STAGE_OUT))


# ---------------------------------------------------------------------------- ResNeXt


def test_resnext50_32x4d_params_by_stage() -> None:
    # Table 1 (right), written out per stage: [1x1 w, 3x3 w C=32, 1x1 out] x n, BN after each conv.
    stem = 7 * 7 * 3 * 64 + 2 * 64

    def block(cin: int, w: int, out: int) -> int:
        return (cin * w + 2 * w) + (9 * (w // 32) * w + 2 * w) + (w * out + 2 * out)

    conv2 = block(64, 128, 256) + (64 * 256 + 2 * 256) + 2 * block(256, 128, 256)
    conv3 = block(256, 256, 512) + (256 * 512 + 2 * 512) + 3 * block(512, 256, 512)
    conv4 = block(512, 512, 1024) + (512 * 1024 + 2 * 1024) + 5 * block(1024, 512, 1024)
    conv5 = block(1024, 1024, 2048) + (1024 * 2048 + 2 * 2048) + 2 * block(2048, 1024, 2048)
    fc = 2048 * 1000 + 1000
    expected = stem + conv2 + conv3 + conv4 + conv5 + fc
    assert expected == 25_028_904  # torchvision's published count for the same network
    assert expected == _network_params(DEPTH_50, 32, 4)
    assert _n_params(_meta("resnext50_32x4d")) == expected
    assert archstats.profile("resnext50_32x4d").totals.params == expected


def test_resnext50_32x4d_structure() -> None:
    model = _meta("resnext50_32x4d")
    stages = [model.layer1, model.layer2, model.layer3, model.layer4]
    assert [len(s) for s in stages] == list(DEPTH_50)
    for stage, layer in enumerate(stages):
        for blk in layer:
            # Figure 3(c): one grouped 3x3 of width 128 * 2^stage with 32 groups of 4 channels
            assert blk.conv2.groups == 32
            assert blk.conv2.in_channels == blk.conv2.out_channels == 128 * 2**stage
            assert blk.conv3.out_channels == STAGE_OUT[stage]
        # subsampling in the 3x3 of the first block (Section 4), never in the 1x1
        expected_stride = (1, 1) if stage == 0 else (2, 2)
        assert layer[0].conv2.stride == expected_stride
        assert layer[0].conv1.stride == (1, 1)
        assert layer[0].downsample is not None
        assert all(b.downsample is None for b in layer[1:])


def test_resnext_stage_output_shapes() -> None:
    model = _meta("resnext50_32x4d").eval()
    shapes: dict[str, tuple[int, ...]] = {}
    for name in ("layer1", "layer2", "layer3", "layer4"):
        getattr(model, name).register_forward_hook(
            lambda _m, _i, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:]))
        )
    with torch.device("meta"):
        model(torch.zeros(1, 3, 224, 224))
    assert [shapes[f"layer{i}"] for i in range(1, 5)] == [(c, hw, hw) for c, hw in zip(STAGE_OUT, STAGE_HW)]


def test_resnext101_32x4d_params_and_macs_by_formula() -> None:
    expected_params = _network_params(DEPTH_101, 32, 4)
    p = archstats.profile("resnext101_32x4d")
    assert p.totals.params == expected_params
    assert p.totals.macs == _network_macs(DEPTH_101, 32, 4)
    # ResNeXt paper Figure 5: ResNet/ResNeXt-101 "~44 million parameters"
    assert abs(expected_params - 44e6) < 0.5e6


@pytest.mark.parametrize(("cardinality", "d", "group_width"), TEMPLATES)
def test_template_matches_table2(cardinality: int, d: int, group_width: int) -> None:
    model = _meta(TEMPLATE_NAMES[(cardinality, d)])
    conv2 = model.layer1[1].conv2
    assert (conv2.groups, conv2.out_channels) == (cardinality, group_width)
    assert model.layer4[0].conv2.out_channels == 8 * group_width  # doubled at each of 3 subsamplings
    # Eqn. 4 for the conv2 template: C * (256d + 3*3*d*d + d*256), weights only, ~70k for every row
    eqn4 = cardinality * (256 * d + 9 * d * d + d * 256)
    blk = model.layer1[1]
    assert blk.conv1.weight.numel() + conv2.weight.numel() + blk.conv3.weight.numel() == eqn4
    assert abs(eqn4 - 70_000) / 70_000 < 0.03


@pytest.mark.parametrize(("cardinality", "d", "group_width"), TEMPLATES)
def test_template_params_and_macs_by_formula(cardinality: int, d: int, group_width: int) -> None:
    p = archstats.profile(TEMPLATE_NAMES[(cardinality, d)])
    assert p.totals.params == _network_params(DEPTH_50, cardinality, d)
    assert p.totals.macs == _network_macs(DEPTH_50, cardinality, d)


def test_templates_have_about_equal_complexity() -> None:
    params = {cd: _network_params(DEPTH_50, *cd) for cd in TEMPLATE_NAMES}
    macs = {cd: _network_macs(DEPTH_50, *cd) for cd in TEMPLATE_NAMES}
    # "roughly preserved complexity" (Table 2): all within a few percent of each other
    assert max(params.values()) / min(params.values()) < 1.03
    assert max(macs.values()) / min(macs.values()) < 1.05
    # ... and of ResNet-50 (the 1x64d template), the ablation's ~25M / ~4.1G baseline
    base_p, base_m = params[(1, 64)], macs[(1, 64)]
    assert all(abs(v / base_p - 1) < 0.03 for v in params.values())
    assert all(abs(v / base_m - 1) < 0.05 for v in macs.values())
    # archstats agrees with the formulas for every template
    for cd, name in TEMPLATE_NAMES.items():
        t = archstats.profile(name).totals
        assert (t.params, t.macs) == (params[cd], macs[cd])
    # Footnote 5 of the paper: ResNeXt-50 has marginally fewer params but more FLOPs than ResNet-50
    assert params[(32, 4)] < base_p and macs[(32, 4)] > base_m


def test_resnext50_1x64d_is_resnet50() -> None:
    model = _meta("resnext50_1x64d")
    # C=1, d=64 is the plain ResNet bottleneck: 64/128/256/512 inner widths, ungrouped
    assert all(b.conv2.groups == 1 for b in model.modules() if isinstance(b, Bottleneck))
    assert [getattr(model, f"layer{i}")[0].conv2.out_channels for i in range(1, 5)] == [64, 128, 256, 512]
    assert _n_params(model) == 25_557_032  # torchvision's published resnet50 count


def test_more_groups_at_equal_width_lowers_cost() -> None:
    # One conv2-stage block with a 128-wide bottleneck: dense (groups=1) vs 32 groups of 4.
    hw, cin, w, out = 56, 256, 128, 256
    dense = Bottleneck(cin, 64, groups=1, base_width=128)
    grouped = Bottleneck(cin, 64, groups=32, base_width=4)
    assert dense.conv2.out_channels == grouped.conv2.out_channels == w
    for block, groups in ((dense, 1), (grouped, 32)):
        expected_macs = hw * hw * (cin * w + 9 * (w // groups) * w + w * out)
        expected_params = cin * w + 9 * (w // groups) * w + w * out + 2 * (w + w + out)
        p = archstats.profile(block, input_size=(cin, hw, hw))
        assert p.totals.macs == expected_macs
        assert p.totals.params == expected_params
    dense_macs = archstats.profile(dense, input_size=(cin, hw, hw)).totals.macs
    grouped_macs = archstats.profile(grouped, input_size=(cin, hw, hw)).totals.macs
    # only the 3x3 changes: it shrinks by a factor of 32
    assert dense_macs - grouped_macs == hw * hw * 9 * w * w * (1 - 1 / 32)
    assert grouped_macs < dense_macs


def test_resnext_depth() -> None:
    # stem conv + 3 convs per block + fc on the longest path
    assert archstats.profile("resnext50_32x4d").totals.depth == 1 + 3 * sum(DEPTH_50) + 1 == 50
    assert archstats.profile("resnext101_32x4d").totals.depth == 1 + 3 * sum(DEPTH_101) + 1 == 101


def test_resnext_builder_hyperparameters() -> None:
    model = _meta("resnext50_32x4d", num_classes=10, groups=8, width_per_group=14)
    assert model.fc.out_features == 10
    assert model.layer1[0].conv2.groups == 8
    assert _n_params(model) == _network_params(DEPTH_50, 8, 14) - 2048 * 990 - 990


# ---------------------------------------------------------------------------- SENet


def test_se_module_params_and_shape() -> None:
    c, r = 256, 16
    se = SEModule(c, reduction=r)
    assert (se.fc1.out_channels, se.fc2.out_channels) == (c // r, c)
    assert _n_params(se) == 2 * c * c // r + c // r + c
    out = se(torch.randn(2, c, 7, 7))
    assert out.shape == (2, c, 7, 7)


def test_se_module_scales_channels() -> None:
    se = SEModule(32, reduction=4).eval()
    x = torch.randn(1, 32, 5, 5)
    with torch.no_grad():
        scale = torch.sigmoid(se.fc2(torch.relu(se.fc1(x.mean((2, 3), keepdim=True)))))
        torch.testing.assert_close(se(x), x * scale)


def test_se_applied_to_residual_before_addition() -> None:
    # Force the excitation to ~0: the residual branch vanishes, leaving relu(identity).
    # Had SE been applied after the addition, the whole output would vanish instead.
    block = SEBottleneck(256, 64, reduction=16).eval()
    with torch.no_grad():
        block.se.fc2.weight.zero_()
        block.se.fc2.bias.fill_(-100.0)
        x = torch.randn(1, 256, 8, 8)
        torch.testing.assert_close(block(x), torch.relu(x))


def test_se_resnet50_se_params_by_formula() -> None:
    r = 16
    se_params = _se_params(DEPTH_50, r)
    # per stage, with biases: 3 x 8,464 + 4 x 33,312 + 6 x 132,160 + 3 x 526,464
    assert se_params == 3 * 8_464 + 4 * 33_312 + 6 * 132_160 + 3 * 526_464
    base = archstats.profile("resnext50_1x64d").totals.params  # ResNet-50: same convs, no SE
    measured = archstats.profile("se_resnet50").totals.params
    assert measured - base == se_params
    assert measured == _network_params(DEPTH_50, 1, 64, se_reduction=r)
    # Section 4: "~2.5 million additional parameters ... a ~10% increase"; most in the last stage,
    # and dropping the last stage's SE leaves "~4%"
    assert abs(se_params - 2.5e6) < 0.05e6
    assert abs(se_params / base - 0.10) < 0.01
    without_last = _se_params(DEPTH_50[:3], r)
    assert abs(without_last / base - 0.04) < 0.005


def test_se_resnet50_se_macs_are_small() -> None:
    r = 16
    p = archstats.profile("se_resnet50")
    se_rows = p.layers[p.layers["module"].str.contains(r"\.se(?:\.|$)")]
    expected = _se_macs(DEPTH_50, r)  # 2 * C * C/r multiply-adds per block, biases are not MACs
    assert se_rows["macs"].sum() == expected
    assert expected < 0.01 * p.totals.macs
    # the rest is exactly ResNet-50 with the stride in the first 1x1 (Caffe layout)
    assert p.totals.macs == _network_macs(DEPTH_50, 1, 64, stride_in_1x1=True, se_reduction=r)
    assert p.totals.macs - expected == _network_macs(DEPTH_50, 1, 64, stride_in_1x1=True)


def test_se_resnet101_and_se_resnext50_by_formula() -> None:
    p = archstats.profile("se_resnet101")
    assert p.totals.params == _network_params(DEPTH_101, 1, 64, se_reduction=16)
    assert p.totals.macs == _network_macs(DEPTH_101, 1, 64, stride_in_1x1=True, se_reduction=16)
    p = archstats.profile("se_resnext50_32x4d")
    assert p.totals.params == _network_params(DEPTH_50, 32, 4, se_reduction=16)
    assert p.totals.macs == _network_macs(DEPTH_50, 32, 4, se_reduction=16)
    # SE-ResNeXt-50 = ResNeXt-50 + the same SE blocks as SE-ResNet-50 (same stage outputs)
    assert p.totals.params - archstats.profile("resnext50_32x4d").totals.params == _se_params(DEPTH_50, 16)


def test_senet_stride_placement() -> None:
    se_resnet = _meta("se_resnet50")
    se_resnext = _meta("se_resnext50_32x4d")
    for layer in (se_resnet.layer2, se_resnet.layer3, se_resnet.layer4):
        # Caffe SE-ResNet: stride in the first 1x1
        assert (layer[0].conv1.stride, layer[0].conv2.stride) == ((2, 2), (1, 1))
    for layer in (se_resnext.layer2, se_resnext.layer3, se_resnext.layer4):
        assert (layer[0].conv1.stride, layer[0].conv2.stride) == ((1, 1), (2, 2))
        assert layer[0].conv2.groups == 32
    assert se_resnet.maxpool.ceil_mode and se_resnet.maxpool.padding == 0
    blocks = [m for m in se_resnet.modules() if isinstance(m, SEBottleneck)]
    assert len(blocks) == sum(DEPTH_50)
    # Table 1 (middle): fc [16, 256], [32, 512], [64, 1024], [128, 2048]
    assert sorted({(b.se.fc1.out_channels, b.se.fc2.out_channels) for b in blocks}) == [
        (16, 256),
        (32, 512),
        (64, 1024),
        (128, 2048),
    ]


def test_se_stage_output_shapes() -> None:
    model = _meta("se_resnet50").eval()
    shapes: list[tuple[int, ...]] = []
    for layer in (model.maxpool, model.layer1, model.layer2, model.layer3, model.layer4):
        layer.register_forward_hook(lambda _m, _i, out: shapes.append(tuple(out.shape[1:])))
    with torch.device("meta"):
        model(torch.zeros(1, 3, 224, 224))
    # ceil_mode without padding: ceil((112 - 3) / 2) + 1 = 56, the same map as torchvision's pool
    assert shapes == [(64, 56, 56)] + [(c, hw, hw) for c, hw in zip(STAGE_OUT, STAGE_HW)]


@pytest.mark.parametrize("r", [4, 8, 32])
def test_reduction_ratio_is_an_argument(r: int) -> None:
    model = _meta("se_resnet50", reduction=r)
    assert model.layer1[0].se.fc1.out_channels == 256 // r
    base = _n_params(_meta("resnext50_1x64d"))
    assert _n_params(model) - base == _se_params(DEPTH_50, r)


def test_se_depth_counts_the_excitation_layers() -> None:
    # The SE FCs sit on the residual path (pool -> fc1 -> fc2 -> scale), so every block adds two
    # weight layers to the longest path: "the SE blocks themselves add depth" (Section 5.1).
    assert archstats.profile("se_resnet50").totals.depth == 50 + 2 * sum(DEPTH_50)


def test_registrations() -> None:
    names = {i.name for i in zoo.list_models()}
    ours = {"resnext101_32x4d", "se_resnet50", "se_resnet101", "se_resnext50_32x4d"}
    assert set(TEMPLATE_NAMES.values()) | ours <= names
    assert zoo.resolve_name("resnext50") == "resnext50_32x4d"
    assert zoo.resolve_name("seresnet50") == "se_resnet50"
    assert zoo.get_model_info("se_resnext50_32x4d").family == "senet"
    assert zoo.get_model_info("resnext50_8x14d").arxiv == "1611.05431"

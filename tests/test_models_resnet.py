"""ResNet family (models/resnet.py): counts derived by hand from the papers' tables."""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn

import archstats
from archstats_models import get_model, get_model_info, resolve_name
from archstats_models.resnet import BasicBlock, Bottleneck, PlainBlock, ResNet

RESNETS = [
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnet50_v1",
    "resnet101_v1",
    "resnet152_v1",
    "plain18",
    "plain34",
    "wide_resnet50_2",
]

V1_PAIRS = [("resnet50", "resnet50_v1"), ("resnet101", "resnet101_v1"), ("resnet152", "resnet152_v1")]

# He et al. Table 1: blocks per stage conv2_x..conv5_x; stage widths 64, 128, 256, 512 (x4 out for bottlenecks).
TABLE_1 = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}
WIDTHS = (64, 128, 256, 512)
# Spatial size of each stage's output at 224x224: 224 -> conv1 s2 -> 112 -> maxpool s2 -> 56, then /2 per stage.
STAGE_SIZES = (56, 28, 14, 7)


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _bn(c: int) -> int:
    return 2 * c  # affine BN: one scale and one shift per channel (running stats are buffers)


STEM_PARAMS = 7 * 7 * 3 * 64 + _bn(64)  # conv1 7x7/2, no bias, then bn1


def _fc(c: int, classes: int = 1000) -> int:
    return c * classes + classes


def _basic_block_params(c_in: int, c: int, *, projection: bool) -> int:
    # two 3x3 convs without bias, each followed by BN; option-B projection = 1x1 conv + BN
    p = 9 * c_in * c + _bn(c) + 9 * c * c + _bn(c)
    if projection:
        p += c_in * c + _bn(c)
    return p


def _bottleneck_params(c_in: int, w: int, c_out: int, *, projection: bool) -> int:
    # 1x1 c_in->w, 3x3 w->w, 1x1 w->c_out, each + BN; projection 1x1 c_in->c_out + BN
    p = c_in * w + _bn(w) + 9 * w * w + _bn(w) + w * c_out + _bn(c_out)
    if projection:
        p += c_in * c_out + _bn(c_out)
    return p


def _resnet_params(depth: int, *, width_factor: int = 1, plain: bool = False) -> int:
    total = STEM_PARAMS
    c_in = 64
    for stage, (n_blocks, planes) in enumerate(zip(TABLE_1[depth], WIDTHS)):
        for i in range(n_blocks):
            if depth < 50:
                # Shape changes only at the first block of conv3_x..conv5_x (conv2_x keeps 64 channels).
                projection = i == 0 and stage > 0 and not plain
                total += _basic_block_params(c_in, planes, projection=projection)
                c_in = planes
            else:
                # conv2_x's first block also needs a projection: 64 -> 256 channels.
                total += _bottleneck_params(c_in, planes * width_factor, 4 * planes, projection=i == 0)
                c_in = 4 * planes
    return total + _fc(c_in)


# ---------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("name", "depth", "torchvision_count"),
    [
        ("resnet18", 18, 11_689_512),
        ("resnet34", 34, 21_797_672),
        ("resnet50", 50, 25_557_032),
        ("resnet101", 101, 44_549_160),
        ("resnet152", 152, 60_192_808),
    ],
)
def test_params_by_hand_from_table_1(name: str, depth: int, torchvision_count: int) -> None:
    expected = _resnet_params(depth)
    # the closed form reproduces torchvision's published count, so the formula itself is checked
    assert expected == torchvision_count
    with torch.device("meta"):
        assert _n_params(get_model(name)) == expected
    assert archstats.profile(name).totals.params == expected


def test_resnet18_params_written_out() -> None:
    # Every term of ResNet-18 spelled out, as a check on the helper above.
    stem = 7 * 7 * 3 * 64 + 128  # 9,536
    conv2_x = 2 * (9 * 64 * 64 + 128 + 9 * 64 * 64 + 128)  # two blocks, no projection: 147,968
    conv3_x = (9 * 64 * 128 + 256 + 9 * 128 * 128 + 256) + (64 * 128 + 256) + (2 * (9 * 128 * 128 + 256))
    conv4_x = (9 * 128 * 256 + 512 + 9 * 256 * 256 + 512) + (128 * 256 + 512) + (2 * (9 * 256 * 256 + 512))
    conv5_x = (9 * 256 * 512 + 1024 + 9 * 512 * 512 + 1024) + (256 * 512 + 1024) + (2 * (9 * 512 * 512 + 1024))
    fc = 512 * 1000 + 1000
    assert stem + conv2_x + conv3_x + conv4_x + conv5_x + fc == 11_689_512
    with torch.device("meta"):
        assert _n_params(get_model("resnet18")) == 11_689_512


def test_resnet50_params_written_out() -> None:
    def block(c_in: int, w: int, proj: bool) -> int:
        return c_in * w + 2 * w + 9 * w * w + 2 * w + w * 4 * w + 2 * 4 * w + (c_in * 4 * w + 2 * 4 * w if proj else 0)

    total = 7 * 7 * 3 * 64 + 2 * 64
    total += block(64, 64, True) + 2 * block(256, 64, False)  # conv2_x x3
    total += block(256, 128, True) + 3 * block(512, 128, False)  # conv3_x x4
    total += block(512, 256, True) + 5 * block(1024, 256, False)  # conv4_x x6
    total += block(1024, 512, True) + 2 * block(2048, 512, False)  # conv5_x x3
    total += 2048 * 1000 + 1000
    assert total == 25_557_032
    with torch.device("meta"):
        assert _n_params(get_model("resnet50")) == total


def test_wide_resnet50_2_params_by_hand() -> None:
    # Inner width doubled (64->128, ..., 512->1024); block outputs stay 256..2048.
    expected = _resnet_params(50, width_factor=2)
    assert expected == 68_883_240
    with torch.device("meta"):
        model = get_model("wide_resnet50_2")
    assert _n_params(model) == expected
    last = model.layer4[-1]
    assert (last.conv1.in_channels, last.conv1.out_channels, last.conv3.out_channels) == (2048, 1024, 2048)


@pytest.mark.parametrize(("v15", "v1"), V1_PAIRS)
def test_v1_and_v15_have_identical_params(v15: str, v1: str) -> None:
    # Moving a stride between convs changes no weight shape.
    with torch.device("meta"):
        a, b = get_model(v15), get_model(v1)
    assert {k: v.shape for k, v in a.state_dict().items()} == {k: v.shape for k, v in b.state_dict().items()}
    assert _n_params(a) == _n_params(b)


@pytest.mark.parametrize(("plain", "resnet", "depth"), [("plain18", "resnet18", 18), ("plain34", "resnet34", 34)])
def test_plain_net_params_lack_only_the_projections(plain: str, resnet: str, depth: int) -> None:
    # Identity shortcuts have no weights; the difference is the three option-B projections
    # (1x1 conv + BN at the first block of conv3_x, conv4_x, conv5_x), the same for 18 and 34 layers.
    projections = (64 * 128 + 2 * 128) + (128 * 256 + 2 * 256) + (256 * 512 + 2 * 512)
    assert projections == 173_824
    with torch.device("meta"):
        p, r = get_model(plain), get_model(resnet)
    assert _n_params(r) - _n_params(p) == projections
    assert _n_params(p) == _resnet_params(depth, plain=True)
    assert not any(isinstance(m, nn.Sequential) and "downsample" in n for n, m in p.named_modules())
    assert all(isinstance(b, PlainBlock) for layer in (p.layer1, p.layer2, p.layer3, p.layer4) for b in layer)


# ---------------------------------------------------------------------------- MACs


def _bottleneck_block_macs(c_in: int, w: int, h_in: int, stride: int, *, stride_in_1x1: bool) -> int:
    h_out = h_in // stride
    h_1x1 = h_out if stride_in_1x1 else h_in  # where the first 1x1 conv runs
    conv1 = c_in * w * h_1x1 * h_1x1
    conv2 = 9 * w * w * h_out * h_out
    conv3 = w * 4 * w * h_out * h_out
    return conv1 + conv2 + conv3


def test_stage_transition_block_mac_difference_by_hand() -> None:
    # layer2.0 of ResNet-50: 256x56x56 -> 512x28x28, width 128, projection 1x1/2 256->512.
    # v1.5: 1x1 256->128 at 56x56 (3136 px), then 3x3/2 at 28x28 (784 px).
    # v1:   1x1/2 256->128 at 28x28, then 3x3 at 28x28: same 3x3 and conv3 cost.
    v15 = 256 * 128 * 3136 + 9 * 128 * 128 * 784 + 128 * 512 * 784
    v1 = 256 * 128 * 784 + 9 * 128 * 128 * 784 + 128 * 512 * 784
    projection = 256 * 512 * 784
    assert v15 - v1 == 256 * 128 * (3136 - 784) == 77_070_336
    assert v15 == _bottleneck_block_macs(256, 128, 56, 2, stride_in_1x1=False)
    assert v1 == _bottleneck_block_macs(256, 128, 56, 2, stride_in_1x1=True)

    measured = {}
    for stride_in_1x1 in (False, True):
        down = nn.Sequential(nn.Conv2d(256, 512, 1, stride=2, bias=False), nn.BatchNorm2d(512))
        with torch.device("meta"):
            block = Bottleneck(256, 128, stride=2, downsample=down, stride_in_1x1=stride_in_1x1)
        measured[stride_in_1x1] = archstats.profile(block, input_size=(256, 56, 56), strict=True).totals.macs
    assert measured[False] == v15 + projection
    assert measured[True] == v1 + projection


@pytest.mark.parametrize(("v15", "v1"), V1_PAIRS)
def test_v1_saves_the_same_amount_at_each_transition(v15: str, v1: str) -> None:
    # Each of the three transitions has c_in * w * (H^2 - (H/2)^2) with c_in*w*H^2 the same:
    # 256*128*56^2 = 512*256*28^2 = 1024*512*14^2, so the saving is 3 x 77,070,336 for every depth.
    per_transition = 256 * 128 * (56 * 56 - 28 * 28)
    assert per_transition == 512 * 256 * (28 * 28 - 14 * 14) == 1024 * 512 * (14 * 14 - 7 * 7)
    diff = archstats.profile(v15).totals.macs - archstats.profile(v1).totals.macs
    assert diff == 3 * per_transition == 231_211_008


def _resnet_macs(depth: int, *, stride_in_1x1: bool = False, plain: bool = False) -> int:
    macs = 7 * 7 * 3 * 64 * 112 * 112  # conv1 7x7/2 -> 112x112
    c_in, h = 64, 56
    for stage, (n_blocks, planes) in enumerate(zip(TABLE_1[depth], WIDTHS)):
        for i in range(n_blocks):
            stride = 2 if i == 0 and stage > 0 else 1
            h_out = h // stride
            if depth < 50:
                macs += 9 * c_in * planes * h_out**2 + 9 * planes * planes * h_out**2
                if stride == 2 and not plain:
                    macs += c_in * planes * h_out**2  # projection
                c_in = planes
            else:
                macs += _bottleneck_block_macs(c_in, planes, h, stride, stride_in_1x1=stride_in_1x1)
                if i == 0:
                    macs += c_in * 4 * planes * h_out**2  # projection
                c_in = 4 * planes
            h = h_out
    return macs + c_in * 1000  # fc (bias adds are not MACs)


@pytest.mark.parametrize(
    ("name", "depth", "stride_in_1x1", "plain"),
    [
        ("resnet18", 18, False, False),
        ("resnet34", 34, False, False),
        ("resnet50", 50, False, False),
        ("resnet50_v1", 50, True, False),
        ("plain18", 18, False, True),
        ("plain34", 34, False, True),
    ],
)
def test_macs_by_hand(name: str, depth: int, stride_in_1x1: bool, plain: bool) -> None:
    expected = _resnet_macs(depth, stride_in_1x1=stride_in_1x1, plain=plain)
    assert archstats.profile(name).totals.macs == expected


def test_macs_against_paper_rounding() -> None:
    # Paper Table 1 "FLOPs" are multiply-adds: check which variant gives them, by hand.
    assert round(_resnet_macs(18) / 1e9, 1) == 1.8
    assert round(_resnet_macs(34, plain=True) / 1e9, 1) == 3.6  # Section 3.3's 34-layer baseline
    assert round(_resnet_macs(34) / 1e9, 1) == 3.7  # option-B projections push ResNet-34 over
    assert round(_resnet_macs(101, stride_in_1x1=True) / 1e9, 1) == 7.6
    assert round(_resnet_macs(152, stride_in_1x1=True) / 1e9, 1) == 11.3
    assert round(_resnet_macs(101) / 1e9, 1) == 7.8  # v1.5 does not give the paper's figure
    # ResNet-50 v1 is 3.858G: the paper's 3.8 is not a rounding of it (recorded as a deviation)
    assert round(_resnet_macs(50, stride_in_1x1=True) / 1e9, 1) == 3.9


# ---------------------------------------------------------------------------- structure and shapes


@pytest.mark.parametrize("name", RESNETS)
def test_depth_is_the_number_in_the_name(name: str) -> None:
    depth = int(re.search(r"\d+", name).group())  # resnet50_v1 -> 50, wide_resnet50_2 -> 50
    assert archstats.profile(name).totals.depth == depth


@pytest.mark.parametrize("name", RESNETS)
def test_weight_layers_counted_from_table_1(name: str) -> None:
    # conv1 + (2 or 3 convs per block) + fc; projections sit on the shorter shortcut path.
    depth = int(re.search(r"\d+", name).group())
    per_block = 2 if depth < 50 else 3
    with torch.device("meta"):
        model = get_model(name)
    main_path = [m for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear)) and "downsample" not in n]
    assert len(main_path) == 1 + per_block * sum(TABLE_1[depth]) + 1 == depth


def test_bottleneck_keeps_shape() -> None:
    # 28x28x256 -> 1x1,64 -> 3x3,64 -> 1x1,256: identity shortcut, no projection needed.
    with torch.device("meta"):
        block = Bottleneck(256, 64)
        out = block(torch.zeros(1, 256, 28, 28))
    assert tuple(out.shape) == (1, 256, 28, 28)
    assert block.downsample is None
    p = archstats.profile(block, input_size=(256, 28, 28), strict=True)
    assert p.totals.params == 256 * 64 + 128 + 9 * 64 * 64 + 128 + 64 * 256 + 512 == 70_400
    assert p.totals.macs == 28 * 28 * (256 * 64 + 9 * 64 * 64 + 64 * 256) == 54_591_488
    assert p.totals.depth == 3


def _stage_shapes(model: ResNet) -> list[tuple[int, ...]]:
    with torch.device("meta"):
        x = model.maxpool(model.relu(model.bn1(model.conv1(torch.zeros(1, 3, 224, 224)))))
        shapes = [tuple(x.shape[1:])]
        for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
            x = layer(x)
            shapes.append(tuple(x.shape[1:]))
    return shapes


@pytest.mark.parametrize(
    ("name", "expansion"),
    [("resnet18", 1), ("plain34", 1), ("resnet50", 4), ("resnet50_v1", 4), ("resnet152", 4), ("wide_resnet50_2", 4)],
)
def test_stage_output_shapes(name: str, expansion: int) -> None:
    with torch.device("meta"):
        model = get_model(name).eval()
    shapes = _stage_shapes(model)
    assert shapes[0] == (64, 56, 56)  # after the stem
    assert shapes[1:] == [(w * expansion, s, s) for w, s in zip(WIDTHS, STAGE_SIZES)]


@pytest.mark.parametrize(("name", "in_1x1"), [("resnet50", False), ("resnet50_v1", True), ("resnet152_v1", True)])
def test_stride_placement(name: str, in_1x1: bool) -> None:
    with torch.device("meta"):
        model = get_model(name)
    for layer in (model.layer2, model.layer3, model.layer4):
        first = layer[0]
        assert first.conv1.stride == ((2, 2) if in_1x1 else (1, 1))
        assert first.conv2.stride == ((1, 1) if in_1x1 else (2, 2))
        assert first.downsample[0].stride == (2, 2)
        assert all(b.conv1.stride == b.conv2.stride == (1, 1) for b in list(layer)[1:])
    assert model.layer1[0].conv1.stride == model.layer1[0].conv2.stride == (1, 1)


def test_torchvision_module_names() -> None:
    with torch.device("meta"):
        r50, r18 = get_model("resnet50"), get_model("resnet18")
    keys = set(r50.state_dict())
    for key in (
        "conv1.weight",
        "bn1.running_mean",
        "layer1.0.conv3.weight",
        "layer1.0.bn3.bias",
        "layer1.0.downsample.0.weight",
        "layer1.0.downsample.1.weight",
        "layer4.2.conv2.weight",
        "fc.weight",
        "fc.bias",
    ):
        assert key in keys
    children = [n for n, _ in r50.named_children()]
    assert children == ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc"]
    assert "layer1.0.downsample.0.weight" not in set(r18.state_dict())  # 64 -> 64 keeps the identity
    assert isinstance(r18.layer2[0], BasicBlock) and isinstance(r50.layer2[0], Bottleneck)


def test_resnet_class_is_reusable_for_grouped_bottlenecks() -> None:
    # ResNeXt-50 32x4d through the same class: width = int(planes * 4/64) * 32 = 2 * planes.
    with torch.device("meta"):
        model = ResNet(Bottleneck, [3, 4, 6, 3], groups=32, width_per_group=4)
    assert model.layer1[0].conv2.groups == 32
    assert model.layer1[0].conv2.out_channels == 128
    # Inner width 2 * planes (as WRN-50-2), but the grouped 3x3 has w * w / 32 weights per tap.
    total = STEM_PARAMS
    c_in = 64
    for n_blocks, planes in zip(TABLE_1[50], WIDTHS):
        w = 2 * planes
        for i in range(n_blocks):
            total += _bottleneck_params(c_in, w, 4 * planes, projection=i == 0) - 9 * w * w + 9 * w * w // 32
            c_in = 4 * planes
    total += _fc(2048)
    assert total == 25_028_904  # torchvision's resnext50_32x4d count
    assert _n_params(model) == total


def test_basic_block_rejects_groups() -> None:
    with pytest.raises(ValueError):
        BasicBlock(64, 64, groups=2)
    with pytest.raises(ValueError):
        PlainBlock(64, 128, stride=2, downsample=nn.Identity())


def test_num_classes_and_aliases() -> None:
    with torch.device("meta"):
        model = get_model("resnet50_v1", num_classes=10)
    assert model.fc.out_features == 10
    assert resolve_name("resnet50_v1_5") == "resnet50"
    assert get_model_info("wide_resnet50_2").arxiv == "1605.07146"
    assert get_model_info("resnet152_v1").arxiv == "1512.03385"

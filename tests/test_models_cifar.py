"""Pre-activation ResNets, Wide ResNet, ResNet-110 with stochastic depth and FractalNet, checked by hand."""

from __future__ import annotations

import random

import pytest
import torch
from torch import nn

import archstats
from archstats_models import get_model
from archstats_models.cifar_resnets import (
    FractalBlock,
    FractalJoin,
    ResBlock,
    ZeroPadShortcut,
    expected_depth,
    survival_probabilities,
)
from archstats_models.preact_resnet import PreActBottleneck

CIFAR_NAMES = ["preact_resnet164", "preact_resnet1001", "wrn28_10", "resnet110_sd", "fractalnet"]


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _meta(name: str, **kwargs: object) -> nn.Module:
    with torch.device("meta"):
        return get_model(name, **kwargs)


def _bn(c: int) -> int:
    return 2 * c  # scale and shift


def _conv(k: int, c_in: int, c_out: int) -> int:
    return k * k * c_in * c_out  # no bias


# ---------------------------------------------------------------------------- ResNet-110 (stochastic depth)


def _cifar_resnet_params(n: int) -> int:
    """He et al.'s 6n+2 CIFAR ResNet with option A shortcuts (no shortcut parameters)."""
    total = _conv(3, 3, 16) + _bn(16)  # conv1 + its BN
    c_in = 16
    for width in (16, 32, 64):
        for _ in range(n):
            total += _conv(3, c_in, width) + _bn(width) + _conv(3, width, width) + _bn(width)
            c_in = width
    return total + 64 * 10 + 10  # fc


def test_resnet110_sd_params_by_hand() -> None:
    expected = _cifar_resnet_params(18)
    # written out: stem 432 + 32; stage 1: 18 x (2 x 2,304 + 2 x 32); stage 2: 4,608 + 9,216 + 128,
    # then 17 x (2 x 9,216 + 128); stage 3: 18,432 + 36,864 + 256, then 17 x (2 x 36,864 + 256); fc 650
    assert expected == (464 + 18 * 4_672 + (13_952 + 17 * 18_560) + (55_552 + 17 * 73_984) + 650) == 1_727_962
    assert _n_params(_meta("resnet110_sd")) == expected
    assert abs(expected - 1.7e6) <= 0.05e6  # He et al. Table 6: "1.7M"


def test_resnet110_sd_macs_by_hand() -> None:
    stem = 32 * 32 * 16 * 3 * 9
    stage1 = 36 * (32 * 32 * 16 * 16 * 9)
    # the first conv of stages 2 and 3 halves the resolution and doubles the channels: same MACs
    # as half a regular conv of the stage
    stage2 = 16 * 16 * 32 * 16 * 9 + 35 * (16 * 16 * 32 * 32 * 9)
    stage3 = 8 * 8 * 64 * 32 * 9 + 35 * (8 * 8 * 64 * 64 * 9)
    fc = 64 * 10
    p = archstats.profile("resnet110_sd", strict=True)
    assert p.totals.macs == stem + stage1 + stage2 + stage3 + fc == 252_887_680
    # 1 stem conv + 2 convs in each of 54 blocks + fc; option A shortcuts carry no weights
    assert p.totals.depth == 1 + 2 * 54 + 1 == 110


def test_survival_probabilities_linear_decay() -> None:
    probs = survival_probabilities(54, 0.5)
    assert len(probs) == 54
    # p_l = 1 - l / L * (1 - p_L), l = 1..L
    assert probs[0] == pytest.approx(1 - 1 / 54 * 0.5)  # 0.99074...
    assert probs[26] == pytest.approx(1 - 27 / 54 * 0.5) == 0.75
    assert probs[-1] == pytest.approx(0.5)
    assert all(a > b for a, b in zip(probs, probs[1:]))
    model = _meta("resnet110_sd")
    blocks = [m for m in model.modules() if isinstance(m, ResBlock)]
    assert [b.survival_prob for b in blocks] == list(probs) == list(model.survival_probs)


def test_expected_depth() -> None:
    # sum_{l=1}^{54} (1 - l / 108) = 54 - (54 * 55 / 2) / 108 = 54 - 13.75
    assert expected_depth() == pytest.approx(40.25)
    assert expected_depth(54, 0.5) == pytest.approx(sum(1 - block / 54 * 0.5 for block in range(1, 55)))
    assert expected_depth(10, 1.0) == pytest.approx(10)  # nothing is ever dropped
    assert expected_depth(4, 0.0) == pytest.approx(0.75 + 0.5 + 0.25 + 0.0)


def test_zero_pad_shortcut_is_option_a() -> None:
    x = torch.randn(2, 16, 8, 8)
    out = ZeroPadShortcut(16, 32, stride=2)(x)
    assert tuple(out.shape) == (2, 32, 4, 4)
    assert torch.equal(out[:, :16], x[:, :, ::2, ::2])
    assert torch.count_nonzero(out[:, 16:]) == 0


def test_stochastic_block_eval_scales_branch() -> None:
    torch.manual_seed(0)
    block = ResBlock(16, 32, stride=2, survival_prob=0.75).eval()
    x = torch.relu(torch.randn(2, 16, 8, 8))
    with torch.no_grad():
        branch = block.bn2(block.conv2(torch.relu(block.bn1(block.conv1(x)))))
        expected = torch.relu(0.75 * branch + block.shortcut(x))
        assert torch.allclose(block(x), expected, atol=1e-6)


def test_stochastic_block_training_gate() -> None:
    x = torch.relu(torch.randn(2, 16, 8, 8))
    always_dropped = ResBlock(16, 16, survival_prob=0.0).train()
    assert torch.equal(always_dropped(x), x)  # branch skipped: the identity passes through
    never_dropped = ResBlock(16, 16, survival_prob=1.0).train()
    with torch.no_grad():
        assert not torch.equal(never_dropped(x), x)
    # p = 0.5: over many draws both outcomes happen, in about equal numbers
    random.seed(1234)
    half = ResBlock(16, 16, survival_prob=0.5).train()
    with torch.no_grad():
        kept = sum(not torch.equal(half(x), x) for _ in range(200))
    assert 60 < kept < 140


# ---------------------------------------------------------------------------- Wide ResNet


def _wrn_params(depth: int, k: int, num_classes: int = 10) -> int:
    """Paper Table 1: conv1 16 filters; groups of N = (depth - 4) / 6 B(3,3) blocks, 16k/32k/64k wide."""
    n = (depth - 4) // 6
    total = _conv(3, 3, 16)
    c_in = 16
    for width in (16 * k, 32 * k, 64 * k):
        for _ in range(n):
            total += _bn(c_in) + _conv(3, c_in, width) + _bn(width) + _conv(3, width, width)
            if c_in != width:
                total += _conv(1, c_in, width)  # projection shortcut
            c_in = width
    return total + _bn(c_in) + c_in * num_classes + num_classes


def test_wrn28_10_params_by_hand() -> None:
    expected = _wrn_params(28, 10)
    assert expected == 36_479_194
    assert _n_params(_meta("wrn28_10")) == expected
    assert abs(expected - 36.5e6) <= 0.05e6  # the paper's "36.5M"


def test_wrn28_10_structure_and_depth() -> None:
    model = _meta("wrn28_10")
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    shortcuts = [m for m in convs if m.kernel_size == (1, 1)]
    # the 28 of the name: 6N + 4 = conv1 + 24 block convs + 3 projection shortcuts
    assert len(convs) == 28 and len(shortcuts) == 3
    assert [s.out_channels for s in shortcuts] == [160, 320, 640]
    # but a shortcut runs beside two 3x3 convs: the longest weight path is conv1 + 2 x 12 + fc
    p = archstats.profile("wrn28_10", strict=True)
    assert p.totals.depth == 1 + 2 * 12 + 1 == 26


def test_wrn_dropout_argument() -> None:
    assert not any(isinstance(m, nn.Dropout) for m in _meta("wrn28_10").modules())
    dropouts = [m for m in _meta("wrn28_10", dropout=0.3).modules() if isinstance(m, nn.Dropout)]
    assert len(dropouts) == 12 and all(d.p == 0.3 for d in dropouts)  # one per block
    assert _n_params(_meta("wrn28_10", dropout=0.3)) == _wrn_params(28, 10)


# ---------------------------------------------------------------------------- pre-activation ResNets


def _preact_unit(c_in: int, c_out: int, preact: bool = True) -> int:
    mid = c_out // 4
    total = (_bn(c_in) if preact else 0) + _conv(1, c_in, mid) + _bn(mid) + _conv(3, mid, mid) + _bn(mid)
    total += _conv(1, mid, c_out)
    if c_in != c_out:
        total += _conv(1, c_in, c_out)  # projection from the pre-activated input, no BN
    return total


def _preact_cifar_params(depth: int, *, with_bn: bool = True) -> int:
    n = (depth - 2) // 9
    total = _conv(3, 3, 16)
    c_in = 16
    for width in (64, 128, 256):
        for _ in range(n):
            total += _preact_unit(c_in, width)
            c_in = width
    total += _bn(256) + 256 * 10 + 10
    if not with_bn:
        # every unit has 3 BNs (c_in, mid, mid), plus the final one
        bns = _bn(16) + (n - 1) * _bn(64) + n * 2 * _bn(16)
        bns += _bn(64) + (n - 1) * _bn(128) + n * 2 * _bn(32)
        bns += _bn(128) + (n - 1) * _bn(256) + n * 2 * _bn(64) + _bn(256)
        total -= bns
    return total


def test_preact_resnet164_params_by_hand() -> None:
    # stage 1: 4,704 + 17 x 4,544; stage 2: 23,808 + 17 x 17,792; stage 3: 94,720 + 17 x 70,400
    expected = 432 + (4_704 + 17 * 4_544) + (23_808 + 17 * 17_792) + (94_720 + 17 * 70_400) + 512 + 2_570
    assert _preact_cifar_params(164) == expected == 1_703_258
    assert _n_params(_meta("preact_resnet164")) == expected
    assert abs(expected - 1.7e6) <= 0.05e6  # the paper's "1.7M"


def test_preact_resnet1001_params_and_the_papers_rounding() -> None:
    model = _meta("preact_resnet1001")
    assert _n_params(model) == _preact_cifar_params(1001) == 10_327_706
    # the paper's "10.2M" is the conv and linear weights alone; with BN it would read 10.3M
    without_bn = _preact_cifar_params(1001, with_bn=False)
    bn_params = sum(_n_params(m) for m in model.modules() if isinstance(m, nn.BatchNorm2d))
    assert without_bn == 10_327_706 - bn_params == 10_178_490
    assert abs(without_bn - 10.2e6) <= 0.05e6
    assert abs(10_327_706 - 10.2e6) > 0.05e6
    # 9n + 2 with n = 111: 3 convs in each of 333 units, conv1 and fc
    assert sum(isinstance(m, PreActBottleneck) for m in model.modules()) == 333


def test_preact_resnet164_depth() -> None:
    p = archstats.profile("preact_resnet164", strict=True)
    assert p.totals.depth == 1 + 3 * 3 * 18 + 1 == 164


_IMAGENET_LAYERS = {
    "preact_resnet50": (3, 4, 6, 3),
    "preact_resnet101": (3, 4, 23, 3),
    "preact_resnet152": (3, 8, 36, 3),
}


@pytest.mark.parametrize("name", sorted(_IMAGENET_LAYERS))
def test_preact_imagenet_params_by_hand(name: str) -> None:
    total = _conv(7, 3, 64) + _bn(64)  # stem conv-BN-ReLU, whose activation serves the first unit
    c_in = 64
    for stage, (count, width) in enumerate(zip(_IMAGENET_LAYERS[name], (256, 512, 1024, 2048))):
        for i in range(count):
            total += _preact_unit(c_in, width, preact=stage > 0 or i > 0)
            c_in = width
    total += _bn(2048) + 2048 * 1000 + 1000
    assert _n_params(_meta(name)) == total
    # the stride's position moves MACs, not parameters
    assert _n_params(_meta(name, stride_in_1x1=False)) == total


def test_preact_resnet50_stages_and_stride_placement() -> None:
    model = _meta("preact_resnet50").eval()
    x = torch.zeros(1, 3, 224, 224, device="meta")
    shapes = []
    with torch.no_grad():
        x = model.stem(x)
        for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
            x = layer(x)
            shapes.append(tuple(x.shape[1:]))
    assert shapes == [(256, 56, 56), (512, 28, 28), (1024, 14, 14), (2048, 7, 7)]
    unit = model.layer2[0]
    assert unit.conv1.stride == (2, 2) and unit.conv2.stride == (1, 1)
    assert unit.shortcut is not None and unit.shortcut.stride == (2, 2)
    # the very first unit takes the stem's BN-ReLU; all others pre-activate themselves
    assert model.layer1[0].bn1 is None and model.layer1[1].bn1 is not None and unit.bn1 is not None
    moved = _meta("preact_resnet50", stride_in_1x1=False).layer2[0]
    assert moved.conv1.stride == (1, 1) and moved.conv2.stride == (2, 2)


def test_preact_resnet50_macs_by_stride_placement() -> None:
    p1 = archstats.profile("preact_resnet50", strict=True)
    p3 = archstats.profile(_meta("preact_resnet50", stride_in_1x1=False), (3, 224, 224), strict=True)
    # moving the stride from conv1 (1x1) to conv2 (3x3) in the first unit of stages 2-4 runs
    # conv1 at the input resolution (4x) and conv2 at the output one: extra MACs per stage =
    # conv1 (H_in^2 - H_out^2) x C_in x mid; conv2 unchanged. (H_in, C_in, mid) per stage:
    extra = sum(
        (h_in * h_in - (h_in // 2) ** 2) * c_in * mid
        for h_in, c_in, mid in ((56, 256, 128), (28, 512, 256), (14, 1024, 512))
    )
    assert p3.totals.macs - p1.totals.macs == extra
    assert p1.totals.depth == 1 + 3 * 16 + 1 == 50


def test_preact_unit_order_and_projection_input() -> None:
    torch.manual_seed(0)
    unit = PreActBottleneck(16, 64, stride=2).eval()
    x = torch.randn(2, 16, 8, 8)
    with torch.no_grad():
        a = torch.relu(unit.bn1(x))
        out = unit.conv1(a)
        out = unit.conv2(torch.relu(unit.bn2(out)))
        out = unit.conv3(torch.relu(unit.bn3(out)))
        assert torch.allclose(unit(x), out + unit.shortcut(a), atol=1e-6)
        same = PreActBottleneck(64, 64).eval()
        y = torch.randn(2, 64, 4, 4)
        # identity shortcut: the raw input, not its activation
        branch = same.conv3(torch.relu(same.bn3(same.conv2(torch.relu(same.bn2(same.conv1(torch.relu(same.bn1(y)))))))))
        assert torch.allclose(same(y), branch + y, atol=1e-6)


# ---------------------------------------------------------------------------- FractalNet

_FRACTAL_CHANNELS = (64, 128, 256, 512, 512)


def test_fractalnet_params_by_hand() -> None:
    # C = 4 columns of 1, 2, 4, 8 conv units: 15 per block; the first unit of each column reads
    # the block input. Convs have biases; the BNs have no scale/shift (as Caffe's BatchNorm).
    total, c_in = 0, 3
    for c in _FRACTAL_CHANNELS:
        total += 4 * (9 * c_in * c + c) + 11 * (9 * c * c + c)
        c_in = c
    total += 512 * 10 + 10  # linear on the 512x1x1 map
    assert total == 76_084_554
    assert _n_params(_meta("fractalnet")) == total


def test_fractalnet_macs_and_depth_by_hand() -> None:
    macs, c_in = 0, 3
    for b, c in enumerate(_FRACTAL_CHANNELS):
        side = 32 // 2**b  # each block runs at the resolution left by the previous pools
        macs += side * side * 9 * c * (4 * c_in + 11 * c)
        c_in = c
    macs += 512 * 10
    p = archstats.profile("fractalnet", strict=True)
    assert p.totals.macs == macs
    # the deepest column has 2**(C-1) = 8 convs per block, then the linear classifier
    assert p.totals.depth == 5 * 2 ** (4 - 1) + 1 == 41


def test_fractal_block_structure() -> None:
    block = FractalBlock(3, 8, columns=4)
    assert [len(col) for col in block.columns] == [1, 2, 4, 8]
    # joins after depths 2, 4, 6, 8 of the deepest column: 2, 3, 2 and 4 columns meet
    assert {k: j.num_inputs for k, j in block.joins.items()} == {"1": 2, "3": 3, "5": 2, "7": 4}
    assert tuple(block(torch.zeros(1, 3, 16, 16)).shape) == (1, 8, 16, 16)


def test_fractal_join_mean_and_drop_path() -> None:
    a, b, c = torch.full((1, 2), 1.0), torch.full((1, 2), 2.0), torch.full((1, 2), 6.0)
    join = FractalJoin(3).eval()
    assert torch.equal(join(a, b, c), torch.full((1, 2), 3.0))
    # drop-path is off in eval, even with a drop rate and a global choice
    assert torch.equal(FractalJoin(3, drop_prob=1.0).eval()(a, b, c, keep=0), torch.full((1, 2), 3.0))
    # training, everything dropped locally: exactly one input survives
    random.seed(0)
    out = FractalJoin(3, drop_prob=1.0).train()(a, b, c)
    assert any(torch.equal(out, t) for t in (a, b, c))
    assert torch.equal(FractalJoin(3).train()(a, b, c, keep=2), c)


def test_fractal_global_drop_path_keeps_one_column() -> None:
    torch.manual_seed(0)
    block = FractalBlock(3, 4, columns=3)
    block.train()
    for m in block.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()  # fixed statistics, so the column can be replayed outside the block
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        for column in range(3):
            y = x
            for unit in block.columns[column]:
                y = unit(y)
            assert torch.allclose(block(x, column), y, atol=1e-6)


# ---------------------------------------------------------------------------- every CIFAR net


@pytest.mark.parametrize("name", ["preact_resnet164", "wrn28_10", "resnet110_sd", "fractalnet"])
def test_cifar_output_shape(name: str) -> None:
    model = _meta(name).eval()
    with torch.no_grad():
        out = model(torch.zeros(1, 3, 32, 32, device="meta"))
    assert tuple(out.shape) == (1, 10)
    with torch.no_grad():
        assert tuple(_meta(name, num_classes=100).eval()(torch.zeros(1, 3, 32, 32, device="meta")).shape) == (1, 100)

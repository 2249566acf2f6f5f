"""Claims of the SqueezeNet, Xception and DenseNet section, checked against figures derived by hand
or published (with their source), never against archstats' own output."""

from __future__ import annotations

import pytest

from archstats.claims import catalog, run, select

SECTION = "SqueezeNet, Xception, DenseNet"

# Published exact parameter counts (sources in the comments), used as independent references.
ALEXNET = 60_965_224  # Caffe bvlc_alexnet deploy.prototxt, the original two-tower net
SQUEEZENET1_0 = 1_248_424  # torchvision docs, SqueezeNet1_0_Weights.IMAGENET1K_V1
DENSENET201 = 20_013_928  # torchvision docs, DenseNet201_Weights.IMAGENET1K_V1
RESNET101 = 44_549_160  # torchvision docs, ResNet101_Weights.IMAGENET1K_V2
DENSENET121 = 7_978_856  # torchvision docs, DenseNet121_Weights.IMAGENET1K_V1
RESNET50 = 25_557_032  # torchvision docs, ResNet50_Weights.IMAGENET1K_V2


def outcome(claim_id: str):
    [result] = run(select([claim_id]))
    assert result.outcome is not None, result.error
    return result.outcome


def values(o) -> dict[str, object]:
    return {m.label: m.value for m in o.measurements}


def test_section_ids_are_registered():
    ids = {c.id for c in catalog() if c.section == SECTION}
    assert {
        "squeezenet-50x",
        "squeezenet-0.5mb",
        "fire-module-shape",
        "squeezenet-layout",
        "squeezenet-bypass-params",
        "xception-36-conv",
        "densenet-connections",
        "densenet-growth-inputs",
        "densenet-bottleneck-4k",
        "densenet-transition-halves",
        "densenet-vs-resnet-params",
    } <= ids


def test_squeezenet_50x():
    o = outcome("squeezenet-50x")
    assert o.verdict == "holds"
    assert o.expected == 50
    assert o.measured == pytest.approx(ALEXNET / SQUEEZENET1_0)  # 48.83
    assert 48.8 < o.measured < 48.9
    v = values(o)
    assert v["AlexNet single-tower (torchvision) params"] == 61_100_840  # torchvision AlexNet_Weights
    assert v["paper Table 2: 240MB / 4.8MB"] == pytest.approx(50.0)
    assert "just missed" in o.explanation  # 48.8 < 50: '50x or more' read literally fails


def test_squeezenet_half_mb_is_not_checkable():
    o = outcome("squeezenet-0.5mb")
    assert o.verdict == "not-checkable"
    assert o.expected == 0.5 * 2**20
    assert o.measured == SQUEEZENET1_0 * 6 / 8  # 936,318 bytes at 6 bits, unpruned
    v = values(o)
    assert v["32-bit, unpruned: size"] == SQUEEZENET1_0 * 4  # 4.76 MiB, the paper's "4.8MB"
    assert v["8-bit, unpruned: size"] == SQUEEZENET1_0
    # AlexNet fp32 / SqueezeNet 6-bit = 4 * 60,965,224 / 936,318 = 260.4, well short of 510
    assert v["6-bit, unpruned: AlexNet fp32 / this"] == pytest.approx(4 * ALEXNET / (SQUEEZENET1_0 * 0.75))
    assert 260 < v["6-bit, unpruned: AlexNet fp32 / this"] < 261
    assert v["paper: 240MB / 0.47MB (6-bit Deep Compression)"] == pytest.approx(510.6, abs=0.1)
    # 0.5 MiB / 936,318 B = 0.56
    assert v["share of weights a 6-bit model may keep to fit 0.5 MiB"] == pytest.approx(524_288 / 936_318)
    assert "0.5Mb" in o.explanation


def test_fire_module_shape():
    o = outcome("fire-module-shape")
    assert o.verdict == "holds"
    assert o.expected == o.measured == "128 -> 16 -> 64 + 64 -> 128"
    v = values(o)
    # squeeze 128*16+16 = 2064, expand1x1 16*64+64 = 1088, expand3x3 16*9*64+64 = 9280
    assert v["fire module params (measured)"] == 2064 + 1088 + 9280 == 12_432
    assert v["one 3x3 conv 128->128 params"] == 128 * 128 * 9 + 128
    assert v["H x W in -> out"] == "(8, 8) -> (8, 8)"


def test_squeezenet_layout():
    o = outcome("squeezenet-layout")
    assert o.verdict == "holds"
    layout = "conv1 maxpool fire2 fire3 fire4 maxpool fire5 fire6 fire7 fire8 maxpool fire9 conv10 gap"
    assert o.expected == o.measured == layout
    v = values(o)
    assert v["pools after"] == "conv1, fire4, fire8, conv10"
    assert v["fire modules"] == 8
    assert (
        v["squeezenet1_1 layout"]
        == "conv1 maxpool fire2 fire3 maxpool fire4 fire5 maxpool fire6 fire7 fire8 fire9 conv10 gap"
    )


def test_squeezenet_24_metaparameters():
    o = outcome("squeezenet-24-metaparameters")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 8 * 3
    assert values(o)["fire9 (s1x1, e1x1, e3x3)"] == "64, 256, 256"  # paper Table 1


def test_fire_squeeze_narrower():
    o = outcome("fire-squeeze-narrower")
    assert o.verdict == "holds"
    assert o.measured is True
    ratios = [m.value for m in o.measurements]
    assert len(ratios) == 16
    assert all(r == pytest.approx(0.125) for r in ratios)  # SR = 16/128 = 32/256 = ... = 1/8


def test_fire_3x3_params_formula():
    o = outcome("fire-3x3-params-formula")
    assert o.verdict == "holds"
    # 9 * 2 * (16*64 + 32*128 + 48*192 + 64*256) = 18 * 30,720
    assert o.expected == o.measured == 552_960
    v = values(o)
    # with bias, fire2's expand3x3 has 9216 + 64 weights: 9280 / 9216
    assert v["fire2 expand3x3 as in SqueezeNet (with bias): measured / formula"] == pytest.approx(9280 / 9216)


def test_squeezenet_bypass_params():
    o = outcome("squeezenet-bypass-params")
    assert o.verdict == "holds"
    # 1x1 convs with bias around fire2 (96->128), fire4 (128->256), fire6 (256->384), fire8 (384->512)
    extra = (96 * 128 + 128) + (128 * 256 + 256) + (256 * 384 + 384) + (384 * 512 + 512)
    assert extra == 341_248
    assert o.expected == o.measured == extra
    v = values(o)
    assert v["simple - vanilla params"] == 0
    assert v["simple bypass params"] == SQUEEZENET1_0
    assert v["complex bypass params"] == SQUEEZENET1_0 + extra
    assert v["simple bypass MACs"] == v["vanilla MACs"]


def test_xception_36_conv():
    o = outcome("xception-36-conv")
    assert o.verdict == "holds"
    # entry: 2 convs + 3 blocks x 2 separable; middle: 8 x 3; exit: 1 block x 2 + 2
    assert o.expected == o.measured == 2 + 3 * 2 + 8 * 3 + 2 + 2
    v = values(o)
    assert v["entry / middle / exit flow"] == "8 / 24 / 4"
    assert v["shortcut 1x1 convs (not counted)"] == 4
    assert v["Conv2d modules (depthwise, pointwise, shortcuts apart)"] == 2 + 2 * 34 + 4
    assert v["weight layers on the longest path, FC excluded (dw, pw apart)"] == 2 + 2 * 34


def test_xception_bn_after_conv():
    o = outcome("xception-bn-after-conv")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 36 + 4  # every conv layer and the 4 shortcut convs


def test_densenet_connections():
    o = outcome("densenet-connections")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 5 * 6 // 2
    v = values(o)
    assert v["L=24 connections: measured (holds)"] == 24 * 25 // 2 == 300
    assert v["L=5: inputs per layer (hooks)"] == "1, 2, 3, 4, 5"
    assert v["L=5: inputs per layer (profile channels)"] == "1, 2, 3, 4, 5"
    assert v["L=4: with the block output's concat (next layer as L+1)"] == 5 * 6 // 2  # paper Figure 1: 15


def test_densenet_growth_inputs():
    o = outcome("densenet-growth-inputs")
    assert o.verdict == "holds"
    assert o.expected == o.measured == "4, 8, 12, 16"  # 001:72


def test_densenet_bottleneck_4k():
    o = outcome("densenet-bottleneck-4k")
    assert o.verdict == "holds"
    assert o.measured == "densenet121 [128] -> [32]; densenet_bc100_k12 [48] -> [12]"  # 4*32, 32; 4*12, 12
    v = values(o)
    assert v["densenet121: layers whose 1x1 is not 4k: measured (holds)"] == 0


def _bottleneck_macs_by_hand() -> tuple[float, int]:
    """DenseNet-121's blocks (layers, input channels, map size) with k = 32: MACs per pixel of a layer
    with C inputs are 128C + 9*128*32 with the bottleneck and 9*32*C without."""
    bottleneck = plain = 0
    costlier = 0
    for n, c0, hw in ((6, 64, 56), (12, 128, 28), (24, 256, 14), (16, 512, 7)):
        for i in range(n):
            c = c0 + 32 * i
            b, p = 128 * c + 9 * 128 * 32, 9 * 32 * c
            bottleneck += hw * hw * b
            plain += hw * hw * p
            costlier += b > p
    return bottleneck / plain, costlier


def test_densenet_bottleneck_saves_macs():
    o = outcome("densenet-bottleneck-saves-macs")
    assert o.verdict == "holds"
    ratio, costlier = _bottleneck_macs_by_hand()
    assert o.measured == pytest.approx(ratio)
    assert o.measured < 1
    assert costlier == 10  # block 1 (64..224 inputs) and the first 4 layers of block 2 (128..224)
    assert values(o)["layers where the bottleneck costs more (C_in <= 230)"] == f"{costlier} of 58"


def test_densenet_transition_halves():
    o = outcome("densenet-transition-halves")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 0.5
    v = values(o)
    # densenet121 transition1: 64 + 6*32 = 256 channels -> 128, 56 -> 28
    assert v["densenet121 transition1 256->128 ch, 56->28 px: channels out/in: measured (holds)"] == 0.5
    # DenseNet-BC-100: 24 + 16*12 = 216 -> 108 at 32 -> 16
    assert v["densenet_bc100_k12 transition1 216->108 ch, 32->16 px: channels out/in: measured (holds)"] == 0.5
    theta1 = [
        val for label, val in v.items() if label.startswith("theta=1") and "channels" in label and "measured" in label
    ]
    assert theta1 and all(r == 1.0 for r in theta1)


def test_densenet_3_blocks():
    o = outcome("densenet-3-blocks")
    assert o.verdict == "holds"
    assert o.expected == o.measured == "3 blocks, 2 transitions"
    assert values(o)["densenet121: blocks, transitions"] == "4, 3"  # paper Table 1


def test_densenet_k12():
    o = outcome("densenet-k12")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 12
    assert values(o)["densenet121: new maps per layer"] == "32"  # paper Table 1: k = 32


def _plain_densenet_params(depth: int, k: int) -> int:
    """The paper's basic CIFAR DenseNet by hand: 3x3 stem to 16, three blocks of (L-4)/3 BN-ReLU-3x3 layers,
    two transitions BN + 1x1 (C -> C), final BN and a 10-way FC."""
    n = (depth - 4) // 3
    total, c = 3 * 16 * 9, 16
    for block in range(3):
        for _ in range(n):
            total += 2 * c + 9 * c * k  # BN scale/shift + 3x3 conv, no bias
            c += k
        if block < 2:
            total += 2 * c + c * c
    return total + 2 * c + 10 * c + 10


def test_densenet_k_bc_params():
    o = outcome("densenet-k-bc-params")
    assert o.verdict == "holds"
    assert o.measured is True
    v = values(o)
    assert v["DenseNet L=40, k=12 (paper 1.0M)"] == _plain_densenet_params(40, 12)
    assert v["DenseNet L=100, k=12 (paper 7.0M)"] == _plain_densenet_params(100, 12)
    assert v["DenseNet L=100, k=24 (paper 27.2M)"] == _plain_densenet_params(100, 24)
    assert _plain_densenet_params(100, 12) == pytest.approx(7.0e6, abs=0.05e6)  # paper Table 2
    assert _plain_densenet_params(100, 24) == pytest.approx(27.2e6, abs=0.05e6)
    assert v["DenseNet-BC L=100, k=12 (paper 0.8M)"] == pytest.approx(0.8e6, abs=0.05e6)


def test_densenet_vs_resnet_params_is_not_checkable():
    o = outcome("densenet-vs-resnet-params")
    assert o.verdict == "not-checkable"
    assert o.expected == pytest.approx(1 / 3)
    assert o.measured == pytest.approx(DENSENET201 / RESNET101)  # 0.449: the paper's "20M vs >40M" pair
    assert o.rel_diff == pytest.approx(3 * DENSENET201 / RESNET101 - 1)
    v = values(o)
    assert v["DenseNet-121 / ResNet-50 (ImageNet): ratio"] == pytest.approx(DENSENET121 / RESNET50)  # 0.312
    # DenseNet-BC-100 (0.8M) against the 10.2M 1001-layer pre-act ResNet: about 1/13
    assert v["DenseNet-BC-100 / pre-act ResNet-1001 (C10+, 4.51% vs 4.62%): ratio"] == pytest.approx(
        0.8 / 10.2, rel=0.1
    )

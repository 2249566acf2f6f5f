"""The ResNet and SENet/ResNeXt/EfficientNet/NASNet claims: verdicts and key figures, derived by hand.

Every expected figure below is written out as arithmetic (or cited from a published source), never
copied from archstats output.
"""

from __future__ import annotations

import re

import pytest

from archstats import profile
from archstats.claims import HOLDS, catalog, run, select

RESNET = "ResNet"
MODERN = "SENet, ResNeXt, EfficientNet, NASNet"

RESNET_IDS = {
    "resnet-bottleneck-shape",
    "resnet-bottleneck-6x",
    "resnet-shortcut-free",
    "resnet-projection-shortcut",
    "resnet-152-layers",
    "resnet-bottleneck-from-50",
    "resnet-filters-double",
    "resnet-gap-no-fc",
    "resnet-bn-after-every-conv",
    "resnet-no-dropout",
}
MODERN_IDS = {
    "se-block-overhead",
    "resnext-cardinality",
    "efficientnet-flops-scaling",
    "efficientnet-2-phi",
    "nasnet-cells",
    "resnext-32x4-split",
    "resnext-vs-resnet-compute",
    "resnext-downsampling",
    "resnet-basic-up-to-50",
}


def outcome(claim_id: str):
    [result] = run(select([claim_id]))
    assert result.outcome is not None, result.error
    return result.outcome


def measurement(o, pattern: str):
    """The value of the one measurement whose label matches ``pattern``."""
    hits = [m.value for m in o.measurements if re.search(pattern, m.label)]
    assert len(hits) == 1, f"{pattern!r} matched {len(hits)} measurements"
    return hits[0]


# ------------------------------------------------------------------------------------- catalog


def test_the_sections_hold_exactly_these_claims() -> None:
    by_section = {c.id for c in catalog() if c.section == RESNET}, {c.id for c in catalog() if c.section == MODERN}
    assert by_section == (RESNET_IDS, MODERN_IDS)


# ------------------------------------------------------------------------------------- ResNet


def test_bottleneck_keeps_28x28x256() -> None:
    o = outcome("resnet-bottleneck-shape")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == "256x28x28"
    assert measurement(o, r"after 1x1,64") == "64x28x28"
    assert measurement(o, r"after 3x3,64") == "64x28x28"


def test_bottleneck_is_not_6x_smaller() -> None:
    o = outcome("resnet-bottleneck-6x")
    assert o.verdict == "fails"
    bottleneck = 256 * 64 + 9 * 64 * 64 + 64 * 256  # 69,632
    basic_256 = 2 * 9 * 256 * 256  # 1,179,648
    assert o.expected == 6
    assert o.measured == pytest.approx(basic_256 / bottleneck)  # 288/17 = 16.94
    assert o.measured == pytest.approx(288 / 17)
    assert measurement(o, r"^bottleneck 256->64->64->256 conv params: measured") == bottleneck
    assert measurement(o, r"^\(B\)") == pytest.approx(2 * 9 * 64 * 64 / bottleneck)  # 1.06
    assert measurement(o, r"^\(C\)") == pytest.approx(9 * 256 * 256 / bottleneck)  # 8.47


def test_identity_shortcut_adds_nothing_but_an_add() -> None:
    o = outcome("resnet-shortcut-free")
    assert o.verdict == HOLDS
    assert o.measured == 0
    assert measurement(o, r"^bottleneck 256x56x56: added params") == 0
    assert measurement(o, r"^bottleneck 256x56x56: added FLOPs \(") == 256 * 56 * 56  # one add per element
    assert measurement(o, r"^basic 64x28x28.*added FLOPs \(") == 64 * 28 * 28
    assert measurement(o, r"params added outside the projection shortcuts$") == 0
    assert measurement(o, r"MACs added outside the projection shortcuts$") == 0
    # ResNet-34's three projections: 1x1 convs 64->128, 128->256, 256->512 plus their BN (2 per channel)
    projections = 64 * 128 + 128 * 256 + 256 * 512 + 2 * (128 + 256 + 512)
    assert measurement(o, r"params of the 3 projection shortcuts") == projections


def test_projection_shortcut_is_1x1_stride_2() -> None:
    o = outcome("resnet-projection-shortcut")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == 64 * 128
    assert measurement(o, r"note example: projection MACs") == 14 * 14 * 64 * 128  # 1,605,632
    assert measurement(o, r"note example: block output") == "128x14x14"
    # ResNet-34 layer2: 64x56x56 -> 128x28x28
    assert measurement(o, r"resnet34 layer2\.0") == f"{64 * 128:,} / {28 * 28 * 64 * 128:,}"
    assert "1x1 stride 1" in [m.label for m in o.measurements if "resnet50 layer1.0" in m.label][0]


def test_resnet152_has_152_layers() -> None:
    o = outcome("resnet-152-layers")
    assert o.verdict == HOLDS
    # stem conv + 3 convs in each of 3+8+36+3 bottlenecks + fc (paper Table 1)
    assert o.measured == 1 + 3 * (3 + 8 + 36 + 3) + 1 == 152
    assert measurement(o, r"^resnet152: all weight layers") == 152 + 4  # + 4 projection shortcuts


def test_bottleneck_from_50() -> None:
    o = outcome("resnet-bottleneck-from-50")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == 5
    assert measurement(o, r"^resnet34") == "BasicBlock"
    assert measurement(o, r"^resnet50") == "Bottleneck"


def test_filters_double_per_stage() -> None:
    o = outcome("resnet-filters-double")
    assert o.verdict == HOLDS
    assert o.measured == 2  # 64 -> 128 -> 256 -> 512
    assert measurement(o, r"resnet34 layer3->layer4 map 14->7: measured") == 0.5


def test_resnet_keeps_one_fc() -> None:
    o = outcome("resnet-gap-no-fc")
    assert o.verdict == "approx"  # the 1000-way classifier is an FC layer; no hidden FC layers
    assert (o.expected, o.measured) == (0, 1)
    assert measurement(o, r"literal") == "fails"
    assert measurement(o, r"^resnet50: FC").startswith(f"1 / 0 / {2048 * 1000 + 1000:,}")
    assert measurement(o, r"^vgg16") == 3
    assert measurement(o, r"intended") == HOLDS


def test_batch_norm_after_every_conv() -> None:
    o = outcome("resnet-bn-after-every-conv")
    assert o.verdict == HOLDS
    assert o.measured == 1.0
    convs50 = 1 + 3 * 16 + 4  # stem + 16 bottlenecks x 3 + 4 projections
    convs152 = 1 + 3 * 50 + 4
    assert measurement(o, r"^resnet50: convs") == f"{convs50} of {convs50}"
    assert measurement(o, r"^resnet152: convs") == f"{convs152} of {convs152}"
    # ReLU follows the stem BN and the first two BNs of each block: 1 + 2 * 16
    assert measurement(o, r"^resnet50: batch norms") == f"{1 + 2 * 16} of {convs50}"


def test_no_dropout() -> None:
    o = outcome("resnet-no-dropout")
    assert o.verdict == HOLDS
    assert o.measured == 0
    assert measurement(o, r"^vgg16") == 2  # before fc7 and fc8


# ------------------------------------------------------------------------------------- SENet


def se_params(blocks_and_widths) -> int:
    """Two 1x1 convs with biases per block, r = 16: C -> C/16 -> C."""
    return sum(n * (2 * c * (c // 16) + c // 16 + c) for n, c in blocks_and_widths)


def test_se_adds_little_compute_but_ten_percent_params() -> None:
    o = outcome("se-block-overhead")
    assert o.verdict == "approx"
    stages = ((3, 256), (4, 512), (6, 1024), (3, 2048))
    added = se_params(stages)  # 2,530,992
    assert added == 2_530_992
    assert o.expected == 25_557_032  # torchvision ResNet50_Weights.IMAGENET1K_V1 num_params
    assert o.measured == 25_557_032 + added == 28_088_024  # pytorchcv's seresnet50 weight count
    assert o.measured / o.expected - 1 == pytest.approx(0.0990, abs=5e-4)
    se_macs = sum(n * 2 * c * (c // 16) for n, c in stages)  # the FCs run on a 1x1 map
    assert profile("se_resnet50").totals.macs - profile("resnet50_v1").totals.macs == se_macs == 2_514_944
    assert measurement(o, r"^MACs added") == "+0.07%"


# ------------------------------------------------------------------------------------- ResNeXt


def test_cardinality_lowers_cost_and_widens() -> None:
    o = outcome("resnext-cardinality")
    assert o.verdict == HOLDS
    # torchvision docs: ResNeXt50_32X4D 4.23 GFLOPS, ResNet50 4.09 GFLOPS (MACs)
    assert o.expected == 1.0
    assert o.measured == pytest.approx(4.23 / 4.09, abs=0.003)
    conv1x1s = 2 * 56 * 56 * 256 * 128  # the two 1x1 convs of the 256->128->256 block
    grouped = 56 * 56 * 9 * 128 * 128  # the 3x3 at 1 group
    assert measurement(o, r"^width 128, 1 group: block MACs") == conv1x1s + grouped
    assert measurement(o, r"^width 128, 32 groups: block MACs") == conv1x1s + grouped // 32
    assert measurement(o, r"^width 128, 8 groups: grouped 3x3 MACs / 1 group: measured") == 1 / 8
    for name, width in (("1x64d", 64), ("2x40d", 80), ("4x24d", 96), ("8x14d", 112), ("32x4d", 128)):
        assert measurement(o, rf"resnext50_{name}: grouped 3x3 width") == width  # C * d


def test_32_paths_of_4_are_128_not_64() -> None:
    o = outcome("resnext-32x4-split")
    assert o.verdict == "fails"
    assert (o.expected, o.measured) == (64, 32 * 4)
    assert measurement(o, r"Fig\. 1 block") == 32 * (256 * 4 + 9 * 4 * 4 + 4 * 256) == 70_144


def test_resnext_does_not_cut_compute() -> None:
    o = outcome("resnext-vs-resnet-compute")
    assert o.verdict == "fails"
    # torchvision docs: 4.23 vs 4.09 GFLOPS
    assert o.measured / o.expected == pytest.approx(4.23 / 4.09, abs=0.003)
    assert o.measured > o.expected


def test_resnext_downsamples_in_conv3_to_conv5() -> None:
    o = outcome("resnext-downsampling")
    assert o.verdict == HOLDS
    assert o.measured == 3
    assert measurement(o, r"^layer3\.0") == "1/2/2"
    assert measurement(o, r"shortcuts") == f"{16 - 4} / 4"  # 16 blocks, projections where the shape changes


def test_resnet50_is_not_basic() -> None:
    o = outcome("resnet-basic-up-to-50")
    assert o.verdict == "fails"
    assert (o.expected, o.measured) == (3, 2)


# ------------------------------------------------------------------------------------- EfficientNet


def test_flops_scale_as_d_w2_r2() -> None:
    o = outcome("efficientnet-flops-scaling")
    assert o.verdict == HOLDS
    assert o.expected == 2**2  # doubling the width
    assert 3.6 < o.measured < 4  # depthwise convs, stem and classifier grow only linearly in w
    # regular convolutions: exact (4 x 3x3 32->32 at 32x32 = 37,748,736 MACs as the base)
    assert measurement(o, r"plain .* d x2: MACs ratio: measured") == 2
    assert measurement(o, r"plain .* w x2: MACs ratio: measured") == 4
    assert measurement(o, r"plain .* r x2: MACs ratio: measured") == 4
    assert all("(holds)" in m.label for m in o.measurements if ": measured (" in m.label)


def test_two_to_the_phi_only_roughly() -> None:
    o = outcome("efficientnet-2-phi")
    assert o.verdict == "approx"
    assert measurement(o, r"as written.*measured") == pytest.approx(1.2 * 1.1**2 * 1.15**2)  # 1.9203
    assert o.expected == 2**7
    assert o.measured == pytest.approx(37.746 / 0.386, rel=2e-3)  # torchvision B7 / B0 GFLOPS: 97.8
    assert measurement(o, r"mean growth per unit of phi") == pytest.approx((37.746 / 0.386) ** (1 / 7), rel=1e-3)


# ------------------------------------------------------------------------------------- NASNet


def test_nasnet_cells_keep_or_halve() -> None:
    o = outcome("nasnet-cells")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == 12 + 4 + 2  # normal, reduction cells in the net, and the two built alone
    assert measurement(o, r"^cell_stem_0") == f"111x111 -> {(111 + 1) // 2}x{(111 + 1) // 2}"
    assert measurement(o, r"^cells\.9 ") == "14x14 -> 7x7"
    assert measurement(o, r"NormalCell\(44\) alone") == f"{6 * 44}x28x28"  # 6 states concatenated
    assert measurement(o, r"ReductionCell\(44\) alone") == f"{4 * 44}x14x14"  # 4 states

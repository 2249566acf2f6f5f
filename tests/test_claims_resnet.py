"""The ResNet claims (ResNet, pre-activation ResNet, NiN, Wide ResNet, stochastic depth, FractalNet, and
ResNeXt's paragraph of lecture 9): verdicts and key figures, derived by hand.

Every expected figure below is written out as arithmetic (or cited from a published source), never
copied from archstats output.
"""

from __future__ import annotations

import re

import pytest

from archstats.claims import AMBIGUOUS, APPROX, ERRATUM, FAILS, HOLDS, base, catalog, run, select, unchecked

RESNET = "ResNet"
MODERN = "SENet, ResNeXt, EfficientNet, NASNet"

RESNET_IDS = {
    "resnet-bottleneck-shape",
    "resnet-bottleneck-6x",
    "resnet-shortcut-free",
    "resnet-projection-shortcut",
    "resnet34-stage-shapes",
    "resnet-152-layers",
    "resnet-150-layers",
    "resnet-bottleneck-from-50",
    "resnet-block-two-3x3",
    "resnet-filters-double",
    "resnet-gap-no-fc",
    "resnet-pool-only-at-ends",
    "resnet-bn-after-every-conv",
    "resnet-bn-before-conv",
    "resnet-no-dropout",
    "resnet-bottleneck-code-order",
    "resnet-identity-shape",
    "resnet-bottleneck-economical",
    "resnet-plain-16-more-layers",
    "residual-gradient-at-least-1",
    "nin-mlpconv",
    "preact-direct-path",
    "wrn-filters-k-times",
    "stochastic-depth-drops-blocks",
    "fractalnet-paths",
}
# ResNeXt's paragraph of lecture 9 (002:224) is checked here but belongs to the ResNeXt section.
RESNEXT_ID = "resnext-32-paths-of-4"

# The line ranges this section accounts for.
RANGES = {"002": ((146, 192), (202, 235)), "001": ((1, 52), (77, 82)), "003": ((49, 131),), "004": ((108, 200),)}

# ResNet-50's bottleneck 256 -> 64 -> 64 -> 256: conv weights 1x1 + 3x3 + 1x1.
BOTTLENECK = 256 * 64 + 9 * 64 * 64 + 64 * 256  # 69,632


def outcome(claim_id: str):
    [result] = run(select([claim_id]))
    assert result.outcome is not None, result.error
    return result.outcome


def points(o, reading: int = 0) -> dict:
    """The judged points of one reading, by label."""
    return {p.label: p for p in o.readings[reading].points}


def measurement(o, pattern: str):
    """The value of the one measurement whose label matches ``pattern``."""
    hits = [m.value for m in o.measurements if re.search(pattern, m.label)]
    assert len(hits) == 1, f"{pattern!r} matched {len(hits)} measurements"
    return hits[0]


# ------------------------------------------------------------------------------------- catalogue


def test_the_section_holds_exactly_these_claims() -> None:
    assert {c.id for c in catalog() if c.section == RESNET} == RESNET_IDS
    assert [c.section for c in catalog() if c.id == RESNEXT_ID] == [MODERN]


def test_every_quantitative_line_of_the_ranges_is_accounted_for() -> None:
    def mine(ref: str) -> bool:
        note, line = ref.split(":")
        return any(a <= int(line) <= b for a, b in RANGES.get(note, ()))

    assert [ref for ref in base.unaccounted_lines() if mine(ref)] == []


def test_not_checkable_entries() -> None:
    entries = {u.source: u for u in unchecked() if u.section == RESNET}
    assert len(entries) == 19
    assert entries["001:43"].reason == "accuracy"  # the 2.85% error drop
    assert entries["002:180-184"].reason == "training"
    assert entries["004:188"].reason == "training"  # the initialisation half of the line
    assert entries["003:52, 003:60, 003:65, 003:75, 003:79, 003:123, 003:127"].reason == "not quantitative"


def test_contradictions_are_linked_both_ways() -> None:
    by_id = {c.id: c for c in catalog()}
    for a, b in (
        ("resnet-bn-after-every-conv", "resnet-bn-before-conv"),
        ("resnet-block-two-3x3", "resnet-bottleneck-from-50"),
    ):
        assert b in by_id[a].contradicts and a in by_id[b].contradicts


def test_every_wrong_claim_carries_a_correction() -> None:
    for result in run(select(sorted(RESNET_IDS | {RESNEXT_ID}))):
        assert result.outcome is not None, result.error
        assert result.outcome.explanation
        if result.outcome.verdict in (FAILS, ERRATUM):
            assert result.outcome.correction, result.claim.id


# ------------------------------------------------------------------------------------- the bottleneck


def test_bottleneck_keeps_28x28x256() -> None:
    o = outcome("resnet-bottleneck-shape")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == "256x28x28"
    p = points(o)
    assert p["after 1x1,64"].measured == p["after 3x3,64"].measured == "64x28x28"


def test_bottleneck_is_not_6x_smaller() -> None:
    o = outcome("resnet-bottleneck-6x")
    assert o.verdict == FAILS
    assert o.expected == 6  # "약 6배": about 6x, 5.4x .. 6.6x
    basic_256 = 2 * 9 * 256 * 256  # 1,179,648
    assert o.measured == pytest.approx(basic_256 / BOTTLENECK) == pytest.approx(288 / 17)  # 16.9x
    assert points(o)["C=2048"].measured == pytest.approx(288 / 17)  # the same at every width: 17C^2/16
    assert [r.verdict for r in o.readings] == [FAILS, FAILS, FAILS]
    [paired] = o.readings[1].points
    assert paired.measured == pytest.approx(2 * 9 * 64 * 64 / BOTTLENECK)  # 1.06x
    [single] = o.readings[2].points
    assert single.measured == pytest.approx(9 * 256 * 256 / BOTTLENECK)  # 8.47x


def test_identity_shortcut_adds_nothing_but_an_add() -> None:
    o = outcome("resnet-shortcut-free")
    assert o.verdict == HOLDS
    assert (o.expected, o.measured) == (0, 0)
    p = points(o)
    assert p["bottleneck: FLOPs of the addition"].measured == 256 * 56 * 56  # one add per output value
    assert p["ResNet-34 - plain34: MACs outside the 3 projections"].measured == 0
    # ResNet-34's three projections: 1x1 convs 64->128, 128->256, 256->512 plus their BN (2 per channel)
    projections = 64 * 128 + 128 * 256 + 256 * 512 + 2 * (128 + 256 + 512)
    assert measurement(o, r"3 projection shortcuts") == projections


def test_projection_shortcut_is_1x1_stride_2() -> None:
    o = outcome("resnet-projection-shortcut")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == 64 * 128
    p = points(o)
    assert p["example: projection MACs"].measured == 14 * 14 * 64 * 128  # 1,605,632
    assert p["resnet34 layer2.0.downsample.0"].arithmetic == "64x56x56 -> 128x28x28"
    assert len([label for label in p if label.startswith(("resnet34", "resnet50"))]) == 3 + 3
    assert measurement(o, r"resnet50 layer1\.0") == "1x1, stride 1"  # widens 64 -> 256, keeps 56x56


def test_resnet34_stages_are_at_56_not_28() -> None:
    o = outcome("resnet34-stage-shapes")
    assert o.verdict == FAILS
    conv2 = 224 // 2 // 2  # the stride-2 7x7 conv and the stride-2 max-pool: 56
    assert (o.expected, o.measured) == ("64x28x28", f"64x{conv2}x{conv2}")
    p = points(o)
    assert p["green stage (conv3_x, /2): first block's output"].measured == f"128x{conv2 // 2}x{conv2 // 2}"
    assert p["the purple stage keeps its shape over its 3 blocks"].verdict == HOLDS
    assert p["the green stage doubles the channels and halves the map"].verdict == HOLDS


# ------------------------------------------------------------------------------------- depth and blocks


def test_resnet152_has_152_layers() -> None:
    o = outcome("resnet-152-layers")
    assert o.verdict == HOLDS
    # stem conv + 3 convs in each of 3+8+36+3 bottlenecks + fc (paper Table 1)
    assert o.measured == 1 + 3 * (3 + 8 + 36 + 3) + 1 == 152
    assert measurement(o, r"all weight layers") == 152 + 4  # + 4 projection shortcuts


def test_up_to_150_layers_is_2_short() -> None:
    o = outcome("resnet-150-layers")
    assert o.verdict == APPROX  # "150개 까지" (at most 150): 152 is within 10% of 150.5
    assert (o.expected, o.measured) == (150, 1 + 3 * (3 + 8 + 36 + 3) + 1)
    assert o.headline.expected.bound == base.AT_MOST


def test_bottleneck_from_50() -> None:
    o = outcome("resnet-bottleneck-from-50")
    assert o.verdict == HOLDS
    assert (o.expected, o.measured) == ("Bottleneck", "Bottleneck")
    assert len(o.readings[0].points) == 3  # ResNet-50, 101, 152
    assert measurement(o, r"^resnet34") == "BasicBlock"


def test_two_3x3_convs_only_in_the_basic_block() -> None:
    o = outcome("resnet-block-two-3x3")
    assert o.verdict == AMBIGUOUS
    basic = 2 * 4 + (3 + 4 + 6 + 3)  # ResNet-18 and 34: 8 + 16 blocks
    bottleneck = (3 + 4 + 6 + 3) + (3 + 4 + 23 + 3) + (3 + 8 + 36 + 3)  # 16 + 33 + 50
    assert (o.expected, o.measured) == (basic + bottleneck, basic)
    assert points(o)["resnet50"].arithmetic == "1x1-3x3-1x1"
    assert o.readings[1].verdict == HOLDS


def test_filters_double_per_stage() -> None:
    o = outcome("resnet-filters-double")
    assert o.verdict == HOLDS
    assert (o.expected, o.measured) == (2 * 64, 128)
    p = points(o)
    assert p["resnet50 stage 4: filters"].measured == 2 * 1024
    assert p["layer2.0.conv1: stride"].measured == 2  # ResNet-34: the basic block's first 3x3
    assert p["layer2.0.conv2: stride"].measured == 2  # ResNet-50 (v1.5): the bottleneck's 3x3


def test_resnet_keeps_one_fc() -> None:
    o = outcome("resnet-gap-no-fc")
    assert o.verdict == ERRATUM  # the classifier is an FC layer; there are no others
    assert (o.expected, o.measured) == (0, 1)
    assert o.readings[1].verdict == HOLDS
    assert f"{2048 * 1000 + 1000:,}" in o.correction
    assert measurement(o, r"^vgg16") == 3


def test_pools_only_before_and_after_the_blocks() -> None:
    o = outcome("resnet-pool-only-at-ends")
    assert o.verdict == HOLDS
    assert len(o.readings[0].points) == 5
    assert "inside: 0" in o.measured and "AdaptiveAvgPool2d to 1x1" in o.measured


def test_batch_norm_after_every_conv() -> None:
    o = outcome("resnet-bn-after-every-conv")
    assert o.verdict == HOLDS
    convs50 = 1 + 3 * 16 + 4  # stem + 16 bottlenecks x 3 + 4 projections
    assert o.expected == o.measured == convs50
    assert points(o)["resnet152: convs followed by batch norm"].measured == 1 + 3 * 50 + 4
    # ReLU directly after the stem BN and the first two BNs of each block: 1 + 2 * 16
    assert measurement(o, r"^resnet50: batch norms followed directly") == f"{1 + 2 * 16} of {convs50}"


def test_batch_norm_is_not_before_the_conv() -> None:
    o = outcome("resnet-bn-before-conv")
    assert o.verdict == FAILS
    assert (o.expected, o.measured) == (16, 0)  # ResNet-50's 16 blocks all start with a conv
    assert points(o)["resnet50 stem"].measured == "Conv2d -> BatchNorm2d"
    # pre-activation: every unit but the first, which uses the stem's BN-ReLU
    assert measurement(o, r"preact_resnet50") == "15 of 16"


def test_no_dropout() -> None:
    o = outcome("resnet-no-dropout")
    assert o.verdict == HOLDS
    assert o.measured == 0
    assert measurement(o, r"^vgg16") == 2  # before fc7 and fc8


def test_bottleneck_runs_the_quoted_code() -> None:
    o = outcome("resnet-bottleneck-code-order")
    assert o.verdict == HOLDS
    assert o.measured.endswith("bn3 -> downsample -> += identity -> relu")


def test_identity_keeps_28x28x64() -> None:
    o = outcome("resnet-identity-shape")
    assert o.verdict == HOLDS
    assert o.measured == "64x28x28"
    assert points(o)["FLOPs of the element-wise sum"].measured == 28 * 28 * 64


def test_bottleneck_is_cheaper_per_layer() -> None:
    o = outcome("resnet-bottleneck-economical")
    assert o.verdict == HOLDS
    assert measurement(o, r"weight layers") == 2 * (3 + 4 + 23 + 3) + 2  # 68
    # the twin is ResNet-34 with 17 more basic blocks of 256 channels in its third stage
    # (torchvision: ResNet34_Weights 21,797,672 params; each block 2*9*256^2 + 4*256)
    assert measurement(o, r"twin of ResNet-101: params") == 21_797_672 + 17 * (2 * 9 * 256 * 256 + 4 * 256)


def test_16_more_layers() -> None:
    o = outcome("resnet-plain-16-more-layers")
    assert o.verdict == HOLDS
    assert o.measured == 34 - 18
    assert measurement(o, r"parameters of the 16 layers") > 0


def test_the_residual_gradient_is_not_always_at_least_1() -> None:
    o = outcome("residual-gradient-at-least-1")
    assert o.verdict == FAILS
    head, identity, vanishing = o.readings[0].points
    assert head.verdict == FAILS and "below 1" in head.measured
    assert identity.verdict == HOLDS  # dH/dx - dF/dx = I exactly
    assert vanishing.verdict == base.NOT_CHECKABLE


# ------------------------------------------------------------------------------------- relatives


def test_nin_mlpconv_is_a_conv_then_pixelwise_fc() -> None:
    o = outcome("nin-mlpconv")
    assert o.verdict == HOLDS
    p = points(o)
    assert p["features.0: a conv, then 1x1 convs"].measured == "11x11 -> 1x1 -> 1x1"
    assert p["features.7.cccp2: parameters of an FC 1024->1000"].measured == 1024 * 1000 + 1000


def test_preactivation_leaves_the_shortcut_clean() -> None:
    o = outcome("preact-direct-path")
    assert o.verdict == HOLDS
    assert o.measured == f"{16 - 4} vs 0"  # 16 units, 4 with a projection; ResNet-50 has a ReLU after each add
    assert measurement(o, r"ReLU after the addition") == "16 of 16"


def test_wide_resnet_50_widens_only_the_inner_convs() -> None:
    o = outcome("wrn-filters-k-times")
    assert o.verdict == FAILS
    # WRN-50-2: 16 bottlenecks x 3 convs + 4 projections; only conv1 and conv2 of each are doubled
    assert (o.expected, o.measured) == (16 * 3 + 4, 16 * 2)
    p = points(o)
    assert p["WRN-28-10: block convs with 10x WRN-28-1's filters"].measured == 3 * 4 * 2 + 3  # + 3 projections
    assert p["ResNet-152: weight layers"].verdict == HOLDS
    assert measurement(o, r"stem") == 16


def test_resnext_paths_of_4_only_in_the_first_stage() -> None:
    o = outcome(RESNEXT_ID)
    assert o.verdict == AMBIGUOUS
    assert (o.expected, o.measured) == (32, 32)
    assert points(o)["layer1.0: filters per path"].measured == 128 // 32
    alternative = points(o, 1)
    assert alternative["layer2 (4 blocks): paths x filters"].measured == "32 x 8"  # widths double per stage


def test_stochastic_depth_skips_blocks_in_training_only() -> None:
    o = outcome("stochastic-depth-drops-blocks")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == 3 * 18  # ResNet-110: 3 stages of (110 - 2) / 6 blocks
    assert points(o)["training: MACs of the removed blocks (identity)"].measured == 0
    # sum of p_l = 1 - l/54 * 0.5 over l = 1..54: 54 - 0.5 * 55 / 2
    assert measurement(o, r"sum of p_l") == f"{54 - 0.5 * 55 / 2:.2f}"


def test_fractalnet_joins_all_paths_at_test_and_some_in_training() -> None:
    o = outcome("fractalnet-paths")
    assert o.verdict == HOLDS
    assert o.measured == "1, 2, 4, 8"  # column c of a 4-column block has 2^c convs
    joins = 5 * (2 + 3 + 2 + 4)  # 5 blocks; the joins at steps 2, 4, 6, 8 meet 2, 3, 2 and 4 columns
    assert points(o)["test: inputs the joins average"].measured == joins

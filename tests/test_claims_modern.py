"""The SENet / ResNeXt / EfficientNet / NASNet / Residual Attention claims: verdicts and key figures by hand.

Every expected figure below is written out as arithmetic (or cited from a published source), never
copied from archstats output.
"""

from __future__ import annotations

import math
import re

import pytest

from archstats.claims import AMBIGUOUS, ERRATUM, FAILS, HOLDS, NOT_CHECKABLE, base, catalog, run, select, unchecked

MODERN = "SENet, ResNeXt, EfficientNet, NASNet"

MODERN_IDS = {
    "se-block-structure",
    "resnext-cardinality",
    "efficientnet-flops-scaling",
    "efficientnet-2-phi",
    "efficientnet-b1-b7-phi",
    "efficientnet-width-depth-resolution",
    "nasnet-cells",
    "resnext-32x4-split",
    "resnext-vs-resnet-compute",
    "resnext-split-transform-merge",
    "resnext-downsampling",
    "resnext-identity-shortcuts",
    "resnet-basic-up-to-50",
    "resnet-inherits-vgg-blocks",
    "inception-low-compute",
    "attention-mask-branch",
    "attention-residual-learning",
}
# The lines this section accounts for (note, first, last).
RANGES = (("000", 210, 331), ("001", 83, 168), ("004", 320, 374))

# torchvision's published MACs ("GFLOPS") of the EfficientNets at their own resolutions, and of the ResNets.
TV_GMACS = {0: 0.386, 1: 0.687, 3: 1.827, 4: 4.394, 5: 10.266, 6: 19.068, 7: 37.746}
# EfficientNet-B0's repeats per stage (paper Table 1) and the release's depth multipliers of B1..B7.
B0_REPEATS = (1, 2, 2, 3, 3, 4, 1)
RELEASE_DEPTH = (1.1, 1.2, 1.4, 1.8, 2.2, 2.6, 3.1)


def outcome(claim_id: str):
    [result] = run(select([claim_id]))
    assert result.outcome is not None, result.error
    return result.outcome


def point(o, pattern: str, reading: int = 0):
    """The one point of reading ``reading`` whose label matches ``pattern``."""
    hits = [p for p in o.readings[reading].points if re.search(pattern, p.label)]
    assert len(hits) == 1, f"{pattern!r} matched {len(hits)} points"
    return hits[0]


def measurement(o, pattern: str):
    hits = [m.value for m in o.measurements if re.search(pattern, m.label)]
    assert len(hits) == 1, f"{pattern!r} matched {len(hits)} measurements"
    return hits[0]


# ------------------------------------------------------------------------------------- catalog


def test_the_module_holds_exactly_these_claims() -> None:
    # the ResNet module may add ResNeXt claims of note 002 to this section: count the checks of modern.py
    mine = {c.id for c in catalog() if getattr(base.get_check(c.id), "__module__", "") == "archstats.claims.modern"}
    assert mine == MODERN_IDS
    assert {c.section for c in catalog() if c.id in mine} == {MODERN}


def test_every_quantitative_line_of_the_section_is_accounted_for() -> None:
    assert [ref for ref in base.unaccounted_lines() if in_ranges(ref)] == []


def in_ranges(source: str) -> bool:
    return all(
        any(n == note and a <= first and last <= b for note, a, b in RANGES)
        for n, first, last in base.parse_source(source)
    )


def test_unchecked_entries_name_their_reason() -> None:
    entries = [u for u in unchecked() if u.section == MODERN and in_ranges(u.source)]
    assert len(entries) == 16
    assert {u.reason for u in entries} <= set(base.UNCHECKABLE)
    [references] = [u for u in entries if u.source == "004:360-374"]
    assert references.reason == "not quantitative"


def test_the_efficientnet_search_claims_contradict_each_other() -> None:
    by_id = {c.id: c for c in catalog()}
    assert by_id["efficientnet-2-phi"].contradicts == ("efficientnet-b1-b7-phi",)
    assert by_id["efficientnet-b1-b7-phi"].contradicts == ("efficientnet-2-phi",)
    assert by_id["resnet-basic-up-to-50"].contradicts == ("resnet-bottleneck-from-50",)


# ------------------------------------------------------------------------------------- SENet


def test_se_block_is_pool_fc_relu_fc_sigmoid_scale() -> None:
    o = outcome("se-block-structure")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == "global average pool -> linear W1 -> ReLU -> linear W2 -> sigmoid"
    assert point(o, r"^all 16 SE blocks").measured == "16 of 16"  # 3 + 4 + 6 + 3 bottlenecks
    assert point(o, r"^squeeze").measured == (256, 1, 1)  # layer1.0's output: 4 x 64 channels
    assert point(o, r"^feature map x weights").measured == (256, 56, 56)
    # context: two 1x1 convs with biases per block, r = 16: C -> C/16 -> C
    stages = ((3, 256), (4, 512), (6, 1024), (3, 2048))
    params = sum(n * (2 * c * (c // 16) + c // 16 + c) for n, c in stages)
    macs = sum(n * 2 * c * (c // 16) for n, c in stages)  # the FCs run on a 1x1 map
    assert params == 2_530_992
    assert measurement(o, r"parameters$").startswith(f"{params:+,} (+9.90%)")  # over 25,557,032
    assert measurement(o, r"MACs$").startswith(f"{macs:+,}")


# ------------------------------------------------------------------------------------- ResNeXt


def block_macs(groups: int) -> int:
    """256 -> 128 -> 256 bottleneck at 56x56: two 1x1 convs and a 3x3 conv of ``groups`` groups."""
    return 56 * 56 * (256 * 128 + 9 * 128 * 128 // groups + 128 * 256)


def test_cardinality_lowers_cost_and_widens() -> None:
    o = outcome("resnext-cardinality")
    assert o.verdict == HOLDS
    assert o.measured == pytest.approx(block_macs(32) / block_macs(1))  # 70,144 / 212,992
    for g in (2, 4, 8, 32):
        assert point(o, rf"^{g} groups").measured == block_macs(g)
    for name, width in (("2x40d", 80), ("4x24d", 96), ("8x14d", 112), ("32x4d", 128)):
        assert point(o, rf"^{name}: wider").measured == width  # C * d
    # torchvision docs: ResNeXt50_32X4D 4.23 GFLOPS, ResNet50 4.09 GFLOPS (MACs); params 25,028,904 / 25,557,032
    assert point(o, r"^32x4d: MACs").measured == pytest.approx(4.23 / 4.09, abs=0.003)
    assert point(o, r"^32x4d: params").measured == pytest.approx(25_028_904 / 25_557_032)


def test_32_paths_of_4_are_128_not_64() -> None:
    o = outcome("resnext-32x4-split")
    assert o.verdict == FAILS
    assert (o.expected, o.measured) == (64, 32 * 4)
    assert point(o, r"^paths").verdict == point(o, r"^filters per path").verdict == HOLDS
    fig1 = 32 * (256 * 4 + 9 * 4 * 4 + 4 * 256)  # 70,144
    resnet = 256 * 64 + 9 * 64 * 64 + 64 * 256  # 69,632
    assert measurement(o, r"Fig\. 1 blocks") == f"{fig1:,} / {resnet:,}"
    assert "128 filters" in o.correction


def test_resnext_does_not_cut_compute() -> None:
    o = outcome("resnext-vs-resnet-compute")
    assert o.verdict == FAILS
    assert o.measured == pytest.approx(4.23 / 4.09, abs=0.003)  # torchvision docs: 4.23 vs 4.09 GFLOPS (MACs)
    assert point(o, r"^resnext101").verdict == FAILS
    assert point(o, r"performance").verdict == NOT_CHECKABLE
    assert "more than ResNet-50's" in o.correction


def test_resnext_block_splits_transforms_and_concatenates() -> None:
    o = outcome("resnext-split-transform-merge")
    assert o.verdict == HOLDS
    assert o.measured == 32
    assert point(o, r"^1x1").measured == "conv1 64->128, conv3 128->256"  # layer1.0 reads the 64-channel stem
    assert point(o, r"concatenated").measured < 1e-4


def test_resnext_downsamples_in_conv3_to_conv5() -> None:
    o = outcome("resnext-downsampling")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == "conv3_1, conv4_1, conv5_1"
    assert point(o, r"^conv4_1").measured == 2
    assert point(o, r"^conv4_1").arithmetic == "28 -> 14"


def test_resnext_shortcuts_are_identity_where_the_shape_allows() -> None:
    o = outcome("resnext-identity-shortcuts")
    assert o.verdict == AMBIGUOUS
    blocks = 3 + 4 + 6 + 3
    assert o.measured == f"{blocks - 4} of {blocks}"  # one projection per stage
    assert o.readings[0].verdict == FAILS
    assert o.readings[1].verdict == HOLDS
    assert point(o, r"keeping their shape", reading=1).measured == f"{blocks - 4} of {blocks - 4}"


def test_resnet50_is_not_basic_an_erratum_for_under_50() -> None:
    o = outcome("resnet-basic-up-to-50")
    assert o.verdict == ERRATUM
    assert (o.expected, o.measured) == ("BasicBlock", "Bottleneck")
    assert o.readings[1].verdict == HOLDS
    assert point(o, r"^resnet34: convs per basic block", reading=1).measured == 2
    assert "002:174" in o.correction


def test_resnet_stacks_same_shape_blocks_like_vgg() -> None:
    o = outcome("resnet-inherits-vgg-blocks")
    assert o.verdict == HOLDS
    vgg_convs = 2 + 2 + 3 + 3 + 3  # VGG16's five stages
    assert point(o, r"^vgg16: every conv").measured == f"{vgg_convs} of {vgg_convs}"
    assert point(o, r"^vgg16: convs after").measured == f"{vgg_convs - 5} of {vgg_convs - 5}"
    blocks = 3 + 4 + 6 + 3
    assert point(o, r"^resnet50: every block").measured == f"{blocks} of {blocks}"
    assert point(o, r"^resnet50: blocks after").measured == f"{blocks - 4} of {blocks - 4}"


def test_inception_costs_less_than_vgg_accuracy_not_checkable() -> None:
    o = outcome("inception-low-compute")
    assert o.verdict == NOT_CHECKABLE
    assert point(o, r"MACs below").verdict == HOLDS
    # VGG16: 15.47 GFLOPS (torchvision docs); GoogLeNet's paper budget is 1.5G multiply-adds
    assert o.measured < 15.47e9 / 5


# ------------------------------------------------------------------------------------- EfficientNet


def test_flops_scale_as_d_w2_r2() -> None:
    o = outcome("efficientnet-flops-scaling")
    assert o.verdict == HOLDS
    assert (o.expected, o.measured) == (4, 4)  # (64 / 32)^2: the plain stack's width doubled
    assert point(o, r"depth x3").measured == 3
    assert point(o, r"resolution x3").measured == 9
    alt = o.readings[1]
    assert alt.verdict == HOLDS
    # B0's depthwise convs, stem and classifier grow only linearly in w: below 4, within half a unit of it
    assert 3.5 < point(o, r"B0, width x2", reading=1).measured < 4
    # only the classifier (1280 x 1000) and the SE layers on 1x1 maps do not grow with r^2
    assert 3.95 < point(o, r"B0, resolution x2", reading=1).measured < 4


def test_two_to_the_phi_fails_at_phi_1() -> None:
    o = outcome("efficientnet-2-phi")
    assert o.verdict == FAILS
    assert o.expected == 2
    assert o.measured > 2 * 1.2  # beyond 'about' (10%) and its band (10% more): repeats round up
    assert point(o, r"^α·β²·γ²").measured == pytest.approx(1.2 * 1.1**2 * 1.15**2)  # 1.9203
    assert point(o, r"^α·β²·γ²").verdict == HOLDS
    assert point(o, r"convolutions dominate").verdict == HOLDS
    # B0 scaled by alpha = 1.2 at phi = 1: every stage's repeats rounded up
    b0_blocks = sum(B0_REPEATS)
    phi1_blocks = sum(math.ceil(1.2 * n) for n in B0_REPEATS)
    assert (b0_blocks, phi1_blocks) == (16, 23)
    assert f"{phi1_blocks} blocks for {b0_blocks}" in o.correction


def test_official_b1_to_b7_do_not_double_per_phi() -> None:
    o = outcome("efficientnet-b1-b7-phi")
    assert o.verdict == FAILS
    assert o.expected == 2
    for k in (1, 3, 4, 5, 6, 7):
        assert point(o, rf"^B{k}:").measured == pytest.approx(TV_GMACS[k] / TV_GMACS[0], rel=3e-3)
    assert point(o, r"^B1:").verdict == "approx"  # 1.78 vs 2: within 10% beyond 'about'
    assert point(o, r"^B7:").verdict == FAILS  # 97.8 vs 128
    release = "240, 260, 300, 380, 456, 528, 600"
    equation3 = ", ".join(str(round(224 * 1.15**k)) for k in range(1, 8))
    assert measurement(o, r"^input side") == f"{release} / {equation3}"
    blocks = ", ".join(str(sum(math.ceil(d * n) for n in B0_REPEATS)) for d in RELEASE_DEPTH)
    eq3_blocks = ", ".join(str(sum(math.ceil(1.2**k * n) for n in B0_REPEATS)) for k in range(1, 8))
    assert measurement(o, r"^MBConv blocks") == f"{blocks} / {eq3_blocks}"


def test_width_depth_resolution_grow_what_the_notes_say() -> None:
    o = outcome("efficientnet-width-depth-resolution")
    assert o.verdict == HOLDS
    assert point(o, r"feature channels").measured == f"{1280} -> {2 * 1280}"  # round8(1280 * w)
    assert o.measured > 3  # most weights are in convs whose both widths double
    assert 3.9 < point(o, r"^input x2").measured <= 4  # the values grow as r^2 but for the 1x1 maps


# ------------------------------------------------------------------------------------- NASNet


def test_nasnet_cells_keep_or_shrink() -> None:
    o = outcome("nasnet-cells")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == "28x28"  # cells.0, after the stem (224 -> 111) and two reductions
    normal = [p for p in o.readings[0].points if "(normal)" in p.label]
    reduction = [p for p in o.readings[0].points if "(reduction)" in p.label]
    assert (len(normal), len(reduction)) == (3 * 4, 2 + 2)  # 4 normal cells per stage; 2 stem + 2 reductions
    assert point(o, r"^cell_stem_0").measured == f"111x111 -> {(111 + 1) // 2}x{(111 + 1) // 2}"
    assert point(o, r"^cells\.9 ").measured == "14x14 -> 7x7"
    assert point(o, r"^normal cells' ops").measured == {1}


# ------------------------------------------------------------------------------------- Residual Attention


def test_attention_mask_pools_and_upsamples_alike() -> None:
    o = outcome("attention-mask-branch")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == 3  # 56 -> 28 -> 14 -> 7
    # receptive field: 3x3/2 pool (3, jump 2), a unit's 3x3 (+2*2), pool (+2*2), a unit (+2*4), pool (+2*4)
    assert point(o, r"receptive field").measured == "3 -> 11 -> 27"
    assert point(o, r"output size").measured == (256, 56, 56)
    assert point(o, r"last layers").measured == ("Conv2d 1x1", "Sigmoid")
    assert point(o, r"skip connections").measured == 3 - 1  # every level but the lowest


def test_attention_residual_learning() -> None:
    o = outcome("attention-residual-learning")
    assert o.verdict == HOLDS
    assert o.measured <= 1e-6
    lo, hi = (float(v) for v in point(o, r"0\.\.1").measured.split(" .. "))
    assert 0 <= lo <= hi <= 1
    assert point(o, r"M = 0").measured <= 1e-6

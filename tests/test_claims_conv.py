"""The "Convolution arithmetic" claims: verdicts and key figures, derived here by hand.

Expected figures are worked out independently in this file (arithmetic beside each assertion, or
the MobileNet paper's published numbers, arXiv 1704.04861 Tables 1, 4, 6, 7), never copied from
archstats output.
"""

from __future__ import annotations

from typing import Any

import pytest

from archstats.claims import catalog, run, select
from archstats.claims.base import ALTERNATIVE, INTENDED, Figure

SECTION = "Convolution arithmetic"
IDS = (
    "conv1x1-vs-3x3-params",
    "three-3x3-vs-7x7",
    "three-3x3-vs-7x7-as-written",
    "two-3x3-vs-5x5",
    "stacked-3x3-receptive-field",
    "conv-params-with-bias",
    "dwsep-params-example",
    "dwsep-mac-formulas",
    "dwsep-same-output-shape",
    "dwsep-cost-ratio",
    "dwsep-8-9x",
    "mobilenet-width-multiplier",
    "mobilenet-resolution-multiplier",
    "mobilenet-28-layers",
    "mobilenet-downsampling",
    # new in issue 14
    "mobilenet-separable-after-first-conv",
    "mobilenet-bn-relu-except-fc",
    "early-downsampling-params",
    "early-downsampling-network-size",
    "depthwise-keeps-channels",
    "pointwise-one-channel",
    "remove-fc-layers",
    "kernel-reduction",
    "mobilenet-techniques",
    "depthwise-one-map-per-channel",
    "dwsep-layer-shapes",
    "pointwise-adjusts-channels",
    "depthwise-dk-label",
)

# MobileNet paper Table 1: separable layers as (M, N, stride of the depthwise conv), written out here.
TABLE1 = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2)]
TABLE1 += [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]


def mobilenet_macs(
    strided: tuple[int, ...] = (0, 2, 4, 6, 12), res: int = 224, alpha: float = 1.0, separable: bool = True
) -> float:
    """Stem 3x3x3x(32a) + depthwise 9*aM*D^2 + pointwise aM*aN*D^2 + FC, D the output size of each layer.

    ``strided``: the layers with stride 2 (0 = the stem, i = separable layer i); ``separable=False``: Table 4's
    Conv MobileNet, a full 3x3 conv 9*M*N*D^2 in place of each separable layer.
    """
    d = res // 2 if 0 in strided else res
    macs = d * d * 27 * 32 * alpha
    for i, (m, n, _) in enumerate(TABLE1, start=1):
        if i in strided:
            d = -(-d // 2)
        macs += (9 * alpha * m + alpha * m * alpha * n) * d * d if separable else 9 * m * n * d * d
    return macs + 1024 * alpha * 1000


def separable_macs(alpha: float) -> float:
    """The 13 separable layers of Table 1 at width alpha (224 input): 9*aM*D^2 + aM*aN*D^2."""
    return mobilenet_macs(alpha=alpha) - 112 * 112 * 27 * 32 * alpha - 1024 * alpha * 1000


FC_MACS = 1024 * 1000

# Parameters of 1.0 MobileNet: stem 3*3*3*32 + its BN 2*32; per separable layer depthwise 9M + BN 2M and
# pointwise M*N + BN 2N; the FC 1024*1000 + 1000. The paper rounds the total to 4.2M.
MOBILENET_PARAMS = 864 + 64 + sum(9 * m + 2 * m + m * n + 2 * n for m, n, _ in TABLE1) + 1024 * 1000 + 1000


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return {r.claim.id: r for r in run(select(list(IDS)))}


def outcome(results: dict[str, Any], claim_id: str) -> Any:
    r = results[claim_id]
    assert r.outcome is not None, r.error
    return r.outcome


def point(o: Any, label: str, reading: int = 0) -> Any:
    """The point of reading ``reading`` labelled ``label``, or the one whose label starts with it."""
    points = o.readings[reading].points
    found = [p for p in points if p.label == label] or [p for p in points if p.label.startswith(label)]
    assert len(found) == 1, (label, [p.label for p in o.readings[reading].points])
    return found[0]


def value(o: Any, label: str) -> Any:
    """The value of the one context measurement whose label starts with ``label``."""
    found = [m.value for m in o.measurements if m.label.startswith(label)]
    assert len(found) == 1, (label, [m.label for m in o.measurements])
    return found[0]


def test_section_catalog_is_complete() -> None:
    mine = {c.id for c in catalog() if c.section == SECTION}
    assert mine == set(IDS)


def test_hand_figures_match_the_paper() -> None:
    assert abs(MOBILENET_PARAMS - 4.2e6) < 0.05e6  # paper: 4.2M
    assert abs(mobilenet_macs() - 569e6) < 0.5e6  # paper Table 4: 569M (FC included)


# --- single layers and stacks ------------------------------------------------------------------


def test_conv1x1_vs_3x3_params(results) -> None:
    o = outcome(results, "conv1x1-vs-3x3-params")
    assert o.verdict == "holds"
    assert o.expected == 9 and o.measured == (64 * 64 * 9) / (64 * 64)  # 36,864 / 4,096
    assert o.readings[0].points[0].expected.interval() == (8.5, 9.5)  # "9" printed as an integer
    assert point(o, "512->512").measured == 9
    assert value(o, "64->64 with biases") == pytest.approx((36864 + 64) / (4096 + 64))  # 8.877


def test_three_3x3_vs_7x7(results) -> None:
    o = outcome(results, "three-3x3-vs-7x7")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 3 * (3**2 * 64**2) == 110592
    assert point(o, "C=64: one 7x7").measured == 7**2 * 64**2 == 200704
    assert point(o, "C=512: three 3x3").measured == 27 * 512**2 == 7077888
    # the cost reading: 27C^2 MACs for each output pixel
    assert point(o, "C=512: one 7x7, MACs a pixel").measured == 49 * 512**2
    assert point(o, "C=64: fewer parameters").measured == pytest.approx(27 / 49)
    assert point(o, "more ReLUs").measured == "3 vs 1"
    assert value(o, "C=64 with biases: three 3x3") == 110592 + 3 * 64
    assert value(o, "C=64 with biases: one 7x7") == 200704 + 64


def test_three_3x3_vs_7x7_as_written_is_an_erratum(results) -> None:
    o = outcome(results, "three-3x3-vs-7x7-as-written")
    assert o.verdict == "erratum"
    literal, intended = o.readings
    assert literal.verdict == "fails" and intended.role == INTENDED and intended.verdict == "holds"
    assert o.expected == 7**7 * 64**2 == 3373232128  # 7^7 = 823,543
    assert o.measured == 7**2 * 64**2 == 200704
    assert point(o, "C=3", reading=1).expected.value == 49 * 9 == 441
    assert "200,704" in o.correction and "7^2" in o.correction


def test_two_3x3_vs_5x5(results) -> None:
    o = outcome(results, "two-3x3-vs-5x5")
    assert o.verdict == "holds"
    assert o.measured == pytest.approx((18 * 64**2) / (25 * 64**2)) == 0.72  # 73,728 / 102,400
    # with biases at C=3: (18 * 9 + 6) / (25 * 9 + 3) = 168 / 228
    assert point(o, "C=3 with biases").measured == pytest.approx(168 / 228)
    assert point(o, "ReLUs").measured == 2


def test_stacked_3x3_receptive_field(results) -> None:
    o = outcome(results, "stacked-3x3-receptive-field")
    assert o.verdict == "holds"
    assert o.expected == o.measured == "7x7"  # 1 + 3 * (3 - 1)
    assert point(o, "two 3x3").measured == point(o, "one 5x5").measured == "5x5"  # 1 + 2 * 2
    assert value(o, "two 3x3, the first with stride 2") == 3 + 2 * 2


def test_conv_params_with_bias(results) -> None:
    o = outcome(results, "conv-params-with-bias")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 3 * 3 * 3 * 64 + 64 == 1792
    assert point(o, "5x5: weights + biases").measured == 5 * 5 * 3 * 64 + 64 == 4864
    assert point(o, "5x5: weights").measured == 4800


def test_dwsep_params_example(results) -> None:
    o = outcome(results, "dwsep-params-example")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 3 * 3 * 1 * 3 + 1 * 1 * 3 * 3 == 36
    assert point(o, "standard 3x3 conv").measured == 3 * 3 * 3 * 3 == 81
    assert point(o, "depthwise (3x3)x1").measured == 27


# --- depthwise separable cost -------------------------------------------------------------------


def test_dwsep_mac_formulas(results) -> None:
    o = outcome(results, "dwsep-mac-formulas")
    assert o.verdict == "holds"
    # Dk=3, M=32, N=64 at 28x28: depthwise 32 * 784 * 9 = 225,792 + pointwise 64 * 784 * 32 = 1,605,632
    assert o.expected == o.measured == 225792 + 1605632 == 32 * 28**2 * (3**2 + 64)
    assert point(o, "Dk=3 M=32 N=64 28x28: standard, a step").measured == 3**2 * 32
    assert point(o, "Dk=3 M=32 N=64 28x28: pointwise, a filter").measured == 28**2 * 32
    # stride 2 on 28x28: D_G = 14; standard 64 * 196 * 9 * 32 = 3,612,672; depthwise 32 * 196 * 9 = 56,448
    assert point(o, "Dk=3 M=32 N=64 28x28 s2: standard").measured == 3612672
    assert point(o, "Dk=3 M=32 N=64 28x28 s2: depthwise").measured == 56448
    # 004's D_F read as the input size: 9 * 32 * 784 = 225,792, 4x the measured 56,448
    assert value(o, "Dk=3 M=32 N=64 28x28 s2: depthwise with D_F") == 225792
    # no padding: D_G = 26; standard 64 * 676 * 9 * 32 = 12,460,032
    assert point(o, "Dk=3 M=32 N=64 28x28 pad 0: standard").measured == 12460032


def test_dwsep_same_output_shape(results) -> None:
    o = outcome(results, "dwsep-same-output-shape")
    assert o.verdict == "holds"
    assert o.expected == o.measured == "(28, 28, 64)"
    assert point(o, "Dk=3 M=32 N=64 28x28 s2: output").measured == "(14, 14, 64)"  # (28 + 2 - 3) // 2 + 1
    assert point(o, "Dk=3 M=32 N=64 28x28 pad 0: output").measured == "(26, 26, 64)"
    assert point(o, "Dk=5 M=32 N=64 28x28: cheaper").measured == pytest.approx(1 / 64 + 1 / 25)
    assert not [p for p in o.readings[0].points if p.label.startswith("Dk=1") and "cheaper" in p.label]


def test_dwsep_cost_ratio(results) -> None:
    o = outcome(results, "dwsep-cost-ratio")
    assert o.verdict == "holds"
    assert o.expected == pytest.approx(1 / 64 + 1 / 9)  # 0.12674
    assert o.measured == pytest.approx((225792 + 1605632) / (64 * 784 * 9 * 32))  # 1,831,424 / 14,450,688
    assert point(o, "Dk=7 M=32 N=64 28x28").measured == pytest.approx(1 / 64 + 1 / 49)
    assert point(o, "Dk=1 M=32 N=64 28x28").measured == pytest.approx(1 + 1 / 64)


def test_dwsep_8_9x(results) -> None:
    o = outcome(results, "dwsep-8-9x")
    assert o.verdict == "holds"
    figure = o.readings[0].points[0].expected
    assert isinstance(figure, Figure) and figure.interval() == (7.5, 9.5)  # "8 ~ 9" printed in integers
    assert o.expected == 8.5
    # whole nets: Conv MobileNet = stem + sum 9 * M * N * D^2 + FC; MobileNet = stem + separable + FC
    full = mobilenet_macs(separable=False)
    assert abs(full - (4866e6 + FC_MACS)) < 0.5e6  # paper Table 4: 4866M (convs only), plus the 1.02M FC
    assert o.measured == pytest.approx(full / mobilenet_macs())  # 8.558
    # first separable layer, N = 64: 9 * 64 / (64 + 9) = 7.890, below 8 yet within 7.5-9.5
    layer1 = point(o, "layer 1 (N=64)")
    assert layer1.measured == pytest.approx(576 / 73) and layer1.verdict == "holds"
    assert value(o, "a single 3x3 layer 64->16") == pytest.approx(9 * 16 / 25)  # 5.76: outside MobileNet


# --- MobileNet ------------------------------------------------------------------------------------


def test_mobilenet_width_multiplier(results) -> None:
    o = outcome(results, "mobilenet-width-multiplier")
    assert o.verdict == "holds"
    assert o.expected == o.measured == separable_macs(0.5)  # Table 1 at half width
    assert point(o, "alpha=0.25: filters").measured == 0.25
    # whole nets against the paper's Table 6 (mult-adds incl. FC): 325M, 149M, 41M for 0.75, 0.5, 0.25
    for alpha, paper in ((0.75, 325e6), (0.5, 149e6), (0.25, 41e6)):
        assert value(o, f"alpha={alpha}: whole-net MACs") == pytest.approx(mobilenet_macs(alpha=alpha))
        assert abs(mobilenet_macs(alpha=alpha) - paper) < 0.6e6
    # params fall with alpha: paper Table 6: 4.2M, 2.6M, 1.3M, 0.5M
    for alpha, paper in ((0.75, 2.6e6), (0.5, 1.3e6), (0.25, 0.5e6)):
        assert abs(point(o, f"alpha={alpha}: fewer params").measured - paper) < 0.05e6


def test_mobilenet_resolution_multiplier(results) -> None:
    o = outcome(results, "mobilenet-resolution-multiplier")
    assert o.verdict == "holds"
    whole128 = mobilenet_macs(res=128)
    assert abs(whole128 - 186e6) < 0.5e6  # paper Table 7: 186M
    assert o.measured == pytest.approx(whole128 / mobilenet_macs())
    assert point(o, "rho=6/7 (192)").measured == pytest.approx(mobilenet_macs(res=192) / mobilenet_macs())
    # paper context, not judged: convs scale by rho^2 exactly, parameters do not change
    assert value(o, "rho=4/7: conv MACs") == pytest.approx(16 / 49)
    assert value(o, "rho=4/7: parameters") == MOBILENET_PARAMS


def test_mobilenet_28_layers(results) -> None:
    o = outcome(results, "mobilenet-28-layers")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 1 + 13 + 13 + 1
    assert point(o, "conv and FC layers").measured == 28
    assert value(o, "Conv MobileNet (full-conv twin) depth") == 1 + 13 + 1


def test_mobilenet_downsampling(results) -> None:
    o = outcome(results, "mobilenet-downsampling")
    assert o.verdict == "holds"
    # 224 -> 7 is five halvings: the stem and the depthwise convs of Table 1's s2 rows
    assert o.measured == "first conv s2 + 4 depthwise conv s2"
    for module, halving in (("features.0.0", "224->112"), ("features.12.depthwise.0", "14->7")):
        assert point(o, f"{module} {halving}").verdict == "holds"
    assert len(o.readings[0].points) == 1 + 5 + 1
    assert point(o, "pooling layers").measured == 0


def test_mobilenet_separable_after_first_conv(results) -> None:
    o = outcome(results, "mobilenet-separable-after-first-conv")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 2 * 13  # 13 depthwise + pointwise pairs after the stem
    assert point(o, "the first conv").measured == "3x3 conv 3->32, groups 1"


def test_mobilenet_bn_relu_except_fc(results) -> None:
    o = outcome(results, "mobilenet-bn-relu-except-fc")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 1 + 2 * 13  # every conv
    assert point(o, "the last FC").measured == "nothing"


def test_early_downsampling_params_fails(results) -> None:
    o = outcome(results, "early-downsampling-params")
    assert o.verdict == "fails"
    assert o.measured == MOBILENET_PARAMS  # early: the same parameters
    assert point(o, "late").measured == MOBILENET_PARAMS
    assert point(o, "accuracy").verdict == "not-checkable"
    # the cost does move: stride 2 at the stem and layers 1-4, or at layers 9-13
    assert value(o, "MACs, stride 2 at the stem") == mobilenet_macs((0, 1, 2, 3, 4))
    assert value(o, "MACs, stride 2 at layers 9-13") == mobilenet_macs((9, 10, 11, 12, 13))
    assert value(o, "MACs, Table 1's layout") == mobilenet_macs()
    assert f"{MOBILENET_PARAMS:,}" in o.correction


def test_early_downsampling_network_size_is_ambiguous(results) -> None:
    o = outcome(results, "early-downsampling-network-size")
    assert o.verdict == "ambiguous"
    size, cost = o.readings
    assert size.verdict == "fails" and cost.role == ALTERNATIVE
    assert point(o, "early: parameters").verdict == "fails"
    assert point(o, "late: parameters not below").verdict == "holds"
    early, late = point(o, "early: MACs", reading=1), point(o, "late: MACs", reading=1)
    assert early.verdict == late.verdict == "holds"
    assert early.measured == mobilenet_macs((0, 1, 2, 3, 4)) < mobilenet_macs() < late.measured


def test_depthwise_keeps_channels_is_ambiguous(results) -> None:
    o = outcome(results, "depthwise-keeps-channels")
    assert o.verdict == "ambiguous"
    assert o.expected == o.measured == 13  # every depthwise conv keeps its channels
    shrinking = point(o, "depthwise convs shrinking")
    assert shrinking.verdict == "fails" and shrinking.measured == 4  # Table 1's four stride-2 rows
    assert o.readings[1].verdict == "holds"


def test_pointwise_one_channel_is_an_erratum(results) -> None:
    o = outcome(results, "pointwise-one-channel")
    assert o.verdict == "erratum"
    assert o.expected == 1 and o.measured == 64  # layer 1: 32 -> 64
    assert point(o, "layer 13", reading=1).measured == 1024
    assert point(o, "one 1x1 filter", reading=1).measured == 1
    assert "one per filter" in o.correction


def test_remove_fc_layers_is_ambiguous(results) -> None:
    o = outcome(results, "remove-fc-layers")
    assert o.verdict == "ambiguous"
    fc = 7 * 7 * 1024 * 1000 + 1000  # an FC on MobileNet's flattened 7x7x1024 map
    assert o.measured == 1024 * 1000 + 1000  # a 1x1 conv shared over the 49 positions
    assert point(o, "7x7 conv", reading=1).measured == fc
    assert value(o, "MobileNet's classifier") == 1024 * 1000 + 1000


def test_kernel_reduction(results) -> None:
    o = outcome(results, "kernel-reduction")
    assert o.verdict == "holds"
    assert o.measured == pytest.approx(1 / 9)
    assert point(o, "256->512: fewer MACs").measured == pytest.approx(1 / 9)


def test_mobilenet_techniques_not_checkable(results) -> None:
    o = outcome(results, "mobilenet-techniques")
    assert o.verdict == "not-checkable"
    assert o.measured == 13
    assert point(o, "channel reduction").measured == 0.5
    assert point(o, "distillation").verdict == "not-checkable"


def test_depthwise_one_map_per_channel(results) -> None:
    o = outcome(results, "depthwise-one-map-per-channel")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 5
    assert point(o, "5 input channels: filters").measured == "5 x (3, 3, 1)"
    assert point(o, "MobileNet depthwise").measured == 13


def test_dwsep_layer_shapes(results) -> None:
    o = outcome(results, "dwsep-layer-shapes")
    assert o.verdict == "holds"
    assert o.expected == o.measured == "64 x (3, 3, 32)"  # N x (D_K, D_K, M)
    assert point(o, "Dk=3 M=32 N=64 28x28 s2: depthwise output").measured == "(14, 14, 32)"
    assert point(o, "Dk=5 M=32 N=64 28x28: depthwise filters").measured == "32 x (5, 5, 1)"
    assert point(o, "Dk=3 M=32 N=64 28x28 pad 0: pointwise filters").measured == "64 x (1, 1, 32)"
    assert point(o, "Dk=3 M=32 N=64 28x28 pad 0: standard output").measured == "(26, 26, 64)"


def test_pointwise_adjusts_channels(results) -> None:
    o = outcome(results, "pointwise-adjusts-channels")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 13
    # Table 1's pointwise convs that change the channel count: 32->64, 64->128, 128->256, 256->512, 512->1024
    assert value(o, "pointwise convs changing") == 5


def test_depthwise_dk_label_is_an_erratum(results) -> None:
    o = outcome(results, "depthwise-dk-label")
    assert o.verdict == "erratum"
    assert o.expected == 112 * 112 * 32 * 112 * 112  # D_k read as the input size 112
    assert o.measured == 3 * 3 * 32 * 112 * 112 == 3612672
    assert o.readings[1].role == INTENDED and o.readings[1].verdict == "holds"


# --- the claims as data ---------------------------------------------------------------------------


def test_claims_carry_sources_quotes_and_translations() -> None:
    by_id = {c.id: c for c in catalog() if c.section == SECTION}
    for c in by_id.values():
        assert c.quote and c.translation and c.statement and c.interpretation
    assert by_id["three-3x3-vs-7x7"].source == "004:41, 004:45, 002:59"
    assert by_id["two-3x3-vs-5x5"].source == "003:34, 004:40, 004:44"
    assert by_id["dwsep-8-9x"].source == "004:283"
    # 004:311 says rho reduces the cost: the paper's rho^2 and unchanged parameters are context only
    statement = by_id["mobilenet-resolution-multiplier"].statement
    assert "^2" not in statement and "parameter" not in statement


def test_failing_claims_carry_a_correction(results) -> None:
    for claim_id in IDS:
        o = outcome(results, claim_id)
        if o.verdict in ("fails", "erratum", "ambiguous"):
            assert o.correction, claim_id

"""The "Convolution arithmetic" claims: verdicts and key figures, derived here by hand.

Expected figures are worked out independently in this file (arithmetic beside each assertion, or
the MobileNet paper's published numbers, arXiv 1704.04861 Tables 1, 4, 6, 7), never copied from
archstats output.
"""

from __future__ import annotations

import pytest

from archstats.claims import catalog, run, select

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
)

# MobileNet paper Table 1: separable layers as (M, N, output size at 224), written out here.
TABLE1 = [(32, 64, 112), (64, 128, 56), (128, 128, 56), (128, 256, 28), (256, 256, 28), (256, 512, 14)]
TABLE1 += [(512, 512, 14)] * 5 + [(512, 1024, 7), (1024, 1024, 7)]
STEM_MACS = 112 * 112 * 32 * 3 * 3 * 3  # 3x3 conv 3->32, stride 2: 10,838,016
FC_MACS = 1024 * 1000


def separable_macs(alpha: float, scale: float = 1.0) -> float:
    """Depthwise 9*aM*D^2 + pointwise aM*aN*D^2 over Table 1 (D scaled by rho)."""
    return sum(9 * alpha * m * (d * scale) ** 2 + alpha * m * alpha * n * (d * scale) ** 2 for m, n, d in TABLE1)


@pytest.fixture(scope="module")
def results():
    return {r.claim.id: r for r in run(select(list(IDS)))}


def outcome(results, claim_id):
    r = results[claim_id]
    assert r.outcome is not None, r.error
    return r.outcome


def value(o, label_start):
    """The value of the one measurement whose label starts with ``label_start``."""
    found = [m.value for m in o.measurements if m.label.startswith(label_start)]
    assert len(found) == 1, (label_start, [m.label for m in o.measurements])
    return found[0]


def test_section_catalog_is_complete():
    mine = {c.id for c in catalog() if c.section == "Convolution arithmetic"}
    assert mine == set(IDS)


def test_conv1x1_vs_3x3_params(results):
    o = outcome(results, "conv1x1-vs-3x3-params")
    assert o.verdict == "holds"
    assert o.expected == 9
    assert o.measured == pytest.approx((64 * 64 * 9) / (64 * 64 * 1), rel=0, abs=0)  # 36,864 / 4,096
    # with biases: (36,864 + 64) / (4,096 + 64) = 8.8769...
    assert value(o, "64->64 with biases") == pytest.approx(36928 / 4160)


def test_three_3x3_vs_7x7(results):
    o = outcome(results, "three-3x3-vs-7x7")
    assert o.verdict == "holds"
    # C=64: three 3x3 = 3 * 9 * 4096 = 110,592; one 7x7 = 49 * 4096 = 200,704
    assert o.measured == pytest.approx(110592 / 200704)
    assert o.expected == pytest.approx(27 / 49)
    assert value(o, "C=512 three 3x3 params: measured") == 27 * 512 * 512 == 7077888
    assert value(o, "C=512 one 7x7 params: measured") == 49 * 512 * 512 == 12845056
    # MACs: 27C^2 per output pixel, 8x8 output, C=16: 27 * 256 * 64 = 442,368
    assert value(o, "C=16 three 3x3 MACs on an 8x8 output (27C^2 per pixel): measured") == 442368
    # with biases at C=64: 110,592 + 3*64 = 110,784 and 200,704 + 64 = 200,768
    assert value(o, "C=64 with biases: three 3x3") == 110784
    assert value(o, "C=64 with biases: one 7x7") == 200768


def test_three_3x3_vs_7x7_as_written_is_a_typo(results):
    o = outcome(results, "three-3x3-vs-7x7-as-written")
    assert o.verdict == "fails"
    assert o.expected == 823543 * 4096 == 3373232128  # 7^7 = 823,543, C = 64
    assert o.measured == 49 * 4096 == 200704
    assert "7^2" in o.explanation and "typo" in o.explanation


def test_two_3x3_vs_5x5(results):
    o = outcome(results, "two-3x3-vs-5x5")
    assert o.verdict == "holds"
    # C=64: two 3x3 = 18 * 4096 = 73,728; one 5x5 = 25 * 4096 = 102,400
    assert o.measured == pytest.approx(73728 / 102400) == 0.72
    assert value(o, "C=3 two 3x3 params: measured") == 18 * 9 == 162
    assert value(o, "C=3 one 5x5 params: measured") == 25 * 9 == 225
    # with biases at C=3: (162 + 6) / (225 + 3) = 168 / 228
    assert value(o, "C=3 with biases, fewer params") == pytest.approx(168 / 228)


def test_stacked_3x3_receptive_field(results):
    o = outcome(results, "stacked-3x3-receptive-field")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 7  # 1 + 3 * (3 - 1)
    assert value(o, "2 stacked 3x3 (stride 1) receptive field: measured") == 5  # 1 + 2 * 2
    assert value(o, "5 stacked 3x3 (stride 1) receptive field: measured") == 11
    assert value(o, "one 7x7 receptive field: measured") == 7
    # first conv stride 2: 3, then + (3 - 1) * jump 2 = 7
    assert value(o, "two 3x3, the first with stride 2") == 7


def test_conv_params_with_bias(results):
    o = outcome(results, "conv-params-with-bias")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 3 * 3 * 3 * 64 + 64 == 1792
    assert value(o, "5x5 3->64 weights + biases: measured") == 5 * 5 * 3 * 64 + 64 == 4864
    assert value(o, "5x5 3->64 weights: measured") == 4800


def test_dwsep_params_example(results):
    o = outcome(results, "dwsep-params-example")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 3 * 3 * 1 * 3 + 1 * 1 * 3 * 3 == 36
    assert value(o, "standard 3x3 3->3 params (3x3x3x3): measured") == 81
    assert value(o, "depthwise 3x3, groups 3 (3x3x1x3): measured") == 27


def test_dwsep_mac_formulas(results):
    o = outcome(results, "dwsep-mac-formulas")
    assert o.verdict == "holds"
    # Dk=3, M=32, N=64 at 28x28: depthwise 32 * 784 * 9 = 225,792; pointwise 64 * 784 * 32 = 1,605,632
    assert o.expected == o.measured == 225792 + 1605632
    # stride 2 on 28x28: D_G = 14; standard 64 * 196 * 9 * 32 = 3,612,672; depthwise 32 * 196 * 9 = 56,448
    assert value(o, "Dk=3 M=32 N=64 in 28x28 s2 same: standard N*D_G^2*D_K^2*M: measured") == 3612672
    assert value(o, "Dk=3 M=32 N=64 in 28x28 s2 same: depthwise M*D_G^2*D_K^2: measured") == 56448
    # with 004's D_F read as the input size: 9 * 32 * 784 = 225,792, 4x the measured 56,448
    assert value(o, "Dk=3 M=32 N=64 in 28x28 s2 same: 004's") == 225792
    # no padding: D_G = 26; standard 64 * 676 * 9 * 32 = 12,460,032
    assert value(o, "Dk=3 M=32 N=64 in 28x28 s1 pad 0: standard N*D_G^2*D_K^2*M: measured") == 12460032


def test_dwsep_same_output_shape(results):
    o = outcome(results, "dwsep-same-output-shape")
    assert o.verdict == "holds"
    assert o.expected == o.measured == "1x64x14x14"  # 28x28 stride 2 -> 14x14, N = 64
    assert value(o, "Dk=3 M=32 N=64 in 28x28 s1 pad 0: depthwise keeps M channels") == "1x32x26x26"


def test_dwsep_cost_ratio(results):
    o = outcome(results, "dwsep-cost-ratio")
    assert o.verdict == "holds"
    assert o.expected == pytest.approx(1 / 64 + 1 / 9)  # 0.12674
    assert o.measured == pytest.approx((225792 + 1605632) / (64 * 784 * 9 * 32))  # 1,831,424 / 14,450,688
    assert value(o, "Dk=7 M=32 N=64 in 28x28 s1 same: MACs separable / standard: measured") == pytest.approx(
        1 / 64 + 1 / 49
    )
    assert value(o, "Dk=1 M=32 N=64 in 28x28 s1 same: MACs separable / standard: measured") == pytest.approx(1 + 1 / 64)


def test_dwsep_8_9x(results):
    o = outcome(results, "dwsep-8-9x")
    assert o.verdict == "holds"
    assert o.expected == 8.5
    # whole nets: Conv MobileNet = stem + sum 9 * M * N * D^2 + FC; MobileNet = stem + separable + FC
    full = STEM_MACS + sum(9 * m * n * d * d for m, n, d in TABLE1) + FC_MACS
    sep = STEM_MACS + separable_macs(1.0) + FC_MACS
    assert full == 4867293184  # paper Table 4: 4866M (convs only) + 1.02M FC
    assert sep == 568740352  # paper Table 4: 569M
    assert o.measured == pytest.approx(full / sep)  # 8.558
    assert 8 < o.measured < 9
    # first separable layer, N = 64: 9 * 64 / (64 + 9) = 7.890, just under 8
    layer1 = value(o, "MobileNet layer 1 (N=64): 3x3 conv / separable MACs (formula 9N/(N+9) = 7.890): measured")
    assert layer1 == pytest.approx(576 / 73)
    assert value(o, "single layer N=72") == pytest.approx(8.0)
    assert "7.89x" in o.explanation


def test_mobilenet_width_multiplier(results):
    o = outcome(results, "mobilenet-width-multiplier")
    assert o.verdict == "holds"
    # alpha = 0.5: Table 1 halved
    assert o.expected == pytest.approx(separable_macs(0.5))
    assert o.measured == pytest.approx(separable_macs(0.5), rel=0, abs=0.5)
    # whole nets against the paper's Table 6 (mult-adds incl. FC): 325M, 149M, 41M for 0.75, 0.5, 0.25
    stem = {0.75: 112 * 112 * 24 * 27, 0.5: 112 * 112 * 16 * 27, 0.25: 112 * 112 * 8 * 27}
    fc = {0.75: 768 * 1000, 0.5: 512 * 1000, 0.25: 256 * 1000}
    base = STEM_MACS + separable_macs(1.0) + FC_MACS
    for alpha, paper in ((0.75, 325e6), (0.5, 149e6), (0.25, 41e6)):
        whole = stem[alpha] + separable_macs(alpha) + fc[alpha]
        assert abs(whole - paper) < 0.6e6
        assert value(o, f"alpha={alpha} whole-net MACs / alpha=1") == pytest.approx(whole / base)
    # params fall with alpha: paper Table 6: 4.2M, 2.6M, 1.3M, 0.5M
    for alpha, paper in ((0.75, 2.6e6), (0.5, 1.3e6), (0.25, 0.5e6)):
        assert abs(value(o, f"alpha={alpha}: fewer params") - paper) < 0.05e6
    # D_F read as the input size overcounts the 4 stride-2 layers by 4x
    overcount = sum((9 * m + m * n) * (d * (2 if i in (1, 3, 5, 11) else 1)) ** 2 for i, (m, n, d) in enumerate(TABLE1))
    assert value(o, "alpha=1 formula with D_F = each layer's input size") == pytest.approx(overcount)


def test_mobilenet_resolution_multiplier(results):
    o = outcome(results, "mobilenet-resolution-multiplier")
    assert o.verdict == "holds"
    assert o.expected == pytest.approx((128 / 224) ** 2)  # 16/49
    conv224 = STEM_MACS + separable_macs(1.0)  # 567,716,352
    whole128 = conv224 * 16 / 49 + FC_MACS  # 186,400,768; paper Table 7: 186M
    assert abs(whole128 - 186e6) < 0.5e6
    assert o.measured == pytest.approx(whole128 / (conv224 + FC_MACS))
    assert value(o, "rho=4/7 (128) conv-only MACs / 224") == pytest.approx(16 / 49)
    for res in ("6/7 (192)", "5/7 (160)", "4/7 (128)"):
        assert value(o, f"rho={res} params unchanged") == 4231976  # paper: 4.2M at every resolution


def test_mobilenet_28_layers(results):
    o = outcome(results, "mobilenet-28-layers")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 1 + 13 + 13 + 1
    assert value(o, "depthwise convs") == 13
    assert value(o, "Conv MobileNet (full-conv twin) depth") == 1 + 13 + 1


def test_mobilenet_downsampling(results):
    o = outcome(results, "mobilenet-downsampling")
    assert o.verdict == "holds"
    # 224 -> 7 is five halvings: the stem and the depthwise convs of Table 1's s2 rows
    assert o.measured == "first conv + 4 depthwise convs"
    halvings = {
        "features.0.0": "224->112",
        "features.2.depthwise.0": "112->56",
        "features.4.depthwise.0": "56->28",
        "features.6.depthwise.0": "28->14",
        "features.12.depthwise.0": "14->7",
    }
    for module, halving in halvings.items():
        assert value(o, f"{module} (Conv2d)") == halving
    assert len([m for m in o.measurements if "(Conv2d)" in m.label]) == 5
    assert value(o, "pooling layers before the classifier's global pool") == 0


def test_claims_carry_sources_quotes_and_tolerances():
    for c in catalog():
        if c.section != "Convolution arithmetic":
            continue
        assert c.quote and c.statement and c.interpretation
        assert 0 <= c.tolerance <= c.band or c.band == 0
    by_id = {c.id: c for c in catalog()}
    assert by_id["three-3x3-vs-7x7"].source == "004:41, 002:59"
    assert by_id["dwsep-8-9x"].source == "004:283"

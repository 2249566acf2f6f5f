"""The AlexNet / VGG claims of the notes: each check's verdict and key figures, derived by hand here."""

from __future__ import annotations

import pytest

from archstats.claims import APPROX, FAILS, HOLDS, NOT_CHECKABLE, catalog, run, select

IDS = (
    "alexnet-conv1",
    "alexnet-pool1",
    "alexnet-224-vs-227",
    "alexnet-two-gpu",
    "alexnet-60m",
    "vgg16-138m",
    "vgg16-16-layers",
    "vgg16-fc-share",
    "vgg-filters-double",
    "vgg16-memory-100mb",
    "early-memory-late-params",
    "lecture-summary-table",
    # found in the notes besides claims.md's list
    "alexnet-layout",
    "alexnet-pool-norm-order",
    "vgg-configs-depths",
    "vgg-3x3-same-pool-halves",
    "vgg-constant-compute",
    "vgg19-more-memory",
    "alexnet-relu-6x",
)


# AlexNet (two towers) by hand, weights + biases:
#   conv1 11*11*3*96 + 96 = 34,944        conv2 5*5*48*256 + 256 = 307,456 (groups=2: 96/2 = 48 inputs)
#   conv3 3*3*256*384 + 384 = 885,120     conv4 3*3*192*384 + 384 = 663,936 (384/2 = 192 inputs)
#   conv5 3*3*192*256 + 256 = 442,624     fc6 9216*4096 + 4096 = 37,752,832 (9216 = 256*6*6)
#   fc7 4096*4096 + 4096 = 16,781,312     fc8 4096*1000 + 1000 = 4,097,000
ALEXNET_PARAMS = 34_944 + 307_456 + 885_120 + 663_936 + 442_624 + 37_752_832 + 16_781_312 + 4_097_000
# VGG16: torchvision docs, VGG16_Weights.IMAGENET1K_V1 "num_params 138,357,544"
VGG16_PARAMS = 138_357_544
# VGG16 FC: (7*7*512)*4096 + 4096, 4096*4096 + 4096, 4096*1000 + 1000
VGG16_FC = 102_764_544 + 16_781_312 + 4_097_000


@pytest.fixture(scope="module")
def results():
    return {r.claim.id: r for r in run(select(list(IDS)))}


def outcome(results, claim_id):
    r = results[claim_id]
    assert r.outcome is not None, r.error
    return r.outcome


def values(o, label_start):
    return [m.value for m in o.measurements if m.label.startswith(label_start)]


def test_every_claim_of_the_section_is_registered_with_a_check(results):
    ours = {c.id for c in catalog() if c.section == "AlexNet and VGG"}
    assert ours == set(IDS)
    for claim_id in IDS:
        assert results[claim_id].outcome is not None, results[claim_id].error


def test_alexnet_conv1(results):
    o = outcome(results, "alexnet-conv1")
    assert o.verdict == HOLDS
    assert o.expected == o.measured == 11 * 11 * 3 * 96 == 34_848
    assert values(o, "zoo alexnet conv1 (features.0): output") == ["55x55x96"]  # (227-11)/4+1 = 55
    assert values(o, "zoo alexnet conv1: params incl. 96 biases") == [34_848 + 96]
    assert values(o, "zoo alexnet conv1: MACs") == [55 * 55 * 96 * 11 * 11 * 3]


def test_alexnet_pool1(results):
    o = outcome(results, "alexnet-pool1")
    assert o.verdict == HOLDS
    assert o.measured == "27x27x96, 0 params"  # (55-3)/2+1 = 27, pooling has no weights
    assert values(o, "pool1 input") == ["55x55x96"]


def test_alexnet_224_vs_227(results):
    o = outcome(results, "alexnet-224-vs-227")
    assert o.verdict == HOLDS
    assert (224 - 11) / 4 + 1 == 54.25  # not an integer: PyTorch floors to 54
    assert o.measured == "224 -> 54; 227 -> 55"
    assert values(o, "two-tower features flattened at 224") == [256 * 5 * 5]  # 54 -> pool 26 -> pool 12 -> pool 5
    assert values(o, "fc6 inputs") == [256 * 6 * 6]
    assert "forward fails" in values(o, "whole two-tower net at 224")[0]
    # torchvision pads conv1 by 2: floor((224 + 4 - 11) / 4) + 1 = 55
    assert values(o, "single-tower conv1 (pad 2) output at 224") == ["55x55x64"]


def test_alexnet_two_gpu(results):
    o = outcome(results, "alexnet-two-gpu")
    # the notes say 48 maps for conv1, 2, 4, 5; conv4 and conv5 filters see 384 / 2 = 192
    assert o.verdict == FAILS
    assert (o.expected, o.measured) == (48, 384 // 2)
    assert values(o, "conv2 maps seen per filter (groups=2): measured (holds)") == [96 // 2]
    assert values(o, "conv5 maps seen per filter (groups=2): measured (fails)") == [384 // 2]
    assert values(o, "conv3 maps seen per filter (all of conv2's): measured (holds)") == [256]
    assert values(o, "fc6 inputs (all of pool3's): measured (holds)") == [256 * 6 * 6]
    # ungrouping adds conv2 256*48*25 + conv4 384*192*9 + conv5 256*192*9 weights
    extra = 256 * 48 * 25 + 384 * 192 * 9 + 256 * 192 * 9
    assert extra == 1_413_120
    [grouped] = values(o, "two-tower (grouped) AlexNet params")
    [dense] = values(o, "same net, conv2/4/5 ungrouped: params")
    assert (grouped, dense) == (ALEXNET_PARAMS, ALEXNET_PARAMS + extra)
    # MACs: the same extra weights applied at 27*27 (conv2) and 13*13 (conv4, conv5) positions
    [g_macs] = values(o, "two-tower (grouped) AlexNet MACs")
    [d_macs] = values(o, "same net, conv2/4/5 ungrouped: MACs")
    assert d_macs - g_macs == 27 * 27 * 256 * 48 * 25 + 13 * 13 * (384 * 192 * 9 + 256 * 192 * 9) == 410_849_280


def test_alexnet_60m(results):
    o = outcome(results, "alexnet-60m")
    assert ALEXNET_PARAMS == 60_965_224  # Caffe bvlc_alexnet deploy.prototxt count
    assert o.measured == ALEXNET_PARAMS
    # 60,965,224 rounds to 61M: +1.6% is outside the printed figure's +-0.5M, within 10%
    assert o.verdict == APPROX
    assert o.rel_diff == pytest.approx(0.965_224 / 60, rel=1e-9)
    assert values(o, "single-tower AlexNet") == [61_100_840]  # torchvision docs, AlexNet_Weights


def test_vgg16_138m(results):
    o = outcome(results, "vgg16-138m")
    assert o.verdict == HOLDS
    assert o.measured == VGG16_PARAMS
    assert abs(o.rel_diff) < 0.5 / 138


def test_vgg16_16_layers(results):
    o = outcome(results, "vgg16-16-layers")
    assert o.verdict == HOLDS
    assert o.measured == 13 + 3  # 2+2+3+3+3 convs, 3 FC
    assert values(o, "VGG19 depth") == [19, 19]  # expected, measured: 2+2+4+4+4 convs + 3 FC


def test_vgg16_fc_share(results):
    o = outcome(results, "vgg16-fc-share")
    assert o.verdict == HOLDS
    assert VGG16_FC == 123_642_856
    assert o.measured == VGG16_FC
    assert values(o, "FC share of params, measured") == [pytest.approx(VGG16_FC / VGG16_PARAMS)]
    assert values(o, "FC layers") == [3]


def test_vgg_filters_double(results):
    o = outcome(results, "vgg-filters-double")
    assert o.verdict == HOLDS
    assert o.measured == "64, 128, 256, 512, 512"  # paper Table 1, configuration D


def test_vgg16_memory_100mb(results):
    o = outcome(results, "vgg16-memory-100mb")
    # everything a VGG16 forward allocates at batch 1 (fp32, ReLUs in place, nothing for the input):
    convs = 2 * 64 * 224**2 + 2 * 128 * 112**2 + 3 * 256 * 56**2 + 3 * 512 * 28**2 + 3 * 512 * 14**2
    pools = 64 * 112**2 + 128 * 56**2 + 256 * 28**2 + 512 * 14**2 + 512 * 7**2
    fcs = 4096 + 4096 + 1000
    total = 4 * convs + 12 * pools + 4 * fcs  # max-pool outputs 4 bytes + int64 indices 8 bytes
    assert total == 72_591_264
    assert o.measured == total
    assert o.expected == 100e6
    assert o.verdict == APPROX  # -27%: beyond 10%, within 50%
    # inference peak: the input and conv1_1's output are live while conv1_2 writes its output
    assert values(o, "peak live activation, inference") == [4 * (3 * 224**2 + 2 * 64 * 224**2)]
    # CS231n's table: input + every conv/pool/FC output once = 15.2M values, not its stated 24M
    cs231n = 3 * 224**2 + convs + pools + fcs
    assert cs231n == 15_237_608
    assert values(o, "input + every conv/pool/FC output once") == [4 * cs231n]
    assert values(o, "of the total: max-pool indices") == [8 * pools]
    # out-of-place ReLUs each allocate a copy of their conv's output (and the FC ReLUs of fc6, fc7)
    assert values(o, "total allocated with out-of-place ReLUs") == [total + 4 * convs + 4 * (4096 + 4096)]
    # "more with backward": training-mode peak above the inference peak
    [train_peak] = values(o, "peak live activation, training-mode forward")
    assert train_peak > 4 * (3 * 224**2 + 2 * 64 * 224**2)


def test_early_memory_late_params(results):
    o = outcome(results, "early-memory-late-params")
    assert o.verdict == HOLDS
    # VGG16 depth 1-8: conv1_1..conv4_1 (+ their ReLUs) and pools 1-3
    early_mem = 4 * (2 * 64 * 224**2 + 2 * 128 * 112**2 + 3 * 256 * 56**2 + 512 * 28**2) + 12 * (
        64 * 112**2 + 128 * 56**2 + 256 * 28**2
    )
    early_params = 1_792 + 36_928 + 73_856 + 147_584 + 295_168 + 2 * 590_080 + 1_180_160
    assert values(o, "VGG16: memory share of depth 1-8") == [pytest.approx(early_mem / 72_591_264)]
    assert values(o, "VGG16: params share of depth 1-8") == [pytest.approx(early_params / VGG16_PARAMS)]
    assert values(o, "VGG16: params share of the FC layers") == [pytest.approx(VGG16_FC / VGG16_PARAMS)]
    # AlexNet's late half (conv5 + 3 FC) holds all but conv1-conv4's 1,891,456 params
    assert values(o, "AlexNet: params share of depth 5-8") == [
        pytest.approx(1 - (34_944 + 307_456 + 885_120 + 663_936) / ALEXNET_PARAMS)
    ]


def test_lecture_summary_table(results):
    o = outcome(results, "lecture-summary-table")
    # the notes' table (002:195-200): memory 많다/많다/적다/중간, compute 적다/많다/적다/중간
    assert o.expected == (
        "memory: AlexNet, VGG16 > ResNet-152 > GoogLeNet; MACs: VGG16 > ResNet-152 > AlexNet, GoogLeNet"
    )
    # published MACs: VGG16 15.47G, ResNet-152 11.51G (torchvision docs), GoogLeNet ~1.5G (paper, Section 5),
    # AlexNet 0.72G (two-tower, by hand: 105.4M + 223.9M + 149.5M + 112.1M + 74.8M + 58.6M)
    assert o.measured.endswith("MACs: VGG16 > ResNet-152 > GoogLeNet > AlexNet")
    # AlexNet's activations are the smallest: its peak is at most input + 4 copies of conv1's output
    # (4 * (3*227*227 + 4*96*55*55) = 5.27MB) while GoogLeNet holds conv1's 64x112x112 output (3.2MB), the
    # pool's 64x56x56 output and int64 indices (2.4MB) and the input (0.6MB) at once
    [alex_peak] = values(o, "peak activation memory: AlexNet")
    [goog_peak] = values(o, "peak activation memory: GoogLeNet")
    assert alex_peak <= 4 * (3 * 227**2 + 4 * 96 * 55**2) < 4 * (3 * 224**2 + 64 * 112**2 + 3 * 64 * 56**2) <= goog_peak
    assert o.measured.startswith("memory (peak): VGG16 > ResNet-152 > GoogLeNet > AlexNet")
    assert o.verdict == FAILS  # AlexNet "많다" contradicted by activation memory
    # weight memory (4 bytes x params) does follow the table: 553MB > 244MB > 241MB > 28MB
    assert values(o, "weight memory (alternative reading): measured order")[0].startswith(
        "VGG16 > AlexNet > ResNet-152 > GoogLeNet (5/5"
    )
    assert values(o, "weight memory (alternative reading): AlexNet") == [4 * ALEXNET_PARAMS]
    assert "not checkable" in o.explanation


def test_alexnet_layout(results):
    o = outcome(results, "alexnet-layout")
    assert o.verdict == HOLDS
    assert o.measured == "5 conv, 3 max-pool, 2 norm, 3 FC; conv1 11x11, conv2 5x5"


def test_alexnet_pool_norm_order(results):
    o = outcome(results, "alexnet-pool-norm-order")
    # the paper, Section 3.5: max pooling follows the response-normalization layers
    assert o.verdict == FAILS
    assert o.measured == "conv - norm - pool - conv - norm - pool"
    assert values(o, "paper order: params") == values(o, "notes' order: params") == [ALEXNET_PARAMS]
    assert values(o, "paper order: MACs") == values(o, "notes' order: MACs")
    [paper] = values(o, "paper order: total activation")
    [notes] = values(o, "notes' order: total activation")
    assert notes < paper  # LRN on 27x27 (and 13x13) maps instead of 55x55 (and 27x27)


def test_vgg_configs_depths(results):
    o = outcome(results, "vgg-configs-depths")
    assert o.verdict == HOLDS
    assert o.measured == "11, 13, 16, 19"  # paper Table 1: A 8+3, B 10+3, D 13+3, E 16+3 weight layers


def test_vgg_3x3_same_pool_halves(results):
    o = outcome(results, "vgg-3x3-same-pool-halves")
    assert o.verdict == HOLDS
    assert o.measured == "13/13 convs, 5/5 pools"
    assert "224 -> 112 -> 56 -> 28 -> 14 -> 7" in o.explanation


def test_vgg_constant_compute(results):
    o = outcome(results, "vgg-constant-compute")
    assert o.verdict == HOLDS
    # 224*224*9*64*64 = 112*112*9*128*128 = 56*56*9*256*256 = 28*28*9*512*512 = 1,849,688,064
    assert 224**2 * 9 * 64**2 == 112**2 * 9 * 128**2 == 28**2 * 9 * 512**2 == 1_849_688_064
    assert o.measured == pytest.approx(1.0)
    # stage 5 keeps 512 filters on 14x14: 14*14 / (28*28) = 1/4
    assert values(o, "VGG16 512-ch conv at 14x14 / 64-ch at 224x224 (filters not doubled)") == [pytest.approx(0.25)]
    # ResNet-34: 56*56*9*64*64 = 7*7*9*512*512 = 115,605,504
    assert "116M in every ResNet-34 stage" in o.explanation
    assert values(o, "ResNet-34 512-ch conv at 7x7 / 64-ch at 56x56: measured") == [pytest.approx(1.0)]


def test_vgg19_more_memory(results):
    o = outcome(results, "vgg19-more-memory")
    assert o.verdict == HOLDS
    # VGG19 adds conv3_4, conv4_4, conv5_4: 4 * (256*56*56 + 512*28*28 + 512*14*14) = 5,218,304 bytes
    vgg16_total = 72_591_264  # see test_vgg16_memory_100mb
    extra = 4 * (256 * 56**2 + 512 * 28**2 + 512 * 14**2)
    assert o.measured == pytest.approx((vgg16_total + extra) / vgg16_total)
    # the inference peak sits in stage 1, identical in both
    assert values(o, "VGG19 / VGG16 peak activation, inference") == [pytest.approx(1.0)]


def test_alexnet_relu_6x(results):
    o = outcome(results, "alexnet-relu-6x")
    assert o.verdict == NOT_CHECKABLE
    assert o.measured == "7/7 hidden weight layers followed by ReLU"  # conv1-5, fc6, fc7

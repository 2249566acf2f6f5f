"""The GoogLeNet / Inception claims: verdicts and key figures, the expected figures worked out by hand."""

from __future__ import annotations

import pytest

from archstats.claims import run, select

IDS = (
    "inception-naive-output",
    "inception-naive-854m",
    "inception-bottleneck-358m",
    "inception-1x1-reduction",
    "googlenet-22-layers",
    "googlenet-5m-params",
    "googlenet-12x-fewer",
    "googlenet-no-fc",
    "inception-naive-depth-grows",
    "googlenet-aux-classifiers",
)


def outcome(claim_id: str):
    [r] = run(select([claim_id]))
    assert r.outcome is not None, r.error
    return r.outcome


def values(o) -> dict[str, object]:
    return {m.label: m.value for m in o.measurements}


def test_section_ids_and_sources() -> None:
    claims = select(list(IDS))
    assert [c.id for c in claims] == list(IDS)
    assert all(c.section == "GoogLeNet / Inception" for c in claims)
    by_id = {c.id: c for c in claims}
    assert by_id["inception-naive-854m"].source == "002:105-106"
    assert by_id["inception-1x1-reduction"].source == "004:87"
    assert by_id["googlenet-12x-fewer"].source == "002:144, 004:67"


def test_naive_output_672() -> None:
    o = outcome("inception-naive-output")
    assert o.verdict == "holds"
    # 128 + 192 + 96 convolution maps + the 256 maps the pool passes through
    assert o.expected == o.measured == "28x28x672"


def test_naive_854m() -> None:
    o = outcome("inception-naive-854m")
    assert o.verdict == "holds"
    # 1x1: 784*128*256 = 25,690,112; 3x3: 784*192*9*256 = 346,816,512; 5x5: 784*96*25*256 = 481,689,600
    assert o.measured == 25_690_112 + 346_816_512 + 481_689_600 == 854_196_224
    assert o.expected == 854e6
    v = values(o)
    assert v["3x3 branch MACs (formula vs analyzer): measured (holds)"] == 28 * 28 * 192 * 3 * 3 * 256


def test_bottleneck_358m_is_wrong_271m() -> None:
    o = outcome("inception-bottleneck-358m")
    assert o.verdict == "fails"
    assert o.expected == 358e6
    # 784 * (128*256 + 64*256 + 192*9*64 + 64*256 + 96*25*64 + 64*256)
    #   = 784 * (32,768 + 16,384 + 110,592 + 16,384 + 153,600 + 16,384) = 784 * 346,112 = 271,351,808
    assert o.measured == 271_351_808
    v = values(o)
    # the notes' 358M is reproduced by adding the 3x3 conv (784*192*9*64 = 86,704,128) a second time
    assert v["the six terms + the 3x3 conv again (reproduces 358M)"] == 271_351_808 + 86_704_128 == 358_055_936
    assert v["output channels (128 + 192 + 96 + 64)"] == 480
    assert v["naive / bottleneck MACs, measured"] == pytest.approx(854_196_224 / 271_351_808)
    assert "counted twice" in o.explanation


def test_1x1_reduction() -> None:
    o = outcome("inception-1x1-reduction")
    assert o.verdict == "holds"
    assert o.expected == 0.5 and o.measured == 0.5  # 256 / 512 input channels
    v = values(o)
    # 3x3 -> 256 at 28x28: direct 784*256*9*512 = 924,844,032;
    # reduced 784*256*512 + 784*256*9*256 = 102,760,448 + 462,422,016 = 565,182,464 -> 0.6111 = 1/2 + 1/9
    assert v["3x3 -> 256: (1x1 + next) / direct, formula vs analyzer: measured (holds)"] == pytest.approx(
        565_182_464 / 924_844_032
    )
    # 1/2 + 256/(k^2 * C_out): 3x3 -> 32 gives 1/2 + 256/288 > 1, 5x5 -> 32 gives 1/2 + 256/800 < 1
    assert v["total lower with the reduction"] == "3x3->256, 5x5->32, 5x5->256"
    assert v["total higher with the reduction"] == "1x1->32, 1x1->256, 3x3->32"


def test_22_layers() -> None:
    o = outcome("googlenet-22-layers")
    assert o.verdict == "holds"
    # conv1 7x7, conv2 1x1, conv3 3x3 + 9 modules x (1x1 reduce, 3x3) + fc = 3 + 18 + 1
    assert o.expected == o.measured == 22
    v = values(o)
    # the paper (Section 5): "22 layers deep ... (or 27 layers if we also count pooling)"
    assert v["depth + trunk pools (paper: 27)"] == 27
    # the aux heads branch off after 4a / 4d: 3 + 3*2 + conv + 2 FC = 12 < 22
    assert v["depth with auxiliary classifiers (training)"] == 22


def test_5m_params_fails() -> None:
    o = outcome("googlenet-5m-params")
    assert o.verdict == "fails"
    assert o.expected == 5e6
    # the final FC is 1024*1000 + 1000 = 1,025,000; the aux heads add
    # (512*128+128) + (528*128+128) + 2*(2048*1024+1024) + 2*(1024*1000+1000) = 6,379,728
    v = values(o)
    assert o.measured - v["without the final FC (convolutions only)"] == 1_025_000
    assert v["with auxiliary classifiers (aux_logits=True)"] - o.measured == 6_379_728
    # stem 9,472 + 4,160 + 110,784, nine modules and the FC: about 7.0M, 40% above 5M (band 25%)
    assert 6.8e6 < o.measured < 7.1e6


def test_12x_fewer_fails() -> None:
    o = outcome("googlenet-12x-fewer")
    assert o.verdict == "fails"
    assert o.expected == 12
    # AlexNet 60,965,224 (Caffe bvlc_alexnet) / GoogLeNet ~7.0M -> ~8.7x
    v = values(o)
    assert v["AlexNet params, measured"] == 60_965_224
    assert o.measured == pytest.approx(60_965_224 / v["GoogLeNet params, measured"])
    assert 8.5 < o.measured < 8.9
    assert v["notes' figures: 60M / 5M"] == 12  # the notes are consistent with themselves


def test_no_fc_is_approx() -> None:
    o = outcome("googlenet-no-fc")
    assert o.verdict == "approx"
    assert o.expected == 0 and o.measured == 1  # one FC: the 1024 -> 1000 classifier
    v = values(o)
    assert v["GoogLeNet hidden FC layers"] == 0
    assert v["GoogLeNet FC params"] == 1024 * 1000 + 1000
    # the training network adds two FCs per auxiliary head
    assert v["GoogLeNet FC layers with auxiliary classifiers (training)"] == 1 + 2 * 2
    # AlexNet's FCs: 9216*4096+4096 + 4096*4096+4096 + 4096*1000+1000 = 58,631,144
    assert v["AlexNet FC layers"] == 3 and v["AlexNet FC params"] == 58_631_144
    # VGG16's FCs: 25088*4096+4096 + 4096*4096+4096 + 4096*1000+1000 = 123,642,856
    assert v["VGG16 FC params"] == 123_642_856


def test_naive_depth_grows() -> None:
    o = outcome("inception-naive-depth-grows")
    assert o.verdict == "holds"
    # each module adds 128 + 192 + 96 = 416 channels: 256 -> 672 -> 1088 -> 1504
    assert o.expected == o.measured == 1504
    v = values(o)
    assert v["module 2 output channels: measured (holds)"] == 1088
    # 784 * (128 + 1728 + 2400) * 672 = 784 * 4256 * 672 (= 854,196,224 * 672/256)
    assert v["module 2 MACs (28*28*(128 + 192*9 + 96*25)*672): measured (holds)"] == 784 * 4256 * 672 == 2_242_265_088


def test_aux_classifiers_not_checkable() -> None:
    o = outcome("googlenet-aux-classifiers")
    assert o.verdict == "not-checkable"
    assert o.expected == 0 and o.measured == 0  # the heads do not run in eval mode
    v = values(o)
    assert v["auxiliary heads' params"] == 6_379_728  # see test_5m_params_fails
    # in training: aux1 4*4*512*128 + 2048*1024 + 1024*1000 = 4,169,728;
    #              aux2 4*4*528*128 + 2048*1024 + 1024*1000 = 4,202,496
    assert v["extra MACs in training mode"] == 4_169_728 + 4_202_496

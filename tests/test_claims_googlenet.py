"""The GoogLeNet / Inception claims: verdicts and key figures, the expected figures worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from archstats.claims import catalog, run, select, unchecked
from archstats.claims.base import Outcome, Point

SECTION = "GoogLeNet / Inception"
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
    "googlenet-structure",
    "googlenet-modules-differ",
    "inception-bottleneck-placement",
    "inception-1x1-tradeoff",
    "inception-1x1-learnable",
    "googlenet-aux-structure",
    "inception-branches-same-size",
    "inception-multi-scale",
    "googlenet-relu",
    "params-grow-exponentially",
)

# The paper's Table 1: (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj) of 3a .. 5b.
TABLE1 = (
    (64, 96, 128, 16, 32, 32),
    (128, 128, 192, 32, 96, 64),
    (192, 96, 208, 16, 48, 64),
    (160, 112, 224, 24, 64, 64),
    (128, 128, 256, 24, 64, 64),
    (112, 144, 288, 32, 64, 64),
    (256, 160, 320, 32, 128, 128),
    (256, 160, 320, 32, 128, 128),
    (384, 192, 384, 48, 128, 128),
)


def table1_module_params() -> int:
    """The nine modules' parameters from Table 1 (weights + biases of the six convs of each)."""
    total, c_in = 0, 192
    for c1, r3, c3, r5, c5, pp in TABLE1:
        total += c_in * c1 + c1 + c_in * r3 + r3 + r3 * 9 * c3 + c3 + c_in * r5 + r5 + r5 * 25 * c5 + c5
        total += c_in * pp + pp
        c_in = c1 + c3 + c5 + pp
    return total


# Stem: conv 7x7 3 -> 64, conv 1x1 64 -> 64, conv 3x3 64 -> 192 (with biases); classifier 1024 -> 1000.
STEM = (3 * 49 * 64 + 64) + (64 * 64 + 64) + (64 * 9 * 192 + 192)
FC = 1024 * 1000 + 1000
GOOGLENET = STEM + table1_module_params() + FC
ALEXNET = 60_965_224  # the two-tower AlexNet (Caffe bvlc_alexnet's count)


def outcome(claim_id: str) -> Outcome:
    [r] = run(select([claim_id]))
    assert r.outcome is not None, r.error
    return r.outcome


def points(o: Outcome, reading: int = 0) -> dict[str, Point]:
    return {p.label: p for p in o.readings[reading].points}


def values(o: Outcome) -> dict[str, Any]:
    return {m.label: m.value for m in o.measurements}


def test_section_ids_and_sources() -> None:
    claims = [c for c in catalog() if c.section == SECTION]
    assert sorted(c.id for c in claims) == sorted(IDS)
    by_id = {c.id: c for c in claims}
    assert by_id["inception-naive-854m"].source == "002:105-106"
    assert by_id["inception-1x1-reduction"].source == "004:87, 004:91"
    assert by_id["googlenet-12x-fewer"].source == "002:144, 004:67"
    assert by_id["googlenet-no-fc"].source == "002:90, 002:143"


def test_section_unchecked_entries() -> None:
    entries = {u.source: u.reason for u in unchecked() if u.section == SECTION}
    assert entries == {
        "002:137": "training",
        "004:65": "history",
        "004:67": "accuracy",
        "004:75, 004:85, 004:97": "not quantitative",
        "004:99": "training",
        "004:100": "training",
    }


def test_failing_claims_carry_a_correction() -> None:
    for r in run(select(list(IDS))):
        assert r.outcome is not None, r.error
        if r.outcome.verdict in ("fails", "erratum"):
            assert r.outcome.correction, r.claim.id


def test_table1_arithmetic() -> None:
    # the paper's network: 124,416 in the stem, 1,025,000 in the classifier, about 7.0M in all
    assert STEM == 9_472 + 4_160 + 110_784 == 124_416
    assert 6.9e6 < GOOGLENET < 7.1e6


def test_naive_output_672() -> None:
    o = outcome("inception-naive-output")
    assert o.verdict == "holds"
    # 128 + 192 + 96 convolution maps + the 256 maps the pool passes through
    assert o.expected == o.measured == "28x28x672"
    p = points(o)
    assert p["1x1 x 128 output"].measured == "28x28x128"
    assert p["3x3 x 192 output"].measured == "28x28x192"
    assert p["5x5 x 96 output"].measured == "28x28x96"
    assert p["3x3 max pool output"].measured == "28x28x256"


def test_naive_854m() -> None:
    o = outcome("inception-naive-854m")
    assert o.verdict == "holds"
    # 1x1: 784*128*256 = 25,690,112; 3x3: 784*192*9*256 = 346,816,512; 5x5: 784*96*25*256 = 481,689,600
    assert o.measured == 25_690_112 + 346_816_512 + 481_689_600 == 854_196_224
    assert o.expected == 854e6
    p = points(o)["3x3 branch"]
    assert p.verdict == "holds" and p.measured == p.expected == 28 * 28 * 192 * 3 * 3 * 256
    assert "346,816,512" in p.arithmetic


def test_bottleneck_358m_is_wrong_271m() -> None:
    o = outcome("inception-bottleneck-358m")
    assert o.verdict == "fails"
    assert o.expected == 358e6
    # 784 * (128*256 + 64*256 + 192*9*64 + 64*256 + 96*25*64 + 64*256)
    #   = 784 * (32,768 + 16,384 + 110,592 + 16,384 + 153,600 + 16,384) = 784 * 346,112 = 271,351,808
    assert o.measured == 784 * 346_112 == 271_351_808
    assert points(o)["drops from the naive module"].verdict == "holds"
    v = values(o)
    # the notes' 358M is reproduced by adding the 3x3 conv (784*192*9*64 = 86,704,128) a second time
    assert v["the six terms + the 3x3 conv again (reproduces 358M)"] == 271_351_808 + 86_704_128 == 358_055_936
    assert v["output channels (128 + 192 + 96 + 64)"] == 480
    assert v["naive / bottleneck MACs"] == pytest.approx(854_196_224 / 271_351_808)
    assert "271,351,808" in o.correction and "784 * 346,112" in o.correction


def test_1x1_reduction() -> None:
    o = outcome("inception-1x1-reduction")
    assert o.verdict == "holds"
    assert o.expected == 0.5 and o.measured == 0.5  # 256 / 512 input channels
    p = points(o)
    # 3x3 -> 256 at 28x28: 784*256*9*256 = 462,422,016 after, 784*256*9*512 = 924,844,032 before
    assert "462,422,016 / 924,844,032" in p["k=3, C_out=256: next conv after / before"].arithmetic
    assert all(pt.measured == 0.5 for label, pt in p.items() if "after / before" in label)
    assert p["channels after the 1x1"].measured == 256
    # (1x1 + next) / direct = 1/2 + 256/(k^2 * C_out) < 1 iff k^2 * C_out > 512
    assert p["the total, the 1x1 included, can drop"].measured == "3x3->256, 5x5->32, 5x5->256"
    assert values(o)["total higher with the reduction"] == "1x1->32, 1x1->256, 3x3->32"


def test_22_layers() -> None:
    o = outcome("googlenet-22-layers")
    assert o.verdict == "holds"
    # conv1 7x7, conv2 1x1, conv3 3x3 + 9 modules x (1x1 reduce, 3x3) + fc = 3 + 18 + 1
    assert o.expected == o.measured == 3 + 9 * 2 + 1 == 22
    # the paper (Section 5): "22 layers deep ... (or 27 layers if we also count pooling)": 4 max pools + avg pool
    assert values(o)["with the trunk's pooling layers (paper: 27)"] == 22 + 5 == 27


def test_5m_params_fails() -> None:
    o = outcome("googlenet-5m-params")
    assert o.verdict == "fails"
    assert o.expected == 5e6
    assert o.measured == GOOGLENET  # about 7.0M: 40% above 5M, beyond 5.5M + 10%
    v = values(o)
    assert v["without the final FC"] == GOOGLENET - FC
    # the aux heads: (512*128+128) + (528*128+128) + 2*(2048*1024+1024) + 2*(1024*1000+1000) = 6,379,728
    assert v["with the auxiliary classifiers (training network)"] == GOOGLENET + 6_379_728
    assert f"{GOOGLENET:,}" in o.correction and "124,416" in o.correction


def test_12x_fewer_fails() -> None:
    o = outcome("googlenet-12x-fewer")
    assert o.verdict == "fails"
    assert o.expected == 12
    assert o.measured == pytest.approx(ALEXNET / GOOGLENET)  # ~8.7x: below 11.5 - 10%
    assert points(o)["GoogLeNet has fewer parameters"].verdict == "holds"
    assert values(o)["the notes' 60M / 5M"] == 12  # the notes are consistent with themselves
    assert "8.7x" in o.correction


def test_no_fc_is_an_erratum() -> None:
    o = outcome("googlenet-no-fc")
    assert o.verdict == "erratum"
    assert o.expected == 0 and o.measured == 1  # one FC: the 1024 -> 1000 classifier
    assert [r.role for r in o.readings] == ["literal", "intended"]
    intended = points(o, 1)
    assert intended["hidden FC layers (before the classifier)"].measured == 0
    gap = intended["global average pooling right before the classifier"]
    assert gap.verdict == "holds" and "1024x7x7 -> 1024x1x1" in gap.measured
    v = values(o)
    # AlexNet and VGG16: FC 4096 -> FC 4096 -> FC 1000, two hidden FC layers each
    assert v["AlexNet hidden FC layers"] == 2 and v["VGG16 hidden FC layers"] == 2
    assert f"{FC:,}" in o.correction


def test_naive_depth_grows() -> None:
    o = outcome("inception-naive-depth-grows")
    assert o.verdict == "holds"
    # each module adds 128 + 192 + 96 = 416 channels: 256 -> 672 -> 1088 -> 1504
    assert o.expected == o.measured == 256 + 3 * 416 == 1504
    p = points(o)
    assert p["channels after module 1"].measured == 672
    assert p["channels after module 2"].measured == 1088
    assert p["the depth grows at every module"].measured == "256 -> 672 -> 1088 -> 1504"
    # module 2 sees 672 channels: 784 * (128 + 1728 + 2400) * 672 = 854,196,224 * 672/256
    assert values(o)["module 2 MACs"] == 784 * 4256 * 672 == 2_242_265_088


def test_aux_classifiers_not_checkable() -> None:
    o = outcome("googlenet-aux-classifiers")
    assert o.verdict == "not-checkable"
    assert o.expected == 0 and o.measured == 0  # the heads do not run in eval mode
    assert points(o)["extra MACs at inference (eval mode)"].verdict == "holds"
    assert points(o)["auxiliary loss weighted by 0.3"].verdict == "not-checkable"
    v = values(o)
    assert v["auxiliary heads' params"] == 6_379_728  # see test_5m_params_fails
    # in training: aux1 4*4*512*128 + 2048*1024 + 1024*1000 = 4,169,728;
    #              aux2 4*4*528*128 + 2048*1024 + 1024*1000 = 4,202,496
    assert v["extra MACs in training mode"] == 4_169_728 + 4_202_496


def test_structure() -> None:
    o = outcome("googlenet-structure")
    assert o.verdict == "holds"
    p = points(o)
    assert p["stem: ordinary layers before the first inception module"].measured.startswith("Conv2d, ReLU, MaxPool2d")
    # Table 1: 3a, 3b | max pool | 4a .. 4e | max pool | 5a, 5b
    assert (
        "between them: MaxPool2d, MaxPool2d"
        in p["middle: stacked inception modules (only pooling between them)"].measured
    )
    assert p["end: a classifier to the 1000 classes"].measured == "AdaptiveAvgPool2d, Dropout, Linear"
    assert values(o)["inception modules"] == len(TABLE1) == 9


def test_modules_differ() -> None:
    o = outcome("googlenet-modules-differ")
    assert o.verdict == "holds"
    p = points(o)
    assert p["every module's shape differs"].measured == "9 distinct of 9"
    assert p["no weights shared between modules"].measured == f"{9 * 6 * 2} tensors"  # 6 convs, weight + bias
    # Table 1's 4e and 5a share their branch widths; their inputs differ (528 vs 832 channels)
    assert TABLE1[6] == TABLE1[7]
    assert values(o)["modules with the same branch widths (Table 1)"] == "4e, 5a"


def test_bottleneck_placement() -> None:
    o = outcome("inception-bottleneck-placement")
    assert o.verdict == "holds"
    assert o.expected == o.measured == 9
    assert all(p.measured == 9 for p in o.readings[0].points)
    # 3a takes 192 channels: #3x3 reduce 96, #5x5 reduce 16, pool proj 32 (Table 1)
    assert "3a: 192 -> 96, 192 -> 16, 192 -> 32" in o.explanation


def test_1x1_tradeoff() -> None:
    o = outcome("inception-1x1-tradeoff")
    assert o.verdict == "holds"
    p = points(o)
    assert p["it reduces the computation (bottleneck module below the naive one)"].measured == (
        "271,351,808 < 854,196,224 MACs"
    )
    loss = p["it can lose information (fewer values per position out than in)"]
    assert loss.measured == "256 -> 64 values per position" and "192" in loss.arithmetic  # 256 - 64


def test_1x1_learnable() -> None:
    o = outcome("inception-1x1-learnable")
    assert o.verdict == "holds"
    p = points(o)
    assert p["it reduces the dimension"].measured == "256 -> 64 channels"
    assert p["a conv layer with weights that take gradients"].measured == 256 * 64 + 64 == 16_448


def test_aux_structure() -> None:
    o = outcome("googlenet-aux-structure")
    assert o.verdict == "holds"
    p = points(o)
    # weight-layer depth: 3 stem convs + 2 per module; 4a is the 3rd module (9), 4d the 6th (15); 22 in all
    assert p["branch off middle layers"].measured == (
        "aux1 after inception4a (depth 9 of 22), aux2 after inception4d (depth 15 of 22)"
    )
    assert p["ordinary layers only (no inception module)"].verdict == "holds"
    assert p["aux1 output: class scores like the main classifier"].measured == (1000,)
    assert p["aux2 output: class scores like the main classifier"].measured == (1000,)
    assert values(o)["auxiliary classifiers"] == 2


def test_branches_same_size() -> None:
    o = outcome("inception-branches-same-size")
    assert o.verdict == "holds"
    p = points(o)
    assert p["1x1, 3x3 and 5x5 convs and a max pool branch"].measured == "1x1, 3x3, 5x5 convs + max pool"
    assert p["modules whose branches all keep the input's H x W"].measured == 9
    # 224 / 2 (conv1) / 2 / 2 = 28 for 3a, 3b; then 14 for 4a..4e and 7 for 5a, 5b
    assert "28x28: 3a, 3b; 14x14: 4a, 4b, 4c, 4d, 4e; 7x7: 5a, 5b" in o.explanation


def test_multi_scale() -> None:
    o = outcome("inception-multi-scale")
    assert o.verdict == "holds"
    assert o.expected == o.measured == "1x1, 3x3, 5x5"  # a 1x1 reduction adds nothing to the k x k field
    assert points(o)["all branches read the same input at once"].measured == "1x256x28x28"
    assert values(o)["pool branch's field"] == 3  # 3x3 max pool, then 1x1


def test_relu() -> None:
    o = outcome("googlenet-relu")
    assert o.verdict == "holds"
    # 3 stem convs + 9 modules x 6 convs = 57, each in a conv -> ReLU pair
    assert o.expected == o.measured == 3 + 9 * 6 == 57
    p = points(o)
    assert p["activation types"].measured == "ReLU"
    # the stem's conv2 is the 1x1 that keeps its 64 channels (Table 1's "#3x3 reduce" of the conv row)
    assert p["channel-keeping 1x1 convs followed by a ReLU"].measured == "conv2.0 (64 -> 64)"


def test_params_grow_exponentially_fails() -> None:
    o = outcome("params-grow-exponentially")
    assert o.verdict == "fails"
    assert [r.role for r in o.readings] == ["literal", "alternative"]
    literal = points(o)
    # L 3x3 convs of width C: L * 9 * C^2 weights, so f(2L) = 2 f(L) and f(2C) = 4 f(C) at every size
    assert literal["exponential in depth (f(2L)/f(L) rises)"].measured == "f(8)/f(4) = 2, f(16)/f(8) = 2"
    assert literal["exponential in width (f(2C)/f(C) rises)"].measured == "f(64)/f(32) = 4, f(128)/f(64) = 4"
    assert all(p.verdict == "fails" for p in literal.values())
    steep = points(o, 1)
    assert steep["depth: f(2L)/f(L) > 2"].verdict == "fails"  # linear: exactly in proportion
    assert steep["width: f(2C)/f(C) > 2"].verdict == "holds"  # quadratic
    assert f"{8 * 9 * 64**2:,}" in o.explanation  # 294,912 at L=8, C=64

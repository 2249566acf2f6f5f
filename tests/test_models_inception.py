"""GoogLeNet (Inception v1), the inception module on its own, and Xception, checked by hand."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import archstats
from archstats_models import get_model, get_model_info
from archstats_models.googlenet import GoogLeNetOutputs, Inception, NaiveInception
from archstats_models.xception import SeparableConv2d, XceptionBlock


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------------------- the inception module

# The lecture notes' example: a 28x28x256 input, 1x1x128, 3x3x192 and 5x5x96 convolutions.
_HW = 28 * 28
_C_IN = 256


def test_naive_inception_module_by_hand() -> None:
    block = NaiveInception(_C_IN, 128, 192, 96)
    with torch.device("meta"):
        out = block.to("meta")(torch.zeros(1, _C_IN, 28, 28))
    # the pool branch passes all 256 input channels through: 128 + 192 + 96 + 256
    assert tuple(out.shape) == (1, 672, 28, 28)

    macs = (
        _HW * 128 * 1 * 1 * _C_IN  # 1x1 conv, 128 filters
        + _HW * 192 * 3 * 3 * _C_IN  # 3x3 conv, 192 filters
        + _HW * 96 * 5 * 5 * _C_IN  # 5x5 conv, 96 filters
    )  # the max pool costs no multiply-adds
    assert macs == 854_196_224  # "854M ops" in the notes
    assert archstats.profile(block, input_size=(_C_IN, 28, 28)).totals.macs == macs


def test_naive_inception_without_pool() -> None:
    block = NaiveInception(_C_IN, 128, 192, 96, pool=False)
    out = block(torch.zeros(1, _C_IN, 28, 28))
    assert tuple(out.shape) == (1, 128 + 192 + 96, 28, 28)


def test_reduced_inception_module_by_hand() -> None:
    # 64-channel 1x1 reductions before the 3x3 and 5x5 and after the pool.
    block = Inception(_C_IN, ch1x1=128, ch3x3red=64, ch3x3=192, ch5x5red=64, ch5x5=96, pool_proj=64)
    out = block(torch.zeros(1, _C_IN, 28, 28))
    assert tuple(out.shape) == (1, 128 + 192 + 96 + 64, 28, 28)

    reduce_3x3 = _HW * 64 * 1 * 1 * _C_IN  # 12,845,056
    reduce_5x5 = _HW * 64 * 1 * 1 * _C_IN
    pool_proj = _HW * 64 * 1 * 1 * _C_IN
    conv_1x1 = _HW * 128 * 1 * 1 * _C_IN  # 25,690,112
    conv_3x3 = _HW * 192 * 3 * 3 * 64  # 86,704,128: the 3x3 now sees 64 channels, not 256
    conv_5x5 = _HW * 96 * 5 * 5 * 64  # 120,422,400
    macs = reduce_3x3 + reduce_5x5 + pool_proj + conv_1x1 + conv_3x3 + conv_5x5
    assert macs == 271_351_808
    assert archstats.profile(block, input_size=(_C_IN, 28, 28)).totals.macs == macs

    # The notes print 358M for this module. The terms they list add up to 271M; 358M is what one
    # gets by counting the 3x3 convolution twice, so the printed total is an arithmetic slip.
    assert round((macs + conv_3x3) / 1e6) == 358
    assert round(macs / 1e6) != 358
    # still a 3x saving over the naive module
    assert 854_196_224 / macs > 3


def test_inception_params_by_formula() -> None:
    block = Inception(192, 64, 96, 128, 16, 32, 32)  # inception (3a)
    expected = (
        (192 * 64 + 64)  # 1x1
        + ((192 * 96 + 96) + (3 * 3 * 96 * 128 + 128))  # 3x3 reduce, 3x3
        + ((192 * 16 + 16) + (5 * 5 * 16 * 32 + 32))  # 5x5 reduce, 5x5 (a real 5x5)
        + (192 * 32 + 32)  # pool proj
    )
    assert _n_params(block) == expected == 163_696


# ---------------------------------------------------------------------------- GoogLeNet

# Paper Table 1: (name, input channels, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj,
# output size, ops column in M).
_TABLE_1 = [
    ("3a", 192, 64, 96, 128, 16, 32, 32, 28, 128),
    ("3b", 256, 128, 128, 192, 32, 96, 64, 28, 304),
    ("4a", 480, 192, 96, 208, 16, 48, 64, 14, 73),
    ("4b", 512, 160, 112, 224, 24, 64, 64, 14, 88),
    ("4c", 512, 128, 128, 256, 24, 64, 64, 14, 100),
    ("4d", 512, 112, 144, 288, 32, 64, 64, 14, 119),
    ("4e", 528, 256, 160, 320, 32, 128, 128, 14, 170),
    ("5a", 832, 256, 160, 320, 32, 128, 128, 7, 54),
    ("5b", 832, 384, 192, 384, 48, 128, 128, 7, 71),
]
_NAMES = [row[0] for row in _TABLE_1]


def _inception_weights(c_in: int, n1: int, r3: int, n3: int, r5: int, n5: int, pp: int) -> int:
    return c_in * n1 + c_in * r3 + 9 * r3 * n3 + c_in * r5 + 25 * r5 * n5 + c_in * pp


def _inception_params(c_in: int, n1: int, r3: int, n3: int, r5: int, n5: int, pp: int) -> int:
    # one bias per filter of each of the six convolutions
    return _inception_weights(c_in, n1, r3, n3, r5, n5, pp) + n1 + r3 + n3 + r5 + n5 + pp


@pytest.fixture(scope="module")
def googlenet_meta() -> nn.Module:
    with torch.device("meta"):
        return get_model("googlenet").eval()


def test_googlenet_inception_outputs(googlenet_meta: nn.Module) -> None:
    seen: dict[str, tuple[int, ...]] = {}
    hooks = [
        getattr(googlenet_meta, f"inception{name}").register_forward_hook(
            lambda _m, _i, out, name=name: seen.__setitem__(name, tuple(out.shape[1:]))
        )
        for name in _NAMES
    ]
    try:
        with torch.device("meta"):
            googlenet_meta(torch.zeros(1, 3, 224, 224))
    finally:
        for h in hooks:
            h.remove()
    # Table 1's output column
    assert [seen[n][0] for n in _NAMES] == [256, 480, 512, 512, 512, 528, 832, 832, 1024]
    # and each is the sum of the four branches, which is also the next row's input
    for i, (name, _c, n1, _r3, n3, _r5, n5, pp, size, _ops) in enumerate(_TABLE_1):
        assert seen[name] == (n1 + n3 + n5 + pp, size, size)
        if i + 1 < len(_TABLE_1):
            assert _TABLE_1[i + 1][1] == n1 + n3 + n5 + pp


def test_googlenet_inception_params_by_formula(googlenet_meta: nn.Module) -> None:
    for name, c_in, *widths, _size, _ops in _TABLE_1:
        block = getattr(googlenet_meta, f"inception{name}")
        assert _n_params(block) == _inception_params(c_in, *widths), name
    # inception (3a), written out: 12,288 + 18,432 + 110,592 + 3,072 + 12,800 + 6,144 weights
    assert _inception_weights(192, 64, 96, 128, 16, 32, 32) == 163_328  # 159.5K of 1024: Table 1's "159K"


def test_googlenet_inception_macs_match_table_1_ops() -> None:
    layers = archstats.profile("googlenet").layers
    for name, c_in, *widths, size, ops in _TABLE_1:
        expected = size * size * _inception_weights(c_in, *widths)
        rows = layers[layers["module"].str.startswith(f"inception{name}")]
        assert int(rows["macs"].sum()) == expected, name
        if name == "5a":
            # Table 1 prints 54M, but its own 5a row (same widths as 4e, at 7x7) gives 51.1M
            assert round(expected / 1e6, 1) == 51.1
        else:
            # the ops column is rounded (to M, and not always to the nearest)
            assert abs(expected / 1e6 - ops) < 1.0, name


def test_googlenet_params_by_hand(googlenet_meta: nn.Module) -> None:
    expected = (
        (7 * 7 * 3 * 64 + 64)  # conv1 7x7/2
        + (64 * 64 + 64)  # conv2, the 1x1 "3x3 reduce"
        + (3 * 3 * 64 * 192 + 192)  # conv3 3x3
        + sum(_inception_params(c_in, *w) for _n, c_in, *w, _s, _o in _TABLE_1)
        + (1024 * 1000 + 1000)  # linear
    )
    assert _n_params(googlenet_meta) == expected


def test_googlenet_depth_is_22() -> None:
    # weight layers on the longest path: conv1, conv2 (1x1), conv3 (3x3) = 3; each inception
    # adds 2 (a 1x1 reduction then its 3x3 or 5x5); the linear classifier adds 1.
    expected = 3 + 2 * len(_TABLE_1) + 1
    assert expected == 22
    assert archstats.profile("googlenet").totals.depth == expected


def test_googlenet_only_linear_is_the_classifier(googlenet_meta: nn.Module) -> None:
    linears = [m for m in googlenet_meta.modules() if isinstance(m, nn.Linear)]
    assert linears == [googlenet_meta.fc]
    assert (googlenet_meta.fc.in_features, googlenet_meta.fc.out_features) == (1024, 1000)


def test_googlenet_lrn_and_pools(googlenet_meta: nn.Module) -> None:
    lrns = [m for m in googlenet_meta.modules() if isinstance(m, nn.LocalResponseNorm)]
    assert [(lrn.size, lrn.alpha, lrn.beta, lrn.k) for lrn in lrns] == [(5, 1e-4, 0.75, 1.0)] * 2
    # The four 3x3/2 pools round up as Caffe does: 112 -> 56 -> 28 -> 14 -> 7 (floor would give 55).
    strided = [m for m in googlenet_meta.modules() if isinstance(m, nn.MaxPool2d) and m.stride == 2]
    assert len(strided) == 4 and all(p.ceil_mode for p in strided)
    # the 5x5 branch is a real 5x5, unlike torchvision's
    assert googlenet_meta.inception3a.branch3[1][0].kernel_size == (5, 5)


def _aux_params(c_in: int) -> int:
    return (c_in * 128 + 128) + (128 * 4 * 4 * 1024 + 1024) + (1024 * 1000 + 1000)


def test_googlenet_aux_classifiers() -> None:
    with torch.device("meta"):
        plain = get_model("googlenet")
        aux = get_model("googlenet", aux_logits=True)
    # heads on 4a (512 channels) and 4d (528 channels), Section 5
    assert _n_params(aux) - _n_params(plain) == _aux_params(512) + _aux_params(528)
    assert sum(isinstance(m, nn.Linear) for m in aux.modules()) == 1 + 2 * 2

    # In eval mode the heads do not run: same MACs, more parameters.
    p_plain = archstats.profile(plain, input_size=(3, 224, 224), strict=True)
    p_aux = archstats.profile(aux, input_size=(3, 224, 224), strict=True)
    assert p_aux.totals.macs == p_plain.totals.macs
    assert p_aux.totals.params == p_plain.totals.params + _aux_params(512) + _aux_params(528)

    with torch.device("meta"):
        out = aux.train()(torch.zeros(2, 3, 224, 224))
        assert isinstance(out, GoogLeNetOutputs)
        assert [tuple(t.shape) for t in out] == [(2, 1000)] * 3
        assert tuple(aux.eval()(torch.zeros(2, 3, 224, 224)).shape) == (2, 1000)


def test_googlenet_alias() -> None:
    assert get_model_info("inception_v1").name == "googlenet"


# ---------------------------------------------------------------------------- Xception


@pytest.fixture(scope="module")
def xception_meta() -> nn.Module:
    with torch.device("meta"):
        return get_model("xception").eval()


def test_xception_has_36_conv_layers(xception_meta: nn.Module) -> None:
    # Figure 5, counting a separable conv (depthwise + pointwise) as one layer and leaving out the
    # 1x1 convolutions on the residual shortcuts:
    entry = 2 + 3 * 2  # conv 32 and conv 64, then three blocks of two separable convs
    middle = 8 * 3  # eight repeats of three separable convs
    exit_ = 2 + 2  # the 728/1024 block, then separable 1536 and 2048
    assert entry + middle + exit_ == 36

    def count(module: nn.Module) -> int:
        shortcut_convs = {
            id(c)
            for b in module.modules()
            if isinstance(b, XceptionBlock) and b.shortcut is not None
            for c in b.shortcut.modules()
        }
        inside_separable = {id(c) for s in module.modules() if isinstance(s, SeparableConv2d) for c in s.modules()}
        plain = [
            m
            for m in module.modules()
            if isinstance(m, nn.Conv2d) and id(m) not in shortcut_convs and id(m) not in inside_separable
        ]
        separable = [m for m in module.modules() if isinstance(m, SeparableConv2d)]
        return len(plain) + len(separable)

    assert count(xception_meta.entry_flow) == entry
    assert count(xception_meta.middle_flow) == middle
    assert count(xception_meta.exit_flow) == exit_
    # three downsampling blocks in the entry flow and one in the exit flow have a 1x1 shortcut
    shortcuts = [b for b in xception_meta.modules() if isinstance(b, XceptionBlock) and b.shortcut is not None]
    assert len(shortcuts) == 4


def test_xception_shapes_at_299(xception_meta: nn.Module) -> None:
    with torch.device("meta"):
        x = torch.zeros(1, 3, 299, 299)
        sizes = []
        for layer in xception_meta.entry_flow:
            x = layer(x)
            if isinstance(layer, (nn.Conv2d, XceptionBlock)):
                sizes.append(tuple(x.shape[1:]))
        # unpadded 3x3/2: (299 - 3) // 2 + 1 = 149; unpadded 3x3: 147; then "same" 3x3/2 pools
        # halve rounding up: 74, 37, 19
        assert sizes == [(32, 149, 149), (64, 147, 147), (128, 74, 74), (256, 37, 37), (728, 19, 19)]
        x = xception_meta.middle_flow(x)
        assert tuple(x.shape[1:]) == (728, 19, 19)
        x = xception_meta.exit_flow(x)
        assert tuple(x.shape[1:]) == (2048, 10, 10)
        assert tuple(xception_meta(torch.zeros(2, 3, 299, 299)).shape) == (2, 1000)


def _sep(c_in: int, c_out: int) -> int:
    return 3 * 3 * c_in + c_in * c_out  # depthwise 3x3 + pointwise 1x1, no biases


def _bn(c: int) -> int:
    return 2 * c  # scale and shift; running statistics are buffers


def test_xception_params_by_hand(xception_meta: nn.Module) -> None:
    stem = 3 * 3 * 3 * 32 + _bn(32) + 3 * 3 * 32 * 64 + _bn(64)

    def down_block(c_in: int, w1: int, w2: int) -> int:
        return _sep(c_in, w1) + _bn(w1) + _sep(w1, w2) + _bn(w2) + c_in * w2 + _bn(w2)  # + 1x1 shortcut

    entry = down_block(64, 128, 128) + down_block(128, 256, 256) + down_block(256, 728, 728)
    middle = 8 * 3 * (_sep(728, 728) + _bn(728))
    exit_ = down_block(728, 728, 1024) + _sep(1024, 1536) + _bn(1536) + _sep(1536, 2048) + _bn(2048)
    fc = 2048 * 1000 + 1000
    total = stem + entry + middle + exit_ + fc
    assert total == 22_855_952  # paper Table 3
    assert _n_params(xception_meta) == total

    # Keras' 22,910,480 adds a moving mean and variance per BN channel
    bn_channels = sum(m.num_features for m in xception_meta.modules() if isinstance(m, nn.BatchNorm2d))
    assert total + 2 * bn_channels == 22_910_480


def test_xception_depth_counts_depthwise_and_pointwise() -> None:
    # archstats counts every conv as a weight layer: 2 stem convs + 34 separable convs of two
    # layers each + the classifier (the shortcut 1x1s run beside the longer separable path)
    assert archstats.profile("xception").totals.depth == 2 + 34 * 2 + 1


def test_xception_block_keeps_its_input_for_the_shortcut() -> None:
    torch.manual_seed(0)
    block = XceptionBlock(8, (8, 8, 8), downsample=False).eval()
    x = torch.randn(1, 8, 5, 5)
    x_before = x.clone()
    out = block(x)
    # an in-place first ReLU would zero the negatives of x before the identity is added back
    assert torch.equal(x, x_before)
    assert torch.allclose(out, block.body(x_before.clone()) + x_before)


def test_xception_identity_block_needs_matching_widths() -> None:
    with pytest.raises(ValueError):
        XceptionBlock(64, (128, 128), downsample=False)

"""The fast meta outputs (archstats/fast_meta.py) must be exactly what torch's meta kernels return."""

from __future__ import annotations

import sys

import pytest
import torch
from torch import nn

import archstats
from archstats import fast_meta
from archstats.engine import Capture, _same_layout
from archstats.errors import ModelRunError
from archstats_models import list_models

ZOO = [m.name for m in list_models()]


@pytest.mark.parametrize("name", ZOO)
def test_zoo_fast_outputs_match_torch(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # every fast output of the forward is compared with torch's own kernel; a mismatch raises
    monkeypatch.setenv("ARCHSTATS_VERIFY_META", "1")
    archstats.profile(name)


@pytest.mark.parametrize("name", ["resnet18", "densenet121", "efficientnet_b0", "googlenet"])
def test_training_fast_outputs_match_torch(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHSTATS_VERIFY_META", "1")
    archstats.profile(name, training=True)


def _meta(*shape: int, dtype: torch.dtype = torch.float32, channels_last: bool = False) -> torch.Tensor:
    t = torch.empty(shape, dtype=dtype, device="meta")
    return t.to(memory_format=torch.channels_last) if channels_last else t


def _check(op: torch._ops.OpOverload, *args: object) -> object:
    """The builder's answer, checked against torch's kernel when it gives one."""
    built = fast_meta.build(op, args)
    if built is not None:
        _same_layout(op, built, op(*args))
    return built


CONV = torch.ops.aten.convolution.default
BN = torch.ops.aten.native_batch_norm.default


def test_conv_output_is_row_major_for_any_input_layout() -> None:
    for x in (_meta(1, 3, 8, 8, channels_last=True), _meta(1, 3, 1, 1)):
        out = _check(CONV, x, _meta(4, 3, 1, 1), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)
        assert out is not None and out.is_contiguous()


def test_conv_output_shape_follows_the_formula() -> None:
    # (224 + 2*3 - 1*(7-1) - 1) // 2 + 1 = 112
    out = _check(CONV, _meta(2, 3, 224, 224), _meta(64, 3, 7, 7), None, [2, 2], [3, 3], [1, 1], False, [0, 0], 1)
    assert tuple(out.shape) == (2, 64, 112, 112)
    # grouped and dilated: (17 + 2*2 - 2*(3-1) - 1) // 1 + 1 = 17
    out = _check(CONV, _meta(1, 8, 17, 9), _meta(8, 2, 3, 3), _meta(8), [1, 1], [2, 2], [2, 2], False, [0, 0], 4)
    assert tuple(out.shape) == (1, 8, 17, 9)


@pytest.mark.parametrize(
    "args",
    [
        # transposed convolution is left to torch
        (_meta(1, 4, 5, 5), _meta(4, 2, 3, 3), None, [2, 2], [0, 0], [1, 1], True, [0, 0], 1),
        # channel mismatch: torch must raise its own error
        (_meta(1, 5, 8, 8), _meta(4, 3, 3, 3), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
        # kernel larger than the padded input: torch raises
        (_meta(1, 3, 2, 2), _meta(4, 3, 5, 5), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    ],
)
def test_conv_declines_what_it_does_not_know(args: tuple) -> None:
    assert fast_meta.build(CONV, args) is None


def test_batch_norm_statistics_dtype_for_half_inputs() -> None:
    c = 16
    stats = [_meta(c) for _ in range(4)]
    out = _check(BN, _meta(2, c, 5, 5, dtype=torch.float16), *stats, False, 0.1, 1e-5)
    # the kernel keeps statistics in float32 for a float16 input
    assert [t.dtype for t in out] == [torch.float16, torch.float32, torch.float32]
    assert tuple(out[1].shape) == (c,)
    out = _check(BN, _meta(2, c, 5, 5, dtype=torch.float64), *stats, True, 0.1, 1e-5)
    assert [t.dtype for t in out] == [torch.float64] * 3


def test_batch_norm_declines_channels_last_and_wrong_sizes() -> None:
    stats = [_meta(8) for _ in range(4)]
    assert fast_meta.build(BN, (_meta(2, 8, 5, 5, channels_last=True), *stats, False, 0.1, 1e-5)) is None
    assert fast_meta.build(BN, (_meta(2, 6, 5, 5), *stats, False, 0.1, 1e-5)) is None
    # eval without running statistics is an error in torch; the builder leaves it to torch
    assert fast_meta.build(BN, (_meta(2, 8, 5, 5), None, None, None, None, False, 0.1, 1e-5)) is None


def test_cat_mean_add_and_inplace() -> None:
    a, b = _meta(1, 4, 6, 6), _meta(1, 12, 6, 6)
    assert tuple(_check(torch.ops.aten.cat.default, [a, b], 1).shape) == (1, 16, 6, 6)
    assert fast_meta.build(torch.ops.aten.cat.default, ([a, _meta(1, 4, 5, 6)], 1)) is None
    assert tuple(_check(torch.ops.aten.mean.dim, b, [-1, -2], True).shape) == (1, 12, 1, 1)
    assert tuple(_check(torch.ops.aten.mean.dim, b, [2, 3]).shape) == (1, 12)
    assert _check(torch.ops.aten.add.Tensor, a, a) is not None
    # a channel gate broadcast onto a feature map (SE) is built, in either operand order
    gate = _meta(1, 12, 1, 1)
    assert tuple(_check(torch.ops.aten.mul.Tensor, b, gate).shape) == (1, 12, 6, 6)
    assert tuple(_check(torch.ops.aten.mul.Tensor, gate, b).shape) == (1, 12, 6, 6)
    # operands that broadcast to a third shape, or mixed dtypes, are left to torch
    assert fast_meta.build(torch.ops.aten.mul.Tensor, (_meta(1, 12, 6, 1), _meta(1, 1, 1, 6))) is None
    assert fast_meta.build(torch.ops.aten.add.Tensor, (a, _meta(1, 4, 6, 6, dtype=torch.float16))) is None
    assert fast_meta.build(torch.ops.aten.relu_.default, (a,)) is a
    assert fast_meta.build(torch.ops.aten.add_.Tensor, (a, _meta(1, 4, 6, 6))) is a


def test_duplicate_builder_is_refused() -> None:
    with pytest.raises(ValueError, match="already has a meta output builder"):
        fast_meta.meta_output("convolution")(lambda **_: None)


class _BrokenConv(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 1)
        self.conv = nn.Conv2d(5, 4, 3)  # expects 5 channels, gets the stem's 4

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(self.stem(x))


def test_malformed_model_still_gets_torchs_error() -> None:
    with pytest.raises(ModelRunError, match=r"conv.*aten\.convolution.*channel"):
        archstats.profile(_BrokenConv(), (3, 8, 8))
    # the same mismatch at the model's input is the input's fault: a usage error naming it
    with pytest.raises(archstats.UsageError, match=r"input 2x8x8 does not fit in layer stem.*aten\.convolution"):
        archstats.profile(_BrokenConv(), (2, 8, 8))


def test_fast_and_torch_kernels_give_identical_profiles(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = archstats.profile("densenet121", training=True)

    class TorchKernels(Capture):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, fast=False, **kwargs)

    monkeypatch.setattr(sys.modules["archstats.profile"], "Capture", TorchKernels)
    slow = archstats.profile("densenet121", training=True)
    assert fast.layers.equals(slow.layers)
    assert fast.totals == slow.totals


POOL_CASES = [
    (size, k, s, p, d, ceil)
    for size in (1, 2, 5, 7, 8, 13)
    for k in (1, 2, 3, 4)
    for s in (1, 2, 3)
    for p in range(0, k // 2 + 2)  # one padding beyond k // 2, which torch rejects
    for d in (1, 2)
    for ceil in (False, True)
]


@pytest.mark.parametrize("op", ["max", "avg"])
def test_pooling_shapes_against_torch_exhaustively(op: str) -> None:
    """Every combination of size, kernel, stride, padding, dilation and ceil mode: the builder
    either matches torch's kernel exactly or declines, and it declines whenever torch raises."""
    built_count = 0
    for size, k, s, p, d, ceil in POOL_CASES:
        if op == "avg" and d != 1:
            continue
        x = _meta(1, 2, size, size + 1)
        if op == "max":
            func, args = torch.ops.aten.max_pool2d_with_indices.default, (x, [k, k], [s, s], [p, p], [d, d], ceil)
        else:
            func, args = torch.ops.aten.avg_pool2d.default, (x, [k, k], [s, s], [p, p], ceil, True, None)
        built = fast_meta.build(func, args)
        try:
            reference = func(*args)
        except RuntimeError:
            assert built is None, (size, k, s, p, d, ceil)
            continue
        if built is not None:
            _same_layout(func, built, reference)
            built_count += 1
    assert built_count > 100  # the builder is not simply declining everything


def test_avg_pool3d_as_lrn_calls_it_against_torch() -> None:
    """LRN pools a (N, 1, C, H, W) volume over channels; the builder matches torch or declines."""
    built_count = 0
    for c, h, w, k, ceil in [
        (c, h, w, k, ceil) for c in (1, 3, 16) for h, w in ((1, 1), (5, 7)) for k in (1, 3, 5) for ceil in (False, True)
    ]:
        x = _meta(2, 1, c + k - 1, h, w)
        args = (x, [k, 1, 1], [1], [0, 0, 0], ceil, True, None)
        built = _check(torch.ops.aten.avg_pool3d.default, *args)
        built_count += built is not None
    assert built_count > 10


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow"])
def test_tensor_and_number_ops_against_torch(op: str) -> None:
    overload = torch.ops.aten.pow.Tensor_Scalar if op == "pow" else getattr(torch.ops.aten, op).Tensor
    for x in (
        _meta(2, 3, 4, 5),
        _meta(1, 1, 4, 4),
        _meta(2, 3, 4, 5, channels_last=True),
        _meta(3, dtype=torch.float16),
    ):
        for number in (2, 0.75):
            _check(overload, x, number)
    assert fast_meta.build(overload, (_meta(2, 3), 2.0)) is not None
    assert fast_meta.build(overload, (_meta(2, 3), True)) is None  # a bool promotes differently: left to torch


@pytest.mark.parametrize(
    ("op", "extra"),
    [
        (torch.ops.aten._adaptive_avg_pool2d.default, ()),
        (torch.ops.aten.upsample_nearest2d.default, (None, None)),
        (torch.ops.aten.upsample_bilinear2d.default, (False, None, None)),
        (torch.ops.aten.upsample_bilinear2d.default, (True, None, None)),
    ],
)
def test_resizing_ops_against_torch(op: torch._ops.OpOverload, extra: tuple) -> None:
    built_count = 0
    for shape in ((2, 3, 7, 5), (1, 1, 4, 4), (3, 6, 6), (2, 3, 1, 1)):
        for layout in (False, True):
            if layout and len(shape) != 4:
                continue
            x = _meta(*shape, channels_last=layout)
            for size in ([1, 1], [3, 2], [14, 10]):
                if op != torch.ops.aten._adaptive_avg_pool2d.default and len(shape) != 4:
                    continue
                built_count += _check(op, x, size, *extra) is not None
    assert built_count >= 3  # (2, 3, 7, 5) at three sizes; the other layouts are left to torch


def test_training_dropout_ops_against_torch() -> None:
    for x in (
        _meta(2, 3, 4, 5),
        _meta(2, 3, 4, 5, channels_last=True),
        _meta(1, 1, 2, 2),
        _meta(7, dtype=torch.float16),
    ):
        _check(torch.ops.aten.empty_like.default, x)
        assert _check(torch.ops.aten.bernoulli_.float, x, 0.5) in (None, x)
        assert _check(torch.ops.aten.div_.Scalar, x, 0.5) in (None, x)
    assert (
        fast_meta.build(torch.ops.aten.empty_like.default, (_meta(2, 3),), {"dtype": torch.float16}).dtype
        == torch.float16
    )


def test_pools_of_cropped_views_against_torch() -> None:
    """NASNet pools a crop (x[:, :, 1:, 1:]) of a row-major map: the builder matches torch or declines."""
    built_count = 0
    for base_shape in ((1, 4, 9, 9), (2, 3, 8, 7), (1, 1, 6, 6)):
        x = torch.empty(base_shape, device="meta")
        for crop in (x[:, :, 1:, 1:], x[:, :, :-1, 1:], x[:, 1:, 1:, :], x.transpose(2, 3)):
            for k, s, p in ((1, 2, 0), (3, 2, 1), (2, 2, 0)):
                cases = (
                    (torch.ops.aten.avg_pool2d.default, (crop, [k, k], [s, s], [p, p], False, False, None)),
                    (torch.ops.aten.max_pool2d_with_indices.default, (crop, [k, k], [s, s], [p, p], [1, 1], False)),
                )
                for op, args in cases:
                    try:
                        reference = op(*args)
                    except RuntimeError:  # an empty crop: torch refuses, and so must the builder
                        assert fast_meta.build(op, args) is None
                        continue
                    built = fast_meta.build(op, args)
                    if built is not None:
                        _same_layout(op, built, reference)
                        built_count += 1
    assert built_count > 20

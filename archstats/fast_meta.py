"""Output tensors for the most frequent ops on meta, built directly instead of by torch's meta kernels.

Nothing is computed on meta, yet a meta forward is not free: torch's meta kernels for some ops are
Python decompositions. Eval-mode batch norm costs about 0.85 ms per call on this machine (most of
a ResNet's or DenseNet's analysis time), a convolution 70 us, ``addmm`` half a millisecond; the
first ``addmm`` imports ``torch._dynamo`` (about 1 s) and the first pooling imports sympy (0.4 s).
The output's shape, dtype and layout follow from the arguments in a few lines, so for these ops the
engine asks here first.

Each builder returns ``None`` whenever its assumptions do not hold (an unusual memory format, a
shape torch would reject, anything it does not recognise); the engine then calls torch's own
kernel, which also produces torch's own error for a malformed model. ``Capture(verify_meta=True)``
runs both and compares shape, strides and dtype of every output; the test suite does so for every
model of the zoo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .opargs import bind, signature

# A builder is called with the op's arguments by schema name (real meta tensors, defaults filled
# in), like the counting rules, and returns the op's output(s) or None to let torch's kernel run.
Builder = Callable[..., Any]

_BUILDERS: dict[Any, Builder] = {}


def meta_output(*names: str) -> Callable[[Builder], Builder]:
    """Register ``fn`` as the output builder of the aten ops ``names`` (duplicates refused)."""

    def deco(fn: Builder) -> Builder:
        for name in names:
            packet = getattr(torch.ops.aten, name)
            if packet in _BUILDERS:
                raise ValueError(f"aten.{name} already has a meta output builder")
            _BUILDERS[packet] = fn
        return fn

    return deco


def builder(func: Any) -> Builder | None:
    """The output builder of an ``OpOverload``, or None."""
    return _BUILDERS.get(getattr(func, "_overloadpacket", func))


def build(func: Any, args: tuple, kwargs: dict | None = None) -> Any:
    """The fast meta output of ``func(*args, **kwargs)``, or None when no builder takes it."""
    fn = builder(func)
    return None if fn is None else fn(**bind(signature(func), args, kwargs or {}))


def _is_meta(*tensors: Any) -> bool:
    return all(isinstance(t, torch.Tensor) and t.device.type == "meta" for t in tensors)


def _plain_contiguous(t: Any) -> bool:
    """Row-major and unambiguously so: a tensor that is also channels-last contiguous (one channel,
    or 1x1 spatial) is left to torch, whose layout choice for it depends on its strides."""
    if not _is_meta(t) or not t.is_contiguous():
        return False
    if t.dim() == 4 and t.is_contiguous(memory_format=torch.channels_last):
        return False
    return not (t.dim() == 5 and t.is_contiguous(memory_format=torch.channels_last_3d))


def _row_major_volume(t: Any) -> bool:
    """A 5-D tensor whose default strides torch cannot take for channels-last (depth, height and
    width all above 1): LRN's one-channel volume, which ``_plain_contiguous`` leaves to torch."""
    return _is_meta(t) and t.dim() == 5 and t.is_contiguous() and min(t.shape[2:]) > 1


def _nchw_view(t: Any) -> bool:
    """A 4-D view with strides falling from channels to width (a crop of a row-major map, NASNet's
    shifted path): torch's pools suggest the row-major format for it, as for a contiguous input."""
    if not _is_meta(t) or t.dim() != 4 or min(t.shape[1:]) < 2:
        return False
    s = t.stride()
    return s[0] >= s[1] > s[2] > s[3] == 1 and s[1] >= t.shape[2] * s[2] and s[2] >= t.shape[3]


def _vector_or_none(t: Any, n: int) -> bool:
    return t is None or (_is_meta(t) and tuple(t.shape) == (n,))


def _conv_spatial(x: torch.Tensor, weight: torch.Tensor, stride: Any, padding: Any, dilation: Any) -> list | None:
    """Output sizes of a convolution's spatial axes, or None for anything torch would reject."""
    n_spatial = x.dim() - 2
    if not all(isinstance(v, (list, tuple)) and len(v) == n_spatial for v in (stride, padding, dilation)):
        return None
    spatial = []
    for size, k, s, p, d in zip(x.shape[2:], weight.shape[2:], stride, padding, dilation):
        out = (size + 2 * p - d * (k - 1) - 1) // s + 1
        if out <= 0 or s <= 0 or d <= 0 or p < 0:
            return None
        spatial.append(out)
    return spatial


@meta_output("convolution")
def _convolution(
    input: Any, weight: Any, bias: Any, stride: Any, padding: Any, dilation: Any, transposed: Any, groups: Any, **_: Any
) -> torch.Tensor | None:
    # torch's meta convolution returns a row-major output whatever the input layout (a meta
    # tensor has no backend to pick a layout), so any layout of the operands is accepted
    x = input
    if transposed or not _is_meta(x, weight):
        return None
    if x.dim() < 3 or weight.dim() != x.dim() or not isinstance(groups, int) or groups < 1:
        return None
    c_out = weight.shape[0]
    if x.shape[1] == 0 or x.shape[1] != weight.shape[1] * groups or c_out % groups or not _vector_or_none(bias, c_out):
        return None
    if x.dtype != weight.dtype or (bias is not None and bias.dtype != x.dtype):
        return None
    spatial = _conv_spatial(x, weight, stride, padding, dilation)
    return None if spatial is None else torch.empty((x.shape[0], c_out, *spatial), dtype=x.dtype, device="meta")


@meta_output("native_batch_norm")
def _native_batch_norm(
    input: Any, weight: Any, bias: Any, running_mean: Any, running_var: Any, training: Any, **_: Any
) -> tuple | None:
    x = input
    if not _plain_contiguous(x) or x.dim() < 2 or not x.dtype.is_floating_point:
        return None
    c = x.shape[1]
    if not all(_vector_or_none(t, c) for t in (weight, bias, running_mean, running_var)):
        return None
    if not training and (running_mean is None or running_var is None):
        return None  # eval without running statistics: torch raises its own error
    # the statistics are kept in the computation dtype: float32 for half inputs
    stats = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    return (
        torch.empty(x.shape, dtype=x.dtype, device="meta"),
        torch.empty((c,), dtype=stats, device="meta"),
        torch.empty((c,), dtype=stats, device="meta"),
    )


@meta_output("addmm")
def _addmm(self: Any, mat1: Any, mat2: Any, **_: Any) -> torch.Tensor | None:
    bias, m1, m2 = self, mat1, mat2
    if not _is_meta(bias, m1, m2):
        return None
    if m1.dim() != 2 or m2.dim() != 2 or m1.shape[1] != m2.shape[0]:
        return None
    if not (m1.dtype == m2.dtype == bias.dtype) or bias.dim() > 2:
        return None
    shape = (m1.shape[0], m2.shape[1])
    # the bias must broadcast to the output, as torch requires
    if any(b not in (1, s) for b, s in zip(reversed(tuple(bias.shape)), reversed(shape))):
        return None
    return torch.empty(shape, dtype=m1.dtype, device="meta")


# In-place ops return their first argument. Only same-shape, same-dtype operands are taken here:
# broadcasting and type promotion stay with torch, which also raises for an invalid one.
_INPLACE_UNARY = ("relu_", "silu_", "hardtanh_", "hardswish_", "hardsigmoid_", "sigmoid_", "tanh_", "leaky_relu_")


@meta_output(*_INPLACE_UNARY)
def _inplace_unary(self: Any, **_: Any) -> torch.Tensor | None:
    return self if _is_meta(self) and self.dtype.is_floating_point else None


def _same_operands(x: Any, other: Any) -> bool:
    return _is_meta(x, other) and x.shape == other.shape and x.dtype == other.dtype and x.dtype.is_floating_point


@meta_output("add_", "mul_")
def _inplace_binary(self: Any, other: Any, alpha: Any = 1, **_: Any) -> torch.Tensor | None:
    return self if alpha == 1 and _same_operands(self, other) else None


def _broadcast_to(small: torch.Size, big: torch.Size) -> bool:
    return len(small) <= len(big) and all(a in (1, b) for a, b in zip(reversed(small), reversed(big)))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@meta_output("add", "mul", "sub", "div")
def _binary(self: Any, other: Any, alpha: Any = 1, rounding_mode: Any = None, **_: Any) -> torch.Tensor | None:
    # a same-shape pair, a gate broadcast onto a row-major tensor (SE blocks), or a tensor and a
    # Python number (LRN's scale and bias); the output keeps the big tensor's layout then, as
    # torch's stride and type-promotion rules give for these operands
    x = self
    if alpha != 1 or rounding_mode is not None or not isinstance(x, torch.Tensor):
        return None
    if _number(other):
        return _unary(x)
    if not isinstance(other, torch.Tensor):
        return None
    if x.dtype != other.dtype or not x.dtype.is_floating_point or not (x.is_contiguous() and other.is_contiguous()):
        return None
    big, small = (x, other) if x.dim() >= other.dim() and x.numel() >= other.numel() else (other, x)
    if not _plain_contiguous(big) or not _broadcast_to(small.shape, big.shape) or small.device.type != "meta":
        return None
    return torch.empty(big.shape, dtype=x.dtype, device="meta")


_UNARY = ("relu", "sigmoid", "silu", "tanh", "hardtanh", "hardswish", "hardsigmoid", "gelu", "leaky_relu")


@meta_output(*_UNARY)
def _unary(self: Any, **_: Any) -> torch.Tensor | None:
    x = self
    if not (_is_meta(x) and x.dtype.is_floating_point and x.is_contiguous()):
        return None
    # torch keeps a dense input's strides, including those of size-1 dims
    return torch.empty_strided(x.shape, x.stride(), dtype=x.dtype, device="meta")


@meta_output("mean")
def _mean(self: Any, dim: Any = None, keepdim: Any = False, dtype: Any = None, **_: Any) -> torch.Tensor | None:
    x = self
    if dtype is not None or not _plain_contiguous(x) or not x.dtype.is_floating_point:
        return None
    if not isinstance(dim, (list, tuple)) or not dim or not all(isinstance(d, int) for d in dim):
        return None
    rank = x.dim()
    if any(not -rank <= d < rank for d in dim):
        return None
    reduced = {d % rank for d in dim}
    if len(reduced) != len(dim):
        return None
    shape = [1 if i in reduced else s for i, s in enumerate(x.shape) if keepdim or i not in reduced]
    return torch.empty(shape, dtype=x.dtype, device="meta")


@meta_output("cat")
def _cat(tensors: Any, dim: Any = 0, **_: Any) -> torch.Tensor | None:
    if not isinstance(tensors, (list, tuple)) or not tensors or not isinstance(dim, int):
        return None
    first = tensors[0]
    if not all(_plain_contiguous(t) and t.numel() > 0 for t in tensors):
        return None
    rank = first.dim()
    if not -rank <= dim < rank:
        return None
    dim %= rank
    for t in tensors[1:]:
        if t.dtype != first.dtype or t.dim() != rank:
            return None
        if any(a != b for i, (a, b) in enumerate(zip(t.shape, first.shape)) if i != dim):
            return None
    shape = list(first.shape)
    shape[dim] = sum(t.shape[dim] for t in tensors)
    return torch.empty(shape, dtype=first.dtype, device="meta")


def _ntuple(value: Any, n: int, default: int | None = None) -> tuple[int, ...] | None:
    """An n-D pooling argument as aten passes it: one int, a 1- or n-element list, or empty."""
    if isinstance(value, int):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, int) for v in value):
        return None
    if not value:
        return None if default is None else (default,) * n
    if len(value) == 1:
        return (value[0],) * n
    return tuple(value) if len(value) == n else None


def _pooled_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int | None:
    if k <= 0 or s <= 0 or d <= 0 or p < 0 or p > k // 2:
        return None  # torch rejects these; its kernel gives the error
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    # in ceil mode the last window must start inside the input or its left padding
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out if out > 0 else None


def _pool_shape(x: Any, n: int, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: Any) -> list | None:
    """The output shape of an n-D pool over the last n dims, or None where torch's kernel must decide."""
    plain = _plain_contiguous(x) or (n == 3 and _row_major_volume(x)) or (n == 2 and _nchw_view(x))
    if not plain or x.dim() not in (n + 1, n + 2) or not x.dtype.is_floating_point:
        return None
    if 0 in x.shape[-(n + 1) :]:
        return None  # torch refuses empty channels or maps (a batch of 0 is allowed)
    k = _ntuple(kernel, n)
    if k is None:
        return None
    s, p, d = _ntuple(stride, n, -1), _ntuple(padding, n, 0), _ntuple(dilation, n, 1)
    if s is None or p is None or d is None or not isinstance(ceil_mode, bool):
        return None
    s = k if s == (-1,) * n else s
    spatial = [_pooled_size(size, ki, si, pi, di, ceil_mode) for size, ki, si, pi, di in zip(x.shape[-n:], k, s, p, d)]
    if None in spatial:
        return None
    return [*x.shape[:-n], *spatial]


@meta_output("max_pool2d_with_indices")
def _max_pool2d_with_indices(
    self: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: Any, **_: Any
) -> tuple | None:
    shape = _pool_shape(self, 2, kernel_size, stride, padding, dilation, ceil_mode)
    if shape is None:
        return None
    return torch.empty(shape, dtype=self.dtype, device="meta"), torch.empty(shape, dtype=torch.int64, device="meta")


@meta_output("avg_pool2d")
def _avg_pool2d(
    self: Any, kernel_size: Any, stride: Any, padding: Any, ceil_mode: Any, divisor_override: Any, **_: Any
) -> torch.Tensor | None:
    if divisor_override == 0:
        return None  # torch raises for a zero divisor
    shape = _pool_shape(self, 2, kernel_size, stride, padding, 1, ceil_mode)
    return None if shape is None else torch.empty(shape, dtype=self.dtype, device="meta")


# local response normalisation pools its squares with avg_pool3d, whose meta kernel imports sympy
@meta_output("avg_pool3d")
def _avg_pool3d(
    self: Any, kernel_size: Any, stride: Any, padding: Any, ceil_mode: Any, divisor_override: Any, **_: Any
) -> torch.Tensor | None:
    if divisor_override == 0 or not _row_major_volume(self):
        return None
    shape = _pool_shape(self, 3, kernel_size, stride, padding, 1, ceil_mode)
    return None if shape is None else torch.empty(shape, dtype=self.dtype, device="meta")


# LRN raises its pooled squares to a power; torch's reference kernel for pow imports torch._dynamo
@meta_output("pow")
def _pow_scalar(self: Any = None, exponent: Any = None, **_: Any) -> torch.Tensor | None:
    is_scalar = isinstance(exponent, (int, float)) and not isinstance(exponent, bool)
    if not (is_scalar and isinstance(self, torch.Tensor)):
        return None
    return _unary(self)


def _resized(x: Any, size: Any) -> torch.Tensor | None:
    """A row-major tensor of ``x``'s leading dims and the 2-D ``size``: adaptive pooling and resizing."""
    if not _plain_contiguous(x) or x.dim() not in (3, 4) or not x.dtype.is_floating_point or 0 in x.shape[1:]:
        return None
    if not isinstance(size, (list, tuple)) or len(size) != 2 or not all(isinstance(s, int) and s > 0 for s in size):
        return None
    return torch.empty([*x.shape[:-2], *size], dtype=x.dtype, device="meta")


# torch's meta kernels for these call torch._check, whose first call imports sympy (a second)
@meta_output("_adaptive_avg_pool2d")
def _adaptive_avg_pool2d(self: Any, output_size: Any, **_: Any) -> torch.Tensor | None:
    return _resized(self, output_size)


@meta_output("upsample_bilinear2d", "upsample_nearest2d")
def _upsample2d(self: Any = None, input: Any = None, output_size: Any = None, **_: Any) -> torch.Tensor | None:
    # the .default overloads carry the output size (their tensor is "self"); the .vec ones ("input")
    # may leave it to scale factors
    x = self if self is not None else input
    return _resized(x, output_size) if isinstance(x, torch.Tensor) and x.dim() == 4 else None


# dropout in training mode draws its mask with empty_like and bernoulli_ (sympy again)
@meta_output("empty_like")
def _empty_like(
    self: Any, dtype: Any = None, layout: Any = None, device: Any = None, memory_format: Any = None, **_: Any
) -> torch.Tensor | None:
    if not _plain_contiguous(self) or layout not in (None, torch.strided) or device not in (None, self.device):
        return None
    if memory_format not in (None, torch.preserve_format, torch.contiguous_format):
        return None
    return torch.empty(self.shape, dtype=dtype or self.dtype, device="meta")


@meta_output("bernoulli_", "div_")
def _inplace_fill(self: Any, p: Any = None, other: Any = None, **_: Any) -> torch.Tensor | None:
    # in place with a number (a probability, a divisor): the tensor itself comes back
    number = p if p is not None else other
    return self if _is_meta(self) and self.dtype.is_floating_point and _number(number) else None

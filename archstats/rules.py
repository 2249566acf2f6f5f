"""Counting rules: pure functions of shapes and op arguments, one registry keyed by aten op.

A rule receives the op's positional arguments with every tensor replaced by its shape
(``torch.Size``; a list of tensors becomes a list of shapes), its keyword arguments treated
the same way, and the shape of the op's first output. It returns ``(macs, extra_flops)``:
multiply-accumulates, and the FLOPs that are not part of a multiply-accumulate (bias adds,
one per output element of a normalization, activation, pooling or elementwise op).

Each rule also declares how the op moves the receptive field (``rf``), so that the engine
needs no second table of ops. An aten op that is not registered here is *uncounted*: the engine
lists it and marks the result partial, it never counts it as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Any, Callable, Sequence

import torch

Shape = Sequence[int]
CountFn = Callable[[tuple, dict, Shape], "tuple[int, int]"]
WindowFn = Callable[[tuple, dict], "tuple[Sequence[int], Sequence[int], Sequence[int], Sequence[int]]"]

# How an op acts on the receptive field of its tensor inputs (see archstats/receptive_field.py).
RF_KINDS = (
    "pointwise",  # output position i depends on input position i (activations, norms, scalars)
    "merge",  # several tensor inputs, same positions (add, mul, cat): union of the fields
    "window",  # sliding window (conv, pooling): compose kernel, stride, padding, dilation
    "adaptive",  # adaptive pooling: a window derived from input and output sizes
    "reduce",  # reduction over dims: global when a spatial dim is reduced
    "mix",  # matrix products: every output sees every input position
    "shape",  # views and copies: kept while the spatial axes survive, else layout is lost
    "pad",  # constant padding shifts the start
    "slice",  # slicing a spatial axis shifts the start and scales the jump
    "source",  # creates a tensor from nothing (empty, zeros): no field
    "resample",  # upsampling: taps per output position from the interpolation mode, bounded
)

FAMILIES: dict[str, str] = {
    "conv": "MACs = out elements x (C_in / groups) x kernel volume (transposed: in elements x "
    "(C_out / groups) x kernel volume); FLOPs = 2 x MACs + one add per output element when there is a bias",
    "matmul": "MACs = m x k x n (x batch); FLOPs = 2 x MACs + one add per output element for the "
    "bias of addmm/baddbmm/addmv",
    "norm": "FLOPs = one per output element; no MACs",
    "activation": "FLOPs = one per output element (softmax included); no MACs",
    "elementwise": "FLOPs = one per output element (after broadcasting); no MACs",
    "pool": "FLOPs = one per output element (pooling, mean/sum reductions, upsampling); no MACs",
    "data": "0 FLOPs: copies and concatenation move data (their memory is still counted)",
    "shape": "0 FLOPs: views and metadata ops, declared free",
}


@dataclass(frozen=True)
class Rule:
    op: str
    family: str
    count: CountFn | None
    rf: str
    window: WindowFn | None = None
    # False when the op's secondary outputs are not real allocations for these arguments
    aux_outputs: Callable[[tuple, dict], bool] | None = None


_RULES: dict[Any, Rule] = {}


def _register(
    names: Sequence[str],
    family: str,
    count: CountFn | None,
    rf: str,
    window: WindowFn | None,
    aux_outputs: Callable[[tuple, dict], bool] | None = None,
) -> None:
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")
    if rf not in RF_KINDS:
        raise ValueError(f"unknown receptive-field kind {rf!r}")
    if rf == "window" and window is None:
        raise ValueError("a window rule needs a window function")
    for name in names:
        packet = getattr(torch.ops.aten, name)
        if packet in _RULES:
            raise ValueError(f"aten.{name} already has a counting rule")
        _RULES[packet] = Rule(f"aten.{name}", family, count, rf, window, aux_outputs)


def rule(
    *names: str,
    family: str,
    rf: str = "pointwise",
    window: WindowFn | None = None,
    aux_outputs: Callable[[tuple, dict], bool] | None = None,
) -> Callable[[CountFn], CountFn]:
    """Register ``fn`` as the counting rule of every aten op in ``names`` (duplicates refused)."""

    def deco(fn: CountFn) -> CountFn:
        _register(names, family, fn, rf, window, aux_outputs)
        return fn

    return deco


def declare_free(*names: str, family: str, rf: str) -> None:
    """Declare ops that cost no FLOPs (views, copies, constructors); they are counted, as zero."""
    _register(names, family, None, rf, None)


def lookup(func: Any) -> Rule | None:
    """The rule for an aten ``OpOverload`` (rules are per overload packet), or None."""
    return _RULES.get(getattr(func, "_overloadpacket", func))


def registered_ops() -> dict[str, Rule]:
    return {r.op: r for r in _RULES.values()}


def _arg(args: tuple, kwargs: dict, index: int, name: str, default: Any = None) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(name, default)


# --- convolution --------------------------------------------------------------------------


def _conv_window(args: tuple, kwargs: dict) -> tuple | None:
    if _arg(args, kwargs, 6, "transposed", False):
        return None  # fractional strides: not modelled, reported as unknown
    weight = args[1]
    return weight[2:], _arg(args, kwargs, 3, "stride"), _arg(args, kwargs, 4, "padding"), _arg(args, kwargs, 5, "dilation")


@rule("convolution", "_convolution", "convolution_overrideable", family="conv", rf="window", window=_conv_window)
def conv_rule(args: tuple, kwargs: dict, out: Shape) -> tuple[int, int]:
    x, weight, bias = args[0], args[1], _arg(args, kwargs, 2, "bias")
    transposed = bool(_arg(args, kwargs, 6, "transposed", False))
    # weight is (C_out, C_in/g, *k) for a convolution and (C_in, C_out/g, *k) when transposed:
    # either way weight[1] is the per-group fan of one multiply-accumulate chain.
    per_position = weight[1] * prod(weight[2:])
    macs = (prod(x) if transposed else prod(out)) * per_position
    return macs, prod(out) if bias is not None else 0


# --- matrix products ----------------------------------------------------------------------


def _bias_adds(args: tuple, kwargs: dict, out: Shape) -> int:
    beta = kwargs.get("beta", 1)
    return prod(out) if beta != 0 else 0


@rule("mm", family="matmul", rf="mix")
def mm_rule(args: tuple, kwargs: dict, out: Shape) -> tuple[int, int]:
    (m, k), (_, n) = args[0], args[1]
    return m * k * n, 0


@rule("addmm", family="matmul", rf="mix")
def addmm_rule(args: tuple, kwargs: dict, out: Shape) -> tuple[int, int]:
    (m, k), (_, n) = args[1], args[2]
    return m * k * n, _bias_adds(args, kwargs, out)


@rule("bmm", family="matmul", rf="mix")
def bmm_rule(args: tuple, kwargs: dict, out: Shape) -> tuple[int, int]:
    (b, m, k), (_, _, n) = args[0], args[1]
    return b * m * k * n, 0


@rule("baddbmm", family="matmul", rf="mix")
def baddbmm_rule(args: tuple, kwargs: dict, out: Shape) -> tuple[int, int]:
    (b, m, k), (_, _, n) = args[1], args[2]
    return b * m * k * n, _bias_adds(args, kwargs, out)


@rule("mv", "dot", family="matmul", rf="mix")
def mv_rule(args: tuple, kwargs: dict, out: Shape) -> tuple[int, int]:
    return prod(args[0]), 0


@rule("addmv", family="matmul", rf="mix")
def addmv_rule(args: tuple, kwargs: dict, out: Shape) -> tuple[int, int]:
    return prod(args[1]), _bias_adds(args, kwargs, out)


@rule("linear", family="matmul", rf="mix")
def linear_rule(args: tuple, kwargs: dict, out: Shape) -> tuple[int, int]:
    x, weight, bias = args[0], args[1], _arg(args, kwargs, 2, "bias")
    return prod(x[:-1]) * weight[0] * weight[1], prod(out) if bias is not None else 0


# --- one FLOP per output element ----------------------------------------------------------


def per_output_element(args: tuple, kwargs: dict, out: Shape) -> tuple[int, int]:
    return 0, prod(out)


def _batch_norm_training(args: tuple, kwargs: dict) -> bool:
    # In eval the CPU kernels return empty save_mean/save_invstd (the meta kernels do not), so
    # the saved statistics are real allocations only when the op normalizes with batch statistics.
    return bool(_arg(args, kwargs, 5, "training", False))


rule("native_batch_norm", "_native_batch_norm_legit", family="norm", aux_outputs=_batch_norm_training)(per_output_element)
rule(
    "_native_batch_norm_legit_no_training", "_batch_norm_no_update", family="norm", aux_outputs=lambda a, k: False
)(per_output_element)
rule(
    "_native_batch_norm_legit_functional", "_batch_norm_with_update", "native_layer_norm", "native_group_norm",
    family="norm",
)(per_output_element)  # fmt: skip

_ACTIVATIONS = (
    "relu", "relu_", "hardtanh", "hardtanh_", "silu", "silu_", "sigmoid", "sigmoid_", "tanh", "tanh_",
    "hardswish", "hardswish_", "hardsigmoid", "hardsigmoid_", "gelu", "gelu_", "leaky_relu", "leaky_relu_",
    "elu", "elu_", "softplus", "mish", "mish_", "threshold", "threshold_", "_prelu_kernel",
    "_softmax", "_log_softmax",
)  # fmt: skip
rule(*_ACTIVATIONS, family="activation")(per_output_element)

_ELEMENTWISE_UNARY = (
    "neg", "exp", "log", "sqrt", "rsqrt", "abs", "reciprocal", "clamp", "clamp_", "clamp_min", "clamp_min_",
    "clamp_max", "clamp_max_", "native_dropout", "bernoulli_",
)  # fmt: skip
rule(*_ELEMENTWISE_UNARY, family="elementwise")(per_output_element)

# Binary ops can broadcast a pooled tensor against a full one (SE blocks): their field is a merge.
_ELEMENTWISE_BINARY = (
    "add", "add_", "sub", "sub_", "rsub", "mul", "mul_", "div", "div_", "pow", "pow_", "maximum", "minimum",
    "where", "addcmul", "addcdiv", "lerp",
)  # fmt: skip
rule(*_ELEMENTWISE_BINARY, family="elementwise", rf="merge")(per_output_element)


def _pool_window(args: tuple, kwargs: dict) -> tuple:
    kernel = _arg(args, kwargs, 1, "kernel_size")
    stride = _arg(args, kwargs, 2, "stride") or kernel  # aten passes [] for "same as kernel"
    return kernel, stride, _arg(args, kwargs, 3, "padding", 0), _arg(args, kwargs, 4, "dilation", 1)


def _avg_pool_window(args: tuple, kwargs: dict) -> tuple:
    kernel = _arg(args, kwargs, 1, "kernel_size")
    stride = _arg(args, kwargs, 2, "stride") or kernel
    return kernel, stride, _arg(args, kwargs, 3, "padding", 0), 1


rule(
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", family="pool", rf="window", window=_pool_window,
)(per_output_element)  # fmt: skip
rule("avg_pool1d", "avg_pool2d", "avg_pool3d", family="pool", rf="window", window=_avg_pool_window)(per_output_element)
rule(
    "_adaptive_avg_pool2d", "_adaptive_avg_pool3d", "adaptive_max_pool2d", "adaptive_max_pool3d",
    family="pool", rf="adaptive",
)(per_output_element)  # fmt: skip
rule("mean", "sum", "amax", "amin", "max", "min", family="pool", rf="reduce")(per_output_element)
rule(
    "upsample_nearest1d", "upsample_nearest2d", "upsample_nearest3d", "_upsample_nearest_exact2d",
    "upsample_bilinear2d", "_upsample_bilinear2d_aa", "upsample_bicubic2d", family="pool", rf="resample",
)(per_output_element)  # fmt: skip


# --- free ops -------------------------------------------------------------------------------

declare_free(
    "view", "_unsafe_view", "reshape", "_reshape_alias", "t", "transpose", "permute", "expand", "unsqueeze",
    "squeeze", "select", "split", "split_with_sizes", "chunk", "unbind", "as_strided", "alias", "detach",
    "narrow", "flatten", "unflatten", "lift_fresh",
    family="shape", rf="shape",
)  # fmt: skip
declare_free("_to_copy", "clone", "contiguous", "copy_", "repeat", family="data", rf="shape")
declare_free("slice", family="shape", rf="slice")
declare_free("cat", "stack", family="data", rf="merge")
declare_free("constant_pad_nd", family="data", rf="pad")
declare_free(
    "empty", "empty_like", "empty_strided", "zeros", "zeros_like", "ones", "ones_like", "full", "full_like",
    "new_empty", "new_zeros", "new_ones", "new_full", "scalar_tensor", "fill_", "zero_", "arange",
    family="data", rf="source",
)  # fmt: skip

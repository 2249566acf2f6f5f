"""Counting rules: pure functions of shapes and named op arguments, one registry keyed by op.

A counting rule is called with the op's arguments as keywords named after the op's schema
(``input``, ``weight``, ``stride``, ``groups``, ...; defaults filled in), every tensor replaced by
its shape (``torch.Size``; a list of tensors becomes a list of shapes), plus ``out_shape``, the
shape of the op's first output. It returns ``(macs, extra_flops)``: multiply-accumulates, and the
FLOPs that are not part of a multiply-accumulate (bias adds, one per output element of a
normalization, activation, pooling or elementwise op). This is the calling convention of
``torch.utils.flop_counter``'s formulas; rules take ``**_`` for the arguments they do not read.

Each rule also declares how the op moves the receptive field (``rf``), so that the engine needs no
second table of ops. An op that has no rule is *uncounted*: the engine lists it and marks the
result partial, it never counts it as zero.

Users add rules for ops of any namespace with :func:`register_rule` (a ``torch.library`` op of
their own, ``torchvision::roi_align``), or for one call with ``profile(..., rules={...})``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from math import prod
from typing import Any

from .opargs import qualified_name

__all__ = [
    "FAMILIES",
    "RF_KINDS",
    "Count",
    "Rule",
    "declare_free",
    "lookup",
    "overrides",
    "per_output_element",
    "register_rule",
    "registered_ops",
    "rule",
    "unregister_rule",
]

Shape = Sequence[int]
CountFn = Callable[..., "tuple[int, int] | dict[str, tuple[int, int]]"]
# kernel, stride, padding, dilation of a sliding-window op, or None when the window is not modelled
WindowFn = Callable[..., "tuple[Any, Any, Any, Any] | None"]
AuxFn = Callable[..., bool]

# How an op acts on the receptive field of its tensor inputs (see archstats/receptive_field.py).
RF_KINDS = (
    "pointwise",  # output position i depends on input position i (activations, norms, scalars)
    "merge",  # several tensor inputs, same positions (add, mul, cat): union of the fields
    "window",  # sliding window (conv, pooling): compose kernel, stride, padding, dilation
    "adaptive",  # adaptive pooling: a window derived from input and output sizes
    "reduce",  # reduction over dims: global when a spatial dim is reduced
    "mix",  # matrix products: every output sees every input position
    "shape",  # views and copies: positions followed exactly (a layout algebra); flattened when no field fits
    "pad",  # constant padding shifts the start
    "slice",  # slicing a spatial axis shifts the start and scales the jump
    "source",  # creates a tensor from nothing (empty, zeros): no field
    "resample",  # upsampling: taps per output position from the interpolation mode, bounded
    "roll",  # circular shift: positions wrap along the rolled axes
    "shuffle",  # pixel_shuffle: channels unfolded into spatial blocks (like nearest upsampling)
    "unshuffle",  # pixel_unshuffle: spatial blocks folded into channels (a window of the block)
    "unknown",  # moves positions in a way not modelled, or by values (index, gather, sort, grid_sample)
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


@dataclass(frozen=True, slots=True)
class Count:
    """What one op, or a sum of ops, costs: multiply-accumulates and the FLOPs outside them."""

    macs: int = 0
    extra_flops: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.macs + other.macs, self.extra_flops + other.extra_flops)

    def flops(self, convention: str) -> int:
        """FLOPs under a convention: ``full`` adds the extra FLOPs, ``paper`` counts 2 x MACs only."""
        return 2 * self.macs + (self.extra_flops if convention == "full" else 0)


Parts = dict[str, tuple[int, int]]  # family -> (MACs, extra FLOPs) of a fused kernel's decomposition


def add_part(parts: Parts, family: str, macs: int = 0, extra: int = 0) -> None:
    """Add ``macs`` and ``extra`` FLOPs to ``family``'s part of a fused kernel's count."""
    old = parts.get(family, (0, 0))
    parts[family] = (old[0] + macs, old[1] + extra)


@dataclass(frozen=True)
class Rule:
    """How an op is counted (``count``; None: declared free), its family under the README's
    conventions, and how it moves the receptive field (``rf``, one of :data:`RF_KINDS`).

    ``count`` returns ``(macs, extra_flops)``, all of the rule's family, or for a fused kernel a
    dict ``{family: (macs, extra_flops)}`` that files each part of its decomposition under its own
    family. ``window`` (required when ``rf="window"``) returns the op's kernel, stride, padding and
    dilation from its named arguments, or None when the window is not modelled. ``aux_outputs``
    returns False when the op's secondary outputs are not real allocations for these arguments.
    ``layers`` returns how many weight layers in series a conv or matmul op that uses a parameter
    stands for (default 1): the depth a fused kernel adds, as its decomposition would.
    """

    family: str
    count: CountFn | None = None
    rf: str = "pointwise"
    window: WindowFn | None = None
    aux_outputs: AuxFn | None = None
    layers: Callable[..., int] | None = None

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"unknown family {self.family!r}; choose one of: {', '.join(FAMILIES)}")
        if self.rf not in RF_KINDS:
            raise ValueError(f"unknown receptive-field kind {self.rf!r}; choose one of: {', '.join(RF_KINDS)}")
        if self.rf == "window" and self.window is None:
            raise ValueError("a window rule needs a window function")

    def counts(self, shapes: Mapping[str, Any], out_shape: Shape | None) -> dict[str, Count]:
        """The op's cost by family from its named argument shapes (empty for a free op)."""
        if self.count is None:
            return {}
        found = self.count(**shapes, out_shape=out_shape)
        if not isinstance(found, dict):
            macs, extra = found
            return {self.family: Count(int(macs), int(extra))}
        parts = {}
        for family, (macs, extra) in found.items():
            if family not in FAMILIES:
                raise ValueError(f"a rule returned the unknown family {family!r}")
            parts[family] = Count(int(macs), int(extra))
        return parts


_RULES: dict[str, Rule] = {}  # "ns::name" -> rule


def _store(qualified: str, rule: Rule) -> None:
    if qualified in _RULES:
        raise ValueError(f"{qualified.replace('::', '.')} already has a counting rule")
    _RULES[qualified] = rule


def register_rule(op: Any, rule: Rule) -> None:
    """Register ``rule`` for ``op`` in every later analysis: ``"ns::name"``, a bare aten name, or a
    ``torch.ops`` object. An op that already has a rule is refused (use ``profile(rules=...)`` to
    override one for a single call, or :func:`unregister_rule` first)."""
    if not isinstance(rule, Rule):
        raise TypeError(f"expected an archstats Rule, got {type(rule).__name__}")
    _store(qualified_name(op), rule)


def unregister_rule(op: Any) -> Rule:
    """Remove and return the rule registered for ``op`` (``KeyError`` when there is none)."""
    return _RULES.pop(qualified_name(op))


def rule(
    *names: str,
    family: str,
    rf: str = "pointwise",
    window: WindowFn | None = None,
    aux_outputs: AuxFn | None = None,
    layers: Callable[..., int] | None = None,
) -> Callable[[CountFn], CountFn]:
    """Decorator: register ``fn`` as the counting rule of every op in ``names`` (duplicates refused)."""

    def deco(fn: CountFn) -> CountFn:
        spec = Rule(family, fn, rf, window, aux_outputs, layers)
        for name in names:
            register_rule(name, spec)
        return fn

    return deco


def declare_free(*names: str, family: str, rf: str) -> None:
    """Declare ops that cost no FLOPs (views, copies, constructors); they are counted, as zero."""
    spec = Rule(family, None, rf)
    for name in names:
        register_rule(name, spec)


def overrides(rules: Mapping[Any, Rule]) -> dict[str, Rule]:
    """Per-call rules (``profile(rules=...)``) keyed by ``"ns::name"``, each checked to be a Rule."""
    found = {}
    for op, spec in rules.items():
        if not isinstance(spec, Rule):
            raise TypeError(f"the rule for {op!r} must be an archstats Rule, got {type(spec).__name__}")
        found[qualified_name(op)] = spec
    return found


def lookup(qualified: str) -> Rule | None:
    """The registered rule for an op's ``"ns::name"``, or None."""
    return _RULES.get(qualified)


def registered_ops() -> dict[str, Rule]:
    """Every registered rule by op name (``"aten.convolution"``)."""
    return {key.replace("::", "."): r for key, r in _RULES.items()}


# --- convolution --------------------------------------------------------------------------


def _conv_window(weight: Shape, stride: Any, padding: Any, dilation: Any, transposed: bool, **_: Any) -> tuple | None:
    if transposed:
        return None  # fractional strides: not modelled, reported as unknown
    return weight[2:], stride, padding, dilation


@rule("convolution", "_convolution", "convolution_overrideable", family="conv", rf="window", window=_conv_window)
def conv_rule(
    input: Shape, weight: Shape, bias: Shape | None, transposed: bool, out_shape: Shape, **_: Any
) -> tuple[int, int]:
    return _conv_macs(input, weight, transposed, out_shape), prod(out_shape) if bias is not None else 0


def _conv_macs(input: Shape, weight: Shape, transposed: bool, out_shape: Shape) -> int:
    # weight is (C_out, C_in/g, *k) for a convolution and (C_in, C_out/g, *k) when transposed:
    # either way weight[1] is the per-group fan of one multiply-accumulate chain.
    per_position = weight[1] * prod(weight[2:])
    return (prod(input) if transposed else prod(out_shape)) * per_position


# --- matrix products ----------------------------------------------------------------------


def _bias_adds(beta: Any, out_shape: Shape) -> int:
    return prod(out_shape) if beta != 0 else 0


@rule("mm", family="matmul", rf="mix")
def mm_rule(self: Shape, mat2: Shape, **_: Any) -> tuple[int, int]:
    (m, k), (_k, n) = self, mat2
    return m * k * n, 0


@rule("addmm", family="matmul", rf="mix")
def addmm_rule(mat1: Shape, mat2: Shape, beta: Any, out_shape: Shape, **_: Any) -> tuple[int, int]:
    (m, k), (_k, n) = mat1, mat2
    return m * k * n, _bias_adds(beta, out_shape)


@rule("bmm", family="matmul", rf="mix")
def bmm_rule(self: Shape, mat2: Shape, **_: Any) -> tuple[int, int]:
    (b, m, k), (_b, _k, n) = self, mat2
    return b * m * k * n, 0


@rule("baddbmm", family="matmul", rf="mix")
def baddbmm_rule(batch1: Shape, batch2: Shape, beta: Any, out_shape: Shape, **_: Any) -> tuple[int, int]:
    (b, m, k), (_b, _k, n) = batch1, batch2
    return b * m * k * n, _bias_adds(beta, out_shape)


@rule("mv", "dot", family="matmul", rf="mix")
def mv_rule(self: Shape, **_: Any) -> tuple[int, int]:
    return prod(self), 0


@rule("addmv", family="matmul", rf="mix")
def addmv_rule(mat: Shape, beta: Any, out_shape: Shape, **_: Any) -> tuple[int, int]:
    return prod(mat), _bias_adds(beta, out_shape)


@rule("linear", family="matmul", rf="mix")
def linear_rule(input: Shape, weight: Shape, bias: Shape | None, out_shape: Shape, **_: Any) -> tuple[int, int]:
    return prod(input[:-1]) * weight[0] * weight[1], prod(out_shape) if bias is not None else 0


# --- one FLOP per output element ----------------------------------------------------------


def per_output_element(out_shape: Shape, **_: Any) -> tuple[int, int]:
    """Rule of the ops that cost one FLOP per output element and no MACs."""
    return 0, prod(out_shape)


def _batch_norm_training(training: bool, **_: Any) -> bool:
    # In eval the CPU kernels return empty save_mean/save_invstd (the meta kernels do not), so
    # the saved statistics are real allocations only when the op normalizes with batch statistics.
    return bool(training)


def _never(**_: Any) -> bool:
    return False


rule("native_batch_norm", "_native_batch_norm_legit", family="norm", aux_outputs=_batch_norm_training)(
    per_output_element
)
rule("_native_batch_norm_legit_no_training", "_batch_norm_no_update", family="norm", aux_outputs=_never)(
    per_output_element
)
rule(
    "_native_batch_norm_legit_functional",
    "_batch_norm_with_update",
    "native_layer_norm",
    "native_group_norm",
    family="norm",
)(per_output_element)

# fmt: off
_ACTIVATIONS = (
    "relu", "relu_", "hardtanh", "hardtanh_", "silu", "silu_", "sigmoid", "sigmoid_", "tanh", "tanh_",
    "hardswish", "hardswish_", "hardsigmoid", "hardsigmoid_", "gelu", "gelu_", "leaky_relu", "leaky_relu_",
    "elu", "elu_", "softplus", "mish", "mish_", "threshold", "threshold_", "_prelu_kernel",
    "_softmax", "_log_softmax", "_safe_softmax", "relu6", "selu", "celu", "glu", "softshrink", "hardshrink",
    "logit", "rrelu_with_noise",
)
_ELEMENTWISE_UNARY = (
    "neg", "exp", "log", "sqrt", "rsqrt", "abs", "reciprocal", "clamp", "clamp_", "clamp_min", "clamp_min_",
    "clamp_max", "clamp_max_", "native_dropout", "bernoulli_", "sin", "cos", "tan", "sinh", "atan", "erf",
    "erfinv", "expm1", "log1p", "log2", "log10", "exp2", "square", "sign", "floor", "ceil", "trunc", "round",
    "bitwise_not", "logical_not", "isnan", "isinf", "sin_", "cos_", "exp_", "neg_", "sqrt_", "rsqrt_", "erf_",
    "reciprocal_", "abs_", "floor_", "round_", "sign_",
)
# Binary ops can broadcast a pooled tensor against a full one (SE blocks): their field is a merge.
_ELEMENTWISE_BINARY = (
    "add", "add_", "sub", "sub_", "rsub", "mul", "mul_", "div", "div_", "pow", "pow_", "maximum", "minimum",
    "where", "addcmul", "addcdiv", "lerp", "atan2", "remainder", "fmod", "floor_divide",
    # comparisons, masks and logic: one per output element, a convention (no arithmetic is done)
    "eq", "ne", "lt", "gt", "le", "ge", "masked_fill", "masked_fill_", "logical_and", "logical_or",
    "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "eq_", "ne_", "lt_", "gt_", "le_", "ge_",
    "addcmul_", "addcdiv_", "lerp_",
)
# fmt: on
rule(*_ACTIVATIONS, family="activation")(per_output_element)
rule(*_ELEMENTWISE_UNARY, family="elementwise")(per_output_element)
rule(*_ELEMENTWISE_BINARY, family="elementwise", rf="merge")(per_output_element)


def pool_window(kernel_size: Any, stride: Any, padding: Any, dilation: Any, **_: Any) -> tuple:
    """Kernel, stride, padding and dilation of a max pooling (aten's and the quantized ones)."""
    # aten passes stride=[] for "same as the kernel"
    return kernel_size, stride or kernel_size, padding, dilation


def _avg_pool_window(kernel_size: Any, stride: Any, padding: Any, **_: Any) -> tuple:
    return kernel_size, stride or kernel_size, padding, 1


rule(
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    family="pool",
    rf="window",
    window=pool_window,
)(per_output_element)
rule("avg_pool1d", "avg_pool2d", "avg_pool3d", family="pool", rf="window", window=_avg_pool_window)(per_output_element)
rule(
    "_adaptive_avg_pool2d",
    "_adaptive_avg_pool3d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    family="pool",
    rf="adaptive",
)(per_output_element)
rule("mean", "sum", "amax", "amin", "max", "min", family="pool", rf="reduce")(per_output_element)
rule(
    "upsample_nearest1d",
    "upsample_nearest2d",
    "upsample_nearest3d",
    "_upsample_nearest_exact2d",
    "upsample_bilinear2d",
    "_upsample_bilinear2d_aa",
    "upsample_bicubic2d",
    family="pool",
    rf="resample",
)(per_output_element)


rule(
    "upsample_linear1d",
    "upsample_trilinear3d",
    "_upsample_bicubic2d_aa",
    family="pool",
    rf="resample",
)(per_output_element)
rule("adaptive_max_pool1d", family="pool", rf="adaptive")(per_output_element)
# scans and statistics: one per output element like the other reductions (a convention)
rule(
    "cumsum", "cumprod", "logsumexp", "std", "var", "prod", "argmax", "argmin", "all", "any", family="pool", rf="reduce"
)(per_output_element)
rule("var_mean", "std_mean", family="pool", rf="reduce")(per_output_element)


@rule("linalg_vector_norm", family="pool", rf="reduce")
def vector_norm_rule(self: Shape, out_shape: Shape, **_: Any) -> tuple[int, int]:
    # a convention: the power (|x|^p, a multiply for p = 2) and the accumulate per input element,
    # and the root per output element
    return 0, 2 * prod(self) + prod(out_shape)


@rule("grid_sampler_2d", "grid_sampler_3d", family="pool", rf="unknown")
def grid_sampler_rule(out_shape: Shape, **_: Any) -> tuple[int, int]:
    # like upsampling: one per output element whatever the interpolation (a convention); where each
    # output reads from depends on the grid's values, so the receptive field is unknown
    return 0, prod(out_shape)


# Accumulating writes add one FLOP per value written; plain indexing, gathering and scattering move
# data and cost nothing (their memory is counted).
@rule("index_put", "index_put_", "_index_put_impl_", family="data", rf="unknown")
def index_put_rule(values: Shape, accumulate: bool, **_: Any) -> tuple[int, int]:
    return 0, prod(values) if accumulate else 0


@rule("scatter_add", "scatter_add_", "scatter_reduce", "scatter_reduce_", family="data", rf="unknown")
def scatter_add_rule(src: Shape, **_: Any) -> tuple[int, int]:
    return 0, prod(src)


@rule("index_add", "index_add_", family="data", rf="unknown")
def index_add_rule(source: Shape, **_: Any) -> tuple[int, int]:
    return 0, prod(source)


@rule("col2im", family="data", rf="shape")
def col2im_rule(self: Shape, **_: Any) -> tuple[int, int]:
    # folding columns back sums overlapping patches: one add per column element
    return 0, prod(self)


@rule("_embedding_bag", family="data", rf="unknown")
def embedding_bag_rule(indices: Shape, weight: Shape, **_: Any) -> tuple[int, int]:
    # each looked-up row is accumulated into its bag: one add per element of each row
    return 0, prod(indices) * weight[-1]


# --- attention and recurrent kernels: counted exactly as the ops of their decomposition -------------
#
# On meta, attention and recurrent layers run as their decompositions (scaling, matrix products,
# softmax, masks; gate products and activations); on CPU the same calls reach fused kernels. These
# rules count a fused kernel as the sum of the decomposition's ops, so meta and cpu agree.


def _sdpa(query: Shape, key: Shape, value: Shape, out_shape: Shape, mask: Any, causal: Any, dropout: Any) -> Parts:
    """The math path of scaled dot-product attention: sqrt(scale) on q and on k, Q K^T, the mask
    (added; a causal one built with where(tril(ones)) first), softmax, dropout (bernoulli_, the
    rescale, the multiply), attention x V."""
    q, e = query[-2], query[-1]
    bh, s = prod(out_shape[:-2]), key[-2]  # the output has the query's heads (keys are shared in GQA)
    scores = bh * q * s
    parts: Parts = {"matmul": (scores * e + scores * value[-1], 0), "activation": (0, scores)}
    add_part(parts, "elementwise", extra=bh * q * e + bh * s * e)
    if mask is not None:
        add_part(parts, "elementwise", extra=scores)
    elif causal:
        add_part(parts, "elementwise", extra=q * s + scores)
    if dropout:
        add_part(parts, "elementwise", extra=3 * scores)
    return parts


@rule("_scaled_dot_product_flash_attention_for_cpu", family="matmul", rf="mix")
def sdpa_cpu_rule(
    query: Shape, key: Shape, value: Shape, out_shape: Shape, attn_mask: Any, is_causal: Any, dropout_p: Any, **_: Any
) -> Parts:
    return _sdpa(query, key, value, out_shape, attn_mask, is_causal, dropout_p)


@rule(
    "_scaled_dot_product_efficient_attention",
    "_scaled_dot_product_cudnn_attention",
    "_scaled_dot_product_fused_attention_overrideable",
    family="matmul",
    rf="mix",
)
def sdpa_bias_rule(
    query: Shape, key: Shape, value: Shape, out_shape: Shape, attn_bias: Any, is_causal: Any, dropout_p: Any, **_: Any
) -> Parts:
    return _sdpa(query, key, value, out_shape, attn_bias, is_causal, dropout_p)


@rule("_scaled_dot_product_flash_attention", family="matmul", rf="mix")
def sdpa_flash_rule(
    query: Shape, key: Shape, value: Shape, out_shape: Shape, is_causal: Any, dropout_p: Any, **_: Any
) -> Parts:
    return _sdpa(query, key, value, out_shape, None, is_causal, dropout_p)


def _two_layers(**_: Any) -> int:
    return 2  # the in-projection, then the out-projection


@rule("_native_multi_head_attention", family="matmul", rf="mix", layers=_two_layers)
def native_mha_rule(
    query: Shape,
    key: Shape,
    num_head: int,
    qkv_bias: Shape | None,
    proj_bias: Shape | None,
    mask: Shape | None,
    need_weights: bool,
    average_attn_weights: bool,
    **_: Any,
) -> Parts:
    """nn.MultiheadAttention's fused path, as ``F.multi_head_attention_forward`` runs it: the packed
    in-projection (a product and a bias add), q scaled (and k too when no weights are returned, by
    the math path of attention), Q K^T, the mask (added to the scores), softmax, attention x V, the
    out-projection (with its bias in the product), the mean of the weights over heads."""
    b, q, e = query
    s = key[-2]
    scores = b * num_head * q * s
    parts: Parts = {"matmul": (b * (q + 2 * s) * e * e + 2 * b * q * s * e + b * q * e * e, 0)}
    add_part(parts, "matmul", extra=b * q * e if proj_bias is not None else 0)
    add_part(parts, "elementwise", extra=b * (q + 2 * s) * e if qkv_bias is not None else 0)
    add_part(parts, "elementwise", extra=b * q * e + (0 if need_weights else b * s * e))
    add_part(parts, "activation", extra=scores)
    if mask is not None:  # with weights, baddbmm adds the mask inside the product
        add_part(parts, "matmul" if need_weights else "elementwise", extra=scores)
    if need_weights and average_attn_weights:
        add_part(parts, "pool", extra=b * q * s)
    return parts


def _time_steps(input: Shape, **_: Any) -> int:
    return input[0]  # each step's hidden product depends on the previous step's


@rule("mkldnn_rnn_layer", family="matmul", rf="mix", layers=_time_steps)
def mkldnn_lstm_layer_rule(input: Shape, weight0: Shape, weight1: Shape, has_biases: bool, **_: Any) -> Parts:
    """One LSTM layer and direction over all time steps (CPU's fused kernel; its input is always
    time x batch x features). Per step, as the meta path runs it: the input and hidden products
    (4H gates each, with their biases), the gate sum, three sigmoids and two tanh, three products
    and the cell update's add."""
    steps = input[0] * input[1]
    four_h, n_in = weight0
    h = four_h // 4
    return {
        "matmul": (steps * four_h * (n_in + weight1[1]), steps * 8 * h if has_biases else 0),
        "elementwise": (0, steps * 8 * h),  # gate sum 4H, three products 3H, the add H
        "activation": (0, steps * 5 * h),
    }


# --- torchvision's ops ---------------------------------------------------------------------------
#
# torchvision registers these when it is imported, which archstats never does: the rules are keyed
# by name in advance (the schemas are torchvision's, in torchvision/csrc/ops/*.cpp).


def roi_pooling_rule(out_shape: Shape, **_: Any) -> tuple[int, int]:
    """roi_align, roi_pool and their position-sensitive forms: one per output element, as
    upsampling (a convention: how many points a bin samples can depend on the boxes' sizes)."""
    return 0, prod(out_shape)


for _name in ("roi_align", "roi_pool", "ps_roi_align", "ps_roi_pool"):
    _store(f"torchvision::{_name}", Rule("pool", roi_pooling_rule, rf="unknown"))
# NMS compares boxes that survive: value-dependent work, counted as data movement (a convention)
_store("torchvision::nms", Rule("data", None, rf="unknown"))


# --- the backward pass ------------------------------------------------------------------------
#
# Counted as the forward ops are: the products of a gradient in MACs, one FLOP per element of the
# gradient an elementwise, normalization or pooling backward produces. Their field is never
# followed (the backward pass has none), hence rf="unknown".


@rule("convolution_backward", family="conv", rf="unknown")
def conv_backward_rule(
    grad_output: Shape,
    input: Shape,
    weight: Shape,
    bias_sizes: Sequence[int] | None,
    transposed: bool,
    output_mask: Sequence[bool],
    **_: Any,
) -> tuple[int, int]:
    # The input's gradient is a transposed convolution of grad_output with the weight, the weight's
    # gradient a convolution of the input with grad_output: each takes exactly the forward's
    # multiply-accumulates (one per weight tap per output position), and runs only when autograd
    # asks for it (no input gradient for a model input that needs none, no weight gradient for a
    # frozen layer). The bias gradient sums grad_output, counted as every sum is: one per output
    # element, here one per bias element.
    forward = _conv_macs(input, weight, transposed, grad_output)
    macs = forward * (int(output_mask[0]) + int(output_mask[1]))
    return macs, prod(bias_sizes) if output_mask[2] and bias_sizes else 0


def per_grad_output_element(
    grad_out: Shape | None = None, grad_output: Shape | None = None, **_: Any
) -> tuple[int, int]:
    """One FLOP per element of the incoming gradient: the backward of a normalization, whose first
    output (the input's gradient) is absent when autograd does not ask for it."""
    shape = grad_out if grad_out is not None else grad_output
    return 0, prod(shape) if shape is not None else 0


# fmt: off
_ACTIVATION_BACKWARD = (
    "threshold_backward", "sigmoid_backward", "tanh_backward", "silu_backward", "hardtanh_backward",
    "hardswish_backward", "hardsigmoid_backward", "gelu_backward", "leaky_relu_backward", "elu_backward",
    "softplus_backward", "mish_backward", "_softmax_backward_data", "_log_softmax_backward_data",
    "glu_backward", "softshrink_backward", "hardshrink_backward", "logit_backward", "log_sigmoid_backward",
    "rrelu_with_noise_backward", "_prelu_kernel_backward",
)
_POOL_BACKWARD = (
    "max_pool2d_with_indices_backward", "max_pool3d_with_indices_backward", "avg_pool2d_backward",
    "avg_pool3d_backward", "_adaptive_avg_pool2d_backward", "_adaptive_avg_pool3d_backward",
    "adaptive_max_pool2d_backward", "adaptive_max_pool3d_backward", "upsample_nearest1d_backward",
    "upsample_nearest2d_backward", "upsample_nearest3d_backward", "_upsample_nearest_exact2d_backward",
    "upsample_bilinear2d_backward", "upsample_linear1d_backward", "upsample_bicubic2d_backward",
    "upsample_trilinear3d_backward", "grid_sampler_2d_backward",
)
# fmt: on
rule(*_ACTIVATION_BACKWARD, family="activation", rf="unknown")(per_output_element)
rule("native_dropout_backward", family="elementwise", rf="unknown")(per_output_element)
rule(*_POOL_BACKWARD, family="pool", rf="unknown")(per_output_element)
rule(
    "native_batch_norm_backward",
    "batch_norm_backward",
    "native_layer_norm_backward",
    "native_group_norm_backward",
    family="norm",
    rf="unknown",
)(per_grad_output_element)


@rule("_scaled_dot_product_flash_attention_for_cpu_backward", family="matmul", rf="unknown")
def sdpa_cpu_backward_rule(query: Shape, key: Shape, value: Shape, dropout_p: Any, **_: Any) -> Parts:
    """The backward of attention's math path, as meta runs it: the gradients of P V (of P and of V)
    and of Q K^T (of Q and of K), four products; softmax's backward; the two scalings' backward;
    dropout's multiply and division (a mask, added, passes the gradient through)."""
    q, e, d = query[-2], query[-1], value[-1]
    bh, s = prod(query[:-2]), key[-2]
    scores = bh * q * s
    parts: Parts = {"matmul": (2 * scores * d + 2 * scores * e, 0), "activation": (0, scores)}
    add_part(parts, "elementwise", extra=bh * q * e + bh * s * e)
    if dropout_p:
        add_part(parts, "elementwise", extra=2 * scores)
    return parts


@rule("embedding_dense_backward", family="data", rf="unknown")
def embedding_backward_rule(grad_output: Shape, **_: Any) -> tuple[int, int]:
    # each looked-up row's gradient is added into its weight row: one add per element
    return 0, prod(grad_output)


# the gradient of a slice, a select or a pad is the incoming one copied into zeros: data movement
declare_free(
    "slice_backward",
    "select_backward",
    "narrow_copy",
    "new_empty_strided",
    "slice_scatter",
    "select_scatter",
    "as_strided_scatter",
    family="data",
    rf="unknown",
)
# reflected and replicated borders fold their gradients back onto the edge: one add per element
rule(
    "reflection_pad1d_backward",
    "reflection_pad2d_backward",
    "reflection_pad3d_backward",
    "replication_pad1d_backward",
    "replication_pad2d_backward",
    "replication_pad3d_backward",
    family="elementwise",
    rf="unknown",
)(per_grad_output_element)


# --- free ops -------------------------------------------------------------------------------

# fmt: off
declare_free(
    "view", "_unsafe_view", "reshape", "_reshape_alias", "t", "transpose", "permute", "expand", "unsqueeze",
    "squeeze", "select", "split", "split_with_sizes", "chunk", "unbind", "as_strided", "alias", "detach",
    "narrow", "flatten", "unflatten", "lift_fresh", "as_strided_", "transpose_", "unsafe_split",
    "unsafe_split_with_sizes", "unsafe_chunk", "unfold", "movedim", "view_as_real", "view_as_complex",
    "squeeze_", "unsqueeze_", "t_", "split_with_sizes_copy", "expand_as", "view_as",
    family="shape", rf="shape",
)
declare_free(
    "empty", "empty_like", "empty_strided", "zeros", "zeros_like", "ones", "ones_like", "full", "full_like",
    "new_empty", "new_zeros", "new_ones", "new_full", "scalar_tensor", "fill_", "zero_", "arange", "linspace",
    "randn", "rand", "randint", "randperm", "normal_", "uniform_", "random_", "lift_fresh_copy", "eye",
    family="data", rf="source",
)
# fmt: on
declare_free(
    "_to_copy",
    "clone",
    "contiguous",
    "copy_",
    "repeat",
    "tril",
    "triu",
    "im2col",
    "channel_shuffle",
    "native_channel_shuffle",
    "alias_copy",
    "expand_copy",
    "permute_copy",
    "view_copy",
    family="data",
    rf="shape",
)
declare_free(
    "index",
    "index_select",
    "gather",
    "embedding",
    "scatter",
    "scatter_",
    "sort",
    "topk",
    "flip",
    "repeat_interleave",
    "masked_select",
    "masked_scatter",
    "nonzero",
    "take",
    "_unique2",
    "unique_dim",
    "_unsafe_index",
    family="data",
    rf="unknown",
)
declare_free("roll", family="data", rf="roll")
declare_free("pixel_shuffle", family="data", rf="shuffle")
declare_free("pixel_unshuffle", family="data", rf="unshuffle")
declare_free("slice", family="shape", rf="slice")
declare_free("cat", "stack", family="data", rf="merge")
declare_free(
    "constant_pad_nd",
    "reflection_pad1d",
    "reflection_pad2d",
    "reflection_pad3d",
    "replication_pad1d",
    "replication_pad2d",
    "replication_pad3d",
    family="data",
    rf="pad",
)

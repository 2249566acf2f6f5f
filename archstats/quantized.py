"""Quantized models (``torch.ao.quantization``, torchvision's ``quantize=True``): rules, packed weights, bytes.

Quantized ops count as their float twins, so that a quantized model's MACs equal the float model's:

- ``quantized::conv*`` (``conv2d``, ``conv2d_relu``, ``conv1d``, ``conv3d``, ``conv_transpose2d``,
  dynamic ones) and ``quantized::linear*`` read the weight shape, stride, padding, dilation, groups
  and bias from the packed-params object the op receives and count exactly as ``aten.convolution``
  and ``aten.addmm``. A fused kernel (``conv2d_relu``, ``linear_relu``, ``add_relu``,
  ``batch_norm2d_relu``, ``conv2d_add``) counts as its float decomposition, each part in its own
  family: the ReLU's one FLOP per output element is an ``activation`` FLOP, as the float model's
  separate ReLU is.
- quantized elementwise ops, activations, norms, pooling and ``cat`` count as their float families.
- ``quantize_per_tensor``, ``quantize_per_channel`` and ``dequantize`` are data movement: 0 FLOPs,
  as dtype conversions (``aten._to_copy``) are. Every quantized op also requantizes its output
  inside its kernel without being charged for it, so charging only the explicit boundaries would
  be inconsistent; this keeps a quantized model's FLOPs those of its float twin (minus folded
  batch norms). Their outputs' memory is counted as any op's.

Packed weights are not ``nn.Parameter`` s: :func:`packed_numels` gives the engine the weight and
bias elements of a quantized module's packed params (counted once per module, as the float twin's
``weight`` and ``bias``), and :func:`stored_bytes` the bytes a model actually holds.

Quantized kernels exist only on CPU: :func:`refuse_meta` says so before a meta run fails deep in
the forward. Importing this module registers the rules; ops missing from a torch build are skipped.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain
from math import prod
from typing import Any

import torch
from torch import nn
from torch.utils._python_dispatch import _disable_current_modes

from .errors import UsageError
from .rules import Parts, Rule, add_part, lookup, per_output_element, pool_window, register_rule

__all__ = ["PackedInfo", "packed_info", "packed_numels", "refuse_meta", "stored_bytes", "tensor_bytes"]

Shape = Any  # torch.Size, as rules receive tensors


# --- packed params ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PackedInfo:
    """What a packed-params object holds, read once by unpacking it.

    ``weight_shape`` is the float twin's (a conv1d's has a unit axis before the kernel: (C_out,
    C_in / groups, 1, k), which counts the same). ``stride`` ... ``transposed`` are None for linear.
    """

    weight_shape: tuple[int, ...]
    bias_shape: tuple[int, ...] | None
    nbytes: int  # weight elements at their stored width + quantization parameters + bias
    stride: tuple[int, ...] | None = None
    padding: tuple[int, ...] | None = None
    dilation: tuple[int, ...] | None = None
    groups: int = 1
    transposed: bool = False

    @property
    def numel(self) -> int:
        return prod(self.weight_shape) + (prod(self.bias_shape) if self.bias_shape is not None else 0)


# Packed objects owned by live modules, by the address of the C++ object (``hash`` of any Python
# wrapper of it: an op receives a new wrapper at every call, the module keeps its own). The entry
# holds a weak reference to the module's wrapper: while it is alive so is the C++ object, so no
# other object can have that address, and a dead entry is never read.
_KNOWN: dict[int, tuple[weakref.ref, PackedInfo]] = {}


def _forget(key: int, ref: weakref.ref) -> None:
    entry = _KNOWN.get(key)
    if entry is not None and entry[0] is ref:
        del _KNOWN[key]


def _has_method(packed: Any, name: str) -> bool:
    return bool(packed._has_method(name))


def unpacks(obj: torch.ScriptObject) -> bool:
    """Whether ``obj`` is a packed-params object (its weights can be unpacked and measured)."""
    return _has_method(obj, "unpack")


def _read(packed: Any, weight_dtype: torch.dtype | None = None) -> PackedInfo:
    # Called from the engine's module hooks and rules while its dispatch mode is active: unpacking
    # is not part of the model's forward, so its ops must not reach the mode.
    with _disable_current_modes():
        unpacked = packed.unpack()  # backends pack differently; this is the float twin's layout
        weight, bias = unpacked if isinstance(unpacked, tuple) else (unpacked, None)
        nbytes = tensor_bytes(weight, weight_dtype) + (tensor_bytes(bias) if bias is not None else 0)
    info = PackedInfo(tuple(weight.shape), tuple(bias.shape) if bias is not None else None, nbytes)
    if not _has_method(packed, "stride"):  # linear (and embedding) packed params
        return info
    return PackedInfo(
        info.weight_shape,
        info.bias_shape,
        nbytes,
        tuple(packed.stride()),
        tuple(packed.padding()),
        tuple(packed.dilation()),
        int(packed.groups()),
        bool(packed.transpose()),
    )


def packed_info(packed: Any, weight_dtype: torch.dtype | None = None) -> PackedInfo:
    """The :class:`PackedInfo` of a packed-params object (cached while a module owns it; unpacking
    costs milliseconds on the x86/fbgemm backends)."""
    key = hash(packed)
    entry = _KNOWN.get(key)
    if entry is not None and entry[0]() is not None:
        return entry[1]
    return _read(packed, weight_dtype)


def _packed_attribute(module: nn.Module) -> Any:
    found = module.__dict__
    return found.get("_packed_params", found.get("_packed_weight"))  # EmbeddingPackedParams: _packed_weight


def _packed_objects(module: nn.Module) -> Iterator[tuple[Any, torch.dtype | None]]:
    """The packed-params objects a quantized module owns, with the weight dtype when the packed
    object does not unpack to it (fp16 dynamic linear unpacks to float32)."""
    packed = _packed_attribute(module)  # quantized conv: the packed object itself
    holder = module
    if packed is None:  # quantized linear, embedding: a Linear/EmbeddingPackedParams module holds it
        holder = module._modules.get("_packed_params")  # type: ignore[assignment]
        packed = _packed_attribute(holder) if holder is not None else None
    if isinstance(packed, torch.ScriptObject) and _has_method(packed, "unpack"):
        dtype = holder.__dict__.get("dtype")
        yield packed, dtype if dtype == torch.float16 else None


def _own(packed: Any, weight_dtype: torch.dtype | None) -> PackedInfo:
    key = hash(packed)
    entry = _KNOWN.get(key)
    if entry is not None and entry[0]() is packed:
        return entry[1]
    info = _read(packed, weight_dtype)
    ref = weakref.ref(packed, partial(_forget, key))
    _KNOWN[key] = (ref, info)
    return info


def packed_numels(module: nn.Module) -> list[tuple[int, int]]:
    """``(key, elements)`` of the packed weights and biases ``module`` owns directly: the float
    twin's ``weight`` and ``bias`` element counts. The key identifies the packed object while the
    module lives (a quantized Linear and its ``_packed_params`` child share it: count it once)."""
    return [(id(packed), _own(packed, dtype).numel) for packed, dtype in _packed_objects(module)]


# --- bytes ------------------------------------------------------------------------------------------


def tensor_bytes(t: torch.Tensor, dtype: torch.dtype | None = None) -> int:
    """Bytes a tensor stores: its elements at their width (``dtype`` overrides it), plus, for a
    quantized tensor, its quantization parameters as torch keeps them (per tensor: one float64
    scale and one int64 zero point; per channel: one of each per channel)."""
    width = dtype.itemsize if dtype is not None else t.element_size()
    nbytes = t.numel() * width
    if not t.is_quantized:
        return nbytes
    if t.qscheme() in (torch.per_channel_affine, torch.per_channel_affine_float_qparams):
        scales, zeros = t.q_per_channel_scales(), t.q_per_channel_zero_points()
        return nbytes + scales.numel() * scales.element_size() + zeros.numel() * zeros.element_size()
    return nbytes + 8 + 8


def _storage_key(t: torch.Tensor) -> Any:
    try:
        return ("storage", t.untyped_storage()._cdata)
    except (RuntimeError, NotImplementedError):
        return ("tensor", id(t))


def stored_bytes(model: nn.Module) -> int:
    """Bytes of the tensors ``model`` holds: parameters and buffers (each storage once) at their
    dtype's width, and the packed weights and biases of quantized modules (int8 weights at 1 byte
    per element with their scales and zero points, float32 biases). Python numbers a module keeps
    as attributes (a quantized layer's output scale and zero point) are not tensors: not counted."""
    total, seen = 0, set()
    for t in chain(model.parameters(), model.buffers()):
        key = _storage_key(t)
        if key in seen:
            continue
        seen.add(key)
        if t.is_quantized:
            total += tensor_bytes(t)
        else:
            total += t.untyped_storage().nbytes() if key[0] == "storage" else tensor_bytes(t)
    for module in model.modules():
        for packed, dtype in _packed_objects(module):
            if ("packed", id(packed)) not in seen:
                seen.add(("packed", id(packed)))
                total += _own(packed, dtype).nbytes
    return total


# --- meta --------------------------------------------------------------------------------------------

_QUANTIZED_PACKAGES = (
    "torch.ao.nn.quantized",
    "torch.ao.nn.intrinsic.quantized",
    "torch.nn.quantized",
    "torch.nn.intrinsic.quantized",
)


def quantized_layer(model: nn.Module) -> tuple[str, str] | None:
    """``(path, type)`` of the first quantized module of ``model`` (a torch.ao quantized module, a
    module owning packed weights or quantized tensors), or None."""
    for name, module in model.named_modules():
        kind = type(module)
        if kind.__module__.startswith(_QUANTIZED_PACKAGES):  # "torch.ao.nn.quantized.dynamic.Linear"
            return name or "(model)", f"{kind.__module__.split('.modules')[0]}.{kind.__name__}"
        # the module's own tensors, read from its dicts (parameters(False) costs a generator chain)
        own = chain(module._parameters.values(), module._buffers.values())
        if next(_packed_objects(module), None) is not None or any(t is not None and t.is_quantized for t in own):
            return name or "(model)", kind.__name__
    return None


def refuse_meta(model: nn.Module, name: str, device: str) -> None:
    """Raise a one-line :class:`UsageError` when a quantized model is to run on ``meta``."""
    if device != "meta":
        return
    found = quantized_layer(model)
    if found is not None:
        path, kind = found
        raise UsageError(
            f"{name} is a quantized model (layer {path}: {kind}): quantized kernels have no meta "
            f'implementation, so it cannot be analysed on device="meta"; use device="cpu"'
        )


# --- rules ------------------------------------------------------------------------------------------


def _packed(packed_weight: Any, weight: Any) -> PackedInfo:
    # the ".new" overloads call the packed params "packed_weight", the older ones "weight"
    return packed_info(packed_weight if packed_weight is not None else weight)


def _fused(parts: Parts, fused: tuple[str, ...], out_shape: Shape) -> Parts:
    """``parts`` and one FLOP per output element for each op fused after it (by family)."""
    for family in fused:
        add_part(parts, family, extra=prod(out_shape))
    return parts


def _conv_count(*fused: str) -> Any:
    """A quantized conv's rule; ``fused``: the families of the ops its kernel applies after it
    (``conv2d_add_relu``: the add, then the relu)."""

    def count(qx: Shape, out_shape: Shape, packed_weight: Any = None, weight: Any = None, **_: Any) -> Parts:
        info = _packed(packed_weight, weight)
        w = info.weight_shape  # (C_out, C_in/g, *k); transposed (C_in, C_out/g, *k): w[1] is the fan
        macs = (prod(qx) if info.transposed else prod(out_shape)) * w[1] * prod(w[2:])
        bias_adds = prod(out_shape) if info.bias_shape is not None else 0
        return _fused({"conv": (macs, bias_adds)}, fused, out_shape)

    return count


def _conv_window(packed_weight: Any = None, weight: Any = None, **_: Any) -> tuple | None:
    info = _packed(packed_weight, weight)
    if info.transposed:
        return None  # fractional strides: not modelled, as for aten.convolution
    return info.weight_shape[2:], info.stride, info.padding, info.dilation


def _linear_count(*fused: str) -> Any:
    def count(X: Shape, W_prepack: Any, out_shape: Shape, **_: Any) -> Parts:
        info = packed_info(W_prepack)
        n_out, n_in = info.weight_shape
        bias_adds = prod(out_shape) if info.bias_shape is not None else 0
        return _fused({"matmul": (prod(X[:-1]) * n_in * n_out, bias_adds)}, fused, out_shape)

    return count


def _linear_unpacked(X: Shape, weight: Shape, bias: Shape | None, out_shape: Shape, **_: Any) -> tuple[int, int]:
    return prod(X[:-1]) * weight[0] * weight[1], prod(out_shape) if bias is not None else 0


def _matmul(qa: Shape, out_shape: Shape, **_: Any) -> tuple[int, int]:
    return prod(out_shape) * qa[-1], 0


def _per_output(*families: str) -> Any:
    """One FLOP per output element for each op of a fused kernel, in its family."""

    def count(out_shape: Shape, **_: Any) -> Parts:
        return _fused({}, families, out_shape)

    return count


def _dropout(out_shape: Shape, training: bool = False, **_: Any) -> tuple[int, int]:
    return 0, prod(out_shape) if training else 0


def _register(names: tuple[str, ...], spec: Rule) -> None:
    for name in names:
        try:
            if lookup(name if "::" in name else f"aten::{name}") is None:
                register_rule(name, spec)
        except ValueError:  # not in this torch build
            pass


_CONV = ("quantized::conv1d", "quantized::conv2d", "quantized::conv3d")
_CONV_DYNAMIC = ("quantized::conv1d_dynamic", "quantized::conv2d_dynamic", "quantized::conv3d_dynamic")
_CONV_TRANSPOSE = ("quantized::conv_transpose1d", "quantized::conv_transpose2d", "quantized::conv_transpose3d")
_CONV_TRANSPOSE_DYNAMIC = tuple(f"{n}_dynamic" for n in _CONV_TRANSPOSE)
_LINEAR = (
    "quantized::linear",
    "quantized::linear_dynamic",
    "quantized::linear_dynamic_fp16",
    "quantized::linear_with_input_q_dq_qweight_dq_output_fp32",
)
_LINEAR_FUSED = (
    "quantized::linear_relu",
    "quantized::linear_relu_dynamic",
    "quantized::linear_relu_dynamic_fp16",
    "quantized::linear_leaky_relu",
    "quantized::linear_tanh",
    "quantized::linear_with_input_q_dq_qweight_dq_relu_output_fp32",
)
# fmt: off
_BINARY = (
    "quantized::add", "quantized::add_out", "quantized::add_scalar", "quantized::add_scalar_out",
    "quantized::mul", "quantized::mul_out", "quantized::mul_scalar", "quantized::mul_scalar_out",
)
_BINARY_RELU = (
    "quantized::add_relu", "quantized::add_relu_out", "quantized::add_scalar_relu", "quantized::add_scalar_relu_out",
    "quantized::mul_relu", "quantized::mul_relu_out", "quantized::mul_scalar_relu", "quantized::mul_scalar_relu_out",
)
_ACTIVATIONS = (
    "quantized::hardswish", "quantized::sigmoid", "quantized::softmax", "quantized::elu", "quantized::celu",
    "quantized::leaky_relu", "quantized::relu6", "quantized::threshold", "quantized::prelu",
)
_NORMS = (
    "quantized::batch_norm", "quantized::batch_norm1d", "quantized::batch_norm2d", "quantized::batch_norm3d",
    "quantized::layer_norm", "quantized::group_norm", "quantized::instance_norm",
)
_NORMS_RELU = (
    "quantized::batch_norm_relu", "quantized::batch_norm1d_relu", "quantized::batch_norm2d_relu",
    "quantized::batch_norm3d_relu",
)
_POOLS = (
    "quantized::max_pool1d", "quantized::max_pool2d",
    "quantized_max_pool1d", "quantized_max_pool2d", "quantized_max_pool3d",
)
# Conversions between float and quantized tensors, and reading a scale or zero point as a number
# (``float(self.scale)`` in a quantized module's forward: ``aten._local_scalar_dense``).
_CONVERSIONS = (
    "quantize_per_tensor", "quantize_per_tensor_dynamic", "quantize_per_channel", "dequantize",
    "_local_scalar_dense",
)
# fmt: on

_CONV_RELU = ("quantized::conv1d_relu", "quantized::conv2d_relu", "quantized::conv3d_relu")

_register(
    _CONV + _CONV_DYNAMIC + _CONV_TRANSPOSE + _CONV_TRANSPOSE_DYNAMIC,
    Rule("conv", _conv_count(), "window", _conv_window),
)
_register(_CONV_RELU, Rule("conv", _conv_count("activation"), "window", _conv_window))
_register(("quantized::conv2d_add",), Rule("conv", _conv_count("elementwise"), "window", _conv_window))
_register(
    ("quantized::conv2d_add_relu",), Rule("conv", _conv_count("elementwise", "activation"), "window", _conv_window)
)
_register(_LINEAR, Rule("matmul", _linear_count(), "mix"))
_register(_LINEAR_FUSED, Rule("matmul", _linear_count("activation"), "mix"))
_register(("quantized::linear_dynamic_fp16_unpacked_weight",), Rule("matmul", _linear_unpacked, "mix"))
_register(("quantized::matmul",), Rule("matmul", _matmul, "mix"))
_register(_BINARY, Rule("elementwise", per_output_element, "merge"))
_register(_BINARY_RELU, Rule("elementwise", _per_output("elementwise", "activation"), "merge"))
_register(_ACTIVATIONS, Rule("activation", per_output_element))
_register(("quantized::clamp",), Rule("elementwise", per_output_element))
_register(("quantized::dropout",), Rule("elementwise", _dropout))
_register(_NORMS, Rule("norm", per_output_element))
_register(_NORMS_RELU, Rule("norm", _per_output("norm", "activation")))
_register(_POOLS, Rule("pool", per_output_element, "window", pool_window))
_register(("quantized::cat",), Rule("data", None, "merge"))
_register(_CONVERSIONS, Rule("data", None, "pointwise"))

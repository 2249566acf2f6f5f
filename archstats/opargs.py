"""Op names and arguments: every op the dispatcher hands the engine, normalised once against its schema.

Rules, fast-meta builders and the receptive-field pass read arguments by their schema names
(``stride``, ``padding``, ``groups``, ``transposed``, ...), with the schema's defaults filled in for
arguments the caller left out, so none of them depends on argument positions or on which overload
of an op ran (``_native_batch_norm_legit`` has one with running statistics and one without).

Op names keep their namespace: ``aten.convolution``, ``torchvision.roi_align``, ``quantized.add``.
A rule is registered under the qualified name of an op's overload packet, ``"aten::convolution"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

__all__ = ["OpSignature", "bind", "qualified_name", "shapes_of", "signature"]


@dataclass(frozen=True)
class OpSignature:
    """What the engine needs to know about one op overload, computed on first sight."""

    name: str  # "aten.convolution": shown in records, ``uncounted``, errors and reports
    qualified: str  # "aten::convolution": the key rules are registered under
    params: tuple[str, ...]  # the schema's argument names, positional ones first
    defaults: dict[str, Any]  # the schema's default values


_SIGNATURES: dict[Any, OpSignature] = {}


def signature(func: Any) -> OpSignature:
    """The :class:`OpSignature` of an ``OpOverload`` (cached per overload)."""
    sig = _SIGNATURES.get(func)
    if sig is None:
        sig = _SIGNATURES[func] = _read_schema(func)
    return sig


def _read_schema(func: Any) -> OpSignature:
    qualified = func._overloadpacket._qualified_op_name
    schema = getattr(func, "_schema", None)
    if schema is None:  # not an aten-style overload: keep the arguments in order, numbered
        return OpSignature(qualified.replace("::", "."), qualified, (), {})
    params = tuple(a.name for a in schema.arguments)
    defaults = {a.name: a.default_value for a in schema.arguments if a.has_default_value()}
    return OpSignature(qualified.replace("::", "."), qualified, params, defaults)


def bind(sig: OpSignature, args: tuple, kwargs: dict) -> dict[str, Any]:
    """Arguments by schema name, defaults filled in. Extra positional arguments of an op without a
    schema are kept as ``arg0``, ``arg1``, ..."""
    named = dict(sig.defaults)
    if len(args) <= len(sig.params):
        named.update(zip(sig.params, args))
    else:
        named.update((f"arg{i}", a) for i, a in enumerate(args))
    if kwargs:
        named.update(kwargs)
    return named


def _shape_of(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.shape
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], torch.Tensor):
        return [t.shape for t in value]
    return value


def shapes_of(named: dict[str, Any]) -> dict[str, Any]:
    """The same arguments with every tensor replaced by its ``torch.Size`` (a list of tensors by a
    list of sizes): what counting rules and the receptive-field pass read."""
    return {k: _shape_of(v) for k, v in named.items()}


def qualified_name(op: Any) -> str:
    """``"ns::name"`` for an op given as ``"ns::name"``, ``"ns.name"``, a bare aten name, an
    ``OpOverloadPacket`` or an ``OpOverload``; raises ``ValueError`` when no such op is loaded."""
    if isinstance(op, torch._ops.OpOverload):
        op = op._overloadpacket
    if isinstance(op, torch._ops.OpOverloadPacket):
        return op._qualified_op_name
    if not isinstance(op, str) or not op:
        raise TypeError(f"an op is a name such as 'aten::mm' or a torch.ops object, not {op!r}")
    namespace, sep, name = op.partition("::")
    if not sep:
        namespace, sep, name = op.rpartition(".")
        namespace = namespace if sep else "aten"
    if not hasattr(getattr(torch.ops, namespace), name):
        raise ValueError(f"no op {namespace}::{name} is loaded (define or import it before registering a rule)")
    return f"{namespace}::{name}"

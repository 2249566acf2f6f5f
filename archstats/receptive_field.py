"""Receptive fields on the op graph, per spatial axis.

A :class:`Field` describes, for one tensor, which input positions output position ``i`` of
each spatial axis can see: the interval ``[start + i * jump, start + i * jump + size - 1]`` in
input coordinates (``start`` is negative where the field reaches into padding). Fields compose
through sliding windows with the usual recurrences::

    size' = size + (kernel - 1) * dilation * jump
    jump' = jump * stride
    start' = start - padding * jump

Merges (residual adds, concatenation) take the union of their inputs' fields and flag the
result as misaligned when the paths differ in jump or in centre, rather than guessing.
Global ops make the field cover the whole input. The spatial axes are the trailing axes of the
model input (two for images), which every conv and pooling op keeps trailing.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import ceil, floor
from typing import Any

from .rules import Rule

OK, GLOBAL, MISALIGNED, FLATTENED, UNKNOWN = "ok", "global", "misaligned", "flattened", "unknown"
# A local field that also receives a broadcast global summary (squeeze-and-excitation, attention
# gates): size/jump/start describe the local path, and the status says every output sees more.
CONTEXT = "global-context"


class Field:
    __slots__ = ("size", "jump", "start", "status", "note")

    def __init__(self, size: tuple, jump: tuple, start: tuple, status: str = OK, note: str = "") -> None:
        self.size, self.jump, self.start, self.status, self.note = size, jump, start, status, note

    @classmethod
    def identity(cls, n: int) -> Field:
        return cls((1,) * n, (1,) * n, (0,) * n)

    def with_status(self, status: str, note: str = "") -> Field:
        return Field(self.size, self.jump, self.start, status, note or self.note)

    @property
    def spatial(self) -> bool:
        """True while the tensor still has its spatial layout and a position-wise field."""
        return self.status in (OK, MISALIGNED, CONTEXT)

    def __repr__(self) -> str:
        return f"Field(size={self.size}, jump={self.jump}, start={self.start}, status={self.status!r})"


GLOBAL_FIELD = Field((), (), (), GLOBAL, "every output sees the whole input")


def _per_axis(value: Any, n: int) -> tuple:
    """The trailing ``n`` entries of an aten int-list argument (ints broadcast)."""
    if isinstance(value, int):
        return (value,) * n
    value = tuple(value)
    if len(value) == 1:
        return value * n
    return value[-n:]


def _window(field: Field, kernel: Any, stride: Any, padding: Any, dilation: Any, n: int) -> Field:
    k, s, p, d = (_per_axis(v, n) for v in (kernel, stride, padding, dilation))
    size = tuple(r + (ki - 1) * di * j for r, ki, di, j in zip(field.size, k, d, field.jump))
    jump = tuple(j * si for j, si in zip(field.jump, s))
    start = tuple(st - pi * j for st, pi, j in zip(field.start, p, field.jump))
    return Field(size, jump, start, field.status, field.note)


def _adaptive(field: Field, in_shape: Sequence[int], out_shape: Sequence[int], n: int) -> Field:
    ins, outs = tuple(in_shape[-n:]), tuple(out_shape[-n:])
    if all(o == 1 for o in outs):
        return GLOBAL_FIELD
    if all(i % o == 0 for i, o in zip(ins, outs)):
        k = tuple(i // o for i, o in zip(ins, outs))
        return _window(field, k, k, 0, 1, n)
    # Uneven windows: output i pools [floor(i*In/Out), ceil((i+1)*In/Out)); report the widest.
    widest = tuple(max(ceil((i + 1) * a / b) - floor(i * a / b) for i in range(b)) for a, b in zip(ins, outs))
    size = tuple(r + (w - 1) * j for r, w, j in zip(field.size, widest, field.jump))
    jump = tuple(j * Fraction(a, b) for j, a, b in zip(field.jump, ins, outs))
    return Field(size, jump, field.start, MISALIGNED, "adaptive pooling with uneven windows")


def _taps(op: str, align_corners: bool, o: int, n_in: int, n_out: int) -> tuple[int, int]:
    """Lowest and highest input index that output index ``o`` of an upsampling may read.

    The kernels compute source coordinates in floating point, so a coordinate that is exactly
    an integer can land just below it: the lower tap is taken one lower in that case.
    """
    if "nearest" in op:
        x = (o + Fraction(1, 2)) * n_in / n_out if "exact" in op else Fraction(o * n_in, n_out)
        return max(ceil(x) - 1, 0), min(floor(x), n_in - 1)
    if align_corners:
        c = Fraction(o * (n_in - 1), n_out - 1) if n_out > 1 else Fraction(0)
    else:  # half-pixel centres, clamped at the border as the kernels do
        c = max((o + Fraction(1, 2)) * n_in / n_out - Fraction(1, 2), Fraction(0))
    reach = 2 if "bicubic" in op else 1
    return max(ceil(c) - reach, 0), min(floor(c) + reach, n_in - 1)


def _resample(field: Field, op: str, align: bool, in_shape: Sequence[int], out_shape: Sequence[int], n: int) -> Field:
    """Upsampling reads a position-dependent set of inputs, so no single (size, jump, start)
    is exact: report the tightest affine field that contains every output's true field."""
    size, jump, start = [], [], []
    for axis in range(n):
        n_in, n_out = in_shape[len(in_shape) - n + axis], out_shape[len(out_shape) - n + axis]
        j, r, st = field.jump[axis], field.size[axis], field.start[axis]
        new_jump = j * Fraction(n_in, n_out)
        spans = [(o, *_taps(op, align, o, n_in, n_out)) for o in range(n_out)]
        lo = min(st + a * j - o * new_jump for o, a, _ in spans)
        hi = max(st + b * j + r - o * new_jump for o, _, b in spans)
        size.append(hi - lo)
        jump.append(new_jump)
        start.append(lo)
    return Field(
        tuple(size), tuple(jump), tuple(start), MISALIGNED, f"{op}: fields vary by position; this bounds them all"
    )


def merge(fields: Sequence[Field]) -> Field:
    """Union of the fields of tensors combined position by position."""
    if len(fields) == 1:
        return fields[0]
    for f in fields:
        if f.status == UNKNOWN:
            return f
    local = [f for f in fields if f.status != GLOBAL]
    if not local:
        return fields[0]
    if len(local) < len(fields) and all(f.spatial for f in local):
        merged = merge(local)
        status = MISALIGNED if merged.status == MISALIGNED else CONTEXT
        note = merged.note if status == MISALIGNED else "local field plus a global summary broadcast into it"
        return Field(merged.size, merged.jump, merged.start, status, note)
    if len(local) < len(fields):
        return GLOBAL_FIELD  # a flattened tensor merged with a global one
    fields = local
    first = fields[0]
    size, jump, start = [], [], []
    aligned = all(f.status in (OK, CONTEXT) for f in fields)
    context = any(f.status == CONTEXT for f in fields)
    for axis in range(len(first.size)):
        jumps = {f.jump[axis] for f in fields}
        centres = {f.start[axis] + Fraction(f.size[axis] - 1, 2) for f in fields}
        aligned = aligned and len(jumps) == 1 and len(centres) == 1
        lo = min(f.start[axis] for f in fields)
        hi = max(f.start[axis] + f.size[axis] for f in fields)
        size.append(hi - lo)
        jump.append(max(jumps))
        start.append(lo)
    flattened = any(f.status == FLATTENED for f in fields)
    if flattened:
        status, note = FLATTENED, first.note
    elif aligned:
        status, note = (CONTEXT, "local field plus a global summary broadcast into it") if context else (OK, "")
    else:
        status, note = MISALIGNED, "merged paths differ in jump or centre; size is their union at position 0"
    return Field(tuple(size), tuple(jump), tuple(start), status, note)


Inputs = Sequence[tuple[Field, Sequence[int]]]  # (field, shape) of each tensor input with a field


def _unknown(note: str) -> Field:
    return Field((), (), (), UNKNOWN, note)


def _through_merge(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    if rule.family == "data" and any(tuple(s[-n:]) != tuple(out_shape[-n:]) for _, s in inputs):
        # concatenated along a spatial axis: positions map to different inputs at offsets
        return _unknown(f"{op} along a spatial axis is not modelled")
    return merge([f for f, _ in inputs])


def _through_window(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    assert rule.window is not None  # Rule refuses a window kind without one
    window = rule.window(**args)
    if window is None:
        return _unknown(f"{op}: transposed convolution is not modelled")
    return _window(inputs[0][0], *window, n)


def _through_adaptive(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    return _adaptive(inputs[0][0], inputs[0][1], out_shape, n)


def _through_reduce(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    field, in_shape = inputs[0]
    dims = args.get("dim")
    if dims is None or (isinstance(dims, (list, tuple)) and len(dims) == 0):
        return GLOBAL_FIELD
    ndim = len(in_shape)
    dims = [dims] if isinstance(dims, int) else dims
    return GLOBAL_FIELD if any(d % ndim >= ndim - n for d in dims) else field


def _through_shape(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    field, in_shape = inputs[0]
    if out_shape is not None and len(out_shape) >= n + 1 and tuple(out_shape[-n:]) == tuple(in_shape[-n:]):
        return field
    return field.with_status(FLATTENED, "spatial layout lost by a reshape")


def _through_pad(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    field = inputs[0][0]
    pad = list(args["pad"])  # pairs from the last axis backwards
    start = list(field.start)
    for axis in range(n):
        pos = 2 * (n - 1 - axis)
        if pos < len(pad):
            start[axis] -= pad[pos] * field.jump[axis]
    return Field(field.size, field.jump, tuple(start), field.status, field.note)


def _through_slice(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    field, in_shape = inputs[0]
    dim = args.get("dim", 0)
    ndim = len(in_shape)
    axis = dim % ndim - (ndim - n)
    if axis < 0:
        return field
    begin, step = args.get("start"), args.get("step", 1)
    begin = 0 if begin is None else (begin + in_shape[dim] if begin < 0 else begin)
    start, jump = list(field.start), list(field.jump)
    start[axis] += begin * jump[axis]
    jump[axis] *= step
    return Field(field.size, tuple(jump), tuple(start), field.status, field.note)


def _through_resample(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    align = bool(args.get("align_corners")) if "bilinear" in op or "bicubic" in op else False
    return _resample(inputs[0][0], op, align, inputs[0][1], out_shape, n)


# Field recurrence per receptive-field kind of a rule, for an input that still has its layout.
_LOCAL = {
    "window": _through_window,
    "adaptive": _through_adaptive,
    "reduce": _through_reduce,
    "shape": _through_shape,
    "pad": _through_pad,
    "slice": _through_slice,
    "resample": _through_resample,
}


def propagate(
    rule: Rule | None, op: str, args: dict, inputs: Inputs, out_shape: Sequence[int] | None, n: int
) -> Field | None:
    """The field of an op's outputs from its tensor inputs' ``(field, shape)`` pairs.

    ``args`` are the op's arguments by schema name, tensors replaced by shapes (as rules get them).
    """
    if not inputs:
        return None
    if rule is None:
        return _unknown(f"{op} has no rule")
    if rule.rf in ("merge", "pointwise"):
        return _through_merge(rule, op, args, inputs, out_shape, n)
    if rule.rf == "mix":
        return GLOBAL_FIELD
    if not inputs[0][0].spatial:
        return inputs[0][0]
    through = _LOCAL.get(rule.rf)
    return None if through is None else through(rule, op, args, inputs, out_shape, n)  # None: "source"


def as_number(x: Any) -> float | int:
    """Fractions (uneven adaptive pooling) become floats; integers stay exact."""
    if isinstance(x, Fraction):
        return x.numerator if x.denominator == 1 else float(x)
    return x

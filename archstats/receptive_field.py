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

Views and copies that move the spatial axes (space-to-depth by view/permute/view, pixel_unshuffle,
unfold, windows folded into the batch and back) are followed exactly by a small layout algebra
(:class:`Layout`): each dim of the reshaped tensor is a mixed-radix list of (size, axis, stride)
sub-dims of the last tensor that had its spatial axes trailing. The tensor has a field again when its
trailing dims are single progressions of those axes, in order, and its batch dim holds no position:
offsets folded into channels then act as a window (kernel: their extent, stride: the progression's
step). Otherwise it is ``flattened`` (the layout is kept, so that a later view can restore the axes),
and ops that move positions in ways not modelled (roll along a spatial axis, indexing, gathering)
make it ``unknown``: never a wrong number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor, prod
from typing import Any

from .rules import Rule

OK, GLOBAL, MISALIGNED, FLATTENED, UNKNOWN = "ok", "global", "misaligned", "flattened", "unknown"
# A local field that also receives a broadcast global summary (squeeze-and-excitation, attention
# gates): size/jump/start describe the local path, and the status says every output sees more.
CONTEXT = "global-context"


class Field:
    """The field of one tensor. ``layout`` (None for a tensor whose spatial axes are its trailing
    axes) records where the elements of a tensor reshaped from a spatial one sit (see
    :class:`Layout`): size/jump/start are then read through it, and later views start from it."""

    __slots__ = ("size", "jump", "start", "status", "note", "layout")

    def __init__(
        self, size: tuple, jump: tuple, start: tuple, status: str = OK, note: str = "", layout: Layout | None = None
    ) -> None:
        self.size, self.jump, self.start, self.status, self.note = size, jump, start, status, note
        self.layout = layout

    @classmethod
    def identity(cls, n: int) -> Field:
        return cls((1,) * n, (1,) * n, (0,) * n)

    def with_status(self, status: str, note: str = "") -> Field:
        return Field(self.size, self.jump, self.start, status, note or self.note)

    def plain(self) -> Field:
        """The same numbers for a tensor whose spatial axes are trailing (what a conv, a pool or a
        merge reads): the layout is dropped, since their outputs are laid out anew."""
        return self if self.layout is None else Field(self.size, self.jump, self.start, self.status, self.note)

    @property
    def spatial(self) -> bool:
        """True while the tensor still has its spatial layout and a position-wise field."""
        return self.status in (OK, MISALIGNED, CONTEXT)

    def __repr__(self) -> str:
        extra = ", layout" if self.layout is not None else ""
        return f"Field(size={self.size}, jump={self.jump}, start={self.start}, status={self.status!r}{extra})"


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


# --- layouts: where the elements of a tensor reshaped from a spatial one sit --------------------

NONSPATIAL = -1  # the axis of a sub-dim that does not move along space (batch, channels, broadcast copies)
Sub = tuple[int, int, int]  # (size, axis, stride): index i moves the frame position along axis by i * stride
Dims = tuple[tuple[Sub, ...], ...]  # per tensor dim, its sub-dims, outermost first (mixed radix)


@dataclass(frozen=True)
class Layout:
    """How a tensor derived by views and copies from a *frame* (a tensor with its spatial axes
    trailing and a plain field) indexes the frame: each dim is a mixed-radix list of sub-dims, and
    the element at index ``i`` of every sub-dim sits, along frame axis ``a``, at
    ``base[a] + sum(i * stride)`` over the sub-dims of axis ``a``. Sizes of 1 are left out, so a
    dim of size 1 has no sub-dims. Views only regroup sub-dims, so positions stay exact."""

    frame: Field
    dims: Dims
    base: tuple[int, ...]

    def moved(self, dims: Dims | None, shifts: dict[int, int] | None = None) -> Layout | None:
        if dims is None:
            return None
        base = tuple(b + (shifts or {}).get(a, 0) for a, b in enumerate(self.base))
        return Layout(self.frame, dims, base)


def _sub(size: int, axis: int = NONSPATIAL, stride: int = 0) -> tuple[Sub, ...]:
    return ((size, axis, stride),) if size > 1 else ()


def _coalesce(subs: Sequence[Sub]) -> tuple[Sub, ...]:
    """Adjacent sub-dims that step through one axis contiguously become one, so a dim that is a
    single progression of positions reads as one sub-dim."""
    out: list[Sub] = []
    for size, axis, stride in subs:
        if size == 1:
            continue
        if out and out[-1][1] == axis and (axis == NONSPATIAL or out[-1][2] == size * stride):
            out[-1] = (out[-1][0] * size, axis, stride)
        else:
            out.append((size, axis, stride))
    return tuple(out)


def _is_spatial(subs: Sequence[Sub]) -> bool:
    return any(axis != NONSPATIAL for _, axis, _ in subs)


def _canonical(field: Field, shape: Sequence[int], n: int) -> Layout | None:
    """The layout of a tensor whose trailing ``n`` axes are its spatial axes (None: fewer dims)."""
    lead = len(shape) - n
    if lead < 0:
        return None
    dims = tuple(_sub(d) if k < lead else _sub(d, k - lead, 1) for k, d in enumerate(shape))
    return Layout(field, dims, (0,) * n)


def _frame(field: Field) -> Field:
    return field if field.layout is None else field.layout.frame


def _tracked(field: Field) -> bool:
    """True while the positions of the tensor are known: a spatial field, or a layout that still
    holds spatial sub-dims (positions folded into channels or the batch, or spatial axes moved)."""
    return field.spatial or (field.layout is not None and any(_is_spatial(d) for d in field.layout.dims))


def _reshape(dims: Dims, out_shape: Sequence[int]) -> Dims | None:
    """Row-major reinterpretation (view, reshape, flatten, squeeze...): each new dim takes sub-dims
    from the front of the flat list, splitting one where the new dim ends inside it. None when a
    new dim would combine parts of sub-dims that do not divide: positions are no longer affine."""
    pending = [s for d in dims for s in d]
    new = []
    for size in out_shape:
        taken, need = [], size
        while need > 1:
            if not pending:
                return None
            s, axis, stride = pending[0]
            if need % s == 0:  # the whole sub-dim
                taken.append(pending.pop(0))
                need //= s
            elif s % need == 0:  # its outer part; the inner part is left for the next dims
                taken.append((need, axis, stride * (s // need)))
                pending[0] = (s // need, axis, stride)
                need = 1
            else:
                return None
        new.append(_coalesce(taken))
    return tuple(new) if not pending else None


def _permute(dims: Dims, order: Sequence[int]) -> Dims:
    return tuple(dims[d % len(dims)] for d in order)


def _decode(subs: Sequence[Sub], index: int) -> dict[int, int]:
    """The position shift, per axis, of one index into a dim (mixed radix, innermost last)."""
    shifts: dict[int, int] = {}
    for size, axis, stride in reversed(subs):
        shifts[axis] = shifts.get(axis, 0) + (index % size) * stride
        index //= size
    return shifts


def _restrict(subs: Sequence[Sub], begin: int, step: int, length: int) -> tuple[tuple[Sub, ...], dict] | None:
    """The sub-dims left when a dim is indexed at ``begin, begin + step, ...`` (``length`` indices,
    as select, narrow and slice do) and the shift this adds per axis; None when the indices cut the
    sub-dims unevenly."""
    if length <= 1:
        return (), _decode(subs, begin)
    (_, axis, stride), rest = subs[0], tuple(subs[1:])
    inner = prod(s[0] for s in rest)
    outer = {axis: (begin // inner) * stride}
    last = begin + (length - 1) * step
    if begin // inner == last // inner:  # all within one block of the outer sub-dim
        found = _restrict(rest, begin % inner, step, length)
        return None if found is None else (found[0], _add(found[1], outer))
    if step == 1 and begin % inner == 0 and length % inner == 0:  # whole blocks
        return _coalesce(((length // inner, axis, stride), *rest)), outer
    if step % inner == 0:  # the same inner index in every block taken
        return ((length, axis, stride * (step // inner)),), _add(_decode(rest, begin % inner), outer)
    return None


def _add(a: dict[int, int], b: dict[int, int]) -> dict[int, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in set(a) | set(b)}


def _expand(dims: Dims, in_shape: Sequence[int], out_shape: Sequence[int]) -> Dims:
    """Broadcasting: new leading dims and size-1 dims stretched repeat elements, so they are
    non-spatial (every copy sits at the same position)."""
    lead = len(out_shape) - len(in_shape)
    new = [_sub(o) for o in out_shape[:lead]]
    new += [d if i == o else _sub(o) for d, i, o in zip(dims, in_shape, out_shape[lead:])]
    return tuple(new)


def _resolve(layout: Layout, n: int) -> tuple[Field | None, str]:
    """The field of a tensor with this layout, or None and why not.

    It has one when dim 0 (the batch) holds no position, and each of the trailing ``n`` dims is one
    progression along the frame axis of the same rank (step ``c``, or size 1). Output ``i`` along
    axis ``a`` then sees frame positions ``base + i*c + off`` for the offsets ``off`` that the other
    dims (channels) hold, from 0 to ``e - 1``: a window of kernel ``e`` and stride ``c`` on the
    frame's field, started at ``base``.
    """
    dims, frame = layout.dims, layout.frame
    lead = len(dims) - n
    if lead < 1:
        return None, "spatial layout lost by a reshape"
    if _is_spatial(dims[0]):
        return None, "spatial positions folded into the batch dim"
    step, extent = [1] * n, [1] * n
    for a, subs in enumerate(dims[lead:]):
        if len(subs) > 1 or any(axis != a for _, axis, _ in subs):
            return None, "spatial layout lost by a reshape"
        step[a] = subs[0][2] if subs else 1
    for subs in dims[1:lead]:
        for count, axis, stride in subs:
            if axis != NONSPATIAL:
                extent[axis] += (count - 1) * stride
    if step == [1] * n and extent == [1] * n and not any(layout.base):
        return frame, ""  # the frame's own layout: its field, exactly
    size = tuple(r + (e - 1) * j for r, e, j in zip(frame.size, extent, frame.jump))
    jump = tuple(j * c for j, c in zip(frame.jump, step))
    start = tuple(st + b * j for st, b, j in zip(frame.start, layout.base, frame.jump))
    return Field(size, jump, start, frame.status, frame.note, layout), ""


def _settle(layout: Layout | None, frame: Field, n: int) -> Field:
    """The field of a shape op's output: exact when its layout resolves; else flattened with the
    frame's numbers (as before), keeping the layout so that a later view can restore the axes."""
    if layout is None:
        return Field(frame.size, frame.jump, frame.start, FLATTENED, "spatial layout lost by a reshape")
    resolved, why = _resolve(layout, n)
    if resolved is None:
        return Field(frame.size, frame.jump, frame.start, FLATTENED, why, layout)
    return resolved


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
    if len(inputs) == 1:
        return _broadcast(*inputs[0], out_shape, n)
    shared = _shared_layout(inputs, out_shape, n)
    return shared if shared is not None else merge([f for f, _ in inputs])


def _broadcast(field: Field, shape: Sequence[int], out_shape: Any, n: int) -> Field:
    """One input, element by element: its field, read through the broadcast when the output is
    larger (broadcast elements repeat the positions of the ones they copy)."""
    if out_shape is None or not _tracked(field) or not _broadcasts(shape, out_shape):
        return field
    if field.layout is None and tuple(shape[-n:]) == tuple(out_shape[-n:]):
        return field  # the spatial axes stay trailing
    layout = _layout_of(field, shape, n)
    return _settle(None if layout is None else layout.moved(_expand(layout.dims, shape, out_shape)), _frame(field), n)


def _broadcasts(shape: Sequence[int], out_shape: Sequence[int]) -> bool:
    """True when ``shape`` is broadcast to a different ``out_shape``."""
    lead = len(out_shape) - len(shape)
    if lead < 0 or tuple(shape) == tuple(out_shape):
        return False
    return all(i in (1, o) for i, o in zip(shape, out_shape[lead:]))


def _shared_layout(inputs: Inputs, out_shape: Any, n: int) -> Field | None:
    """Tensors combined element by element that are the same views of different frames (both
    paths of a residual block in a reshaped layout): the union of their frames, through that view."""
    layouts = [f.layout for f, _ in inputs]
    first = layouts[0]
    if first is None or any(tuple(s) != tuple(out_shape) for _, s in inputs):
        return None
    if any(lay is None or lay.dims != first.dims or lay.base != first.base for lay in layouts):
        return None
    frame = merge([lay.frame for lay in layouts if lay is not None])
    return _settle(Layout(frame, first.dims, first.base), frame, n)


def _through_window(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    assert rule.window is not None  # Rule refuses a window kind without one
    window = rule.window(**args)
    if window is None:
        return _unknown(f"{op}: transposed convolution is not modelled")
    return _window(inputs[0][0], *window, n)


def _through_adaptive(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    return _adaptive(inputs[0][0], inputs[0][1], out_shape, n)


_SCANS = ("cumsum", "cumprod", "logcumsumexp", "cummax", "cummin")


def _through_reduce(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    field, in_shape = inputs[0]
    dims = args.get("dim")
    if dims is None or (isinstance(dims, (list, tuple)) and len(dims) == 0):
        return GLOBAL_FIELD
    ndim = len(in_shape)
    dims = [dims] if isinstance(dims, int) else dims
    if not any(d % ndim >= ndim - n for d in dims):
        return field
    if op.rpartition(".")[2] in _SCANS:  # output i sees positions 0..i: not one field, nor all
        return _unknown(f"{op} along a spatial axis is not modelled")
    return GLOBAL_FIELD


def _through_pad(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    field = inputs[0][0]
    # pairs from the last axis backwards: ``pad`` of constant_pad_nd, ``padding`` of the reflection
    # and replication pads (whose padded positions copy real ones: the field counts them as padding)
    pad = list(args["pad"] if "pad" in args else args["padding"])
    start = list(field.start)
    for axis in range(n):
        pos = 2 * (n - 1 - axis)
        if pos < len(pad):
            start[axis] -= pad[pos] * field.jump[axis]
    return Field(field.size, field.jump, tuple(start), field.status, field.note)


def _through_resample(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    align = bool(args.get("align_corners")) if "bilinear" in op or "bicubic" in op else False
    return _resample(inputs[0][0], op, align, inputs[0][1], out_shape, n)


# --- shape ops on layouts -------------------------------------------------------------------------
#
# Each takes the input's layout, the op's named arguments and the input and output shapes, and
# returns the output's layout: None when positions are no longer affine (the field is flattened and
# lost for good), or a note when the op is not modelled (the field becomes unknown).

Moved = Layout | str | None
LayoutOp = Callable[[Layout, dict, Sequence[int], Sequence[int]], Moved]


def _dim(args: dict, name: str, ndim: int, default: int = 0) -> int:
    value = args.get(name)
    return (default if value is None else value) % max(ndim, 1)


def _as_list(value: Any) -> list[int]:
    return [value] if isinstance(value, int) else list(value)


def _same(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    return lay  # copies and aliases: every element stays where it was


def _view(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    return lay.moved(_reshape(lay.dims, out_shape))


def _permute_op(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    return lay.moved(_permute(lay.dims, _as_list(args["dims"])))


def _transpose(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    nd = len(in_shape)
    if "dim0" not in args:  # t(): a matrix (a vector or scalar is left as is)
        return lay if nd < 2 else lay.moved(_permute(lay.dims, (1, 0)))
    order = list(range(nd))
    d0, d1 = _dim(args, "dim0", nd), _dim(args, "dim1", nd)
    order[d0], order[d1] = d1, d0
    return lay.moved(_permute(lay.dims, order))


def _movedim(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    nd = len(in_shape)
    src = [d % nd for d in _as_list(args["source"])]
    dst = [d % nd for d in _as_list(args["destination"])]
    order: list[int | None] = [None] * nd
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(nd) if d not in src)
    return lay.moved(_permute(lay.dims, [next(rest) if o is None else o for o in order]))


def _expand_op(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    return lay.moved(_expand(lay.dims, in_shape, out_shape))


def _repeat(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    """Tiling: each repeat is an outer, non-spatial sub-dim of its dim (copies at the same positions)."""
    repeats = list(args["repeats"])
    lead = len(repeats) - len(lay.dims)
    dims = [_sub(r) for r in repeats[:lead]]
    dims += [_coalesce((*_sub(r), *subs)) for r, subs in zip(repeats[lead:], lay.dims)]
    return lay.moved(tuple(dims))


def _index_range(lay: Layout, dim: int, begin: int, step: int, length: int, keep: bool = True) -> Moved:
    found = _restrict(lay.dims[dim], begin, step, length)
    if found is None:
        return None
    subs, shifts = found
    dims = list(lay.dims)
    if keep:
        dims[dim] = subs
    else:
        del dims[dim]
    return lay.moved(tuple(dims), shifts)


def _select(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    dim = _dim(args, "dim", len(in_shape))
    return _index_range(lay, dim, args["index"] % in_shape[dim], 1, 1, keep=False)


def _narrow(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    dim, begin = _dim(args, "dim", len(in_shape)), args["start"]
    if not isinstance(begin, int):  # narrow.Tensor: the start is a value
        return "a start held in a tensor is not modelled"
    return _index_range(lay, dim, begin % in_shape[dim], 1, out_shape[dim])


def _slice(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    dim = _dim(args, "dim", len(in_shape))
    begin = args.get("start") or 0
    begin = min(max(begin + in_shape[dim] if begin < 0 else begin, 0), in_shape[dim])
    return _index_range(lay, dim, begin, args.get("step") or 1, out_shape[dim])


def _split(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    """Every output gets the op's one field: exact while the split dim holds no position."""
    dim = _dim(args, "dim", len(in_shape))
    if _is_spatial(lay.dims[dim]):
        return "split along a spatial axis: the parts see different positions"
    dims = list(lay.dims)
    if len(out_shape) < len(in_shape):  # unbind drops the dim
        del dims[dim]
    else:
        dims[dim] = _sub(out_shape[dim])
    return lay.moved(tuple(dims))


def _unfold(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    """Sliding windows of a dim: a dim of windows (step ``step``) and a last dim within a window."""
    dim = _dim(args, "dimension", len(in_shape))
    subs = lay.dims[dim]
    if len(subs) > 1:
        return None
    _, axis, stride = subs[0] if subs else (1, NONSPATIAL, 0)
    dims = list(lay.dims)
    dims[dim] = _sub(out_shape[dim], axis, stride * args["step"])
    return lay.moved((*dims, _sub(args["size"], axis, stride)))


def _view_as_real(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    return lay.moved((*lay.dims, _sub(2)))


def _view_as_complex(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    return None if _is_spatial(lay.dims[-1]) else lay.moved(lay.dims[:-1])


def _channel_shuffle(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    # (N, C, *rest) -> (N, g, C/g, *rest) -> swap g and C/g -> (N, C, *rest)
    g = args["groups"]
    n, c, *rest = in_shape
    split = _reshape(lay.dims, (n, g, c // g, *rest))
    order = (0, 2, 1, *range(3, len(in_shape) + 1))
    return lay.moved(None if split is None else _reshape(_permute(split, order), out_shape))


def _pixel_unshuffle(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    # (..., C, H*r, W*r) -> (..., C, H, r, W, r) -> (..., C, r, r, H, W) -> (..., C*r*r, H, W)
    r = args["downscale_factor"]
    *batch, c, h, w = in_shape
    k = len(batch)
    split = _reshape(lay.dims, (*batch, c, h // r, r, w // r, r))
    order = (*range(k + 1), k + 2, k + 4, k + 1, k + 3)
    return lay.moved(None if split is None else _reshape(_permute(split, order), out_shape))


def _pixel_shuffle(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    # (..., C*r*r, H, W) -> (..., C, r, r, H, W) -> (..., C, H, r, W, r) -> (..., C, H*r, W*r)
    r = args["upscale_factor"]
    *batch, c, h, w = in_shape
    k = len(batch)
    split = _reshape(lay.dims, (*batch, c // (r * r), r, r, h, w))
    order = (*range(k + 1), k + 3, k + 1, k + 4, k + 2)
    return lay.moved(None if split is None else _reshape(_permute(split, order), out_shape))


def _as_strided(lay: Layout, args: dict, in_shape: Sequence[int], out_shape: Sequence[int]) -> Moved:
    return "as_strided is not modelled"


# The shape ops modelled exactly, by aten name (in-place variants and *_copy variants map here too).
_SHAPE_OPS: dict[str, LayoutOp] = {
    **dict.fromkeys(("alias", "detach", "lift_fresh", "clone", "contiguous", "_to_copy", "tril", "triu"), _same),
    **dict.fromkeys(("view", "_unsafe_view", "reshape", "_reshape_alias", "view_as"), _view),
    **dict.fromkeys(("flatten", "unflatten", "squeeze", "unsqueeze"), _view),
    **dict.fromkeys(("expand", "expand_as", "copy"), _expand_op),
    **dict.fromkeys(("t", "transpose"), _transpose),
    **dict.fromkeys(("split", "split_with_sizes", "chunk", "unbind", "unsafe_split", "unsafe_chunk"), _split),
    **dict.fromkeys(("channel_shuffle", "native_channel_shuffle"), _channel_shuffle),
    "unsafe_split_with_sizes": _split,
    "permute": _permute_op,
    "movedim": _movedim,
    "repeat": _repeat,
    "select": _select,
    "narrow": _narrow,
    "slice": _slice,
    "unfold": _unfold,
    "view_as_real": _view_as_real,
    "view_as_complex": _view_as_complex,
    "pixel_unshuffle": _pixel_unshuffle,
    "pixel_shuffle": _pixel_shuffle,
    "as_strided": _as_strided,
}


def _shape_op(op: str) -> LayoutOp | None:
    name = op.rpartition(".")[2].rstrip("_")  # in-place variants: transpose_, copy_
    if name not in _SHAPE_OPS and name.endswith("_copy"):
        name = name[: -len("_copy")]
    return _SHAPE_OPS.get(name)


def _fit(layout: Layout, shape: Sequence[int]) -> Layout | None:
    """The layout checked against the tensor's shape: the engine gives every output of a split the
    same field, so a non-spatial dim may differ in size (it is resized); a spatial one may not."""
    if len(layout.dims) != len(shape):
        return None
    dims = []
    for subs, size in zip(layout.dims, shape):
        if prod(s[0] for s in subs) != size:
            if _is_spatial(subs):
                return None
            subs = _sub(size)
        dims.append(subs)
    return layout.moved(tuple(dims))


def _layout_of(field: Field, shape: Sequence[int], n: int) -> Layout | None:
    return _canonical(field, shape, n) if field.layout is None else _fit(field.layout, shape)


def _moved_by(op: str, field: Field, shape: Sequence[int], out_shape: Sequence[int], args: dict, n: int) -> Field:
    """A shape op through the layout algebra (see :data:`_SHAPE_OPS`)."""
    through = _shape_op(op)
    if through is None:  # an op of shape kind we do not know: safe only as a same-shape copy
        if field.layout is None and tuple(shape) == tuple(out_shape):
            return field
        return _unknown(f"{op}: how it moves positions is not modelled")
    if through is _same:
        return field
    layout = _layout_of(field, shape, n)
    moved = None if layout is None else through(layout, args, shape, out_shape)
    if isinstance(moved, str):
        return _unknown(f"{op}: {moved}")
    return _settle(moved, _frame(field), n)


def _primary(op: str, inputs: Inputs) -> tuple[Field, Sequence[int]]:
    """The input whose elements an op moves: copy_ writes its source (the last input) into self."""
    return inputs[-1] if op.rpartition(".")[2] == "copy_" else inputs[0]


def _through_shape(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    field, shape = _primary(op, inputs)
    if out_shape is None:
        return _unknown(f"{op}: no output shape")
    return _moved_by(op, field, shape, out_shape, args, n)


def _through_slice(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    field, in_shape = inputs[0]
    if field.layout is not None:
        return _moved_by("aten.slice", field, in_shape, out_shape, args, n)
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


def _through_unshuffle(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    """pixel_unshuffle folds r x r blocks into channels: a window of kernel r and stride r, exactly
    (the layout keeps which channel holds which offset, so that a pixel_shuffle can undo it)."""
    field, shape = inputs[0]
    layout = _layout_of(field, shape, n)
    moved = None if layout is None else _pixel_unshuffle(layout, args, shape, out_shape)
    return _settle(moved if isinstance(moved, Layout) else None, _frame(field), n)


def _shuffle_bound(field: Field, r: int, n: int) -> Field:
    """Output i of each of the last two axes reads input floor(i / r), whose field starts at
    ``start + floor(i/r) * jump``. Against ``i * jump / r`` that start is lowest at i = r*q + r - 1,
    ``(r - 1) * jump / r`` lower, and highest at i = r*q: the tightest field with jump / r that
    holds every position's starts that much lower and is that much larger."""
    size, jump, start = list(field.size), list(field.jump), list(field.start)
    for a in range(n - 2, n):
        widen = Fraction(r - 1, r) * jump[a]
        size[a], start[a], jump[a] = size[a] + widen, start[a] - widen, jump[a] / Fraction(r)
    note = f"pixel_shuffle by {r}: fields vary by position (as in nearest upsampling); this bounds them all"
    return Field(tuple(size), tuple(jump), tuple(start), MISALIGNED, note)


def _through_shuffle(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    """pixel_shuffle: exact where it undoes a fold of blocks into channels (the layout resolves),
    else like nearest upsampling by r: a bounding field, flagged misaligned."""
    field, shape = inputs[0]
    layout = _layout_of(field, shape, n)
    moved = None if layout is None else _pixel_shuffle(layout, args, shape, out_shape)
    settled = _settle(moved if isinstance(moved, Layout) else None, _frame(field), n)
    if settled.spatial or not field.spatial or n != 2:
        return settled
    return _shuffle_bound(field.plain(), args["upscale_factor"], n)


def _through_roll(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    """A roll wraps positions around: unknown along an axis that holds positions, else unchanged."""
    field, shape = inputs[0]
    layout = _layout_of(field, shape, n)
    if layout is None:
        return _unknown(f"{op}: the layout of its input is not followed")
    shifts, dims = _as_list(args["shifts"]), _as_list(args.get("dims") or [])
    if not dims:  # the flattened tensor is rolled
        moved = shifts[0] % max(prod(shape), 1) != 0 and any(_is_spatial(d) for d in layout.dims)
    else:
        moved = any(s % shape[d] != 0 and _is_spatial(layout.dims[d]) for s, d in zip(shifts, dims))
    return _unknown(f"{op} wraps positions around along a spatial axis") if moved else field


def _through_unknown(rule: Rule, op: str, args: dict, inputs: Inputs, out_shape: Any, n: int) -> Field:
    return _unknown(f"{op}: where its outputs read from is not modelled (or depends on values)")


# Field recurrence per receptive-field kind of a rule, for an input that still has its layout
# (a plain field: the trailing axes are the spatial ones).
_LOCAL = {
    "window": _through_window,
    "adaptive": _through_adaptive,
    "reduce": _through_reduce,
    "pad": _through_pad,
    "resample": _through_resample,
}
# Kinds that move positions: they also see tensors whose positions sit elsewhere than trailing.
_MOVES = {
    "shape": _through_shape,
    "slice": _through_slice,
    "roll": _through_roll,
    "shuffle": _through_shuffle,
    "unshuffle": _through_unshuffle,
    "unknown": _through_unknown,
}


def propagate(
    rule: Rule | None, op: str, args: dict, inputs: Inputs, out_shape: Sequence[int] | None, n: int
) -> Field | None:
    """The field of an op's outputs from its tensor inputs' ``(field, shape)`` pairs.

    ``args`` are the op's arguments by schema name, tensors replaced by shapes (as rules get them).
    """
    if not inputs or out_shape is None:  # nothing to give a field to (a Python scalar from .item())
        return None
    if rule is None:
        return _unknown(f"{op} has no rule")
    if rule.rf in ("merge", "pointwise"):
        return _through_merge(rule, op, args, inputs, out_shape, n)
    if rule.rf == "mix":
        return GLOBAL_FIELD
    moves = _MOVES.get(rule.rf)
    if moves is not None:
        main = _primary(op, inputs)[0]
        tracked = any(_tracked(f) for f, _ in inputs) if rule.rf == "unknown" else _tracked(main)
        return moves(rule, op, args, inputs, out_shape, n) if tracked else main.plain()
    if not inputs[0][0].spatial:
        return inputs[0][0].plain()
    through = _LOCAL.get(rule.rf)
    plain = [(f.plain(), s) for f, s in inputs]
    return None if through is None else through(rule, op, args, plain, out_shape, n)  # None: "source"


def as_number(x: Any) -> float | int:
    """Fractions (uneven adaptive pooling) become floats; integers stay exact."""
    if isinstance(x, Fraction):
        return x.numerator if x.denominator == 1 else float(x)
    return x

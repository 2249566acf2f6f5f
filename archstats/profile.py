"""``archstats.profile``: run the engine on a model and hold the per-layer records and totals."""

from __future__ import annotations

import contextlib
import functools
import itertools
import random
import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from . import quantized
from . import receptive_field as rf
from .engine import Capture, LayerRecord, OpRecord
from .errors import ModelLoadError, ModelRunError, UncountedOpsError, UsageError, first_line
from .inputs import DTYPES, Example, InputSpec, example_from, example_from_specs, parse_specs
from .loading import build, default_input_size, resolve
from .rules import Count, Rule, overrides

if TYPE_CHECKING:
    import pandas as pd

CONVENTIONS = {
    "full": "MACs of conv/linear/matmul; FLOPs = 2 x MACs + bias adds + one per output element of "
    "normalization, activation, pooling and elementwise ops",
    "paper": "MACs of conv/linear/matmul only (the figure papers and torchvision's 'GFLOPS' call FLOPs); "
    "FLOPs = 2 x MACs, as FlopCounterMode counts them",
}

_AXES = {1: ("l",), 2: ("h", "w"), 3: ("d", "h", "w")}

_DTYPES = {k: v for k, v in DTYPES.items() if v.is_floating_point}  # the floating dtypes a model may take


def axis_names(n_spatial: int) -> tuple[str, ...]:
    return _AXES.get(n_spatial, tuple(f"s{i}" for i in range(n_spatial)))


BACKWARD_COLUMNS = ["backward_macs", "backward_flops", "step_macs", "step_flops"]


def layer_columns(n_spatial: int = 2, backward: bool = False) -> list[str]:
    """The documented columns of ``Profile.layers``, in order (the backward pass's after ``flops``
    when one was counted)."""
    axes = axis_names(n_spatial)
    rf_cols = [f"rf_{what}_{a}" for what in ("size", "jump", "start") for a in axes]
    return [
        "module",
        "type",
        "call",
        "input_shape",
        "output_shape",
        "params",
        "macs",
        "flops",
        *(BACKWARD_COLUMNS if backward else []),
        "read_bytes",
        "written_bytes",
        "flops_per_byte",
        "activation_bytes",
        "saved_bytes",
        "peak_live_bytes",
        *rf_cols,
        "rf_status",
        "depth",
        "n_ops",
        "uncounted",
    ]


@dataclass(frozen=True)
class Totals:
    params: int
    macs: int
    flops: int
    activation_bytes: int
    peak_bytes: int
    peak_layer: str
    saved_bytes: int | None
    model_bytes_fp32: int
    model_bytes: int  # bytes the model's tensors store (int8 weights: 1 byte, with their scales)
    rf_size: tuple
    rf_layer: str
    depth: int
    n_layers: int
    n_ops: int
    read_bytes: int = 0  # memory traffic of the whole forward (see Profile.layers' read_bytes)
    written_bytes: int = 0
    backward_macs: int | None = None  # the backward pass, when one was counted (profile(backward=True))
    backward_flops: int | None = None
    step_peak_bytes: int | None = None  # peak live activation and gradient memory over forward + backward
    step_peak_layer: str = ""  # the layer whose forward or backward op reached it

    @property
    def step_macs(self) -> int | None:
        """MACs of a training step: the forward and the backward pass (None without a backward)."""
        return None if self.backward_macs is None else self.macs + self.backward_macs

    @property
    def step_flops(self) -> int | None:
        return None if self.backward_flops is None else self.flops + self.backward_flops

    @property
    def traffic_bytes(self) -> int:
        """Bytes read plus bytes written by every op: the memory traffic model of the README."""
        return self.read_bytes + self.written_bytes

    @property
    def flops_per_byte(self) -> float:
        """Arithmetic intensity of the whole forward: FLOPs per byte of memory traffic."""
        return _intensity(self.flops, self.traffic_bytes)

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        if self.backward_macs is not None:
            out.update(step_macs=self.step_macs, step_flops=self.step_flops)
        return out


@dataclass
class Profile:
    """The result of :func:`profile`: per-layer records, totals and status."""

    name: str
    input_size: tuple[int, ...]
    batch_size: int
    dtype: str
    device: str
    training: bool
    convention: str
    records: list[LayerRecord] = field(repr=False)
    totals: Totals
    uncounted: dict[str, int]
    ops: list[OpRecord] | None = field(default=None, repr=False)  # with record_ops=True
    inputs: tuple[str, ...] = ()  # the input specs the model was called with (batch excluded)
    notes: tuple[str, ...] = ()  # what the user must know to read the counts (a fallback to cpu, ...)
    backward: bool = False  # the backward pass was counted (per layer: LayerRecord.backward)

    @property
    def status(self) -> str:
        """``"complete"``, or ``"partial"`` when some op had no counting rule."""
        return "partial" if self.uncounted else "complete"

    @property
    def n_spatial(self) -> int:
        return max(len(self.input_size) - 1, 0)

    @property
    def data_dependent(self) -> dict[str, dict[str, int]]:
        """Layers whose ops ran with value-dependent output shapes (nonzero, unique, masks, ``.item()``)."""
        return {r.module or "(model)": r.data_dependent for r in self.records if r.data_dependent}

    def flops_of(self, record: LayerRecord) -> int:
        return Count(record.macs, record.extra_flops).flops(self.convention)

    def backward_of(self, record: LayerRecord) -> Count:
        """The record's share of the backward pass (zero when autograd ran nothing for it)."""
        b = record.backward
        return Count(b.macs, b.extra_flops) if b is not None else Count()

    @functools.cached_property
    def layers(self) -> pd.DataFrame:
        """One row per module call's own work; see :func:`layer_columns` and the README."""
        import pandas as pd

        rows = [self._row(r) for r in self.records]
        columns = layer_columns(self.n_spatial, self.backward)
        # built column by column: an object frame cast column by column costs ten times as much
        return pd.DataFrame({col: _column([row[i] for row in rows]) for i, col in enumerate(columns)}, columns=columns)

    def _row(self, r: LayerRecord) -> list[Any]:
        n = self.n_spatial
        f = r.field
        size: tuple[Any, ...]
        jump: tuple[Any, ...]
        start: tuple[Any, ...]
        if f is not None and f.status == rf.GLOBAL:
            size, jump, start = self.input_size[1:], (None,) * n, (None,) * n
        elif f is not None and f.size:
            size, jump, start = (tuple(rf.as_number(v) for v in t) for t in (f.size, f.jump, f.start))
        else:
            size = jump = start = (None,) * n
        return [
            r.module or "(model)",
            r.type,
            r.call,
            _shape_str(r.input_shape),
            _shape_str(r.output_shape),
            r.params,
            r.macs,
            self.flops_of(r),
            *self._backward_cells(r),
            r.read_bytes,
            r.written_bytes,
            _intensity(self.flops_of(r), r.read_bytes + r.written_bytes),
            r.activation_bytes,
            r.saved_bytes,
            r.peak_live_bytes,
            *size,
            *jump,
            *start,
            f.status if f is not None else "none",
            r.depth,
            r.n_ops,
            ";".join(f"{op}x{k}" for op, k in sorted(_all_uncounted(r).items())),
        ]

    def _backward_cells(self, r: LayerRecord) -> list[int]:
        if not self.backward:
            return []
        back = self.backward_of(r)
        flops = back.flops(self.convention)
        return [back.macs, flops, r.macs + back.macs, self.flops_of(r) + flops]

    def counts_by_family(self) -> dict[str, Count]:
        """MACs and extra FLOPs summed per op family over the whole forward."""
        out: dict[str, Count] = {}
        for r in self.records:
            for fam, count in r.by_family.items():
                out[fam] = out.get(fam, Count()) + count
        return out

    def macs_by_family(self) -> dict[str, int]:
        return {fam: c.macs for fam, c in self.counts_by_family().items()}

    def flops_by_family(self) -> dict[str, int]:
        return {fam: c.flops(self.convention) for fam, c in self.counts_by_family().items()}

    def aggregate(self, depth: int) -> pd.DataFrame:
        """Per-layer rows rolled up to module paths of at most ``depth`` components; sums kept."""
        import pandas as pd

        if depth < 0:
            raise UsageError("--depth must be 0 or more")
        layers = self.layers
        if depth == 0:
            return layers

        def prefix(path: str) -> str:
            return path if path == "(model)" else ".".join(path.split(".")[:depth])

        keys = layers["module"].map(prefix)
        backward = BACKWARD_COLUMNS if self.backward else []
        summed = [
            "params",
            "macs",
            "flops",
            *backward,
            "read_bytes",
            "written_bytes",
            "activation_bytes",
            "saved_bytes",
            "n_ops",
        ]
        groups = layers.assign(_key=keys).groupby("_key", sort=False)
        out = groups[summed].sum()
        out["peak_live_bytes"] = groups["peak_live_bytes"].max()
        out["flops_per_byte"] = [_intensity(f, r + w) for f, r, w in zip(out.flops, out.read_bytes, out.written_bytes)]
        out["depth"] = groups["depth"].max()
        last = groups.last()
        first = groups.first()
        out["input_shape"] = first["input_shape"]
        out["output_shape"] = last["output_shape"]
        out["type"] = [
            t if p == k else "" for k, t, p in zip(out.index, first["type"], first["module"])
        ]  # a rolled-up group keeps a type only when its first row is the module itself
        out["uncounted"] = groups["uncounted"].agg(lambda s: ";".join(x for x in s if x))
        out = out.reset_index().rename(columns={"_key": "module"})
        # the layer columns, less those a roll-up has no single value for (the call, the field)
        cols = [c for c in layer_columns(self.n_spatial, self.backward) if c != "call" and not c.startswith("rf_")]
        return pd.DataFrame(out[cols])


def _all_uncounted(r: LayerRecord) -> Mapping[str, int]:
    """Ops without a rule in the record's forward and in its share of the backward pass."""
    if r.backward is None or not r.backward.uncounted:
        return r.uncounted  # the usual case, on every row: no copy
    return Counter(r.uncounted) + Counter(r.backward.uncounted)


def _intensity(flops: int, traffic: int) -> float:
    """Arithmetic intensity, FLOPs per byte of memory traffic (NaN where no byte moves)."""
    return flops / traffic if traffic else float("nan")


def _shape_str(shape: Sequence[int] | None) -> str:
    return "x".join(str(d) for d in shape) if shape is not None else ""


@contextlib.contextmanager
def _seeded_generators(seed: int = 0) -> Iterator[None]:
    """Weight initialisation and stochastic models (stochastic depth, drop-path) draw from the global
    generators: seed them for a reproducible analysis, and hand the caller's states back untouched."""
    py_state, torch_state = random.getstate(), torch.get_rng_state()
    random.seed(seed)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        random.setstate(py_state)
        torch.set_rng_state(torch_state)


def _column(values: list[Any]) -> Any:
    """One column of ``Profile.layers``: int64 (nullable Int64 when a value is missing, as a global
    field's jump and start are), text as objects, anything else float64."""
    import numpy as np
    import pandas as pd

    present = [v for v in values if v is not None]
    if all(isinstance(v, int) for v in present):
        return pd.array(values, dtype="Int64") if len(present) < len(values) else np.array(values, dtype=np.int64)
    if all(isinstance(v, str) for v in present):
        return pd.Series(values, dtype=object)
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _unused_param_records(model: nn.Module, capture: Capture) -> list[LayerRecord]:
    """Modules that never ran still own parameters: list them so params sum to the total."""
    records = []
    for name, module in model.named_modules():
        own = capture.calls.claim_params(module)
        if own:
            order = capture.calls.next_order()
            records.append(LayerRecord(order, name or "(model)", type(module).__name__, -1, False, params=own))
    return records


def _torch_dtype(dtype: str | torch.dtype | None) -> torch.dtype | None:
    if dtype is None:
        return None
    found = _DTYPES.get(dtype) if isinstance(dtype, str) else dtype
    if not isinstance(found, torch.dtype) or not found.is_floating_point:
        raise UsageError(f"unsupported dtype {dtype!r}; choose one of: {', '.join(_DTYPES)}")
    return found


_DEVICES = ("auto", "meta", "cpu")


def _check_options(convention: str, batch_size: int, device: str) -> None:
    if convention not in CONVENTIONS:
        raise UsageError(f"unknown convention {convention!r}; choose one of: {', '.join(CONVENTIONS)}")
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
        raise UsageError(f"batch size must be a positive integer, got {batch_size!r}")
    if batch_size >= 2**62:
        raise UsageError(f"batch size {batch_size:,} is more than a tensor can hold")
    if device not in _DEVICES:
        raise UsageError(f"unsupported device {device!r}: use 'auto', 'meta' or 'cpu'")


def _specs(name: str, source: Any, input_size: Any) -> tuple[InputSpec, ...]:
    """The input specs: as given, else the registered model's own size, else 3x224x224."""
    if input_size is None:
        input_size = (default_input_size(name) if isinstance(source, str) else None) or (3, 224, 224)
    return parse_specs(input_size)


def _floating_dtype(model: nn.Module) -> torch.dtype:
    """The dtype inputs get by default: the model's first floating parameter's (float32 if none)."""
    for t in itertools.chain(model.parameters(), model.buffers()):
        if t.dtype.is_floating_point:
            return t.dtype
    return torch.float32


@contextlib.contextmanager
def _float32_default() -> Iterator[None]:
    """Models are built with float32 defaults whatever ``torch.set_default_dtype`` says elsewhere."""
    old = torch.get_default_dtype()
    if old == torch.float32:
        yield
        return
    torch.set_default_dtype(torch.float32)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def _run(model: nn.Module, capture: Capture, example: Example, name: str, call: _Call) -> tuple[str, ...]:
    """One forward under the capture mode, and the backward pass when asked for; a failure names
    the layer and the op. Returns the notes the counts need."""
    for t in example.tensors():
        capture.track_input(t)
    if call.backward:
        capture.count_backward()
    try:
        grad = torch.enable_grad() if call.training or call.backward else torch.no_grad()
        saved = torch.autograd.graph.saved_tensors_hooks(capture.pack_saved, lambda t: t)
        with grad, saved, capture:
            y = model(*example.args, **example.kwargs)
            ran = capture.backward(y) if call.backward else True
        del y
    except Exception as exc:
        raise _forward_error(name, capture, example, exc) from None
    return () if ran else (_NO_GRAD,)


_NO_GRAD = "no output requires grad (frozen parameters, inputs without grad): the backward pass is empty"


def _uncounted(name: str, records: list[LayerRecord], strict: bool) -> dict[str, int]:
    """Ops without a rule over the whole forward (an error under ``strict``)."""
    uncounted: Counter[str] = Counter()
    for r in records:
        uncounted.update(_all_uncounted(r))
    if strict and uncounted:
        where = sorted({f"{op} in {r.module or '(model)'}" for r in records for op in _all_uncounted(r)})
        raise UncountedOpsError(f"{name}: {len(uncounted)} op(s) have no counting rule (strict): {', '.join(where)}")
    return dict(uncounted)


# Module hooks, the global RNG and the default dtype are process-wide: one analysis runs at a time
# (concurrent calls wait here), and everything after the forward (totals, the layers frame) runs in
# parallel.
_ANALYSIS = threading.RLock()


class NeedsValues(Exception):
    """The meta run stopped at an op that needs tensor values (or has no meta kernel)."""

    def __init__(self, error: ModelRunError, op: str, where: str) -> None:
        super().__init__(str(error))
        self.error, self.op, self.where = error, op, where


@dataclass(frozen=True)
class _Call:
    """Everything one analysis needs, checked."""

    name: str
    source: Any
    specs: tuple[InputSpec, ...] | None  # None when example inputs are given
    inputs: Any
    batch_size: int
    dtype: torch.dtype | None
    training: bool
    record_ops: bool
    rules: dict[str, Rule]
    backward: bool = False


def profile(
    model_or_name: Any,
    input_size: Any = None,
    batch_size: int = 1,
    device: str = "auto",
    *,
    inputs: Any = None,
    dtype: str | torch.dtype | None = None,
    training: bool | None = None,
    backward: bool = False,
    convention: str = "full",
    strict: bool = False,
    record_ops: bool = False,
    rules: Mapping[Any, Rule] | None = None,
) -> Profile:
    """Profile a model: an ``nn.Module``, a registry name, or ``"package.module:callable"``.

    ``input_size`` excludes the batch dimension: a shape, or input specs (``"3x224x224"``,
    ``"int64:128"``, ``"pixel_values=3x224x224"``, several as a list or joined by ``;``); it
    defaults to the registered model's own input size, else ``(3, 224, 224)``. ``inputs`` gives
    example inputs instead: a tensor, a tuple of positional arguments, a dict of keyword
    arguments or an ``(args, kwargs)`` pair. ``dtype`` casts the model and its floating inputs;
    by default inputs follow the model's floating parameters.

    ``device="auto"`` analyses on meta (nothing computed, no weights allocated) and reruns on cpu
    with seeded random inputs when the model needs values (``nonzero``, ``.item()``, boolean
    masks...) or runs quantized kernels, saying so in ``Profile.notes``; ``"meta"`` makes that an
    error, ``"cpu"`` runs on real tensors. The caller's model object is never modified.
    ``record_ops=True`` also keeps every op with its shapes and counts in ``Profile.ops``.
    ``rules`` maps ops (``"ns::name"`` or ``torch.ops`` objects) to :class:`~archstats.Rule` s that
    add to or override the registered rules for this call only.

    ``backward=True`` counts a training step: the forward, then the backward pass from a gradient
    of ones on every floating output (the loss is not counted), each backward op attributed to the
    layer call whose forward created the autograd node that ran it (``LayerRecord.backward``, the
    ``backward_*`` and ``step_*`` columns and totals). ``training`` defaults to ``backward``: the
    step runs in training mode unless ``training=False`` is given.
    """
    _check_options(convention, batch_size, device)
    mode = backward if training is None else training
    call = _prepare(model_or_name, input_size, batch_size, inputs, dtype, mode, record_ops, rules, backward)
    with _ANALYSIS:
        if device != "auto":
            try:
                return _analyse(call, device, convention, strict)
            except NeedsValues as exc:
                raise exc.error from None
        try:
            return _analyse(call, "meta", convention, strict, fallback=True)
        except NeedsValues as exc:
            stop = exc
        result = _analyse(call, "cpu", convention, strict)
    note = (
        f"ran on cpu: {stop.op} in {stop.where} cannot run on meta (its output depends on tensor values, or it "
        "has no meta kernel); the counts are for a seeded random input, and the cpu run allocated real weights"
    )
    result.notes = (note, *result.notes)
    return result


def _prepare(
    model_or_name: Any,
    input_size: Any,
    batch_size: int,
    inputs: Any,
    dtype: Any,
    training: bool,
    record_ops: bool,
    rules: Mapping[Any, Rule] | None,
    backward: bool = False,
) -> _Call:
    if inputs is not None and (input_size is not None or batch_size != 1):
        raise UsageError("give example inputs or an input size and batch, not both")
    torch_dtype = _torch_dtype(dtype)
    name, source = resolve(model_or_name)
    specs = None if inputs is not None else _specs(name, source, input_size)
    try:
        per_call = overrides(rules or {})
    except (TypeError, ValueError) as exc:
        raise UsageError(f"rules: {exc}") from None
    return _Call(name, source, specs, inputs, batch_size, torch_dtype, bool(training), record_ops, per_call, backward)


def _build(call: _Call, device: str, fallback: bool) -> nn.Module:
    """The model's private copy; a builder that reads tensor values (RegNet's widths) falls back to
    cpu like a forward that does."""
    try:
        return build(call.source, call.name, device, call.dtype)
    except ModelLoadError as exc:
        if fallback and device == "meta" and any(p in str(exc) for p in _NEEDS_VALUES):
            raise NeedsValues(ModelRunError(str(exc)), "building the model", "its builder") from None
        raise


def _analyse(call: _Call, device: str, convention: str, strict: bool, fallback: bool = False) -> Profile:
    """One analysis on ``device``; with ``fallback``, what meta cannot run raises ``NeedsValues``."""
    with _seeded_generators(), _float32_default():
        model = _build(call, device, fallback)
        found = quantized.quantized_layer(model) if device == "meta" else None
        if found is not None and fallback:
            path, kind = found
            raise NeedsValues(ModelRunError(f"{call.name}: quantized layer {path} runs on cpu only"), kind, path)
        if found is not None:
            quantized.refuse_meta(model, call.name, device)
        model.train(call.training)
        if call.specs is None:
            example = example_from(call.inputs, device)
        else:
            example = example_from_specs(call.specs, call.batch_size, call.dtype or _floating_dtype(model), device)
        n_spatial = max(len(example.specs[0].shape) - 1, 0)
        capture = Capture(model, n_spatial, record_ops=call.record_ops, rules=call.rules)
        notes = _run(model, capture, example, call.name, call)
    records = sorted(capture.records, key=lambda r: r.order)
    records += _unused_param_records(model, capture)
    capture.close()
    first = example.tensors()[0]
    result = Profile(
        name=call.name,
        input_size=example.specs[0].shape,
        batch_size=first.shape[0] if first.dim() else 1,
        dtype=str(first.dtype if first.dtype.is_floating_point else _floating_dtype(model)).replace("torch.", ""),
        device=device,
        training=call.training,
        convention=convention,
        records=records,
        totals=None,  # type: ignore[arg-type]
        uncounted=_uncounted(call.name, records, strict),
        ops=capture.ops,
        inputs=tuple(str(s) for s in example.specs),
        notes=notes,
        backward=call.backward,
    )
    result.totals = _totals(result, capture, model)
    return result


def _totals(p: Profile, capture: Capture, model: nn.Module) -> Totals:
    records = p.records
    params = sum(r.params for r in records)
    spatial = [r for r in records if r.field is not None and r.field.spatial and r.field.size]
    final = max(spatial, key=lambda r: (r.depth, r.order)) if spatial else None
    out = max((r for r in records if r.call >= 0), key=lambda r: r.depth, default=None)
    return Totals(
        params=params,
        macs=sum(r.macs for r in records),
        flops=sum(p.flops_of(r) for r in records),
        activation_bytes=sum(r.activation_bytes for r in records),
        peak_bytes=capture.memory.peak,
        peak_layer=_layer_name(capture.memory.peak_record),
        saved_bytes=sum(r.saved_bytes for r in records) if p.training or p.backward else None,
        model_bytes_fp32=4 * params,
        model_bytes=quantized.stored_bytes(model),
        rf_size=tuple(final.field.size) if final and final.field else (),
        rf_layer=(final.module or "(model)") if final else "",
        depth=out.depth if out else 0,
        n_layers=len(records),
        n_ops=sum(r.n_ops for r in records),
        read_bytes=sum(r.read_bytes for r in records),
        written_bytes=sum(r.written_bytes for r in records),
        backward_macs=sum(p.backward_of(r).macs for r in records) if p.backward else None,
        backward_flops=sum(p.backward_of(r).flops(p.convention) for r in records) if p.backward else None,
        step_peak_bytes=capture.memory.step_peak if p.backward else None,
        step_peak_layer=_layer_name(capture.memory.step_peak_record) if p.backward else "",
    )


def _layer_name(record: LayerRecord | None) -> str:
    return (record.module or "(model)") if record is not None else "(input)"


_ONE_PER_CHANNEL = "Expected more than 1 value per channel when training"
# what torch says when an input does not fit the layer that reads it
_MISFIT = re.compile(r"size|shape|channel|dimension|dtype|expected|mismatch|must match|out of range", re.IGNORECASE)
# ops whose output shape depends on values, or that cannot run on meta for another reason
_NEEDS_VALUES = (
    "cannot be called on meta",
    "Cannot copy out of meta",
    "data-independent",
    "Meta kernel",
    "meta tensors",
)


def _forward_error(name: str, capture: Capture, example: Example, exc: Exception) -> Exception:
    """The error a failed forward becomes: a usage error when the input does not fit the model's
    first layer, ``NeedsValues`` when meta cannot run an op, else a ``ModelRunError``."""
    f = capture.calls.failure
    detail = first_line(exc)
    where = f" in layer {f.module} ({f.type})" if f.module else ""
    op = f" at {f.op}" if f.op else ""
    if _ONE_PER_CHANNEL in str(exc):  # batch norm in training mode, on one value per channel
        detail += (
            "; training mode needs more than one value per channel here: give a batch of 2 or more "
            "(--batch 2), or count in eval mode (--eval, training=False)"
        )
    if f.at_input and _MISFIT.search(str(exc)) and not isinstance(exc, NotImplementedError):
        given = ", ".join(str(s) for s in example.specs)
        return UsageError(f"{name}: input {given} does not fit{where}{op}: {detail}")
    message = f"{name}: forward failed{where}{op}: {type(exc).__name__}: {detail}"
    meta = example.tensors()[0].device.type == "meta"
    if meta and f.op and (isinstance(exc, NotImplementedError) or any(p in str(exc) for p in _NEEDS_VALUES)):
        error = ModelRunError(f"{message}; this op needs tensor values: analyse on cpu (device='cpu', --device cpu)")
        return NeedsValues(error, f.op, f.module or "(model)")
    return ModelRunError(message)

"""``archstats.profile``: run the engine on a model and hold the per-layer records and totals."""

from __future__ import annotations

import contextlib
import functools
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from . import quantized
from . import receptive_field as rf
from .engine import Capture, LayerRecord, OpRecord
from .errors import ModelRunError, UncountedOpsError, UsageError
from .loading import build, check_input_size, default_input_size, resolve
from .rules import Count, Rule, overrides

if TYPE_CHECKING:
    import pandas as pd

CONVENTIONS = {
    "full": "MACs of conv/linear/matmul; FLOPs = 2 x MACs + bias adds + one per output element of "
    "normalization, activation, pooling and elementwise ops",
    "paper": "MACs of conv/linear/matmul only, as papers and torchvision's 'GFLOPS' report them; FLOPs = 2 x MACs",
}

_AXES = {1: ("l",), 2: ("h", "w"), 3: ("d", "h", "w")}

_DTYPES = {
    "float32": torch.float32,
    "fp32": torch.float32,
    "float16": torch.float16,
    "fp16": torch.float16,
    "half": torch.float16,
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
    "float64": torch.float64,
    "fp64": torch.float64,
}


def axis_names(n_spatial: int) -> tuple[str, ...]:
    return _AXES.get(n_spatial, tuple(f"s{i}" for i in range(n_spatial)))


def layer_columns(n_spatial: int = 2) -> list[str]:
    """The documented columns of ``Profile.layers``, in order."""
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

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


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

    @property
    def status(self) -> str:
        """``"complete"``, or ``"partial"`` when some op had no counting rule."""
        return "partial" if self.uncounted else "complete"

    @property
    def n_spatial(self) -> int:
        return len(self.input_size) - 1

    def flops_of(self, record: LayerRecord) -> int:
        return Count(record.macs, record.extra_flops).flops(self.convention)

    @functools.cached_property
    def layers(self) -> pd.DataFrame:
        """One row per module call's own work; see :func:`layer_columns` and the README."""
        import pandas as pd

        rows = [self._row(r) for r in self.records]
        columns = layer_columns(self.n_spatial)
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        for i, col in enumerate(columns):
            values = [row[i] for row in rows if row[i] is not None]
            if all(isinstance(v, int) for v in values):
                # a global field has no jump or start: nullable ints keep the others exact
                frame[col] = frame[col].astype("Int64" if len(values) < len(rows) else "int64")
            elif not all(isinstance(v, str) for v in values):
                frame[col] = frame[col].astype("float64")
        return frame

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
            r.activation_bytes,
            r.saved_bytes,
            r.peak_live_bytes,
            *size,
            *jump,
            *start,
            f.status if f is not None else "none",
            r.depth,
            r.n_ops,
            ";".join(f"{op}x{k}" for op, k in sorted(r.uncounted.items())),
        ]

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
        summed = ["params", "macs", "flops", "activation_bytes", "saved_bytes", "n_ops"]
        groups = layers.assign(_key=keys).groupby("_key", sort=False)
        out = groups[summed].sum()
        out["peak_live_bytes"] = groups["peak_live_bytes"].max()
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
        cols = [
            "module",
            "type",
            "input_shape",
            "output_shape",
            *summed[:5],
            "peak_live_bytes",
            "depth",
            "n_ops",
            "uncounted",
        ]
        return pd.DataFrame(out[cols])


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


def _unused_param_records(model: nn.Module, capture: Capture) -> list[LayerRecord]:
    """Modules that never ran still own parameters: list them so params sum to the total."""
    records = []
    for name, module in model.named_modules():
        own = capture.calls.claim_params(module)
        if own:
            order = capture.calls.next_order()
            records.append(LayerRecord(order, name or "(model)", type(module).__name__, -1, False, params=own))
    return records


def _torch_dtype(dtype: str | torch.dtype) -> torch.dtype:
    found = _DTYPES.get(dtype) if isinstance(dtype, str) else dtype
    if not isinstance(found, torch.dtype):
        raise UsageError(f"unsupported dtype {dtype!r}; choose one of: {', '.join(_DTYPES)}")
    return found


def _check_options(convention: str, batch_size: int, device: str) -> None:
    if convention not in CONVENTIONS:
        raise UsageError(f"unknown convention {convention!r}; choose one of: {', '.join(CONVENTIONS)}")
    if not isinstance(batch_size, int) or batch_size <= 0:
        raise UsageError(f"batch size must be a positive integer, got {batch_size!r}")
    if device not in ("meta", "cpu"):
        raise UsageError(f"unsupported device {device!r}: use 'meta' or 'cpu'")


def _input_size(name: str, source: Any, input_size: Sequence[int] | str | None) -> tuple[int, ...]:
    """The input size without batch: as given, else the registered model's own, else 3x224x224."""
    if input_size is None:
        input_size = (default_input_size(name) if isinstance(source, str) else None) or (3, 224, 224)
    return check_input_size(input_size)


def _run(model: nn.Module, capture: Capture, x: torch.Tensor, name: str, training: bool) -> None:
    """One forward under the capture mode; a failure names the layer and the op."""
    capture.track_input(x)
    try:
        grad = torch.enable_grad() if training else torch.no_grad()
        saved = torch.autograd.graph.saved_tensors_hooks(capture.pack_saved, lambda t: t)
        with grad, saved, capture:
            y = model(x)
        del y
    except Exception as exc:
        raise ModelRunError(_failure_message(name, capture, exc)) from None


def _uncounted(name: str, records: list[LayerRecord], strict: bool) -> dict[str, int]:
    """Ops without a rule over the whole forward (an error under ``strict``)."""
    uncounted: dict[str, int] = {}
    for r in records:
        for op, k in r.uncounted.items():
            uncounted[op] = uncounted.get(op, 0) + k
    if strict and uncounted:
        where = sorted({f"{op} in {r.module or '(model)'}" for r in records for op in r.uncounted})
        raise UncountedOpsError(f"{name}: {len(uncounted)} op(s) have no counting rule (strict): {', '.join(where)}")
    return uncounted


def profile(
    model_or_name: Any,
    input_size: Sequence[int] | str | None = None,
    batch_size: int = 1,
    device: str = "meta",
    *,
    dtype: str | torch.dtype = "float32",
    training: bool = False,
    convention: str = "full",
    strict: bool = False,
    record_ops: bool = False,
    rules: Mapping[Any, Rule] | None = None,
) -> Profile:
    """Profile a model: an ``nn.Module``, a registry name, or ``"package.module:callable"``.

    ``input_size`` excludes the batch dimension; it defaults to the registered model's own
    input size, else ``(3, 224, 224)``. Nothing is computed on ``device="meta"``; ``"cpu"`` runs
    the same analysis on real tensors. The caller's model object is never modified.
    ``record_ops=True`` also keeps every op with its shapes and counts in ``Profile.ops``.
    ``rules`` maps ops (``"ns::name"`` or ``torch.ops`` objects) to :class:`~archstats.Rule` s that
    add to or override the registered rules for this call only.
    """
    _check_options(convention, batch_size, device)
    torch_dtype = _torch_dtype(dtype)
    name, source = resolve(model_or_name)
    size = _input_size(name, source, input_size)
    try:
        per_call = overrides(rules or {})
    except (TypeError, ValueError) as exc:
        raise UsageError(f"rules: {exc}") from None

    with _seeded_generators():
        model = build(source, name, device, torch_dtype)
        quantized.refuse_meta(model, name, device)
        model.train(training)
        capture = Capture(model, len(size) - 1, record_ops=record_ops, rules=per_call)
        # On meta, empty: randn's meta path imports sympy (about 0.4 s cold) for values never read.
        make = torch.empty if device == "meta" else torch.randn
        _run(model, capture, make((batch_size, *size), dtype=torch_dtype, device=device), name, training)
    records = sorted(capture.records, key=lambda r: r.order)
    records += _unused_param_records(model, capture)
    capture.close()

    result = Profile(
        name=name,
        input_size=size,
        batch_size=batch_size,
        dtype=str(torch_dtype).replace("torch.", ""),
        device=device,
        training=training,
        convention=convention,
        records=records,
        totals=None,  # type: ignore[arg-type]
        uncounted=_uncounted(name, records, strict),
        ops=capture.ops,
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
        peak_layer=(capture.memory.peak_record.module or "(model)") if capture.memory.peak_record else "(input)",
        saved_bytes=sum(r.saved_bytes for r in records) if p.training else None,
        model_bytes_fp32=4 * params,
        model_bytes=quantized.stored_bytes(model),
        rf_size=tuple(final.field.size) if final and final.field else (),
        rf_layer=(final.module or "(model)") if final else "",
        depth=out.depth if out else 0,
        n_layers=len(records),
        n_ops=sum(r.n_ops for r in records),
    )


def _failure_message(name: str, capture: Capture, exc: Exception) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    f = capture.calls.failure
    where = f" in layer {f.module} ({f.type})" if f.module else ""
    op = f" at {f.op}" if f.op else ""
    return f"{name}: forward failed{where}{op}: {type(exc).__name__}: {detail}"

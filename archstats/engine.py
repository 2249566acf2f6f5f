"""The counting engine: one forward under a ``TorchDispatchMode`` that sees every aten op.

Each op is attributed to the innermost module call that ran it; a module call becomes a
:class:`LayerRecord` holding that call's own ops (its children have their own records), so the
records partition the forward and per-layer values sum exactly to the totals. Module calls are
tracked with global forward hooks (as ``torch.utils.module_tracker`` does), which are removed on
exit, so nothing is attached to the model itself.

Memory is measured, not modelled: every op output is keyed by its storage; a storage seen for
the first time is an allocation (views and in-place ops reuse one), and it is freed when the last
Python tensor that refers to it dies (weak references), which gives the peak of live bytes.
"""

from __future__ import annotations

import os
import sys
import weakref
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import torch
from torch import nn
from torch.nn.modules import module as module_hooks
from torch.utils._python_dispatch import TorchDispatchMode, _disable_current_modes
from torch.utils.weak import WeakIdKeyDictionary

from . import fast_meta
from . import receptive_field as rf
from .rules import lookup

_WEIGHT_FAMILIES = ("conv", "matmul")


@dataclass
class LayerRecord:
    """One module call's own work (ops run directly in its forward, not in a child)."""

    order: int
    module: str
    type: str
    call: int
    leaf: bool
    input_shape: tuple | None = None
    output_shape: tuple | None = None
    params: int = 0
    macs: int = 0
    extra_flops: int = 0
    activation_bytes: int = 0
    saved_bytes: int = 0
    peak_live_bytes: int = 0
    n_ops: int = 0
    field: rf.Field | None = None
    depth: int = 0
    uncounted: dict[str, int] = dc_field(default_factory=dict)
    by_family: dict[str, list[int]] = dc_field(default_factory=dict)
    has_ops: bool = False


@dataclass(frozen=True)
class OpRecord:
    """One aten op as the rules saw it (kept only when asked for: ``profile(record_ops=True)``).

    Peers' conventions are functions of single ops (fvcore, FlopCounterMode), so the op log is
    what lets the cross-check predict their figures from the same forward.
    """

    module: str
    call: int
    op: str  # "aten.convolution"
    args: tuple  # positional arguments, tensors replaced by their shapes
    kwargs: dict
    out_shape: tuple | None
    family: str | None  # None: no rule
    macs: int
    extra_flops: int


class _Info:
    """What the engine knows about a live tensor it has seen."""

    __slots__ = ("key", "field", "depth")

    def __init__(self, key: int, field: rf.Field | None, depth: int) -> None:
        self.key, self.field, self.depth = key, field, depth


def _key(t: torch.Tensor) -> int:
    return t.untyped_storage()._cdata


def _first_tensor(x: Any) -> torch.Tensor | None:
    if isinstance(x, torch.Tensor):
        return x
    if isinstance(x, (list, tuple)):
        for item in x:
            found = _first_tensor(item)
            if found is not None:
                return found
    if isinstance(x, dict):
        return _first_tensor(list(x.values()))
    return None


def _shape_args(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return x.shape
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], torch.Tensor):
        return [t.shape for t in x]
    return x


def _tensors(args: tuple, kwargs: dict) -> list[torch.Tensor]:
    found = []
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, torch.Tensor):
            found.append(a)
        elif isinstance(a, (list, tuple)):
            found.extend(t for t in a if isinstance(t, torch.Tensor))
    return found


def _same_layout(func: Any, built: Any, reference: Any) -> None:
    """Raise unless ``built`` has the shapes, strides and dtypes of torch's own ``reference``."""
    pairs = list(zip(built, reference)) if isinstance(reference, (tuple, list)) else [(built, reference)]
    if isinstance(reference, (tuple, list)) and len(built) != len(reference):
        raise AssertionError(f"{func}: fast meta output has {len(built)} tensors, torch's {len(reference)}")
    for b, r in pairs:
        got, want = (b.shape, b.stride(), b.dtype), (r.shape, r.stride(), r.dtype)
        if got != want:
            raise AssertionError(f"{func}: fast meta output {got} differs from torch's {want}")


class _Call:
    __slots__ = ("record", "module")

    def __init__(self, record: LayerRecord, module: nn.Module) -> None:
        self.record, self.module = record, module


@dataclass
class Failure:
    module: str = ""
    type: str = ""
    op: str = ""


class Capture(TorchDispatchMode):
    """Runs inside ``with``: records ops, module calls, storages and fields."""

    def __init__(
        self, model: nn.Module, n_spatial: int, record_ops: bool = False, fast: bool = True, verify_meta: bool | None = None
    ) -> None:
        super().__init__()
        self.fast = fast  # build meta outputs of frequent ops directly (see fast_meta.py)
        # ARCHSTATS_VERIFY_META=1 also runs torch's kernel and checks the fast output against it
        self.verify_meta = os.environ.get("ARCHSTATS_VERIFY_META") == "1" if verify_meta is None else verify_meta
        self.ops: list[OpRecord] | None = [] if record_ops else None
        self.model = model
        self.n_spatial = n_spatial
        self.names = {}
        for name, m in model.named_modules(remove_duplicate=False):
            self.names.setdefault(id(m), name)
        self.param_keys = {_key(t) for t in list(model.parameters()) + list(model.buffers())}
        self.info: WeakIdKeyDictionary = WeakIdKeyDictionary()
        self.storages: dict[int, list[int]] = {}  # key -> [nbytes, live tensor objects]
        self._refs: dict[int, tuple[weakref.ref, int]] = {}
        self.saved_keys: set[int] = set()
        self.live = 0
        self.peak = 0
        self.peak_record: LayerRecord | None = None
        self.records: list[LayerRecord] = []
        self.stack: list[_Call] = []
        self.calls: dict[int, int] = {}
        self.counted_params: set[int] = set()
        self.counter = 0
        self.failure = Failure()
        self._handles: list[Any] = []

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # By default torch wraps a mode's __torch_dispatch__ in torch._dynamo.disable, whose first
        # call imports all of dynamo (about 1 s of a cold analysis). The analysis never runs
        # under torch.compile, so the wrapper guards nothing here.
        return False

    # --- tensors and storages ---------------------------------------------------------------

    def track_input(self, t: torch.Tensor) -> None:
        self._track(t, rf.Field.identity(self.n_spatial), 0, allocate=False)
        self.peak = max(self.peak, self.live)

    def _track(self, t: torch.Tensor, field: rf.Field | None, depth: int, allocate: bool = True) -> int:
        """Start tracking an output tensor; returns the bytes it newly allocated."""
        info = self.info.get(t)
        if info is not None:  # in-place op returning its input: same object, new field
            info.field, info.depth = field, depth
            return 0
        key = _key(t)
        if key in self.param_keys:
            return 0
        self.info[t] = _Info(key, field, depth)
        ref = weakref.ref(t, self._dead)
        self._refs[id(ref)] = (ref, key)
        entry = self.storages.get(key)
        if entry is not None:
            entry[1] += 1
            return 0
        nbytes = t.untyped_storage().nbytes()
        self.storages[key] = [nbytes, 1]
        self.live += nbytes
        return nbytes if allocate else 0

    def _dead(self, ref: weakref.ref) -> None:
        _, key = self._refs.pop(id(ref))
        entry = self.storages[key]
        entry[1] -= 1
        if entry[1] == 0:
            del self.storages[key]
            self.live -= entry[0]

    def pack_saved(self, t: torch.Tensor) -> torch.Tensor:
        """Record a tensor autograd saves for backward; return a detached alias to be stored.

        Storing ``t`` itself would tie an op's saved output to its own ``grad_fn``: a reference
        cycle through C++ that Python's collector cannot break, which would keep every saved
        activation (and the model) alive after the analysis. The alias keeps the storage alive
        exactly as long as the graph does, and the lifetime tracking follows it.
        """
        key = _key(t)
        if key in self.param_keys:
            return t
        if key not in self.saved_keys and self.stack:
            self.saved_keys.add(key)
            self.stack[-1].record.saved_bytes += t.untyped_storage().nbytes()
        with _disable_current_modes():
            alias = t.detach()
        entry = self.storages.get(key)
        if entry is not None:
            entry[1] += 1
            ref = weakref.ref(alias, self._dead)
            self._refs[id(ref)] = (ref, key)
        return alias

    # --- module calls ---------------------------------------------------------------------------

    def _path(self, module: nn.Module) -> str:
        name = self.names.get(id(module))
        if name is None:  # built during forward, so it has no attribute path
            parent = self.stack[-1].record.module if self.stack else ""
            name = f"{parent}.<{type(module).__name__}>".lstrip(".")
            self.names[id(module)] = name
        return name

    def _pre_hook(self, module: nn.Module, args: tuple) -> None:
        path = self._path(module)
        call = self.calls.get(id(module), 0)
        self.calls[id(module)] = call + 1
        self.counter += 1
        leaf = next(iter(module.children()), None) is None
        record = LayerRecord(self.counter, path, type(module).__name__, call, leaf)
        x = _first_tensor(args)
        record.input_shape = tuple(x.shape) if x is not None else None
        record.params = self.claim_params(module)
        self.stack.append(_Call(record, module))

    def _post_hook(self, module: nn.Module, args: tuple, output: Any) -> None:
        if not self.stack or self.stack[-1].module is not module:
            return
        record = self.stack.pop().record
        if sys.exc_info()[1] is not None and not self.failure.module:
            self.failure.module, self.failure.type = record.module or "(model)", record.type
        y = _first_tensor(output)
        if y is not None:
            record.output_shape = tuple(y.shape)
            info = self.info.get(y)
            if info is not None:
                record.field, record.depth = info.field, info.depth
        if record.has_ops or record.leaf or record.params:
            if not record.has_ops:
                record.peak_live_bytes = self.live
            self.records.append(record)

    def claim_params(self, module: nn.Module) -> int:
        """Parameters owned directly by ``module`` not yet counted (shared ones count once)."""
        total = 0
        for p in module.parameters(recurse=False):
            if id(p) not in self.counted_params:
                self.counted_params.add(id(p))
                total += p.numel()
        return total

    def __enter__(self) -> "Capture":
        self._handles = [
            module_hooks.register_module_forward_pre_hook(self._pre_hook),
            module_hooks.register_module_forward_hook(self._post_hook, always_call=True),
        ]
        return super().__enter__()

    def __exit__(self, *exc: Any) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []
        return super().__exit__(*exc)

    # --- ops ---------------------------------------------------------------------------------

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        try:
            build = fast_meta.builder(func) if self.fast else None
            out = build(args, kwargs) if build is not None else None
            if out is None:
                out = func(*args, **kwargs)
            elif self.verify_meta:
                _same_layout(func, out, func(*args, **kwargs))
        except Exception:
            if not self.failure.op:
                self.failure.op = str(func.overloadpacket.__name__)
                if self.stack:
                    rec = self.stack[-1].record
                    self.failure.module, self.failure.type = rec.module or "(model)", rec.type
            raise
        if not self.stack:
            return out
        record = self.stack[-1].record
        if not record.has_ops:
            record.has_ops = True
            self.counter += 1
            record.order = self.counter
        record.n_ops += 1
        rule = lookup(func)
        first = _first_tensor(out)
        out_shape = first.shape if first is not None else None

        in_fields = []
        depth = 0
        uses_weight = False
        for t in _tensors(args, kwargs):
            info = self.info.get(t)
            if info is None:
                if _key(t) in self.param_keys:
                    uses_weight = True
                continue
            if info.depth > depth:
                depth = info.depth
            if info.field is not None:
                in_fields.append((info.field, t.shape))

        name = func.overloadpacket.__name__
        shape_args = tuple(_shape_args(a) for a in args)
        shape_kwargs = {k: _shape_args(v) for k, v in kwargs.items()} if kwargs else kwargs
        macs = extra = 0
        if rule is None:
            record.uncounted[f"aten.{name}"] = record.uncounted.get(f"aten.{name}", 0) + 1
        else:
            if rule.count is not None:
                macs, extra = rule.count(shape_args, shape_kwargs, out_shape)
                record.macs += macs
                record.extra_flops += extra
                fam = record.by_family.setdefault(rule.family, [0, 0])
                fam[0] += macs
                fam[1] += extra
            if uses_weight and rule.family in _WEIGHT_FAMILIES:
                depth += 1
        if self.ops is not None:
            self.ops.append(OpRecord(
                record.module, record.call, f"aten.{name}", shape_args, shape_kwargs,
                tuple(out_shape) if out_shape is not None else None, rule.family if rule else None, macs, extra,
            ))  # fmt: skip
        field = rf.propagate(rule, f"aten.{name}", shape_args, shape_kwargs, in_fields, out_shape, self.n_spatial)

        allocated = 0
        if isinstance(out, torch.Tensor):
            allocated = self._track(out, field, depth)
        elif isinstance(out, (list, tuple)):
            outputs = out if rule is None or rule.aux_outputs is None or rule.aux_outputs(shape_args, shape_kwargs) else out[:1]
            for t in outputs:
                if isinstance(t, torch.Tensor):
                    allocated += self._track(t, field, depth)
        record.activation_bytes += allocated
        if self.live > record.peak_live_bytes:
            record.peak_live_bytes = self.live
        if self.live > self.peak:
            self.peak = self.live
            self.peak_record = record
        return out

    def close(self) -> None:
        """Drop every reference to tensors, so nothing outlives the analysis."""
        self.info = WeakIdKeyDictionary()
        self._refs.clear()
        self.storages.clear()

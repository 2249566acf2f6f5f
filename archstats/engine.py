"""The counting engine: one forward under a ``TorchDispatchMode`` that sees every op.

The capture mode is composed of four parts, each with one job:

- :class:`ModuleCalls` tracks module calls with global forward hooks (as
  ``torch.utils.module_tracker`` does; removed on exit, so nothing is attached to the model). Each
  op belongs to the innermost call that ran it, and a call becomes a :class:`LayerRecord` holding
  its own ops (its children have their own records), so records partition the forward and
  per-layer values sum exactly to the totals.
- :class:`MemoryLedger` measures memory rather than modelling it: every output is keyed by its
  storage; a storage seen for the first time is an allocation (views and in-place ops reuse one),
  freed when the last Python tensor referring to it dies (weak references): the peak of live bytes.
- :class:`OpAccounting` resolves each op to its rule once, counts it into the record (MACs and
  extra FLOPs, per family) or lists it as uncounted, and keeps the optional op log.
- :class:`GraphState` follows the receptive field and depth of every live tensor through the ops.
"""

from __future__ import annotations

import os
import sys
import weakref
from collections.abc import Callable, Mapping
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
from .opargs import OpSignature, bind, shapes_of, signature
from .quantized import packed_info, packed_numels, unpacks
from .rules import Count, Rule, lookup, overrides

_WEIGHT_FAMILIES = ("conv", "matmul")
# Ops whose output shape, or the Python code after them, depends on tensor values
VALUE_SHAPED = frozenset(
    {
        "aten.nonzero",
        "aten.masked_select",
        "aten._unique2",
        "aten.unique_dim",
        "aten.unique_consecutive",
        "aten._local_scalar_dense",
        "aten.repeat_interleave",
        "torchvision.nms",
    }
)


def _masks(indices: Any) -> bool:
    """Boolean indexing (``x[mask]``): the output has as many rows as the mask has true values."""
    return isinstance(indices, (list, tuple)) and any(
        isinstance(i, torch.Tensor) and i.dtype in (torch.bool, torch.uint8) for i in indices
    )


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
    by_family: dict[str, Count] = dc_field(default_factory=dict)
    has_ops: bool = False
    data_dependent: dict[str, int] = dc_field(default_factory=dict)  # ops whose output shape came from values
    read_bytes: int = 0  # memory traffic: bytes the call's own ops read (each op its inputs, once)
    written_bytes: int = 0  # and wrote (each op its outputs, once); views move nothing
    backward: Backward | None = None  # its share of the backward pass, when one was counted


@dataclass
class Backward:
    """A layer's share of the backward pass: the ops autograd ran for the nodes its forward created."""

    macs: int = 0
    extra_flops: int = 0
    n_ops: int = 0
    uncounted: dict[str, int] = dc_field(default_factory=dict)
    by_family: dict[str, Count] = dc_field(default_factory=dict)


@dataclass(frozen=True)
class OpRecord:
    """One op as the rules saw it (kept only when asked for: ``profile(record_ops=True)``).

    Peers' conventions are functions of single ops (fvcore, FlopCounterMode), so the op log is
    what lets the cross-check predict their figures from the same forward.
    """

    module: str
    call: int
    op: str  # "aten.convolution"
    args: dict  # arguments by schema name, defaults filled in, tensors replaced by their shapes
    out_shape: tuple | None
    family: str | None  # None: no rule
    macs: int
    extra_flops: int
    backward: bool = False  # run by autograd in the backward pass


@dataclass
class Failure:
    """Where the forward failed: the innermost layer and the op, as far as known."""

    module: str = ""
    type: str = ""
    op: str = ""
    at_input: bool = False  # the failing op read a model input directly: the input does not fit


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


def _tensors(args: tuple, kwargs: dict) -> list[torch.Tensor]:
    found = []
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, torch.Tensor):
            found.append(a)
        elif isinstance(a, (list, tuple)):
            found.extend(t for t in a if isinstance(t, torch.Tensor))
    return found


def _returns_view(func: Any) -> bool:
    """Whether the op's schema says its output aliases an input without writing it (a view)."""
    returns = getattr(getattr(func, "_schema", None), "returns", ())
    return any(r.alias_info is not None and not r.alias_info.is_write for r in returns)


def _takes_objects(func: Any) -> bool:
    arguments = getattr(getattr(func, "_schema", None), "arguments", ())
    return any(isinstance(a.type, torch._C.ClassType) for a in arguments)


def _nbytes(t: torch.Tensor) -> int:
    return t.numel() * t.element_size()


def _bytes_read(tensors: list[torch.Tensor], args: tuple, objects: bool) -> int:
    """Bytes an op reads under the stated traffic model: each distinct input tensor once (weights
    included; with ``objects``, a quantized layer's packed weights at their stored size); nothing
    reused between ops."""
    inputs = {id(t): t for t in tensors}
    read = sum(_nbytes(t) for t in inputs.values())
    if objects:
        read += sum(packed_info(a).nbytes for a in args if isinstance(a, torch.ScriptObject) and unpacks(a))
    return read


def _outputs(op: ResolvedOp, shapes: dict, out: Any) -> list:
    """The op's outputs that hold data: the first only where its rule says the others carry none
    (eval-mode batch norm's saved statistics, which meta and cpu kernels shape differently)."""
    outputs = [out] if isinstance(out, torch.Tensor) else list(out) if isinstance(out, (list, tuple)) else []
    rule = op.rule
    if rule is not None and rule.aux_outputs is not None and not rule.aux_outputs(**shapes):
        return outputs[:1]
    return outputs


def _same_layout(func: Any, built: Any, reference: Any) -> None:
    """Raise unless ``built`` has the shapes, strides and dtypes of torch's own ``reference``."""
    pairs = list(zip(built, reference)) if isinstance(reference, (tuple, list)) else [(built, reference)]
    if isinstance(reference, (tuple, list)) and len(built) != len(reference):
        raise AssertionError(f"{func}: fast meta output has {len(built)} tensors, torch's {len(reference)}")
    for b, r in pairs:
        got, want = (b.shape, b.stride(), b.dtype), (r.shape, r.stride(), r.dtype)
        if got != want:
            raise AssertionError(f"{func}: fast meta output {got} differs from torch's {want}")


# --- module calls ---------------------------------------------------------------------------


class ModuleCalls:
    """Which module call is running: a stack of open :class:`LayerRecord` s, filled by hooks."""

    def __init__(
        self,
        model: nn.Module,
        field_of: Callable[[torch.Tensor], tuple[rf.Field | None, int] | None],
        live_bytes: Callable[[], int],
    ) -> None:
        self.field_of, self.live_bytes = field_of, live_bytes  # from the graph and the ledger
        self.names: dict[int, str] = {}
        for name, m in model.named_modules(remove_duplicate=False):
            self.names.setdefault(id(m), name)
        self.stack: list[tuple[LayerRecord, nn.Module]] = []
        self.calls: dict[int, int] = {}
        self.records: list[LayerRecord] = []
        self.counted_params: set[int] = set()
        self.counter = 0
        self.failure = Failure()
        self._handles: list[Any] = []
        # called with each call's output and record as the call returns (the backward's attribution)
        self.on_return: Callable[[Any, LayerRecord], int] | None = None

    @property
    def current(self) -> LayerRecord | None:
        return self.stack[-1][0] if self.stack else None

    def install(self) -> None:
        self._handles = [
            module_hooks.register_module_forward_pre_hook(self._pre_hook),
            module_hooks.register_module_forward_hook(self._post_hook, always_call=True),
        ]

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def next_order(self) -> int:
        self.counter += 1
        return self.counter

    def note_failure(self, op: str, at_input: bool = False, record: LayerRecord | None = None) -> None:
        """Remember the first failing op (and whether it read a model input) and its layer (the
        running call's, or ``record``'s for an op of the backward pass)."""
        if not self.failure.op:
            self.failure.op, self.failure.at_input = op, at_input
        self._blame(record or self.current)

    def _blame(self, record: LayerRecord | None) -> None:
        """The innermost layer a failure happened in (the first one named wins)."""
        if record is not None and not self.failure.module:
            self.failure.module, self.failure.type = record.module or "(model)", record.type

    def claim_params(self, module: nn.Module) -> int:
        """Parameters owned directly by ``module`` not yet counted (shared ones count once), and the
        packed weights and biases of a quantized module (not ``nn.Parameter`` s; see quantized.py)."""
        total = 0
        # the module's own parameters, read from its dict (parameters(recurse=False) is a generator chain)
        own = [(id(p), p.numel()) for p in dict.fromkeys(module._parameters.values()) if p is not None]
        for key, numel in own + packed_numels(module):
            if key not in self.counted_params:
                self.counted_params.add(key)
                total += numel
        return total

    def _path(self, module: nn.Module) -> str:
        name = self.names.get(id(module))
        if name is None:  # built during forward, so it has no attribute path
            parent = self.current.module if self.current else ""
            name = f"{parent}.<{type(module).__name__}>".lstrip(".")
            self.names[id(module)] = name
        return name

    def _pre_hook(self, module: nn.Module, args: tuple) -> None:
        path = self._path(module)
        call = self.calls.get(id(module), 0)
        self.calls[id(module)] = call + 1
        leaf = next(iter(module.children()), None) is None
        record = LayerRecord(self.next_order(), path, type(module).__name__, call, leaf)
        x = _first_tensor(args)
        record.input_shape = tuple(x.shape) if x is not None else None
        record.params = self.claim_params(module)
        self.stack.append((record, module))

    def _post_hook(self, module: nn.Module, args: tuple, output: Any) -> None:
        if not self.stack or self.stack[-1][1] is not module:
            return
        record = self.stack.pop()[0]
        if sys.exc_info()[1] is not None:
            self._blame(record)
        y = _first_tensor(output)
        if y is not None:
            record.output_shape = tuple(y.shape)
            known = self.field_of(y)
            if known is not None:
                record.field, record.depth = known
        claimed = self.on_return(output, record) if self.on_return is not None else 0
        if record.has_ops or record.leaf or record.params or claimed:
            if not record.has_ops:  # no ops of its own: the live bytes as the call ends
                record.peak_live_bytes = self.live_bytes()
            self.records.append(record)


# --- memory -----------------------------------------------------------------------------------


class Storage:
    """A live storage: its size and how many Python tensors (or saved aliases) refer to it."""

    __slots__ = ("nbytes", "refs")

    def __init__(self, nbytes: int) -> None:
        self.nbytes, self.refs = nbytes, 1


class MemoryLedger:
    """Live bytes of activation storages, their peak, and the bytes autograd saves for backward."""

    def __init__(self, model: nn.Module) -> None:
        self.param_keys = {_key(t) for t in list(model.parameters()) + list(model.buffers())}
        self.storages: dict[int, Storage] = {}
        self._refs: dict[int, tuple[weakref.ref, int]] = {}
        self.saved_keys: set[int] = set()
        self.live = 0
        self.peak = 0
        self.peak_record: LayerRecord | None = None
        self.step_peak = 0  # the peak over the forward and the backward pass, when one is counted
        self.step_peak_record: LayerRecord | None = None

    def is_param(self, t: torch.Tensor) -> bool:
        return _key(t) in self.param_keys

    def track(self, t: torch.Tensor) -> int:
        """Follow a new tensor object; returns the bytes its storage newly allocated (0 for a view)."""
        key = _key(t)
        self._watch(t, key)
        entry = self.storages.get(key)
        if entry is not None:
            entry.refs += 1
            return 0
        nbytes = t.untyped_storage().nbytes()
        self.storages[key] = Storage(nbytes)
        self.live += nbytes
        return nbytes

    def _watch(self, t: torch.Tensor, key: int) -> None:
        ref = weakref.ref(t, self._dead)
        self._refs[id(ref)] = (ref, key)

    def _dead(self, ref: weakref.ref) -> None:
        _, key = self._refs.pop(id(ref))
        entry = self.storages[key]
        entry.refs -= 1
        if entry.refs == 0:
            del self.storages[key]
            self.live -= entry.nbytes

    def note_step_peak(self, record: LayerRecord | None) -> None:
        """The live bytes during the backward pass (the forward's peak is left as it was)."""
        if self.live > self.step_peak:
            self.step_peak, self.step_peak_record = self.live, record

    def note_peak(self, record: LayerRecord | None) -> None:
        if record is not None and self.live > record.peak_live_bytes:
            record.peak_live_bytes = self.live
        if self.live > self.peak:
            self.peak, self.peak_record = self.live, record

    def pack_saved(self, t: torch.Tensor, record: LayerRecord | None) -> torch.Tensor:
        """Record a tensor autograd saves for backward; return a detached alias to be stored.

        Storing ``t`` itself would tie an op's saved output to its own ``grad_fn``: a reference
        cycle through C++ that Python's collector cannot break, which would keep every saved
        activation (and the model) alive after the analysis. The alias keeps the storage alive
        exactly as long as the graph does, and the lifetime tracking follows it.
        """
        key = _key(t)
        if key in self.param_keys:
            return t
        if key not in self.saved_keys and record is not None:
            self.saved_keys.add(key)
            record.saved_bytes += t.untyped_storage().nbytes()
        with _disable_current_modes():
            alias = t.detach()
        entry = self.storages.get(key)
        if entry is not None:
            entry.refs += 1
            self._watch(alias, key)
        return alias

    def close(self) -> None:
        self._refs.clear()
        self.storages.clear()


# --- receptive field and depth ------------------------------------------------------------------


class Node:
    """What the graph knows about a live tensor: its receptive field and its depth in weight layers."""

    __slots__ = ("field", "depth")

    def __init__(self, field: rf.Field | None, depth: int) -> None:
        self.field, self.depth = field, depth


class GraphState:
    """Receptive field and depth of every live tensor, propagated op by op."""

    def __init__(self, n_spatial: int) -> None:
        self.n_spatial = n_spatial
        self.nodes: WeakIdKeyDictionary = WeakIdKeyDictionary()

    def add_input(self, t: torch.Tensor) -> None:
        # an input of another rank than the first (a mask, token ids beside an image) has no field
        field = rf.Field.identity(self.n_spatial) if t.dim() - 2 == self.n_spatial else None
        self.nodes[t] = Node(field, 0)

    def known(self, t: torch.Tensor) -> tuple[rf.Field | None, int] | None:
        node = self.nodes.get(t)
        return None if node is None else (node.field, node.depth)

    def inputs(self, tensors: list[torch.Tensor]) -> tuple[list[tuple[rf.Field, Any]], int, list[torch.Tensor]]:
        """The ``(field, shape)`` of each input with a field, the deepest input's depth, and the
        inputs the graph has never seen (parameters, constants)."""
        fields, depth, unseen = [], 0, []
        for t in tensors:
            node = self.nodes.get(t)
            if node is None:
                unseen.append(t)
                continue
            depth = max(depth, node.depth)
            if node.field is not None:
                fields.append((node.field, t.shape))
        return fields, depth, unseen

    def set(self, t: torch.Tensor, field: rf.Field | None, depth: int) -> bool:
        """Give ``t`` its field and depth; True when ``t`` is a new tensor object (not an in-place
        op returning its own input)."""
        node = self.nodes.get(t)
        if node is not None:
            node.field, node.depth = field, depth
            return False
        self.nodes[t] = Node(field, depth)
        return True

    def close(self) -> None:
        self.nodes = WeakIdKeyDictionary()


# --- the backward pass -------------------------------------------------------------------------


class NodeOwners:
    """Which layer call created each autograd node, so that the backward's ops can be attributed.

    As a module call returns, the nodes reachable from its output that no call has claimed yet
    were created by its own ops (its children returned, and claimed theirs, first); nodes already
    claimed stop the walk. A parameter's gradient accumulator goes to the first call whose ops
    read the parameter.
    """

    def __init__(self) -> None:
        self.owner: dict[int, LayerRecord] = {}
        self._nodes: list[Any] = []  # holds the nodes so that their ids stay unique while counting

    def claim(self, output: Any, record: LayerRecord) -> int:
        """Give ``record`` every unclaimed node reachable from ``output``; how many it got."""
        todo: list[Any] = [t.grad_fn for t in _all_tensors(output) if t.grad_fn is not None]
        claimed = 0
        while todo:
            node = todo.pop()
            if node is None or id(node) in self.owner:
                continue
            self.owner[id(node)] = record
            self._nodes.append(node)
            claimed += 1
            todo.extend(n for n, _ in node.next_functions)
        return claimed

    def of(self, node: Any) -> LayerRecord | None:
        return self.owner.get(id(node)) if node is not None else None

    def close(self) -> None:
        self.owner.clear()
        self._nodes.clear()


def _all_tensors(x: Any) -> list[torch.Tensor]:
    """Every tensor in a module's output (nested tuples, lists and dicts)."""
    if isinstance(x, torch.Tensor):
        return [x]
    items = x.values() if isinstance(x, dict) else x if isinstance(x, (list, tuple)) else ()
    return [t for item in items for t in _all_tensors(item)]


# --- op accounting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedOp:
    """An op overload with its signature and the rule that counts it (None: uncounted)."""

    sig: OpSignature
    rule: Rule | None
    value_shaped: bool  # its output shape, or the code after it, depends on tensor values
    view: bool  # it returns a view of an input (transpose, reshape, slice): no data moves
    objects: bool  # it takes script objects (a quantized layer's packed weights)


class OpAccounting:
    """Counts each op into its layer record under its rule, lists ops without one, keeps the op log."""

    def __init__(self, rules: Mapping[Any, Rule] | None = None, record_ops: bool = False) -> None:
        self.overrides = overrides(rules or {})
        self.ops: list[OpRecord] | None = [] if record_ops else None
        self._resolved: dict[Any, ResolvedOp] = {}

    def resolve(self, func: Any) -> ResolvedOp:
        found = self._resolved.get(func)
        if found is None:
            sig = signature(func)
            rule = self.overrides.get(sig.qualified) or lookup(sig.qualified)
            found = ResolvedOp(sig, rule, sig.name in VALUE_SHAPED, _returns_view(func), _takes_objects(func))
            self._resolved[func] = found
        return found

    def account(
        self, record: LayerRecord, op: ResolvedOp, shapes: dict, out_shape: Any, backward: bool = False
    ) -> None:
        """Count the op into ``record``, or into its backward share when autograd ran it."""
        rule = op.rule
        count = Count()
        into: LayerRecord | Backward = record
        if backward:
            into = record.backward = record.backward or Backward()
        if rule is None:
            into.uncounted[op.sig.name] = into.uncounted.get(op.sig.name, 0) + 1
        elif rule.count is not None:
            for fam, part in rule.counts(shapes, out_shape).items():
                into.by_family[fam] = into.by_family.get(fam, Count()) + part
                count += part
            into.macs += count.macs
            into.extra_flops += count.extra_flops
        if self.ops is not None:
            out = tuple(out_shape) if out_shape is not None else None
            family = rule.family if rule else None
            self.ops.append(
                OpRecord(
                    record.module,
                    record.call,
                    op.sig.name,
                    shapes,
                    out,
                    family,
                    count.macs,
                    count.extra_flops,
                    backward,
                )
            )


# --- the capture mode ---------------------------------------------------------------------------


class Capture(TorchDispatchMode):
    """Runs inside ``with``: module calls, op counts, memory and fields, each kept by its own part."""

    def __init__(
        self,
        model: nn.Module,
        n_spatial: int,
        record_ops: bool = False,
        fast: bool = True,
        verify_meta: bool | None = None,
        rules: Mapping[Any, Rule] | None = None,
    ) -> None:
        super().__init__()
        self.fast = fast  # build meta outputs of frequent ops directly (see fast_meta.py)
        # ARCHSTATS_VERIFY_META=1 also runs torch's kernel and checks the fast output against it
        self.verify_meta = os.environ.get("ARCHSTATS_VERIFY_META") == "1" if verify_meta is None else verify_meta
        self.memory = MemoryLedger(model)
        self.accounting = OpAccounting(rules, record_ops)
        self.graph = GraphState(n_spatial)
        self.calls = ModuleCalls(model, self.graph.known, lambda: self.memory.live)
        self._inputs: set[int] = set()
        self.nodes: NodeOwners | None = None  # set by count_backward(): who created each autograd node
        self._in_backward = False
        self._unowned: LayerRecord | None = None

    def count_backward(self) -> None:
        """Prepare to count a backward pass: remember which call creates each autograd node."""
        self.nodes = NodeOwners()
        self.calls.on_return = self.nodes.claim

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # By default torch wraps a mode's __torch_dispatch__ in torch._dynamo.disable, whose first
        # call imports all of dynamo (about 1 s of a cold analysis). The analysis never runs
        # under torch.compile, so the wrapper guards nothing here.
        return False

    def track_input(self, t: torch.Tensor) -> None:
        """A model input: live from the start, but not an allocation of any layer."""
        self._inputs.add(_key(t))
        self.graph.add_input(t)
        self.memory.track(t)
        self.memory.note_peak(None)

    def pack_saved(self, t: torch.Tensor) -> torch.Tensor:
        return self.memory.pack_saved(t, self.calls.current)

    def __enter__(self) -> Capture:
        self.calls.install()
        return super().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.calls.remove()
        return super().__exit__(*exc)

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        op = self.accounting.resolve(func)
        named = bind(op.sig, args, kwargs)
        if self._in_backward:
            return self._backward_op(func, op, named, args, kwargs)
        out = self._run(func, op, named, args, kwargs)
        record = self.calls.current
        if record is None:
            return out
        if not record.has_ops:  # a call's row is ordered by its first own op
            record.has_ops, record.order = True, self.calls.next_order()
        record.n_ops += 1
        if op.value_shaped or (op.sig.name == "aten.index" and _masks(named.get("indices"))):
            record.data_dependent[op.sig.name] = record.data_dependent.get(op.sig.name, 0) + 1
        first = _first_tensor(out)
        out_shape = first.shape if first is not None else None
        shapes = shapes_of(named)
        try:
            self.accounting.account(record, op, shapes, out_shape)
        except Exception:
            self.calls.note_failure(op.sig.name)
            raise
        outputs = _outputs(op, shapes, out)
        tensors = _tensors(args, kwargs)
        self._follow(op, shapes, tensors, args, outputs, out_shape, record)
        if not op.view:
            record.read_bytes += _bytes_read(tensors, args, op.objects)
            record.written_bytes += sum(_nbytes(t) for t in outputs if isinstance(t, torch.Tensor))
        return out

    def _run(self, func: Any, op: ResolvedOp, named: dict, args: tuple, kwargs: dict) -> Any:
        """The op's output: built directly on meta where possible, else torch's own kernel."""
        try:
            build = fast_meta.builder(func) if self.fast else None
            out = build(**named) if build is not None else None
            if out is None:
                return func(*args, **kwargs)
            if self.verify_meta:
                _same_layout(func, out, func(*args, **kwargs))
            return out
        except Exception:
            # an op that read a model input or a view of one: the input may not fit the model
            at_input = any(isinstance(a, torch.Tensor) and _key(a) in self._inputs for a in args)
            self.calls.note_failure(op.sig.name, at_input)
            raise

    def _follow(
        self,
        op: ResolvedOp,
        shapes: dict,
        tensors: list[torch.Tensor],
        args: tuple,
        outputs: list,
        out_shape: Any,
        record: LayerRecord,
    ) -> None:
        """Field, depth and memory of the op's outputs."""
        rule = op.rule
        in_fields, depth, unseen = self.graph.inputs(tensors)
        if rule is not None and rule.family in _WEIGHT_FAMILIES and self._uses_weight(unseen, args):
            depth += rule.layers(**shapes) if rule.layers is not None else 1
        field = rf.propagate(rule, op.sig.name, shapes, in_fields, out_shape, self.graph.n_spatial)
        for t in outputs:
            if isinstance(t, torch.Tensor) and not self.memory.is_param(t) and self.graph.set(t, field, depth):
                record.activation_bytes += self.memory.track(t)
        self.memory.note_peak(record)

    def backward(self, output: Any) -> bool:
        """Run and count the backward pass from a gradient of ones on every floating output that
        requires grad (the loss itself is not counted); False when no output requires grad."""
        outs = [t for t in _all_tensors(output) if t.requires_grad and t.is_floating_point()]
        if not outs:
            return False
        seeds = [torch.ones_like(t) for t in outs]  # made outside any call: not counted
        self.memory.step_peak, self.memory.step_peak_record = self.memory.peak, self.memory.peak_record
        for seed in seeds:  # the loss's gradient is live memory of the step
            self.memory.track(seed)
        self.memory.note_step_peak(None)
        self._in_backward = True
        try:
            torch.autograd.backward(outs, seeds)
        finally:
            self._in_backward = False
        return True

    def _backward_op(self, func: Any, op: ResolvedOp, named: dict, args: tuple, kwargs: dict) -> Any:
        """Run one op of the backward pass and count it into the call whose forward created the
        autograd node running it."""
        record = self.nodes.of(torch._C._current_autograd_node()) if self.nodes is not None else None
        if record is None:  # an op autograd ran outside any node a call claimed
            record = self._unowned = self._unowned or self._unowned_record()
        try:
            out = self._run(func, op, named, args, kwargs)
            first = _first_tensor(out)
            shapes = shapes_of(named)
            self.accounting.account(record, op, shapes, first.shape if first is not None else None, True)
        except Exception:
            self.calls.note_failure(op.sig.name, record=record)
            raise
        assert record.backward is not None
        record.backward.n_ops += 1
        for t in _outputs(op, shapes, out):  # gradients: followed until autograd drops them
            if isinstance(t, torch.Tensor) and not self.memory.is_param(t):
                self.memory.track(t)
        self.memory.note_step_peak(record)
        return out

    def _unowned_record(self) -> LayerRecord:
        record = LayerRecord(self.calls.next_order(), "(autograd)", "backward", 0, False, has_ops=True)
        self.calls.records.append(record)
        return record

    def _uses_weight(self, unseen: list[torch.Tensor], args: tuple) -> bool:
        """A parameter among the op's inputs, or a quantized layer's packed weights (a ScriptObject)."""
        return any(self.memory.is_param(t) for t in unseen) or any(isinstance(a, torch.ScriptObject) for a in args)

    @property
    def records(self) -> list[LayerRecord]:
        return self.calls.records

    @property
    def ops(self) -> list[OpRecord] | None:
        return self.accounting.ops

    def close(self) -> None:
        """Drop every reference to tensors, so nothing outlives the analysis."""
        self.graph.close()
        self.memory.close()
        if self.nodes is not None:
            self.nodes.close()

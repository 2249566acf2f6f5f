"""thop (the ``ultralytics-thop`` distribution) as a cross-check peer.

thop counts with module hooks: every module whose class (or an ancestor class) has a rule gets a
forward hook that adds a figure computed from the call's input and output shapes and the module's
attributes. Its unit is MACs (one multiply-add is one operation), but it also charges
normalization, average pooling, upsampling and softmax, skips conv and linear biases, and sees
nothing that runs as a plain op in a ``forward()`` (residual adds, ``torch.cat``, gates), except
matrix products called functionally, which a ``TorchFunctionMode`` counts.

``predict`` rebuilds that figure from archstats' own per-module records and op log: module type
alone decides the rule (as in thop), and the attributes a rule needs (kernel, stride, padding,
``count_include_pad``, groups, affine, softmax dimension, upsampling mode) are read back from the
arguments of the aten op the module ran. The convention as data is :data:`CONVENTION`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from torch import nn

from .base import INSTALL_HINT, Measured, Prediction, Term, exact_count, input_shape, register_tool

if TYPE_CHECKING:
    import torch

    from ..engine import LayerRecord, OpRecord
    from ..profile import Profile


#: thop's convention (version 2.2.3) in archstats' words: (what, how thop counts it).
CONVENTION: tuple[tuple[str, str], ...] = (
    ("unit", "MACs: one multiply-add is one operation; nothing is doubled"),
    ("convolution (Conv1d/2d/3d)", "output elements x input channels / groups x kernel volume: archstats' MACs"),
    ("transposed convolution", "input elements x output channels / groups x kernel volume: archstats' MACs"),
    ("conv bias", "not counted (archstats full: one FLOP per output element)"),
    ("nn.Linear", "in_features x output elements: archstats' MACs; the bias is not counted"),
    ("batch, instance, layer, group norm, RMSNorm", "2 per input element, 4 when the module is affine"),
    ("ReLU, ReLU6, LeakyReLU", "0"),
    ("Sigmoid, Tanh, SiLU, Hardswish, GELU, ELU, Softplus, Mish, ... (no rule)", "0"),
    ("PReLU", "1 per input element"),
    (
        "Softmax, LogSoftmax, Softmin, Softmax2d",
        "per normalised row of n: 3n - 1 (n exp, n - 1 adds, n divides); LogSoftmax +1 per row, Softmin +1 per element",
    ),
    ("max pooling (plain, adaptive, fractional), max unpooling", "0"),
    (
        "average pooling",
        "one add per input position inside each window (padding positions only with "
        "count_include_pad) + one divide per output element",
    ),
    (
        "adaptive average pooling",
        "one add per input position inside each window (output j of O pools inputs "
        "floor(j*I/O) .. ceil((j+1)*I/O) - 1, so windows may overlap) + one divide per output element",
    ),
    (
        "nn.Upsample, UpsamplingNearest2d, UpsamplingBilinear2d",
        "per output element: 0 nearest, 5 linear, 11 bilinear, 31 trilinear, 259 bicubic, 0 other modes",
    ),
    ("dropout, padding, Identity, Flatten, Unflatten, Unfold, pixel/channel shuffle", "0"),
    ("containers (Sequential, ModuleList, ModuleDict and their subclasses)", "0 for their own ops"),
    ("LocalResponseNorm, Hardtanh and every other module type without a rule", "0 (thop warns with report_missing)"),
    (
        "residual adds, torch.cat, gating multiplies, any op in a custom module's own forward()",
        "not counted: thop hooks modules, not ops",
    ),
    ("F.conv2d, F.avg_pool2d, F.interpolate and other functional ops in forward()", "not counted"),
    (
        "matrix products called functionally (torch.matmul, @, bmm, einsum, F.linear) outside every module "
        "with a counting rule",
        "counted as archstats counts them (torch.mm and addmm are not)",
    ),
    ("modules built inside forward()", "not hooked: 0"),
    ("a module called several times", "every call is added to the module's figure"),
    (
        "per-module figures",
        "a module's own rule; the root's figure also holds the functional products, "
        "which thop does not attribute to a module",
    ),
    ("Embedding", "0"),
    ("RNN/GRU/LSTM (and cells), MultiheadAttention, Bilinear", "thop has rules; archstats does not predict them"),
)

# --- the rule table ---------------------------------------------------------------------------
# One kind per module class; a class resolves through its MRO, most derived first, as thop does, so
# a subclass of nn.Conv2d is counted as a convolution and a subclass of nn.Sequential as a container.
# "zero" is thop's no-op rule (no hook at all); every other kind installs a hook, which also stops
# the functional-product counter inside that module.

_ZERO_CLASSES: tuple[type, ...] = (
    nn.modules.padding._ConstantPadNd,
    nn.modules.padding._ReflectionPadNd,
    nn.modules.padding._ReplicationPadNd,
    nn.modules.dropout._DropoutNd,
    nn.ReLU,
    nn.ReLU6,
    nn.LeakyReLU,
    nn.MaxPool1d,
    nn.MaxPool2d,
    nn.MaxPool3d,
    nn.AdaptiveMaxPool1d,
    nn.AdaptiveMaxPool2d,
    nn.AdaptiveMaxPool3d,
    nn.FractionalMaxPool2d,
    nn.FractionalMaxPool3d,
    nn.modules.pooling._MaxUnpoolNd,
    nn.Sequential,
    nn.ModuleList,
    nn.ModuleDict,
    nn.ParameterList,
    nn.ParameterDict,
    nn.Identity,
    nn.Flatten,
    nn.Unflatten,
    nn.Unfold,
    nn.PixelShuffle,
    nn.PixelUnshuffle,
    nn.ChannelShuffle,
)

_RULES: dict[type, str] = dict.fromkeys(_ZERO_CLASSES, "zero")
if hasattr(nn.modules.padding, "_CircularPadNd"):
    _RULES[nn.modules.padding._CircularPadNd] = "zero"
_RULES.update(
    {
        nn.Conv1d: "conv",
        nn.Conv2d: "conv",
        nn.Conv3d: "conv",
        nn.ConvTranspose1d: "conv_transpose",
        nn.ConvTranspose2d: "conv_transpose",
        nn.ConvTranspose3d: "conv_transpose",
        nn.modules.batchnorm._NormBase: "norm",
        nn.LayerNorm: "norm",
        nn.GroupNorm: "norm",
        nn.PReLU: "prelu",
        nn.Softmax: "softmax",
        nn.Softmax2d: "softmax",
        nn.LogSoftmax: "log_softmax",
        nn.Softmin: "softmin",
        nn.AvgPool1d: "avg_pool",
        nn.AvgPool2d: "avg_pool",
        nn.AvgPool3d: "avg_pool",
        nn.AdaptiveAvgPool1d: "adaptive_avg_pool",
        nn.AdaptiveAvgPool2d: "adaptive_avg_pool",
        nn.AdaptiveAvgPool3d: "adaptive_avg_pool",
        nn.Linear: "linear",
        nn.Upsample: "upsample",  # UpsamplingNearest2d and UpsamplingBilinear2d derive from it
        nn.Embedding: "embedding",
        nn.Bilinear: "unmodelled",
        nn.MultiheadAttention: "unmodelled",
        nn.RNNCell: "unmodelled",
        nn.GRUCell: "unmodelled",
        nn.LSTMCell: "unmodelled",
        nn.RNN: "unmodelled",
        nn.GRU: "unmodelled",
        nn.LSTM: "unmodelled",
    }
)
if hasattr(nn, "RMSNorm"):
    _RULES[nn.RMSNorm] = "norm"


def rule_kind(cls: type) -> str | None:
    """thop's rule for a module class as a kind name (``"zero"``, ``"conv"``, ...), None without one."""
    for base in cls.__mro__:
        kind = _RULES.get(base)
        if kind is not None:
            return kind
    return None


# --- measuring --------------------------------------------------------------------------------


def _is_leaf(module: nn.Module) -> bool:
    return next(iter(module.children()), None) is None


def _own_figures(model: nn.Module, total: float, tree: dict) -> dict[nn.Module, float]:
    """Each module's own figure from thop's per-layer tree, which holds subtree sums.

    thop adds a child's subtree into its parent only the first time the child is reached (shared
    modules count once), walking ``named_children`` depth first; walking the tree the same way and
    subtracting exactly what thop added gives back each module's own ``total_ops``. The root has no
    entry of its own: its figure is the grand total minus what its children added, i.e. its own
    rule plus every functional product.
    """
    counted: set[nn.Module] = set()
    own: dict[nn.Module, float] = {}

    def walk(module: nn.Module, ops: float, sub: dict) -> None:
        added = 0.0
        for name, child in module.named_children():
            child_ops, _params, child_sub = sub[name]
            walk(child, child_ops, child_sub)
            if child in counted:
                continue
            counted.add(child)
            added += child_ops
        own.setdefault(module, ops - added)

    walk(model, float(total), tree)
    return own


@register_tool("thop")
class ThopTool:
    """``thop.profile(model, inputs=(x,))``: per-module hooks; MACs; leaf modules' own figures."""

    name = "thop"
    distribution = "ultralytics-thop"
    unit = "MACs"
    # every rule is a function of shapes and module attributes: meta and CPU give identical figures
    needs_real_tensors = False
    per_module_scope = "own"

    def __init__(self) -> None:
        # classes of the last model run, so that predict() resolves custom subclasses by their MRO
        self._classes: dict[str, type] = {}

    def run(self, model: nn.Module, x: torch.Tensor) -> Measured:
        """Profile ``model`` on ``x`` with thop as users call it; per-module figures are own figures."""
        try:
            import thop
        except ImportError as exc:
            raise ImportError(f"the thop cross-check needs ultralytics-thop: {INSTALL_HINT}") from exc
        from torch.nn.modules import module as module_hooks

        names: dict[int, str] = {}
        for path, m in model.named_modules():
            names.setdefault(id(m), path)
        self._classes = {path: type(m) for path, m in model.named_modules()}
        ran: dict[int, nn.Module] = {}

        def seen(module: nn.Module, args: Any, output: Any) -> None:
            ran[id(module)] = module

        # a global hook (nothing attached to the model) tells which modules ran, so that leaf modules
        # thop charged nothing are listed with 0 and modules that never ran are left out
        handle = module_hooks.register_module_forward_hook(seen)
        try:
            total, _params, tree = thop.profile(model, inputs=(x,), verbose=False, ret_layer_info=True)
        finally:
            handle.remove()

        own = _own_figures(model, total, tree)
        per_module: dict[str, int] = {}
        for module, ops in own.items():
            path = names[id(module)]
            figure = exact_count(ops, f"thop's figure for {path or '(model)'}")
            if figure or (id(module) in ran and _is_leaf(module)):
                per_module[path] = figure
        return Measured(
            total=exact_count(total, "thop's total"), per_module=per_module, notes=_missing_rule_notes(ran.values())
        )

    def predict(self, p: Profile, model: nn.Module | None = None) -> Prediction:
        """thop's total and per-module figures for the profiled model, from archstats' op log.

        ``p`` must come from ``archstats.profile(..., record_ops=True)``. Module classes come from
        ``model`` when given, else from the model of the last :meth:`run` when its paths and type
        names agree with ``p``, else from the type names (``torch.nn`` classes; any other name is a
        custom class without a thop rule).
        """
        if p.ops is None:
            raise ValueError("thop's prediction needs the op log: profile with record_ops=True")
        return _predict(p, self._class_resolver(p, model))

    def _class_resolver(self, p: Profile, model: nn.Module | None) -> Callable[[str, str | None], type | None]:
        classes = {path: type(m) for path, m in model.named_modules()} if model is not None else dict(self._classes)
        if model is None and any(
            r.module in classes and classes[r.module].__name__ != r.type for r in p.records if r.call >= 0
        ):
            classes = {}  # the remembered model is not the profiled one

        def resolve(path: str, type_name: str | None) -> type | None:
            if path in classes:
                return classes[path]
            if type_name is None:
                return None
            cls = getattr(nn, type_name, None)
            return cls if isinstance(cls, type) and issubclass(cls, nn.Module) else None

        return resolve


def _missing_rule_notes(modules: Iterable[nn.Module]) -> tuple[str, ...]:
    """What thop's ``report_missing`` would warn about, among the modules that ran."""
    from thop.profile import register_hooks  # thop's own table: the notes report what thop itself did

    def has_rule(cls: type) -> bool:
        return any(base in register_hooks for base in cls.__mro__)

    leaves: Counter[str] = Counter()
    containers: Counter[str] = Counter()
    for m in modules:
        if not has_rule(type(m)):
            (leaves if _is_leaf(m) else containers)[type(m).__name__] += 1
    notes = []
    if leaves:
        notes.append("no thop rule, counted as 0: " + ", ".join(f"{t} x{k}" for t, k in sorted(leaves.items())))
    if containers:
        notes.append(
            "custom modules without a thop rule (ops in their own forward() are not counted): "
            + ", ".join(f"{t} x{k}" for t, k in sorted(containers.items()))
        )
    return tuple(notes)


# --- predicting -------------------------------------------------------------------------------


def _prod(values: Iterable[int]) -> int:
    out = 1
    for v in values:
        out *= int(v)
    return out


def _find(ops: list[OpRecord], test: Callable[[str], bool]) -> OpRecord | None:
    return next((o for o in ops if test(o.op)), None)


def _conv(r: LayerRecord, ops: list[OpRecord], transposed: bool) -> int | None:
    op = _find(ops, lambda name: name in ("aten.convolution", "aten._convolution"))
    if op is None or r.input_shape is None or r.output_shape is None:
        return None
    weight, groups = op.args["weight"], op.args["groups"]
    # a normal conv gathers: per output element, C_in / groups x kernel taps; a transposed one
    # scatters: per input element, C_out / groups x kernel taps. The channel axis is the one just
    # before the spatial ones, so unbatched calls work too.
    walked, other = (r.input_shape, r.output_shape) if transposed else (r.output_shape, r.input_shape)
    channels = other[-(len(weight) - 1)]
    return _prod(walked) * (channels // groups) * _prod(weight[2:])


def _linear(r: LayerRecord) -> int | None:
    if r.input_shape is None or r.output_shape is None:
        return None
    return r.input_shape[-1] * _prod(r.output_shape)  # in_features multiplies per output element


_NORMS = (
    "aten.native_batch_norm",
    "aten._native_batch_norm_legit",
    "aten._native_batch_norm_legit_no_training",
    "aten.native_group_norm",
    "aten.native_layer_norm",
    "aten._fused_rms_norm",
    "aten.rms_norm",
)


def _norm(r: LayerRecord, ops: list[OpRecord]) -> int | None:
    if r.input_shape is None:
        return None
    op = _find(ops, lambda name: name in _NORMS)
    if op is not None:
        affine = op.args.get("weight") is not None
    else:  # e.g. an RMSNorm decomposed into pow/mean/rsqrt/mul: its weight is a multiply by a parameter
        affine = sum(o.op == "aten.mul" for o in ops) > 1
    return _prod(r.input_shape) * (4 if affine else 2)


def _softmax(r: LayerRecord, ops: list[OpRecord], kind: str) -> int | None:
    op = _find(ops, lambda name: name in ("aten._softmax", "aten._log_softmax", "aten.softmax", "aten.log_softmax"))
    if op is None or r.input_shape is None:
        return None
    shape = r.input_shape
    n = shape[op.args["dim"]] if shape else 1  # the dimension the kernel normalised, already resolved
    rows = _prod(shape) // n if n else 0
    figure = rows * (n + max(n - 1, 0) + n)
    if kind == "softmin":
        figure += _prod(shape)  # the negation
    elif kind == "log_softmax":
        figure += rows  # the log of each row's sum
    return figure


def _avg_pool(r: LayerRecord, ops: list[OpRecord]) -> int | None:
    op = _find(ops, lambda name: name.startswith("aten.avg_pool"))
    if op is None or op.out_shape is None:
        return None
    x, y = input_shape(op), op.out_shape
    dims = int(op.op[-2])  # avg_pool1d / 2d / 3d

    def per_axis(value: Any, default: Any) -> list[int]:
        value = default if value is None or (isinstance(value, (list, tuple)) and not value) else value
        value = list(value) if isinstance(value, (list, tuple)) else [value]
        return value * dims if len(value) == 1 else value

    kernel = per_axis(op.args["kernel_size"], None)
    stride = per_axis(op.args.get("stride"), kernel)
    padding = per_axis(op.args.get("padding"), 0)
    include_pad = bool(op.args.get("count_include_pad", True))
    # every window adds the input positions it covers: clipped to the padded input when padding
    # counts, to the real input otherwise (ceil mode's last window is clipped the same way)
    adds = 1
    for size, out, k, s, pad in zip(x[-dims:], y[-dims:], kernel, stride, padding):
        lo, hi = (-pad, size + pad) if include_pad else (0, size)
        adds *= sum(max(min(i * s - pad + k, hi) - max(i * s - pad, lo), 0) for i in range(out))
    return _prod(x[:-dims]) * adds + _prod(y)


def _adaptive_avg_pool(r: LayerRecord) -> int | None:
    if r.input_shape is None or r.output_shape is None:
        return None
    adds = 1
    for i, o in zip(r.input_shape, r.output_shape):
        # output j averages inputs floor(j*i/o) .. ceil((j+1)*i/o) - 1; an axis left alone adds its length
        adds *= o if i == o else sum(-(-(j + 1) * i // o) - j * i // o for j in range(o))
    return adds + _prod(r.output_shape)


_UPSAMPLE_COST = (("nearest", 0), ("trilinear", 31), ("bilinear", 11), ("bicubic", 259), ("linear", 5))


def _upsample(r: LayerRecord, ops: list[OpRecord]) -> int | None:
    if r.output_shape is None:
        return None
    op = _find(ops, lambda name: "upsample" in name)
    if op is None:  # "area" runs adaptive average pooling: a mode thop has no cost for
        return 0
    cost = next(c for mode, c in _UPSAMPLE_COST if mode in op.op)
    return cost * _prod(r.output_shape)


def _rule_figure(kind: str, r: LayerRecord, ops: list[OpRecord]) -> int | None:
    """thop's figure for one module call under the rule ``kind``; None where archstats does not model it."""
    if kind in ("zero", "embedding"):
        return 0
    if kind == "conv":
        return _conv(r, ops, transposed=False)
    if kind == "conv_transpose":
        return _conv(r, ops, transposed=True)
    if kind == "linear":
        return _linear(r)
    if kind == "norm":
        return _norm(r, ops)
    if kind == "prelu":
        return _prod(r.input_shape) if r.input_shape is not None else None  # thop runs in eval
    if kind in ("softmax", "log_softmax", "softmin"):
        return _softmax(r, ops, kind)
    if kind == "avg_pool":
        return _avg_pool(r, ops)
    if kind == "adaptive_avg_pool":
        return _adaptive_avg_pool(r)
    if kind == "upsample":
        return _upsample(r, ops)
    return None


_KIND_LABELS = {
    "conv": "convolution: output elements x C_in/groups x kernel volume, as archstats",
    "conv_transpose": "transposed convolution: input elements x C_out/groups x kernel volume, as archstats",
    "linear": "nn.Linear: in_features x output elements, as archstats",
    "norm": "normalization: 2 per input element, 4 when affine",
    "prelu": "PReLU: 1 per input element",
    "softmax": "softmax: 3n - 1 per row of n",
    "log_softmax": "log-softmax: 3n per row of n",
    "softmin": "softmin: 3n - 1 per row of n + 1 per element",
    "avg_pool": "average pooling: 1 add per input position in each window + 1 divide per output",
    "adaptive_avg_pool": "adaptive average pooling: 1 add per input position in each window + 1 divide per output",
    "upsample": "nn.Upsample: 0 (nearest), 5 (linear), 11 (bilinear), 31 (trilinear), 259 (bicubic) per output",
    "embedding": "Embedding: 0",
}

_BIAS_LABEL = "{what} bias adds: not counted (archstats full: {n:,} FLOPs)"
_ZERO_LABEL = "{types}: 0 (archstats full: {n:,} FLOPs)"
_NO_RULE_LABEL = "no thop rule, 0: {types} (archstats full: {n:,} FLOPs)"
_OWN_OPS_LABEL = (
    "residual adds, cat and other ops in custom modules' forward(): not counted (archstats full: {n:,} FLOPs)"
)
_BUILT_LABEL = "modules built inside forward(), not hooked by thop, 0: {types} (archstats full: {n:,} FLOPs)"
_FUNCTIONAL_LABEL = "matrix products called functionally outside counted modules: counted as archstats"
_COVERED_LABEL = "products inside a module whose thop rule covers them (already in that rule)"
_FUNCTIONAL_CONV_LABEL = "convolutions called functionally (F.conv*) in forward(): not counted"
_UNMODELLED_LABEL = "thop rules archstats does not predict ({types}): archstats' MACs stand in"


class _Bucket:
    """One explanation line being accumulated: its amount, and the types and archstats FLOPs it covers."""

    def __init__(self) -> None:
        self.amount = 0
        self.flops = 0
        self.types: set[str] = set()


class _Predictor:
    """thop's figure for each layer record of a profile, and the explanation buckets of the gap."""

    def __init__(self, p: Profile, resolve: Callable[[str, str | None], type | None]) -> None:
        assert p.ops is not None
        self.p, self.resolve = p, resolve
        self.ops_of: dict[tuple[str, int], list[OpRecord]] = {}
        for o in p.ops:
            self.ops_of.setdefault((o.module, o.call), []).append(o)
        self.types = {r.module: r.type for r in p.records}
        self.buckets: dict[tuple[str, str], _Bucket] = {}
        self.per_module: dict[str, int] = {}

    def kind_of(self, path: str) -> str | None:
        cls = self.resolve(path, self.types.get(path))
        return rule_kind(cls) if cls is not None else None

    def hooked_ancestor(self, path: str) -> bool:
        # thop's functional counter pauses while a module with a (non-zero) rule is running
        parts = path.split(".") if path else []
        return any(self.kind_of(".".join(parts[:i])) not in (None, "zero") for i in range(len(parts)))

    def add(self, key: tuple[str, str], amount: int, flops: int = 0, type_name: str | None = None) -> None:
        b = self.buckets.setdefault(key, _Bucket())
        b.amount += amount
        b.flops += flops
        if type_name:
            b.types.add(type_name)

    def ruled(self, r: LayerRecord, kind: str, ops: list[OpRecord]) -> int:
        """A module with a thop rule: thop's figure for it, the gap bucketed by rule kind."""
        rule = _rule_figure(kind, r, ops)
        if rule is None:
            self.add(("unmodelled", ""), 0, 0, r.type)
            return r.macs
        bias = sum(o.extra_flops for o in ops if o.family in ("conv", "matmul"))
        if kind in ("conv", "conv_transpose"):
            self.add(("bias", "conv"), 0, bias)
        elif kind == "linear":
            self.add(("bias", "linear"), 0, bias)
        extra = r.extra_flops - bias if kind in ("conv", "conv_transpose", "linear") else r.extra_flops
        self.add(("kind", kind), rule - r.macs, extra)
        return rule

    def unruled(self, r: LayerRecord, kind: str | None, ops: list[OpRecord], built: bool) -> None:
        """No rule of its own: thop adds nothing for the module, but its functional matrix products
        are counted when no enclosing module's rule is running."""
        if built:
            self.add(("built", ""), 0, r.extra_flops, r.type)
        elif kind == "zero":
            self.add(("zero", ""), 0, r.extra_flops, r.type)
        elif r.leaf:
            self.add(("no_rule", ""), 0, r.extra_flops, r.type)
        else:
            self.add(("own_ops", ""), 0, r.extra_flops)
        matmul_macs = sum(o.macs for o in ops if o.family == "matmul")
        if matmul_macs and self.hooked_ancestor(r.module):
            self.add(("covered", ""), -matmul_macs)
        elif matmul_macs:
            self.add(("functional", ""), 0)
            self.per_module[""] = self.per_module.get("", 0) + matmul_macs
        conv_macs = sum(o.macs for o in ops if o.family == "conv")
        if conv_macs:
            self.add(("built", "") if built else ("functional_conv", ""), -conv_macs, 0, r.type if built else None)

    def predict(self) -> Prediction:
        keep: set[str] = set()
        base = 0
        for r in self.p.records:
            if r.call < 0:  # never ran: only listed for its parameters
                continue
            base += r.macs
            ops = self.ops_of.get((r.module, r.call), [])
            built = "<" in r.module  # built during forward(): no path in the module tree, never hooked
            cls = None if built else self.resolve(r.module, r.type)
            kind = rule_kind(cls) if cls is not None else None
            figure = 0
            if kind not in (None, "zero"):
                figure = self.ruled(r, kind, ops)
            else:
                self.unruled(r, kind, ops, built)
            if built:
                continue  # thop has no figure for it
            if figure or r.leaf:
                keep.add(r.module)
            self.per_module[r.module] = self.per_module.get(r.module, 0) + figure
        per_module = {path: v for path, v in self.per_module.items() if v or path in keep}
        return Prediction(base=base, terms=_terms(self.buckets), per_module=per_module)


def _predict(p: Profile, resolve: Callable[[str, str | None], type | None]) -> Prediction:
    return _Predictor(p, resolve).predict()


def _terms(buckets: dict[tuple[str, str], _Bucket]) -> tuple[Term, ...]:
    terms = []
    for (what, sub), b in buckets.items():
        if what in ("zero", "no_rule", "own_ops", "built") and not b.amount and not b.flops:
            continue  # free in thop and in archstats: nothing to explain
        names = ", ".join(sorted(b.types))
        if what == "kind":
            label = _KIND_LABELS[sub]
        elif what == "bias":
            if not b.flops:
                continue  # no biases of that kind ran
            label = _BIAS_LABEL.format(what=sub, n=b.flops)
        elif what == "zero":
            label = _ZERO_LABEL.format(types=names, n=b.flops)
        elif what == "no_rule":
            label = _NO_RULE_LABEL.format(types=names, n=b.flops)
        elif what == "own_ops":
            label = _OWN_OPS_LABEL.format(n=b.flops)
        elif what == "built":
            label = _BUILT_LABEL.format(types=names, n=b.flops)
        elif what == "functional":
            label = _FUNCTIONAL_LABEL
        elif what == "covered":
            label = _COVERED_LABEL
        elif what == "functional_conv":
            label = _FUNCTIONAL_CONV_LABEL
        else:
            label = _UNMODELLED_LABEL.format(types=names)
        terms.append(Term(label, b.amount))
    return tuple(terms)

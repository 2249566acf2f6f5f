"""The cross-check's shared vocabulary: what a peer tool measured, what archstats predicts it
measures, and the registry of peer tools.

A peer's figure is never compared with archstats' as a bare delta. Each tool has a *convention*
(what it counts, what it skips, whether it reports MACs or 2 x MACs), and ``predict`` derives the
tool's figure from archstats' own op log under that convention, as a sum of labelled terms. A
cross-check passes when the tool's measured figure equals the prediction exactly; the terms are
the explanation of the gap between the tool and archstats' MACs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import install_hint

if TYPE_CHECKING:
    import torch
    from torch import nn

    from ..engine import OpRecord
    from ..profile import Profile


@dataclass(frozen=True)
class Term:
    """One line of the explanation: what the tool counts or skips, and its amount."""

    label: str  # "conv bias adds: 1 per output element"
    amount: int  # contribution to the tool's total, in the tool's unit (negative: archstats work the tool skips)


@dataclass(frozen=True)
class Measured:
    """What a tool reported when it ran."""

    total: int  # in the tool's unit
    per_module: dict[str, int] = field(default_factory=dict)  # module path -> figure, tool's unit
    notes: tuple[str, ...] = ()  # what the tool itself said it skipped (unsupported ops, ...)


@dataclass(frozen=True)
class Prediction:
    """The tool's figure as its convention implies, derived from archstats' op log.

    ``total == base + sum(t.amount for t in terms)``, where ``base`` is archstats' conv/linear
    MACs expressed in the tool's unit (x2 for a tool that reports FLOPs).
    """

    base: int
    terms: tuple[Term, ...]
    per_module: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.base + sum(t.amount for t in self.terms)


class Tool(Protocol):
    name: str  # "fvcore"
    distribution: str  # the pip distribution, for the version and the install hint
    unit: str  # "MACs" or "FLOPs": what the tool's number is
    needs_real_tensors: bool  # True: the tool cannot run on meta tensors
    per_module_scope: str  # what a per-module figure covers: "own" ops, or "subtree"

    def run(self, model: nn.Module, x: torch.Tensor) -> Measured: ...

    def predict(self, p: Profile) -> Prediction: ...


INSTALL_HINT = install_hint("crosscheck")  # as this installation needs it (a checkout or a wheel)


def exact_count(value: Any, what: str) -> int:
    """A tool's count as an int: tools hand back floats or numpy numbers, and a non-integral one
    is an error, never rounded."""
    if not float(value).is_integer():
        raise ValueError(f"{what} is not an integer: {value!r}")
    return int(value)


_TOOLS: dict[str, Callable[[], Tool]] = {}


def register_tool(name: str) -> Callable[[Callable[[], Tool]], Callable[[], Tool]]:
    """Register a tool factory under ``name`` (duplicates refused)."""

    def deco(factory: Callable[[], Tool]) -> Callable[[], Tool]:
        if name in _TOOLS:
            raise ValueError(f"cross-check tool {name!r} is already registered")
        _TOOLS[name] = factory
        return factory

    return deco


def tool_names() -> list[str]:
    return list(_TOOLS)


def get_tool(name: str) -> Tool:
    return _TOOLS[name]()


# --- helpers shared by the tools' predictions ---------------------------------------------------

#: The op categories the convention table is written in (README, "Cross-check").
CATEGORIES: tuple[str, ...] = (
    "conv",
    "conv bias",
    "linear",
    "linear bias",
    "batch norm",
    "layer/group norm",
    "activations",
    "max pooling",
    "average pooling",
    "adaptive average pooling",
    "reductions",
    "upsampling",
    "elementwise",
    "data movement",
    "no rule",
)


def is_adaptive_avg_pool_to_1(op: OpRecord) -> bool:
    """``adaptive_avg_pool2d(x, 1)`` reaches the dispatcher as ``mean(x, [-1, -2], keepdim=True)``.

    Tools that see the un-decomposed op (fvcore's jit trace, thop's module hooks) count it as
    adaptive pooling; a ``mean`` written exactly so in a model's code is indistinguishable here.
    """
    if op.op != "aten.mean":
        return False
    dims = op.args.get("dim")
    return isinstance(dims, (list, tuple)) and sorted(dims) == [-2, -1] and op.args.get("keepdim") is True


def input_shape(op: OpRecord) -> Any:
    """The shape of an op's main tensor input, named ``input`` or ``self`` by aten's schemas."""
    return op.args["input"] if "input" in op.args else op.args["self"]


def op_category(op: OpRecord) -> str:
    """The convention-table category of an aten op of the log (its MACs and extra FLOPs)."""
    name = op.op.removeprefix("aten.")
    fam = op.family
    if fam is None:
        return "no rule"
    if fam == "conv":
        return "conv"
    if fam == "matmul":
        return "linear"
    if fam == "norm":
        return "batch norm" if "batch_norm" in name else "layer/group norm"
    if fam == "activation":
        return "activations"
    if fam == "pool":
        if "max_pool" in name:
            return "max pooling"
        if name.startswith("avg_pool"):
            return "average pooling"
        if name.startswith("_adaptive_avg_pool") or is_adaptive_avg_pool_to_1(op):
            return "adaptive average pooling"
        if "upsample" in name:
            return "upsampling"
        return "reductions"
    if fam == "elementwise":
        return "elementwise"
    return "data movement"


def full_flops_by_category(ops: list[OpRecord]) -> dict[str, int]:
    """archstats ``full`` FLOPs beyond 2 x MACs per category (bias adds under "conv/linear bias")."""
    out: dict[str, int] = {}
    for op in ops:
        cat = op_category(op)
        if cat in ("conv", "linear"):
            cat += " bias"
        if op.extra_flops:
            out[cat] = out.get(cat, 0) + op.extra_flops
    return out


def subtree(own: dict[str, int]) -> dict[str, int]:
    """Roll per-module own figures up to every ancestor path ("" is the root): subtree sums.

    Paths of modules built during ``forward`` (``a.<ReLU>``) add to their ancestors only: no
    tool can name them.
    """
    out: dict[str, int] = {"": 0}
    for path, value in own.items():
        parts = path.split(".") if path else []
        prefixes = [".".join(parts[:i]) for i in range(len(parts) + 1)]
        for prefix in prefixes:
            if "<" in prefix:
                break
            out[prefix] = out.get(prefix, 0) + value
    return out

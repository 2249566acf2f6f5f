"""The cross-check's shared vocabulary: what a peer tool measured, what archstats predicts it
measures, and the registry of peer tools.

A peer's figure is never compared with archstats' as a bare delta. Each tool has a *convention*
(what it counts, what it skips, whether it reports MACs or 2 x MACs), and ``predict`` derives the
tool's figure from archstats' own op log under that convention, as a sum of labelled terms. A
cross-check passes when the tool's measured figure equals the prediction exactly; the terms are
the explanation of the gap between the tool and archstats' MACs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol

if TYPE_CHECKING:
    import torch
    from torch import nn

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

    def run(self, model: "nn.Module", x: "torch.Tensor") -> Measured: ...

    def predict(self, p: "Profile") -> Prediction: ...


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

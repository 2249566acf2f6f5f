"""``archstats.crosscheck``: run peer counters on the same model and input, and explain every gap.

Each peer (fvcore, thop, ``torch.utils.flop_counter.FlopCounterMode``) is a :class:`Tool` with a
documented convention. :func:`crosscheck` profiles the model once with the op log, runs every
requested tool on its own copy of the model (meta tensors where the tool can, a real CPU copy
built with the same seeds where it cannot), and asks each tool to *predict* its own figure from
archstats' op log. A tool passes when what it measured equals the prediction exactly; the
prediction's terms are the explanation of the gap between the tool and archstats' MACs.

The peer packages are imported only when a tool runs; a tool that is not installed is skipped
with a reason (``pip install "archstats[crosscheck]"``).
"""

from __future__ import annotations

import difflib
import importlib.metadata
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from . import _flopcounter, _fvcore, _thop  # noqa: F401  (importing registers the tools)
from ._flopcounter import backward_excess
from .base import INSTALL_HINT, Measured, Prediction, Term, Tool, get_tool, register_tool, tool_names

if TYPE_CHECKING:
    from ..profile import Profile

__all__ = [
    "CrossCheck",
    "backward_excess",
    "INSTALL_HINT",
    "Measured",
    "Prediction",
    "Term",
    "Tool",
    "ToolResult",
    "crosscheck",
    "get_tool",
    "parse_tools",
    "register_tool",
    "tool_names",
]


def _as_macs(value: int, unit: str) -> int | Fraction:
    """A figure in MACs: FLOPs count 2 per multiply-accumulate (exact; a half stays a fraction)."""
    if unit == "MACs":
        return value
    half = Fraction(value, 2)
    return int(half) if half.denominator == 1 else half


@dataclass
class ToolResult:
    """One tool's run: what it measured, what its convention predicts, or why it did not run."""

    name: str
    distribution: str
    version: str | None
    unit: str
    per_module_scope: str
    measured: Measured | None = None
    prediction: Prediction | None = None
    skipped: str | None = None  # the tool is not installed: the reason, with the install hint
    error: str | None = None  # the tool (or its prediction) raised

    @property
    def ran(self) -> bool:
        return self.measured is not None and self.prediction is not None

    @property
    def unexplained(self) -> int | None:
        """measured - predicted, in the tool's unit: 0 when the convention explains everything."""
        if not self.ran:
            return None
        assert self.measured is not None and self.prediction is not None
        return self.measured.total - self.prediction.total

    @property
    def measured_macs(self) -> int | Fraction | None:
        return _as_macs(self.measured.total, self.unit) if self.measured is not None else None

    @property
    def predicted_macs(self) -> int | Fraction | None:
        return _as_macs(self.prediction.total, self.unit) if self.prediction is not None else None

    def module_unexplained(self) -> dict[str, int]:
        """Per-module measured - predicted where both sides have a figure, non-zero entries only."""
        if not self.ran:
            return {}
        assert self.measured is not None and self.prediction is not None
        m, q = self.measured.per_module, self.prediction.per_module
        return {k: m[k] - q[k] for k in q if k in m and m[k] != q[k]}


@dataclass
class CrossCheck:
    """archstats' totals beside every requested tool's measurement and explained prediction."""

    name: str
    input_size: tuple[int, ...]
    batch_size: int
    profile: Profile = field(repr=False)
    tools: list[ToolResult]

    @property
    def macs(self) -> int:
        """archstats' MACs (the same under ``full`` and ``paper``)."""
        return self.profile.totals.macs

    @property
    def flops_full(self) -> int:
        return self.profile.totals.flops

    @property
    def flops_paper(self) -> int:
        return 2 * self.macs

    @property
    def ran(self) -> list[ToolResult]:
        return [t for t in self.tools if t.ran]

    @property
    def ok(self) -> bool:
        """Every tool that ran matches its prediction exactly, and none failed."""
        return all(t.unexplained == 0 for t in self.ran) and not any(t.error for t in self.tools)

    def tool(self, name: str) -> ToolResult:
        for t in self.tools:
            if t.name == name:
                return t
        raise KeyError(name)


def parse_tools(text: str | Sequence[str] | None) -> list[str]:
    """``"fvcore,thop"`` (or a list) to registered tool names; all of them for None or empty."""
    from ..errors import UsageError

    if text is None:
        return tool_names()
    items = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    items = [t for t in items if t]
    if not items:
        return tool_names()
    known = tool_names()
    out: list[str] = []
    for t in items:
        if t not in known:
            close = difflib.get_close_matches(t, known, n=3)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise UsageError(f"unknown cross-check tool {t!r}{hint} (tools: {', '.join(known)})")
        if t not in out:
            out.append(t)
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def crosscheck(
    model_or_name: Any,
    input_size: Any = None,
    batch_size: int = 1,
    tools: Sequence[str] | str | None = None,
) -> CrossCheck:
    """Cross-check archstats' MACs against peer tools on the same model and input.

    ``model_or_name`` is an ``nn.Module`` (never modified: every tool runs on its own copy), a
    registry name, or ``"package.module:callable"``; ``input_size`` excludes the batch and
    defaults to the model's own. ``tools`` is a list or comma-separated names (default: all).
    Every tool runs in eval mode under ``torch.no_grad()``, on meta tensors when it can, else
    on a real CPU copy built with the same seeds, with a ``torch.randn`` input.
    """
    import torch

    from ..loading import build, resolve
    from ..profile import _seeded_generators, profile

    names = parse_tools(tools)
    p = profile(model_or_name, input_size, batch_size, record_ops=True)
    _, source = resolve(model_or_name)
    shape = (batch_size, *p.input_size)

    results = []
    for name in names:
        tool = get_tool(name)
        version = _version(tool.distribution)
        result = ToolResult(name, tool.distribution, version, tool.unit, tool.per_module_scope)
        results.append(result)
        if version is None:
            result.skipped = f"{tool.distribution} is not installed ({INSTALL_HINT})"
            continue
        device = "cpu" if tool.needs_real_tensors else "meta"
        with _seeded_generators():
            # a fresh copy per tool: some tools attach buffers or hooks to the model they profile
            model = build(source, p.name, device, torch.float32).eval()
            x = torch.randn(shape) if device == "cpu" else torch.empty(shape, device="meta")
            try:
                result.measured = tool.run(model, x)
            except ImportError as exc:
                result.skipped = str(exc) if INSTALL_HINT in str(exc) else f"{exc} ({INSTALL_HINT})"
            except Exception as exc:  # a peer's failure is a result to report, not a crash
                result.error = f"{name} failed: {_first_line(exc)}"
        del model, x
        if result.measured is None:
            continue
        try:
            result.prediction = tool.predict(p)
        except Exception as exc:
            result.error = f"{name} prediction failed: {_first_line(exc)}"
    return CrossCheck(p.name, p.input_size, batch_size, p, results)

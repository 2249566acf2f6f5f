"""Renderers for a :class:`~archstats.crosscheck.CrossCheck`: pure functions to cells, text and tables.

Tables and Markdown use human units (:func:`archstats.units.human`); CSV and JSON carry exact
integers (a figure in MACs converted from an odd number of FLOPs would be a half: JSON gives it as
a number with ``.5``, never rounded). Terminal tables fit the console's width by column priority
(:class:`archstats.render.FittedTable`); Markdown escapes every name it writes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..units import human

if TYPE_CHECKING:
    from . import CrossCheck, ToolResult

TOTALS_HEADERS = ["tool", "version", "unit", "reported", "as MACs", "archstats MACs", "gap", "explained", "unexplained"]
_SCOPE = {"subtree": "module and its children", "own": "the module's own ops"}


def _num(value: int | Fraction) -> int | float:
    return int(value) if isinstance(value, int) or value.denominator == 1 else float(value)


def _signed(value: int | Fraction | None, kind: str) -> str:
    if value is None:
        return "-"
    if value == 0:
        return "0"
    text = human(_num(value), kind)
    return text if value <= 0 else "+" + text


def _describe(cc: CrossCheck) -> str:
    shape = "x".join(str(d) for d in (cc.batch_size, *cc.input_size))
    return f"{cc.name}: input {shape}, eval mode"


def totals_cells(cc: CrossCheck, reasons: bool = True) -> list[list[str]]:
    """One row per tool (archstats first): figures in human units, in the tool's unit and in MACs.

    gap = tool as MACs - archstats MACs; explained = what the convention terms account for (in
    MACs); unexplained = measured - predicted, in the tool's unit (0 when the convention explains
    the whole gap). A tool that did not run says why, or with ``reasons=False`` only "skipped" or
    "failed" (the terminal, where the CLI prints the reasons on their own lines).
    """
    rows = [
        ["archstats", "", "MACs", human(cc.macs, "macs"), human(cc.macs, "macs"), human(cc.macs, "macs"), "0", "0", "0"]
    ]
    for t in cc.tools:
        if not t.ran:
            why = f"skipped: {t.skipped}" if t.skipped else (t.error or "did not run")
            if not reasons:
                why = "skipped" if t.skipped else "failed"
            rows.append([t.name, t.version or "-", t.unit, why, "", "", "", "", ""])
            continue
        assert t.measured is not None and t.measured_macs is not None and t.predicted_macs is not None
        kind = "flops" if t.unit == "FLOPs" else "macs"
        unexplained = t.unexplained or 0
        rows.append(
            [
                t.name,
                t.version or "-",
                t.unit,
                human(t.measured.total, kind),
                human(_num(t.measured_macs), "macs"),
                human(cc.macs, "macs"),
                _signed(t.measured_macs - cc.macs, "macs"),
                _signed(t.predicted_macs - cc.macs, "macs"),
                "0" if unexplained == 0 else f"{_signed(unexplained, kind)} ({unexplained:+,})",
            ]
        )
    return rows


_AMOUNT = 20  # the width of a term line's amount; its label starts at column 2 + _AMOUNT + 2
_LABEL_AT = 2 + _AMOUNT + 2


def term_lines(t: ToolResult, macs: int) -> list[str]:
    """The explanation of one tool's figure: base, each convention term, prediction, measured."""
    if not t.ran:
        return [_not_run_line(t)]
    assert t.measured is not None and t.prediction is not None
    unit = t.unit
    base_what = "archstats MACs x 2 (the tool reports FLOPs)" if unit == "FLOPs" else "archstats MACs"
    lines = [f"{t.name} {t.version or '-'}, in {unit}: archstats' MACs, then what its convention adds or skips"]
    lines.append(f"  {t.prediction.base:>+{_AMOUNT},}  {base_what}")
    for term in t.prediction.terms:
        # a zero term names work the tool skips that archstats' MACs do not hold either
        amount = f"{term.amount:>+{_AMOUNT},}" if term.amount else f"{0:>{_AMOUNT}}"
        lines.append(f"  {amount}  {term.label}")
    lines.append(f"  {t.prediction.total:>{_AMOUNT},}  = predicted by the convention")
    lines.append(f"  {t.measured.total:>{_AMOUNT},}  measured by {t.name}")
    lines.append(
        f"  {t.unexplained:>+{_AMOUNT},}  unexplained (measured - predicted)"
        if t.unexplained
        else f"  {0:>{_AMOUNT}}  unexplained (measured - predicted)"
    )
    lines += [f"  note: {n}" for n in t.measured.notes]
    return lines


_TERM_LINE = re.compile(rf"  [ +\-\d,]{{{_AMOUNT}}}  \S")  # "  <amount>  <label>"


def _term_prose(line: str) -> Any:
    """A term line for the terminal: a label too long for the width wraps under itself."""
    from ..render import Prose

    return Prose(line, indent=_LABEL_AT if _TERM_LINE.match(line) else None)


def _not_run_line(t: ToolResult) -> str:
    return f"{t.name}: skipped: {t.skipped}" if t.skipped else f"{t.name}: {t.error}"


def skipped_lines(cc: CrossCheck) -> list[str]:
    """One line per tool that did not run (not installed, or failed)."""
    return [_not_run_line(t) for t in cc.tools if not t.ran]


def failure_lines(cc: CrossCheck) -> list[str]:
    """One line per tool that failed or whose figure its convention leaves unexplained."""
    lines = []
    for t in cc.tools:
        if t.error:
            lines.append(t.error)
        elif t.unexplained:
            lines.append(f"{t.name}: {t.unexplained:+,} {t.unit} not explained by its convention")
    return lines


def _module_paths(cc: CrossCheck) -> list[str]:
    """Module paths in forward order, each preceded by its ancestors (the root first)."""
    paths: list[str] = []
    seen: set[str] = set()
    for r in cc.profile.records:
        parts = r.module.split(".") if r.module else []
        for i in range(len(parts) + 1):
            prefix = ".".join(parts[:i])
            if "<" in prefix:
                break
            if prefix not in seen:
                seen.add(prefix)
                paths.append(prefix)
    return paths


def per_module_rows(cc: CrossCheck) -> tuple[list[str], list[dict[str, Any]]]:
    """Exact per-module figures: archstats own and subtree MACs, and each tool's figure in MACs.

    Only tools that give per-module figures have columns; a module a tool gives no figure for is
    None. ``<tool>_unexplained`` is measured - predicted for that module, in the tool's unit.
    """
    from .base import subtree

    own: dict[str, int] = {}
    types: dict[str, str] = {}
    for r in cc.profile.records:
        own[r.module] = own.get(r.module, 0) + r.macs
        types.setdefault(r.module, r.type)
    sub = subtree(own)
    tools = [t for t in cc.ran if t.measured is not None and t.measured.per_module]
    columns = ["module", "type", "archstats_own_macs", "archstats_subtree_macs"]
    for t in tools:
        columns += [f"{t.name}_{t.per_module_scope}_macs", f"{t.name}_unexplained"]
    rows = []
    for path in _module_paths(cc):
        row: dict[str, Any] = {
            "module": path or "(model)",
            "type": types.get(path, ""),
            "archstats_own_macs": own.get(path, 0),
            "archstats_subtree_macs": sub.get(path, 0),
        }
        for t in tools:
            assert t.measured is not None and t.prediction is not None
            m = t.measured.per_module.get(path)
            q = t.prediction.per_module.get(path)
            row[f"{t.name}_{t.per_module_scope}_macs"] = None if m is None else _num(_as_macs(m, t.unit))
            row[f"{t.name}_unexplained"] = None if m is None or q is None else m - q
        rows.append(row)
    return columns, rows


def _as_macs(value: int, unit: str) -> int | Fraction:
    from . import _as_macs as convert

    return convert(value, unit)


def per_module_cells(cc: CrossCheck) -> tuple[list[str], list[list[str]]]:
    """Headers and human-unit cells of the per-module table (unexplained shown only where non-zero)."""
    columns, rows = per_module_rows(cc)
    tools = [c.removesuffix("_unexplained") for c in columns if c.endswith("_unexplained")]
    headers = ["module", "type", "archstats own", "archstats subtree"]
    scopes = {t.name: t.per_module_scope for t in cc.tools}
    headers += [f"{name} ({scopes[name]})" for name in tools] + ["unexplained"]
    cells = []
    for row in rows:
        line = [
            row["module"],
            row["type"],
            human(row["archstats_own_macs"], "macs"),
            human(row["archstats_subtree_macs"], "macs"),
        ]
        gaps = []
        for name in tools:
            value = row[f"{name}_{scopes[name]}_macs"]
            line.append("-" if value is None else human(value, "macs"))
            gap = row[f"{name}_unexplained"]
            if gap:
                gaps.append(f"{name} {gap:+,}")
        line.append("; ".join(gaps))
        cells.append(line)
    return headers, cells


def scope_lines(cc: CrossCheck) -> list[str]:
    """What each tool's per-module figure covers (and which tools give none)."""
    lines = []
    for t in cc.ran:
        assert t.measured is not None
        if t.measured.per_module:
            what = _SCOPE.get(t.per_module_scope, t.per_module_scope)
            lines.append(f"{t.name}: per-module figures cover {what} ({t.per_module_scope}), in MACs")
        else:
            lines.append(f"{t.name}: gives no per-module figures")
    return lines


# --- whole outputs ------------------------------------------------------------------------------


def _tool_dict(t: ToolResult, cc: CrossCheck, per_module: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": t.name,
        "distribution": t.distribution,
        "version": t.version,
        "unit": t.unit,
        "status": "ran" if t.ran else ("skipped" if t.skipped else "failed"),
        "reason": t.skipped or t.error,
    }
    if t.ran:
        assert t.measured is not None and t.prediction is not None
        assert t.measured_macs is not None and t.predicted_macs is not None
        out.update(
            {
                "measured": t.measured.total,
                "measured_macs": _num(t.measured_macs),
                "predicted": t.prediction.total,
                "base": t.prediction.base,
                "terms": [{"label": term.label, "amount": term.amount} for term in t.prediction.terms],
                "gap_macs": _num(t.measured_macs - cc.macs),
                "explained_macs": _num(t.predicted_macs - cc.macs),
                "unexplained": t.unexplained,
                "notes": list(t.measured.notes),
                "per_module_scope": t.per_module_scope if t.measured.per_module else None,
            }
        )
        if per_module:
            out["per_module"] = {"measured": t.measured.per_module, "predicted": t.prediction.per_module}
    return out


def to_json(cc: CrossCheck, per_module: bool = False) -> str:
    data: dict[str, Any] = {
        "model": cc.name,
        "input_size": list(cc.input_size),
        "batch_size": cc.batch_size,
        "archstats": {"macs": cc.macs, "flops_full": cc.flops_full, "flops_paper": cc.flops_paper},
        "ok": cc.ok,
        "tools": [_tool_dict(t, cc, per_module) for t in cc.tools],
    }
    if per_module:
        data["modules"] = per_module_rows(cc)[1]
    return json.dumps(data, indent=2)


_CSV_TOTALS = [
    "tool",
    "version",
    "unit",
    "status",
    "measured",
    "measured_macs",
    "predicted",
    "archstats_macs",
    "gap_macs",
    "explained_macs",
    "unexplained",
]


def to_csv(cc: CrossCheck, per_module: bool = False) -> str:
    """The totals (one row per tool) or, with ``per_module``, the per-module table; exact integers."""
    buf = io.StringIO()
    if per_module:
        columns, rows = per_module_rows(cc)
        writer = csv.DictWriter(buf, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
        return buf.getvalue()
    writer = csv.DictWriter(buf, _CSV_TOTALS, lineterminator="\n")
    writer.writeheader()
    for t in cc.tools:
        d = _tool_dict(t, cc, False)
        writer.writerow(
            {
                "tool": t.name,
                "version": t.version or "",
                "unit": t.unit,
                "status": d["status"],
                "measured": d.get("measured", ""),
                "measured_macs": d.get("measured_macs", ""),
                "predicted": d.get("predicted", ""),
                "archstats_macs": cc.macs,
                "gap_macs": d.get("gap_macs", ""),
                "explained_macs": d.get("explained_macs", ""),
                "unexplained": d.get("unexplained", ""),
            }
        )
    return buf.getvalue()


def _fence(lines: list[str]) -> str:
    """A code fence longer than any run of backticks in ``lines`` (a name cannot close it early)."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def to_markdown(cc: CrossCheck, per_module: bool = False) -> str:
    """Markdown: names escaped (:func:`archstats.doc.md_text`); the term lines as code, shown as they are."""
    from ..doc import md_text
    from ..render import markdown_table

    parts = [f"## Cross-check: {md_text(_describe(cc))}", "", markdown_table(TOTALS_HEADERS, totals_cells(cc)), ""]
    for t in cc.tools:
        lines = term_lines(t, cc.macs)
        parts += [_fence(lines), *lines, _fence(lines), ""]
    if per_module:
        headers, cells = per_module_cells(cc)
        parts += [*(f"- {md_text(line)}" for line in scope_lines(cc)), "", markdown_table(headers, cells, left=2), ""]
    return "\n".join(parts)


# The totals table at a narrow width: tool, reported figure and unexplained remainder always; then
# the figure as MACs, the gap, the explained part, the version, the unit (also in the reported
# figure) and archstats' MACs (the same on every row, and the archstats row's own figure).
_TOTALS_PRIORITY = {"as MACs": 1, "gap": 2, "explained": 3, "version": 4, "unit": 5, "archstats MACs": 6}


def totals_fitted(cc: CrossCheck) -> Any:
    """The totals table for a terminal (a tool that did not run: "skipped" or "failed")."""
    from rich.text import Text

    from ..render import FitColumn, FittedTable

    columns = [
        FitColumn(h, _TOTALS_PRIORITY.get(h, 0), "left" if i < 3 else "right") for i, h in enumerate(TOTALS_HEADERS)
    ]
    title = Text(f"Cross-check: {_describe(cc)}")  # plain text: a model's name is not markup
    return FittedTable(columns, totals_cells(cc, reasons=False), title=title)


def per_module_fitted(cc: CrossCheck) -> Any:
    """The per-module table for a terminal: module, archstats' subtree figure and what is left
    unexplained always; then each tool's figure, archstats' own figure, the module's type."""
    from rich.text import Text

    from ..render import FitColumn, FittedTable

    headers, cells = per_module_cells(cc)
    module, kind, own, subtree, *tools, unexplained = headers
    columns = [
        FitColumn(module, 0, wrap=True, min_width=32),
        FitColumn(kind, 4, wrap=True, min_width=20),
        FitColumn(own, 3, "right"),
        FitColumn(subtree, 0, "right"),
        *(FitColumn(h, 1, "right") for h in tools),
        FitColumn(unexplained, 0, wrap=True, min_width=16),  # one entry per tool, wrapping between them
    ]
    return FittedTable(columns, cells, title=Text(f"{cc.name} per module (MACs)"))


def rich_renderables(cc: CrossCheck, per_module: bool = False) -> list[Any]:
    """The table output: tables and lines wrapped at the terminal's width, in order (the CLI prints them)."""
    from ..render import Prose

    out: list[Any] = [totals_fitted(cc)]
    for t in cc.tools:
        if t.ran:
            out += [_term_prose(line) for line in term_lines(t, cc.macs)]
    if per_module:
        out.append(per_module_fitted(cc))
        out += [Prose(line) for line in scope_lines(cc)]
    return out

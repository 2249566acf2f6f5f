"""Renderers for claim results: rich table, detail view, JSON, CSV and the Markdown report.

Every format of ``archstats claims`` is rendered from ``(results, detail)``; ``detail`` (the CLI
names claims) switches the terminal view from the summary table to each claim's detail, and the
other formats, which always hold every field, accept and ignore it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..units import human
from . import ClaimResult
from .base import SECTIONS, Measurement

COLOURS = {"holds": "green", "approx": "yellow", "fails": "red", "not-checkable": "cyan", "error": "magenta"}


def verdict_of(r: ClaimResult) -> str:
    return r.outcome.verdict if r.outcome is not None else "error"


def value_text(value: Any, kind: str = "") -> str:
    """One formatter for every figure a claim shows."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and kind in ("count", "macs", "flops", "bytes", "ratio"):
        return human(value, kind)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def rel_text(r: ClaimResult) -> str:
    rel = r.outcome.rel_diff if r.outcome is not None else None
    return "-" if rel is None else f"{rel:+.1%}"


def summary_cells(r: ClaimResult) -> list[str]:
    o = r.outcome
    if o is None:
        return [r.claim.id, r.claim.statement, "-", "-", "-", "error"]
    return [
        r.claim.id,
        r.claim.statement,
        value_text(o.expected, o.kind),
        value_text(o.measured, o.kind),
        rel_text(r),
        o.verdict,
    ]


HEADERS = ["id", "claim", "expected", "measured", "diff", "verdict"]


def table_rich(results: Sequence[ClaimResult]) -> Any:
    from rich.table import Table

    table = Table(title=f"{len(results)} claims of the notes, checked by measurement", header_style="bold", expand=True)
    for h in HEADERS:
        if h == "claim":
            table.add_column(h, ratio=3, overflow="fold")  # the statement takes most of the width
        elif h in ("expected", "measured"):
            table.add_column(h, ratio=1, overflow="fold", justify="right")  # some figures are layouts
        else:
            table.add_column(h, no_wrap=True, justify="right" if h == "diff" else "left")
    for r in results:
        cells = summary_cells(r)
        colour = COLOURS[verdict_of(r)]
        cells[-1] = f"[{colour}]{cells[-1]}[/]"
        table.add_row(*cells)
    return table


def counts_line(results: Sequence[ClaimResult]) -> str:
    counts: dict[str, int] = {}
    for r in results:
        counts[verdict_of(r)] = counts.get(verdict_of(r), 0) + 1
    order = ["holds", "approx", "fails", "not-checkable", "error"]
    return ", ".join(f"{counts[v]} {v}" for v in order if v in counts)


def _measurement_text(m: Measurement) -> str:
    return f"{m.label}: {value_text(m.value, m.kind)}"


def detail_lines(r: ClaimResult) -> list[str]:
    c, o = r.claim, r.outcome
    lines = [
        f"{c.id}  [{c.section}]",
        f"source: {c.source}",
        f"quote: {c.quote}",
        f"claim: {c.statement}",
        f"interpretation: {c.interpretation}",
        f"tolerance: holds within {c.tolerance:.1%}, approx within {c.band:.1%}",
    ]
    if o is None:
        return lines + [f"verdict: error ({r.error})"]
    lines += [
        f"expected: {value_text(o.expected, o.kind)}",
        f"measured: {value_text(o.measured, o.kind)}  (relative difference {rel_text(r)})",
        f"verdict: {o.verdict} - {o.explanation}",
    ]
    if o.formula:
        lines.append(f"formula: {o.formula}")
    if o.measurements:
        lines.append("measurements:")
        lines += [f"  - {_measurement_text(m)}" for m in o.measurements]
    return lines


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def as_dicts(results: Sequence[ClaimResult]) -> list[dict[str, Any]]:
    out = []
    for r in results:
        c, o = r.claim, r.outcome
        out.append(
            {
                "id": c.id,
                "section": c.section,
                "source": c.source,
                "quote": c.quote,
                "statement": c.statement,
                "interpretation": c.interpretation,
                "tolerance": c.tolerance,
                "band": c.band,
                "expected": _jsonable(o.expected) if o else None,
                "measured": _jsonable(o.measured) if o else None,
                "rel_diff": o.rel_diff if o else None,
                "verdict": verdict_of(r),
                "explanation": o.explanation if o else r.error,
                "formula": o.formula if o else "",
                "measurements": [
                    {"label": m.label, "value": _jsonable(m.value), "kind": m.kind}
                    for m in (o.measurements if o else ())
                ],
            }
        )
    return out


def to_json(results: Sequence[ClaimResult], detail: bool = True) -> str:
    """Every field of every claim (``detail``: as every claims renderer takes it; JSON always has it all)."""
    return json.dumps(as_dicts(results), indent=2, ensure_ascii=False)


def to_csv(results: Sequence[ClaimResult], detail: bool = True) -> str:
    """One row per claim: the fields of :func:`as_dicts` but the measurements (whatever ``detail``)."""
    from ..render import csv_text

    return csv_text([{k: v for k, v in d.items() if k != "measurements"} for d in as_dicts(results)])


def table(results: Sequence[ClaimResult], detail: bool = False) -> list[Any]:
    """The terminal view: the summary table (or, with ``detail``, each claim's detail lines and a
    blank line), then the verdict counts."""
    out: list[Any] = []
    if detail:
        for r in results:
            out += [*detail_lines(r), ""]
    else:
        out.append(table_rich(results))
    return [*out, counts_line(results)]


def by_section(results: Sequence[ClaimResult]) -> list[tuple[str, list[ClaimResult]]]:
    """Results grouped by the notes' sections, in the notes' order; empty sections left out."""
    groups = [(s, [r for r in results if r.claim.section == s]) for s in SECTIONS]
    return [(s, rs) for s, rs in groups if rs]


def to_markdown(
    results: Sequence[ClaimResult], detail: bool = True, *, title: str = "The notes' claims, checked by measurement"
) -> str:
    """The report: a summary table per section, then each claim's detail (always, whatever ``detail``)."""
    from ..render import markdown_table

    parts = [
        f"# {title}",
        "",
        "Generated by `archstats claims --format md --out reports/claims.md`; do not edit by hand.",
        "Every figure is measured with archstats on the reference models (`models/`); MACs are",
        "multiply-accumulates (what papers call FLOPs), parameters are exact counts.",
        "",
        f"**{counts_line(results)}.**",
    ]
    for section, in_section in by_section(results):
        parts += ["", f"## {section}", ""]
        rows = [summary_cells(r) for r in in_section]
        for row in rows:
            row[-1] = f"**{row[-1]}**"
        parts.append(markdown_table(HEADERS, rows, left=2))
        for r in in_section:
            lines = detail_lines(r)
            parts += ["", f"### {r.claim.id}", ""] + [
                f"- {line}" if not line.startswith("  - ") else f"  {line}" for line in lines[1:]
            ]
    return "\n".join(parts) + "\n"

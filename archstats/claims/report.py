"""Renderers for claim results: the terminal table and detail view, JSON, CSV and the report page.

Every format of ``archstats claims`` is rendered from ``(results, detail)``; ``detail`` (the CLI
names claims) switches the terminal view from the summary table to each claim's detail, and the
other formats, which always hold every field, accept and ignore it. The report page is built once
as :mod:`archstats.doc` blocks and written as Markdown or HTML; the notes it cites are written as
pages of their own (:func:`note_document`) with an anchor per line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .. import doc
from ..units import human
from . import ClaimResult
from .base import (
    ABOUT,
    AT_LEAST,
    AT_MOST,
    ERRATUM,
    FAILS,
    NOTES,
    OVER,
    POLICY,
    SECTIONS,
    UNDER,
    VERDICTS,
    Figure,
    Measurement,
    Point,
    Unchecked,
    note_lines,
    parse_source,
    quantitative_lines,
)

COLOURS = {
    "holds": "green",
    "approx": "yellow",
    "fails": "red",
    "erratum": "magenta",
    "ambiguous": "blue",
    "not-checkable": "cyan",
    "error": "bright_red",
}
ORDER = (*VERDICTS, "error")
TITLE = "The notes' claims, checked by measurement"
MEMORY_NOTE = (
    "Memory, where the notes speak of a forward pass's memory, is counted as their arithmetic counts it: the input "
    "plus every layer's new output, 4 bytes a value (fp32); in-place activations add nothing. The allocator's "
    "figures (max-pool indices, the peak of live tensors) are shown beside it."
)


def verdict_of(r: ClaimResult) -> str:
    return r.outcome.verdict if r.outcome is not None else "error"


# --- figures ------------------------------------------------------------------------------------------


def value_text(value: Any, kind: str = "") -> str:
    """One formatter for every figure a claim shows: exact integers beside human units."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Figure):
        return figure_text(value)
    if kind == "ratio" and isinstance(value, (int, float)):
        return f"{value:.4g}x"
    if isinstance(value, float) and value.is_integer() and kind in ("count", "macs", "flops", "bytes"):
        value = int(value)
    if isinstance(value, int) and kind in ("count", "macs", "flops", "bytes") and abs(value) >= 10_000:
        return f"{value:,} ({human(value, kind)})"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def short_text(value: Any, kind: str = "") -> str:
    """A figure for a table cell: human units only."""
    if isinstance(value, Figure) and value.unit == 0 and value.low == value.high:
        value = value.value  # worked out by a formula: shown like the measurement beside it
    if isinstance(value, (int, float)) and not isinstance(value, bool) and kind in ("count", "macs", "flops", "bytes"):
        return human(value, kind)
    return value_text(value, kind)


_BOUND_TEXT = {ABOUT: "about {}", AT_LEAST: ">= {}", AT_MOST: "<= {}", UNDER: "< {}", OVER: "> {}"}


def figure_text(f: Figure) -> str:
    """A figure as the notes print it, with its bound ("about 100MB", ">= 50")."""
    if f.bound == ABOUT and f.text.lstrip().startswith("~"):
        return f.text
    return _BOUND_TEXT.get(f.bound, "{}").format(f.text)


def expected_text(p: Point | None, short: bool = False) -> str:
    if p is None:
        return ""
    text = (short_text if short else value_text)(p.expected, p.kind)
    # a ratio the notes print as "9" reads as the measured "9x" does
    if p.kind == "ratio" and isinstance(p.expected, Figure) and not text.endswith("x"):
        text += "x"
    return text


def diff_text(r: ClaimResult) -> str:
    """Measured against expected: a percentage near 1, a factor far from it, blank when nothing is compared."""
    rel = r.outcome.rel_diff if r.outcome is not None else None
    if rel is None:
        return ""
    ratio = rel + 1
    if 0.5 <= ratio <= 2:
        return f"{rel:+.1%}"
    if ratio <= 0:
        return f"{rel:+.0%}"
    return _factor(ratio) if ratio > 2 else "1/" + _factor(1 / ratio)


def _factor(ratio: float) -> str:
    return f"{ratio:,.0f}x" if ratio >= 100 else f"{ratio:.3g}x"


def summary_cells(r: ClaimResult) -> list[str]:
    """id, verdict, expected, measured, diff, claim: one row of the summary table."""
    o = r.outcome
    if o is None:
        return [r.claim.id, "error", "", "", "", r.claim.statement]
    p = o.headline
    measured = short_text(p.measured, p.kind) if p is not None else ""
    return [r.claim.id, o.verdict, expected_text(p, short=True), measured, diff_text(r), r.claim.statement]


HEADERS = ["id", "verdict", "expected", "measured", "diff", "claim"]


def counts(results: Sequence[ClaimResult]) -> dict[str, int]:
    found: dict[str, int] = {}
    for r in results:
        found[verdict_of(r)] = found.get(verdict_of(r), 0) + 1
    return {v: found[v] for v in ORDER if v in found}


def counts_line(results: Sequence[ClaimResult]) -> str:
    noun = "claim" if len(results) == 1 else "claims"
    return f"{len(results)} {noun}: " + ", ".join(f"{n} {v}" for v, n in counts(results).items())


# --- the terminal -------------------------------------------------------------------------------------


def table_rich(results: Sequence[ClaimResult], show_all: bool = False) -> Any:
    from rich.text import Text

    from ..render import FitColumn, FittedTable

    columns = [
        FitColumn("id"),
        FitColumn("verdict"),
        FitColumn("expected", 2, "right", max_width=10),
        FitColumn("measured", 1, "right", max_width=10),
        FitColumn("diff", 3, "right"),
        FitColumn("claim", 4, wrap=True, min_width=24),
    ]
    rows = []
    for r in results:
        cells: list[Any] = summary_cells(r)
        cells[1] = Text(cells[1], style=COLOURS[verdict_of(r)])
        rows.append(cells)
    return FittedTable(
        columns, rows, title=f"{len(results)} claims of the notes, checked by measurement", show_all=show_all
    )


def _point_line(p: Point) -> str:
    expected = f"expected {expected_text(p)}, " if p.expected is not None else ""
    arithmetic = f"  [{p.arithmetic}]" if p.arithmetic else ""
    return f"    - {p.label}: {expected}measured {value_text(p.measured, p.kind) or '-'} -> {p.verdict}{arithmetic}"


def detail_lines(r: ClaimResult) -> list[str]:
    c, o = r.claim, r.outcome
    lines = [
        f"{c.id}  [{c.section}]",
        f"source: {c.source}",
        f"quote: {c.quote}",
        f"translation: {c.translation}",
        f"claim: {c.statement}",
        f"measured: {c.interpretation}",
    ]
    if c.contradicts:
        lines.append(f"contradicted by: {', '.join(c.contradicts)}")
    if o is None:
        return lines + [f"verdict: error ({r.error})"]
    lines.append(f"verdict: {o.verdict} - {o.explanation}")
    if o.formula:
        lines.append(f"formula: {o.formula}")
    if o.correction and o.verdict in (FAILS, ERRATUM):
        lines.append(f"correction: {o.correction}")
    for reading in o.readings:
        lines.append(f"  reading '{reading.name}' ({reading.role}): {reading.verdict}")
        lines += [_point_line(p) for p in reading.points]
    if o.measurements:
        lines.append("context:")
        lines += [f"  - {m.label}: {value_text(m.value, m.kind)}" for m in o.measurements]
    return lines


def table(results: Sequence[ClaimResult], detail: bool = False, show_all: bool = False) -> list[Any]:
    """The terminal view: the summary table (or, with ``detail``, each claim's detail lines and a
    blank line), then the verdict counts."""
    from ..render import Prose

    out: list[Any] = []
    if detail:
        for r in results:
            out += [*(Prose(line) for line in detail_lines(r)), ""]
    else:
        out.append(table_rich(results, show_all))
    return [*out, Prose(counts_line(results))]


# --- JSON and CSV -------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Figure):
        return value.value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value if not (isinstance(value, float) and value != value) else None
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def _point_dict(p: Point) -> dict[str, Any]:
    figure = p.expected if isinstance(p.expected, Figure) else None
    return {
        "label": p.label,
        "verdict": p.verdict,
        "expected": _jsonable(p.expected),
        "expected_text": figure_text(figure) if figure else None,
        "bound": figure.bound if figure else None,
        "measured": _jsonable(p.measured),
        "kind": p.kind,
        "arithmetic": p.arithmetic,
    }


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
                "translation": c.translation,
                "statement": c.statement,
                "interpretation": c.interpretation,
                "contradicts": list(c.contradicts),
                "verdict": verdict_of(r),
                "expected": _jsonable(o.expected) if o else None,
                "measured": _jsonable(o.measured) if o else None,
                "rel_diff": o.rel_diff if o else None,
                "explanation": o.explanation if o else r.error,
                "formula": o.formula if o else "",
                "correction": o.correction if o else "",
                "readings": [
                    {"name": g.name, "role": g.role, "verdict": g.verdict, "points": [_point_dict(p) for p in g.points]}
                    for g in (o.readings if o else ())
                ],
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


_NESTED = ("readings", "measurements", "contradicts")


def to_csv(results: Sequence[ClaimResult], detail: bool = True) -> str:
    """One row per claim: the fields of :func:`as_dicts` but the nested readings and context."""
    from ..render import csv_text

    return csv_text([{k: v for k, v in d.items() if k not in _NESTED} for d in as_dicts(results)])


# --- the report page ----------------------------------------------------------------------------------


def by_section(results: Sequence[ClaimResult]) -> list[tuple[str, list[ClaimResult]]]:
    """Results grouped by the notes' sections, in the notes' order; empty sections left out."""
    groups = [(s, [r for r in results if r.claim.section == s]) for s in SECTIONS]
    return [(s, rs) for s, rs in groups if rs]


def source_links(source: str, ext: str) -> doc.Inline:
    """``"004:41, 002:57-59"`` as links to the line anchors of the notes' pages."""
    parts: list[doc.Inline] = []
    for i, (note, first, last) in enumerate(parse_source(source)):
        text = f"{note}:{first}" + (f"-{last}" if last != first else "")
        parts += [", "] if i else []
        parts.append(doc.Link(text, f"notes/{note}.{ext}#L{first}"))
    return tuple(parts)


def _claim_link(r: ClaimResult) -> doc.Inline:
    return doc.Link(r.claim.id, f"#{r.claim.id}")


def _count_rows(groups: Sequence[tuple[str, Sequence[ClaimResult], int]]) -> tuple[tuple[doc.Inline, ...], ...]:
    rows = []
    for label, rs, n_unchecked in groups:
        found = counts(rs)
        rows.append((label, str(len(rs)), *(str(found.get(v, 0) or "") for v in VERDICTS), str(n_unchecked or "")))
    return tuple(rows)


def _notes_of(source: str) -> set[str]:
    return {note for note, _, _ in parse_source(source)}


def summary_blocks(results: Sequence[ClaimResult], entries: Sequence[Unchecked]) -> list[doc.Block]:
    """Verdict counts by note and by section, and how the notes' quantitative lines are accounted for."""
    headers = ("", "claims", *VERDICTS, "sentences not checkable")
    numeric = tuple(range(1, len(headers)))
    by_note = [
        (
            f"note {n}",
            [r for r in results if n in _notes_of(r.claim.source)],
            sum(n in _notes_of(u.source) for u in entries),
        )
        for n in NOTES
    ]
    by_sec = [(s, [r for r in results if r.claim.section == s], sum(u.section == s for u in entries)) for s in SECTIONS]
    n_lines = sum(len(v) for v in quantitative_lines().values())
    return [
        doc.Heading(2, "Summary", "summary"),
        doc.Para(doc.Strong(counts_line(results) + ".")),
        doc.Para(
            f"The notes have {n_lines} lines that state a number; every one is cited by a claim below or listed "
            f"in the not-checkable table ({len(entries)} entries). A claim citing several notes counts once per note."
        ),
        doc.Table(headers, _count_rows(by_note), numeric),
        doc.Table(("section", *headers[1:]), _count_rows(by_sec), numeric),
    ]


def corrections_blocks(results: Sequence[ClaimResult], ext: str) -> list[doc.Block]:
    """Each error of the notes with the right figure: the claims that fail or are errata."""
    wrong = [r for r in results if verdict_of(r) in (FAILS, ERRATUM)]
    rows = []
    for r in wrong:
        assert r.outcome is not None
        p = r.outcome.headline
        rows.append(
            (
                _claim_link(r),
                source_links(r.claim.source, ext),
                r.outcome.verdict,
                expected_text(p),
                r.outcome.correction or r.outcome.explanation,
            )
        )
    return [
        doc.Heading(2, "Corrections", "corrections"),
        doc.Para(f"{len(wrong)} claims are wrong as the notes write them; the right figure and its arithmetic:"),
        doc.Table(("claim", "source", "verdict", "the notes say", "right figure"), tuple(rows)),
    ]


def _points_table(r: ClaimResult) -> list[doc.Block]:
    assert r.outcome is not None
    rows = []
    several = len(r.outcome.readings) > 1
    for g in r.outcome.readings:
        for p in g.points:
            label: doc.Inline = (doc.Em(g.name + ": "), p.label) if several else p.label
            rows.append((label, expected_text(p), value_text(p.measured, p.kind), p.verdict, p.arithmetic))
    if not rows:
        return []
    return [doc.Table(("point", "expected", "measured", "verdict", "arithmetic"), tuple(rows), (1, 2))]


def _context(measurements: Sequence[Measurement]) -> list[doc.Block]:
    if not measurements:
        return []
    items = tuple((m.label, ": ", value_text(m.value, m.kind)) for m in measurements)
    return [doc.Para(doc.Strong("Context (not judged)")), doc.Bullets(items)]


def claim_blocks(r: ClaimResult, ext: str) -> list[doc.Block]:
    """One claim's detail: quote and translation, what is measured, the judged points, the context."""
    c, o = r.claim, r.outcome
    head: list[doc.Inline] = [doc.Strong(verdict_of(r)), " · ", source_links(c.source, ext)]
    if c.contradicts:
        head += [" · contradicted by "] + [doc.Link(i, f"#{i}") for i in c.contradicts]
    items: list[doc.Inline] = [(doc.Strong("Claim: "), c.statement), (doc.Strong("Measured: "), c.interpretation)]
    if o is None:
        items.append((doc.Strong("Error: "), r.error))
        return [
            doc.Heading(3, c.id, c.id),
            doc.Para(tuple(head)),
            doc.Quote((c.quote, doc.Em(c.translation))),
            doc.Bullets(tuple(items)),
        ]
    items.append((doc.Strong("Verdict: "), o.explanation))
    if o.formula:
        items.append((doc.Strong("Formula: "), doc.Code(o.formula)))
    if o.correction and o.verdict in (FAILS, ERRATUM):
        items.append((doc.Strong("Correction: "), o.correction))
    return [
        doc.Heading(3, c.id, c.id),
        doc.Para(tuple(head)),
        doc.Quote((c.quote, doc.Em(c.translation))),
        doc.Bullets(tuple(items)),
        *_points_table(r),
        *_context(o.measurements),
    ]


def section_blocks(section: str, results: Sequence[ClaimResult], ext: str) -> list[doc.Block]:
    rows = tuple(
        (_claim_link(r), source_links(r.claim.source, ext), *summary_cells(r)[2:5], doc.Strong(verdict_of(r)))
        for r in results
    )
    blocks: list[doc.Block] = [
        doc.Heading(2, section),
        doc.Table(("claim", "source", "expected", "measured", "diff", "verdict"), rows, (2, 3, 4)),
    ]
    for r in results:
        blocks += claim_blocks(r, ext)
    return blocks


def unchecked_blocks(entries: Sequence[Unchecked], ext: str) -> list[doc.Block]:
    """The quantitative sentences no measurement can check, and the lines whose digits state no quantity."""
    blocks: list[doc.Block] = []
    titles = (
        ("Not checkable by measurement", [u for u in entries if u.reason != "not quantitative"]),
        ("Lines with digits that state no quantity", [u for u in entries if u.reason == "not quantitative"]),
    )
    for title, group in titles:
        rows = tuple((source_links(u.source, ext), u.quote, doc.Em(u.translation), u.reason, u.detail) for u in group)
        blocks += [
            doc.Heading(2, title, title.lower().replace(" ", "-")),
            doc.Table(("source", "quote", "translation", "why", "detail"), rows),
        ]
    return blocks


def with_code(text: str) -> doc.Inline:
    """Text whose `backticked` words are code: the policy names the verdicts that way."""
    return tuple(doc.Code(part) if i % 2 else part for i, part in enumerate(text.split("`")) if part)


def document(results: Sequence[ClaimResult], ext: str = "md", title: str = TITLE) -> list[doc.Block]:
    """The whole report page as blocks; ``ext`` is the format its links to the notes' pages use."""
    from . import unchecked

    entries = unchecked()
    blocks: list[doc.Block] = [
        doc.Heading(1, title),
        doc.Para(
            (
                "Generated by ",
                doc.Code(f"archstats claims --format {ext} --out reports/claims.{ext}"),
                "; do not edit by hand. Every figure is measured with archstats on the reference models "
                "(models/); MACs are multiply-accumulates (what papers call FLOPs), parameters are exact counts. "
                "Sources link to the lines of the notes (notes/).",
            )
        ),
        doc.Heading(2, "How claims are judged", "policy"),
        doc.Para(with_code(POLICY)),
        doc.Para(MEMORY_NOTE),
        *summary_blocks(results, entries),
        *corrections_blocks(results, ext),
    ]
    for section, in_section in by_section(results):
        blocks += section_blocks(section, in_section, ext)
    return blocks + unchecked_blocks(entries, ext)


def to_markdown(results: Sequence[ClaimResult], detail: bool = True, *, title: str = TITLE) -> str:
    """The report page as Markdown (always in full, whatever ``detail``)."""
    return doc.markdown(document(results, "md", title))


def to_html(results: Sequence[ClaimResult], detail: bool = True, *, title: str = TITLE) -> str:
    """The report page as one self-contained HTML file (always in full, whatever ``detail``)."""
    from ..report import html_document

    return html_document(title, doc.html_body(document(results, "html", title)))


# --- the notes' own pages -----------------------------------------------------------------------------


def note_document(note: str, ext: str = "md") -> list[doc.Block]:
    """A note's text, one table row per line with an anchor (``#L63``) the claims link to."""
    rows = tuple((str(i), line) for i, line in enumerate(note_lines(note), 1))
    return [
        doc.Heading(1, f"Lecture note {note}"),
        doc.Para(
            (
                "The text of the note as archstats carries it (",
                doc.Code(f"archstats/claims/notes/{note}.txt"),
                "), one row per line; the claims page ",
                doc.Link("cites these lines", f"../claims.{ext}"),
                ".",
            )
        ),
        doc.Table(("line", "text"), rows, (0,), anchors=tuple(f"L{i}" for i in range(1, len(rows) + 1))),
    ]


def note_pages(ext: str) -> dict[str, str]:
    """``{"notes/000.md": text, ...}``: every note's page in ``ext`` ("md" or "html")."""
    from ..report import html_document

    pages = {}
    for note in NOTES:
        blocks = note_document(note, ext)
        text = doc.markdown(blocks) if ext == "md" else html_document(f"Lecture note {note}", doc.html_body(blocks))
        pages[f"notes/{note}.{ext}"] = text
    return pages

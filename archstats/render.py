"""Renderers: pure functions from a Profile (or several, a sweep, the model list) to text or rich tables.

Tables and Markdown use human units (:meth:`archstats.metrics.Metric.format`, that is
:func:`archstats.units.human`); CSV and JSON carry the exact integers. Which function renders which
format of which command is said once, in :mod:`archstats.formats`; a ``*_table`` function returns
what a terminal shows (rich tables and plain lines, in order), printed by the CLI.

Terminal tables are :class:`FittedTable` objects: each column has a stated priority, and at the
console's width (``COLUMNS`` off a terminal) the columns that do not fit are hidden, in that
order, and named in a note; numbers are never wrapped or cut, long names wrap. Lines of prose are
:class:`Prose`, wrapped at the same width. Markdown escapes every name it writes
(:func:`archstats.doc.md_text`): a model or module called ``<script>`` stays text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import compare as cmp
from . import doc
from . import metrics as M
from .doc import Strong, md_text
from .profile import CONVENTIONS, Profile

if TYPE_CHECKING:
    from rich.text import Text

    from .sweep import SweepResult

# --- what a terminal shows: tables that fit its width, and wrapped lines -------------------------------

_GAP = 3  # a FittedTable's columns are 3 cells apart: padding, separator, padding


class FitColumn:
    """A column of a :class:`FittedTable`, hidden at a narrow width in order of ``priority`` (0: never)."""

    def __init__(
        self,
        header: str,
        priority: int = 0,
        justify: str = "left",
        wrap: bool = False,
        min_width: int = 16,
        max_width: int | None = None,
    ):
        self.header, self.priority, self.justify, self.wrap = header, priority, justify, wrap
        # a wrapping column is counted as min_width (at most) when fitting, and wraps when rich gives
        # it less than its longest cell; a text column is cut (with an ellipsis) at max_width
        self.min_width, self.max_width = min_width, max_width


class FittedTable:
    """A rich table that fits the console: columns are kept in order of priority while they fit (a
    column too wide for the space left is hidden and named in a note below the table; a narrower,
    later one may still show), rather than numbers split over lines; ``show_all`` keeps every
    column. ``total`` is a footer row (bold, under a rule), like a sum of the rows. Headers and
    cells are plain text (a ``rich.text.Text`` for style), never rich markup; the title, as in a
    rich ``Table``, is markup when a ``str``: a title holding a name is given as a ``Text``."""

    def __init__(
        self,
        columns: Sequence[FitColumn],
        rows: Sequence[Sequence[Any]],
        *,
        title: str | Text | None = None,
        show_all: bool = False,
        total: Sequence[Any] | None = None,
    ) -> None:
        from rich.text import Text

        def text(cell: Any) -> Text:
            return cell if isinstance(cell, Text) else Text(str(cell))  # plain text, never markup

        self.columns, self.title, self.show_all = list(columns), title, show_all
        self.rows = [[text(c) for c in r] for r in rows]
        self.total = None if total is None else [text(c) for c in total]

    def _natural(self, i: int) -> int:
        col = self.columns[i]
        cells = [*self.rows, self.total] if self.total is not None else self.rows
        longest = max([len(col.header), *(r[i].cell_len for r in cells)])
        if col.wrap:
            return min(col.min_width, longest)
        return min(longest, col.max_width or longest)

    def fit(self, width: int) -> list[int]:
        """The columns kept at ``width`` terminal columns, in their order."""
        if self.show_all:
            return list(range(len(self.columns)))
        keep: list[int] = []
        used = -_GAP  # no gap before the first column
        for i in sorted(range(len(self.columns)), key=lambda i: (self.columns[i].priority, i)):
            need = self._natural(i) + _GAP
            if self.columns[i].priority == 0 or used + need <= width:
                keep.append(i)
                used += need
        return sorted(keep)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        keep = self.fit(options.max_width)
        footer = self.total is not None
        table = Table(
            title=self.title,
            header_style="bold",
            footer_style="bold",
            show_footer=footer,
            box=box.SIMPLE,  # a rule under the header, and above the footer when there is one
            show_edge=False,
            pad_edge=False,
        )
        for i in keep:
            col = self.columns[i]
            table.add_column(
                Text(col.header),
                footer=self.total[i] if self.total is not None else "",
                justify=col.justify,  # type: ignore[arg-type]
                no_wrap=not col.wrap,
                overflow="fold" if col.wrap else "ellipsis",
                min_width=self._natural(i) if col.wrap else None,  # the width fit() counted
                max_width=None if col.wrap else col.max_width,
            )
        for r in self.rows:
            table.add_row(*(r[i] for i in keep))
        yield table
        hidden = [self.columns[i].header for i in range(len(self.columns)) if i not in keep]
        if hidden:
            note = f"{', '.join(hidden)} hidden to fit {options.max_width} columns; --wide shows every column"
            yield Prose(note, style="dim")


def _plain(text: str) -> Text:
    """A title as plain text: a model named ``[bold]x`` keeps its brackets."""
    from rich.text import Text

    return Text(text)


class Prose:
    """A line of text wrapped at the console's width, continuation lines indented by ``indent``
    (default: the line's own indent plus 2). It wraps whatever the print call's soft-wrap setting,
    so a pipe's output stays within ``COLUMNS`` too; words longer than a line are folded."""

    def __init__(self, text: str, indent: int | None = None, style: str = "") -> None:
        self.text, self.style = text.replace("\n", " ").replace("\t", " "), style  # one line, as wrapped
        self.indent = len(self.text) - len(self.text.lstrip(" ")) + 2 if indent is None else indent

    def __str__(self) -> str:
        return self.text

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        width = max(options.max_width, 1)
        first = Text(self.text, style=self.style).wrap(console, width, overflow="fold")[0]
        yield Text(first.plain.rstrip(), style=self.style)
        rest = self.text[len(first.plain) :].lstrip(" ")
        indent = self.indent if self.indent < width // 2 else 0  # a narrow console: no room to indent
        if rest:
            for line in Text(rest, style=self.style).wrap(console, width - indent, overflow="fold"):
                yield Text(" " * indent + line.plain.rstrip(), style=self.style)


# the per-layer table: text columns (header, column of the layers frame), then the numbers; a
# layer's activation_bytes is the size of its own output
_TEXT_COLUMNS = (("Layer", "module"), ("Type", "type"), ("Output", "output_shape"))
_NUMBER_COLUMNS: tuple[tuple[str, M.Metric], ...] = (
    (M.PARAMS.label, M.PARAMS),
    (M.MACS.label, M.MACS),
    (M.FLOPS.label, M.FLOPS),
    ("Act. mem", M.ACTIVATION_BYTES),
    (M.TRAFFIC.label, M.TRAFFIC),
)
INTENSITY = "FLOP/B"  # arithmetic intensity: FLOPs per byte of memory traffic


def _number_columns(p: Profile) -> tuple[tuple[str, M.Metric], ...]:
    """The per-layer table's figures: with a backward pass, its MACs and the step's after FLOPs."""
    if not p.backward:
        return _NUMBER_COLUMNS
    step = ((M.BACKWARD_MACS.label, M.BACKWARD_MACS), (M.STEP_MACS.label, M.STEP_MACS))
    return (*_NUMBER_COLUMNS[:3], *step, *_NUMBER_COLUMNS[3:])


def intensity_text(value: float) -> str:
    return "" if value != value else f"{value:.3g}"  # NaN: no byte moved


def _rf_cell(row: Any, axes: Sequence[str]) -> str:
    status = row.get("rf_status")
    if status is None:
        return ""
    if status in ("global", "unknown", "none"):
        return {"global": "global", "unknown": "?", "none": ""}[status]
    size = "x".join(str(row[f"rf_size_{a}"]) for a in axes)
    return size + ("*" if status == "misaligned" else "")


def layer_cells(p: Profile, depth: int = 0) -> tuple[list[str], list[list[str]], list[str]]:
    """Headers, formatted rows and a totals row for the per-layer table."""
    from .profile import axis_names

    frame = p.aggregate(depth)
    axes = axis_names(p.n_spatial)
    last = [M.RF.label, M.DEPTH.label] if depth == 0 else [M.DEPTH.label]
    numbers = _number_columns(p)
    headers = [h for h, _ in _TEXT_COLUMNS] + [h for h, _ in numbers] + [INTENSITY] + last
    rows = []
    for rec in frame.to_dict("records"):
        rec["traffic_bytes"] = rec["read_bytes"] + rec["written_bytes"]
        cells = [str(rec[col]) for _, col in _TEXT_COLUMNS] + [m.format(rec[m.name]) for _, m in numbers]
        cells.append(intensity_text(rec["flops_per_byte"]))
        if depth == 0:
            cells.append(_rf_cell(rec, axes))
        cells.append(str(rec["depth"]))
        if rec.get("uncounted"):
            cells[1] += f" [uncounted: {rec['uncounted']}]"
        rows.append(cells)
    t = p.totals
    total = ["Total", "", ""] + [m.format(getattr(t, m.name)) for _, m in numbers]
    total += [intensity_text(t.flops_per_byte)] + ([human_rf(p)] if depth == 0 else []) + [str(t.depth)]
    return headers, rows, total


def human_rf(p: Profile) -> str:
    return "x".join(str(s) for s in p.totals.rf_size) or "-"


def _uncounted(p: Profile) -> str:
    if not p.uncounted:
        return ""
    return f" (uncounted ops: {', '.join(f'{op} x{k}' for op, k in sorted(p.uncounted.items()))})"


def input_text(inputs: Sequence[str], batch_size: int, input_size: Sequence[int]) -> str:
    """The input as the user gave it: one image's shape with its batch, or every spec."""
    if len(inputs) <= 1 and not any(":" in s or "=" in s for s in inputs):
        return "x".join(str(d) for d in (batch_size, *input_size))
    return f"batch {batch_size} of " + ", ".join(inputs)


def _backward_lines(p: Profile) -> list[str]:
    """The backward pass and the training step, when they were counted."""
    t = p.totals
    if t.backward_macs is None or t.backward_flops is None or t.step_macs is None or t.step_flops is None:
        return []
    ratio = f" ({t.backward_macs / t.macs:.2f}x the forward's MACs)" if t.macs else ""
    return [
        f"backward pass: MACs {M.MACS.format(t.backward_macs)} ({t.backward_macs:,}){ratio}, "
        f"FLOPs {M.FLOPS.format(t.backward_flops)} ({t.backward_flops:,})",
        f"training step (forward + backward): MACs {M.MACS.format(t.step_macs)} ({t.step_macs:,}), "
        f"FLOPs {M.FLOPS.format(t.step_flops)} ({t.step_flops:,})",
        f"training step memory: peak {M.STEP_PEAK_BYTES.format(t.step_peak_bytes)} at {t.step_peak_layer} "
        "(activations and gradients, weight gradients included; not the weights or an optimizer's state)",
    ]


def summary_lines(p: Profile) -> list[str]:
    t = p.totals
    shape = input_text(p.inputs, p.batch_size, p.input_size)
    saved = f", saved for backward {M.SAVED_BYTES.format(t.saved_bytes)}" if t.saved_bytes is not None else ""
    return [
        f"{p.name}: input {shape} {p.dtype}, {'training' if p.training else 'eval'} mode, device {p.device}",
        f"params {M.PARAMS.format(t.params)} ({t.params:,}), MACs {M.MACS.format(t.macs)} ({t.macs:,}), "
        f"FLOPs {M.FLOPS.format(t.flops)} ({t.flops:,})",
        f"activation memory: peak {M.PEAK_BYTES.format(t.peak_bytes)} at {t.peak_layer}, "
        f"total allocated {M.ACTIVATION_BYTES.format(t.activation_bytes)}{saved}",
        f"memory traffic: read {M.TRAFFIC.format(t.read_bytes)} ({t.read_bytes:,} B), written "
        f"{M.TRAFFIC.format(t.written_bytes)} ({t.written_bytes:,} B); {intensity_text(t.flops_per_byte)} FLOPs "
        "per byte",
        *_backward_lines(p),
        f"receptive field {human_rf(p)} (at {t.rf_layer or '-'}), depth {t.depth} weight layers",
        f"convention {p.convention}: {CONVENTIONS[p.convention]}",
        f"status: {p.status}{_uncounted(p)}",
        *(f"note: {note}" for note in p.notes),
        *(f"data-dependent: {layer} ran {', '.join(ops)}" for layer, ops in p.data_dependent.items()),
    ]


# --- the table builders ----------------------------------------------------------------------------


def rich_table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], left: int, total: Sequence[str] | None = None
) -> Any:
    """A rich table: the first ``left`` columns are text, the rest right-aligned numbers.

    Cells are plain text, never rich markup (a label like ``[budgets.x]`` is shown as written).
    A table that must fit 80 columns is a :class:`FittedTable`.
    """
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, header_style="bold")
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i < left else "right", no_wrap=i == 0)
    for cells in rows:
        table.add_row(*(Text(str(c)) for c in cells))
    if total is not None:
        table.add_section()
        table.add_row(*(Text(str(c)) for c in total), style="bold")
    return table


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], left: int = 3) -> str:
    """A GitHub-flavoured table; the first ``left`` columns are text, the rest right-aligned numbers.

    Every cell is text and is escaped (:func:`archstats.doc.md_text`: HTML, emphasis and link
    characters, pipes), so a model or module named ``<script>`` or ``a|b`` stays one cell of text;
    a cell that is meant as markup is a :mod:`archstats.doc` inline (``Link``, ``Strong``...),
    whose text is escaped the same way.
    """

    table = doc.Table(tuple(headers), tuple(tuple(r) for r in rows), numeric=tuple(range(left, len(headers))))
    return doc.markdown([table]).rstrip("\n")


def csv_text(rows: Any, columns: Sequence[str] | None = None) -> str:
    """Records or a DataFrame as CSV: exact values, a header row, one line each."""
    import pandas as pd

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=columns)
    return frame.to_csv(index=False, lineterminator="\n")


def _json(data: Any) -> str:
    return json.dumps(data, indent=2)


# --- one profile ----------------------------------------------------------------------------------


# The per-layer table's columns, by header, with their priority at a narrow width: Layer, Params
# and MACs always show; then Output, Type, Act. mem, FLOPs, RF, Depth, Traffic and FLOP/B, in that
# order, while they fit (FLOPs mostly restate MACs; RF, depth and traffic are in the summary
# lines). Layer paths and types wrap rather than being cut (a type carries its "[uncounted: ...]"
# note); every other cell is a number or a shape and stays on one line.
_LAYER_COLUMNS = {
    "Layer": FitColumn("Layer", 0, wrap=True, min_width=40),
    "Type": FitColumn("Type", 2, wrap=True, min_width=20),
    "Output": FitColumn("Output", 1),
    M.PARAMS.label: FitColumn(M.PARAMS.label, 0, "right"),
    M.MACS.label: FitColumn(M.MACS.label, 0, "right"),
    M.FLOPS.label: FitColumn(M.FLOPS.label, 4, "right"),
    "Act. mem": FitColumn("Act. mem", 3, "right"),
    M.RF.label: FitColumn(M.RF.label, 5, "right"),
    M.DEPTH.label: FitColumn(M.DEPTH.label, 6, "right"),
    M.TRAFFIC.label: FitColumn(M.TRAFFIC.label, 7, "right"),
    INTENSITY: FitColumn(INTENSITY, 8, "right"),
    M.BACKWARD_MACS.label: FitColumn(M.BACKWARD_MACS.label, 3, "right"),
    M.STEP_MACS.label: FitColumn(M.STEP_MACS.label, 4, "right"),
}


def profile_fitted(p: Profile, depth: int = 0) -> FittedTable:
    """The per-layer table, fitted to the terminal (columns by :data:`_LAYER_COLUMNS`)."""
    headers, rows, total = layer_cells(p, depth)
    columns = [_LAYER_COLUMNS[h] for h in headers]
    return FittedTable(columns, rows, title=_plain(f"{p.name} per layer"), total=total)


def profile_table(p: Profile, depth: int = 0) -> list[Any]:
    """The terminal view: the per-layer table, then the summary lines."""
    return [profile_fitted(p, depth), *(Prose(line) for line in summary_lines(p))]


def profile_markdown(p: Profile, depth: int = 0) -> str:
    headers, rows, total = layer_cells(p, depth)
    bullet = "\n".join(f"- {md_text(line)}" for line in summary_lines(p))
    bold_total = [Strong(c) for c in total]  # an empty cell stays empty
    return f"## {md_text(p.name)}\n\n{bullet}\n\n{markdown_table(headers, [*rows, bold_total])}\n"


def profile_csv(p: Profile, depth: int = 0) -> str:
    return csv_text(p.aggregate(depth))


def _jsonable(frame: Any) -> list[dict[str, Any]]:
    # NaN is not JSON: a field that does not exist (global receptive field) is null
    return json.loads(frame.to_json(orient="records"))


def profile_dict(p: Profile, depth: int = 0) -> dict[str, Any]:
    totals = p.totals.as_dict()
    totals["rf_size"] = list(totals["rf_size"])
    return {
        "model": p.name,
        "input_size": list(p.input_size),
        "batch_size": p.batch_size,
        "dtype": p.dtype,
        "device": p.device,
        "training": p.training,
        "backward": p.backward,
        "convention": p.convention,
        "status": p.status,
        "uncounted": p.uncounted,
        "inputs": list(p.inputs),
        "notes": list(p.notes),
        "data_dependent": p.data_dependent,
        "totals": totals,
        "layers": _jsonable(p.aggregate(depth)),
    }


def profile_json(p: Profile, depth: int = 0) -> str:
    return _json(profile_dict(p, depth))


# --- comparison -----------------------------------------------------------------------------------

_COMPARE_EXTRA = (("rf", f"Final {M.RF.label}"), ("depth", M.DEPTH.label), ("status", "Status"))


def compare_cells(profiles: Sequence[Profile]) -> tuple[list[str], list[list[str]]]:
    """Models side by side: one row per metric, one column per model."""
    table = [cmp.row(p) for p in profiles]
    headers = ["Metric"] + [r["model"] for r in table]
    rows = [["Input"] + [r["input"] for r in table]]
    rows += [[m.label] + [m.format(r[m.name]) for r in table] for m in cmp.metrics(profiles)]
    rows += [[label] + [str(r[key]) for r in table] for key, label in _COMPARE_EXTRA]
    return headers, rows


# The terminal comparison has one row per model (so six models fit 80 columns as well as two, names
# and inputs whole) and one column per figure, kept in this order while they fit: Model, Params and
# MACs always; then Input, FLOPs, peak memory, total memory, final RF, size (4 bytes a parameter)
# and depth. Status shows early when a model is partial, last when every model is complete.
_COMPARE_PRIORITY = {
    M.FLOPS.name: 2,
    M.PEAK_BYTES.name: 3,
    M.ACTIVATION_BYTES.name: 4,
    cmp.MODEL_BYTES_FP32.name: 6,
    M.TRAFFIC.name: 9,
    # asked for with --backward: the step's and the backward's MACs come before memory
    M.STEP_MACS.name: 1,
    M.BACKWARD_MACS.name: 2,
    M.STEP_FLOPS.name: 10,
    M.BACKWARD_FLOPS.name: 11,
    M.STEP_PEAK_BYTES.name: 3,
}


def compare_fitted(profiles: Sequence[Profile]) -> FittedTable:
    """The comparison for a terminal: one row per model (Markdown and HTML keep a column per model)."""
    table = [cmp.row(p) for p in profiles]
    partial = any(r["status"] != "complete" for r in table)
    columns = [FitColumn("Model", 0, wrap=True, min_width=40), FitColumn("Input", 1)]
    shown = cmp.metrics(profiles)
    columns += [FitColumn(m.label, _COMPARE_PRIORITY.get(m.name, 0), "right") for m in shown]
    columns += [
        FitColumn(f"Final {M.RF.label}", 5, "right"),
        FitColumn(M.DEPTH.label, 7, "right"),
        FitColumn("Status", 2 if partial else 8),
    ]
    rows = [
        [r["model"], r["input"], *(m.format(r[m.name]) for m in shown), r["rf"], str(r["depth"]), r["status"]]
        for r in table
    ]
    return FittedTable(columns, rows, title="comparison")


def _convention(profiles: Sequence[Profile]) -> str:
    conv = profiles[0].convention
    return f"{conv}: {CONVENTIONS[conv]}"


def compare_table(profiles: Sequence[Profile]) -> list[Any]:
    """The terminal view: the table, a ratio sentence per metric, the convention."""
    return [
        compare_fitted(profiles),
        *(Prose(r.sentence()) for r in cmp.ratios(profiles)),
        Prose(f"convention {_convention(profiles)}"),
    ]


def compare_markdown(profiles: Sequence[Profile]) -> str:
    headers, rows = compare_cells(profiles)
    sentences = "\n".join(f"- {md_text(r.sentence())}" for r in cmp.ratios(profiles))
    convention = md_text(f"Convention {_convention(profiles)}")
    return f"{markdown_table(headers, rows, left=1)}\n\n{sentences}\n\n{convention}\n"


def compare_dicts(profiles: Sequence[Profile]) -> dict[str, Any]:
    return {
        "convention": profiles[0].convention,
        "models": [cmp.row(p) for p in profiles],
        "ratios": [
            {"model": r.model, "base": r.base, "metric": r.metric, "factor": r.factor, "direction": r.direction}
            for r in cmp.ratios(profiles)
        ],
    }


def compare_csv(profiles: Sequence[Profile]) -> str:
    return csv_text([cmp.row(p) for p in profiles])


def compare_json(profiles: Sequence[Profile]) -> str:
    return _json(compare_dicts(profiles))


# --- the model list -------------------------------------------------------------------------------

# The terminal shows these columns; name always, then aliases (wrapping between aliases, never
# inside one), input size, year and family (mostly the name's own prefix), while they fit.
_LIST_BRIEF = {
    "name": FitColumn("name", 0),
    "family": FitColumn("family", 4),
    "year": FitColumn("year", 3, "right"),
    "input_size": FitColumn("input_size", 2),
    "aliases": FitColumn("aliases", 1, wrap=True, min_width=20),
}


def model_rows(infos: Sequence[Any]) -> list[dict[str, Any]]:
    """One record per registered model (``archstats_models.ModelInfo``), as ``archstats list`` shows it."""
    return [
        {
            "name": i.name,
            "family": i.family,
            "year": i.year,
            "input_size": "x".join(str(d) for d in i.input_size),
            "aliases": ",".join(i.aliases),
            "paper": i.paper,
            "arxiv": i.arxiv or "",
        }
        for i in infos
    ]


def _list_headers(rows: Sequence[dict[str, Any]]) -> list[str]:
    return list(rows[0]) if rows else ["name"]


def list_table(rows: Sequence[dict[str, Any]]) -> list[Any]:
    # a space after each comma lets a long alias list wrap between aliases
    cells = [[str(r[h]).replace(",", ", ") if h == "aliases" else str(r[h]) for h in _LIST_BRIEF] for r in rows]
    return [FittedTable(list(_LIST_BRIEF.values()), cells, title=_plain(f"{len(rows)} registered models"))]


def list_csv(rows: Sequence[dict[str, Any]]) -> str:
    return csv_text(list(rows), _list_headers(rows))


def list_json(rows: Sequence[dict[str, Any]]) -> str:
    return _json(list(rows))


def list_markdown(rows: Sequence[dict[str, Any]]) -> str:
    headers = _list_headers(rows)
    return markdown_table(headers, [[str(r[h]) for h in headers] for r in rows])


# --- a sweep --------------------------------------------------------------------------------------


def sweep_cells(result: SweepResult) -> tuple[list[str], list[list[str]], int]:
    """Headers, human-unit rows and the number of text columns of a sweep's table."""
    varied_model = len({r["model"] for r in result.rows}) > 1 and result.parameter in ("phi", "cardinality")
    show_batch = result.parameter != "batch"  # a batch sweep's value already is the batch
    first = {"input": "resolution"}.get(result.parameter, result.parameter)
    headers = [first] + (["model"] if varied_model else []) + ["input"] + (["batch"] if show_batch else [])
    headers += [m.short for m in M.COST]
    cells = []
    for r in result.rows:
        line = [str(r["value"])] + ([r["model"]] if varied_model else []) + [r["input"]]
        line += [str(r["batch"])] if show_batch else []
        cells.append(line + [m.format(r[m.name]) for m in M.COST])
    return headers, cells, 2 if varied_model else 0


# A sweep's columns in the order they are kept at a narrow width: the swept value, the model it
# names (phi, cardinality), params and MACs always; then input, peak memory, FLOPs, total memory and
# batch (one value for the whole sweep unless batch is the knob, and then it is the first column).
_SWEEP_PRIORITY = {"input": 1, M.PEAK_BYTES.short: 2, M.FLOPS.short: 3, M.ACTIVATION_BYTES.short: 4, "batch": 5}


def sweep_table(result: SweepResult) -> list[Any]:
    headers, cells, left = sweep_cells(result)
    columns = [
        FitColumn(h, _SWEEP_PRIORITY.get(h, 0) if i else 0, "left" if i < left else "right")
        for i, h in enumerate(headers)
    ]
    return [FittedTable(columns, cells, title=_plain(f"{result.model}: sweep of {result.parameter}"))]


def sweep_markdown(result: SweepResult) -> str:
    headers, cells, left = sweep_cells(result)
    return markdown_table(headers, cells, left=left)


def sweep_csv(result: SweepResult) -> str:
    frame = result.frame()
    frame.insert(0, "parameter", result.parameter)
    return csv_text(frame)


def sweep_json(result: SweepResult) -> str:
    from .sweep import ROW_KEYS

    rows = [{k: r[k] for k in ROW_KEYS} for r in result.rows]
    return _json({"model": result.model, "parameter": result.parameter, "rows": rows})

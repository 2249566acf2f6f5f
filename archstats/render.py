"""Renderers: pure functions from a Profile (or several, a sweep, the model list) to text or rich tables.

Tables and Markdown use human units (:meth:`archstats.metrics.Metric.format`, that is
:func:`archstats.units.human`); CSV and JSON carry the exact integers. Which function renders which
format of which command is said once, in :mod:`archstats.formats`; a ``*_table`` function returns
what a terminal shows (rich tables and plain lines, in order), printed by the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import compare as cmp
from . import metrics as M
from .profile import CONVENTIONS, Profile

if TYPE_CHECKING:
    from .sweep import SweepResult

# the per-layer table: text columns (header, column of the layers frame), then the numbers; a
# layer's activation_bytes is the size of its own output
_TEXT_COLUMNS = (("Layer", "module"), ("Type", "type"), ("Output", "output_shape"))
_NUMBER_COLUMNS: tuple[tuple[str, M.Metric], ...] = (
    (M.PARAMS.label, M.PARAMS),
    (M.MACS.label, M.MACS),
    (M.FLOPS.label, M.FLOPS),
    ("Act. mem", M.ACTIVATION_BYTES),
)


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
    headers = [h for h, _ in _TEXT_COLUMNS] + [h for h, _ in _NUMBER_COLUMNS] + last
    rows = []
    for rec in frame.to_dict("records"):
        cells = [str(rec[col]) for _, col in _TEXT_COLUMNS] + [m.format(rec[m.name]) for _, m in _NUMBER_COLUMNS]
        if depth == 0:
            cells.append(_rf_cell(rec, axes))
        cells.append(str(rec["depth"]))
        if rec.get("uncounted"):
            cells[1] += f" [uncounted: {rec['uncounted']}]"
        rows.append(cells)
    t = p.totals
    total = ["Total", "", ""] + [m.format(getattr(t, m.name)) for _, m in _NUMBER_COLUMNS]
    total += ([human_rf(p)] if depth == 0 else []) + [str(t.depth)]
    return headers, rows, total


def human_rf(p: Profile) -> str:
    return "x".join(str(s) for s in p.totals.rf_size) or "-"


def _uncounted(p: Profile) -> str:
    if not p.uncounted:
        return ""
    return f" (uncounted ops: {', '.join(f'{op} x{k}' for op, k in sorted(p.uncounted.items()))})"


def _input_text(p: Profile) -> str:
    """The input as the user gave it: one image's shape with its batch, or every spec."""
    if len(p.inputs) <= 1 and not any(":" in s or "=" in s for s in p.inputs):
        return "x".join(str(d) for d in (p.batch_size, *p.input_size))
    return f"batch {p.batch_size} of " + ", ".join(p.inputs)


def summary_lines(p: Profile) -> list[str]:
    t = p.totals
    shape = _input_text(p)
    saved = f", saved for backward {M.SAVED_BYTES.format(t.saved_bytes)}" if t.saved_bytes is not None else ""
    return [
        f"{p.name}: input {shape} {p.dtype}, {'training' if p.training else 'eval'} mode, device {p.device}",
        f"params {M.PARAMS.format(t.params)} ({t.params:,}), MACs {M.MACS.format(t.macs)} ({t.macs:,}), "
        f"FLOPs {M.FLOPS.format(t.flops)} ({t.flops:,})",
        f"activation memory: peak {M.PEAK_BYTES.format(t.peak_bytes)} at {t.peak_layer}, "
        f"total allocated {M.ACTIVATION_BYTES.format(t.activation_bytes)}{saved}",
        f"receptive field {human_rf(p)} (at {t.rf_layer or '-'}), depth {t.depth} weight layers",
        f"convention {p.convention}: {CONVENTIONS[p.convention]}",
        f"status: {p.status}{_uncounted(p)}",
        *(f"note: {note}" for note in p.notes),
        *(f"data-dependent: {layer} ran {', '.join(ops)}" for layer, ops in p.data_dependent.items()),
    ]


# --- the two table builders -----------------------------------------------------------------------


def rich_table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], left: int, total: Sequence[str] | None = None
) -> Any:
    """A rich table: the first ``left`` columns are text, the rest right-aligned numbers."""
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i < left else "right", no_wrap=i == 0)
    for cells in rows:
        table.add_row(*cells)
    if total is not None:
        table.add_section()
        table.add_row(*total, style="bold")
    return table


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 3) -> str:
    """A GitHub-flavoured table; the first ``left`` columns are text, the rest right-aligned numbers."""

    def esc(cell: str) -> str:
        return str(cell).replace("|", "\\|")

    align = ["---" if i < left else "---:" for i in range(len(headers))]
    lines = ["| " + " | ".join(esc(h) for h in headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def csv_text(rows: Any, columns: Sequence[str] | None = None) -> str:
    """Records or a DataFrame as CSV: exact values, a header row, one line each."""
    import pandas as pd

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=columns)
    return frame.to_csv(index=False, lineterminator="\n")


def _json(data: Any) -> str:
    return json.dumps(data, indent=2)


# --- one profile ----------------------------------------------------------------------------------


def profile_rich(p: Profile, depth: int = 0) -> Any:
    headers, rows, total = layer_cells(p, depth)
    return rich_table(f"{p.name} per layer", headers, rows, left=3, total=total)


def profile_table(p: Profile, depth: int = 0) -> list[Any]:
    """The terminal view: the per-layer table, then the summary lines."""
    return [profile_rich(p, depth), *summary_lines(p)]


def profile_markdown(p: Profile, depth: int = 0) -> str:
    headers, rows, total = layer_cells(p, depth)
    bullet = "\n".join(f"- {line}" for line in summary_lines(p))
    bold_total = [f"**{c}**" if c else "" for c in total]
    return f"## {p.name}\n\n{bullet}\n\n{markdown_table(headers, rows + [bold_total])}\n"


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
    rows += [[m.label] + [m.format(r[m.name]) for r in table] for m in cmp.METRICS]
    rows += [[label] + [str(r[key]) for r in table] for key, label in _COMPARE_EXTRA]
    return headers, rows


def compare_rich(profiles: Sequence[Profile]) -> Any:
    headers, rows = compare_cells(profiles)
    return rich_table("comparison", headers, rows, left=1)


def _convention(profiles: Sequence[Profile]) -> str:
    conv = profiles[0].convention
    return f"{conv}: {CONVENTIONS[conv]}"


def compare_table(profiles: Sequence[Profile]) -> list[Any]:
    """The terminal view: the table, a ratio sentence per metric, the convention."""
    return [
        compare_rich(profiles),
        *(r.sentence() for r in cmp.ratios(profiles)),
        f"convention {_convention(profiles)}",
    ]


def compare_markdown(profiles: Sequence[Profile]) -> str:
    headers, rows = compare_cells(profiles)
    sentences = "\n".join(f"- {r.sentence()}" for r in cmp.ratios(profiles))
    return f"{markdown_table(headers, rows, left=1)}\n\n{sentences}\n\nConvention {_convention(profiles)}\n"


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

_LIST_BRIEF = ["name", "family", "year", "input_size", "aliases"]  # the terminal shows these columns


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
    cells = [[str(r[h]) for h in _LIST_BRIEF] for r in rows]
    return [rich_table(f"{len(rows)} registered models", _LIST_BRIEF, cells, left=len(_LIST_BRIEF))]


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


def sweep_table(result: SweepResult) -> list[Any]:
    headers, cells, left = sweep_cells(result)
    return [rich_table(f"{result.model}: sweep of {result.parameter}", headers, cells, left=left)]


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


# --- tables that fit the terminal ------------------------------------------------------------------


class FitColumn:
    """A column of a :class:`FittedTable`: dropped in order of ``priority`` (0: never) when too wide."""

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
        # a wrapping column takes at least min_width; a text column is cut (with an ellipsis) at max_width
        self.min_width, self.max_width = min_width, max_width


class FittedTable:
    """A rich table that fits the console: the lowest-priority columns are dropped (and named in a
    note below the table) rather than numbers split over lines; ``show_all`` keeps every column."""

    def __init__(
        self,
        columns: Sequence[FitColumn],
        rows: Sequence[Sequence[Any]],
        *,
        title: str | None = None,
        show_all: bool = False,
    ) -> None:
        from rich.text import Text

        self.columns, self.title, self.show_all = list(columns), title, show_all
        self.rows = [[c if isinstance(c, Text) else Text(str(c)) for c in r] for r in rows]

    def _natural(self, i: int) -> int:
        col = self.columns[i]
        longest = max([len(col.header), *(r[i].cell_len for r in self.rows)])
        if col.wrap:
            return min(col.min_width, longest)
        return min(longest, col.max_width or longest)

    def fit(self, width: int) -> list[int]:
        """The columns kept at ``width`` terminal columns, in their order (3 columns between two)."""
        keep = list(range(len(self.columns)))
        while not self.show_all and sum(self._natural(i) for i in keep) + 3 * (len(keep) - 1) > width:
            droppable = [i for i in keep if self.columns[i].priority > 0]
            if not droppable:
                break
            keep.remove(max(droppable, key=lambda i: (self.columns[i].priority, i)))
        return keep

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        keep = self.fit(options.max_width)
        table = Table(title=self.title, header_style="bold", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for i in keep:
            col = self.columns[i]
            table.add_column(
                col.header,
                justify=col.justify,  # type: ignore[arg-type]
                no_wrap=not col.wrap,
                overflow="fold" if col.wrap else "ellipsis",
                min_width=col.min_width if col.wrap else None,
                max_width=None if col.wrap else col.max_width,
            )
        for r in self.rows:
            table.add_row(*(r[i] for i in keep))
        yield table
        hidden = [self.columns[i].header for i in range(len(self.columns)) if i not in keep]
        if hidden:
            yield Text(
                f"{', '.join(hidden)} hidden to fit {options.max_width} columns; --wide shows every column", style="dim"
            )

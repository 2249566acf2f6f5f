"""Renderers: pure functions from a Profile (or several) to text or rich tables.

Tables and Markdown use human units from :func:`archstats.units.human`; CSV and JSON carry
the exact integers.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Sequence

from . import compare as cmp
from .profile import CONVENTIONS, Profile
from .units import human

# (header, column of the (possibly rolled-up) layers frame, formatter)
_LAYER_COLUMNS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("Layer", "module", str),
    ("Type", "type", str),
    ("Output", "output_shape", str),
    ("Params", "params", lambda v: human(v, "count")),
    ("MACs", "macs", lambda v: human(v, "macs")),
    ("FLOPs", "flops", lambda v: human(v, "flops")),
    ("Act. mem", "activation_bytes", lambda v: human(v, "bytes")),
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
    headers = [h for h, _, _ in _LAYER_COLUMNS] + (["RF", "Depth"] if depth == 0 else ["Depth"])
    rows = []
    for rec in frame.to_dict("records"):
        cells = [fmt(rec[col]) for _, col, fmt in _LAYER_COLUMNS]
        if depth == 0:
            cells.append(_rf_cell(rec, axes))
        cells.append(str(rec["depth"]))
        if rec.get("uncounted"):
            cells[1] += f" [uncounted: {rec['uncounted']}]"
        rows.append(cells)
    t = p.totals
    total = ["Total", "", "", human(t.params), human(t.macs, "macs"), human(t.flops, "flops"), human(t.activation_bytes, "bytes")]
    total += ([human_rf(p)] if depth == 0 else []) + [str(t.depth)]
    return headers, rows, total


def human_rf(p: Profile) -> str:
    return "x".join(str(s) for s in p.totals.rf_size) or "-"


def summary_lines(p: Profile) -> list[str]:
    t = p.totals
    shape = "x".join(str(d) for d in (p.batch_size, *p.input_size))
    lines = [
        f"{p.name}: input {shape} {p.dtype}, {'training' if p.training else 'eval'} mode, device {p.device}",
        f"params {human(t.params)} ({t.params:,}), MACs {human(t.macs, 'macs')} ({t.macs:,}), "
        f"FLOPs {human(t.flops, 'flops')} ({t.flops:,})",
        f"activation memory: peak {human(t.peak_bytes, 'bytes')} at {t.peak_layer}, "
        f"total allocated {human(t.activation_bytes, 'bytes')}"
        + (f", saved for backward {human(t.saved_bytes, 'bytes')}" if t.saved_bytes is not None else ""),
        f"receptive field {human_rf(p)} (at {t.rf_layer or '-'}), depth {t.depth} weight layers",
        f"convention {p.convention}: {CONVENTIONS[p.convention]}",
        f"status: {p.status}"
        + (f" (uncounted ops: {', '.join(f'{op} x{k}' for op, k in sorted(p.uncounted.items()))})" if p.uncounted else ""),
    ]
    return lines


def rich_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], left: int, total: Sequence[str] | None = None) -> Any:
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


def profile_rich(p: Profile, depth: int = 0) -> Any:
    headers, rows, total = layer_cells(p, depth)
    return rich_table(f"{p.name} per layer", headers, rows, left=3, total=total)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 3) -> str:
    """A GitHub-flavoured table; the first ``left`` columns are text, the rest right-aligned numbers."""
    def esc(cell: str) -> str:
        return str(cell).replace("|", "\\|")

    align = ["---" if i < left else "---:" for i in range(len(headers))]
    lines = ["| " + " | ".join(esc(h) for h in headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def profile_markdown(p: Profile, depth: int = 0) -> str:
    headers, rows, total = layer_cells(p, depth)
    bullet = "\n".join(f"- {line}" for line in summary_lines(p))
    bold_total = [f"**{c}**" if c else "" for c in total]
    return f"## {p.name}\n\n{bullet}\n\n{markdown_table(headers, rows + [bold_total])}\n"


def profile_csv(p: Profile, depth: int = 0) -> str:
    return p.aggregate(depth).to_csv(index=False, lineterminator="\n")


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
        "totals": totals,
        "layers": _jsonable(p.aggregate(depth)),
    }


def profile_json(p: Profile, depth: int = 0) -> str:
    return json.dumps(profile_dict(p, depth), indent=2)


# --- comparison ---------------------------------------------------------------------------------

_COMPARE_EXTRA = (("rf", "Final RF"), ("depth", "Depth"), ("status", "Status"))


def compare_cells(profiles: Sequence[Profile]) -> tuple[list[str], list[list[str]]]:
    """Models side by side: one row per metric, one column per model."""
    table = [cmp.row(p) for p in profiles]
    headers = ["Metric"] + [r["model"] for r in table]
    rows = [["Input"] + [r["input"] for r in table]]
    rows += [[label] + [human(r[key], kind) for r in table] for key, label, kind, _ in cmp.METRICS]
    rows += [[label] + [str(r[key]) for r in table] for key, label in _COMPARE_EXTRA]
    return headers, rows


def compare_rich(profiles: Sequence[Profile]) -> Any:
    headers, rows = compare_cells(profiles)
    return rich_table("comparison", headers, rows, left=1)


def compare_markdown(profiles: Sequence[Profile]) -> str:
    headers, rows = compare_cells(profiles)
    sentences = "\n".join(f"- {r.sentence()}" for r in cmp.ratios(profiles))
    conv = profiles[0].convention
    return f"{markdown_table(headers, rows, left=1)}\n\n{sentences}\n\nConvention {conv}: {CONVENTIONS[conv]}\n"


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
    import pandas as pd

    return pd.DataFrame([cmp.row(p) for p in profiles]).to_csv(index=False, lineterminator="\n")


def compare_json(profiles: Sequence[Profile]) -> str:
    return json.dumps(compare_dicts(profiles), indent=2)

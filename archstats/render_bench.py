"""Renderers of ``archstats bench``: pure functions of a :class:`~archstats.bench.BenchResult`.

The table and Markdown views use human units (:func:`archstats.units.human`, ``human_time``,
``human_rate``); CSV (one row per module call) and JSON (everything, samples of the whole-model
series included) carry exact values in seconds, FLOPs, bytes and FLOP/s.
"""

from __future__ import annotations

import json
from typing import Any

from . import metrics as M
from .bench import BenchResult, LayerTiming
from .doc import Strong, md_text
from .profile import _intensity
from .render import INTENSITY, FitColumn, FittedTable, Prose, csv_text, input_text, intensity_text, markdown_table
from .units import human, human_rate, human_time

# The per-layer columns, with their priority at a narrow width: layer, time and share always show;
# then achieved FLOP/s, FLOPs, type, the bound, family, traffic and intensity, while they fit.
_COLUMNS = (
    FitColumn("Layer", 0, wrap=True, min_width=32),
    FitColumn("Type", 4, max_width=24),  # one line: a class name cut with an ellipsis past 24
    FitColumn("Family", 6),
    FitColumn(M.FLOPS.label, 3, "right"),
    FitColumn(M.TRAFFIC.label, 7, "right"),
    FitColumn(INTENSITY, 8, "right"),
    FitColumn("Time", 0, "right"),
    FitColumn("Share", 1, "right"),
    FitColumn("FLOP/s", 2, "right"),
    FitColumn("Bound", 5, "right"),
)
_CSV_COLUMNS = (
    "module",
    "call",
    "type",
    "family",
    "flops",
    "read_bytes",
    "written_bytes",
    "flops_per_byte",
    "time_median_s",
    "time_min_s",
    "time_max_s",
    "time_iqr_s",
    "inclusive_median_s",
    "share",
    "achieved_flops_per_s",
    "bound_s",
)


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f}%"


def machine_text(machine: Any) -> str:
    """One line: CPU (or GPU), cores, torch threads and the torch build."""
    t = machine["torch"]
    libs = [name for name in ("mkl", "onednn", "openmp") if t.get(name)]
    build = f"torch {t['version']} ({'CUDA ' + t['cuda'] if t.get('cuda') else 'CPU build'}"
    build += f"; {', '.join(libs)}" if libs else ""
    build += f"; {t['cpu_capability']})" if t.get("cpu_capability") else ")"
    gpu = f"GPU {machine['gpu']}; " if machine.get("gpu") else ""
    cores = f"{machine['usable_cores']} of {machine['logical_cores']} logical cores"
    return f"machine: {gpu}{machine['cpu']}, {cores}; {build}; {machine['python']}"


def _whole_lines(r: BenchResult) -> list[str]:
    w = r.whole
    spread = f"min {human_time(w.min)}, max {human_time(w.max)}, IQR {human_time(w.iqr)}"
    lines = [f"whole model, no hooks: median {human_time(w.median)} ({spread})"]
    if r.hooked is not None and r.overhead is not None:
        ratio = human(r.overhead_ratio, "ratio") if r.overhead_ratio is not None else "-"
        sign = "+" if r.overhead >= 0 else ""
        lines.append(
            f"with per-layer hooks: median {human_time(r.hooked.median)}; hook overhead {sign}"
            f"{human_time(r.overhead)} ({ratio} the plain median)"
        )
    return lines


def _roof_lines(r: BenchResult) -> list[str]:
    if r.roofs is None:
        return []
    f = r.roofs
    lines = [
        f"roofs ({f.dtype}, {f.device}, {f.statistic}): peak compute {human_rate(f.peak_flops)} "
        f"({f.matmul_n}x{f.matmul_n} matmul), bandwidth {human_rate(f.bandwidth, 'bytes')} "
        f"({human(f.copy_bytes, 'bytes')} copy, read + written); ridge {f.ridge:.3g} {INTENSITY}"
    ]
    bound, ratio = r.lower_bound, r.bound_ratio
    if bound is not None:
        times = f"; the measured median is {human(ratio, 'ratio')} the bound" if ratio is not None else ""
        lines.append(
            f"lower bound: {human_time(bound)} = sum over layers of max(FLOPs / peak, bytes / bandwidth){times}"
        )
    return lines


def summary_lines(r: BenchResult) -> list[str]:
    """The header: what ran, where, the whole-model timings, the roofs and the lower bound."""
    s = r.settings
    threads = f"{s.threads} thread{'s' if s.threads != 1 else ''}"
    shape = input_text(s.inputs, s.batch_size, s.input_size)
    head = (
        f"{s.model}: input {shape} {s.dtype}, device {s.device}, {threads}; {s.repeats} timed "
        f"forwards after {s.warmup} warm-up, eval mode, torch.inference_mode()"
    )
    notes = [f"note: {n}" for n in r.notes]
    if r.hooked is not None and r.roofs is not None and r.left_out:
        notes.append(f"note: {r.left_out} layer(s) have no measured time or no FLOPs: left out of the roofline")
    return [head, machine_text(r.machine), *_whole_lines(r), *_roof_lines(r), *notes]


def _cells(r: BenchResult, layer: LayerTiming) -> list[str]:
    module = layer.module if layer.call <= 0 else f"{layer.module} (call {layer.call})"
    return [
        module,
        layer.type,
        layer.family or "-",
        M.FLOPS.format(layer.flops),
        M.TRAFFIC.format(layer.traffic_bytes),
        intensity_text(layer.intensity) or "-",
        human_time(layer.time),
        _percent(r.share(layer)),
        human_rate(layer.achieved),
        human_time(layer.bound),
    ]


def _total(r: BenchResult) -> list[str]:
    flops = sum(lay.flops for lay in r.layers)
    traffic = sum(lay.traffic_bytes for lay in r.layers)
    timed = r.timed_total if r.hooked is not None else None
    achieved = flops / timed if timed else None
    return [
        "Total",
        "",
        "",
        M.FLOPS.format(flops),
        M.TRAFFIC.format(traffic),
        intensity_text(_intensity(flops, traffic)) or "-",
        human_time(timed),
        "100%" if timed else "-",
        human_rate(achieved),
        human_time(r.lower_bound),
    ]


def _headers() -> list[str]:
    return [c.header for c in _COLUMNS]


def bench_table(r: BenchResult) -> list[Any]:
    """The terminal view: the header lines, then the per-layer table."""
    rows = [_cells(r, lay) for lay in r.layers]
    from rich.text import Text

    title = Text(f"{r.settings.model}: own time of each module call (median)")  # plain text, never markup
    table = FittedTable(_COLUMNS, rows, title=title, total=_total(r))
    return [*(Prose(line) for line in summary_lines(r)), table]


def bench_markdown(r: BenchResult) -> str:
    bullets = "\n".join(f"- {md_text(line)}" for line in summary_lines(r))
    rows: list[list[Any]] = [_cells(r, lay) for lay in r.layers]
    rows.append([Strong(c) for c in _total(r)])
    return f"## {md_text(r.settings.model)}: measured latency\n\n{bullets}\n\n{markdown_table(_headers(), rows)}\n"


def _csv_row(r: BenchResult, layer: LayerTiming) -> list[Any]:
    e = layer.exclusive
    spread = [e.median, e.min, e.max, e.iqr] if e is not None else [None] * 4
    inclusive = layer.inclusive.median if layer.inclusive is not None else None
    head = [layer.module, layer.call, layer.type, layer.family, layer.flops, layer.read_bytes, layer.written_bytes]
    intensity = layer.intensity if layer.traffic_bytes else None
    return [*head, intensity, *spread, inclusive, r.share(layer), layer.achieved, layer.bound]


def bench_csv(r: BenchResult) -> str:
    """One row per module call, exact values (seconds, FLOPs, bytes, FLOP/s); empty: not measured."""
    return csv_text([_csv_row(r, lay) for lay in r.layers], columns=_CSV_COLUMNS)


def bench_json(r: BenchResult) -> str:
    return json.dumps(r.as_dict(), indent=2)

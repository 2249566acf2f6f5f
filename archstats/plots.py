"""Figures of a profile, a comparison, the zoo and a sweep (matplotlib, Agg backend).

matplotlib is imported lazily so that ``import archstats`` stays light. Every figure is a
``matplotlib.figure.Figure`` not registered with pyplot (no global state, nothing to leak);
:func:`save` writes it as PNG or SVG, reproducibly (fixed SVG hash salt, no date metadata).
Numbers on axes and labels go through :func:`archstats.units.human`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import metrics as M
from .errors import UsageError
from .units import human

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .profile import Profile
    from .sweep import SweepResult

__all__ = [
    "compare_figure",
    "layer_profile_figure",
    "macs_by_family_figure",
    "receptive_field_figure",
    "save",
    "sweep_figure",
    "zoo_scatter_figure",
]

# One palette and one set of sizes for every figure.
_PARAMS_COLOR = "#1f77b4"
_MEMORY_COLOR = "#d62728"
_MACS_COLOR = "#2ca02c"
_FLOPS_COLOR = "#98df8a"
_PEAK_COLOR = "#7f1d1d"
_STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "svg.hashsalt": "archstats",
}
_DPI = 110


def _mpl() -> Any:
    """matplotlib with the Agg backend, unless pyplot is already live with another backend."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    return matplotlib


def _figure(
    nrows: int = 1, ncols: int = 1, *, size: tuple[float, float] = (8.0, 4.5), **kwargs: Any
) -> tuple[Any, Any]:
    mpl = _mpl()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, **kwargs)
    return fig, axes


def _styled(fn: Any) -> Any:
    """Build the figure under the shared style (fonts, grid, spines), whatever the caller's rcParams."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mpl = _mpl()
        with mpl.rc_context(_STYLE):
            return fn(*args, **kwargs)

    return wrapper


def _style(ax: Any) -> None:
    """Apply the style to an axes created outside an rc_context (kept idempotent)."""
    ax.grid(True, alpha=0.3, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)


def _human_axis(axis: Any, kind: str) -> None:
    from matplotlib.ticker import FuncFormatter, NullFormatter

    if kind == "bytes" and axis.get_scale() == "linear":
        axis.set_major_locator(_binary_locator())

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: human(v, kind) if v > 0 else "0"))
    axis.set_minor_formatter(NullFormatter())


def _binary_locator() -> Any:
    """Linear ticks at round numbers of KiB / MiB / GiB rather than of bytes."""
    from matplotlib.ticker import MaxNLocator

    class BinaryLocator(MaxNLocator):
        def tick_values(self, vmin: float, vmax: float) -> Any:
            top = max(abs(vmin), abs(vmax))
            unit = 1
            for scale in (1024**4, 1024**3, 1024**2, 1024):
                if top >= scale:
                    unit = scale
                    break
            import numpy as np

            return np.asarray(super().tick_values(vmin / unit, vmax / unit)) * unit

    return BinaryLocator(nbins=6, steps=[1, 2, 2.5, 5, 10])


def _input_label(p: Profile) -> str:
    size = "x".join(str(d) for d in p.input_size)
    return f"input {size}" + (f", batch {p.batch_size}" if p.batch_size != 1 else "")


def _executed(p: Profile) -> Any:
    """Layer rows in execution order (modules that never ran are left out)."""
    layers = p.layers
    return layers[layers["call"] >= 0].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# single-profile figures


@_styled
def layer_profile_figure(p: Profile) -> Figure:
    """Per-layer parameters (top) and activation memory (bottom) along the execution order."""
    layers = _executed(p)
    x = list(range(len(layers)))
    fig, (top, bottom) = _figure(2, 1, size=(9.0, 5.5), sharex=True)
    for ax in (top, bottom):
        _style(ax)
    params = [int(v) for v in layers["params"]]
    act = [int(v) for v in layers["activation_bytes"]]
    peak = [int(v) for v in layers["peak_live_bytes"]]
    top.bar(x, params, width=1.0, color=_PARAMS_COLOR, linewidth=0, label="parameters")
    top.set_ylabel("Parameters (count)")
    _human_axis(top.yaxis, "count")
    top.set_title(
        f"{p.name}: parameters and activation memory per layer ({_input_label(p)}; "
        f"total {human(p.totals.params)} params, {human(p.totals.activation_bytes, 'bytes')} activations)"
    )
    bottom.bar(x, act, width=1.0, color=_MEMORY_COLOR, linewidth=0, label="activation output (bytes)")
    bottom.step(x, peak, where="mid", color=_PEAK_COLOR, linewidth=0.9, label="live memory at the layer (bytes)")
    bottom.set_ylabel(f"Memory (bytes, {p.dtype})")
    bottom.set_xlabel("Layer index (execution order)")
    _human_axis(bottom.yaxis, "bytes")
    bottom.legend(loc="upper right")
    if x:
        bottom.set_xlim(-0.5, len(x) - 0.5)
    for ax in (top, bottom):
        ax.set_ylim(bottom=0)
    return fig


_SPATIAL = ("ok", "misaligned", "global", "global-context")


@_styled
def receptive_field_figure(p: Profile) -> Figure:
    """Receptive-field height along the execution order (log y), global-field layers marked."""
    layers = _executed(p)
    fig, ax = _figure(size=(8.0, 4.5))
    _style(ax)
    rows = [
        (i, r)
        for i, r in enumerate(layers.to_dict("records"))
        if r["rf_status"] in _SPATIAL and r["rf_size_h"] == r["rf_size_h"] and r["rf_size_h"] is not None
    ]
    input_h = p.input_size[1] if len(p.input_size) > 1 else None
    groups = (
        ("ok", "local field", dict(marker="o", color=_PARAMS_COLOR, s=14)),
        ("misaligned", "misaligned (uneven coverage)", dict(marker="s", color="#ff7f0e", s=16)),
        ("global-context", "local + global context (SE, attention)", dict(marker="D", color="#9467bd", s=16)),
        ("global", "global (sees the whole input)", dict(marker="X", color=_MEMORY_COLOR, s=36)),
    )
    if rows:
        ax.plot([i for i, _ in rows], [float(r["rf_size_h"]) for _, r in rows], color="0.6", linewidth=0.7, zorder=1)
    for status, label, kw in groups:
        pts = [(i, float(r["rf_size_h"])) for i, r in rows if r["rf_status"] == status]
        if pts:
            ax.scatter([i for i, _ in pts], [v for _, v in pts], label=f"{label} ({len(pts)})", zorder=3, **kw)
    if input_h:
        ax.axhline(input_h, color="0.3", linestyle="--", linewidth=0.8, label=f"input height ({input_h} px)")
    ax.set_yscale("log")
    ax.set_ylabel("Receptive field height (input pixels, log)")
    ax.set_xlabel("Layer index (execution order)")
    size = "x".join(str(v) for v in p.totals.rf_size) or "-"
    ax.set_title(f"{p.name}: receptive field per layer ({_input_label(p)}; final {size} at {p.totals.rf_layer or '-'})")
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.legend(loc="lower right")
    return fig


@_styled
def macs_by_family_figure(p: Profile) -> Figure:
    """Horizontal bars of MACs and FLOPs per op family, largest on top, values labelled."""
    macs = p.macs_by_family()
    flops = p.flops_by_family()
    families = sorted(set(macs) | set(flops), key=lambda f: (flops.get(f, 0), macs.get(f, 0), f))
    fig, ax = _figure(size=(8.0, 0.9 + 0.45 * max(len(families), 1)))
    _style(ax)
    h = 0.38
    y = list(range(len(families)))
    m = [macs.get(f, 0) for f in families]
    fl = [flops.get(f, 0) for f in families]
    ax.barh([v + h / 2 for v in y], fl, height=h, color=_FLOPS_COLOR, label=f"FLOPs ({p.convention} convention)")
    ax.barh([v - h / 2 for v in y], m, height=h, color=_MACS_COLOR, label="MACs")
    top = max(fl + m + [1])
    for yi, mv, fv in zip(y, m, fl):
        ax.text(fv + top * 0.01, yi + h / 2, human(fv, "flops"), va="center", fontsize=7)
        ax.text(mv + top * 0.01, yi - h / 2, human(mv, "macs"), va="center", fontsize=7)
    ax.set_yticks(y, families)
    ax.set_xlim(0, top * 1.18)
    _human_axis(ax.xaxis, "count")
    ax.set_xlabel("Operations per forward pass (MACs / FLOPs, count)")
    ax.set_ylabel("Op family")
    ax.set_title(
        f"{p.name}: compute by op family ({_input_label(p)}; "
        f"{human(p.totals.macs, 'macs')}, {human(p.totals.flops, 'flops')})"
    )
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    return fig


# ---------------------------------------------------------------------------------------------
# several profiles


@_styled
def zoo_scatter_figure(profiles: Sequence[Profile], families: Mapping[str, str]) -> Figure:
    """Log-log params (x) vs MACs (y): one labelled point per model, coloured by family,
    marker area proportional to peak activation memory."""
    if not profiles:
        raise UsageError("zoo scatter needs at least one profile")
    fig, ax = _figure(size=(9.0, 6.5))
    _style(ax)
    fams = [families.get(p.name, "other") for p in profiles]
    names = sorted(set(fams))
    import matplotlib

    cmap = matplotlib.colormaps["tab10" if len(names) <= 10 else "tab20"]
    colors = {f: cmap(i % cmap.N) for i, f in enumerate(names)}
    peaks = [max(int(p.totals.peak_bytes), 1) for p in profiles]
    biggest = max(peaks)

    def area(b: float) -> float:
        return 20 + 380 * (b / biggest)

    style = dict(alpha=0.75, edgecolors="white", linewidths=0.6, zorder=3)
    for fam in names:
        sel = [(p, pk) for p, f, pk in zip(profiles, fams, peaks) if f == fam]
        xs, ys = [p.totals.params for p, _ in sel], [p.totals.macs for p, _ in sel]
        ax.scatter(xs, ys, s=[area(pk) for _, pk in sel], color=colors[fam], label=fam, **style)
    for p in profiles:
        ax.annotate(
            p.name, (p.totals.params, p.totals.macs), xytext=(4, 4), textcoords="offset points", fontsize=7, zorder=4
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    _human_axis(ax.xaxis, M.PARAMS.unit)
    _human_axis(ax.yaxis, M.MACS.unit)
    ax.set_xlabel("Parameters (count, log)")
    ax.set_ylabel("MACs per forward pass (log)")
    sizes = sorted({_input_label(p) for p in profiles})
    where = sizes[0] if len(sizes) == 1 else "each at its own input size"
    ax.set_title(f"{len(profiles)} models: parameters vs MACs ({where})\nmarker area ~ peak activation memory")
    ax.margins(0.08)
    _zoo_legends(ax, [area(v) for v in (min(peaks), biggest)], (min(peaks), biggest))
    return fig


def _zoo_legends(ax: Any, areas: Sequence[float], peaks: Sequence[int]) -> None:
    """The zoo scatter's legends, right of the axes: families, and the marker areas of the smallest
    and largest peak memory."""
    legend = ax.legend(title="family", loc="upper left", bbox_to_anchor=(1.01, 1.0), ncols=1, labelspacing=0.3)
    for handle in legend.legend_handles:
        handle.set_sizes([40])
    ax.add_artist(legend)
    sizes = sorted(dict(zip(peaks, areas)).items())
    handles = [
        ax.scatter([], [], s=a, color="0.6", alpha=0.6, label=f"peak {M.PEAK_BYTES.format(v)}") for v, a in sizes
    ]
    ax.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(1.01, 0.0), title="peak activation memory", labelspacing=1.4
    )


@_styled
def compare_figure(profiles: Sequence[Profile]) -> Figure:
    """Grouped bars of params, MACs and peak memory, each relative to the first model (log y)."""
    if not profiles:
        raise UsageError("compare figure needs at least one profile")
    base = profiles[0]
    metrics = (M.PARAMS, M.MACS, M.PEAK_BYTES)
    fig, ax = _figure(size=(max(6.0, 2.2 + 1.2 * len(profiles) * len(metrics) / 2), 4.5))
    _style(ax)
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    n = len(profiles)
    width = 0.8 / n
    for j, p in enumerate(profiles):
        xs, ratios = [], []
        for i, m in enumerate(metrics):
            b, v = getattr(base.totals, m.name), getattr(p.totals, m.name)
            xs.append(i - 0.4 + width * (j + 0.5))
            ratios.append(v / b if b else float("nan"))
        # bars grow from 1x (the first model), up for more, down for less
        ax.bar(xs, [r - 1 for r in ratios], bottom=1.0, width=width * 0.95, color=cmap(j % 10), label=p.name, zorder=3)
        for x, r in zip(xs, ratios):
            if r == r:
                up = r >= 1
                ax.text(
                    x,
                    r * (1.04 if up else 0.96),
                    human(r, "ratio"),
                    ha="center",
                    va="bottom" if up else "top",
                    fontsize=7,
                )
    ax.axhline(1.0, color="0.3", linewidth=0.8)
    ax.set_yscale("log")
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}x"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ticks = [f"{m.heading}\n({base.name}: {m.format(getattr(base.totals, m.name))})" for m in metrics]
    ax.set_xticks(range(len(metrics)), ticks)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(f"Relative to {base.name} (x, log)")
    ax.set_title(f"{' vs '.join(p.name for p in profiles)}: params, MACs and peak memory relative to {base.name}")
    ax.legend(loc="best")
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo / 1.3, hi * 1.3)
    return fig


# the sweep figure's panels: (series: metric, legend, colour), y label, unit of the y axis; the first
# series of each panel has its points labelled
_SWEEP_PANELS = (
    (((M.MACS, M.MACS.label, _MACS_COLOR), (M.FLOPS, M.FLOPS.label, _FLOPS_COLOR)), "MACs / FLOPs", "count"),
    (((M.PARAMS, "parameters", _PARAMS_COLOR),), "Parameters (count)", "count"),
    (
        ((M.PEAK_BYTES, "peak live memory", _MEMORY_COLOR), (M.ACTIVATION_BYTES, "all activations", "#ff9896")),
        "Activation memory (bytes)",
        "bytes",
    ),
)
_SWEEP_XLABELS = {
    "input": "Input resolution r (input C x r x r, pixels)",
    "batch": "Batch size",
    "alpha": "Width multiplier alpha",
    "phi": "Compound coefficient phi (EfficientNet-B<phi>)",
    "cardinality": "Cardinality (groups) of the ResNeXt-50 template",
}


def _sweep_panel(ax: Any, rows: Sequence[Mapping[str, Any]], x: Sequence[float], panel: Any) -> None:
    series, ylabel, unit = panel
    _style(ax)
    for i, (metric, label, color) in enumerate(series):
        ys = [r[metric.name] for r in rows]
        ax.plot(x, ys, marker="o", markersize=4, color=color, label=label, linewidth=1.4)
        if i == 0:
            for xi, yi in zip(x, ys):
                ax.annotate(
                    metric.format(yi), (xi, yi), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=7
                )
    ax.set_ylabel(ylabel)
    _human_axis(ax.yaxis, unit)
    ax.set_ylim(bottom=0, top=max(max(r[m.name] for r in rows) for m, *_ in series) * 1.2 or 1)
    if len(series) > 1:
        ax.legend(loc="upper left")


def _sweep_x_axis(ax: Any, result: SweepResult, x: Sequence[float], numeric: bool) -> None:
    ax.set_xlabel(_SWEEP_XLABELS.get(result.parameter, result.parameter))
    if numeric and result.parameter in ("cardinality", "batch") and min(x) > 0 and max(x) / min(x) >= 8:
        ax.set_xscale("log", base=2)
    if not numeric or result.parameter in ("cardinality", "phi", "input", "batch"):
        ax.set_xticks(x, [str(v) for v in result.values])
        from matplotlib.ticker import NullLocator

        ax.xaxis.set_minor_locator(NullLocator())


def _sweep_title(result: SweepResult) -> str:
    if result.parameter in ("phi", "cardinality"):
        subtitle = "models: " + ", ".join(r["model"] for r in result.rows)
    else:
        subtitle = (
            ", ".join(sorted({f"input {r['input']}" for r in result.rows})) if result.parameter != "input" else ""
        )
    title = f"{result.model}: cost vs {result.parameter}"
    return title + (f"\n{subtitle}" if subtitle else "")


@_styled
def sweep_figure(result: SweepResult) -> Figure:
    """MACs (and FLOPs), params and peak memory against the swept value, points labelled."""
    rows = list(result.rows)
    if not rows:
        raise UsageError("the sweep has no rows to plot")
    values = list(result.values)
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    x: Sequence[float] = [float(v) for v in values] if numeric else list(range(len(values)))
    fig, axes = _figure(3, 1, size=(7.5, 7.5), sharex=True)
    for ax, panel in zip(axes, _SWEEP_PANELS):
        _sweep_panel(ax, rows, x, panel)
    _sweep_x_axis(axes[-1], result, x, numeric)
    axes[0].set_title(_sweep_title(result))
    return fig


# ---------------------------------------------------------------------------------------------


def save(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as PNG or SVG (by suffix), reproducibly; close it; return the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise UsageError(f"cannot save a figure as {path.name!r}: use a .png or .svg file name")
    mpl = _mpl()
    metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
    try:
        with mpl.rc_context({"svg.hashsalt": "archstats", "svg.fonttype": "path"}):
            # tight bounding box: legends placed outside the axes are kept in the image
            fig.savefig(path, format=suffix[1:], dpi=_DPI, metadata=metadata, bbox_inches="tight")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if "matplotlib.pyplot" in sys.modules:
            import matplotlib.pyplot as plt

            plt.close(fig)
        fig.clear()
    return path

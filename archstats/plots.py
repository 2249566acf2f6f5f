"""Figures of a profile, a comparison, the zoo and a sweep (matplotlib, Agg backend).

matplotlib is imported lazily so that ``import archstats`` stays light. Every figure is a
``matplotlib.figure.Figure`` not registered with pyplot (no global state, nothing to leak);
:func:`save` writes it as PNG or SVG, reproducibly (fixed SVG hash salt, no date metadata), and
:func:`svg_markup` as SVG markup for an HTML page, with hover titles (the zoo scatter's points).
Numbers on axes and labels go through :func:`archstats.units.human`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import metrics as M
from .errors import UsageError
from .units import human, human_rate

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .bench import BenchResult
    from .profile import Profile
    from .sweep import SweepResult

__all__ = [
    "compare_figure",
    "latency_figure",
    "layer_profile_figure",
    "macs_by_family_figure",
    "receptive_field_figure",
    "roofline_figure",
    "save",
    "svg_markup",
    "sweep_figure",
    "zoo_scatter_figure",
    "zoo_tooltips",
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


def _binary_locator(nbins: int = 6) -> Any:
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

    return BinaryLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10])


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
def zoo_scatter_figure(
    profiles: Sequence[Profile], families: Mapping[str, str], label_first: Sequence[str] = ()
) -> Figure:
    """Log-log params (x) vs MACs (y): one point per model, coloured by family, marker area
    proportional to peak activation memory.

    Names are placed by :func:`_place_labels` where they overlap no other name and no point: first
    ``label_first`` and a model of each family (a leader line may join a name set further off),
    then the rest where there is room right beside the point. A point left without a name still
    names itself on hover in the SVG of :func:`svg_markup` (see :func:`zoo_tooltips`).
    """
    if not profiles:
        raise UsageError("zoo scatter needs at least one profile")
    fig, ax = _figure(size=(9.5, 7.0))
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

    areas = [area(pk) for pk in peaks]
    handles = _zoo_points(ax, profiles, [colors[f] for f in fams], areas)
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
    family_handles = {f: handles[fams.index(f)] for f in names}
    _zoo_legends(ax, family_handles, [area(v) for v in (min(peaks), biggest)], (min(peaks), biggest))
    chosen, rest = _label_order([p.name for p in profiles], fams, label_first, areas)
    xy = [(p.totals.params, p.totals.macs) for p in profiles]
    _place_labels(ax, xy, areas, [p.name for p in profiles], chosen, rest)
    return fig


def _point_gid(i: int) -> str:
    """The SVG id of the zoo scatter's i-th point (its ``<title>`` is attached there)."""
    return f"archstats-point-{i}"


def _zoo_points(ax: Any, profiles: Sequence[Profile], colors: Sequence[Any], areas: Sequence[float]) -> list[Any]:
    """One scatter artist per model, each with its own SVG id; the largest drawn first so that a
    small point lying on a large one stays visible (and reachable by the mouse)."""
    handles: list[Any] = [None] * len(profiles)
    for i in sorted(range(len(profiles)), key=lambda i: -areas[i]):
        p = profiles[i]
        handles[i] = ax.scatter(
            [p.totals.params],
            [p.totals.macs],
            s=[areas[i]],
            color=colors[i],
            alpha=0.75,
            edgecolors="white",
            linewidths=0.6,
            zorder=3,
            gid=_point_gid(i),
        )
    return handles


def _zoo_legends(ax: Any, families: Mapping[str, Any], areas: Sequence[float], peaks: Sequence[int]) -> None:
    """The zoo scatter's legends, right of the axes: families, and the marker areas of the smallest
    and largest peak memory."""
    legend = ax.legend(
        list(families.values()),
        list(families),
        title="family",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        ncols=1,
        labelspacing=0.3,
    )
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


def zoo_tooltips(profiles: Sequence[Profile], families: Mapping[str, str]) -> dict[str, str]:
    """The hover text of each point of :func:`zoo_scatter_figure`, by SVG id: name, family and numbers.

    Models at about the same position (params and MACs within :data:`_TWIN_RATIO` of each other)
    name each other, since only the topmost of markers lying on one another can be hovered.
    """
    tips = {}
    for i, p in enumerate(profiles):
        t = p.totals
        text = (
            f"{p.name} ({families.get(p.name, 'other')}): {M.PARAMS.format(t.params)} params, "
            f"{M.MACS.format(t.macs)}, peak {M.PEAK_BYTES.format(t.peak_bytes)}, {_input_label(p)}"
        )
        twins = [q.name for q in profiles if q is not p and _twins(p, q)]
        tips[_point_gid(i)] = text + (f"; at about the same position: {', '.join(twins)}" if twins else "")
    return tips


_TWIN_RATIO = 1.03  # within 3% on both log axes: a few pixels apart, under one another's markers


def _twins(p: Profile, q: Profile) -> bool:
    def close(a: float, b: float) -> bool:
        return a == b or (a > 0 and b > 0 and max(a, b) / min(a, b) <= _TWIN_RATIO)

    return close(p.totals.params, q.totals.params) and close(p.totals.macs, q.totals.macs)


# --- label placement ---------------------------------------------------------------------------
#
# A greedy placement without a dependency (adjustText would pull scipy in). Labels are taken in
# priority order; each tries candidate positions around its point, nearest ring first, and keeps
# the first whose text box (in display pixels, measured after the layout is final) lies inside the
# axes, overlaps no placed label, no point and no leader line, and whose own leader line crosses no
# placed label and no other point. A label that finds no free position is left out: the point
# keeps its colour, and in HTML its hover title.

_Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in display pixels

# directions tried around a point, in degrees: up-right first (where a reader looks for a label)
_LABEL_ANGLES = (45, 0, -45, 135, 180, -135, 90, -90)
# distances, in points, between the marker's edge and the label; beyond the first a leader line
# joins the label to its point
_LABEL_RINGS = (2.0, 10.0, 20.0, 32.0, 48.0, 68.0)
_LABEL_FONTSIZE = 7
_LABEL_PAD = 1.5  # pixels kept free around every text box
# pixels between a name set beside its point and any other marker: several times the 2 points
# between the name and its own marker
_LABEL_CLEAR = 8.0


def _label_order(
    names: Sequence[str], families: Sequence[str], first: Sequence[str], areas: Sequence[float]
) -> tuple[list[int], list[int]]:
    """Indices in labelling priority: the chosen and the rest.

    The chosen are the names in ``first``, then a model for each family not yet represented: the
    one named as the family, else the first whose name starts with it (resnet101 rather than
    plain18), else the first. The rest go largest marker first: where markers overlap, the name
    goes to the one the eye sees.
    """
    chosen = [names.index(n) for n in dict.fromkeys(first) if n in names]
    represented = {families[i] for i in chosen}
    for fam in dict.fromkeys(families):
        if fam not in represented:
            members = [i for i, f in enumerate(families) if f == fam]
            chosen.append(min(members, key=lambda i: (names[i] != fam, not names[i].startswith(fam), i)))
    rest = sorted((i for i in range(len(names)) if i not in chosen), key=lambda i: (-areas[i], i))
    return chosen, rest


def _alignment(angle: float) -> tuple[str, str, tuple[float, float]]:
    """Horizontal and vertical alignment that make the text grow away from its point at ``angle``,
    and the point of the text box nearest the point (matplotlib's ``relpos``)."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ha, rx = ("left", 0.0) if c > 0.3 else ("right", 1.0) if c < -0.3 else ("center", 0.5)
    va, ry = ("bottom", 0.0) if s > 0.3 else ("top", 1.0) if s < -0.3 else ("center", 0.5)
    return ha, va, (rx, ry)


def _overlaps(a: _Box, b: _Box) -> bool:
    return (
        a[0] < b[2] + _LABEL_PAD and b[0] < a[2] + _LABEL_PAD and a[1] < b[3] + _LABEL_PAD and b[1] < a[3] + _LABEL_PAD
    )


def _inside(a: _Box, frame: _Box) -> bool:
    return a[0] >= frame[0] and a[1] >= frame[1] and a[2] <= frame[2] and a[3] <= frame[3]


def _hits_disc(box: _Box, cx: float, cy: float, r: float) -> bool:
    """Whether the box (with its pad) reaches into the disc of radius ``r`` around (cx, cy)."""
    nx = min(max(cx, box[0] - _LABEL_PAD), box[2] + _LABEL_PAD)
    ny = min(max(cy, box[1] - _LABEL_PAD), box[3] + _LABEL_PAD)
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r


def _passes_disc(seg: tuple[float, float, float, float], cx: float, cy: float, r: float) -> bool:
    """Whether the segment (x0, y0, x1, y1) comes closer than ``r`` to (cx, cy)."""
    x0, y0, x1, y1 = seg
    dx, dy = x1 - x0, y1 - y0
    t = ((cx - x0) * dx + (cy - y0) * dy) / ((dx * dx + dy * dy) or 1.0)
    t = min(max(t, 0.0), 1.0)
    return (x0 + t * dx - cx) ** 2 + (y0 + t * dy - cy) ** 2 < r * r


def _crosses(seg: tuple[float, float, float, float], box: _Box) -> bool:
    """Whether the segment (x0, y0, x1, y1) passes through the box (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = seg
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return False
    return True


class _Labeller:
    """What is already on the axes, in display pixels: points (discs), placed labels and leaders."""

    def __init__(self, frame: _Box, discs: Sequence[tuple[float, float, float]]) -> None:
        self.frame = frame
        self.discs = discs
        self.boxes: list[_Box] = []
        self.leaders: list[tuple[float, float, float, float]] = []
        # for each point, the radius that covers its marker and every marker on its spot: its
        # label starts beyond it
        self.spans = [self._span(i) for i in range(len(discs))]

    def _span(self, i: int) -> float:
        spot = [j for j in range(len(self.discs)) if j == i or self.on_spot(i, j)]
        return max(self._distance(i, j) + self.discs[j][2] for j in spot)

    def _distance(self, i: int, j: int) -> float:
        (x, y, _), (x2, y2, _) = self.discs[i], self.discs[j]
        return float(((x2 - x) ** 2 + (y2 - y) ** 2) ** 0.5)

    def on_spot(self, i: int, j: int) -> bool:
        """Whether markers i and j are one spot to the eye: one's centre lies on the other."""
        return self._distance(i, j) < max(self.discs[i][2], self.discs[j][2])

    def free(self, box: _Box, leader: tuple[float, float, float, float] | None, own: int) -> bool:
        """Whether a label for point ``own`` fits at ``box``, with its ``leader`` line if any."""
        if not _inside(box, self.frame):
            return False
        if any(_overlaps(box, b) for b in self.boxes) or any(_crosses(seg, box) for seg in self.leaders):
            return False
        if any(_hits_disc(box, x, y, r) for x, y, r in self.discs):
            return False
        if leader is None:
            # a name beside its point is read as naming the nearest marker: keep the others further
            return not any(
                _hits_disc(box, x, y, r + _LABEL_CLEAR)
                for j, (x, y, r) in enumerate(self.discs)
                if not self.on_spot(own, j)
            )
        # a leader line crossing another name or another point would point at the wrong one; points
        # on the same spot as ours cannot be avoided (and the line ends at their edge anyway)
        if any(_crosses(leader, b) for b in self.boxes):
            return False
        return not any(_passes_disc(leader, *disc) for j, disc in enumerate(self.discs) if not self.on_spot(own, j))

    def take(self, box: _Box, leader: tuple[float, float, float, float] | None) -> None:
        self.boxes.append(box)
        if leader is not None:
            self.leaders.append(leader)


def _candidate(
    x: float, y: float, r: float, size: tuple[float, float], gap: float, angle: float
) -> tuple[_Box, tuple[float, float]]:
    """The text box (pixels) of a label whose anchor lies ``gap`` pixels beyond the marker's edge
    at ``angle``, and that anchor (where a leader line starts)."""
    ha, va, _ = _alignment(angle)
    ax_ = x + (r + gap) * math.cos(math.radians(angle))
    ay = y + (r + gap) * math.sin(math.radians(angle))
    w, h = size
    x0 = {"left": ax_, "right": ax_ - w, "center": ax_ - w / 2}[ha]
    y0 = {"bottom": ay, "top": ay - h, "center": ay - h / 2}[va]
    return (x0, y0, x0 + w, y0 + h), (ax_, ay)


def _place_labels(
    ax: Any,
    xy: Sequence[tuple[float, float]],
    areas: Sequence[float],
    names: Sequence[str],
    chosen: Sequence[int],
    rest: Sequence[int],
) -> list[Any]:
    """Annotate the points ``xy`` (data coordinates, marker ``areas`` in points squared) with
    ``names``, greedily: the ``chosen`` first, on any ring, then the ``rest`` only right beside
    their point (no leader lines for them, which would crowd the clusters). A point on the spot of
    one already named (one's centre on the other's marker) gets no second name, which would be
    read as naming the same marker. Returns the annotations placed."""
    fig = ax.figure
    # the layout and the limits must be final before measuring: freeze them
    fig.draw_without_rendering()
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()
    px = fig.dpi / 72.0  # pixels per point
    radii = [(a**0.5 / 2 + 0.6) * px for a in areas]  # marker radius plus its white edge
    centres = [tuple(v) for v in ax.transData.transform(xy)]
    frame = ax.get_window_extent(renderer)
    labeller = _Labeller(
        (frame.x0 + 2, frame.y0 + 2, frame.x1 - 2, frame.y1 - 2),
        [(x, y, r) for (x, y), r in zip(centres, radii)],
    )
    placed = []
    named: list[int] = []
    for i, rings in [(i, len(_LABEL_RINGS)) for i in chosen] + [(i, 1) for i in rest]:
        if any(labeller.on_spot(i, j) for j in named):
            continue
        spot = _free_spot(ax, renderer, labeller, i, names[i], rings)
        if spot is None:
            continue
        named.append(i)
        ring, angle = spot
        placed.append(_annotate(ax, xy[i], names[i], labeller.spans[i] / px, ring, angle))
    return placed


def _text_size(ax: Any, text: str, renderer: Any) -> tuple[float, float]:
    probe = ax.text(0, 0, text, fontsize=_LABEL_FONTSIZE, transform=None)
    box = probe.get_window_extent(renderer)
    probe.remove()
    return box.width, box.height


def _free_spot(ax: Any, renderer: Any, labeller: _Labeller, i: int, name: str, rings: int) -> tuple[int, float] | None:
    """The first free (ring, angle) among the first ``rings`` rings for point ``i``'s label, taken
    into ``labeller``; None when every spot is taken."""
    size = _text_size(ax, name, renderer)
    x, y, _ = labeller.discs[i]
    r = labeller.spans[i]
    px = ax.figure.dpi / 72.0
    for ring, gap in enumerate(_LABEL_RINGS[:rings]):
        for angle in _LABEL_ANGLES:
            box, (lx, ly) = _candidate(x, y, r, size, gap * px, angle)
            leader = None
            if ring:
                # the line runs from the label's anchor to the marker's edge
                d = math.hypot(lx - x, ly - y)
                leader = (lx, ly, x + (lx - x) * r / d, y + (ly - y) * r / d)
            if labeller.free(box, leader, i):
                labeller.take(box, leader)
                return ring, angle
    return None


def _annotate(ax: Any, xy: tuple[float, float], name: str, r_pt: float, ring: int, angle: float) -> Any:
    ha, va, relpos = _alignment(angle)
    d = r_pt + _LABEL_RINGS[ring]
    offset = (d * math.cos(math.radians(angle)), d * math.sin(math.radians(angle)))
    arrow = dict(arrowstyle="-", color="0.45", linewidth=0.6, relpos=relpos, shrinkA=0, shrinkB=r_pt) if ring else None
    note = ax.annotate(
        name,
        xy,
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=_LABEL_FONTSIZE,
        zorder=4,
        arrowprops=arrow,
    )
    note.set_in_layout(False)
    return note


@_styled
def compare_figure(profiles: Sequence[Profile]) -> Figure:
    """Params, MACs and peak memory of every model, one panel per metric (horizontal bars of the
    absolute values, the first model on top), each bar labelled with its value and its ratio to the
    first model. A panel whose values span more than ``_LOG_SPAN`` times is drawn on a log axis
    whose bars start a decade below the smallest value, so that every bar stays visible."""
    if not profiles:
        raise UsageError("compare figure needs at least one profile")
    base = profiles[0]
    metrics = (M.PARAMS, M.MACS, M.PEAK_BYTES)
    n = len(profiles)
    fig, axes = _figure(1, len(metrics), size=(10.0, 1.3 + 0.38 * n), sharey=True)
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    colors = [cmap(j % 10) for j in range(n)]
    labels = []
    for ax, m in zip(axes, metrics):
        _style(ax)
        values = [getattr(p.totals, m.name) for p in profiles]
        labels.append(_compare_panel(ax, m, values, colors))
    axes[0].set_yticks(range(n), [p.name for p in profiles])
    axes[0].invert_yaxis()  # the first model on top, as in the table
    fig.suptitle(f"Params, MACs and peak memory of {n} models (ratio to {base.name} in brackets)", fontsize=10)
    # widening an axis changes its tick labels, which moves the layout: fit until it settles
    for _ in range(3):
        fig.draw_without_rendering()
        for ax, (texts, values) in zip(axes, labels):
            _fit_value_labels(ax, texts, values)
    return fig


def _ratio(r: float) -> str:
    """A ratio to the first model: 12.5x above one, 1/19.8 below (19.8 times less, as the ratio
    sentences say it, rather than 0.05x)."""
    return human(r, "ratio") if r >= 1 else "1/" + human(1 / r, "ratio").removesuffix("x")


_LOG_SPAN = 20.0  # a panel's largest value over its smallest from which the axis turns logarithmic


def _compare_panel(
    ax: Any, metric: M.Metric, values: Sequence[float], colors: Sequence[Any]
) -> tuple[list[Any], list[float]]:
    """One metric's bars; returns the value labels and their values (for :func:`_fit_value_labels`)."""
    positive = [v for v in values if v > 0]
    log = bool(positive) and max(positive) / min(positive) > _LOG_SPAN
    left = 0.0
    if log:
        ax.set_xscale("log")
        left = 10.0 ** math.floor(math.log10(min(positive) / 2))  # at least half a decade below the smallest
    y = list(range(len(values)))
    widths = [max(v - left, 0.0) for v in values]
    ax.barh(y, widths, left=left, height=0.7, color=colors, zorder=3)
    base = values[0]
    texts = []
    for yi, v in zip(y, values):
        text = metric.format(v) if yi == 0 or not base or not v else f"{metric.format(v)} ({_ratio(v / base)})"
        texts.append(ax.text(max(v, left), yi, "  " + text, va="center", ha="left", fontsize=7))
    ax.set_xlim(left, max([*values, 1]))
    _compare_axis(ax, metric, left, max(values), log)
    return texts, list(values)


def _compare_axis(ax: Any, metric: M.Metric, left: float, top: float, log: bool) -> None:
    """A comparison panel's x axis, title and labels: few ticks (the panels are narrow and the bars
    carry their values); on a log axis round ticks over the values only, the room made for the
    labels needs none."""
    from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

    _human_axis(ax.xaxis, metric.unit)
    if log:
        ax.xaxis.set_major_locator(FixedLocator(_log_ticks(left, top, metric.unit)))
        ax.xaxis.set_minor_locator(NullLocator())
    else:
        ax.xaxis.set_major_locator(_binary_locator(3) if metric.unit == "bytes" else MaxNLocator(nbins=3))
    ax.set_title(metric.heading)
    ax.set_xlabel(f"{metric.heading} ({_UNIT_WORDS[metric.unit]}{', log' if log else ''})")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)


def _log_ticks(lo: float, hi: float, unit: str) -> list[float]:
    """Two round ticks from ``lo`` to ``hi`` (the log panels squeeze many decades into a narrow
    axis): powers of ten, or of 32 for bytes (1 KiB, 32 KiB, 1 MiB, ...), so that every tick
    label is a round number in its unit."""
    base = 32.0 if unit == "bytes" else 10.0
    k = math.ceil(math.log(lo, base) - 1e-9)
    ticks = []
    while base**k <= hi * (1 + 1e-9):
        ticks.append(base**k)
        k += 1
    return ticks[:1] + ticks[1:][-1:]  # the first and the last, as far apart as they go


_UNIT_WORDS = {"count": "count", "macs": "MACs", "flops": "FLOPs", "bytes": "bytes"}


def _fit_value_labels(ax: Any, texts: Sequence[Any], values: Sequence[float]) -> None:
    """Widen the x axis so that every value label ends inside the axes (measured after layout)."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    lo = ax.get_xlim()[0]
    log = ax.get_xscale() == "log"
    need = max([*values, 1])  # from scratch: an earlier pass may have seen other widths
    for text, v in zip(texts, values):
        room = frame.width - text.get_window_extent(renderer).width - 4  # pixels left for the bar
        share = max(room / frame.width, 0.2)  # the share of the axes the bar may use
        v = max(v, lo)
        if log:
            need = max(need, 10 ** (math.log10(lo) + (math.log10(v) - math.log10(lo)) / share))
        else:
            need = max(need, lo + (v - lo) / share)
    ax.set_xlim(lo, need)


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
    metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
    try:
        _savefig(fig, path, suffix[1:], metadata)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def svg_markup(fig: Figure, titles: Mapping[str, str] | None = None) -> str:
    """``fig`` as an ``<svg>`` element to write inline into an HTML page; closes the figure.

    Every element whose id is a key of ``titles`` (see :func:`zoo_tooltips`) gets a ``<title>``
    child holding its value, escaped: a browser shows it when the pointer rests on the element.
    Text is drawn as paths (the page looks the same whatever fonts the reader has); there is no
    XML prolog, DOCTYPE or metadata, so nothing in the markup names a URL to fetch.
    """
    import html
    import io

    buf = io.BytesIO()
    _savefig(fig, buf, "svg", {"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buf.getvalue().decode("utf-8")
    text = text[text.index("<svg") :].rstrip()
    # scale with the page, keeping the aspect ratio of the viewBox
    text = text.replace("<svg ", '<svg style="max-width: 100%; height: auto" ', 1)
    for gid, title in (titles or {}).items():
        tag = f'<g id="{html.escape(gid)}">'
        if text.count(tag) != 1:
            raise ValueError(f"the figure has {text.count(tag)} elements with id {gid!r}, expected one")
        text = text.replace(tag, f"{tag}\n <title>{html.escape(title)}</title>")
    return text


def _savefig(fig: Figure, target: Any, fmt: str, metadata: Mapping[str, Any]) -> None:
    """Render ``fig`` into a path or binary file, reproducibly (fixed SVG hash salt, text as
    paths), with its tight bounding box (legends outside the axes are kept); then close it."""
    mpl = _mpl()
    try:
        with mpl.rc_context({"svg.hashsalt": "archstats", "svg.fonttype": "path"}):
            fig.savefig(target, format=fmt, dpi=_DPI, metadata=dict(metadata), bbox_inches="tight")
    finally:
        if "matplotlib.pyplot" in sys.modules:
            import matplotlib.pyplot as plt

            plt.close(fig)
        fig.clear()


# ---------------------------------------------------------------------------------------------
# the roofline of a measured benchmark (archstats bench)


def _roof_span(result: BenchResult) -> tuple[float, float]:
    """The intensity axis: every plotted layer and the ridge, with a decade of margin each side."""
    xs = [layer.intensity for layer in result.plotted]
    assert result.roofs is not None
    lo = min([*xs, result.roofs.ridge])
    hi = max([*xs, result.roofs.ridge])
    return lo / 10, hi * 10


def _draw_roofs(ax: Any, result: BenchResult) -> None:
    """The bandwidth roof (y = bandwidth x intensity) up to the ridge, the compute ceiling after it."""
    roofs = result.roofs
    assert roofs is not None
    lo, hi = _roof_span(result)
    ridge = roofs.ridge
    bw_label = f"bandwidth {human_rate(roofs.bandwidth, 'bytes')}"
    ax.plot([lo, ridge], [roofs.bandwidth * lo, roofs.peak_flops], color="0.25", lw=1.4, gid="roof-bandwidth")
    ax.plot([ridge, hi], [roofs.peak_flops] * 2, color="0.25", lw=1.4, gid="roof-compute")
    ax.plot([ridge], [roofs.peak_flops], "o", color="0.25", ms=4, gid="ridge")
    ax.annotate(
        f"peak {human_rate(roofs.peak_flops)}; ridge {ridge:.3g} FLOP/B",
        (ridge, roofs.peak_flops),
        xytext=(-6, 6),
        textcoords="offset points",
        ha="right",
        fontsize=7,
    )
    ax.text(lo, roofs.bandwidth * lo, f" {bw_label}", ha="left", va="bottom", fontsize=7)


def _layer_points(ax: Any, result: BenchResult) -> None:
    """Every plotted layer at (intensity, achieved FLOP/s), one scatter per family (a legend entry)."""
    import matplotlib

    from .rules import FAMILIES

    cmap = matplotlib.colormaps["tab10"]
    order = list(FAMILIES)
    by_family: dict[str, list[Any]] = {}
    for layer in result.plotted:
        by_family.setdefault(layer.family or "other", []).append(layer)
    for family in sorted(by_family, key=lambda f: (order.index(f) if f in order else len(order), f)):
        layers = by_family[family]
        i = order.index(family) if family in order else len(order)
        ax.scatter(
            [lay.intensity for lay in layers],
            [lay.achieved for lay in layers],
            color=cmap(i % cmap.N),
            s=22,
            alpha=0.8,
            edgecolors="white",
            linewidths=0.5,
            zorder=3,
            label=f"{family} ({len(layers)})",
        )


@_styled
def roofline_figure(result: BenchResult) -> Figure:
    """Log-log roofline of a benchmark: x FLOPs per byte, y achieved FLOP/s; the bandwidth roof and
    the compute ceiling (meeting at the ridge point) and every timed layer with FLOPs, by family."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    if result.roofs is None:
        raise UsageError("the roofline needs the machine's roofs: bench with roofs measured")
    if not result.plotted:
        raise UsageError("the roofline needs per-layer timings of layers with FLOPs: bench with per-layer timing")
    fig, ax = _figure(size=(8.0, 5.5))
    _style(ax)
    _draw_roofs(ax, result)
    _layer_points(ax, result)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: human_rate(v) if v > 0 else "0"))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("Arithmetic intensity (FLOPs per byte of memory traffic, log)")
    ax.set_ylabel("Achieved FLOP/s (FLOPs / median own time, log)")
    ax.set_title(_roofline_title(result))
    ax.legend(title="op family (layers)", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def _roofline_title(result: BenchResult) -> str:
    s = result.settings
    size = "x".join(str(d) for d in (s.batch_size, *s.input_size))
    where = result.machine.get("gpu") or result.machine.get("cpu", "")
    threads = f"{s.threads} thread{'s' if s.threads != 1 else ''}"
    left = f"; {result.left_out} layer(s) without time or FLOPs not shown" if result.left_out else ""
    return f"{s.model}: roofline (input {size} {s.dtype}, {s.device})\n{where}, {threads}{left}"


# ---------------------------------------------------------------------------------------------
# the zoo's measured latency against MACs and memory traffic (benchmarks/latency.py)


def _family_styles(families: Sequence[str]) -> dict[str, tuple[Any, str]]:
    """A colour and a marker per family: tab20's colours, then the next marker, so that more than
    twenty families stay distinguishable."""
    import matplotlib

    cmap = matplotlib.colormaps["tab20"]
    markers = ("o", "s", "^", "D")
    names = sorted(set(families))
    return {f: (cmap(i % cmap.N), markers[(i // cmap.N) % len(markers)]) for i, f in enumerate(names)}


def _latency_panel(ax: Any, xs: Sequence[float], models: Sequence[Any], styles: Mapping[str, Any]) -> dict[str, Any]:
    """Median latency (y) against ``xs``, the min-max range as error bars, a point per model;
    returns one artist per family (for the legend)."""
    ys = [m.latency.median for m in models]
    low = [m.latency.median - m.latency.min for m in models]
    high = [m.latency.max - m.latency.median for m in models]
    ax.errorbar(xs, ys, yerr=[low, high], fmt="none", ecolor="0.55", elinewidth=0.8, capsize=1.5, zorder=2)
    handles: dict[str, Any] = {}
    for x, y, m in zip(xs, ys, models, strict=True):
        color, marker = styles[m.family]
        handles[m.family] = ax.scatter(
            [x], [y], color=color, marker=marker, s=30, edgecolors="white", linewidths=0.5, zorder=3
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    return handles


def _roof_line(ax: Any, xs: Sequence[float], seconds_per_x: float, label: str) -> None:
    """The least time the roofs allow for ``x`` units of work (a line of slope 1 on log-log axes)."""
    lo, hi = min(xs) / 1.5, max(xs) * 1.5
    ax.plot([lo, hi], [lo * seconds_per_x, hi * seconds_per_x], ls=":", color="0.35", lw=1.0, label=label)


def _join_pairs(ax: Any, pairs: Sequence[Any], where: Mapping[str, tuple[float, float]]) -> None:
    """A dashed segment from each comparison's light model to its heavy one (their speed ratios are
    the page's table: written on the segments they crowd the clusters)."""
    for c in pairs:
        if c.pair.light not in where or c.pair.heavy not in where:
            continue
        (x0, y0), (x1, y1) = where[c.pair.light], where[c.pair.heavy]
        ax.plot([x0, x1], [y0, y1], ls="--", color="0.1", lw=1.1, zorder=2.5)


def _time_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter, NullFormatter

    from .units import human_time

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: human_time(v) if v > 0 else "0"))
    axis.set_minor_formatter(NullFormatter())


@_styled
def latency_figure(
    models: Sequence[Any], comparisons: Sequence[Any] = (), title: str = "", roofs: Any = None
) -> Figure:
    """Two log-log panels of measured forward latency: against MACs (left) and against memory
    traffic (right). One point per :class:`archstats.latency.ModelLatency` (median, min-max error
    bars), coloured by family; each :class:`archstats.latency.Comparison` joined light to heavy by a
    dashed segment; with ``roofs``, the least time the roofs allow (2 FLOPs
    per MAC at peak compute; every byte at the measured bandwidth) as a dotted line."""
    if not models:
        raise UsageError("the latency figure needs at least one measured model")
    fig, axes = _figure(1, 2, size=(14.0, 7.0), sharey=True)
    styles = _family_styles([m.family for m in models])
    panels = (("macs", M.MACS.unit, "MACs per forward pass (log)"),
              ("traffic_bytes", "bytes", "Memory traffic per forward pass (bytes read + written, log)"))  # fmt: skip
    columns = [[float(getattr(m, attr)) for m in models] for attr, _, _ in panels]
    for ax, (attr, kind, label), xs in zip(axes, panels, columns, strict=True):
        _style(ax)
        handles = _latency_panel(ax, xs, models, styles)
        if roofs is not None:
            _latency_roof(ax, xs, roofs, attr == "macs")
        _join_pairs(ax, comparisons, {m.name: (x, m.latency.median) for m, x in zip(models, xs, strict=True)})
        _human_axis(ax.xaxis, kind)
        if kind == "bytes":  # powers of two: round in binary units (32 MiB, 128 MiB, ...)
            from matplotlib.ticker import LogLocator

            ax.xaxis.set_major_locator(LogLocator(base=2, numticks=8))
        _time_axis(ax.yaxis)
        ax.set_xlabel(label)
    axes[0].set_ylabel("Median forward latency (min-max bars, log)")
    families = [handles[f] for f in styles]  # every family has a point on each panel
    if roofs is not None:  # the roof line's legend inside each panel, the families' beside the right one
        axes[0].legend(loc="upper left")
        axes[1].add_artist(axes[1].legend(loc="upper left"))
    axes[1].legend(families, list(styles), title="family", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    fig.suptitle(title or f"{len(models)} models: measured latency against MACs and memory traffic")
    named = {n for c in comparisons for n in (c.pair.light, c.pair.heavy)}
    for ax, xs in zip(axes, columns, strict=True):  # last: the labeller freezes the layout
        _label_pair_models(ax, models, xs, named)
    return fig


def _latency_roof(ax: Any, xs: Sequence[float], roofs: Any, macs: bool) -> None:
    if macs:
        _roof_line(ax, xs, 2 / roofs.peak_flops, f"2 FLOPs/MAC at peak {human_rate(roofs.peak_flops)}")
    else:
        _roof_line(ax, xs, 1 / roofs.bandwidth, f"every byte at {human_rate(roofs.bandwidth, 'bytes')}")


def _label_pair_models(ax: Any, models: Sequence[Any], xs: Sequence[float], named: set[str]) -> None:
    """Names for the comparisons' models first (anywhere around their point), then for the others
    only where there is room right beside them."""
    names = [m.name for m in models]
    xy = [(x, m.latency.median) for x, m in zip(xs, models, strict=True)]
    chosen = [i for i, n in enumerate(names) if n in named]
    rest = [i for i in range(len(names)) if names[i] not in named]
    _place_labels(ax, xy, [30.0] * len(models), names, chosen, rest)

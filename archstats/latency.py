"""Does fewer MACs mean faster? The arithmetic of the measured latency page.

``benchmarks/latency.py`` times every zoo model (:func:`archstats.bench.bench`) and writes
``reports/latency.md``; this module holds the pure functions that page is built from, so that they
are tested with made-up numbers: a model's counts beside its measured latency
(:class:`ModelLatency`), the notes' famous comparisons as ratios (:func:`compare_pair`) with a
sentence written from the numbers (:func:`reading`), and Spearman's rank correlation
(:func:`spearman`). Nothing here measures anything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .bench import Stats
from .units import human

__all__ = [
    "FAMOUS_PAIRS",
    "Comparison",
    "ModelLatency",
    "Pair",
    "compare_pair",
    "ranks",
    "ratio_range",
    "reading",
    "spearman",
]


@dataclass(frozen=True)
class ModelLatency:
    """One model's counts (from a meta profile) beside its measured forward latency."""

    name: str
    family: str
    macs: int
    flops: int
    traffic_bytes: int
    params: int
    latency: Stats  # whole forwards, seconds
    lower_bound: float | None = None  # seconds: sum over layers of max(FLOPs / peak, bytes / bandwidth)

    @property
    def achieved(self) -> float | None:
        """FLOP/s achieved over the whole forward: FLOPs over the median latency."""
        return self.flops / self.latency.median if self.latency.median > 0 else None

    @property
    def bound_ratio(self) -> float | None:
        """The median latency over the lower bound (1 would be running at the roofs)."""
        return self.latency.median / self.lower_bound if self.lower_bound else None

    def as_dict(self) -> dict[str, Any]:
        counts = {k: getattr(self, k) for k in ("name", "family", "macs", "flops", "traffic_bytes", "params")}
        return counts | {
            "latency_s": self.latency.as_dict(),
            "lower_bound_s": self.lower_bound,
            "measured_over_bound": self.bound_ratio,
            "achieved_flops_per_s": self.achieved,
        }


@dataclass(frozen=True)
class Pair:
    """A comparison the notes make: ``light`` is the model said to be cheaper than ``heavy``."""

    label: str
    light: str
    heavy: str


# The notes' famous comparisons, the cheaper model first.
FAMOUS_PAIRS = (
    Pair("MobileNet v1 vs its full-convolution twin", "mobilenet_v1", "mobilenet_v1_conv"),
    Pair("SqueezeNet 1.0 vs AlexNet", "squeezenet1_0", "alexnet"),
    Pair("GoogLeNet vs VGG16", "googlenet", "vgg16"),
    Pair("ResNet-50 vs VGG16", "resnet50", "vgg16"),
)


def ratio_range(heavy: Stats, light: Stats) -> tuple[float, float, float]:
    """How many times longer ``heavy`` takes than ``light``: (lowest, median, highest).

    The median ratio is of the medians; the range pairs the extremes that make it smallest (the
    heavy model's fastest run over the light model's slowest) and largest (the other way round),
    so every pair of runs gives a ratio inside it.
    """
    return heavy.min / light.max, heavy.median / light.median, heavy.max / light.min


@dataclass(frozen=True)
class Comparison:
    """A pair's counts and speed as ratios, heavy over light (above 1: the light model does less
    work, or runs faster)."""

    pair: Pair
    mac_ratio: float
    traffic_ratio: float
    speed_ratio: float  # median latency of heavy / median latency of light
    speed_low: float  # heavy's min / light's max
    speed_high: float  # heavy's max / light's min

    def as_dict(self) -> dict[str, Any]:
        p = self.pair
        return {"pair": p.label, "light": p.light, "heavy": p.heavy, "mac_ratio": self.mac_ratio} | {
            "traffic_ratio": self.traffic_ratio,
            "speed_ratio": self.speed_ratio,
            "speed_ratio_range": [self.speed_low, self.speed_high],
            "reading": reading(self),
        }


def compare_pair(pair: Pair, light: ModelLatency, heavy: ModelLatency) -> Comparison:
    """The ratios of ``pair`` from its two models' counts and latencies."""
    low, mid, high = ratio_range(heavy.latency, light.latency)
    return Comparison(pair, heavy.macs / light.macs, heavy.traffic_bytes / light.traffic_bytes, mid, low, high)


def _fewer(ratio: float, more: str, less: str, what: str) -> str:
    """``8.56x fewer MACs`` for a ratio above 1, ``1.50x more MACs`` (its inverse) below."""
    if ratio >= 1:
        return f"{human(ratio, 'ratio')} {less} {what}".rstrip()
    return f"{human(1 / ratio, 'ratio')} {more} {what}".rstrip()


def reading(c: Comparison) -> str:
    """One sentence from the numbers: what the light model saves and how much faster it ran."""
    work = f"{_fewer(c.mac_ratio, 'more', 'fewer', 'MACs')} and {_fewer(c.traffic_ratio, 'more', 'less', 'traffic')}"
    speed = _fewer(c.speed_ratio, "slower", "faster", "")
    span = f"{human(c.speed_low, 'ratio')} to {human(c.speed_high, 'ratio')} over the runs' extremes"
    overlap = "; the runs overlap" if c.speed_low <= 1 <= c.speed_high else ""
    return f"{c.pair.light}: {work} than {c.pair.heavy}, {speed} ({span}{overlap})"


# --- rank correlation ------------------------------------------------------------------------------


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span ([10, 20, 20, 30] -> [1, 2.5, 2.5, 4])."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            out[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return out


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation: Pearson's correlation of the ranks (ties averaged).

    NaN when fewer than two pairs, or when either side is constant (no order to correlate).
    """
    if len(xs) != len(ys):
        raise ValueError(f"spearman: {len(xs)} values against {len(ys)}")
    if len(xs) < 2:
        return math.nan
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / math.sqrt(vx * vy) if vx > 0 and vy > 0 else math.nan

"""Totals of several profiles side by side, with ratios against the first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .profile import Profile
from .units import human

# (key in the comparison, label, unit kind for the formatter, noun used in ratio sentences)
METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("params", "Params", "count", "params"),
    ("macs", "MACs", "macs", "MACs"),
    ("flops", "FLOPs", "flops", "FLOPs"),
    ("peak_bytes", "Peak act. mem", "bytes", "peak activation memory"),
    ("activation_bytes", "Total act. mem", "bytes", "total activation memory"),
    ("model_bytes_fp32", "Size (fp32)", "bytes", "model size"),
)


@dataclass(frozen=True)
class Ratio:
    model: str
    base: str
    metric: str
    factor: float  # >= 1
    direction: str  # "fewer" | "more" | "same"

    def sentence(self) -> str:
        noun = dict((k, n) for k, _, _, n in METRICS)[self.metric]
        if self.direction == "same":
            return f"{self.model}: same {noun} as {self.base}"
        word = self.direction
        if self.direction == "fewer" and noun in ("peak activation memory", "total activation memory"):
            word = "less"
        if noun == "model size":
            word = "smaller" if self.direction == "fewer" else "larger"
            return f"{self.model}: {human(self.factor, 'ratio')} {word} than {self.base}"
        return f"{self.model}: {human(self.factor, 'ratio')} {word} {noun} than {self.base}"


def row(p: Profile) -> dict[str, Any]:
    """Exact totals of one profile, as the comparison shows them."""
    t = p.totals
    return {
        "model": p.name,
        "input": "x".join(str(d) for d in (p.batch_size, *p.input_size)),
        "params": t.params,
        "macs": t.macs,
        "flops": t.flops,
        "peak_bytes": t.peak_bytes,
        "activation_bytes": t.activation_bytes,
        "model_bytes_fp32": t.model_bytes_fp32,
        "rf": "x".join(str(s) for s in t.rf_size),
        "depth": t.depth,
        "status": p.status,
    }


def ratio(model: str, base: str, metric: str, value: float, base_value: float) -> Ratio | None:
    if value == base_value:
        return Ratio(model, base, metric, 1.0, "same")
    if value == 0 or base_value == 0:
        return None  # "infinitely fewer" says nothing
    if value < base_value:
        return Ratio(model, base, metric, base_value / value, "fewer")
    return Ratio(model, base, metric, value / base_value, "more")


def ratios(profiles: Sequence[Profile]) -> list[Ratio]:
    """Every later model against the first, for each cost metric."""
    base = row(profiles[0])
    out = []
    for p in profiles[1:]:
        r = row(p)
        for key, *_ in METRICS:
            found = ratio(p.name, base["model"], key, r[key], base[key])
            if found is not None:
                out.append(found)
    return out

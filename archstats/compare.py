"""Totals of several profiles side by side, with ratios against the first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import metrics as M
from .metrics import Metric
from .profile import Profile
from .units import human

# The model size a comparison shows: fp32 weights (Totals.model_bytes_fp32)
MODEL_BYTES_FP32 = Metric(f"{M.MODEL_BYTES.name}_fp32", "bytes", f"{M.MODEL_BYTES.label} (fp32)", M.MODEL_BYTES.term)
# the cost metrics of a comparison, in table order (each also gets a ratio sentence)
METRICS: tuple[Metric, ...] = (*M.COST, MODEL_BYTES_FP32, M.TRAFFIC)
_BY_NAME = {m.name: m for m in (*METRICS, *M.BACKWARD)}
# comparatives by metric: the default is "fewer" / "more"
_LESS = {M.PEAK_BYTES.name: "less", M.ACTIVATION_BYTES.name: "less", M.TRAFFIC.name: "less"}


@dataclass(frozen=True)
class Ratio:
    model: str
    base: str
    metric: str
    factor: float  # >= 1
    direction: str  # "fewer" | "more" | "same"

    def sentence(self) -> str:
        noun = _BY_NAME[self.metric].noun
        if self.direction == "same":
            return f"{self.model}: same {noun} as {self.base}"
        factor = human(self.factor, "ratio")
        if self.metric == MODEL_BYTES_FP32.name:
            word = "smaller" if self.direction == "fewer" else "larger"
            return f"{self.model}: {factor} {word} than {self.base}"
        word = _LESS.get(self.metric, "fewer") if self.direction == "fewer" else self.direction
        return f"{self.model}: {factor} {word} {noun} than {self.base}"


def metrics(profiles: Sequence[Profile]) -> tuple[Metric, ...]:
    """The comparison's metrics: the forward's, and the backward pass's when every model counted one."""
    return (*METRICS, *M.BACKWARD) if profiles and all(p.backward for p in profiles) else METRICS


def row(p: Profile) -> dict[str, Any]:
    """Exact totals of one profile, as the comparison shows them."""
    t = p.totals
    return {
        "model": p.name,
        "input": "x".join(str(d) for d in (p.batch_size, *p.input_size)),
        **{m.name: getattr(t, m.name) for m in metrics([p])},
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
        for m in metrics(profiles):
            found = ratio(p.name, base["model"], m.name, r[m.name], base[m.name])
            if found is not None:
                out.append(found)
    return out

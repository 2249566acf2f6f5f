"""The metric vocabulary: one record per metric with its key, unit and the words every output uses.

Comparison and index tables, sweep tables, budgets (``archstats check`` and
:func:`archstats.testing.assert_within_budget`), ratio sentences, reports and plots take a metric's
name, unit and wording from here; numbers are formatted by the one formatter
:func:`archstats.units.human`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .units import human


@dataclass(frozen=True)
class Metric:
    """One measured quantity.

    ``name`` is its key in exact outputs (JSON, CSV, sweep rows, budget baselines); ``unit`` the
    unit kind of :func:`~archstats.units.human` and :func:`~archstats.units.parse_quantity`
    (count, macs, flops, bytes); ``label`` its column header in wide tables (comparison, zoo
    index); ``term`` the word in messages and budgets ("peak memory", whose limit key is
    ``max_peak_memory``); ``noun`` the word in ratio sentences; ``short`` its header in narrow
    tables (sweeps). ``noun`` and ``short`` default to ``term``.
    """

    name: str
    unit: str
    label: str
    term: str
    noun: str = ""
    short: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "noun", self.noun or self.term)
        object.__setattr__(self, "short", self.short or self.term)

    def format(self, value: Any) -> str:
        """``value`` in human units (61.0M, 0.72 GMACs, 58.2 MiB)."""
        return human(value, self.unit)

    @property
    def heading(self) -> str:
        """The term capitalised, as a plot's axis or group label: "Params", "MACs", "Peak memory"."""
        return self.term[:1].upper() + self.term[1:]

    @property
    def key(self) -> str:
        """The term as a keyword: "params", "macs", "peak_memory", "model_size", "receptive_field"."""
        return self.term.lower().replace(" ", "_")


PARAMS = Metric("params", "count", "Params", "params")
MACS = Metric("macs", "macs", "MACs", "MACs")
FLOPS = Metric("flops", "flops", "FLOPs", "FLOPs")
PEAK_BYTES = Metric("peak_bytes", "bytes", "Peak act. mem", "peak memory", "peak activation memory", "peak mem")
ACTIVATION_BYTES = Metric(
    "activation_bytes", "bytes", "Total act. mem", "total memory", "total activation memory", "total mem"
)
SAVED_BYTES = Metric("saved_bytes", "bytes", "Saved mem", "saved memory", "memory saved for backward", "saved mem")
MODEL_BYTES = Metric("model_bytes", "bytes", "Size", "model size")
# memory traffic (bytes read + written by every op, README "Memory traffic"): bytes, never MACs
TRAFFIC = Metric("traffic_bytes", "bytes", "Traffic", "memory traffic", short="traffic")
# the backward pass and the training step (forward + backward), when profile(backward=True) counted them
BACKWARD_MACS = Metric("backward_macs", "macs", "Bwd MACs", "backward MACs", short="bwd MACs")
BACKWARD_FLOPS = Metric("backward_flops", "flops", "Bwd FLOPs", "backward FLOPs", short="bwd FLOPs")
STEP_MACS = Metric("step_macs", "macs", "Step MACs", "training-step MACs", short="step MACs")
STEP_FLOPS = Metric("step_flops", "flops", "Step FLOPs", "training-step FLOPs", short="step FLOPs")
STEP_PEAK_BYTES = Metric(
    "step_peak_bytes", "bytes", "Step peak mem", "training-step peak memory", short="step peak mem"
)
BACKWARD: tuple[Metric, ...] = (BACKWARD_MACS, BACKWARD_FLOPS, STEP_MACS, STEP_FLOPS, STEP_PEAK_BYTES)
RF = Metric("rf_size", "count", "RF", "receptive field")
DEPTH = Metric("depth", "count", "Depth", "depth")

ALL: tuple[Metric, ...] = (PARAMS, MACS, FLOPS, PEAK_BYTES, ACTIVATION_BYTES, SAVED_BYTES, MODEL_BYTES, RF, DEPTH)
# the cost of one forward pass, as sweeps and comparisons show it
COST: tuple[Metric, ...] = (PARAMS, MACS, FLOPS, PEAK_BYTES, ACTIVATION_BYTES)
BY_NAME: dict[str, Metric] = {m.name: m for m in ALL}

"""Model budgets for CI: limits kept in TOML, checked by measurement (``archstats check``).

A budget is one TOML table, ``[tool.archstats.budgets.<label>]`` in a ``pyproject.toml`` or
``[budgets.<label>]`` in a separate file::

    [tool.archstats.budgets.resnet50]
    model = "resnet50"            # registry name or "package.module:callable"
    input = "3x224x224"           # or [3, 224, 224]; default: the model's own
    batch = 1
    dtype = "float32"
    max_params = "26M"
    max_macs = "4.2G"
    max_peak_memory = "16 MiB"
    max_model_size = "100 MiB"    # params x bytes of model_size_dtype (default float32)
    min_receptive_field = 224

Every table is validated before any model is profiled; a broken one raises
:class:`BudgetConfigError` naming the file, the table and the key.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import ArchstatsError, UsageError
from .units import QuantityError, human, parse_quantity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class BudgetConfigError(UsageError):
    """A budget file that cannot be used: missing, malformed, or a table with a bad key or value."""


@dataclass(frozen=True)
class Metric:
    key: str  # the TOML key, e.g. "max_params"
    name: str  # what people call it, e.g. "params"
    kind: str  # unit kind for parse_quantity / human
    upper: bool  # True: a maximum; False: a minimum


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("max_params", "params", "count", True),
        Metric("max_macs", "MACs", "macs", True),
        Metric("max_flops", "FLOPs", "flops", True),
        Metric("max_peak_memory", "peak memory", "bytes", True),
        Metric("max_total_memory", "total memory", "bytes", True),
        Metric("max_model_size", "model size", "bytes", True),
        Metric("min_receptive_field", "receptive field", "count", False),
    )
}
SETTINGS = ("model", "input", "batch", "dtype", "model_size_dtype")
# baseline keys: the exact totals a regression budget compares (receptive field and depth are stored, not gated)
GROWTH_METRICS = {
    "params": ("params", "count"),
    "macs": ("MACs", "macs"),
    "flops": ("FLOPs", "flops"),
    "peak_bytes": ("peak memory", "bytes"),
    "activation_bytes": ("total memory", "bytes"),
    "model_bytes": ("model size", "bytes"),
}


@dataclass
class Budget:
    label: str
    model: str
    input_size: tuple[int, ...] | None = None
    batch: int = 1
    dtype: str = "float32"
    model_size_dtype: str = "float32"
    limits: dict[str, int] = field(default_factory=dict)  # metric key -> exact limit
    source: str = ""  # "pyproject.toml [tool.archstats.budgets.resnet50]"


@dataclass
class Result:
    """One (budget, limit) check: a hard limit or a growth limit over the baseline."""

    label: str
    model: str
    check: str  # "max_params", or "params growth"
    kind: str  # unit kind of measured/limit; "percent" for growth checks
    measured: float
    limit: float
    passed: bool
    message: str
    exact: bool = True  # measured/limit are exact integers

    @property
    def headroom(self) -> float:
        upper = not self.check.startswith("min_")
        return self.limit - self.measured if upper else self.measured - self.limit

    @property
    def headroom_pct(self) -> float | None:
        if self.kind == "percent":
            return None
        return 100.0 * self.headroom / self.limit if self.limit else None


@dataclass
class CheckReport:
    results: list[Result]
    totals: dict[str, dict[str, int]]  # label -> exact totals (the baseline content)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.passed]


# --- loading and validation -------------------------------------------------------------------


def _dtypes() -> dict[str, Any]:
    from .profile import _DTYPES

    return _DTYPES


def dtype_bytes(name: str) -> int:
    return _dtypes()[name].itemsize


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise BudgetConfigError(f"{path}: budget file not found")
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise BudgetConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise BudgetConfigError(f"{path}: cannot read: {exc.strerror}") from None


def load_budgets(path: str | os.PathLike[str]) -> list[Budget]:
    """All budgets of a TOML file, validated; raises :class:`BudgetConfigError` on the first problem."""
    path = os.fspath(path)
    data = read_toml(path)
    if "tool" in data or os.path.basename(path) == "pyproject.toml":
        prefix = "tool.archstats.budgets"
        tables = data.get("tool", {}).get("archstats", {}).get("budgets")
    else:
        prefix = "budgets"
        tables = data.get("budgets")
    if tables is None:
        raise BudgetConfigError(f"{path}: no budgets: add [{prefix}.<label>] tables")
    if not isinstance(tables, dict):
        raise BudgetConfigError(f"{path}: [{prefix}] must be a table of [{prefix}.<label>] tables")
    if not tables:
        raise BudgetConfigError(f"{path}: [{prefix}] has no budget tables")
    budgets = []
    for label, table in tables.items():
        where = f"{path}: [{prefix}.{label}]"
        if not isinstance(table, dict):
            raise BudgetConfigError(f"{path}: [{prefix}] key {label!r}: expected a [{prefix}.{label}] table, got {_type(table)}")
        budgets.append(_budget(label, table, where))
    return budgets


def _type(value: Any) -> str:
    return {str: "a string", int: "an integer", float: "a float", bool: "a boolean", list: "an array", dict: "a table"}.get(
        type(value), type(value).__name__
    )


def _budget(label: str, table: dict[str, Any], where: str) -> Budget:
    def bad(key: str, why: str) -> BudgetConfigError:
        return BudgetConfigError(f"{where} {key}: {why}")

    for key in table:
        if key not in SETTINGS and key not in METRICS:
            known = ", ".join((*SETTINGS, *METRICS))
            raise bad(key, f"unknown key; known keys: {known}")
    if "model" not in table:
        raise bad("model", "missing: name a registered model or 'package.module:callable'")
    model = table["model"]
    if not isinstance(model, str):
        raise bad("model", f"expected a string, got {_type(model)}")
    from .loading import resolve

    try:
        resolve(model)
    except ArchstatsError as exc:
        raise bad("model", str(exc)) from None

    budget = Budget(label=label, model=model, source=where)
    if "input" in table:
        value = table["input"]
        if not isinstance(value, (str, list)) or (isinstance(value, list) and not all(type(v) is int for v in value)):
            raise bad("input", f"expected a string like \"3x224x224\" or an array of integers, got {_type(value)} {value!r}")
        from .loading import check_input_size

        try:
            budget.input_size = check_input_size(value)
        except ArchstatsError as exc:
            raise bad("input", str(exc)) from None
    if "batch" in table:
        value = table["batch"]
        if type(value) is not int or value < 1:
            raise bad("batch", f"expected a positive integer, got {_type(value)} {value!r}")
        budget.batch = value
    for key in ("dtype", "model_size_dtype"):
        if key in table:
            value = table[key]
            if not isinstance(value, str) or value not in _dtypes():
                raise bad(key, f"unsupported dtype {value!r}; choose one of: {', '.join(_dtypes())}")
            setattr(budget, key, value)
    for key, metric in METRICS.items():
        if key not in table:
            continue
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise bad(key, f"expected a number or a string with units, got {_type(value)} {value!r}")
        try:
            limit = parse_quantity(value, metric.kind)
        except QuantityError as exc:
            raise bad(key, str(exc)) from None
        if limit < 0:
            raise bad(key, f"a limit must not be negative, got {value!r}")
        budget.limits[key] = limit
    if not budget.limits:
        raise BudgetConfigError(f"{where}: no limits; set at least one of: {', '.join(METRICS)}")
    return budget


# --- measuring --------------------------------------------------------------------------------


def rf_max(rf_size: Sequence[Any]) -> int:
    values = [v for v in rf_size if v is not None]
    return int(max(values)) if values else 0


def measured_values(totals: Any, model_size_dtype: str = "float32") -> dict[str, int]:
    """Exact measured value per metric key, from a profile's totals."""
    return {
        "max_params": totals.params,
        "max_macs": totals.macs,
        "max_flops": totals.flops,
        "max_peak_memory": totals.peak_bytes,
        "max_total_memory": totals.activation_bytes,
        "max_model_size": totals.params * dtype_bytes(model_size_dtype),
        "min_receptive_field": rf_max(totals.rf_size),
    }


def exact_totals(totals: Any, model_size_dtype: str = "float32") -> dict[str, int]:
    """The baseline record of one budget."""
    return {
        "params": totals.params,
        "macs": totals.macs,
        "flops": totals.flops,
        "peak_bytes": totals.peak_bytes,
        "activation_bytes": totals.activation_bytes,
        "model_bytes": totals.params * dtype_bytes(model_size_dtype),
        "rf_size": rf_max(totals.rf_size),
        "depth": totals.depth,
    }


def both(value: float, kind: str) -> str:
    """Human units and the exact integer: ``61.1M (61,100,840)``."""
    h = human(value, kind)
    exact = f"{int(value):,}"
    return h if h.replace(",", "").split()[0] == str(int(value)) else f"{h} ({exact})"


def evaluate(label: str, model: str, measured: dict[str, int], limits: dict[str, int]) -> list[Result]:
    out = []
    for key, limit in limits.items():
        metric = METRICS[key]
        value = measured[key]
        ok = value <= limit if metric.upper else value >= limit
        if ok:
            message = f"{metric.name} {both(value, metric.kind)} within the limit {both(limit, metric.kind)}"
        else:
            gap = abs(value - limit)
            pct = f" ({100.0 * gap / limit:.1f}%)" if limit else ""
            rel = "over the maximum" if metric.upper else "under the minimum"
            message = (
                f"{label}: {metric.name} {both(value, metric.kind)} is {rel} {both(limit, metric.kind)} "
                f"by {both(gap, metric.kind)}{pct}"
            )
        out.append(Result(label, model, key, metric.kind, value, limit, ok, message))
    return out


def evaluate_growth(label: str, model: str, current: dict[str, int], base: dict[str, Any], max_growth: float) -> list[Result]:
    out = []
    for key, (name, kind) in GROWTH_METRICS.items():
        if key not in base or not isinstance(base[key], int):
            continue
        old, new = base[key], current[key]
        growth = 100.0 * (new - old) / old if old else (0.0 if new == old else float("inf"))
        ok = growth <= max_growth + 1e-12
        message = (
            f"{label}: {name} {both(new, kind)} vs baseline {both(old, kind)}: {growth:+.2f}% "
            f"(allowed +{max_growth:g}%)"
        )
        out.append(Result(label, model, f"{name} growth", "percent", growth, max_growth, ok, message, exact=False))
    return out


def load_baseline(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise BudgetConfigError(f"{path}: baseline file not found (write it with --update-baseline)")
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise BudgetConfigError(f"{path}: not a readable JSON baseline: {exc}") from None
    budgets = data.get("budgets") if isinstance(data, dict) else None
    if not isinstance(budgets, dict) or not all(isinstance(v, dict) for v in budgets.values()):
        raise BudgetConfigError(f"{path}: expected {{\"budgets\": {{label: {{metric: integer}}}}}}")
    return budgets


def write_baseline(path: str | os.PathLike[str], report: CheckReport) -> None:
    data = {"archstats_baseline": 1, "budgets": report.totals}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.write("\n")


def check_budgets(
    budgets: Sequence[Budget],
    baseline: dict[str, dict[str, Any]] | None = None,
    max_growth: float = 0.0,
    on_step: Callable[[Budget], None] | None = None,
) -> CheckReport:
    """Profile each budget's model (once per distinct setting) and check every limit."""
    from .profile import profile

    cache: dict[tuple[Any, ...], Any] = {}
    results: list[Result] = []
    totals: dict[str, dict[str, int]] = {}
    notes: list[str] = []
    for b in budgets:
        if on_step is not None:
            on_step(b)
        key = (b.model, b.input_size, b.batch, b.dtype)
        if key not in cache:
            cache[key] = profile(b.model, b.input_size, b.batch, "meta", dtype=b.dtype).totals
        t = cache[key]
        results += evaluate(b.label, b.model, measured_values(t, b.model_size_dtype), b.limits)
        totals[b.label] = exact_totals(t, b.model_size_dtype)
        if baseline is not None:
            if b.label in baseline:
                results += evaluate_growth(b.label, b.model, totals[b.label], baseline[b.label], max_growth)
            else:
                notes.append(f"{b.label}: no baseline entry (add it with --update-baseline)")
    return CheckReport(results, totals, notes)


# --- output -----------------------------------------------------------------------------------

HEADERS = ["budget", "model", "check", "measured", "limit", "headroom", "headroom %", "status"]


def _cell(value: float, kind: str) -> str:
    if kind == "percent":
        return f"{value:+.2f}%" if value != float("inf") else "+inf%"
    return human(value, kind)


def result_cells(report: CheckReport) -> list[list[str]]:
    rows = []
    for r in report.results:
        if r.kind == "percent":
            limit, head = f"+{r.limit:g}%", f"{r.headroom:.2f} pt"
        else:
            limit, head = _cell(r.limit, r.kind), _cell(r.headroom, r.kind)
        pct = r.headroom_pct
        rows.append([
            r.label, r.model, r.check, _cell(r.measured, r.kind), limit, head,
            "-" if pct is None else f"{pct:.1f}%", "pass" if r.passed else "FAIL",
        ])  # fmt: skip
    return rows


def summary(report: CheckReport) -> str:
    n, bad = len(report.results), len(report.failures)
    labels = len(report.totals)
    if bad:
        return f"{bad} of {n} checks failed across {labels} budget(s)"
    return f"all {n} checks passed across {labels} budget(s)"


def markdown(report: CheckReport) -> str:
    from .render import markdown_table

    lines = ["## archstats budgets", "", summary(report) + ("" if report.passed else " :x:"), ""]
    lines.append(markdown_table(HEADERS, result_cells(report), left=3))
    if report.failures:
        lines += ["", "### Failures", ""] + [f"- {r.message}" for r in report.failures]
    if report.notes:
        lines += [""] + [f"- {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def junit_xml(report: CheckReport) -> str:
    import xml.etree.ElementTree as ET

    suite = ET.Element(
        "testsuite",
        name="archstats check",
        tests=str(len(report.results)),
        failures=str(len(report.failures)),
        errors="0",
        skipped="0",
    )
    for r in report.results:
        case = ET.SubElement(suite, "testcase", classname=f"archstats.budgets.{r.label}", name=r.check)
        if not r.passed:
            failure = ET.SubElement(case, "failure", message=r.message, type="BudgetExceeded")
            failure.text = r.message
        else:
            ET.SubElement(case, "system-out").text = r.message
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"

"""Model budgets for CI: limits kept in TOML, checked by measurement (``archstats check``).

A budget is one TOML table, ``[tool.archstats.budgets.<label>]`` in a ``pyproject.toml`` or
``[budgets.<label>]`` in a separate file::

    [tool.archstats.budgets.resnet50]
    model = "resnet50"            # registry name or "package.module:callable"
    input = "3x224x224"           # or [3, 224, 224], or specs: ["3x512x512", "ids=int64:128"]; default: the model's own
    batch = 1
    dtype = "float32"             # casts the model and its inputs; default: the model's own
    max_params = "26M"
    max_macs = "4.2G"
    max_peak_memory = "16 MiB"
    max_model_size = "100 MiB"    # params x bytes of model_size_dtype (default float32)
    min_receptive_field = 224

Every table is validated before any model is profiled; a broken one raises
:class:`BudgetConfigError` naming the file, the table and the key.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import metrics as M
from .errors import ArchstatsError, UsageError
from .metrics import Metric
from .units import human, parse_quantity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class BudgetConfigError(UsageError):
    """A budget file that cannot be used: missing, malformed, or a table with a bad key or value."""


@dataclass(frozen=True)
class Limit:
    """A budget limit on one metric: a maximum, or (``upper=False``) a minimum."""

    metric: Metric
    upper: bool = True

    @property
    def key(self) -> str:
        """The TOML key and the check's name: ``max_params``, ``max_peak_memory``, ``min_receptive_field``."""
        return f"{'max' if self.upper else 'min'}_{self.metric.key}"


LIMITS: dict[str, Limit] = {
    limit.key: limit
    for limit in (
        *(Limit(m) for m in (M.PARAMS, M.MACS, M.FLOPS, M.PEAK_BYTES, M.ACTIVATION_BYTES, M.MODEL_BYTES)),
        Limit(M.RF, upper=False),
    )
}
SETTINGS = ("model", "input", "batch", "dtype", "model_size_dtype")
# what a regression budget compares against the baseline (receptive field and depth are stored, not gated)
GROWTH_METRICS: tuple[Metric, ...] = tuple(limit.metric for limit in LIMITS.values() if limit.upper)


@dataclass
class Budget:
    label: str
    model: str
    input_size: tuple[Any, ...] | None = None  # input specs (archstats.inputs), or None: the model's own
    batch: int = 1
    dtype: str | None = None  # None: the model's own
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
    config: str = ""  # the budget file, as the table's title names it

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


def _budget_tables(path: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The TOML table prefix and the budget tables under it."""
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
    return prefix, tables


def load_budgets(path: str | os.PathLike[str]) -> list[Budget]:
    """All budgets of a TOML file, validated; raises :class:`BudgetConfigError` on the first problem."""
    path = os.fspath(path)
    prefix, tables = _budget_tables(path, read_toml(path))
    budgets = []
    for label, table in tables.items():
        if not isinstance(table, dict):
            raise BudgetConfigError(
                f"{path}: [{prefix}] key {label!r}: expected a [{prefix}.{label}] table, got {_type(table)}"
            )
        budgets.append(_budget(label, table, f"{path}: [{prefix}.{label}]"))
    return budgets


_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a float",
    bool: "a boolean",
    list: "an array",
    dict: "a table",
}


def _type(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class _Table:
    """One budget table under validation: each error names the file, the table and the key."""

    def __init__(self, table: dict[str, Any], where: str) -> None:
        self.table, self.where = table, where

    def bad(self, key: str, why: str) -> BudgetConfigError:
        return BudgetConfigError(f"{self.where} {key}: {why}")

    def checked(self, key: str, check: Callable[[Any], Any]) -> Any:
        """``check(value)``, with an ArchstatsError it raises restated as this key's error."""
        try:
            return check(self.table[key])
        except ArchstatsError as exc:
            raise self.bad(key, str(exc)) from None


def _budget_model(t: _Table) -> str:
    from .loading import resolve

    for key in t.table:
        if key not in SETTINGS and key not in LIMITS:
            raise t.bad(key, f"unknown key; known keys: {', '.join((*SETTINGS, *LIMITS))}")
    if "model" not in t.table:
        raise t.bad("model", "missing: name a registered model or 'package.module:callable'")
    model = t.table["model"]
    if not isinstance(model, str):
        raise t.bad("model", f"expected a string, got {_type(model)}")
    t.checked("model", resolve)
    return model


def _budget_settings(t: _Table, budget: Budget) -> None:
    from .inputs import parse_specs

    if "input" in t.table:
        value = t.table["input"]
        ints = isinstance(value, list) and all(type(v) is int for v in value)
        specs = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
        if not isinstance(value, (str, list)) or (isinstance(value, list) and not (ints or specs)):
            why = (
                'expected a string like "3x224x224" or "ids=int64:128", an array of integers, '
                f"or an array of such strings (several inputs), got {_type(value)} {value!r}"
            )
            raise t.bad("input", why)
        budget.input_size = t.checked("input", parse_specs)
    if "batch" in t.table:
        value = t.table["batch"]
        if type(value) is not int or value < 1:
            raise t.bad("batch", f"expected a positive integer, got {_type(value)} {value!r}")
        budget.batch = value
    for key in ("dtype", "model_size_dtype"):
        if key in t.table:
            value = t.table[key]
            if not isinstance(value, str) or value not in _dtypes():
                raise t.bad(key, f"unsupported dtype {value!r}; choose one of: {', '.join(_dtypes())}")
            setattr(budget, key, value)


def _budget_limits(t: _Table) -> dict[str, int]:
    limits = {}
    for key, limit in LIMITS.items():
        if key not in t.table:
            continue
        value = t.table[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise t.bad(key, f"expected a number or a string with units, got {_type(value)} {value!r}")
        limits[key] = t.checked(key, functools.partial(parse_quantity, kind=limit.metric.unit))
        if limits[key] < 0:
            raise t.bad(key, f"a limit must not be negative, got {value!r}")
    if not limits:
        raise BudgetConfigError(f"{t.where}: no limits; set at least one of: {', '.join(LIMITS)}")
    return limits


def _budget(label: str, table: dict[str, Any], where: str) -> Budget:
    t = _Table(table, where)
    budget = Budget(label=label, model=_budget_model(t), source=where)
    _budget_settings(t, budget)
    budget.limits = _budget_limits(t)
    return budget


# --- measuring --------------------------------------------------------------------------------


def rf_max(rf_size: Sequence[Any]) -> int:
    values = [v for v in rf_size if v is not None]
    return int(max(values)) if values else 0


def exact_totals(totals: Any, model_size_dtype: str = "float32") -> dict[str, int]:
    """The baseline record of one budget: exact totals by metric name."""
    values = {m.name: getattr(totals, m.name) for m in M.COST}
    values[M.MODEL_BYTES.name] = totals.params * dtype_bytes(model_size_dtype)
    values[M.RF.name] = rf_max(totals.rf_size)
    values[M.DEPTH.name] = totals.depth
    return values


def measured_values(totals: Any, model_size_dtype: str = "float32") -> dict[str, int]:
    """Exact measured value per limit key, from a profile's totals."""
    exact = exact_totals(totals, model_size_dtype)
    return {key: exact[limit.metric.name] for key, limit in LIMITS.items()}


def both(value: float, kind: str) -> str:
    """Human units and the exact integer: ``61.1M (61,100,840)``."""
    h = human(value, kind)
    exact = f"{int(value):,}"
    return h if h.replace(",", "").split()[0] == str(int(value)) else f"{h} ({exact})"


def _limit_message(label: str, limit: Limit, value: int, bound: int) -> str:
    m = limit.metric
    if value <= bound if limit.upper else value >= bound:
        return f"{m.term} {both(value, m.unit)} within the limit {both(bound, m.unit)}"
    gap = abs(value - bound)
    pct = f" ({100.0 * gap / bound:.1f}%)" if bound else ""
    rel = "over the maximum" if limit.upper else "under the minimum"
    return f"{label}: {m.term} {both(value, m.unit)} is {rel} {both(bound, m.unit)} by {both(gap, m.unit)}{pct}"


def evaluate(label: str, model: str, measured: dict[str, int], limits: dict[str, int]) -> list[Result]:
    out = []
    for key, bound in limits.items():
        limit, value = LIMITS[key], measured[key]
        ok = value <= bound if limit.upper else value >= bound
        message = _limit_message(label, limit, value, bound)
        out.append(Result(label, model, key, limit.metric.unit, value, bound, ok, message))
    return out


def evaluate_growth(
    label: str, model: str, current: dict[str, int], base: dict[str, Any], max_growth: float
) -> list[Result]:
    out = []
    for m in GROWTH_METRICS:
        if m.name not in base or not isinstance(base[m.name], int):
            continue
        old, new = base[m.name], current[m.name]
        growth = 100.0 * (new - old) / old if old else (0.0 if new == old else float("inf"))
        ok = growth <= max_growth + 1e-12
        message = (
            f"{label}: {m.term} {both(new, m.unit)} vs baseline {both(old, m.unit)}: {growth:+.2f}% "
            f"(allowed +{max_growth:g}%)"
        )
        out.append(Result(label, model, f"{m.term} growth", "percent", growth, max_growth, ok, message, exact=False))
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
        raise BudgetConfigError(f'{path}: expected {{"budgets": {{label: {{metric: integer}}}}}}')
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
    config: str = "",
) -> CheckReport:
    """Profile each budget's model (once per distinct setting) and check every limit.

    ``config`` names the budget file in the report's table title.
    """
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
            cache[key] = profile(b.model, b.input_size, b.batch, "auto", dtype=b.dtype).totals
        t = cache[key]
        results += evaluate(b.label, b.model, measured_values(t, b.model_size_dtype), b.limits)
        totals[b.label] = exact_totals(t, b.model_size_dtype)
        if baseline is not None:
            if b.label in baseline:
                results += evaluate_growth(b.label, b.model, totals[b.label], baseline[b.label], max_growth)
            else:
                notes.append(f"{b.label}: no baseline entry (add it with --update-baseline)")
    return CheckReport(results, totals, notes, config)


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
        pct = "-" if r.headroom_pct is None else f"{r.headroom_pct:.1f}%"
        status = "pass" if r.passed else "FAIL"
        rows.append([r.label, r.model, r.check, _cell(r.measured, r.kind), limit, head, pct, status])
    return rows


def summary(report: CheckReport) -> str:
    n, bad = len(report.results), len(report.failures)
    labels = len(report.totals)
    if bad:
        return f"{bad} of {n} checks failed across {labels} budget(s)"
    return f"all {n} checks passed across {labels} budget(s)"


def table(report: CheckReport) -> list[Any]:
    """The terminal view: the results table, each failure, the notes and the summary line."""
    from rich.text import Text

    from .render import rich_table

    out: list[Any] = [rich_table(f"archstats budgets ({report.config})", HEADERS, result_cells(report), left=3)]
    out += [Text.assemble(("FAIL", "bold red"), f" {failure.message}") for failure in report.failures]
    out += [f"note: {note}" for note in report.notes]
    return [*out, summary(report)]


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

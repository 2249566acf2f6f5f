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

Nothing is skipped silently. Every table is validated before any model is profiled, and a broken
one raises :class:`BudgetConfigError` naming the file, the table and the key. A ``pyproject.toml``
is read under ``[tool.archstats.budgets]`` only, any other file under ``[budgets]`` only: the other
spelling, both at once, a misspelt table (``[budgetz.b]``, ``[tool.archstat.budgets.b]``) or an
unknown key is an error, and so is a baseline value that is not a non-negative integer.

Without ``--config``, the budgets come from the nearest ``pyproject.toml`` of the current directory
or its parents (:func:`find_config`), as ruff and pytest find their settings. Limits are echoed in
the unit they were written in: ``"250 MB"`` is shown as ``250 MB``, with the measured value beside
it in MB (:class:`Written`).
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import metrics as M
from .errors import ArchstatsError, UsageError
from .metrics import Metric
from .units import _NUMBER, human, parse_quantity  # _NUMBER: the parser's own number syntax

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
# the keys of one budget's baseline record (exact_totals)
BASELINE_KEYS: tuple[str, ...] = (*(m.name for m in M.COST), M.MODEL_BYTES.name, M.RF.name, M.DEPTH.name)


@dataclass(frozen=True)
class Written:
    """A limit as the user wrote it, so that tables and messages speak the same unit.

    ``"250 MB"`` is text ``250 MB``, unit ``MB``, scale 10**6; a bare number (``61000000`` or
    ``"61,000,000"``) has no unit and scale 1, and is shown exactly.
    """

    text: str
    unit: str = ""
    sep: str = ""  # between number and unit, as written: "250 MB" or "4.4M"
    scale: int = 1
    kind: str = "count"  # the unit kind of archstats.units: count, macs, flops, bytes

    def _number(self, value: float, decimals: int) -> str:
        return f"{value / self.scale:,.{decimals}f}{self.sep}{self.unit}"

    def _max_decimals(self) -> int:
        # no digits below one base unit (a byte, a parameter): 10**6 allows six decimals
        return max(0, math.floor(math.log10(self.scale)))

    def format(self, value: float, against: float | None = None) -> str:
        """``value`` in this unit, three significant digits; more when needed to tell it from ``against``."""
        if self.scale == 1:
            return f"{int(value):,}{self.sep}{self.unit}"
        x = abs(value) / self.scale
        if 0 < x < 0.01:  # smaller than the unit can show: the exact count of base units
            return f"{int(value):,}{_BASE_UNITS[self.kind]}"
        top = self._max_decimals()
        decimals = min(
            top, 0 if x >= 100 else 1 if x >= 10 else 2 if x >= 1 or x == 0 else 2 - math.floor(math.log10(x))
        )
        while against is not None and value != against and decimals < top:
            if self._number(value, decimals) != self._number(against, decimals):
                break
            decimals += 1
        return self._number(value, decimals)


# the unit of one, by kind: a value too small for the written unit is shown as an exact count of these
_BASE_UNITS = {"count": "", "macs": " MACs", "flops": " FLOPs", "bytes": " B"}


def as_written(value: str | int | float, kind: str) -> Written:
    """How a limit that parsed as ``kind`` was written: its text, unit and the unit's scale."""
    if not isinstance(value, str):
        return Written(f"{round(value):,}", kind=kind)
    text = value.strip()
    match = _NUMBER.match(text)
    if match is None:  # pragma: no cover - parse_quantity accepted it, so the number matches
        return Written(text, kind=kind)
    rest = text[match.end(1) :]
    unit = rest.strip()
    # the unit's own size, asked of the parser that read the limit ("1 MB" is 10**6 bytes)
    scale = parse_quantity(f"1{unit}", kind) if unit else 1
    return Written(text, unit, " " if rest[:1].isspace() else "", scale, kind)


@dataclass
class Budget:
    label: str
    model: str
    input_size: tuple[Any, ...] | None = None  # input specs (archstats.inputs), or None: the model's own
    batch: int = 1
    dtype: str | None = None  # None: the model's own
    model_size_dtype: str = "float32"
    limits: dict[str, int] = field(default_factory=dict)  # limit key -> exact limit
    written: dict[str, Written] = field(default_factory=dict)  # limit key -> the limit as written
    source: str = ""  # "pyproject.toml: [tool.archstats.budgets.resnet50]"
    path: str = ""  # the budget file


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
    written: Written | None = None  # the limit as written (None: shown in human units)

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


# --- finding and reading the budget file -------------------------------------------------------

DEFAULT_CONFIG = "pyproject.toml"
# a directory holding one of these is a repository's root: the search for pyproject.toml stops there
VCS_MARKERS = (".git", ".hg", ".svn")


def _close(key: str, target: str) -> bool:
    """``key`` reads like a misspelt ``target`` ("budgetz", "budget", "archstat")."""
    return key != target and bool(difflib.get_close_matches(key.lower(), [target], n=1, cutoff=0.75))


def _meant_for_archstats(data: dict[str, Any]) -> bool:
    """A pyproject.toml that holds archstats budgets, or tables that look like misspelt ones."""
    tool = data.get("tool")
    tools = list(tool) if isinstance(tool, dict) else []
    return any(k == "archstats" or _close(k, "archstats") for k in tools) or any(
        k == "budgets" or _close(k, "budgets") for k in data
    )


def _search_dirs(start: str) -> Iterator[str]:
    """``start`` and its parents, up to a VCS root or the filesystem root."""
    here = os.path.abspath(start)
    while True:
        yield here
        parent = os.path.dirname(here)
        if parent == here or any(os.path.exists(os.path.join(here, m)) for m in VCS_MARKERS):
            return
        here = parent


def find_config(start: str | None = None) -> str:
    """The ``pyproject.toml`` that holds the budgets, searched from ``start`` (the current directory) up.

    As ruff and pytest find their settings: the nearest ``pyproject.toml`` with a
    ``[tool.archstats]`` table (or with tables that look like misspelt budget tables, so that
    validation names them), else the nearest ``pyproject.toml`` at all (whose validation then says
    it has no budgets). The search stops at a repository root (a directory holding ``.git``,
    ``.hg`` or ``.svn``) or at the filesystem root. The path is relative to the current directory.
    """
    start = start or os.getcwd()
    found = [os.path.join(d, DEFAULT_CONFIG) for d in _search_dirs(start)]
    found = [p for p in found if os.path.isfile(p)]
    if not found:
        dirs = list(_search_dirs(start))
        raise BudgetConfigError(
            f"no {DEFAULT_CONFIG} in {dirs[0]} or its parents up to {dirs[-1]}: "
            "add [tool.archstats.budgets.<label>] tables to one, or pass --config FILE"
        )
    chosen = next((p for p in found if _meant_for_archstats(read_toml(p))), found[0])
    return _display_path(chosen)


def _display_path(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive (Windows)
        return path


def resolve_config(path: str | os.PathLike[str] | None = None) -> str:
    """The budget file to read: ``path`` itself, except that the default (``None`` or the bare name
    ``pyproject.toml``) is searched for in the current directory and its parents (:func:`find_config`)."""
    if path is None or os.fspath(path) == DEFAULT_CONFIG:
        return find_config()
    return os.fspath(path)


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    path = os.fspath(path)
    if os.path.isdir(path):
        raise BudgetConfigError(f"{path}: is a directory, not a budget file")
    if not os.path.isfile(path):
        raise BudgetConfigError(f"{path}: budget file not found")
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except UnicodeDecodeError as exc:  # tomllib decodes UTF-8 itself
        raise BudgetConfigError(
            f"{path}: not UTF-8 text (TOML files are UTF-8): byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise BudgetConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise BudgetConfigError(f"{path}: cannot read: {exc.strerror}") from None


# --- which tables of the file are budgets --------------------------------------------------------

PYPROJECT_PREFIX = "tool.archstats.budgets"
FILE_PREFIX = "budgets"


def _did_you_mean(key: str, target: str, shown: str) -> str:
    return f" (did you mean [{shown}]?)" if _close(key, target) else ""


def _pyproject_tables(path: str, data: dict[str, Any]) -> Any:
    """``[tool.archstats.budgets]`` of a pyproject.toml; a misplaced or misspelt budget table is an error."""
    for key in data:
        if key == FILE_PREFIX or _close(key, FILE_PREFIX):
            raise BudgetConfigError(
                f"{path}: [{key}] is not read in {DEFAULT_CONFIG}: budgets go in [{PYPROJECT_PREFIX}.<label>] tables"
            )
    tool = data.get("tool", {})
    for key in tool if isinstance(tool, dict) else ():
        if _close(key, "archstats"):
            raise BudgetConfigError(f"{path}: unknown table [tool.{key}] (did you mean [tool.archstats]?)")
    archstats = tool.get("archstats", {}) if isinstance(tool, dict) else {}
    if not isinstance(archstats, dict):
        raise BudgetConfigError(f"{path}: [tool.archstats] must be a table holding [{PYPROJECT_PREFIX}.<label>]")
    for key in archstats:
        if key != "budgets":
            hint = _did_you_mean(key, "budgets", PYPROJECT_PREFIX)
            raise BudgetConfigError(
                f"{path}: unknown table [tool.archstats.{key}]{hint}; archstats reads [{PYPROJECT_PREFIX}.<label>] only"
            )
    return archstats.get("budgets")


def _file_tables(path: str, data: dict[str, Any]) -> Any:
    """``[budgets]`` of a budget file other than pyproject.toml: any other top-level key is an error."""
    for key in data:
        if key == FILE_PREFIX:
            continue
        if key == "tool":
            raise BudgetConfigError(
                f"{path}: [tool] tables are read in {DEFAULT_CONFIG} only; in a separate budget file "
                f"write [{FILE_PREFIX}.<label>] tables"
            )
        what = f"table [{key}]" if isinstance(data[key], dict) else f"key {key!r}"
        hint = _did_you_mean(key, FILE_PREFIX, FILE_PREFIX)
        raise BudgetConfigError(
            f"{path}: unknown {what}{hint}; a budget file holds [{FILE_PREFIX}.<label>] tables only"
        )
    return data.get(FILE_PREFIX)


def _has_tool_budgets(data: dict[str, Any]) -> bool:
    tool = data.get("tool")
    archstats = tool.get("archstats") if isinstance(tool, dict) else None
    return isinstance(archstats, dict) and "budgets" in archstats


def _budget_tables(path: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The TOML table prefix and the budget tables under it."""
    pyproject = os.path.basename(path) == DEFAULT_CONFIG
    prefix = PYPROJECT_PREFIX if pyproject else FILE_PREFIX
    if FILE_PREFIX in data and _has_tool_budgets(data):  # which one was meant cannot be guessed
        raise BudgetConfigError(
            f"{path}: both [{FILE_PREFIX}] and [{PYPROJECT_PREFIX}] tables; keep one: [{prefix}.<label>] in this file"
        )
    tables = _pyproject_tables(path, data) if pyproject else _file_tables(path, data)
    if tables is None:
        raise BudgetConfigError(f"{path}: no budgets: add [{prefix}.<label>] tables")
    if not isinstance(tables, dict):
        raise BudgetConfigError(f"{path}: [{prefix}] must be a table of [{prefix}.<label>] tables")
    if not tables:
        raise BudgetConfigError(f"{path}: [{prefix}] has no budget tables")
    return prefix, tables


@contextlib.contextmanager
def importable_from(path: str) -> Iterator[None]:
    """Model import paths resolve from the budget file's directory too (after the current
    directory), so that budgets found in a parent directory import the project's modules."""
    folder = os.path.dirname(os.path.abspath(path))
    if folder in sys.path or folder == os.getcwd():
        yield
        return
    sys.path.append(folder)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(folder)


def load_budgets(path: str | os.PathLike[str] | None = None) -> list[Budget]:
    """All budgets of a TOML file, validated; raises :class:`BudgetConfigError` on the first problem.

    ``None`` or the bare name ``pyproject.toml`` is searched for in the current directory and its
    parents (:func:`resolve_config`); each budget's ``path`` names the file that was read.
    """
    path = resolve_config(path)
    prefix, tables = _budget_tables(path, read_toml(path))
    budgets = []
    with importable_from(path):
        for label, table in tables.items():
            if not isinstance(table, dict):
                raise BudgetConfigError(
                    f"{path}: [{prefix}] key {label!r}: expected a [{prefix}.{label}] table, got {_type(table)}"
                )
            budgets.append(_budget(label, table, f"{path}: [{prefix}.{label}]", path))
    return budgets


# --- one budget table ---------------------------------------------------------------------------

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


def _dtypes() -> dict[str, Any]:
    from .profile import _DTYPES

    return _DTYPES


def dtype_bytes(name: str) -> int:
    return _dtypes()[name].itemsize


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


def _budget_limits(t: _Table, budget: Budget) -> None:
    for key, limit in LIMITS.items():
        if key not in t.table:
            continue
        value = t.table[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise t.bad(key, f"expected a number or a string with units, got {_type(value)} {value!r}")
        budget.limits[key] = t.checked(key, functools.partial(parse_quantity, kind=limit.metric.unit))
        if budget.limits[key] < 0:
            raise t.bad(key, f"a limit must not be negative, got {value!r}")
        budget.written[key] = as_written(value, limit.metric.unit)
    if not budget.limits:
        raise BudgetConfigError(f"{t.where}: no limits; set at least one of: {', '.join(LIMITS)}")


def _budget(label: str, table: dict[str, Any], where: str, path: str = "") -> Budget:
    t = _Table(table, where)
    budget = Budget(label=label, model=_budget_model(t), source=where, path=path)
    _budget_settings(t, budget)
    _budget_limits(t, budget)
    return budget


# --- measuring --------------------------------------------------------------------------------


def rf_max(rf_size: Sequence[Any]) -> int:
    values = [v for v in rf_size if v is not None]
    return int(max(values)) if values else 0


def exact_totals(totals: Any, model_size_dtype: str = "float32") -> dict[str, int]:
    """The baseline record of one budget: exact totals by metric name (:data:`BASELINE_KEYS`)."""
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


def _with_exact(shown: str, value: float) -> str:
    """A value shown in the user's unit, followed by the exact integer unless that is what is shown."""
    match = _NUMBER.match(shown)
    number = match.group(1).replace(",", "").replace("_", "") if match else ""
    return shown if number == str(int(value)) else f"{shown} ({int(value):,})"


def _limit_message(label: str, limit: Limit, value: int, bound: int, w: Written | None = None) -> str:
    m = limit.metric
    if w is None:  # no text as written (assert_within_budget): human units
        shown, bound_shown = both(value, m.unit), both(bound, m.unit)
    else:
        shown, bound_shown = _with_exact(w.format(value, bound), value), _with_exact(w.text, bound)
    if value <= bound if limit.upper else value >= bound:
        return f"{m.term} {shown} within the limit {bound_shown}"
    gap = abs(value - bound)
    gap_shown = both(gap, m.unit) if w is None else _with_exact(w.format(gap), gap)
    pct = f" ({100.0 * gap / bound:.1f}%)" if bound else ""
    rel = "over the maximum" if limit.upper else "under the minimum"
    return f"{label}: {m.term} {shown} is {rel} {bound_shown} by {gap_shown}{pct}"


def evaluate(
    label: str,
    model: str,
    measured: dict[str, int],
    limits: dict[str, int],
    written: dict[str, Written] | None = None,
) -> list[Result]:
    """One result per limit; ``written`` (limit key -> the limit as written) sets the unit shown."""
    out = []
    for key, bound in limits.items():
        limit, value = LIMITS[key], measured[key]
        w = (written or {}).get(key)
        ok = value <= bound if limit.upper else value >= bound
        message = _limit_message(label, limit, value, bound, w)
        out.append(Result(label, model, key, limit.metric.unit, value, bound, ok, message, written=w))
    return out


def evaluate_growth(
    label: str, model: str, current: dict[str, int], base: dict[str, Any], max_growth: float
) -> list[Result]:
    """Growth over the baseline per metric the baseline holds (:func:`missing_growth` names the others)."""
    out = []
    for m in GROWTH_METRICS:
        if m.name not in base:
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


def missing_growth(label: str, base: dict[str, Any]) -> list[str]:
    """A note per metric whose growth cannot be checked because the baseline lacks it."""
    missing = [m.name for m in GROWTH_METRICS if m.name not in base]
    if not missing:
        return []
    return [
        f"{label}: the baseline has no {', '.join(missing)}: not checked for growth (refresh it with --update-baseline)"
    ]


# --- baselines ----------------------------------------------------------------------------------


def _baseline_entry(path: str, label: str, entry: Any) -> dict[str, int]:
    """One budget's baseline record: known metric names, each a non-negative integer."""
    where = f"{path}: budgets[{json.dumps(label)}]"
    if not isinstance(entry, dict):
        raise BudgetConfigError(f"{where}: expected an object of metric: integer, got {type(entry).__name__}")
    for key, value in entry.items():
        if key not in BASELINE_KEYS:
            raise BudgetConfigError(f"{where}[{json.dumps(key)}]: unknown metric; known: {', '.join(BASELINE_KEYS)}")
        # bool is an int to Python but not a count; a negative count would make growth meaningless
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BudgetConfigError(
                f"{where}[{json.dumps(key)}]: expected a non-negative integer, got {json.dumps(value)}"
            )
    return entry


def load_baseline(path: str | os.PathLike[str]) -> dict[str, dict[str, int]]:
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise BudgetConfigError(f"{path}: baseline file not found (write it with --update-baseline)")
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:  # ValueError covers bad JSON and bytes that are not UTF-8
        raise BudgetConfigError(f"{path}: not a readable JSON baseline: {exc}") from None
    budgets = data.get("budgets") if isinstance(data, dict) else None
    if not isinstance(budgets, dict):
        raise BudgetConfigError(f'{path}: expected {{"budgets": {{label: {{metric: integer}}}}}}')
    return {label: _baseline_entry(path, label, entry) for label, entry in budgets.items()}


def write_baseline(path: str | os.PathLike[str], report: CheckReport) -> None:
    data = {"archstats_baseline": 1, "budgets": report.totals}
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.write("\n")
    except OSError as exc:
        raise UsageError(f"{os.fspath(path)}: cannot write the baseline: {exc.strerror}") from None


# --- checking -----------------------------------------------------------------------------------


def _baseline_results(
    b: Budget, current: dict[str, int], baseline: dict[str, dict[str, Any]], max_growth: float
) -> tuple[list[Result], list[str]]:
    if b.label not in baseline:
        return [], [f"{b.label}: no baseline entry (add it with --update-baseline)"]
    base = baseline[b.label]
    return evaluate_growth(b.label, b.model, current, base, max_growth), missing_growth(b.label, base)


def check_budgets(
    budgets: Sequence[Budget],
    baseline: dict[str, dict[str, Any]] | None = None,
    max_growth: float = 0.0,
    on_step: Callable[[Budget], None] | None = None,
    config: str = "",
) -> CheckReport:
    """Profile each budget's model (once per distinct setting) and check every limit.

    The report's title names the file the budgets were read from (``config`` when they name none
    or several).
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
            with importable_from(b.path) if b.path else contextlib.nullcontext():
                cache[key] = profile(b.model, b.input_size, b.batch, "auto", dtype=b.dtype).totals
        t = cache[key]
        results += evaluate(b.label, b.model, measured_values(t, b.model_size_dtype), b.limits, b.written)
        totals[b.label] = exact_totals(t, b.model_size_dtype)
        if baseline is not None:
            grown, missing = _baseline_results(b, totals[b.label], baseline, max_growth)
            results, notes = results + grown, notes + missing
    if baseline is not None:
        notes += [f"baseline entry {label!r} has no budget" for label in baseline if label not in totals]
    paths = {b.path for b in budgets if b.path}
    return CheckReport(results, totals, notes, paths.pop() if len(paths) == 1 else config)


# --- output -----------------------------------------------------------------------------------

HEADERS = ["budget", "model", "check", "measured", "limit", "headroom", "headroom %", "status"]


def _cell(value: float, kind: str) -> str:
    if kind == "percent":
        return f"{value:+.2f}%" if value != float("inf") else "+inf%"
    return human(value, kind)


def _cells(r: Result) -> list[str]:
    """measured, limit, headroom: in the unit the limit was written in, or human units."""
    if r.kind == "percent":
        return [_cell(r.measured, r.kind), f"+{r.limit:g}%", f"{r.headroom:.2f} pt"]
    if r.written is not None:
        return [r.written.format(r.measured, r.limit), r.written.text, r.written.format(r.headroom)]
    return [_cell(r.measured, r.kind), _cell(r.limit, r.kind), _cell(r.headroom, r.kind)]


def result_cells(report: CheckReport) -> list[list[str]]:
    rows = []
    for r in report.results:
        measured, limit, head = _cells(r)
        pct = "-" if r.headroom_pct is None else f"{r.headroom_pct:.1f}%"
        status = "pass" if r.passed else "FAIL"
        rows.append([r.label, r.model, r.check, measured, limit, head, pct, status])
    return rows


def summary(report: CheckReport) -> str:
    n, bad = len(report.results), len(report.failures)
    labels = len(report.totals)
    if bad:
        return f"{bad} of {n} checks failed across {labels} budget(s)"
    return f"all {n} checks passed across {labels} budget(s)"


def _columns() -> list[Any]:
    """The terminal table's columns. Never dropped: budget, check, measured, limit, status (what
    was checked and whether it passed). Dropped first to fit: model (the label usually names it),
    then the absolute headroom, then the headroom in percent."""
    from .render import FitColumn

    return [
        FitColumn("budget"),
        FitColumn("model", 3),
        FitColumn("check"),
        FitColumn("measured", justify="right"),
        FitColumn("limit", justify="right"),
        FitColumn("headroom", 2, "right"),
        FitColumn("headroom %", 1, "right"),
        FitColumn("status", justify="right"),
    ]


def table(report: CheckReport) -> list[Any]:
    """The terminal view: the results table, each failure, the notes and the summary line."""
    from rich.markup import escape
    from rich.text import Text

    from .render import FittedTable

    rows: list[list[Any]] = result_cells(report)
    for row in rows:
        row[-1] = Text(row[-1], style="bold red" if row[-1] == "FAIL" else "green")
    # rich reads a title as markup: a path such as ci/[x]/budgets.toml must stay as it is
    title = escape(f"archstats budgets ({report.config})")
    out: list[Any] = [FittedTable(_columns(), rows, title=title)]
    out += [Text.assemble(("FAIL", "bold red"), f" {failure.message}") for failure in report.failures]
    out += [f"note: {note}" for note in report.notes]
    return [*out, summary(report)]


def markdown(report: CheckReport) -> str:
    """A CI job summary; every name and message is escaped (a label may hold ``<script>``)."""
    from . import doc

    blocks: list[doc.Block] = [
        doc.Heading(2, "archstats budgets"),
        doc.Para(summary(report) + ("" if report.passed else " :x:")),
    ]
    if report.config:
        blocks.append(doc.Para(("budget file: ", doc.Code(report.config))))
    cells = tuple(tuple(r) for r in result_cells(report))
    blocks.append(doc.Table(tuple(HEADERS), cells, numeric=tuple(range(3, len(HEADERS)))))
    if report.failures:
        blocks += [doc.Heading(3, "Failures"), doc.Bullets(tuple(r.message for r in report.failures))]
    if report.notes:
        blocks.append(doc.Bullets(tuple(report.notes)))
    return doc.markdown(blocks)


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

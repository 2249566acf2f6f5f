"""The one number formatter: human units for tables (exact integers go to CSV and JSON)."""

from __future__ import annotations

import math
import re as _re
from decimal import Decimal as _Decimal
from decimal import InvalidOperation as _InvalidOperation
from typing import Any

from .errors import UsageError as _UsageError

_SI = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K"))
_BINARY = ((1024**4, "TiB"), (1024**3, "GiB"), (1024**2, "MiB"), (1024, "KiB"))


def _mantissa(m: float) -> str:
    if m < 10:
        return f"{m:.2f}"
    if m < 100:
        return f"{m:.1f}"
    return f"{m:.0f}"


def human(value: Any, kind: str = "count") -> str:
    """Format ``value`` for people.

    ``count`` (params): 61.1M, 1.25M, 138M. ``macs`` / ``flops``: a giga-scale figure stays in G
    down to 0.1 G (0.72 GMACs, as papers quote AlexNet), smaller ones step down. ``bytes``:
    binary units (58.2 MiB). ``ratio``: 48.8x.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    sign = "-" if value < 0 else ""
    if kind == "ratio":
        return f"{_mantissa(value)}x"
    if kind == "bytes":
        for scale, unit in _BINARY:
            if abs(value) >= scale:
                return f"{sign}{_mantissa(abs(value) / scale)} {unit}"
        return f"{int(value)} B"
    suffix = {"count": "", "macs": " MACs", "flops": " FLOPs"}[kind]
    # counts step down at 1.0 of a unit; compute steps down at 0.1 (0.72 G rather than 724 M)
    floor = 1.0 if kind == "count" else 0.1
    for si_scale, prefix in _SI:
        if abs(value) >= floor * si_scale:
            return f"{sign}{_mantissa(abs(value) / si_scale)}{'' if kind == 'count' else ' '}{prefix}{suffix.strip()}"
    return f"{int(value)}{suffix}"


# --- parsing: the inverse of ``human`` for budgets ("1.3M", "850 MMACs", "4.5 MiB", "0.5MB") ---

_PREFIX = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9, "t": 10**12}
_SUFFIXES = {"count": ("",), "macs": ("", "mac", "macs", "madd", "madds"), "flops": ("", "flop", "flops")}
_PLAIN_BYTES = {"": 1, "b": 1, "byte": 1, "bytes": 1}
_DECIMAL_BYTES = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_BINARY_BYTES = {"kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4}
_BYTE_UNITS = _PLAIN_BYTES | _DECIMAL_BYTES | _BINARY_BYTES
_NUMBER = _re.compile(r"^\s*([+-]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")
_EXAMPLES = {
    "count": "1.3M, 850K, 61,100,840",
    "macs": "850M, 0.9G, 850 MMACs",
    "flops": "1.2G, 1.2 GFLOPs",
    "bytes": "4.5 MiB, 0.5MB (10^6), 512KiB, 2 GB",
}


class QuantityError(_UsageError, ValueError):
    """A number with a unit that does not parse for its kind."""


def _unit_scale(unit: str, kind: str) -> int | None:
    u = unit.lower().replace(" ", "")
    if kind == "bytes":
        return _BYTE_UNITS.get(u)
    for suffix in _SUFFIXES[kind]:
        if u.endswith(suffix):
            prefix = u[: len(u) - len(suffix)] if suffix else u
            if prefix in _PREFIX and not (prefix == "b" and kind != "count" and suffix):
                return _PREFIX[prefix]
    return None


def parse_quantity(text: str | int | float, kind: str = "count") -> int:
    """Parse a human quantity of ``kind`` (count, macs, flops, bytes) into an exact integer.

    SI prefixes K/M/G/T (B for billion) for counts, MACs and FLOPs, with an optional matching
    suffix ("850 MMACs", "1.2 GFLOPs"); bytes take decimal KB/MB/GB (10^3 steps) and binary
    KiB/MiB/GiB (1024 steps). Thousands separators are allowed. Fractions round to the nearest integer.
    """
    if kind not in _EXAMPLES:
        raise ValueError(f"unknown quantity kind {kind!r}; choose one of: {', '.join(_EXAMPLES)}")
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise QuantityError(f"expected a number or a string like {_EXAMPLES[kind]}, got {type(text).__name__} {text!r}")
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        if not math.isfinite(text):
            raise QuantityError(f"expected a finite number, got {text!r}")
        return round(text)
    match = _NUMBER.match(text)
    scale = _unit_scale(match.group(2), kind) if match else None
    if match is None or scale is None:
        what = f"unit {match.group(2)!r} in {text!r}" if match else f"{text!r}"
        raise QuantityError(f"bad {kind} quantity: {what}; expected e.g. {_EXAMPLES[kind]}")
    number = match.group(1).replace(",", "").replace("_", "")
    try:
        value = _Decimal(number) * scale
    except _InvalidOperation:
        raise QuantityError(f"bad {kind} quantity {text!r}: {number!r} is not a number") from None
    return int(value.to_integral_value())


# --- measured quantities: times and rates (``archstats bench``) ---

_TIME_UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"))


def human_time(seconds: float | None) -> str:
    """A duration for people: 1.25 s, 12.3 ms, 850 µs, 95.0 ns (negative too: an overhead can be)."""
    if seconds is None or (isinstance(seconds, float) and not math.isfinite(seconds)):
        return "-"
    sign, size = ("-" if seconds < 0 else ""), abs(seconds)
    if size == 0:
        return "0 s"
    for scale, unit in _TIME_UNITS:
        if size >= scale or unit == "ns":
            return f"{sign}{_mantissa(size / scale)} {unit}"
    return f"{sign}{size} s"  # pragma: no cover (the loop always returns)


def human_rate(value: float | None, kind: str = "flops") -> str:
    """A rate for people, in SI steps: FLOP/s (``flops``: 1.25 TFLOP/s) or bytes/s (``bytes``:
    12.3 GB/s, decimal as bandwidths are quoted)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    unit = {"flops": "FLOP/s", "bytes": "B/s"}[kind]
    sign = "-" if value < 0 else ""
    for scale, prefix in _SI:
        if abs(value) >= scale:
            return f"{sign}{_mantissa(abs(value) / scale)} {prefix}{unit}"
    return f"{sign}{_mantissa(abs(value))} {unit}"

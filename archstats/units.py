"""The one number formatter: human units for tables (exact integers go to CSV and JSON)."""

from __future__ import annotations

import math
from typing import Any

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
    for scale, prefix in _SI:
        if abs(value) >= floor * scale:
            return f"{sign}{_mantissa(abs(value) / scale)}{'' if kind == 'count' else ' '}{prefix}{suffix.strip()}"
    return f"{int(value)}{suffix}"

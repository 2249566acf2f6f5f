"""A pytest helper: fail a test when a model outgrows its budget.

Example (in a test module)::

    from archstats.testing import assert_within_budget

    def test_mobile_budget():
        assert_within_budget(MyNet(), (3, 224, 224), params="4.5M", macs="0.6G", peak_memory="12 MiB")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .budgets import LIMITS, evaluate, measured_values
from .errors import UsageError
from .units import QuantityError, parse_quantity

# keyword of assert_within_budget -> budget limit key: a maximum is named by its metric alone
# (params, peak_memory), a minimum keeps its prefix (min_receptive_field)
_KEYWORDS = {key.removeprefix("max_"): key for key in LIMITS}


def _limits(given: dict[str, float | str | None]) -> dict[str, int]:
    limits: dict[str, int] = {}
    for kw, value in given.items():
        if value is None:
            continue
        key = _KEYWORDS[kw]
        try:
            limits[key] = parse_quantity(value, LIMITS[key].metric.unit)
        except QuantityError as exc:
            raise UsageError(f"assert_within_budget({kw}=...): {exc}") from None
    if not limits:
        raise UsageError("assert_within_budget needs at least one limit: " + ", ".join(_KEYWORDS))
    return limits


def assert_within_budget(
    model: Any,
    input_size: Sequence[int] | str | None = None,
    batch_size: int = 1,
    *,
    params: float | str | None = None,
    macs: float | str | None = None,
    flops: float | str | None = None,
    peak_memory: float | str | None = None,
    total_memory: float | str | None = None,
    model_size: float | str | None = None,
    min_receptive_field: int | str | None = None,
    dtype: str = "float32",
    model_size_dtype: str = "float32",
) -> None:
    """Profile ``model`` on meta tensors and raise AssertionError if any given limit is broken.

    Limits accept human units ("1.3M", "0.9G", "4.5 MiB"). The error names every broken metric
    with the measured value and the limit, in human units and exact.
    """
    limits = _limits(
        dict(
            params=params,
            macs=macs,
            flops=flops,
            peak_memory=peak_memory,
            total_memory=total_memory,
            model_size=model_size,
            min_receptive_field=min_receptive_field,
        )
    )
    from .profile import profile

    p = profile(model, input_size, batch_size, "meta", dtype=dtype)
    results = evaluate(p.name, p.name, measured_values(p.totals, model_size_dtype), limits)
    failures = [r.message for r in results if not r.passed]
    if failures:
        raise AssertionError("; ".join(failures))

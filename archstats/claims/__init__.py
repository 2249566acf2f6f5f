"""``archstats claims``: every quantitative claim of the lecture notes, checked by measurement."""

from __future__ import annotations

from dataclasses import dataclass

# Imported for their registrations: one module per section of the notes.
from . import alexnet_vgg, conv, googlenet, modern, resnet, squeeze_dense  # noqa: F401
from .base import (
    APPROX,
    FAILS,
    HOLDS,
    NOT_CHECKABLE,
    SECTIONS,
    VERDICTS,
    Claim,
    Measurement,
    Outcome,
    catalog,
    get_check,
)

__all__ = [
    "APPROX",
    "FAILS",
    "HOLDS",
    "NOT_CHECKABLE",
    "SECTIONS",
    "VERDICTS",
    "Claim",
    "ClaimResult",
    "Measurement",
    "Outcome",
    "catalog",
    "run",
    "select",
]


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    outcome: Outcome | None  # None when the check crashed or is missing
    error: str = ""


def select(ids: list[str] | tuple[str, ...] | None = None) -> list[Claim]:
    """Claims by id, in catalog order; unknown ids raise a UsageError naming close matches."""
    import difflib

    from ..errors import UsageError

    claims = catalog()
    if not ids:
        return claims
    by_id = {c.id: c for c in claims}
    for i in ids:
        if i not in by_id:
            close = difflib.get_close_matches(i, list(by_id), n=3, cutoff=0.5)
            hint = f"; did you mean: {', '.join(close)}?" if close else "; run `archstats claims` to list them"
            raise UsageError(f"unknown claim {i!r}{hint}")
    return [by_id[i] for i in dict.fromkeys(ids)]


def run(claims: list[Claim]) -> list[ClaimResult]:
    """Run each claim's check; a check that crashes is reported, not raised."""
    results = []
    for claim in claims:
        fn = get_check(claim.id)
        if fn is None:
            results.append(ClaimResult(claim, None, "no check is registered for this claim"))
            continue
        try:
            results.append(ClaimResult(claim, fn(claim)))
        except Exception as exc:  # one broken check must not hide the others
            results.append(ClaimResult(claim, None, f"{type(exc).__name__}: {exc}"))
    return results

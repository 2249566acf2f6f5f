"""``archstats claims``: every checkable claim of the lecture notes, checked by measurement."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from .base import (
    AMBIGUOUS,
    APPROX,
    ERRATUM,
    FAILS,
    HOLDS,
    NOT_CHECKABLE,
    POLICY,
    SECTIONS,
    VERDICTS,
    Claim,
    Measurement,
    Outcome,
    Reading,
    Unchecked,
    catalog,
    get_check,
    unchecked,
)

# One module per section of the notes, imported for their registrations.
_SECTION_MODULES = ("conv", "alexnet_vgg", "googlenet", "resnet", "squeeze_dense", "modern")
BROKEN: dict[str, str] = {}  # TRANSITION: section modules being rewritten; emptied before landing
for _name in _SECTION_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except Exception as _exc:
        BROKEN[_name] = f"{type(_exc).__name__}: {_exc}"

__all__ = [
    "AMBIGUOUS",
    "APPROX",
    "ERRATUM",
    "FAILS",
    "HOLDS",
    "NOT_CHECKABLE",
    "POLICY",
    "SECTIONS",
    "VERDICTS",
    "Claim",
    "ClaimResult",
    "Measurement",
    "Outcome",
    "Reading",
    "Unchecked",
    "catalog",
    "run",
    "select",
    "unchecked",
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

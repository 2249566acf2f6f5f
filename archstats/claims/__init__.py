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
for _name in _SECTION_MODULES:
    importlib.import_module(f"{__name__}.{_name}")

# Seconds each section's checks take on the development machine, only used to split the catalogue
# evenly between parallel workers (a wrong figure costs balance, not results). The other five share
# many profiled models, so together they take about what the EfficientNet section takes alone.
_SECTION_SECONDS = {
    "Convolution arithmetic": 0.7,
    "AlexNet and VGG": 0.6,
    "GoogLeNet / Inception": 0.45,
    "ResNet": 1.3,
    "SqueezeNet, Xception, DenseNet": 1.3,
    "SENet, ResNeXt, EfficientNet, NASNet": 4.0,
}


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


def _run_one(claim: Claim) -> ClaimResult:
    fn = get_check(claim.id)
    if fn is None:
        return ClaimResult(claim, None, "no check is registered for this claim")
    try:
        return ClaimResult(claim, fn(claim))
    except Exception as exc:  # one broken check must not hide the others
        return ClaimResult(claim, None, f"{type(exc).__name__}: {exc}")


def run(claims: list[Claim], jobs: int = 1) -> list[ClaimResult]:
    """Run each claim's check, in catalog order; a check that crashes is reported, not raised.

    ``jobs`` > 1 splits the claims by section between forked worker processes (where the platform
    forks; elsewhere they run here): the results are the same, in the same order.
    """
    import multiprocessing

    groups = _partition(claims, jobs)
    if len(groups) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_run_one(c) for c in claims]
    import pandas  # noqa: F401  (every check's profile needs it: imported once, before the fork)

    with multiprocessing.get_context("fork").Pool(len(groups)) as pool:
        parts = pool.map(_run_ids, [[c.id for c in g] for g in groups])
    by_id = {r.claim.id: r for part in parts for r in part}
    return [by_id[c.id] for c in claims]


def _run_ids(ids: list[str]) -> list[ClaimResult]:
    """A worker's share (by id: claims and results cross the process boundary as pickles)."""
    import torch

    torch.set_num_threads(1)  # two workers on two cores: one thread each (this process only)
    return [_run_one(c) for c in select(ids)]


def _partition(claims: list[Claim], jobs: int) -> list[list[Claim]]:
    """Whole sections (they share profiled models) to ``jobs`` groups, the longest section first."""
    sections: dict[str, list[Claim]] = {}
    for c in claims:
        sections.setdefault(c.section, []).append(c)
    groups: list[list[Claim]] = [[] for _ in range(max(1, min(jobs, len(sections))))]
    load = [0.0] * len(groups)
    for section in sorted(sections, key=lambda s: -_SECTION_SECONDS.get(s, 1.0)):
        i = load.index(min(load))
        groups[i] += sections[section]
        load[i] += _SECTION_SECONDS.get(section, 1.0)
    return [g for g in groups if g]

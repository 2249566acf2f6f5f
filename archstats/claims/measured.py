"""Measured checks: claims of the notes that only a stopwatch can decide, opt-in and apart.

The catalogue's verdicts (``archstats claims``) are deterministic: counts on meta tensors, the
same on every machine. A few sentences of the notes are about time ("VGGNet's forward time is the
longest"); they are listed there as not checkable, and stay so. ``archstats claims --measure``
additionally times real forwards on the machine it runs on and judges those sentences here. A
measured verdict is about that machine, that load and that torch build: it is printed in its own
section with the machine beside it, never mixed into the catalogue's verdicts, counts or report,
and no test reads a timing.

Each check is two small parts: a judge, a pure function of :class:`~archstats.bench.Stats` (tested
with made-up series), and a runner that measures (:func:`time_models`) and calls it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import doc
from ..bench import Stats
from ..units import human_time
from .base import APPROX, FAILS, HOLDS

__all__ = [
    "FORWARD_TIME_MODELS",
    "MEASURED_POLICY",
    "TITLE",
    "MeasuredResult",
    "judge_longest",
    "markdown",
    "run_all",
    "run_forward_time",
    "text_lines",
    "time_models",
    "with_json",
]

TITLE = "Measured on this machine (not part of the verdicts)"

# The verdict words are the catalogue's (base.VERDICTS), read for a series of timings instead of a
# printed figure: a yes/no order holds or fails as the policy says, and `approx` plays its usual
# part, "right at the centre, not within the margin", for an order the medians show but the noise
# does not exclude.
MEASURED_POLICY = (
    "A measured check times real forwards (several runs after a warm-up) and judges the order the notes "
    "state on the whole series, not on one number: `holds` when it holds for every run (the slowest run of "
    "each other model is faster than the fastest run of the model said to be the longest), `approx` when "
    "it holds for the medians only (the ranges of the runs overlap, so another run could order them "
    "otherwise), `fails` when another model's median is at least as long. Timings depend on the machine, "
    "its load and the torch build: these verdicts are shown apart, with the machine, and never change the "
    "catalogue's."
)

# The lecture summary table's four nets, read as lecture-summary-table reads them.
FORWARD_TIME_MODELS = ("alexnet", "vgg16", "googlenet", "resnet152")
LONGEST = "vgg16"


@dataclass(frozen=True)
class MeasuredResult:
    """A measured check's verdict, with the series it was judged on and where they were taken."""

    id: str
    source: str
    quote: str
    translation: str
    statement: str
    verdict: str
    explanation: str
    timings: Mapping[str, Stats]  # model -> whole-forward latency, seconds
    machine: Mapping[str, Any]
    settings: Mapping[str, Any]  # repeats, warm-up, batch, device, threads

    def as_dict(self) -> dict[str, Any]:
        head = {k: getattr(self, k) for k in ("id", "source", "quote", "translation", "statement", "verdict")}
        timings = {name: s.as_dict() for name, s in self.timings.items()}
        where = {"machine": dict(self.machine), "settings": dict(self.settings), "policy": MEASURED_POLICY}
        return head | {"explanation": self.explanation, "timings_s": timings} | where


# --- the lecture summary table's forward-time column ------------------------------------------


def judge_longest(timings: Mapping[str, Stats], longest: str) -> tuple[str, str]:
    """The verdict and explanation of "``longest``'s forward time is the longest" for ``timings``.

    ``holds``: its median is the largest and its fastest run is slower than every other model's
    slowest; ``approx``: the largest median, but the ranges overlap; ``fails``: another model's
    median is at least as long.
    """
    mine = timings[longest]
    others = {name: s for name, s in timings.items() if name != longest}
    rival = max(others, key=lambda n: others[n].median)
    rival_s = others[rival]
    if rival_s.median >= mine.median:
        return FAILS, (
            f"{rival}'s median {human_time(rival_s.median)} is at least {longest}'s {human_time(mine.median)}: "
            f"{longest} is not the longest"
        )
    slowest = max(others, key=lambda n: others[n].max)
    medians = f"{longest}'s median {human_time(mine.median)} > {rival}'s {human_time(rival_s.median)} (the next)"
    if mine.min > others[slowest].max:
        return HOLDS, (
            f"{medians}, and its fastest run ({human_time(mine.min)}) is slower than every other model's slowest "
            f"(at most {human_time(others[slowest].max)}, {slowest})"
        )
    return APPROX, (
        f"{medians}, but its fastest run ({human_time(mine.min)}) is not slower than {slowest}'s slowest "
        f"({human_time(others[slowest].max)}): the order holds by median only"
    )


def time_models(names: Sequence[str], repeats: int, warmup: int) -> dict[str, Stats]:
    """Whole forwards of zoo models at their default inputs, batch 1, on cpu (all threads), timed in
    turns (:func:`~archstats.bench.interleaved`) so that load on the machine biases none of them."""
    from ..bench import interleaved

    return interleaved(names, repeats, warmup)


def run_forward_time(repeats: int = 5, warmup: int = 2) -> MeasuredResult:
    """Time the four nets of the lecture's summary table and judge its forward-time column."""
    import torch

    from ..bench import load_average, machine

    found = load_average()  # a busy machine slows multi-threaded forwards by far more than its share
    load = [round(x, 2) for x in found] if found else None
    timings = time_models(FORWARD_TIME_MODELS, repeats, warmup)
    verdict, explanation = judge_longest(timings, LONGEST)
    settings = {"repeats": repeats, "warmup": warmup, "batch_size": 1, "device": "cpu", "load_average": load}
    return MeasuredResult(
        id="lecture-summary-forward-time",
        source="002:195-200",
        quote="forward 시간 ... VGGNet | 낮다 | 많다 | 많다 | 적당 | 가장 길다",
        translation="forward time ... VGGNet | low | high | high | moderate | the longest",
        statement="Of AlexNet, VGGNet, GoogLeNet and ResNet, VGGNet's forward pass takes the longest.",
        verdict=verdict,
        explanation=explanation,
        timings=timings,
        machine=machine("cpu"),
        settings=settings | {"threads": torch.get_num_threads()},
    )


# The measured checks, in the order they are shown.
CHECKS: tuple[Callable[[], MeasuredResult], ...] = (run_forward_time,)


def run_all() -> list[MeasuredResult]:
    return [check() for check in CHECKS]


# --- rendering ---------------------------------------------------------------------------------


def _machine(r: MeasuredResult) -> str:
    from ..render_bench import machine_text

    s = r.settings
    threads = f"{s.get('threads')} torch thread{'s' if s.get('threads') != 1 else ''}"
    runs = f"{s.get('repeats')} timed forwards after {s.get('warmup')} warm-up, batch {s.get('batch_size')}"
    load = s.get("load_average")
    load_text = f"; load average {', '.join(f'{x:.2f}' for x in load)} before timing" if load else ""
    return f"{machine_text(r.machine)}; {threads}; {runs}{load_text}"


def _timing(name: str, s: Stats) -> str:
    return f"{name}: median {human_time(s.median)} (min {human_time(s.min)}, max {human_time(s.max)})"


def text_lines(results: Sequence[MeasuredResult]) -> list[str]:
    """The section as plain lines, for the terminal and for a table written with ``--out``."""
    lines = ["", TITLE, ""]
    for r in results:
        lines += [f"{r.id} ({r.source}): {r.verdict}", f"  {r.statement}", f"  {r.explanation}"]
        lines += [f"  {_timing(name, s)}" for name, s in r.timings.items()]
        lines += [f"  {_machine(r)}", ""]
    return [*lines, MEASURED_POLICY]


def blocks(results: Sequence[MeasuredResult]) -> list[doc.Block]:
    """The section as document blocks (Markdown or HTML)."""
    out: list[doc.Block] = [doc.Heading(2, TITLE), doc.Para(MEASURED_POLICY)]
    for r in results:
        rows = tuple(
            (name, human_time(s.median), human_time(s.min), human_time(s.max)) for name, s in r.timings.items()
        )
        out += [
            doc.Heading(3, r.id, r.id),
            doc.Para((doc.Strong(r.verdict), f" ({r.source}): {r.statement}")),
            doc.Quote((r.quote, doc.Em(r.translation))),
            doc.Para(r.explanation),
            doc.Table(("model", "median", "min", "max"), rows, (1, 2, 3)),
            doc.Para(_machine(r)),
        ]
    return out


def markdown(results: Sequence[MeasuredResult]) -> str:
    return doc.markdown(blocks(results))


def html_section(results: Sequence[MeasuredResult]) -> str:
    return doc.html_body(blocks(results))


def with_json(claims_json: str, results: Sequence[MeasuredResult]) -> str:
    """The catalogue's JSON (a list, unchanged) under ``"claims"``, the measured checks under
    ``"measured"``."""
    data = {"claims": json.loads(claims_json), "measured": [r.as_dict() for r in results]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def with_html(page: str, results: Sequence[MeasuredResult]) -> str:
    """The catalogue's HTML page with the measured section added at the end of its body."""
    head, sep, tail = page.rpartition("</body>")
    return f"{head}{html_section(results)}\n{sep}{tail}" if sep else page + html_section(results)

"""The claim checker's building blocks: claims as data, one verdict policy, measured readings.

A :class:`Claim` is the catalog entry (where the notes say it, the quote and its translation,
what it states, how it is measured). Its check is a function registered with :func:`check`
that builds what it needs from the reference zoo, measures it with the analyzer and returns an
:class:`Outcome`: one or more :class:`Reading` of the claim, each a list of judged points.

Verdicts are never chosen by a check. A point is judged by :func:`judge` against a
:class:`Figure` as the notes print it (:func:`stated`), or by a yes/no fact (:meth:`Reading.flag`);
a reading's verdict is its weakest point; the claim's verdict combines its readings
(:func:`combine`). The policy is written once, in :data:`POLICY`, and the README and the report
quote it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from torch import nn

HOLDS, APPROX, FAILS = "holds", "approx", "fails"
ERRATUM, AMBIGUOUS, NOT_CHECKABLE = "erratum", "ambiguous", "not-checkable"
VERDICTS = (HOLDS, APPROX, FAILS, ERRATUM, AMBIGUOUS, NOT_CHECKABLE)

# The one band of the policy: "about" widens a figure by it, and "approx" is a miss within it.
BAND = 0.10

# Reading roles: the claim as written, the obvious intended reading of a slip, another
# plausible reading of a sentence that can be read two ways.
LITERAL, INTENDED, ALTERNATIVE = "literal", "intended", "alternative"

# How a figure is qualified in the notes.
EXACT, ABOUT, AT_LEAST, AT_MOST, UNDER, OVER = "exact", "about", "at-least", "at-most", "under", "over"
BOUNDS = (EXACT, ABOUT, AT_LEAST, AT_MOST, UNDER, OVER)

POLICY = (
    'A figure the notes print holds within half a unit of its last printed digit ("60M": 59.5M to '
    '60.5M; a figure worked out by a formula must match exactly). "About", "nearly" and "~" widen '
    f'it by {BAND:.0%} of its value; "or more" and "at most" are one-sided (still within half a '
    'unit), "under" and "over" are strict. A figure outside that range but within '
    f"{BAND:.0%} of it is `approx`; further off, `fails`. A yes/no statement (a layer is there, a "
    "shape matches, a count is smaller) holds or fails. A claim with several points takes its "
    "weakest point. A claim read two ways: `erratum` when it is wrong as written and a named, "
    "obvious intended reading holds (a typo, a slip of a word); `ambiguous` when two plausible "
    "readings give different verdicts (both are shown and judged). `not-checkable` when what decides "
    "the claim (accuracy, training, hardware) cannot be measured here; what could be measured is shown."
)

# The notes' sections, in the order the report follows.
SECTIONS = (
    "Convolution arithmetic",
    "AlexNet and VGG",
    "GoogLeNet / Inception",
    "ResNet",
    "SqueezeNet, Xception, DenseNet",
    "SENet, ResNeXt, EfficientNet, NASNet",
)

# The five lecture notes, by the prefix the sources use (FILE:LINE); their text is carried in
# ``notes/NNN.txt`` beside this module.
NOTES = {
    "000": "000_1d86cc5a2f4da03a.txt",
    "001": "001_8420c105320ef5d0.txt",
    "002": "002_bf8f6de0b66efcf6.txt",
    "003": "003_6212d7d389ac8825.txt",
    "004": "004_b20e5796b3d0b423.txt",
}

_REF = re.compile(r"^(\d{3}):(\d+)(?:-(\d+))?$")


def parse_source(source: str) -> list[tuple[str, int, int]]:
    """``"004:41, 002:57-59"`` -> ``[("004", 41, 41), ("002", 57, 59)]``; malformed refs raise."""
    refs = []
    for ref in source.split(","):
        m = _REF.match(ref.strip())
        if not m or m.group(1) not in NOTES:
            raise ValueError(f"malformed source {ref.strip()!r} (want NNN:LINE or NNN:FIRST-LAST)")
        first = int(m.group(2))
        last = int(m.group(3) or first)
        if last < first:
            raise ValueError(f"malformed source {ref.strip()!r}: the range runs backwards")
        refs.append((m.group(1), first, last))
    return refs


@dataclass(frozen=True)
class Claim:
    """One checkable claim of the notes, as data."""

    id: str
    section: str
    source: str  # "002:59" or "004:41, 002:57-59": note prefix and line(s)
    quote: str  # short original quote (Korean, as the note has it)
    translation: str  # the quote in English
    statement: str  # what the cited lines claim, in English, and nothing more
    interpretation: str  # what exactly is measured; context from papers marked "(paper)"
    contradicts: tuple[str, ...] = ()  # ids of claims of the notes that say the opposite

    def __post_init__(self) -> None:
        if self.section not in SECTIONS:
            raise ValueError(f"claim {self.id}: unknown section {self.section!r}")
        if not self.translation:
            raise ValueError(f"claim {self.id}: the quote needs an English translation")
        try:
            parse_source(self.source)
        except ValueError as exc:
            raise ValueError(f"claim {self.id}: {exc}") from None


@dataclass(frozen=True)
class Unchecked:
    """A quantitative sentence of the notes that no measurement can check, and why."""

    source: str
    section: str
    quote: str
    translation: str
    reason: str  # one of UNCHECKABLE
    detail: str = ""

    def __post_init__(self) -> None:
        if self.section not in SECTIONS:
            raise ValueError(f"unchecked {self.source}: unknown section {self.section!r}")
        if self.reason not in UNCHECKABLE:
            raise ValueError(f"unchecked {self.source}: reason {self.reason!r} is not one of {UNCHECKABLE}")
        parse_source(self.source)


# Why a quantitative sentence cannot be checked by measuring modules.
UNCHECKABLE = ("accuracy", "training", "dataset", "history", "hardware", "not quantitative")


# --- figures and the policy ----------------------------------------------------------------------------

_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_FIGURE = re.compile(rf"^~?\s*{_NUMBER}(?:\s*[-~]\s*{_NUMBER})?\s*([kKMGB%]?)")
_FRACTION = re.compile(r"^~?\s*(\d+)\s*/\s*(\d+)")
_MULTIPLIER = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "B": 1e9, "%": 0.01}


@dataclass(frozen=True)
class Figure:
    """A figure as the notes print it: a value or a range, the unit of its last digit, its bound."""

    text: str
    low: float
    high: float
    unit: float = 0.0  # one unit of the last printed digit; 0 for a figure worked out exactly
    bound: str = EXACT

    def __post_init__(self) -> None:
        if self.bound not in BOUNDS:
            raise ValueError(f"figure {self.text!r}: unknown bound {self.bound!r}")

    @property
    def value(self) -> float:
        return self.low if self.low == self.high else (self.low + self.high) / 2

    def interval(self) -> tuple[float, float]:
        """The measured values for which the figure holds."""
        half = self.unit / 2
        lo, hi = self.low - half, self.high + half
        if self.bound == ABOUT:
            lo, hi = min(lo, self.low - BAND * abs(self.low)), max(hi, self.high + BAND * abs(self.high))
        elif self.bound == AT_LEAST:
            hi = math.inf
        elif self.bound == AT_MOST:
            lo = -math.inf
        elif self.bound == UNDER:
            lo, hi = -math.inf, self.high
        elif self.bound == OVER:
            lo, hi = self.low, math.inf
        return lo, hi


def _digits_unit(number: str) -> float:
    """One unit of the last printed digit of ``number`` ("0.5" -> 0.1, "138" -> 1)."""
    _, _, decimals = number.partition(".")
    return 10.0 ** -len(decimals)


def stated(text: str, *, bound: str | None = None, scale: float | None = None) -> Figure:
    """The figure the notes print: ``"60M"``, ``"0.5MB"``, ``"8-9"``, ``"1/3"``, ``"25%"``, ``"~120M"``.

    The unit of the last printed digit follows the text (``"60M"``: 1M). ``bound`` is how the notes
    qualify it (``ABOUT`` for "about"/"nearly"/"~"; a leading "~" implies it). ``scale`` replaces the
    multiplier the suffix implies, for a figure whose unit the text leaves open (``"0.5MB"`` as MiB:
    ``scale=2**20``).
    """
    if bound is None:
        bound = ABOUT if text.lstrip().startswith("~") else EXACT
    frac = _FRACTION.match(text)
    if frac:
        value = int(frac.group(1)) / int(frac.group(2))
        return Figure(text, value, value, 0.0, bound)
    m = _FIGURE.match(text)
    if not m:
        raise ValueError(f"cannot read a figure from {text!r}")
    first, second, suffix = m.group(1).replace(",", ""), m.group(2), m.group(3)
    mult = scale if scale is not None else _MULTIPLIER[suffix]
    last = (second or first).replace(",", "")
    low = float(first) * mult
    high = float(last) * mult
    return Figure(text, low, high, _digits_unit(last) * mult, bound)


def exact(value: float, text: str | None = None) -> Figure:
    """A figure worked out by a formula: it holds only on the exact value."""
    return Figure(text if text is not None else f"{value:,}", float(value), float(value), 0.0, EXACT)


def judge(figure: Figure, measured: float) -> str:
    """The policy for one figure: holds inside its interval, approx within BAND of it, fails beyond."""
    lo, hi = figure.interval()
    eps = 1e-9 * max(1.0, abs(figure.low), abs(figure.high))
    strict = figure.bound in (UNDER, OVER)
    inside = (lo < measured < hi) if strict else (lo - eps <= measured <= hi + eps)
    if inside:
        return HOLDS
    if lo - BAND * abs(lo) <= measured <= hi + BAND * abs(hi):
        return APPROX
    return FAILS


def weakest(verdicts: Sequence[str]) -> str:
    """The verdict of several points: the weakest of them."""
    for v in (FAILS, APPROX, NOT_CHECKABLE):
        if v in verdicts:
            return v
    return HOLDS


@dataclass(frozen=True)
class Point:
    """One judged figure or fact of a reading."""

    label: str
    verdict: str
    measured: Any
    expected: Any = None  # a Figure, a value the fact compares with, or None
    kind: str = ""  # formatter kind: "count", "macs", "bytes", "ratio" or "" for plain
    arithmetic: str = ""  # the arithmetic with the numbers substituted


@dataclass
class Reading:
    """One way of reading a claim, and the points it is judged on."""

    name: str = "as written"
    role: str = LITERAL
    points: list[Point] = field(default_factory=list)
    note: str = ""  # why this reading, in a line

    def __post_init__(self) -> None:
        if self.role not in (LITERAL, INTENDED, ALTERNATIVE):
            raise ValueError(f"reading {self.name!r}: unknown role {self.role!r}")

    def figure(self, label: str, figure: Figure, measured: float, *, kind: str = "", arithmetic: str = "") -> str:
        """Judge ``measured`` against a figure of the notes (or one worked out from them)."""
        verdict = judge(figure, measured)
        self.points.append(Point(label, verdict, measured, figure, kind, arithmetic))
        return verdict

    def equal(self, label: str, expected: Any, measured: Any, *, kind: str = "", arithmetic: str = "") -> str:
        """A value that must match exactly (a shape, a layout, a count worked out by a formula)."""
        verdict = HOLDS if expected == measured else FAILS
        self.points.append(Point(label, verdict, measured, expected, kind, arithmetic))
        return verdict

    def flag(self, label: str, ok: bool, measured: Any = None, *, kind: str = "", arithmetic: str = "") -> str:
        """A yes/no fact the claim states (a direction, a structure)."""
        verdict = HOLDS if ok else FAILS
        self.points.append(Point(label, verdict, measured, None, kind, arithmetic))
        return verdict

    def unmeasurable(self, label: str, why: str) -> str:
        """A part of the claim no measurement can decide (accuracy, training, hardware)."""
        self.points.append(Point(label, NOT_CHECKABLE, None, None, "", why))
        return NOT_CHECKABLE

    @property
    def verdict(self) -> str:
        return weakest([p.verdict for p in self.points]) if self.points else NOT_CHECKABLE


def combine(readings: Sequence[Reading]) -> str:
    """The claim's verdict from its readings (the policy's second half).

    The first reading is the claim as written. With an intended reading, a claim wrong as written
    whose intended reading holds is an ``erratum``; with alternative readings, readings that
    disagree make the claim ``ambiguous``.
    """
    literal, rest = readings[0], readings[1:]
    alternatives = [r.verdict for r in rest if r.role == ALTERNATIVE]
    if alternatives:
        verdicts = {literal.verdict, *alternatives}
        return verdicts.pop() if len(verdicts) == 1 else AMBIGUOUS
    intended = [r for r in rest if r.role == INTENDED]
    if literal.verdict == FAILS and intended and all(r.verdict == HOLDS for r in intended):
        return ERRATUM
    return literal.verdict


@dataclass(frozen=True)
class Measurement:
    """A figure shown beside the verdict as context, not judged."""

    label: str
    value: Any
    kind: str = ""  # formatter kind: "count", "macs", "bytes", "ratio" or "" for plain


@dataclass(frozen=True)
class Outcome:
    """What a check found: its readings (the first is the claim as written) and context."""

    readings: tuple[Reading, ...]
    explanation: str  # one line, with the arithmetic
    measurements: tuple[Measurement, ...] = ()
    formula: str = ""  # the formula of the claim, symbolic
    correction: str = ""  # for a claim the notes get wrong: the right figure, in a line

    def __post_init__(self) -> None:
        readings = tuple(self.readings)
        if not readings or readings[0].role != LITERAL:
            raise ValueError("an outcome needs the claim as written as its first reading")
        if sum(r.role == LITERAL for r in readings) != 1:
            raise ValueError("an outcome has exactly one literal reading")
        object.__setattr__(self, "readings", readings)
        object.__setattr__(self, "measurements", tuple(self.measurements))

    @property
    def verdict(self) -> str:
        return combine(self.readings)

    @property
    def headline(self) -> Point | None:
        """The claim's main figure: the first point of the reading as written."""
        points = self.readings[0].points
        return points[0] if points else None

    @property
    def expected(self) -> Any:
        p = self.headline
        if p is None:
            return None
        return p.expected.value if isinstance(p.expected, Figure) else p.expected

    @property
    def measured(self) -> Any:
        return self.headline.measured if self.headline is not None else None

    @property
    def kind(self) -> str:
        return self.headline.kind if self.headline is not None else ""

    @property
    def rel_diff(self) -> float | None:
        """(measured - expected) / expected when the headline compares a figure with a number."""
        p = self.headline
        if p is None or not isinstance(p.expected, Figure) or isinstance(p.measured, bool):
            return None
        if not isinstance(p.measured, (int, float)) or not p.expected.value:
            return None
        return (p.measured - p.expected.value) / p.expected.value


CheckFn = Callable[[Claim], Outcome]
ModuleT = TypeVar("ModuleT", bound=nn.Module)

_CLAIMS: dict[str, Claim] = {}
_CHECKS: dict[str, CheckFn] = {}
_UNCHECKED: list[Unchecked] = []


def register(claims: Sequence[Claim]) -> None:
    """Add catalog entries; ids are stable and unique."""
    for c in claims:
        if c.id in _CLAIMS:
            raise ValueError(f"claim id {c.id!r} is already in the catalog")
        _CLAIMS[c.id] = c


def register_unchecked(entries: Sequence[Unchecked]) -> None:
    """Add quantitative sentences that cannot be checked; one entry per source."""
    known = {u.source for u in _UNCHECKED}
    for u in entries:
        if u.source in known:
            raise ValueError(f"unchecked sentence {u.source} is already listed")
        known.add(u.source)
        _UNCHECKED.append(u)


def check(claim_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register the check of ``claim_id`` (one per claim; duplicates refused)."""

    def deco(fn: CheckFn) -> CheckFn:
        if claim_id in _CHECKS:
            raise ValueError(f"claim {claim_id!r} already has a check")
        _CHECKS[claim_id] = fn
        return fn

    return deco


def catalog() -> list[Claim]:
    order = {s: i for i, s in enumerate(SECTIONS)}
    return sorted(_CLAIMS.values(), key=lambda c: order[c.section])


def unchecked() -> list[Unchecked]:
    """The not-checkable sentences, in note and line order."""
    return sorted(_UNCHECKED, key=lambda u: parse_source(u.source)[0])


def get_check(claim_id: str) -> CheckFn | None:
    return _CHECKS.get(claim_id)


@functools.lru_cache(maxsize=64)
def _profile_cached(name: str, input_size: tuple[int, ...] | None, batch_size: int, training: bool) -> Any:
    from ..profile import profile

    return profile(name, input_size, batch_size, training=training, strict=True)


def measure(
    model: str | nn.Module, input_size: Sequence[int] | None = None, *, batch_size: int = 1, training: bool = False
) -> Any:
    """Profile a zoo model by name (cached) or a module built by the check, fully counted."""
    from ..profile import profile

    if isinstance(model, str):
        return _profile_cached(model, tuple(input_size) if input_size else None, batch_size, training)
    return profile(model, input_size, batch_size, training=training, strict=True)


def build(name: str, **kwargs: Any) -> nn.Module:
    """A zoo model on the meta device (nothing allocated), with builder arguments."""
    import archstats_models as zoo

    return on_meta(zoo.get_model, name, **kwargs)


@functools.cache
def zoo_model(name: str) -> nn.Module:
    """A zoo model on meta, built once per process and shared by the checks that read its structure
    or parameters (never modified, never run: :func:`measure` profiles a private copy)."""
    return build(name)


def on_meta(factory: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Build a block on the meta device: shapes only, no weights allocated or initialised."""
    from ..loading import building_on

    with building_on("meta"):
        return factory(*args, **kwargs)


def submodule(model: nn.Module, name: str, kind: type[ModuleT]) -> ModuleT:
    """``model.get_submodule(name)`` (``""``: the model itself), which must be a ``kind``."""
    module = model.get_submodule(name)
    if not isinstance(module, kind):
        raise TypeError(f"{name or 'the model'} is a {type(module).__name__}, not a {kind.__name__}")
    return module


def layer_row(profile: Any, module: str) -> Any:
    """The per-layer row of ``module``; it must be unique (a reused module has one row per call)."""
    rows = profile.layers[profile.layers["module"] == module]
    if len(rows) != 1:
        raise LookupError(f"expected one row for module {module!r} in {profile.name}, found {len(rows)}")
    return rows.iloc[0]


def parse_shape(text: str) -> tuple[int, ...]:
    """A layer-table shape, ``'1x256x28x28'`` -> ``(1, 256, 28, 28)``."""
    return tuple(int(v) for v in str(text).split("x"))


def sample_shape(text: str) -> tuple[int, ...]:
    """A layer-table shape without its batch dimension, ``'1x256x28x28'`` -> ``(256, 28, 28)``."""
    return parse_shape(text)[1:]


def shape_text(shape: Sequence[int]) -> str:
    """The inverse of :func:`parse_shape`: ``(256, 28, 28)`` -> ``'256x28x28'``."""
    return "x".join(str(v) for v in shape)


def model_output(profile: Any) -> tuple[int, ...]:
    """The shape the whole model outputs, without the batch dimension."""
    return sample_shape(layer_row(profile, "(model)").output_shape)


def channels(text: str) -> int:
    """C of a layer-table shape ``'NxCxHxW'``."""
    return parse_shape(text)[1]


def type_total(profile: Any, layer_type: str, column: str) -> int:
    """The sum of ``column`` ("params", "macs", ...) over the profile's rows of ``layer_type``."""
    layers = profile.layers
    return int(layers.loc[layers["type"] == layer_type, column].sum())


def residual_blocks(profile: Any) -> list[str]:
    """The kinds of residual block in a ResNet's layer table: ``["BasicBlock"]``, ``["Bottleneck"]``, ..."""
    return sorted(set(profile.layers.type) & {"BasicBlock", "Bottleneck"})


def params_of(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _numel(shape_text: str) -> int:
    return math.prod(parse_shape(shape_text))


def layer_outputs(profile: Any) -> int:
    """The values a forward pass keeps, as the notes' arithmetic counts them (CS231n's VGG table).

    The input, plus the output of every layer that writes a new tensor: convolutions, pools, fully
    connected layers, normalisations. Activations applied in place (ReLU) and layers that hand
    their input on (dropout at inference, flatten) add nothing; max-pool indices and the
    allocator's peak are not part of this definition (the profile reports them apart).
    """
    rows = profile.layers
    names = [m for m in rows.module if m != "(model)"]
    parents = {n.rsplit(".", 1)[0] for n in names if "." in n}
    leaves = rows[rows.module.isin([n for n in names if n not in parents])]
    fresh = leaves[leaves.activation_bytes > 0]
    model_input = layer_row(profile, "(model)").input_shape
    return _numel(model_input) + sum(_numel(s) for s in fresh.output_shape)


# --- the notes' text, carried with the package ---------------------------------------------------------

_NOTES_DIR = Path(__file__).with_name("notes")


@functools.cache
def note_lines(note: str) -> tuple[str, ...]:
    """The lines of note ``note`` ("002"), as the claims cite them (line 1 first)."""
    return tuple((_NOTES_DIR / f"{note}.txt").read_text(encoding="utf-8").splitlines())


_LINK_TARGET = re.compile(r"(\[[^\]]*\])\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_ENUMERATION = re.compile(r"^\s*(?:#+\s*)?\d+\\?\.\s+")


def is_quantitative(line: str) -> bool:
    """Whether a line of the notes states a number (link targets, URLs and list numbering aside)."""
    text = _ENUMERATION.sub("", _URL.sub("", _LINK_TARGET.sub(r"\1", line)))
    return any(ch.isdigit() for ch in text)


def quantitative_lines() -> dict[str, list[int]]:
    """Every line of every note that states a number: what the catalogue must account for."""
    return {n: [i for i, line in enumerate(note_lines(n), 1) if is_quantitative(line)] for n in NOTES}


def cited_lines() -> set[tuple[str, int]]:
    """The (note, line) pairs the claims and the not-checkable entries cite."""
    sources = [c.source for c in _CLAIMS.values()] + [u.source for u in _UNCHECKED]
    return {(n, line) for s in sources for n, first, last in parse_source(s) for line in range(first, last + 1)}


def unaccounted_lines() -> list[str]:
    """Quantitative lines no claim and no not-checkable entry cites, as ``"NNN:LINE"``."""
    cited = cited_lines()
    return [f"{n}:{line}" for n, lines in quantitative_lines().items() for line in lines if (n, line) not in cited]

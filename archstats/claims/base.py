"""The claim checker's building blocks: claims as data, one check per claim, honest verdicts.

A :class:`Claim` is the catalog entry (where the notes say it, what they say, how we read it, how
close "holds" must be). Its check is a function registered with :func:`check` that builds what it
needs from the reference zoo, measures it with the analyzer and returns an :class:`Outcome`.
Checks never hard-code a measured value: expected figures come from the notes (or the formula
they quote), measured figures from :func:`archstats.profile`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import torch
from torch import nn

HOLDS, APPROX, FAILS, NOT_CHECKABLE = "holds", "approx", "fails", "not-checkable"
VERDICTS = (HOLDS, APPROX, FAILS, NOT_CHECKABLE)

# The notes' sections, in the order the report follows.
SECTIONS = (
    "Convolution arithmetic",
    "AlexNet and VGG",
    "GoogLeNet / Inception",
    "ResNet",
    "SqueezeNet, Xception, DenseNet",
    "SENet, ResNeXt, EfficientNet, NASNet",
)

# The five lecture notes, by the prefix the sources use (FILE:LINE).
NOTES = {
    "000": "000_1d86cc5a2f4da03a.txt",
    "001": "001_8420c105320ef5d0.txt",
    "002": "002_bf8f6de0b66efcf6.txt",
    "003": "003_6212d7d389ac8825.txt",
    "004": "004_b20e5796b3d0b423.txt",
}


@dataclass(frozen=True)
class Claim:
    """One quantitative claim of the notes, as data."""

    id: str
    section: str
    source: str  # "002:59" or "004:41, 002:59": note prefix and line
    quote: str  # short original quote (Korean, as the note has it)
    statement: str  # the claim in English
    interpretation: str  # what exactly is measured, where the claim is ambiguous
    tolerance: float = 0.0  # relative difference within which the claim holds
    band: float = 0.0  # relative difference within which it is "approx" (same direction)

    def __post_init__(self) -> None:
        if self.section not in SECTIONS:
            raise ValueError(f"claim {self.id}: unknown section {self.section!r}")
        for ref in self.source.split(","):
            prefix, _, line = ref.strip().partition(":")
            if prefix not in NOTES or not line.replace("-", "").isdigit():
                raise ValueError(f"claim {self.id}: malformed source {ref!r} (want NNN:LINE)")


@dataclass(frozen=True)
class Measurement:
    """A figure behind a verdict: what was measured (or computed by a formula) and its value."""

    label: str
    value: Any
    kind: str = ""  # formatter kind: "count", "macs", "bytes", "ratio" or "" for plain


@dataclass(frozen=True)
class Outcome:
    verdict: str
    expected: Any
    measured: Any
    explanation: str
    measurements: tuple[Measurement, ...] = ()
    formula: str = ""
    kind: str = ""  # formatter kind of expected and measured ("count", "macs", "bytes", "ratio")

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")

    @property
    def rel_diff(self) -> float | None:
        """(measured - expected) / expected where both are numbers."""
        if isinstance(self.expected, bool) or isinstance(self.measured, bool):
            return None
        if isinstance(self.expected, (int, float)) and isinstance(self.measured, (int, float)) and self.expected:
            return (self.measured - self.expected) / self.expected
        return None


CheckFn = Callable[[Claim], Outcome]
ModuleT = TypeVar("ModuleT", bound=nn.Module)

_CLAIMS: dict[str, Claim] = {}
_CHECKS: dict[str, CheckFn] = {}


def register(claims: Sequence[Claim]) -> None:
    """Add catalog entries; ids are stable and unique."""
    for c in claims:
        if c.id in _CLAIMS:
            raise ValueError(f"claim id {c.id!r} is already in the catalog")
        _CLAIMS[c.id] = c


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


def get_check(claim_id: str) -> CheckFn | None:
    return _CHECKS.get(claim_id)


def judge(expected: float, measured: float, claim: Claim) -> str:
    """holds within the claim's tolerance, approx within its band, fails beyond."""
    if expected == 0:
        return HOLDS if measured == 0 else FAILS
    rel = abs(measured - expected) / abs(expected)
    if rel <= claim.tolerance:
        return HOLDS
    if rel <= claim.band:
        return APPROX
    return FAILS


def judge_all(verdicts: Sequence[str]) -> str:
    """The verdict of a sweep: the weakest of its points."""
    for v in (FAILS, APPROX, NOT_CHECKABLE):
        if v in verdicts:
            return v
    return HOLDS


def judge_readings(literal: bool, intended: bool) -> str:
    """A claim read two ways: holds as written, approx if only its intended point holds, fails otherwise."""
    return HOLDS if literal else (APPROX if intended else FAILS)


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

    with torch.device("meta"):
        return zoo.get_model(name, **kwargs)


def on_meta(factory: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Build a block on the meta device: shapes only, no weights allocated or initialised."""
    with torch.device("meta"):
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


@dataclass
class Sweep:
    """Collects the points of a sweep: one verdict and measurement per point."""

    claim: Claim
    verdicts: list[str] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)

    def point(self, label: str, expected: float, measured: float, kind: str = "") -> str:
        verdict = judge(expected, measured, self.claim)
        self.verdicts.append(verdict)
        self.measurements.append(Measurement(f"{label}: expected", expected, kind))
        self.measurements.append(Measurement(f"{label}: measured ({verdict})", measured, kind))
        return verdict

    def flag(self, label: str, ok: bool, value: Any, kind: str = "") -> str:
        """A yes/no point (a direction or an equality the claim states)."""
        verdict = HOLDS if ok else FAILS
        self.verdicts.append(verdict)
        self.measurements.append(Measurement(f"{label} ({verdict})", value, kind))
        return verdict

    def info(self, label: str, value: Any, kind: str = "") -> None:
        """A figure shown beside the verdict but not judged."""
        self.measurements.append(Measurement(label, value, kind))

    @property
    def verdict(self) -> str:
        return judge_all(self.verdicts)

    def explain(self, text: str, *, when: str = HOLDS) -> str:
        """``text`` (written for the verdict ``when``) if the sweep reached it, else the points against it."""
        if self.verdict == when:
            return text
        off = [m.label for m in self.measurements if m.label.endswith((f"({FAILS})", f"({APPROX})"))]
        first = f"; first: {off[0]}" if off else ""
        return f"{self.verdict}: {len(off)} measured point(s) off the claim{first}"

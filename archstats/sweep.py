"""Sweeps: how a model's cost moves as one knob turns (resolution, batch, width, depth, ...).

Every point is an ordinary :func:`archstats.profile` on meta tensors, so a sweep costs no
compute beyond tracing. Three kinds of knob, exactly one per sweep:

* ``inputs``: square resolutions r, profiled at (C, r, r) with the model's own channel count;
* ``batches``: batch sizes at the model's own input size;
* ``param``: ``(name, values)``. ``alpha`` is the MobileNet width multiplier (builder kwarg
  ``width_mult``), ``phi`` the EfficientNet compound coefficient (phi=k profiles
  ``efficientnet_bk`` at its own resolution), ``cardinality`` the ResNeXt-50 equal-cost
  templates (1x64d, 2x40d, 4x24d, 8x14d, 32x4d); any other name is passed to the model's
  builder as a keyword (``width_mult``, ``growth_rate``, ...).
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import metrics as M
from .errors import ModelLoadError, UsageError

if TYPE_CHECKING:
    from .profile import Profile

# Row keys, in table order; ``value`` is the swept value and ``model`` the model actually profiled.
ROW_KEYS = ("value", "model", "input", "batch", *(m.name for m in M.COST))
Plan = list[tuple[Any, Callable[[], "Profile"]]]  # (swept value, how to profile it)

CARDINALITY_TEMPLATES = {
    1: "resnext50_1x64d",
    2: "resnext50_2x40d",
    4: "resnext50_4x24d",
    8: "resnext50_8x14d",
    32: "resnext50_32x4d",
}
EFFICIENTNET_PHIS = range(0, 8)


@dataclass(frozen=True)
class SweepResult:
    """One row per swept value (see :data:`ROW_KEYS`); ``profiles`` holds the full profiles."""

    model: str
    parameter: str
    values: tuple
    rows: tuple[dict, ...]
    profiles: tuple = field(default=(), repr=False, compare=False)

    def frame(self) -> Any:
        """The rows as a pandas DataFrame with exact integers."""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=list(ROW_KEYS))


# ---------------------------------------------------------------------------------------------
# parsing


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_RANGE = re.compile(r"^([+-]?\d+)\s*\.\.\s*([+-]?\d+)$")


def _scalar(item: str, text: str) -> Any:
    low = item.lower()
    if low in ("true", "false"):
        return low == "true"
    if re.fullmatch(r"[+-]?\d+", item):
        return int(item)
    if _NUMBER.match(item):
        value = float(item)
        if math.isfinite(value):
            return value
    raise UsageError(
        f"malformed value {item!r} in {text!r}: expected numbers like 128,160,192 or 0.25,0.5 or a range like 0..7"
    )


def parse_values(text: str) -> list:
    """``"128,160,192"`` -> ints; ``"0..7"`` -> 0 to 7 inclusive; ``"0.25,0.5,1.0"`` -> floats.

    ``true``/``false`` give booleans (for flag-like builder kwargs). Ranges may be mixed with
    single values (``"1,2,4..6"``). Empty items, descending ranges and repeated values are errors.
    """
    if not isinstance(text, str) or not text.strip():
        raise UsageError("empty value list: expected e.g. 128,160,192 or 0..7")
    values: list = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            raise UsageError(f"empty item in value list {text!r}")
        m = _RANGE.match(item)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if hi < lo:
                raise UsageError(f"descending range {item!r} in {text!r}: write it as {hi}..{lo}")
            values.extend(range(lo, hi + 1))
        elif ".." in item:
            raise UsageError(f"malformed range {item!r} in {text!r}: ranges take integers, like 0..7")
        else:
            values.append(_scalar(item, text))
    seen: list = []
    for v in values:
        if any(type(v) is type(s) and v == s for s in seen):
            raise UsageError(f"value {v!r} appears twice in {text!r}")
        seen.append(v)
    return values


def _positive_ints(values: Sequence[Any], what: str) -> list[int]:
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) and not (isinstance(v, float) and v.is_integer()):
            raise UsageError(f"{what} must be positive integers, got {v!r}")
        if int(v) <= 0:
            raise UsageError(f"{what} must be positive integers, got {v!r}")
        out.append(int(v))
    return out


# ---------------------------------------------------------------------------------------------
# sweeping


@dataclass(frozen=True)
class _ImportedModel:
    """An import path's model: swept over input resolution or batch (it has no registry builder)."""

    name: str
    input_size: tuple[int, ...] = (3, 224, 224)
    family: str = ""


def _info(model: str) -> Any:
    import archstats_models as zoo

    if ":" in model:
        from .loading import resolve

        resolve(model)  # a clear error now for a path that does not import
        return _ImportedModel(model)
    try:
        return zoo.get_model_info(model)
    except zoo.UnknownModelError as exc:
        raise ModelLoadError(str(exc)) from None


def _builder_kwargs(info: Any) -> tuple[list[str], bool]:
    sig = inspect.signature(info.builder)
    names = [n for n, p in sig.parameters.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    var_kw = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    return names, var_kw


def _build_with(info: Any, kwargs: dict[str, Any]) -> Any:
    """The model built with ``kwargs`` on meta (no weights are allocated)."""
    import torch

    import archstats_models as zoo

    from .profile import _seeded_generators

    label = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    try:
        with _seeded_generators(), torch.device("meta"):
            return zoo.get_model(info.name, **kwargs)
    except TypeError as exc:
        raise UsageError(f"{info.name} does not accept {label}: {exc}") from None
    except Exception as exc:
        raise UsageError(f"building {info.name} with {label} failed: {type(exc).__name__}: {exc}") from None


def _plan_phi(info: Any, values: Sequence[Any]) -> Plan:
    from .profile import profile

    if info.family != "efficientnet":
        raise UsageError(
            "phi (EfficientNet compound coefficient) applies to the efficientnet models, "
            f"not {info.name} ({info.family})"
        )
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or v not in EFFICIENTNET_PHIS:
            raise UsageError(f"phi must be an integer from 0 to 7 (efficientnet_b0..b7), got {v!r}")
    return [(v, functools.partial(profile, f"efficientnet_b{v}")) for v in values]


def _plan_cardinality(info: Any, values: Sequence[Any]) -> Plan:
    from .profile import profile

    if not info.name.startswith("resnext50"):
        raise UsageError(
            f"cardinality sweeps the ResNeXt-50 equal-cost templates; use a resnext50_* model, not {info.name}"
        )
    choices = ", ".join(str(c) for c in CARDINALITY_TEMPLATES)
    for v in values:
        if isinstance(v, bool) or v not in CARDINALITY_TEMPLATES:
            raise UsageError(f"cardinality must be one of {choices} (the ResNeXt-50 templates), got {v!r}")
    return [(v, functools.partial(profile, CARDINALITY_TEMPLATES[v])) for v in values]


def _profile_built(info: Any, kwarg: str, value: Any) -> Profile:
    """The model built with ``kwarg=value``, profiled at its own input size."""
    from .profile import profile

    p = profile(_build_with(info, {kwarg: value}), tuple(info.input_size))
    p.name = f"{info.name}({kwarg}={value})"
    return p


def _plan_builder_kwarg(info: Any, name: str, values: Sequence[Any]) -> Plan:
    kwargs, var_kw = _builder_kwargs(info)
    kwarg = "width_mult" if name == "alpha" else name
    if kwarg not in kwargs and (not var_kw or name == "alpha"):
        what = "alpha (width multiplier, builder keyword width_mult)" if name == "alpha" else f"parameter {name!r}"
        accepted = ", ".join(k for k in kwargs) or "none"
        special = "alpha" if "width_mult" in kwargs else ""
        raise UsageError(
            f"{info.name} does not support {what}; its builder accepts: {accepted}"
            + (f" (and {special})" if special else "")
        )
    return [(v, functools.partial(_profile_built, info, kwarg, v)) for v in values]


def _plan_param(info: Any, name: str, values: Sequence[Any]) -> Plan:
    if not isinstance(name, str) or not name.isidentifier():
        raise UsageError(
            f"malformed parameter name {name!r}: expected e.g. alpha, phi, cardinality or a builder keyword"
        )
    if isinstance(info, _ImportedModel):
        raise UsageError(
            f"{info.name} is an import path: sweep its --input or --batch (parameters need a registered model)"
        )
    if name == "phi":
        return _plan_phi(info, values)
    if name == "cardinality":
        return _plan_cardinality(info, values)
    return _plan_builder_kwarg(info, name, values)


def _plan(
    info: Any, inputs: Sequence[int] | None, batches: Sequence[int] | None, param: tuple[str, Sequence[Any]] | None
) -> tuple[str, Plan]:
    """The swept parameter's name and one (value, profile it) pair per value."""
    from .profile import profile

    if inputs is not None:
        channels = info.input_size[0]
        values = _positive_ints(list(inputs), "input resolutions")
        return "input", [(r, functools.partial(profile, info.name, (channels, r, r))) for r in values]
    if batches is not None:
        values = _positive_ints(list(batches), "batch sizes")
        return "batch", [(b, functools.partial(profile, info.name, batch_size=b)) for b in values]
    if not (isinstance(param, (tuple, list)) and len(param) == 2):
        raise UsageError(f"param must be (name, values), got {param!r}")
    name, raw = param
    return name, _plan_param(info, name, list(raw))


def _row(value: Any, p: Profile) -> dict[str, Any]:
    t = p.totals
    return {
        "value": value,
        "model": p.name,
        "input": "x".join(str(d) for d in p.input_size),
        "batch": p.batch_size,
        **{m.name: int(getattr(t, m.name)) for m in M.COST},
    }


def sweep(
    model: str,
    *,
    inputs: Sequence[int] | None = None,
    batches: Sequence[int] | None = None,
    param: tuple[str, Sequence[Any]] | None = None,
    on_step: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Profile ``model`` once per value of exactly one of ``inputs``, ``batches`` or ``param``.

    ``on_step(done, total)`` is called after each point (for progress bars).
    """
    given = [k for k, v in (("inputs", inputs), ("batches", batches), ("param", param)) if v is not None]
    if len(given) != 1:
        raise UsageError("sweep exactly one of: input resolutions, batch sizes, or a parameter (NAME=VALUES)")
    if not isinstance(model, str):
        raise UsageError(f"sweep takes a registered model name, got {type(model).__name__}")
    info = _info(model)
    parameter, plan = _plan(info, inputs, batches, param)
    if not plan:
        raise UsageError("nothing to sweep: the value list is empty")
    rows, profiles = [], []
    for i, (value, run) in enumerate(plan):
        p = run()
        profiles.append(p)
        rows.append(_row(value, p))
        if on_step is not None:
            on_step(i + 1, len(plan))
    return SweepResult(info.name, parameter, tuple(v for v, _ in plan), tuple(rows), tuple(profiles))


# the command line's knobs: option name -> the keyword of :func:`sweep`
KNOB_OPTIONS = {"--input": "inputs", "--batch": "batches", "--param": "param"}


def given_knob(inputs: str | None, batches: str | None, param: str | None) -> tuple[str, str]:
    """The one of ``--input LIST``, ``--batch LIST`` or ``--param NAME=LIST`` given: (option, text)."""
    given = [(o, v) for o, v in zip(KNOB_OPTIONS, (inputs, batches, param)) if v is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of --input LIST, --batch LIST or --param NAME=LIST")
    return given[0]


def parse_knob(option: str, text: str) -> dict[str, Any]:
    """A command-line knob as the keyword :func:`sweep` takes: ``{"inputs": [128, 160]}``,
    ``{"batches": [1, 8]}`` or ``{"param": ("alpha", [0.5, 1.0])}``."""
    if option != "--param":
        return {KNOB_OPTIONS[option]: parse_values(text)}
    name, sep, values = text.partition("=")
    if not sep or not name.strip().isidentifier():
        raise UsageError(f"malformed --param {text!r}: expected NAME=LIST, e.g. alpha=0.25,0.5,1.0")
    return {"param": (name.strip(), parse_values(values))}

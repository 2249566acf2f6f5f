"""What the model is called with: input specs (``[name=][dtype:]3x224x224``) and example inputs.

One spec syntax serves the API (``input_size``), the CLI (``--input``, repeatable), budgets TOML
(``input``), ``report``, ``sweep`` and ``check``:

- ``3x224x224``: one positional tensor (batch excluded), of the model's floating dtype; a bare
  ``224`` is short for a square RGB image, 3x224x224 (refused by :func:`refuse_bare_size` for a
  model whose own input has other than 3 channels);
- ``int64:128``: token ids, 128 per sequence;
- ``pixel_values=3x224x224``: passed by keyword;
- several specs (several ``--input`` options, a list in TOML, or ``;`` between them) for a model
  taking several inputs: ``3x512x512;3x512x512``.

On meta a tensor is empty (no values are needed); on cpu a floating tensor is random (seeded) and
an integer or boolean one is zeros, which is a valid token id and index for every model. Example
tensors given to ``profile(inputs=...)`` are mirrored on meta by shape, dtype and strides, and used
as they are on cpu.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from .errors import UsageError

__all__ = [
    "DTYPES",
    "Example",
    "InputSpec",
    "bare_size",
    "example_from",
    "example_from_specs",
    "parse_specs",
    "refuse_bare_size",
]

DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "fp32": torch.float32,
    "float16": torch.float16,
    "fp16": torch.float16,
    "half": torch.float16,
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
    "float64": torch.float64,
    "fp64": torch.float64,
    "int64": torch.int64,
    "long": torch.int64,
    "int32": torch.int32,
    "int": torch.int32,
    "int16": torch.int16,
    "int8": torch.int8,
    "uint8": torch.uint8,
    "bool": torch.bool,
}
# a dimension no tensor can have: beyond it, numel overflows int64 long before memory runs out
_MAX_ELEMENTS = 2**62
_NAME = re.compile(r"^[A-Za-z_]\w*$")


@dataclass(frozen=True)
class InputSpec:
    """One input of the model: its shape without the batch, its dtype (None: the model's floating
    dtype) and its keyword (None: positional)."""

    shape: tuple[int, ...]
    dtype: torch.dtype | None = None
    name: str | None = None

    def __str__(self) -> str:
        dtype = f"{str(self.dtype).removeprefix('torch.')}:" if self.dtype is not None else ""
        name = f"{self.name}=" if self.name else ""
        return f"{name}{dtype}{'x'.join(str(d) for d in self.shape)}"


@dataclass
class Example:
    """The arguments the model is called with, and what to report about them."""

    args: tuple
    kwargs: dict[str, Any]
    specs: tuple[InputSpec, ...]  # one per tensor, in call order, batch excluded

    def tensors(self) -> list[torch.Tensor]:
        return [v for v in (*self.args, *self.kwargs.values()) if isinstance(v, torch.Tensor)]


def _dims(text: str, given: str) -> tuple[int, ...]:
    parts = [p for p in re.split(r"[x×,\s]+", text.strip().lower()) if p]
    try:
        dims = tuple(int(p) for p in parts)
    except ValueError:
        dims = ()
    if not dims or any(d <= 0 for d in dims):
        raise UsageError(f"malformed input size {given!r}: expected positive integers like 3x224x224")
    return dims


def parse_spec(text: str) -> InputSpec:
    """``[name=][dtype:]DIMS`` to an :class:`InputSpec`; one clear error otherwise."""
    body, name = text.strip(), None
    if "=" in body:
        name, _, body = body.partition("=")
        name = name.strip()
        if not _NAME.match(name):
            raise UsageError(f"malformed input {text!r}: {name!r} is not a keyword argument name")
    dtype = None
    if ":" in body:
        dtype_name, _, body = body.partition(":")
        dtype = DTYPES.get(dtype_name.strip().lower())
        if dtype is None:
            known = ", ".join(DTYPES)
            raise UsageError(f"malformed input {text!r}: unknown dtype {dtype_name!r}; choose one of: {known}")
    dims = _dims(body, text)
    if len(dims) == 1 and dtype is None and name is None:
        dims = (3, dims[0], dims[0])  # a bare resolution means a square RGB image
    return InputSpec(dims, dtype, name)


def bare_size(text: str) -> int | None:
    """N when ``text`` is a bare ``N`` (shorthand for a square RGB image, 3xNxN), else None."""
    body = text.strip()
    return int(body) if body.isascii() and body.isdigit() else None


def refuse_bare_size(texts: Sequence[str], model: str, own: Sequence[int]) -> None:
    """Refuse a bare ``N`` among input specs for a model whose own input (C, H, W) has other than
    3 channels: ``32`` means 3x32x32, which a 1-channel LeNet cannot read, and taking the model's
    channels instead would make the same spec mean different shapes for different models."""
    if len(own) != 3 or own[0] == 3:
        return
    for text in texts:
        for part in text.split(";"):
            n = bare_size(part)
            if n is not None:
                shape = "x".join(str(d) for d in own)
                raise UsageError(
                    f"input {part.strip()!r} means 3x{n}x{n} (a bare size is a square RGB image), but {model} "
                    f"reads {own[0]} channel(s) (its own input is {shape}): give {own[0]}x{n}x{n}"
                )


def parse_specs(value: Any) -> tuple[InputSpec, ...]:
    """Specs from a string (``;`` between several), a shape tuple, or a list of either."""
    if isinstance(value, InputSpec):
        return (value,)
    if isinstance(value, str):
        return tuple(parse_spec(part) for part in value.split(";") if part.strip()) or (parse_spec(value),)
    if isinstance(value, Sequence) and value and all(isinstance(v, (str, InputSpec)) for v in value):
        return tuple(spec for v in value for spec in parse_specs(v))
    try:
        dims = tuple(int(d) for d in value)
    except (TypeError, ValueError):
        raise UsageError(f"malformed input size {value!r}: expected a tuple of positive integers") from None
    if not dims or any(d <= 0 for d in dims):
        raise UsageError(f"malformed input size {value!r}: expected positive sizes")
    return (InputSpec(dims),)


def _check_size(specs: Sequence[InputSpec], batch: int) -> None:
    for spec in specs:
        numel = batch
        for d in spec.shape:
            numel *= d
        if numel >= _MAX_ELEMENTS:
            raise UsageError(f"input {spec} with batch {batch} has {numel:,} elements: more than a tensor can hold")


def _make(shape: tuple[int, ...], dtype: torch.dtype, device: str) -> torch.Tensor:
    if device == "meta":  # empty: randn's meta path imports sympy (about 0.4 s cold) for values never read
        return torch.empty(shape, dtype=dtype, device="meta")
    if dtype.is_floating_point or dtype.is_complex:
        return torch.randn(shape, dtype=dtype, device=device)
    return torch.zeros(shape, dtype=dtype, device=device)  # a valid token id and index everywhere


def example_from_specs(specs: Sequence[InputSpec], batch: int, dtype: torch.dtype, device: str) -> Example:
    """Tensors for ``specs`` with ``batch`` rows each; floating ones of ``dtype`` unless a spec says."""
    _check_size(specs, batch)
    args, kwargs = [], {}
    for spec in specs:
        t = _make((batch, *spec.shape), spec.dtype or dtype, device)
        if spec.name:
            kwargs[spec.name] = t
        else:
            args.append(t)
    return Example(tuple(args), kwargs, tuple(specs))


def _mirror(value: Any, device: str) -> Any:
    if not isinstance(value, torch.Tensor):
        return value
    if device == "meta":
        return torch.empty_strided(value.shape, value.stride(), dtype=value.dtype, device="meta")
    return value.detach().to(device)


def _spec_of(t: torch.Tensor, name: str | None = None) -> InputSpec:
    """The spec a given tensor stands for (its dtype shown when it is not floating)."""
    return InputSpec(tuple(t.shape[1:]), None if t.dtype.is_floating_point else t.dtype, name)


def example_from(inputs: Any, device: str) -> Example:
    """``profile(inputs=...)``: a tensor, a tuple of positional arguments, a dict of keyword
    arguments, or an ``(args, kwargs)`` pair; non-tensor values are passed through."""
    args: tuple
    kwargs: dict[str, Any]
    if isinstance(inputs, torch.Tensor):
        args, kwargs = (inputs,), {}
    elif isinstance(inputs, Mapping):
        args, kwargs = (), dict(inputs)
    elif (
        isinstance(inputs, tuple)
        and len(inputs) == 2
        and isinstance(inputs[0], (tuple, list))
        and isinstance(inputs[1], Mapping)
    ):
        args, kwargs = tuple(inputs[0]), dict(inputs[1])
    elif isinstance(inputs, (tuple, list)):
        args, kwargs = tuple(inputs), {}
    else:
        kind = type(inputs).__name__
        raise UsageError(f"inputs must be a tensor, a tuple, a dict or an (args, kwargs) pair, not {kind}")
    args = tuple(_mirror(a, device) for a in args)
    kwargs = {k: _mirror(v, device) for k, v in kwargs.items()}
    specs = [_spec_of(t) for t in args if isinstance(t, torch.Tensor)]
    specs += [_spec_of(t, k) for k, t in kwargs.items() if isinstance(t, torch.Tensor)]
    if not specs:
        raise UsageError("inputs hold no tensor")
    return Example(args, kwargs, tuple(specs))

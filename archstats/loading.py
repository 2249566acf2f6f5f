"""Turning what the user names into a model copy that the engine may freely run.

The user's module is never run or modified: the analysis works on a copy. On ``meta`` the copy
is made without copying any weight data (every parameter and buffer is pre-seeded in the
deepcopy memo with an empty meta tensor of the same shape and dtype).
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from .errors import ModelLoadError, UsageError

_IMPORT_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


@contextlib.contextmanager
def _cwd_on_path() -> Iterator[None]:
    """Import from the current directory first, as ``python -m`` does (the ``archstats`` script's
    own directory is on ``sys.path`` instead); ``sys.path`` is restored afterwards."""
    cwd = os.getcwd()
    if cwd in sys.path or "" in sys.path:
        yield
        return
    sys.path.insert(0, cwd)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(cwd)


def _import_callable(path: str) -> Callable[..., Any]:
    module_name, _, attr = path.partition(":")
    try:
        with _cwd_on_path():
            obj: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        hint = f"searched the current directory ({os.getcwd()}) and sys.path; set PYTHONPATH to the folder holding it"
        raise ModelLoadError(f"cannot import {module_name!r} from {path!r}: {exc}; {hint}") from None
    except Exception as exc:  # an import path runs arbitrary code: report, do not crash
        raise ModelLoadError(f"cannot import {module_name!r} from {path!r}: {type(exc).__name__}: {exc}") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ModelLoadError(f"{module_name!r} has no attribute {attr!r} (from {path!r})")
        obj = getattr(obj, part)
    return obj


def _instantiate(obj: Any, label: str) -> nn.Module:
    if isinstance(obj, nn.Module):
        return obj
    if not callable(obj):
        raise ModelLoadError(f"{label} is neither an nn.Module nor a callable that returns one")
    try:
        model = obj()
    except Exception as exc:
        raise ModelLoadError(f"building {label} failed: {type(exc).__name__}: {exc}") from None
    if not isinstance(model, nn.Module):
        raise ModelLoadError(f"{label} returned {type(model).__name__}, not an nn.Module")
    return model


def resolve(model_or_name: Any) -> tuple[str, Any]:
    """``(display name, source)`` where source is an nn.Module, a registry name, or a callable."""
    if isinstance(model_or_name, nn.Module):
        return type(model_or_name).__name__, model_or_name
    if not isinstance(model_or_name, str):
        raise UsageError(f"expected an nn.Module, a model name or 'package.module:callable', got {model_or_name!r}")
    if ":" in model_or_name:
        if not _IMPORT_PATH.match(model_or_name):
            raise ModelLoadError(f"malformed import path {model_or_name!r}: expected 'package.module:callable'")
        return model_or_name, _import_callable(model_or_name)
    import archstats_models as zoo

    try:
        return zoo.resolve_name(model_or_name), model_or_name
    except zoo.UnknownModelError as exc:
        raise ModelLoadError(str(exc)) from None


def default_input_size(name: str) -> tuple[int, ...] | None:
    import archstats_models as zoo

    try:
        return tuple(zoo.get_model_info(name).input_size)
    except zoo.UnknownModelError:
        return None


def _meta_copy(model: nn.Module) -> nn.Module:
    """The model's structure with meta parameters and buffers: modules are copied one by one
    (``copy.deepcopy`` walks every attribute and costs several times the model's construction)."""
    memo: dict[int, Any] = {}
    for p in model.parameters():
        memo[id(p)] = nn.Parameter(_meta_like(p), requires_grad=p.requires_grad)
    for b in model.buffers():
        memo[id(b)] = _meta_like(b)
    modules = list(model.modules())
    for m in modules:
        memo[id(m)] = _shell(m)
    for m in modules:
        _rewire(memo[id(m)], memo)
    return memo[id(model)]


def _meta_like(t: torch.Tensor) -> torch.Tensor:
    # empty_like on a meta tensor runs torch's Python reference, which imports sympy (a second)
    return torch.empty_strided(t.size(), t.stride(), dtype=t.dtype, device="meta")


def _shell(module: nn.Module) -> nn.Module:
    """A new module object of the same class whose attributes are shallow copies of the original's
    (dicts and lists copied, so hooks and registrations on the copy never reach the original)."""
    shell = module.__class__.__new__(module.__class__)
    shell.__dict__.update(
        {k: (copy.copy(v) if isinstance(v, (dict, list, set)) else v) for k, v in module.__dict__.items()}
    )
    return shell


def _rewire(shell: nn.Module, new: dict[int, Any]) -> None:
    """Point the copy at the copies: its parameters, buffers, submodules, and module or tensor
    attributes kept outside them (a tied weight, a list of blocks)."""
    for key, value in shell.__dict__.items():
        if isinstance(value, dict):
            for k, v in value.items():
                if id(v) in new:
                    value[k] = new[id(v)]
        elif isinstance(value, list):
            value[:] = [new.get(id(v), v) for v in value]
        elif isinstance(value, tuple) and any(id(v) in new for v in value):
            shell.__dict__[key] = tuple(new.get(id(v), v) for v in value)
        elif id(value) in new:
            shell.__dict__[key] = new[id(value)]


# Weight initialisers write values; a meta tensor holds none, yet torch still runs their Python
# reference implementations on meta (tens of microseconds each, and the first one imports
# torch._dynamo, about a second). Skipping them leaves the built model exactly as it would be.
_INIT_FUNCTIONS = (
    "uniform_",
    "normal_",
    "trunc_normal_",
    "constant_",
    "ones_",
    "zeros_",
    "eye_",
    "dirac_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
    "sparse_",
)
_INIT_METHODS = (
    "uniform_",
    "normal_",
    "fill_",
    "zero_",
    "bernoulli_",
    "random_",
    "exponential_",
    "geometric_",
    "log_normal_",
    "cauchy_",
)
_INITIALISERS = {getattr(nn.init, name) for name in _INIT_FUNCTIONS if hasattr(nn.init, name)} | {
    getattr(torch.Tensor, name) for name in _INIT_METHODS
}


class _SkipMetaInit(TorchFunctionMode):
    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        if func in _INITIALISERS:
            # nn.init hands its tensor over as a keyword
            target = args[0] if args else kwargs.get("tensor", kwargs.get("self"))
            if isinstance(target, torch.Tensor) and target.is_meta:
                return target
        return func(*args, **kwargs)


@contextlib.contextmanager
def building_on(device: str) -> Iterator[None]:
    """Build modules on ``device``; on meta, weight initialisers are skipped (they write nothing)."""
    with torch.device(device):
        if device != "meta":
            yield
            return
        with _SkipMetaInit():
            yield


def build(source: Any, label: str, device: str, dtype: torch.dtype | None) -> nn.Module:
    """A private copy of the model on ``device``, cast to ``dtype`` when one is given."""
    if isinstance(source, str):
        import archstats_models as zoo

        try:
            with building_on(device):
                model = zoo.get_model(source)
        except Exception as exc:
            raise ModelLoadError(f"building {label} failed: {type(exc).__name__}: {exc}") from None
    elif isinstance(source, nn.Module):
        try:
            model = _meta_copy(source) if device == "meta" else copy.deepcopy(source).to(device)
        except Exception as exc:
            raise ModelLoadError(f"cannot copy {label} for analysis: {type(exc).__name__}: {exc}") from None
    else:
        with building_on(device):
            model = _instantiate(source, label)
        # the callable may hand back an instance it keeps (a module-level model): copy it too
        return build(model, label, device, dtype)
    if dtype is not None:
        model = model.to(dtype)
    return model

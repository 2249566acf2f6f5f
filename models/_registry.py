"""The model registry: every reference model registers itself here with its provenance."""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, overload

from torch import nn

__all__ = [
    "Family",
    "ModelInfo",
    "Published",
    "UnknownModelError",
    "get_model",
    "get_model_info",
    "list_models",
    "register_model",
    "resolve_name",
]

BuilderT = TypeVar("BuilderT", bound=Callable[..., nn.Module])


_SUFFIXES = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "B": 10**9, "T": 10**12}


@dataclass(frozen=True)
class Published:
    """A figure published for a model, kept next to it so measurements can be checked against it.

    ``exact`` figures are compared for equality; rounded ones within ``tolerance`` (half a unit in
    the last digit the source prints: use :meth:`quoted`). A figure our model deliberately does not
    reproduce carries the reason in ``deviation`` and is reported, not compared.
    """

    metric: str  # "params" | "macs" | "rf" | "depth"
    value: float | int
    source: str  # e.g. "Caffe bvlc_alexnet deploy.prototxt" / "paper Table 1"
    convention: str  # e.g. "exact count", "MACs called FLOPs", "rounded to 0.1M"
    exact: bool
    tolerance: float = 0.0
    deviation: str = ""
    input_size: tuple[int, ...] | None = None  # the input the figure is for, if not the default

    @classmethod
    def quoted(
        cls,
        text: str,
        *,
        metric: str,
        source: str,
        convention: str,
        deviation: str = "",
        input_size: tuple[int, ...] | None = None,
    ) -> Published:
        """A rounded figure as printed, e.g. ``"4.09G"`` or ``"25.6M"``; tolerance is half its last digit."""
        body = text.strip().replace(",", "")
        suffix = body[-1].upper() if body[-1].isalpha() else ""
        number = body[:-1] if suffix else body
        scale = _SUFFIXES[suffix]
        decimals = len(number.split(".")[1]) if "." in number else 0
        return cls(
            metric=metric,
            value=float(number) * scale,
            source=source,
            convention=f"{convention} (quoted as {text})",
            exact=False,
            tolerance=0.5 * 10**-decimals * scale,
            deviation=deviation,
            input_size=input_size,
        )

    def matches(self, measured: float) -> bool:
        if self.exact:
            return measured == self.value
        # a small epsilon absorbs binary rounding of e.g. 0.05e6
        return abs(measured - self.value) <= self.tolerance * (1 + 1e-9)


@dataclass(frozen=True)
class ModelInfo:
    name: str
    family: str
    year: int
    paper: str
    arxiv: str | None
    input_size: tuple[int, int, int]  # (C, H, W) default input
    num_classes: int
    notes: str  # how this variant differs from well-known implementations
    aliases: tuple[str, ...]
    published: tuple[Published, ...]
    builder: Callable[..., nn.Module]


class UnknownModelError(KeyError):
    """Raised for a name that is neither a registered model nor an alias."""

    def __init__(self, name: str, suggestions: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = list(suggestions)

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the key; a CLI wants one readable line instead.
        if self.suggestions:
            hint = "did you mean: " + ", ".join(self.suggestions) + "?"
        else:
            hint = "run `archstats list` to see the models"
        return f"unknown model {self.name!r}; {hint}"


# Keys are lower-cased so that lookups are case-insensitive while ModelInfo keeps the spelling.
_MODELS: dict[str, ModelInfo] = {}
_ALIASES: dict[str, str] = {}


def _taken(key: str) -> bool:
    return key in _MODELS or key in _ALIASES


def register_model(
    name: str,
    *,
    family: str,
    year: int,
    paper: str,
    arxiv: str | None,
    input_size: tuple[int, int, int],
    num_classes: int = 1000,
    notes: str = "",
    aliases: tuple[str, ...] = (),
    published: tuple[Published, ...] = (),
) -> Callable[[BuilderT], BuilderT]:
    """Register the decorated builder under ``name`` (and ``aliases``); returns it unchanged."""
    aliases = tuple(aliases)
    keys = [name.lower(), *(a.lower() for a in aliases)]
    # Validate everything before touching the tables, so a refused registration leaves no trace.
    if len(set(keys)) != len(keys):
        raise ValueError(f"model {name!r} repeats a name among its aliases: {aliases!r}")
    for key in keys:
        if _taken(key):
            raise ValueError(f"model name or alias {key!r} is already registered")

    def decorator(builder: BuilderT) -> BuilderT:
        # Re-check: the names may have been taken between decorator creation and application.
        for key in keys:
            if _taken(key):
                raise ValueError(f"model name or alias {key!r} is already registered")
        _MODELS[keys[0]] = ModelInfo(
            name=name,
            family=family,
            year=year,
            paper=paper,
            arxiv=arxiv,
            input_size=tuple(input_size),
            num_classes=num_classes,
            notes=notes,
            aliases=aliases,
            published=tuple(published),
            builder=builder,
        )
        for alias in keys[1:]:
            _ALIASES[alias] = keys[0]
        return builder

    return decorator


@dataclass(frozen=True)
class Family:
    """What every model of a family shares (its paper and default input), stated once per family file.

    A variant that differs in more than its input size or classes is registered from a derived family,
    e.g. ``dataclasses.replace(RESNET, year=2016, paper=..., arxiv=...)``.
    """

    family: str
    year: int
    paper: str
    arxiv: str | None
    input_size: tuple[int, int, int]  # (C, H, W) default input
    num_classes: int = 1000

    @overload
    def register(
        self,
        name: str,
        builder: None = None,
        *,
        aliases: tuple[str, ...] = (),
        notes: str = "",
        published: tuple[Published, ...] = (),
        input_size: tuple[int, int, int] | None = None,
        num_classes: int | None = None,
    ) -> Callable[[BuilderT], BuilderT]: ...

    @overload
    def register(
        self,
        name: str,
        builder: BuilderT,
        *,
        aliases: tuple[str, ...] = (),
        notes: str = "",
        published: tuple[Published, ...] = (),
        input_size: tuple[int, int, int] | None = None,
        num_classes: int | None = None,
    ) -> BuilderT: ...

    def register(
        self,
        name: str,
        builder: BuilderT | None = None,
        *,
        aliases: tuple[str, ...] = (),
        notes: str = "",
        published: tuple[Published, ...] = (),
        input_size: tuple[int, int, int] | None = None,
        num_classes: int | None = None,
    ) -> BuilderT | Callable[[BuilderT], BuilderT]:
        """Register one variant of the family with only what differs from the family's metadata.

        ``builder`` (a class, a ``functools.partial`` or a function: anything whose keyword arguments,
        e.g. ``num_classes``, build the model) is registered and returned; without it this is a
        decorator. Names and aliases are checked before anything is registered, as in
        :func:`register_model`.
        """
        decorator: Callable[[BuilderT], BuilderT] = register_model(
            name,
            family=self.family,
            year=self.year,
            paper=self.paper,
            arxiv=self.arxiv,
            input_size=self.input_size if input_size is None else input_size,
            num_classes=self.num_classes if num_classes is None else num_classes,
            notes=notes,
            aliases=aliases,
            published=published,
        )
        return decorator if builder is None else decorator(builder)


_GLOB_CHARS = frozenset("*?[")


def _matches(info: ModelInfo, pattern: str) -> bool:
    """A glob (``*``, ``?`` or ``[``) matches a whole name or alias; plain text matches part of the
    name, of an alias or of the family (``resnet`` finds resnet50, se_resnet50 and plain18). Both
    ignore case."""
    pat = pattern.lower()
    names = [info.name.lower(), *(a.lower() for a in info.aliases)]
    if _GLOB_CHARS & set(pat):
        return any(fnmatch.fnmatchcase(n, pat) for n in names)
    return any(pat in n for n in (*names, info.family.lower()))


def list_models(pattern: str | None = None) -> list[ModelInfo]:
    """All registered models, or those matching ``pattern`` (see :func:`_matches`), by year then name."""
    infos = _MODELS.values()
    if pattern is not None:
        infos = [i for i in infos if _matches(i, pattern)]
    return sorted(infos, key=lambda i: (i.year, i.name))


def resolve_name(name: str) -> str:
    """Canonical model name for a name or alias, ignoring case."""
    key = name.lower()
    if key in _MODELS:
        return _MODELS[key].name
    if key in _ALIASES:
        return _MODELS[_ALIASES[key]].name
    candidates = [i.name for i in _MODELS.values()] + [a for i in _MODELS.values() for a in i.aliases]
    by_lower = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(key, list(by_lower), n=3, cutoff=0.5)
    raise UnknownModelError(name, [by_lower[m] for m in matches])


def get_model_info(name: str) -> ModelInfo:
    return _MODELS[resolve_name(name).lower()]


def get_model(name: str, **kwargs: object) -> nn.Module:
    """Build a fresh model; ``kwargs`` go to its builder (e.g. ``num_classes``)."""
    return get_model_info(name).builder(**kwargs)

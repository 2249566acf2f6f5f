"""Errors that the CLI turns into one clear line and a non-zero exit code."""

from __future__ import annotations


class ArchstatsError(Exception):
    """Base class: the message is a complete, user-facing sentence without a traceback."""

    exit_code = 2


class UsageError(ArchstatsError):
    """Malformed arguments: sizes, conventions, unknown options."""


class ModelLoadError(ArchstatsError):
    """A model name that is not registered or an import path that does not import."""


class ModelRunError(ArchstatsError):
    """The model's forward failed; the message names the layer and, where known, the aten op."""


class UncountedOpsError(ArchstatsError):
    """Raised under ``strict=True`` when an op has no counting rule."""


def first_line(exc: BaseException) -> str:
    """An exception's message in one line (its first), or its type's name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def install_hint(extra: str) -> str:
    """The pip command that adds archstats' optional dependencies ``extra``, for how archstats is
    installed: from a source checkout (an editable install: the package sits beside its
    ``pyproject.toml``) ``pip install -e ".[extra]"`` run in the checkout, else from the index."""
    import shlex
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file():
        return f'cd {shlex.quote(str(root))} && pip install -e ".[{extra}]"'
    return f'pip install "archstats[{extra}]"'

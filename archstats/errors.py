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

"""Reference implementations of the classic CNNs (installed as ``archstats_models``)."""

from . import alexnet, squeezenet  # noqa: F401  (imported for their registrations)
from ._registry import (
    ModelInfo,
    Published,
    UnknownModelError,
    get_model,
    get_model_info,
    list_models,
    register_model,
    resolve_name,
)

__all__ = [
    "ModelInfo",
    "Published",
    "UnknownModelError",
    "get_model",
    "get_model_info",
    "list_models",
    "register_model",
    "resolve_name",
]

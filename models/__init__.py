"""Reference implementations of the classic CNNs (installed as ``archstats_models``)."""

# Imported for their registrations; one module per family.
from . import (  # noqa: F401
    alexnet,
    attention,
    cifar_resnets,
    densenet,
    efficientnet,
    googlenet,
    lenet,
    mobilenet,
    nasnet,
    nin,
    preact_resnet,
    resnet,
    resnext,
    senet,
    squeezenet,
    vgg,
    xception,
    zfnet,
)
from ._registry import (
    Family,
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

"""Tests for the reference model zoo (``archstats_models``)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import archstats_models as zoo
from archstats_models import (
    ModelInfo,
    UnknownModelError,
    get_model,
    get_model_info,
    list_models,
    register_model,
    resolve_name,
)

ALL_MODELS = list_models()
MODEL_IDS = [info.name for info in ALL_MODELS]


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------------------- registry


def test_registry_lists_the_expected_models() -> None:
    assert {"alexnet", "alexnet_single", "squeezenet1_0", "squeezenet1_1"} <= set(MODEL_IDS)
    assert all(isinstance(i, ModelInfo) for i in ALL_MODELS)


def test_list_models_sorted_by_year_then_name() -> None:
    keys = [(i.year, i.name) for i in ALL_MODELS]
    assert keys == sorted(keys)


def test_list_models_pattern() -> None:
    assert [i.name for i in list_models("squeezenet1_?")] == ["squeezenet1_0", "squeezenet1_1"]
    assert {"squeezenet1_0", "squeezenet1_1"} <= {i.name for i in list_models("squeezenet*")}
    assert [i.name for i in list_models("alex*")] == ["alexnet", "alexnet_single"]
    assert list_models("no_such_*") == []


def test_duplicate_name_refused_before_registering() -> None:
    before = list_models()
    with pytest.raises(ValueError):
        register_model("alexnet", family="x", year=2000, paper="x", arxiv=None, input_size=(3, 8, 8))
    # Case-insensitive collision with an existing name.
    with pytest.raises(ValueError):
        register_model("AlexNet", family="x", year=2000, paper="x", arxiv=None, input_size=(3, 8, 8))
    assert list_models() == before


def test_alias_colliding_with_existing_name_or_alias_refused() -> None:
    before = list_models()
    # A fresh name whose alias collides must leave no trace: the fresh name stays unknown.
    with pytest.raises(ValueError):
        register_model(
            "throwaway_test_model",
            family="x",
            year=2000,
            paper="x",
            arxiv=None,
            input_size=(3, 8, 8),
            aliases=("squeezenet",),  # an existing alias
        )
    with pytest.raises(ValueError):
        register_model(
            "throwaway_test_model",
            family="x",
            year=2000,
            paper="x",
            arxiv=None,
            input_size=(3, 8, 8),
            aliases=("alexnet",),  # an existing name
        )
    assert list_models() == before
    with pytest.raises(UnknownModelError):
        resolve_name("throwaway_test_model")


def test_unknown_name_suggests() -> None:
    with pytest.raises(UnknownModelError) as excinfo:
        get_model("alexnt")
    err = excinfo.value
    assert isinstance(err, KeyError)
    assert err.name == "alexnt"
    assert "alexnet" in err.suggestions
    assert len(err.suggestions) <= 3
    message = str(err)
    assert "\n" not in message
    assert message.startswith("unknown model 'alexnt'; did you mean: alexnet")
    assert message.endswith("?")


def test_unknown_name_without_suggestion() -> None:
    with pytest.raises(UnknownModelError) as excinfo:
        get_model_info("qqqqqqqq")
    assert excinfo.value.suggestions == []
    assert str(excinfo.value) == "unknown model 'qqqqqqqq'; run `archstats list` to see the models"


def test_aliases_resolve_case_insensitively() -> None:
    assert resolve_name("squeezenet") == "squeezenet1_0"
    assert resolve_name("SqueezeNet") == "squeezenet1_0"
    assert resolve_name("ALEXNET") == "alexnet"
    assert get_model_info("squeezenet") is get_model_info("squeezenet1_0")


def test_get_model_passes_kwargs() -> None:
    with torch.device("meta"):
        model = get_model("squeezenet1_1", num_classes=10)
    assert model.classifier[1].out_channels == 10


def test_public_api_exported() -> None:
    for name in zoo.__all__:
        assert hasattr(zoo, name)


# ---------------------------------------------------------------------------- every model


@pytest.mark.parametrize("info", ALL_MODELS, ids=MODEL_IDS)
def test_builds_on_meta(info: ModelInfo) -> None:
    with torch.device("meta"):
        model = get_model(info.name)
    assert all(p.is_meta for p in model.parameters())
    with torch.device("meta"):
        out = model.eval()(torch.zeros(1, *info.input_size))
    assert tuple(out.shape) == (1, info.num_classes)


@pytest.mark.parametrize("info", ALL_MODELS, ids=MODEL_IDS)
def test_forward_on_cpu(info: ModelInfo) -> None:
    model = get_model(info.name).eval()
    with torch.no_grad():
        out = model(torch.zeros(1, *info.input_size))
    assert tuple(out.shape) == (1, info.num_classes)


@pytest.mark.parametrize("info", ALL_MODELS, ids=MODEL_IDS)
def test_metadata_is_filled_in(info: ModelInfo) -> None:
    assert info.paper and info.family and info.notes
    assert len(info.input_size) == 3
    assert all(p.source and p.convention for p in info.published)


# ---------------------------------------------------------------------------- AlexNet by hand


def test_alexnet_params_by_hand() -> None:
    # groups=2 halves each filter's input depth: conv2/4/5 see only their own tower's maps.
    expected = (
        (11 * 11 * 3 * 96 + 96)  # conv1
        + (5 * 5 * 48 * 256 + 256)  # conv2, grouped (96/2 = 48 inputs per filter)
        + (3 * 3 * 256 * 384 + 384)  # conv3, sees both towers
        + (3 * 3 * 192 * 384 + 384)  # conv4, grouped
        + (3 * 3 * 192 * 256 + 256)  # conv5, grouped
        + (256 * 6 * 6 * 4096 + 4096)  # fc6 (9216 inputs)
        + (4096 * 4096 + 4096)  # fc7
        + (4096 * 1000 + 1000)  # fc8
    )
    assert expected == 60_965_224
    with torch.device("meta"):
        assert _n_params(get_model("alexnet")) == expected


def test_alexnet_single_params_by_hand() -> None:
    expected = (
        (11 * 11 * 3 * 64 + 64)
        + (5 * 5 * 64 * 192 + 192)
        + (3 * 3 * 192 * 384 + 384)
        + (3 * 3 * 384 * 256 + 256)
        + (3 * 3 * 256 * 256 + 256)
        + (9216 * 4096 + 4096)
        + (4096 * 4096 + 4096)
        + (4096 * 1000 + 1000)
    )
    with torch.device("meta"):
        assert _n_params(get_model("alexnet_single")) == expected


def test_alexnet_intermediate_shapes() -> None:
    with torch.device("meta"):
        model = get_model("alexnet").eval()
        x = torch.zeros(1, 3, 227, 227)
        shapes: list[tuple[str, tuple[int, ...]]] = []
        for layer in model.features:
            x = layer(x)
            shapes.append((type(layer).__name__, tuple(x.shape[1:])))
    convs = [s for name, s in shapes if name == "Conv2d"]
    pools = [s for name, s in shapes if name == "MaxPool2d"]
    assert convs[0] == (96, 55, 55)  # conv1: (227 - 11) / 4 + 1
    assert pools[0] == (96, 27, 27)
    assert convs[1] == (256, 27, 27)
    assert pools[1] == (256, 13, 13)
    assert convs[2:] == [(384, 13, 13), (384, 13, 13), (256, 13, 13)]
    assert shapes[-1][1] == (256, 6, 6)  # what fc6 flattens to 9216


def test_alexnet_structure() -> None:
    with torch.device("meta"):
        model = get_model("alexnet")
    convs = [m for m in model.features if isinstance(m, nn.Conv2d)]
    assert [c.groups for c in convs] == [1, 2, 1, 2, 2]
    lrns = [m for m in model.features if isinstance(m, nn.LocalResponseNorm)]
    assert len(lrns) == 2
    assert all((lrn.size, lrn.alpha, lrn.beta, lrn.k) == (5, 1e-4, 0.75, 2.0) for lrn in lrns)
    assert isinstance(model.features, nn.Sequential)
    assert isinstance(model.classifier, nn.Sequential)


# ---------------------------------------------------------------------------- SqueezeNet by hand


def _fire_params(c_in: int, s: int, e1: int, e3: int) -> int:
    return (c_in * s + s) + (s * e1 + e1) + (9 * s * e3 + e3)


# Paper Table 1, (squeeze, expand1x1, expand3x3) for fire2..fire9.
_SQUEEZENET_FIRES = [
    (16, 64, 64),
    (16, 64, 64),
    (32, 128, 128),
    (32, 128, 128),
    (48, 192, 192),
    (48, 192, 192),
    (64, 256, 256),
    (64, 256, 256),
]


@pytest.mark.parametrize(
    ("name", "conv1_params", "conv1_out"),
    [
        ("squeezenet1_0", 7 * 7 * 3 * 96 + 96, 96),
        ("squeezenet1_1", 3 * 3 * 3 * 64 + 64, 64),
    ],
)
def test_squeezenet_params_by_hand(name: str, conv1_params: int, conv1_out: int) -> None:
    total = conv1_params
    c_in = conv1_out
    for s, e1, e3 in _SQUEEZENET_FIRES:
        total += _fire_params(c_in, s, e1, e3)
        c_in = e1 + e3
    total += c_in * 1000 + 1000  # conv10, 1x1
    if name == "squeezenet1_0":
        assert total == 1_248_424
    with torch.device("meta"):
        assert _n_params(get_model(name)) == total


def test_fire_module() -> None:
    fire = zoo.squeezenet.Fire(96, 16, 64, 64)
    for attr in (
        "squeeze",
        "squeeze_activation",
        "expand1x1",
        "expand1x1_activation",
        "expand3x3",
        "expand3x3_activation",
    ):
        assert hasattr(fire, attr)
    out = fire(torch.zeros(1, 96, 55, 55))
    assert tuple(out.shape) == (1, 128, 55, 55)
    assert _n_params(fire) == _fire_params(96, 16, 64, 64)


def test_squeezenet_pools_use_ceil_mode() -> None:
    with torch.device("meta"):
        model = get_model("squeezenet1_0")
    pools = [m for m in model.features if isinstance(m, nn.MaxPool2d)]
    assert len(pools) == 3
    assert all(p.ceil_mode for p in pools)

"""The registry's family metadata, and that every family module of the zoo is registered.

A family file that ``models/__init__.py`` forgets to import registers nothing, and its models vanish
from ``list_models()`` without any error; the modules are therefore found by listing the directory
and checked in a fresh interpreter, where only the package's own imports can have registered them.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from torch import nn

import archstats_models as zoo
from archstats_models import Family, ModelInfo, Published, UnknownModelError, get_model_info, list_models, resolve_name
from archstats_models import _registry as registry

MODELS_DIR = Path(zoo.__file__).parent
FAMILY_MODULES = sorted(p.stem for p in MODELS_DIR.glob("*.py") if not p.name.startswith("_"))

# Run in a fresh interpreter: which family modules did `import archstats_models` import, and which
# registered models does each of them hold (its builders are module-level names)?
_PROBE = """
import json, sys
import archstats_models as zoo
builders = {id(info.builder): info.name for info in zoo.list_models()}
found = {}
for stem in json.loads(sys.argv[1]):
    module = sys.modules.get("archstats_models." + stem)
    names = None if module is None else {builders[id(v)] for v in vars(module).values() if id(v) in builders}
    found[stem] = None if names is None else sorted(names)
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def registered_by_module() -> dict[str, list[str] | None]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(FAMILY_MODULES)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_family_modules_are_listed() -> None:
    assert {"alexnet", "resnet", "resnext", "senet", "efficientnet"} <= set(FAMILY_MODULES)
    assert not any(stem.startswith("_") for stem in FAMILY_MODULES)


@pytest.mark.parametrize("stem", FAMILY_MODULES)
def test_every_model_module_registers_models(stem: str, registered_by_module: dict[str, list[str] | None]) -> None:
    names = registered_by_module[stem]
    assert names is not None, (
        f"models/{stem}.py is not imported by models/__init__.py, so none of its models is registered"
    )
    assert names, f"models/{stem}.py registers no model (or does not keep its builders as module-level names)"


def test_every_registered_model_comes_from_a_family_module(registered_by_module: dict[str, list[str] | None]) -> None:
    found = {name for names in registered_by_module.values() for name in names or ()}
    assert found == {info.name for info in list_models()}


@pytest.mark.parametrize("info", list_models(), ids=lambda info: info.name)
def test_builder_defaults_to_the_registered_classes(info: ModelInfo) -> None:
    # A class or partial registered directly brings its own default: it must be the family's.
    default = inspect.signature(info.builder).parameters["num_classes"].default
    assert default == info.num_classes


# ---------------------------------------------------------------------------- Family


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registrations made in a test are dropped at its end."""
    monkeypatch.setattr(registry, "_MODELS", dict(registry._MODELS))
    monkeypatch.setattr(registry, "_ALIASES", dict(registry._ALIASES))


TOY = Family("toy", year=2001, paper="A Toy Network", arxiv="0101.00001", input_size=(3, 8, 8))


@pytest.mark.usefixtures("scratch_registry")
def test_family_registers_a_builder_with_the_family_metadata() -> None:
    builder = partial(nn.Linear, 3)
    figure = Published(metric="params", value=4, source="by hand", convention="exact count", exact=True)
    returned = TOY.register("toy_a", builder, aliases=("toy",), notes="the first toy", published=(figure,))
    assert returned is builder
    info = get_model_info("TOY")
    assert (info.name, info.family, info.year, info.paper, info.arxiv) == (
        "toy_a",
        "toy",
        2001,
        "A Toy Network",
        "0101.00001",
    )
    assert (info.input_size, info.num_classes, info.notes, info.aliases) == ((3, 8, 8), 1000, "the first toy", ("toy",))
    assert info.published == (figure,) and info.builder is builder


@pytest.mark.usefixtures("scratch_registry")
def test_family_register_as_decorator_and_with_overrides() -> None:
    @TOY.register("toy_small", input_size=(3, 4, 4), num_classes=10)
    def toy_small(*, num_classes: int = 10) -> nn.Module:
        return nn.Linear(3, num_classes)

    info = get_model_info("toy_small")
    assert info.builder is toy_small
    assert (info.family, info.input_size, info.num_classes) == ("toy", (3, 4, 4), 10)
    # a variant from another paper: a derived family
    later = dataclasses.replace(TOY, year=2002, paper="More Toys")
    later.register("toy_b", toy_small)
    assert (get_model_info("toy_b").year, get_model_info("toy_b").paper) == (2002, "More Toys")
    assert (get_model_info("toy_b").family, get_model_info("toy_b").input_size) == ("toy", (3, 8, 8))


@pytest.mark.usefixtures("scratch_registry")
def test_family_refuses_taken_names_and_aliases_leaving_no_trace() -> None:
    before = list_models()
    with pytest.raises(ValueError):
        TOY.register("AlexNet", nn.Identity)
    with pytest.raises(ValueError):
        TOY.register("toy_fresh", nn.Identity, aliases=("squeezenet",))  # an existing alias
    with pytest.raises(ValueError):
        TOY.register("toy_fresh", nn.Identity, aliases=("toy_x", "TOY_X"))  # repeated within itself
    assert list_models() == before
    with pytest.raises(UnknownModelError):
        resolve_name("toy_fresh")


def test_scratch_registrations_are_gone() -> None:
    with pytest.raises(UnknownModelError):
        resolve_name("toy_a")

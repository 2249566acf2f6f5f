"""The measured tools: how each is imported, how its model and input are prepared, what is timed.

Every tool is a ``Tool`` with an ``imports`` step (run once per worker, before the baseline RSS
is read) and a ``prepare`` step that builds whatever the tool needs *outside* the timed region and
returns the zero-argument callable that is timed. The callable returns the tool's own MAC (or
FLOP) count so that the report can show that every tool counted something.

Imported only by ``_worker.py``: the orchestrator never imports torch.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Tool names, in report order. "peers" are the other counters, measured in their normal use.
ARCHSTATS = ("archstats", "archstats-module")
REFERENCES = ("floor", "forward")
PEERS = ("fvcore", "thop", "ptflops-aten", "ptflops-pytorch", "torchinfo")
ALL_TOOLS = ARCHSTATS + REFERENCES + PEERS
# Tools that need a real CPU model (slow to build, heavy in memory).
CPU_TOOLS = ("archstats-module", "forward") + PEERS

DESCRIPTIONS = {
    "archstats": "`archstats.profile(name, input_size=..., batch_size=b)`, then `p.totals` and `p.layers` "
    "(the DataFrame); builds the model on meta inside the timed call",
    "archstats-module": "`archstats.profile(model, ...)` on a CPU model built beforehand (includes the meta copy), "
    "then `p.totals` and `p.layers`",
    "floor": "bare forward of a meta-built model on a meta input under "
    "`torch.utils.flop_counter.FlopCounterMode(display=False)` (model built beforehand)",
    "forward": "plain `torch.no_grad()` forward of the CPU model on a `torch.randn` input",
    "fvcore": "`FlopCountAnalysis(model, x).total()` with its warnings off",
    "thop": "`thop.profile(model, inputs=(x,), verbose=False)`",
    "ptflops-aten": "`get_model_complexity_info(model, input_res, as_strings=False, print_per_layer_stat=False, "
    "backend='aten')`",
    "ptflops-pytorch": "`get_model_complexity_info(model, input_res, as_strings=False, print_per_layer_stat=False, "
    "backend='pytorch')`",
    "torchinfo": "`summary(model, input_size=(b, *input), verbose=0)`",
}

Call = Callable[[], Any]


@dataclass
class Prepared:
    """What ``prepare`` hands back: the timed callable and the untimed set-up cost."""

    call: Call
    build_s: float | None = None  # model construction (CPU or meta), outside the timed region
    notes: list[str] = field(default_factory=list)


@dataclass
class Tool:
    name: str
    imports: Callable[[], str]  # imports the library, returns its version
    prepare: Callable[[str, int, tuple[int, ...]], Prepared]


class SwallowedError(RuntimeError):
    """ptflops catches the forward's exception, prints it and returns None: re-raise its text."""


# --------------------------------------------------------------------------------------- helpers


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


def _cpu_model(name: str) -> tuple[Any, float]:
    from archstats_models import get_model

    t0 = time.perf_counter()
    model = get_model(name).eval()
    return model, time.perf_counter() - t0


def _cpu_input(batch: int, size: tuple[int, ...]) -> Any:
    import torch

    torch.manual_seed(0)
    return torch.randn(batch, *size)


# ------------------------------------------------------------------------------------- archstats


def _import_archstats() -> str:
    import archstats  # noqa: F401  (the import itself is what we want before the baseline)

    return _version("archstats")


def _profile_and_layers(target: Any, batch: int, size: tuple[int, ...]) -> dict[str, Any]:
    import archstats

    p = archstats.profile(target, input_size=size, batch_size=batch)
    totals = p.totals  # already computed by profile(); read for symmetry with the peers
    t0 = time.perf_counter()
    layers = p.layers  # the DataFrame is built lazily: force it inside the timed region
    layers_s = time.perf_counter() - t0
    assert len(layers) > 0
    return {"macs": int(totals.macs), "n_ops": int(totals.n_ops), "n_layers": len(layers), "layers_s": layers_s}


def _prepare_archstats(name: str, batch: int, size: tuple[int, ...]) -> Prepared:
    return Prepared(
        lambda: _profile_and_layers(name, batch, size), build_s=None, notes=["includes building the model on meta"]
    )


def _prepare_archstats_module(name: str, batch: int, size: tuple[int, ...]) -> Prepared:
    model, build = _cpu_model(name)
    return Prepared(
        lambda: _profile_and_layers(model, batch, size),
        build_s=build,
        notes=["includes the meta copy of the CPU model"],
    )


# ------------------------------------------------------------------------------------ references


def _import_torch() -> str:
    import torch

    return torch.__version__


def _prepare_floor(name: str, batch: int, size: tuple[int, ...]) -> Prepared:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from archstats_models import get_model

    t0 = time.perf_counter()
    with torch.device("meta"):
        model = get_model(name).eval()
    build = time.perf_counter() - t0
    x = torch.empty(batch, *size, device="meta")

    def call() -> int:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(x)
        return counter.get_total_flops() // 2  # FlopCounterMode counts 2 FLOPs per MAC

    return Prepared(call, build_s=build)


def _prepare_forward(name: str, batch: int, size: tuple[int, ...]) -> Prepared:
    import torch

    model, build = _cpu_model(name)
    x = _cpu_input(batch, size)

    def call() -> None:
        with torch.no_grad():
            model(x)

    return Prepared(call, build_s=build)


# ----------------------------------------------------------------------------------------- peers


def _import_fvcore() -> str:
    from fvcore.nn import FlopCountAnalysis  # noqa: F401 (the worker times this import)

    # fvcore reports skipped ops through logging and tracing through warnings: silence both, as a
    # user who only wants the number would.
    logging.getLogger("fvcore").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    return _version("fvcore")


def _prepare_fvcore(name: str, batch: int, size: tuple[int, ...]) -> Prepared:
    from fvcore.nn import FlopCountAnalysis

    model, build = _cpu_model(name)
    x = _cpu_input(batch, size)

    def call() -> int:
        analysis = FlopCountAnalysis(model, x)
        analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        return int(analysis.total())

    return Prepared(call, build_s=build)


def _import_thop() -> str:
    import thop  # noqa: F401 (the worker times this import)

    return _version("ultralytics-thop")


def _prepare_thop(name: str, batch: int, size: tuple[int, ...]) -> Prepared:
    import thop

    model, build = _cpu_model(name)
    x = _cpu_input(batch, size)

    def call() -> int:
        macs, _params = thop.profile(model, inputs=(x,), verbose=False)
        return int(macs)

    return Prepared(call, build_s=build)


def _import_ptflops() -> str:
    import ptflops  # noqa: F401 (the worker times this import)

    return _version("ptflops")


def _ptflops_preparer(backend: str) -> Callable[[str, int, tuple[int, ...]], Prepared]:
    def prepare(name: str, batch: int, size: tuple[int, ...]) -> Prepared:
        from ptflops import get_model_complexity_info

        model, build = _cpu_model(name)
        notes = []
        kwargs: dict[str, Any] = {}
        if batch != 1:
            # ptflops builds a batch-1 input itself; for larger batches its documented route is
            # input_constructor. The tensor is made here, outside the timed region.
            x = _cpu_input(batch, size)
            kwargs["input_constructor"] = lambda _res: x
            notes.append("batch via input_constructor (input built outside the timed region)")

        def call() -> int:
            # ptflops catches any exception of the forward, prints it and returns (None, None):
            # capture that text so an out-of-memory is reported as such.
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                macs, _params = get_model_complexity_info(
                    model, tuple(size), as_strings=False, print_per_layer_stat=False, backend=backend, **kwargs
                )
            if macs is None:
                raise SwallowedError(out.getvalue().strip() or "ptflops returned None")
            return int(macs)

        return Prepared(call, build_s=build, notes=notes)

    return prepare


def _import_torchinfo() -> str:
    import torchinfo  # noqa: F401 (the worker times this import)

    return _version("torchinfo")


def _prepare_torchinfo(name: str, batch: int, size: tuple[int, ...]) -> Prepared:
    from torchinfo import summary

    model, build = _cpu_model(name)

    def call() -> int:
        stats = summary(model, input_size=(batch, *size), verbose=0)
        return int(stats.total_mult_adds)

    return Prepared(call, build_s=build, notes=["torchinfo draws its own random input inside the call"])


TOOLS: dict[str, Tool] = {
    "archstats": Tool("archstats", _import_archstats, _prepare_archstats),
    "archstats-module": Tool("archstats-module", _import_archstats, _prepare_archstats_module),
    "floor": Tool("floor", _import_torch, _prepare_floor),
    "forward": Tool("forward", _import_torch, _prepare_forward),
    "fvcore": Tool("fvcore", _import_fvcore, _prepare_fvcore),
    "thop": Tool("thop", _import_thop, _prepare_thop),
    "ptflops-aten": Tool("ptflops-aten", _import_ptflops, _ptflops_preparer("aten")),
    "ptflops-pytorch": Tool("ptflops-pytorch", _import_ptflops, _ptflops_preparer("pytorch")),
    "torchinfo": Tool("torchinfo", _import_torchinfo, _prepare_torchinfo),
}
assert set(TOOLS) == set(ALL_TOOLS)

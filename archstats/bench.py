"""``archstats.bench``: measured latency of real forwards, per model and per layer, and the roofline.

Timings are measurements, not counts: they vary from run to run and machine to machine, so no
test asserts on them and no claim's verdict reads them. What is deterministic here (the FLOPs and
bytes joined to each layer, the lower bound for given roofs) comes from :func:`archstats.profile`.

* :func:`machine` describes where the numbers were taken (CPU, threads, torch build, device).
* :func:`measure_roofs` measures the two roofs: peak compute (a large square matmul at the dtype)
  and memory bandwidth (a large copy), each the best of several runs after a warm-up.
* :func:`bench` times whole forwards without hooks, then a separate series with per-layer timing
  (global module hooks, as the engine uses them), and joins each module call's own (exclusive)
  time with its FLOPs and traffic from a meta profile of the same model and input.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn
from torch.nn.modules import module as module_hooks

from .errors import ModelRunError, UsageError, first_line

if TYPE_CHECKING:
    from .profile import Totals

__all__ = ["BenchResult", "LayerTiming", "Roofs", "Settings", "Stats", "bench", "machine", "measure_roofs"]

DEVICES = ("cpu", "cuda")


# --- the machine --------------------------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown"


def _torch_build() -> dict[str, Any]:
    """The facts of the torch build that change how fast a forward runs."""
    cpu = getattr(torch.backends, "cpu", None)
    return {
        "version": torch.__version__,
        "cuda": torch.version.cuda,  # None on a CPU build
        "mkl": torch.backends.mkl.is_available(),
        "onednn": torch.backends.mkldnn.is_available(),
        "openmp": torch.backends.openmp.is_available(),
        "cpu_capability": cpu.get_cpu_capability() if cpu is not None else None,
    }


def machine(device: str = "cpu") -> dict[str, Any]:
    """Where a benchmark ran: CPU model, cores, torch threads, torch build, python, platform, device."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    gpu = torch.cuda.get_device_name() if device == "cuda" and torch.cuda.is_available() else None
    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "torch_threads": torch.get_num_threads(),
        "torch": _torch_build(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "device": device,
        "gpu": gpu,
    }


# --- clocks: wall time on cpu, events on a GPU stream ---------------------------------------------


class _Clock:
    """Marks points in time; :meth:`seconds` turns two marks into an interval after :meth:`sync`."""

    def mark(self) -> Any:
        return time.perf_counter()

    def sync(self) -> None:
        pass

    def seconds(self, start: Any, end: Any) -> float:
        return float(end - start)


class _CudaClock(_Clock):
    """CUDA kernels run asynchronously: time them with events on the stream, read after a sync."""

    def mark(self) -> Any:
        event = torch.cuda.Event(enable_timing=True)
        event.record()
        return event

    def sync(self) -> None:
        torch.cuda.synchronize()

    def seconds(self, start: Any, end: Any) -> float:
        return float(start.elapsed_time(end)) / 1000.0  # elapsed_time is in milliseconds


def _clock(device: str) -> _Clock:
    return _CudaClock() if device == "cuda" else _Clock()


def _check_device(device: str) -> None:
    if device not in DEVICES:
        raise UsageError(f"unsupported bench device {device!r}: use 'cpu' or 'cuda'")
    if device == "cuda" and not torch.cuda.is_available():
        build = "this torch build has no CUDA" if torch.version.cuda is None else "no GPU is visible"
        raise UsageError(f"--device cuda: no GPU is available here ({build}); use --device cpu")


# --- statistics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """A series of timings in seconds: median, extremes and quartiles (the spread is the IQR)."""

    median: float
    min: float
    max: float
    q1: float
    q3: float
    samples: tuple[float, ...] = field(repr=False)

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        values = tuple(float(s) for s in samples)
        if not values:
            raise ValueError("no samples")
        q1, q3 = (values[0], values[0]) if len(values) == 1 else _quartiles(values)
        return cls(statistics.median(values), min(values), max(values), q1, q3, values)

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    def as_dict(self, samples: bool = True) -> dict[str, Any]:
        out = {"median": self.median, "min": self.min, "max": self.max, "q1": self.q1, "q3": self.q3}
        return {**out, "iqr": self.iqr, **({"samples": list(self.samples)} if samples else {})}


def _quartiles(values: Sequence[float]) -> tuple[float, float]:
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


# --- the roofs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Roofs:
    """The machine's measured ceilings at one dtype: FLOP/s of a large matmul, bytes/s of a copy.

    ``peak_flops`` counts 2 n^3 FLOPs per n x n matmul; ``bandwidth`` counts each copy's bytes
    read plus written (2 x ``copy_bytes``). Both are the best of ``repeats`` runs after a warm-up.
    """

    peak_flops: float  # FLOP/s
    bandwidth: float  # bytes/s
    dtype: str = "float32"
    device: str = "cpu"
    matmul_n: int = 0
    copy_bytes: int = 0  # the size of the copied tensor (its traffic per copy is twice that)
    repeats: int = 0
    statistic: str = "best"

    @property
    def ridge(self) -> float:
        """The intensity (FLOPs per byte) where the bandwidth roof meets the compute ceiling."""
        return self.peak_flops / self.bandwidth

    def bound(self, flops: float, traffic_bytes: float) -> float:
        """The least time the work can take under the roofs: max(FLOPs / peak, bytes / bandwidth)."""
        return max(flops / self.peak_flops, traffic_bytes / self.bandwidth)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ridge": self.ridge}


def _timed(run: Callable[[], Any], clock: _Clock) -> float:
    """Seconds one call of ``run`` takes (on a GPU: once its kernels have finished)."""
    start = clock.mark()
    run()
    end = clock.mark()
    clock.sync()
    return clock.seconds(start, end)


def _series(run: Callable[[], Any], clock: _Clock, repeats: int, warmup: int) -> list[float]:
    """``warmup`` untimed calls of ``run``, then the seconds of ``repeats`` timed ones."""
    for _ in range(warmup):
        run()
    clock.sync()
    return [_timed(run, clock) for _ in range(repeats)]


def peak_compute(dtype: torch.dtype, device: str, n: int, repeats: int, warmup: int = 1) -> float:
    """FLOP/s of an ``n`` x ``n`` matmul at ``dtype`` (2 n^3 FLOPs), the best of ``repeats``."""
    gen = torch.Generator(device=device).manual_seed(0)  # its own generator: the global one is untouched
    a = torch.rand(n, n, generator=gen, device=device).to(dtype)
    b = torch.rand(n, n, generator=gen, device=device).to(dtype)
    out = torch.empty(n, n, dtype=dtype, device=device)
    seconds = min(_series(lambda: torch.mm(a, b, out=out), _clock(device), repeats, warmup))
    return 2 * n**3 / seconds


def peak_bandwidth(dtype: torch.dtype, device: str, nbytes: int, repeats: int, warmup: int = 1) -> float:
    """Bytes/s of copying a tensor of ``nbytes`` (read once, written once), the best of ``repeats``."""
    numel = max(nbytes // _itemsize(dtype), 1)
    src = torch.ones(numel, dtype=dtype, device=device)
    dst = torch.empty_like(src)
    seconds = min(_series(lambda: dst.copy_(src), _clock(device), repeats, warmup))
    return 2 * numel * _itemsize(dtype) / seconds


def _itemsize(dtype: torch.dtype) -> int:
    return torch.empty((), dtype=dtype).element_size()


def measure_roofs(
    dtype: str | torch.dtype | None = None,
    device: str = "cpu",
    *,
    matmul_n: int = 2048,
    copy_bytes: int = 256 * 2**20,
    repeats: int = 5,
) -> Roofs:
    """The two roofs at ``dtype`` on ``device``: the best of ``repeats`` runs of a ``matmul_n``
    square matmul and of a ``copy_bytes`` copy (256 MiB: well beyond any last-level cache)."""
    from .profile import _torch_dtype

    _check_device(device)
    if repeats <= 0 or matmul_n <= 0 or copy_bytes <= 0:
        raise UsageError("measure_roofs: repeats, matmul_n and copy_bytes must be positive")
    tdtype = _torch_dtype(dtype) or torch.float32
    with torch.inference_mode():
        flops = peak_compute(tdtype, device, matmul_n, repeats)
        bandwidth = peak_bandwidth(tdtype, device, copy_bytes, repeats)
    name = str(tdtype).replace("torch.", "")
    return Roofs(flops, bandwidth, name, device, matmul_n, copy_bytes, repeats, f"best of {repeats}")


# --- per-layer timing: global module hooks ------------------------------------------------------


@dataclass
class _Open:
    key: tuple[str, int]
    start: Any
    children: list[tuple[Any, Any]] = field(default_factory=list)  # the direct children's (start, end)


class _LayerTimer:
    """Global forward hooks that mark every module call's start and end; after each forward,
    :meth:`collect` turns the marks into inclusive and exclusive (own) times per (path, call)."""

    def __init__(self, model: nn.Module, clock: _Clock) -> None:
        self.clock = clock
        self.names: dict[int, str] = {}
        for name, m in model.named_modules(remove_duplicate=False):
            self.names.setdefault(id(m), name)
        self.order: list[tuple[str, int]] = []
        self.types: dict[tuple[str, int], str] = {}
        self.inclusive: dict[tuple[str, int], list[float]] = {}
        self.exclusive: dict[tuple[str, int], list[float]] = {}
        self._reset()

    def _reset(self) -> None:
        self.stack: list[tuple[_Open, nn.Module]] = []
        self.calls: dict[int, int] = {}
        self.extra: dict[int, str] = {}  # modules built during the forward, named as the engine names them
        self.done: list[tuple[tuple[str, int], Any, Any, list[tuple[Any, Any]]]] = []

    def _path(self, module: nn.Module) -> str:
        name = self.names.get(id(module), self.extra.get(id(module)))
        if name is None:
            parent = self.stack[-1][0].key[0] if self.stack else ""
            name = self.extra[id(module)] = f"{parent}.<{type(module).__name__}>".lstrip(".")
        return name

    def pre(self, module: nn.Module, args: tuple) -> None:
        path = self._path(module)
        call = self.calls.get(id(module), 0)
        self.calls[id(module)] = call + 1
        if (path, call) not in self.types:  # the calls in the order they first started: parents first
            self.types[(path, call)] = type(module).__name__
            self.order.append((path, call))
        self.stack.append((_Open((path, call), self.clock.mark()), module))

    def post(self, module: nn.Module, args: tuple, output: Any) -> None:
        if not self.stack or self.stack[-1][1] is not module:
            return
        end = self.clock.mark()
        opened = self.stack.pop()[0]
        if self.stack:
            self.stack[-1][0].children.append((opened.start, end))
        self.done.append((opened.key, opened.start, end, opened.children))

    def collect(self) -> None:
        """Fold one forward's marks into the series (after the clock's sync), then start afresh."""
        seconds = self.clock.seconds
        for key, start, end, children in self.done:
            inclusive = seconds(start, end)
            own = inclusive - sum(seconds(s, e) for s, e in children)
            self.inclusive.setdefault(key, []).append(inclusive)
            self.exclusive.setdefault(key, []).append(own)
        self._reset()

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        handles = [
            module_hooks.register_module_forward_pre_hook(self.pre),
            module_hooks.register_module_forward_hook(self.post, always_call=True),
        ]
        try:
            yield
        finally:
            for handle in handles:
                handle.remove()

    def discard(self) -> None:
        """Forget a warm-up forward's marks."""
        self._reset()


# --- the result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerTiming:
    """One module call: its own FLOPs and traffic (from the profile) beside its measured times.

    ``exclusive`` is the call's own time (inclusive minus its direct children's inclusive times):
    the exclusive times of all calls partition the forward, as the profile's records do. ``bound``
    is max(FLOPs / peak, bytes / bandwidth) under the roofs. A call that ran no op of its own (a
    ``Sequential``) still has an exclusive time: the Python between its children.
    """

    module: str
    call: int
    type: str
    family: str
    flops: int
    read_bytes: int
    written_bytes: int
    exclusive: Stats | None = None
    inclusive: Stats | None = None
    bound: float | None = None

    @property
    def traffic_bytes(self) -> int:
        return self.read_bytes + self.written_bytes

    @property
    def intensity(self) -> float:
        """FLOPs per byte of memory traffic (NaN where no byte moves)."""
        from .profile import _intensity

        return _intensity(self.flops, self.traffic_bytes)

    @property
    def time(self) -> float | None:
        """The median exclusive time, in seconds (None: not timed)."""
        return self.exclusive.median if self.exclusive is not None else None

    @property
    def achieved(self) -> float | None:
        """FLOP/s achieved: FLOPs over the median exclusive time (None without both)."""
        t = self.time
        return self.flops / t if t is not None and t > 0 and self.flops else None

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("module", "call", "type", "family", "flops", "read_bytes")}
        out |= {"written_bytes": self.written_bytes, "flops_per_byte": _finite(self.intensity)}
        out["exclusive"] = self.exclusive.as_dict(samples=False) if self.exclusive else None
        out["inclusive"] = self.inclusive.as_dict(samples=False) if self.inclusive else None
        return out | {"achieved_flops_per_s": self.achieved, "bound_s": self.bound}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None  # NaN is not JSON


@dataclass(frozen=True)
class Settings:
    """What was run: the model, its input (batch excluded), and how it was timed."""

    model: str
    inputs: tuple[str, ...]
    input_size: tuple[int, ...]
    batch_size: int
    dtype: str
    device: str
    threads: int  # torch threads during the run
    repeats: int
    warmup: int


@dataclass(frozen=True)
class BenchResult:
    """The result of :func:`bench`: whole-model timings, per-layer timings joined with the
    profile's counts, the roofs and the model's lower bound."""

    settings: Settings
    machine: Mapping[str, Any]
    whole: Stats  # forwards without hooks
    hooked: Stats | None  # forwards with the per-layer hooks (None: per_layer=False)
    layers: tuple[LayerTiming, ...]
    roofs: Roofs | None
    notes: tuple[str, ...] = ()
    totals: Totals | None = None  # the meta profile's totals the layers' counts come from

    @property
    def overhead(self) -> float | None:
        """Seconds the per-layer hooks add to a forward's median (hooked minus plain)."""
        return self.hooked.median - self.whole.median if self.hooked is not None else None

    @property
    def overhead_ratio(self) -> float | None:
        return self.hooked.median / self.whole.median if self.hooked is not None and self.whole.median > 0 else None

    @property
    def lower_bound(self) -> float | None:
        """Sum over layers of max(FLOPs / peak, bytes / bandwidth), in seconds (None: no roofs)."""
        return sum(layer.bound or 0.0 for layer in self.layers) if self.roofs is not None else None

    @property
    def bound_ratio(self) -> float | None:
        """The measured median forward (no hooks) over the lower bound."""
        bound = self.lower_bound
        return self.whole.median / bound if bound else None

    @property
    def timed_total(self) -> float:
        """The sum of the layers' median exclusive times (the denominator of a layer's share)."""
        return sum(layer.time or 0.0 for layer in self.layers)

    def share(self, layer: LayerTiming) -> float | None:
        total = self.timed_total
        return layer.time / total if layer.time is not None and total > 0 else None

    @property
    def plotted(self) -> tuple[LayerTiming, ...]:
        """The layers the roofline places: timed, with FLOPs and traffic."""
        return tuple(lay for lay in self.layers if lay.achieved is not None and lay.traffic_bytes > 0)

    @property
    def left_out(self) -> int:
        return len(self.layers) - len(self.plotted)

    def as_dict(self) -> dict[str, Any]:
        return {
            "settings": asdict(self.settings),
            "machine": dict(self.machine),
            "roofs": self.roofs.as_dict() if self.roofs else None,
            "whole": self.whole.as_dict(),
            "hooked": self.hooked.as_dict() if self.hooked else None,
            "overhead": {"seconds": self.overhead, "ratio": self.overhead_ratio},
            "lower_bound": {"seconds": self.lower_bound, "measured_over_bound": self.bound_ratio},
            "layers": [layer.as_dict() | {"share": self.share(layer)} for layer in self.layers],
            "notes": list(self.notes),
        }


# --- running -----------------------------------------------------------------------------------


def _check_options(device: str, threads: int | None, repeats: int, warmup: int) -> None:
    _check_device(device)
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats <= 0:
        raise UsageError(f"--repeats must be a positive integer, got {repeats!r}")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise UsageError(f"--warmup must be 0 or more, got {warmup!r}")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads <= 0):
        raise UsageError(f"--threads must be a positive integer, got {threads!r}")


def load_average() -> tuple[float, float, float] | None:
    """The system's 1, 5 and 15 minute load averages (None where the platform has none): what
    else ran while a benchmark timed."""
    return os.getloadavg() if hasattr(os, "getloadavg") else None


@contextlib.contextmanager
def thread_count(n: int | None) -> Iterator[None]:
    """``torch.set_num_threads(n)`` for the run; the caller's setting is put back afterwards."""
    old = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != old:
            torch.set_num_threads(old)


def _forward(model: nn.Module, example: Any, name: str) -> None:
    try:
        model(*example.args, **example.kwargs)
    except Exception as exc:
        detail = f"{type(exc).__name__}: {first_line(exc)}"
        raise ModelRunError(f"{name}: forward failed on real tensors: {detail}") from None


def _time_whole(model: nn.Module, example: Any, name: str, clock: _Clock, repeats: int, warmup: int) -> Stats:
    """Whole forwards with no hook installed: ``warmup`` untimed, then ``repeats`` timed."""
    return Stats.of(_series(lambda: _forward(model, example, name), clock, repeats, warmup))


def _time_layers(
    model: nn.Module, example: Any, name: str, clock: _Clock, repeats: int, warmup: int
) -> tuple[_LayerTimer, Stats]:
    """A separate series with the per-layer hooks: every call's times, and the hooked forwards'."""
    from .profile import _ANALYSIS

    timer = _LayerTimer(model, clock)
    samples = []
    with _ANALYSIS, timer.installed():  # global hooks: no analysis may run meanwhile
        for i in range(warmup + repeats):
            seconds = _timed(lambda: _forward(model, example, name), clock)
            if i < warmup:
                timer.discard()
                continue
            samples.append(seconds)
            timer.collect()
    return timer, Stats.of(samples)


def _family(record: Any) -> str:
    """The family doing most of a record's FLOPs (its colour on the roofline); "" without ops."""
    if not record.by_family:
        return ""
    return max(record.by_family.items(), key=lambda kv: kv[1].flops("full"))[0]


def _display(path: str) -> str:
    return path or "(model)"  # the root module, named as Profile.layers names it


def _join(counts: Any, timer: _LayerTimer | None, roofs: Roofs | None) -> tuple[LayerTiming, ...]:
    """One row per module call: the timed calls in the order they started, then the profile's
    records that were not timed (modules that never ran but own parameters)."""
    records = {(_display(r.module), r.call): r for r in counts.records}
    timed = {(_display(path), call): (path, call) for path, call in (timer.order if timer is not None else [])}
    keys = [*timed, *(key for key in records if key not in timed)]
    return tuple(_row(key, records.get(key), counts, timer, timed.get(key), roofs) for key in keys)


def _row(
    key: tuple[str, int], record: Any, counts: Any, timer: _LayerTimer | None, timed: Any, roofs: Roofs | None
) -> LayerTiming:
    """A module call's counts (none for a call without a record: a container with no op of its own)
    beside its timings (none for a record no hook saw)."""
    flops = counts.flops_of(record) if record is not None else 0
    read, written = (record.read_bytes, record.written_bytes) if record is not None else (0, 0)
    seen = timer is not None and timed is not None
    return LayerTiming(
        module=key[0],
        call=key[1],
        type=record.type if record is not None else timer.types[timed] if timer is not None and seen else "",
        family=_family(record) if record is not None else "",
        flops=flops,
        read_bytes=read,
        written_bytes=written,
        exclusive=Stats.of(timer.exclusive[timed]) if timer is not None and seen else None,
        inclusive=Stats.of(timer.inclusive[timed]) if timer is not None and seen else None,
        bound=roofs.bound(flops, read + written) if roofs is not None else None,
    )


def _notes(counts: Any, layers: Sequence[LayerTiming], per_layer: bool) -> tuple[str, ...]:
    notes = list(counts.notes)
    if counts.uncounted:
        ops = ", ".join(f"{op} x{k}" for op, k in sorted(counts.uncounted.items()))
        notes.append(f"FLOPs are partial: ops without a counting rule ({ops}); their layers' bounds are too low")
    untimed = [lay.module for lay in layers if lay.exclusive is None and (lay.flops or lay.traffic_bytes)]
    if per_layer and untimed:
        notes.append(
            f"{len(untimed)} layer(s) with counted work were not seen by the timing hooks: {', '.join(untimed)}"
        )
    return tuple(notes)


def _built(name: str, source: Any, specs: Any, batch: int, dtype: torch.dtype | None, device: str) -> tuple[Any, ...]:
    """The model's private copy on ``device`` in eval mode, its example input, and the run's dtype."""
    from .inputs import example_from_specs
    from .loading import build
    from .profile import _floating_dtype

    model = build(source, name, device, dtype)
    model.eval()
    run_dtype = dtype or _floating_dtype(model)
    return model, example_from_specs(specs, batch, run_dtype, device), run_dtype


def interleaved(
    names: Sequence[Any], repeats: int = 5, warmup: int = 2, *, device: str = "cpu", threads: int | None = None
) -> dict[str, Stats]:
    """Whole-forward latency of several models (default inputs, batch 1), timed in turns: every
    round times one forward of each model, in an order rotated each round, so that a burst of load
    on a shared machine falls on all of them alike rather than on whichever ran then."""
    from .loading import resolve
    from .profile import _float32_default, _seeded_generators, _specs

    _check_options(device, threads, repeats, warmup)
    clock, runs = _clock(device), {}
    with thread_count(threads), _seeded_generators(), _float32_default(), torch.inference_mode():
        for given in names:
            name, source = resolve(given)
            model, example, _ = _built(name, source, _specs(name, source, None), 1, None, device)
            runs[name] = (model, example)
            for _ in range(warmup):
                _forward(model, example, name)
        samples: dict[str, list[float]] = {name: [] for name in runs}
        order = list(runs)
        for i in range(repeats):
            for name in order[i % len(order) :] + order[: i % len(order)]:
                clock.sync()
                samples[name].append(_timed(functools.partial(_forward, *runs[name], name), clock))
    return {name: Stats.of(s) for name, s in samples.items()}


def bench(
    model_or_name: Any,
    input_size: Any = None,
    batch_size: int = 1,
    *,
    device: str = "cpu",
    threads: int | None = None,
    repeats: int = 20,
    warmup: int = 3,
    dtype: str | torch.dtype | None = None,
    per_layer: bool = True,
    roofs: bool | Roofs = True,
) -> BenchResult:
    """Time real forwards of a model (an ``nn.Module``, a registry name or ``"package.module:callable"``).

    ``input_size`` and ``batch_size`` mean what they mean for :func:`archstats.profile`. The model's
    private copy runs on ``device`` in eval mode under ``torch.inference_mode()``: ``warmup``
    untimed forwards, then ``repeats`` timed ones without hooks; with ``per_layer``, a separate
    series with per-layer hooks gives every module call's inclusive and exclusive times (and the
    hooks' overhead). ``threads`` sets torch's thread count for the run only. ``roofs``: measure
    them (True), skip them (False), or use the given :class:`Roofs`. The FLOPs and bytes joined to
    each layer come from a meta profile of the same model and input (convention ``full``).
    """
    from .loading import resolve
    from .profile import _float32_default, _seeded_generators, _specs, _torch_dtype, profile

    _check_options(device, threads, repeats, warmup)
    torch_dtype = _torch_dtype(dtype)
    name, source = resolve(model_or_name)
    # the counts first, on meta: an input that does not fit fails here, as it does for profile
    counts = profile(model_or_name, input_size, batch_size, dtype=dtype, convention="full")
    specs = _specs(name, source, input_size)
    with thread_count(threads), _seeded_generators(), _float32_default():
        model, example, run_dtype = _built(name, source, specs, batch_size, torch_dtype, device)
        clock = _clock(device)
        with torch.inference_mode():
            whole = _time_whole(model, example, name, clock, repeats, warmup)
            timer, hooked = _time_layers(model, example, name, clock, repeats, warmup) if per_layer else (None, None)
        del model, example
        measured = roofs if isinstance(roofs, Roofs) else measure_roofs(run_dtype, device) if roofs else None
        dtype_name = str(run_dtype).replace("torch.", "")
        settings = Settings(name, counts.inputs, counts.input_size, counts.batch_size, dtype_name, device,
                            torch.get_num_threads(), repeats, warmup)  # fmt: skip
        info = machine(device)
    layers = _join(counts, timer, measured)
    notes = _notes(counts, layers, per_layer)
    return BenchResult(settings, info, whole, hooked, layers, measured, notes, counts.totals)

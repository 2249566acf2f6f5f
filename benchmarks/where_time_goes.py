"""Split archstats' analysis time of the 16 torchvision-equivalent models into its parts.

    python benchmarks/where_time_goes.py [--repeats 3]

Parts, per warm pass over the models (one thread): building the model on meta; the work inside
the dispatch mode (of which: producing the output tensors, by archstats' fast builders or torch's
meta kernels); building ``Profile.layers``; and the rest (the models' own ``forward`` code and the
per-module-call hooks). For reference it also times a bare meta forward with no dispatch mode.
Timing every op adds overhead of its own, so the split is approximate; the sum is the real total.
This is the measurement behind "What bounds the time" in reports/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

import torch

from run import TV16 as NAMES  # the 16 models of the benchmark's batch-1 case


def one_pass() -> dict[str, float]:
    import archstats
    from archstats import engine, fast_meta, loading

    parts = {"build": 0.0, "dispatch": 0.0, "outputs": 0.0, "layers": 0.0, "total": 0.0}
    profile_module = sys.modules["archstats.profile"]
    original_build, original_dispatch = loading.build, engine.Capture.__torch_dispatch__

    def build(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original_build(*args, **kwargs)
        finally:
            parts["build"] += time.perf_counter() - start

    def dispatch(self: Any, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        start = time.perf_counter()
        try:
            return original_dispatch(self, func, types, args, kwargs)
        finally:
            parts["dispatch"] += time.perf_counter() - start

    original_builder = fast_meta.builder

    def timed_func(func: Any) -> Any:
        # wraps the op so that the time spent producing its outputs is measured alone
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                parts["outputs"] += time.perf_counter() - start

        return call

    def builder(func: Any) -> Any:
        found = original_builder(func)
        return timed_func(found) if found is not None else None

    profile_module.build = build
    engine.Capture.__torch_dispatch__ = dispatch
    engine.fast_meta.builder = builder
    try:
        for name in NAMES:
            start = time.perf_counter()
            p = archstats.profile(name)
            mid = time.perf_counter()
            _ = p.layers  # the property builds the layer table: part of what is timed
            end = time.perf_counter()
            parts["total"] += end - start
            parts["layers"] += end - mid
    finally:
        profile_module.build = original_build
        engine.Capture.__torch_dispatch__ = original_dispatch
        engine.fast_meta.builder = original_builder
    return parts


def bare_meta_forward() -> float:
    from archstats_models import get_model, get_model_info

    total = 0.0
    for name in NAMES:
        with torch.device("meta"):
            model = get_model(name).eval()
        x = torch.empty((1, *get_model_info(name).input_size), device="meta")
        start = time.perf_counter()
        with torch.no_grad():
            model(x)
        total += time.perf_counter() - start
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    one_pass()  # cold: torch's lazy imports
    bare_meta_forward()
    runs = [one_pass() for _ in range(args.repeats)]
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    rest = median["total"] - median["build"] - median["dispatch"] - median["layers"]
    reference = statistics.median(bare_meta_forward() for _ in range(args.repeats))
    rows = [
        ("total (archstats.profile + Profile.layers)", median["total"]),
        ("building the model on meta", median["build"]),
        ("inside the dispatch mode (every aten op)", median["dispatch"]),
        ("  of which producing output tensors (fast builders)", median["outputs"]),
        ("building Profile.layers (pandas)", median["layers"]),
        ("rest: models' forward code, per-module-call hooks, totals", rest),
        ("reference: bare meta forward, no dispatch mode, model prebuilt", reference),
    ]
    width = max(len(label) for label, _ in rows)
    for label, seconds in rows:
        share = f"{100 * seconds / median['total']:5.1f}%" if "reference" not in label else ""
        print(f"{label:<{width}}  {seconds * 1000:8.1f} ms  {share}")


if __name__ == "__main__":
    main()

"""One benchmark worker: one tool, one or more models, in a fresh process.

    python benchmarks/_worker.py --tool thop --models vgg16 --batch 64 --progress out.jsonl

The orchestrator (``run.py``) starts it with one thread (OMP/MKL env and ``torch.set_num_threads``)
and reads its progress file, one JSON object per line:

    {"event": "start", "tool", "version", "torch", "import_s", "rss_imports_mib"}
    {"event": "begin", "model"}                       # before each model: the orchestrator's clock
    {"event": "result", "model", "status", "times", ...}

A model's failure (an exception, including an out-of-memory under the address-space cap) is a
result with ``status`` "oom" or "error"; the worker then goes on with the next model. A crash or a
kill is detected by the orchestrator from the last "begin" line.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
from typing import Any, TextIO

OOM_MARKERS = ("can't allocate memory", "cannot allocate memory", "out of memory", "bad_alloc")


def max_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB; it is the process's high-water mark, never reset.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def set_memory_cap(gib: float) -> None:
    """Cap the address space: allocations beyond it fail with an exception instead of swapping or
    waking the kernel's OOM killer. torch reserves only ~0.6 GiB of address space at import (tested
    with torch 2.13), so an RLIMIT_AS cap works as a memory cap here."""
    if gib > 0:
        limit = int(gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def parse_size(text: str) -> tuple[int, ...] | None:
    return None if text in ("", "default") else tuple(int(v) for v in text.lower().split("x"))


def classify(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "oom"
    text = f"{type(exc).__name__}: {exc}".lower()
    return "oom" if any(m in text for m in OOM_MARKERS) else "error"


def first_line(exc: BaseException) -> str:
    lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
    # ptflops prints "Flops estimation was not finished..." then the real error: keep the error.
    detail = next((ln for ln in lines if any(m in ln.lower() for m in OOM_MARKERS)), lines[0] if lines else "")
    return f"{type(exc).__name__}: {detail}"[:300]


def summarize(times: list[float]) -> dict[str, Any]:
    return {
        "times": times,
        "cold_s": times[0] if times else None,
        "warm_s": statistics.median(times[1:]) if len(times) > 1 else None,
        "median_s": statistics.median(times) if times else None,
    }


def measure(tool: Any, model: str, batch: int, size: tuple[int, ...] | None, repeats: int) -> dict[str, Any]:
    """Prepare (untimed), then time ``repeats`` calls. Stops at the first failing call."""
    if size is None:
        from archstats_models import get_model_info

        size = tuple(get_model_info(model).input_size)
    rec: dict[str, Any] = {"model": model, "batch": batch, "input_size": list(size)}
    times: list[float] = []
    extra: dict[str, Any] = {}
    try:
        prepared = tool.prepare(model, batch, size)
        rec.update(build_s=prepared.build_s, notes=prepared.notes, rss_built_mib=max_rss_mib())
        for _ in range(repeats):
            # Outside the timed region: do not charge one call for the previous one's cyclic
            # garbage. Young generations only: a full collection walks every object torch created
            # at import (~0.2-0.4 s here), and one per model (below) is enough for the old ones.
            gc.collect(1)
            t0 = time.perf_counter()
            result = prepared.call()
            times.append(time.perf_counter() - t0)
            extra = result if isinstance(result, dict) else {"macs": result}
            del result
        rec["status"] = "ok"
    except Exception as exc:
        rec.update(status=classify(exc), error=first_line(exc))
    finally:
        prepared = None
        gc.collect()  # full: the next model's peak RSS must not include this one's garbage
    rec.update(summarize(times), rss_peak_mib=max_rss_mib(), **extra)
    return rec


def emit(stream: TextIO, obj: dict[str, Any]) -> None:
    stream.write(json.dumps(obj) + "\n")
    stream.flush()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", required=True)
    ap.add_argument("--models", required=True, help="comma-separated registry names")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--input", default="default", help="CxHxW, or 'default' for each model's own")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mem-cap-gib", type=float, default=19.0)
    ap.add_argument("--progress", required=True, help="JSON-lines file to append to")
    args = ap.parse_args(argv)

    set_memory_cap(args.mem_cap_gib)  # before torch is imported, so that it covers everything
    t0 = time.perf_counter()
    import torch

    torch.set_num_threads(1)
    from _tools import TOOLS  # sys.path[0] is benchmarks/ when run as a script

    tool = TOOLS[args.tool]
    version = tool.imports()
    import_s = time.perf_counter() - t0
    with open(args.progress, "a", encoding="utf-8") as out:
        emit(
            out,
            {
                "event": "start",
                "tool": args.tool,
                "version": version,
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "import_s": import_s,
                "rss_imports_mib": max_rss_mib(),
            },
        )
        for model in args.models.split(","):
            emit(out, {"event": "begin", "model": model, "t": time.time()})
            rec = measure(tool, model, args.batch, parse_size(args.input), args.repeats)
            emit(out, {"event": "result", "tool": args.tool, **rec})
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""archstats over the torchvision catalogue and a timm sample: what it counts, what it cannot, how
fast, checked against FlopCounterMode and torchvision's own metadata.

    /tmp/corpusvenv/bin/python benchmarks/corpus.py                     # everything (~20-40 min)
    /tmp/corpusvenv/bin/python benchmarks/corpus.py --torchvision --only resnet50 vit_b_16 --out /tmp/c.md
    python benchmarks/corpus.py --render reports/corpus.json            # rewrite the report only

Run it with a Python that has torchvision and/or timm. They are not archstats dependencies: keep them
in a venv of their own that sees the installed torch and archstats, and never let pip resolve torch
(it would fetch a CUDA build):

    python -m venv --system-site-packages /tmp/corpusvenv
    /tmp/corpusvenv/bin/pip install --no-deps torchvision==0.28.0 timm==1.0.31 safetensors "huggingface_hub<1"

torchvision 0.28 is the release paired with torch 2.13; the index's wheel is a CUDA build whose
compiled ops cannot load on CPU torch, which ``_corpus_tv.py`` works around (op schemas defined
before the import). Every model runs in its own single-threaded
subprocess (``_corpus_worker.py`` through ``_spawn.run_job``: a timeout, an address-space cap, a
crash costs that model only); nothing is downloaded (weights=None, pretrained=False). This process
never imports torch: it lists the models in a subprocess, schedules the workers and writes
``reports/corpus.md`` and ``reports/corpus.json``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import shlex
import sys
import tempfile
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus_report import outcome, render

from _spawn import Job, Settings, run_job, run_python
from _sysinfo import machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKER = HERE / "_corpus_worker.py"

# Run in a subprocess: the catalogue, and the timm sample (the first model, by name, of each of
# timm's model modules: one per family).
LISTING = """
import json, sys, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, "benchmarks")
out = {}
try:
    from _corpus_tv import import_torchvision
    tv = import_torchvision()
    out["torchvision"] = tv.models.list_models()
except ImportError as exc:
    out["torchvision_error"] = f"{type(exc).__name__}: {exc}"
if WANT_TIMM:
    try:
        import timm
        out["timm"] = [{"module": m, "model": timm.list_models(module=m)[0]}
                       for m in timm.list_modules() if timm.list_models(module=m)]
        out["timm_models"] = len(timm.list_models())
    except ImportError as exc:
        out["timm_error"] = f"{type(exc).__name__}: {exc}"
print(json.dumps(out))
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--torchvision", action="store_true", help="the torchvision catalogue (default: both)")
    ap.add_argument("--timm", action="store_true", help="the timm sample (default: both)")
    ap.add_argument("--only", nargs="+", metavar="NAME", default=None, help="only these models (of either source)")
    ap.add_argument("--jobs", type=int, default=1, help="workers at once (default 1: the timings stay clean)")
    ap.add_argument("--repeats", type=int, default=3, help="timed calls of each tool per model on meta (median)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per model before its worker is killed")
    ap.add_argument("--mem-cap-gib", type=float, default=12.0, help="RLIMIT_AS per worker (0: none)")
    ap.add_argument(
        "--out", default=str(ROOT / "reports" / "corpus.md"), help="Markdown report; the JSON goes beside it"
    )
    ap.add_argument("--workdir", default=None, help="worker logs (default: a new temp directory)")
    ap.add_argument("--render", metavar="JSON", default=None, help="measure nothing: rewrite --out from a JSON")
    ap.add_argument(
        "--retry",
        metavar="JSON",
        default=None,
        help="re-run the models that failed in a saved run (or the --only ones) and write it back merged to --out",
    )
    args = ap.parse_args(argv)
    if not args.torchvision and not args.timm:
        args.torchvision = args.timm = True
    return args


def catalogue(args: argparse.Namespace) -> dict[str, Any]:
    proc = run_python(LISTING.replace("WANT_TIMM", str(bool(args.timm))), timeout_s=300.0)
    if proc.returncode != 0:
        sys.exit(f"cannot list the models: {proc.stderr.strip()[-800:]}")
    listing = json.loads(proc.stdout.strip().splitlines()[-1])
    if not args.torchvision:
        listing.pop("torchvision", None)
    return listing


def planned(listing: dict[str, Any], only: list[str] | None) -> list[tuple[str, str]]:
    """(source, model) pairs in run order."""
    pairs = [("torchvision", m) for m in listing.get("torchvision", [])]
    pairs += [("timm", s["model"]) for s in listing.get("timm", [])]
    if only:
        known = {m for _, m in pairs}
        missing = [m for m in only if m not in known]
        if missing and "timm" in listing:
            pairs += [("timm", m) for m in missing]  # any timm name, not only the sample's
        elif missing:
            sys.exit(f"unknown model(s): {', '.join(missing)}")
        pairs = [(s, m) for s, m in pairs if m in only]
    return pairs


def dist_versions() -> dict[str, str]:
    out = {}
    for dist in ("archstats", "torch", "torchvision", "timm"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


class Writer:
    """Rewrites the report as results come in, so that a long run can be read while it goes."""

    def __init__(self, data: dict[str, Any], out: Path, every: int = 10) -> None:
        self.data, self.out, self.every = data, out, every
        self.lock = threading.Lock()
        self.pending = 0

    def add(self, records: list[dict[str, Any]], starts: list[dict[str, Any]]) -> None:
        with self.lock:
            self.data["results"] += records
            self.data["workers"] += starts
            self.pending += 1
            if self.pending >= self.every:
                self.flush()

    def flush(self) -> None:
        self.pending = 0
        self.data["meta"]["duration_s"] = time.time() - self.data["meta"]["t0"]
        write(self.data, self.out)


def run_one(source: str, model: str, args: argparse.Namespace, settings: Settings) -> tuple[list, list]:
    job = Job(case=f"{source}:{model}", tool=source, models=[model], repeats=args.repeats, worker=WORKER)
    records, starts = run_job(job, settings)
    for r in records:
        r.setdefault("source", source)
        if r.get("status") in ("timeout", "killed", "crashed"):
            r["profile_status"] = "failed"
    return records, starts


def write(data: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    out.write_text(render(data), encoding="utf-8")


def retry(args: argparse.Namespace, out: Path) -> int:
    """Re-run some models of a saved run (by default those that failed: e.g. a tree caught mid-edit)
    and put their new records in place of the old ones."""
    data = json.loads(Path(args.retry).read_text(encoding="utf-8"))
    results = data["results"]
    if args.only:
        pairs = [(r.get("source"), r["model"]) for r in results if r["model"] in args.only]
    else:
        pairs = [(r.get("source"), r["model"]) for r in results if outcome(r) == "failed"]
    if not pairs:
        print("nothing to re-run", file=sys.stderr)
        return 0
    t0 = time.time()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="archstats-corpus-"))
    workdir.mkdir(parents=True, exist_ok=True)
    settings = Settings(workdir, args.mem_cap_gib, args.timeout)
    print(f"re-running {len(pairs)} models; worker logs in {workdir}", file=sys.stderr)
    fresh: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for source, model in pairs:
        records, starts = run_one(source, model, args, settings)
        fresh[(source, model)] = records
        data["workers"] += starts
    merged = []
    for r in results:
        key = (r.get("source"), r["model"])
        merged += fresh.pop(key, []) if key in fresh else [r]
    data["results"] = merged
    data["meta"].setdefault("retries", []).append(
        {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "models": [m for _, m in pairs],
            "duration_s": time.time() - t0,
            "versions": dist_versions(),
        }
    )
    write(data, out)
    print(f"wrote {out} and {out.with_suffix('.json')}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    if args.render:
        data = json.loads(Path(args.render).read_text(encoding="utf-8"))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(data), encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
        return 0

    if args.retry:
        return retry(args, out)

    t0 = time.time()
    started = datetime.datetime.now(datetime.timezone.utc)
    host = machine()
    listing = catalogue(args)
    pairs = planned(listing, args.only)
    if not pairs:
        sys.exit(f"nothing to run: {listing.get('torchvision_error') or listing.get('timm_error') or 'no model'}")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="archstats-corpus-"))
    workdir.mkdir(parents=True, exist_ok=True)
    settings = Settings(workdir, args.mem_cap_gib, args.timeout)
    print(f"{len(pairs)} models; worker logs in {workdir}", file=sys.stderr)
    command = "python " + " ".join(shlex.quote(a) for a in [str(Path(__file__).relative_to(ROOT)), *sys.argv[1:]])
    data: dict[str, Any] = {
        "meta": {
            "date": started.strftime("%Y-%m-%d %H:%M UTC"),
            "command": command,
            "t0": t0,
            "duration_s": 0.0,
            "machine": host,
            "versions": dist_versions(),
            "settings": {
                "jobs": args.jobs,
                "repeats": args.repeats,
                "timeout_s": args.timeout,
                "mem_cap_gib": args.mem_cap_gib,
                "threads": 1,
                "only": args.only,
            },
            "planned": len(pairs),
            "finished": False,
        },
        "listing": listing,
        "results": [],
        "workers": [],
        "workdir": str(workdir),
    }
    writer = Writer(data, out)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_one, s, m, args, settings) for s, m in pairs]
        for fut in concurrent.futures.as_completed(futures):
            writer.add(*fut.result())
    order = {pair: i for i, pair in enumerate(pairs)}
    data["results"].sort(key=lambda r: order.get((r.get("source"), r["model"]), len(order)))
    data["meta"]["finished"] = True
    writer.flush()
    print(f"wrote {out} and {out.with_suffix('.json')} in {(time.time() - t0) / 60:.1f} min", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

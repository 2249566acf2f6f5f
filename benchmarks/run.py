"""Benchmark archstats against fvcore, thop, ptflops and torchinfo, and its own scaling.

    python benchmarks/run.py                      # the full run (~25 min on 2 cores), writes reports/
    python benchmarks/run.py --quick --out /tmp/bench.md   # a couple of minutes, for development

Every (tool, case) runs in a fresh single-threaded subprocess (``_worker.py``) under an
address-space cap; see benchmarks/README.md for what each measurement means. This process never
imports torch: it only schedules workers and writes ``reports/benchmarks.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import BOUNDS_HEADING, render
from _spawn import Job, Settings, run_command, run_job, run_python
from _sysinfo import machine, versions

ROOT = Path(__file__).resolve().parent.parent

ARCHSTATS = ("archstats", "archstats-module")
PEERS = ("fvcore", "thop", "ptflops-aten", "ptflops-pytorch", "torchinfo")

# The 16 torchvision-equivalent models of the batch-1 target, with substitutes (in order)
# for any that the zoo does not register.
TV16 = (
    "alexnet",
    "vgg11",
    "vgg13",
    "vgg16",
    "vgg19",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnext50_32x4d",
    "wide_resnet50_2",
    "densenet121",
    "densenet169",
    "squeezenet1_0",
    "googlenet",
)
TV16_SUBSTITUTES = ("densenet201", "densenet161", "squeezenet1_1", "efficientnet_b0")

# (model, batch, input) of the heavy cases with their targets.
BIG = (("vgg16", 64, "3x224x224"), ("efficientnet_b7", 8, "3x600x600"))
BIG_QUICK = (("vgg11", 2, "3x224x224"), ("efficientnet_b0", 2, "3x224x224"))

SCALING = {
    "batch": ("resnet50", [1, 8, 64, 256], None),
    "resolution": ("resnet50", None, [224, 384, 512, 768, 1024]),
    "depth": (
        ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "densenet121", "densenet169", "densenet201"],
        None,
        None,
    ),
}
SCALING_QUICK = {
    "batch": ("resnet50", [1, 8], None),
    "resolution": ("resnet50", None, [224, 320]),
    "depth": (["resnet18", "resnet34", "densenet121"], None, None),
}
QUICK_MODELS = ["resnet18", "squeezenet1_0", "googlenet", "alexnet"]
CASES = ("zoo", "big", "scaling", "cli")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--quick",
        action="store_true",
        help="few models, 2 repeats, small stand-ins for the big cases (development only)",
    )
    ap.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="calls per worker for archstats and the floor, and runs per CLI command (default 5; quick 2)",
    )
    ap.add_argument(
        "--peer-repeats",
        type=int,
        default=None,
        help="calls per worker for the CPU tools: peers, plain forward, archstats-module (default 3; quick 2)",
    )
    ap.add_argument(
        "--out",
        default=str(ROOT / "reports" / "benchmarks.md"),
        help="Markdown report; the JSON is written beside it with the suffix .json",
    )
    ap.add_argument("--models", default=None, help="comma-separated zoo models (default: all of list_models())")
    ap.add_argument("--peers", default=",".join(PEERS), help=f"comma-separated subset of {','.join(PEERS)}, or 'none'")
    ap.add_argument(
        "--peers-on-zoo",
        action="store_true",
        help="run the peers (and plain forward, archstats-module) over every zoo model, not only the "
        "16 torchvision-equivalent ones (adds about 15 min)",
    )
    ap.add_argument("--skip-big", action="store_true", help="skip VGG16 b64 and EfficientNet-B7 b8")
    ap.add_argument("--cases", default=",".join(CASES), help=f"comma-separated subset of {','.join(CASES)}")
    ap.add_argument("--mem-cap-gib", type=float, default=19.0, help="RLIMIT_AS per worker (0: none)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per model in a worker before it is killed")
    ap.add_argument("--workdir", default=None, help="where worker logs go (default: a new temp directory)")
    ap.add_argument(
        "--render", metavar="JSON", default=None, help="measure nothing: rewrite --out from a saved benchmarks.json"
    )
    args = ap.parse_args(argv)
    args.repeats = args.repeats or (2 if args.quick else 5)
    args.peer_repeats = args.peer_repeats or (2 if args.quick else 3)
    args.peers = [] if args.peers == "none" else [p for p in args.peers.split(",") if p]
    unknown = set(args.peers) - set(PEERS)
    if unknown:
        ap.error(f"unknown peer(s): {', '.join(sorted(unknown))}")
    args.cases = [c for c in args.cases.split(",") if c]
    if args.skip_big and "big" in args.cases:
        args.cases.remove("big")
    return args


def zoo_names() -> list[str]:
    proc = run_python(
        "import json; from archstats_models import list_models; print(json.dumps([i.name for i in list_models()]))"
    )
    if proc.returncode != 0:
        sys.exit(f"cannot list the zoo: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout)


def tv16(zoo: list[str]) -> tuple[list[str], list[str]]:
    """The 16 models, substituting absent ones; returns (models, notes)."""
    chosen = [m for m in TV16 if m in zoo]
    notes = []
    spares = [m for m in TV16_SUBSTITUTES if m in zoo and m not in chosen]
    for missing in (m for m in TV16 if m not in zoo):
        if spares:
            sub = spares.pop(0)
            chosen.append(sub)
            notes.append(f"{missing} is not registered: substituted by {sub}")
        else:
            notes.append(f"{missing} is not registered and no substitute is left")
    return chosen, notes


def zoo_jobs(args: argparse.Namespace, models: list[str], tv: list[str]) -> list[Job]:
    cpu_models = models if args.peers_on_zoo else [m for m in models if m in tv] or models
    jobs = [Job("zoo", "archstats", models, repeats=args.repeats), Job("zoo", "floor", models, repeats=args.repeats)]
    for tool in ["archstats-module", "forward", *args.peers]:
        jobs.append(Job("zoo", tool, cpu_models, repeats=args.peer_repeats))
    return jobs


def big_jobs(args: argparse.Namespace) -> list[Job]:
    jobs = []
    for model, batch, size in BIG_QUICK if args.quick else BIG:
        label = f"{model} b{batch} {size}"
        jobs += [Job("big", t, [model], batch, size, args.repeats, label) for t in ("archstats", "floor")]
        jobs += [
            Job("big", t, [model], batch, size, args.peer_repeats, label)
            for t in ("archstats-module", "forward", *args.peers)
        ]
    return jobs


def scaling_jobs(args: argparse.Namespace) -> list[Job]:
    spec = SCALING_QUICK if args.quick else SCALING
    model, batches, _ = spec["batch"]
    jobs = [Job("scaling-batch", "archstats", [model], b, "3x224x224", args.repeats, f"batch {b}") for b in batches]
    model, _, sizes = spec["resolution"]
    jobs += [Job("scaling-resolution", "archstats", [model], 1, f"3x{s}x{s}", args.repeats, f"{s}x{s}") for s in sizes]
    # One worker per depth point too: the peak RSS of each must be its own.
    jobs += [Job("scaling-depth", "archstats", [m], 1, "default", args.repeats, m) for m in spec["depth"][0]]
    return jobs


def cli_case(args: argparse.Namespace) -> dict[str, Any]:
    """Whole-command start-up times, and which heavy modules each entry point imports."""
    exe = Path(sys.executable).parent / "archstats"  # the console script, not a pyenv shim
    archstats = [str(exe)] if exe.exists() else [sys.executable, "-m", "archstats"]
    commands = {
        'python -c "import torch"': [sys.executable, "-c", "import torch"],
        'python -c "import archstats"': [sys.executable, "-c", "import archstats"],
        "archstats --help": [*archstats, "--help"],
        "archstats list": [*archstats, "list"],
        "archstats profile resnet50": [*archstats, "profile", "resnet50"],
    }
    # Round-robin, not one command after another: a drift in machine load then hits all alike.
    timings = {label: {"cmd": cmd, "times": [], "returncode": None} for label, cmd in commands.items()}
    for r in range(args.repeats):
        print(f"  [cli] round {r + 1}/{args.repeats}", file=sys.stderr, flush=True)
        for label, cmd in commands.items():
            one = run_command(cmd, 1, args.timeout)
            timings[label]["times"] += one["times"]
            timings[label]["returncode"] = one["returncode"]
    return {"commands": timings, "imports": heavy_imports(), "importtime": import_times()}


HEAVY = ("torch", "pandas", "matplotlib", "rich", "numpy", "sympy", "archstats_models")


def heavy_imports() -> dict[str, dict[str, bool]]:
    """sys.modules at exit of `import archstats` and of the CLI's --help / list / profile."""
    probe = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: sys.__stderr__.write('@@' + json.dumps("
        f"{{m: m in sys.modules for m in {HEAVY!r}}})))\n"
    )
    entry = {"import archstats": "import archstats"}
    for cmd in ("--help", "list", "profile resnet50"):
        entry[f"archstats {cmd}"] = (
            f"sys.argv = ['archstats', *{cmd.split()!r}]\nfrom archstats.cli import main\nmain()"
        )
    out = {}
    for label, code in entry.items():
        proc = run_python(probe + code)
        marker = proc.stderr.rsplit("@@", 1)
        out[label] = json.loads(marker[1]) if len(marker) == 2 else {"error": proc.stderr[-300:]}
    return out


def import_times() -> dict[str, float]:
    """Cumulative import time (s) of top-level packages under `python -X importtime -c 'import archstats'`."""
    proc = run_python("import archstats", ("-X", "importtime"))
    cumulative: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit() and not parts[2].startswith(" "):
            name = parts[2]
            if "." not in name and name in ("archstats", *HEAVY):
                cumulative[name] = int(parts[1]) / 1e6
    return cumulative


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    zoo = zoo_names()
    models = args.models.split(",") if args.models else (QUICK_MODELS if args.quick else zoo)
    unknown = [m for m in models if m not in zoo]
    if unknown:
        sys.exit(f"unknown model(s): {', '.join(unknown)}")
    tv, tv_notes = tv16(zoo)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="archstats-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    settings = Settings(workdir, args.mem_cap_gib, args.timeout)
    print(f"worker logs in {workdir}", file=sys.stderr)

    jobs: list[Job] = []
    if "zoo" in args.cases:
        jobs += zoo_jobs(args, models, tv)
    if "big" in args.cases:
        jobs += big_jobs(args)
    if "scaling" in args.cases:
        jobs += scaling_jobs(args)
    runs, starts = [], []
    for job in jobs:
        records, started = run_job(job, settings)
        runs += records
        starts += [dict(s, case=job.case, label=job.label) for s in started]
    cli = cli_case(args) if "cli" in args.cases else None
    return {
        "runs": runs,
        "workers": starts,
        "cli": cli,
        "tv16": tv,
        "tv16_notes": tv_notes,
        "zoo_models": models,
        "workdir": str(workdir),
    }


def keep_bounds_section(new: str, out: Path) -> str:
    """Keep a "What bounds the time" section already written by hand in ``out``: re-running or
    re-rendering must not erase the analysis."""
    if not out.exists():
        return new
    old = out.read_text(encoding="utf-8")

    def section(text: str) -> tuple[int, int] | None:
        start = text.find(BOUNDS_HEADING)
        if start < 0:
            return None
        end = text.find("\n## ", start + len(BOUNDS_HEADING))
        return start, (end if end >= 0 else len(text))

    o, n = section(old), section(new)
    if not o or not n or "_To be written by the lead" in old[o[0] : o[1]]:
        return new
    return new[: n[0]] + old[o[0] : o[1]] + new[n[1] :]


def write(data: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    out.write_text(keep_bounds_section(render(data), out), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    if args.render:
        data = json.loads(Path(args.render).read_text(encoding="utf-8"))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(keep_bounds_section(render(data), out), encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
        return 0
    command = "python " + " ".join(shlex.quote(a) for a in [str(Path(__file__).relative_to(ROOT)), *sys.argv[1:]])
    t0 = time.time()
    started = datetime.datetime.now(datetime.timezone.utc)
    host = machine()  # before the run, so that the load average is the one the run started under
    data = run_all(args)
    data["meta"] = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "duration_s": time.time() - t0,
        "machine": host,
        "versions": versions(),
        "settings": {
            "quick": args.quick,
            "repeats": args.repeats,
            "peer_repeats": args.peer_repeats,
            "mem_cap_gib": args.mem_cap_gib,
            "timeout_s": args.timeout,
            "threads": 1,
            "peers": args.peers,
            "peers_on_zoo": args.peers_on_zoo,
            "cases": args.cases,
        },
    }
    write(data, out)
    print(f"wrote {out} and {out.with_suffix('.json')} in {data['meta']['duration_s'] / 60:.1f} min", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Running workers: a fresh single-threaded subprocess per (tool, case), with a per-model timeout,
recovery from crashes (the worker is restarted after the model that killed it) and logs kept.

Only the processes started here are ever killed, by their own process group id.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORKER = HERE / "_worker.py"
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}


def worker_env() -> dict[str, str]:
    env = dict(os.environ, **ONE_THREAD)
    env.pop("ARCHSTATS_DEBUG", None)
    return env


@dataclass
class Job:
    case: str
    tool: str
    models: list[str]
    batch: int = 1
    input: str = "default"  # "CxHxW" or each model's default
    repeats: int = 3
    label: str = ""  # free text for the case, e.g. "batch=64"
    worker: Path = WORKER  # the worker script: it takes _worker.py's arguments and writes its events


@dataclass
class Settings:
    workdir: Path
    mem_cap_gib: float = 19.0
    timeout_s: float = 600.0
    verbose: bool = True


@dataclass
class Attempt:
    """What one worker process reported before it exited (or was killed)."""

    start: dict[str, Any] | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    current: str | None = None  # model begun but without a result
    began_at: float = 0.0


def _read_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:  # a line being written: picked up on the next poll
            break
    return events


def _digest(events: list[dict[str, Any]], attempt: Attempt) -> None:
    attempt.results = []
    attempt.current = None
    for ev in events:
        if ev["event"] == "start":
            attempt.start = ev
        elif ev["event"] == "begin":
            if attempt.current != ev["model"]:
                attempt.began_at = time.monotonic()
            attempt.current = ev["model"]
        elif ev["event"] == "result":
            attempt.results.append(ev)
            attempt.current = None


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # the worker's own session: it and nothing else
    proc.wait()


def _run_once(job: Job, models: list[str], settings: Settings, tag: str) -> tuple[Attempt, int | None, bool, Path]:
    """Start one worker on ``models``; return what it reported, its exit code, whether it was
    killed for a timeout, and its log file."""
    progress = settings.workdir / f"{tag}.jsonl"
    log = settings.workdir / f"{tag}.log"
    progress.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        str(job.worker),
        "--tool",
        job.tool,
        "--models",
        ",".join(models),
        "--batch",
        str(job.batch),
        "--input",
        job.input,
        "--repeats",
        str(job.repeats),
        "--mem-cap-gib",
        str(settings.mem_cap_gib),
        "--progress",
        str(progress),
    ]
    attempt = Attempt()
    spawned = time.monotonic()
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            cmd, stdout=log_file, stderr=subprocess.STDOUT, env=worker_env(), start_new_session=True, cwd=HERE.parent
        )
        timed_out = False
        while True:
            rc = proc.poll()
            _digest(_read_events(progress), attempt)
            if rc is not None:
                break
            since = attempt.began_at if attempt.current else (spawned if attempt.start is None else None)
            if since is not None and time.monotonic() - since > settings.timeout_s:
                _kill(proc)
                timed_out, rc = True, proc.returncode
                break
            time.sleep(0.2)
    _digest(_read_events(progress), attempt)
    return attempt, rc, timed_out, log


def _failure(job: Job, model: str, rc: int | None, timed_out: bool, settings: Settings, log: Path) -> dict[str, Any]:
    if timed_out:
        status, error = "timeout", f"no result within {settings.timeout_s:g} s; worker killed"
    elif rc == -signal.SIGKILL:
        status, error = "killed", "worker killed by SIGKILL (likely the kernel's OOM killer)"
    else:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] if log.exists() else []
        status, error = "crashed", f"worker exited with code {rc}: {tail[0] if tail else ''}"[:300]
    return {
        "event": "result",
        "tool": job.tool,
        "model": model,
        "batch": job.batch,
        "status": status,
        "error": error,
        "times": [],
        "cold_s": None,
        "warm_s": None,
        "median_s": None,
        "rss_peak_mib": None,
    }


def run_job(job: Job, settings: Settings) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run ``job`` to completion: every model gets exactly one result record. Returns the records
    and the workers' start events (import time, RSS after imports)."""
    remaining = list(job.models)
    results: list[dict[str, Any]] = []
    starts: list[dict[str, Any]] = []
    n = 0
    while remaining:
        tag = f"{job.case}-{job.tool}-b{job.batch}-{job.input}-{n}".replace("/", "_")
        attempt, rc, timed_out, log = _run_once(job, remaining, settings, tag)
        if attempt.start:
            starts.append(attempt.start)
        done = {r["model"] for r in attempt.results}
        results.extend(attempt.results)
        for r in attempt.results:
            _say(settings, job, r)
        remaining = [m for m in remaining if m not in done]
        if remaining:
            # The worker died or hung on the model it had begun; if it never started (a tool that
            # does not import), every remaining model fails the same way: do not retry each.
            culprits = [attempt.current] if attempt.current else (remaining if attempt.start is None else remaining[:1])
            for culprit in culprits:
                rec = _failure(job, culprit, rc, timed_out, settings, log)
                results.append(rec)
                _say(settings, job, rec)
            remaining = [m for m in remaining if m not in culprits]
        n += 1
    for r in results:
        r.update(case=job.case, label=job.label, repeats=job.repeats)
    return results, starts


def _say(settings: Settings, job: Job, rec: dict[str, Any]) -> None:
    if not settings.verbose:
        return
    if rec["status"] == "ok":
        what = f"{rec['median_s']:.3f} s (cold {rec['cold_s']:.3f}), peak RSS {rec['rss_peak_mib']:.0f} MiB"
    else:
        what = f"{rec['status']}: {rec.get('error', '')}"
    print(
        f"  [{job.case}{' ' + job.label if job.label else ''}] {job.tool:16s} {rec['model']:24s} {what}",
        file=sys.stderr,
        flush=True,
    )


def run_command(cmd: list[str], repeats: int, timeout_s: float) -> dict[str, Any]:
    """Time a whole command (process start to exit), ``repeats`` times."""
    times: list[float] = []
    rc = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=worker_env(),
            timeout=timeout_s,
            cwd=HERE.parent,
            check=False,
        )
        times.append(time.perf_counter() - t0)
        rc = proc.returncode
    return {"cmd": cmd, "times": times, "returncode": rc}


def run_python(code: str, args: tuple[str, ...] = (), timeout_s: float = 120.0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args, "-c", code],
        capture_output=True,
        text=True,
        env=worker_env(),
        timeout=timeout_s,
        cwd=HERE.parent,
        check=False,
    )

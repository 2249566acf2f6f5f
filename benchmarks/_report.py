"""Markdown rendering of a benchmark run (``reports/benchmarks.md``) from its JSON data."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any

from _tools import DESCRIPTIONS

ARCHSTATS = ("archstats", "archstats-module")
REFERENCES = ("floor", "forward")
PEERS = ("fvcore", "thop", "ptflops-aten", "ptflops-pytorch", "torchinfo")
ORDER = ARCHSTATS + REFERENCES + PEERS

# Targets of issue 7 and the criteria this script applies where the issue gives none.
SPEEDUP_BIG = 20.0
RSS_BIG_MIB = 400.0
SPEEDUP_TV16 = 2.0
FLOOR_FACTOR = 1.5
FLAT_TIME = 1.3  # ours: max/min of the median time over the batch (or resolution) points
FLAT_RSS_MIB = 32.0  # ours: max - min of peak RSS over those points
LINEAR_SPREAD = 1.5  # ours: max/min of time per op over the depth points
STARTUP_FACTOR = 1.25  # ours: `archstats --help` at most this x `python -c "import torch"`
BOUNDS_HEADING = "## What bounds the time"
ISSUE_TV16 = {"ptflops-aten": 2.84, "thop": 3.19, "fvcore": 4.79, "forward": 2.89, "floor": 1.03}

PLACEHOLDER = (
    "_To be written by the lead from a profile of the engine (e.g. `python -m cProfile -s cumtime` on "
    "`archstats.profile('resnet50')`, and `py-spy` over the zoo): which share of the time is torch's "
    "meta dispatch (the floor above), which is archstats' per-op bookkeeping (rules, storage tracking, "
    "receptive field, module stack), which is model construction on meta, and which is building "
    "`Profile.layers`; and what that implies for the ratio to the floor._"
)

Rec = dict[str, Any]


# ------------------------------------------------------------------------------------ formatting


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1e3:.1f} ms" if x < 1 else f"{x:.2f} s"


def fmt_delta(x: float) -> str:
    return ("+" if x >= 0 else "-") + fmt_s(abs(x))


def fmt_mib(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f} MiB" if x < 1024 else f"{x / 1024:.2f} GiB"


def fmt_ratio(x: float | None) -> str:
    return "-" if x is None else (f"{x:.1f}x" if x < 100 else f"{x:,.0f}x")


def fmt_g(x: float | None) -> str:
    return "-" if x is None else f"{x / 1e9:.3f} G"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**PASS**" if ok else "**FAIL**")


def table(header: list[str], rows: Iterable[list[str]], align: str | None = None) -> str:
    align = align or "l" + "r" * (len(header) - 1)
    sep = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def status_text(rec: Rec | None, cap_gib: float, timeout_s: float) -> str:
    if rec is None:
        return "-"
    s = rec["status"]
    if s == "ok":
        return fmt_s(rec["median_s"])
    if s == "oom":
        return f"OOM at {cap_gib:g} GiB cap"
    if s == "killed":
        return "killed (OOM?)"
    if s == "timeout":
        return f"timeout ({timeout_s:g} s)"
    return s  # error / crashed: detailed under Failures


def failed(rec: Rec | None) -> bool:
    return rec is not None and rec["status"] in ("oom", "killed", "timeout")


# --------------------------------------------------------------------------------------- lookups


class Runs:
    def __init__(self, data: dict[str, Any]) -> None:
        self.by_key: dict[tuple[str, str, str, str], Rec] = {}
        for r in data["runs"]:
            self.by_key[(r["case"], r.get("label", ""), r["tool"], r["model"])] = r
        self.starts = {(s["case"], s.get("label", ""), s["tool"]): s for s in data["workers"]}

    def get(self, case: str, label: str, tool: str, model: str) -> Rec | None:
        return self.by_key.get((case, label, tool, model))

    def tools(self, case: str) -> list[str]:
        present = {k[2] for k in self.by_key if k[0] == case}
        return [t for t in ORDER if t in present]

    def median(self, case: str, label: str, tool: str, model: str) -> float | None:
        r = self.get(case, label, tool, model)
        return r["median_s"] if r and r["status"] == "ok" else None


def total(runs: Runs, tool: str, models: list[str]) -> tuple[float | None, list[str]]:
    """Sum of per-model medians; None (with the models that failed or are missing) if incomplete."""
    times, missing = [], []
    for m in models:
        t = runs.median("zoo", "", tool, m)
        (times.append(t) if t is not None else missing.append(m))
    return (sum(times) if not missing else None), missing


# -------------------------------------------------------------------------------------- sections


def header(data: dict[str, Any]) -> str:
    meta = data["meta"]
    m, v, st = meta["machine"], meta["versions"], meta["settings"]
    quick = (
        "\n> **Quick run (development only): small stand-ins, few models, 2 repeats. Not a result.**\n"
        if st["quick"]
        else ""
    )
    load = ", ".join(f"{x:.2f}" for x in m["load_avg_at_start"]) if m.get("load_avg_at_start") else "-"
    rows = [
        ["CPU", m["cpu"]],
        ["cores", f"{m['cores']} (usable {m['usable_cores']}); every tool runs on **one thread**"],
        ["RAM", f"{m['ram_gib']:.1f} GiB" if m["ram_gib"] else "-"],
        ["OS", m["os"]],
        ["Python", m["python"]],
        ["load average at start", load],
        *[[k, f"`{val}`"] for k, val in v.items()],
    ]
    return (
        f"# Benchmarks: archstats against fvcore, thop, ptflops and torchinfo\n{quick}\n"
        f"Measured {meta['date']} in one run of {meta['duration_s'] / 60:.1f} min on one machine. Reproduce with:\n\n"
        f"```bash\n{meta['command']}\n```\n\n"
        f"Every (tool, case) ran in a fresh subprocess with one thread (`torch.set_num_threads(1)`, "
        f"`OMP_NUM_THREADS=MKL_NUM_THREADS=1`) under a {st['mem_cap_gib']:g} GiB address-space cap "
        f"(`RLIMIT_AS`), {st['timeout_s']:g} s per model at most. archstats and the floor: "
        f"{st['repeats']} calls per model; the CPU tools (peers, plain forward, archstats on a module): "
        f"{st['peer_repeats']}. Times are the **median of the calls** (the first, cold call included; cold and "
        f"warm are in the JSON). How to read every column: [benchmarks/README.md](../benchmarks/README.md). "
        f"Raw data: [benchmarks.json](benchmarks.json).\n\n" + table(["machine", ""], rows, "ll")
    )


def tools_section() -> str:
    rows = [[f"`{t}`", DESCRIPTIONS[t]] for t in ORDER]
    return (
        "\n## What is timed\n\nThe model (CPU, eval mode, for every tool but `archstats` and the floor) and the "
        "input (`torch.randn`) are built **before** the timed region, except for `archstats` by name, whose "
        "call includes building the model on meta (its normal use). Both archstats variants always read "
        "`p.totals` and build `p.layers` (the DataFrame) inside the timed region.\n\n"
        + table(["tool", "timed call"], rows, "ll")
    )


def big_rows(runs: Runs, label: str, model: str, st: dict[str, Any]) -> tuple[list[list[str]], list[list[str]]]:
    a = runs.get("big", label, "archstats", model)
    a_t = a["median_s"] if a and a["status"] == "ok" else None
    rows, targets = [], []
    for tool in runs.tools("big"):
        r = runs.get("big", label, tool, model)
        if r is None:
            continue
        start = runs.starts.get(("big", label, tool), {})
        ratio = r["median_s"] / a_t if a_t and r["status"] == "ok" else None
        rows.append(
            [
                f"`{tool}`",
                status_text(r, st["mem_cap_gib"], st["timeout_s"]),
                fmt_s(r.get("cold_s")),
                fmt_s(r.get("warm_s")),
                fmt_ratio(ratio),
                fmt_mib(start.get("rss_imports_mib")),
                fmt_mib(r.get("rss_built_mib")),
                fmt_mib(r.get("rss_peak_mib")),
                fmt_g(r.get("macs")),
            ]
        )
        if tool in PEERS:
            ok = (ratio >= SPEEDUP_BIG) if ratio is not None else (True if failed(r) and a_t else None)
            why = fmt_ratio(ratio) if ratio is not None else status_text(r, st["mem_cap_gib"], st["timeout_s"])
            targets.append([f"{label}: >= {SPEEDUP_BIG:g}x faster than `{tool}`", why, verdict(ok)])
    rss = a.get("rss_peak_mib") if a else None
    targets.append(
        [
            f"{label}: archstats peak RSS < {RSS_BIG_MIB:g} MiB",
            fmt_mib(rss),
            verdict(None if rss is None or a["status"] != "ok" else rss < RSS_BIG_MIB),
        ]
    )
    return rows, targets


def big_section(data: dict[str, Any], runs: Runs) -> tuple[str, list[list[str]]]:
    st = data["meta"]["settings"]
    labels = list(dict.fromkeys((r["label"], r["model"]) for r in data["runs"] if r["case"] == "big"))
    if not labels:
        return "", []
    intro = (
        "\n## Heavy cases: time and peak memory\n\nPeak RSS is `ru_maxrss` of the worker at the end (it "
        "includes the interpreter, torch, the tool, the model and the input); *after imports* is the baseline "
        "before the model is built, *after build* once the model (and input) exist. `x archstats` is the "
        "tool's median over archstats' (by name). MACs: the tool's own count (ptflops reports per sample; "
        "fvcore's unit is one MAC per \"flop\"; the floor's is FlopCounterMode's FLOPs / 2).\n"
    )
    out = [intro]
    targets: list[list[str]] = []
    for label, model in labels:
        rows, t = big_rows(runs, label, model, st)
        targets += t
        out.append(
            f"\n### {label}\n\n"
            + table(
                [
                    "tool",
                    "median",
                    "cold (1st call)",
                    "warm",
                    "x archstats",
                    "RSS after imports",
                    "RSS after build",
                    "peak RSS",
                    "MACs",
                ],
                rows,
            )
        )
    return "".join(out), targets


def tv16_section(data: dict[str, Any], runs: Runs) -> tuple[str, list[list[str]]]:
    models = [m for m in data["tv16"] if any(runs.get("zoo", "", t, m) for t in ORDER)]
    if not models:
        return "", []
    tools = runs.tools("zoo")
    st = data["meta"]["settings"]
    rows = [
        [m, *[status_text(runs.get("zoo", "", t, m), st["mem_cap_gib"], st["timeout_s"]) for t in tools]]
        for m in models
    ]
    totals = {t: total(runs, t, models) for t in tools}
    rows.append(
        ["**total**", *[f"**{fmt_s(totals[t][0])}**" if totals[t][0] is not None else "incomplete" for t in tools]]
    )
    a_t = totals.get("archstats", (None,))[0]
    rows.append(["x archstats", *[fmt_ratio(totals[t][0] / a_t) if a_t and totals[t][0] else "-" for t in tools]])
    if len(models) == 16:
        rows.append(["issue's figures", *[fmt_s(ISSUE_TV16.get(t)) for t in tools]])
    partial = "" if len(models) == 16 else f" (**{len(models)} of the 16 measured in this run**)"
    floor_built = floor_with_build(runs, models)
    if floor_built and a_t:
        cell = f"{fmt_s(floor_built)} (archstats / this: {a_t / floor_built:.2f}x)"
        rows.append(["floor incl. building the meta model", *[cell if t == "floor" else "" for t in tools]])
    notes = "".join(f"\n- {n}" for n in data["tv16_notes"])
    text = (
        f"\n## Batch 1, default inputs: the 16 torchvision-equivalent models{partial}\n\n"
        "Median per call; the total is the sum of the medians. The floor excludes building the meta model "
        "(the last row adds it); `archstats` includes it.\n"
        + (notes + "\n" if notes else "")
        + "\n"
        + table(["model", *[f"`{t}`" for t in tools]], rows)
    )
    return text, tv16_targets(runs, totals, a_t, len(models))


def floor_with_build(runs: Runs, models: list[str]) -> float | None:
    """The floor's total with its (untimed) meta construction added: like for like with archstats
    by name, whose call builds the model."""
    recs = [runs.get("zoo", "", "floor", m) for m in models]
    complete = [r for r in recs if r and r["status"] == "ok" and r.get("build_s") is not None]
    if len(complete) != len(recs):
        return None
    return sum(r["median_s"] + r["build_s"] for r in complete)


def tv16_targets(
    runs: Runs, totals: dict[str, tuple[float | None, list[str]]], a_t: float | None, n: int
) -> list[list[str]]:
    scope = "16 models" if n == 16 else f"{n} of the 16 models"
    complete = {t: total for t, (total, _) in totals.items() if t in PEERS and total is not None}
    targets = []
    if complete and a_t:
        fastest = min(complete, key=complete.__getitem__)
        ratio = complete[fastest] / a_t
        what = (
            f"batch 1, {scope}: >= {SPEEDUP_TV16:g}x faster than the fastest peer (`{fastest}`, "
            f"{fmt_s(complete[fastest])})"
        )
        targets.append([what, f"{fmt_ratio(ratio)} (archstats {fmt_s(a_t)})", verdict(ratio >= SPEEDUP_TV16)])
    floor = totals.get("floor", (None,))[0]
    if floor and a_t:
        ratio = a_t / floor
        targets.append(
            [
                f"batch 1, {scope}: within {FLOOR_FACTOR:g}x of the FlopCounterMode floor ({fmt_s(floor)})",
                f"{ratio:.2f}x",
                verdict(ratio <= FLOOR_FACTOR),
            ]
        )
    return targets


def zoo_section(data: dict[str, Any], runs: Runs) -> str:
    models = data["zoo_models"]
    tools = runs.tools("zoo")
    if not models or not tools:
        return ""
    st = data["meta"]["settings"]
    rows = []
    for m in models:
        a, f = runs.median("zoo", "", "archstats", m), runs.median("zoo", "", "floor", m)
        ops = (runs.get("zoo", "", "archstats", m) or {}).get("n_ops")
        rows.append(
            [
                m,
                str(ops or "-"),
                *[status_text(runs.get("zoo", "", t, m), st["mem_cap_gib"], st["timeout_s"]) for t in tools],
                fmt_ratio(a / f) if a and f else "-",
            ]
        )
    sums = [total(runs, t, models)[0] for t in tools]
    rows.append(["**total**", "", *[f"**{fmt_s(s)}**" if s is not None else "incomplete" for s in sums], ""])
    return (
        f"\n## The whole zoo, batch 1, default inputs ({len(models)} models)\n\nMedian per call. Tools that need "
        "a CPU model ran on the models listed for them (by default the 16 above; `--peers-on-zoo` for all); "
        "`-` means not run. Last column: archstats over the floor.\n\n"
        + table(["model", "aten ops", *[f"`{t}`" for t in tools], "archstats / floor"], rows)
    )


def scaling_rows(runs: Runs, data: dict[str, Any], case: str) -> list[Rec]:
    return [r for r in data["runs"] if r["case"] == case and r["tool"] == "archstats"]


def scaling_table(recs: list[Rec]) -> str:
    rows = []
    for r in recs:
        ok = r["status"] == "ok"
        per_op = r["median_s"] / r["n_ops"] * 1e6 if ok and r.get("n_ops") else None
        rows.append(
            [
                r["label"],
                r["model"],
                fmt_s(r["median_s"]) if ok else r["status"],
                fmt_s(r.get("cold_s")),
                fmt_s(r.get("warm_s")),
                fmt_mib(r.get("rss_peak_mib")),
                str(r.get("n_ops", "-")),
                f"{per_op:.0f} us" if per_op else "-",
                fmt_g(r.get("macs")),
            ]
        )
    return table(["point", "model", "median", "cold", "warm", "peak RSS", "aten ops", "time / op", "MACs"], rows)


def flat_verdict(recs: list[Rec], what: str) -> list[list[str]]:
    ok = [r for r in recs if r["status"] == "ok"]
    if len(ok) < 2:
        return []
    times = [r["median_s"] for r in ok]
    rss = [r["rss_peak_mib"] for r in ok]
    t_ratio, rss_spread = max(times) / min(times), max(rss) - min(rss)
    span = f"{recs[0]['label']} to {recs[-1]['label']}"
    return [
        [
            f"time flat in {what} ({span}; max/min <= {FLAT_TIME:g}, criterion ours)",
            f"{t_ratio:.2f}",
            verdict(t_ratio <= FLAT_TIME and len(ok) == len(recs)),
        ],
        [
            f"peak RSS flat in {what} (max - min <= {FLAT_RSS_MIB:g} MiB, criterion ours)",
            fmt_mib(rss_spread),
            verdict(rss_spread <= FLAT_RSS_MIB and len(ok) == len(recs)),
        ],
    ]


def linear_verdict(recs: list[Rec]) -> list[list[str]]:
    ok = [r for r in recs if r["status"] == "ok" and r.get("n_ops")]
    if len(ok) < 2:
        return []
    per_op = [r["median_s"] / r["n_ops"] for r in ok]
    spread = max(per_op) / min(per_op)
    xs, ys = [r["n_ops"] for r in ok], [r["median_s"] for r in ok]
    fit = linear_fit(xs, ys)
    detail = f"{spread:.2f} (fit: {fit[0] * 1e3:.1f} ms + {fit[1] * 1e6:.0f} us/op, R^2 {fit[2]:.3f})"
    return [
        [
            f"time linear in aten ops over depth (time/op max/min <= {LINEAR_SPREAD:g}, criterion ours)",
            detail,
            verdict(spread <= LINEAR_SPREAD and len(ok) == len(recs)),
        ]
    ]


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b x; returns (a, b, R^2)."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return a, b, (1 - ss_res / ss_tot) if ss_tot else 1.0


def scaling_section(data: dict[str, Any], runs: Runs) -> tuple[str, list[list[str]]]:
    parts, targets = [], []
    for case, title, what in (
        ("scaling-batch", "batch (ResNet-50, 224x224)", "batch"),
        ("scaling-resolution", "resolution (ResNet-50, batch 1)", "resolution"),
        ("scaling-depth", "depth (batch 1, default inputs)", None),
    ):
        recs = scaling_rows(runs, data, case)
        if not recs:
            continue
        parts.append(f"\n### Scaling in {title}\n\n" + scaling_table(recs))
        targets += flat_verdict(recs, what) if what else linear_verdict(recs)
    if not parts:
        return "", []
    return (
        "\n## Scaling of archstats\n\narchstats by name, one fresh worker per point (so peak RSS is the "
        "point's own). Time per op = median / aten ops.\n" + "".join(parts)
    ), targets


def cli_section(data: dict[str, Any]) -> tuple[str, list[list[str]]]:
    cli = data.get("cli")
    if not cli:
        return "", []
    cmds = cli["commands"]
    base = statistics.median(cmds['python -c "import torch"']["times"])
    rows = [
        [
            f"`{label}`",
            fmt_s(statistics.median(c["times"])),
            fmt_s(min(c["times"])),
            fmt_delta(statistics.median(c["times"]) - base),
            str(c["returncode"]),
        ]
        for label, c in cmds.items()
    ]
    heavy = sorted({m for v in cli["imports"].values() for m in v if m != "error"})
    imp_rows = [
        [f"`{label}`", *[("yes" if v.get(m) else "no") if "error" not in v else "error" for m in heavy]]
        for label, v in cli["imports"].items()
    ]
    it = cli.get("importtime", {})
    it_text = ", ".join(f"`{k}` {v:.2f} s" for k, v in sorted(it.items(), key=lambda kv: -kv[1]))
    text = (
        "\n## CLI start-up\n\nWhole commands, process start to exit (median and best of the runs), against a "
        "bare `import torch`.\n\n"
        + table(["command", "median", "best", "over import torch", "exit"], rows)
        + "\nHeavy modules loaded (in `sys.modules` at exit):\n\n"
        + table(["entry point", *heavy], imp_rows, "l" * (len(heavy) + 1))
        + (
            f"\nCumulative import time under `python -X importtime -c 'import archstats'`: {it_text}.\n"
            if it_text
            else ""
        )
    )
    helps = statistics.median(cmds["archstats --help"]["times"])
    lazy = [cli["imports"].get(k, {}) for k in ("import archstats", "archstats --help")]
    no_heavy = all("error" not in v and not v.get("pandas") and not v.get("matplotlib") for v in lazy)
    targets = [
        [
            f"start-up dominated by `import torch` (`archstats --help` <= {STARTUP_FACTOR:g}x it, criterion ours)",
            f"{helps / base:.2f}x ({fmt_s(helps)} vs {fmt_s(base)})",
            verdict(helps <= STARTUP_FACTOR * base),
        ],
        [
            "pandas and matplotlib not imported by `import archstats` nor `archstats --help`",
            "none imported" if no_heavy else "imported",
            verdict(no_heavy),
        ],
    ]
    return text, targets


def failures_section(data: dict[str, Any]) -> str:
    bad = [r for r in data["runs"] if r["status"] != "ok"]
    if not bad:
        return "\n## Failures\n\nNone: every tool ran every model it was given.\n"
    rows = [
        [
            r["case"] + (f" {r['label']}" if r.get("label") else ""),
            f"`{r['tool']}`",
            r["model"],
            r["status"],
            (r.get("error") or "").replace("|", "\\|")[:200],
        ]
        for r in bad
    ]
    return "\n## Failures\n\n" + table(["case", "tool", "model", "status", "error (first line)"], rows, "lllll")


def render(data: dict[str, Any]) -> str:
    runs = Runs(data)
    big, t_big = big_section(data, runs)
    tv, t_tv = tv16_section(data, runs)
    sc, t_sc = scaling_section(data, runs)
    cli, t_cli = cli_section(data)
    targets = t_big + t_tv + t_sc + t_cli
    summary = "\n## Targets (issue 7)\n\n" + table(["target", "measured", "verdict"], targets, "lll") if targets else ""
    bounds = f"\n{BOUNDS_HEADING}\n\n" + PLACEHOLDER + "\n"
    return (
        header(data)
        + summary
        + tools_section()
        + big
        + tv
        + zoo_section(data, runs)
        + sc
        + cli
        + bounds
        + failures_section(data)
    )

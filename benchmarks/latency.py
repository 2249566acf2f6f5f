"""Does fewer MACs mean faster? Measured forward latency of every zoo model against its counts.

    python benchmarks/latency.py                          # writes reports/latency.md, .json, img/
    python benchmarks/latency.py --repeats 3 --models mobilenet --out /tmp/latency/

Every zoo model at batch 1, its default input, float32, on cpu with all of torch's threads:
``--warmup`` untimed forwards, then ``--repeats`` timed ones (``archstats.bench.bench`` without
per-layer hooks); the roofs (peak matmul FLOP/s, copy bandwidth) are measured once and give each
model's lower bound. Then ResNet-50 and MobileNet v1 are timed layer by layer for their rooflines.
About 4 minutes on the 2-core development machine. These are measurements: run it on a quiet
machine; every other process changes the numbers, and no test reads them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeAlias

import torch

import archstats_models as zoo
from archstats import doc, plots
from archstats.bench import BenchResult, Roofs, Stats, bench, load_average, machine, measure_roofs
from archstats.latency import FAMOUS_PAIRS, Comparison, ModelLatency, compare_pair, reading, spearman
from archstats.render_bench import machine_text
from archstats.units import human, human_rate, human_time

ROOT = Path(__file__).resolve().parent.parent
ROOFLINE_MODELS = ("resnet50", "mobilenet_v1")
FIGURE_MIN_MACS = 10_000_000  # the scatter leaves out smaller models (LeNet-5), the tables keep them


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- measuring ---------------------------------------------------------------------------------


def measure_model(name: str, family: str, roofs: Roofs, repeats: int, warmup: int) -> ModelLatency:
    """One model's counts (bench's meta profile, convention full) beside its whole-forward latency;
    the lower bound is bench's own (its layers are the profile's records, bounded under ``roofs``)."""
    result = bench(name, repeats=repeats, warmup=warmup, per_layer=False, roofs=roofs)
    totals = result.totals
    assert totals is not None  # bench always profiles the model first
    return ModelLatency(
        name, family, totals.macs, totals.flops, totals.traffic_bytes, totals.params, result.whole, result.lower_bound
    )


def measure_zoo(infos: Sequence[Any], roofs: Roofs, repeats: int, warmup: int) -> list[ModelLatency]:
    out = []
    start = time.perf_counter()
    for i, info in enumerate(infos, 1):
        m = measure_model(info.name, info.family, roofs, repeats, warmup)
        elapsed = time.perf_counter() - start
        log(f"[{i}/{len(infos)}] {info.name}: median {human_time(m.latency.median)} ({elapsed:.0f} s so far)")
        out.append(m)
    return out


def comparisons(models: Sequence[ModelLatency]) -> list[Comparison]:
    """The famous pairs whose two models were measured."""
    by_name = {m.name: m for m in models}
    measured = [p for p in FAMOUS_PAIRS if p.light in by_name and p.heavy in by_name]
    return [compare_pair(p, by_name[p.light], by_name[p.heavy]) for p in measured]


def correlations(models: Sequence[ModelLatency]) -> dict[str, float]:
    latency = [m.latency.median for m in models]
    return {
        what: spearman([float(getattr(m, attr)) for m in models], latency)
        for what, attr in (("macs", "macs"), ("traffic", "traffic_bytes"), ("params", "params"))
    }


def figure_models(models: Sequence[ModelLatency]) -> tuple[list[ModelLatency], list[str]]:
    """The models the scatter shows, and those left out: LeNet-5's 0.33 MMACs would stretch both
    axes over three more decades and squeeze the zoo into a corner."""
    shown = [m for m in models if m.macs >= FIGURE_MIN_MACS]
    return shown, [m.name for m in models if m.macs < FIGURE_MIN_MACS]


def write_figure(models: Sequence[ModelLatency], found: Sequence[Comparison], roofs: Roofs, img: Path) -> Path:
    shown, left_out = figure_models(models)
    title = f"{len(shown)} zoo models, batch 1, float32, cpu: measured latency against MACs and memory traffic"
    title += f" ({', '.join(left_out)}: under {human(FIGURE_MIN_MACS, 'macs')}, not shown)" if left_out else ""
    return plots.save(plots.latency_figure(shown, found, title, roofs), img / "latency-macs.png")


def roofline(name: str, roofs: Roofs, repeats: int, warmup: int, img: Path) -> tuple[BenchResult, Path]:
    """Per-layer timings of ``name`` under the measured roofs, and its roofline figure."""
    result = bench(name, repeats=repeats, warmup=warmup, per_layer=True, roofs=roofs)
    path = plots.save(plots.roofline_figure(result), img / f"roofline-{name}.png")
    log(f"roofline of {name}: median {human_time(result.whole.median)}, written {path}")
    return result, path


def roofline_summary(result: BenchResult) -> dict[str, Any]:
    """What the roofline shows in numbers: the share of the timed layers' own time spent left of
    the ridge (layers the traffic model calls memory-bound), and the best layer's share of peak."""
    assert result.roofs is not None
    plotted = result.plotted
    timed = sum(lay.time or 0.0 for lay in plotted)
    below = sum(lay.time or 0.0 for lay in plotted if lay.intensity < result.roofs.ridge)
    best = max(plotted, key=lambda lay: lay.achieved or 0.0)
    return {
        "model": result.settings.model,
        "whole_s": result.whole.as_dict(samples=False),
        "hooked_median_s": result.hooked.median if result.hooked else None,
        "lower_bound_s": result.lower_bound,
        "measured_over_bound": result.bound_ratio,
        "layers_plotted": len(plotted),
        "layers_left_out": result.left_out,
        "time_share_below_ridge": below / timed if timed else None,
        "best_layer": {"module": best.module, "type": best.type, "achieved_flops_per_s": best.achieved},
    }


# --- the page ----------------------------------------------------------------------------------

Part: TypeAlias = "doc.Block | str"  # a block, or a line of Markdown written as is (an image: doc has no image block)


def _image(caption: str, src: str) -> str:
    return f"![{doc.md_text(caption)}]({src})"


def _spread(m: ModelLatency) -> str:
    return f"{human_time(m.latency.min)} - {human_time(m.latency.max)}"


def comparison_rows(found: Sequence[Comparison]) -> tuple[tuple[doc.Inline, ...], ...]:
    return tuple(
        (
            c.pair.label,
            human(c.mac_ratio, "ratio"),
            human(c.traffic_ratio, "ratio"),
            human(c.speed_ratio, "ratio"),
            f"{human(c.speed_low, 'ratio')} - {human(c.speed_high, 'ratio')}",
            reading(c),
        )
        for c in found
    )


def model_rows(models: Sequence[ModelLatency]) -> tuple[tuple[doc.Inline, ...], ...]:
    rows = []
    for m in sorted(models, key=lambda m: m.macs):
        bound = human(m.bound_ratio, "ratio") if m.bound_ratio is not None else "-"
        cells = (m.name, m.family, human(m.macs, "macs"), human(m.traffic_bytes, "bytes"))
        rows.append((*cells, human_time(m.latency.median), _spread(m), human_rate(m.achieved), bound))
    return tuple(rows)


def _setup_blocks(data: dict[str, Any]) -> list[doc.Block]:
    r, s = data["roofs"], data["settings"]
    load = ", ".join(f"{a:.2f}" for a in data["load_average"]["start"]) if data["load_average"]["start"] else "-"
    return [
        doc.Para(
            (
                "Generated by ",
                doc.Code(data["command"]),
                f" on {data['date']}: {len(data['models'])} zoo models at batch 1, each at its default input, "
                f"{s['dtype']}, on {s['device']} with {s['threads']} torch threads; {s['repeats']} timed forwards "
                f"after {s['warmup']} warm-up each, median (min - max). The run took {data['seconds']:.0f} s.",
            )
        ),
        doc.Para(f"Machine: {machine_text(data['machine']).removeprefix('machine: ')}; load average at start {load}."),
        doc.Para(
            f"Roofs, measured once ({r['statistic']}): peak compute {human_rate(r['peak_flops'])} "
            f"({r['matmul_n']}x{r['matmul_n']} matmul), bandwidth {human_rate(r['bandwidth'], 'bytes')} "
            f"({human(r['copy_bytes'], 'bytes')} copy, read + written), ridge {r['ridge']:.3g} FLOPs per byte."
        ),
        doc.Para(
            (
                doc.Strong("These are measurements"),
                ": noisy, specific to this machine, its load and this torch build, different from run to run. "
                "No test reads them, and no deterministic verdict of ",
                doc.Code("archstats claims"),
                " does; the lecture table's forward-time column is judged only by the opt-in ",
                doc.Code("archstats claims --measure"),
                ".",
            )
        ),
    ]


def _comparison_blocks(found: Sequence[Comparison]) -> list[doc.Block]:
    headers = ("pair", "MAC ratio", "traffic ratio", "speed ratio (median)", "range (min/max)", "reading")
    return [
        doc.Heading(2, "The famous comparisons"),
        doc.Para(
            "Each ratio is the heavier model's over the lighter one's: MACs and memory traffic from the counts, "
            "speed as the ratio of median latencies; the range pairs the extreme runs (the heavy model's fastest "
            "over the light one's slowest, and the other way round)."
        ),
        doc.Table(headers, comparison_rows(found), (1, 2, 3, 4)),
        *([doc.Para(pairs_summary(found))] if found else []),
    ]


def pairs_summary(found: Sequence[Comparison]) -> str:
    """How often the lighter model was faster, and how much of its MAC ratio became speed."""
    faster = sum(c.speed_ratio > 1 for c in found)
    shares = [c.speed_ratio / c.mac_ratio for c in found]
    return (
        f"The lighter model ran faster in {faster} of {len(found)} pairs; its speed ratio was "
        f"{min(shares):.0%} to {max(shares):.0%} of its MAC ratio."
    )


def _scatter_blocks(data: dict[str, Any], models: Sequence[ModelLatency]) -> list[Part]:
    rho = data["spearman"]
    n = len(data["models"])
    left_out = figure_models(models)[1]
    under = human(FIGURE_MIN_MACS, "macs")
    not_shown = f" The figure leaves out {', '.join(left_out)} (under {under})." if left_out else ""
    return [
        doc.Heading(2, "Latency against MACs and memory traffic"),
        doc.Para(
            f"Across the {n} models, Spearman's rank correlation of median latency is {rho['macs']:.2f} with "
            f"MACs, {rho['traffic']:.2f} with memory traffic and {rho['params']:.2f} with parameters (1: the "
            "same order). The dotted lines are the least time the roofs allow for the MACs alone (at peak) and "
            "for the traffic alone (at the measured bandwidth); dashed segments join the pairs above." + not_shown
        ),
        _image("Measured latency against MACs and memory traffic", "img/latency-macs.png"),
    ]


def _model_blocks(models: Sequence[ModelLatency]) -> list[doc.Block]:
    headers = ("model", "family", "MACs", "traffic", "median", "min - max", "achieved", "measured / bound")
    return [
        doc.Heading(2, "Every model"),
        doc.Para(
            "By MACs. Achieved: FLOPs (2 per MAC plus the other ops) over the median. Bound: the sum over layers "
            "of max(FLOPs / peak, bytes / bandwidth) under the roofs above." + _below_bound(models)
        ),
        doc.Table(headers, model_rows(models), (2, 3, 4, 5, 6, 7)),
    ]


def _below_bound(models: Sequence[ModelLatency]) -> str:
    """A model measured faster than its bound means the roofs were measured low, not a miracle."""
    below = [m.name for m in models if m.bound_ratio is not None and m.bound_ratio < 1]
    if not below:
        return ""
    return (
        f" {len(below)} model(s) ran faster than their bound ({', '.join(below)}): their convolutions beat the "
        "2048x2048 matmul that sets the peak, which is a measured reference, not the machine's ceiling."
    )


def _roofline_blocks(summaries: Sequence[dict[str, Any]]) -> list[Part]:
    out: list[Part] = [
        doc.Heading(2, "Per-layer rooflines"),
        doc.Para("Each layer's own time (with per-layer hooks) at its arithmetic intensity, under the measured roofs."),
    ]
    for s in summaries:
        best = s["best_layer"]
        share = s["time_share_below_ridge"]
        out.append(
            doc.Para(
                f"{s['model']}: {s['layers_plotted']} layers plotted; {100 * share:.0f}% of their own time is spent "
                f"left of the ridge (memory-bound under the traffic model); the fastest layer, {best['module']} "
                f"({best['type']}), reaches {human_rate(best['achieved_flops_per_s'])}; the whole forward's median "
                f"{human_time(s['whole_s']['median'])} is {human(s['measured_over_bound'], 'ratio')} its lower bound."
            )
        )
        out.append(_image(f"{s['model']}: roofline", f"img/roofline-{s['model']}.png"))
    return out


def page(data: dict[str, Any], models: Sequence[ModelLatency], found: Sequence[Comparison]) -> str:
    parts: list[Part] = [doc.Heading(1, "Does fewer MACs mean faster? Measured latency of the zoo")]
    parts += [*_setup_blocks(data), *_comparison_blocks(found), *_scatter_blocks(data, models)]
    parts += [*_model_blocks(models), *_roofline_blocks(data["rooflines"])]
    return "\n\n".join(p if isinstance(p, str) else doc.markdown([p]).rstrip("\n") for p in parts) + "\n"


# --- the run -----------------------------------------------------------------------------------


def _command(argv: Sequence[str]) -> str:
    return " ".join(["python benchmarks/latency.py", *argv])


def run(args: argparse.Namespace, argv: Sequence[str]) -> tuple[dict[str, Any], list[ModelLatency], list[Comparison]]:
    start = time.perf_counter()
    load_start = load_average()
    infos = zoo.list_models(args.models)
    if load_start and load_start[0] > 0.5:
        log(f"warning: load average {load_start[0]:.2f}: other processes slow multi-threaded forwards down, unevenly")
    log(f"measuring the roofs, then {len(infos)} models ({args.repeats} repeats after {args.warmup} warm-up)")
    roofs = measure_roofs("float32", "cpu")
    models = measure_zoo(infos, roofs, args.repeats, args.warmup)
    found = comparisons(models)
    img = args.out / "img"
    img.mkdir(parents=True, exist_ok=True)
    write_figure(models, found, roofs, img)
    names = {m.name for m in models}
    rooflines = [roofline(n, roofs, args.repeats, args.warmup, img)[0] for n in ROOFLINE_MODELS if n in names]
    data = {
        "date": datetime.date.today().isoformat(),
        "command": _command(argv),
        "seconds": time.perf_counter() - start,
        "load_average": {"start": load_start, "end": load_average()},
        "machine": machine("cpu"),
        "settings": {"batch_size": 1, "dtype": "float32", "device": "cpu", "threads": torch.get_num_threads()}
        | {"repeats": args.repeats, "warmup": args.warmup},
        "roofs": roofs.as_dict(),
        "spearman": correlations(models),
        "comparisons": [c.as_dict() for c in found],
        "rooflines": [roofline_summary(r) for r in rooflines],
        "models": [m.as_dict() for m in models],
    }
    return data, models, found


def from_json(data: dict[str, Any]) -> tuple[list[ModelLatency], list[Comparison], Roofs]:
    """The models, comparisons and roofs of a saved run (the series' samples are kept in the JSON)."""
    models = []
    for m in data["models"]:
        stats = Stats.of(m["latency_s"]["samples"])
        counts = (m["name"], m["family"], m["macs"], m["flops"], m["traffic_bytes"], m["params"])
        models.append(ModelLatency(*counts, stats, m["lower_bound_s"]))
    fields = ("peak_flops", "bandwidth", "dtype", "device", "matmul_n", "copy_bytes", "repeats", "statistic")
    return models, comparisons(models), Roofs(**{k: data["roofs"][k] for k in fields})


def render(path: Path, out: Path) -> None:
    """Rewrite the page and the scatter from a saved JSON, measuring nothing (the rooflines stay)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    models, found, roofs = from_json(data)
    write_figure(models, found, roofs, out / "img")
    (out / "latency.md").write_text(page(data, models, found), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed forwards per model (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed forwards before them (default 2)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores)")
    parser.add_argument("--models", default=None, help="a pattern of `archstats list` (default: every model)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="the directory (default reports/)")
    parser.add_argument("--render", type=Path, default=None, help="measure nothing: rewrite from a saved JSON")
    args = parser.parse_args(argv)
    if args.render:
        render(args.render, args.out)
        return 0
    if args.threads:
        torch.set_num_threads(args.threads)  # this process only: the roofs and every model run with it
    data, models, found = run(args, argv)
    (args.out / "latency.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (args.out / "latency.md").write_text(page(data, models, found), encoding="utf-8")
    log(f"wrote {args.out / 'latency.md'} in {data['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

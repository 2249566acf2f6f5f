"""Markdown rendering of a corpus run (``reports/corpus.md``) from its JSON data (``corpus.py``)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

Rec = dict[str, Any]

OPS_ROUNDING = 0.0005  # torchvision prints _ops (GMACs, named GFLOPS) with 3 decimals
CHECKS = {
    "params": "params = unique `numel` sum of the model's parameters",
    "flops": "paper FLOPs (2 x MACs) = `FlopCounterMode` total, same model and input",
    "tv_ops": "MACs = torchvision `_ops` (GMACs) within its printed rounding (+-0.0005 G)",
    "tv_params": "params = torchvision `num_params`",
}
CPU_REASONS = {
    "detection": "data-dependent shapes (proposals, NMS): cannot run on meta",
    "quantization": "quantized kernels (`quantized::*`) exist on CPU only",
    "optical_flow": "two input frames",
}


# ------------------------------------------------------------------------------------ formatting


def fmt_int(x: int | None) -> str:
    return "-" if x is None else f"{x:,}"


def fmt_g(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x / 1e9:.{digits}f}"


def fmt_ms(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1e3:.1f}" if x < 10 else f"{x * 1e3:,.0f}"


def fmt_size(size: list[int] | None) -> str:
    return "x".join(str(d) for d in size) if size else "-"


def cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


# ------------------------------------------------------------------------------------ judgements


def outcome(r: Rec) -> str:
    status = r.get("profile_status")
    return status if status in ("complete", "partial") else "failed"


def failure(r: Rec) -> str:
    kind = r.get("status", "error")
    stage = r.get("stage")
    where = f" ({stage})" if stage and kind in ("error", "oom") else ""
    return f"{kind}{where}: {r.get('error', '')}"


def checks(r: Rec) -> dict[str, tuple[str, str]]:
    """Each check's verdict ("pass", "fail" or "n/a") and, for a fail or n/a, why."""
    out: dict[str, tuple[str, str]] = {}
    if outcome(r) == "failed":
        return out
    params, unique = r.get("params"), r.get("params_unique")
    out["params"] = ("pass", "") if params == unique else ("fail", f"archstats {fmt_int(params)} vs {fmt_int(unique)}")
    flops, fcm = r.get("flops"), r.get("fcm_flops")
    if fcm is None:
        out["flops"] = ("n/a", f"FlopCounterMode failed: {r.get('fcm_error', 'not run')}")
    elif flops == fcm:
        out["flops"] = ("pass", "")
    elif not r.get("fcm_by_op") and all(op.startswith("quantized.") for op in r.get("archstats_by_op", {})):
        twin = r.get("fcm_float_flops")
        text = "FlopCounterMode has no formula for `quantized::*` ops (it counts 0)"
        if twin is None:
            out["flops"] = ("n/a", text)
        elif twin == flops:
            out["flops"] = ("pass", "")
        else:
            detail = f"{text}; archstats {fmt_g(flops)} G vs its count of the float model {fmt_g(twin)} G"
            out["flops"] = ("fail", detail)
    else:
        out["flops"] = ("fail", flops_detail(r))
    tv = r.get("tv") or {}
    if tv.get("ops_g") is not None:
        macs_g = r["macs"] / 1e9
        ok = abs(macs_g - tv["ops_g"]) <= OPS_ROUNDING + 1e-9
        out["tv_ops"] = ("pass", "") if ok else ops_detail(r)
    if tv.get("num_params") is not None:
        ok = params == tv["num_params"]
        out["tv_params"] = ("pass", "") if ok else params_detail(r)
    return out


def flops_detail(r: Rec) -> str:
    flops, fcm = r["flops"], r["fcm_flops"]
    ours, theirs = r.get("archstats_by_op", {}), r.get("fcm_by_op", {})
    diffs = [
        f"`{op}` {fmt_g(ours.get(op, 0))} vs {fmt_g(theirs.get(op, 0))}"
        for op in sorted(set(ours) | set(theirs))
        if ours.get(op, 0) != theirs.get(op, 0)
    ]
    rel = f" ({(flops - fcm) / fcm:+.2%})" if fcm else ""
    text = f"archstats {fmt_g(flops)} G vs FlopCounterMode {fmt_g(fcm)} G{rel}"
    if diffs:
        text += "; per op (archstats vs FlopCounterMode, GFLOPs): " + ", ".join(diffs)
    if r.get("uncounted"):
        text += "; partial: " + ", ".join(f"`{op}` x{k}" for op, k in sorted(r["uncounted"].items()))
    return text


def ops_detail(r: Rec) -> tuple[str, str]:
    tv = r["tv"]
    macs_g = r["macs"] / 1e9
    text = f"archstats {macs_g:.3f} GMACs vs `_ops` {tv['ops_g']:.3f} ({(macs_g - tv['ops_g']) / tv['ops_g']:+.2%})"
    verdict = "fail"
    fcm = r.get("fcm_flops")
    if fcm is not None:
        fcm_g = fcm / 2e9
        text += f"; FlopCounterMode/2 {fcm_g:.3f}"
        if abs(fcm_g - tv["ops_g"]) > OPS_ROUNDING and abs(fcm_g - macs_g) <= OPS_ROUNDING:
            text += ", the same as archstats: the model or its input differs from the one torchvision measured"
            if r.get("namespace") == "detection":
                text += (
                    " (a detector's heads run on as many proposals as survive NMS, which depends on the weights "
                    "and on the input's values: archstats draws `randn`)"
                )
                if r.get("rpn_score_thresh"):
                    text += (
                        f"; its builder sets `rpn_score_thresh={r['rpn_score_thresh']:g}`: proposals whose objectness "
                        "is below it never reach the box head, and with trained weights most are, while random "
                        "weights give every anchor an objectness near 0.5"
                    )
                uniform = r.get("fcm_flops_uniform")
                if uniform is not None:
                    u_g = uniform / 2e9
                    same = abs(u_g - tv["ops_g"]) <= OPS_ROUNDING
                    text += f"; FlopCounterMode/2 on an image-like uniform [0, 1) input: {u_g:.3f}" + (
                        " = `_ops`" if same else ""
                    )
                    verdict = "explained" if same else verdict
    return verdict, text


def params_detail(r: Rec) -> tuple[str, str]:
    expected = r["tv"]["num_params"]
    diff = r["params"] - expected
    text = f"archstats {fmt_int(r['params'])} vs `num_params` {fmt_int(expected)} ({diff:+,})"
    bn = r.get("backbone_bn_params")
    if bn and diff == bn:
        return "explained", text + (
            f" = the {bn:,} affine parameters of the backbone body's BatchNorm2d layers: with weights the builder "
            "uses FrozenBatchNorm2d there (buffers, not parameters)"
        )
    bn, aux = r.get("bn_channels"), r.get("aux_params", 0)
    if r.get("namespace") == "quantization" and bn is not None and diff in (-bn, -bn - aux):
        text += (
            f" = minus the {bn:,} channels of the float model's BatchNorm layers: quantize=True fuses each into the "
            "conv before it (2C affine parameters become C conv biases), while `num_params` is the float model's"
        )
        if aux and diff == -bn - aux:
            text += f", and minus the {aux:,} parameters of the auxiliary heads, counted in `num_params` but dropped"
        return "explained", text
    return "fail", text


# ------------------------------------------------------------------------------------ sections


def summary(data: Rec, results: list[Rec]) -> list[str]:
    lines = ["## Summary", ""]
    by_source: dict[str, list[Rec]] = defaultdict(list)
    for r in results:
        by_source[r.get("source", "?")].append(r)
    rows = []
    for source, recs in [*sorted(by_source.items()), ("all", results)]:
        counts = {k: sum(outcome(r) == k for r in recs) for k in ("complete", "partial", "failed")}
        rows.append([source, len(recs), counts["complete"], counts["partial"], counts["failed"]])
    lines += table(["source", "models", "complete", "partial", "failed"], rows)
    failed_kinds: dict[str, int] = defaultdict(int)
    for r in results:
        if outcome(r) == "failed":
            failed_kinds[r.get("status", "error")] += 1
    if failed_kinds:
        lines += ["", "Failures by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(failed_kinds.items())) + "."]
    return lines


def uncounted_section(results: list[Rec]) -> list[str]:
    models: dict[str, list[str]] = defaultdict(list)
    calls: dict[str, int] = defaultdict(int)
    for r in results:
        for op, k in (r.get("uncounted") or {}).items():
            models[op].append(r["model"])
            calls[op] += k
    lines = ["## Ops without a counting rule", ""]
    if not models:
        return [*lines, "None: every op of every profiled model had a rule."]
    lines += [
        f"{len(models)} ops, ranked by the number of models they appear in (calls: over all those models' forwards).",
        "",
    ]
    ranked = sorted(models, key=lambda op: (-len(models[op]), -calls[op], op))
    rows = []
    for op in ranked:
        names = models[op]
        shown = ", ".join(names[:6]) + (f", ... (+{len(names) - 6})" if len(names) > 6 else "")
        rows.append([f"`{op}`", len(names), f"{calls[op]:,}", shown])
    return lines + table(["op", "models", "calls", "models (first 6)"], rows)


def checks_section(results: list[Rec]) -> list[str]:
    lines = ["## Exactness checks", ""]
    tally: dict[str, dict[str, int]] = {name: defaultdict(int) for name in CHECKS}
    for r in results:
        for name, (verdict, _) in checks(r).items():
            tally[name][verdict] += 1
    rows = [[CHECKS[n], t["pass"], t["explained"], t["fail"], t["n/a"]] for n, t in tally.items()]
    lines += table(["check (over the models archstats profiled)", "pass", "differs, explained", "fail", "n/a"], rows)
    lines += [
        "",
        "FlopCounterMode has no formula for the `quantized::*` kernels (it counts 0): a quantized model is "
        "checked against its count of the same model built with `quantize=False` (on meta).",
        "",
        '"differs, explained": the model built without weights is not the one the metadata describes, for a '
        'reason found and quantified per model (see "Every failure and mismatch"); "n/a": the reference could '
        "not count the model.",
    ]
    return lines


def speed_section(results: list[Rec]) -> list[str]:
    timed = [
        r
        for r in results
        if r.get("device") == "meta" and r.get("median_s") and r.get("fcm_median_s") and outcome(r) != "failed"
    ]
    lines = ["## Speed on meta", ""]
    if not timed:
        return [*lines, "No model was timed."]
    ours = [r["median_s"] for r in timed]
    theirs = [r["fcm_median_s"] for r in timed]
    ratios = [r["fcm_median_s"] / r["median_s"] for r in timed]
    faster = sum(x > 1 for x in ratios)
    lines += [
        f"Over {len(timed)} models profiled on meta, each tool's median of its calls per model "
        '(`archstats.profile(model, input_size, convention="paper")` on the built module, its meta copy '
        "included; `FlopCounterMode(display=False)` around `model(x)` on the meta model, `torch.no_grad()`; "
        "construction excluded from both; calls alternate; one thread):",
        "",
        *table(
            ["", "median over models", "sum over models"],
            [
                ["archstats.profile", f"{fmt_ms(statistics.median(ours))} ms", f"{sum(ours):.2f} s"],
                ["FlopCounterMode", f"{fmt_ms(statistics.median(theirs))} ms", f"{sum(theirs):.2f} s"],
                ["FlopCounterMode time / archstats time", f"{statistics.median(ratios):.2f}x", ""],
            ],
        ),
        "",
        f"archstats was faster on {faster} of {len(timed)} models "
        f"(ratio range {min(ratios):.2f}x to {max(ratios):.2f}x).",
    ]
    return lines


def special_section(results: list[Rec]) -> list[str]:
    special = [r for r in results if r.get("namespace") in CPU_REASONS or r.get("built_on") == "cpu"]
    lines = ['## Models that need `device="cpu"` or several inputs', ""]
    if not special:
        return [*lines, "None in this run."]
    rows = []
    for r in special:
        reason = CPU_REASONS.get(r.get("namespace", ""), "")
        if r.get("built_on") == "cpu" and r.get("device") == "meta":
            reason = "construction reads tensor values: built on CPU, then profiled on meta"
        what = outcome(r) if outcome(r) != "failed" else failure(r)
        if r.get("uncounted"):
            what += " (" + ", ".join(f"`{op}` x{k}" for op, k in sorted(r["uncounted"].items())) + ")"
        rows.append([r["model"], reason, r.get("device", "-"), fmt_size(r.get("input_size")), what])
    lines += table(["model", "why", "device", "input", "what happened"], rows)
    unbuilt = [r for r in special if r.get("built_on") == "cpu" and r.get("device") == "meta"]
    if unbuilt:
        errors = sorted({n.split("(", 1)[1].rsplit(")", 1)[0] for r in unbuilt for n in r["notes"] if "meta (" in n})
        lines += [
            "",
            f'{len(unbuilt)} models do not build under `torch.device("meta")` ({"; ".join(errors)}): '
            "`archstats.profile` given their name or import path (which builds on meta) fails with "
            "`ModelLoadError`; given the module built on CPU it profiles them on meta as above.",
        ]
    return lines


def notes_section(results: list[Rec]) -> list[str]:
    noted = [r for r in results if r.get("notes")]
    if not noted:
        return []
    return ["## Notes per model", "", *(f"- **{r['model']}**: " + "; ".join(r["notes"]) for r in noted)]


def problems_section(results: list[Rec]) -> list[str]:
    lines = ["## Every failure and mismatch", ""]
    items = []
    for r in results:
        label = f"**{r['model']}** ({r.get('source', '?')}, {fmt_size(r.get('input_size'))}, {r.get('device', '?')})"
        if outcome(r) == "failed":
            items.append(f"- {label}: failed, {failure(r)}")
            continue
        for name, (verdict, detail) in checks(r).items():
            if verdict != "pass":
                items.append(f"- {label}: {name} {verdict}: {detail}")
        if r.get("uncounted") and checks(r).get("flops", ("", ""))[0] == "pass":
            ops = ", ".join(f"`{op}` x{k}" for op, k in sorted(r["uncounted"].items()))
            items.append(f"- {label}: partial (FLOPs still equal FlopCounterMode's): {ops}")
    return lines + (items or ["None."])


def models_section(results: list[Rec]) -> list[str]:
    header = [
        "source",
        "model",
        "family",
        "input",
        "device",
        "status",
        "params",
        "GMACs",
        "GFLOPs 2xMACs",
        "FCM GFLOPs",
        "checks",
        "tv _ops",
        "tv num_params",
        "archstats ms",
        "FCM ms",
        "uncounted ops",
    ]
    rows = []
    for r in results:
        verdicts = checks(r)
        marks = " ".join(f"{n}:{'ok' if v == 'pass' else v}" for n, (v, _) in verdicts.items())
        tv = r.get("tv") or {}
        status = outcome(r) if outcome(r) != "failed" else f"failed ({r.get('status', 'error')})"
        unc = ", ".join(f"{op}x{k}" for op, k in sorted((r.get("uncounted") or {}).items(), key=lambda kv: -kv[1]))
        rows.append(
            [
                r.get("source", "?"),
                r["model"],
                r.get("namespace", "-"),
                fmt_size(r.get("input_size")),
                r.get("device", "-") + ("" if r.get("built_on") in (None, r.get("device")) else " (built cpu)"),
                status,
                fmt_int(r.get("params")),
                fmt_g(r.get("macs")),
                fmt_g(r.get("flops")),
                fmt_g(r.get("fcm_flops")),
                marks or "-",
                "-" if tv.get("ops_g") is None else f"{tv['ops_g']:.3f}",
                fmt_int(tv.get("num_params")),
                fmt_ms(r.get("median_s")),
                fmt_ms(r.get("fcm_median_s")),
                unc or "-",
            ]
        )
    return ["## Per model", "", *table(header, rows)]


def sample_section(data: Rec) -> list[str]:
    sample = data.get("listing", {}).get("timm") or []
    if not sample:
        return []
    total = data["listing"].get("timm_models")
    pairs = ", ".join(f"{s['module']}: `{s['model']}`" for s in sample)
    return [
        "## The timm sample",
        "",
        f"The first model (by name) of each of timm's {len(sample)} model modules"
        + (f", out of {total:,} registered models" if total else "")
        + f": {pairs}.",
    ]


def header(data: Rec, results: list[Rec]) -> list[str]:
    meta = data["meta"]
    m = meta.get("machine", {})
    v = meta.get("versions", {})
    s = meta.get("settings", {})
    state = "" if meta.get("finished") else f" **In progress: {len(results)} of {meta.get('planned')} models so far.**"

    def listed(models: list[str]) -> str:
        return ", ".join(models[:6]) + (f", ... (+{len(models) - 6})" if len(models) > 6 else "")

    retries = "".join(
        f" {len(x['models'])} models re-run on {x['date']} ({listed(x['models'])})." for x in meta.get("retries", [])
    )
    return [
        "# archstats over the torchvision catalogue and a timm sample",
        "",
        f"Generated by `{meta.get('command')}` on {meta.get('date')} in {meta.get('duration_s', 0) / 60:.1f} min."
        + state
        + retries,
        f"archstats {v.get('archstats')}, torch {v.get('torch')}, torchvision {v.get('torchvision')}, "
        f"timm {v.get('timm')}; {m.get('cpu')}, {m.get('cores')} cores, load average at start "
        f"{', '.join(f'{x:.2f}' for x in m.get('load_avg_at_start') or [])}.",
        f"One subprocess per model, one thread, {s.get('jobs')} at a time, {s.get('timeout_s'):g} s timeout, "
        f"{s.get('mem_cap_gib'):g} GiB address-space cap, {s.get('repeats')} timed calls per tool on meta.",
        "",
        "How each model is run: torchvision models are built with `weights=None` (and `weights_backbone=None`), "
        "with the arguments their DEFAULT weights would set (`num_classes`, ViT's `image_size`, MaxViT's "
        "`input_size`, segmentation's `aux_loss=True`, GoogLeNet's and Inception-v3's `transform_input=True` and "
        "auxiliary heads as the loaded model keeps them: off for GoogLeNet and the quantized Inception-v3, on for "
        "Inception-v3), with random weights drawn after `torch.manual_seed(0)`, at the input the weights' "
        "transforms give (classification: "
        "crop size; segmentation: 520x520; video: 16 frames at the crop size, as torchvision measured `_ops`; "
        "RAFT: two 3x512x512 frames; detection: the model's `transform.min_size`, square). timm models: "
        "`timm.create_model(name, pretrained=False)` at `pretrained_cfg['input_size']`. Models are built on "
        'meta (on CPU only if that fails); detection and quantized models run on `device="cpu"` with a '
        "random input (seed 0, the same for both tools). Nothing is downloaded. archstats runs with "
        '`convention="paper"`, so its FLOPs are 2 x MACs and comparable with `FlopCounterMode`.',
    ]


def render(data: Rec) -> str:
    results = data.get("results", [])
    parts = [
        header(data, results),
        summary(data, results),
        uncounted_section(results),
        checks_section(results),
        speed_section(results),
        special_section(results),
        problems_section(results),
        models_section(results),
        notes_section(results),
        sample_section(data),
    ]
    lines: list[str] = []
    for part in parts:
        if part:
            lines += [*part, ""]
    return "\n".join(lines)

"""One corpus worker: archstats and FlopCounterMode on torchvision or timm models, in a fresh process.

    python benchmarks/_corpus_worker.py --tool timm --models resnet50 --progress out.jsonl

Started by ``corpus.py`` through ``_spawn.run_job`` (one process per model, one thread, an
address-space cap), it writes the same progress events as ``_worker.py`` ("start", "begin",
"result"); a result carries everything the corpus report needs for the model (see ``measure``).
Needs torchvision (and timm for ``--tool timm``) importable: see ``_corpus_tv.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import inspect
import statistics
import sys
import time
from collections import defaultdict
from typing import Any

from _worker import classify, emit, first_line, max_rss_mib, set_memory_cap

VIDEO_FRAMES = 16  # torchvision measured its video models' _ops on 16-frame clips (vision PR #6936)
FLOW_SIZE = (3, 512, 512)  # each RAFT frame: _ops of raft_small/raft_large are exact at 512 x 512

# What a torchvision builder sets from its weights' metadata when weights are given (besides
# num_classes): mirrored here so that the model built with weights=None is the one _ops and
# num_params describe. Keyed by the builder's module under torchvision.models.
MIRRORED = {
    "vision_transformer": lambda meta: {"image_size": meta["min_size"][0]},
    "maxvit": lambda meta: {"input_size": meta["min_size"]},
    # (MViT's builders pass the weights' spatial and temporal sizes themselves: they are its defaults.)
    # Both turn the auxiliary heads on to load the checkpoint; GoogLeNet's then drops them unless
    # asked for, Inception-v3's keeps them unless asked not to (its `aux_logits` default is True).
    "googlenet": lambda meta: {"transform_input": True, "aux_logits": False, "init_weights": False},
    "inception": lambda meta: {"transform_input": True, "aux_logits": True, "init_weights": False},
    "quantization.googlenet": lambda meta: {"transform_input": True, "aux_logits": False, "init_weights": False},
    "quantization.inception": lambda meta: {"transform_input": True, "aux_logits": False},
}


class TwoFrames:
    """RAFT takes two images; archstats.profile feeds one tensor: stack them on the channels."""

    @staticmethod
    def wrap(model: Any) -> Any:
        import torch

        class Wrapped(torch.nn.Module):
            def __init__(self, inner: torch.nn.Module) -> None:
                super().__init__()
                self.raft = inner

            def forward(self, x: torch.Tensor) -> Any:
                return self.raft(x[:, :3], x[:, 3:])

        return Wrapped(model)


def namespace_of(builder: Any) -> str:
    parts = builder.__module__.split(".")  # torchvision.models[.detection].module
    return parts[2] if len(parts) > 3 else "classification"


def torchvision_spec(name: str) -> dict[str, Any]:
    """How to build ``name`` as its DEFAULT weights describe it (weights not loaded), its input,
    device and the weights' metadata."""
    import torchvision.models as tvm

    builder = tvm.get_model_builder(name)
    ns = namespace_of(builder)
    weights = tvm.get_model_weights(name).DEFAULT
    meta = weights.meta
    params = inspect.signature(builder).parameters
    kwargs: dict[str, Any] = {"weights": None}
    notes: list[str] = []
    if "weights_backbone" in params:
        kwargs["weights_backbone"] = None
    if "categories" in meta and meta["categories"] is not None:
        kwargs["num_classes"] = len(meta["categories"])
    if "aux_loss" in params and ns == "segmentation" and not name.startswith("lraspp"):
        kwargs["aux_loss"] = True
    module = builder.__module__.removeprefix("torchvision.models.")
    if module in MIRRORED:
        extra = MIRRORED[module](meta)
        kwargs.update(extra)
        notes.append("built as its weights set it: " + ", ".join(f"{k}={v!r}" for k, v in extra.items()))
    device = "meta"
    float_builder = None
    if ns == "quantization":
        kwargs["quantize"] = True
        float_builder = lambda **extra: builder(**dict(kwargs, quantize=False, **extra))  # noqa: E731
        device = "cpu"
        notes.append("quantize=True (post-training quantization of random weights): quantized ops need device=cpu")
    elif ns == "detection":
        device = "cpu"
        notes.append("data-dependent shapes (proposals, NMS): device=cpu on a random input")

    transforms = weights.transforms()
    if ns == "video":
        crop = transforms.crop_size
        size: tuple[int, ...] | None = (3, VIDEO_FRAMES, crop[0], crop[-1])
    elif ns == "segmentation":
        r = transforms.resize_size
        side = r[0] if isinstance(r, list | tuple) else r
        size = (3, side, side)
    elif ns == "optical_flow":
        size = (2 * FLOW_SIZE[0], *FLOW_SIZE[1:])
        notes.append("two frames: profiled as forward(x) = raft(x[:, :3], x[:, 3:]) on 2 x 3x512x512")
    elif ns == "detection":
        size = None  # the transform's min_size, known once built
    else:
        crop = transforms.crop_size
        size = (3, crop[0], crop[-1])
    return {
        "namespace": ns,
        "builder": lambda: builder(**kwargs),
        "float_builder": float_builder,
        "kwargs": {k: repr(v) for k, v in kwargs.items()},
        "device": device,
        "size": size,
        "notes": notes,
        "tv": {"weights": str(weights), "ops_g": meta.get("_ops"), "num_params": meta.get("num_params")},
    }


def timm_spec(name: str) -> dict[str, Any]:
    import timm

    cfg = timm.get_pretrained_cfg(name)
    size = tuple(cfg.input_size) if cfg is not None and cfg.input_size else (3, 224, 224)
    module = next((m for m in timm.list_modules() if timm.models.is_model_in_modules(name, [m])), "timm")
    return {
        "namespace": module,
        "builder": lambda: timm.create_model(name, pretrained=False),
        "kwargs": {"pretrained": "False"},
        "device": "meta",
        "size": size,
        "notes": [] if cfg is not None else ["no pretrained_cfg: 3x224x224"],
        "tv": None,
    }


def build(spec: dict[str, Any]) -> tuple[Any, str, float, str | None]:
    """The model on meta when it builds there (construction reads no values), else on CPU."""
    import torch

    torch.manual_seed(0)  # random weights, but the same in every run: detectors' counts depend on them
    t0 = time.perf_counter()
    meta_error = None
    if spec["device"] == "meta":
        try:
            with torch.device("meta"):
                model = spec["builder"]()
            return model.eval(), "meta", time.perf_counter() - t0, None
        except Exception as exc:
            meta_error = first_line(exc)
    torch.manual_seed(0)
    t0 = time.perf_counter()
    model = spec["builder"]()
    return model.eval(), "cpu", time.perf_counter() - t0, meta_error


def unique_params(model: Any) -> int:
    """The unique ``numel`` sum of the parameters; quantized modules keep theirs packed (not
    nn.Parameters): their ``weight()`` and ``bias()`` are added."""
    seen = {id(p): p.numel() for p in model.parameters()}  # parameters() already skips shared tensors
    for m in model.modules():
        where = type(m).__module__
        if where.startswith("torch.ao.nn") and ".quantized" in where and callable(getattr(m, "weight", None)):
            bias = m.bias() if callable(getattr(m, "bias", None)) else None
            seen[id(m)] = m.weight().numel() + (bias.numel() if bias is not None else 0)  # unpacked: fresh tensors
    return sum(seen.values())


def float_facts(spec: dict[str, Any]) -> dict[str, int]:
    """Of the float version of a quantized torchvision model: the channels of its BatchNorm layers
    (``quantize=True`` fuses each into the conv before it: 2C affine parameters become C biases), and
    the parameters of its auxiliary heads when they are off (the checkpoint's ``num_params`` may
    count them)."""
    import torch

    out = {}
    try:
        with torch.device("meta"):
            model = spec["float_builder"]().eval()
            bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
            out["bn_channels"] = sum(m.num_features for m in bns)
            if spec["kwargs"].get("aux_logits") == "False":
                with_aux = spec["float_builder"](aux_logits=True)
                out["aux_params"] = unique_params(with_aux) - unique_params(model)
        # FlopCounterMode has no formula for quantized::* kernels: its count of the float twin is the reference
        out["fcm_float_flops"] = flop_counter(model, torch.empty((1, *spec["size"]), device="meta"))[0]
    except Exception:
        pass
    return out


def backbone_bn_params(model: Any) -> int:
    """Parameters of the BatchNorm2d layers in a detector's backbone body: with weights (or
    weights_backbone) the builders use FrozenBatchNorm2d there, whose affine terms are buffers."""
    import torch

    body = getattr(getattr(model, "backbone", None), "body", None)
    if body is None:
        return 0
    bns = [m for m in body.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    return sum(p.numel() for m in bns for p in m.parameters(recurse=False))


def archstats_by_op(ops: list[Any]) -> dict[str, int]:
    """Paper-convention FLOPs (2 x MACs) per op, as archstats counted them."""
    out: dict[str, int] = defaultdict(int)
    for op in ops:
        if op.macs:
            out[op.op] += 2 * op.macs
    return dict(out)


def flop_counter(model: Any, x: Any, grad: bool = False) -> tuple[int, dict[str, int]]:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with torch.set_grad_enabled(grad), FlopCounterMode(display=False) as fc:
        model(x)
    by_op = {str(k): int(v) for k, v in fc.get_flop_counts().get("Global", {}).items() if v}
    return int(fc.get_total_flops()), by_op


def make_input(size: tuple[int, ...], device: str) -> Any:
    import torch

    if device == "meta":
        return torch.empty((1, *size), device="meta")
    torch.manual_seed(0)  # the same draw as archstats.profile's own input on cpu
    return torch.randn((1, *size))


def timed(fn: Any) -> tuple[float, Any]:
    gc.collect(1)
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def measure(tool: str, name: str, repeats: int) -> dict[str, Any]:
    import torch

    import archstats

    rec: dict[str, Any] = {"model": name, "source": tool, "notes": []}
    stage = "spec"
    try:
        spec = torchvision_spec(name) if tool == "torchvision" else timm_spec(name)
        rec.update(
            namespace=spec["namespace"],
            device=spec["device"],
            kwargs=spec["kwargs"],
            tv=spec["tv"],
            notes=spec["notes"],
        )
        stage = "build"
        model, built_on, build_s, meta_error = build(spec)
        rec.update(built_on=built_on, build_s=build_s)
        if meta_error:
            rec["notes"].append(f"does not build on meta ({meta_error}): built on cpu")
        size = spec["size"]
        if rec["namespace"] == "detection":
            side = int(model.transform.min_size[0])
            size = (3, side, side)
            rec["notes"].append(f"input 3x{side}x{side}: the model's transform.min_size")
            rec["backbone_bn_params"] = backbone_bn_params(model)
            rpn = getattr(model, "rpn", None)
            if rpn is not None:
                rec["rpn_score_thresh"] = float(rpn.score_thresh)
        if rec["namespace"] == "optical_flow":
            model = TwoFrames.wrap(model)
        rec["input_size"] = list(size)
        rec["params_unique"] = unique_params(model)
        if spec.get("float_builder"):
            rec.update(float_facts(spec))
        device = spec["device"]
        stage = "archstats"
        # One call with the op log for the per-op comparison; the timed calls below do without it.
        p = archstats.profile(model, size, device=device, convention="paper", record_ops=True)
        rec.update(
            profile_status=p.status,
            uncounted=dict(p.uncounted),
            params=p.totals.params,
            macs=p.totals.macs,
            flops=p.totals.flops,
            archstats_by_op=archstats_by_op(p.ops or []),
        )
        del p
    except Exception as exc:
        rec.update(status=classify(exc), profile_status="failed", stage=stage, error=first_line(exc))
        rec.update(times=[], fcm_times=[], median_s=None, cold_s=None, rss_peak_mib=max_rss_mib())
        return rec

    # FlopCounterMode on the same model and input. Its first call gives the count and, on meta, is left
    # untimed: it pays the tool's lazy initialisation (archstats' was paid by the op-log call above);
    # the timed calls then alternate with archstats' so that a drift in machine load hits both alike.
    # On cpu (slow, and data-dependent) one timed call each: that first one, and a second of archstats.
    fcm_model = model if built_on == device else model.to(device)
    grad = False
    fcm_first = None
    try:
        x = make_input(size, device)
        try:
            fcm_first, (total, by_op) = timed(lambda: flop_counter(fcm_model, x))
        except AssertionError as exc:
            if "gradient function" not in str(exc):
                raise
            # FlopCounterMode's module tracker hooks autograd; under no_grad it fails on a module whose
            # input is a bare parameter (e.g. a class token). The forward's count is the same with grad.
            rec["notes"].append(f"FlopCounterMode fails under no_grad ({first_line(exc)}): run with grad")
            grad = True
            fcm_first, (total, by_op) = timed(lambda: flop_counter(fcm_model, x, True))
        rec.update(fcm_flops=total, fcm_by_op=by_op)
    except Exception as exc:
        rec.update(fcm_error=first_line(exc))
    times: list[float] = []
    fcm_times: list[float] = []
    if device == "meta":
        for _ in range(repeats):
            t, _ = timed(lambda: archstats.profile(model, size, device=device, convention="paper").totals)
            times.append(t)
            if "fcm_error" not in rec:
                x = make_input(size, device)
                t, _ = timed(lambda x=x: flop_counter(fcm_model, x, grad))
                fcm_times.append(t)
    else:
        # archstats' op-log call paid the process's first real kernels (oneDNN set-up: seconds): a second call
        t, _ = timed(lambda: archstats.profile(model, size, device=device, convention="paper").totals)
        times.append(t)
        if fcm_first is not None:
            fcm_times.append(fcm_first)
    if rec["namespace"] == "detection" and "fcm_error" not in rec:
        # A detector's heads run on the proposals that survive NMS, which depends on the input's values:
        # archstats draws randn; an image-like input is uniform in [0, 1) (what its transform expects).
        torch.manual_seed(0)
        with contextlib.suppress(Exception):
            rec["fcm_flops_uniform"] = flop_counter(fcm_model, torch.rand((1, *size)))[0]
    rec.update(
        status="ok",
        times=times,
        fcm_times=fcm_times,
        median_s=statistics.median(times),
        cold_s=times[0],
        fcm_median_s=statistics.median(fcm_times) if fcm_times else None,
        rss_peak_mib=max_rss_mib(),
    )
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", required=True, choices=("torchvision", "timm"))
    ap.add_argument("--models", required=True, help="comma-separated model names")
    ap.add_argument("--batch", type=int, default=1, help="(the harness passes it; always 1 here)")
    ap.add_argument("--input", default="default", help="(the harness passes it; each model's default here)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mem-cap-gib", type=float, default=12.0)
    ap.add_argument("--progress", required=True, help="JSON-lines file to append to")
    args = ap.parse_args(argv)

    set_memory_cap(args.mem_cap_gib)
    t0 = time.perf_counter()
    import warnings

    import torch

    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    from _corpus_tv import import_torchvision

    tv = import_torchvision()
    version = tv.__version__
    if args.tool == "timm":
        import timm

        version = timm.__version__
    import archstats

    import_s = time.perf_counter() - t0
    with open(args.progress, "a", encoding="utf-8") as out:
        emit(
            out,
            {
                "event": "start",
                "tool": args.tool,
                "version": version,
                "archstats": archstats.__version__,
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "import_s": import_s,
                "rss_imports_mib": max_rss_mib(),
            },
        )
        for model in args.models.split(","):
            emit(out, {"event": "begin", "model": model, "t": time.time()})
            rec = measure(args.tool, model, args.repeats)
            emit(out, {"event": "result", "tool": args.tool, **rec})
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The training step on models users bring: archstats' backward count against FlopCounterMode's.

    /tmp/corpusvenv/bin/python benchmarks/corpus_backward.py torchvision resnet50 vit_b_16 ...
    /tmp/corpusvenv/bin/python benchmarks/corpus_backward.py timm beit_base_patch16_224 ...

For each model (built as the corpus benchmark builds it: ``_corpus_worker.torchvision_spec`` /
``timm_spec``, on meta, batch 2 so that training-mode batch norms on pooled 1x1 maps run), prints
one JSON line: archstats' status, any backward op without a rule, forward and backward MACs, and
(for a model built on meta) FlopCounterMode's FLOPs of the same backward pass beside archstats'
paper-convention backward FLOPs plus FlopCounterMode's excess on grouped convolutions' weight
gradients (``archstats.crosscheck.backward_excess``; README, "The training step"): ``match`` is
their equality. Needs the corpus venv (torchvision and timm, see ``corpus.py``). A measurement
script, not a test.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import torch
from _corpus_tv import import_torchvision

BATCH = 2


def flopcounter_backward(model: torch.nn.Module, size: tuple[int, ...]) -> int:
    from torch.utils.flop_counter import FlopCounterMode

    y = model.train()(torch.empty(BATCH, *size, device="meta"))
    found = list(y.values()) if isinstance(y, dict) else y if isinstance(y, (list, tuple)) else [y]
    outs = [t for t in found if isinstance(t, torch.Tensor) and t.requires_grad]
    with FlopCounterMode(display=False) as counter:
        torch.autograd.backward(outs, [torch.ones_like(t) for t in outs])
    return counter.get_total_flops()


def check(tool: str, name: str) -> dict[str, Any]:
    from _corpus_worker import build, timm_spec, torchvision_spec

    import archstats
    from archstats.crosscheck import backward_excess

    spec = torchvision_spec(name) if tool == "torchvision" else timm_spec(name)
    if spec["device"] != "meta" or spec["size"] is None:
        return {"model": name, "skipped": f"runs on {spec['device']} (detection, quantized)"}
    model, built_on, _, _ = build(spec)
    p = archstats.profile(model, spec["size"], BATCH, backward=True, convention="paper", record_ops=True)
    t = p.totals
    row: dict[str, Any] = {
        "model": name,
        "status": p.status,
        "backward_uncounted": {op: k for r in p.records if r.backward for op, k in r.backward.uncounted.items()},
        "macs": t.macs,
        "backward_macs": t.backward_macs,
        "built_on": built_on,
    }
    if built_on == "meta":
        torch.manual_seed(0)
        with torch.device("meta"):
            fresh = spec["builder"]()
        row["flopcounter"] = flopcounter_backward(fresh, spec["size"])
        row["predicted"] = (t.backward_flops or 0) + backward_excess(p.ops or [])
        row["match"] = row["flopcounter"] == row["predicted"]
    return row


def main() -> None:
    torch.set_num_threads(1)
    import_torchvision()
    tool, names = sys.argv[1], sys.argv[2:]
    for name in names:
        try:
            row = check(tool, name)
        except Exception as exc:
            row = {"model": name, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()

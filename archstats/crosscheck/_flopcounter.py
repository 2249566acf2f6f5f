"""``torch.utils.flop_counter.FlopCounterMode`` as a cross-check peer.

FlopCounterMode is a ``TorchDispatchMode`` like archstats' engine, so it sees the same aten ops and
runs on meta tensors. Its convention (torch 2.x): FLOPs = 2 x multiply-accumulates of convolutions
(``convolution``, ``_convolution``, ``convolution_overrideable``, ...) and matrix products (``mm``,
``addmm``, ``bmm``, ``baddbmm``, attention kernels); bias adds are not counted (``addmm`` is
counted as its ``mm``), and nothing else is: normalization, activations, pooling, elementwise ops
and vector products (``mv``, ``addmv``, ``dot``) are 0. Its per-module figures are subtree sums
(an op counts for every module whose forward is running), keyed by the root's class name followed
by the attribute path (``ResNet.layer1.0.conv1``).
"""

from __future__ import annotations

from collections.abc import Iterable
from math import prod
from typing import TYPE_CHECKING

from .base import Measured, Prediction, Term, full_flops_by_category, register_tool, subtree

if TYPE_CHECKING:
    import torch
    from torch import nn

    from ..engine import OpRecord
    from ..profile import Profile

# The aten ops whose FLOPs FlopCounterMode counts, as 2 x archstats' MACs for the same op.
COUNTED_OPS = frozenset(
    {
        "aten.convolution",
        "aten._convolution",
        "aten.convolution_overrideable",
        "aten.mm",
        "aten.addmm",
        "aten.bmm",
        "aten.baddbmm",
    }
)


def backward_excess(ops: Iterable[OpRecord]) -> int:
    """FLOPs FlopCounterMode counts in a backward pass beyond 2 x archstats' MACs (torch 2.13).

    Its ``conv_backward_flop`` counts a weight gradient as a convolution of all ``C_in`` input
    channels with the output gradient, which for ``groups`` > 1 is ``groups`` times the products
    actually made: (groups - 1) x the forward's MACs more, 2 FLOPs each (pytorch/pytorch#183405).
    """
    excess = 0
    for op in ops:
        a = op.args
        if op.backward and op.op == "aten.convolution_backward" and a["output_mask"][1] and a["groups"] > 1:
            w = a["weight"]
            positions = prod(a["input"]) if a["transposed"] else prod(a["grad_output"])
            excess += (a["groups"] - 1) * positions * w[1] * prod(w[2:])
    return 2 * excess


_SKIPPED = (
    ("conv bias", "conv bias adds"),
    ("linear bias", "linear bias adds"),
    ("batch norm", "batch norm"),
    ("layer/group norm", "layer/group norm"),
    ("activations", "activations"),
    ("max pooling", "max pooling"),
    ("average pooling", "average pooling"),
    ("adaptive average pooling", "adaptive average pooling"),
    ("reductions", "mean/sum reductions"),
    ("upsampling", "upsampling"),
    ("elementwise", "elementwise ops (residual adds, gating multiplies)"),
)


@register_tool("flopcounter")
class FlopCounterTool:
    """``FlopCounterMode(display=False)`` around one forward on the meta model."""

    name = "flopcounter"
    distribution = "torch"
    unit = "FLOPs"
    needs_real_tensors = False
    per_module_scope = "subtree"

    def run(self, model: nn.Module, x: torch.Tensor) -> Measured:
        import torch
        from torch.utils.flop_counter import FlopCounterMode

        counter = FlopCounterMode(display=False)
        with torch.no_grad(), counter:
            model(x)
        root = type(model).__name__
        per_module: dict[str, int] = {}
        unnamed: list[str] = []
        for key, by_op in counter.get_flop_counts().items():
            if key == "Global":
                continue
            # keys are "<root class>.<attribute path>"; a module built during forward has no path
            # and is keyed by its bare class name (its FLOPs still count for its callers)
            if key == root:
                path = ""
            elif key.startswith(root + "."):
                path = key[len(root) + 1 :]
            else:
                unnamed.append(key)
                continue
            per_module[path] = int(sum(by_op.values()))
        notes = (f"modules without an attribute path, not mapped: {', '.join(sorted(unnamed))}",) if unnamed else ()
        return Measured(total=int(counter.get_total_flops()), per_module=per_module, notes=notes)

    def predict(self, p: Profile) -> Prediction:
        if p.ops is None:
            raise ValueError("the prediction needs the op log: profile with record_ops=True")
        own: dict[str, int] = {}
        uncounted_products = 0
        uncounted_names: set[str] = set()
        for op in p.ops:
            if op.op in COUNTED_OPS:
                own[op.module] = own.get(op.module, 0) + 2 * op.macs
            elif op.macs:
                uncounted_products += op.macs
                uncounted_names.add(op.op.removeprefix("aten."))
        terms: list[Term] = []
        if uncounted_products:
            names = ", ".join(sorted(uncounted_names))
            terms.append(Term(f"vector products ({names}): not counted", -2 * uncounted_products))
        full = full_flops_by_category(p.ops)
        for cat, label in _SKIPPED:
            if full.get(cat):
                terms.append(Term(f"{label}: not counted (archstats full: {full[cat]:,} FLOPs)", 0))
        # FlopCounterMode only keys modules in which something was counted: zeros are left out
        ran = _ran_paths(p)
        per_module = {path: v for path, v in subtree(own).items() if v and path in ran}
        return Prediction(base=2 * p.totals.macs, terms=tuple(terms), per_module=per_module)


def _ran_paths(p: Profile) -> set[str]:
    """Module paths that ran, with their ancestors (the modules FlopCounterMode keys)."""
    paths = {""}
    for r in p.records:
        if r.call < 0:
            continue
        parts = r.module.split(".") if r.module else []
        for i in range(len(parts) + 1):
            prefix = ".".join(parts[:i])
            if "<" in prefix:
                break
            paths.add(prefix)
    return paths

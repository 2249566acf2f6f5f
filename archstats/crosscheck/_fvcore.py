"""fvcore's ``FlopCountAnalysis`` as a cross-check peer.

fvcore traces the model with ``torch.jit`` (real tensors: tracing fails on meta) and counts the
traced ops it has a handle for, in MACs ("one fused multiply-add is one flop"). Its handles
(fvcore 0.1.5.post20221221, ``fvcore/nn/flop_count.py`` and ``jit_handles.py``), restated in
archstats' terms:

- ``aten::_convolution``: multiply-accumulates, transposed too; the bias is not counted.
- ``aten::linear``, ``aten::addmm``, ``aten::mm``, ``aten::matmul``, ``aten::bmm``: m x k x n; the bias
  is not counted. ``aten::einsum`` has its own handle (not predicted here).
- ``aten::batch_norm``: in eval 1 per input element, 2 when affine; in training 4, 5 when affine.
- ``aten::layer_norm``, ``aten::group_norm``: 4 per input element, 5 when affine.
- ``aten::adaptive_avg_pool2d``: 1 per *input* element (any output size).
- ``aten::upsample_nearest2d``: 1 per output element; ``aten::upsample_bilinear2d``: 4 per output element.
- everything else is 0: activations, max and average pooling, residual adds and other elementwise
  ops, ``cat``, reductions (some are ignored silently, the others reported as unsupported).

The jit trace records composite ops undecomposed (``aten::batch_norm``, ``aten::linear``,
``aten::adaptive_avg_pool2d``) while archstats' op log holds what reaches the dispatcher
(``native_batch_norm``, ``addmm``, and ``mean(x, [-1, -2], keepdim=True)`` for adaptive pooling
to 1 x 1); the prediction maps one onto the other. Per-module figures are subtree sums over the
module's canonical (first) name.
"""

from __future__ import annotations

import warnings
from math import prod
from typing import TYPE_CHECKING

from .base import (
    INSTALL_HINT,
    Measured,
    Prediction,
    Term,
    exact_count,
    full_flops_by_category,
    input_shape,
    is_adaptive_avg_pool_to_1,
    register_tool,
    subtree,
)

if TYPE_CHECKING:
    import torch
    from torch import nn

    from ..engine import OpRecord
    from ..profile import Profile


# Matrix products whose traced form fvcore has a handle for, with archstats' MACs as its figure.
_PRODUCTS = frozenset({"aten.mm", "aten.addmm", "aten.bmm"})

# archstats categories fvcore leaves at 0, with how the explanation names them.
_SKIPPED = (
    ("conv bias", "conv bias adds"),
    ("linear bias", "linear bias adds"),
    ("activations", "activations"),
    ("max pooling", "max pooling"),
    ("average pooling", "average pooling"),
    ("reductions", "mean/sum reductions"),
    ("elementwise", "elementwise ops (residual adds, gating multiplies)"),
)


def _batch_norm_training(op: OpRecord) -> bool:
    name = op.op
    if name in ("aten._native_batch_norm_legit_no_training", "aten._batch_norm_no_update"):
        return False
    if name == "aten._batch_norm_with_update":
        return True
    return bool(op.args.get("training", False))


def _figure(op: OpRecord) -> tuple[str, int] | None:
    """fvcore's count for one dispatcher-level op and the convention line it falls under."""
    name = op.op
    if op.family == "conv":
        return "conv", op.macs
    if name in _PRODUCTS:
        return "linear", op.macs
    if op.family == "matmul" and op.macs:
        return "vector products", 0
    if op.family == "norm":
        n = prod(input_shape(op))
        affine = op.args.get("weight") is not None
        if "batch_norm" in name:
            if _batch_norm_training(op):
                return f"batch norm (training{', affine' if affine else ''}): {5 if affine else 4} per element", n * (
                    5 if affine else 4
                )
            return f"batch norm (eval{', affine' if affine else ''}): {2 if affine else 1} per element", n * (
                2 if affine else 1
            )
        return f"layer/group norm{' (affine)' if affine else ''}: {5 if affine else 4} per element", n * (
            5 if affine else 4
        )
    if name.startswith("aten._adaptive_avg_pool2d") or is_adaptive_avg_pool_to_1(op):
        return "adaptive average pooling: 1 per input element", prod(input_shape(op))
    if name == "aten.upsample_nearest2d":
        return "nearest upsampling: 1 per output element", prod(op.out_shape or ())
    if name == "aten.upsample_bilinear2d":
        return "bilinear upsampling: 4 per output element", 4 * prod(op.out_shape or ())
    return None


@register_tool("fvcore")
class FvcoreTool:
    """``FlopCountAnalysis(model, (x,))`` on a real CPU copy, warnings off."""

    name = "fvcore"
    distribution = "fvcore"
    unit = "MACs"
    needs_real_tensors = True
    per_module_scope = "subtree"

    def run(self, model: nn.Module, x: torch.Tensor) -> Measured:
        import torch

        with warnings.catch_warnings(), torch.no_grad():
            # library code prints nothing: importing fvcore scripts functions (a deprecation
            # warning), its unsupported-op and uncalled-module warnings go to its logger, and
            # tracing raises TracerWarnings; what it skipped goes to the notes instead
            warnings.simplefilter("ignore")
            try:
                from fvcore.nn import FlopCountAnalysis
            except ImportError as exc:
                raise ImportError(f"the fvcore cross-check needs fvcore: {INSTALL_HINT}") from exc
            analysis = (
                FlopCountAnalysis(model, (x,))
                .unsupported_ops_warnings(False)
                .uncalled_modules_warnings(False)
                .tracer_warnings("none")
            )
            total = analysis.total()
            by_module = analysis.by_module()
            unsupported = analysis.unsupported_ops()
        notes = []
        if unsupported:
            listed = ", ".join(f"{op.removeprefix('aten::')} x{k}" for op, k in sorted(unsupported.items()))
            notes.append(f"fvcore: unsupported ops, counted as 0: {listed}")
        return Measured(
            total=exact_count(total, "fvcore's total"),
            per_module={
                name: exact_count(v, f"fvcore's count for {name or '(model)'}") for name, v in by_module.items()
            },
            notes=tuple(notes),
        )

    def predict(self, p: Profile) -> Prediction:
        if p.ops is None:
            raise ValueError("the prediction needs the op log: profile with record_ops=True")
        own: dict[str, int] = {}
        lines: dict[str, int] = {}
        vector_macs = 0
        vector_names: set[str] = set()
        for op in p.ops:
            found = _figure(op)
            if found is None:
                continue
            label, amount = found
            own[op.module] = own.get(op.module, 0) + amount
            if label == "vector products":
                vector_macs += op.macs
                vector_names.add(op.op.removeprefix("aten."))
            elif label not in ("conv", "linear"):
                lines[label] = lines.get(label, 0) + amount
        terms = [Term(label, amount) for label, amount in lines.items()]
        if vector_macs:
            names = ", ".join(sorted(vector_names))
            terms.append(Term(f"matrix products without an fvcore handle ({names}): not counted", -vector_macs))
        full = full_flops_by_category(p.ops)
        for cat, label in _SKIPPED:
            if full.get(cat):
                terms.append(Term(f"{label}: not counted (archstats full: {full[cat]:,} FLOPs)", 0))
        # fvcore lists every named module (0 for those that never ran); forward-built ones have no name
        per_module = subtree(own)
        for r in p.records:
            if "<" not in r.module:
                per_module.setdefault(r.module, 0)
        return Prediction(base=p.totals.macs, terms=tuple(terms), per_module=per_module)

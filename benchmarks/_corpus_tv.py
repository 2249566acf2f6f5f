"""Make the index's torchvision wheel importable on CPU-only torch, for the corpus benchmark only.

The torchvision wheel on the package index is a CUDA build: its compiled extension (``_C.so``)
cannot load against the CPU build of torch, and ``import torchvision`` then fails in
``torchvision/_meta_registrations.py`` with "operator torchvision::nms does not exist". Here the
extension's op schemas (copied from torchvision's ``csrc/ops/*.cpp``, 0.28) are defined with
``torch.library`` before the import, and the extension is reported as loaded, so that torchvision
registers its own meta kernels for them exactly as with a working install. A model then dispatches
``torchvision::roi_align`` and friends as single ops, as it would on a real install.

CPU kernels are registered only for what a model needs to run on ``device="cpu"``: ``nms``
(detection's postprocessing; written here with plain torch ops) and ``roi_align`` (the Mask/Faster/
Keypoint R-CNN heads; torchvision's own pure-python fallback ``_roi_align``). The inner aten ops of
those kernels are not seen by a dispatch mode: the mode sees the ``torchvision::`` op only.

Nothing here is part of archstats: it is imported by the benchmark's worker before torchvision.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import torch

SCHEMAS = (
    "_cuda_version() -> int",
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width, "
    "int sampling_ratio, bool aligned) -> Tensor",
    "_roi_align_backward(Tensor grad, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width, "
    "SymInt batch_size, SymInt channels, SymInt height, SymInt width, int sampling_ratio, bool aligned) -> Tensor",
    "ps_roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width, "
    "int sampling_ratio) -> (Tensor, Tensor)",
    "_ps_roi_align_backward(Tensor grad, Tensor rois, Tensor channel_mapping, float spatial_scale, "
    "SymInt pooled_height, SymInt pooled_width, int sampling_ratio, SymInt batch_size, SymInt channels, "
    "SymInt height, SymInt width) -> Tensor",
    "roi_pool(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width) "
    "-> (Tensor, Tensor)",
    "_roi_pool_backward(Tensor grad, Tensor rois, Tensor argmax, float spatial_scale, SymInt pooled_height, "
    "SymInt pooled_width, SymInt batch_size, SymInt channels, SymInt height, SymInt width) -> Tensor",
    "ps_roi_pool(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width) "
    "-> (Tensor, Tensor)",
    "_ps_roi_pool_backward(Tensor grad, Tensor rois, Tensor channel_mapping, float spatial_scale, "
    "SymInt pooled_height, SymInt pooled_width, SymInt batch_size, SymInt channels, SymInt height, "
    "SymInt width) -> Tensor",
    "qroi_align(Tensor input, Tensor rois, float input_scale, int input_zero_point, float rois_scale, "
    "int rois_zero_point, float spatial_scale, SymInt pooled_height, SymInt pooled_width, int sampling_ratio, "
    "bool aligned) -> Tensor",
    "deform_conv2d(Tensor input, Tensor weight, Tensor offset, Tensor mask, Tensor bias, SymInt stride_h, "
    "SymInt stride_w, SymInt pad_h, SymInt pad_w, SymInt dilation_h, SymInt dilation_w, SymInt groups, "
    "SymInt offset_groups, bool use_mask) -> Tensor",
    "_deform_conv2d_backward(Tensor grad, Tensor input, Tensor weight, Tensor offset, Tensor mask, Tensor bias, "
    "SymInt stride_h, SymInt stride_w, SymInt pad_h, SymInt pad_w, SymInt dilation_h, SymInt dilation_w, "
    "SymInt groups, SymInt offset_groups, bool use_mask) -> (Tensor, Tensor, Tensor, Tensor, Tensor)",
    "box_iou_rotated(Tensor boxes1, Tensor boxes2) -> Tensor",
)

_LIBRARY: torch.library.Library | None = None  # kept alive: dropping it would undefine the ops


def _nms_cpu(dets: torch.Tensor, scores: torch.Tensor, iou_threshold: float) -> torch.Tensor:
    """Greedy NMS: indices of the kept boxes, by decreasing score (torchvision's semantics)."""
    order = scores.argsort(descending=True)
    x1, y1, x2, y2 = dets.unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    suppressed = torch.zeros(dets.shape[0], dtype=torch.bool)
    keep = []
    for i in order.tolist():
        if suppressed[i]:
            continue
        keep.append(i)
        w = (torch.minimum(x2[i], x2) - torch.maximum(x1[i], x1)).clamp(min=0)
        h = (torch.minimum(y2[i], y2) - torch.maximum(y1[i], y1)).clamp(min=0)
        inter = w * h
        suppressed |= inter / (areas[i] + areas - inter) > iou_threshold
    return torch.tensor(keep, dtype=torch.long)


def _roi_align_cpu(input, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned):
    from torchvision.ops.roi_align import _roi_align

    return _roi_align(input, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned)


def define_ops() -> None:
    global _LIBRARY
    if _LIBRARY is not None:
        return
    lib = torch.library.Library("torchvision", "DEF")
    for schema in SCHEMAS:
        lib.define(schema)
    lib.impl("_cuda_version", lambda: -1, "CompositeExplicitAutograd")
    lib.impl("nms", _nms_cpu, "CPU")
    lib.impl("roi_align", _roi_align_cpu, "CPU")
    _LIBRARY = lib


@contextlib.contextmanager
def _extension_reported_loaded() -> Iterator[None]:
    """While torchvision is imported, loading its ``_C`` extension "succeeds" (the schemas are ours)."""
    real = torch.ops.load_library

    def load_library(path: str) -> None:
        if Path(path).name.startswith("_C."):
            return
        real(path)

    torch.ops.load_library = load_library  # type: ignore[method-assign]
    try:
        yield
    finally:
        torch.ops.load_library = real  # type: ignore[method-assign]


def import_torchvision():
    """``import torchvision`` with the workaround in place; returns the module."""
    define_ops()
    with _extension_reported_loaded():
        import torchvision
    return torchvision

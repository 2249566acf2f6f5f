"""NASNet-A (Zoph et al., 2017): the mobile ImageNet network NASNet-A (4 @ 1056)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._common import init_conv_bn_linear
from ._registry import Family, Published

__all__ = [
    "FactorizedReduction",
    "NASNetA",
    "NormalCell",
    "ReductionCell",
    "SeparableConvStack",
    "nasnet_a_mobile",
]

NASNET = Family(
    "nasnet",
    year=2017,
    paper="Learning Transferable Architectures for Scalable Image Recognition",
    arxiv="1707.07012",
    input_size=(3, 224, 224),
)

# Paper Figure 4 (NASNet-A), in the encoding of the official TF-slim code: each of the five
# combinations is (left op, left input, right op, right input), and the two results are added.
# Hidden states: 0 is the cell's input after its 1x1 conv, 1 the previous cell's output (adjusted to
# the cell's width and size), 2..6 the combinations in order. "none" is the identity.
_NORMAL_CELL: tuple[tuple[str, int, str, int], ...] = (
    ("sep5x5", 0, "sep3x3", 1),
    ("sep5x5", 1, "sep3x3", 1),
    ("avg3x3", 0, "none", 1),
    ("avg3x3", 1, "avg3x3", 1),
    ("sep3x3", 0, "none", 0),
)
# The states a cell concatenates into its output, as TF-slim's used_hiddenstates lists them: they are
# not simply the unconsumed ones (the normal cell also outputs state 1, the reduction cell state 3).
_NORMAL_CELL_OUTPUT = (1, 2, 3, 4, 5, 6)
_REDUCTION_CELL: tuple[tuple[str, int, str, int], ...] = (
    ("sep5x5", 0, "sep7x7", 1),
    ("max3x3", 0, "sep7x7", 1),
    ("avg3x3", 0, "sep5x5", 1),
    ("none", 3, "avg3x3", 2),
    ("sep3x3", 2, "max3x3", 0),
)
_REDUCTION_CELL_OUTPUT = (3, 4, 5, 6)


class SeparableConvStack(nn.Module):
    """ReLU-SepConv-BN applied twice (paper Appendix A.4); only the first one strides and changes width.

    A separable conv is a depthwise k x k conv followed by a pointwise 1x1 conv, without biases."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1) -> None:
        super().__init__()
        padding = kernel_size // 2
        # Not in place: the input is a hidden state that other ops of the cell read too.
        self.relu = nn.ReLU()
        self.depthwise1 = nn.Conv2d(
            in_channels, in_channels, kernel_size, stride=stride, padding=padding, groups=in_channels, bias=False
        )
        self.pointwise1 = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels, eps=1e-3)
        self.depthwise2 = nn.Conv2d(
            out_channels, out_channels, kernel_size, padding=padding, groups=out_channels, bias=False
        )
        self.pointwise2 = nn.Conv2d(out_channels, out_channels, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels, eps=1e-3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn1(self.pointwise1(self.depthwise1(self.relu(x))))
        return self.bn2(self.pointwise2(self.depthwise2(self.relu(x))))


class FactorizedReduction(nn.Module):
    """Halves the size of the previous cell's output without dropping pixels: two strided 1x1 convs,
    the second on the input shifted by one pixel, each giving half of the channels (TF-slim's
    ``factorized_reduction``)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.relu = nn.ReLU()
        self.subsample = nn.AvgPool2d(1, stride=2)  # a 1x1 average pool is plain subsampling
        self.conv1 = nn.Conv2d(in_channels, out_channels // 2, 1, bias=False)
        self.conv2 = nn.Conv2d(in_channels, out_channels - out_channels // 2, 1, bias=False)
        self.bn = nn.BatchNorm2d(out_channels, eps=1e-3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(x)
        path1 = self.conv1(self.subsample(x))
        # Pad right and bottom then drop the first row and column: the odd pixels the first path skips.
        shifted = F.pad(x, (0, 1, 0, 1))[:, :, 1:, 1:]
        path2 = self.conv2(self.subsample(shifted))
        return self.bn(torch.cat([path1, path2], 1))


def _relu_conv_bn(in_channels: int, out_channels: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.ReLU(),
        nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels, eps=1e-3),
    )


def _operation(name: str, in_channels: int, out_channels: int, stride: int) -> nn.Module | None:
    """The module for one op of a cell, or None for an identity that needs no module."""
    if name.startswith("sep"):
        return SeparableConvStack(in_channels, out_channels, int(name[3]), stride)
    if name == "none":
        if stride == 1 and in_channels == out_channels:
            return None
        return _relu_conv_bn(in_channels, out_channels, stride)
    # TF "SAME" pooling; the average ignores the padding.
    if name.startswith("avg"):
        pool: nn.Module = nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False)
    else:
        pool = nn.MaxPool2d(3, stride=stride, padding=1)
    if in_channels == out_channels:
        return pool
    return nn.Sequential(
        pool, nn.Conv2d(in_channels, out_channels, 1, bias=False), nn.BatchNorm2d(out_channels, eps=1e-3)
    )


class _Cell(nn.Module):
    combinations: tuple[tuple[str, int, str, int], ...] = ()
    concatenated: tuple[int, ...] = ()
    stride = 1

    def __init__(
        self,
        in_channels: int,
        prev_channels: int | None,
        filters: int,
        *,
        prev_is_larger: bool = False,
    ) -> None:
        """``prev_channels=None`` for a cell without a previous cell (the first stem cell): it reuses
        its own input as the previous one, unadjusted. ``prev_is_larger`` when the previous output
        has twice the cell input's size, i.e. a reduction cell sits in between."""
        super().__init__()
        self.filters = filters
        self.conv_1x1 = _relu_conv_bn(in_channels, filters)
        # Bring the previous output to the cell's size and width, as TF-slim's _reduce_prev_layer.
        self.adjust_prev: nn.Module | None = None
        if prev_channels is None:
            prev_channels = in_channels
        elif prev_is_larger:
            self.adjust_prev = FactorizedReduction(prev_channels, filters)
            prev_channels = filters
        elif prev_channels != filters:
            self.adjust_prev = _relu_conv_bn(prev_channels, filters)
            prev_channels = filters

        widths = [filters, prev_channels] + [filters] * len(self.combinations)
        self.ops = nn.ModuleDict()
        for i, (left, left_in, right, right_in) in enumerate(self.combinations):
            for side, name, state in (("left", left, left_in), ("right", right, right_in)):
                # Only the cell's two inputs are strided; later states are already reduced.
                stride = self.stride if state < 2 else 1
                op = _operation(name, widths[state], filters, stride)
                if op is not None:
                    self.ops[f"comb{i}_{side}"] = op
        self.out_channels = sum(widths[i] for i in self.concatenated)

    def _run_op(self, key: str, x: torch.Tensor) -> torch.Tensor:
        return self.ops[key](x) if key in self.ops else x

    def forward(self, x: torch.Tensor, prev: torch.Tensor | None = None) -> torch.Tensor:
        if prev is None:
            prev = x
        elif self.adjust_prev is not None:
            prev = self.adjust_prev(prev)
        states = [self.conv_1x1(x), prev]
        for i, (_, left_in, _, right_in) in enumerate(self.combinations):
            left = self._run_op(f"comb{i}_left", states[left_in])
            right = self._run_op(f"comb{i}_right", states[right_in])
            states.append(left + right)
        return torch.cat([states[i] for i in self.concatenated], 1)


class NormalCell(_Cell):
    """NASNet-A Normal Cell (paper Figure 4, left): keeps the size; outputs 6 x filters channels (the
    adjusted previous output and the five combinations)."""

    combinations = _NORMAL_CELL
    concatenated = _NORMAL_CELL_OUTPUT
    stride = 1


class ReductionCell(_Cell):
    """NASNet-A Reduction Cell (paper Figure 4, right): ops on the cell inputs use stride 2, halving the
    size; outputs 4 x filters channels (the last four combinations)."""

    combinations = _REDUCTION_CELL
    concatenated = _REDUCTION_CELL_OUTPUT
    stride = 2


class NASNetA(nn.Module):
    """NASNet-A for ImageNet: conv stem, two reduction cells at the stem, then ``cells_per_stage``
    normal cells per stage with a reduction cell between stages, each reduction doubling the filters."""

    def __init__(
        self,
        num_classes: int = 1000,
        cells_per_stage: int = 4,
        penultimate_filters: int = 1056,
        stem_filters: int = 32,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        # The last stage's normal cells concatenate 6 states of 4x the base filters: 1056 = 24 x 44.
        filters = penultimate_filters // 24
        self.stem = nn.Sequential(
            nn.Conv2d(3, stem_filters, 3, stride=2, bias=False),  # TF "VALID": 224 -> 111
            nn.BatchNorm2d(stem_filters, eps=1e-3),
        )
        # The stem cells run at 1/4 and 1/2 of the base filters (TF-slim _imagenet_stem).
        self.cell_stem_0 = ReductionCell(stem_filters, None, filters // 4)
        self.cell_stem_1 = ReductionCell(self.cell_stem_0.out_channels, stem_filters, filters // 2, prev_is_larger=True)

        cells: list[_Cell] = []
        # Output widths of the last two cells: each cell reads both. The first normal cell's previous
        # input (cell_stem_0's output) is twice its size.
        prev, current = self.cell_stem_0.out_channels, self.cell_stem_1.out_channels
        prev_is_larger = True
        for stage in range(3):
            stage_filters = filters * 2**stage
            if stage > 0:
                cell: _Cell = ReductionCell(current, prev, stage_filters)
                cells.append(cell)
                prev, current = current, cell.out_channels
                prev_is_larger = True
            for _ in range(cells_per_stage):
                cell = NormalCell(current, prev, stage_filters, prev_is_larger=prev_is_larger)
                cells.append(cell)
                prev, current = current, cell.out_channels
                prev_is_larger = False
        self.cells = nn.ModuleList(cells)

        self.relu = nn.ReLU()
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(current, num_classes)
        init_conv_bn_linear(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        stem = self.stem(x)
        prev = self.cell_stem_0(stem)
        x = self.cell_stem_1(prev, stem)
        for cell in self.cells:
            prev, x = x, cell(x, prev)
        x = self.avgpool(self.relu(x))
        x = torch.flatten(x, 1)
        return self.fc(self.dropout(x))


nasnet_a_mobile = NASNET.register(
    "nasnet_a_mobile",
    NASNetA,
    aliases=("nasnetamobile", "nasnet_mobile"),
    notes=(
        "NASNet-A (4 @ 1056) as the official TF-slim build_nasnet_mobile (44 base filters, stem conv "
        "3x3/2 VALID with 32 filters, two reduction cells at the stem with 11 and 22 filters, 12 "
        "normal cells): 1x1 'adjust' convs and factorized reductions on the previous cell's output, "
        "unused hidden states concatenated. The training-only auxiliary head and drop-path are left "
        "out (the published counts are matched without it). Padding is symmetric k//2 where TF's 'SAME' pads "
        "one more pixel on the right/bottom for stride 2 on even sizes: the same output sizes and "
        "counts, but strided windows sit one pixel earlier than in TF (Cadene's pretrainedmodels port of "
        "the TF weights, 'nasnetamobile', adds explicit asymmetric pads for that)."
    ),
    published=(
        Published.quoted("5.3M", metric="params", source="paper Table 2", convention="rounded to 0.1M"),
        Published.quoted("564M", metric="macs", source="paper Table 2", convention="mult-adds"),
    ),
)

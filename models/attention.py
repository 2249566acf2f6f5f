"""Residual Attention Network (Wang et al., 2017): Attention-56 and Attention-92 for ImageNet."""

from __future__ import annotations

from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from ._common import init_conv_bn_linear
from ._registry import Family, Published

__all__ = [
    "AttentionModule",
    "ResidualAttentionNetwork",
    "ResidualUnit",
    "SoftMaskBranch",
    "attention56",
    "attention92",
]

RESIDUAL_ATTENTION = Family(
    "residual_attention",
    year=2017,
    paper="Residual Attention Network for Image Classification",
    arxiv="1704.06904",
    input_size=(3, 224, 224),
)

# Paper Table 2, as (output channels, stride of the stage's first residual unit, number of max-pool
# down-samplings in the soft mask branch). The mask goes down to 7x7 at every stage, so the deeper
# (smaller) stages need fewer poolings: 56 -> 7 is three, 28 -> 7 two, 14 -> 7 one.
_ATTENTION_STAGES: tuple[tuple[int, int, int], ...] = (
    (256, 1, 3),  # 56x56
    (512, 2, 2),  # 28x28
    (1024, 2, 1),  # 14x14
)
# Paper Table 2: the last stage has no attention, only three residual units at 7x7.
_FINAL_STAGE = (2048, 3)

# Attention modules per stage (paper Table 2). Each module puts p + t + p = 4 residual units (12
# weight layers) on the trunk, so the trunk depth is 20 + 12 x modules: 56 for 3, 92 for 6.
_MODULES_PER_STAGE: dict[int, tuple[int, int, int]] = {
    56: (1, 1, 1),
    92: (1, 2, 3),
}


class ResidualUnit(nn.Module):
    """Pre-activation bottleneck unit (He et al. 2016, "Identity Mappings"), as the official Caffe model.

    BN-ReLU runs once on the input and feeds both the residual branch and, when the shape changes, the
    1x1 projection shortcut; an identity shortcut takes the raw input. Strides sit on the 3x3 conv.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        mid = out_channels // 4  # bottleneck width: 64 -> 256, 128 -> 512, ...
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_channels, mid, kernel_size=1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv2 = nn.Conv2d(mid, mid, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(mid)
        self.conv3 = nn.Conv2d(mid, out_channels, kernel_size=1, bias=False)
        self.shortcut: nn.Conv2d | None = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(x))
        identity = x if self.shortcut is None else self.shortcut(out)
        out = self.conv1(out)
        out = self.conv2(self.relu(self.bn2(out)))
        out = self.conv3(self.relu(self.bn3(out)))
        return out + identity


def _units(channels: int, count: int) -> nn.Sequential:
    return nn.Sequential(*(ResidualUnit(channels, channels) for _ in range(count)))


class SoftMaskBranch(nn.Module):
    """Bottom-up / top-down mask (paper Figure 3): max-pool down to 7x7 with ``r`` residual units per
    level, then bilinear up-sampling back, adding a residual-unit skip connection at each level; two
    BN-ReLU-1x1 convs and a sigmoid give a mask in (0, 1) of the input's shape."""

    def __init__(self, channels: int, downsamplings: int, r: int = 1) -> None:
        super().__init__()
        # Caffe pooling rounds up (ceil_mode), and takes no padding: 56 -> 28 -> 14 -> 7.
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)
        self.down = nn.ModuleList(_units(channels, r) for _ in range(downsamplings))
        # Skip connections link each level but the lowest to its up-sampling counterpart.
        self.skips = nn.ModuleList(ResidualUnit(channels, channels) for _ in range(downsamplings - 1))
        # The lowest level runs 2r units in all, r on the way down and r on the way up.
        self.up = nn.ModuleList(_units(channels, r) for _ in range(downsamplings))
        self.output = nn.Sequential(
            nn.BatchNorm2d(channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, kernel_size=1, bias=False),
            nn.BatchNorm2d(channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, kernel_size=1, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        levels: list[torch.Tensor] = []
        out = x
        for down in self.down:
            out = down(self.pool(out))
            levels.append(out)
        out = self.up[-1](out)
        for level in range(len(levels) - 2, -1, -1):
            # Caffe's Interp layer: bilinear with the corners aligned, to the size of the level above.
            out = F.interpolate(out, size=levels[level].shape[-2:], mode="bilinear", align_corners=True)
            out = self.up[level](out + self.skips[level](levels[level]))
        out = F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=True)
        return self.output(out)


class AttentionModule(nn.Module):
    """``p`` residual units, then a trunk of ``t`` units modulated by the soft mask as (1 + M) * T
    (attention residual learning, paper eq. 3), then ``p`` units; input and output shapes are equal."""

    def __init__(self, channels: int, downsamplings: int, p: int = 1, t: int = 2, r: int = 1) -> None:
        super().__init__()
        self.first = _units(channels, p)
        self.trunk = _units(channels, t)
        self.mask = SoftMaskBranch(channels, downsamplings, r=r)
        self.last = _units(channels, p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.first(x)
        trunk = self.trunk(x)
        mask = self.mask(x)
        return self.last((1 + mask) * trunk)


class ResidualAttentionNetwork(nn.Module):
    def __init__(
        self,
        modules_per_stage: tuple[int, int, int],
        num_classes: int = 1000,
        p: int = 1,
        t: int = 2,
        r: int = 1,
    ) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),  # Caffe rounding: 112 -> 56
        )
        stages: list[nn.Module] = []
        in_channels = 64
        for (channels, stride, downsamplings), count in zip(_ATTENTION_STAGES, modules_per_stage):
            blocks: list[nn.Module] = [ResidualUnit(in_channels, channels, stride)]
            blocks += [AttentionModule(channels, downsamplings, p=p, t=t, r=r) for _ in range(count)]
            stages.append(nn.Sequential(*blocks))
            in_channels = channels
        channels, count = _FINAL_STAGE
        stages.append(
            nn.Sequential(
                ResidualUnit(in_channels, channels, stride=2),
                *(ResidualUnit(channels, channels) for _ in range(count - 1)),
            )
        )
        self.stages = nn.Sequential(*stages)
        # Pre-activation nets end with the BN-ReLU that no following unit applies.
        self.bn = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU(inplace=True)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(channels, num_classes)
        init_conv_bn_linear(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stages(self.stem(x))
        x = self.avgpool(self.relu(self.bn(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)


_NOTES = (
    "Follows the official Caffe release (fwang91/residual-attention-network, Attention-56 deploy "
    "prototxt): pre-activation bottleneck units with the stride on the 3x3 conv and the projection "
    "shortcut fed by the BN-ReLU'd input; max-pools without padding rounding up as Caffe does (112 -> "
    "56 -> 28 -> 14 -> 7); the soft mask ends in BN-ReLU-1x1-BN-ReLU-1x1-sigmoid; up-sampling is "
    "bilinear with aligned corners (Caffe's Interp layer). p=1, t=2, r=1 as in the paper. Unlike the "
    "popular PyTorch reimplementation (tengshaofeng/ResidualAttentionNetwork-pytorch), the mask pools "
    "take no padding, and each up-sampled map is added only to its skip connection, not also to the "
    "down-path features and the trunk output (same parameters, fewer additions). The final 7x7 "
    "average pool is adaptive. "
    "The released Attention-92 prototxt ends one soft mask (AttentionC_2) in TanH instead of the "
    "sigmoid; the paper's sigmoid is used everywhere here (no effect on the counts)."
)


attention56 = RESIDUAL_ATTENTION.register(
    "attention56",
    partial(ResidualAttentionNetwork, _MODULES_PER_STAGE[56]),
    aliases=("attention_56", "resattnet56"),
    notes=_NOTES,
    published=(
        Published.quoted(
            "31.9M",
            metric="params",
            source="paper Table 4",
            convention="rounded to 0.1M",
            deviation="the released deploy prototxt's layout, reproduced here, has 31,810,728 learnable "
            "parameters (31.8M). Counting the Caffe BN layers' running mean and variance too would give "
            "31,883,432 (31.9M), but the same convention does not reproduce Attention-92's 51.3M, so "
            "the paper's exact counting is unknown",
        ),
        Published.quoted(
            "6.2G",
            metric="macs",
            source="paper Table 4",
            convention="MACs called FLOPs",
            deviation="6.27G measured with Caffe's round-up pooling (56x56 after the stem, as the "
            "prototxt's sizes imply); a round-down stem pool (55x55) would give 6.19G, but that does "
            "not reproduce Attention-92's 10.4G either, so the paper's exact counting is unknown",
        ),
        Published(
            metric="depth",
            value=56,
            source="model name (paper Table 2)",
            convention="weight layers along the trunk: conv1, 3 per residual unit, the fc",
            exact=True,
            deviation="the name counts the trunk; the longest path runs through the soft-mask "
            "branches (down to 7x7 and back), which are deeper",
        ),
    ),
)


attention92 = RESIDUAL_ATTENTION.register(
    "attention92",
    partial(ResidualAttentionNetwork, _MODULES_PER_STAGE[92]),
    aliases=("attention_92", "resattnet92"),
    notes=_NOTES,
    published=(
        Published.quoted(
            "51.3M",
            metric="params",
            source="paper Table 4",
            convention="rounded to 0.1M",
            deviation="the released Attention-92 deploy prototxt has the layout reproduced here "
            "(Attention-56 plus one 512-channel and two 1024-channel modules), 52,466,344 learnable "
            "parameters (52.5M). The gap, about 1.17M, is close to one 1024-channel residual unit "
            "(1,117,184) that the prototxt does not lack; the cause is unknown",
        ),
        Published.quoted(
            "10.4G",
            metric="macs",
            source="paper Table 4",
            convention="MACs called FLOPs",
            deviation="10.53G measured for the released layout with Caffe's round-up pooling; a "
            "round-down stem pool would give 10.46G, still not 10.4G; the cause is unknown",
        ),
        Published(
            metric="depth",
            value=92,
            source="model name (paper Table 2)",
            convention="weight layers along the trunk: conv1, 3 per residual unit, the fc",
            exact=True,
            deviation="the name counts the trunk; the longest path runs through the soft-mask "
            "branches, which are deeper",
        ),
    ),
)

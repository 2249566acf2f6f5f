"""Squeeze-and-Excitation networks (Hu et al., 2017): SE-ResNet and SE-ResNeXt."""

from __future__ import annotations

from functools import partial
from typing import Any

import torch
from torch import nn

from ._registry import Family, Published
from .resnet import STAGE_BLOCKS, Bottleneck
from .resnext import ResNeXt

__all__ = ["SEModule", "SEBottleneck", "SENet", "se_resnet50", "se_resnet101", "se_resnext50_32x4d"]

SENET = Family(
    "senet", year=2017, paper="Squeeze-and-Excitation Networks", arxiv="1709.01507", input_size=(3, 224, 224)
)


class SEModule(nn.Module):
    """Squeeze (global average pool) and excitation (FC C -> C/r, ReLU, FC C/r -> C, sigmoid), then
    a channel-wise rescaling of the input (paper Section 3, Figure 1).

    The two FC layers are 1x1 convolutions with biases, as in the released Caffe models, so the
    pooled map never needs flattening; their cost is that of Linear layers on a 1x1 map.
    """

    def __init__(self, channels: int, reduction: int = 16) -> None:
        super().__init__()
        hidden = channels // reduction
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, hidden, kernel_size=1)
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(hidden, channels, kernel_size=1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scale = self.sigmoid(self.fc2(self.relu(self.fc1(self.avg_pool(x)))))
        return x * scale


class SEBottleneck(Bottleneck):
    """The SE-ResNet / SE-ResNeXt module (paper Figure 3): ResNet's bottleneck whose residual branch
    the SE block recalibrates before it is added to the identity."""

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        *,
        reduction: int = 16,
        **kwargs: Any,
    ) -> None:
        super().__init__(inplanes, planes, stride, downsample, **kwargs)
        self.se = SEModule(planes * self.expansion, reduction)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        return self.se(super().residual(x))


class SENet(ResNeXt):
    """ResNet/ResNeXt with every bottleneck an ``SEBottleneck`` of reduction ratio ``reduction``.

    The stem pool rounds up instead of padding (Caffe's pooling, kept by the released models;
    the map is 56x56 either way).
    """

    def __init__(
        self,
        layers: list[int] | tuple[int, ...],
        num_classes: int = 1000,
        groups: int = 1,
        width_per_group: int = 64,
        reduction: int = 16,
        stride_in_1x1: bool = False,
    ) -> None:
        super().__init__(
            SEBottleneck,
            layers,
            num_classes,
            groups=groups,
            width_per_group=width_per_group,
            stride_in_1x1=stride_in_1x1,
            block_kwargs={"reduction": reduction},
        )
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)
        self.reduction = reduction


_SE_RESNET_NOTE = (
    "SE-ResNet-{depth}: ResNet-{depth} bottlenecks with an SE block (r=16 by default, 'reduction' "
    "argument) on the residual branch before the addition (Figure 3). Follows the authors' released "
    "Caffe models (hujie-frank/SENet, and Cadene's pretrainedmodels port): the stride of each "
    "stage's first block is in the first 1x1 conv as in the original ResNet, not in the 3x3 as in "
    "torchvision's resnet{depth}; the SE FCs are 1x1 convs with biases; the stem max pool uses "
    "ceil_mode instead of padding. timm's seresnet{depth} strides in the 3x3 instead (same "
    "parameters, more MACs)."
)


se_resnet50 = SENET.register(
    "se_resnet50",
    partial(SENet, STAGE_BLOCKS[50], stride_in_1x1=True),
    aliases=("seresnet50",),
    notes=_SE_RESNET_NOTE.format(depth=50),
    published=(
        Published(
            metric="params",
            value=28_088_024,
            source="osmr/imgclsmob pytorchcv seresnet.py test (seresnet50 weight count)",
            convention="exact count",
            exact=True,
        ),
        Published.quoted(
            "3.87G",
            metric="macs",
            source="paper Section 4 (SE-ResNet-50 requires ~3.87 GFLOPs at 224x224, r=16)",
            convention="GFLOPs, approximate",
            deviation="the paper's +0.26% over ResNet-50's ~3.86 GFLOPs (~10M) counts more than "
            "the SE FCs' 2.5M multiply-adds, presumably the squeeze pooling and channel-wise "
            "scaling, which are not MACs here; conv and FC MACs total 3.8605G",
        ),
    ),
)


se_resnet101 = SENET.register(
    "se_resnet101",
    partial(SENet, STAGE_BLOCKS[101], stride_in_1x1=True),
    aliases=("seresnet101",),
    notes=_SE_RESNET_NOTE.format(depth=101),
    published=(
        Published(
            metric="params",
            value=49_326_872,
            source="osmr/imgclsmob pytorchcv seresnet.py test (seresnet101 weight count)",
            convention="exact count",
            exact=True,
        ),
    ),
)


se_resnext50_32x4d = SENET.register(
    "se_resnext50_32x4d",
    partial(SENet, STAGE_BLOCKS[50], groups=32, width_per_group=4),
    aliases=("seresnext50_32x4d",),
    notes=(
        "SE-ResNeXt-50 (32x4d) of Table 1 (right): resnext50_32x4d's grouped bottlenecks with an SE "
        "block (r=16 by default) before the addition. As in the released Caffe model (and Cadene's "
        "port), the ResNeXt blocks stride in the grouped 3x3, the SE FCs are 1x1 convs with biases "
        "and the stem max pool uses ceil_mode instead of padding."
    ),
    published=(
        Published(
            metric="params",
            value=27_559_896,
            source="osmr/imgclsmob pytorchcv seresnext.py test (seresnext50_32x4d weight count)",
            convention="exact count",
            exact=True,
        ),
    ),
)

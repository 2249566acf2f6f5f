"""Squeeze-and-Excitation networks (Hu et al., 2017): SE-ResNet and SE-ResNeXt."""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from ._registry import Published, register_model
from .resnext import Bottleneck, ResNeXt

__all__ = ["SEModule", "SEBottleneck", "SENet", "se_resnet50", "se_resnet101", "se_resnext50_32x4d"]

_PAPER = "Squeeze-and-Excitation Networks"
_ARXIV = "1709.01507"

# Blocks per stage, paper Table 1 (SE-ResNet-50, SE-ResNeXt-50) and Table 2 (the 101-layer nets).
_DEPTHS: dict[int, tuple[int, int, int, int]] = {
    50: (3, 4, 6, 3),
    101: (3, 4, 23, 3),
}


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
    """The SE-ResNet / SE-ResNeXt module (paper Figure 3): the SE block recalibrates the residual
    branch before it is added to the identity."""

    def __init__(
        self,
        in_channels: int,
        planes: int,
        stride: int = 1,
        groups: int = 1,
        base_width: int = 64,
        stride_in_1x1: bool = False,
        reduction: int = 16,
    ) -> None:
        super().__init__(in_channels, planes, stride, groups, base_width, stride_in_1x1)
        self.se = SEModule(planes * self.expansion, reduction)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.se(self.residual(x))
        identity = x if self.downsample is None else self.downsample(x)
        out += identity
        return self.relu(out)


class SENet(ResNeXt):
    """ResNet/ResNeXt with every bottleneck replaced by an ``SEBottleneck``.

    The stem pool rounds up instead of padding (Caffe's pooling, kept by the released models;
    the map is 56x56 either way).
    """

    def __init__(
        self,
        layers: tuple[int, int, int, int],
        *,
        groups: int = 1,
        width_per_group: int = 64,
        reduction: int = 16,
        stride_in_1x1: bool = False,
        num_classes: int = 1000,
    ) -> None:
        super().__init__(
            layers,
            groups=groups,
            width_per_group=width_per_group,
            num_classes=num_classes,
            block=partial(SEBottleneck, reduction=reduction),
            stride_in_1x1=stride_in_1x1,
            ceil_mode_pool=True,
        )
        self.reduction = reduction


def _build_senet(
    depth: int,
    *,
    groups: int,
    width_per_group: int,
    stride_in_1x1: bool,
    reduction: int = 16,
    num_classes: int = 1000,
) -> SENet:
    if depth not in _DEPTHS:
        raise ValueError(f"unsupported SENet depth {depth}; expected one of {sorted(_DEPTHS)}")
    return SENet(
        _DEPTHS[depth],
        groups=groups,
        width_per_group=width_per_group,
        reduction=reduction,
        stride_in_1x1=stride_in_1x1,
        num_classes=num_classes,
    )


_SE_RESNET_NOTE = (
    "SE-ResNet-{depth}: ResNet-{depth} bottlenecks with an SE block (r=16 by default, 'reduction' "
    "argument) on the residual branch before the addition (Figure 3). Follows the authors' released "
    "Caffe models (hujie-frank/SENet, and Cadene's pretrainedmodels port): the stride of each "
    "stage's first block is in the first 1x1 conv as in the original ResNet, not in the 3x3 as in "
    "torchvision's resnet{depth}; the SE FCs are 1x1 convs with biases; the stem max pool uses "
    "ceil_mode instead of padding. timm's seresnet{depth} strides in the 3x3 instead (same "
    "parameters, more MACs)."
)


@register_model(
    "se_resnet50",
    family="senet",
    year=2017,
    paper=_PAPER,
    arxiv=_ARXIV,
    input_size=(3, 224, 224),
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
def se_resnet50(*, num_classes: int = 1000, reduction: int = 16) -> SENet:
    """SE-ResNet-50 at 3x224x224."""
    return _build_senet(
        50, groups=1, width_per_group=64, stride_in_1x1=True, reduction=reduction, num_classes=num_classes
    )


@register_model(
    "se_resnet101",
    family="senet",
    year=2017,
    paper=_PAPER,
    arxiv=_ARXIV,
    input_size=(3, 224, 224),
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
def se_resnet101(*, num_classes: int = 1000, reduction: int = 16) -> SENet:
    """SE-ResNet-101 at 3x224x224."""
    return _build_senet(
        101, groups=1, width_per_group=64, stride_in_1x1=True, reduction=reduction, num_classes=num_classes
    )


@register_model(
    "se_resnext50_32x4d",
    family="senet",
    year=2017,
    paper=_PAPER,
    arxiv=_ARXIV,
    input_size=(3, 224, 224),
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
def se_resnext50_32x4d(
    *, num_classes: int = 1000, reduction: int = 16, groups: int = 32, width_per_group: int = 4
) -> SENet:
    """SE-ResNeXt-50 (32x4d) at 3x224x224."""
    return _build_senet(
        50,
        groups=groups,
        width_per_group=width_per_group,
        stride_in_1x1=False,
        reduction=reduction,
        num_classes=num_classes,
    )

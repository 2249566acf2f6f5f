"""MobileNet v1 (Howard et al., 2017): depthwise separable nets with width and resolution multipliers."""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from ._common import init_conv_bn_linear
from ._registry import Family, Published

__all__ = [
    "ConvBNReLU",
    "DepthwiseSeparable",
    "MobileNetV1",
    "mobilenet_v1",
    "mobilenet_v1_025",
    "mobilenet_v1_050",
    "mobilenet_v1_075",
    "mobilenet_v1_128",
    "mobilenet_v1_160",
    "mobilenet_v1_192",
    "mobilenet_v1_conv",
]

MOBILENET = Family(
    "mobilenet",
    year=2017,
    paper="MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications",
    arxiv="1704.04861",
    input_size=(3, 224, 224),
)

_STEM_CHANNELS = 32  # Table 1: "Conv / s2, 3x3x3x32"

# Paper Table 1, the 13 depthwise separable layers as (stride of the depthwise conv, pointwise
# output channels) at width multiplier 1. The table prints s2 for the last depthwise conv, yet its
# input and output are both 7x7; s1 is what the official TF-slim code uses and what 7x7 needs.
_BLOCKS: tuple[tuple[int, int], ...] = (
    (1, 64),  # 112x112
    (2, 128),
    (1, 128),  # 56x56
    (2, 256),
    (1, 256),  # 28x28
    (2, 512),
    (1, 512),  # 14x14, five times
    (1, 512),
    (1, 512),
    (1, 512),
    (1, 512),
    (2, 1024),
    (1, 1024),  # 7x7
)

# TF-slim never lets a layer shrink below 8 channels, whatever the width multiplier.
_MIN_DEPTH = 8


class ConvBNReLU(nn.Sequential):
    """Conv (no bias: BN follows) + BN + ReLU, the unit every layer of Table 1 except the FC is made of."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, groups: int = 1) -> None:
        super().__init__(
            nn.Conv2d(
                in_channels,
                out_channels,
                kernel_size,
                stride=stride,
                padding=kernel_size // 2,
                groups=groups,
                bias=False,
            ),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )


class DepthwiseSeparable(nn.Module):
    """Figure 3 right: 3x3 depthwise conv-BN-ReLU, then 1x1 pointwise conv-BN-ReLU."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.depthwise = ConvBNReLU(in_channels, in_channels, 3, stride=stride, groups=in_channels)
        self.pointwise = ConvBNReLU(in_channels, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class MobileNetV1(nn.Module):
    """MobileNet v1 with width multiplier ``width_mult`` (alpha) and nominal input ``resolution`` (rho).

    The paper sets rho "implicitly by setting the input resolution": the network is the same at
    every resolution (the final average pool covers the whole last feature map, 7x7 at 224), so
    ``resolution`` only records the input size the variant is meant for.
    ``separable=False`` builds Table 4's "Conv MobileNet", where each depthwise separable layer
    is a full 3x3 conv (with BN and ReLU) of the same input/output channels and stride.
    """

    def __init__(
        self,
        width_mult: float = 1.0,
        resolution: int = 224,
        num_classes: int = 1000,
        separable: bool = True,
    ) -> None:
        super().__init__()
        if width_mult <= 0:
            raise ValueError(f"width_mult must be positive, got {width_mult}")
        if resolution < 32:
            raise ValueError(f"resolution must be at least 32 (five stride-2 layers), got {resolution}")
        self.width_mult = width_mult
        self.resolution = resolution

        def depth(channels: int) -> int:
            return max(int(channels * width_mult), _MIN_DEPTH)

        in_channels = depth(_STEM_CHANNELS)
        layers: list[nn.Module] = [ConvBNReLU(3, in_channels, 3, stride=2)]
        for stride, channels in _BLOCKS:
            out_channels = depth(channels)
            if separable:
                layers.append(DepthwiseSeparable(in_channels, out_channels, stride))
            else:
                layers.append(ConvBNReLU(in_channels, out_channels, 3, stride=stride))
            in_channels = out_channels
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        # Table 1's "FC / s1, 1024 x 1000"; the softmax belongs to the loss, not the model.
        self.classifier = nn.Linear(in_channels, num_classes)

        init_conv_bn_linear(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


_NOTES = (
    "Layout of the paper's Table 1 as in the official TF-slim mobilenet_v1.py: bias-free convs each "
    "followed by BN and ReLU (ReLU, not the ReLU6 of TF-slim, which counts the same), the last "
    "depthwise conv with stride 1 (Table 1 misprints s2), global average pooling and a linear "
    "classifier (TF-slim uses a 1x1 conv and a dropout with keep 0.999; neither changes a count). "
    "Channels are floor(alpha * c), at least 8, as TF-slim's depth(). No torchvision model exists. "
    "MACs count the FC layer, as the paper's 569M for 1.0 MobileNet-224 does (convs alone: 567.7M)."
)

_TABLE_MACS_NOTE = "mult-adds, conv and FC layers"


def _paper_figures(table: str, macs: str, params: str, macs_deviation: str = "") -> tuple[Published, Published]:
    """The mult-adds and parameters of one model in a table of the paper, e.g. "Table 6 (0.5 MobileNet-224)"."""
    source = f"paper {table}"
    return (
        Published.quoted(macs, metric="macs", source=source, convention=_TABLE_MACS_NOTE, deviation=macs_deviation),
        # BN's 2 parameters per channel (22K at width 1) never change the paper's rounding.
        Published.quoted(params, metric="params", source=source, convention="all parameters incl. BN, rounded to 0.1M"),
    )


mobilenet_v1 = MOBILENET.register(
    "mobilenet_v1",
    MobileNetV1,
    aliases=("mobilenet", "mobilenet_v1_100"),
    notes="1.0 MobileNet-224. " + _NOTES,
    published=(
        *_paper_figures("Table 4/6/7 (1.0 MobileNet-224)", "569M", "4.2M"),
        Published(
            metric="depth",
            value=28,
            source="paper Section 3.3 / Table 1 (28 layers counting depthwise and pointwise separately)",
            convention="weight layers on the longest path",
            exact=True,
        ),
    ),
)

mobilenet_v1_075 = MOBILENET.register(
    "mobilenet_v1_075",
    partial(MobileNetV1, width_mult=0.75),
    notes="0.75 MobileNet-224 (width multiplier 0.75: 24, 48, ..., 768 channels). " + _NOTES,
    published=_paper_figures("Table 6 (0.75 MobileNet-224)", "325M", "2.6M"),
)

mobilenet_v1_050 = MOBILENET.register(
    "mobilenet_v1_050",
    partial(MobileNetV1, width_mult=0.5),
    notes="0.5 MobileNet-224 (width multiplier 0.5: 16, 32, ..., 512 channels). " + _NOTES,
    published=_paper_figures("Table 6 (0.5 MobileNet-224)", "149M", "1.3M"),
)

mobilenet_v1_025 = MOBILENET.register(
    "mobilenet_v1_025",
    partial(MobileNetV1, width_mult=0.25),
    notes="0.25 MobileNet-224 (width multiplier 0.25: 8, 16, ..., 256 channels). " + _NOTES,
    published=_paper_figures("Table 6 (0.25 MobileNet-224)", "41M", "0.5M"),
)

mobilenet_v1_192 = MOBILENET.register(
    "mobilenet_v1_192",
    partial(MobileNetV1, resolution=192),
    input_size=(3, 192, 192),
    notes="1.0 MobileNet-192: the same network as mobilenet_v1 at a 192x192 input (6x6 before pooling). " + _NOTES,
    published=_paper_figures("Table 7 (1.0 MobileNet-192)", "418M", "4.2M"),
)

mobilenet_v1_160 = MOBILENET.register(
    "mobilenet_v1_160",
    partial(MobileNetV1, resolution=160),
    input_size=(3, 160, 160),
    notes="1.0 MobileNet-160: the same network as mobilenet_v1 at a 160x160 input (5x5 before pooling). " + _NOTES,
    published=_paper_figures(
        "Table 7 (1.0 MobileNet-160)",
        "290M",
        "4.2M",
        macs_deviation="the exact count is 289.65M conv + 1.02M FC = 290.68M (291M); the paper's 290M is "
        "569M x (160/224)^2 = 290.3M, the rho^2 scaling of Section 4.2 applied to the whole "
        "net although the FC layer does not shrink with the input (192 and 128 round the same "
        "either way)",
    ),
)

mobilenet_v1_128 = MOBILENET.register(
    "mobilenet_v1_128",
    partial(MobileNetV1, resolution=128),
    input_size=(3, 128, 128),
    notes="1.0 MobileNet-128: the same network as mobilenet_v1 at a 128x128 input (4x4 before pooling). " + _NOTES,
    published=_paper_figures("Table 7 (1.0 MobileNet-128)", "186M", "4.2M"),
)

mobilenet_v1_conv = MOBILENET.register(
    "mobilenet_v1_conv",
    partial(MobileNetV1, separable=False),
    notes=(
        "Table 4's 'Conv MobileNet', the full-convolution baseline: every depthwise separable layer "
        "of Table 1 replaced by one standard 3x3 conv (same input/output channels and stride) with "
        "BN and ReLU, giving 15 weight layers. Not a released model; other layers as mobilenet_v1. " + _NOTES
    ),
    published=_paper_figures(
        "Table 4 (Conv MobileNet)",
        "4866M",
        "29.3M",
        macs_deviation="the whole net counts 4867.3M = 4866.3M conv + 1.02M FC; the paper's 4866M matches the "
        "convolutions alone, while its 569M for MobileNet in the same table includes the FC "
        "(convs alone 567.7M), so Table 4 is not consistent about the FC; we count it",
    ),
)

"""ResNeXt (Xie et al., 2016): aggregated residual transformations as grouped bottleneck convolutions."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ._common import init_conv_bn_linear
from ._registry import Published, register_model

__all__ = [
    "Bottleneck",
    "ResNeXt",
    "resnext50_32x4d",
    "resnext101_32x4d",
    "resnext50_1x64d",
    "resnext50_2x40d",
    "resnext50_4x24d",
    "resnext50_8x14d",
]

_PAPER = "Aggregated Residual Transformations for Deep Neural Networks"
_ARXIV = "1611.05431"

# Blocks per stage (conv2_x .. conv5_x), paper Table 1 and Section 5.1 ("we follow [ResNet] to
# construct 50-layer and 101-layer residual networks").
_DEPTHS: dict[int, tuple[int, int, int, int]] = {
    50: (3, 4, 6, 3),
    101: (3, 4, 23, 3),
}

# Bottleneck planes per stage; the block's output is planes * Bottleneck.expansion
# (256, 512, 1024, 2048 in Table 1) and every width doubles when the map is subsampled (Section 3.1).
_STAGE_PLANES: tuple[int, int, int, int] = (64, 128, 256, 512)


def _conv1x1(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)


class Bottleneck(nn.Module):
    """The ResNeXt block in the grouped-convolution form of Figure 3(c).

    ``groups`` is the cardinality C and ``base_width`` the bottleneck width d of the conv2 template;
    the grouped 3x3 is ``int(planes * d / 64) * C`` channels wide (128 for 32x4d at conv2), which for
    C=1, d=64 is exactly ResNet's bottleneck. ``stride_in_1x1`` moves the subsampling from the 3x3
    (fb.resnet.torch, used by the paper, Section 4) to the first 1x1 (the original Caffe ResNets).
    """

    expansion = 4

    def __init__(
        self,
        in_channels: int,
        planes: int,
        stride: int = 1,
        groups: int = 1,
        base_width: int = 64,
        stride_in_1x1: bool = False,
    ) -> None:
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        out_channels = planes * self.expansion
        stride_1x1, stride_3x3 = (stride, 1) if stride_in_1x1 else (1, stride)
        self.conv1 = _conv1x1(in_channels, width, stride_1x1)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(
            width, width, kernel_size=3, stride=stride_3x3, padding=1, groups=groups, bias=False
        )
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = _conv1x1(width, out_channels)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        # Projection shortcut only where the shape changes (option B of the ResNet paper, Section 4).
        self.downsample: nn.Sequential | None = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                _conv1x1(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels)
            )

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        """The aggregated transformation (everything before the addition)."""
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.bn3(self.conv3(out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.residual(x)
        identity = x if self.downsample is None else self.downsample(x)
        out += identity
        # ReLU after the addition, not on the branch (Section 4, following ResNet).
        return self.relu(out)


class ResNeXt(nn.Module):
    """A ResNet-style network of ``Bottleneck`` blocks: 7x7 stem, four stages, global pool, fc.

    ``block`` builds each block from ``(in_channels, planes, stride)`` plus the keyword arguments
    ``groups``, ``base_width`` and ``stride_in_1x1``; SENet passes its SE block here.
    ``ceil_mode_pool`` replaces the stem pool's padding by Caffe's rounding up (same 56x56 output).
    """

    def __init__(
        self,
        layers: tuple[int, int, int, int],
        *,
        groups: int = 32,
        width_per_group: int = 4,
        num_classes: int = 1000,
        block: Callable[..., Bottleneck] = Bottleneck,
        stride_in_1x1: bool = False,
        ceil_mode_pool: bool = False,
    ) -> None:
        super().__init__()
        self.groups = groups
        self.width_per_group = width_per_group
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        if ceil_mode_pool:
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)
        else:
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)

        in_channels = 64
        stages: list[nn.Sequential] = []
        for i, (planes, n_blocks) in enumerate(zip(_STAGE_PLANES, layers)):
            # conv2_x follows the max pool and keeps 56x56; conv3_x..conv5_x halve the map.
            first_stride = 1 if i == 0 else 2
            blocks: list[nn.Module] = []
            for j in range(n_blocks):
                blocks.append(
                    block(
                        in_channels,
                        planes,
                        first_stride if j == 0 else 1,
                        groups=groups,
                        base_width=width_per_group,
                        stride_in_1x1=stride_in_1x1,
                    )
                )
                in_channels = planes * Bottleneck.expansion
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_channels, num_classes)
        # The paper adopts He et al.'s initialisation (Section 4); skipped on meta.
        init_conv_bn_linear(self, linear_std=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def _build_resnext(depth: int, groups: int, width_per_group: int, *, num_classes: int = 1000) -> ResNeXt:
    if depth not in _DEPTHS:
        raise ValueError(f"unsupported ResNeXt depth {depth}; expected one of {sorted(_DEPTHS)}")
    return ResNeXt(_DEPTHS[depth], groups=groups, width_per_group=width_per_group, num_classes=num_classes)


_TEMPLATE_NOTE = (
    "One of the equal-complexity templates of Table 2 (cardinality C x bottleneck width d; grouped "
    "3x3 width {width} at conv2, doubling per stage) used for the ResNet-50 ablation of Table 3. "
    "Built like resnext50_32x4d (torchvision layout: stride in the 3x3, projection shortcuts only "
    "where the shape changes); width = int(planes * d / 64) * C as in torchvision."
)


def _template_published(*, params_deviation: str = "", macs_deviation: str = "") -> tuple[Published, ...]:
    # Table 3 and Figure 5 captions: the ResNet-50-sized templates keep "~4.1 billion FLOPs"
    # (multiply-adds, Section 3.1) and "~25 million parameters", but only roughly (Section 3.4).
    source = "paper Table 3 / Figure 5 captions (preserved complexity)"
    return (
        Published.quoted(
            "25M", metric="params", source=source, convention="approximate", deviation=params_deviation
        ),
        Published.quoted(
            "4.1G",
            metric="macs",
            source=source,
            convention="FLOPs defined as multiply-adds (Section 3.1), approximate",
            deviation=macs_deviation,
        ),
    )


@register_model(
    "resnext50_32x4d",
    family="resnext",
    year=2016,
    paper=_PAPER,
    arxiv=_ARXIV,
    input_size=(3, 224, 224),
    aliases=("resnext50",),
    notes=(
        "ResNeXt-50 (32x4d) of Table 1: grouped 3x3 with 32 groups, inner widths 128/256/512/1024, "
        "outputs 256/512/1024/2048. Identical to torchvision's resnext50_32x4d: subsampling in the "
        "grouped 3x3 of each stage's first block (Section 4, from fb.resnet.torch) and 1x1 "
        "projection shortcuts only where the shape changes. timm's resnext50_32x4d has the same "
        "layout; its 'd' variants (deep stem, avg-pool shortcut) differ."
    ),
    published=(
        Published(
            metric="params",
            value=25_028_904,
            source="torchvision docs (ResNeXt50_32X4D_Weights.IMAGENET1K_V1)",
            convention="exact count",
            exact=True,
        ),
        Published.quoted(
            "4.23G",
            metric="macs",
            source="torchvision docs (ResNeXt50_32X4D_Weights.IMAGENET1K_V1, GFLOPS)",
            convention="MACs called GFLOPS, 224x224",
        ),
        Published.quoted(
            "25.0M", metric="params", source="paper Table 1 (25.0x10^6)", convention="rounded"
        ),
        Published.quoted(
            "4.2G",
            metric="macs",
            source="paper Table 1 (4.2x10^9 FLOPs)",
            convention="FLOPs defined as multiply-adds (Section 3.1)",
        ),
    ),
)
def resnext50_32x4d(*, num_classes: int = 1000, groups: int = 32, width_per_group: int = 4) -> ResNeXt:
    """ResNeXt-50 (32x4d) at 3x224x224."""
    return _build_resnext(50, groups, width_per_group, num_classes=num_classes)


@register_model(
    "resnext101_32x4d",
    family="resnext",
    year=2016,
    paper=_PAPER,
    arxiv=_ARXIV,
    input_size=(3, 224, 224),
    notes=(
        "ResNeXt-101 (32x4d) of Table 3 (bottom): the 32x4d template on ResNet-101's 3/4/23/3 "
        "blocks, laid out as resnext50_32x4d. torchvision ships only the 32x8d and 64x4d 101-layer "
        "ResNeXts; this one matches the facebookresearch/ResNeXt release, timm's resnext101_32x4d "
        "and mmpretrain's ResNeXt-32x4d-101."
    ),
    published=(
        Published(
            metric="params",
            value=44_177_704,
            source="osmr/imgclsmob pytorchcv resnext.py test (resnext101_32x4d weight count)",
            convention="exact count",
            exact=True,
        ),
        Published.quoted(
            "44M",
            metric="params",
            source="paper Figure 5 caption (~44 million parameters)",
            convention="approximate",
        ),
        Published.quoted(
            "7.8G",
            metric="macs",
            source="paper Table 3 / Figure 5 captions (~7.8 billion FLOPs)",
            convention="FLOPs defined as multiply-adds (Section 3.1), approximate",
            deviation="~7.8G is the ResNet-101 budget the template preserves only roughly: the "
            "grouped blocks cost slightly more at the stage transitions (footnote 5), and the "
            "32x4d model measures 7.97G MACs",
        ),
    ),
)
def resnext101_32x4d(*, num_classes: int = 1000, groups: int = 32, width_per_group: int = 4) -> ResNeXt:
    """ResNeXt-101 (32x4d) at 3x224x224."""
    return _build_resnext(101, groups, width_per_group, num_classes=num_classes)


@register_model(
    "resnext50_1x64d",
    family="resnext",
    year=2016,
    paper=_PAPER,
    arxiv=_ARXIV,
    input_size=(3, 224, 224),
    notes=_TEMPLATE_NOTE.format(width=64)
    + " With C=1, d=64 this is exactly ResNet-50 as the paper trains it (stride in the 3x3, "
    "'ResNet v1.5'), i.e. torchvision's resnet50; the original Caffe ResNet-50 strides in the "
    "first 1x1 and has fewer MACs (~3.86G).",
    published=(
        Published(
            metric="params",
            value=25_557_032,
            source="torchvision docs (ResNet50_Weights.IMAGENET1K_V1; same network)",
            convention="exact count",
            exact=True,
        ),
        Published.quoted(
            "4.09G",
            metric="macs",
            source="torchvision docs (ResNet50_Weights.IMAGENET1K_V1, GFLOPS; same network)",
            convention="MACs called GFLOPS, 224x224",
        ),
        Published.quoted(
            "4.1G",
            metric="macs",
            source="paper Table 1, ResNet-50 column (4.1x10^9 FLOPs)",
            convention="FLOPs defined as multiply-adds (Section 3.1)",
        ),
        Published.quoted(
            "25.5M",
            metric="params",
            source="paper Table 1, ResNet-50 column (25.5x10^6)",
            convention="rounded",
            deviation="the network has 25,557,032 parameters (25.6M rounded); the printed 25.5M "
            "looks truncated, or counts without the 53,120 batch-norm affine parameters "
            "(25,503,912)",
        ),
    ),
)
def resnext50_1x64d(*, num_classes: int = 1000) -> ResNeXt:
    """The 1x64d template (= ResNet-50) at 3x224x224."""
    return _build_resnext(50, 1, 64, num_classes=num_classes)


@register_model(
    "resnext50_2x40d",
    family="resnext",
    year=2016,
    paper=_PAPER,
    arxiv=_ARXIV,
    input_size=(3, 224, 224),
    notes=_TEMPLATE_NOTE.format(width=80),
    published=_template_published(),
)
def resnext50_2x40d(*, num_classes: int = 1000) -> ResNeXt:
    """The 2x40d template of Table 2 at 3x224x224."""
    return _build_resnext(50, 2, 40, num_classes=num_classes)


@register_model(
    "resnext50_4x24d",
    family="resnext",
    year=2016,
    paper=_PAPER,
    arxiv=_ARXIV,
    input_size=(3, 224, 224),
    notes=_TEMPLATE_NOTE.format(width=96),
    published=_template_published(
        macs_deviation="equal complexity holds per conv2 block (Table 2, ~70k params), not exactly "
        "for the network: the wider 1x1s cost more at the stride-2 stage transitions, 4.16G MACs"
    ),
)
def resnext50_4x24d(*, num_classes: int = 1000) -> ResNeXt:
    """The 4x24d template of Table 2 at 3x224x224."""
    return _build_resnext(50, 4, 24, num_classes=num_classes)


@register_model(
    "resnext50_8x14d",
    family="resnext",
    year=2016,
    paper=_PAPER,
    arxiv=_ARXIV,
    input_size=(3, 224, 224),
    notes=_TEMPLATE_NOTE.format(width=112),
    published=_template_published(
        params_deviation="the 8x14d block has ~2.6% more parameters than ResNet's (71,456 vs 69,632 at "
        "conv2 by Eqn. 4), giving 25.60M for the network",
        macs_deviation="equal complexity holds only roughly: the 8x14d block is ~2.6% larger and its "
        "wide 1x1s cost more at the stride-2 stage transitions, 4.27G MACs",
    ),
)
def resnext50_8x14d(*, num_classes: int = 1000) -> ResNeXt:
    """The 8x14d template of Table 2 at 3x224x224."""
    return _build_resnext(50, 8, 14, num_classes=num_classes)

"""Pre-activation ResNet (He, Zhang, Ren & Sun, 2016): ImageNet ResNet-50/101/152 and CIFAR ResNet-164/1001."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import partial

import torch
from torch import nn

from ._common import init_conv_bn_linear
from ._registry import Family, Published

__all__ = [
    "PreActBottleneck",
    "PreActResNet",
    "preact_resnet50",
    "preact_resnet101",
    "preact_resnet152",
    "preact_resnet164",
    "preact_resnet1001",
]

PREACT_RESNET = Family(
    "preact_resnet",
    year=2016,
    paper="Identity Mappings in Deep Residual Networks",
    arxiv="1603.05027",
    input_size=(3, 224, 224),
)
_CIFAR = dataclasses.replace(PREACT_RESNET, input_size=(3, 32, 32), num_classes=10)

# Units per stage of the ImageNet nets: the stage layout of the original ResNet paper (arXiv
# 1512.03385, Table 1), which the pre-activation paper keeps and only reorders inside each unit.
_IMAGENET_LAYERS: dict[int, tuple[int, int, int, int]] = {
    50: (3, 4, 6, 3),
    101: (3, 4, 23, 3),
    152: (3, 8, 36, 3),
}
_IMAGENET_WIDTHS = (256, 512, 1024, 2048)  # output channels per stage; bottlenecks are a quarter
_IMAGENET_STRIDES = (1, 2, 2, 2)

# CIFAR nets (Section 4 and the official resnet-1k-layers code): 16 channels after conv1, then
# three stages of n = (depth - 2) / 9 bottleneck units with 64/128/256 outputs (16/32/64 x 4).
_CIFAR_WIDTHS = (64, 128, 256)
_CIFAR_STRIDES = (1, 2, 2)


class PreActBottleneck(nn.Module):
    """BN-ReLU-conv1x1, BN-ReLU-conv3x3, BN-ReLU-conv1x1, added to an untouched shortcut (paper Fig. 4e).

    When the unit changes shape, the 1x1 projection shortcut reads the *pre-activated* input, so
    the BN-ReLU is shared by both paths (as in the official code). ``preact=False`` drops the
    unit's own BN-ReLU for a unit whose input was just activated by the stem. ``stride_in_1x1``
    places the stride on the first 1x1 conv (the paper's Caffe models and the official code);
    False puts it on the 3x3 conv, as fb.resnet.torch and timm do.
    """

    expansion = 4

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int = 1,
        *,
        preact: bool = True,
        stride_in_1x1: bool = True,
    ) -> None:
        super().__init__()
        mid = out_channels // self.expansion
        s1, s3 = (stride, 1) if stride_in_1x1 else (1, stride)
        self.bn1: nn.BatchNorm2d | None = nn.BatchNorm2d(in_channels) if preact else None
        self.relu1: nn.ReLU | None = nn.ReLU(inplace=True) if preact else None
        self.conv1 = nn.Conv2d(in_channels, mid, kernel_size=1, stride=s1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(mid, mid, kernel_size=3, stride=s3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(mid)
        self.relu3 = nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(mid, out_channels, kernel_size=1, bias=False)
        # No BN on the projection: its input is already normalised and activated.
        self.shortcut: nn.Conv2d | None = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x
        if self.bn1 is not None and self.relu1 is not None:
            out = self.relu1(self.bn1(x))
        # An identity shortcut carries the raw sum of the previous units (the paper's point: a
        # clean information path); a projection must read the activated tensor to see BN-ReLU.
        shortcut = x if self.shortcut is None else self.shortcut(out)
        out = self.conv1(out)
        out = self.conv2(self.relu2(self.bn2(out)))
        out = self.conv3(self.relu3(self.bn3(out)))
        return out + shortcut


class PreActResNet(nn.Module):
    """A stem, stages of pre-activation bottlenecks, a final BN-ReLU, global average pool and a classifier.

    ``stem="imagenet"``: conv7x7/2, BN, ReLU, max-pool 3x3/2; the first unit then skips its own
    pre-activation because the stem's BN-ReLU already sits "right after conv1 and before
    splitting into two paths" (Section 4.1). ``stem="cifar"``: a single conv3x3 with 16 filters,
    whose BN-ReLU is the first unit's (same placement, as in the official CIFAR code).
    """

    def __init__(
        self,
        layers: Sequence[int],
        widths: Sequence[int],
        strides: Sequence[int],
        *,
        stem: str,
        num_classes: int = 1000,
        stride_in_1x1: bool = True,
    ) -> None:
        super().__init__()
        if stem == "imagenet":
            in_channels = 64
            self.stem = nn.Sequential(
                nn.Conv2d(3, in_channels, kernel_size=7, stride=2, padding=3, bias=False),
                nn.BatchNorm2d(in_channels),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
            )
        elif stem == "cifar":
            in_channels = 16
            self.stem = nn.Sequential(nn.Conv2d(3, in_channels, kernel_size=3, padding=1, bias=False))
        else:
            raise ValueError(f"unknown stem {stem!r}; expected 'imagenet' or 'cifar'")
        first_preact = stem == "cifar"

        stages: list[nn.Sequential] = []
        for index, (count, width, stride) in enumerate(zip(layers, widths, strides)):
            units: list[nn.Module] = []
            for i in range(count):
                units.append(
                    PreActBottleneck(
                        in_channels,
                        width,
                        stride if i == 0 else 1,
                        preact=first_preact or index > 0 or i > 0,
                        stride_in_1x1=stride_in_1x1,
                    )
                )
                in_channels = width
            stages.append(nn.Sequential(*units))
        self.layer1, self.layer2, self.layer3 = stages[:3]
        self.layer4: nn.Sequential | None = stages[3] if len(stages) > 3 else None

        # The sum leaving the last unit has not been normalised: one extra activation (Section 4.1).
        self.bn = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=True)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_channels, num_classes)
        init_conv_bn_linear(self, linear_std=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        if self.layer4 is not None:
            x = self.layer4(x)
        x = self.relu(self.bn(x))
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


def _imagenet(depth: int) -> partial[PreActResNet]:
    """The builder of the ImageNet pre-activation ResNet-``depth`` (50, 101, 152)."""
    return partial(PreActResNet, _IMAGENET_LAYERS[depth], _IMAGENET_WIDTHS, _IMAGENET_STRIDES, stem="imagenet")


def _cifar(depth: int) -> partial[PreActResNet]:
    """The builder of the CIFAR pre-activation ResNet-``depth``: depth 9n + 2 (164, 1001)."""
    if (depth - 2) % 9 != 0 or depth < 11:
        raise ValueError(f"a CIFAR pre-activation ResNet has depth 9n + 2 (164, 1001), got {depth}")
    n = (depth - 2) // 9
    return partial(PreActResNet, (n, n, n), _CIFAR_WIDTHS, _CIFAR_STRIDES, stem="cifar", num_classes=10)


def _depth(depth: int) -> Published:
    """The depth in the model's name: its weight layers on the longest path."""
    name = f"ResNet-{depth}"
    if depth not in _IMAGENET_LAYERS:
        name += f": 9n + 2 with n = {(depth - 2) // 9}"
    return Published(
        metric="depth",
        value=depth,
        source=f"model name ({name})",
        convention="weight layers on the longest path",
        exact=True,
    )


_IMAGENET_NOTES = (
    "Pre-activation bottlenecks (BN-ReLU-conv x3, paper Fig. 4e) in the original ResNet's stage "
    "layout; stem conv7x7/2-BN-ReLU-maxpool, whose activation serves the first unit, and a final "
    "BN-ReLU before the global pool. Stride on the first 1x1 conv of a stage's first unit, as in "
    "the paper's Caffe models and the official resnet-1k-layers code (stride_in_1x1=False moves "
    "it to the 3x3 conv, as fb.resnet.torch's preresnet and timm's ResNetV2 do: same parameters, "
    "more MACs). Projection shortcuts are 1x1 convs without BN reading the pre-activated input. "
    "timm's ResNetV2 differs: stride on the 3x3 conv and no norm in the stem (its first unit "
    "normalises after the max-pool; its BiT variants also use weight-standardised convs with "
    "GroupNorm). torchvision has no pre-activation ResNet."
)


preact_resnet50 = PREACT_RESNET.register(
    "preact_resnet50",
    _imagenet(50),
    notes=_IMAGENET_NOTES,
    published=(_depth(50),),
)


preact_resnet101 = PREACT_RESNET.register(
    "preact_resnet101",
    _imagenet(101),
    notes=_IMAGENET_NOTES,
    published=(_depth(101),),
)


preact_resnet152 = PREACT_RESNET.register(
    "preact_resnet152",
    _imagenet(152),
    notes=_IMAGENET_NOTES,
    published=(_depth(152),),
)


_CIFAR_NOTES = (
    "The CIFAR-10 net of the paper and of the official KaimingHe/resnet-1k-layers code: conv3x3 "
    "with 16 filters, three stages of n = (depth - 2) / 9 pre-activation bottlenecks with "
    "16/32/64 bottleneck and 64/128/256 output channels, final BN-ReLU, 8x8 average pool, linear "
    "classifier. Stride 2 on the first 1x1 conv of stages 2 and 3 (official code); 1x1 projection "
    "shortcuts (no BN) at each stage's first unit, reading the pre-activated input. Convs have no "
    "bias (the official code drops it with cuDNN >= 4). Popular re-implementations (e.g. "
    "kuangliu/pytorch-cifar's PreActResNet) put the stride on the 3x3 conv instead."
)


preact_resnet164 = _CIFAR.register(
    "preact_resnet164",
    _cifar(164),
    notes=_CIFAR_NOTES,
    published=(
        Published.quoted(
            "1.7M",
            metric="params",
            source="paper, CIFAR-10 results (#params of ResNet-164)",
            convention="rounded to 0.1M",
        ),
        _depth(164),
    ),
)


preact_resnet1001 = _CIFAR.register(
    "preact_resnet1001",
    _cifar(1001),
    notes=_CIFAR_NOTES,
    published=(
        Published.quoted(
            "10.2M",
            metric="params",
            source="paper, CIFAR-10 results (#params of ResNet-1001)",
            convention="rounded to 0.1M",
            deviation="we count BN's scale and shift: 10,327,706 parameters (10.3M); the paper's "
            "10.2M matches the conv and linear layers alone (10,178,490), i.e. it leaves out the "
            "149,216 BN parameters (at ResNet-164's size both counts round to 1.7M)",
        ),
        _depth(1001),
    ),
)

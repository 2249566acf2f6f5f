"""DenseNet (Huang, Liu, van der Maaten & Weinberger, 2016): the ImageNet DenseNet-BC nets and DenseNet-BC for CIFAR."""

from __future__ import annotations

import math
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from ._common import init_conv_bn_linear
from ._registry import Family, Published

__all__ = [
    "DenseBlock",
    "DenseLayer",
    "DenseNet",
    "Transition",
    "densenet121",
    "densenet_bc",
    "densenet161",
    "densenet169",
    "densenet201",
    "densenet_bc100_k12",
]

DENSENET = Family(
    "densenet",
    year=2016,
    paper="Densely Connected Convolutional Networks",
    arxiv="1608.06993",
    input_size=(3, 224, 224),
)

# Paper Table 2 / Section 4.2: DenseNet-BC (L=100, k=12) for CIFAR has three equal blocks of
# (L - 4) / 6 = 16 bottleneck layers (each layer is two convs: (100 - 4) / 2 / 3) and a 2k-filter stem.
_CIFAR_DEPTH = 100
_CIFAR_GROWTH = 12

_TORCHVISION_GFLOPS = "torchvision docs (DenseNet*_Weights.IMAGENET1K_V1, 'GFLOPS' = MACs at 224x224)"


class DenseLayer(nn.Module):
    """BN-ReLU-Conv1x1 (bottleneck, ``bn_size * k`` maps) then BN-ReLU-Conv3x3 (``k`` maps).

    Takes the list of all preceding feature maps of its block and concatenates them itself, so that
    each layer's input is exactly [x_0, ..., x_{l-1}] of the paper's Eq. 2.
    """

    def __init__(self, in_channels: int, growth_rate: int, bn_size: int, drop_rate: float = 0.0) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU(inplace=True)
        # No biases: every conv is followed (directly or in the next layer) by a BN that absorbs them.
        self.conv1 = nn.Conv2d(in_channels, bn_size * growth_rate, kernel_size=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, padding=1, bias=False)
        self.drop_rate = float(drop_rate)

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        x = torch.cat(features, 1)
        x = self.conv1(self.relu1(self.norm1(x)))
        x = self.conv2(self.relu2(self.norm2(x)))
        if self.drop_rate > 0:
            x = F.dropout(x, p=self.drop_rate, training=self.training)
        return x


class DenseBlock(nn.ModuleDict):
    """``num_layers`` dense layers; layer l sees ``in_channels + l * k`` channels (l = 0, 1, ...)."""

    def __init__(
        self, num_layers: int, in_channels: int, growth_rate: int, bn_size: int, drop_rate: float = 0.0
    ) -> None:
        super().__init__()
        for i in range(num_layers):
            layer = DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size, drop_rate)
            self.add_module(f"denselayer{i + 1}", layer)
        self.out_channels = in_channels + num_layers * growth_rate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class Transition(nn.Sequential):
    """BN-ReLU-Conv1x1 to ``floor(theta * m)`` maps, then 2x2 average pooling (compression, Section 3)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """DenseNet-BC with ``features`` / ``classifier`` laid out as in torchvision.

    ``small_input=True`` gives the CIFAR stem of the paper (one 3x3 conv, no BN, no pooling, as in
    the official Torch code); otherwise the ImageNet stem (7x7/2 conv, BN, ReLU, 3x3/2 max-pool).
    ``compression`` is the paper's theta and ``bn_size`` the bottleneck width in units of k.
    """

    def __init__(
        self,
        growth_rate: int = 32,
        block_config: tuple[int, ...] = (6, 12, 24, 16),
        num_init_features: int = 64,
        bn_size: int = 4,
        compression: float = 0.5,
        drop_rate: float = 0.0,
        num_classes: int = 1000,
        small_input: bool = False,
    ) -> None:
        super().__init__()
        if not 0.0 < compression <= 1.0:
            raise ValueError(f"compression must be in (0, 1], got {compression}")
        if small_input:
            stem: list[tuple[str, nn.Module]] = [
                ("conv0", nn.Conv2d(3, num_init_features, kernel_size=3, padding=1, bias=False)),
            ]
        else:
            stem = [
                ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
                ("norm0", nn.BatchNorm2d(num_init_features)),
                ("relu0", nn.ReLU(inplace=True)),
                ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
            ]
        self.features = nn.Sequential()
        for name, module in stem:
            self.features.add_module(name, module)

        channels = num_init_features
        for i, num_layers in enumerate(block_config):
            block = DenseBlock(num_layers, channels, growth_rate, bn_size, drop_rate)
            self.features.add_module(f"denseblock{i + 1}", block)
            channels = block.out_channels
            if i != len(block_config) - 1:
                out_channels = int(math.floor(compression * channels))
                self.features.add_module(f"transition{i + 1}", Transition(channels, out_channels))
                channels = out_channels
        # The last block is followed by BN-ReLU before global pooling, as every conv is pre-activated.
        self.features.add_module(f"norm{len(block_config) + 1}", nn.BatchNorm2d(channels))
        self.classifier = nn.Linear(channels, num_classes)

        init_conv_bn_linear(self, linear_std=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = F.relu(x, inplace=True)
        x = F.adaptive_avg_pool2d(x, (1, 1))
        x = torch.flatten(x, 1)
        return self.classifier(x)


def densenet_bc(
    block_config: tuple[int, ...],
    growth_rate: int,
    *,
    bn_size: int = 4,
    compression: float = 0.5,
    drop_rate: float = 0.0,
    num_classes: int = 1000,
    small_input: bool = False,
) -> DenseNet:
    """DenseNet-BC with dense blocks of ``block_config`` layers and growth rate k, whose stem has 2k filters
    (Section 3, "Implementation Details"). The ImageNet nets are the columns of paper Table 1."""
    return DenseNet(
        growth_rate, block_config, 2 * growth_rate, bn_size, compression, drop_rate, num_classes, small_input
    )


_IMAGENET_NOTES = (
    "DenseNet-BC from the paper's Table 1 (bottleneck 1x1 conv with 4k maps, compression 0.5, "
    "2k-filter 7x7/2 stem), laid out as torchvision (features.denseblockN.denselayerM, "
    "features.transitionN, features.norm5, classifier): identical parameters and MACs. Each dense "
    "layer concatenates its inputs itself, including the single input of the first layer of a block "
    "(a copy, as in torchvision). Differences from the official Torch/Caffe code: none in layout; "
    "torchvision's checkpointing option (memory_efficient) is omitted since it changes no count. "
    "Convs use Kaiming-normal init, the classifier PyTorch's default. Passing growth_rate also sets "
    "the stem to 2k."
)


def _imagenet_published(params: int, gflops: str, depth: int, weights: str) -> tuple[Published, ...]:
    return (
        Published(
            metric="params",
            value=params,
            source=f"torchvision docs ({weights}.IMAGENET1K_V1)",
            convention="exact count",
            exact=True,
        ),
        Published.quoted(gflops + "G", metric="macs", source=_TORCHVISION_GFLOPS, convention="conv+linear MACs"),
        Published(
            metric="depth",
            value=depth,
            source="paper Table 1 (the L in DenseNet-L counts conv and FC layers)",
            convention="weight layers on the longest path",
            exact=True,
        ),
    )


densenet121 = DENSENET.register(
    "densenet121",
    partial(densenet_bc, (6, 12, 24, 16), growth_rate=32),
    aliases=("densenet",),
    notes=_IMAGENET_NOTES,
    published=_imagenet_published(7_978_856, "2.83", 121, "DenseNet121_Weights"),
)


densenet169 = DENSENET.register(
    "densenet169",
    partial(densenet_bc, (6, 12, 32, 32), growth_rate=32),
    notes=_IMAGENET_NOTES,
    published=_imagenet_published(14_149_480, "3.36", 169, "DenseNet169_Weights"),
)


densenet201 = DENSENET.register(
    "densenet201",
    partial(densenet_bc, (6, 12, 48, 32), growth_rate=32),
    notes=_IMAGENET_NOTES,
    published=_imagenet_published(20_013_928, "4.29", 201, "DenseNet201_Weights"),
)


densenet161 = DENSENET.register(
    "densenet161",
    partial(densenet_bc, (6, 12, 36, 24), growth_rate=48),
    notes=_IMAGENET_NOTES,
    published=_imagenet_published(28_681_000, "7.73", 161, "DenseNet161_Weights"),
)


@DENSENET.register(
    "densenet_bc100_k12",
    input_size=(3, 32, 32),
    num_classes=10,
    notes=(
        "DenseNet-BC (L=100, k=12) for CIFAR-10 from the paper's Table 2, as the official Torch code "
        "(liuzhuang13/DenseNet) builds it: a 3x3 conv with 2k=24 filters (no BN/ReLU/pool after it), "
        "three dense blocks of 16 bottleneck layers (32x32, 16x16, 8x8) with compression 0.5 "
        "(24 -> 216 -> 108 -> 300 -> 150 -> 342 channels), then BN-ReLU, global average pooling and "
        "a 10-way linear layer. Dropout is off (the paper uses 0.2 only without data augmentation); "
        "it changes no count. Module layout follows this repository's ImageNet DenseNets."
    ),
    published=(
        Published.quoted(
            "0.8M",
            metric="params",
            source="paper Table 2 (DenseNet-BC, L=100, k=12)",
            convention="rounded to 0.1M",
        ),
        Published(
            metric="depth",
            value=_CIFAR_DEPTH,
            source="paper Table 2 (L=100 counts conv and FC layers)",
            convention="weight layers on the longest path",
            exact=True,
        ),
    ),
)
def densenet_bc100_k12(
    *,
    num_classes: int = 10,
    depth: int = _CIFAR_DEPTH,
    growth_rate: int = _CIFAR_GROWTH,
    bn_size: int = 4,
    compression: float = 0.5,
    drop_rate: float = 0.0,
) -> DenseNet:
    """DenseNet-BC (L=100, k=12) for 3x32x32 CIFAR inputs."""
    # L = stem conv + 3 blocks * n layers * 2 convs + 2 transition convs + classifier = 6n + 4.
    if (depth - 4) % 6 != 0:
        raise ValueError(f"DenseNet-BC for CIFAR needs depth = 6n + 4, got {depth}")
    n = (depth - 4) // 6
    return densenet_bc(
        (n, n, n),
        growth_rate,
        bn_size=bn_size,
        compression=compression,
        drop_rate=drop_rate,
        num_classes=num_classes,
        small_input=True,
    )

"""Network in Network (Lin, Chen & Yan, 2013): the ImageNet NiN released in the Caffe Model Zoo."""

from __future__ import annotations

import torch
from torch import nn

from ._common import is_meta
from ._registry import Family

__all__ = ["MlpConv", "NiN", "nin"]

NIN = Family("nin", year=2013, paper="Network In Network", arxiv="1312.4400", input_size=(3, 224, 224))

_POOL = "M"  # max-pool 3x3 s2, ceil_mode=True (Caffe rounds pooled sizes up)
_DROP = "D"  # dropout 0.5

# The paper reports no ImageNet architecture; this is the author's Caffe Model Zoo release
# ("nin_imagenet" train_val.prototxt). Each mlpconv is (out_channels, kernel, stride, padding) of its
# spatial conv, followed by two 1x1 convs ("cccp" layers) of ``mlp`` channels; the last mlpconv's
# second 1x1 conv gives the class maps instead.
_LAYOUT: tuple[tuple[int, int, int, int, int] | str, ...] = (
    (96, 11, 4, 0, 96),  # conv1, cccp1, cccp2
    _POOL,
    (256, 5, 1, 2, 256),  # conv2, cccp3, cccp4
    _POOL,
    (384, 3, 1, 1, 384),  # conv3, cccp5, cccp6
    _POOL,
    _DROP,
    (1024, 3, 1, 1, 1024),  # conv4-1024, cccp7-1024, cccp8-1024 (num_classes maps)
)


class MlpConv(nn.Module):
    """An mlpconv layer (Section 3.1): a spatial conv followed by a per-pixel MLP, i.e. 1x1 convs,
    each with a ReLU."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int,
        padding: int,
        mlp_channels: tuple[int, int],
    ) -> None:
        super().__init__()
        hidden, last = mlp_channels
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding)
        self.relu = nn.ReLU(inplace=True)
        self.cccp1 = nn.Conv2d(out_channels, hidden, kernel_size=1)
        self.relu1 = nn.ReLU(inplace=True)
        self.cccp2 = nn.Conv2d(hidden, last, kernel_size=1)
        self.relu2 = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.conv(x))
        x = self.relu1(self.cccp1(x))
        return self.relu2(self.cccp2(x))


class NiN(nn.Module):
    """Four mlpconv layers and global average pooling of one map per class: no fully-connected layer."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        in_channels = 3
        mlpconvs = [e for e in _LAYOUT if not isinstance(e, str)]
        for entry in _LAYOUT:
            if entry == _POOL:
                layers.append(nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True))
            elif entry == _DROP:
                layers.append(nn.Dropout(p=dropout))
            else:
                out_channels, kernel, stride, padding, mlp = entry
                last = num_classes if entry is mlpconvs[-1] else mlp
                layers.append(MlpConv(in_channels, out_channels, kernel, stride, padding, (mlp, last)))
                in_channels = last
        self.features = nn.Sequential(*layers)
        # Global average pooling replaces the FC classifier (Section 3.2); the Caffe release pools a
        # fixed 6x6 window, which at 224x224 is the whole map.
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self._init_as_caffe()

    def _init_as_caffe(self) -> None:
        # The prototxt's Gaussian fillers: std 0.01 for conv1, conv3 and the class-map conv, 0.05
        # elsewhere; biases 0.
        if is_meta(self):
            return
        blocks = [m for m in self.features if isinstance(m, MlpConv)]
        small = {id(blocks[0].conv), id(blocks[2].conv), id(blocks[-1].cccp2)}
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, mean=0.0, std=0.01 if id(m) in small else 0.05)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        return torch.flatten(x, 1)


nin = NIN.register(
    "nin",
    NiN,
    aliases=("nin_imagenet", "network_in_network"),
    notes=(
        "The paper only describes CIFAR/SVHN/MNIST nets; this is the ImageNet NiN of the author's Caffe "
        "Model Zoo release (nin_imagenet train_val.prototxt, 224x224 crops): mlpconv 96 11x11/4, "
        "256 5x5 pad 2, 384 3x3 pad 1, 1024 3x3 pad 1, each followed by two 1x1 convs (the last one "
        "to 1000 class maps), all with ReLU; 3x3/2 max-pools with Caffe's ceil rounding; dropout 0.5 "
        "before the last mlpconv; global average pooling and no FC layer. The Caffe model pools a fixed "
        "6x6 window (global only at 224); AdaptiveAvgPool2d(1) is global at any size. There is no "
        "torchvision model; ports such as pytorch-nin share this layout."
    ),
)

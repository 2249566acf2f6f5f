"""GoogLeNet / Inception v1 (Szegedy et al., 2014) as in the paper, with the inception module as a block."""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from ._common import is_meta
from ._registry import Family, Published

__all__ = [
    "BasicConv2d",
    "GoogLeNet",
    "GoogLeNetOutputs",
    "Inception",
    "InceptionAux",
    "NaiveInception",
    "googlenet",
]

GOOGLENET = Family(
    "googlenet", year=2014, paper="Going Deeper with Convolutions", arxiv="1409.4842", input_size=(3, 224, 224)
)

# Paper Table 1, inception rows as
# (name, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj).
# A max pool 3x3/2 precedes 4a and 5a (the rows between them in the table).
_INCEPTIONS: tuple[tuple[str, int, int, int, int, int, int], ...] = (
    ("3a", 64, 96, 128, 16, 32, 32),
    ("3b", 128, 128, 192, 32, 96, 64),
    ("4a", 192, 96, 208, 16, 48, 64),
    ("4b", 160, 112, 224, 24, 64, 64),
    ("4c", 128, 128, 256, 24, 64, 64),
    ("4d", 112, 144, 288, 32, 64, 64),
    ("4e", 256, 160, 320, 32, 128, 128),
    ("5a", 256, 160, 320, 32, 128, 128),
    ("5b", 384, 192, 384, 48, 128, 128),
)

# Caffe's bvlc_googlenet normalises after pool1 and after conv2/3x3 with these (k stays Caffe's 1).
# PyTorch divides alpha by size exactly as Caffe does, so the values carry over unchanged.
_LRN = {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 1.0}


class BasicConv2d(nn.Sequential):
    """Convolution followed by ReLU. Unlike torchvision's namesake there is no batch norm: the 2014
    network predates it, so the convolutions keep their biases."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0
    ) -> None:
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding),
            nn.ReLU(inplace=True),
        )


class NaiveInception(nn.Module):
    """Figure 2(a): 1x1, 3x3 and 5x5 convolutions and a 3x3 max pool side by side, concatenated.

    Every branch keeps the spatial size ("same" padding, stride 1) so the outputs can be stacked;
    the pool branch passes its ``in_channels`` through, which is why this version only grows.
    ``pool=False`` drops the pool branch.
    """

    def __init__(self, in_channels: int, ch1x1: int, ch3x3: int, ch5x5: int, pool: bool = True) -> None:
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = BasicConv2d(in_channels, ch3x3, kernel_size=3, padding=1)
        self.branch3 = BasicConv2d(in_channels, ch5x5, kernel_size=5, padding=2)
        self.branch4: nn.MaxPool2d | None = nn.MaxPool2d(kernel_size=3, stride=1, padding=1) if pool else None
        self.out_channels = ch1x1 + ch3x3 + ch5x5 + (in_channels if pool else 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs = [self.branch1(x), self.branch2(x), self.branch3(x)]
        if self.branch4 is not None:
            outputs.append(self.branch4(x))
        return torch.cat(outputs, 1)


class Inception(nn.Module):
    """Figure 2(b): the module with dimension reductions, 1x1 convolutions before the expensive 3x3
    and 5x5 convolutions and after the pool, so the concatenated width stays under control."""

    def __init__(
        self,
        in_channels: int,
        ch1x1: int,
        ch3x3red: int,
        ch3x3: int,
        ch5x5red: int,
        ch5x5: int,
        pool_proj: int,
    ) -> None:
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            BasicConv2d(in_channels, ch3x3red, kernel_size=1),
            BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1),
        )
        # A real 5x5 as in the paper and Caffe's bvlc_googlenet; torchvision has a 3x3 here.
        self.branch3 = nn.Sequential(
            BasicConv2d(in_channels, ch5x5red, kernel_size=1),
            BasicConv2d(ch5x5red, ch5x5, kernel_size=5, padding=2),
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
            BasicConv2d(in_channels, pool_proj, kernel_size=1),
        )
        self.out_channels = ch1x1 + ch3x3 + ch5x5 + pool_proj

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class InceptionAux(nn.Module):
    """Section 5's auxiliary classifier on top of 4a and 4d (training only)."""

    def __init__(self, in_channels: int, num_classes: int, dropout: float = 0.7) -> None:
        super().__init__()
        # 5x5/3 turns the 14x14 maps into 4x4, hence 128 * 4 * 4 inputs to the first FC.
        self.avgpool = nn.AvgPool2d(kernel_size=5, stride=3)
        self.conv = BasicConv2d(in_channels, 128, kernel_size=1)
        self.fc1 = nn.Linear(128 * 4 * 4, 1024)
        self.relu = nn.ReLU(inplace=True)
        self.dropout = nn.Dropout(p=dropout)
        self.fc2 = nn.Linear(1024, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(self.avgpool(x))
        x = torch.flatten(x, 1)
        x = self.dropout(self.relu(self.fc1(x)))
        return self.fc2(x)


class GoogLeNetOutputs(NamedTuple):
    """What a training-mode forward returns when the auxiliary classifiers are on (torchvision's order)."""

    logits: torch.Tensor
    aux_logits2: torch.Tensor
    aux_logits1: torch.Tensor


class GoogLeNet(nn.Module):
    """GoogLeNet of Table 1. ``aux_logits=True`` adds the two auxiliary classifiers: they own
    parameters but run only in training mode, where the forward returns :class:`GoogLeNetOutputs`."""

    def __init__(
        self,
        num_classes: int = 1000,
        aux_logits: bool = False,
        dropout: float = 0.4,
        dropout_aux: float = 0.7,
    ) -> None:
        super().__init__()
        # Caffe rounds pooled sizes up: 112 -> 56 -> 28 -> 14 -> 7 needs ceil_mode.
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.lrn1 = nn.LocalResponseNorm(**_LRN)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)  # Table 1's "#3x3 reduce" of the conv row
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.lrn2 = nn.LocalResponseNorm(**_LRN)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)

        in_channels = 192
        widths: dict[str, int] = {}
        for name, *config in _INCEPTIONS:
            block = Inception(in_channels, *config)
            self.add_module(f"inception{name}", block)
            in_channels = widths[name] = block.out_channels
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.maxpool4 = nn.MaxPool2d(3, stride=2, ceil_mode=True)

        self.aux1: InceptionAux | None = None
        self.aux2: InceptionAux | None = None
        if aux_logits:
            self.aux1 = InceptionAux(widths["4a"], num_classes, dropout=dropout_aux)
            self.aux2 = InceptionAux(widths["4d"], num_classes, dropout=dropout_aux)

        # Table 1's "avg pool 7x7/1"; adaptive gives the same 1x1 at 224 and tolerates other sizes.
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(in_channels, num_classes)
        self._init_as_caffe()

    def _init_as_caffe(self) -> None:
        if is_meta(self):
            return
        # bvlc_googlenet: "xavier" fillers (Caffe's is U(+-sqrt(3 / fan_in)), i.e. Kaiming uniform
        # with gain 1), biases 0.2 so the ReLUs start open, the classifiers' biases 0.
        classifiers = {id(self.fc)} | {id(aux.fc2) for aux in (self.aux1, self.aux2) if aux is not None}
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_uniform_(m.weight, a=1.0)
                nn.init.constant_(m.bias, 0.0 if id(m) in classifiers else 0.2)

    def forward(self, x: torch.Tensor) -> torch.Tensor | GoogLeNetOutputs:
        x = self.maxpool1(self.conv1(x))
        x = self.lrn1(x)
        x = self.conv3(self.conv2(x))
        x = self.maxpool2(self.lrn2(x))

        x = self.inception3b(self.inception3a(x))
        x = self.maxpool3(x)
        x = self.inception4a(x)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        x = self.inception4e(x)
        x = self.maxpool4(x)
        x = self.inception5b(self.inception5a(x))

        x = torch.flatten(self.avgpool(x), 1)
        x = self.fc(self.dropout(x))
        if aux1 is not None and aux2 is not None:
            return GoogLeNetOutputs(x, aux2, aux1)
        return x


googlenet = GOOGLENET.register(
    "googlenet",
    GoogLeNet,
    aliases=("inception_v1",),
    notes=(
        "The paper's Table 1 network as in Caffe's bvlc_googlenet: real 5x5 convolutions in the "
        "5x5 branch, biases and no batch norm, LRN (size 5, alpha 1e-4, beta 0.75, k 1) after "
        "pool1 and after conv2 3x3, max pools with ceil_mode (Caffe rounding). torchvision's "
        "googlenet differs: 3x3 convolutions in the '5x5' branch, batch norm after every conv, "
        "no LRN. The auxiliary classifiers (avg pool 5x5/3, 1x1 conv 128, FC 1024, dropout 0.7, "
        "FC) are off by default; with aux_logits=True they add parameters but run only in "
        "training mode. The final 7x7 average pool is adaptive (identical at 224). Init follows "
        "bvlc_googlenet (xavier = U(+-sqrt(3/fan_in)), biases 0.2)."
    ),
    published=(
        Published(
            metric="depth",
            value=22,
            source='paper Section 5 ("22 layers deep when counting only layers with parameters")',
            convention="weight layers on the longest path",
            exact=True,
        ),
        Published.quoted(
            "1.5G",
            metric="macs",
            source='paper Section 1 ("a computational budget of 1.5 billion multiply-adds") and '
            "the sum of Table 1's ops column",
            convention="multiply-adds",
            deviation="Table 1's conv1 row lists 2.7K params / 34M ops, inconsistent with its "
            "7x7/2 conv from 3 to 64 channels (9,408 weights, 118M MACs at 112x112); with the "
            "real conv1 the column sums to 1,502M - 34M + 118M = 1.59G; measured: 1.58G",
        ),
        Published(
            metric="params",
            value=6_624_904,
            source="torchvision docs (GoogLeNet_Weights.IMAGENET1K_V1)",
            convention="exact count, auxiliary classifiers removed",
            exact=True,
            deviation="torchvision's variant uses 3x3 convolutions in the 5x5 branch and batch "
            "norm instead of conv biases, so its count is lower than the paper's network",
        ),
        Published.quoted(
            "1.5G",
            metric="macs",
            source="torchvision docs (GoogLeNet_Weights.IMAGENET1K_V1, 1.5 GFLOPS)",
            convention="MACs called GFLOPS, conv + linear",
            deviation="torchvision's 3x3 convolutions in the '5x5' branch make it cheaper than "
            "the paper's network measured here",
        ),
    ),
)

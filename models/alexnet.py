"""AlexNet (Krizhevsky, Sutskever & Hinton, 2012): the original two-tower net and the single-tower variant."""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from ._registry import Family, Published

__all__ = ["AlexNet", "alexnet", "alexnet_classifier", "alexnet_single"]

ALEXNET = Family(
    "alexnet",
    year=2012,
    paper="ImageNet Classification with Deep Convolutional Neural Networks",
    arxiv=None,
    input_size=(3, 227, 227),
)

# Paper Figure 2 / Section 3.5, as (out_channels, kernel, stride, padding, groups).
# groups=2 is how the two-GPU split is expressed: conv2, conv4 and conv5 only see the maps of
# their own GPU, while conv3 (and the fully-connected layers) see both towers.
_TWO_TOWER_CONVS: tuple[tuple[int, int, int, int, int], ...] = (
    (96, 11, 4, 0, 1),  # conv1
    (256, 5, 1, 2, 2),  # conv2
    (384, 3, 1, 1, 1),  # conv3
    (384, 3, 1, 1, 2),  # conv4
    (256, 3, 1, 1, 2),  # conv5
)

# torchvision's single-tower layout (from the "One weird trick" paper, arXiv 1404.5997).
_SINGLE_TOWER_CONVS: tuple[tuple[int, int, int, int, int], ...] = (
    (64, 11, 4, 2, 1),
    (192, 5, 1, 2, 1),
    (384, 3, 1, 1, 1),
    (256, 3, 1, 1, 1),
    (256, 3, 1, 1, 1),
)

_POOL_AFTER = {0, 1, 4}  # max-pool after conv1, conv2, conv5
_LRN_AFTER = {0, 1}  # response normalisation after conv1, conv2 (Section 3.3)


def alexnet_classifier(in_features: int, num_classes: int, dropout: float = 0.5) -> nn.Sequential:
    """fc6, fc7 (4096 each, ReLU) and fc8, with dropout before fc6 and fc7 as in torchvision (Section 4.2:
    dropout in the first two fully-connected layers); ZFNet keeps these layers unchanged."""
    return nn.Sequential(
        nn.Dropout(p=dropout),
        nn.Linear(in_features, 4096),
        nn.ReLU(inplace=True),
        nn.Dropout(p=dropout),
        nn.Linear(4096, 4096),
        nn.ReLU(inplace=True),
        nn.Linear(4096, num_classes),
    )


class AlexNet(nn.Module):
    """AlexNet with ``features`` / ``classifier`` laid out as in torchvision.

    ``two_tower=True`` builds the 2012 net (grouped convs, LRN, 227x227 input, no adaptive pool);
    ``two_tower=False`` builds torchvision's single-tower variant.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5, two_tower: bool = True) -> None:
        super().__init__()
        table = _TWO_TOWER_CONVS if two_tower else _SINGLE_TOWER_CONVS
        layers: list[nn.Module] = []
        in_channels = 3
        for i, (out_channels, kernel, stride, padding, groups) in enumerate(table):
            layers.append(nn.Conv2d(in_channels, out_channels, kernel, stride=stride, padding=padding, groups=groups))
            layers.append(nn.ReLU(inplace=True))
            if two_tower and i in _LRN_AFTER:
                # PyTorch divides alpha by size, as Caffe does; the paper's alpha=1e-4 did not.
                layers.append(nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0))
            if i in _POOL_AFTER:
                # Overlapping pooling, z=3 s=2 (Section 3.4).
                layers.append(nn.MaxPool2d(kernel_size=3, stride=2))
            in_channels = out_channels
        self.features = nn.Sequential(*layers)
        # The original net is tied to 227x227 inputs and has no pool here (not even an Identity, which
        # would show up as a layer in a profile); torchvision's pool lets any input size reach 6x6.
        self.avgpool: nn.AdaptiveAvgPool2d | None = None if two_tower else nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = alexnet_classifier(in_channels * 6 * 6, num_classes, dropout)
        if two_tower:
            self._init_as_paper()

    def _init_as_paper(self) -> None:
        # Section 5: weights ~ N(0, 0.01); biases of conv2, conv4, conv5 and the hidden FC layers
        # are 1 so the ReLUs start with positive inputs, the remaining biases are 0.
        convs = [m for m in self.features if isinstance(m, nn.Conv2d)]
        linears = [m for m in self.classifier if isinstance(m, nn.Linear)]
        ones = {id(convs[1]), id(convs[3]), id(convs[4]), id(linears[0]), id(linears[1])}
        for m in convs + linears:
            nn.init.normal_(m.weight, mean=0.0, std=0.01)
            nn.init.constant_(m.bias, 1.0 if id(m) in ones else 0.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        if self.avgpool is not None:
            x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


alexnet = ALEXNET.register(
    "alexnet",
    partial(AlexNet, two_tower=True),
    notes=(
        "The original grouped two-tower net (96-256-384-384-256 filters; conv2/4/5 use groups=2, "
        "i.e. Caffe's bvlc_alexnet) at 227x227, where the paper's stated 224 does not give 55x55 "
        "after conv1. It differs from torchvision's single-tower 224 variant with 64/192/384/256/256 "
        "filters, no LRN and an adaptive 6x6 pool (registered here as 'alexnet_single'). "
        "LRN uses k=2, n=5, alpha=1e-4, beta=0.75 from the paper; PyTorch's LocalResponseNorm "
        "divides alpha by n as Caffe does, so the paper's own formula would need alpha=5e-4; "
        "bvlc_alexnet also leaves Caffe's default k=1. Dropout precedes fc6/fc7 as in torchvision "
        "(Caffe applies it after their ReLUs); neither affects parameter or MAC counts."
    ),
    published=(
        Published(
            metric="params",
            value=60_965_224,
            source="Caffe bvlc_alexnet deploy.prototxt",
            convention="exact count",
            exact=True,
        ),
        Published.quoted(
            "60M",
            metric="params",
            source='paper abstract ("60 million parameters")',
            convention="rounded",
            deviation="the paper rounds down: the two-tower net has 60,965,224 parameters (61.0M), "
            "so '60 million' is a round figure, not a count",
        ),
    ),
)


alexnet_single = ALEXNET.register(
    "alexnet_single",
    partial(AlexNet, two_tower=False),
    input_size=(3, 224, 224),
    notes=(
        "torchvision's single-tower AlexNet: 64/192/384/256/256 filters, no grouping, no LRN, "
        "conv1 padding 2 and AdaptiveAvgPool2d((6, 6)) before the classifier. The layout follows "
        "Krizhevsky's 'One weird trick' (arXiv 1404.5997) rather than the 2012 paper; weights use "
        "PyTorch's default init."
    ),
    published=(
        Published(
            metric="params",
            value=61_100_840,
            source="torchvision docs (AlexNet_Weights.IMAGENET1K_V1)",
            convention="exact count",
            exact=True,
        ),
    ),
)

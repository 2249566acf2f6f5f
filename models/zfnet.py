"""ZFNet (Zeiler & Fergus, 2013): the 8-layer net of the paper's Figure 3."""

from __future__ import annotations

import torch
from torch import nn

from ._common import is_meta
from ._registry import Family, Published
from .alexnet import alexnet_classifier

__all__ = ["ZFNet", "zfnet"]

ZFNET = Family(
    "zfnet",
    year=2013,
    paper="Visualizing and Understanding Convolutional Networks",
    arxiv="1311.2901",
    input_size=(3, 224, 224),
)

# Paper Figure 3, as (out_channels, kernel, stride, padding, pool_and_norm) for layers 1-5, where
# pool_and_norm is "pn" (3x3/2 max-pool then contrast normalisation across maps), "p" (pool only)
# or "" (neither). Padding is not in the paper: it is what reproduces the figure's map sizes
# 110 -> 55 -> 26 -> 13 -> 13 -> 13 -> 6 from a 224x224 crop.
_LAYERS: tuple[tuple[int, int, int, int, str], ...] = (
    (96, 7, 2, 1, "pn"),  # layer 1: 7x7/2 instead of AlexNet's 11x11/4 (Section 4.1)
    (256, 5, 2, 0, "pn"),  # layer 2
    (384, 3, 1, 1, ""),  # layer 3
    (384, 3, 1, 1, ""),  # layer 4
    (256, 3, 1, 1, "p"),  # layer 5
)


class ZFNet(nn.Module):
    """ZFNet with ``features`` / ``classifier`` laid out as in torchvision's AlexNet.

    Unlike the two-tower AlexNet, layers 3-5 are dense: the model was trained on a single GPU
    (Section 3), so no grouped convolutions.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        in_channels = 3
        for out_channels, kernel, stride, padding, after in _LAYERS:
            layers.append(nn.Conv2d(in_channels, out_channels, kernel, stride=stride, padding=padding))
            layers.append(nn.ReLU(inplace=True))
            if "p" in after:
                # ceil_mode: the figure's 55 and 13 (from 110 and 26) need Caffe's rounding up.
                layers.append(nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True))
            if "n" in after:
                # The paper cites Krizhevsky et al. for the normalisation and gives no constants;
                # AlexNet's are used. Figure 3 normalises after pooling, as Caffe's CaffeNet does.
                layers.append(nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0))
            in_channels = out_channels
        self.features = nn.Sequential(*layers)
        # "6 . 6 . 256 = 9216 dimensions" (Figure 3 caption); dropout 0.5 in layers 6 and 7 (Section 3).
        self.classifier = alexnet_classifier(in_channels * 6 * 6, num_classes, dropout)
        self._init_as_paper()

    def _init_as_paper(self) -> None:
        # Section 3: all weights start at 1e-2 and biases at 0 (a constant weight, as written).
        # N(0, 1e-2) is used instead: a constant init would leave every filter identical.
        if is_meta(self):
            return
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.normal_(m.weight, mean=0.0, std=0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


zfnet = ZFNET.register(
    "zfnet",
    ZFNet,
    aliases=("zf_net", "zeiler_fergus"),
    notes=(
        "The 8-layer net of Figure 3: 96 7x7/2, 256 5x5/2, 384, 384, 256 3x3 convs and 4096-4096-1000 "
        "FC layers, all dense (single GPU). The paper gives no paddings: conv1 padding 1 and "
        "ceil-mode 3x3/2 max-pools reproduce its map sizes (110, 55, 26, 13, 13, 13, 6). Contrast "
        "normalisation follows each of the first two pools (Figure 3's order) and uses AlexNet's LRN "
        "constants (k=2, n=5, alpha=1e-4, beta=0.75), which the paper does not restate. There is no "
        "torchvision model; common re-implementations differ in padding (e.g. 'same' padding, or "
        "conv1 without padding giving 109x109) and in conv2 padding. The training-time filter RMS "
        "renormalisation has no effect on counts and is not modelled."
    ),
    published=(
        Published(
            metric="depth",
            value=8,
            source='paper Figure 3 caption ("Architecture of our 8 layer convnet model")',
            convention="layers with weights: 5 conv + 3 fully connected",
            exact=True,
        ),
    ),
)

"""SqueezeNet (Iandola et al., 2016): v1.0 from the paper and the official v1.1."""

from __future__ import annotations

import torch
from torch import nn

from ._registry import Published, register_model

__all__ = ["Fire", "SqueezeNet", "squeezenet1_0", "squeezenet1_1"]

_PAPER = "SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size"

_POOL = "M"  # max-pool 3x3 s2, ceil_mode=True (Caffe rounds pooled sizes up)

# Paper Table 1 for v1.0; v1.1 is the DeepScale/SqueezeNet release (as in torchvision).
# "conv1" is (out_channels, kernel, stride); the layout lists _POOL or fire (squeeze, expand1x1, expand3x3).
_CONFIGS: dict[str, dict[str, tuple]] = {
    "1_0": {
        "conv1": (96, 7, 2),
        "layout": (
            _POOL,
            (16, 64, 64),  # fire2
            (16, 64, 64),  # fire3
            (32, 128, 128),  # fire4
            _POOL,
            (32, 128, 128),  # fire5
            (48, 192, 192),  # fire6
            (48, 192, 192),  # fire7
            (64, 256, 256),  # fire8
            _POOL,
            (64, 256, 256),  # fire9
        ),
    },
    # Same fire modules, but a cheaper 3x3 conv1 and earlier pools: ~2.4x fewer MACs, same accuracy.
    "1_1": {
        "conv1": (64, 3, 2),
        "layout": (
            _POOL,
            (16, 64, 64),  # fire2
            (16, 64, 64),  # fire3
            _POOL,
            (32, 128, 128),  # fire4
            (32, 128, 128),  # fire5
            _POOL,
            (48, 192, 192),  # fire6
            (48, 192, 192),  # fire7
            (64, 256, 256),  # fire8
            (64, 256, 256),  # fire9
        ),
    },
}


class Fire(nn.Module):
    """Squeeze with 1x1 convs, then expand with parallel 1x1 and 3x3 convs whose outputs are concatenated."""

    def __init__(self, in_channels: int, squeeze: int, expand1x1: int, expand3x3: int) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.squeeze = nn.Conv2d(in_channels, squeeze, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze, expand1x1, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        # padding=1 keeps the 3x3 branch the same size as the 1x1 branch so they can be concatenated.
        self.expand3x3 = nn.Conv2d(squeeze, expand3x3, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.squeeze_activation(self.squeeze(x))
        return torch.cat(
            [self.expand1x1_activation(self.expand1x1(x)), self.expand3x3_activation(self.expand3x3(x))],
            1,
        )


class SqueezeNet(nn.Module):
    def __init__(self, version: str = "1_0", num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        if version not in _CONFIGS:
            raise ValueError(f"unsupported SqueezeNet version {version!r}; expected one of {sorted(_CONFIGS)}")
        self.num_classes = num_classes
        config = _CONFIGS[version]
        out_channels, kernel, stride = config["conv1"]
        layers: list[nn.Module] = [nn.Conv2d(3, out_channels, kernel_size=kernel, stride=stride), nn.ReLU(inplace=True)]
        in_channels = out_channels
        for entry in config["layout"]:
            if entry == _POOL:
                layers.append(nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True))
            else:
                squeeze, e1, e3 = entry
                layers.append(Fire(in_channels, squeeze, e1, e3))
                in_channels = e1 + e3
        self.features = nn.Sequential(*layers)

        # conv10 replaces the fully-connected layers: global average pooling of per-class maps.
        final_conv = nn.Conv2d(in_channels, num_classes, kernel_size=1)
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), final_conv, nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d((1, 1))
        )

        # As torchvision: conv10 starts small (the official Caffe model uses N(0, 0.01) there too).
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                if m is final_conv:
                    nn.init.normal_(m.weight, mean=0.0, std=0.01)
                else:
                    nn.init.kaiming_uniform_(m.weight)
                nn.init.constant_(m.bias, 0.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.classifier(x)
        return torch.flatten(x, 1)


def _build_squeezenet(version: str, *, num_classes: int = 1000, dropout: float = 0.5) -> SqueezeNet:
    return SqueezeNet(version=version, num_classes=num_classes, dropout=dropout)


@register_model(
    "squeezenet1_0",
    family="squeezenet",
    year=2016,
    paper=_PAPER,
    arxiv="1602.07360",
    input_size=(3, 224, 224),
    aliases=("squeezenet",),
    notes=(
        "SqueezeNet v1.0 as in the paper's Table 1 and torchvision, without the simple/complex bypass "
        "variants and without Deep Compression pruning. Pools use ceil_mode=True (Caffe rounding). "
        "Table 1 states a 224x224 input yet 111x111 after conv1, which only 227x227 gives (the Caffe "
        "release crops 227); the default input here is 224 as in torchvision, so conv1 gives 109x109. "
        "Init follows torchvision (Kaiming uniform, conv10 N(0, 0.01)) rather than the Caffe "
        "release's Xavier."
    ),
    published=(
        Published(
            metric="params",
            value=1_248_424,
            source="torchvision docs (SqueezeNet1_0_Weights.IMAGENET1K_V1)",
            convention="exact count",
            exact=True,
        ),
    ),
)
def squeezenet1_0(*, num_classes: int = 1000, dropout: float = 0.5) -> SqueezeNet:
    """SqueezeNet v1.0 at 3x224x224."""
    return _build_squeezenet("1_0", num_classes=num_classes, dropout=dropout)


@register_model(
    "squeezenet1_1",
    family="squeezenet",
    year=2016,
    paper=_PAPER,
    arxiv="1602.07360",
    input_size=(3, 224, 224),
    notes=(
        "SqueezeNet v1.1 from the DeepScale/SqueezeNet repository (not in the paper): conv1 is "
        "64 3x3 s2 instead of 96 7x7 s2 and pooling moves to after conv1, fire3 and fire5, giving "
        "about 2.4x fewer MACs at the same accuracy. Layout and init as torchvision."
    ),
    published=(
        Published(
            metric="params",
            value=1_235_496,
            source="torchvision docs (SqueezeNet1_1_Weights.IMAGENET1K_V1)",
            convention="exact count",
            exact=True,
        ),
    ),
)
def squeezenet1_1(*, num_classes: int = 1000, dropout: float = 0.5) -> SqueezeNet:
    """SqueezeNet v1.1 at 3x224x224."""
    return _build_squeezenet("1_1", num_classes=num_classes, dropout=dropout)

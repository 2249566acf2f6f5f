"""Xception (Chollet, 2016): Inception modules replaced by depthwise separable convolutions."""

from __future__ import annotations

import torch
from torch import nn

from ._common import init_conv_bn_linear
from ._registry import Family, Published

__all__ = ["SeparableConv2d", "Xception", "XceptionBlock", "xception"]

XCEPTION = Family(
    "xception",
    year=2016,
    paper="Xception: Deep Learning with Depthwise Separable Convolutions",
    arxiv="1610.02357",
    input_size=(3, 299, 299),
)

# Paper Figure 5, as the widths of the separable convs of each residual block.
# Entry flow (after the two plain 3x3 convs of 32 and 64 filters): three downsampling blocks.
_ENTRY_FLOW: tuple[tuple[int, ...], ...] = ((128, 128), (256, 256), (728, 728))
# Middle flow: the same block repeated eight times, identity shortcuts.
_MIDDLE_FLOW: tuple[int, ...] = (728, 728, 728)
_MIDDLE_REPEATS = 8
# Exit flow: one downsampling block, then two separable convs without a shortcut.
_EXIT_FLOW_BLOCK: tuple[int, ...] = (728, 1024)
_EXIT_FLOW_CONVS: tuple[int, ...] = (1536, 2048)

# Keras' BatchNormalization default, used by the reference implementation.
_BN_EPS = 1e-3


class SeparableConv2d(nn.Module):
    """Depthwise 3x3 then pointwise 1x1, with no non-linearity between them (Section 4: adding one
    hurt), and no biases since batch norm follows."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, padding: int = 1) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(
            in_channels, in_channels, kernel_size, padding=padding, groups=in_channels, bias=False
        )
        self.pointwise = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class XceptionBlock(nn.Module):
    """A residual block of Figure 5: [ReLU, SeparableConv, BN] per width, then, when downsampling,
    a 3x3/2 max pool with a 1x1/2 conv + BN on the shortcut; otherwise an identity shortcut."""

    def __init__(self, in_channels: int, widths: tuple[int, ...], downsample: bool, relu_first: bool = True) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = in_channels
        for i, width in enumerate(widths):
            if i > 0 or relu_first:
                # The first ReLU must not be in-place: the shortcut still needs the block's input.
                layers.append(nn.ReLU(inplace=i > 0))
            layers.append(SeparableConv2d(channels, width))
            layers.append(nn.BatchNorm2d(width, eps=_BN_EPS))
            channels = width
        self.shortcut: nn.Sequential | None = None
        if downsample:
            # padding=1 is TensorFlow's "same" here: 147 -> 74 -> 37 -> 19 -> 10, as the 1x1/2 shortcut.
            layers.append(nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, channels, kernel_size=1, stride=2, bias=False),
                nn.BatchNorm2d(channels, eps=_BN_EPS),
            )
        elif in_channels != channels:
            raise ValueError(f"an identity shortcut needs in_channels == out_channels, got {in_channels} -> {channels}")
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        return self.body(x) + identity


def _conv_bn_relu(in_channels: int, out_channels: int, stride: int) -> list[nn.Module]:
    # Unpadded as in the Keras reference: 299 -> 149 -> 147.
    return [
        nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels, eps=_BN_EPS),
        nn.ReLU(inplace=True),
    ]


class Xception(nn.Module):
    def __init__(self, num_classes: int = 1000, middle_repeats: int = _MIDDLE_REPEATS) -> None:
        super().__init__()
        entry: list[nn.Module] = [*_conv_bn_relu(3, 32, stride=2), *_conv_bn_relu(32, 64, stride=1)]
        channels = 64
        for i, widths in enumerate(_ENTRY_FLOW):
            # The stem's last ReLU already ran, so the first block starts with its separable conv.
            entry.append(XceptionBlock(channels, widths, downsample=True, relu_first=i > 0))
            channels = widths[-1]
        self.entry_flow = nn.Sequential(*entry)

        self.middle_flow = nn.Sequential(
            *(XceptionBlock(channels, _MIDDLE_FLOW, downsample=False) for _ in range(middle_repeats))
        )

        exit_layers: list[nn.Module] = [XceptionBlock(channels, _EXIT_FLOW_BLOCK, downsample=True)]
        channels = _EXIT_FLOW_BLOCK[-1]
        for width in _EXIT_FLOW_CONVS:
            exit_layers += [SeparableConv2d(channels, width), nn.BatchNorm2d(width, eps=_BN_EPS), nn.ReLU(inplace=True)]
            channels = width
        self.exit_flow = nn.Sequential(*exit_layers)

        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        # The paper's optional fully-connected layers before the classifier are left out, as in
        # the reported model (and Keras).
        self.fc = nn.Linear(channels, num_classes)
        init_conv_bn_linear(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.exit_flow(self.middle_flow(self.entry_flow(x)))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


xception = XCEPTION.register(
    "xception",
    Xception,
    notes=(
        "Figure 5 as in the Keras reference implementation (keras.applications.Xception): "
        "unpadded stem convs (299 -> 149 -> 147), 'same'-padded separable convs and 3x3/2 max "
        "pools, convs without biases, batch norm (eps 1e-3) after every conv, and no activation "
        "between depthwise and pointwise. timm's legacy_xception / Cadene's port are the same "
        "network; timm's newer xception41/65/71 are the DeepLab 'aligned' variants (strided "
        "separable convs instead of max pools) and differ. Without the paper's optional FC layers."
    ),
    published=(
        Published(
            metric="params",
            value=22_855_952,
            source='paper Table 3 ("Xception: 22,855,952")',
            convention="exact count of trainable parameters: conv weights, BN scale and shift, "
            "FC weights and biases (BN running statistics are buffers, not parameters)",
            exact=True,
        ),
        Published(
            metric="params",
            value=22_910_480,
            source="keras.applications.Xception model.summary() total",
            convention="Keras total = trainable + non-trainable",
            exact=True,
            deviation="the Keras total adds the 54,528 non-trainable BN moving means and "
            "variances (2 x 27,264 BN channels), which PyTorch keeps as buffers",
        ),
    ),
)

"""VGG (Simonyan & Zisserman, 2014): configurations A, A-LRN, B, C, D, E of Table 1 and torchvision's BN variants."""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from ._common import init_conv_bn_linear
from ._registry import Family, Published

__all__ = [
    "VGG",
    "vgg11",
    "vgg11_bn",
    "vgg11_lrn",
    "vgg13",
    "vgg13_bn",
    "vgg16",
    "vgg16_bn",
    "vgg16_c",
    "vgg19",
    "vgg19_bn",
]

VGG_FAMILY = Family(
    "vgg",
    year=2014,
    paper="Very Deep Convolutional Networks for Large-Scale Image Recognition",
    arxiv="1409.1556",
    input_size=(3, 224, 224),
)

_LRN = "LRN"  # local response normalisation, only in A-LRN
_Entry = int | tuple[int, int] | str  # int: conv3-<int> (3x3, pad 1); (channels, 1): conv1-<channels>

# Paper Table 1 (ConvNet configurations): the layers of the five stages of each column; every stage
# ends with a 2x2/2 max-pool.
_CONFIGS: dict[str, tuple[tuple[_Entry, ...], ...]] = {
    "A": ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    "A-LRN": ((64, _LRN), (128,), (256, 256), (512, 512), (512, 512)),
    "B": ((64, 64), (128, 128), (256, 256), (512, 512), (512, 512)),
    # C is B plus a 1x1 conv closing each of the last three stages: extra non-linearity, same field.
    "C": ((64, 64), (128, 128), (256, 256, (256, 1)), (512, 512, (512, 1)), (512, 512, (512, 1))),
    "D": ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
    "E": ((64, 64), (128, 128), (256, 256, 256, 256), (512, 512, 512, 512), (512, 512, 512, 512)),
}


def _make_features(config: tuple[tuple[_Entry, ...], ...], batch_norm: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    in_channels = 3
    for stage in config:
        for entry in stage:
            if entry == _LRN:
                # "the parameters for the LRN layer are those of (Krizhevsky et al., 2012)" (Section 2.1);
                # as for AlexNet, PyTorch (like Caffe) divides alpha by size.
                layers.append(nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0))
                continue
            out_channels, kernel = (entry, 3) if isinstance(entry, int) else entry
            # Padding 1 for 3x3 keeps the resolution within a stage (Section 2.1).
            layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=kernel, padding=kernel // 2))
            if batch_norm:
                # torchvision keeps the conv bias even before BN (the published _bn weights have it).
                layers.append(nn.BatchNorm2d(out_channels))
            layers.append(nn.ReLU(inplace=True))
            in_channels = out_channels
        layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """VGG with torchvision's ``features`` / ``classifier`` layout but without its adaptive pool.

    The paper's nets are trained on 224x224 crops, where the last stage is already 7x7; they handle
    other sizes by turning the FC layers into convs at test time (Section 3.2), not by pooling.
    """

    def __init__(
        self, config: str = "D", num_classes: int = 1000, batch_norm: bool = False, dropout: float = 0.5
    ) -> None:
        super().__init__()
        if config not in _CONFIGS:
            raise ValueError(f"unsupported VGG configuration {config!r}; expected one of {sorted(_CONFIGS)}")
        self.features = _make_features(_CONFIGS[config], batch_norm)
        # Section 2.1: two 4096-channel FC layers then a 1000-way one; dropout 0.5 on the first two
        # (Section 3.1), placed after their ReLUs as in torchvision.
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        init_conv_bn_linear(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


_COMMON_NOTES = (
    "Input 224x224. Unlike torchvision there is no AdaptiveAvgPool2d((7, 7)) before the classifier "
    "(an identity at 224, but it makes torchvision accept other sizes); the paper instead evaluates "
    "larger images by converting the FC layers to convolutions. Dropout follows the ReLUs of fc6/fc7 "
    "and init is torchvision's (Kaiming-normal convs, N(0, 0.01) linears) rather than the paper's "
    "zero-mean normal with variance 1e-2, deeper nets partly initialised from net A (Section 3.1)."
)
_BN_NOTES = (
    " BatchNorm after every conv (before ReLU) is torchvision's addition, not in the paper (which "
    "predates batch normalisation); the conv biases are kept as in torchvision."
)


def _torchvision(weights: str, params: int, gflops: str, *, bn: bool) -> tuple[Published, Published]:
    source = f"torchvision docs ({weights}.IMAGENET1K_V1)"
    return (
        Published(metric="params", value=params, source=source, convention="exact count", exact=True),
        Published.quoted(
            f"{gflops}G",
            metric="macs",
            source=source,
            convention="GFLOPS column, which counts conv+linear MACs" + (" (BN not counted)" if bn else ""),
        ),
    )


def _paper(config: str, millions: str, depth: int) -> tuple[Published, Published]:
    return (
        Published.quoted(
            f"{millions}M",
            metric="params",
            source=f"paper Table 2 (number of parameters, configuration {config})",
            convention="millions, rounded",
        ),
        Published(
            metric="depth",
            value=depth,
            source=f"paper Table 1 (configuration {config}: {depth} weight layers)",
            convention="conv and FC layers on the path",
            exact=True,
        ),
    )


def _notes(text: str, *, batch_norm: bool = False) -> str:
    return text + " " + _COMMON_NOTES + (_BN_NOTES if batch_norm else "")


vgg11 = VGG_FAMILY.register(
    "vgg11",
    partial(VGG, "A"),
    aliases=("vgg_a",),
    notes=_notes("Configuration A of Table 1 (8 conv + 3 FC), as torchvision's vgg11."),
    published=(*_torchvision("VGG11_Weights", 132_863_336, "7.61", bn=False), *_paper("A", "133", 11)),
)

vgg11_lrn = VGG_FAMILY.register(
    "vgg11_lrn",
    partial(VGG, "A-LRN"),
    aliases=("vgg_a_lrn",),
    notes=_notes(
        "Configuration A-LRN of Table 1: A with LRN after the first conv (k=2, n=5, alpha=1e-4, "
        "beta=0.75 as AlexNet; the paper found it does not help). Not in torchvision."
    ),
    published=_paper("A-LRN", "133", 11),
)

vgg13 = VGG_FAMILY.register(
    "vgg13",
    partial(VGG, "B"),
    aliases=("vgg_b",),
    notes=_notes("Configuration B of Table 1 (10 conv + 3 FC), as torchvision's vgg13."),
    published=(*_torchvision("VGG13_Weights", 133_047_848, "11.31", bn=False), *_paper("B", "133", 13)),
)

vgg16_c = VGG_FAMILY.register(
    "vgg16_c",
    partial(VGG, "C"),
    aliases=("vgg_c",),
    notes=_notes(
        "Configuration C of Table 1: B plus a 1x1 conv (conv1-256, conv1-512, conv1-512) closing "
        "stages 3-5. Not in torchvision, whose vgg16 is configuration D."
    ),
    published=_paper("C", "134", 16),
)

vgg16 = VGG_FAMILY.register(
    "vgg16",
    partial(VGG, "D"),
    aliases=("vgg_d",),
    notes=_notes("Configuration D of Table 1 (13 conv + 3 FC), as torchvision's vgg16."),
    published=(*_torchvision("VGG16_Weights", 138_357_544, "15.47", bn=False), *_paper("D", "138", 16)),
)

vgg19 = VGG_FAMILY.register(
    "vgg19",
    partial(VGG, "E"),
    aliases=("vgg_e",),
    notes=_notes("Configuration E of Table 1 (16 conv + 3 FC), as torchvision's vgg19."),
    published=(*_torchvision("VGG19_Weights", 143_667_240, "19.63", bn=False), *_paper("E", "144", 19)),
)

vgg11_bn = VGG_FAMILY.register(
    "vgg11_bn",
    partial(VGG, "A", batch_norm=True),
    notes=_notes("Configuration A with batch normalisation, as torchvision's vgg11_bn.", batch_norm=True),
    published=_torchvision("VGG11_BN_Weights", 132_868_840, "7.61", bn=True),
)

vgg13_bn = VGG_FAMILY.register(
    "vgg13_bn",
    partial(VGG, "B", batch_norm=True),
    notes=_notes("Configuration B with batch normalisation, as torchvision's vgg13_bn.", batch_norm=True),
    published=_torchvision("VGG13_BN_Weights", 133_053_736, "11.31", bn=True),
)

vgg16_bn = VGG_FAMILY.register(
    "vgg16_bn",
    partial(VGG, "D", batch_norm=True),
    notes=_notes("Configuration D with batch normalisation, as torchvision's vgg16_bn.", batch_norm=True),
    published=_torchvision("VGG16_BN_Weights", 138_365_992, "15.47", bn=True),
)

vgg19_bn = VGG_FAMILY.register(
    "vgg19_bn",
    partial(VGG, "E", batch_norm=True),
    notes=_notes("Configuration E with batch normalisation, as torchvision's vgg19_bn.", batch_norm=True),
    published=_torchvision("VGG19_BN_Weights", 143_678_248, "19.63", bn=True),
)

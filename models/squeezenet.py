"""SqueezeNet (Iandola et al., 2016): v1.0 from the paper, its bypass variants, and the official v1.1."""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from ._registry import Family, Published

__all__ = [
    "Fire",
    "SqueezeNet",
    "fire_configs_from_metaparameters",
    "squeezenet1_0",
    "squeezenet1_0_complex_bypass",
    "squeezenet1_0_simple_bypass",
    "squeezenet1_1",
    "squeezenet_from_metaparameters",
]

SQUEEZENET = Family(
    "squeezenet",
    year=2016,
    paper="SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size",
    arxiv="1602.07360",
    input_size=(3, 224, 224),
)

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


# Section 6 / Figure 2, by fire module number (fire2 .. fire9 of v1.0). A simple bypass is a wire,
# so it only fits where a module's input and output have the same channels: fire3, 5, 7, 9.
# The complex bypass adds 1x1 conv bypasses (as many filters as the module's outputs) around the others.
_SIMPLE_BYPASS = (3, 5, 7, 9)
_COMPLEX_BYPASS = (2, 4, 6, 8)
_BYPASSES = {"none": {}, "simple": dict.fromkeys(_SIMPLE_BYPASS, "simple")}
_BYPASSES["complex"] = {**_BYPASSES["simple"], **dict.fromkeys(_COMPLEX_BYPASS, "complex")}

# Section 5.1's metaparameters; these defaults give v1.0's fire modules (paper Table 1).
_METAPARAMETERS = {"base_e": 128, "incr_e": 128, "pct_3x3": 0.5, "freq": 2, "sr": 0.125}
_NUM_FIRES = 8


class Fire(nn.Module):
    """Squeeze with 1x1 convs, then expand with parallel 1x1 and 3x3 convs whose outputs are concatenated.

    ``bypass`` adds the module's input to its output (Section 6): ``"simple"`` as is (channels must
    match), ``"complex"`` through a 1x1 conv with as many filters as the module has outputs.
    """

    def __init__(self, in_channels: int, squeeze: int, expand1x1: int, expand3x3: int, bypass: str = "none") -> None:
        super().__init__()
        if bypass not in ("none", "simple", "complex"):
            raise ValueError(f"bypass must be 'none', 'simple' or 'complex', got {bypass!r}")
        out_channels = expand1x1 + expand3x3
        if bypass == "simple" and in_channels != out_channels:
            raise ValueError(f"a simple bypass needs equal channels, got {in_channels} -> {out_channels}")
        self.in_channels = in_channels
        self.bypass_kind = bypass
        self.squeeze = nn.Conv2d(in_channels, squeeze, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze, expand1x1, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        # padding=1 keeps the 3x3 branch the same size as the 1x1 branch so they can be concatenated.
        self.expand3x3 = nn.Conv2d(squeeze, expand3x3, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)
        # With a bias like every other SqueezeNet conv (Caffe's default); no ReLU follows the sum.
        self.bypass: nn.Conv2d | None = (
            nn.Conv2d(in_channels, out_channels, kernel_size=1) if bypass == "complex" else None
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        x = self.squeeze_activation(self.squeeze(x))
        out = torch.cat(
            [self.expand1x1_activation(self.expand1x1(x)), self.expand3x3_activation(self.expand3x3(x))],
            1,
        )
        if self.bypass is not None:
            out += self.bypass(identity)
        elif self.bypass_kind == "simple":
            out += identity
        return out


def fire_configs_from_metaparameters(
    base_e: int = _METAPARAMETERS["base_e"],
    incr_e: int = _METAPARAMETERS["incr_e"],
    pct_3x3: float = _METAPARAMETERS["pct_3x3"],
    freq: int = _METAPARAMETERS["freq"],
    sr: float = _METAPARAMETERS["sr"],
    num_fires: int = _NUM_FIRES,
) -> tuple[tuple[int, int, int], ...]:
    """(squeeze, expand1x1, expand3x3) of each fire module from Section 5.1's metaparameters.

    Fire module i (0-based) has e_i = base_e + incr_e * floor(i / freq) expand filters, of which
    pct_3x3 are 3x3, and SR * e_i squeeze filters.
    """
    configs = []
    for i in range(num_fires):
        e = base_e + incr_e * (i // freq)
        e3 = int(e * pct_3x3)
        s = int(e * sr)
        if s < 1 or e3 < 0 or e3 > e:
            raise ValueError(f"metaparameters give an empty fire module {i + 2}: e={e}, squeeze={s}, e3x3={e3}")
        configs.append((s, e - e3, e3))
    return tuple(configs)


class SqueezeNet(nn.Module):
    """SqueezeNet ``version`` "1_0" or "1_1"; ``bypass`` is "none", "simple" or "complex" (Section 6),
    ``fires`` replaces the eight (squeeze, expand1x1, expand3x3) triples of the version's layout."""

    def __init__(
        self,
        version: str = "1_0",
        num_classes: int = 1000,
        dropout: float = 0.5,
        bypass: str = "none",
        fires: tuple[tuple[int, int, int], ...] | None = None,
    ) -> None:
        super().__init__()
        if version not in _CONFIGS:
            raise ValueError(f"unsupported SqueezeNet version {version!r}; expected one of {sorted(_CONFIGS)}")
        if bypass not in _BYPASSES:
            raise ValueError(f"unsupported bypass {bypass!r}; expected one of {sorted(_BYPASSES)}")
        if fires is not None and len(fires) != _NUM_FIRES:
            raise ValueError(f"expected {_NUM_FIRES} fire configurations, got {len(fires)}")
        self.num_classes = num_classes
        config = _CONFIGS[version]
        out_channels, kernel, stride = config["conv1"]
        layers: list[nn.Module] = [nn.Conv2d(3, out_channels, kernel_size=kernel, stride=stride), nn.ReLU(inplace=True)]
        in_channels = out_channels
        fire_number = 2  # the paper numbers the modules fire2 .. fire9
        for entry in config["layout"]:
            if entry == _POOL:
                layers.append(nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True))
            else:
                squeeze, e1, e3 = entry if fires is None else fires[fire_number - 2]
                kind = _BYPASSES[bypass].get(fire_number, "none")
                layers.append(Fire(in_channels, squeeze, e1, e3, bypass=kind))
                in_channels = e1 + e3
                fire_number += 1
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


def squeezenet_from_metaparameters(
    *,
    base_e: int = _METAPARAMETERS["base_e"],
    incr_e: int = _METAPARAMETERS["incr_e"],
    pct_3x3: float = _METAPARAMETERS["pct_3x3"],
    freq: int = _METAPARAMETERS["freq"],
    sr: float = _METAPARAMETERS["sr"],
    bypass: str = "none",
    num_classes: int = 1000,
    dropout: float = 0.5,
) -> SqueezeNet:
    """A v1.0-layout SqueezeNet whose fire modules come from Section 5's metaparameters
    (the design-space exploration of Figure 3); the defaults rebuild squeezenet1_0."""
    fires = fire_configs_from_metaparameters(base_e, incr_e, pct_3x3, freq, sr)
    return SqueezeNet("1_0", num_classes=num_classes, dropout=dropout, bypass=bypass, fires=fires)


squeezenet1_0 = SQUEEZENET.register(
    "squeezenet1_0",
    partial(SqueezeNet, "1_0"),
    aliases=("squeezenet",),
    notes=(
        "SqueezeNet v1.0 as in the paper's Table 1 and torchvision, without the simple/complex bypass "
        "of Section 6 (registered as squeezenet1_0_simple_bypass / _complex_bypass) and without Deep "
        "Compression pruning. Pools use ceil_mode=True (Caffe rounding). "
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


squeezenet1_1 = SQUEEZENET.register(
    "squeezenet1_1",
    partial(SqueezeNet, "1_1"),
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


_BYPASS_NOTES = (
    " Otherwise identical to squeezenet1_0 (224x224 input, ceil-mode pools, torchvision init); the "
    "bypass sum is not followed by a ReLU, and the next module (or pool) takes the sum. The paper's "
    "Table 3 reports model sizes only (4.8MB vanilla and simple, 7.7MB complex); these are not "
    "registered as figures, since 7.7MB does not follow from the described 1x1 bypass convs "
    "(1,589,672 parameters, 6.4MB at fp32)."
)


squeezenet1_0_simple_bypass = SQUEEZENET.register(
    "squeezenet1_0_simple_bypass",
    partial(SqueezeNet, "1_0", bypass="simple"),
    aliases=("squeezenet_simple_bypass",),
    notes=(
        "SqueezeNet v1.0 with the simple bypass of Section 6 / Figure 2 (middle): identity "
        "connections around fire3, fire5, fire7 and fire9, whose inputs and outputs have equal "
        "channels (out = fire(x) + x), as in the official songhan/SqueezeNet-Residual release. "
        "No parameters are added." + _BYPASS_NOTES
    ),
    published=(
        Published(
            metric="params",
            value=1_248_424,
            source="torchvision docs (SqueezeNet1_0_Weights.IMAGENET1K_V1); paper Section 6: the "
            "simple bypass adds no parameters (Table 3: same 4.8MB model size)",
            convention="exact count",
            exact=True,
        ),
    ),
)


squeezenet1_0_complex_bypass = SQUEEZENET.register(
    "squeezenet1_0_complex_bypass",
    partial(SqueezeNet, "1_0", bypass="complex"),
    aliases=("squeezenet_complex_bypass",),
    notes=(
        "SqueezeNet v1.0 with the complex bypass of Section 6 / Figure 2 (right): the simple "
        "bypasses around fire3/5/7/9 plus 1x1 conv bypasses (with bias) around fire2 (96->128), "
        "fire4 (128->256), fire6 (256->384) and fire8 (384->512), adding 339,968 weights and 1,280 "
        "biases. No official release exists; the bypass conv's bias is our choice (Caffe's default)." + _BYPASS_NOTES
    ),
)

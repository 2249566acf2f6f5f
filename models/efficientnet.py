"""EfficientNet (Tan & Le, 2019): the B0 baseline and its compound-scaled B1..B7."""

from __future__ import annotations

import math
from functools import partial

import torch
from torch import nn

from ._common import init_conv_bn_linear, is_meta
from ._registry import Family, Published

__all__ = [
    "EfficientNet",
    "MBConv",
    "SqueezeExcitation",
    "StochasticDepth",
    "compound_coefficients",
    "efficientnet",
    "efficientnet_b0",
    "efficientnet_b1",
    "efficientnet_b2",
    "efficientnet_b3",
    "efficientnet_b4",
    "efficientnet_b5",
    "efficientnet_b6",
    "efficientnet_b7",
]

EFFICIENTNET = Family(
    "efficientnet",
    year=2019,
    paper="EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks",
    arxiv="1905.11946",
    input_size=(3, 224, 224),
)

# Paper Table 1, the EfficientNet-B0 baseline. Stage 1 (conv3x3, 32 channels, stride 2) and
# stage 9 (conv1x1 to 1280, pooling, FC) are _STEM_CHANNELS / _HEAD_CHANNELS; stages 2-8 are rows of
# (expand_ratio, kernel, stride, out_channels, layers): "MBConv6, k5x5" is expand_ratio 6, kernel 5.
# Table 1 gives resolutions rather than strides: a stage's first block has stride 2 when the next
# stage's resolution is half of its own (112 -> 56 -> 28 -> 14 -> 7).
_STEM_CHANNELS = 32
_B0_STAGES: tuple[tuple[int, int, int, int, int], ...] = (
    (1, 3, 1, 16, 1),  # stage 2: MBConv1, k3x3, 112x112
    (6, 3, 2, 24, 2),  # stage 3: MBConv6, k3x3, 112 -> 56
    (6, 5, 2, 40, 2),  # stage 4: MBConv6, k5x5, 56 -> 28
    (6, 3, 2, 80, 3),  # stage 5: MBConv6, k3x3, 28 -> 14
    (6, 5, 1, 112, 3),  # stage 6: MBConv6, k5x5, 14x14
    (6, 5, 2, 192, 4),  # stage 7: MBConv6, k5x5, 14 -> 7
    (6, 3, 1, 320, 1),  # stage 8: MBConv6, k3x3, 7x7
)
_HEAD_CHANNELS = 1280

# (width_mult, depth_mult, resolution, dropout) of each variant: the only place they are written (the
# builders, input sizes and notes below are derived from it). The paper has no table of them (its Table 2
# gives B0..B7's accuracy, parameters and FLOPs); they are the official release's efficientnet_params()
# in tensorflow/tpu efficientnet_builder.py, copied unchanged by torchvision and timm. They were picked by
# hand and are not exactly alpha**phi, beta**phi, gamma**phi: phi=1 would give depth 1.2, width 1.1 and
# 224 x 1.15 = 258, whereas B1 has depth 1.1, width 1.0 and 240.
_VARIANTS: dict[str, tuple[float, float, int, float]] = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}

_SE_RATIO = 0.25
_STOCHASTIC_DEPTH_PROB = 0.2  # the official "drop_connect_rate", the same for every variant
# The official TF model's batch norm (momentum 0.99 in TF's convention is 0.01 in PyTorch's).
_BN_EPS = 1e-3
_BN_MOMENTUM = 0.01


def compound_coefficients(
    phi: float, alpha: float = 1.2, beta: float = 1.1, gamma: float = 1.15
) -> tuple[float, float, float]:
    """Paper Eq. 3: depth d = alpha**phi, width w = beta**phi, resolution r = gamma**phi.

    alpha, beta, gamma are the paper's grid-searched values for B0, chosen so that
    alpha * beta**2 * gamma**2 is about 2: each unit of phi roughly doubles the FLOPs.
    """
    return alpha**phi, beta**phi, gamma**phi


def _make_divisible(value: float, divisor: int = 8, min_value: int | None = None) -> int:
    """Round a channel count to the nearest multiple of ``divisor`` without losing more than 10%."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    # Rounding to the nearest multiple can drop up to divisor/2 channels; for small layers that
    # is too much capacity, so such a layer goes up one multiple instead.
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def _scale_channels(channels: int, width_mult: float) -> int:
    return _make_divisible(channels * width_mult, 8)


def _scale_depth(layers: int, depth_mult: float) -> int:
    # ceil, as the official round_repeats: a stage never loses a block when depth_mult >= 1.
    return int(math.ceil(depth_mult * layers))


def _conv_bn_act(
    in_channels: int,
    out_channels: int,
    kernel_size: int,
    *,
    stride: int = 1,
    groups: int = 1,
    activation: bool = True,
) -> nn.Sequential:
    """conv (no bias: BN follows) + BN (+ SiLU), torchvision's Conv2dNormActivation layout."""
    layers: list[nn.Module] = [
        nn.Conv2d(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            # Symmetric k//2 padding, as torchvision; TF's "same" pads asymmetrically at stride 2
            # but gives the same output sizes, so counts are unaffected.
            padding=(kernel_size - 1) // 2,
            groups=groups,
            bias=False,
        ),
        nn.BatchNorm2d(out_channels, eps=_BN_EPS, momentum=_BN_MOMENTUM),
    ]
    if activation:
        layers.append(nn.SiLU(inplace=True))
    return nn.Sequential(*layers)


class StochasticDepth(nn.Module):
    """Drop the residual branch per sample with probability ``p`` during training (Huang et al., 2016).

    In eval it is the identity and runs no op; survivors are scaled by 1/(1-p) so that eval needs
    no rescaling.
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"drop probability must be in [0, 1], got {p}")
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        survival = 1.0 - self.p
        # One draw per sample ("row" mode): the whole branch is kept or dropped for that sample.
        noise = x.new_empty((x.shape[0],) + (1,) * (x.dim() - 1)).bernoulli_(survival)
        if survival > 0.0:
            noise.div_(survival)
        return x * noise

    def extra_repr(self) -> str:
        return f"p={self.p}"


class SqueezeExcitation(nn.Module):
    """Squeeze-and-excitation (Hu et al.): global pool, 1x1 reduce + SiLU, 1x1 expand + sigmoid, rescale."""

    def __init__(self, channels: int, squeeze_channels: int) -> None:
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        # 1x1 convs with bias, as the official code: equivalent to FC layers on the pooled vector.
        self.fc1 = nn.Conv2d(channels, squeeze_channels, 1)
        self.activation = nn.SiLU(inplace=True)
        self.fc2 = nn.Conv2d(squeeze_channels, channels, 1)
        self.scale_activation = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scale = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))
        return scale * x


class MBConv(nn.Module):
    """Mobile inverted bottleneck (MobileNetV2 / MnasNet) with squeeze-and-excitation.

    1x1 expansion to ``in_channels * expand_ratio`` (absent for MBConv1), depthwise kxk, SE, linear
    1x1 projection; identity shortcut when stride is 1 and channels are unchanged.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        expand_ratio: int,
        kernel_size: int,
        stride: int,
        stochastic_depth_prob: float = 0.0,
        se_ratio: float = _SE_RATIO,
    ) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"MBConv stride must be 1 or 2, got {stride}")
        self.use_res_connect = stride == 1 and in_channels == out_channels
        expanded = _make_divisible(in_channels * expand_ratio, 8)
        layers: list[nn.Module] = []
        if expanded != in_channels:
            layers.append(_conv_bn_act(in_channels, expanded, 1))
        layers.append(_conv_bn_act(expanded, expanded, kernel_size, stride=stride, groups=expanded))
        # The SE bottleneck is sized from the block's input, not its expanded width (as the
        # official code): a quarter of in_channels, i.e. 1/24 of the expanded width in MBConv6.
        layers.append(SqueezeExcitation(expanded, max(1, int(in_channels * se_ratio))))
        # Linear bottleneck: no activation after the projection (MobileNetV2).
        layers.append(_conv_bn_act(expanded, out_channels, 1, activation=False))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob)
        self.out_channels = out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        result = self.block(x)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += x
        return result


class EfficientNet(nn.Module):
    """Stem conv3x3/2, the MBConv stages of Table 1 scaled by width and depth, conv1x1 head, pool, FC.

    An EfficientNet scaled from B0 by ``width_mult`` (channels, rounded to multiples of 8) and
    ``depth_mult`` (blocks per stage, rounded up). Resolution is the input size, not part of the
    module: scale it with the third value of :func:`compound_coefficients`.
    Module paths follow torchvision: ``features.0`` stem, ``features.1..7`` stages, ``features.8`` head,
    ``avgpool``, ``classifier = (Dropout, Linear)``.
    """

    def __init__(
        self,
        width_mult: float = 1.0,
        depth_mult: float = 1.0,
        dropout: float = 0.2,
        num_classes: int = 1000,
        *,
        stochastic_depth_prob: float = _STOCHASTIC_DEPTH_PROB,
        stages: tuple[tuple[int, int, int, int, int], ...] = _B0_STAGES,
    ) -> None:
        super().__init__()
        self.width_mult = width_mult
        self.depth_mult = depth_mult
        in_channels = _scale_channels(_STEM_CHANNELS, width_mult)
        layers: list[nn.Module] = [_conv_bn_act(3, in_channels, 3, stride=2)]

        total_blocks = sum(_scale_depth(n, depth_mult) for *_, n in stages)
        block_id = 0
        for expand_ratio, kernel, stride, out_channels, n in stages:
            out_channels = _scale_channels(out_channels, width_mult)
            stage: list[nn.Module] = []
            for i in range(_scale_depth(n, depth_mult)):
                # Drop probability grows linearly with depth, from 0 at the first block.
                sd_prob = stochastic_depth_prob * block_id / total_blocks
                stage.append(MBConv(in_channels, out_channels, expand_ratio, kernel, stride if i == 0 else 1, sd_prob))
                in_channels = out_channels
                block_id += 1
            layers.append(nn.Sequential(*stage))

        head_channels = _scale_channels(_HEAD_CHANNELS, width_mult)
        layers.append(_conv_bn_act(in_channels, head_channels, 1))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(head_channels, num_classes))

        init_conv_bn_linear(self, linear_std=None)
        if not is_meta(self):
            # torchvision's classifier init: uniform in +-1/sqrt(num_classes).
            linear = self.classifier[1]
            bound = 1.0 / math.sqrt(linear.out_features)
            nn.init.uniform_(linear.weight, -bound, bound)
            nn.init.zeros_(linear.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


# The scaled-network builder under its lowercase name (the claims and tests call efficientnet(w, d)).
efficientnet = EfficientNet


# torchvision's figures: `num_params` and `_ops` (printed as "GFLOPS" in its docs: conv + linear MACs,
# at the crop size of the weights' eval transform) from the weights' metadata.
_TV = "torchvision EfficientNet_{}_Weights.IMAGENET1K_V1 meta (num_params; _ops, the docs' GFLOPS)"
_TV_MACS = "MACs (conv + linear) called GFLOPS"
_PAPER_T2 = "paper Table 2"
_PAPER_FLOPS = "MACs called FLOPs, at the model's resolution"

# The paper's FLOPs column is not reproduced by the released architectures at the stated resolutions:
# its error changes sign between variants, so no counting convention or resolution explains it.
_PAPER_FLOPS_OFF = (
    "conv + linear MACs of the released architecture at {res}x{res} are {ours}, the same figure torchvision "
    "reports for the official checkpoint it ports; the paper's {paper} is {rel} and the paper does not say "
    "how it counted. Its FLOPs column misses the released models in both directions (B1 +1.9%, B4 -4.4%, "
    "B5 -3.6%, B7 -2.0% against the measured MACs; B0, B2, B3, B6 agree), so no single convention or "
    "resolution reproduces it; counters that add elementwise ops only move further up"
)


def _notes(variant: str, extra: str = "") -> str:
    width_mult, depth_mult, resolution, dropout = _VARIANTS[variant]
    text = (
        f"EfficientNet-{variant.upper()}: width x{width_mult}, depth x{depth_mult}, {resolution}x{resolution}, "
        f"dropout {dropout}, from the official release's table (tensorflow/tpu efficientnet_builder, also in "
        "torchvision and timm), which is hand-picked, not exactly (alpha**phi, beta**phi, gamma**phi) of "
        "Eq. 3 (see compound_coefficients). Structure and parameter count as torchvision's "
        f"efficientnet_{variant}: SE bottleneck of a quarter of the block's input channels, channels rounded "
        "to multiples of 8 with the 10% rule, repeats rounded up; head conv to round8(1280 x width) as the "
        "official code (torchvision writes 4 x last stage, equal at every official width). Symmetric k//2 "
        "padding replaces TF 'same' padding (same output sizes, same counts). Batch norm uses the official "
        "eps 1e-3 / momentum 0.01 (torchvision's V1 uses PyTorch's defaults); no count changes. Stochastic "
        "depth (0.2, rising linearly with block index) runs only in training."
    )
    return f"{text} {extra}" if extra else text


def _register(
    variant: str,
    *,
    extra_notes: str = "",
    aliases: tuple[str, ...] = (),
    tv_params: int,
    tv_gmacs: str,
    paper_params: str,
    paper_flops: str,
    tv_input: tuple[int, int, int] | None = None,
    paper_params_deviation: str = "",
    paper_flops_off: str = "",
) -> partial[EfficientNet]:
    """Register EfficientNet-``variant`` from its row of _VARIANTS with the published figures given.

    ``paper_flops_off`` says how far the paper's FLOPs are from the measured MACs, which are torchvision's
    ``tv_gmacs`` (e.g. "1.9% higher"), for the variants where they disagree.
    """
    width_mult, depth_mult, resolution, dropout = _VARIANTS[variant]
    tv = _TV.format(variant.upper())
    flops_deviation = ""
    if paper_flops_off:
        flops_deviation = _PAPER_FLOPS_OFF.format(res=resolution, ours=tv_gmacs, paper=paper_flops, rel=paper_flops_off)
    published = (
        Published(metric="params", value=tv_params, source=tv, convention="exact count", exact=True),
        Published.quoted(tv_gmacs, metric="macs", source=tv, convention=_TV_MACS, input_size=tv_input),
        Published.quoted(
            paper_params, metric="params", source=_PAPER_T2, convention="rounded", deviation=paper_params_deviation
        ),
        Published.quoted(
            paper_flops, metric="macs", source=_PAPER_T2, convention=_PAPER_FLOPS, deviation=flops_deviation
        ),
    )
    return EFFICIENTNET.register(
        f"efficientnet_{variant}",
        partial(EfficientNet, width_mult, depth_mult, dropout=dropout),
        input_size=(3, resolution, resolution),
        aliases=(*aliases, f"efficientnet-{variant}"),
        notes=_notes(variant, extra_notes),
        published=published,
    )


efficientnet_b0 = _register(
    "b0",
    extra_notes="B0 is the searched baseline of Table 1 (MnasNet-like search optimising accuracy x FLOPs).",
    aliases=("efficientnet",),
    tv_params=5_288_548,
    tv_gmacs="0.386G",
    paper_params="5.3M",
    paper_flops="0.39B",
)

efficientnet_b1 = _register(
    "b1",
    extra_notes="Width is unchanged from B0: only depth (stages of 1/2/2/3/3/4/1 -> 2/3/3/4/4/5/2 blocks) "
    "and resolution grow.",
    tv_params=7_794_184,
    tv_gmacs="0.687G",
    paper_params="7.8M",
    paper_flops="0.70B",
    paper_flops_off="1.9% higher",
)

efficientnet_b2 = _register(
    "b2",
    extra_notes="torchvision's B2 weights (ported from timm) are evaluated at 288x288, and its GFLOPS "
    "figure (1.09) is for that size, not for the official 260.",
    tv_params=9_109_994,
    tv_gmacs="1.088G",
    tv_input=(3, 288, 288),
    paper_params="9.2M",
    paper_flops="1.0B",
    paper_params_deviation=(
        "the released B2 has 9,109,994 trainable parameters (9.1M), exactly the count of the official "
        "checkpoint torchvision ports. Width 1.1 is where rounding channels to multiples of 8 bites "
        "hardest: the stem 35.2 -> 32 and stages 17.6 -> 16, 26.4 -> 24, 123.2 -> 120, 211.2 -> 208 all "
        "round down, so B2 is narrower than x1.1; unrounded int(c x 1.1) channels would give 9.22M (9.2M). "
        "Counting batch norm's running mean and variance too (as Keras' summary does) gives 9,177,562 "
        "(also 9.2M), but that convention would make B1 7.86M against the table's 7.8M, and unrounded "
        "channels would make B5 30.7M against its 30M: the table is not consistent with either, so the "
        "9.2M most likely comes from an unrounded or earlier configuration"
    ),
)

efficientnet_b3 = _register("b3", tv_params=12_233_232, tv_gmacs="1.827G", paper_params="12M", paper_flops="1.8B")

efficientnet_b4 = _register(
    "b4",
    tv_params=19_341_616,
    tv_gmacs="4.394G",
    paper_params="19M",
    paper_flops="4.2B",
    paper_flops_off="4.4% lower",
)

efficientnet_b5 = _register(
    "b5",
    tv_params=30_389_784,
    tv_gmacs="10.266G",
    paper_params="30M",
    paper_flops="9.9B",
    paper_flops_off="3.6% lower",
)

efficientnet_b6 = _register("b6", tv_params=43_040_704, tv_gmacs="19.068G", paper_params="43M", paper_flops="19B")

efficientnet_b7 = _register(
    "b7",
    tv_params=66_347_960,
    tv_gmacs="37.746G",
    paper_params="66M",
    paper_flops="37B",
    paper_flops_off="2.0% lower",
)

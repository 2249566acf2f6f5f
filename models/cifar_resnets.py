"""CIFAR networks of 2016 built around residual ideas: Wide ResNet, ResNet-110 with stochastic depth, FractalNet."""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from ._common import init_conv_bn_linear, is_meta
from ._registry import Family, Published

__all__ = [
    "FractalBlock",
    "FractalJoin",
    "FractalNet",
    "ResBlock",
    "StochasticDepthResNet",
    "WideBasic",
    "WideResNet",
    "ZeroPadShortcut",
    "expected_depth",
    "fractalnet",
    "resnet110_sd",
    "survival_probabilities",
    "wrn28_10",
]

WIDE_RESNET = Family(
    "wide_resnet",
    year=2016,
    paper="Wide Residual Networks",
    arxiv="1605.07146",
    input_size=(3, 32, 32),
    num_classes=10,
)
STOCHASTIC_DEPTH = Family(
    "stochastic_depth",
    year=2016,
    paper="Deep Networks with Stochastic Depth",
    arxiv="1603.09382",
    input_size=(3, 32, 32),
    num_classes=10,
)
FRACTALNET = Family(
    "fractalnet",
    year=2016,
    paper="FractalNet: Ultra-Deep Neural Networks without Residuals",
    arxiv="1605.07648",
    input_size=(3, 32, 32),
    num_classes=10,
)

# ---------------------------------------------------------------------------- Wide ResNet

# Paper Table 1: conv1 has 16 filters, then groups conv2/3/4 of N blocks with 16k/32k/64k filters
# at 32x32, 16x16 and 8x8; depth = 6N + 4.
_WRN_BASE_WIDTHS = (16, 32, 64)
_WRN_STRIDES = (1, 2, 2)


class WideBasic(nn.Module):
    """The pre-activation basic block B(3,3): BN-ReLU-conv3x3, [dropout], BN-ReLU-conv3x3.

    A 1x1 conv shortcut replaces the identity when the shape changes; like the official code it
    reads the pre-activated input. Dropout sits between the two convs (paper Section 2.4).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, dropout: float = 0.0) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu2 = nn.ReLU(inplace=True)
        # Left out at rate 0 rather than kept as a no-op, so that profiles list no empty layers.
        self.dropout: nn.Dropout | None = nn.Dropout(p=dropout) if dropout > 0 else None
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        self.shortcut: nn.Conv2d | None = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu1(self.bn1(x))
        shortcut = x if self.shortcut is None else self.shortcut(out)
        out = self.conv1(out)
        out = self.relu2(self.bn2(out))
        if self.dropout is not None:
            out = self.dropout(out)
        out = self.conv2(out)
        return out + shortcut


class WideResNet(nn.Module):
    """WRN-d-k for CIFAR: conv3x3(16), three groups of (d - 4) / 6 wide blocks, BN-ReLU, pool, linear."""

    def __init__(self, depth: int = 28, widen_factor: int = 10, dropout: float = 0.0, num_classes: int = 10) -> None:
        super().__init__()
        if (depth - 4) % 6 != 0 or depth < 10:
            raise ValueError(f"a Wide ResNet has depth 6N + 4, got {depth}")
        n = (depth - 4) // 6
        in_channels = 16
        self.conv1 = nn.Conv2d(3, in_channels, kernel_size=3, padding=1, bias=False)
        groups: list[nn.Sequential] = []
        for base, stride in zip(_WRN_BASE_WIDTHS, _WRN_STRIDES):
            width = base * widen_factor
            blocks: list[nn.Module] = []
            for i in range(n):
                blocks.append(WideBasic(in_channels, width, stride if i == 0 else 1, dropout))
                in_channels = width
            groups.append(nn.Sequential(*blocks))
        self.block1, self.block2, self.block3 = groups
        self.bn = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=True)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_channels, num_classes)
        init_conv_bn_linear(self, linear_std=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)
        x = self.block3(self.block2(self.block1(x)))
        x = self.relu(self.bn(x))
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


wrn28_10 = WIDE_RESNET.register(
    "wrn28_10",
    partial(WideResNet, 28, 10),
    aliases=("wide_resnet28_10",),
    notes=(
        "WRN-28-10 for CIFAR as in the paper and the official szagoruyko/wide-residual-networks "
        "code: pre-activation B(3,3) blocks, 160/320/640 channels, stride on the first 3x3 conv, "
        "1x1 projection shortcuts (no BN) reading the pre-activated input, convs without bias. "
        "Dropout between the two convs is off by default (dropout=0.3 is the paper's WRN-28-10 "
        "+ dropout). Not torchvision's wide_resnet50_2, which is an ImageNet bottleneck ResNet "
        "with doubled bottleneck width."
    ),
    published=(
        Published.quoted(
            "36.5M",
            metric="params",
            source="paper, CIFAR results (#params of WRN-28-10)",
            convention="rounded to 0.1M",
        ),
        Published(
            metric="depth",
            value=28,
            source="model name (WRN-28-10: 6N + 4 with N = 4)",
            convention="convolutional layers including the three 1x1 projection shortcuts",
            exact=True,
            deviation="the 28 counts conv1, the 24 block convs and the 3 projection shortcuts, "
            "which sit beside the blocks rather than on the longest path; that path is conv1, "
            "2 x 12 block convs and the linear classifier: 26 weight layers",
        ),
    ),
)


# ---------------------------------------------------------------------------- ResNet-110 with stochastic depth

# He et al. (arXiv 1512.03385) Section 4.2: conv3x3(16), then 3 stages of n basic blocks with
# 16/32/64 filters at 32/16/8 pixels, global average pool, linear; depth 6n + 2 (n = 18 for 110).
_CIFAR_RESNET_WIDTHS = (16, 32, 64)
_CIFAR_RESNET_STRIDES = (1, 2, 2)


def survival_probabilities(num_blocks: int = 54, p_last: float = 0.5) -> tuple[float, ...]:
    """The linear decay rule (paper Eq. 4): p_l = 1 - l / L * (1 - p_L) for blocks l = 1..L."""
    return tuple(1.0 - block / num_blocks * (1.0 - p_last) for block in range(1, num_blocks + 1))


def expected_depth(L: int = 54, p_L: float = 0.5) -> float:
    """Expected number of residual blocks active in a training step: sum of p_l (about 40 for L = 54).

    With linear decay this is L - (L + 1) / 2 * (1 - p_L), i.e. 40.25 for ResNet-110's 54 blocks.
    """
    return sum(survival_probabilities(L, p_L))


class ZeroPadShortcut(nn.Module):
    """He et al.'s option A shortcut: subsample by striding, then append zero channels (no parameters)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        self.extra_channels = out_channels - in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride != 1:
            x = x[:, :, :: self.stride, :: self.stride]
        # F.pad's pairs run from the last dim backwards: (W, W, H, H, C before, C after).
        return F.pad(x, (0, 0, 0, 0, 0, self.extra_channels))


class ResBlock(nn.Module):
    """He et al.'s CIFAR basic block, conv3x3-BN-ReLU-conv3x3-BN, added to the shortcut, then ReLU,
    whose residual branch survives a training step with probability ``survival_prob``.

    Training: the whole branch is skipped with probability 1 - p_l, drawn once per forward (i.e.
    per mini-batch, as the paper's gates) with Python's ``random`` module: a draw that needs no
    tensor, so it works on meta tensors and never enters the profiled op stream; seed it with
    ``random.seed``. Eval (the inference graph): every block runs and its branch is scaled by
    p_l, the expected value of the gate (paper Eq. 5).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, survival_prob: float = 1.0) -> None:
        super().__init__()
        self.survival_prob = survival_prob
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu2 = nn.ReLU(inplace=True)
        self.shortcut: ZeroPadShortcut | None = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = ZeroPadShortcut(in_channels, out_channels, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        if self.training and random.random() >= self.survival_prob:
            # ReLU(0 + identity) is the identity itself: x is the output of a ReLU.
            return identity
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if not self.training:
            out = out * self.survival_prob
        return self.relu2(out + identity)


class StochasticDepthResNet(nn.Module):
    """He et al.'s CIFAR ResNet (6n + 2 layers, option A shortcuts) with linearly decaying survival."""

    def __init__(self, depth: int = 110, p_last: float = 0.5, num_classes: int = 10) -> None:
        super().__init__()
        if (depth - 2) % 6 != 0 or depth < 8:
            raise ValueError(f"a CIFAR ResNet has depth 6n + 2, got {depth}")
        n = (depth - 2) // 6
        self.survival_probs = survival_probabilities(3 * n, p_last)
        in_channels = 16
        self.conv1 = nn.Conv2d(3, in_channels, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=True)
        stages: list[nn.Sequential] = []
        probs = iter(self.survival_probs)
        for width, stride in zip(_CIFAR_RESNET_WIDTHS, _CIFAR_RESNET_STRIDES):
            blocks: list[nn.Module] = []
            for i in range(n):
                blocks.append(ResBlock(in_channels, width, stride if i == 0 else 1, next(probs)))
                in_channels = width
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_channels, num_classes)
        init_conv_bn_linear(self, linear_std=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


resnet110_sd = STOCHASTIC_DEPTH.register(
    "resnet110_sd",
    partial(StochasticDepthResNet, 110),
    aliases=("resnet110_stochastic_depth",),
    notes=(
        "He et al.'s CIFAR ResNet-110 (54 basic blocks, 16/32/64 filters, option A shortcuts: "
        "strided subsampling plus zero channels appended) with linear-decay survival "
        "probabilities p_l = 1 - l/54 * (1 - p_L), p_L = 0.5. The profiled graph is the eval "
        "one: all blocks run, each branch scaled by p_l (one extra multiply per block). In "
        "training a block's branch is skipped with probability 1 - p_l via Python's random "
        "module, so training-mode profiles vary between runs. The official Torch code "
        "(yueatsprograms/Stochastic_Depth) differs: convs carry biases (+4,048 parameters) and "
        "its option A shortcut subsamples with a 2x2 average pool instead of striding."
    ),
    published=(
        Published.quoted(
            "1.7M",
            metric="params",
            source="He et al. 2016 (arXiv 1512.03385) Table 6 (ResNet-110 #params)",
            convention="rounded to 0.1M",
        ),
        Published(
            metric="depth",
            value=110,
            source="model name (ResNet-110: 6n + 2 with n = 18)",
            convention="weight layers on the longest path",
            exact=True,
        ),
    ),
)


# ---------------------------------------------------------------------------- FractalNet

# Paper Section 4 (and the authors' generator, gustavla/fractalnet): B = 5 blocks with these
# filter counts, each followed by 2x2 max-pooling, so a 32x32 input ends at 1x1.
_FRACTAL_CHANNELS = (64, 128, 256, 512, 512)


def _fractal_active_columns(step: int, columns: int) -> list[int]:
    """Columns with a conv at ``step`` (0-based), deepest first: column c has 2**c convs, one every
    2**(columns - 1 - c) steps."""
    return [c for c in reversed(range(columns)) if (step + 1) % 2 ** (columns - 1 - c) == 0]


class FractalJoin(nn.Module):
    """Element-wise mean of the columns that meet here, with drop-path in training.

    Local drop-path (``drop_prob``) drops each input with that probability, keeping at least
    one; a global drop-path choice (``keep``: the index of the one input to pass) overrides it.
    Draws use Python's ``random`` module, once per forward (per mini-batch, as the authors'
    Caffe layer), so they need no tensor and stay out of the profiled op stream.
    """

    def __init__(self, num_inputs: int, drop_prob: float = 0.0) -> None:
        super().__init__()
        self.num_inputs = num_inputs
        self.drop_prob = drop_prob

    def forward(self, *inputs: torch.Tensor, keep: int | None = None) -> torch.Tensor:
        chosen = list(inputs)
        if self.training:
            if keep is not None:
                chosen = [inputs[keep]]
            elif self.drop_prob > 0:
                chosen = [t for t in inputs if random.random() >= self.drop_prob]
                if not chosen:
                    chosen = [random.choice(inputs)]
        out = chosen[0]
        for t in chosen[1:]:
            out = out + t
        return out / len(chosen) if len(chosen) > 1 else out


def _conv_unit(in_channels: int, out_channels: int, dropout: float) -> nn.Sequential:
    # conv-dropout-BN-ReLU as the authors' Caffe generator; Caffe's BatchNorm layer has no
    # scale/shift (no Scale layer follows it), hence affine=False, while the conv keeps its bias.
    layers: list[nn.Module] = [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)]
    if dropout > 0:
        layers.append(nn.Dropout(p=dropout))
    layers += [nn.BatchNorm2d(out_channels, affine=False), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


class FractalBlock(nn.Module):
    """f_C of the paper's expansion rule, unrolled into C columns: column c holds 2**c conv units.

    Every column starts from the block input; wherever several columns end a conv at the same
    depth they are joined and all continue from the join (paper Fig. 1), so a block of C columns
    has 2**C - 1 convs, 2**(C-1) of them on its longest path.
    """

    def __init__(
        self, in_channels: int, out_channels: int, columns: int = 4, dropout: float = 0.0, drop_prob: float = 0.0
    ) -> None:
        super().__init__()
        self.num_columns = columns
        self.depth = 2 ** (columns - 1)
        self.columns = nn.ModuleList(
            nn.ModuleList(
                _conv_unit(in_channels if i == 0 else out_channels, out_channels, dropout) for i in range(2**c)
            )
            for c in range(columns)
        )
        self.joins = nn.ModuleDict()
        for step in range(self.depth):
            active = _fractal_active_columns(step, columns)
            if len(active) > 1:
                self.joins[str(step)] = FractalJoin(len(active), drop_prob)

    def forward(self, x: torch.Tensor, global_column: int | None = None) -> torch.Tensor:
        states = [x] * self.num_columns
        for step in range(self.depth):
            active = _fractal_active_columns(step, self.num_columns)
            outs = []
            for c in active:
                # the conv of column c at this step is its ((step + 1) / spacing)-th
                index = (step + 1) // 2 ** (self.num_columns - 1 - c) - 1
                outs.append(self.columns[c][index](states[c]))
            if len(outs) == 1:
                states[active[0]] = outs[0]
                continue
            keep = active.index(global_column) if global_column in active else None
            joined = self.joins[str(step)](*outs, keep=keep)
            for c in active:
                states[c] = joined
        return states[0]  # the last step joins every column


class FractalNet(nn.Module):
    """B fractal blocks of C columns, each followed by 2x2 max-pooling, then a linear classifier.

    ``global_drop_ratio``: in training, the fraction of forwards that keep a single column for
    the whole network (global drop-path); the others use local drop-path at rate ``drop_path``
    (paper: 0.5 and 0.15). Both are off by default, and always off in eval.
    """

    def __init__(
        self,
        channels: Sequence[int] = _FRACTAL_CHANNELS,
        columns: int = 4,
        num_classes: int = 10,
        dropout: float | Sequence[float] = 0.0,
        drop_path: float = 0.0,
        global_drop_ratio: float = 0.0,
        input_size: int = 32,
    ) -> None:
        super().__init__()
        rates = [float(dropout)] * len(channels) if isinstance(dropout, (int, float)) else list(dropout)
        if len(rates) != len(channels):
            raise ValueError(f"need one dropout rate per block ({len(channels)}), got {len(rates)}")
        self.num_columns = columns
        self.global_drop_ratio = global_drop_ratio
        layers: list[nn.Module] = []
        in_channels = 3
        for out_channels, rate in zip(channels, rates):
            layers.append(FractalBlock(in_channels, out_channels, columns, rate, drop_path))
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            in_channels = out_channels
        self.features = nn.ModuleList(layers)
        # The authors' net ends with a fully-connected layer on the last pooled map (1x1 at 32).
        final = input_size // 2 ** len(channels)
        self.fc = nn.Linear(in_channels * final * final, num_classes)
        self._init_as_caffe()

    def _init_as_caffe(self) -> None:
        # The authors' "xavier" filler: U(+-sqrt(3 / fan_in)), zero biases. The shared helper
        # does not apply: it would reset the affine parameters these BNs do not have.
        if is_meta(self):
            return
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_uniform_(m.weight, mode="fan_in", nonlinearity="linear")
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        column = None
        if self.training and self.global_drop_ratio > 0 and random.random() < self.global_drop_ratio:
            column = random.randrange(self.num_columns)
        for layer in self.features:
            x = layer(x, column) if isinstance(layer, FractalBlock) else layer(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


fractalnet = FRACTALNET.register(
    "fractalnet",
    FractalNet,
    aliases=("fractalnet40",),
    notes=(
        "The 40-layer CIFAR FractalNet: B = 5 blocks of C = 4 columns (15 conv units per block, "
        "8 on the longest path), 64/128/256/512/512 filters, mean joins, 2x2 max-pool after each "
        "block, a linear classifier on the final 1x1 map. Conv units follow the authors' Caffe "
        "generator (gustavla/fractalnet): conv3x3 with bias, [dropout], BN without scale/shift, "
        "ReLU. Their generator pools each column before the block's last join; here the join "
        "comes first, as drawn in the paper's Fig. 1 (same parameters and MACs; fewer pooling "
        "FLOPs, more join FLOPs). Dropout (per block, paper: 0/0.1/0.2/0.3/0.4) and drop-path "
        "(local 0.15, global for half the batches in the paper) are arguments, off by default. "
        "The paper's CIFAR experiments mostly use C = 3 (20 layers); build that with "
        "FractalNet(columns=3). No parameter count is stored: the paper's figures could not be "
        "reproduced from the stated filter counts."
    ),
    published=(
        Published(
            metric="depth",
            value=40,
            source="paper (the 40-layer FractalNet: B = 5 blocks, C = 4 columns, B * 2**(C-1) = 40)",
            convention="convolutional layers on the longest path",
            exact=True,
            deviation="the paper counts conv layers only; the longest weight path also passes "
            "the final linear classifier: 5 * 8 + 1 = 41",
        ),
    ),
)

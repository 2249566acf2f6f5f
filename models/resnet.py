"""ResNet (He et al., 2015) in both stride placements, its plain baselines, and Wide ResNet-50-2."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, ClassVar

import torch
from torch import nn

from ._common import init_conv_bn_linear, is_meta
from ._registry import Family, Published

__all__ = [
    "STAGE_BLOCKS",
    "BasicBlock",
    "Bottleneck",
    "PlainBlock",
    "ResNet",
    "plain18",
    "plain34",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet50_v1",
    "resnet101",
    "resnet101_v1",
    "resnet152",
    "resnet152_v1",
    "wide_resnet50_2",
]

RESNET = Family(
    "resnet",
    year=2015,
    paper="Deep Residual Learning for Image Recognition",
    arxiv="1512.03385",
    input_size=(3, 224, 224),
)
# Wide ResNet-50-2 is registered with the ResNets (same network, wider bottlenecks) but from its own paper.
_WIDE_RESNET = dataclasses.replace(RESNET, year=2016, paper="Wide Residual Networks", arxiv="1605.07146")

# Paper Table 1: blocks per stage (conv2_x, conv3_x, conv4_x, conv5_x) for each depth; 18 and 34 use
# basic blocks, the deeper nets bottlenecks. ResNeXt and SENet build on the 50- and 101-layer rows.
STAGE_BLOCKS: dict[int, tuple[int, int, int, int]] = {
    18: (2, 2, 2, 2),
    34: (3, 4, 6, 3),
    50: (3, 4, 6, 3),
    101: (3, 4, 23, 3),
    152: (3, 8, 36, 3),
}

NormLayer = Callable[[int], nn.Module]


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1, dilation: int = 1) -> nn.Conv2d:
    # No bias: every conv is followed by batch norm, whose shift makes a bias redundant.
    return nn.Conv2d(
        in_planes,
        out_planes,
        kernel_size=3,
        stride=stride,
        padding=dilation,
        groups=groups,
        bias=False,
        dilation=dilation,
    )


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class _ResidualBlock(nn.Module):
    """A residual branch added to its shortcut (identity, or the ``downsample`` projection), then ReLU."""

    expansion: ClassVar[int] = 1
    shortcut: ClassVar[bool] = True
    relu: nn.ReLU
    downsample: nn.Module | None

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.residual(x)
        identity = x if self.downsample is None else self.downsample(x)
        out += identity
        return self.relu(out)


class BasicBlock(_ResidualBlock):
    """Two 3x3 convs with an identity (or projection) shortcut: the block of ResNet-18/34 (paper Fig. 5 left)."""

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        groups: int = 1,
        base_width: int = 64,
        dilation: int = 1,
        norm_layer: NormLayer | None = None,
        stride_in_1x1: bool = False,
    ) -> None:
        super().__init__()
        # stride_in_1x1 is accepted so that ResNet can pass the same arguments to either block; the
        # basic block has no 1x1 conv, its first 3x3 carries the stride in both placements.
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("dilation > 1 is not supported in BasicBlock")
        norm_layer = norm_layer or nn.BatchNorm2d
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        return self.bn2(self.conv2(out))


class PlainBlock(BasicBlock):
    """A basic block without its shortcut: the building block of the paper's plain baselines (Section 4.1)."""

    shortcut: ClassVar[bool] = False

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None, **kwargs: Any
    ) -> None:
        if downsample is not None:
            raise ValueError("a plain block has no shortcut, so it takes no downsample projection")
        super().__init__(inplanes, planes, stride, None, **kwargs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Not relu(self.residual(x)): that frees the first activation before the last ReLU runs, one op
        # earlier than this, and would lower the plain nets' measured peak memory.
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)))


class Bottleneck(_ResidualBlock):
    """1x1 reduce, 3x3, 1x1 expand (x4) with a shortcut: the block of ResNet-50/101/152 (paper Fig. 5 right).

    ``stride_in_1x1=False`` puts a stage's downsampling stride in the 3x3 conv ("v1.5", torchvision);
    ``True`` puts it in the first 1x1 conv as the paper and the original Caffe models do ("v1").
    ``groups`` and ``base_width`` widen or split the 3x3 conv for ResNeXt (cardinality C and
    bottleneck width d: the 3x3 is ``int(planes * d / 64) * C`` wide) and Wide ResNet.
    """

    expansion: ClassVar[int] = 4

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        groups: int = 1,
        base_width: int = 64,
        dilation: int = 1,
        norm_layer: NormLayer | None = None,
        stride_in_1x1: bool = False,
    ) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        stride_1x1, stride_3x3 = (stride, 1) if stride_in_1x1 else (1, stride)
        self.conv1 = conv1x1(inplanes, width, stride_1x1)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride_3x3, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.bn3(self.conv3(out))


Block = type[BasicBlock] | type[Bottleneck]


class ResNet(nn.Module):
    """The ImageNet ResNet of paper Table 1: a 7x7 stem, four stages of blocks, global pool and fc.

    Shortcuts use option B: identity where the shape is kept, a strided 1x1 conv + BN projection
    (``downsample``) where it changes. Module names follow torchvision. ``block_kwargs`` go to every
    block (e.g. SENet's ``reduction``).
    """

    def __init__(
        self,
        block: Block,
        layers: list[int] | tuple[int, ...],
        num_classes: int = 1000,
        groups: int = 1,
        width_per_group: int = 64,
        stride_in_1x1: bool = False,
        zero_init_residual: bool = False,
        replace_stride_with_dilation: list[bool] | tuple[bool, bool, bool] | None = None,
        norm_layer: NormLayer | None = None,
        block_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        if len(layers) != 4:
            raise ValueError(f"layers must give the number of blocks of the 4 stages, got {layers!r}")
        self._norm_layer = norm_layer or nn.BatchNorm2d
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = (False, False, False)
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None or a 3-element tuple")
        self.groups = groups
        self.base_width = width_per_group
        self.stride_in_1x1 = stride_in_1x1
        self._block_kwargs = dict(block_kwargs or {})

        # conv1 / pool of Table 1: 224 -> 112 -> 56.
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = self._norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        # conv2_x .. conv5_x of Table 1: 56, 28, 14, 7; the first block of conv3_x..conv5_x halves the size.
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        # torchvision's init keeps nn.Linear's default weights; skipped entirely on meta.
        init_conv_bn_linear(self, linear_std=None)
        if zero_init_residual and not is_meta(self):
            # Each residual branch then starts as zero, so every block starts as the identity.
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.zeros_(m.bn3.weight)
                elif isinstance(m, BasicBlock) and m.shortcut and m.bn2.weight is not None:
                    nn.init.zeros_(m.bn2.weight)

    def _make_layer(
        self, block: Block, planes: int, blocks: int, stride: int = 1, dilate: bool = False
    ) -> nn.Sequential:
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        # Option B: project only where the shortcut would otherwise not match the block's output.
        if block.shortcut and (stride != 1 or self.inplanes != planes * block.expansion):
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                norm_layer(planes * block.expansion),
            )
        common = dict(
            groups=self.groups,
            base_width=self.base_width,
            norm_layer=norm_layer,
            stride_in_1x1=self.stride_in_1x1,
            **self._block_kwargs,
        )
        layers: list[nn.Module] = [
            block(self.inplanes, planes, stride, downsample, dilation=previous_dilation, **common)
        ]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, dilation=self.dilation, **common))
        return nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


def _table_1(depth: int, block: Block | None = None, **kwargs: Any) -> partial[ResNet]:
    """The builder of the ResNet of paper Table 1 with ``depth`` layers (``block`` overrides its block type)."""
    default_block: Block = BasicBlock if depth < 50 else Bottleneck
    return partial(ResNet, block or default_block, STAGE_BLOCKS[depth], **kwargs)


# ---------------------------------------------------------------------------- published figures

# By depth: torchvision's ResNet<depth>_Weights.IMAGENET1K_V1 (parameters, 'GFLOPS', i.e. MACs of its
# v1.5 layout) and the 'FLOPs' (multiply-adds) of the paper's Table 1.
_FIGURES: dict[int, tuple[int, str, str]] = {
    18: (11_689_512, "1.81G", "1.8G"),
    34: (21_797_672, "3.66G", "3.6G"),
    50: (25_557_032, "4.09G", "3.8G"),
    101: (44_549_160, "7.8G", "7.6G"),
    152: (60_192_808, "11.51G", "11.3G"),
}


def _tv_params(weights: str, value: int, note: str = "") -> Published:
    return Published(
        metric="params", value=value, source=f"torchvision docs ({weights}){note}", convention="exact count", exact=True
    )


def _tv_macs(weights: str, text: str, deviation: str = "") -> Published:
    return Published.quoted(
        text,
        metric="macs",
        source=f"torchvision docs ({weights}, 'GFLOPS')",
        convention="MACs at 224x224, conv + linear",
        deviation=deviation,
    )


def _paper_macs(text: str, depth: int, deviation: str = "") -> Published:
    return Published.quoted(
        text,
        metric="macs",
        source=f"ResNet paper Table 1 ({depth}-layer, 'FLOPs')",
        convention="multiply-adds at 224x224",
        deviation=deviation,
    )


def _depth(depth: int) -> Published:
    return Published(
        metric="depth",
        value=depth,
        source="paper Table 1 (the depth in the name counts weight layers: convs and the fc)",
        convention="weight layers on the longest path",
        exact=True,
    )


_V15_PAPER_DEVIATION = (
    "the paper's figure is for v1 (stride in the first 1x1 conv of each stage's first block); this "
    "v1.5 runs that 1x1 conv at the stage's input resolution, 4x the pixels, which adds about 0.23 GMACs "
    "for the three stage transitions (see the '_v1' variant, which reproduces the paper)"
)
_V1_TV_DEVIATION = (
    "torchvision's figure is for its v1.5 layout (stride in the 3x3 conv); with the stride in the first "
    "1x1 conv that conv runs at a quarter of the pixels, about 0.23 GMACs fewer"
)


def _figures(depth: int, *, v1: bool = False, paper_deviation: str = "") -> tuple[Published, ...]:
    """The published figures of ResNet-``depth``: torchvision's (whose MACs are for the v1.5 layout), the
    paper's and the depth; ``v1`` for the paper's layout (stride in the first 1x1 conv)."""
    weights = f"ResNet{depth}_Weights.IMAGENET1K_V1"
    params, tv_gmacs, paper_gmacs = _FIGURES[depth]
    paper = _paper_macs(paper_gmacs, depth, deviation=paper_deviation)
    if v1:
        moved = "; moving the stride changes no weight shape"
        return (
            _tv_params(weights, params, moved),
            paper,
            _tv_macs(weights, tv_gmacs, deviation=_V1_TV_DEVIATION),
            _depth(depth),
        )
    return (_tv_params(weights, params), _tv_macs(weights, tv_gmacs), paper, _depth(depth))


# ---------------------------------------------------------------------------- basic-block ResNets

_BASIC_NOTES = (
    "Option-B shortcuts (1x1 conv + BN projection where the shape changes, identity elsewhere), "
    "post-activation blocks, layout and module names as torchvision. The stride of the first block of "
    "conv3_x..conv5_x is in its first 3x3 conv, which is both the paper's and torchvision's placement, "
    "so there is no separate v1/v1.5 variant of the basic-block nets. Init as torchvision (Kaiming "
    "normal fan_out) except that the fc bias starts at zero."
)

resnet18 = RESNET.register("resnet18", _table_1(18), notes=_BASIC_NOTES, published=_figures(18))

resnet34 = RESNET.register(
    "resnet34",
    _table_1(34),
    notes=_BASIC_NOTES,
    published=_figures(
        34,
        paper_deviation="the paper's 3.6e9 is the 34-layer plain baseline's cost (Section 3.3: 'Our 34-layer "
        "baseline has 3.6 billion FLOPs'; plain34 here: 3.644G), which equals ResNet-34 with "
        "parameter-free option-A shortcuts; the three option-B projections add 19.3M MACs "
        "(3 x 6.42M), giving 3.664G, which rounds to 3.7",
    ),
)


# ---------------------------------------------------------------------------- bottleneck ResNets

_V15_NOTES = (
    "ResNet 'v1.5' as torchvision: the stride of the first block of conv3_x..conv5_x is in its 3x3 conv, "
    "not in the first 1x1 conv as in the paper (registered as '{v1}'); same parameters, ~0.23 GMACs more "
    "and better accuracy. Option-B projection shortcuts, layout and module names as torchvision; init as "
    "torchvision (Kaiming normal fan_out) except that the fc bias starts at zero."
)
_V1_NOTES = (
    "ResNet 'v1' as the paper and the original Caffe release (KaimingHe/deep-residual-networks): the "
    "stride of the first block of conv3_x..conv5_x is in its first 1x1 conv. torchvision's '{v15}' "
    "moves it to the 3x3 conv (v1.5). Same parameters and module names as torchvision; option-B "
    "projection shortcuts. The Caffe release also puts a learnable scale after every BN and a bias "
    "on the fc; counts here use a plain affine BN (2 params per channel), as torchvision."
)

resnet50 = RESNET.register(
    "resnet50",
    _table_1(50),
    notes=_V15_NOTES.format(v1="resnet50_v1"),
    aliases=("resnet50_v1_5",),
    published=_figures(50, paper_deviation=_V15_PAPER_DEVIATION),
)

resnet101 = RESNET.register(
    "resnet101",
    _table_1(101),
    notes=_V15_NOTES.format(v1="resnet101_v1"),
    aliases=("resnet101_v1_5",),
    published=_figures(101, paper_deviation=_V15_PAPER_DEVIATION),
)

resnet152 = RESNET.register(
    "resnet152",
    _table_1(152),
    notes=_V15_NOTES.format(v1="resnet152_v1"),
    aliases=("resnet152_v1_5",),
    published=_figures(152, paper_deviation=_V15_PAPER_DEVIATION),
)

resnet50_v1 = RESNET.register(
    "resnet50_v1",
    _table_1(50, stride_in_1x1=True),
    notes=_V1_NOTES.format(v15="resnet50"),
    published=_figures(
        50,
        v1=True,
        paper_deviation="v1 ResNet-50 has 3.858 GMACs (3.856 without the fc), which rounds to 3.9; the same "
        "table rounds 101/152 to nearest (7.57 -> 7.6, 11.28 -> 11.3), so '3.8' reads as a truncation "
        "or slip in the paper rather than a different architecture or counting rule (dropping the fc "
        "gives 3.856, dropping the four projection shortcuts 3.50)",
    ),
)

resnet101_v1 = RESNET.register(
    "resnet101_v1",
    _table_1(101, stride_in_1x1=True),
    notes=_V1_NOTES.format(v15="resnet101"),
    published=_figures(101, v1=True),
)

resnet152_v1 = RESNET.register(
    "resnet152_v1",
    _table_1(152, stride_in_1x1=True),
    notes=_V1_NOTES.format(v15="resnet152"),
    published=_figures(152, v1=True),
)


# ---------------------------------------------------------------------------- plain baselines

_PLAIN_NOTES = (
    "The paper's plain baseline (Section 4.1, Fig. 3 middle): ResNet-{depth} of Table 1 with every "
    "shortcut removed, so no identity adds and no projection convs; BN after every conv and ReLU after "
    "every BN, downsampling by the stride-2 first 3x3 conv of conv3_x..conv5_x. Module names follow "
    "torchvision's ResNet so that the two nets can be compared layer by layer. Not in torchvision."
)

plain18 = RESNET.register(
    "plain18",
    _table_1(18, PlainBlock),
    notes=_PLAIN_NOTES.format(depth=18),
    published=(_paper_macs(_FIGURES[18][2], 18), _depth(18)),
)

plain34 = RESNET.register(
    "plain34",
    _table_1(34, PlainBlock),
    notes=_PLAIN_NOTES.format(depth=34),
    published=(
        Published.quoted(
            "3.6G",
            metric="macs",
            source="ResNet paper Section 3.3 ('Our 34-layer baseline has 3.6 billion FLOPs (multiply-adds)') "
            "and Table 1",
            convention="multiply-adds at 224x224",
        ),
        _depth(34),
    ),
)


# ---------------------------------------------------------------------------- Wide ResNet

wide_resnet50_2 = _WIDE_RESNET.register(
    "wide_resnet50_2",
    _table_1(50, width_per_group=128),
    notes=(
        "The ImageNet WRN-50-2-bottleneck as torchvision: ResNet-50 v1.5 with the inner 1x1/3x3 width "
        "of every bottleneck doubled (width_per_group=128; last block 2048-1024-2048) while the block "
        "outputs and shortcuts keep ResNet-50's widths. Not the CIFAR WRN-d-k of the paper's main "
        "experiments (basic blocks, pre-activation, dropout between convs)."
    ),
    published=(
        _tv_params("Wide_ResNet50_2_Weights.IMAGENET1K_V1", 68_883_240),
        _tv_macs("Wide_ResNet50_2_Weights.IMAGENET1K_V1", "11.4G"),
        Published.quoted(
            "68.9M",
            metric="params",
            source="WRN paper, ImageNet results (WRN-50-2-bottleneck #params)",
            convention="rounded to 0.1M",
        ),
        _depth(50),
    ),
)

"""ResNeXt (Xie et al., 2016): aggregated residual transformations as grouped bottleneck convolutions."""

from __future__ import annotations

from functools import partial

import torch

from ._registry import Family, Published
from .resnet import STAGE_BLOCKS, Bottleneck, ResNet

__all__ = [
    "Bottleneck",
    "ResNeXt",
    "resnext50_32x4d",
    "resnext101_32x4d",
    "resnext50_1x64d",
    "resnext50_2x40d",
    "resnext50_4x24d",
    "resnext50_8x14d",
]

RESNEXT = Family(
    "resnext",
    year=2016,
    paper="Aggregated Residual Transformations for Deep Neural Networks",
    arxiv="1611.05431",
    input_size=(3, 224, 224),
)


class ResNeXt(ResNet):
    """ResNet of ``Bottleneck`` blocks in the grouped-convolution form of Figure 3(c).

    ``groups`` is the cardinality C and ``width_per_group`` the bottleneck width d of the conv2
    template: the grouped 3x3 is ``int(planes * d / 64) * C`` channels wide (128 for 32x4d at conv2),
    and C=1, d=64 is exactly ResNet's bottleneck. As in torchvision, which builds its ResNeXts as
    ``ResNet(Bottleneck, layers, groups=32, width_per_group=4)``, the layers are ResNet's (Section 5.1:
    "we follow [ResNet] to construct 50-layer and 101-layer residual networks"): subsampling in the
    grouped 3x3 (fb.resnet.torch, used by the paper, Section 4) and projection shortcuts only where
    the shape changes.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # The same ops as ResNet.forward, but the nested calls keep the stem's output referenced until
        # the last stage returns: the measured peak memory of the ResNeXts and SENets counts it.
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def _resnext(depth: int, cardinality: int, width: int) -> partial[ResNeXt]:
    """The builder of ResNeXt-``depth`` (C x d)."""
    return partial(ResNeXt, Bottleneck, STAGE_BLOCKS[depth], groups=cardinality, width_per_group=width)


_TEMPLATE_NOTE = (
    "One of the equal-complexity templates of Table 2 (cardinality C x bottleneck width d; grouped "
    "3x3 width {width} at conv2, doubling per stage) used for the ResNet-50 ablation of Table 3. "
    "Built like resnext50_32x4d (torchvision layout: stride in the 3x3, projection shortcuts only "
    "where the shape changes); width = int(planes * d / 64) * C as in torchvision."
)


def _template_published(*, params_deviation: str = "", macs_deviation: str = "") -> tuple[Published, ...]:
    # Table 3 and Figure 5 captions: the ResNet-50-sized templates keep "~4.1 billion FLOPs"
    # (multiply-adds, Section 3.1) and "~25 million parameters", but only roughly (Section 3.4).
    source = "paper Table 3 / Figure 5 captions (preserved complexity)"
    return (
        Published.quoted("25M", metric="params", source=source, convention="approximate", deviation=params_deviation),
        Published.quoted(
            "4.1G",
            metric="macs",
            source=source,
            convention="FLOPs defined as multiply-adds (Section 3.1), approximate",
            deviation=macs_deviation,
        ),
    )


resnext50_32x4d = RESNEXT.register(
    "resnext50_32x4d",
    _resnext(50, 32, 4),
    aliases=("resnext50",),
    notes=(
        "ResNeXt-50 (32x4d) of Table 1: grouped 3x3 with 32 groups, inner widths 128/256/512/1024, "
        "outputs 256/512/1024/2048. Identical to torchvision's resnext50_32x4d: subsampling in the "
        "grouped 3x3 of each stage's first block (Section 4, from fb.resnet.torch) and 1x1 "
        "projection shortcuts only where the shape changes. timm's resnext50_32x4d has the same "
        "layout; its 'd' variants (deep stem, avg-pool shortcut) differ."
    ),
    published=(
        Published(
            metric="params",
            value=25_028_904,
            source="torchvision docs (ResNeXt50_32X4D_Weights.IMAGENET1K_V1)",
            convention="exact count",
            exact=True,
        ),
        Published.quoted(
            "4.23G",
            metric="macs",
            source="torchvision docs (ResNeXt50_32X4D_Weights.IMAGENET1K_V1, GFLOPS)",
            convention="MACs called GFLOPS, 224x224",
        ),
        Published.quoted("25.0M", metric="params", source="paper Table 1 (25.0x10^6)", convention="rounded"),
        Published.quoted(
            "4.2G",
            metric="macs",
            source="paper Table 1 (4.2x10^9 FLOPs)",
            convention="FLOPs defined as multiply-adds (Section 3.1)",
        ),
    ),
)


resnext101_32x4d = RESNEXT.register(
    "resnext101_32x4d",
    _resnext(101, 32, 4),
    notes=(
        "ResNeXt-101 (32x4d) of Table 3 (bottom): the 32x4d template on ResNet-101's 3/4/23/3 "
        "blocks, laid out as resnext50_32x4d. torchvision ships only the 32x8d and 64x4d 101-layer "
        "ResNeXts; this one matches the facebookresearch/ResNeXt release, timm's resnext101_32x4d "
        "and mmpretrain's ResNeXt-32x4d-101."
    ),
    published=(
        Published(
            metric="params",
            value=44_177_704,
            source="osmr/imgclsmob pytorchcv resnext.py test (resnext101_32x4d weight count)",
            convention="exact count",
            exact=True,
        ),
        Published.quoted(
            "44M",
            metric="params",
            source="paper Figure 5 caption (~44 million parameters)",
            convention="approximate",
        ),
        Published.quoted(
            "7.8G",
            metric="macs",
            source="paper Table 3 / Figure 5 captions (~7.8 billion FLOPs)",
            convention="FLOPs defined as multiply-adds (Section 3.1), approximate",
            deviation="~7.8G is the ResNet-101 budget the template preserves only roughly: the "
            "grouped blocks cost slightly more at the stage transitions (footnote 5), and the "
            "32x4d model measures 7.97G MACs",
        ),
    ),
)


resnext50_1x64d = RESNEXT.register(
    "resnext50_1x64d",
    _resnext(50, 1, 64),
    notes=_TEMPLATE_NOTE.format(width=64)
    + " With C=1, d=64 this is exactly ResNet-50 as the paper trains it (stride in the 3x3, "
    "'ResNet v1.5'), i.e. torchvision's resnet50; the original Caffe ResNet-50 strides in the "
    "first 1x1 and has fewer MACs (~3.86G).",
    published=(
        Published(
            metric="params",
            value=25_557_032,
            source="torchvision docs (ResNet50_Weights.IMAGENET1K_V1; same network)",
            convention="exact count",
            exact=True,
        ),
        Published.quoted(
            "4.09G",
            metric="macs",
            source="torchvision docs (ResNet50_Weights.IMAGENET1K_V1, GFLOPS; same network)",
            convention="MACs called GFLOPS, 224x224",
        ),
        Published.quoted(
            "4.1G",
            metric="macs",
            source="paper Table 1, ResNet-50 column (4.1x10^9 FLOPs)",
            convention="FLOPs defined as multiply-adds (Section 3.1)",
        ),
        Published.quoted(
            "25.5M",
            metric="params",
            source="paper Table 1, ResNet-50 column (25.5x10^6)",
            convention="rounded",
            deviation="the network has 25,557,032 parameters (25.6M rounded); the printed 25.5M "
            "looks truncated, or counts without the 53,120 batch-norm affine parameters "
            "(25,503,912)",
        ),
    ),
)


resnext50_2x40d = RESNEXT.register(
    "resnext50_2x40d",
    _resnext(50, 2, 40),
    notes=_TEMPLATE_NOTE.format(width=80),
    published=_template_published(),
)


resnext50_4x24d = RESNEXT.register(
    "resnext50_4x24d",
    _resnext(50, 4, 24),
    notes=_TEMPLATE_NOTE.format(width=96),
    published=_template_published(
        macs_deviation="equal complexity holds per conv2 block (Table 2, ~70k params), not exactly "
        "for the network: the wider 1x1s cost more at the stride-2 stage transitions, 4.16G MACs"
    ),
)


resnext50_8x14d = RESNEXT.register(
    "resnext50_8x14d",
    _resnext(50, 8, 14),
    notes=_TEMPLATE_NOTE.format(width=112),
    published=_template_published(
        params_deviation="the 8x14d block has ~2.6% more parameters than ResNet's (71,456 vs 69,632 at "
        "conv2 by Eqn. 4), giving 25.60M for the network",
        macs_deviation="equal complexity holds only roughly: the 8x14d block is ~2.6% larger and its "
        "wide 1x1s cost more at the stride-2 stage transitions, 4.27G MACs",
    ),
)

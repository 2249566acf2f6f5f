"""SENet, ResNeXt, EfficientNet, NASNet and the Residual Attention Network: blocks, cardinality,
compound scaling and cells, measured on the reference zoo's models."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .base import (
    ABOUT,
    ALTERNATIVE,
    INTENDED,
    Claim,
    Figure,
    Measurement,
    Outcome,
    Reading,
    Unchecked,
    check,
    exact,
    layer_outputs,
    layer_row,
    measure,
    model_output,
    on_meta,
    params_of,
    register,
    register_unchecked,
    residual_blocks,
    sample_shape,
    shape_text,
    stated,
    submodule,
    zoo_model,
)

SECTION = "SENet, ResNeXt, EfficientNet, NASNet"

# The paper's grid-searched constants of Eq. 3 (EfficientNet, Section 3.3); the notes name them only.
ALPHA, BETA, GAMMA = 1.2, 1.1, 1.15

register(
    [
        Claim(
            id="se-block-structure",
            section=SECTION,
            source="001:83-113",
            quote="z 는 위에서 global average pooling을 적용한 특성 ... 이 특성에 W 1을 곱해주는 linear 레이어를 "
            "거치고 ReLU 활성화 함수 δ 를 거친다 ... 이후 두 번째 W2를 곱해주는 linear layer를 거치고 마지막으로 "
            "시그모이드 활성화 함수 σ을 거친다 ... 이렇게 계산된 벡터를 기존의 특성 맵에 채널에 따라서 곱해주어",
            translation="z is the feature after global average pooling above ... this feature passes a linear layer "
            "that multiplies it by W1 and the ReLU activation δ ... then a linear layer that multiplies by the second "
            "W2 and finally the sigmoid activation σ ... the vector computed this way multiplies the existing feature "
            "map channel by channel",
            statement="The SE block squeezes the feature map by global average pooling into z, passes z through a "
            "linear layer (W1), a ReLU, a second linear layer (W2) and a sigmoid, and multiplies the feature map "
            "channel by channel by the resulting vector.",
            interpretation="every SE module of the zoo's se_resnet50 (16 blocks), from the layer table in execution "
            "order: the role of each layer (a global average pool to C x 1 x 1; a 1x1 conv on the 1x1 map, which is "
            "a linear layer; ReLU; sigmoid) must follow the notes' order, the squeeze and the excitation must be one "
            "value per channel (C x 1 x 1), and the block's output must have its input's shape (a channel-wise "
            "product). The notes give no reduction ratio and no cost (paper: r = 16); SE-ResNet-50's extra "
            "parameters and MACs over ResNet-50 in the same layout (resnet50_v1, stride in the first 1x1 as the "
            "released Caffe models) are shown as context, not judged",
        ),
        Claim(
            id="resnext-cardinality",
            section=SECTION,
            source="000:242-246",
            quote="group의 수를 늘릴수록 더 낮은 연산량을 가질 수 있다. 따라서 같은 연산량을 갖는 네트워크라고 하면, "
            "group을 늘리면 더 깊은 채널을 가질 수 있다 ... 파라미터를 일정 수준으로 유지하면서 cardinality와 "
            "block width를 변경해주면서 비교한 표이다",
            translation="the more groups, the lower the computation can be. So for networks of the same computation, "
            "more groups allow deeper channels ... a table comparing changes of cardinality and block width while "
            "keeping the parameters at a constant level",
            statement="More groups (cardinality) give lower computation, so at the same computation more groups "
            "allow more channels; the table keeps the parameters at a constant level while cardinality and block "
            "width change.",
            interpretation="(1) one bottleneck 256 -> 128 -> 256 at 56x56 (the conv2 stage) built from the zoo's "
            "Bottleneck with 1, 2, 4, 8, 32 groups at a fixed inner width of 128: its MACs must fall at every step; "
            "(2) the equal-complexity templates of the paper's Table 2 (resnext50_1x64d, 2x40d, 4x24d, 8x14d, "
            "32x4d): the grouped 3x3's width at conv2 must grow with the cardinality while MACs and parameters stay "
            "at the 1x64d template's (ResNet-50's), 'the same' and 'a constant level' read as about (10%)",
        ),
        Claim(
            id="efficientnet-flops-scaling",
            section=SECTION,
            source="004:340",
            quote="일반 컨볼루션 연산의 FLOPS는 d, w^2, r^2에 비례 한다. 즉, 네트워크 깊이를 두 배로 늘리면 "
            "FLOPS가 두 배가 되지만 네트워크 너비 또는 해상도가 두 배가 되면 FLOPS가 4배 증가 한다",
            translation="the FLOPS of regular convolution operations are proportional to d, w^2, r^2. That is, "
            "doubling the network depth doubles the FLOPS, but doubling the network width or resolution increases "
            "the FLOPS 4 times",
            statement="The FLOPs of regular convolutions are proportional to d, w^2 and r^2: doubling the depth "
            "doubles them, doubling the width or the resolution quadruples them.",
            interpretation="MACs (the paper's FLOPs) of a plain stack of bias-free 'same' 3x3 convs (4 layers of 32 "
            "channels at 32x32) with the layers, the channels or the input side doubled and tripled: x2 against the "
            "printed 2 and 4 (half a unit), x3 against d, w^2, r^2 exactly (3, 9, 9). Alternative reading, the "
            "network the notes scale: EfficientNet-B0 with its depth doubled (efficientnet(depth_mult=2)), its "
            "width doubled (width_mult=2) or its input doubled (448 px), against the printed 2 and 4; the share of "
            "B0's MACs in depthwise convs, which grow with w rather than w^2, is shown",
        ),
        Claim(
            id="efficientnet-2-phi",
            section=SECTION,
            source="004:342, 001:169",
            quote="컨볼루션 연산은 일반적으로 ConvNet의 계산 비용을 지배하므로 등식 3으로 ConvNet을 확장하면 총 "
            "FLOPS가 대략 (α · β^2 · γ^2)^φ만큼 증가 한다 ... α · β2 · γ2 ≈ 2를 제한하여 새로운 φ에 대해 총 "
            "FLOPS가 대략 2^φ만큼 증가할 것이다 ... 논문은 우선 ϕ를 1로 고정한 뒤 resolution과 depth, width을 "
            "정하는 α,β,γ의 최적값을 찾는다 ... 이후 α,β,γ, 즉 resolution과 depth, width의 기본 배율을 고정한 뒤 "
            "compound coefficient ϕ를 조정하여 모델의 크기를 조정한다",
            translation="since convolution operations usually dominate a ConvNet's computational cost, scaling a "
            "ConvNet by Equation 3 increases the total FLOPS by about (α · β^2 · γ^2)^φ ... constraining "
            "α · β^2 · γ^2 ≈ 2, the total FLOPS will increase by about 2^φ for a new φ ... the paper first fixes φ "
            "at 1 and finds the best α, β, γ that set resolution, depth and width ... then, with α, β, γ, the basic "
            "multipliers of resolution, depth and width, fixed, it adjusts the compound coefficient φ to size the "
            "model",
            statement="With φ fixed at 1 the best α, β, γ are found, then kept fixed while φ sizes the model. Since "
            "convolutions dominate a ConvNet's cost, scaling it by Equation 3 raises the total FLOPs by about "
            "(α · β^2 · γ^2)^φ, and with α · β^2 · γ^2 ≈ 2 by about 2^φ for a new φ.",
            interpretation="(paper: α = 1.2, β = 1.1, γ = 1.15 from a grid search at φ = 1; Equation 3 scales depth "
            "by α^φ, width by β^φ and resolution by γ^φ.) EfficientNet-B0 scaled by Equation 3 with those constants "
            "(the zoo's efficientnet(width_mult=β^φ, depth_mult=α^φ) at round(224 γ^φ) px) for φ = 1, 2, 3: MACs "
            "over B0's against about 2^φ and about (α β^2 γ^2)^φ (10%); α β^2 γ^2 with the paper's values against "
            "'about 2'; 'convolutions dominate the cost' as more than half of B0's FLOPs (every op counted) in its "
            "Conv2d layers. The grid search is not checkable; the official B1..B7 are in efficientnet-b1-b7-phi",
            contradicts=("efficientnet-b1-b7-phi",),
        ),
        Claim(
            id="efficientnet-b1-b7-phi",
            section=SECTION,
            source="004:326, 004:344",
            quote="이 b0 모델을 기점으로 세 가지 scaling factor를 동시에 고려하는 Compound Scaling을 적용하여 b1~7 "
            "모델을 생성했다 ... EfficientNet의 b0는 NAS를 통해 찾아낸 baseline이며 b1 ~ 7은 각각 φ 값이다. 각 φ "
            "값에 따른 α, β, γ를 위 (2), (3) 식을 통해 찾아내어서 최적화한다",
            translation="starting from this b0 model, Compound Scaling, which considers the three scaling factors at "
            "once, was applied to create the b1~7 models ... EfficientNet's b0 is the baseline found by NAS, and "
            "b1 ~ 7 are each a value of φ. For each φ value, α, β, γ are found and optimised through equations (2) "
            "and (3) above",
            statement="EfficientNet-B0 is the baseline found by NAS; B1 to B7 are made from it by compound scaling, "
            "each being one value of φ, with α, β, γ found for each φ by equations (2) and (3).",
            interpretation="B_k read as φ = k: by 004:342 each unit of φ about doubles the FLOPs, so the MACs of the "
            "official EfficientNet-B_k (the released table, tensorflow/tpu efficientnet_builder, at its own "
            "resolution) over B0's must be about 2^k (10%). Their resolutions and blocks are shown beside "
            "Equation 3's at φ = k with the paper's constants (paper: α = 1.2, β = 1.1, γ = 1.15, fixed for every "
            "φ, as 001:169 says). The NAS search and the search of α, β, γ are not checkable",
            contradicts=("efficientnet-2-phi",),
        ),
        Claim(
            id="efficientnet-width-depth-resolution",
            section=SECTION,
            source="001:159",
            quote="width는 CNN의 채널에 해당한다. 채널을 늘려줄수록 CNN의 파라미터와 특성을 표현하는 차원의 크기를 "
            "키울 수 있다. depth는 네트워크의 깊이이다 ... resolution은 입력값의 너비(w)와 높이(h) 크기이다. 입력이 "
            "클수록 정보가 많아져 성능이 올라갈 여지가 생기지만 레이어 사이의 특성 맵이 커지는 단점이 있다",
            translation="width corresponds to a CNN's channels. The more channels, the larger the CNN's parameters "
            "and the dimension that represents its features. depth is the network's depth ... resolution is the "
            "width (w) and height (h) of the input. A larger input carries more information and leaves room for "
            "better performance, but has the drawback that the feature maps between the layers grow",
            statement="Width is a CNN's channels: more channels enlarge its parameters and the dimension of its "
            "features. Depth is the network's depth. Resolution is the input's width and height: a larger input "
            "enlarges the feature maps between the layers.",
            interpretation="EfficientNet-B0 against B0 with its width doubled (efficientnet(width_mult=2)), its depth "
            "doubled (depth_mult=2) and its input doubled (448 px): the parameters and the head's feature channels "
            "must grow with the width, the weight-layer depth with the depth, and the values the layers output (the "
            "input plus every layer's new output, the notes' memory arithmetic) with the input. The remarks on "
            "performance are not checked",
        ),
        Claim(
            id="nasnet-cells",
            section=SECTION,
            source="001:146",
            quote="Convolution cell은 normal cell과 reduction cell로 구분된다. Normal cell은 특성 맵의 가로, 세로가 "
            "유지되도록 stride를 1로 고정한다. Reduction cell은 stride를 1 또는 2로 가져가서 특성 맵의 크기가 "
            "줄어들 수 있도록 한다",
            translation="Convolution cells are divided into normal cells and reduction cells. A normal cell fixes "
            "its stride at 1 so that the feature map keeps its width and height. A reduction cell takes stride 1 "
            "or 2 so that the feature map can shrink",
            statement="Convolution cells are normal cells and reduction cells. A normal cell fixes its stride at 1 "
            "so that the feature map keeps its height and width; a reduction cell takes stride 1 or 2 so that the "
            "feature map shrinks.",
            interpretation="every cell of the zoo's NASNet-A Mobile (4 @ 1056) at 224x224, sizes from the layer "
            "table: each normal cell's output must keep its input's height and width and the operations inside its "
            "ops (convs, pools) must all have stride 1; each reduction cell's output must be smaller than its input "
            "and its operations' strides must be 1 or 2 (paper: stride 2 on the ops that read the cell's inputs). "
            "A normal cell's adjustment of a larger previous output (factorized reduction) is not one of its ops",
        ),
        Claim(
            id="resnext-32x4-split",
            section=SECTION,
            source="000:222",
            quote="64개의 filter의 개수를 32개의 path로 쪼개서 각각 path마다 4개씩 filter를 사용하는 것",
            translation="splitting the 64 filters into 32 paths and using 4 filters in each path",
            statement="The figure shows ResNeXt splitting the 64 filters into 32 paths of 4 filters each.",
            interpretation="resnext50_32x4d's first grouped 3x3 (layer1.0.conv2, the block of the paper's Fig. 1, "
            "right): its filters against the note's 64, its groups (paths) against 32 and its filters per group "
            "against 4; ResNet-50's 3x3 at the same place and the conv parameters of the two Fig. 1 blocks (paper: "
            "about the same complexity) are shown as context",
        ),
        Claim(
            id="resnext-vs-resnet-compute",
            section=SECTION,
            source="000:217",
            quote="기존의 ResNet보다 연산량은 줄이면서 더 높은 성능을 보여주었다",
            translation="it showed higher performance than the existing ResNet while reducing the computation",
            statement="ResNeXt has less computation than ResNet, with higher performance.",
            interpretation="MACs of resnext50_32x4d against resnet50 and of resnext101_32x4d against resnet101, in "
            "the same (torchvision) layout with the stride in the 3x3: each must be lower; parameters shown; the "
            "performance is not checkable (paper: ResNeXt is designed at equal complexity, Table 1: 4.2 vs 4.1 "
            "GFLOPs)",
        ),
        Claim(
            id="resnext-split-transform-merge",
            section=SECTION,
            source="000:217",
            quote="ResNext는 하나의 입력을 group convolution을 통해 여러개로 나누고, 1x1 convolution으로 입력을 "
            "transform하고, concat을 통해 merge를 진행한다",
            translation="ResNeXt splits one input into several through group convolution, transforms the input with "
            "1x1 convolutions and merges through concatenation",
            statement="ResNeXt splits one input into several by group convolution, transforms the input with 1x1 "
            "convolutions and merges by concatenation.",
            interpretation="the first block of resnext50_32x4d: its grouped conv must split the input into several "
            "paths (groups > 1), the block must hold 1x1 convs, and the grouped conv's output must be the "
            "concatenation of its paths: a conv of that conv's shape run on cpu with random weights on a random 8x8 "
            "input must equal its per-group convs on the input's channel slices, concatenated (max difference "
            "shown). (paper Fig. 3(c): 1x1 256 -> 128, grouped 3x3, 1x1 128 -> 256.)",
        ),
        Claim(
            id="resnext-downsampling",
            section=SECTION,
            source="000:233",
            quote="downsampling은 convolution 3, 4, 5 layer에서 진행하였으며, "
            "각 layer의 첫 번째 블록에서 stride=2로 설정하였다",
            translation="downsampling was done in convolution layers 3, 4, 5, with stride=2 set in the first block "
            "of each layer",
            statement="ResNeXt downsamples in conv3, conv4 and conv5, with stride 2 in the first block of each.",
            interpretation="the blocks of resnext50_32x4d whose output map is smaller than their input (layer "
            "table; layer2..layer4 are the paper's conv3..conv5) must be exactly the first blocks of conv3, conv4 "
            "and conv5, and each must stride by 2 (strides read from its convs); where the stride sits is shown",
        ),
        Claim(
            id="resnext-identity-shortcuts",
            section=SECTION,
            source="000:231",
            quote="shortcut connection을 위해서는 identity connection을 사용했다",
            translation="identity connections were used for the shortcut connections",
            statement="ResNeXt uses identity connections for its shortcut connections.",
            interpretation="the shortcuts of resnext50_32x4d's 16 blocks (a block without a downsample module has "
            "an identity shortcut). As written: every shortcut is an identity. Alternative reading, as the paper "
            "has it (identity shortcuts, projections only where the dimensions increase): every block whose input "
            "and output shapes match has an identity, and only shape-changing blocks a projection",
        ),
        Claim(
            id="resnet-basic-up-to-50",
            section=SECTION,
            source="000:226",
            quote="이전의 ResNet에서, ResNet50 이하의 깊이를 갖는 구조에서는 basic block, 즉 블록을 하나 쌓을 때, "
            "convolution을 2번 진행하였다",
            translation="in the earlier ResNet, structures of depth ResNet50 or less used the basic block, i.e. two "
            "convolutions per stacked block",
            statement="In ResNet, networks of depth 50 or less use the basic block, two convolutions per block.",
            interpretation="block types of resnet50, resnet18 and resnet34 and the convs on a basic block's "
            "residual branch (layer table); '이하' (at most) includes ResNet-50 as written; intended reading: "
            "'미만' (under 50), as 002:174 has it (bottlenecks from depth 50)",
            contradicts=("resnet-bottleneck-from-50",),
        ),
        Claim(
            id="resnet-inherits-vgg-blocks",
            section=SECTION,
            source="000:213",
            quote="같은 모양의 여러 블록을 쌓는 VGGNet처럼, ResNet도 VGGNet과 같은 방식으로 계승했고",
            translation="like VGGNet, which stacks several blocks of the same shape, ResNet inherited the same way",
            statement="VGGNet stacks several blocks of the same shape, and ResNet is built the same way.",
            interpretation="VGG16: every conv must be a 3x3 stride-1 conv, and in each stage every conv after the "
            "first must keep its input's shape; ResNet-50: every block must be the same bottleneck template (1x1, "
            "3x3, 1x1 convs), and in each stage every block after the first must keep its input's shape with the "
            "same parameters (paper: ResNeXt, Section 1, 'stacking building blocks of the same shape')",
        ),
        Claim(
            id="inception-low-compute",
            section=SECTION,
            source="000:213",
            quote="VGGNet과 달리 Inception module은 낮은 연산량으로도 높은 정확도를 이끌어낼 수 있다고 증명했다",
            translation="unlike VGGNet, the Inception module proved that it can reach high accuracy even with low "
            "computation",
            statement="Unlike VGGNet, the Inception module reaches high accuracy with low computation.",
            interpretation="MACs of GoogLeNet (the Inception network, Caffe layout) against VGG16's at 224x224: 'low "
            "computation' read against VGGNet, the comparison the sentence makes; the accuracy needs trained models "
            "and is not checkable",
        ),
        Claim(
            id="attention-mask-branch",
            section=SECTION,
            source="000:297-299",
            quote="max pooling을 몇 번 적용하여 receptive field를 증가시킨다 ... max pooling과 같은 수로 linear "
            "interpolation으로 출력을 upsampling하면, 원래의 input feature와 같은 크기로 확장할 수 있다 ... "
            "마지막으로 1x1 convolution 연산을 적용한 뒤 sigmoid 활성화를 하여, 출력값을 0에서 1로 조절한다. "
            "여기에 bottom-up과 top-down 사이에 skip connection을 추가하여",
            translation="max pooling is applied a few times to enlarge the receptive field ... upsampling the output "
            "by linear interpolation as many times as max pooling expands it back to the size of the original "
            "input feature ... finally a 1x1 convolution followed by a sigmoid activation brings the output to 0..1. "
            "Skip connections are added between the bottom-up and top-down parts",
            statement="The soft mask branch applies max pooling a few times to enlarge the receptive field, then "
            "upsamples by linear interpolation as many times as it pooled, back to the input feature's size; a 1x1 "
            "convolution and a sigmoid bring the output to 0..1, and skip connections link the bottom-up and "
            "top-down parts.",
            interpretation="the first-stage soft mask of the zoo's attention56 (its SoftMaskBranch, 256 channels at "
            "56x56, built with the net's arguments and profiled on cpu with its ops recorded; on meta, bilinear "
            "up-sampling first imports torch's decompositions, about a second): bilinear up-samplings against max "
            "poolings, the receptive field after each pooling (must grow), the output shape against the input's, "
            "the last two layers (a 1x1 conv, then the sigmoid) and the skip units (at least one). The mask's 0..1 "
            "range is measured in attention-residual-learning",
        ),
        Claim(
            id="attention-residual-learning",
            section=SECTION,
            source="000:304",
            quote="H_{i,c}(x) = (1 + M_{i,c}(x)) * F_{i, c}(x) ... 는 0에서 1사이의 범위를 가지기 때문에 만약 값이 "
            "0인 경우, 원래의 특징 ... 을 내보내도록 될 것이다",
            translation="H(x) = (1 + M(x)) * F(x) ... since M lies between 0 and 1, when it is 0 the original "
            "feature F(x) is passed on",
            statement="The attention module outputs H = (1 + M) * F; the mask M lies between 0 and 1, and a mask "
            "of 0 passes the original feature F through.",
            interpretation="a real forward pass (cpu, random weights, eval mode) of the zoo's AttentionModule (16 "
            "channels, two poolings, a random 16x28x28 input): the trunk's output F, the mask M and the input H of "
            "the module's last unit are captured; H must equal (1 + M) * F, M must lie in 0..1, and with the mask "
            "forced to 0 H must equal F (float32, 1e-6 relative)",
        ),
    ]
)


# ---------------------------------------------------------------------------------------- helpers


def _roughly(value: float, text: str) -> Figure:
    """A figure the notes work out by a formula and qualify with 'about' (대략)."""
    return dataclasses.replace(exact(value, text), bound=ABOUT)


def _pct(x: float) -> str:
    return f"{x:+.2%}"


def _hw(shape_text_: str) -> tuple[int, int]:
    _, h, w = sample_shape(shape_text_)
    return h, w


def _strides(module: nn.Module, kinds: tuple[type[nn.Module], ...]) -> set[int]:
    """The strides (along H) of the ``kinds`` layers inside ``module``."""
    found = set()
    for m in module.modules():
        if isinstance(m, kinds):
            stride: Any = m.stride  # a tuple for convs, an int or a tuple for pools
            found.add(int(stride[0] if isinstance(stride, tuple) else stride))
    return found


@functools.cache
def _b0(width: float = 1.0, depth: float = 1.0, side: int = 224) -> Any:
    """EfficientNet-B0 scaled, profiled once per process as the named models are (``measure``'s cache)."""
    if width == depth == 1.0:
        return measure("efficientnet_b0", (3, side, side))
    from archstats_models.efficientnet import efficientnet

    return measure(on_meta(efficientnet, width, depth), (3, side, side))


def _equation3(phi: int) -> tuple[float, float, int]:
    """Width, depth and side of B0 scaled by Equation 3 with the paper's constants."""
    from archstats_models.efficientnet import compound_coefficients

    depth, width, res = compound_coefficients(phi, ALPHA, BETA, GAMMA)
    return width, depth, round(224 * res)


def _stage_blocks(p: Any) -> list[int]:
    """MBConv blocks per stage (features.1..7) of an EfficientNet profile, from its module paths."""
    found = p.layers.module.str.extract(r"^features\.([1-7])\.(\d+)(?:\.|$)").dropna().drop_duplicates()
    return [int((found[0] == str(s)).sum()) for s in range(1, 8)]


# ---------------------------------------------------------------------------------------- SENet

_SE_ROLES = "global average pool -> linear W1 -> ReLU -> linear W2 -> sigmoid"


def _se_roles(rows: Any, model: nn.Module) -> str:
    """The roles of the layers of one SE module, in order, from its rows of the layer table."""
    roles = []
    linears = 0
    for _, r in rows.iterrows():
        out = sample_shape(r.output_shape)
        if r.type == "AdaptiveAvgPool2d" and out[1:] == (1, 1):
            roles.append("global average pool")
        elif r.type == "Linear" or (
            r.type == "Conv2d"
            and sample_shape(r.input_shape)[1:] == (1, 1)
            and submodule(model, r.module, nn.Conv2d).kernel_size == (1, 1)
        ):
            linears += 1
            roles.append(f"linear W{linears}")
        else:
            roles.append({"ReLU": "ReLU", "Sigmoid": "sigmoid"}.get(r.type, r.type))
    return " -> ".join(roles)


@check("se-block-structure")
def se_block_structure(claim: Claim) -> Outcome:
    p, model = measure("se_resnet50"), zoo_model("se_resnet50")
    layers = p.layers
    blocks = list(layers.loc[layers.type == "SEModule", "module"])
    roles = {b: _se_roles(layers[layers.module.str.startswith(f"{b}.")], model) for b in blocks}
    first = blocks[0]
    se_in = sample_shape(layer_row(p, first).input_shape)
    c = se_in[0]
    lit = Reading()
    lit.equal(f"{first}: its layers, in order", _SE_ROLES, roles[first])
    same = sum(r == _SE_ROLES for r in roles.values())
    lit.flag(f"all {len(blocks)} SE blocks in that order", same == len(blocks), f"{same} of {len(blocks)}")
    lit.equal(
        "squeeze z: one value per channel", (c, 1, 1), sample_shape(layer_row(p, f"{first}.avg_pool").output_shape)
    )
    lit.equal(
        "excitation: one weight per channel", (c, 1, 1), sample_shape(layer_row(p, f"{first}.sigmoid").output_shape)
    )
    lit.equal("feature map x weights: the input's shape", se_in, sample_shape(layer_row(p, first).output_shape))
    se, base = p.totals, measure("resnet50_v1").totals
    dp, dm = se.params - base.params, se.macs - base.macs
    return Outcome(
        (lit,),
        f"all {same} of {len(blocks)} SE blocks of se_resnet50 run global average pool -> 1x1 'FC' on the 1x1 map "
        f"-> ReLU -> FC -> sigmoid and scale their {shape_text(se_in)} input channel by channel; beside the "
        f"claim, SE adds {dp:,} params ({dp / base.params:+.1%}) and {dm:,} MACs ({dm / base.macs:+.2%}) to ResNet-50",
        (
            Measurement("SE-ResNet-50 - ResNet-50 (v1) parameters", f"{dp:+,} ({_pct(dp / base.params)})"),
            Measurement("SE-ResNet-50 - ResNet-50 (v1) MACs", f"{dm:+,} ({_pct(dm / base.macs)})"),
        ),
        formula="SE(x) = x * sigmoid(W2 ReLU(W1 GAP(x))), W1: C -> C/r, W2: C/r -> C",
        correction=f"se_resnet50's SE blocks: {roles[first]}, then x * weights per channel",
    )


# ---------------------------------------------------------------------------------------- ResNeXt


@functools.cache
def _grouped_block_macs(groups: int) -> int:
    """MACs of a ResNeXt bottleneck 256 -> 128 -> 256 at 56x56 with ``groups`` groups (fixed width 128)."""
    from archstats_models.resnext import Bottleneck

    return int(
        measure(on_meta(Bottleneck, 256, 64, groups=groups, base_width=128 // groups), (256, 56, 56)).totals.macs
    )


def _cardinality_at_fixed_width(lit: Reading) -> list[int]:
    macs = [_grouped_block_macs(g) for g in (1, 2, 4, 8, 32)]
    lit.flag(
        "width 128, 1 -> 32 groups: block MACs fall",
        macs[-1] < macs[0],
        macs[-1] / macs[0],
        kind="ratio",
        arithmetic=f"{macs[-1]:,} / {macs[0]:,}",
    )
    for g, prev, now in zip((2, 4, 8, 32), macs, macs[1:]):
        lit.flag(
            f"{g} groups: block MACs below the previous step",
            now < prev,
            now,
            kind="macs",
            arithmetic=f"56*56*(2*256*128 + 9*128*128/{g}) = {56 * 56 * (2 * 256 * 128 + 9 * 128 * 128 // g):,}",
        )
    return macs


_TEMPLATES = ("1x64d", "2x40d", "4x24d", "8x14d", "32x4d")


def _cardinality_at_equal_cost(lit: Reading) -> list[int]:
    base = measure("resnext50_1x64d").totals
    widths: list[int] = []
    for name in _TEMPLATES:
        p = measure(f"resnext50_{name}")
        width = sample_shape(layer_row(p, "layer1.0.conv2").output_shape)[0]
        if widths:
            lit.flag(f"{name}: wider 3x3 than the step before", width > widths[-1], width)
            same = _roughly(1, "1")
            lit.figure(f"{name}: MACs / 1x64d's", same, p.totals.macs / base.macs, kind="ratio")
            lit.figure(f"{name}: params / 1x64d's", same, p.totals.params / base.params, kind="ratio")
        widths.append(width)
    return widths


@check("resnext-cardinality")
def resnext_cardinality(claim: Claim) -> Outcome:
    lit = Reading()
    macs = _cardinality_at_fixed_width(lit)
    widths = _cardinality_at_equal_cost(lit)
    top, base = measure("resnext50_32x4d").totals, measure("resnext50_1x64d").totals
    return Outcome(
        (lit,),
        f"at width 128 the block costs {macs[0]:,} -> {macs[-1]:,} MACs from 1 to 32 groups "
        f"({macs[-1] / macs[0]:.2f}x); at ResNet-50's cost the grouped 3x3 widens {' -> '.join(map(str, widths))} "
        f"with cardinality 1 -> 32, 32x4d at {top.macs / base.macs:.3f}x the MACs and "
        f"{top.params / base.params:.3f}x the params of 1x64d",
        formula="grouped k x k conv: MACs = H*W*k^2*C_in*C_out/groups",
        correction=f"32 groups at width 128: {macs[-1]:,} MACs against {macs[0]:,} at 1 group",
    )


@check("resnext-32x4-split")
def resnext_32x4_split(claim: Claim) -> Outcome:
    from archstats_models.resnext import Bottleneck

    conv = submodule(zoo_model("resnext50_32x4d"), "layer1.0.conv2", nn.Conv2d)
    resnet_conv = submodule(zoo_model("resnet50"), "layer1.0.conv2", nn.Conv2d)
    per_group = conv.out_channels // conv.groups
    lit = Reading()
    lit.figure(
        "filters split into the paths", stated("64"), conv.out_channels, arithmetic=f"{conv.groups} x {per_group}"
    )
    lit.equal("paths (groups)", 32, conv.groups)
    lit.equal("filters per path", 4, per_group)

    def conv_params(**kw: Any) -> int:
        block = on_meta(Bottleneck, 256, 64, **kw)
        return sum(params_of(m) for m in block.modules() if isinstance(m, nn.Conv2d))

    fig1, resnet_block = conv_params(groups=32, base_width=4), conv_params()
    return Outcome(
        (lit,),
        f"32 paths of 4 filters are {conv.groups} x {per_group} = {conv.out_channels} filters, twice ResNet-50's "
        f"{resnet_conv.out_channels}; splitting 64 would leave 2 per path. The grouping pays for the width: the "
        f"Fig. 1 block has {fig1:,} conv params against ResNet's {resnet_block:,}",
        (
            Measurement("resnet50 layer1.0 3x3: filters", resnet_conv.out_channels),
            Measurement(
                "Fig. 1 blocks 256 -> 32 x 4 -> 256 / 256 -> 64 -> 256: conv params", f"{fig1:,} / {resnet_block:,}"
            ),
        ),
        formula="filters = paths x filters per path = 32 x 4",
        correction=f"32 paths of 4 filters are {conv.out_channels} filters (resnext50_32x4d layer1.0.conv2: "
        f"{conv.groups} x {per_group}), not 64; ResNet-50 has {resnet_conv.out_channels} there",
    )


@check("resnext-vs-resnet-compute")
def resnext_vs_resnet(claim: Claim) -> Outcome:
    lit = Reading()
    pairs = (("resnext50_32x4d", "resnet50"), ("resnext101_32x4d", "resnet101"))
    measurements = []
    for rx, rn in pairs:
        a, b = measure(rx).totals, measure(rn).totals
        ratio = a.macs / b.macs
        lit.flag(f"{rx} / {rn} MACs below 1", ratio < 1, ratio, kind="ratio", arithmetic=f"{a.macs:,} / {b.macs:,}")
        measurements.append(Measurement(f"{rx} / {rn}: params", f"{a.params:,} / {b.params:,}"))
    lit.unmeasurable("higher performance", "accuracy needs trained models")
    a, b = measure("resnext50_32x4d").totals, measure("resnet50").totals
    return Outcome(
        (lit,),
        f"ResNeXt does not cut compute: ResNeXt-50 (32x4d) has {a.macs:,} / {b.macs:,} = {a.macs / b.macs:.3f}x "
        "ResNet-50's MACs in the same layout, as the paper designs it (equal complexity); the accuracy is not "
        "checkable",
        tuple(measurements),
        correction=f"ResNeXt-50 (32x4d) costs {a.macs:,} MACs, {a.macs / b.macs - 1:.1%} more than ResNet-50's "
        f"{b.macs:,} (paper Table 1: 4.2 vs 4.1 GFLOPs, equal complexity)",
    )


def _paths_concatenated(conv: nn.Conv2d) -> float:
    """Max |grouped conv - concat of its per-group convs| on random values (cpu, 8x8)."""
    with torch.random.fork_rng(), torch.no_grad():
        torch.manual_seed(0)
        weight = torch.randn(conv.out_channels, conv.in_channels // conv.groups, *conv.kernel_size)
        x = torch.randn(1, conv.in_channels, 8, 8)
        pad = conv.padding
        grouped = F.conv2d(x, weight, stride=conv.stride, padding=pad, groups=conv.groups)
        ins, outs = conv.in_channels // conv.groups, conv.out_channels // conv.groups
        paths = [
            F.conv2d(x[:, g * ins : (g + 1) * ins], weight[g * outs : (g + 1) * outs], stride=conv.stride, padding=pad)
            for g in range(conv.groups)
        ]
        return float((grouped - torch.cat(paths, 1)).abs().max())


@check("resnext-split-transform-merge")
def resnext_split_transform_merge(claim: Claim) -> Outcome:
    block = submodule(zoo_model("resnext50_32x4d"), "layer1.0", nn.Module)
    convs = [(n, m) for n, m in block.named_modules() if isinstance(m, nn.Conv2d) and not n.startswith("downsample")]
    grouped = [m for _, m in convs if m.groups > 1]
    pointwise = [f"{n} {m.in_channels}->{m.out_channels}" for n, m in convs if m.kernel_size == (1, 1)]
    lit = Reading()
    lit.flag("the grouped conv splits the input into paths", bool(grouped), grouped[0].groups if grouped else 0)
    lit.flag("1x1 convs transform the input", bool(pointwise), ", ".join(pointwise))
    diff = _paths_concatenated(grouped[0]) if grouped else math.inf
    lit.flag("grouped conv output = its paths concatenated", diff <= 1e-4, diff, arithmetic="max |difference|")
    return Outcome(
        (lit,),
        f"resnext50_32x4d's block: 1x1 convs ({', '.join(pointwise)}) around a 3x3 conv of "
        f"{grouped[0].groups if grouped else 0} groups, whose output equals its paths' outputs concatenated "
        f"(max difference {diff:.1e})",
        correction="a ResNeXt block is 1x1 -> grouped 3x3 (split, transform, concat) -> 1x1",
    )


def _downsampling_blocks(model: nn.Module, p: Any) -> list[tuple[str, int, int, list[int]]]:
    """(block, H in, H out, strides of conv1/conv2/shortcut) for the blocks that shrink the map."""
    found = []
    for _, r in p.layers[p.layers.module.str.match(r"^layer\d\.\d+$")].iterrows():
        h_in, h_out = _hw(r.input_shape)[0], _hw(r.output_shape)[0]
        if h_out < h_in:
            names = ("conv1", "conv2", "downsample.0")
            found.append(
                (r.module, h_in, h_out, [submodule(model, f"{r.module}.{c}", nn.Conv2d).stride[0] for c in names])
            )
    return found


@check("resnext-downsampling")
def resnext_downsampling(claim: Claim) -> Outcome:
    found = _downsampling_blocks(zoo_model("resnext50_32x4d"), measure("resnext50_32x4d"))
    conv_name = {"layer2": "conv3", "layer3": "conv4", "layer4": "conv5"}

    def paper(block: str) -> str:
        stage, index = block.split(".")
        return f"{conv_name.get(stage, stage)}_{int(index) + 1}"

    lit = Reading()
    lit.equal("blocks that downsample", "conv3_1, conv4_1, conv5_1", ", ".join(paper(b) for b, *_ in found))
    for block, h_in, h_out, strides in found:
        lit.equal(f"{paper(block)} ({block}): stride", 2, max(strides), arithmetic=f"{h_in} -> {h_out}")
    where = "; ".join(f"{paper(b)}: {'/'.join(map(str, s))}" for b, _, _, s in found)
    return Outcome(
        (lit,),
        f"only {', '.join(f'{b} ({paper(b)})' for b, *_ in found)} shrink the map "
        + ", ".join(f"{h_in} -> {h_out}" for _, h_in, h_out, _ in found)
        + f"; strides of conv1/conv2/shortcut: {where}",
        (Measurement("strides of conv1/conv2/shortcut", where),),
        correction=f"resnext50_32x4d downsamples in {', '.join(paper(b) for b, *_ in found)}",
    )


@check("resnext-identity-shortcuts")
def resnext_identity_shortcuts(claim: Claim) -> Outcome:
    model, p = zoo_model("resnext50_32x4d"), measure("resnext50_32x4d")
    blocks = p.layers[p.layers.module.str.match(r"^layer\d\.\d+$")]
    identity = {r.module for _, r in blocks.iterrows() if model.get_submodule(r.module).downsample is None}
    reshaping = {r.module for _, r in blocks.iterrows() if r.input_shape != r.output_shape}
    n = len(blocks)
    lit = Reading()
    lit.flag("every shortcut is an identity", len(identity) == n, f"{len(identity)} of {n}")
    alt = Reading("identity where the shape allows (paper)", ALTERNATIVE)
    kept = n - len(reshaping)
    alt.flag(
        "blocks keeping their shape: identity",
        identity == set(blocks.module) - reshaping,
        f"{len(identity - reshaping)} of {kept}",
    )
    alt.flag(
        "projections only where the shape changes",
        reshaping.isdisjoint(identity),
        f"{n - len(identity)} projections, {len(reshaping)} reshaping blocks",
    )
    return Outcome(
        (lit, alt),
        f"{len(identity)} of {n} shortcuts are identities; the other {n - len(identity)} are 1x1 projections in "
        f"the {len(reshaping)} blocks that change the shape ({', '.join(sorted(reshaping))})",
        correction=f"resnext50_32x4d: {len(identity)} identity shortcuts and {n - len(identity)} 1x1 projections "
        "where the shape changes",
    )


def _basic_block_convs(name: str) -> int:
    rows = measure(name).layers
    return int(((rows.type == "Conv2d") & rows.module.str.match(r"^layer1\.0\.conv\d+$")).sum())


@check("resnet-basic-up-to-50")
def resnet_basic_up_to_50(claim: Claim) -> Outcome:
    blocks = {n: ", ".join(residual_blocks(measure(n))) for n in ("resnet50", "resnet18", "resnet34")}
    lit = Reading()
    intended = Reading("under 50 (미만), as 002:174", INTENDED)
    for name, kind in blocks.items():
        lit.equal(f"{name}: blocks", "BasicBlock", kind)
        if name != "resnet50":
            intended.equal(f"{name}: blocks", "BasicBlock", kind)
    for name in ("resnet18", "resnet34"):
        for reading in (lit, intended):
            reading.equal(f"{name}: convs per basic block", 2, _basic_block_convs(name))
    return Outcome(
        (lit, intended),
        f"ResNet-18 and -34 use basic blocks of 2 convs, ResNet-50 uses {blocks['resnet50']}s: '50 이하' (at most "
        "50) should read '50 미만' (under 50)",
        correction=f"ResNets under 50 layers use basic blocks; ResNet-50 uses {blocks['resnet50']}s (002:174)",
    )


# ---------------------------------------------------------------------------------------- VGG, Inception


def _vgg_same_shape(lit: Reading) -> None:
    model, p = zoo_model("vgg16"), measure("vgg16")
    convs, stages, stage = [], [], []
    for name, m in submodule(model, "features", nn.Module).named_children():
        if isinstance(m, nn.Conv2d):
            convs.append(m)
            stage.append(f"features.{name}")
        elif isinstance(m, nn.MaxPool2d):
            stages.append(stage)
            stage = []
    template = sum(c.kernel_size == (3, 3) and c.stride == (1, 1) for c in convs)
    lit.flag("vgg16: every conv 3x3 stride 1", template == len(convs), f"{template} of {len(convs)}")
    repeats = [layer_row(p, n) for s in stages for n in s[1:]]
    kept = sum(r.input_shape == r.output_shape for r in repeats)
    lit.flag("vgg16: convs after a stage's first keep the shape", kept == len(repeats), f"{kept} of {len(repeats)}")


def _resnet_same_shape(lit: Reading) -> None:
    model, p = zoo_model("resnet50"), measure("resnet50")
    blocks = [r for _, r in p.layers[p.layers.module.str.match(r"^layer\d\.\d+$")].iterrows()]
    kernels = [
        tuple(submodule(model, f"{r.module}.{c}", nn.Conv2d).kernel_size[0] for c in ("conv1", "conv2", "conv3"))
        for r in blocks
    ]
    same = sum(k == (1, 3, 1) for k in kernels)
    lit.flag("resnet50: every block 1x1, 3x3, 1x1", same == len(blocks), f"{same} of {len(blocks)}")
    repeats = [r for r in blocks if not r.module.endswith(".0")]
    firsts = {
        r.module.split(".")[0]: params_of(model.get_submodule(r.module)) for r in repeats if r.module.endswith(".1")
    }
    kept = sum(
        r.input_shape == r.output_shape and params_of(model.get_submodule(r.module)) == firsts[r.module.split(".")[0]]
        for r in repeats
    )
    lit.flag(
        "resnet50: blocks after a stage's first keep shape and params",
        kept == len(repeats),
        f"{kept} of {len(repeats)}",
    )


@check("resnet-inherits-vgg-blocks")
def resnet_inherits_vgg_blocks(claim: Claim) -> Outcome:
    lit = Reading()
    _vgg_same_shape(lit)
    _resnet_same_shape(lit)
    return Outcome(
        (lit,),
        "VGG16 stacks 3x3 stride-1 convs that keep the shape within a stage, ResNet-50 stacks one bottleneck "
        "template whose repeats keep the shape and the parameters within a stage: "
        + "; ".join(f"{p.label}: {p.measured}" for p in lit.points),
        correction="; ".join(f"{p.label}: {p.measured}" for p in lit.points),
    )


@check("inception-low-compute")
def inception_low_compute(claim: Claim) -> Outcome:
    g, v = measure("googlenet").totals, measure("vgg16").totals
    lit = Reading()
    lit.flag(
        "GoogLeNet MACs below VGG16's", g.macs < v.macs, g.macs, kind="macs", arithmetic=f"{g.macs:,} vs {v.macs:,}"
    )
    lit.unmeasurable("high accuracy", "accuracy needs trained models")
    return Outcome(
        (lit,),
        f"GoogLeNet costs {g.macs:,} MACs, {v.macs / g.macs:.1f}x fewer than VGG16's {v.macs:,}; its accuracy is "
        "not checkable",
        correction=f"GoogLeNet: {g.macs:,} MACs, VGG16: {v.macs:,}",
    )


# ---------------------------------------------------------------------------------------- EfficientNet


def _plain_stack(channels: int, layers: int) -> nn.Module:
    """``layers`` bias-free 'same' 3x3 convs C -> C, built on meta."""

    def stack() -> nn.Sequential:
        return nn.Sequential(*[nn.Conv2d(channels, channels, 3, padding=1, bias=False) for _ in range(layers)])

    return on_meta(stack)


@functools.cache
def _plain_macs(channels: int, layers: int, side: int) -> int:
    return int(measure(_plain_stack(channels, layers), (channels, side, side)).totals.macs)


# (label, figure, channels, layers, side): the plain stack's base is 4 layers of 32 channels at 32x32.
_PLAIN = (
    ("width x2", "4", 64, 4, 32),
    ("resolution x2", "4", 32, 4, 64),
    ("depth x2", "2", 32, 8, 32),
    ("width x3", 9, 96, 4, 32),
    ("resolution x3", 9, 32, 4, 96),
    ("depth x3", 3, 32, 12, 32),
)


def _depthwise_share() -> float:
    """The share of B0's MACs in its depthwise convs (they grow with w, not w^2)."""
    model, layers = zoo_model("efficientnet_b0"), _b0().layers
    depthwise = {n for n, m in model.named_modules() if isinstance(m, nn.Conv2d) and 1 < m.groups == m.in_channels}
    return int(layers[layers.module.isin(depthwise)].macs.sum()) / _b0().totals.macs


@check("efficientnet-flops-scaling")
def efficientnet_flops_scaling(claim: Claim) -> Outcome:
    lit = Reading("regular convolutions")
    base = _plain_macs(32, 4, 32)
    for label, figure, ch, n, side in _PLAIN:
        fig = stated(figure) if isinstance(figure, str) else exact(figure)
        macs = _plain_macs(ch, n, side)
        arithmetic = f"{n}*{side}^2*9*{ch}^2 / (4*32^2*9*32^2) = {macs:,} / {base:,}"
        lit.figure(f"plain 3x3 stack, {label}", fig, macs / base, kind="ratio", arithmetic=arithmetic)
    alt = Reading("EfficientNet-B0", ALTERNATIVE)
    b0 = _b0().totals.macs
    ratios = {}
    for label, figure, args in (
        ("width x2", "4", (2.0, 1.0, 224)),
        ("resolution x2", "4", (1.0, 1.0, 448)),
        ("depth x2", "2", (1.0, 2.0, 224)),
    ):
        macs = _b0(*args).totals.macs
        ratios[label] = macs / b0
        alt.figure(f"B0, {label}", stated(figure), macs / b0, kind="ratio", arithmetic=f"{macs:,} / {b0:,}")
    share = _depthwise_share()
    plain = ", ".join(f"{p.label.split(', ')[1]} {p.measured:g}x" for p in lit.points)
    b0_text = ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items())
    return Outcome(
        (lit, alt),
        f"regular convs follow d, w^2, r^2 exactly ({plain}); EfficientNet-B0: {b0_text} (its depthwise convs, "
        f"{share:.0%} of the MACs, grow only with w)",
        (Measurement("B0: share of MACs in depthwise convs", f"{share:.1%}"),),
        formula="conv MACs = H*W*k^2*C_in*C_out per layer: x d with depth, x w^2 with width, x r^2 with resolution",
        correction=f"MACs ratios: plain 3x3 convs {plain}; EfficientNet-B0 {b0_text}",
    )


def _conv_share(p: Any) -> float:
    """The share of a profile's FLOPs (every op counted) in its Conv2d layers."""
    layers = p.layers
    return float(layers.loc[layers.type == "Conv2d", "flops"].sum()) / p.totals.flops


@check("efficientnet-2-phi")
def efficientnet_2_phi(claim: Claim) -> Outcome:
    rate = ALPHA * BETA**2 * GAMMA**2
    b0 = _b0().totals.macs
    lit = Reading()
    growth = {}
    for phi in (1, 2, 3):
        w, d, side = _equation3(phi)
        macs = _b0(w, d, side).totals.macs
        growth[phi] = macs / b0
        arithmetic = f"w {w:.3f}, d {d:.3f}, {side} px: {macs:,} / {b0:,}"
        lit.figure(
            f"φ={phi}: MACs / B0 vs 2^φ", _roughly(2**phi, f"{2**phi}"), macs / b0, kind="ratio", arithmetic=arithmetic
        )
    for phi, g in growth.items():
        lit.figure(f"φ={phi}: vs (αβ²γ²)^φ", _roughly(rate**phi, f"{rate**phi:.4g}"), g, kind="ratio")
    lit.figure(
        "α·β²·γ² (paper's values)",
        stated("2", bound=ABOUT),
        rate,
        arithmetic=f"{ALPHA} * {BETA}^2 * {GAMMA}^2 = {rate:.4f}",
    )
    share = _conv_share(_b0())
    lit.flag("convolutions dominate B0's FLOPs", share > 0.5, f"{share:.1%}")
    lit.unmeasurable("α, β, γ by grid search at φ=1", "a search over trained networks")
    blocks = sum(_stage_blocks(_b0(*_equation3(1)))), sum(_stage_blocks(_b0()))
    return Outcome(
        (lit,),
        "B0 scaled by Equation 3 costs " + ", ".join(f"{g:.2f}x" for g in growth.values()) + " B0's MACs at φ = 1, "
        f"2, 3 against 2^φ = 2, 4, 8 and {rate:.2f}^φ: at φ = 1 the repeats round up (ceil(1.2 n): {blocks[1]} -> "
        f"{blocks[0]} blocks); α β² γ² = {rate:.3f}, and {rate:.2f}^7 is {1 - (rate / 2) ** 7:.0%} short of 2^7",
        formula="FLOPs(φ) / FLOPs(0) ~ (α β^2 γ^2)^φ = 1.92^φ ~ 2^φ (d = α^φ, w = β^φ, r = γ^φ)",
        correction=f"B0 scaled by Equation 3 at φ=1 costs {growth[1]:.2f}x B0's MACs, not about 2x: rounding the "
        f"repeats up gives {blocks[0]} blocks for {blocks[1]}",
    )


def _b_row(k: int) -> tuple[int, int, float]:
    """Official B_k's side, MBConv blocks and MACs over B0's."""
    p = measure(f"efficientnet_b{k}")
    side = sample_shape(layer_row(p, "(model)").input_shape)[-1]
    return side, sum(_stage_blocks(p)), p.totals.macs / _b0().totals.macs


@check("efficientnet-b1-b7-phi")
def efficientnet_b1_b7_phi(claim: Claim) -> Outcome:
    lit = Reading()
    rows = {k: _b_row(k) for k in range(1, 8)}
    for k, (_, _, ratio) in rows.items():
        lit.figure(f"B{k}: MACs / B0 vs 2^{k}", _roughly(2**k, f"{2**k}"), ratio, kind="ratio")
    lit.unmeasurable("B0 found by NAS; α, β, γ searched per φ", "a search over trained networks")
    # Equation 3's blocks: B0's repeats per stage (measured) times α^k, rounded up as the release does.
    b0_stages = _stage_blocks(_b0())
    eq3_blocks = [sum(math.ceil(ALPHA**k * n) for n in b0_stages) for k in rows]
    sides = [r[0] for r in rows.values()], [_equation3(k)[2] for k in rows]
    blocks = [r[1] for r in rows.values()], eq3_blocks
    return Outcome(
        (lit,),
        "the official B1..B7 cost " + ", ".join(f"{r[2]:.1f}x" for r in rows.values()) + " B0's MACs against 2^k "
        "= 2 .. 128: their width, depth and resolution are the release's hand-picked table, not Equation 3 at "
        "φ = k",
        (
            Measurement("input side: B1..B7 / Equation 3 (224 γ^k)", " / ".join(", ".join(map(str, v)) for v in sides)),
            Measurement(
                f"MBConv blocks: B1..B7 / Equation 3 (ceil(α^k n) on B0's {b0_stages})",
                " / ".join(", ".join(map(str, v)) for v in blocks),
            ),
        ),
        correction="B_k / B0 MACs: " + ", ".join(f"B{k} {r[2]:.2f}x" for k, r in rows.items()),
    )


@check("efficientnet-width-depth-resolution")
def efficientnet_width_depth_resolution(claim: Claim) -> Outcome:
    b0, wide, deep, large = _b0(), _b0(2.0, 1.0, 224), _b0(1.0, 2.0, 224), _b0(1.0, 1.0, 448)
    head = {n: sample_shape(layer_row(p, "features.8.0").output_shape)[0] for n, p in (("b0", b0), ("wide", wide))}
    values = layer_outputs(large) / layer_outputs(b0)
    lit = Reading()
    ratio = wide.totals.params / b0.totals.params
    lit.flag(
        "width x2: more parameters",
        ratio > 1,
        ratio,
        kind="ratio",
        arithmetic=f"{wide.totals.params:,} / {b0.totals.params:,}",
    )
    lit.flag("width x2: more feature channels (head)", head["wide"] > head["b0"], f"{head['b0']} -> {head['wide']}")
    lit.flag(
        "depth x2: deeper (weight layers)",
        deep.totals.depth > b0.totals.depth,
        f"{b0.totals.depth} -> {deep.totals.depth}",
    )
    lit.flag(
        "input x2: larger maps between layers",
        values > 1,
        values,
        kind="ratio",
        arithmetic=f"{layer_outputs(large):,} / {layer_outputs(b0):,} values",
    )
    return Outcome(
        (lit,),
        f"doubling B0's width gives {ratio:.2f}x the parameters and {head['wide']} head channels for {head['b0']}; "
        f"doubling its depth {b0.totals.depth} -> {deep.totals.depth} weight layers; doubling its input "
        f"{values:.2f}x the values its layers output",
        correction=f"B0 x2 width: {ratio:.2f}x params; x2 input: {values:.2f}x layer outputs",
    )


# ---------------------------------------------------------------------------------------- NASNet


@functools.cache
def _cell_ops_strides(kind: str) -> frozenset[int]:
    """Strides of the convs and pools in the ops of NASNet-A Mobile's cells of type ``kind``."""
    found: set[int] = set()
    for cell in zoo_model("nasnet_a_mobile").modules():
        if type(cell).__name__ == kind:
            found |= _strides(submodule(cell, "ops", nn.Module), (nn.Conv2d, nn.AvgPool2d, nn.MaxPool2d))
    return frozenset(found)


@check("nasnet-cells")
def nasnet_cells(claim: Claim) -> Outcome:
    p = measure("nasnet_a_mobile")
    cells = p.layers[p.layers.type.isin(["NormalCell", "ReductionCell"])]
    normal, reduction = cells[cells.type == "NormalCell"], cells[cells.type == "ReductionCell"]
    lit = Reading()
    for _, r in normal.iterrows():
        lit.equal(
            f"{r.module} (normal): H x W",
            "x".join(map(str, _hw(r.input_shape))),
            "x".join(map(str, _hw(r.output_shape))),
        )
    lit.equal("normal cells' ops: strides", {1}, set(_cell_ops_strides("NormalCell")))
    for _, r in reduction.iterrows():
        (h, w), (h2, w2) = _hw(r.input_shape), _hw(r.output_shape)
        lit.flag(f"{r.module} (reduction): smaller", h2 < h and w2 < w, f"{h}x{w} -> {h2}x{w2}")
    red = _cell_ops_strides("ReductionCell")
    lit.flag("reduction cells' ops: strides 1 or 2", red <= {1, 2}, ", ".join(map(str, sorted(red))))
    sizes = ", ".join(f"{_hw(r.input_shape)[0]} -> {_hw(r.output_shape)[0]}" for _, r in reduction.iterrows())
    return Outcome(
        (lit,),
        f"all {len(normal)} normal cells keep the map with stride-1 ops; the {len(reduction)} reduction cells "
        f"shrink it ({sizes}) with ops of stride {', '.join(map(str, sorted(red)))}",
        correction=f"nasnet_a_mobile reduction cells: {sizes}",
    )


# ---------------------------------------------------------------------------------------- Residual Attention


@functools.lru_cache(maxsize=1)
def _mask_profile() -> tuple[Any, tuple[int, ...], nn.Module]:
    """attention56's first soft mask, built on cpu with the net's arguments, profiled with its ops."""
    from archstats import profile
    from archstats_models.attention import SoftMaskBranch

    net = zoo_model("attention56")
    mask = submodule(net, "stages.0.1.mask", SoftMaskBranch)
    channels, downsamplings = mask.output[2].in_channels, len(mask.down)
    side = 56  # the first stage's map (stem 224 -> 112 -> 56)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        cpu_mask = SoftMaskBranch(channels, downsamplings)
    size = (channels, side, side)
    return profile(cpu_mask, size, device="cpu", strict=True, record_ops=True), size, cpu_mask


@check("attention-mask-branch")
def attention_mask_branch(claim: Claim) -> Outcome:
    p, size, mask = _mask_profile()
    ops = [o.op for o in p.ops]
    pools = [r for _, r in p.layers.iterrows() if r.type == "MaxPool2d"]
    ups = [o for o in ops if "upsample" in o]
    rf = [int(r.rf_size_h) for r in pools]
    last = [r for _, r in p.layers.iterrows() if r.module.startswith("output.")][-2:]
    skips = len(
        {r.module for _, r in p.layers.iterrows() if r.module.startswith("skips.") and r.module.count(".") == 1}
    )
    lit = Reading()
    lit.equal("up-samplings = max poolings", len(pools), len(ups))
    lit.flag("receptive field grows at each pooling", all(a < b for a, b in zip(rf, rf[1:])), " -> ".join(map(str, rf)))
    lit.flag("up-sampling is linear interpolation", all("bilinear" in o for o in ups), ", ".join(sorted(set(ups))))
    lit.equal("output size = input size", size, model_output(p))
    kinds = tuple(
        f"Conv2d {'x'.join(map(str, submodule(mask, r.module, nn.Conv2d).kernel_size))}"
        if r.type == "Conv2d"
        else r.type
        for r in last
    )
    lit.equal("last layers", ("Conv2d 1x1", "Sigmoid"), kinds)
    lit.flag("skip connections between bottom-up and top-down", skips >= 1, skips)
    return Outcome(
        (lit,),
        f"the mask pools {len(pools)} times ({size[1]} -> {sample_shape(pools[-1].output_shape)[1]}, receptive field "
        f"{' -> '.join(map(str, rf))}), up-samples {len(ups)} times bilinearly back to {shape_text(size)}, ends in a "
        f"1x1 conv and a sigmoid, with {skips} skip units",
        (Measurement("mask receptive field at its output", int(p.totals.rf_size[0])),),
        correction=f"attention56's first mask: {len(pools)} max pools, {len(ups)} bilinear up-samplings",
    )


def _attention_forward(zero_mask: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(F, M, H) of a real forward pass of the zoo's AttentionModule (cpu, random weights, eval)."""
    from archstats_models.attention import AttentionModule

    seen: dict[str, torch.Tensor] = {}
    with torch.random.fork_rng(), torch.no_grad():
        torch.manual_seed(0)
        module = AttentionModule(16, 2).eval()
        x = torch.randn(1, 16, 28, 28)

        def keep(name: str, replace: bool = False) -> Callable[..., Any]:
            def hook(_: nn.Module, args: Any, out: Any = None) -> Any:
                value = args[0] if out is None else out
                if replace:
                    value = torch.zeros_like(value)
                seen[name] = value
                return value if replace else None

            return hook

        handles = [
            module.trunk.register_forward_hook(keep("F")),
            module.mask.register_forward_hook(keep("M", zero_mask)),
            module.last.register_forward_pre_hook(keep("H")),
        ]
        module(x)
        for h in handles:
            h.remove()
    return seen["F"], seen["M"], seen["H"]


def _max_rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max().clamp_min(1e-12))


@check("attention-residual-learning")
def attention_residual_learning(claim: Claim) -> Outcome:
    f, m, h = _attention_forward(zero_mask=False)
    f0, _, h0 = _attention_forward(zero_mask=True)
    lit = Reading()
    diff = _max_rel(h, (1 + m) * f)
    lit.flag("H = (1 + M) * F", diff <= 1e-6, diff, arithmetic="max |H - (1 + M) F| / max |(1 + M) F|")
    lo, hi = float(m.min()), float(m.max())
    lit.flag("M lies in 0..1", lo >= 0 and hi <= 1, f"{lo:.3f} .. {hi:.3f}")
    diff0 = _max_rel(h0, f0)
    lit.flag("M = 0 gives H = F", diff0 <= 1e-6, diff0, arithmetic="max |H - F| / max |F|")
    return Outcome(
        (lit,),
        f"the module's last unit receives (1 + M) * F (relative difference {diff:.1e}), M spans {lo:.3f} .. {hi:.3f}, "
        f"and with M = 0 it receives F ({diff0:.1e})",
        formula="H(x) = (1 + M(x)) * F(x), M(x) in [0, 1]",
        correction="the module multiplies the trunk by (1 + M), so M = 0 passes the trunk's F",
    )


# ---------------------------------------------------------------------------------------- not checkable


def _unchecked(source: str, quote: str, translation: str, reason: str, detail: str = "") -> Unchecked:
    return Unchecked(source, SECTION, quote, translation, reason, detail)


register_unchecked(
    [
        _unchecked(
            "000:215, 000:220, 000:224, 000:244",
            "152.png ... 153.png ... 154.png ... 155.png",
            "figures 152 to 155",
            "not quantitative",
            "image file names of the ResNeXt figures",
        ),
        _unchecked(
            "000:226",
            "ResNext에서는 2개의 블록만 쌓게 된다면 group convolution의 의미가 없어져 성능 향상에 의미가 없게 된다 ... "
            "ResNext에서는 block의 depth가 3 이상일 때부터 성능이 향상된다고 한다",
            "in ResNeXt, stacking only 2 layers makes the group convolution meaningless and brings no gain ... in "
            "ResNeXt performance improves only from a block depth of 3 or more",
            "accuracy",
            "a gain in accuracy; the zoo's ResNeXt blocks are 3 layers deep (1x1, grouped 3x3, 1x1: "
            "resnext-split-transform-merge). (paper, Section 3.3: a 2-layer block's grouped form is a wide dense "
            "module.) The basic-block sentence of this line is resnet-basic-up-to-50",
        ),
        _unchecked(
            "000:229",
            "input image를 224x224 random crop하였다",
            "input images were randomly cropped to 224x224",
            "training",
            "data augmentation in training; the zoo's ResNeXts take 224x224 inputs",
        ),
        _unchecked(
            "000:235-237",
            "SGD optimizer, mini-batch 256, 8 GPU를 사용했으며, weight decay=0.0001, momentum=0.9로 설정하였다 ... "
            "learning rate는 0.1로 시작하여 학습을 진행하면서 3번에 걸쳐 1/10로 감소시켰다",
            "SGD, mini-batch 256 on 8 GPUs, weight decay 0.0001, momentum 0.9 ... the learning rate starts at 0.1 "
            "and is divided by 10 three times during training",
            "training",
        ),
        _unchecked(
            "000:250, 000:322",
            "Deep Learning Image Classification Guidebook [3]",
            "Deep Learning Image Classification Guidebook, part 3",
            "not quantitative",
            "a reference",
        ),
        _unchecked(
            "000:259",
            "seq-to-seq는 2개의 RNN으로 구성된 모델이다",
            "seq-to-seq is a model made of 2 RNNs",
            "not quantitative",
            "background on sequence-to-sequence RNNs (encoder and decoder), which are not convolutional networks "
            "and not in the zoo",
        ),
        _unchecked(
            "000:263",
            "seq-to-seq 모델의 2가지 문제가 있는데, 1) 하나의 고정된 크기의 벡터에 모든 정보를 압축하려고 하니까",
            "the seq-to-seq model has 2 problems: 1) compressing all information into one fixed-size vector",
            "not quantitative",
            "a numbered list of two problems of RNN translation models",
        ),
        _unchecked(
            "000:272, 000:287, 000:306, 000:309",
            "156.PNG ... 157.PNG ... 158.PNG ... 159.PNG",
            "figures 156 to 159",
            "not quantitative",
            "image file names of the Residual Attention Network figures",
        ),
        _unchecked(
            "000:302",
            "단순히 attention module을 쌓는 것만으로는 성능이 올라가지 않는데, 0에서 1사이의 값을 가진 마스크가 계속 "
            "적용되면서 feature들이 점점 약해지기도 했고",
            "merely stacking attention modules does not raise performance, since masks with values between 0 and 1 "
            "applied again and again weaken the features",
            "accuracy",
            "why naive stacking does not raise accuracy; the mask's 0..1 range and the (1 + M) fix are measured in "
            "attention-residual-learning",
        ),
        _unchecked(
            "000:311, 000:315",
            "1) Channel Attention ... 2) Spatial Attention",
            "1) channel attention ... 2) spatial attention",
            "not quantitative",
            "numbered headings",
        ),
        _unchecked(
            "000:318",
            "2개의 pooling을 사용하여 feature map의 채널 정보를 집계한 후 강조하거나 억제할 위치를 인코딩한다",
            "2 poolings aggregate the feature map's channel information, then the positions to emphasise or suppress "
            "are encoded",
            "not quantitative",
            "CBAM's spatial attention (the reference at 000:328), which the zoo does not carry: its two poolings "
            "(average and max over the channels) define the module, and no network of the notes is measured",
        ),
        _unchecked(
            "001:115, 001:138, 001:165",
            "image-3.png ... image-2.png ... image-2.png",
            "figures",
            "not quantitative",
            "image file names",
        ),
        _unchecked(
            "001:124, 001:136",
            "1) NASNet ... 2) Convolution cell",
            "1) NASNet ... 2) convolution cell",
            "not quantitative",
            "numbered headings",
        ),
        _unchecked(
            "001:146",
            "좀 더 적은 연산과 가중치로 SOTA(state-of-the-art) 성능을 기록했다고 한다",
            "it is said to have reached state-of-the-art performance with fewer operations and weights",
            "accuracy",
            "'fewer operations and weights' is against nets of the same accuracy; the cells' sizes are nasnet-cells",
        ),
        _unchecked("004:320", "EfficientNet - 2019년", "EfficientNet, 2019", "history"),
        _unchecked(
            "004:360-374",
            "Reference ... 1409.4842.pdf",
            "references (papers and posts)",
            "not quantitative",
            "the note's reference list",
        ),
    ]
)

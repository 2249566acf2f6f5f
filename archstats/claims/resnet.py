"""ResNet and its relatives (pre-activation ResNet, NiN, Wide ResNet, stochastic depth, FractalNet):
blocks, shortcuts, depth and layout, measured on the zoo's blocks and nets."""

from __future__ import annotations

import math
import re
from typing import Any

import torch
from torch import nn

from .base import (
    ABOUT,
    ALTERNATIVE,
    AT_MOST,
    INTENDED,
    Claim,
    Measurement,
    Outcome,
    Reading,
    Unchecked,
    check,
    exact,
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
)

SECTION = "ResNet"
MODERN = "SENet, ResNeXt, EfficientNet, NASNet"

register(
    [
        Claim(
            id="resnet-bottleneck-shape",
            section=SECTION,
            source="002:175",
            quote="28\\*28\\*256의 입력값이 1x1,64 -> 3x3,64 -> 1x1,256를 통과하여 같은 크기로 나온다",
            translation="a 28*28*256 input passes through 1x1,64 -> 3x3,64 -> 1x1,256 and comes out the same size",
            statement="A 28x28x256 input through 1x1,64 -> 3x3,64 -> 1x1,256 comes out the same size.",
            interpretation="the zoo's ResNet Bottleneck(256 -> 64 -> 64 -> 256, stride 1) profiled on a "
            "256x28x28 input; the block's output shape against the input's, and the shape after each conv "
            "against the notes' 1x1,64 -> 3x3,64 -> 1x1,256",
        ),
        Claim(
            id="resnet-bottleneck-6x",
            section=SECTION,
            source="004:138",
            quote="총 parameter 수가 약 6배 감소되었다",
            translation="the total number of parameters was reduced about 6 times",
            statement="Compared with the existing (basic) block, the bottleneck block has about 6x fewer parameters.",
            interpretation="conv weights of the bottleneck C -> C/4 -> C/4 -> C against 'the existing block' read "
            "three ways: (as written) a basic block on the same C channels in and out, two 3x3 C -> C convs, at "
            "the four stage widths C = 256, 512, 1024, 2048; (alternative) the 64-wide basic block the paper "
            "pairs it with (paper: Fig. 5, two 3x3 64 -> 64); (alternative) the single 3x3 256 -> 256 conv the "
            "bottleneck's 3x3 replaces. '약 6배' (about 6x) is judged with the policy's 'about' band",
        ),
        Claim(
            id="resnet-shortcut-free",
            section=SECTION,
            source="003:102",
            quote="이 shortcut은 파라미터 없이 단순히 값을 더하는 구조이므로 연산량에 크게 영향 안 줌",
            translation="this shortcut simply adds values without parameters, so it does not affect the amount "
            "of computation much",
            statement="The shortcut adds values without any parameters, so it barely affects the compute.",
            interpretation="the zoo's Bottleneck 256 -> 64 -> 256 at 56x56 (ResNet-50's conv2_x) with and without "
            "its identity addition, and ResNet-34 against its plain twin plain34 (the same net without "
            "shortcuts): parameters and MACs added outside the three projection shortcuts must be 0; the "
            "addition costs one FLOP per output element, which must stay under 1% of the block's (or the "
            "net's) FLOPs to 'barely affect' the compute",
        ),
        Claim(
            id="resnet-projection-shortcut",
            section=SECTION,
            source="004:176, 004:180-182",
            quote="방법은 stride 2를 가진 1x1 conv layer를 하나 연결해주기만 하면 된다",
            translation="the way is simply to connect one 1x1 conv layer with stride 2",
            statement="Where the feature map shrinks (28x28x64 -> 14x14x128 in the example), the shortcut is a "
            "1x1 conv with stride 2 (a projection shortcut).",
            interpretation="the note's example, a basic block taking 64x28x28 to 128x14x14, built from the zoo's "
            "BasicBlock with a 1x1 stride-2 conv + BN projection: the projection's parameters against "
            "C_in*C_out and its MACs against H_out*W_out*C_in*C_out; then every shortcut of ResNet-34 (the "
            "note's figure) and ResNet-50 where the map shrinks: kernel and stride read from the layer table "
            "(kernel from params = k^2*C_in*C_out, stride from H_in/H_out)",
        ),
        Claim(
            id="resnet34-stage-shapes",
            section=SECTION,
            source="004:178-180",
            quote="첫 번째 block에서 Feature map shape가 (28, 28, 64) 였다면 ... (14, 14, 128)로 바뀐다",
            translation="if the feature map shape was (28, 28, 64) in the first block ... it changes to (14, 14, 128)",
            statement="In the figure's 34-layer ResNet, the first stage (purple) takes and keeps a (28, 28, 64) "
            "map over its three blocks; the next stage (green) raises the channels to 128 and, with stride 2, "
            "gives (14, 14, 128).",
            interpretation="ResNet-34 at its 224x224 input (the figure is the paper's 34-layer net): the input of "
            "layer1.0 and the output of layer1.2 (conv2_x, 64 filters) against (28, 28, 64), the output of "
            "layer2.0 (conv3_x, 128 filters, '/2') against (14, 14, 128), read as H x W x C; that the stage keeps "
            "its shape and that the next doubles the channels and halves the map are judged apart",
        ),
        Claim(
            id="resnet-152-layers",
            section=SECTION,
            source="002:148, 002:173",
            quote="152개의 레이어 ... ImageNet 문제를 위해 152개 까지 쌓아 올렸다",
            translation="152 layers ... for the ImageNet problem it was stacked up to 152",
            statement="ResNet has 152 layers; for ImageNet it was stacked up to 152 layers.",
            interpretation="weight layers (conv, FC) on the longest input-to-output path of the zoo's resnet152 "
            "(torchvision layout) and resnet152_v1 (paper layout); all weight layers, projection shortcuts "
            "included, are reported",
        ),
        Claim(
            id="resnet-150-layers",
            section=SECTION,
            source="002:165",
            quote="ResNet은 150개 까지 쌓아 올릴 수 있다",
            translation="ResNet can be stacked up to 150 (layers)",
            statement="ResNet can be stacked up to 150 layers.",
            interpretation="'까지' (up to) read as at most 150: the weight-layer depth of the deepest ResNet of the "
            "paper's ImageNet table (resnet18 .. resnet152) against it (paper: a 1202-layer ResNet is also "
            "trained on CIFAR-10)",
        ),
        Claim(
            id="resnet-bottleneck-from-50",
            section=SECTION,
            source="002:174",
            quote="네트워크의 깊이가 50 이상일 때 Bottleneck Layer를 사용한다",
            translation="when the network's depth is 50 or more, bottleneck layers are used",
            statement="ResNets of depth 50 and more use bottleneck blocks.",
            interpretation="block types in the layer tables of resnet18, 34, 50, 101 and 152: bottlenecks where "
            "the measured depth is >= 50, basic blocks below",
            contradicts=("resnet-block-two-3x3",),
        ),
        Claim(
            id="resnet-block-two-3x3",
            section=SECTION,
            source="002:164, 003:116, 004:134",
            quote="한 Residual Block은 2개의 3x3 conv layer로 이루어져 있다 ... 모든 Identity block은 두개의 3X3 conv "
            "layer로 구성 ... 2개의 Conv layer를 하나의 block으로 묶어서 Residual Block이라고 부른다",
            translation="a residual block consists of two 3x3 conv layers ... every identity block consists of two "
            "3x3 conv layers ... two conv layers are grouped into one block, called a residual block",
            statement="A residual block (every one, 003:116) consists of two 3x3 conv layers.",
            interpretation="the convs of each residual block (shortcut projections apart) in the layer tables of "
            "resnet18 .. resnet152, kernel sizes read from the parameters (k^2 * C_in * C_out). Two readings: "
            "(as written, '모든') every block of every ResNet depth; (alternative) the blocks of the net the notes "
            "draw, the basic-block ResNet-18/34",
            contradicts=("resnet-bottleneck-from-50",),
        ),
        Claim(
            id="resnet-filters-double",
            section=SECTION,
            source="002:166, 003:117",
            quote="주기적으로 필터를 두 배씩 늘리고 stride2를 이용하여 downsampling을 수행한다",
            translation="periodically the filters are doubled and downsampling is done with stride 2",
            statement="Every few layers the number of filters doubles and a stride-2 conv halves the map.",
            interpretation="ResNet-34 (basic blocks) and ResNet-50: each stage's output channels and map size from "
            "the layer table at the three stage transitions (channels x2, map /2), and the stride of the conv "
            "that shrinks the map (H_in / H_out of the first block's convs)",
        ),
        Claim(
            id="resnet-gap-no-fc",
            section=SECTION,
            source="002:170-171",
            quote="네트워크 후반에는 FC Layer가 없다. 그 대신 Global Average Pooling Layer를 사용한다",
            translation="at the end of the network there are no FC layers; instead a global average pooling layer "
            "is used",
            statement="ResNet starts with a conv layer, has no FC layers at the end and uses global average pooling "
            "instead.",
            interpretation="FC (Linear) layers and the global pooling in the layer tables of resnet18 .. 152. As "
            "written: no FC layer at all. Intended reading (the lecture slide it follows says 'No FC layers at "
            "the end (only FC 1000 to output classes)'; the note drops the parenthesis): no FC layer besides "
            "the output classifier, which follows the global average pooling",
        ),
        Claim(
            id="resnet-pool-only-at-ends",
            section=SECTION,
            source="003:115, 003:118-119",
            quote="Pooling Layer는 Identity block의 시작과 마지막에만 적용 ... 마지막 POOLING은 GAP 사용",
            translation="pooling layers are applied only at the start and the end of the identity blocks ... the "
            "last pooling uses GAP",
            statement="ResNet stacks ordinary conv layers first, then the residual blocks; pooling is applied only "
            "before the first and after the last block, and the last pooling is global average pooling.",
            interpretation="the layer tables of resnet18 .. resnet152: pooling layers inside the residual stages "
            "(none expected), the layers before the first block (a conv first, then one max-pool) and the "
            "pooling after the last block (average pooling to 1x1)",
        ),
        Claim(
            id="resnet-bn-after-every-conv",
            section=SECTION,
            source="002:179, 000:239",
            quote="모든 Conv Layer다음에 Batch Norm을 사용한다",
            translation="batch norm is used after every conv layer",
            statement="Every conv layer is followed by batch norm (and then ReLU, 000:239).",
            interpretation="in the execution-ordered layer tables of resnet50, resnet152 and resnext50_32x4d (000:239 "
            "is about ResNeXt): Conv2d layers whose next layer is a BatchNorm2d on the conv's output; then batch "
            "norms followed by a ReLU, directly or right after the block's shortcut addition (the projection "
            "branch, run in between, is skipped)",
            contradicts=("resnet-bn-before-conv",),
        ),
        Claim(
            id="resnet-bn-before-conv",
            section=SECTION,
            source="004:188",
            quote="대신 Conv Layer 전에 Batch Normalization를 적용했다",
            translation="instead, batch normalization was applied before the conv layers",
            statement="ResNet applies batch normalization before the conv layers.",
            interpretation="the zoo's ResNet-50 (the torchvision Bottleneck the note quotes at 004:145-167) and "
            "ResNet-34: the first layer of every residual branch (BN for BN-before-conv, a conv for conv-then-BN) "
            "and the order of the stem's conv and BN; the pre-activation ResNet-50 (BN-ReLU-conv units) is "
            "measured beside as context",
            contradicts=("resnet-bn-after-every-conv",),
        ),
        Claim(
            id="resnet-no-dropout",
            section=SECTION,
            source="002:185",
            quote="No Dropout Used",
            translation="No dropout used",
            statement="ResNet uses no dropout.",
            interpretation="Dropout layers in the layer tables of resnet18 .. resnet152 (VGG16's are counted for "
            "contrast)",
        ),
        Claim(
            id="resnet-bottleneck-code-order",
            section=SECTION,
            source="004:144-168, 001:29",
            quote="out = self.bn3(out) ... out += identity ... out = self.relu(out) ... 이후 이 값은 ReLU "
            "활성함수(activation function)을 거치게 된다",
            translation="out = self.bn3(out) ... out += identity ... out = self.relu(out) ... afterwards this value "
            "goes through the ReLU activation function",
            statement="torchvision's Bottleneck runs conv1, bn1, relu, conv2, bn2, relu, conv3, bn3, the downsample "
            "of the identity when there is one, adds the identity and applies ReLU to the sum.",
            interpretation="the execution order of the zoo's ResNet-50 (torchvision layout) in its layer table, for "
            "layer1.0 (with a projection) and layer1.1 (identity): leaf layers and the block's addition in order, "
            "the projection's conv + BN read as 'downsample'",
        ),
        Claim(
            id="resnet-identity-shape",
            section=SECTION,
            source="004:170",
            quote="최종 out shape도 (28, 28, 64)가 된다",
            translation="the final out shape also becomes (28, 28, 64)",
            statement="With a (28, 28, 64) input, the identity keeps its shape, the block's output must have the "
            "same shape for the element-wise sum, and the final output is (28, 28, 64).",
            interpretation="the zoo's Bottleneck (the class of the note's code) built to take and give 64 channels "
            "(Bottleneck(64, 16): 64 -> 16 -> 16 -> 64) with an identity shortcut, profiled at 64x28x28: the "
            "output shape, and the addition's FLOPs against one add per element (28*28*64)",
        ),
        Claim(
            id="resnet-bottleneck-economical",
            section=SECTION,
            source="004:193",
            quote="BottleNeck로 바꾼 이유는 ... 더 경제적이었기때문에",
            translation="the reason for switching to the bottleneck is ... that it was more economical",
            statement="ResNet switched from basic blocks to bottleneck blocks because the bottleneck is more "
            "economical.",
            interpretation="ResNet-101 (bottlenecks) against its basic-block twin, the same stage layout (3, 4, 23, "
            "3) with each bottleneck replaced by a basic block, as ResNet-34 is to ResNet-50 (68 weight layers): "
            "parameters and MACs per weight layer of depth, both at 224x224; the degradation and accuracy parts "
            "are not checkable",
        ),
        Claim(
            id="resnet-plain-16-more-layers",
            section=SECTION,
            source="001:43",
            quote='일반 네트워크("plain")는 레이어가 16개나 늘어나 ... ResNet에서는 잘 훈련된 레이어가 16개 늘어난',
            translation="the plain network gained as many as 16 layers ... in ResNet, 16 more well-trained layers",
            statement="In the experiment compared, the deeper plain network and the deeper ResNet each have 16 more "
            "layers than the shallower ones.",
            interpretation="(paper: Table 2 and Fig. 4 compare 18- and 34-layer nets) weight-layer depths of plain34 "
            "- plain18 and resnet34 - resnet18; the error rates of the same sentence are listed as not checkable",
        ),
        Claim(
            id="residual-gradient-at-least-1",
            section=SECTION,
            source="001:48, 003:108",
            quote="1+f'(x) 무조건 1 이상은 업데이트 되도록 ... H(x) = F(x) + x 을 x에 대해 미분하면 최소한 1이므로",
            translation="1+f'(x): at least 1 is updated unconditionally ... differentiating H(x) = F(x) + x with "
            "respect to x gives at least 1",
            statement="The derivative of a residual block H(x) = F(x) + x is 1 + F'(x), which is always at least 1, "
            "so the gradient cannot vanish.",
            interpretation="the Jacobian of H(x) = F(x) + x, with F the residual branch of the zoo's BasicBlock "
            "(conv3x3-BN-ReLU-conv3x3-BN, 8 channels, the zoo's ResNet initialisation: Kaiming-normal convs, "
            "unit BN, eval mode) at a random 8x4x4 input, computed exactly with autograd in float64: that "
            "dH/dx - dF/dx is the identity (the '1'), and whether every diagonal entry dH_i/dx_i is at least 1 "
            "('무조건', unconditionally); that this solves vanishing gradients is a training matter",
        ),
        Claim(
            id="nin-mlpconv",
            section=SECTION,
            source="002:206-207",
            quote="각 Conv layer 안에 Multi-Layer Perceptron을 쌓는다. FC-layer를 쌓는 것이다",
            translation="a multi-layer perceptron is stacked inside each conv layer; that is, FC layers are stacked",
            statement="NiN stacks a multi-layer perceptron, i.e. FC layers, inside each conv layer: a conv layer "
            "first, then FC layers.",
            interpretation="the zoo's NiN (the author's ImageNet release): each mlpconv's layer sequence from the "
            "layer table (a spatial conv, then 1x1 convs), and each 1x1 conv's parameters against those of an FC "
            "layer C_in -> C_out (C_in*C_out + C_out), since a 1x1 conv is an FC layer applied at every pixel",
        ),
        Claim(
            id="preact-direct-path",
            section=SECTION,
            source="002:214",
            quote="여기서 Block design을 조금 향상시킴. direct path를 더 많이 만들었다",
            translation="here the block design was improved a little; more direct paths were made",
            statement="The identity-mappings paper slightly improved ResNet's block design, making more direct paths.",
            interpretation="the zoo's ResNet-50 and pre-activation ResNet-50 (the paper's design): residual units "
            "whose output is the bare sum, nothing applied after the addition, and among them those whose "
            "shortcut is an identity, i.e. a direct path from the unit's input to the next unit; read from the "
            "execution-ordered layer tables",
        ),
        Claim(
            id="wrn-filters-k-times",
            section=SECTION,
            source="002:219",
            quote="Conv layer의 필터 수를 모두 k배 만큼 늘렸다. 그랬더니 기존의 152 layer보다 이런 50 layer가",
            translation="the number of filters of the conv layers was all increased k times; then such a 50-layer "
            "(net), rather than the original 152-layer one,",
            statement="Wide ResNet widens the residual blocks: every conv layer's filters are multiplied by k; such a "
            "50-layer net is compared with the original 152-layer ResNet.",
            interpretation="conv output channels, layer by layer, of the zoo's WRN-28-10 (the paper's WRN-d-k on "
            "CIFAR) against WRN-28-1 (k = 1, the same net unwidened), and of the 50-layer ImageNet WRN-50-2 "
            "(torchvision's wide_resnet50_2, the net the paper compares with ResNet-152) against ResNet-50: every "
            "conv inside the residual blocks, shortcut projections included, must have k times the filters; the "
            "stems are reported; depths of WRN-50-2 and ResNet-152 measured; performance is not checkable",
        ),
        Claim(
            id="resnext-32-paths-of-4",
            section=MODERN,
            source="002:224",
            quote="이런 pathways의 총합을 cardinality라고 부름. 하나의 bottleneck ResNet Block은 작지만(4개의 필터) "
            "이런 블럭이 많다(32개)",
            translation="the total of these pathways is called cardinality; one bottleneck ResNet block is small "
            "(4 filters) but there are many such blocks (32)",
            statement="A ResNeXt block holds many parallel paths (their number is the cardinality): each is a small "
            "bottleneck block of 4 filters, and there are 32 of them.",
            interpretation="the grouped 3x3 conv of every block of the zoo's resnext50_32x4d (paths = groups, filters "
            "per path = width / groups). Two readings: (as written) the block of the paper's Fig. 1, the "
            "first stage's (256-d in, 32 paths of 4); (alternative) every block of the net, whose paths widen "
            "stage by stage as ResNet's filters double",
        ),
        Claim(
            id="stochastic-depth-drops-blocks",
            section=SECTION,
            source="002:228",
            quote="Training time에 몇몇 레이어를 제거한다 (identity connection으로 만든다) ... Test할 때는 모든 "
            "레이어를 다 쓴다",
            translation="at training time some layers are removed (made into identity connections) ... at test time "
            "all layers are used",
            statement="Stochastic depth removes some layers at training time, turning them into identity "
            "connections, and uses all layers at test time.",
            interpretation="the zoo's ResNet-110 with stochastic depth (54 residual blocks, linearly decaying "
            "survival probability down to 0.5) profiled in eval mode and in training mode (the analyzer seeds the "
            "draws): residual blocks whose convs run, and the MACs of the blocks skipped in training",
        ),
        Claim(
            id="fractalnet-paths",
            section=SECTION,
            source="002:234",
            quote="얕은 경로와 깊은 경모를 모두 연결. 학습할 때는 dropout을 써서 일부 경로만 학습. "
            "테스트할 때는 전부 쓴다",
            translation="shallow and deep paths are all connected; in training dropout is used so that only some "
            "paths are trained; at test time all are used",
            statement="FractalNet connects both shallow and deep paths; in training it uses (drop-path) dropout so "
            "that only some paths are trained, and at test time it uses them all.",
            interpretation="the zoo's 40-layer FractalNet (5 blocks of 4 columns): convs per column of a block; the "
            "inputs each join averages, read from its FLOPs (k inputs: k - 1 adds and a divide per element; one "
            "input passes through), in eval mode and in training mode with the paper's drop-path (local 0.15, "
            "global for half the batches; the analyzer seeds the draws)",
        ),
    ]
)


# ---------------------------------------------------------------------------------------- helpers

_RESNETS = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")
_BLOCK_TYPES = ("BasicBlock", "Bottleneck", "PreActBottleneck")


def _rows(profile: Any, pattern: str) -> Any:
    """The layer-table rows whose module name matches ``pattern``, in execution order."""
    layers = profile.layers
    return layers[layers.module.str.match(pattern)]


def _layers(profile: Any) -> Any:
    """The layer table without the whole-model row, renumbered 0..n-1 in execution order."""
    layers = profile.layers
    return layers[layers.module != "(model)"].reset_index(drop=True)


def _kernel(row: Any, *, bias: bool = False) -> int:
    """An ungrouped square conv's kernel side, read from its parameters: k^2 * C_in * C_out (+ C_out)."""
    c_in, c_out = sample_shape(row.input_shape)[0], sample_shape(row.output_shape)[0]
    weights = int(row.params) - (c_out if bias else 0)
    return math.isqrt(weights // (c_in * c_out))


def _stride(row: Any) -> int:
    """A layer's stride, read from its map sizes: H_in / H_out."""
    return sample_shape(row.input_shape)[1] // sample_shape(row.output_shape)[1]


def _conv_weights(module: nn.Module) -> int:
    """Parameters of a block's convolutions (batch norm apart)."""
    return sum(params_of(m) for m in module.modules() if isinstance(m, nn.Conv2d))


def _depth(name: str) -> int:
    """A zoo net's weight layers on its longest path."""
    return int(measure(name).totals.depth)


_IN_BLOCK = re.compile(r"^(layer\d+\.\d+)(?:\.|$)")


def _by_block(layers: Any) -> dict[str, list[str]]:
    """Each residual block's rows (its own row, the shortcut addition, and its children's), by block name, as
    module names in execution order; blocks are named as torchvision's ``layerN.M``."""
    blocks: dict[str, list[str]] = {}
    for module in layers.module:
        m = _IN_BLOCK.match(module)
        if m:
            blocks.setdefault(m.group(1), []).append(module)
    return blocks


def _is_shortcut(module: str) -> bool:
    """Whether a layer belongs to a block's shortcut projection (torchvision's ``downsample``, or ``shortcut``)."""
    return ".downsample" in module or ".shortcut" in module


# ---------------------------------------------------------------------------------------- the bottleneck


@check("resnet-bottleneck-shape")
def bottleneck_shape(claim: Claim) -> Outcome:
    from archstats_models.resnet import Bottleneck

    p = measure(on_meta(Bottleneck, 256, 64), (256, 28, 28))
    inner = [shape_text(sample_shape(layer_row(p, m).output_shape)) for m in ("conv1", "conv2", "conv3")]
    out = shape_text(model_output(p))
    r = Reading()
    r.equal("block output (the input is 256x28x28)", "256x28x28", out)
    r.equal("after 1x1,64", "64x28x28", inner[0], arithmetic="1x1 conv, stride 1: H x W kept")
    r.equal("after 3x3,64", "64x28x28", inner[1], arithmetic="3x3 conv, padding 1, stride 1: H x W kept")
    r.equal("after 1x1,256", "256x28x28", inner[2])
    return Outcome(
        readings=(r,),
        explanation=f"1x1 -> {inner[0]}, 3x3 (padding 1) -> {inner[1]}, 1x1 -> {inner[2]}: the output {out} "
        "matches the input, so the identity can be added element-wise",
        measurements=(
            Measurement("block parameters (convs + BN)", p.totals.params, "count"),
            Measurement("block MACs at 28x28", p.totals.macs, "macs"),
        ),
        formula="1x1 and padded 3x3 convs at stride 1 keep H x W; the last 1x1 restores 256 channels",
        correction=f"the bottleneck 256 -> 64 -> 64 -> 256 outputs {out}",
    )


@check("resnet-bottleneck-6x")
def bottleneck_6x(claim: Claim) -> Outcome:
    from archstats_models.resnet import BasicBlock, Bottleneck

    six = stated("6", bound=ABOUT)
    same = Reading("a basic block on the same C channels (two 3x3 C -> C convs)")
    for c in (256, 512, 1024, 2048):
        basic, bott = _conv_weights(on_meta(BasicBlock, c, c)), _conv_weights(on_meta(Bottleneck, c, c // 4))
        arithmetic = f"2*9*{c}^2 / ({c}*{c // 4} + 9*{c // 4}^2 + {c // 4}*{c}) = {basic:,} / {bott:,}"
        same.figure(f"C={c}", six, basic / bott, kind="ratio", arithmetic=arithmetic)
    bottleneck = on_meta(Bottleneck, 256, 64)
    bott = _conv_weights(bottleneck)
    basic256 = on_meta(BasicBlock, 256, 256)
    basic64 = _conv_weights(on_meta(BasicBlock, 64, 64))
    paired = Reading("the 64-wide basic block the paper pairs it with (Fig. 5)", ALTERNATIVE)
    paired.figure(
        "two 3x3 64->64 / bottleneck", six, basic64 / bott, kind="ratio", arithmetic=f"{basic64:,} / {bott:,}"
    )
    conv = params_of(on_meta(nn.Conv2d, 256, 256, 3, padding=1, bias=False))
    single = Reading("the one 3x3 256->256 conv the bottleneck replaces", ALTERNATIVE)
    single.figure("one 3x3 256->256 / bottleneck", six, conv / bott, kind="ratio", arithmetic=f"{conv:,} / {bott:,}")
    ratio = _conv_weights(basic256) / bott
    return Outcome(
        readings=(same, paired, single),
        explanation=f"{_conv_weights(basic256):,} / {bott:,} = {ratio:.1f}x at every width (288/17), not about 6x; "
        f"the 64-wide basic block gives {basic64 / bott:.2f}x and one 3x3 conv {conv / bott:.2f}x",
        measurements=(
            Measurement("C=256 with batch norm: params ratio", params_of(basic256) / params_of(bottleneck), "ratio"),
        ),
        formula="basic(C) = 2*9*C^2; bottleneck(C) = C*C/4 + 9*(C/4)^2 + C/4*C = 17C^2/16; ratio = 288/17",
        correction=f"the bottleneck 256->64->64->256 has {bott:,} conv weights: {ratio:.1f}x fewer than a basic "
        f"block on 256 channels (2*9*256^2 = {_conv_weights(basic256):,}), {conv / bott:.1f}x fewer than one 3x3 "
        f"256->256 conv, about as many as the 64-wide basic block ({basic64:,})",
    )


class _BottleneckNoShortcut(nn.Module):
    """The zoo's Bottleneck run without its identity addition (the plain counterpart of the block)."""

    def __init__(self, inplanes: int, planes: int) -> None:
        from archstats_models.resnet import Bottleneck

        super().__init__()
        self.block = Bottleneck(inplanes, planes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b = self.block
        out = b.relu(b.bn1(b.conv1(x)))
        out = b.relu(b.bn2(b.conv2(out)))
        return b.relu(b.bn3(b.conv3(out)))


def _bottleneck_shortcut_cost(r: Reading) -> None:
    """The identity shortcut of a bottleneck 256->64->256 at 56x56: what it adds, judged into ``r``."""
    from archstats_models.resnet import Bottleneck

    size = (256, 56, 56)
    a = measure(on_meta(Bottleneck, 256, 64), size)
    b = measure(on_meta(_BottleneckNoShortcut, 256, 64), size)
    r.equal("bottleneck 256x56x56: parameters the shortcut adds", 0, a.totals.params - b.totals.params, kind="count")
    r.equal("bottleneck: MACs the shortcut adds", 0, a.totals.macs - b.totals.macs, kind="macs")
    add = int(a.totals.flops - b.totals.flops)
    r.equal("bottleneck: FLOPs of the addition", 256 * 56 * 56, add, kind="flops", arithmetic="256*56*56 = 802,816")
    share = add / a.totals.flops
    r.flag(
        "bottleneck: the addition under 1% of the block's FLOPs",
        share < 0.01,
        f"{share:.3%}",
        arithmetic=f"{add:,} / {int(a.totals.flops):,}",
    )


@check("resnet-shortcut-free")
def shortcut_free(claim: Claim) -> Outcome:
    r = Reading()
    _bottleneck_shortcut_cost(r)
    res, plain = measure("resnet34"), measure("plain34")
    projections = _rows(res, r".*\.downsample\.")
    extra_params = res.totals.params - plain.totals.params - int(projections.params.sum())
    extra_macs = res.totals.macs - plain.totals.macs - int(projections.macs.sum())
    adds = int(res.layers[res.layers.type == "BasicBlock"].flops.sum())
    r.equal("ResNet-34 - plain34: parameters outside the 3 projections", 0, extra_params, kind="count")
    r.equal("ResNet-34 - plain34: MACs outside the 3 projections", 0, extra_macs, kind="macs")
    r.flag(
        "ResNet-34: its 16 additions under 1% of the net's FLOPs",
        adds / res.totals.flops < 0.01,
        f"{adds / res.totals.flops:.3%}",
        arithmetic=f"{adds:,} / {int(res.totals.flops):,}",
    )
    return Outcome(
        readings=(r,),
        explanation="the identity shortcut adds 0 parameters and 0 MACs; its addition is one FLOP per output "
        f"element ({adds / res.totals.flops:.3%} of ResNet-34's FLOPs); only the projection shortcuts, where the "
        "shape changes, add parameters",
        measurements=(
            Measurement(
                "ResNet-34: the 3 projection shortcuts (1x1 conv + BN) add", int(projections.params.sum()), "count"
            ),
        ),
        formula="identity add: 0 params, 0 MACs, C*H*W FLOPs",
        correction="the identity shortcut adds no parameters and no MACs; its addition costs C*H*W FLOPs",
    )


# ---------------------------------------------------------------------------------------- shortcuts and shapes


def _note_projection(r: Reading) -> int:
    """The note's example, a 64x28x28 -> 128x14x14 basic block, judged into ``r``; its projection's params."""
    from archstats_models.resnet import BasicBlock, conv1x1

    projection = on_meta(lambda: nn.Sequential(conv1x1(64, 128, 2), nn.BatchNorm2d(128)))
    p = measure(on_meta(BasicBlock, 64, 128, 2, projection), (64, 28, 28))
    row = layer_row(p, "downsample.0")
    r.figure("example: projection parameters", exact(64 * 128), int(row.params), kind="count", arithmetic="64 * 128")
    r.figure(
        "example: projection MACs", exact(14 * 14 * 64 * 128), int(row.macs), kind="macs", arithmetic="14*14*64*128"
    )
    r.equal("example: projection", "1x1, stride 2", f"{_kernel(row)}x{_kernel(row)}, stride {_stride(row)}")
    r.equal("example: block output", "128x14x14", shape_text(model_output(p)))
    return int(row.params)


def _net_projections(r: Reading, name: str) -> list[Measurement]:
    """Every projection of a zoo ResNet where the map shrinks, judged into ``r``; the others as context."""
    p = measure(name)
    context = []
    projections = _rows(p, r".*\.downsample\.0$")
    for row in projections.itertuples():
        (c_in, h_in, _), (c_out, h_out, _) = sample_shape(row.input_shape), sample_shape(row.output_shape)
        found = f"{_kernel(row)}x{_kernel(row)}, stride {_stride(row)}"
        shapes = f"{c_in}x{h_in}x{h_in} -> {c_out}x{h_out}x{h_out}"
        if h_out < h_in:
            r.equal(f"{name} {row.module}", "1x1, stride 2", found, arithmetic=shapes)
        else:
            context.append(Measurement(f"{name} {row.module} (the map is kept: {shapes})", found))
    share = projections.params.sum() / p.totals.params, projections.macs.sum() / p.totals.macs
    context.append(Measurement(f"{name}: projections' share of params / MACs", f"{share[0]:.2%} / {share[1]:.2%}"))
    return context


@check("resnet-projection-shortcut")
def projection_shortcut(claim: Claim) -> Outcome:
    r = Reading()
    example = _note_projection(r)
    context = _net_projections(r, "resnet34") + _net_projections(r, "resnet50")
    return Outcome(
        readings=(r,),
        explanation=f"the example's projection is a 1x1 stride-2 conv with 64 * 128 = {example:,} parameters and "
        "14*14*64*128 = 1,605,632 MACs; every shortcut of ResNet-34 and ResNet-50 where the map shrinks is one too "
        "(ResNet-50's first projection only widens, at stride 1)",
        measurements=tuple(context),
        formula="params = C_in * C_out; MACs = H_out * W_out * C_in * C_out (bias-free, BN apart)",
        correction="where the map shrinks the shortcut is a 1x1 stride-2 conv (+ BN): C_in*C_out parameters",
    )


@check("resnet34-stage-shapes")
def resnet34_stage_shapes(claim: Claim) -> Outcome:
    p = measure("resnet34")
    first = sample_shape(layer_row(p, "layer1.0").input_shape)
    third = sample_shape(layer_row(p, "layer1.2").output_shape)
    green = sample_shape(layer_row(p, "layer2.0").output_shape)
    r = Reading()
    r.equal("purple stage (conv2_x): first block's input", "64x28x28", shape_text(first), arithmetic="(28, 28, 64)")
    r.equal("purple stage: third block's output", "64x28x28", shape_text(third), arithmetic="(28, 28, 64)")
    r.equal("green stage (conv3_x, /2): first block's output", "128x14x14", shape_text(green))
    r.flag("the purple stage keeps its shape over its 3 blocks", first == third, shape_text(third))
    doubled = (2 * first[0], first[1] // 2, first[2] // 2)
    r.flag("the green stage doubles the channels and halves the map", green == doubled, shape_text(green))
    return Outcome(
        readings=(r,),
        explanation=f"at 224x224 ResNet-34's conv2_x runs at {shape_text(first)} (224 / 2 / 2 = 56: the stride-2 "
        f"7x7 conv and the stride-2 max-pool) and conv3_x starts at {shape_text(green)}; the shapes the note "
        "gives are those of a 112x112 input, while the structure (kept, then channels x2 and map /2) holds",
        formula="conv2_x: H = 224 / 4; each later stage: C x 2, H / 2",
        correction=f"at 224x224 the first stage keeps (56, 56, 64) = {shape_text(first)} over its 3 blocks and the "
        f"second starts at (28, 28, 128) = {shape_text(green)}",
    )


# ---------------------------------------------------------------------------------------- depth and blocks


@check("resnet-152-layers")
def resnet152_layers(claim: Claim) -> Outcome:
    r = Reading()
    for name in ("resnet152", "resnet152_v1"):
        r.equal(f"{name}: weight layers on the longest path", 152, _depth(name), kind="count")
    types = measure("resnet152").layers.type
    every = int((types == "Conv2d").sum() + (types == "Linear").sum())
    return Outcome(
        readings=(r,),
        explanation=f"{_depth('resnet152')} weight layers on the longest path: 1 stem conv + 50 bottlenecks x 3 "
        f"convs + the FC; the 4 projection shortcuts run beside the path ({every} weight layers in all)",
        measurements=(Measurement("resnet152: all weight layers (conv + FC, projections included)", every, "count"),),
        formula="1 + 3 * (3 + 8 + 36 + 3) + 1 = 152",
        correction="ResNet-152 has 152 weight layers on its longest path: 1 + 3 * 50 + 1",
    )


@check("resnet-150-layers")
def resnet150_layers(claim: Claim) -> Outcome:
    depths = {name: _depth(name) for name in _RESNETS}
    deepest = max(depths, key=lambda n: depths[n])
    r = Reading()
    r.figure(
        f"depth of the deepest ImageNet ResNet ({deepest})",
        stated("150", bound=AT_MOST),
        depths[deepest],
        kind="count",
        arithmetic="1 + 3 * (3 + 8 + 36 + 3) + 1",
    )
    return Outcome(
        readings=(r,),
        explanation=f"the paper's ImageNet ResNets reach {depths[deepest]} weight layers ({deepest}), 2 more than "
        "'up to 150'; the same note says 152 at 002:148 and 002:173",
        measurements=tuple(Measurement(f"{name}: weight layers", d, "count") for name, d in depths.items()),
        correction=f"ResNet is stacked to {depths[deepest]} layers on ImageNet: 1 + 3 * 50 + 1",
    )


@check("resnet-bottleneck-from-50")
def bottleneck_from_50(claim: Claim) -> Outcome:
    r = Reading()
    context = []
    for name in _RESNETS:
        p = measure(name)
        blocks, depth = ", ".join(residual_blocks(p)), int(p.totals.depth)
        if depth >= 50:
            r.equal(f"{name} (depth {depth}): blocks", "Bottleneck", blocks)
        else:
            context.append(Measurement(f"{name} (depth {depth}): blocks", blocks))
    return Outcome(
        readings=(r,),
        explanation="ResNet-50, 101 and 152 are built of bottleneck blocks; ResNet-18 and 34 of basic blocks",
        measurements=tuple(context),
        correction="ResNets of depth 50 and more use bottleneck blocks (1x1, 3x3, 1x1)",
    )


def _block_kernels(profile: Any) -> dict[str, list[int]]:
    """Each residual block's conv kernels (the shortcut projection apart), from the layer table."""
    kernels: dict[str, list[int]] = {}
    for row in _rows(profile, r"^layer\d\.\d+\.conv\d$").itertuples():
        kernels.setdefault(row.module.rsplit(".", 1)[0], []).append(_kernel(row))
    return kernels


def _two_3x3(name: str) -> tuple[int, int, str]:
    """Blocks of ``name``, those made of exactly two 3x3 convs, and the block designs found."""
    kernels = _block_kernels(measure(name))
    designs = sorted({"-".join(f"{k}x{k}" for k in ks) for ks in kernels.values()})
    two = sum(ks == [3, 3] for ks in kernels.values())
    return len(kernels), two, ", ".join(designs)


@check("resnet-block-two-3x3")
def block_two_3x3(claim: Claim) -> Outcome:
    found = {name: _two_3x3(name) for name in _RESNETS}
    every = Reading("every block of every ResNet depth ('모든')")
    total = sum(n for n, _, _ in found.values())
    two = sum(t for _, t, _ in found.values())
    every.equal("blocks of ResNet-18 .. 152 made of two 3x3 convs", total, two, kind="count")
    drawn = Reading("the basic-block ResNet-18/34 the notes draw", ALTERNATIVE)
    for name, (n, t, designs) in found.items():
        every.equal(name, n, t, kind="count", arithmetic=designs)
        if name in ("resnet18", "resnet34"):
            drawn.equal(name, n, t, kind="count", arithmetic=designs)
    return Outcome(
        readings=(every, drawn),
        explanation=f"{two} of {total} blocks are two 3x3 convs: every block of ResNet-18/34; ResNet-50, 101 and "
        "152 use 1x1-3x3-1x1 bottlenecks (which 002:174 says)",
        correction="the basic block of ResNet-18/34 is two 3x3 convs; from depth 50 a block is a 1x1-3x3-1x1 "
        "bottleneck",
    )


def _stage_shapes(profile: Any) -> list[tuple[int, ...]]:
    """The output (C, H, W) of each of the four stages."""
    return [sample_shape(_rows(profile, rf"^layer{i}\.\d+$").iloc[-1].output_shape) for i in range(1, 5)]


@check("resnet-filters-double")
def filters_double(claim: Claim) -> Outcome:
    r = Reading()
    for name in ("resnet34", "resnet50"):
        p = measure(name)
        stages = _stage_shapes(p)
        for i in range(1, 4):
            (c0, h0, _), (c1, h1, _) = stages[i - 1], stages[i]
            r.equal(f"{name} stage {i + 1}: filters", 2 * c0, c1, arithmetic=f"2 * {c0}")
            r.equal(f"{name} stage {i + 1}: map", h0 // 2, h1, arithmetic=f"{h0} / 2")
            # the conv that shrinks the map: conv1 of a basic block, conv2 of a v1.5 bottleneck
            for row in _rows(p, rf"^layer{i + 1}\.0\.conv\d$").itertuples():
                if _stride(row) > 1:
                    r.equal(f"{row.module}: stride", 2, _stride(row))
    widths = ", ".join(str(s[0]) for s in _stage_shapes(measure("resnet34")))
    sizes = ", ".join(str(s[1]) for s in _stage_shapes(measure("resnet34")))
    return Outcome(
        readings=(r,),
        explanation=f"ResNet-34's stages have {widths} filters at {sizes} px (ResNet-50: 4x the outputs); each "
        "transition doubles the filters and halves the map with a stride-2 conv",
        formula="C(stage k+1) = 2 * C(stage k); H(stage k+1) = H(stage k) / 2",
        correction="each stage doubles the filters and halves the map with a stride-2 conv",
    )


def _ends(profile: Any) -> tuple[bool, str]:
    """Whether a net starts with a conv and global-average-pools to 1x1 right before its output layer."""
    layers = _layers(profile)
    first, before, last = layers.iloc[0], layers.iloc[-2], layers.iloc[-1]
    gap = before.type == "AdaptiveAvgPool2d" and sample_shape(before.output_shape)[1:] == (1, 1)
    return first.type == "Conv2d" and bool(gap), f"{first.type} ... {before.type} -> {last.type}"


@check("resnet-gap-no-fc")
def gap_no_fc(claim: Claim) -> Outcome:
    written = Reading()
    intended = Reading("no FC layer besides the output classifier (the slide's 'only FC 1000')", INTENDED)
    for name in _RESNETS:
        layers = _layers(measure(name))
        fcs = layers.index[layers.type == "Linear"]
        written.equal(f"{name}: FC layers", 0, len(fcs), kind="count")
        intended.equal(f"{name}: FC layers before the output layer", 0, sum(i != len(layers) - 1 for i in fcs))
    ends = [_ends(measure(name)) for name in _RESNETS]
    shapes = ", ".join(sorted({text for _, text in ends}))
    for reading in (written, intended):
        reading.flag(
            "every depth: a conv first, global average pooling to 1x1 at the end", all(ok for ok, _ in ends), shapes
        )
    resnet50 = measure("resnet50")
    fc = layer_row(resnet50, "fc")
    vgg = int((measure("vgg16").layers.type == "Linear").sum())
    return Outcome(
        readings=(written, intended),
        explanation=f"every ResNet ends with one FC layer, the 1000-way classifier after global average pooling "
        f"({int(fc.params):,} params in ResNet-50); no FC layer comes before it (VGG16 has {vgg} FC layers)",
        measurements=(
            Measurement(
                "resnet50: the classifier's share of the params", f"{int(fc.params) / resnet50.totals.params:.1%}"
            ),
            Measurement("vgg16: FC layers (contrast)", vgg, "count"),
        ),
        correction=f"ResNet keeps one FC layer, the classifier after global average pooling: 2048*1000 + 1000 = "
        f"{int(fc.params):,} params in ResNet-50",
    )


def _pool_layout(profile: Any) -> str:
    """Where a ResNet pools: its first layer, the pools before, inside and after its residual stages."""
    layers = _layers(profile)
    in_stages = layers.module.str.startswith("layer")
    start, end = layers.index[in_stages][0], layers.index[in_stages][-1]
    pools = layers.type.str.contains("Pool")
    last = layers[pools & (layers.index > end)]
    gap = [f"{t} to {'x'.join(map(str, sample_shape(s)[1:]))}" for t, s in zip(last.type, last.output_shape)]
    return (
        f"{layers.iloc[0].type} first; pools before the blocks: {int((pools & (layers.index < start)).sum())}, "
        f"inside: {int((pools & in_stages).sum())}, after: {', '.join(gap) or 'none'}"
    )


@check("resnet-pool-only-at-ends")
def pool_only_at_ends(claim: Claim) -> Outcome:
    r = Reading()
    expected = "Conv2d first; pools before the blocks: 1, inside: 0, after: AdaptiveAvgPool2d to 1x1"
    for name in _RESNETS:
        r.equal(name, expected, _pool_layout(measure(name)))
    return Outcome(
        readings=(r,),
        explanation="every ResNet starts with the 7x7 stem conv, max-pools once before its first block, never "
        "inside its stages (stride-2 convs shrink the map there) and global-average-pools after its last block",
        correction="ResNet pools once before its first block (a 3x3 max-pool) and once after its last (GAP)",
    )


# ---------------------------------------------------------------------------------------- layer order


def _conv_then_bn(layers: Any) -> tuple[int, int]:
    """Convs, and those whose next layer is a batch norm on the conv's output."""
    types, ins, outs = list(layers.type), list(layers.input_shape), list(layers.output_shape)
    convs = [i for i, t in enumerate(types) if t == "Conv2d"]
    followed = sum(i + 1 < len(types) and types[i + 1] == "BatchNorm2d" and ins[i + 1] == outs[i] for i in convs)
    return len(convs), followed


def _bn_then_relu(layers: Any) -> tuple[int, int, int]:
    """Batch norms; those a ReLU follows on the main chain, where a block's addition and a projection run in
    between are skipped; those a ReLU follows directly."""
    types, modules = list(layers.type), list(layers.module)
    chain = [i for i, m in enumerate(modules) if not _is_shortcut(m) and types[i] not in _BLOCK_TYPES]
    after = {i: chain[k + 1] for k, i in enumerate(chain[:-1])}  # the next layer on the main chain
    bns = [i for i, t in enumerate(types) if t == "BatchNorm2d"]
    direct = sum(i + 1 < len(types) and types[i + 1] == "ReLU" for i in bns)
    # a projection's BN is not on the main chain: it meets it at the addition, after which the ReLU runs
    chained = sum(types[after[i]] == "ReLU" if i in after else _relu_after_addition(modules, types, i) for i in bns)
    return len(bns), chained, direct


def _relu_after_addition(modules: list[str], types: list[str], i: int) -> bool:
    """For a projection's layer at ``i``: whether its block's addition is followed by a ReLU."""
    block = modules[i].split(".downsample")[0].split(".shortcut")[0]
    add = modules.index(block, i)
    return add + 1 < len(types) and types[add + 1] == "ReLU"


@check("resnet-bn-after-every-conv")
def bn_after_every_conv(claim: Claim) -> Outcome:
    r = Reading()
    context = []
    for name in ("resnet50", "resnet152", "resnext50_32x4d"):
        layers = _layers(measure(name))
        convs, followed = _conv_then_bn(layers)
        bns, chained, direct = _bn_then_relu(layers)
        r.equal(f"{name}: convs followed by batch norm", convs, followed, kind="count")
        r.equal(f"{name}: batch norms then ReLU (after the addition for a block's last)", bns, chained, kind="count")
        context.append(Measurement(f"{name}: batch norms followed directly by ReLU", f"{direct} of {bns}"))
    return Outcome(
        readings=(r,),
        explanation="every conv, projection shortcuts included, is followed by batch norm; ReLU follows each BN, "
        "directly or, for the last BN of a block and its projection's BN, right after the shortcut addition",
        measurements=tuple(context),
        correction="ResNet puts batch norm after every conv (conv-BN-ReLU), 004:188 notwithstanding",
    )


def _branch_starts(profile: Any) -> list[str]:
    """The first layer type of each residual branch (the shortcut projection apart), in block order."""
    types = dict(zip(profile.layers.module, profile.layers.type))
    starts = []
    for block, modules in _by_block(profile.layers).items():
        branch = [m for m in modules if m != block and not _is_shortcut(m)]
        starts.append(str(types[branch[0]]))
    return starts


@check("resnet-bn-before-conv")
def bn_before_conv(claim: Claim) -> Outcome:
    r = Reading()
    for name in ("resnet50", "resnet34"):
        starts = _branch_starts(measure(name))
        r.equal(f"{name}: residual branches that start with batch norm", len(starts), starts.count("BatchNorm2d"))
    stem = _layers(measure("resnet50")).iloc[:2]
    r.equal("resnet50 stem", "BatchNorm2d -> Conv2d", " -> ".join(stem.type))
    pre = _branch_starts(measure("preact_resnet50"))
    return Outcome(
        readings=(r,),
        explanation="in ResNet every residual branch starts with a conv and BN follows it (conv -> BN -> ReLU), "
        f"as in the torchvision code of 004:145-167; BN before the conv is the pre-activation ResNet "
        f"({pre.count('BatchNorm2d')} of {len(pre)} of its units start with BN)",
        measurements=(
            Measurement(
                "preact_resnet50: units that start with batch norm", f"{pre.count('BatchNorm2d')} of {len(pre)}"
            ),
        ),
        correction="ResNet applies BN after each conv (conv-BN-ReLU); BN before the conv (BN-ReLU-conv) is the "
        "pre-activation ResNet of 'Identity Mappings in Deep Residual Networks' (2016)",
    )


@check("resnet-no-dropout")
def no_dropout(claim: Claim) -> Outcome:
    r = Reading()
    for name in _RESNETS:
        r.equal(f"{name}: dropout layers", 0, int((measure(name).layers.type == "Dropout").sum()), kind="count")
    vgg = int((measure("vgg16").layers.type == "Dropout").sum())
    return Outcome(
        readings=(r,),
        explanation="no ResNet of the zoo has a dropout layer (batch norm regularises instead)",
        measurements=(Measurement("vgg16: dropout layers (contrast)", vgg, "count"),),
        correction="ResNet has no dropout layer",
    )


def _block_sequence(profile: Any, block: str) -> str:
    """A block's layers in execution order, its projection as 'downsample', its addition as '+= identity'."""
    names: list[str] = []
    for module in _by_block(profile.layers)[block]:
        if module == block:
            names.append("+= identity")
        elif ".downsample." in module:
            names += [] if names and names[-1] == "downsample" else ["downsample"]
        else:
            names.append(module[len(block) + 1 :])
    return " -> ".join(names)


@check("resnet-bottleneck-code-order")
def bottleneck_code_order(claim: Claim) -> Outcome:
    p = measure("resnet50")
    code = "conv1 -> bn1 -> relu -> conv2 -> bn2 -> relu -> conv3 -> bn3"
    r = Reading()
    r.equal(
        "layer1.0 (projection shortcut)", f"{code} -> downsample -> += identity -> relu", _block_sequence(p, "layer1.0")
    )
    r.equal("layer1.1 (identity shortcut)", f"{code} -> += identity -> relu", _block_sequence(p, "layer1.1"))
    return Outcome(
        readings=(r,),
        explanation="the zoo's Bottleneck (torchvision's) runs the quoted forward: three conv-BN pairs with ReLU "
        "after the first two, the projection of the identity where the shape changes, the addition, then ReLU",
        correction="the bottleneck runs conv-BN-ReLU twice, conv-BN, adds the (projected) identity, then ReLU",
    )


@check("resnet-identity-shape")
def identity_shape(claim: Claim) -> Outcome:
    from archstats_models.resnet import Bottleneck

    p = measure(on_meta(Bottleneck, 64, 16), (64, 28, 28))
    add = int(layer_row(p, "(model)").flops)  # the block's own operation: the shortcut addition
    r = Reading()
    r.equal("block output, (28, 28, 64) as C x H x W", "64x28x28", shape_text(model_output(p)))
    r.equal("FLOPs of the element-wise sum", 28 * 28 * 64, add, kind="flops", arithmetic="28*28*64 = 50,176")
    return Outcome(
        readings=(r,),
        explanation=f"Bottleneck(64, 16) keeps 64x28x28, so the identity is added element by element: "
        f"{add:,} additions, one per value",
        correction="a block whose output matches its (28, 28, 64) input adds the identity element-wise and "
        "outputs (28, 28, 64)",
    )


@check("resnet-bottleneck-economical")
def bottleneck_economical(claim: Claim) -> Outcome:
    from archstats_models.resnet import STAGE_BLOCKS, BasicBlock, ResNet

    deep = measure("resnet101")
    twin = measure(on_meta(ResNet, BasicBlock, STAGE_BLOCKS[101]), (3, 224, 224))
    r = Reading()
    per = {}
    for kind in ("params", "macs"):
        a, b = getattr(deep.totals, kind), getattr(twin.totals, kind)
        per[kind] = (a / deep.totals.depth, b / twin.totals.depth)
        r.flag(
            f"{kind} per weight layer: ResNet-101 below its basic-block twin",
            per[kind][0] < per[kind][1],
            f"{per[kind][0]:,.0f} vs {per[kind][1]:,.0f}",
            kind="",
            arithmetic=f"{int(a):,} / {deep.totals.depth} vs {int(b):,} / {twin.totals.depth}",
        )
    return Outcome(
        readings=(r,),
        explanation=f"ResNet-101 reaches {deep.totals.depth} layers with {deep.totals.params / 1e6:.1f}M params "
        f"and {deep.totals.macs / 1e9:.2f}G MACs; the same stages of basic blocks reach {twin.totals.depth} "
        f"layers with {twin.totals.params / 1e6:.1f}M and {twin.totals.macs / 1e9:.2f}G: per layer the "
        f"bottleneck costs {per['params'][0] / per['params'][1]:.2f}x the params and "
        f"{per['macs'][0] / per['macs'][1]:.2f}x the MACs",
        measurements=(
            Measurement("basic-block twin of ResNet-101: weight layers", int(twin.totals.depth), "count"),
            Measurement("basic-block twin of ResNet-101: params", int(twin.totals.params), "count"),
            Measurement("basic-block twin of ResNet-101: MACs", int(twin.totals.macs), "macs"),
        ),
        correction="per weight layer of depth the bottleneck ResNet-101 costs fewer params and MACs than basic blocks",
    )


@check("resnet-plain-16-more-layers")
def plain_16_more_layers(claim: Claim) -> Outcome:
    r = Reading()
    for short, deep in (("plain18", "plain34"), ("resnet18", "resnet34")):
        a, b = _depth(short), _depth(deep)
        r.equal(f"{deep} - {short}: weight layers", 16, b - a, kind="count", arithmetic=f"{b} - {a}")
    added = measure("plain34").totals.params - measure("plain18").totals.params
    return Outcome(
        readings=(r,),
        explanation=f"34 - 18 = {_depth('plain34') - _depth('plain18')} weight layers for the plain net and "
        f"{_depth('resnet34') - _depth('resnet18')} for ResNet: 8 more basic blocks of 2 convs (Table 1: "
        "3-4-6-3 against 2-2-2-2 blocks)",
        measurements=(Measurement("plain34 - plain18: parameters of the 16 layers", int(added), "count"),),
        formula="depth = 2 * blocks + 2; (3+4+6+3 - 2*4) * 2 = 16",
        correction="the 34-layer nets have 16 more weight layers than the 18-layer ones",
    )


# ---------------------------------------------------------------------------------------- the gradient


def _residual_jacobians(width: int = 8, size: int = 4) -> tuple[torch.Tensor, ...]:
    """dH/dx, dF/dx and d relu(H)/dx of the zoo's BasicBlock (H = F(x) + x) at a random input, in float64."""
    from archstats_models._common import init_conv_bn_linear
    from archstats_models.resnet import BasicBlock

    from ..bench import thread_count

    n = width * size * size
    jacobian = torch.autograd.functional.jacobian
    # One thread: this tiny autograd takes milliseconds, while waking the thread pool for it costs seconds.
    with thread_count(1):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            block = BasicBlock(width, width)
            init_conv_bn_linear(block, linear_std=None)  # the zoo ResNet's initialisation
            block = block.eval().double()
            x = torch.randn(1, width, size, size, dtype=torch.float64)
        found = [jacobian(fn, x).reshape(n, n) for fn in (lambda v: block.residual(v) + v, block.residual, block)]
    return tuple(found)


@check("residual-gradient-at-least-1")
def residual_gradient(claim: Claim) -> Outcome:
    j_h, j_f, j_relu = _residual_jacobians()
    n = j_h.shape[0]
    diag = j_h.diagonal()
    below = int((diag < 1).sum())
    identity = bool(torch.allclose(j_h - j_f, torch.eye(n, dtype=j_h.dtype)))
    r = Reading()
    r.flag(
        "every dH_i/dx_i at least 1 ('무조건')",
        below == 0,
        f"min {float(diag.min()):.3f}; {below} of {n} below 1",
        arithmetic="dH_i/dx_i = 1 + dF_i/dx_i",
    )
    r.flag("dH/dx - dF/dx is the identity (the shortcut's 1)", identity, identity, arithmetic="d(x)/dx = I")
    r.unmeasurable("so the gradient does not vanish", "how gradients behave over training needs training")
    zeros = int((j_relu.diagonal() == 0).sum())
    return Outcome(
        readings=(r,),
        explanation=f"dH/dx = I + dF/dx exactly, but dF_i/dx_i is negative for {below} of {n} entries of a "
        f"BasicBlock at the zoo's initialisation, so dH_i/dx_i falls to {float(diag.min()):.3f}: '1 + F'(x)' "
        "is not 'at least 1'",
        measurements=(
            Measurement("with the ReLU after the sum (001:29): diagonal entries that are 0", f"{zeros} of {n}"),
        ),
        formula="dH/dx = I + dF/dx",
        correction="the derivative of F(x) + x is 1 + F'(x): the shortcut contributes exactly 1, but F'(x) can be "
        f"negative, so it is not at least 1 (here as low as {float(diag.min()):.3f})",
    )


# ---------------------------------------------------------------------------------------- relatives of ResNet


@check("nin-mlpconv")
def nin_mlpconv(claim: Claim) -> Outcome:
    blocks: dict[str, list[Any]] = {}
    for row in _rows(measure("nin"), r"^features\.\d+\.(?:conv|cccp\d)$").itertuples():
        blocks.setdefault(row.module.rsplit(".", 1)[0], []).append(row)
    r = Reading()
    for block, rows in blocks.items():
        kernels = [_kernel(row, bias=True) for row in rows]
        ok = kernels[0] > 1 and len(kernels) > 2 and set(kernels[1:]) == {1}
        r.flag(f"{block}: a conv, then 1x1 convs", ok, " -> ".join(f"{k}x{k}" for k in kernels))
        for row in rows[1:]:
            c_in, c_out = sample_shape(row.input_shape)[0], sample_shape(row.output_shape)[0]
            arithmetic = f"{c_in}*{c_out} + {c_out}"
            r.equal(
                f"{row.module}: parameters of an FC {c_in}->{c_out}",
                c_in * c_out + c_out,
                int(row.params),
                kind="count",
                arithmetic=arithmetic,
            )
    return Outcome(
        readings=(r,),
        explanation=f"each of NiN's {len(blocks)} mlpconv layers is a spatial conv followed by two 1x1 convs; a 1x1 "
        "conv has exactly the parameters of an FC layer C_in -> C_out and applies it at every pixel",
        formula="1x1 conv: C_in*C_out + C_out parameters, as FC C_in -> C_out",
        correction="an mlpconv is a conv followed by 1x1 convs, i.e. FC layers applied at every pixel",
    )


def _bare_sums(profile: Any) -> tuple[int, int, int]:
    """Residual units; those whose output is the bare sum (nothing runs after the addition); and those of them
    with an identity shortcut, i.e. a direct path on to the next unit."""
    units = _by_block(profile.layers)
    bare = direct = 0
    for unit, modules in units.items():
        is_bare = modules[-1] == unit
        bare += is_bare
        direct += is_bare and not any(_is_shortcut(m) for m in modules)
    return len(units), bare, direct


@check("preact-direct-path")
def preact_direct_path(claim: Claim) -> Outcome:
    units, bare, direct = _bare_sums(measure("preact_resnet50"))
    units0, bare0, direct0 = _bare_sums(measure("resnet50"))
    r = Reading()
    r.flag(
        "direct paths: pre-activation ResNet-50 against ResNet-50",
        direct > direct0,
        f"{direct} vs {direct0}",
        arithmetic="units with an identity shortcut whose sum goes on untouched",
    )
    r.equal("pre-activation ResNet-50: units passing on the bare sum", units, bare, kind="count")
    return Outcome(
        readings=(r,),
        explanation=f"ResNet-50 applies a ReLU after each of its {units0} additions, so no unit hands its sum on "
        f"untouched; the pre-activation units move BN-ReLU into the branch, so {bare} of {units} pass on the bare "
        f"sum and {direct} (those with an identity shortcut) form a direct path",
        measurements=(Measurement("resnet50: units with a ReLU after the addition", f"{units0 - bare0} of {units0}"),),
        correction="the pre-activation unit moves BN-ReLU into the residual branch, leaving the shortcut path clean",
    )


def _conv_widths(profile: Any) -> dict[str, int]:
    """Each conv's output channels, by module name."""
    convs = profile.layers[profile.layers.type == "Conv2d"]
    return {m: sample_shape(s)[0] for m, s in zip(convs.module, convs.output_shape)}


def _wrn50_unwidened() -> tuple[int, list[str]]:
    """WRN-50-2's block convs, and those without 2x ResNet-50's filters (by the last part of their name)."""
    wide, base = _conv_widths(measure("wide_resnet50_2")), _conv_widths(measure("resnet50"))
    blocks = [m for m in wide if m.startswith("layer")]
    return len(blocks), [m.split(".", 2)[2] for m in blocks if wide[m] != 2 * base[m]]


def _wrn28_widened() -> tuple[int, int]:
    """WRN-28-10's block convs, and those with 10x the filters of WRN-28-1's group (k = 1)."""
    from archstats_models.cifar_resnets import WideResNet

    narrow = on_meta(WideResNet, 28, 1)
    base = {g: submodule(narrow, f"block{g}.0.conv1", nn.Conv2d).out_channels for g in (1, 2, 3)}
    wide = _conv_widths(measure("wrn28_10"))
    blocks = [m for m in wide if m.startswith("block")]
    return len(blocks), sum(wide[m] == 10 * base[int(m[len("block")])] for m in blocks)


@check("wrn-filters-k-times")
def wrn_filters_k_times(claim: Claim) -> Outcome:
    n50, kept = _wrn50_unwidened()
    n28, widened = _wrn28_widened()
    kinds = ", ".join(f"{k} x{kept.count(k)}" for k in sorted(set(kept)))
    r = Reading()
    r.equal(
        "WRN-50-2: block convs with 2x ResNet-50's filters",
        n50,
        n50 - len(kept),
        kind="count",
        arithmetic=f"not widened: {kinds}",
    )
    r.equal("WRN-28-10: block convs with 10x WRN-28-1's filters", n28, widened, kind="count")
    r.equal("WRN-50-2: weight layers", 50, _depth("wide_resnet50_2"), kind="count")
    r.equal("ResNet-152: weight layers", 152, _depth("resnet152"), kind="count")
    stem = _conv_widths(measure("wrn28_10"))["conv1"]
    return Outcome(
        readings=(r,),
        explanation=f"WRN-28-10 multiplies every block conv by 10 ({widened} of {n28}), but the 50-layer WRN-50-2 "
        f"doubles only the inner 1x1 and 3x3 convs of its bottlenecks ({n50 - len(kept)} of {n50}; {kinds} keep "
        "ResNet-50's filters)",
        measurements=(
            Measurement("WRN-28-10: stem conv filters (not widened)", stem, "count"),
            Measurement("WRN-50-2: params", int(measure("wide_resnet50_2").totals.params), "count"),
            Measurement("ResNet-152: params", int(measure("resnet152").totals.params), "count"),
        ),
        correction=f"WRN-50-2 widens only the inner 1x1 and 3x3 convs of each bottleneck ({n50 - len(kept)} of "
        f"{n50} block convs); its block outputs and projections keep ResNet-50's filters",
    )


@check("resnext-32-paths-of-4")
def resnext_32_paths_of_4(claim: Claim) -> Outcome:
    stages: dict[int, list[tuple[int, int]]] = {}
    for row in _rows(measure("resnext50_32x4d"), r"^layer\d\.\d+\.conv2$").itertuples():
        width = sample_shape(row.output_shape)[0]
        groups = 9 * width * width // int(row.params)  # a grouped 3x3: 9 * (width / groups) * width weights
        stages.setdefault(int(row.module[len("layer")]), []).append((groups, width // groups))
    groups, per_path = stages[1][0]
    fig1 = Reading("the block of the paper's Fig. 1 (first stage, 256-d in)")
    fig1.equal("layer1.0: paths (the cardinality)", 32, groups, arithmetic="groups of the 3x3 conv")
    fig1.equal("layer1.0: filters per path", 4, per_path, arithmetic=f"{groups * per_path} / {groups}")
    every = Reading("every block of ResNeXt-50 (32x4d)", ALTERNATIVE)
    for stage, blocks in stages.items():
        found = ", ".join(sorted({f"{g} x {d}" for g, d in blocks}))
        every.equal(f"layer{stage} ({len(blocks)} blocks): paths x filters", "32 x 4", found)
    return Outcome(
        readings=(fig1, every),
        explanation="every block of ResNeXt-50 has 32 paths; the first stage's (the paper's Fig. 1) have 4 filters "
        "each, and the later stages' 8, 16 and 32, doubling as ResNet's filters do",
        correction="ResNeXt-50 (32x4d) has 32 paths per block, of 4 filters in its first stage and of 8, 16 and 32 "
        "in the next three",
    )


def _blocks_run(profile: Any) -> tuple[int, int, int]:
    """Residual blocks, those whose convs ran, and the MACs of those that did not."""
    rows = _rows(profile, r"^layer\d\.\d+\.conv1$")
    ran = rows.macs > 0
    skipped = {m.rsplit(".", 1)[0] for m in rows.module[~ran]}
    blocks = profile.layers.module.str.extract(_IN_BLOCK, expand=False)
    macs = int(profile.layers.macs[blocks.isin(skipped)].sum())
    return len(rows), int(ran.sum()), macs


@check("stochastic-depth-drops-blocks")
def stochastic_depth(claim: Claim) -> Outcome:
    from archstats_models.cifar_resnets import expected_depth

    blocks, ran_test, _ = _blocks_run(measure("resnet110_sd"))
    _, ran_train, skipped_macs = _blocks_run(measure("resnet110_sd", training=True))
    r = Reading()
    r.equal("test: residual blocks that run", blocks, ran_test, kind="count")
    r.flag("training: some blocks removed", ran_train < blocks, f"{ran_train} of {blocks} run")
    r.equal("training: MACs of the removed blocks (identity)", 0, skipped_macs, kind="macs")
    return Outcome(
        readings=(r,),
        explanation=f"in this training step {blocks - ran_train} of ResNet-110's {blocks} blocks are skipped, their "
        f"input passed on unchanged at no cost; at test all {ran_test} run (their branches scaled by p_l)",
        measurements=(Measurement("blocks expected to run per training step: sum of p_l", f"{expected_depth():.2f}"),),
        formula="p_l = 1 - l / L * (1 - p_L), L = 54, p_L = 0.5",
        correction="stochastic depth skips residual blocks in training and runs all of them at test",
    )


def _join_inputs(profile: Any, joins: dict[str, int]) -> int:
    """Inputs the joins averaged: k inputs cost k - 1 adds and a divide per value; one input passes through."""
    rows = profile.layers[profile.layers.module.isin(list(joins))]
    used = 0
    for flops, shape in zip(rows.flops, rows.output_shape):
        per_value = int(flops) // math.prod(sample_shape(shape))
        used += per_value if per_value > 0 else 1
    return used


@check("fractalnet-paths")
def fractalnet_paths(claim: Claim) -> Outcome:
    from archstats_models.cifar_resnets import FractalJoin, FractalNet

    dropping = on_meta(FractalNet, drop_path=0.15, global_drop_ratio=0.5)
    joins = {n: m.num_inputs for n, m in dropping.named_modules() if isinstance(m, FractalJoin)}
    test = measure("fractalnet")
    train = measure(dropping, (3, 32, 32), training=True)
    depths: dict[str, int] = {}
    for module in _rows(test, r"^features\.0\.columns\.\d+\.\d+\.0$").module:
        column = module.split(".")[3]
        depths[column] = depths.get(column, 0) + 1
    paths = ", ".join(str(depths[c]) for c in sorted(depths))
    available, used = sum(joins.values()), _join_inputs(train, joins)
    r = Reading()
    r.flag("block 1: shallow and deep paths (convs per column)", min(depths.values()) < max(depths.values()), paths)
    r.flag("no identity (residual) path: every column has a conv", min(depths.values()) >= 1, paths)
    r.equal("test: inputs the joins average", available, _join_inputs(test, joins), kind="count")
    r.flag("training with drop-path: only some join inputs kept", used < available, f"{used} of {available}")
    return Outcome(
        readings=(r,),
        explanation=f"each block's columns hold {paths} convs, joined by averaging; at test every join averages all "
        f"its {available} inputs, in this training step (drop-path 0.15, global for half the batches) {used}",
        formula="a block of C columns: column c has 2^c convs; 2^C - 1 convs in all",
        correction="FractalNet joins shallow and deep columns; drop-path keeps some of them in training, all at test",
    )


# ---------------------------------------------------------------------------------------- not checkable

register_unchecked(
    [
        Unchecked(
            source="001:17, 001:21, 001:37",
            section=SECTION,
            quote="1) ResNet 논문의 문제의식 ... 2) ResNet 논문이 제시한 솔루션 ... 3) Experiments",
            translation="1) The problem the ResNet paper addresses ... 2) The solution the ResNet paper proposes ... "
            "3) Experiments",
            reason="not quantitative",
            detail="the numbering of the note's sub-sections",
        ),
        Unchecked(
            source="001:25, 001:39, 001:41",
            section=SECTION,
            quote="image-2.png ... image-3.png ... image-4.png",
            translation="image-2.png ... image-3.png ... image-4.png",
            reason="not quantitative",
            detail="attached figures; the digits are in their file names",
        ),
        Unchecked(
            source="001:43",
            section=SECTION,
            quote="오류율은 오히려 높아졌다 ... 오류율이 2.85% 감소했다",
            translation="the error rate rose instead ... the error rate fell by 2.85%",
            reason="accuracy",
            detail="ImageNet error rates (paper: Table 2 top-1 10-crop error, plain 27.94% -> 28.54%, ResNet 27.88% -> "
            "25.03% from 18 to 34 layers, a 2.85-point drop); the 16 added layers are the claim "
            "resnet-plain-16-more-layers",
        ),
        Unchecked(
            source="002:148",
            section=SECTION,
            quote="15년도 우승 ... 모든 대회를 모조리 우승",
            translation="won in 2015 ... won every competition",
            reason="history",
            detail="competition results; the 152 layers are the claim resnet-152-layers",
        ),
        Unchecked(
            source="002:153-154",
            section=SECTION,
            quote="56 layer가 20 layer보다 Train, Test 성능이 안 좋다 ... Train error도 56 layer가 더 높다",
            translation="the 56-layer (net) does worse than the 20-layer one on train and test ... the train error of "
            "the 56-layer one is higher too",
            reason="accuracy",
            detail="training and test errors of plain nets (paper: Fig. 1, CIFAR-10)",
        ),
        Unchecked(
            source="002:180-184",
            section=SECTION,
            quote="초기화에는 Xavier/2를 사용 ... SGD + Momentum (0.9) ... Mini-batch size 256 ... Weight decay 1e-5",
            translation="Xavier/2 is used for initialisation ... SGD + momentum (0.9) ... mini-batch size 256 ... "
            "weight decay 1e-5",
            reason="training",
            detail="training settings (paper: He initialisation, learning rate 0.1 divided by 10 on plateaus, "
            "momentum 0.9, mini-batch 256, weight decay 0.0001, not 1e-5); 004:188 says the opposite about the "
            "initialisation",
        ),
        Unchecked(
            source="002:219",
            section=SECTION,
            quote="기존의 152 layer보다 이런 50 layer가 성능이 더 좋다",
            translation="such a 50-layer (net) performs better than the original 152-layer one",
            reason="accuracy",
            detail="ImageNet accuracy of WRN-50-2 against ResNet-152; the widths and depths are the claim "
            "wrn-filters-k-times",
        ),
        Unchecked(
            source="003:50",
            section=SECTION,
            quote="ILSVRC 2015년 대회에서 우승",
            translation="won the ILSVRC 2015 competition",
            reason="history",
        ),
        Unchecked(
            source="003:52, 003:60, 003:65, 003:75, 003:79, 003:123, 003:127",
            section=SECTION,
            quote="images/image70.png ... images/image76.png",
            translation="images/image70.png ... images/image76.png",
            reason="not quantitative",
            detail="figures; the digits are in their file names and display widths",
        ),
        Unchecked(
            source="003:98-100",
            section=SECTION,
            quote="F(x)를 0으로 만들기 위해 학습 ... 잔차인 $F(x)$가 0이 되도록 학습",
            translation="trained to make F(x) zero ... trained so that the residual F(x) becomes 0",
            reason="training",
            detail="what training drives the residual branch towards",
        ),
        Unchecked(
            source="004:108",
            section=SECTION,
            quote="ILSVRC 2015년 1등",
            translation="first place at ILSVRC 2015",
            reason="history",
        ),
        Unchecked(
            source="004:118",
            section=SECTION,
            quote="작은 미분값이 여러 번 곱해지면 0에 가까워 지고",
            translation="when small derivatives are multiplied many times they approach 0",
            reason="not quantitative",
            detail="explains vanishing and exploding gradients in general; no figure of a model",
        ),
        Unchecked(
            source="004:120",
            section=SECTION,
            quote="20-layer plain network가 50-layer plain network보다 성능이 더 좋게 나타난다",
            translation="the 20-layer plain network performs better than the 50-layer plain network",
            reason="accuracy",
            detail="errors of plain nets (paper: Fig. 1 compares 20- and 56-layer plain nets on CIFAR-10)",
        ),
        Unchecked(
            source="004:122, 004:184",
            section=SECTION,
            quote="zoom:80%",
            translation="zoom:80%",
            reason="not quantitative",
            detail="figures; the digits are in their addresses and display sizes",
        ),
        Unchecked(
            source="004:138",
            section=SECTION,
            quote="1x1 Conv Layer는 신경망의 성능을 감소시키지 않고",
            translation="the 1x1 conv layer does not lower the network's performance",
            reason="accuracy",
            detail="the parameter reduction of the same line is the claim resnet-bottleneck-6x",
        ),
        Unchecked(
            source="004:172",
            section=SECTION,
            quote="H(x)=F(x)+x=x가 된다. Identity의 가정이 성립되기 위해서는 F(x)가 0이 되어야 한다",
            translation="H(x) = F(x) + x = x; for the identity assumption to hold, F(x) must be 0",
            reason="not quantitative",
            detail="an algebraic identity explaining the name 'residual', no figure of a model",
        ),
        Unchecked(
            source="004:188",
            section=SECTION,
            quote="가중치 초기화 방법으로 He, Xaiver와 같이 잘 알려진 초기화 방법을 사용하지 않았다",
            translation="as the weight initialisation it did not use well-known methods such as He or Xavier",
            reason="training",
            detail="the initialisation (paper: 'We initialize the weights as in [13]', He et al.'s, which 002:180 "
            "calls Xavier/2); the batch-norm placement of the same line is the claim resnet-bn-before-conv",
        ),
        Unchecked(
            source="004:192",
            section=SECTION,
            quote="레이어의 수가 10개 넘어가는 네트워크에서 ... training error & test error가 20-layer보다 56-layer가 "
            "증가하는 degradation 문제",
            translation="in networks of more than 10 layers ... the degradation problem, where the training and test "
            "errors of the 56-layer (net) exceed the 20-layer one's",
            reason="accuracy",
            detail="training and test errors (paper: Fig. 1, CIFAR-10)",
        ),
        Unchecked(
            source="004:193",
            section=SECTION,
            quote="ResNet의 BasicBlock도 101 이렇게 깊게 쌓으면 성능이 향상되었으나 ... BottleNeck도 동일하게 "
            "degradation 문제를 해결해주고",
            translation="ResNet's basic blocks stacked as deep as 101 also improved performance, but ... the "
            "bottleneck solves the degradation problem equally",
            reason="accuracy",
            detail="accuracy of deep nets; the economy of the bottleneck is the claim resnet-bottleneck-economical",
        ),
    ]
)

"""SqueezeNet, Xception and DenseNet: fire modules, model size, separable convs, dense connectivity."""

from __future__ import annotations

import functools
import math
import re
from typing import Any

import torch
from torch import nn

from .base import (
    ABOUT,
    ALTERNATIVE,
    AT_LEAST,
    AT_MOST,
    INTENDED,
    Claim,
    Measurement,
    Outcome,
    Reading,
    Unchecked,
    build,
    channels,
    check,
    exact,
    measure,
    on_meta,
    params_of,
    parse_shape,
    register,
    register_unchecked,
    stated,
    submodule,
    zoo_model,
)

SECTION = "SqueezeNet, Xception, DenseNet"

register(
    [
        # --- SqueezeNet ------------------------------------------------------------------------------
        Claim(
            id="squeezenet-fits-fpga",
            section=SECTION,
            source="000:12",
            quote="10MB 이하의 휘발성 메모리를 가지고 있다. 작은 모델은 직접적으로 FPGA에 모델을 심을 수 있으며",
            translation="it has 10MB or less of volatile memory. A small model can be put directly on the FPGA",
            statement="A small model fits directly in an FPGA's memory of 10MB or less.",
            interpretation="the section's small model, SqueezeNet v1.0, at fp32 (4 bytes per parameter, the "
            "analyzer's model_bytes_fp32) against the 10MB the line gives (10^7 bytes; 10 MiB changes nothing); "
            "what FPGAs hold is hardware, in the not-checkable table; AlexNet's fp32 size is shown beside",
        ),
        Claim(
            id="squeezenet-50x-or-more",
            section=SECTION,
            source="000:14",
            quote="AlexNet의 파라미터를 50배 이상 줄여서",
            translation="cutting AlexNet's parameters by 50 times or more",
            statement="SqueezeNet has 50x or more fewer parameters than AlexNet.",
            interpretation="params(alexnet) / params(squeezenet1_0): the original two-tower AlexNet (Caffe "
            "bvlc_alexnet) against SqueezeNet v1.0 without compression; '이상' (or more) is one-sided: at least 50, "
            "within half a unit (49.5); torchvision's single-tower AlexNet is shown beside",
            contradicts=("squeezenet-nearly-50x",),
        ),
        Claim(
            id="squeezenet-nearly-50x",
            section=SECTION,
            source="000:54",
            quote="단순 SqueezeNet만을 사용해도 50배 가까이 모델 사이즈가 줄어들었으며",
            translation="even with plain SqueezeNet alone the model size shrank by nearly 50 times",
            statement="Plain (uncompressed) SqueezeNet's model size is nearly 50x smaller than AlexNet's.",
            interpretation="fp32 model sizes (4 bytes per parameter, model_bytes_fp32) of alexnet and "
            "squeezenet1_0; '가까이' (nearly) widens 50 by the band",
            contradicts=("squeezenet-50x-or-more",),
        ),
        Claim(
            id="squeezenet-50x",
            section=SECTION,
            source="002:246",
            quote="AlexNet만큼의 성능을 보이지만 파라미터는 50배 더 적었다",
            translation="it performs as well as AlexNet, but had 50 times fewer parameters",
            statement="SqueezeNet has 50x fewer parameters than AlexNet.",
            interpretation="params(alexnet) / params(squeezenet1_0), the original two-tower AlexNet against "
            "SqueezeNet v1.0 without compression, against a plain 50; the paper's 240MB / 4.8MB and torchvision's "
            "single-tower AlexNet are shown beside; the accuracy part is in the not-checkable table",
        ),
        Claim(
            id="squeezenet-size-50x-to-510x",
            section=SECTION,
            source="000:48",
            quote="Model size는 50배에서 510배까지 줄일 수 있음을 보였다",
            translation="it showed that the model size can be cut by 50 times up to 510 times",
            statement="SqueezeNet's model size is 50x to 510x smaller than AlexNet's.",
            interpretation="the low end is plain SqueezeNet v1.0: fp32 size of alexnet / squeezenet1_0 against a "
            "plain 50; the high end needs Deep Compression's pruning, 6-bit quantisation and coding (paper "
            "Table 2: 240MB / 0.47MB), which cannot be measured here",
        ),
        Claim(
            id="squeezenet-0.5mb",
            section=SECTION,
            source="000:14, 000:16, 000:54, 002:246",
            quote="0.5MB 이하의 model size ... <0.5MB model size ... 8bit, 6bit 짜리 데이터 타입을 사용한 결과, "
            "510배까지 줄어들었으며 ... 더 압축하면 500배 더 작아진다. 0.5Mb 밖에 차지하지 않는다",
            translation="a model size of 0.5MB or less ... <0.5MB model size ... using 8-bit and 6-bit data types it "
            "shrank up to 510 times ... compressed further it becomes 500 times smaller. It takes only 0.5Mb",
            statement="With Deep Compression (8- and 6-bit weights) SqueezeNet takes at most 0.5MB, 510x smaller "
            "than AlexNet (002:246: 500x, '0.5Mb').",
            interpretation="model size = params x bits / 8 of squeezenet1_0 at 32, 8 and 6 bits without pruning, "
            "against 0.5MB read as MiB (the paper's 4.8MB for the fp32 model is MiB) and AlexNet's fp32 size; "
            "what decides the claim, Deep Compression's pruning (retraining) and entropy coding, cannot be measured "
            "here; 002:246's '0.5Mb' (megabits) is read as MB",
        ),
        Claim(
            id="squeezenet-mostly-1x1",
            section=SECTION,
            source="000:19-20",
            quote="모든 3x3 convolution filter를 1x1 필터로 교체한다",
            translation="all 3x3 convolution filters are replaced by 1x1 filters",
            statement="SqueezeNet replaces all 3x3 convolution filters with 1x1 filters.",
            interpretation="the filters (output channels) of every conv of squeezenet1_0 counted by kernel size, "
            "the kernel read from each layer's params (C_in x C_out x k^2 + C_out biases). Intended reading, the "
            "paper's strategy 1 ('make the majority of these filters 1x1', '모든' a slip for 'most'): more than "
            "half of the filters are 1x1. The line's 9x is conv1x1-vs-3x3-params",
        ),
        Claim(
            id="fire-3x3-params-formula",
            section=SECTION,
            source="000:23",
            quote="파라미터의 총 수는 (input channel) x (number of filters) x (3x3) 개와 같다",
            translation="the total number of parameters equals (input channel) x (number of filters) x (3x3)",
            statement="A layer made entirely of 3x3 filters has (input channels) x (filters) x 3x3 parameters.",
            interpretation="the formula against bias-free Conv2d layers with the shapes (C_in, filters) of "
            "squeezenet1_0's eight expand3x3 layers, read from its layer table: the formula counts filter weights; "
            "SqueezeNet's own layers also carry one bias per filter, shown beside",
        ),
        Claim(
            id="squeeze-cuts-3x3-inputs",
            section=SECTION,
            source="000:22-23",
            quote="본 논문에서는 squeeze layer를 사용하여 input channel을 3x3 filter 수만큼 줄인다",
            translation="in the paper a squeeze layer is used to reduce the input channels to the number of 3x3 "
            "filters",
            statement="The squeeze layer reduces the input channels to the number of 3x3 filters.",
            interpretation="in each fire module of squeezenet1_0, the channels reaching the 3x3 filters (the "
            "squeeze layer's outputs, s1x1) against the number of 3x3 filters (e3x3). Intended reading, the "
            "paper's strategy 2 ('decrease the number of input channels to 3x3 filters ... using squeeze layers', "
            "'to 3x3 filters' taken for 'to the number of 3x3 filters'): the 3x3 filters get fewer input channels "
            "than the module receives",
        ),
        Claim(
            id="squeezenet-late-downsampling",
            section=SECTION,
            source="000:25-26",
            quote="downsampling part를 네트워크 후반부에 집중시키는 방법을 사용한다 ... SqueezeNet의 네트워크 "
            "후반부에 downsample을 넣는 방법을 취한다",
            translation="the downsampling is concentrated in the latter part of the network ... SqueezeNet puts the "
            "downsampling in the latter part of the network",
            statement="SqueezeNet concentrates its downsampling in the latter part of the network, so that its "
            "convolution layers have large activation maps.",
            interpretation="the stride-2 steps of squeezenet1_0 (conv1's stride and the three max pools; the "
            "global pool of the classifier aside), placed after the weight layer they follow (conv1, fire2-9, "
            "conv10: 10 layers): as written, most must come after the 5th. Alternative reading (the paper's aim, "
            "'many layers have large activation maps'): most weight layers run above the net's final resolution. "
            "AlexNet's conv layers are shown beside",
        ),
        Claim(
            id="fire-module-structure",
            section=SECTION,
            source="000:31, 002:246",
            quote="첫 번째 layer는 1x1 convolution filter로 이루어져있고 ... 두 번째 layer는 1x1과 3x3 convolution "
            "filter로 이루어져있고 ... Activation function은 ReLU를 사용하며, 3개의 convolution layer의 filter의 "
            "개수는 hyper parameter이다 ... Squeeze layer는 1x1 필터로 구성되어 있고, 이 출력 값이 1x1, 3x3 필터 "
            "들로 구성되어있는 expand layer로 전달됨",
            translation="the first layer consists of 1x1 convolution filters ... the second layer consists of 1x1 and "
            "3x3 convolution filters ... ReLU is the activation function, and the filter counts of the 3 "
            "convolution layers are hyperparameters ... the squeeze layer consists of 1x1 filters and its output "
            "goes to the expand layer of 1x1 and 3x3 filters",
            statement="A fire module is a squeeze layer of 1x1 filters, which cuts the filter count, feeding an "
            "expand layer of 1x1 and 3x3 filters, which raises it; ReLU follows, and its 3 conv layers' filter "
            "counts are its hyperparameters.",
            interpretation="the eight fire modules of squeezenet1_0's layer table: kernel sizes from each conv's "
            "params, the expand convs' inputs against the squeeze output, the row after each conv, and the channel "
            "counts in and out of each layer",
        ),
        Claim(
            id="fire-module-shape",
            section=SECTION,
            source="000:33",
            quote="input으로 128개의 채널이 들어오면, 1x1 convolution 연산을 통해 16개의 채널로 줄였다가",
            translation="when 128 channels come in, a 1x1 convolution cuts them to 16 channels, then",
            statement="A fire module takes 128 channels, squeezes to 16 (1x1), expands to 64 (1x1) + 64 (3x3) "
            "and outputs 128 channels.",
            interpretation="the zoo's Fire(128, squeeze=16, expand1x1=64, expand3x3=64) profiled at 128x8x8: "
            "channels from the per-layer shapes, H x W must be kept; fire3 of squeezenet1_0 (the same widths, at "
            "54x54) is judged too",
        ),
        Claim(
            id="fire-squeeze-narrower",
            section=SECTION,
            source="000:33, 000:76",
            quote="s1x1의 값을 e1x1 + e3x3보다 더 작게 설정해준다 ... squeeze layer가 expand layer보다 필터 수가 더 "
            "적은데",
            translation="s1x1 is set smaller than e1x1 + e3x3 ... the squeeze layer has fewer filters than the "
            "expand layer",
            statement="Every fire module has fewer squeeze filters than expand filters (s1x1 < e1x1 + e3x3).",
            interpretation="the eight fire modules of squeezenet1_0, widths from the output shapes; the squeeze "
            "ratio s1x1 / (e1x1 + e3x3) is shown",
        ),
        Claim(
            id="squeezenet-layout",
            section=SECTION,
            source="000:16, 000:43",
            quote="모든 architecture는 Fire module이라는 block으로 구성된다 ... Pooling layer를 conv1, fire4, "
            "fire8, conv10 이후에 배치하며",
            translation="every architecture is made of blocks called fire modules ... pooling layers are placed after "
            "conv1, fire4, fire8 and conv10",
            statement="Every SqueezeNet is conv1, max pooling, 8 fire modules, a last conv and global average "
            "pooling, with pools after conv1, fire4, fire8 and conv10.",
            interpretation="the top-level layer sequence (ReLU and dropout left out, fire modules numbered "
            "fire2..fire9 as in the paper) of the paper's three SqueezeNets: squeezenet1_0 and its simple and "
            "complex bypass variants; squeezenet1_1 (not in the paper) is shown, not judged",
        ),
        Claim(
            id="squeezenet-gap-no-fc",
            section=SECTION,
            source="000:48",
            quote="NIN, GoogLeNet 등에서 사용했던 것처럼 FC layer 대신 GAP를 이용하고",
            translation="as in NIN and GoogLeNet, GAP is used instead of FC layers",
            statement="SqueezeNet uses global average pooling instead of fully connected layers.",
            interpretation="squeezenet1_0's layer table: no Linear layer, and the net ends in a global average "
            "pool of conv10's per-class maps (as many as classes, pooled to 1x1); AlexNet's FC params are shown",
        ),
        Claim(
            id="squeezenet-24-metaparameters",
            section=SECTION,
            source="000:60",
            quote="총 24개의 hyper parameter를 가지고 있다",
            translation="it has 24 hyperparameters in total",
            statement="SqueezeNet's 8 fire modules with 3 hyperparameters each (s1x1, e1x1, e3x3) give 24 "
            "hyperparameters.",
            interpretation="fire modules counted in the squeezenet1_0 layer table, times the conv widths (squeeze, "
            "expand1x1, expand3x3 output channels) read from each",
        ),
        Claim(
            id="squeezenet-bypass-params",
            section=SECTION,
            source="000:66-76",
            quote="단순히 1x1짜리 convolution을 거치면서 채널의 수를 맞춰주는 것이다",
            translation="it simply passes through a 1x1 convolution that matches the number of channels",
            statement="A simple bypass adds no parameters and only fits where a fire module's input and output "
            "channels match; a complex bypass adds 1x1 convolutions that match the channel counts.",
            interpretation="params of squeezenet1_0, squeezenet1_0_simple_bypass and squeezenet1_0_complex_bypass; "
            "the complex bypass's extra params against 1x1 convs (with bias) around fire2, 4, 6, 8, whose widths "
            "are read from the vanilla layer table; the simple bypasses (fire3, 5, 7, 9) must sit where input and "
            "output channels match; in the zoo each bypass spans one fire module",
        ),
        # --- Xception ---------------------------------------------------------------------------------
        Claim(
            id="xception-regular-conv-3d",
            section=SECTION,
            source="000:94",
            quote="기존의 convolution layer는 2개의 spatial dimension(width, height)과 channel dimension으로 "
            "이루어진 3D 공간에 대한 filter를 학습하려고 시도한 것이다",
            translation="a conventional convolution layer tries to learn filters in a 3D space made of 2 spatial "
            "dimensions (width, height) and a channel dimension",
            statement="A regular convolution's filter is 3D: two spatial dimensions and the channel dimension.",
            interpretation="the weight of a regular conv of the zoo's Xception (its second stem conv, 32 -> 64, "
            "3x3): one filter's dimensions against (input channels, kernel height, kernel width); a depthwise and "
            "a pointwise filter of the same net are shown for contrast",
        ),
        Claim(
            id="inception-1x1-maps-3-4-spaces",
            section=SECTION,
            source="000:98",
            quote="우선 1x1 convolution으로 cross-correlation을 보고, input보다 작은 3~4개의 spatial 공간에 "
            "mapping한다. 그다음 보다 작아진 3D 공간에 3x3 혹은 5x5 convolution을 수행하여",
            translation="first it looks at cross-correlations with 1x1 convolutions, mapping into 3-4 spaces "
            "smaller than the input; then it runs 3x3 or 5x5 convolutions in those smaller 3D spaces",
            statement="A typical Inception module first maps its input with 1x1 convolutions into 3-4 spaces "
            "smaller than the input, then applies 3x3 or 5x5 convolutions in those smaller spaces.",
            interpretation="the nine Inception modules of the zoo's googlenet: the 1x1 convs of each (three read "
            "the input, the pool projection reads its max pool) against '3~4', their widths against the "
            "module's input channels, and the 3x3 / 5x5 convs' inputs against the 1x1 reductions",
        ),
        Claim(
            id="xception-separable-order",
            section=SECTION,
            source="000:107-111",
            quote="먼저 1x1 convolution으로 cross-channel correlation을 mapping하고 ... 2가지의 차이점이 있다 ... "
            "Inception에서는 1x1 convolution을 먼저 수행하는 반면, Tensorflow와 같이 일반적으로 구현된 depthwise "
            "separable convolution은 channel-wise spatial convolution을 먼저 수행한 뒤(depthwise convolution)에 "
            "1x1 convolution을 수행(pointwise convolution)한다",
            translation="first it maps cross-channel correlations with a 1x1 convolution ... there are 2 differences "
            "... Inception runs the 1x1 convolution first, while a depthwise separable convolution as commonly "
            "implemented (e.g. TensorFlow) runs the channel-wise spatial convolution first (depthwise) and then "
            "the 1x1 convolution (pointwise)",
            statement="The extreme Inception module (a 1x1 convolution, then a spatial convolution per channel) is "
            "nearly a depthwise separable convolution; they differ first in order: Inception runs the 1x1 first, a "
            "depthwise separable convolution runs the depthwise spatial convolution first, then the 1x1.",
            interpretation="in xception's layer table every separable conv: a 3x3 depthwise conv (one filter per "
            "channel, from its params) executed before the 1x1 pointwise conv that reads its output; googlenet's "
            "3x3 and 5x5 branches open with a 1x1 conv; an extreme Inception module (1x1, then per-channel 3x3) "
            "built here from torch.nn against a separable conv of Xception's middle flow width (728), params",
        ),
        Claim(
            id="xception-no-relu-inside-separable",
            section=SECTION,
            source="000:113-114",
            quote="Inception에서는 두 operation 모두 non-linearity로 ReLU가 뒤따르는 반면, separable convolution은 "
            "일반적으로 non-linearity 없이 구현된다",
            translation="in Inception both operations are followed by a ReLU non-linearity, while a separable "
            "convolution is usually implemented without a non-linearity",
            statement="In Inception a ReLU follows both operations (the 1x1 and the spatial convolution), while a "
            "separable convolution has no non-linearity between its two operations.",
            interpretation="xception's layer table: the row after each depthwise conv is its pointwise conv; "
            "googlenet's layer table: a ReLU right after every 1x1 reduction and every 3x3 / 5x5 conv of its "
            "Inception modules; the accuracy finding of the line is in the not-checkable table",
        ),
        Claim(
            id="xception-36-conv",
            section=SECTION,
            source="000:121",
            quote="Xception 구조는 36개의 convolution layer로 feature extraction을 수행한다",
            translation="the Xception architecture does feature extraction with 36 convolution layers",
            statement="Xception's feature extractor has 36 convolution layers: an entry flow, a middle flow "
            "repeated 8 times, an exit flow.",
            interpretation="conv layers of the zoo's xception, a separable conv (depthwise + pointwise) counted as "
            "one layer and the four 1x1 shortcut convs apart, the FC classifier excluded (the paper's count); "
            "middle-flow blocks counted; counting depthwise and pointwise apart is shown",
        ),
        Claim(
            id="xception-bn-after-conv",
            section=SECTION,
            source="000:123",
            quote="모든 convolution과 separable convolution의 뒤에는 BN(Batch Normalization)이 뒤따른다",
            translation="every convolution and separable convolution is followed by BN (batch normalization)",
            statement="Every convolution and separable convolution in Xception is followed by batch norm.",
            interpretation="in the xception layer table, each conv (a separable conv ends at its pointwise conv; "
            "shortcut convs included) must be followed directly by a BatchNorm2d on its output",
        ),
        Claim(
            id="xception-residual-separable-stack",
            section=SECTION,
            source="000:126",
            quote="Xception 구조는 residual connection이 있는 depthwise separable convolution의 linear stack으로 "
            "볼 수 있다",
            translation="the Xception architecture can be seen as a linear stack of depthwise separable convolutions "
            "with residual connections",
            statement="Xception is a linear stack of depthwise separable convolution layers with residual connections.",
            interpretation="xception's conv layers (a separable conv counted once, shortcuts apart): all but the "
            "two stem convs must be separable; its 12 blocks each add a shortcut, checked on real tensors with the "
            "zoo's XceptionBlock (identity and 1x1-conv shortcut): out = body(x) + shortcut(x)",
        ),
        # --- DenseNet ---------------------------------------------------------------------------------
        Claim(
            id="densenet-concat-vs-add",
            section=SECTION,
            source="000:347-348, 001:64, 004:203, 004:215",
            quote="입력값을 계속해서 출력값의 채널 방향으로 합쳐주는 것이다 ... 최초의 정보가 비교적 온전히 남아있게 "
            "된다 ... ResNet은 shortcut을 원소별로 단순히 더해주었던 반면 ... ResNet과 달리 덧셈이 아니라 "
            "concatenate를 수행한다 ... $$H()$$는 conv, bn, relu 연산을 의미 한다",
            translation="it keeps joining the input to the output along the channel direction ... the first "
            "information stays comparatively intact ... ResNet simply adds the shortcut element-wise ... unlike "
            "ResNet it concatenates instead of adding ... H() means the conv, bn, relu operations",
            statement="A ResNet block adds its input to H(x) (H: conv, bn, relu), while DenseNet concatenates "
            "inputs and outputs along the channels, so the first information stays intact.",
            interpretation="real tensors through the zoo's blocks: a DenseBlock(3 layers, k0=4, k=2) output's first "
            "k0 channels against its input, its width against k0 + 3k; a BasicBlock(4, 4) output against "
            "ReLU(H(x) + x); the op order of resnet18's first block from its layer table",
        ),
        Claim(
            id="densenet-composite-function",
            section=SECTION,
            source="000:350, 000:399, 001:66, 004:219",
            quote="H()는 Batch Normalization + ReLU + 3x3 Convolution 으로 표현된 함수 ... BN-ReLU-Conv 순서의 "
            "pre-activation의 구조를 사용하였다 ... 배치 정규화(batch normalization, BN), ReLU 활성화 함수, 그리고 "
            "3x3 컨볼루션 레이어를 통해서 pre-activation을 수행한다 ... $$H()$$는 BN, ReLU, 3x3 Conv의 조합이다",
            translation="H() is a function made of batch normalization + ReLU + 3x3 convolution ... it uses the "
            "pre-activation structure in BN-ReLU-Conv order ... it pre-activates with batch normalization, a ReLU "
            "activation and a 3x3 convolution layer ... H() is the combination of BN, ReLU and a 3x3 conv",
            statement="DenseNet's composite function H is BN, then ReLU, then a 3x3 convolution (pre-activation).",
            interpretation="the op order of every dense layer in the layer tables of densenet121 and "
            "densenet_bc100_k12 (kernel sizes from params): each conv must follow a ReLU that follows a BN, and "
            "each layer must end in BN, ReLU, 3x3 conv; the zoo has only DenseNet-B layers, whose extra "
            "BN-ReLU-1x1 is densenet-b-layer-order",
        ),
        Claim(
            id="densenet-growth-inputs",
            section=SECTION,
            source="000:353, 000:384, 001:70-74, 004:233",
            quote="두 번째 레이어의 입력값은 입력 데이터의 채널 값과, 첫 번째 레이어 출력값의 채널인 4을 더해 8이 된다",
            translation="the second layer's input is the input's channels plus the first layer's 4 output channels, 8",
            statement="Layer l of a dense block sees k0 + k(l-1) input channels: with k0 = 4 and k = 4 the four "
            "layers see 4, 8, 12, 16, and the channels keep growing.",
            interpretation="input channels of each dense layer from the profile of a zoo DenseBlock(4 layers, "
            "k0 = 4, k = 4), and its output width; the formula is also checked on every block of densenet121 "
            "(k = 32) and densenet_bc100_k12 (k = 12)",
        ),
        Claim(
            id="densenet-connections",
            section=SECTION,
            source="000:356, 001:58",
            quote="L 개의 레이어가 있을 때 레이어 간 L(L+1)/2 개의 직접적인 연결(direct connection)을 만든다",
            translation="with L layers it makes L(L+1)/2 direct connections between layers",
            statement="A dense block of L layers has L(L+1)/2 direct connections, where a plain network has L.",
            interpretation="zoo DenseBlocks of L = 1..6, 12, 16, 24 layers run on meta tensors: the feature maps "
            "each layer concatenates ([x_0, ..., x_{l-1}]) are counted and summed; a plain chain of 5 convs is "
            "counted the same way; counting the block output's concatenation too would give (L+1)(L+2)/2",
        ),
        Claim(
            id="densenet-fan-in-fan-out",
            section=SECTION,
            source="000:356",
            quote="l번째 층은 모든 선행 convolution block의 feature map들로 구성된 l개의 입력을 가지며, 각 feature "
            "map은 모든 L-1개의 후속 레이어로 전달된다",
            translation="the l-th layer has l inputs made of the feature maps of all preceding convolution blocks, "
            "and each feature map is passed on to all L-1 subsequent layers",
            statement="Layer l of a dense block has l inputs, and each feature map is passed on to all L-1 "
            "subsequent layers.",
            interpretation="a zoo DenseBlock of L = 5 layers run on meta tensors: the maps each layer "
            "concatenates, and the later layers that receive each layer's maps. Intended reading, the paper's "
            "'passed on to all L - l subsequent layers' (l typed as 1): layer l's maps reach L - l layers",
        ),
        Claim(
            id="densenet-dense-block",
            section=SECTION,
            source="002:238",
            quote="한 레이어가 그 앞 단의 모든 레이어와 연결되어 있다. 입력이 모든 레이어에 들어가고 모든 레이어의 "
            "출력이 합쳐진다. 이렇게 합쳐진 값을 Conv layer에 쓴다. 이 과정에서 깊이를 줄이는 과정이 포함.",
            translation="a layer is connected to all layers before it. The input goes into every layer and the "
            "outputs of all layers are combined. The combined value is used by a conv layer. A step that reduces "
            "the depth is included in the process.",
            statement="In a dense block each layer is connected to all earlier layers, the input reaches every "
            "layer, all outputs are concatenated and fed to conv layers, and a depth-reducing step is included.",
            interpretation="a zoo DenseBlock(4 layers, k0 = 6, k = 4) run on meta tensors (what each layer "
            "concatenates, the output width) and profiled (each layer's first conv reads the whole concatenation); "
            "densenet121's transitions, whose 1x1 convs cut the channels, for the depth reduction",
        ),
        Claim(
            id="densenet-fewer-params-than-others",
            section=SECTION,
            source="000:356, 000:367, 000:409",
            quote="기존의 네트워크보다 더 적은 파라미터의 수만 필요하다 ... 기존의 네트워크보다 파라미터의 수를 많이 "
            "줄일 수 있다 ... 다른 네트워크들에 비해 파라미터의 수가 훨씬 적은 것을 볼 수 있다",
            translation="it needs fewer parameters than existing networks ... it can cut the number of parameters a "
            "lot compared with existing networks ... it has far fewer parameters than the other networks",
            statement="DenseNet needs far fewer parameters than the other networks (of the paper's results table).",
            interpretation="params of the zoo's DenseNet-BC (L=100, k=12), the table's smallest DenseNet, against "
            "the other CIFAR nets of the paper's Table 2 in the zoo: ResNet-110 with stochastic depth, pre-act "
            "ResNet-164 and -1001, WRN-28-10 (the zoo's FractalNet is the 40-layer net, not the table's 21-layer "
            "one); pre-act ResNet-1001's params are ResNet-164's plus its "
            "93 more units per stage, each measured (building 1001 layers takes 0.3 s); the table's larger "
            "DenseNets are not compared",
        ),
        Claim(
            id="densenet-fewer-params-than-resnet",
            section=SECTION,
            source="004:203",
            quote="DenseNet은 ResNet보다 적은 parameter 수로 더 높은 성능을 가진 모델이다",
            translation="DenseNet is a model with higher performance than ResNet with fewer parameters",
            statement="DenseNet has fewer parameters than ResNet and higher accuracy.",
            interpretation="params of the paper's DenseNet / ResNet pairs of similar or better accuracy "
            "(DenseNet-201 vs ResNet-101 on ImageNet; DenseNet-BC-100 vs pre-act ResNet-1001 on C10+); the "
            "accuracy cannot be measured here",
        ),
        Claim(
            id="densenet-narrow-layers",
            section=SECTION,
            source="000:382, 004:203, 004:209",
            quote="각 layer의 feature map의 채널의 개수를 굉장히 작은 값을 사용하며 ... 각 Layer의 FeatureMap "
            "Channel 수는 굉장히 작은 값을 사용 한다 ... 일반 CNN보다 적은 수의 channel을 사용하여 parameter 수가 "
            "적다",
            translation="the number of channels of each layer's feature map is kept very small ... each layer's "
            "feature-map channel count is very small ... it uses fewer channels than an ordinary CNN, so it has "
            "fewer parameters",
            statement="Each DenseNet layer outputs very few channels, fewer than an ordinary CNN's layers, so "
            "DenseNet has fewer parameters.",
            interpretation="densenet121's dense layers (maps added per layer, from their 3x3 convs) against the "
            "narrowest conv of vgg16 and resnet50 (ImageNet CNNs of the same era), and the params of the three",
        ),
        Claim(
            id="densenet-transition-layer",
            section=SECTION,
            source="000:374, 000:377, 004:203, 004:223",
            quote="같은 feature map size를 가지는 레이어들은 같은 dense block으로 묶는다 ... Batch Normalization, "
            "ReLU, feature map dimension을 조절하기 위한 1x1 convolution layer, 그리고 2x2 average pooling layer가 "
            "위치한다 ... 연결하기 위해 각 FeatureMap 크기가 동일 해야하고 ... Dense Block 사이에 pooling 연산을 "
            "수행합니다. pooling 연산은 BN, 1x1conv, 2x2 avg_pool로 수행합니다",
            translation="layers with the same feature-map size are grouped into one dense block ... it holds batch "
            "normalization, ReLU, a 1x1 convolution layer to set the feature-map dimension, and a 2x2 average "
            "pooling layer ... to concatenate, the feature maps must have the same size ... pooling is done "
            "between dense blocks. The pooling is BN, a 1x1 conv and a 2x2 avg pool",
            statement="Inside a dense block every feature map has the same size; between blocks a transition "
            "layer does the pooling: BN, ReLU (000:377), a 1x1 conv and a 2x2 average pool.",
            interpretation="densenet121 and densenet_bc100_k12: the op order of every transition (conv kernels "
            "from params, the pool's kernel and stride from the receptive field's growth), the H x W of every dense "
            "layer against its block's, and which layers change H x W after the stem",
        ),
        Claim(
            id="densenet-transition-halves",
            section=SECTION,
            source="004:225, 000:377",
            quote="theta=0.5를 사용하여 transition layer의 출력 채널 수를 0.5m으로 합니다",
            translation="with theta = 0.5 the transition layer outputs 0.5m channels",
            statement="A transition layer with theta = 0.5 halves the channels, and its 2x2 average pool halves "
            "H and W (theta = 1 keeps the channels).",
            interpretation="channels and H x W in and out of every transition of densenet121 and "
            "densenet_bc100_k12 from their layer tables; a small zoo DenseNet with compression = 1.0 for theta = 1",
        ),
        Claim(
            id="densenet-3-blocks",
            section=SECTION,
            source="004:227, 000:377",
            quote="DenseNet은 3개의 Dense Block과 2개의 transition layer로 이루어져 있습니다",
            translation="DenseNet consists of 3 dense blocks and 2 transition layers",
            statement="The DenseNet of the figure has 3 dense blocks and 2 transition layers.",
            interpretation="dense blocks and transition layers counted in the paper's CIFAR DenseNet-BC "
            "(densenet_bc100_k12), the network of the figure; the ImageNet DenseNets are shown",
        ),
        Claim(
            id="densenet-k12",
            section=SECTION,
            source="004:233, 000:368, 000:388",
            quote="논문에서는 k=12를 사용합니다 ... 하나의 레이어당 약 12개 정도의 filter를 가지며 ... very narrow "
            "layer(k=12)",
            translation="the paper uses k = 12 ... each layer has about 12 filters ... very narrow layers (k = 12)",
            statement="The paper uses a growth rate of k = 12: about 12 filters per layer.",
            interpretation="new maps per dense layer (the 3x3 conv's output channels) in the paper's CIFAR "
            "DenseNet-BC (L=100, k=12); its layers also have a 4k = 48-filter 1x1 bottleneck "
            "(densenet-bottleneck-4k); the ImageNet DenseNets' k is shown",
        ),
        Claim(
            id="densenet-b-layer-order",
            section=SECTION,
            source="000:391",
            quote="BN -> ReLU -> 3x3 Conv 구조에서 BN -> ReLU -> 1x1 Conv -> BN -> ReLU -> 3x3 Conv의 Bottleneck "
            "구조를 적용한다",
            translation="instead of BN -> ReLU -> 3x3 Conv it applies the bottleneck structure BN -> ReLU -> 1x1 "
            "Conv -> BN -> ReLU -> 3x3 Conv",
            statement="DenseNet's bottleneck layer is BN -> ReLU -> 1x1 Conv -> BN -> ReLU -> 3x3 Conv.",
            interpretation="the op sequence of every dense layer in the layer tables of densenet121 and "
            "densenet_bc100_k12, kernel sizes from each conv's params",
        ),
        Claim(
            id="densenet-bottleneck-4k",
            section=SECTION,
            source="004:237, 000:396",
            quote="1x1 conv는 3x3 conv의 입력값을 4k로 조절합니다",
            translation="the 1x1 conv sets the 3x3 conv's input to 4k",
            statement="In DenseNet-B layers the 1x1 bottleneck makes 4k feature maps and the 3x3 conv makes k.",
            interpretation="output channels of every dense layer's 1x1 and 3x3 conv in densenet121 (k = 32, paper "
            "Table 1) and densenet_bc100_k12 (k = 12, Table 2), from their layer tables",
        ),
        Claim(
            id="densenet-bottleneck-saves-macs",
            section=SECTION,
            source="004:237, 000:396",
            quote="3x3 conv의 입력값 채널을 조절하여 연산량에 이점을 얻기 위해 사용됩니다",
            translation="it is used to gain in computation by adjusting the 3x3 conv's input channels",
            statement="DenseNet's 1x1 bottleneck reduces the computation of the dense layers.",
            interpretation="MACs of densenet121's dense layers (1x1 + 3x3 convs, its layer table) against the same "
            "blocks built here with BN-ReLU-3x3(k) layers, at their ImageNet map sizes; per layer the bottleneck "
            "only pays off above C_in = 36k/5 input channels",
        ),
        Claim(
            id="densenet-k-bc-params",
            section=SECTION,
            source="000:407",
            quote="k가 증가하면 파라미터의 수가 많아지고, Bottleneck Compression을 사용하면 파라미터의 수가 줄어드는",
            translation="as k grows the number of parameters grows, and with bottleneck and compression it shrinks",
            statement="In the paper's Table 2 a larger k gives more parameters, and bottleneck + compression "
            "(DenseNet-BC) gives fewer.",
            interpretation="params of CIFAR DenseNets at L=100: plain (BN-ReLU-3x3 layers, 16-filter stem, "
            "theta = 1, built here) at k = 12 and 24, DenseNet-B (zoo, theta = 1) and DenseNet-BC (zoo) at k = 12 "
            "and 24; the paper's Table 2 sizes are shown beside",
        ),
        Claim(
            id="densenet-vs-resnet-params",
            section=SECTION,
            source="000:413",
            quote="ResNet과 유사한 성능을 달성하는데 필요한 parameter의 개수는 1/3에 불과하다",
            translation="the number of parameters needed to reach performance similar to ResNet is only 1/3",
            statement="DenseNet needs only 1/3 of ResNet's parameters for similar accuracy.",
            interpretation="params DenseNet / ResNet of the pairs the paper names as comparable in accuracy "
            "(C10+: DenseNet-BC-100 vs pre-act ResNet-1001, Figure 4 right, the figure the notes show; ImageNet: "
            "DenseNet-201 vs ResNet-101, Section 4.4) against 1/3 (the paper's 'around 1/3', read off the curves "
            "of Figure 4, middle); which nets match in accuracy cannot be measured here",
        ),
    ]
)


# --- helpers -------------------------------------------------------------------------------------------

MIB = 2**20
_TABLES: dict[int, tuple[Any, list[dict[str, Any]], dict[str, int]]] = {}


def _table(profile: Any) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The profile's layer rows as dicts, and the index of each module's first row, built once."""
    cached = _TABLES.get(id(profile))
    if cached is None or cached[0] is not profile:
        if len(_TABLES) > 64:
            _TABLES.clear()
        rows = profile.layers.to_dict("records")
        index: dict[str, int] = {}
        for i, r in enumerate(rows):
            index.setdefault(r["module"], i)
        cached = _TABLES[id(profile)] = (profile, rows, index)
    return cached[1], cached[2]


def _rows(profile: Any) -> list[dict[str, Any]]:
    return _table(profile)[0]


def _row(profile: Any, module: str) -> dict[str, Any]:
    rows, index = _table(profile)
    return rows[index[module]]


def _next_row(profile: Any, module: str) -> dict[str, Any] | None:
    """The row executed right after ``module``."""
    rows, index = _table(profile)
    i = index[module] + 1
    return rows[i] if i < len(rows) else None


def _hw(shape: str) -> tuple[int, ...]:
    return parse_shape(shape)[2:]


def _kernel(row: dict[str, Any], *, groups: int = 1) -> int:
    """A conv's kernel side from its params: C_in/groups x C_out x k^2 weights (+ C_out biases if any)."""
    c_in, c_out, params = channels(row["input_shape"]), channels(row["output_shape"]), int(row["params"])
    per_k2 = c_in // groups * c_out
    for weights in (params, params - c_out):  # without, then with a bias
        k = math.isqrt(weights // per_k2) if weights > 0 and weights % per_k2 == 0 else 0
        if k and k * k * per_k2 == weights:
            return k
    raise ValueError(f"{row['module']}: {params} params fit no square kernel")


def _token(row: dict[str, Any]) -> str:
    """A short name for a layer-table row: "BN", "ReLU", "conv3x3", "avgpool", ..."""
    kind = row["type"]
    if kind == "Conv2d":
        k = _kernel(row)
        return f"conv{k}x{k}"
    return {"BatchNorm2d": "BN", "AvgPool2d": "avgpool", "MaxPool2d": "maxpool"}.get(kind, kind)


@functools.lru_cache(maxsize=32)
def _params(name: str, **kwargs: Any) -> int:
    """Parameters of a zoo model, built on meta without a forward pass."""
    return params_of(build(name, **kwargs) if kwargs else zoo_model(name))


def _count_text(ok: int, total: int) -> str:
    return f"{ok} of {total}"


# --- SqueezeNet ----------------------------------------------------------------------------------------


def _alex_squeeze(kind: str) -> tuple[int, int]:
    """AlexNet's and SqueezeNet v1.0's params ("params") or fp32 sizes in bytes ("size")."""
    alex, squeeze = measure("alexnet").totals, measure("squeezenet1_0").totals
    if kind == "size":
        return alex.model_bytes_fp32, squeeze.model_bytes_fp32
    return alex.params, squeeze.params


def _ratio_correction(what: str, alex: int, squeeze: int) -> str:
    return (
        f"AlexNet has {alex / squeeze:.1f}x SqueezeNet v1.0's {what}: {alex:,} / {squeeze:,} = {alex / squeeze:.2f} "
        "(the paper's 50x is 240MB / 4.8MB, rounded)"
    )


def _ratio_outcome(figure_text: str, bound: str | None, kind: str) -> Outcome:
    """The three '50x' sentences: AlexNet over SqueezeNet v1.0, params or fp32 size, against one figure."""
    alex, squeeze = _alex_squeeze(kind)
    what = "parameters" if kind == "params" else "fp32 size (bytes)"
    ratio = alex / squeeze
    reading = Reading()
    reading.figure(
        f"AlexNet / SqueezeNet v1.0 {what}",
        stated(figure_text, bound=bound),
        ratio,
        kind="ratio",
        arithmetic=f"{alex:,} / {squeeze:,} = {ratio:.2f}",
    )
    single = measure("alexnet_single").totals.params / measure("squeezenet1_0").totals.params
    return Outcome(
        (reading,),
        explanation=f"AlexNet {alex:,} / SqueezeNet v1.0 {squeeze:,} {what} = {ratio:.2f}x against '{figure_text}'"
        f"{'' if bound is None else f' ({bound})'}",
        measurements=(
            Measurement("torchvision's single-tower AlexNet / SqueezeNet v1.0 params", single, "ratio"),
            Measurement("paper Table 2: 240MB / 4.8MB", 240 / 4.8, "ratio"),
        ),
        formula=f"ratio = {kind}(AlexNet) / {kind}(SqueezeNet v1.0)",
        correction=_ratio_correction(what, alex, squeeze),
    )


@check("squeezenet-50x")
def squeezenet_50x(claim: Claim) -> Outcome:
    return _ratio_outcome("50", None, "params")


@check("squeezenet-50x-or-more")
def squeezenet_50x_or_more(claim: Claim) -> Outcome:
    return _ratio_outcome("50", AT_LEAST, "params")


@check("squeezenet-nearly-50x")
def squeezenet_nearly_50x(claim: Claim) -> Outcome:
    return _ratio_outcome("50", ABOUT, "size")


@check("squeezenet-size-50x-to-510x")
def squeezenet_50x_to_510x(claim: Claim) -> Outcome:
    alex, squeeze = _alex_squeeze("size")
    ratio = alex / squeeze
    reading = Reading()
    reading.figure(
        "low end, plain SqueezeNet: AlexNet / SqueezeNet v1.0 fp32 size",
        stated("50"),
        ratio,
        kind="ratio",
        arithmetic=f"{alex:,} / {squeeze:,} B = {ratio:.2f}",
    )
    reading.unmeasurable(
        "high end, 510x with Deep Compression",
        "rests on pruning with retraining and entropy coding (paper Table 2: 240MB / 0.47MB)",
    )
    return Outcome(
        (reading,),
        explanation=f"plain SqueezeNet v1.0: {alex:,} / {squeeze:,} B = {ratio:.2f}x against 50; the 510x needs "
        "Deep Compression, not measurable here",
        measurements=(Measurement("paper Table 2: 240MB / 0.47MB (6-bit Deep Compression)", 240 / 0.47, "ratio"),),
        formula="ratio = fp32 size(AlexNet) / size(SqueezeNet)",
        correction=_ratio_correction("fp32 size (bytes)", alex, squeeze),
    )


@check("squeezenet-0.5mb")
def squeezenet_half_mb(claim: Claim) -> Outcome:
    params = measure("squeezenet1_0").totals.params
    alex_bytes = measure("alexnet").totals.model_bytes_fp32
    sizes = {bits: params * bits / 8 for bits in (32, 8, 6)}
    reading = Reading()
    reading.unmeasurable(
        "at most 0.5MB with Deep Compression (000:14; 000:16 '<0.5MB'; 002:246 '0.5Mb')",
        "the size after pruning (which needs retraining) and entropy coding cannot be measured",
    )
    reading.unmeasurable("510x smaller than AlexNet (000:54; 002:246: 500x)", "the same compressed size")
    keep = 0.5 * MIB / sizes[6]
    return Outcome(
        (reading,),
        explanation=f"unpruned, SqueezeNet v1.0 takes {sizes[32] / MIB:.2f} / {sizes[8] / MIB:.2f} / "
        f"{sizes[6] / MIB:.2f} MiB at 32 / 8 / 6 bits ({params:,} x bits / 8), so under 0.5 MiB at 6 bits keeps at "
        f"most {keep:.0%} of the weights (before index overhead); AlexNet fp32 / 6-bit = {alex_bytes / sizes[6]:.0f}x",
        measurements=(
            *(Measurement(f"{bits}-bit weights, unpruned", size, "bytes") for bits, size in sizes.items()),
            Measurement("share of the weights a 6-bit model can keep in 0.5 MiB", keep),
            Measurement("paper Table 2: 240MB / 0.47MB (6-bit Deep Compression)", 240 / 0.47, "ratio"),
        ),
        formula="size = params x bits / 8 (before pruning); ratio = size(AlexNet, 32 bit) / size(SqueezeNet)",
    )


@check("squeezenet-fits-fpga")
def squeezenet_fits_fpga(claim: Claim) -> Outcome:
    squeeze = measure("squeezenet1_0").totals
    alex = measure("alexnet").totals.model_bytes_fp32
    reading = Reading()
    reading.figure(
        "SqueezeNet v1.0 fp32 size, within 10MB",
        stated("10MB", bound=AT_MOST),
        squeeze.model_bytes_fp32,
        kind="bytes",
        arithmetic=f"{squeeze.params:,} x 4 B = {squeeze.model_bytes_fp32:,} B",
    )
    return Outcome(
        (reading,),
        explanation=f"SqueezeNet v1.0 takes {squeeze.params:,} x 4 B = {squeeze.model_bytes_fp32 / 1e6:.2f}MB at "
        f"fp32, within 10MB; AlexNet takes {alex / 1e6:.0f}MB",
        measurements=(Measurement("AlexNet fp32 size", alex, "bytes"),),
        formula="size = params x 4 bytes",
        correction=f"SqueezeNet v1.0 needs {squeeze.model_bytes_fp32:,} bytes at fp32: {squeeze.params:,} x 4",
    )


def _fire_names(profile: Any) -> list[str]:
    """The modules of the fire modules, in order (the paper's fire2, fire3, ...)."""
    return [r["module"] for r in _rows(profile) if r["type"] == "Fire"]


def _fire_widths(profile: Any) -> list[tuple[str, int, int, int, int]]:
    """(paper name, C_in, s1x1, e1x1, e3x3) of each fire module, from its layers' shapes."""
    out = []
    for i, name in enumerate(_fire_names(profile)):
        s, e1, e3 = (
            channels(_row(profile, f"{name}.{c}")["output_shape"]) for c in ("squeeze", "expand1x1", "expand3x3")
        )
        out.append((f"fire{i + 2}", channels(_row(profile, name)["input_shape"]), s, e1, e3))
    return out


@check("squeezenet-mostly-1x1")
def squeezenet_mostly_1x1(claim: Claim) -> Outcome:
    by_kernel: dict[int, int] = {}
    for r in _rows(measure("squeezenet1_0")):
        if r["type"] == "Conv2d":
            k = _kernel(r)
            by_kernel[k] = by_kernel.get(k, 0) + channels(r["output_shape"])
    total, ones, threes = sum(by_kernel.values()), by_kernel.get(1, 0), by_kernel.get(3, 0)
    literal = Reading()
    e3 = [w[4] for w in _fire_widths(measure("squeezenet1_0"))]
    literal.equal(
        "3x3 filters left in SqueezeNet v1.0",
        0,
        threes,
        kind="count",
        arithmetic=f"expand3x3: {' + '.join(map(str, e3))} = {sum(e3):,}",
    )
    intended = Reading("intended: most filters are 1x1 (the paper's strategy 1)", INTENDED)
    intended.flag(
        "1x1 filters are the majority",
        ones * 2 > total,
        f"{ones:,} of {total:,} ({ones / total:.0%})",
        arithmetic=f"{ones:,} / {total:,} = {ones / total:.2f}",
    )
    kernels = ", ".join(f"{k}x{k}: {n:,}" for k, n in sorted(by_kernel.items()))
    return Outcome(
        (literal, intended),
        explanation=f"SqueezeNet v1.0's filters by kernel: {kernels}; the expand layers keep {threes:,} 3x3 filters, "
        f"and 1x1 filters are {ones:,} / {total:,} = {ones / total:.0%}",
        correction=f"SqueezeNet v1.0 keeps {threes:,} 3x3 filters (half of each expand layer); 1x1 filters are "
        f"{ones:,} of its {total:,} ({ones / total:.0%})",
    )


@check("fire-3x3-params-formula")
def fire_3x3_formula(claim: Claim) -> Outcome:
    profile = measure("squeezenet1_0")
    reading = Reading()
    for name, _, s, _, e3 in _fire_widths(profile):
        formula = s * e3 * 3 * 3  # as written: (input channel) x (number of filters) x (3x3)
        bias_free = params_of(on_meta(nn.Conv2d, s, e3, 3, padding=1, bias=False))
        reading.figure(
            f"{name}: C={s}, N={e3}",
            exact(formula),
            bias_free,
            kind="count",
            arithmetic=f"{s} x {e3} x 3x3 = {formula:,}",
        )
    # SqueezeNet's own fire2 expand3x3, biases included
    name, real = "fire2", int(_row(profile, f"{_fire_names(profile)[0]}.expand3x3")["params"])
    formula = int(reading.points[0].expected.value)
    return Outcome(
        (reading,),
        explanation=f"the formula gives the weights of all eight expand3x3 shapes (fire2: 16 x 64 x 9 = {formula:,}); "
        f"SqueezeNet's own layers add a bias per filter ({name}: {real:,} = {formula:,} + {real - formula})",
        measurements=(Measurement(f"{name} expand3x3 as in SqueezeNet, with biases", real, "count"),),
        formula="params(3x3 layer) = C_in x filters x 3 x 3 (+ filters with biases)",
        correction=f"with a bias per filter the layer has C_in x N x 9 + N ({name}: {real:,})",
    )


@check("squeeze-cuts-3x3-inputs")
def squeeze_cuts_3x3_inputs(claim: Claim) -> Outcome:
    literal = Reading()
    intended = Reading("intended: the squeeze layer cuts the 3x3 filters' input channels", INTENDED)
    widths = _fire_widths(measure("squeezenet1_0"))
    for name, c_in, s, _, e3 in widths:
        literal.equal(
            f"{name}: channels into the 3x3 filters = 3x3 filters",
            e3,
            s,
            kind="count",
            arithmetic=f"s1x1 = {s}, e3x3 = {e3}",
        )
        intended.flag(
            f"{name}: {c_in} -> {s} before the 3x3 filters", s < c_in, s, kind="count", arithmetic=f"{s} < {c_in}"
        )
    name, c_in, s, _, e3 = widths[0]
    return Outcome(
        (literal, intended),
        explanation=f"{name} squeezes {c_in} channels to {s} for its {e3} 3x3 filters (to the count would be {e3}, by "
        f"it {c_in - e3}); every fire module feeds its 3x3 filters s1x1 = e3x3 / 4 channels",
        formula="3x3 inputs = s1x1 = SR x (e1x1 + e3x3), SR = 0.125",
        correction=f"the squeeze layer cuts the 3x3 filters' input to s1x1 = e3x3 / 4 ({name}: {c_in} -> {s} for {e3} "
        "3x3 filters), not to the number of 3x3 filters",
    )


_TOP = re.compile(r"^(features|classifier)\.\d+$")
_TOKENS = {"Conv2d": "conv", "MaxPool2d": "maxpool", "Fire": "fire", "AdaptiveAvgPool2d": "gap"}


def _squeezenet_top(profile: Any) -> list[dict[str, Any]]:
    """The top-level conv, fire and pooling rows, in order (ReLU and dropout left out)."""
    return [r for r in _rows(profile) if _TOP.match(r["module"]) and r["type"] in _TOKENS]


def _squeezenet_layout(profile: Any) -> str:
    """The top-level sequence with the paper's names: conv1, fire2..fire9, conv10."""
    out, fire, convs = [], 2, 0
    for r in _squeezenet_top(profile):
        token = _TOKENS[r["type"]]
        if token == "fire":
            token, fire = f"fire{fire}", fire + 1
        elif token == "conv":
            convs += 1
            token = "conv1" if convs == 1 else "conv10"
        out.append(token)
    return " ".join(out)


def _expected_layout() -> str:
    # The notes: conv1, max pooling, 8 fire modules, conv10, GAP; pools after conv1, fire4, fire8 (and conv10).
    seq = ["conv1", "maxpool"]
    for i in range(2, 10):
        seq += [f"fire{i}", "maxpool"] if i in (4, 8) else [f"fire{i}"]
    return " ".join([*seq, "conv10", "gap"])


@check("squeezenet-layout")
def squeezenet_layout(claim: Claim) -> Outcome:
    expected = _expected_layout()
    reading = Reading()
    for name in ("squeezenet1_0", "squeezenet1_0_simple_bypass", "squeezenet1_0_complex_bypass"):
        reading.equal(f"{name} layout", expected, _squeezenet_layout(measure(name)))
    seq = _squeezenet_layout(measure("squeezenet1_0")).split()
    pools_after = ", ".join(seq[i - 1] for i, t in enumerate(seq) if t in ("maxpool", "gap"))
    reading.equal("pools after", "conv1, fire4, fire8, conv10", pools_after)
    return Outcome(
        (reading,),
        explanation=f"squeezenet1_0 and both bypass variants run {' '.join(seq)}: "
        f"{sum(t.startswith('fire') for t in seq)} fire modules, pooling after {pools_after}",
        measurements=(
            Measurement("squeezenet1_1 layout (not in the paper)", _squeezenet_layout(measure("squeezenet1_1"))),
        ),
        correction=f"squeezenet1_0 runs {' '.join(seq)}",
    )


def _weight_layers(profile: Any) -> list[dict[str, Any]]:
    return [r for r in _squeezenet_top(profile) if r["type"] in ("Conv2d", "Fire")]


@check("squeezenet-late-downsampling")
def squeezenet_late_downsampling(claim: Claim) -> Outcome:
    profile = measure("squeezenet1_0")
    weights, steps, seen = _weight_layers(profile), [], 0
    for r in _squeezenet_top(profile):
        seen += r["type"] in ("Conv2d", "Fire")
        if r["type"] != "AdaptiveAvgPool2d" and _hw(r["output_shape"]) < _hw(r["input_shape"]):
            steps.append(seen)  # the weight layer this halving follows (conv1's own stride counts as layer 1)
    n, late = len(weights), sum(p > len(weights) / 2 for p in steps)
    final = _hw(weights[-1]["output_shape"])
    large = sum(_hw(r["output_shape"]) > final for r in weights)
    literal = Reading()
    literal.flag(
        f"most halvings after layer {n // 2} of {n}",
        late * 2 > len(steps),
        _count_text(late, len(steps)),
        arithmetic=f"halvings after layers {', '.join(map(str, steps))}",
    )
    alternative = Reading("most layers run on maps above the final size", ALTERNATIVE)
    sides = ", ".join(str(_hw(r["output_shape"])[0]) for r in weights)
    alternative.flag(
        f"most weight layers above {final[0]}x{final[1]}",
        large * 2 > n,
        _count_text(large, n),
        arithmetic=f"output sides {sides}",
    )
    alex = [_hw(r["output_shape"])[0] for r in _rows(measure("alexnet")) if r["type"] == "Conv2d"]
    return Outcome(
        (literal, alternative),
        explanation=f"SqueezeNet v1.0's halvings follow weight layers {', '.join(map(str, steps))} of {n}; its "
        f"weight layers output {sides}: {large} of {n} above the final {final[0]}",
        measurements=(
            Measurement(
                "AlexNet conv layers above its final side", f"{sum(s > alex[-1] for s in alex)} of {len(alex)}"
            ),
        ),
        correction=f"SqueezeNet v1.0 halves the maps twice in its first layer (conv1 stride 2, max pool), then after "
        f"fire4 and fire8: {late} of {len(steps)} halvings in the second half, though {large} of {n} layers run "
        f"above {final[0]}x{final[1]}",
    )


def _fire_layers(profile: Any, fire: str) -> dict[str, dict[str, Any]]:
    return {c: _row(profile, f"{fire}.{c}") for c in ("squeeze", "expand1x1", "expand3x3")}


@check("fire-module-structure")
def fire_module_structure(claim: Claim) -> Outcome:
    profile = measure("squeezenet1_0")
    fires = _fire_names(profile)
    kernels, fed, relu, direction, convs = set(), 0, 0, 0, set()
    for fire in fires:
        layers = _fire_layers(profile, fire)
        kernels.add(" -> ".join(f"{_kernel(r)}x{_kernel(r)}" for r in layers.values()))
        squeeze_out = layers["squeeze"]["output_shape"]
        fed += all(layers[e]["input_shape"] == squeeze_out for e in ("expand1x1", "expand3x3"))
        relu += all((_next_row(profile, r["module"]) or {}).get("type") == "ReLU" for r in layers.values())
        c_in, s, out = (
            channels(layers["squeeze"]["input_shape"]),
            channels(squeeze_out),
            channels(_row(profile, fire)["output_shape"]),
        )
        direction += s < c_in and out > s
        convs.add(sum(r["type"] == "Conv2d" for r in _rows(profile) if r["module"].startswith(f"{fire}.")))
    n = len(fires)
    reading = Reading()
    reading.equal("kernels: squeeze -> expand1x1, expand3x3", "1x1 -> 1x1 -> 3x3", " | ".join(sorted(kernels)))
    reading.flag("both expand convs read the squeeze output", fed == n, _count_text(fed, n))
    reading.flag("a ReLU follows each conv", relu == n, _count_text(relu, n))
    reading.flag("squeeze cuts, expand raises the filter count", direction == n, _count_text(direction, n))
    reading.equal("conv layers per fire module", "3", ", ".join(map(str, sorted(convs))), kind="count")
    return Outcome(
        (reading,),
        explanation=f"all {n} fire modules of SqueezeNet v1.0: squeeze 1x1 conv + ReLU, then expand 1x1 and 3x3 convs "
        "(+ ReLU) both on the squeeze output, fewer squeeze than expand filters",
        correction="a fire module is squeeze 1x1 -> ReLU -> (expand 1x1 | expand 3x3) -> ReLU, concatenated",
    )


def _fire_text(profile: Any, prefix: str = "") -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """A fire module's channels in words ("128 -> 16 -> 64 + 64 -> 128"), and its input and output H x W."""
    p = f"{prefix}." if prefix else ""
    squeeze, e1, e3 = (_row(profile, f"{p}{c}") for c in ("squeeze", "expand1x1", "expand3x3"))
    whole = _row(profile, prefix or "(model)")
    text = (
        f"{channels(whole['input_shape'])} -> {channels(squeeze['output_shape'])} -> "
        f"{channels(e1['output_shape'])} + {channels(e3['output_shape'])} -> {channels(whole['output_shape'])}"
    )
    return text, _hw(whole["input_shape"]), _hw(whole["output_shape"])


@check("fire-module-shape")
def fire_module_shape(claim: Claim) -> Outcome:
    from archstats_models.squeezenet import Fire

    expected = "128 -> 16 -> 64 + 64 -> 128"
    block = measure(on_meta(Fire, 128, 16, 64, 64), (128, 8, 8))
    text, hw_in, hw_out = _fire_text(block)
    fire3 = _fire_names(measure("squeezenet1_0"))[1]
    zoo_text, zoo_in, zoo_out = _fire_text(measure("squeezenet1_0"), fire3)
    reading = Reading()
    reading.equal("Fire(128, 16, 64, 64) channels", expected, text, arithmetic="out = 64 + 64 = 128")
    reading.equal("Fire(128, 16, 64, 64) H x W in -> out", hw_in, hw_out)
    reading.equal("squeezenet1_0 fire3 channels", expected, zoo_text)
    reading.equal("squeezenet1_0 fire3 H x W in -> out", zoo_in, zoo_out)
    params = block.totals.params
    return Outcome(
        (reading,),
        explanation=f"Fire(128, 16, 64, 64) at 8x8 gives {text} channels at {hw_out[0]}x{hw_out[1]}; fire3 of "
        f"SqueezeNet v1.0 likewise at {zoo_in[0]}x{zoo_in[1]}; {params:,} params = (128 + 1) x 16 + (16 + 1) x 64 + "
        f"(16 x 9 + 1) x 64",
        measurements=(
            Measurement("fire module params", params, "count"),
            Measurement(
                "one 3x3 conv 128 -> 128 with bias, params", params_of(on_meta(nn.Conv2d, 128, 128, 3)), "count"
            ),
        ),
        formula="out channels = e1x1 + e3x3; params = (C + 1) s + (s + 1) e1x1 + (9 s + 1) e3x3",
        correction=f"Fire(128, 16, 64, 64) maps {text}",
    )


@check("fire-squeeze-narrower")
def fire_squeeze_narrower(claim: Claim) -> Outcome:
    reading = Reading()
    ratios = []
    for name, _, s, e1, e3 in _fire_widths(measure("squeezenet1_0")):
        reading.flag(f"{name}: s1x1 < e1x1 + e3x3", s < e1 + e3, f"{s} < {e1 + e3}", arithmetic=f"{s} < {e1} + {e3}")
        ratios.append(s / (e1 + e3))
    spread = f"{min(ratios):.3f}" if min(ratios) == max(ratios) else f"{min(ratios):.3f} to {max(ratios):.3f}"
    return Outcome(
        (reading,),
        explanation=f"every fire module of SqueezeNet v1.0 has s1x1 < e1x1 + e3x3; s1x1 / (e1x1 + e3x3) = {spread} "
        "(the paper's squeeze ratio SR)",
        measurements=(Measurement("squeeze ratio s1x1 / (e1x1 + e3x3)", spread),),
        formula="s1x1 < e1x1 + e3x3",
        correction="SqueezeNet v1.0's fire modules squeeze to 1/8 of their expand filters",
    )


@check("squeezenet-gap-no-fc")
def squeezenet_gap_no_fc(claim: Claim) -> Outcome:
    profile = measure("squeezenet1_0")
    rows = _rows(profile)
    linear = sum(r["type"] == "Linear" for r in rows)
    top = _squeezenet_top(profile)
    last, conv10 = top[-1], top[-2]
    classes = parse_shape(_row(profile, "(model)")["output_shape"])[1]
    pooled = last["type"] == "AdaptiveAvgPool2d" and _hw(last["output_shape"]) == (1, 1)
    reading = Reading()
    reading.equal("fully connected layers", 0, linear, kind="count")
    reading.flag(
        "ends in a global average pool of one map per class",
        pooled and channels(conv10["output_shape"]) == classes,
        f"{conv10['output_shape']} -> {last['output_shape']}",
    )
    alex_fc = sum(r["params"] for r in _rows(measure("alexnet")) if r["type"] == "Linear")
    return Outcome(
        (reading,),
        explanation=f"SqueezeNet v1.0 has {linear} Linear layers; conv10 makes {channels(conv10['output_shape'])} "
        f"maps ({conv10['output_shape']}) that a global average pool takes to {last['output_shape']}",
        measurements=(
            Measurement("SqueezeNet v1.0 conv10 params", int(conv10["params"]), "count"),
            Measurement("AlexNet's FC layers params", int(alex_fc), "count"),
        ),
        correction=f"SqueezeNet v1.0 has {linear} FC layers and ends in conv10 + global average pooling",
    )


@check("squeezenet-24-metaparameters")
def squeezenet_24(claim: Claim) -> Outcome:
    profile = measure("squeezenet1_0")
    widths = _fire_widths(profile)
    # one width (filter count) per conv layer of each fire module
    convs = [
        sum(r["type"] == "Conv2d" for r in _rows(profile) if r["module"].startswith(f"{f}."))
        for f in _fire_names(profile)
    ]
    per_fire, total = set(convs), sum(convs)
    reading = Reading()
    reading.figure("hyperparameters", stated("24"), total, kind="count", arithmetic=f"{len(widths)} x 3 = {total}")
    reading.equal("fire modules", 8, len(widths), kind="count")
    reading.equal("hyperparameters per fire module", "3", ", ".join(map(str, sorted(per_fire))))
    last = widths[-1]
    return Outcome(
        (reading,),
        explanation=f"SqueezeNet v1.0 has {len(widths)} fire modules x 3 widths (s1x1, e1x1, e3x3) = {total}",
        measurements=(Measurement(f"{last[0]} (s1x1, e1x1, e3x3)", f"{last[2]}, {last[3]}, {last[4]}"),),
        formula="hyperparameters = fire modules x 3",
        correction=f"SqueezeNet v1.0 has {len(widths)} x 3 = {total} fire-module widths",
    )


@check("squeezenet-bypass-params")
def squeezenet_bypass(claim: Claim) -> Outcome:
    vanilla = _params("squeezenet1_0")
    simple = _params("squeezenet1_0_simple_bypass") - vanilla
    complex_ = _params("squeezenet1_0_complex_bypass") - vanilla
    widths = {w[0]: (w[1], w[3] + w[4]) for w in _fire_widths(measure("squeezenet1_0"))}  # name: (in, out)
    around = ("fire2", "fire4", "fire6", "fire8")
    extra = sum(c_in * c_out + c_out for f, (c_in, c_out) in widths.items() if f in around)
    terms = " + ".join(f"{widths[f][0]}x{widths[f][1]}+{widths[f][1]}" for f in around)
    matched = [f for f in ("fire3", "fire5", "fire7", "fire9") if widths[f][0] == widths[f][1]]
    reading = Reading()
    reading.figure(
        "complex bypass: extra params", exact(extra), complex_, kind="count", arithmetic=f"{terms} = {extra:,}"
    )
    reading.equal("simple bypass: extra params", 0, simple, kind="count")
    reading.flag("simple bypasses sit where C_in = C_out (fire3, 5, 7, 9)", len(matched) == 4, ", ".join(matched))
    return Outcome(
        (reading,),
        explanation=f"the simple bypass adds {simple} params; the complex bypass adds {complex_:,} = four 1x1 convs "
        f"with bias around fire2, 4, 6, 8 ({terms}), +{complex_ / vanilla:.1%}",
        measurements=(
            Measurement("complex bypass fp32 size (paper Table 3: 7.7MB)", 4 * (vanilla + complex_), "bytes"),
        ),
        formula="extra params (complex) = sum over fire2, 4, 6, 8 of C_in x C_out + C_out",
        correction=f"the complex bypass adds {complex_:,} params: {terms}",
    )


# --- Xception ------------------------------------------------------------------------------------------


def _separables(profile: Any) -> list[tuple[dict[str, Any], dict[str, Any], int]]:
    """(depthwise row, pointwise row, rows between them) of every separable conv, in order."""
    rows, index = _table(profile)
    out = []
    for r in rows:
        if r["module"].endswith(".depthwise"):
            pw = r["module"][: -len("depthwise")] + "pointwise"
            out.append((r, rows[index[pw]], index[pw] - index[r["module"]]))
    return out


def _depthwise_ok(row: dict[str, Any]) -> bool:
    """One 3x3 filter per channel: as many outputs as inputs, 9 weights per channel."""
    c = channels(row["input_shape"])
    return channels(row["output_shape"]) == c and _kernel(row, groups=c) == 3


@check("xception-regular-conv-3d")
def xception_regular_conv_3d(claim: Claim) -> Outcome:
    model, profile = zoo_model("xception"), measure("xception")
    conv = submodule(model, "entry_flow.3", nn.Conv2d)
    shape = tuple(conv.weight.shape[1:])
    expected = (channels(_row(profile, "entry_flow.3")["input_shape"]), *conv.kernel_size)
    reading = Reading()
    reading.equal("dimensions of one filter", 3, len(shape), kind="count")
    reading.equal("one filter: input channels x height x width", expected, shape)
    depthwise = submodule(model, "middle_flow.0.body.1.depthwise", nn.Conv2d).weight.shape[1:]
    pointwise = submodule(model, "middle_flow.0.body.1.pointwise", nn.Conv2d).weight.shape[1:]
    return Outcome(
        (reading,),
        explanation=f"each of the {conv.out_channels} filters of Xception's second stem conv is {shape[0]} x "
        f"{shape[1]} x {shape[2]}: all {shape[0]} input channels and a {shape[1]}x{shape[2]} window at once",
        measurements=(
            Measurement("a depthwise filter (spatial only)", " x ".join(map(str, depthwise))),
            Measurement("a pointwise filter (channels only)", " x ".join(map(str, pointwise))),
        ),
        formula="regular conv weight: C_out x C_in x k_h x k_w",
        correction=f"a regular conv filter spans C_in x k_h x k_w ({' x '.join(map(str, shape))})",
    )


def _inceptions(profile: Any) -> dict[str, list[dict[str, Any]]]:
    """The conv rows of every Inception module of a GoogLeNet layer table, by module."""
    rows = _rows(profile)
    names = [r["module"] for r in rows if r["type"] == "Inception"]
    return {n: [r for r in rows if r["type"] == "Conv2d" and r["module"].startswith(f"{n}.")] for n in names}


@check("inception-1x1-maps-3-4-spaces")
def inception_1x1_spaces(claim: Claim) -> Outcome:
    profile = measure("googlenet")
    reading = Reading()
    narrower = spatial_reduced = n_1x1 = n_spatial = 0
    for name, convs in _inceptions(profile).items():
        c_in = channels(_row(profile, name)["input_shape"])
        ones = [r for r in convs if _kernel(r) == 1]
        spatial = [r for r in convs if _kernel(r) > 1]
        reading.figure(f"{name}: 1x1 convs", stated("3~4"), len(ones), kind="count")
        narrower += sum(channels(r["output_shape"]) < c_in for r in ones)
        widths = {channels(r["output_shape"]) for r in ones}
        spatial_reduced += sum(
            channels(r["input_shape"]) in widths and channels(r["input_shape"]) < c_in for r in spatial
        )
        n_1x1, n_spatial = n_1x1 + len(ones), n_spatial + len(spatial)
    reading.flag("1x1 outputs narrower than the module input", narrower == n_1x1, _count_text(narrower, n_1x1))
    reading.flag(
        "3x3 / 5x5 convs read a 1x1 reduction", spatial_reduced == n_spatial, _count_text(spatial_reduced, n_spatial)
    )
    first, convs = next(iter(_inceptions(profile).items()))
    widths_3a = ", ".join(str(channels(r["output_shape"])) for r in convs if _kernel(r) == 1)
    return Outcome(
        (reading,),
        explanation=f"each of GoogLeNet's {len(_inceptions(profile))} Inception modules has 4 1x1 convs (3 on the "
        f"input, 1 after the pool), all narrower than the input ({first}: {widths_3a} from "
        f"{channels(_row(profile, first)['input_shape'])}); the 3x3 and 5x5 convs read the reductions",
        correction=f"{first} maps its input with 4 1x1 convs ({widths_3a} maps)",
    )


def _two_step(c: int, depthwise_first: bool) -> nn.Sequential:
    """A separable conv (depthwise 3x3, then pointwise 1x1) or the extreme Inception module (reversed)."""
    depthwise = nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False)
    pointwise = nn.Conv2d(c, c, 1, bias=False)
    return nn.Sequential(depthwise, pointwise) if depthwise_first else nn.Sequential(pointwise, depthwise)


@check("xception-separable-order")
def xception_separable_order(claim: Claim) -> Outcome:
    seps = _separables(measure("xception"))
    in_order = sum(
        gap > 0 and _depthwise_ok(dw) and _kernel(pw) == 1 and pw["input_shape"] == dw["output_shape"]
        for dw, pw, gap in seps
    )
    modules = list(_inceptions(measure("googlenet")).values())
    # in execution order, the conv before each 3x3 / 5x5 conv must be the 1x1 whose output it reads
    opened = sum(
        _kernel(convs[i - 1]) == 1 and convs[i - 1]["output_shape"] == r["input_shape"]
        for convs in modules
        for i, r in enumerate(convs)
        if i and _kernel(r) > 1
    )
    spatial = sum(_kernel(r) > 1 for convs in modules for r in convs)
    order = "depthwise 3x3 -> pointwise 1x1" if in_order == len(seps) else f"{in_order} of {len(seps)} in that order"
    reading = Reading()
    reading.equal("Xception's separable convs: order", "depthwise 3x3 -> pointwise 1x1", order)
    reading.flag("GoogLeNet: 1x1 first in the 3x3 / 5x5 branches", opened == spatial, _count_text(opened, spatial))
    c = next(channels(dw["input_shape"]) for dw, _, _ in seps if dw["module"].startswith("middle_flow"))
    separable, extreme = (params_of(on_meta(_two_step, c, depthwise_first)) for depthwise_first in (True, False))
    reading.equal(f"params at {c} -> {c}: extreme Inception = separable", separable, extreme, kind="count")
    return Outcome(
        (reading,),
        explanation=f"all {len(seps)} separable convs of Xception run a depthwise 3x3 (one filter per channel) "
        f"before the pointwise 1x1 that reads it; GoogLeNet's {spatial} 3x3 / 5x5 convs each follow a 1x1; at "
        f"{c} channels both orders have {c} x 9 + {c} x {c} = {separable:,} params",
        correction="a depthwise separable conv runs depthwise (spatial, per channel) first, then the 1x1",
    )


@check("xception-no-relu-inside-separable")
def xception_no_relu_inside(claim: Claim) -> Outcome:
    seps = _separables(measure("xception"))
    adjacent = sum(gap == 1 for _, _, gap in seps)  # the pointwise conv is the very next row
    google = measure("googlenet")
    convs = [r for module in _inceptions(google).values() for r in module]
    # the 1x1 reductions (the convs feeding a 3x3 / 5x5) and the 3x3 / 5x5 convs themselves
    inside = [r for i, r in enumerate(convs) if _kernel(r) > 1 or (i + 1 < len(convs) and _kernel(convs[i + 1]) > 1)]
    relu = sum((_next_row(google, r["module"]) or {}).get("type") == "ReLU" for r in inside)
    reading = Reading()
    reading.flag(
        "Xception: nothing between depthwise and pointwise", adjacent == len(seps), _count_text(adjacent, len(seps))
    )
    reading.flag(
        "GoogLeNet: a ReLU after the 1x1 reduction and after the 3x3 / 5x5",
        relu == len(inside),
        _count_text(relu, len(inside)),
    )
    return Outcome(
        (reading,),
        explanation=f"in {adjacent} of Xception's {len(seps)} separable convs the pointwise conv directly follows the "
        f"depthwise one (no activation); in GoogLeNet {relu} of the {len(inside)} reduction and 3x3 / 5x5 convs are "
        "followed by a ReLU",
        correction="Xception's separable convs have no activation between depthwise and pointwise; Inception's "
        "1x1 and 3x3 / 5x5 convs each have a ReLU",
    )


def _xception_layers(profile: Any) -> tuple[list[str], list[str], list[str]]:
    """Xception's conv layers: the plain ones, the separable ones (by module), and the shortcut convs."""
    convs = [r["module"] for r in _rows(profile) if r["type"] == "Conv2d"]
    separable = [m.rsplit(".", 1)[0] for m in convs if m.endswith(".depthwise")]
    shortcut = [m for m in convs if ".shortcut." in m]
    plain = [m for m in convs if not m.endswith((".depthwise", ".pointwise")) and ".shortcut." not in m]
    return plain, separable, shortcut


@check("xception-36-conv")
def xception_36(claim: Claim) -> Outcome:
    plain, separable, shortcut = _xception_layers(measure("xception"))
    layers = plain + separable
    flows = ("entry_flow", "middle_flow", "exit_flow")
    per_flow = {f: sum(m.startswith(f) for m in layers) for f in flows}
    middle = len({m.split(".")[1] for m in layers if m.startswith("middle_flow")})
    order = " -> ".join(dict.fromkeys(m.split("_")[0] for m in layers))
    reading = Reading()
    reading.figure(
        "conv layers, a separable conv counted once",
        stated("36"),
        len(layers),
        kind="count",
        arithmetic=f"{len(plain)} + {len(separable)} = {len(layers)}",
    )
    reading.equal("middle flow repeats", 8, middle, kind="count")
    reading.equal("flows in order", "entry -> middle -> exit", order)
    return Outcome(
        (reading,),
        explanation=f"{len(plain)} plain + {len(separable)} separable convs = {len(layers)} (entry "
        f"{per_flow['entry_flow']}, middle {per_flow['middle_flow']} = {middle} x 3, exit {per_flow['exit_flow']})",
        measurements=(
            Measurement("depthwise and pointwise counted apart", len(plain) + 2 * len(separable), "count"),
            Measurement("shortcut 1x1 convs (not counted)", len(shortcut), "count"),
        ),
        formula="entry 2 + 3 x 2, middle 8 x 3, exit 2 + 2 = 36",
        correction=f"Xception has {len(layers)} conv layers: {len(plain)} plain + {len(separable)} separable",
    )


@check("xception-bn-after-conv")
def xception_bn(claim: Claim) -> Outcome:
    profile = measure("xception")
    convs = [r for r in _rows(profile) if r["type"] == "Conv2d" and not r["module"].endswith(".depthwise")]
    followed = 0
    for r in convs:  # a separable conv ends at its pointwise conv
        nxt = _next_row(profile, r["module"])
        followed += nxt is not None and nxt["type"] == "BatchNorm2d" and nxt["input_shape"] == r["output_shape"]
    reading = Reading()
    shortcuts = sum(".shortcut." in r["module"] for r in convs)
    reading.equal(
        "convs (separable = 1, shortcuts included) followed by BN",
        len(convs),
        followed,
        kind="count",
        arithmetic=f"{len(convs) - shortcuts} conv layers + {shortcuts} shortcut convs = {len(convs)}",
    )
    bns = sum(r["type"] == "BatchNorm2d" for r in _rows(profile))
    return Outcome(
        (reading,),
        explanation=f"{followed} of the {len(convs)} convs (36 layers + 4 shortcuts) are followed directly by batch "
        f"norm on their output; the net has {bns} BN layers",
        correction=f"{followed} of Xception's {len(convs)} convs are followed by BN",
    )


def _residual_sums() -> tuple[bool, bool]:
    """Real tensors through the zoo's two Xception blocks: out = body(x) + x, and body(x) + shortcut(x)."""
    from archstats_models.xception import XceptionBlock

    torch.manual_seed(0)
    x = torch.randn(1, 4, 6, 6)
    with torch.no_grad():
        identity = XceptionBlock(4, (4, 4, 4), downsample=False).eval()
        strided = XceptionBlock(4, (8, 8), downsample=True).eval()
        assert strided.shortcut is not None
        same = torch.allclose(identity(x), identity.body(x) + x)
        projected = torch.allclose(strided(x), strided.body(x) + strided.shortcut(x))
    return same, projected


@check("xception-residual-separable-stack")
def xception_residual_stack(claim: Claim) -> Outcome:
    profile = measure("xception")
    plain, separable, shortcut = _xception_layers(profile)
    blocks = [r["module"] for r in _rows(profile) if r["type"] == "XceptionBlock"]
    index = _table(profile)[1]
    # the stem: the plain convs all run before the first separable conv
    stem_only = all(index[m] < index[f"{separable[0]}.depthwise"] for m in plain)
    same, projected = _residual_sums()
    reading = Reading()
    reading.flag(
        "conv layers after the stem are separable", stem_only, f"{len(separable)} of {len(plain) + len(separable)}"
    )
    reading.flag("identity block: out = body(x) + x", same, same)
    reading.flag("strided block: out = body(x) + 1x1 conv(x)", projected, projected)
    return Outcome(
        (reading,),
        explanation=f"{len(separable)} of Xception's {len(plain) + len(separable)} conv layers are separable (the "
        f"{len(plain)} stem convs are not); {len(blocks)} residual blocks ({len(shortcut)} with a 1x1 conv shortcut, "
        f"{len(blocks) - len(shortcut)} identity) hold them, and the zoo's block sums body and shortcut",
        correction=f"Xception stacks {len(separable)} separable convs in {len(blocks)} residual blocks after a "
        f"{len(plain)}-conv stem",
    )


# --- DenseNet ------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _dense_sources(num_layers: int, k0: int, k: int) -> tuple[tuple[tuple[int, ...], ...], int]:
    """A zoo DenseBlock run on a tiny cpu input: for each layer, the maps it concatenates (0 = the
    block input, l = layer l's output), and the width of the block output."""
    from archstats_models.densenet import DenseBlock

    # cpu, not meta: outside the analyzer torch's meta kernels for cat and batch norm import
    # torch._dynamo (a second); a 2x2 map with a few channels costs microseconds on cpu
    block = DenseBlock(num_layers, k0, k, 4).eval()
    x = torch.zeros(1, k0, 2, 2)
    index = {id(x): 0}
    seen: list[tuple[int, ...]] = []

    def before(module: nn.Module, args: tuple[Any, ...]) -> None:
        seen.append(tuple(index[id(t)] for t in args[0]))

    def after(module: nn.Module, args: tuple[Any, ...], out: torch.Tensor) -> None:
        index[id(out)] = len(index)

    hooks = [
        h
        for layer in block.values()
        for h in (layer.register_forward_pre_hook(before), layer.register_forward_hook(after))
    ]
    try:
        with torch.no_grad():
            out = block(x)
    finally:
        for h in hooks:
            h.remove()
    return tuple(seen), int(out.shape[1])


def _dense_layers(profile: Any) -> dict[str, list[dict[str, Any]]]:
    """The leaf rows of every dense layer, in execution order, by dense layer."""
    layers: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(profile):
        m = re.fullmatch(r"(.*denselayer\d+)\.\w+", r["module"])
        if m:
            layers.setdefault(m.group(1), []).append(r)
    return layers


def _dense_inputs(profile: Any, prefix: str = "") -> list[int]:
    """The input channels of each dense layer under ``prefix``, in order."""
    pattern = re.compile(rf"{re.escape(prefix)}denselayer\d+\.norm1")
    return [channels(r["input_shape"]) for r in _rows(profile) if pattern.fullmatch(r["module"])]


def _blocks(profile: Any) -> list[str]:
    return [r["module"] for r in _rows(profile) if r["type"] == "DenseBlock"]


def _transitions(profile: Any) -> dict[str, list[dict[str, Any]]]:
    """The rows of every transition layer, in order, by transition."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(profile):
        m = re.fullmatch(r"(.*transition\d+)\.\w+", r["module"])
        if m:
            out.setdefault(m.group(1), []).append(r)
    return out


def _ops(rows: list[dict[str, Any]]) -> str:
    return " -> ".join(_token(r) for r in rows)


def _concat_and_sum() -> tuple[int, bool, bool]:
    """Real tensors through the zoo's blocks: a DenseBlock(3 layers, k0=4, k=2)'s output width and whether it
    starts with its input unchanged; whether a BasicBlock(4, 4) gives ReLU(H(x) + x)."""
    from archstats_models.densenet import DenseBlock
    from archstats_models.resnet import BasicBlock

    torch.manual_seed(0)
    x = torch.randn(1, 4, 5, 5)
    with torch.no_grad():
        out = DenseBlock(3, 4, 2, 4).eval()(x)
        block = BasicBlock(4, 4).eval()
        summed = torch.allclose(block(x.clone()), torch.relu(block.residual(x) + x))
    return int(out.shape[1]), torch.equal(out[:, :4], x), summed


@check("densenet-concat-vs-add")
def densenet_concat_vs_add(claim: Claim) -> Outcome:
    width, kept, summed = _concat_and_sum()
    first = [r for r in _rows(measure("resnet18")) if r["module"].startswith("layer1.0.")][:3]
    names = {"Conv2d": "conv", "BatchNorm2d": "bn", "ReLU": "relu"}
    reading = Reading()
    reading.equal(
        "DenseNet block output: channels", 4 + 3 * 2, width, kind="count", arithmetic="k0 + L k = 4 + 3 x 2 = 10"
    )
    reading.flag("DenseNet block output starts with its input, unchanged", kept, kept)
    reading.flag("ResNet block: out = ReLU(H(x) + x), same shape", summed, summed)
    reading.equal(
        "ResNet block's H: first ops", "conv, bn, relu", ", ".join(names.get(r["type"], r["type"]) for r in first)
    )
    return Outcome(
        (reading,),
        explanation=f"a DenseBlock(3 layers, k0 = 4, k = 2) outputs 4 + 3 x 2 = {width} channels whose first 4 are its "
        f"input {'unchanged' if kept else 'changed'}; a ResNet basic block {'adds' if summed else 'does not add'} its "
        "input to H(x) = conv-bn-relu-conv-bn",
        formula="ResNet: x_l = H(x_{l-1}) + x_{l-1}; DenseNet: x_l = H([x_0, ..., x_{l-1}])",
        correction="DenseNet concatenates (channels k0 + lk), ResNet adds (channels kept)",
    )


@check("densenet-composite-function")
def densenet_composite(claim: Claim) -> Outcome:
    reading = Reading()
    summary = []
    for name in ("densenet121", "densenet_bc100_k12"):
        layers = _dense_layers(measure(name))
        tokens = [[_token(r) for r in rows] for rows in layers.values()]
        tails = sorted({" -> ".join(t[-3:]) for t in tokens})
        convs = [(t, i) for t in tokens for i, tok in enumerate(t) if tok.startswith("conv")]
        preact = sum(t[i - 2 : i] == ["BN", "ReLU"] for t, i in convs)
        reading.equal(f"{name}: each layer ends in", "BN -> ReLU -> conv3x3", " | ".join(tails))
        reading.flag(f"{name}: every conv follows BN -> ReLU", preact == len(convs), _count_text(preact, len(convs)))
        summary.append(f"{name} {len(layers)} layers")
    return Outcome(
        (reading,),
        explanation=f"every dense layer ({', '.join(summary)}) ends in BN -> ReLU -> 3x3 conv, and each of its convs "
        "is pre-activated by BN -> ReLU (the zoo's DenseNet-B layers put BN -> ReLU -> 1x1 conv before)",
        formula="H_l = Conv3x3(ReLU(BN(x)))",
        correction="DenseNet's layers are pre-activated: BN -> ReLU -> conv (DenseNet-B: BN-ReLU-1x1-BN-ReLU-3x3)",
    )


@check("densenet-growth-inputs")
def densenet_growth(claim: Claim) -> Outcome:
    from archstats_models.densenet import DenseBlock

    block = measure(on_meta(DenseBlock, 4, 4, 4, 4), (4, 8, 8))
    inputs = _dense_inputs(block)
    width = channels(_row(block, "(model)")["output_shape"])
    reading = Reading()
    reading.equal(
        "k0 = 4, k = 4: input channels of layers 1-4",
        "4, 8, 12, 16",
        ", ".join(map(str, inputs)),
        arithmetic="4 + 4 x (l - 1), l = 1..4",
    )
    reading.equal("k0 = 4, k = 4: block output", 4 + 4 * 4, width, kind="count", arithmetic="4 + 4 x 4 = 20")
    for name, k in (("densenet121", 32), ("densenet_bc100_k12", 12)):
        profile = measure(name)
        for b, block_name in enumerate(_blocks(profile), 1):
            seen = _dense_inputs(profile, f"{block_name}.")
            ok = all(c == seen[0] + k * i for i, c in enumerate(seen))
            reading.flag(f"{name} block {b}: k0 + {k}(l-1)", ok, f"{len(seen)} layers from {seen[0]}")
    return Outcome(
        (reading,),
        explanation=f"a DenseBlock(k0 = 4, k = 4) feeds its four layers {', '.join(map(str, inputs))} channels and "
        f"outputs {width}; every block of densenet121 (k = 32) and DenseNet-BC-100 (k = 12) follows k0 + k(l-1)",
        formula="C_in(l) = k0 + k(l - 1)",
        correction=f"with k0 = 4 and k = 4 the layers see {', '.join(map(str, inputs))} channels",
    )


def _chain_inputs(num_layers: int) -> int:
    """Inputs received by the layers of a plain chain of convs, counted like a dense block's (a tiny
    cpu run, as in ``_dense_sources``)."""
    chain = nn.Sequential(*(nn.Conv2d(4, 4, 3, padding=1) for _ in range(num_layers)))
    counts: list[int] = []
    hooks = [m.register_forward_pre_hook(lambda m, args: counts.append(len(args))) for m in chain]
    with torch.no_grad():
        chain(torch.zeros(1, 4, 2, 2))
    for h in hooks:
        h.remove()
    return sum(counts)


@check("densenet-connections")
def densenet_connections(claim: Claim) -> Outcome:
    reading = Reading()
    for n in (5, 1, 2, 3, 4, 6, 12, 16, 24):
        sources, _ = _dense_sources(n, 6, 4)
        expected = n * (n + 1) // 2
        measured = sum(len(s) for s in sources)
        reading.figure(f"L={n}", exact(expected), measured, kind="count", arithmetic=f"{n} x {n + 1} / 2 = {expected}")
    reading.equal("plain chain, L=5", 5, _chain_inputs(5), kind="count")
    sources, _ = _dense_sources(5, 6, 4)
    return Outcome(
        (reading,),
        explanation=f"the 5 layers of a dense block concatenate {', '.join(str(len(s)) for s in sources)} maps: "
        f"{sum(len(s) for s in sources)} = 5 x 6 / 2 connections; L(L+1)/2 at every L up to 24; a plain chain of 5 "
        "has 5",
        formula="connections = sum_{l=1..L} l = L(L+1)/2",
        correction="a dense block of L layers has L(L+1)/2 connections (L=5: 15)",
    )


@check("densenet-fan-in-fan-out")
def densenet_fan_in_fan_out(claim: Claim) -> Outcome:
    n = 5
    sources, _ = _dense_sources(n, 6, 4)
    fan_in = ", ".join(str(len(s)) for s in sources)
    fan_out = ", ".join(str(sum(layer in s for s in sources[layer:])) for layer in range(1, n + 1))
    literal, intended = Reading(), Reading("intended: L - l later layers (the paper's L - ℓ)", INTENDED)
    literal.equal(
        "L=5: later layers each layer's maps reach (L - 1)",
        ", ".join([str(n - 1)] * n),
        fan_out,
        arithmetic="5 - 1 = 4",
    )
    intended.equal(
        "L=5: later layers each layer's maps reach (L - l)",
        ", ".join(str(n - i) for i in range(1, n + 1)),
        fan_out,
        arithmetic="5 - l, l = 1..5",
    )
    for reading in (literal, intended):
        reading.equal("L=5: inputs of layers 1-5 (l)", ", ".join(map(str, range(1, n + 1))), fan_in)
    return Outcome(
        (literal, intended),
        explanation=f"in a 5-layer dense block layers 1-5 take {fan_in} inputs, and their maps reach {fan_out} later "
        "layers: L - l, which is L - 1 only for layer 1",
        formula="fan-in(l) = l; fan-out(l) = L - l",
        correction=f"layer l's maps reach the L - l later layers (L=5: {fan_out}), as the paper writes; only layer 1's "
        "reach L - 1",
    )


@check("densenet-dense-block")
def densenet_dense_block(claim: Claim) -> Outcome:
    from archstats_models.densenet import DenseBlock

    n, k0, k = 4, 6, 4
    sources, width = _dense_sources(n, k0, k)
    profile = measure(on_meta(DenseBlock, n, k0, k, 4), (k0, 4, 4))
    whole = sum(
        channels(_row(profile, f"denselayer{i}.conv1")["input_shape"]) == k0 + k * (i - 1) for i in range(1, n + 1)
    )
    cuts = [
        (channels(rows[0]["input_shape"]), channels(rows[-1]["output_shape"]))
        for rows in _transitions(measure("densenet121")).values()
    ]
    reading = Reading()
    reading.flag(
        "the block input reaches every layer",
        all(0 in s for s in sources),
        _count_text(sum(0 in s for s in sources), n),
    )
    reading.flag(
        "each layer takes every earlier output",
        all(s == tuple(range(i + 1)) for i, s in enumerate(sources)),
        ", ".join(str(len(s)) for s in sources),
    )
    reading.equal(
        "block output: input and all outputs concatenated",
        k0 + n * k,
        width,
        kind="count",
        arithmetic=f"{k0} + {n} x {k}",
    )
    reading.flag("each layer's conv reads the whole concatenation", whole == n, _count_text(whole, n))
    reading.flag(
        "densenet121's transitions cut the depth", all(o < i for i, o in cuts), ", ".join(f"{i}->{o}" for i, o in cuts)
    )
    return Outcome(
        (reading,),
        explanation=f"in a DenseBlock({n} layers, k0 = {k0}, k = {k}) layer l takes x_0 and every earlier output, its "
        f"conv reads all k0 + k(l-1) channels, and the block outputs {k0} + {n} x {k} = {width}; densenet121's "
        f"transitions cut {', '.join(f'{i}->{o}' for i, o in cuts)}",
        correction=f"a dense block's layers take x_0 and all earlier outputs; the block outputs k0 + Lk = {width}",
    )


@functools.lru_cache(maxsize=1)
def _preact1001_params() -> int:
    """Pre-act ResNet-1001's params: ResNet-164's plus 93 more units per stage (depth 9n + 2, n = 18 -> 111).

    Every unit but a stage's first has the same shape, so each added unit has the params of the stage's
    second unit; building the 1001-layer net itself takes about 0.3 s."""
    model = zoo_model("preact_resnet164")
    unit = sum(params_of(submodule(model, f"layer{s}.1", nn.Module)) for s in (1, 2, 3))
    return params_of(model) + ((1001 - 2) // 9 - (164 - 2) // 9) * unit


_CIFAR_OTHERS = (
    ("ResNet-110, stochastic depth", "resnet110_sd"),
    ("pre-act ResNet-164", "preact_resnet164"),
    ("pre-act ResNet-1001", "preact_resnet1001"),
    ("WRN-28-10", "wrn28_10"),
)


def _cifar_params(name: str) -> int:
    if name == "preact_resnet1001":
        return _preact1001_params()
    # the ResNet section profiles these two: share its cached profiles
    return measure(name).totals.params if name in ("wrn28_10", "resnet110_sd") else _params(name)


@check("densenet-fewer-params-than-others")
def densenet_fewer_than_others(claim: Claim) -> Outcome:
    bc = measure("densenet_bc100_k12").totals.params
    reading = Reading()
    for label, name in _CIFAR_OTHERS:
        other = _cifar_params(name)
        reading.flag(
            f"DenseNet-BC-100 < {label}",
            bc < other,
            bc / other,
            kind="ratio",
            arithmetic=f"{bc:,} / {other:,} = {bc / other:.3f}",
        )
    sizes = ", ".join(f"{label} {_cifar_params(name) / 1e6:.1f}M" for label, name in _CIFAR_OTHERS)
    return Outcome(
        (reading,),
        explanation=f"DenseNet-BC (L=100, k=12) has {bc / 1e6:.2f}M params against {sizes}",
        measurements=(Measurement("the table's DenseNet L=100, k=24 (built here)", _plain_params(100, 24), "count"),),
        correction=f"DenseNet-BC-100 has {bc:,} params; the other CIFAR nets: {sizes}",
    )


def _d121_over_r50() -> float:
    return measure("densenet121").totals.params / measure("resnet50").totals.params


def _resnet_pairs() -> tuple[tuple[str, str, str, int, int], ...]:
    """The paper's DenseNet / ResNet pairs of comparable accuracy: (data set, DenseNet, ResNet, params, params)."""
    return (
        (
            "C10+",
            "DenseNet-BC-100",
            "pre-act ResNet-1001",
            measure("densenet_bc100_k12").totals.params,
            _preact1001_params(),
        ),
        ("ImageNet", "DenseNet-201", "ResNet-101", _params("densenet201"), measure("resnet101").totals.params),
    )


def _pairs_text(pairs: tuple[tuple[str, str, str, int, int], ...]) -> str:
    return "; ".join(f"{dn} / {rn} ({data}) = {d:,} / {r:,} = {d / r:.3f}" for data, dn, rn, d, r in pairs)


@check("densenet-fewer-params-than-resnet")
def densenet_fewer_than_resnet(claim: Claim) -> Outcome:
    pairs = _resnet_pairs()
    reading = Reading()
    for data, dn, rn, d, r in pairs:
        reading.flag(f"{data}: {dn} < {rn}", d < r, d / r, kind="ratio", arithmetic=f"{d:,} / {r:,} = {d / r:.3f}")
    reading.unmeasurable("higher accuracy than ResNet", "accuracy needs trained weights and a test set")
    return Outcome(
        (reading,),
        explanation=f"{_pairs_text(pairs)}; the accuracy cannot be measured here",
        measurements=(Measurement("DenseNet-121 / ResNet-50 params", _d121_over_r50(), "ratio"),),
        correction=_pairs_text(pairs),
    )


def _growth(profile: Any) -> list[int]:
    """The maps each dense layer adds (its 3x3 conv's output channels), distinct values."""
    return sorted({channels(rows[-1]["output_shape"]) for rows in _dense_layers(profile).values()})


@check("densenet-narrow-layers")
def densenet_narrow_layers(claim: Claim) -> Outcome:
    d121 = measure("densenet121")
    [k] = _growth(d121)
    reading = Reading()
    for name, label in (("vgg16", "VGG-16"), ("resnet50", "ResNet-50")):
        profile = measure(name)
        narrowest = min(channels(r["output_shape"]) for r in _rows(profile) if r["type"] == "Conv2d")
        reading.flag(
            f"DenseNet-121's {k} maps per layer < {label}'s narrowest conv", k < narrowest, f"{k} < {narrowest}"
        )
        d, o = d121.totals.params, profile.totals.params
        reading.flag(
            f"DenseNet-121 params < {label}'s", d < o, d / o, kind="ratio", arithmetic=f"{d:,} / {o:,} = {d / o:.3f}"
        )
    return Outcome(
        (reading,),
        explanation=f"each of DenseNet-121's dense layers adds {k} maps, where VGG-16's and ResNet-50's convs make "
        f"at least 64; it has {d121.totals.params / 1e6:.1f}M params against 138.4M and 25.6M",
        correction=f"DenseNet-121's layers add k = {k} maps each",
    )


def _pool_window(before: dict[str, Any], pool: dict[str, Any]) -> tuple[int, int]:
    """A pool's kernel and stride from the receptive field the analyzer tracks: the field grows by
    (k - 1) input steps and the step grows s times."""
    step = int(before["rf_jump_h"])
    return 1 + (int(pool["rf_size_h"]) - int(before["rf_size_h"])) // step, int(pool["rf_jump_h"]) // step


def _transition_ops(name: str) -> list[str]:
    """Each transition's ops, its pool with kernel and stride."""
    out = []
    for rows in _transitions(measure(name)).values():
        k, s = _pool_window(rows[-2], rows[-1])
        out.append(" -> ".join(_token(r) for r in rows[:-1]) + f" -> {_token(rows[-1])} {k}x{k}/{s}")
    return out


def _size_changes(profile: Any) -> tuple[int, int, list[str]]:
    """Dense layers keeping their block's H x W (and how many there are), and the layers after the stem
    that change H x W."""
    rows = _rows(profile)
    kept = total = 0
    for block in _blocks(profile):
        hw = _hw(_row(profile, block)["input_shape"])
        pattern = re.compile(rf"{re.escape(block)}\.denselayer\d+\.conv2")
        outs = [_hw(r["output_shape"]) for r in rows if pattern.fullmatch(r["module"])]
        kept, total = kept + sum(o == hw for o in outs), total + len(outs)
    start = next(i for i, r in enumerate(rows) if r["module"].startswith(f"{_blocks(profile)[0]}."))
    maps = [r for r in rows[start:] if len(parse_shape(r["output_shape"])) == 4 and r["module"] != "(model)"]
    leaves = [r for r in maps if r["type"] not in ("DenseBlock", "DenseLayer")]
    return kept, total, [r["module"] for r in leaves if _hw(r["input_shape"]) != _hw(r["output_shape"])]


@check("densenet-transition-layer")
def densenet_transition_layer(claim: Claim) -> Outcome:
    reading = Reading()
    summary = []
    for name in ("densenet_bc100_k12", "densenet121"):
        ops = _transition_ops(name)
        kept, total, changes = _size_changes(measure(name))
        outside = [m for m in changes if not re.search(r"transition\d+\.pool$", m)]
        reading.equal(f"{name}: transition ops", "BN -> ReLU -> conv1x1 -> avgpool 2x2/2", " | ".join(sorted(set(ops))))
        reading.flag(f"{name}: dense layers keep their block's H x W", kept == total, _count_text(kept, total))
        reading.flag(
            f"{name}: only the transitions' pools change H x W", not outside, ", ".join(outside) or "none else"
        )
        summary.append(f"{name}: {len(ops)} transitions, {len(changes)} size changes")
    return Outcome(
        (reading,),
        explanation=f"every transition is BN -> ReLU -> 1x1 conv -> 2x2/2 average pool ({'; '.join(summary)}), and "
        "the maps keep their size inside each dense block",
        correction="DenseNet's transition is BN -> ReLU -> 1x1 conv -> 2x2/2 average pool between blocks",
    )


@check("densenet-transition-halves")
def densenet_transition_halves(claim: Claim) -> Outcome:
    from archstats_models.densenet import DenseNet

    reading = Reading()
    for name in ("densenet121", "densenet_bc100_k12"):
        for prefix, rows in _transitions(measure(name)).items():
            c_in, c_out = channels(rows[0]["input_shape"]), channels(rows[-1]["output_shape"])
            (h, w), hw_out = _hw(rows[0]["input_shape"]), _hw(rows[-1]["output_shape"])
            short = f"{name} {prefix.rsplit('.', 1)[-1]}"
            half = c_in // 2 if c_in % 2 == 0 else c_in / 2
            reading.equal(f"{short}: channels (0.5m)", half, c_out, kind="count", arithmetic=f"0.5 x {c_in} = {half}")
            halves = (h // 2, w // 2) if h % 2 == w % 2 == 0 else (h / 2, w / 2)
            reading.equal(f"{short}: H x W", halves, hw_out, arithmetic=f"{h}/2 x {w}/2")
    small = on_meta(DenseNet, 4, (2, 2), 8, compression=1.0, num_classes=10, small_input=True)
    for prefix, rows in _transitions(measure(small, (3, 16, 16))).items():
        c_in, c_out = channels(rows[0]["input_shape"]), channels(rows[-1]["output_shape"])
        reading.equal(f"theta = 1 {prefix}: channels kept", c_in, c_out, kind="count")
    return Outcome(
        (reading,),
        explanation="every transition of densenet121 (256->128, 512->256, 1024->512) and DenseNet-BC-100 "
        "(216->108, 300->150) halves the channels with its 1x1 conv and H and W with its 2x2/2 pool; with theta = 1 "
        "the channels are kept",
        formula="C_out = floor(theta x m); H_out = H_in / 2, W_out = W_in / 2",
        correction="a theta = 0.5 transition outputs floor(m / 2) channels at half the H and W",
    )


def _stages(name: str) -> tuple[int, int]:
    """Dense blocks and transition layers of a zoo DenseNet."""
    profile = measure(name)
    return len(_blocks(profile)), len(_transitions(profile))


@check("densenet-3-blocks")
def densenet_3_blocks(claim: Claim) -> Outcome:
    blocks, transitions = _stages("densenet_bc100_k12")
    imagenet = _stages("densenet121")
    reading = Reading()
    reading.equal("DenseNet-BC-100: dense blocks, transition layers", (3, 2), (blocks, transitions))
    return Outcome(
        (reading,),
        explanation=f"the figure's CIFAR DenseNet-BC-100 has {blocks} dense blocks and {transitions} transition "
        f"layers; the ImageNet DenseNet-121 has {imagenet[0]} and {imagenet[1]}",
        measurements=(Measurement("densenet121: dense blocks, transition layers", f"{imagenet[0]}, {imagenet[1]}"),),
        correction=f"DenseNet-BC-100 has {blocks} dense blocks and {transitions} transition layers",
    )


@check("densenet-k12")
def densenet_k12(claim: Claim) -> Outcome:
    growth = _growth(measure("densenet_bc100_k12"))
    k = growth[0] if len(growth) == 1 else -1
    reading = Reading()
    reading.figure("DenseNet-BC-100: maps per layer, k = 12", stated("12"), k, kind="count")
    reading.figure("filters of a layer's 3x3 conv, 'about 12'", stated("12", bound=ABOUT), k, kind="count")
    return Outcome(
        (reading,),
        explanation=f"each dense layer of the paper's CIFAR DenseNet-BC (L=100) adds {', '.join(map(str, growth))} "
        f"maps; the ImageNet DenseNet-121 uses k = {', '.join(map(str, _growth(measure('densenet121'))))}",
        measurements=(
            Measurement("densenet121: maps per layer", ", ".join(map(str, _growth(measure("densenet121"))))),
        ),
        correction=f"DenseNet-BC-100's layers add k = {', '.join(map(str, growth))} maps each",
    )


@check("densenet-b-layer-order")
def densenet_b_layer_order(claim: Claim) -> Outcome:
    expected = "BN -> ReLU -> conv1x1 -> BN -> ReLU -> conv3x3"
    reading = Reading()
    counts = []
    for name in ("densenet121", "densenet_bc100_k12"):
        layers = _dense_layers(measure(name))
        reading.equal(
            f"{name}: dense layer ops", expected, " | ".join(sorted({_ops(rows) for rows in layers.values()}))
        )
        counts.append(f"{len(layers)} of {name}")
    return Outcome(
        (reading,),
        explanation=f"all dense layers ({', '.join(counts)}) run {expected}",
        correction=f"DenseNet-B's dense layers run {expected}",
    )


@check("densenet-bottleneck-4k")
def densenet_bottleneck_4k(claim: Claim) -> Outcome:
    reading = Reading()
    summary = []
    for name, k in (("densenet121", 32), ("densenet_bc100_k12", 12)):  # paper Tables 1 and 2
        layers = _dense_layers(measure(name)).values()
        wide = sorted({channels(r["output_shape"]) for rows in layers for r in rows if _token(r) == "conv1x1"})
        narrow = sorted({channels(r["output_shape"]) for rows in layers for r in rows if _token(r) == "conv3x3"})
        reading.equal(f"{name}: 1x1 maps (4k, k = {k})", str(4 * k), ", ".join(map(str, wide)), arithmetic=f"4 x {k}")
        reading.equal(f"{name}: 3x3 maps (k)", str(k), ", ".join(map(str, narrow)))
        summary.append(f"{name} {wide} -> {narrow}")
    return Outcome(
        (reading,),
        explanation=f"1x1 -> 3x3 output channels over all dense layers: {'; '.join(summary)}",
        formula="bottleneck width = 4k, new maps = k",
        correction="DenseNet-B's 1x1 convs make 4k maps and its 3x3 convs k",
    )


class _PlainDenseLayer(nn.Module):
    """DenseNet's basic layer, without bottleneck: BN-ReLU-Conv3x3 to k maps (the zoo has DenseNet-B only)."""

    def __init__(self, in_channels: int, growth_rate: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(in_channels, growth_rate, 3, padding=1, bias=False)

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        return self.conv(self.relu(self.norm(torch.cat(features, 1))))


class _PlainDenseBlock(nn.ModuleDict):
    def __init__(self, num_layers: int, in_channels: int, growth_rate: int) -> None:
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}", _PlainDenseLayer(in_channels + i * growth_rate, growth_rate))
        self.out_channels = in_channels + num_layers * growth_rate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


def _plain_cifar_densenet(depth: int, k: int, num_classes: int = 10) -> nn.Module:
    """The paper's basic DenseNet for CIFAR (Table 2, neither B nor C): a 16-filter 3x3 stem, three blocks of
    (L - 4) / 3 BN-ReLU-3x3 layers, transitions BN-ReLU-1x1 (same width)-2x2 avg pool, BN-ReLU-GAP-FC."""
    from archstats_models.densenet import Transition

    layers: list[nn.Module] = [nn.Conv2d(3, 16, 3, padding=1, bias=False)]
    c = 16
    for i in range(3):
        block = _PlainDenseBlock((depth - 4) // 3, c, k)
        layers.append(block)
        c = block.out_channels
        if i < 2:
            layers.append(Transition(c, c))
    layers += [
        nn.BatchNorm2d(c),
        nn.ReLU(inplace=True),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(c, num_classes),
    ]
    return nn.Sequential(*layers)


@functools.lru_cache(maxsize=8)
def _plain_params(depth: int, k: int) -> int:
    return params_of(on_meta(_plain_cifar_densenet, depth, k))


def _conv_macs(profile: Any, prefix: str) -> dict[int, int]:
    """MACs of the convs of each dense layer under ``prefix``, by layer number."""
    out: dict[int, int] = {}
    for r in _rows(profile):
        m = re.fullmatch(rf"{re.escape(prefix)}denselayer(\d+)\.\w+", r["module"])
        if m and r["type"] == "Conv2d":
            out[int(m.group(1))] = out.get(int(m.group(1)), 0) + int(r["macs"])
    return out


@check("densenet-bottleneck-saves-macs")
def densenet_bottleneck_macs(claim: Claim) -> Outcome:
    k, d121 = 32, measure("densenet121")
    with_b = without = costlier = layers = 0
    measurements = []
    for b, block in enumerate(_blocks(d121), 1):
        c0, n = _dense_inputs(d121, f"{block}.")[0], len(_dense_inputs(d121, f"{block}."))
        hw = _hw(_row(d121, block)["input_shape"])
        bottleneck = _conv_macs(d121, f"{block}.")
        plain = _conv_macs(measure(on_meta(_PlainDenseBlock, n, c0, k), (c0, *hw)), "")
        costlier += sum(bottleneck[i] > plain[i] for i in bottleneck)
        with_b, without, layers = with_b + sum(bottleneck.values()), without + sum(plain.values()), layers + n
        ratio = sum(bottleneck.values()) / sum(plain.values())
        measurements.append(
            Measurement(f"block {b} ({n} layers from {c0} ch, {hw[0]}x{hw[1]}): with / without", ratio, "ratio")
        )
    ratio = with_b / without
    reading = Reading()
    reading.flag(
        "dense layers: MACs with / without the bottleneck < 1",
        ratio < 1,
        ratio,
        kind="ratio",
        arithmetic=f"{with_b:,} / {without:,} = {ratio:.3f}",
    )
    return Outcome(
        (reading,),
        explanation=f"densenet121's dense layers take {with_b:,} MACs with the bottleneck, {without:,} with 3x3-only "
        f"layers ({ratio:.2f}x); in {costlier} of {layers} layers (at most {36 * k / 5:.0f} input channels) the "
        "bottleneck costs more",
        measurements=(
            *measurements,
            Measurement(
                f"layers where the bottleneck costs more (C_in <= {36 * k / 5:.0f})", _count_text(costlier, layers)
            ),
        ),
        formula="per pixel: bottleneck C_in x 4k + 9 x 4k x k vs plain 9 x C_in x k; cheaper iff C_in > 36k/5",
        correction=f"DenseNet-121's bottlenecks take {ratio:.2f}x the MACs of 3x3-only layers: "
        f"{with_b:,} / {without:,}",
    )


@check("densenet-k-bc-params")
def densenet_k_bc(claim: Claim) -> Outcome:
    plain12, plain24 = _plain_params(100, 12), _plain_params(100, 24)
    b12 = _params("densenet_bc100_k12", compression=1.0)
    bc12, bc24 = measure("densenet_bc100_k12").totals.params, _params("densenet_bc100_k12", growth_rate=24)
    reading = Reading()
    for label, small, large in (
        ("plain, L=100: k = 24 > k = 12", plain12, plain24),
        ("DenseNet-BC, L=100: k = 24 > k = 12", bc12, bc24),
        ("k = 12: DenseNet-B < plain (bottleneck)", b12, plain12),
        ("k = 12: DenseNet-BC < DenseNet-B (compression)", bc12, b12),
    ):
        reading.flag(
            label, small < large, large / small, kind="ratio", arithmetic=f"{large:,} / {small:,} = {large / small:.2f}"
        )
    return Outcome(
        (reading,),
        explanation=f"at L=100, k 12 -> 24 takes plain DenseNet {plain12 / 1e6:.1f}M -> {plain24 / 1e6:.1f}M and "
        f"DenseNet-BC {bc12 / 1e6:.2f}M -> {bc24 / 1e6:.2f}M; at k=12 the bottleneck and compression give plain "
        f"{plain12 / 1e6:.1f}M, B {b12 / 1e6:.2f}M, BC {bc12 / 1e6:.2f}M",
        measurements=(
            Measurement("plain DenseNet L=40, k=12 (paper Table 2: 1.0M)", _plain_params(40, 12), "count"),
            Measurement("plain DenseNet L=100, k=12 (paper: 7.0M)", plain12, "count"),
            Measurement("plain DenseNet L=100, k=24 (paper: 27.2M)", plain24, "count"),
            Measurement("DenseNet-BC L=100, k=12 (paper: 0.8M)", bc12, "count"),
        ),
        correction=f"L=100: plain {plain12:,} (k=12) / {plain24:,} (k=24), B {b12:,}, BC {bc12:,} (k=12) / "
        f"{bc24:,} (k=24)",
    )


@check("densenet-vs-resnet-params")
def densenet_vs_resnet(claim: Claim) -> Outcome:
    pairs = _resnet_pairs()
    reading = Reading()
    # which DenseNet matches which ResNet in accuracy decides the ratio, and only training tells; the
    # pairs the paper names as comparable are measured and shown, not judged: judging "about 1/3" on
    # them would pick the pairs for the claim
    reading.unmeasurable(
        "DenseNet params / params of a ResNet of similar accuracy",
        "which networks match in accuracy needs training (the paper reads its 1/3 off Figure 4's curves)",
    )
    context = [Measurement(f"{data}: {dn} / {rn} params", d / r, "ratio") for data, dn, rn, d, r in pairs]
    return Outcome(
        (reading,),
        explanation=f"not checkable: the ratio depends on which nets match in accuracy; the pairs the paper names as "
        f"comparable give {_pairs_text(pairs)}, against about 1/3",
        measurements=(*context, Measurement("DenseNet-121 / ResNet-50 params", _d121_over_r50(), "ratio")),
        formula="ratio = params(DenseNet) / params(ResNet of similar accuracy)",
    )


# --- quantitative sentences no measurement can check ---------------------------------------------------

register_unchecked(
    [
        Unchecked(
            "000:1",
            SECTION,
            "Image Classification의 종류 정리 2",
            "Image classification models, summary 2",
            "not quantitative",
            "the note's title, numbered",
        ),
        Unchecked(
            "000:12",
            SECTION,
            "FPGA(일종의 반도체 소자)는 보통 10MB 이하의 휘발성 메모리를 가지고 있다",
            "an FPGA (a kind of semiconductor device) usually has 10MB or less of volatile memory",
            "hardware",
            "the memory of FPGAs; whether SqueezeNet fits 10MB is squeezenet-fits-fpga",
        ),
        Unchecked(
            "000:29, 000:35, 000:41, 000:45-46, 000:52, 000:63-64, 000:79",
            SECTION,
            "128.png ... 137.png",
            "figures 128 to 137",
            "not quantitative",
            "SqueezeNet figures: the digits are image file names",
        ),
        Unchecked(
            "000:48, 000:54, 002:246",
            SECTION,
            "AlexNet 대비 ImageNet Accuracy는 비슷하거나 약간 더 높은 수치를 얻었다 ... top-1, top-5 accuracy에 "
            "근접하거나 뛰어넘는 모습을 보여주고 있다 ... 성능도 큰 차이가 나지 않았다 ... "
            "AlexNet만큼의 성능을 보이지만",
            "its ImageNet accuracy was similar to or slightly above AlexNet's ... it approaches or beats AlexNet's "
            "top-1 and top-5 accuracy ... the accuracy did not differ much ... it performs as well as AlexNet",
            "accuracy",
            "SqueezeNet's accuracy against AlexNet, compressed or not (paper Table 2: 57.5% / 80.3% top-1 / top-5 "
            "for both); the sizes of these lines are squeezenet-nearly-50x, -size-50x-to-510x, -50x and -0.5mb",
        ),
        Unchecked(
            "000:78",
            SECTION,
            "3가지 종류의 SqueezeNet의 정확도의 성능은 Simple Bypass SqueezeNet > Complex Bypass SqueezeNet > "
            "SqueezeNet 순으로 정확도가 높았다",
            "of the 3 SqueezeNets, the simple bypass one was the most accurate, then the complex bypass one, then "
            "the plain one",
            "accuracy",
            "paper Table 3 (top-1 60.4%, 58.8%, 57.5%); their params are squeezenet-bypass-params",
        ),
        Unchecked(
            "000:83, 000:87, 000:132",
            SECTION,
            "Guidebook [3] SqueezeNet, Xception ... SqueezeNet Model (CNN) 이란? - 1 (이론편)",
            "Guidebook [3] SqueezeNet, Xception ... what is the SqueezeNet model (CNN)? - 1 (theory)",
            "not quantitative",
            "references",
        ),
        Unchecked(
            "000:92",
            SECTION,
            "Inception-v1, 즉, GoogLeNet에서는 여러 갈래로 연산을 쪼갠 뒤 합치는 방식을 이용함으로써",
            "Inception-v1, i.e. GoogLeNet, splits the computation into several branches and merges them",
            "not quantitative",
            "a model name; GoogLeNet's branches are checked in the GoogLeNet section",
        ),
        Unchecked(
            "000:99, 000:103-105, 000:116, 000:119, 000:128",
            SECTION,
            "144.png ... 149.png",
            "figures 144 to 149",
            "not quantitative",
            "Xception figures: the digits are image file names",
        ),
        Unchecked(
            "000:114",
            SECTION,
            "연산의 지역 정보와 채널간의 상관관계를 연산하는 사이에 non-linearity 함수가 있으면 성능이 크게 저하된다는 "
            "사실을 알게되었기 때문이다",
            "experiments showed that a non-linearity between the spatial and the cross-channel operation hurts "
            "accuracy a lot",
            "accuracy",
            "paper Figure 10; the structure of the line is xception-no-relu-inside-separable",
        ),
        Unchecked(
            "000:333, 000:336, 000:343",
            SECTION,
            "2014년까지의 네트워크 구조는 ... 2015년에 딥러닝 구조의 가장 큰 문제점이었던 degradation 문제를 "
            "해결했다고 주장하는 ResNet이 등장하였다 ... 2017년 CVPR 컨퍼런스에",
            "network designs up to 2014 ... in 2015 ResNet appeared, claiming to solve the degradation problem ... at "
            "CVPR 2017",
            "history",
            "years and venues",
        ),
        Unchecked(
            "000:334, 000:345, 000:351, 000:354, 000:363, 000:375, 000:386, 000:392, 000:394, 000:401, 000:405, "
            "000:411",
            SECTION,
            "160.png ... 171.png",
            "figures 160 to 171",
            "not quantitative",
            "DenseNet figures: the digits are image file names",
        ),
        Unchecked(
            "000:359",
            SECTION,
            "vanishing gradient 개선 및 feature propagation 강화",
            "eases vanishing gradients and strengthens feature propagation",
            "training",
            "gradient flow in training; the numbering '1)' is the line's only digit",
        ),
        Unchecked(
            "000:370",
            SECTION,
            "Regularizing의 효과를 가지고 있어서 작은 데이터셋에서도 overfitting을 줄여준다고 한다",
            "it has a regularising effect that reduces overfitting even on small datasets",
            "accuracy",
            "generalisation; the numbering '3)' is the line's only digit",
        ),
        Unchecked(
            "000:404",
            SECTION,
            "총 3가지 데이터셋(CIFAR, SVHN, ImageNet)을 사용하여 실험했다고 한다",
            "the experiments use 3 datasets (CIFAR, SVHN, ImageNet)",
            "dataset",
        ),
        Unchecked(
            "000:417, 000:419",
            SECTION,
            "DenseNet Tutorial [1] Paper Review ... - 1, 2, 3",
            "DenseNet tutorial [1] paper review ... parts 1, 2, 3",
            "not quantitative",
            "references",
        ),
        Unchecked(
            "001:55, 001:62, 001:68",
            SECTION,
            "1) Dense Connectivity ... image-2.png ... 2) Growth Rate",
            "1) dense connectivity ... a figure ... 2) growth rate",
            "not quantitative",
            "headings and a figure",
        ),
        Unchecked("004:201", SECTION, "DenseNet** - 2017년", "DenseNet - 2017", "history"),
        Unchecked(
            "004:205, 004:239",
            SECTION,
            "zoom: 67%",
            "a figure shown at 67%",
            "not quantitative",
            "figures; the digits are their display size",
        ),
    ]
)

"""Convolution arithmetic: parameter and cost formulas of single layers, stacks and MobileNet.

Every check builds the layers it needs on the meta device (or reads the zoo's MobileNets) and
measures them with the analyzer; the notes' figures and formulas are judged against the
measurement by the one policy of :mod:`.base`. Conventions as in the README: MACs are the
multiply-accumulates of convolutions and linear layers (bias adds are not MACs).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from torch import nn

from .base import (
    ALTERNATIVE,
    INTENDED,
    Claim,
    Measurement,
    Outcome,
    Reading,
    Unchecked,
    build,
    check,
    exact,
    layer_row,
    measure,
    on_meta,
    params_of,
    parse_shape,
    register,
    register_unchecked,
    sample_shape,
    stated,
    submodule,
    type_total,
    zoo_model,
)

SECTION = "Convolution arithmetic"

# MobileNet v1, paper Table 1, the 13 depthwise separable layers at width multiplier 1 as
# (input channels M, output channels N, stride of the depthwise conv). The stem is a full 3x3
# conv 3 -> 32 with stride 2; the last depthwise conv has stride 1 (Table 1 misprints s2).
# Written out here (not imported from the zoo) so that the formulas are evaluated on the paper's
# plan independently of the models they are compared with.
_MOBILENET_PLAN: tuple[tuple[int, int, int], ...] = (
    (32, 64, 1),
    (64, 128, 2),
    (128, 128, 1),
    (128, 256, 2),
    (256, 256, 1),
    (256, 512, 2),
    (512, 512, 1),
    (512, 512, 1),
    (512, 512, 1),
    (512, 512, 1),
    (512, 512, 1),
    (512, 1024, 2),
    (1024, 1024, 1),
)
_MOBILENET_WIDTHS = (
    ("mobilenet_v1", 1.0),
    ("mobilenet_v1_075", 0.75),
    ("mobilenet_v1_050", 0.5),
    ("mobilenet_v1_025", 0.25),
)
_MOBILENET_RESOLUTIONS = (  # the smallest first: the headline
    ("mobilenet_v1_128", 128),
    ("mobilenet_v1_160", 160),
    ("mobilenet_v1_192", 192),
)

# Where MobileNet's five stride-2 layers sit, as indices of ``features`` (0 = the stem conv,
# i = separable layer i): all five first, all five last (Table 1 has them at 0, 2, 4, 6, 12).
# Each layout ends at 7x7 on a 224 input.
_EARLY_STRIDED = (0, 1, 2, 3, 4)
_LATE_STRIDED = (9, 10, 11, 12, 13)

_ACCURACY = "accuracy needs trained weights and a test set; it cannot be measured here"

register(
    [
        Claim(
            id="conv1x1-vs-3x3-params",
            section=SECTION,
            source="000:20",
            quote="1x1 필터가 3x3 필터에 비해 9배나 더 적은 파라미터를 가지고 있기 때문이다",
            translation="because a 1x1 filter has as many as 9 times fewer parameters than a 3x3 filter",
            statement="A 1x1 filter has 9 times fewer parameters than a 3x3 filter.",
            interpretation="bias-free Conv2d(C_in, C_out, 3) over Conv2d(C_in, C_out, 1) parameters for four "
            "channel pairs; '9' is printed as an integer (holds within 8.5-9.5); the ratio with biases, "
            "(9 C_in C_out + C_out) / (C_in C_out + C_out), shown beside",
        ),
        Claim(
            id="three-3x3-vs-7x7",
            section=SECTION,
            source="004:41, 004:45, 002:59",
            quote="3개의 3x3 filter를 이용하면 연산량은 3(3^2C^2) = 27C^2가 되고 ... "
            "1개의 7x7 filter를 이용하면 연산량은 7^2C^2=49C^2가 된다 ... "
            "7x7 filter를 3개의 3x3 filter로 분해하면 parameter 수도 감소시키고 더 많은 relu 함수를 이용할 수 있게 된다"
            " ... 3개의 3x3 필터는 3 * (3^2 * C^2)",
            translation="with three 3x3 filters the cost is 3(3^2C^2) = 27C^2 ... with one 7x7 filter it is "
            "7^2C^2 = 49C^2 ... decomposing a 7x7 filter into three 3x3 filters reduces the number of parameters "
            "and lets more ReLU functions be used ... three 3x3 filters are 3 * (3^2 * C^2)",
            statement="Three 3x3 filters on C channels cost 3(3^2 C^2) = 27C^2 (002:59: parameters) and one 7x7 "
            "filter 7^2 C^2 = 49C^2; decomposing a 7x7 filter into three 3x3 filters reduces the parameters and "
            "allows more ReLUs.",
            interpretation="three 'same'-padded 3x3 convs C->C, each followed by a ReLU (as VGG stacks them), "
            "against one 7x7 conv C->C with one ReLU, C = 64, 3, 16, 256, 512: weights (bias-free) against 27C^2 "
            "and 49C^2 exactly and, since 004:41 calls the figures cost (연산량), MACs per output pixel at equal "
            "(8x8) output size too; ReLUs counted in the layer table; with biases (+3C, +C) shown beside. "
            "002:59's 7x7 formula as written (7^7) is three-3x3-vs-7x7-as-written",
        ),
        Claim(
            id="three-3x3-vs-7x7-as-written",
            section=SECTION,
            source="002:59",
            quote="1개의 7x7 필터는 (7^7 * C^2)이다",
            translation="one 7x7 filter is (7^7 * C^2)",
            statement="One 7x7 filter on C channels has 7^7 * C^2 parameters.",
            interpretation="the formula as written (7^7 = 823,543) against the weights of one bias-free 7x7 conv "
            "C->C, C = 64, 3, 512; intended reading: 7^2 for 7^7 (a typo: the same line writes 3 * (3^2 * C^2) "
            "for three 3x3 filters and 004:41 writes 7^2C^2 = 49C^2)",
        ),
        Claim(
            id="two-3x3-vs-5x5",
            section=SECTION,
            source="003:34, 004:40, 004:44",
            quote="3 x 3 필터 두개를 쌓는 것이 5 x 5  하나는 사용하는 보다 더 적은 파라미터를 사용 ... "
            "하나의 relu 대신 2개, 3개의 relu를 이용할 수 있고 parameter 수를 감소시킬 수 있다 ... "
            "3x3 size의 filter 2개 사용하는 게 5x5 size filter 1개 사용하는 것 보다 parameter 수가 적고",
            translation="stacking two 3 x 3 filters uses fewer parameters than using one 5 x 5 ... (stacked 3x3 "
            "filters) can use 2 or 3 ReLUs instead of one and reduce the number of parameters ... using two 3x3 "
            "filters has fewer parameters than using one 5x5 filter",
            statement="Two stacked 3x3 filters have fewer parameters than one 5x5 filter; stacked 3x3 filters use "
            "2 (or 3) ReLUs instead of one and reduce the number of parameters.",
            interpretation="two 'same'-padded 3x3 convs C->C with a ReLU each against one 5x5 conv C->C with one "
            "ReLU, C = 64, 3, 16, 256, 512: fewer parameters without and with biases (18C^2 + 2C < 25C^2 + C), "
            "ReLUs counted in the layer table (the three-filter case, 3 ReLUs, is three-3x3-vs-7x7); MACs per "
            "output pixel shown beside. The sentences' other half (better performance, 004:44 '실험적으로 확인') "
            "is accuracy and is not judged here",
        ),
        Claim(
            id="stacked-3x3-receptive-field",
            section=SECTION,
            source="002:57-58, 004:38-39",
            quote="3개의 3x3 필터(stride 1)는 7x7 필터와 같은 effective receptive field를 가진다 ... "
            "5x5 convolutional filter = 2개의 3x3 convolutional filter",
            translation="three 3x3 filters (stride 1) have the same effective receptive field as a 7x7 filter ... "
            "5x5 convolutional filter = two 3x3 convolutional filters",
            statement="Three stride-1 3x3 filters have the same effective receptive field as one 7x7 filter; a 5x5 "
            "filter equals two 3x3 filters and a 7x7 filter three.",
            interpretation="the analyzer's receptive field of stacks of two and three stride-1 'same'-padded 3x3 "
            "convs (with ReLUs) against single 5x5 and 7x7 convs; 004:38-39's '=' read as the same field; a stack "
            "whose first conv has stride 2 shown beside (why 002:58 says stride 1)",
        ),
        Claim(
            id="conv-params-with-bias",
            section=SECTION,
            source="004:42-43",
            quote="3x3x3x64 = 1728 + bias 64 = 1792 ... 5x5x3x64 = 4800 + bias 64 = 4864",
            translation="(filter size 3x3, 3 channels, 64 filters) 3x3x3x64 = 1728 + bias 64 = 1792 ... "
            "(filter size 5x5) 5x5x3x64 = 4800 + bias 64 = 4864",
            statement="64 filters of size 3x3 on 3 channels have 3x3x3x64 = 1728 weights + 64 biases = 1792 "
            "parameters; of size 5x5, 5x5x3x64 = 4800 + 64 = 4864.",
            interpretation="Conv2d(3, 64, k) for k = 3 and 5, without bias (weights) and with bias (total)",
        ),
        Claim(
            id="dwsep-params-example",
            section=SECTION,
            source="000:188-190",
            quote="(3x3)x3(R, G, B)의 커널이 3개이므로 파라미터의 수는 3x3x3x3 = 81개가 된다 ... "
            "3x3x1x3 + 1x1x3x3 = 36개가 된다",
            translation="3 kernels of (3x3)x3 (R, G, B), so the number of parameters is 3x3x3x3 = 81 ... "
            "3x3x1x3 + 1x1x3x3 = 36",
            statement="With 3 kernels on an RGB input, a standard 3x3 convolution has 3x3x3x3 = 81 parameters and "
            "its depthwise separable version 3x3x1x3 (depthwise) + 1x1x3x3 (pointwise) = 36.",
            interpretation="bias-free Conv2d(3, 3, 3) against depthwise Conv2d(3, 3, 3, groups=3) + pointwise "
            "Conv2d(3, 3, 1)",
        ),
        Claim(
            id="dwsep-mac-formulas",
            section=SECTION,
            source="003:237-241, 003:253-277, 004:262-264, 004:270-272, 004:280-282, 004:284-286",
            quote="N개의 Filter(Kernel)의 연산량 ... N \\times D_G^2 \\times D_k^2 \\times M ... "
            "M \\times D_G^2 \\times D_K^2 ... N \\times D_G^2 \\times M ... "
            "M \\times D_G^2(D_K^2 + N) ... "
            "D_K \\cdot D_K \\cdot M \\cdot D_F \\cdot D_F \\cdot + M \\cdot N \\cdot D_F \\cdot D_F",
            translation="the cost of N filters (kernels) ... N x D_G^2 x D_k^2 x M ... M x D_G^2 x D_K^2 ... "
            "N x D_G^2 x M ... M x D_G^2 (D_K^2 + N) ... D_K D_K M D_F D_F + M N D_F D_F",
            statement="A standard convolution costs N × D_G^2 × D_k^2 × M (D_k^2 × M a step, D_G^2 × D_k^2 × M a "
            "filter), a depthwise convolution M × D_G^2 × D_K^2 (D_K^2 a step, D_G^2 × D_K^2 a channel), a "
            "pointwise convolution N × D_G^2 × M (M a step, D_G^2 × M a filter), and a depthwise separable "
            "convolution their sum, M × D_G^2 (D_K^2 + N); note 004 writes them D_K·D_K·M·N·D_F·D_F, "
            "D_K·D_K·M·D_F·D_F, M·N·D_F·D_F and their sum.",
            interpretation="cost = MACs of single bias-free layers, swept one factor at a time over D_K, M, N, the "
            "input size, stride 2 and no padding; D_G = the measured output size (003:286); a step = the MACs of "
            "one output value, a filter (channel) = the MACs of one output channel; D_K the kernel size "
            "(003:285; 004:265's label is depthwise-dk-label); 004's D_F read as the feature map the layer makes "
            "(004:261 '하나의 feature map을 생성'), i.e. D_G (paper: D_F is the input size at stride 1, which "
            "counts 4x at stride 2, shown beside)",
        ),
        Claim(
            id="dwsep-same-output-shape",
            section=SECTION,
            source="003:217, 003:246",
            quote="Depthwise convolution으로 연산량을 줄이고 pointwise convolution으로 "
            "출력 결과의 shape은 동일하게 ... "
            "출력결과 형태(shape)은 동일하면서 연산량을 줄이는 것이 목표",
            translation="reduce the cost with the depthwise convolution and keep the output's shape the same with "
            "the pointwise convolution ... the goal is to reduce the cost while the output shape stays the same",
            statement="Compared with the standard convolution, depthwise then pointwise convolution gives the same "
            "output shape at a lower cost.",
            interpretation="output shapes and MACs of a standard conv and of depthwise + pointwise with the same "
            "kernel, stride and padding, over kernel sizes, strides and channel counts; the cost is compared for "
            "D_K > 1 (with a 1x1 kernel there is nothing to separate: the pair costs 1 + 1/N of the standard "
            "conv, dwsep-cost-ratio)",
        ),
        Claim(
            id="dwsep-cost-ratio",
            section=SECTION,
            source="003:281-283",
            quote="\\cfrac{D_K^2 + N}{D_K^2 \\times N} = \\cfrac{1}{N} + \\cfrac{1}{D_K^2}",
            translation="(D_K^2 + N) / (D_K^2 x N) = 1/N + 1/D_K^2",
            statement="A depthwise separable convolution costs M × D_G^2 (D_K^2 + N) / (N × D_G^2 × D_K^2 × M) = "
            "(D_K^2 + N) / (D_K^2 × N) = 1/N + 1/D_K^2 of a standard convolution.",
            interpretation="MACs of depthwise + pointwise over MACs of the standard conv with the same kernel, "
            "stride and padding, swept one factor at a time over D_K, M, N, the input size, stride 2 and no "
            "padding; exact whenever both produce the same D_G",
        ),
        Claim(
            id="dwsep-8-9x",
            section=SECTION,
            source="004:283",
            quote="기존 conv 연산량 대비 **8 ~ 9배** 더 적다",
            translation="8 to 9 times less than the standard conv's cost",
            statement="A depthwise separable convolution costs 8 to 9 times less than a standard convolution.",
            interpretation="3x3 kernels (MobileNet's, 004:261): standard over separable MACs of MobileNet as a "
            "whole (mobilenet_v1_conv against mobilenet_v1, stem and FC included) and of each of its 13 "
            "separable layers (the full 3x3 conv against depthwise + pointwise); '8 ~ 9' is printed in integers, "
            "so it holds within 7.5-9.5. Per layer the factor is 9N/(N + 9), below 7.5 for N < 45 (single "
            "layers outside MobileNet shown beside)",
        ),
        Claim(
            id="mobilenet-width-multiplier",
            section=SECTION,
            source="004:301-305",
            quote="두께는 각 Layer의 filter 수를 의미 ... D_K \\cdot D_K \\cdot \\alpha M \\cdot D_F \\cdot D_F "
            "+ \\alpha M \\cdot \\alpha N \\cdot D_F \\cdot D_F ... 모델의 파라미터 수가 감소",
            translation="thickness means the number of filters of each layer ... D_K D_K aM D_F D_F + aM aN D_F D_F "
            "... the model's number of parameters decreases",
            statement="The width multiplier alpha sets MobileNet's thickness, the number of filters of each layer; "
            "a layer then costs D_K·D_K·αM·D_F·D_F + αM·αN·D_F·D_F; alpha lies in 0 to 1, 1 by default, and "
            "lowering it reduces the number of parameters.",
            interpretation="MobileNet at alpha = 1, 0.75, 0.5, 0.25 (zoo models): every conv's filters against "
            "alpha x Table 1's, the formula summed over Table 1's 13 separable layers (D_F = the layer's output "
            "size) against their measured MACs, and fewer parameters at each lower alpha; the range and default "
            "are definitions, not judged; whole-net MACs shown beside (paper: roughly alpha^2)",
        ),
        Claim(
            id="mobilenet-resolution-multiplier",
            section=SECTION,
            source="004:311",
            quote="$$\\rho$$는 **모델의 연산량을 감소시키기 위해 사용**한다. "
            "$$\\rho$$는 **입력 이미지에 적용하여 해상도를 낮춘다**",
            translation="rho is used to reduce the model's cost; rho is applied to the input image to lower its "
            "resolution",
            statement="The resolution multiplier rho is applied to the input image to lower its resolution and is "
            "used to reduce the model's cost; it lies in 0 to 1, 1 by default.",
            interpretation="MobileNet at 192, 160 and 128 (zoo models: the same network at rho = 6/7, 5/7, 4/7 of "
            "224) against 224: whole-net MACs lower at every rho; the range and default are definitions, not "
            "judged (paper: the cost falls by about rho^2 and the parameters do not change; both shown beside)",
        ),
        Claim(
            id="mobilenet-28-layers",
            section=SECTION,
            source="004:293",
            quote="총 28 레이어를 갖습니다",
            translation="it has 28 layers in total",
            statement="MobileNet has 28 layers in total.",
            interpretation="archstats depth of mobilenet_v1 (weight layers on the longest path), and its conv and "
            "linear layers counted (paper: a full conv, 13 depthwise and 13 pointwise convs, the FC; "
            "depthwise and pointwise counted apart); the full-conv twin's depth shown beside",
        ),
        Claim(
            id="mobilenet-downsampling",
            section=SECTION,
            source="004:293, 000:198",
            quote="Down-sampling은 depthwise convolution과 첫 번째 conv layer에서 수행합니다 ... "
            "pooling 대신에 stride를 2로 설정하여 사이즈를 축소하고 있다",
            translation="down-sampling is done in the depthwise convolutions and the first conv layer ... instead "
            "of pooling, the stride is set to 2 to reduce the size",
            statement="MobileNet downsamples in the depthwise convolutions and the first conv layer, with stride 2 "
            "instead of pooling.",
            interpretation="the layers of mobilenet_v1 whose output is spatially smaller than their input, before "
            "the global average pool that feeds the classifier, and their strides",
        ),
        Claim(
            id="mobilenet-separable-after-first-conv",
            section=SECTION,
            source="004:293, 000:198",
            quote="첫 번째 conv를 제외하고 depthwise separabel convolution을 사용합니다 ... "
            "기존의 convolution을 depthwise separable convolution으로 대체하고",
            translation="except for the first conv, depthwise separable convolutions are used ... the standard "
            "convolutions are replaced by depthwise separable convolutions",
            statement="Except for the first conv, MobileNet uses depthwise separable convolutions in place of "
            "standard convolutions.",
            interpretation="mobilenet_v1's convolutions in order: the first a standard (groups 1) 3x3 conv, every "
            "later one a depthwise conv (groups = its channels) or the 1x1 pointwise conv right after it",
        ),
        Claim(
            id="mobilenet-bn-relu-except-fc",
            section=SECTION,
            source="004:293",
            quote="마지막 FC 레이어를 제외하고 모든 레이어에 BN, ReLU를 사용합니다",
            translation="BN and ReLU are used in every layer except the last FC layer",
            statement="Every layer of MobileNet except the last FC layer uses BN and ReLU.",
            interpretation="mobilenet_v1's layer table in execution order: each conv followed by a BatchNorm2d "
            "and a ReLU, the final Linear by neither",
        ),
        Claim(
            id="early-downsampling-params",
            section=SECTION,
            source="000:168-170",
            quote="초반에 downsampling을 많이 하면 accuracy가 떨어지지만, 파라미터의 수가 적어짐 ... "
            "후반에 downsampling을 많이 하면 accuracy가 좋아지지만, 파라미터의 수가 많아짐",
            translation="downsampling a lot early lowers the accuracy but the number of parameters becomes smaller "
            "... downsampling a lot late improves the accuracy but the number of parameters becomes larger",
            statement="Downsampling a lot early lowers accuracy but gives fewer parameters; downsampling a lot late "
            "improves accuracy but gives more parameters.",
            interpretation="MobileNet v1 with its five stride-2 layers moved (built from the zoo's ConvBNReLU and "
            "DepthwiseSeparable): early = the stem and separable layers 1-4, late = separable layers 9-13, "
            "against Table 1's layout (stem, 2, 4, 6, 12); all end at 7x7; parameters compared, MACs shown "
            "beside; the accuracy halves are not measurable",
        ),
        Claim(
            id="early-downsampling-network-size",
            section=SECTION,
            source="003:164-166",
            quote="초반(bottom)에 크게 하면 네트워크의 크기는 줄어들지만 이미지의 특성을 많이 잃어버리게 되어 "
            "accuracy가 줄어들고 후반(top)에 많이 하게 되면 accuracy는 증가하지만 네트워크의 크기는 크게 줄지 않음",
            translation="downsampling heavily early (bottom) makes the network smaller but loses much of the image's "
            "features, so accuracy drops; doing it mostly late (top) raises accuracy but the network's size does "
            "not shrink much",
            statement="Downsampling heavily early makes the network smaller but lowers accuracy; downsampling mostly "
            "late raises accuracy but the network's size does not shrink much.",
            interpretation="the layouts of early-downsampling-params (MobileNet v1, five stride-2 layers first or "
            "last, against Table 1's); '네트워크의 크기' (network size) read as its parameters (as written: a "
            "model's size) and as its computation (MACs); late 'does not shrink much' = not below Table 1's "
            "layout; the accuracy halves are not measurable",
        ),
        Claim(
            id="depthwise-keeps-channels",
            section=SECTION,
            source="000:172-173",
            quote="depthwise convolution은 채널 숫자는 줄어들지 않고, 한 채널에서의 크기만 줄어든다",
            translation="in a depthwise convolution the number of channels does not decrease; only the size within "
            "a channel decreases",
            statement="A depthwise convolution does not reduce the number of channels; only the size of each "
            "channel decreases.",
            interpretation="mobilenet_v1's 13 depthwise convs: output channels against input channels, and each "
            "map's size; as written, every depthwise conv shrinks each map; read as 'only the spatial size can "
            "shrink', no map grows and the channels stay",
        ),
        Claim(
            id="pointwise-one-channel",
            section=SECTION,
            source="000:174",
            quote="pointwise convolution은 채널 숫자가 하나로 줄어든다",
            translation="a pointwise convolution reduces the number of channels to one",
            statement="A pointwise convolution reduces the number of channels to one.",
            interpretation="mobilenet_v1's 13 pointwise (1x1) convs: output channels against 1 (as written) and, "
            "intended reading 'one channel per filter', against the number of 1x1 filters, with a single 1x1 "
            "filter giving one channel",
        ),
        Claim(
            id="remove-fc-layers",
            section=SECTION,
            source="000:165, 003:159-161",
            quote="Remove fully-connected layers ... Fully Connected(Dense) Layer들을 Convolution Layer로 대체 ... "
            "Convolution Layer는 파라미터를 공유하므로 파라미터 개수가 줄어들어 Network이 경량화",
            translation="remove fully-connected layers ... replace fully connected (dense) layers by convolution "
            "layers ... convolution layers share parameters, so the number of parameters falls and the network "
            "becomes light",
            statement="Replacing fully connected layers by convolution layers, which share parameters, reduces the "
            "number of parameters.",
            interpretation="a 1000-way classifier on MobileNet's last feature map (measured 1024x7x7): an FC on the "
            "flattened map against a convolution sharing its weights over positions (1x1 conv, then global "
            "average pooling, the head MobileNet has); read also as the FC rewritten as the convolution that "
            "computes it (kernel = the whole map, as fully convolutional nets do)",
        ),
        Claim(
            id="kernel-reduction",
            section=SECTION,
            source="000:166, 003:162-163",
            quote="Kernel reduction(3x3 -> 1x1) ... Kernel(Filter)의 크기를 줄여서 연산량과 파라미터의 수를 줄임",
            translation="kernel reduction (3x3 -> 1x1) ... reduce the kernel (filter) size to reduce the cost and "
            "the number of parameters",
            statement="Reducing the kernel size (3x3 -> 1x1) reduces the cost and the number of parameters.",
            interpretation="bias-free 1x1 against 3x3 convs with the same channels and output size (8x8), for "
            "three channel pairs: parameters and MACs",
        ),
        Claim(
            id="mobilenet-techniques",
            section=SECTION,
            source="000:179, 003:171",
            quote="MobileNet은 위의 7가지 중 3) channel reduction, 5) depth separable convolutions 7) distillation "
            "& compression 기법을 사용한다 ... Mobilenet은 위의 기법 중 Channel Reduction, Distillation & "
            "Compression, Depthwise Seperable Convolution 적용하여",
            translation="of the 7 above, MobileNet uses 3) channel reduction, 5) depthwise separable convolutions, "
            "7) distillation & compression ... MobileNet applies channel reduction, distillation & compression "
            "and depthwise separable convolution of the techniques above",
            statement="MobileNet uses channel reduction, depthwise separable convolutions and distillation & "
            "compression.",
            interpretation="depthwise separable layers counted in mobilenet_v1; channel reduction as its width "
            "multiplier (mobilenet_v1_050: every conv with half the filters); distillation and compression act "
            "on trained weights and are not measurable",
        ),
        Claim(
            id="depthwise-one-map-per-channel",
            section=SECTION,
            source="004:261, 000:184",
            quote="입력 채널 수가 M개면 M개의 feature map을 생성 한다 ... "
            "5 채널의 입력값이 입력되었으면 5개의 3x3 conv filter가 각 채널에 대하여 연산을 수행하고 "
            "5개의 feature map을 생성 한다 ... depthwise convolution은 각 채널별로 feature map을 하나씩 만들고, "
            "그 다음 1x1 convolution 연산을 수행하여 출력되는 feature map의 수를 "
            "조정한다",
            translation="with M input channels it makes M feature maps ... with a 5-channel input, five 3x3 conv "
            "filters operate on one channel each and make 5 feature maps ... the depthwise convolution makes one "
            "feature map per channel, then a 1x1 convolution sets the number of output feature maps",
            statement="A depthwise convolution applies one 3x3 filter to each input channel and makes one feature "
            "map per channel (M channels: M maps; 5 channels: five 3x3 filters and 5 maps); a 1x1 convolution "
            "then sets the number of output feature maps.",
            interpretation="the 5-channel example as Conv2d(5, 5, 3, groups=5) (its filters' shape and its output), "
            "and mobilenet_v1's 13 depthwise convs (maps against input channels) and the 1x1 convs after them "
            "(output maps against their number of filters)",
        ),
        Claim(
            id="dwsep-layer-shapes",
            section=SECTION,
            source="003:185-194, 003:207-211, 003:229-233",
            quote="한개의 Filter가 Input의 채널 전체에 대해 Convolution 연산 ... 한개의 Filter는 한개의 Channel에만 "
            "Convolution 연산 ... (D_k,D_k,1) ... (1, 1, M) ... 출력 결과의 width, height는 변경되지 않음 ... "
            "(D_K, D_K, M) X N",
            translation="one filter convolves all the input's channels ... one filter convolves only one channel "
            "... (D_k, D_k, 1) ... (1, 1, M) ... the output's width and height do not change ... (D_K, D_K, M) x N",
            statement="On a (D_F, D_F, M) input, a standard convolution has N filters of shape (D_K, D_K, M), each "
            "over all input channels, and outputs (D_G, D_G, N); a depthwise convolution has M filters of shape "
            "(D_k, D_k, 1), each on one channel, and outputs (D_G, D_G, M); a pointwise convolution applies N "
            "filters of shape (1, 1, M) to (D_G, D_G, M) with stride 1, keeps width and height, and outputs "
            "(D_G, D_G, N).",
            interpretation="weight shapes (filters x (D_K, D_K, channels seen)) and output shapes of a standard "
            "conv and of depthwise + pointwise with the same kernel, stride and padding, for 3x3 and 5x5 kernels "
            "at stride 1 and 2 ('same' padding) and unpadded; D_G = (D_F + 2p - D_K) // s + 1",
        ),
        Claim(
            id="pointwise-adjusts-channels",
            section=SECTION,
            source="003:199, 003:201, 004:269",
            quote="1 X 1 필터를 이용해 Convolution 연산을 처리 ... height와 width를 유지하면서 Channel의 크기를 조절 "
            "하기 위하여 사용 ... 1x1 conv filter로 채널 수를 조정 한다 ... 1x1 conv filter는 모든 채널에 대하여 연산",
            translation="convolves with 1 x 1 filters ... used to adjust the number of channels while keeping "
            "height and width ... adjusts the number of channels with 1x1 conv filters ... a 1x1 conv filter "
            "operates on all channels",
            statement="A pointwise convolution uses 1x1 filters, each over all channels, to adjust the number of "
            "channels while keeping height and width.",
            interpretation="mobilenet_v1's 13 pointwise convs: 1x1 kernels, each filter over all input channels "
            "(groups 1), output height and width equal to the input's, output channels = the number of filters",
        ),
        Claim(
            id="depthwise-dk-label",
            section=SECTION,
            source="004:263-265",
            quote="D_k는 입력 값의 크기, M은 입력 채널의 수, D_F는 feature map의 크기",
            translation="D_k is the size of the input, M the number of input channels, D_F the size of the feature map",
            statement="A depthwise convolution costs D_K·D_K·M·D_F·D_F, where D_k is the size of the input, M the "
            "number of input channels and D_F the size of the feature map.",
            interpretation="the formula over mobilenet_v1's 13 depthwise convs with D_k = the layer's input size "
            "(as written) and, intended reading 'kernel size for input size' (003:285: 'Filter의 height, "
            "width'), D_k = 3; D_F the layer's output size (dwsep-mac-formulas)",
        ),
    ]
)


# --- building blocks (on meta: nothing is allocated) -------------------------------------------


def _conv(
    c_in: int, c_out: int, k: int, *, stride: int = 1, padding: int | None = None, groups: int = 1, bias: bool = False
) -> nn.Conv2d:
    pad = k // 2 if padding is None else padding
    return nn.Conv2d(c_in, c_out, k, stride=stride, padding=pad, groups=groups, bias=bias, device="meta")


def _stack(c: int, k: int, n: int, *, bias: bool = False, first_stride: int = 1) -> nn.Sequential:
    """n 'same'-padded k x k convs C->C, each followed by a ReLU (as VGG stacks them)."""
    layers: list[nn.Module] = []
    for i in range(n):
        layers += [_conv(c, c, k, stride=first_stride if i == 0 else 1, bias=bias), nn.ReLU()]
    return nn.Sequential(*layers)


def _dwsep(m: int, n: int, k: int, *, stride: int = 1, padding: int | None = None) -> nn.Sequential:
    """Depthwise k x k (groups = M) then pointwise 1x1, bias-free, no nonlinearity (counts are the same)."""
    return nn.Sequential(_conv(m, m, k, stride=stride, padding=padding, groups=m), _conv(m, n, 1))


@functools.cache
def _stack_profile(c: int, k: int, n: int) -> Any:
    """A stack of ``_stack`` measured on an 8x8 input (profiles are read, never changed)."""
    return measure(_stack(c, k, n), (c, 8, 8))


def _relus(profile: Any) -> int:
    return int((profile.layers["type"] == "ReLU").sum())


# --- MobileNet's layers, read from its layer table ---------------------------------------------


def _conv_rows(profile: Any, part: str = "") -> list[Any]:
    """The Conv2d rows of a MobileNet profile in execution order (``part``: "depthwise", "pointwise")."""
    rows = profile.layers[profile.layers["type"] == "Conv2d"]
    if part:
        rows = rows[rows["module"].str.endswith(f"{part}.0")]
    return list(rows.itertuples())


def _conv_kind(conv: nn.Conv2d, first: bool) -> str:
    """What a conv of MobileNet is: its first conv, a depthwise, a pointwise or another standard conv."""
    if first:
        return "first conv"
    if conv.groups > 1 and conv.groups == conv.in_channels:
        return "depthwise conv"
    return "pointwise conv" if conv.kernel_size == (1, 1) and conv.groups == 1 else "standard conv"


def _hw(shape: str) -> tuple[int, int]:
    h, w = parse_shape(shape)[-2:]
    return h, w


def _hwc(shape: str) -> str:
    """A layer-table shape as the notes write it: ``'1x64x28x28'`` -> ``'(28, 28, 64)'``."""
    c, h, w = sample_shape(shape)
    return f"({h}, {w}, {c})"


def _filters(conv: nn.Conv2d) -> str:
    """A conv's filters as the notes write them: N x (D_K, D_K, channels each filter sees)."""
    n, c, kh, kw = conv.weight.shape
    return f"{n} x ({kh}, {kw}, {c})"


@functools.cache
def _restrided(strided: tuple[int, ...]) -> Any:
    """MobileNet v1 (width 1) with its stride-2 layers at ``strided`` (indices of ``features``), profiled at 224.

    Built from the zoo's own blocks with Table 1's channels, so that only the downsampling moves.
    """
    from archstats_models.mobilenet import ConvBNReLU, DepthwiseSeparable

    model = build("mobilenet_v1")
    features = submodule(model, "features", nn.Sequential)
    for i, block in enumerate(features):
        stride = 2 if i in strided else 1
        if isinstance(block, DepthwiseSeparable):
            c_in = submodule(block, "depthwise.0", nn.Conv2d).in_channels
            c_out = submodule(block, "pointwise.0", nn.Conv2d).out_channels
            features[i] = on_meta(DepthwiseSeparable, c_in, c_out, stride)
        else:
            stem = submodule(block, "0", nn.Conv2d)
            features[i] = on_meta(ConvBNReLU, stem.in_channels, stem.out_channels, 3, stride=stride)
    return measure(model, (3, 224, 224))


# --- single layers and stacks ------------------------------------------------------------------


@check("conv1x1-vs-3x3-params")
def conv1x1_vs_3x3(claim: Claim) -> Outcome:
    reading = Reading()
    nine = stated("9")
    for c_in, c_out in ((64, 64), (3, 64), (128, 256), (512, 512)):
        p3, p1 = params_of(_conv(c_in, c_out, 3)), params_of(_conv(c_in, c_out, 1))
        arithmetic = f"{p3:,} / {p1:,} = {p3 / p1:.4g}"
        reading.figure(f"{c_in}->{c_out}: 3x3 / 1x1", nine, p3 / p1, kind="ratio", arithmetic=arithmetic)
    b3, b1 = params_of(_conv(64, 64, 3, bias=True)), params_of(_conv(64, 64, 1, bias=True))
    head = reading.points[0]
    return Outcome(
        (reading,),
        explanation=f"a k x k filter has k^2 * C_in weights: 64->64 3x3 / 1x1 = {head.arithmetic}; "
        f"with biases {b3:,} / {b1:,} = {b3 / b1:.4g}",
        measurements=(Measurement("64->64 with biases: 3x3 / 1x1", b3 / b1, "ratio"),),
        formula="params(k x k) = k^2 * C_in * C_out (+ C_out biases); 3x3 / 1x1 = 3^2 / 1^2 = 9",
    )


@check("three-3x3-vs-7x7")
def three_3x3_vs_7x7(claim: Claim) -> Outcome:
    reading = Reading()
    for c in (64, 3, 16, 256, 512):
        stack, single = _stack_profile(c, 3, 3).totals, _stack_profile(c, 7, 1).totals
        reading.figure(
            f"C={c}: three 3x3",
            exact(27 * c * c),
            stack.params,
            kind="count",
            arithmetic=f"3 * (3^2 * {c}^2) = {27 * c * c:,}",
        )
        reading.figure(
            f"C={c}: one 7x7",
            exact(49 * c * c),
            single.params,
            kind="count",
            arithmetic=f"7^2 * {c}^2 = {49 * c * c:,}",
        )
        if c in (64, 512):  # the cost reading of 004:41: MACs per output pixel (8x8 outputs)
            for label, value, macs in (("three 3x3", 27 * c * c, stack.macs), ("one 7x7", 49 * c * c, single.macs)):
                arithmetic = f"{macs:,} MACs / 8^2 pixels = {macs // 64:,}"
                reading.figure(
                    f"C={c}: {label}, MACs a pixel", exact(value), macs / 64, kind="macs", arithmetic=arithmetic
                )
        arithmetic = f"{stack.params:,} < {single.params:,}"
        ratio = stack.params / single.params
        reading.flag(
            f"C={c}: fewer parameters", stack.params < single.params, ratio, kind="ratio", arithmetic=arithmetic
        )
    relus = (_relus(_stack_profile(64, 3, 3)), _relus(_stack_profile(64, 7, 1)))
    reading.flag("more ReLUs (three 3x3 vs one 7x7)", relus[0] > relus[1], f"{relus[0]} vs {relus[1]}")
    stack64, single64 = _stack_profile(64, 3, 3).totals.params, _stack_profile(64, 7, 1).totals.params
    biased = params_of(_stack(64, 3, 3, bias=True)), params_of(_conv(64, 64, 7, bias=True))
    return Outcome(
        (reading,),
        explanation=f"C=64: three 3x3 convs {stack64:,} = 3 * (3^2 * 64^2) weights, one 7x7 {single64:,} = 7^2 * 64^2 "
        f"({stack64 / single64:.4f}x), the same per output pixel in MACs; {relus[0]} ReLUs against {relus[1]}",
        measurements=(
            Measurement("C=64 with biases: three 3x3 (27C^2 + 3C)", biased[0], "count"),
            Measurement("C=64 with biases: one 7x7 (49C^2 + C)", biased[1], "count"),
        ),
        formula="three 3x3: 3 * (3^2 * C^2) = 27C^2; one 7x7: 7^2 * C^2 = 49C^2 (weights; MACs per output pixel)",
    )


@check("three-3x3-vs-7x7-as-written")
def three_3x3_vs_7x7_as_written(claim: Claim) -> Outcome:
    literal, intended = Reading(), Reading("intended: 7^2 for 7^7", INTENDED, note="a typo of the exponent")
    for c in (64, 3, 512):
        weights = params_of(_conv(c, c, 7))
        literal.figure(
            f"C={c}",
            exact(7**7 * c * c),
            weights,
            kind="count",
            arithmetic=f"7^7 * {c}^2 = {7**7 * c * c:,}",
        )
        intended.figure(
            f"C={c}",
            exact(7**2 * c * c),
            weights,
            kind="count",
            arithmetic=f"7^2 * {c}^2 = {49 * c * c:,}",
        )
    w64 = params_of(_conv(64, 64, 7))
    return Outcome(
        (literal, intended),
        explanation=f"C=64: 7^7 * 64^2 = {7**7 * 64 * 64:,}, but one 7x7 conv 64->64 has {w64:,} = 7^2 * 64^2 weights; "
        "the exponent is a typo for 2 (004:41: 7^2C^2 = 49C^2)",
        formula="as written: 7^7 * C^2 = 823,543 C^2; intended: 7^2 * C^2 = 49 C^2",
        correction=f"one 7x7 filter on C channels has 7^2 * C^2 weights: 7^2 * 64^2 = {w64:,} at C=64 "
        f"(7^7 * 64^2 = {7**7 * 64 * 64:,} is 7^5 = {7**5:,}x too many)",
    )


@check("two-3x3-vs-5x5")
def two_3x3_vs_5x5(claim: Claim) -> Outcome:
    reading = Reading()
    for c in (64, 3, 16, 256, 512):
        stack, single = _stack_profile(c, 3, 2).totals.params, _stack_profile(c, 5, 1).totals.params
        arithmetic = f"2 * 3^2 * {c}^2 = {stack:,} < 5^2 * {c}^2 = {single:,}"
        reading.flag(f"C={c}: fewer parameters", stack < single, stack / single, kind="ratio", arithmetic=arithmetic)
    for c in (64, 3):
        stack, single = params_of(_stack(c, 3, 2, bias=True)), params_of(_conv(c, c, 5, bias=True))
        arithmetic = f"18 * {c}^2 + 2 * {c} = {stack:,} < 25 * {c}^2 + {c} = {single:,}"
        reading.flag(f"C={c} with biases: fewer", stack < single, stack / single, kind="ratio", arithmetic=arithmetic)
    relus = (_relus(_stack_profile(64, 3, 2)), _relus(_stack_profile(64, 5, 1)))
    reading.equal("ReLUs: two 3x3 (one 5x5: 1)", 2, relus[0], arithmetic=f"{relus[0]} ReLUs against {relus[1]}")
    macs = _stack_profile(64, 3, 2).totals.macs / _stack_profile(64, 5, 1).totals.macs
    return Outcome(
        (reading,),
        explanation="two 3x3 convs have 18C^2 weights against 25C^2 for one 5x5 "
        f"(C=64: {reading.points[0].arithmetic}, {reading.points[0].measured:.2f}x), fewer with biases too; "
        f"{relus[0]} ReLUs against {relus[1]}",
        measurements=(Measurement("C=64 MACs a pixel: two 3x3 / one 5x5 (18C^2 / 25C^2)", macs, "ratio"),),
        formula="two 3x3: 2 * 3^2 * C^2 = 18C^2; one 5x5: 5^2 * C^2 = 25C^2",
    )


@check("stacked-3x3-receptive-field")
def stacked_3x3_receptive_field(claim: Claim) -> Outcome:
    reading = Reading()
    fields = {}
    for label, k, n in (("three 3x3", 3, 3), ("one 7x7", 7, 1), ("two 3x3", 3, 2), ("one 5x5", 5, 1)):
        h, w = _stack_profile(4, k, n).totals.rf_size
        fields[label] = f"{h}x{w}"
        size = n * (k - 1) + 1
        arithmetic = f"{n} * ({k} - 1) + 1 = {size}"
        reading.equal(f"{label} (stride 1)", f"{size}x{size}", fields[label], arithmetic=arithmetic)
    strided = measure(_stack(4, 3, 2, first_stride=2), (4, 16, 16)).totals.rf_size[0]
    return Outcome(
        (reading,),
        explanation=f"n stride-1 3x3 convs see 1 + 2n pixels: three {fields['three 3x3']} as one 7x7 "
        f"({fields['one 7x7']}), two {fields['two 3x3']} as one 5x5 ({fields['one 5x5']}); with a stride-2 first "
        f"conv two see {strided} (3 + 2 * 2)",
        measurements=(Measurement("two 3x3, the first with stride 2", strided),),
        formula="field of n stacked k x k stride-1 convs = n(k - 1) + 1",
    )


@check("conv-params-with-bias")
def conv_params_with_bias(claim: Claim) -> Outcome:
    reading = Reading()
    for k, total_text, weights_text in ((3, "1792", "1728"), (5, "4864", "4800")):
        total, weights = params_of(_conv(3, 64, k, bias=True)), params_of(_conv(3, 64, k))
        arithmetic = f"{k}x{k}x3x64 + 64 = {k * k * 3 * 64:,} + 64 = {k * k * 3 * 64 + 64:,}"
        reading.figure(f"{k}x{k}: weights + biases", stated(total_text), total, kind="count", arithmetic=arithmetic)
        reading.figure(f"{k}x{k}: weights", stated(weights_text), weights, kind="count")
    return Outcome(
        (reading,),
        explanation=f"Conv2d(3, 64, 3): {reading.points[1].measured:,} weights + 64 = {reading.points[0].measured:,}; "
        f"Conv2d(3, 64, 5): {reading.points[3].measured:,} + 64 = {reading.points[2].measured:,}",
        formula="params = k * k * C_in * C_out + C_out",
    )


@check("dwsep-params-example")
def dwsep_params_example(claim: Claim) -> Outcome:
    separable = _dwsep(3, 3, 3)
    depthwise, pointwise = params_of(separable[0]), params_of(separable[1])
    total, standard = params_of(separable), params_of(_conv(3, 3, 3))
    reading = Reading()
    reading.figure("depthwise separable", stated("36"), total, kind="count", arithmetic=f"{depthwise} + {pointwise}")
    reading.figure("standard 3x3 conv", stated("81"), standard, kind="count", arithmetic="3x3x3x3 = 81")
    reading.figure("depthwise (3x3)x1, 3 kernels", exact(27), depthwise, kind="count", arithmetic="3x3x1x3 = 27")
    reading.figure("pointwise (1x1)x3, 3 kernels", exact(9), pointwise, kind="count", arithmetic="1x1x3x3 = 9")
    return Outcome(
        (reading,),
        explanation=f"depthwise {depthwise} + pointwise {pointwise} = {total} against {standard} for the standard "
        "conv (bias-free, as the note counts)",
        measurements=(Measurement("separable / standard (1/N + 1/D_K^2 = 1/3 + 1/9)", total / standard, "ratio"),),
        formula="standard: D_K^2 * M * N; separable: D_K^2 * M + M * N",
    )


# --- depthwise separable cost -------------------------------------------------------------------

# (D_K, M, N, input size D_F, stride, padding): one factor at a time around (3, 32, 64, 28, 1, same)
_Case = tuple[int, int, int, int, int, int | None]
_DWSEP_CASES: tuple[_Case, ...] = (
    (3, 32, 64, 28, 1, None),
    (1, 32, 64, 28, 1, None),
    (5, 32, 64, 28, 1, None),
    (7, 32, 64, 28, 1, None),
    (3, 3, 64, 28, 1, None),
    (3, 256, 64, 28, 1, None),
    (3, 32, 8, 28, 1, None),
    (3, 32, 512, 28, 1, None),
    (3, 32, 64, 7, 1, None),
    (3, 32, 64, 112, 1, None),
    (3, 32, 64, 28, 2, None),
    (3, 32, 64, 28, 1, 0),
)


def _case_label(case: _Case) -> str:
    k, m, n, d, stride, padding = case
    pad = "" if padding is None else f" pad {padding}"
    return f"Dk={k} M={m} N={n} {d}x{d}" + (f" s{stride}" if stride != 1 else "") + pad


@functools.cache
def _case_profiles(case: _Case) -> tuple[Any, Any]:
    """The standard conv and depthwise + pointwise of one case, measured (profiles are only read)."""
    k, m, n, d, stride, padding = case
    standard = measure(_conv(m, n, k, stride=stride, padding=padding), (m, d, d))
    separable = measure(_dwsep(m, n, k, stride=stride, padding=padding), (m, d, d))
    return standard, separable


def _d_g(standard: Any) -> int:
    """D_G, the output's height (= width) as measured."""
    return _hw(layer_row(standard, "(model)").output_shape)[0]


def _formula_points(reading: Reading, case: _Case) -> None:
    """The three cost formulas of one case against the measured MACs."""
    k, m, n, _d, _s, _p = case
    standard, separable = _case_profiles(case)
    g = _d_g(standard)
    label = _case_label(case)
    dw, pw = int(layer_row(separable, "0").macs), int(layer_row(separable, "1").macs)
    std_formula = exact(n * g * g * k * k * m)
    reading.figure(
        f"{label}: standard",
        std_formula,
        standard.totals.macs,
        kind="macs",
        arithmetic=f"{n} * {g}^2 * {k}^2 * {m} = {n * g * g * k * k * m:,}",
    )
    reading.figure(
        f"{label}: depthwise",
        exact(m * g * g * k * k),
        dw,
        kind="macs",
        arithmetic=f"{m} * {g}^2 * {k}^2 = {m * g * g * k * k:,}",
    )
    reading.figure(
        f"{label}: pointwise",
        exact(n * g * g * m),
        pw,
        kind="macs",
        arithmetic=f"{n} * {g}^2 * {m} = {n * g * g * m:,}",
    )


def _step_points(reading: Reading, case: _Case) -> None:
    """003's costs a step (one output value) and a filter (one output channel) for one case."""
    k, m, n, _d, _s, _p = case
    standard, separable = _case_profiles(case)
    g = _d_g(standard)
    std, dw, pw = standard.totals.macs, int(layer_row(separable, "0").macs), int(layer_row(separable, "1").macs)
    for label, formula, value, total, per in (
        ("standard, a step", f"{k}^2 * {m}", k * k * m, std, (n * g * g, f"({n} * {g}^2)")),
        ("standard, a filter", f"{g}^2 * {k}^2 * {m}", g * g * k * k * m, std, (n, f"{n}")),
        ("depthwise, a step", f"{k}^2", k * k, dw, (m * g * g, f"({m} * {g}^2)")),
        ("depthwise, a channel", f"{g}^2 * {k}^2", g * g * k * k, dw, (m, f"{m}")),
        ("pointwise, a step", f"{m}", m, pw, (n * g * g, f"({n} * {g}^2)")),
        ("pointwise, a filter", f"{g}^2 * {m}", g * g * m, pw, (n, f"{n}")),
    ):
        arithmetic = f"{formula} = {value:,}; measured {total:,} / {per[1]}"
        reading.figure(
            f"{_case_label(case)}: {label}", exact(value), total / per[0], kind="macs", arithmetic=arithmetic
        )


@check("dwsep-mac-formulas")
def dwsep_mac_formulas(claim: Claim) -> Outcome:
    reading = Reading()
    central = _DWSEP_CASES[0]
    k, m, n, d, _s, _p = central
    standard, separable = _case_profiles(central)
    g = _d_g(standard)
    total = m * g * g * (k * k + n)
    arithmetic = f"{m} * {g}^2 * ({k}^2 + {n}) = {total:,}"
    label = f"{_case_label(central)}: separable M*D_G^2*(D_K^2+N)"
    reading.figure(label, exact(total), separable.totals.macs, kind="macs", arithmetic=arithmetic)
    _step_points(reading, central)
    for case in _DWSEP_CASES:
        _formula_points(reading, case)
    strided = _DWSEP_CASES[10]
    k2, m2, _n2, d2, _s2, _p2 = strided
    as_input = k2 * k2 * m2 * d2 * d2
    measured_dw = int(layer_row(_case_profiles(strided)[1], "0").macs)
    return Outcome(
        (reading,),
        explanation=f"{_case_label(central)}: depthwise {m} * {g}^2 * {k}^2 + pointwise {n} * {g}^2 * {m} = "
        f"{total:,} MACs, as measured; every formula exact with D_G (= 004's D_F) the output size, stride 2 and "
        f"no padding included; D_F read as the input size counts {as_input / measured_dw:g}x at stride 2",
        measurements=(
            Measurement(f"{_case_label(strided)}: depthwise with D_F = the input size {d2}", as_input, "macs"),
        ),
        formula="standard N*D_G^2*D_K^2*M; depthwise M*D_G^2*D_K^2; pointwise N*D_G^2*M; separable M*D_G^2*(D_K^2+N)",
    )


@check("dwsep-same-output-shape")
def dwsep_same_output_shape(claim: Claim) -> Outcome:
    reading = Reading()
    for case in _DWSEP_CASES:
        standard, separable = _case_profiles(case)
        std_out = _hwc(layer_row(standard, "(model)").output_shape)
        sep_out = _hwc(layer_row(separable, "1").output_shape)
        reading.equal(f"{_case_label(case)}: output", std_out, sep_out)
        if case[0] > 1:  # a 1x1 kernel has nothing to separate
            std, sep = standard.totals.macs, separable.totals.macs
            reading.flag(
                f"{_case_label(case)}: cheaper", sep < std, sep / std, kind="ratio", arithmetic=f"{sep:,} < {std:,}"
            )
    standard, separable = _case_profiles(_DWSEP_CASES[10])
    return Outcome(
        (reading,),
        explanation=f"with the same kernel, stride and padding depthwise + pointwise outputs the standard conv's "
        f"(D_G, D_G, N) ({_case_label(_DWSEP_CASES[10])}: {_hwc(layer_row(separable, '1').output_shape)}) for "
        f"{separable.totals.macs:,} MACs against {standard.totals.macs:,}",
        formula="standard: (D_F, D_F, M) -> (D_G, D_G, N); depthwise: -> (D_G, D_G, M); pointwise: -> (D_G, D_G, N)",
    )


@check("dwsep-cost-ratio")
def dwsep_cost_ratio(claim: Claim) -> Outcome:
    reading = Reading()
    for case in _DWSEP_CASES:
        k, _m, n, _d, _s, _p = case
        standard, separable = _case_profiles(case)
        std, sep = standard.totals.macs, separable.totals.macs
        value = float(Fraction(1, n) + Fraction(1, k * k))
        formula = exact(value, f"1/{n} + 1/{k}^2 = {value:.5g}")
        measured = float(Fraction(sep, std))
        reading.figure(_case_label(case), formula, measured, kind="ratio", arithmetic=f"{sep:,} / {std:,}")
    head = reading.points[0]
    params = params_of(_dwsep(32, 64, 3)) / params_of(_conv(32, 64, 3))
    return Outcome(
        (reading,),
        explanation=f"{head.label}: {head.arithmetic} = {head.measured:.5f} = 1/64 + 1/9; M and D_G cancel whenever "
        "both convs produce the same output size (stride 2 and no padding included)",
        measurements=(Measurement("parameters separable / standard (Dk=3 M=32 N=64, bias-free)", params, "ratio"),),
        formula="(M*D_G^2*D_K^2 + N*D_G^2*M) / (N*D_G^2*D_K^2*M) = 1/N + 1/D_K^2",
    )


def _separable_factor(m: int, n: int, d: int = 14) -> float:
    """Standard over depthwise separable MACs of one 3x3 layer M->N on a d x d input."""
    standard = measure(_conv(m, n, 3), (m, d, d)).totals.macs
    return standard / measure(_dwsep(m, n, 3), (m, d, d)).totals.macs


@check("dwsep-8-9x")
def dwsep_8_9x(claim: Claim) -> Outcome:
    reading = Reading()
    figure = stated("8 ~ 9")
    sep, full = measure("mobilenet_v1"), measure("mobilenet_v1_conv")
    whole = full.totals.macs / sep.totals.macs
    arithmetic = f"{full.totals.macs:,} / {sep.totals.macs:,}"
    reading.figure("whole MobileNet", figure, whole, kind="ratio", arithmetic=arithmetic)
    for i, (_m, n, _s) in enumerate(_MOBILENET_PLAN, start=1):
        separable = sum(int(layer_row(sep, f"features.{i}.{part}.0").macs) for part in ("depthwise", "pointwise"))
        standard = int(layer_row(full, f"features.{i}.0").macs)
        arithmetic = f"{standard:,} / {separable:,} (9N/(N+9) = {9 * n / (n + 9):.3f})"
        reading.figure(f"layer {i} (N={n})", figure, standard / separable, kind="ratio", arithmetic=arithmetic)
    factors = [p.measured for p in reading.points[1:]]
    return Outcome(
        (reading,),
        explanation=f"MobileNet: {reading.points[0].arithmetic} = {whole:.2f}x; "
        f"its 3x3 layers {min(factors):.2f}x to {max(factors):.2f}x (9N/(N+9), N = 64 to 1024)",
        measurements=(
            Measurement("params Conv MobileNet / MobileNet", full.totals.params / sep.totals.params, "ratio"),
            Measurement("a single 3x3 layer 64->16 (9N/(N+9) = 5.76)", _separable_factor(64, 16), "ratio"),
            Measurement("a single 3x3 layer 64->32 (9N/(N+9) = 7.02)", _separable_factor(64, 32), "ratio"),
        ),
        formula="standard / separable = 1 / (1/N + 1/D_K^2) = 9N / (N + 9) for D_K = 3",
    )


# --- MobileNet multipliers and layout -----------------------------------------------------------


def _width_formula(alpha: float, resolution: int = 224, k: int = 3) -> int | float:
    """004:303 summed over Table 1's separable layers, D_F = each layer's output size.

    Evaluated in exact arithmetic (alpha = 0.75 is 3/4, not its binary approximation).
    """
    a = Fraction(alpha).limit_denominator(10**6)
    total = Fraction(0)
    d = resolution // 2  # after the stride-2 stem
    for m, n, stride in _MOBILENET_PLAN:
        d = -(-d // stride)
        total += k * k * (a * m) * d * d + (a * m) * (a * n) * d * d
    return int(total) if total.denominator == 1 else float(total)


def _separable_macs(p: Any) -> int:
    return sum(int(row.macs) for part in ("depthwise", "pointwise") for row in _conv_rows(p, part))


def _filter_ratio(p: Any, base: Any) -> float | tuple[float, ...]:
    """Every conv's filters over the width-1 model's: one value when they all agree."""
    outs = [parse_shape(r.output_shape)[1] for r in _conv_rows(p)]
    base_outs = [parse_shape(r.output_shape)[1] for r in _conv_rows(base)]
    ratios = sorted({Fraction(a, b) for a, b in zip(outs, base_outs)})
    return float(ratios[0]) if len(ratios) == 1 else tuple(float(r) for r in ratios)


@check("mobilenet-width-multiplier")
def mobilenet_width_multiplier(claim: Claim) -> Outcome:
    reading = Reading()
    profiles = {alpha: measure(name) for name, alpha in _MOBILENET_WIDTHS}
    for alpha in (0.5, 1.0, 0.75, 0.25):  # the headline first: alpha = 0.5
        formula = _width_formula(alpha)
        reading.figure(
            f"alpha={alpha}: separable MACs",
            exact(formula),
            _separable_macs(profiles[alpha]),
            kind="macs",
            arithmetic=f"sum over Table 1 of 9*aM*D_F^2 + aM*aN*D_F^2 = {formula:,}",
        )
    for alpha in (0.75, 0.5, 0.25):
        ratio = _filter_ratio(profiles[alpha], profiles[1.0])
        reading.equal(f"alpha={alpha}: filters / alpha=1's", alpha, ratio, kind="ratio", arithmetic="every conv")
    for (_, wide), (_, thin) in zip(_MOBILENET_WIDTHS, _MOBILENET_WIDTHS[1:]):
        p_wide, p_thin = profiles[wide].totals.params, profiles[thin].totals.params
        reading.flag(
            f"alpha={thin}: fewer params than alpha={wide}",
            p_thin < p_wide,
            p_thin,
            kind="count",
            arithmetic=f"{p_thin:,} < {p_wide:,}",
        )
    quarter = profiles[0.25].totals.macs / profiles[1.0].totals.macs
    return Outcome(
        (reading,),
        explanation=f"the formula equals the separable layers' MACs at every alpha (0.5: {_width_formula(0.5):,}); "
        "filters scale by alpha and parameters fall with it; whole-net MACs shrink less than alpha^2 "
        f"({quarter:.3f} against 0.0625 at 0.25): the depthwise, stem and FC terms are linear in alpha",
        measurements=tuple(
            Measurement(f"alpha={alpha}: whole-net MACs", profiles[alpha].totals.macs, "macs")
            for alpha in (0.75, 0.5, 0.25)
        ),
        formula="per separable layer: D_K*D_K*aM*D_F*D_F + aM*aN*D_F*D_F (D_F = output size)",
    )


@check("mobilenet-resolution-multiplier")
def mobilenet_resolution_multiplier(claim: Claim) -> Outcome:
    reading = Reading()
    base = measure("mobilenet_v1")
    for name, res in _MOBILENET_RESOLUTIONS:
        rho = Fraction(res, 224)
        macs = measure(name).totals.macs
        arithmetic = f"{macs:,} / {base.totals.macs:,}"
        reading.flag(
            f"rho={rho} ({res}): fewer MACs than at 224",
            macs < base.totals.macs,
            macs / base.totals.macs,
            kind="ratio",
            arithmetic=arithmetic,
        )
    small = measure(_MOBILENET_RESOLUTIONS[0][0])
    conv = type_total(small, "Conv2d", "macs") / type_total(base, "Conv2d", "macs")
    return Outcome(
        (reading,),
        explanation=f"the same network on a smaller input costs less: {reading.points[0].arithmetic} = "
        f"{reading.points[0].measured:.4f} at 128 (its convs {conv:.4f} = (128/224)^2; the FC does not shrink)",
        measurements=(
            Measurement("rho=4/7: conv MACs / 224's (paper: rho^2 = 16/49 = 0.3265)", conv, "ratio"),
            Measurement("rho=4/7: parameters (paper: unchanged; 224: same)", small.totals.params, "count"),
        ),
        formula="(paper) MACs(rho) ~ rho^2 * MACs(1): D_K*D_K*aM*(rho D_F)^2 + aM*aN*(rho D_F)^2",
    )


@check("mobilenet-28-layers")
def mobilenet_28_layers(claim: Claim) -> Outcome:
    reading = Reading()
    p = measure("mobilenet_v1")
    model = zoo_model("mobilenet_v1")
    kinds = [_conv_kind(submodule(model, r.module, nn.Conv2d), i == 0) for i, r in enumerate(_conv_rows(p))]
    n_fc = int((p.layers["type"] == "Linear").sum())
    counts = [kinds.count(kind) for kind in ("first conv", "depthwise conv", "pointwise conv")]
    by_kind = f"{counts[0]} first conv + {counts[1]} depthwise + {counts[2]} pointwise + {n_fc} FC"
    total = len(kinds) + n_fc
    reading.figure("depth (weight layers on the longest path)", stated("28"), p.totals.depth, arithmetic=by_kind)
    reading.figure("conv and FC layers", stated("28"), total, arithmetic=f"{by_kind} = {total}")
    return Outcome(
        (reading,),
        explanation=f"{by_kind} = {p.totals.depth} weight layers, all on one path (depthwise and pointwise "
        "counted apart)",
        measurements=(Measurement("Conv MobileNet (full-conv twin) depth", measure("mobilenet_v1_conv").totals.depth),),
        formula="1 + 2 * 13 + 1 = 28",
    )


def _downsampling_steps(p: Any, model: nn.Module) -> list[tuple[str, str]]:
    """(label, what the layer is) for each layer whose output is spatially smaller, before the global pool."""
    first = _conv_rows(p)[0].module
    steps = []
    for row in p.layers.itertuples():
        if row.module in ("avgpool", "(model)", "classifier") or len(parse_shape(row.input_shape)) != 4:
            continue  # the global pool feeding the classifier is not a downsampling step
        (h_in, _), (h_out, _) = _hw(row.input_shape), _hw(row.output_shape)
        if h_out < h_in:
            layer = model.get_submodule(row.module)
            if isinstance(layer, nn.Conv2d):
                what = f"{_conv_kind(layer, row.module == first)} s{layer.stride[0]}"
            else:
                what = row.type
            steps.append((f"{row.module} {h_in}->{h_out}", what))
    return steps


@check("mobilenet-downsampling")
def mobilenet_downsampling(claim: Claim) -> Outcome:
    p = measure("mobilenet_v1")
    steps = _downsampling_steps(p, zoo_model("mobilenet_v1"))
    allowed = ("first conv s2", "depthwise conv s2")
    whats = [what for _, what in steps]
    summary = " + ".join(w if whats.count(w) == 1 else f"{whats.count(w)} {w}" for w in dict.fromkeys(whats))
    reading = Reading()
    reading.flag(
        "every downsampling step: the first conv or a depthwise conv, stride 2",
        all(w in allowed for w in whats),
        summary,
    )
    for label, what in steps:
        reading.flag(label, what in allowed, what)
    pools = int(p.layers["type"].str.contains("Pool").sum()) - 1  # the classifier's global pool aside
    reading.flag("pooling layers before the global pool", pools == 0, pools)
    return Outcome(
        (reading,),
        explanation=f"the {len(steps)} spatial reductions (224 -> 7 = 224 / 2^{len(steps)}) are {summary}; "
        "the only pooling is the final global average pool",
        formula="224 / 2^5 = 7",
    )


@check("mobilenet-separable-after-first-conv")
def mobilenet_separable_after_first_conv(claim: Claim) -> Outcome:
    p = measure("mobilenet_v1")
    model = zoo_model("mobilenet_v1")
    convs = [submodule(model, r.module, nn.Conv2d) for r in _conv_rows(p)]
    kinds = [_conv_kind(c, i == 0) for i, c in enumerate(convs)]
    rest = kinds[1:]
    pairs = sum(a == "depthwise conv" and b == "pointwise conv" for a, b in zip(rest[::2], rest[1::2]))
    first = convs[0]
    reading = Reading()
    reading.equal(
        "convs after the first, in depthwise + pointwise pairs",
        len(rest),
        2 * pairs,
        kind="count",
        arithmetic=f"{pairs} pairs = {2 * pairs} of {len(rest)} convs",
    )
    described = f"{first.kernel_size[0]}x{first.kernel_size[1]} conv {first.in_channels}->{first.out_channels}, "
    described += f"groups {first.groups}"
    reading.flag("the first conv is a standard conv", first.groups == 1 and first.kernel_size != (1, 1), described)
    return Outcome(
        (reading,),
        explanation=f"mobilenet_v1: a {described}, then {pairs} depthwise separable layers (depthwise 3x3 + "
        "pointwise 1x1) and no other conv",
        measurements=(Measurement("standard convs after the first", rest.count("standard conv")),),
    )


@check("mobilenet-bn-relu-except-fc")
def mobilenet_bn_relu_except_fc(claim: Claim) -> Outcome:
    p = measure("mobilenet_v1")
    types = [t for m, t in zip(p.layers["module"], p.layers["type"]) if m != "(model)"]
    convs = [i for i, t in enumerate(types) if t == "Conv2d"]
    followed = [i for i in convs if types[i + 1 : i + 3] == ["BatchNorm2d", "ReLU"]]
    fc = max(i for i, t in enumerate(types) if t == "Linear")
    after_fc = [t for t in types[fc + 1 :] if t in ("BatchNorm2d", "ReLU")]
    reading = Reading()
    reading.equal(
        "convs followed by BN and ReLU",
        len(convs),
        len(followed),
        kind="count",
        arithmetic=f"{len(followed)} of {len(convs)}",
    )
    reading.flag("the last FC: no BN or ReLU after it", not after_fc, ", ".join(after_fc) or "nothing")
    return Outcome(
        (reading,),
        explanation=f"each of the {len(convs)} convs is followed by BatchNorm2d and ReLU; the FC (the last layer) "
        f"by {', '.join(after_fc) or 'nothing'}",
    )


# --- where to downsample ------------------------------------------------------------------------


def _layouts() -> tuple[Any, Any, Any]:
    """MobileNet with Table 1's downsampling, with its five stride-2 layers first, and last."""
    return measure("mobilenet_v1"), _restrided(_EARLY_STRIDED), _restrided(_LATE_STRIDED)


def _strided_layers(model: nn.Module) -> str:
    """Where a MobileNet downsamples: the indices of ``features`` whose conv has stride 2 (0 = the stem)."""
    strided = {name.split(".")[1] for name, m in model.named_modules() if isinstance(m, nn.Conv2d) and m.stride[0] == 2}
    return ", ".join(sorted(strided, key=int))


def _layout_measurements(base: Any, early: Any, late: Any) -> tuple[Measurement, ...]:
    table1 = _strided_layers(zoo_model("mobilenet_v1"))
    return (
        Measurement("MACs, stride 2 at the stem and layers 1-4 (early)", early.totals.macs, "macs"),
        Measurement(f"MACs, Table 1's layout (stride 2 at {table1})", base.totals.macs, "macs"),
        Measurement("MACs, stride 2 at layers 9-13 (late)", late.totals.macs, "macs"),
    )


def _layout_correction(base: Any, early: Any, late: Any) -> str:
    macs = [p.totals.macs / 1e6 for p in (early, base, late)]
    return (
        f"where the stride-2 layers sit leaves MobileNet's parameters at {base.totals.params:,} (conv weights do not "
        "depend on the map size, and the global pool fixes the FC's input); it changes the cost: "
        f"{macs[0]:,.0f}M MACs early, {macs[1]:,.0f}M in Table 1's layout, {macs[2]:,.0f}M late"
    )


def _size_points(reading: Reading, column: str, *, late_grows: bool) -> None:
    """Early below Table 1's layout, and late above it (``late_grows``) or not below it, by ``column`` of the totals."""
    base, early, late = (getattr(p.totals, column) for p in _layouts())
    name, kind = {"params": ("parameters", "count"), "macs": ("MACs", "macs")}[column]
    reading.flag(
        f"early: {name} below Table 1's layout", early < base, early, kind=kind, arithmetic=f"{early:,} vs {base:,}"
    )
    late_ok, late_label = (late > base, "above") if late_grows else (late >= base, "not below")
    reading.flag(
        f"late: {name} {late_label} Table 1's layout", late_ok, late, kind=kind, arithmetic=f"{late:,} vs {base:,}"
    )


@check("early-downsampling-params")
def early_downsampling_params(claim: Claim) -> Outcome:
    reading = Reading()
    _size_points(reading, "params", late_grows=True)
    reading.unmeasurable("accuracy: lower early, higher late", _ACCURACY)
    base, early, late = _layouts()
    return Outcome(
        (reading,),
        explanation=f"parameters early {early.totals.params:,}, Table 1 {base.totals.params:,}, late "
        f"{late.totals.params:,}: unchanged; MACs {early.totals.macs:,} / {base.totals.macs:,} / {late.totals.macs:,}",
        measurements=_layout_measurements(base, early, late),
        correction=_layout_correction(base, early, late),
    )


@check("early-downsampling-network-size")
def early_downsampling_network_size(claim: Claim) -> Outcome:
    literal = Reading("as written: size = parameters")
    _size_points(literal, "params", late_grows=False)
    literal.unmeasurable("accuracy: lower early, higher late", _ACCURACY)
    cost = Reading("size = computation (MACs)", ALTERNATIVE)
    _size_points(cost, "macs", late_grows=False)
    cost.unmeasurable("accuracy: lower early, higher late", _ACCURACY)
    base, early, late = _layouts()
    return Outcome(
        (literal, cost),
        explanation=f"parameters {early.totals.params:,} early = {base.totals.params:,} in Table 1's layout = "
        f"{late.totals.params:,} late; MACs {early.totals.macs / base.totals.macs:.3f}x early and "
        f"{late.totals.macs / base.totals.macs:.2f}x late of Table 1's",
        measurements=_layout_measurements(base, early, late),
        correction=_layout_correction(base, early, late),
    )


# --- depthwise and pointwise convolutions, one by one -----------------------------------------


def _channels_and_size(rows: Sequence[Any]) -> list[tuple[int, int, int, int]]:
    """(C_in, C_out, H_in, H_out) of each row."""
    return [
        (
            *(parse_shape(r.input_shape)[1], parse_shape(r.output_shape)[1]),
            _hw(r.input_shape)[0],
            _hw(r.output_shape)[0],
        )
        for r in rows
    ]


@check("depthwise-keeps-channels")
def depthwise_keeps_channels(claim: Claim) -> Outcome:
    rows = _conv_rows(measure("mobilenet_v1"), "depthwise")
    sizes = _channels_and_size(rows)
    kept = sum(c_in == c_out for c_in, c_out, _, _ in sizes)
    shrunk = [r.module.split(".")[1] for r, (_, _, h_in, h_out) in zip(rows, sizes) if h_out < h_in]
    not_grown = sum(h_out <= h_in for _, _, h_in, h_out in sizes)
    literal = Reading()
    literal.equal("depthwise convs keeping their channels", len(rows), kept, kind="count")
    literal.equal(
        "depthwise convs shrinking each map",
        len(rows),
        len(shrunk),
        kind="count",
        arithmetic=f"layers {', '.join(shrunk)} (stride 2); the others keep the size",
    )
    spatial = Reading("only the spatial size can shrink", ALTERNATIVE)
    spatial.equal("depthwise convs keeping their channels", len(rows), kept, kind="count")
    spatial.equal("depthwise convs whose maps do not grow", len(rows), not_grown, kind="count")
    return Outcome(
        (literal, spatial),
        explanation=f"all {kept} of MobileNet's {len(rows)} depthwise convs keep their channels; {len(shrunk)} "
        f"(stride 2) halve each map and {len(rows) - len(shrunk)} ('same'-padded, stride 1) keep its size",
        correction=f"a depthwise conv keeps its M channels; each map shrinks only with stride > 1 or without "
        f"padding: {len(shrunk)} of MobileNet's {len(rows)} depthwise convs (stride 2) halve it, the others keep it",
    )


@check("pointwise-one-channel")
def pointwise_one_channel(claim: Claim) -> Outcome:
    p = measure("mobilenet_v1")
    model = zoo_model("mobilenet_v1")
    literal = Reading()
    intended = Reading("intended: one channel per filter", INTENDED, note="'하나로' for 'one per filter'")
    layers = [(r, *_channels_and_size([r])[0][:2]) for r in _conv_rows(p, "pointwise")]
    for i, (row, c_in, c_out) in enumerate(layers, start=1):
        filters = int(submodule(model, row.module, nn.Conv2d).weight.shape[0])
        literal.equal(f"layer {i} ({c_in}->{c_out}): channels", 1, c_out, kind="count")
        intended.equal(f"layer {i}: channels = its {filters} filters", filters, c_out, kind="count")
    single = measure(_conv(32, 1, 1), (32, 8, 8))
    intended.equal("one 1x1 filter on 32 channels", 1, parse_shape(layer_row(single, "(model)").output_shape)[1])
    _, c_in, c_out = layers[0]
    return Outcome(
        (literal, intended),
        explanation=f"MobileNet's first pointwise conv turns {c_in} channels into {c_out}, one per each of its "
        f"{c_out} 1x1 filters; only a single 1x1 filter reduces the channels to one",
        formula="pointwise output channels = N (the number of 1x1 filters)",
        correction=f"a pointwise conv with N 1x1 filters outputs N channels, one per filter (MobileNet's first: "
        f"{c_in} -> {c_out}); each filter reduces its M input channels to one map",
    )


@check("remove-fc-layers")
def remove_fc_layers(claim: Claim) -> Outcome:
    p = measure("mobilenet_v1")
    c, h, w = sample_shape(layer_row(p, "avgpool").input_shape)
    fc = params_of(on_meta(nn.Linear, c * h * w, 1000))
    shared = params_of(_conv(c, 1000, 1, bias=True))
    whole = params_of(_conv(c, 1000, h, padding=0, bias=True))
    sharing = Reading("as written: a conv sharing its weights (1x1, then global pooling)")
    sharing.flag(
        "1x1 conv + global pool: fewer parameters than the FC",
        shared < fc,
        shared,
        kind="count",
        arithmetic=f"{c} * 1000 + 1000 = {shared:,} < {c * h * w:,} * 1000 + 1000 = {fc:,}",
    )
    same = Reading("the FC rewritten as the conv that computes it", ALTERNATIVE)
    same.flag(
        f"{h}x{w} conv: fewer parameters than the FC",
        whole < fc,
        whole,
        kind="count",
        arithmetic=f"{h}*{w}*{c} * 1000 + 1000 = {whole:,} vs {fc:,}",
    )
    return Outcome(
        (sharing, same),
        explanation=f"on MobileNet's {c}x{h}x{w} map an FC has {fc:,} parameters; a 1x1 conv shared over the "
        f"{h * w} positions then pooled {shared:,} ({fc / shared:.0f}x fewer); a {h}x{w} conv computing the FC "
        f"exactly keeps all {whole:,}",
        measurements=(
            Measurement(
                "MobileNet's classifier (global pool, FC 1024 -> 1000)", int(layer_row(p, "classifier").params), "count"
            ),
        ),
        correction=f"weight sharing saves parameters only when the kernel is smaller than the map: a {h}x{w} conv "
        f"over the whole {h}x{w} map has the FC's {fc:,}",
    )


@check("kernel-reduction")
def kernel_reduction(claim: Claim) -> Outcome:
    reading = Reading()
    for c_in, c_out in ((64, 64), (3, 64), (256, 512)):
        one, three = (
            measure(_conv(c_in, c_out, 1), (c_in, 8, 8)).totals,
            measure(_conv(c_in, c_out, 3), (c_in, 8, 8)).totals,
        )
        reading.flag(
            f"{c_in}->{c_out}: fewer parameters",
            one.params < three.params,
            one.params / three.params,
            kind="ratio",
            arithmetic=f"{one.params:,} < {three.params:,}",
        )
        reading.flag(
            f"{c_in}->{c_out}: fewer MACs",
            one.macs < three.macs,
            one.macs / three.macs,
            kind="ratio",
            arithmetic=f"{one.macs:,} < {three.macs:,}",
        )
    return Outcome(
        (reading,),
        explanation=f"a 1x1 conv has 1/9 of a 3x3 conv's weights and, at equal output size, of its MACs "
        f"(64->64: {reading.points[0].arithmetic} parameters, {reading.points[1].arithmetic} MACs on 8x8)",
        formula="params = k^2 * C_in * C_out; MACs = k^2 * C_in * C_out * H_out * W_out",
    )


@check("mobilenet-techniques")
def mobilenet_techniques(claim: Claim) -> Outcome:
    p, half = measure("mobilenet_v1"), measure("mobilenet_v1_050")
    n_sep = len(_conv_rows(p, "depthwise"))
    ratio = _filter_ratio(half, p)
    reading = Reading()
    reading.flag(
        "depthwise separable convolutions",
        n_sep > 0,
        n_sep,
        kind="count",
        arithmetic=f"{n_sep} depthwise + pointwise layers",
    )
    reading.flag("channel reduction: alpha = 0.5 halves every conv's filters", ratio == 0.5, ratio, kind="ratio")
    reading.unmeasurable(
        "distillation & compression",
        "they act on trained weights (a teacher model, pruning); nothing in the architecture to measure",
    )
    return Outcome(
        (reading,),
        explanation=f"mobilenet_v1 has {n_sep} depthwise separable layers and its width multiplier thins every conv "
        f"(alpha = 0.5: {ratio}x the filters); distillation and compression are not architecture",
    )


@check("depthwise-one-map-per-channel")
def depthwise_one_map_per_channel(claim: Claim) -> Outcome:
    five = _conv(5, 5, 3, groups=5)
    maps = parse_shape(layer_row(measure(five, (5, 8, 8)), "(model)").output_shape)[1]
    p = measure("mobilenet_v1")
    model = zoo_model("mobilenet_v1")
    depthwise = _channels_and_size(_conv_rows(p, "depthwise"))
    pointwise = _conv_rows(p, "pointwise")
    one_each = sum(c_in == c_out for c_in, c_out, _, _ in depthwise)
    set_by_filters = sum(
        parse_shape(r.output_shape)[1] == submodule(model, r.module, nn.Conv2d).weight.shape[0] for r in pointwise
    )
    reading = Reading()
    reading.equal("5 input channels: feature maps", 5, maps, kind="count")
    reading.equal("5 input channels: filters", "5 x (3, 3, 1)", _filters(five))
    reading.equal("MobileNet depthwise convs: maps = input channels", len(depthwise), one_each, kind="count")
    reading.equal("the 1x1 convs after them: maps = their filters", len(pointwise), set_by_filters, kind="count")
    return Outcome(
        (reading,),
        explanation=f"a depthwise conv on 5 channels has {_filters(five)} filters and makes {maps} maps; in MobileNet "
        f"all {one_each} depthwise convs make one map per input channel and the 1x1 conv after each sets the count",
    )


def _shape_points(reading: Reading, case: _Case) -> None:
    """Filters and outputs of the standard, depthwise and pointwise convs of one case, as the notes write them."""
    k, m, n, d, stride, padding = case
    pad = k // 2 if padding is None else padding
    g = (d + 2 * pad - k) // stride + 1
    standard, separable = _case_profiles(case)
    dw, pw = _conv(m, m, k, stride=stride, padding=padding, groups=m), _conv(m, n, 1)
    label = _case_label(case)
    arithmetic = f"D_G = ({d} + 2*{pad} - {k}) // {stride} + 1 = {g}"
    reading.equal(f"{label}: standard filters", f"{n} x ({k}, {k}, {m})", _filters(_conv(m, n, k)))
    reading.equal(
        f"{label}: standard output",
        f"({g}, {g}, {n})",
        _hwc(layer_row(standard, "(model)").output_shape),
        arithmetic=arithmetic,
    )
    reading.equal(f"{label}: depthwise filters", f"{m} x ({k}, {k}, 1)", _filters(dw))
    reading.equal(f"{label}: depthwise output", f"({g}, {g}, {m})", _hwc(layer_row(separable, "0").output_shape))
    reading.equal(f"{label}: pointwise filters", f"{n} x (1, 1, {m})", _filters(pw))
    reading.equal(
        f"{label}: pointwise output (input {_hwc(layer_row(separable, '1').input_shape)})",
        f"({g}, {g}, {n})",
        _hwc(layer_row(separable, "1").output_shape),
    )
    reading.equal(f"{label}: pointwise stride", 1, pw.stride[0])


@check("dwsep-layer-shapes")
def dwsep_layer_shapes(claim: Claim) -> Outcome:
    reading = Reading()
    for case in (_DWSEP_CASES[0], _DWSEP_CASES[10], _DWSEP_CASES[2], _DWSEP_CASES[11]):
        _shape_points(reading, case)
    head = reading.points[:7]
    return Outcome(
        (reading,),
        explanation=f"{_case_label(_DWSEP_CASES[0])}: standard {head[0].measured} filters -> {head[1].measured}; "
        f"depthwise {head[2].measured} -> {head[3].measured}; pointwise {head[4].measured} -> {head[5].measured}",
        formula="standard N x (D_K, D_K, M); depthwise M x (D_K, D_K, 1); pointwise N x (1, 1, M); "
        "D_G = (D_F + 2p - D_K) // s + 1",
    )


@check("pointwise-adjusts-channels")
def pointwise_adjusts_channels(claim: Claim) -> Outcome:
    p = measure("mobilenet_v1")
    model = zoo_model("mobilenet_v1")
    rows = _conv_rows(p, "pointwise")
    convs = [submodule(model, r.module, nn.Conv2d) for r in rows]
    sizes = _channels_and_size(rows)
    n = len(rows)
    reading = Reading()
    kept = sum(h_in == h_out for _, _, h_in, h_out in sizes)
    reading.equal("pointwise convs keeping height and width", n, kept, kind="count")
    reading.equal("with 1x1 filters", n, sum(c.kernel_size == (1, 1) for c in convs), kind="count")
    all_channels = sum(c.groups == 1 and c.weight.shape[1] == c_in for c, (c_in, _, _, _) in zip(convs, sizes))
    reading.equal("each filter over all input channels", n, all_channels, kind="count")
    set_by_filters = sum(c.weight.shape[0] == c_out for c, (_, c_out, _, _) in zip(convs, sizes))
    reading.equal("output channels = number of filters", n, set_by_filters, kind="count")
    changed = [f"{c_in}->{c_out}" for c_in, c_out, _, _ in sizes if c_in != c_out]
    return Outcome(
        (reading,),
        explanation=f"all {n} pointwise convs of MobileNet are 1x1 over all channels, keep height and width, and "
        f"output one channel per filter; {len(changed)} change the count ({', '.join(changed)})",
        measurements=(Measurement("pointwise convs changing the channel count", len(changed), "count"),),
    )


@check("depthwise-dk-label")
def depthwise_dk_label(claim: Claim) -> Outcome:
    literal = Reading()
    intended = Reading("intended: D_K the kernel size", INTENDED, note="'입력 값의 크기' for the kernel size")
    rows = _conv_rows(measure("mobilenet_v1"), "depthwise")
    for i, (row, (m, _, h_in, d_f)) in enumerate(zip(rows, _channels_and_size(rows)), start=1):
        label = f"layer {i} ({h_in}->{d_f}, M={m})"
        as_written = h_in * h_in * m * d_f * d_f
        literal.figure(
            label,
            exact(as_written),
            int(row.macs),
            kind="macs",
            arithmetic=f"{h_in}*{h_in}*{m}*{d_f}*{d_f} = {as_written:,}",
        )
        intended.figure(
            label,
            exact(9 * m * d_f * d_f),
            int(row.macs),
            kind="macs",
            arithmetic=f"3*3*{m}*{d_f}*{d_f} = {9 * m * d_f * d_f:,}",
        )
    head = literal.points[0]
    return Outcome(
        (literal, intended),
        explanation=f"MobileNet's first depthwise conv costs {head.measured:,} MACs = "
        f"{intended.points[0].arithmetic}; with D_k = its input size: {head.arithmetic}",
        formula="depthwise: D_K * D_K * M * D_F * D_F (D_K the kernel size)",
        correction=f"D_K is the kernel size (3x3 in MobileNet; 003:285 'Filter의 height, width'): the first "
        f"depthwise conv costs {intended.points[0].arithmetic} MACs, not {head.arithmetic}",
    )


# --- quantitative sentences no measurement can check ------------------------------------------

register_unchecked(
    [
        Unchecked(
            "000:145, 000:186, 000:193, 000:196",
            SECTION,
            "138.png ... 139.png ... 141.png ... 140.png",
            "figures 138, 139, 141 and 140 (images)",
            "not quantitative",
            "the MobileNet section's figures (edge computing, depthwise separable convolution, its efficiency, the "
            "architecture); the digits are file names and widths",
        ),
        Unchecked(
            "000:151-158",
            SECTION,
            "엣지 컴퓨팅의 장점 3가지 ... 1) 데이터 부하 감소 ... 2) 보안 ... 3) 장애대응",
            "three advantages of edge computing: 1) less data load, 2) security, 3) fault handling",
            "not quantitative",
            "a numbered list about computing environments, nothing about a network",
        ),
        Unchecked(
            "000:167",
            SECTION,
            "3) Channel reduction",
            "3) channel reduction",
            "not quantitative",
            "an item of the list of techniques for small networks, named only; MobileNet's channel reduction is "
            "checked in mobilenet-techniques",
        ),
        Unchecked(
            "000:176-177",
            SECTION,
            "6) Shuffle operations ... 7) Distillation & Compression",
            "6) shuffle operations, 7) distillation & compression",
            "not quantitative",
            "items of the list of techniques for small networks, named only",
        ),
        Unchecked(
            "000:202, 000:206",
            SECTION,
            "Deep Learning Image Classification Guidebook [3] ... [논문리뷰] MobileNet V1 설명",
            "Deep Learning Image Classification Guidebook [3] ... [paper review] MobileNet V1 explained",
            "not quantitative",
            "references",
        ),
        Unchecked(
            "003:156",
            SECTION,
            "모델 가지치기(Model Pruning-중요도가 떨어지는 파라미터를 0으로해 크기를 줄임)",
            "model pruning (setting unimportant parameters to 0 to reduce the size)",
            "training",
            "pruning chooses weights by their trained values; the architecture does not say which",
        ),
        Unchecked(
            "003:190, 003:205, 003:227",
            SECTION,
            "image77.png ... image78.png ... image79.png",
            "figures 77, 78 and 79 (images)",
            "not quantitative",
            "figures of the depthwise, pointwise and standard convolutions; the digits are file names and widths",
        ),
        Unchecked(
            "004:247",
            SECTION,
            "MobileNet - 2017년",
            "MobileNet - 2017",
            "history",
            "the year of the paper",
        ),
        Unchecked(
            "004:253",
            SECTION,
            "ResNet 이후 출시된 모델들은 신경망이 깊어지면서 Layer 당 차지하는 Channel 수가 급증하게 되었다 ... "
            "MobileNet-V1에서는 이러한 연산의 비효율성에 초점을 두고",
            "in the models released after ResNet the number of channels per layer surged as networks deepened ... "
            "MobileNet-V1 focuses on this inefficiency of computation",
            "history",
            "a trend across the models released after ResNet and the motivation of MobileNet-V1",
        ),
        Unchecked(
            "004:257, 004:277, 004:291",
            SECTION,
            "zoom:80%",
            "image zoom 80%",
            "not quantitative",
            "figures of the depthwise separable convolution, MobileNet's block and its architecture table",
        ),
    ]
)

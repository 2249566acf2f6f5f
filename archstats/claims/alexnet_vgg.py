"""AlexNet and VGG (with ZFNet and the lecture's summary table): layers, parameter counts, memory."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, cast

from torch import nn

from .base import (
    ABOUT,
    ALTERNATIVE,
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
    layer_outputs,
    layer_row,
    measure,
    parse_shape,
    register,
    register_unchecked,
    stated,
    submodule,
    type_total,
    zoo_model,
)

SECTION = "AlexNet and VGG"

# The notes' "MB" is decimal: their 100MB rounds CS231n's "24M * 4 bytes ~= 96MB".
MB = 1e6
FP32 = 4  # bytes per value

register(
    [
        Claim(
            id="alexnet-conv1",
            section=SECTION,
            source="002:12-17",
            quote="입력의 크기가 227 x 227 x 3이다 ... 필터 : 11 x 11, stride=4, 96개 ... "
            "총 파라미터 수 : 11 x 11 x 3 x 96 ... 출력의 크기 : (227-11)/4+1 = 55 => 55 x 55 x 96",
            translation="the input size is 227 x 227 x 3 ... filters: 11 x 11, stride=4, 96 of them ... "
            "total number of parameters: 11 x 11 x 3 x 96 ... output size: (227-11)/4+1 = 55 => 55 x 55 x 96",
            statement="Trained on ImageNet, AlexNet takes a 227x227x3 input; its first layer (CONV1) has 96 11x11 "
            "filters at stride 4, 11x11x3x96 parameters in total, and outputs (227-11)/4+1 = 55, i.e. 55x55x96.",
            interpretation="conv1 (features.0) of the zoo's two-tower AlexNet at its 3x227x227 input: filters, "
            "kernel and stride from the module, parameters and output shape from the profile. As written, "
            "'총 파라미터 수' (total number of parameters) is all of the layer's parameters, judged exactly "
            "against 11*11*3*96; alternative reading: the product counts the filters' weights only, the 96 "
            "biases left out (the notes add biases elsewhere, 004:42-43)",
        ),
        Claim(
            id="alexnet-pool1",
            section=SECTION,
            source="002:19-22",
            quote="필터 : 3 x 3, stride=2 ... 총 파라미터 수 : 0 ... 출력의 크기 : (55-3)/2 + 1 = 27 => 27 x 27 x 96",
            translation="filter: 3 x 3, stride=2 ... total number of parameters: 0 ... "
            "output size: (55-3)/2 + 1 = 27 => 27 x 27 x 96",
            statement="AlexNet's second layer (POOL1) has a 3x3 window at stride 2, no parameters, and outputs "
            "(55-3)/2+1 = 27, i.e. 27x27x96.",
            interpretation="the first MaxPool2d of the zoo's two-tower AlexNet at 3x227x227: window and stride "
            "from the module, parameters and input/output shapes from the profile",
        ),
        Claim(
            id="alexnet-224-vs-227",
            section=SECTION,
            source="002:40",
            quote="논문에는 224 x 224로 되어 있지만 실제는 227 x 227",
            translation="the paper says 224 x 224, but in fact it is 227 x 227",
            statement="The paper gives AlexNet's input as 224x224, but it is actually 227x227.",
            interpretation="what fixes the input size is the unpadded 11x11/4 conv1, whose 55x55 output (002:17) "
            "the later layers are built for, down to fc6's 256*6*6 inputs: the zoo's two-tower AlexNet must give "
            "55x55 and fit fc6 at 227 and do neither at 224 ((224-11)/4+1 = 54.25, floored to 54); its feature "
            "stack is profiled at 224 (the whole net cannot run there). (paper: Section 3.5 and Figure 2 state "
            "224x224x3.) torchvision's single-tower AlexNet, whose conv1 pads by 2, is shown at 224",
        ),
        Claim(
            id="alexnet-two-gpu",
            section=SECTION,
            source="002:37-39",
            quote="CONV1의 출력을 잘 살펴보면 depth가 96이 아니라 48이다 ... "
            "Conv1, 2, 4, 5는 48개의 feature map만 사용 ... "
            "Conv 3, FC 6, 7, 8은 모든 Feature map을 사용",
            translation="look closely at CONV1's output: its depth is 48, not 96 ... Conv1, 2, 4, 5 use only 48 "
            "feature maps ... Conv 3, FC 6, 7, 8 use all feature maps",
            statement="The model is split in two (trained on two GPUs), so CONV1's output depth is 48 rather than 96; "
            "Conv1, 2, 4 and 5 use only 48 feature maps, while Conv3 and FC6, 7, 8 use all feature maps.",
            interpretation="the zoo's two-tower AlexNet, whose split is groups=2 in conv2, conv4 and conv5 (paper: "
            "Section 3.2, Figure 2): CONV1's depth per tower = its filters / towers; the maps a filter uses = its "
            "weight's input-channel dimension; 'all' = every map of the previous layer (both towers). Intended "
            "reading, for the slip of writing conv1's '48' (the sentence before) for 'only the maps of their own "
            "GPU', which the contrast with 'all feature maps' makes plain (CS231n's slide: 'connections only with "
            "feature maps on same GPU'): conv2, conv4 and conv5 filters use half of the previous layer's maps. "
            "What the split saves is shown: the same net with conv2/4/5 ungrouped",
        ),
        Claim(
            id="alexnet-60m",
            section=SECTION,
            source="002:63",
            quote="AlexNet은 60M",
            translation="AlexNet has 60M",
            statement="AlexNet has 60M parameters.",
            interpretation="parameters (weights and biases) of the zoo's two-tower AlexNet, the 2012 net; '60M' is "
            "printed to the million without a qualifier: holds within 59.5M-60.5M. torchvision's single-tower "
            "AlexNet is shown beside. (paper: the abstract's '60 million parameters')",
        ),
        Claim(
            id="vgg16-138m",
            section=SECTION,
            source="002:63",
            quote="총 파라미터는 138M",
            translation="the total number of parameters is 138M",
            statement="VGGNet (VGG16) has 138M parameters in total.",
            interpretation="parameters (weights and biases) of VGG16, configuration D (zoo 'vgg16'); '138M' "
            "printed to the million without a qualifier: holds within 137.5M-138.5M",
        ),
        Claim(
            id="vgg16-16-layers",
            section=SECTION,
            source="003:27, 002:53, 002:65",
            quote="총 16개 layer ... 16 ~ 19개의 레이어를 가짐 ... "
            "보통 신경망의 깊이(depth)는 학습 가능한 파라미터가 있는 레이어의 수 (Conv, FC)",
            translation="16 layers in total ... has 16 ~ 19 layers ... a network's depth is usually the number of "
            "layers with trainable parameters (Conv, FC)",
            statement="VGG16 consists of 16 layers in total; VGGNet has 16 to 19 layers; a network's depth is "
            "usually the number of layers with trainable parameters (conv and FC).",
            interpretation="the analyzer's depth (weight layers on the longest path) of VGG16 and VGG19, and "
            "VGG16's Conv2d and Linear layers counted; '16 ~ 19' as a range printed in integers",
        ),
        Claim(
            id="vgg16-fc-share",
            section=SECTION,
            source="003:39-40",
            quote="Fully Connected Layer 3개를 붙여 ... "
            "약 1억4천만 개의 parameter(가중치)중 1억 2천만개 정도가 Fully Connected Layer의 파라미터",
            translation="three fully connected layers are attached ... of about 140 million (1억4천만) parameters "
            "(weights), about 120 million (1억 2천만) are parameters of the fully connected layers",
            statement="VGG16 ends with three fully connected layers; of its about 140 million parameters, about "
            "120 million are in the fully connected layers.",
            interpretation="parameters (weights and biases) of VGG16's Linear layers and of the whole net; "
            "'약' and '정도' (about) widen both figures by the policy's band: 126M-154M and 108M-132M",
        ),
        Claim(
            id="vgg-filters-double",
            section=SECTION,
            source="003:31",
            quote="Filter의 수가 64, 128, 256, 512 두 배씩 커짐",
            translation="the number of filters grows 64, 128, 256, 512, doubling each time",
            statement="VGG16's number of filters grows 64, 128, 256, 512, doubling each time.",
            interpretation="VGG16's conv widths per stage (stages split at the max pools, from the layer table); "
            "the notes list four widths, so the fifth stage (which keeps 512) is shown, not judged",
        ),
        Claim(
            id="vgg16-memory-100mb",
            section=SECTION,
            source="002:61",
            quote="총 메모리 사용량은 입력 한 개당 100MB, backward pass까지 고려하면 더 많은 메모리가 필요함",
            translation="the total memory use is 100MB per input; taking the backward pass into account, more "
            "memory is needed",
            statement="VGGNet's total memory use is 100MB per input, and more memory is needed when the backward "
            "pass is taken into account.",
            interpretation="VGG16 at 3x224x224, batch 1, fp32. Memory as the notes count it (after CS231n's "
            "table): the input plus every layer's new output, 4 bytes each; '100MB' has no qualifier and MB is "
            "decimal (CS231n: 24M * 4 bytes ~= 96MB): holds within 99.5-100.5 MB. 'More with backward': the "
            "allocator's peak in a training-mode forward (what backward needs is kept) above its inference peak. "
            "The allocator's own figures are shown beside. The line's 'so VGGNet uses a lot of memory' is the "
            "memory column of lecture-summary-table",
        ),
        Claim(
            id="early-memory-late-params",
            section=SECTION,
            source="002:79",
            quote="신경망 초반에는 메모리를 많이 쓰고 파라미터 수가 적고 "
            "신경망 후반에는 메모리를 적게 쓰고 파라미터 수가 많다",
            translation="early in the network, memory use is high and parameters are few; late in the network, "
            "memory use is low and parameters are many",
            statement="Early layers use much memory and have few parameters; late layers use little memory and "
            "have many parameters.",
            interpretation="VGG16 (the net the lecture discusses) and AlexNet split at half their weight-layer depth "
            "(each layer by its depth: VGG16 1-8 vs 9-16, AlexNet 1-4 vs 5-8); memory as the notes count it (the "
            "input and every layer's new output); holds if in both nets the early half has most (> 1/2) of the "
            "memory and a minority (< 1/2) of the parameters. The FC layers' share of the parameters (the "
            "line's reason to drop FC layers) is shown",
        ),
        Claim(
            id="lecture-summary-table",
            section=SECTION,
            source="002:195-200",
            quote="효율 | 메모리 | 계산량 | 성능 | forward 시간 ... AlexNet   | 낮다 | 많다 | 적다 | 별로 ... "
            "VGGNet    | 낮다 | 많다 | 많다 | 적당 | 가장 길다 ... GoogLeNet | 높다 | 적다 | 적다 | 적당 ... "
            "ResNet    | 적당 | 중간 | 중간 | 최상",
            translation="efficiency | memory | computation | performance | forward time ... AlexNet | low | high | "
            "low | poor ... VGGNet | low | high | high | moderate | longest ... GoogLeNet | high | low | low | "
            "moderate ... ResNet | moderate | medium | medium | best",
            statement="The lecture's conclusion: memory is high for AlexNet and VGGNet, medium for ResNet and low "
            "for GoogLeNet; computation is high for VGGNet, medium for ResNet and low for AlexNet and GoogLeNet "
            "(efficiency, performance and forward time as rated).",
            interpretation="AlexNet (two-tower, 227), VGG16, GoogLeNet and ResNet-152 (the lecture's ILSVRC-2015 "
            "ResNet) at their default inputs, batch 1: every order the table implies between two nets of "
            "different levels (high > medium > low) is checked, per column. Memory as written is the notes' own "
            "(002:61, 002:79: the input and every layer's output, 4 bytes each); alternative reading, as plausible "
            "for a summary slide: the weights' memory (4 bytes per parameter). Computation = MACs in both. "
            "Efficiency, performance and forward time are not measurable here (listed as unchecked; forward "
            "time is timed by the opt-in `archstats claims --measure`)",
        ),
        Claim(
            id="alexnet-layout",
            section=SECTION,
            source="002:11, 004:9-10",
            quote="conv가 3개가 더 붙고 max pooling layer가 붙고 FC가 3개 붙는다 ... "
            "Conv3 - Conv4 - Conv5 - MaxPool3 - FC1 - FC2 - Output layer ... 11x11, 5x5와 같은 큰 size의 Kernel 적용",
            translation="three more convs are attached, then a max pooling layer, then three FC layers ... Conv3 - "
            "Conv4 - Conv5 - MaxPool3 - FC1 - FC2 - Output layer ... large kernels such as 11x11 and 5x5 are used",
            statement="AlexNet repeats a conv - pool - normalization group twice, then three more convs, a max pool "
            "and three FC layers (FC1, FC2 and the output layer); it uses large kernels such as 11x11 and 5x5.",
            interpretation="the zoo's two-tower AlexNet: its conv, pool and FC layers in order (the normalizations "
            "left out: their place is alexnet-pool-norm-order's), the layer counts by type and the kernels of its "
            "first two convs",
        ),
        Claim(
            id="alexnet-pool-norm-order",
            section=SECTION,
            source="002:11, 004:9",
            quote="conv - pool - normalization 구조가 두 번 반복된다 ... "
            "Conv1 - MaxPool1 - Norm1 - Conv2 - MaxPool2 - Norm2",
            translation="the conv - pool - normalization structure is repeated twice ... "
            "Conv1 - MaxPool1 - Norm1 - Conv2 - MaxPool2 - Norm2",
            statement="In AlexNet's first two groups the max pool comes before the normalization: conv - pool - "
            "normalization, twice.",
            interpretation="the layer order of the zoo's two-tower AlexNet, which follows the paper (Section 3.5: "
            "response normalization follows conv1 and conv2, and max pooling follows the normalization layers); "
            "the notes' order is built by swapping each norm and pool and its memory (input and layer outputs) "
            "shown beside the paper's",
        ),
        Claim(
            id="vgg-configs-depths",
            section=SECTION,
            source="003:29",
            quote="11 layer, 13 layer, 16 layer, 19 layer 의 네트워크를 테스트함",
            translation="networks of 11, 13, 16 and 19 layers were tested",
            statement="Networks of 11, 13, 16 and 19 layers were tested.",
            interpretation="weight-layer depth of VGG configurations A, B, D and E (zoo vgg11, vgg13, vgg16, vgg19; "
            "paper: Table 1)",
        ),
        Claim(
            id="vgg-3x3-same-pool-halves",
            section=SECTION,
            source="002:54, 003:32, 003:38, 004:33",
            quote="항상 3x3 필터만 사용. 주기적으로 Pooling을 수행 ... filter, Stride=1, same padding ... "
            "MaxPooling 사용 ... Feature map의 사이즈를 convolution layer가 아닌 Max Pooling 을 사용해 줄임 ... "
            "3x3 convolution filters 사용",
            translation="always uses only 3x3 filters; pooling is done periodically ... filter, Stride=1, same "
            "padding ... max pooling is used ... the feature map size is reduced with max pooling, not with the "
            "convolution layers ... 3x3 convolution filters are used",
            statement="VGG always uses only 3x3 filters with stride 1 and same padding, and (2x2) max pooling done "
            "periodically; the feature maps are made smaller by the max pools, not by the convolutions.",
            interpretation="every Conv2d and MaxPool2d of VGG16: kernel and stride from the module, input and "
            "output map sizes from the profile; no other layer may change the map size",
        ),
        Claim(
            id="vgg-stacked-3x3-for-5x5",
            section=SECTION,
            source="003:33, 004:37",
            quote="이전 AlexNet이 5 X 5 필터를 사용했는데 VGG16은 3 X 3 필터 두개를 쌓아 사용 ... "
            "11x11, 5x5와 같은 큰 사이즈의 filter 대신 3x3 filter를 사용",
            translation="the earlier AlexNet used 5 X 5 filters, whereas VGG16 stacks two 3 X 3 filters ... uses "
            "3x3 filters instead of large filters such as 11x11 and 5x5",
            statement="AlexNet used 5x5 (and 11x11) filters; VGG16 instead uses 3x3 filters, stacking two of them.",
            interpretation="the kernels of the zoo's two-tower AlexNet and of VGG16, and the 3x3 convs VGG16 stacks "
            "between two pools; the two stacked 3x3 convs' 5x5 field and parameters are conv.py's "
            "(stacked-3x3-receptive-field, two-3x3-vs-5x5); the performance gain (004:37) is not measurable",
        ),
        Claim(
            id="vgg-constant-compute",
            section=SECTION,
            source="002:71",
            quote="신경망이 깊어질수록 feature map의 사이즈는 작아지는데 "
            "계산량을 일정하게 유지시키기 위해서 필터 개수를 늘린다",
            translation="as the network gets deeper the feature maps get smaller, and the number of filters is "
            "increased to keep the amount of computation constant",
            statement="As the network gets deeper the feature maps shrink, and the number of filters is increased "
            "to keep the computation constant.",
            interpretation="MACs of the width-keeping 3x3 convs (C -> C, stride 1) of each stage against the first "
            "stage's, in VGG16 and ResNet-34, for the stages where the filters double as the map halves (exact "
            "equality: H*W*9*C^2 is unchanged by H/2, W/2, 2C); VGG16's fifth stage, which keeps 512 filters, is "
            "shown apart",
        ),
        Claim(
            id="vgg19-more-memory",
            section=SECTION,
            source="002:84",
            quote="VGG19가 VGG16보다 더 많은 메모리를 쓰고",
            translation="VGG19 uses more memory than VGG16",
            statement="VGG19 uses more memory than VGG16.",
            interpretation="memory as the notes count it (002:61: the input and every layer's new output) of VGG19 "
            "and VGG16 at 3x224x224; the allocator's inference peak and the weights are shown beside; the line's "
            "'and performs slightly better' is listed as unchecked",
        ),
        Claim(
            id="alexnet-relu-6x",
            section=SECTION,
            source="004:14-15",
            quote="Activation 함수로 ReLU 첫 사용 ... sigmoid or tanh 대비 수렴 속도가 약 6배 빨라짐",
            translation="ReLU first used as the activation function ... convergence about 6 times faster than "
            "with sigmoid or tanh",
            statement="AlexNet uses ReLU as its activation function, which converges about 6x faster than sigmoid "
            "or tanh.",
            interpretation="the speed-up needs training runs (paper: Figure 1, a four-layer CNN on CIFAR-10 "
            "reaching 25% training error six times faster with ReLUs than with tanh), so only the architecture is "
            "measured: a ReLU after every hidden weight layer of AlexNet and no sigmoid or tanh",
        ),
        Claim(
            id="alexnet-dropout",
            section=SECTION,
            source="002:30, 004:20",
            quote="Dropout 0.5 ... Overfitting 개선하기 위해 Dropout Layer",
            translation="Dropout 0.5 ... dropout layers to reduce overfitting",
            statement="AlexNet has dropout layers, with a dropout rate of 0.5.",
            interpretation="the Dropout modules of the zoo's two-tower AlexNet and their rate p; the notes do not "
            "say where they are, so their place is shown (paper: Section 4.2, dropout in the first two FC layers); "
            "their effect on overfitting needs training",
        ),
        Claim(
            id="vgg-no-lrn",
            section=SECTION,
            source="002:83, 004:35",
            quote="AlexNet에 있는 Local Response Normalization Layer가 없다 ... LRN 미적용",
            translation="there is no Local Response Normalization layer, which AlexNet has ... LRN not applied",
            statement="VGGNet has no Local Response Normalization layer, which AlexNet has.",
            interpretation="LocalResponseNorm layers of the zoo's VGG configurations A, B, C, D, E (vgg11, vgg13, "
            "vgg16_c, vgg16, vgg19) and of the two-tower AlexNet; the reason the notes give (it does not help) "
            "needs accuracy data. (paper: Section 4.1, configuration A-LRN tested it and found no improvement; "
            "zoo vgg11_lrn, shown)",
        ),
        Claim(
            id="alexnet-overlapping-pool",
            section=SECTION,
            source="004:16",
            quote="MaxPooling, Overlapping Pooling 적용",
            translation="max pooling, overlapping pooling applied",
            statement="AlexNet uses max pooling, as overlapping pooling.",
            interpretation="every pooling layer of the zoo's two-tower AlexNet: it is a max pool, and its window is "
            "larger than its stride, so neighbouring windows overlap (paper: Section 3.4, z = 3, s = 2)",
        ),
        Claim(
            id="vgg-1x1-conv-nonlinearity",
            section=SECTION,
            source="004:46",
            quote="입력과 출력의 channels을 동일하게 하고 1x1 conv layer를 이용하면 "
            "relu 함수를 거쳐 추가적인 비선형성을 부여",
            translation="using a 1x1 conv layer with the same input and output channels adds non-linearity through "
            "the ReLU function",
            statement="A 1x1 conv layer is used to add non-linearity: a 1x1 conv with equal input and output "
            "channels, followed by a ReLU, adds non-linearity.",
            interpretation="the 1x1 convs of VGG configuration C (zoo vgg16_c; paper: Table 1, conv1-256, "
            "conv1-512, conv1-512): each one's input and output channels, its map size (kept) and the layer after "
            "it (a ReLU); the receptive field it leaves unchanged is shown (paper: Section 2.1, 'a way to increase "
            "the non-linearity of the decision function without affecting the receptive fields')",
        ),
        Claim(
            id="zfnet-alexnet-tuned",
            section=SECTION,
            source="002:49",
            quote="AlexNet의 hyperparameter를 조절하여",
            translation="by adjusting AlexNet's hyperparameters",
            statement="ZFNet is AlexNet with its hyperparameters adjusted.",
            interpretation="the zoo's ZFNet (paper: Figure 3) against the two-tower AlexNet: the same kinds of "
            "layer in the same order (conv, pool, FC; the normalizations' place apart) and the same depth, with "
            "other layer hyperparameters (kernel, stride, grouping) in its convs",
        ),
    ]
)

register_unchecked(
    [
        Unchecked(
            "002:2", SECTION, "# Lecture 9 note", "Lecture 9 note", "not quantitative", "the note's title, a number"
        ),
        Unchecked(
            "002:10",
            SECTION,
            "2012년에 나옴. 최초의 Large scale CNN.",
            "came out in 2012. The first large-scale CNN.",
            "history",
        ),
        Unchecked(
            "002:24",
            SECTION,
            "마지막 Layer (FC8 이후)",
            "the last layer (after FC8)",
            "not quantitative",
            "FC8 is a layer's name; the softmax after it (002:25) is the classifier's loss, not a module of the "
            "zoo's AlexNet (as in torchvision), so there is nothing to measure",
        ),
        Unchecked(
            "002:31-35",
            SECTION,
            "batch size = 128 ... SGD Momentum = 0.9 ... LR = 1e-2 -> 1e-10 ... L2 weight decay = 5e-4 ... "
            "7 CNN ensemble",
            "batch size 128, SGD momentum 0.9, learning rate 1e-2 down to 1e-10, L2 weight decay 5e-4, an ensemble "
            "of 7 CNNs",
            "training",
        ),
        Unchecked(
            "002:37",
            SECTION,
            "당시에는 GPU 메모리가 3GB 밖에 안해서 두 GPU에 나누어서 학습했기 때문",
            "because GPUs then had only 3GB of memory, it was trained split over two GPUs",
            "hardware",
            "the split itself is alexnet-two-gpu",
        ),
        Unchecked(
            "002:41",
            SECTION,
            "Image Classification Benchmark의 2012년도 우승 모델",
            "the 2012 winner of the image classification benchmark",
            "history",
        ),
        Unchecked(
            "002:49",
            SECTION,
            "2013년도 우승 모델은 ZFNet ... 더 높은 성능을 냄",
            "the 2013 winner is ZFNet ... it performs better",
            "history",
            "the better performance needs accuracy data; the tuning itself is zfnet-alexnet-tuned",
        ),
        Unchecked(
            "002:53",
            SECTION,
            "2014년부터 신경망이 깊어진다",
            "from 2014 on, networks get deeper",
            "history",
            "the 16 ~ 19 layers are vgg16-16-layers",
        ),
        Unchecked(
            "002:81",
            SECTION,
            "VGGNet은 Classification에서 2등, Localization에서 1등",
            "VGGNet was 2nd in classification and 1st in localization",
            "history",
        ),
        Unchecked(
            "002:84",
            SECTION,
            "성능이 약간 더 좋다",
            "performs slightly better",
            "accuracy",
            "VGG19 against VGG16; the memory half of the line is vgg19-more-memory",
        ),
        Unchecked(
            "002:86",
            SECTION,
            "FC7 레이어는 데이터의 일반적으로 feature를 잘 나타내고 있는 것으로 나온다",
            "the FC7 layer turns out to represent the data's features well in general",
            "accuracy",
            "how general FC7's features are needs trained weights and transfer results",
        ),
        Unchecked(
            "002:195-200",
            SECTION,
            "효율 | 메모리 | 계산량 | 성능",
            "efficiency | memory | computation | performance",
            "accuracy",
            "the efficiency and performance columns need accuracy data; memory and computation are "
            "lecture-summary-table",
        ),
        Unchecked(
            "002:198",
            SECTION,
            "가장 길다",
            "the longest",
            "hardware",
            "VGGNet's forward time needs timing on hardware; its MACs (the most of the four) are in "
            "lecture-summary-table, and `archstats claims --measure` times it on the machine it runs on "
            "(lecture-summary-forward-time, apart from the verdicts)",
        ),
        Unchecked(
            "003:3-4",
            SECTION,
            "약 1500만장의 라벨링된 고해상도 이미지 ... 약 22,000개 카테고리",
            "about 15 million labelled high-resolution images ... about 22,000 categories",
            "dataset",
        ),
        Unchecked(
            "003:7",
            SECTION,
            "2010년 부터 2017년 까지 진행된 컴퓨터 비전 경진대회",
            "a computer vision competition held from 2010 to 2017",
            "history",
        ),
        Unchecked(
            "003:8",
            SECTION,
            "1000개 카테고리 약 120만장의 학습용이미지, 5만장의 검증 이미지, 15만장의 테스트 이미지",
            "1000 categories, about 1.2 million training images, 50,000 validation images, 150,000 test images",
            "dataset",
        ),
        Unchecked(
            "003:9",
            SECTION,
            "2012년 CNN기반 딥러닝 알고리즘인 AlexNet이 2위와 큰 차이로 우승",
            "in 2012 AlexNet, a CNN-based deep learning algorithm, won by a wide margin over second place",
            "history",
        ),
        Unchecked(
            "003:10-11",
            SECTION,
            "2015년 우승한 ResNet은 0.036의 에러율로 우승 ... "
            "사람이 판단했을 떄 보이는 에러율이라 알려진 0.05 보다 높은 정확도",
            "ResNet, the 2015 winner, won with an error rate of 0.036 ... more accurate than the 0.05 error rate "
            "known for humans",
            "accuracy",
        ),
        Unchecked(
            "003:17", SECTION, "images/image67.png", "an image of the notes", "not quantitative", "a figure link"
        ),
        Unchecked("003:23", SECTION, "VGG16", "VGG16", "not quantitative", "a heading: the model's name"),
        Unchecked(
            "003:24-25",
            SECTION,
            "ImageNet ILSVRC Challenge 2014에서 2등한 모델 ... 1등한 GoogLeNet보다 더 각광받음",
            "the model placed 2nd in the ImageNet ILSVRC 2014 challenge ... got more attention than GoogLeNet, "
            "which placed 1st",
            "history",
        ),
        Unchecked(
            "003:30",
            SECTION,
            "19 layer의 성능이 16 layer보다 크게 나아지지 않음",
            "the 19-layer net performs not much better than the 16-layer one",
            "accuracy",
        ),
        Unchecked(
            "003:36", SECTION, "images/image69.png", "an image of the notes", "not quantitative", "a figure link"
        ),
        Unchecked(
            "003:44", SECTION, "images/image68.png", "an image of the notes", "not quantitative", "a figure link"
        ),
        Unchecked("004:1", SECTION, "ILSVRC 2012년 1등", "first in ILSVRC 2012", "history"),
        Unchecked("004:7", SECTION, "![1]", "an image of the notes", "not quantitative", "a figure link labelled 1"),
        Unchecked("004:31", SECTION, "ILSVRC 2014년 2등", "second in ILSVRC 2014", "history"),
        Unchecked(
            "004:37",
            SECTION,
            "3x3 filter를 사용하여 성능 향상",
            "performance improves by using 3x3 filters",
            "accuracy",
            "the use of 3x3 filters is vgg-stacked-3x3-for-5x5",
        ),
        Unchecked(
            "004:49-50",
            SECTION,
            "가중치 초기화 값은 평균 0 분산 0.01인 정규 분포에서 무작위 추출 ... "
            "학습된 첫 번째, 네 번째 conv layer와 3개의 FC layer 가중치를 이용하여 다른 깊은 모델을 학습",
            "initial weights drawn from a normal distribution with mean 0 and variance 0.01 ... deeper models "
            "trained from the learned weights of the first and fourth conv layers and the 3 FC layers",
            "training",
        ),
        Unchecked(
            "004:55-57",
            SECTION,
            "256x256 고정 ... 356x356 고정 ... [256, 512] 범위로 랜덤하게 resize",
            "fixed 256x256 ... fixed 356x356 ... resized at random within [256, 512]",
            "training",
            "training-scale augmentation (paper: Section 3.1 uses S = 256 and S = 384)",
        ),
    ]
)


# --- helpers -------------------------------------------------------------------------------------------


def _features(model: nn.Module) -> nn.Sequential:
    """The ``features`` stack (convs and pools) of AlexNet, ZFNet or VGG."""
    return submodule(model, "features", nn.Sequential)


def _convs(model: nn.Module) -> list[nn.Conv2d]:
    return [m for m in _features(model) if isinstance(m, nn.Conv2d)]


def _linears(model: nn.Module) -> list[nn.Linear]:
    return [m for m in submodule(model, "classifier", nn.Sequential) if isinstance(m, nn.Linear)]


def _numel(shape: str) -> int:
    return math.prod(parse_shape(shape))


def _hwc(shape: str) -> str:
    """'1x96x55x55' -> '55x55x96', the notes' H x W x C."""
    _, c, h, w = parse_shape(shape)
    return f"{h}x{w}x{c}"


def _mb(nbytes: float) -> str:
    """Bytes in the notes' decimal MB."""
    return f"{nbytes / MB:.2f} MB"


def _millions(n: float) -> str:
    return f"{n / 1e6:.1f}M"


def _count(profile: Any, layer_type: str) -> int:
    return int((profile.layers.type == layer_type).sum())


def _kernel(m: nn.Conv2d) -> str:
    """'11x11/4': a conv's kernel and stride."""
    k, s = cast("tuple[int, int]", m.kernel_size), cast("tuple[int, int]", m.stride)
    return f"{k[0]}x{k[1]}/{s[0]}"


def _kept_rows(profile: Any) -> Any:
    """The layers whose output is a new tensor, as :func:`base.layer_outputs` counts them (input apart)."""
    rows = profile.layers
    names = [m for m in rows.module if m != "(model)"]
    parents = {n.rsplit(".", 1)[0] for n in names if "." in n}
    leaves = rows[rows.module.isin([n for n in names if n not in parents])]
    return leaves[leaves.activation_bytes > 0]


def _memory(profile: Any) -> int:
    """Memory as the notes count it: the input and every layer's new output, fp32."""
    return FP32 * layer_outputs(profile)


def _stages(profile: Any) -> list[list[Any]]:
    """VGG's conv rows grouped into stages, split at the max pools."""
    stages: list[list[Any]] = [[]]
    for _, r in profile.layers.iterrows():
        if r.type == "MaxPool2d":
            stages.append([])
        elif r.type == "Conv2d":
            stages[-1].append(r)
    return [s for s in stages if s]


def _both(readings: Sequence[Reading], add: Callable[[Reading], Any]) -> None:
    """Add the same points to every reading (the parts of a claim its readings share)."""
    for reading in readings:
        add(reading)


# --- AlexNet -------------------------------------------------------------------------------------------


@check("alexnet-conv1")
def alexnet_conv1(claim: Claim) -> Outcome:
    profile = measure("alexnet")
    row = layer_row(profile, "features.0")
    conv = _convs(zoo_model("alexnet"))[0]
    product = 11 * 11 * 3 * 96  # the notes' "11 x 11 x 3 x 96"
    side = (227 - 11) / 4 + 1  # the notes' output formula
    weights, biases = conv.weight.numel(), int(row.params) - conv.weight.numel()
    literal = Reading()
    literal.figure(
        "conv1 parameters", exact(product), int(row.params), kind="count", arithmetic=f"{weights:,} + {biases} biases"
    )
    weights_only = Reading("the product counts the weights only (biases left out)", ALTERNATIVE)
    weights_only.figure("conv1 weights", exact(product), weights, kind="count", arithmetic="11 * 11 * 3 * 96")

    def shared(r: Reading) -> None:
        r.equal("input", "227x227x3", _hwc(row.input_shape))
        r.equal("filters, kernel/stride", "96, 11x11/4", f"{conv.out_channels}, {_kernel(conv)}")
        r.equal("output", f"{side:.0f}x{side:.0f}x96", _hwc(row.output_shape), arithmetic="(227 - 11) / 4 + 1 = 55")

    _both((literal, weights_only), shared)
    return Outcome(
        (literal, weights_only),
        f"conv1 has 11*11*3*96 = {weights:,} weights and {biases} biases, {int(row.params):,} parameters in all, and "
        f"outputs {_hwc(row.output_shape)} at 227: as all parameters the product is {biases} short, as weights exact",
        (Measurement("conv1 MACs", int(row.macs), "macs"),),
        formula="params = K*K*C_in*C_out (+ C_out biases); out = (W - K)/S + 1",
        correction=f"conv1 has {int(row.params):,} parameters: 11*11*3*96 = {weights:,} weights + {biases} biases",
    )


@check("alexnet-pool1")
def alexnet_pool1(claim: Claim) -> Outcome:
    profile = measure("alexnet")
    row = profile.layers[profile.layers.type == "MaxPool2d"].iloc[0]
    pool = submodule(zoo_model("alexnet"), row.module, nn.MaxPool2d)
    side = (55 - 3) / 2 + 1  # the notes' output formula
    literal = Reading()
    literal.equal("output", f"{side:.0f}x{side:.0f}x96", _hwc(row.output_shape), arithmetic="(55 - 3) / 2 + 1 = 27")
    literal.equal("parameters", 0, int(row.params), kind="count")
    literal.equal("window, stride", (3, 2), (pool.kernel_size, pool.stride))
    literal.equal("input", "55x55x96", _hwc(row.input_shape))
    return Outcome(
        (literal,),
        f"pool1 ({row.module}, {pool.kernel_size}x{pool.kernel_size} stride {pool.stride}) has no weights and maps "
        f"{_hwc(row.input_shape)} to {_hwc(row.output_shape)}: (55 - 3) / 2 + 1 = 27",
        formula="out = (W - F)/S + 1",
        correction=f"pool1 maps {_hwc(row.input_shape)} to {_hwc(row.output_shape)} with no parameters",
    )


@check("alexnet-224-vs-227")
def alexnet_224_vs_227(claim: Claim) -> Outcome:
    at_227 = measure("alexnet")
    model = zoo_model("alexnet")
    at_224 = measure(_features(model), (3, 224, 224)).layers
    fc6_in = _linears(model)[0].in_features
    side_227 = parse_shape(layer_row(at_227, "features.0").output_shape)[-1]
    side_224 = parse_shape(at_224.output_shape.iloc[0])[-1]
    flat_227 = _numel(layer_row(at_227, "features.14").output_shape)
    flat_224 = _numel(at_224.output_shape.iloc[-1])
    literal = Reading()
    literal.equal("conv1 output side at 227", 55, side_227, arithmetic="(227 - 11) / 4 + 1 = 55")
    literal.equal("features at 227 = fc6 inputs", fc6_in, flat_227, kind="count", arithmetic="256 * 6 * 6 = 9,216")
    literal.flag("conv1 at 224 does not give 55", side_224 != 55, side_224, arithmetic="(224 - 11) / 4 + 1 = 54.25")
    literal.flag("features at 224 do not fit fc6", flat_224 != fc6_in, flat_224, kind="count")
    single = measure("alexnet_single").layers.output_shape.iloc[0]
    return Outcome(
        (literal,),
        f"the unpadded 11x11/4 conv1 gives {side_227}x{side_227} at 227 and {side_224}x{side_224} at 224 "
        f"((224 - 11) / 4 + 1 = 54.25), so at 224 the features flatten to {flat_224:,} values against fc6's {fc6_in:,}",
        (Measurement("torchvision's single-tower conv1 (pad 2) output at 224", _hwc(single)),),
        formula="out = floor((W + 2P - K)/S) + 1",
        correction="an unpadded 11x11/4 conv1 needs 227x227 to give 55x55; 224 gives 54x54 "
        "((224 - 11)/4 + 1 = 54.25), or 55x55 with 2 pixels of padding: floor((224 + 4 - 11)/4) + 1 = 55",
    )


def _ungrouped_alexnet() -> nn.Module:
    """The two-tower AlexNet with its grouped convs (conv2, conv4, conv5) made dense: one GPU's wiring."""
    model = build("alexnet")
    features = _features(model)
    for i, m in enumerate(features):
        if isinstance(m, nn.Conv2d) and m.groups > 1:
            # Conv2d keeps kernel_size, stride and padding as pairs (torch types them as tuple[int, ...])
            kernel, stride = cast("tuple[int, int]", m.kernel_size), cast("tuple[int, int]", m.stride)
            padding = cast("tuple[int, int]", m.padding)
            features[i] = nn.Conv2d(m.in_channels, m.out_channels, kernel, stride, padding, device="meta")
    return model


def _all_maps(reading: Reading, model: nn.Module, profile: Any) -> None:
    """The layers the notes say use every map of the previous layer: conv3 and FC6, 7, 8."""
    convs, fcs = _convs(model), _linears(model)
    reading.equal("conv3 maps per filter = all of conv2's", convs[1].out_channels, convs[2].weight.shape[1])
    pool3 = _numel(layer_row(profile, "features.14").output_shape)
    previous = (pool3, fcs[0].out_features, fcs[1].out_features)
    reading.equal("FC6, 7, 8 inputs = all of the previous layer's", previous, tuple(f.in_features for f in fcs))


@check("alexnet-two-gpu")
def alexnet_two_gpu(claim: Claim) -> Outcome:
    model, profile = zoo_model("alexnet"), measure("alexnet")
    convs = _convs(model)
    towers = max(c.groups for c in convs)
    used = tuple(int(convs[k].weight.shape[1]) for k in (1, 3, 4))  # the maps a conv2/4/5 filter uses
    per_tower = convs[0].out_channels // towers
    literal = Reading()
    split = ", ".join(f"{convs[k].in_channels}/{convs[k].groups}" for k in (1, 3, 4))
    literal.equal("maps per filter: conv2, conv4, conv5", (48, 48, 48), used, arithmetic=split)
    intended = Reading("intended: only their own GPU's maps (half of the previous layer's), not '48'", INTENDED)
    own = tuple(convs[k - 1].out_channels // 2 for k in (1, 3, 4))  # two GPUs: each sees half
    intended.equal("maps per filter = previous layer's / 2: conv2, conv4, conv5", own, used)

    def shared(r: Reading) -> None:
        r.equal("CONV1 output depth per GPU", 48, per_tower, arithmetic=f"{convs[0].out_channels} / {towers}")
        _all_maps(r, model, profile)

    _both((literal, intended), shared)
    grouped, dense = profile.totals, measure(_ungrouped_alexnet(), (3, 227, 227)).totals
    return Outcome(
        (literal, intended),
        f"a filter uses C_in / groups: conv2, conv4, conv5 {split} = {', '.join(map(str, used))}; '48' holds for "
        f"CONV1's depth per GPU and conv2 only, while conv3 and FC6-8 use all maps",
        (
            Measurement("params saved by the split (conv2/4/5 grouped)", dense.params - grouped.params, "count"),
            Measurement("MACs saved by the split", dense.macs - grouped.macs, "macs"),
        ),
        formula="maps per filter = C_in / groups",
        correction=f"conv2, conv4 and conv5 filters use {split} = {', '.join(map(str, used))} maps, their own GPU's "
        f"half of the previous layer; {per_tower} is CONV1's depth per GPU",
    )


@check("alexnet-60m")
def alexnet_60m(claim: Claim) -> Outcome:
    profile = measure("alexnet")
    total = profile.totals.params
    conv, fc = type_total(profile, "Conv2d", "params"), type_total(profile, "Linear", "params")
    literal = Reading()
    literal.figure("parameters", stated("60M"), total, kind="count", arithmetic=f"conv {conv:,} + FC {fc:,}")
    single = measure("alexnet_single").totals.params
    return Outcome(
        (literal,),
        f"the two-tower AlexNet has conv {conv:,} + FC {fc:,} = {total:,} parameters ({_millions(total)}, "
        f"{total / 60e6 - 1:+.1%} from 60M; the printed figure allows 59.5M-60.5M)",
        (Measurement("torchvision's single-tower AlexNet parameters", single, "count"),),
        correction=f"AlexNet has {total:,} parameters ({_millions(total)}): conv {conv:,} + FC {fc:,}",
    )


@check("alexnet-layout")
def alexnet_layout(claim: Claim) -> Outcome:
    profile = measure("alexnet")
    short = {"Conv2d": "conv", "MaxPool2d": "pool", "Linear": "fc"}
    order = " ".join(short[t] for t in profile.layers.type if t in short)
    counts = tuple(_count(profile, t) for t in ("Conv2d", "MaxPool2d", "LocalResponseNorm", "Linear"))
    kernels = tuple(c.kernel_size[0] for c in _convs(zoo_model("alexnet")))
    literal = Reading()
    # the notes: 2 x (conv, pool) + 3 conv + pool + 3 FC (the norms' place is alexnet-pool-norm-order)
    literal.equal("conv, pool and FC layers in order", "conv pool conv pool conv conv conv pool fc fc fc", order)
    literal.equal("conv, max pool, norm, FC layers", (2 + 3, 2 + 1, 2, 3), counts, arithmetic="2 + 3, 2 + 1, 2, 3")
    literal.equal("conv1, conv2 kernels", (11, 5), kernels[:2])
    return Outcome(
        (literal,),
        f"the two-tower AlexNet runs {order} ({counts[0]} conv, {counts[1]} max pool, {counts[2]} norm, "
        f"{counts[3]} FC); its kernels are {', '.join(f'{k}x{k}' for k in kernels)}",
        correction=f"AlexNet: {order}, kernels {', '.join(f'{k}x{k}' for k in kernels)}",
    )


def _reordered_alexnet() -> nn.Module:
    """The two-tower AlexNet with each LRN moved after its max pool (the notes' conv - pool - norm)."""
    model = build("alexnet")
    mods = list(_features(model))
    for i in range(len(mods) - 1):
        if isinstance(mods[i], nn.LocalResponseNorm) and isinstance(mods[i + 1], nn.MaxPool2d):
            mods[i], mods[i + 1] = mods[i + 1], mods[i]
    model.features = nn.Sequential(*mods)
    return model


@check("alexnet-pool-norm-order")
def alexnet_pool_norm_order(claim: Claim) -> Outcome:
    paper = measure("alexnet")
    short = {"Conv2d": "conv", "MaxPool2d": "pool", "LocalResponseNorm": "norm"}
    first_groups = " - ".join([short[t] for t in paper.layers.type if t in short][:6])
    literal = Reading()
    literal.equal("AlexNet's first two groups", "conv - pool - norm - conv - pool - norm", first_groups)
    notes = measure(_reordered_alexnet(), (3, 227, 227))
    return Outcome(
        (literal,),
        f"the two-tower AlexNet runs {first_groups} (paper, Section 3.5: max pooling follows the normalization "
        f"layers); pooling first would normalize the pooled maps: {_mb(_memory(notes))} of memory instead of "
        f"{_mb(_memory(paper))}",
        (
            Measurement("memory, paper's order (norm - pool)", _memory(paper), "bytes"),
            Measurement("memory, notes' order (pool - norm)", _memory(notes), "bytes"),
        ),
        correction="AlexNet normalizes before it pools: conv - ReLU - norm - pool, twice (paper: Section 3.5); "
        "conv - pool - norm is CaffeNet's order",
    )


@check("alexnet-relu-6x")
def alexnet_relu_6x(claim: Claim) -> Outcome:
    model = zoo_model("alexnet")
    kinds = (nn.Conv2d, nn.Linear, nn.ReLU, nn.LocalResponseNorm, nn.MaxPool2d, nn.Dropout)
    mods = [m for m in model.modules() if isinstance(m, kinds)]
    hidden = [i for i, m in enumerate(mods) if isinstance(m, (nn.Conv2d, nn.Linear))][:-1]
    followed = sum(isinstance(mods[i + 1], nn.ReLU) for i in hidden)
    saturating = sum(isinstance(m, (nn.Sigmoid, nn.Tanh)) for m in model.modules())
    literal = Reading()
    literal.unmeasurable("about 6x faster convergence than sigmoid or tanh", "needs training runs")
    literal.equal("hidden weight layers followed by a ReLU", len(hidden), followed, kind="count")
    literal.equal("sigmoid or tanh layers", 0, saturating, kind="count")
    return Outcome(
        (literal,),
        f"{followed} of AlexNet's {len(hidden)} hidden weight layers (conv1-5, FC6, FC7) feed a ReLU and none a "
        f"sigmoid or tanh; the 6x faster convergence needs training",
        correction=f"AlexNet: a ReLU after {followed} of its {len(hidden)} hidden weight layers",
    )


@check("alexnet-dropout")
def alexnet_dropout(claim: Claim) -> Outcome:
    model = zoo_model("alexnet")
    named = list(submodule(model, "classifier", nn.Sequential).named_children())
    places = [(i, m) for i, (_, m) in enumerate(named) if isinstance(m, nn.Dropout)]
    fc_names = {id(m): f"FC{6 + k}" for k, m in enumerate(_linears(model))}
    literal = Reading()
    where = []
    for i, drop in places:
        feeds = fc_names.get(id(named[i + 1][1]), type(named[i + 1][1]).__name__)
        where.append(f"before {feeds}")
        literal.figure(f"dropout rate before {feeds}", stated("0.5"), drop.p)
    literal.flag("dropout layers", bool(places), len(places), kind="count")
    return Outcome(
        (literal,),
        f"the two-tower AlexNet has {len(places)} Dropout layers, p = "
        f"{', '.join(str(m.p) for _, m in places)}, {' and '.join(where)}",
        (Measurement("dropout placement", ", ".join(where)),),
        correction=f"AlexNet drops out with p = {', '.join(str(m.p) for _, m in places)} {' and '.join(where)}",
    )


@check("alexnet-overlapping-pool")
def alexnet_overlapping_pool(claim: Claim) -> Outcome:
    model = zoo_model("alexnet")
    pools = [m for m in _features(model) if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d))]
    literal = Reading()
    for k, pool in enumerate(pools, 1):
        window, stride = cast(int, pool.kernel_size), cast(int, pool.stride)
        literal.flag(
            f"pool{k}: window > stride (overlapping)",
            window > stride,
            f"{window}x{window}/{stride}",
            arithmetic=f"{window} > {stride}",
        )
    literal.equal("max pools among the pools", len(pools), sum(isinstance(p, nn.MaxPool2d) for p in pools))
    shapes = ", ".join(f"{p.kernel_size}x{p.kernel_size}/{p.stride}" for p in pools)
    return Outcome(
        (literal,),
        f"AlexNet's {len(pools)} pools are max pools with windows {shapes}: each window shares a row or column "
        f"with the next (paper: z = 3 > s = 2)",
        correction=f"AlexNet's pools: {shapes}",
    )


@check("zfnet-alexnet-tuned")
def zfnet_alexnet_tuned(claim: Claim) -> Outcome:
    nets = {"alexnet": measure("alexnet"), "zfnet": measure("zfnet")}
    short = {"Conv2d": "conv", "MaxPool2d": "pool", "Linear": "fc"}
    order = {n: " ".join(short[t] for t in p.layers.type if t in short) for n, p in nets.items()}
    convs = {n: _convs(zoo_model(n)) for n in nets}
    setting = {n: ", ".join(f"{_kernel(c)} g{c.groups}" for c in cs) for n, cs in convs.items()}
    literal = Reading()
    literal.equal("conv, pool and FC layers in order (as AlexNet's)", order["alexnet"], order["zfnet"])
    literal.equal("depth (as AlexNet's)", nets["alexnet"].totals.depth, nets["zfnet"].totals.depth, kind="count")
    literal.flag("conv hyperparameters adjusted", setting["alexnet"] != setting["zfnet"], setting["zfnet"])
    return Outcome(
        (literal,),
        f"ZFNet keeps AlexNet's {order['zfnet']} ({nets['zfnet'].totals.depth} weight layers) and changes its "
        f"convs (kernel/stride, groups) from {setting['alexnet']} to {setting['zfnet']}",
        (
            Measurement("ZFNet parameters", nets["zfnet"].totals.params, "count"),
            Measurement("ZFNet MACs", nets["zfnet"].totals.macs, "macs"),
        ),
        correction=f"ZFNet's convs: {setting['zfnet']} (AlexNet's: {setting['alexnet']})",
    )


# --- VGG -----------------------------------------------------------------------------------------------


@check("vgg16-138m")
def vgg16_138m(claim: Claim) -> Outcome:
    profile = measure("vgg16")
    total = profile.totals.params
    conv, fc = type_total(profile, "Conv2d", "params"), type_total(profile, "Linear", "params")
    literal = Reading()
    literal.figure("parameters", stated("138M"), total, kind="count", arithmetic=f"conv {conv:,} + FC {fc:,}")
    return Outcome(
        (literal,),
        f"VGG16 has conv {conv:,} + FC {fc:,} = {total:,} parameters ({total / 1e6:.2f}M, {total / 138e6 - 1:+.2%} "
        "from 138M; the printed figure allows 137.5M-138.5M)",
        correction=f"VGG16 has {total:,} parameters ({_millions(total)}): conv {conv:,} + FC {fc:,}",
    )


@check("vgg16-16-layers")
def vgg16_16_layers(claim: Claim) -> Outcome:
    profile = measure("vgg16")
    n_conv, n_fc = _count(profile, "Conv2d"), _count(profile, "Linear")
    vgg19 = measure("vgg19").totals.depth
    literal = Reading()
    literal.equal("VGG16 depth", 16, profile.totals.depth, kind="count")
    literal.equal("VGG16 conv + FC layers", 16, n_conv + n_fc, kind="count", arithmetic=f"{n_conv} + {n_fc}")
    literal.figure("VGG19 depth in '16 ~ 19'", stated("16 ~ 19"), vgg19, kind="count")
    return Outcome(
        (literal,),
        f"VGG16 has {n_conv} conv + {n_fc} FC = {n_conv + n_fc} weight layers, all on one path (depth "
        f"{profile.totals.depth}); VGG19 has depth {vgg19}; pools and ReLUs have no weights",
        formula="depth = #conv + #FC",
        correction=f"VGG16: {n_conv} conv + {n_fc} FC = {n_conv + n_fc} layers; VGG19: {vgg19}",
    )


@check("vgg16-fc-share")
def vgg16_fc_share(claim: Claim) -> Outcome:
    profile = measure("vgg16")
    fc_rows = profile.layers[profile.layers.type == "Linear"]
    fc, total = int(fc_rows.params.sum()), profile.totals.params
    per_fc = " + ".join(f"{int(p):,}" for p in fc_rows.params)
    literal = Reading()
    literal.figure("FC parameters (1억 2천만 정도)", stated("120M", bound=ABOUT), fc, kind="count", arithmetic=per_fc)
    literal.figure("all parameters (약 1억4천만)", stated("140M", bound=ABOUT), total, kind="count")
    literal.equal("FC layers", 3, len(fc_rows), kind="count")
    return Outcome(
        (literal,),
        f"VGG16's {len(fc_rows)} FC layers hold {per_fc} = {fc:,} of {total:,} parameters ({fc / total:.1%})",
        (Measurement("FC share of the parameters", fc / total),),
        formula="FC = (7*7*512 + 1)*4096 + (4096 + 1)*4096 + (4096 + 1)*1000",
        correction=f"VGG16's FC layers hold {fc:,} ({_millions(fc)}) of its {total:,} ({_millions(total)}) parameters",
    )


@check("vgg-filters-double")
def vgg_filters_double(claim: Claim) -> Outcome:
    widths = [sorted({channels(r.output_shape) for r in s}) for s in _stages(measure("vgg16"))]
    per_stage = tuple(w[0] for w in widths)
    literal = Reading()
    literal.equal("filters, stages 1-4", (64, 128, 256, 512), per_stage[:4])
    ratios = tuple(b / a for a, b in zip(per_stage[:3], per_stage[1:4]))
    literal.equal("growth from stage to stage", (2.0, 2.0, 2.0), ratios, arithmetic="128/64, 256/128, 512/256")
    literal.flag("one width per stage", all(len(w) == 1 for w in widths), str(widths))
    return Outcome(
        (literal,),
        f"VGG16's five stages have {', '.join(map(str, per_stage))} filters: doubling through stage 4, the "
        f"fifth keeps {per_stage[-1]}",
        (Measurement("stage 5 filters", per_stage[-1], "count"),),
        correction=f"VGG16's stages have {', '.join(map(str, per_stage))} filters",
    )


@check("vgg16-memory-100mb")
def vgg16_memory_100mb(claim: Claim) -> Outcome:
    profile, training = measure("vgg16"), measure("vgg16", training=True)
    values = layer_outputs(profile)
    peak, train_peak = profile.totals.peak_bytes, training.totals.peak_bytes
    literal = Reading()
    literal.figure(
        "memory per image: input and layer outputs, fp32",
        stated("100MB"),
        FP32 * values,
        kind="bytes",
        arithmetic=f"4 * {values:,} values",
    )
    literal.flag(
        "more with backward: training-mode peak > inference peak",
        train_peak > peak,
        train_peak,
        kind="bytes",
        arithmetic=f"{_mb(train_peak)} > {_mb(peak)}",
    )
    pool_rows = profile.layers[profile.layers.type == "MaxPool2d"]
    indices = int(pool_rows.activation_bytes.sum()) - FP32 * sum(_numel(s) for s in pool_rows.output_shape)
    return Outcome(
        (literal,),
        f"a VGG16 forward keeps {values:,} values (input and every layer's output) = 4 * {values:,} = "
        f"{_mb(FP32 * values)} per image, not 100 MB; a training-mode forward peaks at {_mb(train_peak)} against "
        f"{_mb(peak)} for inference",
        (
            Measurement(
                "allocated by the forward (incl. int64 max-pool indices)", profile.totals.activation_bytes, "bytes"
            ),
            Measurement("of which max-pool indices", indices, "bytes"),
            Measurement("inference peak", peak, "bytes"),
        ),
        formula="memory = 4 bytes * (input + every layer's output values)",
        correction=f"VGG16 keeps {values:,} values per image, 4 * {values:,} = {FP32 * values:,} bytes "
        f"({_mb(FP32 * values)}); CS231n's '24M values ~= 96MB', which the 100MB rounds, overcounts its own table",
    )


def _halves(name: str) -> dict[str, float]:
    """Shares of memory (input and layer outputs) and parameters in the first half of the weight layers."""
    profile = measure(name)
    rows = _kept_rows(profile)
    half = profile.totals.depth // 2
    values = rows.output_shape.map(_numel)
    early_values = _numel(layer_row(profile, "(model)").input_shape) + int(values[rows.depth <= half].sum())
    layers = profile.layers
    return {
        "half": half,
        "mem": early_values / layer_outputs(profile),
        "params": int(layers.params[layers.depth <= half].sum()) / profile.totals.params,
        "fc_params": type_total(profile, "Linear", "params") / profile.totals.params,
    }


@check("early-memory-late-params")
def early_memory_late_params(claim: Claim) -> Outcome:
    nets = {"VGG16": _halves("vgg16"), "AlexNet": _halves("alexnet")}
    literal = Reading()
    for label, h in nets.items():
        span = f"depth 1-{h['half']:.0f}"
        literal.flag(f"{label} {span}: memory share > 1/2", h["mem"] > 0.5, h["mem"])
        literal.flag(f"{label} {span}: parameter share < 1/2", h["params"] < 0.5, h["params"])
    v, a = nets["VGG16"], nets["AlexNet"]
    return Outcome(
        (literal,),
        f"the first half of the weight layers keeps {v['mem']:.1%} of VGG16's memory with {v['params']:.1%} of "
        f"its parameters (AlexNet: {a['mem']:.1%} and {a['params']:.1%})",
        tuple(Measurement(f"{label}: FC share of the parameters", h["fc_params"]) for label, h in nets.items()),
        correction=f"early half: VGG16 {v['mem']:.1%} of the memory, {v['params']:.1%} of the parameters; "
        f"AlexNet {a['mem']:.1%} and {a['params']:.1%}",
    )


@check("vgg-configs-depths")
def vgg_configs_depths(claim: Claim) -> Outcome:
    literal = Reading()
    depths = {}
    for config, name, layers in (("A", "vgg11", 11), ("B", "vgg13", 13), ("D", "vgg16", 16), ("E", "vgg19", 19)):
        depths[name] = measure(name).totals.depth
        literal.equal(f"{config} ({name}) depth", layers, depths[name], kind="count")
    measured = ", ".join(str(d) for d in depths.values())
    return Outcome(
        (literal,),
        f"configurations A, B, D, E have {measured} weight layers (8, 10, 13, 16 convs + 3 FC)",
        correction=f"VGG A, B, D, E: {measured} layers",
    )


def _vgg_shapes(profile: Any, model: nn.Module) -> tuple[int, int, int, int, int]:
    """VGG16's convs that are 3x3/1 'same', its 2x2/2 pools that halve, other layers changing the size."""
    conv_ok = pool_ok = elsewhere = n_conv = n_pool = 0
    for _, r in profile.layers.iterrows():
        if r.module == "(model)" or len(parse_shape(r.input_shape)) != 4:
            continue
        hw_in, hw_out = parse_shape(r.input_shape)[2:], parse_shape(r.output_shape)[2:]
        if r.type == "Conv2d":
            conv = submodule(model, r.module, nn.Conv2d)
            n_conv += 1
            conv_ok += conv.kernel_size == (3, 3) and conv.stride == (1, 1) and hw_out == hw_in
        elif r.type == "MaxPool2d":
            pool = submodule(model, r.module, nn.MaxPool2d)
            n_pool += 1
            pool_ok += pool.kernel_size == 2 and pool.stride == 2 and hw_out == tuple(s // 2 for s in hw_in)
        else:
            elsewhere += hw_out != hw_in
    return n_conv, conv_ok, n_pool, pool_ok, elsewhere


@check("vgg-3x3-same-pool-halves")
def vgg_3x3_same_pool_halves(claim: Claim) -> Outcome:
    profile = measure("vgg16")
    n_conv, conv_ok, n_pool, pool_ok, elsewhere = _vgg_shapes(profile, zoo_model("vgg16"))
    sizes = [parse_shape(s)[-1] for s in profile.layers[profile.layers.type == "MaxPool2d"].output_shape]
    literal = Reading()
    literal.equal("convs that are 3x3, stride 1, same", n_conv, conv_ok, kind="count", arithmetic=f"of {n_conv}")
    literal.equal("2x2 max pools that halve the map", n_pool, pool_ok, kind="count", arithmetic=f"of {n_pool}")
    literal.equal("other layers that change the map size", 0, elsewhere, kind="count")
    return Outcome(
        (literal,),
        f"{conv_ok} of VGG16's {n_conv} convs are 3x3 stride 1 and keep their map size; {pool_ok} of {n_pool} "
        f"2x2/2 max pools halve it (224 -> {' -> '.join(map(str, sizes))})",
        correction=f"VGG16: {conv_ok}/{n_conv} convs 3x3/1 same, {pool_ok}/{n_pool} pools 2x2/2",
    )


@check("vgg-stacked-3x3-for-5x5")
def vgg_stacked_3x3_for_5x5(claim: Claim) -> Outcome:
    alexnet = tuple(c.kernel_size[0] for c in _convs(zoo_model("alexnet")))
    vgg_kernels = sorted({c.kernel_size[0] for c in _convs(zoo_model("vgg16"))})
    stacks = tuple(len(s) for s in _stages(measure("vgg16")))
    literal = Reading()
    literal.flag("AlexNet uses 5x5 (and 11x11) filters", 5 in alexnet and 11 in alexnet, str(alexnet))
    literal.equal("VGG16 kernel sizes", [3], vgg_kernels)
    literal.flag("VGG16 stacks at least two 3x3 convs between pools", min(stacks) >= 2, str(stacks))
    return Outcome(
        (literal,),
        f"AlexNet's conv kernels are {', '.join(f'{k}x{k}' for k in alexnet)}; VGG16's are all 3x3, stacked "
        f"{', '.join(map(str, stacks))} per stage",
        correction=f"AlexNet kernels {alexnet}; VGG16 3x3 convs per stage {stacks}",
    )


def _same_width_3x3_macs(name: str) -> list[tuple[int, int, int]]:
    """(channels, map side, MACs) of one width-keeping 3x3/1 conv per stage, largest map first."""
    model, profile = zoo_model(name), measure(name)
    out: dict[tuple[int, int], int] = {}
    for _, r in profile.layers[profile.layers.type == "Conv2d"].iterrows():
        m = submodule(model, r.module, nn.Conv2d)
        i, o = parse_shape(r.input_shape), parse_shape(r.output_shape)
        if m.kernel_size == (3, 3) and m.stride == (1, 1) and i[1:] == o[1:]:
            out.setdefault((o[1], o[2]), int(r.macs))
    return [(c, h, macs) for (c, h), macs in sorted(out.items(), key=lambda kv: -kv[0][1])]


@check("vgg-constant-compute")
def vgg_constant_compute(claim: Claim) -> Outcome:
    literal = Reading()
    apart = []
    for name, label in (("vgg16", "VGG16"), ("resnet34", "ResNet-34")):
        stages = _same_width_3x3_macs(name)
        c0, h0, base_macs = stages[0]
        prev = c0
        for c, h, macs in stages[1:]:
            if c == 2 * prev:  # the filters doubled as the map shrank: the claim's premise
                literal.equal(
                    f"{label} C={c} at {h}x{h} vs C={c0} at {h0}x{h0}",
                    base_macs,
                    macs,
                    kind="macs",
                    arithmetic=f"{h}*{h}*9*{c}*{c} = {h * h * 9 * c * c:,}",
                )
            else:
                apart.append(Measurement(f"{label} C={c} at {h}x{h} (filters not doubled) / stage 1", macs / base_macs))
            prev = c
    return Outcome(
        (literal,),
        "where the filters double as the map halves, a width-keeping 3x3 conv costs the same: "
        "(H/2)*(W/2)*9*(2C)^2 = H*W*9*C^2 (VGG16: 224*224*9*64*64 = 1,849,688,064 per conv in stages 1-4)",
        tuple(apart),
        formula="MACs = H*W*9*C^2",
        correction="a width-keeping 3x3 conv costs H*W*9*C^2 MACs: constant while C doubles as H and W halve",
    )


@check("vgg19-more-memory")
def vgg19_more_memory(claim: Claim) -> Outcome:
    v16, v19 = measure("vgg16"), measure("vgg19")
    m16, m19 = layer_outputs(v16), layer_outputs(v19)
    literal = Reading()
    literal.flag(
        "VGG19 / VGG16 memory (input and layer outputs) > 1",
        m19 > m16,
        m19 / m16,
        kind="ratio",
        arithmetic=f"{m19:,} / {m16:,} values",
    )
    return Outcome(
        (literal,),
        f"VGG19 keeps {m19:,} values per image against VGG16's {m16:,} ({m19 / m16:.3f}x: conv3_4, conv4_4 and "
        f"conv5_4 add their outputs); the inference peak sits in the identical first stage",
        (
            Measurement("VGG19 / VGG16 inference peak", v19.totals.peak_bytes / v16.totals.peak_bytes, "ratio"),
            Measurement("VGG19 / VGG16 weights", v19.totals.params / v16.totals.params, "ratio"),
        ),
        correction=f"VGG19 keeps {m19 / m16:.3f}x VGG16's values per image ({_mb(FP32 * m19)} vs {_mb(FP32 * m16)})",
    )


@check("vgg-no-lrn")
def vgg_no_lrn(claim: Claim) -> Outcome:
    literal = Reading()
    for config, name in (("D", "vgg16"), ("A", "vgg11"), ("B", "vgg13"), ("C", "vgg16_c"), ("E", "vgg19")):
        literal.equal(f"LRN layers in {config} ({name})", 0, _count(measure(name), "LocalResponseNorm"), kind="count")
    in_alexnet = _count(measure("alexnet"), "LocalResponseNorm")
    literal.flag("AlexNet has LRN layers", in_alexnet > 0, in_alexnet, kind="count")
    tested = sum(isinstance(m, nn.LocalResponseNorm) for m in zoo_model("vgg11_lrn").modules())
    return Outcome(
        (literal,),
        f"none of VGG's configurations A-E has a LocalResponseNorm layer; AlexNet has {in_alexnet}",
        (Measurement("LRN layers in the paper's A-LRN (vgg11_lrn), the tested variant", tested, "count"),),
        correction=f"VGG has no LRN; AlexNet has {in_alexnet}",
    )


@check("vgg-1x1-conv-nonlinearity")
def vgg_1x1_conv_nonlinearity(claim: Claim) -> Outcome:
    model, profile = zoo_model("vgg16_c"), measure("vgg16_c")
    mods = list(_features(model))
    rows = profile.layers.reset_index(drop=True)
    literal = Reading()
    kept = []
    for i, m in enumerate(mods):
        if not (isinstance(m, nn.Conv2d) and m.kernel_size == (1, 1)):
            continue
        name = f"features.{i}"
        row = layer_row(profile, name)
        literal.equal(f"{name}: input = output channels", m.in_channels, m.out_channels)
        literal.equal(f"{name}: map size kept", _hwc(row.input_shape), _hwc(row.output_shape))
        literal.flag(f"{name}: followed by a ReLU", isinstance(mods[i + 1], nn.ReLU), type(mods[i + 1]).__name__)
        before = rows.rf_size_h[rows.index[rows.module == name][0] - 1]
        kept.append(Measurement(f"{name}: receptive field before -> after", f"{before} -> {row.rf_size_h}"))
    return Outcome(
        (literal,),
        f"configuration C has {len(kept)} 1x1 convs, each C -> C on an unchanged map and followed by a ReLU: "
        "per pixel a linear map, made non-linear by the ReLU, with the receptive field unchanged",
        tuple(kept),
        correction=f"VGG-C's {len(kept)} 1x1 convs keep channels and map size and feed a ReLU",
    )


# --- the lecture's comparison table (002:195-200) --------------------------------------------------------

_NAMES = {"alexnet": "AlexNet", "vgg16": "VGG16", "googlenet": "GoogLeNet", "resnet152": "ResNet-152"}
# Levels as the table states them: 0 = 적다 (low), 1 = 중간 (medium), 2 = 많다 (high).
_MEMORY_LEVELS = {"alexnet": 2, "vgg16": 2, "googlenet": 0, "resnet152": 1}
_COMPUTE_LEVELS = {"alexnet": 0, "vgg16": 2, "googlenet": 0, "resnet152": 1}


def _stated_order(levels: dict[str, int]) -> str:
    groups = sorted(set(levels.values()), reverse=True)
    return " > ".join(", ".join(_NAMES[n] for n in levels if levels[n] == g) for g in groups)


def _measured_order(values: dict[str, float]) -> str:
    return " > ".join(_NAMES[n] for n in sorted(values, key=lambda n: values[n], reverse=True))


def _order_point(
    reading: Reading, column: str, levels: dict[str, int], values: dict[str, float], fmt: Callable[[float], str]
) -> None:
    """Every order the table implies (a above b) must hold in the measured values."""
    pairs = [(a, b) for a in levels for b in levels if levels[a] > levels[b]]
    bad = [f"{_NAMES[a]} < {_NAMES[b]}" for a, b in pairs if not values[a] > values[b]]
    shown = ", ".join(f"{_NAMES[n]} {fmt(values[n])}" for n in levels)
    held = f"{len(pairs) - len(bad)}/{len(pairs)} stated orders hold" + (f"; not {', '.join(bad)}" if bad else "")
    reading.flag(f"{column}: {_stated_order(levels)}", not bad, _measured_order(values), arithmetic=f"{shown} ({held})")


def _gmacs(macs: float) -> str:
    return f"{macs / 1e9:.2f} GMACs"


@check("lecture-summary-table")
def lecture_summary_table(claim: Claim) -> Outcome:
    profiles = {n: measure(n) for n in _NAMES}
    activations = {n: float(_memory(p)) for n, p in profiles.items()}
    weights = {n: float(p.totals.model_bytes_fp32) for n, p in profiles.items()}
    macs = {n: float(p.totals.macs) for n, p in profiles.items()}
    literal = Reading("memory = activations, as the notes count memory (002:61)")
    _order_point(literal, "memory (activations)", _MEMORY_LEVELS, activations, _mb)
    weight_memory = Reading("memory = the weights' memory", ALTERNATIVE)
    _order_point(weight_memory, "memory (weights)", _MEMORY_LEVELS, weights, _mb)
    _both((literal, weight_memory), lambda r: _order_point(r, "computation (MACs)", _COMPUTE_LEVELS, macs, _gmacs))
    peaks = {n: float(p.totals.peak_bytes) for n, p in profiles.items()}
    return Outcome(
        (literal, weight_memory),
        f"activations: {_measured_order(activations)}; weights: {_measured_order(weights)}; MACs: "
        f"{_measured_order(macs)}: AlexNet's memory is high only by its weights ({_mb(weights['alexnet'])}; "
        f"activations {_mb(activations['alexnet'])})",
        (Measurement("allocator's inference peak, order", _measured_order(peaks)),),
        correction=f"by activations {_measured_order(activations)} "
        f"({', '.join(f'{_NAMES[n]} {_mb(v)}' for n, v in activations.items())}); by weights "
        f"{_measured_order(weights)}",
    )

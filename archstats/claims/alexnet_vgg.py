"""AlexNet and VGG: layer arithmetic, headline parameter counts, memory, and the lecture's comparison table."""

from __future__ import annotations

import math
from typing import cast

from torch import nn

from ..errors import ModelRunError
from ..units import human
from .base import (
    FAILS,
    HOLDS,
    NOT_CHECKABLE,
    Claim,
    Measurement,
    Outcome,
    Sweep,
    build,
    channels,
    check,
    judge,
    judge_all,
    layer_row,
    measure,
    params_of,
    parse_shape,
    register,
    submodule,
    type_total,
)

SECTION = "AlexNet and VGG"

MB = 1e6  # the notes' "MB" read as 10^6 bytes (CS231n's "24M * 4 bytes ~= 96MB" is decimal arithmetic)
WEIGHT_TYPES = ("Conv2d", "Linear")

register(
    [
        Claim(
            id="alexnet-conv1",
            section=SECTION,
            source="002:12-17",
            quote="입력의 크기가 227 x 227 x 3이다 / 총 파라미터 수 : 11 x 11 x 3 x 96 / "
            "출력의 크기 : (227-11)/4+1 = 55 => 55 x 55 x 96",
            statement="On a 227x227x3 input, AlexNet's conv1 (96 filters, 11x11, stride 4) has 11x11x3x96 "
            "weights and outputs 55x55x96.",
            interpretation="the original two-tower AlexNet's conv1 row (zoo 'alexnet' at 3x227x227) and the same "
            "conv built alone without bias; '11 x 11 x 3 x 96' counts weights only, the 96 biases are reported "
            "beside it; the output shape is read from the profile",
            tolerance=0.0,
        ),
        Claim(
            id="alexnet-pool1",
            section=SECTION,
            source="002:19-22",
            quote="필터 : 3 x 3, stride=2 / 총 파라미터 수 : 0 / 출력의 크기 : (55-3)/2 + 1 = 27 => 27 x 27 x 96",
            statement="AlexNet's pool1 (3x3, stride 2) has no parameters and turns 55x55x96 into 27x27x96.",
            interpretation="the first MaxPool2d row of the zoo's two-tower AlexNet at 3x227x227: its params, "
            "kernel, stride and output shape",
            tolerance=0.0,
        ),
        Claim(
            id="alexnet-224-vs-227",
            section=SECTION,
            source="002:40",
            quote="논문에는 224 x 224로 되어 있지만 실제는 227 x 227",
            statement="The paper states 224x224 inputs, but conv1 (11x11, stride 4, no padding) only gives "
            "55x55 on 227x227: (224-11)/4+1 is not an integer.",
            interpretation="the unpadded conv1 of the two-tower AlexNet profiled at 3x227x227 and (its conv "
            "stack, since the classifier then breaks) at 3x224x224; torchvision's single-tower variant, whose "
            "conv1 pads by 2, is profiled at 224 beside it",
            tolerance=0.0,
        ),
        Claim(
            id="alexnet-two-gpu",
            section=SECTION,
            source="002:37-39",
            quote="CONV1의 출력을 잘 살펴보면 depth가 96이 아니라 48이다 / "
            "Conv1, 2, 4, 5는 48개의 feature map만 사용 / Conv 3, FC 6, 7, 8은 모든 Feature map을 사용",
            statement="AlexNet is split over two GPUs: conv1 makes 48 maps per GPU, conv1, 2, 4 and 5 use only 48 "
            "feature maps (their own GPU's), while conv3 and FC6-8 use all feature maps.",
            interpretation="the two-tower AlexNet (groups=2 in conv2, conv4, conv5): maps each filter sees = "
            "the weight's input-channel dimension; conv1's filters see the 3-channel image, so its '48' is read as "
            "its per-tower output; the same net with conv2/4/5 ungrouped is profiled for the cost of the split",
            tolerance=0.0,
        ),
        Claim(
            id="alexnet-60m",
            section=SECTION,
            source="002:63",
            quote="AlexNet은 60M",
            statement="AlexNet has 60M parameters.",
            interpretation="params of the original two-tower AlexNet (zoo 'alexnet'); holds within the rounding of "
            "the printed figure (60M +- 0.5M), approx within 10%; torchvision's single-tower net and an "
            "ungrouped two-tower net are reported beside it",
            tolerance=0.5 / 60,
            band=0.1,
        ),
        Claim(
            id="vgg16-138m",
            section=SECTION,
            source="002:63",
            quote="총 파라미터는 138M",
            statement="VGG16 has 138M parameters.",
            interpretation="params of VGG16 (configuration D, zoo 'vgg16'); holds within the rounding of the printed "
            "figure (138M +- 0.5M), approx within 10%",
            tolerance=0.5 / 138,
            band=0.1,
        ),
        Claim(
            id="vgg16-16-layers",
            section=SECTION,
            source="003:27, 002:53, 002:65",
            quote="총 16개 layer / 16 ~ 19개의 레이어를 가짐 / "
            "보통 신경망의 깊이(depth)는 학습 가능한 파라미터가 있는 레이어의 수 (Conv, FC)",
            statement="VGG16 has 16 layers, depth counting the layers with trainable weights (conv and FC); "
            "VGGNets have 16 to 19 such layers.",
            interpretation="the analyzer's depth (weight layers on the longest path) of VGG16, checked against the "
            "number of Conv2d and Linear rows; VGG19's depth is reported for the '16 ~ 19'",
            tolerance=0.0,
        ),
        Claim(
            id="vgg16-fc-share",
            section=SECTION,
            source="003:40",
            quote="약 1억4천만 개의 parameter(가중치)중 1억 2천만개 정도가 Fully Connected Layer의 파라미터",
            statement="Of VGG16's roughly 140M parameters, about 120M are in the fully connected layers.",
            interpretation="params of VGG16's Linear rows (weights and biases) and of the whole net; the figures are "
            "printed to the ten million (1억2천만, 1억4천만), so each holds within +-5M (5/120 and 5/140), "
            "approx within 10%",
            tolerance=5 / 120,
            band=0.1,
        ),
        Claim(
            id="vgg-filters-double",
            section=SECTION,
            source="003:31",
            quote="Filter의 수가 64, 128, 256, 512 두 배씩 커짐",
            statement="VGG16's filter counts go 64, 128, 256, 512, doubling from stage to stage.",
            interpretation="VGG16's conv widths per stage (stages split at the max pools, read from the layer table); "
            "the claim lists four widths, so the fifth stage (which keeps 512) is reported, not judged",
            tolerance=0.0,
        ),
        Claim(
            id="vgg16-memory-100mb",
            section=SECTION,
            source="002:61",
            quote="총 메모리 사용량은 입력 한 개당 100MB, backward pass까지 고려하면 더 많은 메모리가 필요함",
            statement="VGG16 uses about 100MB of memory per image in the forward pass, and more with the backward "
            "pass.",
            interpretation="'memory per image' as in the lecture's source (CS231n: every layer's output kept, "
            "24M values x 4 bytes ~ 96MB, forward only): the analyzer's total allocated activation bytes at batch 1, "
            "fp32; also measured: the live peak of an inference forward, the bytes saved for backward and the "
            "training-mode peak, CS231n's own per-layer accounting, and the net without in-place ReLUs; "
            "'more with backward' = training-mode peak > inference peak; MB read as 10^6 bytes (the report prints "
            "MiB: 100 MB = 95.4 MiB); holds within 10% of 100MB, approx within 50% (a one-significant-figure "
            "round number)",
            tolerance=0.1,
            band=0.5,
        ),
        Claim(
            id="early-memory-late-params",
            section=SECTION,
            source="002:79",
            quote="신경망 초반에는 메모리를 많이 쓰고 파라미터 수가 적고 "
            "신경망 후반에는 메모리를 적게 쓰고 파라미터 수가 많다",
            statement="Early layers use most of the activation memory and few parameters; late layers use little "
            "memory and most of the parameters.",
            interpretation="VGG16 and AlexNet split at half their weight-layer depth (every row assigned by its "
            "depth: VGG16 1-8 vs 9-16, AlexNet 1-4 vs 5-8); memory = allocated activation bytes per row; holds if "
            "in both nets the early half has most (>50%) of the memory and a minority (<50%) of the params; the FC "
            "layers' shares are reported too",
            tolerance=0.0,
        ),
        Claim(
            id="lecture-summary-table",
            section=SECTION,
            source="002:195-200",
            quote="효율 | 메모리 | 계산량 | 성능 | forward 시간 / VGGNet    | 낮다 | 많다 | 많다 | 적당 | 가장 길다",
            statement="The lecture's summary: memory is high for AlexNet and VGG, medium for ResNet, low for "
            "GoogLeNet; compute is high for VGG, medium for ResNet, low for AlexNet and GoogLeNet; VGG's forward "
            "time is the longest; efficiency and accuracy ratings as listed.",
            interpretation="AlexNet (two-tower), VGG16, GoogLeNet and ResNet-152 (the notes' 152-layer ResNet; "
            "ResNet-50 reported too) at their default inputs, batch 1; every order the table implies between two "
            "nets of different levels is checked; memory = activation memory as in the notes' own usage "
            "(002:61, 002:79, where it is distinct from parameters), both the inference peak and the total "
            "allocated; weight memory reported as the alternative reading; compute = MACs; forward time (needs "
            "hardware), efficiency and accuracy (need accuracy data) are not checkable",
            tolerance=0.0,
        ),
        # Further claims found in the notes.
        Claim(
            id="alexnet-layout",
            section=SECTION,
            source="002:11, 004:9-10",
            quote="conv가 3개가 더 붙고 max pooling layer가 붙고 FC가 3개 붙는다 / "
            "11x11, 5x5와 같은 큰 size의 Kernel 적용",
            statement="AlexNet has two conv-pool-norm groups, then three convs, a max pool and three FC layers "
            "(5 conv, 3 max pools, 2 normalization layers, 3 FC), with large 11x11 and 5x5 kernels.",
            interpretation="layer counts by type and the first two convs' kernel sizes of the two-tower AlexNet; "
            "the order of pool and norm is checked apart (alexnet-pool-norm-order)",
            tolerance=0.0,
        ),
        Claim(
            id="alexnet-pool-norm-order",
            section=SECTION,
            source="002:11, 004:9",
            quote="conv - pool - normalization 구조가 두 번 반복된다 / "
            "Conv1 - MaxPool1 - Norm1 - Conv2 - MaxPool2 - Norm2",
            statement="In AlexNet's first two groups the max pool comes before the normalization layer "
            "(conv - pool - norm).",
            interpretation="the layer order of the zoo's two-tower AlexNet, which follows the paper (Section 3.5: "
            "normalization follows conv1 and conv2, max pooling follows the normalization layers); the notes' order "
            "is built by swapping each norm and pool and profiled beside it",
            tolerance=0.0,
        ),
        Claim(
            id="vgg-configs-depths",
            section=SECTION,
            source="003:29",
            quote="11 layer, 13 layer, 16 layer, 19 layer 의 네트워크를 테스트함",
            statement="The VGG paper tested networks of 11, 13, 16 and 19 layers.",
            interpretation="weight-layer depth of configurations A, B, D and E (zoo vgg11, vgg13, vgg16, vgg19)",
            tolerance=0.0,
        ),
        Claim(
            id="vgg-3x3-same-pool-halves",
            section=SECTION,
            source="002:54, 003:32, 003:38",
            quote="항상 3x3 필터만 사용. 주기적으로 Pooling을 수행. / filter, Stride=1, same padding / "
            "Feature map의 사이즈를 convolution layer가 아닌 Max Pooling 을 사용해 줄임",
            statement="VGG16 uses only 3x3 stride-1 'same' convolutions and 2x2 max pools; the feature maps "
            "shrink only at the pools.",
            interpretation="every Conv2d and MaxPool2d row of VGG16: kernel and stride from the module, input and "
            "output spatial sizes from the profile",
            tolerance=0.0,
        ),
        Claim(
            id="vgg-constant-compute",
            section=SECTION,
            source="002:71",
            quote="신경망이 깊어질수록 feature map의 사이즈는 작아지는데 "
            "계산량을 일정하게 유지시키기 위해서 필터 개수를 늘린다",
            statement="As the feature maps shrink with depth, the number of filters is increased to keep the "
            "computation per layer constant.",
            interpretation="MACs of the width-preserving 3x3 convs (C -> C, stride 1) per stage, relative to the "
            "first stage, in VGG16 and ResNet-34 (basic blocks), for the stages where the filters double as the "
            "map halves; VGG16's fifth stage, which keeps 512 filters, is reported apart",
            tolerance=0.0,
            band=0.1,
        ),
        Claim(
            id="vgg19-more-memory",
            section=SECTION,
            source="002:84",
            quote="VGG19가 VGG16보다 더 많은 메모리를 쓰고 성능이 약간 더 좋다",
            statement="VGG19 uses more memory than VGG16 (and is slightly more accurate).",
            interpretation="memory as in 002:61 (everything a forward stores): total allocated activation bytes of "
            "VGG19 / VGG16 at batch 1; the inference peak, bytes saved for backward and weights are reported "
            "too; the accuracy part is not checkable",
            tolerance=0.0,
        ),
        Claim(
            id="alexnet-relu-6x",
            section=SECTION,
            source="004:14-15",
            quote="Activation 함수로 ReLU 첫 사용 / sigmoid or tanh 대비 수렴 속도가 약 6배 빨라짐",
            statement="AlexNet uses ReLU activations, which converge about 6x faster than sigmoid or tanh.",
            interpretation="the speed-up needs training runs (the paper's Figure 1: a four-layer CNN on CIFAR-10 "
            "reaching 25% training error), so only the architectural part is checked: a ReLU after every hidden "
            "weight layer of AlexNet",
            tolerance=0.0,
        ),
    ]
)


# --- helpers -------------------------------------------------------------------------------------------


def _features(model: nn.Module) -> nn.Sequential:
    """The ``features`` stack (convs and pools) of AlexNet or VGG."""
    return submodule(model, "features", nn.Sequential)


def _numel(shape: str) -> int:
    return math.prod(parse_shape(shape))


def _hwc(shape: str) -> str:
    """'1x96x55x55' -> '55x55x96', the notes' H x W x C."""
    _, c, h, w = parse_shape(shape)
    return f"{h}x{w}x{c}"


def _mb(nbytes: float) -> str:
    """Bytes as the report prints them (binary units: 100 MB = 95.4 MiB)."""
    return human(nbytes, "bytes")


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _conv_outputs(layers, input_shape: str) -> int:
    """CS231n's accounting: the input plus every conv, pool and FC output, each counted once (values)."""
    rows = layers[layers.type.isin(("Conv2d", "MaxPool2d", "Linear"))]
    return _numel(input_shape) + sum(_numel(s) for s in rows.output_shape)


def _stages(layers) -> list[list]:
    """VGG's conv rows grouped into stages, split at the max pools."""
    stages: list[list] = [[]]
    for _, r in layers.iterrows():
        if r.type == "MaxPool2d":
            stages.append([])
        elif r.type == "Conv2d":
            stages[-1].append(r)
    return [s for s in stages if s]


# --- AlexNet -------------------------------------------------------------------------------------------


@check("alexnet-conv1")
def alexnet_conv1(claim: Claim) -> Outcome:
    expected_weights = 11 * 11 * 3 * 96  # the notes' product
    side = (227 - 11) / 4 + 1  # the notes' output formula
    expected_shape = f"{int(side)}x{int(side)}x96"
    alone = measure(nn.Conv2d(3, 96, 11, stride=4, bias=False), (3, 227, 227))
    weights = alone.totals.params
    alone_shape = _hwc(alone.layers.output_shape.iloc[0])
    zoo = measure("alexnet")
    conv1 = layer_row(zoo, "features.0")
    zoo_shape = _hwc(conv1.output_shape)
    ok = weights == expected_weights and alone_shape == expected_shape and zoo_shape == expected_shape
    verdict = HOLDS if ok else FAILS
    return Outcome(
        verdict,
        expected_weights,
        weights,
        f"conv1 has {weights:,} weights and outputs {zoo_shape} in the two-tower AlexNet at 227 "
        f"(with its 96 biases the layer has {int(conv1.params):,} params)",
        (
            Measurement("formula (227-11)/4+1", side),
            Measurement("bias-free 11x11/4 conv, 3->96, at 227: output", alone_shape),
            Measurement("zoo alexnet conv1 (features.0): output", zoo_shape),
            Measurement("zoo alexnet conv1: params incl. 96 biases", int(conv1.params), "count"),
            Measurement("zoo alexnet conv1: MACs", int(conv1.macs), "macs"),
        ),
        formula="weights = 11*11*3*96 = 34,848 (+96 biases); out = (227-11)/4+1 = 55",
        kind="count",
    )


@check("alexnet-pool1")
def alexnet_pool1(claim: Claim) -> Outcome:
    side = (55 - 3) / 2 + 1  # the notes' formula
    expected = f"{int(side)}x{int(side)}x96, 0 params"
    model = build("alexnet")
    layers = measure("alexnet").layers
    pool = layers[layers.type == "MaxPool2d"].iloc[0]
    module = submodule(model, pool.module, nn.MaxPool2d)
    measured = f"{_hwc(pool.output_shape)}, {int(pool.params)} params"
    ok = (
        measured == expected and module.kernel_size == 3 and module.stride == 2 and _hwc(pool.input_shape) == "55x55x96"
    )
    verdict = HOLDS if ok else FAILS
    return Outcome(
        verdict,
        expected,
        measured,
        f"pool1 ({pool.module}, {module.kernel_size}x{module.kernel_size} stride {module.stride}) has no "
        f"weights and maps {_hwc(pool.input_shape)} to {_hwc(pool.output_shape)}",
        (
            Measurement("formula (55-3)/2+1", side),
            Measurement("pool1 input", _hwc(pool.input_shape)),
            Measurement("pool1 kernel, stride", f"{module.kernel_size}, {module.stride}"),
        ),
        formula="out = (55-3)/2+1 = 27; params = 0",
    )


@check("alexnet-224-vs-227")
def alexnet_224_vs_227(claim: Claim) -> Outcome:
    at_227 = (227 - 11) / 4 + 1
    at_224 = (224 - 11) / 4 + 1
    p227 = measure("alexnet")
    side_227 = parse_shape(layer_row(p227, "features.0").output_shape)[-1]
    model = build("alexnet")
    feats = measure(_features(model), (3, 224, 224))
    side_224 = parse_shape(feats.layers.output_shape.iloc[0])[-1]
    flat_224 = _numel(feats.layers.output_shape.iloc[-1])
    fc6_in = submodule(model, "classifier.1", nn.Linear).in_features
    try:
        measure("alexnet", (3, 224, 224))
        whole_224 = "runs"
    except ModelRunError as exc:
        whole_224 = f"forward fails: {exc}"
    single = measure("alexnet_single", (3, 224, 224))
    single_side = parse_shape(single.layers.output_shape.iloc[0])[-1]
    ok = side_227 == 55 and side_224 != 55 and at_227 == int(at_227) and at_224 != int(at_224)
    verdict = HOLDS if ok else FAILS
    return Outcome(
        verdict,
        "224 -> not 55; 227 -> 55",
        f"224 -> {side_224}; 227 -> {side_227}",
        f"the unpadded 11x11/4 conv1 gives {side_224}x{side_224} at 224 (PyTorch floors {at_224}), so "
        f"the flattened features have {flat_224:,} values against fc6's {fc6_in:,}, and {side_227}x{side_227} at 227; "
        f"torchvision's single-tower net reaches {single_side} at 224 only by padding conv1 by 2 "
        f"(floor of {(224 + 4 - 11) / 4 + 1})",
        (
            Measurement("formula (224-11)/4+1", at_224),
            Measurement("formula (227-11)/4+1", at_227),
            Measurement("two-tower conv1 output at 224", _hwc(feats.layers.output_shape.iloc[0])),
            Measurement("two-tower conv1 output at 227", _hwc(layer_row(p227, "features.0").output_shape)),
            Measurement("two-tower features flattened at 224", flat_224, "count"),
            Measurement("fc6 inputs (256*6*6 at 227)", fc6_in, "count"),
            Measurement("whole two-tower net at 224", whole_224),
            Measurement("single-tower conv1 (pad 2) output at 224", _hwc(single.layers.output_shape.iloc[0])),
        ),
        formula="out = floor((W + 2P - 11)/4) + 1: (224-11)/4+1 = 54.25, (227-11)/4+1 = 55, (224+4-11)/4+1 = 55.25",
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


@check("alexnet-two-gpu")
def alexnet_two_gpu(claim: Claim) -> Outcome:
    model = build("alexnet")
    convs = [m for m in _features(model) if isinstance(m, nn.Conv2d)]
    fcs = [m for m in submodule(model, "classifier", nn.Sequential) if isinstance(m, nn.Linear)]
    towers = max(c.groups for c in convs)
    sweep = Sweep(claim)
    # conv1's filters see the 3-channel image; its "48" is the maps each tower makes
    sweep.point("conv1 maps per tower (out / towers)", 48, convs[0].out_channels // towers, "count")
    seen = {}
    for k in (1, 3, 4):  # conv2, conv4, conv5: the maps each filter sees
        seen[k + 1] = convs[k].weight.shape[1]
        sweep.point(f"conv{k + 1} maps seen per filter (groups={convs[k].groups})", 48, seen[k + 1], "count")
    # "all feature maps": every map the previous layer makes (both towers)
    sweep.point("conv3 maps seen per filter (all of conv2's)", convs[1].out_channels, convs[2].weight.shape[1], "count")
    pool3 = layer_row(measure("alexnet"), "features.14")
    sweep.point("fc6 inputs (all of pool3's)", _numel(pool3.output_shape), fcs[0].in_features, "count")
    sweep.point("fc7 inputs (all of fc6's)", fcs[0].out_features, fcs[1].in_features, "count")
    sweep.point("fc8 inputs (all of fc7's)", fcs[1].out_features, fcs[2].in_features, "count")
    grouped = measure("alexnet").totals
    dense = measure(_ungrouped_alexnet(), (3, 227, 227)).totals
    sweep.measurements += [
        Measurement("two-tower (grouped) AlexNet params", grouped.params, "count"),
        Measurement("same net, conv2/4/5 ungrouped: params", dense.params, "count"),
        Measurement("two-tower (grouped) AlexNet MACs", grouped.macs, "macs"),
        Measurement("same net, conv2/4/5 ungrouped: MACs", dense.macs, "macs"),
    ]
    return Outcome(
        sweep.verdict,
        48,
        seen[4],
        f"which layers are split holds (conv2/4/5 see only their tower, conv3 and FC6-8 see "
        f"everything) and conv1 makes 48 maps per tower, but '48 maps' is right for conv2 only: conv4 and conv5 "
        f"filters see {seen[4]} and {seen[5]} maps (half of conv3's/conv4's 384); the split saves "
        f"{(dense.params - grouped.params) / 1e6:.2f}M params and {(dense.macs - grouped.macs) / 1e6:.0f}M MACs",
        tuple(sweep.measurements),
        formula="maps seen per filter = C_in / groups: conv2 96/2 = 48, conv4 384/2 = 192, conv5 384/2 = 192",
        kind="count",
    )


@check("alexnet-60m")
def alexnet_60m(claim: Claim) -> Outcome:
    expected = 60e6
    measured = measure("alexnet").totals.params
    verdict = judge(expected, measured, claim)
    single = measure("alexnet_single").totals.params
    dense = params_of(_ungrouped_alexnet())
    return Outcome(
        verdict,
        expected,
        measured,
        f"the original two-tower AlexNet has {measured:,} params ({measured / 1e6:.1f}M, "
        f"{(measured - expected) / expected:+.1%}), which rounds to {round(measured / 1e6)}M: the paper's "
        f"'60 million' rounds down; torchvision's single-tower net has {single / 1e6:.1f}M",
        (
            Measurement("two-tower AlexNet (zoo 'alexnet') params", measured, "count"),
            Measurement("single-tower AlexNet (zoo 'alexnet_single') params", single, "count"),
            Measurement("two-tower net with conv2/4/5 ungrouped: params", dense, "count"),
        ),
        kind="count",
    )


# --- VGG -----------------------------------------------------------------------------------------------


@check("vgg16-138m")
def vgg16_138m(claim: Claim) -> Outcome:
    expected = 138e6
    measured = measure("vgg16").totals.params
    verdict = judge(expected, measured, claim)
    return Outcome(
        verdict,
        expected,
        measured,
        f"VGG16 (configuration D) has {measured:,} params ({measured / 1e6:.2f}M, "
        f"{(measured - expected) / expected:+.2%})",
        (
            Measurement("VGG16 params", measured, "count"),
            Measurement("VGG16-BN params (torchvision's BN variant)", measure("vgg16_bn").totals.params, "count"),
        ),
        kind="count",
    )


@check("vgg16-16-layers")
def vgg16_16_layers(claim: Claim) -> Outcome:
    p = measure("vgg16")
    weight_rows = p.layers[p.layers.type.isin(WEIGHT_TYPES)]
    n_conv = int((p.layers.type == "Conv2d").sum())
    n_fc = int((p.layers.type == "Linear").sum())
    sweep = Sweep(claim)
    sweep.point("VGG16 depth (weight layers on the longest path)", 16, p.totals.depth, "count")
    sweep.point("VGG16 Conv2d + Linear rows", 16, len(weight_rows), "count")
    sweep.point("VGG19 depth (the '19' of '16 ~ 19')", 19, measure("vgg19").totals.depth, "count")
    sweep.measurements += [
        Measurement("VGG16 conv layers", n_conv, "count"),
        Measurement("VGG16 FC layers", n_fc, "count"),
    ]
    return Outcome(
        sweep.verdict,
        16,
        p.totals.depth,
        f"VGG16 has {n_conv} conv + {n_fc} FC = {len(weight_rows)} weight layers, all on one path "
        f"(depth {p.totals.depth}); VGG19 has depth {measure('vgg19').totals.depth}; pools and ReLUs are not counted",
        tuple(sweep.measurements),
        formula="depth = #conv + #FC = 13 + 3",
        kind="count",
    )


@check("vgg16-fc-share")
def vgg16_fc_share(claim: Claim) -> Outcome:
    p = measure("vgg16")
    fc = type_total(p, "Linear", "params")
    total = p.totals.params
    sweep = Sweep(claim)
    sweep.point("FC params (약 1억 2천만)", 120e6, fc, "count")
    sweep.point("total params (약 1억4천만)", 140e6, total, "count")
    sweep.measurements += [
        Measurement("FC share of params, measured", fc / total),
        Measurement("FC share implied by the note (120/140)", 120 / 140),
        Measurement("FC layers", int((p.layers.type == "Linear").sum()), "count"),
    ]
    return Outcome(
        sweep.verdict,
        120e6,
        fc,
        f"VGG16's three FC layers hold {fc:,} params ({fc / 1e6:.1f}M, fc6 alone "
        f"{int(p.layers.params[p.layers.type == 'Linear'].iloc[0]) / 1e6:.1f}M) of {total / 1e6:.1f}M in all, "
        f"{fc / total:.1%} (the note implies {120 / 140:.1%})",
        tuple(sweep.measurements),
        formula="FC = (7*7*512+1)*4096 + (4096+1)*4096 + (4096+1)*1000",
        kind="count",
    )


@check("vgg-filters-double")
def vgg_filters_double(claim: Claim) -> Outcome:
    layers = measure("vgg16").layers
    stages = _stages(layers)
    widths = [sorted({channels(r.output_shape) for r in s}) for s in stages]
    uniform = all(len(w) == 1 for w in widths)
    per_stage = [w[0] for w in widths]
    expected = [64, 128, 256, 512]
    ok = uniform and per_stage[:4] == expected and all(b == 2 * a for a, b in zip(per_stage[:3], per_stage[1:4]))
    verdict = HOLDS if ok else FAILS
    return Outcome(
        verdict,
        ", ".join(map(str, expected)),
        ", ".join(map(str, per_stage)),
        f"VGG16's five stages have {', '.join(map(str, per_stage))} filters; they double through stage 4 "
        f"and the fifth stage keeps {per_stage[-1]}",
        tuple(Measurement(f"stage {i + 1} conv widths", ", ".join(map(str, w))) for i, w in enumerate(widths)),
    )


def _no_inplace(model: nn.Module) -> nn.Module:
    for m in model.modules():
        if isinstance(m, nn.ReLU):
            m.inplace = False
    return model


@check("vgg16-memory-100mb")
def vgg16_memory_100mb(claim: Claim) -> Outcome:
    expected = 100 * MB
    p = measure("vgg16")
    t = measure("vgg16", training=True).totals
    total = p.totals.activation_bytes
    verdict_fwd = judge(expected, total, claim)
    more_backward = t.peak_bytes > p.totals.peak_bytes
    verdict = judge_all([verdict_fwd, HOLDS if more_backward else FAILS])
    in_shape = p.layers.input_shape.iloc[0]
    cs231n = _conv_outputs(p.layers, in_shape) * 4
    pool_rows = p.layers[p.layers.type == "MaxPool2d"]
    pool_extra = int(pool_rows.activation_bytes.sum()) - 4 * sum(_numel(s) for s in pool_rows.output_shape)
    not_inplace = measure(_no_inplace(build("vgg16")), (3, 224, 224)).totals
    return Outcome(
        verdict,
        expected,
        total,
        f"the definition that matches the claim (everything a forward allocates, batch 1, fp32) gives "
        f"{_mb(total)} ({(total - expected) / expected:+.0%}; {_mb(pool_extra)} of it max-pool indices; the zoo's "
        f"ReLUs are in place, out-of-place ones would make it {_mb(not_inplace.activation_bytes)}); "
        f"the inference peak is only {_mb(p.totals.peak_bytes)}; 'more with backward' holds (training "
        f"peak {_mb(t.peak_bytes)}, {t.peak_bytes / p.totals.peak_bytes:.1f}x the inference peak); CS231n's "
        f"'24M values' behind the 100MB is an arithmetic slip: its own per-layer table sums to "
        f"{cs231n / 4 / 1e6:.1f}M values = {_mb(cs231n)}",
        (
            Measurement("CS231n's formula 24M values x 4 bytes", 24e6 * 4, "bytes"),
            Measurement("total allocated activation, inference (verdict)", total, "bytes"),
            Measurement("peak live activation, inference", p.totals.peak_bytes, "bytes"),
            Measurement("saved for backward, training mode", t.saved_bytes, "bytes"),
            Measurement("peak live activation, training-mode forward", t.peak_bytes, "bytes"),
            Measurement("input + every conv/pool/FC output once (CS231n's table)", cs231n, "bytes"),
            Measurement("of the total: max-pool indices", pool_extra, "bytes"),
            Measurement("total allocated with out-of-place ReLUs", not_inplace.activation_bytes, "bytes"),
            Measurement("weights (fp32), for scale", p.totals.model_bytes_fp32, "bytes"),
        ),
        formula="CS231n: 24M values x 4 bytes ~ 96MB / image (forward only, ~x2 for backward)",
        kind="bytes",
    )


def _halves(name: str) -> dict[str, float]:
    p = measure(name)
    df = p.layers
    early = df.depth <= p.totals.depth // 2
    fc = df.type == "Linear"
    mem, par = df.activation_bytes.sum(), df.params.sum()
    return {
        "depth": p.totals.depth,
        "mem_early": df.activation_bytes[early].sum() / mem,
        "par_early": df.params[early].sum() / par,
        "mem_fc": df.activation_bytes[fc].sum() / mem,
        "par_fc": df.params[fc].sum() / par,
    }


@check("early-memory-late-params")
def early_memory_late_params(claim: Claim) -> Outcome:
    nets = {"VGG16": _halves("vgg16"), "AlexNet": _halves("alexnet")}
    measurements, verdicts, parts = [], [], []
    for label, h in nets.items():
        half = h["depth"] // 2
        ok = h["mem_early"] > 0.5 and h["par_early"] < 0.5
        verdicts.append(HOLDS if ok else FAILS)
        parts.append(f"{label} depth 1-{half}: {_pct(h['mem_early'])} of memory, {_pct(h['par_early'])} of params")
        measurements += [
            Measurement(f"{label}: memory share of depth 1-{half}", h["mem_early"]),
            Measurement(f"{label}: params share of depth 1-{half}", h["par_early"]),
            Measurement(f"{label}: memory share of depth {half + 1}-{h['depth']}", 1 - h["mem_early"]),
            Measurement(f"{label}: params share of depth {half + 1}-{h['depth']}", 1 - h["par_early"]),
            Measurement(f"{label}: memory share of the FC layers", h["mem_fc"]),
            Measurement(f"{label}: params share of the FC layers", h["par_fc"]),
        ]
    verdict = judge_all(verdicts)
    v, a = nets["VGG16"], nets["AlexNet"]
    return Outcome(
        verdict,
        "early half: >50% of memory, <50% of params",
        "; ".join(parts),
        f"by weight-layer depth the early half of VGG16 allocates {_pct(v['mem_early'])} of the "
        f"activation memory with {_pct(v['par_early'])} of the params (AlexNet {_pct(a['mem_early'])} and "
        f"{_pct(a['par_early'])}); the FC layers hold {_pct(v['par_fc'])} (AlexNet {_pct(a['par_fc'])}) of the "
        f"params and {_pct(v['mem_fc'])} of the memory",
        tuple(measurements),
    )


# --- the lecture's comparison table (002:195-200) --------------------------------------------------------

_NAMES = {
    "alexnet": "AlexNet",
    "vgg16": "VGG16",
    "googlenet": "GoogLeNet",
    "resnet152": "ResNet-152",
    "resnet50": "ResNet-50",
}
# Levels as the table states them: 0 = 적다 (low), 1 = 중간 (medium), 2 = 많다 (high).
_TABLE_LEVELS = {
    "memory": {"alexnet": 2, "vgg16": 2, "googlenet": 0, "resnet152": 1},
    "compute": {"alexnet": 0, "vgg16": 2, "googlenet": 0, "resnet152": 1},
}


def _stated_order(levels: dict[str, int]) -> str:
    groups = sorted(set(levels.values()), reverse=True)
    return " > ".join(", ".join(_NAMES[n] for n in levels if levels[n] == g) for g in groups)


def _measured_order(values: dict[str, float]) -> str:
    return " > ".join(_NAMES[n] for n in sorted(values, key=lambda n: values[n], reverse=True))


def _violations(levels: dict[str, int], values: dict[str, float]) -> tuple[int, list[str]]:
    """Orders the table implies (a above b) and those the measurement contradicts."""
    pairs = [(a, b) for a in levels for b in levels if levels[a] > levels[b]]
    bad = [f"{_NAMES[a]} < {_NAMES[b]}" for a, b in pairs if not values[a] > values[b]]
    return len(pairs), bad


def _table_metrics(nets: list[str]) -> list[tuple[str, dict[str, float], str, str, bool]]:
    """Each measured reading of the table's columns: (label, value per net, column, kind, judged)."""
    tot = {n: measure(n).totals for n in nets}
    return [
        ("peak activation memory", {n: tot[n].peak_bytes for n in nets}, "memory", "bytes", True),
        ("total activation memory", {n: tot[n].activation_bytes for n in nets}, "memory", "bytes", True),
        ("MACs", {n: tot[n].macs for n in nets}, "compute", "macs", True),
        ("weight memory (alternative reading)", {n: tot[n].model_bytes_fp32 for n in nets}, "memory", "bytes", False),
    ]


@check("lecture-summary-table")
def lecture_summary_table(claim: Claim) -> Outcome:
    verdicts, measurements, findings = [], [], []
    for resnet in ("resnet152", "resnet50"):
        nets = ["alexnet", "vgg16", "googlenet", resnet]
        levels = {
            col: {(resnet if n == "resnet152" else n): v for n, v in lv.items()} for col, lv in _TABLE_LEVELS.items()
        }
        for label, values, column, kind, judged in _table_metrics(nets):
            n_pairs, bad = _violations(levels[column], values)
            order = f"{_measured_order(values)} ({n_pairs - len(bad)}/{n_pairs} stated orders hold)"
            if resnet != "resnet152":  # the alternative ResNet: orders only
                measurements.append(Measurement(f"{label} [with {_NAMES[resnet]}]: measured order", order))
                continue
            measurements += [Measurement(f"{label}: {_NAMES[n]}", values[n], kind) for n in nets]
            measurements.append(Measurement(f"{label}: measured order", order))
            if judged:
                verdicts.append(FAILS if bad else HOLDS)
            status = f"contradicted ({'; '.join(bad)})" if bad else "holds"
            findings.append(f"{column} by {label}: {status}" + ("" if judged else " [not judged]"))
    measurements.append(
        Measurement(
            "not checkable",
            "forward time (needs hardware; on meta only MACs, where VGG16 is highest), efficiency and accuracy "
            "(need accuracy data)",
        )
    )
    main = {n: measure(n).totals for n in ("alexnet", "vgg16", "googlenet", "resnet152")}
    expected = f"memory: {_stated_order(_TABLE_LEVELS['memory'])}; MACs: {_stated_order(_TABLE_LEVELS['compute'])}"
    measured = (
        f"memory (peak): {_measured_order({n: t.peak_bytes for n, t in main.items()})}; "
        f"MACs: {_measured_order({n: t.macs for n, t in main.items()})}"
    )
    a = main["alexnet"]
    return Outcome(
        judge_all(verdicts),
        expected,
        measured,
        "; ".join(findings)
        + f" (AlexNet: peak {_mb(a.peak_bytes)}, total {_mb(a.activation_bytes)}, weights {_mb(a.model_bytes_fp32)}); "
        "forward time, efficiency and accuracy are not checkable",
        tuple(measurements),
    )


# --- further claims ----------------------------------------------------------------------------------------


@check("alexnet-layout")
def alexnet_layout(claim: Claim) -> Outcome:
    model = build("alexnet")
    layers = measure("alexnet").layers
    counts = {t: int((layers.type == t).sum()) for t in ("Conv2d", "MaxPool2d", "LocalResponseNorm", "Linear")}
    convs = [m for m in _features(model) if isinstance(m, nn.Conv2d)]
    kernels = [c.kernel_size[0] for c in convs]
    expected = "5 conv, 3 max-pool, 2 norm, 3 FC; conv1 11x11, conv2 5x5"
    measured = (
        f"{counts['Conv2d']} conv, {counts['MaxPool2d']} max-pool, {counts['LocalResponseNorm']} norm, "
        f"{counts['Linear']} FC; conv1 {kernels[0]}x{kernels[0]}, conv2 {kernels[1]}x{kernels[1]}"
    )
    # the notes: 2 x (conv, pool, norm) + 3 conv + pool + 3 FC
    expected_counts = {"Conv2d": 2 + 3, "MaxPool2d": 2 + 1, "LocalResponseNorm": 2, "Linear": 3}
    ok = counts == expected_counts and kernels[:2] == [11, 5]
    verdict = HOLDS if ok else FAILS
    return Outcome(
        verdict,
        expected,
        measured,
        f"the two-tower AlexNet has {measured} ({counts['Conv2d'] + counts['Linear']} weight layers, "
        f"depth {measure('alexnet').totals.depth}); the later convs are {', '.join(f'{k}x{k}' for k in kernels[2:])}",
        tuple(Measurement(f"{t} rows", n, "count") for t, n in counts.items()),
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
    layers = measure("alexnet").layers
    short = {"Conv2d": "conv", "MaxPool2d": "pool", "LocalResponseNorm": "norm"}
    seq = [short[t] for t in layers.type if t in short]
    first_groups = " - ".join(seq[:6])
    expected = "conv - pool - norm - conv - pool - norm"
    verdict = HOLDS if first_groups == expected else FAILS
    paper = measure("alexnet").totals
    notes = measure(_reordered_alexnet(), (3, 227, 227)).totals
    return Outcome(
        verdict,
        expected,
        first_groups,
        f"AlexNet normalizes before pooling (paper Section 3.5, Caffe's bvlc_alexnet, the zoo: "
        f"conv - ReLU - LRN - pool); conv - pool - norm is CaffeNet's and the CS231n slide's order; params and MACs "
        f"are the same either way, but pooling first runs LRN on 27x27 instead of 55x55 maps (total activation "
        f"{_mb(notes.activation_bytes)} vs {_mb(paper.activation_bytes)}, peak {_mb(notes.peak_bytes)} vs "
        f"{_mb(paper.peak_bytes)})"
        if verdict == FAILS
        else f"the first two groups run {first_groups}",
        (
            Measurement("paper order: params", paper.params, "count"),
            Measurement("notes' order: params", notes.params, "count"),
            Measurement("paper order: MACs", paper.macs, "macs"),
            Measurement("notes' order: MACs", notes.macs, "macs"),
            Measurement("paper order: total activation", paper.activation_bytes, "bytes"),
            Measurement("notes' order: total activation", notes.activation_bytes, "bytes"),
            Measurement("paper order: peak activation", paper.peak_bytes, "bytes"),
            Measurement("notes' order: peak activation", notes.peak_bytes, "bytes"),
        ),
    )


@check("vgg-configs-depths")
def vgg_configs_depths(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    depths = {}
    for name, expected in (("vgg11", 11), ("vgg13", 13), ("vgg16", 16), ("vgg19", 19)):
        depths[name] = measure(name).totals.depth
        sweep.point(f"{name} depth", expected, depths[name], "count")
    measured = ", ".join(str(d) for d in depths.values())
    return Outcome(
        sweep.verdict,
        "11, 13, 16, 19",
        measured,
        f"configurations A, B, D, E have {measured} weight layers (8, 10, 13, 16 convs + 3 FC)",
        tuple(sweep.measurements),
    )


@check("vgg-3x3-same-pool-halves")
def vgg_3x3_same_pool_halves(claim: Claim) -> Outcome:
    model = build("vgg16")
    layers = measure("vgg16").layers
    conv_ok = pool_ok = shrink_elsewhere = 0
    n_conv = n_pool = 0
    for _, r in layers.iterrows():
        if r.type not in ("Conv2d", "MaxPool2d", "ReLU"):
            continue
        hw_in, hw_out = parse_shape(r.input_shape)[2:], parse_shape(r.output_shape)[2:]
        if r.type == "Conv2d":
            n_conv += 1
            conv = submodule(model, r.module, nn.Conv2d)
            conv_ok += conv.kernel_size == (3, 3) and conv.stride == (1, 1) and hw_out == hw_in
        elif r.type == "MaxPool2d":
            n_pool += 1
            pool = submodule(model, r.module, nn.MaxPool2d)
            pool_ok += pool.kernel_size == 2 and pool.stride == 2 and hw_out == tuple(s // 2 for s in hw_in)
        else:
            shrink_elsewhere += hw_out != hw_in
    ok = conv_ok == n_conv and pool_ok == n_pool and shrink_elsewhere == 0
    verdict = HOLDS if ok else FAILS
    sizes = [parse_shape(s)[-1] for s in layers[layers.type == "MaxPool2d"].output_shape]
    return Outcome(
        verdict,
        f"all {n_conv} convs 3x3 stride 1 same; all {n_pool} pools 2x2 halve",
        f"{conv_ok}/{n_conv} convs, {pool_ok}/{n_pool} pools",
        f"{conv_ok} of {n_conv} convs are 3x3 stride 1 and keep their map size; {pool_ok} of {n_pool} "
        f"2x2/2 pools halve it (224 -> {' -> '.join(map(str, sizes))})",
        (
            Measurement("convs 3x3, stride 1, output size = input size", f"{conv_ok}/{n_conv}"),
            Measurement("pools 2x2, stride 2, halving", f"{pool_ok}/{n_pool}"),
            Measurement("other layers changing the map size", shrink_elsewhere, "count"),
        ),
    )


def _same_width_3x3_macs(name: str) -> dict[tuple[int, int], int]:
    """MACs of a width-preserving, stride-1 3x3 conv per (channels, map size): one value per stage."""
    model = build(name)
    layers = measure(name).layers
    out: dict[tuple[int, int], set[int]] = {}
    for _, r in layers[layers.type == "Conv2d"].iterrows():
        m = submodule(model, r.module, nn.Conv2d)
        i, o = parse_shape(r.input_shape), parse_shape(r.output_shape)
        if m.kernel_size == (3, 3) and m.stride == (1, 1) and i[1] == o[1] and i[2:] == o[2:]:
            out.setdefault((o[1], o[2]), set()).add(int(r.macs))
    return {k: min(v) for k, v in sorted(out.items(), key=lambda kv: -kv[0][1])}


@check("vgg-constant-compute")
def vgg_constant_compute(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    detail = {}
    for name, label in (("vgg16", "VGG16"), ("resnet34", "ResNet-34")):
        stages = list(_same_width_3x3_macs(name).items())  # [((C, H), MACs)] from the largest map down
        (c0, h0), base = stages[0]
        prev_c = c0
        for (c, h), macs in stages[1:]:
            if c == 2 * prev_c:  # filters doubled as the map shrank: the claim's premise
                sweep.point(f"{label} {c}-ch conv at {h}x{h} / {c0}-ch at {h0}x{h0}", 1.0, macs / base, "ratio")
            else:
                label_ = f"{label} {c}-ch conv at {h}x{h} / {c0}-ch at {h0}x{h0} (filters not doubled)"
                sweep.info(label_, macs / base, "ratio")
            prev_c = c
        detail[label] = stages
    vgg = detail["VGG16"]
    last = vgg[-1]
    return Outcome(
        sweep.verdict,
        1.0,
        vgg[3][1] / vgg[0][1],
        f"where the filters double as the map halves, a width-preserving 3x3 conv costs the same "
        f"({vgg[0][1] / 1e9:.2f}G MACs in VGG16 stages 1-4, "
        f"{detail['ResNet-34'][0][1] / 1e6:.0f}M in every ResNet-34 stage); VGG16's fifth stage keeps "
        f"{last[0][0]} filters on {last[0][1]}x{last[0][1]} maps and costs {last[1] / vgg[0][1]:.2f}x",
        tuple(sweep.measurements),
        formula="MACs = H*W*9*C^2: (H/2)*(W/2)*9*(2C)^2 = H*W*9*C^2",
        kind="ratio",
    )


@check("vgg19-more-memory")
def vgg19_more_memory(claim: Claim) -> Outcome:
    v16, v19 = measure("vgg16").totals, measure("vgg19").totals
    t16, t19 = measure("vgg16", training=True).totals, measure("vgg19", training=True).totals
    ratio = v19.activation_bytes / v16.activation_bytes
    verdict = HOLDS if ratio > 1 else FAILS
    return Outcome(
        verdict,
        "> 1x",
        ratio,
        f"a VGG19 forward allocates {_mb(v19.activation_bytes)} vs {_mb(v16.activation_bytes)} "
        f"({ratio:.3f}x; saved for backward {t19.saved_bytes / t16.saved_bytes:.3f}x), but the inference peak is the "
        f"same ({_mb(v19.peak_bytes)} vs {_mb(v16.peak_bytes)}: it sits in the identical first stage); "
        f"'slightly more accurate' is not checkable",
        (
            Measurement("VGG19 / VGG16 total allocated activation (verdict)", ratio, "ratio"),
            Measurement("VGG19 / VGG16 peak activation, inference", v19.peak_bytes / v16.peak_bytes, "ratio"),
            Measurement("VGG19 / VGG16 saved for backward", t19.saved_bytes / t16.saved_bytes, "ratio"),
            Measurement("VGG19 / VGG16 weights", v19.model_bytes_fp32 / v16.model_bytes_fp32, "ratio"),
        ),
        kind="ratio",
    )


@check("alexnet-relu-6x")
def alexnet_relu_6x(claim: Claim) -> Outcome:
    model = build("alexnet")
    kinds = (nn.Conv2d, nn.Linear, nn.ReLU, nn.LocalResponseNorm, nn.MaxPool2d, nn.Dropout)
    mods = [m for m in model.modules() if isinstance(m, kinds)]
    weights = [i for i, m in enumerate(mods) if isinstance(m, (nn.Conv2d, nn.Linear))]
    hidden = weights[:-1]
    followed = sum(isinstance(mods[i + 1], nn.ReLU) for i in hidden)
    saturating = sum(isinstance(m, (nn.Sigmoid, nn.Tanh)) for m in model.modules())
    return Outcome(
        NOT_CHECKABLE,
        "6x faster convergence than tanh",
        f"{followed}/{len(hidden)} hidden weight layers followed by ReLU",
        f"the speed-up needs training; checked only that every hidden weight layer of AlexNet "
        f"({followed} of {len(hidden)}) feeds a ReLU and no sigmoid/tanh is used ({saturating})",
        (
            Measurement("hidden weight layers followed by ReLU", f"{followed}/{len(hidden)}"),
            Measurement("sigmoid/tanh modules", saturating, "count"),
        ),
    )

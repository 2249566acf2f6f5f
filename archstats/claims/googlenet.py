"""GoogLeNet / Inception: the inception module's cost arithmetic, its structure and the network's figures."""

from __future__ import annotations

import functools
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
    channels,
    check,
    exact,
    layer_row,
    measure,
    model_output,
    on_meta,
    params_of,
    register,
    register_unchecked,
    sample_shape,
    shape_text,
    stated,
    type_total,
    zoo_model,
)

SECTION = "GoogLeNet / Inception"

# The notes' running example (002:99-111): a 28x28x256 input, naive branches 1x1x128, 3x3x192,
# 5x5x96 and a 3x3 max pool; the bottleneck version puts 64-channel 1x1 convs before the 3x3 and
# 5x5 convs and after the pool.
HW, C_IN = 28, 256
CH1, CH3, CH5 = 128, 192, 96
RED = 64

register(
    [
        Claim(
            id="inception-naive-output",
            section=SECTION,
            source="002:99-104",
            quote="입력 28 * 28 * 256 이면 ... 총 out은 28 * 28 * 672가 된다",
            translation="If the input is 28 * 28 * 256 ... the total out becomes 28 * 28 * 672",
            statement="On a 28x28x256 input, 128 1x1 filters, 192 3x3 filters, 96 5x5 filters and a 3x3 max pool "
            "output 28x28x128, 28x28x192, 28x28x96 and 28x28x256; the total output is 28x28x672.",
            interpretation="NaiveInception(256, 128, 192, 96) ('same' padding, a stride-1 3x3 pool) profiled at "
            "256x28x28; each branch's output and the concatenation's shape read from the layer table",
        ),
        Claim(
            id="inception-naive-854m",
            section=SECTION,
            source="002:105-106",
            quote="192개의 3x3 필터의 총 계산량 = 28 * 28 * 192 * 3 * 3 * 256 ... 이 모든 레이어의 계산량을 합치면 "
            "854M개가 된다",
            translation="the total computation of the 192 3x3 filters = 28 * 28 * 192 * 3 * 3 * 256 ... adding up "
            "the computation of all these layers gives 854M",
            statement="The 192 3x3 filters cost 28*28*192*3*3*256; all the layers together cost 854M.",
            interpretation="'computation' read as multiply-accumulates, as the notes' own formula counts them "
            "(H * W * C_out * k * k * C_in, no bias); the naive module of inception-naive-output profiled at "
            "256x28x28: its total MACs (the pool is free) against 854M, the 3x3 branch's row against the formula",
        ),
        Claim(
            id="inception-bottleneck-358m",
            section=SECTION,
            source="002:108-111",
            quote="bottleneck layer의 depth를 64로 한 뒤 계산량을 다시 세보면 358M로 줄어들게 된다",
            translation="setting the bottleneck layers' depth to 64 and counting the computation again, it drops "
            "to 358M",
            statement="With 64-deep bottleneck layers the module's computation drops to 358M.",
            interpretation="Inception(256, 128, 64, 192, 64, 96, 64) on 256x28x28: the 1x1x128 branch, 1x1x64 "
            "reductions before the 3x3x192 and 5x5x96 convs and a 1x1x64 projection after the pool (002:109); "
            "its MACs against 358M and against the naive module's (the drop)",
        ),
        Claim(
            id="inception-1x1-reduction",
            section=SECTION,
            source="004:87, 004:91",
            quote="512개의 channel을 가진 output이 생성됐으면 256개의 1x1 convolution filter를 이용해서 256 "
            "channel로 줄일 수 있다 ... 연산량을 낮출 수 있게 된다 ... 다음 계층의 input 수를 조절하여 연산량을 줄인다",
            translation="if an output with 512 channels was produced, 256 1x1 convolution filters can reduce it "
            "to 256 channels ... the computation can be lowered ... by adjusting the next layer's number of "
            "inputs, the computation is reduced",
            statement="256 1x1 filters reduce a 512-channel output to 256 channels; by reducing the next layer's "
            "inputs this lowers the computation.",
            interpretation="a 1x1 conv 512 -> 256 before a k x k conv ('same', on the notes' 28x28 map); the note "
            "gives neither k nor the next conv's width, so k = 1, 3, 5 and C_out = 32, 256 are swept: the next "
            "conv's MACs after / before the reduction (256/512 by the formula) at each point, and whether the "
            "total, the 1x1 included, drops for some of them ('can lower')",
        ),
        Claim(
            id="googlenet-22-layers",
            section=SECTION,
            source="002:90, 002:141, 004:67",
            quote="22개의 레이어를 가지고 있음 ... 22개의 레이어 ... 깊이가 22층",
            translation="has 22 layers ... 22 layers ... 22 layers deep",
            statement="GoogLeNet is 22 layers deep.",
            interpretation="archstats depth (weight layers, conv and FC, on the longest path) of the paper's "
            "network, the convention of the paper's own count (paper: 'counting only layers with parameters'); "
            "the count with the trunk's pooling layers (paper: 27) is shown beside",
        ),
        Claim(
            id="googlenet-5m-params",
            section=SECTION,
            source="002:90",
            quote="전체 파라미터 수가 5M",
            translation="the total number of parameters is 5M",
            statement="GoogLeNet has 5M parameters in total.",
            interpretation="parameters of the paper's inference network (zoo 'googlenet': real 5x5 convs, conv "
            "biases, auxiliary classifiers off); the count with the auxiliary classifiers (the training network) "
            "and without the final FC are shown beside",
        ),
        Claim(
            id="googlenet-12x-fewer",
            section=SECTION,
            source="002:144, 004:67",
            quote="AlexNet보다 파라미터수가 12배 적다 ... AlexNet에 비해 parameter 수가 12배 적다",
            translation="12 times fewer parameters than AlexNet ... 12 times fewer parameters compared with AlexNet",
            statement="GoogLeNet has 12x fewer parameters than AlexNet.",
            interpretation="measured AlexNet params (the original two-tower net) / measured GoogLeNet params (the "
            "paper's network, auxiliary classifiers off); the notes' own 60M (002:63) / 5M (002:90) is shown beside",
        ),
        Claim(
            id="googlenet-no-fc",
            section=SECTION,
            source="002:90, 002:143",
            quote="FC 레이어가 없다 ... FC가 없다",
            translation="there is no FC layer ... there is no FC",
            statement="GoogLeNet has no FC layers.",
            interpretation="Linear layers in the profiled inference network (literal: none). Intended reading, "
            "the slide's shorthand for AlexNet/VGG's FC stack: no hidden FC layer (Linear before the classifier) "
            "and global average pooling straight before the one classifier; AlexNet's and VGG16's hidden FC "
            "layers shown for contrast",
        ),
        Claim(
            id="inception-naive-depth-grows",
            section=SECTION,
            source="002:104, 002:106",
            quote="depth가 너무 늘어나버렸다 ... module을 거쳐갈 수록 depth가 점점 더 많아진다",
            translation="the depth grew too much ... the more modules it passes through, the more the depth grows",
            statement="The naive module's depth grew (256 to 672), and it keeps growing module after module.",
            interpretation="three NaiveInception(C, 128, 192, 96) stacked on 256x28x28: the pool branch passes its "
            "C input channels through, so module n should output 256 + 416n channels (the notes' numbers); each "
            "module's MACs shown beside",
        ),
        Claim(
            id="googlenet-aux-classifiers",
            section=SECTION,
            source="004:102",
            quote="학습 도중 auxiliary classifier의 loss에 0.3을 곱해 전체 loss에 더해주고 "
            "inference 시 이용하지 않는다",
            translation="during training the auxiliary classifiers' loss is multiplied by 0.3 and added to the "
            "total loss, and they are not used at inference",
            statement="In training the auxiliary classifiers' loss is weighted by 0.3 and added to the total loss; "
            "at inference they are not used.",
            interpretation="GoogLeNet with aux_logits=True profiled in eval mode: the extra MACs over the network "
            "without heads (0 when the heads do not run); the 0.3 loss weight is a training setting and cannot "
            "be measured; the heads' params and training-mode MACs shown beside",
        ),
        Claim(
            id="googlenet-structure",
            section=SECTION,
            source="002:90, 002:118-120, 002:142",
            quote="Inception module을 사용함 ... 앞단(stem)에는 일반적인 네트워크 구조가 들어간다 ... 중간에는 "
            "Inception Module이 쌓여있는데 ... 마지막에는 classifier 결과를 출력 ... Inception Module이 있다",
            translation="uses inception modules ... the front (stem) holds an ordinary network structure ... in the "
            "middle inception modules are stacked ... at the end it outputs the classifier's result ... it has "
            "inception modules",
            statement="GoogLeNet is a stem of ordinary layers, then stacked inception modules, then a classifier.",
            interpretation="the execution-ordered layer table of the zoo 'googlenet': the layer types before the "
            "first inception module (conv, ReLU, pooling, normalisation only), what lies between the first and "
            "last modules (only pooling besides the modules), and what follows the last (pooling, dropout, FC to "
            "the 1000 classes)",
        ),
        Claim(
            id="googlenet-modules-differ",
            section=SECTION,
            source="002:119, 002:133-134",
            quote="조금씩 생긴게 다르다 ... 모든 Inception Module 레이어의 가중치가 같나? ... 아니다",
            translation="each looks slightly different ... are the weights of all the inception module layers the "
            "same? ... no",
            statement="The stacked inception modules each look slightly different, and they do not share weights.",
            interpretation="the nine Inception modules of the zoo 'googlenet': their parameter shapes compared "
            "pairwise (all should differ) and their parameter tensors checked for sharing (none should be "
            "shared; the values themselves come from training); modules with the same branch widths (Table 1) "
            "shown beside",
        ),
        Claim(
            id="inception-bottleneck-placement",
            section=SECTION,
            source="002:108-109",
            quote="1x1 필터를 가지고 depth를 줄인다 ... 3x3, 5x5의 필터를 거치기 전에 1x1 필터를 거치고, Max Pooling을 "
            "한 후에 1x1 필터를 거치게 한다",
            translation="the depth is reduced with 1x1 filters ... a 1x1 filter comes before the 3x3 and 5x5 "
            "filters, and a 1x1 filter comes after the max pooling",
            statement="Bottleneck layers are 1x1 filters that reduce the depth, placed before the 3x3 and 5x5 "
            "filters and after the max pooling.",
            interpretation="every Inception module of the zoo 'googlenet' (the paper's Table 1): the first layer of "
            "the 3x3 and 5x5 branches is a 1x1 conv, the pool branch is a max pool followed by a 1x1 conv, and "
            "each of these 1x1 convs outputs fewer channels than the module takes in",
        ),
        Claim(
            id="inception-1x1-tradeoff",
            section=SECTION,
            source="002:113-114",
            quote="1x1 conv layer가 정보 손실을 야기하지 않나? ... 그럴 수 있다 ... 이걸 하는 것은 계산 복잡도를 "
            "줄이기 위함이다",
            translation="doesn't the 1x1 conv layer cause information loss? ... it can ... this is done to reduce "
            "the computational complexity",
            statement="A 1x1 conv bottleneck can lose information; it is used to reduce the computational complexity.",
            interpretation="the notes' example (002:108-111): the 1x1 conv 256 -> 64 maps the 256 values at each "
            "position to 64 (a linear map to fewer dimensions cannot be inverted, so information can be lost), "
            "and the bottleneck module's MACs against the naive module's",
        ),
        Claim(
            id="inception-1x1-learnable",
            section=SECTION,
            source="002:130-131",
            quote="bottleneck을 만들 때 1x1 conv layer 말고 다른 걸로도 할 수 있나? ... 차원 축소도 있고 conv "
            "layer이기 때문에 backprop으로 학습할 수도 있다",
            translation="could the bottleneck be made with something other than a 1x1 conv layer? ... it reduces "
            "the dimension, and since it is a conv layer it can also be learned by backprop",
            statement="The 1x1 conv bottleneck reduces the dimension and, being a conv layer, has weights learned "
            "by backprop.",
            interpretation="the 1x1 conv 256 -> 64 of the notes' bottleneck module: its channel reduction and its "
            "trainable parameters (weights that take gradients)",
        ),
        Claim(
            id="googlenet-aux-structure",
            section=SECTION,
            source="002:124, 004:100",
            quote="신경망 중간에 줄기가 뻗어 있는데 이를 보조분류기(Auxiliary Classifier)라고 한다. 일반적인 네트워크 "
            "구조인데 여기서도 loss를 구한다 ... auxiliary classifier를 중간 layer에 추가했다",
            translation="a stem branches off in the middle of the network, called the auxiliary classifier. It is "
            "an ordinary network structure, and a loss is computed here too ... auxiliary classifiers were added "
            "to middle layers",
            statement="The auxiliary classifiers branch off middle layers; each is an ordinary network (no "
            "inception module) whose output a loss is computed on.",
            interpretation="GoogLeNet with aux_logits=True profiled in training mode: where each head reads from "
            "(its inception module and that module's weight-layer depth, against the network's), the layer types "
            "of each head, and each head's output against the main classifier's (class scores a loss takes)",
        ),
        Claim(
            id="inception-branches-same-size",
            section=SECTION,
            source="004:83",
            quote="1x1, 3x3, 5x5의 convolution 연산을 각각 수행하며 matrix의 height, width가 같아야 하므로 "
            "pooling 추가",
            translation="1x1, 3x3 and 5x5 convolutions are each performed, and since the matrices' height and "
            "width must be the same, pooling is added",
            statement="An inception module runs 1x1, 3x3 and 5x5 convolutions and a pooling branch, whose outputs "
            "have the same height and width.",
            interpretation="the nine Inception modules of the profiled 'googlenet': the kernels of the branch convs "
            "(1, 3, 5 and a max pool) and each branch's output H x W against the module's input H x W",
        ),
        Claim(
            id="inception-multi-scale",
            section=SECTION,
            source="004:92",
            quote="1x1, 3x3, 5x5 conv 연산을 통해 동시에 서로 다른 규모에서 특징을 추출할 수 있다",
            translation="through the 1x1, 3x3 and 5x5 convs, features can be extracted at different scales at once",
            statement="The 1x1, 3x3 and 5x5 convs extract features at different scales at the same time.",
            interpretation="the notes' bottleneck module profiled at 256x28x28: the receptive field of each conv "
            "branch's output on the module's input (1, 3 and 5 expected), all branches taking the same input",
        ),
        Claim(
            id="googlenet-relu",
            section=SECTION,
            source="004:93, 004:99",
            quote="channel size를 유지하더라도 relu를 통해 non-linearity 성질을 추가할 수 있다 ... ReLU 적용",
            translation="even when the channel size is kept, non-linearity can be added through ReLU ... ReLU applied",
            statement="GoogLeNet applies ReLU; a 1x1 conv that keeps the channel count still adds non-linearity "
            "through its ReLU.",
            interpretation="the execution-ordered layer table of 'googlenet': every conv's next layer is a ReLU on "
            "its output, ReLU is the only activation, and the 1x1 convs that keep their channel count (the stem's "
            "conv2, 64 -> 64) are followed by a ReLU",
        ),
        Claim(
            id="params-grow-exponentially",
            section=SECTION,
            source="004:67",
            quote="Network의 깊이와 넓이가 증가할 수록 ... parameter 수가 기하급수적으로 늘어나고",
            translation="as a network's depth and width increase ... the number of parameters grows exponentially",
            statement="A network's parameter count grows exponentially as its depth and width increase.",
            interpretation="a plain stack of L 3x3 convs of width C (no bias): params(L, C) measured at L = 4, 8, 16 "
            "(C = 64) and C = 32, 64, 128 (L = 8). Exponential growth makes f(2x)/f(x) rise with x; a power law "
            "keeps it constant. Alternative reading of the idiom 기하급수적으로 as 'steeply': faster than in "
            "proportion, f(2x)/f(x) > 2 (paper Section 1: a uniform increase of filters gives a quadratic increase "
            "of computation)",
        ),
    ]
)


def _conv_macs(c_in: int, c_out: int, k: int, hw: int = HW) -> int:
    """The notes' formula: H * W * C_out * k * k * C_in (stride 1, 'same' padding)."""
    return hw * hw * c_out * k * k * c_in


@functools.lru_cache(maxsize=1)
def _naive_profile() -> Any:
    """The notes' naive module on their 28x28x256 input, profiled once."""
    from archstats_models.googlenet import NaiveInception

    return measure(on_meta(NaiveInception, C_IN, CH1, CH3, CH5), (C_IN, HW, HW))


@functools.lru_cache(maxsize=1)
def _bottleneck_profile() -> Any:
    """The notes' module with 64-channel bottlenecks, profiled once."""
    from archstats_models.googlenet import Inception

    return measure(on_meta(Inception, C_IN, CH1, RED, CH3, RED, CH5, RED), (C_IN, HW, HW))


@functools.lru_cache(maxsize=1)
def _aux_profiles() -> tuple[Any, Any]:
    """GoogLeNet with its auxiliary classifiers, profiled in eval and in training mode."""
    model = build("googlenet", aux_logits=True)
    return measure(model, (3, 224, 224)), measure(model, (3, 224, 224), training=True)


def _kernel(model: nn.Module, name: str) -> int:
    """The kernel height of the conv ``name`` (as the layer table names it); 0 for another layer."""
    conv = model.get_submodule(name)
    return int(conv.kernel_size[0]) if isinstance(conv, nn.Conv2d) else 0


def _macs(p: Any, module: str) -> int:
    return int(layer_row(p, module).macs)


def _hwc(shape: str) -> str:
    """A layer-table shape ``'1xCxHxW'`` written as the notes write it, ``'HxWxC'``."""
    c, h, w = sample_shape(shape)
    return f"{h}x{w}x{c}"


def _inception_names(p: Any) -> list[str]:
    """The inception modules of a profiled GoogLeNet, in execution order."""
    return [str(m) for m in p.layers.loc[p.layers["type"] == "Inception", "module"]]


@check("inception-naive-output")
def inception_naive_output(claim: Claim) -> Outcome:
    p = _naive_profile()
    out = _hwc(layer_row(p, "(model)").output_shape)
    total = CH1 + CH3 + CH5 + C_IN
    r = Reading()
    r.equal("output", f"{HW}x{HW}x{total}", out, arithmetic=f"{CH1} + {CH3} + {CH5} + {C_IN} = {total} channels")
    branches = {"1x1 x 128": ("branch1.0", CH1), "3x3 x 192": ("branch2.0", CH3), "5x5 x 96": ("branch3.0", CH5)}
    for label, (module, c) in branches.items():
        r.equal(f"{label} output", f"{HW}x{HW}x{c}", _hwc(layer_row(p, module).output_shape))
    r.equal("3x3 max pool output", f"{HW}x{HW}x{C_IN}", _hwc(layer_row(p, "branch4").output_shape))
    return Outcome(
        readings=(r,),
        explanation=f"every branch keeps 28x28 and the pool keeps its {C_IN} input channels: "
        f"{CH1} + {CH3} + {CH5} + {C_IN} = {total}, measured output {out}",
        formula="C_out = ch1x1 + ch3x3 + ch5x5 + C_in (pool branch)",
        correction=f"the naive module outputs {out}: {CH1} + {CH3} + {CH5} + {C_IN} = {total} channels at 28x28",
    )


@check("inception-naive-854m")
def inception_naive_854m(claim: Claim) -> Outcome:
    p = _naive_profile()
    total = p.totals.macs
    per_pos = CH1 + CH3 * 9 + CH5 * 25
    r = Reading()
    r.figure(
        "MACs of the three convs",
        stated("854M"),
        total,
        kind="macs",
        arithmetic=f"784 * 256 * ({CH1} + {CH3}*9 + {CH5}*25) = 784 * 256 * {per_pos:,} = {784 * 256 * per_pos:,}",
    )
    three = _conv_macs(C_IN, CH3, 3)
    r.equal("3x3 branch", three, _macs(p, "branch2.0"), kind="macs", arithmetic=f"28*28*192*3*3*256 = {three:,}")
    return Outcome(
        readings=(r,),
        explanation=f"1x1 {_macs(p, 'branch1.0'):,} + 3x3 {_macs(p, 'branch2.0'):,} + 5x5 "
        f"{_macs(p, 'branch3.0'):,} = {total:,} MACs (the pool is free)",
        measurements=(
            Measurement("1x1 branch: 28*28*128*256", _macs(p, "branch1.0"), "macs"),
            Measurement("5x5 branch: 28*28*96*5*5*256", _macs(p, "branch3.0"), "macs"),
        ),
        formula="MACs = 28*28*(128*1*1 + 192*3*3 + 96*5*5)*256",
        correction=f"the naive module's convs cost {total:,} MACs ({total / 1e6:.0f}M): 784 * 256 * {per_pos:,}",
    )


def _bottleneck_terms() -> dict[str, int]:
    """The six convolutions of the bottleneck module, each by the notes' formula."""
    return {
        "1x1 conv 128": _conv_macs(C_IN, CH1, 1),
        "1x1 conv 64 (before 3x3)": _conv_macs(C_IN, RED, 1),
        "3x3 conv 192": _conv_macs(RED, CH3, 3),
        "1x1 conv 64 (before 5x5)": _conv_macs(C_IN, RED, 1),
        "5x5 conv 96": _conv_macs(RED, CH5, 5),
        "1x1 conv 64 (after pool)": _conv_macs(C_IN, RED, 1),
    }


@check("inception-bottleneck-358m")
def inception_bottleneck_358m(claim: Claim) -> Outcome:
    p = _bottleneck_profile()
    total = p.totals.macs
    naive = _naive_profile().totals.macs
    terms = _bottleneck_terms()
    per_pos = sum(terms.values()) // (HW * HW)
    twice_3x3 = total + terms["3x3 conv 192"]
    r = Reading()
    r.figure(
        "MACs of the bottleneck module",
        stated("358M"),
        total,
        kind="macs",
        arithmetic="784 * (128*256 + 64*256 + 192*9*64 + 64*256 + 96*25*64 + 64*256) = "
        f"784 * {per_pos:,} = {sum(terms.values()):,}",
    )
    r.flag("drops from the naive module", total < naive, f"{naive:,} -> {total:,}", kind="macs")
    return Outcome(
        readings=(r,),
        explanation=f"the six convs cost {total:,} MACs, not 358M; 358M is that sum with the 3x3 conv counted "
        f"twice: {total:,} + {terms['3x3 conv 192']:,} = {twice_3x3:,}; the drop from the naive {naive:,} is "
        f"{naive / total:.2f}x",
        measurements=(
            Measurement("the six terms + the 3x3 conv again (reproduces 358M)", twice_3x3, "macs"),
            Measurement("naive / bottleneck MACs", naive / total, "ratio"),
            Measurement("output channels (128 + 192 + 96 + 64)", channels(layer_row(p, "(model)").output_shape)),
        ),
        formula="28*28*(128*256 + 64*256 + 192*3*3*64 + 64*256 + 96*5*5*64 + 64*256)",
        correction=f"the bottleneck module costs {total:,} MACs ({total / 1e6:.0f}M): 784 * {per_pos:,}; "
        f"358M counts the 3x3 conv (784 * 192*9*64 = {terms['3x3 conv 192']:,}) twice",
    )


def _reduced_conv(c_in: int, c_red: int, c_out: int, k: int) -> nn.Sequential:
    """A 1x1 conv C_in -> C_red, then the k x k conv ('same' padding) to C_out."""
    return nn.Sequential(nn.Conv2d(c_in, c_red, 1), nn.Conv2d(c_red, c_out, k, padding=k // 2))


def _reduction_point(k: int, c_out: int) -> tuple[int, Any]:
    """(MACs of the k x k conv on all 512 channels, profile of the 1x1 reduction then the conv)."""
    direct = measure(on_meta(nn.Conv2d, 512, c_out, k, padding=k // 2), (512, HW, HW)).totals.macs
    return direct, measure(on_meta(_reduced_conv, 512, 256, c_out, k), (512, HW, HW))


@check("inception-1x1-reduction")
def inception_1x1_reduction(claim: Claim) -> Outcome:
    r = Reading()
    lower: list[str] = []
    higher: list[str] = []
    reduced_channels = 0
    for k, c_out in ((3, 256), (1, 32), (1, 256), (3, 32), (5, 32), (5, 256)):  # the headline first
        direct, reduced = _reduction_point(k, c_out)
        next_macs = _macs(reduced, "1")
        reduced_channels = channels(layer_row(reduced, "0").output_shape)
        r.figure(
            f"k={k}, C_out={c_out}: next conv after / before",
            exact(0.5, "256/512"),
            next_macs / direct,
            kind="ratio",
            arithmetic=f"{next_macs:,} / {direct:,} = {next_macs / direct:.4g}",
        )
        (lower if reduced.totals.macs < direct else higher).append(f"{k}x{k}->{c_out}")
    r.equal("channels after the 1x1", 256, reduced_channels)
    r.flag("the total, the 1x1 included, can drop", bool(lower), ", ".join(lower))
    return Outcome(
        readings=(r,),
        explanation="the next conv sees 256 instead of 512 channels, so its MACs halve for every k and C_out; with "
        "the 1x1 counted, (512*256 + k^2*256*C_out) / (k^2*512*C_out) = 1/2 + 256/(k^2*C_out) is below 1 for "
        f"{', '.join(lower)} and above for {', '.join(higher)}",
        measurements=(Measurement("total higher with the reduction", ", ".join(higher)),),
        formula="(1x1 + next) / direct = 1/2 + 256/(k^2*C_out)",
        correction="the next conv's MACs halve (256/512); the total with the 1x1 drops only when k^2 * C_out > 512",
    )


def _trunk_pools(p: Any) -> int:
    """Pooling layers that are the model's own children (the trunk's, not the modules')."""
    trunk = p.layers[~p.layers["module"].str.contains(".", regex=False)]
    return int(trunk["type"].isin(["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]).sum())


@check("googlenet-22-layers")
def googlenet_22_layers(claim: Claim) -> Outcome:
    p = measure("googlenet")
    depth = p.totals.depth
    stem = sum(1 for m in p.layers.module if str(m).startswith("conv") and str(m).endswith(".0"))
    modules = len(_inception_names(p))
    fcs = int((p.layers["type"] == "Linear").sum())
    r = Reading()
    r.figure(
        "weight layers on the longest path",
        stated("22"),
        depth,
        kind="count",
        arithmetic=f"{stem} stem convs + {modules} modules x 2 (1x1 -> 3x3/5x5) + {fcs} FC = "
        f"{stem + 2 * modules + fcs}",
    )
    pools = _trunk_pools(p)
    return Outcome(
        readings=(r,),
        explanation=f"{stem} + {modules} * 2 + {fcs} = {depth} weight layers on the longest path (the paper's "
        f"count); with the trunk's {pools} pooling layers {depth + pools} (the paper's 27)",
        measurements=(Measurement("with the trunk's pooling layers (paper: 27)", depth + pools, "count"),),
        formula="depth = 3 stem convs + 9 modules x 2 + 1 FC",
        correction=f"GoogLeNet is {depth} weight layers deep: {stem} + {modules} * 2 + {fcs}",
    )


def _param_parts(p: Any) -> tuple[int, int, int]:
    """(stem, inception modules, FC) parameters of a profiled GoogLeNet."""
    rows = p.layers
    modules = int(rows.loc[rows["module"].str.startswith("inception"), "params"].sum())
    fc = type_total(p, "Linear", "params")
    return p.totals.params - modules - fc, modules, fc


@check("googlenet-5m-params")
def googlenet_5m_params(claim: Claim) -> Outcome:
    p = measure("googlenet")
    params = p.totals.params
    stem, modules, fc = _param_parts(p)
    r = Reading()
    r.figure(
        "parameters",
        stated("5M"),
        params,
        kind="count",
        arithmetic=f"stem {stem:,} + 9 modules {modules:,} + FC {fc:,} = {params:,}",
    )
    with_aux = _aux_profiles()[0].totals.params
    return Outcome(
        readings=(r,),
        explanation=f"stem {stem:,} + inception modules {modules:,} + FC {fc:,} = {params:,} "
        f"({(params - 5e6) / 5e6:+.0%} on 5M); {with_aux:,} with the auxiliary classifiers",
        measurements=(
            Measurement("with the auxiliary classifiers (training network)", with_aux, "count"),
            Measurement("without the final FC", params - fc, "count"),
        ),
        formula="params = stem + sum over the 9 modules + FC",
        correction=f"GoogLeNet has {params:,} parameters ({params / 1e6:.1f}M): stem {stem:,} + 9 inception "
        f"modules {modules:,} + FC {fc:,}",
    )


@check("googlenet-12x-fewer")
def googlenet_12x_fewer(claim: Claim) -> Outcome:
    alex = measure("alexnet").totals.params
    goog = measure("googlenet").totals.params
    ratio = alex / goog
    r = Reading()
    r.figure(
        "AlexNet / GoogLeNet params", stated("12"), ratio, kind="ratio", arithmetic=f"{alex:,} / {goog:,} = {ratio:.2f}"
    )
    r.flag("GoogLeNet has fewer parameters", goog < alex, f"{goog:,} < {alex:,}", kind="count")
    return Outcome(
        readings=(r,),
        explanation=f"{alex:,} / {goog:,} = {ratio:.1f}x, not 12x; the notes' own 60M / 5M = 12 (002:63, 002:90): "
        "it is their 5M that is low",
        measurements=(Measurement("the notes' 60M / 5M", 60e6 / 5e6, "ratio"),),
        formula="params(AlexNet) / params(GoogLeNet)",
        correction=f"AlexNet has {ratio:.1f}x GoogLeNet's parameters: {alex:,} / {goog:,}",
    )


def _hidden_fc(p: Any) -> int:
    """Linear layers before the classifier (all but the last)."""
    return max(int((p.layers["type"] == "Linear").sum()) - 1, 0)


def _gap_before_classifier(p: Any) -> tuple[bool, str]:
    """Whether global average pooling to 1x1 is the last layer with a spatial map before the FC."""
    rows = p.layers[p.layers["module"] != "(model)"]
    spatial = rows[[len(sample_shape(s)) == 3 for s in rows.output_shape]]
    last = spatial.iloc[-1]
    ok = "AvgPool" in str(last.type) and sample_shape(last.output_shape)[1:] == (1, 1)
    return ok, f"{last.module} ({last.type}): {shape_text(sample_shape(last.input_shape))} -> " + shape_text(
        sample_shape(last.output_shape)
    )


@check("googlenet-no-fc")
def googlenet_no_fc(claim: Claim) -> Outcome:
    g = measure("googlenet")
    n_fc = int((g.layers["type"] == "Linear").sum())
    fc_params = type_total(g, "Linear", "params")
    literal = Reading()
    literal.equal("FC layers", 0, n_fc, kind="count")
    intended = Reading("intended: no FC stack (hidden FC layers), global average pooling instead", role=INTENDED)
    intended.equal("hidden FC layers (before the classifier)", 0, _hidden_fc(g), kind="count")
    gap, where = _gap_before_classifier(g)
    intended.flag("global average pooling right before the classifier", gap, where)
    return Outcome(
        readings=(literal, intended),
        explanation=f"one FC layer remains, the 1024 -> 1000 classifier after global average pooling "
        f"(1024*1000 + 1000 = {fc_params:,} params, {fc_params / g.totals.params:.0%} of the total); no hidden FC, "
        f"where AlexNet and VGG16 have {_hidden_fc(measure('alexnet'))} and {_hidden_fc(measure('vgg16'))}",
        measurements=(
            Measurement("AlexNet hidden FC layers", _hidden_fc(measure("alexnet")), "count"),
            Measurement("VGG16 hidden FC layers", _hidden_fc(measure("vgg16")), "count"),
        ),
        correction=f"GoogLeNet has {n_fc} FC layer, the classifier after global average pooling ({fc_params:,} "
        "params = 1024*1000 + 1000), and no hidden FC layers",
    )


def _naive_stack() -> nn.Sequential:
    from archstats_models.googlenet import NaiveInception

    added = CH1 + CH3 + CH5
    return nn.Sequential(*(NaiveInception(C_IN + added * n, CH1, CH3, CH5) for n in range(3)))


@check("inception-naive-depth-grows")
def inception_naive_depth_grows(claim: Claim) -> Outcome:
    p = measure(on_meta(_naive_stack), (C_IN, HW, HW))
    added = CH1 + CH3 + CH5
    widths = [channels(layer_row(p, str(n)).output_shape) for n in range(3)]
    r = Reading()
    for n in (2, 0, 1):  # the headline: after three modules
        r.equal(
            f"channels after module {n + 1}",
            C_IN + added * (n + 1),
            widths[n],
            arithmetic=f"256 + {n + 1} * ({CH1} + {CH3} + {CH5}) = {C_IN + added * (n + 1)}",
        )
    path = " -> ".join(str(c) for c in [C_IN, *widths])
    r.flag("the depth grows at every module", all(a < b for a, b in zip([C_IN, *widths], widths)), path)
    macs = [int(p.layers.loc[p.layers["module"].str.startswith(f"{n}."), "macs"].sum()) for n in range(3)]
    return Outcome(
        readings=(r,),
        explanation=f"the pool branch passes its input through, so each module adds {CH1} + {CH3} + {CH5} = {added} "
        f"channels: {path}",
        measurements=tuple(Measurement(f"module {n + 1} MACs", macs[n], "macs") for n in range(3)),
        formula="C_n = 256 + 416 n;  MACs_n = 28*28*(128 + 192*9 + 96*25) * C_(n-1)",
        correction=f"stacked naive modules grow by {added} channels each: {path}",
    )


@check("googlenet-aux-classifiers")
def googlenet_aux_classifiers(claim: Claim) -> Outcome:
    plain = measure("googlenet").totals
    aux_eval, aux_train = _aux_profiles()
    extra_eval = aux_eval.totals.macs - plain.macs
    extra_train = aux_train.totals.macs - plain.macs
    r = Reading()
    r.equal(
        "extra MACs at inference (eval mode)",
        0,
        extra_eval,
        kind="macs",
        arithmetic=f"{aux_eval.totals.macs:,} - {plain.macs:,} = {extra_eval:,}",
    )
    r.unmeasurable("auxiliary loss weighted by 0.3", "a training setting: loss weights are not part of the network")
    return Outcome(
        readings=(r,),
        explanation=f"the heads add {extra_eval:,} MACs in eval mode and {extra_train:,} in training mode; the 0.3 "
        "loss weight cannot be measured",
        measurements=(
            Measurement("auxiliary heads' params", aux_eval.totals.params - plain.params, "count"),
            Measurement("extra MACs in training mode", extra_train, "macs"),
        ),
        correction=f"the auxiliary heads run only in training ({extra_train:,} MACs there, {extra_eval:,} at "
        "inference)",
    )


_PLAIN = {"Conv2d", "ReLU", "MaxPool2d", "AvgPool2d", "LocalResponseNorm", "Linear", "Dropout"}


def _trunk_parts(p: Any) -> tuple[list[str], list[str], list[str]]:
    """The leaf layer types before the first inception module, between the modules, after the last."""
    rows = p.layers[p.layers["module"] != "(model)"].reset_index(drop=True)
    names = [str(m) for m in rows.module]
    in_module = [n.startswith("inception") for n in names]
    first = in_module.index(True)
    last = len(in_module) - 1 - in_module[::-1].index(True)
    types = [str(t) for t in rows.type]
    between = [types[i] for i in range(first, last) if not in_module[i]]
    return types[:first], between, types[last + 1 :]


@check("googlenet-structure")
def googlenet_structure(claim: Claim) -> Outcome:
    p = measure("googlenet")
    stem, between, head = _trunk_parts(p)
    modules = _inception_names(p)
    r = Reading()
    r.flag("stem: ordinary layers before the first inception module", set(stem) <= _PLAIN, ", ".join(stem))
    r.flag(
        "middle: stacked inception modules (only pooling between them)",
        len(modules) > 1 and set(between) <= {"MaxPool2d"},
        f"{len(modules)} modules ({modules[0]} .. {modules[-1]}), between them: {', '.join(between)}",
    )
    out = model_output(p)
    r.flag("end: a classifier to the 1000 classes", head[-1] == "Linear" and out == (1000,), ", ".join(head))
    return Outcome(
        readings=(r,),
        explanation=f"stem {' -> '.join(stem)}; {len(modules)} inception modules with {len(between)} max pools "
        f"between them; then {' -> '.join(head)} to {shape_text(out)} class scores",
        measurements=(Measurement("inception modules", len(modules), "count"),),
        correction=f"GoogLeNet: a stem of {len(stem)} plain layers, {len(modules)} inception modules, then "
        f"{' -> '.join(head)}",
    )


def _module_signature(m: nn.Module) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(t.shape) for t in m.parameters())


def _branch_widths(m: nn.Module) -> tuple[int, ...]:
    """(#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj): Table 1's columns."""
    return tuple(c.out_channels for c in m.modules() if isinstance(c, nn.Conv2d))


@check("googlenet-modules-differ")
def googlenet_modules_differ(claim: Claim) -> Outcome:
    from archstats_models.googlenet import Inception

    named = [(n, m) for n, m in zoo_model("googlenet").named_modules() if isinstance(m, Inception)]
    shapes = {_module_signature(m) for _, m in named}
    tensors = [id(t) for _, m in named for t in m.parameters()]
    r = Reading()
    r.flag("every module's shape differs", len(shapes) == len(named), f"{len(shapes)} distinct of {len(named)}")
    r.flag("no weights shared between modules", len(set(tensors)) == len(tensors), f"{len(tensors)} tensors")
    widths: dict[tuple[int, ...], list[str]] = {}
    for name, m in named:
        widths.setdefault(_branch_widths(m), []).append(name.removeprefix("inception"))
    same = "; ".join(", ".join(v) for v in widths.values() if len(v) > 1) or "none"
    return Outcome(
        readings=(r,),
        explanation=f"{len(named)} modules, {len(shapes)} distinct parameter shapes, {len(set(tensors))} distinct "
        f"parameter tensors of {len(tensors)}; same branch widths (different inputs): {same}",
        measurements=(Measurement("modules with the same branch widths (Table 1)", same),),
        correction=f"GoogLeNet's {len(named)} inception modules have {len(shapes)} distinct shapes and share no "
        "weights",
    )


def _first_conv(seq: nn.Module) -> nn.Conv2d | None:
    convs = [m for m in seq.modules() if isinstance(m, nn.Conv2d)]
    return convs[0] if convs else None


def _is_reduction(conv: nn.Conv2d | None, c_in: int) -> bool:
    return conv is not None and conv.kernel_size == (1, 1) and conv.out_channels < c_in


@check("inception-bottleneck-placement")
def inception_bottleneck_placement(claim: Claim) -> Outcome:
    from archstats_models.googlenet import Inception

    modules = [
        (n.removeprefix("inception"), m) for n, m in zoo_model("googlenet").named_modules() if isinstance(m, Inception)
    ]
    before3 = [n for n, m in modules if _is_reduction(_first_conv(m.branch2), m.branch1[0].in_channels)]
    before5 = [n for n, m in modules if _is_reduction(_first_conv(m.branch3), m.branch1[0].in_channels)]
    after_pool = [
        n
        for n, m in modules
        if isinstance(m.branch4[0], nn.MaxPool2d) and _is_reduction(_first_conv(m.branch4), m.branch1[0].in_channels)
    ]
    r = Reading()
    n = len(modules)
    r.equal("modules with a depth-reducing 1x1 before the 3x3", n, len(before3), kind="count")
    r.equal("modules with a depth-reducing 1x1 before the 5x5", n, len(before5), kind="count")
    r.equal("modules with max pool then a depth-reducing 1x1", n, len(after_pool), kind="count")
    m3a = dict(modules)["3a"]
    c_in = m3a.branch1[0].in_channels
    reds = [_first_conv(b) for b in (m3a.branch2, m3a.branch3, m3a.branch4)]
    example = ", ".join(f"{c_in} -> {c.out_channels}" for c in reds if c is not None)
    return Outcome(
        readings=(r,),
        explanation=f"in all {n} modules the 3x3 and 5x5 branches start with a 1x1 conv and the pool branch ends in "
        f"one, each to fewer channels than the module's input (3a: {example})",
        correction=f"1x1 reductions before the 3x3 ({len(before3)}/{n}), before the 5x5 ({len(before5)}/{n}) and "
        f"after the pool ({len(after_pool)}/{n})",
    )


@check("inception-1x1-tradeoff")
def inception_1x1_tradeoff(claim: Claim) -> Outcome:
    p = _bottleneck_profile()
    c_in = channels(layer_row(p, "branch2.0.0").input_shape)
    c_red = channels(layer_row(p, "branch2.0.0").output_shape)
    bottleneck, naive = p.totals.macs, _naive_profile().totals.macs
    r = Reading()
    r.flag(
        "it reduces the computation (bottleneck module below the naive one)",
        bottleneck < naive,
        f"{bottleneck:,} < {naive:,} MACs",
        arithmetic=f"{naive:,} / {bottleneck:,} = {naive / bottleneck:.2f}x",
    )
    r.flag(
        "it can lose information (fewer values per position out than in)",
        c_red < c_in,
        f"{c_in} -> {c_red} values per position",
        arithmetic=f"a linear map R^{c_in} -> R^{c_red} has a null space of dimension >= {c_in - c_red}",
    )
    return Outcome(
        readings=(r,),
        explanation=f"the 1x1 conv maps {c_in} values per position to {c_red}, and the module costs {bottleneck:,} "
        f"instead of {naive:,} MACs ({naive / bottleneck:.2f}x less)",
        correction=f"the 1x1 bottleneck maps {c_in} -> {c_red} channels and cuts the module from {naive:,} to "
        f"{bottleneck:,} MACs",
    )


@check("inception-1x1-learnable")
def inception_1x1_learnable(claim: Claim) -> Outcome:
    from archstats_models.googlenet import Inception

    block = on_meta(Inception, C_IN, CH1, RED, CH3, RED, CH5, RED)
    conv = _first_conv(block.branch2)
    assert conv is not None
    trainable = sum(t.numel() for t in conv.parameters() if t.requires_grad)
    r = Reading()
    r.flag(
        "it reduces the dimension",
        conv.out_channels < conv.in_channels,
        f"{conv.in_channels} -> {conv.out_channels} channels",
    )
    r.flag(
        "a conv layer with weights that take gradients",
        trainable > 0 and trainable == params_of(conv),
        trainable,
        kind="count",
        arithmetic=f"{conv.in_channels}*{conv.out_channels} + {conv.out_channels} = {trainable:,}",
    )
    return Outcome(
        readings=(r,),
        explanation=f"the 1x1 conv {conv.in_channels} -> {conv.out_channels} has {trainable:,} trainable parameters "
        f"({conv.in_channels}*{conv.out_channels} weights + {conv.out_channels} biases)",
        correction=f"the 1x1 bottleneck reduces {conv.in_channels} -> {conv.out_channels} channels with "
        f"{trainable:,} trainable parameters",
    )


def _aux_attachment(p: Any, head: str) -> tuple[str, int]:
    """The inception module a head reads from and that module's weight-layer depth."""
    rows = p.layers.reset_index(drop=True)
    first = int(rows.index[rows["module"].str.startswith(f"{head}.")][0])
    before = rows.iloc[:first]
    source = before[before["type"] == "Inception"].iloc[-1]
    return str(source.module), int(source.depth)


@check("googlenet-aux-structure")
def googlenet_aux_structure(claim: Claim) -> Outcome:
    _, p = _aux_profiles()
    depth = p.totals.depth
    heads = ("aux1", "aux2")
    where = {h: _aux_attachment(p, h) for h in heads}
    names = _inception_names(p)
    r = Reading()
    middle = all(names[0] != m and names[-1] != m and 0 < d < depth for m, d in where.values())
    text = ", ".join(f"{h} after {m} (depth {d} of {depth})" for h, (m, d) in where.items())
    r.flag("branch off middle layers", middle, text)
    kinds = {h: [str(t) for t in p.layers.loc[p.layers["module"].str.startswith(f"{h}."), "type"]] for h in heads}
    r.flag(
        "ordinary layers only (no inception module)",
        all(set(k) <= _PLAIN for k in kinds.values()),
        ", ".join(dict.fromkeys(kinds["aux1"])),
    )
    main = model_output(measure("googlenet"))
    for h in heads:
        r.equal(f"{h} output: class scores like the main classifier", main, sample_shape(layer_row(p, h).output_shape))
    return Outcome(
        readings=(r,),
        explanation=f"{text}; each head is {' -> '.join(kinds['aux1'])} to {shape_text(main)} class scores",
        measurements=(Measurement("auxiliary classifiers", len(heads), "count"),),
        correction=f"the auxiliary classifiers: {text}",
    )


def _branch_ends(module: str) -> dict[str, str]:
    """The last layer of each branch of an inception module (the pool branch: the pool itself too)."""
    return {
        "1x1": f"{module}.branch1.0",
        "3x3": f"{module}.branch2.1.0",
        "5x5": f"{module}.branch3.1.0",
        "pool": f"{module}.branch4.0",
        "pool proj": f"{module}.branch4.1.0",
    }


@check("inception-branches-same-size")
def inception_branches_same_size(claim: Claim) -> Outcome:
    p = measure("googlenet")
    model = zoo_model("googlenet")
    modules = _inception_names(p)
    kernels = {_kernel(model, row) for m in modules for row in _branch_ends(m).values()} - {0}
    has_pool = all(isinstance(model.get_submodule(_branch_ends(m)["pool"]), nn.MaxPool2d) for m in modules)
    same: list[str] = []
    sizes: dict[str, list[str]] = {}
    for m in modules:
        hw = sample_shape(layer_row(p, m).input_shape)[1:]
        ends = [sample_shape(layer_row(p, row).output_shape)[1:] for row in _branch_ends(m).values()]
        if all(e == hw for e in ends):
            same.append(m)
        sizes.setdefault(shape_text(hw), []).append(m.removeprefix("inception"))
    r = Reading()
    kernel_text = ", ".join(f"{k}x{k}" for k in sorted(kernels)) + (" convs + max pool" if has_pool else " convs")
    r.flag("1x1, 3x3 and 5x5 convs and a max pool branch", kernels == {1, 3, 5} and has_pool, kernel_text)
    r.equal("modules whose branches all keep the input's H x W", len(modules), len(same), kind="count")
    text = "; ".join(f"{k}: {', '.join(v)}" for k, v in sizes.items())
    return Outcome(
        readings=(r,),
        explanation=f"every branch of every module, the stride-1 padded pool included, keeps the module's map "
        f"({text}), so the four outputs concatenate along depth",
        correction=f"{len(same)} of {len(modules)} modules keep H x W in all four branches ({text})",
    )


@check("inception-multi-scale")
def inception_multi_scale(claim: Claim) -> Outcome:
    p = _bottleneck_profile()
    ends = {"1x1": "branch1.0", "3x3": "branch2.1.0", "5x5": "branch3.1.0"}
    fields = {k: int(layer_row(p, row).rf_size_h) for k, row in ends.items()}
    measured = ", ".join(f"{v}x{v}" for v in fields.values())
    r = Reading()
    r.equal("receptive fields on the module's input", "1x1, 3x3, 5x5", measured)
    starts = {"1x1": "branch1.0", "3x3": "branch2.0.0", "5x5": "branch3.0.0"}
    inputs = {layer_row(p, row).input_shape for row in starts.values()}
    r.flag("all branches read the same input at once", inputs == {layer_row(p, "(model)").input_shape}, min(inputs))
    return Outcome(
        readings=(r,),
        explanation=f"the branches see {measured} windows of the same "
        f"{_hwc(layer_row(p, '(model)').input_shape)} input",
        measurements=(Measurement("pool branch's field", int(layer_row(p, "branch4.1.0").rf_size_h)),),
        correction=f"the conv branches see {measured} windows of their common input",
    )


def _relu_after(rows: Any) -> list[str]:
    """Convs whose next layer in execution order is a ReLU applied to their output."""
    names, types = list(rows.module), list(rows.type)
    outs, ins = list(rows.output_shape), list(rows.input_shape)
    return [
        str(names[i])
        for i in range(len(names) - 1)
        if types[i] == "Conv2d" and types[i + 1] == "ReLU" and ins[i + 1] == outs[i]
    ]


def _keeps_channels(row: Any) -> bool:
    return channels(row.input_shape) == channels(row.output_shape)


def _channel_change(row: Any) -> str:
    return f"{channels(row.input_shape)} -> {channels(row.output_shape)}"


@check("googlenet-relu")
def googlenet_relu(claim: Claim) -> Outcome:
    p = measure("googlenet")
    rows = p.layers[p.layers["module"] != "(model)"]
    convs = [str(m) for m in rows.loc[rows["type"] == "Conv2d", "module"]]
    followed = set(_relu_after(rows))
    model = zoo_model("googlenet")
    keep = [c for c in convs if _kernel(model, c) == 1 and _keeps_channels(layer_row(p, c))]
    r = Reading()
    r.equal("convs followed by a ReLU", len(convs), len(followed), kind="count")
    activations = {str(t) for t in rows.type} & {"ReLU", "ReLU6", "GELU", "SiLU", "Sigmoid", "Tanh", "LeakyReLU"}
    r.equal("activation types", "ReLU", ", ".join(sorted(activations)))
    r.flag(
        "channel-keeping 1x1 convs followed by a ReLU",
        bool(keep) and set(keep) <= followed,
        ", ".join(f"{c} ({_channel_change(layer_row(p, c))})" for c in keep),
    )
    return Outcome(
        readings=(r,),
        explanation=f"{len(followed)} of {len(convs)} convs are followed by a ReLU, the only activation; the 1x1 "
        f"convs that keep their channels ({', '.join(keep)}) too",
        correction=f"{len(followed)} of {len(convs)} convs are followed by a ReLU",
    )


def _plain_stack(depth: int, width: int) -> nn.Sequential:
    """``depth`` 3x3 convs of ``width`` channels without bias: depth * 9 * width^2 weights."""
    return nn.Sequential(*(nn.Conv2d(width, width, 3, padding=1, bias=False) for _ in range(depth)))


def _doublings(params: dict[int, int]) -> tuple[float, float]:
    """f(2x)/f(x) at the first two of three sizes x, 2x, 4x."""
    a, b, c = (params[x] for x in sorted(params))
    return b / a, c / b


@check("params-grow-exponentially")
def params_grow_exponentially(claim: Claim) -> Outcome:
    by_depth = {n: params_of(on_meta(_plain_stack, n, 64)) for n in (4, 8, 16)}
    by_width = {c: params_of(on_meta(_plain_stack, 8, c)) for c in (32, 64, 128)}
    d1, d2 = _doublings(by_depth)
    w1, w2 = _doublings(by_width)
    depth_text = f"f(8)/f(4) = {d1:.3g}, f(16)/f(8) = {d2:.3g}"
    width_text = f"f(64)/f(32) = {w1:.3g}, f(128)/f(64) = {w2:.3g}"
    depth_sum = ", ".join(f"{n}*9*64^2 = {v:,}" for n, v in by_depth.items())
    width_sum = ", ".join(f"8*9*{c}^2 = {v:,}" for c, v in by_width.items())
    literal = Reading()
    literal.flag("exponential in depth (f(2L)/f(L) rises)", d2 > d1, depth_text, arithmetic=depth_sum)
    literal.flag("exponential in width (f(2C)/f(C) rises)", w2 > w1, width_text, arithmetic=width_sum)
    steep = Reading("the idiom: grows steeply, faster than in proportion", role=ALTERNATIVE)
    steep.flag("depth: f(2L)/f(L) > 2", min(d1, d2) > 2, depth_text, arithmetic=depth_sum)
    steep.flag("width: f(2C)/f(C) > 2", min(w1, w2) > 2, width_text, arithmetic=width_sum)
    return Outcome(
        readings=(literal, steep),
        explanation=f"a stack of L 3x3 convs of width C has L * 9 * C^2 weights: {by_depth[8]:,} at L=8, C=64; "
        f"doubling the depth doubles it ({depth_text}), doubling the width quadruples it ({width_text}): a power "
        "law, not an exponential",
        formula="params(L, C) = L * 9 * C^2 (3x3 convs, no bias)",
        correction="parameters grow linearly with depth and quadratically with width (L * 9 * C^2 for L 3x3 convs "
        f"of width C: {depth_text}; {width_text}), not exponentially",
    )


register_unchecked(
    [
        Unchecked(
            source="002:137",
            section=SECTION,
            quote="네트워크가 깊기 때문에 맨 뒤에서 전달하다 보면 0이 되버린다",
            translation="because the network is deep, passed back from the very end it becomes 0",
            reason="training",
            detail="vanishing gradients are a property of training, not of the architecture's counts",
        ),
        Unchecked(
            source="004:65",
            section=SECTION,
            quote="ILSVRC 2014년 1등 with Inception block",
            translation="1st place at ILSVRC 2014, with the inception block",
            reason="history",
        ),
        Unchecked(
            source="004:67",
            section=SECTION,
            quote="높은 정확도를 얻지만 ... overfitting되기 쉬우나",
            translation="higher accuracy is obtained but ... it overfits easily",
            reason="accuracy",
            detail="the parameter counts of the sentence are claims (params-grow-exponentially, googlenet-22-layers, "
            "googlenet-12x-fewer)",
        ),
        Unchecked(
            source="004:75, 004:85, 004:97",
            section=SECTION,
            quote='alt="2" ... ![4] ... ![6]',
            translation="figures 2, 4 and 6 (images of NIN, the inception module and the network)",
            reason="not quantitative",
            detail="image links; the digits are figure numbers and display sizes",
        ),
        Unchecked(
            source="004:99",
            section=SECTION,
            quote="0.9 momentum SGD, 8 epoch 마다 4% lr 감소",
            translation="SGD with momentum 0.9, the learning rate lowered by 4% every 8 epochs",
            reason="training",
            detail="'ReLU 적용' on the same line is checked by googlenet-relu",
        ),
        Unchecked(
            source="004:100",
            section=SECTION,
            quote="모델의 깊이가 깊으면 gradient가 0으로 수렴하는 gradient vanishing 문제가 발생할 수 있다",
            translation="when the model is deep, the gradient-vanishing problem, where the gradient converges to 0, "
            "can occur",
            reason="training",
            detail="where the auxiliary classifiers sit is checked by googlenet-aux-structure",
        ),
    ]
)

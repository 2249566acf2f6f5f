"""Convolution arithmetic: parameter and cost formulas of single layers, stacks and MobileNet.

Every check builds the layers it needs on the meta device and measures them with the analyzer;
the notes' formulas are evaluated beside the measurement. Conventions as in the README: MACs are
the multiply-accumulates of convolutions and linear layers (bias adds are not MACs).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from torch import nn

from .base import (
    FAILS,
    Claim,
    Outcome,
    Sweep,
    build,
    check,
    layer_row,
    measure,
    params_of,
    parse_shape,
    register,
    type_total,
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
_MOBILENET_RESOLUTIONS = (
    ("mobilenet_v1", 224),
    ("mobilenet_v1_192", 192),
    ("mobilenet_v1_160", 160),
    ("mobilenet_v1_128", 128),
)

register(
    [
        Claim(
            id="conv1x1-vs-3x3-params",
            section=SECTION,
            source="000:20",
            quote="1x1 필터가 3x3 필터에 비해 9배나 더 적은 파라미터를 가지고 있기 때문이다",
            statement="A 1x1 filter has 9x fewer parameters than a 3x3 filter.",
            interpretation="single bias-free convolutions with the same C_in and C_out, swept over channel counts; "
            "with biases the ratio is slightly below 9 and is reported too",
            tolerance=0.0,
            band=0.05,
        ),
        Claim(
            id="three-3x3-vs-7x7",
            section=SECTION,
            source="004:41, 002:59",
            quote="3개의 3x3 filter를 이용하면 연산량은 3(3^2C^2) = 27C^2가 되고 ... 7^2C^2=49C^2가 된다",
            statement="Three stacked 3x3 convs on C channels have 3(3^2 C^2) = 27C^2 parameters, "
            "one 7x7 conv 7^2 C^2 = 49C^2.",
            interpretation="a stack of three 3x3 convs C->C vs one 7x7 conv C->C, swept over C; the verdict counts "
            "weights (the formulas' k^2*C*C terms, bias-free); with biases (+3C vs +C) reported beside; 004:41 "
            "calls the figures cost (연산량), so MACs per output pixel at equal ('same'-padded) output size are "
            "checked too; 002:59's '7^7 * C^2' is checked as written in three-3x3-vs-7x7-as-written",
            tolerance=0.0,
            band=0.05,
        ),
        Claim(
            id="three-3x3-vs-7x7-as-written",
            section=SECTION,
            source="002:59",
            quote="1개의 7x7 필터는 (7^7 * C^2)이다",
            statement="As 002:59 writes it: one 7x7 filter on C channels has 7^7 * C^2 parameters.",
            interpretation="the formula as written (7^7 = 823,543) against the measured parameters of one "
            "bias-free 7x7 conv C->C, swept over C; the same line's 3 * (3^2 * C^2) for three 3x3 filters is "
            "checked in three-3x3-vs-7x7",
            tolerance=0.0,
            band=0.05,
        ),
        Claim(
            id="two-3x3-vs-5x5",
            section=SECTION,
            source="003:34, 004:38",
            quote="3 x 3 필터 두개를 쌓는 것이 5 x 5  하나는 사용하는 보다 더 적은 파라미터를 사용",
            statement="Two stacked 3x3 convs (18C^2 parameters) use fewer parameters than one 5x5 conv (25C^2).",
            interpretation="a stack of two 3x3 convs C->C vs one 5x5 conv C->C swept over C: weights equal 18C^2 "
            "and 25C^2 exactly (bias-free) and the stack is smaller, with and without biases; MACs per output "
            "pixel at equal output size reported beside",
            tolerance=0.0,
            band=0.05,
        ),
        Claim(
            id="stacked-3x3-receptive-field",
            section=SECTION,
            source="002:57-58, 004:38-39",
            quote="3개의 3x3 필터(stride 1)는 7x7 필터와 같은 effective receptive field를 가진다",
            statement="Two stacked stride-1 3x3 convs see a 5x5 field and three see 7x7, as one 5x5 or 7x7 conv.",
            interpretation="analyzer receptive field of stacks of n stride-1 'same'-padded 3x3 convs (with ReLUs), "
            "n = 1..5 (expected 2n+1; the claim is n = 2 and 3), and of single 5x5 and 7x7 convs; a stack "
            "with a stride-2 first conv is reported to show why the claim says stride 1",
            tolerance=0.0,
            band=0.0,
        ),
        Claim(
            id="conv-params-with-bias",
            section=SECTION,
            source="004:42-43",
            quote="3x3x3x64 = 1728 + bias 64 = 1792",
            statement="A 3x3 conv 3->64 has 1728 weights + 64 biases = 1792 parameters; a 5x5 one 4800 + 64 = 4864.",
            interpretation="single Conv2d(3, 64, k) with bias (totals) and without (weights), k = 3 and 5",
            tolerance=0.0,
            band=0.0,
        ),
        Claim(
            id="dwsep-params-example",
            section=SECTION,
            source="000:189-190",
            quote="3x3x1x3 + 1x1x3x3 = 36개가 된다",
            statement="A 3x3 conv 3->3 has 3x3x3x3 = 81 parameters; "
            "its depthwise-separable version 3x3x1x3 + 1x1x3x3 = 36.",
            interpretation="bias-free Conv2d(3, 3, 3) vs depthwise Conv2d(3, 3, 3, groups=3) "
            "+ pointwise Conv2d(3, 3, 1)",
            tolerance=0.0,
            band=0.0,
        ),
        Claim(
            id="dwsep-mac-formulas",
            section=SECTION,
            source="003:241, 003:258, 003:266, 004:263, 004:271, 004:285",
            quote="N \\times D_G^2 \\times D_k^2 \\times M",
            statement="MACs: standard conv N*D_G^2*D_K^2*M, depthwise M*D_G^2*D_K^2, pointwise N*D_G^2*M.",
            interpretation="single bias-free layers swept over D_K, M, N, feature size and stride; D_G is the "
            "output size (003); 004 writes D_F ('feature map size'), exact when read as the output size "
            "(stride 1, 'same' padding), reported at stride 2 with D_F = input size too",
            tolerance=0.0,
            band=0.05,
        ),
        Claim(
            id="dwsep-same-output-shape",
            section=SECTION,
            source="003:217, 003:246",
            quote="pointwise convolution으로 출력 결과의 shape은 동일하게",
            statement="Depthwise then pointwise convolution gives the same output shape as the standard convolution; "
            "the depthwise step keeps the M channels.",
            interpretation="output shapes of a standard conv and of depthwise + pointwise with the same kernel, "
            "stride and padding, over kernel sizes, strides and channel counts",
            tolerance=0.0,
            band=0.0,
        ),
        Claim(
            id="dwsep-cost-ratio",
            section=SECTION,
            source="003:222-250, 003:283",
            quote="\\cfrac{D_K^2 + N}{D_K^2 \\times N} = \\cfrac{1}{N} + \\cfrac{1}{D_K^2}",
            statement="Depthwise-separable / standard convolution cost = 1/N + 1/D_K^2.",
            interpretation="measured MACs of depthwise + pointwise over MACs of the standard conv with the same "
            "kernel, stride and padding, swept one factor at a time over D_K, M, N, D_G (input size) plus "
            "stride-2 and unpadded cases; the formula is exact whenever both produce the same D_G",
            tolerance=0.0,
            band=0.05,
        ),
        Claim(
            id="dwsep-8-9x",
            section=SECTION,
            source="004:283",
            quote="기존 conv 연산량 대비 **8 ~ 9배** 더 적다",
            statement="For 3x3 kernels a depthwise-separable conv costs 8-9x fewer MACs than a standard conv.",
            interpretation="standard / separable MACs per layer of MobileNet (mobilenet_v1_conv vs mobilenet_v1, "
            "N = 64..1024) and for the whole networks; '8 ~ 9' is printed in integers, so holds = within "
            "[7.5, 9.5] (the midpoint 8.5 +- 1/8.5); single layers swept over N are reported beside "
            "(the factor is 9N/(N+9): strictly 8-9x only for N >= 72)",
            tolerance=1.0 / 8.5,
            band=0.25,
        ),
        Claim(
            id="mobilenet-width-multiplier",
            section=SECTION,
            source="004:301-305",
            quote="D_K \\cdot D_K \\cdot \\alpha M \\cdot D_F \\cdot D_F "
            "+ \\alpha M \\cdot \\alpha N \\cdot D_F \\cdot D_F",
            statement="With width multiplier alpha a separable layer costs Dk^2*aM*DF^2 + aM*aN*DF^2, and a lower "
            "alpha gives fewer parameters.",
            interpretation="MobileNet alpha = 1, 0.75, 0.5, 0.25 (zoo models): the formula summed over the 13 "
            "separable layers of Table 1 (D_F = the layer's output size) vs their measured MACs, and "
            "parameters strictly decreasing with alpha; whole-net MACs and params against alpha^2 (the "
            "paper's 'roughly alpha^2', not in the notes) and a builder width_mult=0.6 reported beside",
            tolerance=0.0,
            band=0.05,
        ),
        Claim(
            id="mobilenet-resolution-multiplier",
            section=SECTION,
            source="004:311",
            quote="$$\\rho$$는 **모델의 연산량을 감소시키기 위해 사용**한다",
            statement="The resolution multiplier rho cuts MobileNet's cost (about rho^2) "
            "and leaves the parameters unchanged.",
            interpretation="MobileNet at 224, 192, 160, 128 (zoo models, rho = 1, 6/7, 5/7, 4/7): whole-net MACs "
            "ratio vs rho^2 (about: 5%) and parameters equal to the 224 model's (exact); convolution-only MACs "
            "ratio reported beside (the FC layer does not shrink with rho)",
            tolerance=0.05,
            band=0.2,
        ),
        Claim(
            id="mobilenet-28-layers",
            section=SECTION,
            source="004:293",
            quote="총 28 레이어를 갖습니다",
            statement="MobileNet has 28 layers (a full conv, 13 depthwise and 13 pointwise convs, the FC).",
            interpretation="archstats depth of mobilenet_v1 (weight layers on the longest path), with the conv and "
            "linear layers counted by kind; the full-conv twin's depth reported beside",
            tolerance=0.0,
            band=0.0,
        ),
        Claim(
            id="mobilenet-downsampling",
            section=SECTION,
            source="004:293, 000:198",
            quote="Down-sampling은 depthwise convolution과 첫 번째 conv layer에서 수행합니다",
            statement="MobileNet downsamples only in the first conv and in depthwise convs (stride 2), "
            "not with pooling.",
            interpretation="the layers of mobilenet_v1 whose output is spatially smaller than their input, "
            "before the global average pool that feeds the classifier",
            tolerance=0.0,
            band=0.0,
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


# --- single layers and stacks ------------------------------------------------------------------


@check("conv1x1-vs-3x3-params")
def conv1x1_vs_3x3(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    for c_in, c_out in ((3, 64), (64, 64), (128, 256), (512, 512)):
        p1 = measure(_conv(c_in, c_out, 1), (c_in, 8, 8)).totals.params
        p3 = measure(_conv(c_in, c_out, 3), (c_in, 8, 8)).totals.params
        sweep.point(f"{c_in}->{c_out} params 3x3 / 1x1", 9, p3 / p1, "ratio")
    with_bias = params_of(_conv(64, 64, 3, bias=True)) / params_of(_conv(64, 64, 1, bias=True))
    sweep.info("64->64 with biases: 3x3 / 1x1", with_bias, "ratio")
    # the MACs follow the parameters when both layers produce the same output size
    m1 = measure(_conv(64, 64, 1), (64, 8, 8)).totals.macs
    m3 = measure(_conv(64, 64, 3), (64, 8, 8)).totals.macs
    sweep.info("64->64 MACs 3x3 / 1x1 at equal output size", m3 / m1, "ratio")
    measured = measure(_conv(64, 64, 3), (64, 8, 8)).totals.params / measure(_conv(64, 64, 1), (64, 8, 8)).totals.params
    return Outcome(
        sweep.verdict,
        9,
        measured,
        sweep.explain(
            "holds exactly without bias: a k x k filter has k^2 * C_in weights (9 vs 1); "
            f"with biases the ratio is {with_bias:.3f}",
        ),
        tuple(sweep.measurements),
        formula="params(k x k) = k^2 * C_in * C_out (+ C_out bias)",
        kind="ratio",
    )


@check("three-3x3-vs-7x7")
def three_3x3_vs_7x7(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    hw = 8
    for c in (3, 16, 64, 256, 512):
        stack = measure(_stack(c, 3, 3), (c, hw, hw)).totals
        single = measure(_conv(c, c, 7), (c, hw, hw)).totals
        sweep.point(f"C={c} three 3x3 params", 3 * (3**2 * c**2), stack.params)
        sweep.point(f"C={c} one 7x7 params", 7**2 * c**2, single.params)
        sweep.point(f"C={c} three 3x3 MACs on an {hw}x{hw} output (27C^2 per pixel)", 27 * c**2 * hw**2, stack.macs)
        sweep.point(f"C={c} one 7x7 MACs on an {hw}x{hw} output (49C^2 per pixel)", 49 * c**2 * hw**2, single.macs)
        sweep.info(f"C={c} with biases: three 3x3 (27C^2 + 3C)", params_of(_stack(c, 3, 3, bias=True)))
        sweep.info(f"C={c} with biases: one 7x7 (49C^2 + C)", params_of(_conv(c, c, 7, bias=True)))
    c = 64
    stack_params = measure(_stack(c, 3, 3), (c, hw, hw)).totals.params
    single_params = measure(_conv(c, c, 7), (c, hw, hw)).totals.params
    with_bias = params_of(_stack(c, 3, 3, bias=True)) / params_of(_conv(c, c, 7, bias=True))
    sweep.info("C=64 params three 3x3 / one 7x7 (27/49)", stack_params / single_params)
    sweep.info("C=64 ratio with biases: three 3x3 / one 7x7", with_bias)
    return Outcome(
        sweep.verdict,
        27 / 49,
        stack_params / single_params,
        sweep.explain(
            "holds exactly (weights, bias-free): 27C^2 vs 49C^2 params, and 27C^2 vs 49C^2 MACs per output pixel; "
            f"biases add 3C vs C (C=64: ratio {with_bias:.4f}); 002:59's 3 * (3^2 * C^2) is right, its 7^7 is a typo",
        ),
        tuple(sweep.measurements),
        formula="three 3x3: 3 * (3^2 * C^2) = 27C^2; one 7x7: 7^2 * C^2 = 49C^2 (weights; MACs per output pixel too)",
        kind="",
    )


@check("three-3x3-vs-7x7-as-written")
def three_3x3_vs_7x7_as_written(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    for c in (3, 64, 512):
        measured = measure(_conv(c, c, 7), (c, 8, 8)).totals.params
        sweep.point(f"C={c} one 7x7 params vs 7^7 * C^2", 7**7 * c**2, measured)
        sweep.info(f"C={c} 7^2 * C^2 (the right formula)", 7**2 * c**2)
    c = 64
    measured = measure(_conv(c, c, 7), (c, 8, 8)).totals.params
    return Outcome(
        sweep.verdict,
        7**7 * c**2,
        measured,
        sweep.explain(
            f"fails as written (C=64): 7^7 * C^2 = {7**7 * c**2:,} but a 7x7 conv C->C has 7^2 * C^2 = {7**2 * c**2:,} "
            f"weights, {7**5:,}x fewer; 002:59 has a typo for 7^2 (004:41 writes 49C^2)",
            when=FAILS,
        ),
        tuple(sweep.measurements),
        formula="as written: 7^7 * C^2 = 823,543 C^2; right: 7^2 * C^2 = 49 C^2",
    )


@check("two-3x3-vs-5x5")
def two_3x3_vs_5x5(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    hw = 8
    for c in (3, 16, 64, 256, 512):
        stack = measure(_stack(c, 3, 2), (c, hw, hw)).totals
        single = measure(_conv(c, c, 5), (c, hw, hw)).totals
        sweep.point(f"C={c} two 3x3 params", 18 * c**2, stack.params)
        sweep.point(f"C={c} one 5x5 params", 25 * c**2, single.params)
        label = f"C={c} two 3x3 fewer params than one 5x5: 3x3 / 5x5"
        sweep.flag(label, stack.params < single.params, stack.params / single.params)
        stack_b, single_b = params_of(_stack(c, 3, 2, bias=True)), params_of(_conv(c, c, 5, bias=True))
        sweep.flag(f"C={c} with biases, fewer params: 3x3 / 5x5", stack_b < single_b, stack_b / single_b)
        sweep.info(f"C={c} MACs per output pixel two 3x3 / one 5x5 (18C^2 / 25C^2)", stack.macs / single.macs)
    c = 64
    ratio = measure(_stack(c, 3, 2), (c, hw, hw)).totals.params / measure(_conv(c, c, 5), (c, hw, hw)).totals.params
    return Outcome(
        sweep.verdict,
        18 / 25,
        ratio,
        sweep.explain(
            "holds: two 3x3 convs have 18C^2 weights vs 25C^2 for one 5x5 (0.72x, C=64 shown), fewer at every C, "
            "with biases too (18C^2 + 2C < 25C^2 + C); MACs per output pixel in the same ratio",
        ),
        tuple(sweep.measurements),
        formula="two 3x3: 2 * 3^2 * C^2 = 18C^2; one 5x5: 5^2 * C^2 = 25C^2",
    )


@check("stacked-3x3-receptive-field")
def stacked_3x3_receptive_field(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    c, hw = 4, 32
    fields = {}
    for n in range(1, 6):
        rf = measure(_stack(c, 3, n), (c, hw, hw)).totals.rf_size
        fields[n] = rf
        sweep.point(f"{n} stacked 3x3 (stride 1) receptive field", 2 * n + 1, rf[0])
        sweep.point(f"{n} stacked 3x3 (stride 1) receptive field, width", 2 * n + 1, rf[1])
    for k in (5, 7):
        rf = measure(_conv(c, c, k), (c, hw, hw)).totals.rf_size
        sweep.point(f"one {k}x{k} receptive field", k, rf[0])
    strided = measure(_stack(c, 3, 2, first_stride=2), (c, hw, hw)).totals.rf_size
    sweep.info("two 3x3, the first with stride 2 (not stride 1: 3 + 2 * 2)", strided[0])
    return Outcome(
        sweep.verdict,
        7,
        fields[3][0],
        sweep.explain(
            f"holds: n stride-1 3x3 convs see 2n+1 pixels ({fields[2][0]}x{fields[2][1]} for two, "
            f"{fields[3][0]}x{fields[3][1]} for three), as single 5x5 and 7x7 convs; with a stride-2 first conv "
            f"two see {strided[0]}",
        ),
        tuple(sweep.measurements),
        formula="field of n stacked k x k stride-1 convs = n(k - 1) + 1 (3x3: 2n + 1)",
    )


@check("conv-params-with-bias")
def conv_params_with_bias(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    for k, weights, total in ((3, 1728, 1792), (5, 4800, 4864)):  # the notes' figures
        sweep.point(f"{k}x{k} 3->64 weights", weights, measure(_conv(3, 64, k), (3, 32, 32)).totals.params)
        sweep.point(
            f"{k}x{k} 3->64 weights + biases", total, measure(_conv(3, 64, k, bias=True), (3, 32, 32)).totals.params
        )
        sweep.info(f"{k}x{k} 3->64 formula k*k*3*64 + 64", k * k * 3 * 64 + 64)
    measured = measure(_conv(3, 64, 3, bias=True), (3, 32, 32)).totals.params
    measured5 = measure(_conv(3, 64, 5, bias=True), (3, 32, 32)).totals.params
    return Outcome(
        sweep.verdict,
        1792,
        measured,
        sweep.explain(
            f"holds exactly: 3x3 3->64 has {measured:,} parameters (1728 + 64), 5x5 has {measured5:,} (4800 + 64)",
        ),
        tuple(sweep.measurements),
        formula="params = k * k * C_in * C_out + C_out",
    )


@check("dwsep-params-example")
def dwsep_params_example(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    standard = measure(_conv(3, 3, 3), (3, 32, 32))
    separable = measure(_dwsep(3, 3, 3), (3, 32, 32))
    sweep.point("standard 3x3 3->3 params (3x3x3x3)", 81, standard.totals.params)
    sweep.point("depthwise 3x3, groups 3 (3x3x1x3)", 27, int(layer_row(separable, "0").params))
    sweep.point("pointwise 1x1 3->3 (1x1x3x3)", 9, int(layer_row(separable, "1").params))
    sweep.point("depthwise-separable total", 36, separable.totals.params)
    sweep.info(
        "separable / standard params (1/N + 1/Dk^2 = 1/3 + 1/9)",
        separable.totals.params / standard.totals.params,
    )
    return Outcome(
        sweep.verdict,
        36,
        separable.totals.params,
        sweep.explain(
            f"holds exactly: 27 + 9 = {separable.totals.params} vs {standard.totals.params} for the standard conv "
            "(bias-free, as the note counts)",
        ),
        tuple(sweep.measurements),
        formula="standard: Dk^2 * M * N; separable: Dk^2 * M + M * N",
    )


# --- depthwise separable cost -------------------------------------------------------------------

# (D_K, M, N, input size, stride, padding): one factor at a time around (3, 32, 64, 28, 1, same)
_DWSEP_CASES: tuple[tuple[int, int, int, int, int, int | None], ...] = (
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


def _case_label(k: int, m: int, n: int, d: int, stride: int, padding: int | None) -> str:
    pad = "same" if padding is None else f"pad {padding}"
    return f"Dk={k} M={m} N={n} in {d}x{d} s{stride} {pad}"


@check("dwsep-mac-formulas")
def dwsep_mac_formulas(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    for k, m, n, d, stride, padding in _DWSEP_CASES:
        label = _case_label(k, m, n, d, stride, padding)
        standard = measure(_conv(m, n, k, stride=stride, padding=padding), (m, d, d))
        separable = measure(_dwsep(m, n, k, stride=stride, padding=padding), (m, d, d))
        d_g = parse_shape(layer_row(standard, "(model)").output_shape)[-1]
        sweep.point(f"{label}: standard N*D_G^2*D_K^2*M", n * d_g**2 * k**2 * m, standard.totals.macs, "macs")
        sweep.point(f"{label}: depthwise M*D_G^2*D_K^2", m * d_g**2 * k**2, int(layer_row(separable, "0").macs), "macs")
        sweep.point(f"{label}: pointwise N*D_G^2*M", n * d_g**2 * m, int(layer_row(separable, "1").macs), "macs")
        if stride != 1:
            sweep.info(f"{label}: 004's D_K*D_K*M*D_F*D_F with D_F = input size {d}", k * k * m * d * d, "macs")
    k, m, n, d = 3, 32, 64, 28
    measured = measure(_dwsep(m, n, k), (m, d, d)).totals.macs
    return Outcome(
        sweep.verdict,
        m * d**2 * k**2 + n * d**2 * m,
        measured,
        sweep.explain(
            "holds exactly with D_G = the output size (Dk=3, M=32, N=64 at 28x28 shown); 004's D_F must be read as the "
            "output size (4x too large at stride 2 if the input's), and 004:265 mislabels D_k as the input size "
            "(it is the kernel size)",
        ),
        tuple(sweep.measurements),
        formula="standard N*D_G^2*D_K^2*M; depthwise M*D_G^2*D_K^2; pointwise N*D_G^2*M",
        kind="macs",
    )


@check("dwsep-same-output-shape")
def dwsep_same_output_shape(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    for k, m, n, d, stride, padding in _DWSEP_CASES:
        label = _case_label(k, m, n, d, stride, padding)
        standard = measure(_conv(m, n, k, stride=stride, padding=padding), (m, d, d))
        separable = measure(_dwsep(m, n, k, stride=stride, padding=padding), (m, d, d))
        out_std, out_sep = layer_row(standard, "(model)").output_shape, layer_row(separable, "1").output_shape
        sweep.flag(f"{label}: separable output {out_sep} = standard output", out_sep == out_std, out_std)
        dw_in, dw_out = (
            parse_shape(layer_row(separable, "0").input_shape),
            parse_shape(layer_row(separable, "0").output_shape),
        )
        sweep.flag(
            f"{label}: depthwise keeps M channels",
            dw_in[1] == dw_out[1] == m,
            layer_row(separable, "0").output_shape,
        )
    standard = measure(_conv(32, 64, 3, stride=2), (32, 28, 28))
    separable = measure(_dwsep(32, 64, 3, stride=2), (32, 28, 28))
    return Outcome(
        sweep.verdict,
        layer_row(standard, "(model)").output_shape,
        layer_row(separable, "1").output_shape,
        sweep.explain(
            "holds: with the same kernel, stride and padding the pointwise conv gives the standard conv's "
            "(D_G, D_G, N) output (32->64 stride 2 on 28x28 shown), and the depthwise step keeps M channels",
        ),
        tuple(sweep.measurements),
        formula="standard: (D_F, D_F, M) -> (D_G, D_G, N); depthwise: -> (D_G, D_G, M); pointwise: -> (D_G, D_G, N)",
    )


@check("dwsep-cost-ratio")
def dwsep_cost_ratio(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    for k, m, n, d, stride, padding in _DWSEP_CASES:
        label = _case_label(k, m, n, d, stride, padding)
        standard = measure(_conv(m, n, k, stride=stride, padding=padding), (m, d, d))
        separable = measure(_dwsep(m, n, k, stride=stride, padding=padding), (m, d, d))
        measured = Fraction(separable.totals.macs, standard.totals.macs)
        sweep.point(f"{label}: MACs separable / standard", float(Fraction(1, n) + Fraction(1, k**2)), float(measured))
        if k == 1:
            sweep.info(f"{label}: with 1x1 kernels the 'separable' version costs more (ratio > 1)", 1 / n + 1)
    params_ratio = params_of(_dwsep(32, 64, 3)) / params_of(_conv(32, 64, 3))
    sweep.info("params separable / standard (Dk=3, M=32, N=64, bias-free): also 1/N + 1/Dk^2", params_ratio)
    k, m, n, d = 3, 32, 64, 28
    measured = Fraction(measure(_dwsep(m, n, k), (m, d, d)).totals.macs, measure(_conv(m, n, k), (m, d, d)).totals.macs)
    return Outcome(
        sweep.verdict,
        float(Fraction(1, n) + Fraction(1, k**2)),
        float(measured),
        sweep.explain(
            "holds exactly at every point (Dk=3, N=64 shown): M and D_G cancel whenever both convs produce the same "
            "output size, stride 2 and no padding included; the bias-free parameter ratio is the same",
        ),
        tuple(sweep.measurements),
        formula="(M*D_G^2*D_K^2 + N*D_G^2*M) / (N*D_G^2*D_K^2*M) = 1/N + 1/D_K^2",
    )


@check("dwsep-8-9x")
def dwsep_8_9x(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    midpoint = 8.5  # the middle of the notes' "8 ~ 9"
    sep, full = measure("mobilenet_v1"), measure("mobilenet_v1_conv")
    factors = []
    for i, (_m, n, _s) in enumerate(_MOBILENET_PLAN, start=1):
        sep_macs = sum(int(layer_row(sep, f"features.{i}.{part}.0").macs) for part in ("depthwise", "pointwise"))
        full_macs = int(layer_row(full, f"features.{i}.0").macs)
        factor = full_macs / sep_macs
        factors.append((factor, i, n))
        label = f"MobileNet layer {i} (N={n}): 3x3 conv / separable MACs (formula 9N/(N+9) = {9 * n / (n + 9):.3f})"
        sweep.point(label, midpoint, factor, "ratio")
    whole = full.totals.macs / sep.totals.macs
    sweep.point("whole MobileNet: Conv MobileNet / MobileNet MACs", midpoint, whole, "ratio")
    sweep.info("whole MobileNet, params: Conv MobileNet / MobileNet", full.totals.params / sep.totals.params, "ratio")
    for n in (16, 32, 64, 72, 128, 256, 1024, 4096):
        m, d = 64, 14
        standard = measure(_conv(m, n, 3), (m, d, d)).totals.macs
        separable = measure(_dwsep(m, n, 3), (m, d, d)).totals.macs
        label = f"single layer N={n} (M={m}, {d}x{d}): standard / separable MACs (formula {9 * n / (n + 9):.3f})"
        sweep.info(label, standard / separable, "ratio")
    low, i_low, n_low = min(factors)
    high = max(f for f, _, _ in factors)
    return Outcome(
        sweep.verdict,
        midpoint,
        whole,
        f"{sweep.verdict}: the whole net is {whole:.2f}x cheaper, its layers {low:.2f}x (layer {i_low}, N={n_low}, "
        f"just under 8) to {high:.2f}x; per layer the factor is 9N/(N+9) < 9, within 8-9x only for N >= 72",
        tuple(sweep.measurements),
        formula="standard / separable = 1 / (1/N + 1/D_K^2) = 9N / (N + 9) for D_K = 3",
        kind="ratio",
    )


# --- MobileNet multipliers and layout -----------------------------------------------------------


def _width_formula(alpha: float, resolution: int = 224, k: int = 3, *, d_f: str = "output") -> float:
    """004:303 summed over Table 1's separable layers, D_F = each layer's output (or input) size.

    Evaluated in exact arithmetic (alpha = 0.6 is 3/5, not its binary approximation).
    """
    a = Fraction(alpha).limit_denominator(10**6)
    total = Fraction(0)
    d = resolution // 2  # after the stride-2 stem
    for m, n, stride in _MOBILENET_PLAN:
        d_in, d = d, -(-d // stride)
        f = d if d_f == "output" else d_in
        total += k * k * (a * m) * f * f + (a * m) * (a * n) * f * f
    return int(total) if total.denominator == 1 else float(total)


def _separable_macs(p: Any) -> int:
    rows = p.layers[p.layers["module"].str.contains(r"\.(?:depthwise|pointwise)\.0$", regex=True)]
    return int(rows["macs"].sum())


@check("mobilenet-width-multiplier")
def mobilenet_width_multiplier(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    base = measure("mobilenet_v1")
    previous_params = None
    for name, alpha in _MOBILENET_WIDTHS:
        p = measure(name)
        label = f"alpha={alpha} ({name}) separable-layer MACs vs formula"
        sweep.point(label, _width_formula(alpha), _separable_macs(p), "macs")
        if previous_params is not None:
            label = f"alpha={alpha}: fewer params than the next wider model"
            sweep.flag(label, p.totals.params < previous_params, p.totals.params, "count")
        else:
            sweep.info(f"alpha={alpha} params", p.totals.params, "count")
        previous_params = p.totals.params
        sweep.info(
            f"alpha={alpha} whole-net MACs / alpha=1 (alpha^2 = {alpha**2:.4g})",
            p.totals.macs / base.totals.macs,
        )
        sweep.info(f"alpha={alpha} params / alpha=1 (alpha^2 = {alpha**2:.4g})", p.totals.params / base.totals.params)
    label = "alpha=1 formula with D_F = each layer's input size (stride-2 layers counted at 4x)"
    sweep.info(label, _width_formula(1.0, d_f="input"), "macs")
    built = measure(build("mobilenet_v1", width_mult=0.6), (3, 224, 224))
    sweep.info("builder width_mult=0.6: formula with real aM, aN", _width_formula(0.6), "macs")
    sweep.info("builder width_mult=0.6: measured (channels floored, 32*0.6 -> 19)", _separable_macs(built), "macs")
    half = measure("mobilenet_v1_050")
    quarter = measure("mobilenet_v1_025")
    return Outcome(
        sweep.verdict,
        _width_formula(0.5),
        _separable_macs(half),
        sweep.explain(
            "holds: the formula equals the separable layers' MACs at every alpha (0.5 shown) "
            "and params fall with alpha; whole-net MACs shrink less than alpha^2 "
            f"({quarter.totals.macs / base.totals.macs:.3f} vs 0.0625 at 0.25): "
            "the depthwise, stem and FC terms are linear in alpha",
        ),
        tuple(sweep.measurements),
        formula="per separable layer: D_K*D_K*aM*D_F*D_F + aM*aN*D_F*D_F (D_F = output size)",
        kind="macs",
    )


@check("mobilenet-resolution-multiplier")
def mobilenet_resolution_multiplier(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    base = measure("mobilenet_v1")
    base_conv = type_total(base, "Conv2d", "macs")
    ratios = {}
    for name, res in _MOBILENET_RESOLUTIONS[1:]:
        rho = Fraction(res, 224)
        p = measure(name)
        ratios[res] = p.totals.macs / base.totals.macs
        sweep.point(f"rho={rho} ({res}) whole-net MACs / 224", float(rho**2), ratios[res])
        unchanged = p.totals.params == base.totals.params
        sweep.flag(f"rho={rho} ({res}) params unchanged", unchanged, p.totals.params, "count")
        sweep.info(
            f"rho={rho} ({res}) conv-only MACs / 224 (rho^2 = {float(rho**2):.4f})",
            type_total(p, "Conv2d", "macs") / base_conv,
        )
        sweep.info(f"rho={rho} ({res}) MACs", p.totals.macs, "macs")
    rho = Fraction(128, 224)
    conv_exact = all(
        Fraction(type_total(measure(name), "Conv2d", "macs"), base_conv) == Fraction(res, 224) ** 2
        for name, res in _MOBILENET_RESOLUTIONS[1:]
    )
    return Outcome(
        sweep.verdict,
        float(rho**2),
        ratios[128],
        sweep.explain(
            "holds: the parameters do not change with rho and the conv MACs scale by rho^2 "
            f"{'exactly' if conv_exact else 'approximately'} (224, 192, 160, 128 are multiples of 32); the FC "
            f"layer's 1.02M MACs do not scale, so the whole net is slightly above rho^2 ({ratios[128]:.4f} at 128)",
        ),
        tuple(sweep.measurements),
        formula="MACs(rho) ~ rho^2 * MACs(1): D_K*D_K*aM*(rho D_F)^2 + aM*aN*(rho D_F)^2",
    )


@check("mobilenet-28-layers")
def mobilenet_28_layers(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    p = measure("mobilenet_v1")
    layers = p.layers
    depth = p.totals.depth
    sweep.point("mobilenet_v1 depth (weight layers on the longest path)", 28, depth)
    convs = layers[layers["type"] == "Conv2d"]["module"]
    n_full = int((~convs.str.contains("depthwise|pointwise")).sum())
    n_dw = int(convs.str.contains("depthwise").sum())
    n_pw = int(convs.str.contains("pointwise").sum())
    n_fc = int((layers["type"] == "Linear").sum())
    sweep.point("conv + linear layers counted by kind", 28, n_full + n_dw + n_pw + n_fc)
    sweep.info("full convs", n_full)
    sweep.info("depthwise convs", n_dw)
    sweep.info("pointwise convs", n_pw)
    sweep.info("FC layers", n_fc)
    sweep.info("Conv MobileNet (full-conv twin) depth", measure("mobilenet_v1_conv").totals.depth)
    return Outcome(
        sweep.verdict,
        28,
        depth,
        sweep.explain(
            f"holds: {n_full} full conv + {n_dw} depthwise + {n_pw} pointwise + {n_fc} FC = {depth} weight layers, "
            "all on one path (depthwise and pointwise counted apart)",
        ),
        tuple(sweep.measurements),
        formula="1 + 2 * 13 + 1 = 28",
    )


@check("mobilenet-downsampling")
def mobilenet_downsampling(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    p = measure("mobilenet_v1")
    shrinking = []
    for row in p.layers.itertuples():
        if row.module in ("avgpool", "(model)", "classifier"):
            continue  # the global pool feeding the classifier is not a downsampling step
        shape_in, shape_out = parse_shape(row.input_shape), parse_shape(row.output_shape)
        if len(shape_in) == 4 and len(shape_out) == 4 and shape_out[-1] < shape_in[-1]:
            shrinking.append((row.module, row.type, shape_in[-1], shape_out[-1]))
    names = []
    for module, kind, h_in, h_out in shrinking:
        ok = kind == "Conv2d" and (module == "features.0.0" or module.endswith("depthwise.0"))
        names.append("first conv" if module == "features.0.0" else "depthwise" if ok else module)
        sweep.flag(f"{module} ({kind}) {h_in} -> {h_out}", ok, f"{h_in}->{h_out}")
    pools = p.layers[p.layers["type"].str.contains("Pool")]
    sweep.flag("pooling layers before the classifier's global pool", len(pools) == 1, len(pools) - 1)
    n_dw = names.count("depthwise")
    others = [n for n in names if n not in ("first conv", "depthwise")]
    measured = f"{'first conv + ' if 'first conv' in names else ''}{n_dw} depthwise convs" + "".join(
        f", {o}" for o in others
    )
    return Outcome(
        sweep.verdict,
        "first conv + depthwise convs",
        measured,
        f"{sweep.verdict}: the {len(shrinking)} spatial reductions (224 -> 7 = 2^{len(shrinking)}) are the stride-2 "
        "stem conv and stride-2 depthwise convs; the only pooling is the final global average pool",
        tuple(sweep.measurements),
        formula="224 / 2^5 = 7",
    )

"""GoogLeNet / Inception: the inception module's cost arithmetic and the network's headline figures."""

from __future__ import annotations

from typing import Any

from torch import nn

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
    judge_readings,
    measure,
    on_meta,
    register,
    type_total,
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
            quote="총 out은 28 * 28 * 672가 된다",
            statement="The naive inception module on a 28x28x256 input (1x1x128, 3x3x192, 5x5x96 convs and a "
            "3x3 max pool, concatenated) outputs 28x28x672.",
            interpretation="NaiveInception(256, 128, 192, 96) with 'same' padding and a stride-1 3x3 pool, "
            "profiled at 256x28x28; the output shape is read from the profile",
            tolerance=0.0,
        ),
        Claim(
            id="inception-naive-854m",
            section=SECTION,
            source="002:105-106",
            quote="이 모든 레이어의 계산량을 합치면 854M개가 된다",
            statement="The naive module's convolutions cost 854M operations; the 3x3 branch alone is "
            "28*28*192*3*3*256.",
            interpretation="'operations' read as multiply-accumulates of the three convolutions (bias and the "
            "pool not counted, as in the notes' formula); the 3x3 branch's formula is checked against its "
            "layer row; holds within the rounding of the printed 854M",
            tolerance=0.5 / 854,
            band=0.05,
        ),
        Claim(
            id="inception-bottleneck-358m",
            section=SECTION,
            source="002:108-111",
            quote="bottleneck layer의 depth를 64로 한 뒤 계산량을 다시 세보면 358M로 줄어들게 된다",
            statement="With 64-channel 1x1 bottleneck layers (before the 3x3 and 5x5 convs and after the pool) "
            "the module's cost drops to 358M operations.",
            interpretation="Inception(256, 128, 64, 192, 64, 96, 64) on 256x28x28: the 1x1x128 branch, 1x1x64 "
            "reductions before the 3x3x192 and 5x5x96 convs and a 1x1x64 projection after the pool; MACs "
            "measured and summed by formula term by term; holds within the rounding of 358M, approx within 5%",
            tolerance=0.5 / 358,
            band=0.05,
        ),
        Claim(
            id="inception-1x1-reduction",
            section=SECTION,
            source="004:87",
            quote="512개의 channel을 가진 output이 생성됐으면 256개의 1x1 convolution filter를 이용해서 "
            "256 channel로 줄일 수 있다",
            statement="A 1x1 conv reducing 512 channels to 256 lowers the cost of the convolution that follows.",
            interpretation="the note gives no map size or output width, so the next conv (k x k, 'same', on the "
            "notes' 28x28 map) is swept over k = 1, 3, 5 and C_out = 32, 256; verdict on the next conv's MACs "
            "after / before the reduction (256/512 expected) with the closed form of the total checked against "
            "the analyzer; whether the total, the 1x1 itself included, drops is reported per point",
            tolerance=0.0,
        ),
        Claim(
            id="googlenet-22-layers",
            section=SECTION,
            source="002:90, 002:141, 004:67",
            quote="22개의 레이어를 가지고 있음",
            statement="GoogLeNet is 22 layers deep.",
            interpretation="archstats depth (weight layers, conv and FC, on the longest path) of the paper's "
            "network; the paper's own count (layers with parameters) is the same convention; the 27 with the "
            "trunk's pooling layers and the depth with the auxiliary classifiers are reported too",
            tolerance=0.0,
        ),
        Claim(
            id="googlenet-5m-params",
            section=SECTION,
            source="002:90",
            quote="전체 파라미터 수가 5M",
            statement="GoogLeNet has 5M parameters in total.",
            interpretation="parameters of the paper's inference network (zoo 'googlenet': real 5x5 convs, conv "
            "biases, auxiliary classifiers off); with the two auxiliary classifiers (aux_logits=True, the "
            "training network) and without the final FC are reported too; holds within the rounding of 5M "
            "(10%), approx within 25%",
            tolerance=0.1,
            band=0.25,
        ),
        Claim(
            id="googlenet-12x-fewer",
            section=SECTION,
            source="002:144, 004:67",
            quote="AlexNet보다 파라미터수가 12배 적다",
            statement="GoogLeNet has 12x fewer parameters than AlexNet.",
            interpretation="measured AlexNet params (the original two-tower net) / measured GoogLeNet params "
            "(paper's network, auxiliary classifiers off) decides the verdict; the notes' own figures 60M / 5M "
            "and the ratio against the training network with auxiliary classifiers are reported; holds within "
            "the rounding of 12 (0.5/12), approx within 25%",
            tolerance=0.5 / 12,
            band=0.25,
        ),
        Claim(
            id="googlenet-no-fc",
            section=SECTION,
            source="002:90, 002:143",
            quote="FC 레이어가 없다",
            statement="GoogLeNet has no fully connected layers.",
            interpretation="Linear layers in the profiled inference network: literally the claim wants 0; what "
            "the lecture means is that global average pooling replaces AlexNet/VGG's stack of large FC layers, "
            "measured as hidden FC layers (Linear layers before the classifier) and the FC share of the params, "
            "against AlexNet and VGG16; verdict approx: the intended reading holds, the literal one does not",
            tolerance=0.0,
        ),
        Claim(
            id="inception-naive-depth-grows",
            section=SECTION,
            source="002:104, 002:106",
            quote="module을 거쳐갈 수록 depth가 점점 더 많아진다",
            statement="Stacking naive inception modules makes the depth (channels) grow module after module, "
            "and with it the cost.",
            interpretation="three NaiveInception(C, 128, 192, 96) modules stacked on 256x28x28: the pool branch "
            "passes its C input channels through, so the output of module n should be 256 + 416n channels; "
            "per-module MACs measured too",
            tolerance=0.0,
        ),
        Claim(
            id="googlenet-aux-classifiers",
            section=SECTION,
            source="004:102",
            quote="auxiliary classifier의 loss에 0.3을 곱해 전체 loss에 더해주고 inference 시 이용하지 않는다",
            statement="The auxiliary classifiers' loss is weighted by 0.3 in training and they are not used at "
            "inference.",
            interpretation="the 0.3 loss weight is a training setting (not checkable from the architecture); "
            "checked: GoogLeNet with aux_logits=True costs the same MACs in eval mode as without the heads, "
            "and the heads' params and training-mode MACs are measured",
            tolerance=0.0,
        ),
    ]
)


def _conv_macs(c_in: int, c_out: int, k: int, hw: int = HW) -> int:
    """The notes' formula: H * W * C_out * k * k * C_in (stride 1, 'same' padding)."""
    return hw * hw * c_out * k * k * c_in


def _naive(c_in: int = C_IN) -> nn.Module:
    from archstats_models.googlenet import NaiveInception

    return on_meta(NaiveInception, c_in, CH1, CH3, CH5)


def _bottleneck() -> nn.Module:
    from archstats_models.googlenet import Inception

    return on_meta(Inception, C_IN, CH1, RED, CH3, RED, CH5, RED)


@check("inception-naive-output")
def inception_naive_output(claim: Claim) -> Outcome:
    p = measure(_naive(), (C_IN, HW, HW))
    out = p.layers.iloc[-1]["output_shape"]  # the module's own row: the concatenation
    _, c, h, w = (int(v) for v in out.split("x"))
    expected = f"{HW}x{HW}x{CH1 + CH3 + CH5 + C_IN}"
    measured = f"{h}x{w}x{c}"
    return Outcome(
        HOLDS if measured == expected else FAILS,
        expected,
        measured,
        f"the pool branch keeps its {C_IN} channels and every branch keeps 28x28, so the concatenation is "
        f"{CH1} + {CH3} + {CH5} + {C_IN} = {c} channels (measured output {out})",
        (
            Measurement("output channels: formula 128 + 192 + 96 + 256", CH1 + CH3 + CH5 + C_IN, "count"),
            Measurement("output channels: measured", c, "count"),
        ),
        formula="C_out = ch1x1 + ch3x3 + ch5x5 + C_in (pool branch)",
    )


@check("inception-naive-854m")
def inception_naive_854m(claim: Claim) -> Outcome:
    p = measure(_naive(), (C_IN, HW, HW))
    rows = p.layers.set_index("module")["macs"]
    branch = {"1x1": int(rows["branch1.0"]), "3x3": int(rows["branch2.0"]), "5x5": int(rows["branch3.0"])}
    formula = {"1x1": _conv_macs(C_IN, CH1, 1), "3x3": _conv_macs(C_IN, CH3, 3), "5x5": _conv_macs(C_IN, CH5, 5)}
    sweep = Sweep(claim)
    for name in branch:
        sweep.point(f"{name} branch MACs (formula vs analyzer)", formula[name], branch[name], "macs")
    total = p.totals.macs
    verdict = judge(854e6, total, claim)
    formula_ok = sweep.verdict == HOLDS and sum(formula.values()) == total
    if not formula_ok:
        verdict = FAILS
    return Outcome(
        verdict,
        854e6,
        total,
        f"the three convs cost {total:,} MACs (1x1 {branch['1x1'] / 1e6:.1f}M + 3x3 {branch['3x3'] / 1e6:.1f}M "
        f"+ 5x5 {branch['5x5'] / 1e6:.1f}M), i.e. 854M as the notes say; the 3x3 term 28*28*192*3*3*256 = "
        f"{formula['3x3']:,} matches its layer exactly (multiply-accumulates; the pool is free)",
        (
            *sweep.measurements,
            Measurement("sum of the notes' formula over the three convs", sum(formula.values()), "macs"),
        ),
        formula="MACs = 28*28*(128*1*1 + 192*3*3 + 96*5*5)*256",
        kind="macs",
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
    p = measure(_bottleneck(), (C_IN, HW, HW))
    rows = p.layers.set_index("module")["macs"]
    layer_of = {
        "1x1 conv 128": "branch1.0",
        "1x1 conv 64 (before 3x3)": "branch2.0.0",
        "3x3 conv 192": "branch2.1.0",
        "1x1 conv 64 (before 5x5)": "branch3.0.0",
        "5x5 conv 96": "branch3.1.0",
        "1x1 conv 64 (after pool)": "branch4.1.0",
    }
    terms = _bottleneck_terms()
    sweep = Sweep(claim)
    for name, value in terms.items():
        sweep.point(f"{name} (formula vs analyzer)", value, int(rows[layer_of[name]]), "macs")
    total = p.totals.macs
    formula_total = sum(terms.values())
    twice_3x3 = formula_total + terms["3x3 conv 192"]
    naive = measure(_naive(), (C_IN, HW, HW)).totals.macs
    out_c = channels(p.layers.iloc[-1]["output_shape"])
    verdict = judge(358e6, total, claim)
    if formula_total != total or sweep.verdict != HOLDS:
        verdict = FAILS
    return Outcome(
        verdict,
        358e6,
        total,
        f"the notes are wrong: the six convs of the 64-channel bottleneck module cost {total / 1e6:.1f}M MACs "
        f"(formula and analyzer agree), not 358M; 358M equals that sum with the 3x3 conv counted twice "
        f"({formula_total / 1e6:.1f}M + {terms['3x3 conv 192'] / 1e6:.1f}M = {twice_3x3 / 1e6:.1f}M); the "
        f"drop from the naive {naive / 1e6:.0f}M is {naive / total:.2f}x, not {854 / 358:.2f}x",
        (
            *sweep.measurements,
            Measurement("sum of the six terms (formula)", formula_total, "macs"),
            Measurement("the six terms + the 3x3 conv again (reproduces 358M)", twice_3x3, "macs"),
            Measurement("as FLOPs (2 x MACs), another reading that misses 358M", 2 * total, "flops"),
            Measurement("naive module, measured", naive, "macs"),
            Measurement("naive / bottleneck MACs, measured", naive / total, "ratio"),
            Measurement("output channels (128 + 192 + 96 + 64)", out_c, "count"),
        ),
        formula="28*28*(128*256 + 64*256 + 192*3*3*64 + 64*256 + 96*5*5*64 + 64*256)",
        kind="macs",
    )


def _reduced_conv(c_in: int, c_red: int, c_out: int, k: int) -> nn.Sequential:
    """A 1x1 conv C_in -> C_red, then the k x k conv ('same' padding) to C_out."""
    return nn.Sequential(nn.Conv2d(c_in, c_red, 1), nn.Conv2d(c_red, c_out, k, padding=k // 2))


@check("inception-1x1-reduction")
def inception_1x1_reduction(claim: Claim) -> Outcome:
    c_in, c_red = 512, 256
    sweep = Sweep(claim)
    pays: list[str] = []
    no_pay: list[str] = []
    headline = None
    for k in (1, 3, 5):
        for c_out in (32, 256):
            direct = measure(on_meta(nn.Conv2d, c_in, c_out, k, padding=k // 2), (c_in, HW, HW))
            reduced = measure(on_meta(_reduced_conv, c_in, c_red, c_out, k), (c_in, HW, HW))
            next_macs = int(reduced.layers.set_index("module")["macs"]["1"])
            # the next conv now sees 256 instead of 512 channels: its cost falls to 256/512
            ratio = next_macs / direct.totals.macs
            sweep.point(f"{k}x{k} -> {c_out}: next conv after / direct", c_red / c_in, ratio, "ratio")
            net = reduced.totals.macs / direct.totals.macs
            net_formula = (_conv_macs(c_in, c_red, 1) + _conv_macs(c_red, c_out, k)) / _conv_macs(c_in, c_out, k)
            sweep.point(f"{k}x{k} -> {c_out}: (1x1 + next) / direct, formula vs analyzer", net_formula, net, "ratio")
            (pays if net < 1 else no_pay).append(f"{k}x{k}->{c_out}")
            if (k, c_out) == (3, 256):
                headline = (direct.totals.macs, reduced.totals.macs, next_macs)
    assert headline is not None
    direct_macs, reduced_macs, next_macs = headline
    return Outcome(
        sweep.verdict,
        c_red / c_in,
        next_macs / direct_macs,
        f"the next conv's MACs halve for every kernel (256 instead of 512 inputs); with the 1x1 itself counted, "
        f"a 3x3 -> 256 on 28x28 costs {reduced_macs / 1e6:.0f}M instead of {direct_macs / 1e6:.0f}M "
        f"({reduced_macs / direct_macs:.2f}x); the total only drops when k^2 * C_out > 512 "
        f"(lower for {', '.join(pays)}; higher for {', '.join(no_pay)}: never before a 1x1 conv to <= 512 channels)",
        (
            *sweep.measurements,
            Measurement("total lower with the reduction", ", ".join(pays)),
            Measurement("total higher with the reduction", ", ".join(no_pay)),
        ),
        formula="(1x1 + next) / direct = (512*256 + k^2*256*C_out) / (k^2*512*C_out) = 1/2 + 256/(k^2*C_out)",
        kind="ratio",
    )


def _googlenet_parts() -> tuple[int, int, int]:
    """(stem convs, inception modules, FC layers) of the paper's network, counted from the model."""
    from archstats_models.googlenet import Inception

    model = build("googlenet")
    stem = sum(isinstance(m, nn.Conv2d) for name, m in model.named_modules() if name.startswith("conv"))
    modules = sum(isinstance(m, Inception) for m in model.modules())
    fcs = sum(isinstance(m, nn.Linear) for m in model.modules())
    return stem, modules, fcs


@check("googlenet-22-layers")
def googlenet_22_layers(claim: Claim) -> Outcome:
    p = measure("googlenet")
    depth = p.totals.depth
    stem, modules, fcs = _googlenet_parts()
    by_formula = stem + 2 * modules + fcs
    layers = p.layers
    trunk = layers[~layers["module"].str.contains(".", regex=False)]  # the model's own children
    trunk_pools = int(trunk["type"].isin(["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]).sum())
    aux = measure(build("googlenet", aux_logits=True), (3, 224, 224), training=True).totals.depth
    verdict = judge(22, depth, claim)
    return Outcome(
        verdict,
        22,
        depth,
        f"{depth} weight layers on the longest path: {stem} stem convs + {modules} inception modules x 2 "
        f"(1x1 reduce -> 3x3/5x5) + {fcs} FC; the notes count layers with weights as the paper does "
        f"(with the trunk's {trunk_pools} pooling layers: {depth + trunk_pools}, the paper's 27)",
        (
            Measurement("depth by structure: stem + 2 x modules + FC", by_formula, "count"),
            Measurement("pooling layers on the trunk", trunk_pools, "count"),
            Measurement("depth + trunk pools (paper: 27)", depth + trunk_pools, "count"),
            Measurement("depth with auxiliary classifiers (training)", aux, "count"),
        ),
        formula="depth = 3 stem convs + 9 modules x 2 + 1 FC",
        kind="count",
    )


def _aux_profiles() -> tuple[Any, Any]:
    """GoogLeNet with its auxiliary classifiers, profiled in eval and in training mode."""
    model = build("googlenet", aux_logits=True)
    return measure(model, (3, 224, 224)), measure(model, (3, 224, 224), training=True)


@check("googlenet-5m-params")
def googlenet_5m_params(claim: Claim) -> Outcome:
    p = measure("googlenet")
    params = p.totals.params
    fc = type_total(p, "Linear", "params")
    model = build("googlenet")
    weights_only = sum(t.numel() for n, t in model.named_parameters() if not n.endswith("bias"))
    aux_eval, _ = _aux_profiles()
    with_aux = aux_eval.totals.params
    verdict = judge(5e6, params, claim)
    return Outcome(
        verdict,
        5e6,
        params,
        f"the notes are wrong: the paper's network has {params / 1e6:.2f}M params ({(params - 5e6) / 5e6:+.0%}), "
        f"{with_aux / 1e6:.1f}M with the two auxiliary classifiers used in training; even without the final FC "
        f"it keeps {(params - fc) / 1e6:.2f}M",
        (
            Measurement("inference network (aux off)", params, "count"),
            Measurement("with auxiliary classifiers (aux_logits=True)", with_aux, "count"),
            Measurement("without the final FC (convolutions only)", params - fc, "count"),
            Measurement("weights only (biases left out)", weights_only, "count"),
        ),
        kind="count",
    )


@check("googlenet-12x-fewer")
def googlenet_12x_fewer(claim: Claim) -> Outcome:
    alex = measure("alexnet").totals.params
    goog = measure("googlenet").totals.params
    aux_eval, _ = _aux_profiles()
    ratio = alex / goog
    verdict = judge(12, ratio, claim)
    return Outcome(
        verdict,
        12,
        ratio,
        f"the notes are wrong: measured AlexNet / GoogLeNet params = {alex / 1e6:.1f}M / {goog / 1e6:.2f}M = "
        f"{ratio:.1f}x, not 12x (still about an order of magnitude fewer); 12x is what the notes' own 60M "
        f"(002:63) and 5M (002:90) give, and it is the 5M that is too low; against the training network "
        f"with auxiliary classifiers it is "
        f"{alex / aux_eval.totals.params:.1f}x",
        (
            Measurement("AlexNet params, measured", alex, "count"),
            Measurement("GoogLeNet params, measured", goog, "count"),
            Measurement("notes' figures: 60M / 5M", 60e6 / 5e6, "ratio"),
            Measurement("notes' 60M / measured GoogLeNet", 60e6 / goog, "ratio"),
            Measurement("measured AlexNet / GoogLeNet with aux classifiers", alex / aux_eval.totals.params, "ratio"),
        ),
        formula="params(AlexNet) / params(GoogLeNet)",
        kind="ratio",
    )


def _fc_stats(p: Any) -> tuple[int, int, int]:
    """(Linear layers, hidden Linear layers = all but the last classifier, Linear params)."""
    lin = p.layers[p.layers["type"] == "Linear"]
    return len(lin), max(len(lin) - 1, 0), int(lin["params"].sum())


@check("googlenet-no-fc")
def googlenet_no_fc(claim: Claim) -> Outcome:
    g = measure("googlenet")
    n_fc, hidden, fc_params = _fc_stats(g)
    _, aux_train = _aux_profiles()
    n_fc_train = int((aux_train.layers["type"] == "Linear").sum())
    alex, vgg = measure("alexnet"), measure("vgg16")
    a_fc, a_hidden, a_params = _fc_stats(alex)
    v_fc, v_hidden, v_params = _fc_stats(vgg)
    share = fc_params / g.totals.params
    literal_holds = n_fc == 0
    intended_holds = hidden == 0 and share < a_params / alex.totals.params and share < v_params / vgg.totals.params
    verdict = judge_readings(literal_holds, intended_holds)
    return Outcome(
        verdict,
        0,
        n_fc,
        f"literally false: GoogLeNet keeps one FC layer, the 1024 -> 1000 classifier after global average "
        f"pooling ({fc_params / 1e6:.2f}M params, {share:.0%} of the total); what holds is the intended point, "
        f"no hidden FC stack ({hidden} hidden FC vs {a_hidden} in AlexNet with {a_params / alex.totals.params:.0%} "
        f"and {v_hidden} in VGG16 with {v_params / vgg.totals.params:.0%} of their params in FC); the training "
        f"network's auxiliary heads add {n_fc_train - n_fc} more FC layers",
        (
            Measurement("GoogLeNet FC layers (inference)", n_fc, "count"),
            Measurement("GoogLeNet hidden FC layers", hidden, "count"),
            Measurement("GoogLeNet FC params", fc_params, "count"),
            Measurement("GoogLeNet FC share of params (fraction)", round(share, 4)),
            Measurement("GoogLeNet FC layers with auxiliary classifiers (training)", n_fc_train, "count"),
            Measurement("AlexNet FC layers", a_fc, "count"),
            Measurement("AlexNet FC params", a_params, "count"),
            Measurement("VGG16 FC layers", v_fc, "count"),
            Measurement("VGG16 FC params", v_params, "count"),
        ),
        kind="count",
    )


@check("inception-naive-depth-grows")
def inception_naive_depth_grows(claim: Claim) -> Outcome:
    from archstats_models.googlenet import NaiveInception

    stack = on_meta(
        lambda: nn.Sequential(
            NaiveInception(C_IN, CH1, CH3, CH5),
            NaiveInception(C_IN + 416, CH1, CH3, CH5),
            NaiveInception(C_IN + 2 * 416, CH1, CH3, CH5),
        )
    )
    p = measure(stack, (C_IN, HW, HW))
    rows = p.layers
    sweep = Sweep(claim)
    added = CH1 + CH3 + CH5
    widths: list[int] = []
    for n in range(3):
        own = rows[rows["module"] == str(n)].iloc[-1]
        c = channels(own["output_shape"])
        widths.append(c)
        sweep.point(f"module {n + 1} output channels", C_IN + added * (n + 1), c)
        macs = int(rows[rows["module"].str.startswith(f"{n}.")]["macs"].sum())
        c_in = C_IN + added * n
        sweep.point(
            f"module {n + 1} MACs (28*28*(128 + 192*9 + 96*25)*{c_in})",
            HW * HW * (CH1 + CH3 * 9 + CH5 * 25) * c_in,
            macs,
            "macs",
        )
    return Outcome(
        sweep.verdict,
        C_IN + 3 * added,
        widths[-1],
        f"the pool branch passes its input through, so every naive module adds 128 + 192 + 96 = {added} channels "
        f"({' -> '.join(str(c) for c in [C_IN, *widths])}) and each module's conv cost grows with its input "
        f"width",
        tuple(sweep.measurements),
        formula="C_n = 256 + 416 n;  MACs_n = 28*28*(128 + 192*9 + 96*25) * C_(n-1)",
    )


@check("googlenet-aux-classifiers")
def googlenet_aux_classifiers(claim: Claim) -> Outcome:
    plain = measure("googlenet").totals
    aux_eval, aux_train = _aux_profiles()
    extra_eval = aux_eval.totals.macs - plain.macs
    extra_train = aux_train.totals.macs - plain.macs
    aux_params = aux_eval.totals.params - plain.params
    return Outcome(
        NOT_CHECKABLE,
        0,
        extra_eval,
        f"the 0.3 loss weight is a training setting and cannot be measured; checked: the two auxiliary heads "
        f"({aux_params / 1e6:.2f}M params, {aux_params / aux_eval.totals.params:.0%} of the training network) add "
        f"{extra_eval:,} MACs at inference and {extra_train / 1e6:.2f}M in training, i.e. they run only in training",
        (
            Measurement("auxiliary heads' params", aux_params, "count"),
            Measurement("extra MACs at inference (eval mode)", extra_eval, "macs"),
            Measurement("extra MACs in training mode", extra_train, "macs"),
        ),
        kind="macs",
    )

"""ResNet: the bottleneck block, shortcuts, depth and layout, checked on the zoo's blocks and nets."""

from __future__ import annotations

from typing import Any

from torch import nn

from .base import (
    FAILS,
    HOLDS,
    Claim,
    Measurement,
    Outcome,
    Sweep,
    build,
    check,
    judge,
    judge_all,
    judge_readings,
    layer_row,
    measure,
    model_output,
    on_meta,
    register,
    residual_blocks,
    sample_shape,
    shape_text,
    submodule,
    type_total,
)

SECTION = "ResNet"

register(
    [
        Claim(
            id="resnet-bottleneck-shape",
            section=SECTION,
            source="002:175",
            quote="28\\*28\\*256의 입력값이 1x1,64 -> 3x3,64 -> 1x1,256를 통과하여 같은 크기로 나온다",
            statement="A 28x28x256 input through 1x1,64 -> 3x3,64 -> 1x1,256 comes out the same size.",
            interpretation="the zoo's ResNet Bottleneck(256 -> 64 -> 64 -> 256, stride 1) profiled on a "
            "256x28x28 input; the output shape is compared with the input shape, and the inner shapes "
            "(64x28x28 after the 1x1 and after the 3x3) are reported",
            tolerance=0.0,
        ),
        Claim(
            id="resnet-bottleneck-6x",
            section=SECTION,
            source="004:138",
            quote="총 parameter 수가 약 6배 감소되었다",
            statement="The bottleneck block has about 6x fewer parameters than the basic block.",
            interpretation="conv weights of the bottleneck 256->64->64->256 against three readings of 'the "
            "basic block': (A, the verdict) a basic block on the same 256-channel input and output, two "
            "3x3 256->256 convs; (B) the basic block of the same 64-channel inner width the paper pairs "
            "it with (Fig. 5: two 3x3 64->64); (C) the single 3x3 256->256 conv the bottleneck replaces. "
            "A is swept over the four stage widths; ratios with batch-norm parameters are reported too. "
            "'about 6x' holds within the rounding of the figure (5.5x to 6.5x)",
            tolerance=0.5 / 6,
            band=0.5,
        ),
        Claim(
            id="resnet-shortcut-free",
            section=SECTION,
            source="003:102",
            quote="이 shortcut은 파라미터 없이 단순히 값을 더하는 구조이므로 연산량에 크게 영향 안 줌",
            statement="The identity shortcut adds no parameters and barely affects the compute.",
            interpretation="the same block with and without its identity shortcut (the zoo's BasicBlock vs "
            "PlainBlock, and Bottleneck vs the same bottleneck without the addition), at the note's "
            "64x28x28 example (004:170) and at the first and last stage shapes: added parameters and MACs "
            "must be 0; the addition's FLOPs (full convention, one per output element) must be at most 1% "
            "of the block's FLOPs to count as 'little' (approx up to 10%); then ResNet-34 against its plain "
            "twin plain34, where nothing but the three projection shortcuts may add parameters or MACs",
            tolerance=0.01,
            band=0.1,
        ),
        Claim(
            id="resnet-projection-shortcut",
            section=SECTION,
            source="004:176-182",
            quote="방법은 stride 2를 가진 1x1 conv layer를 하나 연결해주기만 하면 된다",
            statement="Where the feature map shrinks, the shortcut is a 1x1 conv with stride 2 (projection shortcut).",
            interpretation="the note's example (a basic block taking 28x28x64 to 14x14x128, 004:178-180) built "
            "with the zoo's BasicBlock and a 1x1 stride-2 conv + BN projection; then every downsampling "
            "shortcut of ResNet-34 (the note's figure) and ResNet-50: kernel 1x1 and stride 2, parameters "
            "against C_in*C_out and MACs against H_out*W_out*C_in*C_out, and their share of the network",
            tolerance=0.0,
        ),
        Claim(
            id="resnet-152-layers",
            section=SECTION,
            source="002:148",
            quote="152개의 레이어",
            statement="ResNet-152 has 152 layers.",
            interpretation="weight layers (conv, FC) on the longest input-to-output path of the zoo's "
            "resnet152 (torchvision layout) and resnet152_v1 (paper layout); the total number of weight "
            "layers, projection shortcuts included, is reported",
            tolerance=0.0,
        ),
        Claim(
            id="resnet-bottleneck-from-50",
            section=SECTION,
            source="002:174",
            quote="네트워크의 깊이가 50 이상일 때 Bottleneck Layer를 사용한다",
            statement="ResNets of depth 50 and more use bottleneck blocks (shallower ones basic blocks).",
            interpretation="block types in the layer tables of resnet18, 34, 50, 101 and 152: every block "
            "must be a Bottleneck when the depth is >= 50 and a BasicBlock below; the depth itself is measured",
            tolerance=0.0,
        ),
        Claim(
            id="resnet-filters-double",
            section=SECTION,
            source="002:164, 002:166",
            quote="주기적으로 필터를 두 배씩 늘리고 stride2를 이용하여 downsampling을 수행한다",
            statement="A residual block is two 3x3 convs; the filters double periodically while a stride-2 "
            "conv halves the map.",
            interpretation="ResNet-34 (basic blocks) and ResNet-50: each stage's output channels and map size "
            "from the layer table (channel ratio 2 and size ratio 1/2 at each of the three transitions), the "
            "stride of the conv that downsamples, and the kernels of the basic block's two convs",
            tolerance=0.0,
        ),
        Claim(
            id="resnet-gap-no-fc",
            section=SECTION,
            source="002:170-171",
            quote="네트워크 후반에는 FC Layer가 없다",
            statement="ResNet has no FC layers at the end; it uses global average pooling instead.",
            interpretation="FC (Linear) layers and the global pooling in the layer tables of resnet18..152. "
            "Two readings: (literal) no FC layer at all; (intended) global average pooling replaces VGG's "
            "stack of FC layers, i.e. no hidden FC layers, GAP followed only by the output classifier; VGG16's "
            "FC layers are counted for contrast. Verdict approx when the intended reading holds and the "
            "literal one does not (as for googlenet-no-fc), fails when both fail",
            tolerance=0.0,
        ),
        Claim(
            id="resnet-bn-after-every-conv",
            section=SECTION,
            source="002:179, 000:239",
            quote="모든 Conv Layer다음에 Batch Norm을 사용한다",
            statement="Every conv layer is followed by batch norm (and then ReLU, 000:239).",
            interpretation="in the execution-ordered layer tables of resnet50, resnet152 and resnext50_32x4d, "
            "the fraction of Conv2d layers whose next layer is a BatchNorm2d on the conv's output (the "
            "verdict); the fraction of batch norms directly followed by a ReLU is reported (000:239's 'then ReLU')",
            tolerance=0.0,
        ),
        Claim(
            id="resnet-no-dropout",
            section=SECTION,
            source="002:185",
            quote="No Dropout Used",
            statement="ResNet uses no dropout.",
            interpretation="Dropout modules in the zoo's resnet18..152 (VGG16's are counted for contrast)",
            tolerance=0.0,
        ),
    ]
)


# ---------------------------------------------------------------------------------------- helpers

_RESNETS = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")


class _BottleneckNoShortcut(nn.Module):
    """The zoo's Bottleneck run without its identity addition (the plain counterpart of the block)."""

    def __init__(self, inplanes: int, planes: int) -> None:
        from archstats_models.resnet import Bottleneck

        super().__init__()
        self.block = Bottleneck(inplanes, planes)

    def forward(self, x: Any) -> Any:
        b = self.block
        out = b.relu(b.bn1(b.conv1(x)))
        out = b.relu(b.bn2(b.conv2(out)))
        return b.relu(b.bn3(b.conv3(out)))


# ---------------------------------------------------------------------------------------- checks


@check("resnet-bottleneck-shape")
def bottleneck_shape(claim: Claim) -> Outcome:
    from archstats_models.resnet import Bottleneck

    p = measure(on_meta(Bottleneck, 256, 64), (256, 28, 28))
    inner = [sample_shape(layer_row(p, m).output_shape) for m in ("conv1", "conv2", "conv3")]
    out = model_output(p)
    expected = (256, 28, 28)
    verdict = HOLDS if out == expected and inner[:2] == [(64, 28, 28)] * 2 else FAILS
    return Outcome(
        verdict,
        shape_text(expected),
        shape_text(out),
        f"1x1 -> {shape_text(inner[0])}, 3x3 (padding 1) -> {shape_text(inner[1])}, 1x1 -> "
        f"{shape_text(inner[2])}; the output matches the input, so the identity can be added",
        (
            Measurement("after 1x1,64", shape_text(inner[0])),
            Measurement("after 3x3,64", shape_text(inner[1])),
            Measurement("after 1x1,256", shape_text(inner[2])),
            Measurement("block parameters (convs + BN)", p.totals.params, "count"),
            Measurement("block MACs at 28x28", p.totals.macs, "macs"),
        ),
        formula="1x1 and padded 3x3 convs at stride 1 keep H x W; the last 1x1 restores 256 channels",
    )


@check("resnet-bottleneck-6x")
def bottleneck_6x(claim: Claim) -> Outcome:
    from archstats_models.resnet import BasicBlock, Bottleneck

    sweep = Sweep(claim)
    ratios_a: list[float] = []
    for c, h in ((256, 56), (512, 28), (1024, 14), (2048, 7)):
        bottleneck = measure(on_meta(Bottleneck, c, c // 4), (c, h, h))
        basic = measure(on_meta(BasicBlock, c, c), (c, h, h))
        ratio = _conv_params(basic) / _conv_params(bottleneck)
        ratios_a.append(ratio)
        sweep.point(f"(A) {c}-channel basic / bottleneck {c}->{c // 4}->{c}, conv params", 6, ratio, "ratio")
        if c == 256:
            b256, basic256 = bottleneck, basic
            macs_a = basic.totals.macs / bottleneck.totals.macs
            with_bn_a = basic.totals.params / bottleneck.totals.params
    basic64 = measure(on_meta(BasicBlock, 64, 64), (64, 56, 56))
    conv3x3 = measure(on_meta(nn.Conv2d, 256, 256, 3, padding=1, bias=False), (256, 56, 56))
    bott = _conv_params(b256)
    ratio_b = _conv_params(basic64) / bott
    ratio_c = conv3x3.totals.params / bott
    formula_bott = 256 * 64 + 9 * 64 * 64 + 64 * 256
    formula_a = 2 * 9 * 256 * 256
    formula_b = 2 * 9 * 64 * 64
    verdict_b, verdict_c = judge(6, ratio_b, claim), judge(6, ratio_c, claim)
    measured = ratios_a[0]
    measurements = [
        Measurement("bottleneck 256->64->64->256 conv params: measured", bott, "count"),
        Measurement("bottleneck conv params: 256*64 + 9*64*64 + 64*256", formula_bott, "count"),
        Measurement("(A) basic block 256->256 conv params: measured", _conv_params(basic256), "count"),
        Measurement("(A) basic block conv params: 2 * 9*256*256", formula_a, "count"),
        *sweep.measurements,
        Measurement("(A) MACs ratio at 56x56", macs_a, "ratio"),
        Measurement("(A) params ratio with batch norm", with_bn_a, "ratio"),
        Measurement(
            f"(B) 64-wide basic block (2 * 9*64*64 = {formula_b:,}) / bottleneck ({verdict_b})", ratio_b, "ratio"
        ),
        Measurement(f"(C) one 3x3 256->256 conv (9*256*256) / bottleneck ({verdict_c})", ratio_c, "ratio"),
    ]
    return Outcome(
        sweep.verdict,
        6,
        measured,
        "no reading gives 6x: against a basic block on the same 256 channels (A, the verdict) "
        f"the bottleneck has {measured:.1f}x fewer params at every stage; against the 64-wide basic block the "
        f"paper pairs it with (B) they are about equal ({ratio_b:.2f}x); one 3x3 256->256 conv (C) has "
        f"{ratio_c:.1f}x the bottleneck's params",
        tuple(measurements),
        formula="basic(C) = 2*9*C^2; bottleneck(C) = C*C/4 + 9*(C/4)^2 + C/4*C = 17C^2/16; ratio = 288/17 = 16.9",
        kind="ratio",
    )


def _conv_params(profile: Any) -> int:
    return type_total(profile, "Conv2d", "params")


def _shortcut_cases() -> list[tuple[str, nn.Module, nn.Module, tuple[int, int, int]]]:
    """(label, block with its identity shortcut, the same block without it, input C x H x W)."""
    from archstats_models.resnet import BasicBlock, Bottleneck, PlainBlock

    return [
        ("basic 64x28x28 (note 004:170)", on_meta(BasicBlock, 64, 64), on_meta(PlainBlock, 64, 64), (64, 28, 28)),
        ("basic 512x7x7", on_meta(BasicBlock, 512, 512), on_meta(PlainBlock, 512, 512), (512, 7, 7)),
        ("bottleneck 256x56x56", on_meta(Bottleneck, 256, 64), on_meta(_BottleneckNoShortcut, 256, 64), (256, 56, 56)),
        (
            "bottleneck 2048x7x7",
            on_meta(Bottleneck, 2048, 512),
            on_meta(_BottleneckNoShortcut, 2048, 512),
            (2048, 7, 7),
        ),
    ]


def _identity_cost(
    claim: Claim, label: str, with_sc: nn.Module, without_sc: nn.Module, size: tuple[int, int, int]
) -> tuple[list[str], list[Measurement], int, float]:
    """What a block's identity shortcut adds: verdicts (no params, no MACs, few FLOPs), figures, params, FLOP share."""
    a, b = measure(with_sc, size).totals, measure(without_sc, size).totals
    d_params, d_macs = a.params - b.params, a.macs - b.macs
    share = (a.flops - b.flops) / b.flops
    elements = size[0] * size[1] * size[2]
    verdicts = [judge(0, d_params, claim), judge(0, d_macs, claim), judge(b.flops, a.flops, claim)]
    measurements = [
        Measurement(f"{label}: added params", d_params, "count"),
        Measurement(f"{label}: added MACs", d_macs),
        Measurement(f"{label}: added FLOPs (expected C*H*W = {elements:,})", a.flops - b.flops),
        Measurement(f"{label}: added FLOPs / block FLOPs", f"{share:.3%}"),
    ]
    return verdicts, measurements, d_params, share


def _resnet34_vs_plain34(claim: Claim) -> tuple[list[str], list[Measurement], int, float]:
    """ResNet-34 against its plain twin: verdicts, figures, params added outside the projection shortcuts
    (none expected) and the residual additions' share of the FLOPs."""
    res, plain = measure("resnet34"), measure("plain34")
    layers = res.layers
    projections = layers[layers.module.str.contains(r"\.downsample\.")]
    extra_params = res.totals.params - plain.totals.params - int(projections.params.sum())
    extra_macs = res.totals.macs - plain.totals.macs - int(projections.macs.sum())
    add_share = int(layers[layers.type == "BasicBlock"].flops.sum()) / res.totals.flops
    verdicts = [judge(0, extra_params, claim), judge(0, extra_macs, claim)]
    measurements = [
        Measurement("resnet34 - plain34: params added outside the projection shortcuts", extra_params, "count"),
        Measurement("resnet34 - plain34: MACs added outside the projection shortcuts", extra_macs),
        Measurement(
            "resnet34 - plain34: params of the 3 projection shortcuts (conv + BN)",
            int(projections.params.sum()),
            "count",
        ),
        Measurement("resnet34: FLOPs of its 16 residual additions / total FLOPs", f"{add_share:.3%}"),
    ]
    return verdicts, measurements, extra_params, add_share


@check("resnet-shortcut-free")
def shortcut_free(claim: Claim) -> Outcome:
    verdicts: list[str] = []
    measurements: list[Measurement] = []
    shares: list[float] = []
    added_params = 0
    for label, with_sc, without_sc, size in _shortcut_cases():
        block_verdicts, block_measurements, d_params, share = _identity_cost(claim, label, with_sc, without_sc, size)
        verdicts += block_verdicts
        measurements += block_measurements
        added_params += d_params
        shares.append(share)
    # Whole nets: outside the three projection shortcuts nothing is added.
    net_verdicts, net_measurements, extra_params, add_share = _resnet34_vs_plain34(claim)
    return Outcome(
        judge_all(verdicts + net_verdicts),
        0,
        added_params + extra_params,
        "the identity shortcut adds 0 params and 0 MACs; its addition costs one FLOP per output "
        f"element, {min(shares):.2%} to {max(shares):.2%} of a block's FLOPs ({add_share:.2%} "
        "of ResNet-34's); only projection shortcuts (where the shape changes) add parameters",
        tuple(measurements + net_measurements),
        formula="identity add: 0 params, 0 MACs, C*H*W FLOPs",
        kind="count",
    )


def _note_projection(claim: Claim) -> tuple[list[str], list[Measurement], int]:
    """The note's example, a 64x28x28 -> 128x14x14 basic block: verdicts, figures, the projection's params."""
    from archstats_models.resnet import BasicBlock, conv1x1

    proj = on_meta(lambda: nn.Sequential(conv1x1(64, 128, 2), nn.BatchNorm2d(128)))
    example = measure(on_meta(BasicBlock, 64, 128, 2, proj), (64, 28, 28))
    row = layer_row(example, "downsample.0")
    verdicts = [
        judge(64 * 128, int(row.params), claim),
        judge(14 * 14 * 64 * 128, int(row.macs), claim),
        HOLDS if model_output(example) == (128, 14, 14) == sample_shape(row.output_shape) else FAILS,
    ]
    measurements = [
        Measurement("note example: block output (expected 128x14x14)", shape_text(model_output(example))),
        Measurement("note example: projection params (64*128 = 8,192)", int(row.params)),
        Measurement("note example: projection MACs (14*14*64*128 = 1,605,632)", int(row.macs)),
    ]
    return verdicts, measurements, int(row.params)


def _net_projections(name: str) -> tuple[list[str], list[Measurement], str]:
    """Every projection conv of a zoo ResNet: a verdict each, figures, and its first projection in words."""
    model, p = build(name), measure(name)
    verdicts: list[str] = []
    measurements: list[Measurement] = []
    first = ""
    shortcut_params = shortcut_macs = 0
    for _, r in p.layers[p.layers.module.str.endswith("downsample.0")].iterrows():
        conv = submodule(model, r.module, nn.Conv2d)
        (c_in, h_in, _), (c_out, h_out, w_out) = sample_shape(r.input_shape), sample_shape(r.output_shape)
        shrinks = h_out < h_in
        ok_kernel = conv.kernel_size == (1, 1) and conv.stride == ((2, 2) if shrinks else (1, 1))
        ok_counts = r.params == c_in * c_out and r.macs == h_out * w_out * c_in * c_out
        verdicts.append(HOLDS if ok_kernel and ok_counts else FAILS)
        first = first or f"{h_in}x{h_in}x{c_in} -> {h_out}x{w_out}x{c_out} at stride {conv.stride[0]}"
        shortcut_params += int(r.params)
        shortcut_macs += int(r.macs)
        measurements.append(
            Measurement(
                f"{name} {r.module}: {conv.kernel_size[0]}x{conv.kernel_size[1]} stride {conv.stride[0]}, "
                f"{shape_text((c_in, h_in, h_in))} -> {shape_text((c_out, h_out, w_out))}; params / MACs",
                f"{int(r.params):,} / {int(r.macs):,}",
            )
        )
    measurements.append(
        Measurement(
            f"{name}: projection convs' share of params / MACs",
            f"{shortcut_params / p.totals.params:.2%} / {shortcut_macs / p.totals.macs:.2%}",
        )
    )
    return verdicts, measurements, first


@check("resnet-projection-shortcut")
def projection_shortcut(claim: Claim) -> Outcome:
    verdicts, measurements, example_params = _note_projection(claim)
    first: dict[str, str] = {}
    for name in ("resnet34", "resnet50"):
        net_verdicts, net_measurements, first[name] = _net_projections(name)
        verdicts += net_verdicts
        measurements += net_measurements
    return Outcome(
        judge_all(verdicts),
        64 * 128,
        example_params,
        "every shortcut where the map shrinks is a 1x1 stride-2 conv (+BN) with C_in*C_out params and "
        "H'*W'*C_in*C_out MACs (it reads one pixel in four); at 224x224 ResNet-34's first projection is "
        f"{first['resnet34']} (the note's 28x28x64 is a hypothetical example) and ResNet-50's first is "
        f"{first['resnet50']}, a projection that only widens",
        tuple(measurements),
        formula="params = C_in * C_out; MACs = H_out * W_out * C_in * C_out (bias-free, BN apart)",
        kind="",
    )


@check("resnet-152-layers")
def resnet152_layers(claim: Claim) -> Outcome:
    measurements = []
    verdicts = []
    for name in ("resnet152", "resnet152_v1"):
        p = measure(name)
        types = p.layers.type
        verdicts.append(judge(152, p.totals.depth, claim))
        measurements += [
            Measurement(f"{name}: weight layers on the longest path", p.totals.depth),
            Measurement(
                f"{name}: all weight layers (conv + FC, projections included)",
                int((types == "Conv2d").sum() + (types == "Linear").sum()),
            ),
        ]
    p = measure("resnet152")
    depth = p.totals.depth
    convs, fcs = int((p.layers.type == "Conv2d").sum()), int((p.layers.type == "Linear").sum())
    verdict = judge_all(verdicts)
    return Outcome(
        verdict,
        152,
        depth,
        f"{depth} weight layers on the longest path (Table 1: 1 stem conv + 50 bottlenecks x 3 convs + the FC "
        f"= 152); the projection shortcuts run beside the path, so {convs} convs + {fcs} FC = {convs + fcs} "
        "weight layers in all",
        tuple(measurements),
        formula="1 + 3 * (3 + 8 + 36 + 3) + 1 = 152",
        kind="count",
    )


@check("resnet-bottleneck-from-50")
def bottleneck_from_50(claim: Claim) -> Outcome:
    matching = 0
    measurements = []
    found: dict[str, list[str]] = {}
    names = _RESNETS
    for name in names:
        p = measure(name)
        blocks = residual_blocks(p)
        want = "Bottleneck" if p.totals.depth >= 50 else "BasicBlock"
        matching += blocks == [want]
        found.setdefault(", ".join(blocks), []).append(str(p.totals.depth))
        measurements.append(Measurement(f"{name}: depth {p.totals.depth}, blocks", ", ".join(blocks)))
    verdict = HOLDS if matching == len(names) else FAILS
    return Outcome(
        verdict,
        len(names),
        matching,
        "; ".join(f"ResNet-{'/'.join(depths)}: {kind}" for kind, depths in found.items())
        + f" ({matching} of {len(names)} nets as claimed)",
        tuple(measurements),
        kind="count",
    )


@check("resnet-filters-double")
def filters_double(claim: Claim) -> Outcome:
    from archstats_models.resnet import BasicBlock

    sweep = Sweep(claim)
    channel_ratios: list[float] = []
    widths = sizes = ""
    kernels_ok = True
    for name in ("resnet34", "resnet50"):
        model, p = build(name), measure(name)
        stages = []
        for i in range(1, 5):
            blocks = p.layers[p.layers.module.str.match(rf"^layer{i}\.\d+$")]
            stages.append(sample_shape(blocks.iloc[-1].output_shape))
        for i in range(1, 4):
            (c0, h0, _), (c1, h1, _) = stages[i - 1], stages[i]
            channel_ratios.append(c1 / c0)
            sweep.point(f"{name} layer{i}->layer{i + 1} channels {c0}->{c1}", 2, c1 / c0, "ratio")
            sweep.point(f"{name} layer{i}->layer{i + 1} map {h0}->{h1}", 0.5, h1 / h0)
            # the conv carrying the stride: the first 3x3 (conv1 of a basic block, conv2 of a v1.5 bottleneck)
            conv = submodule(model, f"layer{i + 1}.0.conv{1 if name == 'resnet34' else 2}", nn.Conv2d)
            sweep.point(f"{name} layer{i + 1}.0 downsampling conv stride", 2, conv.stride[0])
        if name == "resnet34":
            widths = ", ".join(str(s[0]) for s in stages)
            sizes = ", ".join(str(s[1]) for s in stages)
            for m in model.modules():
                if isinstance(m, BasicBlock):
                    kernels_ok &= m.conv1.kernel_size == m.conv2.kernel_size == (3, 3)
            sweep.info("resnet34: every basic block is two 3x3 convs", kernels_ok)
    verdict = sweep.verdict if kernels_ok else FAILS
    return Outcome(
        verdict,
        2,
        min(channel_ratios),
        f"ResNet-34's stages are {widths} channels at {sizes} px (ResNet-50: x4 outputs); each "
        "transition doubles the filters and halves the map with a stride-2 conv; each basic block is two 3x3 convs",
        tuple(sweep.measurements),
        formula="channels(stage k+1) = 2 * channels(stage k); H(stage k+1) = H(stage k) / 2",
        kind="ratio",
    )


@check("resnet-gap-no-fc")
def gap_no_fc(claim: Claim) -> Outcome:
    measurements = []
    fc_counts = []
    hidden_counts = []
    fc_share: dict[str, tuple[int, float]] = {}
    gap_ok = True
    for name in _RESNETS:
        p = measure(name)
        layers = p.layers
        fcs = layers[layers.type == "Linear"]
        fc_counts.append(len(fcs))
        hidden_counts.append(len(fcs) - 1 if len(fcs) else 0)
        pool = layers[layers.type == "AdaptiveAvgPool2d"]
        gap_ok &= len(pool) == 1 and sample_shape(pool.iloc[0].output_shape)[1:] == (1, 1)
        fc_params = int(fcs.params.sum())
        fc_share[name] = (fc_params, fc_params / p.totals.params)
        measurements.append(
            Measurement(
                f"{name}: FC layers / hidden FC layers / FC params (share)",
                f"{len(fcs)} / {len(fcs) - 1} / {fc_params:,} ({fc_params / p.totals.params:.1%})",
            )
        )
    vgg = measure("vgg16").layers
    vgg_fcs = int((vgg.type == "Linear").sum())
    measurements.append(Measurement("vgg16: FC layers (contrast)", vgg_fcs))
    measurements.append(Measurement("every ResNet global-average-pools to 1x1 before its FC", gap_ok))
    literal = HOLDS if max(fc_counts) == 0 else FAILS
    intended = HOLDS if max(hidden_counts) == 0 and gap_ok else FAILS
    measurements.append(Measurement("literal reading (no FC layer at all)", literal))
    measurements.append(Measurement("intended reading (no hidden FC, GAP then classifier)", intended))
    verdict = judge_readings(literal == HOLDS, intended == HOLDS)
    return Outcome(
        verdict,
        0,
        max(fc_counts),
        f"literally false: every ResNet ends with {max(fc_counts)} FC layer, the 1000-way classifier after "
        f"global average pooling ({fc_share['resnet50'][0]:,} params, {fc_share['resnet50'][1]:.0%} of "
        f"ResNet-50); what holds is the intended point, no hidden FC stack ({max(hidden_counts)} hidden FC "
        f"layers vs {vgg_fcs - 1} in VGG16)",
        tuple(measurements),
        kind="count",
    )


@check("resnet-bn-after-every-conv")
def bn_after_every_conv(claim: Claim) -> Outcome:
    measurements = []
    fractions = []
    for name in ("resnet50", "resnet152", "resnext50_32x4d"):
        layers = measure(name).layers.reset_index(drop=True)
        convs = layers.index[layers.type == "Conv2d"]
        followed = 0
        for i in convs:
            nxt = layers.iloc[i + 1] if i + 1 < len(layers) else None
            followed += nxt is not None and nxt.type == "BatchNorm2d" and nxt.input_shape == layers.iloc[i].output_shape
        bns = layers.index[layers.type == "BatchNorm2d"]
        relu_next = sum(1 for i in bns if i + 1 < len(layers) and layers.iloc[i + 1].type == "ReLU")
        fractions.append(followed / len(convs))
        measurements += [
            Measurement(f"{name}: convs followed by batch norm", f"{followed} of {len(convs)}"),
            Measurement(
                f"{name}: batch norms followed directly by ReLU (the rest feed the residual add, ReLU after it)",
                f"{relu_next} of {len(bns)}",
            ),
        ]
    measured = min(fractions)
    verdict = judge(1.0, measured, claim)
    return Outcome(
        verdict,
        1.0,
        measured,
        "every conv, projection shortcuts included, is followed by batch norm; ReLU follows each "
        "BN except the last of each block and of each projection, where it comes after the addition",
        tuple(measurements),
    )


@check("resnet-no-dropout")
def no_dropout(claim: Claim) -> Outcome:
    measurements = []
    most = 0
    for name in _RESNETS:
        n = sum(isinstance(m, nn.Dropout) for m in build(name).modules())
        most = max(most, n)
        measurements.append(Measurement(f"{name}: dropout layers", n))
    vgg_dropout = sum(isinstance(m, nn.Dropout) for m in build("vgg16").modules())
    measurements.append(Measurement("vgg16: dropout layers (contrast)", vgg_dropout))
    verdict = judge(0, most, claim)
    return Outcome(
        verdict,
        0,
        most,
        "no ResNet of the zoo has a dropout layer (batch norm regularises instead)",
        tuple(measurements),
        kind="count",
    )

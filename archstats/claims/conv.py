"""Convolution arithmetic: parameter and cost formulas of single layers and stacks."""

from __future__ import annotations

from torch import nn

from .base import Claim, Measurement, Outcome, Sweep, check, measure, params_of, register

SECTION = "Convolution arithmetic"

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
    ]
)


@check("conv1x1-vs-3x3-params")
def conv1x1_vs_3x3(claim: Claim) -> Outcome:
    sweep = Sweep(claim)
    for c_in, c_out in ((3, 64), (64, 64), (128, 256), (512, 512)):
        p1 = params_of(nn.Conv2d(c_in, c_out, 1, bias=False, device="meta"))
        p3 = params_of(nn.Conv2d(c_in, c_out, 3, bias=False, device="meta"))
        sweep.point(f"{c_in}->{c_out} params 3x3 / 1x1", 9, p3 / p1, "ratio")
    with_bias = params_of(nn.Conv2d(64, 64, 3, device="meta")) / params_of(nn.Conv2d(64, 64, 1, device="meta"))
    sweep.measurements.append(Measurement("64->64 with biases: 3x3 / 1x1", with_bias, "ratio"))
    # the profile confirms the parameters the analyzer attributes to the layer
    measured = measure(nn.Conv2d(64, 64, 3, bias=False), (64, 8, 8)).totals.params / measure(
        nn.Conv2d(64, 64, 1, bias=False), (64, 8, 8)
    ).totals.params
    return Outcome(
        sweep.verdict,
        9,
        measured,
        "holds exactly without bias: a k x k filter has k^2 * C_in weights; "
        f"with biases the ratio is {with_bias:.3f}",
        tuple(sweep.measurements),
        formula="params(k x k) = k^2 * C_in * C_out (+ C_out bias)",
        kind="ratio",
    )

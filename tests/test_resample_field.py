"""Upsampling's receptive field: a bounding field that contains every output's measured support."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import archstats


class _Up(nn.Module):
    def __init__(self, mode: str, scale: int, align: bool | None) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3, stride=2, padding=1)
        self.mode, self.scale, self.align = mode, scale, align

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kw = {} if self.align is None else {"align_corners": self.align}
        return F.interpolate(self.conv(x), scale_factor=self.scale, mode=self.mode, **kw)


@pytest.mark.parametrize(
    ("mode", "align"),
    [("bilinear", False), ("bilinear", True), ("nearest", None), ("nearest-exact", None), ("bicubic", False)],
)
@pytest.mark.parametrize("scale", [2, 3])
def test_upsampled_field_contains_measured_support(mode: str, align: bool | None, scale: int) -> None:
    model = _Up(mode, scale, align)
    row = archstats.profile(model, (1, 16, 16)).layers.iloc[-1]
    assert row["rf_status"] == "misaligned"  # position-dependent: flagged, not passed off as exact
    with torch.no_grad():
        model.conv.weight.fill_(1.0)
        model.conv.bias.zero_()
    x = torch.ones(1, 1, 16, 16, requires_grad=True)
    y = model(x)
    eps = 1e-9  # the frame holds fractional jumps as floats
    for o in range(y.shape[-1]):
        (g,) = torch.autograd.grad(y[0, 0, :, o].sum(), x, retain_graph=True)
        cols = (g[0, 0].abs().sum(0) != 0).nonzero().flatten().tolist()
        lo = row["rf_start_w"] + o * row["rf_jump_w"]
        hi = lo + row["rf_size_w"] - 1
        assert cols, f"output column {o} reads nothing?"
        assert lo - eps <= cols[0] and cols[-1] <= hi + eps, f"{mode} x{scale} column {o}: {cols} not in [{lo}, {hi}]"
    # the jump is the input stride divided by the upsampling factor: 2 / scale
    assert row["rf_jump_w"] == pytest.approx(2 / scale)


class _SqueezeExcite(nn.Module):
    """conv3x3 -> x * sigmoid(fc(mean(x))): the gate is global, the path is local."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.fc = nn.Conv2d(4, 4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        return y * torch.sigmoid(self.fc(y.mean((2, 3), keepdim=True)))


def test_broadcast_global_gate_keeps_the_local_field() -> None:
    p = archstats.profile(_SqueezeExcite(), (2, 9, 9))
    model = p.layers.set_index("module").loc["(model)"]
    # one 3x3 conv, stride 1, padding 1: size 3, jump 1, start -1
    assert (model["rf_size_h"], model["rf_jump_h"], model["rf_start_h"]) == (3, 1, -1)
    assert model["rf_status"] == "global-context"
    assert p.layers.set_index("module").loc["fc", "rf_status"] == "global"
    assert p.totals.rf_size == (3, 3)

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

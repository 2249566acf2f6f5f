"""Memory traffic per layer (README, "Memory traffic"): every op reads each of its input tensors once
(weights included) and writes each of its outputs once, nothing reused between ops; views move
nothing. Expected bytes are worked out by hand, float32 (4 bytes a value)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import archstats


class Lambda(nn.Module):
    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return self.fn(*xs)


def traffic(model: nn.Module, *sizes: tuple[int, ...], device: str = "auto") -> tuple[int, int, float]:
    p = archstats.profile(model, inputs=tuple(torch.zeros(1, *s) for s in sizes), device=device)
    t = p.totals
    assert p.layers.read_bytes.sum() == t.read_bytes and p.layers.written_bytes.sum() == t.written_bytes
    return t.read_bytes, t.written_bytes, t.flops_per_byte


def test_conv_reads_input_weight_bias_and_writes_its_output() -> None:
    # input 3x8x8, weight 8x3x3x3, bias 8: read (192 + 216 + 8) * 4; output 8x8x8: 512 * 4
    read, written, intensity = traffic(nn.Conv2d(3, 8, 3, padding=1), (3, 8, 8))
    assert (read, written) == ((192 + 216 + 8) * 4, 512 * 4) == (1664, 2048)
    # FLOPs: 2 x MACs (512 outputs x 27) + 512 bias adds = 28,160
    assert intensity == pytest.approx((2 * 512 * 27 + 512) / (1664 + 2048))


def test_depthwise_conv() -> None:
    # input 4x5x5 (100 values), weight 4x1x3x3 (36), no bias; output 4x5x5
    read, written, intensity = traffic(nn.Conv2d(4, 4, 3, padding=1, groups=4, bias=False), (4, 5, 5))
    assert (read, written) == ((100 + 36) * 4, 100 * 4)
    assert intensity == pytest.approx(2 * 100 * 9 / ((136 + 100) * 4))  # MACs: 100 outputs x 9


def test_linear_reads_the_transposed_weight_once() -> None:
    # aten.t is a view (nothing moves); addmm reads bias 10, input 16 and weight 160; writes 10
    read, written, _ = traffic(nn.Linear(16, 10), (16,))
    assert (read, written) == ((10 + 16 + 160) * 4, 10 * 4)


def test_batch_norm_at_inference() -> None:
    # input 4x5x5 (100) and four vectors of 4 (weight, bias, running mean and variance); output 100
    read, written, _ = traffic(nn.BatchNorm2d(4).eval(), (4, 5, 5))
    assert (read, written) == ((100 + 4 * 4) * 4, 100 * 4)


def test_elementwise_add_and_concat() -> None:
    read, written, _ = traffic(Lambda(torch.add), (4, 5, 5), (4, 5, 5))
    assert (read, written) == (2 * 100 * 4, 100 * 4)
    read, written, intensity = traffic(Lambda(lambda x, y: torch.cat([x, y], 1)), (4, 5, 5), (2, 5, 5))
    assert (read, written) == ((100 + 50) * 4, 150 * 4)
    assert intensity == 0  # a concat computes nothing


def test_views_move_nothing_and_in_place_ops_read_and_write() -> None:
    read, written, intensity = traffic(Lambda(lambda x: x.view(1, -1).t()), (4, 5, 5))
    assert (read, written) == (0, 0) and math.isnan(intensity)
    read, written, _ = traffic(nn.ReLU(inplace=True), (4, 5, 5))
    assert (read, written) == (100 * 4, 100 * 4)


def test_meta_and_cpu_give_the_same_traffic() -> None:
    block = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
    assert traffic(block.eval(), (3, 9, 9), device="meta") == traffic(block.eval(), (3, 9, 9), device="cpu")


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v1", "squeezenet1_0"])
def test_layers_sum_to_the_totals_and_rollups_keep_them(name: str) -> None:
    p = archstats.profile(name)
    assert p.layers.read_bytes.sum() == p.totals.read_bytes > 0
    assert p.aggregate(1).written_bytes.sum() == p.totals.written_bytes > 0
    # a convolution writes its output once: the stem's bytes written are its output tensor's
    stem = p.layers[p.layers.type == "Conv2d"].iloc[0]
    shape = [int(v) for v in stem.output_shape.split("x")]
    assert stem.written_bytes == math.prod(shape) * 4

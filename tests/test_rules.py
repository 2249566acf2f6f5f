"""Counting rules checked against independent derivations.

Every expected number here is derived in the test itself: MACs of convolutions by brute-force
loops over output positions x input channels of a group x kernel taps (or, transposed, over the
scatter of every input element), output shapes by enumerating window positions and by running
the real layer on CPU, and FLOPs from the documented convention with the arithmetic written out.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

import archstats

SETTINGS = settings(max_examples=60, deadline=None)


def _row(p: archstats.Profile, module: str, call: int = 0):
    rows = p.layers[(p.layers["module"] == module) & (p.layers["call"] == call)]
    assert len(rows) == 1, f"expected one row for {module!r} call {call}, got:\n{p.layers}"
    return rows.iloc[0]


def _shape(t: torch.Size | tuple) -> str:
    return "x".join(str(d) for d in t)


def _numel(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


# --------------------------------------------------------------------------- brute force references


def _window_positions(size: int, k: int, s: int, p: int, d: int) -> list[int]:
    """Output indices of a sliding window: index o starts at o*s - p and its last tap is at
    o*s - p + d*(k-1); it exists while that last tap is inside the padded input [-p, size-1+p]."""
    out = []
    o = 0
    while o * s - p + d * (k - 1) <= size - 1 + p:
        out.append(o)
        o += 1
    return out


def _brute_conv_macs(n, c_in, c_out, groups, in_sizes, ks, ss, ps, ds):
    """Count multiply-accumulates one by one: every output element, every input channel of its
    group, every kernel tap (padding taps included). Returns (macs, output spatial sizes)."""
    positions = [_window_positions(sz, k, s, p, d) for sz, k, s, p, d in zip(in_sizes, ks, ss, ps, ds)]
    taps = [range(k) for k in ks]
    macs = 0
    for _b in range(n):
        for _co in range(c_out):
            if len(positions) == 2:
                for _oh in positions[0]:
                    for _ow in positions[1]:
                        for _ci in range(c_in // groups):
                            for _ki in taps[0]:
                                for _kj in taps[1]:
                                    macs += 1
            else:
                for _ol in positions[0]:
                    for _ci in range(c_in // groups):
                        for _ki in taps[0]:
                            macs += 1
    return macs, tuple(len(pos) for pos in positions)


def _brute_conv_transpose(n, c_in, c_out, groups, in_sizes, ks, ss, ps, ds, ops):
    """Scatter every input element onto (C_out / groups) output channels through every kernel tap
    and count each multiply-accumulate; the output extent is the furthest landing position + 1,
    cropped by the padding on both sides and extended by output_padding."""
    macs = 0
    reach = [0, 0]
    (hh, ww), (kh, kw), (sh, sw), (dh, dw) = in_sizes, ks, ss, ds
    for _b in range(n):
        for _ci in range(c_in):
            for ih in range(hh):
                for iw in range(ww):
                    for _co in range(c_out // groups):
                        for ki in range(kh):
                            for kj in range(kw):
                                macs += 1
                                # uncropped landing position of this tap
                                reach[0] = max(reach[0], ih * sh + ki * dh + 1)
                                reach[1] = max(reach[1], iw * sw + kj * dw + 1)
    out = tuple(r - 2 * p + op for r, p, op in zip(reach, ps, ops))
    return macs, out


# --------------------------------------------------------------------------- convolutions


@st.composite
def conv2d_cases(draw):
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    ks = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    ss = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    ps = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    ds = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    hw = (draw(st.integers(1, 8)), draw(st.integers(1, 8)))
    bias = draw(st.booleans())
    batch = draw(st.integers(1, 2))
    return groups, c_in, c_out, ks, ss, ps, ds, hw, bias, batch


@SETTINGS
@given(conv2d_cases())
def test_conv2d_macs_flops_shape_match_brute_force(case) -> None:
    groups, c_in, c_out, ks, ss, ps, ds, hw, bias, batch = case
    # the dilated kernel must fit in the padded input: H + 2p - d(k-1) - 1 >= 0
    assume(all(h + 2 * p - d * (k - 1) - 1 >= 0 for h, k, p, d in zip(hw, ks, ps, ds)))
    conv = nn.Conv2d(c_in, c_out, ks, stride=ss, padding=ps, dilation=ds, groups=groups, bias=bias)
    real = conv(torch.zeros(batch, c_in, *hw)).shape

    macs, out_hw = _brute_conv_macs(batch, c_in, c_out, groups, hw, ks, ss, ps, ds)
    assert tuple(real) == (batch, c_out, *out_hw)  # the enumeration agrees with torch

    model = nn.Sequential(conv)
    for device in ("meta", "cpu"):
        p = archstats.profile(model, (c_in, *hw), batch_size=batch, device=device)
        row = _row(p, "0")
        assert row["type"] == "Conv2d"
        assert row["output_shape"] == _shape(real)
        assert row["input_shape"] == _shape((batch, c_in, *hw))
        assert row["macs"] == macs
        out_numel = _numel(real)
        assert row["flops"] == 2 * macs + (out_numel if bias else 0)
        assert row["params"] == sum(q.numel() for q in conv.parameters())
        assert row["uncounted"] == "" and p.status == "complete"
        assert p.totals.macs == macs
    paper = archstats.profile(model, (c_in, *hw), batch_size=batch, convention="paper")
    assert _row(paper, "0")["flops"] == 2 * macs


@st.composite
def conv_transpose_cases(draw):
    groups = draw(st.integers(1, 2))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    ks = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    ss = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    ps = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    ds = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    # output_padding must be smaller than either stride or dilation
    ops = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(ss, ds))
    hw = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    bias = draw(st.booleans())
    return groups, c_in, c_out, ks, ss, ps, ds, ops, hw, bias


@SETTINGS
@given(conv_transpose_cases())
def test_conv_transpose2d_macs_match_scatter_count(case) -> None:
    groups, c_in, c_out, ks, ss, ps, ds, ops, hw, bias = case
    macs, out_hw = _brute_conv_transpose(1, c_in, c_out, groups, hw, ks, ss, ps, ds, ops)
    assume(all(o >= 1 for o in out_hw))
    conv = nn.ConvTranspose2d(
        c_in, c_out, ks, stride=ss, padding=ps, output_padding=ops, groups=groups, bias=bias, dilation=ds
    )
    real = conv(torch.zeros(1, c_in, *hw)).shape
    assert tuple(real) == (1, c_out, *out_hw)
    # closed form of the same count: input numel x (C_out / groups) x kh x kw
    assert macs == c_in * hw[0] * hw[1] * (c_out // groups) * ks[0] * ks[1]

    p = archstats.profile(nn.Sequential(conv), (c_in, *hw))
    row = _row(p, "0")
    assert row["output_shape"] == _shape(real)
    assert row["macs"] == macs
    assert row["flops"] == 2 * macs + (_numel(real) if bias else 0)
    assert p.status == "complete"


@SETTINGS
@given(
    groups=st.integers(1, 3),
    cin_g=st.integers(1, 2),
    cout_g=st.integers(1, 2),
    k=st.integers(1, 5),
    s=st.integers(1, 3),
    pad=st.integers(0, 3),
    d=st.integers(1, 3),
    length=st.integers(1, 12),
    bias=st.booleans(),
)
def test_conv1d_macs_flops_shape(groups, cin_g, cout_g, k, s, pad, d, length, bias) -> None:
    assume(length + 2 * pad - d * (k - 1) - 1 >= 0)
    c_in, c_out = groups * cin_g, groups * cout_g
    conv = nn.Conv1d(c_in, c_out, k, stride=s, padding=pad, dilation=d, groups=groups, bias=bias)
    real = conv(torch.zeros(1, c_in, length)).shape
    macs, (out_len,) = _brute_conv_macs(1, c_in, c_out, groups, (length,), (k,), (s,), (pad,), (d,))
    assert tuple(real) == (1, c_out, out_len)

    p = archstats.profile(nn.Sequential(conv), (c_in, length))
    row = _row(p, "0")
    assert row["output_shape"] == _shape(real)
    assert row["macs"] == macs
    assert row["flops"] == 2 * macs + (_numel(real) if bias else 0)
    assert p.status == "complete"


# --------------------------------------------------------------------------- matrix products


class _FlatLinear(nn.Module):
    def __init__(self, n_in: int, n_out: int, bias: bool) -> None:
        super().__init__()
        self.fc = nn.Linear(n_in, n_out, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x.flatten(1))


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_linear_2d(bias: bool, device: str) -> None:
    # input 3 x 2 x 2 flattened -> 12 features, batch 5, 7 outputs
    p = archstats.profile(_FlatLinear(12, 7, bias), (3, 2, 2), batch_size=5, device=device)
    row = _row(p, "fc")
    macs = 5 * 12 * 7  # batch x in x out = 420
    assert row["macs"] == macs
    assert row["flops"] == 2 * macs + (5 * 7 if bias else 0)  # 840 (+35 bias adds)
    assert row["params"] == 12 * 7 + (7 if bias else 0)
    assert row["output_shape"] == "5x7"
    assert p.status == "complete"


@pytest.mark.parametrize("bias", [True, False])
def test_linear_3d_input(bias: bool) -> None:
    # input (batch 2, 6 tokens, 4 features) -> 3 outputs per token
    model = nn.Sequential(nn.Linear(4, 3, bias=bias))
    p = archstats.profile(model, (6, 4), batch_size=2)
    row = _row(p, "0")
    macs = 2 * 6 * 4 * 3  # 144
    assert row["macs"] == macs
    assert row["flops"] == 2 * macs + (2 * 6 * 3 if bias else 0)  # 288 (+36)
    assert row["output_shape"] == "2x6x3"
    assert p.status == "complete"


class _Bmm(nn.Module):
    def __init__(self, use_einsum: bool) -> None:
        super().__init__()
        self.use_einsum = use_einsum

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = x.flatten(2)  # (N, C, HW)
        b = a.transpose(1, 2)  # (N, HW, C)
        if self.use_einsum:
            return torch.einsum("bij,bjk->bik", a, b)
        return torch.bmm(a, b)


@pytest.mark.parametrize("use_einsum", [False, True])
@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_bmm_and_einsum(use_einsum: bool, device: str) -> None:
    # N=2, C=3, HW=4*5=20: (2, 3, 20) @ (2, 20, 3) -> (2, 3, 3)
    p = archstats.profile(_Bmm(use_einsum), (3, 4, 5), batch_size=2, device=device)
    row = _row(p, "(model)")
    macs = 2 * 3 * 20 * 3  # b x m x k x n = 360
    assert row["macs"] == macs
    assert row["flops"] == 2 * macs  # no bias, views are free
    assert row["output_shape"] == "2x3x3"
    assert row["uncounted"] == "" and p.status == "complete"


# --------------------------------------------------------------------------- one FLOP per output element

_PER_ELEMENT_MODULES = {
    "batchnorm": lambda: nn.BatchNorm2d(4),
    "layernorm": lambda: nn.LayerNorm([6, 5]),
    "groupnorm": lambda: nn.GroupNorm(2, 4),
    "relu": lambda: nn.ReLU(),
    "relu_inplace": lambda: nn.ReLU(inplace=True),
    "relu6": lambda: nn.ReLU6(),
    "silu": lambda: nn.SiLU(),
    "sigmoid": lambda: nn.Sigmoid(),
    "tanh": lambda: nn.Tanh(),
    "hardswish": lambda: nn.Hardswish(),
    "gelu": lambda: nn.GELU(),
}


@pytest.mark.parametrize("name", sorted(_PER_ELEMENT_MODULES))
@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_norms_and_activations_one_flop_per_element(name: str, device: str) -> None:
    module = _PER_ELEMENT_MODULES[name]()
    # batch 2 x 4 channels x 6 x 5 = 240 output elements, eval mode
    p = archstats.profile(nn.Sequential(module), (4, 6, 5), batch_size=2, device=device)
    row = _row(p, "0")
    assert row["macs"] == 0
    assert row["flops"] == 2 * 4 * 6 * 5
    assert row["output_shape"] == "2x4x6x5"
    assert row["n_ops"] >= 1
    assert row["uncounted"] == "" and p.status == "complete"
    paper = archstats.profile(nn.Sequential(module), (4, 6, 5), batch_size=2, convention="paper")
    assert _row(paper, "0")["flops"] == 0


_POOLS = {
    # input 2 x 3 x 9 x 8 (batch 2); output spatial sizes worked out by hand
    "maxpool_2": (lambda: nn.MaxPool2d(2), (4, 4)),  # floor(9/2)=4, 8/2=4
    "maxpool_3s2_ceil": (lambda: nn.MaxPool2d(3, 2, ceil_mode=True), (4, 4)),  # ceil((9-3)/2)+1=4, ceil(5/2)+1=4
    "maxpool_3s1p1": (lambda: nn.MaxPool2d(3, 1, 1), (9, 8)),
    "avgpool_3s2p1": (lambda: nn.AvgPool2d(3, 2, 1), (5, 4)),  # (9+2-3)//2+1=5, (8+2-3)//2+1=4
    "adaptive_avg_2": (lambda: nn.AdaptiveAvgPool2d(2), (2, 2)),
    "adaptive_avg_1": (lambda: nn.AdaptiveAvgPool2d(1), (1, 1)),
    "adaptive_max_3": (lambda: nn.AdaptiveMaxPool2d(3), (3, 3)),
}


@pytest.mark.parametrize("name", sorted(_POOLS))
@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_pooling_one_flop_per_output_element(name: str, device: str) -> None:
    make, (oh, ow) = _POOLS[name]
    p = archstats.profile(nn.Sequential(make()), (3, 9, 8), batch_size=2, device=device)
    row = _row(p, "0")
    assert row["output_shape"] == f"2x3x{oh}x{ow}"
    assert row["macs"] == 0
    assert row["flops"] == 2 * 3 * oh * ow
    assert row["uncounted"] == "" and p.status == "complete"


# --------------------------------------------------------------------------- functional ops in a forward


class _InplaceAdd(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x.clone()  # a copy: 0 FLOPs
        y += x  # aten.add_: one FLOP per element
        return y


class _Cat(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x, x * 1.0], dim=1)


class _CatOnly(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x, x], dim=1)


class _Mean(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean((2, 3))


class _AdaptiveF(nn.Module):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.adaptive_avg_pool2d(x, self.size)


class _Upsample(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.interpolate(x, scale_factor=2)


# input batch 2 x 3 x 4 x 6: 144 elements
_FUNCTIONAL = {
    "inplace_add": (_InplaceAdd, 144, 144 * 4, "2x3x4x6"),  # clone allocates 576 bytes, add_ none
    "cat": (_CatOnly, 0, 288 * 4, "2x6x4x6"),  # a new 288-element tensor, 0 FLOPs
    "mul_then_cat": (_Cat, 144, 144 * 4 + 288 * 4, "2x6x4x6"),  # mul 144 FLOPs; cat 0
    "mean_hw": (_Mean, 2 * 3, 2 * 3 * 4, "2x3"),  # one per output element: N*C = 6
    "adaptive_f_1": (lambda: _AdaptiveF(1), 2 * 3, 2 * 3 * 4, "2x3x1x1"),
    "adaptive_f_2": (lambda: _AdaptiveF(2), 2 * 3 * 2 * 2, 24 * 4, "2x3x2x2"),
    "interpolate_2x": (_Upsample, 2 * 3 * 8 * 12, 576 * 4, "2x3x8x12"),
}


@pytest.mark.parametrize("name", sorted(_FUNCTIONAL))
@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_functional_ops_seen_and_counted(name: str, device: str) -> None:
    make, flops, act_bytes, out_shape = _FUNCTIONAL[name]
    p = archstats.profile(make(), (3, 4, 6), batch_size=2, device=device)
    row = _row(p, "(model)")
    assert row["n_ops"] >= 1  # the op was seen, in the module that ran it
    assert row["flops"] == flops
    assert row["macs"] == 0
    assert row["activation_bytes"] == act_bytes
    assert row["output_shape"] == out_shape
    assert row["uncounted"] == "" and p.status == "complete" and p.uncounted == {}


# --------------------------------------------------------------------------- conventions


class _SmallNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(x, 1))


def test_paper_vs_full_convention() -> None:
    # 3x8x8 input, batch 1
    conv_macs = 4 * 8 * 8 * 3 * 3 * 3  # out elements 256 x C_in 3 x 9 taps = 6912
    fc_macs = 64 * 10  # 640
    macs = conv_macs + fc_macs  # 7552
    conv_bias = 4 * 8 * 8  # 256
    bn = 256
    relu = 256
    pool = 4 * 4 * 4  # 64
    fc_bias = 10
    full = 2 * macs + conv_bias + bn + relu + pool + fc_bias  # 15104 + 842 = 15946
    paper = 2 * macs  # 15104

    p_full = archstats.profile(_SmallNet(), (3, 8, 8), convention="full")
    p_paper = archstats.profile(_SmallNet(), (3, 8, 8), convention="paper")
    assert p_full.totals.macs == p_paper.totals.macs == macs
    assert p_full.totals.flops == full == 15946
    assert p_paper.totals.flops == paper == 15104
    assert _row(p_full, "conv")["flops"] == 2 * conv_macs + conv_bias
    assert _row(p_paper, "conv")["flops"] == 2 * conv_macs
    assert _row(p_full, "bn")["flops"] == bn and _row(p_paper, "bn")["flops"] == 0
    assert _row(p_full, "pool")["flops"] == pool and _row(p_paper, "pool")["flops"] == 0
    assert _row(p_full, "fc")["flops"] == 2 * fc_macs + fc_bias
    assert p_full.layers["flops"].sum() == full
    assert p_paper.layers["flops"].sum() == paper

"""Op families of real models, each count derived by hand from the ops the module runs.

Small modules written after the real ones (a ViT block with ``nn.MultiheadAttention`` and with
``F.scaled_dot_product_attention``, a shifted-window Swin block, a ConvNeXt block, EdgeNeXt's
Fourier position encoding and XCiT's cross-covariance attention, LSTM and GRU) are profiled on meta
and on cpu. Every expected number is worked out below from the module's sizes and PyTorch's own
code for the layer (``F.multi_head_attention_forward``, the math path of scaled dot-product
attention, the LSTM and GRU cells of ``aten/src/ATen/native/RNN.cpp``), with the arithmetic beside
the assertion, under the README's conventions: 1 MAC per multiply-accumulate of a matrix product or
convolution; FLOPs = 2 x MACs + bias adds + one per output element of normalization, activation,
pooling, elementwise and comparison ops; views, copies, rolls, gathers and constructors free;
``linalg_vector_norm`` 2 per input element + 1 per output element.

On cpu some of these layers reach fused kernels (``_native_multi_head_attention``,
``_scaled_dot_product_flash_attention_for_cpu``, ``mkldnn_rnn_layer``) where meta runs their
decomposition; every test also checks that both devices give the same per-layer MACs and FLOPs.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import archstats

DEVICES = ["meta", "cpu"]
_OTHER = {"meta": "cpu", "cpu": "meta"}
_COLUMNS = ["module", "call", "params", "macs", "flops"]


def _profile(model: nn.Module, input_size: tuple, batch: int, device: str, **kw) -> archstats.Profile:
    """Profile on ``device``; check that the other device gives the same rows, that nothing is
    uncounted, and that rows sum to the totals."""
    p = archstats.profile(model, input_size, batch_size=batch, device=device, **kw)
    other = archstats.profile(model, input_size, batch_size=batch, device=_OTHER[device], **kw)
    assert p.status == "complete", p.uncounted
    assert other.status == "complete", other.uncounted
    pd.testing.assert_frame_equal(p.layers[_COLUMNS], other.layers[_COLUMNS])
    assert (p.totals.macs, p.totals.flops) == (other.totals.macs, other.totals.flops)

    def nonzero(d: dict) -> dict:
        return {k: v for k, v in d.items() if v}

    assert nonzero(p.macs_by_family()) == nonzero(other.macs_by_family())
    assert p.layers["macs"].sum() == p.totals.macs
    assert p.layers["flops"].sum() == p.totals.flops == sum(p.flops_by_family().values())
    assert p.totals.params == sum(q.numel() for q in model.parameters())
    return p


def _row(p: archstats.Profile, module: str, call: int = 0):
    rows = p.layers[(p.layers["module"] == module) & (p.layers["call"] == call)]
    assert len(rows) == 1, f"expected one row for {module!r} call {call}, got:\n{p.layers}"
    return rows.iloc[0]


def _check_rows(p: archstats.Profile, expected: dict[str, tuple[int, int]]) -> None:
    """Each listed row has its (MACs, FLOPs); every other row has none."""
    for module, (macs, flops) in expected.items():
        row = _row(p, module)
        assert (row["macs"], row["flops"]) == (macs, flops), module
    rest = p.layers[~p.layers["module"].isin(list(expected))]
    assert (rest["macs"] == 0).all() and (rest["flops"] == 0).all(), rest


def _linear(tokens: int, n_in: int, n_out: int) -> tuple[int, int]:
    """(MACs, FLOPs) of a Linear with bias over ``tokens`` rows: m x k x n, 2 x MACs + bias adds."""
    macs = tokens * n_in * n_out
    return macs, 2 * macs + tokens * n_out


# --------------------------------------------------------------------------- 1. ViT block, nn.MultiheadAttention


class MHABlock(nn.Module):
    def __init__(self, dim: int, heads: int, hidden: int, need_weights: bool) -> None:
        super().__init__()
        self.need_weights = need_weights
        self.norm1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.norm1(x)
        a, _ = self.attn(y, y, y, need_weights=self.need_weights)
        x = x + a
        return x + self.mlp(self.norm2(x))


# heads=2: on cpu the eval forward takes MultiheadAttention's fast path (_native_multi_head_attention);
# heads=1 (odd) keeps the python path on cpu as well. Meta always runs the python path.
@pytest.mark.parametrize("heads", [2, 1])
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("device", DEVICES)
def test_vit_block_multihead_attention(device: str, need_weights: bool, heads: int) -> None:
    N, L, E, hidden = 2, 5, 8, 16  # batch, tokens, embedding, MLP width
    H, D = heads, E // heads  # heads, head dim
    model = MHABlock(E, H, hidden, need_weights).eval()
    p = _profile(model, (L, E), N, device)

    # F.multi_head_attention_forward on (L, N, E) with packed in-projection:
    in_macs = N * L * E * 3 * E  # linear(q, in_proj_weight): 2*5*8*24 = 1920
    in_bias = N * L * 3 * E  # 2*5*24 = 240
    qk_macs = N * H * L * L * D  # bmm(q, k^T) per head: 2*5*5*8 = 400 whatever H
    av_macs = N * H * L * D * L  # bmm(softmax, v): 400
    out_macs = N * L * E * E  # out_proj: 2*5*8*8 = 640
    out_bias = N * L * E  # 80
    softmax = N * H * L * L  # 100 (H=2), 50 (H=1)
    if need_weights:
        scaling = N * L * E  # only q * sqrt(1/D): 80
        mean = N * L * L  # attn weights averaged over heads: (N, L, L) = 50
    else:
        scaling = 2 * N * L * E  # sdpa's math path: q and k each times sqrt(scale) = D**-0.25: 160
        mean = 0
    attn_macs = in_macs + qk_macs + av_macs + out_macs  # 1920 + 400 + 400 + 640 = 3360
    attn_extra = in_bias + scaling + softmax + out_bias + mean
    assert attn_macs == 3360
    by_case = {
        (True, 2): 240 + 80 + 100 + 80 + 50,  # in bias, q scaled, softmax, out bias, mean = 550
        (False, 2): 240 + 160 + 100 + 80,  # in bias, q and k scaled, softmax, out bias = 580
        (True, 1): 240 + 80 + 50 + 80 + 50,  # one head: softmax over 2*5*5 = 50
        (False, 1): 240 + 160 + 50 + 80,
    }
    assert attn_extra == by_case[(need_weights, H)]

    norm = N * L * E  # 80 per LayerNorm
    residual = 2 * N * L * E  # two residual adds in the block's own forward: 160
    fc1 = _linear(N * L, E, hidden)  # (1280, 2560 + 160 = 2720)
    gelu = N * L * hidden  # 160
    fc2 = _linear(N * L, hidden, E)  # (1280, 2560 + 80 = 2640)
    _check_rows(
        p,
        {
            "norm1": (0, norm),
            "attn": (attn_macs, 2 * attn_macs + attn_extra),
            "(model)": (0, residual),
            "norm2": (0, norm),
            "mlp.0": fc1,
            "mlp.1": (0, gelu),
            "mlp.2": fc2,
        },
    )
    assert _row(p, "attn")["params"] == 3 * E * E + 3 * E  # in_proj weight and bias: 216
    assert _row(p, "attn.out_proj", -1)["params"] == E * E + E  # called functionally, listed: 72
    macs = attn_macs + fc1[0] + fc2[0]  # 3360 + 1280 + 1280 = 5920
    assert p.totals.macs == macs == 5920
    # 2 x MACs + attention extras + 2 norms + residuals + fc1 bias 160 + GELU + fc2 bias 80
    assert p.totals.flops == 2 * macs + attn_extra + 2 * norm + residual + 160 + gelu + 80
    assert p.macs_by_family()["matmul"] == macs


class MHABoolMasks(nn.Module):
    """Self-attention with a boolean causal attn_mask and a boolean key padding mask (buffers)."""

    def __init__(self, dim: int, heads: int, tokens: int, batch: int, need_weights: bool) -> None:
        super().__init__()
        self.need_weights = need_weights
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.register_buffer("attn_mask", torch.ones(tokens, tokens, dtype=torch.bool).triu(1))
        padding = torch.zeros(batch, tokens, dtype=torch.bool)
        padding[:, -1] = True
        self.register_buffer("padding", padding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.attn(
            x, x, x, attn_mask=self.attn_mask, key_padding_mask=self.padding, need_weights=self.need_weights
        )
        return out


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("device", DEVICES)
def test_multihead_attention_boolean_masks(device: str, need_weights: bool) -> None:
    N, L, E, H = 2, 5, 8, 2
    p = _profile(MHABoolMasks(E, H, L, N, need_weights).eval(), (L, E), N, device)
    macs = N * L * E * 3 * E + 2 * N * L * L * E + N * L * E * E  # 1920 + 2*400 + 640 = 3360
    masks = N * L + L * L  # each bool mask made float: masked_fill_ over (N, L) and (L, L): 10 + 25
    merged = N * H * L * L  # the two masks added, broadcast to (N, H, L, L) (fast path) or (N*H, L, L): 100
    mask_add = N * H * L * L  # added to the scores (baddbmm's bias, or sdpa's add): 100
    scaling = N * L * E if need_weights else 2 * N * L * E  # q only, or q and k: 80 / 160
    mean = N * L * L if need_weights else 0  # 50 / 0
    extra = N * L * 3 * E + masks + merged + scaling + mask_add + N * H * L * L + N * L * E + mean
    # 240 + 35 + 100 + 80 + 100 + 100 (softmax) + 80 + 50 = 785 with weights; 240+35+100+160+100+100+80 = 815
    assert extra == (785 if need_weights else 815)
    _check_rows(p, {"attn": (macs, 2 * macs + extra)})
    assert p.totals.flops == 2 * 3360 + extra


# --------------------------------------------------------------------------- 2. ViT block, F.sdpa


class SDPAttention(nn.Module):
    def __init__(self, dim: int, heads: int, tokens: int, causal: bool, masked: bool, dropout: float = 0.0) -> None:
        super().__init__()
        self.heads, self.causal, self.dropout = heads, causal, dropout
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.register_buffer("mask", torch.randn(tokens, tokens) if masked else None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        drop = self.dropout if self.training else 0.0
        x = F.scaled_dot_product_attention(q, k, v, attn_mask=self.mask, dropout_p=drop, is_causal=self.causal)
        return self.proj(x.transpose(1, 2).reshape(b, n, c))


class SDPABlock(nn.Module):
    def __init__(self, dim: int, heads: int, tokens: int, hidden: int, causal: bool, masked: bool) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = SDPAttention(dim, heads, tokens, causal, masked)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


@pytest.mark.parametrize("variant", ["plain", "causal", "float_mask"])
@pytest.mark.parametrize("device", DEVICES)
def test_vit_block_scaled_dot_product_attention(device: str, variant: str) -> None:
    N, L, E, H, D, hidden = 2, 5, 8, 2, 4, 16
    model = SDPABlock(E, H, L, hidden, causal=variant == "causal", masked=variant == "float_mask").eval()
    p = _profile(model, (L, E), N, device)

    # the math path: q and k each times sqrt(scale), Q K^T, (mask), softmax, attention x V
    scores = N * H * L * L  # 100
    sdpa_macs = N * H * L * L * D + N * H * L * D * L  # Q K^T 400 + A V 400 = 800
    sdpa_extra = N * H * L * D + N * H * L * D + scores  # q scaled 80, k scaled 80, softmax 100
    if variant == "causal":
        sdpa_extra += L * L + scores  # the mask made of where(tril(ones(L, L)), 0, -inf): 25; added: 100
    elif variant == "float_mask":
        sdpa_extra += scores  # the (L, L) mask added, broadcast over batch and heads: 100
    assert sdpa_extra == {"plain": 260, "causal": 385, "float_mask": 360}[variant]

    qkv = _linear(N * L, E, 3 * E)  # (1920, 3840 + 240 = 4080)
    proj = _linear(N * L, E, E)  # (640, 1280 + 80 = 1360)
    fc1, fc2 = _linear(N * L, E, hidden), _linear(N * L, hidden, E)  # (1280, 2720), (1280, 2640)
    _check_rows(
        p,
        {
            "norm1": (0, N * L * E),
            "attn.qkv": qkv,
            "attn": (sdpa_macs, 2 * sdpa_macs + sdpa_extra),
            "attn.proj": proj,
            "(model)": (0, 2 * N * L * E),  # the two residual adds: 160
            "norm2": (0, N * L * E),
            "mlp.0": fc1,
            "mlp.1": (0, N * L * hidden),  # GELU: 160
            "mlp.2": fc2,
        },
    )
    macs = 1920 + 800 + 640 + 1280 + 1280
    assert p.totals.macs == macs == 5920
    # 2 x MACs + biases (240 + 80 + 160 + 80) + norms 160 + residuals 160 + GELU 160 + attention
    assert p.totals.flops == 2 * macs + 560 + 160 + 160 + 160 + sdpa_extra


@pytest.mark.parametrize("device", DEVICES)
def test_scaled_dot_product_attention_dropout_in_training(device: str) -> None:
    N, L, E, H, D = 2, 5, 8, 2, 4
    model = SDPAttention(E, H, L, causal=False, masked=False, dropout=0.25)
    p = _profile(model, (L, E), N, device, training=True)
    scores = N * H * L * L  # 100
    # math path with dropout: the mask drawn (bernoulli_), rescaled (div_) and applied (mul)
    extra = N * H * L * D * 2 + scores + 3 * scores  # 160 + 100 + 300 = 560
    macs = 2 * N * H * L * L * D  # 800
    _check_rows(
        p,
        {
            "qkv": _linear(N * L, E, 3 * E),
            "(model)": (macs, 2 * macs + extra),  # 1600 + 560 = 2160
            "proj": _linear(N * L, E, E),
        },
    )


# --------------------------------------------------------------------------- 3. Swin shifted windows


def window_partition(x: torch.Tensor, ws: int) -> torch.Tensor:
    b, h, w, c = x.shape
    x = x.view(b, h // ws, ws, w // ws, ws, c)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws * ws, c)


def window_reverse(windows: torch.Tensor, ws: int, h: int, w: int) -> torch.Tensor:
    c = windows.shape[-1]
    x = windows.view(-1, h // ws, w // ws, ws, ws, c)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, h, w, c)


class WindowAttention(nn.Module):
    def __init__(self, dim: int, ws: int, heads: int) -> None:
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.table = nn.Parameter(torch.zeros((2 * ws - 1) ** 2, heads))
        coords = torch.stack(torch.meshgrid(torch.arange(ws), torch.arange(ws), indexing="ij")).flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (ws - 1)
        self.register_buffer("index", rel[..., 0] * (2 * ws - 1) + rel[..., 1])
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        bw, n, c = x.shape
        qkv = self.qkv(x).reshape(bw, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.table[self.index.view(-1)].view(n, n, -1).permute(2, 0, 1).contiguous()
        attn = attn + bias.unsqueeze(0)
        nw = mask.shape[0]
        attn = attn.view(bw // nw, nw, self.heads, n, n) + mask.unsqueeze(1).unsqueeze(0)
        attn = attn.view(-1, self.heads, n, n).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(bw, n, c))


class SwinBlock(nn.Module):
    def __init__(self, dim: int, ws: int, shift: int, heads: int) -> None:
        super().__init__()
        self.ws, self.shift = ws, shift
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, ws, heads)

    def region_mask(self, h: int, w: int, device: torch.device) -> torch.Tensor:
        img = torch.zeros((1, h, w, 1), device=device)
        cuts = (slice(0, -self.ws), slice(-self.ws, -self.shift), slice(-self.shift, None))
        region = 0
        for hs in cuts:
            for wsl in cuts:
                img[:, hs, wsl, :] = region
                region += 1
        win = window_partition(img, self.ws).view(-1, self.ws * self.ws)
        mask = win.unsqueeze(1) - win.unsqueeze(2)
        return mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h, w, _ = x.shape
        shortcut = x
        x = torch.roll(self.norm1(x), shifts=(-self.shift, -self.shift), dims=(1, 2))
        windows = self.attn(window_partition(x, self.ws), self.region_mask(h, w, x.device))
        x = torch.roll(window_reverse(windows, self.ws, h, w), shifts=(self.shift, self.shift), dims=(1, 2))
        return shortcut + x


@pytest.mark.parametrize("device", DEVICES)
def test_swin_shifted_window_block(device: str) -> None:
    B, Hh, W, C, ws, heads = 2, 4, 6, 4, 2, 2  # input (B, H, W, C), window 2, shift 1
    n = ws * ws  # 4 tokens per window
    nw = (Hh // ws) * (W // ws)  # 2 * 3 = 6 windows per image
    bw = B * nw  # 12 windows in the batch
    d = C // heads  # head dim 2
    p = _profile(SwinBlock(C, ws, 1, heads), (Hh, W, C), B, device)

    pixels = B * Hh * W * C  # 192
    # region mask (nw, n, n) = 96 elements: sub, !=, masked_fill, ==, masked_fill; rolls,
    # the region image's fills, partitions and reversal are data movement
    mask = 5 * nw * n * n  # 480
    scores = bw * heads * n * n  # 384
    attn_macs = bw * heads * n * n * d * 2  # Q K^T and A V: 2 * 384 = 768 each, 1536
    attn_extra = bw * n * C + scores + scores + scores  # q scale 192, rel. bias add, mask add, softmax
    assert attn_extra == 192 + 3 * 384
    _check_rows(
        p,
        {
            "norm1": (0, pixels),  # 192
            "(model)": (0, mask + pixels),  # mask 480 + residual add 192 = 672
            "attn.qkv": _linear(bw * n, C, 3 * C),  # (12*4*4*12 = 2304, 4608 + 576 = 5184)
            "attn": (attn_macs, 2 * attn_macs + attn_extra),  # (1536, 3072 + 1344 = 4416)
            "attn.proj": _linear(bw * n, C, C),  # (768, 1536 + 192 = 1728)
        },
    )
    assert _row(p, "attn")["params"] == (2 * ws - 1) ** 2 * heads  # the bias table: 9 * 2 = 18
    macs = 2304 + 1536 + 768
    assert p.totals.macs == macs == 4608
    assert p.macs_by_family() == {"matmul": 4608, "norm": 0, "elementwise": 0, "activation": 0}
    assert p.flops_by_family() == {
        "matmul": 2 * macs + 576 + 192,  # 9216 + the two bias adds = 9984
        "norm": pixels,  # 192
        "elementwise": mask + bw * n * C + 2 * scores + pixels,  # 480 + 192 + 768 + 192 = 1632
        "activation": scores,  # softmax 384
    }
    assert p.totals.flops == 9984 + 192 + 1632 + 384 == 12192


# --------------------------------------------------------------------------- 4. ConvNeXt, channels last


class ConvNeXtBlock(nn.Module):
    def __init__(self, dim: int, channels_last_input: bool) -> None:
        super().__init__()
        self.channels_last_input = channels_last_input
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(1e-6 * torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.channels_last_input:
            x = x.to(memory_format=torch.channels_last)
        shortcut = x
        x = self.dwconv(x).permute(0, 2, 3, 1)  # NCHW -> NHWC
        x = self.pwconv2(self.act(self.pwconv1(self.norm(x))))
        x = (self.gamma * x).permute(0, 3, 1, 2)  # layer scale, back to NCHW
        return shortcut + x


@pytest.mark.parametrize("channels_last_input", [False, True])
@pytest.mark.parametrize("device", DEVICES)
def test_convnext_block(device: str, channels_last_input: bool) -> None:
    N, C, Hh, W = 2, 4, 5, 6
    p = _profile(ConvNeXtBlock(C, channels_last_input), (C, Hh, W), N, device)
    pixels = N * C * Hh * W  # 240
    positions = N * Hh * W  # 60 tokens for the pointwise layers
    dw_macs = pixels * 1 * 7 * 7  # depthwise: one input channel per output, 49 taps: 11760
    _check_rows(
        p,
        {
            "dwconv": (dw_macs, 2 * dw_macs + pixels),  # 23520 + 240 bias = 23760
            "norm": (0, pixels),  # LayerNorm over C on NHWC: 240
            "pwconv1": _linear(positions, C, 4 * C),  # (60*4*16 = 3840, 7680 + 960 = 8640)
            "act": (0, positions * 4 * C),  # GELU: 960
            "pwconv2": _linear(positions, 4 * C, C),  # (3840, 7680 + 240 = 7920)
            "(model)": (0, pixels + pixels),  # gamma * x 240, residual add 240
        },
    )
    assert _row(p, "(model)")["params"] == C  # gamma
    assert _row(p, "dwconv")["params"] == C * 7 * 7 + C  # 200
    assert p.totals.macs == 11760 + 3840 + 3840 == 19440
    assert p.flops_by_family() == {
        "conv": 23760,
        "norm": 240,
        "matmul": 8640 + 7920,
        "activation": 960,
        "elementwise": 480,
    }
    assert p.totals.flops == 23760 + 240 + 8640 + 960 + 7920 + 480 == 42000


class ChannelsLastHead(nn.Module):
    def __init__(self, dim: int, classes: int) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.norm = nn.LayerNorm(dim)
        self.fc = nn.Linear(dim, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(x.to(memory_format=torch.channels_last))  # on meta: mean, then as_strided_
        return self.fc(self.norm(x.flatten(1)))


@pytest.mark.parametrize("device", DEVICES)
def test_adaptive_avg_pool_on_channels_last_input(device: str) -> None:
    N, C, Hh, W, classes = 2, 4, 5, 6, 3
    p = _profile(ChannelsLastHead(C, classes), (C, Hh, W), N, device)
    _check_rows(
        p,
        {
            "pool": (0, N * C),  # one per output element: (2, 4, 1, 1) = 8
            "norm": (0, N * C),  # 8
            "fc": _linear(N, C, classes),  # (2*4*3 = 24, 48 + 6 = 54)
        },
    )
    assert _row(p, "(model)")["n_ops"] >= 1  # the memory-format copy (free) ran in the model
    assert _row(p, "pool")["output_shape"] == "2x4x1x1"
    assert p.totals.flops == 8 + 8 + 54


# --------------------------------------------------------------------------- 5. EdgeNeXt / XCiT


class FourierPosition(nn.Module):
    """EdgeNeXt's PositionalEncodingFourier, added to the features it is computed for."""

    def __init__(self, hidden: int, dim: int, freq: str, temperature: float = 10000.0) -> None:
        super().__init__()
        self.hidden, self.freq, self.temperature = hidden, freq, temperature
        self.token_projection = nn.Conv2d(2 * hidden, dim, 1)
        self.scale = 2 * math.pi

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, h, w = x.shape
        mask = torch.zeros(b, h, w, dtype=torch.bool, device=x.device)
        not_mask = ~mask
        y_embed = not_mask.cumsum(1, dtype=torch.float32)
        x_embed = not_mask.cumsum(2, dtype=torch.float32)
        y_embed = y_embed / (y_embed[:, -1:, :] + 1e-6) * self.scale
        x_embed = x_embed / (x_embed[:, :, -1:] + 1e-6) * self.scale
        if self.freq == "arange":
            dim_t = torch.arange(self.hidden, dtype=torch.float32, device=x.device)
            dim_t = self.temperature ** (2 * torch.div(dim_t, 2, rounding_mode="floor") / self.hidden)
        else:
            dim_t = torch.linspace(0, self.hidden - 1, self.hidden, device=x.device)
            dim_t = self.temperature ** (2 * (dim_t // 2) / self.hidden)
        pos_x = x_embed[:, :, :, None] / dim_t
        pos_y = y_embed[:, :, :, None] / dim_t
        pos_x = torch.stack((pos_x[:, :, :, 0::2].sin(), pos_x[:, :, :, 1::2].cos()), dim=4).flatten(3)
        pos_y = torch.stack((pos_y[:, :, :, 0::2].sin(), pos_y[:, :, :, 1::2].cos()), dim=4).flatten(3)
        pos = torch.cat((pos_y, pos_x), dim=3).permute(0, 3, 1, 2)
        return x + self.token_projection(pos)


@pytest.mark.parametrize("freq", ["arange", "linspace"])
@pytest.mark.parametrize("device", DEVICES)
def test_fourier_position_encoding(device: str, freq: str) -> None:
    B, C, Hh, W, hidden = 2, 8, 3, 5, 4
    p = _profile(FourierPosition(hidden, C, freq), (C, Hh, W), B, device)
    grid = B * Hh * W  # 30
    own = (
        grid  # ~mask
        + 2 * grid  # two cumsums
        + (B * W + 2 * grid)  # y: last row + eps (2*1*5 = 10), divide, times 2 pi
        + (B * Hh + 2 * grid)  # x: last column + eps (2*3*1 = 6), divide, times 2 pi
        + 4 * hidden  # frequencies: floor division by 2, times 2, / hidden, temperature ** (.): 16
        + 2 * grid * hidden  # pos_x and pos_y divided by the frequencies: 240
        + 4 * grid * hidden // 2  # sin and cos of each half, for x and for y: 240
        + B * C * Hh * W  # added to the features: 240
    )
    assert own == 30 + 60 + 70 + 66 + 16 + 240 + 240 + 240 == 962
    proj_macs = B * C * Hh * W * 2 * hidden  # 1x1 conv from 2*hidden channels: 240 * 8 = 1920
    _check_rows(
        p,
        {
            "(model)": (0, own),  # arange / linspace, zeros, stack, cat, slices: free
            "token_projection": (proj_macs, 2 * proj_macs + B * C * Hh * W),  # 3840 + 240 = 4080
        },
    )
    assert p.totals.flops == 962 + 4080


class XCA(nn.Module):
    """Cross-covariance attention (XCiT, EdgeNeXt's SDTA): attention over channels, q and k
    L2-normalised along the tokens."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.temperature = nn.Parameter(torch.ones(heads, 1, 1))
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 4, 1)
        q, k, v = qkv.unbind(0)  # (b, heads, d, n)
        q = F.normalize(q, dim=-1)
        k = F.normalize(k, dim=-1)
        attn = ((q @ k.transpose(-2, -1)) * self.temperature).softmax(dim=-1)  # (b, heads, d, d)
        x = (attn @ v).permute(0, 3, 1, 2).reshape(b, n, c)
        return self.proj(x)


@pytest.mark.parametrize("device", DEVICES)
def test_cross_covariance_attention_normalize(device: str) -> None:
    B, N, C, heads = 2, 6, 8, 2
    d = C // heads  # 4
    p = _profile(XCA(C, heads), (N, C), B, device)
    qk = B * heads * d * N  # elements of q (and of k): 96
    rows = B * heads * d  # vectors normalised: 16
    # F.normalize: norm (2 per input element + 1 per output), clamp_min(eps), divide
    normalize = (2 * qk + rows) + rows + qk  # 208 + 16 + 96 = 320
    cov = B * heads * d * N * d  # q k^T over the tokens: 384 MACs
    av = B * heads * d * d * N  # attn v: 384 MACs
    attn_extra = 2 * normalize + B * heads * d * d + B * heads * d * d  # temperature 64, softmax 64
    _check_rows(
        p,
        {
            "qkv": _linear(B * N, C, 3 * C),  # (2304, 4608 + 288 = 4896)
            "(model)": (cov + av, 2 * (cov + av) + attn_extra),  # (768, 1536 + 768 = 2304)
            "proj": _linear(B * N, C, C),  # (768, 1536 + 96 = 1632)
        },
    )
    assert _row(p, "(model)")["params"] == heads  # temperature
    assert p.totals.macs == 2304 + 768 + 768


# --------------------------------------------------------------------------- 6. LSTM and GRU


class Recurrent(nn.Module):
    def __init__(self, kind: str, n_in: int, hidden: int, layers: int, bidirectional: bool, bias: bool) -> None:
        super().__init__()
        cls = {"lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.rnn = cls(n_in, hidden, num_layers=layers, bias=bias, batch_first=True, bidirectional=bidirectional)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.rnn(x)[0]


# Per time step and batch element, for one layer and direction (RNN.cpp's cells):
# LSTM: gates = x W_ih^T (+ b_ih) + h W_hh^T (+ b_hh): 4H x (in + H) MACs, 4H + 4H bias adds,
#   4H for the gate sum; 3 sigmoids and 1 tanh on the gates (4H); c' = f*c + i*g (2 products, 1 add: 3H);
#   h' = o * tanh(c') (tanh, product: 2H). 13H elementwise + 8H biases.
# GRU: x W_ih^T (+ b_ih), h W_hh^T (+ b_hh): 3H x (in + H) MACs, 3H + 3H bias adds; r = sigmoid(a + a'),
#   z = sigmoid(a + a') (4H); n = tanh(a + r * a') (3H); h' = (h - n) * z + n (3H). 10H + 6H biases.
_GATES = {"lstm": 4, "gru": 3}
_STEP_EXTRA = {"lstm": (13, 8), "gru": (10, 6)}  # per hidden unit: elementwise, bias adds


@pytest.mark.parametrize(
    "kind, layers, bidirectional, bias",
    [
        ("lstm", 2, False, True),
        ("lstm", 2, True, True),
        ("lstm", 1, False, False),
        ("gru", 2, False, True),
        ("gru", 2, True, True),
    ],
)
@pytest.mark.parametrize("device", DEVICES)
def test_recurrent_layers(device: str, kind: str, layers: int, bidirectional: bool, bias: bool) -> None:
    N, T, n_in, H = 2, 5, 3, 4  # batch, time steps, input features, hidden size
    p = _profile(Recurrent(kind, n_in, H, layers, bidirectional, bias), (T, n_in), N, device)
    dirs = 2 if bidirectional else 1
    gates = _GATES[kind] * H  # 16 (LSTM), 12 (GRU)
    ew, biases = _STEP_EXTRA[kind]
    steps = T * N  # 10 cell evaluations per layer and direction
    macs = extra = 0
    for layer in range(layers):
        fan_in = n_in if layer == 0 else dirs * H  # the second layer reads the first's (both directions')
        macs += dirs * steps * gates * (fan_in + H)
        extra += dirs * steps * (ew + (biases if bias else 0)) * H
    expected = {
        # LSTM, 2 layers: 10 * 16 * (3 + 4) + 10 * 16 * (4 + 4) = 1120 + 1280; extra 2 * 10 * 21 * 4 = 1680
        ("lstm", 2, False, True): (2400, 4800 + 1680),
        # bidirectional: 2 * 1120 + 2 * 10 * 16 * (8 + 4) = 2240 + 3840; extra 4 * 10 * 84 = 3360
        ("lstm", 2, True, True): (6080, 12160 + 3360),
        # no bias: 1120; extra 10 * 13 * 4 = 520
        ("lstm", 1, False, False): (1120, 2240 + 520),
        # GRU: 10 * 12 * (3 + 4) + 10 * 12 * (4 + 4) = 840 + 960; extra 2 * 10 * 16 * 4 = 1280
        ("gru", 2, False, True): (1800, 3600 + 1280),
        # bidirectional: 2 * 840 + 2 * 10 * 12 * (8 + 4) = 1680 + 2880; extra 4 * 10 * 64 = 2560
        ("gru", 2, True, True): (4560, 9120 + 2560),
    }[(kind, layers, bidirectional, bias)]
    assert (macs, 2 * macs + extra) == expected
    _check_rows(p, {"rnn": expected})
    # per layer and direction: W_ih (gates x fan in), W_hh (gates x H), b_ih and b_hh (gates each)
    fan_ins = [n_in] + [dirs * H] * (layers - 1)
    params = sum(dirs * (gates * (fan + H) + (2 * gates if bias else 0)) for fan in fan_ins)
    assert _row(p, "rnn")["params"] == params
    assert p.macs_by_family()["matmul"] == macs

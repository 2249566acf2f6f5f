"""Fused kernels (CPU's attention and LSTM kernels) against the decompositions meta runs.

On meta, attention and recurrent layers run as their math decomposition; on CPU the same calls
reach fused kernels (``_scaled_dot_product_flash_attention_for_cpu``, ``_native_multi_head_attention``,
``mkldnn_rnn_layer``). The per-op counts of the decomposition are the independent reference here:
every count, its split by family and the depth must be the same on both devices. The hand
derivations of these counts are in ``tests/test_real_ops.py``.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import archstats
from archstats import Rule


class Attention(nn.Module):
    """``F.scaled_dot_product_attention`` over heads of the input, with optional masks."""

    def __init__(self, mask: str = "", key_heads: int = 0, key_len: int = 0, **kwargs: object) -> None:
        super().__init__()
        self.mask, self.key_heads, self.key_len, self.kwargs = mask, key_heads, key_len, kwargs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k = x[:, : self.key_heads] if self.key_heads else x
        k = k[:, :, : self.key_len] if self.key_len else k
        shape = (x.shape[2], k.shape[2])
        mask = None
        if self.mask == "bool":
            mask = torch.ones(shape, dtype=torch.bool, device=x.device)
        elif self.mask == "float":
            mask = torch.zeros(shape, device=x.device)
        return F.scaled_dot_product_attention(x, k, k, attn_mask=mask, **self.kwargs)


class SelfAttention(nn.Module):
    def __init__(self, bias: bool = True, padding_mask: bool = False, **kwargs: object) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(32, 4, batch_first=True, bias=bias)
        self.padding_mask, self.kwargs = padding_mask, kwargs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = torch.zeros(x.shape[:2], dtype=torch.bool, device=x.device) if self.padding_mask else None
        return self.attn(x, x, x, key_padding_mask=mask, **self.kwargs)[0]


HEADS = (4, 16, 8)  # heads x length x head dim
TOKENS = (16, 32)  # length x embedding
CASES = {
    "sdpa": (Attention(), HEADS),
    "sdpa-causal": (Attention(is_causal=True), HEADS),
    "sdpa-bool-mask": (Attention(mask="bool"), HEADS),
    "sdpa-float-mask": (Attention(mask="float"), HEADS),
    "sdpa-gqa": (Attention(key_heads=2, enable_gqa=True), HEADS),
    "sdpa-cross": (Attention(key_len=10), HEADS),
    "mha": (SelfAttention(), TOKENS),
    "mha-no-weights": (SelfAttention(need_weights=False), TOKENS),
    "mha-per-head-weights": (SelfAttention(average_attn_weights=False), TOKENS),
    "mha-padding-mask": (SelfAttention(need_weights=False, padding_mask=True), TOKENS),
    "mha-no-bias": (SelfAttention(bias=False), TOKENS),
    "lstm": (nn.LSTM(8, 16, num_layers=2, batch_first=True), (5, 8)),
    "lstm-bidirectional": (nn.LSTM(8, 16, bidirectional=True), (5, 8)),
    "lstm-no-bias": (nn.LSTM(8, 16, bias=False), (5, 8)),
    "gru": (nn.GRU(8, 16, num_layers=2, batch_first=True), (5, 8)),
    "rnn": (nn.RNN(8, 16, num_layers=2), (5, 8)),
}
# torch computes a GRU's first-layer input products for all steps at once on CPU (one mm and one
# add): the bias adds move from the matmul family to the elementwise one; the totals do not move
SPLIT_DIFFERS = {"gru"}


@pytest.mark.parametrize("name", list(CASES))
def test_fused_kernels_count_as_their_decomposition(name: str) -> None:
    model, size = CASES[name]
    meta = archstats.profile(model, size, batch_size=2, strict=True)
    cpu = archstats.profile(model, size, batch_size=2, device="cpu", strict=True)
    assert (cpu.totals.macs, cpu.totals.flops) == (meta.totals.macs, meta.totals.flops)
    assert cpu.macs_by_family() == meta.macs_by_family()
    assert cpu.totals.depth == meta.totals.depth
    if name not in SPLIT_DIFFERS:
        assert cpu.flops_by_family() == meta.flops_by_family()


def test_cpu_runs_the_fused_kernels() -> None:
    """The comparison above means something only if CPU really takes the fused paths."""
    seen = {}
    for name in ("sdpa", "mha", "lstm"):
        model, size = CASES[name]
        p = archstats.profile(model, size, batch_size=2, device="cpu", record_ops=True)
        seen[name] = {op.op for op in p.ops or ()}
    assert "aten._scaled_dot_product_flash_attention_for_cpu" in seen["sdpa"]
    assert "aten._native_multi_head_attention" in seen["mha"]
    assert "aten.mkldnn_rnn_layer" in seen["lstm"]


def test_a_rule_may_split_its_count_by_family() -> None:
    def split(**_: object) -> dict[str, tuple[int, int]]:
        return {"matmul": (10, 0), "activation": (0, 3)}

    model, size = CASES["sdpa"]
    rules = {"aten::_scaled_dot_product_flash_attention_for_cpu": Rule("matmul", split, rf="mix")}
    p = archstats.profile(model, size, device="cpu", rules=rules)
    assert (p.totals.macs, p.totals.flops) == (10, 2 * 10 + 3)
    assert p.flops_by_family() == {"matmul": 20, "activation": 3}

    def bogus(**_: object) -> dict[str, tuple[int, int]]:
        return {"tensor-core": (1, 0)}

    rules = {"aten::_scaled_dot_product_flash_attention_for_cpu": Rule("matmul", bogus, rf="mix")}
    with pytest.raises(archstats.ModelRunError, match="unknown family 'tensor-core'"):
        archstats.profile(model, size, device="cpu", rules=rules)

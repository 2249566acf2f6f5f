"""The thop cross-check: thop's measured figures against the prediction from archstats' op log.

Hand-built models carry the expected thop figure as arithmetic beside the assertion; the zoo test
checks that the prediction reproduces thop exactly, total and per module, and that thop agrees with
archstats on every convolution and linear layer.
"""

from __future__ import annotations

import re
import sys

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules import module as module_hooks

import archstats
from archstats.crosscheck._thop import CONVENTION, ThopTool, rule_kind
from archstats.crosscheck.base import get_tool
from archstats.errors import install_hint
from archstats_models import get_model, list_models

thop = pytest.importorskip("thop")


def measure(model: nn.Module, input_size: tuple[int, ...], device: str = "meta"):
    """thop's figures and the prediction for ``model`` at batch 1."""
    tool = ThopTool()
    copy = _copy(model, device)
    x = (torch.empty if device == "meta" else torch.randn)((1, *input_size), device=device)
    measured = tool.run(copy, x)
    p = archstats.profile(model, input_size, record_ops=True)
    return measured, tool.predict(p), p


def _copy(model: nn.Module, device: str) -> nn.Module:
    import copy

    return copy.deepcopy(model).to(device) if device == "cpu" else copy.deepcopy(model).to_empty(device="meta")


def check(model: nn.Module, input_size: tuple[int, ...], expected: int) -> tuple:
    measured, predicted, p = measure(model, input_size)
    assert measured.total == expected
    assert predicted.total == expected
    assert predicted.per_module == measured.per_module
    return measured, predicted, p


# --- registry and interface -----------------------------------------------------------------


def test_registered_with_the_documented_attributes() -> None:
    tool = get_tool("thop")
    assert isinstance(tool, ThopTool)
    assert (tool.name, tool.distribution, tool.unit) == ("thop", "ultralytics-thop", "MACs")
    assert tool.needs_real_tensors is False
    assert tool.per_module_scope == "own"


def test_convention_is_data() -> None:
    assert CONVENTION and all(len(row) == 2 and all(isinstance(s, str) and s for s in row) for row in CONVENTION)
    whats = [what for what, _ in CONVENTION]
    assert len(whats) == len(set(whats))


def test_rule_table_agrees_with_thops_own_table() -> None:
    """Every torch.nn module class resolves to a rule exactly when thop's table gives it one, and to
    the zero rule exactly when thop's does (what decides whether functional products are counted)."""
    from thop.profile import register_hooks
    from thop.vision.basic_hooks import zero_ops

    classes = [c for c in vars(nn).values() if isinstance(c, type) and issubclass(c, nn.Module)]
    classes += list(register_hooks)
    for cls in classes:
        thop_fn = next((register_hooks[b] for b in cls.__mro__ if b in register_hooks), None)
        kind = rule_kind(cls)
        assert (kind is None) == (thop_fn is None), cls
        if thop_fn is not None:
            assert (kind == "zero") == (thop_fn is zero_ops), cls


def test_missing_thop_raises_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "thop", None)  # makes `import thop` raise ImportError
    with pytest.raises(ImportError, match=re.escape(install_hint("crosscheck"))):
        ThopTool().run(nn.Conv2d(1, 1, 1), torch.empty(1, 1, 2, 2))


def test_prediction_needs_the_op_log() -> None:
    p = archstats.profile(nn.Conv2d(1, 1, 1), (1, 4, 4))
    with pytest.raises(ValueError, match="record_ops"):
        ThopTool().predict(p)


# --- hand-built models: thop's figure as arithmetic -----------------------------------------


def test_conv_bias_is_not_counted() -> None:
    measured, predicted, p = check(
        nn.Conv2d(3, 8, 3, padding=1, bias=True),
        (3, 8, 8),
        8 * 8 * 8 * (3 * 3 * 3),  # 512 outputs x 27 taps; no + 1 per output for the bias
    )
    assert measured.per_module == {"": 8 * 8 * 8 * 27}  # the root is the conv itself
    assert p.totals.macs == 8 * 8 * 8 * 27
    assert any("conv bias adds: not counted (archstats full: 512 FLOPs)" in t.label for t in predicted.terms)


def test_grouped_and_transposed_conv() -> None:
    check(nn.Conv2d(4, 8, 3, padding=1, groups=2), (4, 5, 5), 8 * 5 * 5 * (4 // 2) * 9)  # 3600
    # transposed: walks the 4x3x3 input, each element scattering into C_out/groups x 9 taps
    check(nn.ConvTranspose2d(4, 2, 3, stride=2), (4, 3, 3), 4 * 3 * 3 * 2 * 9)  # 648


def test_batch_norm_two_or_four_per_element() -> None:
    check(nn.BatchNorm2d(8), (8, 4, 4), 4 * 8 * 4 * 4)  # affine: (normalise 2 + scale/shift 2) x 128
    check(nn.BatchNorm2d(8, affine=False), (8, 4, 4), 2 * 8 * 4 * 4)
    check(nn.GroupNorm(2, 8), (8, 4, 4), 4 * 128)
    check(nn.LayerNorm(4), (8, 4, 4), 4 * 128)
    check(nn.InstanceNorm2d(8), (8, 4, 4), 2 * 128)  # affine=False by default


def test_avg_pool_with_and_without_padding_counted() -> None:
    # 5 wide, kernel 3, stride 2, padding 1 -> 3 outputs per axis, windows starting at -1, 1, 3.
    # Counting padding: each window covers 3 positions -> 9 per axis, 81 per plane.
    check(nn.AvgPool2d(3, stride=2, padding=1), (2, 5, 5), 2 * (3 + 3 + 3) ** 2 + 2 * 3 * 3)  # 162 adds + 18 divides
    # Not counting it: the windows keep 2, 3, 2 real positions -> 7 per axis, 49 per plane.
    check(nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (2, 5, 5), 2 * (2 + 3 + 2) ** 2 + 18)  # 116
    # ceil mode: 6 wide, kernel 2, stride 2 -> 3 full windows; 5 wide with ceil -> last window has 1 position
    check(nn.AvgPool2d(2, ceil_mode=True), (1, 5, 5), (2 + 2 + 1) ** 2 + 9)  # 34
    check(nn.AvgPool1d(3, stride=3), (2, 9), 2 * 9 + 2 * 3)  # 1-D: 3 windows of 3 per row, 6 divides


def test_adaptive_avg_pool() -> None:
    check(nn.AdaptiveAvgPool2d(1), (4, 6, 6), 4 * 36 + 4)  # every input added once, one divide per channel
    # 5 -> 3: windows [0, 2), [1, 4), [3, 5) of sizes 2, 3, 2 (they overlap) -> 7 per axis
    check(nn.AdaptiveAvgPool2d(3), (2, 5, 5), 2 * (2 + 3 + 2) ** 2 + 2 * 3 * 3)  # 98 + 18
    # 6 -> 4: windows [0, 2), [1, 3), [3, 5), [4, 6) -> 8 per axis; width left alone (5 -> 5) adds 5
    check(nn.AdaptiveAvgPool2d((4, 5)), (1, 6, 5), (2 + 2 + 2 + 2) * 5 + 4 * 5)  # 40 + 20


def test_linear_counts_in_features_per_output_without_bias() -> None:
    check(nn.Linear(10, 4), (1, 10), 10 * 4)  # bias adds not counted (archstats wants >= 2 input dims)
    check(nn.Linear(10, 4, bias=False), (3, 10), 10 * 3 * 4)


class Residual(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(x + self.conv(x))


class Concat(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(4, 2, 1)
        self.b = nn.Conv2d(4, 3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.a(x), self.b(x)], 1) * 2


def test_residual_add_and_cat_are_not_counted() -> None:
    measured, predicted, p = check(Residual(), (4, 6, 6), 4 * 36 * (4 * 9))  # the conv alone: 144 outputs x 36
    assert measured.per_module == {"conv": 5184, "relu": 0}
    assert any(
        t.label.startswith("residual adds, cat") and "archstats full: 144 FLOPs" in t.label for t in predicted.terms
    )
    assert any("custom modules without a thop rule" in n and "Residual x1" in n for n in measured.notes)
    measured, _, _ = check(Concat(), (4, 3, 3), 2 * 9 * 4 + 3 * 9 * 4)  # two 1x1 convs; cat and * 2 free
    assert measured.per_module == {"a": 72, "b": 108}


class Gates(nn.Module):
    """Activations thop has no rule for, PReLU, softmax and upsampling."""

    def __init__(self) -> None:
        super().__init__()
        self.sig = nn.Sigmoid()
        self.silu = nn.SiLU()
        self.prelu = nn.PReLU()
        self.up = nn.Upsample(scale_factor=2, mode="bilinear")
        self.near = nn.Upsample(scale_factor=2)
        self.soft = nn.Softmax(dim=1)
        self.logsoft = nn.LogSoftmax(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.prelu(self.silu(self.sig(x)))
        return self.soft(self.up(y)) + self.logsoft(self.near(y))


def test_activations_softmax_and_upsampling() -> None:
    # input 1x3x4x4 (48 elements), upsampled to 1x3x8x8 (192 elements, 64 rows of 3 channels)
    expected = {
        "sig": 0,
        "silu": 0,  # no thop rule
        "prelu": 48,  # one per input element
        "up": 11 * 192,
        "near": 0,  # bilinear 11 per output, nearest 0
        "soft": 64 * (3 + 2 + 3),  # per row of n=3: 3 exp + 2 adds + 3 divides
        "logsoft": 64 * (3 + 2 + 3) + 64,  # + one log per row
    }
    measured, _, _ = check(Gates(), (3, 4, 4), sum(expected.values()))
    assert measured.per_module == expected
    assert "no thop rule, counted as 0: SiLU x1, Sigmoid x1" in measured.notes


class Functional(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.empty(4, 5))
        self.k = nn.Parameter(torch.empty(2, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.matmul(x[:, 0], self.w)  # (1, 3, 4) @ (4, 5): counted, 15 outputs x 4
        z = F.conv2d(x, self.k)  # not counted: no module, no functional rule
        return y.sum() + z.sum()


def test_functional_matmul_counted_functional_conv_not() -> None:
    measured, predicted, p = check(Functional(), (3, 3, 4), 3 * 5 * 4)
    assert p.totals.macs == 3 * 5 * 4 + 2 * 12 * 3  # archstats counts the conv too (12 outputs per map x 3)
    assert measured.per_module == {"": 60}  # thop attributes functional products to no module: the root holds them
    skipped = [t for t in predicted.terms if t.label.startswith("convolutions called functionally")]
    assert [t.amount for t in skipped] == [-72]


class Built(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.Conv2d(2, 2, 1, device=x.device)(x)  # made per call: thop never hooks it


def test_modules_built_in_forward_are_not_hooked() -> None:
    measured, predicted, p = check(Built(), (2, 3, 3), 0)
    assert p.totals.macs == 2 * 9 * 2
    assert [t.amount for t in predicted.terms if t.label.startswith("modules built inside forward()")] == [-36]


class Shared(nn.Module):
    """One conv reachable from two parents and called twice."""

    def __init__(self) -> None:
        super().__init__()
        conv = nn.Conv2d(2, 2, 1, bias=False)
        self.first = nn.Sequential(conv, nn.ReLU())
        self.second = nn.Sequential(conv)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.second(self.first(x))


def test_reused_and_shared_modules_accumulate_once_in_the_total() -> None:
    measured, _, _ = check(Shared(), (2, 3, 3), 2 * (2 * 9 * 2))  # two calls of 18 outputs x 2 inputs
    assert measured.per_module == {"first.0": 72, "first.1": 0}


class MyConv(nn.Conv2d):
    """A custom subclass: thop resolves it through its MRO to the conv rule."""


def test_custom_subclass_resolves_through_the_mro() -> None:
    model = nn.Sequential(MyConv(3, 4, 3))
    tool = ThopTool()
    measured = tool.run(_copy(model, "meta"), torch.empty(1, 3, 5, 5, device="meta"))
    assert measured.total == 4 * 3 * 3 * (3 * 9)
    p = archstats.profile(model, (3, 5, 5), record_ops=True)
    assert tool.predict(p).total == measured.total  # classes remembered from run()
    assert ThopTool().predict(p, model=model).total == measured.total
    # from type names alone an unknown class has no rule: the prediction says so rather than guess
    blind = ThopTool().predict(p)
    assert blind.total == 0 and any("no thop rule, 0: MyConv" in t.label for t in blind.terms)


def test_lenet5_by_hand() -> None:
    """LeNet-5: every conv/linear as archstats, plus thop's 2 x 2 average pools (S2, S4)."""
    model = get_model("lenet5")
    measured, predicted, p = measure(model, (1, 32, 32))
    pools = 6 * (28 * 28 + 14 * 14) + 16 * (10 * 10 + 5 * 5)  # each input added once + one divide per output
    assert measured.total == p.totals.macs + pools
    assert predicted.total == measured.total and predicted.per_module == measured.per_module


# --- hygiene ----------------------------------------------------------------------------------


def test_run_leaves_no_hooks_buffers_or_mode_changes() -> None:
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), Residual(), nn.Dropout())
    model.train()
    model[1].eval()  # a mixed state must come back as it was
    modes = [m.training for m in model.modules()]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    global_hooks = (len(module_hooks._global_forward_hooks), len(module_hooks._global_forward_pre_hooks))

    ThopTool().run(model, torch.randn(1, 3, 8, 8))

    assert [m.training for m in model.modules()] == modes
    for m in model.modules():
        assert not m._forward_hooks and not m._forward_pre_hooks
        assert "total_ops" not in m.__dict__ and "total_ops" not in m._buffers
        assert "total_params" not in m.__dict__ and "total_params" not in m._buffers
    assert model.state_dict().keys() == state.keys()
    assert all(torch.equal(model.state_dict()[k], v) for k, v in state.items())
    assert (len(module_hooks._global_forward_hooks), len(module_hooks._global_forward_pre_hooks)) == global_hooks


@pytest.mark.parametrize("name", ["lenet5", "squeezenet1_1"])
def test_meta_and_cpu_give_identical_figures(name: str) -> None:
    size = (1, 32, 32) if name == "lenet5" else (3, 64, 64)
    runs = []
    for device in ("meta", "cpu"):
        torch.manual_seed(0)
        with torch.device(device):
            model = get_model(name)
        x = (torch.empty if device == "meta" else torch.randn)((1, *size), device=device)
        runs.append(ThopTool().run(model, x))
    assert runs[0] == runs[1]


def test_meta_and_cpu_agree_on_hand_built_rules() -> None:
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.PReLU(),
        nn.AvgPool2d(3, 2, 1, count_include_pad=False),
        nn.AdaptiveAvgPool2d(3),
        nn.Upsample(scale_factor=2, mode="bicubic"),
        nn.Softmax(1),
        nn.Flatten(),
        nn.Linear(4 * 36, 5),
    )
    meta = ThopTool().run(_copy(model, "meta"), torch.empty(1, 3, 11, 11, device="meta"))
    cpu = ThopTool().run(_copy(model, "cpu"), torch.randn(1, 3, 11, 11))
    assert meta == cpu
    p = archstats.profile(model, (3, 11, 11), record_ops=True)
    predicted = ThopTool().predict(p)
    assert (predicted.total, predicted.per_module) == (meta.total, meta.per_module)


RULES = [
    (nn.RMSNorm(8), (3, 8)),
    (nn.RMSNorm(8, elementwise_affine=False), (3, 8)),
    (nn.LayerNorm(8, elementwise_affine=False), (3, 8)),
    (nn.BatchNorm1d(3), (3, 5)),
    (nn.InstanceNorm2d(3, affine=True), (3, 4, 4)),
    (nn.GroupNorm(1, 4, affine=False), (4, 3, 3)),
    (nn.Softmin(dim=1), (3, 8)),
    (nn.Softmax2d(), (3, 4, 4)),
    (nn.UpsamplingBilinear2d(scale_factor=2), (2, 3, 3)),
    (nn.UpsamplingNearest2d(scale_factor=2), (2, 3, 3)),
    (nn.Upsample(scale_factor=2, mode="nearest-exact"), (2, 3, 3)),
    (nn.Upsample(scale_factor=2, mode="linear"), (2, 3)),
    (nn.Upsample(scale_factor=2, mode="trilinear"), (2, 3, 3, 3)),
    (nn.AvgPool3d(2, 1, 1, count_include_pad=False), (2, 3, 3, 3)),
    (nn.AvgPool1d(3, 2, 1, ceil_mode=True), (2, 7)),
    (nn.AdaptiveAvgPool1d(3), (2, 7)),
    (nn.AdaptiveAvgPool3d((2, 3, 1)), (2, 5, 7, 3)),
    (nn.Conv1d(2, 4, 3, stride=2), (2, 9)),
    (nn.Conv3d(2, 4, 3, padding=1, groups=2), (2, 4, 4, 4)),
    (nn.ConvTranspose1d(2, 4, 3, stride=2), (2, 5)),
    (nn.ConvTranspose3d(2, 4, 2, stride=2, groups=2), (2, 3, 3, 3)),
    (nn.Conv2d(2, 4, 3, padding=1, padding_mode="reflect"), (2, 5, 5)),
    (
        nn.Sequential(
            nn.LeakyReLU(),
            nn.Hardswish(),
            nn.Hardtanh(),
            nn.GELU(),
            nn.Tanh(),
            nn.Dropout2d(),
            nn.ZeroPad2d(1),
            nn.Identity(),
            nn.LocalResponseNorm(2),
            nn.MaxPool2d(2),
            nn.PixelShuffle(2),
            nn.Flatten(),
        ),
        (4, 4, 4),
    ),
]


@pytest.mark.parametrize(("module", "size"), RULES, ids=lambda v: type(v).__name__ if isinstance(v, nn.Module) else "")
def test_other_rules_predicted_exactly_on_meta_and_cpu(module: nn.Module, size: tuple[int, ...]) -> None:
    meta, predicted, _ = measure(module, size)
    cpu = ThopTool().run(_copy(module, "cpu"), torch.randn((1, *size)))
    assert cpu == meta
    assert (predicted.total, predicted.per_module) == (meta.total, meta.per_module)


# --- the zoo ---------------------------------------------------------------------------------

ZOO = [info.name for info in list_models()]


@pytest.mark.parametrize("name", ZOO)
def test_zoo_matches_prediction_and_agrees_on_conv_linear(name: str) -> None:
    info = next(i for i in list_models() if i.name == name)
    with torch.device("meta"):
        model = get_model(name)
    classes = {path: type(m) for path, m in model.named_modules()}
    tool = ThopTool()
    measured = tool.run(model, torch.empty((1, *info.input_size), device="meta"))
    p = archstats.profile(name, record_ops=True)
    predicted = tool.predict(p)

    assert measured.total == predicted.total
    assert measured.per_module == predicted.per_module
    blind = ThopTool().predict(p)  # from type names only: the zoo has no custom subclass of a counted type
    assert (blind.total, blind.per_module) == (predicted.total, predicted.per_module)
    assert predicted.total == predicted.base + sum(t.amount for t in predicted.terms)

    # thop and archstats agree exactly on every convolution and linear layer (thop skips biases,
    # which are not MACs in archstats either)
    macs: dict[str, int] = {}
    for r in p.records:
        macs[r.module] = macs.get(r.module, 0) + r.macs
    weight_layers = [path for path, cls in classes.items() if issubclass(cls, (nn.Conv2d, nn.Linear)) and path in macs]
    assert weight_layers
    for path in weight_layers:
        assert measured.per_module[path] == macs[path], path

"""The engine: meta vs cpu, totals, the user's model left alone, shared and unused parameters,
memory worked out by hand, uncounted ops and errors."""

from __future__ import annotations

import importlib
import resource
import sys
import textwrap

import pandas as pd
import pytest
import torch
from torch import nn
from torch.nn.modules import module as module_hooks

import archstats
import archstats_models

MODEL_NAMES = [info.name for info in archstats_models.list_models()]


def _row(p: archstats.Profile, module: str, call: int = 0):
    rows = p.layers[(p.layers["module"] == module) & (p.layers["call"] == call)]
    assert len(rows) == 1, f"expected one row for {module!r} call {call}, got:\n{p.layers}"
    return rows.iloc[0]


# --------------------------------------------------------------------------- registered models


@pytest.mark.parametrize("training", [False, True], ids=["eval", "train"])
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_registered_model_meta_equals_cpu_and_sums(name: str, training: bool) -> None:
    meta = archstats.profile(name, training=training)
    cpu = archstats.profile(name, device="cpu", training=training)
    pd.testing.assert_frame_equal(meta.layers, cpu.layers)
    assert meta.totals == cpu.totals
    assert meta.status == cpu.status == "complete"
    assert meta.uncounted == {}

    t, layers = meta.totals, meta.layers
    for col in ("params", "macs", "flops", "activation_bytes"):
        assert layers[col].sum() == getattr(t, col), col
    assert layers["n_ops"].sum() == t.n_ops
    assert len(layers) == t.n_layers
    if training:
        assert t.saved_bytes is not None and t.saved_bytes > 0
        assert layers["saved_bytes"].sum() == t.saved_bytes
    else:
        assert t.saved_bytes is None
        assert (layers["saved_bytes"] == 0).all()
    assert t.model_bytes_fp32 == 4 * t.params

    model = archstats_models.get_model(name)
    assert t.params == sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------- the user's model is not mutated


class UserNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(4 * 4 * 4, 3))
        self.register_buffer("scale", torch.tensor([2.0]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(self.relu(self.bn(self.conv(x))))) * self.scale


def _snapshot(model: nn.Module) -> dict:
    snap = {}
    for name, m in model.named_modules():
        snap[name] = dict(
            training=m.training,
            params={
                k: (p, p.detach().clone(), p.device, p.dtype, p.requires_grad, p.grad) for k, p in m._parameters.items()
            },
            buffers={k: (b, b.clone(), b.device, b.dtype) for k, b in m._buffers.items()},
            fwd_hooks=dict(m._forward_hooks),
            pre_hooks=dict(m._forward_pre_hooks),
            keys=set(m.__dict__),
            module=m,
        )
    return snap


def _assert_same(before: dict, model: nn.Module) -> None:
    after = dict(model.named_modules())
    assert list(after) == list(before)
    for name, snap in before.items():
        m = after[name]
        assert m is snap["module"], name
        assert m.training == snap["training"], name
        assert set(m.__dict__) == snap["keys"], name
        assert dict(m._forward_hooks) == snap["fwd_hooks"], name
        assert dict(m._forward_pre_hooks) == snap["pre_hooks"], name
        assert list(m._parameters) == list(snap["params"]), name
        for k, (obj, value, device, dtype, req, grad) in snap["params"].items():
            p = m._parameters[k]
            assert p is obj, (name, k)
            assert p.device == device and p.dtype == dtype and p.requires_grad == req, (name, k)
            assert p.grad is grad, (name, k)
            assert torch.equal(p.detach(), value), (name, k)
        assert list(m._buffers) == list(snap["buffers"]), name
        for k, (obj, value, device, dtype) in snap["buffers"].items():
            b = m._buffers[k]
            assert b is obj, (name, k)
            assert b.device == device and b.dtype == dtype, (name, k)
            assert torch.equal(b, value), (name, k)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("training", [False, True], ids=["eval", "train"])
@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_user_model_not_mutated(device: str, training: bool, dtype: str) -> None:
    model = UserNet()  # train mode
    model.head.eval()  # mixed flags must survive as they are
    model.conv.bias.requires_grad_(False)
    calls = []
    model.conv.register_forward_hook(lambda m, a, o: calls.append(m))
    model.register_forward_pre_hook(lambda m, a: calls.append(m))
    with torch.no_grad():
        model.bn.running_mean.uniform_()
    global_hooks = (len(module_hooks._global_forward_hooks), len(module_hooks._global_forward_pre_hooks))
    before = _snapshot(model)

    p = archstats.profile(model, (3, 8, 8), device=device, training=training, dtype=dtype)

    assert p.status == "complete"
    _assert_same(before, model)
    # the user's hooks travel with the copy, but the user's own modules are never run
    assert all(m is not model and m is not model.conv for m in calls)
    assert (len(module_hooks._global_forward_hooks), len(module_hooks._global_forward_pre_hooks)) == global_hooks


def test_callable_returning_users_instance_not_mutated(tmp_path, monkeypatch) -> None:
    """An import path whose callable hands back a module the user already holds (a cached or
    global instance) is still the user's model: the analysis must run on a copy."""
    mod_name = "archstats_user_zoo_probe"
    (tmp_path / f"{mod_name}.py").write_text(
        textwrap.dedent(
            """
            from torch import nn
            NET = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
            def get():
                return NET
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    user = importlib.import_module(mod_name)
    try:
        net = user.NET  # train mode, float32, running stats zero
        before = _snapshot(net)
        archstats.profile(f"{mod_name}:get", (3, 8, 8), device="cpu", training=True, dtype="float16")
        _assert_same(before, net)
    finally:
        sys.modules.pop(mod_name, None)


# --------------------------------------------------------------------------- parameters


class SharedLinear(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(12, 12)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.fc(x.flatten(1)))


def test_shared_parameters_counted_once() -> None:
    p = archstats.profile(SharedLinear(), (3, 2, 2))
    fc0, fc1 = _row(p, "fc", 0), _row(p, "fc", 1)
    assert fc0["params"] == 12 * 12 + 12  # 156, once
    assert fc1["params"] == 0
    assert fc0["macs"] == fc1["macs"] == 12 * 12  # 144 each call
    assert p.totals.params == 156
    assert p.totals.macs == 2 * 144
    assert p.totals.flops == 2 * (2 * 144 + 12)  # two calls: 2*MACs + 12 bias adds each
    assert sorted(p.layers.loc[p.layers["module"] == "fc", "call"]) == [0, 1]


class WithUnused(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 1)
        self.spare = nn.Linear(5, 7)  # never called: 5*7 + 7 = 42 params
        self.alpha = nn.Parameter(torch.zeros(9))  # owned by the root, never used

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


def test_unused_parameters_still_counted() -> None:
    model = WithUnused()
    p = archstats.profile(model, (3, 4, 4))
    spare = _row(p, "spare", -1)
    assert spare["params"] == 42
    assert spare["macs"] == 0 and spare["flops"] == 0
    root_params = p.layers.loc[p.layers["module"] == "(model)", "params"].sum()
    assert root_params == 9
    assert _row(p, "conv")["params"] == 3 * 2 + 2
    assert p.totals.params == 8 + 42 + 9 == sum(q.numel() for q in model.parameters())
    assert p.layers["params"].sum() == p.totals.params


# --------------------------------------------------------------------------- memory


class TinyChain(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(3, 4, 3)  # 3x10x10 -> 4x8x8
        self.relu = nn.ReLU(inplace=True)
        self.c2 = nn.Conv2d(4, 2, 1)  # 4x8x8 -> 2x8x8

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.c1(x))
        x = x.transpose(2, 3).view(x.shape[0], 4, 8, 8)  # views: no new storage
        return self.c2(x)


@pytest.mark.parametrize("device", ["meta", "cpu"])
@pytest.mark.parametrize("dtype, itemsize", [("float32", 4), ("float16", 2)])
def test_activation_bytes_tiny_chain(device: str, dtype: str, itemsize: int) -> None:
    p = archstats.profile(TinyChain(), (3, 10, 10), batch_size=2, device=device, dtype=dtype)
    x_bytes = 2 * 3 * 10 * 10 * itemsize  # the input batch: 2400 B in fp32
    c1 = 2 * 4 * 8 * 8 * itemsize  # 2048 B in fp32
    c2 = 2 * 2 * 8 * 8 * itemsize  # 1024 B in fp32
    assert _row(p, "c1")["activation_bytes"] == c1
    assert _row(p, "relu")["activation_bytes"] == 0  # in place
    assert _row(p, "(model)")["activation_bytes"] == 0  # transpose + view
    assert _row(p, "c2")["activation_bytes"] == c2
    assert p.totals.activation_bytes == c1 + c2  # 3072 B in fp32
    # live: X; +c1 = 4448; relu/views add nothing; +c2 = 5472 (everything still referenced)
    assert _row(p, "c1")["peak_live_bytes"] == x_bytes + c1
    assert _row(p, "c2")["peak_live_bytes"] == x_bytes + c1 + c2
    assert p.totals.peak_bytes == x_bytes + c1 + c2
    assert p.totals.peak_layer == "c2"


class DyingChain(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.c2 = nn.Conv2d(4, 2, 3, padding=1)
        self.c3 = nn.Conv2d(2, 8, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.c1(x)
        h = self.c2(h)  # the c1 output dies here
        h = self.c3(h)  # the c2 output dies when forward returns
        return h


@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_peak_with_dying_tensors(device: str) -> None:
    p = archstats.profile(DyingChain(), (1, 8, 8), device=device)
    x = 1 * 8 * 8 * 4  # 256 B, live from the start
    a = 4 * 64 * 4  # 1024
    b = 2 * 64 * 4  # 512
    c = 8 * 64 * 4  # 2048
    # c1: x + a = 1280; c2: x + a + b = 1792, then a dies (768); c3: x + b + c = 2816
    assert _row(p, "c1")["peak_live_bytes"] == x + a == 1280
    assert _row(p, "c2")["peak_live_bytes"] == x + a + b == 1792
    assert _row(p, "c3")["peak_live_bytes"] == x + b + c == 2816
    assert p.totals.peak_bytes == 2816  # not 3840: a was freed before c3 ran
    assert p.totals.peak_layer == "c3"
    assert p.totals.activation_bytes == a + b + c


class ResidualMemory(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(1, 8, 3, padding=1)
        self.c1 = nn.Conv2d(8, 1, 3, padding=1)
        self.c2 = nn.Conv2d(1, 8, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.stem(x)
        out = self.c1(y)
        out = self.c2(out)  # the c1 output dies here; y (the identity) stays alive
        return out + y


@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_peak_residual_identity_stays_alive(device: str) -> None:
    p = archstats.profile(ResidualMemory(), (1, 8, 8), device=device)
    x = 256
    s = 8 * 64 * 4  # stem output 2048
    a = 1 * 64 * 4  # 256
    b = 8 * 64 * 4  # 2048
    c = 8 * 64 * 4  # the sum, 2048
    # stem: x + s = 2304; c1: + a = 2560; c2: + b = 4608, a dies -> 4352; add: + c = 6400
    assert _row(p, "stem")["peak_live_bytes"] == x + s == 2304
    assert _row(p, "c1")["peak_live_bytes"] == x + s + a == 2560
    assert _row(p, "c2")["peak_live_bytes"] == x + s + a + b == 4608
    assert _row(p, "(model)")["peak_live_bytes"] == x + s + b + c == 6400
    assert _row(p, "(model)")["activation_bytes"] == c
    assert p.totals.peak_bytes == 6400
    assert p.totals.peak_layer == "(model)"


class SmallFloatNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(6, 4, 3), nn.Sigmoid()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x).flatten(1) * 0.5


def test_float16_halves_activation_bytes() -> None:
    p32 = archstats.profile(SmallFloatNet(), (3, 12, 12), batch_size=3)
    p16 = archstats.profile(SmallFloatNet(), (3, 12, 12), batch_size=3, dtype="float16")
    assert p16.dtype == "float16"
    assert list(p32.layers["activation_bytes"]) == [2 * v for v in p16.layers["activation_bytes"]]
    assert p32.totals.activation_bytes == 2 * p16.totals.activation_bytes > 0
    assert p32.totals.peak_bytes == 2 * p16.totals.peak_bytes
    assert p32.totals.macs == p16.totals.macs and p32.totals.flops == p16.totals.flops


def test_saved_bytes_hand_derived() -> None:
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5))
    p = archstats.profile(model, (3, 8, 8), training=True)
    x = 3 * 8 * 8 * 4  # conv saves its input: 768 B (its weight is a parameter: excluded)
    r = 4 * 6 * 6 * 4  # relu saves its output: 576 B
    # flatten is a view of r; addmm saves that view (same storage, counted once) and weight.t()
    assert _row(p, "0")["saved_bytes"] == x
    assert _row(p, "1")["saved_bytes"] == r
    assert _row(p, "3")["saved_bytes"] == 0
    assert p.totals.saved_bytes == x + r == 1344


def test_meta_memory_independent_of_batch() -> None:
    # Timing targets live in benchmarks/; here only what must hold exactly: nothing is allocated.
    one = archstats.profile("alexnet")
    many = archstats.profile("alexnet", batch_size=64)
    for col in ("activation_bytes", "peak_live_bytes", "macs"):
        assert list(many.layers[col]) == [64 * v for v in one.layers[col]], col
    assert many.totals.peak_bytes == 64 * one.totals.peak_bytes

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    huge = archstats.profile("alexnet", batch_size=4096)  # ~72 GB of activations if real
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert huge.totals.activation_bytes == 4096 * one.totals.activation_bytes
    assert rss_after - rss_before < 512 * 1024  # less than 512 MiB more than before


def test_batchnorm_eval_activation_bytes_same_on_meta_and_cpu() -> None:
    """Eval-mode BatchNorm allocates its output only (1 x 4 x 6 x 6 x 4 B = 576 B): on CPU the
    saved mean / inverse std of native_batch_norm are empty in eval mode. The meta analysis
    must report what the CPU run allocates."""
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4).eval())
    meta = archstats.profile(model, (3, 8, 8))
    cpu = archstats.profile(model, (3, 8, 8), device="cpu")
    assert _row(cpu, "1")["activation_bytes"] == 576
    assert _row(meta, "1")["activation_bytes"] == 576
    pd.testing.assert_frame_equal(meta.layers, cpu.layers)
    assert meta.totals == cpu.totals


class RootAdd(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(2, 2, 3, padding=1)
        self.c2 = nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c2(self.c1(x)) + x  # the deepest spatial output is the root's own add


def test_totals_name_rows_of_layers() -> None:
    p = archstats.profile(RootAdd(), (2, 8, 8))
    names = set(p.layers["module"])
    # sizes: c1 3, c2 5; the add unions with the identity (1): 5
    assert p.totals.rf_size == (5, 5)
    assert p.totals.peak_layer in names
    assert p.totals.rf_layer in names
    assert p.totals.rf_layer == "(model)"


# --------------------------------------------------------------------------- uncounted ops


class WithCumsum(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 1)
        self.tail = _Cumsum()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.tail(self.conv(x))


class _Cumsum(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.kthvalue(x, 1, dim=1, keepdim=True).values  # an op without a rule


def test_uncounted_op_makes_profile_partial() -> None:
    p = archstats.profile(WithCumsum(), (3, 4, 4))
    assert p.status == "partial"
    assert p.uncounted == {"aten.kthvalue": 1}
    tail = _row(p, "tail")
    assert "aten.kthvalue" in tail["uncounted"]
    assert _row(p, "conv")["uncounted"] == ""
    assert _row(p, "conv")["macs"] == 2 * 4 * 4 * 3  # counted parts still counted: 96
    with pytest.raises(archstats.UncountedOpsError, match="aten.kthvalue"):
        archstats.profile(WithCumsum(), (3, 4, 4), strict=True)


def test_fully_counted_model_passes_strict() -> None:
    p = archstats.profile(TinyChain(), (3, 10, 10), strict=True)
    assert p.status == "complete"


# --------------------------------------------------------------------------- errors


def test_unknown_model_name_suggests_close_match() -> None:
    with pytest.raises(archstats.ModelLoadError) as info:
        archstats.profile("alexnt")
    assert "alexnet" in str(info.value)


def test_unimportable_path() -> None:
    with pytest.raises(archstats.ModelLoadError, match="nonexistent_pkg_xyz"):
        archstats.profile("nonexistent_pkg_xyz:f")


class Broken(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(10, 3))  # needs 4*6*6

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block(x)


@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_forward_failure_names_layer_and_op(device: str) -> None:
    with pytest.raises(archstats.ModelRunError) as info:
        archstats.profile(Broken(), (3, 8, 8), device=device)
    msg = str(info.value)
    assert "block.2" in msg
    assert "aten.addmm" in msg


def test_random_state_restored_and_stochastic_models_reproducible() -> None:
    import random

    random.seed(1234)
    torch.manual_seed(1234)
    expected_py, expected_torch = random.random(), torch.rand(1)
    random.seed(1234)
    torch.manual_seed(1234)
    first = archstats.profile("resnet110_sd", training=True)
    second = archstats.profile("resnet110_sd", training=True, device="cpu")
    # the caller's generators continue exactly where they were
    assert random.random() == expected_py
    assert torch.equal(torch.rand(1), expected_torch)
    # stochastic depth drops the same blocks on every analysis, on meta and on cpu
    pd.testing.assert_frame_equal(first.layers, second.layers)

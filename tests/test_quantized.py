"""Quantized int8 models (eager post-training static quantization, quantized in the test) count as
their float twins: the same MACs, the float weights' parameters (batch norms folded away), and
model bytes from what is really stored. Every expected number is derived by hand beside its assertion."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import torch
from torch import nn
from torch.ao import quantization as tq
from torch.ao.nn.quantized import FloatFunctional

import archstats
from archstats import quantized
from archstats.errors import UsageError
from archstats.rules import registered_ops

# Input 3x16x16, batch 1. conv1 and conv2 keep 16x16 (3x3, padding 1), the pool halves it to 8x8.
MACS = (
    16 * 16 * 8 * (3 * 3 * 3)  # conv1 3->8: 2048 outputs x 27 taps = 55,296
    + 16 * 16 * 8 * (8 * 3 * 3)  # conv2 8->8: 2048 outputs x 72 taps = 147,456
    + 8 * 8 * 16 * (8 * 3 * 3)  # conv3 8->16 after the 2x2 pool: 1024 outputs x 72 taps = 73,728
    + 16 * 10  # fc 16->10: 160
)  # = 276,640
FLOAT_PARAMS = (
    8 * 3 * 3 * 3  # conv1 weight, no bias: 216
    + 2 * 8  # bn1 weight and bias: 16
    + 8 * 8 * 3 * 3  # conv2 weight, no bias: 576
    + 2 * 8  # bn2: 16
    + (16 * 8 * 3 * 3 + 16)  # conv3 weight and bias: 1,168
    + (16 * 10 + 10)  # fc weight and bias: 170
)  # = 2,162
# Fusing conv-bn-relu folds each batch norm into its conv: the BN's 2 x 8 parameters are gone and
# the conv gains an 8-element bias (conv1 and conv2 had none).
QUANTIZED_PARAMS = FLOAT_PARAMS - 2 * (2 * 8) + 2 * 8  # = 2,146


class SmallCNN(nn.Module):
    """conv-bn-relu, a residual conv-bn-relu added with FloatFunctional, max pool, conv-relu, linear."""

    def __init__(self) -> None:
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.relu2 = nn.ReLU()
        self.skip = FloatFunctional()
        self.pool = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(8, 16, 3, padding=1)
        self.relu3 = nn.ReLU()
        self.avg = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.quant(x)
        y = self.relu1(self.bn1(self.conv1(x)))
        y = self.skip.add(y, self.relu2(self.bn2(self.conv2(y))))
        y = self.relu3(self.conv3(self.pool(y)))
        return self.dequant(self.fc(torch.flatten(self.avg(y), 1)))


BACKENDS = [b for b in ("fbgemm", "qnnpack") if b in torch.backends.quantized.supported_engines]


@contextmanager
def _engine(backend: str) -> Iterator[None]:
    # packed weights run on the engine they were packed for
    before = torch.backends.quantized.engine
    torch.backends.quantized.engine = backend
    try:
        yield
    finally:
        torch.backends.quantized.engine = before


def _quantize(model: nn.Module, backend: str) -> nn.Module:
    torch.manual_seed(0)
    model.eval()
    model.qconfig = tq.get_default_qconfig(backend)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's deprecation notices
        tq.fuse_modules(model, [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"], ["conv3", "relu3"]], inplace=True)
        tq.prepare(model, inplace=True)
        with torch.no_grad():
            for _ in range(4):
                model(torch.randn(2, 3, 16, 16))
        tq.convert(model, inplace=True)
    return model


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    with _engine(request.param):
        yield request.param


@pytest.fixture(scope="module")
def qmodel(backend: str) -> nn.Module:
    return _quantize(SmallCNN(), backend)


@pytest.fixture(scope="module")
def qprofile(qmodel: nn.Module) -> archstats.Profile:
    return archstats.profile(qmodel, (3, 16, 16), device="cpu", record_ops=True)


@pytest.fixture(scope="module")
def fprofile() -> archstats.Profile:
    torch.manual_seed(0)
    return archstats.profile(SmallCNN().eval(), (3, 16, 16), device="cpu")


def test_quantized_model_is_complete_with_namespaced_ops(qprofile: archstats.Profile) -> None:
    assert qprofile.status == "complete" and qprofile.uncounted == {}
    assert qprofile.ops is not None
    ops = [o.op for o in qprofile.ops]
    assert ops == [
        "aten._local_scalar_dense",  # QuantStub's float(scale) and int(zero_point)
        "aten._local_scalar_dense",
        "aten.quantize_per_tensor",
        "quantized.conv2d_relu",  # conv1-bn1-relu1 fused
        "quantized.conv2d_relu",  # conv2-bn2-relu2 fused
        "quantized.add",  # skip.add
        "aten.quantized_max_pool2d",
        "quantized.conv2d_relu",  # conv3-relu3
        "aten._adaptive_avg_pool2d",
        "aten.view",  # flatten
        "quantized.linear",
        "aten.dequantize",
    ]


def test_macs_equal_the_float_models(qprofile: archstats.Profile, fprofile: archstats.Profile) -> None:
    assert MACS == 276_640
    assert qprofile.totals.macs == MACS
    assert fprofile.totals.macs == MACS
    by_layer = {r.module: r.macs for r in qprofile.records}
    assert by_layer["conv1"] == 55_296 and by_layer["conv2"] == 147_456
    assert by_layer["conv3"] == 73_728 and by_layer["fc"] == 160


def test_flops_follow_the_float_conventions(qprofile: archstats.Profile, fprofile: archstats.Profile) -> None:
    flops = {r.module: qprofile.flops_of(r) for r in qprofile.records}
    # fused conv-relu with the folded bias: 2 x MACs + one bias add + one relu per output element
    assert flops["conv1"] == 2 * 55_296 + 2048 + 2048
    assert flops["conv3"] == 2 * 73_728 + 1024 + 1024
    assert flops["pool"] == 512  # 8x8x8 outputs
    assert flops["fc"] == 2 * 160 + 10  # MACs and the bias adds
    # the float model's BN costs one FLOP per output, the folded bias one add per output: equal
    assert qprofile.totals.flops == fprofile.totals.flops
    # a fused kernel files each part under its float family: the fused ReLUs are activation FLOPs
    q, f = qprofile.counts_by_family(), fprofile.counts_by_family()
    assert set(q) == set(f) - {"norm"}
    for family in ("matmul", "activation", "elementwise", "pool"):
        assert q[family] == f[family], family
    assert f["activation"].extra_flops == 2048 + 2048 + 1024  # relu1, relu2, relu3
    assert q["conv"].macs == f["conv"].macs == MACS - 160
    assert f["norm"].extra_flops == 2 * 2048  # bn1 and bn2, one per output element of each
    assert q["conv"].extra_flops == f["conv"].extra_flops + f["norm"].extra_flops  # folded into conv biases
    assert qprofile.ops is not None
    add = next(o for o in qprofile.ops if o.op == "quantized.add")  # runs in the model's own row
    assert (add.family, add.macs, add.extra_flops) == ("elementwise", 0, 2048)  # one per output (8x16x16)
    conversions = [o for o in qprofile.ops if o.op in ("aten.quantize_per_tensor", "aten.dequantize")]
    assert [(o.family, o.macs, o.extra_flops) for o in conversions] == [("data", 0, 0)] * 2


def test_params_are_the_packed_weights(qprofile: archstats.Profile, fprofile: archstats.Profile) -> None:
    assert FLOAT_PARAMS == 2162 and QUANTIZED_PARAMS == 2146
    assert fprofile.totals.params == FLOAT_PARAMS
    assert qprofile.totals.params == QUANTIZED_PARAMS
    own = {r.module: r.params for r in qprofile.records if r.params}
    # counted once, in the layer that runs them (not in the quantized Linear's _packed_params child)
    assert own == {"conv1": 216 + 8, "conv2": 576 + 8, "conv3": 1152 + 16, "fc": 160 + 10}
    assert qprofile.totals.model_bytes_fp32 == 4 * QUANTIZED_PARAMS


def test_model_bytes_are_the_stored_bytes(qmodel: nn.Module, qprofile: archstats.Profile, backend: str) -> None:
    weight = qmodel.conv1.weight()
    # what torch keeps for a quantized weight: int8 elements, and per channel one float64 scale
    # and one int64 zero point per output channel (per tensor: one double and one int64)
    assert weight.dtype == torch.qint8 and weight.element_size() == 1
    stubs = 4 + 8  # QuantStub's buffers: scale (float32 [1]) and zero_point (int64 [1])
    if backend == "fbgemm":
        assert weight.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric)
        assert weight.q_per_channel_scales().dtype == torch.float64
        assert weight.q_per_channel_zero_points().dtype == torch.int64
        expected = (
            (216 + 8 * 16 + 8 * 4)  # conv1: int8 weight + 8 x (scale, zero point) + float32 bias = 376
            + (576 + 8 * 16 + 8 * 4)  # conv2: 736
            + (1152 + 16 * 16 + 16 * 4)  # conv3: 1,472
            + (160 + 10 * 16 + 10 * 4)  # fc, per output feature too: 360
            + stubs
        )  # = 2,956
        assert expected == 2956
    else:
        assert weight.qscheme() == torch.per_tensor_affine
        expected = (
            (216 + 16 + 8 * 4)  # conv1: int8 weight + one (float64, int64) pair + float32 bias = 264
            + (576 + 16 + 8 * 4)  # conv2: 624
            + (1152 + 16 + 16 * 4)  # conv3: 1,232
            + (160 + 16 + 10 * 4)  # fc: 216
            + stubs
        )  # = 2,348
        assert expected == 2348
    assert qprofile.totals.model_bytes == expected
    assert quantized.stored_bytes(qmodel) == expected


def test_float_model_bytes_count_buffers(fprofile: archstats.Profile) -> None:
    # fp32 parameters, and each batch norm's running mean and variance (8 floats each) and its
    # num_batches_tracked (one int64)
    assert fprofile.totals.model_bytes == 4 * FLOAT_PARAMS + 2 * (2 * 8 * 4 + 8)


def test_receptive_field_of_the_final_conv(qprofile: archstats.Profile, fprofile: archstats.Profile) -> None:
    # conv1 3x3: size 3, start -1; conv2: 5, start -2; the residual add is their (aligned) union;
    # pool 2/2: size 6, jump 2; conv3 3x3 padding 1 at jump 2: size 6 + 2 x 2 = 10, start -2 - 2 = -4
    cols = ["rf_size_h", "rf_size_w", "rf_jump_h", "rf_start_h", "rf_status"]
    for p in (qprofile, fprofile):
        row = p.layers.set_index("module").loc["conv3", cols]
        assert list(row) == [10, 10, 2, -4, "ok"]


def test_every_op_run_has_a_quantized_rule() -> None:
    ops = registered_ops()
    for name in ("quantized.conv2d", "quantized.conv2d_relu", "quantized.linear", "quantized.linear_relu"):
        assert ops[name].family in ("conv", "matmul")
    assert ops["quantized.conv2d"].rf == "window" and ops["quantized.linear"].rf == "mix"
    assert ops["quantized.add_relu"].rf == "merge" and ops["quantized.cat"].family == "data"
    assert ops["aten.quantize_per_tensor"].count is None and ops["aten.dequantize"].count is None


@pytest.mark.parametrize("backend_name", BACKENDS[:1])
def test_fused_linear_relu_and_add_relu(backend_name: str) -> None:
    class Head(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
            self.fc1, self.relu, self.fc2 = nn.Linear(12, 6), nn.ReLU(), nn.Linear(6, 6)
            self.skip = FloatFunctional()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = self.relu(self.fc1(self.quant(x)))
            return self.dequant(self.skip.add_relu(y, self.fc2(y)))

    with _engine(backend_name):
        model = Head().eval()
        model.qconfig = tq.get_default_qconfig(backend_name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tq.fuse_modules(model, [["fc1", "relu"]], inplace=True)
            tq.prepare(model, inplace=True)
            model(torch.randn(4, 12))
            tq.convert(model, inplace=True)
        p = archstats.profile(model, (1, 12), batch_size=4, device="cpu", record_ops=True)
    assert p.status == "complete"
    flops = {r.module: p.flops_of(r) for r in p.records}
    assert flops["fc1"] == 2 * (4 * 12 * 6) + 4 * 6 + 4 * 6  # linear_relu: MACs, bias adds, relu
    assert p.ops is not None
    add = next(o for o in p.ops if o.op == "quantized.add_relu")
    assert add.extra_flops == 2 * (4 * 6)  # the add and the relu per output element
    by_family = p.counts_by_family()
    assert by_family["activation"].extra_flops == 4 * 6 + 4 * 6  # fc1's fused relu, add_relu's relu
    assert by_family["elementwise"].extra_flops == 4 * 6  # add_relu's add
    assert by_family["matmul"].extra_flops == 4 * 6 + 4 * 6  # the two linears' bias adds
    assert p.totals.macs == 4 * 12 * 6 + 4 * 6 * 6 and p.totals.params == (12 * 6 + 6) + (6 * 6 + 6)


def test_dynamic_quantized_linear() -> None:
    with _engine(BACKENDS[0]):
        float_model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 8)).eval()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = tq.quantize_dynamic(float_model, {nn.Linear}, dtype=torch.qint8)
        p = archstats.profile(model, (1, 32), batch_size=2, device="cpu")
    assert p.status == "complete"
    assert p.totals.macs == 2 * 32 * 64 + 2 * 64 * 8  # = 5,120, as the float model's addmm
    assert p.totals.params == (32 * 64 + 64) + (64 * 8 + 8)  # = 2,632, the float model's
    # dynamic weights are quantized per tensor: int8 + (float64 scale, int64 zero point), fp32 bias
    assert p.totals.model_bytes == (32 * 64 + 16 + 64 * 4) + (64 * 8 + 16 + 8 * 4)


def test_meta_device_refused_in_one_line(qmodel: nn.Module) -> None:
    with pytest.raises(UsageError) as info:
        archstats.profile(qmodel, (3, 16, 16), device="meta")
    message = str(info.value)
    assert "\n" not in message
    assert "quantized" in message and "meta" in message and 'device="cpu"' in message
    assert "(layer quant: torch.ao.nn.quantized.Quantize)" in message  # the first quantized layer


def test_depth_counts_quantized_weight_layers(qprofile: archstats.Profile, fprofile: archstats.Profile) -> None:
    # conv1, conv2 (the residual add keeps the deeper path), conv3, fc: 4 weight layers
    assert fprofile.totals.depth == 4
    assert qprofile.totals.depth == 4

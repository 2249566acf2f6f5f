"""``archstats bench``: measured latency, per-layer timing and the roofline.

Measurements are benchmarks, not timed tests: nothing here asserts how fast anything runs. What is
asserted is the bookkeeping (statistics ordered, exclusive times partitioning the forward, the
join with the profile's counts, the lower bound for given roofs), that global torch state is put
back, and the command's outputs and exit codes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import torch
from click.testing import CliRunner
from torch import nn

from archstats.bench import BenchResult, Roofs, Stats, bench, interleaved, machine, measure_roofs
from archstats.cli import main
from archstats.errors import UsageError

ROOFS = Roofs(peak_flops=1e9, bandwidth=1e8)  # made-up roofs: the bound is arithmetic on them
FAST: dict[str, Any] = {"repeats": 3, "warmup": 1, "roofs": ROOFS}


def _mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))


@pytest.fixture(scope="module")
def mlp_result() -> BenchResult:
    torch.manual_seed(0)
    return bench(_mlp(), (16,), batch_size=2, **FAST)


def _ordered(s: Stats) -> None:
    assert s.min <= s.q1 <= s.median <= s.q3 <= s.max
    assert s.iqr >= 0 and len(s.samples) > 0


def test_stats_of_samples() -> None:
    s = Stats.of([3.0, 1.0, 2.0, 10.0])
    assert (s.min, s.median, s.max) == (1.0, 2.5, 10.0)
    _ordered(s)
    one = Stats.of([0.5])
    assert one.min == one.median == one.max == one.q1 == one.q3 == 0.5


def test_statistics_are_consistent(mlp_result: BenchResult) -> None:
    _ordered(mlp_result.whole)
    assert mlp_result.hooked is not None
    _ordered(mlp_result.hooked)
    assert len(mlp_result.whole.samples) == len(mlp_result.hooked.samples) == 3
    for layer in mlp_result.layers:
        assert layer.exclusive is not None and layer.inclusive is not None
        _ordered(layer.exclusive)
        _ordered(layer.inclusive)
    assert mlp_result.overhead == pytest.approx(mlp_result.hooked.median - mlp_result.whole.median)


def test_exclusive_times_partition_the_forward(mlp_result: BenchResult) -> None:
    layers = {(lay.module, lay.call): lay for lay in mlp_result.layers}
    assert list(layers) == [("(model)", 0), ("0", 0), ("1", 0), ("2", 0)]  # every leaf, by its path
    root = layers[("(model)", 0)].inclusive
    assert root is not None
    for i, total in enumerate(root.samples):  # in every timed forward
        own = sum(lay.exclusive.samples[i] for lay in mlp_result.layers if lay.exclusive is not None)
        assert own == pytest.approx(total, rel=1e-9, abs=1e-12)
    assert sum(mlp_result.share(lay) or 0 for lay in mlp_result.layers) == pytest.approx(1.0)


def test_join_and_lower_bound_by_hand() -> None:
    m, k, n = 3, 8, 5
    result = bench(nn.Linear(k, n), (k,), batch_size=m, **FAST)
    (row,) = [lay for lay in result.layers if lay.module == "(model)"]
    assert (row.type, row.family, row.call) == ("Linear", "matmul", 0)
    assert row.flops == 2 * m * k * n + m * n  # multiply-adds, then the bias adds
    assert row.read_bytes == 4 * (m * k + n * k + n)  # input, weight, bias, fp32
    assert row.written_bytes == 4 * m * n
    by_hand = max(row.flops / 1e9, (row.read_bytes + row.written_bytes) / 1e8)
    assert row.bound == pytest.approx(by_hand)
    assert result.lower_bound == pytest.approx(sum(lay.bound or 0 for lay in result.layers))
    assert result.lower_bound == pytest.approx(by_hand)
    assert row.time is not None and row.achieved == pytest.approx(row.flops / row.time)
    assert result.bound_ratio == pytest.approx(result.whole.median / by_hand)


def test_global_state_is_restored() -> None:
    model = _mlp()
    threads, rng = torch.get_num_threads(), torch.get_rng_state()
    grad = torch.is_grad_enabled()
    result = bench(model, (16,), threads=1, **FAST)
    assert result.settings.threads == 1 and result.machine["torch_threads"] == 1
    assert torch.get_num_threads() == threads
    assert torch.equal(torch.get_rng_state(), rng)
    assert torch.is_grad_enabled() == grad and not torch.is_inference_mode_enabled()


def test_the_users_model_is_unchanged() -> None:
    model = _mlp().train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    bench(model, (16,), **FAST)
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(not p.is_inference() for p in model.parameters())
    assert not torch.nn.modules.module._global_forward_hooks
    assert not torch.nn.modules.module._global_forward_pre_hooks
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


def test_whole_model_only() -> None:
    result = bench(_mlp(), (16,), per_layer=False, **FAST)
    assert result.hooked is None and result.overhead is None
    assert all(lay.exclusive is None for lay in result.layers) and not result.plotted
    assert result.lower_bound is not None and result.lower_bound > 0
    assert result.lower_bound == pytest.approx(sum(lay.bound or 0 for lay in result.layers))


@pytest.mark.parametrize(
    "options",
    [{"repeats": 0}, {"repeats": -1}, {"warmup": -1}, {"threads": 0}, {"device": "tpu"}, {"dtype": "int8"}],
)
def test_bad_options_are_usage_errors(options: dict) -> None:
    with pytest.raises(UsageError):
        bench(_mlp(), (16,), **({**FAST, **options}))


def test_interleaved_times_every_model_in_every_round() -> None:
    threads = torch.get_num_threads()
    timings = interleaved(["lenet5", "squeezenet1_1"], repeats=3, warmup=1, threads=1)
    assert list(timings) == ["lenet5", "squeezenet1_1"]
    assert all(len(s.samples) == 3 and s.min <= s.median <= s.max for s in timings.values())
    assert torch.get_num_threads() == threads


def test_measure_roofs_small() -> None:
    roofs = measure_roofs("float32", matmul_n=64, copy_bytes=2**20, repeats=2)
    assert roofs.peak_flops > 0 and roofs.bandwidth > 0
    assert (roofs.matmul_n, roofs.copy_bytes, roofs.dtype, roofs.statistic) == (64, 2**20, "float32", "best of 2")
    assert roofs.ridge == pytest.approx(roofs.peak_flops / roofs.bandwidth)


def test_machine_description() -> None:
    info = machine("cpu")
    assert info["cpu"] and info["logical_cores"] >= 1 and info["torch"]["version"] == torch.__version__
    assert info["torch_threads"] == torch.get_num_threads() and info["gpu"] is None


def test_roofline_figure(mlp_result: BenchResult) -> None:
    from archstats.plots import roofline_figure

    fig = roofline_figure(mlp_result)
    ax = fig.axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == len(mlp_result.plotted) == 3  # two Linears and the ReLU; the root has no FLOPs
    assert {"roof-bandwidth", "roof-compute"} <= {line.get_gid() for line in ax.get_lines()}
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "Sequential" in ax.get_title()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no GPU on this machine: the CUDA-event path cannot run")
def test_cuda_events_path() -> None:
    result = bench(_mlp(), (16,), device="cuda", **FAST)
    assert result.machine["gpu"] and result.settings.device == "cuda"
    _ordered(result.whole)


# --- the command ---------------------------------------------------------------------------------

CLI = ["bench", "lenet5", "--repeats", "2", "--warmup", "1", "--no-roofs"]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_formats() -> None:
    code, out, _ = _run(*CLI, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["settings"]["model"] == "lenet5" and data["roofs"] is None and data["layers"]
    code, out, _ = _run(*CLI, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and {"module", "time_median_s", "achieved_flops_per_s", "bound_s"} <= set(rows[0])
    code, out, _ = _run(*CLI, "--format", "md")
    assert code == 0 and out.startswith("## lenet5: measured latency") and "| Layer |" in out
    code, out, _ = _run(*CLI, "--threads", "1")
    assert code == 0 and "whole model, no hooks: median" in out and "1 thread;" in out


def test_cli_roofline_png(tmp_path: Path) -> None:
    target = tmp_path / "roofline.png"
    code, out, _ = _run("bench", "lenet5", "--repeats", "2", "--warmup", "1", "--roofline", str(target))
    assert code == 0, out
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "lower bound:" in out and "roofs (float32" in out


@pytest.mark.parametrize(
    "args, says",
    [
        ([*CLI, "--repeats", "0"], "--repeats"),
        (["bench", "no_such_model", "--repeats", "2"], "no_such_model"),
        ([*CLI, "--out", "/no/such/dir/out.json"], "--out"),
        ([*CLI, "--roofline", "plot.pdf"], "--roofline"),
        ([*CLI, "--roofline", "plot.png"], "--no-roofs"),
    ],
)
def test_cli_usage_errors(args: list[str], says: str) -> None:
    code, _, err = _run(*args)
    assert code == 2 and says in err and "Traceback" not in err


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present: --device cuda is valid here")
def test_cli_cuda_without_gpu() -> None:
    code, _, err = _run(*CLI, "--device", "cuda")
    assert code == 2 and "no GPU" in err and len(err.strip().splitlines()) == 1

"""The training step (README, "The training step"): the backward pass counted on meta under the
same mode, each op attributed to the layer call whose forward created the autograd node that ran
it. Expected MACs are worked out by hand; the zoo's totals are checked against FlopCounterMode's
backward count, predicted under its documented formulas."""

from __future__ import annotations

import pytest
import torch
from click.testing import CliRunner
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import archstats
import archstats_models as zoo
from archstats.cli import main
from archstats.crosscheck import backward_excess
from archstats.loading import building_on, default_input_size
from archstats.profile import _seeded_generators


def two_convs() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 16, 3, stride=2, padding=1))


def by_module(p: archstats.Profile) -> dict[str, tuple[int, int]]:
    return {r.module: (r.macs, p.backward_of(r).macs) for r in p.records}


def test_conv_backward_is_the_input_gradient_plus_the_weight_gradient() -> None:
    # batch 2, 3x8x8 -> conv 3->8 3x3 pad 1 -> 8x8x8 -> conv 8->16 3x3 stride 2 pad 1 -> 16x4x4
    p = archstats.profile(two_convs(), (3, 8, 8), batch_size=2, backward=True)
    first = 2 * 8 * 8 * 8 * 3 * 9  # forward MACs: outputs (N C_out H W) x C_in x kernel = 27,648
    second = 2 * 16 * 4 * 4 * 8 * 9  # 36,864
    rows = by_module(p)
    # the first layer's input is the model input, which needs no gradient: the weight gradient only
    assert rows["0"] == (first, first)
    # the second: its input's gradient (a transposed conv) and its weight's, each the forward's MACs
    assert rows["2"] == (second, 2 * second)
    assert rows["1"] == (0, 0)
    assert p.totals.backward_macs == first + 2 * second
    assert p.totals.step_macs == 2 * first + 3 * second


def test_conv_backward_flops_add_the_bias_gradient_and_the_relu_gradient() -> None:
    p = archstats.profile(two_convs(), (3, 8, 8), batch_size=2, backward=True)
    layers = p.layers.set_index("module")
    # bias gradient: a sum over grad_output, one per output element (per bias element) as every sum
    assert layers.loc["0", "backward_flops"] == 2 * 27_648 + 8
    assert layers.loc["2", "backward_flops"] == 2 * 2 * 36_864 + 16
    # ReLU's gradient: one per element of the 2x8x8x8 gradient it produces
    assert layers.loc["1", "backward_flops"] == 2 * 8 * 8 * 8


def test_linear_backward() -> None:
    # batch m=4: Linear(16 -> 32) then Linear(32 -> 10)
    model = nn.Sequential(nn.Linear(16, 32), nn.Linear(32, 10))
    p = archstats.profile(model, (16,), batch_size=4, backward=True)
    rows = by_module(p)
    assert rows["0"] == (4 * 16 * 32, 4 * 16 * 32)  # weight gradient: grad^T (32x4) @ x (4x16)
    assert rows["1"] == (4 * 32 * 10, 2 * 4 * 32 * 10)  # input gradient grad @ W, weight gradient
    layers = p.layers.set_index("module")
    # bias gradients: a sum over the batch, one per bias element
    assert layers.loc["1", "backward_flops"] == 2 * 2 * 4 * 32 * 10 + 10


def test_frozen_layer_gets_no_weight_gradient() -> None:
    model = two_convs()
    model[0].requires_grad_(False)
    p = archstats.profile(model, (3, 8, 8), batch_size=2, backward=True)
    rows = by_module(p)
    assert rows["0"][1] == 0  # neither its input nor its weights need a gradient
    # the second conv still computes its weight gradient, and no input gradient (nothing upstream learns)
    assert rows["2"][1] == 2 * 16 * 4 * 4 * 8 * 9


def test_nothing_requires_grad_is_said() -> None:
    model = two_convs().requires_grad_(False)
    p = archstats.profile(model, (3, 8, 8), backward=True)
    assert p.totals.backward_macs == 0
    assert any("no output requires grad" in n for n in p.notes)


class Gated(nn.Module):
    """Functional ops in a module's own forward: their backward belongs to this module."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.fc(x)) * x


def test_backward_ops_go_to_the_call_whose_forward_created_them() -> None:
    p = archstats.profile(nn.Sequential(nn.Linear(8, 8), Gated()), (8,), batch_size=3, backward=True)
    layers = p.layers.set_index("module")
    # fc's mm ops (input and weight gradients, 3x8x8 each) belong to fc, not to its parent
    assert layers.loc["1.fc", "backward_macs"] == 2 * 3 * 8 * 8
    # the parent's own ops: mul's backward (two muls of 3x8) and sigmoid's (3x8) elementwise
    assert layers.loc["1", "backward_macs"] == 0
    assert layers.loc["1", "backward_flops"] == 3 * 8 + 3 * 8 + 3 * 8
    # x feeds both fc and the product: its two gradients are summed (an add of 3x8) by autograd as
    # the second arrives, from fc's node; with fc's bias gradient (a sum, one per bias element)
    assert layers.loc["1.fc", "backward_flops"] == 2 * 2 * 3 * 8 * 8 + 8 + 3 * 8
    assert p.layers.backward_flops.sum() == p.totals.backward_flops
    assert "(autograd)" not in set(p.layers.module)


@pytest.mark.parametrize("name", ["resnet18", "googlenet", "mobilenet_v1", "squeezenet1_0"])
def test_per_layer_backward_sums_to_the_totals_and_step_is_forward_plus_backward(name: str) -> None:
    p = archstats.profile(name, backward=True)
    layers = p.layers
    t = p.totals
    assert layers.backward_macs.sum() == t.backward_macs
    assert layers.backward_flops.sum() == t.backward_flops
    assert (layers.step_macs == layers.macs + layers.backward_macs).all()
    assert t.step_flops == t.flops + t.backward_flops
    assert p.status == "complete" and p.training


def test_meta_and_cpu_count_the_same_backward() -> None:
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(128, 5)
    )
    meta = archstats.profile(model, (3, 8, 8), batch_size=2, backward=True, device="meta")
    cpu = archstats.profile(model, (3, 8, 8), batch_size=2, backward=True, device="cpu")
    cols = ["module", "backward_macs", "backward_flops"]
    assert meta.layers[cols].equals(cpu.layers[cols])
    assert meta.status == cpu.status == "complete"


def test_the_users_model_and_torch_state_are_untouched() -> None:
    model = two_convs()
    before = [t.clone() for t in model.parameters()]
    grad_mode = torch.is_grad_enabled()
    archstats.profile(model, (3, 8, 8), backward=True, device="cpu")
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert model.training and torch.is_grad_enabled() == grad_mode


def test_backward_in_eval_mode_when_asked() -> None:
    p = archstats.profile(
        nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)), (3, 6, 6), backward=True, training=False
    )
    assert not p.training and p.totals.backward_macs == 4 * 4 * 4 * 27  # weight gradient only


# --- FlopCounterMode -------------------------------------------------------------------------------


def flopcounter_backward(name: str) -> int:
    """FlopCounterMode's count of the same training step's backward pass, on meta, same seed."""
    with _seeded_generators(), building_on("meta"):
        model = zoo.get_model(name).train()
        x = torch.empty(1, *(default_input_size(name) or (3, 224, 224)), device="meta")
        y = model(x)
        outs = [t for t in (y if isinstance(y, (tuple, list)) else [y]) if t.requires_grad]
        with FlopCounterMode(display=False) as counter:
            torch.autograd.backward(outs, [torch.ones_like(t) for t in outs])
    return counter.get_total_flops()


@pytest.mark.parametrize("name", [info.name for info in zoo.list_models()])
def test_backward_matches_flopcountermode(name: str) -> None:
    # the paper convention counts FLOPs as FlopCounterMode does: 2 x the products' MACs only
    p = archstats.profile(name, backward=True, convention="paper", record_ops=True, device="meta")
    assert p.status == "complete"
    assert p.totals.backward_flops + backward_excess(p.ops or []) == flopcounter_backward(name)


def test_depthwise_weight_gradient_is_not_counted_groups_times() -> None:
    # depthwise 3x3 on 32 channels of 8x8: the weight gradient accumulates, for each of the 32 x 9
    # weights, one product per output position (64): 18,432 MACs, as the forward
    conv = nn.Sequential(nn.Conv2d(32, 32, 1), nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False))
    p = archstats.profile(conv, (32, 8, 8), backward=True, record_ops=True)
    assert by_module(p)["1"] == (32 * 9 * 64, 2 * 32 * 9 * 64)
    assert backward_excess(p.ops or []) == 2 * 31 * 32 * 9 * 64


# --- the command line -------------------------------------------------------------------------------


def test_cli_backward_columns_and_totals() -> None:
    result = CliRunner().invoke(main, ["profile", "resnet18", "--backward", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    t = data["totals"]
    assert data["backward"] and data["training"]
    assert t["step_macs"] == t["macs"] + t["backward_macs"]
    assert sum(row["backward_macs"] for row in data["layers"]) == t["backward_macs"]
    table = CliRunner().invoke(main, ["profile", "resnet18", "--backward", "--wide"], env={"COLUMNS": "200"})
    assert "Bwd MACs" in table.output and "training step (forward + backward)" in table.output


def test_cli_compare_backward_ratio_sentences() -> None:
    result = CliRunner().invoke(main, ["compare", "alexnet", "squeezenet1_0", "--backward", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "Step MACs" in result.output and "training-step MACs than alexnet" in result.output


class Attention(nn.Module):
    def __init__(self, **options: object) -> None:
        super().__init__()
        self.qkv = nn.Linear(16, 48)
        self.options = options

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).view(x.shape[0], x.shape[1], 3, 2, 8).permute(2, 0, 3, 1, 4)
        return nn.functional.scaled_dot_product_attention(q, k, v, **self.options)


@pytest.mark.parametrize("options", [{}, {"is_causal": True}, {"dropout_p": 0.1}], ids=["plain", "causal", "dropout"])
def test_attention_backward_fused_on_cpu_is_counted_as_meta_runs_it(options: dict) -> None:
    # on meta attention runs as its math path and so does its backward; on cpu both are fused kernels
    meta = archstats.profile(Attention(**options), (10, 16), batch_size=2, backward=True, device="meta")
    cpu = archstats.profile(Attention(**options), (10, 16), batch_size=2, backward=True, device="cpu")
    assert cpu.status == "complete"
    assert (meta.totals.backward_macs, meta.totals.backward_flops) == (
        cpu.totals.backward_macs,
        cpu.totals.backward_flops,
    )
    # 2 x 2 heads, 10 queries x 10 keys, head dim 8: four products of 400 x 8 in the attention's backward,
    # and the qkv projection's weight gradient (20 x 16 x 48; the input needs none)
    assert meta.totals.backward_macs == 4 * 400 * 8 + 20 * 16 * 48


def test_batch_norm_on_one_value_per_channel_says_what_to_do(tmp_path, monkeypatch) -> None:
    # a training step at batch 1 through a batch norm on a pooled 1x1 map: torch refuses, we say why
    (tmp_path / "pooled.py").write_text(
        "from torch import nn\n"
        "def make():\n"
        "    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.BatchNorm2d(4))\n"
    )
    monkeypatch.chdir(tmp_path)  # import paths are found in the current directory first
    runner = CliRunner()
    failed = runner.invoke(main, ["profile", "pooled:make", "--input", "3x8x8", "--backward"])
    assert failed.exit_code == 1
    assert "layer 2 (BatchNorm2d)" in failed.output and "--batch 2" in failed.output
    assert (
        runner.invoke(main, ["profile", "pooled:make", "--input", "3x8x8", "--backward", "--batch", "2"]).exit_code == 0
    )
    eval_mode = runner.invoke(main, ["profile", "pooled:make", "--input", "3x8x8", "--backward", "--eval"])
    assert eval_mode.exit_code == 0 and "eval mode" in eval_mode.output


# --- the training step's peak memory -------------------------------------------------------------
#
# Live bytes are followed through the backward pass as through the forward: an op's output is live
# until the last reference to it dies. Autograd allocates a node's gradients while its inputs (the
# incoming gradient) and its saved tensors are alive, then drops both; a weight's gradient stays
# (param.grad). Values below are float32 element counts, times 4.


def test_step_peak_of_one_linear_layer() -> None:
    # x 4x16 (the input: live throughout) and y 4x32 (the output, held by the caller) after the forward;
    # backward: the seed gradient of y (4x32), then addmm's weight gradient 32x16 and bias gradient 32
    p = archstats.profile(nn.Linear(16, 32), (16,), batch_size=4, backward=True)
    assert p.totals.peak_bytes == 4 * (64 + 128)
    assert p.totals.step_peak_bytes == 4 * (64 + 128 + 128 + 512 + 32) == 3456


def test_step_peak_of_a_two_layer_mlp() -> None:
    # forward: x 64; fc1's output h 128 and ReLU's output r 128 both live at the ReLU: 320 (h is then
    # dropped, r saved by ReLU and fc2); y 32
    # backward, fc2: seed 32, grad of r 128, weight gradient 8x32 = 256, bias 8: x + r + y + 424 = 648
    # ReLU: grad of h 128 (776), then r and the grad of r are dropped: 520
    # fc1: weight gradient 32x16 = 512 and bias 32, while the grad of h is alive: 1064
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 8))
    for device in ("meta", "cpu"):
        p = archstats.profile(model, (16,), batch_size=4, backward=True, device=device)
        assert p.totals.peak_bytes == 4 * 320
        assert (p.totals.step_peak_bytes, p.totals.step_peak_layer) == (4 * 1064, "0")


def test_step_peak_holds_every_weight_gradient_and_is_the_same_on_cpu() -> None:
    meta = archstats.profile("resnet18", backward=True)
    cpu = archstats.profile("resnet18", backward=True, device="cpu")
    assert meta.totals.step_peak_bytes == cpu.totals.step_peak_bytes
    # the peak is reached in layer3.0.conv1's backward, so every weight gradient from there to the
    # output is live (kept in param.grad): at least the parameters' bytes of layer3, layer4 and fc
    kept = sum(
        p.numel() for n, p in zoo.get_model("resnet18").named_parameters() if n.startswith(("layer3", "layer4", "fc"))
    )
    assert meta.totals.step_peak_layer == "layer3.0.conv1"
    assert meta.totals.step_peak_bytes >= max(meta.totals.peak_bytes, 4 * kept)
    assert archstats.profile("resnet18").totals.step_peak_bytes is None

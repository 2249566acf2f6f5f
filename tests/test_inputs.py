"""Any model a user brings: several inputs, token ids, keywords, data-dependent detectors, dtypes,
threads, import paths and input errors. Expected counts are written as arithmetic beside them."""

from __future__ import annotations

import threading

import pytest
import torch
from click.testing import CliRunner
from torch import nn

import archstats
from archstats.cli import main
from archstats.inputs import InputSpec, parse_specs

DEVICES = ["meta", "cpu"]


class TwoImages(nn.Module):
    """RAFT-like: two frames through one shared 3x3 conv (4 -> 2 channels), then added."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 3, padding=1, bias=False)

    def forward(self, image1: torch.Tensor, image2: torch.Tensor) -> torch.Tensor:
        return self.conv(image1) + self.conv(image2)


TWO_IMAGES_MACS = 2 * (8 * 8 * 2 * 3 * 9)  # two calls: 8x8 outputs x 2 channels x 3 inputs x 9 taps
TWO_IMAGES_FLOPS = 2 * TWO_IMAGES_MACS + 8 * 8 * 2  # and the add


class Tokens(nn.Module):
    """A token model: 100-word embedding of width 8, a 8 -> 4 linear layer; ``pixel_values`` optional."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(100, 8)
        self.head = nn.Linear(8, 4)

    def forward(self, ids: torch.Tensor, scale: float = 1.0) -> torch.Tensor:
        return self.head(self.embed(ids)) * scale


TOKENS_MACS = 16 * 8 * 4  # 16 tokens x 8 x 4
TOKENS_FLOPS = 2 * TOKENS_MACS + 16 * 4 + 16 * 4  # bias adds, the scale


class Keyword(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, *, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.conv(pixel_values)


# --------------------------------------------------------------------------- example inputs and specs


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(
    ("inputs", "specs"),
    [
        ((torch.randn(1, 3, 8, 8), torch.randn(1, 3, 8, 8)), ("3x8x8", "3x8x8")),
        ({"image1": torch.randn(1, 3, 8, 8), "image2": torch.randn(1, 3, 8, 8)}, ("image1=3x8x8", "image2=3x8x8")),
        (((torch.randn(1, 3, 8, 8),), {"image2": torch.randn(1, 3, 8, 8)}), ("3x8x8", "image2=3x8x8")),
    ],
    ids=["tuple", "dict", "args-kwargs"],
)
def test_example_inputs_of_every_form(inputs: object, specs: tuple[str, ...], device: str) -> None:
    p = archstats.profile(TwoImages(), inputs=inputs, device=device)
    assert (p.totals.macs, p.totals.flops) == (TWO_IMAGES_MACS, TWO_IMAGES_FLOPS)
    assert p.inputs == specs
    assert p.status == "complete" and p.device == device


@pytest.mark.parametrize("device", DEVICES)
def test_token_ids_and_passed_through_values(device: str) -> None:
    ids = torch.randint(0, 100, (1, 16))
    p = archstats.profile(Tokens(), inputs=((ids,), {"scale": 0.5}), device=device)
    assert (p.totals.macs, p.totals.flops) == (TOKENS_MACS, TOKENS_FLOPS)
    by_spec = archstats.profile(Tokens(), "int64:16", device=device)
    assert (by_spec.totals.macs, by_spec.totals.flops) == (TOKENS_MACS, TOKENS_FLOPS)
    assert by_spec.inputs == ("int64:16",) and by_spec.dtype == "float32"


def test_specs_parse() -> None:
    assert parse_specs("3x224x224") == (InputSpec((3, 224, 224)),)
    assert parse_specs("224") == (InputSpec((3, 224, 224)),)  # a bare resolution is a square RGB image
    assert parse_specs("ids=int64:128") == (InputSpec((128,), torch.int64, "ids"),)
    assert parse_specs("3x8x8;3x8x8") == (InputSpec((3, 8, 8)), InputSpec((3, 8, 8)))
    assert parse_specs(["3x8x8", "pixel_values=bf16:3x8x8"])[1] == InputSpec((3, 8, 8), torch.bfloat16, "pixel_values")
    assert str(InputSpec((128,), torch.int64, "ids")) == "ids=int64:128"


@pytest.mark.parametrize("bad", ["x=int99:4", "1x=3x8", "3x0x8", "int64:"])
def test_malformed_specs_are_usage_errors(bad: str) -> None:
    with pytest.raises(archstats.UsageError, match="malformed input"):
        parse_specs(bad)


def test_cli_takes_several_inputs_keywords_and_dtypes(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "user_nets.py").write_text(_USER_NETS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # import paths resolve from the current directory, as python -m does
    runner = CliRunner()
    two = runner.invoke(
        main, ["profile", "user_nets:TwoImages", "--input", "3x8x8", "--input", "3x8x8", "--format", "json"]
    )
    assert two.exit_code == 0, two.output
    assert f'"macs": {TWO_IMAGES_MACS}' in two.output
    kw = runner.invoke(main, ["profile", "user_nets:Keyword", "--input", "pixel_values=3x4x4", "--batch", "2"])
    assert kw.exit_code == 0, kw.output
    tokens = runner.invoke(main, ["compare", "user_nets:Tokens", "user_nets:Tokens", "--input", "int64:16"])
    assert tokens.exit_code == 0, tokens.output


_USER_NETS = """
import torch
from torch import nn


class TwoImages(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 3, padding=1, bias=False)

    def forward(self, image1, image2):
        return self.conv(image1) + self.conv(image2)


class Keyword(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, *, pixel_values):
        return self.conv(pixel_values)


class Tokens(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 8)
        self.head = nn.Linear(8, 4)

    def forward(self, ids):
        return self.head(self.embed(ids))
"""


def test_a_missing_import_names_the_path_and_pythonpath(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["profile", "not_here_at_all:make"])
    assert result.exit_code == 2
    assert "not_here_at_all" in result.output and str(tmp_path) in result.output and "PYTHONPATH" in result.output


# --------------------------------------------------------------------------- input errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "3x224"], "input 3x224 does not fit in layer features.0"),
        (["--input", "1x227x227"], "input 1x227x227 does not fit"),
        (["--input", "99999999999999999999x2x2"], "more than a tensor can hold"),
        (["--batch", "99999999999999999999"], "more than a tensor can hold"),
    ],
)
def test_input_errors_are_exit_2_naming_the_input(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["profile", "alexnet", *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0].replace("\n", " ")


# --------------------------------------------------------------------------- data-dependent models


class TinyDetector(nn.Module):
    """A conv head scoring 4 anchors per position of an 8x8 map, a score threshold, ``nonzero``,
    ``topk`` and a greedy NMS-like loop over the kept boxes (Python branches on values)."""

    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Conv2d(3, 4, 3, padding=1)  # 4 anchor scores per position

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = self.head(x).sigmoid().flatten()
        keep = torch.nonzero(scores > 0.5).flatten()
        kept = scores[keep]
        top = kept.topk(min(5, int(kept.numel())))[0] if kept.numel() else kept
        chosen = []
        for s in top:  # greedy suppression: each kept score removes the ones close to it
            if all(abs(float(s) - c) > 0.01 for c in chosen):
                chosen.append(float(s))
        return torch.tensor(chosen)


HEAD_MACS = 8 * 8 * 4 * 3 * 9  # the fixed part: 8x8 positions x 4 outputs x 3 inputs x 9 taps
HEAD_FLOPS = 2 * HEAD_MACS + 8 * 8 * 4 + 8 * 8 * 4 + 8 * 8 * 4  # bias, sigmoid, the threshold comparison


def test_a_detector_reruns_on_cpu_and_says_so() -> None:
    detector = TinyDetector()
    p = archstats.profile(detector, (3, 8, 8))
    assert p.device == "cpu"
    assert p.notes and "ran on cpu: aten.nonzero" in p.notes[0] and "seeded random input" in p.notes[0]
    assert "aten.nonzero" in p.data_dependent["(model)"]
    head = p.layers[p.layers["module"] == "head"].iloc[0]
    assert (head["macs"], head["flops"]) == (HEAD_MACS, 2 * HEAD_MACS + 8 * 8 * 4)
    assert p.totals.macs == HEAD_MACS  # nothing after the head multiplies
    assert p.totals.flops >= HEAD_FLOPS  # the value-dependent tail adds what the random scores keep
    again = archstats.profile(detector, (3, 8, 8))
    assert again.totals == p.totals  # the random input is seeded (the weights are the model's own)


def test_a_detector_on_meta_is_an_error_that_suggests_cpu() -> None:
    with pytest.raises(archstats.ModelRunError, match=r"at aten\.nonzero.*device='cpu'"):
        archstats.profile(TinyDetector(), (3, 8, 8), device="meta")
    result = CliRunner().invoke(
        main, ["profile", "tests.test_inputs:TinyDetector", "--input", "3x8x8", "--device", "meta"]
    )
    assert result.exit_code == 1 and "--device cpu" in result.output


# --------------------------------------------------------------------------- dtypes


def test_inputs_follow_the_model_dtype_and_dtype_casts_both() -> None:
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU()).to(torch.float64)
    p = archstats.profile(model, (3, 8, 8), device="cpu")
    assert p.dtype == "float64"
    assert p.totals.activation_bytes == 2 * (4 * 6 * 6) * 8  # conv and relu outputs, 8 bytes each
    half = archstats.profile(model, (3, 8, 8), dtype="float16")
    assert half.dtype == "float16" and half.totals.activation_bytes == 2 * (4 * 6 * 6) * 2
    assert half.totals.model_bytes == (4 * 3 * 9 + 4) * 2  # weights and bias stored in fp16


def test_the_default_dtype_never_leaks() -> None:
    reference = archstats.profile("lenet5")
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        leaked = archstats.profile("lenet5")
        on_cpu = archstats.profile("lenet5", device="cpu")
    finally:
        torch.set_default_dtype(old)
    assert leaked.totals == reference.totals
    assert (
        on_cpu.totals.macs == reference.totals.macs
        and on_cpu.totals.activation_bytes == reference.totals.activation_bytes
    )
    assert torch.get_default_dtype() == old


# --------------------------------------------------------------------------- threads


@pytest.mark.parametrize("device", DEVICES)
def test_concurrent_calls_give_the_serial_results(device: str) -> None:
    names = ["resnet18", "squeezenet1_0", "mobilenet_v1", "densenet121"]
    serial = {n: archstats.profile(n, device=device) for n in names}
    results: dict[tuple[int, str], archstats.Profile] = {}
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in names[worker:] + names[:worker]:
                results[(worker, n)] = archstats.profile(n, device=device)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for (_, n), p in results.items():
        assert p.totals == serial[n].totals
        assert p.layers.equals(serial[n].layers)


def test_budget_inputs_take_the_same_specs(tmp_path) -> None:
    from archstats.budgets import load_budgets

    path = tmp_path / "budgets.toml"
    path.write_text(
        '[budgets.two]\nmodel = "tests.test_inputs:TwoImages"\ninput = ["3x8x8", "image2=3x8x8"]\nmax_macs = "2K"\n',
        encoding="utf-8",
    )
    (budget,) = load_budgets(path)
    assert budget.input_size == (InputSpec((3, 8, 8)), InputSpec((3, 8, 8), None, "image2"))
    p = archstats.profile(budget.model, budget.input_size)
    assert p.totals.macs == TWO_IMAGES_MACS and p.inputs == ("3x8x8", "image2=3x8x8")


def _reads_values_while_built() -> nn.Module:
    """Like torchvision's RegNet, whose builder computes widths from tensor values."""
    widths = torch.arange(4, 8).float()
    return nn.Conv2d(3, int(widths.sum().item()) // 11, 3)  # 22 // 11 = 2 output channels


def test_a_builder_that_reads_values_falls_back_to_cpu() -> None:
    p = archstats.profile(f"{__name__}:_reads_values_while_built", (3, 8, 8))
    assert p.device == "cpu" and "building the model" in p.notes[0]
    assert p.totals.macs == 6 * 6 * 2 * 3 * 9  # 6x6 outputs x 2 channels x 3 inputs x 9 taps

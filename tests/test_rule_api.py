"""The public rule API: rules for ops of any namespace, per-call overrides, true op names.

The ops here are defined in the test with ``torch.library`` under a namespace of its own, as a
user's fused kernel would be; every expected count is written beside its arithmetic.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest
import torch
from torch import nn

import archstats
from archstats import Rule

NS = "archstats_test"


@torch.library.custom_op(f"{NS}::fused_linear", mutates_args=())
def fused_linear(x: torch.Tensor, weight: torch.Tensor, scale: float = 2.0) -> torch.Tensor:
    return (x @ weight.t()) * scale


@fused_linear.register_fake
def _(x: torch.Tensor, weight: torch.Tensor, scale: float = 2.0) -> torch.Tensor:
    return x.new_empty((*x.shape[:-1], weight.shape[0]))


# Same op name as aten.add, another namespace: must be neither shown nor counted as aten.add.
@torch.library.custom_op(f"{NS}::add", mutates_args=())
def custom_add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


@custom_add.register_fake
def _(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.empty_like(x)


@torch.library.custom_op(f"{NS}::broken", mutates_args=())
def broken(x: torch.Tensor) -> torch.Tensor:
    raise RuntimeError("the kernel refuses")


@broken.register_fake
def _(x: torch.Tensor) -> torch.Tensor:
    raise RuntimeError("the kernel refuses")


class FusedHead(nn.Module):
    """A 3x5 weight used through the custom op on a (1, 4, 5) input: out (1, 4, 3)."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(3, 5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return fused_linear(x, self.weight)


class Doubler(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return custom_add(x, x)


class Broken(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return broken(x)


FUSED_MACS = 4 * 5 * 3  # rows x in_features x out_features
FUSED_EXTRA = 4 * 3  # the scale: one multiply per output element


def fused_linear_rule(x: torch.Size, weight: torch.Size, scale: float, out_shape: torch.Size, **_: object):
    rows = 1
    for d in x[:-1]:
        rows *= d
    return rows * x[-1] * weight[0], (out_shape[-2] * out_shape[-1]) if scale != 1 else 0


@pytest.fixture
def registered() -> Iterator[Rule]:
    spec = Rule("matmul", fused_linear_rule, rf="mix")
    archstats.register_rule(f"{NS}::fused_linear", spec)
    yield spec
    archstats.unregister_rule(f"{NS}::fused_linear")


@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_an_op_without_a_rule_is_listed_with_its_namespace(device: str) -> None:
    p = archstats.profile(FusedHead(), (4, 5), device=device)
    assert p.status == "partial"
    assert p.uncounted == {f"{NS}.fused_linear": 1}
    assert p.totals.macs == 0
    with pytest.raises(archstats.UncountedOpsError, match=rf"{NS}\.fused_linear in \(model\)"):
        archstats.profile(FusedHead(), (4, 5), device=device, strict=True)


@pytest.mark.parametrize("device", ["meta", "cpu"])
def test_a_registered_rule_counts_a_user_op(registered: Rule, device: str) -> None:
    p = archstats.profile(FusedHead(), (4, 5), device=device, strict=True)
    assert p.status == "complete"
    assert (p.totals.macs, p.totals.flops) == (FUSED_MACS, 2 * FUSED_MACS + FUSED_EXTRA)
    assert p.macs_by_family() == {"matmul": FUSED_MACS}
    assert archstats.registered_ops()[f"{NS}.fused_linear"] is registered


def test_rules_receive_schema_names_with_defaults_filled_in() -> None:
    seen: dict[str, object] = {}

    def spy(out_shape: torch.Size, **named: object) -> tuple[int, int]:
        seen.update(named, out_shape=out_shape)
        return 0, 0

    archstats.profile(FusedHead(), (4, 5), rules={f"{NS}::fused_linear": Rule("matmul", spy, rf="mix")})
    # the op's schema is (x, weight, scale=2.0); the model passes two arguments positionally
    assert seen == {"x": torch.Size([1, 4, 5]), "weight": torch.Size([3, 5]), "scale": 2.0, "out_shape": (1, 4, 3)}


def test_per_call_rules_leave_the_registry_alone() -> None:
    spec = Rule("matmul", fused_linear_rule, rf="mix")
    p = archstats.profile(FusedHead(), (4, 5), rules={torch.ops.archstats_test.fused_linear: spec})
    assert (p.status, p.totals.macs) == ("complete", FUSED_MACS)
    assert f"{NS}.fused_linear" not in archstats.registered_ops()
    assert archstats.profile(FusedHead(), (4, 5)).status == "partial"


def test_per_call_rules_override_a_registered_one() -> None:
    conv = nn.Sequential(nn.Conv2d(2, 3, 3), nn.Conv2d(3, 1, 1))
    normal = archstats.profile(conv, (2, 8, 8))
    # 6x6 output x 3 channels x 2 inputs x 9 taps, then 6x6 x 1 x 3 x 1
    assert normal.totals.macs == 6 * 6 * 3 * 2 * 9 + 6 * 6 * 1 * 3
    seven = Rule("conv", lambda **_: (7, 0), rf="window", window=lambda **_: ((1, 1), (1, 1), (0, 0), (1, 1)))
    assert archstats.profile(conv, (2, 8, 8), rules={"aten::convolution": seven}).totals.macs == 2 * 7
    assert archstats.profile(conv, (2, 8, 8)).totals.macs == normal.totals.macs


def test_same_name_in_another_namespace_is_not_aten() -> None:
    p = archstats.profile(Doubler(), (2, 4, 4))
    assert p.uncounted == {f"{NS}.add": 1}
    assert p.totals.flops == 0  # aten.add's rule (one FLOP per element) does not apply


def test_duplicates_and_unknown_ops_are_refused(registered: Rule) -> None:
    with pytest.raises(ValueError, match=rf"{NS}\.fused_linear already has a counting rule"):
        archstats.register_rule(f"{NS}::fused_linear", registered)
    with pytest.raises(ValueError, match=r"aten\.convolution already has a counting rule"):
        archstats.register_rule("aten::convolution", Rule("conv", lambda **_: (0, 0), rf="mix"))
    with pytest.raises(ValueError, match="no op archstats_test::nope is loaded"):
        archstats.register_rule(f"{NS}::nope", registered)
    with pytest.raises(TypeError, match="archstats Rule"):
        archstats.register_rule(f"{NS}::add", fused_linear_rule)  # type: ignore[arg-type]


def test_bad_per_call_rules_are_usage_errors() -> None:
    with pytest.raises(archstats.UsageError, match="rules: no op archstats_test::nope"):
        archstats.profile(FusedHead(), (4, 5), rules={f"{NS}::nope": Rule("matmul")})
    with pytest.raises(archstats.UsageError, match="must be an archstats Rule"):
        archstats.profile(FusedHead(), (4, 5), rules={f"{NS}::fused_linear": fused_linear_rule})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"family": "tensor-core"}, "unknown family 'tensor-core'"),
        ({"family": "conv", "rf": "sideways"}, "unknown receptive-field kind 'sideways'"),
        ({"family": "conv", "rf": "window"}, "a window rule needs a window function"),
    ],
)
def test_rule_checks_its_fields(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Rule(**kwargs)


def test_a_failing_user_op_is_named_with_its_namespace() -> None:
    with pytest.raises(archstats.ModelRunError, match=rf"at {NS}\.broken: RuntimeError: the kernel refuses"):
        archstats.profile(Broken(), (2, 4, 4))


def test_a_rule_that_raises_names_the_op() -> None:
    def bad(**_: object) -> tuple[int, int]:
        raise ZeroDivisionError("oops")

    with pytest.raises(archstats.ModelRunError, match=rf"at {NS}\.fused_linear: ZeroDivisionError"):
        archstats.profile(FusedHead(), (4, 5), rules={f"{NS}::fused_linear": Rule("matmul", bad, rf="mix")})


def test_torchvision_ops_have_rules_before_torchvision_is_loaded() -> None:
    ops = archstats.registered_ops()
    assert ops["torchvision.nms"].family == "data" and ops["torchvision.nms"].count is None
    align = ops["torchvision.roi_align"]
    # one per output element: 5 boxes x 8 channels x a 7 x 7 grid
    assert align.count(input=torch.Size([1, 8, 32, 32]), out_shape=torch.Size([5, 8, 7, 7])) == (0, 5 * 8 * 7 * 7)


@pytest.mark.skipif(importlib.util.find_spec("torchvision") is not None, reason="torchvision defines the real op")
def test_a_torchvision_op_is_counted_by_its_name() -> None:
    """torchvision's schema for roi_align, defined here as torchvision would define it."""
    lib = torch.library.Library("torchvision", "FRAGMENT")
    lib.define(
        "roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width, "
        "int sampling_ratio, bool aligned) -> Tensor"
    )

    def roi_align(input, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned):
        return input.new_empty((rois.shape[0], input.shape[1], pooled_height, pooled_width))

    lib.impl("roi_align", roi_align, "Meta")

    class Pooler(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            rois = torch.zeros(3, 5, device=x.device)
            return torch.ops.torchvision.roi_align(x, rois, 1.0, 7, 7, 2, True)

    p = archstats.profile(Pooler(), (4, 16, 16), strict=True)
    assert p.uncounted == {}
    assert p.flops_by_family() == {"pool": 3 * 4 * 7 * 7}  # 3 boxes x 4 channels x 7 x 7 bins

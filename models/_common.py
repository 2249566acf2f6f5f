"""Helpers shared by the model families."""

from __future__ import annotations

from torch import nn


def is_meta(module: nn.Module) -> bool:
    """True when the module was built on the meta device: weight initialisation is skipped there."""
    return any(p.is_meta for p in module.parameters())


def init_conv_bn_linear(model: nn.Module, *, linear_std: float | None = 0.01) -> None:
    """The usual ImageNet initialisation (Kaiming-normal convs, unit BN, small linear), skipped on meta
    so that building on meta costs no initialisation work."""
    if is_meta(model):
        return
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)) and m.weight is not None:  # affine=False has none
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            if linear_std is not None:
                nn.init.normal_(m.weight, 0, linear_std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)

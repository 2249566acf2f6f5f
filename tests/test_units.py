"""The one number formatter."""

from __future__ import annotations

import pytest

from archstats.units import human


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (61_100_840, "count", "61.1M"),  # torchvision AlexNet params
        (1_248_424, "count", "1.25M"),
        (138_357_544, "count", "138M"),  # VGG16: stays in M, not 0.14G
        (999, "count", "999"),
        (724_406_816, "macs", "0.72 GMACs"),  # 0.1 G and up is quoted in G
        (4_089_184_256, "flops", "4.09 GFLOPs"),
        (20_000_000, "macs", "20.0 MMACs"),
        (42, "macs", "42 MACs"),
        (int(58.2 * 1024**2), "bytes", "58.2 MiB"),
        (1023, "bytes", "1023 B"),
        (1024, "bytes", "1.00 KiB"),
        (3 * 1024**3, "bytes", "3.00 GiB"),
        (60_965_224 / 1_248_424, "ratio", "48.8x"),
        (1.1312, "ratio", "1.13x"),
        (None, "count", "-"),
        (float("nan"), "bytes", "-"),
    ],
)
def test_human(value: float, kind: str, expected: str) -> None:
    assert human(value, kind) == expected

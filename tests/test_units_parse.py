"""``units.parse_quantity``: the inverse of the formatter, for budgets."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archstats.errors import UsageError
from archstats.units import QuantityError, human, parse_quantity


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("1.3M", "count", 1_300_000),
        ("850K", "count", 850_000),
        ("61,100,840", "count", 61_100_840),
        ("61_100_840", "count", 61_100_840),
        ("1B", "count", 1_000_000_000),
        ("850M", "macs", 850_000_000),
        ("0.9G", "macs", 900_000_000),
        ("850 MMACs", "macs", 850_000_000),
        ("0.72 GMACs", "macs", 720_000_000),
        ("42 MACs", "macs", 42),
        ("1.2 GFLOPs", "flops", 1_200_000_000),
        ("1.2G", "flops", 1_200_000_000),
        ("4.5 MiB", "bytes", 4_718_592),
        ("0.5MB", "bytes", 500_000),
        ("512KiB", "bytes", 524_288),
        ("2 GB", "bytes", 2_000_000_000),
        ("1023 B", "bytes", 1023),
        ("4096", "bytes", 4096),
        (1234, "count", 1234),
        (2.6, "count", 3),
        ("1e6", "count", 1_000_000),
    ],
)
def test_parse_examples(text, kind, expected):
    assert parse_quantity(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "kind", "fragment"),
    [
        ("850 MFLOPs", "macs", "unit 'MFLOPs'"),
        ("1.2 GMACs", "flops", "unit 'GMACs'"),
        ("4.5 MiB", "count", "unit 'MiB'"),
        ("5M", "bytes", "unit 'M'"),
        ("lots", "count", "'lots'"),
        ("", "count", "''"),
        ([1, 2], "count", "got list"),
        (True, "count", "got bool"),
        (float("inf"), "bytes", "finite"),
    ],
)
def test_parse_errors_are_one_clear_line(text, kind, fragment):
    with pytest.raises(QuantityError) as info:
        parse_quantity(text, kind)
    assert isinstance(info.value, UsageError) and isinstance(info.value, ValueError)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown quantity kind"):
        parse_quantity("1M", "watts")


_SCALES = {
    "": 1,
    "K": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "KiB": 1024,
    "MiB": 1024**2,
    "GiB": 1024**3,
    "TiB": 1024**4,
    "B": 1,
}


def _rounding_bound(text: str) -> float:
    """Half a unit in the last printed digit: the formatter keeps 3 significant digits (2 below 1.0
    for compute, e.g. 0.72 G), so '61.1M' can be up to 0.05M away and '0.72 GMACs' 0.005G."""
    m = re.match(r"^-?(\d+)(?:\.(\d+))?\s*([KMGT]i?B|[KMGT]|B)?", text)
    assert m, text
    decimals = len(m.group(2) or "")
    scale = _SCALES[m.group(3) or ""]
    if scale == 1:
        return 0  # plain integers are printed exactly
    return 0.5 * 10**-decimals * scale * (1 + 1e-9) + 1  # +1: the parser rounds to an integer


@pytest.mark.parametrize("kind", ["count", "macs", "flops", "bytes"])
@given(value=st.integers(min_value=0, max_value=10**15))
def test_round_trip_within_formatter_rounding(kind, value):
    text = human(value, kind)
    parsed = parse_quantity(text, kind)
    assert abs(parsed - value) <= _rounding_bound(text), (value, text, parsed)


@pytest.mark.parametrize("kind", ["count", "macs", "flops", "bytes"])
@given(value=st.integers(min_value=-(10**15), max_value=10**15))
def test_plain_integers_are_exact(kind, value):
    assert parse_quantity(value, kind) == value
    assert parse_quantity(str(value), kind) == value
    assert parse_quantity(f"{value:,}", kind) == value


@given(value=st.integers(min_value=0, max_value=99))
def test_small_values_round_trip_exactly(value):
    # below the first prefix the formatter prints the integer itself (compute steps down at 100)
    for kind in ("count", "macs", "flops", "bytes"):
        assert parse_quantity(human(value, kind), kind) == value

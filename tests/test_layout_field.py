"""Receptive fields through layout changes: space-to-depth by views, pixel (un)shuffle, roll,
windows folded into the batch, and ops whose movement of positions is not modelled.

Expected fields come from the measured gradient support of real CPU layers (the machinery of
``test_receptive_field.py``: positive weights, all-ones input, the support of one output position's
gradient), and from arithmetic written beside each assertion, never from archstats' output. Where a
layout cannot be described by one (size, jump, start), the field must be ``flattened`` or
``unknown``: never a wrong number passed off as ``ok``.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from test_receptive_field import _field, _support, check_real_support, measured_output, positive_copy
from torch import nn

import archstats

NOT_A_FIELD = ("flattened", "unknown")


def _rows(p: archstats.Profile):
    return p.layers.set_index("module")


def _record(p: archstats.Profile, module: str):
    return next(r for r in p.records if (r.module or "(model)") == module and r.call == 0)


def _spans(model: nn.Module, input_size, module: str) -> dict[tuple[int, int], tuple[list[int], list[int]]]:
    """Measured support (rows, columns) of every output position of ``module`` (batch 0, all channels)."""
    emp = positive_copy(model)
    x, y = measured_output(emp, emp.get_submodule(module), input_size)
    found = {}
    for i in range(y.shape[-2]):
        for j in range(y.shape[-1]):
            (g,) = torch.autograd.grad(y[0, :, i, j].sum(), x, retain_graph=True)
            found[(i, j)] = _support(g)
    return found


# --------------------------------------------------------------------------- space-to-depth by views


class SpaceToDepth(nn.Module):
    """TResNet's stem: (N, C, H, W) -> (N, C*b*b, H/b, W/b), channel = (row offset, column offset, c)."""

    def __init__(self, b: int, order: str = "tresnet") -> None:
        super().__init__()
        self.b, self.order = b, order

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        b = self.b
        x = x.view(n, c, h // b, b, w // b, b)
        if self.order == "tresnet":
            x = x.permute(0, 3, 5, 1, 2, 4).contiguous()
        else:  # the same fold with the channel as the outer index (einops' "c (h b1) (w b2)")
            x = x.permute(0, 1, 3, 5, 2, 4).reshape(n, c, b, b, h // b, w // b)
        return x.reshape(n, c * b * b, h // b, w // b)


class DepthToSpace(nn.Module):
    """The inverse of TResNet's fold."""

    def __init__(self, b: int) -> None:
        super().__init__()
        self.b = b

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, cbb, h, w = x.shape
        b = self.b
        x = x.view(n, b, b, cbb // (b * b), h, w).permute(0, 3, 4, 1, 5, 2)
        return x.reshape(n, cbb // (b * b), h * b, w * b)


@pytest.mark.parametrize("b", [2, 4])
@pytest.mark.parametrize("order", ["tresnet", "channel-outer"])
def test_space_to_depth_on_the_input(b: int, order: str) -> None:
    model = nn.Sequential(SpaceToDepth(b, order), nn.Conv2d(2 * b * b, 3, 3, padding=1))
    p = check_real_support(model, (2, 16, 16), exact=True)
    rows = _rows(p)
    # the fold: output i reads the block [b*i, b*i + b - 1]: kernel b, stride b
    assert _field(rows.loc["0"]) == ((b, b), (b, b), (0, 0))
    # conv 3x3 pad 1 on it: size b + 2*b, jump b, start -1*b
    assert _field(rows.loc["1"]) == ((3 * b, 3 * b), (b, b), (-b, -b))
    assert (rows["rf_status"] == "ok").all()


@pytest.mark.parametrize("b", [2, 4])
def test_space_to_depth_after_a_conv(b: int) -> None:
    model = nn.Sequential(
        nn.Conv2d(2, 2, 3, padding=1), SpaceToDepth(b), nn.ReLU(), nn.Conv2d(2 * b * b, 3, 3, padding=1)
    )
    p = check_real_support(model, (2, 16, 16), exact=True)
    rows = _rows(p)
    # stem 3 @ -1 (jump 1); fold: 3 + (b-1)*1, jump b, start -1; conv: + 2*b, start -1 - b
    assert _field(rows.loc["1"]) == ((b + 2, b + 2), (b, b), (-1, -1))
    assert _field(rows.loc["3"]) == ((3 * b + 2, 3 * b + 2), (b, b), (-1 - b, -1 - b))
    assert (rows["rf_status"] == "ok").all()


def test_fold_and_unfold_back_is_the_original_field() -> None:
    model = nn.Sequential(
        nn.Conv2d(2, 2, 3, padding=1), SpaceToDepth(2), nn.ReLU(), DepthToSpace(2), nn.Conv2d(2, 3, 3, padding=1)
    )
    p = check_real_support(model, (2, 12, 16), exact=True)
    rows = _rows(p)
    # the fold and its inverse cancel: stem 3 @ -1, then conv 3x3: 5 @ -2, jump 1
    assert _field(rows.loc["3"]) == ((3, 3), (1, 1), (-1, -1))
    assert _field(rows.loc["4"]) == ((5, 5), (1, 1), (-2, -2))
    assert (rows["rf_status"] == "ok").all()


class _FlatRoundTrip(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        return torch.relu(x.view(n, c, h * w)).view(n, c, h, w)


def test_reshape_back_to_the_spatial_shape_restores_the_field() -> None:
    model = nn.Sequential(nn.Conv2d(2, 2, 3, stride=2, padding=1), _FlatRoundTrip(), nn.Conv2d(2, 2, 3))
    p = check_real_support(model, (2, 13, 11), exact=True)
    rows = _rows(p)
    # stem 3 @ -1, jump 2; the round trip changes nothing; conv 3x3 pad 0: 3 + 2*2 = 7 @ -1
    assert _field(rows.loc["1"]) == ((3, 3), (2, 2), (-1, -1))
    assert _field(rows.loc["2"]) == ((7, 7), (2, 2), (-1, -1))
    assert (rows["rf_status"] == "ok").all()


class _FoldThenSlice(nn.Module):
    """Space-to-depth by 2, then the first C channels only: the (0, 0) offset of every block."""

    def __init__(self) -> None:
        super().__init__()
        self.fold = SpaceToDepth(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fold(x)[:, : x.shape[1]]


def test_slicing_the_channels_of_a_fold_keeps_only_their_offsets() -> None:
    model = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _FoldThenSlice(), nn.Conv2d(2, 2, 3, padding=1))
    p = check_real_support(model, (2, 12, 12), exact=True)
    rows = _rows(p)
    # one offset per block: stem 3 @ -1 with jump 2 (not the block's 4); conv: 3 + 2*2 = 7 @ -3
    assert _field(rows.loc["1"]) == ((3, 3), (2, 2), (-1, -1))
    assert _field(rows.loc["2"]) == ((7, 7), (2, 2), (-3, -3))


class _Im2col(nn.Module):
    """Sliding 3x3 windows with stride 2 by Tensor.unfold, folded into channels."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c = x.shape[:2]
        x = x.unfold(2, 3, 2).unfold(3, 3, 2)  # (N, C, H', W', 3, 3)
        h, w = x.shape[2:4]
        return x.permute(0, 1, 4, 5, 2, 3).reshape(n, c * 9, h, w)


def test_unfold_windows_folded_into_channels_are_a_window() -> None:
    model = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _Im2col(), nn.Conv2d(18, 2, 1))
    p = check_real_support(model, (2, 11, 13), exact=True)
    # stem 3 @ -1; windows of 3 with step 2: 3 + 2*1 = 5, jump 2, start -1
    assert _field(_rows(p).loc["2"]) == ((5, 5), (2, 2), (-1, -1))


class _Scrambled(nn.Module):
    """view(N, 4C, H/2, W/2) without a permute: each new row mixes input rows H/4 apart."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        return x.view(n, 4 * c, h // 2, w // 2)


def test_scrambling_view_has_no_field() -> None:
    model = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _Scrambled(), nn.Conv2d(8, 2, 3, padding=1))
    p = archstats.profile(model, (2, 16, 16))
    rows = _rows(p)
    assert rows.loc["1", "rf_status"] in NOT_A_FIELD
    assert rows.loc["2", "rf_status"] in NOT_A_FIELD
    # measured: channel 4c + q of the view holds rows 4q.. of channel c, so output (0, 0) reads the
    # stem's rows 0, 4, 8, 12: input rows 0-1, 3-5, 7-9, 11-13, four windows 4 rows apart
    rows_read, _ = _spans(model, (2, 16, 16), "1")[(0, 0)]
    assert {0, 1, 3, 4, 5, 7, 8, 9, 11, 12, 13} <= set(rows_read)
    assert 6 not in rows_read


class _SwapAxes(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.transpose(2, 3)


def test_swapping_rows_and_columns_of_a_square_map_is_not_the_same_field() -> None:
    """Stride 2 along rows, 4 along columns: a 4x4 map whose rows and columns have different
    fields. Swapping them keeps the shape but not the field of either axis."""
    stem = nn.Conv2d(2, 2, (3, 1), stride=(2, 4), padding=(1, 0))
    model = nn.Sequential(stem, _SwapAxes(), nn.Conv2d(2, 2, 3, padding=1))
    p = check_real_support(model, (2, 8, 16), exact=True)
    rows = _rows(p)
    assert _field(rows.loc["0"]) == ((3, 1), (2, 4), (-1, 0))
    assert rows.loc["1", "rf_status"] in NOT_A_FIELD
    assert rows.loc["2", "rf_status"] in NOT_A_FIELD
    # measured: output (1, 0) after the swap is the stem's (0, 1): input rows 0-1 (clipped), column 4
    rows_read, cols_read = _spans(model, (2, 8, 16), "1")[(1, 0)]
    assert (rows_read, cols_read) == ([0, 1], [4])


class _ShuffleFold(nn.Module):
    """Space-to-depth, a channel shuffle that moves offsets between channels, and depth-to-space:
    rows of the result mix row and column offsets."""

    def __init__(self) -> None:
        super().__init__()
        self.fold, self.unfold = SpaceToDepth(2), DepthToSpace(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.unfold(F.channel_shuffle(self.fold(x), 2))


def test_channel_shuffle_between_fold_and_unfold_is_not_the_original_field() -> None:
    model = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _ShuffleFold(), nn.Conv2d(2, 2, 3, padding=1))
    p = check_real_support(model, (2, 8, 8), exact=True)
    rows = _rows(p)
    assert rows.loc["1", "rf_status"] in NOT_A_FIELD
    assert rows.loc["2", "rf_status"] in NOT_A_FIELD
    # measured: output (0, 1) of the shuffled round trip holds the stem's position (1, 0), not (0, 1)
    rows_read, cols_read = _spans(model, (2, 8, 8), "1")[(0, 1)]
    assert (rows_read, cols_read) == ([0, 1, 2], [0, 1])


# --------------------------------------------------------------------------- random views: never wrong


@st.composite
def _factorings(draw, size: int) -> list[int]:
    factors = []
    while size > 1:
        f = draw(st.sampled_from([d for d in (2, 4, 8) if size % d == 0]))
        factors.append(f)
        size //= f
    return factors


def _dims(draw) -> tuple[tuple[int, int, int], list[list[int]]]:
    c, h, w = draw(st.sampled_from([2, 4])), draw(st.sampled_from([4, 8])), draw(st.sampled_from([4, 8]))
    return (c, h, w), [draw(_factorings(d)) for d in (c, h, w)]


@st.composite
def _scrambles(draw):
    """Any permutation of all factors, cut anywhere into four dims (mostly not a field)."""
    size, factors = _dims(draw)
    count = sum(len(f) for f in factors)
    order = draw(st.permutations(range(count)))
    cuts = sorted(draw(st.lists(st.integers(0, count), min_size=3, max_size=3)))
    return size, factors, list(order), cuts


@st.composite
def _folds(draw):
    """One factor of the rows and one of the columns kept last (in that order), every other factor
    in channels or the batch, in any order: space-to-depth and its relatives, interleaved or not."""
    size, factors = _dims(draw)
    first_h, first_w = len(factors[0]), len(factors[0]) + len(factors[1])
    count = first_w + len(factors[2])
    th = draw(st.integers(first_h, first_w - 1))
    tw = draw(st.integers(first_w, count - 1))
    rest = draw(st.permutations([i for i in range(count) if i not in (th, tw)]))
    batch = draw(st.integers(0, len(rest)))
    return size, factors, [*rest, th, tw], [batch, len(rest), len(rest) + 1]


# (C, H, W), the factors of each dim, a permutation of all factors, and where the permuted factors
# are cut into four dims (batch, channels, rows, columns)
transforms = st.one_of(_scrambles(), _folds())


class _Regroup(nn.Module):
    def __init__(self, factors: list[list[int]], order: list[int], cuts: list[int]) -> None:
        super().__init__()
        self.factors, self.order, self.cuts = factors, order, cuts

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = [f for fs in self.factors for f in fs]
        x = x.reshape(*flat).permute(*self.order)
        sizes = [x.shape[k] for k in range(x.dim())]
        bounds = [0, *self.cuts, len(sizes)]
        shape = [int(torch.tensor(sizes[a:b], dtype=torch.int64).prod()) for a, b in zip(bounds, bounds[1:])]
        return x.reshape(shape)


def _positions_affine(regroup: _Regroup, c: int, h: int, w: int) -> bool:
    """Whether the regrouped tensor has a field, from the positions it holds (independently of
    archstats): along rows, position = f(channel) + step * row, the same for every batch index
    and column; along columns likewise."""
    ph = torch.arange(h, dtype=torch.float64).view(1, 1, h, 1).expand(1, c, h, w)
    pw = torch.arange(w, dtype=torch.float64).view(1, 1, 1, w).expand(1, c, h, w)
    qh, qw = regroup(ph), regroup(pw)
    for q, axis, other in ((qh, 2, 3), (qw, 3, 2)):
        if not torch.equal(q, q[:1].expand_as(q)) or not torch.equal(q, q.narrow(other, 0, 1).expand_as(q)):
            return False
        if q.shape[axis] > 1:
            step = q.narrow(axis, 1, 1) - q.narrow(axis, 0, 1)
            index = torch.arange(q.shape[axis], dtype=torch.float64)
            index = index.view([-1 if d == axis else 1 for d in range(4)])
            if not (step == step.flatten()[0]).all() or step.flatten()[0] <= 0:
                return False
            if not torch.equal(q, q.narrow(axis, 0, 1) + step * index):
                return False
    return True


@settings(max_examples=40, deadline=None)
@given(transforms)
def test_random_regroupings_are_exact_or_not_a_field(case) -> None:
    """Views and permutes of a conv output, regrouped to four dims, then a conv: a row reported ok
    has exactly the measured support (no padding anywhere, so nothing is clipped), and a row has a
    field exactly when the positions it holds are affine per axis."""
    (c, h, w), factors, order, cuts = case
    regroup = _Regroup(factors, order, cuts)
    out = regroup(torch.zeros(c, h, w)).shape
    kernel = (min(2, out[2]), min(2, out[3]))
    model = nn.Sequential(nn.Conv2d(c, c, 3), regroup, nn.Conv2d(out[1], 2, kernel))
    # the stem sees (C, H+2, W+2); without padding, every predicted position is a real one
    p = check_real_support(model, (c, h + 2, w + 2), exact=True, require_checked=False)
    rows = _rows(p)
    affine = _positions_affine(regroup, c, h, w)
    assert (rows.loc["1", "rf_status"] == "ok") == affine, (out, rows.loc["1", "rf_status"])
    assert rows.loc["1", "rf_status"] in ("ok", *NOT_A_FIELD)
    assert rows.loc["2", "rf_status"] in ("ok", *NOT_A_FIELD)


# --------------------------------------------------------------------------- pixel (un)shuffle


class _Unshuffle(nn.Module):
    def __init__(self, r: int) -> None:
        super().__init__()
        self.r = r

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pixel_unshuffle(x, self.r)


class _Shuffle(nn.Module):
    def __init__(self, r: int) -> None:
        super().__init__()
        self.r = r

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pixel_shuffle(x, self.r)


@pytest.mark.parametrize("r", [2, 3])
def test_pixel_unshuffle_is_a_window(r: int) -> None:
    model = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _Unshuffle(r), nn.Conv2d(2 * r * r, 2, 3, padding=1))
    p = check_real_support(model, (2, 4 * r, 5 * r), exact=True)
    rows = _rows(p)
    # stem 3 @ -1; r x r blocks: 3 + (r-1), jump r; conv 3x3 pad 1: + 2*r, start -1 - r
    assert _field(rows.loc["1"]) == ((r + 2, r + 2), (r, r), (-1, -1))
    assert _field(rows.loc["2"]) == ((3 * r + 2, 3 * r + 2), (r, r), (-1 - r, -1 - r))
    assert (rows["rf_status"] == "ok").all()


@pytest.mark.parametrize("r", [2, 3])
def test_pixel_shuffle_bounds_every_position(r: int) -> None:
    """Output i of pixel_shuffle reads input floor(i / r): no single field is exact, so the reported
    one (misaligned) must contain every output's measured support and be reached by some."""
    model = nn.Sequential(nn.Conv2d(2, 2 * r * r, 3, padding=1), _Shuffle(r), nn.Conv2d(2, 2, 3, padding=1))
    size = (2, 7, 6)
    p = archstats.profile(model, size)
    rows = p.layers.set_index("module")
    for name in ("1", "2"):
        row = rows.loc[name]
        assert row["rf_status"] == "misaligned"
        assert row["rf_jump_h"] == pytest.approx(1 / r)  # the stem's jump 1 over r
        lows, highs = set(), set()
        for (i, j), (rr, cc) in _spans(model, size, name).items():
            for idx, support, axis, n_in in ((i, rr, "h", size[1]), (j, cc, "w", size[2])):
                lo = row[f"rf_start_{axis}"] + idx * row[f"rf_jump_{axis}"]
                hi = lo + row[f"rf_size_{axis}"] - 1
                assert lo - 1e-9 <= support[0] and support[-1] <= hi + 1e-9, (name, idx, axis, support, lo, hi)
                if lo >= 0 and hi <= n_in - 1:  # unclipped: is the bound reached?
                    lows.add(support[0] - lo < 1)
                    highs.add(hi - support[-1] < 1)
        assert True in lows and True in highs, name


def test_unshuffle_then_shuffle_is_exact_again() -> None:
    model = nn.Sequential(
        nn.Conv2d(2, 2, 3, padding=1), _Unshuffle(2), nn.ReLU(), _Shuffle(2), nn.Conv2d(2, 2, 3, padding=1)
    )
    p = check_real_support(model, (2, 8, 10), exact=True)
    rows = _rows(p)
    # the shuffle undoes the fold: stem 3 @ -1, conv 5 @ -2, jump 1, exact
    assert _field(rows.loc["3"]) == ((3, 3), (1, 1), (-1, -1))
    assert _field(rows.loc["4"]) == ((5, 5), (1, 1), (-2, -2))
    assert (rows["rf_status"] == "ok").all()


# --------------------------------------------------------------------------- roll


class _Roll(nn.Module):
    def __init__(self, shifts, dims) -> None:
        super().__init__()
        self.shifts, self.dims = shifts, dims

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.roll(x, self.shifts, self.dims)


@pytest.mark.parametrize(("shifts", "dims"), [(1, 2), ((1, -2), (2, 3)), (3, None)])
def test_roll_along_a_spatial_axis_is_unknown(shifts, dims) -> None:
    model = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _Roll(shifts, dims), nn.Conv2d(2, 2, 3, padding=1))
    p = archstats.profile(model, (2, 8, 8))
    rows = _rows(p)
    assert rows.loc["1", "rf_status"] == "unknown"
    assert rows.loc["2", "rf_status"] == "unknown"
    assert "roll" in _record(p, "1").field.note
    # measured: output row 0 after rolling by one along the rows reads the last input rows, wrapped
    if dims == 2:
        rows_read, _ = _spans(model, (2, 8, 8), "1")[(0, 0)]
        assert rows_read == [6, 7]


@pytest.mark.parametrize(("shifts", "dims"), [(1, 1), ((1, 8), (1, 2))])
def test_roll_of_channels_or_by_a_whole_turn_keeps_the_field(shifts, dims) -> None:
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), _Roll(shifts, dims), nn.Conv2d(3, 2, 3, padding=1))
    p = check_real_support(model, (2, 8, 9), exact=True)
    # stem 3 @ -1, conv 5 @ -2: the roll moves channels (or rows by the full height, 8) only
    assert _field(_rows(p).loc["2"]) == ((5, 5), (1, 1), (-2, -2))


# --------------------------------------------------------------------------- windows folded into the batch (Swin)


def window_partition(x: torch.Tensor, ws: int) -> torch.Tensor:
    """Swin's (B, H, W, C) -> (B * windows, ws, ws, C)."""
    b, h, w, c = x.shape
    x = x.view(b, h // ws, ws, w // ws, ws, c)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, c)


def window_reverse(windows: torch.Tensor, ws: int, h: int, w: int) -> torch.Tensor:
    b = windows.shape[0] // ((h // ws) * (w // ws))
    x = windows.view(b, h // ws, w // ws, ws, ws, -1)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(b, h, w, -1)


class _Partition(nn.Module):
    def __init__(self, ws: int, shift: int) -> None:
        super().__init__()
        self.ws, self.shift = ws, shift

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 2, 3, 1)  # channels last, as Swin's tokens
        if self.shift:
            x = torch.roll(x, (-self.shift, -self.shift), (1, 2))
        return window_partition(x, self.ws)


class _Reverse(nn.Module):
    def __init__(self, ws: int, shift: int, h: int, w: int) -> None:
        super().__init__()
        self.ws, self.shift, self.h, self.w = ws, shift, h, w

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        x = window_reverse(windows, self.ws, self.h, self.w)
        if self.shift:
            x = torch.roll(x, (self.shift, self.shift), (1, 2))
        return x


class _ConvInWindows(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        return self.conv(windows.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


class SwinLike(nn.Module):
    """stem conv -> channels last -> windows (optionally shifted) -> a per-window op -> windows
    back -> residual with the channels-last stem output -> channels first -> conv."""

    def __init__(self, inner: str, shift: int = 0, h: int = 8, w: int = 12, ws: int = 4) -> None:
        super().__init__()
        self.stem = nn.Conv2d(2, 3, 3, padding=1)
        self.partition = _Partition(ws, shift)
        self.inner = nn.Sigmoid() if inner == "pointwise" else _ConvInWindows(3)
        self.reverse = _Reverse(ws, shift, h, w)
        self.head = nn.Conv2d(3, 2, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.stem(x)
        tokens = y.permute(0, 2, 3, 1)
        z = tokens + self.reverse(self.inner(self.partition(y)))
        return self.head(z.permute(0, 3, 1, 2))


def test_window_partition_and_reverse_restore_the_field() -> None:
    model = SwinLike("pointwise")
    p = check_real_support(model, (2, 8, 12), exact=True)
    rows = _rows(p)
    # windows in the batch dim, then channels last: no (size, jump, start) describes them
    assert rows.loc["partition", "rf_status"] in NOT_A_FIELD
    assert rows.loc["inner", "rf_status"] in NOT_A_FIELD
    assert rows.loc["reverse", "rf_status"] in NOT_A_FIELD
    # back in place: the stem's 3 @ -1 (both paths), then the head: 5 @ -2
    assert _field(rows.loc["head"]) == ((5, 5), (1, 1), (-2, -2))
    assert rows.loc["head", "rf_status"] == "ok"


@pytest.mark.parametrize(("inner", "shift"), [("conv", 0), ("pointwise", 2)])
def test_window_ops_not_modelled_are_not_a_field(inner: str, shift: int) -> None:
    """A conv inside each window (padding at every window border) or a shifted window (a roll)
    has no single field: it must not come back ok."""
    model = SwinLike(inner, shift)
    p = check_real_support(model, (2, 8, 12), exact=True, require_checked=False)
    rows = _rows(p)
    for name in ("partition", "inner", "reverse", "head"):
        assert rows.loc[name, "rf_status"] in NOT_A_FIELD, name
    if shift:
        assert rows.loc["head", "rf_status"] == "unknown"


# --------------------------------------------------------------------------- ops that move positions by values


class _Gather(nn.Module):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.conv = nn.Conv2d(2, 2, 3, padding=1)
        self.register_buffer("idx", torch.tensor([3, 0, 1, 2]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        if self.kind == "index":
            return y[:, :, self.idx]
        if self.kind == "gather":
            return torch.gather(y, 3, self.idx.view(1, 1, 1, 4).expand(1, 2, 4, 4))
        return torch.flip(y, (2,))


@pytest.mark.parametrize("kind", ["index", "gather", "flip"])
def test_index_gather_flip_on_a_spatial_tensor_are_unknown(kind: str) -> None:
    p = archstats.profile(_Gather(kind), (2, 4, 4))
    assert _rows(p).loc["(model)", "rf_status"] == "unknown"
    note = _record(p, "(model)").field.note
    assert {"index": "aten.index", "gather": "aten.gather", "flip": "aten.flip"}[kind] in note


class _Cumsum(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cumsum(x, self.dim)


def test_cumsum_along_a_spatial_axis_is_unknown_along_channels_kept() -> None:
    # along rows, output row i sums rows 0..i: neither one sliding field nor the whole input
    p = archstats.profile(nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _Cumsum(2)), (2, 6, 6))
    assert _rows(p).loc["1", "rf_status"] == "unknown"
    rows_read, _ = _spans(nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _Cumsum(2)), (2, 6, 6), "1")[(3, 0)]
    assert rows_read == [0, 1, 2, 3, 4]
    # along channels, positions stay: stem 3 @ -1, then conv 5 @ -2
    model = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _Cumsum(1), nn.Conv2d(2, 2, 3, padding=1))
    p = check_real_support(model, (2, 6, 7), exact=True)
    assert _field(_rows(p).loc["2"]) == ((5, 5), (1, 1), (-2, -2))


class _IndexPooled(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.register_buffer("idx", torch.tensor([3, 0]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x).mean((2, 3))[:, self.idx]


def test_index_of_a_global_tensor_stays_global() -> None:
    p = archstats.profile(_IndexPooled(), (2, 6, 6))
    assert _rows(p).loc["(model)", "rf_status"] == "global"


def test_positions_helper_matches_the_hand_count() -> None:
    """The measurement helper itself: a 3x3 conv (pad 1) at output (0, 0) and (2, 3) of an 8x8 input."""
    spans = _spans(nn.Sequential(nn.Conv2d(1, 1, 3, padding=1)), (1, 8, 8), "0")
    assert spans[(0, 0)] == ([0, 1], [0, 1])
    assert spans[(2, 3)] == ([1, 2, 3], [2, 3, 4])

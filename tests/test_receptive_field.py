"""Receptive fields checked against the empirical support of input gradients.

The reference never uses archstats' recurrences: a CPU copy of the network gets positive
constant conv weights (1 / fan_in) and zero biases, max pooling becomes average pooling (same
kernel, stride, padding, ceil_mode; a dilated max pool becomes a dilated all-ones depthwise conv),
the input is all ones, and backpropagating 1 from one output position gives a gradient that is
nonzero exactly on the input positions that output depends on (every path has a positive weight,
so nothing cancels).

Two comparisons are made:

* on the real input, the support must lie inside the predicted interval clipped to the image,
  and (for the hand-built nets, where every layer has dilation 1, kernel >= stride and no rows
  dropped by rounding) it must span exactly the clipped interval;
* for sequential stacks, the "theoretical" field (the one that counts padding positions) is
  measured exactly on an unpadded copy run on a large canvas: the input is embedded at an offset
  M and every layer runs with padding 0, so positions that were padding are real canvas positions.
  Output i of the padded net is output i + delta_L of the canvas net, with
  delta_{l-1} = p_l + s_l * delta_l (taking delta_L = 0) and M = delta_0; its support, shifted by
  -M, must span exactly [start + i*jump, start + i*jump + size - 1].
"""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import archstats

# --------------------------------------------------------------------------- empirical machinery


class _PoolSupport(nn.Module):
    """Same support as a (possibly dilated, possibly ceil_mode) max pool: an all-ones depthwise
    conv on the zero-padded input, with extra zeros on the bottom/right so it yields at least as
    many positions as the pool, cropped to the pool's output size."""

    def __init__(self, pool: nn.MaxPool2d) -> None:
        super().__init__()
        self.pool = copy.deepcopy(pool)
        pair = nn.modules.utils._pair
        self.k, self.s, self.p, self.d = (pair(v) for v in (pool.kernel_size, pool.stride, pool.padding, pool.dilation))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            oh, ow = self.pool(torch.zeros(x.shape, dtype=x.dtype)).shape[-2:]
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = self.k, self.s, self.p, self.d
        eh = max(0, (oh - 1) * sh + dh * (kh - 1) + 1 - (x.shape[-2] + 2 * ph))
        ew = max(0, (ow - 1) * sw + dw * (kw - 1) + 1 - (x.shape[-1] + 2 * pw))
        xp = F.pad(x, (pw, pw + ew, ph, ph + eh))
        c = x.shape[1]
        w = torch.ones(c, 1, kh, kw, dtype=x.dtype)
        y = F.conv2d(xp, w, stride=(sh, sw), dilation=(dh, dw), groups=c)
        return y[..., :oh, :ow]


def _set_parent(model: nn.Module, name: str, new: nn.Module) -> None:
    parent_name, _, attr = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, attr, new)


def positive_copy(model: nn.Module) -> nn.Module:
    emp = copy.deepcopy(model).double().eval()
    for name, m in list(emp.named_modules()):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            with torch.no_grad():
                fan_in = m.weight[0].numel()
                m.weight.fill_(1.0 / fan_in)
                if m.bias is not None:
                    m.bias.zero_()
        elif isinstance(m, nn.MaxPool2d):
            dil = nn.modules.utils._pair(m.dilation)
            if dil == (1, 1):
                new = nn.AvgPool2d(m.kernel_size, m.stride, m.padding, ceil_mode=m.ceil_mode)
            else:
                new = _PoolSupport(m)
            _set_parent(emp, name, new)
    return emp


def _support(grad: torch.Tensor) -> tuple[list[int], list[int]]:
    g = grad.abs().sum(dim=(0, 1))  # (H, W)
    rows = torch.nonzero(g.sum(dim=1)).flatten().tolist()
    cols = torch.nonzero(g.sum(dim=0)).flatten().tolist()
    return rows, cols


def _positions(n: int) -> list[int]:
    return sorted({0, n // 2, n - 1})


def _field(row) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    size = (int(row["rf_size_h"]), int(row["rf_size_w"]))
    jump = (int(row["rf_jump_h"]), int(row["rf_jump_w"]))
    start = (int(row["rf_start_h"]), int(row["rf_start_w"]))
    assert jump == (row["rf_jump_h"], row["rf_jump_w"]), "integer jumps expected here"
    return size, jump, start


def measured_output(emp: nn.Module, module: nn.Module, input_size) -> tuple[torch.Tensor, torch.Tensor]:
    """A float64 all-ones input that needs its gradient, and ``module``'s output for it in ``emp``."""
    outs: list[torch.Tensor] = []
    handle = module.register_forward_hook(lambda m, a, o: outs.append(o))
    x = torch.ones(1, *input_size, dtype=torch.float64, requires_grad=True)
    try:
        emp(x)
    finally:
        handle.remove()
    return x, outs[0]


def check_real_support(
    model: nn.Module, input_size, *, exact, only=None, require_checked: bool = True
) -> archstats.Profile:
    """Every ok/misaligned row: empirical support inside the clipped predicted interval (and equal
    to it when ``exact``, a bool or a predicate of (i, j, output shape)), at edge and interior
    output positions."""
    p = archstats.profile(model, input_size)
    emp = positive_copy(model)
    modules = dict(emp.named_modules())
    h_in, w_in = input_size[1:]
    checked = 0
    for _, row in p.layers.iterrows():
        if row["call"] != 0 or row["rf_status"] not in ("ok", "misaligned"):
            continue
        name = "" if row["module"] == "(model)" else row["module"]
        if only is not None and row["module"] not in only:
            continue
        size, jump, start = _field(row)
        x, y = measured_output(emp, modules[name], input_size)
        assert "x".join(map(str, y.shape)) == row["output_shape"]
        for i in _positions(y.shape[-2]):
            for j in _positions(y.shape[-1]):
                (g,) = torch.autograd.grad(y[0, :, i, j].sum(), x, retain_graph=True)
                rows, cols = _support(g)
                for axis, (idx, support, n_in) in enumerate(((i, rows, h_in), (j, cols, w_in))):
                    lo = start[axis] + idx * jump[axis]
                    hi = lo + size[axis] - 1
                    clo, chi = max(lo, 0), min(hi, n_in - 1)
                    where = f"{row['module']} output ({i},{j}) axis {'hw'[axis]}: predicted [{lo},{hi}]"
                    assert all(clo <= r <= chi for r in support), f"{where}, support {support}"
                    if exact is True or (callable(exact) and exact(i, j, tuple(y.shape))):
                        assert support, f"{where}, empty support"
                        assert (support[0], support[-1]) == (clo, chi), f"{where}, support {support}"
                checked += 1
    assert checked > 0 or not require_checked
    return p


# --------------------------------------------------------------------------- random sequential stacks


def _pair_draw(draw, lo: int, hi: int) -> tuple[int, int]:
    return draw(st.integers(lo, hi)), draw(st.integers(lo, hi))


@st.composite
def stacks(draw):
    h, w = _pair_draw(draw, 12, 36)
    c = 2
    specs = []
    cur = (c, h, w)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "conv", "max", "avg"]))
        if kind == "conv":
            spec = dict(
                kind="conv",
                k=_pair_draw(draw, 1, 5),
                s=_pair_draw(draw, 1, 3),
                p=_pair_draw(draw, 0, 3),
                d=_pair_draw(draw, 1, 3),
                cout=draw(st.integers(1, 3)),
                relu=draw(st.booleans()),
            )
        else:
            k = _pair_draw(draw, 1, 4)
            spec = dict(
                kind=kind,
                k=k,
                s=_pair_draw(draw, 1, 3),
                p=(draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2))),
                d=_pair_draw(draw, 1, 2) if kind == "max" else (1, 1),
                ceil=draw(st.booleans()),
            )
        layer = _make_layer(spec, cur[0], device="meta")
        try:
            out = layer(torch.empty(1, *cur, device="meta")).shape
        except RuntimeError:
            break
        if min(out[-2:]) < 1:
            break
        specs.append(spec)
        cur = tuple(out[1:])
    if not specs:  # a 1x1 conv always fits
        specs.append(dict(kind="conv", k=(1, 1), s=(1, 1), p=(0, 0), d=(1, 1), cout=2, relu=False))
    return (c, h, w), specs


def _make_layer(spec: dict, c_in: int, device: str = "cpu") -> nn.Module:
    if spec["kind"] == "conv":
        return nn.Conv2d(
            c_in, spec["cout"], spec["k"], stride=spec["s"], padding=spec["p"], dilation=spec["d"], device=device
        )
    if spec["kind"] == "max":
        return nn.MaxPool2d(spec["k"], spec["s"], spec["p"], dilation=spec["d"], ceil_mode=spec["ceil"])
    return nn.AvgPool2d(spec["k"], spec["s"], spec["p"], ceil_mode=spec["ceil"])


def _build_stack(c_in: int, specs: list[dict]) -> tuple[nn.Sequential, list[int]]:
    """The network, and for each spec the index of its module in the Sequential."""
    layers: list[nn.Module] = []
    index = []
    c = c_in
    for spec in specs:
        index.append(len(layers))
        layers.append(_make_layer(spec, c))
        if spec["kind"] == "conv":
            c = spec["cout"]
            if spec["relu"]:
                layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers), index


def _canvas_net(c_in: int, specs: list[dict]) -> nn.Sequential:
    """Unpadded, positive, float64 twin of the stack (pools become all-ones depthwise convs)."""
    layers = []
    c = c_in
    for spec in specs:
        if spec["kind"] == "conv":
            conv = nn.Conv2d(c, spec["cout"], spec["k"], stride=spec["s"], dilation=spec["d"], bias=False)
            c = spec["cout"]
        else:
            conv = nn.Conv2d(c, c, spec["k"], stride=spec["s"], dilation=spec["d"], groups=c, bias=False)
        with torch.no_grad():
            conv.weight.fill_(1.0 / conv.weight[0].numel())
        layers.append(conv)
    return nn.Sequential(*layers).double()


def _canvas_support(c_in: int, specs: list[dict], in_hw, out_hw, positions):
    """Theoretical support (padding included) of output positions, in input coordinates."""
    margins = []
    for axis in range(2):
        delta = 0
        for spec in reversed(specs):
            delta = spec["p"][axis] + spec["s"][axis] * delta
        margins.append(delta)  # M = delta_0
    net = _canvas_net(c_in, specs)
    right = list(margins)
    for _ in range(20):
        size = tuple(n + m + r for n, m, r in zip(in_hw, margins, right))
        try:
            got = net(torch.zeros(1, c_in, *size, dtype=torch.float64)).shape[-2:]
        except RuntimeError:  # canvas still smaller than a kernel
            got = (0, 0)
        if all(g >= o for g, o in zip(got, out_hw)):
            break
        right = [2 * r + 8 for r in right]
    else:
        raise AssertionError("could not size the canvas")
    x = torch.ones(1, c_in, *size, dtype=torch.float64, requires_grad=True)
    y = net(x)
    result = {}
    for i, j in positions:
        (g,) = torch.autograd.grad(y[0, :, i, j].sum(), x, retain_graph=True)
        rows, cols = _support(g)
        result[(i, j)] = ((rows[0] - margins[0], rows[-1] - margins[0]), (cols[0] - margins[1], cols[-1] - margins[1]))
    return result


@settings(max_examples=40, deadline=None)
@given(stacks())
def test_random_stack_fields_match_canvas_support(case) -> None:
    (c, h, w), specs = case
    model, index = _build_stack(c, specs)
    p = archstats.profile(model, (c, h, w))
    layers = p.layers.set_index("module")
    for n in range(1, len(specs) + 1):
        row = layers.loc[str(index[n - 1])]
        assert row["rf_status"] == "ok"
        size, jump, start = _field(row)
        out_hw = tuple(int(d) for d in row["output_shape"].split("x")[-2:])
        positions = [(i, j) for i in _positions(out_hw[0]) for j in _positions(out_hw[1])]
        measured = _canvas_support(c, specs[:n], (h, w), out_hw, positions)
        for (i, j), spans in measured.items():
            for axis, idx in enumerate((i, j)):
                lo = start[axis] + idx * jump[axis]
                expected = (lo, lo + size[axis] - 1)
                assert spans[axis] == expected, (
                    f"layer {index[n - 1]} ({specs[n - 1]}) output ({i},{j}) axis {'hw'[axis]}: "
                    f"measured span {spans[axis]}, archstats {expected}"
                )


@settings(max_examples=40, deadline=None)
@given(stacks())
def test_random_stack_real_support_inside_clipped_field(case) -> None:
    (c, h, w), specs = case
    model, _ = _build_stack(c, specs)
    check_real_support(model, (c, h, w), exact=False)


def test_canvas_reference_on_a_known_stack() -> None:
    """The canvas machinery itself, on textbook numbers: conv 3x3 p1, then max-pool 2 s2,
    then conv 3x3 p1: size 3 -> 4 -> 4 + 2*2 = 8, jump 1 -> 2 -> 2, start -1 -> -1 -> -3."""
    specs = [
        dict(kind="conv", k=(3, 3), s=(1, 1), p=(1, 1), d=(1, 1), cout=2, relu=True),
        dict(kind="max", k=(2, 2), s=(2, 2), p=(0, 0), d=(1, 1), ceil=False),
        dict(kind="conv", k=(3, 3), s=(1, 1), p=(1, 1), d=(1, 1), cout=2, relu=False),
    ]
    got = _canvas_support(2, specs, (16, 16), (8, 8), [(0, 0), (3, 5)])
    assert got[(0, 0)] == ((-3, 4), (-3, 4))
    assert got[(3, 5)] == ((-3 + 6, 4 + 6), (-3 + 10, 4 + 10))
    model, index = _build_stack(2, specs)
    row = archstats.profile(model, (2, 16, 16)).layers.set_index("module").loc[str(index[-1])]
    assert _field(row) == ((8, 8), (2, 2), (-3, -3))


# --------------------------------------------------------------------------- hand-built branchy nets


class ResidualBlock(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(c, c, 3, padding=1)
        self.relu = nn.ReLU()
        self.c2 = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c2(self.relu(self.c1(x))) + x


def test_residual_add_field() -> None:
    model = nn.Sequential(nn.Conv2d(2, 3, 3, stride=2, padding=1), ResidualBlock(3))
    p = check_real_support(model, (2, 16, 14), exact=True)
    rows = p.layers.set_index("module")
    # stem: size 3, jump 2, start -1; c1: 3 + 2*2 = 7, start -3; c2: 11, start -5;
    # add with the identity (3, start -1): both centred on 0, union = 11 at start -5.
    assert _field(rows.loc["0"]) == ((3, 3), (2, 2), (-1, -1))
    assert _field(rows.loc["1.c2"]) == ((11, 11), (2, 2), (-5, -5))
    assert _field(rows.loc["1"]) == ((11, 11), (2, 2), (-5, -5))
    assert rows.loc["1", "rf_status"] == "ok"


class ConcatBranches(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(c, 2, 1)
        self.b3 = nn.Conv2d(c, 2, 3, padding=1)
        self.b5 = nn.Conv2d(c, 2, 5, padding=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.b1(x), self.b3(x), self.b5(x)], dim=1)


def test_concat_of_aligned_branches_is_the_widest() -> None:
    model = nn.Sequential(nn.Conv2d(2, 3, 3, stride=2, padding=1), ConcatBranches(3))
    p = check_real_support(model, (2, 15, 18), exact=True)
    rows = p.layers.set_index("module")
    # after the stem (3, jump 2, start -1): 1x1 -> 3 @ -1, 3x3 -> 7 @ -3, 5x5 -> 11 @ -5; all centred on 0
    assert _field(rows.loc["1.b1"]) == ((3, 3), (2, 2), (-1, -1))
    assert _field(rows.loc["1.b3"]) == ((7, 7), (2, 2), (-3, -3))
    assert _field(rows.loc["1"]) == ((11, 11), (2, 2), (-5, -5))
    assert rows.loc["1", "rf_status"] == "ok"


class PadMisaligned(nn.Module):
    """Branch A: conv 3x3 pad 1. Branch B: conv 3x3 pad 0, then two zero rows/cols added on the
    bottom/right so the shapes match; B is centred one position to the right of A."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.a = nn.Conv2d(c, 2, 3, padding=1)
        self.b = nn.Conv2d(c, 2, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.a(x) + F.pad(self.b(x), (0, 2, 0, 2))


class CropMisaligned(nn.Module):
    """Branch A: conv 3x3 pad 1. Branch B: conv 2x2 pad 1 (one position larger), cropped to
    A's size: B's windows are centred half a position to the left."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.a = nn.Conv2d(c, 2, 3, padding=1)
        self.b = nn.Conv2d(c, 2, 2, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.a(x)
        return a + self.b(x)[..., : a.shape[-2], : a.shape[-1]]


def _b_is_real(i: int, j: int, shape) -> bool:
    # PadMisaligned: branch B is zero padding in the last two rows and columns, where only A counts
    return i <= shape[-2] - 3 and j <= shape[-1] - 3


@pytest.mark.parametrize(
    "block, expected, exact",
    [
        # stem (3, start -1); A: 5 @ -2 (centre 0); B: 5 @ -1 (centre 1); union [-2, 3]: 6 @ -2
        (PadMisaligned, ((6, 6), (1, 1), (-2, -2)), _b_is_real),
        # A: 5 @ -2 (centre 0); B: 3 + 1 = 4 @ -2 (centre -0.5); union [-2, 2]: 5 @ -2
        (CropMisaligned, ((5, 5), (1, 1), (-2, -2)), True),
    ],
)
def test_misaligned_merge(block, expected, exact) -> None:
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), block(3))
    p = check_real_support(model, (2, 13, 11), exact=exact)
    rows = p.layers.set_index("module")
    assert rows.loc["1", "rf_status"] == "misaligned"
    assert _field(rows.loc["1"]) == expected


class Inception(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(c, 2, 1)
        self.b2 = nn.Sequential(nn.Conv2d(c, 2, 1), nn.ReLU(), nn.Conv2d(2, 2, 3, padding=1))
        self.b3 = nn.Sequential(nn.Conv2d(c, 2, 1), nn.ReLU(), nn.Conv2d(2, 2, 5, padding=2))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), nn.Conv2d(c, 2, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], dim=1)


def test_inception_block() -> None:
    model = nn.Sequential(
        nn.Conv2d(2, 3, 3, stride=2, padding=1), nn.ReLU(), Inception(3), nn.Conv2d(8, 2, 3, padding=1)
    )
    p = check_real_support(model, (2, 20, 17), exact=True)
    rows = p.layers.set_index("module")
    # stem 3 @ -1, jump 2; branches 3, 7, 11, pool 3 -> 7 (@ -3); union 11 @ -5; last conv 15 @ -7
    assert _field(rows.loc["2.b4.1"]) == ((7, 7), (2, 2), (-3, -3))
    assert _field(rows.loc["2"]) == ((11, 11), (2, 2), (-5, -5))
    assert _field(rows.loc["3"]) == ((15, 15), (2, 2), (-7, -7))
    assert (rows["rf_status"] == "ok").all()
    assert p.totals.rf_size == (15, 15)


class SliceAndPad(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(2, 2, 3, padding=1)
        self.conv = nn.Conv2d(2, 2, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.stem(x)[:, :, 1::2, ::3]  # rows 1, 3, 5, ...; columns 0, 3, 6, ...
        y = F.pad(y, (2, 0, 1, 1))  # 2 zero columns on the left, 1 zero row above and below
        return self.conv(y)


def test_slice_and_pad_fields() -> None:
    # stem: 3 @ -1, jump 1. slice: rows start -1 + 1 = 0, jump 2; columns start -1, jump 3.
    # pad: rows start 0 - 1*2 = -2; columns -1 - 2*3 = -7.
    # conv 3x3 p0: rows 3 + 2*2 = 7, columns 3 + 2*3 = 9.
    def interior(i: int, j: int, shape) -> bool:
        return (i, j) == (shape[-2] // 2, shape[-1] // 2)

    p = check_real_support(SliceAndPad(), (2, 17, 20), exact=interior, only={"conv"})
    assert _field(p.layers.set_index("module").loc["conv"]) == ((7, 9), (2, 3), (-2, -7))


@pytest.mark.parametrize(
    "pad, start",
    [(nn.ReflectionPad2d(2), (-2, -2)), (nn.ReplicationPad2d((1, 2, 3, 0)), (-3, -1)), (nn.ZeroPad2d(1), (-1, -1))],
)
def test_copying_pads_shift_the_start_like_zero_padding(pad: nn.Module, start) -> None:
    """Reflection and replication pads shift the field like zero padding (their padded positions
    are copies of real ones, counted as padding): exact wherever the window holds no padding."""
    model = nn.Sequential(pad, nn.Conv2d(1, 1, 3))
    p = archstats.profile(model, (1, 9, 8))
    row = p.layers.iloc[-1]
    assert _field(row) == ((3, 3), (1, 1), start) and row["rf_status"] == "ok"
    emp = positive_copy(model)
    x = torch.ones(1, 1, 9, 8, dtype=torch.float64, requires_grad=True)
    y = emp(x)
    i, j = -start[0] + 2, -start[1] + 2  # an output whose 3x3 window is all real pixels
    (g,) = torch.autograd.grad(y[0, :, i, j].sum(), x)
    rows, cols = _support(g)
    assert (rows[0], rows[-1]) == (start[0] + i, start[0] + i + 2)
    assert (cols[0], cols[-1]) == (start[1] + j, start[1] + j + 2)


# --------------------------------------------------------------------------- global fields


class _MeanHead(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x).mean((2, 3))


@pytest.mark.parametrize(
    "model, row",
    [
        (lambda: nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.AdaptiveAvgPool2d(1)), "1"),
        (_MeanHead, "(model)"),
        (lambda: nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.Flatten(), nn.Linear(3 * 9 * 7, 4)), "2"),
    ],
)
def test_global_fields(model, row) -> None:
    net = model()
    p = archstats.profile(net, (2, 9, 7))
    r = p.layers.set_index("module").loc[row]
    assert r["rf_status"] == "global"
    assert (r["rf_size_h"], r["rf_size_w"]) == (9, 7)  # the whole input
    # empirically: every input position reaches every output
    emp = positive_copy(net)
    x = torch.ones(1, 2, 9, 7, dtype=torch.float64, requires_grad=True)
    y = emp(x).reshape(-1)
    (g,) = torch.autograd.grad(y[0], x)
    rows, cols = _support(g)
    assert rows == list(range(9)) and cols == list(range(7))


def test_adaptive_pool_to_larger_grid_is_a_window() -> None:
    # 12 -> 3 and 8 -> 4: windows of 4 and 2 with the same stride (evenly divisible)
    p = check_real_support(nn.Sequential(nn.AdaptiveAvgPool2d((3, 4))), (2, 12, 8), exact=True)
    assert _field(p.layers.iloc[0]) == ((4, 2), (4, 2), (0, 0))


# --------------------------------------------------------------------------- depth


class ProjectionBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(c_in, c_out, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.relu = nn.ReLU(inplace=True)
        self.c2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.proj = nn.Conv2d(c_in, c_out, 1, stride=2, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn2(self.c2(self.relu(self.bn1(self.c1(x)))))
        return self.relu(out + self.proj(x))


@pytest.mark.parametrize("training", [False, True])
def test_depth_counts_weight_layers_on_longest_path(training: bool) -> None:
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),  # depth 1
        ProjectionBlock(4, 8),  # main path c1, c2: 1 + 2 = 3; shortcut 1 + 1 = 2
        ProjectionBlock(8, 8),  # 3 + 2 = 5
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(8, 5),  # 6
    )
    p = archstats.profile(model, (3, 16, 16), training=training)
    d = p.layers.set_index("module")["depth"]
    assert d["0"] == 1
    assert d["1.c1"] == 2
    assert d["1.proj"] == 2
    assert d["1.c2"] == 3
    assert d["1.bn2"] == 3
    assert d["1"] == d["0"] + 2  # the add: max(main 3, shortcut 2)
    assert d["2"] == d["1"] + 2
    assert d["5"] == 6
    assert p.totals.depth == 6


class _TwiceThrough(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(self.conv(x))


def test_depth_identity_shortcut_and_shared_layer() -> None:
    # a residual block with an identity shortcut adds its 2 convs: stem 1 + 2 = 3
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), ResidualBlock(3))
    d = archstats.profile(model, (2, 8, 8)).layers.set_index("module")["depth"]
    assert d["0"] == 1 and d["1"] == 3
    # the same conv applied twice is two weight layers on the path: depth 1, then 2
    layers = archstats.profile(_TwiceThrough(), (3, 8, 8)).layers
    assert layers.loc[layers["module"] == "conv", "depth"].tolist() == [1, 2]


# ------------------------------------------------------------------------ fields archstats must not get silently wrong


def test_conv_transpose_field_not_silently_wrong() -> None:
    """A transposed conv upsamples: output i of ConvTranspose2d(k=3, s=2, p=1) depends on input
    j only when i = 2j - 1 + t for a tap t in {0, 1, 2}, i.e. on one or two input positions
    around i/2. A field reported as "ok" must contain that support."""
    for groups in (1, 2):
        model = nn.Sequential(nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1, groups=groups))
        check_real_support(model, (2, 5, 5), exact=False, require_checked=False)


class _CatAlongHeight(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        return torch.cat([y, y], dim=2)  # rows H..2H-1 repeat rows 0..H-1


def test_cat_along_a_spatial_axis_not_silently_wrong() -> None:
    """Row i >= H of cat([y, y], dim=2) is row i - H of y, so it sees input rows i-H-1 .. i-H+1;
    a field reported as "ok" must contain that; the engine does not model it, so it must say so."""
    p = check_real_support(_CatAlongHeight(), (2, 6, 5), exact=False, only={"(model)"}, require_checked=False)
    row = p.layers.set_index("module").loc["(model)"]
    assert row["rf_status"] == "unknown"
    assert row["output_shape"] == "1x2x12x5"

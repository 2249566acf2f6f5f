"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998), with the paper's sparse C3 and trainable subsampling."""

from __future__ import annotations

import torch
from torch import nn

from ._common import is_meta
from ._registry import Family, Published

__all__ = ["C3", "LeNet5", "ScaledTanh", "Subsampling", "lenet5"]

LENET = Family(
    "lenet",
    year=1998,
    paper="Gradient-Based Learning Applied to Document Recognition",
    arxiv=None,
    input_size=(1, 32, 32),
    num_classes=10,
)

# Paper Table I: the S2 maps each C3 map is connected to, listed by C3 map 0..15, one row per group of
# maps ("to break the symmetry in the network", Section II.B).
_C3_TABLE: tuple[tuple[int, ...], ...] = (
    *((0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5)),  # three contiguous S2 maps
    *((0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5)),  # four contiguous
    *((0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5)),  # four non-contiguous
    (0, 1, 2, 3, 4, 5),  # all six
)

# Trainable parameters per layer as stated in Section II.B; they sum to the paper's 60,000
# (the output layer's RBF centres are fixed by hand, so it has no trainable parameters there).
PAPER_PARAMS_PER_LAYER: dict[str, int] = {
    "C1": 156,
    "S2": 12,
    "C3": 1_516,
    "S4": 32,
    "C5": 48_120,
    "F6": 10_164,
}


class ScaledTanh(nn.Module):
    """The paper's squashing function f(a) = A tanh(S a), A = 1.7159, S = 2/3 (Appendix A)."""

    def __init__(self, amplitude: float = 1.7159, slope: float = 2.0 / 3.0) -> None:
        super().__init__()
        self.amplitude = amplitude
        self.slope = slope

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.amplitude * torch.tanh(self.slope * x)


class Subsampling(nn.Module):
    """S2/S4: each map's 2x2 neighbourhoods are summed, scaled by one trainable coefficient and shifted
    by one trainable bias (2 parameters per map).

    An average pool followed by a depthwise 1x1 conv with bias is the same function (the factor 1/4
    folds into the coefficient), expressed with standard ops.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)
        self.affine = nn.Conv2d(channels, channels, kernel_size=1, groups=channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.affine(self.pool(x))


def _runs(indices: tuple[int, ...]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive channel indices as (start, stop), so a subset is gathered by slices."""
    runs: list[tuple[int, int]] = []
    for i in sorted(indices):
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


class C3(nn.Module):
    """C3 with the partial connection table: each output map sees only its subset of the input maps.

    Maps with equally many inputs share one grouped convolution: their input subsets are gathered
    side by side, and groups = number of maps gives every map its own filter over its own subset.
    The parameter count is exactly the paper's (1,516 for Table I), unlike a masked dense conv.
    """

    def __init__(self, table: tuple[tuple[int, ...], ...] = _C3_TABLE, kernel_size: int = 5) -> None:
        super().__init__()
        # Output maps must come out in table order; this holds when widths never decrease along the
        # table, as in Table I (3, 4, then 6 inputs).
        if [len(s) for s in table] != sorted(len(s) for s in table):
            raise ValueError("C3 table rows must be ordered by number of inputs")
        self.table = table
        self._subsets = {w: [s for s in table if len(s) == w] for w in sorted({len(s) for s in table})}
        self.convs = nn.ModuleList(
            nn.Conv2d(w * len(subsets), len(subsets), kernel_size, groups=len(subsets))
            for w, subsets in self._subsets.items()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs = []
        for conv, subsets in zip(self.convs, self._subsets.values()):
            gathered = torch.cat([x[:, a:b] for s in subsets for a, b in _runs(s)], 1)
            outputs.append(conv(gathered))
        return torch.cat(outputs, 1)


class LeNet5(nn.Module):
    """LeNet-5 on 1x32x32: C1, S2, C3, S4, C5, F6 and a 10-way output, with the paper's scaled tanh."""

    def __init__(self, num_classes: int = 10, sparse_c3: bool = True) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5),  # C1: 6@28x28
            ScaledTanh(),
            Subsampling(6),  # S2: 6@14x14
            ScaledTanh(),
            C3() if sparse_c3 else nn.Conv2d(6, 16, kernel_size=5),  # C3: 16@10x10
            ScaledTanh(),
            Subsampling(16),  # S4: 16@5x5
            ScaledTanh(),
            # C5 is a convolution in the paper (it would slide on a larger input); at 32x32 it is 1x1.
            nn.Conv2d(16, 120, kernel_size=5),  # C5: 120@1x1
            ScaledTanh(),
        )
        self.classifier = nn.Sequential(
            nn.Linear(120, 84),  # F6
            ScaledTanh(),
            # Stand-in for the paper's Euclidean RBF output units (fixed, hand-chosen 84-d centres).
            nn.Linear(84, num_classes),
        )
        self._init_as_paper()

    def _init_as_paper(self) -> None:
        # Appendix A: weights uniform in +-2.4 / fan-in so the squashing functions start in their
        # linear range; biases are not specified and start at zero here.
        if is_meta(self):
            return
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                nn.init.uniform_(m.weight, -2.4 / fan_in, 2.4 / fan_in)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


lenet5 = LENET.register(
    "lenet5",
    LeNet5,
    aliases=("lenet", "lenet_5"),
    notes=(
        "LeNet-5 as in Section II.B of the paper, not the common simplified 'LeNet' (dense C3, plain "
        "pooling, ReLU/softmax). C3 uses the partial connection table of Table I (1,516 parameters; "
        "sparse_c3=False gives a dense 2,416-parameter C3), built as three grouped convs over gathered "
        "channel subsets. S2/S4 are trainable subsampling (2 parameters per map) as average pooling "
        "followed by a depthwise 1x1 conv with bias; the paper sums the 2x2 window, which only rescales "
        "the coefficient. Activations are the paper's scaled tanh 1.7159 tanh(2a/3). The output layer is "
        "a Linear 84->10 (850 parameters) standing in for the paper's 10 Euclidean RBF units, whose 840 "
        "centres are fixed, so the total is 60,850 against the paper's 60,000 trainable. Per-layer "
        "paper figures are in PAPER_PARAMS_PER_LAYER."
    ),
    published=(
        Published(
            metric="params",
            value=60_000,
            source='paper Section II.B ("340,908 connections, but only 60,000 trainable free parameters")',
            convention="exact count of trainable parameters (C1..F6; the RBF output is fixed)",
            exact=True,
            deviation="the paper's RBF output units have fixed centres and no trainable parameters; "
            "the Linear 84->10 stand-in adds 84*10 + 10 = 850, giving 60,850",
        ),
        Published(
            metric="depth",
            value=7,
            source='paper Section II.B ("LeNet-5 comprises 7 layers, not counting the input, all of '
            'which contain trainable parameters")',
            convention="layers with weights: C1, S2, C3, S4, C5, F6, output",
            exact=True,
        ),
    ),
)

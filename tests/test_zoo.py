"""Every registered model: fully counted, matching its published figures, and pinned by a golden file.

The golden files (``tests/golden/<name>.csv``, the per-layer CSV of ``archstats profile NAME``)
make any change to a model or a counting rule show up in review. Regenerate them with
``python -m pytest tests/test_zoo.py --regen-golden`` and read the diff: every changed figure
needs a reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import archstats
import archstats_models as zoo
from archstats.render import profile_csv

GOLDEN = Path(__file__).parent / "golden"
MODELS = zoo.list_models()
IDS = [info.name for info in MODELS]


def _measure(p: archstats.Profile, metric: str) -> float:
    t = p.totals
    return {"params": t.params, "macs": t.macs, "rf": max(t.rf_size, default=0), "depth": t.depth}[metric]


@pytest.mark.parametrize("info", MODELS, ids=IDS)
def test_fully_counted(info: zoo.ModelInfo) -> None:
    # strict: an op without a rule would raise rather than be reported partial
    p = archstats.profile(info.name, strict=True)
    assert p.status == "complete"
    assert p.totals.params > 0 and p.totals.macs > 0


@pytest.mark.parametrize("info", MODELS, ids=IDS)
def test_published_figures(info: zoo.ModelInfo) -> None:
    profiles: dict[tuple, archstats.Profile] = {}
    for pub in info.published:
        size = tuple(pub.input_size or info.input_size)
        if size not in profiles:
            profiles[size] = archstats.profile(info.name, size)
        measured = _measure(profiles[size], pub.metric)
        if pub.deviation:
            # the explanation must stay true: if we ever match, the deviation note is stale
            assert not pub.matches(measured), f"{info.name}: {pub.source} now matches; drop the deviation"
        else:
            assert pub.matches(measured), (
                f"{info.name} {pub.metric}: measured {measured:,} vs published {pub.value:,} "
                f"(+-{pub.tolerance:,}) from {pub.source} [{pub.convention}]"
            )


@pytest.mark.parametrize("info", MODELS, ids=IDS)
def test_golden_per_layer_csv(info: zoo.ModelInfo, regen_golden: bool) -> None:
    text = profile_csv(archstats.profile(info.name))
    path = GOLDEN / f"{info.name}.csv"
    if regen_golden:
        path.write_text(text)
        return
    assert path.exists(), f"no golden file for {info.name}: run pytest tests/test_zoo.py --regen-golden"
    assert text == path.read_text(), f"{info.name}: per-layer output changed; regenerate with --regen-golden and review"


def test_no_stale_golden_files() -> None:
    assert {p.stem for p in GOLDEN.glob("*.csv")} <= set(IDS)

"""Figures: every public figure function renders, saves as PNG and SVG, and labels its units."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("matplotlib")

import matplotlib.image as mpimg
from matplotlib.text import Annotation

import archstats
import archstats_models as zoo
from archstats import plots
from archstats.errors import UsageError
from archstats.sweep import sweep

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NAMES = ("alexnet", "squeezenet1_0", "resnet18")


@pytest.fixture(scope="module")
def profiles():
    return [archstats.profile(n) for n in NAMES]


@pytest.fixture(scope="module")
def families():
    return {i.name: i.family for i in zoo.list_models()}


def _check_png(path) -> None:
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    img = mpimg.imread(path)
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100


def _check_svg(path) -> None:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")


def _labels(fig) -> str:
    parts = []
    for ax in fig.axes:
        parts += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
    return " | ".join(parts)


def _figures(profiles, families):
    alexnet = profiles[0]
    return {
        "layer": plots.layer_profile_figure(alexnet),
        "rf": plots.receptive_field_figure(profiles[2]),
        "family": plots.macs_by_family_figure(profiles[2]),
        "zoo": plots.zoo_scatter_figure(profiles, families),
        "compare": plots.compare_figure(profiles),
        "sweep": plots.sweep_figure(sweep("resnet18", inputs=[112, 224])),
    }


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_every_figure_saves(profiles, families, tmp_path, suffix) -> None:
    for name, fig in _figures(profiles, families).items():
        path = plots.save(fig, tmp_path / f"{name}{suffix}")
        assert path == tmp_path / f"{name}{suffix}" and path.stat().st_size > 1000
        (_check_png if suffix == ".png" else _check_svg)(path)


def test_titles_name_the_model_and_labels_carry_units(profiles, families) -> None:
    figs = _figures(profiles, families)
    layer = _labels(figs["layer"])
    assert "alexnet" in layer and "Parameters (count)" in layer and "bytes" in layer and "Layer index" in layer
    rf = _labels(figs["rf"])
    assert "resnet18" in rf and "pixels" in rf and figs["rf"].axes[0].get_yscale() == "log"
    fam = _labels(figs["family"])
    assert "resnet18" in fam and "MACs" in fam and "FLOPs" in fam
    zoo_labels = _labels(figs["zoo"])
    assert "Parameters" in zoo_labels and "MACs" in zoo_labels
    assert {figs["zoo"].axes[0].get_xscale(), figs["zoo"].axes[0].get_yscale()} == {"log"}
    cmp = _labels(figs["compare"])
    assert "alexnet" in cmp and "log" in cmp
    sw = _labels(figs["sweep"])
    assert "resnet18" in sw and "bytes" in sw and "Input resolution" in sw and "MACs" in sw


def test_tick_labels_use_human_units(profiles) -> None:
    fig = plots.layer_profile_figure(profiles[0])
    fig.canvas.draw()
    top, bottom = fig.axes
    params_ticks = [t.get_text() for t in top.get_yticklabels() if t.get_text() not in ("", "0")]
    memory_ticks = [t.get_text() for t in bottom.get_yticklabels() if t.get_text() not in ("", "0")]
    assert params_ticks and all(t[-1] in "KMG" for t in params_ticks)
    assert memory_ticks and all(t.endswith(("KiB", "MiB", "GiB")) for t in memory_ticks)


def test_zoo_scatter_has_one_annotation_per_model(profiles, families) -> None:
    fig = plots.zoo_scatter_figure(profiles, families)
    ax = fig.axes[0]
    notes = [t for t in ax.texts if isinstance(t, Annotation)]
    assert sorted(t.get_text() for t in notes) == sorted(NAMES)
    legend_texts = {t.get_text() for t in ax.get_legend().get_texts()} | {
        t.get_text() for a in ax.artists for t in getattr(a, "get_texts", lambda: [])()
    }
    assert {"alexnet", "squeezenet", "resnet"} <= legend_texts


def test_receptive_field_marks_global_rows(profiles) -> None:
    fig = plots.receptive_field_figure(profiles[2])
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(label.startswith("global") and label.endswith("(3)") for label in labels)  # avgpool, flatten, fc


def test_svg_output_is_reproducible(profiles, tmp_path) -> None:
    a = plots.save(plots.compare_figure(profiles), tmp_path / "a.svg")
    b = plots.save(plots.compare_figure(profiles), tmp_path / "b.svg")
    assert a.read_bytes() == b.read_bytes()
    assert b"<dc:date>" not in a.read_bytes()


def test_save_rejects_other_formats(profiles, tmp_path) -> None:
    with pytest.raises(UsageError, match="png or .svg"):
        plots.save(plots.compare_figure(profiles), tmp_path / "figure.pdf")


def test_import_archstats_does_not_import_matplotlib() -> None:
    import subprocess
    import sys

    code = "import sys, archstats; assert 'matplotlib' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

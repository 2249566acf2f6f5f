"""Figures: every public figure function renders, saves as PNG and SVG, and labels its units."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest

pytest.importorskip("matplotlib")

import matplotlib.image as mpimg
from matplotlib.text import Annotation, Text

import archstats
import archstats_models as zoo
from archstats import plots, report
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
    assert "Params (count" in cmp and "MACs (MACs" in cmp and "Peak memory (bytes" in cmp
    assert [t.get_text() for t in figs["compare"].axes[0].get_yticklabels()] == list(NAMES)
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


# --- the zoo scatter's labels ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def zoo_profiles():
    """Every model of the zoo, as the gallery's scatter shows them."""
    return [archstats.profile(i.name) for i in zoo.list_models()]


def _fake(name: str, params: float, macs: float, peak: float = 1e6) -> SimpleNamespace:
    """What the scatter reads of a profile: name, totals and input."""
    totals = SimpleNamespace(params=params, macs=macs, peak_bytes=peak)
    return SimpleNamespace(name=name, totals=totals, input_size=(3, 32, 32), batch_size=1)


def _label_boxes(fig):
    """The zoo scatter's labels and their text boxes in display pixels, after a real draw."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    notes = [t for t in ax.texts if isinstance(t, Annotation)]
    # the text's own box: an Annotation's window extent also spans its leader line
    return ax, notes, [Text.get_window_extent(t, renderer) for t in notes], ax.get_window_extent(renderer)


def _point_centres(ax) -> dict[str, tuple[float, float]]:
    """Each plotted point's centre in display pixels, by its SVG id."""
    out = {}
    for c in ax.collections:
        if (c.get_gid() or "").startswith("archstats-point-"):
            (x, y) = ax.transData.transform(c.get_offsets())[0]
            out[c.get_gid()] = (float(x), float(y))
    return out


def _leader(ax, note, box) -> tuple[float, float, float, float]:
    """A leader line as drawn: from the text box's point nearest the annotated point to that point."""
    x, y = ax.transData.transform(note.xy)
    return min(box.x1, max(box.x0, x)), min(box.y1, max(box.y0, y)), x, y


def _assert_labels_readable(fig) -> list[str]:
    ax, notes, boxes, frame = _label_boxes(fig)
    for (a, box_a), (b, box_b) in itertools.combinations(zip(notes, boxes), 2):
        assert not box_a.overlaps(box_b), f"{a.get_text()!r} overlaps {b.get_text()!r}"
    for note, box in zip(notes, boxes):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, note.get_text()
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, note.get_text()
        # no name is written over a point
        assert not any(box.contains(x, y) for x, y in _point_centres(ax).values()), note.get_text()
        if note.arrow_patch is not None:
            # a leader line passes through no other name (sampled every 1/50 of its length)
            x0, y0, x1, y1 = _leader(ax, note, box)
            samples = [(x0 + (x1 - x0) * k / 50, y0 + (y1 - y0) * k / 50) for k in range(51)]
            for other, other_box in zip(notes, boxes):
                if other is not note:
                    assert not any(other_box.contains(*s) for s in samples), (note.get_text(), other.get_text())
    return [t.get_text() for t in notes]


def test_zoo_labels_never_overlap_in_the_full_zoo(zoo_profiles, families) -> None:
    first = ["alexnet", "squeezenet1_0", "vgg16", "googlenet", "resnet50"]
    fig = plots.zoo_scatter_figure(zoo_profiles, families, label_first=first)
    names = _assert_labels_readable(fig)
    assert len(names) == len(set(names)) >= 20
    assert any(t.arrow_patch is not None for t in fig.axes[0].texts)  # some names sit off, on a leader line
    # the chosen ones get a name, and so do the points standing alone
    assert set(first) | {"lenet5", "mobilenet_v1_025", "efficientnet_b7"} <= set(names)
    # alexnet_single lies on alexnet's marker (61.1M vs 61.0M params, 0.71 vs 0.72 GMACs): one name there
    assert "alexnet_single" not in names


def test_zoo_labels_in_a_dense_cluster_leave_points_out_rather_than_overlap(families) -> None:
    # 40 points on a 1.1x grid: far more names than room; the greedy placement must skip some
    grid = [_fake(f"model_{i}", 1e6 * 1.1 ** (i % 8), 1e9 * 1.1 ** (i // 8)) for i in range(40)]
    lonely = _fake("lonely", 1e3, 1e5)
    fig = plots.zoo_scatter_figure([*grid, lonely], {}, label_first=["model_20", "lonely"])
    names = _assert_labels_readable(fig)
    assert {"model_20", "lonely"} <= set(names) and len(names) < 41


def test_points_on_one_spot_name_each_other_on_hover(families) -> None:
    # second: 2% more params and MACs than first (on its marker); third: 5% more, a marker beside
    a, b, c = _fake("first", 2e6, 3e8), _fake("second", 2.04e6, 3.06e8), _fake("third", 2.1e6, 3.15e8)
    tips = plots.zoo_tooltips([a, b, c], {"first": "fam"})
    # 1e6 bytes = 976.6 KiB
    assert tips["archstats-point-0"] == (
        "first (fam): 2.00M params, 0.30 GMACs, peak 977 KiB, input 3x32x32; at about the same position: second"
    )
    assert tips["archstats-point-1"].endswith("at about the same position: first, third")  # 2.9% from third
    assert tips["archstats-point-2"].endswith("at about the same position: second")


# --- the scatter in HTML: inline SVG, a <title> per point ----------------------------------------

SVG_NS = "{http://www.w3.org/2000/svg}"


def _inline_svg(page: str) -> ET.Element:
    (svg,) = re.findall(r"<svg\b.*?</svg>", page, re.S)
    return ET.fromstring(svg)


def test_html_index_names_every_point_on_hover(profiles, families, tmp_path) -> None:
    writer = report._ImageWriter(tmp_path, "html")
    images = report.index_images(profiles, families, writer)
    page = report.index_page_html(profiles, images)
    assert "<img" not in page and list(tmp_path.iterdir()) == []  # nothing written, nothing to fetch
    svg = _inline_svg(page)
    titles = {}
    for g in svg.iter(f"{SVG_NS}g"):
        title = g.find(f"{SVG_NS}title")
        if title is not None:
            titles[g.get("id")] = title.text
    assert len(titles) == len(profiles) == len(list(svg.iter(f"{SVG_NS}title")))
    by_name = {t.split(" ")[0]: t for t in titles.values()}
    assert sorted(by_name) == sorted(NAMES)
    assert by_name["alexnet"].startswith("alexnet (alexnet): 61.0M params, 0.72 GMACs")
    # nothing in the markup reaches the network: links are internal (#id) and no metadata names a URL
    hrefs = re.findall(r'(?:xlink:)?href="([^"]*)"', page)
    assert all(h.startswith("#") for h in hrefs) and "http" not in page.split("<svg", 1)[1].split(">", 1)[1]


def test_markdown_index_keeps_the_png(profiles, families, tmp_path) -> None:
    writer = report._ImageWriter(tmp_path, "md")
    ((caption, src),) = report.index_images(profiles, families, writer)
    assert src == "img/index-zoo.png" and writer.written == [tmp_path / "img" / "index-zoo.png"]
    _check_png(tmp_path / src)
    assert f"![{caption}]({src})" in report.index_page_markdown(profiles, [(caption, src)])


def test_hover_titles_are_escaped() -> None:
    evil = _fake("<script>alert(1)</script>", 1e6, 1e9)
    fig = plots.zoo_scatter_figure([evil, _fake("ok", 2e6, 2e9)], {})
    svg = plots.svg_markup(fig, plots.zoo_tooltips([evil], {}))
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert ET.fromstring(svg).find(f".//{SVG_NS}title").text.startswith("<script>alert(1)</script> (other)")


# --- comparison charts ---------------------------------------------------------------------------


def _bars(ax) -> list:
    return [p for p in ax.patches if p.get_width() != 0 or p.get_height() != 0]


@pytest.mark.parametrize("names", [NAMES, ("lenet5", "vgg16", "mobilenet_v1_025")])
def test_compare_shows_every_model_in_every_metric(names) -> None:
    profiles = [archstats.profile(n) for n in names]
    fig = plots.compare_figure(profiles)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert [ax.get_title() for ax in fig.axes] == ["Params", "MACs", "Peak memory"]
    for ax, key in zip(fig.axes, ("params", "macs", "peak_bytes")):
        bars = _bars(ax)
        assert len(bars) == len(profiles), ax.get_title()
        frame = ax.get_window_extent(renderer)
        for bar, p in zip(bars, profiles):
            # the bar ends at the model's value and is at least a few pixels long, the first included
            assert bar.get_x() + bar.get_width() == pytest.approx(getattr(p.totals, key))
            assert bar.get_window_extent(renderer).width > 3, (ax.get_title(), p.name)
        labels = list(ax.texts)
        assert len(labels) == len(profiles)
        for label in labels:
            box = label.get_window_extent(renderer)
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1, label.get_text()


def test_compare_labels_give_value_and_ratio_to_the_first(profiles) -> None:
    fig = plots.compare_figure(profiles)  # alexnet, squeezenet1_0, resnet18
    params = [t.get_text().strip() for t in fig.axes[0].texts]
    assert params[0] == "61.0M"  # alexnet: 60,965,224 parameters, the base: no ratio
    assert params[1] == "1.25M (1/48.8)"  # squeezenet1_0: 60,965,224 / 1,248,424 = 48.83
    assert params[2] == "11.7M (1/5.22)"  # resnet18: 60,965,224 / 11,689,512 = 5.215
    macs = [t.get_text().strip() for t in fig.axes[1].texts]
    assert macs[1] == "0.82 GMACs (1.13x)"  # squeezenet1_0: 818,924,576 / 724,406,816 = 1.130
    # 61.0M / 1.25M = 48.8x > 20x: params on a log axis; MACs 0.72 G to 1.81 G stay linear
    assert fig.axes[0].get_xscale() == "log" and fig.axes[1].get_xscale() == "linear"
    assert "log" in fig.axes[0].get_xlabel() and "log" not in fig.axes[1].get_xlabel()


def test_log_ticks_are_round_numbers_of_their_unit() -> None:
    assert plots._log_ticks(1e4, 1.4e8, "count") == [1e4, 1e8]
    assert plots._log_ticks(1e4, 1.5e8, "bytes") == [32 * 1024, 32 * 1024**2]  # 32 KiB, 32 MiB

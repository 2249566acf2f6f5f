"""``archstats report``: pages hold exactly the API's numbers, images are real, HTML is escaped and
self-contained, and nothing is written outside the output directory."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from torch import nn

import archstats
from archstats import compare as cmp
from archstats import render, report
from archstats.cli import main
from archstats.units import human

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def alexnet() -> archstats.Profile:
    return archstats.profile("alexnet")


@pytest.fixture(scope="module")
def squeezenet() -> archstats.Profile:
    return archstats.profile("squeezenet1_0")


# --- helpers -------------------------------------------------------------------------------------


def assert_image_bytes(data: bytes, what: str) -> str:
    """PNG by signature, or SVG whose XML root is <svg>; returns the kind."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    root = ET.fromstring(data)
    assert root.tag in ("svg", "{http://www.w3.org/2000/svg}svg"), f"{what} is neither PNG nor SVG"
    return "svg"


def md_tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table as a list of rows of cells (the alignment row dropped)."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not all(re.fullmatch(r"-+:?", c) for c in cells):
                current.append([c.replace("\\|", "|") for c in cells])
        elif current:
            tables.append(current)
            current = []
    return tables


def unbold(cell: str) -> str:
    return cell[2:-2] if cell.startswith("**") and cell.endswith("**") else cell


class Page(HTMLParser):
    """Collects tags, tables (header, body and footer rows as text), images and the text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: list[dict[str, list[list[str]]]] = []
        self.images: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._section = "tbody"
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_script = False
        self.open: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag not in ("meta", "img", "br", "link"):
            self.open.append(tag)
        if tag == "table":
            self.tables.append({"thead": [], "tbody": [], "tfoot": []})
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(a)
        elif tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][self._section].append(self._row)
            self._row = None
        elif tag in ("thead", "tfoot"):
            self._section = "tbody"
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def decode_data_uri(src: str) -> bytes:
    m = re.fullmatch(r"data:(image/png|image/svg\+xml);base64,([A-Za-z0-9+/=]+)", src)
    assert m, f"not a base64 image data URI: {src[:60]}"
    return base64.b64decode(m.group(2), validate=True)


def assert_self_contained(page: Page) -> None:
    for tag, attrs in page.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not re.match(r"^(https?:)?//", value), f"<{tag} {key}={value}> reaches the network"
        assert tag != "link", "stylesheets must be inline"
        if tag == "script":
            assert "src" not in attrs, "scripts must be inline"
    assert all(decode_data_uri(i["src"] or "") for i in page.images)


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_profile_page_numbers_match_the_api(tmp_path: Path, alexnet: archstats.Profile) -> None:
    paths = report.write_report(alexnet, tmp_path, "md")
    page = tmp_path / "alexnet.md"
    assert page in paths and page.is_file()
    text = page.read_text(encoding="utf-8")
    t = alexnet.totals

    # summary: human units and the exact integers beside them
    m = re.search(r"params (\S+) \(([\d,]+)\), MACs (.+?) \(([\d,]+)\), FLOPs (.+?) \(([\d,]+)\)", text)
    assert m, "summary line with totals missing"
    assert m.group(1) == human(t.params, "count") and int(m.group(2).replace(",", "")) == t.params
    assert m.group(3) == human(t.macs, "macs") and int(m.group(4).replace(",", "")) == t.macs
    assert m.group(5) == human(t.flops, "flops") and int(m.group(6).replace(",", "")) == t.flops
    assert f"peak {human(t.peak_bytes, 'bytes')} at {t.peak_layer}" in text
    assert "input 1x3x227x227" in text and "status: complete" in text and "convention full:" in text

    # the per-layer table: one row per layer with the API's values, and the totals row
    (table,) = md_tables(text)
    headers, *rows = table
    want_headers, want_rows, want_total = render.layer_cells(alexnet)
    assert headers == want_headers
    *body, total = rows
    assert [unbold(c) for c in total] == want_total
    assert total[headers.index("Params")] == f"**{human(t.params, 'count')}**"
    assert total[headers.index("MACs")] == f"**{human(t.macs, 'macs')}**"
    layers = alexnet.layers
    assert [r[0] for r in body] == list(layers["module"])
    assert [r[headers.index("Params")] for r in body] == [human(v, "count") for v in layers["params"]]
    assert [r[headers.index("MACs")] for r in body] == [human(v, "macs") for v in layers["macs"]]

    # the plots: referenced, beside the page, valid PNG
    refs = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(refs) == len(report.PROFILE_PLOTS)
    for ref in refs:
        assert not Path(ref).is_absolute() and ref.startswith("img/")
        image = tmp_path / ref
        assert image.is_file() and image in paths
        assert assert_image_bytes(image.read_bytes(), ref) == "png"
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(paths)


def test_markdown_compare_page(tmp_path: Path, alexnet: archstats.Profile, squeezenet: archstats.Profile) -> None:
    paths = report.write_report([alexnet, squeezenet], tmp_path, "md")
    page = tmp_path / "alexnet-vs-squeezenet1_0.md"
    assert page in paths
    text = page.read_text(encoding="utf-8")
    (table,) = md_tables(text)
    assert table[0] == ["Metric", "alexnet", "squeezenet1_0"]
    by_metric = {row[0]: row[1:] for row in table[1:]}
    for m in cmp.METRICS:
        assert by_metric[m.label] == [human(getattr(p.totals, m.name), m.unit) for p in (alexnet, squeezenet)], m.label
    for r in cmp.ratios([alexnet, squeezenet]):
        assert f"- {r.sentence()}" in text
    assert "fewer params than alexnet" in text
    refs = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert refs and all(assert_image_bytes((tmp_path / r).read_bytes(), r) for r in refs)


# --- HTML ----------------------------------------------------------------------------------------


def test_html_profile_page_is_self_contained_and_exact(tmp_path: Path, alexnet: archstats.Profile) -> None:
    paths = report.write_report(alexnet, tmp_path, "html")
    assert paths == [tmp_path / "alexnet.html"]
    assert list(tmp_path.rglob("*")) == paths, "an HTML report is one file"
    page = Page(paths[0].read_text(encoding="utf-8"))
    assert page.open == [], f"unclosed tags: {page.open}"
    assert_self_contained(page)

    headers, rows, total = render.layer_cells(alexnet)
    (table,) = page.tables
    assert table["thead"] == [headers]
    assert table["tbody"] == rows
    assert table["tfoot"] == [total]
    text = " ".join(page.text)
    for line in render.summary_lines(alexnet):
        assert line in text

    assert len(page.images) == len(report.PROFILE_PLOTS)
    for img in page.images:
        assert img.get("alt")
        assert_image_bytes(decode_data_uri(img["src"] or ""), img["alt"] or "")


def test_html_compare_page(tmp_path: Path, alexnet: archstats.Profile, squeezenet: archstats.Profile) -> None:
    (path,) = report.write_report([alexnet, squeezenet], tmp_path, "html")
    page = Page(path.read_text(encoding="utf-8"))
    assert_self_contained(page)
    headers, rows = render.compare_cells([alexnet, squeezenet])
    (table,) = page.tables
    assert table["thead"] == [headers] and table["tbody"] == rows
    text = " ".join(page.text)
    for r in cmp.ratios([alexnet, squeezenet]):
        assert r.sentence() in text
    assert len(page.images) == 1
    assert_image_bytes(decode_data_uri(page.images[0]["src"] or ""), "compare plot")


def _evil_model() -> nn.Module:
    class_name = '<img src=x onerror="alert(2)">'

    def __init__(self: nn.Module) -> None:
        nn.Module.__init__(self)
        self.add_module(EVIL, nn.Conv2d(3, 4, 3))
        self.head = nn.Conv2d(4, 2, 1)

    def forward(self: nn.Module, x: torch.Tensor) -> torch.Tensor:
        return self.head(getattr(self, EVIL)(x))

    cls = type(class_name, (nn.Module,), {"__init__": __init__, "forward": forward})
    return cls()


def test_html_escapes_every_name(tmp_path: Path) -> None:
    p = archstats.profile(_evil_model(), input_size=(3, 16, 16))
    assert EVIL in set(p.layers["module"])
    for paths in (report.write_report(p, tmp_path, "html"), report.write_report([p, p], tmp_path / "cmp", "html")):
        raw = paths[-1].read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<img src=x" not in raw
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw or "&lt;img src=x" in raw
        page = Page(raw)
        assert [t for t, _ in page.tags].count("script") == 1, "only the inline sorting script"
        assert all(i["src"].startswith("data:") for i in page.images)  # type: ignore[union-attr]
    raw = (tmp_path / report.page_stem(p.name)).with_suffix(".html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in raw
    # the cells, unescaped by the parser, are the module paths again
    assert EVIL in [row[0] for row in Page(raw).tables[0]["tbody"]]
    # the file name is safe too
    assert all(p.parent == tmp_path or p.parent.parent == tmp_path for p in tmp_path.rglob("*"))


def test_pure_page_helpers_escape_image_captions(alexnet: archstats.Profile) -> None:
    page = report.profile_page_html(alexnet, [(EVIL, 'data:image/png;base64,"><script>x</script>')])
    assert "<script>alert" not in page and "<script>x" not in page
    md = report.profile_page_markdown(alexnet, [("plot", "img/a.png")])
    assert "![plot](img/a.png)" in md and render.profile_markdown(alexnet) in md


# --- the gallery ---------------------------------------------------------------------------------


@pytest.fixture
def small_zoo(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The gallery over two models and two claims (the full one takes minutes)."""
    import archstats_models as zoo
    from archstats import claims

    infos = [zoo.get_model_info("alexnet"), zoo.get_model_info("squeezenet1_0")]
    monkeypatch.setattr(zoo, "list_models", lambda pattern=None: infos)
    monkeypatch.setattr(report, "COMPARISONS", (("alexnet-vs-squeezenet", ("alexnet", "squeezenet1_0")),))
    subset = [c for c in claims.catalog() if c.id.startswith("conv")][:2] or claims.catalog()[:2]
    monkeypatch.setattr(claims, "catalog", lambda: subset)
    return [i.name for i in infos]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_gallery(tmp_path: Path, small_zoo: list[str], fmt: str) -> None:
    from archstats.claims import catalog, run
    from archstats.claims.report import to_markdown

    steps: list[tuple[str, int, int]] = []
    paths = report.write_gallery(tmp_path, fmt, on_step=lambda *a: steps.append(a))
    assert steps[-1][1] == steps[-1][2] == report.gallery_steps(len(small_zoo)) == len(steps)
    pages = {p.name for p in paths if p.suffix == f".{fmt}"}
    notes = {f"{n}.{fmt}" for n in ("000", "001", "002", "003", "004")}  # the notes the claims page links to
    assert pages == {f"index.{fmt}", f"claims.{fmt}", f"alexnet-vs-squeezenet.{fmt}"} | notes | {
        f"{n}.{fmt}" for n in small_zoo
    }
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(paths)
    index = (tmp_path / f"index.{fmt}").read_text(encoding="utf-8")
    profiles = [archstats.profile(n) for n in small_zoo]
    if fmt == "md":
        assert (tmp_path / "claims.md").read_text(encoding="utf-8") == to_markdown(run(catalog()))
        (table,) = md_tables(index)
        assert table[0] == report.INDEX_HEADERS
        links = [re.fullmatch(r"\[(.+)\]\((.+)\)", row[0]) for row in table[1:]]
        assert [(m.group(1), m.group(2)) for m in links] == [(n, f"{n}.md") for n in small_zoo]  # type: ignore[union-attr]
        cells = [[m.group(1)] + row[1:] for m, row in zip(links, table[1:])]  # type: ignore[union-attr]
        targets = re.findall(r"\]\(([^)]+)\)", index)
    else:
        page = Page(index)
        assert_self_contained(page)
        cells = page.tables[0]["tbody"]
        assert page.tables[0]["thead"] == [report.INDEX_HEADERS]
        targets = [a["href"] for t, a in page.tags if t == "a"]
        claims_page = Page((tmp_path / "claims.html").read_text(encoding="utf-8"))
        assert claims_page.tables and all(c.id in " ".join(claims_page.text) for c in catalog())
    assert cells == report.index_cells(profiles)
    assert cells[0][:3] == ["alexnet", "alexnet", "2012"]
    assert cells[0][4:7] == [
        human(profiles[0].totals.params),
        human(profiles[0].totals.macs, "macs"),
        human(profiles[0].totals.peak_bytes, "bytes"),
    ]
    for target in targets:
        assert (tmp_path / target).is_file(), target


# --- the command ---------------------------------------------------------------------------------


def _files(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


def test_cli_report_writes_only_under_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    root = tmp_path
    # the working directory is tmp_path: every file written is visible below it
    result = runner.invoke(main, ["report", "alexnet", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert _files(root) == {Path("out/alexnet.md")} | {
        Path(f"out/img/alexnet-{s}.png") for s, _, _ in report.PROFILE_PLOTS
    }
    result = runner.invoke(main, ["report", "alexnet", "squeezenet", "--format", "html", "--out", "out/html"])
    assert result.exit_code == 0, result.output
    assert Path("out/html/alexnet-vs-squeezenet1_0.html") in _files(root)
    assert all(p.parts[0] == "out" for p in _files(root))


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "alexnett", "--out", "out"], "alexnet"),
        (["report", "--out", "out"], "--all"),
        (["report", "alexnet", "--all", "--out", "out"], "--all"),
        (["report", "alexnet", "--format", "pdf", "--out", "out"], "pdf"),
    ],
)
def test_cli_report_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert _files(tmp_path) == set(), "a failed report writes nothing"

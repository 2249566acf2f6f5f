"""Reports on disk: one model's page, a comparison page, and the gallery of the whole zoo.

Pages come in two formats. Markdown pages (``DIR/<name>.md``) reference PNG plots written beside
them (``DIR/img/<name>-<plot>.png``). HTML pages (``DIR/<name>.html``) are single self-contained
files: plots embedded as base64 data URIs, inline CSS, no network access, readable without
JavaScript (a small inline script only makes tables sortable).

Table content comes from :mod:`archstats.render` (``layer_cells``, ``summary_lines``,
``compare_cells``), so a page holds exactly the numbers the API gives, formatted by the one
formatter :func:`archstats.units.human`. Every text reaching HTML goes through ``html.escape``.
Nothing is written outside the output directory.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import compare as cmp
from . import doc, formats, render
from . import metrics as M
from .errors import UsageError
from .profile import CONVENTIONS, Profile

FORMATS = formats.names("report.profile")

# The famous pairs of the notes: (page name, models)
COMPARISONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("alexnet-vs-squeezenet", ("alexnet", "squeezenet1_0")),
    ("vgg16-vs-googlenet-vs-resnet50", ("vgg16", "googlenet", "resnet50")),
    ("mobilenet-vs-conv", ("mobilenet_v1", "mobilenet_v1_conv")),
)

# (file suffix, caption, plots function name) for a single model's page
PROFILE_PLOTS: tuple[tuple[str, str, str], ...] = (
    ("layers", "Per-layer profile", "layer_profile_figure"),
    ("rf", "Receptive field growth", "receptive_field_figure"),
    ("families", "MACs by op family", "macs_by_family_figure"),
)

Image = tuple[str, str]  # (caption, src): a relative path for Markdown, a data URI for HTML
Step = Callable[[str, int, int], None]  # (what was done, steps done, steps in all)


# A page's stem at most this long: with "-compare.png" (its plot) and ".html" the file name stays
# well under the 255 bytes file systems allow.
MAX_STEM = 100


def short_stem(stem: str) -> str:
    """``stem`` as it is up to :data:`MAX_STEM` characters; a longer one (a comparison of a dozen
    models) becomes its first 80 characters, ``-``, and 12 hex digits of its SHA-256: the same
    models in the same order always give the same file name, and different ones differ."""
    if len(stem) <= MAX_STEM:
        return stem
    digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:12]
    return f"{stem[:80]}-{digest}"


def page_stem(name: str) -> str:
    """A file name for a model or page name: import paths and odd characters become ``_``; long
    names are shortened by :func:`short_stem`."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._")
    return short_stem(stem or "model")


# --- images -------------------------------------------------------------------------------------


def _mime(path: Path) -> str:
    return "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"


def data_uri(path: Path) -> str:
    return f"data:{_mime(path)};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


class InlineSvg(str):
    """An image's ``src`` that is SVG markup written into the HTML page itself (made by
    :func:`archstats.plots.svg_markup`, titles escaped), rather than a path or data URI: only this
    type is written unescaped, never a plain string."""


class _ImageWriter:
    """Saves figures: beside a Markdown page (``img/``), or into data URIs for an HTML page.

    For HTML the figure passes through a scratch directory inside ``out_dir`` that is removed
    afterwards, so nothing is written outside the output directory.
    """

    def __init__(self, out_dir: Path, fmt: str) -> None:
        self.out_dir = out_dir
        self.fmt = fmt
        self.written: list[Path] = []

    def save(self, fig: Any, stem: str, caption: str) -> Image:
        from . import plots

        if self.fmt == "md":
            img_dir = self.out_dir / "img"
            img_dir.mkdir(parents=True, exist_ok=True)
            path = Path(plots.save(fig, img_dir / f"{stem}.png"))
            self.written.append(path)
            return caption, path.relative_to(self.out_dir).as_posix()
        scratch = Path(tempfile.mkdtemp(prefix=".archstats-img-", dir=self.out_dir))
        try:
            path = Path(plots.save(fig, scratch / f"{stem}.png"))
            return caption, data_uri(path)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def save_inline(self, fig: Any, stem: str, caption: str, titles: Mapping[str, str]) -> Image:
        """Like :meth:`save`, but an HTML page gets the figure as inline SVG whose elements named
        in ``titles`` (id to text) name themselves on hover; Markdown keeps the PNG."""
        from . import plots

        if self.fmt == "md":
            return self.save(fig, stem, caption)
        return caption, InlineSvg(plots.svg_markup(fig, titles))


def profile_images(p: Profile, writer: _ImageWriter, stem: str) -> list[Image]:
    from . import plots

    return [
        writer.save(getattr(plots, fn)(p), f"{stem}-{suffix}", f"{p.name}: {caption}")
        for suffix, caption, fn in PROFILE_PLOTS
    ]


def compare_images(profiles: Sequence[Profile], writer: _ImageWriter, stem: str) -> list[Image]:
    from . import plots

    return [
        writer.save(
            plots.compare_figure(profiles), f"{stem}-compare", "Comparison: " + ", ".join(p.name for p in profiles)
        )
    ]


def index_images(profiles: Sequence[Profile], families: Mapping[str, str], writer: _ImageWriter) -> list[Image]:
    """The zoo scatter: the models of the notes' comparisons named first; in HTML every point
    names itself on hover."""
    from . import plots

    first = [name for _, names in COMPARISONS for name in names]
    fig = plots.zoo_scatter_figure(profiles, families, label_first=first)
    tips = plots.zoo_tooltips(profiles, families)
    return [writer.save_inline(fig, "index-zoo", "The zoo: MACs against parameters", tips)]


# --- Markdown pages ------------------------------------------------------------------------------


def _md_images(images: Sequence[Image]) -> str:
    return "\n\n".join(f"![{doc.md_text(caption)}]({src})" for caption, src in images)


def profile_page_markdown(p: Profile, images: Sequence[Image] = ()) -> str:
    """Summary (totals, conventions, input, status), plots, and the per-layer table."""
    parts = [f"# archstats report: {doc.md_text(p.name)}", ""]
    if images:
        parts += [_md_images(images), ""]
    # render.profile_markdown: "## name", the summary lines as bullets, the table with its totals row
    parts.append(render.profile_markdown(p))
    return "\n".join(parts)


def compare_page_markdown(profiles: Sequence[Profile], images: Sequence[Image] = (), title: str | None = None) -> str:
    title = title or " vs ".join(p.name for p in profiles)
    parts = [f"# {doc.md_text(title)}", "", render.compare_markdown(profiles)]
    if images:
        parts += [_md_images(images), ""]
    return "\n".join(parts)


def _zoo_info(name: str) -> Any:
    import archstats_models as zoo

    try:
        return zoo.get_model_info(name)
    except zoo.UnknownModelError:
        return None


_INDEX_METRICS = (M.PARAMS, M.MACS, M.PEAK_BYTES)
INDEX_HEADERS = ["Model", "Family", "Year", "Input", *(m.label for m in _INDEX_METRICS), "Status"]


def index_cells(profiles: Sequence[Profile]) -> list[list[str]]:
    """One row per model: name, family, year, input, params, MACs, peak memory, status."""
    rows = []
    for p in profiles:
        info = _zoo_info(p.name)
        r = cmp.row(p)
        zoo = [info.family, str(info.year)] if info else ["-", "-"]
        rows.append([p.name, *zoo, r["input"], *(m.format(r[m.name]) for m in _INDEX_METRICS), r["status"]])
    return rows


def _links(links: Mapping[str, str]) -> list[tuple[str, str]]:
    return list(links.items())


def _gallery_intro(profiles: Sequence[Profile]) -> str:
    conv = profiles[0].convention if profiles else "full"
    return (
        f"{len(profiles)} reference models, each profiled at its own default input size (batch 1, eval mode, "
        f"float32). Convention {conv}: {CONVENTIONS[conv]}."
    )


def index_page_markdown(
    profiles: Sequence[Profile],
    images: Sequence[Image] = (),
    pages: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """The zoo table (linking each model to ``pages[name]``), the scatter plot, links in ``extra``.

    Names and labels are escaped by :mod:`archstats.doc` (HTML, emphasis, link brackets, pipes).
    """
    pages = pages or {}
    parts = ["# archstats gallery", "", _gallery_intro(profiles), ""]
    if extra:
        parts += [f"- {doc.md_inline(doc.Link(label, href))}" for label, href in _links(extra)] + [""]
    if images:
        parts += [_md_images(images), ""]
    parts += [doc.markdown([_index_table(profiles, pages)])]
    return "\n".join(parts)


def _index_table(profiles: Sequence[Profile], pages: Mapping[str, str]) -> doc.Table:
    """The zoo table, each model's name linking to its page when it has one."""
    rows = []
    for name, *cells in index_cells(profiles):
        rows.append((doc.Link(name, pages[name]) if name in pages else name, *cells))
    numeric = tuple(range(4, len(INDEX_HEADERS)))  # params, MACs, memory and status: right-aligned
    return doc.Table(tuple(INDEX_HEADERS), tuple(rows), numeric=numeric)


# --- HTML pages ----------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 1200px;
       padding: 0 1rem; color: #1d1d1f; background: #fff; line-height: 1.45; }
h1 { font-size: 1.7rem; } h2 { font-size: 1.3rem; margin-top: 2rem; } h3 { font-size: 1.05rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #d0d0d5; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #f0f0f4; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafafc; }
tfoot td { font-weight: bold; background: #f0f0f4; }
table.sortable th { cursor: pointer; }
table.sortable th[aria-sort="ascending"]::after { content: " \\25B2"; }
table.sortable th[aria-sort="descending"]::after { content: " \\25BC"; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #e5e5ea; }
figcaption { font-size: 0.85rem; color: #555; }
code { background: #f3f3f6; padding: 0 0.2rem; }
.verdict-holds { color: #137333; } .verdict-approx { color: #a15c00; } .verdict-fails { color: #c5221f; }
.verdict-not-checkable { color: #0b6e99; } .verdict-error { color: #8e24aa; }
"""

# Sorting only: the page is complete without it. Human units (1.25M, 58.2 MiB, 0.72 GMACs) sort by value.
_SORT_JS = """
(function () {
  var scale = {"": 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12, KiB: 1024, MiB: 1048576, GiB: 1073741824, TiB: 1099511627776};
  function key(text) {
    var t = text.trim().replace(/,/g, "");
    var m = /^(-?\\d+(?:\\.\\d+)?)\\s*(KiB|MiB|GiB|TiB|[KMGT])?(?:\\s*(?:MACs|FLOPs|B|x))?$/.exec(t);
    return m ? parseFloat(m[1]) * scale[m[2] || ""] : null;
  }
  function sortBy(table, col, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = a.cells[col] ? a.cells[col].textContent : "", y = b.cells[col] ? b.cells[col].textContent : "";
      var kx = key(x), ky = key(y), c;
      if (kx !== null && ky !== null) { c = kx - ky; } else { c = x.localeCompare(y, undefined, {numeric: true}); }
      return asc ? c : -c;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.title = "click to sort";
      th.addEventListener("click", function () { sortBy(table, col, th); });
    });
  });
})();
"""

e = html.escape


def html_document(title: str, body: str) -> str:
    """A complete self-contained page: inline CSS and script, no external resource."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n<script>{_SORT_JS}</script>\n</body>\n</html>\n"
    )


def html_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    left: int = 3,
    total: Sequence[str] | None = None,
    links: Mapping[int, Mapping[str, str]] | None = None,
    sortable: bool = True,
    cell_class: Callable[[int, str], str] | None = None,
) -> str:
    """An HTML table; the first ``left`` columns are text, the rest right-aligned numbers.

    ``links[col][text]`` turns a cell into a link. Every header, cell and href is escaped.
    """
    links = links or {}

    def cls(i: int, text: str = "") -> str:
        names = [] if i < left else ["num"]
        if cell_class is not None and cell_class(i, text):
            names.append(cell_class(i, text))
        return f' class="{" ".join(names)}"' if names else ""

    def cell(i: int, text: str) -> str:
        text = str(text)
        href = links.get(i, {}).get(text)
        inner = f'<a href="{e(href)}">{e(text)}</a>' if href else e(text)
        return f"<td{cls(i, text)}>{inner}</td>"

    out = ['<table class="sortable">' if sortable else "<table>", "<thead><tr>"]
    out += [f'<th scope="col"{cls(i)}>{e(str(h))}</th>' for i, h in enumerate(headers)]
    out.append("</tr></thead>\n<tbody>")
    out += ["<tr>" + "".join(cell(i, c) for i, c in enumerate(r)) + "</tr>" for r in rows]
    out.append("</tbody>")
    if total is not None:
        out.append(
            "<tfoot><tr>" + "".join(f"<td{cls(i)}>{e(str(c))}</td>" for i, c in enumerate(total)) + "</tr></tfoot>"
        )
    out.append("</table>")
    return "\n".join(out)


def _html_images(images: Sequence[Image]) -> str:
    def figure(caption: str, src: str) -> str:
        # inline SVG is markup made (and escaped) by plots.svg_markup; any other src is an attribute
        picture = src if isinstance(src, InlineSvg) else f'<img src="{e(src)}" alt="{e(caption)}">'
        return f"<figure>{picture}<figcaption>{e(caption)}</figcaption></figure>"

    return "\n".join(figure(caption, src) for caption, src in images)


def _html_list(items: Sequence[str]) -> str:
    return "<ul>\n" + "\n".join(f"<li>{e(i)}</li>" for i in items) + "\n</ul>"


def profile_page_html(p: Profile, images: Sequence[Image] = ()) -> str:
    headers, rows, total = render.layer_cells(p)
    body = [
        f"<h1>{e(p.name)}</h1>",
        '<h2 id="summary">Summary</h2>',
        _html_list(render.summary_lines(p)),
    ]
    if images:
        body += ['<h2 id="plots">Plots</h2>', _html_images(images)]
    body += ['<h2 id="layers">Layers</h2>', html_table(headers, rows, left=3, total=total)]
    return html_document(f"archstats: {p.name}", "\n".join(body))


def compare_page_html(profiles: Sequence[Profile], images: Sequence[Image] = (), title: str | None = None) -> str:
    title = title or " vs ".join(p.name for p in profiles)
    headers, rows = render.compare_cells(profiles)
    conv = profiles[0].convention
    body = [
        f"<h1>{e(title)}</h1>",
        html_table(headers, rows, left=1, sortable=False),
        '<h2 id="ratios">Ratios against the first model</h2>',
        _html_list([r.sentence() for r in cmp.ratios(profiles)]),
        f"<p>Convention {e(conv)}: {e(CONVENTIONS[conv])}</p>",
    ]
    if images:
        body += ['<h2 id="plots">Plots</h2>', _html_images(images)]
    return html_document(f"archstats: {title}", "\n".join(body))


def index_page_html(
    profiles: Sequence[Profile],
    images: Sequence[Image] = (),
    pages: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    body = ["<h1>archstats gallery</h1>", f"<p>{e(_gallery_intro(profiles))}</p>"]
    if extra:
        body.append(
            "<ul>\n" + "\n".join(f'<li><a href="{e(h)}">{e(label)}</a></li>' for label, h in _links(extra)) + "\n</ul>"
        )
    if images:
        body.append(_html_images(images))
    body.append(html_table(INDEX_HEADERS, index_cells(profiles), left=4, links={0: dict(pages or {})}))
    return html_document("archstats gallery", "\n".join(body))


def claims_page_html(results: Sequence[Any], title: str = "The notes' claims, checked by measurement") -> str:
    """The claims report as HTML: the same blocks as ``claims.report.to_markdown``, linking to the notes' HTML pages."""
    from .claims import report as claims_report

    return claims_report.to_html(results, title=title)


# --- writing -------------------------------------------------------------------------------------


def _check_format(fmt: str) -> None:
    formats.renderer("report.profile", fmt)  # refuses a format the table does not list


def _as_profile(item: Any, input_size: Any = None, batch_size: int = 1) -> Profile:
    if isinstance(item, Profile):
        return item
    from .profile import profile

    return profile(item, input_size, batch_size)


def _write(path: Path, text: str) -> Path:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:  # the user's output directory: one line naming the file
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def prepare_out_dir(out_dir: str | Path) -> Path:
    """``out_dir``, created if missing; a usage error naming it when it cannot be created or written
    (probed with a temporary file, removed at once: permissions alone pass for root on a
    read-only or virtual file system such as /proc)."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write to the output directory {out}: {exc.strerror or exc}") from None
    return out


def write_note_pages(out_dir: Path, fmt: str) -> list[Path]:
    """The lecture notes' pages the claims page links to (``notes/NNN.md`` or ``.html``) in ``out_dir``."""
    from .claims.report import note_pages

    written = []
    for rel, text in note_pages(fmt).items():
        path = out_dir / rel
        prepare_out_dir(path.parent)
        written.append(_write(path, text))
    return written


def write_profile_page(p: Profile, out_dir: Path, fmt: str, stem: str | None = None) -> list[Path]:
    stem = stem or page_stem(p.name)
    writer = _ImageWriter(out_dir, fmt)
    images = profile_images(p, writer, stem)
    page = formats.render_text("report.profile", fmt, p, images)
    return writer.written + [_write(out_dir / f"{stem}.{fmt}", page)]


def write_compare_page(profiles: Sequence[Profile], out_dir: Path, fmt: str, stem: str | None = None) -> list[Path]:
    stem = stem or short_stem("-vs-".join(page_stem(p.name) for p in profiles))
    writer = _ImageWriter(out_dir, fmt)
    images = compare_images(profiles, writer, stem)
    title = " vs ".join(p.name for p in profiles)
    page = formats.render_text("report.compare", fmt, profiles, images, title)
    return writer.written + [_write(out_dir / f"{stem}.{fmt}", page)]


def write_report(
    names_or_profiles: Sequence[Any] | Any,
    out_dir: str | Path,
    fmt: str = "md",
    input_size: Any = None,
    batch_size: int = 1,
) -> list[Path]:
    """One model: its page; several: their comparison page. Returns the files written.

    Items are registry names, import paths, ``nn.Module`` objects or :class:`Profile` objects;
    ``input_size`` (input specs, as :func:`archstats.profile` takes) and ``batch_size`` apply to
    every item that is not already a profile.
    """
    _check_format(fmt)
    items = (
        [names_or_profiles]
        if isinstance(names_or_profiles, (str, Profile)) or not isinstance(names_or_profiles, Sequence)
        else list(names_or_profiles)
    )
    if not items:
        raise UsageError("report needs at least one model")
    out = prepare_out_dir(out_dir)  # before any model runs: a wrong directory fails at once
    profiles = [_as_profile(i, input_size, batch_size) for i in items]
    if len(profiles) == 1:
        return write_profile_page(profiles[0], out, fmt)
    return write_compare_page(profiles, out, fmt)


def gallery_steps(n_models: int) -> int:
    """Steps :func:`write_gallery` reports: profile and page per model, claims, comparisons, index."""
    return 2 * n_models + 1 + len(COMPARISONS) + 1


class _Steps:
    """Counts the gallery's steps and reports each to ``on_step``."""

    def __init__(self, total: int, on_step: Step | None) -> None:
        self.total, self.done, self.on_step = total, 0, on_step

    def __call__(self, label: str) -> None:
        self.done += 1
        if self.on_step is not None:
            self.on_step(label, self.done, self.total)


def _model_pages(
    profiles: Mapping[str, Profile], out: Path, fmt: str, step: _Steps
) -> tuple[list[Path], dict[str, str]]:
    """A page per model; returns the files written and each model's page (for the index's links)."""
    written: list[Path] = []
    pages: dict[str, str] = {}
    for name, p in profiles.items():
        stem = page_stem(name)
        written += write_profile_page(p, out, fmt, stem)
        pages[name] = f"{stem}.{fmt}"
        step(f"page {name}")
    return written, pages


def _comparison_pages(
    profiles: Mapping[str, Profile], out: Path, fmt: str, step: _Steps
) -> tuple[list[Path], dict[str, str]]:
    """The notes' comparisons; returns the files written and a link to each page."""
    from .profile import profile

    written: list[Path] = []
    links: dict[str, str] = {}
    for stem, names in COMPARISONS:
        group = [profiles[n] if n in profiles else profile(n) for n in names]
        written += write_compare_page(group, out, fmt, stem)
        links["Comparison: " + " vs ".join(names)] = f"{stem}.{fmt}"
        step(f"comparison {stem}")
    return written, links


def write_gallery(out_dir: str | Path, fmt: str = "md", on_step: Step | None = None) -> list[Path]:
    """The gallery: index (zoo table and scatter), one page per model, the claims page, comparisons."""
    import archstats_models as zoo

    from .claims import catalog, run
    from .profile import profile

    _check_format(fmt)
    out = prepare_out_dir(out_dir)
    infos = zoo.list_models()
    step = _Steps(gallery_steps(len(infos)), on_step)
    profiles: dict[str, Profile] = {}
    for info in infos:
        profiles[info.name] = profile(info.name)
        step(f"profiled {info.name}")
    written, pages = _model_pages(profiles, out, fmt, step)

    written.append(_write(out / f"claims.{fmt}", formats.render_text("report.claims", fmt, run(catalog()))))
    written += write_note_pages(out, fmt)
    step("claims")
    compared, links = _comparison_pages(profiles, out, fmt, step)
    written += compared

    ordered = list(profiles.values())
    writer = _ImageWriter(out, fmt)
    images = index_images(ordered, {i.name: i.family for i in infos}, writer)
    extra = {"The notes' claims, checked by measurement": f"claims.{fmt}", **links}
    page = formats.render_text("report.index", fmt, ordered, images, pages, extra)
    written += writer.written + [_write(out / f"index.{fmt}", page)]
    step("index")
    return written

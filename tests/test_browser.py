"""The HTML report in a real browser: headless Chromium renders it offline, every table is there,
every embedded plot decodes, no error reaches the console, and the sortable tables sort.

Chromium is driven through its command line only (``--dump-dom`` and ``--screenshot``). To see
what the page did, a copy of the report gets two inline scripts: one first in ``<head>`` that
records errors (script errors, failed resources, ``console.error``), and one last in ``<body>``
that, once the page has loaded, writes its findings as JSON into a ``<pre>`` of the dumped DOM.

A screenshot of the report is kept under the test's ``tmp_path`` and, when the environment
variable ``ARCHSTATS_ARTIFACTS`` names a directory, copied there.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import archstats
from archstats import render, report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium binary (chromium / /usr/bin/chromium) to render the HTML report"
)

RECORDER = """<script>
window.__errors = [];
window.addEventListener("error", function (e) {
  var t = e.target;
  window.__errors.push(
    t && t !== window && t.tagName ? "failed to load <" + t.tagName.toLowerCase() + ">" : String(e.message)
  );
}, true);
window.addEventListener("unhandledrejection", function (e) {
  window.__errors.push("unhandled rejection: " + e.reason);
});
(function () {
  var original = console.error;
  console.error = function () {
    window.__errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
    return original.apply(console, arguments);
  };
})();
</script>"""

CHECKER = """<script>
window.addEventListener("load", function () {
  var out = {errors: window.__errors, tables: [], images: [], sorted: null};
  Array.prototype.forEach.call(document.querySelectorAll("table"), function (t) {
    out.tables.push({rows: t.tBodies[0] ? t.tBodies[0].rows.length : 0,
                     headers: t.tHead ? t.tHead.rows[0].cells.length : 0,
                     sortable: t.classList.contains("sortable")});
  });
  Array.prototype.forEach.call(document.images, function (img) {
    out.images.push({alt: img.alt, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
                     data: img.src.slice(0, 5) === "data:"});
  });
  var table = document.querySelector("table.sortable");
  if (table) {
    var ths = table.tHead.rows[0].cells, col = -1;
    for (var i = 0; i < ths.length; i++) { if (ths[i].textContent === "Params") { col = i; } }
    if (col >= 0) {
      ths[col].click();
      out.sorted = {aria: ths[col].getAttribute("aria-sort"),
                    modules: Array.prototype.map.call(table.tBodies[0].rows,
                                                      function (r) { return r.cells[0].textContent; })};
    }
  }
  var pre = document.createElement("pre");
  pre.id = "archstats-check";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def _run(args: list[str], profile_dir: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile_dir}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _check(page: Path, tmp_path: Path) -> dict:
    """Load an instrumented copy of ``page`` and return what the checker found."""
    raw = page.read_text(encoding="utf-8")
    assert raw.count("<head>") == 1 and raw.count("</body>") == 1
    instrumented = tmp_path / f"{page.stem}.check.html"
    instrumented.write_text(
        raw.replace("<head>", "<head>\n" + RECORDER, 1).replace("</body>", CHECKER + "\n</body>", 1), encoding="utf-8"
    )
    done = _run(["--virtual-time-budget=5000", "--dump-dom", instrumented.as_uri()], tmp_path / "chromium-profile")
    assert done.returncode == 0, done.stderr[-2000:]
    m = re.search(r'<pre id="archstats-check">(.*?)</pre>', done.stdout, re.S)
    assert m, "the check script did not run: " + done.stdout[-500:] + done.stderr[-2000:]
    return json.loads(html.unescape(m.group(1)))


def _screenshot(page: Path, tmp_path: Path) -> Path:
    shot = tmp_path / f"{page.stem}.png"
    done = _run(
        ["--window-size=1280,2000", f"--screenshot={shot}", "--virtual-time-budget=3000", page.as_uri()],
        tmp_path / "chromium-shot",
    )
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    assert shot.read_bytes().startswith(PNG_SIGNATURE) and shot.stat().st_size > 10_000
    artifacts = os.environ.get("ARCHSTATS_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, Path(artifacts) / f"report-{shot.name}")
    return shot


@pytest.fixture(scope="module")
def alexnet() -> archstats.Profile:
    return archstats.profile("alexnet")


def test_profile_report_renders_in_chromium(tmp_path: Path, alexnet: archstats.Profile) -> None:
    (page,) = report.write_report(alexnet, tmp_path / "out", "html")
    found = _check(page, tmp_path)

    assert found["errors"] == []
    _, rows, _ = render.layer_cells(alexnet)
    assert len(found["tables"]) == 1
    assert found["tables"][0] == {"rows": len(rows), "headers": len(rows[0]), "sortable": True}
    assert len(found["images"]) == len(report.PROFILE_PLOTS)
    for img in found["images"]:
        assert img["data"] and img["complete"], img
        assert img["width"] > 0 and img["height"] > 0, f"{img['alt']} did not decode"

    # clicking "Params" sorts the layers by their exact parameter counts, ascending
    params = dict(zip(alexnet.layers["module"], alexnet.layers["params"]))
    sorted_ = found["sorted"]
    assert sorted_["aria"] == "ascending"
    assert sorted(sorted_["modules"]) == sorted(params)
    order = [params[m] for m in sorted_["modules"]]
    assert order == sorted(order)

    _screenshot(page, tmp_path)


def test_compare_report_renders_in_chromium(tmp_path: Path, alexnet: archstats.Profile) -> None:
    (page,) = report.write_report([alexnet, "squeezenet1_0"], tmp_path / "out", "html")
    found = _check(page, tmp_path)
    assert found["errors"] == []
    assert [t["rows"] for t in found["tables"]] == [len(render.compare_cells([alexnet, alexnet])[1])]
    assert len(found["images"]) == 1 and found["images"][0]["width"] > 0
    _screenshot(page, tmp_path)


def test_the_checker_sees_broken_pages(tmp_path: Path) -> None:
    """The instrumentation itself: a broken image and a script error are reported, not missed."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><table><thead><tr><th>a</th></tr></thead>"
        '<tbody><tr><td>1</td></tr></tbody></table><img alt="bad" src="data:image/png;base64,AAAA">'
        "<script>undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    found = _check(page, tmp_path)
    assert any("undefinedFunction" in e for e in found["errors"]), found
    assert found["images"][0]["width"] == 0

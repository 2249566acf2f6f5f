"""Names a user controls (a model's class, a module's attribute name) reach every output format as
text: escaped in Markdown and HTML, exact in CSV and JSON, never markup."""

from __future__ import annotations

import csv
import io
import json

import pytest
from torch import nn

import archstats
from archstats import formats

CLASS = "<script>alert(1)</script>"
MODULE = "<img src=x onerror=alert(1)>"


def hostile_model() -> nn.Module:
    body = nn.Sequential()
    body.add_module(MODULE, nn.Conv2d(3, 4, 3))
    kind = type(CLASS, (nn.Module,), {"forward": lambda self, x: self.body(x)})
    model = kind()
    model.body = body
    return model


@pytest.fixture(scope="module")
def profile() -> archstats.Profile:
    return archstats.profile(hostile_model(), (3, 8, 8))


def _raw_tags(text: str) -> bool:
    # the HTML pages' own inline script is fine: only the user's names must not come through raw
    return CLASS in text or MODULE in text


def test_the_names_reach_the_profile(profile: archstats.Profile) -> None:
    assert f"body.{MODULE}" in set(profile.layers.module)
    assert profile.name == CLASS  # a model object is named after its class


@pytest.mark.parametrize(
    ("result_type", "fmt"),
    [
        ("profile", "md"),
        ("compare", "md"),
        ("report.profile", "md"),
        ("report.profile", "html"),
        ("report.compare", "md"),
        ("report.compare", "html"),
    ],
)
def test_markdown_and_html_escape_them(profile: archstats.Profile, result_type: str, fmt: str) -> None:
    subject = [profile, profile] if "compare" in result_type else profile
    text = formats.render_text(result_type, fmt, subject)
    assert not _raw_tags(text)
    # a profile page lists the module, a comparison only the models (named after the class)
    escaped = (
        "&lt;script&gt;alert(1)&lt;/script&gt;" if "compare" in result_type else "&lt;img src=x onerror=alert(1)&gt;"
    )
    assert escaped in text


def test_csv_and_json_keep_them_exact(profile: archstats.Profile) -> None:
    rows = list(csv.DictReader(io.StringIO(formats.render_text("profile", "csv", profile))))
    assert f"body.{MODULE}" in {r["module"] for r in rows}
    data = json.loads(formats.render_text("profile", "json", profile))
    assert CLASS in json.dumps(data, ensure_ascii=False)


def test_terminal_table_prints_them_verbatim(profile: archstats.Profile) -> None:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    for item in formats.render("profile", "table", profile):
        console.print(item, markup=False) if isinstance(item, str) else console.print(item)
    assert MODULE in buffer.getvalue()  # rich markup did not eat the brackets or tags

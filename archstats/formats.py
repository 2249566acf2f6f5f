"""Every output format of every command, said once: result type -> format name -> renderer.

The CLI takes its ``--format`` choices from :data:`FORMATS` and renders through :func:`render`,
which refuses a format the table does not list (:class:`~archstats.errors.UsageError`) rather
than falling back to a table. A renderer is a pure function of the result (and the type's view
options, below): ``table`` returns what a terminal shows, a list of rich renderables and plain
lines in order; every other format gives the exact text of the output, final newline included
(an entry's ``end`` adds it where the function's text, used elsewhere too, has none).

Result types, with the arguments their renderers take:

* ``profile``: a :class:`~archstats.profile.Profile` and the roll-up depth;
* ``compare``: a sequence of profiles;
* ``list``: the records of :func:`archstats.render.model_rows`;
* ``claims``: claim results and whether to show each claim's detail;
* ``crosscheck``: a :class:`~archstats.crosscheck.CrossCheck` and whether to add per-module figures;
* ``sweep``: a :class:`~archstats.sweep.SweepResult`;
* ``check``: a :class:`~archstats.budgets.CheckReport` (``md`` and ``junit`` are written to files);
* ``bench``: a :class:`~archstats.bench.BenchResult`;
* ``report.profile``, ``report.compare``, ``report.index``, ``report.claims``: the pages of
  ``archstats report`` (see :mod:`archstats.report` for their arguments).

Modules are imported when a renderer is first called, so that reading the table (``archstats
--help``) stays light.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import UsageError


@dataclass(frozen=True)
class Renderer:
    """``archstats.<module>.<function>``, imported when called; ``end`` is appended to its text."""

    module: str
    function: str
    end: str = ""

    def resolve(self) -> Any:
        return getattr(importlib.import_module(f"archstats.{self.module}"), self.function)

    def __call__(self, *args: Any) -> Any:
        out = self.resolve()(*args)
        return out + self.end if self.end else out


def _r(path: str, end: str = "") -> Renderer:
    module, _, function = path.partition(":")
    return Renderer(module, function, end)


# A document printed as one more line (JSON, most Markdown) gets end="\n"; CSV already ends with one.
FORMATS: dict[str, dict[str, Renderer]] = {
    "profile": {
        "table": _r("render:profile_table"),
        "csv": _r("render:profile_csv"),
        "json": _r("render:profile_json", "\n"),
        "md": _r("render:profile_markdown", "\n"),
    },
    "compare": {
        "table": _r("render:compare_table"),
        "csv": _r("render:compare_csv"),
        "json": _r("render:compare_json", "\n"),
        "md": _r("render:compare_markdown", "\n"),
    },
    "list": {
        "table": _r("render:list_table"),
        "csv": _r("render:list_csv"),
        "json": _r("render:list_json", "\n"),
        "md": _r("render:list_markdown", "\n"),
    },
    "claims": {
        "table": _r("claims.report:table"),
        "csv": _r("claims.report:to_csv"),
        "json": _r("claims.report:to_json", "\n"),
        "md": _r("claims.report:to_markdown"),
        "html": _r("claims.report:to_html"),
    },
    "crosscheck": {
        "table": _r("crosscheck.render:rich_renderables"),
        "csv": _r("crosscheck.render:to_csv"),
        "json": _r("crosscheck.render:to_json", "\n"),
        "md": _r("crosscheck.render:to_markdown", "\n"),
    },
    "sweep": {
        "table": _r("render:sweep_table"),
        "csv": _r("render:sweep_csv"),
        "json": _r("render:sweep_json", "\n"),
        "md": _r("render:sweep_markdown", "\n"),
    },
    "check": {
        "table": _r("budgets:table"),
        "md": _r("budgets:markdown"),
        "junit": _r("budgets:junit_xml"),
    },
    "bench": {
        "table": _r("render_bench:bench_table"),
        "csv": _r("render_bench:bench_csv"),
        "json": _r("render_bench:bench_json", "\n"),
        "md": _r("render_bench:bench_markdown"),
    },
    "report.profile": {"md": _r("report:profile_page_markdown"), "html": _r("report:profile_page_html")},
    "report.compare": {"md": _r("report:compare_page_markdown"), "html": _r("report:compare_page_html")},
    "report.index": {"md": _r("report:index_page_markdown"), "html": _r("report:index_page_html")},
    "report.claims": {"md": _r("claims.report:to_markdown"), "html": _r("report:claims_page_html")},
}


def names(result_type: str) -> tuple[str, ...]:
    """The format names of a result type, in the order ``--help`` lists them."""
    return tuple(FORMATS[result_type])


def renderer(result_type: str, fmt: str) -> Renderer:
    """The renderer of ``fmt`` for ``result_type``; a format the table does not list is a UsageError."""
    formats = FORMATS[result_type]
    if fmt not in formats:
        what = result_type.split(".")[0]  # the report's page types share the name "report"
        raise UsageError(f"unknown {what} format {fmt!r}; choose one of: {', '.join(formats)}")
    return formats[fmt]


def render(result_type: str, fmt: str, *args: Any) -> str | Sequence[Any]:
    """``result_type`` rendered as ``fmt``: text, or for ``table`` the renderables a terminal prints."""
    return renderer(result_type, fmt)(*args)


def render_text(result_type: str, fmt: str, *args: Any) -> str:
    """As :func:`render`, for a format whose output is text (to write to a file)."""
    out = render(result_type, fmt, *args)
    if not isinstance(out, str):
        raise UsageError(f"the {fmt} format of {result_type} is for a terminal: it cannot be written to a file")
    return out

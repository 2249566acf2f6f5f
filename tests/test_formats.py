"""Every command x every format it advertises, through click's runner: the output IS that format.

The cases come from the one formats table (:data:`archstats.formats.FORMATS`), so a format added
there is tested here without a new line; a format the table does not list is refused, by click
(exit 2) for the commands and by :func:`archstats.formats.render` for the library.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from archstats import formats
from archstats.cli import CHECK_FILE_OPTIONS, main
from archstats.errors import UsageError

CLAIM = "conv1x1-vs-3x3-params"
# each command, the result type whose formats its --format offers, and one cheap invocation
COMMANDS: dict[str, tuple[str, list[str]]] = {
    "list": ("list", ["list", "squeezenet*"]),
    "profile": ("profile", ["profile", "lenet5"]),
    "compare": ("compare", ["compare", "lenet5", "squeezenet1_0"]),
    "claims": ("claims", ["claims", CLAIM]),
    "crosscheck": ("crosscheck", ["crosscheck", "lenet5", "--tools", "flopcounter"]),
    "sweep": ("sweep", ["sweep", "lenet5", "--batch", "1,2"]),
    "bench": ("bench", ["bench", "lenet5", "--repeats", "2", "--warmup", "1", "--no-roofs"]),
    "check": ("check", ["check"]),  # no --format: the table on stdout, each other format to its file
    "report": ("report.profile", ["report", "lenet5"]),  # writes pages; one --format for every page type
}
REPORT_PAGES = ("report.profile", "report.compare", "report.index", "report.claims")
CASES = [(command, fmt) for command, (result_type, _) in COMMANDS.items() for fmt in formats.names(result_type)]
CSV_HEADERS = {
    "list": "name,family,year,input_size,aliases,paper,arxiv",
    "profile": "module,type,call,input_shape,output_shape,params,macs,flops,read_bytes,written_bytes,flops_per_byte,"
    "activation_bytes,saved_bytes,"
    "peak_live_bytes,rf_size_h,rf_size_w,rf_jump_h,rf_jump_w,rf_start_h,rf_start_w,rf_status,depth,n_ops,uncounted",
    "compare": "model,input,params,macs,flops,peak_bytes,activation_bytes,model_bytes_fp32,traffic_bytes,rf,depth,"
    "status",
    "claims": "id,section,source,quote,translation,statement,interpretation,verdict,expected,measured,rel_diff,"
    "explanation,formula,correction",
    "crosscheck": "tool,version,unit,status,measured,measured_macs,predicted,archstats_macs,gap_macs,explained_macs,"
    "unexplained",
    "sweep": "parameter,value,model,input,batch,params,macs,flops,peak_bytes,activation_bytes",
    "bench": "module,call,type,family,flops,read_bytes,written_bytes,flops_per_byte,time_median_s,time_min_s,"
    "time_max_s,time_iqr_s,inclusive_median_s,share,achieved_flops_per_s,bound_s",
}
BUDGETS = '[budgets.lenet]\nmodel = "lenet5"\nmax_params = "1M"\nmax_macs = "1G"\n'


def _invoke(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def _output(command: str, fmt: str, tmp_path: Path) -> str:
    """What ``command`` produces in ``fmt``: stdout, or the file the format is written to."""
    args = COMMANDS[command][1]
    if command == "check":
        config = tmp_path / "budgets.toml"
        config.write_text(BUDGETS, encoding="utf-8")
        if fmt == "table":
            return _invoke([*args, "--config", str(config)])
        target = tmp_path / f"check.{fmt}"
        _invoke([*args, "--config", str(config), CHECK_FILE_OPTIONS[fmt][0], str(target)])
        return target.read_text(encoding="utf-8")
    if command == "report":
        _invoke([*args, "--format", fmt, "--out", str(tmp_path)])
        return (tmp_path / f"lenet5.{fmt}").read_text(encoding="utf-8")
    return _invoke([*args, "--format", fmt])


# --- what each format is -------------------------------------------------------------------------


def _is_csv(text: str, command: str) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    assert ",".join(rows[0]) == CSV_HEADERS[command]
    assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns) == rows[0] and len(frame) == len(rows) - 1


def _is_json(text: str, command: str) -> None:
    assert json.loads(text)


_SEPARATOR = re.compile(r"^\|( *:?-{3,}:? *\|)+$")


def _is_markdown(text: str, command: str) -> None:
    lines = text.splitlines()
    seps = [i for i, line in enumerate(lines) if _SEPARATOR.match(line)]
    assert seps, "no |---| separator row"
    for i in seps:
        header, separator = lines[i - 1], lines[i]
        assert header.startswith("|") and header.endswith("|")
        cells = re.compile(r"(?<!\\)\|")  # a cell's own pipes are escaped
        assert len(cells.split(header)) == len(cells.split(separator))


def _is_table(text: str, command: str) -> None:
    assert text.strip()
    with pytest.raises(ValueError):
        json.loads(text)


def _is_junit(text: str, command: str) -> None:
    root = ET.fromstring(text)
    assert root.tag == "testsuite" and root.findall("testcase")


class _Html(HTMLParser):
    VOID = {"meta", "img", "br", "hr", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()


def _is_html(text: str, command: str) -> None:
    assert text.startswith("<!DOCTYPE html>")
    parser = _Html()
    parser.feed(text)
    parser.close()
    assert parser.open == [] and {"html", "body", "table"} <= parser.seen


CHECKS = {"csv": _is_csv, "json": _is_json, "md": _is_markdown, "table": _is_table, "junit": _is_junit}
CHECKS["html"] = _is_html


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command, fmt", CASES, ids=[f"{c}-{f}" for c, f in CASES])
def test_output_is_the_format(command: str, fmt: str, tmp_path: Path) -> None:
    assert fmt in CHECKS, f"no check for the format {fmt!r}: add one to CHECKS"
    CHECKS[fmt](_output(command, fmt, tmp_path), command)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "check"])
def test_unknown_format_is_a_usage_error(command: str) -> None:
    result = CliRunner().invoke(main, [*COMMANDS[command][1], "--format", "nope"])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--format'" in result.output and "Traceback" not in result.output


def test_every_result_type_is_offered_by_a_command() -> None:
    offered = {result_type for result_type, _ in COMMANDS.values()}
    assert set(formats.FORMATS) == offered | set(REPORT_PAGES)
    # the report command's one --format applies to every page it writes
    assert {formats.names(page) for page in REPORT_PAGES} == {formats.names("report.profile")}
    assert set(CHECK_FILE_OPTIONS) == set(formats.names("check")) - {"table"}


@pytest.mark.parametrize("result_type", list(formats.FORMATS))
def test_library_dispatch_refuses_unknown_format(result_type: str) -> None:
    with pytest.raises(UsageError, match="unknown .* format 'nope'; choose one of"):
        formats.render(result_type, "nope", None)
    for renderer in formats.FORMATS[result_type].values():
        assert callable(renderer.resolve()), renderer  # every entry names a function that exists

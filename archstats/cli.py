"""The ``archstats`` command: a thin layer over the library.

Exit codes: 0 success; 1 the analysis failed (the model's forward raised, or ``--strict`` found
uncounted ops); 2 usage errors (unknown model, malformed size, bad import path).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any, Callable

import click

from .errors import ArchstatsError, ModelRunError, UncountedOpsError

FORMATS = ("table", "csv", "json", "md")


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Off a terminal rich would wrap at 80 columns; CI logs and pipes read better wide.
    width = None if stream.isatty() else 160
    return Console(stderr=stderr, highlight=False, width=width)


def _fail(message: str, code: int) -> None:
    _console(stderr=True).print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    sys.exit(code)


def _exit_code(exc: ArchstatsError) -> int:
    return 1 if isinstance(exc, (ModelRunError, UncountedOpsError)) else 2


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """One line on stderr and a meaningful exit code instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ArchstatsError as exc:
            _fail(str(exc), _exit_code(exc))
        except Exception as exc:  # a bug in archstats: still one line, with a way to see more
            if os.environ.get("ARCHSTATS_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (set ARCHSTATS_DEBUG=1 for the traceback)", 1)

    return wrapper


def _profile_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--input", "input_size", default=None, help="Input size without batch, e.g. 3x224x224 (default: the model's own)."),
        click.option("--batch", "batch_size", type=click.IntRange(min=1), default=1, show_default=True, help="Batch size."),
        click.option("--convention", type=click.Choice(["full", "paper"]), default="full", show_default=True, help="What FLOPs include (see README)."),
        click.option("--device", type=click.Choice(["meta", "cpu"]), default="meta", show_default=True, help="meta computes nothing; cpu runs real tensors."),
        click.option("--dtype", default="float32", show_default=True, help="float32, float16, bfloat16 or float64."),
        click.option("--training", is_flag=True, help="Training mode (adds the bytes autograd saves for backward)."),
        click.option("--strict", is_flag=True, help="Fail when any op has no counting rule."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True),
    ]  # fmt: skip
    for option in reversed(options):
        fn = option(fn)
    return fn


def _run_profile(name: str, input_size: str | None, batch_size: int, convention: str, device: str, dtype: str, training: bool, strict: bool) -> Any:
    from .profile import profile

    return profile(
        name, input_size, batch_size, device, dtype=dtype, training=training, convention=convention, strict=strict
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archstats")
def main() -> None:
    """Exact per-layer params, MACs, FLOPs, activation memory and receptive field of CNNs."""


@main.command("list")
@click.argument("pattern", required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@handle_errors
def list_command(pattern: str | None, fmt: str) -> None:
    """Show the registered reference models (optionally matching a glob PATTERN)."""
    import archstats_models as zoo

    infos = zoo.list_models(pattern)
    rows = [
        {
            "name": i.name,
            "family": i.family,
            "year": i.year,
            "input_size": "x".join(str(d) for d in i.input_size),
            "aliases": ",".join(i.aliases),
            "paper": i.paper,
            "arxiv": i.arxiv or "",
        }
        for i in infos
    ]
    headers = list(rows[0]) if rows else ["name"]
    brief = ["name", "family", "year", "input_size", "aliases"]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    elif fmt == "csv":
        import pandas as pd

        click.echo(pd.DataFrame(rows, columns=headers).to_csv(index=False, lineterminator="\n"), nl=False)
    elif fmt == "md":
        from .render import markdown_table

        click.echo(markdown_table(headers, [[str(r[h]) for h in headers] for r in rows]))
    else:
        from .render import rich_table

        cells = [[str(r[h]) for h in brief] for r in rows]
        _console().print(rich_table(f"{len(rows)} registered models", brief, cells, left=len(brief)))


@main.command("profile")
@click.argument("name")
@_profile_options
@click.option("--depth", type=click.IntRange(min=0), default=0, show_default=True, help="Roll layers up to module paths of N components (0: every layer).")
@handle_errors
def profile_command(name: str, input_size: str | None, batch_size: int, convention: str, device: str, dtype: str, training: bool, strict: bool, fmt: str, depth: int) -> None:  # fmt: skip
    """Per-layer params, MACs, FLOPs, activation memory and receptive field of NAME.

    NAME is a registered model, an alias, or 'package.module:callable'.
    """
    from . import render

    p = _run_profile(name, input_size, batch_size, convention, device, dtype, training, strict)
    if fmt == "csv":
        click.echo(render.profile_csv(p, depth), nl=False)
    elif fmt == "json":
        click.echo(render.profile_json(p, depth))
    elif fmt == "md":
        click.echo(render.profile_markdown(p, depth))
    else:
        console = _console()
        console.print(render.profile_rich(p, depth))
        for line in render.summary_lines(p):
            console.print(line, soft_wrap=True)


@main.command("compare")
@click.argument("names", nargs=-1, required=True)
@_profile_options
@handle_errors
def compare_command(names: tuple[str, ...], input_size: str | None, batch_size: int, convention: str, device: str, dtype: str, training: bool, strict: bool, fmt: str) -> None:  # fmt: skip
    """Totals of two or more models side by side, with ratios against the first."""
    from . import render
    from .errors import UsageError

    if len(names) < 2:
        raise UsageError("compare needs at least two models")
    profiles = [_run_profile(n, input_size, batch_size, convention, device, dtype, training, strict) for n in names]
    if fmt == "csv":
        click.echo(render.compare_csv(profiles), nl=False)
    elif fmt == "json":
        click.echo(render.compare_json(profiles))
    elif fmt == "md":
        click.echo(render.compare_markdown(profiles))
    else:
        from . import compare as cmp

        console = _console()
        console.print(render.compare_rich(profiles))
        for r in cmp.ratios(profiles):
            console.print(r.sentence(), soft_wrap=True)
        console.print(f"convention {convention}: {render.CONVENTIONS[convention]}", soft_wrap=True)


@main.command("claims")
@click.argument("ids", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None, help="Write to FILE instead of stdout.")
@click.option("--fail-on", "fail_on", type=click.Choice(["fails", "never"]), default="never", show_default=True, help="Exit 1 when any claim fails.")
@handle_errors
def claims_command(ids: tuple[str, ...], fmt: str, out: str | None, fail_on: str) -> None:
    """Check the lecture notes' claims by measurement (all, or the claims IDS in detail).

    Exit codes: 0 every check ran, whatever the verdicts; 1 with --fail-on fails when a claim fails;
    2 on usage errors or when a check crashed.
    """
    from .claims import run, select
    from .claims import report

    results = run(select(list(ids)))
    if fmt == "json":
        text = report.to_json(results)
    elif fmt == "md":
        text = report.to_markdown(results)
    elif fmt == "csv":
        import pandas as pd

        text = pd.DataFrame(report.as_dicts(results)).drop(columns=["measurements"]).to_csv(index=False, lineterminator="\n")
    else:
        text = None
    if text is not None:
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text if text.endswith("\n") else text + "\n")
        else:
            click.echo(text, nl=not text.endswith("\n"))
    else:
        console = _console()
        if ids:
            for r in results:
                for line in report.detail_lines(r):
                    console.print(line, soft_wrap=True, markup=False)
                console.print()
        else:
            console.print(report.table_rich(results))
        console.print(report.counts_line(results), soft_wrap=True)
    crashed = [r for r in results if r.outcome is None]
    if crashed:
        _fail(f"{len(crashed)} check(s) crashed: " + "; ".join(f"{r.claim.id}: {r.error}" for r in crashed), 2)
    if fail_on == "fails" and any(r.outcome.verdict == "fails" for r in results):
        sys.exit(1)


@main.command("report")
@click.argument("names", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True, help="Markdown with PNG plots beside it, or one self-contained HTML file.")
@click.option("--out", "out", type=click.Path(file_okay=False), default="reports", show_default=True, help="Directory to write into (nothing is written outside it).")
@click.option("--all", "all_models", is_flag=True, help="The gallery: index, a page per model, claims and the notes' comparisons.")
@handle_errors
def report_command(names: tuple[str, ...], fmt: str, out: str, all_models: bool) -> None:
    """Write a report: one model's page, or the comparison of several (or --all: the gallery).

    Markdown pages reference PNG plots in OUT/img/; HTML pages embed them and need no network.
    """
    from . import report
    from .errors import UsageError

    if all_models and names:
        raise UsageError("--all writes the whole gallery: give no model names with it")
    if not all_models and not names:
        raise UsageError("name one or more models, or use --all")
    if not all_models:
        paths = report.write_report(list(names), out, fmt)
    elif sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=_console(stderr=True), transient=True) as bar:  # fmt: skip
            task = bar.add_task("gallery", total=None)

            def on_step(label: str, done: int, total: int) -> None:
                bar.update(task, description=label, completed=done, total=total)

            paths = report.write_gallery(out, fmt, on_step=on_step)
    else:
        paths = report.write_gallery(out, fmt)
    pages = [p for p in paths if p.suffix in (".md", ".html")]
    click.echo(f"wrote {len(paths)} file(s) to {out}: " + ", ".join(p.name for p in pages[:5]) + (", ..." if len(pages) > 5 else ""))


@main.command("sweep")
@click.argument("name")
@click.option("--input", "inputs", default=None, metavar="LIST", help="Square input resolutions, e.g. 128,160,224 or 96..128.")
@click.option("--batch", "batches", default=None, metavar="LIST", help="Batch sizes, e.g. 1,8,32.")
@click.option("--param", "param", default=None, metavar="NAME=LIST", help="alpha=0.25,0.5,1.0 (MobileNet width), phi=0..7 (EfficientNet), cardinality=1,2,4,8,32 (ResNeXt-50), or any builder keyword.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--plot", "plot", type=click.Path(dir_okay=False), default=None, metavar="FILE", help="Also write the sweep figure (.png or .svg).")
@handle_errors
def sweep_command(name: str, inputs: str | None, batches: str | None, param: str | None, fmt: str, plot: str | None) -> None:  # fmt: skip
    """Cost of NAME (a registered model) as one knob turns: resolution, batch or a parameter."""
    from .errors import UsageError
    from .sweep import parse_values, sweep
    from .units import human

    given = [o for o, v in (("--input", inputs), ("--batch", batches), ("--param", param)) if v is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of --input LIST, --batch LIST or --param NAME=LIST")
    if plot is not None and not plot.lower().endswith((".png", ".svg")):
        raise UsageError(f"--plot takes a .png or .svg file name, got {plot!r}")
    kwargs: dict[str, Any] = {}
    if inputs is not None:
        kwargs["inputs"] = parse_values(inputs)
    elif batches is not None:
        kwargs["batches"] = parse_values(batches)
    else:
        assert param is not None
        pname, sep, text = param.partition("=")
        if not sep or not pname.strip().isidentifier():
            raise UsageError(f"malformed --param {param!r}: expected NAME=LIST, e.g. alpha=0.25,0.5,1.0")
        kwargs["param"] = (pname.strip(), parse_values(text))

    if sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(console=_console(stderr=True), transient=True) as bar:
            task = bar.add_task(f"sweeping {name}", total=None)
            result = sweep(name, on_step=lambda done, total: bar.update(task, completed=done, total=total), **kwargs)
    else:
        result = sweep(name, **kwargs)

    keys = ["value", "model", "input", "batch", "params", "macs", "flops", "peak_bytes", "activation_bytes"]
    if fmt == "json":
        click.echo(json.dumps({"model": result.model, "parameter": result.parameter, "rows": [{k: r[k] for k in keys} for r in result.rows]}, indent=2))
    elif fmt == "csv":
        frame = result.frame()[keys]
        frame.insert(0, "parameter", result.parameter)
        click.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)
    else:
        varied_model = len({r["model"] for r in result.rows}) > 1 and result.parameter in ("phi", "cardinality")
        show_batch = result.parameter != "batch"  # a batch sweep's value already is the batch
        first = {"input": "resolution"}.get(result.parameter, result.parameter)
        headers = [first] + (["model"] if varied_model else []) + ["input"] + (["batch"] if show_batch else [])
        headers += ["params", "MACs", "FLOPs", "peak mem", "total mem"]
        cells = [
            [str(r["value"])] + ([r["model"]] if varied_model else []) + [r["input"]] + ([str(r["batch"])] if show_batch else []) + [
                human(r["params"]), human(r["macs"], "macs"), human(r["flops"], "flops"),
                human(r["peak_bytes"], "bytes"), human(r["activation_bytes"], "bytes"),
            ]
            for r in result.rows
        ]  # fmt: skip
        left = 2 if varied_model else 0
        if fmt == "md":
            from .render import markdown_table

            click.echo(markdown_table(headers, cells, left=left))
        else:
            from .render import rich_table

            _console().print(rich_table(f"{result.model}: sweep of {result.parameter}", headers, cells, left=left))
    if plot is not None:
        from . import plots

        path = plots.save(plots.sweep_figure(result), plot)
        click.echo(f"wrote {path}", err=True)


@main.command("crosscheck")
@click.argument("name")
@click.option("--input", "input_size", default=None, help="Input size without batch, e.g. 3x224x224 (default: the model's own).")
@click.option("--batch", "batch_size", type=click.IntRange(min=1), default=1, show_default=True, help="Batch size.")
@click.option("--tools", "tools", default=None, metavar="LIST", help="Comma-separated peers: fvcore,thop,flopcounter (default: all).")
@click.option("--per-module", "per_module", is_flag=True, help="Also compare per-module figures (normalised to MACs).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@handle_errors
def crosscheck_command(name: str, input_size: str | None, batch_size: int, tools: str | None, per_module: bool, fmt: str) -> None:  # fmt: skip
    """Run fvcore, thop and FlopCounterMode on NAME and explain each gap to archstats' MACs.

    Exit codes: 0 every tool that ran matches its convention's prediction exactly; 1 a difference
    is left unexplained (or a tool failed); 2 usage errors (unknown model or tool, no requested
    tool installed).
    """
    from .crosscheck import crosscheck, parse_tools
    from .crosscheck import render as R
    from .errors import UsageError

    result = crosscheck(name, input_size, batch_size, tools=parse_tools(tools))
    err = _console(stderr=True)
    for line in R.skipped_lines(result):  # on stderr, so that CSV and JSON stay parseable
        err.print(f"note: {line}", markup=False, soft_wrap=True, highlight=False)
    if not result.ran and not any(t.error for t in result.tools):
        raise UsageError("none of the requested tools is installed: pip install \"archstats[crosscheck]\"")
    if fmt == "json":
        click.echo(R.to_json(result, per_module))
    elif fmt == "csv":
        click.echo(R.to_csv(result, per_module), nl=False)
    elif fmt == "md":
        click.echo(R.to_markdown(result, per_module))
    else:
        console = _console()
        for item in R.rich_renderables(result, per_module):
            console.print(item, markup=False, soft_wrap=True, highlight=False) if isinstance(item, str) else console.print(item)
    if not result.ok:
        for t in result.tools:
            if t.error:
                err.print(f"FAIL {t.error}", markup=False, soft_wrap=True, highlight=False)
            elif t.unexplained:
                err.print(f"FAIL {t.name}: {t.unexplained:+,} {t.unit} not explained by its convention", markup=False, soft_wrap=True, highlight=False)
        sys.exit(1)


@main.command("check")
@click.option("--config", "config", type=click.Path(dir_okay=False), default="pyproject.toml", show_default=True, help="TOML file with [tool.archstats.budgets.<label>] (pyproject.toml) or [budgets.<label>] tables.")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False), default=None, metavar="FILE.json", help="Also fail when a metric grew over this stored baseline by more than --max-growth.")
@click.option("--update-baseline", "update_baseline", is_flag=True, help="Write the measured totals to --baseline and exit 0.")
@click.option("--max-growth", "max_growth", type=click.FloatRange(min=0), default=0.0, show_default=True, metavar="PCT", help="Allowed growth over the baseline, in percent.")
@click.option("--junit-xml", "junit", type=click.Path(dir_okay=False), default=None, metavar="FILE", help="Write a JUnit XML report (one testcase per budget and limit).")
@click.option("--markdown", "md_out", type=click.Path(dir_okay=False), default=None, metavar="FILE", help="Write a Markdown table (e.g. $GITHUB_STEP_SUMMARY).")
@handle_errors
def check_command(config: str, baseline: str | None, update_baseline: bool, max_growth: float, junit: str | None, md_out: str | None) -> None:  # fmt: skip
    """Check model budgets: exit 0 all within budget, 1 over budget or grown, 2 configuration error."""
    from rich.markup import escape

    from . import budgets as B
    from .errors import UsageError
    from .render import rich_table

    try:
        if update_baseline and baseline is None:
            raise UsageError("--update-baseline needs --baseline FILE.json")
        specs = B.load_budgets(config)  # every table validated before any model runs
        base = B.load_baseline(baseline) if baseline is not None and not update_baseline else None
        report = B.check_budgets(specs, baseline=base, max_growth=max_growth)
    except ArchstatsError as exc:  # messages name TOML tables: "[budgets.x]" is not rich markup
        _fail(escape(str(exc)), _exit_code(exc))

    title = f"archstats budgets ({config})"
    _console().print(rich_table(title, B.HEADERS, B.result_cells(report), left=3))
    for failure in report.failures:
        _console().print(f"[bold red]FAIL[/] {failure.message}", markup=True, soft_wrap=True, highlight=False)
    for note in report.notes:
        _console().print(f"note: {note}", markup=False, soft_wrap=True)
    _console().print(B.summary(report), markup=False)
    if junit is not None:
        with open(junit, "w", encoding="utf-8") as fh:
            fh.write(B.junit_xml(report))
    if md_out is not None:
        with open(md_out, "w", encoding="utf-8") as fh:
            fh.write(B.markdown(report))
    if update_baseline:
        assert baseline is not None
        B.write_baseline(baseline, report)
        click.echo(f"wrote baseline {baseline}", err=True)
        return
    if not report.passed:
        sys.exit(1)


if __name__ == "__main__":
    main()

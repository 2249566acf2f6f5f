"""The ``archstats`` command: a thin layer over the library.

Every ``--format`` choice comes from :data:`archstats.formats.FORMATS`, and every output goes
through :func:`_emit`: text is written as the renderer returns it, a table is printed to the
terminal.

Exit codes: 0 success; 1 the analysis failed (the model's forward raised, or ``--strict`` found
uncounted ops); 2 usage errors (unknown model, malformed size, bad import path, an output path
that cannot be written: checked before any model runs). Every error is one line on stderr,
printed as written (never as rich markup).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

import click

from . import formats
from .errors import ArchstatsError, ModelRunError, UncountedOpsError, UsageError, install_hint

# --wide: wide enough that no table drops a column
_WIDE = 1000


def _console(stderr: bool = False, wide: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Off a terminal rich would wrap at 80 columns; CI logs and pipes read better wide.
    width = _WIDE if wide else (None if stream.isatty() or os.environ.get("COLUMNS") else 160)
    return Console(stderr=stderr, highlight=False, width=width)


def _fail(message: str, code: int) -> NoReturn:
    from rich.text import Text

    # The message is printed verbatim: as markup, rich would eat "[crosscheck]" in an install hint
    # or "[budgets.x]" in a TOML table's name.
    _console(stderr=True).print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)
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


# --- output --------------------------------------------------------------------------------------


def _print(console: Any, item: Any) -> None:
    """One item of a table view: a plain line as it is (no markup), a rich object as rich renders it."""
    from rich.text import Text

    if isinstance(item, str):
        console.print(item, markup=False, soft_wrap=True, highlight=False)
    else:
        console.print(item, soft_wrap=isinstance(item, Text))


def _plain_text(items: Any, wide: bool) -> str:
    """A table view as plain text, for a file: no colours, 120 columns (or every column with --wide)."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=_WIDE if wide else 120, color_system=None, highlight=False)
    for item in items:
        _print(console, item)
    return buffer.getvalue()


def _check_out_file(path: str, option: str) -> None:
    """Refuse, before any work is done, an output file that cannot be written: its directory is
    missing, is not a directory, or refuses a new file (probed with a temporary file, removed at
    once: a permission check alone would pass for root on a read-only or virtual file system)."""
    import tempfile
    from pathlib import Path

    parent = Path(path).absolute().parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise UsageError(f"{option} {path}: cannot write it, the directory {parent} {what}")
    try:
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot write in {parent}: {exc.strerror or exc}") from None


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:  # the user's path: one line naming it, exit 2
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _emit(result_type: str, fmt: str, *args: Any, out: str | None = None, wide: bool = False) -> None:
    """Render ``args`` as ``fmt`` (refused unless the formats table lists it) and show it.

    Text goes to stdout exactly as rendered, or to the file ``out``; a table view goes to the
    terminal, or as plain text to ``out``.
    """
    output = formats.render(result_type, fmt, *args)
    if out:
        _write(out, _file_text(output, wide))
    elif not isinstance(output, str):
        console = _console(wide=wide)
        for item in output:
            _print(console, item)
    else:
        click.echo(output, nl=False)


def _file_text(output: Any, wide: bool) -> str:
    """A rendered output as a file holds it: text as rendered, a table view as plain text."""
    return output if isinstance(output, str) else _plain_text(output, wide)


_wide_option = click.option("--wide", is_flag=True, help="Show every column of a table, however wide the terminal.")


def _format_option(result_type: str, default: str = "table", **kwargs: Any) -> Callable[..., Any]:
    choice = click.Choice(formats.names(result_type))
    return click.option("--format", "fmt", type=choice, default=default, show_default=True, **kwargs)


Step = Callable[[str, int, int], None]  # (what was done, steps done, steps in all)


def _log_step(label: str, done: int, total: int) -> None:
    click.echo(f"[{done}/{total}] {label}", err=True)  # click.echo flushes: a CI log shows it at once


@contextlib.contextmanager
def _progress(description: str, *columns: Any, log: bool = False) -> Iterator[Step]:
    """Yields ``step(label, done, total)``: a transient progress bar on a terminal's stderr.

    Off a terminal, ``log`` prints one line per step on stderr ("[3/80] profiled alexnet"), for
    the commands that run for minutes (``report --all``, every claim); others stay quiet there, so
    that their output is only what was asked for.
    """
    if not sys.stderr.isatty():
        yield _log_step if log else (lambda label, done, total: None)
        return
    from rich.progress import Progress

    with Progress(*columns, console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda label, done, total: bar.update(task, description=label, completed=done, total=total)


# --- commands ------------------------------------------------------------------------------------

_PROFILE_OPTIONS = (
    click.option(
        "--input",
        "input_size",
        multiple=True,
        help="An input without batch: [name=][dtype:]DIMS, e.g. 3x224x224, int64:128, pixel_values=3x224x224; "
        "repeat for a model taking several (default: the model's own). A bare N means 3xNxN, an RGB image: "
        "refused for a registered model reading other than 3 channels (write 1x32x32 for LeNet).",
    ),
    click.option("--batch", "batch_size", type=click.IntRange(min=1), default=1, show_default=True, help="Batch size."),
    click.option(
        "--convention",
        type=click.Choice(["full", "paper"]),
        default="full",
        show_default=True,
        help="What FLOPs include (see README).",
    ),
    click.option(
        "--device",
        type=click.Choice(["auto", "meta", "cpu"]),
        default="auto",
        show_default=True,
        help="meta computes nothing; cpu runs real tensors; auto: meta, or cpu when the model needs values.",
    ),
    click.option(
        "--dtype",
        default=None,
        help="Cast the model and its inputs: float32, float16, bfloat16 or float64 (default: the model's own).",
    ),
    click.option(
        "--training/--eval",
        default=None,
        help="The model's mode: training adds the bytes autograd saves for backward "
        "(default: eval, or training with --backward).",
    ),
    click.option(
        "--backward",
        is_flag=True,
        help="Also count the backward pass: backward and training-step MACs/FLOPs per layer (in training mode "
        "unless --eval).",
    ),
    click.option("--strict", is_flag=True, help="Fail when any op has no counting rule."),
)


def _profile_options(result_type: str) -> Callable[..., Any]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed((*_PROFILE_OPTIONS, _format_option(result_type))):
            fn = option(fn)
        return fn

    return decorate


def _refuse_bare_size(name: str, specs: Sequence[str]) -> None:
    """A bare ``--input N`` (3xNxN) for a registered model whose own input has other than 3 channels
    is a usage error; an import path's channels are unknown until it runs (a mismatch then fails
    in the layer that reads the input, naming the 3xNxN shape)."""
    from .inputs import refuse_bare_size
    from .loading import default_input_size

    own = default_input_size(name) if specs else None
    if own is not None:
        refuse_bare_size(specs, name, own)


def _run_profile(name: str, **options: Any) -> Any:
    from .profile import profile

    _refuse_bare_size(name, options["input_size"])
    return profile(
        name,
        list(options["input_size"]) or None,
        options["batch_size"],
        options["device"],
        dtype=options["dtype"],
        training=options["training"],  # None: training mode when --backward, else eval
        backward=options["backward"],
        convention=options["convention"],
        strict=options["strict"],
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archstats")
def main() -> None:
    """Exact per-layer params, MACs, FLOPs, activation memory and receptive field of CNNs.

    --input takes [name=][dtype:]DIMS without the batch; a bare N is short for 3xNxN, an RGB image,
    and is refused for a registered model reading other than 3 channels (LeNet-5: --input 1x32x32).
    """


@main.command("list")
@click.argument("pattern", required=False)
@_format_option("list")
@_wide_option
@handle_errors
def list_command(pattern: str | None, fmt: str, wide: bool) -> None:
    """Show the registered reference models, or those matching PATTERN.

    PATTERN is a part of a name, an alias or a family (resnet, inception), or a glob on whole
    names and aliases (resnet5*, vgg1?); case does not matter. A PATTERN that matches nothing is
    a usage error (exit 2) naming close matches, like an unknown model.
    """
    import archstats_models as zoo

    from .render import model_rows

    infos = zoo.list_models(pattern)
    if pattern is not None and not infos:
        raise UsageError(f"no model matches {pattern!r}; {_suggestions(pattern)}")
    _emit("list", fmt, model_rows(infos), wide=wide)


def _suggestions(pattern: str) -> str:
    """Close spellings among names and aliases, as an unknown model's error names them."""
    import archstats_models as zoo

    try:
        zoo.resolve_name(pattern)
    except zoo.UnknownModelError as exc:
        if exc.suggestions:
            return "did you mean: " + ", ".join(exc.suggestions) + "?"
    return "run `archstats list` to see the models"


@main.command("profile")
@click.argument("name")
@_profile_options("profile")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Roll layers up to module paths of N components (0: every layer).",
)
@_wide_option
@handle_errors
def profile_command(name: str, fmt: str, depth: int, wide: bool, **options: Any) -> None:
    """Per-layer params, MACs, FLOPs, activation memory and receptive field of NAME.

    NAME is a registered model, an alias, or 'package.module:callable'.
    """
    _emit("profile", fmt, _run_profile(name, **options), depth, wide=wide)


@main.command("compare")
@click.argument("names", nargs=-1, required=True)
@_profile_options("compare")
@_wide_option
@handle_errors
def compare_command(names: tuple[str, ...], fmt: str, wide: bool, **options: Any) -> None:
    """Totals of two or more models side by side, with ratios against the first."""
    if len(names) < 2:
        raise UsageError("compare needs at least two models")
    for name in names:  # every name before any model runs
        _refuse_bare_size(name, options["input_size"])
    _emit("compare", fmt, [_run_profile(n, **options) for n in names], wide=wide)


@main.command("claims")
@click.argument("ids", nargs=-1)
@_format_option("claims")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to FILE instead of stdout.",
)
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["fails", "never"]),
    default="never",
    show_default=True,
    help="Exit 1 when any claim fails.",
)
@_wide_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for the checks (default: the usable cores, at most 2).",
)
@click.option(
    "--measure",
    is_flag=True,
    help="Also time real forwards on this machine for the claims only timing can check (the forward-time "
    "column of the lecture's summary table), shown apart: never part of the verdicts.",
)
@handle_errors
def claims_command(
    ids: tuple[str, ...], fmt: str, out: str | None, fail_on: str, wide: bool, jobs: int | None, measure: bool
) -> None:
    """Check the lecture notes' claims by measurement (all, or the claims IDS in detail).

    With --out and --format md or html, the pages of the notes that the report's sources link to
    are written beside FILE (notes/000.md ... notes/004.md).

    Checking every claim takes seconds: off a terminal, stderr gets a line as it starts and as it
    ends (on a terminal, a progress bar).

    With --measure, the forward time of the lecture's summary table is timed on this machine after
    the checks (a few seconds) and shown in a section of its own, with the machine; in JSON the
    claims go under "claims" and the measured checks under "measured". Measured verdicts never
    change the catalogue's, nor the exit code.

    Exit codes: 0 every check ran, whatever the verdicts; 1 with --fail-on fails when a claim fails;
    2 on usage errors (an unknown claim, an --out that cannot be written) or when a check crashed.
    """
    from .claims import run, select

    if measure and fmt == "csv":
        raise UsageError("--measure: the measured section has no CSV form; use --format table, json, md or html")
    if out:
        _check_out_file(out, "--out")
    if jobs is None:
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        jobs = min(2, usable)
    claims = select(list(ids))
    results = _run_claims(run, claims, jobs, log=not ids)
    if measure:
        _emit_measured(fmt, results, bool(ids), out, wide)
    else:
        _emit("claims", fmt, results, bool(ids), out=out, wide=wide)
    if out and fmt in ("md", "html"):
        from pathlib import Path

        from .report import write_note_pages

        write_note_pages(Path(out).resolve().parent, fmt)
    crashed = [r for r in results if r.outcome is None]
    if crashed:
        _fail(f"{len(crashed)} check(s) crashed: " + "; ".join(f"{r.claim.id}: {r.error}" for r in crashed), 2)
    if fail_on == "fails" and any(r.outcome is not None and r.outcome.verdict == "fails" for r in results):
        sys.exit(1)


def _emit_measured(fmt: str, results: Any, detail: bool, out: str | None, wide: bool) -> None:
    """The catalogue as ``_emit`` shows it, then the measured checks (timed after the claims ran, in
    this process: the forked workers are gone) in their own section of the same output."""
    from .claims import measured

    with _progress("claims", log=True) as step:
        step("timing the measured checks on this machine", 0, 1)
        found = measured.run_all()
        step("timed the measured checks", 1, 1)
    if fmt in ("json", "html"):  # one document: the section goes inside it
        page = str(formats.render("claims", fmt, results, detail))  # json and html render text
        text = measured.with_json(page, found) if fmt == "json" else measured.with_html(page, found)
    else:  # table and md: the catalogue's own output, the section after it
        text = "\n" + measured.markdown(found) if fmt == "md" else "\n".join(measured.text_lines(found)) + "\n"
        if out:
            text = _file_text(formats.render("claims", fmt, results, detail), wide) + text
        else:
            _emit("claims", fmt, results, detail, wide=wide)
    if out:
        _write(out, text)
    else:
        click.echo(text, nl=False)


def _run_claims(run: Callable[..., Any], claims: Sequence[Any], jobs: int, log: bool) -> Any:
    """``run(claims, jobs=jobs)`` between two progress steps (the checks report none of their own:
    they run in forked workers, whole sections each)."""
    n = len(claims)
    what = f"{n} claim{'s' if n != 1 else ''}"
    with _progress("claims", log=log) as step:
        step(f"checking {what} ({jobs} worker{'s' if jobs != 1 else ''})", 0, n)
        results = run(claims, jobs=jobs)
        step(f"checked {what}", n, n)
    return results


def _progress_columns() -> tuple[Any, ...]:
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    return (TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def _write_gallery(out: str, fmt: str) -> Any:
    """The gallery, with a progress bar on a terminal and a line per step off one."""
    from . import report

    with _progress("gallery", *_progress_columns(), log=True) as step:
        return report.write_gallery(out, fmt, on_step=step)


@main.command("report")
@click.argument("names", nargs=-1)
@_format_option(
    "report.profile", default="md", help="Markdown with PNG plots beside it, or one self-contained HTML file."
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default="reports",
    show_default=True,
    help="Directory to write into (nothing is written outside it).",
)
@click.option(
    "--all", "all_models", is_flag=True, help="The gallery: index, a page per model, claims and the notes' comparisons."
)
@_PROFILE_OPTIONS[0]
@_PROFILE_OPTIONS[1]
@handle_errors
def report_command(
    names: tuple[str, ...], fmt: str, out: str, all_models: bool, input_size: tuple[str, ...], batch_size: int
) -> None:
    """Write a report: one model's page, or the comparison of several (or --all: the gallery).

    Markdown pages reference PNG plots in OUT/img/; HTML pages embed them and need no network.
    OUT is created if missing; one that cannot be written is a usage error (exit 2) before any
    model runs. --all prints a progress line per step on stderr off a terminal.
    """
    from . import report

    if all_models and names:
        raise UsageError("--all writes the whole gallery: give no model names with it")
    if not all_models and not names:
        raise UsageError("name one or more models, or use --all")
    if all_models and (input_size or batch_size != 1):
        raise UsageError("--all profiles every model at its own input: give no --input or --batch with it")
    for name in names:
        _refuse_bare_size(name, input_size)
    report.prepare_out_dir(out)
    specs = list(input_size) or None
    paths = _write_gallery(out, fmt) if all_models else report.write_report(list(names), out, fmt, specs, batch_size)
    pages = [p.name for p in paths if p.suffix in (".md", ".html")]
    more = ", ..." if len(pages) > 5 else ""
    click.echo(f"wrote {len(paths)} file(s) to {out}: " + ", ".join(pages[:5]) + more)


@main.command("sweep")
@click.argument("name")
@click.option(
    "--input", "inputs", default=None, metavar="LIST", help="Square input resolutions, e.g. 128,160,224 or 96..128."
)
@click.option("--batch", "batches", default=None, metavar="LIST", help="Batch sizes, e.g. 1,8,32.")
@click.option(
    "--param",
    "param",
    default=None,
    metavar="NAME=LIST",
    help="alpha=0.25,0.5,1.0 (MobileNet width), phi=0..7 (EfficientNet), cardinality=1,2,4,8,32 (ResNeXt-50), "
    "or any builder keyword.",
)
@_format_option("sweep")
@click.option(
    "--plot",
    "plot",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also write the sweep figure (.png or .svg).",
)
@_wide_option
@handle_errors
def sweep_command(
    name: str, inputs: str | None, batches: str | None, param: str | None, fmt: str, plot: str | None, wide: bool
) -> None:
    """Cost of NAME as one knob turns: resolution, batch or a parameter.

    NAME is a registered model, an alias, or 'package.module:callable' (imported from the current
    directory first, as profile does); an import path sweeps --input or --batch.
    """
    from . import sweep

    option, text = sweep.given_knob(inputs, batches, param)
    if plot is not None and not plot.lower().endswith((".png", ".svg")):
        raise UsageError(f"--plot takes a .png or .svg file name, got {plot!r}")
    if plot is not None:
        _check_out_file(plot, "--plot")
    knob = sweep.parse_knob(option, text)
    label = f"sweeping {name}"
    with _progress(label) as step:
        result = sweep.sweep(name, on_step=lambda done, total: step(label, done, total), **knob)
    _emit("sweep", fmt, result, wide=wide)
    if plot is not None:
        from . import plots

        path = plots.save(plots.sweep_figure(result), plot)
        click.echo(f"wrote {path}", err=True)


@main.command("crosscheck")
@click.argument("name")
@_PROFILE_OPTIONS[0]
@_PROFILE_OPTIONS[1]
@click.option(
    "--tools",
    "tools",
    default=None,
    metavar="LIST",
    help="Comma-separated peers: fvcore,thop,flopcounter (default: all).",
)
@click.option("--per-module", "per_module", is_flag=True, help="Also compare per-module figures (normalised to MACs).")
@_format_option("crosscheck")
@_wide_option
@handle_errors
def crosscheck_command(
    name: str, input_size: tuple[str, ...], batch_size: int, tools: str | None, per_module: bool, fmt: str, wide: bool
) -> None:
    """Run fvcore, thop and FlopCounterMode on NAME and explain each gap to archstats' MACs.

    Exit codes: 0 every tool that ran matches its convention's prediction exactly; 1 a difference
    is left unexplained (or a tool failed); 2 usage errors (unknown model or tool, no requested
    tool installed).
    """
    from .crosscheck import crosscheck, parse_tools
    from .crosscheck import render as R

    _refuse_bare_size(name, input_size)
    result = crosscheck(name, list(input_size) or None, batch_size, tools=parse_tools(tools))
    err = _console(stderr=True)
    for line in R.skipped_lines(result):  # on stderr, so that CSV and JSON stay parseable
        _print(err, f"note: {line}")
    if not result.ran and not any(t.error for t in result.tools):
        raise UsageError(f"none of the requested tools is installed: {install_hint('crosscheck')}")
    _emit("crosscheck", fmt, result, per_module, wide=wide)
    if not result.ok:
        for line in R.failure_lines(result):
            _print(err, f"FAIL {line}")
        sys.exit(1)


# ``archstats check`` prints its table and writes each other format to the file its option names:
# format -> (option, help)
CHECK_FILE_OPTIONS = {
    "junit": ("--junit-xml", "Write a JUnit XML report (one testcase per budget and limit)."),
    "md": ("--markdown", "Write a Markdown table (e.g. $GITHUB_STEP_SUMMARY)."),
}
if set(CHECK_FILE_OPTIONS) != set(formats.names("check")) - {"table"}:  # pragma: no cover
    raise ImportError("every format of archstats check but its table needs a file option in CHECK_FILE_OPTIONS")


def _check_file_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for fmt, (flag, help_text) in reversed(CHECK_FILE_OPTIONS.items()):
        path = click.Path(dir_okay=False)
        fn = click.option(flag, f"{fmt}_file", type=path, default=None, metavar="FILE", help=help_text)(fn)
    return fn


def _check_report(config: str | None, baseline: str | None, update_baseline: bool, max_growth: float) -> Any:
    """Load, validate and check the budgets; a configuration error is one line and exit code 2."""
    from . import budgets as B

    if update_baseline and baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE.json")
    specs = B.load_budgets(config)  # every table validated before any model runs
    base = B.load_baseline(baseline) if baseline is not None and not update_baseline else None
    return B.check_budgets(specs, baseline=base, max_growth=max_growth, config=config or "")


@main.command("check")
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file with [tool.archstats.budgets.<label>] (pyproject.toml) or [budgets.<label>] tables "
    "(default: the nearest pyproject.toml here or in a parent directory).",
)
@click.option(
    "--baseline",
    "baseline",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE.json",
    help="Also fail when a metric grew over this stored baseline by more than --max-growth.",
)
@click.option(
    "--update-baseline",
    "update_baseline",
    is_flag=True,
    help="Write the measured totals to --baseline and exit 0.",
)
@click.option(
    "--max-growth",
    "max_growth",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    metavar="PCT",
    help="Allowed growth over the baseline, in percent.",
)
@_check_file_options
@_wide_option
@handle_errors
def check_command(
    config: str | None, baseline: str | None, update_baseline: bool, max_growth: float, wide: bool, **files: str | None
) -> None:
    """Check model budgets: exit 0 all within budget, 1 over budget or grown, 2 configuration error."""
    from . import budgets as B

    # every file to write is checked before any model runs
    for fmt, (flag, _) in CHECK_FILE_OPTIONS.items():
        if files[f"{fmt}_file"] is not None:
            _check_out_file(str(files[f"{fmt}_file"]), flag)
    if update_baseline and baseline is not None:
        _check_out_file(baseline, "--baseline")
    report = _check_report(config, baseline, update_baseline, max_growth)
    _emit("check", "table", report, wide=wide)
    for fmt in CHECK_FILE_OPTIONS:
        path = files[f"{fmt}_file"]
        if path is not None:
            _write(path, formats.render_text("check", fmt, report))
    if update_baseline:
        assert baseline is not None
        B.write_baseline(baseline, report)
        click.echo(f"wrote baseline {baseline}", err=True)
        return
    if not report.passed:
        sys.exit(1)


# --- archstats bench: measured latency and the roofline --------------------------------------------


def _check_bench_files(out: str | None, roofline: str | None, per_layer: bool, roofs: bool) -> None:
    """Every file bench writes, and the options the roofline needs, checked before any model runs."""
    if roofline is not None:
        if not roofline.lower().endswith((".png", ".svg")):
            raise UsageError(f"--roofline takes a .png or .svg file name, got {roofline!r}")
        if not per_layer or not roofs:
            raise UsageError("--roofline needs per-layer timings and the roofs: drop --no-layers and --no-roofs")
        _check_out_file(roofline, "--roofline")
    if out is not None:
        _check_out_file(out, "--out")


@main.command("bench")
@click.argument("name")
@_PROFILE_OPTIONS[0]
@_PROFILE_OPTIONS[1]
@click.option("--dtype", default=None, help="Cast the model and its inputs: float32, float16, bfloat16 or float64.")
@click.option(
    "--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True, help="Where the forwards run."
)
@click.option("--threads", type=int, default=None, help="torch threads for the run (restored afterwards).")
@click.option("--repeats", type=int, default=20, show_default=True, help="Timed forwards per series.")
@click.option("--warmup", type=int, default=3, show_default=True, help="Untimed forwards before each series.")
@click.option("--no-layers", "no_layers", is_flag=True, help="Time the whole model only (no per-layer hooks).")
@click.option("--no-roofs", "no_roofs", is_flag=True, help="Do not measure the roofs (no lower bound).")
@click.option(
    "--roofline",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also write the roofline plot (.png or .svg).",
)
@_format_option("bench")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, help="Write to FILE instead of stdout.")
@_wide_option
@handle_errors
def bench_command(name: str, fmt: str, out: str | None, roofline: str | None, wide: bool, **options: Any) -> None:
    """Measured latency of NAME, whole model and per layer, with the roofs and the lower bound.

    Runs real forwards (eval mode, torch.inference_mode()): warm-up, then --repeats timed forwards
    without hooks, then a separate series with per-layer hooks. Timings vary from run to run; no
    test or claim depends on them. Exit codes: 0 success; 1 the forward failed; 2 usage errors
    (unknown model, --repeats 0, --device cuda without a GPU, an output that cannot be written).
    """
    from .bench import bench

    per_layer, roofs = not options.pop("no_layers"), not options.pop("no_roofs")
    _check_bench_files(out, roofline, per_layer, roofs)
    _refuse_bare_size(name, options["input_size"])
    result = bench(name, list(options.pop("input_size")) or None, per_layer=per_layer, roofs=roofs, **options)
    _emit("bench", fmt, result, out=out, wide=wide)
    if roofline is not None:
        from . import plots

        path = plots.save(plots.roofline_figure(result), roofline)
        click.echo(f"wrote {path}", err=True)


if __name__ == "__main__":
    main()

"""What a new user gets wrong, through the CLI runner: every mistake is one line naming the path,
pattern or input, with exit code 2 and no traceback; hints are printed as written; long runs show
progress off a terminal; names a user controls reach Markdown and HTML pages escaped."""

from __future__ import annotations

import hashlib
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import archstats
from archstats import report
from archstats.cli import main

CLAIM = "conv1x1-vs-3x3-params"
HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
PROC = Path("/proc")  # a virtual file system: nothing can be created in it, not even by root
needs_proc = pytest.mark.skipif(not PROC.is_dir(), reason="needs /proc")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "80"}, catch_exceptions=False)


def one_line_error(result: Result, code: int = 2) -> str:
    """The single line of a failed command (stdout and stderr together), checked for its exit code."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    return lines[0]


# --- output paths ------------------------------------------------------------------------------


def bad_files(tmp_path: Path) -> list[Path]:
    """Output files that cannot be written: a missing directory, a file used as a directory, /proc."""
    (tmp_path / "plain.txt").write_text("a file, not a directory\n")
    paths = [tmp_path / "missing" / "out.txt", tmp_path / "plain.txt" / "out.txt"]
    return paths + ([PROC / "x" / "out.txt"] if PROC.is_dir() else [])


CLAIMS_FORMATS = ("table", "csv", "json", "md", "html")


@pytest.mark.parametrize("fmt", CLAIMS_FORMATS)
def test_claims_out_that_cannot_be_written(tmp_path: Path, fmt: str) -> None:
    for path in bad_files(tmp_path):
        line = one_line_error(invoke("claims", CLAIM, "--format", fmt, "--out", str(path)))
        assert str(path) in line and "--out" in line
        assert not path.exists()


@pytest.mark.parametrize("fmt", CLAIMS_FORMATS)
def test_claims_out_is_honoured_for_every_format(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"claims.{fmt}"
    result = invoke("claims", CLAIM, "--format", fmt, "--out", str(out))
    assert result.exit_code == 0 and result.output == ""  # everything went to the file
    text = out.read_text(encoding="utf-8")
    assert CLAIM in text
    if fmt == "json":
        assert [entry["id"] for entry in json.loads(text)] == [CLAIM]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_out_that_cannot_be_written(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "plain.txt").write_text("a file\n")
    dirs = [tmp_path / "plain.txt" / "pages"] + ([PROC / "x"] if PROC.is_dir() else [])
    for out in dirs:
        for args in (["lenet5"], ["lenet5", "nin"], ["--all"]):
            line = one_line_error(invoke("report", *args, "--format", fmt, "--out", str(out)))
            assert str(out) in line


def test_report_out_with_missing_parents_is_created(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    assert invoke("report", "lenet5", "--out", str(out)).exit_code == 0
    assert (out / "lenet5.md").is_file()


@pytest.mark.parametrize("flag", ["--junit-xml", "--markdown"])
def test_check_file_that_cannot_be_written(tmp_path: Path, flag: str) -> None:
    config = tmp_path / "budgets.toml"
    config.write_text('[budgets.lenet]\nmodel = "lenet5"\nmax_params = "1M"\n', encoding="utf-8")
    for path in bad_files(tmp_path):
        line = one_line_error(invoke("check", "--config", str(config), flag, str(path)))
        assert str(path) in line and flag in line


def test_baseline_that_cannot_be_written(tmp_path: Path) -> None:
    config = tmp_path / "budgets.toml"
    config.write_text('[budgets.lenet]\nmodel = "lenet5"\nmax_params = "1M"\n', encoding="utf-8")
    for path in bad_files(tmp_path):
        args = ("check", "--config", str(config), "--baseline", str(path), "--update-baseline")
        line = one_line_error(invoke(*args))
        assert str(path) in line and "--baseline" in line


def test_sweep_plot_that_cannot_be_written(tmp_path: Path) -> None:
    for path in bad_files(tmp_path):
        plot = path.with_suffix(".png")
        line = one_line_error(invoke("sweep", "lenet5", "--batch", "1,2", "--plot", str(plot)))
        assert str(plot) in line


@pytest.mark.parametrize(
    "args",
    [["profile", "lenet5"], ["compare", "lenet5", "nin"], ["list"], ["sweep", "lenet5", "--batch", "1"]],
)
def test_commands_without_out_refuse_it(tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "x.txt"
    result = invoke(*args, "--out", str(target))
    assert result.exit_code == 2 and "No such option" in result.output and "Traceback" not in result.output
    assert not target.exists()


# --- long comparison file names ---------------------------------------------------------------

LONG = "a_model_with_a_rather_long_and_descriptive_name"


@pytest.fixture
def tiny_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Thirteen one-layer models in the working directory's module ``tinynets``."""
    lines = ["from torch import nn", ""]
    for i in range(13):
        lines += [f"def {LONG}_{i:02d}():", f"    return nn.Conv2d(3, {i + 1}, 1)", ""]
    (tmp_path / "tinynets.py").write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return [f"tinynets:{LONG}_{i:02d}" for i in range(13)]


def test_report_of_thirteen_models_has_a_short_stable_file_name(tiny_models: list[str], tmp_path: Path) -> None:
    # the full name: each import path with ':' made '_', joined by '-vs-': 13 * 59 + 12 * 4 = 815 characters
    full = "-vs-".join(name.replace(":", "_") for name in tiny_models)
    assert len(full) == 815
    # the documented rule: its first 80 characters, '-', 12 hex digits of its SHA-256
    stem = f"{full[:80]}-{hashlib.sha256(full.encode()).hexdigest()[:12]}"
    for fmt in ("md", "html"):
        result = invoke("report", *tiny_models, "--input", "3x4x4", "--format", fmt, "--out", "out")
        assert result.exit_code == 0, result.output
        assert (tmp_path / "out" / f"{stem}.{fmt}").is_file()
        assert all(len(p.name) <= 255 for p in (tmp_path / "out").rglob("*"))
    # the same models again: the same file; another order is another comparison: another name
    invoke("report", *tiny_models, "--input", "3x4x4", "--out", "out")
    invoke("report", *reversed(tiny_models), "--input", "3x4x4", "--out", "out")
    backwards = "-vs-".join(name.replace(":", "_") for name in reversed(tiny_models))
    other = f"{backwards[:80]}-{hashlib.sha256(backwards.encode()).hexdigest()[:12]}"
    assert {p.name for p in (tmp_path / "out").glob("*.md")} == {f"{stem}.md", f"{other}.md"}


# --- hints -----------------------------------------------------------------------------------


def test_install_hint_is_printed_verbatim(monkeypatch: pytest.MonkeyPatch) -> None:
    import archstats.crosscheck as cc

    monkeypatch.setattr(cc, "_version", lambda distribution: None)  # no peer tool installed
    result = invoke("crosscheck", "lenet5", "--tools", "fvcore")
    assert result.exit_code == 2 and "Traceback" not in result.output
    *notes, line = result.stderr.splitlines()
    assert [n.split(":")[:3] for n in notes] == [["note", " fvcore", " skipped"]]
    root = Path(__file__).resolve().parents[1]  # this checkout: pyproject.toml beside archstats/
    hint = f'cd {root} && pip install -e ".[crosscheck]"'
    assert line == f"error: none of the requested tools is installed: {hint}"
    assert notes[0].endswith(f"({hint})")


def test_install_hint_matches_the_installation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from archstats import errors

    assert errors.install_hint("crosscheck").endswith(' && pip install -e ".[crosscheck]"')
    # the same module as a wheel would place it: no pyproject.toml beside the package
    monkeypatch.setattr(errors, "__file__", str(tmp_path / "site-packages" / "archstats" / "errors.py"))
    assert errors.install_hint("crosscheck") == 'pip install "archstats[crosscheck]"'


def test_skipped_tools_name_the_install_hint_of_this_installation(monkeypatch: pytest.MonkeyPatch) -> None:
    import archstats.crosscheck as cc

    real = cc._version
    monkeypatch.setattr(cc, "_version", lambda d: None if d == "fvcore" else real(d))
    result = CliRunner().invoke(main, ["crosscheck", "lenet5", "--tools", "fvcore,flopcounter"])
    note = next(line for line in result.stderr.splitlines() if line.startswith("note:"))
    assert 'pip install -e ".[crosscheck]"' in note and "archstats[crosscheck]" not in note


def test_error_messages_are_not_markup() -> None:
    # a pattern that is rich markup is printed as typed
    line = one_line_error(invoke("list", "[bold]x[/bold]"))
    assert "'[bold]x[/bold]'" in line


# --- list ------------------------------------------------------------------------------------


def _listed(*args: str) -> list[str]:
    result = invoke("list", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [entry["name"] for entry in json.loads(result.output)]


def test_list_matches_substrings_aliases_families_and_globs() -> None:
    resnets = _listed("resnet")  # a part of the name, in any position
    assert {"resnet18", "resnet50", "se_resnet50", "preact_resnet50", "wide_resnet50_2"} <= set(resnets)
    assert "plain18" in resnets  # of the resnet family (the paper's plain baseline)
    assert "alexnet" not in resnets and "vgg16" not in resnets
    assert _listed("RESNET5*") == ["resnet50", "resnet50_v1"]  # a glob on whole names, any case
    assert _listed("inception") == ["googlenet"]  # a part of an alias (inception_v1)
    assert _listed("vgg_d") == ["vgg16"]  # a whole alias
    assert _listed("squeezenet1_?") == ["squeezenet1_0", "squeezenet1_1"]


def test_list_substring_table() -> None:
    result = invoke("list", "squeezenet")
    assert result.exit_code == 0
    assert "squeezenet1_0" in result.output and "squeezenet1_1" in result.output and "alexnet" not in result.output


@pytest.mark.parametrize("pattern, close", [("resnt", "resnet"), ("alexnt", "alexnet"), ("vit*", "")])
def test_list_pattern_matching_nothing(pattern: str, close: str) -> None:
    line = one_line_error(invoke("list", pattern))
    assert f"no model matches {pattern!r}" in line
    assert ("did you mean: " + close) in line if close else "archstats list" in line


# --- a bare --input N ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["profile", "lenet5", "--input", "32"],
        ["profile", "lenet", "--input", "int64:4", "--input", "32"],
        ["compare", "alexnet", "lenet5", "--input", "32"],
        ["crosscheck", "lenet5", "--input", "32"],
        ["report", "lenet5", "--input", "32", "--out", "never"],
    ],
)
def test_bare_size_refused_for_a_one_channel_model(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = one_line_error(invoke(*args))
    # LeNet-5 reads 1x32x32: the line says what 32 meant and what to write instead
    assert "3x32x32" in line and "1x32x32" in line
    assert not (tmp_path / "never").exists()


def test_bare_size_is_an_rgb_image_for_three_channel_models() -> None:
    result = invoke("profile", "squeezenet1_0", "--input", "64", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["input_size"] == [3, 64, 64]
    explicit = invoke("profile", "lenet5", "--input", "1x32x32", "--format", "json")
    assert json.loads(explicit.output)["input_size"] == [1, 32, 32]


def test_input_help_documents_the_bare_size() -> None:
    text = " ".join(invoke("profile", "--help").output.split())
    assert "A bare N means 3xNxN" in text and "1x32x32" in text


# --- sweep of an import path -----------------------------------------------------------------


@pytest.fixture
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "mymods_archstats.py").write_text(
        textwrap.dedent(
            """
            from torch import nn

            def small():
                return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # imported from the working directory, as profile does
    return "mymods_archstats"


def test_sweep_takes_an_import_path(user_module: str) -> None:
    result = invoke("sweep", f"{user_module}:small", "--input", "16,32", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    # a 3x3 conv, 3 -> 4 maps, no padding: (r-2)^2 outputs x 4 maps x 27 MACs each
    assert [r["macs"] for r in rows] == [14 * 14 * 4 * 27, 30 * 30 * 4 * 27]
    assert [r["params"] for r in rows] == [4 * 27 + 4] * 2


def test_sweep_batch_of_an_import_path(user_module: str) -> None:
    result = invoke("sweep", f"{user_module}:small", "--batch", "1,2", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    assert [r["batch"] for r in rows] == [1, 2]
    assert [r["input"] for r in rows] == ["3x224x224"] * 2  # an import path's default input


@pytest.mark.parametrize(
    "name, needle",
    [
        ("no_such_module_archstats:small", "cannot import 'no_such_module_archstats'"),
        ("mymods_archstats:nothing", "has no attribute 'nothing'"),
    ],
)
def test_sweep_import_path_that_fails(user_module: str, name: str, needle: str) -> None:
    assert needle in one_line_error(invoke("sweep", name, "--input", "32"))


def test_sweep_parameter_of_an_import_path(user_module: str) -> None:
    line = one_line_error(invoke("sweep", f"{user_module}:small", "--param", "alpha=0.5"))
    assert "import path" in line and "--input or --batch" in line


# --- progress off a terminal -----------------------------------------------------------------


@pytest.fixture
def small_gallery(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The gallery over two small models, one comparison and two claims."""
    import archstats_models as zoo
    from archstats import claims

    infos = [zoo.get_model_info("lenet5"), zoo.get_model_info("nin")]
    monkeypatch.setattr(zoo, "list_models", lambda pattern=None: infos)
    monkeypatch.setattr(report, "COMPARISONS", (("lenet-vs-nin", ("lenet5", "nin")),))
    subset = [c for c in claims.catalog() if c.id == CLAIM]
    monkeypatch.setattr(claims, "catalog", lambda: subset)
    return [i.name for i in infos]


def test_report_all_prints_a_line_per_step(small_gallery: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", "--all", "--out", str(tmp_path / "g")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # 2 models profiled, 2 pages, the claims page, 1 comparison, the index: 7 steps
    assert result.stderr.splitlines() == [
        "[1/7] profiled lenet5",
        "[2/7] profiled nin",
        "[3/7] page lenet5",
        "[4/7] page nin",
        "[5/7] claims",
        "[6/7] comparison lenet-vs-nin",
        "[7/7] index",
    ]
    assert result.stdout.startswith("wrote ")


def test_claims_of_the_whole_catalog_print_progress(small_gallery: list[str]) -> None:
    result = CliRunner().invoke(main, ["claims", "--format", "json", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["[0/1] checking 1 claim (1 worker)", "[1/1] checked 1 claim"]
    assert [entry["id"] for entry in json.loads(result.stdout)] == [CLAIM]  # stdout holds only the JSON


def test_claims_chosen_by_id_print_no_progress() -> None:
    result = CliRunner().invoke(main, ["claims", CLAIM, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0 and result.stderr == ""


def test_sweep_prints_no_progress_off_a_terminal() -> None:
    result = CliRunner().invoke(main, ["sweep", "lenet5", "--batch", "1,2", "--format", "csv"])
    assert result.exit_code == 0 and result.stderr == ""


# --- hostile names in report pages -----------------------------------------------------------


@pytest.fixture
def hostile_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A model whose class and whose one layer are both named ``HOSTILE``."""
    (tmp_path / "hostile_archstats.py").write_text(
        textwrap.dedent(
            f"""
            from torch import nn

            HOSTILE = {HOSTILE!r}

            def build():
                body = nn.Sequential()
                body.add_module(HOSTILE, nn.Conv2d(3, 4, 3))
                model = type(HOSTILE, (nn.Module,), {{"forward": lambda self, x: self.body(x)}})()
                model.body = body
                return model
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return "hostile_archstats:build"


def _pages(out: Path, fmt: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in out.glob(f"*.{fmt}")}


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_escapes_hostile_names(hostile_module: str, tmp_path: Path, fmt: str) -> None:
    result = invoke("report", hostile_module, "--input", "3x8x8", "--format", fmt, "--out", "out")
    assert result.exit_code == 0, result.output
    (page,) = _pages(tmp_path / "out", fmt).values()
    assert HOSTILE not in page and "<img src=x" not in page
    assert ESCAPED in page  # the layer and its type are still there, as text


def _hostile_profile(name_suffix: str = "") -> archstats.Profile:
    from torch import nn

    kind = type(HOSTILE + name_suffix, (nn.Module,), {"forward": lambda self, x: self.conv(x)})
    model = kind()
    model.conv = nn.Conv2d(3, 4, 3)
    return archstats.profile(model, (3, 8, 8))  # named by its class


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_profile_compare_and_index_pages_escape_model_names(tmp_path: Path, fmt: str) -> None:
    one, two = _hostile_profile(), _hostile_profile(" 2")
    assert one.name == HOSTILE
    written = report.write_report(one, tmp_path / "one", fmt) + report.write_report([one, two], tmp_path / "two", fmt)
    pages = [p.read_text(encoding="utf-8") for p in written if p.suffix == f".{fmt}"]
    render = report.index_page_markdown if fmt == "md" else report.index_page_html
    pages.append(render([one, two], (), {HOSTILE: "one.md"}, {HOSTILE: "two.md"}))
    for page in pages:
        assert "<img src=x" not in page
        assert ESCAPED in page

"""The examples of README.md and docs/*.md, executed so that the documentation cannot drift from the code.

Every Markdown file is collected automatically (a file without examples is left out); each is one
test, whose examples run in document order in a fresh temporary folder holding copies of
`scenarios/`, `results/` (tables only) and `docs/examples/`, so paths read as from the repository
root and nothing is written into the repository. Fenced blocks:

- ```console: each line `$ hotline-sim ARGS` is run in this process through click's CliRunner, ARGS
  split as a POSIX shell would (shlex; a line ending in a backslash continues on the next). The
  lines after it, up to the next `$ ` line or the end of the block, are its expected output: stdout
  and stderr together, as a terminal shows them, compared line by line (trailing spaces ignored),
  with `...` standing for any text, within a line or for whole lines (doctest's ELLIPSIS). With no
  lines shown the output is not compared. The exit code must be 0, or N when the command line ends
  with the shell comment `# exit N`.
- any block with `>>>` lines (```python): doctest, with ELLIPSIS and NORMALIZE_WHITESPACE; names
  defined in one block are seen by the later blocks of the same file.
- anything else (```sh for installation, ```text, ```toml): shown, not run. A `$ hotline-sim` line
  outside a ```console block is an error, so a mistyped marker cannot silently turn examples off.
A stretch of a document between the lines `<!-- examples: own folder -->` and `<!-- examples: end -->`
(outside any fenced block) reads nothing the rest writes: it runs as a test of its own, in its own
folder, so a long document's examples run on two workers at once.
"""

from __future__ import annotations

import doctest
import re
import shlex
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import cli
from tests.conftest import REPO

ROOT = REPO
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COPIED = {"scenarios": (), "results": ("*.png", "manifest.json"), "docs/examples": ()}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)")
PROMPT = "$ "
COMMAND = "hotline-sim"
EXIT_MARK = re.compile(r"\s#\s*exit\s+(?P<code>\d+)\b[^\"']*$")
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# Found in README.md and docs/*.md together: fewer means examples were lost (a changed marker, a
# parsing change), not that the documentation got shorter by accident.
MIN_COMMANDS = 9
MIN_DOCTEST_EXAMPLES = 60


@dataclass
class Block:
    """One fenced block: its info string, the line number of its first line (1-based), its lines."""

    info: str
    first_line: int
    lines: list[str]


@dataclass
class Command:
    """A `$ hotline-sim ...` line of a console block, its expected exit code and output."""

    line: int
    text: str
    argv: list[str]
    exit_code: int
    expected: list[str]


def fenced_blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, dedented by their fence's indentation."""
    blocks: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    number = 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        number += 1
        if not opening:
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        start, body = number, []
        while number < len(lines) and not re.match(rf"^[ \t]*{re.escape(fence)}[ \t]*$", lines[number]):
            body.append(lines[number][indent:] if lines[number][:indent].isspace() else lines[number])
            number += 1
        if number == len(lines):
            raise ValueError(f"{path.name}:{start}: fenced block never closed")
        number += 1
        blocks.append(Block(opening["info"].lower(), start + 1, body))
    return blocks


def console_commands(path: Path, block: Block) -> list[Command]:
    """The commands of a ```console block with their expected exit codes and output."""
    commands: list[Command] = []
    lines, index = block.lines, 0
    while index < len(lines):
        if not lines[index].startswith(PROMPT):
            if not commands:
                where = f"{path.name}:{block.first_line + index}"
                raise ValueError(f"{where}: console block text before any `$ ` command")
            commands[-1].expected.append(lines[index])
            index += 1
            continue
        line = block.first_line + index
        text = lines[index][len(PROMPT) :]
        while text.endswith("\\") and index + 1 < len(lines):
            index += 1
            text = text[:-1].rstrip() + " " + lines[index].removeprefix("> ").strip()
        index += 1
        mark = EXIT_MARK.search(text)
        argv = shlex.split(text, comments=True)
        if not argv or argv[0] != COMMAND:
            raise ValueError(
                f"{path.name}:{line}: only `$ {COMMAND} ...` lines are executed; show other commands "
                "in a ```sh block without the `$ ` prompt"
            )
        commands.append(Command(line, text, argv[1:], int(mark["code"]) if mark else 0, []))
    return commands


def is_doctest(block: Block) -> bool:
    """Whether a block holds Python examples."""
    return any(line.lstrip().startswith(">>> ") or line.strip() == ">>>" for line in block.lines)


def examples(path: Path) -> list[tuple[Block, list[Command] | None]]:
    """The blocks of `path` that are run, in document order: console blocks with their commands,
    doctest blocks with None. A `$ hotline-sim` line anywhere else is an error."""
    found: list[tuple[Block, list[Command] | None]] = []
    for block in fenced_blocks(path):
        if block.info == "console":
            found.append((block, console_commands(path, block)))
        elif is_doctest(block):
            found.append((block, None))
        elif any(line.startswith(f"{PROMPT}{COMMAND}") for line in block.lines):
            raise ValueError(
                f"{path.name}:{block.first_line}: a `$ {COMMAND}` line in a ```{block.info} block is not "
                "run; mark the block ```console (or drop the `$ ` prompt in a ```sh block)"
            )
    return found


OWN_FOLDER = "<!-- examples: own folder -->"
OWN_FOLDER_END = "<!-- examples: end -->"


def parts(path: Path) -> list[list[tuple[Block, list[Command] | None]]]:
    """The examples of `path` in the parts that run apart: first those outside any own-folder
    stretch, then each stretch's (a part may be empty)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    fenced = {
        n for b in fenced_blocks(path) for n in range(b.first_line - 1, b.first_line + len(b.lines) + 1)
    }
    stretches: list[tuple[int, int]] = []
    start = None
    for number, line in enumerate(lines, start=1):
        if number in fenced or line.strip() not in (OWN_FOLDER, OWN_FOLDER_END):
            continue
        if (line.strip() == OWN_FOLDER) != (start is None):
            raise ValueError(
                f"{path.name}:{number}: `{line.strip()}` out of turn (own-folder stretches do not nest)"
            )
        if start is None:
            start = number
        else:
            stretches.append((start, number))
            start = None
    if start is not None:
        raise ValueError(f"{path.name}:{start}: `{OWN_FOLDER}` never ended by `{OWN_FOLDER_END}`")
    found = examples(path)
    inside = [[e for e in found if begin < e[0].first_line < end] for begin, end in stretches]
    rest = [e for e in found if not any(begin < e[0].first_line < end for begin, end in stretches)]
    return [rest, *inside]


def _normalised(text: str) -> str:
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def run_command(path: Path, command: Command) -> str | None:
    """Run one documented command; None when it behaves as shown, else what went wrong."""
    result = CliRunner().invoke(cli, command.argv, prog_name=COMMAND)
    got = _normalised(result.output)
    want = _normalised("\n".join(command.expected))
    problems = []
    if result.exit_code != command.exit_code:
        problems.append(f"exit code {result.exit_code}, the document shows {command.exit_code}")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append("".join(traceback.format_exception(result.exception)))
    checker = doctest.OutputChecker()
    if want and not checker.check_output(want, got, doctest.ELLIPSIS):
        example = doctest.Example(command.text, want)
        problems.append(checker.output_difference(example, got, doctest.ELLIPSIS | doctest.REPORT_NDIFF))
    if not problems:
        return None
    return f"{path.name}:{command.line}: $ {command.text}\n" + "\n".join(problems)


def run_document(path: Path, part: int | None = None) -> list[str]:
    """Run every example of `path` (or of one of its `parts`) in document order; the failures,
    described."""
    failures: list[str] = []
    globs: dict[str, object] = {"__name__": f"docs.{path.stem}"}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    for block, commands in examples(path) if part is None else parts(path)[part]:
        if commands is None:
            test = parser.get_doctest(
                "\n".join(block.lines) + "\n", globs, f"{path.name}:{block.first_line}", str(path),
                block.first_line - 1,
            )  # fmt: skip
            report: list[str] = []
            if runner.run(test, out=report.append, clear_globs=False).failed:
                failures.append("".join(report))
            globs = test.globs  # a DocTest works on a copy: the next block sees this one's names
        else:
            failures += [f for f in (run_command(path, c) for c in commands) if f is not None]
    return failures


def _documents_with_examples() -> list[Path]:
    return [path for path in DOCUMENTS if examples(path)]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder laid out like the repository root (copies of what the examples read)."""
    for folder, ignored in COPIED.items():
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns(*ignored))
    monkeypatch.chdir(tmp_path)
    return tmp_path


SIMULATING = ("run", "sweep", "staff", "plan", "compare", "sensitivity")  # commands that take seconds


def _simulates(part: list[tuple[Block, list[Command] | None]]) -> bool:
    """Whether a part's examples simulate (a command or an API call that runs replications, not
    one refused before any)."""
    for block, commands in part:
        if commands is None:
            if any(f"sim.{name}(" in line for line in block.lines for name in SIMULATING):
                return True
        elif any(c.argv[:1] and c.argv[0] in SIMULATING and c.exit_code == 0 for c in commands):
            return True
    return False


def _document_parts() -> list:
    """Each document's parts with examples; a part that simulates is marked slow."""
    return [
        pytest.param(path, index, marks=[pytest.mark.slow] if _simulates(part) else [])
        for path in _documents_with_examples()
        for index, part in enumerate(parts(path))
        if part
    ]


@pytest.mark.parametrize(
    ("path", "part"),
    _document_parts(),
    ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else f"part{v}",
)
def test_documented_examples_run_as_shown(path: Path, part: int, workdir: Path) -> None:
    failures = run_document(path, part)
    assert not failures, "\n\n".join(failures)


def test_the_documents_hold_enough_examples() -> None:
    commands = doctest_examples = 0
    parser = doctest.DocTestParser()
    for path in DOCUMENTS:
        for block, found in examples(path):
            if found is None:
                doctest_examples += len(parser.get_examples("\n".join(block.lines) + "\n"))
            else:
                commands += len(found)
    assert commands >= MIN_COMMANDS
    assert doctest_examples >= MIN_DOCTEST_EXAMPLES
    documented = {path.relative_to(ROOT).as_posix() for path in _documents_with_examples()}
    assert {"README.md", "docs/tutorial.md", "docs/notebook.md", "docs/calibration.md"} <= documented


def test_a_wrong_line_or_exit_code_is_caught(tmp_path: Path) -> None:
    """The checker itself: `...` elides, a changed figure or exit code fails."""
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n$ hotline-sim --version\nhotline-sim, version ...\n"
        "$ hotline-sim --version\nhotline-sim, version 0.0.0-not-this\n"
        "$ hotline-sim check no-such-file.toml  # exit 0\n...\n```\n",
        encoding="utf-8",
    )
    failures = run_document(page)
    assert len(failures) == 2
    assert "page.md:4:" in failures[0] and "0.0.0-not-this" in failures[0]
    assert "page.md:6:" in failures[1] and "exit code 2, the document shows 0" in failures[1]


def test_an_own_folder_stretch_runs_apart_and_loses_no_example(tmp_path: Path) -> None:
    """The checker itself: a stretch between the markers is a part of its own (a marker shown inside
    a fenced block is text), every example is in exactly one part, and an unended stretch is refused."""
    page = tmp_path / "page.md"
    version = "```console\n$ hotline-sim --version\nhotline-sim, version ...\n```\n"
    shown = f"```text\n{OWN_FOLDER}\n```\n"
    page.write_text(
        f"{version}{OWN_FOLDER}\n{version}{shown}{version}{OWN_FOLDER_END}\n{version}", encoding="utf-8"
    )
    split = parts(page)
    assert [len(part) for part in split] == [2, 2]
    assert sorted(block.first_line for part in split for block, _ in part) == sorted(
        block.first_line for block, _ in examples(page)
    )
    assert [block.first_line for block, _ in split[1]] == [7, 14]
    assert run_document(page, 1) == [] and run_document(page, 0) == []
    page.write_text(f"{version}{OWN_FOLDER}\n{version}", encoding="utf-8")
    with pytest.raises(ValueError, match="page.md:5: .* never ended"):
        parts(page)
    for path in DOCUMENTS:  # every document's examples, each in one part
        assert sum(len(part) for part in parts(path)) == len(examples(path))


def test_a_command_outside_a_console_block_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```consol\n$ hotline-sim --version\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mark the block ```console"):
        examples(page)


def test_every_metric_is_defined_in_metrics_md() -> None:
    """Every column of summary.csv, for every bundled scenario and with priority classes, is in
    docs/metrics.md (per-priority metrics as the pattern `..._priority_P`, per-team ones as `..._T`)."""
    import sim
    from sim.metrics import metric_names

    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    defined = set(re.findall(r"`([A-Za-z0-9_]+)`", text))
    files = [path for path in sorted((ROOT / "scenarios").glob("*.toml")) if path.stem != "reference"]
    scenarios = [sim.load_scenario(path) for path in files]
    prioritised = scenarios[0].with_values({"intake.sources.public.priority": 1})
    names = {"backlog_never_cleared_replications"}
    for scenario in [*scenarios, prioritised]:
        names |= {re.sub(r"_priority_\d+$", "_priority_P", name) for name in metric_names(scenario)}
    names = {re.sub(r"_source_[A-Za-z0-9_]+$", "_source_S", name) for name in names}
    teams = {spec.name for scenario in scenarios for spec in scenario.team_specs if scenario.teams}
    assert teams  # a bundled scenario has teams: their metrics as the pattern `..._T`
    names = {re.sub(rf"_({'|'.join(teams)})$", "_T", name) for name in names}
    assert any(name.endswith("_priority_P") for name in names) and "team_utilisation_T" in names
    assert sorted(names - defined) == []

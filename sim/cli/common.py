"""What the `hotline-sim` commands share: exit codes, loading a scenario with `--set` overrides,
the options of every simulating command, the results folder held for the command, the progress
bar, and the console's table of key figures.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sim.common.limits import MAX_JOBS, MAX_REPLICATIONS, MAX_SEED

if TYPE_CHECKING:
    from sim.experiments.size import JobSize

EXIT_INVALID = 2
EXIT_FAILURE = 1
EXIT_CLOSED_PIPE = 141  # the reader of the output stopped early (`| head`), as a shell reports SIGPIPE


def load(path: str):
    """The scenario at `path`, validated; exit 2 with the file, key path and what was expected."""
    from sim.scenario.schema import load_scenario
    from sim.scenario.section import ScenarioError

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)


set_option = click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override one scenario key (dotted, TOML value), e.g. analysts.count=15; repeatable.",
)


def _excel_available(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """--excel is refused (exit 2) before anything runs when openpyxl is not installed."""
    from sim.io.excel import excel_missing

    problem = excel_missing() if value else None
    if problem:
        raise click.BadParameter(problem.removeprefix("--excel "), ctx=ctx, param=param)
    return value


def run_options(default_out: str, precision: bool = True):
    """The options every simulating command shares: replications, seed, output, jobs, plots, --set;
    with `precision`, replication control (--precision, --max-replications)."""

    controls = [
        click.option(
            "--precision",
            type=click.FloatRange(min=0, min_open=True),
            help="Add replications until the key metrics' relative 95 % CI half-width is <= this.",
        ),
        click.option(
            "--max-replications",
            type=click.IntRange(min=2, max=MAX_REPLICATIONS),
            help="With --precision: the most replications [100].",
        ),
    ]

    def decorate(command):
        for option in reversed(
            [
                click.option(
                    "--replications",
                    "-n",
                    type=click.IntRange(min=2, max=MAX_REPLICATIONS),
                    help="Override the file's count.",
                ),
                click.option(
                    "--seed", type=click.IntRange(min=0, max=MAX_SEED), help="Override the file's seed."
                ),
                click.option(
                    "--out", type=click.Path(file_okay=False), help=f"Output folder [{default_out}]."
                ),
                click.option(
                    "--jobs",
                    "-j",
                    type=click.IntRange(min=1, max=MAX_JOBS),
                    default=1,
                    show_default=True,
                    help="Processes; never changes the numbers.",
                ),
                click.option("--no-plots", is_flag=True, help="Skip the PNG figures."),
                click.option(
                    "--report",
                    is_flag=True,
                    help="Also write report.html: the planner report of the results (see `report`).",
                ),
                click.option(
                    "--excel",
                    is_flag=True,
                    callback=_excel_available,
                    help="Also write results.xlsx: every table as a sheet (needs hotline-sim[excel]).",
                ),
                click.option(
                    "--scheduler",
                    metavar="ADDRESS",
                    help="Run replications as Dask tasks on the scheduler at ADDRESS (tcp://host:8786), "
                    "or 'local' for a local cluster; needs hotline-sim[dask]; never changes the numbers.",
                ),
                click.option(
                    "--quiet",
                    "-q",
                    is_flag=True,
                    help="No progress bar.",
                ),
                click.option(
                    "--force",
                    is_flag=True,
                    help="Run a job beyond the size limits (docs/limits.md) anyway.",
                ),
                set_option,
                *(controls if precision else []),
            ]
        ):
            command = option(command)
        return command

    return decorate


def maximum_replications(precision: float | None, max_replications: int | None) -> int | None:
    """The replication ceiling of --precision (None: no replication control; exit 2 if misused)."""
    from sim.stats.precision import DEFAULT_MAX_REPLICATIONS

    if precision is None:
        if max_replications is not None:
            click.echo("--max-replications needs --precision", err=True)
            sys.exit(EXIT_INVALID)
        return None
    return max_replications or DEFAULT_MAX_REPLICATIONS


@contextlib.contextmanager
def one_writer() -> Iterator[Callable[[Path], None]]:
    """`hold(folder)` takes the results folder for this command until the block ends: created, locked
    against other writers and checked for files hotline-sim did not write, before anything is
    simulated (a FolderError: exit 2)."""
    from sim.io.folder import ResultsFolder

    with contextlib.ExitStack() as stack:

        def hold(folder: Path) -> None:
            stack.enter_context(ResultsFolder(folder)).refuse_foreign()

        yield hold


def command_line() -> list[str]:
    """The command line being run, as the manifest records it."""
    obj = click.get_current_context().find_root().obj
    return list(obj.get("command_line", ())) if isinstance(obj, dict) else []


def starting(line: str, size: JobSize, jobs: int) -> None:
    """The command's first line on stderr: what runs, and for a big job how big it is."""
    click.echo(f"{line}; {size.describe(jobs)}" if size.is_big(jobs) else line, err=True)


def write_results(
    done: Any, out_dir: Path, report: bool, changes_printed: bool = False, **options: Any
) -> list[str]:
    """Write the command's files (`sim.api.write` with `options`), then with --report the planner
    report, before the command prints anything: a reader that stops early (`| head`) cannot stop
    them. The lines that say where they are, for the command to print last, after the what-if in
    words unless the command's printout already says it (`changes_printed`)."""
    from sim.api import write

    write(done, out_dir, command_line=command_line(), **options)
    said = []
    if report:
        from sim.report.page import ReportError, write_report

        try:
            said.append(f"report written to {write_report(out_dir)}")
        except ReportError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_INVALID)
    said.append(f"results written to {out_dir}/")
    scenario, source = getattr(done, "scenario", None), getattr(done, "source", None)
    if scenario is not None and not changes_printed:  # the what-if, in words, beside its results
        from sim.io.output import what_if

        changes = what_if(scenario, source)
        if changes:
            said.insert(0, f"changed from the scenario file: {changes}")
    return said


def default_out(name: str, overrides: tuple[str, ...], sub: str = "") -> Path:
    """The folder a command writes to without --out: `runs/NAME[/SUB]`, and with --set overrides
    `runs/NAME--TAG[/SUB]`, the tag made of the overrides (cut, with a digest to keep it unique), so
    that a what-if never replaces the plain run's files.

    >>> str(default_out("baseline-2018", ("sla.assessment_hours=72", "analysts.count=15"), "staff"))
    'runs/baseline-2018--assessment_hours-72--count-15/staff'
    >>> str(default_out("b", ("intake.sources.public.reports_per_day=540",)))
    'runs/b--intake.sources.public.reports_per_day-540'
    """
    folder = name
    if overrides:
        parts = []
        for text in overrides:
            key, _, value = text.partition("=")
            key = key.strip()
            # a section's own key by its name (unique but `sources`), a key in a named table or a
            # list in full: `intake.sources.public.reports_per_day` and `...referral...` differ
            short = key.split(".", 1)[-1] if key.count(".") == 1 and not key.endswith(".sources") else key
            parts.append(f"{short}-{value.strip()}")
        clean = [re.sub(r"[^A-Za-z0-9_.-]+", "_", part).strip("._-") for part in parts]
        tag = "--".join(clean)
        if len(tag) > 60 or clean != parts:  # cut at a whole override, and a digest keeps it unique
            digest = hashlib.sha256("\n".join(overrides).encode()).hexdigest()[:8]
            kept = []
            for part in clean:
                if len("--".join([*kept, part])) > 40:
                    break
                kept.append(part)
            tag = "--".join([*kept, digest])
        folder = f"{name}--{tag}"
    return Path("runs") / folder / sub if sub else Path("runs") / folder


def parse_override(text: str) -> tuple[str, object]:
    """`KEY=VALUE` with a TOML value (`17`, `0.5`, `true`, `"24/7"`, `{ dist = "fixed", value = 5 }`);
    a bare word that is not TOML is taken as a string.

    >>> parse_override("analysts.count=17")
    ('analysts.count', 17)
    >>> parse_override("analysts.schedule=24/7")
    ('analysts.schedule', '24/7')
    """
    from sim.common.messages import shown
    from sim.experiments.arms import parse_value

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"expected KEY=VALUE, got {shown(text)}", param_hint="--set")
    return key.strip(), parse_value(value)


def with_overrides(spec, path: str, overrides: tuple[str, ...]):
    """The scenario with `--set` overrides applied and validated (exit 2 naming the key)."""
    if not overrides:
        return spec
    from sim.scenario.section import ScenarioError

    values = dict(parse_override(text) for text in overrides)
    try:
        return spec.with_values(values, source=f"{path} with --set")
    except KeyError as exc:
        click.echo(f"--set: {exc.args[0]}", err=True)
        sys.exit(EXIT_INVALID)
    except ScenarioError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)


def progress(quiet: bool) -> Callable[[], Callable[[int, int], None] | None]:
    """What the library calls for a progress bar of each batch of work: none with --quiet."""
    return (lambda: None) if quiet else progress_printer


def progress_printer() -> Callable[[int, int], None] | None:
    """A progress bar on stderr for work that takes more than 2 seconds, when stderr is a terminal
    (nothing in logs or pipes)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    try:  # a terminal that reports no size (some emulators, `script`) would get no bar at all
        sized = os.get_terminal_size(sys.stderr.fileno()).columns > 0
    except (OSError, ValueError):
        sized = False
    width, height = (None, None) if sized else (80, 24)

    def show(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(
                total=total,
                unit="replication",
                delay=2.0,
                file=sys.stderr,
                leave=False,
                ncols=width,
                nrows=height,
            )
        bar["bar"].update(done - bar["bar"].n)
        if done == total:
            bar.pop("bar").close()

    return show


def key_figure_table(summaries, spec) -> str:
    """The console's table of a run's key figures (those the scenario `spec` models), each mean and
    its 95 % CI rounded to what the interval supports, in the metric's unit."""
    from sim.metrics import metric, shown_key_figures
    from sim.stats.readable import cells, is_duration

    rows = [("metric", "mean", "95 % CI")]
    for name in shown_key_figures(spec):
        entry = metric(name)
        s = summaries[name]
        mean, ci = cells(s.mean, s.ci95_low, s.ci95_high, s.replications, entry.words, days=is_duration(name))
        rows.append((entry.short or entry.label, mean, ci or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}".rstrip() for a, b, c in rows)

"""The `hotline-sim` command: a thin layer that parses arguments and calls the library.

Exit codes: 0 success, 2 invalid input (scenario or arguments), 1 anything else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim import __version__
from sim.common.limits import MAX_ANALYSTS, MAX_JOBS, MAX_REPLICATIONS, MAX_SEED

if TYPE_CHECKING:
    from sim.experiments.size import JobSize


EXIT_INVALID = 2
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT


def _load(path: str):
    from sim.scenario.schema import load_scenario
    from sim.scenario.section import ScenarioError

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)


class _Commands(click.Group):
    """The command group: a request the library refuses before simulating (ExperimentError: a bad
    target, a job too big, ...) or a folder another command holds or that holds files hotline-sim
    did not write is one line on stderr and exit 2, whoever invokes the command."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: object
    ) -> click.Context:
        """The command's context; the whole command line (for the manifest) is its `obj`."""
        if parent is None and extra.get("obj") is None:
            extra["obj"] = {"command_line": ["hotline-sim", *args]}
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command, mapping refused requests to exit 2."""
        from sim.common.messages import cut
        from sim.experiments.arms import ExperimentError
        from sim.io.folder import FolderError

        try:
            return super().invoke(ctx)
        except (ExperimentError, FolderError) as exc:
            click.echo("\n".join(cut(line) for line in _in_options(exc).splitlines()), err=True)
            sys.exit(EXIT_INVALID)


# the options of the library's parameters, for its messages (`ExperimentError.parameter`)
OPTIONS = {
    "metrics": "--metric", "vary": "--vary", "baseline": "--baseline", "target": "--target", "low": "--min",
    "high": "--max", "keys": "--keys", "replications": "--replications", "seed": "--seed",
    "max_replications": "--max-replications",
}  # fmt: skip


def _in_options(exc: Exception) -> str:
    """A refusal worded with the command line's options where the library names its parameters."""
    parameter = getattr(exc, "parameter", None)
    if parameter in OPTIONS:
        return f"{OPTIONS[parameter]}{exc.detail}"
    return str(exc).replace("(force=True)", "with --force")


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Example:\n\n  hotline-sim run scenarios/baseline-2018.toml --replications 10 --jobs 2",
)
@click.version_option(__version__, prog_name="hotline-sim")
def cli() -> None:
    """Simulate a reporting hotline's queue, time to takedown and staffing (synthetic events only)."""


def _run_options(default_out: str):
    """The options every simulating command shares: replications, seed, output, jobs, plots, --set."""

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
                    "--scheduler",
                    metavar="ADDRESS",
                    help="Run replications as Dask tasks on the scheduler at ADDRESS (tcp://host:8786), "
                    "or 'local' for a local cluster; needs hotline-sim[dask]; never changes the numbers.",
                ),
                click.option(
                    "--precision",
                    type=click.FloatRange(min=0, min_open=True),
                    help="Add replications until the key metrics' relative 95 % CI half-width is <= this.",
                ),
                click.option(
                    "--quiet",
                    "-q",
                    is_flag=True,
                    help="No progress bar.",
                ),
                click.option(
                    "--max-replications",
                    type=click.IntRange(min=2, max=MAX_REPLICATIONS),
                    help="With --precision: the most replications [100].",
                ),
                click.option(
                    "--force",
                    is_flag=True,
                    help="Run a job beyond the size limits (docs/limits.md) anyway.",
                ),
                click.option(
                    "--set",
                    "overrides",
                    multiple=True,
                    metavar="KEY=VALUE",
                    help="Override one scenario key (dotted, TOML value), e.g. analysts.count=15.",
                ),
            ]
        ):
            command = option(command)
        return command

    return decorate


def _maximum_replications(precision: float | None, max_replications: int | None) -> int | None:
    """The replication ceiling of --precision (None: no replication control; exit 2 if misused)."""
    from sim.stats.precision import DEFAULT_MAX_REPLICATIONS

    if precision is None:
        if max_replications is not None:
            click.echo("--max-replications needs --precision", err=True)
            sys.exit(EXIT_INVALID)
        return None
    return max_replications or DEFAULT_MAX_REPLICATIONS


@contextlib.contextmanager
def _one_writer() -> Iterator[Callable[[Path], None]]:
    """`hold(folder)` takes the results folder for this command until the block ends: created, locked
    against other writers and checked for files hotline-sim did not write, before anything is
    simulated (a FolderError: exit 2)."""
    from sim.io.folder import ResultsFolder

    with contextlib.ExitStack() as stack:

        def hold(folder: Path) -> None:
            stack.enter_context(ResultsFolder(folder)).refuse_foreign()

        yield hold


def _command_line() -> list[str]:
    """The command line being run, as the manifest records it."""
    obj = click.get_current_context().find_root().obj
    return list(obj.get("command_line", ())) if isinstance(obj, dict) else []


def _starting(line: str, size: JobSize, jobs: int) -> None:
    """The command's first line on stderr: what runs, and for a big job how big it is."""
    click.echo(f"{line}; {size.describe(jobs)}" if size.is_big(jobs) else line, err=True)


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@_run_options("runs/<name>/")
@click.option(
    "--period",
    type=click.Choice(["week", "month"]),
    default="week",
    show_default=True,
    help="Rows of periods.csv: weeks, or months of 4 weeks.",
)
def run(
    scenario: str,
    period: str,
    replications: int | None,
    seed: int | None,
    out: str | None,
    jobs: int,
    no_plots: bool,
    report: bool,
    precision: float | None,
    max_replications: int | None,
    force: bool,
    overrides: tuple[str, ...],
    scheduler: str | None,
    quiet: bool,
) -> None:
    """Run replications of SCENARIO, print the summary and write the result files.

    \b
    Example:
      hotline-sim run scenarios/baseline-2018.toml --replications 10 --seed 2018 --jobs 2
      hotline-sim run scenarios/baseline-2018.toml --set analysts.max_viewing_hours_per_day=24
    """
    from sim.api import run as run_api
    from sim.api import write
    from sim.io.run_files import run_summaries

    spec = _with_overrides(_load(scenario), scenario, overrides)
    maximum = _maximum_replications(precision, max_replications)
    out_dir = Path(out) if out else Path("runs") / spec.scenario.name
    with _one_writer() as hold:

        def start(n: int, run_seed: int, size: JobSize) -> None:
            hold(out_dir)
            _starting(f"{spec.scenario.name}: {n} replications, seed {run_seed}, jobs {jobs}", size, jobs)

        done = run_api(
            spec, replications, jobs, seed, precision=precision, max_replications=maximum,
            progress=_progress(quiet), scheduler=scheduler, source=Path(scenario), on_start=start,
            force=force,
        )  # fmt: skip
        write(done, out_dir, plots=not no_plots, period=period, command_line=_command_line())
        summaries = run_summaries(done, period)
        note = done.precision_note
        click.echo(_table(summaries, _modelled(spec)))
        if note:
            click.echo(f"replications: {len(done.results)}{note}")
        from sim.experiments.estimate import effective_capacity

        click.echo(effective_capacity(spec).describe())
        _finish(out_dir, report)


def _finish(out_dir: Path, report: bool) -> None:
    """Say where the results are; with --report, write the planner report there first."""
    if report:
        from sim.report.page import ReportError, write_report

        try:
            click.echo(f"report written to {write_report(out_dir)}")
        except ReportError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_INVALID)
    click.echo(f"results written to {out_dir}/")


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    required=True,
    metavar="KEY=V1,V2,...",
    help="A dotted scenario key and its values (TOML); repeat for a full factorial.",
)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    metavar="METRIC",
    help="A metric to plot and tabulate in sweep.md; repeatable [sla_assessment_share, wait_hours_mean].",
)
@click.option("--baseline", metavar="KEY=V,...", help="The arm differences are taken from [the first arm].")
@click.option("--resume", is_flag=True, help="Reuse the replications an interrupted sweep finished in --out.")
@_run_options("runs/<name>/sweep/")
def sweep(
    scenario: str,
    varies: tuple[str, ...],
    metrics: tuple[str, ...],
    baseline: str | None,
    resume: bool,
    replications: int | None,
    seed: int | None,
    out: str | None,
    jobs: int,
    no_plots: bool,
    report: bool,
    precision: float | None,
    max_replications: int | None,
    force: bool,
    overrides: tuple[str, ...],
    scheduler: str | None,
    quiet: bool,
) -> None:
    """Run every combination of the --vary values with common random numbers and compare the arms.

    \b
    Example:
      hotline-sim sweep scenarios/baseline-2018.toml --vary intake.volume_multiplier=1,1.5,2 \\
          --vary analysts.count=13,17,21 --metric sla_assessment_share --jobs 2
    """
    from sim.api import sweep as sweep_api
    from sim.api import write
    from sim.common.messages import cut
    from sim.experiments.arms import parse_vary

    spec = _with_overrides(_load(scenario), scenario, overrides)
    maximum = _maximum_replications(precision, max_replications)
    out_dir = Path(out) if out else Path("runs") / spec.scenario.name / "sweep"
    with _one_writer() as hold:

        def start(arms: int, n: int, run_seed: int, size: JobSize) -> None:  # all checked
            hold(out_dir)
            line = f"{spec.scenario.name}: {arms} arms x {n} replications, seed {run_seed}, jobs {jobs}"
            _starting(line, size, jobs)

        done = sweep_api(
            spec, [parse_vary(text) for text in varies], list(metrics) or None, baseline, replications, jobs,
            seed, precision=precision, max_replications=maximum, progress=_progress(quiet),
            scheduler=scheduler, resume=out_dir if resume else None, source=Path(scenario), on_start=start,
            force=force,
        )  # fmt: skip
        if resume:
            total = len(done.results[0]) * len(done.arms)
            click.echo(
                f"--resume: {done.reused} of {total} replications reused from {out_dir}/.resume/", err=True
            )
        if done.cache_problem:
            click.echo(f"--resume: warning: {cut(done.cache_problem)}; replications are not kept", err=True)
        if done.ignored:
            click.echo(
                f"--resume: warning: ignored {len(done.ignored)} file(s) in {out_dir}/.resume/ that do not "
                f"parse or do not match this sweep (recomputed), e.g. {done.ignored[0]}",
                err=True,
            )
        if done.precision_note:
            click.echo(f"replications per arm: {len(done.results[0])}{done.precision_note}")
        write(done, out_dir, plots=not no_plots, command_line=_command_line())
        click.echo((out_dir / "sweep.md").read_text(encoding="utf-8"), nl=False)
        _finish(out_dir, report)


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--target", required=True, metavar='"METRIC<=VALUE"', help='e.g. "sla_assessment_share>=0.95".')
@click.option(
    "--min",
    "low",
    type=click.IntRange(min=1, max=MAX_ANALYSTS),
    default=1,
    show_default=True,
    help="Fewest analysts.",
)
@click.option(
    "--max",
    "high",
    type=click.IntRange(min=1, max=MAX_ANALYSTS),
    default=100,
    show_default=True,
    help="Most analysts.",
)
@_run_options("runs/<name>/staff/")
def staff(
    scenario: str,
    target: str,
    low: int,
    high: int,
    replications: int | None,
    seed: int | None,
    out: str | None,
    jobs: int,
    no_plots: bool,
    report: bool,
    precision: float | None,
    max_replications: int | None,
    force: bool,
    overrides: tuple[str, ...],
    scheduler: str | None,
    quiet: bool,
) -> None:
    """The smallest analysts.count whose whole 95 % CI meets --target, beside an Erlang C estimate.

    \b
    Example:
      hotline-sim staff scenarios/baseline-2018.toml --target "sla_assessment_share>=0.95" --jobs 2
    """
    from sim.api import staff as staff_api
    from sim.api import write
    from sim.experiments.staffing import UnreachableTarget

    spec = _with_overrides(_load(scenario), scenario, overrides)
    maximum = _maximum_replications(precision, max_replications)
    out_dir = Path(out) if out else Path("runs") / spec.scenario.name / "staff"
    with _one_writer() as hold:

        def start(goal, n: int, run_seed: int, size: JobSize) -> None:  # all checked
            hold(out_dir)
            line = (
                f"{spec.scenario.name}: {goal}, {low} to {high} analysts, {n} replications, seed {run_seed}"
            )
            _starting(line, size, jobs)

        try:
            done = staff_api(
                spec, target, low, high, replications, jobs, seed, precision=precision,
                max_replications=maximum, progress=_progress(quiet), scheduler=scheduler,
                source=Path(scenario), on_start=start, force=force,
            )  # fmt: skip
        except UnreachableTarget as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_FAILURE)
        write(done, out_dir, plots=not no_plots, command_line=_command_line())
        lines = done.lines()
        click.echo("\n".join(lines[:-1]))
        _finish(out_dir, report)
    if done.answer is None:
        click.echo(
            f"even --max {high} analysts do not meet {done.target}: raise --max or change the scenario",
            err=True,
        )
        sys.exit(EXIT_FAILURE)
    click.echo(lines[-1])


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--keys", metavar="K1,K2,...", help="Dotted keys to move [the file's `# assumption:` keys].")
@click.option(
    "--change",
    type=click.FloatRange(min=0, max=1, min_open=True),
    default=0.2,
    show_default=True,
    help="Relative move down and up.",
)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    metavar="METRIC",
    help="A metric to show; repeatable [sla_assessment_share, wait_hours_mean].",
)
@_run_options("runs/<name>/sensitivity/")
def sensitivity(
    scenario: str,
    keys: str | None,
    change: float,
    metrics: tuple[str, ...],
    replications: int | None,
    seed: int | None,
    out: str | None,
    jobs: int,
    no_plots: bool,
    report: bool,
    precision: float | None,
    max_replications: int | None,
    force: bool,
    overrides: tuple[str, ...],
    scheduler: str | None,
    quiet: bool,
) -> None:
    """Move each assumption down and up (common random numbers) and show what the answer hangs on.

    \b
    Example:
      hotline-sim sensitivity scenarios/baseline-2018.toml --metric sla_assessment_share --jobs 2
    """
    from sim.api import sensitivity_analysis as sensitivity_api
    from sim.api import write

    spec = _with_overrides(_load(scenario), scenario, overrides)
    maximum = _maximum_replications(precision, max_replications)
    out_dir = Path(out) if out else Path("runs") / spec.scenario.name / "sensitivity"
    chosen_keys = [k.strip() for k in keys.split(",") if k.strip()] if keys is not None else None
    if chosen_keys == []:
        click.echo("--keys: expected dotted keys K1,K2,...", err=True)
        sys.exit(EXIT_INVALID)
    with _one_writer() as hold:

        def start(key_count: int, moves: int, n: int, run_seed: int, size: JobSize) -> None:
            hold(out_dir)
            line = f"{spec.scenario.name}: {key_count} keys, {moves} moves + base, {n} replications, "
            line += f"seed {run_seed}"
            _starting(line, size, jobs)

        done = sensitivity_api(
            spec, chosen_keys, change, list(metrics) or None, replications, jobs, seed,
            precision=precision, max_replications=maximum, progress=_progress(quiet), scheduler=scheduler,
            source=Path(scenario), on_start=start, force=force,
        )  # fmt: skip
        write(done, out_dir, plots=not no_plots, command_line=_command_line())
        click.echo((out_dir / "sensitivity.md").read_text(encoding="utf-8"), nl=False)
        _finish(out_dir, report)


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


def _with_overrides(spec, path: str, overrides: tuple[str, ...]):
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


def _progress(quiet: bool) -> Callable[[], Callable[[int, int], None] | None]:
    """What the library calls for a progress bar of each batch of work: none with --quiet."""
    return (lambda: None) if quiet else _progress_printer


def _progress_printer() -> Callable[[int, int], None] | None:
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


def _modelled(spec) -> set[str]:
    """What the scenario models beyond the queue, as the catalogue's `shown_with` names it."""
    found = set()
    if spec.takedown.hosts:
        found.add("hosts")
    if any(source.is_proactive for source in spec.intake.sources.values()):
        found.add("proactive")
    if spec.intake.initial_backlog or spec.intake.surges or spec.analysts.capacity_windows:
        found.add("backlog events")
    return found


def _table(summaries, modelled: set[str]) -> str:
    """The console's table of a run's key figures (those the scenario models), rounded to 4
    significant figures."""
    from sim.common.files import fmt
    from sim.metrics import KEY_FIGURES, metric

    def cell(x: float) -> str:
        return fmt(float(f"{x:.4g}")) if x == x else "-"

    rows = [("metric", "mean", "95 % CI")]
    for name in KEY_FIGURES:
        entry = metric(name)
        if entry.shown_with and entry.shown_with not in modelled:
            continue
        s = summaries[name]
        ci = f"{cell(s.ci95_low)} to {cell(s.ci95_high)}" if s.replications > 1 else "-"
        rows.append((entry.short or entry.label, cell(s.mean), ci))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows)


@cli.command()
@click.argument("results_dir", type=click.Path(file_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="The HTML file [RESULTS_DIR/report.html].")
@click.option("--question", metavar="TEXT", help="The question the report answers [worded from the folder].")
def report(results_dir: str, out: str | None, question: str | None) -> None:
    """Write the planner report of a results folder (run, sweep, staff or sensitivity): one
    self-contained HTML page with the question, key figures with 95 % CIs, figures, tables,
    assumptions, the STRESS-DES items and the manifest; it opens offline in any browser.

    \b
    Example:
      hotline-sim run scenarios/baseline-2018.toml
      hotline-sim report runs/baseline-2018 --out baseline-2018.html
    """
    from sim.report.page import ReportError, write_report

    try:
        path = write_report(results_dir, out, question)
    except ReportError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"report written to {path}")


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
def check(scenario: str) -> None:
    """Validate SCENARIO and print it resolved, with every default filled in.

    \b
    Example:
      hotline-sim check scenarios/baseline-2018.toml
    """
    import tomli_w

    spec = _load(scenario)
    click.echo(f"# {scenario}: valid; resolved scenario with defaults:")
    click.echo(tomli_w.dumps(spec.to_dict()), nl=False)


@cli.command()
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    default=".",
    show_default=True,
    help="The repository root (holds scenarios/reference.toml).",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Processes.")
def reproduce(root: str, jobs: int) -> None:
    """Re-run every reference job of scenarios/reference.toml and rewrite results/.

    \b
    Example:
      hotline-sim reproduce --jobs 2
    """
    from sim.experiments.reproduce import load_jobs

    base = Path(root).resolve()
    try:
        reference = load_jobs(base)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)
    from sim.io.folder import ResultsFolder

    for number, job in enumerate(reference, start=1):
        click.echo(
            f"[{number}/{len(reference)}] hotline-sim {job.command} {job.scenario} -> {job.out}", err=True
        )
        with ResultsFolder(base / job.out) as folder:
            folder.adopt()  # the committed reference tables are the repository's own
        code = _invoke([*job.argv(base), "--jobs", str(jobs)])
        if code == EXIT_FAILURE and job.command == "staff" and _no_answer(base / job.out):
            continue  # "no team up to --max meets the target" is itself the reference answer
        if code not in (0, None):
            click.echo(f"reference job {number} ({job.out}) failed with exit {code}", err=True)
            sys.exit(EXIT_FAILURE)
    click.echo(f"results/ rewritten: {len(reference)} reference jobs")


def _no_answer(folder: Path) -> bool:
    """Whether a staffing run wrote its tables and found no team meeting the target."""
    report = folder / "staffing.md"
    return report.exists() and "no answer: even" in report.read_text(encoding="utf-8")


def _invoke(argv: list[str]) -> int | None:
    """Run one command line in this process (output to this terminal); its exit code."""
    try:
        cli.main(args=argv, standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def execute(argv: list[str]) -> int:
    """Run one command line in this process and map its end to an exit code: 0 success, 2 invalid
    input, 130 Ctrl-C, 1 anything else (one clear line on stderr, never a traceback). The console
    entry point and the in-process tests both run commands through it."""
    from sim.common.interrupts import interrupted

    try:
        cli.main(args=argv, prog_name="hotline-sim", standalone_mode=False)
        if interrupted():  # a Ctrl-C swallowed by a library's clean-up still ends the command as one
            raise KeyboardInterrupt
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        from sim.common.messages import cut

        exc.message = cut(exc.message)  # a long value never buries the message
        exc.show()
        return EXIT_INVALID if isinstance(exc, click.UsageError) else EXIT_FAILURE
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo(
            "interrupted: no table was left half-written; a folder without manifest.json is incomplete, "
            "and the next command into it clears it",
            err=True,
        )
        return EXIT_INTERRUPTED
    except SystemExit as exc:  # a command's own exit (2 for invalid input, 1 for no answer)
        return exc.code if isinstance(exc.code, int) else EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one clear line, exit 1
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        return EXIT_FAILURE
    return 0


def main() -> None:
    """Console entry point: Ctrl-C handled from the first moment, then the command line run."""
    from sim.common.interrupts import handle_interrupts

    handle_interrupts()  # first: a Ctrl-C while numpy and the model load is exit 130 too
    try:
        code = execute(sys.argv[1:])
    except KeyboardInterrupt:  # in the instant between the command's end and its exit code
        code = EXIT_INTERRUPTED
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command has ended: a late Ctrl-C changes nothing
    sys.exit(code)


if __name__ == "__main__":
    main()

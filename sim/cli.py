"""The `hotline-sim` command: a thin layer that parses arguments and calls the library.

Exit codes: 0 success, 2 invalid input (scenario or arguments), 1 anything else.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sim import __version__

EXIT_INVALID = 2
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT

KEY_METRICS = (
    ("reports_received", "reports received"),
    ("reports_assessed", "reports assessed"),
    ("notices_sent", "notices sent"),
    ("pages_removed", "pages removed"),
    ("wait_hours_mean", "wait, mean (h)"),
    ("wait_hours_p95", "wait, 95th percentile (h)"),
    ("time_to_assessment_hours_mean", "time to assessment, mean (h)"),
    ("time_to_removal_hours_mean", "time to removal, mean (h)"),
    ("queue_length_mean", "queue length, time-average"),
    ("backlog_end", "backlog at the end"),
    ("backlog_peak", "backlog peak"),
    ("backlog_clear_days", "days to clear the backlog"),
    ("backlog_never_cleared_replications", "replications where it never cleared"),
    ("analyst_utilisation", "analyst utilisation"),
    ("sla_assessment_share", "share assessed within SLA"),
)


def _load(path: str):
    from sim.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)


@click.group(
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
                    "--replications", "-n", type=click.IntRange(min=2), help="Override the file's count."
                ),
                click.option("--seed", type=click.IntRange(min=0), help="Override the file's seed."),
                click.option(
                    "--out", type=click.Path(file_okay=False), help=f"Output folder [{default_out}]."
                ),
                click.option(
                    "--jobs",
                    "-j",
                    type=click.IntRange(min=1),
                    default=1,
                    show_default=True,
                    help="Processes; never changes the numbers.",
                ),
                click.option("--no-plots", is_flag=True, help="Skip the PNG figures."),
                click.option(
                    "--scheduler",
                    metavar="ADDRESS",
                    callback=_set_scheduler,
                    expose_value=False,
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
                    callback=_set_quiet,
                    expose_value=False,
                    help="No progress bar.",
                ),
                click.option(
                    "--max-replications",
                    type=click.IntRange(min=2),
                    help="With --precision: the most replications [100].",
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


def _set_scheduler(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from sim.runner import use_scheduler

    use_scheduler(value)
    return value


def _set_quiet(_ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    QUIET["on"] = value
    return value


def _replication_plan(
    spec, replications: int | None, seed: int | None, precision: float | None, max_replications: int | None
) -> tuple[int, int | None, int]:
    """The starting count, the --precision ceiling (None: no replication control) and the seed:
    the command line's, else the file's."""
    start = replications or spec.scenario.replications
    run_seed = spec.scenario.seed if seed is None else seed
    return start, _maximum_replications(precision, max_replications), run_seed


def _maximum_replications(precision: float | None, max_replications: int | None) -> int | None:
    """The replication ceiling of --precision (None: no replication control; exit 2 if misused)."""
    from sim.precision import DEFAULT_MAX_REPLICATIONS

    if precision is None:
        if max_replications is not None:
            click.echo("--max-replications needs --precision", err=True)
            sys.exit(EXIT_INVALID)
        return None
    return max_replications or DEFAULT_MAX_REPLICATIONS


def _output_folder(out: str | None, default: Path) -> Path:
    """The output folder, created and checked writable before anything is simulated (else exit 2)."""
    out_dir = Path(out) if out else default
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".hotline-sim-write-check"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        click.echo(f"--out {out_dir}: cannot write results there ({exc.strerror})", err=True)
        sys.exit(EXIT_INVALID)
    return out_dir


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
    precision: float | None,
    max_replications: int | None,
    overrides: tuple[str, ...],
) -> None:
    """Run replications of SCENARIO, print the summary and write the result files.

    \b
    Example:
      hotline-sim run scenarios/baseline-2018.toml --replications 10 --seed 2018 --jobs 2
      hotline-sim run scenarios/baseline-2018.toml --set analysts.max_viewing_hours_per_day=24
    """
    from sim.api import run as run_api

    spec = _with_overrides(_load(scenario), scenario, overrides)
    n, maximum, run_seed = _replication_plan(spec, replications, seed, precision, max_replications)
    out_dir = _output_folder(out, Path("runs") / spec.scenario.name)
    click.echo(f"{spec.scenario.name}: {n} replications, seed {run_seed}, jobs {jobs}", err=True)
    done = run_api(
        spec, n, jobs, run_seed, precision=precision, max_replications=maximum, progress=_progress_printer
    )
    done.source = Path(scenario)  # the file the overrides were applied to, for the manifest
    summaries = done.write(out_dir, plots=not no_plots, period=period)
    note = done.precision_note
    click.echo(_table(summaries, _has_backlog_events(spec)))
    if note:
        click.echo(f"replications: {len(done.replications)}{note}")
    from sim.erlang import effective_capacity

    click.echo(effective_capacity(spec).describe())
    click.echo(f"results written to {out_dir}/")


DEFAULT_SWEEP_METRICS = ("sla_assessment_share", "wait_hours_mean")


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
    help=f"A metric to plot and tabulate in sweep.md; repeatable [{', '.join(DEFAULT_SWEEP_METRICS)}].",
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
    precision: float | None,
    max_replications: int | None,
    overrides: tuple[str, ...],
) -> None:
    """Run every combination of the --vary values with common random numbers and compare the arms.

    \b
    Example:
      hotline-sim sweep scenarios/baseline-2018.toml --vary intake.volume_multiplier=1,1.5,2 \\
          --vary analysts.count=13,17,21 --metric sla_assessment_share --jobs 2
    """
    from datetime import UTC, datetime

    from sim.experiment import ExperimentError, build_arms, find_arm, parse_vary
    from sim.metrics import metric_names
    from sim.precision import precision_note
    from sim.resume import ReplicationCache
    from sim.runner import run_groups
    from sim.sweep_files import write_sweep

    spec = _with_overrides(_load(scenario), scenario, overrides)
    try:
        arms = build_arms(spec, [parse_vary(text) for text in varies], scenario)
        baseline_index = find_arm(arms, baseline) if baseline else 0
        chosen = list(metrics or DEFAULT_SWEEP_METRICS)
        known = {name for arm in arms for name in metric_names(arm.scenario)}
        known.add("backlog_never_cleared_replications")
        unknown = [m for m in chosen if m not in known]
        if unknown:
            raise ExperimentError(
                f"--metric: unknown {', '.join(unknown)} (metrics are those of summary.csv)"
            )
    except ExperimentError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)
    n, maximum, run_seed = _replication_plan(spec, replications, seed, precision, max_replications)
    out_dir = _output_folder(out, Path("runs") / spec.scenario.name / "sweep")
    started_at = datetime.now(UTC)
    click.echo(
        f"{spec.scenario.name}: {len(arms)} arms x {n} replications, seed {run_seed}, jobs {jobs}", err=True
    )
    cache = ReplicationCache(out_dir) if resume else None
    scenarios = [arm.scenario for arm in arms]
    run = run_groups(scenarios, run_seed, n, jobs, precision, maximum, chosen, _progress_printer, cache)
    arm_results, done, still = run.groups, run.replications, run.imprecise
    if resume:
        click.echo(
            f"--resume: {run.reused} of {done * len(arms)} replications reused from {out_dir}/.resume/",
            err=True,
        )
    note = precision_note(precision, still, chosen)
    if note:
        click.echo(f"replications per arm: {done}{note}")
    write_sweep(
        out_dir,
        arms,
        arm_results,
        baseline_index,
        chosen,
        Path(scenario),
        run_seed,
        jobs,
        started_at,
        plots=not no_plots,
    )
    click.echo((out_dir / "sweep.md").read_text(encoding="utf-8"), nl=False)
    click.echo(f"results written to {out_dir}/")


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--target", required=True, metavar='"METRIC<=VALUE"', help='e.g. "sla_assessment_share>=0.95".')
@click.option(
    "--min", "low", type=click.IntRange(min=1), default=1, show_default=True, help="Fewest analysts."
)
@click.option(
    "--max", "high", type=click.IntRange(min=1), default=100, show_default=True, help="Most analysts."
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
    precision: float | None,
    max_replications: int | None,
    overrides: tuple[str, ...],
) -> None:
    """The smallest analysts.count whose whole 95 % CI meets --target, beside an Erlang C estimate.

    \b
    Example:
      hotline-sim staff scenarios/baseline-2018.toml --target "sla_assessment_share>=0.95" --jobs 2
    """
    from sim.experiment import ExperimentError
    from sim.metrics import metric_names
    from sim.output import atomic_write_text, csv_text, summarise_metrics
    from sim.runner import run_groups
    from sim.staffing import best_sla_share, check_scalable, erlang_estimate, parse_target, search

    spec = _with_overrides(_load(scenario), scenario, overrides)
    try:
        goal = parse_target(target)
        if goal.metric not in metric_names(spec) and goal.metric != "backlog_never_cleared_replications":
            raise ExperimentError(
                f"--target: unknown metric {goal.metric!r} (metrics are those of summary.csv)"
            )
        if low > high:
            raise ExperimentError(f"--min {low} is above --max {high}")
        check_scalable(spec)
    except ExperimentError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)
    if goal.metric == "sla_assessment_share" and goal.operator == ">=":
        best = best_sla_share(spec)
        if best < goal.value - 1e-9:
            click.echo(
                f"{goal} cannot be met by any number of analysts on this schedule: only {best:.1%} of "
                f"reports arrive within {spec.sla.assessment_hours:g} h of an analyst being on duty (a "
                "weekday-only team cannot assess a Friday-evening report within 24 hours: a weekend is "
                "64 hours). Change the schedule (e.g. a weekend rota) or the target.",
                err=True,
            )
            sys.exit(EXIT_FAILURE)
    n, maximum, run_seed = _replication_plan(spec, replications, seed, precision, max_replications)
    out_dir = _output_folder(out, Path("runs") / spec.scenario.name / "staff")
    click.echo(
        f"{spec.scenario.name}: {goal}, {low} to {high} analysts, {n} replications, seed {run_seed}", err=True
    )

    def evaluate(count: int):
        team = spec.with_values({"analysts.count": count})
        run = run_groups([team], run_seed, n, jobs, precision, maximum, [goal.metric])
        return summarise_metrics(run.groups[0])[goal.metric]

    answer, trials = search(goal, low, high, evaluate)
    rows = [
        [
            t.analysts,
            goal.metric,
            t.summary.mean,
            t.summary.ci95_low,
            t.summary.ci95_high,
            "true" if t.meets_target else "false",
        ]
        for t in trials
    ]
    columns = ("analysts", "metric", "mean", "ci95_low", "ci95_high", "meets_target")
    atomic_write_text(out_dir / "staffing.csv", csv_text(columns, rows))
    from sim.output import fmt

    counts = sorted({t.summary.replications for t in trials})
    shown = f"{n}" if precision is None else f"{'/'.join(map(str, counts))} (replication control)"
    estimate = erlang_estimate(spec, goal, 1, max(high, 2 * high))
    lines = [f"target: {goal} (the whole 95 % CI over {shown} replications, seed {run_seed})"]
    lines += [
        f"  {t.analysts:4d} analysts: {goal.metric} {fmt(t.summary.mean)} (95 % CI {fmt(t.summary.ci95_low)} "
        f"to {fmt(t.summary.ci95_high)}) {'meets' if t.meets_target else 'fails'}"
        for t in trials
    ]
    lines.append(
        "Erlang C estimate (always-on effective team; breaks, absence, searching and the viewing cap "
        "shrink it): " + (f"{estimate} analysts" if estimate is not None else "not available for this metric")
    )
    lines.append(
        f"answer: {answer} analysts"
        if answer is not None
        else f"no answer: even {high} analysts fail the target"
    )
    atomic_write_text(
        out_dir / "staffing.md",
        f"# Staffing: {spec.scenario.name}\n\n```text\n" + "\n".join(lines) + "\n```\n",
    )
    click.echo("\n".join(lines[:-1]))
    click.echo(f"results written to {out_dir}/")
    if answer is None:
        click.echo(
            f"even --max {high} analysts do not meet {goal}: raise --max or change the scenario", err=True
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
    help=f"A metric to show; repeatable [{', '.join(DEFAULT_SWEEP_METRICS)}].",
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
    precision: float | None,
    max_replications: int | None,
    overrides: tuple[str, ...],
) -> None:
    """Move each assumption down and up (common random numbers) and show what the answer hangs on.

    \b
    Example:
      hotline-sim sensitivity scenarios/baseline-2018.toml --metric sla_assessment_share --jobs 2
    """
    from datetime import UTC, datetime

    from sim.experiment import ExperimentError
    from sim.metrics import metric_names
    from sim.output import summarise_metrics
    from sim.runner import run_groups
    from sim.sensitivity import assumption_keys, build_moves
    from sim.sensitivity_files import effects, write_sensitivity

    spec = _with_overrides(_load(scenario), scenario, overrides)
    try:
        chosen_keys = (
            [k.strip() for k in keys.split(",") if k.strip()] if keys else assumption_keys(Path(scenario))
        )
        if not chosen_keys:
            raise ExperimentError(f"{scenario}: no `# assumption:` keys to move; give --keys K1,K2,...")
        try:
            moves = build_moves(spec, chosen_keys, change)
        except KeyError as exc:
            raise ExperimentError(f"--keys {exc.args[0]}") from None
        if not keys:  # the file's assumptions: only those a relative move changes
            moves = [m for m in moves if not m.problem.startswith(("cannot be moved", "unchanged"))]
            chosen_keys = list(dict.fromkeys(m.key for m in moves))
        chosen = list(metrics or DEFAULT_SWEEP_METRICS)
        unknown = [m for m in chosen if m not in metric_names(spec)]
        if unknown:
            raise ExperimentError(
                f"--metric: unknown {', '.join(unknown)} (metrics are those of summary.csv)"
            )
    except ExperimentError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)
    runnable = [index for index, move in enumerate(moves) if move.scenario is not None]
    scenarios = [spec, *(moves[i].scenario for i in runnable)]
    n, maximum, run_seed = _replication_plan(spec, replications, seed, precision, max_replications)
    out_dir = _output_folder(out, Path("runs") / spec.scenario.name / "sensitivity")
    started_at = datetime.now(UTC)
    click.echo(
        f"{spec.scenario.name}: {len(chosen_keys)} keys, {len(runnable)} moves + base, {n} replications, "
        f"seed {run_seed}",
        err=True,
    )
    run = run_groups(scenarios, run_seed, n, jobs, precision, maximum, chosen, _progress_printer)
    groups, done = run.groups, run.replications
    moved = {move_index: groups[1 + position] for position, move_index in enumerate(runnable)}
    rows = effects(moves, groups[0], moved, chosen)
    base_summaries = summarise_metrics(groups[0])
    write_sensitivity(
        out_dir, spec, Path(scenario), rows, base_summaries, chosen, change, run_seed, done, jobs, started_at,
        plots=not no_plots,
    )  # fmt: skip
    click.echo((out_dir / "sensitivity.md").read_text(encoding="utf-8"), nl=False)
    click.echo(f"results written to {out_dir}/")


def parse_override(text: str) -> tuple[str, object]:
    """`KEY=VALUE` with a TOML value (`17`, `0.5`, `true`, `"24/7"`, `{ dist = "fixed", value = 5 }`);
    a bare word that is not TOML is taken as a string.

    >>> parse_override("analysts.count=17")
    ('analysts.count', 17)
    >>> parse_override("analysts.schedule=24/7")
    ('analysts.schedule', '24/7')
    """
    from sim.experiment import parse_value

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"expected KEY=VALUE, got {text!r}", param_hint="--set")
    return key.strip(), parse_value(value)


def _with_overrides(spec, path: str, overrides: tuple[str, ...]):
    """The scenario with `--set` overrides applied and validated (exit 2 naming the key)."""
    if not overrides:
        return spec
    from sim.scenario import ScenarioError

    values = dict(parse_override(text) for text in overrides)
    try:
        return spec.with_values(values, source=f"{path} with --set")
    except KeyError as exc:
        click.echo(f"--set: {exc.args[0]}", err=True)
        sys.exit(EXIT_INVALID)
    except ScenarioError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)


QUIET = {"on": False}  # --quiet of the command being run


def _progress_printer():
    """A progress bar on stderr for work that takes more than 2 seconds, when stderr is a terminal
    and --quiet is not given (nothing in logs or pipes)."""
    if QUIET["on"] or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def show(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, unit="replication", delay=2.0, file=sys.stderr, leave=False)
        bar["bar"].update(done - bar["bar"].n)
        if done == total:
            bar.pop("bar").close()

    return show


def _has_backlog_events(spec) -> bool:
    """Whether clearing a backlog is a question here: a starting backlog, a surge or a window."""
    return bool(spec.intake.initial_backlog or spec.intake.surges or spec.analysts.capacity_windows)


def _table(summaries, backlog_events: bool = True) -> str:
    from sim.output import fmt

    def cell(x: float) -> str:
        return fmt(float(f"{x:.4g}")) if x == x else "-"

    rows = [("metric", "mean", "95 % CI")]
    for key, label in KEY_METRICS:
        if key.startswith(("backlog_peak", "backlog_clear", "backlog_never")) and not backlog_events:
            continue
        s = summaries[key]
        ci = f"{cell(s.ci95_low)} to {cell(s.ci95_high)}" if s.replications > 1 else "-"
        rows.append((label, cell(s.mean), ci))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows)


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
    from sim.reproduce import load_jobs

    base = Path(root).resolve()
    try:
        reference = load_jobs(base)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)
    for number, job in enumerate(reference, start=1):
        click.echo(
            f"[{number}/{len(reference)}] hotline-sim {job.command} {job.scenario} -> {job.out}", err=True
        )
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


def main() -> None:
    """Console entry point: map failures to exit codes 2 (invalid input) and 1 (anything else)."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_INVALID if isinstance(exc, click.UsageError) else EXIT_FAILURE)
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo("interrupted: no partial table was written", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one clear line, exit 1
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_FAILURE)


if __name__ == "__main__":
    main()

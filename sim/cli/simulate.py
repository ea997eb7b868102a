"""The simulating commands: `run`, `sweep`, `staff` and `sensitivity`. Each parses its options,
loads the scenario, holds its results folder, calls the library (`sim.api`) and prints what a
planner reads first.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim.cli.common import (
    EXIT_FAILURE,
    EXIT_INVALID,
    default_out,
    key_figure_table,
    load,
    maximum_replications,
    one_writer,
    progress,
    run_options,
    starting,
    with_overrides,
    write_results,
)
from sim.common.limits import MAX_ANALYSTS

if TYPE_CHECKING:
    from sim.experiments.size import JobSize


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@run_options("runs/<name>/")
@click.option(
    "--period",
    type=click.Choice(["week", "month"]),
    default="week",
    show_default=True,
    help="Rows of periods.csv: weeks, or months of 4 weeks.",
)
@click.option(
    "--trace",
    "trace",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    metavar="FILE.csv",
    help=(
        "Also write the events of the first replication (replication 0 of replications.csv) to "
        "FILE.csv: arrivals, assessments, notices, removals, breaks, shifts, in time order."
    ),
)
def run(
    scenario: str,
    period: str,
    trace: str | None,
    replications: int | None,
    seed: int | None,
    out: str | None,
    jobs: int,
    no_plots: bool,
    report: bool,
    excel: bool,
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
      hotline-sim run scenarios/mmc-check.toml -n 2 --set scenario.horizon_days=7 --trace trace.csv
    """
    from sim.api import run as run_api
    from sim.io.run_files import run_summaries

    spec = with_overrides(load(scenario), scenario, overrides)
    maximum = maximum_replications(precision, max_replications)
    out_dir = Path(out) if out else default_out(spec.scenario.name, overrides)
    with one_writer() as hold:

        def start(n: int, run_seed: int, size: JobSize) -> None:
            hold(out_dir)
            starting(f"{spec.scenario.name}: {n} replications, seed {run_seed}, jobs {jobs}", size, jobs)

        done = run_api(
            spec, replications, jobs, seed, precision=precision, max_replications=maximum,
            progress=progress(quiet), scheduler=scheduler, source=Path(scenario), on_start=start,
            force=force,
        )  # fmt: skip
        said = write_results(done, out_dir, report, plots=not no_plots, excel=excel, period=period)
        summaries = run_summaries(done, period)
        note = done.precision_note
        click.echo(key_figure_table(summaries, spec))
        if note:
            click.echo(f"replications: {len(done.results)}{note}")
        from sim.experiments.estimate import describe_estimates

        click.echo(describe_estimates(spec))
        if trace:
            from sim.io.trace_file import write_trace

            events = write_trace(Path(trace), done.scenario, done.seed, 0)
            said.append(f"trace of replication 0 ({events:,} events) written to {trace}")
        click.echo("\n".join(said))


@click.command()
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
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="METRIC>=VALUE",
    help="Mark the arms whose whole 95 % CI meets it (or METRIC<=VALUE), and outline them on the heat map "
    "of a two-key sweep; repeatable.",
)
@click.option("--baseline", metavar="KEY=V,...", help="The arm differences are taken from [the first arm].")
@click.option("--resume", is_flag=True, help="Reuse the replications an interrupted sweep finished in --out.")
@run_options("runs/<name>/sweep/")
def sweep(
    scenario: str,
    varies: tuple[str, ...],
    metrics: tuple[str, ...],
    targets: tuple[str, ...],
    baseline: str | None,
    resume: bool,
    replications: int | None,
    seed: int | None,
    out: str | None,
    jobs: int,
    no_plots: bool,
    report: bool,
    excel: bool,
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
    from sim.common.messages import cut
    from sim.experiments.arms import parse_vary

    spec = with_overrides(load(scenario), scenario, overrides)
    maximum = maximum_replications(precision, max_replications)
    out_dir = Path(out) if out else default_out(spec.scenario.name, overrides, "sweep")
    with one_writer() as hold:

        def start(arms: int, n: int, run_seed: int, size: JobSize) -> None:  # all checked
            hold(out_dir)
            line = f"{spec.scenario.name}: {arms} arms x {n} replications, seed {run_seed}, jobs {jobs}"
            starting(line, size, jobs)

        done = sweep_api(
            spec, [parse_vary(text) for text in varies], list(metrics) or None, baseline, replications, jobs,
            seed, precision=precision, max_replications=maximum, progress=progress(quiet),
            scheduler=scheduler, resume=out_dir if resume else None, source=Path(scenario), on_start=start,
            force=force, targets=list(targets),
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
        said = write_results(done, out_dir, report, plots=not no_plots, excel=excel)
        click.echo((out_dir / "sweep.md").read_text(encoding="utf-8"), nl=False)
        click.echo("\n".join(said))


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--target",
    "targets",
    required=True,
    multiple=True,
    metavar='"METRIC<=VALUE"',
    help='e.g. "sla_assessment_share>=0.95"; repeatable: the answer meets every one.',
)
@click.option(
    "--key",
    default="analysts.count",
    show_default=True,
    metavar="KEY",
    help="The whole-number key to search, e.g. a weekend rota's size analysts.schedule[1].analysts.",
)
@click.option(
    "--min",
    "low",
    type=click.IntRange(min=0, max=MAX_ANALYSTS),
    default=1,
    show_default=True,
    help="Smallest value (analysts) to try.",
)
@click.option(
    "--max",
    "high",
    type=click.IntRange(min=0, max=MAX_ANALYSTS),
    default=100,
    show_default=True,
    help="Largest value (analysts) to try.",
)
@run_options("runs/<name>/staff/")
def staff(
    scenario: str,
    targets: tuple[str, ...],
    key: str,
    low: int,
    high: int,
    replications: int | None,
    seed: int | None,
    out: str | None,
    jobs: int,
    no_plots: bool,
    report: bool,
    excel: bool,
    precision: float | None,
    max_replications: int | None,
    force: bool,
    overrides: tuple[str, ...],
    scheduler: str | None,
    quiet: bool,
) -> None:
    """The smallest analysts.count (or --key) whose whole 95 % CI meets every --target, beside an
    Erlang C estimate; with a proactive source, the reports found at the answer beside the
    scenario's own team.

    \b
    Example (95 % of the public's and partners' reports assessed within 72 hours, and the year's
    finds by searching kept within 3 % of the 2018 team's 104,700):
      hotline-sim staff scenarios/baseline-2018.toml --set sla.assessment_hours=72 \\
          --target "sla_assessment_share>=0.95" --target "reports_found>=101500" --max 30 --jobs 2
    """
    from sim.api import staff as staff_api
    from sim.experiments.staffing import UnreachableTarget

    spec = with_overrides(load(scenario), scenario, overrides)
    maximum = maximum_replications(precision, max_replications)
    out_dir = Path(out) if out else default_out(spec.scenario.name, overrides, "staff")
    with one_writer() as hold:

        def start(goals, n: int, run_seed: int, size: JobSize) -> None:  # all checked
            hold(out_dir)
            asked = " and ".join(map(str, goals))
            line = f"{spec.scenario.name}: {asked}, {key} from {low} to {high}, {n} replications, "
            line += f"seed {run_seed}"
            starting(line, size, jobs)

        try:
            done = staff_api(
                spec, list(targets), low, high, replications, jobs, seed, precision=precision,
                max_replications=maximum, progress=progress(quiet), scheduler=scheduler,
                source=Path(scenario), on_start=start, force=force, key=key,
                today=load(scenario) if overrides else None,
            )  # fmt: skip
        except UnreachableTarget as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_FAILURE)
        said = write_results(done, out_dir, report, plots=not no_plots, excel=excel)
        lines = done.lines()
        click.echo("\n".join(lines[:-1]))
        click.echo("\n".join(said))
    if done.answer is None:
        click.echo(
            f"even --max {high} {'analysts do' if key == 'analysts.count' else f'({key}) does'} not meet "
            f"{done.targets_text()}: raise --max or change the scenario",
            err=True,
        )
        sys.exit(EXIT_FAILURE)
    click.echo(lines[-1])


@click.command()
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
@run_options("runs/<name>/sensitivity/")
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
    excel: bool,
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

    spec = with_overrides(load(scenario), scenario, overrides)
    maximum = maximum_replications(precision, max_replications)
    out_dir = Path(out) if out else default_out(spec.scenario.name, overrides, "sensitivity")
    chosen_keys = [k.strip() for k in keys.split(",") if k.strip()] if keys is not None else None
    if chosen_keys == []:
        click.echo("--keys: expected dotted keys K1,K2,...", err=True)
        sys.exit(EXIT_INVALID)
    with one_writer() as hold:

        def start(key_count: int, moves: int, n: int, run_seed: int, size: JobSize) -> None:
            hold(out_dir)
            line = f"{spec.scenario.name}: {key_count} keys, {moves} moves + base, {n} replications, "
            line += f"seed {run_seed}"
            starting(line, size, jobs)

        done = sensitivity_api(
            spec, chosen_keys, change, list(metrics) or None, replications, jobs, seed,
            precision=precision, max_replications=maximum, progress=progress(quiet), scheduler=scheduler,
            source=Path(scenario), on_start=start, force=force,
        )  # fmt: skip
        said = write_results(done, out_dir, report, plots=not no_plots, excel=excel)
        click.echo((out_dir / "sensitivity.md").read_text(encoding="utf-8"), nl=False)
        click.echo("\n".join(said))

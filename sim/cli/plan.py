"""`hotline-sim plan`: a dated hiring plan under growth, checked end to end (`sim.experiments.plan`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim.cli.common import (
    EXIT_FAILURE,
    default_out,
    load,
    one_writer,
    progress,
    run_options,
    starting,
    with_overrides,
    write_results,
)
from sim.common.limits import MAX_ANALYSTS, MAX_DAYS

if TYPE_CHECKING:
    from sim.experiments.size import JobSize


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--target",
    "targets",
    required=True,
    multiple=True,
    metavar='"METRIC<=VALUE"',
    help="Each period's target (repeatable); counts are a rate a year, e.g. reports_found>=250000.",
)
@click.option("--period", type=click.Choice(["quarter", "month"]), default="quarter", show_default=True,
              help="The plan's periods: calendar quarters or months.")  # fmt: skip
@click.option("--lead-days", type=click.IntRange(min=0, max=MAX_DAYS), default=90, show_default=True,
              help="Hiring lead time: days from the decision to hire to the hire joining.")  # fmt: skip
@click.option("--ramp-days", type=click.FloatRange(min=0, max=MAX_DAYS),
              help="A hire's ramp-up to full output, days [the file's hires' longest, else 0].")  # fmt: skip
@click.option("--min", "low", type=click.IntRange(min=1, max=MAX_ANALYSTS), default=1, show_default=True,
              help="Fewest analysts.")  # fmt: skip
@click.option("--max", "high", type=click.IntRange(min=1, max=MAX_ANALYSTS), default=100, show_default=True,
              help="Most analysts.")  # fmt: skip
@click.option("--key", default="analysts.count", show_default=True, metavar="KEY",
              help="The team planned: with [teams], its size, e.g. teams.triage.count.")  # fmt: skip
@run_options("runs/<name>/plan/", precision=False)
def plan(
    scenario: str,
    targets: tuple[str, ...],
    key: str,
    period: str,
    lead_days: int,
    ramp_days: float | None,
    low: int,
    high: int,
    replications: int | None,
    seed: int | None,
    out: str | None,
    jobs: int,
    no_plots: bool,
    report: bool,
    excel: bool,
    force: bool,
    overrides: tuple[str, ...],
    scheduler: str | None,
    quiet: bool,
) -> None:
    """A dated hiring plan over the scenario's horizon and growth: each period's smallest team
    meeting every --target, a headcount that never falls, the hires and the dates to recruit them
    by, checked in one run of the whole horizon. Needs scenario.start_date.

    \b
    Example (the 2021 year growing 10 % a year for 3 years, quarter by quarter):
      hotline-sim plan scenarios/year-2021.toml --set intake.growth_per_year=0.1 \\
          --set scenario.horizon_days=1123 --set sla.assessment_hours=72 \\
          --target "sla_assessment_share_source_public>=0.95" --target "reports_found>=250000" --jobs 2
    """
    from sim.api import plan as plan_api
    from sim.experiments.staffing import UnreachableTarget

    spec = with_overrides(load(scenario), scenario, overrides)
    out_dir = Path(out) if out else default_out(spec.scenario.name, overrides, "plan")
    with one_writer() as hold:

        def start(goals, periods, n: int, run_seed: int, size: JobSize) -> None:  # all checked
            hold(out_dir)
            asked = " and ".join(map(str, goals))
            line = f"{spec.scenario.name}: {asked}, {len(periods)} {period}s from {periods[0].start} to "
            line += f"{periods[-1].end}, {n} replications, seed {run_seed}"
            starting(line, size, jobs)

        try:
            done = plan_api(
                spec, list(targets), period, lead_days, ramp_days, low, high, replications, jobs, seed,
                scheduler=scheduler, progress=progress(quiet), source=Path(scenario), on_start=start,
                force=force, key=key,
            )  # fmt: skip
        except UnreachableTarget as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_FAILURE)
        # plan.md, printed whole, says what changed from the scenario file: not said again below it
        said = write_results(done, out_dir, report, changes_printed=True, plots=not no_plots, excel=excel)
        click.echo((out_dir / "plan.md").read_text(encoding="utf-8"), nl=False)
        click.echo("\n".join(said))
    if done.missed:
        click.echo(f"the plan misses its targets in {', '.join(done.missed)}", err=True)
        sys.exit(EXIT_FAILURE)

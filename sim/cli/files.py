"""The commands that check a scenario or work on results: `check`, `report` and `reproduce`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sim.cli.common import EXIT_FAILURE, EXIT_INVALID, load, set_option, with_overrides


@click.command()
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


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@set_option
def check(scenario: str, overrides: tuple[str, ...]) -> None:
    """Validate SCENARIO (with any --set overrides) and print it resolved, with every default
    filled in.

    \b
    Example:
      hotline-sim check scenarios/baseline-2018.toml --set analysts.count=15
    """
    from datetime import timedelta

    import tomli_w

    spec = with_overrides(load(scenario), scenario, overrides)
    changed = f" with {', '.join(overrides)}" if overrides else ""
    click.echo(f"# {scenario}{changed}: valid; resolved scenario with defaults:")
    resolved = spec.to_dict()
    start = spec.scenario.start_date
    if start is not None:  # holidays as the dates they are, and day 0's weekday
        click.echo(f"# day 0 is {start:%A} {start.isoformat()}")
        for team in [resolved["analysts"]] if "analysts" in resolved else resolved["teams"].values():
            team["holidays"] = [start + timedelta(days=day) for day in team.get("holidays", [])]
    if spec.holidays_caveat:
        click.echo(f"note: {spec.holidays_caveat}", err=True)
    click.echo(tomli_w.dumps(resolved), nl=False)


@click.command()
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
    from sim.experiments.execution import remembering
    from sim.io.folder import ResultsFolder
    from sim.io.output import make_portable

    # a replication asked for again by a later job (the same scenario, seed and replication: a
    # staffing job's "today", a team size that is a sweep's cell) is taken from memory
    with remembering() as memo:
        for number, job in enumerate(reference, start=1):
            click.echo(
                f"[{number}/{len(reference)}] hotline-sim {job.command} {job.scenario} -> {job.out}", err=True
            )
            with ResultsFolder(base / job.out) as folder:
                folder.adopt()  # the committed reference tables are the repository's own
            code = _invoke([*job.argv(base), "--jobs", str(jobs)])
            answered = code in (0, None)
            # "no team up to --max meets the target" is itself the reference answer
            if not answered and not (
                code == EXIT_FAILURE and job.command == "staff" and _no_answer(base / job.out)
            ):
                click.echo(f"reference job {number} ({job.out}) failed with exit {code}", err=True)
                sys.exit(EXIT_FAILURE)
            with ResultsFolder(base / job.out) as folder:
                # the manifest as git keeps it (report works on a fresh clone)
                make_portable(folder.path, base)
    asked = memo.simulated + memo.reused
    click.echo(
        f"results/ rewritten: {len(reference)} reference jobs, {asked:,} replications, of which "
        f"{memo.reused:,} repeated one already run (the same scenario, seed and replication) and were "
        "reused, not simulated again"
    )


def _no_answer(folder: Path) -> bool:
    """Whether a staffing run wrote its tables and found no team meeting the target."""
    report = folder / "staffing.md"
    return report.exists() and "no answer: even" in report.read_text(encoding="utf-8")


def _invoke(argv: list[str]) -> int | None:
    """Run one command line in this process with the command group running this command (output to
    this terminal); its exit code."""
    group = click.get_current_context().find_root().command
    try:
        group.main(args=argv, standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0

"""`hotline-sim compare`: scenario files side by side, with the same random numbers
(`sim.experiments.compare`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim.cli.common import (
    EXIT_INVALID,
    default_out,
    load,
    one_writer,
    progress,
    run_options,
    starting,
    with_overrides,
    write_results,
)

if TYPE_CHECKING:
    from sim.experiments.size import JobSize


@click.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False))
@run_options("runs/compare/", precision=False)
def compare(
    scenarios: tuple[str, ...],
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
    """Run SCENARIOS (two or more files) with the same seed and replications (the first file's,
    or --seed and --replications) and compare every metric with the first file's, paired by
    replication; --set applies to every file.

    \b
    Example (the calibrated 2018 year against the 2021 year):
      hotline-sim compare scenarios/baseline-2018.toml scenarios/year-2021.toml --jobs 2
    """
    from sim.api import compare as compare_api

    if len(scenarios) < 2:
        click.echo("compare: expected at least two scenario files (the first is the base)", err=True)
        sys.exit(EXIT_INVALID)
    specs = [with_overrides(load(path), path, overrides) for path in scenarios]
    out_dir = Path(out) if out else default_out("compare", overrides)
    with one_writer() as hold:

        def start(files: int, n: int, run_seed: int, size: JobSize) -> None:  # all checked
            hold(out_dir)
            starting(f"compare: {files} files x {n} replications, seed {run_seed}, jobs {jobs}", size, jobs)

        done = compare_api(
            specs, replications, jobs, seed, scheduler=scheduler, progress=progress(quiet),
            sources=[Path(path) for path in scenarios], on_start=start, force=force,
        )  # fmt: skip
        for note in done.notes:
            click.echo(f"warning: {note}", err=True)
        said = write_results(done, out_dir, report, plots=not no_plots, excel=excel)
        click.echo((out_dir / "compare.md").read_text(encoding="utf-8"), nl=False)
        click.echo("\n".join(said))

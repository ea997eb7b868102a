"""A run: replications of one scenario (with replication control, optionally) and its results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiments.job import checked_size, pandas_module, plan_replications, resolve
from sim.experiments.size import JobSize
from sim.metrics import TIMESERIES, ReplicationResult
from sim.scenario.schema import Scenario
from sim.stats.intervals import Summary

if TYPE_CHECKING:
    import pandas


@dataclass
class RunResults:
    """The replications of one run: `summary`, `replications` and `timeseries` as pandas DataFrames
    (the tables of summary.csv, replications.csv and timeseries.csv), the same as plain Python in
    `summaries` and `results`, and `.write(folder)` for every result file."""

    scenario: Scenario
    seed: int
    results: list[ReplicationResult]  # per replication: metrics, daily series, histograms, takedown rows
    jobs: int = 1
    source: Path | None = None  # the scenario file, when it came from one (for the manifest)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    precision: float | None = None  # replication control's target, when it was used
    imprecise: list[str] = field(default_factory=list)  # its metrics still above it at the maximum

    @property
    def precision_note(self) -> str:
        """How replication control ended ('' without it), as summary.md and the CLI say it."""
        from sim.metrics import PRECISION_METRICS
        from sim.stats.precision import precision_note

        return precision_note(self.precision, self.imprecise, PRECISION_METRICS)

    @property
    def summaries(self) -> dict[str, Summary]:
        """Per metric: mean, std, 95 % CI over replications and the count (summary.csv's rows)."""
        from sim.stats.summaries import summarise_metrics

        return summarise_metrics(self.results)

    @property
    def summary(self) -> pandas.DataFrame:
        """summary.csv as a DataFrame indexed by metric: mean, std, ci95_low, ci95_high, replications
        (needs pandas)."""
        pd = pandas_module()
        rows = {
            name: {"mean": s.mean, "std": s.std, "ci95_low": s.ci95_low, "ci95_high": s.ci95_high,
                   "replications": s.replications}
            for name, s in self.summaries.items()
        }  # fmt: skip
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "metric"
        return frame

    @property
    def replications(self) -> pandas.DataFrame:
        """replications.csv as a DataFrame: one row per replication, one column per metric."""
        pd = pandas_module()
        frame = pd.DataFrame([r.metrics for r in self.results], index=[r.replication for r in self.results])
        frame.index.name = "replication"
        return frame

    @property
    def timeseries(self) -> pandas.DataFrame:
        """timeseries.csv as a DataFrame: per day from day 0, the mean over replications."""
        from sim.stats.summaries import mean_timeseries

        pd = pandas_module()
        series = mean_timeseries(self.results)
        frame = pd.DataFrame({name: series[name] for name in TIMESERIES})
        frame.index.name = "day"
        return frame


def run(
    scenario: Scenario | str | Path | dict[str, Any],
    replications: int | None = None,
    jobs: int = 1,
    seed: int | None = None,
    scheduler: str | None = None,
    precision: float | None = None,
    max_replications: int | None = None,
    progress: Callable[[], Callable[[int, int], None] | None] = lambda: None,
    source: str | Path | None = None,
    on_start: Callable[[int, int, JobSize], None] | None = None,
    force: bool = False,
) -> RunResults:
    """Run `replications` (default: the file's) replications of `scenario` with `seed` (default: the
    file's) on `jobs` processes, or on the Dask scheduler at `scheduler`.

    With `precision`, batches of replications are added until the key metrics' relative 95 % CI
    half-width is at most `precision`, or `max_replications` (default 100) are done; the result
    equals a plain run of the count it chose. `progress()` may return a callback (done, total).
    `source`: the scenario file when `scenario` is a Scenario made from one (its `# assumption:`
    notes and defaults reach the manifest and the report). `on_start(replications, seed, size)` is
    called before simulating, with the job's estimated size (`sim.experiments.size`); a job beyond the size
    limits raises JobTooBig first, unless `force`."""
    from sim.experiments.execution import run_groups
    from sim.metrics import PRECISION_METRICS

    spec, source = resolve(scenario, source)
    options = plan_replications(
        spec, replications, seed, jobs, scheduler, precision, max_replications, progress
    )
    size = checked_size([spec], options.most_replications, jobs, force)
    if on_start:
        on_start(options.replications, options.seed, size)
    started_at = datetime.now(UTC)
    done = run_groups([spec], options, PRECISION_METRICS)
    return RunResults(spec, options.seed, done.groups[0], jobs, source, started_at, precision, done.imprecise)

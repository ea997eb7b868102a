"""The Python API for notebooks and scripts: load a scenario, run it, look at or write the results.

>>> import sim
>>> scenario = sim.load_scenario({
...     "scenario": {"name": "api-example", "horizon_days": 7, "seed": 3},
...     "intake": {"sources": {"public": {"reports_per_day": 100.0, "actionable_share": 0.4}}},
...     "analysts": {"count": 2, "schedule": "24/7"},
...     "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
... })
>>> results = sim.run(scenario.with_values({"analysts.count": 3}), replications=2)
>>> results.summary["reports_assessed"].replications
2
>>> results.replications[0].metrics["reports_received"] > 0
True

The command line runs the same functions, so `run(...).write(folder)` writes the tables
`hotline-sim run` writes for the same scenario, seed and replications, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.metrics import TIMESERIES, ReplicationResult
from sim.scenario import Scenario, scenario_from_dict
from sim.scenario import load_scenario as _load_file
from sim.stats import Summary

if TYPE_CHECKING:
    import pandas


def load_scenario(source: str | Path | dict[str, Any]) -> Scenario:
    """A validated scenario from a TOML file's path or from plain data (as TOML would give)."""
    if isinstance(source, dict):
        return scenario_from_dict(source, "<dict>")
    return _load_file(source)


@dataclass
class RunResults:
    """The replications of one run, their summaries, and ways to tabulate or write them."""

    scenario: Scenario
    seed: int
    replications: list[ReplicationResult]
    jobs: int = 1
    source: Path | None = None  # the scenario file, when it came from one (for the manifest)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    precision: float | None = None  # replication control's target, when it was used
    imprecise: list[str] = field(default_factory=list)  # its metrics still above it at the maximum

    @property
    def precision_note(self) -> str:
        """How replication control ended ('' without it), as summary.md and the CLI say it."""
        from sim.precision import PRECISION_METRICS, precision_note

        return precision_note(self.precision, self.imprecise, PRECISION_METRICS)

    @property
    def summary(self) -> dict[str, Summary]:
        """Per metric: mean, std, 95 % CI over replications and the count (as in summary.csv)."""
        from sim.output import summarise_metrics

        return summarise_metrics(self.replications)

    def summary_frame(self) -> pandas.DataFrame:
        """summary.csv as a DataFrame indexed by metric (needs pandas)."""
        pd = _pandas()
        rows = {
            name: {"mean": s.mean, "std": s.std, "ci95_low": s.ci95_low, "ci95_high": s.ci95_high,
                   "replications": s.replications}
            for name, s in self.summary.items()
        }  # fmt: skip
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "metric"
        return frame

    def replications_frame(self) -> pandas.DataFrame:
        """replications.csv as a DataFrame: one row per replication, one column per metric."""
        pd = _pandas()
        frame = pd.DataFrame(
            [r.metrics for r in self.replications], index=[r.replication for r in self.replications]
        )
        frame.index.name = "replication"
        return frame

    def timeseries_frame(self) -> pandas.DataFrame:
        """timeseries.csv as a DataFrame: per day, the mean over replications."""
        from sim.output import mean_timeseries

        pd = _pandas()
        frame = pd.DataFrame({name: mean_timeseries(self.replications)[name] for name in TIMESERIES})
        frame.index.name = "day"
        return frame

    def write(self, out_dir: str | Path, plots: bool = True, period: str = "week") -> dict[str, Summary]:
        """Write every result file (as `hotline-sim run` does) into `out_dir`; the summaries."""
        from sim.output import write_results

        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        return write_results(
            folder, self.scenario, self.source, self.seed, self.replications, self.jobs, self.started_at,
            plots=plots, replications_note=self.precision_note, period=period,
        )  # fmt: skip


def run(
    scenario: Scenario | str | Path | dict[str, Any],
    replications: int | None = None,
    jobs: int = 1,
    seed: int | None = None,
    scheduler: str | None = None,
    precision: float | None = None,
    max_replications: int | None = None,
    progress: Callable[[], Callable[[int, int], None] | None] = lambda: None,
) -> RunResults:
    """Run `replications` (default: the file's) replications of `scenario` with `seed` (default: the
    file's) on `jobs` processes, or on the Dask scheduler at `scheduler`.

    With `precision`, batches of replications are added until the key metrics' relative 95 % CI
    half-width is at most `precision`, or `max_replications` (default 100) are done; the result
    equals a plain run of the count it chose. `progress()` may return a callback (done, total)."""
    from sim.precision import DEFAULT_MAX_REPLICATIONS, PRECISION_METRICS
    from sim.runner import run_groups

    source = Path(scenario) if isinstance(scenario, str | Path) else None
    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    count = replications or spec.scenario.replications
    run_seed = spec.scenario.seed if seed is None else seed
    maximum = (max_replications or DEFAULT_MAX_REPLICATIONS) if precision is not None else None
    started_at = datetime.now(UTC)
    done = run_groups(
        [spec], run_seed, count, jobs, precision, maximum, PRECISION_METRICS, progress, scheduler=scheduler
    )
    return RunResults(spec, run_seed, done.groups[0], jobs, source, started_at, precision, done.imprecise)


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("tables as DataFrames need pandas: pip install 'hotline-sim[pandas]'") from None
    return pandas

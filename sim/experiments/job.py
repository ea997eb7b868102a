"""What every experiment does before it simulates: resolve the scenario and its file, the replication
plan and the seed, and the job's size against the limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.common.limits import MAX_REPLICATIONS, MAX_SEED
from sim.common.messages import shown
from sim.experiments.size import JobSize
from sim.scenario.schema import Scenario, load_scenario


def resolve(
    scenario: Scenario | str | Path | dict[str, Any], source: str | Path | None = None
) -> tuple[Scenario, Path | None]:
    """The scenario, and its file (`source`, else the path given) for the manifest and the report."""
    if source is None and isinstance(scenario, str | Path):
        source = scenario
    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return spec, Path(source) if source is not None else None


def no_progress() -> None:
    """No progress bar."""


@dataclass(frozen=True)
class Options:
    """How an experiment's replications run, passed down explicitly (nothing is set process-wide).

    `replications` is the starting count and `seed` the run's seed (both resolved from the scenario
    file when not given); `jobs` processes, or the Dask scheduler at `scheduler` ("local": a local
    cluster); with `precision`, batches are added up to `max_replications`. `progress()` is called
    for each batch and may return a callback (done, total)."""

    replications: int
    seed: int
    jobs: int = 1
    scheduler: str | None = None
    precision: float | None = None
    max_replications: int | None = None
    progress: Callable[[], Callable[[int, int], None] | None] = no_progress

    @property
    def most_replications(self) -> int:
        """The most replications each scenario may get (for the job's size)."""
        return self.max_replications or self.replications


def plan_replications(
    spec: Scenario, replications: int | None, seed: int | None, jobs: int = 1, scheduler: str | None = None,
    precision: float | None = None, max_replications: int | None = None,
    progress: Callable[[], Callable[[int, int], None] | None] = no_progress,
) -> Options:  # fmt: skip
    """The run's options: the starting count, the seed (the arguments', else the file's) and the
    precision ceiling, each within the ranges a scenario file has (ExperimentError otherwise)."""
    from sim.experiments.arms import ExperimentError
    from sim.stats.precision import DEFAULT_MAX_REPLICATIONS

    count = replications or spec.scenario.replications
    run_seed = spec.scenario.seed if seed is None else seed
    maximum = (max_replications or DEFAULT_MAX_REPLICATIONS) if precision is not None else None
    for name, value, low, high in (
        ("replications", count, 2, MAX_REPLICATIONS),
        ("max_replications", maximum, 2, MAX_REPLICATIONS),
        ("seed", run_seed, 0, MAX_SEED),
    ):
        if value is not None and not (isinstance(value, int) and low <= value <= high):
            raise ExperimentError(
                f": expected a whole number from {low} to {high:,}, got {shown(value)}", name
            )
    return Options(count, run_seed, jobs, scheduler, precision, maximum, progress)


def checked_size(
    scenarios: list[Scenario], replications: int, jobs: int, force: bool, repeats: int = 1
) -> JobSize:
    """The job's estimated size; JobTooBig (an ExperimentError) beyond the limits unless `force`."""
    from sim.experiments.size import check, estimate

    size = estimate(scenarios, replications, jobs, repeats)
    check(size, force, jobs)
    return size


def pandas_module():
    """pandas, for the results as DataFrames (an ImportError that says how to install it)."""
    try:
        import pandas
    except ImportError:
        raise ImportError("tables as DataFrames need pandas: pip install 'hotline-sim[pandas]'") from None
    return pandas

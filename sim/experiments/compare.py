"""`hotline-sim compare`: several scenario files run with the same seed and replications, so
that streams with the same names share their random numbers, and every metric's difference from
the first file paired by replication.

The seed and the replication count are `--seed`/`--replications` when given, else the first
file's. Files that simulate different horizons or warm-ups are compared as asked, with a warning:
their counts then cover different lengths of time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.experiments.arms import ExperimentError, paired_differences
from sim.experiments.job import checked_size, plan_replications, resolve
from sim.experiments.size import JobSize
from sim.metrics import ReplicationResult, shown_key_figures
from sim.scenario.schema import Scenario
from sim.stats.intervals import Summary
from sim.stats.summaries import summarise_metrics

COMPARE_COLUMNS = ("metric", "scenario", "mean", "ci95_low", "ci95_high", "difference", "difference_ci95_low",
                   "difference_ci95_high")  # fmt: skip
PLOTTED = ("sla_assessment_share", "wait_hours_mean", "time_to_removal_hours_mean", "backlog_end")


@dataclass
class CompareResults:
    """The files compared (first: the base), their replications, and the metrics they share."""

    scenarios: list[Scenario]
    labels: list[str]
    sources: list[Path | None]
    results: list[list[ReplicationResult]]
    metrics: list[str]
    seed: int
    replications: int
    jobs: int = 1
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    notes: list[str] = field(default_factory=list)

    @property
    def summaries(self) -> list[dict[str, Summary]]:
        """Per file, per metric: mean and 95 % CI over its replications."""
        return [summarise_metrics(results) for results in self.results]

    @property
    def differences(self) -> list[dict[str, Summary]]:
        """Per file, per metric: the difference from the first file, paired by replication."""
        return [paired_differences(results, self.results[0], self.metrics) for results in self.results]

    def plotted(self) -> list[str]:
        """The key metrics plotted: those of `PLOTTED` that every file models."""
        shown = set.intersection(*(set(shown_key_figures(s)) for s in self.scenarios))
        return [m for m in PLOTTED if m in shown and m in self.metrics]

    def rows(self) -> list[list[Any]]:
        """compare.csv's rows (`COMPARE_COLUMNS`): per metric, per file."""
        summaries, differences = self.summaries, self.differences
        return [
            [name, label, summaries[k][name].mean, summaries[k][name].ci95_low, summaries[k][name].ci95_high,
             differences[k][name].mean, differences[k][name].ci95_low, differences[k][name].ci95_high]
            for name in self.metrics
            for k, label in enumerate(self.labels)
        ]  # fmt: skip


def labels_of(scenarios: Sequence[Scenario], sources: Sequence[Path | None]) -> list[str]:
    """Each file's label: its scenario name; where names repeat, the name and the file's name; and
    where those repeat too, a number after them."""
    names = [s.scenario.name for s in scenarios]
    labels = [
        name if names.count(name) == 1 else f"{name} ({source.name if source else k + 1})"
        for k, (name, source) in enumerate(zip(names, sources, strict=True))
    ]
    return [label if labels.count(label) == 1 else f"{label} #{k + 1}" for k, label in enumerate(labels)]


def compare(
    scenarios: Sequence[Scenario | str | Path | dict[str, Any]],
    replications: int | None = None,
    jobs: int = 1,
    seed: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[], Callable[[int, int], None] | None] = lambda: None,
    sources: Sequence[str | Path | None] | None = None,
    on_start: Callable[[int, int, int, JobSize], None] | None = None,
    force: bool = False,
) -> CompareResults:
    """Run every scenario with the same seed and replications (the arguments', else the first
    scenario's), so that replication r of each uses the streams of (seed, r): their differences
    from the first are paired by replication. `sources`: the files the scenarios came from.
    ExperimentError (before any simulation) for fewer than two scenarios or a job beyond the size
    limits (unless `force`)."""
    from sim.experiments.execution import run_groups

    if len(scenarios) < 2:
        raise ExperimentError(": expected at least two scenario files to compare", "scenarios")
    given = list(sources) if sources is not None else [None] * len(scenarios)
    resolved = [resolve(s, src) for s, src in zip(scenarios, given, strict=True)]
    specs = [spec for spec, _ in resolved]
    paths = [Path(path) if path is not None else None for _, path in resolved]
    base = specs[0]
    options = plan_replications(base, replications, seed, jobs, scheduler, None, None, progress)
    notes = []
    for spec, label in zip(specs[1:], labels_of(specs, paths)[1:], strict=True):
        first, this = base.scenario, spec.scenario
        if (first.horizon_days, first.warmup_days) != (this.horizon_days, this.warmup_days):
            notes.append(
                f"{label} simulates {this.horizon_days:g} days with {this.warmup_days:g} of warm-up, "
                f"the first file {first.horizon_days:g} with {first.warmup_days:g}: its counts cover a "
                "different length of time"
            )
    size = checked_size(specs, options.replications, jobs, force)
    if on_start:
        on_start(len(specs), options.replications, options.seed, size)
    started_at = datetime.now(UTC)
    done = run_groups(specs, options)
    shared = set.intersection(*(set(results[0].metrics) for results in done.groups))
    metrics = [name for name in done.groups[0][0].metrics if name in shared]
    return CompareResults(
        specs, labels_of(specs, paths), paths, done.groups, metrics, options.seed, options.replications, jobs,
        started_at, notes,
    )  # fmt: skip

"""A sweep: every combination of the varied keys' values, run with common random numbers."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.common.limits import MAX_ARMS
from sim.experiments.arms import Arm
from sim.experiments.job import checked_size, pandas_module, plan_replications, resolve
from sim.experiments.size import JobSize
from sim.experiments.targets import Target
from sim.metrics import ReplicationResult
from sim.scenario.schema import Scenario
from sim.stats.intervals import Summary

if TYPE_CHECKING:
    import pandas


DEFAULT_SWEEP_METRICS = ("sla_assessment_share", "wait_hours_mean")


@dataclass
class SweepResults:
    """A full-factorial sweep: its arms, each arm's replications, and the baseline arm."""

    arms: list[Arm]
    results: list[list[ReplicationResult]]
    baseline_index: int
    metrics: list[str]
    seed: int
    jobs: int = 1
    source: Path | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    precision_note: str = ""
    reused: int = 0  # replications taken from the resume cache
    base: Scenario | None = None  # the scenario the arms vary
    ignored: list[str] = field(default_factory=list)  # resume cache files that did not parse or match
    cache_problem: str = ""  # why the resume cache could not be used at all
    targets: list[Target] = field(default_factory=list)  # `--target`: which arms meet each

    @property
    def summaries(self) -> list[dict[str, Summary]]:
        """Per arm, per metric: mean, std and 95 % CI over replications (the rows of sweep.csv)."""
        from sim.stats.summaries import summarise_metrics

        return [summarise_metrics(results) for results in self.results]

    @property
    def differences(self) -> list[dict[str, Summary]]:
        """Per arm, per metric: the paired difference from the baseline arm (sweep_differences.csv)."""
        from sim.experiments.arms import metric_order, paired_differences

        names = metric_order(self.results)
        base = self.results[self.baseline_index]
        return [paired_differences(results, base, names) for results in self.results]

    def frame(self) -> pandas.DataFrame:
        """sweep.csv as a DataFrame: one row per arm and metric, a column per varied key."""
        pd = pandas_module()
        rows = [
            {**arm.values, "metric": name, "mean": s.mean, "std": s.std, "ci95_low": s.ci95_low,
             "ci95_high": s.ci95_high, "replications": s.replications}
            for arm, arm_summaries in zip(self.arms, self.summaries, strict=True)
            for name, s in arm_summaries.items()
        ]  # fmt: skip
        return pd.DataFrame(rows)

    def differences_frame(self) -> pandas.DataFrame:
        """sweep_differences.csv as a DataFrame: each arm's paired difference from the baseline arm."""
        pd = pandas_module()
        rows = [
            {**arm.values, "metric": name, "mean_difference": d.mean, "std": d.std, "ci95_low": d.ci95_low,
             "ci95_high": d.ci95_high, "replications": d.replications}
            for index, (arm, arm_differences) in enumerate(zip(self.arms, self.differences, strict=True))
            if index != self.baseline_index
            for name, d in arm_differences.items()
        ]  # fmt: skip
        return pd.DataFrame(rows)


def sweep(
    scenario: Scenario | str | Path | dict[str, Any],
    vary: dict[str, list[Any]] | list[tuple[str, list[Any]]],
    metrics: Sequence[str] | None = None,
    baseline: str | None = None,
    replications: int | None = None,
    jobs: int = 1,
    seed: int | None = None,
    scheduler: str | None = None,
    precision: float | None = None,
    max_replications: int | None = None,
    progress: Callable[[], Callable[[int, int], None] | None] = lambda: None,
    resume: str | Path | None = None,
    source: str | Path | None = None,
    on_start: Callable[[int, int, int, JobSize], None] | None = None,
    force: bool = False,
    targets: Sequence[str] | None = None,
) -> SweepResults:
    """Run every combination of `vary`'s values (dotted key -> values) with common random numbers.

    `metrics` are those tabulated and plotted (and held to `precision`; default
    `sla_assessment_share` and `wait_hours_mean`); `baseline` (`KEY=V,...`)
    picks the arm differences are taken from (default the first). With `resume` (an output folder),
    finished replications are kept in its `.resume/` and reused by a later call. `on_start(arms,
    replications, seed, size)` is called once everything is checked (the size limits too, unless
    `force`), before simulating. `source`: the
    scenario file when `scenario` is a Scenario made from one (for messages and the manifest).
    `targets` (`METRIC>=VALUE`, `METRIC<=VALUE`): the arms whose whole 95 % CI meets each are marked
    (its metric is tabulated too). ExperimentError
    (before any simulation) for an unknown key or metric, an invalid arm or baseline."""
    from sim.experiments.arms import ExperimentError, build_arms, find_arm
    from sim.experiments.execution import run_groups
    from sim.experiments.resume import ReplicationCache
    from sim.experiments.targets import parse_target
    from sim.metrics import UnknownMetric, validate_metric
    from sim.stats.precision import precision_note

    spec, source = resolve(scenario, source)
    varies = list(vary.items()) if isinstance(vary, dict) else list(vary)
    combinations = math.prod(len(values) for _, values in varies)
    if combinations > MAX_ARMS:  # before validating every one of them
        raise ExperimentError(
            f": {combinations:,} arms (every combination of the values); at most {MAX_ARMS:,} allowed", "vary"
        )
    arms = build_arms(spec, varies, str(source or "<scenario>"))
    baseline_index = find_arm(arms, baseline) if baseline else 0
    goals = [parse_target(text) for text in targets or []]
    chosen = list(metrics or DEFAULT_SWEEP_METRICS)
    chosen += [goal.metric for goal in goals if goal.metric not in chosen]
    for name in chosen:
        try:
            validate_metric(name, [arm.scenario for arm in arms])
        except UnknownMetric as exc:
            raise ExperimentError(f": {exc}", "metrics") from None
    options = plan_replications(
        spec, replications, seed, jobs, scheduler, precision, max_replications, progress
    )
    scenarios = [arm.scenario for arm in arms]
    size = checked_size(scenarios, options.most_replications, jobs, force)
    if on_start:
        on_start(len(arms), options.replications, options.seed, size)
    started_at = datetime.now(UTC)
    cache = ReplicationCache(Path(resume)) if resume is not None else None
    done = run_groups(scenarios, options, chosen, cache)
    note = precision_note(precision, done.imprecise, chosen)
    ignored = list(cache.ignored) if cache else []
    return SweepResults(
        arms, done.groups, baseline_index, chosen, options.seed, jobs, source, started_at, note, done.reused,
        spec, ignored, cache.unusable if cache else "", goals,
    )  # fmt: skip

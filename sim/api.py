"""The Python API for notebooks and scripts: load a scenario, run it, look at or write the results.

>>> import sim
>>> scenario = sim.load_scenario({
...     "scenario": {"name": "api-example", "horizon_days": 7, "seed": 3},
...     "intake": {"sources": {"public": {"reports_per_day": 100.0, "actionable_share": 0.4}}},
...     "analysts": {"count": 2, "schedule": "24/7"},
...     "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
... })
>>> results = sim.run(scenario.with_values({"analysts.count": 3}), replications=2)
>>> results.summaries["reports_assessed"].replications
2
>>> results.results[0].metrics["reports_received"] > 0
True

The command line runs the same functions, so `run(...).write(folder)` writes the tables
`hotline-sim run` writes for the same scenario, seed and replications, byte for byte; `sweep`,
`staff` and `sensitivity_analysis` do the same for their commands, and `write_report(folder)`
writes the planner report of any results folder.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment import Arm
from sim.limits import MAX_ANALYSTS, MAX_ARMS, MAX_REPLICATIONS, MAX_SEED
from sim.messages import shown
from sim.metrics import TIMESERIES, ReplicationResult
from sim.scenario import Scenario, ScenarioError, scenario_from_dict
from sim.scenario import load_scenario as _load_file
from sim.sensitivity import Move
from sim.size import JobSize
from sim.staffing import Target, Trial
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
        from sim.precision import PRECISION_METRICS, precision_note

        return precision_note(self.precision, self.imprecise, PRECISION_METRICS)

    @property
    def summaries(self) -> dict[str, Summary]:
        """Per metric: mean, std, 95 % CI over replications and the count (summary.csv's rows)."""
        from sim.output import summarise_metrics

        return summarise_metrics(self.results)

    @property
    def summary(self) -> pandas.DataFrame:
        """summary.csv as a DataFrame indexed by metric: mean, std, ci95_low, ci95_high, replications
        (needs pandas)."""
        pd = _pandas()
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
        pd = _pandas()
        frame = pd.DataFrame([r.metrics for r in self.results], index=[r.replication for r in self.results])
        frame.index.name = "replication"
        return frame

    @property
    def timeseries(self) -> pandas.DataFrame:
        """timeseries.csv as a DataFrame: per day from day 0, the mean over replications."""
        from sim.output import mean_timeseries

        pd = _pandas()
        series = mean_timeseries(self.results)
        frame = pd.DataFrame({name: series[name] for name in TIMESERIES})
        frame.index.name = "day"
        return frame

    def summary_frame(self) -> pandas.DataFrame:
        """`summary` (kept for scripts written against the first API)."""
        return self.summary

    def replications_frame(self) -> pandas.DataFrame:
        """`replications` (kept for scripts written against the first API)."""
        return self.replications

    def timeseries_frame(self) -> pandas.DataFrame:
        """`timeseries` (kept for scripts written against the first API)."""
        return self.timeseries

    def write(self, out_dir: str | Path, plots: bool = True, period: str = "week") -> dict[str, Summary]:
        """Write every result file (as `hotline-sim run` does) into `out_dir`; the summaries."""
        from sim.folder import ResultsFolder
        from sim.output import write_results

        with ResultsFolder(out_dir) as folder:
            return write_results(
                folder, self.scenario, self.source, self.seed, self.results, self.jobs, self.started_at,
                plots=plots, replications_note=self.precision_note, period=period,
            )  # fmt: skip


def _spec(
    scenario: Scenario | str | Path | dict[str, Any], source: str | Path | None = None
) -> tuple[Scenario, Path | None]:
    """The scenario, and its file (`source`, else the path given) for the manifest and the report."""
    if source is None and isinstance(scenario, str | Path):
        source = scenario
    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return spec, Path(source) if source is not None else None


def _plan(
    spec: Scenario, replications: int | None, seed: int | None, precision: float | None,
    max_replications: int | None,
) -> tuple[int, int, int | None]:  # fmt: skip
    """The starting count, the seed (the arguments', else the file's) and the --precision ceiling,
    each within the ranges a scenario file has (ExperimentError otherwise)."""
    from sim.experiment import ExperimentError
    from sim.precision import DEFAULT_MAX_REPLICATIONS

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
                f"{name}: expected a whole number from {low} to {high:,}, got {shown(value)}"
            )
    return count, run_seed, maximum


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
    called before simulating, with the job's estimated size (`sim.size`); a job beyond the size
    limits raises JobTooBig first, unless `force`."""
    from sim.precision import PRECISION_METRICS
    from sim.runner import run_groups

    spec, source = _spec(scenario, source)
    count, run_seed, maximum = _plan(spec, replications, seed, precision, max_replications)
    size = _checked_size([spec], maximum or count, jobs, force)
    if on_start:
        on_start(count, run_seed, size)
    started_at = datetime.now(UTC)
    done = run_groups(
        [spec], run_seed, count, jobs, precision, maximum, PRECISION_METRICS, progress, scheduler=scheduler
    )
    return RunResults(spec, run_seed, done.groups[0], jobs, source, started_at, precision, done.imprecise)


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

    @property
    def summaries(self) -> list[dict[str, Summary]]:
        """Per arm, per metric: mean, std and 95 % CI over replications (the rows of sweep.csv)."""
        from sim.output import summarise_metrics

        return [summarise_metrics(results) for results in self.results]

    @property
    def differences(self) -> list[dict[str, Summary]]:
        """Per arm, per metric: the paired difference from the baseline arm (sweep_differences.csv)."""
        from sim.experiment import metric_order, paired_differences

        names = metric_order(self.results)
        base = self.results[self.baseline_index]
        return [paired_differences(results, base, names) for results in self.results]

    def frame(self) -> pandas.DataFrame:
        """sweep.csv as a DataFrame: one row per arm and metric, a column per varied key."""
        pd = _pandas()
        rows = [
            {**arm.values, "metric": name, "mean": s.mean, "std": s.std, "ci95_low": s.ci95_low,
             "ci95_high": s.ci95_high, "replications": s.replications}
            for arm, arm_summaries in zip(self.arms, self.summaries, strict=True)
            for name, s in arm_summaries.items()
        ]  # fmt: skip
        return pd.DataFrame(rows)

    def write(self, out_dir: str | Path, plots: bool = True) -> None:
        """Write sweep.csv, sweep_differences.csv, sweep.md, the plots and the manifest (as `hotline-sim
        sweep` does) into `out_dir`."""
        from sim.folder import ResultsFolder
        from sim.sweep_files import write_sweep

        with ResultsFolder(out_dir) as folder:
            write_sweep(
                folder, self.arms, self.results, self.baseline_index, self.metrics, self.source, self.seed,
                self.jobs, self.started_at, plots=plots, base=self.base,
            )  # fmt: skip

    def differences_frame(self) -> pandas.DataFrame:
        """sweep_differences.csv as a DataFrame: each arm's paired difference from the baseline arm."""
        pd = _pandas()
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
) -> SweepResults:
    """Run every combination of `vary`'s values (dotted key -> values) with common random numbers.

    `metrics` are those tabulated and plotted (and held to `precision`; default
    `sla_assessment_share` and `wait_hours_mean`); `baseline` (`KEY=V,...`)
    picks the arm differences are taken from (default the first). With `resume` (an output folder),
    finished replications are kept in its `.resume/` and reused by a later call. `on_start(arms,
    replications, seed, size)` is called once everything is checked (the size limits too, unless
    `force`), before simulating. `source`: the
    scenario file when `scenario` is a Scenario made from one (for messages and the manifest).
    ExperimentError
    (before any simulation) for an unknown key or metric, an invalid arm or baseline."""
    from sim.experiment import ExperimentError, build_arms, find_arm
    from sim.metrics import metric_names
    from sim.precision import precision_note
    from sim.resume import ReplicationCache
    from sim.runner import run_groups

    spec, source = _spec(scenario, source)
    varies = list(vary.items()) if isinstance(vary, dict) else list(vary)
    combinations = math.prod(len(values) for _, values in varies)
    if combinations > MAX_ARMS:  # before validating every one of them
        raise ExperimentError(
            f"--vary: {combinations:,} arms (every combination of the values); at most {MAX_ARMS:,} allowed"
        )
    arms = build_arms(spec, varies, str(source or "<scenario>"))
    baseline_index = find_arm(arms, baseline) if baseline else 0
    chosen = list(metrics or DEFAULT_SWEEP_METRICS)
    known = {name for arm in arms for name in metric_names(arm.scenario)}
    known.add("backlog_never_cleared_replications")
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise ExperimentError(f"--metric: unknown {', '.join(unknown)} (metrics are those of summary.csv)")
    count, run_seed, maximum = _plan(spec, replications, seed, precision, max_replications)
    scenarios = [arm.scenario for arm in arms]
    size = _checked_size(scenarios, maximum or count, jobs, force)
    if on_start:
        on_start(len(arms), count, run_seed, size)
    started_at = datetime.now(UTC)
    cache = ReplicationCache(Path(resume)) if resume is not None else None
    done = run_groups(
        scenarios, run_seed, count, jobs, precision, maximum, chosen, progress, cache, scheduler=scheduler
    )
    note = precision_note(precision, done.imprecise, chosen)
    ignored = list(cache.ignored) if cache else []
    return SweepResults(
        arms, done.groups, baseline_index, chosen, run_seed, jobs, source, started_at, note, done.reused,
        spec, ignored, cache.unusable if cache else "",
    )  # fmt: skip


@dataclass
class StaffResults:
    """A staffing search: the target, the counts tried, the answer (None: none up to the maximum)."""

    scenario: Scenario
    target: Target
    answer: int | None
    trials: list[Trial]
    erlang_estimate: int | None
    seed: int
    replications: int
    jobs: int = 1
    source: Path | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    replication_control: bool = False
    high: int = 100

    @property
    def replication_counts(self) -> list[int]:
        """The replication counts the team sizes were run with (one count without replication
        control), smallest first."""
        return sorted({t.summary.replications for t in self.trials})

    def lines(self) -> list[str]:
        """The printout: the target, each count tried, the Erlang C estimate, and the answer line."""
        from sim.output import fmt

        goal = self.target
        counts = self.replication_counts
        shown = f"{self.replications}" if not self.replication_control else (
            f"{'/'.join(map(str, counts))} (replication control)"
        )  # fmt: skip
        lines = [f"target: {goal} (the whole 95 % CI over {shown} replications, seed {self.seed})"]
        lines += [
            f"  {t.analysts:4d} analysts: {goal.metric} {fmt(t.summary.mean)} (95 % CI "
            f"{fmt(t.summary.ci95_low)} to {fmt(t.summary.ci95_high)}) "
            + ("meets" if t.meets_target else "fails")
            for t in self.trials
        ]
        estimate = self.erlang_estimate
        lines.append(
            "Erlang C estimate (always-on effective team; breaks, absence, searching and the viewing cap "
            "shrink it): "
            + (f"{estimate} analysts" if estimate is not None else "not available for this metric")
        )
        lines.append(
            f"answer: {self.answer} analysts"
            if self.answer is not None
            else f"no answer: even {self.high} analysts fail the target"
        )
        return lines

    def frame(self) -> pandas.DataFrame:
        """staffing.csv as a DataFrame: one row per count tried."""
        pd = _pandas()
        return pd.DataFrame(
            [{"analysts": t.analysts, "metric": self.target.metric, "mean": t.summary.mean,
              "ci95_low": t.summary.ci95_low, "ci95_high": t.summary.ci95_high,
              "meets_target": t.meets_target} for t in self.trials]
        )  # fmt: skip

    def write(self, out_dir: str | Path, plots: bool = True) -> None:
        """Write staffing.csv, staffing.md, the staffing curve and the manifest into `out_dir`."""
        from sim.folder import ResultsFolder
        from sim.staffing import write_staffing

        with ResultsFolder(out_dir) as folder:
            write_staffing(folder, self, plots=plots)


def staff(
    scenario: Scenario | str | Path | dict[str, Any],
    target: str | Target,
    low: int = 1,
    high: int = 100,
    replications: int | None = None,
    jobs: int = 1,
    seed: int | None = None,
    scheduler: str | None = None,
    precision: float | None = None,
    max_replications: int | None = None,
    progress: Callable[[], Callable[[int, int], None] | None] = lambda: None,
    source: str | Path | None = None,
    on_start: Callable[[Target, int, int, JobSize], None] | None = None,
    force: bool = False,
) -> StaffResults:
    """The smallest `analysts.count` in [low, high] whose whole 95 % CI meets `target`
    (`"METRIC<=VALUE"` or `>=`), by bisection with the same seed at every count.

    ExperimentError (before any simulation) for a malformed target, an unknown metric, low above
    high or a schedule whose shifts all fix their numbers; UnreachableTarget when no team on this
    schedule can meet an `sla_assessment_share>=` target. `on_start(target, replications, seed, size)`
    is called once everything is checked (the size limits too, unless `force`: the estimate counts
    the team sizes a bisection tries), before simulating; `source` as for `sweep`."""
    from sim.experiment import ExperimentError
    from sim.metrics import metric_names
    from sim.output import summarise_metrics
    from sim.runner import run_groups
    from sim.staffing import check_reachable, check_scalable, erlang_estimate, parse_target, search

    spec, source = _spec(scenario, source)
    goal = parse_target(target) if isinstance(target, str) else target
    if goal.metric not in metric_names(spec) and goal.metric != "backlog_never_cleared_replications":
        raise ExperimentError(f"--target: unknown metric {goal.metric!r} (metrics are those of summary.csv)")
    if low > high:
        raise ExperimentError(f"--min {low} is above --max {high}")
    if high > MAX_ANALYSTS:
        raise ExperimentError(
            f"--max {high} is above the most analysts a scenario may have ({MAX_ANALYSTS:,})"
        )
    check_scalable(spec)
    check_reachable(spec, goal)
    count, run_seed, maximum = _plan(spec, replications, seed, precision, max_replications)
    teams = []  # a bisection tries both ends; a team fits its shifts from the smallest on
    for flag, count_at in (("--min", low), ("--max", high)):
        try:
            teams.append(spec.with_values({"analysts.count": count_at}))
        except ScenarioError as exc:
            raise ExperimentError(f"{flag} {count_at}: {exc.problems[0]}") from None
    tries = math.ceil(math.log2(high - low + 1)) + 1
    size = _checked_size(teams, maximum or count, jobs, force, repeats=math.ceil(tries / 2))
    if on_start:
        on_start(goal, count, run_seed, size)
    started_at = datetime.now(UTC)

    def evaluate(analysts: int) -> Summary:
        team = spec.with_values({"analysts.count": analysts})
        done = run_groups([team], run_seed, count, jobs, precision, maximum, [goal.metric], progress,
                          scheduler=scheduler)  # fmt: skip
        return summarise_metrics(done.groups[0])[goal.metric]

    answer, trials = search(goal, low, high, evaluate)
    estimate = erlang_estimate(spec, goal, 1, 2 * high)
    return StaffResults(spec, goal, answer, trials, estimate, run_seed, count, jobs, source, started_at,
                        precision is not None, high)  # fmt: skip


@dataclass
class SensitivityResults:
    """Each assumption moved down and up, the base run, and the paired effects on the metrics."""

    scenario: Scenario
    moves: list[Move]
    base: list[ReplicationResult]
    moved: dict[int, list[ReplicationResult]]  # by move index, for the moves that could be run
    metrics: list[str]
    change: float
    seed: int
    jobs: int = 1
    source: Path | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Per move and metric: the moved level and its paired difference from the base."""
        from sim.sensitivity_files import effects

        return effects(self.moves, self.base, self.moved, self.metrics)

    def frame(self) -> pandas.DataFrame:
        """sensitivity.csv as a DataFrame: per move and metric, the level and the paired change."""
        pd = _pandas()
        return pd.DataFrame(
            [{"key": r["move"].key, "direction": r["move"].direction, "value": r["move"].value,
              "metric": r["metric"], "mean": r["level"].mean, "difference": r["difference"].mean,
              "difference_ci95_low": r["difference"].ci95_low,
              "difference_ci95_high": r["difference"].ci95_high, "problem": r["move"].problem}
             for r in self.rows]
        )  # fmt: skip

    def write(self, out_dir: str | Path, plots: bool = True) -> None:
        """Write sensitivity.csv, sensitivity.md, the tornado plots and the manifest into `out_dir`."""
        from sim.folder import ResultsFolder
        from sim.output import summarise_metrics
        from sim.sensitivity_files import write_sensitivity

        with ResultsFolder(out_dir) as folder:
            write_sensitivity(
                folder, self.scenario, self.source, self.rows, summarise_metrics(self.base), self.metrics,
                self.change, self.seed, len(self.base), self.jobs, self.started_at, plots=plots,
            )  # fmt: skip


def sensitivity_analysis(
    scenario: Scenario | str | Path | dict[str, Any],
    keys: list[str] | None = None,
    change: float = 0.2,
    metrics: Sequence[str] | None = None,
    replications: int | None = None,
    jobs: int = 1,
    seed: int | None = None,
    scheduler: str | None = None,
    precision: float | None = None,
    max_replications: int | None = None,
    progress: Callable[[], Callable[[int, int], None] | None] = lambda: None,
    source: str | Path | None = None,
    on_start: Callable[[int, int, int, int, JobSize], None] | None = None,
    force: bool = False,
) -> SensitivityResults:
    """Move each of `keys` (default: the file's `# assumption:` keys that a relative move changes)
    down and up by `change`, with the base scenario's random numbers, and measure the effects.

    `source` is the scenario file when `scenario` is a Scenario made from one (its assumptions and
    manifest). `on_start(keys, moves, replications, seed, size)` is called once everything is checked
    (the size limits too, unless `force`).
    ExperimentError (before any simulation) for no keys, an unknown key or metric."""
    from sim.experiment import ExperimentError
    from sim.metrics import metric_names
    from sim.runner import run_groups
    from sim.sensitivity import assumption_keys, build_moves

    spec, source = _spec(scenario, source)
    if keys is None and source is None:
        raise ExperimentError("no scenario file to read `# assumption:` keys from; give keys")
    chosen_keys = list(keys) if keys else assumption_keys(source)
    if not chosen_keys:
        raise ExperimentError(f"{source}: no `# assumption:` keys to move; give --keys K1,K2,...")
    if 2 * len(chosen_keys) > MAX_ARMS:
        raise ExperimentError(f"--keys: {len(chosen_keys):,} keys; at most {MAX_ARMS // 2:,} in one analysis")
    try:
        moves = build_moves(spec, chosen_keys, change)
    except KeyError as exc:
        raise ExperimentError(f"--keys {exc.args[0]}") from None
    if not keys:  # the file's assumptions: only those a relative move changes
        moves = [m for m in moves if not m.problem.startswith(("cannot be moved", "unchanged"))]
    chosen = list(metrics or DEFAULT_SWEEP_METRICS)
    unknown = [m for m in chosen if m not in metric_names(spec)]
    if unknown:
        raise ExperimentError(f"--metric: unknown {', '.join(unknown)} (metrics are those of summary.csv)")
    runnable = [index for index, move in enumerate(moves) if move.scenario is not None]
    count, run_seed, maximum = _plan(spec, replications, seed, precision, max_replications)
    scenarios = [spec, *(moves[i].scenario for i in runnable)]
    size = _checked_size(scenarios, maximum or count, jobs, force)
    if on_start:
        on_start(len(dict.fromkeys(m.key for m in moves)), len(runnable), count, run_seed, size)
    started_at = datetime.now(UTC)
    done = run_groups(scenarios, run_seed, count, jobs, precision, maximum, chosen, progress,
                      scheduler=scheduler)  # fmt: skip
    moved = {move_index: done.groups[1 + position] for position, move_index in enumerate(runnable)}
    return SensitivityResults(spec, moves, done.groups[0], moved, chosen, change, run_seed, jobs, source,
                              started_at)  # fmt: skip


def write_report(folder: str | Path, out: str | Path | None = None, question: str | None = None) -> Path:
    """Write the planner report (one self-contained HTML page) of a results folder written by run,
    sweep, staff or sensitivity; to `out`, default `folder/report.html`. Its path."""
    from sim.report import write_report as write

    return write(folder, out, question)


def _checked_size(
    scenarios: list[Scenario], replications: int, jobs: int, force: bool, repeats: int = 1
) -> JobSize:
    """The job's estimated size; JobTooBig (an ExperimentError) beyond the limits unless `force`."""
    from sim.experiment import ExperimentError
    from sim.size import JobTooBig, check, estimate

    size = estimate(scenarios, replications, jobs, repeats)
    try:
        check(size, force, jobs)
    except JobTooBig as exc:
        raise ExperimentError(str(exc)) from None
    return size


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("tables as DataFrames need pandas: pip install 'hotline-sim[pandas]'") from None
    return pandas

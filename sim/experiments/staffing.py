"""The staffing answer: the smallest analyst count whose whole 95 % CI meets a target.

Counts are searched by bisection between `low` and `high` (the metric is taken to improve with
more analysts), every count run with the same seed, so counts share their random numbers. Beside
it, an Erlang C estimate from the analytic capacity model
(`sim.experiments.estimate.effective_capacity`), and a
check before any simulation that the schedule can meet the target at all.

>>> parse_target("sla_assessment_share>=0.95")
Target(metric='sla_assessment_share', operator='>=', value=0.95)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.common.limits import MAX_ANALYSTS
from sim.common.messages import shown
from sim.experiments.arms import ExperimentError
from sim.experiments.estimate import effective_capacity
from sim.experiments.job import checked_size, pandas_module, plan_replications, resolve
from sim.experiments.size import JobSize
from sim.model.demand import week_profile
from sim.scenario.intake import source_key
from sim.scenario.roster import HOURS_PER_WEEK, TIME_TOLERANCE_HOURS
from sim.scenario.schema import Scenario
from sim.scenario.section import ScenarioError
from sim.scenario.workforce import Shift
from sim.stats.intervals import Summary

if TYPE_CHECKING:
    import pandas
if TYPE_CHECKING:
    pass


_TARGET = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(<=|>=)\s*([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Target:
    """`METRIC<=VALUE` or `METRIC>=VALUE`."""

    metric: str
    operator: str
    value: float

    def met_by(self, s: Summary) -> bool:
        """Whether the whole 95 % CI is on the right side of the value."""
        if s.replications < 2 or math.isnan(s.ci95_low):
            return False
        return s.ci95_high <= self.value if self.operator == "<=" else s.ci95_low >= self.value

    def __str__(self) -> str:
        return f"{self.metric}{self.operator}{self.value:g}"


def parse_target(text: str) -> Target:
    """Parse `METRIC<=VALUE` / `METRIC>=VALUE` (ExperimentError when malformed)."""
    match = _TARGET.match(text)
    if not match:
        raise ExperimentError(f': expected "METRIC<=VALUE" or "METRIC>=VALUE", got {shown(text)}', "target")
    return Target(match.group(1), match.group(2), float(match.group(3)))


def check_scalable(scenario: Scenario) -> None:
    """Staffing varies analysts.count: at least one shift must take the whole team (no `analysts`)."""
    schedule = scenario.analysts.schedule
    shifts = [schedule] if isinstance(schedule, Shift) else ([] if schedule == "24/7" else schedule)
    if shifts and all(s.analysts is not None for s in shifts):
        raise ExperimentError(
            "staff varies analysts.count, but the schedule's shifts all give their own `analysts` "
            "numbers, so more analysts would not be on duty; drop `analysts` from the shifts that "
            "should grow (each then takes the whole team) or sweep the shift sizes with `sweep`"
        )


class UnreachableTarget(ValueError):
    """No team on this schedule can meet the target (exit 1 at the command line)."""


def check_reachable(scenario: Scenario, target: Target) -> None:
    """For an `sla_assessment_share>=` target (or a source's), raise UnreachableTarget when the
    schedule cannot meet it with any team (see `best_sla_share`). Not when the share counts a
    proactive source: its finds arrive while analysts are on duty and their number grows with the
    team, so no bound from the schedule holds."""
    sources = scenario.intake.sources
    if target.operator != ">=":
        return
    if target.metric == "sla_assessment_share":
        counted = scenario.sla_sources
    else:
        counted = [
            name for name in sources if target.metric == f"sla_assessment_share_source_{source_key(name)}"
        ]
        if not counted:
            return
    if any(sources[name].is_proactive for name in counted):
        return  # finds arrive on duty and grow with the team, so no schedule bound holds
    best = best_sla_share(scenario)
    if best < target.value - 1e-9:
        raise UnreachableTarget(
            f"{target} cannot be met by any number of analysts on this schedule: only {best:.1%} of "
            f"reports arrive within {scenario.sla.assessment_hours:g} h of an analyst being on duty (a "
            "weekday-only team cannot assess a Friday-evening report within 24 hours: a weekend is "
            "64 hours). Change the schedule (e.g. a weekend rota) or the target."
        )


def best_sla_share(scenario: Scenario) -> float:
    """The largest `sla_assessment_share` any team on this schedule can reach: the share of
    arrivals (by the weekly and daily profiles) for which some analyst is on duty within
    `sla.assessment_hours` of arrival (a team large enough to start every report at once)."""
    week = [interval for roster in scenario.analysts.rosters(3 * HOURS_PER_WEEK) for interval in roster]
    starts = sorted(s for s, _ in week)
    covered = sorted(week)
    sla = scenario.sla.assessment_hours
    profile = week_profile(scenario.intake.weekly_profile, scenario.intake.hourly_profile)
    minutes = np.arange(0, HOURS_PER_WEEK, 1 / 60) + HOURS_PER_WEEK  # the middle week
    reachable = 0.0
    for t in minutes:
        on_duty = any(s <= t < e for s, e in covered)
        if on_duty:
            reachable += profile[int(t - HOURS_PER_WEEK)]
            continue
        later = [s for s in starts if s > t]
        if later and later[0] - t <= sla + TIME_TOLERANCE_HOURS:
            reachable += profile[int(t - HOURS_PER_WEEK)]
    return reachable / profile[(minutes - HOURS_PER_WEEK).astype(int)].sum()


def erlang_estimate(scenario: Scenario, target: Target, low: int, high: int) -> int | None:
    """The smallest count in [low, high] that the analytic capacity model says meets the target,
    for the metrics it can speak to (waits, the SLA share, utilisation); None otherwise."""
    if target.metric not in ("wait_hours_mean", "sla_assessment_share", "analyst_utilisation"):
        return None
    for count in range(low, high + 1):
        try:
            team = scenario.with_values({"analysts.count": count})
        except ScenarioError:  # too few for a shift that fixes its own number
            continue
        estimate = effective_capacity(team)
        if target.metric == "wait_hours_mean":
            value = estimate.wait_hours_mean
        elif target.metric == "analyst_utilisation":
            value = estimate.utilisation * (estimate.effective_analysts / count / estimate.on_duty_share)
        else:
            value = estimate.sla_share(scenario.sla.assessment_hours)
        if (value <= target.value) if target.operator == "<=" else (value >= target.value):
            return count
    return None


@dataclass(frozen=True)
class Trial:
    """One analyst count tried, and its metric's summary."""

    analysts: int
    summary: Summary
    meets_target: bool


def search(
    target: Target, low: int, high: int, evaluate: Callable[[int], Summary]
) -> tuple[int | None, list[Trial]]:
    """Bisection for the smallest count whose CI meets the target; the counts tried, in order.

    `high` is tried first: if it fails there is no answer. The count below the answer is always
    among those tried, so the table shows the step where the target starts to hold.
    """
    trials: dict[int, Trial] = {}

    def trial(count: int) -> bool:
        if count not in trials:
            s = evaluate(count)
            trials[count] = Trial(count, s, target.met_by(s))
        return trials[count].meets_target

    if not trial(high):
        return None, sorted(trials.values(), key=lambda t: t.analysts)
    if trial(low):
        return low, sorted(trials.values(), key=lambda t: t.analysts)
    failing, meeting = low, high
    while meeting - failing > 1:
        middle = (failing + meeting) // 2
        if trial(middle):
            meeting = middle
        else:
            failing = middle
    return meeting, sorted(trials.values(), key=lambda t: t.analysts)


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
        from sim.common.files import fmt

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
        pd = pandas_module()
        return pd.DataFrame(
            [{"analysts": t.analysts, "metric": self.target.metric, "mean": t.summary.mean,
              "ci95_low": t.summary.ci95_low, "ci95_high": t.summary.ci95_high,
              "meets_target": t.meets_target} for t in self.trials]
        )  # fmt: skip


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
    from sim.experiments.arms import ExperimentError
    from sim.experiments.execution import run_groups
    from sim.metrics import UnknownMetric, validate_metric
    from sim.stats.summaries import summarise_metrics

    spec, source = resolve(scenario, source)
    goal = parse_target(target) if isinstance(target, str) else target
    try:
        validate_metric(goal.metric, [spec])
    except UnknownMetric as exc:
        raise ExperimentError(f": {exc}", "target") from None
    if low > high:
        raise ExperimentError(f" {low} is above the most analysts to try ({high})", "low")
    if high > MAX_ANALYSTS:
        raise ExperimentError(
            f" {high} is above the most analysts a scenario may have ({MAX_ANALYSTS:,})", "high"
        )
    check_scalable(spec)
    check_reachable(spec, goal)
    options = plan_replications(
        spec, replications, seed, jobs, scheduler, precision, max_replications, progress
    )
    teams = []  # a bisection tries both ends; a team fits its shifts from the smallest on
    for parameter, count_at in (("low", low), ("high", high)):
        try:
            teams.append(spec.with_values({"analysts.count": count_at}))
        except ScenarioError as exc:
            raise ExperimentError(f" {count_at}: {exc.problems[0]}", parameter) from None
    tries = math.ceil(math.log2(high - low + 1)) + 1
    size = checked_size(teams, options.most_replications, jobs, force, repeats=math.ceil(tries / 2))
    if on_start:
        on_start(goal, options.replications, options.seed, size)
    started_at = datetime.now(UTC)

    def evaluate(analysts: int) -> Summary:
        team = spec.with_values({"analysts.count": analysts})
        done = run_groups([team], options, [goal.metric])
        return summarise_metrics(done.groups[0])[goal.metric]

    answer, trials = search(goal, low, high, evaluate)
    estimate = erlang_estimate(spec, goal, 1, 2 * high)
    return StaffResults(
        spec, goal, answer, trials, estimate, options.seed, options.replications, jobs, source, started_at,
        precision is not None, high,
    )  # fmt: skip

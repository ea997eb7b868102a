"""The staffing answer: the smallest analyst count whose whole 95 % CI meets a target.

Counts are searched by bisection between `--min` and `--max` (the metric is taken to improve with
more analysts), every count run with the same seed, so counts share their random numbers. Beside
it, an Erlang C estimate from the analytic capacity model (`sim.erlang.effective_capacity`), and a
check before any simulation that the schedule can meet the target at all.

>>> parse_target("sla_assessment_share>=0.95")
Target(metric='sla_assessment_share', operator='>=', value=0.95)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.demand import week_profile
from sim.erlang import effective_capacity
from sim.experiment import ExperimentError
from sim.messages import shown
from sim.roster import HOURS_PER_WEEK, TIME_TOLERANCE_HOURS
from sim.scenario import Scenario, ScenarioError, Shift
from sim.stats import Summary

if TYPE_CHECKING:
    from sim.api import StaffResults
    from sim.folder import ResultsFolder

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
        raise ExperimentError(f'--target: expected "METRIC<=VALUE" or "METRIC>=VALUE", got {shown(text)}')
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
    """For an `sla_assessment_share>=` target, raise UnreachableTarget when the schedule cannot meet
    it with any team (see `best_sla_share`). Not with a proactive source: its finds arrive while
    analysts are on duty and their number grows with the team, so no bound from the schedule holds."""
    if target.metric != "sla_assessment_share" or target.operator != ">=":
        return
    if any(source.is_proactive for source in scenario.intake.sources.values()):
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


def write_staffing(folder: ResultsFolder, done: StaffResults, plots: bool = True) -> None:
    """staffing.csv (one row per count tried), staffing.md (the printout), the staffing curve and
    the manifest (with the target, the answer and the Erlang C estimate), atomically, manifest last."""
    from sim.output import csv_text, manifest

    goal = done.target
    folder.start(["staffing.csv", "staffing.md", *(["staffing.png"] if plots else [])])
    rows = [
        [t.analysts, goal.metric, t.summary.mean, t.summary.ci95_low, t.summary.ci95_high,
         "true" if t.meets_target else "false"]
        for t in done.trials
    ]  # fmt: skip
    columns = ("analysts", "metric", "mean", "ci95_low", "ci95_high", "meets_target")
    folder.write_text("staffing.csv", csv_text(columns, rows))
    text = f"# Staffing: {done.scenario.scenario.name}\n\n```text\n" + "\n".join(done.lines()) + "\n```\n"
    folder.write_text("staffing.md", text)
    files = ["staffing.csv", "staffing.md"]
    if plots:
        from sim.plots import staffing_plot

        points = [(t.analysts, t.summary.mean, t.summary.ci95_low, t.summary.ci95_high) for t in done.trials]
        figure = staffing_plot(
            done.scenario.scenario.name, goal.metric, goal.operator, goal.value, points, done.answer
        )
        folder.write_bytes("staffing.png", figure)
        files.append("staffing.png")
    files.append("manifest.json")
    counts = done.replication_counts
    document = manifest(
        done.scenario, done.source, done.seed, max(counts, default=done.replications), done.jobs,
        done.started_at, files, kind="staff",
    )  # fmt: skip
    document.update(target=str(goal), answer=done.answer, erlang_estimate=done.erlang_estimate)
    if len(counts) > 1:  # replication control chose a count per team size
        document["replications_note"] = f"{counts[0]} to {counts[-1]} per team size, by replication control"
    folder.finish(document)

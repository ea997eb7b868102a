"""The staffing answer: the smallest analyst count (or value of another whole-number key) whose
whole 95 % CI meets every target.

The search starts from the Erlang C estimate and steps outward, then bisects (each target's
metric is taken to improve with more analysts); with no estimate it bisects between `low` and
`high`. Every value is run once, with the same seed, so they share their random numbers. Beside
the answer, the Erlang C estimate from the analytic capacity model
(`sim.experiments.estimate.effective_capacity`), a check before any simulation that the schedule
can meet the targets at all, and, with a proactive source, the reports found at the answer beside
the scenario's own team (a smaller team searches less: `sim.experiments.staff_results`).

"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.common.limits import MAX_ANALYSTS
from sim.common.messages import shown
from sim.experiments.arms import ExperimentError
from sim.experiments.estimate import CapacityEstimate, effective_capacity, one_priority_class
from sim.experiments.job import checked_size, plan_replications, resolve
from sim.experiments.size import JobSize, estimate
from sim.experiments.staff_results import StaffResults
from sim.experiments.targets import (
    ESTIMATED,
    FOUND,
    TEAM_KEY,
    Target,
    Trial,
    Trials,
    is_team_count,
    nearest_search,
    parse_target,
    screen,
)
from sim.model.demand import week_profile
from sim.scenario.dotted import get_dotted
from sim.scenario.intake import source_key
from sim.scenario.roster import HOURS_PER_WEEK, TIME_TOLERANCE_HOURS
from sim.scenario.schema import Scenario
from sim.scenario.section import ScenarioError
from sim.scenario.workforce import Shift
from sim.stats.intervals import Summary

if TYPE_CHECKING:
    from sim.metrics import ReplicationResult


def check_team_key(scenario: Scenario, key: str) -> None:
    """A scenario with `[teams]` has no `analysts.count`: the team to size must be named."""
    if scenario.teams is not None and key == TEAM_KEY:
        names = [spec.name for spec in scenario.team_specs]
        raise ExperimentError(
            f" {key}: this scenario has teams ({', '.join(names)}), not one [analysts] team; name the "
            f"team to size, e.g. --key teams.{names[0]}.count",
            "key",
        )


def check_scalable(scenario: Scenario, key: str = TEAM_KEY) -> None:
    """Staffing varies a team's count: at least one of its shifts must take the whole team (no
    `analysts`)."""
    spec = scenario.team_spec(key)
    schedule = spec.section.schedule
    shifts = [schedule] if isinstance(schedule, Shift) else ([] if schedule == "24/7" else schedule)
    if shifts and all(s.analysts is not None for s in shifts):
        raise ExperimentError(
            f"staff varies {key}, but the schedule's shifts all give their own `analysts` "
            "numbers, so more analysts would not be on duty; drop `analysts` from the shifts that "
            "should grow (each then takes the whole team) or sweep the shift sizes with `sweep`"
        )


class UnreachableTarget(ValueError):
    """No team on this schedule can meet the target (exit 1 at the command line)."""


def check_reachable(scenario: Scenario, target: Target) -> None:
    """For an `sla_assessment_share>=` target (or a source's), raise UnreachableTarget when the
    schedule and calendar cannot meet it with any team over the measured window (see
    `best_sla_share`). Not when the share counts a proactive source (`schedule_bounds`)."""
    if not bounded_by_schedule(scenario, target):
        return
    best = best_sla_share(scenario)
    if best < target.value - 1e-9:
        raise UnreachableTarget(
            f"{target} cannot be met by any number of analysts on this schedule"
            f"{' and its holidays' if any(t.section.holidays for t in scenario.team_specs) else ''}: "
            f"only {best * 100:.1f} % of "
            f"reports arrive within {scenario.sla.assessment_hours:g} h of an analyst being on duty (a "
            f"report that arrives more than {scenario.sla.assessment_hours:g} h before the next shift "
            "starts misses, however large the team). Change the schedule (e.g. a weekend rota) or the "
            "target."
        )


def bounded_by_schedule(scenario: Scenario, target: Target) -> bool:
    """Whether `best_sla_share` bounds the target: a `>=` target on `sla_assessment_share` or a
    source's share, none of whose counted sources is proactive (finds arrive while analysts are on
    duty and their number grows with the team, so no bound from the schedule holds)."""
    sources = scenario.intake.sources
    if target.operator != ">=":
        return False
    if target.metric == "sla_assessment_share":
        counted = scenario.sla_sources
    else:
        counted = [
            name for name in sources if target.metric == f"sla_assessment_share_source_{source_key(name)}"
        ]
    return bool(counted) and not any(sources[name].is_proactive for name in counted)


def best_sla_share(scenario: Scenario, start_day: float | None = None, end_day: float | None = None) -> float:
    """The largest `sla_assessment_share` any team on this schedule can reach over days
    [start_day, end_day) of the run (default: the measured window): the share of arrivals (by the
    weekly and daily profiles, from day 0's weekday, and the growth) for which some duty day is on
    or starts within `sla.assessment_hours` of arrival (a team large enough to start every report
    at once), no duty day starting on a holiday, as in the model. Arrivals are taken minute by
    minute (more coarsely over very long windows). As in the metric, arrivals in the run's last
    `sla.assessment_hours` are left out (their outcome is not known); a window with none left
    gives 1 (no bound)."""
    from sim.model.workforce import split_days

    sla = scenario.sla.assessment_hours
    first = scenario.warmup_hours if start_day is None else start_day * 24.0
    last = min(scenario.horizon_hours if end_day is None else end_day * 24.0, scenario.horizon_hours - sla)
    if last <= first:
        return 1.0
    weekday = scenario.weekday_of_day0
    counted = set(scenario.sla_sources)  # the duty of every team that may assess them
    duty = sorted({
        (start, end)
        for spec in scenario.team_specs
        if counted & set(spec.skills)
        for roster in spec.section.rosters(last + sla + 2 * HOURS_PER_WEEK, weekday)
        for start, end in split_days(roster)
        if math.floor(start / 24.0 + TIME_TOLERANCE_HOURS) not in set(spec.section.holidays)
    })  # fmt: skip
    step = max(1 / 60, (last - first) / 2_000_000)
    times = np.arange(first, last, step) + step / 2
    if not duty or not len(times):
        return 0.0
    starts = np.array([start for start, _ in duty])
    ends = np.maximum.accumulate(np.array([end for _, end in duty]))  # the latest end so far
    before = np.searchsorted(starts, times, side="right") - 1  # the last duty start at or before t
    on_duty = (before >= 0) & (ends[np.maximum(before, 0)] > times)
    following = np.searchsorted(starts, times, side="right")
    next_start = np.where(following < len(starts), starts[np.minimum(following, len(starts) - 1)], np.inf)
    reachable = on_duty | (next_start - times <= sla + TIME_TOLERANCE_HOURS)
    profile = np.roll(
        week_profile(scenario.intake.weekly_profile, scenario.intake.hourly_profile), -24 * weekday
    )
    weights = profile[np.floor(times).astype(int) % 168]
    growth = scenario.intake.growth_per_year
    if growth:
        weights = weights * (1 + growth) ** (times / (24.0 * 365.0))
    return float(weights[reachable].sum() / weights.sum())


def parse_targets(targets: str | Target | Sequence[str | Target], scenario: Scenario) -> list[Target]:
    """One target or a list (`"METRIC<=VALUE"` strings or `Target`s), parsed and checked against
    the scenario (`check_targets`); ExperimentError for none, a malformed or an invalid one."""
    given = [targets] if isinstance(targets, str | Target) else list(targets)
    if not given:
        raise ExperimentError(": expected at least one target", "target")
    goals = [parse_target(t) if isinstance(t, str) else t for t in given]
    check_targets(goals, scenario)
    return goals


def check_targets(targets: Sequence[Target], scenario: Scenario) -> None:
    """Every target names a metric of the scenario's summary.csv ("did you mean" and the valid
    names otherwise) and, for a share, a value from 0 to 1: ExperimentError for `--target`."""
    from sim.metrics import UnknownMetric, validate_metric

    for goal in targets:
        try:
            entry = validate_metric(goal.metric, [scenario])
        except UnknownMetric as exc:
            raise ExperimentError(f": {exc}", "target") from None
        if entry.kind == "share" and not 0.0 <= goal.value <= 1.0:
            raise ExperimentError(
                f" {goal}: {goal.metric} is a share from 0 to 1 (95 % is 0.95), so {goal.value:g} is "
                "out of its range",
                "target",
            )


def key_value(scenario: Scenario, key: str) -> int:
    """The scenario's own value of the whole-number key `key` (ExperimentError for `--key` when
    the scenario has no value there or it is not a whole number)."""
    try:
        value = get_dotted(scenario.to_dict(), key)
    except KeyError as exc:
        raise ExperimentError(
            f": {exc.args[0]} (expected a whole-number key the scenario sets, e.g. {TEAM_KEY} or "
            "analysts.schedule[1].analysts)",
            "key",
        ) from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExperimentError(f" {key}: expected a whole-number key, got {shown(value)}", "key")
    return value


def erlang_estimate(
    scenario: Scenario, target: Target, low: int, high: int, key: str = TEAM_KEY
) -> int | None:
    """The smallest count in [low, high] of the team `key` sizes that the analytic capacity model
    says meets the target, for the metrics it can speak to (`estimate_for`); None otherwise."""
    for count in range(low, high + 1):
        try:
            team = scenario.with_values({key: count})
        except ScenarioError:  # too few for a shift that fixes its own number
            continue
        estimate = estimate_for(team, key, target.metric)
        if estimate is None:
            return None
        if target.metric.startswith("wait_hours_mean"):
            value = estimate.wait_hours_mean
        elif "utilisation" in target.metric:  # busy share of on-duty time
            on_duty = estimate.headcount * estimate.on_duty_share
            value = (
                estimate.utilisation
                * (estimate.effective_analysts / estimate.headcount / estimate.on_duty_share)
                if on_duty
                else math.inf
            )
        else:
            value = estimate.sla_share(scenario.sla.assessment_hours)
        if (value <= target.value) if target.operator == "<=" else (value >= target.value):
            return count
    return None


def estimate_for(scenario: Scenario, key: str, metric_name: str) -> CapacityEstimate | None:
    """The analytic estimate that speaks to `metric_name` when the team of `key` is sized: with
    one team, its estimate for the mean wait, the service level and the utilisation (`ESTIMATED`);
    with teams of disjoint skills, the sized team's own for those of its sources and its
    utilisation; with one pool of teams, the pool's for the overall ones and each team's
    utilisation; otherwise (or for another metric) None. A source's own mean wait and service
    level are those of its queue when the queue is one class, first in, first out (every source of
    the queue has the same `priority`): each report then waits as any other does."""
    from sim.experiments.estimate import team_estimates

    if scenario.teams is None:
        speaks = [*ESTIMATED, *_per_source(scenario, scenario.intake.sources)]
        return effective_capacity(scenario) if metric_name in speaks else None
    estimates, _ = team_estimates(scenario)
    if not estimates:
        return None
    sized = scenario.team_spec(key)
    pooled = len(estimates) == 1
    speaks = _per_source(scenario, scenario.intake.sources if pooled else sized.skills)
    if pooled:
        speaks += [*ESTIMATED, *(f"team_utilisation_{spec.name}" for spec in scenario.team_specs)]
        return estimates[0][1] if metric_name in speaks else None
    speaks.append(f"team_utilisation_{sized.name}")
    return dict(estimates)[sized.name] if metric_name in speaks else None


def _per_source(scenario: Scenario, sources: Sequence[str]) -> list[str]:
    """The per-source metrics (mean wait, service level) of `sources`, one queue's, that its
    estimate speaks to: all of them when they share one priority class, else none."""
    if not one_priority_class(scenario, sources):
        return []
    return [
        f"{m}_source_{source_key(s)}" for s in sources for m in ("wait_hours_mean", "sla_assessment_share")
    ]


def search(
    targets: Sequence[Target],
    low: int,
    high: int,
    evaluate: Callable[[int], dict[str, Summary]],
    guess: int | None = None,
) -> tuple[int | None, list[Trial]]:
    """The smallest value in [low, high] whose CIs meet every target; the values tried, in order.
    From a `guess` (the analytic estimate), outward in doubling steps and then by bisection
    (`nearest_search`): an answer within 2 of the guess takes at most 5 values. Without one, by
    bisection from the ends: `high` is tried first, and if it fails there is no answer. Either way
    the value below the answer is among those tried (unless the answer is `low`), so the table
    shows the step where the targets start to hold.
    """
    if guess is not None:
        return nearest_search(targets, guess, low, high, evaluate)
    trials = Trials(targets, evaluate)
    if not trials.meets(high):
        return None, trials.tried()
    if trials.meets(low):
        return low, trials.tried()
    return trials.bisect(low, high), trials.tried()


def search_guess(estimates: Sequence[int | None], own: int, searching: bool) -> int | None:
    """Where a staffing search starts: the largest of the targets' analytic estimates (the answer
    must meet them all); with none, the scenario's own value when it is simulated anyway (with a
    proactive source, for its finds); else None (bisection from the ends).

    >>> search_guess([14, None, 17], 13, False), search_guess([None], 13, True), search_guess([], 13, False)
    (17, 13, None)
    """
    known = [e for e in estimates if e is not None]
    if known:
        return max(known)
    return own if searching else None


def staff(
    scenario: Scenario | str | Path | dict[str, Any],
    target: str | Target | Sequence[str | Target],
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
    on_start: Callable[[list[Target], int, int, JobSize], None] | None = None,
    force: bool = False,
    key: str = TEAM_KEY,
    today: Scenario | None = None,
    screening: bool = True,
) -> StaffResults:
    """The smallest value of `key` (default `analysts.count`) in [low, high] whose whole 95 % CI
    meets every target (`"METRIC<=VALUE"` or `>=`, one or a list), searched from the Erlang C
    estimate outward (`search`), with the same seed at every value. With a proactive source, the
    scenario's own value is run too, so the answer's finds show beside its own; and `today` (the
    scenario as it is, e.g. the file without the what-if's overrides) once, over the same measured
    window, when it differs: its finds are then what a fall in searching is measured against (a
    team that keeps up with grown volume may still search less than today's).

    ExperimentError (before any simulation) for a malformed target, an unknown metric, a share
    target outside [0, 1], a key that is not a whole number of the scenario, low above high, a
    value the scenario refuses, or a schedule whose shifts all fix their numbers; UnreachableTarget
    when no team on this schedule can meet an `sla_assessment_share>=` target.
    `on_start(targets, replications, seed, size)` is called once everything is checked (the size
    limits too, unless `force`: the estimate counts the values a search tries), before
    simulating; `source` as for `sweep`. With `screening`, a value whose first
    `SCREEN_REPLICATIONS` replications put a target's whole 95 % CI on the wrong side stops there
    (`targets.screen`): it fails either way, and its row shows the replications it had."""
    from sim.experiments.execution import run_groups
    from sim.metrics import modelled
    from sim.stats.summaries import summarise_metrics

    spec, source = resolve(scenario, source)
    check_team_key(spec, key)
    goals = parse_targets(target, spec)
    own = key_value(spec, key)
    if low > high:
        most = "analysts" if key == TEAM_KEY else f"values of {key}"
        raise ExperimentError(f" {low} is above the most {most} to try ({high})", "low")
    if high > MAX_ANALYSTS:
        raise ExperimentError(
            f" {high} is above the most analysts a scenario may have ({MAX_ANALYSTS:,})", "high"
        )
    if is_team_count(spec, key):
        check_scalable(spec, key)
    options = plan_replications(
        spec, replications, seed, jobs, scheduler, precision, max_replications, progress
    )
    teams = []  # both ends must be valid teams; a team fits its shifts from the smallest on
    for parameter, count_at in (("low", low), ("high", high)):
        try:
            teams.append(spec.with_values({key: count_at}))
        except ScenarioError as exc:
            raise ExperimentError(f" {count_at}: {exc.problems[0]}", parameter) from None
    for goal in goals:
        check_reachable(teams[1], goal)
    searching = "proactive" in modelled(spec)
    metrics = list(dict.fromkeys([*(g.metric for g in goals), *([FOUND] if searching else [])]))
    estimates = [
        erlang_estimate(spec, g, 1, 2 * high, key) if is_team_count(spec, key) else None for g in goals
    ]
    guess = search_guess(estimates, own, searching)
    if guess is None:  # a bisection from the ends: about half its values at the top
        tries = math.ceil(math.log2(high - low + 1)) + 1 + (1 if searching else 0)
        likely = checked_size(teams, options.most_replications, jobs, force, repeats=math.ceil(tries / 2))
    else:  # a few values near the guess (and the scenario's own, for its finds), and `high` once
        near = spec.with_values({key: min(max(guess + 2, low), high)})
        tries = NEAR_TRIES + (1 if searching else 0)
        checked_size([*[near] * tries, teams[1]], options.most_replications, jobs, force)
        # what it announces: the values a search from a good guess usually tries, without `high`
        usual = USUAL_NEAR_TRIES + (1 if searching else 0)
        likely = estimate([near] * usual, options.most_replications, jobs)
    if on_start:
        on_start(goals, options.replications, options.seed, likely)
    started_at = datetime.now(UTC)
    summaries: dict[int, dict[str, Summary]] = {}

    def chosen(results: list[ReplicationResult]) -> dict[str, Summary]:
        every = summarise_metrics(results)
        return {name: every[name] for name in metrics}

    def stopped(value: int) -> bool:
        """Whether the trial of `value` stopped as clearly short (fewer than the starting count)."""
        return (
            value in summaries
            and min(s.replications for s in summaries[value].values()) < options.replications
        )

    def evaluate(value: int, whole: bool = False) -> dict[str, Summary]:
        """The trial of `value`: stopped after `SCREEN_REPLICATIONS` replications when clearly
        short of a target (with `screening`, unless `whole`: every replication, as for the
        scenario's own team's finds)."""
        if value not in summaries or (whole and stopped(value)):
            done = run_groups([spec.with_values({key: value})], options, [g.metric for g in goals],
                              screen=screen(goals, chosen) if screening and not whole else None)  # fmt: skip
            summaries[value] = chosen(done.groups[0])
        return summaries[value]

    answer, trials = search(goals, low, high, evaluate, guess)
    today_found = None
    if searching and answer is not None and today is not None:
        window = {name: get_dotted(spec.to_dict(), name) for name in WINDOW_KEYS}
        today = today.with_values(window, "<today>")
        # the same events (only the service level or the cost differ): the own team's finds are
        # today's, unless --precision sizes today's run on its finds alone
        same_run = simulated_part(today) == simulated_part(spec) and precision is None
        if not same_run and "proactive" in modelled(today):
            done = run_groups([today], options, [FOUND])
            today_found = summarise_metrics(done.groups[0])[FOUND]
    if searching and answer is not None and (stopped(own) or own not in {t.analysts for t in trials}):
        own_summaries = evaluate(own, whole=True)  # the finds of the scenario's own team, in full
        met = tuple(g.met_by(own_summaries[g.metric]) for g in goals)
        others = [t for t in trials if t.analysts != own]
        trials = sorted([*others, Trial(own, own_summaries, met)], key=lambda t: t.analysts)
    return StaffResults(
        spec, goals, answer, trials, estimates, options.seed, options.replications, jobs, source, started_at,
        precision is not None, low, high, key, own, today_found, guess,
    )  # fmt: skip


def simulated_part(scenario: Scenario) -> dict[str, Any]:
    """The scenario's data without what only measures or prices the run (the service level, which
    the recorder counts against, and the cost of an analyst): two scenarios with the same simulated
    part give the same events, so the same finds, and `staff` does not run the file as it is when
    the what-if only changes those."""
    data = scenario.to_dict()
    data.pop("sla", None)
    for team in [data.get("analysts"), *(data.get("teams") or {}).values()]:
        if isinstance(team, dict):
            team.pop("cost_per_year", None)
            team.pop("currency", None)
    return data


NEAR_TRIES = 5  # values a search from a good guess may try (the size limit's count)
USUAL_NEAR_TRIES = 3  # and usually tries (the announced time's; 3 to 4 in the tutorial's searches)
WINDOW_KEYS = ("scenario.horizon_days", "scenario.warmup_days")  # `today` is measured over the same days

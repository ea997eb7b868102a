"""`hotline-sim plan`: a dated hiring plan under growth, checked end to end.

Over the scenario's measured window, cut into calendar quarters or months:

1. **Sizing.** Each period gets the smallest team whose whole 95 % CI meets every target at that
   period's volume: the scenario run in a steady state with its volume frozen at the period's end
   (growth and time-varying shares at their period values), on the period's own weekdays and
   holidays; surges, windows and hires, which fall on days of the real calendar, are left to the
   end-to-end run. The search starts from
   the previous period's answer (the first period's from its Erlang C estimate) and steps outward
   (`nearest_search`); a team size whose first two replications are clearly short of a target
   stops there (`targets.screen`).
2. **The plan.** The headcount never falls below the scenario's team or an earlier period's; the
   hires of a period join `ramp_days` before it starts (fully productive at its start) and must be
   recruited `lead_days` before they join.
3. **The end-to-end check.** One run of the whole horizon with exactly those hires (ramp-up
   included, backlog carried from period to period); each period's targets are read from its days
   (`sim.stats.periods.period_metric`). Where a period misses, a later hire is brought forward to
   it, or one is added, and the run is repeated; a period that still misses is named.

Count metrics in targets are yearly rates (the period's count x 365 / its days), so one target
holds for quarters and months alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sim.experiments.arms import ExperimentError
from sim.experiments.job import Options, checked_size, plan_replications, resolve
from sim.experiments.size import JobSize, estimate
from sim.experiments.staffing import (
    UnreachableTarget,
    best_sla_share,
    bounded_by_schedule,
    check_scalable,
    check_team_key,
    erlang_estimate,
    parse_targets,
    search_guess,
)
from sim.experiments.targets import FOUND, TEAM_KEY, Target, Trial, is_team_count, nearest_search, screen
from sim.metrics import ReplicationResult, modelled
from sim.model.demand import DAYS_PER_YEAR
from sim.scenario.intake import source_key
from sim.scenario.schema import Scenario
from sim.scenario.share_rules import is_constant, mean_share
from sim.scenario.workforce import TeamSpec
from sim.stats.intervals import Summary, summarise
from sim.stats.periods import PERIOD_METRICS, SOURCE_SHARE, period_metric

PERIODS = ("quarter", "month")
DEFAULT_LEAD_DAYS = 90
MIN_PERIOD_DAYS = 7  # a shorter tail of the window joins the period before it
MIN_WARMUP_DAYS = 28  # a sizing run's warm-up, at least (the weekly cycle settles)
USUAL_SIZES_PER_PERIOD = 3  # team sizes a period's search usually simulates (the announced time's count)


@dataclass(frozen=True)
class Period:
    """One period of the plan: days [start_day, end_day) of the run, dates start..end (inclusive)."""

    label: str
    start_day: int
    end_day: int
    start: date
    end: date

    @property
    def days(self) -> int:
        """Its length in days."""
        return self.end_day - self.start_day


def periods_of(scenario: Scenario, kind: str, day0: date) -> list[Period]:
    """The calendar quarters or months of the measured window (day 0 on `day0`); the first and
    last may be part of one, and a tail shorter than MIN_PERIOD_DAYS joins the period before."""
    first = math.ceil(scenario.scenario.warmup_days)
    last = math.floor(scenario.scenario.horizon_days)
    bounds: list[tuple[int, int]] = []
    day = first
    while day < last:
        when = day0 + timedelta(days=day)
        following = _next_boundary(when, kind)
        end = min(last, day + (following - when).days)
        bounds.append((day, end))
        day = end
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < MIN_PERIOD_DAYS:
        (start, _), (_, end) = bounds[-2], bounds.pop()
        bounds[-1] = (start, end)
    return [
        Period(
            _label(day0 + timedelta(days=s), kind),
            s,
            e,
            day0 + timedelta(days=s),
            day0 + timedelta(days=e - 1),
        )
        for s, e in bounds
    ]


def _next_boundary(when: date, kind: str) -> date:
    """The first day of the next quarter or month after `when`."""
    months = 3 if kind == "quarter" else 1
    month = ((when.month - 1) // months + 1) * months  # months since January at the next boundary
    return date(when.year + month // 12, month % 12 + 1, 1)


def _label(when: date, kind: str) -> str:
    """`2021-Q1` or `2021-01`."""
    return (
        f"{when.year}-Q{(when.month - 1) // 3 + 1}" if kind == "quarter" else f"{when.year}-{when.month:02d}"
    )


def growth_factor(scenario: Scenario, day: float) -> float:
    """The volume at `day` relative to day 0 (compound `intake.growth_per_year`)."""
    return math.exp(math.log1p(scenario.intake.growth_per_year) * day / DAYS_PER_YEAR)


def reports_per_day(scenario: Scenario, period: Period) -> float:
    """The period's average reports a day from the sources that are not searching (their base rates
    x `volume_multiplier` x growth; profiles shape the week and the day, never the volume)."""
    base = sum(s.reports_per_day or 0.0 for s in scenario.intake.sources.values() if not s.is_proactive)
    g = math.log1p(scenario.intake.growth_per_year) / DAYS_PER_YEAR
    a, b = period.start_day, period.end_day
    mean = 1.0 if g == 0 else (math.exp(g * b) - math.exp(g * a)) / (g * (b - a))
    return base * scenario.intake.volume_multiplier * mean


def sizing_scenario(scenario: Scenario, period: Period) -> Scenario:
    """The scenario in a steady state at the period's end volume, for a warm-up and then the
    period's length on the period's own calendar (day 0 the warm-up's first date, so the weekdays
    and the holidays of the warm-up and the period fall where they do): growth frozen, time-varying
    dedup shares at their period average, and the other dated events (surges, capacity windows,
    hires and leavers, a starting backlog) left out."""
    warmup = max(MIN_WARMUP_DAYS, math.ceil(scenario.scenario.warmup_days))
    first = period.start_day - warmup  # the real day that is the sizing run's day 0
    values: dict[str, Any] = {
        "intake.growth_per_year": 0.0,
        "intake.volume_multiplier": scenario.intake.volume_multiplier
        * growth_factor(scenario, period.end_day),
        "scenario.warmup_days": warmup,
        "scenario.horizon_days": warmup + period.days,
        "intake.surges": [],
        "intake.initial_backlog": 0,
    }
    for team in scenario.team_specs:  # every team on the period's calendar, without dated events
        values[f"{team.key}.capacity_windows"] = []
        values[f"{team.key}.changes"] = []
        values[f"{team.key}.holidays"] = sorted(
            h - first for h in team.section.holidays if first <= h < period.end_day
        )
    if scenario.scenario.start_date is not None:
        values["scenario.start_date"] = period.start - timedelta(days=warmup)
    hours = (period.start_day * 24.0, period.end_day * 24.0)
    for key in ("duplicate_share", "hash_match_share"):
        rule = getattr(scenario.dedup, key)
        if not is_constant(rule):
            values[f"dedup.{key}"] = mean_share(rule, *hours)
    return scenario.with_values(values, "<plan sizing>")


def check_period_targets(targets: Sequence[Target], scenario: Scenario) -> None:
    """Every target names a metric a plan can check period by period (ExperimentError otherwise)."""
    keys = [source_key(name) for name in scenario.intake.sources]
    allowed = [*PERIOD_METRICS, *(f"{SOURCE_SHARE}{key}" for key in keys)]
    for goal in targets:
        if goal.metric not in allowed:
            raise ExperimentError(
                f" {goal}: plan checks each target period by period from the run's days, so it takes "
                f"targets on {', '.join(allowed)} (counts as a rate a year)",
                "target",
            )


def period_summaries(
    results: list[ReplicationResult], metrics: Sequence[str], start: int, end: int, keys: list[str]
) -> dict[str, Summary]:
    """Each metric over days [start, end), summarised over the replications."""
    return {m: summarise([period_metric(r, m, start, end, keys) for r in results]) for m in metrics}


@dataclass
class PlanResults:
    """A hiring plan: the periods, each one's sizing (the analysts needed and the values tried),
    the planned headcount and hires, and each target's metric per period in the end-to-end run."""

    scenario: Scenario
    targets: list[Target]
    period_kind: str
    day0: date
    periods: list[Period]
    needed: list[int | None]
    sizing_trials: list[list[Trial]]
    headcount: list[int]
    checked: list[dict[str, Summary]]
    lead_days: int
    ramp_days: float
    high: int
    checks: int  # end-to-end runs made
    seed: int
    replications: int
    jobs: int = 1
    source: Path | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    changes: list[str] = field(default_factory=list)  # what the end-to-end check changed, and why
    ceilings: dict[str, list[float]] = field(default_factory=dict)  # calendar's best share per period
    stalled: bool = False  # the check stopped because one more analyst did not move a missed target
    key: str = TEAM_KEY  # the size of the team planned: analysts.count or teams.NAME.count

    @property
    def team(self) -> TeamSpec:
        """The team planned."""
        return self.scenario.team_spec(self.key)

    @property
    def own(self) -> int:
        """The scenario's own team at day 0."""
        return self.team.section.count

    @property
    def hires(self) -> list[int]:
        """Analysts hired for each period (the headcount's rise from the period before)."""
        before = [self.own, *self.headcount[:-1]]
        return [now - then for now, then in zip(self.headcount, before, strict=True)]

    def join_day(self, period: Period) -> int:
        """The day a period's hires join: `ramp_days` before its start (day 0 at the earliest)."""
        return max(0, period.start_day - math.ceil(self.ramp_days))

    def recruit_by(self, period: Period) -> date:
        """The date by which a period's hires must be recruited: its start minus the ramp-up minus
        the hiring lead time."""
        return period.start - timedelta(days=math.ceil(self.ramp_days) + self.lead_days)

    def meets(self, index: int) -> list[bool]:
        """Whether each target holds in period `index` of the end-to-end run."""
        return [goal.met_by(self.checked[index][goal.metric]) for goal in self.targets]

    @property
    def missed(self) -> list[str]:
        """The periods where a target still misses in the end-to-end run."""
        return [p.label for k, p in enumerate(self.periods) if not all(self.meets(k))]

    def cost(self, period: Period) -> float | None:
        """What the analysts employed in the period cost (`analysts.cost_per_year` x analyst-days
        / 365, the file's own hires and leavers and the plan's hires counted from the day they
        join); None without a cost."""
        per_year = self.team.section.cost_per_year
        if per_year is None:
            return None
        joins = [(c.day, c.count_delta) for c in self.team.section.changes]
        joins += [(self.join_day(p), h) for p, h in zip(self.periods, self.hires, strict=True) if h > 0]
        analyst_days = sum(
            self.own + sum(delta for day, delta in joins if day <= d)
            for d in range(period.start_day, period.end_day)
        )
        return per_year * analyst_days / 365.0

    def metric_columns(self) -> list[str]:
        """One column per target's metric (each metric once), in the targets' order."""
        return list(dict.fromkeys(goal.metric for goal in self.targets))

    def rows(self) -> list[list[Any]]:
        """plan.csv's rows (`plan_columns`)."""
        rows = []
        for k, (period, needed, hires) in enumerate(zip(self.periods, self.needed, self.hires, strict=True)):
            rows.append([
                period.label, period.start.isoformat(), period.end.isoformat(),
                reports_per_day(self.scenario, period), needed, self.headcount[k], hires,
                self.recruit_by(period).isoformat() if hires > 0 else "", self.cost(period),
                *(self.checked[k][m].mean for m in self.metric_columns()),
            ])  # fmt: skip
        return rows

    def plan_columns(self) -> list[str]:
        """plan.csv's header."""
        return [*PLAN_COLUMNS, *self.metric_columns()]


PLAN_COLUMNS = (
    "period", "start_date", "end_date", "reports_per_day", "analysts_needed", "headcount", "hires",
    "recruit_by", "cost",
)  # fmt: skip


def plan(
    scenario: Scenario | str | Path | dict[str, Any],
    targets: str | Target | Sequence[str | Target],
    period: str = "quarter",
    lead_days: int = DEFAULT_LEAD_DAYS,
    ramp_days: float | None = None,
    low: int = 1,
    high: int = 100,
    replications: int | None = None,
    jobs: int = 1,
    seed: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[], Callable[[int, int], None] | None] = lambda: None,
    source: str | Path | None = None,
    on_start: Callable[[list[Target], list[Period], int, int, JobSize], None] | None = None,
    force: bool = False,
    key: str = TEAM_KEY,
) -> PlanResults:
    """A dated hiring plan over the scenario's measured window (module docstring): each period's
    smallest team meeting every target, a headcount that never falls, the hires and their
    recruit-by dates (`lead_days` before they join, `ramp_days` before the period; default: the
    longest ramp-up of the file's hires, else none), checked in one run of the whole horizon and
    corrected where a period misses. `key`: the team planned (`teams.NAME.count` in a scenario with
    `[teams]`; the other teams keep their own hires and leavers).

    ExperimentError before any simulation for a scenario without `scenario.start_date`, a
    malformed target or one `plan` cannot check per period, an unknown period kind, a negative lead
    time or low above high; UnreachableTarget when the rota and the holidays cannot reach a share
    target in some period with any team (`calendar_ceilings`, which also covers the whole window)."""
    from sim.experiments.execution import run_groups

    spec, source = resolve(scenario, source)
    day0 = getattr(spec.scenario, "start_date", None)
    if day0 is None:
        raise ExperimentError(
            'plan speaks in dates: give the scenario a start date (scenario.start_date = "YYYY-MM-DD", '
            "or --set scenario.start_date=2025-01-01)"
        )
    if period not in PERIODS:
        raise ExperimentError(f": expected one of {', '.join(PERIODS)}, got {period!r}", "period")
    if lead_days < 0:
        raise ExperimentError(f": expected a whole number of days >= 0, got {lead_days}", "lead_days")
    if low > high:
        raise ExperimentError(f" {low} is above the most analysts to try ({high})", "low")
    check_team_key(spec, key)
    if not is_team_count(spec, key):
        counts = ", ".join(team.count_key for team in spec.team_specs)
        raise ExperimentError(f" {key}: expected the size of a team of the scenario ({counts})", "key")
    goals = parse_targets(targets, spec)
    check_period_targets(goals, spec)
    check_scalable(spec, key)
    team = spec.team_spec(key)
    ramp = (
        ramp_days
        if ramp_days is not None
        else max((c.ramp_days for c in team.section.changes if c.count_delta > 0), default=0.0)
    )
    periods = periods_of(spec, period, day0)
    if not periods:
        raise ExperimentError("the scenario has no measured days to plan (horizon_days <= warmup_days)")
    ceilings = calendar_ceilings(spec, goals, periods)
    options = plan_replications(spec, replications, seed, jobs, scheduler, None, None, progress)
    keys = [source_key(name) for name in spec.intake.sources]
    metrics = list(dict.fromkeys(g.metric for g in goals))
    # the end-to-end run reads the finds too when a source searches: a plan with no finds target can
    # meet its targets partly by searching less as the volume grows (plan.md warns of it)
    searching = "proactive" in modelled(spec)  # as staff decides it
    watched = [*metrics, FOUND] if searching and FOUND not in metrics else metrics
    sizing = [sizing_scenario(spec, p) for p in periods]
    checked_size([*sizing, spec.with_values({key: high})], options.replications, jobs, force, repeats=4)
    # what it announces: the sizes a plan usually simulates (about 3 a period, one more for the
    # first, whose search starts further away) and 2 runs end to end at about today's team
    likely = estimate([*sizing * USUAL_SIZES_PER_PERIOD, sizing[0], spec, spec], options.replications, jobs)
    if on_start:
        on_start(goals, periods, options.replications, options.seed, likely)
    started_at = datetime.now(UTC)

    needed: list[int | None] = []
    sizing_trials: list[list[Trial]] = []
    # the first period's search starts from its Erlang C estimate (else the scenario's own team);
    # each later one from the period before's answer
    guess = search_guess(
        [erlang_estimate(sizing[0], g, 1, 2 * high, key) for g in goals], team.section.count, True
    )
    for steady in sizing:
        warmup = math.ceil(steady.scenario.warmup_days)
        end = math.floor(steady.scenario.horizon_days)

        def evaluate(
            count: int, steady: Scenario = steady, warmup: int = warmup, end: int = end
        ) -> dict[str, Summary]:
            def summaries(results: list[ReplicationResult]) -> dict[str, Summary]:
                return period_summaries(results, metrics, warmup, end, keys)

            done = run_groups([steady.with_values({key: count})], options, screen=screen(goals, summaries))
            return summaries(done.groups[0])

        answer, trials = nearest_search(goals, guess, low, high, evaluate)
        needed.append(answer)
        sizing_trials.append(trials)
        guess = answer if answer is not None else guess

    headcount: list[int] = []
    for answer in needed:
        headcount.append(max([team.section.count, *headcount[-1:], answer if answer is not None else high]))
    results = PlanResults(
        spec, goals, period, day0, periods, needed, sizing_trials, headcount, [], lead_days, ramp, high, 0,
        options.seed, options.replications, jobs, source, started_at, ceilings=ceilings, key=key,
    )  # fmt: skip
    tried: tuple[int, list[int], list[dict[str, Summary]], str] | None = None  # the last change
    for _ in range(3 * len(periods) + 3):
        results.checked = end_to_end(results, options, watched, keys, run_groups)
        results.checks += 1
        if tried is not None:
            index, headcount_before, checked_before, why = tried
            no_help = unhelped(results, index, checked_before)
            if no_help:  # more analysts do not move this period: keep the plan that was checked
                results.headcount[:], results.checked = headcount_before, checked_before
                results.changes[-1] = f"{why}: {no_help}"
                results.stalled = True
                break
        missing = next((k for k in range(len(periods)) if not all(results.meets(k))), None)
        if missing is None:
            break
        why = missed_words(results, missing)
        before = list(results.headcount)
        moved = bring_forward(results, missing)
        if moved is None:
            break
        tried = (missing, before, results.checked, why)
        results.changes.append(f"{why}: {moved}")
    return results


def calendar_ceilings(
    spec: Scenario, goals: Sequence[Target], periods: Sequence[Period]
) -> dict[str, list[float]]:
    """For each target a schedule bounds (`bounded_by_schedule`), the best share any team could
    reach in each period (`best_sla_share`: the rota and the holidays); UnreachableTarget before
    any simulation when a period's best is below the target."""
    ceilings: dict[str, list[float]] = {}
    for goal in goals:
        if not bounded_by_schedule(spec, goal):
            continue
        best = [best_sla_share(spec, p.start_day, p.end_day) for p in periods]
        short = [
            f"{p.label} {b * 100:.1f} %" for p, b in zip(periods, best, strict=True) if b < goal.value - 1e-9
        ]
        if short:
            raise UnreachableTarget(
                f"{goal} cannot be met by any number of analysts in {len(short)} of the "
                f"{len(periods)} periods: on this schedule and calendar (holidays included) the best "
                f"possible is {', '.join(short)} (the share of reports that arrive within "
                f"{spec.sla.assessment_hours:g} h of an analyst being on duty). Change the schedule "
                "(e.g. a weekend rota), the holidays or the target."
            )
        ceilings[goal.metric] = best
    return ceilings


HELPS = 0.25  # a change helps when it moves a missed mean by this share of what the CI missed by


def unhelped(results: PlanResults, index: int, before: list[dict[str, Summary]]) -> str | None:
    """After a change made for period `index`: None when it moved each target the period missed
    (before: `before`) by at least `HELPS` of its shortfall, or the period now meets its targets;
    else why not, in words, with the calendar's best for a share a schedule bounds."""
    if all(results.meets(index)):
        return None
    label = results.periods[index].label
    for goal in results.targets:
        old, new = before[index][goal.metric], results.checked[index][goal.metric]
        if goal.met_by(old):
            continue
        edge = old.ci95_low if goal.operator == ">=" else old.ci95_high
        sign = 1.0 if goal.operator == ">=" else -1.0
        shortfall, moved = sign * (goal.value - edge), sign * (new.mean - old.mean)
        if moved >= HELPS * shortfall:
            continue
        text = (
            f"one more analyst in {label} was tried and moved {goal.metric} only from "
            f"{plain(goal.metric, old.mean)} to {plain(goal.metric, new.mean)}, so it was not kept"
        )
        best = results.ceilings.get(goal.metric)
        if best is not None:
            text += (
                f"; the rota and the holidays allow at most {best[index] * 100:.1f} % in {label}, so the "
                "target sits at the calendar's edge there: ease the target, change the rota, or run more "
                "replications to narrow the interval"
            )
        else:
            text += ": run more replications to narrow the interval, or ease the target"
        return text
    return None


def plain(metric_name: str, value: float) -> str:
    """A target metric's value for a sentence: shares in %, counts whole with separators, hours
    with one decimal."""
    from sim.metrics import metric

    try:
        kind = metric(metric_name).words
    except KeyError:
        kind = "count"
    if kind == "share":
        return f"{value * 100:.2f} %"
    if kind == "hours":
        return f"{value:,.1f} h"
    return f"{value:,.0f}"


def plan_scenario(results: PlanResults) -> Scenario:
    """The scenario with the plan's hires added to the planned team's own `changes`."""
    spec = results.scenario
    changes = [c.model_dump(mode="json", exclude_none=True) for c in results.team.section.changes]
    for period, hires in zip(results.periods, results.hires, strict=True):
        if hires > 0:
            changes.append(
                {"day": results.join_day(period), "count_delta": hires, "ramp_days": results.ramp_days}
            )
    return spec.with_values({f"{results.team.key}.changes": changes}, "<plan>")


def end_to_end(
    results: PlanResults, options: Options, metrics: list[str], keys: list[str], run_groups: Callable
) -> list[dict[str, Summary]]:
    """One run of the whole horizon with the plan's hires; each period's metrics."""
    done = run_groups([plan_scenario(results)], options)
    return [period_summaries(done.groups[0], metrics, p.start_day, p.end_day, keys) for p in results.periods]


def bring_forward(results: PlanResults, missing: int) -> str | None:
    """Period `missing` fails a target: bring the next later hire forward to it, or add one from it
    on; what was done, in words (None when the headcount would pass the most analysts to try)."""
    counts = results.headcount
    later = next((k for k in range(missing + 1, len(counts)) if results.hires[k] > 0), None)
    stop = later if later is not None else len(counts)
    if counts[missing] + 1 > results.high:
        return None
    for k in range(missing, stop):
        counts[k] += 1
    label = results.periods[missing].label
    if later is None:
        return f"one hire added from {label}"
    return f"one hire brought forward from {results.periods[later].label} to {label}"


def missed_words(results: PlanResults, index: int) -> str:
    """Which targets period `index` missed in the end-to-end run, with the team it had."""
    period = results.periods[index]
    missed = []
    for goal, meets in zip(results.targets, results.meets(index), strict=True):
        if not meets:
            s = results.checked[index][goal.metric]
            missed.append(
                f"{goal.metric} {plain(goal.metric, s.mean)} (95 % CI {plain(goal.metric, s.ci95_low)} to "
                f"{plain(goal.metric, s.ci95_high)}) missed {goal}"
            )
    return f"{period.label} with {results.headcount[index]} analysts: " + "; ".join(missed)

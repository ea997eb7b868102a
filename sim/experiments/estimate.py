"""The analytic capacity estimate of a scenario's team (`effective_capacity`): the always-on
effective team and its Erlang C waits, beside every simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.scenario.share_rules import mean_share
from sim.stats.erlang import erlang_c_continuous

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sim.scenario.schema import Scenario
    from sim.scenario.workforce import Breaks, TeamSpec


@dataclass(frozen=True)
class CapacityEstimate:
    """The analytic estimate: the team as `effective_analysts` always-available servers."""

    effective_analysts: float
    on_duty_share: float  # rostered hours / (team x hours of the week)
    break_share: float
    absence_share: float
    search_share: float
    viewing_cap_factor: float  # share of available time the cap leaves for viewing (1: no cap)
    demand_reports_per_day: float  # queued reports a day (after the dedup gate), window average
    assessment_hours_mean: float  # mean analyst time per queued report
    capacity_reports_per_day: float
    utilisation: float
    wait_probability: float
    wait_hours_mean: float  # Erlang C for the effective team; infinite when overloaded
    headcount: int = 0  # the analysts of the team or teams it is of, at day 0

    def sla_share(self, sla_hours: float) -> float:
        """Share assessed within `sla_hours` of arrival: P(wait <= sla_hours - mean assessment time)
        for the effective team (0 when overloaded)."""
        if math.isinf(self.wait_hours_mean):
            return 0.0
        slack_hours = sla_hours - self.assessment_hours_mean
        if slack_hours < 0:
            return 0.0
        if self.assessment_hours_mean == 0:
            return 1.0
        load = self.utilisation * self.effective_analysts
        decay = (self.effective_analysts - load) / self.assessment_hours_mean
        return 1.0 - self.wait_probability * math.exp(-decay * slack_hours)

    def describe(self) -> str:
        """Two lines for the terminal, saying what the estimate leaves out."""
        wait = "overloaded" if math.isinf(self.wait_hours_mean) else f"{self.wait_hours_mean:.3g} h"
        load = f"{self.utilisation:.3g}" if math.isfinite(self.utilisation) else "n/a: no analyst available"
        return (
            f"analytic estimate, for orientation: {self.effective_analysts:.3g} effective analysts "
            f"(on duty {self.on_duty_share:.3g}, breaks {self.break_share:.3g}, absence "
            f"{self.absence_share:.3g}, searching {self.search_share:.3g}, viewing cap x"
            f"{self.viewing_cap_factor:.3g}); capacity {self.capacity_reports_per_day:,.0f} vs demand "
            f"{self.demand_reports_per_day:,.0f} reports/day (utilisation {load}); "
            f"Erlang C mean wait {wait}\n"
            "  (an always-on team of that size: no nights, weekends, holidays, surges, windows, hires "
            "or leavers in it)"
        )


def break_hours(duty_hours: float, breaks: Breaks | None) -> float:
    """Break time in a duty day of `duty_hours` taken by the rule (each break after `every_minutes`
    of duty since the day's start or the last break; the last one cut at the day's end), ignoring
    the wait for an assessment in progress.

    >>> from sim.scenario.workforce import Breaks
    >>> round(break_hours(8.0, Breaks(every_minutes=60, length_minutes=10)), 9)  # 09:00 ... 14:50
    1.0
    """
    if breaks is None:
        return 0.0
    every, length = breaks.every_minutes / 60.0, breaks.length_minutes / 60.0
    total, clock = 0.0, every
    while clock < duty_hours - 1e-9:
        total += min(length, duty_hours - clock)
        clock += length + every
    return total


@dataclass(frozen=True)
class _TeamTime:
    """One team's week as the estimate reads it: effective analysts and the hours it searches."""

    effective: float  # always-available servers at the team's own speed
    rostered_hours: float  # a week
    available_hours: float  # a week, after breaks
    viewing_hours: float  # a week, after breaks and the viewing cap
    searched_hours_a_day: float  # finds come from these


def _team_time(spec: TeamSpec, search_share: float) -> _TeamTime:
    """`spec`'s effective analysts over a week: on-duty x (1 - breaks) x (1 - absence) x
    (1 - searching, when it searches), limited by the viewing cap on each duty day."""
    from sim.model.workforce import split_days
    from sim.scenario.roster import HOURS_PER_WEEK

    team = spec.section
    cap = team.max_viewing_hours_per_day
    week = [split_days(r) for r in team.rosters(HOURS_PER_WEEK)]
    duty_hours = [end - start for days in week for start, end in days]
    available = [h - break_hours(h, team.breaks) for h in duty_hours]
    viewing = [min(h, cap) if cap is not None else h for h in available]
    assessing_hours_a_week = sum(viewing) * (1 - search_share) * (1 - team.absence_share)
    # searching is owed on time not on break (idle time included), so a team that keeps up
    # searches search_share of its available time, up to the cap; a saturated team reaching
    # the cap searches search_share of its viewing only (the capacity assumes that)
    searched = sum(min(search_share * a, cap if cap is not None else a) for a in available)
    return _TeamTime(
        effective=assessing_hours_a_week / HOURS_PER_WEEK,
        rostered_hours=sum(duty_hours),
        available_hours=sum(available),
        viewing_hours=sum(viewing),
        searched_hours_a_day=searched * (1 - team.absence_share) / 7.0,
    )


def effective_capacity(scenario: Scenario, teams: list[str] | None = None) -> CapacityEstimate:
    """Effective analysts = on-duty team x (1 - breaks) x (1 - absence) x (1 - searching), limited
    by the viewing cap on each duty day; and the Erlang C wait of the demand on that many servers.

    `teams`: the names of the teams taken as one pool, and the demand of the sources they are
    skilled for (default: every team and every source). The assessment time is divided by the
    pool's speed (its teams' speeds weighted by their effective analysts: exact when they are equal).

    Breaks are counted day by day by the break rule (`break_hours`), so `break_share` is the share
    of rostered time on breaks. Hires, leavers, holidays, windows and surges are left out.
    """
    from sim.model.demand import DAYS_PER_YEAR
    from sim.scenario.roster import HOURS_PER_DAY, HOURS_PER_WEEK

    specs = [spec for spec in scenario.team_specs if teams is None or spec.name in teams]
    served = {source for spec in specs for source in spec.skills}
    proactive = [
        (name, s) for name, s in scenario.intake.sources.items() if s.is_proactive and name in served
    ]
    share = proactive[0][1].search_share if proactive else 0.0
    times = [
        _team_time(spec, share if proactive and proactive[0][0] in spec.skills else 0.0) for spec in specs
    ]
    effective = sum(t.effective for t in times)
    # the pool's speed, weighted by effective analysts (one speed wherever Erlang C applies)
    speed = (
        sum(t.effective * spec.speed for t, spec in zip(times, specs, strict=True)) / effective
        if effective > 0
        else 1.0
    )
    rostered = sum(t.rostered_hours for t in times)
    available = sum(t.available_hours for t in times)
    break_share = 1 - available / rostered if rostered > 0 else 0.0
    cap_factor = sum(t.viewing_hours for t in times) / available if available > 0 else 1.0
    headcount = sum(spec.section.count for spec in specs)
    absence = (
        sum(spec.section.absence_share * t.rostered_hours for t, spec in zip(times, specs, strict=True))
        / rostered
        if rostered > 0
        else specs[0].section.absence_share
    )

    dedup = scenario.dedup
    window = (scenario.warmup_hours, scenario.horizon_hours)  # shares that change: their window means
    kept = 1.0 - mean_share(dedup.duplicate_share, *window)
    mean_minutes = scenario.assessment.time_minutes.mean_value
    service_hours = 0.0  # every report merged at intake: nothing to assess
    if kept > 0:
        fast = mean_share(dedup.hash_match_share, *window)
        service_hours = mean_minutes / 60.0 * ((kept - fast) + fast * dedup.hash_match_time_factor) / kept
        if speed != 1.0:
            service_hours /= speed
    growth = math.log1p(scenario.intake.growth_per_year) / DAYS_PER_YEAR
    w, h = scenario.scenario.warmup_days, scenario.scenario.horizon_days
    growth_mean = 1.0 if growth == 0 else (math.exp(growth * h) - math.exp(growth * w)) / (growth * (h - w))
    poisson_per_day = sum(
        (s.reports_per_day or 0.0)
        for name, s in scenario.intake.sources.items()
        if not s.is_proactive and name in served
    )
    demand = poisson_per_day * scenario.intake.volume_multiplier * growth_mean * kept
    if proactive:  # finds of the searching time, gated like any report
        demand += sum(t.searched_hours_a_day for t in times) * proactive[0][1].finds_per_search_hour * kept
    load = demand / HOURS_PER_DAY * service_hours
    capacity = effective / service_hours * HOURS_PER_DAY if service_hours > 0 else math.inf
    if effective <= 0 or load >= effective:
        p_wait, wait = 1.0, math.inf
    else:
        p_wait = erlang_c_continuous(effective, load)
        wait = p_wait * service_hours / (effective - load)
    return CapacityEstimate(
        effective_analysts=effective,
        on_duty_share=rostered / (headcount * HOURS_PER_WEEK) if headcount else 0.0,
        break_share=break_share,
        absence_share=absence,
        search_share=share,
        viewing_cap_factor=cap_factor,
        demand_reports_per_day=demand,
        assessment_hours_mean=service_hours,
        capacity_reports_per_day=capacity,
        utilisation=load / effective if effective > 0 else math.inf,
        wait_probability=p_wait,
        wait_hours_mean=wait,
        headcount=headcount,
    )


def one_priority_class(scenario: Scenario, sources: Iterable[str]) -> bool:
    """Whether the reports of `sources` (one queue's) are one priority class, first in, first out:
    then each waits as any other, so a source's mean wait and service level are the queue's."""
    return len({scenario.intake.sources[s].priority for s in sources}) <= 1


def team_estimates(scenario: Scenario) -> tuple[list[tuple[str, CapacityEstimate]], str]:
    """The analytic estimates of a scenario's teams, and a line saying which form applies: one team
    (`[analysts]`, or one `[teams]` table); teams with disjoint skills (one Erlang C per team, on
    the demand of its own sources); teams with one skill set and equal speed (one pooled Erlang C);
    otherwise none (an empty list), and the line says why."""
    specs = scenario.team_specs
    if len(specs) == 1:
        return [(specs[0].name, effective_capacity(scenario))], "one team"
    skills = [set(spec.skills) for spec in specs]
    if all(a.isdisjoint(b) for i, a in enumerate(skills) for b in skills[i + 1 :]):
        return [(spec.name, effective_capacity(scenario, [spec.name])) for spec in specs], (
            "one Erlang C per team: the teams' skills are disjoint"
        )
    if all(s == skills[0] for s in skills) and all(spec.speed == specs[0].speed for spec in specs):
        return [("all teams, pooled", effective_capacity(scenario))], (
            "one pooled Erlang C: every team has the same skills and speed"
        )
    return [], (
        "no closed form applies: the teams share some sources but not all, or differ in speed "
        "(the simulation is the answer)"
    )


def describe_estimates(scenario: Scenario) -> str:
    """The analytic estimate for the terminal: `CapacityEstimate.describe` for one team; with
    `[teams]`, which form applies and each estimate, or why none does."""
    estimates, form = team_estimates(scenario)
    if scenario.teams is None:
        return estimates[0][1].describe()
    lines = [f"analytic estimate: {form}"]
    lines += [f"  {name}: {estimate.describe()}" for name, estimate in estimates]
    return "\n".join(lines)

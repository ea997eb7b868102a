"""Who works when: rosters -> each analyst's duty days, after hires, leavers, holidays, windows, absence.

A duty day is one shift occurrence (a roster interval of at most 24 hours, possibly crossing
midnight); a longer interval (a 24/7 schedule, back-to-back shifts) is cut at midnights. Its
calendar day is the day it starts on. Then, in this order:

- headcount changes: analysts 0..count-1 are there from day 0. A hire gets the next number and
  works the shifts of analyst (number mod count) of the original roster from its day; a leaver
  is the most recently joined analyst still there, gone from its day.
- holidays: no duty day starts on a holiday.
- capacity windows: a duty day starting in `[start_day, end_day)` of windows with available
  shares s1, s2, ... is worked with share s = s1 x s2 x ...: analyst i of n works calendar day k
  when floor((k + 1) s + i / n) > floor(k s + i / n), a rota on which each analyst works a share s
  of the days and the number on duty each day is floor or ceil of s x n.
- absence: each remaining duty day is lost with probability `absence_share`, from the analyst's own
  stream `absence/<number>` (`absence/<team>/<number>` in a team of `[teams]` not named
  `analysts`; one draw for every duty day of its shift pattern, so arms share them).

A hire with `ramp_days` > 0 works at a share of full output that rises linearly from 0 on its
first day to 1 after `ramp_days`, taken at the middle of each duty day: it assesses at full speed
for that share of the duty day and trains (other work) for the rest, the capacity of a
proportionally slower analyst without assessments that run for hours.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from sim.model.streams import Streams
from sim.scenario.roster import HOURS_PER_DAY, TIME_TOLERANCE_HOURS
from sim.scenario.workforce import Analysts


@dataclass(frozen=True)
class DutyDay:
    """One duty day of one analyst, in model hours."""

    start_hours: float
    end_hours: float
    work_share: float  # share of the day worked at full speed (the rest is training): 1 unless ramping
    continues: bool  # starts where this analyst's previous worked duty day ended


@dataclass
class WorkforcePlan:
    """Every analyst's worked duty days, and the window's day counts."""

    duty_days: list[list[DutyDay]]
    rostered_days: int  # duty days starting in the measured window, before absence
    absent_days: int  # of those, lost to absence
    rostered_hours: float  # worked duty time inside the measured window


@dataclass(frozen=True)
class _Member:
    pattern: int  # whose shifts of the original roster this analyst works
    join_day: int
    ramp_days: float


def split_days(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Roster intervals as duty days: intervals longer than 24 hours are cut at midnights."""
    days: list[tuple[float, float]] = []
    for start, end in intervals:
        if end - start <= HOURS_PER_DAY + TIME_TOLERANCE_HOURS:
            days.append((start, end))
            continue
        cut = start
        while cut < end - TIME_TOLERANCE_HOURS:
            midnight = (math.floor(cut / HOURS_PER_DAY + TIME_TOLERANCE_HOURS) + 1) * HOURS_PER_DAY
            days.append((cut, min(midnight, end)))
            cut = min(midnight, end)
    return days


def _members(analysts: Analysts) -> tuple[list[_Member], list[float]]:
    """Everyone who is ever on the team, and the day each leaves (infinite: stays)."""
    members = [_Member(i, 0, 0.0) for i in range(analysts.count)]
    leave_day = [math.inf] * analysts.count
    present = list(range(analysts.count))
    for change in sorted(analysts.changes, key=lambda c: c.day):  # stable: same-day order kept
        if change.count_delta > 0:
            for _ in range(change.count_delta):
                number = len(members)
                members.append(_Member(number % analysts.count, change.day, change.ramp_days))
                leave_day.append(math.inf)
                present.append(number)
        else:
            for _ in range(-change.count_delta):
                leave_day[present.pop()] = change.day
    return members, leave_day


def _window_share(analysts: Analysts, start_hours: float) -> float:
    share = 1.0
    for window in analysts.capacity_windows:
        if window.start_day * HOURS_PER_DAY <= start_hours < window.end_day * HOURS_PER_DAY:
            share *= window.available_share
    return share


def _on_rota(share: float, day: int, rank: int, team: int) -> bool:
    """Whether the analyst ranked `rank` of the `team` there on `day` works it at `share`."""
    if share >= 1.0:
        return True
    phase = rank / team
    return math.floor((day + 1) * share + phase) > math.floor(day * share + phase)


def plan_workforce(
    analysts: Analysts,
    horizon_hours: float,
    warmup_hours: float,
    streams: Streams,
    weekday_of_day0: int = 0,
    stream_prefix: str = "",
) -> WorkforcePlan:
    """Resolve one team into each analyst's worked duty days over [0, horizon]; day 0 is the
    weekday `weekday_of_day0` (Monday 0); absences come from the streams
    `absence/<stream_prefix><number>` (`TeamSpec.stream_prefix`)."""
    patterns = [split_days(r) for r in analysts.rosters(horizon_hours, weekday_of_day0)]
    members, leave_day = _members(analysts)
    holidays = set(analysts.holidays)

    @functools.cache
    def team_on(day: int) -> list[int]:
        """The analysts on the team on `day` (joined, not left), by number."""
        return [i for i, m in enumerate(members) if m.join_day <= day < leave_day[i]]

    plan = WorkforcePlan(duty_days=[], rostered_days=0, absent_days=0, rostered_hours=0.0)
    for number, member in enumerate(members):
        pattern = patterns[member.pattern]
        absent_draws = streams.generator(f"absence/{stream_prefix}{number}").random(len(pattern))
        worked: list[DutyDay] = []
        previous_end = -math.inf
        for (start, end), u_absent in zip(pattern, absent_draws, strict=True):
            day = math.floor(start / HOURS_PER_DAY + TIME_TOLERANCE_HOURS)
            if not member.join_day <= day < leave_day[number] or day in holidays:
                continue
            share = _window_share(analysts, start)
            if share < 1.0:
                team = team_on(day)
                if not _on_rota(share, day, team.index(number), len(team)):
                    continue
            measured = start >= warmup_hours - TIME_TOLERANCE_HOURS
            plan.rostered_days += measured
            if u_absent < analysts.absence_share:
                plan.absent_days += measured
                continue
            work_share = 1.0
            if member.ramp_days > 0:
                ramped_hours = (start + end) / 2 - member.join_day * HOURS_PER_DAY
                work_share = min(1.0, ramped_hours / (member.ramp_days * HOURS_PER_DAY))
            continues = abs(start - previous_end) <= TIME_TOLERANCE_HOURS
            worked.append(DutyDay(start, end, work_share, continues))
            previous_end = end
            plan.rostered_hours += max(0.0, min(end, horizon_hours) - max(start, warmup_hours))
        plan.duty_days.append(worked)
    return plan

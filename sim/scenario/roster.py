"""When each analyst is on duty: shift tables -> per-analyst on-duty intervals in model hours.

Day 0 of the model is a Monday (or `scenario.start_date`'s weekday) and time 0 is its 00:00. A
shift `{days, start, end, analysts}` runs on each listed day from `start` to `end`; `end <= start`
means it crosses midnight and ends on the next day. At no moment may the shifts need more analysts
than the team has; analysts are then assigned occurrence by occurrence (see `build_rosters`), so
early and late shifts get different people when the team is large enough, and the same people from
one day to the next."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final

from sim.common.messages import shown

HOURS_PER_DAY: Final = 24.0
HOURS_PER_WEEK = 168.0
TIME_TOLERANCE_HOURS: Final = 1e-9

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_RE = re.compile(r"^(\d{2}):(\d{2})$")


def parse_days(text: str) -> tuple[int, ...]:
    """Parse `"mon-fri"`, `"mon,wed,fri"`, `"fri-mon"` (wraps) or `"daily"` into sorted day indices."""
    cleaned = text.strip().lower()
    if cleaned in ("daily", "all", "mon-sun"):
        return tuple(range(7))
    days: set[int] = set()
    for token in cleaned.split(","):
        token = token.strip()
        if "-" in token:
            first, _, last = token.partition("-")
            a, b = _day_index(first.strip(), text), _day_index(last.strip(), text)
            span = (b - a) % 7
            days.update((a + k) % 7 for k in range(span + 1))
        else:
            days.add(_day_index(token, text))
    return tuple(sorted(days))


def _day_index(name: str, text: str) -> int:
    if name not in DAY_NAMES:
        raise ValueError(
            f"expected days like 'mon-fri' or 'mon,wed,fri' (day names {', '.join(DAY_NAMES)}), "
            f"got {shown(text)}"
        )
    return DAY_NAMES.index(name)


def parse_clock_hours(text: str, *, allow_24: bool) -> float:
    """Parse `"HH:MM"` into hours after midnight (`"24:00"` only where `allow_24`)."""
    match = _TIME_RE.match(text.strip())
    limit = "24:00" if allow_24 else "23:59"
    if not match:
        raise ValueError(f"expected a time 'HH:MM' between 00:00 and {limit}, got {shown(text)}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    value = hours + minutes / 60.0
    if minutes >= 60 or value > 24 or (value == 24 and not allow_24):
        raise ValueError(f"expected a time 'HH:MM' between 00:00 and {limit}, got {shown(text)}")
    return value


@dataclass(frozen=True)
class WeeklyShift:
    """One shift table resolved to hours: the days it starts on, its start hour and length."""

    days: tuple[int, ...]
    start_hour: float
    length_hours: float
    analysts: int

    def week_intervals(self) -> list[tuple[float, float]]:
        """On-duty intervals within one week [0, 168), split where a shift wraps past Sunday."""
        out: list[tuple[float, float]] = []
        for day in self.days:
            start = day * HOURS_PER_DAY + self.start_hour
            end = start + self.length_hours
            if end <= HOURS_PER_WEEK:
                out.append((start, end))
            else:
                out.append((start, HOURS_PER_WEEK))
                out.append((0.0, end - HOURS_PER_WEEK))
        return out


def shift_length_hours(start_hour: float, end_hour: float) -> float:
    """Length of a shift from `start_hour` to `end_hour`, crossing midnight when end <= start."""
    if end_hour > start_hour:
        return end_hour - start_hour
    return HOURS_PER_DAY - start_hour + end_hour


def peak_demand(shifts: list[WeeklyShift]) -> tuple[int, float]:
    """The most analysts the shifts need at one moment of the week, and the first such moment."""
    events: list[tuple[float, int, int]] = []
    for shift in shifts:
        for start, end in shift.week_intervals():
            # at equal times ends (0) come before starts (1): touching shifts do not overlap
            events.append((round(start, 9), 1, shift.analysts))
            events.append((round(end, 9), 0, -shift.analysts))
    on_duty, peak, peak_at = 0, 0, 0.0
    for time, _, change in sorted(events):
        on_duty += change
        if on_duty > peak:
            peak, peak_at = on_duty, time
    return peak, peak_at


def check_team_fits(shifts: list[WeeklyShift], count: int) -> None:
    """Raise ValueError when shifts need more than `count` analysts on duty at one moment."""
    peak, at = peak_demand(shifts)
    if peak > count:
        day, hours = divmod(at, HOURS_PER_DAY)
        clock = f"{int(hours):02d}:{round((hours % 1) * 60):02d}"
        raise ValueError(
            f"expected at most analysts.count = {count} analysts on duty at once, but the shifts "
            f"need {peak} on {DAY_NAMES[int(day)]} at {clock} (a shift without 'analysts' takes "
            "all of analysts.count)"
        )


def build_rosters(
    shifts: list[WeeklyShift], count: int, horizon_hours: float, weekday_of_day0: int = 0
) -> list[list[tuple[float, float]]]:
    """Each analyst's on-duty intervals over [0, horizon], merged where they touch; day 0 is the
    weekday `weekday_of_day0` (Monday 0), so a Monday shift first falls on the day 0 + (7 - it) % 7.

    Every shift occurrence, in order of start time, takes analysts who are free at its start:
    first those who worked the previous occurrence of the same shift (stable teams), then the
    least-rostered, then the lowest number. Taken in start order, this never runs out of analysts
    when `check_team_fits` passes (interval-graph colouring).
    """
    check_team_fits(shifts, count)
    weeks = math.ceil(horizon_hours / HOURS_PER_WEEK) + 1
    occurrences = []
    for week in range(-1, weeks):
        for number, shift in enumerate(shifts):
            for day in shift.days:
                start = week * HOURS_PER_WEEK + (day - weekday_of_day0) * HOURS_PER_DAY + shift.start_hour
                end = min(start + shift.length_hours, horizon_hours)
                start = max(start, 0.0)
                if end > start and shift.analysts > 0:
                    occurrences.append((start, number, end, shift.analysts))
    occurrences.sort()
    rosters: list[list[tuple[float, float]]] = [[] for _ in range(count)]
    free_from = [-math.inf] * count
    rostered_hours = [0.0] * count
    previous_team: dict[int, set[int]] = {}
    for start, number, end, needed in occurrences:
        free = [i for i in range(count) if free_from[i] <= start + TIME_TOLERANCE_HOURS]
        if len(free) < needed:  # pragma: no cover - excluded by check_team_fits
            raise RuntimeError(f"roster: {needed} analysts needed at {start} h, {len(free)} free")
        team = previous_team.get(number, set())
        free.sort(key=lambda i: (i not in team, rostered_hours[i], i))
        chosen = free[:needed]
        for i in chosen:
            rosters[i].append((start, end))
            free_from[i] = end
            rostered_hours[i] += end - start
        previous_team[number] = set(chosen)
    return [_merge(r) for r in rosters]


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + TIME_TOLERANCE_HOURS:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def on_duty_hours(intervals: list[tuple[float, float]], start: float, end: float, first: int = 0) -> float:
    """Hours of the sorted `intervals` (from index `first`) that fall inside [start, end]."""
    covered = 0.0
    for index in range(first, len(intervals)):
        s, e = intervals[index]
        if s >= end:
            break
        covered += max(0.0, min(e, end) - max(s, start))
    return covered


def off_roster_hours(intervals: list[tuple[float, float]], first: int, start: float, end: float) -> float:
    """Hours of [start, end] not covered by `intervals[first:]` (sorted, disjoint)."""
    if end <= start:
        return 0.0
    return (end - start) - on_duty_hours(intervals, start, end, first)

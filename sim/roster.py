"""When each analyst is on duty: shift tables -> per-analyst on-duty intervals in model hours.

Day 0 of the model is a Monday and time 0 is Monday 00:00. A shift `{days, start, end, analysts}`
runs on each listed day from `start` to `end`; `end <= start` means it crosses midnight and ends on
the next day. Analysts are assigned to shifts in file order: a shift takes the analysts who are not
already on duty at any moment of it, preferring the least-rostered (then the lowest number), so
early and late shifts get different people when the team is large enough.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

HOURS_PER_DAY = 24.0
HOURS_PER_WEEK = 168.0
TIME_TOLERANCE_HOURS = 1e-9

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
            f"expected days like 'mon-fri' or 'mon,wed,fri' (day names {', '.join(DAY_NAMES)}), got {text!r}"
        )
    return DAY_NAMES.index(name)


def parse_clock_hours(text: str, *, allow_24: bool) -> float:
    """Parse `"HH:MM"` into hours after midnight (`"24:00"` only where `allow_24`)."""
    match = _TIME_RE.match(text.strip())
    limit = "24:00" if allow_24 else "23:59"
    if not match:
        raise ValueError(f"expected a time 'HH:MM' between 00:00 and {limit}, got {text!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    value = hours + minutes / 60.0
    if minutes >= 60 or value > 24 or (value == 24 and not allow_24):
        raise ValueError(f"expected a time 'HH:MM' between 00:00 and {limit}, got {text!r}")
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


def _overlaps(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    return any(
        s1 < e2 - TIME_TOLERANCE_HOURS and s2 < e1 - TIME_TOLERANCE_HOURS for s1, e1 in a for s2, e2 in b
    )


def assign_analysts(shifts: list[WeeklyShift], count: int) -> list[list[tuple[float, float]]]:
    """Give each shift its analysts; return each analyst's weekly on-duty intervals.

    Raises ValueError when overlapping shifts need more than `count` analysts at once.
    """
    weekly: list[list[tuple[float, float]]] = [[] for _ in range(count)]
    for number, shift in enumerate(shifts):
        intervals = shift.week_intervals()
        free = [i for i in range(count) if not _overlaps(weekly[i], intervals)]
        if len(free) < shift.analysts:
            raise ValueError(
                f"shift {number + 1} needs {shift.analysts} analysts but only {len(free)} of "
                f"analysts.count = {count} are not already on an overlapping shift "
                "(analysts on overlapping shifts may not exceed analysts.count)"
            )
        free.sort(key=lambda i: (sum(e - s for s, e in weekly[i]), i))
        for i in free[: shift.analysts]:
            weekly[i].extend(intervals)
    return weekly


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + TIME_TOLERANCE_HOURS:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def horizon_intervals(weekly: list[tuple[float, float]], horizon_hours: float) -> list[tuple[float, float]]:
    """Repeat one analyst's weekly intervals over [0, horizon], merged where they touch."""
    if not weekly:
        return []
    weeks = math.ceil(horizon_hours / HOURS_PER_WEEK) + 1
    spread = []
    for week in range(weeks):
        offset = week * HOURS_PER_WEEK
        for start, end in weekly:
            s, e = start + offset, min(end + offset, horizon_hours)
            if s < e:
                spread.append((s, e))
    return _merge(spread)


def on_duty_hours(intervals: list[tuple[float, float]], start: float, end: float) -> float:
    """Hours of `intervals` that fall inside [start, end]."""
    return sum(max(0.0, min(e, end) - max(s, start)) for s, e in intervals)


def off_roster_hours(intervals: list[tuple[float, float]], first: int, start: float, end: float) -> float:
    """Hours of [start, end] not covered by `intervals[first:]` (sorted, disjoint, after `start`)."""
    if end <= start:
        return 0.0
    covered = 0.0
    for s, e in intervals[first:]:
        if s >= end:
            break
        covered += max(0.0, min(e, end) - max(s, start))
    return (end - start) - covered

"""Rosters: work happens only on shift, work in progress is finished, shifts cross midnight."""

import numpy as np
import pytest

from sim.roster import WeeklyShift, assign_analysts, horizon_intervals, parse_clock_hours, parse_days
from sim.scenario import scenario_from_dict
from tests.conftest import simulate, with_changes

WEEKDAY_SHIFT = {"days": "mon-fri", "start": "08:00", "end": "16:00"}


def one_analyst_fixed_time(mmc, minutes, schedule=WEEKDAY_SHIFT, days=14):
    data = with_changes(
        mmc(1, 0.5, days, 0, 2, 7),
        analysts={"count": 1, "schedule": schedule},
        assessment={"time_minutes": {"dist": "fixed", "value": float(minutes)}},
    )
    data["intake"]["sources"]["public"]["reports_per_day"] = 200.0  # always a queue
    return simulate(data)


def test_parse_days():
    assert parse_days("mon-fri") == (0, 1, 2, 3, 4)
    assert parse_days("mon,wed,fri") == (0, 2, 4)
    assert parse_days("fri-mon") == (0, 4, 5, 6)
    assert parse_days("Sat, sun") == (5, 6)
    assert parse_days("daily") == tuple(range(7))
    with pytest.raises(ValueError):
        parse_days("weekdays")


def test_parse_clock():
    assert parse_clock_hours("08:30", allow_24=False) == 8.5
    assert parse_clock_hours("24:00", allow_24=True) == 24.0
    for bad in ("24:00", "8:00", "12:60", "noon"):
        with pytest.raises(ValueError):
            parse_clock_hours(bad, allow_24=False)


def test_no_assessment_at_weekends_and_work_in_progress_is_finished(mmc):
    """3-hour assessments on 08:00-16:00: 08-11, 11-14 and 14-17 (finished after 16:00), none after."""
    _, results, _ = one_analyst_fixed_time(mmc, 180)
    days = np.arange(14)
    for r in results:
        assessed = r.timeseries["assessed"]
        assert np.all(assessed[days % 7 < 5] == 3)
        assert np.all(assessed[days % 7 >= 5] == 0)
        # on duty = 40 rostered hours a week + 1 hour of overrun each weekday
        assert r.metrics["analyst_on_duty_hours"] == pytest.approx(2 * (40 + 5))
        assert r.metrics["analyst_utilisation"] == pytest.approx(1.0)


def test_friday_work_finishes_on_saturday_and_nothing_starts_at_weekends(mmc):
    """20-hour assessments: each weekday's starts at 08:00 and ends at 04:00 the next day."""
    _, results, _ = one_analyst_fixed_time(mmc, 20 * 60)
    days = np.arange(14)
    for r in results:
        assessed = r.timeseries["assessed"]
        expected = np.where((days % 7 >= 1) & (days % 7 <= 5), 1, 0)  # Tue..Sat
        assert assessed.tolist() == expected.tolist()


def test_shift_crossing_midnight():
    shift = scenario_from_dict(
        {
            "scenario": {"name": "x", "horizon_days": 7},
            "intake": {"sources": {"a": {"reports_per_day": 1.0, "actionable_share": 0.5}}},
            "analysts": {"count": 2, "schedule": {"days": "sun", "start": "22:00", "end": "06:00"}},
            "assessment": {"time_minutes": {"dist": "fixed", "value": 5.0}},
        }
    ).analysts
    weekly = shift.weekly_intervals()
    assert weekly[0] == [(166.0, 168.0), (0.0, 6.0)]
    # over two weeks: Monday 00-06 (the shift that began before day 0), then Sunday 22 -> Monday 06
    assert horizon_intervals(weekly[0], 14 * 24) == [(0.0, 6.0), (166.0, 174.0), (334.0, 336.0)]


def test_night_shift_works_only_at_night(mmc):
    night = {"days": "daily", "start": "22:00", "end": "06:00"}
    _, results, _ = one_analyst_fixed_time(mmc, 60, schedule=night, days=7)
    for r in results:
        # one-hour assessments end on the hour: day 0 has 00-06 (6) and 22-23 (1; 23-24 ends on
        # day 1); later days 8; the one ending exactly at the horizon is not counted
        assert r.timeseries["assessed"].tolist() == [7, 8, 8, 8, 8, 8, 8]
        # 56 rostered hours, plus the overrun of the first night: nothing waits at time 0, so the
        # first assessment starts with the first arrival and the last one ends after 06:00
        assert 56 < r.metrics["analyst_on_duty_hours"] < 57
        assert r.metrics["analyst_utilisation"] > 0.99


def test_early_and_late_shifts_get_different_analysts_when_the_team_allows():
    early = WeeklyShift(days=(0, 1, 2, 3, 4), start_hour=6, length_hours=8, analysts=5)
    late = WeeklyShift(days=(0, 1, 2, 3, 4), start_hour=14, length_hours=8, analysts=5)
    big = assign_analysts([early, late], 10)
    assert all(len(big[i]) == 5 for i in range(10))  # 5 shifts a week each, nobody works 16 h
    small = assign_analysts([early, late], 5)
    assert all(len(small[i]) == 10 for i in range(5))


def test_overlapping_shifts_may_not_exceed_the_team():
    a = WeeklyShift(days=(0,), start_hour=8, length_hours=8, analysts=3)
    b = WeeklyShift(days=(0,), start_hour=12, length_hours=8, analysts=3)
    assign_analysts([a, b], 6)
    with pytest.raises(ValueError, match="analysts.count"):
        assign_analysts([a, b], 5)


def test_shift_without_a_number_scales_with_the_team(mmc):
    data = with_changes(mmc(13, 0.5, 7, 0, 2, 1), analysts={"count": 7, "schedule": WEEKDAY_SHIFT})
    scenario, results, _ = simulate(data)
    assert len([w for w in scenario.analysts.weekly_intervals() if w]) == 7
    assert results[0].metrics["analyst_on_duty_hours"] >= 7 * 40


def test_exact_tie_at_shift_end_follows_the_arithmetic(mmc):
    """6-minute assessments fill an 8-hour shift exactly: 80 a day, not 81 (float drift)."""
    _, results, _ = one_analyst_fixed_time(mmc, 6)
    days = np.arange(14)
    for r in results:
        assessed = r.timeseries["assessed"]
        # 200 reports a day keep a queue, so every weekday is exactly 8 h / 6 min = 80
        # (without the 1e-9 h tolerance, accumulated float time lets an 81st start at 15:59:59.99)
        assert assessed[days % 7 < 5].tolist() == [80] * 10
        assert r.metrics["analyst_on_duty_hours"] == pytest.approx(2 * 40)


def test_assessment_longer_than_the_gap_between_shifts(mmc):
    """30-hour assessments on 08:00-16:00 run through whole shifts; time is never counted twice."""
    _, results, _ = one_analyst_fixed_time(
        mmc, 30 * 60, schedule={"days": "daily", "start": "08:00", "end": "16:00"}
    )
    for r in results:
        m = r.metrics
        # Mon 08 -> Tue 14, Tue 14 -> Wed 20 (Wednesday's shift passes inside it), Thu 08 -> Fri 14,
        # Fri 14 -> Sat 20, Sun 08 -> Mon 14, ... and the on-duty time includes every off-roster hour
        assert m["analyst_utilisation"] == pytest.approx(1.0)
        assert m["analyst_assessing_hours"] <= 14 * 24
        assert m["reports_assessed"] == r.timeseries["assessed"].sum()
        # two back to back, then idle to the next 08:00: 9 of them end within 14 days
        assert m["reports_assessed"] == 9

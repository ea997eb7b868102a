"""Rosters: work happens only on shift, work in progress is finished, shifts cross midnight."""

import numpy as np
import pytest

from sim.scenario.roster import WeeklyShift, build_rosters, check_team_fits, parse_clock_hours, parse_days
from sim.scenario.schema import scenario_from_dict
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


def scenario_with(schedule, count=2, horizon_days=7):
    return scenario_from_dict(
        {
            "scenario": {"name": "x", "horizon_days": horizon_days},
            "intake": {"sources": {"a": {"reports_per_day": 1.0, "actionable_share": 0.5}}},
            "analysts": {"count": count, "schedule": schedule},
            "assessment": {"time_minutes": {"dist": "fixed", "value": 5.0}},
        }
    )


def test_shift_crossing_midnight():
    analysts = scenario_with({"days": "sun", "start": "22:00", "end": "06:00"}).analysts
    # over two weeks: Monday 00-06 (the shift that began before day 0), then Sunday 22 -> Monday 06
    assert analysts.rosters(14 * 24)[0] == [(0.0, 6.0), (166.0, 174.0), (334.0, 336.0)]


def test_whole_day_shift():
    analysts = scenario_with({"days": "sat,sun", "start": "00:00", "end": "24:00"}).analysts
    assert analysts.rosters(7 * 24)[0] == [(120.0, 168.0)]


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
    big = build_rosters([early, late], 10, 7 * 24)
    assert all(len(r) == 5 and all(e - s == 8 for s, e in r) for r in big)  # nobody works 16 h
    assert {r[0][0] % 24 for r in big} == {6, 14}  # and each keeps their own shift all week
    assert all(len({s % 24 for s, _ in r}) == 1 for r in big)
    small = build_rosters([early, late], 5, 7 * 24)
    assert all(r == [(d * 24 + 6, d * 24 + 22) for d in range(5)] for r in small)


def test_overlapping_shifts_may_not_exceed_the_team():
    a = WeeklyShift(days=(0,), start_hour=8, length_hours=8, analysts=3)
    b = WeeklyShift(days=(0,), start_hour=12, length_hours=8, analysts=3)
    check_team_fits([a, b], 6)
    with pytest.raises(ValueError, match=r"need 6 on mon at 12:00"):
        check_team_fits([a, b], 5)


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1), (1, 2, 0)])
def test_any_order_of_shifts_that_fits_is_accepted(order):
    """At most 2 on duty at once, so 2 analysts suffice whatever the order of the tables."""
    shifts = [
        {"days": "mon-wed", "start": "08:00", "end": "16:00", "analysts": 1},
        {"days": "thu-fri", "start": "08:00", "end": "16:00", "analysts": 1},
        {"days": "mon-fri", "start": "08:00", "end": "16:00", "analysts": 1},
    ]
    analysts = scenario_with([shifts[i] for i in order], count=2).analysts
    rosters = analysts.rosters(7 * 24)
    assert sorted(len(r) for r in rosters) == [5, 5]


def test_rosters_never_exceed_the_stated_numbers():
    shifts = [
        {"days": "daily", "start": "06:00", "end": "14:00", "analysts": 3},
        {"days": "mon-fri", "start": "10:00", "end": "18:00", "analysts": 4},
        {"days": "daily", "start": "14:00", "end": "22:00", "analysts": 3},
        {"days": "fri-sun", "start": "22:00", "end": "06:00", "analysts": 2},
    ]
    rosters = scenario_with(shifts, count=7, horizon_days=21).analysts.rosters(21 * 24)
    for hour in np.arange(0.5, 21 * 24, 1.0):
        on_duty = sum(any(s <= hour < e for s, e in r) for r in rosters)
        day, clock = int(hour // 24) % 7, hour % 24
        expected = 3 * (6 <= clock < 14) + 3 * (14 <= clock < 22)
        expected += 4 * (day < 5 and 10 <= clock < 18)
        expected += 2 * ((day >= 4 and clock >= 22) or (day in (0, 5, 6) and clock < 6))
        assert on_duty == expected, (hour, on_duty, expected)


@pytest.mark.pure_model
def test_last_minute_arrival_wakes_an_analyst_still_on_shift(mmc):
    """A report arriving as one analyst's shift ends is taken by a colleague still on duty."""
    import simpy

    from sim.model.hotline import HotlineModel
    from sim.model.streams import Streams

    data = with_changes(
        mmc(2, 0.5, 1, 0, 2, 1),
        analysts={
            "count": 2,
            "schedule": [
                {"days": "mon", "start": "08:00", "end": "16:00", "analysts": 1},
                {"days": "mon", "start": "08:00", "end": "20:00", "analysts": 1},
            ],
        },
    )
    data["intake"]["sources"]["public"]["reports_per_day"] = 0.0
    env = simpy.Environment()
    model = HotlineModel(env, scenario_from_dict(data), Streams(1, 0))
    starts = []
    model.recorder.started = lambda report, now, service, overrun, team: starts.append(now)

    def arrive_at_end_of_first_shift():
        yield env.timeout(16.0)
        model.queue.append((16.0, 0.1, False, 0, 1.0, 0))
        idle = model.teams[0].idle
        idle.pop(next(iter(idle))).fire()  # the first idle analyst: the 16:00 one

    env.process(arrive_at_end_of_first_shift())
    env.run(until=24.0)
    assert starts == [16.0]


def test_shift_without_a_number_scales_with_the_team(mmc):
    data = with_changes(mmc(13, 0.5, 7, 0, 2, 1), analysts={"count": 7, "schedule": WEEKDAY_SHIFT})
    scenario, results, _ = simulate(data)
    assert len([r for r in scenario.analysts.rosters(7 * 24) if r]) == 7
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

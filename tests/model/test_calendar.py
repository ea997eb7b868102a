"""`scenario.start_date`: day 0 on its real weekday (shifts, the weekly profile, the plots), holidays
as dates, and a `date` column in timeseries.csv and periods.csv.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import tomli_w

from sim.experiments.execution import run_replications
from sim.scenario.schema import scenario_from_dict
from tests.conftest import hotline_sim_here, mmc_dict


def weekday_team(start: str | None, holidays: list | None = None) -> dict:
    data = mmc_dict(3, 0.5, 14, 0, 2, 4)
    data["intake"]["sources"]["public"]["reports_per_day"] = 200.0
    data["analysts"]["schedule"] = {"days": "mon-fri", "start": "08:00", "end": "16:00"}
    if start is not None:
        data["scenario"]["start_date"] = start
    if holidays is not None:
        data["analysts"]["holidays"] = holidays
    return data


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_friday_start_works_on_day_0_and_not_on_days_1_and_2(tmp_path: Path) -> None:
    """1 January 2021 is a Friday: a Monday-to-Friday team assesses on day 0, nothing on the
    weekend (days 1 and 2), and again on Monday (day 3); timeseries.csv dates day 1 2021-01-02."""
    (tmp_path / "friday.toml").write_text(tomli_w.dumps(weekday_team("2021-01-01")), encoding="utf-8")
    done = hotline_sim_here(
        "run", tmp_path / "friday.toml", "--out", tmp_path / "out", "--no-plots", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    series = rows(tmp_path / "out" / "timeseries.csv")
    assert list(series[0])[:3] == ["day", "date", "arrivals"]
    assessed = [float(r["assessed"]) for r in series]
    assert assessed[0] > 0 and assessed[1] == 0 and assessed[2] == 0 and assessed[3] > 0
    assert series[1]["date"] == "2021-01-02" and series[0]["date"] == "2021-01-01"
    assert [float(r["assessed"]) for r in series[8:10]] == [0, 0]  # the next weekend, 9 and 10 January
    periods = rows(tmp_path / "out" / "periods.csv")
    assert [r["date"] for r in periods] == ["2021-01-01", "2021-01-08"]


def test_without_a_start_date_day_0_is_a_monday_and_no_date_column(tmp_path: Path) -> None:
    (tmp_path / "plain.toml").write_text(tomli_w.dumps(weekday_team(None)), encoding="utf-8")
    done = hotline_sim_here(
        "run", tmp_path / "plain.toml", "--out", tmp_path / "out", "--no-plots", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    series = rows(tmp_path / "out" / "timeseries.csv")
    assert "date" not in series[0]
    assessed = [float(r["assessed"]) for r in series]
    assert (
        all(a > 0 for a in assessed[:5]) and assessed[5] == 0 and assessed[6] == 0
    )  # Mon-Fri, then the weekend


def test_a_monday_start_gives_the_numbers_of_no_start_date() -> None:
    """4 January 2021 is a Monday: the replications are those of a file without a start date."""
    with_date = run_replications(scenario_from_dict(weekday_team("2021-01-04")), 2, 4)
    without = run_replications(scenario_from_dict(weekday_team(None)), 2, 4)
    np.testing.assert_equal([r.metrics for r in with_date], [r.metrics for r in without])  # (NaN = NaN)


def test_the_weekly_profile_follows_the_real_weekdays() -> None:
    """A profile with (almost) no reports on Sundays: from a Wednesday start, day 4 is the Sunday."""
    data = mmc_dict(3, 0.5, 14, 0, 2, 5)
    data["intake"]["weekly_profile"] = [1, 1, 1, 1, 1, 1, 1e-6]
    data["scenario"]["start_date"] = date(2021, 1, 6)  # a Wednesday, as a TOML date
    results = run_replications(scenario_from_dict(data), 2, 5)
    arrivals = results[0].timeseries["arrivals"]
    assert arrivals[4] == 0 and arrivals[11] == 0 and min(arrivals[:4]) > 50 and arrivals[5] > 50


def test_holidays_as_dates_are_the_same_as_day_numbers() -> None:
    by_date = scenario_from_dict(weekday_team("2021-01-01", ["2021-01-04", date(2021, 1, 8)]))
    by_number = scenario_from_dict(weekday_team("2021-01-01", [3, 7]))
    assert by_date.analysts.holidays == [3, 7] == by_number.analysts.holidays
    assessed = run_replications(by_date, 2, 4)[0].timeseries["assessed"]
    assert assessed[3] == 0 and assessed[7] == 0 and assessed[4] > 0


@pytest.mark.parametrize(
    ("start", "holidays", "key", "words"),
    [
        (
            "2021-13-01",
            None,
            "scenario.start_date",
            "expected a calendar date, got '2021-13-01' (no such day)",
        ),
        ("1 Jan 2021", None, "scenario.start_date", "expected a date YYYY-MM-DD"),
        (20210101, None, "scenario.start_date", "expected a valid date"),
        ("1980-01-01", None, "scenario.start_date", "expected a date from 1990-01-01 to 2100-12-31"),
        (None, ["2021-01-04"], "analysts.holidays[0]", "a date (2021-01-04) needs scenario.start_date"),
        (
            "2021-01-01",
            [2, "2020-12-25"],
            "analysts.holidays[1]",
            "expected a date on or after scenario.start_date (2021-01-01)",
        ),
        ("2021-01-01", ["Christmas"], "analysts.holidays[0]", "expected a day number or a date YYYY-MM-DD"),
    ],
)
def test_bad_dates_are_exit_2_naming_the_key(
    tmp_path: Path, start: object, holidays: list | None, key: str, words: str
) -> None:
    data = weekday_team(None, holidays)
    if start is not None:
        data["scenario"]["start_date"] = start
    (tmp_path / "bad.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    done = hotline_sim_here("run", tmp_path / "bad.toml", "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"{key}: {words}" in done.stderr
    assert not (tmp_path / "out").exists()
    checked = hotline_sim_here("check", tmp_path / "bad.toml", cwd=tmp_path)
    assert checked.returncode == 2 and key in checked.stderr


def test_set_and_check_take_a_start_date(tmp_path: Path) -> None:
    (tmp_path / "plain.toml").write_text(tomli_w.dumps(weekday_team(None)), encoding="utf-8")
    done = hotline_sim_here(
        "check", tmp_path / "plain.toml", "--set", "scenario.start_date=2021-01-01", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert 'start_date = "2021-01-01"' in done.stdout or "start_date = 2021-01-01" in done.stdout
    assert "# day 0 is Friday 2021-01-01" in done.stdout
    dated = hotline_sim_here(
        "check", tmp_path / "plain.toml", "--set", "scenario.start_date=2021-01-01", "--set",
        "analysts.holidays=[3, 7]", cwd=tmp_path,
    )  # fmt: skip
    assert dated.returncode == 0, dated.stderr
    assert "holidays = [\n    2021-01-04,\n    2021-01-08,\n]" in dated.stdout  # the dates they are


def test_holidays_that_stop_a_year_before_the_end_get_a_caveat(tmp_path: Path) -> None:
    """One year's bank holidays in a run of three: `check` and the scenario say that the later
    years have none; a run that ends in the listed year, or has no holidays, gets no caveat;
    without a start date, a run that ends within a year of the last holiday gets none."""
    data = weekday_team("2021-01-01", ["2021-04-02", "2021-12-27"])
    data["scenario"]["horizon_days"] = 3 * 365
    caveat = scenario_from_dict(data).holidays_caveat
    assert caveat is not None
    assert "last holiday listed is on 2021-12-27" in caveat and "2023-12-31" in caveat
    data["scenario"]["horizon_days"] = 365  # the run ends on 2021-12-31, the year listed
    assert scenario_from_dict(data).holidays_caveat is None
    data["scenario"]["horizon_days"] = 365 + 31  # into January 2022, whose holidays are not listed
    assert "the run goes on to 2022-01-31" in str(scenario_from_dict(data).holidays_caveat)
    assert scenario_from_dict(weekday_team("2021-01-01")).holidays_caveat is None
    numbered = weekday_team(None, [5])
    numbered["scenario"]["horizon_days"] = 800
    assert "on day 5, and the run goes on to day 799" in str(scenario_from_dict(numbered).holidays_caveat)
    data["scenario"]["horizon_days"] = 3 * 365
    (tmp_path / "long.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    done = hotline_sim_here("check", tmp_path / "long.toml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "note: analysts.holidays: the last holiday listed is on 2021-12-27" in done.stderr


def test_moving_the_start_date_keeps_the_holidays_on_their_dates() -> None:
    """Holidays are dates: a new `scenario.start_date` (by --set or `with_values`) keeps them on
    their dates and drops those before the new day 0; given together with the start date, day
    numbers count from the new one."""
    spec = scenario_from_dict(weekday_team("2021-01-01", ["2021-01-04", "2021-04-02"]))
    later = spec.with_values({"scenario.start_date": "2021-03-01"})
    assert [later.scenario.date_of_day(d) for d in later.analysts.holidays] == [date(2021, 4, 2)]
    earlier = spec.with_values({"scenario.start_date": date(2020, 12, 28)})
    assert [earlier.scenario.date_of_day(d) for d in earlier.analysts.holidays] == [
        date(2021, 1, 4), date(2021, 4, 2),
    ]  # fmt: skip
    both = spec.with_values({"scenario.start_date": "2021-03-01", "analysts.holidays": [3]})
    assert both.analysts.holidays == [3]
    assert spec.with_values({"analysts.count": 4}).analysts.holidays == spec.analysts.holidays

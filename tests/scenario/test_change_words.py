"""The what-if line ("changed from the scenario file: ...") says what the planner changed, in words."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

import tomli_w

from sim.scenario.changes import change_words, changed_from_file
from sim.scenario.schema import load_scenario
from tests.conftest import REPO, mmc_dict

YEAR_2021 = REPO / "scenarios" / "year-2021.toml"
BASELINE_2018 = REPO / "scenarios" / "baseline-2018.toml"


def words(path, overrides: dict) -> str:
    return change_words(changed_from_file(load_scenario(path).with_values(overrides), path))


def test_a_new_start_date_is_one_change_not_every_holidays_day_number() -> None:
    """Holidays are dates: a new start date moves all their day numbers, and drops those before
    it, which is no change of the planner's."""
    assert words(YEAR_2021, {"scenario.start_date": "2021-12-03"}) == "start date 2020-12-04 → 2021-12-03"
    assert words(YEAR_2021, {"scenario.start_date": "2021-01-08"}) == "start date 2020-12-04 → 2021-01-08"


def test_holidays_changed_on_purpose_read_as_the_dates_added_and_removed() -> None:
    scenario = load_scenario(YEAR_2021)
    listed = len(scenario.analysts.holidays)
    assert words(YEAR_2021, {"analysts.holidays": ["2021-04-02", "2021-04-05"]}).startswith(
        f"holidays {listed} days → 2 days (removed [2020-12-25, 2020-12-28, 2021-01-01, 2021-05-03, "
    )
    moved = words(YEAR_2021, {"scenario.start_date": "2021-01-08", "analysts.holidays": []})
    assert moved.startswith(
        f"start date 2020-12-04 → 2021-01-08; holidays {listed} days → 0 days (removed [2020-12-25"
    )
    # one day moved in the middle of the list: the same count, so the days say what changed
    days = [str(scenario.scenario.start_date + timedelta(days=d)) for d in scenario.analysts.holidays]
    days[5] = "2021-05-04"
    assert words(YEAR_2021, {"analysts.holidays": days}) == (
        f"holidays {listed} days → {listed} days (added [2021-05-04]; removed [2021-05-03])"
    )


def test_a_start_date_set_on_a_file_without_one_keeps_the_holidays_day_numbers(tmp_path: Path) -> None:
    """A file without a start date gives its holidays as day numbers; they stay those days."""
    data = tomllib.loads(YEAR_2021.read_text(encoding="utf-8"))
    data["scenario"].pop("start_date")
    data["analysts"]["holidays"] = [21, 24, 28, 119]
    path = tmp_path / "undated.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    assert words(path, {"scenario.start_date": "2021-01-08"}) == "start date (not set) → 2021-01-08"


def test_without_a_start_date_holidays_stay_day_numbers(tmp_path: Path) -> None:
    path = tmp_path / "mmc.toml"
    path.write_text(tomli_w.dumps(mmc_dict(3, 0.8, 20, 1, 2, 4)), encoding="utf-8")
    assert words(path, {"analysts.holidays": [3, 10]}) == "holidays [] → [3, 10]"


def test_a_key_deeper_than_section_and_name_says_every_part() -> None:
    assert (
        words(YEAR_2021, {"dedup.hash_match_share.start": 0.143})
        == "dedup: hash match share, start 0.113 → 0.143"
    )

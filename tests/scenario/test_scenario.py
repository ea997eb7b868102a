"""The scenario object: defaults, immutability, round trip, dotted-key overrides."""

import pydantic
import pytest

from sim.scenario.schema import load_scenario, scenario_from_dict
from sim.scenario.section import ScenarioError
from tests.conftest import REPO

SCENARIOS = REPO / "scenarios"


@pytest.mark.parametrize("name", ["baseline-2018.toml", "mmc-check.toml"])
def test_bundled_scenarios_round_trip(name):
    scenario = load_scenario(SCENARIOS / name)
    assert scenario_from_dict(scenario.to_dict()) == scenario


def test_defaults_are_off(mmc):
    scenario = scenario_from_dict(mmc(2, 0.5, 3, 0, 2, 1))
    assert scenario.dedup.duplicate_share == scenario.dedup.hash_match_share == 0
    assert scenario.intake.weekly_profile is None and scenario.intake.hourly_profile is None
    assert scenario.intake.growth_per_year == 0 and scenario.intake.volume_multiplier == 1
    assert scenario.sla.assessment_hours == 24


def test_default_team_is_13_on_weekday_shifts(mmc):
    data = mmc(2, 0.5, 3, 0, 2, 1)
    del data["analysts"]
    analysts = scenario_from_dict(data).analysts
    assert analysts.count == 13
    rosters = analysts.rosters(7 * 24)
    assert len(rosters) == 13 and all(r == [(d * 24 + 8, d * 24 + 16) for d in range(5)] for r in rosters)


def test_scenario_is_immutable(mmc):
    scenario = scenario_from_dict(mmc(2, 0.5, 3, 0, 2, 1))
    with pytest.raises(pydantic.ValidationError):
        scenario.analysts.count = 3


def test_overrides_by_dotted_key(mmc):
    scenario = scenario_from_dict(mmc(2, 0.5, 3, 0, 2, 1))
    changed = scenario.with_values({"analysts.count": 17, "takedown.hosts[1].removal_hours.mean": 9.5})
    assert changed.analysts.count == 17
    assert changed.takedown.hosts[1].removal_hours.mean == 9.5
    assert scenario.analysts.count == 2  # the original is untouched
    with pytest.raises(ScenarioError, match=r"takedown\.hosts\[0\]\.share"):
        scenario.with_values({"takedown.hosts[0].share": 2.0})
    with pytest.raises(KeyError):
        scenario.with_values({"takedown.hosts[7].share": 0.5})


def test_fractional_days_are_allowed(mmc):
    data = mmc(2, 0.5, 3, 0, 2, 1)
    data["scenario"].update(horizon_days=10.5, warmup_days=0.25)
    scenario = scenario_from_dict(data)
    assert scenario.horizon_hours == 252.0 and scenario.warmup_hours == 6.0


def test_name_defaults_to_the_file_name(tmp_path, mmc):
    import tomli_w

    data = mmc(2, 0.5, 3, 0, 2, 1)
    del data["scenario"]["name"]
    path = tmp_path / "my plan (v2).toml"
    path.write_text(tomli_w.dumps(data))
    assert load_scenario(path).scenario.name == "my plan -v2-"
    assert scenario_from_dict(data).scenario.name == "scenario"

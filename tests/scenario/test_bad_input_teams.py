"""Bad input for the team keys (`[teams.NAME]`, `takedown.recheck_team`): every case starts from one
valid file with three teams, breaks one thing, and expects the message to name the file and the
key path (format in sim/scenario/wording.py); a few go through `hotline-sim run` for exit 2.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sim.scenario.schema import load_scenario
from sim.scenario.section import ScenarioError
from tests.conftest import hotline_sim_here
from tests.scenario_edits import EXIT_INVALID, assert_invalid_message, broken_file, put, write_scenario

TEAMS: dict[str, Any] = {
    "scenario": {"name": "teams", "horizon_days": 4, "warmup_days": 1, "replications": 2, "seed": 7},
    "intake": {
        "sources": {
            "public": {"reports_per_day": 300.0, "actionable_share": 0.5},
            "referral": {"reports_per_day": 40.0, "actionable_share": 0.8},
            "search": {
                "kind": "proactive",
                "actionable_share": 0.6,
                "search_share": 0.2,
                "finds_per_search_hour": 1.5,
            },
        },
    },
    "teams": {
        "triage": {"count": 4, "skills": ["public"], "speed": 1.5, "schedule": "24/7"},
        "analysts": {"count": 6, "skills": ["public", "referral", "search"], "absence_share": 0.05},
        "taskforce": {"count": 0, "skills": ["referral"], "changes": [{"day": 2, "count_delta": 3}]},
    },
    "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
    "takedown": {
        "hosts": [
            {
                "country": "A",
                "share": 1.0,
                "route": "direct",
                "removal_hours": {"dist": "exponential", "mean": 10.0},
            }
        ],
        "follow_up_hours": 24.0,
        "recheck_team": "analysts",
    },
}


def team(name: str, *steps: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    return put("teams", name, *steps, value=value)


def both_kinds(data: dict[str, Any]) -> None:
    data["analysts"] = {"count": 13}


def nobody_for_referral(data: dict[str, Any]) -> None:
    del data["teams"]["taskforce"]
    data["teams"]["analysts"]["skills"] = ["public", "search"]


def taskforce_never_hires(data: dict[str, Any]) -> None:
    data["teams"]["taskforce"]["changes"] = []
    data["teams"]["analysts"]["skills"] = ["public", "search"]


CASES = [
    (
        "unknown-skill",
        team("triage", "skills", value=["public", "publik"]),
        "teams.triage.skills[1]",
        "expected one of the sources (public, referral, search), got 'publik'",
    ),
    (
        "skill-twice",
        team("triage", "skills", value=["public", "public"]),
        "teams.triage.skills",
        "expected each source once, got 'public' again",
    ),
    ("no-skills", team("triage", "skills", value=[]), "teams.triage.skills", "at least 1"),
    ("skills-not-a-list", team("triage", "skills", value="public"), "teams.triage.skills", "expected a list"),
    ("speed-zero", team("triage", "speed", value=0), "teams.triage.speed", "greater than or equal to 0.1"),
    ("speed-too-fast", team("triage", "speed", value=50), "teams.triage.speed", "less than or equal to 10"),
    ("count-negative", team("triage", "count", value=-1), "teams.triage.count", "greater than or equal to 0"),
    ("team-unknown-key", team("triage", "skils", value=["public"]), "teams.triage.skils", "did you mean"),
    ("team-bad-name", put("teams", "tri age", value={"count": 2}), "teams", "team names of letters"),
    ("both-analysts-and-teams", both_kinds, "analysts", "not both"),
    ("source-no-team", nobody_for_referral, "teams", "no team may assess 'referral'"),
    (
        "sole-team-empty",
        taskforce_never_hires,
        "teams.taskforce.count",
        "'taskforce' is the only team skilled for 'referral', and it has 0 analysts and no hires",
    ),
    (
        "recheck-team-unknown",
        put("takedown", "recheck_team", value="night"),
        "takedown.recheck_team",
        "expected one of the teams (triage, analysts, taskforce), got 'night'",
    ),
    (
        "team-holiday-date-without-start",
        team("triage", "holidays", value=["2021-01-01"]),
        "teams.triage.holidays[0]",
        "needs scenario.start_date",
    ),
    (
        "team-shifts-too-many",
        team("triage", "schedule", value={"days": "daily", "start": "08:00", "end": "16:00", "analysts": 5}),
        "teams.triage.schedule",
        "4",
    ),
    ("no-teams", put("teams", value={}), "teams", "at least 1"),
]


def test_the_valid_file_is_valid(tmp_path: Path) -> None:
    scenario = load_scenario(write_scenario(tmp_path / "teams.toml", TEAMS))
    assert [spec.name for spec in scenario.team_specs] == ["triage", "analysts", "taskforce"]
    assert scenario.team_specs[0].skills == ("public",) and scenario.team_specs[0].speed == 1.5
    assert scenario.recheck_team_of_source() == [1, 1, 1]
    assert scenario.analysts is None


@pytest.mark.parametrize(("case_id", "mutate", "key", "fragment"), [pytest.param(*c, id=c[0]) for c in CASES])
def test_invalid_team_key_is_rejected(
    tmp_path: Path, case_id: str, mutate: Callable, key: str, fragment: str
):
    path = broken_file(tmp_path, case_id, TEAMS, mutate)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert_invalid_message(str(caught.value), str(path), key, fragment, None)


@pytest.mark.parametrize(
    "case_id", ["unknown-skill", "both-analysts-and-teams", "source-no-team", "sole-team-empty"]
)
def test_run_exits_2_naming_the_key_and_writes_nothing(tmp_path: Path, case_id: str) -> None:
    mutate, key = next((c[1], c[2]) for c in CASES if c[0] == case_id)
    path = broken_file(tmp_path, case_id, TEAMS, mutate)
    result = hotline_sim_here("run", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, result.stderr
    assert f"  {key}: " in result.stderr
    assert not (tmp_path / "out" / "summary.csv").exists()


def test_set_on_an_analysts_key_of_a_teams_file_is_refused(tmp_path: Path) -> None:
    """`--set analysts.count=15` on a file with teams would add a second kind of team: refused."""
    path = write_scenario(tmp_path / "teams.toml", TEAMS)
    result = hotline_sim_here("check", path, "--set", "analysts.count=15", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID
    assert "not both" in result.stderr


def test_recheck_team_of_a_one_team_file_is_analysts(tmp_path: Path) -> None:
    data = copy.deepcopy(TEAMS)
    data["analysts"] = {"count": 5}
    del data["teams"]
    assert load_scenario(write_scenario(tmp_path / "one.toml", data)).recheck_team_of_source() == [0, 0, 0]
    data["takedown"]["recheck_team"] = "triage"
    with pytest.raises(ScenarioError, match="expected one of the teams \\(analysts\\)"):
        load_scenario(write_scenario(tmp_path / "two.toml", data))


@pytest.mark.parametrize(
    "arguments",
    [
        ["run", "--set", "teams.triages.count=18", "-n", "2"],
        ["sweep", "--vary", "teams.triages.count=2,3", "-n", "2"],
    ],
    ids=["set", "vary"],
)
def test_a_misspelt_team_on_the_command_line_is_refused(tmp_path: Path, arguments: list[str]) -> None:
    """Every team key has a default, so `teams.triages.count` (the team is `triage`) would quietly
    add a team of 13 who may assess every source: refused before anything runs, naming the team."""
    path = write_scenario(tmp_path / "teams.toml", TEAMS)
    command, *rest = arguments
    result = hotline_sim_here(command, path, *rest, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, result.stdout
    assert "teams.triages: expected one of the file's teams" in result.stderr
    assert "did you mean 'triage'" in result.stderr
    assert not (tmp_path / "out").exists()

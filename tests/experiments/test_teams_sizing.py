"""`staff` and `plan` with teams (`--key teams.T.count`), and the analytic estimate per team."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from sim.api import plan, staff
from sim.experiments.arms import ExperimentError
from sim.experiments.estimate import team_estimates
from sim.scenario.schema import load_scenario, scenario_from_dict
from sim.stats.erlang import mean_wait
from tests.conftest import hotline_sim_here
from tests.model.test_teams import disjoint, two_sources
from tests.scenario_edits import write_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_estimates_per_team_pooled_or_none():
    estimates, form = team_estimates(scenario_from_dict(disjoint(horizon_days=30, reps=3)))
    assert form.startswith("one Erlang C per team")
    waits = {name: e.wait_hours_mean for name, e in estimates}
    assert waits["one"] == pytest.approx(mean_wait(4, 0.85 * 4 * 12.0, 12.0), rel=1e-9)
    assert waits["two"] == pytest.approx(mean_wait(3, 0.8 * 3 * 24.0, 24.0), rel=1e-9)
    pooled = two_sources(40.0, 30.0, 30, 3, 1, big={"count": 5}, small={"count": 3})
    estimates, form = team_estimates(scenario_from_dict(pooled))
    assert form.startswith("one pooled Erlang C") and len(estimates) == 1
    assert estimates[0][1].wait_hours_mean == pytest.approx(mean_wait(8, 70.0, 12.0), rel=1e-9)
    mixed = two_sources(40.0, 30.0, 30, 3, 1, big={"count": 5}, small={"count": 3, "skills": ["a"]})
    estimates, form = team_estimates(scenario_from_dict(mixed))
    assert estimates == [] and form.startswith("no closed form applies")


def test_staff_sizes_one_team_and_leaves_the_other():
    """Team two's size for source b's mean wait: 3 analysts at speed 2 give Erlang C 0.045 h, 2 are
    overloaded (rho 1.2), so the answer to <= 0.06 h is 3; team one is not touched. 8 measured days
    (3 replications) put the CI at 3 within the target (to about 0.05 h)."""
    done = staff(
        scenario_from_dict(disjoint(horizon_days=10, reps=3)),
        "wait_hours_mean_source_b<=0.06",
        low=1,
        high=6,
        key="teams.two.count",
    )
    assert done.answer == 3
    assert done.erlang_estimate == 3  # team two's own Erlang C, on source b's demand
    assert {t.analysts for t in done.trials} >= {2, 3}
    met = {t.analysts: t.meets_target for t in done.trials}
    assert met[3] and not met[2]


def test_staff_on_a_teams_file_asks_for_the_team():
    with pytest.raises(ExperimentError, match="name the team to size, e.g. --key teams.one.count"):
        staff(scenario_from_dict(disjoint(horizon_days=30, reps=3)), "wait_hours_mean<=1")
    with pytest.raises(ExperimentError, match="teams.three.count"):
        staff(
            scenario_from_dict(disjoint(horizon_days=30, reps=3)),
            "wait_hours_mean<=1",
            key="teams.three.count",
        )


@pytest.mark.slow
def test_plan_hires_into_the_named_team(tmp_path: Path):
    """Source b grows 60 % a year; team two (1 analyst, 24/7, at load 1.25 from the start) must keep
    95 % of b's reports within half an hour over the last two weeks of 2025-Q1 and the first two of
    2025-Q2 (after a day of warm-up, whose backlog the end-to-end check sees): the plan hires into
    team two, and says so."""
    data = two_sources(
        10.0,
        15.0,
        1 + 14 + 14,
        3,
        5,
        one={"count": 2, "skills": ["a"]},
        two={"count": 1, "skills": ["b"], "cost_per_year": 40000.0},
    )
    data["scenario"]["warmup_days"] = 1
    data["scenario"]["start_date"] = "2025-03-17"
    data["intake"]["growth_per_year"] = 0.6
    data["sla"] = {"assessment_hours": 0.5}
    path = write_scenario(tmp_path / "grow.toml", data)
    result = hotline_sim_here(
        "plan",
        path,
        "--key",
        "teams.two.count",
        "--target",
        "sla_assessment_share_source_b>=0.95",
        "--max",
        "12",
        "--out",
        tmp_path / "plan",
        "--no-plots",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(open(tmp_path / "plan" / "plan.csv", encoding="utf-8")))
    headcount = [int(r["headcount"]) for r in rows]
    assert headcount == sorted(headcount) and headcount[-1] > 1  # hires into team two's 1
    assert len(headcount) == 2 and int(rows[0]["hires"]) > 0
    assert "Team two today: 1 analyst" in (tmp_path / "plan" / "plan.md").read_text(encoding="utf-8")
    manifest = json.loads((tmp_path / "plan" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["key"] == "teams.two.count"
    report = hotline_sim_here("report", tmp_path / "plan", cwd=tmp_path)
    assert report.returncode == 0, report.stderr


def test_plan_api_refuses_a_key_that_is_no_team_size():
    data = disjoint(horizon_days=30, reps=3)
    data["scenario"]["start_date"] = "2025-01-01"
    with pytest.raises(ExperimentError, match="expected the size of a team of the scenario"):
        plan(scenario_from_dict(data), "wait_hours_mean<=1", key="teams.one.speed")


@pytest.mark.parametrize(
    ("team", "hours", "other"), [("analysts", 40, "hash_review"), ("taskforce", 25, "public")]
)
def test_staff_on_a_team_speaks_of_that_teams_rota_and_estimate(team: str, hours: int, other: str) -> None:
    """two-teams.toml: analysts 08:00-16:00 and the taskforce 09:30-14:30 on weekdays. Sizing one
    team, the reasons and the estimate's coverage are that team's: its own 40 or 25 hours on duty a
    week (not the two teams' average, 33), and an estimate that covers its own sources' service
    levels, not the overall one or the other team's sources."""
    from sim.experiments.staff_results import StaffResults
    from sim.experiments.targets import Target

    spec = load_scenario(ROOT / "scenarios" / "two-teams.toml")
    done = StaffResults(spec, [Target("sla_assessment_share", ">=", 0.9)], 30, [], [None], 1, 2,
                        key=f"teams.{team}.count")  # fmt: skip
    assert round(done.on_duty_hours_a_week()) == hours
    assert (
        f"each member of team {team} is on duty about {hours} of the week's 168 hours" in done.needs_more()[0]
    )
    line = done.estimate_lines()[0]
    assert "not available for sla_assessment_share" in line and f"team_utilisation_{team}" in line
    assert "overall figures" in line and "have no closed form" in line
    assert f"source_{other}" not in line

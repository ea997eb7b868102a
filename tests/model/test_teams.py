"""Teams with skills (`[teams]`): queueing theory per team and pooled, `[analysts]` as one team,
routing by skill, per-team metrics, re-checks and searching by team.

Tolerance for Erlang C as in test_theory.py: the 95 % replication CI half-width plus 3 % of the
theoretical value. Fixed seeds make every test deterministic.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from sim.experiments.execution import run_replications
from sim.scenario.schema import scenario_from_dict
from sim.stats.erlang import mean_wait
from tests.conftest import mmc_dict, simulate

RELATIVE_TOLERANCE = 0.03
SERVICE_RATE_PER_HOUR = 12.0  # 5-minute exponential assessments at speed 1


def two_sources(
    rate_a_per_hour: float,
    rate_b_per_hour: float,
    horizon_days: float,
    reps: int,
    seed: int,
    **teams: dict[str, Any],
) -> dict[str, Any]:
    """Two Poisson sources `a` and `b`, exponential 5-minute assessments, 24/7 teams."""
    data = mmc_dict(2, 0.5, horizon_days, 2, reps, seed)
    del data["analysts"]
    data["intake"]["sources"] = {
        "a": {"reports_per_day": rate_a_per_hour * 24, "actionable_share": 0.5},
        "b": {"reports_per_day": rate_b_per_hour * 24, "actionable_share": 0.5},
    }
    data["teams"] = {name: {"schedule": "24/7", **team} for name, team in teams.items()}
    return data


RATE_A, RATE_B = 0.85 * 4 * 12.0, 0.8 * 3 * 24.0  # reports an hour: rho 0.85 and 0.8 below


def disjoint(speed: float = 2.0, horizon_days: float = 36, reps: int = 8) -> dict[str, Any]:
    """Team `one` (4 analysts) takes only source a; team `two` (3 analysts at `speed`) only b. The
    default, 8 replications of 34 measured days, puts each source's CI half-width within about 7 %
    of its Erlang C wait: the check's tolerance is about 10 % of theory, far below the factor of
    2.5 a team at the wrong speed (1.8 for 2) makes."""
    return two_sources(RATE_A, RATE_B, horizon_days, reps, 11, one={"count": 4, "skills": ["a"]},
                       two={"count": 3, "skills": ["b"], "speed": speed})  # fmt: skip


@pytest.mark.slow  # a long statistical test: CI runs it (pyproject.toml)
def test_disjoint_teams_each_agree_with_their_own_erlang_c():
    """Team `one` (4 analysts) only takes source a, team `two` (3 analysts at speed 2) only source b:
    two independent M/M/c queues, each source's mean wait its own team's Erlang C."""
    _, _, summary = simulate(disjoint())
    for source, servers, lam, mu in (("a", 4, RATE_A, 12.0), ("b", 3, RATE_B, 24.0)):
        theory = mean_wait(servers, lam, mu)
        s = summary[f"wait_hours_mean_source_{source}"]
        assert abs(s.mean - theory) <= s.half_width + RELATIVE_TOLERANCE * theory, (source, s, theory)
    # each team assesses only its own source's reports, at its own utilisation
    assert summary["reports_assessed_team_one"].mean == summary["reports_assessed_source_a"].mean
    assert summary["reports_assessed_team_two"].mean == summary["reports_assessed_source_b"].mean
    for team, rho in (("one", 0.85), ("two", 0.8)):
        util = summary[f"team_utilisation_{team}"]
        assert abs(util.mean - rho) <= util.half_width + 0.01, (team, util)


@pytest.mark.slow  # a long statistical test: CI runs it (pyproject.toml)
def test_the_check_would_see_a_team_at_the_wrong_speed():
    """The tolerance tells speed 2 from speed 1.8 for team two: source b waits about 0.11 h, not Erlang
    C's 0.045 h, far outside its tolerance (about 0.014 h) even in a third of the check's run (10
    measured days, the same 8 replications; a shorter run's CI is wider, so the test is no easier
    than at the check's length)."""
    _, _, summary = simulate(disjoint(speed=1.8, horizon_days=12))
    theory = mean_wait(3, RATE_B, 24.0)
    s = summary["wait_hours_mean_source_b"]
    assert abs(s.mean - theory) > s.half_width + RELATIVE_TOLERANCE * theory


@pytest.mark.slow  # a long statistical test: CI runs it (pyproject.toml)
def test_teams_with_the_same_skills_and_speed_are_one_pooled_erlang_c():
    """Teams of 5 and 3 who may both take every report: one M/M/8 queue (8 replications of 28
    measured days: a CI half-width of about 6 % of Erlang C's wait)."""
    lam = 0.88 * 8 * 12.0
    data = two_sources(lam * 0.6, lam * 0.4, 30, 8, 12, big={"count": 5}, small={"count": 3})
    _, _, summary = simulate(data)
    theory = mean_wait(8, lam, SERVICE_RATE_PER_HOUR)
    s = summary["wait_hours_mean"]
    assert abs(s.mean - theory) <= s.half_width + RELATIVE_TOLERANCE * theory, (s, theory)
    util = summary["analyst_utilisation"]
    assert abs(util.mean - 0.88) <= util.half_width + 0.01
    # the overall metrics are over all teams: assessments and on-duty hours add up
    assessed = summary["reports_assessed_team_big"].mean + summary["reports_assessed_team_small"].mean
    assert assessed == pytest.approx(summary["reports_assessed"].mean, rel=1e-12)
    on_duty = summary["team_on_duty_hours_big"].mean + summary["team_on_duty_hours_small"].mean
    assert on_duty == pytest.approx(summary["analyst_on_duty_hours"].mean, rel=1e-12)


@pytest.mark.slow  # a long statistical test: CI runs it (pyproject.toml)
def test_pooled_teams_are_separate_queues_when_split():
    """The same 8 analysts split 5/3 by source wait longer than pooled (the check sees routing): about 4
    times as long, so 4 replications of 28 measured days keep the two CIs far apart."""
    lam = 0.88 * 8 * 12.0
    pooled = two_sources(lam * 0.6, lam * 0.4, 30, 4, 13, big={"count": 5}, small={"count": 3})
    split = two_sources(
        lam * 0.6,
        lam * 0.4,
        30,
        4,
        13,
        big={"count": 5, "skills": ["a"]},
        small={"count": 3, "skills": ["b"]},
    )
    waits = [simulate(d)[2]["wait_hours_mean"] for d in (pooled, split)]
    assert waits[1].mean - waits[1].half_width > waits[0].mean + waits[0].half_width


def test_analysts_and_a_team_named_analysts_give_identical_results():
    """`[analysts]` is one team named `analysts` with every skill: the same numbers, to the bit,
    with absence, breaks, a viewing cap and searching (which draw from the team's streams)."""
    data = mmc_dict(6, 0.8, 30, 2, 2, 5)
    data["analysts"].update(
        absence_share=0.1, breaks={"every_minutes": 90, "length_minutes": 10}, max_viewing_hours_per_day=6.0
    )
    data["intake"]["sources"]["found"] = {
        "kind": "proactive",
        "finds_per_search_hour": 2.0,
        "search_share": 0.2,
        "actionable_share": 0.5,
    }
    as_team = copy.deepcopy(data)
    as_team["teams"] = {"analysts": as_team.pop("analysts")}
    one, team = (scenario_from_dict(d) for d in (data, as_team))
    a, b = (run_replications(s, 2, 5, 1) for s in (one, team))
    for x, y in zip(a, b, strict=True):
        shared = {k: v for k, v in y.metrics.items() if k in x.metrics}
        np.testing.assert_equal(shared, x.metrics)  # (NaN = NaN)
    assert set(b[0].metrics) - set(a[0].metrics) == {
        f"{m}analysts"
        for m in (
            "team_on_duty_hours_",
            "team_utilisation_",
            "reports_assessed_team_",
            *(
                f"time_share_{u}_team_"
                for u in ("assessing", "rechecking", "break", "searching", "other", "idle")
            ),
        )
    }


def test_only_teams_skilled_for_the_proactive_source_search():
    data = two_sources(
        20.0, 20.0, 20, 2, 3, searchers={"count": 3}, others={"count": 3, "skills": ["a", "b"]}
    )
    data["intake"]["sources"]["found"] = {
        "kind": "proactive",
        "finds_per_search_hour": 2.0,
        "search_share": 0.3,
        "actionable_share": 0.5,
    }
    scenario, results, summary = simulate(data)
    assert summary["time_share_searching_team_others"].mean == 0.0
    assert summary["time_share_searching_team_searchers"].mean > 0.2
    assert summary["reports_found"].mean > 0
    for r in results:  # each team's time shares sum to 1
        for team in ("searchers", "others"):
            shares = [
                r.metrics[f"time_share_{u}_team_{team}"]
                for u in ("assessing", "rechecking", "break", "searching", "other", "idle")
            ]
            assert sum(shares) == pytest.approx(1.0, abs=1e-9)


def test_rechecks_go_to_the_team_named_for_them():
    data = two_sources(10.0, 10.0, 20, 2, 4, one={"count": 3}, two={"count": 3})
    data["takedown"]["follow_up_hours"] = 1.0
    data["takedown"]["recheck_minutes"] = 5.0
    data["takedown"]["recheck_team"] = "two"
    _, _, summary = simulate(data)
    assert summary["rechecks"].mean > 100
    assert summary["time_share_rechecking_team_one"].mean == 0.0
    assert summary["time_share_rechecking_team_two"].mean > 0.0


def test_a_team_off_duty_leaves_its_sources_waiting():
    """Team `days` works 08:00-16:00 and alone takes source b: no report of b starts outside its
    hours, while source a, taken by a 24/7 team, waits minutes."""
    data = two_sources(
        6.0,
        6.0,
        21,
        2,
        6,
        allday={"count": 2, "skills": ["a"]},
        days={"count": 2, "skills": ["b"], "schedule": {"days": "daily", "start": "08:00", "end": "16:00"}},
    )
    _, _, summary = simulate(data)
    assert summary["wait_hours_mean_source_a"].mean < 0.2
    assert summary["wait_hours_mean_source_b"].mean > 3.0  # 16 hours a day closed: about 16 x 16/24 / 2

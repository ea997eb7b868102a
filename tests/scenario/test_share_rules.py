"""Shares that change over time (`sim.scenario.share_rules`) and the empirical distribution.

A share rule is a number, a growth rule `{ start, per_year, min, max }` (start + per_year x years,
clipped to [min, max]) or (day, share) points (linear between points, flat outside); days count
from the simulation start, a year is 365 days, the model's clock is in hours. Every expected value
here is worked out by hand from that definition (the arithmetic is in the comments), never copied
from a run. The empirical distribution `{ values, cumulative }` has P(X <= values[i]) =
cumulative[i] exactly, linear in between; its draws are checked against those shares within `Z`
binomial standard errors.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter

from sim.scenario.distributions import Distribution, draw
from sim.scenario.schema import scenario_from_dict
from sim.scenario.section import ScenarioError
from sim.scenario.share_rules import (
    GrowthRule,
    PointsRule,
    breakpoint_days,
    is_constant,
    mean_share,
    share_at,
)

Z = 4.0  # standard errors allowed in a statistical check
EXACT = 1e-12
HOURS_PER_DAY = 24.0
HOURS_PER_YEAR = 365.0 * 24.0

# A small valid scenario; only its [dedup] section changes below.
BASE: dict[str, Any] = {
    "scenario": {"name": "share-rules", "horizon_days": 3, "warmup_days": 1, "replications": 2, "seed": 3},
    "intake": {"sources": {"public": {"reports_per_day": 100.0, "actionable_share": 0.5}}},
    "analysts": {"count": 2, "schedule": "24/7"},
    "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
}

# the three spellings of the same points
POINTS_TABLE = {"points": [[0, 0.05], [365, 0.1]]}
POINTS_BARE = [[0, 0.05], [365, 0.1]]
POINTS_RECORDS = [{"day": 0, "share": 0.05}, {"day": 365, "share": 0.1}]


def dedup(**shares: Any) -> Any:
    """The validated [dedup] section of BASE with these shares."""
    data = copy.deepcopy(BASE)
    data["dedup"] = shares
    return scenario_from_dict(data).dedup


def dedup_problems(**shares: Any) -> list[str]:
    data = copy.deepcopy(BASE)
    data["dedup"] = shares
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data)
    return caught.value.problems


def growth(**kwargs: float) -> GrowthRule:
    return GrowthRule(**kwargs)


def points(*pairs: tuple[float, float]) -> PointsRule:
    return PointsRule(points=[tuple(map(float, p)) for p in pairs])


def days(d: float) -> float:
    return d * HOURS_PER_DAY


def numeric_mean(rule: Any, start_hours: float, end_hours: float, steps: int = 200_000) -> float:
    """Midpoint-rule average of share_at over [start, end] (an independent check of mean_share)."""
    width = (end_hours - start_hours) / steps
    mids = start_hours + width * (np.arange(steps) + 0.5)
    return float(np.mean(share_at(rule, mids)))


# --- share_at -------------------------------------------------------------------------------------


def test_a_number_is_the_same_share_throughout() -> None:
    assert share_at(0.2, 0.0) == 0.2
    assert share_at(0.2, days(1000)) == 0.2
    values = share_at(0.2, np.array([0.0, 5.0, days(400)]))
    assert isinstance(values, np.ndarray) and values.tolist() == [0.2, 0.2, 0.2]
    assert is_constant(0.2)
    assert breakpoint_days(0.2) == [0.0]
    assert mean_share(0.2, 0.0, days(30)) == 0.2


def test_growth_rule_grows_per_year_and_is_clipped() -> None:
    """start 0.05, +0.03 a year, max 0.4: 0.05 at 0, 0.065 after half a year (4380 h), 0.08 after a
    year; it reaches 0.4 after 0.35 / 0.03 = 11.67 years (4258.33 days) and stays there."""
    rule = growth(start=0.05, per_year=0.03, max=0.4)
    assert share_at(rule, 0.0) == pytest.approx(0.05, abs=EXACT)
    assert share_at(rule, HOURS_PER_YEAR / 2) == pytest.approx(0.065, abs=EXACT)
    assert share_at(rule, HOURS_PER_YEAR) == pytest.approx(0.08, abs=EXACT)
    assert share_at(rule, 20 * HOURS_PER_YEAR) == pytest.approx(0.4, abs=EXACT)
    grid = share_at(rule, np.array([0.0, HOURS_PER_YEAR, 20 * HOURS_PER_YEAR]))
    assert grid == pytest.approx([0.05, 0.08, 0.4], abs=EXACT)
    assert breakpoint_days(rule) == pytest.approx([0.0, 0.35 / 0.03 * 365])
    assert not is_constant(rule)


def test_shrinking_rule_stops_at_its_min_and_default_bounds_are_0_and_1() -> None:
    """start 0.4, -0.365 a year (-0.001 a day), min 0.1: 0.3 on day 100, 0.1 from day 300 on.
    Without bounds, 0.5 + 0.73 a year (0.002 a day) reaches the default max 1 on day 250; 0.5 - 0.73
    a year reaches the default min 0 on day 250."""
    rule = growth(start=0.4, per_year=-0.365, min=0.1)
    assert share_at(rule, days(100)) == pytest.approx(0.3, abs=EXACT)
    assert share_at(rule, days(300)) == pytest.approx(0.1, abs=EXACT)
    assert share_at(rule, days(1000)) == pytest.approx(0.1, abs=EXACT)
    assert breakpoint_days(rule) == pytest.approx([0.0, 300.0])
    up = growth(start=0.5, per_year=0.73)
    down = growth(start=0.5, per_year=-0.73)
    assert share_at(up, days(100)) == pytest.approx(0.7, abs=EXACT)
    assert share_at(up, days(400)) == pytest.approx(1.0, abs=EXACT)
    assert share_at(down, days(400)) == pytest.approx(0.0, abs=EXACT)
    assert breakpoint_days(up) == pytest.approx([0.0, 250.0])
    assert breakpoint_days(down) == pytest.approx([0.0, 250.0])


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param(GrowthRule(start=0.3, per_year=0.0), id="no-growth"),
        pytest.param(GrowthRule(start=0.3, per_year=0.5, min=0.3, max=0.3), id="min-equals-max"),
        pytest.param(PointsRule(points=[(10.0, 0.3)]), id="one-point"),
        pytest.param(PointsRule(points=[(0.0, 0.3), (50.0, 0.3)]), id="equal-points"),
    ],
)
def test_rules_that_never_change_are_constant(rule: Any) -> None:
    assert is_constant(rule)
    for d in (0.0, 5.5, 50.0, 5000.0):
        assert share_at(rule, days(d)) == pytest.approx(0.3, abs=EXACT)
    assert mean_share(rule, days(2), days(80)) == pytest.approx(0.3, abs=EXACT)


def test_points_are_linear_between_and_flat_outside() -> None:
    """(10, 0.1), (20, 0.3), (40, 0.2): 0.1 before day 10, 0.2 on day 15, 0.25 on day 30, 0.2 after
    day 40; the breakpoints are day 0 and every point's day."""
    rule = points((10, 0.1), (20, 0.3), (40, 0.2))
    expected = {0: 0.1, 5: 0.1, 10: 0.1, 15: 0.2, 20: 0.3, 30: 0.25, 40: 0.2, 400: 0.2}
    for d, share in expected.items():
        assert share_at(rule, days(d)) == pytest.approx(share, abs=EXACT), d
    at_hours = share_at(rule, np.array([days(d) for d in expected]))
    assert at_hours == pytest.approx(list(expected.values()), abs=EXACT)
    assert not is_constant(rule)
    assert breakpoint_days(rule) == [0.0, 10.0, 20.0, 40.0]
    # within a day the share moves too (the clock is in hours): half a day after day 10, 0.11
    assert share_at(rule, days(10.5)) == pytest.approx(0.11, abs=EXACT)


# --- mean_share -----------------------------------------------------------------------------------


def test_mean_share_of_points_is_the_exact_area() -> None:
    """Over days 0-50: 0.1 x 10 + 0.2 x 10 + 0.25 x 20 + 0.2 x 10 = 10, so 10 / 50 = 0.2.
    Over days 15-30: 0.25 x 5 + 0.275 x 10 = 4, so 4 / 15."""
    rule = points((10, 0.1), (20, 0.3), (40, 0.2))
    assert mean_share(rule, 0.0, days(50)) == pytest.approx(0.2, abs=EXACT)
    assert mean_share(rule, days(15), days(30)) == pytest.approx(4 / 15, abs=EXACT)
    # an interval inside one segment: the share at its middle (day 12.5: 0.15)
    assert mean_share(rule, days(10), days(15)) == pytest.approx(0.15, abs=EXACT)


def test_mean_share_of_growth_accounts_for_the_clip() -> None:
    """start 0.1, +0.73 a year (+0.002 a day), max 0.3: 0.3 from day 100. Days 0-200: average 0.2
    for 100 days then 0.3 for 100: 0.25. Days 0-365 of start 0.05, +0.03 a year: 0.065.
    Shrinking 0.4, -0.001 a day, min 0.1 (from day 300), days 200-400: 0.15 x 100 + 0.1 x 100 over
    200 days = 0.125."""
    assert mean_share(growth(start=0.1, per_year=0.73, max=0.3), 0.0, days(200)) == pytest.approx(0.25)
    assert mean_share(growth(start=0.05, per_year=0.03), 0.0, HOURS_PER_YEAR) == pytest.approx(0.065)
    shrinking = growth(start=0.4, per_year=-0.365, min=0.1)
    assert mean_share(shrinking, days(200), days(400)) == pytest.approx(0.125)


@pytest.mark.parametrize(
    ("rule", "start_day", "end_day"),
    [
        pytest.param(growth(start=0.02, per_year=0.9, max=0.5), 3.25, 300.5, id="growth-clipped-inside"),
        pytest.param(growth(start=0.6, per_year=-2.0, min=0.05), 0.0, 365.0, id="shrinking-clipped"),
        pytest.param(points((5, 0.0), (7.5, 0.9), (30, 0.2), (31, 0.6)), 1.0, 40.0, id="points-spiky"),
        pytest.param(points((0, 0.05), (365, 0.1)), 100.0, 500.0, id="points-beyond-last"),
    ],
)
def test_mean_share_agrees_with_numeric_integration(rule: Any, start_day: float, end_day: float) -> None:
    """The midpoint rule on 200,000 steps is exact for linear pieces except where a kink falls
    inside a step: an error of at most the slope jump x step^2 / 8, far below 1e-6 here."""
    exact = mean_share(rule, days(start_day), days(end_day))
    assert exact == pytest.approx(numeric_mean(rule, days(start_day), days(end_day)), abs=1e-6)


def test_mean_share_of_an_empty_interval_is_the_share_there() -> None:
    rule = points((10, 0.1), (20, 0.3))
    assert mean_share(rule, days(15), days(15)) == pytest.approx(0.2, abs=EXACT)


# --- the three spellings of points, and validation through the scenario --------------------------


def test_points_can_be_written_three_ways() -> None:
    """A { points } table, a bare list of [day, share] pairs and a list of { day, share } tables are
    one and the same rule."""
    parsed = [
        dedup(hash_match_share=form).hash_match_share for form in (POINTS_TABLE, POINTS_BARE, POINTS_RECORDS)
    ]
    assert all(isinstance(rule, PointsRule) for rule in parsed)
    assert parsed[0] == parsed[1] == parsed[2]
    grid = np.linspace(0.0, days(500), 41)
    for rule in parsed:
        assert share_at(rule, grid) == pytest.approx(np.interp(grid / 24, [0, 365], [0.05, 0.1]), abs=EXACT)


def test_each_form_is_accepted_for_both_shares() -> None:
    section = dedup(duplicate_share={"start": 0.05, "per_year": 0.03, "max": 0.4}, hash_match_share=0.1)
    assert isinstance(section.duplicate_share, GrowthRule) and section.hash_match_share == 0.1
    assert section.duplicate_share.min == 0.0  # defaults: min 0, max 1
    section = dedup(duplicate_share=POINTS_RECORDS, hash_match_share={"start": 0.1, "per_year": -0.01})
    assert isinstance(section.duplicate_share, PointsRule)
    assert isinstance(section.hash_match_share, GrowthRule) and section.hash_match_share.max == 1.0
    plain = dedup(duplicate_share=0.1, hash_match_share=0.2)
    assert (plain.duplicate_share, plain.hash_match_share) == (0.1, 0.2)


@pytest.mark.filterwarnings("error")
def test_resolved_scenario_keeps_a_rule_valid() -> None:
    """A scenario with rules prints (to_dict, without warnings) as data that validates back to the
    same scenario."""
    data = copy.deepcopy(BASE)
    data["dedup"] = {
        "duplicate_share": POINTS_BARE,
        "hash_match_share": {"start": 0.05, "per_year": 0.03, "max": 0.4},
    }
    scenario = scenario_from_dict(data)
    assert scenario_from_dict(scenario.to_dict()) == scenario


@pytest.mark.parametrize(
    ("shares", "key", "fragment"),
    [
        pytest.param(
            {"hash_match_share": {"points": [[10, 0.05], [5, 0.1]]}}, "points", "rising", id="days-fall"
        ),
        pytest.param(
            {"hash_match_share": {"points": [[5, 0.05], [5, 0.1]]}}, "points", "rising", id="day-twice"
        ),
        pytest.param(
            {"hash_match_share": {"points": [[0, 0.05], [5, 1.1]]}}, "points[1]", "1.1", id="share-1.1"
        ),
        pytest.param({"hash_match_share": {"points": [[-1, 0.05]]}}, "points[0]", "-1", id="day-negative"),
        pytest.param({"hash_match_share": {"points": []}}, "points", "at least 1", id="no-points"),
        pytest.param({"duplicate_share": [[0, 0.05], [5, -0.2]]}, "[1]", "-0.2", id="bare-share-negative"),
        pytest.param({"hash_match_share": {"start": 1.5, "per_year": 0.1}}, "start", "1.5", id="start-1.5"),
        pytest.param({"hash_match_share": {"per_year": 0.1}}, "start", "missing", id="start-missing"),
        pytest.param(
            {"hash_match_share": {"start": 0.1, "per_year": 0.1, "max": 2}}, "max", "got 2", id="max-2"
        ),
        pytest.param(
            {"duplicate_share": {"start": 0.1, "per_year": "3%"}}, "per_year", "'3%'", id="per-year-text"
        ),
        pytest.param({"duplicate_share": "5%"}, "", "growth rule", id="share-as-text"),
    ],
)
def test_malformed_rules_are_rejected_at_their_key(shares: dict[str, Any], key: str, fragment: str) -> None:
    problems = dedup_problems(**shares)
    (name,) = shares
    path = f"dedup.{name}" + (key if key.startswith("[") or not key else f".{key}")
    assert len(problems) == 1, problems
    assert problems[0].startswith(path), (path, problems)
    assert fragment in problems[0], problems


def test_min_above_max_is_rejected() -> None:
    (problem,) = dedup_problems(hash_match_share={"start": 0.1, "per_year": 0.1, "min": 0.5, "max": 0.4})
    assert problem.startswith("dedup.hash_match_share"), problem
    assert "min <= max" in problem and "0.5" in problem


# --- duplicate + hash match <= 1 at every time ---------------------------------------------------

SUM_RULE = "duplicate_share + hash_match_share <= 1"


def assert_sum_rejected(problems: list[str]) -> None:
    assert len(problems) == 1, problems
    assert problems[0].startswith("dedup.hash_match_share: "), problems
    assert SUM_RULE in problems[0], problems


def test_sum_check_catches_a_violation_that_starts_a_year_later() -> None:
    """Duplicate 0.5; hash match 0.1 + 0.5 a year up to 0.6: the sum is 0.6 on day 0 and passes 1
    after 0.8 years, far beyond this 3-day horizon: the rule must hold at every time."""
    assert_sum_rejected(
        dedup_problems(duplicate_share=0.5, hash_match_share={"start": 0.1, "per_year": 0.5, "max": 0.6})
    )
    # the same rule capped at 0.5 sums to exactly 1 from day 292 on: accepted
    dedup(duplicate_share=0.5, hash_match_share={"start": 0.1, "per_year": 0.5, "max": 0.5})


def test_sum_check_catches_a_violation_between_the_other_rules_points() -> None:
    """Duplicate falls 0.7 -> 0.3 over days 0-200 (0.5 on day 100); hash match rises 0.2 -> 0.6 over
    days 0-100, then flat: the sum is 0.9 on days 0 and 200 but 1.1 on day 100 (a point of one rule
    in the middle of the other's segment). With hash match 0.5 on day 100 it peaks at exactly 1."""
    falling = [[0, 0.7], [200, 0.3]]
    assert_sum_rejected(
        dedup_problems(duplicate_share=falling, hash_match_share=[[0, 0.2], [100, 0.6], [200, 0.6]])
    )
    dedup(duplicate_share=falling, hash_match_share=[[0, 0.2], [100, 0.5], [200, 0.6]])


def test_sum_check_follows_a_growing_duplicate_share_past_the_others_clip() -> None:
    """Hash match 0.3 + 0.002 a day, max 0.5 (from day 100); duplicate 0.5 to day 100, then rising to
    0.6 on day 300: the sum is exactly 1 on day 100 and 1.1 on day 300."""
    hash_match = {"start": 0.3, "per_year": 0.73, "max": 0.5}
    assert_sum_rejected(
        dedup_problems(duplicate_share=[[0, 0.5], [100, 0.5], [300, 0.6]], hash_match_share=hash_match)
    )
    dedup(duplicate_share=[[0, 0.5], [100, 0.5], [300, 0.5]], hash_match_share=hash_match)


def test_sum_check_with_two_growth_rules() -> None:
    """0.3 + 0.5 a year (max 0.9) and 0.1 + 0.2 a year (max 0.5): 0.4 on day 0, above 1 after
    0.6 / 0.7 years (day 313)."""
    assert_sum_rejected(
        dedup_problems(
            duplicate_share={"start": 0.3, "per_year": 0.5, "max": 0.9},
            hash_match_share={"start": 0.1, "per_year": 0.2, "max": 0.5},
        )
    )
    # both shrinking from a valid start never violate it
    dedup(
        duplicate_share={"start": 0.6, "per_year": -0.5},
        hash_match_share={"start": 0.4, "per_year": -0.2, "min": 0.1},
    )


# --- the empirical distribution -------------------------------------------------------------------

EMPIRICAL = {"dist": "empirical", "values": [0, 1, 48], "cumulative": [0, 0.52, 1]}


def empirical(spec: dict[str, Any]) -> Any:
    return TypeAdapter(Distribution).validate_python(spec)


def binomial_tolerance(p: float, n: int) -> float:
    return Z * math.sqrt(p * (1 - p) / n) + 1e-12


def test_empirical_matches_its_shares_at_and_between_points() -> None:
    """52 % within 1 (spread evenly over [0, 1]), the rest evenly over (1, 48]: P(X <= 0.5) = 0.26,
    P(X <= 1) = 0.52, P(X <= 24.5) = 0.52 + 0.48 x 23.5 / 47 = 0.76, P(X <= 48) = 1 exactly."""
    spec = empirical(EMPIRICAL)
    n = 400_000
    x = draw(spec, np.random.default_rng(20210101), n)
    assert x.shape == (n,)
    assert x.min() >= 0.0 and x.max() <= 48.0
    for limit, share in ((0.5, 0.26), (1.0, 0.52), (24.5, 0.76), (47.0, 0.52 + 0.48 * 46 / 47)):
        observed = float(np.mean(x <= limit))
        assert abs(observed - share) <= binomial_tolerance(share, n), (limit, observed, share)


@pytest.mark.slow
def test_empirical_mean_and_cv_match_draws() -> None:
    """Mean = 0.52 x 0.5 + 0.48 x 24.5 = 12.02. Second moment: 0.52 x 1/3 + 0.48 x (1 + 48 + 48^2)/3
    = 0.17333 + 376.48 = 376.65333, so sd = sqrt(376.65333 - 12.02^2) = 15.16 and cv = 1.261."""
    spec = empirical(EMPIRICAL)
    assert spec.mean_value == pytest.approx(12.02, abs=1e-12)
    second = 0.52 / 3 + 0.48 * (1 + 48 + 48**2) / 3
    sd = math.sqrt(second - 12.02**2)
    assert spec.cv_value == pytest.approx(sd / 12.02, rel=1e-12)
    n = 400_000
    x = draw(spec, np.random.default_rng(7), n)
    assert abs(x.mean() - spec.mean_value) <= Z * sd / math.sqrt(n)
    assert float(x.std()) == pytest.approx(sd, rel=0.02)
    # `scale` converts the unit (days to hours here) after drawing
    scaled = draw(spec, np.random.default_rng(7), n, 24.0)
    # (pytest.approx over 400,000 values compares them one by one in Python: seconds)
    np.testing.assert_allclose(scaled, 24.0 * x, rtol=1e-12, atol=1e-12)


def test_empirical_with_a_repeated_value_has_an_atom() -> None:
    """values 0, 1, 1, 48 with cumulative 0, 0.3, 0.52, 1: a jump of 0.22 at exactly 1."""
    spec = empirical({"dist": "empirical", "values": [0, 1, 1, 48], "cumulative": [0, 0.3, 0.52, 1]})
    n = 200_000
    x = draw(spec, np.random.default_rng(11), n)
    for observed, share in ((np.mean(x == 1.0), 0.22), (np.mean(x < 1.0), 0.3), (np.mean(x <= 1.0), 0.52)):
        assert abs(float(observed) - share) <= binomial_tolerance(share, n), (observed, share)
    assert spec.mean_value == pytest.approx(0.3 * 0.5 + 0.22 * 1.0 + 0.48 * 24.5, abs=1e-12)


def test_empirical_two_points_is_uniform() -> None:
    """values 2, 6 with cumulative 0, 1: uniform on [2, 6], mean 4, cv (4 / sqrt(12)) / 4."""
    spec = empirical({"dist": "empirical", "values": [2, 6], "cumulative": [0, 1]})
    assert spec.mean_value == pytest.approx(4.0)
    assert spec.cv_value == pytest.approx(1 / math.sqrt(12))
    x = draw(spec, np.random.default_rng(5), 100_000)
    assert x.min() >= 2.0 and x.max() <= 6.0
    assert abs(float(np.mean(x <= 3.0)) - 0.25) <= binomial_tolerance(0.25, x.size)


@pytest.mark.parametrize(
    "duplicate_rule, hash_rule",
    [
        ({"start": 0.1, "per_year": 0.0}, {"points": [[0, 0.05]]}),  # rules that never change
        ({"start": 0.3, "per_year": 0.5, "max": 0.1}, [[0, 0.05], [400, 0.05]]),  # clipped, flat points
    ],
)
def test_a_rule_that_never_changes_runs_exactly_as_its_number(duplicate_rule: Any, hash_rule: Any) -> None:
    """A constant rule (no growth, a single point, a clip from the start) is its number: the same
    gate for every report, so the runs are identical, finds included."""
    from tests.conftest import mmc_dict, simulate, with_changes

    base = with_changes(
        mmc_dict(2, 0.6, 6, 1, 2, 5),
        intake={
            "sources": {
                "public": {"reports_per_day": 200.0, "actionable_share": 0.5},
                "search": {
                    "kind": "proactive",
                    "search_share": 0.2,
                    "finds_per_search_hour": 6.0,
                    "actionable_share": 0.9,
                },
            }
        },
    )
    as_numbers = with_changes(base, dedup={"duplicate_share": 0.1, "hash_match_share": 0.05})
    as_rules = with_changes(base, dedup={"duplicate_share": duplicate_rule, "hash_match_share": hash_rule})
    _, numbers, _ = simulate(as_numbers)
    _, rules, _ = simulate(as_rules)
    assert numbers[0].metrics["reports_found"] > 0 and numbers[0].metrics["reports_fast_tracked"] > 0
    assert [repr(r.metrics) for r in rules] == [repr(r.metrics) for r in numbers]


@pytest.mark.parametrize(
    "rule",
    [
        0.25,
        {"start": 0.113, "per_year": 0.03, "max": 0.4},
        {"start": 0.5, "per_year": -0.3, "min": 0.1},
        {"points": [[10, 0.05], [100, 0.2], [365, 0.1]]},
    ],
)
def test_the_one_report_evaluator_agrees_with_share_at(rule: Any) -> None:
    """Finds and re-uploads are gated one at a time with the model's `ShareAt`; it gives
    `share_at`'s values, before, between and after the points and through the clips."""
    from sim.model.intake import ShareAt

    parsed = dedup(hash_match_share=rule).hash_match_share
    hours = np.linspace(0.0, days(3 * 365), 3001)
    at = ShareAt(parsed).at
    assert [at(float(h)) for h in hours] == pytest.approx(share_at(parsed, hours), abs=1e-15)

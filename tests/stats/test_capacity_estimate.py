"""The analytic capacity estimate (`sim.experiments.estimate.effective_capacity`) against Erlang C
and simulation."""

from __future__ import annotations

from typing import Any

import pytest

from sim.experiments.estimate import effective_capacity
from sim.scenario.schema import scenario_from_dict
from sim.stats.erlang import erlang_c, erlang_c_continuous, mean_wait
from tests.conftest import simulate

BREAKS = {"every_minutes": 60, "length_minutes": 10}


@pytest.mark.parametrize("servers", [1, 2, 5, 13, 40, 200])
@pytest.mark.parametrize("rho", [0.1, 0.7, 0.95, 0.999])
def test_continuous_erlang_c_equals_erlang_c_at_whole_servers(servers: int, rho: float) -> None:
    load = rho * servers
    assert erlang_c_continuous(servers, load) == pytest.approx(erlang_c(servers, load), rel=1e-9, abs=1e-300)


def test_continuous_erlang_c_falls_between_its_neighbours() -> None:
    """More (fractional) servers, less waiting: C decreases through 4 < x < 5."""
    load = 3.6
    values = [erlang_c_continuous(x / 10, load) for x in range(40, 51)]
    assert all(a > b for a, b in zip(values, values[1:], strict=False))
    assert values[0] == pytest.approx(erlang_c(4, load)) and values[-1] == pytest.approx(erlang_c(5, load))


def test_mmc_scenario_estimate_is_erlang_c(mmc: Any) -> None:
    scenario = scenario_from_dict(mmc(13, 0.9, 10, 1, 2, 1))
    estimate = effective_capacity(scenario)
    assert estimate.effective_analysts == pytest.approx(13)
    assert estimate.utilisation == pytest.approx(0.9)
    assert estimate.wait_hours_mean == pytest.approx(mean_wait(13, 0.9 * 13 * 12, 12), rel=1e-9)


def overloaded(analysts: dict[str, Any], minutes: dict[str, Any], days: int = 28) -> dict[str, Any]:
    """4 analysts 24/7 (unless `analysts` says otherwise), a backlog they never clear, no arrivals."""
    return {
        "scenario": {"horizon_days": days, "replications": 4, "seed": 5},
        "intake": {
            "sources": {"public": {"reports_per_day": 0.0, "actionable_share": 0.5}},
            "initial_backlog": 60000,
        },
        "analysts": {"count": 4, "schedule": "24/7", **analysts},
        "assessment": {"time_minutes": minutes},
    }


@pytest.mark.parametrize(
    "analysts",
    [
        {},
        {"breaks": BREAKS},
        {"breaks": BREAKS, "max_viewing_hours_per_day": 12},
        {"absence_share": 0.25},
        {
            "schedule": {"days": "mon-fri", "start": "08:00", "end": "16:00"},
            "breaks": {"every_minutes": 50, "length_minutes": 10},
            "max_viewing_hours_per_day": 5,
        },
    ],
)
def test_estimated_capacity_matches_simulated_throughput_under_overload(analysts: dict[str, Any]) -> None:
    """Under a standing backlog the team assesses at its capacity, which the estimate states.

    Tolerance: the replication CI plus 2 %: a break waits for the assessment in progress (with
    5-minute exponential assessments a 60-minute stretch runs about 65 minutes), which the
    estimate's break share 10 / 70 does not count (about +1 % of throughput).
    """
    data = overloaded(analysts, {"dist": "exponential", "mean": 5.0})
    scenario, _, summaries = simulate(data)
    expected = effective_capacity(scenario).capacity_reports_per_day
    simulated = summaries["assessed_per_day_mean"]
    assert abs(simulated.mean - expected) <= simulated.half_width + 0.02 * expected


def test_viewing_cap_capacity_is_exact_for_fixed_assessments() -> None:
    """1 analyst, weekdays 08:00-16:00, breaks 10/60, cap 5 h, fixed 6 minutes: 50 a weekday.

    The estimate: six breaks (09:00, 10:10, ..., 14:50) leave 7 h of each duty day; 5 duty days x
    min(7, 5) h = 25 viewing hours a week = 250 assessments a week = 250/7 a day, what two
    simulated weeks give exactly.
    """
    data = overloaded(
        {"count": 1, "schedule": {"days": "mon-fri", "start": "08:00", "end": "16:00"}, "breaks": BREAKS},
        {"dist": "fixed", "value": 6.0},
        days=14,
    )
    data["analysts"]["max_viewing_hours_per_day"] = 5.0
    scenario, results, _ = simulate(data)
    estimate = effective_capacity(scenario)
    assert estimate.capacity_reports_per_day == pytest.approx(250 / 7, rel=1e-12)
    assert estimate.viewing_cap_factor == pytest.approx(5 / 7)
    assert estimate.break_share == pytest.approx(1 / 8)
    for r in results:
        assert r.metrics["assessed_per_day_mean"] == pytest.approx(250 / 7, rel=1e-12)


def test_estimated_demand_counts_the_finds_of_a_team_that_keeps_up() -> None:
    """A weekday team with breaks and a cap that keeps up searches search_share of its available
    time (idle time included): the demand estimate (Poisson + finds, after the gate) matches the
    simulated queued reports a day within the CI plus 5 % (searching stops on days the cap is hit)."""
    data = {
        "scenario": {"horizon_days": 35, "warmup_days": 7, "replications": 4, "seed": 11},
        "intake": {
            "sources": {
                "public": {"reports_per_day": 100.0, "actionable_share": 0.3},
                "search": {
                    "kind": "proactive",
                    "actionable_share": 0.6,
                    "search_share": 0.2,
                    "finds_per_search_hour": 20.0,
                },
            }
        },
        "dedup": {"duplicate_share": 0.1},
        "analysts": {
            "count": 4,
            "schedule": {"days": "mon-fri", "start": "08:00", "end": "16:00"},
            "breaks": BREAKS,
            "max_viewing_hours_per_day": 5.0,
        },
        "assessment": {"time_minutes": {"dist": "exponential", "mean": 4.0}},
    }
    scenario, _, summaries = simulate(data)
    estimate = effective_capacity(scenario)
    queued_per_day = summaries["reports_queued"].mean / 28
    half_width = summaries["reports_queued"].half_width / 28
    assert abs(estimate.demand_reports_per_day - queued_per_day) <= half_width + 0.05 * queued_per_day
    assert summaries["reports_found"].mean > 0.3 * summaries["reports_received"].mean

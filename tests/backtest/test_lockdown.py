"""The bundled lockdown scenario: the 2020 shock (public +50 %, half the team for 4 weeks) on the
calibrated year builds a backlog during the shock that clears after it."""

import numpy as np
import pytest

from sim.experiments.execution import run_replications
from sim.scenario.schema import load_scenario
from sim.stats.summaries import summarise_metrics
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # long statistical tests: CI runs them (pyproject.toml)

SCENARIO = REPO / "scenarios" / "lockdown-2020.toml"


@pytest.fixture(scope="module")
def lockdown():
    scenario = load_scenario(SCENARIO)
    results = run_replications(scenario, 4, scenario.scenario.seed, jobs=2)
    return scenario, results, summarise_metrics(results)


def test_shock_is_the_published_one(lockdown):
    scenario, _, _ = lockdown
    (surge,) = scenario.intake.surges
    (window,) = scenario.analysts.capacity_windows
    assert (surge.multiplier, surge.sources, window.available_share) == (1.5, ["public"], 0.5)
    assert surge.start_day == window.start_day == 77  # Monday 23 March 2020, day 0 = 6 January


def test_backlog_peaks_in_the_shock_and_clears_after_it(lockdown):
    scenario, results, s = lockdown
    (surge,) = scenario.intake.surges
    for r in results:
        backlog = r.timeseries["backlog"]
        peak_day = int(np.argmax(backlog))
        assert surge.start_day <= peak_day < surge.end_day
        assert r.metrics["backlog_peak"] >= backlog.max()
        assert r.metrics["backlog_clear_days"] > 0  # still waiting when the surge ends
        before = backlog[int(surge.start_day) - 14 : int(surge.start_day)].max()
        assert r.metrics["backlog_peak"] > 5 * before
    assert s["backlog_never_cleared_replications"].mean == 0


def test_half_the_team_assesses_half_as_much(lockdown):
    """Working days in the window (backlog waiting, so the team works at its limit) against working
    days of the weeks after it, while the backlog still waits: the ratio is the available share.
    Working days: weekdays of the calendar (day 0 is `scenario.start_date`) that are not holidays
    (Good Friday and Easter Monday fall in the window)."""
    scenario, results, _ = lockdown
    (window,) = scenario.analysts.capacity_windows
    assessed = np.mean([r.timeseries["assessed"] for r in results], axis=0)
    days = np.arange(len(assessed))
    weekday = ((days + scenario.weekday_of_day0) % 7 < 5) & ~np.isin(days, scenario.analysts.holidays)
    inside = assessed[weekday & (days >= window.start_day + 7) & (days < window.end_day)].mean()
    after = assessed[weekday & (days >= window.end_day + 7) & (days < window.end_day + 35)].mean()
    assert inside / after == pytest.approx(window.available_share, abs=0.05)

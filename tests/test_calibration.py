"""The bundled 2018 scenario against the published 2018 figures (IWF annual report 2018).

One full-year run with 4 replications: reports assessed and pages removed within 5 % of the
published counts, and the weekday-only team of 13 keeps up while waiting stays visible.
"""

from pathlib import Path

import numpy as np
import pytest

from sim.output import summarise_metrics
from sim.runner import run_replications
from sim.scenario import load_scenario

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "baseline-2018.toml"
PUBLISHED_ASSESSED_2018 = 229_328
PUBLISHED_REMOVED_2018 = 105_047
PUBLISHED_UK_PAGES_2018 = 41


@pytest.fixture(scope="module")
def baseline():
    scenario = load_scenario(SCENARIO)
    results = run_replications(scenario, 4, scenario.scenario.seed, jobs=2)
    return scenario, results, summarise_metrics(results)


def test_measured_year(baseline):
    scenario, _, _ = baseline
    assert scenario.scenario.horizon_days - scenario.scenario.warmup_days == 365
    assert scenario.analysts.count == 13


def test_assessed_and_removed_within_5_percent(baseline):
    _, _, s = baseline
    assert s["reports_assessed"].mean == pytest.approx(PUBLISHED_ASSESSED_2018, rel=0.05)
    assert s["pages_removed"].mean == pytest.approx(PUBLISHED_REMOVED_2018, rel=0.05)
    actioned_share = s["reports_actionable"].mean / s["reports_assessed"].mean
    assert actioned_share == pytest.approx(0.46, abs=0.01)


def test_hosting_shares(baseline):
    _, results, _ = baseline
    for r in results:
        notices = {h["country"]: h["notices"] for h in r.hosts}
        total = sum(notices.values())
        assert notices["NL"] / total == pytest.approx(0.47, abs=0.01)
        assert notices["North America"] / total == pytest.approx(0.18, abs=0.01)
        assert (notices["NL"] + notices["Europe (other)"]) / total == pytest.approx(0.79, abs=0.01)
    uk = np.mean([h["notices"] for r in results for h in r.hosts if h["country"] == "UK"])
    assert uk == pytest.approx(PUBLISHED_UK_PAGES_2018, abs=4 * np.sqrt(PUBLISHED_UK_PAGES_2018))


def test_team_works_within_breaks_and_the_viewing_cap(baseline):
    """IWF: 10-minute breaks each hour and at most 5 hours' viewing a day shape the team's time."""
    _, results, s = baseline
    for r in results:
        m = r.metrics
        assert m["viewing_hours_per_analyst_day_max"] <= 5 + 1.0  # overrun: one assessment at most
        assert 0.10 < m["time_share_break"] < 1 / 7 + 1e-9  # 10 of every 70 minutes at most
        assert m["time_share_searching"] > 0.05 and m["time_share_other"] > 0.02  # searching; cap reached
    assert 4.0 < s["viewing_hours_per_analyst_day_mean"].mean <= 5.0
    found = s["reports_found"].mean / 365
    assert found == pytest.approx(290, rel=0.05)  # proactive about equal to public (IWF 2017)


def test_team_keeps_up_but_waiting_is_visible(baseline):
    _, results, s = baseline
    assert 0.35 < s["analyst_utilisation"].mean < 5 / 8  # at most 5 viewing hours of 8 on duty
    backlog = np.mean([r.timeseries["backlog"] for r in results], axis=0)
    arrivals_per_day = s["reports_per_day_mean"].mean
    # bounded: the backlog never exceeds about three days of arrivals, and the last weeks are no
    # higher than the first measured weeks (no growth without bound)
    assert backlog.max() < 3 * arrivals_per_day
    weeks = backlog[28 : 28 + 364].reshape(52, 7)
    assert weeks[-8:].mean() < 1.1 * weeks[:8].mean()
    # visible: reports wait hours on average, and the backlog peaks after the weekend
    assert s["wait_hours_mean"].mean > 4
    day_of_week_mean = weeks.mean(axis=0)  # measured weeks start on a Monday (day 28)
    assert day_of_week_mean[6] == day_of_week_mean.max()  # end of Sunday
    assert s["sla_assessment_share"].mean < 0.95

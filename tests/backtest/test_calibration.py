"""The bundled 2018 scenario against the published 2018 figures (IWF annual report 2018).

One full-year run with 4 replications: reports assessed and pages removed within 5 % of the
published counts, and the weekday-only team of 13 keeps up while waiting stays visible.
"""

import numpy as np
import pytest

from sim.experiments.execution import run_replications
from sim.scenario.schema import load_scenario
from sim.stats.summaries import summarise_metrics
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # long statistical tests: CI runs them (pyproject.toml)

SCENARIO = REPO / "scenarios" / "baseline-2018.toml"
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


def _route_row(result, route):
    return next(row for row in result.routes if row["route"] == route)


def _binomial_tolerance(share: float, n: float) -> float:
    """Four binomial standard deviations of a share measured over n pages."""
    return 4 * np.sqrt(share * (1 - share) / n)


def test_removal_shapes_by_route_2018(baseline):
    """UK (direct) 52 % within 60 minutes and all within 2 days (IWF); partner hotlines 58 % within
    3 days (INHOPE 2018); no hotline: 28 days or more."""
    _, results, s = baseline
    direct_notices = sum(_route_row(r, "direct")["notices"] for r in results)
    direct_within_hour = (
        sum(
            _route_row(r, "direct")["removed_within_1_hour_share"] * _route_row(r, "direct")["notices"]
            for r in results
        )
        / direct_notices
    )
    assert direct_within_hour == pytest.approx(0.52, abs=_binomial_tolerance(0.52, direct_notices))
    for r in results:
        assert _route_row(r, "direct")["removed_within_3_days_share"] == 1.0
        partner = _route_row(r, "partner_hotline")
        assert partner["removed_within_3_days_share"] == pytest.approx(
            0.58,
            abs=_binomial_tolerance(0.58, partner["notices"]) + 0.005,  # + the lognormal fit's rounding
        )
        assert _route_row(r, "law_enforcement")["removed_within_28_days_share"] == 0.0
    # the split of time to removal: the hotline's part and the host's add up to the whole
    for r in results:
        m = r.metrics
        assert m["hotline_hours_mean"] + m["host_hours_mean"] == pytest.approx(
            m["time_to_removal_hours_mean"], rel=1e-9
        )
    assert s["hotline_hours_mean"].mean < 0.1 * s["time_to_removal_hours_mean"].mean


YEAR_2021 = SCENARIO.parent / "year-2021.toml"
PUBLISHED_ASSESSED_2021 = 361_062
PUBLISHED_ACTIONED_2021 = 252_194
PUBLISHED_UK_PAGES_2021 = 381


@pytest.fixture(scope="module")
def year_2021():
    scenario = load_scenario(YEAR_2021)
    results = run_replications(scenario, 4, scenario.scenario.seed, jobs=2)
    return scenario, results, summarise_metrics(results)


def test_2021_assessed_and_actioned_within_5_percent(year_2021):
    scenario, _, s = year_2021
    assert scenario.scenario.horizon_days - scenario.scenario.warmup_days == 365
    assert s["reports_assessed"].mean == pytest.approx(PUBLISHED_ASSESSED_2021, rel=0.05)
    assert s["reports_actionable"].mean == pytest.approx(PUBLISHED_ACTIONED_2021, rel=0.05)


def test_2021_hosting_and_the_growing_hash_list(year_2021):
    scenario, results, _ = year_2021
    for r in results:
        notices = {h["country"]: h["notices"] for h in r.hosts}
        total = sum(notices.values())
        assert notices["NL"] / total == pytest.approx(0.41, abs=0.01)
        assert notices["US"] / total == pytest.approx(0.21, abs=0.01)
    uk = np.mean([h["notices"] for r in results for h in r.hosts if h["country"] == "UK"])
    assert uk == pytest.approx(PUBLISHED_UK_PAGES_2021, abs=4 * np.sqrt(PUBLISHED_UK_PAGES_2021))
    # the fast-tracked share follows the hash list's growth: higher in the last 4 weeks than the first
    from sim.scenario.share_rules import mean_share

    rule = scenario.dedup.hash_match_share
    horizon_days = int(scenario.scenario.horizon_days)
    first, last = (28, 56), (horizon_days - 28, horizon_days)
    fast = np.sum([r.timeseries["fast_tracked"] for r in results], axis=0)
    arrivals = np.sum([r.timeseries["arrivals"] for r in results], axis=0)
    for start, end in (first, last):
        n = arrivals[start:end].sum()
        expected = mean_share(rule, start * 24.0, end * 24.0)
        assert fast[start:end].sum() / n == pytest.approx(expected, abs=_binomial_tolerance(expected, n))

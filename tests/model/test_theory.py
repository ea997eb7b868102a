"""The model against queueing theory: Erlang C waits, Little's law, conservation of reports.

Tolerance for Erlang C: the simulated mean must lie within the 95 % replication CI half-width plus
3 % of the theoretical value (the 3 % covers the warm-up bias and the histogram's 0.5 % resolution
for percentiles). Fixed seeds make every test deterministic.
"""

import pytest

from sim.stats.erlang import mean_wait, wait_quantile
from tests.conftest import simulate, with_changes

pytestmark = pytest.mark.slow  # long statistical tests: CI runs them (pyproject.toml)

RELATIVE_TOLERANCE = 0.03
SERVICE_RATE_PER_HOUR = 12.0  # 5-minute exponential assessments

# (servers, rho, horizon_days, warmup_days, replications, seed)
MMC_CASES = [
    (13, 0.9, 60, 2, 8, 1),
    (2, 0.85, 200, 5, 8, 2),
    (5, 0.8, 60, 2, 6, 3),
]


@pytest.mark.parametrize("case", MMC_CASES, ids=lambda c: f"c{c[0]}-rho{c[1]}")
def test_mmc_waits_agree_with_erlang_c(mmc, case):
    servers, rho, horizon, warmup, reps, seed = case
    _, _, summary = simulate(mmc(servers, rho, horizon, warmup, reps, seed))
    lam = rho * servers * SERVICE_RATE_PER_HOUR
    for metric, theory in (
        ("wait_hours_mean", mean_wait(servers, lam, SERVICE_RATE_PER_HOUR)),
        ("wait_hours_p95", wait_quantile(servers, lam, SERVICE_RATE_PER_HOUR, 0.95)),
    ):
        s = summary[metric]
        allowed = s.half_width + RELATIVE_TOLERANCE * theory
        assert abs(s.mean - theory) <= allowed, (metric, s, theory)
    util = summary["analyst_utilisation"]
    assert abs(util.mean - rho) <= util.half_width + 0.005


def test_erlang_c_check_detects_a_wrong_service_time(mmc):
    """The tolerance is tight enough to tell 5.0 from 5.3-minute assessments at rho ~ 0.9: the wrong
    model waits about 2.8 times Erlang C's mean wait, with a tolerance of about a quarter of it, in a
    quarter of the check's run (13 measured days, the same 8 replications; a shorter run's CI is
    wider, so the test is no easier than at the check's length)."""
    data = mmc(13, 0.9, 15, 2, 8, 1)
    data["assessment"]["time_minutes"]["mean"] = 5.3
    _, _, summary = simulate(data)
    theory = mean_wait(13, 0.9 * 13 * SERVICE_RATE_PER_HOUR, SERVICE_RATE_PER_HOUR)
    s = summary["wait_hours_mean"]
    assert abs(s.mean - theory) > s.half_width + RELATIVE_TOLERANCE * theory


@pytest.mark.parametrize("schedule", ["24/7", {"days": "mon-fri", "start": "08:00", "end": "16:00"}])
def test_littles_law(mmc, schedule):
    """queue_length_mean = arrival rate x wait_hours_mean, within 1 % per replication."""
    data = with_changes(mmc(13, 0.9, 35, 7, 3, 5), analysts={"count": 13, "schedule": schedule})
    if schedule != "24/7":
        data["intake"]["sources"]["public"]["reports_per_day"] = 600.0
    scenario, results, _ = simulate(data)
    window_hours = scenario.horizon_hours - scenario.warmup_hours
    for r in results:
        m = r.metrics
        arrival_rate = m["reports_queued"] / window_hours
        assert m["queue_length_mean"] > 0.5
        assert m["queue_length_mean"] == pytest.approx(arrival_rate * m["wait_hours_mean"], rel=0.01)


def test_conservation_of_reports(mmc):
    data = with_changes(
        mmc(4, 0.95, 20, 3, 3, 11),
        dedup={"duplicate_share": 0.2, "hash_match_share": 0.1},
        analysts={"count": 4, "schedule": {"days": "mon-sat", "start": "06:00", "end": "22:00"}},
    )
    _, results, _ = simulate(data)
    for r in results:
        m = r.metrics
        assert m["reports_received"] == m["reports_merged"] + m["reports_queued"]
        assert m["reports_fast_tracked"] <= m["reports_queued"]
        assert (
            m["reports_assessed"] + m["backlog_end"] + m["in_assessment_end"]
            == m["reports_queued"] + m["backlog_start"] + m["in_assessment_start"]
        )
        assert m["pages_removed"] <= m["notices_sent"] == m["reports_actionable"]
        assert m["backlog_start"] > 0  # the warm-up snapshot is really taken


def test_conservation_without_warmup_has_no_carry_over(mmc):
    _, results, _ = simulate(mmc(3, 0.7, 10, 0, 2, 4))
    for r in results:
        m = r.metrics
        assert m["backlog_start"] == m["in_assessment_start"] == 0
        assert m["reports_assessed"] + m["backlog_end"] + m["in_assessment_end"] == m["reports_queued"]


def test_dedup_shares_are_respected(mmc):
    data = with_changes(mmc(13, 0.5, 20, 0, 2, 8), dedup={"duplicate_share": 0.3, "hash_match_share": 0.2})
    _, _, summary = simulate(data)
    received = summary["reports_received"].mean
    assert summary["reports_merged"].mean / received == pytest.approx(0.3, abs=0.01)
    assert summary["reports_fast_tracked"].mean / received == pytest.approx(0.2, abs=0.01)


def test_fast_tracking_shortens_the_work(mmc):
    """With every report hash-matched at factor 0.2, the team does a fifth of the work."""
    base = mmc(13, 0.5, 20, 2, 2, 9)
    fast = with_changes(base, dedup={"hash_match_share": 1.0, "hash_match_time_factor": 0.2})
    _, _, slow_summary = simulate(base)
    _, _, fast_summary = simulate(fast)
    ratio = fast_summary["analyst_utilisation"].mean / slow_summary["analyst_utilisation"].mean
    assert ratio == pytest.approx(0.2, rel=0.03)

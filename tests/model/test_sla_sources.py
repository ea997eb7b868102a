"""The service level by source (`sla.sources`, the `*_source_S` metrics): which reports count in
`sla_assessment_share`, each source's own service level and waits, checked against the M/M/c
sojourn-time distribution and against the books (per-source counts add up to the whole)."""

from __future__ import annotations

import math

import pytest

from sim.model.replication import run_replication
from sim.scenario.schema import load_scenario
from sim.stats.erlang import erlang_c
from tests.conftest import REPO, mmc_dict, simulate, with_changes

SERVERS, RHO, SERVICE_PER_HOUR = 5, 0.85, 12.0
SLA_HOURS = 0.25


def two_source_mmc(reps: int = 10, **sla: object) -> dict:
    """An M/M/5 at rho 0.85 whose arrivals come from two identical Poisson sources, a and b."""
    data = mmc_dict(SERVERS, RHO, horizon_days=30, warmup_days=2, reps=reps, seed=11)
    rate_per_day = data["intake"]["sources"]["public"]["reports_per_day"]
    half = {"reports_per_day": rate_per_day / 2, "actionable_share": 0.5}
    data = with_changes(data, intake={"sources": {"a": dict(half), "b": dict(half)}})
    data["sla"] = {"assessment_hours": SLA_HOURS, **sla}
    return data


def sojourn_within(t_hours: float) -> float:
    """P(wait + assessment <= t) in M/M/c FCFS: the wait is 0 with probability 1 - C, else
    exponential at c mu - lambda; the assessment is exponential at mu."""
    lam = RHO * SERVERS * SERVICE_PER_HOUR
    mu = SERVICE_PER_HOUR
    c = erlang_c(SERVERS, lam / mu)
    a = SERVERS * mu - lam
    beyond_if_waiting = (a * math.exp(-mu * t_hours) - mu * math.exp(-a * t_hours)) / (a - mu)
    return 1.0 - ((1.0 - c) * math.exp(-mu * t_hours) + c * beyond_if_waiting)


@pytest.mark.slow
def test_each_source_and_the_whole_meet_the_mmc_sojourn_time_distribution() -> None:
    _, _, s = simulate(two_source_mmc())
    theory = sojourn_within(SLA_HOURS)
    for name in ("sla_assessment_share", "sla_assessment_share_source_a", "sla_assessment_share_source_b"):
        half_width = s[name].half_width
        assert abs(s[name].mean - theory) <= half_width, (name, s[name], theory)  # theory in the 95 % CI


def test_the_service_level_counts_only_the_sources_listed() -> None:
    """With `sla.sources = ["a"]` the service level is source a's, in every replication."""
    scenario, results, _ = simulate(two_source_mmc(reps=3, sources=["a"]))
    assert scenario.sla_sources == ["a"]
    for r in results:
        assert r.metrics["sla_assessment_share"] == r.metrics["sla_assessment_share_source_a"]
        assert r.metrics["sla_assessment_share"] != r.metrics["sla_assessment_share_source_b"]


def test_listing_a_source_changes_no_other_number() -> None:
    """Which sources count is bookkeeping: the simulation (and every other metric) is the same."""
    _, both, _ = simulate(two_source_mmc(reps=2))
    _, only_b, _ = simulate(two_source_mmc(reps=2, sources=["b"]))
    for x, y in zip(both, only_b, strict=True):
        changed = {
            k
            for k, v in x.metrics.items()
            if v != y.metrics[k] and not (math.isnan(v) and math.isnan(y.metrics[k]))
        }
        assert changed <= {"sla_assessment_share"}, changed


@pytest.fixture(scope="module")
def baseline_2018():
    scenario = load_scenario(REPO / "scenarios" / "baseline-2018.toml").with_values(
        {"scenario.horizon_days": 90}
    )
    return scenario, run_replication(scenario, 2018, 1)


def test_proactive_finds_do_not_count_by_default(baseline_2018) -> None:
    scenario, r = baseline_2018
    m = r.metrics
    assert scenario.sla_sources == ["public", "referral"]
    shares = [m["sla_assessment_share_source_public"], m["sla_assessment_share_source_referral"]]
    # a mean of the public's and the partners' service levels, weighted by their counts
    assert min(shares) - 1e-12 <= m["sla_assessment_share"] <= max(shares) + 1e-12
    # finds, assessed in office hours, meet it far more often than the reports that wait out nights
    assert m["sla_assessment_share_source_proactive"] > max(shares) + 0.1


def test_per_source_counts_add_up_to_the_whole(baseline_2018) -> None:
    scenario, r = baseline_2018
    m = r.metrics
    names = list(scenario.intake.sources)
    assert sum(m[f"reports_assessed_source_{n}"] for n in names) == m["reports_assessed"]
    waits = sum(m[f"wait_hours_mean_source_{n}"] * m[f"reports_assessed_source_{n}"] for n in names)
    # mean waits are over assessments started in the window, counts over those ended in it: close
    assert waits / m["reports_assessed"] == pytest.approx(m["wait_hours_mean"], rel=0.01)


def test_every_source_counts_when_all_are_listed(baseline_2018) -> None:
    """Listing every source gives the share over every report, finds included, which lies
    between the sources' own service levels and above the default's."""
    scenario, r = baseline_2018
    everything = scenario.with_values({"sla.sources": list(scenario.intake.sources)})
    m = run_replication(everything, 2018, 1).metrics
    per_source = [m[f"sla_assessment_share_source_{n}"] for n in scenario.intake.sources]
    assert min(per_source) <= m["sla_assessment_share"] <= max(per_source)
    assert m["sla_assessment_share"] > r.metrics["sla_assessment_share"]


def test_source_names_are_spelt_for_metric_names() -> None:
    data = two_source_mmc(reps=2)
    data["intake"]["sources"] = {"partner referral": data["intake"]["sources"]["a"]}
    scenario, results, _ = simulate(data)
    assert "sla_assessment_share_source_partner_referral" in results[0].metrics
    assert scenario.sla_sources == ["partner referral"]

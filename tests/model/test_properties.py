"""Properties that hold for any small valid scenario (hypothesis)."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import simulate

SHARES = ("analyst_utilisation", "sla_assessment_share")


def distribution(min_mean, max_mean):
    mean = st.floats(min_mean, max_mean)
    return st.one_of(
        st.builds(lambda m: {"dist": "exponential", "mean": m}, mean),
        st.builds(lambda m, cv: {"dist": "lognormal", "mean": m, "cv": cv}, mean, st.floats(0, 2)),
        st.builds(lambda m, cv: {"dist": "gamma", "mean": m, "cv": cv}, mean, st.floats(0.1, 2)),
        st.builds(lambda m: {"dist": "fixed", "value": m}, mean),
        st.builds(
            lambda lo, w1, w2: {"dist": "triangular", "low": lo, "mode": lo + w1, "high": lo + w1 + w2},
            st.floats(0, min_mean),
            st.floats(0, max_mean / 2),
            st.floats(0.01, max_mean / 2),
        ),
    )


@st.composite
def scenarios(draw):
    n_sources = draw(st.integers(1, 3))
    sources = {
        f"s{i}": {
            "reports_per_day": draw(st.floats(50, 1500)),
            "actionable_share": draw(st.floats(0.3, 1.0)),
        }
        for i in range(n_sources)
    }
    n_hosts = draw(st.integers(1, 3))
    raw = [draw(st.floats(0.1, 1.0)) for _ in range(n_hosts)]
    hosts = [
        {
            "country": f"C{i}",
            "share": raw[i] / sum(raw) if i < n_hosts - 1 else 1 - sum(raw[:-1]) / sum(raw),
            "route": draw(st.sampled_from(["direct", "partner_hotline", "law_enforcement"])),
            "removal_hours": draw(distribution(0.2, 12)),
        }
        for i in range(n_hosts)
    ]
    duplicate = draw(st.floats(0, 0.5))
    schedule = draw(
        st.one_of(
            st.just("24/7"),
            st.just({"days": "mon-fri", "start": "08:00", "end": "16:00"}),
            st.just(
                [
                    {"days": "daily", "start": "06:00", "end": "14:00"},
                    {"days": "daily", "start": "14:00", "end": "22:00"},
                ]
            ),
            st.just({"days": "daily", "start": "20:00", "end": "04:00"}),
        )
    )
    count = draw(st.integers(2, 20))
    return {
        "scenario": {
            "name": "prop",
            "horizon_days": draw(st.floats(3, 8)),
            "warmup_days": draw(st.floats(0, 1)),
            "replications": 2,
            "seed": draw(st.integers(0, 2**32 - 1)),
        },
        "intake": {
            "sources": sources,
            "growth_per_year": draw(st.floats(-0.5, 2.0)),
            "hourly_profile": draw(st.none() | st.lists(st.floats(0.1, 3), min_size=24, max_size=24)),
        },
        "dedup": {
            "duplicate_share": duplicate,
            "hash_match_share": draw(st.floats(0, 1 - duplicate)),
            "hash_match_time_factor": draw(st.floats(0, 1)),
        },
        "analysts": {"count": count, "schedule": schedule},
        "assessment": {"time_minutes": draw(distribution(0.5, 20))},
        "takedown": {"hosts": hosts},
        "sla": {"assessment_hours": draw(st.floats(0.5, 12))},
    }


# empty by definition when the backlog never clears / never keeps growing
UNDEFINED_WHEN_IT_NEVER_HAPPENS = ("backlog_clear_days", "first_period_backlog_grows")


@given(scenarios())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_invariants_hold_for_any_valid_scenario(data):
    _, results, _ = simulate(data)
    for r in results:
        m = r.metrics
        for name, value in m.items():
            if name in UNDEFINED_WHEN_IT_NEVER_HAPPENS:
                continue
            assert not math.isnan(value), name
            assert value >= 0, name
        for name in SHARES:
            assert 0 <= m[name] <= 1 + 1e-12, name
        assert m["reports_received"] == m["reports_merged"] + m["reports_queued"]
        assert (
            m["reports_assessed"] + m["backlog_end"] + m["in_assessment_end"]
            == m["reports_queued"] + m["backlog_start"] + m["in_assessment_start"]
        )
        assert m["pages_removed"] <= m["notices_sent"] <= m["reports_assessed"]
        assert m["wait_hours_p50"] <= m["wait_hours_p95"] * (1 + 1e-9)
        for host in r.hosts:
            assert host["removed"] <= host["notices"]
        assert sum(h["notices"] for h in r.hosts) == m["notices_sent"]


@given(
    servers=st.integers(40, 80),
    reports_per_day=st.floats(1, 50),
    mean_minutes=st.floats(1, 30),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=20, deadline=None)
def test_no_wait_when_analysts_far_outnumber_arrivals(servers, reports_per_day, mean_minutes, seed):
    data = {
        "scenario": {"name": "idle", "horizon_days": 10, "replications": 2, "seed": seed},
        "intake": {"sources": {"a": {"reports_per_day": reports_per_day, "actionable_share": 0.5}}},
        "analysts": {"count": servers, "schedule": "24/7"},
        "assessment": {"time_minutes": {"dist": "exponential", "mean": mean_minutes}},
    }
    _, results, _ = simulate(data)
    for r in results:
        assert r.metrics["wait_hours_mean"] < 1e-9
        assert r.metrics["wait_hours_p95"] == 0
        assert r.metrics["queue_length_mean"] < 1e-9
        assert r.metrics["sla_assessment_share"] == 1.0

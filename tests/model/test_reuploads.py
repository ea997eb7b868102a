"""Re-uploads and shares that change over time, through the model.

Semantics under test: a page removed at r comes back with probability `reuploads.share` at
r + `delay_days`; a `hash_block_share` of those is stopped at upload (counted, never reported),
the rest arrive then as reports of `reuploads.source` (default: the proactive source, else the
first), always actionable, through the dedup gate like any report; they are assessed, noticed,
removed and may come back again. Counters: `pages_reuploaded` (re-uploads in the window) =
`reuploads_blocked` + `reuploads_reported`. The dedup shares may follow a growth rule or points,
each report classified with the shares at its arrival (a find: at its find time).

Runs that differ only in re-uploads share the Poisson arrivals (common random numbers), so counts
that re-uploads must not touch are compared exactly; shares use `Z` binomial standard errors, and
counts near the window's edges are allowed the jobs in progress there (at most one per analyst at
each edge).
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

from sim.scenario.share_rules import mean_share
from tests.conftest import simulate

Z = 4.0  # standard errors allowed in a statistical check
ANALYSTS = 13
REPORTS_PER_HOUR = 20.0
EDGES = 2 * ANALYSTS  # reports in assessment at the window's two edges, at most, a replication
REUPLOAD_METRICS = ("pages_reuploaded", "reuploads_blocked", "reuploads_reported")


def hotline(
    *,
    reuploads: dict[str, Any] | None = None,
    sources: dict[str, Any] | None = None,
    dedup: dict[str, Any] | None = None,
    horizon_days: float = 24,
    warmup_days: float = 4,
    reps: int = 3,
    seed: int = 17,
) -> dict[str, Any]:
    """13 analysts 24/7 (spare capacity), 480 reports a day half actionable, fixed 5-minute
    assessments, one host removing every page 2 hours after its notice."""
    data: dict[str, Any] = {
        "scenario": {
            "name": "reuploads",
            "horizon_days": float(horizon_days),
            "warmup_days": float(warmup_days),
            "replications": reps,
            "seed": seed,
        },
        "intake": {
            "sources": copy.deepcopy(sources)
            if sources is not None
            else {"public": {"reports_per_day": REPORTS_PER_HOUR * 24, "actionable_share": 0.5}}
        },
        "analysts": {"count": ANALYSTS, "schedule": "24/7"},
        "assessment": {"time_minutes": {"dist": "fixed", "value": 5.0}},
        "takedown": {
            "hosts": [
                {
                    "country": "NL",
                    "share": 1.0,
                    "route": "partner_hotline",
                    "removal_hours": {"dist": "fixed", "value": 2.0},
                }
            ]
        },
    }
    if reuploads is not None:
        data["reuploads"] = reuploads
    if dedup is not None:
        data["dedup"] = dedup
    return data


SOON = {"dist": "fixed", "value": 1 / 24}  # back one hour after removal


def comes_back(share: float, block: float, delay: dict[str, Any] = SOON, **more: Any) -> dict[str, Any]:
    return {"share": share, "delay_days": delay, "hash_block_share": block, **more}


def binomial_tolerance(p: float, n: float) -> float:
    return Z * math.sqrt(p * (1 - p) / n)


def assert_conserved(m: dict[str, float]) -> None:
    assert m["pages_reuploaded"] == m["reuploads_blocked"] + m["reuploads_reported"]
    assert all(m[name] >= 0 for name in REUPLOAD_METRICS)


def test_no_reuploads_section_means_none() -> None:
    _, results, _ = simulate(hotline(reps=2))
    for r in results:
        for name in REUPLOAD_METRICS:
            assert r.metrics[name] == 0, name


def test_fully_blocked_reuploads_never_reach_the_hotline() -> None:
    """hash_block_share = 1: every re-upload is blocked at upload; the hotline's reports, work and
    notices are those of the same seed without re-uploads, exactly. Blocked pages are not reported,
    so they are not removed again: re-uploads are share x removals, 0.5 x pages_removed."""
    _, blocked, _ = simulate(hotline(reuploads=comes_back(0.5, 1.0)))
    _, without, _ = simulate(hotline())
    reuploaded = removed = 0.0
    for r, base in zip(blocked, without, strict=True):
        m = r.metrics
        assert_conserved(m)
        assert m["reuploads_reported"] == 0
        assert m["reuploads_blocked"] == m["pages_reuploaded"] > 0
        for name in m:
            if name not in REUPLOAD_METRICS:
                x, y = m[name], base.metrics[name]
                assert x == y or (math.isnan(x) and math.isnan(y)), (name, x, y)
        np.testing.assert_array_equal(r.timeseries["arrivals"], base.timeseries["arrivals"])
        reuploaded += m["pages_reuploaded"]
        removed += m["pages_removed"]
    # the windows differ at the edges by removals in about 3 hours at each end (10 an hour)
    tolerance = binomial_tolerance(0.5, removed) + Z * math.sqrt(len(blocked) * 2 * 10 * 3) / removed
    assert reuploaded / removed == pytest.approx(0.5, abs=tolerance)


def test_unblocked_reuploads_all_arrive_as_reports_and_come_back_again() -> None:
    """hash_block_share = 0: every re-upload is reported, as one more received report (the Poisson
    arrivals are the same as without re-uploads, so the difference is exact). Re-uploaded pages are
    removed and come back too: in the steady state removals R = notices of new pages + 0.5 R, and
    re-uploads are 0.5 R, so pages_reuploaded / pages_removed is still 0.5 (it would be 1/3 if a
    re-uploaded page never came back)."""
    _, results, _ = simulate(hotline(reuploads=comes_back(0.5, 0.0)))
    _, without, _ = simulate(hotline())
    reuploaded = removed = 0.0
    for r, base in zip(results, without, strict=True):
        m = r.metrics
        assert_conserved(m)
        assert m["reuploads_blocked"] == 0
        assert m["reuploads_reported"] == m["pages_reuploaded"] > 0
        assert m["reports_received"] - base.metrics["reports_received"] == m["reuploads_reported"]
        reuploaded += m["pages_reuploaded"]
        removed += m["pages_removed"]
    # removals run at about 20 an hour here; the windows differ by about 3 hours at each end
    tolerance = binomial_tolerance(0.5, removed) + Z * math.sqrt(len(results) * 2 * 20 * 3) / removed
    assert reuploaded / removed == pytest.approx(0.5, abs=tolerance)


@pytest.mark.parametrize(("share", "block"), [(0.3, 0.4), (1.0, 0.75), (0.2, 0.0)])
def test_reuploads_split_into_blocked_and_reported(share: float, block: float) -> None:
    """Every re-upload is blocked or reported (exactly), blocked with probability hash_block_share,
    and re-uploads are `share` of removals (the reported ones being removed in turn). An
    exponential delay (mean 6 hours) instead of a fixed one."""
    delay = {"dist": "exponential", "mean": 0.25}
    _, results, _ = simulate(hotline(reuploads=comes_back(share, block, delay)))
    reuploaded = blocked = removed = 0.0
    for r in results:
        m = r.metrics
        assert_conserved(m)
        reuploaded += m["pages_reuploaded"]
        blocked += m["reuploads_blocked"]
        removed += m["pages_removed"]
    assert blocked / reuploaded == pytest.approx(block, abs=binomial_tolerance(block, reuploaded) + 1e-12)
    # removal rate r = 10 / (1 - share (1 - block)) an hour; the windows differ at the edges by the
    # removals in about 2 + 6 hours at each end
    rate = 10 / (1 - share * (1 - block))
    edge = Z * math.sqrt(len(results) * 2 * rate * 8) / removed
    assert reuploaded / removed == pytest.approx(share, abs=binomial_tolerance(share, removed) + edge)


def test_reuploads_are_actionable_whatever_their_source() -> None:
    """Re-uploads arrive as reports of `referral`, a source with no arrivals of its own and
    actionable_share 0: every re-upload report assessed still sends a notice. Against the same seed
    without re-uploads, notices rise by the re-upload reports (all assessed at once, but for those
    in assessment at the window's edges)."""
    sources = {
        "public": {"reports_per_day": REPORTS_PER_HOUR * 24, "actionable_share": 0.5},
        "referral": {"reports_per_day": 0.0, "actionable_share": 0.0},
    }
    _, results, _ = simulate(hotline(sources=sources, reuploads=comes_back(0.5, 0.0, source="referral")))
    _, without, _ = simulate(hotline(sources=sources))
    for r, base in zip(results, without, strict=True):
        m = r.metrics
        assert m["reuploads_reported"] > 1000
        extra_notices = m["notices_sent"] - base.metrics["notices_sent"]
        assert extra_notices == pytest.approx(m["reuploads_reported"], abs=2 * EDGES)


def test_reuploads_pass_the_dedup_gate() -> None:
    """Duplicate share 0.3, hash match 0.2: re-upload reports (of `referral`, which has no arrivals
    of its own, so the public reports' gate is untouched) are merged and fast-tracked in those
    shares; the differences from the same seed without re-uploads are theirs alone."""
    sources = {
        "public": {"reports_per_day": REPORTS_PER_HOUR * 24, "actionable_share": 0.5},
        "referral": {"reports_per_day": 0.0, "actionable_share": 0.5},
    }
    dedup = {"duplicate_share": 0.3, "hash_match_share": 0.2}
    data = hotline(sources=sources, dedup=dedup, reuploads=comes_back(0.6, 0.0, source="referral"))
    _, results, _ = simulate(data)
    _, without, _ = simulate(hotline(sources=sources, dedup=dedup))
    reported = merged = fast = 0.0
    for r, base in zip(results, without, strict=True):
        m = r.metrics
        reported += m["reuploads_reported"]
        merged += m["reports_merged"] - base.metrics["reports_merged"]
        fast += m["reports_fast_tracked"] - base.metrics["reports_fast_tracked"]
    assert reported > 1000
    assert merged / reported == pytest.approx(0.3, abs=binomial_tolerance(0.3, reported))
    assert fast / reported == pytest.approx(0.2, abs=binomial_tolerance(0.2, reported))


# --- which source re-uploads arrive as: priority classes show it --------------------------------

TWO_CLASSES = {
    "public": {"reports_per_day": 360.0, "actionable_share": 0.5},  # priority 0
    "referral": {"reports_per_day": 120.0, "actionable_share": 0.5, "priority": 1},
}
NO_FINDS = {
    "kind": "proactive",
    "actionable_share": 0.5,
    "search_share": 0.0,
    "finds_per_search_hour": 0.0,
    "priority": 2,
}


@pytest.mark.parametrize(
    ("sources", "source", "expected_class"),
    [
        pytest.param(TWO_CLASSES, None, 0, id="default-first-source"),
        pytest.param({**TWO_CLASSES, "search": NO_FINDS}, None, 2, id="default-proactive-source"),
        pytest.param(TWO_CLASSES, "referral", 1, id="named-source"),
    ],
)
def test_reuploads_arrive_as_reports_of_their_source(
    sources: dict[str, Any], source: str | None, expected_class: int
) -> None:
    """Each source has its own priority class, so reports_assessed_priority_<p> tells which source
    the re-uploads came as: that class gains the re-upload reports (all assessed, up to the edges),
    the others are unchanged up to the edges (the proactive source finds nothing of its own)."""
    more = {} if source is None else {"source": source}
    with_reuploads = hotline(sources=sources, reuploads=comes_back(0.5, 0.0, **more), reps=2)
    _, results, _ = simulate(with_reuploads)
    _, without, _ = simulate(hotline(sources=sources, reps=2))
    classes = sorted({s.get("priority", 0) for s in sources.values()})
    for r, base in zip(results, without, strict=True):
        m = r.metrics
        assert m["reuploads_reported"] > 500
        for p in classes:
            gained = m[f"reports_assessed_priority_{p}"] - base.metrics[f"reports_assessed_priority_{p}"]
            expected = m["reuploads_reported"] if p == expected_class else 0
            assert gained == pytest.approx(expected, abs=2 * EDGES), (p, gained, expected)


# --- shares that change over time: each report gets the share at its arrival --------------------

GROWING_HASH = {"start": 0.05, "per_year": 1.5, "max": 0.6}  # 0.05 on day 0, 0.395 on day 84
FALLING_DUPLICATES = [[0, 0.0], [40, 0.4], [84, 0.1]]
PROACTIVE_ONLY = {
    "search": {
        "kind": "proactive",
        "actionable_share": 0.6,
        "search_share": 0.5,
        "finds_per_search_hour": 2.0,
    }
}


def daily_expected_share(rule: Any, arrivals: np.ndarray, days: range) -> float:
    """The share expected over `days` given each day's arrivals: sum_d a_d mean_d / sum_d a_d, with
    mean_d the rule's average over day d (exact for uniform arrivals within a day)."""
    weights = np.array([arrivals[d] for d in days], dtype=float)
    means = np.array([mean_share(rule, 24.0 * d, 24.0 * (d + 1)) for d in days])
    return float(weights @ means / weights.sum())


@pytest.mark.parametrize(
    ("dedup_key", "rule", "series", "metric", "sources"),
    [
        pytest.param(
            "hash_match_share", GROWING_HASH, "fast_tracked", "reports_fast_tracked", None, id="growth"
        ),
        pytest.param("duplicate_share", FALLING_DUPLICATES, "merged", "reports_merged", None, id="points"),
        pytest.param(
            "hash_match_share",
            GROWING_HASH,
            "fast_tracked",
            "reports_fast_tracked",
            PROACTIVE_ONLY,
            id="finds",
        ),
    ],
)
def test_dedup_shares_follow_their_rule_over_time(
    dedup_key: str, rule: Any, series: str, metric: str, sources: dict[str, Any] | None
) -> None:
    """84 days with a 7-day warm-up (days count from the start, warm-up included). Over the first
    and the last 28 days the daily series' share (fast-tracked or merged over arrivals) is the
    rule's mean over those days, within Z binomial standard errors: for the growth rule 0.05 + 1.5
    x 14 / 365 = 0.1075 and 0.05 + 1.5 x 70 / 365 = 0.3377; for the points 0.14 and 0.1955. A
    share fixed at day 0, or days counted from the warm-up's end (7 days, 0.029 of growth), would
    be many standard errors away. The window's days of the series sum to the window's count."""
    data = hotline(sources=sources, dedup={dedup_key: rule}, horizon_days=84, warmup_days=7)
    scenario, results, _ = simulate(data)
    parsed = getattr(scenario.dedup, dedup_key)
    first, last = range(0, 28), range(56, 84)
    for r in results:
        assert len(r.timeseries[series]) == 84 and len(r.timeseries["arrivals"]) == 84
        assert float(np.sum(r.timeseries[series][7:])) == r.metrics[metric]
    arrivals = np.sum([r.timeseries["arrivals"] for r in results], axis=0)
    counted = np.sum([r.timeseries[series] for r in results], axis=0)
    assert arrivals.sum() > 0
    for days in (first, last):
        n = float(sum(arrivals[d] for d in days))
        observed = float(sum(counted[d] for d in days)) / n
        expected = daily_expected_share(parsed, arrivals, days)
        plain_mean = mean_share(parsed, 24.0 * days.start, 24.0 * days.stop)
        assert expected == pytest.approx(plain_mean, abs=0.01)  # arrivals are about even over days
        assert observed == pytest.approx(expected, abs=binomial_tolerance(expected, n)), (days, observed)

"""The takedown loop: route defaults, removal-delay shares, the time-to-removal decomposition,
follow-up re-checks, escalation and the per-country and per-route tables.

Semantics under test (model time in hours): a page noticed at t0 with host delay d is removed at
t0 + d. With `follow_up_hours` F, at t0 + F a page still up is re-checked (`recheck_minutes` of an
analyst's time, queued with `recheck_priority`); a re-check that ends at t with the page still up
either escalates it (when it is the `max_follow_ups`-th such re-check: removal becomes
min(t0 + d, t + e)) or sets the next follow-up at t + F. Fixed delays make each page's path known in
advance, so counts are checked against the number of notices: a page with delay d (F < d) is
re-checked once per follow-up it is still up for. Re-checks and escalations are counted when they
happen in the measured window [W, H) and notices when they are sent in it, so the two windows are
shifted by the lag L between a notice and its k-th re-check (about k x F): the difference is
N[W - L, W) - N[H - L, H) of a Poisson notice stream of rate r, whose standard deviation is
sqrt(2 r L); `Z` of those are allowed. Everything else is checked exactly (float noise only).

Scenarios are small (13 analysts 24/7 with spare capacity, fixed 5-minute assessments) so each
test takes a second or two.
"""

from __future__ import annotations

import copy
import csv
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.scenario.distributions import draw
from sim.scenario.schema import load_scenario
from tests.conftest import REPO, hotline_sim_here, simulate
from tests.scenario_edits import write_scenario

Z = 4.0  # standard errors allowed in a statistical check
REL = 1e-9  # float noise in sums of many hours
ROOT = REPO

REPORTS_PER_HOUR = 20.0
ACTIONABLE = 0.5
NOTICES_PER_HOUR = REPORTS_PER_HOUR * ACTIONABLE
ANALYSTS = 13
ASSESSMENT_MINUTES = 5.0
RECHECK_MINUTES = 2.0
F = 24.0  # follow-up hours

EMPIRICAL_DIRECT = {"dist": "empirical", "values": [0, 1, 48], "cumulative": [0, 0.52, 1]}
HOST_COLUMNS = [
    "country",
    "route",
    "notices",
    "removed",
    "rechecks",
    "escalations",
    "removal_hours_mean",
    "removal_hours_p50",
    "removal_hours_p95",
    "removed_within_1_hour_share",
    "removed_within_1_day_share",
    "removed_within_3_days_share",
    "removed_within_28_days_share",
]
ROUTE_COLUMNS = ["route", *HOST_COLUMNS[2:]]


def fixed(hours: float) -> dict[str, Any]:
    return {"dist": "fixed", "value": float(hours)}


def host(country: str, share: float, route: str, removal: float | dict[str, Any] | None) -> dict[str, Any]:
    """A host row; a number is a fixed delay, None leaves the route's default to apply."""
    row: dict[str, Any] = {"country": country, "share": share, "route": route}
    if removal is not None:
        row["removal_hours"] = fixed(removal) if isinstance(removal, int | float) else removal
    return row


def hotline(
    hosts: list[dict[str, Any]],
    *,
    takedown: dict[str, Any] | None = None,
    horizon_days: float = 24,
    warmup_days: float = 4,
    reps: int = 3,
    seed: int = 11,
    **sections: Any,
) -> dict[str, Any]:
    """13 analysts 24/7, 480 reports a day (half actionable), fixed 5-minute assessments.

    The team is busy 20 x 5 / 60 = 1.7 of 13 analysts on average: a report or re-check almost
    never waits. The warm-up (96 h) is longer than any notice-to-event lag used below, so the
    window sees the re-checks and escalations of notices sent before it.
    """
    return {
        "scenario": {
            "name": "takedown-loop",
            "horizon_days": float(horizon_days),
            "warmup_days": float(warmup_days),
            "replications": reps,
            "seed": seed,
        },
        "intake": {
            "sources": {"public": {"reports_per_day": REPORTS_PER_HOUR * 24, "actionable_share": ACTIONABLE}}
        },
        "analysts": {"count": ANALYSTS, "schedule": "24/7"},
        "assessment": {"time_minutes": fixed(ASSESSMENT_MINUTES)},
        "takedown": {"hosts": hosts, **(takedown or {})},
        **sections,
    }


def row_of(result: Any, country: str) -> dict[str, Any]:
    return next(h for h in result.hosts if h["country"] == country)


def pooled(results: list[Any], country: str, column: str) -> float:
    """A per-host count summed over replications."""
    return float(sum(row_of(r, country)[column] for r in results))


def lag_tolerance(share: float, lags_hours: list[float], reps: int) -> float:
    """Z standard deviations of sum_k (N[W - L_k, W) - N[H - L_k, H)) over `reps` replications, for
    a host's notices (rate NOTICES_PER_HOUR x share); the terms are correlated, so their standard
    deviations are added (an upper bound)."""
    rate = NOTICES_PER_HOUR * share
    return Z * sum(math.sqrt(reps * 2 * rate * lag) for lag in lags_hours)


def same_numbers(a: list[Any], b: list[Any]) -> None:
    """Two runs' replications agree in every metric, host row and daily series (NaN = NaN)."""
    assert len(a) == len(b)
    for ra, rb in zip(a, b, strict=True):
        assert ra.metrics.keys() == rb.metrics.keys()
        for name in ra.metrics:
            x, y = ra.metrics[name], rb.metrics[name]
            assert x == y or (math.isnan(x) and math.isnan(y)), (name, x, y)
        assert len(ra.hosts) == len(rb.hosts)
        for ha, hb in zip(ra.hosts, rb.hosts, strict=True):
            for column in ha:
                x, y = ha[column], hb[column]
                assert x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y)), (column, x, y)
        assert ra.timeseries.keys() == rb.timeseries.keys()
        for name in ra.timeseries:
            np.testing.assert_array_equal(ra.timeseries[name], rb.timeseries[name], err_msg=name)


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


# --- route defaults ------------------------------------------------------------------------------


def test_a_host_without_removal_hours_takes_its_routes_default() -> None:
    """Writing the route's delay on the host, or leaving it to [takedown.routes.<route>], is the
    same scenario: every number agrees. A host's own delay wins over its route's."""
    partner = {"dist": "lognormal", "mean": 104.0, "cv": 1.5}
    follow = {"follow_up_hours": 48.0}
    on_hosts = hotline(
        [host("NL", 0.6, "partner_hotline", partner), host("GB", 0.4, "direct", EMPIRICAL_DIRECT)],
        takedown=follow,
        reps=2,
    )
    by_route = hotline(
        [host("NL", 0.6, "partner_hotline", None), host("GB", 0.4, "direct", None)],
        takedown={
            **follow,
            "routes": {
                "partner_hotline": {"removal_hours": partner},
                "direct": {"removal_hours": EMPIRICAL_DIRECT},
            },
        },
        reps=2,
    )
    _, a, _ = simulate(on_hosts)
    _, b, _ = simulate(by_route)
    same_numbers(a, b)
    # GB overrides the direct route's default with its own fixed 2 hours
    overridden = copy.deepcopy(by_route)
    overridden["takedown"]["hosts"][1]["removal_hours"] = fixed(2.0)
    _, c, _ = simulate(overridden)
    for r in c:
        assert row_of(r, "GB")["removal_hours_mean"] == pytest.approx(2.0, rel=REL)
        assert row_of(r, "GB")["removal_hours_p95"] == pytest.approx(2.0, rel=0.005)


def test_empirical_direct_delay_gives_the_published_shape() -> None:
    """The direct route's { values = [0, 1, 48], cumulative = [0, 0.52, 1] }: 52 % within 1 hour,
    0.52 + 0.48 x 23 / 47 = 75.49 % within a day, all within 48 hours (so within 3 and 28 days),
    mean 12.02 h, median 0.5 / 0.52 = 0.9615 h, 95th percentile 1 + 47 x 0.43 / 0.48 = 43.10 h.
    Shares pooled over replications, within Z binomial standard errors."""
    data = hotline(
        [host("GB", 1.0, "direct", None)],
        takedown={"routes": {"direct": {"removal_hours": EMPIRICAL_DIRECT}}},
        reps=3,
    )
    _, results, summary = simulate(data)
    notices = pooled(results, "GB", "notices")
    assert notices == sum(r.metrics["notices_sent"] for r in results) > 10_000

    def pooled_share(column: str) -> float:
        return sum(row_of(r, "GB")[column] * row_of(r, "GB")["notices"] for r in results) / notices

    for column, share in (
        ("removed_within_1_hour_share", 0.52),
        ("removed_within_1_day_share", 0.52 + 0.48 * 23 / 47),
    ):
        tolerance = Z * math.sqrt(share * (1 - share) / notices)
        assert abs(pooled_share(column) - share) <= tolerance, (column, pooled_share(column), share)
    for r in results:
        gb = row_of(r, "GB")
        assert gb["route"] == "direct"
        assert gb["removed_within_3_days_share"] == 1.0
        assert gb["removed_within_28_days_share"] == 1.0
        assert r.metrics["pages_removed_within_3_days_share"] == 1.0
        assert gb["removal_hours_p95"] <= 48.0 * 1.005
        assert gb["rechecks"] == 0 and gb["escalations"] == 0
    # second moment 0.52 / 3 + 0.48 (1 + 48 + 48^2) / 3 (uniform pieces): sd 15.16 h
    sd = math.sqrt(0.52 / 3 + 0.48 * (1 + 48 + 48**2) / 3 - 12.02**2)
    assert abs(pooled_share("removal_hours_mean") - 12.02) <= Z * sd / math.sqrt(notices)
    # sample quantiles: standard error sqrt(q (1 - q) / n) / density, plus the 0.5 % histogram bin
    median_se = math.sqrt(0.25 / (notices / 3)) / 0.52
    p95_se = math.sqrt(0.95 * 0.05 / (notices / 3)) / (0.48 / 47)
    for r in results:
        gb = row_of(r, "GB")
        assert gb["removal_hours_p50"] == pytest.approx(0.5 / 0.52, abs=Z * median_se + 0.005)
        assert gb["removal_hours_p95"] == pytest.approx(1 + 47 * 0.43 / 0.48, abs=Z * p95_se + 0.25)


def test_baseline_2018_uses_route_defaults_with_the_published_shapes() -> None:
    """scenarios/baseline-2018.toml: the UK (direct) delay has 52 % within 60 minutes and all within
    48 h, partner hotlines 58 % within 3 days, law enforcement 28 days (672 h) or more. Checked on
    400,000 draws of each host's delay (binomial tolerance)."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline-2018.toml")
    takedown = scenario.takedown
    routes_used = {h.route for h in takedown.hosts}
    assert routes_used == {"direct", "partner_hotline", "law_enforcement"}
    assert routes_used <= set(takedown.routes), "every route used has a default"
    n = 400_000

    def delays(route: str) -> list[np.ndarray]:
        return [
            draw(takedown.removal_hours_of(h), np.random.default_rng(index), n)
            for index, h in enumerate(takedown.hosts)
            if h.route == route
        ]

    # the published figures are whole percents: 0.005 of rounding besides the binomial noise
    for x in delays("direct"):
        assert abs(float(np.mean(x <= 1.0)) - 0.52) <= Z * math.sqrt(0.52 * 0.48 / n) + 0.005
        assert x.max() <= 48.0
    for x in delays("partner_hotline"):
        assert abs(float(np.mean(x <= 72.0)) - 0.58) <= Z * math.sqrt(0.58 * 0.42 / n) + 0.005
    for x in delays("law_enforcement"):
        assert x.min() >= 672.0


# --- decomposition: time to removal = ours + the host's ------------------------------------------


def test_time_to_removal_is_hotline_time_plus_host_time() -> None:
    """Per replication, over the same notices: hotline_hours_mean (arrival to notice) plus
    host_hours_mean (notice to removal) is time_to_removal_hours_mean, with follow-ups, escalation
    and re-uploads on. pages_removed_within_3_days_share, a share of the same notices, is the
    notice-weighted average of the hosts' removed_within_3_days_share."""
    data = hotline(
        [
            host("NL", 0.5, "partner_hotline", {"dist": "lognormal", "mean": 104.0, "cv": 1.5}),
            host("GB", 0.3, "direct", EMPIRICAL_DIRECT),
            host("XX", 0.2, "law_enforcement", {"dist": "gamma", "mean": 700.0, "cv": 0.4}),
        ],
        takedown={
            "follow_up_hours": 48.0,
            "max_follow_ups": 1,
            "escalation_removal_hours": {"dist": "exponential", "mean": 100.0},
        },
        reuploads={"share": 0.3, "delay_days": {"dist": "exponential", "mean": 2.0}, "hash_block_share": 0.5},
    )
    _, results, summary = simulate(data)
    for r in results:
        m = r.metrics
        assert m["hotline_hours_mean"] + m["host_hours_mean"] == pytest.approx(
            m["time_to_removal_hours_mean"], rel=REL
        )
        assert m["hotline_hours_mean"] >= ASSESSMENT_MINUTES / 60 - 1e-12
        assert m["escalations"] > 0 and m["rechecks"] > 0 and m["pages_reuploaded"] > 0
        notices = sum(h["notices"] for h in r.hosts)
        assert notices == m["notices_sent"]
        within = sum(h["notices"] * h["removed_within_3_days_share"] for h in r.hosts) / notices
        assert m["pages_removed_within_3_days_share"] == pytest.approx(within, rel=REL)
    # the summary rows exist for every new metric
    for name in (
        "hotline_hours_mean",
        "host_hours_mean",
        "pages_removed_within_3_days_share",
        "rechecks",
        "escalations",
        "analyst_recheck_hours",
        "time_share_rechecking",
        "pages_reuploaded",
        "reuploads_blocked",
        "reuploads_reported",
    ):
        assert summary[name].replications == len(results), name


def test_fixed_delays_give_exact_host_time_and_shares() -> None:
    """Hosts with fixed delays of 10 h and 100 h: the host's part of time to removal is
    (10 n1 + 100 n2) / (n1 + n2), the share within 3 days is n1 / (n1 + n2); the hosts' rows have
    removal_hours 10 and 100 and the shares 0 or 1 at 1 h, 24 h, 72 h and 672 h."""
    data = hotline([host("Near", 0.5, "direct", 10), host("Far", 0.5, "partner_hotline", 100)], reps=2)
    _, results, _ = simulate(data)
    for r in results:
        near, far = row_of(r, "Near"), row_of(r, "Far")
        n1, n2 = near["notices"], far["notices"]
        m = r.metrics
        assert n1 + n2 == m["notices_sent"]
        assert m["host_hours_mean"] == pytest.approx((10 * n1 + 100 * n2) / (n1 + n2), rel=REL)
        assert m["pages_removed_within_3_days_share"] == pytest.approx(n1 / (n1 + n2), rel=REL)
        assert m["hotline_hours_mean"] + m["host_hours_mean"] == pytest.approx(
            m["time_to_removal_hours_mean"], rel=REL
        )
        # spare capacity: arrival to notice is the 5-minute assessment plus a rare short wait
        assert ASSESSMENT_MINUTES / 60 - 1e-12 <= m["hotline_hours_mean"] <= ASSESSMENT_MINUTES / 60 + 0.01
        for row, hours in ((near, 10.0), (far, 100.0)):
            assert row["removal_hours_mean"] == pytest.approx(hours, rel=REL)
            assert row["removal_hours_p50"] == pytest.approx(hours, rel=0.005)
            assert row["removed_within_1_hour_share"] == 0.0
            assert row["removed_within_1_day_share"] == (1.0 if hours < 24 else 0.0)
            assert row["removed_within_3_days_share"] == (1.0 if hours < 72 else 0.0)
            assert row["removed_within_28_days_share"] == 1.0
            assert row["rechecks"] == 0 and row["escalations"] == 0
        assert m["rechecks"] == 0 and m["escalations"] == 0


# --- follow-ups and re-checks ---------------------------------------------------------------------

THREE_DELAYS = [
    host("Quick", 1 / 3, "direct", 10),  # removed before its follow-up at 24 h: never re-checked
    host("Middle", 1 / 3, "partner_hotline", 36),  # up at 24 h, removed before 48 h: one re-check
    host("Slow", 1 / 3, "law_enforcement", 60),  # up at 24 h and 48 h, removed before 72 h: two
]


ESCALATION = fixed(10)  # hours from escalation to removal


def follow_ups(**more: Any) -> dict[str, Any]:
    return {"follow_up_hours": F, "recheck_minutes": RECHECK_MINUTES, **more}


def test_each_page_is_rechecked_once_per_follow_up_it_is_still_up_for() -> None:
    """F = 24 h, fixed delays 10 h, 36 h and 60 h: 0, 1 and 2 re-checks a page, no escalation
    (max_follow_ups unset). A re-check ends 2 minutes (plus a rare wait) after its follow-up, so the
    second follow-up is at 48.03 h, before the 60 h removal, and the third after it."""
    _, results, _ = simulate(hotline(THREE_DELAYS, takedown=follow_ups(), reps=3))
    reps = len(results)
    assert pooled(results, "Quick", "rechecks") == 0
    for country, per_page, lags in (("Middle", 1, [F]), ("Slow", 2, [F, 2 * F])):
        notices = pooled(results, country, "notices")
        rechecks = pooled(results, country, "rechecks")
        tolerance = lag_tolerance(1 / 3, [lag + 0.1 for lag in lags], reps)
        assert abs(rechecks - per_page * notices) <= tolerance, (country, rechecks, notices, tolerance)
    for r in results:
        m = r.metrics
        assert m["escalations"] == 0 and all(h["escalations"] == 0 for h in r.hosts)
        assert m["rechecks"] == sum(h["rechecks"] for h in r.hosts)
        # re-checks never change a removal without escalation
        for country, hours in (("Quick", 10.0), ("Middle", 36.0), ("Slow", 60.0)):
            assert row_of(r, country)["removal_hours_mean"] == pytest.approx(hours, rel=REL)


def test_rechecks_are_analyst_time() -> None:
    """Same seed with and without follow-ups: the same reports are assessed (common random numbers),
    so on-duty hours are equal and the busy hours rise by the re-checks' time, rechecks x 2 / 60 h.
    Only jobs running across the window's edges can differ: at most one per analyst at each edge,
    each at most 5 + 2 minutes, which bounds the differences."""
    with_follow_ups = hotline(THREE_DELAYS, takedown=follow_ups(), reps=2)
    without = hotline(THREE_DELAYS, reps=2)
    _, on, _ = simulate(with_follow_ups)
    _, off, _ = simulate(without)
    edges = 2 * ANALYSTS * (ASSESSMENT_MINUTES + RECHECK_MINUTES) / 60
    for r_on, r_off in zip(on, off, strict=True):
        m, base = r_on.metrics, r_off.metrics
        assert base["rechecks"] == 0 and base["analyst_recheck_hours"] == 0
        assert base["time_share_rechecking"] == 0
        assert m["rechecks"] > 1000
        recheck_hours = m["rechecks"] * RECHECK_MINUTES / 60
        assert m["analyst_recheck_hours"] == pytest.approx(recheck_hours, abs=edges)
        assert m["analyst_on_duty_hours"] == pytest.approx(base["analyst_on_duty_hours"], rel=REL)
        assert m["analyst_assessing_hours"] == pytest.approx(base["analyst_assessing_hours"], abs=edges)
        on_duty = m["analyst_on_duty_hours"]
        busy_on = m["analyst_assessing_hours"] + m["analyst_recheck_hours"]
        busy_off = base["analyst_assessing_hours"]
        assert busy_on - busy_off == pytest.approx(recheck_hours, abs=2 * edges)
        assert m["analyst_utilisation"] == pytest.approx(busy_on / on_duty, rel=REL)
        assert m["time_share_rechecking"] == pytest.approx(m["analyst_recheck_hours"] / on_duty, rel=REL)
        assert base["analyst_utilisation"] == pytest.approx(busy_off / on_duty, rel=REL)
        # re-checks are viewing: the viewing per analyst-day rises by their hours over the days
        days = m["analyst_days_rostered"] - m["analyst_days_absent"]
        extra_viewing = (
            m["viewing_hours_per_analyst_day_mean"] - base["viewing_hours_per_analyst_day_mean"]
        ) * days
        assert extra_viewing == pytest.approx(recheck_hours, abs=2 * edges)


def viewing_cap_case(recheck_priority: int) -> dict[str, Any]:
    """1 analyst 24/7 with a 2-hour daily viewing cap, 1000 reports waiting at time 0 (no arrivals,
    all actionable, priority 1), fixed 6-minute assessments, pages removed 30 h after notice,
    follow-ups after 24 h 1 min, 2-minute re-checks. 10 days, no warm-up."""
    return {
        "scenario": {"name": "cap", "horizon_days": 10.0, "warmup_days": 0.0, "replications": 2, "seed": 4},
        "intake": {
            "initial_backlog": 1000,
            "sources": {"public": {"reports_per_day": 0.0, "actionable_share": 1.0, "priority": 1}},
        },
        "analysts": {"count": 1, "schedule": "24/7", "max_viewing_hours_per_day": 2.0},
        "assessment": {"time_minutes": fixed(6.0)},
        "takedown": {
            "hosts": [host("NL", 1.0, "partner_hotline", 30)],
            "follow_up_hours": 24 + 1 / 60,
            "recheck_minutes": RECHECK_MINUTES,
            "recheck_priority": recheck_priority,
        },
    }


def test_rechecks_count_towards_the_viewing_cap() -> None:
    """Re-checks first (priority 0 before the reports' 1): each day the analyst views assessments
    and re-checks until the 2-hour cap, the last job overrunning it by at most 6 minutes, so the
    viewing minutes 6 x assessed + 2 x rechecks lie in [10 x 120, 10 x 126). Were re-checks not
    viewing, exactly 20 assessments a day would fit (200 in all) whatever the re-checks."""
    _, results, _ = simulate(viewing_cap_case(recheck_priority=0))
    for r in results:
        m = r.metrics
        assessed, rechecks = m["reports_assessed"], m["rechecks"]
        assert rechecks > 50
        minutes = 6 * assessed + RECHECK_MINUTES * rechecks
        assert 10 * 120 <= minutes < 10 * 126, (assessed, rechecks)
        assert assessed < 200
        assert m["analyst_recheck_hours"] == pytest.approx(rechecks * RECHECK_MINUTES / 60, rel=REL)
        assert m["analyst_assessing_hours"] == pytest.approx(assessed * 0.1, rel=REL)
        assert m["viewing_hours_per_analyst_day_mean"] * 10 == pytest.approx(minutes / 60, rel=REL)
        assert m["viewing_hours_per_analyst_day_max"] < 2.1 + 1e-9


@pytest.mark.parametrize("recheck_priority", [1, 2], ids=["same-class-fifo", "less-urgent"])
def test_rechecks_wait_behind_reports_of_their_class_or_a_more_urgent_one(recheck_priority: int) -> None:
    """Re-checks in the reports' class (queued after the 1000 reports waiting since time 0, first in
    first out) or a less urgent one never reach the analyst while reports wait: exactly 20
    assessments a day (2 h / 6 min), 200 in all, and no re-check."""
    _, results, _ = simulate(viewing_cap_case(recheck_priority))
    for r in results:
        m = r.metrics
        assert m["reports_assessed"] == 200
        assert m["rechecks"] == 0 and m["analyst_recheck_hours"] == 0
        assert m["backlog_end"] == 800


def test_follow_ups_that_find_every_page_removed_change_nothing() -> None:
    """Every delay (10 h) is shorter than F (24 h): no page is up at its follow-up, so there is no
    re-check and every number equals the run without follow-ups."""
    hosts = [host("A", 0.5, "direct", 10), host("B", 0.5, "partner_hotline", 10)]
    escalating = follow_ups(max_follow_ups=1, escalation_removal_hours=ESCALATION)
    _, on, _ = simulate(hotline(hosts, takedown=escalating, reps=2))
    _, off, _ = simulate(hotline(hosts, reps=2))
    same_numbers(on, off)


# --- escalation ---------------------------------------------------------------------------------

ESCALATED = [
    host("Quick", 0.25, "direct", 10),  # removed before the first follow-up
    host("Middle", 0.25, "partner_hotline", 36),  # one re-check, then removed
    host("Slow", 0.25, "law_enforcement", 100),  # up at both re-checks: escalated, removed 10 h later
    host("Late", 0.25, "partner_hotline", 55),  # escalated too, but its own removal (55 h) is earlier
]


WINDOW_HOURS = (24 - 4) * 24.0  # the measured window of `hotline`'s defaults


def late_share_tolerance(share: float, lag_hours: float, notices: float) -> float:
    """Z standard deviations of the share of one replication's notices sent in the last `lag_hours`
    (a Poisson count of mean rate x lag among `notices`)."""
    return Z * math.sqrt(NOTICES_PER_HOUR * share * lag_hours) / notices


def test_pages_are_escalated_after_max_follow_ups_rechecks() -> None:
    """max_follow_ups = 2, F = 24 h, escalation delay 10 h. Slow (100 h) and Late (55 h) pages are up
    at the re-checks ending at 24 h + 2 min and 48 h + 4 min (plus rare waits): escalated there, so
    Slow pages are removed at 58 h + 4 min = min(100, 48.07 + 10) and Late ones keep their 55 h.
    Middle pages get one re-check and Quick ones none; neither is escalated.

    A Slow page noticed in the last 48.07 h of the window is not escalated by the horizon: its
    scheduled removal (not cut at the horizon) stays at 100 h. That is the share `late` of Slow
    notices beyond 3 days, about 48.07 / 480, and the Slow mean is (1 - late) x 58.07 + late x 100."""
    data = hotline(ESCALATED, takedown=follow_ups(max_follow_ups=2, escalation_removal_hours=ESCALATION))
    _, results, summary = simulate(data)
    reps = len(results)
    for country in ("Quick", "Middle"):
        assert pooled(results, country, "escalations") == 0, country
    assert pooled(results, "Quick", "rechecks") == 0
    expected = {"Middle": (1, 0, [F]), "Slow": (2, 1, [F, 2 * F]), "Late": (2, 1, [F, 2 * F])}
    for country, (per_page, escalated, lags) in expected.items():
        notices = pooled(results, country, "notices")
        tolerance = lag_tolerance(0.25, [lag + 0.2 for lag in lags], reps)
        assert abs(pooled(results, country, "rechecks") - per_page * notices) <= tolerance, country
        escalation_tolerance = lag_tolerance(0.25, [2 * F + 0.2], reps)
        assert abs(pooled(results, country, "escalations") - escalated * notices) <= escalation_tolerance
    escalated_at = 2 * F + 2 * RECHECK_MINUTES / 60
    for r in results:
        m = r.metrics
        assert m["escalations"] == sum(h["escalations"] for h in r.hosts) > 0
        assert m["rechecks"] == sum(h["rechecks"] for h in r.hosts)
        for country, hours in (("Quick", 10.0), ("Middle", 36.0), ("Late", 55.0)):
            assert row_of(r, country)["removal_hours_mean"] == pytest.approx(hours, rel=REL), country
        slow = row_of(r, "Slow")
        late = 1.0 - slow["removed_within_3_days_share"]
        assert late == pytest.approx(
            escalated_at / WINDOW_HOURS, abs=late_share_tolerance(0.25, escalated_at, slow["notices"])
        )
        # waits for an analyst only make the escalated removals later; with this spare capacity, by little
        escalated_mean = (slow["removal_hours_mean"] - late * 100.0) / (1.0 - late)
        assert escalated_at + 10 - 1e-9 <= escalated_mean <= escalated_at + 10 + 0.05
        assert slow["removal_hours_p50"] == pytest.approx(escalated_at + 10, rel=0.005, abs=0.05)
    # the summary of escalations: about one per Slow or Late notice a replication
    assert summary["escalations"].mean > 0.4 * summary["notices_sent"].mean


def test_max_follow_ups_zero_escalates_at_the_first_follow_up_without_rechecks() -> None:
    """max_follow_ups = 0: a page up at its first follow-up (24 h) is escalated then, with no
    re-check: removed at min(d, 24 + 10) = 34 h for Middle (36 h), Slow (100 h) and Late (55 h)
    pages; Quick ones (10 h) are never followed up. Pages noticed in the last 24 h of the window
    keep their own delay (the horizon comes first): a share `late` of about 24 / 480, so a host's
    mean is 34 + late x (d - 34); for Slow, late is exactly its share beyond 3 days."""
    data = hotline(ESCALATED, takedown=follow_ups(max_follow_ups=0, escalation_removal_hours=ESCALATION))
    _, results, _ = simulate(data)
    reps = len(results)
    escalated = F + 10
    for r in results:
        m = r.metrics
        assert m["rechecks"] == 0 and m["analyst_recheck_hours"] == 0
        assert row_of(r, "Quick")["removal_hours_mean"] == pytest.approx(10.0, rel=REL)
        assert row_of(r, "Quick")["escalations"] == 0
        slow = row_of(r, "Slow")
        late = 1.0 - slow["removed_within_3_days_share"]
        assert slow["removal_hours_mean"] == pytest.approx(escalated + late * (100 - escalated), rel=REL)
        for country, hours in (("Middle", 36.0), ("Slow", 100.0), ("Late", 55.0)):
            row = row_of(r, country)
            late = (row["removal_hours_mean"] - escalated) / (hours - escalated)
            tolerance = late_share_tolerance(0.25, F, row["notices"])
            assert late == pytest.approx(F / WINDOW_HOURS, abs=tolerance), country
            assert row["removal_hours_p50"] == pytest.approx(escalated, rel=0.005), country
    for country in ("Middle", "Slow", "Late"):
        notices = pooled(results, country, "notices")
        assert abs(pooled(results, country, "escalations") - notices) <= lag_tolerance(0.25, [F], reps)


def test_escalation_delay_defaults_to_the_law_enforcement_route() -> None:
    """Without escalation_removal_hours, escalated pages take [takedown.routes.law_enforcement]'s
    delay: the same numbers as writing that delay as escalation_removal_hours."""
    explicit = hotline(
        ESCALATED, takedown=follow_ups(max_follow_ups=1, escalation_removal_hours=ESCALATION), reps=2
    )
    by_route = hotline(
        ESCALATED,
        takedown=follow_ups(max_follow_ups=1, routes={"law_enforcement": {"removal_hours": ESCALATION}}),
        reps=2,
    )
    _, a, _ = simulate(explicit)
    _, b, _ = simulate(by_route)
    same_numbers(a, b)
    assert sum(r.metrics["escalations"] for r in a) > 0


# --- files: follow-ups off are byte-identical; tables add up -------------------------------------

COMPARED_FILES = (
    "summary.csv",
    "replications.csv",
    "takedown_by_country.csv",
    "takedown_by_route.csv",
    "timeseries.csv",
)


def run_cli(tmp_path: Path, name: str, data: dict[str, Any], reps: int = 2, seed: int = 8) -> Path:
    path = write_scenario(tmp_path / f"{name}.toml", data)
    out = tmp_path / name
    result = hotline_sim_here(
        "run", path, "--out", out, "-n", str(reps), "--seed", str(seed), "--no-plots", "-q", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    return out


def test_follow_ups_off_is_byte_identical_to_a_file_without_the_keys(tmp_path: Path) -> None:
    """No follow_up_hours: recheck_minutes, recheck_priority (a class no report uses), an escalation
    delay, a route default no host uses and re-uploads with share 0 change nothing at all."""
    hosts = [
        host("NL", 0.6, "partner_hotline", {"dist": "lognormal", "mean": 104.0, "cv": 1.5}),
        host("GB", 0.4, "direct", EMPIRICAL_DIRECT),
    ]
    plain = hotline(hosts, horizon_days=10, warmup_days=2)
    dormant = hotline(
        hosts,
        horizon_days=10,
        warmup_days=2,
        takedown={
            "recheck_minutes": 7.0,
            "recheck_priority": 3,
            "escalation_removal_hours": fixed(5),
            "routes": {"law_enforcement": {"removal_hours": fixed(700)}},
        },
        reuploads={"share": 0.0, "hash_block_share": 0.4, "source": "public"},
    )
    first = run_cli(tmp_path, "plain", plain)
    second = run_cli(tmp_path, "dormant", dormant)
    for name in COMPARED_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    _, rows = read_csv(first / "replications.csv")
    assert {row["rechecks"] for row in rows} == {"0"}
    assert {row["escalations"] for row in rows} == {"0"}


def test_takedown_tables_add_up_to_the_summary(tmp_path: Path) -> None:
    """takedown_by_country.csv and takedown_by_route.csv (means over replications): the countries'
    notices, removals, re-checks and escalations sum to the summary's; each route's row sums its
    countries; a route with a single country repeats that country's row."""
    data = hotline(
        [
            host("NL", 0.4, "partner_hotline", {"dist": "lognormal", "mean": 104.0, "cv": 1.5}),
            host("DE", 0.3, "partner_hotline", 36),
            host("GB", 0.2, "direct", EMPIRICAL_DIRECT),
            host("XX", 0.1, "law_enforcement", 100),
        ],
        takedown=follow_ups(max_follow_ups=2, escalation_removal_hours=ESCALATION),
        horizon_days=12,
        warmup_days=3,
    )
    out = run_cli(tmp_path, "tables", data, reps=3)
    header, countries = read_csv(out / "takedown_by_country.csv")
    assert header == HOST_COLUMNS
    assert [row["country"] for row in countries] == ["NL", "DE", "GB", "XX"]
    route_header, routes = read_csv(out / "takedown_by_route.csv")
    assert route_header == ROUTE_COLUMNS
    assert sorted(row["route"] for row in routes) == ["direct", "law_enforcement", "partner_hotline"]
    _, summary_rows = read_csv(out / "summary.csv")
    summary = {row["metric"]: float(row["mean"] or "nan") for row in summary_rows}
    for column, metric in (
        ("notices", "notices_sent"),
        ("removed", "pages_removed"),
        ("rechecks", "rechecks"),
        ("escalations", "escalations"),
    ):
        total = sum(float(row[column]) for row in countries)
        assert total == pytest.approx(summary[metric], rel=1e-8), column
        assert sum(float(row[column]) for row in routes) == pytest.approx(summary[metric], rel=1e-8), column
        for route in routes:
            of_route = [row for row in countries if row["route"] == route["route"]]
            expected = sum(float(row[column]) for row in of_route)
            assert float(route[column]) == pytest.approx(expected, rel=1e-8), (route["route"], column)
    assert summary["escalations"] > 0 and summary["rechecks"] > 0
    by_country = {row["country"]: row for row in countries}
    for route in routes:
        single = {"direct": "GB", "law_enforcement": "XX"}.get(route["route"])
        if single:
            assert [route[c] for c in ROUTE_COLUMNS[1:]] == [by_country[single][c] for c in ROUTE_COLUMNS[1:]]
    timeseries_header, days = read_csv(out / "timeseries.csv")
    assert {"fast_tracked", "merged"} <= set(timeseries_header)
    assert len(days) == 12


@pytest.mark.parametrize(
    "hours, within", [(1.0, "1_hour"), (24.0, "1_day"), (72.0, "3_days"), (672.0, "28_days")]
)
def test_a_delay_exactly_at_a_limit_counts_as_within_it(hours: float, within: str) -> None:
    """`removed_within_X_share` is delay <= X over the drawn delay itself, so a fixed delay of
    exactly X is within X for every page, and just outside the shorter limits."""
    _, results, summary = simulate(hotline([host("GB", 1.0, "direct", hours)], horizon_days=10, reps=2))
    limits = ["1_hour", "1_day", "3_days", "28_days"]
    for r in results:
        row = row_of(r, "GB")
        for name in limits:
            expected = 1.0 if limits.index(name) >= limits.index(within) else 0.0
            assert row[f"removed_within_{name}_share"] == expected, name
        assert row["removal_hours_mean"] == hours
    assert summary["pages_removed_within_3_days_share"].mean == (1.0 if hours <= 72 else 0.0)


@pytest.mark.slow
def test_reuploads_come_back_after_the_removal_whatever_the_follow_ups() -> None:
    """A re-upload is due `delay_days` after the removal. Escalation that never comes first
    (a 10,000-hour escalation delay) must not move it to the next follow-up or re-check: the
    re-upload counts equal those without escalation, page for page (same seed)."""
    reuploads = {"share": 1.0, "delay_days": fixed(0.25), "hash_block_share": 1.0}
    follow_ups = {"follow_up_hours": 24.0}
    plain = hotline([host("GB", 1.0, "direct", 30.0)], takedown=follow_ups, reuploads=reuploads)
    escalating = hotline(
        [host("GB", 1.0, "direct", 30.0)],
        takedown={**follow_ups, "max_follow_ups": 5, "escalation_removal_hours": fixed(10_000.0)},
        reuploads=reuploads,
    )
    _, a, _ = simulate(plain)
    _, b, _ = simulate(escalating)
    for ra, rb in zip(a, b, strict=True):
        for metric in ("pages_reuploaded", "reuploads_blocked", "pages_removed"):
            assert ra.metrics[metric] == rb.metrics[metric], metric
        # the same removals, recorded in another order: equal sums to rounding
        assert ra.metrics["time_to_removal_hours_mean"] == pytest.approx(
            rb.metrics["time_to_removal_hours_mean"], rel=1e-12
        )
        assert ra.metrics["pages_reuploaded"] > 0 and rb.metrics["escalations"] == 0

"""Workforce realism: breaks, viewing cap, absence, priorities, capacity windows, surges, proactive
searching, headcount changes, holidays and a starting backlog.

Every expected number is derived by hand from the stated semantics (the derivation is in a comment
next to it), never copied from a simulation run. Deterministic cases (fixed assessment times under a
standing backlog) are checked exactly, up to float noise; statistical cases use fixed seeds and
tolerances from theory: `Z` binomial or Poisson standard errors, or the replication CI half-width
plus 3 % of the theoretical value for queueing formulas (as in `test_theory.py`).

Model time is in hours; time 0 is Monday 00:00 of day 0, so day d is a weekday when d % 7 < 5.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

from sim.stats.erlang import erlang_c, mean_wait
from tests.conftest import simulate, with_changes

Z = 3.5  # standard errors allowed in a statistical check
RELATIVE_TOLERANCE = 0.03  # as in test_theory.py: warm-up bias and histogram resolution
HOUR_TOLERANCE = 1e-6  # sums of many float durations (hours)
EXACT = 1e-9  # the model's own tie tolerance (hours)

WEEKDAYS = {"days": "mon-fri", "start": "08:00", "end": "16:00"}
DAILY = {"days": "daily", "start": "08:00", "end": "16:00"}
NO_ARRIVALS = {"public": {"reports_per_day": 0.0, "actionable_share": 0.5}}
TIME_SHARES = ("assessing", "break", "searching", "other", "idle")


def hotline(
    *,
    horizon_days: float,
    count: int,
    schedule: Any,
    minutes: float | dict[str, Any],
    sources: dict[str, Any] | None = None,
    reps: int = 2,
    seed: int = 1,
    warmup_days: float = 0.0,
    analysts: dict[str, Any] | None = None,
    intake: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A scenario dict; `minutes` is a fixed assessment time or a distribution table."""
    time = {"dist": "fixed", "value": float(minutes)} if isinstance(minutes, int | float) else minutes
    chosen = copy.deepcopy(sources if sources is not None else NO_ARRIVALS)
    return {
        "scenario": {
            "name": "workforce",
            "horizon_days": float(horizon_days),
            "warmup_days": float(warmup_days),
            "replications": reps,
            "seed": seed,
        },
        "intake": {"sources": chosen, **(intake or {})},
        "analysts": {"count": count, "schedule": schedule, **(analysts or {})},
        "assessment": {"time_minutes": time},
    }


def weekdays(n_days: int) -> np.ndarray:
    """Mask of the weekdays among days 0..n_days-1 (day 0 is a Monday)."""
    return np.arange(n_days) % 7 < 5


def assert_books_balance(m: dict[str, float]) -> None:
    """Conservation of reports and of analyst time."""
    assert m["reports_received"] == m["reports_merged"] + m["reports_queued"]
    assert (
        m["reports_assessed"] + m["backlog_end"] + m["in_assessment_end"]
        == m["reports_queued"] + m["backlog_start"] + m["in_assessment_start"]
    )
    on_duty = m["analyst_on_duty_hours"]
    shares = [m[f"time_share_{name}"] for name in TIME_SHARES]
    assert all(s >= -EXACT for s in shares), shares
    assert sum(shares) == pytest.approx(1.0, abs=1e-9)
    assert m["analyst_utilisation"] == pytest.approx(m["time_share_assessing"], abs=1e-12)
    for name, hours in (
        ("break", "analyst_break_hours"),
        ("searching", "analyst_searching_hours"),
        ("other", "analyst_other_hours"),
        ("assessing", "analyst_assessing_hours"),
    ):
        assert m[f"time_share_{name}"] * on_duty == pytest.approx(m[hours], abs=HOUR_TOLERANCE)


# --- (a) breaks and the viewing cap: exact daily capacity ----------------------------------------


def one_analyst_with_backlog(minutes: float, *, breaks: bool, cap: float | None) -> dict[str, Any]:
    """1 analyst, mon-fri 08:00-16:00, fixed assessments, 2000 reports waiting, no arrivals, 2 weeks.

    2000 > any day's capacity x 10 weekdays, so the queue never empties: counts are capacity.
    """
    analysts: dict[str, Any] = {}
    if breaks:
        analysts["breaks"] = {"every_minutes": 60.0, "length_minutes": 10.0}
    if cap is not None:
        analysts["max_viewing_hours_per_day"] = cap
    return hotline(
        horizon_days=14,
        count=1,
        schedule=WEEKDAYS,
        minutes=minutes,
        analysts=analysts,
        intake={"initial_backlog": 2000},
    )


def test_breaks_and_viewing_cap_give_exact_daily_capacity() -> None:
    """Breaks 10 min every 60, cap 5 h, 6-minute assessments: 50 a weekday, 5 h viewing, 1 h breaks.

    08:00-09:00 10 assessments (the 10th ends at 09:00, 60 min on duty: break 09:00-09:10),
    09:10-10:10 10 (break 10:10-10:20), 10:20-11:20 10 (break -11:30), 11:30-12:30 10 (break -12:40),
    12:40-13:40 10: 50 assessments = 5 h of viewing at 13:40, the cap: none starts after that.
    Breaks go on: 13:40 (60 min after 12:40), 14:50 (60 after 13:50); the one due at 16:00 is cut to
    nothing. So a weekday is 5 h assessing + 6 x 10 min = 1 h of breaks + 8 - 5 - 1 = 2 h of other
    work, no idle time; two weeks have 10 weekdays.
    """
    _, results, summary = simulate(one_analyst_with_backlog(6, breaks=True, cap=5.0))
    work = weekdays(14)
    for r in results:
        assessed = r.timeseries["assessed"]
        assert assessed[work].tolist() == [50] * 10
        assert assessed[~work].tolist() == [0] * 4
        m = r.metrics
        assert m["reports_assessed"] == 500
        assert m["analyst_on_duty_hours"] == pytest.approx(80.0, abs=HOUR_TOLERANCE)
        assert m["analyst_assessing_hours"] == pytest.approx(50.0, abs=HOUR_TOLERANCE)
        assert m["analyst_break_hours"] == pytest.approx(10.0, abs=HOUR_TOLERANCE)
        assert m["analyst_other_hours"] == pytest.approx(20.0, abs=HOUR_TOLERANCE)
        assert m["analyst_searching_hours"] == pytest.approx(0.0, abs=HOUR_TOLERANCE)
        expected_shares = {"assessing": 0.625, "break": 0.125, "searching": 0.0, "other": 0.25, "idle": 0.0}
        for name, share in expected_shares.items():
            assert m[f"time_share_{name}"] == pytest.approx(share, abs=1e-9), name
        # viewing per duty day is exactly the cap (50 x 0.1 h), every one of the 10 duty days
        assert abs(m["viewing_hours_per_analyst_day_max"] - 5.0) <= EXACT
        assert abs(m["viewing_hours_per_analyst_day_mean"] - 5.0) <= EXACT
        assert m["analyst_days_rostered"] == 10
        assert m["analyst_days_absent"] == 0
        # the 2000 reports wait from time 0 (not received), all of them until Monday 08:00
        assert m["reports_received"] == 0
        assert m["backlog_start"] == 2000
        assert m["backlog_peak"] == 2000
        assert math.isnan(m["backlog_clear_days"])  # 500 of 2000 done: never clears
        assert_books_balance(m)
    assert summary["backlog_never_cleared_replications"].mean == len(results)


@pytest.mark.parametrize(
    ("minutes", "per_weekday", "overrun_hours"),
    [
        # 60 on, 10 off from 08:00: work periods 08:00-09:00, 09:10-10:10, 10:20-11:20, 11:30-12:30,
        # 12:40-13:40, 13:50-14:50, 15:00-16:00 = 7 h of work; each period ends exactly as an
        # assessment ends, so 7 x 12 = 84 (5 min) and 7 x 10 = 70 (6 min), no overrun.
        (5, 84, 0.0),
        (6, 70, 0.0),
        # 11 min: 60 min on duty is reached during the 6th assessment, which ends at 66 min, then the
        # break (never interrupting one): cycles of 6 x 11 + 10 = 76 min from 08:00, 08:00 + 76k for
        # k = 0..6; the 7th cycle (15:36) starts 3 assessments (15:36, 15:47, 15:58), the last
        # finished at 16:09. 6 x 6 + 3 = 39, 6 breaks of 10 min, 9 min of overrun.
        (11, 39, 9 / 60),
    ],
)
def test_breaks_without_cap_give_exact_daily_capacity(
    minutes: int, per_weekday: int, overrun_hours: float
) -> None:
    """Breaks 10 min after every 60 on duty, no cap: exact assessments per weekday and time split."""
    _, results, _ = simulate(one_analyst_with_backlog(minutes, breaks=True, cap=None))
    work = weekdays(14)
    assessing_per_day = per_weekday * minutes / 60
    # on duty = 8 h rostered + overrun = assessing + 1 h of breaks (no idle, no other work)
    assert assessing_per_day + 1.0 == pytest.approx(8.0 + overrun_hours, abs=1e-12)
    for r in results:
        assessed = r.timeseries["assessed"]
        assert assessed[work].tolist() == [per_weekday] * 10
        assert assessed[~work].tolist() == [0] * 4
        m = r.metrics
        assert m["analyst_break_hours"] == pytest.approx(10.0, abs=HOUR_TOLERANCE)
        assert m["analyst_assessing_hours"] == pytest.approx(10 * assessing_per_day, abs=HOUR_TOLERANCE)
        assert m["analyst_on_duty_hours"] == pytest.approx(10 * (8.0 + overrun_hours), abs=HOUR_TOLERANCE)
        assert m["analyst_other_hours"] == pytest.approx(0.0, abs=HOUR_TOLERANCE)
        assert m["time_share_idle"] == pytest.approx(0.0, abs=1e-9)
        assert m["viewing_hours_per_analyst_day_max"] == pytest.approx(assessing_per_day, abs=EXACT)
        assert_books_balance(m)


def test_viewing_cap_overruns_by_at_most_the_assessment_in_progress() -> None:
    """Cap 5 h, no breaks, 7-minute assessments: 42 x 7 = 294 min < 300, so a 43rd starts; 301 min.

    So 43 a weekday, viewing 301/60 h on every duty day, and 8 - 301/60 h of other work (ending at
    13:01, well inside the shift: no overrun).
    """
    _, results, _ = simulate(one_analyst_with_backlog(7, breaks=False, cap=5.0))
    work = weekdays(14)
    viewing = 43 * 7 / 60
    for r in results:
        assert r.timeseries["assessed"][work].tolist() == [43] * 10
        m = r.metrics
        assert m["viewing_hours_per_analyst_day_max"] == pytest.approx(viewing, abs=EXACT)
        assert m["viewing_hours_per_analyst_day_mean"] == pytest.approx(viewing, abs=EXACT)
        assert m["analyst_other_hours"] == pytest.approx(10 * (8.0 - viewing), abs=HOUR_TOLERANCE)
        assert m["analyst_break_hours"] == pytest.approx(0.0, abs=HOUR_TOLERANCE)
        assert m["analyst_on_duty_hours"] == pytest.approx(80.0, abs=HOUR_TOLERANCE)
        assert_books_balance(m)


def test_viewing_per_duty_day_counts_the_last_duty_day() -> None:
    """1 analyst 24/7 for 2 days, 1-hour assessments, 30 waiting: duty day 0 (00-24) views 24 h,
    duty day 1 (24-48, ending at the horizon) views the remaining 6 h: mean 15, max 24.
    Assessments end at 1, 2, ..., 30 h: 23 on day 0 (the one ending at 24:00 is day 1's), 7 on day 1.
    """
    data = hotline(horizon_days=2, count=1, schedule="24/7", minutes=60, intake={"initial_backlog": 30})
    _, results, _ = simulate(data)
    for r in results:
        m = r.metrics
        assert r.timeseries["assessed"].tolist() == [23, 7]
        assert m["viewing_hours_per_analyst_day_max"] == pytest.approx(24.0, abs=EXACT)
        assert m["viewing_hours_per_analyst_day_mean"] == pytest.approx(15.0, abs=EXACT)
        assert_books_balance(m)


# --- (b) absence ---------------------------------------------------------------------------------


def absence_scenario(share: float) -> dict[str, Any]:
    """40 analysts on daily 08:00-16:00 shifts for 28 days, fixed 1-hour assessments, a standing backlog.

    Each present analyst does exactly 8 assessments a duty day (08-09, ..., 15-16); at most
    40 x 28 x 8 = 8960 in all, fewer than the 12000 waiting, so the queue never empties.
    """
    return hotline(
        horizon_days=28,
        count=40,
        schedule=DAILY,
        minutes=60,
        seed=5,
        analysts={"absence_share": share},
        intake={"initial_backlog": 12000},
    )


def test_absence_is_binomial_and_removes_its_share_of_capacity() -> None:
    """absence_share 0.2: absent / rostered within Z binomial SEs of 0.2, capacity falls to ~0.8x.

    Rostered: 40 analysts x 28 duty days = 1120 a replication (absence does not change it).
    Under the standing backlog, assessed = 8 x (rostered - absent) exactly, every day a multiple
    of 8. Independent absences: present analysts a day ~ Binomial(40, 0.8), variance 6.4; the
    mean square deviation from 32 over n = 56 days has relative SE sqrt(2 / n) ~ 0.19.
    """
    _, with_absence, _ = simulate(absence_scenario(0.2))
    _, without, _ = simulate(absence_scenario(0.0))
    rostered = absent = assessed = assessed_without = 0.0
    present_per_day = []
    for r, base in zip(with_absence, without, strict=True):
        m = r.metrics
        assert m["analyst_days_rostered"] == 40 * 28
        assert m["reports_assessed"] == 8 * (m["analyst_days_rostered"] - m["analyst_days_absent"])
        daily = r.timeseries["assessed"]
        assert np.all(daily % 8 == 0) and np.all(daily <= 8 * 40)
        present_per_day += (daily / 8).tolist()
        rostered += m["analyst_days_rostered"]
        absent += m["analyst_days_absent"]
        assessed += m["assessed_per_day_mean"]
        assessed_without += base.metrics["assessed_per_day_mean"]
        # no absence: exactly 0 absent and the full 8 x 40 every day
        assert base.metrics["analyst_days_absent"] == 0
        assert base.metrics["analyst_days_rostered"] == 40 * 28
        assert base.metrics["reports_assessed"] == 8 * 40 * 28
        assert_books_balance(m)
    se = math.sqrt(0.2 * 0.8 / rostered)
    assert abs(absent / rostered - 0.2) <= Z * se
    # capacity ratio = 1 - absent share, so the same binomial SE applies
    assert abs(assessed / assessed_without - 0.8) <= Z * se
    n = len(present_per_day)
    spread = float(np.mean((np.asarray(present_per_day) - 32.0) ** 2)) / 6.4
    assert abs(spread - 1.0) <= Z * math.sqrt(2 / n), spread


# --- (c) priorities ------------------------------------------------------------------------------


def test_priority_classes_agree_with_the_non_preemptive_priority_formula() -> None:
    """M/M/2 at rho = 0.95 split evenly between priority 0 and priority 1 (equal exponential service).

    Non-preemptive priority M/M/c, equal service rates (Cobham): with sigma_k the cumulative load
    of classes <= k over c mu, W_k = C(c, a) / (c mu) / ((1 - sigma_{k-1}) (1 - sigma_k)).
    Class 0 (FIFO within the class): while any class-0 report waits all servers are busy, so its
    queue is M/M/1 with rates lambda_0 and c mu, and P(W_0 > t) = C exp(-c mu (1 - sigma_0) t):
    its p95 is ln(C / 0.05) / (c mu (1 - sigma_0)) (another order within the class would change
    this tail but not the mean). Work conservation keeps the overall mean at Erlang C.
    """
    servers, mu, rho = 2, 12.0, 0.95
    lam = rho * servers * mu / 2  # per class, per hour
    sources = {
        "urgent": {"reports_per_day": lam * 24, "actionable_share": 0.5, "priority": 0},
        "routine": {"reports_per_day": lam * 24, "actionable_share": 0.5, "priority": 1},
    }
    data = hotline(
        horizon_days=60,
        warmup_days=3,
        count=servers,
        schedule="24/7",
        minutes={"dist": "exponential", "mean": 5.0},
        sources=sources,
        reps=8,
        seed=21,
    )
    _, results, summary = simulate(data)
    c_wait = erlang_c(servers, 2 * lam / mu)
    sigma0, sigma1 = lam / (servers * mu), 2 * lam / (servers * mu)
    base = c_wait / (servers * mu)
    theory = {
        "wait_hours_mean_priority_0": base / (1 - sigma0),
        "wait_hours_mean_priority_1": base / ((1 - sigma0) * (1 - sigma1)),
        "wait_hours_p95_priority_0": math.log(c_wait / 0.05) / (servers * mu * (1 - sigma0)),
        "wait_hours_mean": mean_wait(servers, 2 * lam, mu),
    }
    for metric, value in theory.items():
        s = summary[metric]
        assert abs(s.mean - value) <= s.half_width + RELATIVE_TOLERANCE * value, (metric, s, value)
    first, second = summary["wait_hours_mean_priority_0"], summary["wait_hours_mean_priority_1"]
    assert first.ci95_high < second.ci95_low
    for r in results:
        m = r.metrics
        assert m["reports_assessed_priority_0"] + m["reports_assessed_priority_1"] == m["reports_assessed"]
        assert_books_balance(m)


def test_initial_backlog_mixes_sources_by_rate_and_priority_orders_it() -> None:
    """2000 waiting at time 0 from sources at 0.3 and 0.1 reports a day: 3/4 priority 0, 1/4 priority 1.

    Pooled over 2 replications, class-0 assessments ~ Binomial(4000, 0.75) (SE ~ 27), plus the
    few arrivals of the day (Poisson, mean 0.4 a replication; 5 allowed). 20 analysts, 1-minute
    assessments, 24/7: all 2000 start within 100 minutes, class 0 (about 1500, in the first 75
    rounds) before class 1, so class 0 waits less on average.
    """
    sources = {
        "hi": {"reports_per_day": 0.3, "actionable_share": 0.5, "priority": 0},
        "lo": {"reports_per_day": 0.1, "actionable_share": 0.5, "priority": 1},
    }
    data = hotline(
        horizon_days=1,
        count=20,
        schedule="24/7",
        minutes=1,
        sources=sources,
        seed=4,
        intake={"initial_backlog": 2000},
    )
    _, results, _ = simulate(data)
    first_class = 0.0
    for r in results:
        m = r.metrics
        assert m["backlog_start"] == 2000
        assert m["reports_received"] <= 5  # the backlog is not received in the window
        assert m["reports_assessed"] == 2000 + m["reports_queued"]
        assert m["wait_hours_mean_priority_0"] < m["wait_hours_mean_priority_1"]
        first_class += m["reports_assessed_priority_0"]
        assert_books_balance(m)
    n = 2000 * len(results)
    assert abs(first_class - 0.75 * n) <= Z * math.sqrt(n * 0.75 * 0.25) + 5


# --- (d) capacity windows ------------------------------------------------------------------------


@pytest.mark.parametrize("team", [10, 7])
def test_capacity_window_halves_the_daily_capacity(team: int) -> None:
    """Window [14, 28) at available_share 0.5, daily 08:00-16:00 shifts, 1-hour assessments, overload.

    Outside the window each analyst does 8 a day: 8 x team. In it, the rota puts floor or ceil of
    0.5 x team on duty each day, and each analyst works 0.5 x 14 = 7 of its 14 days, so the window
    has 0.5 x team x 14 analyst-days: mean assessed per window day = 0.5 x the mean outside, exactly.
    Arrivals 200 a day > 80 a day of capacity plus 500 waiting: the queue never empties.
    """
    data = hotline(
        horizon_days=35,
        count=team,
        schedule=DAILY,
        minutes=60,
        sources={"public": {"reports_per_day": 200.0, "actionable_share": 0.5}},
        seed=9,
        analysts={"capacity_windows": [{"start_day": 14.0, "end_day": 28.0, "available_share": 0.5}]},
        intake={"initial_backlog": 500},
    )
    _, results, summary = simulate(data)
    days = np.arange(35)
    inside = (days >= 14) & (days < 28)
    allowed = {8 * math.floor(0.5 * team), 8 * math.ceil(0.5 * team)}
    for r in results:
        assessed = r.timeseries["assessed"]
        assert assessed[~inside].tolist() == [8 * team] * 21
        assert set(assessed[inside].tolist()) <= allowed
        assert assessed[inside].sum() == 8 * 0.5 * team * 14
        assert assessed[inside].mean() / assessed[~inside].mean() == pytest.approx(0.5, abs=1e-12)
        m = r.metrics
        assert m["analyst_days_rostered"] == team * 21 + 0.5 * team * 14
        assert math.isnan(m["backlog_clear_days"])  # overloaded throughout
        assert_books_balance(m)
    assert summary["backlog_never_cleared_replications"].mean == len(results)


# --- (e) surges ----------------------------------------------------------------------------------


def test_surge_multiplies_arrivals_in_its_window() -> None:
    """200 a day, x 2.5 on [10, 20) of 30 days. Pooled over 3 replications the window's arrivals
    are Poisson(3 x 10 x 500 = 15000) and the rest Poisson(3 x 20 x 200 = 12000); the ratio of
    daily rates has relative SE sqrt(1/15000 + 1/12000) ~ 1.2 %.
    """
    data = hotline(
        horizon_days=30,
        count=1,
        schedule="24/7",
        minutes=5,
        sources={"public": {"reports_per_day": 200.0, "actionable_share": 0.5}},
        reps=3,
        seed=13,
        intake={"surges": [{"start_day": 10.0, "end_day": 20.0, "multiplier": 2.5}]},
    )
    _, results, _ = simulate(data)
    days = np.arange(30)
    inside = (days >= 10) & (days < 20)
    arrivals_in = sum(float(r.timeseries["arrivals"][inside].sum()) for r in results)
    arrivals_out = sum(float(r.timeseries["arrivals"][~inside].sum()) for r in results)
    expected_in, expected_out = 3 * 10 * 200 * 2.5, 3 * 20 * 200
    assert abs(arrivals_in - expected_in) <= Z * math.sqrt(expected_in)
    assert abs(arrivals_out - expected_out) <= Z * math.sqrt(expected_out)
    ratio = (arrivals_in / 10) / (arrivals_out / 20)
    assert abs(ratio - 2.5) <= Z * 2.5 * math.sqrt(1 / expected_in + 1 / expected_out)
    for r in results:
        assert r.metrics["reports_received"] == r.timeseries["arrivals"].sum()
        assert_books_balance(r.metrics)


@pytest.mark.parametrize("named", [["a"], None], ids=["only-a", "all-sources"])
def test_surge_changes_only_the_sources_it_names(named: list[str] | None) -> None:
    """Sources a and b at 100 a day; x 3 on [10, 20) for `named` (default: every Poisson source).

    Each source has its own arrival stream and arrivals come by inversion of Lambda(t), so against
    the same seed without the surge: days 0-9 are identical; in the window each surged source adds
    (3 - 1) x 100 x 10 = 2000 on average, b adds nothing unless surged. Standard error of the
    difference, whatever the correlation between the two runs' counts (>= 0): sqrt(3000 + 1000)
    per surged source. After day 20 both runs are Poisson(1000) per source: difference 0 +-
    sqrt(2 x 1000) per surged source.
    """
    sources = {
        "a": {"reports_per_day": 100.0, "actionable_share": 0.5},
        "b": {"reports_per_day": 100.0, "actionable_share": 0.5},
    }
    surge: dict[str, Any] = {"start_day": 10.0, "end_day": 20.0, "multiplier": 3.0}
    if named is not None:
        surge["sources"] = named
    base = hotline(horizon_days=30, count=2, schedule="24/7", minutes=5, sources=sources, seed=17)
    surged = with_changes(base, intake={"surges": [surge]})
    _, base_results, _ = simulate(base)
    _, surge_results, _ = simulate(surged)
    k = 1 if named == ["a"] else 2  # sources surged
    for plain, more in zip(base_results, surge_results, strict=True):
        difference = more.timeseries["arrivals"] - plain.timeseries["arrivals"]
        assert difference[:10].tolist() == [0.0] * 10
        extra = float(difference[10:20].sum())
        assert abs(extra - k * 2000) <= Z * math.sqrt(k * 4000), extra
        after = float(difference[20:].sum())
        assert abs(after) <= Z * math.sqrt(k * 2000), after
        total = more.metrics["reports_received"] - plain.metrics["reports_received"]
        assert total == difference.sum()


# --- (f) proactive searching ---------------------------------------------------------------------


def proactive_source(share: float, finds: float, **extra: Any) -> dict[str, Any]:
    """The proactive source's table."""
    return {
        "kind": "proactive",
        "actionable_share": 0.5,
        "search_share": share,
        "finds_per_search_hour": finds,
        **extra,
    }


@pytest.mark.parametrize("with_breaks", [False, True], ids=["no-breaks", "breaks"])
def test_search_time_and_finds_follow_the_search_share(with_breaks: bool) -> None:
    """3 analysts 24/7 for 10 days, search_share 0.25 in 30-minute blocks, 4 finds a search hour,
    light Poisson load (24 a day), 5-minute assessments; optionally 15-minute breaks every 2 h.

    Owed O = 0.25 x (on duty - breaks) - searched. A block starts only when O >= 0.5 h and pays
    at most (1 - 0.25) x its length, so O never goes below 0: searched <= owed. O passes 0.5 h
    only while the analyst finishes an assessment (+ 0.25 x 5 min) or sits out a break
    (+ 0.25 x 15 min at most), so at the horizon each analyst is short by at most
    0.5 + 0.25 x (1/12 + 1/4) h. Finds given search time S are Poisson(4 S); the Poisson source's
    reports are Poisson(240) a replication.
    """
    analysts: dict[str, Any] = {}
    if with_breaks:
        analysts["breaks"] = {"every_minutes": 120.0, "length_minutes": 15.0}
    sources = {
        "public": {"reports_per_day": 24.0, "actionable_share": 0.5},
        "search": proactive_source(0.25, 4.0),
    }
    data = hotline(
        horizon_days=10,
        count=3,
        schedule="24/7",
        minutes=5,
        sources=sources,
        reps=3,
        seed=31,
        analysts=analysts,
    )
    _, results, _ = simulate(data)
    searched = found = public = 0.0
    shortfall_bound = 3 * (0.5 + 0.25 * (5 / 60 + (15 / 60 if with_breaks else 0.0)))
    for r in results:
        m = r.metrics
        assert m["analyst_on_duty_hours"] == pytest.approx(3 * 240.0, abs=HOUR_TOLERANCE)
        if not with_breaks:
            assert m["analyst_break_hours"] == 0
        owed = 0.25 * (m["analyst_on_duty_hours"] - m["analyst_break_hours"])
        shortfall = owed - m["analyst_searching_hours"]
        assert -HOUR_TOLERANCE <= shortfall <= shortfall_bound, (owed, m["analyst_searching_hours"])
        assert m["analyst_other_hours"] == pytest.approx(0.0, abs=HOUR_TOLERANCE)  # no viewing cap
        searched += m["analyst_searching_hours"]
        found += m["reports_found"]
        public += m["reports_received"] - m["reports_found"]
        assert_books_balance(m)
    assert abs(found - 4.0 * searched) <= Z * math.sqrt(4.0 * searched)
    expected_public = 24.0 * 10 * len(results)
    assert abs(public - expected_public) <= Z * math.sqrt(expected_public)


def test_search_share_takes_its_share_of_capacity_under_overload() -> None:
    """2 analysts 24/7 for 96 h, fixed 10-minute assessments, 2000 waiting (more than 1152 capacity).

    Without searching each analyst assesses back to back: between 96 / (1/6) - 1 = 575 and 576
    end in the window. Searching 0.25 takes precedence after the assessment in progress, so each
    analyst searches S in [0.25 x 96 - (0.5 + 0.25/6), 24] h (previous test), assesses 96 - S h,
    and n in [(96 - S) / (1/6) - 1, (96 - S) / (1/6)] end: [431, 435.25] per analyst, about 0.75x.
    """
    base = hotline(
        horizon_days=4, count=2, schedule="24/7", minutes=10, seed=2, intake={"initial_backlog": 2000}
    )
    searching = with_changes(base)
    searching["intake"]["sources"] = {**NO_ARRIVALS, "search": proactive_source(0.25, 2.0)}
    _, without, _ = simulate(base)
    _, with_search, _ = simulate(searching)
    for plain, busy in zip(without, with_search, strict=True):
        assert 2 * 575 <= plain.metrics["reports_assessed"] <= 2 * 576
        m = busy.metrics
        assert 2 * 431 <= m["reports_assessed"] <= 2 * (72 + 0.5 + 0.25 / 6) * 6
        assert m["time_share_idle"] == pytest.approx(0.0, abs=1e-9)
        assert_books_balance(m)


def test_search_when_idle_fills_idle_time() -> None:
    """search_when_idle: with an empty queue an analyst searches until a report arrives.

    Proactive source only (share 0.1, 1 find a search hour), 2 analysts 24/7, 5-minute
    assessments: no analyst is ever idle; searching far exceeds what is owed (0.1 of on duty);
    finds stay Poisson in search time.
    """
    sources = {"search": proactive_source(0.1, 1.0, search_when_idle=True)}
    data = hotline(horizon_days=5, count=2, schedule="24/7", minutes=5, sources=sources, seed=8)
    _, results, _ = simulate(data)
    searched = found = 0.0
    for r in results:
        m = r.metrics
        assert m["time_share_idle"] == pytest.approx(0.0, abs=1e-9)
        # searching and assessing fill the time; assessing ~ (1/12 h per find) x 1 find an hour
        assert m["analyst_searching_hours"] > 0.5 * m["analyst_on_duty_hours"]
        assert m["reports_received"] == m["reports_found"]
        searched += m["analyst_searching_hours"]
        found += m["reports_found"]
        assert_books_balance(m)
    assert abs(found - searched) <= Z * math.sqrt(searched)


def test_idle_analyst_searches_what_it_owes_on_time() -> None:
    """No reports at all, 1 analyst 24/7 for 2 days, search_share 0.25, 30-minute blocks, no finds.

    Owed reaches 0.5 h at 2 h; the analyst is free, so it searches 2:00-2:30 (owed 0.625 - 0.5 =
    0.125), reaches 0.5 again 1.5 h later: blocks start at 2k h, k = 1..23 (the 24th is due at the
    horizon). Searching = 23 x 0.5 = 11.5 h, the rest idle.
    """
    sources = {**NO_ARRIVALS, "search": proactive_source(0.25, 0.0)}
    data = hotline(horizon_days=2, count=1, schedule="24/7", minutes=5, sources=sources, seed=8)
    _, results, _ = simulate(data)
    for r in results:
        m = r.metrics
        assert m["analyst_searching_hours"] == pytest.approx(11.5, abs=HOUR_TOLERANCE)
        assert m["time_share_idle"] == pytest.approx(1 - 11.5 / 48, abs=1e-9)
        assert_books_balance(m)


def test_search_when_idle_searches_all_the_time_there_is_nothing_else() -> None:
    """search_when_idle, no reports and no finds: 1 analyst 24/7 for 2 days searches all 48 h
    (searching owed blocks or searching because idle, searching all the same; in the window up
    to the horizon), never idle.
    """
    sources = {**NO_ARRIVALS, "search": proactive_source(0.1, 0.0, search_when_idle=True)}
    data = hotline(horizon_days=2, count=1, schedule="24/7", minutes=5, sources=sources, seed=8)
    _, results, _ = simulate(data)
    for r in results:
        m = r.metrics
        assert m["analyst_searching_hours"] == pytest.approx(48.0, abs=HOUR_TOLERANCE)
        assert m["time_share_idle"] == pytest.approx(0.0, abs=1e-9)
        assert_books_balance(m)


# --- (g) headcount changes and holidays ----------------------------------------------------------


def team_of_two(days: int, **analysts: Any) -> dict[str, Any]:
    """2 analysts mon-fri 08:00-16:00, fixed 6-minute assessments (80 each a weekday), 5000 waiting."""
    return hotline(
        horizon_days=days,
        count=2,
        schedule=WEEKDAYS,
        minutes=6,
        seed=3,
        analysts=analysts,
        intake={"initial_backlog": 5000},
    )


def check_days(results: list, expected: list[int], rostered: int) -> None:
    """Every replication assesses exactly `expected` per day and has `rostered` analyst-days."""
    for r in results:
        assert r.timeseries["assessed"].tolist() == expected
        assert r.metrics["analyst_days_rostered"] == rostered
        assert_books_balance(r.metrics)


def test_hire_on_a_monday_adds_a_full_analyst() -> None:
    """+1 on day 14 (a Monday), ramp 0: 2 x 80 = 160 a weekday before, 3 x 80 = 240 from day 14."""
    _, results, _ = simulate(team_of_two(21, changes=[{"day": 14, "count_delta": 1, "ramp_days": 0.0}]))
    expected = [0 if d % 7 >= 5 else (240 if d >= 14 else 160) for d in range(21)]
    check_days(results, expected, rostered=2 * 10 + 3 * 5)


def test_holidays_stop_the_shift_and_leave_other_days_alone() -> None:
    """Holidays on day 3 (Thu) and 9 (Wed): 0 assessed those days, 160 on every other weekday."""
    _, results, _ = simulate(team_of_two(14, holidays=[3, 9]))
    expected = [0 if d % 7 >= 5 or d in (3, 9) else 160 for d in range(14)]
    check_days(results, expected, rostered=2 * 8)


def test_ramp_up_and_most_recent_hire_leaves_first() -> None:
    """+1 on day 7 with ramp_days 10, -1 on day 14, -1 on day 16.

    The hire's share of full output on duty day d: min(1, (24 d + 12 - 168) / 240) = (d - 7 + 0.5)
    / 10, so it does 80 x that = 4, 12, 20, 28, 36 on days 7-11 (it assesses at full speed for that
    share of the 8 hours, then trains; each count is whole). The day-14 leaver is the
    hire (the most recently joined): 160 on days 14-15 (were an original to leave instead, day 14
    would have 80 + 80 x 0.75 = 140); the day-16 leaver leaves one analyst: 80 on days 16-18.
    Rostered analyst-days: 5 x 2 + 5 x 3 + 2 x 2 + 3 x 1 = 32.
    """
    changes = [
        {"day": 7, "count_delta": 1, "ramp_days": 10.0},
        {"day": 14, "count_delta": -1},
        {"day": 16, "count_delta": -1},
    ]
    _, results, _ = simulate(team_of_two(21, changes=changes))
    expected = [160] * 5 + [0, 0] + [160 + 4, 160 + 12, 160 + 20, 160 + 28, 160 + 36] + [0, 0]
    expected += [160, 160, 80, 80, 80, 0, 0]
    check_days(results, expected, rostered=32)


# --- (h) clearing a starting backlog -------------------------------------------------------------


@pytest.mark.parametrize(
    ("waiting", "servers", "minutes"),
    [(100, 3, 15), (50, 4, 60), (100, 3, 10), (7, 7, 30)],
)
def test_backlog_clears_when_the_last_waiting_report_starts(waiting: int, servers: int, minutes: int) -> None:
    """N waiting, no arrivals, c analysts 24/7, fixed a: rounds of c start every a hours, so the last
    waiting report starts at (ceil(N / c) - 1) x a hours; no surge or window: counted from time 0.
    """
    data = hotline(
        horizon_days=2,
        count=servers,
        schedule="24/7",
        minutes=minutes,
        seed=6,
        intake={"initial_backlog": waiting},
    )
    _, results, summary = simulate(data)
    expected_days = (math.ceil(waiting / servers) - 1) * minutes / 60 / 24
    for r in results:
        m = r.metrics
        assert abs(m["backlog_clear_days"] - expected_days) <= EXACT
        assert m["backlog_start"] == waiting
        assert m["reports_received"] == 0
        assert m["reports_assessed"] == waiting
        assert m["backlog_end"] == m["in_assessment_end"] == 0
        assert waiting - servers <= m["backlog_peak"] <= waiting
        assert_books_balance(m)
    assert summary["backlog_never_cleared_replications"].mean == 0


def test_backlog_clear_days_count_from_the_end_of_the_last_window() -> None:
    """Capacity window [0, 2) with available_share 0: nobody works days 0-1. 4 analysts, daily
    08:00-16:00, 1-hour assessments, 100 waiting: 32 start a day on days 2, 3, 4, the last 4 at
    08:00 of day 5 = 128 h, so (128 - 48) / 24 days after the window ends. Rostered: 5 x 4 = 20.
    """
    data = hotline(
        horizon_days=7,
        count=4,
        schedule=DAILY,
        minutes=60,
        seed=6,
        analysts={"capacity_windows": [{"start_day": 0.0, "end_day": 2.0, "available_share": 0.0}]},
        intake={"initial_backlog": 100},
    )
    _, results, _ = simulate(data)
    for r in results:
        m = r.metrics
        assert abs(m["backlog_clear_days"] - 80 / 24) <= EXACT
        assert m["analyst_days_rostered"] == 20
        assert r.timeseries["assessed"].tolist() == [0, 0, 32, 32, 32, 4, 0]


def test_backlog_clear_days_count_from_the_end_of_the_last_surge() -> None:
    """A surge on [0, 2 h) (of a source with no arrivals): 10 waiting, 2 analysts 24/7, 1-hour
    assessments; the last starts at (5 - 1) x 1 = 4 h, 2 h after the surge ends: 1/12 day.
    """
    data = hotline(
        horizon_days=1,
        count=2,
        schedule="24/7",
        minutes=60,
        seed=6,
        intake={
            "initial_backlog": 10,
            "surges": [{"start_day": 0.0, "end_day": 2 / 24, "multiplier": 3.0}],
        },
    )
    _, results, _ = simulate(data)
    for r in results:
        assert abs(r.metrics["backlog_clear_days"] - 2 / 24) <= EXACT


def test_backlog_that_never_clears_is_nan_and_counted() -> None:
    """1 analyst 24/7, 1-hour assessments, 100 waiting, 2 days: at most 48 start, never clears."""
    data = hotline(
        horizon_days=2, count=1, schedule="24/7", minutes=60, seed=6, intake={"initial_backlog": 100}
    )
    _, results, summary = simulate(data)
    for r in results:
        assert math.isnan(r.metrics["backlog_clear_days"])
        assert r.metrics["backlog_end"] > 0
        assert_books_balance(r.metrics)
    s = summary["backlog_never_cleared_replications"]
    assert (s.mean, s.replications) == (len(results), len(results))


# --- (i) every new key at its off value changes nothing ------------------------------------------


def all_keys_off(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with every new key written out at its off value."""
    out = with_changes(
        data,
        analysts={"absence_share": 0.0, "capacity_windows": [], "changes": [], "holidays": []},
        intake={"surges": [], "initial_backlog": 0},
    )
    for source in out["intake"]["sources"].values():
        source["priority"] = 0
    return out


@pytest.mark.parametrize("schedule", ["24/7", WEEKDAYS], ids=["mmc", "weekday-shifts"])
def test_new_keys_at_their_off_values_change_nothing(mmc: Any, schedule: Any) -> None:
    """Byte-identical metrics and daily series with the new keys absent or explicitly off."""
    plain = with_changes(mmc(3, 0.8, 10, 1, 2, 7), analysts={"count": 3, "schedule": schedule})
    if schedule != "24/7":
        plain["intake"]["sources"]["public"]["reports_per_day"] = 150.0
    _, plain_results, _ = simulate(plain)
    _, off_results, _ = simulate(all_keys_off(plain))
    assert repr([r.metrics for r in plain_results]) == repr([r.metrics for r in off_results])
    for a, b in zip(plain_results, off_results, strict=True):
        for name, series in a.timeseries.items():
            assert np.array_equal(series, b.timeseries[name]), name
        m = a.metrics
        assert m["reports_found"] == 0
        assert m["analyst_break_hours"] == m["analyst_searching_hours"] == m["analyst_other_hours"] == 0
        assert m["analyst_days_absent"] == 0
        assert m["time_share_idle"] == pytest.approx(1 - m["analyst_utilisation"], abs=1e-9)
        assert_books_balance(m)


# --- regressions found in review -----------------------------------------------------------------


def test_capacity_window_rota_ignores_hires_after_the_window() -> None:
    """The rota in a window turns over the team present that day: a hire long after the window
    changes nothing in it, and floor or ceil of share x team work each day (4 x 0.5 = 2 x 80)."""
    window = [{"start_day": 0, "end_day": 10, "available_share": 0.5}]
    plain = team_of_two(14, capacity_windows=window)
    plain["analysts"]["count"] = 4
    plain["analysts"]["schedule"] = DAILY
    later_hire = copy.deepcopy(plain)
    later_hire["analysts"]["changes"] = [{"day": 12, "count_delta": 4}]
    _, base, _ = simulate(plain)
    _, hired, _ = simulate(later_hire)
    for a, b in zip(base, hired, strict=True):
        assert a.timeseries["assessed"][:10].tolist() == [160] * 10
        assert b.timeseries["assessed"][:12].tolist() == a.timeseries["assessed"][:12].tolist()
        assert b.timeseries["assessed"][12:].tolist() == [640, 640]


def test_starting_backlog_counts_in_the_sla_share_without_warm_up() -> None:
    """10 waiting at time 0, 1 analyst 24/7, fixed 60 minutes, SLA 5 h: report i ends at i + 1 h,
    so 5 of the 10 are assessed within 5 h (the share is 0.5, never above 1)."""
    data = hotline(horizon_days=2, count=1, schedule="24/7", minutes=60, intake={"initial_backlog": 10})
    data["sla"] = {"assessment_hours": 5}
    _, results, _ = simulate(data)
    for r in results:
        assert r.metrics["sla_assessment_share"] == pytest.approx(0.5, abs=1e-12)
        assert_books_balance(r.metrics)


@pytest.mark.parametrize("warmup_hours", [1.0, 1.5, 3.0])
def test_books_balance_when_an_assessment_ends_at_the_warm_up(warmup_hours: float) -> None:
    """Fixed 60-minute assessments from time 0 end exactly at a whole-hour warm-up: the snapshot at
    W is taken before them, so they are in assessment at W and assessed in the window."""
    data = hotline(
        horizon_days=1,
        warmup_days=warmup_hours / 24,
        count=1,
        schedule="24/7",
        minutes=60,
        intake={"initial_backlog": 10},
    )
    _, results, _ = simulate(data)
    for r in results:
        assert r.metrics["in_assessment_start"] == 1
        # started before W: one each hour from 0, those at 0, 1, ..., ceil(W) - 1
        assert r.metrics["backlog_start"] == 10 - math.ceil(warmup_hours)
        assert_books_balance(r.metrics)


def test_ramping_hire_never_holds_a_report_past_its_day() -> None:
    """A hire with a long ramp works a share of each day at full speed and trains for the rest:
    its assessments take the usual 10 minutes, so nothing runs past a shift (no overrun) and no
    duty day views more than its 8 hours."""
    data = team_of_two(14, changes=[{"day": 0, "count_delta": 1, "ramp_days": 60.0}])
    data["assessment"]["time_minutes"] = {"dist": "fixed", "value": 10.0}
    _, results, _ = simulate(data)
    for r in results:
        m = r.metrics
        assert m["analyst_on_duty_hours"] == pytest.approx(3 * 10 * 8, abs=HOUR_TOLERANCE)
        assert m["viewing_hours_per_analyst_day_max"] <= 8 + EXACT
        assert m["analyst_other_hours"] > 0  # the hire's training
        assert_books_balance(m)


def test_estimate_survives_every_report_merged() -> None:
    """duplicate_share = 1 is valid: nothing reaches the queue, and the estimate says so."""
    from sim.experiments.estimate import effective_capacity
    from sim.scenario.schema import scenario_from_dict

    data = hotline(
        horizon_days=2,
        count=2,
        schedule="24/7",
        minutes=5,
        sources={"public": {"reports_per_day": 100.0, "actionable_share": 0.5}},
    )
    data["dedup"] = {"duplicate_share": 1.0}
    estimate = effective_capacity(scenario_from_dict(data))
    assert estimate.demand_reports_per_day == 0 and estimate.wait_hours_mean == 0


@pytest.mark.parametrize("multiplier", [2.5, 0.4])
def test_surge_arms_share_every_arrival_outside_the_window(multiplier: float) -> None:
    """Common random numbers: a surge adds a second process (or thins, below 1) instead of re-timing
    the source, so the daily arrivals outside [10, 20) are identical to the arm without it, and
    inside the window they are the base arrivals times the multiplier (Poisson / binomial noise)."""
    sources = {"public": {"reports_per_day": 200.0, "actionable_share": 0.5}}
    base = hotline(horizon_days=30, count=4, schedule="24/7", minutes=5, sources=sources, seed=21)
    surged = copy.deepcopy(base)
    surged["intake"]["surges"] = [{"start_day": 10, "end_day": 20, "multiplier": multiplier}]
    _, plain, _ = simulate(base)
    _, with_surge, _ = simulate(surged)
    for a, b in zip(plain, with_surge, strict=True):
        before_a, before_b = a.timeseries["arrivals"], b.timeseries["arrivals"]
        outside = np.r_[0:10, 20:30]
        assert before_b[outside].tolist() == before_a[outside].tolist()
        inside_a, inside_b = before_a[10:20].sum(), before_b[10:20].sum()
        expected = multiplier * inside_a
        spread = (
            math.sqrt(abs(multiplier - 1) * inside_a)
            if multiplier > 1
            else math.sqrt(inside_a * multiplier * (1 - multiplier))
        )
        assert abs(inside_b - expected) <= Z * spread

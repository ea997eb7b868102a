"""Arrivals: profiles shape the timing but not the volume; growth compounds as (1 + g) ** years."""

import numpy as np
import pytest

from sim.model.demand import ArrivalProcess, week_profile
from sim.model.streams import Streams
from tests.conftest import simulate, with_changes

HOURS_PER_WEEK = 168


def arrivals(reports_per_day, horizon_days, weekly=None, hourly=None, growth=0.0, seed=1):
    process = ArrivalProcess(reports_per_day, growth, week_profile(weekly, hourly), horizon_days * 24.0)
    rng = Streams(seed, 0).generator("arrivals/test")
    return np.concatenate(list(process.chunks(rng)))


def within_poisson(count, expected, sds=4.0):
    return abs(count - expected) <= sds * np.sqrt(expected)


def test_profile_is_normalised_to_mean_one():
    profile = week_profile([2, 1, 1, 1, 1, 1, 0], [0] * 12 + [5] * 12)
    assert profile.shape == (168,)
    assert profile.mean() == pytest.approx(1.0)


def test_arrival_times_are_sorted_and_inside_the_horizon():
    t = arrivals(500, 30, weekly=[1, 2, 3, 4, 5, 6, 7])
    assert np.all(np.diff(t) >= 0)
    assert t.min() >= 0 and t.max() < 30 * 24


def test_flat_rate_gives_the_expected_volume():
    t = arrivals(1000, 56)
    assert within_poisson(t.size, 56_000)


def test_profiles_change_timing_not_volume():
    weekly = [3, 1, 1, 1, 1, 0.5, 0.5]
    hourly = [0.2] * 8 + [2] * 8 + [1] * 8
    t = arrivals(1000, 56, weekly=weekly, hourly=hourly)
    assert within_poisson(t.size, 56_000)  # volume unchanged
    day_of_week = (t // 24).astype(int) % 7
    monday_share = np.mean(day_of_week == 0)
    assert monday_share == pytest.approx(3 / 8, abs=0.01)  # but Monday has 3/8 of the week
    hour = (t % 24).astype(int)
    assert np.mean((hour >= 8) & (hour < 16)) == pytest.approx(16 / 25.6, abs=0.01)


def test_growth_compounds_year_on_year():
    g = 0.5
    t = arrivals(100, 730, growth=g)
    first = np.sum(t < 365 * 24)
    second = np.sum(t >= 365 * 24)
    # sd of the ratio ~ 1.5 * sqrt(1/36500 + 1/54750) ~ 0.010
    assert second / first == pytest.approx(1 + g, abs=0.04)
    assert within_poisson(first, 100 * 365 * g / np.log(1 + g))


def test_negative_growth_declines():
    t = arrivals(200, 730, growth=-0.4)
    assert np.sum(t >= 365 * 24) / np.sum(t < 365 * 24) == pytest.approx(0.6, abs=0.03)


@pytest.mark.slow
def test_model_timeseries_follows_the_weekly_profile(mmc):
    data = with_changes(mmc(13, 0.5, 28, 0, 2, 3), intake={"weekly_profile": [1, 1, 1, 1, 1, 0, 0]})
    scenario, results, summary = simulate(data)
    series = np.mean([r.timeseries["arrivals"] for r in results], axis=0)
    days = np.arange(series.size)
    assert np.all(series[days % 7 >= 5] == 0)  # no arrivals at weekends
    expected_per_weekday = data["intake"]["sources"]["public"]["reports_per_day"] * 7 / 5
    assert series[days % 7 < 5].mean() == pytest.approx(expected_per_weekday, rel=0.02)
    # the volume over whole weeks is the unshaped one
    per_day = summary["reports_per_day_mean"].mean
    assert per_day == pytest.approx(data["intake"]["sources"]["public"]["reports_per_day"], rel=0.02)


@pytest.mark.slow
def test_volume_multiplier_scales_every_source(mmc):
    base = mmc(13, 0.3, 14, 0, 2, 6)
    base["intake"]["sources"]["referral"] = {"reports_per_day": 200.0, "actionable_share": 0.9}
    doubled = with_changes(base, intake={"volume_multiplier": 2.0})
    _, _, one = simulate(base)
    _, _, two = simulate(doubled)
    ratio = two["reports_received"].mean / one["reports_received"].mean
    assert ratio == pytest.approx(2.0, rel=0.02)


def test_hourly_counts_follow_the_integrated_rate():
    """Exact inversion: counts per hour of the week over many weeks match Lambda's increments."""
    weekly = [1, 2, 1, 1, 1, 0.5, 0.2]
    hourly = [0.1] * 6 + [1.5] * 12 + [0.7] * 6
    process = ArrivalProcess(240, 0.8, week_profile(weekly, hourly), 52 * 168.0)
    t = np.concatenate(list(process.chunks(Streams(3, 0).generator("arrivals/test"))))
    observed = np.bincount(t.astype(int), minlength=52 * 168)
    expected = np.diff(process.cumulative_at_hour)
    # pooled per hour of the week, so each cell has ~ 52 x its hourly mean
    obs_week = observed.reshape(52, 168).sum(axis=0)
    exp_week = expected.reshape(52, 168).sum(axis=0)
    chi2 = np.sum((obs_week - exp_week) ** 2 / exp_week)
    assert chi2 < 168 + 4 * np.sqrt(2 * 168)  # chi-square with 168 dof, ~4 sd
    assert within_poisson(t.size, process.expected_total)


def test_volume_arms_share_their_random_numbers():
    """Arm v maps the same unit-rate sums S_i to its own times: Lambda_v(t_i) is the same S_i."""
    profile = week_profile([1, 1, 1, 1, 1, 0.6, 0.6], None)
    arms = {}
    for volume in (1.0, 1.3):
        process = ArrivalProcess(300 * volume, 0.3, profile, 60 * 24.0)
        t = np.concatenate(list(process.chunks(Streams(9, 0).generator("arrivals/test"))))
        arms[volume] = [process.cumulative(x) for x in t[:2000]]
    assert np.allclose(arms[1.0], arms[1.3], rtol=1e-9)

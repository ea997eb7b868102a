"""Log-binned histograms: percentiles within the stated 0.5 % relative error, exact means."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.stats.histogram import MAX_RELATIVE_ERROR, LogHistogram


def test_stated_resolution_is_half_a_percent():
    assert MAX_RELATIVE_ERROR < 0.005


@given(
    seed=st.integers(0, 10_000),
    sigma=st.floats(0.1, 3.0),
    q=st.sampled_from([0.05, 0.5, 0.9, 0.95, 0.99]),
)
@settings(max_examples=60, deadline=None)
def test_quantiles_within_resolution(seed, sigma, q):
    values = np.random.default_rng(seed).lognormal(0.0, sigma, 2000)
    hist = LogHistogram()
    hist.add(values[:1000])
    hist.add(values[1000:])  # batches add up
    exact = np.quantile(values, q, method="inverted_cdf")
    assert hist.quantile(q) == pytest.approx(exact, rel=MAX_RELATIVE_ERROR + 1e-12)
    assert hist.mean() == pytest.approx(values.mean(), rel=1e-12)
    assert hist.n == 2000


def test_zeros_and_empty():
    hist = LogHistogram()
    assert np.isnan(hist.quantile(0.5)) and np.isnan(hist.mean())
    hist.add([0.0] * 70 + [2.0] * 30)
    assert hist.quantile(0.5) == 0.0
    assert hist.quantile(0.95) == pytest.approx(2.0, rel=MAX_RELATIVE_ERROR)


def test_interpolation_within_the_bin_is_much_finer_than_the_bin():
    """On a large smooth sample the interpolated percentiles are within 0.1 %, a fifth of a bin."""
    values = np.random.default_rng(11).lognormal(0.0, 1.5, 100_000)
    hist = LogHistogram()
    hist.add(values)
    for q in (0.5, 0.9, 0.95, 0.99):
        exact = np.quantile(values, q, method="inverted_cdf")
        assert hist.quantile(q) == pytest.approx(exact, rel=0.001)

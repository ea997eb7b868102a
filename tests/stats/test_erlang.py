"""Erlang C against closed forms that hold for one and two servers."""

import math

import pytest

from sim.stats.erlang import erlang_c, mean_wait, wait_quantile


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.9, 0.99])
def test_one_server_is_mm1(rho):
    assert erlang_c(1, rho) == pytest.approx(rho)
    assert mean_wait(1, rho, 1.0) == pytest.approx(rho / (1.0 - rho))


@pytest.mark.parametrize("rho", [0.2, 0.6, 0.85])
def test_two_servers_closed_form(rho):
    # M/M/2: P(wait) = 2 rho^2 / (1 + rho)
    assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho * rho / (1 + rho))


def test_published_table_value():
    # A classic call-centre example: 10 Erlangs on 11 agents waits with probability 0.6821.
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-5)


def test_overload_waits_forever():
    assert erlang_c(3, 3.0) == 1.0
    assert math.isinf(mean_wait(3, 36.0, 12.0))


def test_wait_quantile_matches_the_tail_formula():
    lam, mu, c = 140.4, 12.0, 13
    p95 = wait_quantile(c, lam, mu, 0.95)
    # P(W > t) = C exp(-(c mu - lam) t)
    assert erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * p95) == pytest.approx(0.05)
    assert wait_quantile(c, lam, mu, 0.2) == 0.0  # most arrivals do not wait at all

"""Erlang C: the M/M/c queue's waiting probability, mean wait and wait quantiles.

>>> round(erlang_c(servers=1, offered_load=0.5), 6)   # M/M/1: P(wait) = rho
0.5
>>> round(mean_wait(servers=1, arrival_rate=0.5, service_rate=1.0), 6)  # rho / (mu - lambda)
1.0
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in M/M/c with `offered_load` = lambda / mu Erlangs."""
    if servers < 1:
        raise ValueError("servers must be >= 1")
    if offered_load < 0:
        raise ValueError("offered_load must be >= 0")
    if offered_load >= servers:
        return 1.0
    # Erlang B by its stable recursion, then C from B.
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    rho = offered_load / servers
    return b / (1.0 - rho + rho * b)


def mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean time in queue (same time unit as the rates); infinite when rho >= 1."""
    load = arrival_rate / service_rate
    if load >= servers:
        return math.inf
    return erlang_c(servers, load) / (servers * service_rate - arrival_rate)


def wait_quantile(servers: int, arrival_rate: float, service_rate: float, q: float) -> float:
    """The q-quantile of the M/M/c wait (0 when q <= 1 - P(wait))."""
    load = arrival_rate / service_rate
    if load >= servers:
        return math.inf
    p_wait = erlang_c(servers, load)
    if q <= 1.0 - p_wait:
        return 0.0
    return math.log(p_wait / (1.0 - q)) / (servers * service_rate - arrival_rate)


# --- a continuous number of servers, for an effective (fractional) team --------------------------


def erlang_c_continuous(servers: float, offered_load: float) -> float:
    """Erlang C for a real number of servers (the continuous extension of Erlang B).

    B(x, a) = a^x e^-a / Gamma(x + 1, a) (upper incomplete gamma), then C from B as for integers;
    it equals `erlang_c` at whole numbers of servers.
    """
    from scipy.special import gammaincc, gammaln

    if servers <= 0:
        raise ValueError("servers must be > 0")
    if offered_load < 0:
        raise ValueError("offered_load must be >= 0")
    if offered_load >= servers:
        return 1.0
    if offered_load == 0:
        return 0.0
    log_b = (
        servers * math.log(offered_load)
        - offered_load
        - gammaln(servers + 1)
        - math.log(gammaincc(servers + 1, offered_load))
    )
    b = math.exp(log_b)
    rho = offered_load / servers
    return b / (1.0 - rho + rho * b)

"""Fixed-size log-binned histograms for percentiles without storing samples.

Bins are log-spaced from 1e-6 h to 1e6 h with a ratio of 1.005 between bin edges. A percentile is
interpolated within its bin (log-linearly, by rank), so it always lies in the same bin as the exact
sample percentile: its relative error is at most 0.5 %, and usually far less, and it moves smoothly
from one replication to the next rather than jumping between bin centres. Values below 1e-6 h
(3.6 ms), zero waits among them, fall in an underflow bin reported as 0; values above 1e6 h in an
overflow bin reported as 1e6 h.
"""

from __future__ import annotations

import math

import numpy as np

from sim.common import libm

LOW_HOURS = 1e-6
HIGH_HOURS = 1e6
RATIO = 1.005
_LOG_LOW = math.log(LOW_HOURS)
_LOG_RATIO = math.log(RATIO)
LOG_BINS = math.ceil((math.log(HIGH_HOURS) - _LOG_LOW) / _LOG_RATIO)
N_BINS = LOG_BINS + 2  # underflow, log bins, overflow
MAX_RELATIVE_ERROR = RATIO - 1.0


# The lower edges of the log bins, computed once through the C library (`sim.common.libm`: numpy's own
# exp and log differ in the last bit on CPUs with AVX-512), so a value falls in the same bin on
# every machine: bin i (1 <= i <= LOG_BINS) holds [edge i - 1, edge i).
_EDGES_HOURS = libm.exp(_LOG_LOW + np.arange(LOG_BINS + 1) * _LOG_RATIO)
# each bin's bounds, [lower, upper): the underflow bin's lower is -inf; the overflow bin's upper is
# +inf, though it holds +inf too
_LOWER_HOURS = np.concatenate(([-math.inf], _EDGES_HOURS))
_UPPER_HOURS = np.concatenate((_EDGES_HOURS, [math.inf]))
_SEARCH_BELOW = 200  # fewer values than this: a binary search each is quicker than the log's set-up


def bin_indices(values_hours: np.ndarray) -> np.ndarray:
    """The bin of each value (0 = underflow, N_BINS - 1 = overflow; NaN: overflow), the index
    `np.searchsorted(_EDGES_HOURS, values_hours, side="right")` gives.

    A binary search over five thousand edges costs about 70 ns a value. For more than a few
    hundred values, the log of a value gives its bin at once (to within one: numpy's log may
    differ from the C library's in the last bit), and comparing it with the bin's exact bounds
    corrects it, so the result is exact on any CPU.
    """
    values = np.asarray(values_hours, dtype=float)
    if values.size < _SEARCH_BELOW:
        return np.searchsorted(_EDGES_HOURS, values, side="right")
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = np.log(np.maximum(values, 0.0))
    estimate -= _LOG_LOW
    estimate /= _LOG_RATIO
    estimate[~(estimate < LOG_BINS)] = LOG_BINS  # NaN and +inf: overflow
    np.maximum(estimate, -1.0, out=estimate)  # log 0 = -inf (and below 0): underflow
    index = np.floor(estimate, out=estimate).astype(np.intp)
    index += 1
    while True:  # move each index one bin at a time towards the bin whose bounds hold its value
        below = values < _LOWER_HOURS[index]
        above = values >= _UPPER_HOURS[index]
        above &= index < N_BINS - 1
        if not (below.any() or above.any()):
            return index
        index -= below
        index += above


def bin_value(index: int) -> float:
    """A bin's representative value: 0 for underflow, 1e6 h for overflow, else its geometric middle."""
    if index <= 0:
        return 0.0
    if index >= N_BINS - 1:
        return HIGH_HOURS
    return math.exp(_LOG_LOW + (index - 0.5) * _LOG_RATIO)


def bin_edges_hours() -> np.ndarray:
    """Lower edges of the log bins (for plotting)."""
    return _EDGES_HOURS.copy()


class LogHistogram:
    """Counts, sum and maximum of non-negative values, with percentiles from the bins."""

    def __init__(self) -> None:
        self.counts = np.zeros(N_BINS, dtype=np.int64)
        self.total = 0.0
        self.n = 0

    def add(self, values_hours: list[float] | np.ndarray) -> None:
        """Add a batch of values (negative rounding noise is clipped to 0)."""
        if len(values_hours) == 0:
            return
        v = np.maximum(np.asarray(values_hours, dtype=float), 0.0)
        self.counts += np.bincount(bin_indices(v), minlength=N_BINS)
        self.total += float(v.sum())
        self.n += int(v.size)

    def mean(self) -> float:
        """Exact mean of the values added (NaN when none)."""
        return self.total / self.n if self.n else math.nan

    def quantile(self, q: float) -> float:
        """The q-quantile (lower inverse CDF) to within the bin resolution (NaN when empty)."""
        if self.n == 0:
            return math.nan
        rank = max(1, math.ceil(q * self.n))
        cumulative = np.cumsum(self.counts)
        index = int(np.searchsorted(cumulative, rank))
        if index <= 0 or index >= N_BINS - 1:
            return bin_value(index)
        before = int(cumulative[index - 1])
        within = (rank - before - 0.5) / int(self.counts[index])  # in (0, 1)
        return math.exp(_LOG_LOW + (index - 1 + within) * _LOG_RATIO)

    @classmethod
    def merged(cls, histograms: list[LogHistogram]) -> LogHistogram:
        """One histogram holding the values of all of `histograms`."""
        out = cls()
        for hist in histograms:
            out.counts += hist.counts
            out.total += hist.total
            out.n += hist.n
        return out

"""Replication control: add replications in batches until the key metrics are precise enough.

In the spirit of Hoad, Robinson and Davies' replication algorithm: after each batch, the relative
half-width of the 95 % confidence interval (half-width / |mean|) of every key metric is checked
against the precision asked for; the first batch that meets it ends the run, as does the maximum.
Batches are of a fixed size that depends only on the starting count (half of it, at least 2), and
replication r always has the streams of (seed, r), so the answer never depends on `--jobs`.

>>> batch_sizes(10, 30)
[10, 5, 5, 5, 5]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from sim.metrics import ReplicationResult
from sim.stats.intervals import summarise

DEFAULT_MAX_REPLICATIONS = 100


def batch_sizes(start: int, maximum: int) -> list[int]:
    """The start, then batches of max(2, ceil(start / 2)) up to `maximum` replications in all."""
    sizes = [min(start, maximum)]
    step = max(2, math.ceil(start / 2))
    while sum(sizes) < maximum:
        sizes.append(min(step, maximum - sum(sizes)))
    return sizes


def relative_half_width(values: Sequence[float]) -> float:
    """Half-width of the 95 % CI over |mean|: 0 for a constant, NaN when undefined (mean 0, no data)."""
    s = summarise(values)
    if s.replications < 2:
        return math.nan
    if s.std == 0:
        return 0.0
    if s.mean == 0:
        return math.inf
    return s.half_width / abs(s.mean)


def imprecise(
    groups: Sequence[Sequence[ReplicationResult]], metrics: Sequence[str], precision: float
) -> list[str]:
    """The metrics whose relative half-width is above `precision` in any group (arm); metrics
    undefined everywhere are not held against the run."""
    worse = []
    for name in metrics:
        widths = [relative_half_width([r.metrics.get(name, math.nan) for r in group]) for group in groups]
        if any(not w <= precision for w in widths if not math.isnan(w)):
            worse.append(name)
    return worse


def replicate(
    run_more: Callable[[int, int], None],
    check: Callable[[], list[str]],
    start: int,
    maximum: int | None,
    screen: tuple[int, Callable[[], bool]] | None = None,
) -> tuple[int, list[str]]:
    """Run replications [0, start), then batch after batch while `check` names imprecise metrics
    and `maximum` allows; `maximum` None means just `start`. Returns the count and what is still
    imprecise (empty when the precision was met).

    With a `screen` (first, settled) whose `first` is below `start`, replications [0, first) run
    before the rest of the first batch, and none after them when `settled()` says so (a staffing
    trial clearly short of its target): the count is then `first`. Replication r has the streams
    of (seed, r) however the batches fall, so a run the screen does not stop is the same run.

    >>> runs = []
    >>> replicate(lambda a, b: runs.append((a, b)), lambda: [], 5, None, (2, lambda: False)), runs
    ((5, []), [(0, 2), (2, 5)])
    >>> replicate(lambda a, b: runs.append((a, b)), lambda: [], 5, None, (2, lambda: True)), runs[2:]
    ((2, []), [(0, 2)])
    """
    done = 0
    if screen is not None and screen[0] < start:
        run_more(0, screen[0])
        done = screen[0]
        if screen[1]():
            return done, []
    end = 0
    for size in batch_sizes(start, maximum if maximum is not None else start):
        end += size
        run_more(done, end)
        done = end
        if maximum is None:
            return done, []
        still = check()
        if not still:
            return done, []
    return done, check()


def precision_note(precision: float | None, still: list[str], metrics) -> str:
    """How replication control ended, for the summary table and summary.md ('' without it)."""
    if precision is None:
        return ""
    if still:
        return f" (the maximum: {', '.join(still)} still above the relative precision {precision:g})"
    return f" (needed for a relative 95 % CI half-width <= {precision:g} on {', '.join(metrics)})"

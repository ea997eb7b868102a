"""Reports join the queue lazily: an arrival is a SimPy event only while an analyst is idle to be
woken by it, and whoever reads the queue brings it up to date first. The results must be exactly
those of the same model with an event at every arrival, whatever reads the queue: analysts, the
day's bookkeeping, the warm-up snapshot, finds and re-uploads joining, the horizon."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
import simpy

from sim.metrics import ReplicationResult
from sim.model.hotline import HotlineModel
from sim.model.intake import ArrivalStream
from sim.model.replication import run_replication
from sim.model.streams import Streams
from sim.scenario.schema import Scenario, load_scenario
from tests.conftest import REPO


class EveryArrivalAnEvent(HotlineModel):
    """The model with its arrival alarm kept at every pending arrival, idle analysts or not: each
    report joins the queue at an event of its own, as in a model without lazy arrivals."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, streams: Streams):
        super().__init__(env, scenario, streams)
        self._arm()

    def _arm(self) -> None:
        if self.next_arrival < self.alarm_at:
            self.alarm_token += 1
            self.alarm_at = self.next_arrival
            delay = max(0.0, self.next_arrival - self.env.now)
            self.env.timeout(delay).callbacks.append(partial(self._alarm, self.alarm_token))


def eager_replication(scenario: Scenario, seed: int, replication: int) -> ReplicationResult:
    env = simpy.Environment()
    return EveryArrivalAnEvent(env, scenario, Streams(seed, replication)).run(replication)


def assert_same(lazy: ReplicationResult, eager: ReplicationResult) -> None:
    assert lazy.metrics.keys() == eager.metrics.keys()
    for name, value in lazy.metrics.items():
        np.testing.assert_equal(value, eager.metrics[name], err_msg=name)
    for name, series in lazy.timeseries.items():
        np.testing.assert_array_equal(series, eager.timeseries[name], err_msg=name)
    np.testing.assert_array_equal(lazy.wait_histogram, eager.wait_histogram)


WEEKEND_ROTA = [
    {"days": "mon-fri", "start": "08:00", "end": "16:00"},
    {"days": "sat,sun", "start": "08:00", "end": "16:00", "analysts": 2},
]
CASES = {
    # a starting backlog read with no warm-up, and weekend analysts who are often idle
    "backlog-weekends": (
        "baseline-2018.toml",
        {"scenario.horizon_days": 45, "scenario.warmup_days": 0, "intake.initial_backlog": 400,
         "analysts.schedule": WEEKEND_ROTA},
    ),
    # priority classes, follow-ups, re-uploads joining, idle searching (finds at idle ends)
    "priorities-takedown": (
        "year-2021.toml",
        {"scenario.horizon_days": 40, "scenario.warmup_days": 5,
         "intake.sources.referral.priority": 0, "intake.sources.proactive.priority": 2,
         "intake.sources.proactive.search_when_idle": True, "takedown.follow_up_hours": 24,
         "takedown.max_follow_ups": 2, "reuploads.share": 0.3,
         "reuploads.delay_days": {"dist": "exponential", "mean": 5}},
    ),
    # two teams with their own skills and shifts: arrivals wake the first team skilled for them
    "two-teams": ("two-teams.toml", {"scenario.horizon_days": 40, "scenario.warmup_days": 5}),
    # a surge (a second arrival stream merged into the public's, days 77-147)
    "surge": ("lockdown-2020.toml", {"scenario.horizon_days": 90, "scenario.warmup_days": 70}),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
@pytest.mark.slow
@pytest.mark.pure_model
def test_lazy_arrivals_give_the_results_of_an_event_per_arrival(case: str) -> None:
    file, overrides = CASES[case]
    scenario = load_scenario(REPO / "scenarios" / file).with_values(overrides)
    for replication in (0, 1):
        assert_same(run_replication(scenario, 7, replication), eager_replication(scenario, 7, replication))


@pytest.mark.parametrize("seed", range(5))
def test_a_stream_hands_over_every_report_once_in_order_and_none_early(seed: int) -> None:
    """Chunks of any size (empty ones too), read at any times, even many chunks at once."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice([0, 1, 3, 50], size=60)
    times = np.cumsum(rng.exponential(1.0, size=int(sizes.sum()))).tolist()
    chunks, start = [], 0
    for size in sizes:
        chunks.append([(t, int(size)) for t in times[start : start + size]])
        start += size
    stream = ArrivalStream(iter(chunks))
    taken, now = [], 0.0
    while stream.next_time < math.inf:
        now += float(rng.choice([0.01, 1.0, 30.0, 500.0]))
        taken += stream.take(now)
        assert taken[-1][0] <= now < stream.next_time if taken else now < stream.next_time
    assert taken == [report for chunk in chunks for report in chunk]

"""Random streams keyed by name, and the replication statistics."""

import numpy as np
import pytest
from scipy import stats as scipy_stats

from sim.model.streams import Streams, stream_key
from sim.stats.intervals import summarise


def test_streams_depend_on_name_not_creation_order():
    a = Streams(5, 2)
    first = a.generator("arrivals/public").random(5)
    b = Streams(5, 2)
    b.generator("a brand new stream").random(100)  # adding a stream changes nothing else
    assert np.array_equal(b.generator("arrivals/public").random(5), first)


def test_streams_differ_by_replication_seed_and_name():
    base = Streams(5, 0).generator("x").random(3)
    assert not np.array_equal(Streams(5, 1).generator("x").random(3), base)
    assert not np.array_equal(Streams(6, 0).generator("x").random(3), base)
    assert not np.array_equal(Streams(5, 0).generator("y").random(3), base)


def test_replication_child_is_the_seedsequence_spawn():
    root = np.random.SeedSequence(42)
    assert Streams(42, 3).replication_sequence.spawn_key == root.spawn(4)[3].spawn_key


def test_stream_key_is_stable():
    assert stream_key("arrivals/public") == stream_key("arrivals/public")
    assert stream_key("arrivals/public") != stream_key("arrivals/proactive")


def test_summary_matches_scipy_t_interval():
    values = np.array([3.1, 2.7, 3.6, 2.9, 3.3, 3.0])
    s = summarise(values)
    low, high = scipy_stats.t.interval(
        0.95, len(values) - 1, loc=values.mean(), scale=scipy_stats.sem(values)
    )
    assert (s.ci95_low, s.ci95_high) == pytest.approx((low, high))
    assert s.std == pytest.approx(values.std(ddof=1))
    assert s.replications == 6


def test_summary_leaves_out_undefined_values():
    s = summarise([1.0, float("nan"), 3.0])
    assert s.replications == 2 and s.mean == 2.0
    empty = summarise([float("nan")] * 3)
    assert empty.replications == 0 and np.isnan(empty.mean)

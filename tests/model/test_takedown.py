"""Takedown: notices routed by host share; removal delays measured without cutting off long ones."""

import numpy as np
import pytest

from sim.stats.intervals import summarise
from tests.conftest import mmc_dict, simulate, with_changes

pytestmark = pytest.mark.slow  # statistical, on one shared run of seconds: CI runs them (pyproject.toml)

LONG = {"dist": "gamma", "mean": 960.0, "cv": 0.4}  # 40 days: many notices of a 90-day window
SHORT = {"dist": "exponential", "mean": 2.0}


def hosts_case():
    return with_changes(
        mmc_dict(4, 0.5, 92, 2, 4, 21),
        takedown={
            "hosts": [
                {"country": "Far", "share": 0.25, "route": "law_enforcement", "removal_hours": LONG},
                {"country": "Near, direct", "share": 0.75, "route": "direct", "removal_hours": SHORT},
            ]
        },
    )


@pytest.fixture(scope="module")
def hosts_run():
    """The 4 replications of `hosts_case`, run once for both tests (which only read them)."""
    return simulate(hosts_case())


def test_removal_delays_are_not_cut_off_at_the_horizon(hosts_run):
    _, results, summary = hosts_run
    far = summarise(
        [next(h for h in r.hosts if h["country"] == "Far")["removal_hours_mean"] for r in results]
    )
    assert far.mean == pytest.approx(960.0, abs=far.half_width + 0.01 * 960)
    for r in results:
        host = next(h for h in r.hosts if h["country"] == "Far")
        # about 40 of the 90 days' notices are still pending at the horizon
        assert 0.45 < host["removed"] / host["notices"] < 0.65
    # time to removal (arrival to removal) includes the host delay: its mean mixes both hosts
    expected = 0.25 * 960.0 + 0.75 * 2.0
    assert summary["time_to_removal_hours_mean"].mean == pytest.approx(expected, rel=0.03)


def test_notices_follow_host_shares_and_country_names_survive_the_csv(hosts_run):
    import csv

    from sim.common.files import csv_text
    from sim.io.run_files import takedown_rows
    from sim.metrics import HOST_COLUMNS

    _, results, _ = hosts_run
    notices = np.array([[h["notices"] for h in r.hosts] for r in results], dtype=float)
    shares = notices.sum(axis=0) / notices.sum()
    assert shares == pytest.approx([0.25, 0.75], abs=0.01)
    assert notices.sum(axis=1).tolist() == [r.metrics["notices_sent"] for r in results]
    text = csv_text(["country", "route", *HOST_COLUMNS], takedown_rows(results))
    rows = list(csv.reader(text.splitlines()))
    assert [row[0] for row in rows[1:]] == ["Far", "Near, direct"]
    assert {len(row) for row in rows} == {2 + len(HOST_COLUMNS)}

"""Tables over time (periods.csv) and `first_period_backlog_grows`."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
import tomli_w

from sim.experiments.execution import run_replications
from sim.scenario.schema import scenario_from_dict
from sim.stats.periods import first_period_backlog_grows
from sim.stats.summaries import summarise_metrics
from tests.conftest import hotline_sim_here, mmc_dict


@pytest.mark.slow
def test_backlog_growth_is_found_where_the_load_crosses_capacity() -> None:
    """5 analysts 24/7 (capacity 1,440 a day) and arrivals 1,080 a day growing by x4/3 every 100 days:
    the load reaches capacity on day 100 (week 14.3). The backlog keeps rising from then on; a queue
    near rho = 1 drifts up a little before, so the first rising week falls within 4 weeks before and
    6 after the crossing, in every replication."""
    data = mmc_dict(5, 0.75, 200, 7, 6, 3)
    data["intake"]["growth_per_year"] = (4 / 3) ** 3.65 - 1
    results = run_replications(scenario_from_dict(data), 6, 3, jobs=2)
    for r in results:
        assert 100 / 7 - 4 <= r.metrics["first_period_backlog_grows"] <= 100 / 7 + 6


@pytest.mark.slow
def test_a_stable_queue_never_grows() -> None:
    """rho = 0.8: in no replication does the backlog rise week after week to the end. Only the last
    weeks decide (at least MIN_RISES rises up to the last whole week), so 9 measured weeks test it
    as 19 did."""
    results = run_replications(scenario_from_dict(mmc_dict(5, 0.8, 70, 7, 6, 3)), 6, 3, jobs=2)
    assert all(math.isnan(r.metrics["first_period_backlog_grows"]) for r in results)
    assert summarise_metrics(results)["first_period_backlog_grows"].replications == 0


def test_rises_must_reach_the_last_whole_period() -> None:
    backlog = np.repeat([9.0, 1, 2, 3, 4, 5, 6, 2], 7)  # a fall in the last whole week
    assert math.isnan(first_period_backlog_grows(backlog, 7, 0))
    backlog = np.append(np.repeat([9.0, 1, 2, 3, 4, 5, 6], 7), [0.0, 0.0])  # a short last period
    assert first_period_backlog_grows(backlog, 7, 0) == 1.0
    assert first_period_backlog_grows(backlog, 7, warmup_days=14) == 2.0  # only measured weeks


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("period", "days"), [("week", 7), ("month", 28)])
def test_periods_csv_adds_up_to_the_daily_series(tmp_path: Path, period: str, days: int) -> None:
    """Periods tile the run from day 0; their arrivals and assessments add up to the daily series;
    the warm-up periods are marked; the SLA share of a period is within [0, 1]."""
    scenario = tmp_path / "s.toml"
    scenario.write_text(tomli_w.dumps(mmc_dict(5, 0.8, 59, 10, 3, 4)), encoding="utf-8")
    result = hotline_sim_here(
        "run", scenario, "--out", tmp_path / "o", "--no-plots", "--period", period, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    rows = read(tmp_path / "o" / "periods.csv")
    daily = read(tmp_path / "o" / "timeseries.csv")
    assert [(int(r["start_day"]), int(r["end_day"])) for r in rows] == [
        (start, min(start + days, 59)) for start in range(0, 59, days)
    ]
    assert [r["in_warmup"] for r in rows] == ["1" if int(r["start_day"]) < 10 else "0" for r in rows]
    for column in ("arrivals", "assessed"):
        total = sum(float(r[f"{column}_mean"]) for r in rows)
        assert total == pytest.approx(sum(float(d[column]) for d in daily), rel=1e-9)
    for r in rows:
        assert 0 <= float(r["sla_assessment_share_mean"]) <= 1
        assert float(r["backlog_peak_end_of_day_mean"]) >= float(r["backlog_end_mean"]) - 1e-9
    # flat arrivals: a whole week brings 7 x 0.8 x 5 x 12 x 24 reports on average
    expected = days * 0.8 * 5 * 12 * 24
    whole = [float(r["arrivals_mean"]) for r in rows if int(r["end_day"]) - int(r["start_day"]) == days]
    assert np.mean(whole) == pytest.approx(expected, rel=4 / math.sqrt(expected * 3 * len(whole)))

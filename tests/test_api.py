"""The Python API: the same numbers and files as the command line, and the tables as DataFrames."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import sim
from sim.scenario import ScenarioError
from tests.conftest import hotline_sim, mmc_dict, with_changes
from tests.scenario_edits import write_scenario

TABLES = (
    "summary.csv",
    "replications.csv",
    "timeseries.csv",
    "takedown_by_country.csv",
    "takedown_by_route.csv",
)


def small() -> dict:
    return with_changes(mmc_dict(3, 0.7, 10, 1, 3, 17), scenario={"name": "api-check"})


def test_run_then_write_gives_the_command_lines_tables(tmp_path: Path) -> None:
    path = write_scenario(tmp_path / "api-check.toml", small())
    cli = hotline_sim("run", path, "-n", "3", "--seed", "5", "--no-plots", "-q", "--out", tmp_path / "cli",
                      cwd=tmp_path)  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    results = sim.run(path, replications=3, seed=5)
    results.write(tmp_path / "api", plots=False)
    for table in TABLES:
        assert (tmp_path / "api" / table).read_bytes() == (tmp_path / "cli" / table).read_bytes(), table
    assert results.seed == 5 and [r.replication for r in results.replications] == [0, 1, 2]


def test_a_dict_and_overrides_by_dotted_key() -> None:
    scenario = sim.load_scenario(small())
    bigger = scenario.with_values({"analysts.count": 5})
    assert (scenario.analysts.count, bigger.analysts.count) == (3, 5)
    base, more = sim.run(scenario, replications=2), sim.run(bigger, replications=2)
    # same seed, same arrivals (common random numbers); more analysts: less waiting
    assert [r.metrics["reports_received"] for r in base.replications] == [
        r.metrics["reports_received"] for r in more.replications
    ]
    assert more.summary["wait_hours_mean"].mean < base.summary["wait_hours_mean"].mean
    with pytest.raises(ScenarioError, match="analysts.count"):
        scenario.with_values({"analysts.count": -1})


def test_tables_as_dataframes_match_the_summaries() -> None:
    pytest.importorskip("pandas")
    results = sim.run(sim.load_scenario(small()), replications=3)
    summary = results.summary_frame()
    assert list(summary.columns) == ["mean", "std", "ci95_low", "ci95_high", "replications"]
    for name, s in results.summary.items():
        row = summary.loc[name]
        assert row["replications"] == s.replications
        assert (math.isnan(s.mean) and math.isnan(row["mean"])) or row["mean"] == s.mean
    per_replication = results.replications_frame()
    assert per_replication.shape == (3, len(results.replications[0].metrics))
    assert per_replication["reports_assessed"].mean() == pytest.approx(
        results.summary["reports_assessed"].mean
    )
    series = results.timeseries_frame()
    assert len(series) == 10 and series.index.name == "day"
    measured = series["arrivals"].iloc[1:].sum()  # one day of warm-up
    assert measured == pytest.approx(results.summary["reports_received"].mean, rel=1e-9)

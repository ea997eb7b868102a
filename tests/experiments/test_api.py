"""The Python API: the same numbers and files as the command line, and the tables as DataFrames."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest

import sim
from sim.scenario.section import ScenarioError
from tests.conftest import hotline_sim_here, mmc_dict, with_changes
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
    cli = hotline_sim_here("run", path, "-n", "3", "--seed", "5", "--no-plots", "-q", "--out",
                           tmp_path / "cli", cwd=tmp_path)  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    results = sim.run(path, replications=3, seed=5)
    sim.write(results, tmp_path / "api", plots=False)
    for table in TABLES:
        assert (tmp_path / "api" / table).read_bytes() == (tmp_path / "cli" / table).read_bytes(), table
    assert results.seed == 5 and [r.replication for r in results.results] == [0, 1, 2]
    cli_manifest = json.loads((tmp_path / "cli" / "manifest.json").read_text(encoding="utf-8"))
    assert (
        cli_manifest["command_line"][:2] == ["hotline-sim", "run"]
        and "--seed" in cli_manifest["command_line"]
    )
    api_manifest = json.loads((tmp_path / "api" / "manifest.json").read_text(encoding="utf-8"))
    assert api_manifest["command_line"] == []  # the Python API, not the process's own arguments


def test_writing_never_changes_the_results_it_is_given(tmp_path: Path) -> None:
    overloaded = mmc_dict(2, 1.3, 6 * 28, 14, 3, 5)  # the backlog grows from the end of the warm-up on
    results = sim.run(overloaded, replications=3, seed=2)
    before = copy.deepcopy(results.results)
    weekly = results.summaries["first_period_backlog_grows"]
    sim.write(results, tmp_path / "months", plots=False, period="month")
    assert repr([r.metrics for r in results.results]) == repr([r.metrics for r in before])
    assert repr(results.summaries["first_period_backlog_grows"]) == repr(weekly)
    sim.write(results, tmp_path / "weeks", plots=False)
    assert (tmp_path / "months" / "summary.csv").read_bytes() != (
        tmp_path / "weeks" / "summary.csv"
    ).read_bytes() or (
        math.isnan(weekly.mean)  # nothing grows in this small case: weeks and months agree on NaN
    )


def test_a_dict_and_overrides_by_dotted_key() -> None:
    scenario = sim.load_scenario(small())
    bigger = scenario.with_values({"analysts.count": 5})
    assert (scenario.analysts.count, bigger.analysts.count) == (3, 5)
    base, more = sim.run(scenario, replications=2), sim.run(bigger, replications=2)
    # same seed, same arrivals (common random numbers); more analysts: less waiting
    assert [r.metrics["reports_received"] for r in base.results] == [
        r.metrics["reports_received"] for r in more.results
    ]
    assert more.summaries["wait_hours_mean"].mean < base.summaries["wait_hours_mean"].mean
    with pytest.raises(ScenarioError, match="analysts.count"):
        scenario.with_values({"analysts.count": -1})


def test_tables_as_dataframes_match_the_summaries() -> None:
    pd = pytest.importorskip("pandas")
    results = sim.run(sim.load_scenario(small()), replications=3)
    summary = results.summary
    assert isinstance(summary, pd.DataFrame) and summary.index.name == "metric"
    assert list(summary.columns) == ["mean", "std", "ci95_low", "ci95_high", "replications"]
    for name, s in results.summaries.items():
        row = summary.loc[name]
        assert row["replications"] == s.replications
        assert (math.isnan(s.mean) and math.isnan(row["mean"])) or row["mean"] == s.mean
    per_replication = results.replications
    assert per_replication.shape == (3, len(results.results[0].metrics))
    assessed = summary.loc["reports_assessed", "mean"]
    assert per_replication["reports_assessed"].mean() == pytest.approx(assessed)
    series = results.timeseries
    assert len(series) == 10 and series.index.name == "day"
    assert list(series.columns)[:4] == ["arrivals", "assessed", "backlog", "removed"]
    measured = series["arrivals"].iloc[1:].sum()  # one day of warm-up
    assert measured == pytest.approx(summary.loc["reports_received", "mean"], rel=1e-9)


@pytest.mark.slow
def test_sweep_staff_and_sensitivity_write_the_command_lines_files(tmp_path: Path) -> None:
    path = write_scenario(tmp_path / "api-check.toml", small())
    common = ("-n", "3", "--seed", "5", "--no-plots", "-q")
    vary = ("--vary", "analysts.count=3,4", "--vary", "intake.volume_multiplier=1,1.2")
    vary = (*vary, "--metric", "wait_hours_mean")
    cli = hotline_sim_here("sweep", path, *vary, *common, "--out", tmp_path / "cli-sweep", cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    done = sim.sweep(path, {"analysts.count": [3, 4], "intake.volume_multiplier": [1, 1.2]},
                     metrics=["wait_hours_mean"], replications=3, seed=5)  # fmt: skip
    sim.write(done, tmp_path / "api-sweep", plots=False)
    for table in ("sweep.csv", "sweep_differences.csv", "sweep.md"):
        assert (tmp_path / "api-sweep" / table).read_bytes() == (tmp_path / "cli-sweep" / table).read_bytes()
    assert [arm.values for arm in done.arms][1] == {"analysts.count": 3, "intake.volume_multiplier": 1.2}
    waits = [s["wait_hours_mean"].mean for s in done.summaries]
    assert waits[0] > waits[2], "a fourth analyst shortens the wait at the same volume"
    assert done.differences[0]["wait_hours_mean"].mean == 0.0, "the baseline arm against itself"

    cli = hotline_sim_here("staff", path, "--target", "wait_hours_mean<=0.2", "--max", "8", *common,
                           "--out", tmp_path / "cli-staff", cwd=tmp_path)  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    staffing = sim.staff(path, "wait_hours_mean<=0.2", high=8, replications=3, seed=5)
    assert cli.stdout.strip().endswith(f"answer: {staffing.answer} analysts")
    sim.write(staffing, tmp_path / "api-staff", plots=False)
    assert (tmp_path / "api-staff" / "staffing.csv").read_bytes() == (
        tmp_path / "cli-staff" / "staffing.csv"
    ).read_bytes()
    below = [t for t in staffing.trials if t.analysts == staffing.answer - 1]
    assert below and not below[0].meets_target and below[0].summaries["wait_hours_mean"].ci95_high > 0.2

    keys = ("--keys", "analysts.count,assessment.time_minutes", "--metric", "wait_hours_mean")
    cli = hotline_sim_here("sensitivity", path, *keys, *common, "--out", tmp_path / "cli-sens", cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    keys_moved = ["analysts.count", "assessment.time_minutes"]
    moved = sim.sensitivity_analysis(path, keys_moved, metrics=["wait_hours_mean"], replications=3, seed=5)
    sim.write(moved, tmp_path / "api-sens", plots=False)
    assert (tmp_path / "api-sens" / "sensitivity.csv").read_bytes() == (
        tmp_path / "cli-sens" / "sensitivity.csv"
    ).read_bytes()


def test_experiments_refuse_bad_requests_before_simulating() -> None:
    from sim.experiments.arms import ExperimentError
    from sim.experiments.staffing import UnreachableTarget

    scenario = sim.load_scenario(small())
    with pytest.raises(ExperimentError, match="^metrics: unknown metric 'no_such_metric'"):
        sim.sweep(scenario, {"analysts.count": [3, 4]}, metrics=["no_such_metric"])
    with pytest.raises(ExperimentError, match="analysts.cuont"):
        sim.sweep(scenario, {"analysts.cuont": [3, 4]})
    with pytest.raises(ExperimentError, match=r"^low 9 is above the most analysts to try \(3\)") as caught:
        sim.staff(scenario, "wait_hours_mean<=1", low=9, high=3)
    assert caught.value.parameter == "low"  # the command line names its option (--min) instead
    weekday = scenario.with_values(
        {"analysts.schedule": {"days": "mon-fri", "start": "08:00", "end": "16:00"}}
    )
    with pytest.raises(UnreachableTarget, match="cannot be met by any number of analysts"):
        sim.staff(weekday, "sla_assessment_share>=0.99")
    with pytest.raises(ExperimentError, match="no scenario file"):
        sim.sensitivity_analysis(scenario)

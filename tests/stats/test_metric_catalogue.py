"""The metric catalogue: one entry per metric the model gives, everything a reader needs in it, the
documentation generated from it, and one check of a metric name that every command uses."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.experiments.arms import ExperimentError
from sim.metrics import (
    CATALOGUE,
    FAMILIES,
    KEY_FIGURES,
    KINDS,
    METRICS,
    PRECISION_METRICS,
    SUMMARY_ONLY,
    UnknownMetric,
    axis_label,
    metric,
    metric_names,
    render_docs,
    summary_names,
    validate_metric,
)
from sim.stats.summaries import summarise_metrics
from tests.conftest import REPO, mmc_dict, with_changes

ROOT = REPO


def two_classes() -> dict:
    """An M/M/2 case with two sources in two priority classes."""
    data = mmc_dict(2, 0.7, 3, 0.5, 2, 4)
    source = data["intake"]["sources"]["public"]
    data["intake"]["sources"] = {
        "public": {**source, "priority": 2},
        "partner": {**source, "reports_per_day": 20.0, "priority": 1},
    }
    return data


def test_the_model_gives_every_metric_of_the_catalogue_and_no_other():
    scenario = sim.load_scenario(two_classes())
    results = sim.run(scenario, replications=2).results
    produced = list(results[0].metrics)
    assert produced == metric_names(scenario)
    assert produced[: len(METRICS)] == list(METRICS)
    for name in produced:
        assert metric(name).name == name
    assert list(summarise_metrics(results)) == summary_names(scenario)


def test_every_entry_says_what_a_reader_needs():
    assert len({m.name for m in CATALOGUE}) == len(CATALOGUE)
    families = {f.name for f in FAMILIES}
    for entry in CATALOGUE:
        assert entry.family in families, entry.name
        assert entry.kind in KINDS, entry.name
        assert entry.unit.strip() and entry.label.strip() and entry.definition.strip(), entry.name
        assert entry.shown_with in ("", "hosts", "proactive", "backlog events"), entry.name
    for name in (*KEY_FIGURES, *PRECISION_METRICS, *SUMMARY_ONLY):
        assert metric(name).name == name
    assert all(metric(name).short for name in KEY_FIGURES), "the console labels every key figure"


def test_a_per_class_metric_has_its_familys_entry_with_the_class_in_words():
    entry = metric("wait_hours_p95_priority_3")
    assert entry.kind == "hours" and "priority class 3" in entry.label
    with pytest.raises(KeyError):
        metric("wait_hours_p99_priority_3")
    with pytest.raises(KeyError):
        metric("not_a_metric")


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("sla_assessment_share", "sla_assessment_share (share, 0 to 1)"),
        ("analyst_utilisation", "analyst_utilisation (share of on-duty time)"),
        ("wait_hours_mean", "wait_hours_mean (hours)"),
        ("reports_found", "reports_found (count)"),
        ("backlog_never_cleared_replications", "backlog_never_cleared_replications (replications)"),
        ("reports_per_day_mean", "reports_per_day_mean (per day)"),
    ],
)
def test_plot_axes_take_the_unit_from_the_catalogue(name: str, label: str):
    assert axis_label(name) == label


def test_docs_metrics_md_is_generated_from_the_catalogue_and_current():
    committed = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert committed == render_docs(), "docs/metrics.md is stale: run `python -m sim.docs --write`"
    for entry in CATALOGUE:
        assert f"| `{entry.name}` | {entry.unit} |" in committed


def test_one_check_of_a_metric_name_with_did_you_mean_and_the_valid_names():
    scenario = sim.load_scenario(mmc_dict(2, 0.7, 3, 0.5, 2, 4))
    assert validate_metric("backlog_never_cleared_replications", [scenario]).name in SUMMARY_ONLY
    with pytest.raises(UnknownMetric) as caught:
        validate_metric("wait_hour_mean", [scenario])
    message = str(caught.value)
    assert "did you mean wait_hours_mean" in message and "sla_assessment_share" in message
    assert "--" not in message  # the library names no command-line option
    with pytest.raises(UnknownMetric):  # a per-class metric needs two classes in the scenario
        validate_metric("wait_hours_mean_priority_1", [scenario])
    assert validate_metric("wait_hours_mean_priority_1", [sim.load_scenario(two_classes())])
    with pytest.raises(UnknownMetric, match="1 of 2 .* do not have it"):  # every scenario, not any
        validate_metric("wait_hours_mean_priority_1", [sim.load_scenario(two_classes()), scenario])


def test_sweep_staff_and_sensitivity_accept_and_refuse_the_same_names(tmp_path: Path):
    data = with_changes(mmc_dict(2, 0.7, 2, 0.5, 2, 4), scenario={"name": "names"})
    scenario = sim.load_scenario(data)
    calls = {
        "sweep": lambda m: sim.sweep(scenario, {"analysts.count": [2, 3]}, metrics=[m], replications=2),
        "staff": lambda m: sim.staff(scenario, f"{m}<=1000000", low=2, high=3, replications=2),
        "sensitivity": lambda m: sim.sensitivity_analysis(
            scenario, keys=["analysts.count"], metrics=[m], replications=2
        ),
    }
    for name, call in calls.items():
        with pytest.raises(ExperimentError) as caught:
            call("wait_hour_mean")
        assert "did you mean wait_hours_mean" in str(caught.value), name
        assert str(caught.value).startswith(("metrics:", "target:")) and "--" not in str(caught.value), name
        assert call("backlog_never_cleared_replications") is not None, name


def test_sensitivity_of_the_never_cleared_count_is_an_exact_count_difference():
    data = with_changes(mmc_dict(2, 0.95, 4, 0, 3, 6), scenario={"name": "never"})
    data["intake"]["initial_backlog"] = 400
    done = sim.sensitivity_analysis(
        sim.load_scenario(data),
        keys=["analysts.count"],
        change=0.5,
        metrics=[SUMMARY_ONLY[0]],
        replications=3,
    )
    rows = {row["move"].direction: row for row in done.rows}
    base = summarise_metrics(done.base)[SUMMARY_ONLY[0]].mean
    for direction, row in rows.items():
        level, difference = row["level"], row["difference"]
        assert level.mean in (0.0, 1.0, 2.0, 3.0) and level.ci95_low == level.ci95_high == level.mean
        assert difference.mean == level.mean - base, direction
    assert rows["down"]["level"].mean >= rows["up"]["level"].mean  # one analyst clears less than three

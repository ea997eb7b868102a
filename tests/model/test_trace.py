"""`run --trace`: the event trace of the first replication agrees with its results and is in order."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import tomli_w

from sim.model.replication import run_replication
from sim.model.trace import EVENTS, traced_replication
from sim.scenario.schema import load_scenario, scenario_from_dict
from tests.conftest import REPO, hotline_sim_here
from tests.model.test_teams import two_sources


def test_trace_is_the_plain_replication_and_its_events_add_up():
    """Tracing draws nothing and changes nothing: the same results; the books of the trace are
    those of the results (assessments, notices, finds), with follow-ups, re-uploads and a backlog on."""
    scenario = load_scenario(REPO / "scenarios" / "baseline-2018.toml").with_values(
        {
            "scenario.horizon_days": 40, "scenario.warmup_days": 5, "intake.initial_backlog": 30,
            "takedown.follow_up_hours": 24, "takedown.max_follow_ups": 2, "reuploads.share": 0.3,
            "reuploads.delay_days": {"dist": "exponential", "mean": 5},
        }
    )  # fmt: skip
    result, rows = traced_replication(scenario, 9, 1)
    np.testing.assert_equal(result.metrics, run_replication(scenario, 9, 1).metrics)  # (NaN = NaN)
    warmup, horizon = scenario.warmup_hours, scenario.horizon_hours
    inside = [row for row in rows if warmup <= row[0] < horizon]
    count = {event: sum(1 for row in inside if row[2] == event) for event in EVENTS}
    assert count["end"] == result.metrics["reports_assessed"]
    assert count["notice"] == result.metrics["notices_sent"]
    assert count["escalation"] == result.metrics["escalations"]
    assert count["arrival"] == result.metrics["reports_received"]
    assert count["merged"] == result.metrics["reports_merged"]
    assert count["re-upload"] == result.metrics["pages_reuploaded"]
    assert all(count[event] > 0 for event in EVENTS), count
    assert sum(1 for row in rows if row[2] == "queued" and row[7] == "waiting at time 0") == 30
    assert {row[2] for row in rows} <= set(EVENTS)


def test_every_report_s_events_are_in_time_order_and_in_the_order_they_happen():
    scenario = load_scenario(REPO / "scenarios" / "year-2021.toml").with_values(
        {"scenario.horizon_days": 20, "scenario.warmup_days": 2}
    )
    _, rows = traced_replication(scenario, 4, 0)
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    steps = ("arrival", "queued", "start", "end", "notice")
    seen: dict[int, list[str]] = {}
    for row in rows:
        if row[2] in steps:
            seen.setdefault(row[3], []).append(row[2])
    assessed = [events for events in seen.values() if "end" in events]
    assert len(assessed) > 1000
    for events in assessed:  # each step once, in the order of the steps (a notice only if actionable)
        assert events == [s for s in steps if s in events] and events[:4] == list(steps[:4]), events


def test_trace_names_teams_and_analysts():
    data = two_sources(
        6.0, 6.0, 5, 2, 3, one={"count": 2, "skills": ["a"]}, two={"count": 3, "skills": ["b"]}
    )
    _, rows = traced_replication(scenario_from_dict(data), 3, 0)
    starts = [row for row in rows if row[2] == "start"]
    assert {(row[4], row[5]) for row in starts} == {("a", "one"), ("b", "two")}
    assert {row[6] for row in starts if row[5] == "two"} == {0, 1, 2}


def test_run_trace_writes_the_first_replication_s_events(tmp_path: Path) -> None:
    """The command line: the trace's assessment ends in the window are replication 0's
    `reports_assessed` in replications.csv, exactly; rows in time order; timestamps from the
    start date."""
    data = two_sources(8.0, 4.0, 6, 2, 2, one={"count": 2, "skills": ["a"]}, two={"count": 2})
    data["scenario"]["start_date"] = "2024-02-28"
    path = tmp_path / "teams.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    result = hotline_sim_here(
        "run", path, "--out", tmp_path / "out", "--no-plots", "--trace", tmp_path / "trace.csv", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "trace of replication 0" in result.stdout
    with open(tmp_path / "trace.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(tmp_path / "out" / "replications.csv", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    assert first["replication"] == "0"
    ends = [r for r in rows if r["event"] == "end" and float(r["time_hours"]) >= 2 * 24]
    assert len(ends) == int(first["reports_assessed"])
    times = [float(r["time_hours"]) for r in rows]
    assert times == sorted(times) and times[-1] < 6 * 24
    assert rows[0]["timestamp"].startswith("2024-02-28T")
    assert any(r["timestamp"].startswith("2024-02-29T") for r in rows)  # a leap day
    assert {r["team"] for r in rows if r["event"] == "start"} == {"one", "two"}

"""`run --trace FILE.csv`: the event trace of a run's first replication, as one CSV file.

Columns: `time_hours` (model hours from 00:00 of day 0), `timestamp` (the same moment as a date and
time when the scenario has `scenario.start_date`, else empty), `event` (`sim.model.trace.EVENTS`),
`report` (the report's number, given at arrival), `source`, `team`, `analyst` (numbered from 0
within its team) and `detail`. Rows are in time order; only events before the horizon are
written. The file is written whole (a temporary file and a rename).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from sim.common.files import atomic_write_text, csv_text, fmt
from sim.model.trace import traced_replication
from sim.scenario.schema import Scenario

TRACE_COLUMNS = ("time_hours", "timestamp", "event", "report", "source", "team", "analyst", "detail")


def write_trace(path: Path, scenario: Scenario, seed: int, replication: int = 0) -> int:
    """Simulate replication `replication` of `scenario` with the run's `seed` and write its trace
    to `path`; the number of events written."""
    _, rows = traced_replication(scenario, seed, replication)
    start = scenario.scenario.start_date
    day0 = datetime.combine(start, time()) if start is not None else None
    horizon = scenario.horizon_hours
    lines = [
        (
            fmt(hours),
            "" if day0 is None else (day0 + timedelta(hours=hours)).isoformat(timespec="seconds"),
            event,
            fmt(report),
            source,
            team,
            fmt(analyst),
            detail,
        )  # fmt: skip
        for hours, _, event, report, source, team, analyst, detail in rows
        if hours < horizon
    ]
    atomic_write_text(path, csv_text(TRACE_COLUMNS, lines))
    return len(lines)

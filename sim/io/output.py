"""Result files: summary, replications, time series, takedown by country, manifest; atomic writes.

Every file is written to a temporary file in the output folder and renamed into place, so an
interrupted run never leaves a half table that looks complete. Numbers are written with one fixed
format (`%.10g`; an undefined value is an empty cell) so equal numbers give equal bytes.
"""

from __future__ import annotations

import hashlib
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.common.files import csv_text, fmt
from sim.metrics import HOST_COLUMNS, TIMESERIES, ReplicationResult
from sim.scenario.schema import Scenario
from sim.stats.intervals import Summary, summarise
from sim.stats.summaries import mean_timeseries, summarise_metrics

if TYPE_CHECKING:
    from sim.io.folder import ResultsFolder


DEPENDENCIES = (
    "simpy", "numpy", "matplotlib", "pydantic", "scipy", "click", "tomli-w", "tqdm", "jinja2", "filelock",
)  # fmt: skip
SUMMARY_COLUMNS = ("metric", "mean", "std", "ci95_low", "ci95_high", "replications")


def summary_rows(summaries: dict[str, Summary]) -> list[list[Any]]:
    """Rows of summary.csv."""
    return [[name, s.mean, s.std, s.ci95_low, s.ci95_high, s.replications] for name, s in summaries.items()]


def takedown_rows(results: list[ReplicationResult], by: str = "hosts") -> list[list[Any]]:
    """Per host (`by="hosts"`: country, route) or per route (`by="routes"`): notices, removals,
    re-checks, escalations and removal delays, each averaged over the replications that have a
    value (a host with no notice in a replication has no removal delay there)."""
    keys = ("country", "route") if by == "hosts" else ("route",)
    rows = []
    for index, first in enumerate(getattr(results[0], by)):
        row: list[Any] = [first[key] for key in keys]
        for column in HOST_COLUMNS:
            row.append(summarise([getattr(r, by)[index][column] for r in results]).mean)
        rows.append(row)
    return rows


def summary_markdown(
    scenario: Scenario,
    seed: int,
    replications: int,
    summaries: dict[str, Summary],
    replications_note: str = "",
) -> str:
    """summary.md: the summary table in Markdown with the run's identity above it."""
    meta = scenario.scenario
    lines = [
        f"# {meta.name}",
        "",
        f"- seed: {seed}",
        f"- replications: {replications}{replications_note}",
        f"- horizon: {fmt(meta.horizon_days)} days, warm-up: {fmt(meta.warmup_days)} days "
        f"(measured window {fmt(meta.horizon_days - meta.warmup_days)} days)",
        "- intervals: 95 % confidence over replications (replication noise only, not the "
        "uncertainty of the assumptions)",
        "",
        "| metric | mean | 95 % CI | std | replications |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, s in summaries.items():
        ci = f"{fmt(s.ci95_low)} to {fmt(s.ci95_high)}" if s.replications > 1 else ""
        lines.append(f"| {name} | {fmt(s.mean)} | {ci} | {fmt(s.std)} | {s.replications} |")
    return "\n".join(lines) + "\n"


def dependency_versions() -> dict[str, str]:
    """Installed versions of Python and each dependency."""
    versions = {"python": platform.python_version(), "hotline-sim": _version("hotline-sim")}
    for name in DEPENDENCIES:
        versions[name] = _version(name)
    return versions


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def manifest(
    scenario: Scenario,
    scenario_path: Path | None,
    seed: int,
    replications: int,
    jobs: int,
    started_at: datetime,
    files: list[str],
    kind: str = "run",
) -> dict[str, Any]:
    """manifest.json: what made these results (the only file with timestamps); `kind` is the
    command that wrote them (run, sweep, staff or sensitivity)."""
    digest = hashlib.sha256(scenario_path.read_bytes()).hexdigest() if scenario_path else None
    return {
        "kind": kind,
        "scenario_name": scenario.scenario.name,
        "scenario_file": str(scenario_path) if scenario_path else None,
        "scenario_sha256": digest,
        "seed": seed,
        "replications": replications,
        "jobs": jobs,
        "horizon_days": scenario.scenario.horizon_days,
        "warmup_days": scenario.scenario.warmup_days,
        "versions": dependency_versions(),
        "command_line": [Path(sys.argv[0]).name, *sys.argv[1:]],
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": files,
        "resolved_scenario": scenario.to_dict(),
        **scenario_notes(scenario, scenario_path),
    }


def scenario_notes(scenario: Scenario, scenario_path: Path | None) -> dict[str, Any]:
    """For the manifest and the report: the file's opening comment (what the scenario is), its
    `# assumption:` notes and the defaults used."""
    from sim.scenario.assumptions import assumption_notes, defaults_used, description, file_data

    readable = scenario_path is not None and scenario_path.is_file()
    raw = file_data(scenario_path) if readable else None
    return {
        "description": description(scenario_path) if raw else "",
        "assumptions": [{"key": k, "note": n} for k, n in assumption_notes(scenario_path)] if raw else [],
        "defaults_used": {key: value for key, value in defaults_used(scenario, raw)},
    }


def write_results(
    folder: ResultsFolder,
    scenario: Scenario,
    scenario_path: Path | None,
    seed: int,
    results: list[ReplicationResult],
    jobs: int,
    started_at: datetime,
    plots: bool = True,
    replications_note: str = "",
    period: str = "week",
) -> dict[str, Summary]:
    """Write every result file of a run into `folder` (held by this process); return the metric
    summaries.

    `replications_note` (e.g. how replication control chose the count) follows the count in
    summary.md and is kept in the manifest. `period` ("week" or "month", 4 weeks) sets the rows of
    periods.csv and the unit of `first_period_backlog_grows`."""
    from sim.stats.periods import PERIOD_DAYS, first_period_backlog_grows, period_header, period_rows

    period_days = PERIOD_DAYS[period]
    warmup_days = scenario.scenario.warmup_days
    if period_days != PERIOD_DAYS["week"]:  # the replications carry it in weeks
        for r in results:
            r.metrics["first_period_backlog_grows"] = first_period_backlog_grows(
                r.timeseries["backlog"], period_days, warmup_days
            )
    summaries = summarise_metrics(results)
    tables = {
        "summary.csv": csv_text(SUMMARY_COLUMNS, summary_rows(summaries)),
        "summary.md": summary_markdown(scenario, seed, len(results), summaries, replications_note),
        "replications.csv": csv_text(
            ("replication", *results[0].metrics),
            ([r.replication, *r.metrics.values()] for r in results),
        ),
        "takedown_by_country.csv": csv_text(("country", "route", *HOST_COLUMNS), takedown_rows(results)),
        "takedown_by_route.csv": csv_text(("route", *HOST_COLUMNS), takedown_rows(results, by="routes")),
        "periods.csv": csv_text(period_header(), period_rows(results, period_days, warmup_days)),
    }
    series = mean_timeseries(results)
    days = len(series["arrivals"])
    tables["timeseries.csv"] = csv_text(
        ("day", *TIMESERIES),
        ([day, *(series[k][day] for k in TIMESERIES)] for day in range(days)),
    )
    figures = ("backlog.png", "wait_distribution.png", "removal_by_route.png") if plots else ()
    folder.start([*tables, *figures])  # a folder holds one command's files
    for name, text in tables.items():
        folder.write_text(name, text)
    files = list(tables)
    if plots:
        from sim.io.plots import backlog_plot, removal_plot, wait_plot

        for name, draw in zip(figures, (backlog_plot, wait_plot, removal_plot), strict=True):
            figure_bytes = draw(results, scenario)
            if figure_bytes is not None:  # no removal plot without hosts
                folder.write_bytes(name, figure_bytes)
                files.append(name)
    files.append("manifest.json")
    document = manifest(scenario, scenario_path, seed, len(results), jobs, started_at, files)
    if replications_note:
        document["replications_note"] = replications_note.strip(" ()")
    folder.finish(document)
    return summaries

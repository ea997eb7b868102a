"""A run's files: summary, replications, time series, periods, takedown by country and route, figures.

Numbers are written with one fixed format (`sim.common.files.fmt`) so equal numbers give equal
bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from sim.common.files import csv_text, fmt
from sim.experiments.run import RunResults
from sim.io.output import SUMMARY_COLUMNS, Output, what_if
from sim.metrics import HOST_COLUMNS, NEVER_CLEARED, TIMESERIES, ReplicationResult, metric, modelled
from sim.scenario.schema import Scenario
from sim.stats.intervals import Summary, summarise
from sim.stats.periods import PERIOD_DAYS, first_period_backlog_grows, period_header, period_rows
from sim.stats.readable import ROUNDING_NOTE, cells, facts, is_duration
from sim.stats.summaries import mean_timeseries, summarise_metrics


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
    results: list[ReplicationResult] | None = None,
    changes: str = "",
    period: str = "week",
) -> str:
    """summary.md: every metric in words with its mean and 95 % CI rounded to what the interval
    supports, the run's identity and what it changed from the scenario file above it (`changes`,
    `sim.scenario.changes.change_words`). A per-replication fact (the period the backlog starts to
    grow, the days to clear it) reads as "in k of n replications" from `results`."""
    meta = scenario.scenario
    lines = [
        f"# {meta.name}",
        "",
        f"- seed: {seed}",
        f"- replications: {replications}{replications_note}",
        f"- horizon: {fmt(meta.horizon_days)} days, warm-up: {fmt(meta.warmup_days)} days "
        f"(measured window {fmt(meta.horizon_days - meta.warmup_days)} days)"
        + (f", from {meta.start_date.isoformat()}" if meta.start_date else ""),
    ]
    if changes:
        lines.append(f"- changed from the scenario file: {changes}")
    lines += [
        "- intervals: 95 % confidence over replications (replication noise only, not the uncertainty "
        f"of the assumptions); {ROUNDING_NOTE}",
        "",
        "| what | mean | 95 % CI | metric |",
        "|---|---:|---:|---|",
    ]
    sla = f"{scenario.sla.assessment_hours:g}"
    shown = modelled(scenario)
    for name, s in summaries.items():
        entry = metric(name)
        label = entry.label.replace("{sla}", sla)
        if name in ("backlog_clear_days", NEVER_CLEARED) and "backlog events" not in shown:
            mean, ci = "not modelled", "(no starting backlog, surge or capacity window)"
        elif entry.kind == "period" and results is not None:
            mean, ci = facts([r.metrics[name] for r in results], period), ""
        elif name == "backlog_clear_days" and results is not None and s.replications < replications:
            mean, ci = "cleared " + facts([r.metrics[name] for r in results], "", "days"), ""
        elif entry.kind == "replications":
            mean, ci = f"{s.mean:.0f} of {replications}", ""
        else:
            mean, ci = cells(
                s.mean, s.ci95_low, s.ci95_high, s.replications, entry.words, days=is_duration(name)
            )
            if 0 < s.replications < replications:
                ci += f" ({s.replications} of {replications} replications)"
        lines.append(f"| {label} | {mean} | {ci} | `{name}` |")
    lines += [
        "",
        "Every digit of every metric is in `summary.csv`; each replication's in `replications.csv`.",
    ]
    return "\n".join(lines) + "\n"


def run_output(done: RunResults, plots: bool = True, period: str = "week") -> Output:
    """A run's files: summary.csv and .md, replications.csv, timeseries.csv, periods.csv, the
    takedown tables and three figures. The summaries come with it (`run_summaries`).

    `period` ("week" or "month", 4 weeks) sets the rows of periods.csv and the unit of
    `first_period_backlog_grows` (the replications carry it in weeks; they are not changed)."""
    results = in_periods(done.results, period, done.scenario.scenario.warmup_days)
    summaries = summarise_metrics(results)
    scenario, note = done.scenario, done.precision_note
    period_days = PERIOD_DAYS[period]
    warmup_days = scenario.scenario.warmup_days
    series = mean_timeseries(results)
    changes = what_if(done.scenario, done.source)
    tables = {
        "summary.csv": csv_text(SUMMARY_COLUMNS, summary_rows(summaries)),
        "summary.md": summary_markdown(
            scenario,
            done.seed,
            len(results),
            summaries,
            note,
            results,
            what_if(done.scenario, done.source),
            period,
        ),
        "replications.csv": csv_text(
            ("replication", *results[0].metrics),
            ([r.replication, *r.metrics.values()] for r in results),
        ),
        "takedown_by_country.csv": csv_text(("country", "route", *HOST_COLUMNS), takedown_rows(results)),
        "takedown_by_route.csv": csv_text(("route", *HOST_COLUMNS), takedown_rows(results, by="routes")),
        "periods.csv": csv_text(
            *dated(period_header(), period_rows(results, period_days, warmup_days), scenario, 1)
        ),
        "timeseries.csv": csv_text(
            *dated(
                ("day", *TIMESERIES),
                [[day, *(series[k][day] for k in TIMESERIES)] for day in range(len(series["arrivals"]))],
                scenario,
                0,
            )
        ),  # fmt: skip
    }
    figures = {}
    if plots:
        from sim.io.plots import backlog_plot, removal_plot, wait_plot

        for name, draw in (
            ("backlog.png", backlog_plot), ("wait_distribution.png", wait_plot),
            ("removal_by_route.png", removal_plot),  # None without hosts: no file
        ):  # fmt: skip
            figures[name] = partial(draw, results, scenario, what_if=changes)
    extra = {"replications_note": note.strip(" ()")} if note else {}
    return Output(
        "run",
        scenario,
        done.source,
        done.seed,
        len(results),
        done.jobs,
        done.started_at,
        tables,
        figures,
        extra,
    )


def dated(
    header: Sequence[str], rows: list[list[Any]], scenario: Scenario, day_column: int
) -> tuple[list[str], list[list[Any]]]:
    """With `scenario.start_date`, a `date` column (ISO) after the first, from the day number in
    `day_column`; without one the table as it is."""
    if scenario.scenario.start_date is None:
        return list(header), rows
    dates = [scenario.scenario.date_of_day(row[day_column]).isoformat() for row in rows]  # type: ignore[union-attr]
    return [header[0], "date", *header[1:]], [
        [row[0], when, *row[1:]] for row, when in zip(rows, dates, strict=True)
    ]


def in_periods(results: list[ReplicationResult], period: str, warmup_days: float) -> list[ReplicationResult]:
    """The replications with `first_period_backlog_grows` counted in `period`s: the same objects
    for weeks (what the model gives), new ones for months."""
    period_days = PERIOD_DAYS[period]
    if period_days == PERIOD_DAYS["week"]:
        return results
    return [
        replace(r, metrics={
            **r.metrics,
            "first_period_backlog_grows": first_period_backlog_grows(
                r.timeseries["backlog"], period_days, warmup_days
            ),
        })
        for r in results
    ]  # fmt: skip


def run_summaries(done: RunResults, period: str = "week") -> dict[str, Summary]:
    """The metric summaries of a run as its summary.csv has them for `period`."""
    return summarise_metrics(in_periods(done.results, period, done.scenario.scenario.warmup_days))

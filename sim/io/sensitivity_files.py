"""Sensitivity result files: sensitivity.csv, sensitivity.md and a tornado plot per metric."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.common.files import csv_text, fmt
from sim.experiments.arms import show_value
from sim.experiments.sensitivity import span
from sim.io.output import manifest
from sim.scenario.schema import Scenario
from sim.stats.intervals import Summary

if TYPE_CHECKING:
    from sim.io.folder import ResultsFolder


SENSITIVITY_COLUMNS = (
    "key",
    "direction",
    "value",
    "metric",
    "mean",
    "ci95_low",
    "ci95_high",
    "difference",
    "difference_ci95_low",
    "difference_ci95_high",
    "replications",
    "problem",
)


def write_sensitivity(
    folder: ResultsFolder,
    base_scenario: Scenario,
    scenario_path: Path | None,
    rows: list[dict[str, Any]],
    base_summaries: dict[str, Summary],
    metrics: list[str],
    change: float,
    seed: int,
    replications: int,
    jobs: int,
    started_at: datetime,
    plots: bool = True,
) -> None:
    """Write the sensitivity files into `folder` (held by this process; atomically, manifest last)."""
    figures = [f"sensitivity_{metric}.png" for metric in metrics] if plots else []
    folder.start(["sensitivity.csv", "sensitivity.md", *figures])
    table = [
        [
            row["move"].key,
            row["move"].direction,
            show_value(row["move"].value) if row["move"].value is not None else "",
            row["metric"],
            row["level"].mean,
            row["level"].ci95_low,
            row["level"].ci95_high,
            row["difference"].mean,
            row["difference"].ci95_low,
            row["difference"].ci95_high,
            row["level"].replications,
            row["move"].problem,
        ]
        for row in rows
    ]
    folder.write_text("sensitivity.csv", csv_text(SENSITIVITY_COLUMNS, table))
    text = sensitivity_markdown(base_scenario, rows, base_summaries, metrics, change, seed, replications)
    folder.write_text("sensitivity.md", text)
    files = ["sensitivity.csv", "sensitivity.md"]
    if plots:
        from sim.io.plots import tornado_plot

        for metric in metrics:
            name = f"sensitivity_{metric}.png"
            bars = tornado_bars(rows, metric)
            folder.write_bytes(
                name, tornado_plot(base_scenario, metric, base_summaries[metric], bars, change)
            )
            files.append(name)
    files.append("manifest.json")
    document = manifest(
        base_scenario, scenario_path, seed, replications, jobs, started_at, files, kind="sensitivity"
    )
    document["relative_change"] = change
    document["metrics"] = list(metrics)
    document["keys"] = list(dict.fromkeys(row["move"].key for row in rows))
    folder.finish(document)


def tornado_bars(rows: list[dict[str, Any]], metric: str) -> list[tuple[str, float, float]]:
    """(key, difference down, difference up) for `metric`, widest first."""
    by_key: dict[str, dict[str, float]] = {}
    for row in rows:
        if row["metric"] == metric:
            by_key.setdefault(row["move"].key, {})[row["move"].direction] = row["difference"].mean
    bars = [(key, sides.get("down", math.nan), sides.get("up", math.nan)) for key, sides in by_key.items()]
    return sorted(bars, key=lambda bar: -span(bar[1], bar[2]))


def sensitivity_markdown(
    base: Scenario,
    rows: list[dict[str, Any]],
    base_summaries: dict[str, Summary],
    metrics: list[str],
    change: float,
    seed: int,
    replications: int,
) -> str:
    """sensitivity.md: per metric, the keys from the widest effect to the narrowest."""
    lines = [
        f"# Sensitivity: {base.scenario.name}",
        "",
        f"- each key moved down and up by {change:.0%} (relative); seed {seed}, {replications} replications "
        "per move, common random numbers: differences are paired with the base scenario",
        "- intervals: 95 % confidence (replication noise only)",
        "",
    ]

    def effect(s: Summary) -> str:
        if s.replications == 0:
            return "not run"
        return (
            f"{fmt(s.mean)} ({fmt(s.ci95_low)} to {fmt(s.ci95_high)})" if s.replications > 1 else fmt(s.mean)
        )

    for metric in metrics:
        b = base_summaries[metric]
        lines += [
            f"## {metric}",
            "",
            f"Base: {fmt(b.mean)} (95 % CI {fmt(b.ci95_low)} to {fmt(b.ci95_high)}).",
            "",
            "| key | down to | effect | up to | effect |",
            "|---|---:|---:|---:|---:|",
        ]
        cells: dict[str, dict[str, dict[str, Any]]] = {}
        for row in rows:
            if row["metric"] == metric:
                cells.setdefault(row["move"].key, {})[row["move"].direction] = row
        for key, _, _ in tornado_bars(rows, metric):
            down, up = cells[key].get("down"), cells[key].get("up")

            def shown(row: dict[str, Any] | None) -> tuple[str, str]:
                if row is None:
                    return "", ""
                move = row["move"]
                value = show_value(move.value) if move.value is not None else ""
                return value, (effect(row["difference"]) if not move.problem else move.problem)

            (down_value, down_effect), (up_value, up_effect) = shown(down), shown(up)
            lines.append(f"| {key} | {down_value} | {down_effect} | {up_value} | {up_effect} |")
        lines.append("")
    return "\n".join(lines) + "\n"

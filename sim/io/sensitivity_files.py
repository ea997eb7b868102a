"""Sensitivity result files: sensitivity.csv, sensitivity.md and a tornado plot per metric."""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING, Any

from sim.common.files import csv_text
from sim.experiments.arms import show_value
from sim.experiments.sensitivity import SensitivityResults, span
from sim.io.output import Output, what_if
from sim.metrics import label_words
from sim.scenario.changes import key_words
from sim.scenario.schema import Scenario
from sim.stats.intervals import Summary
from sim.stats.readable import ROUNDING_NOTE, cells, ci_words, is_duration, metric_kind
from sim.stats.summaries import summarise_metrics

if TYPE_CHECKING:
    pass


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


def sensitivity_output(done: SensitivityResults, plots: bool = True) -> Output:
    """sensitivity.csv, sensitivity.md and a tornado plot per metric; the manifest names the
    relative change, the metrics and the keys moved."""
    rows, metrics, change = done.rows, done.metrics, done.change
    base_summaries = summarise_metrics(done.base)
    replications = len(done.base)
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
    tables = {
        "sensitivity.csv": csv_text(SENSITIVITY_COLUMNS, table),
        "sensitivity.md": sensitivity_markdown(
            done.scenario,
            rows,
            base_summaries,
            metrics,
            change,
            done.seed,
            replications,
            what_if(done.scenario, done.source),
        ),
    }
    figures = {}
    if plots:
        from sim.io.plots import tornado_plot

        for metric in metrics:
            figures[f"sensitivity_{metric}.png"] = partial(
                tornado_plot,
                done.scenario,
                metric,
                base_summaries[metric],
                tornado_bars(rows, metric),
                change,
                what_if=what_if(done.scenario, done.source),
            )
    extra = {
        "relative_change": change,
        "metrics": list(metrics),
        "keys": list(dict.fromkeys(row["move"].key for row in rows)),
    }
    return Output(
        "sensitivity", done.scenario, done.source, done.seed, replications, done.jobs, done.started_at,
        tables, figures, extra,
    )  # fmt: skip


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
    changes: str = "",
) -> str:
    """sensitivity.md: per metric, the base value and the largest effect in words, then the keys
    from the widest effect to the narrowest, rounded to what their intervals support. `changes`:
    what the base changed from the scenario file (`sim.scenario.changes.change_words`)."""
    lines = [
        f"# Sensitivity: {base.scenario.name}",
        "",
        "- asked: how much each key moves "
        + ", ".join(label_words(m, base.sla.assessment_hours) for m in metrics)
        + f" when moved down and up by {change:.0%} (relative)",
    ]
    if changes:
        lines.append(f"- changed from the scenario file (the base of every move): {changes}")
    lines += [
        f"- seed {seed}, {replications} replications per move, common random numbers: differences are "
        "paired with the base scenario",
        f"- intervals: 95 % confidence over replications (replication noise only); {ROUNDING_NOTE}",
        "",
    ]

    def effect(s: Summary, kind: str) -> str:
        if s.replications == 0:
            return "not run"
        mean, ci = cells(s.mean, s.ci95_low, s.ci95_high, s.replications, kind, signed=True, days=False)
        return f"{mean} ({ci})" if ci else mean

    for metric in metrics:
        b = base_summaries[metric]
        kind = metric_kind(metric)
        label = label_words(metric, base.sla.assessment_hours)
        base_words = ci_words(b.mean, b.ci95_low, b.ci95_high, b.replications, kind, days=is_duration(metric))
        bars = tornado_bars(rows, metric)
        widest = f" The widest effect: {key_words(bars[0][0])} (`{bars[0][0]}`)." if bars else ""
        lines += [
            f"## {label} (`{metric}`)",
            "",
            f"Base: {base_words}.{widest}",
            "",
            "| key | down to | effect | up to | effect |",
            "|---|---:|---:|---:|---:|",
        ]
        moves: dict[str, dict[str, dict[str, Any]]] = {}
        for row in rows:
            if row["metric"] == metric:
                moves.setdefault(row["move"].key, {})[row["move"].direction] = row
        for key, _, _ in bars:
            down, up = moves[key].get("down"), moves[key].get("up")

            def shown(row: dict[str, Any] | None, kind: str = kind) -> tuple[str, str]:
                if row is None:
                    return "", ""
                move = row["move"]
                value = show_value(move.value) if move.value is not None else ""
                return value, (effect(row["difference"], kind) if not move.problem else move.problem)

            (down_value, down_effect), (up_value, up_effect) = shown(down), shown(up)
            lines.append(
                f"| {key_words(key)} (`{key}`) | {down_value} | {down_effect} | {up_value} | {up_effect} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"

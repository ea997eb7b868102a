"""Sweep result files: sweep.csv, sweep_differences.csv, sweep.md, one plot per chosen metric.

Numbers use the format of `summary.csv` (`sim.common.files.fmt`), so an arm equal to the base scenario
has exactly the numbers `run` writes for it. Files are written atomically; a folder without
`manifest.json` is an incomplete sweep.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from sim.common.files import csv_text, fmt
from sim.experiments.arms import Arm, metric_order, paired_differences, show_value
from sim.experiments.sweep import SweepResults
from sim.io.output import SUMMARY_COLUMNS, Output
from sim.stats.intervals import UNDEFINED, Summary
from sim.stats.summaries import summarise_metrics

if TYPE_CHECKING:
    pass


DIFFERENCE_COLUMNS = ("metric", "mean_difference", "std", "ci95_low", "ci95_high", "replications")


def _cell(value: Any) -> Any:
    """A varied value in a CSV cell: numbers through `fmt`, anything else as compact TOML."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return show_value(value)


def _stats(s: Summary) -> list[Any]:
    return [s.mean, s.std, s.ci95_low, s.ci95_high, s.replications]


def sweep_output(done: SweepResults, plots: bool = True) -> Output:
    """A sweep's files: sweep.csv, sweep_differences.csv, sweep.md and a plot per metric; the
    manifest describes the scenario the arms vary and keeps the resume cache of `--resume`."""
    arms, arm_results, baseline_index, plot_metrics = (
        done.arms,
        done.results,
        done.baseline_index,
        done.metrics,
    )
    seed = done.seed
    keys = list(arms[0].values)
    summaries = [summarise_metrics(results) for results in arm_results]
    metrics = list(dict.fromkeys(name for arm_summaries in summaries for name in arm_summaries))
    per_replication = metric_order(arm_results)
    differences = [
        paired_differences(results, arm_results[baseline_index], per_replication) for results in arm_results
    ]
    sweep_rows = [
        [*(_cell(arm.values[k]) for k in keys), name, *_stats(arm_summaries.get(name, UNDEFINED))]
        for arm, arm_summaries in zip(arms, summaries, strict=True)
        for name in metrics
    ]
    difference_rows = [
        [*(_cell(arm.values[k]) for k in keys), name, *_stats(arm_differences[name])]
        for index, (arm, arm_differences) in enumerate(zip(arms, differences, strict=True))
        if index != baseline_index
        for name in per_replication
    ]
    replications = len(arm_results[0])
    tables = {
        "sweep.csv": csv_text((*keys, *SUMMARY_COLUMNS), sweep_rows),
        "sweep_differences.csv": csv_text((*keys, *DIFFERENCE_COLUMNS), difference_rows),
        "sweep.md": sweep_markdown(
            arms, summaries, differences, baseline_index, plot_metrics, seed, replications
        ),
    }
    figures = {}
    if plots:
        from sim.io.plots import sweep_plot

        figures = {f"sweep_{name}.png": partial(sweep_plot, arms, summaries, name) for name in plot_metrics}
    extra = {
        "varied": {k: list(dict.fromkeys(show_value(a.values[k]) for a in arms)) for k in keys},
        "baseline_arm": arms[baseline_index].label(),
        "metrics": list(plot_metrics),
    }
    return Output(
        "sweep", done.base or arms[0].scenario, done.source, seed, replications, done.jobs, done.started_at,
        tables, figures, extra, keep_resume_cache=True,
    )  # fmt: skip


def sweep_markdown(
    arms: list[Arm],
    summaries: list[dict[str, Summary]],
    differences: list[dict[str, Summary]],
    baseline_index: int,
    plot_metrics: list[str],
    seed: int,
    replications: int,
) -> str:
    """sweep.md: per chosen metric, each arm's mean and CI and its paired difference from the baseline."""
    keys = list(arms[0].values)
    lines = [
        f"# Sweep: {arms[0].scenario.scenario.name}",
        "",
        f"- arms: {len(arms)} (full factorial of {', '.join(keys)})",
        f"- seed: {seed}; replications per arm: {replications}; common random numbers across arms",
        f"- baseline arm: {arms[baseline_index].label()}",
        "- intervals: 95 % confidence over replications (replication noise only, not the uncertainty of "
        "the assumptions); differences are paired by replication",
        "",
    ]

    def ci(s: Summary) -> str:
        return f"{fmt(s.ci95_low)} to {fmt(s.ci95_high)}" if s.replications > 1 else ""

    for name in plot_metrics:
        lines += [
            f"## {name}",
            "",
            "| " + " | ".join(keys) + " | mean | 95 % CI | difference from baseline | paired 95 % CI |",
            "|" + "---|" * len(keys) + "---:|---:|---:|---:|",
        ]
        for index, arm in enumerate(arms):
            s = summaries[index].get(name, UNDEFINED)
            d = differences[index].get(name, UNDEFINED)
            shown = ("(baseline)", "") if index == baseline_index else (fmt(d.mean), ci(d))
            values = " | ".join(show_value(arm.values[k]) for k in keys)
            lines.append(f"| {values} | {fmt(s.mean)} | {ci(s)} | {shown[0]} | {shown[1]} |")
        lines.append("")
    lines.append(
        "Every metric of every arm is in `sweep.csv`; every paired difference in `sweep_differences.csv`."
    )
    return "\n".join(lines) + "\n"

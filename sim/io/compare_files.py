"""The files of a comparison: compare.csv, compare.md, one plot per key metric and the manifest."""

from __future__ import annotations

import hashlib
import math
from functools import partial

from sim.common.files import csv_text
from sim.experiments.compare import COMPARE_COLUMNS, CompareResults
from sim.io.output import Output
from sim.metrics import metric, shown_key_figures


def compare_output(done: CompareResults, plots: bool = True) -> Output:
    """compare.csv (every shared metric, every file, its difference from the first), compare.md
    (the key figures in a table, and the warnings), `compare_<metric>.png` per key metric, and a
    manifest naming every file with its SHA-256."""
    tables = {"compare.csv": csv_text(COMPARE_COLUMNS, done.rows()), "compare.md": compare_markdown(done)}
    figures = {}
    if plots:
        from sim.io.plots import compare_plot

        summaries, differences = done.summaries, done.differences
        for name in done.plotted():
            figures[f"compare_{name}.png"] = partial(
                compare_plot, done.labels, [s[name] for s in summaries], [d[name] for d in differences], name
            )
    extra = {
        "compared": [
            {
                "label": label,
                "file": str(path) if path else None,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest() if path else None,
                "scenario_name": spec.scenario.name,
            }
            for label, path, spec in zip(done.labels, done.sources, done.scenarios, strict=True)
        ],  # fmt: skip
        "metrics": done.plotted() or ["reports_assessed"],
        "notes": done.notes,
    }
    return Output(
        "compare", done.scenarios[0], done.sources[0], done.seed, done.replications, done.jobs,
        done.started_at, tables, figures, extra,
    )  # fmt: skip


def compare_markdown(done: CompareResults) -> str:
    """compare.md: the files, the seed and replications, and the key figures with their paired
    differences from the first file."""
    lines = [
        "# Comparison: " + ", ".join(done.labels),
        "",
        f"Every file run with seed {done.seed} and {done.replications} replications, so that replication r "
        f"of each uses the same random streams: differences from the first file ({done.labels[0]}) are "
        "paired by replication.",
        "",
    ]
    lines += [f"Warning: {note}." for note in done.notes]
    if done.notes:
        lines.append("")
    shown = [m for m in shown_key_figures(done.scenarios[0]) if m in done.metrics]
    lines += [
        "| metric | scenario | mean (95 % CI) | difference from the first (95 % CI) |",
        "|---|---|---|---|",
    ]
    summaries, differences = done.summaries, done.differences
    for name in shown:
        for k, label in enumerate(done.labels):
            s, d = summaries[k][name], differences[k][name]
            difference = (
                "(the base)" if k == 0 else _figure(name, d.mean, d.ci95_low, d.ci95_high, signed=True)
            )
            lines.append(
                f"| {name} | {label} | {_figure(name, s.mean, s.ci95_low, s.ci95_high)} | {difference} |"
            )
    lines += ["", "Every metric the files share is in compare.csv.", ""]
    return "\n".join(lines)


def _figure(name: str, mean: float, low: float, high: float, signed: bool = False) -> str:
    """A mean and its CI: shares in % (points for a difference), hours and counts to 3 digits."""
    if math.isnan(mean):
        return "undefined"
    sign = "+" if signed else ""
    if metric(name).kind == "share":
        unit = " points" if signed else " %"
        return f"{mean * 100:{sign}.1f}{unit} ({low * 100:{sign}.1f} to {high * 100:{sign}.1f})"

    def number(value: float) -> str:
        return f"{value:{sign},.0f}" if abs(value) >= 1000 else f"{value:{sign}.4g}"

    if math.isnan(low):
        return number(mean)
    return f"{number(mean)} ({number(low)} to {number(high)})"

"""The files of a comparison: compare.csv, compare.md, one plot per key metric and the manifest."""

from __future__ import annotations

import hashlib
from functools import partial

from sim.common.files import csv_text
from sim.experiments.compare import COMPARE_COLUMNS, CompareResults
from sim.io.output import Output, what_if
from sim.metrics import label_words, shown_key_figures
from sim.stats.readable import ROUNDING_NOTE, cells, ci_words, is_duration, metric_kind


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
                compare_plot,
                done.labels,
                [s[name] for s in summaries],
                [d[name] for d in differences],
                name,
                what_if=what_if(done.scenarios[0], done.sources[0]),
                sla_hours=shared_sla(done),
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


SHORT = 4  # the differences "In short" names: the first that differ, in the key figures' order


def compare_markdown(done: CompareResults) -> str:
    """compare.md: what was compared, the answer first (each file's paired differences from the
    first in words), then the key figures' means and differences, rounded to what their
    intervals support."""
    base = done.labels[0]
    changes = what_if(done.scenarios[0], done.sources[0])
    lines = [
        "# Comparison: " + ", ".join(done.labels),
        "",
        f"- asked: how the key figures of {', '.join(done.labels[1:])} differ from those of {base} "
        "(the base)",
    ]
    if changes:
        lines.append(f"- changed from the scenario files (in every file): {changes}")
    lines += [
        f"- every file run with seed {done.seed} and {done.replications} replications, so that replication r "
        "of each uses the same random streams: differences from the base are paired by replication",
        f"- intervals: 95 % confidence over replications (replication noise only, not the uncertainty of "
        f"the assumptions); {ROUNDING_NOTE}",
        "",
    ]
    lines += [f"Warning: {note}." for note in done.notes]
    if done.notes:
        lines.append("")
    shown = [m for m in shown_key_figures(done.scenarios[0]) if m in done.metrics]
    sla = shared_sla(done)
    summaries, differences = done.summaries, done.differences
    lines += ["## In short", ""]
    for k, label in enumerate(done.labels[1:], start=1):
        moved, same = [], []
        for name in shown:
            d = differences[k][name]
            kind = metric_kind(name)
            if d.replications > 1 and (d.ci95_low > 0 or d.ci95_high < 0):
                words = ci_words(
                    d.mean, d.ci95_low, d.ci95_high, d.replications, kind, signed=True, days=False
                )
                moved.append(f"{label_words(name, sla).lower()} {words}")
            else:
                same.append(label_words(name, sla).lower())
        text = f"- {label} against {base}: " + (
            "; ".join(moved[:SHORT]) if moved else "no key figure differs"
        )
        if len(moved) > SHORT:
            text += f"; and {len(moved) - SHORT} more key figures differ (the table below)"
        if same and moved:
            text += f". No difference beyond replication noise in: {', '.join(same)}"
        lines.append(text + ".")
    lines += [
        "",
        "| what | scenario | difference from the base | paired 95 % CI | mean | 95 % CI |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name in shown:
        kind, days = metric_kind(name), is_duration(name)
        for k, label in enumerate(done.labels):
            s, d = summaries[k][name], differences[k][name]
            change = ("(the base)", "") if k == 0 else cells(
                d.mean, d.ci95_low, d.ci95_high, d.replications, kind, signed=True, days=False
            )  # fmt: skip
            mean, ci = cells(s.mean, s.ci95_low, s.ci95_high, s.replications, kind, days=days)
            lines.append(
                f"| {label_words(name, sla)} | {label} | {change[0]} | {change[1]} | {mean} | {ci} |"
            )
    lines += ["", "Every metric the files share is in compare.csv, with every digit.", ""]
    return "\n".join(lines)


def shared_sla(done: CompareResults) -> float | None:
    """The service level's hours when every file compared has the same; None when they differ."""
    levels = {spec.sla.assessment_hours for spec in done.scenarios}
    return levels.pop() if len(levels) == 1 else None

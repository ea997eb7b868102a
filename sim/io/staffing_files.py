"""The files of a staffing search: staffing.csv, staffing.md, the staffing curve and the manifest."""

from __future__ import annotations

from functools import partial

from sim.common.files import csv_text
from sim.experiments.staffing import StaffResults
from sim.io.output import Output

STAFFING_COLUMNS = ("analysts", "metric", "mean", "ci95_low", "ci95_high", "meets_target")


def staffing_output(done: StaffResults, plots: bool = True) -> Output:
    """staffing.csv (one row per count tried), staffing.md (the printout), the staffing curve, and
    a manifest with the target, the answer and the Erlang C estimate."""
    goal = done.target
    rows = [
        [t.analysts, goal.metric, t.summary.mean, t.summary.ci95_low, t.summary.ci95_high,
         "true" if t.meets_target else "false"]
        for t in done.trials
    ]  # fmt: skip
    tables = {
        "staffing.csv": csv_text(STAFFING_COLUMNS, rows),
        "staffing.md": f"# Staffing: {done.scenario.scenario.name}\n\n```text\n"
        + "\n".join(done.lines())
        + "\n```\n",
    }
    figures = {}
    if plots:
        from sim.io.plots import staffing_plot

        points = [(t.analysts, t.summary.mean, t.summary.ci95_low, t.summary.ci95_high) for t in done.trials]
        figures["staffing.png"] = partial(
            staffing_plot,
            done.scenario.scenario.name,
            goal.metric,
            goal.operator,
            goal.value,
            points,
            done.answer,
        )
    counts = done.replication_counts
    extra = {"target": str(goal), "answer": done.answer, "erlang_estimate": done.erlang_estimate}
    if len(counts) > 1:  # replication control chose a count per team size
        extra["replications_note"] = f"{counts[0]} to {counts[-1]} per team size, by replication control"
    return Output(
        "staff", done.scenario, done.source, done.seed, max(counts, default=done.replications), done.jobs,
        done.started_at, tables, figures, extra,
    )  # fmt: skip

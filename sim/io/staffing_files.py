"""The files of a staffing search: staffing.csv, staffing.md, the staffing curve and the manifest."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.experiments.staffing import StaffResults
    from sim.io.folder import ResultsFolder


def write_staffing(folder: ResultsFolder, done: StaffResults, plots: bool = True) -> None:
    """staffing.csv (one row per count tried), staffing.md (the printout), the staffing curve and
    the manifest (with the target, the answer and the Erlang C estimate), atomically, manifest last."""
    from sim.common.files import csv_text
    from sim.io.output import manifest

    goal = done.target
    folder.start(["staffing.csv", "staffing.md", *(["staffing.png"] if plots else [])])
    rows = [
        [t.analysts, goal.metric, t.summary.mean, t.summary.ci95_low, t.summary.ci95_high,
         "true" if t.meets_target else "false"]
        for t in done.trials
    ]  # fmt: skip
    columns = ("analysts", "metric", "mean", "ci95_low", "ci95_high", "meets_target")
    folder.write_text("staffing.csv", csv_text(columns, rows))
    text = f"# Staffing: {done.scenario.scenario.name}\n\n```text\n" + "\n".join(done.lines()) + "\n```\n"
    folder.write_text("staffing.md", text)
    files = ["staffing.csv", "staffing.md"]
    if plots:
        from sim.io.plots import staffing_plot

        points = [(t.analysts, t.summary.mean, t.summary.ci95_low, t.summary.ci95_high) for t in done.trials]
        figure = staffing_plot(
            done.scenario.scenario.name, goal.metric, goal.operator, goal.value, points, done.answer
        )
        folder.write_bytes("staffing.png", figure)
        files.append("staffing.png")
    files.append("manifest.json")
    counts = done.replication_counts
    document = manifest(
        done.scenario, done.source, done.seed, max(counts, default=done.replications), done.jobs,
        done.started_at, files, kind="staff",
    )  # fmt: skip
    document.update(target=str(goal), answer=done.answer, erlang_estimate=done.erlang_estimate)
    if len(counts) > 1:  # replication control chose a count per team size
        document["replications_note"] = f"{counts[0]} to {counts[-1]} per team size, by replication control"
    folder.finish(document)

"""The files of a staffing search: staffing.csv, staffing.md, the staffing curves and the manifest."""

from __future__ import annotations

from functools import partial

from sim.common.files import csv_text
from sim.experiments.staff_results import STAFFING_COLUMNS, StaffResults
from sim.experiments.targets import SCREEN_REPLICATIONS, TEAM_KEY
from sim.io.output import Output, what_if
from sim.scenario.changes import key_words
from sim.stats.readable import ROUNDING_NOTE


def staffing_output(done: StaffResults, plots: bool = True) -> Output:
    """staffing.csv (one row per value tried and metric), staffing.md (the printout), the staffing
    curves (one panel per target's metric, and the finds of searching), and a manifest with the
    targets, the key searched, the answer and the Erlang C estimate."""
    rows = [[*row[:5], "" if row[5] is None else ("true" if row[5] else "false"), row[6],
             "true" if row[7] else "false", row[8]] for row in done.rows()]  # fmt: skip
    tables = {
        "staffing.csv": csv_text(STAFFING_COLUMNS, rows),
        "staffing.md": staffing_markdown(done),
    }
    figures = {}
    if plots:
        from sim.io.plots import staffing_plot

        panels = []
        for goal in done.targets:
            points = [(t.analysts, *_figures(t.summaries[goal.metric])) for t in done.trials]
            panels.append((goal.metric, goal.operator, goal.value, points))
        targeted = {g.metric for g in done.targets}
        for name in dict.fromkeys(n for t in done.trials for n in t.summaries):
            if name not in targeted:  # reports_found, shown beside the targets
                points = [(t.analysts, *_figures(t.summaries[name])) for t in done.trials]
                panels.append((name, None, None, points))
        figures["staffing.png"] = partial(
            staffing_plot,
            done.scenario.scenario.name,
            panels,
            done.answer,
            done.key,
            done.own,
            what_if=what_if(done.scenario, done.source),
            sla_hours=done.scenario.sla.assessment_hours,
        )
    counts = done.replication_counts
    extra = {
        "targets": [str(goal) for goal in done.targets],
        "key": done.key,
        "own_value": done.own,
        "min_value": done.low,
        "max_value": done.high,
        "answer": done.answer,
        "erlang_estimate": done.erlang_estimate,
        "search_start": done.guess,
        "values_simulated": len(done.trials),
    }
    notes = []
    if len(counts) > 1:  # replication control chose a count per team size
        notes.append(f"{counts[0]} to {counts[-1]} per team size, by replication control")
    stopped = done.stopped_values  # after SCREEN_REPLICATIONS replications
    if stopped:
        notes.append(
            f"{SCREEN_REPLICATIONS} for the {done.key_noun(len(stopped))} stopped as clearly short of a "
            f"target: {', '.join(map(str, stopped))}"
        )
    if notes:
        extra["replications_note"] = "; ".join(notes)
    extra["stopped_clearly_short"] = stopped
    return Output(
        "staff", done.scenario, done.source, done.seed, max(counts, default=done.replications), done.jobs,
        done.started_at, tables, figures, extra,
    )  # fmt: skip


def staffing_markdown(done: StaffResults) -> str:
    """staffing.md: what was asked (the targets in words and every change from the scenario file),
    the answer, then the printout of the search."""
    changes = what_if(done.scenario, done.source)
    searched = "team" if done.key == TEAM_KEY else f"value of {key_words(done.key)} (`{done.key}`)"
    lines = [
        f"# Staffing: {done.scenario.scenario.name}",
        "",
        f"- asked: the smallest {searched} from {done.low} to {done.high} whose whole 95 % CI meets "
        f"{done.targets_text()}",
    ]
    if changes:
        lines.append(f"- changed from the scenario file: {changes}")
    lines += [
        f"- {done.answer_line()}",
        f"- {done.search_line()}",
        f"- intervals: 95 % confidence over replications (replication noise only, not the uncertainty of "
        f"the assumptions); {ROUNDING_NOTE}",
        "",
        "```text",
        *done.lines(),
        "```",
    ]
    return "\n".join(lines) + "\n"


def _figures(summary) -> tuple[float, float, float]:
    """(mean, ci95_low, ci95_high)."""
    return summary.mean, summary.ci95_low, summary.ci95_high

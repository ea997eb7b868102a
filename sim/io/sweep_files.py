"""Sweep result files: sweep.csv, sweep_differences.csv, sweep.md, one plot per chosen metric.

Numbers use the format of `summary.csv` (`sim.common.files.fmt`), so an arm equal to the base scenario
has exactly the numbers `run` writes for it. Files are written atomically; a folder without
`manifest.json` is an incomplete sweep.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from sim.common.files import csv_text
from sim.common.messages import listed
from sim.experiments.arms import Arm, metric_order, paired_differences, show_value
from sim.experiments.sweep import SweepResults
from sim.experiments.targets import TEAM_KEY, Target
from sim.io.output import SUMMARY_COLUMNS, Output, what_if
from sim.metrics import ReplicationResult, label_words, modelled
from sim.scenario.changes import key_words
from sim.stats.intervals import UNDEFINED, Summary
from sim.stats.readable import (
    ROUNDING_NOTE,
    beyond_noise,
    cells,
    ci_words,
    facts,
    is_duration,
    metric_kind,
)
from sim.stats.summaries import summarise_metrics

if TYPE_CHECKING:
    pass


# metrics a replication has as a fact (a week number; days some replications never reach): shown
# as "in k of n replications" with their median and range, never as a fractional mean
PER_REPLICATION_FACTS = {"first_period_backlog_grows": ("week", ""), "backlog_clear_days": ("", "days")}
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
            arms,
            summaries,
            differences,
            baseline_index,
            plot_metrics,
            seed,
            replications,
            what_if(done.base or arms[0].scenario, done.source),
            done.targets,
            arm_results,
        ),
    }
    figures = {}
    if plots:
        from sim.io.plots import sweep_heatmap, sweep_plot

        changes = what_if(done.base or arms[0].scenario, done.source)
        for name in plot_metrics:
            figures[f"sweep_{name}.png"] = partial(sweep_plot, arms, summaries, name, what_if=changes)
            goal = next(((g.operator, g.value) for g in done.targets if g.metric == name), None)
            # None (no file) unless the sweep varies two numeric keys
            figures[f"sweep_heatmap_{name}.png"] = partial(
                sweep_heatmap, arms, summaries, name, goal, what_if=changes
            )
    extra = {
        "varied": {k: list(dict.fromkeys(show_value(a.values[k]) for a in arms)) for k in keys},
        "baseline_arm": arms[baseline_index].label(),
        "metrics": list(plot_metrics),
        "targets": [str(goal) for goal in done.targets],
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
    changes: str = "",
    targets: Sequence[Target] = (),
    arm_results: list[list[ReplicationResult]] | None = None,
) -> str:
    """sweep.md: the answer first (per chosen metric, the base arm's value and the arms that differ
    from it beyond replication noise, in words), then per metric each arm's paired difference from
    the base arm and its mean, rounded to what their intervals support. `changes`: what every arm
    changed from the scenario file besides the varied keys (`sim.scenario.changes.change_words`);
    `targets`: the arms whose whole CI meets each are marked, and counted in the summary."""
    keys = list(arms[0].values)
    base = arms[baseline_index]
    varied = " × ".join(f"{key_words(k)} (`{k}`)" for k in keys)
    lines = [
        f"# Sweep: {base.scenario.scenario.name}",
        "",
        f"- asked: how the {listed([_label(arms, m).lower() for m in plot_metrics])} change with {varied}",
    ]
    if changes:
        lines.append(f"- changed from the scenario file in every arm: {changes}")
    lines += [
        f"- arms: {len(arms)} (every combination); seed: {seed}; replications per arm: {replications}; "
        "common random numbers across arms",
        f"- base arm: {base.words()}",
        "- intervals: 95 % confidence over replications (replication noise only, not the uncertainty of "
        f"the assumptions); differences are paired by replication; {ROUNDING_NOTE}",
        "",
        "## In short",
        "",
    ]
    for name in plot_metrics:
        if name in PER_REPLICATION_FACTS and arm_results is not None:
            lines.append(
                f"- {_label(arms, name)}: {_fact(arms, arm_results, baseline_index, name)} in the base arm."
            )
        else:
            lines.append(f"- {_in_short(arms, summaries, differences, baseline_index, name, replications)}")
    for goal in targets:
        lines.append(f"- {_meeting(arms, summaries, goal)}")
    lines.append("")
    for name in plot_metrics:
        kind = metric_kind(name)
        goals = [goal for goal in targets if goal.metric == name]
        lines += [
            f"## {_label(arms, name)} (`{name}`)",
            "",
            "| "
            + " | ".join(key_words(k) for k in keys)
            + " | difference from the base arm | paired 95 % CI | mean | 95 % CI |"
            + "".join(f" meets {goal.words(_sla(arms))} |" for goal in goals),
            "|" + "---|" * len(keys) + "---:|---:|---:|---:|" + "---|" * len(goals),
        ]
        for index, arm in enumerate(arms):
            s = summaries[index].get(name, UNDEFINED)
            d = differences[index].get(name, UNDEFINED)
            shown = ("(base arm)", "") if index == baseline_index else cells(
                d.mean, d.ci95_low, d.ci95_high, d.replications, kind, signed=True, days=False
            )  # fmt: skip
            mean, ci = cells(s.mean, s.ci95_low, s.ci95_high, s.replications, kind, days=is_duration(name))
            if arm_results is not None and name in PER_REPLICATION_FACTS:  # a period, or a day some lack
                mean, ci = _fact(arms, arm_results, index, name), ""
                shown = ("(base arm)", "") if index == baseline_index else ("-", "")
            values = " | ".join(show_value(arm.values[k]) for k in keys)
            marks = "".join(f" {'yes' if goal.met_by(s) else 'no'} |" for goal in goals)
            lines.append(f"| {values} | {shown[0]} | {shown[1]} | {mean} | {ci} |{marks}")
        lines.append("")
    lines.append(
        "Every metric of every arm is in `sweep.csv`; every paired difference in `sweep_differences.csv`, "
        "with every digit."
    )
    return "\n".join(lines) + "\n"


def _sla(arms: list[Arm]) -> float | None:
    """The arms' service level in hours, when they share one."""
    levels = {arm.scenario.sla.assessment_hours for arm in arms}
    return levels.pop() if len(levels) == 1 else None


def _label(arms: list[Arm], name: str) -> str:
    """A metric's label, with the arms' service level when they share one."""
    return label_words(name, _sla(arms))


def _meeting(arms: list[Arm], summaries: list[dict[str, Summary]], goal: Target) -> str:
    """How many arms meet a target (their whole 95 % CI); in a sweep of the team size and one other
    key, the smallest team that meets it at each value of the other."""
    meets = [goal.met_by(s.get(goal.metric, UNDEFINED)) for s in summaries]
    text = f"{sum(meets)} of {len(arms)} arms meet {goal.words(_sla(arms))} (the whole 95 % CI)"
    keys = list(arms[0].values)
    if len(keys) != 2 or TEAM_KEY not in keys:
        return text + "."
    other = next(k for k in keys if k != TEAM_KEY)
    smallest: dict[str, int | None] = {}
    for arm, met in zip(arms, meets, strict=True):
        value = show_value(arm.values[other])
        team = int(arm.values[TEAM_KEY])
        best = smallest.setdefault(value, None)
        if met and (best is None or team < best):
            smallest[value] = team
    parts = [
        f"{team if team is not None else 'none of the teams swept'} at {value}"
        for value, team in smallest.items()
    ]
    return f"{text}. The smallest team that meets it, by {key_words(other)}: {'; '.join(parts)}."


def _apart(d: Summary, kind: str) -> bool:
    """Whether a paired difference is beyond replication noise and shows (`beyond_noise`)."""
    return beyond_noise(d.mean, d.ci95_low, d.ci95_high, d.replications, kind)


def _fact(arms: list[Arm], arm_results: list[list[ReplicationResult]], index: int, name: str) -> str:
    """A per-replication fact of one arm in words ("in 3 of 5 replications: week 12 ..."); the days
    to clear a backlog are not modelled without a starting backlog, a surge or a capacity window (a
    backlog that grows from an empty start would read as cleared at once)."""
    if name == "backlog_clear_days" and "backlog events" not in modelled(arms[index].scenario):
        return "not modelled (no starting backlog, surge or capacity window)"
    return facts([r.metrics[name] for r in arm_results[index]], *PER_REPLICATION_FACTS[name])


def _in_short(
    arms: list[Arm], summaries: list[dict[str, Summary]], differences: list[dict[str, Summary]],
    baseline_index: int, name: str, replications: int,
) -> str:  # fmt: skip
    """One sentence per metric: the base arm's value, how many arms differ from it beyond the noise
    (the paired CI excludes 0), and the largest difference with its arm."""
    kind = metric_kind(name)
    s = summaries[baseline_index].get(name, UNDEFINED)
    base = ci_words(s.mean, s.ci95_low, s.ci95_high, s.replications, kind, days=is_duration(name))
    text = f"{_label(arms, name)}: {base} in the base arm."
    others = [
        (differences[i][name], arm)
        for i, arm in enumerate(arms)
        if i != baseline_index and name in differences[i] and not math.isnan(differences[i][name].mean)
    ]
    if not others:
        return text
    apart = [(d, arm) for d, arm in others if _apart(d, kind)]
    text += f" {len(apart)} of the {len(others)} other arms differ from it beyond replication noise"
    if not apart:
        return text + "."
    d, arm = max(apart, key=lambda pair: abs(pair[0].mean))
    change = ci_words(d.mean, d.ci95_low, d.ci95_high, d.replications, kind, signed=True, days=False)
    return f"{text}; the largest difference is {change}, at {arm.words()}."

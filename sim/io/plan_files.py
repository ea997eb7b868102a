"""The files of a hiring plan: plan.csv, plan.md, plan.png and the manifest."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, time
from functools import partial

from sim.common.files import csv_text
from sim.common.messages import listed
from sim.experiments.plan import Period, PlanResults, reports_per_day
from sim.experiments.targets import FOUND, KEEP_SEARCHING, SCREEN_REPLICATIONS, SEARCH_FALL_WARNING, TEAM_KEY
from sim.io.output import Output, what_if
from sim.metrics import label_words
from sim.stats.periods import YEARLY
from sim.stats.readable import cells, is_duration, metric_kind


def plan_output(done: PlanResults, plots: bool = True) -> Output:
    """plan.csv (one row per period), plan.md (the plan in words and a table), the plan's plot, and
    a manifest with the targets, the period, the lead time, the ramp-up and the periods missed."""
    tables = {"plan.csv": csv_text(done.plan_columns(), done.rows()), "plan.md": plan_markdown(done)}
    figures = {}
    if plots:
        from sim.io.plots import plan_plot

        starts = [datetime.combine(p.start, time()) for p in done.periods]
        ends = [datetime.combine(p.end, time()) for p in done.periods]
        ends = [e.replace(hour=23, minute=59) for e in ends]
        volume = [reports_per_day(done.scenario, p) for p in done.periods]
        figures["plan.png"] = partial(
            plan_plot,
            done.scenario.scenario.name,
            starts,
            ends,
            done.needed,
            done.headcount,
            volume,
            what_if=what_if(done.scenario, done.source),
        )
    extra = {
        "targets": [str(goal) for goal in done.targets],
        "period": done.period_kind,
        "lead_days": done.lead_days,
        "ramp_days": done.ramp_days,
        "missed": done.missed,
        "changes": done.changes,
        "end_to_end_runs": done.checks,
        "values_simulated": [len(trials) for trials in done.sizing_trials],  # per period, to size it
        "stopped_clearly_short": _stopped_values(done),  # per period, after SCREEN_REPLICATIONS
    }
    if done.key != TEAM_KEY:  # a team of several
        extra["key"] = done.key
    return Output(
        "plan", done.scenario, done.source, done.seed, done.replications, done.jobs, done.started_at, tables,
        figures, extra,
    )  # fmt: skip


def plan_markdown(done: PlanResults) -> str:
    """plan.md: what was asked, the plan period by period, whether it holds end to end, the cost."""
    spec = done.scenario
    first, last = done.periods[0], done.periods[-1]
    team = done.team.section
    currency = team.currency
    planned = "The team today" if done.key == TEAM_KEY else f"Team {done.team.name} today"
    targets = ("the targets: " if len(done.targets) > 1 else "the target: ") + " and ".join(
        f"{goal.words(spec.sla.assessment_hours)} (`{goal}`)" for goal in done.targets
    )
    changes = what_if(spec, done.source)
    counts = ", counts as a rate a year" if any(g.metric in YEARLY for g in done.targets) else ""
    lines = [
        f"# Hiring plan: {spec.scenario.name}",
        "",
        f"Asked: for every {done.period_kind} from {first.start} to {last.end}, the smallest team whose "
        f"whole 95 % CI meets {targets}{counts}, {_growth_words(spec.intake.growth_per_year)}; "
        f"{done.replications} replications, seed {done.seed}. "
        f"{planned}: {done.own} analyst{'' if done.own == 1 else 's'}. {_joining_words(done)}",
        "",
    ]
    if changes:
        lines += [f"Changed from the scenario file: {changes}.", ""]
    header = [
        "period",
        "dates",
        "reports a day (average)",
        "analysts needed (period alone)",
        "headcount",
        "hires",
        "recruit by",
    ]
    if team.cost_per_year is not None:
        header.append(f"cost ({currency})")
    sla = spec.sla.assessment_hours
    header += [f"{label_words(m, sla)} (95 % CI, end to end)" for m in done.metric_columns()]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for k, (period, row) in enumerate(zip(done.periods, done.rows(), strict=True)):
        row_cells = [period.label, f"{period.start} to {period.end}", f"{row[3]:,.0f}",
                 "none up to " + str(done.high) if row[4] is None else str(row[4]), str(row[5]), str(row[6]),
                 row[7] or "-"]  # fmt: skip
        if team.cost_per_year is not None:
            row_cells.append(f"{row[8]:,.0f}")
        for goal_metric in done.metric_columns():
            s = done.checked[k][goal_metric]
            row_cells.append(_with_ci(goal_metric, s, s.replications))
        if not all(done.meets(k)):
            row_cells[0] += " (misses)"
        lines.append("| " + " | ".join(row_cells) + " |")
    lines.append("")
    runs = f"{done.checks} run{'s' if done.checks > 1 else ''}"
    if done.missed:
        lines.append(
            f"**Checked end to end** ({runs} of the whole horizon with the plan's hires): the targets "
            f"still miss in {', '.join(done.missed)}, "
            + (
                "where one more analyst did not move them (below)."
                if done.stalled
                else f"even after hires were brought forward or added there (up to {done.high} analysts). "
                "Raise --max, change the targets or the scenario."
            )
        )
    else:
        lines.append(
            f"**Checked end to end** ({runs} of the whole horizon with "
            + ("exactly these hires" if any(done.hires) else "today's team, no hires")
            + (", ramp-up included" if done.ramp_days and any(done.hires) else "")
            + ", backlog carried from period to period): every period meets every target."
        )
    if done.changes:
        lines += [
            "",
            "Changed after the end-to-end check (the sizing of each period on its own was not enough):",
        ]
        lines += [f"- {change}" for change in done.changes]
    hired = sum(done.hires)
    lines += [
        "",
        f"Hires in all: {hired}, the headcount from {done.own} to {done.headcount[-1]} analysts."
        if hired
        else f"No hires: the headcount stays at {done.own} analyst{'' if done.own == 1 else 's'}.",
    ]
    lines += _hires_for(done)
    lines += _falling_needs(done)
    lines += _searching_falls(done)
    costs = [done.cost(p) for p in done.periods]
    if all(c is not None for c in costs):
        total = math.fsum(costs)  # type: ignore[arg-type]
        unchanged = replace(done, headcount=[done.own] * len(done.periods))  # no hires by the plan
        today = math.fsum(unchanged.cost(p) or 0.0 for p in done.periods)
        lines.append(
            f"Cost over the plan: {total:,.0f} {currency} for the whole team, of which the plan's hires "
            f"{total - today:,.0f} ({team.cost_per_year:,.0f} {currency} an analyst a year; a period's "
            "cost counts every analyst employed in it, a hire from the day they join, ramp-up included)."
        )
    late = [
        (p.label, h)
        for p, h in zip(done.periods, done.hires, strict=True)
        if h > 0 and done.recruit_by(p) < done.day0
    ]
    if late:
        which = "the hire" if sum(h for _, h in late) == 1 else "the hires"
        lines.append(f"Already late at the start ({done.day0}): {which} for {listed([p for p, _ in late])}.")
    if spec.holidays_caveat:
        lines.append(f"Caveat: {spec.holidays_caveat}.")
    if done.replications < spec.scenario.replications:
        lines.append(
            f"Made with {done.replications} replications, fewer than the scenario's own "
            f"{spec.scenario.replications}: the intervals are wider, so "
            + ("a hire may follow the noise; " if any(done.hires) else "a period's need may move by one; ")
            + f"confirm the plan with --replications {spec.scenario.replications} before acting on it."
        )
    lines += [
        "",
        "How it was made: each period was sized on its own, in a steady state at its end volume (growth "
        "frozen; its own weekdays and holidays; surges, capacity windows and hires left out); the "
        "headcount never falls; then "
        "the whole horizon was run with the plan's hires, and where a period missed, a later hire was "
        "brought forward to it or one added, and the run repeated.",
        "",
        f"Team sizes simulated to size the periods: {sum(len(t) for t in done.sizing_trials)} in all ("
        f"{', '.join(f'{p.label}: {len(t)}' for p, t in zip(done.periods, done.sizing_trials, strict=True))})"
        f"{_stopped(done)}. Each search starts from the answer of the period before, the first from its "
        f"Erlang C estimate where one applies, else from today's team; then {runs} end to end.",
        "",
    ]
    return "\n".join(lines)


def _stopped_values(done: PlanResults) -> list[list[int]]:
    """Per period, the team sizes whose sizing trials stopped as clearly short of a target."""
    return [
        [t.analysts for t in trials if t.replications < done.replications] for trials in done.sizing_trials
    ]


def _stopped(done: PlanResults) -> str:
    """`; 3 of them stopped after 2 replications, clearly short (2021-Q1: 14, 15; 2021-Q2: 16)`
    ('' when none was)."""
    each = _stopped_values(done)
    if not any(each):
        return ""
    where = "; ".join(
        f"{period.label}: {', '.join(map(str, values))}"
        for period, values in zip(done.periods, each, strict=True)
        if values
    )
    return (
        f"; {sum(map(len, each))} of them stopped after {SCREEN_REPLICATIONS} replications, clearly "
        f"short ({where})"
    )


def _days(value: float) -> str:
    return f"{value:g} day{'s' if value != 1 else ''}"


def _hires_for(done: PlanResults) -> list[str]:
    """With several targets, one line on what each period's hires are for: the targets a team of
    one analyst fewer than the period needs on its own does not meet in its sizing, for the hires
    that need calls for; the end-to-end check, for a hire it brought forward or added ('' without
    hires)."""
    if len(done.targets) < 2:
        return []
    parts = []
    for k, (period, hires) in enumerate(zip(done.periods, done.hires, strict=True)):
        if hires <= 0:
            continue
        before = done.headcount[k] - hires
        need = done.needed[k] or 0
        reasons = []
        if need > before:  # the period's own need raised the headcount
            short = next((t for t in done.sizing_trials[k] if t.analysts == need - 1), None)
            if short is not None:
                missed = [f"`{goal}`" for goal, met in zip(done.targets, short.meets, strict=True) if not met]
                reasons.append(f"{listed(missed)} (not met with {need - 1})")
        extra = done.headcount[k] - max(need, before)
        if extra > 0:
            reasons.append(f"{extra} from the end-to-end check (above)")
        if reasons:
            hired = f"{hires} hire{'s' if hires > 1 else ''}, to {done.headcount[k]}"
            parts.append(f"{period.label} ({hired}): {' and '.join(reasons)}")
    if not parts:
        return []
    return [f"What the hires are for: {'; '.join(parts)}."]


def _searching_falls(done: PlanResults) -> list[str]:
    """Without a finds target: a warning when the analysts' searching, in the end-to-end run, falls
    in a period by more than `SEARCH_FALL_WARNING` below the first period's (a busier team has less
    time for it), with the target that keeps it (as `staff` warns)."""
    if FOUND in done.metric_columns() or not done.checked or FOUND not in done.checked[0]:
        return []
    found = [checked[FOUND] for checked in done.checked]
    first = found[0].mean
    k = min(range(len(found)), key=lambda i: found[i].mean)
    if not first > 0 or found[k].mean >= (1 - SEARCH_FALL_WARNING) * first:
        return []
    start, worst = done.periods[0].label, done.periods[k].label
    keep = math.floor(KEEP_SEARCHING * first)
    low, before = (_with_ci(FOUND, f, f.replications) for f in (found[k], found[0]))
    return [
        f"Warning: searching falls as the team gets busier: the analysts find {low} reports a year by "
        f"searching in {worst}, {(1 - found[k].mean / first) * 100:.0f} % fewer than {before} in {start} "
        "(95 % CIs, end to end), so the targets are met partly by searching less. To keep searching as "
        f'it is, add --target "{FOUND}>={keep}" ({KEEP_SEARCHING * 100:.0f} % of {start}\'s finds, a '
        "rate a year)."
    ]


def _falling_needs(done: PlanResults) -> list[str]:
    """One line on the periods that need fewer analysts on their own than an earlier one with no
    more volume, grouped by that earlier period: why a busier period can need fewer (its own
    calendar, or the noise of the replications), and that the headcount does not fall."""
    holidays = sorted(done.team.section.holidays)

    def holidays_in(period: Period) -> int:
        return sum(period.start_day <= day < period.end_day for day in holidays)

    needed = done.needed
    volume = [reports_per_day(done.scenario, p) for p in done.periods]
    groups: dict[int, list[int]] = {}  # the earlier period with the largest need: the later ones
    quieter = True  # every earlier period named has fewer reports a day than those after it
    for k in range(len(done.periods)):
        now = needed[k]
        earlier = [
            j for j in range(k) if now is not None and (needs := needed[j]) is not None and needs > now
            and volume[j] <= volume[k]
        ]  # fmt: skip
        if earlier:
            j = max(earlier, key=lambda i: needed[i] or 0)
            groups.setdefault(j, []).append(k)
            quieter = quieter and volume[j] < volume[k]
    if not groups:
        return []
    parts = []
    for j, later in groups.items():
        before = done.periods[j]
        named = listed([f"{done.periods[k].label} ({needed[k]})" for k in later])
        counts = sorted({holidays_in(done.periods[k]) for k in later})
        shown = str(counts[0]) if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
        others = "the others" if len(later) > 1 else "the other"
        held = holidays_in(before)
        why = (
            f"the team has {held} holiday{'s' if held != 1 else ''} in {before.label}, {shown} "
            f"holiday{'' if shown == '1' else 's'} in {others}"
        )
        if held <= counts[-1]:
            why += (
                "; where the earlier period has no more holidays, a difference of one or two can be the "
                f"noise of {done.replications} replications"
            )
        parts.append(f"{named} against {before.label}'s {needed[j]} ({why})")
    return [
        "Periods that need fewer analysts on their own than an earlier"
        + (", quieter period: " if quieter else " period with no more reports a day: ")
        + "; ".join(parts)
        + ". Each period is sized on its own days and holidays; the headcount does not fall."
    ]


def _growth_words(growth_per_year: float) -> str:
    """The volume's growth as the plan applies it (from the file or --set: the changes say which)."""
    if growth_per_year == 0:
        return "with report volumes flat (no growth: intake.growth_per_year is 0)"
    way = "growing" if growth_per_year > 0 else "falling"
    return f"with report volumes {way} {abs(growth_per_year) * 100:g} % a year"


def _joining_words(done: PlanResults) -> str:
    """When a period's hires join and when they must be recruited."""
    recruited = f"are recruited {_days(done.lead_days)} before they join"
    if done.ramp_days == 0:
        return (
            f"Hires join at the start of their period, at full output from their first day (no ramp-up; "
            f"--ramp-days sets one), and {recruited}."
        )
    return f"Hires join {_days(done.ramp_days)} before their period (the ramp-up) and {recruited}."


def _with_ci(name: str, s, replications: int) -> str:
    """A mean and its CI, rounded to what the interval supports, in the metric's unit."""
    mean, ci = cells(s.mean, s.ci95_low, s.ci95_high, replications, metric_kind(name), days=is_duration(name))
    return f"{mean} ({ci})" if ci else mean

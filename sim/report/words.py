"""The report's words: figures with their 95 % CIs in plain words (rounded as
`sim.stats.readable` rounds them), the question a folder answers, and the model's logic for one
scenario, all from the result tables and the resolved scenario.
"""

from __future__ import annotations

import math
from typing import Any

from sim.common.messages import listed
from sim.metrics import KEY_FIGURES, NEVER_CLEARED, label_words, modelled
from sim.metrics import metric as catalogue_entry
from sim.scenario.changes import Change, change_words, key_words
from sim.stats.readable import beyond_noise, ci_words, metric_kind

KIND_FILES = {
    "run": "summary.csv",
    "sweep": "sweep.csv",
    "staff": "staffing.csv",
    "sensitivity": "sensitivity.csv",
    "plan": "plan.csv",
    "compare": "compare.csv",
}
RUN_FIGURES = (
    ("backlog.png", "Backlog over time",
     "Reports waiting at the end of each day (the range over the replications as a band, and their "
     "mean), and below it the average week of the measured window: the weekly pattern of the team's "
     "rota."),
    ("wait_distribution.png", "How long reports wait",
     "The share of reports waiting longer than a given time before their assessment starts (a log "
     "scale of time), all replications pooled; the dashed line is the service level."),
    ("removal_by_route.png", "Time to removal by route",
     "The share of pages still up a given time after the notice, for each takedown route, all "
     "replications pooled."),
)  # fmt: skip


def number_words(value: float, kind: str) -> str:
    """One number for a table cell: counts with separators, "percent" in %, "hours_plain" in hours."""
    if math.isnan(value):
        return "-"
    if kind == "percent":
        return f"{value * 100:.1f} %"
    if kind == "hours_plain":
        return f"{value:,.{0 if value >= 100 else 1 if value >= 10 else 2}f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def key_figures(
    kind: str, summary: dict[str, dict[str, Any]], manifest: dict[str, Any], scenario: dict[str, Any],
    rows: list[dict[str, Any]], differences: list[dict[str, Any]] | None = None,
) -> list[tuple[str, str]]:  # fmt: skip
    """The report's key figures: (what, value with its CI in words), from the validated manifest and
    typed table rows (`summary`: summary.csv by metric; `rows`: the sweep's, staffing's or
    sensitivity's table; numbers as floats, an undefined one NaN)."""
    if kind == "run":
        return _run_figures(summary, manifest, scenario)
    if kind == "staff":
        return _staff_figures(manifest, scenario, rows)
    if kind == "sweep":
        return _sweep_figures(manifest, scenario, rows, differences or [])
    if kind == "plan":
        return _plan_figures(manifest, scenario, rows)
    if kind == "compare":
        return _compare_figures(manifest, rows)
    return _sensitivity_figures(manifest, rows)


def _run_figures(
    summary: dict[str, dict[str, Any]], manifest: dict[str, Any], scenario: dict[str, Any]
) -> list[tuple[str, str]]:
    """The run's key figures: those the scenario models (removal with hosts, finds with a proactive
    source, clearing with a surge, window or starting backlog), whatever their values."""
    window = manifest["horizon_days"] - manifest["warmup_days"]
    words = {"sla": f"{scenario['sla']['assessment_hours']:g}", "window": f"{window:g}"}
    runs = int(manifest["replications"])
    shown = set(_modelled(scenario))
    figures = []
    for name in KEY_FIGURES:
        entry, s = catalogue_entry(name), summary.get(name)
        if s is None or name == NEVER_CLEARED or (entry.shown_with and entry.shown_with not in shown):
            continue
        label, kind = entry.label, entry.words
        text = ci_words(s["mean"], s["ci95_low"], s["ci95_high"], int(s["replications"]), kind)
        if 0 < s["replications"] < runs:
            text += f" (over the {int(s['replications'])} of {runs} replications where it is defined)"
        figures.append((label.format(**words), text))
    never = summary.get(NEVER_CLEARED)
    if "backlog events" in shown and never and never["mean"] > 0:
        figures.append(("Replications where the backlog never cleared", f"{never['mean']:g} of {runs}"))
    return figures


def _modelled(scenario: dict[str, Any]) -> frozenset[str]:
    """What the (validated, resolved) scenario models beyond the queue (`sim.metrics.modelled`)."""
    from sim.scenario.schema import scenario_from_dict

    return modelled(scenario_from_dict(scenario, "resolved_scenario"))


def _staff_figures(
    manifest: dict[str, Any], scenario: dict[str, Any], table: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    key = manifest["key"]
    answer, own = manifest["answer"], manifest["own_value"]
    targets = manifest["targets"]

    def team(value: int) -> str:
        return f"{value} analysts" if key == "analysts.count" else f"{key_words(key)} = {value}"

    found = team(answer) if answer is not None else f"none up to {team(manifest['max_value'])}"
    smallest = "Smallest team" if key == "analysts.count" else f"Smallest {key_words(key)}"
    sla = scenario["sla"]["assessment_hours"]
    figures = [(f"{smallest} whose whole 95 % CI meets {_target_words(targets, sla)}", found)]
    below = (answer - 1) if answer is not None else None
    for value in (answer, below, own if own not in (answer, below) else None):
        for row in (r for r in table if value is not None and r["analysts"] == value):
            goal = row["target"]
            kind = metric_kind(row["metric"])
            text = ci_words(row["mean"], row["ci95_low"], row["ci95_high"], manifest["replications"], kind,
                            target=target_value(goal) if goal else None)  # fmt: skip
            verdict = "" if row["meets_target"] == "" or not goal else (
                ": meets the target" if row["meets_target"] else ": does not meet the target"
            )  # fmt: skip
            whose = " (the scenario's own)" if value == own else ""
            label = label_words(row["metric"], sla)
            figures.append((f"{label} with {team(value)}{whose}", f"{text}{verdict}"))
    if manifest["erlang_estimate"] is not None:
        estimate = f"{manifest['erlang_estimate']} analysts"
        figures.append(("Erlang C estimate for comparison (an always-on team)", estimate))
    return figures


def _compare_figures(manifest: dict[str, Any], rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    labels = [entry["label"] for entry in manifest["compared"]]
    figures = []
    for metric in manifest["metrics"]:
        kind = metric_kind(metric)
        for row in rows:
            if row["metric"] != metric or row["scenario"] == labels[0] or math.isnan(row["difference"]):
                continue
            text = ci_words(row["difference"], row["difference_ci95_low"], row["difference_ci95_high"],
                            manifest["replications"], kind, signed=True)  # fmt: skip
            figures.append((f"{label_words(metric)}: {row['scenario']} against {labels[0]} (paired)", text))
    return figures


def target_metric(target: str) -> str:
    """The metric of a `METRIC<=VALUE` target."""
    return target.replace(">=", "<=").partition("<=")[0].strip()


def _plan_figures(
    manifest: dict[str, Any], scenario: dict[str, Any], rows: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    first, last = rows[0], rows[-1]
    planned = manifest.get("key", "analysts.count")
    own = next(
        (t["count"] for name, t in _teams(scenario) if planned in (f"teams.{name}.count", "analysts.count")),
        0,
    )
    hires = [r for r in rows if r["hires"] > 0]
    hired = sum(r["hires"] for r in rows)
    figures = [
        (f"Headcount from {first['start_date']} to {last['end_date']}",
         f"{own} analysts today, {last['headcount']} by {last['period']} ({hired} hires)"),
    ]  # fmt: skip
    if hires:
        soonest = hires[0]
        figures.append((
            "The first hires",
            f"{soonest['hires']} for {soonest['period']}, to be recruited by {soonest['recruit_by']}",
        ))  # fmt: skip
    missed = manifest["missed"]
    figures.append((
        "Checked end to end (the whole horizon with these hires)",
        "every period meets every target" if not missed else "targets still missed in " + ", ".join(missed),
    ))  # fmt: skip
    costs = [r["cost"] for r in rows]
    if not any(math.isnan(c) for c in costs):
        currency = _teams(scenario)[0][1].get("currency", "GBP")
        figures.append(("Cost over the plan", f"{math.fsum(costs):,.0f} {currency}"))
    return figures


def target_value(target: str) -> float | None:
    """The number of a `METRIC<=VALUE` target (None if there is none)."""
    _, _, value = target.replace(">=", "<=").partition("<=")
    try:
        return float(value)
    except ValueError:
        return None


def _sweep_figures(
    manifest: dict[str, Any], scenario: dict[str, Any], rows: list[dict[str, Any]],
    differences: list[dict[str, Any]],
) -> list[tuple[str, str]]:  # fmt: skip
    """Per chosen metric, the answer first: the base arm's value, how many arms differ from it
    beyond replication noise, and the largest paired difference with its arm, in words."""
    keys = list(manifest["varied"])
    sla = None if "sla.assessment_hours" in keys else scenario["sla"]["assessment_hours"]

    def arm_of(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[k] for k in keys)

    def words(row: dict[str, Any]) -> str:
        return ", ".join(f"{key_words(k)} {row[k]}" for k in keys)

    others = {arm_of(d) for d in differences}
    figures = []
    for metric in manifest["metrics"]:
        kind, label = metric_kind(metric), label_words(metric, sla)
        base = next((r for r in rows if r["metric"] == metric and arm_of(r) not in others), None)
        if base is not None and not math.isnan(base["mean"]):
            text = ci_words(base["mean"], base["ci95_low"], base["ci95_high"], base["replications"], kind)
            figures.append((f"{label}, base arm ({words(base)})", text))
        moved = [
            d for d in differences if d["metric"] == metric
            and beyond_noise(d["mean_difference"], d["ci95_low"], d["ci95_high"], d["replications"], kind)
        ]  # fmt: skip
        compared = len({arm_of(d) for d in differences if d["metric"] == metric})
        if not compared:
            continue
        figures.append((f"{label}: arms that differ from the base arm beyond replication noise",
                        f"{len(moved)} of {compared}"))  # fmt: skip
        if moved:
            d = max(moved, key=lambda r: abs(r["mean_difference"]))
            text = ci_words(d["mean_difference"], d["ci95_low"], d["ci95_high"], d["replications"], kind,
                            signed=True, days=False)  # fmt: skip
            figures.append((f"{label}: the largest paired difference from the base arm ({words(d)})", text))
    from sim.experiments.targets import parse_target
    from sim.stats.intervals import Summary

    for target in manifest.get("targets", []):
        goal = parse_target(target)
        arms = [r for r in rows if r["metric"] == goal.metric]
        met = sum(
            goal.met_by(Summary(r["mean"], math.nan, r["ci95_low"], r["ci95_high"], int(r["replications"])))
            for r in arms
        )
        figures.append((f"Arms whose whole 95 % CI meets {goal.words(sla)}", f"{met} of {len(arms)}"))
    return figures


def _sensitivity_figures(manifest: dict[str, Any], table: list[dict[str, Any]]) -> list[tuple[str, str]]:
    rows = [r for r in table if not r["problem"]]
    figures = []
    for metric in manifest["metrics"]:
        moves = [r for r in rows if r["metric"] == metric and not math.isnan(r["difference"])]
        if not moves:
            continue
        widest = max(moves, key=lambda r: abs(r["difference"]))
        text = ci_words(widest["difference"], widest["difference_ci95_low"], widest["difference_ci95_high"],
                        widest["replications"], metric_kind(metric), signed=True)  # fmt: skip
        figures.append((
            f"{label_words(metric)}: the largest effect "
            f"({key_words(widest['key'])} moved {widest['direction']})",
            text,
        ))  # fmt: skip
    return figures


def target_words(text: str, sla: float | None) -> str:
    """A target `METRIC>=VALUE` in words (`Target.words`); a cell of a table that is no target (a
    folder is not trusted) as it is."""
    from sim.experiments.targets import parse_target

    try:
        return parse_target(text).words(sla)
    except ValueError:
        return text


def _target_words(texts: list[str], sla: float | None) -> str:
    """Targets `METRIC>=VALUE` in words, joined by "and"."""
    return listed([target_words(text, sla) for text in texts])


def changes_of(manifest: dict[str, Any]) -> str:
    """What the run changed from its scenario file, in one line of words (empty: nothing)."""
    return change_words([Change(c["key"], c.get("was"), c.get("now")) for c in manifest.get("changed", [])])


def question(kind: str, manifest: dict[str, Any], scenario: dict[str, Any]) -> str:
    """The question the folder answers, in a planner's words, with what the run changed from its
    scenario file."""
    asked = _question(kind, manifest, scenario)
    changes = changes_of(manifest)
    return f"{asked[:-1]} (changed from the scenario file: {changes})?" if changes else asked


def _question(kind: str, manifest: dict[str, Any], scenario: dict[str, Any]) -> str:
    name = manifest["scenario_name"]
    sla = scenario["sla"]["assessment_hours"]
    if kind == "sweep":
        varied = manifest["varied"]
        what = listed(
            [f"{key_words(k)} ({k}) is set to {', '.join(map(str, v))} in turn" for k, v in varied.items()]
        )
        swept_sla = "sla.assessment_hours" in varied
        metrics = listed([label_words(m, None if swept_sla else sla).lower() for m in manifest["metrics"]])
        return f"What happens to the {metrics} in “{name}” as {what or 'the swept keys vary'}?"
    if kind == "staff":
        targets = _target_words(manifest["targets"], sla)
        if manifest["key"] == "analysts.count":
            return (
                f"What is the smallest team of analysts for “{name}” whose whole 95 % confidence interval "
                f"meets {targets}?"
            )
        return (
            f"What is the smallest value of {key_words(manifest['key'])} for “{name}” whose whole 95 % "
            f"confidence interval meets {targets}?"
        )
    if kind == "sensitivity":
        metrics = listed([label_words(m, sla).lower() for m in manifest["metrics"]])
        return f"Which of the assumptions of “{name}” do the {metrics} depend on most?"
    if kind == "compare":
        labels = [entry["label"] for entry in manifest["compared"]]
        return f"How do {listed(labels[1:])} differ from {labels[0]}, with the same random numbers?"
    if kind == "plan":
        targets = _target_words(manifest["targets"], sla)
        return (
            f"As “{name}” grows, when must analysts be hired, and how many, so that every "
            f"{manifest['period']} meets {targets}?"
        )
    window = manifest["horizon_days"] - manifest["warmup_days"]
    team = _team_size_words(scenario)
    removal = ", the time to assessment and the time to removal" if "hosts" in _modelled(scenario) else (
        " and the time to assessment"
    )  # fmt: skip
    return (
        f"What happens to the queue{removal} in “{name}”, with {team}, over a measured "
        f"window of {window:g} days?"
    )


def _dist(spec: dict[str, Any], unit: str) -> str:
    kind = spec["dist"]
    if kind == "fixed":
        return f"a fixed {spec['value']:g} {unit}"
    if kind == "exponential":
        return f"exponential with mean {spec['mean']:g} {unit}"
    if kind in ("lognormal", "gamma"):
        return f"{kind} with mean {spec['mean']:g} {unit} (cv {spec['cv']:g})"
    if kind == "triangular":
        return f"triangular from {spec['low']:g} to {spec['high']:g} {unit} (mode {spec['mode']:g})"
    points = ", ".join(f"{c:.0%} by {v:g}" for v, c in zip(spec["values"], spec["cumulative"], strict=True))
    return f"an empirical shape ({points} {unit})"


def model_logic(scenario: dict[str, Any]) -> list[str]:
    """The model's logic for this scenario, one sentence per stage (STRESS-DES 'logic')."""
    intake = scenario["intake"]
    sources = []
    for name, source in intake["sources"].items():
        if source["kind"] == "proactive":
            sources.append(
                f"{name}: found by the analysts while searching ({source['search_share']:.0%} of "
                f"available time, {source['finds_per_search_hour']:g} finds an hour), "
                f"{source['actionable_share']:.0%} actionable"
            )
        else:
            sources.append(
                f"{name}: Poisson arrivals at {source['reports_per_day']:g} a day, "
                f"{source['actionable_share']:.0%} actionable"
            )
    lines = [
        "Reports arrive from " + "; ".join(sources) + f" (volume × {intake['volume_multiplier']:g}, growth "
        f"{intake['growth_per_year']:.0%} a year"
        + (
            "; weekly and hourly profiles shape the timing"
            if intake.get("weekly_profile") or intake.get("hourly_profile")
            else "; flat over the week and the day"
        )
        + ").",
    ]
    dedup = scenario["dedup"]
    lines.append(
        f"At intake a share of reports ({_share_text(dedup['duplicate_share'])}) is merged as "
        f"duplicates with no analyst time, and a share ({_share_text(dedup['hash_match_share'])}) "
        f"matches the hash list and is fast-tracked at {dedup['hash_match_time_factor']:g} × the "
        "assessment time (an abstract rate; no real hashes)."
    )
    if "teams" not in scenario:
        team = scenario["analysts"]
        lines.append(
            f"{team['count']} analysts work {_schedule_text(team['schedule'])}{_team_limits(team)}; they "
            "assess the queue by priority, then first in, first out; an assessment takes "
            f"{_dist(scenario['assessment']['time_minutes'], 'minutes')}."
        )
    else:
        for name, team in _teams(scenario):
            skills, speed = team.get("skills"), team.get("speed", 1.0)
            lines.append(
                f"Team “{name}”: {team['count']} analysts work {_schedule_text(team['schedule'])}"
                f"{_team_limits(team)}; they take "
                + (f"the reports of {listed([str(k) for k in skills])} only" if skills else "all reports")
                + (f", at {speed:g} × the speed the assessment times assume" if speed != 1.0 else "")
                + "."
            )  # fmt: skip
        lines.append(
            "Each team takes its reports by priority, then first in, first out; a report that several "
            "teams may take goes to whoever is free first; an assessment takes "
            f"{_dist(scenario['assessment']['time_minutes'], 'minutes')} at speed 1."
        )
    takedown = scenario["takedown"]
    if takedown["hosts"]:
        routes = sorted({h["route"].replace("_", " ") for h in takedown["hosts"]})
        lines.append(
            "An actionable page gets a takedown notice to its host, drawn from "
            f"{len(takedown['hosts'])} hosting countries, routed {', '.join(routes)}; the host removes "
            "it after a route- or country-dependent delay."
        )
        if takedown.get("follow_up_hours"):
            lines.append(
                f"Pages still up {takedown['follow_up_hours']:g} hours after the notice are re-checked by an "
                f"analyst ({takedown['recheck_minutes']:g} minutes)"
                + (f", and escalated after {takedown['max_follow_ups']} re-checks"
                   if takedown.get("max_follow_ups") is not None else "")
                + "."
            )  # fmt: skip
    else:
        lines.append("Removal is not modelled (no hosting countries given): notices are counted only.")
    if scenario["reuploads"]["share"] > 0:
        lines.append(
            f"{scenario['reuploads']['share']:.0%} of removed pages come back at a new address and are "
            f"reported again ({scenario['reuploads']['hash_block_share']:.0%} of those are blocked at "
            "upload)."
        )
    lines.append(
        "The service level asked is assessment within "
        f"{scenario['sla']['assessment_hours']:g} hours of arrival."
    )
    return lines


def _share_text(value: Any) -> str:
    if isinstance(value, int | float):
        return f"{value:.1%}"
    return "changing over time, as the scenario's rule sets"


def _schedule_text(schedule: Any) -> str:
    if schedule == "24/7":
        return "around the clock (24/7)"
    shifts = schedule if isinstance(schedule, list) else [schedule]
    return "; ".join(f"{s['days']} {s['start']} to {s['end']}" for s in shifts)


def in_short(
    kind: str, figures: list[tuple[str, str]], manifest: dict[str, Any], summary: dict[str, dict[str, Any]],
    rows: list[dict[str, Any]],
) -> list[str]:  # fmt: skip
    """The report's opening sentences, the answer first: the answer (the first key figures, with
    their intervals and units) and the one caveat that matters most for this kind of result."""
    lead = {"run": 3, "sweep": 3, "staff": 2, "plan": 3, "compare": 3, "sensitivity": 2}[kind]
    sentences = [f"{label}: {text}." for label, text in figures[:lead]]
    if kind == "sweep":
        sentences = _sweep_sentences(figures, manifest)
    return [*sentences, f"Caveat: {_caveat(kind, manifest, summary, rows)}"]


def _sweep_sentences(figures: list[tuple[str, str]], manifest: dict[str, Any]) -> list[str]:
    """The sweep's answer in sentences, from its key figures (`_sweep_figures`): for the first
    metric, its value in the base arm, how many arms differ from it and the largest paired
    difference; then how many arms meet each target."""
    found = dict(figures)
    metric_label = next(
        (label.split(", base arm (")[0] for label, _ in figures if ", base arm (" in label), None
    )
    sentences = []
    if metric_label:
        base = next(label for label, _ in figures if label.startswith(f"{metric_label}, base arm ("))
        arm = base.split(", base arm (", 1)[1].rstrip(")")
        sentences.append(
            f"In the base arm ({arm}), the {metric_label[:1].lower() + metric_label[1:]} is {found[base]}."
        )
        differ = found.get(f"{metric_label}: arms that differ from the base arm beyond replication noise")
        largest = next(
            (label for label, _ in figures if label.startswith(f"{metric_label}: the largest paired")), None
        )
        if differ:
            text = f"{differ} other arms differ from it beyond replication noise"
            if largest:
                where = largest.removeprefix(
                    f"{metric_label}: the largest paired difference from the base arm ("
                )[:-1]
                text += f", most at {where}: {found[largest]}"
            sentences.append(text + ".")
    for label, text in figures:
        if label.startswith("Arms whose whole 95 % CI meets"):
            goal = label.removeprefix("Arms whose whole 95 % CI meets ")
            sentences.append(f"{text} arms meet {goal} (the whole 95 % CI).")
    if len(manifest["metrics"]) > 1:
        sentences.append("The key figures below give the same for every chosen metric.")
    return sentences


def _caveat(
    kind: str, manifest: dict[str, Any], summary: dict[str, dict[str, Any]], rows: list[dict[str, Any]]
) -> str:
    """The one caveat that matters most: a backlog that keeps growing, an answer that cuts
    searching or meets its target only at the edge of its interval, periods a plan misses, fewer
    replications than the scenario's own; else that the intervals cover replication noise only."""
    runs = int(manifest["replications"])
    noise = (
        "the intervals cover replication noise only, not the uncertainty of the assumptions below; "
        "change an assumption and compare to see how much the answer depends on it."
    )
    if kind == "run":
        grows = summary.get("first_period_backlog_grows")
        if grows and grows["replications"] > 0:
            return (
                f"the backlog keeps growing in {int(grows['replications'])} of {runs} replications: the team "
                "does not keep up, and a longer run would show a larger backlog and longer waits."
            )
    if kind == "staff" and manifest["answer"] is not None:
        answer, own = manifest["answer"], manifest["own_value"]
        found = {r["analysts"]: r for r in rows if r["metric"] == "reports_found"}
        if answer in found and own in found and found[own]["mean"] > 0:
            fall = 1 - found[answer]["mean"] / found[own]["mean"]
            if fall > 0.05:
                return (
                    f"with {answer} analysts the team finds {fall:.0%} fewer reports by searching than the "
                    f"scenario's own {own}: the target is met partly by searching less."
                )
        for row in (r for r in rows if r["analysts"] == answer and r["target"]):
            value = target_value(row["target"])
            half = (row["ci95_high"] - row["ci95_low"]) / 2
            if (
                value is not None
                and half > 0
                and min(abs(row["ci95_low"] - value), abs(row["ci95_high"] - value)) < half
            ):
                return (
                    f"with {answer} analysts the target is met only near the edge of the interval; confirm "
                    "with more replications before acting on it."
                )
    if kind == "plan" and manifest["missed"]:
        return f"the plan still misses its targets in {', '.join(manifest['missed'])}."
    start = manifest["resolved_scenario"]["scenario"].get("start_date")
    late = [r for r in rows if kind == "plan" and r["hires"] > 0 and r["recruit_by"] and start
            and str(r["recruit_by"]) < str(start)]  # fmt: skip
    if late:
        return (
            f"the hires for {late[0]['period']} had to be recruited by {late[0]['recruit_by']}, before the "
            f"plan starts ({start}): they are already late."
        )
    if kind == "compare" and manifest["notes"]:
        return f"{manifest['notes'][0]}."
    if manifest.get("replications_note"):
        return f"{manifest['replications_note']}; {noise}"
    return noise


def _teams(scenario: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The teams of a resolved scenario (a manifest's): `[analysts]` as one, or each `[teams.NAME]`."""
    if isinstance(scenario.get("teams"), dict):
        return list(scenario["teams"].items())
    return [("analysts", scenario["analysts"])]


def _team_size_words(scenario: dict[str, Any]) -> str:
    """`13 analysts`, or `7 analysts in 2 teams (one 4, two 3)`."""
    teams = _teams(scenario)
    total = sum(team["count"] for _, team in teams)
    if "teams" not in scenario:
        return f"{total} analysts"
    each = ", ".join(f"{name} {team['count']}" for name, team in teams)
    return f"{total} analysts in {len(teams)} teams ({each})"


def _team_limits(team: dict[str, Any]) -> str:
    """`, with 10-minute breaks every 60 minutes and at most 5 hours of viewing a day`, or ``."""
    return (
        (f", with {team['breaks']['length_minutes']:g}-minute breaks every "
         f"{team['breaks']['every_minutes']:g} minutes" if team.get("breaks") else "")
        + (f" and at most {team['max_viewing_hours_per_day']:g} hours of viewing a day"
           if team.get("max_viewing_hours_per_day") else "")
    )  # fmt: skip

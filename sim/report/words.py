"""The report's words: figures with their 95 % CIs in plain words, the question a folder answers, and
the model's logic for one scenario, all from the result tables and the resolved scenario.

>>> ci_words(0.9123, 0.9081, 0.9165, 10, "share")
'91.2 % (95 % CI 90.8 to 91.6 %)'
>>> ci_words(0.85945, 0.85910, 0.85979, 10, "share")
'85.9 % (95 % CI 85.9 to 86.0 %)'
>>> ci_words(230368.4, 229983.2, 230753.6, 10, "count")
'230,368 (95 % CI 229,983 to 230,754)'
>>> ci_words(2.81, 2.62, 3.0, 5, "hours", signed=True)
'+2.8 hours (95 % CI +2.6 to +3.0 hours)'
>>> ci_words(-0.02, -0.031, 0.0004, 5, "share", signed=True)
'-2 percentage points (95 % CI -3 to 0 percentage points)'
>>> ci_words(143.8, 142.7, 144.9, 4, "hours")
'144 hours (95 % CI 143 to 145 hours)'
>>> ci_words(0.16, -0.04, 0.36, 3, "share")  # a t-interval cut to what a share can be
'16 % (95 % CI 0 to 36 %)'
>>> ci_words(0.9503, 0.9497, 0.9509, 5, "share", target=0.95)  # a miss never rounds to the target
'95.03 % (95 % CI 94.97 to 95.09 %)'
"""

from __future__ import annotations

import math
from typing import Any

from sim.metrics import KEY_FIGURES, NEVER_CLEARED, modelled
from sim.metrics import metric as catalogue_entry

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
     "Reports waiting at the end of each day (mean over replications, 95 % CI band), and below it the "
     "average week of the measured window: the weekly pattern of the team's rota."),
    ("wait_distribution.png", "How long reports wait",
     "The share of reports waiting longer than a given time before their assessment starts (log "
     "scale), all replications pooled; the dashed line is the service level."),
    ("removal_by_route.png", "Time to removal by route",
     "The share of pages still up a given time after the notice, for each takedown route, all "
     "replications pooled."),
)  # fmt: skip
UNITS = {"share": " %", "hours": " hours", "days": " days", "count": ""}


def metric_kind(name: str) -> str:
    """How a metric is worded (the catalogue's `words`): "share" (in %), "hours", "days" or "count";
    a name the catalogue does not know (a folder is not trusted) is worded as a count."""
    try:
        return catalogue_entry(name).words
    except KeyError:
        return "count"


def _decimals(half_width: float, kind: str, mean: float) -> int:
    """Decimals that show the CI's half-width to one significant digit, at most a planner's
    precision: 1 decimal for shares (in %) and days, 2 for hours under 10 (else 1), none for counts
    of 100 or more (or whole counts)."""
    whole = float(mean).is_integer()
    count_decimals = 0 if abs(mean) >= 100 or whole else 2
    most = {"share": 1, "days": 1, "hours": 2 if abs(mean) < 10 else 1}.get(kind, count_decimals)
    if not half_width > 0 or math.isinf(half_width):
        return most
    return max(0, min(most, -math.floor(math.log10(half_width))))


def _number(value: float, decimals: int, signed: bool = False) -> str:
    text = f"{value:,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return text.lstrip("-")  # no "-0" or "+0"
    return f"+{text}" if signed and value > 0 else text


def _apart(decimals: int, values: list[float], target: float | None) -> int:
    """More decimals (up to 4 more) while a rounded value would read as the target it misses."""
    if target is None:
        return decimals
    for extra in range(5):
        shown = [round(v, decimals + extra) for v in values if v != target]
        if all(v != round(target, decimals + extra) for v in shown):
            return decimals + extra
    return decimals + 4


def ci_words(
    mean: float, low: float, high: float, replications: int, kind: str, signed: bool = False,
    target: float | None = None,
) -> str:  # fmt: skip
    """A mean with its 95 % CI in plain words, in the metric's unit ('undefined' when it has none).

    `signed`: a difference (with its sign; shares in percentage points). Otherwise the interval is
    clipped to what the metric can be (0 and above; shares at most 100 %): a t-interval over few
    replications can run past either. `target`: a value compared with the interval, kept apart
    from it in the rounding so that a miss never reads as a hit."""
    if math.isnan(mean):
        return "undefined (no value in any replication)"
    scale = 100.0 if kind == "share" else 1.0
    unit = " percentage points" if signed and kind == "share" else UNITS[kind]
    has_ci = replications > 1 and not (math.isnan(low) or math.isnan(high))
    if has_ci and not signed:
        low, high = max(low, 0.0), min(high, 1.0) if kind == "share" else high
    decimals = _decimals((high - low) / 2 * scale if has_ci else math.nan, kind, mean * scale)
    shown = [v * scale for v in ((mean, low, high) if has_ci else (mean,))]
    decimals = _apart(decimals, shown, None if target is None else target * scale)
    text = f"{_number(mean * scale, decimals, signed)}{unit}"
    if has_ci:
        text += (
            f" (95 % CI {_number(low * scale, decimals, signed)} to {_number(high * scale, decimals, signed)}"
            f"{unit})"
        )
    return text


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
    rows: list[dict[str, Any]],
) -> list[tuple[str, str]]:  # fmt: skip
    """The report's key figures: (what, value with its CI in words), from the validated manifest and
    typed table rows (`summary`: summary.csv by metric; `rows`: the sweep's, staffing's or
    sensitivity's table; numbers as floats, an undefined one NaN)."""
    if kind == "run":
        return _run_figures(summary, manifest, scenario)
    if kind == "staff":
        return _staff_figures(manifest, rows)
    if kind == "sweep":
        return _sweep_figures(manifest, rows)
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
        if kind == "hours" and s["mean"] >= 48:
            text += f", about {s['mean'] / 24:.1f} days"
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


def _staff_figures(manifest: dict[str, Any], table: list[dict[str, Any]]) -> list[tuple[str, str]]:
    key = manifest["key"]
    answer, own = manifest["answer"], manifest["own_value"]
    targets = manifest["targets"]

    def team(value: int) -> str:
        return f"{value} analysts" if key == "analysts.count" else f"{key} = {value}"

    found = team(answer) if answer is not None else f"none up to {team(manifest['max_value'])}"
    smallest = "Smallest team" if key == "analysts.count" else f"Smallest {key}"
    figures = [(f"{smallest} whose whole 95 % CI meets " + " and ".join(targets), found)]
    below = (answer - 1) if answer is not None else None
    for value in (answer, below, own if own not in (answer, below) else None):
        for row in (r for r in table if value is not None and r["analysts"] == value):
            goal = row["target"]
            kind = metric_kind(row["metric"])
            text = ci_words(row["mean"], row["ci95_low"], row["ci95_high"], manifest["replications"], kind,
                            target=target_value(goal) if goal else None)  # fmt: skip
            verdict = "" if row["meets_target"] == "" or not goal else (
                ": meets " + goal if row["meets_target"] else ": does not meet " + goal
            )  # fmt: skip
            whose = " (the scenario's own)" if value == own else ""
            figures.append((f"{row['metric']} with {team(value)}{whose}", f"{text}{verdict}"))
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
            figures.append((f"{metric}: {row['scenario']} against {labels[0]} (paired)", text))
    return figures


def target_metric(target: str) -> str:
    """The metric of a `METRIC<=VALUE` target."""
    return target.replace(">=", "<=").partition("<=")[0].strip()


def _plan_figures(
    manifest: dict[str, Any], scenario: dict[str, Any], rows: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    first, last = rows[0], rows[-1]
    own = scenario["analysts"]["count"]
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
        currency = scenario["analysts"].get("currency", "GBP")
        figures.append(("Cost over the plan", f"{math.fsum(costs):,.0f} {currency}"))
    return figures


def target_value(target: str) -> float | None:
    """The number of a `METRIC<=VALUE` target (None if there is none)."""
    _, _, value = target.replace(">=", "<=").partition("<=")
    try:
        return float(value)
    except ValueError:
        return None


def _sweep_figures(manifest: dict[str, Any], rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    keys = list(manifest["varied"])
    figures = []
    for metric in manifest["metrics"]:
        arms = [r for r in rows if r["metric"] == metric and not math.isnan(r["mean"])]
        if not arms:
            continue
        low = min(arms, key=lambda r: r["mean"])
        high = max(arms, key=lambda r: r["mean"])
        kind = metric_kind(metric)
        for label, row in (("lowest", low), ("highest", high))[: 1 if low is high else 2]:
            arm = ", ".join(f"{k} = {row[k]}" for k in keys)
            text = ci_words(row["mean"], row["ci95_low"], row["ci95_high"], row["replications"], kind)
            figures.append((f"{metric}, {label} arm ({arm})", text))
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
        figures.append((f"{metric}: the largest effect ({widest['key']} moved {widest['direction']})", text))
    return figures


def question(kind: str, manifest: dict[str, Any], scenario: dict[str, Any]) -> str:
    """The question the folder answers, in a planner's words."""
    name = manifest["scenario_name"]
    if kind == "sweep":
        varied = manifest["varied"]
        what = _and([f"{k} takes {', '.join(map(str, v))}" for k, v in varied.items()])
        metrics = _and(manifest["metrics"])
        return f"How do {metrics} change in “{name}” as {what or 'the swept keys vary'}?"
    if kind == "staff":
        targets = _and(manifest["targets"])
        if manifest["key"] == "analysts.count":
            return (
                f"What is the smallest team of analysts for “{name}” whose whole 95 % confidence interval "
                f"meets {targets}?"
            )
        return (
            f"What is the smallest value of {manifest['key']} for “{name}” whose whole 95 % confidence "
            f"interval meets {targets}?"
        )
    if kind == "sensitivity":
        metrics = _and(manifest["metrics"])
        return f"Which of the assumptions of “{name}” do {metrics} depend on most?"
    if kind == "compare":
        labels = [entry["label"] for entry in manifest["compared"]]
        return f"How do {_and(labels[1:])} differ from {labels[0]}, with the same random numbers?"
    if kind == "plan":
        targets = _and(manifest["targets"])
        return (
            f"As “{name}” grows, when must analysts be hired, and how many, so that every "
            f"{manifest['period']} meets {targets}?"
        )
    window = manifest["horizon_days"] - manifest["warmup_days"]
    team = scenario["analysts"]["count"]
    removal = ", the time to assessment and the time to removal" if "hosts" in _modelled(scenario) else (
        " and the time to assessment"
    )  # fmt: skip
    return (
        f"What happens to the queue{removal} in “{name}”, with {team} analysts, over a measured "
        f"window of {window:g} days?"
    )


def _and(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


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
    team = scenario["analysts"]
    schedule = team["schedule"]
    lines.append(
        f"{team['count']} analysts work {_schedule_text(schedule)}"
        + (f", with {team['breaks']['length_minutes']:g}-minute breaks every "
           f"{team['breaks']['every_minutes']:g} minutes" if team.get("breaks") else "")
        + (f" and at most {team['max_viewing_hours_per_day']:g} hours of viewing a day"
           if team.get("max_viewing_hours_per_day") else "")
        + f"; they assess the queue by priority, then first in, first out; an assessment takes "
        f"{_dist(scenario['assessment']['time_minutes'], 'minutes')}."
    )  # fmt: skip
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

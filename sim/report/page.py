"""The planner report: one self-contained HTML page built from a results folder (run, sweep, staff
or sensitivity), for a planner to hand to a director.

It says what was asked and of which scenario; the key figures with their 95 % confidence intervals
in plain words, and that the intervals cover replication noise only; the figures the run drew
(embedded as PNG data, so the page needs no other file and no network); the takedown table; the
assumptions (the file's `# assumption:` notes and the defaults used); the STRESS-DES items
(objectives, logic, inputs, outputs, experimentation, implementation); and the manifest. The page
is rendered from a Jinja2 template (`sim/report/templates/report.html.j2`) and has no script.

Results folders are shared and may be damaged or tampered with, so nothing in one is trusted:
before the page is built, the folder is read by `sim.report.reading.read_results`, which validates
`manifest.json` field by field (`sim.report.manifest`) and reads every table with typed columns and
each row's figures held to what its metric can be (`sim.report.tables`); every figure must be a PNG.
Anything wrong is a `ReportError` naming the file and what is wrong (the command line's exit 2).
What the page shows is escaped text, never evaluated.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.common.files import atomic_write_text
from sim.metrics import label_words
from sim.report.manifest import MAX_FIGURE_BYTES, ReportError, file_bytes
from sim.report.reading import Results, listed, read_results
from sim.report.tables import Row
from sim.report.words import (
    RUN_FIGURES,
    ci_words,
    in_short,
    key_figures,
    metric_kind,
    model_logic,
    number_words,
    question,
    target_metric,
    target_value,
    target_words,
)
from sim.scenario.changes import key_words, show_value

REPORT_NAME = "report.html"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

__all__ = ["REPORT_NAME", "ReportError", "build_report", "read_results", "write_report"]


@dataclass
class Figure:
    """One embedded figure: its title, what it shows, and the PNG as a data URI (None: not drawn)."""

    title: str
    caption: str
    file: str
    data_uri: str | None


@dataclass
class Table:
    """A table for the page: a header row and body rows of text cells (numbers already worded)."""

    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    numeric: list[bool] = field(default_factory=list)


# --- the figures -----------------------------------------------------------------------------


def _data_uri(folder: Path, manifest: dict[str, Any], name: str) -> str | None:
    """A figure as a PNG data URI; None when the manifest does not list it (not drawn). A listed
    figure that is missing, too large or not a PNG is a ReportError."""
    path = listed(folder, manifest, name)
    if path is None:
        return None
    data = file_bytes(path, MAX_FIGURE_BYTES, "figure")
    if not data.startswith(PNG_SIGNATURE):
        raise ReportError(f"{path}: not a PNG image (it does not start with the PNG signature)")
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _figures(results: Results) -> list[Figure]:
    """The figures of the folder, in the report's order."""
    kind, manifest = results.kind, results.manifest
    if kind == "run":
        hosts = results.scenario["takedown"]["hosts"]
        specs = [f for f in RUN_FIGURES if hosts or f[0] != "removal_by_route.png"]
    elif kind == "sweep":
        first = key_words(next(iter(manifest["varied"])))
        specs = []
        for m in manifest["metrics"]:
            caption = (
                f"The mean and 95 % CI of each arm against {first}, one marker and colour per value of the "
                "other keys; no line joins the arms, since the values between them were not simulated."
            )
            specs.append((f"sweep_{m}.png", f"{label_words(m)} across the sweep", caption))
            if f"sweep_heatmap_{m}.png" in manifest["files"]:
                caption = (
                    "The mean in each arm as a colour, its value written in the cell; the outline is the "
                    "target's contour, around the arms whose whole 95 % CI meets it."
                )
                specs.append((f"sweep_heatmap_{m}.png", f"{label_words(m)}: every arm at a glance", caption))
    elif kind == "compare":
        specs = [
            (f"compare_{m}.png", f"{label_words(m)} in each file",
             "The mean and 95 % CI in each file (above) and the paired difference from the first file "
             "(below).")
            for m in manifest["metrics"]
        ]  # fmt: skip
    elif kind == "plan":
        specs = [("plan.png", "The hiring plan",
                  "The planned headcount (steps), the analysts each period needs on its own (points) and "
                  "the reports a day from the public and partners (dashed, right axis).")]  # fmt: skip
    elif kind == "staff":
        specs = [("staffing.png", "The staffing curves",
                  "Each target's metric (mean and 95 % CI) at each value tried, one panel each (and the "
                  "reports found by searching, with a proactive source); the dashed line is the target, "
                  "the dotted line the answer and the dash-dotted line the scenario's own.")]  # fmt: skip
    else:
        specs = [
            (f"sensitivity_{m}.png", f"How much {label_words(m).lower()} depends on each assumption",
             "Each assumption moved down (light) and up (dark); the bars show the paired change.")
            for m in manifest["metrics"]
        ]  # fmt: skip
    return [
        Figure(title, caption, name, _data_uri(results.folder, manifest, name))
        for name, title, caption in specs
    ]


# --- the tables of the page ------------------------------------------------------------------


def _takedown_table(rows: list[Row] | None) -> Table | None:
    """The takedown table by hosting country (None: no table or no host)."""
    if not rows:
        return None
    body = []
    for row in rows:
        body.append([
            row["country"], row["route"].replace("_", " "),
            number_words(row["notices"], "count"), number_words(row["removed"], "count"),
            number_words(row["removal_hours_mean"], "hours_plain"),
            number_words(row["removal_hours_p50"], "hours_plain"),
            number_words(row["removal_hours_p95"], "hours_plain"),
            number_words(row["removed_within_1_day_share"], "percent"),
            number_words(row["removed_within_3_days_share"], "percent"),
        ])  # fmt: skip
    header = ["country", "route", "notices", "removed", "removal h, mean", "median", "95th pct",
              "within 1 day", "within 3 days"]  # fmt: skip
    return Table(
        "Takedown by hosting country",
        header,
        body,
        "Per host, means over replications: notices sent in the measured window, pages removed before "
        "the end of the run, hours from notice to removal, and the share of notices removed within 1 "
        "and 3 days of the notice.",
        [False, False, *([True] * 7)],
    )


def _sweep_tables(results: Results) -> list[Table]:
    manifest = results.manifest
    keys = list(manifest["varied"])
    tables = []
    for metric in manifest["metrics"]:
        kind = metric_kind(metric)
        diff = {tuple(d[k] for k in keys): d for d in results.differences if d["metric"] == metric}
        body = []
        for row in (r for r in results.rows if r["metric"] == metric):
            arm = tuple(row[k] for k in keys)
            d = diff.get(arm)
            shown = (
                ci_words(d["mean_difference"], d["ci95_low"], d["ci95_high"], d["replications"], kind,
                         signed=True)
                if d else "(base arm)"
            )  # fmt: skip
            body.append([
                *arm,
                ci_words(row["mean"], row["ci95_low"], row["ci95_high"], row["replications"], kind),
                shown,
            ])  # fmt: skip
        tables.append(Table(
            f"{label_words(metric)} by arm",
            [*(key_words(k) for k in keys), "mean (95 % CI)",
             "difference from the base arm (paired 95 % CI)"],
            body, f"Base arm: {manifest['baseline_arm']}. Differences are paired by "
            "replication (common random numbers), so their intervals are usually narrower than comparing two "
            "independent runs.", [False] * len(keys) + [True, True],
        ))  # fmt: skip
    return tables


def _staff_table(results: Results) -> Table:
    key = results.manifest["key"]
    own = results.manifest["own_value"]
    body = []
    for row in sorted(results.rows, key=lambda r: r["analysts"]):
        kind = metric_kind(row["metric"])
        goal = target_value(row["target"]) if row["target"] else None
        verdict = "shown" if row["meets_target"] == "" else ("meets" if row["meets_target"] else "fails")
        count = row.get("replications", 2)  # (an older table: the fewest a CI has)
        stopped = row["analysts"] in results.manifest.get("stopped_clearly_short", [])
        if stopped and count < results.manifest["replications"]:
            if verdict == "fails":  # the target that stopped it, or one its few replications leave open
                verdict = _stopped_verdict(row, count)
            verdict += f" (stopped after {count} replications)"
        body.append([
            str(row["analysts"]) + (" (own)" if row["analysts"] == own else ""),
            _target_or_metric(row["target"], row["metric"], results.scenario["sla"]["assessment_hours"]),
            ci_words(row["mean"], row["ci95_low"], row["ci95_high"], count, kind, target=goal),
            verdict,
        ])  # fmt: skip
    note = (
        "Every value was run with the same seed (common random numbers). A metric marked “shown” is "
        "not a target: with a proactive source, the reports found by searching, beside the scenario's "
        "own team."
    )
    column = "analysts" if key == "analysts.count" else key_words(key)
    header = [column, "target (or metric)", "mean (95 % CI)", "target"]
    return Table("The targets at each value tried", header, body, note, [True, False, True, False])


def _stopped_verdict(row: Row, count: int) -> str:
    """A failing target's word on a size stopped after `count` replications, as the printout's
    (`staff_results.verdict`): `clearly short` or `not settled`; `fails` for a cell that is no
    target (a folder is not trusted)."""
    from sim.experiments.staff_results import verdict
    from sim.experiments.targets import parse_target
    from sim.stats.intervals import Summary

    try:
        goal = parse_target(row["target"])
    except ValueError:
        return "fails"
    return verdict(
        goal, Summary(row["mean"], math.nan, row["ci95_low"], row["ci95_high"], count), False, True
    )


def _target_or_metric(target: str, metric: str, sla: float) -> str:
    """A staffing row's target in words (`Target.words`), or its metric's label when it is shown
    only (no target)."""
    return target_words(target, sla) if target else label_words(metric, sla)


def _compare_table(results: Results) -> Table:
    body = []
    for row in results.rows:
        if row["metric"] not in results.manifest["metrics"]:
            continue
        kind = metric_kind(row["metric"])
        first = row["scenario"] == results.manifest["compared"][0]["label"]
        n = results.manifest["replications"]
        difference = "(the base)" if first else ci_words(
            row["difference"], row["difference_ci95_low"], row["difference_ci95_high"], n, kind, signed=True
        )  # fmt: skip
        mean = ci_words(
            row["mean"], row["ci95_low"], row["ci95_high"], results.manifest["replications"], kind
        )
        body.append([label_words(row["metric"]), row["scenario"], mean, difference])
    note = "Every file was run with the same seed and replications: differences are paired by replication."
    header = ["what", "scenario", "mean (95 % CI)", "difference from the first (paired 95 % CI)"]
    return Table("The key metrics in each file", header, body, note, [False, False, True, True])


def _plan_table(results: Results) -> Table:
    metrics = list(dict.fromkeys(target_metric(t) for t in results.manifest["targets"]))
    body = []
    for row in results.rows:
        needed = "" if row["analysts_needed"] == "" else str(row["analysts_needed"])
        cells = [row["period"], f"{row['start_date']} to {row['end_date']}",
                 number_words(row["reports_per_day"], "count"), needed, str(row["headcount"]),
                 str(row["hires"]), str(row["recruit_by"] or "")]  # fmt: skip
        cells += [number_words(row[m], "percent" if metric_kind(m) == "share" else "count") for m in metrics]
        body.append(cells)
    sla = results.scenario["sla"]["assessment_hours"]
    header = ["period", "dates", "reports a day (average)", "analysts needed (period alone)", "headcount",
              "hires", "recruit by", *(f"{label_words(m, sla)} (end to end)" for m in metrics)]  # fmt: skip
    note = (
        "Each period sized on its own at its end volume; the headcount never falls; the last columns are "
        "each target's metric per period in one run of the whole horizon with these hires (counts as a "
        "rate a year)."
    )
    return Table("The plan, period by period", header, body, note, [False] * 2 + [True] * (len(header) - 2))


def _sensitivity_tables(results: Results) -> list[Table]:
    tables = []
    for metric in results.manifest["metrics"]:
        kind = metric_kind(metric)
        body = [
            [r["key"], r["direction"], r["value"],
             r["problem"] or ci_words(r["difference"], r["difference_ci95_low"], r["difference_ci95_high"],
                                      r["replications"], kind, signed=True)]
            for r in results.rows if r["metric"] == metric
        ]  # fmt: skip
        tables.append(Table(f"Sensitivity of {metric}", ["key", "move", "value", "paired change (95 % CI)"],
                            body, "", [False, False, False, True]))  # fmt: skip
    return tables


@functools.cache
def _template() -> Any:
    """The page's template, compiled once a process (compiling it was most of a report's time)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("sim.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("report.html.j2")


def build_report(folder: str | Path, question_text: str | None = None) -> str:
    """The report of the results folder `folder` as one HTML page (text); ReportError when the
    folder is not a finished results folder or is damaged."""
    results = read_results(folder)
    kind, manifest, scenario = results.kind, results.manifest, results.scenario
    tables: list[Table] = []
    if kind == "sweep":
        tables = _sweep_tables(results)
    elif kind == "staff":
        tables = [_staff_table(results)]
    elif kind == "sensitivity":
        tables = _sensitivity_tables(results)
    elif kind == "plan":
        tables = [_plan_table(results)]
    elif kind == "compare":
        tables = [_compare_table(results)]
    figures = _figures(results)

    template = _template()
    shown_manifest = {k: v for k, v in manifest.items() if k not in ("resolved_scenario", "assumptions",
                                                                      "defaults_used")}  # fmt: skip
    figures_in_words = key_figures(
        kind, results.summary, manifest, scenario, results.rows, results.differences
    )
    return template.render(
        kind=kind,
        name=manifest["scenario_name"],
        question=question_text or question(kind, manifest, scenario),
        description=manifest["description"],
        in_short=in_short(kind, figures_in_words, manifest, results.summary, results.rows),
        changed=[
            (key_words(c["key"]), c["key"], _default_words(c["key"], c.get("was")), show_value(c.get("now")))
            for c in manifest.get("changed", [])
        ],
        changed_keys={c["key"] for c in manifest.get("changed", [])},
        key_figures=figures_in_words,
        replications=manifest["replications"],
        figures=figures,
        tables=tables,
        takedown=_takedown_table(results.takedown),
        assumptions=manifest["assumptions"],
        defaults=[(k, _default_words(k, v)) for k, v in manifest["defaults_used"].items()],
        logic=model_logic(scenario),
        scenario_toml=compact_toml(scenario),
        manifest=manifest,
        manifest_json=json.dumps(shown_manifest, indent=2),
        command=shlex.join(manifest["command_line"]) or "written with the Python API (sim.write)",
    )


def _default_words(key: str, value: Any) -> str:
    """A default as a planner reads it: compact TOML, or for an unset key what the schema says it
    means (`none (the law_enforcement route's default)`)."""
    from sim.experiments.arms import show_value

    if value is not None:
        return show_value(value)
    generic = re.sub(r"\[\d+\]", "[i]", key)
    generic = re.sub(r"^intake\.sources\.[^.]+\.", "intake.sources.NAME.", generic)
    generic = re.sub(r"^takedown\.routes\.[^.]+\.", "takedown.routes.ROUTE.", generic)
    return _schema_defaults().get(generic, "none").replace("`", "")


@functools.cache
def _schema_defaults() -> dict[str, str]:
    """Each generic key's default as the scenario reference words it (walked once per process)."""
    from sim.scenario.reference import scenario_rows

    return {row.key: row.default for row in scenario_rows()}


def compact_toml(data: dict[str, Any]) -> str:
    """The resolved scenario as TOML, with lists of numbers on one line (tomli_w puts each number on
    a line of its own)."""
    import tomli_w

    text = tomli_w.dumps(data)
    return re.sub(
        r"\[\n((?:\s+[-+0-9.eE]+,\n)+)\]",
        lambda m: "[" + ", ".join(v.strip().rstrip(",") for v in m.group(1).splitlines()) + "]",
        text,
    )


def write_report(folder: str | Path, out: str | Path | None = None, question_text: str | None = None) -> Path:
    """Write the report of `folder` to `out` (default `folder/report.html`) atomically; its path.
    Into the folder itself, the report is written under the folder's lock (FolderBusy while another
    command writes it) and recorded among the files hotline-sim wrote there. ReportError when the
    folder is damaged or the page cannot be written."""
    from sim.io.folder import ResultsFolder

    folder = Path(folder)
    if out is not None and Path(out).resolve() != (folder / REPORT_NAME).resolve():
        target = Path(out)
        page = build_report(folder, question_text)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(target, page)
        except OSError as exc:
            raise ReportError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        return target
    if not folder.is_dir():
        raise ReportError(f"{folder}: no such folder")
    with ResultsFolder(folder) as held:
        page = build_report(folder, question_text)  # read while no other command writes the folder
        try:
            held.add(REPORT_NAME)
            held.write_text(REPORT_NAME, page)
        except OSError as exc:
            raise ReportError(f"{folder / REPORT_NAME}: cannot be written ({exc.strerror or exc})") from None
    return folder / REPORT_NAME

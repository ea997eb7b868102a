"""The planner report: one self-contained HTML page built from a results folder (run, sweep, staff
or sensitivity), for a planner to hand to a director.

It says what was asked and of which scenario; the key figures with their 95 % confidence intervals
in plain words, and that the intervals cover replication noise only; the figures the run drew
(embedded as PNG data, so the page needs no other file and no network); the takedown table; the
assumptions (the file's `# assumption:` notes and the defaults used); the STRESS-DES items
(objectives, logic, inputs, outputs, experimentation, implementation); and the manifest. The page
is rendered from a Jinja2 template (`sim/templates/report.html.j2`) and has no script.
"""

from __future__ import annotations

import base64
import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.output import atomic_write_text
from sim.report_words import (
    KIND_FILES,
    RUN_FIGURES,
    ci_words,
    key_figures,
    model_logic,
    number_words,
    question,
)

REPORT_NAME = "report.html"


class ReportError(ValueError):
    """A folder the report cannot be built from (no manifest: not a finished results folder)."""


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


def read_csv(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as dicts of text cells."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number(cell: str | None) -> float:
    """A numeric cell as a float (an empty cell, undefined, as NaN)."""
    return float(cell) if cell not in (None, "") else math.nan


def folder_kind(folder: Path) -> str:
    """What made the folder: "run", "sweep", "staff" or "sensitivity" (by the tables in it)."""
    for kind, name in KIND_FILES.items():
        if (folder / name).is_file():
            return kind
    raise ReportError(
        f"{folder}: no result table ({', '.join(KIND_FILES.values())}); give a folder written by "
        "hotline-sim run, sweep, staff or sensitivity"
    )


def _data_uri(path: Path) -> str | None:
    if not path.is_file():
        return None
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _figures(folder: Path, kind: str, manifest: dict[str, Any]) -> list[Figure]:
    """The figures of the folder, in the report's order."""
    if kind == "run":
        specs = list(RUN_FIGURES)
    elif kind == "sweep":
        specs = [
            (f"sweep_{m}.png", f"{m} across the sweep",
             f"The mean of {m} in each arm against {next(iter(manifest.get('varied', {'the key': 0})))}, "
             "one line per value of the other keys; the band is the 95 % CI over replications.")
            for m in manifest.get("metrics") or _plotted(folder, "sweep_")
        ]  # fmt: skip
    elif kind == "staff":
        specs = [("staffing.png", "The staffing curve",
                  "The target's metric (mean and 95 % CI) at each team size tried; the dashed line is the "
                  "target and the dotted line the answer.")]  # fmt: skip
    else:
        specs = [
            (f"sensitivity_{m}.png", f"Sensitivity of {m}",
             "Each assumption moved down (light) and up (dark); bars show the paired change.")
            for m in manifest.get("metrics") or _plotted(folder, "sensitivity_")
        ]  # fmt: skip
    return [Figure(title, caption, name, _data_uri(folder / name)) for name, title, caption in specs]


def _plotted(folder: Path, prefix: str) -> list[str]:
    return sorted(p.stem[len(prefix) :] for p in folder.glob(f"{prefix}*.png"))


def _takedown_table(folder: Path) -> Table | None:
    path = folder / "takedown_by_country.csv"
    if not path.is_file():
        return None
    rows = read_csv(path)
    if not rows:
        return None
    body = []
    for row in rows:
        body.append([
            row["country"], row["route"].replace("_", " "),
            number_words(number(row["notices"]), "count"), number_words(number(row["removed"]), "count"),
            number_words(number(row["removal_hours_mean"]), "hours_plain"),
            number_words(number(row["removal_hours_p50"]), "hours_plain"),
            number_words(number(row["removal_hours_p95"]), "hours_plain"),
            number_words(number(row["removed_within_1_day_share"]), "percent"),
            number_words(number(row["removed_within_3_days_share"]), "percent"),
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


def _sweep_tables(folder: Path, manifest: dict[str, Any]) -> list[Table]:
    rows = read_csv(folder / "sweep.csv")
    paired = folder / "sweep_differences.csv"
    differences = read_csv(paired) if paired.is_file() else []
    keys = list(manifest.get("varied") or [c for c in rows[0] if "." in c])
    chosen = manifest.get("metrics") or _plotted(folder, "sweep_")
    tables = []
    for metric in chosen:
        kind = _kind_of(metric)
        diff = {tuple(d[k] for k in keys): d for d in differences if d["metric"] == metric}
        body = []
        for row in (r for r in rows if r["metric"] == metric):
            arm = tuple(row[k] for k in keys)
            d = diff.get(arm)
            shown = (
                ci_words(number(d["mean_difference"]), number(d["ci95_low"]), number(d["ci95_high"]),
                         int(number(d["replications"]) or 0), kind, signed=True)
                if d else "baseline"
            )  # fmt: skip
            body.append([
                *arm,
                ci_words(number(row["mean"]), number(row["ci95_low"]), number(row["ci95_high"]),
                         int(number(row["replications"]) or 0), kind),
                shown,
            ])  # fmt: skip
        tables.append(Table(
            f"{metric} by arm",
            [*keys, "mean (95 % CI)", "difference from the baseline arm (paired 95 % CI)"],
            body, f"Baseline arm: {manifest.get('baseline_arm', 'the first arm')}. Differences are paired by "
            "replication (common random numbers), so their intervals are narrower than comparing two "
            "independent runs.", [False] * len(keys) + [True, True],
        ))  # fmt: skip
    return tables


def _staff_table(folder: Path) -> Table:
    rows = read_csv(folder / "staffing.csv")
    body = []
    for row in sorted(rows, key=lambda r: int(r["analysts"])):
        kind = _kind_of(row["metric"])
        body.append([
            row["analysts"],
            ci_words(number(row["mean"]), number(row["ci95_low"]), number(row["ci95_high"]), 2, kind),
            "meets" if row["meets_target"] == "true" else "fails",
        ])  # fmt: skip
    metric = rows[0]["metric"] if rows else "metric"
    note = "Every count was run with the same seed (common random numbers)."
    return Table(f"{metric} at each team size tried", ["analysts", "mean (95 % CI)", "target"], body, note,
                 [True, True, False])  # fmt: skip


def _sensitivity_tables(folder: Path, manifest: dict[str, Any]) -> list[Table]:
    rows = read_csv(folder / "sensitivity.csv")
    tables = []
    for metric in manifest.get("metrics") or sorted({r["metric"] for r in rows}):
        kind = _kind_of(metric)
        body = [
            [r["key"], r["direction"], r["value"],
             r["problem"] or ci_words(number(r["difference"]), number(r["difference_ci95_low"]),
                                      number(r["difference_ci95_high"]), int(number(r["replications"]) or 0),
                                      kind, signed=True)]
            for r in rows if r["metric"] == metric
        ]  # fmt: skip
        tables.append(Table(f"Sensitivity of {metric}", ["key", "move", "value", "paired change (95 % CI)"],
                            body, "", [False, False, False, True]))  # fmt: skip
    return tables


def _kind_of(metric: str) -> str:
    from sim.report_words import metric_kind

    return metric_kind(metric)


def _summary(folder: Path) -> dict[str, dict[str, float]]:
    path = folder / "summary.csv"
    if not path.is_file():
        return {}
    return {
        row["metric"]: {k: number(row[k]) for k in ("mean", "ci95_low", "ci95_high", "replications")}
        for row in read_csv(path)
    }


def _scenario_description(manifest: dict[str, Any]) -> str:
    """The scenario file's opening comment (what the scenario is), when the file can be read."""
    name = manifest.get("scenario_file")
    if not name or not Path(name).is_file():
        return ""
    lines = []
    for line in Path(name).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    paragraphs = " ".join(lines).split("  ")
    return " ".join(p.strip() for p in paragraphs if p.strip())


def _notes(manifest: dict[str, Any]) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """The assumption notes and defaults: from the manifest, else worked out from the file."""
    if "assumptions" in manifest:
        return manifest["assumptions"], manifest.get("defaults_used", {})
    from sim.output import scenario_notes
    from sim.scenario import scenario_from_dict

    path = Path(manifest["scenario_file"]) if manifest.get("scenario_file") else None
    notes = scenario_notes(scenario_from_dict(manifest["resolved_scenario"]), path)
    return notes["assumptions"], notes["defaults_used"] if path and path.is_file() else {}


def build_report(folder: str | Path, question_text: str | None = None) -> str:
    """The report of the results folder `folder` as one HTML page (text)."""
    import jinja2

    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ReportError(
            f"{folder}: no manifest.json, so not a finished results folder (an interrupted run writes "
            "its manifest last); run it again"
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    kind = folder_kind(folder)
    scenario = manifest["resolved_scenario"]
    summary = _summary(folder)
    assumptions, defaults = _notes(manifest)
    tables: list[Table] = []
    if kind == "sweep":
        tables = _sweep_tables(folder, manifest)
    elif kind == "staff":
        tables = [_staff_table(folder)]
    elif kind == "sensitivity":
        tables = _sensitivity_tables(folder, manifest)
    takedown = _takedown_table(folder)

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("sim", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("report.html.j2")
    shown_manifest = {k: v for k, v in manifest.items() if k not in ("resolved_scenario", "assumptions",
                                                                      "defaults_used")}  # fmt: skip
    return template.render(
        kind=kind,
        name=manifest["scenario_name"],
        question=question_text or question(kind, manifest, scenario),
        description=_scenario_description(manifest),
        key_figures=key_figures(kind, summary, manifest, scenario, folder),
        replications=manifest["replications"],
        figures=_figures(folder, kind, manifest),
        tables=tables,
        takedown=takedown,
        assumptions=assumptions,
        defaults=[(k, _toml_value(v)) for k, v in defaults.items()],
        logic=model_logic(scenario),
        scenario_toml=compact_toml(scenario),
        manifest=manifest,
        manifest_json=json.dumps(shown_manifest, indent=2),
    )


def _toml_value(value: Any) -> str:
    """A default as a planner reads it: compact TOML, or 'none (off)' for a feature left out."""
    from sim.experiment import show_value

    return "none (off)" if value is None else show_value(value)


def compact_toml(data: dict[str, Any]) -> str:
    """The resolved scenario as TOML, with lists of numbers on one line (tomli_w puts each number on
    a line of its own)."""
    import re

    import tomli_w

    text = tomli_w.dumps(data)
    return re.sub(
        r"\[\n((?:\s+[-+0-9.eE]+,\n)+)\]",
        lambda m: "[" + ", ".join(v.strip().rstrip(",") for v in m.group(1).splitlines()) + "]",
        text,
    )


def write_report(folder: str | Path, out: str | Path | None = None, question_text: str | None = None) -> Path:
    """Write the report of `folder` to `out` (default `folder/report.html`) atomically; its path."""
    folder = Path(folder)
    target = Path(out) if out else folder / REPORT_NAME
    atomic_write_text(target, build_report(folder, question_text))
    return target

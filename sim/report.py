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
import functools
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.output import atomic_write_text
from sim.report_words import (
    KIND_FILES,
    RUN_FIGURES,
    ci_words,
    key_figures,
    metric_kind,
    model_logic,
    number,
    number_words,
    question,
    read_csv,
    target_value,
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


def folder_kind(folder: Path, manifest: dict[str, Any]) -> str:
    """What made the folder: "run", "sweep", "staff" or "sensitivity" (as its manifest says; for an
    older manifest, by the tables in the folder)."""
    if manifest.get("kind") in KIND_FILES and (folder / KIND_FILES[manifest["kind"]]).is_file():
        return manifest["kind"]
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
        hosts = manifest["resolved_scenario"].get("takedown", {}).get("hosts")
        specs = [f for f in RUN_FIGURES if hosts or f[0] != "removal_by_route.png"]
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
        kind = metric_kind(metric)
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
            "replication (common random numbers), so their intervals are usually narrower than comparing two "
            "independent runs.", [False] * len(keys) + [True, True],
        ))  # fmt: skip
    return tables


def _staff_table(folder: Path, manifest: dict[str, Any]) -> Table:
    rows = read_csv(folder / "staffing.csv")
    goal = target_value(manifest.get("target", ""))
    body = []
    for row in sorted(rows, key=lambda r: int(r["analysts"])):
        kind = metric_kind(row["metric"])
        body.append([
            row["analysts"],
            ci_words(number(row["mean"]), number(row["ci95_low"]), number(row["ci95_high"]), 2, kind,
                     target=goal),
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
        kind = metric_kind(metric)
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


def _summary(folder: Path) -> dict[str, dict[str, float]]:
    path = folder / "summary.csv"
    if not path.is_file():
        return {}
    return {
        row["metric"]: {k: number(row[k]) for k in ("mean", "ci95_low", "ci95_high", "replications")}
        for row in read_csv(path)
    }


def _file_as_run(manifest: dict[str, Any]) -> Path | None:
    """The scenario file, when it is still there and unchanged since the run (same SHA-256)."""
    import hashlib

    name = manifest.get("scenario_file")
    if not name or not Path(name).is_file():
        return None
    digest = hashlib.sha256(Path(name).read_bytes()).hexdigest()
    return Path(name) if digest == manifest.get("scenario_sha256") else None


def _notes(manifest: dict[str, Any]) -> tuple[str, list[dict[str, str]], dict[str, Any]]:
    """The scenario's description, assumption notes and defaults: from the manifest, else (an older
    manifest) worked out from the scenario file if it is unchanged since the run."""
    if "assumptions" in manifest:
        return manifest.get("description", ""), manifest["assumptions"], manifest.get("defaults_used", {})
    from sim.output import scenario_notes
    from sim.scenario import scenario_from_dict

    path = _file_as_run(manifest)
    if path is None:
        return "", [], {}
    notes = scenario_notes(scenario_from_dict(manifest["resolved_scenario"]), path)
    return notes["description"], notes["assumptions"], notes["defaults_used"]


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
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        scenario = manifest["resolved_scenario"]
        manifest["scenario_name"], manifest["seed"], manifest["replications"]  # noqa: B018 - present?
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ReportError(
            f"{manifest_path}: not a hotline-sim manifest ({type(exc).__name__}: {exc})"
        ) from None
    kind = folder_kind(folder, manifest)
    summary = _summary(folder)
    description, assumptions, defaults = _notes(manifest)
    tables: list[Table] = []
    if kind == "sweep":
        tables = _sweep_tables(folder, manifest)
    elif kind == "staff":
        tables = [_staff_table(folder, manifest)]
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
        description=description,
        key_figures=key_figures(kind, summary, manifest, scenario, folder),
        replications=manifest["replications"],
        figures=_figures(folder, kind, manifest),
        tables=tables,
        takedown=takedown,
        assumptions=assumptions,
        defaults=[(k, _default_words(k, v)) for k, v in defaults.items()],
        logic=model_logic(scenario),
        scenario_toml=compact_toml(scenario),
        manifest=manifest,
        manifest_json=json.dumps(shown_manifest, indent=2),
        command=shlex.join(manifest.get("command_line") or []),
    )


def _default_words(key: str, value: Any) -> str:
    """A default as a planner reads it: compact TOML, or for an unset key what the schema says it
    means (`none (the law_enforcement route's default)`)."""
    from sim.experiment import show_value

    if value is not None:
        return show_value(value)
    generic = re.sub(r"\[\d+\]", "[i]", key)
    generic = re.sub(r"^intake\.sources\.[^.]+\.", "intake.sources.NAME.", generic)
    generic = re.sub(r"^takedown\.routes\.[^.]+\.", "takedown.routes.ROUTE.", generic)
    return _schema_defaults().get(generic, "none").replace("`", "")


@functools.cache
def _schema_defaults() -> dict[str, str]:
    """Each generic key's default as the scenario reference words it (walked once per process)."""
    from sim.reference import scenario_rows

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
    """Write the report of `folder` to `out` (default `folder/report.html`) atomically; its path."""
    folder = Path(folder)
    target = Path(out) if out else folder / REPORT_NAME
    page = build_report(folder, question_text)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, page)
    return target

"""Reading a whole results folder for the report: its validated manifest, which command wrote
it, and the typed rows of the tables the report shows (`read_results`). The report opens only the
folder's own files that its manifest lists, never a path a manifest names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.common.messages import cut
from sim.metrics import KEY_FIGURES
from sim.report.manifest import ReportError, load_manifest
from sim.report.tables import (
    COMPARE_TABLE,
    DIFFERENCE_TABLE,
    NAME,
    NUMBER,
    PLAN_TABLE,
    SENSITIVITY_TABLE,
    STAFFING_TABLE,
    STAFFING_TABLE_0_1,
    SUMMARY_TABLE,
    TAKEDOWN_TABLE,
    Row,
    compare_check,
    difference_check,
    plan_check,
    read_table,
    sensitivity_check,
    staffing_check,
    summary_check,
)
from sim.report.words import KIND_FILES, target_metric


@dataclass
class Results:
    """What the report reads from a results folder, validated: the manifest (JSON data), the
    resolved scenario (validated again and dumped), and the typed rows of the tables."""

    folder: Path
    kind: str
    manifest: dict[str, Any]
    scenario: dict[str, Any]
    summary: dict[str, Row] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    differences: list[Row] = field(default_factory=list)
    takedown: list[Row] | None = None


def listed(folder: Path, manifest: dict[str, Any], name: str) -> Path | None:
    """The folder's file `name` if the manifest lists it (then it must be there), else None."""
    if name not in manifest["files"]:
        return None
    path = folder / name
    if not path.exists():  # anything else there is read (and refused) as a file
        raise ReportError(f"{path}: missing, though manifest.json's files lists it")
    return path


def folder_kind(folder: Path, manifest: dict[str, Any]) -> str:
    """What made the folder: "run", "sweep", "staff", "sensitivity", "plan" or "compare", as its
    (validated) manifest says; ReportError when that command's table is not in the folder or not in
    the manifest."""
    kind = manifest["kind"]
    name = KIND_FILES[kind]
    if not (folder / name).exists():
        raise ReportError(
            f"{folder / name}: missing, so no result table (manifest.json says `{kind}` wrote the folder); "
            "give a folder written by hotline-sim run, sweep, staff, sensitivity, plan or compare"
        )
    if name not in manifest["files"]:
        raise ReportError(f"{folder / 'manifest.json'}: files: does not list {name}, the table of a {kind}")
    return kind


def _summary(path: Path) -> dict[str, Row]:
    """summary.csv by metric; every key figure's metric must have its row."""
    by_metric: dict[str, Row] = {}
    for number, row in enumerate(read_table(path, SUMMARY_TABLE, summary_check), start=2):
        if row["metric"] in by_metric:
            raise ReportError(
                f"{path}: metric {cut(repr(row['metric']))} has more than one row (row {number})"
            )
        by_metric[row["metric"]] = row
    needed = list(KEY_FIGURES)
    missing = [metric for metric in needed if metric not in by_metric]
    if missing:
        raise ReportError(f"{path}: no row for metric(s) {', '.join(missing)} (key figures of the report)")
    return by_metric


def _require_metrics(path: Path, rows: list[Row], metrics: list[str]) -> None:
    """ReportError unless every metric the manifest chose has a row in the table."""
    present = {row["metric"] for row in rows}
    missing = [metric for metric in metrics if metric not in present]
    if missing:
        raise ReportError(
            f"{path}: no row for metric(s) {', '.join(missing)} (manifest.json's metrics chose them)"
        )


def _match_hosts(path: Path, rows: list[Row], hosts: list[dict[str, Any]]) -> None:
    """ReportError unless takedown_by_country.csv has one row per host of the resolved scenario, in
    its order, with the host's country and route."""
    if len(rows) != len(hosts):
        raise ReportError(
            f"{path}: {len(rows)} row(s), expected {len(hosts)}: one per host of the resolved scenario "
            "(takedown.hosts)"
        )
    for number, (row, host) in enumerate(zip(rows, hosts, strict=True), start=2):
        for column in ("country", "route"):
            if row[column] != host[column]:
                expected, got = cut(repr(host[column])), cut(repr(row[column]))
                raise ReportError(
                    f"{path}: row {number}, column {column}: expected {expected} (the resolved scenario's "
                    f"takedown.hosts[{number - 2}].{column}), got {got}"
                )


def read_results(folder: str | Path) -> Results:
    """Read and validate everything the report uses from a results folder (ReportError otherwise)."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise ReportError(
            f"{folder}: no manifest.json, so not a finished results folder (an interrupted run writes "
            "its manifest last); run it again"
        )
    manifest, scenario = load_manifest(manifest_path)
    kind = folder_kind(folder, manifest)
    results = Results(folder, kind, manifest, scenario)
    main = folder / KIND_FILES[kind]
    if kind == "run":
        results.summary = _summary(main)
        takedown = listed(folder, manifest, "takedown_by_country.csv")
        if takedown is not None:
            results.takedown = read_table(takedown, TAKEDOWN_TABLE)
            _match_hosts(takedown, results.takedown, scenario["takedown"]["hosts"])
    elif kind == "sweep":
        keys = [(key, NAME) for key in manifest["varied"]]
        results.rows = read_table(main, [*keys, *SUMMARY_TABLE], summary_check)
        _require_metrics(main, results.rows, manifest["metrics"])
        paired = listed(folder, manifest, "sweep_differences.csv")
        if paired is not None:
            results.differences = read_table(paired, [*keys, *DIFFERENCE_TABLE], difference_check)
            arms = {tuple(row[key] for key, _ in keys) for row in results.rows}
            if len(arms) > 1 and not results.differences:
                raise ReportError(f"{paired}: no rows, though {main.name} has {len(arms)} arms")
    elif kind == "staff":
        results.rows = read_table(main, STAFFING_TABLE, staffing_check, older=STAFFING_TABLE_0_1)
        if not results.rows:
            raise ReportError(f"{main}: no rows (a staffing search tries at least one team size)")
    elif kind == "compare":
        results.rows = read_table(main, COMPARE_TABLE, compare_check)
        labels = [entry["label"] for entry in manifest["compared"]]
        found = list(dict.fromkeys(row["scenario"] for row in results.rows))
        if found != labels:
            raise ReportError(
                f"{main}: scenarios {found}, expected those of manifest.json's compared: {labels}"
            )
        _require_metrics(main, results.rows, manifest["metrics"])
    elif kind == "plan":
        metrics = [(name, NUMBER) for name in dict.fromkeys(target_metric(t) for t in manifest["targets"])]
        results.rows = read_table(main, [*PLAN_TABLE, *metrics], plan_check)
        if not results.rows:
            raise ReportError(f"{main}: no rows (a plan has at least one period)")
    else:
        results.rows = read_table(main, SENSITIVITY_TABLE, sensitivity_check)
        _require_metrics(main, results.rows, manifest["metrics"])
    return results

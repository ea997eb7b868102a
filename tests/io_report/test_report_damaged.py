"""The planner report of a damaged or tampered results folder: `hotline-sim report` exits 2 with a
message naming the file and what is wrong, never 1 (a Python error), and never opens a path the
manifest names. Small real folders are made once (run, sweep, staff, sensitivity), then copied and
damaged one way per case; a hypothesis test damages them at random."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import sim.report.page as report_module
import sim.report.tables as report_tables
from sim.cli import cli
from sim.metrics import METRICS
from tests.conftest import REPO

ROOT = REPO
BASELINE = ROOT / "scenarios" / "baseline-2018.toml"
# 7 measured days of a tenth of the 2018 volume: well under a second per command
SMALL = ("--set", "scenario.horizon_days=35", "--set", "intake.volume_multiplier=0.1",
         "--set", "analysts.count=3", "-n", "2", "-q")  # fmt: skip
COMMANDS = {
    "run": ("run",),  # with its figures, for the PNG cases
    "sweep": ("sweep", "--no-plots", "--vary", "analysts.count=2,3"),
    "staff": ("staff", "--no-plots", "--target", "wait_hours_mean<=12", "--min", "1", "--max", "4"),
    "sensitivity": ("sensitivity", "--no-plots", "--keys", "analysts.count,dedup.duplicate_share",
                    "--metric", "wait_hours_mean"),
}  # fmt: skip


def invoke(*args: str | Path) -> tuple[int, str]:
    """Run a command line in this process: its exit code and what it wrote to stderr. An exception
    other than SystemExit (exit 1 at the command line) fails the test with its traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"exit 1: {type(result.exception).__name__}: {result.exception}\n{trace}")
    return result.exit_code, result.stderr


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("results")
    made = {}
    for kind, command in COMMANDS.items():
        out = base / kind
        code, stderr = invoke(command[0], BASELINE, *SMALL, *command[1:], "--out", out)
        assert code in (0, 1) and (out / "manifest.json").is_file(), stderr  # staff: 1 when no answer
        made[kind] = out
    return made


def copy(folders: dict[str, Path], kind: str, tmp_path: Path) -> Path:
    folder = tmp_path / kind
    shutil.copytree(folders[kind], folder)
    return folder


# --- damage ----------------------------------------------------------------------------------


def manifest_of(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def edit_manifest(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        data = manifest_of(folder)
        change(data)
        (folder / "manifest.json").write_text(json.dumps(data, indent=2), encoding="utf-8")

    return damage


def set_field(key: str, value: Any) -> Callable[[Path], None]:
    return edit_manifest(lambda data: data.__setitem__(key, value))


def drop_field(key: str) -> Callable[[Path], None]:
    return edit_manifest(lambda data: data.pop(key))


def write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / name
        path.unlink(missing_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return damage


def manifest_text(change: Callable[[str], str]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / "manifest.json"
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    return damage


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def edit_rows(name: str, change: Callable[[list[list[str]]], None]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        rows = read_rows(folder / name)
        change(rows)
        write_rows(folder / name, rows)

    return damage


def set_cell(name: str, column: str, value: str, row: int = 1) -> Callable[[Path], None]:
    """Set one cell (`row` 1: the first row under the header, spreadsheet row 2)."""

    def change(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value

    return edit_rows(name, change)


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    def change(rows: list[list[str]]) -> None:
        index = rows[0].index(column)
        for row in rows:
            del row[index]

    return edit_rows(name, change)


def drop_rows(name: str, keep: Callable[[list[str]], bool]) -> Callable[[Path], None]:
    def change(rows: list[list[str]]) -> None:
        rows[1:] = [row for row in rows[1:] if keep(row)]

    return edit_rows(name, change)


def set_metric_cells(name: str, metric: str, **values: str) -> Callable[[Path], None]:
    """Set cells of the first row of `metric` (in a sweep: of the first arm in the table)."""

    def change(rows: list[list[str]]) -> None:
        row = next(r for r in rows[1:] if r[rows[0].index("metric")] == metric)
        for column, value in values.items():
            row[rows[0].index(column)] = value

    return edit_rows(name, change)


def set_metric_cell(name: str, metric: str, column: str, value: str) -> Callable[[Path], None]:
    return set_metric_cells(name, metric, **{column: value})


def row_of(metric: str) -> int:
    """The spreadsheet row of `metric` in summary.csv, and of the first arm in sweep.csv and
    sweep_differences.csv: metrics are written in `sim.metrics.METRICS` order (one priority class)."""
    return METRICS.index(metric) + 2


def remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def symlink(name: str, target: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).symlink_to(target)

    return damage


def directory(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()

    return damage


def fifo(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).unlink()
        os.mkfifo(folder / name)

    return damage


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


# --- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One damage: the folder it is done to, how, the file the message must name, and its words."""

    id: str
    kind: str
    damage: Callable[[Path], None]
    file: str
    words: str


COMMON_FIELDS = (
    "kind", "scenario_name", "scenario_file", "scenario_sha256", "seed", "replications", "jobs",
    "horizon_days", "warmup_days", "versions", "command_line", "started_at", "finished_at", "files",
    "resolved_scenario", "description", "assumptions", "defaults_used",
)  # fmt: skip
KIND_FIELDS = {
    "sweep": ("varied", "baseline_arm", "metrics"),
    "staff": ("targets", "key", "own_value", "min_value", "max_value", "answer", "erlang_estimate"),
    "sensitivity": ("relative_change", "metrics", "keys"),
}
M = "manifest.json"


def manifest_cases() -> list[Case]:
    cases = [
        Case(f"drop-{key}", "run", drop_field(key), M, "not a hotline-sim manifest" if key == "kind" else
             f"{key}: missing")
        for key in COMMON_FIELDS
    ]  # fmt: skip
    cases += [
        Case(f"drop-{kind}-{key}", kind, drop_field(key), M, f"{key}: missing")
        for kind, keys in KIND_FIELDS.items()
        for key in keys
    ]
    wrong: list[tuple[str, str, Any, str]] = [
        ("run", "kind", "walk", "not a hotline-sim manifest"),
        ("run", "kind", 3, "kind: expected one of run, sweep, staff, sensitivity, plan, compare, got 3"),
        ("run", "kind", [], "kind: expected one of run, sweep, staff, sensitivity, plan, compare, got []"),
        ("run", "scenario_name", 3, "scenario_name: expected text, got 3"),
        ("run", "scenario_name", None, "scenario_name: expected text, got null"),
        ("run", "scenario_file", 7, "scenario_file: expected text or null, got 7"),
        ("run", "scenario_sha256", "abc", "scenario_sha256: expected 64 lowercase hexadecimal digits"),
        ("run", "seed", -1, "seed: expected a whole number >= 0, got -1"),
        ("run", "seed", 1.5, "seed: expected a whole number >= 0, got 1.5"),
        ("run", "seed", "2018", "seed: expected a whole number >= 0, got '2018'"),
        ("run", "seed", True, "seed: expected a whole number >= 0, got true"),
        ("run", "replications", "x", "replications: expected a whole number >= 1, got 'x'"),
        ("run", "replications", 0, "replications: expected a whole number >= 1, got 0"),
        ("run", "replications", 2.0, "replications: expected a whole number >= 1, got 2.0"),
        ("run", "replications", None, "replications: expected a whole number >= 1, got null"),
        ("run", "jobs", 0, "jobs: expected a whole number >= 1, got 0"),
        ("run", "jobs", "1", "jobs: expected a whole number >= 1, got '1'"),
        ("run", "horizon_days", "35", "horizon_days: expected a finite number > 0, got '35'"),
        ("run", "horizon_days", -1.0, "horizon_days: expected a finite number > 0, got -1.0"),
        ("run", "horizon_days", [35], "horizon_days: expected a finite number > 0, got [35]"),
        ("run", "horizon_days", 36.0, "horizon_days: 36 differs from resolved_scenario's"),
        ("run", "warmup_days", -1.0, "warmup_days: expected a finite number >= 0, got -1.0"),
        ("run", "warmup_days", 27, "warmup_days: 27 differs from resolved_scenario's scenario.warmup_days"),
        ("run", "warmup_days", None, "warmup_days: expected a finite number >= 0, got null"),
        ("run", "versions", [], "versions: expected an object of text versions"),
        ("run", "versions", {}, "no version of python, hotline-sim"),
        ("run", "versions", {"python": 3, "hotline-sim": "0.1"}, "versions.python: expected an object"),
        ("run", "command_line", "hotline-sim run", "command_line: expected a list of text"),
        ("run", "command_line", [1], "command_line[0]: expected text, got 1"),
        ("run", "started_at", 5, "started_at: expected text, got 5"),
        ("run", "finished_at", None, "finished_at: expected text, got null"),
        ("run", "files", "summary.csv", "files: expected a list of file names, got 'summary.csv'"),
        ("run", "files", [None], "files[0]: expected a file name (text), got null"),
        ("run", "files", ["manifest.json"], "files: does not list summary.csv"),
        ("run", "resolved_scenario", [], "resolved_scenario: expected an object"),
        ("run", "resolved_scenario", "x", "resolved_scenario: expected an object"),
        ("run", "resolved_scenario", {}, "resolved_scenario: invalid scenario"),
        ("run", "resolved_scenario", nested(30), "resolved_scenario: expected an object"),
        ("run", "description", 5, "description: expected text, got 5"),
        ("run", "description", None, "description: expected text, got null"),
        ("run", "assumptions", {}, "assumptions: expected a list of {key: text, note: text}, got {}"),
        ("run", "assumptions", ["x"], "assumptions[0]: expected an object {key: text, note: text}, got 'x'"),
        ("run", "assumptions", [{"key": 1, "note": "n"}], "assumptions[0].key: expected text, got 1"),
        ("run", "assumptions", [{"key": "k"}], "assumptions[0].note: missing"),
        ("run", "defaults_used", [], "defaults_used: expected an object"),
        ("run", "defaults_used", "x", "defaults_used: expected an object"),
        ("run", "replications_note", 5, "replications_note: expected text, got 5"),
        ("run", "extra", nested(100), "nested more than 64 levels deep"),
        ("sweep", "varied", [], "varied: expected an object of dotted keys"),
        ("sweep", "varied", {}, "varied: expected an object of dotted keys"),
        ("sweep", "varied", {"analysts.count": []}, "varied.analysts.count: expected an object"),
        ("sweep", "varied", {"analysts.count": "2,3"}, "varied.analysts.count: expected an object"),
        ("sweep", "varied", {"count": ["2", "3"]}, "varied.count: expected an object of dotted keys"),
        ("sweep", "baseline_arm", 3, "baseline_arm: expected text, got 3"),
        ("sweep", "metrics", [], "metrics: expected a non-empty list of metric names, got []"),
        ("sweep", "metrics", "wait_hours_mean", "metrics: expected a non-empty list of metric names"),
        ("sweep", "metrics", ["../../x"], "metrics[0]: expected a metric name (letters, digits and _)"),
        ("sweep", "metrics", [3], "metrics[0]: expected a metric name"),
        ("staff", "targets", ["wait"], 'targets: expected a non-empty list of targets "METRIC<=VALUE" or'),
        ("staff", "targets", ["wait_hours_mean<=1", "wait_hours_mean<12"], "targets: expected a non-empty"),
        ("staff", "targets", [3], "targets[0]: expected a target"),
        ("staff", "targets", [], "targets: expected a non-empty list of targets"),
        ("staff", "targets", "wait_hours_mean<=1", "targets: expected a non-empty list of targets"),
        ("staff", "key", "count", "key: expected a dotted key"),
        ("staff", "own_value", -1, "own_value: expected a whole number >= 0, got -1"),
        ("staff", "answer", -1, "answer: expected a whole number >= 0 or null, got -1"),
        ("staff", "answer", "1", "answer: expected a whole number >= 0 or null, got '1'"),
        ("staff", "answer", 1.5, "answer: expected a whole number >= 0 or null, got 1.5"),
        ("staff", "erlang_estimate", "x", "erlang_estimate: expected a whole number >= 1 or null, got 'x'"),
        ("staff", "erlang_estimate", 0, "erlang_estimate: expected a whole number >= 1 or null, got 0"),
        ("sensitivity", "relative_change", 0, "relative_change: expected a number > 0 and <= 1, got 0"),
        ("sensitivity", "relative_change", 2, "relative_change: expected a number > 0 and <= 1, got 2"),
        ("sensitivity", "relative_change", "x", "relative_change: expected a number > 0 and <= 1"),
        ("sensitivity", "metrics", [], "metrics: expected a non-empty list of metric names"),
        ("sensitivity", "keys", [], "keys: expected a non-empty list of dotted keys"),
        ("sensitivity", "keys", ["nodot"], "keys[0]: expected a dotted key"),
        ("sensitivity", "keys", "analysts.count", "keys: expected a non-empty list of dotted keys"),
        ("run", "replications", 99999999999999999999,
         "replications: too large: expected at most 1,000 (the most replications a run may have, "
         "docs/limits.md), got 99999999999999999999"),
        ("run", "replications", 1001, "replications: too large: expected at most 1,000"),
        ("staff", "answer", 1001,
         "answer: too large: expected at most 1,000 (the most analysts a scenario may have, docs/limits.md), "
         "got 1001"),
    ]  # fmt: skip
    cases += [
        Case(f"{kind}-{key}={json.dumps(value)[:30]}", kind, set_field(key, value), M, words)
        for kind, key, value, words in wrong
    ]
    cases.append(
        Case(
            "sweep-kind=run",
            "sweep",
            set_field("kind", "run"),
            "summary.csv",
            "missing, so no result table (manifest.json says `run` wrote the folder)",
        )
    )
    unknown = ("sweep", "sensitivity")
    cases += [
        Case(f"{kind}-unknown-metric", kind, set_field("metrics", ["no_such_metric"]),
             f"{'sweep' if kind == 'sweep' else 'sensitivity'}.csv", "no row for metric(s) no_such_metric")
        for kind in unknown
    ]  # fmt: skip
    cases.append(
        Case("invalid-resolved-scenario", "run",
             edit_manifest(lambda m: m["resolved_scenario"]["analysts"].__setitem__("count", -1)), M,
             "resolved_scenario: invalid scenario (1 problem(s))\n  analysts.count")
    )  # fmt: skip
    documents: list[tuple[str, Callable[[Path], None], str]] = [
        ("not-json", write(M, "{"), "not a hotline-sim manifest (not JSON"),
        ("empty", write(M, ""), "not a hotline-sim manifest (not JSON"),
        ("list", write(M, "[]"), "not a hotline-sim manifest (expected a JSON object, got list)"),
        ("string", write(M, '"manifest"'), "expected a JSON object, got str"),
        ("number", write(M, "3"), "expected a JSON object, got int"),
        ("null", write(M, "null"), "expected a JSON object, got null"),
        ("object-without-fields", write(M, "{}"), "not a hotline-sim manifest"),
        ("huge-nesting", write(M, "[" * 200_000 + "]" * 200_000), "not a hotline-sim manifest"),
        ("nan", manifest_text(lambda t: t.replace('"seed": 2018', '"seed": NaN')), "NaN is not a JSON"),
        ("infinity", manifest_text(lambda t: t.replace('"horizon_days": 35.0', '"horizon_days": Infinity')),
         "Infinity is not a JSON number"),
        ("huge-integer", manifest_text(lambda t: t.replace('"seed": 2018', '"seed": ' + "9" * 5000)),
         "not a hotline-sim manifest (not JSON"),
        ("not-utf8", write(M, b'{"kind": "run\xff"}'), "not UTF-8 text"),
        ("over-10-mb", manifest_text(lambda t: t + " " * (10 * 2**20)), "more than a manifest can be"),
        ("directory", directory(M), "not a regular file"),
        ("device", symlink(M, "/dev/zero"), "not a regular file"),
        ("fifo", fifo(M), "not a regular file"),
        ("removed", remove(M), "no manifest.json"),
    ]  # fmt: skip
    cases += [Case(f"manifest-{name}", "run", damage, M if "no manifest" not in words else "",
                   words) for name, damage, words in documents]  # fmt: skip
    return cases


@dataclass(frozen=True)
class TableSpec:
    """A table to damage: its folder, a number column, a whole-number column (None: none), and the
    words when it has a header only."""

    kind: str
    name: str
    number: str
    whole: str | None
    header_only: str


TABLES = (
    TableSpec("run", "summary.csv", "mean", "replications", "no row for metric(s) sla_assessment_share"),
    TableSpec("run", "takedown_by_country.csv", "removal_hours_mean", None, "0 row(s), expected 5"),
    TableSpec("sweep", "sweep.csv", "mean", "replications", "no row for metric(s) sla_assessment_share"),
    TableSpec("sweep", "sweep_differences.csv", "mean_difference", "replications",
              "no rows, though sweep.csv has 2 arms"),
    TableSpec("staff", "staffing.csv", "mean", "analysts", "no rows (a staffing search"),
    TableSpec("sensitivity", "sensitivity.csv", "difference", "replications",
              "no row for metric(s) wait_hours_mean"),
)  # fmt: skip


def table_cases() -> list[Case]:
    cases = []
    for t in TABLES:
        generic: list[tuple[str, Callable[[Path], None], str]] = [
            ("abc", set_cell(t.name, t.number, "abc"), f"row 2, column {t.number}: expected a number"),
            ("inf", set_cell(t.name, t.number, "inf"), f"row 2, column {t.number}: expected a number"),
            ("nan-number", set_cell(t.name, t.number, "nan"), "got 'nan'"),
            ("spaces", set_cell(t.name, t.number, " 1 "), f"column {t.number}: expected a number"),
            ("underscore", set_cell(t.name, t.number, "1_000"), "got '1_000'"),
            ("overflow", set_cell(t.name, t.number, "1e999"), "got '1e999'"),
            ("long-value", set_cell(t.name, t.number, "x" * 1000), "got 'xxxxxxxxx"),
            ("missing-column", drop_column(t.name, t.number), f"missing column(s) {t.number}"),
            ("extra-column", edit_rows(t.name, lambda rows: [r.append("1") for r in rows]),
             "unexpected column(s) '1'"),
            ("columns-swapped", edit_rows(t.name, lambda rows: [r.reverse() for r in rows]),
             "columns repeated or in another order"),
            ("empty", write(t.name, ""), "empty (expected the header"),
            ("header-only", edit_rows(t.name, lambda rows: rows.__delitem__(slice(1, None))), t.header_only),
            ("short-row", edit_rows(t.name, lambda rows: rows[1].pop()), "row 2: expected"),
            ("long-row", edit_rows(t.name, lambda rows: rows[1].append("1")), "row 2: expected"),
            ("binary", write(t.name, bytes(range(256)) * 8), "not UTF-8 text"),
            ("nul-bytes", write(t.name, "\x00" * 100), "row 1 (the header)"),
            ("latin-1", write(t.name, "metric,café\n".encode("latin-1")), "not UTF-8 text"),
            ("huge-cell", set_cell(t.name, t.number, "9" * 200_000), "not a CSV row (field larger than"),
            ("removed", remove(t.name), "missing, though" if t.name in ("takedown_by_country.csv",
                                                                         "sweep_differences.csv")
             else "missing, so no result table"),
            ("fifo", fifo(t.name), "not a regular file"),
            ("directory", directory(t.name), "not a regular file"),
            ("device", symlink(t.name, "/dev/zero"), "not a regular file"),
            ("dangling-link", symlink(t.name, "/nonexistent/table.csv"), "missing"),
        ]  # fmt: skip
        if t.whole:
            generic += [
                ("nan-count", set_cell(t.name, t.whole, "nan"), f"row 2, column {t.whole}: expected a whole"),
                ("negative-count", set_cell(t.name, t.whole, "-1"), "got '-1'"),
                ("fractional-count", set_cell(t.name, t.whole, "1.5"), "got '1.5'"),
                ("empty-count", set_cell(t.name, t.whole, ""), "got ''"),
            ]
        cases += [
            Case(f"{t.name}-{label}", t.kind, damage, t.name, words) for label, damage, words in generic
        ]
    specific: list[tuple[str, str, Callable[[Path], None], str]] = [
        ("run", "summary.csv", drop_rows("summary.csv", lambda r: r[0] != "wait_hours_mean"),
         "no row for metric(s) wait_hours_mean"),
        ("run", "summary.csv", edit_rows("summary.csv", lambda rows: rows.append(rows[3])),
         "has more than one row"),
        ("run", "summary.csv", set_cell("summary.csv", "metric", ""), "column metric: expected a name"),
        ("run", "summary.csv", set_cell("summary.csv", "std", "-1"), "column std: expected a number >= 0"),
        ("run", "summary.csv", write("summary.csv", "metric,mean\n" + "1,2\n" * (2**20 * 13)),
         "more than a result table can be"),
        ("run", "takedown_by_country.csv",
         set_cell("takedown_by_country.csv", "removed_within_1_day_share", "1.5"),
         "expected a share from 0 to 1"),
        ("run", "takedown_by_country.csv", set_cell("takedown_by_country.csv", "notices", "-3"),
         "column notices: expected a number >= 0"),
        ("run", "takedown_by_country.csv", drop_rows("takedown_by_country.csv", lambda r: r[0] != "UK"),
         "4 row(s), expected 5"),
        ("sweep", "sweep.csv", set_cell("sweep.csv", "analysts.count", ""),
         "column analysts.count: expected a name"),
        ("staff", "staffing.csv", set_cell("staffing.csv", "meets_target", "yes"),
         "expected true, false or empty"),
        ("staff", "staffing.csv", set_cell("staffing.csv", "meets_all_targets", ""),
         "expected true or false"),
        ("staff", "staffing.csv", set_cell("staffing.csv", "analysts", "-1"), "expected a whole number >= 0"),
        ("sensitivity", "sensitivity.csv", set_cell("sensitivity.csv", "direction", "sideways"),
         "expected down or up"),
        ("sensitivity", "sensitivity.csv", set_cell("sensitivity.csv", "replications", "two", row=4),
         "row 5, column replications: expected a whole number >= 0, got 'two'"),
    ]  # fmt: skip
    cases += [
        Case(f"{name}-specific-{index}", kind, damage, name, words)
        for index, (kind, name, damage, words) in enumerate(specific)
    ]
    return cases


S, W, D, T = "summary.csv", "sweep.csv", "sweep_differences.csv", "takedown_by_country.csv"
TOO_MANY = "too large: expected at most 1,000 (the most replications a run may have, docs/limits.md), got "
CI = "a 95 % CI holds its"


def range_cases() -> list[Case]:
    """Numbers that read as numbers but that no run can give: a metric's mean outside what its kind
    (`metric_kind`) can be, a spread or CI that cannot be, absurd sizes, a host that is not the
    scenario's."""
    sla, received, wait = (row_of(m) for m in ("sla_assessment_share", "reports_received", "wait_hours_mean"))
    cases: list[tuple[str, str, Callable[[Path], None], str]] = [
        # summary.csv: a metric's mean by its kind
        ("run", S, set_metric_cell(S, "sla_assessment_share", "mean", "7"),
         f"row {sla}, column mean: expected a share from 0 to 1 for sla_assessment_share, got 7"),
        ("run", S, set_metric_cell(S, "sla_assessment_share", "mean", "-0.1"),
         f"row {sla}, column mean: expected a share from 0 to 1 for sla_assessment_share, got -0.1"),
        ("run", S, set_metric_cell(S, "analyst_utilisation", "mean", "1.5"),
         "expected a share from 0 to 1 for analyst_utilisation, got 1.5"),
        ("run", S, set_metric_cell(S, "time_share_idle", "mean", "2"),
         "expected a share from 0 to 1 for time_share_idle, got 2"),
        ("run", S, set_metric_cell(S, "pages_removed_within_3_days_share", "mean", "1.000001"),
         "expected a share from 0 to 1 for pages_removed_within_3_days_share, got 1.000001"),
        ("run", S, set_metric_cell(S, "reports_received", "mean", "-5"),
         f"row {received}, column mean: expected a count >= 0 for reports_received, got -5"),
        ("run", S, set_metric_cell(S, "wait_hours_mean", "mean", "-0.5"),
         f"row {wait}, column mean: expected a number of hours >= 0 for wait_hours_mean"),
        ("run", S, set_metric_cell(S, "backlog_clear_days", "mean", "-2"),
         "column mean: expected a number of days >= 0 for backlog_clear_days"),
        ("run", S, set_metric_cell(S, "backlog_never_cleared_replications", "mean", "-1"),
         "expected a count >= 0 for backlog_never_cleared_replications"),
        ("run", S, set_metric_cell(S, "reports_received", "mean", "1e308"),
         f"row {received}, column mean: too large: expected a count of at most 1e+15 for reports_received, "
         "got 1e308"),
        ("run", S, set_metric_cell(S, "wait_hours_mean", "mean", "2e15"),
         "column mean: too large: expected a number of hours of at most 1e+15 for wait_hours_mean, got 2e15"),
        # summary.csv: the spread and the 95 % CI
        ("run", S, set_metric_cell(S, "sla_assessment_share", "std", "3"),
         f"row {sla}, column std: expected a standard deviation from 0 to 1 for sla_assessment_share "
         "(shares), got 3"),
        ("run", S, set_metric_cell(S, "reports_received", "std", "1e300"),
         "column std: too large: expected at most 1e+15 (no figure of a run comes near), got 1e300"),
        ("run", S, set_metric_cells(S, "reports_received", mean="826", ci95_low="826.5", ci95_high="900"),
         f"row {received}, column ci95_low: expected at most mean (826): {CI} mean, got 826.5"),
        ("run", S, set_metric_cells(S, "reports_received", mean="826", ci95_low="800", ci95_high="825.9"),
         f"row {received}, column ci95_high: expected at least mean (826): {CI} mean, got 825.9"),
        ("run", S, set_metric_cells(S, "sla_assessment_share", mean="0.92", ci95_low="0.95", ci95_high="1.1"),
         f"row {sla}, column ci95_low: expected at most mean (0.92): {CI} mean, got 0.95"),
        ("run", S, set_metric_cell(S, "reports_received", "ci95_low", "1e14"),
         f"row {received}, column ci95_low: expected at most mean ("),
        ("run", S, set_metric_cell(S, "reports_received", "ci95_high", "1e300"),
         "column ci95_high: too large: expected a 95 % CI bound from -1e+15 to 1e+15, got 1e300"),
        ("run", S, set_metric_cell(S, "reports_received", "ci95_low", "-1e20"),
         "column ci95_low: too large: expected a 95 % CI bound from -1e+15 to 1e+15, got -1e20"),
        ("run", S, edit_rows(S, lambda rows: rows[1].__setitem__(slice(1, 5), ["", "", "900", "800"])),
         "row 2, column ci95_high: expected at least ci95_low (900), got 800"),
        # summary.csv: a whole number of replications, but more than a run has
        ("run", S, set_cell(S, "replications", "99999999999999999999"),
         f"row 2, column replications: {TOO_MANY}99999999999999999999"),
        ("run", S, set_cell(S, "replications", "1001"), f"row 2, column replications: {TOO_MANY}1001"),
        ("run", S, set_cell(S, "replications", "9" * 5000), f"row 2, column replications: {TOO_MANY}999"),
        # takedown_by_country.csv: the resolved scenario's hosts, sane numbers
        ("run", T, set_cell(T, "route", "inf"),
         "row 2, column route: expected a route (direct, partner_hotline, law_enforcement), got 'inf'"),
        ("run", T, set_cell(T, "route", "direct"),
         "row 2, column route: expected 'partner_hotline' (the resolved scenario's takedown.hosts[0].route), "
         "got 'direct'"),
        ("run", T, set_cell(T, "country", "Elsewhere", row=3),
         "row 4, column country: expected 'North America' (the resolved scenario's "
         "takedown.hosts[2].country), got 'Elsewhere'"),
        ("run", T, edit_rows(T, lambda rows: rows.__setitem__(slice(1, 3), [rows[2], rows[1]])),
         "row 2, column country: expected 'NL' (the resolved scenario's takedown.hosts[0].country), "
         "got 'Europe (other)'"),
        ("run", T, set_cell(T, "removal_hours_p95", "inf"),
         "row 2, column removal_hours_p95: expected a number >= 0 (or an empty cell: undefined), got 'inf'"),
        ("run", T, set_cell(T, "notices", "-inf"), "row 2, column notices: expected a number >= 0"),
        ("run", T, set_cell(T, "removed_within_28_days_share", "inf"),
         "row 2, column removed_within_28_days_share: expected a share from 0 to 1"),
        ("run", T, set_cell(T, "removed", "1e300"),
         "row 2, column removed: too large: expected at most 1e+15 (no figure of a run comes near), "
         "got 1e300"),
        # sweep.csv and sweep_differences.csv
        ("sweep", W, set_metric_cell(W, "sla_assessment_share", "mean", "7"),
         f"row {sla}, column mean: expected a share from 0 to 1 for sla_assessment_share, got 7"),
        ("sweep", W, set_metric_cell(W, "wait_hours_mean", "mean", "-3"),
         f"row {wait}, column mean: expected a number of hours >= 0 for wait_hours_mean"),
        ("sweep", W, set_metric_cell(W, "reports_received", "ci95_low", "1e14"),
         f"row {received}, column ci95_low: expected at most mean"),
        ("sweep", W, set_cell(W, "replications", "99999999999999999999"),
         f"row 2, column replications: {TOO_MANY}99999999999999999999"),
        ("sweep", D, set_metric_cell(D, "sla_assessment_share", "mean_difference", "1.5"),
         f"row {sla}, column mean_difference: expected a difference of shares from -1 to 1 for "
         "sla_assessment_share, got 1.5"),
        ("sweep", D, set_metric_cell(D, "sla_assessment_share", "mean_difference", "-1.5"),
         "expected a difference of shares from -1 to 1 for sla_assessment_share, got -1.5"),
        ("sweep", D, set_metric_cell(D, "wait_hours_mean", "mean_difference", "-1e300"),
         f"row {wait}, column mean_difference: too large: expected a difference from -1e+15 to 1e+15 for "
         "wait_hours_mean, got -1e300"),
        ("sweep", D, set_metric_cell(D, "sla_assessment_share", "std", "3"),
         "column std: expected a standard deviation from 0 to 2 for sla_assessment_share (differences of "
         "shares), got 3"),
        ("sweep", D, set_metric_cell(D, "reports_received", "ci95_high", "-1e14"),
         f"row {received}, column ci95_high: expected at least mean_difference ("),
        ("sweep", D, set_cell(D, "replications", "1001"), f"row 2, column replications: {TOO_MANY}1001"),
        # staffing.csv: the target's metric (wait_hours_mean), the team size
        ("staff", "staffing.csv", set_cell("staffing.csv", "mean", "-1"),
         "row 2, column mean: expected a number of hours >= 0 for wait_hours_mean"),
        ("staff", "staffing.csv", set_cell("staffing.csv", "mean", "1e308"),
         "row 2, column mean: too large: expected a number of hours of at most 1e+15 for wait_hours_mean"),
        ("staff", "staffing.csv", set_cell("staffing.csv", "ci95_low", "1e14"),
         "row 2, column ci95_low: expected at most mean ("),
        ("staff", "staffing.csv", set_cell("staffing.csv", "analysts", "5000"),
         "row 2, column analysts: too large: expected at most 1,000 (the most analysts a scenario may have, "
         "docs/limits.md), got 5000"),
        ("staff", "staffing.csv", set_cell("staffing.csv", "analysts", "99999999999999999999"),
         "row 2, column analysts: too large: expected at most 1,000"),
        # sensitivity.csv: the level at the moved value (wait_hours_mean) and its paired change
        ("sensitivity", "sensitivity.csv", set_cell("sensitivity.csv", "mean", "-2"),
         "row 2, column mean: expected a number of hours >= 0 for wait_hours_mean, got -2"),
        ("sensitivity", "sensitivity.csv", set_cell("sensitivity.csv", "ci95_high", "0"),
         "row 2, column ci95_high: expected at least mean ("),
        ("sensitivity", "sensitivity.csv", set_cell("sensitivity.csv", "difference", "1e300"),
         "row 2, column difference: too large: expected a difference from -1e+15 to 1e+15 for "
         "wait_hours_mean, got 1e300"),
        ("sensitivity", "sensitivity.csv", set_cell("sensitivity.csv", "difference_ci95_low", "1e14"),
         "row 2, column difference_ci95_low: expected at most difference ("),
        ("sensitivity", "sensitivity.csv", set_cell("sensitivity.csv", "difference_ci95_high", "-1e300"),
         "row 2, column difference_ci95_high: too large: expected a 95 % CI bound"),
        ("sensitivity", "sensitivity.csv", set_cell("sensitivity.csv", "replications", "1" + "0" * 19),
         f"row 2, column replications: {TOO_MANY}10000000000000000000"),
    ]  # fmt: skip
    return [
        Case(f"range-{index}-{name}", kind, damage, name, words)
        for index, (kind, name, damage, words) in enumerate(cases)
    ]


PNG = "backlog.png"
FIGURE_CASES = [
    Case("png-text", "run", write(PNG, "not a picture"), PNG, "not a PNG image"),
    Case("png-empty", "run", write(PNG, b""), PNG, "not a PNG image"),
    Case("png-truncated-signature", "run", write(PNG, b"\x89PNG"), PNG, "not a PNG image"),
    Case("png-jpeg", "run", write(PNG, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100)), PNG, "not a PNG"),
    Case("png-html", "run", write(PNG, "<script>alert(1)</script>"), PNG, "not a PNG image"),
    Case("png-removed", "run", remove(PNG), PNG, "missing, though manifest.json's files lists it"),
    Case("png-directory", "run", directory(PNG), PNG, "not a regular file"),
    Case("png-fifo", "run", fifo(PNG), PNG, "not a regular file"),
    Case("png-device", "run", symlink(PNG, "/dev/zero"), PNG, "not a regular file"),
    Case("png-over-20-mb", "run", write(PNG, b"\x89PNG\r\n\x1a\n" + bytes(20 * 2**20)), PNG,
         "more than a figure can be"),
]  # fmt: skip
CASES = manifest_cases() + table_cases() + range_cases() + FIGURE_CASES


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_damaged_folder_is_exit_2_naming_the_file(
    case: Case, folders: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy(folders, case.kind, tmp_path)
    case.damage(folder)
    code, stderr = invoke("report", folder)
    assert code == 2, stderr
    assert str(folder / case.file) in stderr, stderr
    assert case.words in stderr, stderr
    assert not (folder / "report.html").exists(), "no page from a damaged folder"
    for line in stderr.splitlines():
        assert len(line) < 600, "values are cut, not quoted whole"
    shutil.rmtree(folder)  # some cases write tens of megabytes


def test_there_are_many_damage_cases() -> None:
    assert len(CASES) >= 200
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_a_valid_folder_still_reports(kind: str, folders: dict[str, Path], tmp_path: Path) -> None:
    folder = copy(folders, kind, tmp_path)
    code, stderr = invoke("report", folder)
    assert code == 0, stderr
    assert (folder / "report.html").is_file()


def test_the_report_reads_what_the_writers_write() -> None:
    from sim.io.output import SUMMARY_COLUMNS
    from sim.io.sensitivity_files import SENSITIVITY_COLUMNS
    from sim.io.sweep_files import DIFFERENCE_COLUMNS

    assert [n for n, _ in report_tables.SUMMARY_TABLE] == list(SUMMARY_COLUMNS)
    assert [n for n, _ in report_tables.DIFFERENCE_TABLE] == list(DIFFERENCE_COLUMNS)
    assert [n for n, _ in report_tables.SENSITIVITY_TABLE] == list(SENSITIVITY_COLUMNS)


OPENED: list[str] | None = None  # while a list: every path the process opens (an audit hook)


def _record_opens(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and OPENED is not None and isinstance(args[0], str | bytes | os.PathLike):
        OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_record_opens)


def test_the_report_never_opens_a_path_the_manifest_names(folders: dict[str, Path], tmp_path: Path) -> None:
    global OPENED
    folder = copy(folders, "run", tmp_path)
    scenario = tmp_path / "scenario.toml"  # the very file of the run, unchanged (same SHA-256)
    scenario.write_bytes(BASELINE.read_bytes())
    edit_manifest(lambda m: m.update(scenario_file=str(scenario)))(folder)
    OPENED = []
    try:
        code, stderr = invoke("report", folder)
        assert code == 0, stderr
        drop_field("assumptions")(folder)  # an older manifest: no falling back to the scenario file
        code, stderr = invoke("report", folder)
        assert code == 2 and "assumptions: missing" in stderr, stderr
        opened = list(OPENED)
    finally:
        OPENED = None
    assert str(folder / "summary.csv") in opened, "the hook sees the report's reads"
    assert not [path for path in opened if Path(path).name == "scenario.toml"], opened


def test_text_from_the_folder_is_shown_never_run(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = copy(folders, "sweep", tmp_path)
    words = "<script>alert(1)</script> {{ 7 * 7 }} {% for x in [1] %}loop{% endfor %}"
    edit_manifest(
        lambda m: m.update(
            description=words,
            scenario_name=words,
            baseline_arm=words,
            assumptions=[{"key": words, "note": words}],
            anything=[words],
        )
    )(folder)
    set_cell("sweep.csv", "analysts.count", words)(folder)  # fmt: skip
    code, stderr = invoke("report", folder)
    assert code == 0, stderr
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7 * 7 }} {% for x in [1] %}loop{% endfor %}" in page


def test_harmless_differences_still_report(folders: dict[str, Path], tmp_path: Path) -> None:
    """A figure the manifest does not list is not drawn; an extra manifest field is shown; a
    spreadsheet's byte-order mark and blank lines are read past; replications_note is optional."""
    folder = copy(folders, "run", tmp_path)
    edit_manifest(lambda m: m.update(files=[f for f in m["files"] if f != PNG], note_for_planners="kept"))(
        folder
    )
    summary = folder / "summary.csv"
    summary.write_bytes(b"\xef\xbb\xbf" + summary.read_bytes() + b"\n\n")
    code, stderr = invoke("report", folder)
    assert code == 0, stderr
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert f"{PNG} was not drawn" in page and "note_for_planners" in page
    assert page.count("<img") == 2


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_a_resolved_scenario_that_leaves_out_a_default_still_reports(
    kind: str, folders: dict[str, Path], tmp_path: Path
) -> None:
    """A resolved scenario with a section emptied (every key of [sla] has a default) is still a
    valid scenario: the page reads the defaults from the validated scenario, never from the raw
    manifest (found by the random damage test: a staff folder exited 1 with a KeyError)."""
    folder = copy(folders, kind, tmp_path)
    edit_manifest(lambda m: m["resolved_scenario"].__setitem__("sla", {}))(folder)
    code, stderr = invoke("report", folder)
    assert code == 0, stderr
    assert "24 h" in (folder / "report.html").read_text(encoding="utf-8")


def test_what_a_run_can_give_still_reports(folders: dict[str, Path], tmp_path: Path) -> None:
    """Figures at the edges of what their metric can be are not damage: a share of exactly 0 or 1,
    a share's t interval running past 0 and 1 (symmetric, over few replications), a negative
    paired difference, a value or bound a rounding past its bound, an undefined (empty) figure,
    and the ceilings themselves (1,000 replications and analysts, 1e15)."""
    run = copy(folders, "run", tmp_path)
    for damage in (
        set_metric_cells(S, "sla_assessment_share", mean="1", std="0.7", ci95_low="-5.3", ci95_high="7.3"),
        set_metric_cells(S, "time_share_idle", mean="0", std="0", ci95_low="-0.2", ci95_high="0.2"),
        set_metric_cells(
            S,
            "reports_received",
            mean="826.0000000001",
            std="0",
            ci95_low="826",
            ci95_high="826",
            replications="1000",
        ),
        set_metric_cells(
            S, "hotline_hours_mean", mean="", std="", ci95_low="", ci95_high="", replications="0"
        ),
        # the last report started 1e-9 hours "before" the end of the last surge (`sim.model`)
        set_metric_cells(S, "backlog_clear_days", mean="-4.166666667e-11", std="", ci95_low="", ci95_high=""),
        set_metric_cells(S, "wait_hours_mean", mean="1e15", std="1e15", ci95_low="-1e15", ci95_high="1e15"),
        set_metric_cells(S, "reports_found", mean="0", std="0", ci95_low="0", ci95_high="0"),
        set_cell(T, "removed", "1e15"),
    ):
        damage(run)
    sweep = copy(folders, "sweep", tmp_path)
    set_metric_cells(
        D, "sla_assessment_share", mean_difference="-1", std="2", ci95_low="-30", ci95_high="28"
    )(sweep)
    set_metric_cells(
        D, "wait_hours_mean", mean_difference="-1e15", std="0", ci95_low="-1e15", ci95_high="-1e15"
    )(sweep)
    staff = copy(folders, "staff", tmp_path)
    set_cell("staffing.csv", "analysts", "1000", row=len(read_rows(staff / "staffing.csv")) - 1)(staff)
    for folder in (run, sweep, staff):
        code, stderr = invoke("report", folder)
        assert code == 0, stderr


REFERENCE = ROOT / "scenarios" / "reference.toml"
TABLES_OF = {
    "run": ("summary.csv", "takedown_by_country.csv"),
    "sweep": ("sweep.csv", "sweep_differences.csv"),
    "staff": ("staffing.csv",),
    "sensitivity": ("sensitivity.csv",),
}


def committed_jobs() -> list[dict[str, Any]]:
    """The reference jobs (scenarios/reference.toml) whose result table is in results/ (a compare
    job's folder is checked with its committed manifest in tests/backtest/test_reproduce.py)."""
    import tomllib

    jobs = tomllib.loads(REFERENCE.read_text(encoding="utf-8"))["job"]
    return [
        job
        for job in jobs
        if job["command"] in TABLES_OF and (ROOT / job["out"] / TABLES_OF[job["command"]][0]).is_file()
    ]


@pytest.mark.parametrize("job", committed_jobs(), ids=lambda job: job["out"])
def test_every_committed_results_table_reports(job: dict[str, Any], tmp_path: Path) -> None:
    """The committed tables of results/ (written by `hotline-sim reproduce`), copied with a manifest
    made as their command makes it, are reports: every range check holds for what the model gives."""
    from datetime import UTC, datetime

    from sim.cli import parse_override
    from sim.experiments.arms import parse_vary, show_value
    from sim.experiments.sweep import DEFAULT_SWEEP_METRICS
    from sim.io.output import manifest
    from sim.scenario.dotted import get_dotted
    from sim.scenario.schema import load_scenario

    kind, source = job["command"], ROOT / job["out"]
    options: dict[str, list[str]] = {}
    arguments = job.get("arguments", [])
    for index, word in enumerate(arguments):
        if word.startswith("--") and index + 1 < len(arguments) and not arguments[index + 1].startswith("--"):
            options.setdefault(word, []).append(arguments[index + 1])
    spec = load_scenario(ROOT / job["scenario"])
    if "--set" in options:
        spec = spec.with_values(dict(parse_override(text) for text in options["--set"]))
    folder = tmp_path / "results"
    folder.mkdir()
    files = [name for name in TABLES_OF[kind] if (source / name).is_file()]
    for name in files:
        shutil.copyfile(source / name, folder / name)
    replications = int(options.get("--replications", [spec.scenario.replications])[-1])
    document = manifest(spec, None, spec.scenario.seed, replications, 1, datetime.now(UTC),
                        [*files, "manifest.json"], kind=kind)  # fmt: skip
    if kind == "sweep":
        varied = [parse_vary(text) for text in options["--vary"]]
        document["varied"] = {key: [show_value(v) for v in values] for key, values in varied}
        document["baseline_arm"] = ", ".join(f"{key}={show_value(values[0])}" for key, values in varied)
        document["metrics"] = options.get("--metric", list(DEFAULT_SWEEP_METRICS))
    elif kind == "staff":
        header, *rows = read_rows(folder / "staffing.csv")
        meets = header.index("meets_all_targets")
        meeting = [int(row[0]) for row in rows if row[meets] == "true"]
        key = options.get("--key", ["analysts.count"])[-1]
        document.update(
            targets=options["--target"], key=key, own_value=get_dotted(spec.to_dict(), key),
            min_value=int(options.get("--min", ["1"])[-1]), max_value=int(options.get("--max", ["100"])[-1]),
            answer=min(meeting, default=None), erlang_estimate=None,
        )  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    try:
        page = report_module.build_report(folder)
    except report_module.ReportError as exc:
        pytest.fail(f"{job['out']}: {exc}")
    assert "<!doctype html>" in page.lower()


@pytest.mark.slow
def test_an_unwritable_page_is_exit_2(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = copy(folders, "staff", tmp_path)
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    code, stderr = invoke("report", folder, "--out", tmp_path / "a-file" / "report.html")
    assert code == 2 and "cannot be written" in stderr, stderr


# --- at random -------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 100) | st.integers() | st.floats() | st.text(max_size=12)
    | st.sampled_from(["", "run", "sweep", "staff", "sensitivity", "wait_hours_mean", "analysts.count",
                       "wait_hours_mean<=12", "24/7", "summary.csv", "backlog.png"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "0", "1", "-1", "2", "1.5", "nan", "inf", "-inf", "1e308", "true", "false", "up",
                     "down", "abc", "\x00", '"', ",", "\n", "wait_hours_mean", "NL"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
)  # fmt: skip


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in a JSON document (objects' keys, lists' indices)."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def mutations(draw: st.DrawFn, folders: dict[str, Path]) -> tuple[str, Callable[[Path], None]]:
    kind = draw(st.sampled_from(sorted(folders)))
    folder = folders[kind]
    target = draw(st.sampled_from(["manifest", "manifest", "table", "table", "bytes"]))
    if target == "manifest":
        document = manifest_of(folder)
        where = draw(st.sampled_from([(key,) for key in document]) | st.sampled_from(paths(document)))
        drop = draw(st.booleans()) and draw(st.booleans())
        value = None if drop else draw(JSON_VALUES)

        def change(data: dict[str, Any]) -> None:
            node = data
            for part in where[:-1]:
                node = node[part]
            if drop:
                node.pop(where[-1])
            else:
                node[where[-1]] = value

        note(f"manifest.json: {'drop' if drop else 'set'} {where} {'' if drop else repr(value)}")
        return kind, edit_manifest(change)
    tables = sorted(p.name for p in folder.iterdir() if p.suffix == ".csv")
    name = draw(st.sampled_from(tables))
    if target == "table":
        rows = read_rows(folder / name)
        row = draw(st.integers(0, len(rows) - 1))
        column = draw(st.integers(0, len(rows[row]) - 1))
        cell = draw(CELLS)

        def change_rows(rows: list[list[str]]) -> None:
            rows[row][column] = cell

        note(f"{name}: row {row + 1}, column {column + 1} = {cell!r}")
        return kind, edit_rows(name, change_rows)
    name = draw(st.sampled_from([*tables, "manifest.json", *(p.name for p in folder.glob("*.png"))]))
    size = (folder / name).stat().st_size
    start = draw(st.integers(0, size))
    length = draw(st.integers(0, 16))
    junk = draw(st.binary(max_size=16))

    note(f"{name}: bytes {start} to {start + length} replaced by {junk!r}")

    def splice(path: Path) -> None:
        data = (path / name).read_bytes()
        (path / name).write_bytes(data[:start] + junk + data[start + length :])

    return kind, splice


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.slow
def test_random_damage_is_exit_0_or_2_never_1(data: st.DataObject, folders: dict[str, Path]) -> None:
    kind, damage = data.draw(mutations(folders))
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / kind
        shutil.copytree(folders[kind], folder)
        damage(folder)
        code, stderr = invoke("report", folder)
        assert code in (0, 2), stderr
        if code == 2:
            assert str(folder) in stderr, stderr

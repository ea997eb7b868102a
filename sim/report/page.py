"""The planner report: one self-contained HTML page built from a results folder (run, sweep, staff
or sensitivity), for a planner to hand to a director.

It says what was asked and of which scenario; the key figures with their 95 % confidence intervals
in plain words, and that the intervals cover replication noise only; the figures the run drew
(embedded as PNG data, so the page needs no other file and no network); the takedown table; the
assumptions (the file's `# assumption:` notes and the defaults used); the STRESS-DES items
(objectives, logic, inputs, outputs, experimentation, implementation); and the manifest. The page
is rendered from a Jinja2 template (`sim/report/templates/report.html.j2`) and has no script.

Results folders are shared and may be damaged or tampered with, so nothing in one is trusted:
before the page is built, `manifest.json` is validated field by field (its resolved scenario as a
scenario), every table the report reads is read with typed columns and each row's figures held
to what its metric can be (`metric_kind`: a share's mean from 0 to 1, other means >= 0, a CI that
holds its mean, nothing of absurd size), and every figure must be a PNG. Anything wrong is a
`ReportError` naming the file and what is wrong (the command line's exit 2). The report opens only
the folder's own files that its manifest lists, never a path a manifest names (such as the
scenario file), and what it shows is escaped text, never evaluated.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import json
import math
import re
import shlex
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.common.files import atomic_write_text
from sim.common.limits import MAX_ANALYSTS, MAX_REPLICATIONS
from sim.common.messages import cut
from sim.metrics import HOST_COLUMNS, KEY_FIGURES
from sim.report.words import (
    KIND_FILES,
    RUN_FIGURES,
    ci_words,
    key_figures,
    metric_kind,
    model_logic,
    number_words,
    question,
    target_value,
)
from sim.scenario.takedown import ROUTES

REPORT_NAME = "report.html"
MAX_MANIFEST_BYTES = 10 * 2**20
MAX_TABLE_BYTES = 50 * 2**20
MAX_FIGURE_BYTES = 20 * 2**20
MAX_NESTING = 64  # a manifest nests about 7 levels deep
MAX_PROBLEMS = 10  # problems listed in one message
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ReportError(ValueError):
    """A folder the report cannot be built from: no manifest (not a finished results folder), or a
    damaged manifest, table or figure; the message names the file and what is wrong."""


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


Row = dict[str, Any]


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


# --- the manifest ----------------------------------------------------------------------------

_FIELDS = ConfigDict(strict=True, allow_inf_nan=False, extra="allow")
MetricName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$", max_length=200)]
DottedKey = Annotated[str, Field(pattern=r"^[^\s.]+(\.[^\s.]+)+$", max_length=500)]
Whole = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]
Replications = Annotated[int, Field(ge=1, le=MAX_REPLICATIONS)]
Team = Annotated[int, Field(ge=1, le=MAX_ANALYSTS)]

EXPECTED = {
    "kind": "one of run, sweep, staff, sensitivity",
    "scenario_name": "text",
    "scenario_file": "text or null",
    "scenario_sha256": "64 lowercase hexadecimal digits or null",
    "seed": "a whole number >= 0",
    "replications": "a whole number >= 1",
    "jobs": "a whole number >= 1",
    "horizon_days": "a finite number > 0",
    "warmup_days": "a finite number >= 0",
    "versions": "an object of text versions with python and hotline-sim",
    "command_line": "a list of text",
    "command_line[]": "text",
    "started_at": "text",
    "finished_at": "text",
    "files": "a list of file names",
    "files[]": "a file name (text)",
    "resolved_scenario": "an object (the scenario with every default filled in)",
    "description": "text",
    "assumptions": "a list of {key: text, note: text}",
    "assumptions[]": "an object {key: text, note: text}",
    "assumptions[].key": "text",
    "assumptions[].note": "text",
    "defaults_used": "an object (key: the default used)",
    "replications_note": "text",
    "varied": "an object of dotted keys, each with a non-empty list of text values",
    "baseline_arm": "text",
    "metrics": "a non-empty list of metric names",
    "metrics[]": "a metric name (letters, digits and _)",
    "target": 'a target "METRIC<=VALUE" or "METRIC>=VALUE"',
    "answer": "a whole number >= 1 or null",
    "erlang_estimate": "a whole number >= 1 or null",
    "relative_change": "a number > 0 and <= 1",
    "keys": "a non-empty list of dotted keys",
    "keys[]": "a dotted key (text)",
}
# whole numbers of the manifest with a ceiling: what it is, when one is above it
CEILINGS = {
    "replications": f"{MAX_REPLICATIONS:,} (the most replications a run may have, docs/limits.md)",
    "answer": f"{MAX_ANALYSTS:,} (the most analysts a scenario may have, docs/limits.md)",
}


class Assumption(BaseModel):
    """One `# assumption:` note of the scenario file."""

    model_config = _FIELDS
    key: str
    note: str


class Manifest(BaseModel):
    """The fields of manifest.json that the report uses (every command writes them), typed."""

    model_config = _FIELDS
    kind: Literal["run", "sweep", "staff", "sensitivity"]
    scenario_name: str
    scenario_file: str | None
    scenario_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None
    seed: Whole
    replications: Replications
    jobs: Positive
    horizon_days: Annotated[float, Field(gt=0)]
    warmup_days: Annotated[float, Field(ge=0)]
    versions: dict[str, str]
    command_line: list[str]
    started_at: str
    finished_at: str
    files: list[str]
    resolved_scenario: dict[str, Any]
    description: str
    assumptions: list[Assumption]
    defaults_used: dict[str, Any]
    replications_note: str = ""

    @field_validator("versions")
    @classmethod
    def _known_versions(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [name for name in ("python", "hotline-sim") if name not in value]
        if missing:
            raise ValueError(f"no version of {', '.join(missing)}")
        return value


class SweepManifest(Manifest):
    """A sweep's manifest: the varied keys and their values, the baseline arm, the chosen metrics."""

    varied: Annotated[dict[DottedKey, Annotated[list[str], Field(min_length=1)]], Field(min_length=1)]
    baseline_arm: str
    metrics: Annotated[list[MetricName], Field(min_length=1)]


class StaffManifest(Manifest):
    """A staffing search's manifest: the target, the answer (null: none) and the Erlang C estimate."""

    target: str
    answer: Team | None
    erlang_estimate: Positive | None

    @field_validator("target")
    @classmethod
    def _a_target(cls, value: str) -> str:
        from sim.experiments.staffing import parse_target

        try:
            parse_target(value)
        except ValueError:  # an ExperimentError worded for --target; EXPECTED says it here
            raise ValueError("") from None
        return value


class SensitivityManifest(Manifest):
    """A sensitivity analysis's manifest: the relative move, the chosen metrics, the keys moved."""

    relative_change: Annotated[float, Field(gt=0, le=1)]
    metrics: Annotated[list[MetricName], Field(min_length=1)]
    keys: Annotated[list[DottedKey], Field(min_length=1)]


MANIFESTS: dict[str, type[Manifest]] = {
    "run": Manifest,
    "sweep": SweepManifest,
    "staff": StaffManifest,
    "sensitivity": SensitivityManifest,
}


def _cut(text: str, most: int = 60) -> str:
    """`text` cut to about `most` characters (`sim.common.messages.cut`)."""
    return cut(text, most)


def _shown(value: Any) -> str:
    """A value from a manifest as a message quotes it: text in quotes, other JSON as JSON, cut."""
    if isinstance(value, str):
        return _cut(repr(value))
    try:
        return _cut(json.dumps(value, allow_nan=True))
    except (TypeError, ValueError, RecursionError):
        return _cut(repr(value))


def _location(loc: Sequence[Any]) -> tuple[str, str]:
    """A pydantic location as `assumptions[2].note`, and its generic form `assumptions[].note`."""
    shown = generic = ""
    for part in loc:
        if part == "[key]":
            continue  # pydantic's marker for a bad dict key
        if isinstance(part, int):
            shown, generic = f"{shown}[{part}]", f"{generic}[]"
        else:
            shown += ("." if shown else "") + str(part)
            generic += ("." if generic else "") + str(part)
    return shown or "(top level)", generic


def _expected(generic: str) -> str:
    """What the manifest should hold at a generic location (or at the nearest enclosing field)."""
    while generic:
        if generic in EXPECTED:
            return EXPECTED[generic]
        generic = re.sub(r"(\[\]|\.[^.\[\]]*)$", "", generic) if re.search(r"[.\[]", generic) else ""
    return "another value"


def _problem(error: dict[str, Any]) -> str:
    """One pydantic error as `replications: expected a whole number >= 1, got 'x'`."""
    shown, generic = _location(error["loc"])
    if error["type"] == "missing":
        return f"{shown}: missing (expected {_expected(generic)})"
    if error["type"] == "less_than_equal" and generic in CEILINGS:
        return f"{shown}: too large: expected at most {CEILINGS[generic]}, got {_shown(error.get('input'))}"
    reason = str((error.get("ctx") or {}).get("error", "")) if error["type"] == "value_error" else ""
    detail = f" ({reason})" if reason else ""
    return f"{shown}: expected {_expected(generic)}, got {_shown(error.get('input'))}{detail}"


def _nesting(data: Any) -> int:
    """How deeply lists and objects nest in `data` (walked without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_NESTING:
                stack.extend(
                    (child, depth + 1) for child in (node.values() if isinstance(node, dict) else node)
                )
    return deepest


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _file_bytes(path: Path, most: int, what: str) -> bytes:
    """The bytes of a regular file of at most `most` bytes (ReportError otherwise)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ReportError(f"{path}: not a regular file")
    if info.st_size > most:
        raise ReportError(
            f"{path}: {info.st_size:,} bytes, more than a {what} can be ({most:,} bytes at most)"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(most + 1)
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > most:
        raise ReportError(f"{path}: more than {most:,} bytes, more than a {what} can be")
    return data


def load_manifest(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """manifest.json, validated: its data and the resolved scenario validated again (as plain data,
    every default filled in). ReportError naming the file and each problem."""
    from sim.scenario.schema import scenario_from_dict
    from sim.scenario.section import ScenarioError

    raw = _file_bytes(path, MAX_MANIFEST_BYTES, "manifest")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: not a hotline-sim manifest (not UTF-8 text: {exc.reason} at byte "
                          f"{exc.start})") from None  # fmt: skip
    except RecursionError:
        raise ReportError(f"{path}: not a hotline-sim manifest (nested too deeply to read)") from None
    except ValueError as exc:  # JSONDecodeError, NaN, an integer of thousands of digits
        raise ReportError(f"{path}: not a hotline-sim manifest (not JSON: {_cut(str(exc), 120)})") from None
    if not isinstance(data, dict):
        got = "null" if data is None else type(data).__name__
        raise ReportError(f"{path}: not a hotline-sim manifest (expected a JSON object, got {got})")
    if _nesting(data) > MAX_NESTING:
        raise ReportError(f"{path}: nested more than {MAX_NESTING} levels deep (a manifest nests about 7)")
    kind = data.get("kind")
    known = isinstance(kind, str) and kind in MANIFESTS
    model = MANIFESTS[kind] if known else Manifest
    try:
        model.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error) for error in exc.errors(include_url=False)]
        lines = [f"{path}: {problem}" for problem in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"{path}: ... and {len(problems) - MAX_PROBLEMS} more problem(s)")
        if not known:
            lines.insert(0, f"{path}: not a hotline-sim manifest (no kind: run, sweep, staff or sensitivity)")
        raise ReportError("\n".join(lines)) from None
    try:
        scenario = scenario_from_dict(data["resolved_scenario"], f"{path}: resolved_scenario")
    except ScenarioError as exc:
        lines = [f"{exc.source}: invalid scenario ({len(exc.problems)} problem(s))"]
        lines += [f"  {_cut(problem, 300)}" for problem in exc.problems[:MAX_PROBLEMS]]
        if len(exc.problems) > MAX_PROBLEMS:
            lines.append(f"  ... and {len(exc.problems) - MAX_PROBLEMS} more problem(s)")
        raise ReportError("\n".join(lines)) from None
    for name in ("horizon_days", "warmup_days"):
        resolved = getattr(scenario.scenario, name)
        if data[name] != resolved:
            raise ReportError(
                f"{path}: {name}: {data[name]:g} differs from resolved_scenario's scenario.{name} "
                f"{resolved:g}"
            )
    return data, scenario.to_dict()


# --- the tables ------------------------------------------------------------------------------

_DECIMAL = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,4})?")
_DIGITS = re.compile(r"\d+")
# No figure a run gives comes near this: its counts are bounded by the events simulated (a job is
# at most 3e9 steps unless forced, and 1e15 would take centuries), its times by a 100-year horizon
# (876,000 hours) and the delays drawn. A larger count, time, spread or bound is damage, refused
# before it reaches the page's words.
ABSURD = 1e15
# What rounding may leave past a bound, relative to the numbers compared (at least 1e-9 absolute):
# a share a hair above 1, a CI bound a hair past its mean (tables hold 10 significant digits), a
# backlog cleared 1e-9 hours "before" the window's end (`sim.model`: a negative backlog_clear_days
# of about -4e-11).
TOLERANCE = 1e-9


def _float(cell: str, low: float = -math.inf, high: float = math.inf, empty: bool = True) -> float | None:
    """A decimal number in [low, high] (an empty cell: NaN, undefined); None when it is not."""
    if cell == "":
        return math.nan if empty else None
    if not _DECIMAL.fullmatch(cell):
        return None
    value = float(cell)
    return value if math.isfinite(value) and low <= value <= high else None


def _whole(cell: str, low: int = 0) -> int | None:
    """A whole number >= low written as digits (of any length: the ceiling is the Cell's `most`);
    None when it is not."""
    if not _DIGITS.fullmatch(cell):
        return None
    digits = cell.lstrip("0") or "0"
    value = int(digits) if len(digits) <= 18 else 10**18  # more digits: above any ceiling, not parsed
    return value if value >= low else None


@dataclass(frozen=True)
class Cell:
    """A column's kind: what its cells must be (in words), how to read one (None: not that), and
    the largest value it may hold (larger: "too large", with `most_words` saying why)."""

    expected: str
    read: Callable[[str], Any]
    most: float = math.inf
    most_words: str = ""


TEXT = Cell("text", lambda cell: cell)
NAME = Cell("a name (not empty)", lambda cell: cell if cell.strip() else None)
NUMBER = Cell("a number (or an empty cell: undefined)", _float)
AT_LEAST_0 = Cell("a number >= 0 (or an empty cell: undefined)", lambda cell: _float(cell, low=0.0), ABSURD,
                  f"{ABSURD:g} (no figure of a run comes near)")  # fmt: skip
SHARE = Cell("a share from 0 to 1 (or an empty cell: undefined)", lambda cell: _float(cell, 0.0, 1.0))
COUNT = Cell("a whole number >= 0", _whole, MAX_REPLICATIONS,
             f"{MAX_REPLICATIONS:,} (the most replications a run may have, docs/limits.md)")  # fmt: skip
TEAM = Cell("a whole number >= 1", lambda cell: _whole(cell, low=1), MAX_ANALYSTS,
            f"{MAX_ANALYSTS:,} (the most analysts a scenario may have, docs/limits.md)")  # fmt: skip
FLAG = Cell("true or false", lambda cell: {"true": True, "false": False}.get(cell))
DIRECTION = Cell("down or up", lambda cell: cell if cell in ("down", "up") else None)
ROUTE = Cell(f"a route ({', '.join(ROUTES)})", lambda cell: cell if cell in ROUTES else None)

SUMMARY_TABLE = (("metric", NAME), ("mean", NUMBER), ("std", AT_LEAST_0), ("ci95_low", NUMBER),
                 ("ci95_high", NUMBER), ("replications", COUNT))  # fmt: skip
DIFFERENCE_TABLE = (("metric", NAME), ("mean_difference", NUMBER), ("std", AT_LEAST_0),
                    ("ci95_low", NUMBER), ("ci95_high", NUMBER), ("replications", COUNT))  # fmt: skip
STAFFING_TABLE = (("analysts", TEAM), ("metric", NAME), ("mean", NUMBER), ("ci95_low", NUMBER),
                  ("ci95_high", NUMBER), ("meets_target", FLAG))  # fmt: skip
SENSITIVITY_TABLE = (("key", NAME), ("direction", DIRECTION), ("value", TEXT), ("metric", NAME),
                     ("mean", NUMBER), ("ci95_low", NUMBER), ("ci95_high", NUMBER), ("difference", NUMBER),
                     ("difference_ci95_low", NUMBER), ("difference_ci95_high", NUMBER),
                     ("replications", COUNT), ("problem", TEXT))  # fmt: skip
TAKEDOWN_TABLE = (
    ("country", NAME),
    ("route", ROUTE),
    *((name, SHARE if name.endswith("_share") else AT_LEAST_0) for name in HOST_COLUMNS),
)


# --- what a metric's figures can be ----------------------------------------------------------
#
# Every metric of `sim.metrics` is >= 0 in every replication (counts, hours, days, shares of a
# whole, an index of a period), and a share is at most 1; so is their mean over replications. Its
# kind is `metric_kind`'s (the words of the page). A paired difference of two such values has
# either sign; of two shares it is within [-1, 1]. A spread is >= 0, and that of values in [0, 1]
# at most 1 (2 for their differences). A 95 % CI holds its mean, but a t interval may run past
# what the metric can be (below 0, a share above 1), so its bounds are only kept finite and sane.

NOUNS = {"share": "a share", "hours": "a number of hours", "days": "a number of days", "count": "a count"}


@dataclass(frozen=True)
class Problem:
    """What a row's cell must be, given the row (its metric); `too_large`: the cell is above a
    ceiling of sanity rather than outside what the metric can be."""

    column: str
    expected: str
    too_large: bool = False


RowCheck = Callable[[Row], "Problem | None"]


def _above(value: float, most: float) -> bool:
    """`value` is above `most` by more than rounding (False for NaN)."""
    return value > most + TOLERANCE * max(1.0, abs(most), abs(value))


def _below(value: float, least: float) -> bool:
    """`value` is below `least` by more than rounding (False for NaN)."""
    return value < least - TOLERANCE * max(1.0, abs(least), abs(value))


def _level(metric: str, column: str, value: float) -> Problem | None:
    """A mean (or level) of `metric`: a share from 0 to 1, anything else from 0 to ABSURD."""
    kind = metric_kind(metric)
    if kind == "share":
        if _below(value, 0.0) or _above(value, 1.0):
            return Problem(column, f"a share from 0 to 1 for {metric}")
    elif _below(value, 0.0):
        return Problem(column, f"{NOUNS[kind]} >= 0 for {metric}")
    elif value > ABSURD:
        return Problem(column, f"{NOUNS[kind]} of at most {ABSURD:g} for {metric}", too_large=True)
    return None


def _difference(metric: str, column: str, value: float) -> Problem | None:
    """A paired difference of `metric`: of shares from -1 to 1, of anything else within ABSURD."""
    if metric_kind(metric) == "share":
        if _below(value, -1.0) or _above(value, 1.0):
            return Problem(column, f"a difference of shares from -1 to 1 for {metric}")
    elif abs(value) > ABSURD:
        return Problem(column, f"a difference from -{ABSURD:g} to {ABSURD:g} for {metric}", too_large=True)
    return None


def _spread(metric: str, column: str, value: float, difference: bool) -> Problem | None:
    """A standard deviation (>= 0 already): of shares at most 1 (of their differences 2)."""
    if metric_kind(metric) == "share":
        most = 2.0 if difference else 1.0
        if _above(value, most):
            what = "differences of shares" if difference else "shares"
            return Problem(column, f"a standard deviation from 0 to {most:g} for {metric} ({what})")
    elif value > ABSURD:
        return Problem(column, f"a standard deviation of at most {ABSURD:g} for {metric}", too_large=True)
    return None


def _interval(row: Row, centre: str, low: str, high: str) -> Problem | None:
    """A 95 % CI [low, high] around `centre`, where defined: finite and sane bounds, low <= centre
    <= high (up to rounding)."""
    for column in (low, high):
        if abs(row[column]) > ABSURD:  # NaN: undefined, not compared
            return Problem(column, f"a 95 % CI bound from -{ABSURD:g} to {ABSURD:g}", too_large=True)
    said = _cut(f"{row[centre]:.10g}")
    if _above(row[low], row[centre]):
        return Problem(low, f"at most {centre} ({said}): a 95 % CI holds its {centre}")
    if _above(row[centre], row[high]):
        return Problem(high, f"at least {centre} ({said}): a 95 % CI holds its {centre}")
    if _above(row[low], row[high]):
        return Problem(high, f"at least {low} ({row[low]:.10g})")
    return None


def _first(*problems: Problem | None) -> Problem | None:
    return next((problem for problem in problems if problem is not None), None)


def summary_check(row: Row) -> Problem | None:
    """A row of summary.csv or sweep.csv: a metric's mean, spread and CI over replications."""
    metric = row["metric"]
    return _first(_level(metric, "mean", row["mean"]), _spread(metric, "std", row["std"], False),
                  _interval(row, "mean", "ci95_low", "ci95_high"))  # fmt: skip


def difference_check(row: Row) -> Problem | None:
    """A row of sweep_differences.csv: a paired difference from the baseline arm."""
    metric = row["metric"]
    return _first(_difference(metric, "mean_difference", row["mean_difference"]),
                  _spread(metric, "std", row["std"], True),
                  _interval(row, "mean_difference", "ci95_low", "ci95_high"))  # fmt: skip


def staffing_check(row: Row) -> Problem | None:
    """A row of staffing.csv: the target's metric at one team size."""
    return _first(_level(row["metric"], "mean", row["mean"]), _interval(row, "mean", "ci95_low", "ci95_high"))


def sensitivity_check(row: Row) -> Problem | None:
    """A row of sensitivity.csv: the metric at the moved value, and its paired change."""
    metric = row["metric"]
    return _first(_level(metric, "mean", row["mean"]), _interval(row, "mean", "ci95_low", "ci95_high"),
                  _difference(metric, "difference", row["difference"]),
                  _interval(row, "difference", "difference_ci95_low", "difference_ci95_high"))  # fmt: skip


def read_table(path: Path, columns: Sequence[tuple[str, Cell]], check: RowCheck | None = None) -> list[Row]:
    """A CSV table's rows with typed cells: exactly `columns` (names and kinds), every row as wide
    as the header, UTF-8, at most MAX_TABLE_BYTES; then `check` on each row (what its metric's
    figures can be). Row numbers in messages count the header as row 1, as a spreadsheet numbers
    them. ReportError naming the file, row, column, value and what was expected."""
    raw = _file_bytes(path, MAX_TABLE_BYTES, "result table")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    names = [name for name, _ in columns]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number == 1:
                _check_header(path, cells, names)
                continue
            if not cells:
                continue  # a blank line
            if len(cells) != len(names):
                raise ReportError(
                    f"{path}: row {number}: expected {len(names)} cells (one per column), got {len(cells)}"
                )
            row: Row = {}
            for (name, kind), cell in zip(columns, cells, strict=True):
                value = kind.read(cell)
                where = f"{path}: row {number}, column {name}"
                if value is None:
                    raise ReportError(f"{where}: expected {kind.expected}, got {_cut(repr(cell))}")
                if isinstance(value, int | float) and value > kind.most:
                    raise ReportError(
                        f"{where}: too large: expected at most {kind.most_words}, got {_cut(cell)}"
                    )
                row[name] = value
            problem = check(row) if check else None
            if problem is not None:
                cell = cells[names.index(problem.column)]
                large = "too large: " if problem.too_large else ""
                raise ReportError(
                    f"{path}: row {number}, column {problem.column}: {large}expected {problem.expected}, "
                    f"got {_cut(cell)}"
                )
            rows.append(row)
    except csv.Error as exc:
        raise ReportError(f"{path}: row {number + 1}: not a CSV row ({exc})") from None
    if number == 0:
        raise ReportError(f"{path}: empty (expected the header {','.join(names)})")
    return rows


def _check_header(path: Path, header: list[str], names: list[str]) -> None:
    """ReportError unless the header is exactly `names`, saying which columns are missing or extra."""
    if header == names:
        return
    missing = [name for name in names if name not in header]
    extra = [name for name in header if name not in names]
    said = [f"missing column(s) {_cut(', '.join(missing), 200)}"] if missing else []
    said += [f"unexpected column(s) {_cut(', '.join(map(repr, extra)), 150)}"] if extra else []
    if not said:
        said = [f"columns repeated or in another order; expected {_cut(','.join(names), 200)}"]
    raise ReportError(f"{path}: row 1 (the header): {'; '.join(said)}")


def _listed(folder: Path, manifest: dict[str, Any], name: str) -> Path | None:
    """The folder's file `name` if the manifest lists it (then it must be there), else None."""
    if name not in manifest["files"]:
        return None
    path = folder / name
    if not path.exists():  # anything else there is read (and refused) as a file
        raise ReportError(f"{path}: missing, though manifest.json's files lists it")
    return path


def folder_kind(folder: Path, manifest: dict[str, Any]) -> str:
    """What made the folder: "run", "sweep", "staff" or "sensitivity", as its (validated) manifest
    says; ReportError when that command's table is not in the folder or not in the manifest."""
    kind = manifest["kind"]
    name = KIND_FILES[kind]
    if not (folder / name).exists():
        raise ReportError(
            f"{folder / name}: missing, so no result table (manifest.json says `{kind}` wrote the folder); "
            "give a folder written by hotline-sim run, sweep, staff or sensitivity"
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
                f"{path}: metric {_cut(repr(row['metric']))} has more than one row (row {number})"
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
                expected, got = _cut(repr(host[column])), _cut(repr(row[column]))
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
        takedown = _listed(folder, manifest, "takedown_by_country.csv")
        if takedown is not None:
            results.takedown = read_table(takedown, TAKEDOWN_TABLE)
            _match_hosts(takedown, results.takedown, scenario["takedown"]["hosts"])
    elif kind == "sweep":
        keys = [(key, NAME) for key in manifest["varied"]]
        results.rows = read_table(main, [*keys, *SUMMARY_TABLE], summary_check)
        _require_metrics(main, results.rows, manifest["metrics"])
        paired = _listed(folder, manifest, "sweep_differences.csv")
        if paired is not None:
            results.differences = read_table(paired, [*keys, *DIFFERENCE_TABLE], difference_check)
            arms = {tuple(row[key] for key, _ in keys) for row in results.rows}
            if len(arms) > 1 and not results.differences:
                raise ReportError(f"{paired}: no rows, though {main.name} has {len(arms)} arms")
    elif kind == "staff":
        results.rows = read_table(main, STAFFING_TABLE, staffing_check)
        if not results.rows:
            raise ReportError(f"{main}: no rows (a staffing search tries at least one team size)")
    else:
        results.rows = read_table(main, SENSITIVITY_TABLE, sensitivity_check)
        _require_metrics(main, results.rows, manifest["metrics"])
    return results


# --- the figures -----------------------------------------------------------------------------


def _data_uri(folder: Path, manifest: dict[str, Any], name: str) -> str | None:
    """A figure as a PNG data URI; None when the manifest does not list it (not drawn). A listed
    figure that is missing, too large or not a PNG is a ReportError."""
    path = _listed(folder, manifest, name)
    if path is None:
        return None
    data = _file_bytes(path, MAX_FIGURE_BYTES, "figure")
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
        specs = [
            (f"sweep_{m}.png", f"{m} across the sweep",
             f"The mean of {m} in each arm against {next(iter(manifest['varied']))}, "
             "one line per value of the other keys; the band is the 95 % CI over replications.")
            for m in manifest["metrics"]
        ]  # fmt: skip
    elif kind == "staff":
        specs = [("staffing.png", "The staffing curve",
                  "The target's metric (mean and 95 % CI) at each team size tried; the dashed line is the "
                  "target and the dotted line the answer.")]  # fmt: skip
    else:
        specs = [
            (f"sensitivity_{m}.png", f"Sensitivity of {m}",
             "Each assumption moved down (light) and up (dark); bars show the paired change.")
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
                if d else "baseline"
            )  # fmt: skip
            body.append([
                *arm,
                ci_words(row["mean"], row["ci95_low"], row["ci95_high"], row["replications"], kind),
                shown,
            ])  # fmt: skip
        tables.append(Table(
            f"{metric} by arm",
            [*keys, "mean (95 % CI)", "difference from the baseline arm (paired 95 % CI)"],
            body, f"Baseline arm: {manifest['baseline_arm']}. Differences are paired by "
            "replication (common random numbers), so their intervals are usually narrower than comparing two "
            "independent runs.", [False] * len(keys) + [True, True],
        ))  # fmt: skip
    return tables


def _staff_table(results: Results) -> Table:
    goal = target_value(results.manifest["target"])
    body = []
    for row in sorted(results.rows, key=lambda r: r["analysts"]):
        kind = metric_kind(row["metric"])
        body.append([
            str(row["analysts"]),
            ci_words(row["mean"], row["ci95_low"], row["ci95_high"], 2, kind, target=goal),
            "meets" if row["meets_target"] else "fails",
        ])  # fmt: skip
    metric = results.rows[0]["metric"] if results.rows else "metric"
    note = "Every count was run with the same seed (common random numbers)."
    return Table(f"{metric} at each team size tried", ["analysts", "mean (95 % CI)", "target"], body, note,
                 [True, True, False])  # fmt: skip


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


def build_report(folder: str | Path, question_text: str | None = None) -> str:
    """The report of the results folder `folder` as one HTML page (text); ReportError when the
    folder is not a finished results folder or is damaged."""
    import jinja2

    results = read_results(folder)
    kind, manifest, scenario = results.kind, results.manifest, results.scenario
    tables: list[Table] = []
    if kind == "sweep":
        tables = _sweep_tables(results)
    elif kind == "staff":
        tables = [_staff_table(results)]
    elif kind == "sensitivity":
        tables = _sensitivity_tables(results)
    figures = _figures(results)

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("sim.report", "templates"),
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
        description=manifest["description"],
        key_figures=key_figures(kind, results.summary, manifest, scenario, results.rows),
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

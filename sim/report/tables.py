"""Reading a results folder's CSV tables for the report, trusting nothing in them.

Each table is read with typed columns (a `Cell` per column says what its cells must be), every row
as wide as the header, and each row's figures held to what its metric can be (a share's mean from
0 to 1, other means >= 0, a CI that holds its mean, nothing of absurd size). Anything wrong is a
`ReportError` naming the file, row, column, value and what was expected.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sim.common.limits import MAX_ANALYSTS, MAX_REPLICATIONS
from sim.common.messages import cut
from sim.metrics import HOST_COLUMNS
from sim.report.manifest import MAX_TABLE_BYTES, ReportError, file_bytes
from sim.report.words import metric_kind
from sim.scenario.takedown import ROUTES

Row = dict[str, Any]

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
FLAG = Cell("true or false", lambda cell: {"true": True, "false": False}.get(cell))
# a flag that may be empty: a row of a metric that is shown beside the targets but is not one
FLAG_OR_EMPTY = Cell("true, false or empty", lambda cell: {"true": True, "false": False, "": ""}.get(cell))
VALUE = Cell("a whole number >= 0", _whole, MAX_ANALYSTS,
             f"{MAX_ANALYSTS:,} (the most analysts a scenario may have, docs/limits.md)")  # fmt: skip


def _date(cell: str, empty: bool = False) -> Any:
    """An ISO date YYYY-MM-DD (an empty cell: "" when `empty`); None when it is not."""
    if cell == "" and empty:
        return ""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        return None
    try:
        return date.fromisoformat(cell)
    except ValueError:
        return None


DATE = Cell("a date YYYY-MM-DD", _date)
DATE_OR_EMPTY = Cell("a date YYYY-MM-DD or empty", lambda cell: _date(cell, empty=True))
VALUE_OR_EMPTY = Cell("a whole number >= 0 or empty", lambda cell: "" if cell == "" else _whole(cell),
                      MAX_ANALYSTS, VALUE.most_words)  # fmt: skip
DIRECTION = Cell("down or up", lambda cell: cell if cell in ("down", "up") else None)
ROUTE = Cell(f"a route ({', '.join(ROUTES)})", lambda cell: cell if cell in ROUTES else None)

SUMMARY_TABLE = (("metric", NAME), ("mean", NUMBER), ("std", AT_LEAST_0), ("ci95_low", NUMBER),
                 ("ci95_high", NUMBER), ("replications", COUNT))  # fmt: skip
DIFFERENCE_TABLE = (("metric", NAME), ("mean_difference", NUMBER), ("std", AT_LEAST_0),
                    ("ci95_low", NUMBER), ("ci95_high", NUMBER), ("replications", COUNT))  # fmt: skip
STAFFING_TABLE = (("analysts", VALUE), ("metric", NAME), ("mean", NUMBER), ("ci95_low", NUMBER),
                  ("ci95_high", NUMBER), ("meets_target", FLAG_OR_EMPTY), ("target", TEXT),
                  ("meets_all_targets", FLAG), ("replications", COUNT))  # fmt: skip
STAFFING_TABLE_0_1 = STAFFING_TABLE[:-1]  # before the replications of each row (all the run's)
SENSITIVITY_TABLE = (("key", NAME), ("direction", DIRECTION), ("value", TEXT), ("metric", NAME),
                     ("mean", NUMBER), ("ci95_low", NUMBER), ("ci95_high", NUMBER), ("difference", NUMBER),
                     ("difference_ci95_low", NUMBER), ("difference_ci95_high", NUMBER),
                     ("replications", COUNT), ("problem", TEXT))  # fmt: skip
COMPARE_TABLE = (("metric", NAME), ("scenario", NAME), ("mean", NUMBER), ("ci95_low", NUMBER),
                 ("ci95_high", NUMBER), ("difference", NUMBER), ("difference_ci95_low", NUMBER),
                 ("difference_ci95_high", NUMBER))  # fmt: skip
PLAN_TABLE = (("period", NAME), ("start_date", DATE), ("end_date", DATE), ("reports_per_day", AT_LEAST_0),
              ("analysts_needed", VALUE_OR_EMPTY), ("headcount", VALUE), ("hires", VALUE),
              ("recruit_by", DATE_OR_EMPTY), ("cost", AT_LEAST_0))  # fmt: skip
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
    said = cut(f"{row[centre]:.10g}")
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


def compare_check(row: Row) -> Problem | None:
    """A row of compare.csv: a metric in one file, and its paired difference from the first."""
    metric = row["metric"]
    return _first(_level(metric, "mean", row["mean"]), _interval(row, "mean", "ci95_low", "ci95_high"),
                  _difference(metric, "difference", row["difference"]),
                  _interval(row, "difference", "difference_ci95_low", "difference_ci95_high"))  # fmt: skip


def plan_check(row: Row) -> Problem | None:
    """A row of plan.csv: its dates in order, and each target metric's value what it can be."""
    if row["end_date"] < row["start_date"]:
        return Problem("end_date", f"a date on or after start_date ({row['start_date']})")
    fixed = {name for name, _ in PLAN_TABLE}
    return _first(*(_level(name, name, row[name]) for name in row if name not in fixed))


def sensitivity_check(row: Row) -> Problem | None:
    """A row of sensitivity.csv: the metric at the moved value, and its paired change."""
    metric = row["metric"]
    return _first(_level(metric, "mean", row["mean"]), _interval(row, "mean", "ci95_low", "ci95_high"),
                  _difference(metric, "difference", row["difference"]),
                  _interval(row, "difference", "difference_ci95_low", "difference_ci95_high"))  # fmt: skip


def read_table(
    path: Path,
    columns: Sequence[tuple[str, Cell]],
    check: RowCheck | None = None,
    older: Sequence[tuple[str, Cell]] | None = None,
) -> list[Row]:
    """A CSV table's rows with typed cells: exactly `columns` (names and kinds), or exactly `older`
    (the columns of an earlier version's table, whose rows lack the newer cells), every row as wide
    as the header, UTF-8, at most MAX_TABLE_BYTES; then `check` on each row (what its metric's
    figures can be). Row numbers in messages count the header as row 1, as a spreadsheet numbers
    them. ReportError naming the file, row, column, value and what was expected."""
    raw = file_bytes(path, MAX_TABLE_BYTES, "result table")
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
                if older is not None and cells == [name for name, _ in older]:
                    columns, names = older, cells
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
                    raise ReportError(f"{where}: expected {kind.expected}, got {cut(repr(cell))}")
                if isinstance(value, int | float) and value > kind.most:
                    raise ReportError(
                        f"{where}: too large: expected at most {kind.most_words}, got {cut(cell)}"
                    )
                row[name] = value
            problem = check(row) if check else None
            if problem is not None:
                cell = cells[names.index(problem.column)]
                large = "too large: " if problem.too_large else ""
                raise ReportError(
                    f"{path}: row {number}, column {problem.column}: {large}expected {problem.expected}, "
                    f"got {cut(cell)}"
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
    said = [f"missing column(s) {cut(', '.join(missing), 200)}"] if missing else []
    said += [f"unexpected column(s) {cut(', '.join(map(repr, extra)), 150)}"] if extra else []
    if not said:
        said = [f"columns repeated or in another order; expected {cut(','.join(names), 200)}"]
    raise ReportError(f"{path}: row 1 (the header): {'; '.join(said)}")

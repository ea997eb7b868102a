"""Numbers for people: a mean and its 95 % CI in the metric's unit, both rounded to the same place,
the place that shows about two significant digits of the interval's half-width (never more than the
unit needs: 0.1 % for shares, 0.1 day, 0.01 hour under 10 hours). Shares read in %, hours get days
beside them from 48 hours, counts get thousands separators. An interval of a share is cut to
0-100 % and of any other level to 0 and above: a t-interval over few replications can run past
what the metric can be. Beside a target (a staffing search's rows), a mean or bound that misses the
target never reads as the target: if it would round onto it, it is rounded away from it instead
(an interval that ends at 95.04 % reads "to 95.1 %", not "to 95.0 %", against a target of 95 %).
The CSV files keep every digit; this is only what a person reads.

>>> ci_words(0.9123, 0.9081, 0.9165, 10, "share")
'91.2 % (95 % CI 90.8 to 91.6 %)'
>>> ci_words(230368.4, 229983.2, 230753.6, 10, "count")  # a half-width of 385: to the ten
'230,370 (95 % CI 229,980 to 230,750)'
>>> ci_words(2.81, 2.62, 3.0, 5, "hours", signed=True)
'+2.81 hours (95 % CI +2.62 to +3.00 hours)'
>>> ci_words(-0.02, -0.031, 0.0004, 5, "share", signed=True)
'-2.0 percentage points (95 % CI -3.1 to 0.0 percentage points)'
>>> ci_words(143.8, 142.7, 144.9, 4, "hours")
'143.8 hours, about 6.0 days (95 % CI 142.7 to 144.9 hours)'
>>> ci_words(0.9992177054, 0.9970457073, 1.001389703, 5, "share")  # cut to what a share can be
'99.9 % (95 % CI 99.7 to 100.0 %)'
>>> ci_words(0.9503, 0.9497, 0.9509, 5, "share", target=0.95)  # a miss never rounds to the target
'95.03 % (95 % CI 94.97 to 95.09 %)'
>>> ci_words(37628.3, 35123.4, 39997.7, 2, "count", target=40000)  # nor a bound short of it
'37,600 (95 % CI 35,100 to 39,900)'
>>> ci_words(0.93953, 0.92871, 0.95038, 5, "share", target=0.95)  # nor one past it
'94.0 % (95 % CI 92.9 to 95.1 %)'
>>> cells(12.8384404, 12.79254468, 12.88433611, 10, "hours")
('12.8 h', '12.8 to 12.9 h')
>>> facts([12.0, 10.0, float("nan"), 14.0], "week")
'in 3 of 4 replications: week 12 (median; 10 to 14)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sim.metrics import metric

UNITS = {"share": " %", "hours": " hours", "days": " days", "count": ""}
SHORT_UNITS = {"share": " %", "hours": " h", "days": " days", "count": ""}
MOST_DECIMALS = {"share": 1, "days": 1}  # hours: 2 under 10 hours, else 1; counts: see `decimals`
DAYS_FROM_HOURS = 48.0  # hours this long or longer are also given in days
ROUNDING_NOTE = (
    "each mean and its interval are rounded to the same place, about two significant digits of the "
    "interval's half-width; intervals of shares are cut to 0-100 % and other levels to 0 and above "
    "(a t-interval over few replications can run past what the metric can be); the CSV files keep "
    "every digit"
)


def metric_kind(name: str) -> str:
    """How a metric is worded (the catalogue's `words`): "share" (in %), "hours", "days" or "count";
    a name the catalogue does not know (a folder is not trusted) is worded as a count."""
    try:
        return metric(name).words
    except KeyError:
        return "count"


def is_duration(name: str) -> bool:
    """Whether a metric in hours is a duration (a wait, a time to removal: days beside it help)
    rather than a total of the team's hours (`analyst_on_duty_hours`: days of 24 hours would not)."""
    return not name.startswith("analyst_")


def decimals(half_width: float, kind: str, mean: float) -> int:
    """The decimal place to round a mean and its interval to (negative: tens, hundreds, ...): two
    significant digits of the half-width, at most 1 decimal for shares (in %) and days, 2 for hours
    under 10 (else 1), none for counts of 100 or more (or whole counts), 2 for smaller counts.

    >>> decimals(385.2, "count", 230368.4), decimals(0.06, "share", 95.03), decimals(0.0, "count", 5.0)
    (-1, 1, 0)
    >>> decimals(0.0, "hours", 882.0), decimals(math.nan, "share", 72.35)
    (0, 1)
    """
    whole = float(mean).is_integer()
    count_decimals = 0 if abs(mean) >= 100 or whole else 2
    most = {"hours": 2 if abs(mean) < 10 else 1}.get(kind, MOST_DECIMALS.get(kind, count_decimals))
    if not half_width > 0 or math.isinf(half_width) or math.isnan(half_width):
        return 0 if whole else most  # an exact value: as many decimals as it has, up to `most`
    return min(most, 1 - math.floor(math.log10(half_width)))


def number(value: float, places: int, signed: bool = False) -> str:
    """`value` rounded to `places` decimals (negative: to tens, hundreds, ...), with thousands
    separators; no "-0"; with `signed`, a "+" before a positive value."""
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return ("-" if value < 0 else "+" if signed else "") + "infinite"
    shown = round(value, places)
    text = f"{shown:,.{max(places, 0)}f}"
    if float(text.replace(",", "")) == 0:
        return text.lstrip("-")
    return f"+{text}" if signed and shown > 0 else text


def _apart(places: int, most: int, values: list[float], target: float | None) -> int:
    """More decimals (up to `most`) while a rounded value would read as the target it misses."""
    if target is None:
        return places
    while places < most:
        shown = [round(v, places) for v in values if v != target]
        if all(v != round(target, places) for v in shown):
            break
        places += 1
    return places


def _away(value: float, places: int, target: float | None) -> float:
    """`value` to be shown at `places`: itself, or, if it misses `target` but would round onto it,
    rounded away from it (down below it, up above it), so that a miss reads as a miss."""
    if target is None or value == target or round(value, places) != round(target, places):
        return value
    scale = 10.0**places
    return (math.floor(value * scale) if value < target else math.ceil(value * scale)) / scale


def beyond_noise(mean: float, low: float, high: float, replications: int, kind: str) -> bool:
    """Whether a paired difference is beyond replication noise (its 95 % CI excludes 0) and shows
    at the precision it is read at (it does not round to 0): what "differ" means wherever a
    person reads it."""
    if replications < 2 or math.isnan(mean) or not (low > 0 or high < 0):
        return False
    shown, _ = rounded(mean, low, high, replications, kind, signed=True)
    return float(shown.replace(",", "")) != 0


def rounded(
    mean: float, low: float, high: float, replications: int, kind: str, signed: bool = False,
    target: float | None = None,
) -> tuple[str, str | None]:  # fmt: skip
    """The mean and its interval ("low to high"; None without one) as numbers rounded to the same
    place, in the kind's scale (shares in %), without units. `signed`: a difference. `target`: a
    value kept apart from the interval in the rounding (more places, up to two significant digits of
    the half-width; past that, a figure that would still round onto it is rounded away from it), so
    that a miss reads as a miss."""
    scale = 100.0 if kind == "share" else 1.0
    has_ci = replications > 1 and not (math.isnan(low) or math.isnan(high))
    if has_ci and not signed:
        low, high = max(low, 0.0), (min(high, 1.0) if kind == "share" else high)
    half_width = (high - low) / 2 * scale if has_ci else math.nan
    places = decimals(half_width, kind, mean * scale)
    most = 1 - math.floor(math.log10(half_width)) if half_width > 0 and math.isfinite(half_width) else places
    shown = [v * scale for v in ((mean, low, high) if has_ci else (mean,))]
    goal = None if target is None else target * scale
    places = _apart(places, max(places, most), shown, goal)
    mean_shown, *bounds = (number(_away(v, places, goal), places, signed) for v in shown)
    return mean_shown, (" to ".join(bounds) if has_ci else None)


def ci_words(
    mean: float, low: float, high: float, replications: int, kind: str, signed: bool = False,
    target: float | None = None, days: bool = True,
) -> str:  # fmt: skip
    """A mean with its 95 % CI in plain words, in the metric's unit (shares in %, their differences
    in percentage points; with `days`, a duration of 48 hours or more also in days); 'undefined'
    when it has no value."""
    if math.isnan(mean):
        return "undefined (no value in any replication)"
    unit = " percentage points" if signed and kind == "share" else UNITS[kind]
    value, interval = rounded(mean, low, high, replications, kind, signed, target)
    text = f"{value}{unit}"
    if days and kind == "hours" and not signed and abs(mean) >= DAYS_FROM_HOURS:
        text += f", about {mean / 24:,.1f} days"
    if interval is not None:
        text += f" (95 % CI {interval}{unit})"
    return text


def cells(
    mean: float, low: float, high: float, replications: int, kind: str, signed: bool = False,
    target: float | None = None, days: bool = True,
) -> tuple[str, str]:  # fmt: skip
    """A table's two cells for a mean and its 95 % CI, with short units ("12.84 h", "12.79 to
    12.88 h"; with `days`, a duration of 48 hours or more also in days); "-" for an undefined
    mean, "" for no interval."""
    if math.isnan(mean):
        return "-", ""
    unit = " pp" if signed and kind == "share" else SHORT_UNITS[kind]
    value, interval = rounded(mean, low, high, replications, kind, signed, target)
    text = f"{value}{unit}"
    if days and kind == "hours" and not signed and abs(mean) >= DAYS_FROM_HOURS:
        text += f" ({mean / 24:,.1f} days)"
    return text, "" if interval is None else f"{interval}{unit}"


def facts(values: Sequence[float], what: str, unit: str = "") -> str:
    """A per-replication fact (a period number, or a number some replications do not have) as
    "in k of n replications" with the median and range of those that have it, never a fractional
    mean: `what` names the value ("week"), `unit` follows it ("days")."""
    present = sorted(v for v in values if not math.isnan(v))
    n = len(values)
    if not present:
        return f"in none of {n} replications"
    median = present[len(present) // 2] if len(present) % 2 else (
        (present[len(present) // 2 - 1] + present[len(present) // 2]) / 2
    )  # fmt: skip
    places = 0 if all(float(v).is_integer() for v in present) and float(median).is_integer() else 1

    def shown(v: float) -> str:
        return " ".join(part for part in (what, number(v, places), unit) if part)

    if present[0] == present[-1]:
        return f"in {len(present)} of {n} replications: {shown(present[0])}"
    spread = f"{number(present[0], places)} to {number(present[-1], places)}"
    return f"in {len(present)} of {n} replications: {shown(median)} (median; {spread})"

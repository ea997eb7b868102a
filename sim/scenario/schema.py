"""Scenario files: TOML -> a validated, immutable `Scenario`, or a `ScenarioError` naming the key.

Every key carries its unit in its name. Every optional feature defaults to off, so a file that does
not mention a feature behaves as if the feature did not exist. Every field carries a `description`
and reference metadata (`_about`): docs/scenario-reference.md is generated from them by
`python -m sim.docs --write`, and `hotline-sim check FILE` shows a file with every default.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.common.limits import (
    MAX_ANALYSTS,
    MAX_DAYS,
    MAX_FACTOR,
    MAX_FILE_BYTES,
    MAX_FINDS_PER_SEARCH_HOUR,
    MAX_FOLLOW_UPS,
    MAX_GROWTH_PER_YEAR,
    MAX_HOURS,
    MAX_INITIAL_BACKLOG,
    MAX_LIST,
    MAX_PROFILE_WEIGHT,
    MAX_REPLICATIONS,
    MAX_REPORTS_PER_DAY,
    MAX_REUPLOAD_SHARE,
    MAX_SEED,
    MAX_SOURCES,
    MIN_FOLLOW_UP_HOURS,
    MIN_HORIZON_DAYS,
    MIN_MINUTES,
    MIN_PROFILE_WEIGHT,
)
from sim.common.messages import cut, shown
from sim.scenario.distributions import DIST_NAMES, Distribution
from sim.scenario.roster import (
    DAY_NAMES,
    WeeklyShift,
    build_rosters,
    check_team_fits,
    parse_clock_hours,
    parse_days,
    shift_length_hours,
)
from sim.scenario.share_rules import (
    SHARE_RULE_EXPECTED,
    PointsRule,
    PointTable,
    ShareRule,
    breakpoint_days,
    is_constant,
    share_at,
)

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$"
SHARE_SUM_TOLERANCE = 1e-6

PROFILE_WEIGHTS = f"each 0 or in [{MIN_PROFILE_WEIGHT:g}, {MAX_PROFILE_WEIGHT:g}]"


class ScenarioError(ValueError):
    """An invalid scenario: the message names the file, the key path, the value and the expectation."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = [cut(problem) for problem in problems]  # a long value or key never buries it
        lines = [f"{cut(source)}: invalid scenario ({len(problems)} problem(s))"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Share = Annotated[float, Field(ge=0, le=1)]


def _about(
    unit: str | None = None, *, default: str | None = None, valid: str | None = None, key: str | None = None
) -> dict[str, str]:
    """Reference metadata of a key (its `json_schema_extra`), read by `sim.scenario.reference`.

    `unit`: what the value counts or measures. `default`: what the model default means when it
    cannot say it itself (None meaning "off", or a value resolved from other keys). `valid`: the
    checks the field constraints do not carry (made by validators or across keys). `key`: the
    placeholder for the names of a table's keys (`intake.sources.NAME`). Nothing here is validated.
    """
    given = {"unit": unit, "default": default, "valid": valid, "key": key}
    return {name: text for name, text in given.items() if text is not None}


class ScenarioMeta(_Section):
    """`[scenario]`: name, horizon, warm-up, replications and seed."""

    name: str = Field(
        default="scenario",
        pattern=NAME_PATTERN,
        max_length=100,
        description="The scenario's name; it names the default output folder.",
        json_schema_extra=_about(
            "text: letters, digits, spaces, `.`, `_`, `-`, starting with a letter or digit",
            default="in a file: the file's name, other characters replaced by `-`",
        ),
    )
    horizon_days: float = Field(
        ge=MIN_HORIZON_DAYS,
        le=MAX_DAYS,
        description="Simulated time, warm-up included; fractions of a day allowed.",
        json_schema_extra=_about("days"),
    )
    warmup_days: float = Field(
        default=0.0,
        ge=0,
        description="Warm-up at the start of the horizon: nothing before it counts in the results.",
        json_schema_extra=_about("days", valid="< `horizon_days`"),
    )
    replications: int = Field(
        default=10,
        ge=2,
        le=MAX_REPLICATIONS,
        description="Replications of the run.",
        json_schema_extra=_about("count"),
    )
    seed: int = Field(
        default=1,
        ge=0,
        le=MAX_SEED,
        description="Seed of the run's random streams (one `numpy.random.SeedSequence(seed)` per run).",
    )

    @field_validator("warmup_days")
    @classmethod
    def _warmup_before_horizon(cls, warmup: float, info: ValidationInfo) -> float:
        horizon = info.data.get("horizon_days")
        if horizon is not None and warmup >= horizon:
            raise ValueError(f"expected warmup_days < horizon_days ({horizon}), got {warmup}")
        return warmup


DEFAULT_SEARCH_BLOCK_MINUTES = 30.0


class Source(_Section):
    """`[intake.sources.NAME]`: a Poisson source of reports, or analysts' proactive searching.

    A `poisson` source has `reports_per_day`. A `proactive` source has no rate of its own: analysts
    spend `search_share` of their on-duty time that is not on break searching, in blocks of
    `search_block_minutes`, and find reports at `finds_per_search_hour` of searching.
    """

    kind: Literal["poisson", "proactive"] = Field(
        default="poisson",
        description=(
            "`poisson`: reports arrive at `reports_per_day`; `proactive`: reports are found by the "
            "analysts' searching (see `search_share`)."
        ),
        json_schema_extra=_about("source kind", valid="at most one proactive source in `intake.sources`"),
    )
    reports_per_day: float | None = Field(
        default=None,
        ge=0,
        le=MAX_REPORTS_PER_DAY,
        validate_default=True,
        description=(
            "Mean arrival rate, before `intake.volume_multiplier`, growth, profiles and surges "
            "(a non-homogeneous Poisson process)."
        ),
        json_schema_extra=_about(
            "reports per day",
            default="required for `poisson`; not allowed for `proactive`",
            valid="only for `poisson`",
        ),
    )
    actionable_share: Share = Field(
        description="Share of this source's assessed reports that are actionable (a notice is sent).",
        json_schema_extra=_about("share of the source's reports"),
    )
    priority: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Queue class of this source's reports: lower first, then first in, first out.",
        json_schema_extra=_about("class, lower first"),
    )
    search_share: Share | None = Field(
        default=None,
        validate_default=True,
        description=(
            "Searching owed, as a share of each analyst's on-duty time that is neither a break nor "
            "other work; searched in blocks of `search_block_minutes`."
        ),
        json_schema_extra=_about(
            "share of on-duty time not on break",
            default="required for `proactive`; not allowed for `poisson`",
            valid="only for `proactive`",
        ),
    )
    finds_per_search_hour: float | None = Field(
        default=None,
        ge=0,
        le=MAX_FINDS_PER_SEARCH_HOUR,
        validate_default=True,
        description="Finds are a Poisson process in searching time at this rate.",
        json_schema_extra=_about(
            "reports per hour of searching",
            default="required for `proactive`; not allowed for `poisson`",
            valid="only for `proactive`",
        ),
    )
    search_when_idle: bool | None = Field(
        default=None,
        validate_default=True,
        description=(
            "Whether an analyst with nothing to assess also searches (on top of what is owed) "
            "until a report arrives."
        ),
        json_schema_extra=_about(
            default="false for `proactive`; not allowed for `poisson`",
            valid="only for `proactive`",
        ),
    )
    search_block_minutes: float | None = Field(
        default=None,
        ge=MIN_MINUTES,
        le=1440,
        validate_default=True,
        description="Length of one search block (cut at the day's end, a break due or the viewing cap).",
        json_schema_extra=_about(
            "minutes",
            default=f"{DEFAULT_SEARCH_BLOCK_MINUTES:g} for `proactive`; not allowed for `poisson`",
            valid="only for `proactive`",
        ),
    )

    @field_validator("reports_per_day")
    @classmethod
    def _rate_for_poisson(cls, rate: float | None, info: ValidationInfo) -> float | None:
        kind = info.data.get("kind")
        if kind == "poisson" and rate is None:
            raise ValueError("missing (a required key of a Poisson source: reports a day)")
        if kind == "proactive" and rate is not None:
            raise ValueError(
                "expected no reports_per_day for kind = 'proactive' (its reports come from "
                "searching: set search_share and finds_per_search_hour)"
            )
        return rate

    @field_validator("search_share", "finds_per_search_hour")
    @classmethod
    def _required_for_proactive(cls, value: float | None, info: ValidationInfo) -> float | None:
        return _proactive_only(value, info, required=True)

    @field_validator("search_when_idle")
    @classmethod
    def _idle_default(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        value = _proactive_only(value, info, required=False)
        return False if value is None and info.data.get("kind") == "proactive" else value

    @field_validator("search_block_minutes")
    @classmethod
    def _block_default(cls, value: float | None, info: ValidationInfo) -> float | None:
        value = _proactive_only(value, info, required=False)
        if value is None and info.data.get("kind") == "proactive":
            return DEFAULT_SEARCH_BLOCK_MINUTES
        return value

    @property
    def is_proactive(self) -> bool:
        """True for analysts' searching, False for a Poisson source."""
        return self.kind == "proactive"


def _proactive_only(value: Any, info: ValidationInfo, *, required: bool) -> Any:
    kind = info.data.get("kind")
    if kind == "poisson" and value is not None:
        raise ValueError(f"expected {info.field_name} only for kind = 'proactive', got {shown(value)}")
    if kind == "proactive" and value is None and required:
        raise ValueError("missing (a required key of a proactive source)")
    return value


def _whole_hour_day(day: float) -> float:
    if abs(day * 24 - round(day * 24)) > 1e-9:
        raise ValueError(f"expected a day on a whole hour (a multiple of 1/24), got {day}")
    return day


class _Window(_Section):
    """A window of days `[start_day, end_day)`, day 0 starting at time 0 (a Monday)."""

    start_day: float = Field(
        ge=0,
        le=MAX_DAYS,
        description="First day of the window (day 0 starts at time 0, a Monday); fractions allowed.",
        json_schema_extra=_about("days from day 0"),
    )
    end_day: float = Field(
        le=MAX_DAYS,
        description="End of the window, not included: the window is `[start_day, end_day)`.",
        json_schema_extra=_about("days from day 0", valid="> `start_day`"),
    )

    @field_validator("end_day")
    @classmethod
    def _after_start(cls, end: float, info: ValidationInfo) -> float:
        start = info.data.get("start_day")
        if start is not None and end <= start:
            raise ValueError(f"expected end_day > start_day ({start}), got {end}")
        return end


class Surge(_Window):
    """`[[intake.surges]]`: arrivals of `sources` (default all Poisson sources) x `multiplier`."""

    multiplier: float = Field(
        ge=0,
        le=MAX_FACTOR,
        description=(
            "Factor on the arrival rate of `sources` in the window (overlapping surges multiply; they "
            "compose with growth and the profiles)."
        ),
        json_schema_extra=_about("factor"),
    )
    sources: list[str] | None = Field(
        default=None,
        min_length=1,
        description="The sources whose arrivals the surge multiplies.",
        json_schema_extra=_about(
            "source names", default="all Poisson sources", valid="names of Poisson sources"
        ),
    )

    @field_validator("start_day", "end_day")
    @classmethod
    def _whole_hours(cls, day: float) -> float:
        return _whole_hour_day(day)


class CapacityWindow(_Window):
    """`[[analysts.capacity_windows]]`: only `available_share` of the team on the rota."""

    available_share: Share = Field(
        description=(
            "Share of the team on the rota in the window: each analyst works this share of the days, "
            "in turns (overlapping windows multiply)."
        ),
        json_schema_extra=_about("share of the team"),
    )


class HeadcountChange(_Section):
    """`[[analysts.changes]]`: hires (positive) or leavers (negative) from `day` on."""

    day: int = Field(
        ge=0,
        le=MAX_DAYS,
        description="Day the hires join or the leavers go.",
        json_schema_extra=_about("day number"),
    )
    count_delta: int = Field(
        ge=-MAX_ANALYSTS,
        le=MAX_ANALYSTS,
        description=(
            "Hires (> 0; they work the shifts of analyst `number mod count` of the original roster) "
            "or leavers (< 0; the most recently joined go first)."
        ),
        json_schema_extra=_about("analysts", valid="not 0"),
    )
    ramp_days: float = Field(
        default=0.0,
        ge=0,
        le=MAX_DAYS,
        description=(
            "A hire's share of full output rises linearly from 0 on the joining day to 1 after "
            "`ramp_days` (the rest of the duty day is training, counted as other work)."
        ),
        json_schema_extra=_about("days"),
    )

    @field_validator("count_delta")
    @classmethod
    def _not_zero(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError("expected a non-zero count_delta (hires > 0, leavers < 0), got 0")
        return delta


class Breaks(_Section):
    """`analysts.breaks`: a `length_minutes` break after every `every_minutes` on duty."""

    every_minutes: float = Field(
        ge=MIN_MINUTES,
        le=1440,
        description=(
            "On-duty time from the start of the duty day, or the end of the last break, to the next "
            "break (taken when the assessment in progress ends)."
        ),
        json_schema_extra=_about("minutes"),
    )
    length_minutes: float = Field(
        ge=MIN_MINUTES,
        le=1440,
        description="Length of each break (cut at the day's end); on duty, not available.",
        json_schema_extra=_about("minutes"),
    )


def _check_profile(values: list[float] | None, length: int) -> list[float] | None:
    if values is None:
        return None
    if len(values) != length:
        raise ValueError(f"expected {length} values, got {len(values)}")
    if not any(v > 0 for v in values):
        raise ValueError("expected at least one value > 0 (a profile of all zeros has no shape)")
    for index, value in enumerate(values):
        if value != 0 and not MIN_PROFILE_WEIGHT <= value <= MAX_PROFILE_WEIGHT:
            why = (
                "a smaller one is lost to rounding" if value < MIN_PROFILE_WEIGHT else "weights are relative"
            )
            raise ValueError(
                f"[{index}]: expected 0 or a weight from {MIN_PROFILE_WEIGHT:g} to {MAX_PROFILE_WEIGHT:g} "
                f"({why}), got {shown(value)}"
            )
    return values


def _largest_surge_product(surges: list[Surge]) -> tuple[float, float]:
    """(a day, the factor) where the product of overlapping surges' multipliers is largest."""
    changes: dict[float, list[tuple[int, float]]] = {}
    for surge in surges:
        changes.setdefault(surge.start_day, []).append((1, surge.multiplier))
        changes.setdefault(surge.end_day, []).append((-1, surge.multiplier))
    zeros, log_factor, best_day, best = 0, 0.0, 0.0, 1.0
    for day in sorted(changes):  # windows are [start, end): all changes of a day, then the factor
        for step, multiplier in changes[day]:
            if multiplier == 0:
                zeros += step
            else:
                log_factor += step * math.log(multiplier)
        factor = 0.0 if zeros else math.exp(min(log_factor, 700.0))
        if factor > best:
            best_day, best = day, factor
    return best_day, best


class Intake(_Section):
    """`[intake]`: volume, growth, profiles and the sources."""

    volume_multiplier: float = Field(
        default=1.0,
        ge=0,
        le=MAX_FACTOR,
        description=(
            "Scales every Poisson source (a proactive source's finds come from the team's searching "
            "time, so they grow with the team, not with this)."
        ),
        json_schema_extra=_about("factor"),
    )
    growth_per_year: float = Field(
        default=0.0,
        gt=-1,
        le=MAX_GROWTH_PER_YEAR,
        description="Every Poisson source's rate is multiplied by `(1 + growth_per_year) ** (t_days / 365)`.",
        json_schema_extra=_about("share per year, compound"),
    )
    weekly_profile: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None,
        description="Shape of the week, normalised to mean 1: it shapes the week, never the volume.",
        json_schema_extra=_about(
            "7 relative weights, Mon..Sun",
            default="flat",
            valid=f"exactly 7 values, not all 0; {PROFILE_WEIGHTS}",
        ),
    )
    hourly_profile: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None,
        description="Shape of the day, normalised to mean 1: it shapes the day, never the volume.",
        json_schema_extra=_about(
            "24 relative weights, 00..23 h",
            default="flat",
            valid=f"exactly 24 values, not all 0; {PROFILE_WEIGHTS}",
        ),
    )
    sources: dict[str, Source] = Field(
        min_length=1,
        max_length=MAX_SOURCES,
        description="The sources of reports, one table per source name.",
        json_schema_extra=_about(
            "source tables",
            key="NAME",
            valid=(
                "names of letters, digits, spaces, `.`, `_`, `-`, starting with a letter or digit; "
                "at most one source of kind `proactive`"
            ),
        ),
    )
    surges: list[Surge] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Windows in which the arrival rate of some sources is multiplied.",
        json_schema_extra=_about(
            "surge tables", valid="`start_day` and `end_day` on whole hours (multiples of 1/24)"
        ),
    )
    initial_backlog: int = Field(
        default=0,
        ge=0,
        le=MAX_INITIAL_BACKLOG,
        description=(
            "Reports waiting at time 0 (sources mixed as the Poisson sources' rates, none merged, "
            "fast-tracked at the hash-match share); they are not counted as received."
        ),
        json_schema_extra=_about("reports waiting at time 0"),
    )

    @field_validator("weekly_profile")
    @classmethod
    def _weekly(cls, values: list[float] | None) -> list[float] | None:
        return _check_profile(values, 7)

    @field_validator("hourly_profile")
    @classmethod
    def _hourly(cls, values: list[float] | None) -> list[float] | None:
        return _check_profile(values, 24)

    @field_validator("sources")
    @classmethod
    def _source_names(cls, sources: dict[str, Source]) -> dict[str, Source]:
        for name in sources:
            if not re.match(NAME_PATTERN, name):
                raise ValueError(
                    f"expected source names of letters, digits, ' ', '.', '_', '-'; got {shown(name)}"
                )
        proactive = [name for name, source in sources.items() if source.is_proactive]
        if len(proactive) > 1:
            raise ValueError(f"expected at most one source of kind = 'proactive', got {proactive}")
        return sources

    @field_validator("surges")
    @classmethod
    def _surge_sources(cls, surges: list[Surge], info: ValidationInfo) -> list[Surge]:
        sources = info.data.get("sources")
        if not sources:
            return surges
        poisson = sorted(name for name, source in sources.items() if not source.is_proactive)
        for index, surge in enumerate(surges):
            for name in surge.sources or []:
                if name not in poisson:
                    raise ValueError(
                        f"[{index}].sources: expected names of Poisson sources ({', '.join(poisson)}), "
                        f"got {shown(name)}"
                    )
        for name in poisson:  # overlapping surges multiply: the product keeps the range of one
            applying = [s for s in surges if s.sources is None or name in s.sources]
            day, factor = _largest_surge_product(applying)
            if factor > MAX_FACTOR * (1 + 1e-9):  # a single surge at the ceiling passes, float noise aside
                raise ValueError(
                    f"expected overlapping surges of a source to multiply its rate by at most "
                    f"{MAX_FACTOR:g}, got {factor:.3g} for {shown(name)} on day {day:g}"
                )
        return surges

    def poisson_sources(self) -> list[str]:
        """Names of the sources with a rate of their own (not proactive searching)."""
        return [name for name, source in self.sources.items() if not source.is_proactive]


class Dedup(_Section):
    """`[dedup]`: shares of all received reports merged at intake or fast-tracked by hash match.

    Either share may change over time (a growing hash list): see `sim.scenario.share_rules`. Each report is
    gated with the shares at its arrival time (a find at the time it is found).
    """

    duplicate_share: ShareRule = Field(
        default=0.0,
        description="Reports merged at intake as duplicates: no analyst time.",
        json_schema_extra=_about("share of received reports, or a rule over time"),
    )
    hash_match_share: ShareRule = Field(
        default=0.0,
        description=(
            "Reports fast-tracked by a hash-list match: assessed in `hash_match_time_factor` x the "
            "usual assessment time."
        ),
        json_schema_extra=_about(
            "share of received reports, or a rule over time",
            valid="`duplicate_share + hash_match_share <= 1` at every time",
        ),
    )
    hash_match_time_factor: float = Field(
        default=0.2,
        ge=0,
        le=MAX_FACTOR,
        description="Assessment time of a hash-matched report, as a factor of the usual time.",
        json_schema_extra=_about("factor on assessment time"),
    )

    @model_validator(mode="after")
    def _shares_exclusive(self) -> Dedup:
        days = sorted(set(breakpoint_days(self.duplicate_share) + breakpoint_days(self.hash_match_share)))
        limit = 1 + SHARE_SUM_TOLERANCE
        previous_day, previous_sum = None, 0.0
        for day in days:  # the sum is linear between these days and flat after the last
            duplicate = share_at(self.duplicate_share, day * 24.0)
            hash_match = share_at(self.hash_match_share, day * 24.0)
            total = duplicate + hash_match
            if total > limit:
                when = ""
                if previous_day is not None:  # where the sum first passes 1
                    first = previous_day + (limit - previous_sum) / (total - previous_sum) * (
                        day - previous_day
                    )
                    when = f" from day {first:.4g} (on day {day:g}: {duplicate:g} + {hash_match:g})"
                elif len(days) > 1:
                    when = f" on day {day:g}"
                raise ValueError(
                    f".hash_match_share: expected duplicate_share + hash_match_share <= 1 at every time "
                    f"(they are exclusive shares of received reports), got {duplicate:g} + {hash_match:g}"
                    f"{when}"
                    if previous_day is None
                    else f".hash_match_share: expected duplicate_share + hash_match_share <= 1 at every "
                    f"time (they are exclusive shares of received reports), got a sum above 1{when}"
                )
            previous_day, previous_sum = day, total
        return self

    @property
    def changes_over_time(self) -> bool:
        """Whether either share follows a rule that changes with time."""
        return not (is_constant(self.duplicate_share) and is_constant(self.hash_match_share))


class Shift(_Section):
    """One shift table: `{ days = "mon-fri", start = "08:00", end = "16:00", analysts = 13 }`."""

    days: str = Field(
        description=(
            'The days the shift starts on: ranges and lists (`"mon-fri"`, `"mon,wed,fri"`, `"fri-mon"` '
            'wraps past Sunday) or `"daily"`.'
        ),
        json_schema_extra=_about(
            "days of the week", valid=f"day names {', '.join(DAY_NAMES)}, in ranges or lists; or `daily`"
        ),
    )
    start: str = Field(
        description="Start of the shift on each of its days.",
        json_schema_extra=_about("time `HH:MM`", valid="00:00 to 23:59"),
    )
    end: str = Field(
        description='End of the shift: `end <= start` crosses midnight (`"22:00"` to `"06:00"`).',
        json_schema_extra=_about(
            "time `HH:MM`", valid='00:00 to 24:00, not equal to `start` (a whole day: "00:00" to "24:00")'
        ),
    )
    analysts: int | None = Field(
        default=None,
        ge=0,
        le=MAX_ANALYSTS,
        description=(
            "Analysts on this shift; in a list, each shift takes analysts who are not on an "
            "overlapping shift (the least-rostered first)."
        ),
        json_schema_extra=_about(
            "analysts",
            default="all of `analysts.count`, so changing the count scales the shift",
            valid="overlapping shifts never need more than `analysts.count` at one moment",
        ),
    )

    @field_validator("days")
    @classmethod
    def _days(cls, days: str) -> str:
        parse_days(days)
        return days

    @field_validator("start")
    @classmethod
    def _start(cls, start: str) -> str:
        parse_clock_hours(start, allow_24=False)
        return start

    @field_validator("end")
    @classmethod
    def _end(cls, end: str, info: ValidationInfo) -> str:
        end_hour = parse_clock_hours(end, allow_24=True)
        start = info.data.get("start")
        if start is not None and parse_clock_hours(start, allow_24=False) == end_hour:
            raise ValueError(
                f"expected end != start (use start = '00:00', end = '24:00' for a whole day), "
                f"got start {shown(start)} and end {shown(end)}"
            )
        return end

    def weekly(self, default_analysts: int) -> WeeklyShift:
        """Resolve to hours; `analysts` defaults to the whole team (`analysts.count`)."""
        start_hour = parse_clock_hours(self.start, allow_24=False)
        end_hour = parse_clock_hours(self.end, allow_24=True)
        return WeeklyShift(
            days=parse_days(self.days),
            start_hour=start_hour,
            length_hours=shift_length_hours(start_hour, end_hour),
            analysts=default_analysts if self.analysts is None else self.analysts,
        )


def _schedule_kind(value: Any) -> str:
    if isinstance(value, str):
        return "always"
    if isinstance(value, list):
        return "shifts"
    return "shift"


Schedule = Annotated[
    Annotated[Literal["24/7"], Tag("always")]
    | Annotated[Shift, Tag("shift")]
    | Annotated[list[Shift], Tag("shifts")],
    Discriminator(_schedule_kind),
]

DEFAULT_SHIFT = Shift(days="mon-fri", start="08:00", end="16:00")


class Analysts(_Section):
    """`[analysts]`: team size, when they work, and what takes them away from the queue."""

    count: int = Field(
        default=13,
        ge=1,
        le=MAX_ANALYSTS,
        description="The team at day 0.",
        json_schema_extra=_about("analysts"),
    )
    schedule: Schedule = Field(
        default=DEFAULT_SHIFT,
        description=(
            'When the team is on duty: `"24/7"` (the whole team always), a shift table or a list of them. '
            "Day 0 is a Monday, 00:00. An assessment in progress at the end of a shift is finished; "
            "no new one starts off shift."
        ),
        json_schema_extra=_about(
            valid="a list is not empty; the shifts never need more than `count` analysts at one moment"
        ),
    )
    breaks: Breaks | None = Field(
        default=None,
        description="A break of `length_minutes` after every `every_minutes` on duty.",
        json_schema_extra=_about(default="no breaks"),
    )
    max_viewing_hours_per_day: float | None = Field(
        default=None,
        gt=0,
        le=24,
        description=(
            "Cap on viewing (assessing, searching and re-checks) per duty day: once reached, no new "
            "assessment or search starts that day and the rest of it is other work."
        ),
        json_schema_extra=_about("hours of viewing a duty day", default="no cap"),
    )
    absence_share: Share = Field(
        default=0.0,
        description="Each duty day is lost with this probability (drawn from the analyst's own stream).",
        json_schema_extra=_about("share of duty days"),
    )
    capacity_windows: list[CapacityWindow] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Windows in which only part of the team is on the rota.",
        json_schema_extra=_about("capacity window tables"),
    )
    changes: list[HeadcountChange] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Hires and leavers over time.",
        json_schema_extra=_about(
            "headcount change tables", valid=f"the team never below 0 or above {MAX_ANALYSTS:,} analysts"
        ),
    )
    holidays: list[Annotated[int, Field(ge=0, le=MAX_DAYS)]] = Field(
        default_factory=list,
        max_length=MAX_DAYS,
        description=(
            "Days on which no duty day starts (a night shift that starts the evening before still "
            "runs into it)."
        ),
        json_schema_extra=_about("day numbers"),
    )

    @field_validator("schedule")
    @classmethod
    def _fits_team(cls, schedule: Any, info: ValidationInfo) -> Any:
        count = info.data.get("count")
        if count is not None and schedule != "24/7":
            shifts = [schedule] if isinstance(schedule, Shift) else schedule
            if not shifts:
                raise ValueError('expected "24/7", a shift table or a non-empty list of them')
            check_team_fits([s.weekly(count) for s in shifts], count)
        return schedule

    @field_validator("changes")
    @classmethod
    def _headcount_never_negative(cls, changes: list[HeadcountChange], info: ValidationInfo):
        headcount = info.data.get("count")
        if headcount is None:
            return changes
        for change in sorted(changes, key=lambda c: c.day):
            headcount += change.count_delta
            if not 0 <= headcount <= MAX_ANALYSTS:
                raise ValueError(
                    f"expected the team never below 0 or above {MAX_ANALYSTS:,} analysts, got {headcount} "
                    f"from day {change.day}"
                )
        return changes

    def rosters(self, horizon_hours: float) -> list[list[tuple[float, float]]]:
        """Each analyst's on-duty intervals over [0, horizon] (hours from Monday 00:00 of day 0)."""
        if self.schedule == "24/7":
            return [[(0.0, horizon_hours)] for _ in range(self.count)]
        shifts = [self.schedule] if isinstance(self.schedule, Shift) else self.schedule
        return build_rosters([s.weekly(self.count) for s in shifts], self.count, horizon_hours)


class Assessment(_Section):
    """`[assessment]`: one analyst's time to assess one report (minutes)."""

    time_minutes: Distribution = Field(
        description="One analyst's time to assess one report.", json_schema_extra=_about("minutes")
    )


ROUTES = ("direct", "partner_hotline", "law_enforcement")
Route = Literal["direct", "partner_hotline", "law_enforcement"]


class Host(_Section):
    """`[[takedown.hosts]]`: a hosting country, its share of actionable pages and its route.

    `removal_hours` (notice to removal) may be left out: the route's default then applies.
    """

    country: str = Field(
        min_length=1,
        max_length=60,
        description="The hosting country.",
        json_schema_extra=_about(
            "text", valid="not blank, no line breaks or control characters; each country once"
        ),
    )
    share: Share = Field(
        description="Share of actionable pages hosted here.",
        json_schema_extra=_about("share of actionable pages"),
    )
    route: Route = Field(
        description="How the notice reaches the host; gives the default `removal_hours`.",
        json_schema_extra=_about("notice route"),
    )
    removal_hours: Distribution | None = Field(
        default=None,
        description="Delay from notice to removal for pages on this host.",
        json_schema_extra=_about(
            "hours from notice to removal",
            default="the route's default",
            valid="required when the route has no default",
        ),
    )

    @field_validator("country")
    @classmethod
    def _printable(cls, country: str) -> str:
        if not country.strip() or any(ord(c) < 32 for c in country):
            raise ValueError(
                f"expected a country name with no line breaks or control characters, got {shown(country)}"
            )
        return country


class RouteDefaults(_Section):
    """`[takedown.routes.<route>]`: what a host on this route uses when it does not say."""

    removal_hours: Distribution = Field(
        description="Delay from notice to removal for hosts of this route that do not give their own.",
        json_schema_extra=_about("hours from notice to removal"),
    )


class Takedown(_Section):
    """`[takedown]`: where actionable pages are hosted, how fast they are removed, and follow-ups.

    Follow-ups are off unless `follow_up_hours` is set: a page still up that long after its notice
    (or after its last re-check) is re-checked by an analyst (`recheck_minutes`, queued with
    `recheck_priority`); once `max_follow_ups` re-checks have found it still up it is escalated,
    and is removed at the earlier of its host's removal and `escalation_removal_hours` after the
    escalation (default: the law-enforcement route's delay).
    """

    hosts: list[Host] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Where actionable pages are hosted; each notice goes to a host drawn by share.",
        json_schema_extra=_about(
            "host tables",
            default="no hosts: notices sent, removal not modelled",
            valid=f"shares sum to 1 (within {SHARE_SUM_TOLERANCE:g}), each country once",
        ),
    )
    routes: dict[Route, RouteDefaults] = Field(
        default_factory=dict,
        description="Default removal delay of each route, for hosts that do not give their own.",
        json_schema_extra=_about("route tables", key="ROUTE"),
    )
    follow_up_hours: float | None = Field(
        default=None,
        ge=MIN_FOLLOW_UP_HOURS,
        le=MAX_HOURS,
        description="A page still up this long after its notice (or its last re-check) is re-checked.",
        json_schema_extra=_about(
            "hours after the notice (and after each re-check)",
            default="no follow-ups",
            valid="needs `takedown.hosts`",
        ),
    )
    recheck_minutes: float = Field(
        default=2.0,
        ge=0,
        le=1440,
        description="Analyst time of one re-check (it counts as viewing and as busy time).",
        json_schema_extra=_about("analyst minutes per re-check"),
    )
    recheck_priority: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Queue class of re-checks among the reports' classes; first in, first out in a class.",
        json_schema_extra=_about("queue class, lower first (as a source's `priority`)"),
    )
    max_follow_ups: int | None = Field(
        default=None,
        ge=0,
        le=MAX_FOLLOW_UPS,
        description=(
            "Re-checks that find a page still up before it is escalated (0: escalated at the first "
            "follow-up, with no re-check)."
        ),
        json_schema_extra=_about(
            "re-checks finding a page still up before it is escalated",
            default="never escalated",
            valid="needs `follow_up_hours`",
        ),
    )
    escalation_removal_hours: Distribution | None = Field(
        default=None,
        description=(
            "Delay from escalation to removal: an escalated page is removed at the earlier of its "
            "host's removal and this."
        ),
        json_schema_extra=_about(
            "hours from escalation to removal",
            default="the `law_enforcement` route's default",
            valid="required with `max_follow_ups` when that route has no default",
        ),
    )

    @field_validator("hosts")
    @classmethod
    def _shares_sum_to_one(cls, hosts: list[Host]) -> list[Host]:
        if hosts:
            total = math.fsum(h.share for h in hosts)
            if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
                raise ValueError(f"expected host shares summing to 1 (within 1e-6), got {total:.9g}")
            countries = [h.country for h in hosts]
            repeated = sorted({c for c in countries if countries.count(c) > 1})
            if repeated:
                raise ValueError(f"expected each country once, got repeated {repeated}")
        return hosts

    @model_validator(mode="after")
    def _delays_known(self) -> Takedown:
        for index, host in enumerate(self.hosts):
            if host.removal_hours is None and host.route not in self.routes:
                raise ValueError(
                    f".hosts[{index}].removal_hours: missing, and route {shown(host.route)} has no default "
                    f"(expected removal_hours here or in [takedown.routes.{host.route}])"
                )
        if self.max_follow_ups is not None:
            if self.follow_up_hours is None:
                raise ValueError(
                    ".max_follow_ups: expected follow_up_hours to be set as well (follow-ups are off)"
                )
            if self.escalation_removal_hours is None and "law_enforcement" not in self.routes:
                raise ValueError(
                    ".escalation_removal_hours: missing (expected a distribution here, or a "
                    "[takedown.routes.law_enforcement] default, for escalated pages)"
                )
        return self

    def removal_hours_of(self, host: Host) -> Distribution:
        """The host's removal delay, or its route's default."""
        return host.removal_hours if host.removal_hours is not None else self.routes[host.route].removal_hours

    @property
    def escalation_delay(self) -> Distribution | None:
        """Delay from escalation to removal (None when pages are never escalated)."""
        if self.max_follow_ups is None:
            return None
        if self.escalation_removal_hours is not None:
            return self.escalation_removal_hours
        return self.routes["law_enforcement"].removal_hours


class Reuploads(_Section):
    """`[reuploads]`: removed pages that come back at a new URL (off unless `share` > 0).

    A removed page comes back with probability `share`, `delay_days` after its removal. A
    `hash_block_share` of those is stopped at upload by the hash list (counted, never reported);
    the rest arrive as reports of `source` (default: the proactive source if there is one, else the
    first source) and pass the dedup gate like any report. A re-upload is always actionable.
    """

    share: Share = Field(
        default=0.0,
        description="Probability that a removed page comes back at a new URL.",
        json_schema_extra=_about(
            "share of removed pages that come back at a new URL",
            default="off",
            valid=(
                f"> 0 needs `delay_days` and `takedown.hosts`; `share x (1 - hash_block_share) <= "
                f"{MAX_REUPLOAD_SHARE:g}`"
            ),
        ),
    )
    delay_days: Distribution | None = Field(
        default=None,
        description="Delay from removal to re-upload.",
        json_schema_extra=_about("days from removal to re-upload", valid="required when `share` > 0"),
    )
    hash_block_share: Share = Field(
        default=0.0,
        description="Re-uploads stopped at upload by the hash list: counted, never reported.",
        json_schema_extra=_about("share of re-uploads stopped at upload by the hash list"),
    )
    source: str | None = Field(
        default=None,
        description="The source whose reports re-uploads arrive as (always actionable).",
        json_schema_extra=_about(
            "source name",
            default="the proactive source if there is one, else the first source",
            valid="one of `intake.sources`",
        ),
    )

    @model_validator(mode="after")
    def _delay_given(self) -> Reuploads:
        if self.share > 0 and self.delay_days is None:
            raise ValueError(
                '.delay_days: missing (expected a distribution such as { dist = "exponential", mean = 30 } '
                "when share > 0)"
            )
        reported = self.share * (1.0 - self.hash_block_share)
        if reported > MAX_REUPLOAD_SHARE:
            raise ValueError(
                f".share: expected share x (1 - hash_block_share) <= {MAX_REUPLOAD_SHARE:g} (the removed "
                "pages that come back as reports; at 1 every page would come back forever), got "
                f"{self.share:g} x (1 - {self.hash_block_share:g})"
            )
        return self


class Sla(_Section):
    """`[sla]`: service levels that are reported as shares."""

    assessment_hours: float = Field(
        default=24.0,
        gt=0,
        le=MAX_HOURS,
        description="Target time from arrival to the end of assessment (`sla_assessment_share`).",
        json_schema_extra=_about("hours"),
    )


class Scenario(_Section):
    """A whole, validated scenario. Immutable; use `with_values` for overrides."""

    scenario: ScenarioMeta = Field(description="Name, horizon, warm-up, replications and seed.")
    intake: Intake = Field(description="Where reports come from and how many.")
    dedup: Dedup = Field(default=Dedup(), description="Reports merged or fast-tracked before assessment.")
    analysts: Analysts = Field(
        default=Analysts(), description="The team, its shifts and what takes it away from the queue."
    )
    assessment: Assessment = Field(description="How long an assessment takes.")
    takedown: Takedown = Field(
        default=Takedown(), description="Notices, removal delays, follow-ups and escalation."
    )
    reuploads: Reuploads = Field(default=Reuploads(), description="Removed pages that come back.")
    sla: Sla = Field(default=Sla(), description="Service levels reported as shares.")

    @model_validator(mode="after")
    def _reupload_source_known(self) -> Scenario:
        if not self.takedown.hosts:  # removal is not modelled: nothing to follow up or re-upload
            if self.takedown.follow_up_hours is not None:
                raise ValueError(
                    ".takedown.follow_up_hours: expected takedown.hosts as well (without hosts "
                    "removal is not modelled, so there is nothing to follow up)"
                )
            if self.reuploads.share > 0:
                raise ValueError(
                    ".reuploads.share: expected takedown.hosts as well (without hosts removal is "
                    "not modelled, so no page comes back)"
                )
        name = self.reuploads.source
        if name is not None and name not in self.intake.sources:
            known = ", ".join(sorted(self.intake.sources))
            raise ValueError(f".reuploads.source: expected one of the sources ({known}), got {shown(name)}")
        return self

    @property
    def reupload_source(self) -> str:
        """The source whose reports re-uploads arrive as."""
        if self.reuploads.source is not None:
            return self.reuploads.source
        sources = self.intake.sources
        return next((name for name, s in sources.items() if s.is_proactive), next(iter(sources)))

    @property
    def horizon_hours(self) -> float:
        """Simulated time in hours."""
        return self.scenario.horizon_days * 24.0

    @property
    def warmup_hours(self) -> float:
        """Warm-up in hours: nothing before it counts in the results."""
        return self.scenario.warmup_days * 24.0

    def to_dict(self) -> dict[str, Any]:
        """The resolved scenario (defaults filled in) as plain TOML-able data."""
        return self.model_dump(mode="json", exclude_none=True)

    def with_values(self, overrides: dict[str, Any], source: str = "<overrides>") -> Scenario:
        """A new scenario with dotted keys replaced (`{"analysts.count": 17}`), validated again."""
        data = self.to_dict()
        for key, value in overrides.items():
            set_dotted(data, key, value)
        return scenario_from_dict(data, source)


# --- loading and error messages --------------------------------------------------------------


def load_scenario(path: str | Path | dict[str, Any]) -> Scenario:
    """Read and validate a TOML scenario file (or plain data, as TOML would give); raise
    `ScenarioError` with the file and the key path."""
    if isinstance(path, dict):
        return scenario_from_dict(path, "<dict>")
    path = Path(path)
    source = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError(source, [f"file: larger than {MAX_FILE_BYTES:,} bytes (not a scenario file)"])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(source, ["file: no such file"]) from None
    except OSError as exc:
        raise ScenarioError(source, [f"file: cannot be read ({exc.strerror})"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError, bad UTF-8, a number too long
        raise ScenarioError(source, [f"file: not a valid TOML file ({cut(str(exc), 200)})"]) from None
    meta = data.get("scenario")
    if isinstance(meta, dict) and "name" not in meta:  # default: the file's name
        meta["name"] = re.sub(r"[^A-Za-z0-9 ._-]", "-", path.stem).lstrip(" ._-") or "scenario"
    return scenario_from_dict(data, source)


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate plain data (as parsed from TOML) into a `Scenario`."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error, data) for error in exc.errors()]
        raise ScenarioError(source, problems) from None


def _dotted(loc: tuple[Any, ...], data: Any) -> tuple[str, tuple[Any, ...]]:
    """Turn a pydantic location into `takedown.hosts[2].share`, dropping union tags."""
    text = ""
    kept: list[Any] = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if part == "[key]" or (isinstance(part, str) and part.startswith("<")):
            continue  # pydantic's marker for an invalid dict key, or a union tag: not in the file
        if isinstance(part, int) and isinstance(node, list):
            text += f"[{part}]"
            node = node[part] if 0 <= part < len(node) else None
            kept.append(part)
        elif isinstance(node, dict) and (part in node or last):
            text += ("." if text else "") + str(part)
            node = node.get(part)
            kept.append(part)
        # otherwise a union tag (e.g. 'lognormal', 'shift') that is not in the data: skip it
    return text or "(top level)", tuple(kept)


def _describe(error: dict[str, Any], data: dict[str, Any]) -> str:
    path, kept = _dotted(tuple(error["loc"]), data)
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        key = str(kept[-1]) if kept else path
        known = _known_keys(kept[:-1], data)
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        expected = f" (expected one of: {', '.join(sorted(known))})" if known else ""
        return f"{path}: unknown key{hint}{expected}"
    if kind == "missing":
        return f"{path}: missing (a required key)"
    expected = _plain_expectation(kind, error.get("ctx") or {}, kept, data)
    if expected:
        return f"{path}: {expected}; got {_show(given)}"
    message = error["msg"]
    if kind == "value_error":  # our own checks: the message already says what was given
        message = message.removeprefix("Value error, ")
        # a check that names its element ("[2].sources: ...") or key (".delay_days: ...") extends the path
        if message.startswith("."):
            return f"{message[1:]}" if path == "(top level)" else f"{path}{message}"
        return f"{path}{message}" if message.startswith("[") else f"{path}: {message}"
    if kind.startswith("union_tag"):
        dist = f"dist = {shown(given['dist'])}" if isinstance(given, dict) and "dist" in given else "no dist"
        return f"{path}: expected dist to be one of {', '.join(DIST_NAMES)}; got {dist}"
    message = message.replace("Input should be", "expected").replace("Input", "value")
    return f"{path}: {message}; got {_show(given)}"


SCHEDULE_EXPECTED = (
    'expected "24/7", a shift table such as { days = "mon-fri", start = "08:00", end = "16:00" } '
    "or a list of them"
)
DISTRIBUTION_EXPECTED = 'expected a distribution table such as { dist = "exponential", mean = 5.0 }'


def _plain_expectation(kind: str, ctx: dict[str, Any], kept: tuple[Any, ...], data: Any) -> str | None:
    """Planner's wording for the schema errors whose library wording names internals."""
    field = str(kept[-1]) if kept and not isinstance(kept[-1], int) else ""
    if field in ("duplicate_share", "hash_match_share") and kind in ("float_type", "bool_type", "model_type"):
        return SHARE_RULE_EXPECTED
    if field == "schedule" and kind in ("model_type", "literal_error", "list_type"):
        return SCHEDULE_EXPECTED
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if "dist" in _known_keys(kept, data):
            return DISTRIBUTION_EXPECTED
        return "expected a table"
    if kind == "list_type":
        return "expected a list"
    if kind in ("too_long", "too_short") and ctx.get("field_type") == "Tuple":
        return "expected a [day, share] pair"
    if kind == "tuple_type":
        return "expected a [day, share] pair or a { day, share } table"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} entry"
    if kind == "string_pattern_mismatch":
        return "expected letters, digits, spaces, '.', '_' or '-', starting with a letter or digit"
    return None


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a table" if value else "an empty table"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return shown(value)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Model classes reachable from a field annotation (through unions, lists, dicts)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _known_keys(loc: tuple[Any, ...], data: dict[str, Any]) -> list[str]:
    """The keys the schema allows at `loc` (used for "did you mean")."""
    candidates: list[type[BaseModel]] = [Scenario]
    node: Any = data
    for part in loc:
        node = node[part] if isinstance(node, dict | list) else None
        if isinstance(part, int):
            if PointsRule in candidates:  # points written as a bare list: its items are point tables
                candidates = [PointTable]
            continue
        fields = [m.model_fields[part] for m in candidates if part in m.model_fields]
        if fields:
            candidates = [m for f in fields for m in _models_in(f.annotation)]
        # a dict key such as a source name: stay with the value model
    if isinstance(node, dict) and "dist" in node:
        candidates = [
            m
            for m in candidates
            if "dist" in m.model_fields and node["dist"] in typing.get_args(m.model_fields["dist"].annotation)
        ] or candidates
    keys = {name for model in candidates for name in model.model_fields}
    return sorted(keys)


def key_parts(key: str) -> list[str | int]:
    """`a.b[2].c` -> ['a', 'b', 2, 'c'] (KeyError when it is not a dotted key)."""
    parts: list[str | int] = []
    for piece in key.split("."):
        match = re.fullmatch(r"([^\[\]]+)((?:\[\d+\])*)", piece)
        if not match:
            raise KeyError(f"not a dotted key: {shown(key)}")
        parts.append(match.group(1))
        parts += [int(i) for i in re.findall(r"\[(\d+)\]", match.group(2))]
    return parts


def get_dotted(data: dict[str, Any], key: str) -> Any:
    """The value at `key` (`a.b[2].c`) in nested plain data (KeyError naming what is missing)."""
    node: Any = data
    for part in key_parts(key):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise KeyError(f"{key}: no element [{part}]")
        elif not isinstance(node, dict) or part not in node:
            raise KeyError(f"{key}: no key {shown(part)} here")
        node = node[part]
    return node


def set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` (`a.b[2].c`) in nested plain data, creating tables as needed."""
    parts = key_parts(key)
    node: Any = data
    for here, following in zip(parts[:-1], parts[1:], strict=True):
        if isinstance(here, int):
            if not isinstance(node, list) or here >= len(node):
                raise KeyError(f"{key}: no element [{here}]")
            node = node[here]
        else:
            if here not in node:
                node[here] = [] if isinstance(following, int) else {}
            node = node[here]
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise KeyError(f"{key}: no element [{last}]")
    node[last] = value

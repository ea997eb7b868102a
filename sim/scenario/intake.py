"""The supply sections: sources and their volumes, profiles, growth, surges and the starting
backlog (`[intake]`), and the dedup gate (`[dedup]`).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.common.limits import (
    MAX_DAYS,
    MAX_FACTOR,
    MAX_FINDS_PER_SEARCH_HOUR,
    MAX_GROWTH_PER_YEAR,
    MAX_INITIAL_BACKLOG,
    MAX_LIST,
    MAX_PROFILE_WEIGHT,
    MAX_REPORTS_PER_DAY,
    MAX_SOURCES,
    MIN_MINUTES,
    MIN_PROFILE_WEIGHT,
)
from sim.common.messages import shown
from sim.scenario.section import NAME_PATTERN, PROFILE_WEIGHTS, SHARE_SUM_TOLERANCE, Section, Share, about
from sim.scenario.share_rules import (
    ShareRule,
    breakpoint_days,
    is_constant,
    share_at,
)

DEFAULT_SEARCH_BLOCK_MINUTES = 30.0


def source_key(name: str) -> str:
    """A source's name as metric names spell it: characters other than letters, digits and `_`
    as `_` (`partner referral` -> `partner_referral`).

    >>> source_key("partner referral")
    'partner_referral'
    """
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


class Source(Section):
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
        json_schema_extra=about("source kind", valid="at most one proactive source in `intake.sources`"),
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
        json_schema_extra=about(
            "reports per day",
            default="required for `poisson`; not allowed for `proactive`",
            valid="only for `poisson`",
        ),
    )
    actionable_share: Share = Field(
        description="Share of this source's assessed reports that are actionable (a notice is sent).",
        json_schema_extra=about("share of the source's reports"),
    )
    priority: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Queue class of this source's reports: lower first, then first in, first out.",
        json_schema_extra=about("class, lower first"),
    )
    search_share: Share | None = Field(
        default=None,
        validate_default=True,
        description=(
            "Searching owed, as a share of each analyst's on-duty time that is neither a break nor "
            "other work; searched in blocks of `search_block_minutes`."
        ),
        json_schema_extra=about(
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
        json_schema_extra=about(
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
        json_schema_extra=about(
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
        json_schema_extra=about(
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
        return proactive_only(value, info, required=True)

    @field_validator("search_when_idle")
    @classmethod
    def _idle_default(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        value = proactive_only(value, info, required=False)
        return False if value is None and info.data.get("kind") == "proactive" else value

    @field_validator("search_block_minutes")
    @classmethod
    def _block_default(cls, value: float | None, info: ValidationInfo) -> float | None:
        value = proactive_only(value, info, required=False)
        if value is None and info.data.get("kind") == "proactive":
            return DEFAULT_SEARCH_BLOCK_MINUTES
        return value

    @property
    def is_proactive(self) -> bool:
        """True for analysts' searching, False for a Poisson source."""
        return self.kind == "proactive"


def proactive_only(value: Any, info: ValidationInfo, *, required: bool) -> Any:
    """A key that only a proactive source has (`required`: one it must have)."""
    kind = info.data.get("kind")
    if kind == "poisson" and value is not None:
        raise ValueError(f"expected {info.field_name} only for kind = 'proactive', got {shown(value)}")
    if kind == "proactive" and value is None and required:
        raise ValueError("missing (a required key of a proactive source)")
    return value


def whole_hour_day(day: float) -> float:
    """A day number on a whole hour, else a ValueError saying so."""
    if abs(day * 24 - round(day * 24)) > 1e-9:
        raise ValueError(f"expected a day on a whole hour (a multiple of 1/24), got {day}")
    return day


class Window(Section):
    """A window of days `[start_day, end_day)`, day 0 starting at time 0 (a Monday, or
    `scenario.start_date`)."""

    start_day: float = Field(
        ge=0,
        le=MAX_DAYS,
        description=(
            "First day of the window (day 0 starts at time 0: a Monday, or `scenario.start_date`); "
            "fractions allowed."
        ),
        json_schema_extra=about("days from day 0"),
    )
    end_day: float = Field(
        le=MAX_DAYS,
        description="End of the window, not included: the window is `[start_day, end_day)`.",
        json_schema_extra=about("days from day 0", valid="> `start_day`"),
    )

    @field_validator("end_day")
    @classmethod
    def _after_start(cls, end: float, info: ValidationInfo) -> float:
        start = info.data.get("start_day")
        if start is not None and end <= start:
            raise ValueError(f"expected end_day > start_day ({start}), got {end}")
        return end


class Surge(Window):
    """`[[intake.surges]]`: arrivals of `sources` (default all Poisson sources) x `multiplier`."""

    multiplier: float = Field(
        ge=0,
        le=MAX_FACTOR,
        description=(
            "Factor on the arrival rate of `sources` in the window (overlapping surges multiply; they "
            "compose with growth and the profiles)."
        ),
        json_schema_extra=about("factor"),
    )
    sources: list[str] | None = Field(
        default=None,
        min_length=1,
        description="The sources whose arrivals the surge multiplies.",
        json_schema_extra=about(
            "source names", default="all Poisson sources", valid="names of Poisson sources"
        ),
    )

    @field_validator("start_day", "end_day")
    @classmethod
    def _whole_hours(cls, day: float) -> float:
        return whole_hour_day(day)


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


class Intake(Section):
    """`[intake]`: volume, growth, profiles and the sources."""

    volume_multiplier: float = Field(
        default=1.0,
        ge=0,
        le=MAX_FACTOR,
        description=(
            "Scales every Poisson source (a proactive source's finds come from the team's searching "
            "time, so they grow with the team, not with this)."
        ),
        json_schema_extra=about("factor"),
    )
    growth_per_year: float = Field(
        default=0.0,
        gt=-1,
        le=MAX_GROWTH_PER_YEAR,
        description="Every Poisson source's rate is multiplied by `(1 + growth_per_year) ** (t_days / 365)`.",
        json_schema_extra=about("share per year, compound"),
    )
    weekly_profile: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None,
        description="Shape of the week, normalised to mean 1: it shapes the week, never the volume.",
        json_schema_extra=about(
            "7 relative weights, Mon..Sun",
            default="flat",
            valid=f"exactly 7 values, not all 0; {PROFILE_WEIGHTS}",
        ),
    )
    hourly_profile: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None,
        description="Shape of the day, normalised to mean 1: it shapes the day, never the volume.",
        json_schema_extra=about(
            "24 relative weights, 00..23 h",
            default="flat",
            valid=f"exactly 24 values, not all 0; {PROFILE_WEIGHTS}",
        ),
    )
    sources: dict[str, Source] = Field(
        min_length=1,
        max_length=MAX_SOURCES,
        description="The sources of reports, one table per source name.",
        json_schema_extra=about(
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
        json_schema_extra=about(
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
        json_schema_extra=about("reports waiting at time 0"),
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
        keys: dict[str, str] = {}
        for name in sources:
            other = keys.setdefault(source_key(name), name)
            if other != name:
                raise ValueError(
                    f"expected source names that differ in more than ' ', '.' and '-' (metric names spell "
                    f"them with '_'), got {shown(other)} and {shown(name)}"
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


class Dedup(Section):
    """`[dedup]`: shares of all received reports merged at intake or fast-tracked by hash match.

    Either share may change over time (a growing hash list): see `sim.scenario.share_rules`. Each report is
    gated with the shares at its arrival time (a find at the time it is found).
    """

    duplicate_share: ShareRule = Field(
        default=0.0,
        description="Reports merged at intake as duplicates: no analyst time.",
        json_schema_extra=about("share of received reports, or a rule over time"),
    )
    hash_match_share: ShareRule = Field(
        default=0.0,
        description=(
            "Reports fast-tracked by a hash-list match: assessed in `hash_match_time_factor` x the "
            "usual assessment time."
        ),
        json_schema_extra=about(
            "share of received reports, or a rule over time",
            valid="`duplicate_share + hash_match_share <= 1` at every time",
        ),
    )
    hash_match_time_factor: float = Field(
        default=0.2,
        ge=0,
        le=MAX_FACTOR,
        description="Assessment time of a hash-matched report, as a factor of the usual time.",
        json_schema_extra=about("factor on assessment time"),
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

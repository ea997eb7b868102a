"""The team's sections: analysts, their shifts, breaks, viewing cap, absence, headcount changes,
holidays and capacity windows (`[analysts]`), teams with skills and speeds (`[teams.NAME]`), and
assessment times (`[assessment]`).

A scenario has either one team, `[analysts]`, who may assess every source's reports, or several,
`[teams.NAME]`, each with the keys of `[analysts]` plus the sources it may assess (`skills`) and a
speed. `TeamSpec` is what the model and the experiments read in both cases (`Scenario.team_specs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
)

from sim.common.limits import (
    MAX_ANALYSTS,
    MAX_COST_PER_YEAR,
    MAX_DAYS,
    MAX_LIST,
    MIN_MINUTES,
)
from sim.common.messages import shown
from sim.scenario.distributions import Distribution
from sim.scenario.intake import Window
from sim.scenario.roster import (
    DAY_NAMES,
    WeeklyShift,
    build_rosters,
    check_team_fits,
    parse_clock_hours,
    parse_days,
    shift_length_hours,
)
from sim.scenario.section import Section, Share, about


class CapacityWindow(Window):
    """`[[analysts.capacity_windows]]`: only `available_share` of the team on the rota."""

    available_share: Share = Field(
        description=(
            "Share of the team on the rota in the window: each analyst works this share of the days, "
            "in turns (overlapping windows multiply)."
        ),
        json_schema_extra=about("share of the team"),
    )


class HeadcountChange(Section):
    """`[[analysts.changes]]`: hires (positive) or leavers (negative) from `day` on."""

    day: int = Field(
        ge=0,
        le=MAX_DAYS,
        description="Day the hires join or the leavers go.",
        json_schema_extra=about("day number"),
    )
    count_delta: int = Field(
        ge=-MAX_ANALYSTS,
        le=MAX_ANALYSTS,
        description=(
            "Hires (> 0; they work the shifts of analyst `number mod count` of the original roster) "
            "or leavers (< 0; the most recently joined go first)."
        ),
        json_schema_extra=about("analysts", valid="not 0"),
    )
    ramp_days: float = Field(
        default=0.0,
        ge=0,
        le=MAX_DAYS,
        description=(
            "A hire's share of full output rises linearly from 0 on the joining day to 1 after "
            "`ramp_days` (the rest of the duty day is training, counted as other work)."
        ),
        json_schema_extra=about("days"),
    )

    @field_validator("count_delta")
    @classmethod
    def _not_zero(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError("expected a non-zero count_delta (hires > 0, leavers < 0), got 0")
        return delta


class Breaks(Section):
    """`analysts.breaks`: a `length_minutes` break after every `every_minutes` on duty."""

    every_minutes: float = Field(
        ge=MIN_MINUTES,
        le=1440,
        description=(
            "On-duty time from the start of the duty day, or the end of the last break, to the next "
            "break (taken when the assessment in progress ends)."
        ),
        json_schema_extra=about("minutes"),
    )
    length_minutes: float = Field(
        ge=MIN_MINUTES,
        le=1440,
        description="Length of each break (cut at the day's end); on duty, not available.",
        json_schema_extra=about("minutes"),
    )


class Shift(Section):
    """One shift table: `{ days = "mon-fri", start = "08:00", end = "16:00", analysts = 13 }`."""

    days: str = Field(
        description=(
            'The days the shift starts on: ranges and lists (`"mon-fri"`, `"mon,wed,fri"`, `"fri-mon"` '
            'wraps past Sunday) or `"daily"`.'
        ),
        json_schema_extra=about(
            "days of the week", valid=f"day names {', '.join(DAY_NAMES)}, in ranges or lists; or `daily`"
        ),
    )
    start: str = Field(
        description="Start of the shift on each of its days.",
        json_schema_extra=about("time `HH:MM`", valid="00:00 to 23:59"),
    )
    end: str = Field(
        description='End of the shift: `end <= start` crosses midnight (`"22:00"` to `"06:00"`).',
        json_schema_extra=about(
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
        json_schema_extra=about(
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


class Analysts(Section):
    """`[analysts]`: team size, when they work, and what takes them away from the queue."""

    count: int = Field(
        default=13,
        ge=1,
        le=MAX_ANALYSTS,
        description="The team at day 0.",
        json_schema_extra=about("analysts"),
    )
    schedule: Schedule = Field(
        default=DEFAULT_SHIFT,
        description=(
            'When the team is on duty: `"24/7"` (the whole team always), a shift table or a list of them. '
            "Day 0 starts at 00:00 on the weekday of `scenario.start_date` (a Monday without one). "
            "An assessment in progress at the end of a shift is finished; "
            "no new one starts off shift."
        ),
        json_schema_extra=about(
            valid="a list is not empty; the shifts never need more than `count` analysts at one moment"
        ),
    )
    breaks: Breaks | None = Field(
        default=None,
        description="A break of `length_minutes` after every `every_minutes` on duty.",
        json_schema_extra=about(default="no breaks"),
    )
    max_viewing_hours_per_day: float | None = Field(
        default=None,
        gt=0,
        le=24,
        description=(
            "Cap on viewing (assessing, searching and re-checks) per duty day: once reached, no new "
            "assessment or search starts that day and the rest of it is other work."
        ),
        json_schema_extra=about("hours of viewing a duty day", default="no cap"),
    )
    absence_share: Share = Field(
        default=0.0,
        description="Each duty day is lost with this probability (drawn from the analyst's own stream).",
        json_schema_extra=about("share of duty days"),
    )
    capacity_windows: list[CapacityWindow] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Windows in which only part of the team is on the rota.",
        json_schema_extra=about("capacity window tables"),
    )
    changes: list[HeadcountChange] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Hires and leavers over time.",
        json_schema_extra=about(
            "headcount change tables", valid=f"the team never below 0 or above {MAX_ANALYSTS:,} analysts"
        ),
    )
    holidays: list[Annotated[int, Field(ge=0, le=MAX_DAYS)]] = Field(
        default_factory=list,
        max_length=MAX_DAYS,
        description=(
            "Days on which no duty day starts (a night shift that starts the evening before still "
            'runs into it): day numbers, or dates (`2021-12-27` or "2021-12-27") when '
            "`scenario.start_date` is given; a day after the horizon is allowed and has no effect."
        ),
        json_schema_extra=about("day numbers or dates"),
    )

    cost_per_year: float | None = Field(
        default=None,
        gt=0,
        le=MAX_COST_PER_YEAR,
        description=(
            "What one full-time analyst costs a year (salary and overheads), in `currency`: `staff` "
            "and `plan` show the yearly cost of each answer, `plan.csv` the cost of each period."
        ),
        json_schema_extra=about("currency units a year per analyst", default="no cost shown"),
    )
    currency: str = Field(
        default="GBP",
        description="The currency of `cost_per_year`, as an ISO 4217 code.",
        json_schema_extra=about("three capital letters, e.g. GBP, EUR, USD"),
    )

    @field_validator("currency")
    @classmethod
    def _currency_code(cls, currency: str) -> str:
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha() and currency.isupper()):
            raise ValueError(
                f"expected an ISO 4217 code of three capital letters (GBP, EUR, USD), got {shown(currency)}"
            )
        return currency

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

    def rosters(self, horizon_hours: float, weekday_of_day0: int = 0) -> list[list[tuple[float, float]]]:
        """Each analyst's on-duty intervals over [0, horizon] (hours from 00:00 of day 0, whose
        weekday is `weekday_of_day0`: Monday 0, `Scenario.weekday_of_day0`)."""
        if self.schedule == "24/7":
            return [[(0.0, horizon_hours)] for _ in range(self.count)]
        shifts = [self.schedule] if isinstance(self.schedule, Shift) else self.schedule
        return build_rosters(
            [s.weekly(self.count) for s in shifts], self.count, horizon_hours, weekday_of_day0
        )


MAX_SPEED = 10.0  # a team's speed factor, either way (0.1 to 10)
MAX_TEAMS = 20
TEAM_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"  # a team's name is part of metric names and keys


class Team(Analysts):
    """`[teams.NAME]`: one team of several, instead of `[analysts]`: the keys of `[analysts]` (the
    same meaning, for this team's members), plus the sources it may assess and its speed.

    A free member takes the next report among the sources its team is skilled for: the most urgent
    priority class first, then first in, first out. A report that several teams may assess goes to
    whoever is free first (when members of several teams are free, to the team listed first).
    Re-checks of takedown follow-ups go to the team `takedown.recheck_team` names; without it, a
    page's re-checks go to the first team skilled for the source of its report. NAME is made of
    letters, digits and `_`, starting with a letter: it is part of the per-team metric names
    (`team_utilisation_NAME`) and of keys (`teams.NAME.count`).
    """

    count: int = Field(
        ge=0,
        le=MAX_ANALYSTS,
        description=(
            "The team at day 0 (0: a team that only exists through its `changes`). Required: a team "
            "has no default size."
        ),
        json_schema_extra=about(
            "analysts", valid="not 0 for a team that is the only one skilled for a source and never hires"
        ),
    )
    skills: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LIST,
        description=(
            "The sources, by name, whose reports this team may assess. A team with the proactive "
            "source among its skills also searches (the source's `search_share`); the others do not."
        ),
        json_schema_extra=about(
            "source names",
            default="every source",
            valid="names of `intake.sources`, each once; every source is a skill of at least one team",
        ),
    )
    speed: float = Field(
        default=1.0,
        ge=1 / MAX_SPEED,
        le=MAX_SPEED,
        description=(
            "How fast this team assesses, as a factor on the rate: an assessment takes "
            "`assessment.time_minutes` / `speed` (2: half the time; 0.5: twice as long). Re-checks "
            "take `takedown.recheck_minutes` whoever does them."
        ),
        json_schema_extra=about("factor on the assessment rate"),
    )

    @field_validator("skills")
    @classmethod
    def _skills_once(cls, skills: list[str] | None) -> list[str] | None:
        for index, name in enumerate(skills or []):
            if name in skills[:index]:
                raise ValueError(f"expected each source once, got {shown(name)} again")
        return skills


@dataclass(frozen=True)
class TeamSpec:
    """One team as the model and the experiments read it: its name, the dotted prefix of its keys
    (`analysts` or `teams.NAME`), its section, the sources it may assess (by name, in the file's
    order of sources), its speed and the prefix of its analysts' stream names."""

    name: str
    key: str
    section: Analysts
    skills: tuple[str, ...]
    speed: float

    @property
    def stream_prefix(self) -> str:
        """`""` for the team named `analysts` (so `[teams.analysts]` draws what `[analysts]` draws),
        else `NAME/`: each team's absences come from streams of its own."""
        return "" if self.name == "analysts" else f"{self.name}/"

    @property
    def ever_staffed(self) -> bool:
        """Whether the team has members at some time: at day 0 or through a hire."""
        return self.section.count > 0 or any(c.count_delta > 0 for c in self.section.changes)

    @property
    def count_key(self) -> str:
        """The dotted key of its size: `analysts.count` or `teams.NAME.count`."""
        return f"{self.key}.count"


class Assessment(Section):
    """`[assessment]`: one analyst's time to assess one report (minutes)."""

    time_minutes: Distribution = Field(
        description="One analyst's time to assess one report.", json_schema_extra=about("minutes")
    )

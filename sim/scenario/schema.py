"""Scenario files: TOML -> a validated, immutable `Scenario`, or a `ScenarioError` naming the key.

Every key carries its unit in its name. Every optional feature defaults to off, so a file that does
not mention a feature behaves as if the feature did not exist. Every field carries a `description`
and reference metadata (`about`): docs/scenario-reference.md is generated from them by
`python -m sim.docs --write`, and `hotline-sim check FILE` shows a file with every default.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.common.limits import (
    MAX_DAYS,
    MAX_FILE_BYTES,
    MAX_HOURS,
    MAX_REPLICATIONS,
    MAX_SEED,
    MIN_HORIZON_DAYS,
)
from sim.common.messages import cut, shown
from sim.scenario.dotted import key_parts, set_dotted
from sim.scenario.intake import Dedup, Intake
from sim.scenario.section import NAME_PATTERN, ScenarioError, Section, about
from sim.scenario.takedown import Reuploads, Takedown
from sim.scenario.wording import describe_error
from sim.scenario.workforce import MAX_TEAMS, TEAM_NAME_PATTERN, Analysts, Assessment, Team, TeamSpec

FIRST_DATE, LAST_DATE = date(1990, 1, 1), date(2100, 12, 31)  # the range of `scenario.start_date`


class ScenarioMeta(Section):
    """`[scenario]`: name, horizon, warm-up, replications and seed."""

    name: str = Field(
        default="scenario",
        pattern=NAME_PATTERN,
        max_length=100,
        description="The scenario's name; it names the default output folder.",
        json_schema_extra=about(
            "text: letters, digits, spaces, `.`, `_`, `-`, starting with a letter or digit",
            default="in a file: the file's name, other characters replaced by `-`",
        ),
    )
    horizon_days: float = Field(
        ge=MIN_HORIZON_DAYS,
        le=MAX_DAYS,
        description="Simulated time, warm-up included; fractions of a day allowed.",
        json_schema_extra=about("days"),
    )
    warmup_days: float = Field(
        default=0.0,
        ge=0,
        description="Warm-up at the start of the horizon: nothing before it counts in the results.",
        json_schema_extra=about("days", valid="< `horizon_days`"),
    )
    replications: int = Field(
        default=10,
        ge=2,
        le=MAX_REPLICATIONS,
        description="Replications of the run.",
        json_schema_extra=about("count"),
    )
    seed: int = Field(
        default=1,
        ge=0,
        le=MAX_SEED,
        description="Seed of the run's random streams (one `numpy.random.SeedSequence(seed)` per run).",
    )
    start_date: date | None = Field(
        default=None,
        description=(
            "The calendar date of day 0: the week pattern (shift days, `intake.weekly_profile`) follows "
            "its real weekdays, `analysts.holidays` may be dates, and the results speak in dates "
            "(a `date` column in timeseries.csv and periods.csv; `plan` needs it)."
        ),
        json_schema_extra=about(
            "a date, YYYY-MM-DD (a TOML date or a string)",
            default="none: day 0 is a Monday and results count days",
            valid=f"from {FIRST_DATE} to {LAST_DATE}",
        ),
    )

    @field_validator("start_date", mode="before")
    @classmethod
    def _a_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value
            try:
                value = date.fromisoformat(text) if len(text) == 10 else None
            except ValueError:
                value = None
            if value is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(f"expected a calendar date, got {shown(text)} (no such day)")
            if value is None:
                raise ValueError(f"expected a date YYYY-MM-DD (e.g. 2021-01-01), got {shown(text)}")
        if isinstance(value, datetime):
            raise ValueError("expected a date YYYY-MM-DD without a time of day")
        if isinstance(value, date) and not FIRST_DATE <= value <= LAST_DATE:
            raise ValueError(f"expected a date from {FIRST_DATE} to {LAST_DATE}, got {value}")
        return value

    def date_of_day(self, day: float) -> date | None:
        """The calendar date of model day `day` (None without a start date)."""
        return None if self.start_date is None else self.start_date + timedelta(days=math.floor(day))

    @field_validator("warmup_days")
    @classmethod
    def _warmup_before_horizon(cls, warmup: float, info: ValidationInfo) -> float:
        horizon = info.data.get("horizon_days")
        if horizon is not None and warmup >= horizon:
            raise ValueError(f"expected warmup_days < horizon_days ({horizon}), got {warmup}")
        return warmup


class Sla(Section):
    """`[sla]`: service levels that are reported as shares."""

    assessment_hours: float = Field(
        default=24.0,
        gt=0,
        le=MAX_HOURS,
        description="Target time from arrival to the end of assessment (`sla_assessment_share`).",
        json_schema_extra=about("hours"),
    )
    sources: list[str] | None = Field(
        default=None,
        min_length=1,
        description=(
            "The sources whose reports count in `sla_assessment_share`: the service level a hotline "
            "promises the public and its partners, not its own searching."
        ),
        json_schema_extra=about(
            "source names",
            default="every source that is not `proactive` (all, if every source is)",
            valid="names of sources, each once",
        ),
    )


class Scenario(Section):
    """A whole, validated scenario. Immutable; use `with_values` for overrides."""

    scenario: ScenarioMeta = Field(description="Name, horizon, warm-up, replications and seed.")
    intake: Intake = Field(description="Where reports come from and how many.")
    dedup: Dedup = Field(default=Dedup(), description="Reports merged or fast-tracked before assessment.")
    analysts: Analysts | None = Field(
        default=None,
        description=(
            "The team, its shifts and what takes it away from the queue (one team, who may assess "
            "every source's reports)."
        ),
        json_schema_extra=about(default="13 analysts on weekdays 08:00-16:00, unless `[teams]` is given"),
    )
    teams: dict[str, Team] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_TEAMS,
        description=(
            "Several teams instead of `[analysts]`, one table per team name: each has the keys of "
            "`[analysts]` plus `skills` and `speed`. A free member takes the next report among the "
            "sources its team is skilled for (priority class, then first in, first out); a report "
            "that several teams may assess goes to whoever is free first (the team listed first "
            "when several are)."
        ),
        json_schema_extra=about(
            "team tables",
            key="TEAM",
            default="none: `[analysts]` is the one team",
            valid=(
                f"not together with `[analysts]`; at most {MAX_TEAMS} teams; names of letters, digits "
                "and `_`, starting with a letter; every source a skill of at least one team"
            ),
        ),
    )
    assessment: Assessment = Field(description="How long an assessment takes.")
    takedown: Takedown = Field(
        default=Takedown(), description="Notices, removal delays, follow-ups and escalation."
    )
    reuploads: Reuploads = Field(default=Reuploads(), description="Removed pages that come back.")
    sla: Sla = Field(default=Sla(), description="Service levels reported as shares.")

    @model_validator(mode="before")
    @classmethod
    def _one_kind_of_team(cls, data: Any) -> Any:
        """`[analysts]` or `[teams]`, not both; neither means the default `[analysts]`."""
        if not isinstance(data, dict):
            return data
        if "teams" in data and "analysts" in data:
            raise ValueError(
                ".analysts: expected either [analysts] (one team) or [teams.NAME] tables (several), "
                "not both; move the analysts' keys into a [teams.analysts] table"
            )
        if "teams" not in data and "analysts" not in data:
            return {**data, "analysts": {}}
        return data

    @model_validator(mode="before")
    @classmethod
    def _holiday_dates(cls, data: Any) -> Any:
        """Holidays given as dates become day numbers from `scenario.start_date`, in `[analysts]`
        and in every `[teams.NAME]`."""
        if not isinstance(data, dict):
            return data
        meta = data.get("scenario")
        start = meta.get("start_date") if isinstance(meta, dict) else None
        if isinstance(start, str):
            try:
                start = date.fromisoformat(start)
            except ValueError:
                return data  # the start date's own error is reported
        team = data.get("analysts")
        if isinstance(team, dict):
            data = {**data, "analysts": _dated_holidays(team, start, "analysts")}
        teams = data.get("teams")
        if isinstance(teams, dict):
            data = {
                **data,
                "teams": {
                    name: _dated_holidays(team, start, f"teams.{name}") if isinstance(team, dict) else team
                    for name, team in teams.items()
                },
            }
        return data

    @field_validator("teams")
    @classmethod
    def _team_names(cls, teams: dict[str, Team] | None) -> dict[str, Team] | None:
        for name in teams or {}:
            if not re.match(TEAM_NAME_PATTERN, name):
                raise ValueError(
                    f"expected team names of letters, digits and '_', starting with a letter, at most 40 "
                    f"characters (they are part of metric names); got {shown(name)}"
                )
        return teams

    @model_validator(mode="after")
    def _teams_cover_sources(self) -> Scenario:
        sources = list(self.intake.sources)
        known = ", ".join(sources)
        for name, team in (self.teams or {}).items():
            for index, skill in enumerate(team.skills or []):
                if skill not in self.intake.sources:
                    raise ValueError(
                        f".teams.{name}.skills[{index}]: expected one of the sources ({known}), "
                        f"got {shown(skill)}"
                    )
        specs = self.team_specs
        for source in sources:
            skilled = [spec for spec in specs if source in spec.skills]
            if not skilled:
                raise ValueError(
                    f".teams: expected every source to be a skill of at least one team, but no team may "
                    f"assess {shown(source)} (add it to a team's `skills`)"
                )
            staffed = [spec for spec in skilled if spec.ever_staffed]
            if not staffed:
                raise ValueError(
                    f".{skilled[0].key}.count: expected members: {skilled[0].name!r} is the only team "
                    f"skilled for {shown(source)}, and it has 0 analysts and no hires, so no report of "
                    f"{shown(source)} would ever be assessed"
                )
        chosen = self.takedown.recheck_team
        if chosen is not None and chosen not in [spec.name for spec in specs]:
            names = ", ".join(spec.name for spec in specs)
            raise ValueError(
                f".takedown.recheck_team: expected one of the teams ({names}), got {shown(chosen)}"
            )
        return self

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
        chosen = self.sla.sources or []
        for index, name in enumerate(chosen):
            if name not in self.intake.sources:
                known = ", ".join(sorted(self.intake.sources))
                raise ValueError(
                    f".sla.sources[{index}]: expected one of the sources ({known}), got {shown(name)}"
                )
            if name in chosen[:index]:
                raise ValueError(f".sla.sources[{index}]: expected each source once, got {shown(name)} again")
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
    def sla_sources(self) -> list[str]:
        """The sources whose reports count in `sla_assessment_share`, in the file's order of
        sources: `sla.sources`, else every source that is not proactive (all, if every one is)."""
        sources = self.intake.sources
        if self.sla.sources is not None:
            return [name for name in sources if name in self.sla.sources]
        return [name for name, s in sources.items() if not s.is_proactive] or list(sources)

    @property
    def team_specs(self) -> list[TeamSpec]:
        """The teams, in the file's order: `[analysts]` as one team named `analysts` who may assess
        every source at speed 1, or each `[teams.NAME]`."""
        sources = tuple(self.intake.sources)
        if self.teams is None:
            return [TeamSpec("analysts", "analysts", self.analysts or Analysts(), sources, 1.0)]
        return [
            TeamSpec(
                name,
                f"teams.{name}",
                team,
                tuple(s for s in sources if team.skills is None or s in team.skills),
                team.speed,
            )
            for name, team in self.teams.items()
        ]

    def team_spec(self, key: str) -> TeamSpec:
        """The team a dotted key is of (`analysts.count`, `teams.triage.schedule[0].analysts`);
        KeyError when the key names no team of the scenario."""
        for spec in self.team_specs:
            if key == spec.key or key.startswith(spec.key + ".") or key.startswith(spec.key + "["):
                return spec
        raise KeyError(key)

    def recheck_team_of_source(self) -> list[int]:
        """The index of the team that does the re-checks of a page, per source of the page (in the
        file's order): `takedown.recheck_team`, else the first team skilled for the source."""
        specs = self.team_specs
        chosen = self.takedown.recheck_team
        if chosen is not None:
            index = [spec.name for spec in specs].index(chosen)
            return [index for _ in self.intake.sources]
        return [
            next(k for k, spec in enumerate(specs) if source in spec.skills) for source in self.intake.sources
        ]

    @property
    def weekday_of_day0(self) -> int:
        """The weekday of day 0 (Monday 0 ... Sunday 6): `scenario.start_date`'s, else Monday."""
        start = self.scenario.start_date
        return 0 if start is None else start.weekday()

    @property
    def holidays_caveat(self) -> str | None:
        """A caveat when the run goes on past the listed holidays: with a start date, into a
        calendar year after the last listed holiday's; without one, more than a year after it (a
        multi-year run of a file that lists one year's bank holidays). The later days then have no
        holidays, so the team works more days than in the listed years. None otherwise."""
        for spec in self.team_specs:
            caveat = self._holidays_caveat(spec.section.holidays, spec.key)
            if caveat is not None:
                return caveat
        return None

    def _holidays_caveat(self, holidays: list[int], key: str) -> str | None:
        meta = self.scenario
        if not holidays:
            return None
        last, end = max(holidays), math.ceil(meta.horizon_days) - 1
        if meta.start_date is not None:
            last_date = meta.start_date + timedelta(days=last)
            end_date = meta.start_date + timedelta(days=end)
            if end_date.year <= last_date.year:
                return None
            where = f"on {last_date}, and the run goes on to {end_date}"
        else:
            if last >= meta.horizon_days - 365:  # within the last year of the run
                return None
            where = f"on day {last}, and the run goes on to day {end}"
        return (
            f"{key}.holidays: the last holiday listed is {where}; after it no day is a holiday, so "
            "the team has more working days than in the listed years (add the later years' holidays "
            "if they matter)"
        )

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
        """A new scenario with dotted keys replaced (`{"analysts.count": 17}`), validated again.

        Holidays are real dates: when `scenario.start_date` moves and `analysts.holidays` is not
        given too, they stay on their dates (those before the new day 0 are dropped), not on their
        day numbers."""
        self._refuse_new_teams(overrides, source)
        data = self.to_dict()
        for spec in self.team_specs:
            moved = self._holidays_as_dates(overrides, spec)
            if moved is not None:
                set_dotted(data, f"{spec.key}.holidays", moved)
        for key, value in overrides.items():
            set_dotted(data, key, value)
        return scenario_from_dict(data, source)

    def _refuse_new_teams(self, overrides: dict[str, Any], source: str) -> None:
        """ScenarioError for a key inside a team the file does not have (`teams.taskforces.count`
        for `taskforce`): every team key has a default, so a misspelt name would quietly add a
        team of 13 who may assess every source. A new team is added in the file (or by setting
        the whole `teams` table)."""
        if self.teams is None:
            return
        problems = []
        for key in overrides:
            parts = key_parts(key)
            if len(parts) > 2 and parts[0] == "teams" and parts[1] not in self.teams:
                named = ", ".join(self.teams)
                close = difflib.get_close_matches(str(parts[1]), list(self.teams), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.append(
                    f"teams.{parts[1]}: expected one of the file's teams ({named}), got {parts[1]!r}{hint} "
                    "(a new team is added in the file, not by one of its keys)"
                )
        if problems:
            raise ScenarioError(source, problems)

    def _holidays_as_dates(self, overrides: dict[str, Any], spec: TeamSpec) -> list[date] | None:
        """A team's holidays as dates on or after the new start date when `overrides` move a start
        date and leave the holidays alone; None otherwise (a new start that is not a date is left
        for validation to report)."""
        old, holidays = self.scenario.start_date, spec.section.holidays
        if old is None or not holidays or f"{spec.key}.holidays" in overrides:
            return None
        if "scenario.start_date" not in overrides:
            return None
        new = overrides["scenario.start_date"]
        if isinstance(new, str):
            try:
                new = date.fromisoformat(new)
            except ValueError:
                return None
        if not isinstance(new, date) or isinstance(new, datetime):
            return None
        return [day for day in (old + timedelta(days=h) for h in holidays) if day >= new]


def _dated_holidays(team: dict[str, Any], start: Any, key: str) -> dict[str, Any]:
    """A team table with its holidays given as dates turned into day numbers from `start`."""
    holidays = team.get("holidays")
    if not isinstance(holidays, list) or not any(isinstance(h, str | date) for h in holidays):
        return team
    days = []
    for index, value in enumerate(holidays):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value) if len(value) == 10 else value
            except ValueError:
                pass
        if isinstance(value, datetime) or isinstance(value, str):
            raise ValueError(
                f".{key}.holidays[{index}]: expected a day number or a date YYYY-MM-DD, got {shown(value)}"
            )
        if isinstance(value, date):
            if not isinstance(start, date):
                raise ValueError(
                    f".{key}.holidays[{index}]: a date ({value}) needs scenario.start_date, the "
                    "date of day 0; without one give day numbers"
                )
            value = (value - start).days
            if value < 0:
                raise ValueError(
                    f".{key}.holidays[{index}]: expected a date on or after scenario.start_date "
                    f"({start}), got {holidays[index]}"
                )
        days.append(value)
    return {**team, "holidays": days}


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
        problems = [describe_error(error, data, Scenario) for error in exc.errors()]
        raise ScenarioError(source, problems) from None

"""The what-if of a run in words: the scenario keys a run changed from its file (by `--set`, or by
the Python API), each with its value in the file and the value used, and every key's label in
plain words with its unit.

>>> key_words("sla.assessment_hours"), key_words("intake.sources.public.reports_per_day")
('service level: hours to assessment', 'public reports a day')
>>> key_words("takedown.routes.partner_hotline.removal_hours.mean")
'partner hotline route: removal hours, mean'
>>> key_words("analysts.schedule[1].analysts")
'analysts on shift 2 of the rota'
>>> key_words("dedup.hash_match_share.start")
'dedup: hash match share, start'
>>> key_words("teams.triage.count"), key_words("teams.triage.schedule[0].analysts")
('analysts in team triage', 'team triage: analysts on shift 1 of the rota')
>>> change_words([Change("sla.assessment_hours", 24, 72), Change("analysts.count", 13, 15)])
'service level: hours to assessment 24 → 72; analysts in the team 13 → 15'
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sim.common.messages import cut

# keys whose last part alone does not say what they are
KEY_WORDS = {
    "analysts.count": "analysts in the team",
    "analysts.schedule": "analysts' rota",
    "analysts.absence_share": "share of duty days lost to absence",
    "analysts.max_viewing_hours_per_day": "viewing cap (hours a day)",
    "analysts.holidays": "holidays",
    "intake.volume_multiplier": "report volume (× the file's)",
    "intake.growth_per_year": "growth in reports a year (share)",
    "sla.assessment_hours": "service level: hours to assessment",
    "sla.sources": "sources the service level counts",
    "scenario.horizon_days": "horizon (days)",
    "scenario.warmup_days": "warm-up (days)",
    "scenario.start_date": "start date",
    "scenario.name": "scenario name",
    "takedown.follow_up_hours": "takedown follow-up (hours)",
    "reuploads.share": "share of removed pages re-uploaded",
}
# words for the last part of a key, where its name is not already words
PART_WORDS = {
    "reports_per_day": "reports a day",
    "finds_per_search_hour": "finds per searching hour",
    "share_actionable": "share actionable",
}


def key_words(key: str) -> str:
    """A scenario key in plain words with its unit (for a person; the key itself may follow)."""
    if key in KEY_WORDS:
        return KEY_WORDS[key]
    team = re.fullmatch(r"teams\.(\w+)\.(.+)", key)
    if team:  # a key of one team of several: its `analysts.` words, said of the team
        words = key_words(f"analysts.{team[2]}")
        if team[2] == "count":
            return f"analysts in team {team[1]}"
        if team[2] == "speed":
            return f"speed of team {team[1]} (× the assessment rate)"
        if team[2] == "skills":
            return f"sources team {team[1]} may assess"
        words = words.removeprefix("analysts: ")  # (`analysts.breaks.every_minutes`: said of the team)
        return f"team {team[1]}: {words.replace('the team', 'it')}"
    shift = re.fullmatch(r"analysts\.schedule\[(\d+)\]\.(\w+)", key)
    if shift:
        what = "analysts" if shift[2] == "analysts" else shift[2].replace("_", " ")
        return f"{what} on shift {int(shift[1]) + 1} of the rota"
    parts = key.split(".")
    if len(parts) >= 4 and parts[0] == "intake" and parts[1] == "sources":
        last = ".".join(parts[3:])
        return f"{parts[2]} {PART_WORDS.get(last, last.replace('_', ' '))}"
    if len(parts) >= 4 and parts[0] == "takedown" and parts[1] in ("routes", "hosts"):
        owner = parts[2].replace("_", " ") + (" route" if parts[1] == "routes" else "")
        rest = ", ".join(p.replace("_", " ") for p in parts[3:])
        return f"{owner}: {rest}"
    if len(parts) == 1:
        return PART_WORDS.get(key, key.replace("_", " "))
    # every part after the section (`dedup.hash_match_share.start`: "dedup: hash match share, start")
    words = ", ".join(PART_WORDS.get(part, part.replace("_", " ")) for part in parts[1:])
    return f"{parts[0]}: {words}"


def show_value(value: Any) -> str:
    """A scenario value in a cell or a sentence: numbers as numbers, tables as compact TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {show_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


@dataclass(frozen=True)
class Change:
    """One key changed from the scenario file: its value there (None: not given, the default) and
    the value used."""

    key: str
    was: Any
    now: Any

    def words(self) -> str:
        """`label was → now` in a planner's words (long lists of holidays as their counts and the
        days added and removed)."""
        if self.key.endswith("holidays") and isinstance(self.was, list) and isinstance(self.now, list):
            if max(len(self.was), len(self.now)) > 3:
                return f"{key_words(self.key)} {_days_changed(self.was, self.now)}"
        was, now = ("(not set)" if v is None else cut(show_value(v), 160) for v in (self.was, self.now))
        return f"{key_words(self.key)} {was} → {now}"

    def as_dict(self) -> dict[str, Any]:
        """For the manifest: key, was (the file's value) and now (the value used)."""
        return {"key": self.key, "was": self.was, "now": self.now}


def _days_changed(was: list[Any], now: list[Any]) -> str:
    """Two lists of days (dates or day numbers) as `N days → M days (added ...; removed ...)`."""
    added = sorted(set(now) - set(was), key=str)
    removed = sorted(set(was) - set(now), key=str)
    parts = [
        f"{what} {cut(show_value(days), 160)}"
        for what, days in (("added", added), ("removed", removed))
        if days
    ]
    return f"{len(was)} days → {len(now)} days" + (f" ({'; '.join(parts)})" if parts else " (reordered)")


def _dated_holidays(data: dict[str, Any]) -> dict[str, Any]:
    """Resolved scenario data with every team's holidays as dates (ISO text), from its start
    date: holidays are dates, and their day numbers all move when the start date does."""
    day0 = date.fromisoformat((data.get("scenario") or {})["start_date"])
    data = copy.deepcopy(data)
    for team in [data.get("analysts"), *(data.get("teams") or {}).values()]:
        if isinstance(team, dict) and isinstance(team.get("holidays"), list):
            team["holidays"] = [(day0 + timedelta(days=int(day))).isoformat() for day in team["holidays"]]
    return data


def _follows_the_start(change: Change, file_data: dict[str, Any], used: dict[str, Any]) -> bool:
    """Whether `change` is a team's holidays that only lost the dates before a new start date (as
    `Scenario.with_values` moves them): no change of its own."""
    start = (used.get("scenario") or {}).get("start_date")
    if not change.key.endswith("holidays") or start == (file_data.get("scenario") or {}).get("start_date"):
        return False
    if not isinstance(change.was, list) or not isinstance(change.now, list) or not isinstance(start, str):
        return False
    if not all(isinstance(day, str) for day in [*change.was, *change.now]):
        return False
    return change.now == [day for day in change.was if day >= start]


def _leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted leaves of resolved scenario data; lists (a rota, holidays, hosts) are one leaf each."""
    if isinstance(data, dict) and data:
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(_leaves(value, f"{prefix}{key}."))
        return found
    return {prefix.rstrip("."): data}


def _where_apart(file_data: dict[str, Any], used: dict[str, Any], key: str) -> str:
    """The shortest dotted prefix of `key` at which the two sides part: missing on one side, or a
    table on one and not the other (a shift table replaced by a list of shifts)."""
    was: Any = file_data
    now: Any = used
    parts = key.split(".")
    for depth, part in enumerate(parts, start=1):
        was = was.get(part) if isinstance(was, dict) else None
        now = now.get(part) if isinstance(now, dict) else None
        if was is None or now is None or isinstance(was, dict) != isinstance(now, dict):
            return ".".join(parts[:depth])
    return key


def _value_at(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def changed_keys(file_data: dict[str, Any], used: dict[str, Any]) -> list[Change]:
    """The keys whose value in `used` differs from `file_data` (both resolved scenario data, as
    `Scenario.to_dict` gives them), in the order of `used`; a key given on one side only, or a
    table replaced by a value, is one change of the whole key where the two part.

    >>> changed_keys({"a": {"s": {"d": "mon"}}}, {"a": {"s": ["x", "y"]}})
    [Change(key='a.s', was={'d': 'mon'}, now=['x', 'y'])]
    """
    was, now = _leaves(file_data), _leaves(used)
    keys = [key for key, value in now.items() if was.get(key) != value or key not in was]
    keys += [key for key in was if key not in now]
    changes: dict[str, Change] = {}
    for key in keys:
        if key in was and key in now:
            changes[key] = Change(key, was[key], now[key])
            continue
        apart = _where_apart(file_data, used, key)
        changes.setdefault(apart, Change(apart, _value_at(file_data, apart), _value_at(used, apart)))
    return list(changes.values())


def changed_from_file(scenario: Any, path: Path | None) -> list[Change]:
    """What `scenario` (a validated Scenario) changed from the scenario file at `path`: none when
    there is no file or it no longer loads as it did."""
    if path is None or not Path(path).is_file():
        return []
    from sim.scenario.schema import load_scenario

    try:
        original = load_scenario(path)
    except (OSError, ValueError):
        return []
    file_data, used = original.to_dict(), scenario.to_dict()
    starts = [(data.get("scenario") or {}).get("start_date") for data in (file_data, used)]
    if all(isinstance(start, str) for start in starts):  # (without one on both sides, day numbers stay)
        file_data, used = _dated_holidays(file_data), _dated_holidays(used)
    return [c for c in changed_keys(file_data, used) if not _follows_the_start(c, file_data, used)]


def change_words(changes: list[Change]) -> str:
    """The changes in one line: `label was → now; ...` (empty when nothing changed)."""
    return "; ".join(change.words() for change in changes)

"""The what-if of a run in words: the scenario keys a run changed from its file (by `--set`, or by
the Python API), each with its value in the file and the value used, and every key's label in
plain words with its unit.

>>> key_words("sla.assessment_hours"), key_words("intake.sources.public.reports_per_day")
('service level: hours to assessment', 'public reports a day')
>>> key_words("takedown.routes.partner_hotline.removal_hours.mean")
'partner hotline route: removal hours, mean'
>>> key_words("analysts.schedule[1].analysts")
'analysts on shift 2 of the rota'
>>> change_words([Change("sla.assessment_hours", 24, 72), Change("analysts.count", 13, 15)])
'service level: hours to assessment 24 → 72; analysts in the team 13 → 15'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    section, last = (parts[0], parts[-1]) if len(parts) > 1 else ("", parts[0])
    words = PART_WORDS.get(last, last.replace("_", " "))
    return f"{section}: {words}" if section else words


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
        """`label was → now` in a planner's words."""
        was = "(not set)" if self.was is None else cut(show_value(self.was), 60)
        return f"{key_words(self.key)} {was} → {cut(show_value(self.now), 60)}"

    def as_dict(self) -> dict[str, Any]:
        """For the manifest: key, was (the file's value) and now (the value used)."""
        return {"key": self.key, "was": self.was, "now": self.now}


def _leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted leaves of resolved scenario data; lists (a rota, holidays, hosts) are one leaf each."""
    if isinstance(data, dict) and data:
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(_leaves(value, f"{prefix}{key}."))
        return found
    return {prefix.rstrip("."): data}


def changed_keys(file_data: dict[str, Any], used: dict[str, Any]) -> list[Change]:
    """The keys whose value in `used` differs from `file_data` (both resolved scenario data, as
    `Scenario.to_dict` gives them), in the order of `used`."""
    was, now = _leaves(file_data), _leaves(used)
    return [Change(key, was.get(key), value) for key, value in now.items() if was.get(key) != value] + [
        Change(key, value, None) for key, value in was.items() if key not in now
    ]


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
    return changed_keys(original.to_dict(), scenario.to_dict())


def change_words(changes: list[Change]) -> str:
    """The changes in one line: `label was → now; ...` (empty when nothing changed)."""
    return "; ".join(change.words() for change in changes)

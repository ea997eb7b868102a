"""Bad input for the workforce keys: breaks, viewing cap, absence, windows, changes, holidays, surges,
the starting backlog and the source keys (kind, proactive searching, priority).

Every case starts from one valid file that uses every new key (FULL: two Poisson sources and a
proactive one, two capacity windows, two headcount changes and two surges, so list indices and
source names appear in the key paths), breaks one thing, writes the file with `tomli_w` and loads
it the way the command line does (`load_scenario`): validation only, nothing is simulated. A few
cases also go through the real `hotline-sim run` / `check` for the exit code and for nothing
written. The expected message format (sim/scenario/wording.py) is

    <file>: invalid scenario (N problem(s))
      <dotted.key.path>: <what is wrong>; got <value>
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from sim.scenario.schema import load_scenario, scenario_from_dict
from sim.scenario.section import ScenarioError
from tests.conftest import hotline_sim_here
from tests.scenario_edits import (
    EXIT_INVALID,
    assert_invalid_message,
    broken_data,
    broken_file,
    drop,
    put,
    rename,
    resolved,
    write_scenario,
)

PROACTIVE: dict[str, Any] = {
    "kind": "proactive",
    "actionable_share": 0.6,
    "search_share": 0.2,
    "finds_per_search_hour": 1.5,
}

# A short, valid scenario using every workforce key (none at its default).
FULL: dict[str, Any] = {
    "scenario": {"name": "workforce", "horizon_days": 4, "warmup_days": 1, "replications": 2, "seed": 7},
    "intake": {
        "initial_backlog": 40,
        "sources": {
            "public": {"reports_per_day": 3000.0, "actionable_share": 0.5, "priority": 1},
            "referral": {"kind": "poisson", "reports_per_day": 40.0, "actionable_share": 0.8},
            "search": {**PROACTIVE, "search_when_idle": True, "search_block_minutes": 45.0, "priority": 2},
        },
        "surges": [
            {"start_day": 1, "end_day": 1.5, "multiplier": 2.0},
            {"start_day": 2.25, "end_day": 2.75, "multiplier": 3.0, "sources": ["referral"]},
        ],
    },
    "analysts": {
        "count": 13,
        "schedule": "24/7",
        "breaks": {"every_minutes": 90, "length_minutes": 10},
        "max_viewing_hours_per_day": 6,
        "absence_share": 0.05,
        "capacity_windows": [
            {"start_day": 0.5, "end_day": 1, "available_share": 0.8},
            {"start_day": 1, "end_day": 2.5, "available_share": 0.5},
        ],
        "changes": [
            {"day": 1, "count_delta": 2, "ramp_days": 0.5},
            {"day": 2, "count_delta": -3},
        ],
        "holidays": [2],
    },
    "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
}


WORKFORCE_KEYS = (
    "breaks",
    "max_viewing_hours_per_day",
    "absence_share",
    "capacity_windows",
    "changes",
    "holidays",
)
SEARCH_KEYS = ("search_share", "finds_per_search_hour", "search_when_idle", "search_block_minutes")
ANALYSTS_KEYS = (
    "absence_share, breaks, capacity_windows, changes, cost_per_year, count, currency, holidays, "
    "max_viewing_hours_per_day, schedule"
)


def analysts(*steps: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    return put("analysts", *steps, value=value)


def source(name: str, *steps: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    return put("intake", "sources", name, *steps, value=value)


def surge(*steps: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    return put("intake", "surges", *steps, value=value)


# (id, mutation, dotted key path expected in the message, text expected on that key's line, problems)
Case = tuple[str, Callable[[dict[str, Any]], None], str, str, int]

BREAKS_CASES: list[Case] = [
    ("breaks-not-a-table", analysts("breaks", value=15), "analysts.breaks", "expected a table; got 15", 1),
    (
        "breaks-every-zero",
        analysts("breaks", "every_minutes", value=0),
        "analysts.breaks.every_minutes",
        "expected greater than or equal to 1; got 0",
        1,
    ),
    (
        "breaks-length-negative",
        analysts("breaks", "length_minutes", value=-5),
        "analysts.breaks.length_minutes",
        "expected greater than or equal to 1; got -5",
        1,
    ),
    (
        "breaks-every-as-string",
        analysts("breaks", "every_minutes", value="90"),
        "analysts.breaks.every_minutes",
        "expected a valid number; got '90'",
        1,
    ),
    (
        "breaks-length-missing",
        drop("analysts", "breaks", "length_minutes"),
        "analysts.breaks.length_minutes",
        "missing (a required key)",
        1,
    ),
    (
        "breaks-every-missing",
        drop("analysts", "breaks", "every_minutes"),
        "analysts.breaks.every_minutes",
        "missing (a required key)",
        1,
    ),
    (
        "breaks-key-misspelt",
        rename("analysts", "breaks", "length_minutes", to="lenght_minutes"),
        "analysts.breaks.lenght_minutes",
        "unknown key; did you mean 'length_minutes'?",
        2,  # the misspelt key, and `length_minutes` now missing
    ),
]

VIEWING_AND_ABSENCE_CASES: list[Case] = [
    (
        "viewing-cap-zero",
        analysts("max_viewing_hours_per_day", value=0),
        "analysts.max_viewing_hours_per_day",
        "expected greater than 0; got 0",
        1,
    ),
    (
        "viewing-cap-above-24",
        analysts("max_viewing_hours_per_day", value=25),
        "analysts.max_viewing_hours_per_day",
        "expected less than or equal to 24; got 25",
        1,
    ),
    (
        "viewing-cap-as-string",
        analysts("max_viewing_hours_per_day", value="6h"),
        "analysts.max_viewing_hours_per_day",
        "got '6h'",
        1,
    ),
    (
        "viewing-cap-nan",
        analysts("max_viewing_hours_per_day", value=math.nan),
        "analysts.max_viewing_hours_per_day",
        "expected a finite number; got nan",
        1,
    ),
    (
        "viewing-cap-misspelt",
        rename("analysts", "max_viewing_hours_per_day", to="max_viewing_hour_per_day"),
        "analysts.max_viewing_hour_per_day",
        "unknown key; did you mean 'max_viewing_hours_per_day'?",
        1,
    ),
    (
        "absence-share-above-1",
        analysts("absence_share", value=1.5),
        "analysts.absence_share",
        "expected less than or equal to 1; got 1.5",
        1,
    ),
    (
        "absence-share-negative",
        analysts("absence_share", value=-0.1),
        "analysts.absence_share",
        "expected greater than or equal to 0; got -0.1",
        1,
    ),
    (
        "absence-share-as-percent-string",
        analysts("absence_share", value="5%"),
        "analysts.absence_share",
        "got '5%'",
        1,
    ),
    (
        "absence-share-misspelt",
        rename("analysts", "absence_share", to="absense_share"),
        "analysts.absense_share",
        "unknown key; did you mean 'absence_share'?",
        1,
    ),
    (
        "analysts-unknown-key-no-close-match",
        analysts("overtime", value=5),
        "analysts.overtime",
        f"unknown key (expected one of: {ANALYSTS_KEYS})",
        1,
    ),
]

WINDOW_CASES: list[Case] = [
    (
        "windows-not-a-list",
        analysts("capacity_windows", value={"start_day": 1, "end_day": 2, "available_share": 0.5}),
        "analysts.capacity_windows",
        "expected a list; got a table",
        1,
    ),
    (
        "window-end-equals-start",
        analysts("capacity_windows", 1, "end_day", value=1),
        "analysts.capacity_windows[1].end_day",
        "expected end_day > start_day (1.0), got 1",
        1,
    ),
    (
        "window-end-before-start",
        analysts("capacity_windows", 1, "end_day", value=0.5),
        "analysts.capacity_windows[1].end_day",
        "expected end_day > start_day (1.0), got 0.5",
        1,
    ),
    (
        "window-start-negative",
        analysts("capacity_windows", 1, "start_day", value=-1),
        "analysts.capacity_windows[1].start_day",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "window-share-above-1",
        analysts("capacity_windows", 1, "available_share", value=1.2),
        "analysts.capacity_windows[1].available_share",
        "expected less than or equal to 1; got 1.2",
        1,
    ),
    (
        "window-share-negative",
        analysts("capacity_windows", 0, "available_share", value=-0.5),
        "analysts.capacity_windows[0].available_share",
        "expected greater than or equal to 0; got -0.5",
        1,
    ),
    (
        "window-share-missing",
        drop("analysts", "capacity_windows", 1, "available_share"),
        "analysts.capacity_windows[1].available_share",
        "missing (a required key)",
        1,
    ),
    (
        "window-start-as-string",
        analysts("capacity_windows", 1, "start_day", value="monday"),
        "analysts.capacity_windows[1].start_day",
        "got 'monday'",
        1,
    ),
    (
        "window-key-misspelt",
        rename("analysts", "capacity_windows", 1, "available_share", to="available_shares"),
        "analysts.capacity_windows[1].available_shares",
        "unknown key; did you mean 'available_share'?",
        2,
    ),
]

CHANGE_CASES: list[Case] = [
    (
        "change-day-fractional",
        analysts("changes", 1, "day", value=1.5),
        "analysts.changes[1].day",
        "expected a valid integer; got 1.5",
        1,
    ),
    (
        "change-day-negative",
        analysts("changes", 1, "day", value=-1),
        "analysts.changes[1].day",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "change-delta-zero",
        analysts("changes", 1, "count_delta", value=0),
        "analysts.changes[1].count_delta",
        "expected a non-zero count_delta",
        1,
    ),
    (
        "change-delta-fractional",
        analysts("changes", 0, "count_delta", value=2.5),
        "analysts.changes[0].count_delta",
        "expected a valid integer; got 2.5",
        1,
    ),
    (
        "change-delta-missing",
        drop("analysts", "changes", 1, "count_delta"),
        "analysts.changes[1].count_delta",
        "missing (a required key)",
        1,
    ),
    (
        "change-ramp-negative",
        analysts("changes", 0, "ramp_days", value=-1),
        "analysts.changes[0].ramp_days",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "change-ramp-as-string",
        analysts("changes", 0, "ramp_days", value="2 weeks"),
        "analysts.changes[0].ramp_days",
        "got '2 weeks'",
        1,
    ),
    (
        "change-key-misspelt",
        rename("analysts", "changes", 1, "count_delta", to="count_detla"),
        "analysts.changes[1].count_detla",
        "unknown key; did you mean 'count_delta'?",
        2,
    ),
    (
        # 13 + 2 on day 1, then -16 on day 2: -1
        "team-below-zero",
        analysts("changes", 1, "count_delta", value=-16),
        "analysts.changes",
        "expected the team never below 0 or above 1,000 analysts, got -1 from day 2",
        1,
    ),
    (
        # in file order 13 + 20 - 14 never goes below 0; in day order 13 - 14 on day 2 does
        "team-below-zero-in-day-order",
        analysts("changes", value=[{"day": 5, "count_delta": 20}, {"day": 2, "count_delta": -14}]),
        "analysts.changes",
        "expected the team never below 0 or above 1,000 analysts, got -1 from day 2",
        1,
    ),
]

HOLIDAY_CASES: list[Case] = [
    (
        "holiday-negative",
        analysts("holidays", value=[2, -1]),
        "analysts.holidays[1]",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "holiday-fractional",
        analysts("holidays", value=[2, 2.5]),
        "analysts.holidays[1]",
        "expected a valid integer; got 2.5",
        1,
    ),
    (
        "holidays-as-date-string",
        analysts("holidays", value="2018-12-25"),
        "analysts.holidays",
        "expected a list; got '2018-12-25'",
        1,
    ),
    (
        "holidays-misspelt",
        rename("analysts", "holidays", to="holiday"),
        "analysts.holiday",
        "unknown key; did you mean 'holidays'?",
        1,
    ),
]

SURGE_CASES: list[Case] = [
    (
        "surges-not-a-list",
        put("intake", "surges", value={"start_day": 1, "end_day": 2, "multiplier": 2.0}),
        "intake.surges",
        "expected a list; got a table",
        1,
    ),
    (
        "surge-start-negative",
        surge(1, "start_day", value=-1),
        "intake.surges[1].start_day",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "surge-end-equals-start",
        surge(1, "end_day", value=2.25),
        "intake.surges[1].end_day",
        "expected end_day > start_day (2.25), got 2.25",
        1,
    ),
    (
        "surge-end-before-start",
        surge(0, "end_day", value=0.5),
        "intake.surges[0].end_day",
        "expected end_day > start_day (1.0), got 0.5",
        1,
    ),
    (
        "surge-start-not-on-an-hour",
        surge(1, "start_day", value=2.01),
        "intake.surges[1].start_day",
        "expected a day on a whole hour (a multiple of 1/24), got 2.01",
        1,
    ),
    (
        "surge-end-not-on-an-hour",
        surge(1, "end_day", value=2.3),
        "intake.surges[1].end_day",
        "expected a day on a whole hour (a multiple of 1/24), got 2.3",
        1,
    ),
    (
        "surge-multiplier-negative",
        surge(1, "multiplier", value=-1.0),
        "intake.surges[1].multiplier",
        "expected greater than or equal to 0; got -1.0",
        1,
    ),
    (
        "surge-multiplier-as-string",
        surge(0, "multiplier", value="x2"),
        "intake.surges[0].multiplier",
        "got 'x2'",
        1,
    ),
    (
        "surge-multiplier-missing",
        drop("intake", "surges", 0, "multiplier"),
        "intake.surges[0].multiplier",
        "missing (a required key)",
        1,
    ),
    (
        "surge-source-not-a-source",
        surge(1, "sources", value=["referral", "emial"]),
        "intake.surges[1].sources",
        "expected names of Poisson sources (public, referral), got 'emial'",
        1,
    ),
    (
        "surge-source-is-proactive",
        surge(1, "sources", value=["search"]),
        "intake.surges[1].sources",
        "expected names of Poisson sources (public, referral), got 'search'",
        1,
    ),
    (
        "surge-sources-empty",  # an empty list would surge nothing; leave the key out for all sources
        surge(1, "sources", value=[]),
        "intake.surges[1].sources",
        "expected at least 1 entry; got a list of 0",
        1,
    ),
    (
        "surge-sources-as-string",
        surge(1, "sources", value="referral"),
        "intake.surges[1].sources",
        "expected a list; got 'referral'",
        1,
    ),
    (
        "surge-key-misspelt",
        rename("intake", "surges", 1, "multiplier", to="multipler"),
        "intake.surges[1].multipler",
        "unknown key; did you mean 'multiplier'?",
        2,
    ),
]

BACKLOG_CASES: list[Case] = [
    (
        "backlog-negative",
        put("intake", "initial_backlog", value=-1),
        "intake.initial_backlog",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "backlog-fractional",
        put("intake", "initial_backlog", value=10.5),
        "intake.initial_backlog",
        "expected a valid integer; got 10.5",
        1,
    ),
    (
        "backlog-as-string",
        put("intake", "initial_backlog", value="100"),
        "intake.initial_backlog",
        "got '100'",
        1,
    ),
    (
        "backlog-misspelt",
        rename("intake", "initial_backlog", to="inital_backlog"),
        "intake.inital_backlog",
        "unknown key; did you mean 'initial_backlog'?",
        1,
    ),
]

SOURCE_CASES: list[Case] = [
    (
        "kind-unknown",
        source("referral", "kind", value="search"),
        "intake.sources.referral.kind",
        "expected 'poisson' or 'proactive'; got 'search'",
        1,
    ),
    (
        "kind-misspelt",
        rename("intake", "sources", "search", "kind", to="knid"),
        "intake.sources.search.knid",
        "unknown key; did you mean 'kind'?",
        # the misspelt key, and then a Poisson source with proactive keys and no rate
        6,
    ),
    (
        "poisson-without-rate",
        drop("intake", "sources", "public", "reports_per_day"),
        "intake.sources.public.reports_per_day",
        "missing (a required key of a Poisson source",
        1,
    ),
    (
        "proactive-with-rate",
        source("search", "reports_per_day", value=10.0),
        "intake.sources.search.reports_per_day",
        "expected no reports_per_day for kind = 'proactive'",
        1,
    ),
    (
        "proactive-without-search-share",
        drop("intake", "sources", "search", "search_share"),
        "intake.sources.search.search_share",
        "missing (a required key of a proactive source)",
        1,
    ),
    (
        "proactive-without-finds",
        drop("intake", "sources", "search", "finds_per_search_hour"),
        "intake.sources.search.finds_per_search_hour",
        "missing (a required key of a proactive source)",
        1,
    ),
    (
        "search-share-above-1",
        source("search", "search_share", value=1.5),
        "intake.sources.search.search_share",
        "expected less than or equal to 1; got 1.5",
        1,
    ),
    (
        "search-share-negative",
        source("search", "search_share", value=-0.2),
        "intake.sources.search.search_share",
        "expected greater than or equal to 0; got -0.2",
        1,
    ),
    (
        "finds-negative",
        source("search", "finds_per_search_hour", value=-1.0),
        "intake.sources.search.finds_per_search_hour",
        "expected greater than or equal to 0; got -1.0",
        1,
    ),
    (
        "search-when-idle-as-string",
        source("search", "search_when_idle", value="yes"),
        "intake.sources.search.search_when_idle",
        "expected a valid boolean; got 'yes'",
        1,
    ),
    (
        "search-when-idle-as-integer",
        source("search", "search_when_idle", value=1),
        "intake.sources.search.search_when_idle",
        "expected a valid boolean; got 1",
        1,
    ),
    (
        "search-block-zero",
        source("search", "search_block_minutes", value=0),
        "intake.sources.search.search_block_minutes",
        "expected greater than or equal to 1; got 0",
        1,
    ),
    (
        "search-block-above-a-day",
        source("search", "search_block_minutes", value=1441),
        "intake.sources.search.search_block_minutes",
        "expected less than or equal to 1440; got 1441",
        1,
    ),
    (
        "search-block-misspelt",
        rename("intake", "sources", "search", "search_block_minutes", to="search_block_minute"),
        "intake.sources.search.search_block_minute",
        "unknown key; did you mean 'search_block_minutes'?",
        1,
    ),
    (
        "finds-misspelt",
        rename("intake", "sources", "search", "finds_per_search_hour", to="finds_per_search_hours"),
        "intake.sources.search.finds_per_search_hours",
        "unknown key; did you mean 'finds_per_search_hour'?",
        2,
    ),
    (
        "search-share-on-poisson-source",
        source("public", "search_share", value=0.2),
        "intake.sources.public.search_share",
        "expected search_share only for kind = 'proactive', got 0.2",
        1,
    ),
    (
        "finds-on-poisson-source",
        source("referral", "finds_per_search_hour", value=1.0),
        "intake.sources.referral.finds_per_search_hour",
        "expected finds_per_search_hour only for kind = 'proactive', got 1.0",
        1,
    ),
    (
        "search-when-idle-on-poisson-source",
        source("public", "search_when_idle", value=False),
        "intake.sources.public.search_when_idle",
        "expected search_when_idle only for kind = 'proactive', got False",
        1,
    ),
    (
        "search-block-on-poisson-source",
        source("referral", "search_block_minutes", value=30.0),
        "intake.sources.referral.search_block_minutes",
        "expected search_block_minutes only for kind = 'proactive', got 30.0",
        1,
    ),
    (
        "two-proactive-sources",
        put("intake", "sources", "forum-search", value=dict(PROACTIVE)),
        "intake.sources",
        "expected at most one source of kind = 'proactive', got ['search', 'forum-search']",
        1,
    ),
    (
        "priority-negative",
        source("public", "priority", value=-1),
        "intake.sources.public.priority",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "priority-above-1000",
        source("search", "priority", value=1001),
        "intake.sources.search.priority",
        "expected less than or equal to 1000; got 1001",
        1,
    ),
    (
        "priority-fractional",
        source("referral", "priority", value=1.5),
        "intake.sources.referral.priority",
        "expected a valid integer; got 1.5",
        1,
    ),
    (
        "priority-as-word",
        source("public", "priority", value="high"),
        "intake.sources.public.priority",
        "got 'high'",
        1,
    ),
    (
        "priority-misspelt",
        rename("intake", "sources", "public", "priority", to="priorty"),
        "intake.sources.public.priorty",
        "unknown key; did you mean 'priority'?",
        1,
    ),
]

CASES: list[Case] = [
    *BREAKS_CASES,
    *VIEWING_AND_ABSENCE_CASES,
    *WINDOW_CASES,
    *CHANGE_CASES,
    *HOLIDAY_CASES,
    *SURGE_CASES,
    *BACKLOG_CASES,
    *SOURCE_CASES,
]
CASES_BY_ID = {case[0]: case for case in CASES}

# The few that also go through the real command line (one per kind of rule).
RUN_CASE_IDS = (
    "breaks-key-misspelt",  # unknown key with a hint, two problems
    "window-share-above-1",  # range, inside a list
    "team-below-zero-in-day-order",  # cross-field rule across list entries
    "surge-source-is-proactive",  # cross-field rule across sections
    "proactive-with-rate",  # a key forbidden by the source's kind
)


# --- the base file is valid (so each case fails because of its one change) ---------------------


def test_full_file_is_valid_and_uses_every_new_key(tmp_path: Path) -> None:
    scenario = load_scenario(write_scenario(tmp_path / "full.toml", FULL))
    team, intake = scenario.analysts, scenario.intake
    assert team.breaks is not None and team.max_viewing_hours_per_day == 6 and team.absence_share == 0.05
    assert len(team.capacity_windows) == 2 and len(team.changes) == 2 and team.holidays == [2]
    assert intake.initial_backlog == 40 and len(intake.surges) == 2
    assert intake.poisson_sources() == ["public", "referral"]
    search = intake.sources["search"]
    assert search.is_proactive and search.search_when_idle is True and search.search_block_minutes == 45
    assert {s.priority for s in intake.sources.values()} == {0, 1, 2}


def test_case_ids_and_files_are_distinct() -> None:
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))
    assert set(RUN_CASE_IDS) <= set(ids)
    texts = {tomli_w.dumps(broken_data(FULL, case[1])) for case in CASES}
    assert len(texts) == len(CASES)
    assert tomli_w.dumps(FULL) not in texts


# --- invalid files: validation only -----------------------------------------------------------


@pytest.mark.parametrize(
    ("case_id", "mutate", "key", "fragment", "problems"), [pytest.param(*c, id=c[0]) for c in CASES]
)
def test_invalid_workforce_key_is_rejected(
    tmp_path: Path, case_id: str, mutate: Callable, key: str, fragment: str, problems: int
) -> None:
    path = broken_file(tmp_path, case_id, FULL, mutate)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.source == str(path)
    assert len(caught.value.problems) == problems, str(caught.value)
    assert_invalid_message(str(caught.value), str(path), key, fragment, problems)


def test_every_workforce_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(FULL)
    data["analysts"]["absence_share"] = 2
    data["analysts"]["holidays"] = [3, -1]
    data["analysts"]["capacity_windows"][0]["end_day"] = 0.25
    data["intake"]["initial_backlog"] = -1
    data["intake"]["surges"][0]["sources"] = ["search"]
    data["analysts"]["breaks"]["every_minutes"] = 0
    path = write_scenario(tmp_path / "six-problems.toml", data)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    for key, fragment in [
        ("analysts.absence_share", "got 2"),
        ("analysts.holidays[1]", "got -1"),
        ("analysts.capacity_windows[0].end_day", "end_day > start_day"),
        ("intake.initial_backlog", "got -1"),
        ("intake.surges[0].sources", "got 'search'"),
        ("analysts.breaks.every_minutes", "got 0"),
    ]:
        assert_invalid_message(message, str(path), key, fragment, 6)


# --- valid edges: the rules are not stricter than stated -------------------------------------


def test_boundary_values_are_accepted(tmp_path: Path) -> None:
    data = copy.deepcopy(FULL)
    team = data["analysts"]
    team.update(
        max_viewing_hours_per_day=24,
        absence_share=1.0,
        breaks={"every_minutes": 1, "length_minutes": 1},
        holidays=[0],
        capacity_windows=[
            {"start_day": 0, "end_day": 0.5, "available_share": 0.0},
            {"start_day": 0.5, "end_day": 1, "available_share": 1.0},
        ],
        # in day order: 13 + 5 on day 2, then -18 on day 5 leaves exactly 0 (in file order it
        # would go below 0 first, so this also checks that the rule follows the days)
        changes=[{"day": 5, "count_delta": -18}, {"day": 2, "count_delta": 5, "ramp_days": 0}],
    )
    intake = data["intake"]
    intake["initial_backlog"] = 0
    intake["surges"] = [
        {"start_day": 1 / 24, "end_day": 23 / 24, "multiplier": 0.0, "sources": ["public", "referral"]},
        {"start_day": 0, "end_day": 1.5, "multiplier": 1.0},
    ]
    intake["sources"]["search"].update(
        search_share=1.0, finds_per_search_hour=0.0, search_block_minutes=1440, priority=1000
    )
    intake["sources"]["public"]["priority"] = 0
    scenario = load_scenario(write_scenario(tmp_path / "edges.toml", data))
    assert scenario.analysts.absence_share == 1.0 and scenario.analysts.max_viewing_hours_per_day == 24
    assert [c.day for c in scenario.analysts.changes] == [5, 2]
    assert scenario.intake.surges[0].start_day == pytest.approx(1 / 24)
    assert scenario.intake.sources["search"].search_block_minutes == 1440


def test_new_keys_default_to_off(tmp_path: Path) -> None:
    data = copy.deepcopy(FULL)
    for key in WORKFORCE_KEYS:
        del data["analysts"][key]
    for key in ("surges", "initial_backlog"):
        del data["intake"][key]
    sources = data["intake"]["sources"]
    del sources["search"], sources["public"]["priority"], sources["referral"]["kind"]
    out = load_scenario(write_scenario(tmp_path / "plain.toml", data)).to_dict()
    assert "breaks" not in out["analysts"] and "max_viewing_hours_per_day" not in out["analysts"]
    assert out["analysts"]["absence_share"] == 0.0
    for key in ("capacity_windows", "changes", "holidays"):
        assert out["analysts"][key] == [], key
    assert out["intake"]["surges"] == [] and out["intake"]["initial_backlog"] == 0
    for name in ("public", "referral"):
        assert out["intake"]["sources"][name] == {
            "kind": "poisson",
            "reports_per_day": FULL["intake"]["sources"][name]["reports_per_day"],
            "actionable_share": FULL["intake"]["sources"][name]["actionable_share"],
            "priority": 0,
        }


# --- the real command line -------------------------------------------------------------------


def test_check_accepts_a_file_with_every_new_key(tmp_path: Path) -> None:
    path = write_scenario(tmp_path / "full.toml", FULL)
    result = hotline_sim_here("check", path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"# {path}: valid; resolved scenario with defaults:")
    printed = resolved(result.stdout)
    search = printed["intake"]["sources"]["search"]
    assert search["search_when_idle"] is True and search["search_block_minutes"] == 45.0
    assert printed["analysts"]["breaks"] == {"every_minutes": 90.0, "length_minutes": 10.0}
    assert printed["analysts"]["changes"][1] == {"day": 2, "count_delta": -3, "ramp_days": 0.0}
    assert "sources" not in printed["intake"]["surges"][0]  # "all Poisson sources" stays unwritten
    # the printed scenario is itself a valid file, equal to the one checked
    assert scenario_from_dict(printed) == load_scenario(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_check_fills_in_proactive_source_defaults(tmp_path: Path) -> None:
    data = copy.deepcopy(FULL)
    del data["intake"]["sources"]["search"]["search_when_idle"]
    del data["intake"]["sources"]["search"]["search_block_minutes"]
    path = write_scenario(tmp_path / "proactive-defaults.toml", data)
    result = hotline_sim_here("check", path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    sources = resolved(result.stdout)["intake"]["sources"]
    assert sources["search"]["kind"] == "proactive"
    assert sources["search"]["search_when_idle"] is False
    assert sources["search"]["search_block_minutes"] == 30.0
    assert "reports_per_day" not in sources["search"]
    for name in ("public", "referral"):  # the proactive defaults are not given to Poisson sources
        assert sources[name]["kind"] == "poisson"
        assert not set(sources[name]) & set(SEARCH_KEYS), sources[name]


@pytest.mark.parametrize("case_id", RUN_CASE_IDS)
def test_run_rejects_invalid_workforce_file(tmp_path: Path, case_id: str) -> None:
    _, mutate, key, fragment, problems = CASES_BY_ID[case_id]
    path = broken_file(tmp_path, case_id, FULL, mutate)
    out = tmp_path / "out"
    result = hotline_sim_here("run", path, "--out", out, "--no-plots", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, (result.returncode, result.stderr)
    assert_invalid_message(result.stderr, str(path), key, fragment, problems)
    assert "replications, seed" not in result.stderr, "a simulation was started"
    assert result.stdout == ""
    assert not out.exists(), "the output folder was created for an invalid scenario"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name], "something was written"


def test_check_rejects_invalid_workforce_file(tmp_path: Path) -> None:
    _, mutate, key, fragment, problems = CASES_BY_ID["surge-start-not-on-an-hour"]
    path = broken_file(tmp_path, "surge-start-not-on-an-hour", FULL, mutate)
    result = hotline_sim_here("check", path, cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, (result.returncode, result.stderr)
    assert_invalid_message(result.stderr, str(path), key, fragment, problems)
    assert "valid; resolved" not in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]

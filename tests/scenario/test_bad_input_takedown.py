"""Bad input for the takedown loop and re-upload keys: route defaults, follow-ups, re-checks,
escalation, `[reuploads]`, the empirical distribution and shares that change over time.

Every case starts from one valid file that uses every new key (FULL: route defaults for all three
routes, one host that takes its route's delay, follow-ups with escalation, re-uploads from a named
source, an empirical delay, a growth rule and points for the dedup shares), breaks one thing,
writes the file with `tomli_w` and loads it the way the command line does (`load_scenario`):
validation only, nothing is simulated. One case per new key (and per kind of rule) also goes
through the real `hotline-sim run` for the exit code and for nothing written. The expected
message format (sim/scenario/wording.py) is

    <file>: invalid scenario (N problem(s))
      <dotted.key.path>: <what is wrong>; got <value>
"""

from __future__ import annotations

import copy
import csv
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

# Wording of the validation library (Python's own types included) beyond the shared list.

EMPIRICAL = {"dist": "empirical", "values": [0, 1, 48], "cumulative": [0, 0.52, 1]}

# A short, valid scenario using every new key (none at its default).
FULL: dict[str, Any] = {
    "scenario": {"name": "takedown-loop", "horizon_days": 4, "warmup_days": 1, "replications": 2, "seed": 29},
    "intake": {
        "sources": {
            "public": {"reports_per_day": 600.0, "actionable_share": 0.5},
            "referral": {"reports_per_day": 40.0, "actionable_share": 0.8, "priority": 1},
        }
    },
    "dedup": {
        "duplicate_share": {"start": 0.05, "per_year": 0.1, "max": 0.3},
        "hash_match_share": {"points": [[0, 0.05], [365, 0.2]]},
    },
    "analysts": {"count": 13, "schedule": "24/7"},
    "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
    "takedown": {
        "routes": {
            "direct": {"removal_hours": dict(EMPIRICAL)},
            "partner_hotline": {"removal_hours": {"dist": "lognormal", "mean": 104.0, "cv": 1.5}},
            "law_enforcement": {"removal_hours": {"dist": "gamma", "mean": 960.0, "cv": 0.4}},
        },
        "hosts": [
            {
                "country": "NL",
                "share": 0.5,
                "route": "partner_hotline",
                "removal_hours": {"dist": "exponential", "mean": 48.0},
            },
            {
                "country": "US",
                "share": 0.3,
                "route": "law_enforcement",
                "removal_hours": {"dist": "lognormal", "mean": 100.0, "cv": 1.0},
            },
            {"country": "GB", "share": 0.2, "route": "direct"},  # the route's default delay
        ],
        "follow_up_hours": 72.0,
        "recheck_minutes": 3.0,
        "recheck_priority": 5,
        "max_follow_ups": 2,
        "escalation_removal_hours": {"dist": "exponential", "mean": 240.0},
    },
    "reuploads": {
        "share": 0.2,
        "delay_days": {"dist": "exponential", "mean": 10.0},
        "hash_block_share": 0.5,
        "source": "referral",
    },
}

TAKEDOWN_KEYS = (
    "escalation_removal_hours, follow_up_hours, hosts, max_follow_ups, recheck_minutes, recheck_priority, "
    "recheck_team, routes"
)
REUPLOAD_KEYS = "delay_days, hash_block_share, share, source"
EMPIRICAL_KEYS = "cumulative, dist, values"
SUM_RULE = "duplicate_share + hash_match_share <= 1"


def takedown(*steps: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    return put("takedown", *steps, value=value)


def reuploads(*steps: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    return put("reuploads", *steps, value=value)


def direct_delay(value: Any) -> Callable[[dict[str, Any]], None]:
    return put("takedown", "routes", "direct", "removal_hours", value=value)


def hash_share(value: Any) -> Callable[[dict[str, Any]], None]:
    return put("dedup", "hash_match_share", value=value)


def both(*mutations: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(data)

    return mutate


# (id, mutation, dotted key path expected in the message, text expected on that key's line,
#  problems: the exact count, or None where only the named problem matters)
Case = tuple[str, Callable[[dict[str, Any]], None], str, str, int | None]

FOLLOW_UP_CASES: list[Case] = [
    (
        "follow-up-zero",
        takedown("follow_up_hours", value=0),
        "takedown.follow_up_hours",
        "expected greater than or equal to 0.01; got 0",
        1,
    ),
    (
        "follow-up-negative",
        takedown("follow_up_hours", value=-12),
        "takedown.follow_up_hours",
        "got -12",
        1,
    ),
    (
        "follow-up-as-string",
        takedown("follow_up_hours", value="3 days"),
        "takedown.follow_up_hours",
        "got '3 days'",
        1,
    ),
    (
        "follow-up-as-boolean",
        takedown("follow_up_hours", value=True),
        "takedown.follow_up_hours",
        "got True",
        1,
    ),
    (
        "follow-up-misspelt",
        rename("takedown", "follow_up_hours", to="followup_hours"),
        "takedown.followup_hours",
        "unknown key; did you mean 'follow_up_hours'?",
        # the misspelt key; max_follow_ups then lacks follow_up_hours, which may or may not be said
        None,
    ),
    (
        "recheck-minutes-negative",
        takedown("recheck_minutes", value=-1),
        "takedown.recheck_minutes",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "recheck-minutes-as-string",
        takedown("recheck_minutes", value="2 min"),
        "takedown.recheck_minutes",
        "got '2 min'",
        1,
    ),
    (
        "recheck-minutes-misspelt",
        rename("takedown", "recheck_minutes", to="recheck_minute"),
        "takedown.recheck_minute",
        "unknown key; did you mean 'recheck_minutes'?",
        1,
    ),
    (
        "recheck-priority-negative",
        takedown("recheck_priority", value=-1),
        "takedown.recheck_priority",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "recheck-priority-above-1000",
        takedown("recheck_priority", value=1001),
        "takedown.recheck_priority",
        "expected less than or equal to 1000; got 1001",
        1,
    ),
    (
        "recheck-priority-fractional",
        takedown("recheck_priority", value=1.5),
        "takedown.recheck_priority",
        "expected a valid integer; got 1.5",
        1,
    ),
    (
        "recheck-priority-as-word",
        takedown("recheck_priority", value="urgent"),
        "takedown.recheck_priority",
        "got 'urgent'",
        1,
    ),
    (
        "max-follow-ups-negative",
        takedown("max_follow_ups", value=-1),
        "takedown.max_follow_ups",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "max-follow-ups-fractional",
        takedown("max_follow_ups", value=2.5),
        "takedown.max_follow_ups",
        "expected a valid integer; got 2.5",
        1,
    ),
    (
        "max-follow-ups-as-string",
        takedown("max_follow_ups", value="2"),
        "takedown.max_follow_ups",
        "got '2'",
        1,
    ),
    (
        "max-follow-ups-without-follow-up-hours",
        drop("takedown", "follow_up_hours"),
        "takedown.max_follow_ups",
        "follow_up_hours",
        1,
    ),
    (
        "max-follow-ups-misspelt",
        rename("takedown", "max_follow_ups", to="max_followups"),
        "takedown.max_followups",
        "unknown key; did you mean 'max_follow_ups'?",
        1,
    ),
    (
        "escalation-as-number",
        takedown("escalation_removal_hours", value=240),
        "takedown.escalation_removal_hours",
        "expected a distribution table",
        1,
    ),
    (
        "escalation-mean-negative",
        takedown("escalation_removal_hours", "mean", value=-1.0),
        "takedown.escalation_removal_hours.mean",
        "got -1.0",
        1,
    ),
    (
        # escalation is on (max_follow_ups), with neither its own delay nor the law-enforcement default
        "escalation-delay-unknown",
        both(drop("takedown", "escalation_removal_hours"), drop("takedown", "routes", "law_enforcement")),
        "takedown.escalation_removal_hours",
        "missing",
        1,
    ),
]

ROUTE_CASES: list[Case] = [
    (
        # GB has no removal_hours and its route no longer has a default
        "host-without-delay-or-route-default",
        drop("takedown", "routes", "direct"),
        "takedown.hosts[2].removal_hours",
        "missing",
        1,
    ),
    (
        "first-host-without-delay-or-route-default",
        both(drop("takedown", "hosts", 0, "removal_hours"), drop("takedown", "routes", "partner_hotline")),
        "takedown.hosts[0].removal_hours",
        "missing",
        1,
    ),
    (
        "route-unknown-name",
        takedown("routes", "email", value={"removal_hours": {"dist": "fixed", "value": 1.0}}),
        "takedown.routes.email",
        "got 'email'",
        1,
    ),
    (
        "route-without-removal-hours",
        takedown("routes", "direct", value={}),
        "takedown.routes.direct.removal_hours",
        "missing (a required key)",
        1,
    ),
    (
        "route-removal-misspelt",
        rename("takedown", "routes", "direct", "removal_hours", to="removal_hour"),
        "takedown.routes.direct.removal_hour",
        "unknown key; did you mean 'removal_hours'?",
        2,  # the misspelt key, and `removal_hours` now missing
    ),
    (
        "route-removal-as-number",
        takedown("routes", "law_enforcement", "removal_hours", value=672),
        "takedown.routes.law_enforcement.removal_hours",
        "expected a distribution table",
        1,
    ),
    (
        "routes-not-a-table",
        takedown("routes", value=5),
        "takedown.routes",
        "expected a table; got 5",
        1,
    ),
    (
        "routes-misspelt",
        rename("takedown", "routes", to="route"),
        "takedown.route",
        "unknown key; did you mean 'routes'?",
        None,  # GB then has no default delay either, which may or may not be said as well
    ),
    (
        "takedown-unknown-key-close-match",
        takedown("priority", value=1),
        "takedown.priority",
        "unknown key; did you mean 'recheck_priority'?",
        1,
    ),
    (
        "takedown-unknown-key-no-close-match",
        takedown("owner", value="x"),
        "takedown.owner",
        f"unknown key (expected one of: {TAKEDOWN_KEYS})",
        1,
    ),
]

REUPLOAD_CASES: list[Case] = [
    (
        "reuploads-share-above-1",
        reuploads("share", value=1.5),
        "reuploads.share",
        "expected less than or equal to 1; got 1.5",
        1,
    ),
    (
        "reuploads-share-negative",
        reuploads("share", value=-0.1),
        "reuploads.share",
        "expected greater than or equal to 0; got -0.1",
        1,
    ),
    (
        "reuploads-share-as-percent-string",
        reuploads("share", value="20%"),
        "reuploads.share",
        "got '20%'",
        1,
    ),
    (
        "reuploads-without-delay",
        drop("reuploads", "delay_days"),
        "reuploads.delay_days",
        "missing",
        1,
    ),
    (
        "reuploads-delay-as-number",
        reuploads("delay_days", value=30),
        "reuploads.delay_days",
        "expected a distribution table",
        1,
    ),
    (
        "reuploads-delay-mean-zero",
        reuploads("delay_days", "mean", value=0.0),
        "reuploads.delay_days.mean",
        "expected greater than 0; got 0.0",
        1,
    ),
    (
        "reuploads-delay-bad-empirical",
        reuploads("delay_days", value={"dist": "empirical", "values": [1, 30], "cumulative": [0, 0.5]}),
        "reuploads.delay_days.cumulative",
        "from 0 to 1",
        1,
    ),
    (
        "hash-block-share-above-1",
        reuploads("hash_block_share", value=2),
        "reuploads.hash_block_share",
        "expected less than or equal to 1; got 2",
        1,
    ),
    (
        "hash-block-share-negative",
        reuploads("hash_block_share", value=-0.5),
        "reuploads.hash_block_share",
        "expected greater than or equal to 0; got -0.5",
        1,
    ),
    (
        "reuploads-source-unknown",
        reuploads("source", value="hotline"),
        "reuploads.source",
        "got 'hotline'",
        1,
    ),
    (
        "reuploads-source-misspelt-name",
        reuploads("source", value="referal"),
        "reuploads.source",
        "'referal'",
        1,
    ),
    (
        "reuploads-source-as-number",
        reuploads("source", value=3),
        "reuploads.source",
        "got 3",
        1,
    ),
    (
        "reuploads-key-misspelt",
        rename("reuploads", "hash_block_share", to="hash_blocked_share"),
        "reuploads.hash_blocked_share",
        "unknown key; did you mean 'hash_block_share'?",
        1,
    ),
    (
        "reuploads-unknown-key",
        reuploads("rate", value=3),
        "reuploads.rate",
        f"unknown key (expected one of: {REUPLOAD_KEYS})",
        1,
    ),
    (
        "reuploads-not-a-table",
        put("reuploads", value=0.2),
        "reuploads",
        "expected a table; got 0.2",
        1,
    ),
    (
        "reuploads-section-misspelt",
        rename("reuploads", to="reupload"),
        "reupload",
        "unknown key; did you mean 'reuploads'?",
        1,
    ),
]

EMPIRICAL_CASES: list[Case] = [
    (
        "empirical-not-reaching-1",
        direct_delay({**EMPIRICAL, "cumulative": [0, 0.52, 0.9]}),
        "takedown.routes.direct.removal_hours.cumulative",
        "from 0 to 1",
        1,
    ),
    (
        "empirical-not-starting-at-0",
        direct_delay({**EMPIRICAL, "cumulative": [0.1, 0.52, 1]}),
        "takedown.routes.direct.removal_hours.cumulative",
        "from 0 to 1",
        1,
    ),
    (
        "empirical-cumulative-falling",
        direct_delay({"dist": "empirical", "values": [0, 1, 2, 48], "cumulative": [0, 0.6, 0.52, 1]}),
        "takedown.routes.direct.removal_hours.cumulative",
        "rising",
        1,
    ),
    (
        "empirical-cumulative-repeated",
        direct_delay({"dist": "empirical", "values": [0, 1, 2, 48], "cumulative": [0, 0.52, 0.52, 1]}),
        "takedown.routes.direct.removal_hours.cumulative",
        "rising",
        1,
    ),
    (
        "empirical-values-falling",
        direct_delay({**EMPIRICAL, "values": [0, 10, 1]}),
        "takedown.routes.direct.removal_hours.values",
        "non-decreasing",
        1,
    ),
    (
        "empirical-value-negative",
        direct_delay({**EMPIRICAL, "values": [-1, 1, 48]}),
        "takedown.routes.direct.removal_hours.values[0]",
        "expected greater than or equal to 0; got -1",
        1,
    ),
    (
        "empirical-lengths-differ",
        direct_delay({**EMPIRICAL, "values": [0, 1, 48, 100]}),
        "takedown.routes.direct.removal_hours.cumulative",
        "one cumulative share per value",
        1,
    ),
    (
        "empirical-single-point",
        direct_delay({"dist": "empirical", "values": [1], "cumulative": [1]}),
        "takedown.routes.direct.removal_hours.values",
        "at least 2",
        None,  # the one point of `cumulative` may be named as well
    ),
    (
        "empirical-missing-cumulative",
        direct_delay({"dist": "empirical", "values": [0, 1, 48]}),
        "takedown.routes.direct.removal_hours.cumulative",
        "missing (a required key)",
        1,
    ),
    (
        "empirical-cumulative-misspelt",
        direct_delay({"dist": "empirical", "values": [0, 1, 48], "cumulativ": [0, 0.52, 1]}),
        "takedown.routes.direct.removal_hours.cumulativ",
        "unknown key; did you mean 'cumulative'?",
        2,
    ),
    (
        "empirical-with-a-mean",
        direct_delay({**EMPIRICAL, "mean": 12.0}),
        "takedown.routes.direct.removal_hours.mean",
        f"unknown key (expected one of: {EMPIRICAL_KEYS})",
        1,
    ),
    (
        "empirical-values-as-string",
        direct_delay({**EMPIRICAL, "values": "0, 1, 48"}),
        "takedown.routes.direct.removal_hours.values",
        "expected a list; got '0, 1, 48'",
        1,
    ),
    (
        "empirical-on-a-host",
        put("takedown", "hosts", 1, "removal_hours", value={**EMPIRICAL, "cumulative": [0, 0.6, 0.9]}),
        "takedown.hosts[1].removal_hours.cumulative",
        "from 0 to 1",
        1,
    ),
]

SHARE_RULE_CASES: list[Case] = [
    (
        "points-days-not-rising",
        hash_share({"points": [[10, 0.05], [5, 0.1]]}),
        "dedup.hash_match_share.points",
        "rising",
        1,
    ),
    (
        "points-share-above-1",
        hash_share({"points": [[0, 0.05], [5, 1.1]]}),
        "dedup.hash_match_share.points[1][1]",
        "got 1.1",
        1,
    ),
    (
        "points-day-negative",
        hash_share({"points": [[-1, 0.05], [5, 0.1]]}),
        "dedup.hash_match_share.points[0][0]",
        "got -1",
        1,
    ),
    (
        "points-empty",
        hash_share({"points": []}),
        "dedup.hash_match_share.points",
        "at least 1",
        1,
    ),
    (
        "points-not-a-list",
        hash_share({"points": 0.05}),
        "dedup.hash_match_share.points",
        "expected a list; got 0.05",
        1,
    ),
    (
        "points-three-numbers",
        hash_share({"points": [[0, 0.05, 3]]}),
        "dedup.hash_match_share.points[0]",
        "",  # what it says is free, as long as it names the pair in planner's words
        1,
    ),
    (
        "points-key-misspelt",
        hash_share({"pionts": [[0, 0.05], [5, 0.1]]}),
        "dedup.hash_match_share.pionts",
        "unknown key; did you mean 'points'?",
        None,  # read as a growth rule, its missing keys may be named as well
    ),
    (
        "points-bare-list-share-above-1",
        hash_share([[0, 0.05], [5, 1.5]]),
        "dedup.hash_match_share[1][1]",
        "got 1.5",
        1,
    ),
    (
        "points-tables-share-negative",
        hash_share([{"day": 0, "share": 0.05}, {"day": 5, "share": -0.1}]),
        "dedup.hash_match_share[1].share",
        "got -0.1",
        1,
    ),
    (
        "points-tables-key-misspelt",
        hash_share([{"day": 0, "share": 0.05}, {"dya": 5, "share": 0.1}]),
        "dedup.hash_match_share[1].dya",
        "unknown key; did you mean 'day'?",
        None,  # `day` then missing may be said as well
    ),
    (
        "growth-start-missing",
        put("dedup", "duplicate_share", value={"per_year": 0.03}),
        "dedup.duplicate_share.start",
        "missing (a required key)",
        1,
    ),
    (
        "growth-per-year-misspelt",
        rename("dedup", "duplicate_share", "per_year", to="per_yaer"),
        "dedup.duplicate_share.per_yaer",
        "unknown key; did you mean 'per_year'?",
        2,  # the misspelt key, and `per_year` now missing
    ),
    (
        "growth-max-misspelt",
        rename("dedup", "duplicate_share", "max", to="maximum"),
        "dedup.duplicate_share.maximum",
        "unknown key; did you mean 'max'?",
        # `max` has a default; but without the max 0.3 the share grows to 1 and the sum check
        # fails too once the duplicate share passes 0.8 (day 2738): either count is right
        None,
    ),
    (
        "growth-start-above-1",
        put("dedup", "duplicate_share", "start", value=1.5),
        "dedup.duplicate_share.start",
        "expected less than or equal to 1; got 1.5",
        1,
    ),
    (
        "growth-min-above-max",
        put("dedup", "duplicate_share", value={"start": 0.1, "per_year": 0.1, "min": 0.5, "max": 0.3}),
        "dedup.duplicate_share",
        "min <= max",
        1,
    ),
    (
        "growth-per-year-as-string",
        put("dedup", "duplicate_share", "per_year", value="10%"),
        "dedup.duplicate_share.per_year",
        "got '10%'",
        1,
    ),
    (
        "dedup-share-as-string",
        put("dedup", "duplicate_share", value="5%"),
        "dedup.duplicate_share",
        "expected a share from 0 to 1, a growth rule",
        1,
    ),
    (
        "dedup-share-as-boolean",
        hash_share(True),
        "dedup.hash_match_share",
        "expected a share from 0 to 1, a growth rule",
        1,
    ),
    (
        # 0.05 + 0.1 a year (max 0.3) and 0.05 -> 0.2 over a year, then flat: 0.1 on day 0, but
        # with the hash share raised to 0.8 on day 365, 0.15 + 0.8 = 0.95 there and 0.3 + 0.8 =
        # 1.1 from day 912 on, long after this 4-day horizon
        "dedup-sum-above-1-later",
        hash_share({"points": [[0, 0.05], [365, 0.8]]}),
        "dedup.hash_match_share",
        SUM_RULE,
        1,
    ),
]

CASES: list[Case] = [*FOLLOW_UP_CASES, *ROUTE_CASES, *REUPLOAD_CASES, *EMPIRICAL_CASES, *SHARE_RULE_CASES]
CASES_BY_ID = {case[0]: case for case in CASES}

# Through the real command line: one case for each new key and each kind of rule.
RUN_CASE_IDS = (
    "follow-up-zero",
    "recheck-minutes-negative",
    "recheck-priority-above-1000",
    "max-follow-ups-without-follow-up-hours",
    "escalation-delay-unknown",
    "host-without-delay-or-route-default",
    "route-unknown-name",
    "route-removal-misspelt",
    "takedown-unknown-key-close-match",
    "reuploads-share-above-1",
    "reuploads-without-delay",
    "hash-block-share-negative",
    "reuploads-source-unknown",
    "reuploads-unknown-key",
    "empirical-not-reaching-1",
    "empirical-lengths-differ",
    "points-days-not-rising",
    "points-tables-share-negative",
    "growth-per-year-misspelt",
    "growth-min-above-max",
    "dedup-sum-above-1-later",
)

RESULT_TABLES = (
    "replications.csv",
    "summary.csv",
    "takedown_by_country.csv",
    "takedown_by_route.csv",
    "timeseries.csv",
)


# --- the base file is valid (so each case fails because of its one change) ---------------------


def test_full_file_is_valid_and_uses_every_new_key(tmp_path: Path) -> None:
    scenario = load_scenario(write_scenario(tmp_path / "full.toml", FULL))
    take = scenario.takedown
    assert set(take.routes) == {"direct", "partner_hotline", "law_enforcement"}
    assert take.hosts[2].removal_hours is None  # GB takes the direct route's delay
    assert take.follow_up_hours == 72 and take.recheck_minutes == 3 and take.recheck_priority == 5
    assert take.max_follow_ups == 2 and take.escalation_removal_hours is not None
    again = scenario.reuploads
    assert again.share == 0.2 and again.hash_block_share == 0.5 and again.source == "referral"
    assert again.delay_days is not None
    assert not isinstance(scenario.dedup.duplicate_share, float)
    assert not isinstance(scenario.dedup.hash_match_share, float)


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
def test_invalid_takedown_key_is_rejected(
    tmp_path: Path, case_id: str, mutate: Callable, key: str, fragment: str, problems: int | None
) -> None:
    path = broken_file(tmp_path, case_id, FULL, mutate)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.source == str(path)
    if problems is not None:
        assert len(caught.value.problems) == problems, str(caught.value)
    assert_invalid_message(str(caught.value), str(path), key, fragment, problems)


def test_every_takedown_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(FULL)
    data["takedown"]["recheck_minutes"] = -2
    data["takedown"]["recheck_priority"] = 2000
    data["reuploads"]["hash_block_share"] = 1.5
    data["reuploads"]["share"] = "often"
    data["takedown"]["routes"]["direct"]["removal_hours"]["cumulative"] = [0, 0.52, 0.9]
    data["dedup"]["hash_match_share"] = {"points": [[5, 0.1], [1, 0.2]]}
    path = write_scenario(tmp_path / "six-problems.toml", data)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    for key, fragment in [
        ("takedown.recheck_minutes", "got -2"),
        ("takedown.recheck_priority", "got 2000"),
        ("reuploads.hash_block_share", "got 1.5"),
        ("reuploads.share", "got 'often'"),
        ("takedown.routes.direct.removal_hours.cumulative", "from 0 to 1"),
        ("dedup.hash_match_share.points", "rising"),
    ]:
        assert_invalid_message(message, str(path), key, fragment, 6)


# --- valid edges: the rules are not stricter than stated -------------------------------------


def test_boundary_values_are_accepted(tmp_path: Path) -> None:
    data = copy.deepcopy(FULL)
    data["takedown"].update(recheck_minutes=0, recheck_priority=1000, max_follow_ups=0, follow_up_hours=0.01)
    data["takedown"]["routes"]["direct"]["removal_hours"] = {
        "dist": "empirical",
        "values": [0, 1, 1, 48],  # non-decreasing: a repeated value is a jump in the shares
        "cumulative": [0, 0.3, 0.52, 1],
    }
    data["reuploads"].update(share=1.0, hash_block_share=1.0, source="public")
    data["dedup"] = {
        "duplicate_share": [[0, 0.5]],  # one point: constant
        "hash_match_share": [{"day": 0, "share": 0.2}, {"day": 10, "share": 0.5}],  # sums to exactly 1
    }
    scenario = load_scenario(write_scenario(tmp_path / "edges.toml", data))
    assert scenario.takedown.max_follow_ups == 0 and scenario.takedown.recheck_minutes == 0
    assert scenario.takedown.recheck_priority == 1000
    assert scenario.reuploads.share == 1.0 and scenario.reuploads.hash_block_share == 1.0
    # re-uploads off need no delay; escalation off needs no escalation delay
    data["reuploads"] = {"share": 0.0, "hash_block_share": 0.3}
    del data["takedown"]["max_follow_ups"], data["takedown"]["escalation_removal_hours"]
    del data["takedown"]["routes"]["law_enforcement"]
    scenario = load_scenario(write_scenario(tmp_path / "edges-off.toml", data))
    assert scenario.reuploads.delay_days is None and scenario.takedown.max_follow_ups is None


def test_new_keys_default_to_off(tmp_path: Path) -> None:
    data = copy.deepcopy(FULL)
    del data["reuploads"], data["dedup"]
    for key in (
        "routes",
        "follow_up_hours",
        "recheck_minutes",
        "recheck_priority",
        "max_follow_ups",
        "escalation_removal_hours",
    ):
        del data["takedown"][key]
    data["takedown"]["hosts"][2]["removal_hours"] = {"dist": "fixed", "value": 1.0}
    out = load_scenario(write_scenario(tmp_path / "plain.toml", data)).to_dict()
    take = out["takedown"]
    assert "follow_up_hours" not in take and "max_follow_ups" not in take
    assert "escalation_removal_hours" not in take
    assert take["recheck_minutes"] == 2.0 and take["recheck_priority"] == 0
    assert take.get("routes", {}) == {}
    assert out["reuploads"]["share"] == 0.0 and out["reuploads"]["hash_block_share"] == 0.0
    assert "delay_days" not in out["reuploads"] and "source" not in out["reuploads"]
    assert out["dedup"]["duplicate_share"] == 0.0 and out["dedup"]["hash_match_share"] == 0.0


# --- the real command line -------------------------------------------------------------------


def test_check_accepts_a_file_with_every_new_key(tmp_path: Path) -> None:
    path = write_scenario(tmp_path / "full.toml", FULL)
    result = hotline_sim_here("check", path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"# {path}: valid; resolved scenario with defaults:")
    printed = resolved(result.stdout)
    assert printed["takedown"]["routes"]["direct"]["removal_hours"] == {
        "dist": "empirical",
        "values": [0.0, 1.0, 48.0],
        "cumulative": [0.0, 0.52, 1.0],
    }
    assert printed["reuploads"]["source"] == "referral"
    # the printed scenario is itself a valid file, equal to the one checked
    assert scenario_from_dict(printed) == load_scenario(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_run_writes_the_takedown_tables_for_the_full_file(tmp_path: Path) -> None:
    path = write_scenario(tmp_path / "full.toml", FULL)
    out = tmp_path / "out"
    result = hotline_sim_here(
        "run", path, "--out", out, "-n", "2", "--seed", "3", "--no-plots", "-q", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    for name in RESULT_TABLES:
        assert (out / name).is_file(), name
    with (out / "takedown_by_route.csv").open(newline="") as handle:
        routes = [row["route"] for row in csv.DictReader(handle)]
    assert sorted(routes) == ["direct", "law_enforcement", "partner_hotline"]


@pytest.mark.parametrize("case_id", RUN_CASE_IDS)
def test_run_rejects_invalid_takedown_file(tmp_path: Path, case_id: str) -> None:
    _, mutate, key, fragment, problems = CASES_BY_ID[case_id]
    path = broken_file(tmp_path, case_id, FULL, mutate)
    out = tmp_path / "out"
    result = hotline_sim_here(
        "run", path, "--out", out, "-n", "2", "--seed", "1", "--no-plots", "-q", cwd=tmp_path
    )
    assert result.returncode == EXIT_INVALID, (result.returncode, result.stderr)
    assert path.name in result.stderr
    assert_invalid_message(result.stderr, str(path), key, fragment, problems)
    assert "replications, seed" not in result.stderr, "a simulation was started"
    assert result.stdout == ""
    assert not out.exists(), "the output folder was created for an invalid scenario"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name], "something was written"


def test_check_rejects_invalid_takedown_file(tmp_path: Path) -> None:
    _, mutate, key, fragment, problems = CASES_BY_ID["reuploads-source-unknown"]
    path = broken_file(tmp_path, "reuploads-source-unknown", FULL, mutate)
    result = hotline_sim_here("check", path, cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, (result.returncode, result.stderr)
    assert_invalid_message(result.stderr, str(path), key, fragment, problems)
    assert "valid; resolved" not in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]

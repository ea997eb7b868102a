"""A fuzz of the schema: any scenario `check` accepts runs a short horizon to the end, in bounded
time, with finite numbers in every table, or is refused before anything runs (exit 2).

Scenarios are drawn over every section and key, with values anywhere in their valid ranges and
often at their ends (the ceilings and floors of `sim.common.limits`, so the fuzz follows the schema). Each is
validated as `check` does; a valid one is sized (`sim.experiments.size`) and, unless the estimate refuses it,
run in-process with a time limit. The size limit is lowered for the fuzz, so that whatever the
estimate accepts must finish quickly: a value that makes the model slower than its estimate says
fails here by its time limit, not in a planner's hands.
"""

from __future__ import annotations

import csv
import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.common import limits
from sim.common.limits import MAX_CV, MAX_VALUE
from sim.experiments import size
from sim.experiments.arms import ExperimentError
from sim.scenario.schema import scenario_from_dict
from sim.scenario.section import ScenarioError

FUZZ_MAX_STEPS = 40_000  # what the fuzz lets run: a fraction of a second of simulation
SECONDS_LIMIT = 30  # a run the estimate accepted must end well within this


def edges(low: float, high: float, *typical: float) -> st.SearchStrategy[float]:
    """A number in [low, high]: often an end of the range or a typical value, else anywhere."""
    return st.one_of(
        st.sampled_from([low, high, *typical]),
        st.floats(low, high, allow_nan=False, allow_infinity=False),
    )


def distribution(typical: float) -> st.SearchStrategy[dict[str, Any]]:
    """Any distribution table, its parameters anywhere in their valid ranges."""
    mean = edges(1e-9, MAX_VALUE, typical, typical / 10)
    value = edges(0.0, MAX_VALUE, typical)
    cv = edges(0.0, MAX_CV, 0.5, 1.5)
    triangular = st.lists(value, min_size=3, max_size=3).map(sorted).filter(lambda v: v[2] > 0)
    empirical = st.lists(value, min_size=2, max_size=5).map(sorted)
    return st.one_of(
        st.builds(lambda m: {"dist": "exponential", "mean": m}, mean),
        st.builds(lambda m, c: {"dist": "lognormal", "mean": m, "cv": c}, mean, cv),
        st.builds(lambda m, c: {"dist": "gamma", "mean": m, "cv": c}, mean, cv),
        st.builds(lambda v: {"dist": "fixed", "value": v}, value),
        triangular.map(lambda v: {"dist": "triangular", "low": v[0], "mode": v[1], "high": v[2]}),
        empirical.map(
            lambda v: {
                "dist": "empirical",
                "values": v,
                "cumulative": [i / (len(v) - 1) for i in range(len(v))],
            }
        ),
    )


def share_rule() -> st.SearchStrategy[Any]:
    """A share as a number, a growth rule or points."""
    share = edges(0.0, 1.0, 0.1)
    return st.one_of(
        share.map(lambda s: s / 2),
        st.builds(
            lambda start, per_year: {"start": start / 2, "per_year": per_year, "max": 0.5},
            share,
            edges(-100.0, 100.0, 0.03),
        ),
        st.lists(st.tuples(edges(0.0, limits.MAX_DAYS, 1.0), share), min_size=1, max_size=3).map(
            lambda points: [[day, s / 2] for day, s in sorted(dict(points).items())]
        ),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario dict over every section, often at the ends of the valid ranges."""
    horizon = draw(edges(limits.MIN_HORIZON_DAYS, 3.0, 2.0))
    sources: dict[str, Any] = {}
    for index in range(draw(st.integers(1, 3))):
        sources[f"s{index}"] = {
            "reports_per_day": draw(edges(0.0, limits.MAX_REPORTS_PER_DAY, 300.0, 5.0)),
            "actionable_share": draw(edges(0.0, 1.0, 0.4)),
            "priority": draw(st.sampled_from([0, 1, 1000])),
        }
    if draw(st.booleans()):
        sources["search"] = {
            "kind": "proactive",
            "actionable_share": draw(edges(0.0, 1.0, 0.9)),
            "search_share": draw(edges(0.0, 1.0, 0.15)),
            "finds_per_search_hour": draw(edges(0.0, limits.MAX_FINDS_PER_SEARCH_HOUR, 10.0)),
            "search_block_minutes": draw(edges(limits.MIN_MINUTES, 1440.0, 30.0)),
            "search_when_idle": draw(st.booleans()),
        }
    intake: dict[str, Any] = {
        "sources": sources,
        "volume_multiplier": draw(edges(0.0, limits.MAX_FACTOR, 1.0)),
        "growth_per_year": draw(edges(-0.999999, limits.MAX_GROWTH_PER_YEAR, 0.33)),
        "initial_backlog": draw(st.sampled_from([0, 10, limits.MAX_INITIAL_BACKLOG])),
    }
    weight = st.one_of(st.just(0.0), edges(limits.MIN_PROFILE_WEIGHT, limits.MAX_PROFILE_WEIGHT, 1.0))
    if draw(st.booleans()):
        intake["weekly_profile"] = draw(st.lists(weight, min_size=7, max_size=7).filter(any))
    if draw(st.booleans()):
        intake["hourly_profile"] = draw(st.lists(weight, min_size=24, max_size=24).filter(any))
    if draw(st.booleans()):
        start = draw(st.integers(0, 48)) / 24
        intake["surges"] = [
            {
                "start_day": start,
                "end_day": draw(st.sampled_from([start + 1 / 24, start + 1, float(limits.MAX_DAYS)])),
                "multiplier": draw(edges(0.0, limits.MAX_FACTOR, 1.5)),
            }
        ]
    count = draw(st.sampled_from([1, 2, 13, limits.MAX_ANALYSTS]))
    analysts: dict[str, Any] = {
        "count": count,
        "schedule": draw(
            st.sampled_from(
                [
                    "24/7",
                    {"days": "mon-fri", "start": "08:00", "end": "16:00"},
                    {"days": "daily", "start": "22:00", "end": "06:00"},
                ]
            )
        ),
        "absence_share": draw(edges(0.0, 1.0, 0.05)),
    }
    if draw(st.booleans()):
        analysts["breaks"] = {
            "every_minutes": draw(edges(limits.MIN_MINUTES, 1440.0, 60.0)),
            "length_minutes": draw(edges(limits.MIN_MINUTES, 1440.0, 10.0)),
        }
    if draw(st.booleans()):
        analysts["max_viewing_hours_per_day"] = draw(edges(1e-9, 24.0, 5.0))
    if draw(st.booleans()):
        analysts["capacity_windows"] = [
            {"start_day": 0, "end_day": draw(edges(0.5, limits.MAX_DAYS, 1.0)), "available_share": 0.5}
        ]
    if draw(st.booleans()):
        hires = draw(st.integers(1, limits.MAX_ANALYSTS - count)) if count < limits.MAX_ANALYSTS else -1
        analysts["changes"] = [{"day": 1, "count_delta": hires}]
    if draw(st.booleans()):
        analysts["holidays"] = [1, limits.MAX_DAYS]
    data: dict[str, Any] = {
        "scenario": {"name": "fuzz", "horizon_days": horizon, "warmup_days": horizon / 3, "replications": 2},
        "intake": intake,
        "dedup": {
            "duplicate_share": draw(share_rule()),
            "hash_match_share": draw(share_rule()),
            "hash_match_time_factor": draw(edges(0.0, limits.MAX_FACTOR, 0.2)),
        },
        "analysts": analysts,
        "assessment": {"time_minutes": draw(distribution(5.0))},
        "sla": {"assessment_hours": draw(edges(1e-9, limits.MAX_HOURS, 24.0))},
    }
    if draw(st.booleans()):
        routes = ["direct", "partner_hotline", "law_enforcement"]
        data["takedown"] = {
            "hosts": [
                {
                    "country": f"C{i}",
                    "share": 1 / 3,
                    "route": route,
                    "removal_hours": draw(distribution(48.0)),
                }
                for i, route in enumerate(routes)
            ],
            "routes": {"law_enforcement": {"removal_hours": draw(distribution(600.0))}},
        }
        if draw(st.booleans()):
            data["takedown"].update(
                follow_up_hours=draw(edges(limits.MIN_FOLLOW_UP_HOURS, limits.MAX_HOURS, 72.0)),
                recheck_minutes=draw(edges(0.0, 1440.0, 2.0)),
                max_follow_ups=draw(st.sampled_from([0, 2, limits.MAX_FOLLOW_UPS])),
            )
        if draw(st.booleans()):
            data["reuploads"] = {
                "share": draw(edges(0.0, limits.MAX_REUPLOAD_SHARE, 0.1)),
                "delay_days": draw(distribution(30.0)),
                "hash_block_share": draw(edges(0.0, 1.0, 0.5)),
            }
    if draw(st.integers(0, 3)) == 0:  # one number out of its range, as the probe's files had them
        paths = list(number_paths(data))
        parent, key = paths[draw(st.integers(0, len(paths) - 1))]
        parent[key] = draw(st.sampled_from(HOSTILE))
    return data


HOSTILE = (1e308, 5e-324, 1e-300, -1.0, 1e160, 1e9, 2**70)


def number_paths(node: Any) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every number in nested dicts and lists."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if isinstance(value, dict | list):
            yield from number_paths(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield node, key


class RunTooLong(Exception):
    """The time limit of one fuzzed run passed."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise RunTooLong in this thread after `seconds` of wall time (SIGALRM)."""

    def expire(_signum: int, _frame: Any) -> None:
        raise RunTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def table_cells(folder: Path) -> Iterator[tuple[str, str, str]]:
    """(file, column, cell) of every CSV table in the folder."""
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column, cell in row.items():
                    yield path.name, column, cell


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # monkeypatch sets the same limit for every example
    ],
)
@given(data=scenarios())
@pytest.mark.slow
def test_a_scenario_check_accepts_runs_to_the_end_with_finite_numbers_or_is_refused(
    data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        scenario = scenario_from_dict(data, "fuzz.toml")
    except ScenarioError as exc:  # refused by `check`: a message per problem, naming its key
        assert exc.problems and all(": " in problem for problem in exc.problems), str(exc)
        return
    monkeypatch.setattr(limits, "MAX_STEPS", FUZZ_MAX_STEPS)
    try:
        with time_limit(SECONDS_LIMIT):
            results = sim.run(scenario, replications=2)
    except ExperimentError as exc:  # refused by the size estimate, before anything ran
        assert "too big" in str(exc)
        return
    folder = tmp_path_factory.mktemp("fuzz")
    with time_limit(SECONDS_LIMIT):
        sim.write(results, folder, plots=False)
    for name, column, cell in table_cells(folder):
        if cell in ("", "fuzz") or cell[0] not in "-0123456789.":
            continue
        value = float(cell)
        assert math.isfinite(value), f"{name}: {column} = {cell} for {data}"


@pytest.mark.slow
def test_the_fuzz_reaches_runs_and_refusals() -> None:
    """The strategy is not vacuous: among its first examples some are refused by the schema, some by
    the size estimate, and some run."""
    outcomes = {"invalid": 0, "too big": 0, "runs": 0}

    @settings(max_examples=120, deadline=None, derandomize=True, database=None)
    @given(data=scenarios())
    def classify(data: dict[str, Any]) -> None:
        try:
            scenario = scenario_from_dict(data, "fuzz.toml")
        except ScenarioError:
            outcomes["invalid"] += 1
            return
        steps = size.estimate([scenario], 2).steps
        outcomes["too big" if steps > FUZZ_MAX_STEPS else "runs"] += 1

    classify()
    assert all(count >= 5 for count in outcomes.values()), outcomes

"""What `staff` and `plan` announce before they simulate (`on_start`, the first line of a long job):
the work they usually do, which does not depend on `--max`; the most they might do (every value up
to `--max`) is what the size limit checks (docs/limits.md). A newcomer's trial found a plan announced
at "about 85 s" that took 15 s, and a staffing search at "about 4 min" that took 29 s: the old
announcement counted a whole run at `--max`."""

from __future__ import annotations

import pytest

from sim.experiments.plan import plan
from sim.experiments.size import JobSize
from sim.experiments.staffing import staff
from sim.scenario.schema import load_scenario
from tests.conftest import REPO

YEAR_2021 = load_scenario(REPO / "scenarios" / "year-2021.toml").with_values({"sla.assessment_hours": 72})
TARGET = "sla_assessment_share_source_public>=0.95"


class Started(Exception):
    """Raised by `on_start`: the job stops before its first replication."""


def announced_staff(high: int) -> JobSize:
    sizes: list[JobSize] = []

    def start(goals, replications: int, seed: int, size: JobSize) -> None:
        sizes.append(size)
        raise Started

    with pytest.raises(Started):
        staff(YEAR_2021, TARGET, 1, high, 3, on_start=start)
    return sizes[0]


def announced_plan(high: int) -> JobSize:
    sizes: list[JobSize] = []

    def start(goals, periods, replications: int, seed: int, size: JobSize) -> None:
        sizes.append(size)
        raise Started

    with pytest.raises(Started):
        plan(YEAR_2021.with_values({"intake.growth_per_year": 0.1}), TARGET, high=high, replications=3,
             on_start=start)  # fmt: skip
    return sizes[0]


def test_a_search_from_its_estimate_announces_the_same_work_whatever_its_max() -> None:
    """The 2021 search starts from its Erlang C estimate (about 13): --max 30 or 300 changes the
    most it may try, not what it usually tries."""
    assert announced_staff(30).steps == announced_staff(300).steps
    assert announced_staff(30).steps < 10 * 12 * 1e6  # fewer than 10 sizes of 3 replications of 2021


def test_a_plan_announces_the_same_work_whatever_its_max() -> None:
    """A plan of 2021 by quarters: about 3 team sizes a quarter and 2 runs of the year, whatever
    --max is."""
    small, large = announced_plan(30), announced_plan(300)
    assert small.steps == large.steps and small.runs == large.runs
    assert small.runs == 3 * (
        4 * 3 + 1 + 2
    )  # replications x (sizes of the quarters, the first's extra, 2 years)

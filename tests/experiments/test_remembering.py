"""Replications remembered within a block (`remembering`): one asked for again is the one run before,
exactly, and is not simulated again; anything else is."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from sim.experiments import execution
from sim.experiments.execution import remembering, run_batch, run_groups
from sim.experiments.job import Options
from sim.experiments.resume import ReplicationCache
from sim.scenario.schema import scenario_from_dict
from tests.conftest import mmc_dict


@pytest.fixture
def simulated(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The (seed, replication) of every replication actually simulated in this process."""
    calls: list[tuple[int, int]] = []
    real = execution.run_replication

    def counting(scenario, seed: int, replication: int):
        calls.append((seed, replication))
        return real(scenario, seed, replication)

    monkeypatch.setattr(execution, "run_replication", counting)
    return calls


def _same(a, b) -> bool:
    return pickle.dumps(a) == pickle.dumps(b)


SCENARIO = scenario_from_dict(mmc_dict(3, 0.8, 3, 0.5, 2, 4))
OTHER = SCENARIO.with_values({"analysts.count": 4})


def test_a_replication_asked_for_again_is_reused_exactly(simulated: list) -> None:
    fresh = run_batch([(s, 7, r) for s in (OTHER, SCENARIO) for r in range(3)])  # nothing kept
    assert len(simulated) == 6
    simulated.clear()
    with remembering() as memo:
        (first,) = run_groups([SCENARIO], Options(2, 7)).groups
        other, again = run_groups([OTHER, SCENARIO], Options(3, 7)).groups
    assert simulated == [(7, 0), (7, 1), (7, 0), (7, 1), (7, 2), (7, 2)]  # SCENARIO's 0 and 1 once
    assert (memo.simulated, memo.reused) == (6, 2)
    assert all(_same(a, b) for a, b in zip([*other, *again], fresh, strict=True))
    assert all(_same(a, b) for a, b in zip(first, fresh[3:5], strict=True))


def test_a_new_seed_replication_or_scenario_value_is_simulated(simulated: list) -> None:
    with remembering() as memo:
        run_groups([SCENARIO], Options(2, 7))
        run_groups([SCENARIO, OTHER], Options(3, 8))
        with remembering() as inner:  # a nested block shares the outer one
            run_groups([OTHER], Options(2, 8))
    assert simulated == [(7, 0), (7, 1), *[(8, r) for r in range(3)] * 2]
    assert inner is memo and (memo.simulated, memo.reused) == (8, 2)
    run_groups([SCENARIO], Options(2, 7))  # the block has ended: simulated again
    assert simulated[-2:] == [(7, 0), (7, 1)] and len(simulated) == 10


def test_changing_a_result_leaves_the_remembered_one_as_it_was(simulated: list) -> None:
    with remembering():
        first = run_groups([SCENARIO], Options(2, 7)).groups[0][0]
        kept = pickle.dumps(first)
        first.metrics["wait_hours_mean"] = -1.0
        first.timeseries["arrivals"][0] = -1.0
        again = run_groups([SCENARIO], Options(2, 7)).groups[0][0]
        assert pickle.dumps(again) == kept
        again.metrics["wait_hours_mean"] = -2.0  # the copy handed out, changed
        third = run_groups([SCENARIO], Options(2, 7)).groups[0][0]
    assert len(simulated) == 2
    assert pickle.dumps(third) == kept


def test_the_resume_cache_counts_only_what_it_gave_and_gets_what_memory_gave(
    simulated: list, tmp_path: Path
) -> None:
    """With both, the disk cache is asked first; what it misses and the memory has is written to
    it; its `reused` count (what a sweep reports) is its own hits, not the memory's."""
    with remembering() as memo:
        run_groups([SCENARIO], Options(2, 7))  # in memory only
        disk = ReplicationCache(tmp_path)
        done = run_groups([SCENARIO], Options(3, 7), cache=disk)
        assert done.reused == 0 and (memo.simulated, memo.reused) == (3, 2)
        assert len(list(disk.folder.glob("*.json"))) == 3  # the 2 from memory and the new one
        again = run_groups([SCENARIO], Options(3, 7), cache=ReplicationCache(tmp_path))
        assert again.reused == 3 and (memo.simulated, memo.reused) == (3, 2)
    assert simulated == [(7, 0), (7, 1), (7, 2)]
    np.testing.assert_equal([r.metrics for r in again.groups[0]], [r.metrics for r in done.groups[0]])


def test_the_order_of_teams_or_sources_is_part_of_what_is_remembered() -> None:
    """Who is woken first follows the file's order of teams, and the sources' order numbers their
    streams: the same tables in another order are another run."""
    import tomllib

    from sim.experiments.resume import ReplicationCache
    from tests.conftest import REPO

    data = tomllib.loads((REPO / "scenarios" / "two-teams-pooled.toml").read_text(encoding="utf-8"))
    scenario = scenario_from_dict(data)
    teams = {**data, "teams": dict(reversed(list(data["teams"].items())))}
    sources = {
        **data,
        "intake": {**data["intake"], "sources": dict(reversed(list(data["intake"]["sources"].items())))},
    }
    for other in (scenario_from_dict(teams), scenario_from_dict(sources)):
        assert execution.memo_key(other, 1, 0) != execution.memo_key(scenario, 1, 0)
        assert ReplicationCache.key(other, 1, 0) != ReplicationCache.key(scenario, 1, 0)
    assert execution.memo_key(scenario_from_dict(data), 1, 0) == execution.memo_key(scenario, 1, 0)

"""Replications remembered within a block (`remembering`): one asked for again is the one run before,
exactly, and is not simulated again; anything else is."""

from __future__ import annotations

import pickle

import pytest

from sim.experiments import execution
from sim.experiments.execution import remembering, run_batch
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


def test_a_replication_asked_for_again_is_reused_exactly(simulated: list) -> None:
    fresh = run_batch([(SCENARIO, 7, r) for r in range(3)])  # outside a block: nothing kept
    assert simulated == [(7, 0), (7, 1), (7, 2)]
    simulated.clear()
    seen: list[int] = []
    ticks: list[tuple[int, int]] = []
    with remembering() as memo:
        first = run_batch([(SCENARIO, 7, 0), (SCENARIO, 7, 1)])
        again = run_batch(
            [(SCENARIO, 7, 2), (SCENARIO, 7, 1), (SCENARIO, 7, 0)],
            progress=lambda done, total: ticks.append((done, total)),
            on_result=lambda index, _result: seen.append(index),
        )
    assert simulated == [(7, 0), (7, 1), (7, 2)]  # replications 0 and 1 once each
    assert (memo.simulated, memo.reused) == (3, 2)
    assert all(
        _same(a, b)
        for a, b in zip([*first, *again], [fresh[0], fresh[1], fresh[2], fresh[1], fresh[0]], strict=True)
    )
    assert sorted(seen) == [0, 1, 2]  # every result of the batch, reused ones too
    assert ticks[-1] == (3, 3)


def test_a_new_seed_replication_or_scenario_value_is_simulated(simulated: list) -> None:
    other = SCENARIO.with_values({"analysts.count": 4})
    with remembering() as memo:
        run_batch([(SCENARIO, 7, 0)])
        run_batch([(SCENARIO, 8, 0), (SCENARIO, 7, 1), (other, 7, 0)])
        with remembering() as inner:  # a nested block shares the outer one
            run_batch([(other, 7, 0)])
    assert simulated == [(7, 0), (8, 0), (7, 1), (7, 0)]
    assert inner is memo and (memo.simulated, memo.reused) == (4, 1)
    run_batch([(SCENARIO, 7, 0)])  # the block has ended: simulated again
    assert simulated[-1] == (7, 0) and len(simulated) == 5


def test_changing_a_result_leaves_the_remembered_one_as_it_was(simulated: list) -> None:
    with remembering():
        (first,) = run_batch([(SCENARIO, 7, 0)])
        kept = pickle.dumps(first)
        first.metrics["wait_hours_mean"] = -1.0
        first.timeseries["arrivals"][0] = -1.0
        (again,) = run_batch([(SCENARIO, 7, 0)])
        assert pickle.dumps(again) == kept
        again.metrics["wait_hours_mean"] = -2.0  # the copy handed out, changed
        (third,) = run_batch([(SCENARIO, 7, 0)])
    assert len(simulated) == 1
    assert pickle.dumps(third) == kept


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

"""Replications: build each one's streams and model, run them in order or on a process pool.

Results always come back in replication order, so the tables are the same for any `jobs`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from sim.metrics import ReplicationResult
from sim.scenario import Scenario


def run_replication(scenario: Scenario, seed: int, replication: int) -> ReplicationResult:
    """Simulate replication `replication` of `scenario` with the run's `seed`."""
    import simpy

    from sim.model import HotlineModel
    from sim.streams import Streams

    env = simpy.Environment()
    model = HotlineModel(env, scenario, Streams(seed, replication))
    return model.run(replication)


def _run_one(args: tuple[Scenario, int, int]) -> ReplicationResult:
    return run_replication(*args)


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[ReplicationResult]:
    """Run `replications` replications on `jobs` processes; results in replication order."""
    return run_batch([(scenario, seed, r) for r in range(replications)], jobs, progress)


def run_batch(
    work: list[tuple[Scenario, int, int]],
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[ReplicationResult]:
    """Run (scenario, seed, replication) items on `jobs` processes; results in the items' order.

    A sweep hands over all its arms' replications at once, so both cores stay busy across arms.
    """
    results: list[ReplicationResult] = []
    if jobs <= 1 or len(work) <= 1:
        for item in work:
            results.append(_run_one(item))
            if progress:
                progress(len(results), len(work))
        return results
    with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
        for result in pool.map(_run_one, work):
            results.append(result)
            if progress:
                progress(len(results), len(work))
    return results

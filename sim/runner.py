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
    on_result: Callable[[int, ReplicationResult], None] | None = None,
) -> list[ReplicationResult]:
    """Run (scenario, seed, replication) items on `jobs` processes; results in the items' order.

    A sweep hands over all its arms' replications at once, so both cores stay busy across arms.
    `on_result(index, result)` sees each result as soon as it is in (a sweep caches it there).
    """
    results: list[ReplicationResult] = []

    def collect(result: ReplicationResult) -> None:
        if on_result:
            on_result(len(results), result)
        results.append(result)
        if progress:
            progress(len(results), len(work))

    if jobs <= 1 or len(work) <= 1:
        for item in work:
            collect(_run_one(item))
        return results
    with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
        for result in pool.map(_run_one, work):
            collect(result)
    return results

"""Replications: build each one's streams and model, run them in order, on a process pool, or as
Dask distributed tasks.

Results always come back in replication order, and each replication's numbers depend only on
(scenario, seed, replication), so the tables are the same for any `jobs` or scheduler. A Dask
task that is lost with its worker is run again elsewhere and gives the same numbers.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.metrics import ReplicationResult
from sim.model.replication import run_replication
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.experiments.job import Options
    from sim.experiments.resume import ReplicationCache


def _run_one(args: tuple[Scenario, int, int]) -> ReplicationResult:
    return run_replication(*args)


class SchedulerError(RuntimeError):
    """The Dask scheduler cannot be used (the extra is missing, or the address does not answer)."""


TASK_RETRIES = 3  # a replication that fails on a worker is tried again (its numbers are the same)
CONNECT_SECONDS = 10  # a scheduler that has not answered by then is reported


def _run_on_dask(work: list[tuple[Scenario, int, int]], address: str, jobs: int, collect) -> None:
    """Run the items as Dask tasks, collecting results in the items' order."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SchedulerError(
            "a Dask scheduler needs Dask distributed: pip install 'hotline-sim[dask]'"
        ) from None
    cluster = None
    try:
        if address == "local":
            workers = jobs if jobs > 1 else (os.cpu_count() or 1)
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        else:
            client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        futures = client.map(_run_one, work, pure=False, retries=TASK_RETRIES)
        for future in futures:
            collect(future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[ReplicationResult]:
    """Run `replications` replications on `jobs` processes; results in replication order."""
    return run_batch([(scenario, seed, r) for r in range(replications)], jobs, progress)


def memo_key(scenario: Scenario, seed: int, replication: int) -> str:
    """What identifies a replication's numbers: the resolved scenario, the seed and its number. The
    scenario's tables keep their order (not sorted): the order of the teams (who is woken first)
    and of the sources changes a run."""
    return json.dumps([scenario.to_dict(), seed, replication])


@dataclass
class Remembered:
    """The replications a `remembering` block keeps in memory (by `memo_key`), with the interface of
    the resume cache on disk (`key`, `get`, `put`; `run_groups` asks both), and how many the block
    ran and reused. What it hands out and what it keeps are copies: a result changed by its user
    leaves the kept one as it was."""

    results: dict[str, ReplicationResult] = field(default_factory=dict)
    simulated: int = 0
    reused: int = 0

    key = staticmethod(memo_key)

    def get(self, key: str, scenario: Scenario, seed: int, replication: int) -> ReplicationResult | None:
        """The kept replication of `key`, or None."""
        kept = self.results.get(key)
        return None if kept is None else copy.deepcopy(kept)

    def put(
        self, key: str, scenario: Scenario, seed: int, replication: int, result: ReplicationResult
    ) -> None:
        """Keep a finished replication until the block ends."""
        self.results[key] = copy.deepcopy(result)


_remembered: Remembered | None = None  # the `remembering` block in force


@contextmanager
def remembering() -> Iterator[Remembered]:
    """Within the block, every replication `run_groups` finishes is kept in memory, and one asked
    for again (the same scenario, seed and replication) is taken from there instead of simulated:
    a replication is a pure function of those, so the copy is exactly what running it again gives.

    `hotline-sim reproduce` runs its jobs in one such block: the staffing jobs' "today" runs are
    the baseline run's replications, and their team sizes are often cells of the sweeps before
    them. Each result is about 0.25 MB; a block keeps them all until it ends. Blocks nest (an inner
    one shares the outer one's replications and counts)."""
    global _remembered
    outer = _remembered
    _remembered = Remembered() if outer is None else outer
    try:
        yield _remembered
    finally:
        _remembered = outer


def run_batch(
    work: list[tuple[Scenario, int, int]],
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    on_result: Callable[[int, ReplicationResult], None] | None = None,
    scheduler: str | None = None,
) -> list[ReplicationResult]:
    """Run (scenario, seed, replication) items on `jobs` processes, or as tasks of the Dask
    scheduler at `scheduler` ("local": a LocalCluster started on this machine for the batch; None:
    processes on this machine); results in the items' order.

    A sweep hands over all its arms' replications at once, so both cores stay busy across arms.
    `on_result(index, result)` sees each result as soon as it is in (`run_groups` stores it in its
    caches there). Every item is simulated: the caches are `run_groups`'.
    """
    results: list[ReplicationResult] = []
    if progress and work:
        progress(0, len(work))  # the batch starts: a progress bar counts from here

    def collect(result: ReplicationResult) -> None:
        if on_result:
            on_result(len(results), result)
        results.append(result)
        if progress:
            progress(len(results), len(work))

    if scheduler is not None and work:
        _run_on_dask(work, scheduler, jobs, collect)
        return results
    if jobs <= 1 or len(work) <= 1:
        for item in work:
            collect(_run_one(item))
        return results
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(work)))
    try:
        for result in pool.map(_run_one, work):
            collect(result)
    except BaseException:  # Ctrl-C or a failure: stop the workers now rather than wait for them
        for process in list((pool._processes or {}).values()):  # no public way before Python 3.14
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


@dataclass
class GroupRun:
    """Replications of several scenarios (arms) run side by side, with the same count each."""

    groups: list[list[ReplicationResult]]
    replications: int
    imprecise: list[str]  # key metrics still above the precision at the maximum (else empty)
    reused: int = 0  # replications taken from the resume cache


def run_groups(
    scenarios: list[Scenario],
    options: Options,
    metrics: Sequence[str] = (),
    cache: ReplicationCache | None = None,
    screen: tuple[int, Callable[[list[list[ReplicationResult]]], bool]] | None = None,
) -> GroupRun:
    """Run `options.replications` replications of every scenario (replication r on the streams of
    (seed, r)), then, with `options.precision`, batches until every group's `metrics` are precise
    enough or `options.max_replications` are done. With a `screen` (first, settled), the first
    `first` replications run on their own, and no more when `settled(groups)` says so (`replicate`).

    With a `cache`, replications already finished are taken from it and new ones stored in it
    as soon as they are done (sweep --resume; `reused` counts what it gave). Inside a
    `remembering` block, the block's memory is asked next, and keeps every replication too."""
    from sim.stats.precision import imprecise, replicate

    run = GroupRun([[] for _ in scenarios], 0, [])
    memo = _remembered
    caches: list[ReplicationCache | Remembered] = [c for c in (cache, memo) if c is not None]

    def more(first: int, last: int) -> None:
        work = [(scenario, options.seed, r) for scenario in scenarios for r in range(first, last)]
        keys = [[c.key(*item) for item in work] for c in caches]
        found: list[ReplicationResult | None] = [None] * len(work)
        where = [len(caches)] * len(work)  # the first cache that had each item (len(caches): none)
        for index, item in enumerate(work):
            for number, store in enumerate(caches):
                found[index] = store.get(keys[number][index], *item)
                if found[index] is not None:
                    where[index] = number
                    for missed in range(number):  # (the disk cache, when the memory had it)
                        caches[missed].put(keys[missed][index], *item, found[index])
                    break
        missing = [i for i, result in enumerate(found) if result is None]
        if cache is not None:
            run.reused += where.count(0)
        if memo is not None:
            memo.reused += where.count(caches.index(memo))
            memo.simulated += len(missing)

        def keep(position: int, result: ReplicationResult) -> None:
            index = missing[position]
            for number, store in enumerate(caches):
                store.put(keys[number][index], *work[index], result)

        batch = [work[i] for i in missing]
        fresh = iter(run_batch(batch, options.jobs, options.progress(), keep, options.scheduler))
        results = [result if result is not None else next(fresh) for result in found]
        size = last - first
        for index, group in enumerate(run.groups):
            group.extend(results[index * size : (index + 1) * size])

    maximum = options.max_replications if options.precision is not None else None
    run.replications, run.imprecise = replicate(
        more,
        lambda: imprecise(run.groups, metrics, options.precision),
        options.replications,
        maximum,
        None if screen is None else (screen[0], lambda: screen[1](run.groups)),
    )
    return run

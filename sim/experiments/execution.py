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


@dataclass
class Remembered:
    """The replications a `remembering` block keeps (by `memo_key`), and how many it ran and reused."""

    results: dict[str, ReplicationResult] = field(default_factory=dict)
    simulated: int = 0
    reused: int = 0


_remembered: Remembered | None = None  # the `remembering` block in force


@contextmanager
def remembering() -> Iterator[Remembered]:
    """Within the block, every replication `run_batch` finishes is kept in memory, and one asked for
    again (the same scenario, seed and replication) is taken from there instead of simulated: a
    replication is a pure function of those, so the copy is exactly what running it again gives.

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


def memo_key(scenario: Scenario, seed: int, replication: int) -> str:
    """What identifies a replication's numbers: the resolved scenario, the seed and its number. The
    scenario's tables keep their order (not sorted): the order of the teams (who is woken first)
    and of the sources changes a run."""
    return json.dumps([scenario.to_dict(), seed, replication])


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
    `on_result(index, result)` sees each result as soon as it is in (a sweep caches it there).
    Inside a `remembering` block, items finished before are taken from memory and only the others
    are simulated: `on_result` then sees the remembered ones first (its index says which item each
    is), and `progress` starts at their count rather than 0.
    """
    memo = _remembered
    if memo is None:
        return _run_batch(work, jobs, progress, on_result, scheduler)
    kept = memo.results
    keys = [memo_key(*item) for item in work]
    missing = [i for i, key in enumerate(keys) if key not in kept]
    results: list[ReplicationResult | None] = [
        None if key not in kept else copy.deepcopy(kept[key]) for key in keys
    ]
    known = len(work) - len(missing)
    memo.reused += known
    memo.simulated += len(missing)
    for index, result in enumerate(results):
        if result is not None and on_result:
            on_result(index, result)

    def counted(done: int, _total: int) -> None:
        if progress:
            progress(known + done, len(work))

    def fresh(position: int, result: ReplicationResult) -> None:
        index = missing[position]
        kept[keys[index]] = copy.deepcopy(result)
        if on_result:
            on_result(index, result)

    if progress and work and not missing:
        progress(len(work), len(work))
    ran = _run_batch([work[i] for i in missing], jobs, counted if progress else None, fresh, scheduler)
    for index, result in zip(missing, ran, strict=True):
        results[index] = result
    return results  # every slot is filled


def _run_batch(
    work: list[tuple[Scenario, int, int]],
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    on_result: Callable[[int, ReplicationResult], None] | None = None,
    scheduler: str | None = None,
) -> list[ReplicationResult]:
    """`run_batch` without the remembered replications."""
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
) -> GroupRun:
    """Run `options.replications` replications of every scenario (replication r on the streams of
    (seed, r)), then, with `options.precision`, batches until every group's `metrics` are precise
    enough or `options.max_replications` are done.

    With a `cache`, replications already finished are taken from it and new ones stored in it
    as soon as they are done (sweep --resume)."""
    from sim.stats.precision import imprecise, replicate

    run = GroupRun([[] for _ in scenarios], 0, [])

    def more(first: int, last: int) -> None:
        work = [(scenario, options.seed, r) for scenario in scenarios for r in range(first, last)]
        keys = [cache.key(*item) for item in work] if cache else []
        found: list[ReplicationResult | None] = [None] * len(work)
        if cache:
            found = [cache.get(key, *item) for key, item in zip(keys, work, strict=True)]
        missing = [i for i, result in enumerate(found) if result is None]
        run.reused += len(work) - len(missing)

        def keep(position: int, result: ReplicationResult) -> None:
            if cache:
                index = missing[position]
                cache.put(keys[index], *work[index], result)

        batch = [work[i] for i in missing]
        fresh = iter(run_batch(batch, options.jobs, options.progress(), keep, options.scheduler))
        results = [result if result is not None else next(fresh) for result in found]
        size = last - first
        for index, group in enumerate(run.groups):
            group.extend(results[index * size : (index + 1) * size])

    maximum = options.max_replications if options.precision is not None else None
    run.replications, run.imprecise = replicate(
        more, lambda: imprecise(run.groups, metrics, options.precision), options.replications, maximum
    )
    return run

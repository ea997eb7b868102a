"""Replications as Dask distributed tasks: the same tables as `--jobs 1`, even when a worker dies.

A local cluster of 2 worker processes (1 thread each) stands in for a planner's cluster. Each
replication's numbers depend only on (scenario, seed, replication), so where it runs, and how often
it is started again after a worker is lost, must not change a byte.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from sim.experiments.execution import run_batch  # noqa: E402
from sim.scenario.schema import scenario_from_dict  # noqa: E402
from tests.conftest import REPO, hotline_sim, mmc_dict, with_changes  # noqa: E402
from tests.scenario_edits import write_scenario  # noqa: E402

SWEEP_TABLES = ("sweep.csv", "sweep_differences.csv")


def small_scenario() -> dict:
    """A few days of a small 24/7 team with two hosts: about a second per replication."""
    return with_changes(mmc_dict(4, 0.7, 12, 1, 3, 5), scenario={"name": "dask-check"})


@pytest.fixture
def cluster():
    """A local cluster of 2 worker processes with 1 thread each; its scheduler's address."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


@pytest.mark.slow
def test_a_sweep_through_the_cluster_writes_the_same_tables_as_one_process(cluster, tmp_path: Path) -> None:
    path = write_scenario(tmp_path / "dask-check.toml", small_scenario())
    sweep = ["sweep", str(path), "--vary", "analysts.count=3,4", "-n", "3", "--no-plots", "-q"]
    one = hotline_sim(*sweep, "--jobs", "1", "--out", str(tmp_path / "one"), cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    dask = hotline_sim(
        *sweep, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "dask"), cwd=tmp_path
    )
    assert dask.returncode == 0, dask.stderr
    for table in SWEEP_TABLES:
        assert (tmp_path / "dask" / table).read_bytes() == (tmp_path / "one" / table).read_bytes(), table


class DieOnFirstTask(distributed.WorkerPlugin):
    """Kills the worker process the first time any worker starts a task (a marker file makes it
    once in the whole cluster): the scheduler loses the task with the worker and runs it again."""

    def __init__(self, marker: str):
        self.marker = marker

    def transition(self, key, start, finish, **kwargs) -> None:  # noqa: ANN001 - Dask's signature
        if finish == "executing":
            try:
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return
            os.close(fd)
            os._exit(1)  # the worker dies holding the task, not by timing luck


@pytest.mark.slow
def test_a_worker_that_dies_mid_run_changes_no_number(cluster, tmp_path: Path) -> None:
    scenario = scenario_from_dict(small_scenario())
    work = [(scenario, 5, r) for r in range(4)]
    expected = run_batch(work, jobs=1)
    marker = tmp_path / "worker-died"
    with distributed.Client(cluster) as client:
        client.register_plugin(DieOnFirstTask(str(marker)))
    results = run_batch(work, scheduler=cluster.scheduler_address)
    assert marker.exists(), "a worker was killed on its first task"
    assert [r.replication for r in results] == [0, 1, 2, 3]
    assert [repr(r.metrics) for r in results] == [repr(r.metrics) for r in expected]
    for got, want in zip(results, expected, strict=True):
        for name, series in want.timeseries.items():
            assert got.timeseries[name].tolist() == series.tolist(), name
        assert got.hosts == want.hosts


# The console script's `main` with the scheduler's connect timeout cut from 10 s to 1 s: the same
# process, exit code and whole stderr (a library's logging included) as `hotline-sim`, on this
# tree's code, without waiting 10 s for an address that never answers.
IMPATIENT_CLI = (
    "import sys; import sim.experiments.execution as execution; "
    "assert execution.CONNECT_SECONDS > 1; execution.CONNECT_SECONDS = 1; "
    "sys.argv[0] = 'hotline-sim'; from sim.cli import main; main()"
)


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_clear_error(tmp_path: Path) -> None:
    path = write_scenario(tmp_path / "dask-check.toml", small_scenario())
    out = tmp_path / "out"
    arguments = ["run", str(path), "--scheduler", "tcp://127.0.0.1:9", "-n", "2", "-q", "--out", str(out)]
    result = subprocess.run(
        [sys.executable, "-c", IMPATIENT_CLI, *arguments], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "summary.csv").exists()

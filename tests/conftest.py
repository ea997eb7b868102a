"""Shared helpers: small scenarios built from plain dicts."""

from __future__ import annotations

import contextlib
import copy
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from sim.experiments.execution import run_replications
from sim.model import BUILD as MODEL_BUILD
from sim.scenario.schema import Scenario, scenario_from_dict
from sim.stats.intervals import Summary
from sim.stats.summaries import summarise_metrics

REPO = Path(__file__).resolve().parent.parent  # the repository: scenarios/, docs/, results/


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With the compiled model, skip the tests marked `pure_model` (they subclass or patch the
    model's classes from Python, which compiled classes do not allow); `tests/model/test_compiled.py`
    runs them on the pure-Python model."""
    if MODEL_BUILD != "compiled":
        return
    skip = pytest.mark.skip(reason="changes the model's classes from Python: run on the pure-Python model")
    for item in items:
        if "pure_model" in item.keywords:
            item.add_marker(skip)


# Property tests draw the same examples on every run, so a test run is deterministic (CI is green or
# red for the code, not for the draw). To search further than the fixed draw:
# HYPOTHESIS_PROFILE=explore pytest ... (new random draws on each run).
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))


def mmc_dict(
    servers: int, rho: float, horizon_days: float, warmup_days: float, reps: int, seed: int
) -> dict[str, Any]:
    """An M/M/c scenario: 24/7, one Poisson source, exponential 5-minute assessments."""
    service_rate_per_hour = 12.0
    arrival_rate_per_hour = rho * servers * service_rate_per_hour
    return {
        "scenario": {
            "name": "mmc",
            "horizon_days": horizon_days,
            "warmup_days": warmup_days,
            "replications": reps,
            "seed": seed,
        },
        "intake": {
            "sources": {"public": {"reports_per_day": arrival_rate_per_hour * 24, "actionable_share": 0.5}}
        },
        "analysts": {"count": servers, "schedule": "24/7"},
        "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
        "takedown": {
            "hosts": [
                {
                    "country": "A",
                    "share": 0.6,
                    "route": "partner_hotline",
                    "removal_hours": {"dist": "exponential", "mean": 10.0},
                },
                {
                    "country": "B",
                    "share": 0.4,
                    "route": "direct",
                    "removal_hours": {"dist": "lognormal", "mean": 2.0, "cv": 1.0},
                },
            ]
        },
    }


def with_changes(data: dict[str, Any], **sections: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `data` with whole sections replaced or merged (one level deep)."""
    out = copy.deepcopy(data)
    for name, values in sections.items():
        if isinstance(values, dict) and isinstance(out.get(name), dict):
            out[name].update(values)
        else:
            out[name] = values
    return out


def simulate(data: dict[str, Any], jobs: int = 1) -> tuple[Scenario, list, dict[str, Summary]]:
    """Validate, run every replication of the file, and summarise."""
    scenario = scenario_from_dict(data)
    results = run_replications(scenario, scenario.scenario.replications, scenario.scenario.seed, jobs)
    return scenario, results, summarise_metrics(results)


@pytest.fixture
def mmc() -> Any:
    """The M/M/c scenario factory."""
    return mmc_dict


def cli_command() -> list[str]:
    """The `hotline-sim` console script beside this Python, else `python -m sim.cli`."""
    script = Path(sys.executable).with_name("hotline-sim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]


def hotline_sim(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command line as a planner would, in a new process, capturing its output."""
    return subprocess.run(
        [*cli_command(), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def hotline_sim_here(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process (`sim.cli.execute`, what the console script runs after
    installing its Ctrl-C handler), from `cwd`: the same exit code, stdout and stderr as
    `hotline_sim`, without starting Python again. For the many bad-input cases."""
    from sim.cli import execute

    argv = [str(arg) for arg in args]
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = execute(argv)
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["hotline-sim", *argv], code, out.getvalue(), err.getvalue())

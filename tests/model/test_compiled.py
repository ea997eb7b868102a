"""The compiled model (`setup.py`, see `sim.model`) is the pure-Python model: replications of many
variants and seeds give byte-identical results, and a traced run the same events, event for event.
The package uses the compiled modules only while they match their source.

Both sides run in a child Python on a copy of the package: compiled, and with `HOTLINE_SIM_PURE=1`.
The copy takes the compiled modules of the package under test when it has them, and is compiled
once (`setup.py build_ext --inplace`, as an editable install does) when it has not. With the
compiled model, the tests marked `pure_model` run here on the pure-Python one. Run as a script,
this file prints the fingerprints of the variants.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.model import BUILD

REPO = Path(__file__).resolve().parents[2]
WEEKEND_ROTA = [
    {"days": "mon-fri", "start": "08:00", "end": "16:00"},
    {"days": "sat,sun", "start": "08:00", "end": "16:00", "analysts": 2},
]
# every part of the model: shifts, breaks, caps, finds, priorities, teams, surges, the takedown loop
VARIANTS: dict[str, tuple[str, dict]] = {
    "year-2021": ("year-2021.toml", {"scenario.horizon_days": 40}),
    "mmc-check": ("mmc-check.toml", {"scenario.horizon_days": 15}),
    "baseline-2018": ("baseline-2018.toml", {"scenario.horizon_days": 60}),
    "two-teams": ("two-teams.toml", {"scenario.horizon_days": 40}),
    "two-teams-pooled": ("two-teams-pooled.toml", {"scenario.horizon_days": 40}),
    "surge": ("lockdown-2020.toml", {"scenario.horizon_days": 100, "scenario.warmup_days": 70}),
    "takedown-loop": (
        "year-2021.toml",
        {"scenario.horizon_days": 40, "takedown.follow_up_hours": 24, "takedown.max_follow_ups": 2,
         "reuploads.share": 0.3, "reuploads.hash_block_share": 0.5,
         "reuploads.delay_days": {"dist": "exponential", "mean": 5}},
    ),
    "priorities-idle-search": (
        "year-2021.toml",
        {"scenario.horizon_days": 40, "intake.sources.referral.priority": 0,
         "intake.sources.proactive.priority": 2, "intake.sources.proactive.search_when_idle": True,
         "takedown.follow_up_hours": 48},
    ),
    "backlog-weekends": (
        "baseline-2018.toml",
        {"scenario.horizon_days": 45, "scenario.warmup_days": 0, "intake.initial_backlog": 400,
         "analysts.schedule": WEEKEND_ROTA},
    ),
    "growth-hires": (
        "year-2021.toml",
        {"scenario.horizon_days": 120, "intake.growth_per_year": 0.3, "analysts.count": 9},
    ),
}  # fmt: skip
SEEDS = (11, 2021)
TRACED = (
    "year-2021.toml",
    {"scenario.horizon_days": 16, "scenario.warmup_days": 4, "takedown.follow_up_hours": 24},
)


def fingerprints() -> dict[str, object]:
    """In this Python: which model runs, and the SHA-256 of each variant's pickled replication
    results (every metric, daily series and histogram) for each seed."""
    from sim.model import BUILD
    from sim.model.replication import run_replication
    from sim.scenario.schema import load_scenario

    prints: dict[str, object] = {"build": BUILD}
    for name, (file, overrides) in VARIANTS.items():
        scenario = load_scenario(REPO / "scenarios" / file).with_values(overrides)
        for seed in SEEDS:
            result = run_replication(scenario, seed, 0)
            prints[f"{name}/{seed}"] = hashlib.sha256(pickle.dumps(result)).hexdigest()
    return prints


def child(copy: Path, *args: str, pure: bool = False) -> subprocess.CompletedProcess:
    """This Python on the copy of the package (compiled, or its source with `pure`)."""
    env = {**os.environ, "PYTHONPATH": str(copy), "HOTLINE_SIM_PURE": "1" if pure else ""}
    return checked([sys.executable, *args], copy, env)


def checked(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `argv`; a failure shows what it printed."""
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with its model compiled: the build under test's when it is compiled,
    else a build of its own, as `setup.py` makes it."""
    copy = tmp_path_factory.mktemp("compiled")
    if BUILD == "compiled":
        import sim.model.hotline  # noqa: F401 (it loads the extensions' shared library)

        shared = Path(sys.modules["hotline_sim_model__mypyc"].__file__ or "")
        shutil.copy(shared, copy / shared.name)
        shutil.copytree(REPO / "sim", copy / "sim", ignore=shutil.ignore_patterns("__pycache__"))
        return copy
    pytest.importorskip("mypyc", reason="mypy (the [test] extra) compiles the model")
    for name in ("setup.py", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, copy / name)
    skip = shutil.ignore_patterns("__pycache__", "*.so", "_compiled*")  # a build of the repository's own
    shutil.copytree(REPO / "sim", copy / "sim", ignore=skip)
    env = {**os.environ, "HOTLINE_SIM_COMPILE": "1"}
    checked([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], copy, env)
    return copy


def build_of(copy: Path, pure: bool = False) -> str:
    """Which model the copy runs, and from which file its main module loads."""
    script = "import sim.model as m, sim.model.hotline as h; print(m.BUILD, '|', h.__file__)"
    return child(copy, "-W", "ignore::RuntimeWarning", "-c", script, pure=pure).stdout.strip()


@pytest.mark.slow
def test_the_compiled_model_gives_the_pure_models_results_byte_for_byte(compiled: Path) -> None:
    compiled_prints = json.loads(child(compiled, __file__).stdout)
    pure_prints = json.loads(child(compiled, __file__, pure=True).stdout)
    assert compiled_prints.pop("build") == "compiled"
    assert pure_prints.pop("build") == "pure Python (HOTLINE_SIM_PURE=1)"
    assert len(compiled_prints) == len(VARIANTS) * len(SEEDS)
    different = [key for key in compiled_prints if compiled_prints[key] != pure_prints[key]]
    assert not different, f"the compiled model differs from the pure-Python one in {different}"


@pytest.mark.slow
def test_a_traced_run_has_the_same_events_compiled(compiled: Path, tmp_path: Path) -> None:
    file, overrides = TRACED
    sets = [arg for key, value in overrides.items() for arg in ("--set", f"{key}={json.dumps(value)}")]
    traces = []
    for pure in (False, True):
        out = tmp_path / ("pure" if pure else "compiled")
        trace = out / "trace.csv"
        child(compiled, "-m", "sim.cli", "run", str(REPO / "scenarios" / file), "-n", "2", "--no-plots",
              "--out", str(out), "--trace", str(trace), "--quiet", *sets, pure=pure)  # fmt: skip
        traces.append((trace.read_bytes(), (out / "replications.csv").read_bytes()))
    assert traces[0][0].count(b"\n") > 1000  # a trace with events in it
    assert traces[0] == traces[1]


@pytest.mark.slow
def test_the_compiled_model_is_used_only_while_it_matches_its_source(compiled: Path) -> None:
    assert build_of(compiled).startswith("compiled | ")
    assert build_of(compiled).endswith(".so")  # the extension, not the source
    source = compiled / "sim" / "model" / "teams.py"
    original = source.read_bytes()
    try:
        source.write_bytes(original + b"# an edit after the build\n")
        stale = build_of(compiled)
        assert stale.startswith("pure Python (the compiled build is out of date) | ")
        assert stale.endswith("hotline.py")
        warned = child(compiled, "-c", "import sim.model.hotline").stderr
        assert "the compiled model was built from other source" in warned
    finally:
        source.write_bytes(original)
    assert (
        build_of(compiled, pure=True) == f"pure Python (HOTLINE_SIM_PURE=1) | {source.parent / 'hotline.py'}"
    )


@pytest.mark.slow
@pytest.mark.skipif(BUILD != "compiled", reason="on the pure-Python model they run in this session")
def test_the_pure_model_tests_pass_on_the_pure_model() -> None:
    """The tests the compiled model skips (`pure_model`), and the model's doctests, on the pure one."""
    env = {**os.environ, "HOTLINE_SIM_PURE": "1"}
    run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    # the files that mark tests so (collecting every test file would take longer than running them)
    files = [
        str(path) for path in sorted((REPO / "tests").rglob("test_*.py")) if "pure_model" in path.read_text()
    ]
    marked = checked([*run, "-m", "pure_model", *files], REPO, env).stdout
    assert re.search(r"\b([5-9]|\d\d+) passed", marked), marked[-2000:]
    assert "skipped" not in marked
    doctests = checked([*run, "sim/model"], REPO, env).stdout
    assert re.search(r"\b\d+ passed", doctests), doctests[-2000:]


if __name__ == "__main__":
    print(json.dumps(fingerprints()))

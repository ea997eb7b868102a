"""The probe's findings, each as a test: values `check` accepted that hung, crashed or gave `inf`,
jobs of no bounded size, two writers in one folder, Ctrl-C, stale and foreign files, `reproduce`
writing outside its root, and values echoed in full. Each is now refused with exit 2 and a message,
or runs and gives finite numbers.

(The resume cache: tests/experiments/test_resume_cache.py; damaged folders given to `report`:
tests/io_report/test_report_damaged.py; any value of the schema: tests/scenario/test_fuzz.py.)
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from sim import cli
from sim.common import limits
from sim.experiments import size
from sim.io import folder
from tests.conftest import REPO, cli_command, mmc_dict

ROOT = REPO
EXIT_INVALID = 2
EXIT_INTERRUPTED = 130


@dataclass
class Result:
    """What one command line gave: its exit code and output."""

    code: int
    out: str
    err: str


def hotline(*args: str | Path) -> Result:
    """Run `hotline-sim ARGS` in this process (as the console script does), capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    argv, handler = sys.argv, signal.getsignal(signal.SIGINT)
    sys.argv = ["hotline-sim", *map(str, args)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
        signal.signal(signal.SIGINT, handler)
    return Result(code, out.getvalue(), err.getvalue())


def small() -> dict[str, Any]:
    """A small M/M/c scenario with hosts: 2 days, 2 replications."""
    data = mmc_dict(4, 0.8, 2, 0.5, 2, 7)
    data["scenario"]["name"] = "small"
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    """Write a scenario file."""
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def changed(data: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy with one dotted key set (created as needed)."""
    from sim.scenario.dotted import set_dotted

    out = copy.deepcopy(data)
    set_dotted(out, key, value)
    return out


def proactive(data: dict[str, Any]) -> dict[str, Any]:
    """A copy with a proactive source."""
    out = copy.deepcopy(data)
    out["intake"]["sources"]["search"] = {
        "kind": "proactive",
        "actionable_share": 0.9,
        "search_share": 0.15,
        "finds_per_search_hour": 2.0,
    }
    return out


# --- 2-5: values `check` accepted, now refused with the key and the range --------------------

BREAKS = {"every_minutes": 60, "length_minutes": 10}
ONE_MINUTE = {"every_minutes": 1, "length_minutes": 1}
SEARCH = {"kind": "proactive", "actionable_share": 0.9, "search_share": 0.5, "finds_per_search_hour": 1.0,
          "search_block_minutes": 1}  # fmt: skip
TRIANGULAR_HIGH = {"dist": "triangular", "low": 1, "mode": 2, "high": 1e308}
REFUSED = [
    (
        "weekly-profile-subnormal",
        "intake.weekly_profile",
        [5e-324, 0, 0, 0, 0, 0, 0],
        "intake.weekly_profile[0]",
    ),
    (
        "weekly-profile-huge",
        "intake.weekly_profile",
        [1e308, 1e308, 1, 1, 1, 1, 1],
        "intake.weekly_profile[0]",
    ),
    (
        "removal-fixed-1e308",
        "takedown.hosts[0].removal_hours",
        {"dist": "fixed", "value": 1e308},
        "takedown.hosts[0].removal_hours.value",
    ),
    (
        "lognormal-cv-1e308",
        "takedown.hosts[1].removal_hours",
        {"dist": "lognormal", "mean": 2.0, "cv": 1e308},
        "takedown.hosts[1].removal_hours.cv",
    ),
    ("search-block-1e-300", "intake.sources.search.search_block_minutes", 1e-300, "search_block_minutes"),
    ("search-block-1e-6", "intake.sources.search.search_block_minutes", 1e-6, "search_block_minutes"),
    ("breaks-1e-300", "analysts.breaks", {"every_minutes": 1e-300, "length_minutes": 10}, "every_minutes"),
    ("follow-ups-1e-300", "takedown.follow_up_hours", 1e-300, "takedown.follow_up_hours"),
    ("horizon-1e308", "scenario.horizon_days", 1e308, "scenario.horizon_days"),
    ("horizon-1e6", "scenario.horizon_days", 1e6, "scenario.horizon_days"),
    ("horizon-1e9", "scenario.horizon_days", 1e9, "scenario.horizon_days"),
    (
        "gamma-cv-1e160",
        "assessment.time_minutes",
        {"dist": "gamma", "mean": 5.0, "cv": 1e160},
        "assessment.time_minutes.cv",
    ),
    ("escalation-triangular-1e308", "takedown.escalation_removal_hours", TRIANGULAR_HIGH, "high"),
    ("surge-end-1e308", "intake.surges", [{"start_day": 1, "end_day": 1e308, "multiplier": 2}], "end_day"),
    ("analysts-1e6", "analysts.count", 1_000_000, "analysts.count"),
    ("rate-1e9", "intake.sources.public.reports_per_day", 1e9, "reports_per_day"),
    ("backlog-1e9", "intake.initial_backlog", 1_000_000_000, "intake.initial_backlog"),
    ("reuploads-forever", "reuploads", {"share": 1.0, "delay_days": {"dist": "fixed", "value": 0}}, "share"),
]


@pytest.mark.parametrize(("case", "key", "value", "named"), REFUSED, ids=[case[0] for case in REFUSED])
def test_a_value_that_hung_crashed_or_gave_inf_is_refused_by_check(
    case: str, key: str, value: Any, named: str, tmp_path: Path
) -> None:
    data = proactive(small())
    if case == "search-block-1e-6":
        data["analysts"]["count"] = 1
    if case == "follow-ups-1e-300":
        data["takedown"]["recheck_minutes"] = 0
    if case == "escalation-triangular-1e308":
        data["takedown"].update(follow_up_hours=72, max_follow_ups=2)
    path = write(tmp_path / f"{case}.toml", changed(data, key, value))
    for command in (["check", path], ["run", path, "--out", tmp_path / "out"]):
        result = hotline(*command)
        assert result.code == EXIT_INVALID, result.err
        lines = result.err.splitlines()
        assert lines[0] == f"{path}: invalid scenario (1 problem(s))", result.err
        assert named in lines[1] and "expected" in lines[1], result.err
        assert "Traceback" not in result.err
    assert not (tmp_path / "out").exists()  # refused before any simulation or file


def test_minus_n_beyond_the_ceiling_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", small())
    result = hotline("run", path, "-n", "1000000", "--out", tmp_path / "out")
    assert result.code == EXIT_INVALID
    assert "1000000 is not in the range 2<=x<=1000" in result.err
    assert not (tmp_path / "out").exists()


def test_staff_max_beyond_the_largest_team_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", small())
    result = hotline(
        "staff", path, "--target", "wait_hours_mean<=1", "--max", "5000", "--out", tmp_path / "o"
    )
    assert result.code == EXIT_INVALID and "--max" in result.err


# --- the numbers a fixed delay at the top of its range gives are finite -------------------------


def test_the_longest_delays_and_widest_spreads_give_finite_tables(tmp_path: Path) -> None:
    data = small()
    data["takedown"]["hosts"][0]["removal_hours"] = {"dist": "fixed", "value": 1e6}
    data["takedown"]["hosts"][1]["removal_hours"] = {"dist": "lognormal", "mean": 1e6, "cv": 10}
    data["assessment"]["time_minutes"] = {"dist": "gamma", "mean": 5.0, "cv": 10}
    result = hotline("run", write(tmp_path / "s.toml", data), "--out", tmp_path / "out", "--no-plots")
    assert result.code == 0, result.err
    for name in ("summary.csv", "replications.csv", "takedown_by_country.csv", "timeseries.csv"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8").lower()
        assert "inf" not in text and "nan" not in text, name


# --- size up front ------------------------------------------------------------------------


def test_a_job_beyond_the_size_limit_is_refused_with_its_estimate_before_anything_runs(
    tmp_path: Path,
) -> None:
    data = changed(small(), "scenario.horizon_days", 36_500)  # within every range: a century
    path = write(tmp_path / "century.toml", data)
    started = time.monotonic()
    result = hotline("run", path, "-n", "1000", "--out", tmp_path / "out")
    assert result.code == EXIT_INVALID, result.err
    assert time.monotonic() - started < 30  # refused, not simulated
    assert "this job is too big: about" in result.err and "steps" in result.err and "GiB" in result.err
    assert "--force" in result.err and "docs/limits.md" in result.err
    assert not (tmp_path / "out").exists()


def test_force_runs_a_job_beyond_the_limit_and_a_big_job_says_how_big_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "s.toml", small())
    monkeypatch.setattr(limits, "MAX_STEPS", 10)  # any job is too big now
    refused = hotline("run", path, "--out", tmp_path / "a", "--no-plots")
    assert refused.code == EXIT_INVALID and "too big" in refused.err
    monkeypatch.setattr(size, "BIG_JOB_SECONDS", 0.0)  # and worth announcing
    forced = hotline("run", path, "--out", tmp_path / "a", "--no-plots", "--force")
    assert forced.code == 0, forced.err
    first = forced.err.splitlines()[0]
    assert first.startswith("small: 2 replications, seed 7, jobs 1; about ") and "memory about" in first


def _scheduled_events(scenario: Any) -> int:
    """How many events one replication of `scenario` schedules in SimPy (its work, counted): every
    event scheduled takes the next number of its environment's count, whoever schedules it (the
    model's analysts push their reused timeout onto the queue themselves)."""
    import simpy

    from sim.model.replication import run_replication

    made: list[simpy.Environment] = []
    init = simpy.Environment.__init__

    def recorded(self: simpy.Environment, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        made.append(self)

    simpy.Environment.__init__ = recorded  # type: ignore[method-assign]
    try:
        run_replication(scenario, 1, 0)
    finally:
        simpy.Environment.__init__ = init  # type: ignore[method-assign]
    (env,) = made
    return next(env._eid)


FEATURES = {
    "a big team with breaks": {"analysts": {"count": 400, "schedule": "24/7", "breaks": BREAKS}},
    "breaks every minute": {"analysts": {"count": 40, "schedule": "24/7", "breaks": ONE_MINUTE}},
    "weekday shifts": {"analysts": {"count": 400}},
    "search blocks of a minute": {"intake": {"sources": {"search": SEARCH}}},
    "follow-ups every 36 s": {"takedown": {"follow_up_hours": 0.01, "recheck_minutes": 0}},
    "re-uploads": {"reuploads": {"share": 0.9, "delay_days": {"dist": "fixed", "value": 0.01}}},
    "a starting backlog": {"intake": {"initial_backlog": 20_000}},
}


@pytest.mark.parametrize("feature", FEATURES)
def test_the_estimate_follows_the_work_each_feature_makes(feature: str) -> None:
    """Steps are counted from the scenario before it runs; the events the model then schedules
    must not outgrow them (a few events a step, whatever the feature), nor be absurdly fewer."""
    from sim.scenario.schema import scenario_from_dict

    data = small()
    for section, values in FEATURES[feature].items():
        for key, value in values.items():
            if isinstance(value, dict) and isinstance(data.get(section, {}).get(key), dict):
                data[section][key].update(value)
            else:
                data.setdefault(section, {})[key] = value
    scenario = scenario_from_dict(data)
    steps = size.replication_size(scenario).steps
    events = _scheduled_events(scenario)
    assert 0.05 < events / steps < 3, (feature, events, steps)


# --- 6: one writer per folder ---------------------------------------------------------------


@pytest.mark.slow
def test_a_second_run_into_a_folder_being_written_exits_2_and_the_first_keeps_its_files(
    tmp_path: Path,
) -> None:
    data = changed(small(), "scenario.horizon_days", 60)
    path = write(tmp_path / "s.toml", data)
    out = tmp_path / "shared"
    first = subprocess.Popen(
        [*cli_command(), "run", str(path), "--out", str(out), "--seed", "1", "--no-plots"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (out / folder.OWNER_NAME).exists():  # the first holds the folder
        assert first.poll() is None and time.monotonic() < deadline, "the first run never took the folder"
        time.sleep(0.02)
    second = hotline("run", path, "--out", out, "--seed", "2", "--no-plots")  # at once, in this process
    assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    assert second.code == EXIT_INVALID
    assert f"{out}: another hotline-sim command is writing this folder (process {first.pid}" in second.err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 1
    assert "- seed: 1\n" in (out / "summary.md").read_text(encoding="utf-8")
    alone = tmp_path / "alone"  # the same run with no other writer, in this process
    assert hotline("run", path, "--out", alone, "--seed", "1", "--no-plots").code == 0
    for name in ("summary.csv", "replications.csv", "timeseries.csv", "takedown_by_country.csv"):
        assert (out / name).read_bytes() == (alone / name).read_bytes(), name
    assert not (out / folder.OWNER_NAME).exists()


def test_two_runs_started_together_never_mix_their_files(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", changed(small(), "scenario.horizon_days", 10))
    out = tmp_path / "shared"
    runs = [
        subprocess.Popen(
            [*cli_command(), "run", str(path), "--out", str(out), "--seed", str(seed), "--no-plots"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    codes = [run.wait(timeout=300) for run in runs]
    assert sorted(codes) in ([0, 0], [0, EXIT_INVALID]), codes
    seed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"]
    assert f"- seed: {seed}\n" in (out / "summary.md").read_text(encoding="utf-8")
    if EXIT_INVALID in codes:
        assert seed == 1 + codes.index(0)


# --- 7: Ctrl-C always wins -------------------------------------------------------------------


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0, 2.5])
@pytest.mark.slow
def test_ctrl_c_exits_130_and_leaves_no_manifest(delay: float, tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", changed(small(), "scenario.horizon_days", 30))
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*cli_command(), "run", str(path), "--out", str(out), "--jobs", "2", "-n", "6"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    process.stderr.readline()  # the command has started (its first line), then Ctrl-C at some moment
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=60)
    assert code in (0, EXIT_INTERRUPTED), process.stderr.read() if process.stderr else ""
    if (out / "manifest.json").exists():  # it had written everything before Ctrl-C: a whole folder
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert all((out / name).is_file() for name in manifest["files"])
    else:
        assert code == EXIT_INTERRUPTED  # interrupted before its manifest: incomplete, and it says so


# The console script, with an exit handler that never returns registered first: what a process pool
# whose worker was terminated while sending its result does at the interpreter's exit (its manager
# thread, joined there, waits forever on a half-written message). `ENTRY` picks the function run.
STUCK_AT_EXIT = (
    "import atexit, sys, threading; atexit.register(threading.Event().wait); "
    "sys.argv[0] = 'hotline-sim'; from sim import cli; cli.{entry}()"
)


@pytest.mark.parametrize("entry", ["console", "main"])
@pytest.mark.slow
def test_ctrl_c_wins_over_an_exit_handler_that_never_returns(entry: str, tmp_path: Path) -> None:
    """The console script exits 130 after a Ctrl-C even when something at the interpreter's exit
    would wait forever; `main` (what in-process callers run) still exits through SystemExit, so
    the same run with it is stuck: the check can fail."""
    path = write(tmp_path / "s.toml", changed(small(), "scenario.horizon_days", 365))  # long: interrupted
    process = subprocess.Popen(
        [sys.executable, "-c", STUCK_AT_EXIT.format(entry=entry), "run", str(path), "--out",
         str(tmp_path / "out"), "-n", "6"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert process.stderr is not None
    process.stderr.readline()  # the command has started
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=60 if entry == "console" else 3)  # stuck: still running after 3 s
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        code = None
    if entry == "console":
        assert code == EXIT_INTERRUPTED, process.stderr.read()
        assert "interrupted" in process.stderr.read()
    else:
        assert code is None  # stuck at exit: the handler is a real stand-in for the pool


def _interrupt_while_plotting(monkeypatch: pytest.MonkeyPatch, swallowed: bool, broken: bool = False) -> None:
    """Make the wait plot receive a Ctrl-C; `swallowed`: its KeyboardInterrupt is lost in a library's
    clean-up (as 'Exception ignored in ...'), so only the handler's record of it remains; `broken`:
    the library, cut off half-way, then fails with an error of its own (matplotlib's "Invalid
    bounding box", seen under load)."""
    from sim.io import plots

    drawn = plots.wait_plot

    def interrupted_plot(*args: Any, **kwargs: Any) -> bytes:
        with contextlib.suppress(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)
        if not swallowed:
            raise KeyboardInterrupt
        if broken:
            raise ValueError("Invalid bounding box")
        return drawn(*args, **kwargs)

    monkeypatch.setattr(plots, "wait_plot", interrupted_plot)


@pytest.mark.parametrize(
    ("swallowed", "broken"),
    [(False, False), (True, False), (True, True)],
    ids=["raised", "swallowed", "broken"],
)
@pytest.mark.slow
def test_ctrl_c_while_plots_are_written_exits_130_and_the_next_run_clears_the_half_folder(
    swallowed: bool, broken: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "s.toml", small())
    out = tmp_path / "out"
    assert hotline("run", path, "--out", out).code == 0
    old_manifest = (out / "manifest.json").read_bytes()
    with monkeypatch.context() as patch:
        _interrupt_while_plotting(patch, swallowed, broken)
        result = hotline("run", path, "--out", out, "--seed", "99")
    assert result.code == EXIT_INTERRUPTED, result.err
    assert "interrupted" in result.err
    assert not (out / "manifest.json").exists()  # never new tables beside the old manifest
    assert (out / "summary.csv").exists()  # the new run's tables, without a manifest: incomplete
    assert hotline("run", path, "--out", out).code == 0  # the journal lets the next run clear them
    assert (out / "manifest.json").read_bytes() != old_manifest
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 7


# --- 9: stale temporary files, one command's files, foreign files, reproduce, long values -----


def test_temporary_files_a_killed_writer_left_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".summary.csv.k3j_9x2a.tmp", out / ".manifest.json.abcdefgh.tmp"]
    for path in stale:
        path.write_text("half a table", encoding="utf-8")
    kept = out / "notes.tmp"
    kept.write_text("mine", encoding="utf-8")
    assert hotline("run", write(tmp_path / "s.toml", small()), "--out", out, "--no-plots").code == 0
    assert not any(path.exists() for path in stale)
    assert kept.read_text(encoding="utf-8") == "mine"


def test_a_run_into_a_former_sweep_folder_leaves_only_its_own_files(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", small())
    out = tmp_path / "out"
    swept = hotline("sweep", path, "--vary", "analysts.count=4,5", "--out", out, "--resume")
    assert swept.code == 0, swept.err
    assert (out / "sweep.csv").exists() and (out / "sweep_wait_hours_mean.png").exists()
    assert len(list((out / ".resume").glob("*.json"))) == 4
    assert hotline("run", path, "--out", out).code == 0
    assert not (out / ".resume").exists()  # the sweep's cache went with its tables
    names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert not [n for n in names if n.startswith("sweep")], names
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "run" and set(manifest["files"]) == names


@pytest.mark.parametrize("name", ["manifest.json", "report.html", "summary.md", "sweep.csv"])
def test_a_file_hotline_sim_did_not_write_is_never_cleared(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text("a planner's own notes", encoding="utf-8")
    result = hotline("run", write(tmp_path / "s.toml", small()), "--out", out)
    assert result.code == EXIT_INVALID
    assert f"{out}: holds files that hotline-sim did not write here ('{name}'" in result.err
    assert (out / name).read_text(encoding="utf-8") == "a planner's own notes"
    assert not (out / "summary.csv").exists()


def test_files_in_the_folders_manifest_are_cleared_even_without_its_file_list(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", small())
    out = tmp_path / "out"
    assert hotline("run", path, "--out", out, "--report").code == 0
    (out / folder.JOURNAL_NAME).unlink()  # a folder from before the file list: its manifest says
    assert hotline("run", path, "--out", out, "--no-plots").code == 0
    assert not (out / "backlog.png").exists() and not (out / "report.html").exists()


def test_reproduce_refuses_an_output_outside_its_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "scenarios").mkdir(parents=True)
    write(root / "scenarios" / "tiny.toml", small())
    for out in ("results/../../escaped", "results/../outside", "results/.."):
        jobs = {"job": [{"command": "run", "scenario": "scenarios/tiny.toml", "out": out}]}
        (root / "scenarios" / "reference.toml").write_text(tomli_w.dumps(jobs), encoding="utf-8")
        result = hotline("reproduce", "--root", root)
        assert result.code == EXIT_INVALID, (out, result.err)
        assert "job[0].out: expected a folder under results/ (inside the root)" in result.err
    assert not (tmp_path / "escaped").exists() and not (root / "outside").exists()


def test_a_100000_character_value_is_cut_in_the_message(tmp_path: Path) -> None:
    data = small()
    data["intake"]["sources"]["public"]["kind"] = "x" * 100_000
    result = hotline("check", write(tmp_path / "long.toml", data))
    assert result.code == EXIT_INVALID
    assert "(100,002 characters)" in result.err and len(result.err) < 1_000
    long_set = hotline("run", write(tmp_path / "s.toml", small()), "--set", "y" * 100_000)
    assert long_set.code == EXIT_INVALID and len(long_set.err) < 1_000, long_set.err[:300]


# --- 1: the resume cache warns once about a file it ignored -----------------------------------


def test_sweep_resume_warns_about_a_damaged_cache_file_and_recomputes_it(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", small())
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    arguments = ["--vary", "analysts.count=4,5", "--no-plots"]
    assert hotline("sweep", path, *arguments, "--out", out, "--resume").code == 0
    damaged = sorted((out / ".resume").glob("*.json"))[0]
    damaged.write_bytes(damaged.read_bytes()[:100])  # truncated
    again = hotline("sweep", path, *arguments, "--out", out, "--resume")
    assert again.code == 0, again.err
    assert "--resume: 3 of 4 replications reused" in again.err
    warnings = [line for line in again.err.splitlines() if "warning: ignored 1 file(s)" in line]
    assert len(warnings) == 1 and damaged.name in warnings[0]
    assert hotline("sweep", path, *arguments, "--out", fresh).code == 0
    for name in ("sweep.csv", "sweep_differences.csv"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes()


def test_staff_from_a_team_too_small_for_its_fixed_shifts_is_refused_before_simulating(
    tmp_path: Path,
) -> None:
    data = small()
    data["analysts"]["schedule"] = [
        {"days": "mon-fri", "start": "08:00", "end": "16:00"},
        {"days": "sat-sun", "start": "08:00", "end": "16:00", "analysts": 3},
    ]
    path = write(tmp_path / "rota.toml", data)
    result = hotline("staff", path, "--target", "wait_hours_mean<=5", "--out", tmp_path / "out")
    assert result.code == EXIT_INVALID
    assert result.err.startswith("--min 1: analysts.schedule: expected at most analysts.count = 1")
    assert not (tmp_path / "out").exists()


class _Planted:
    """A pickle payload that would create a file if it were ever unpickled."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def test_a_planted_pickle_in_the_resume_cache_runs_nothing_and_the_sweep_is_right(tmp_path: Path) -> None:
    import pickle

    path = write(tmp_path / "s.toml", small())
    out, fresh = tmp_path / "shared", tmp_path / "fresh"
    arguments = ["--vary", "analysts.count=4,5", "--no-plots"]
    assert hotline("sweep", path, *arguments, "--out", out, "--resume").code == 0
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(_Planted(marker))
    pickle.loads(payload)  # the payload is live: unpickling it creates the marker
    assert marker.exists()
    marker.unlink()
    planted = sorted((out / ".resume").glob("*.json"))
    for cache_file in planted[:2]:  # as the cache's own file, and beside it as an old-format pickle
        cache_file.write_bytes(payload)
        cache_file.with_suffix(".pickle").write_bytes(payload)
    again = hotline("sweep", path, *arguments, "--out", out, "--resume")
    assert again.code == 0, again.err
    assert not marker.exists()
    assert "--resume: 2 of 4 replications reused" in again.err
    assert len([line for line in again.err.splitlines() if "warning: ignored 2 file(s)" in line]) == 1
    assert hotline("sweep", path, *arguments, "--out", fresh).code == 0
    for name in ("sweep.csv", "sweep_differences.csv", "sweep.md"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name


def test_overlapping_surges_multiplying_past_the_ceiling_are_refused(tmp_path: Path) -> None:
    data = small()
    data["intake"]["surges"] = [{"start_day": 0, "end_day": 1, "multiplier": 1000.0}] * 120
    result = hotline("check", write(tmp_path / "surges.toml", data))
    assert result.code == EXIT_INVALID
    assert "intake.surges: expected overlapping surges of a source to multiply its rate by at most 1000" in (
        result.err
    )
    data["intake"]["surges"] = [  # one at the ceiling, and back to back: fine
        {"start_day": 0, "end_day": 1, "multiplier": 1000.0},
        {"start_day": 1, "end_day": 2, "multiplier": 1000.0},
    ]
    assert hotline("check", write(tmp_path / "surges.toml", data)).code == 0


def test_an_estimate_that_is_not_a_number_is_beyond_the_limit() -> None:
    with pytest.raises(size.JobTooBig, match="too big"):
        size.check(size.JobSize(float("nan"), 2, 1e6, float("nan")))
    with pytest.raises(size.JobTooBig, match="GiB"):
        size.check(size.JobSize(1.0, 2, float("inf"), 1.0))


def test_a_sweep_of_too_many_arms_is_refused_before_they_are_built(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", small())
    values = ",".join(str(1 + n / 100) for n in range(60))
    started = time.monotonic()
    varies = [
        f"intake.volume_multiplier={values}",
        f"dedup.duplicate_share={values}",
        f"sla.assessment_hours={values}",
    ]
    arguments = [part for vary in varies for part in ("--vary", vary)]
    result = hotline("sweep", path, *arguments, "--out", tmp_path / "out")
    assert result.code == EXIT_INVALID
    assert "--vary: 216,000 arms (every combination of the values); at most 1,000 allowed" in result.err
    assert time.monotonic() - started < 10


def test_reproduce_refuses_an_out_among_a_jobs_arguments(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "scenarios").mkdir(parents=True)
    write(root / "scenarios" / "tiny.toml", small())
    escaped = tmp_path / "escaped"
    for arguments in (["--out", str(escaped)], [f"--out={escaped}"]):
        job = {
            "command": "run",
            "scenario": "scenarios/tiny.toml",
            "out": "results/tiny",
            "arguments": arguments,
        }
        (root / "scenarios" / "reference.toml").write_text(tomli_w.dumps({"job": [job]}), encoding="utf-8")
        result = hotline("reproduce", "--root", root)
        assert result.code == EXIT_INVALID, result.err
        assert "job[0].arguments: expected no --out" in result.err
    assert not escaped.exists()


def test_a_manifest_json_of_another_tool_is_never_cleared_nor_trusted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    theirs = {"name": "my web app", "version": "1.0", "files": ["summary.md"]}
    (out / "manifest.json").write_text(json.dumps(theirs), encoding="utf-8")
    (out / "summary.md").write_text("a planner's notes", encoding="utf-8")
    result = hotline("run", write(tmp_path / "s.toml", small()), "--out", out)
    assert result.code == EXIT_INVALID
    assert "holds files that hotline-sim did not write here ('manifest.json', 'summary.md'" in result.err
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == theirs
    assert (out / "summary.md").read_text(encoding="utf-8") == "a planner's notes"


def test_a_planted_lock_that_is_a_symlink_is_refused_and_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me", encoding="utf-8")
    (out / folder.LOCK_NAME).symlink_to(target)
    dangling = tmp_path / "out2"
    dangling.mkdir()
    (dangling / folder.LOCK_NAME).symlink_to(tmp_path / "created-by-lock.txt")
    for where in (out, dangling):
        result = hotline("run", write(tmp_path / "s.toml", small()), "--out", where)
        assert result.code == EXIT_INVALID
        assert f"{folder.LOCK_NAME} is not a plain file" in result.err
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "created-by-lock.txt").exists()


def test_a_resume_cache_that_is_not_a_folder_is_not_used_and_not_fatal(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", small())
    out = tmp_path / "out"
    out.mkdir()
    (out / ".resume").write_text("not a folder", encoding="utf-8")
    result = hotline("sweep", path, "--vary", "analysts.count=4,5", "--no-plots", "--out", out, "--resume")
    assert result.code == 0, result.err
    assert f"--resume: warning: {out}/.resume is not a plain folder; replications are not kept" in result.err


@pytest.mark.parametrize("option", ["--metric", "--baseline"])
def test_a_long_value_of_an_option_is_cut_in_the_message(option: str, tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", small())
    value = "z" * 100_000 if option == "--metric" else "analysts.count=" + "9" * 100_000
    result = hotline("sweep", path, "--vary", "analysts.count=4,5", option, value, "--out", tmp_path / "o")
    assert result.code == EXIT_INVALID
    assert len(result.err) < 1_000, result.err[:200]

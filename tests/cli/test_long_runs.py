"""Long runs: --resume of an interrupted sweep, Ctrl-C (exit 130, no half table), --quiet.

The sweeps run in this process (`hotline_sim_here`); Ctrl-C, pipes and terminals are those of a new
process of the console script (`hotline_sim`, `cli_command`)."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
import tomli_w

from tests.conftest import cli_command, hotline_sim, hotline_sim_here, mmc_dict

TABLES = ("sweep.csv", "sweep_differences.csv", "sweep.md")


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "mmc.toml"
    path.write_text(tomli_w.dumps(mmc_dict(3, 0.8, 2, 0.5, 2, 6)), encoding="utf-8")
    return path


def sweep(scenario: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The sweep of 4 arms (2 x 2), in this process: exit 0."""
    result = hotline_sim_here(
        "sweep", scenario, "--vary", "analysts.count=3,4", "--vary", "intake.volume_multiplier=1,1.2",
        "--no-plots", "--out", out, *extra, cwd=scenario.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


def test_resumed_sweep_equals_an_uninterrupted_one(scenario: Path, tmp_path: Path) -> None:
    """An interrupted sweep is simulated by a first --resume run over part of the arms (one value of
    the second key) and by deleting some of what it cached; the resumed full sweep reuses what is
    left and writes the same tables, byte for byte, as a sweep that was never interrupted."""
    straight = tmp_path / "straight"
    sweep(scenario, straight)
    resumed = tmp_path / "resumed"
    partial = hotline_sim_here(
        "sweep", scenario, "--vary", "analysts.count=3,4", "--vary", "intake.volume_multiplier=1",
        "--no-plots", "--out", resumed, "--resume", cwd=tmp_path,
    )  # fmt: skip
    assert partial.returncode == 0, partial.stderr
    cached = sorted((resumed / ".resume").glob("*.json"))
    assert len(cached) == 4  # 2 arms x 2 replications
    cached[0].unlink()  # the interruption came before this one was stored
    full = sweep(scenario, resumed, "--resume")
    assert "--resume: 3 of 8 replications reused" in full.stderr
    for name in TABLES:
        assert (resumed / name).read_bytes() == (straight / name).read_bytes(), name
    again = sweep(scenario, resumed, "--resume", "--jobs", "2")
    assert "--resume: 8 of 8 replications reused" in again.stderr
    assert (resumed / "sweep.csv").read_bytes() == (straight / "sweep.csv").read_bytes()


def test_a_changed_scenario_is_not_taken_from_the_cache(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    sweep(scenario, out, "--resume")
    changed = sweep(scenario, out, "--resume", "--set", "assessment.time_minutes.mean=4.0")
    assert "--resume: 0 of 8 replications reused" in changed.stderr


def test_ctrl_c_exits_130_and_leaves_no_table(tmp_path: Path) -> None:
    scenario = tmp_path / "long.toml"
    scenario.write_text(tomli_w.dumps(mmc_dict(13, 0.9, 3000, 1, 50, 1)), encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*cli_command(), "run", str(scenario), "--out", str(out), "--no-plots"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not out.exists() and time.monotonic() < deadline:  # the folder is made just before simulating
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    assert not any(out.glob("*.csv")) and not any(out.glob("*.tmp")) and not any(out.glob(".*.tmp"))


def test_quiet_and_pipes_print_no_progress(scenario: Path, tmp_path: Path) -> None:
    result = hotline_sim("run", scenario, "--out", tmp_path / "q", "--no-plots", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "replication" not in result.stderr.replace("2 replications", "")


@pytest.mark.slow
def test_a_terminal_gets_a_progress_bar_and_quiet_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work longer than 2 seconds shows a bar on stderr when it is a terminal, whatever size the
    terminal reports (100 columns, and 0: a terminal that reports no size, as under `script` and
    some IDEs); --quiet turns it off. The two runs (each 3 replications of about 1.5 s on the
    2-core CI machine, well past the bar's 2 seconds even on a machine twice as fast) run side by
    side, each on its own terminal. What --quiet gives every command (`progress(quiet)`) is checked
    on a terminal in this process: no bar where the same terminal gets one without it."""
    import fcntl
    import os
    import pty
    import struct
    import sys
    import termios
    from concurrent.futures import ThreadPoolExecutor

    from sim.cli.common import progress

    path = tmp_path / "long.toml"
    path.write_text(tomli_w.dumps(mmc_dict(13, 0.9, 90, 1, 3, 6)), encoding="utf-8")  # about 1.5 s each

    def start_on_a_terminal(columns: int) -> tuple[subprocess.Popen, int]:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24 if columns else 0, columns, 0, 0))
        out = tmp_path / f"out-{columns}"
        process = subprocess.Popen(
            [*cli_command(), "run", str(path), "--no-plots", "--out", str(out)],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=slave,
        )  # fmt: skip
        os.close(slave)
        return process, master

    def stderr_of(started: tuple[subprocess.Popen, int]) -> str:
        process, master = started
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=120) == 0
        os.close(master)
        return b"".join(chunks).decode("utf-8", "replace")

    runs = [start_on_a_terminal(100), start_on_a_terminal(0)]
    with ThreadPoolExecutor(len(runs)) as pool:
        shown_on = list(pool.map(stderr_of, runs))
    for shown in shown_on:
        assert "%|" in shown and "3/3" in shown, shown

    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as terminal, pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stderr", terminal)
        assert progress(quiet=False)() is not None  # the bar of the runs above
        assert progress(quiet=True)() is None
    os.close(master)

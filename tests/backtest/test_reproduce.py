"""`hotline-sim reproduce` and the committed reference results (a back-test of the numbers).

The commands run in this process (`hotline_sim_here`, what the console script runs), but the last
test's, which is the console script in a new process as a planner starts it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomli_w

from sim.experiments.reproduce import load_jobs
from tests.conftest import REPO, hotline_sim, hotline_sim_here, mmc_dict

ROOT = REPO
TABLE_SUFFIXES = (".csv", ".md")


def tables(folder: Path) -> dict[str, bytes]:
    """Every table (CSV and Markdown) below `folder`, by relative path."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.suffix in TABLE_SUFFIXES
    }


@pytest.mark.parametrize("job", [j for j in load_jobs(ROOT) if j.backtest], ids=lambda j: j.out)
@pytest.mark.slow
def test_backtest_regenerates_the_committed_tables(job, tmp_path: Path) -> None:
    """An unintended change in the numbers fails here: the job's tables, regenerated, are the
    committed ones byte for byte."""
    committed = tables(ROOT / job.out)
    assert "summary.csv" in committed or "sweep.csv" in committed or "staffing.csv" in committed
    result = hotline_sim_here(*job.argv(ROOT, out=tmp_path / "again"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert tables(tmp_path / "again") == committed


def test_every_reference_job_has_committed_results() -> None:
    for job in load_jobs(ROOT):
        assert tables(ROOT / job.out), f"{job.out}: no tables committed (run `hotline-sim reproduce`)"


def write_reference(root: Path, jobs: list[dict]) -> None:
    (root / "scenarios").mkdir(parents=True, exist_ok=True)
    (root / "scenarios" / "tiny.toml").write_text(
        tomli_w.dumps(mmc_dict(3, 0.8, 2, 0.5, 2, 4)), encoding="utf-8"
    )
    (root / "scenarios" / "reference.toml").write_text(tomli_w.dumps({"job": jobs}), encoding="utf-8")


@pytest.mark.slow
def test_reproduce_twice_gives_identical_tables(tmp_path: Path) -> None:
    write_reference(
        tmp_path,
        [
            {"command": "run", "scenario": "scenarios/tiny.toml", "out": "results/tiny"},
            {
                "command": "sweep",
                "scenario": "scenarios/tiny.toml",
                "out": "results/tiny-sweep",
                "arguments": ["--vary", "analysts.count=3,4", "--no-plots"],
            },
            {
                "command": "staff",
                "scenario": "scenarios/tiny.toml",
                "out": "results/tiny-staff",
                "arguments": ["--target", "wait_hours_mean<=0.2", "--max", "6"],
            },
            {  # no team up to --max meets this: a reference answer too, not a failure
                "command": "staff",
                "scenario": "scenarios/tiny.toml",
                "out": "results/tiny-none",
                "arguments": ["--target", "wait_hours_mean<=1e-9", "--min", "3", "--max", "4"],
            },
        ],
    )
    first = hotline_sim_here("reproduce", "--root", tmp_path, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    # the sweep's 3-analyst arm is the run's replications (the same scenario, seed and
    # replications), reused; its tables are those of the sweep run on its own
    reused = re.search(r"of which (\d+) repeated one already run", first.stdout)
    assert reused and int(reused.group(1)) >= 2, first.stdout
    before = tables(tmp_path / "results")
    for job in load_jobs(tmp_path)[1:3]:
        alone = hotline_sim_here(*job.argv(tmp_path, out=tmp_path / "alone" / job.out), cwd=tmp_path)
        assert alone.returncode == 0, alone.stderr
        assert tables(tmp_path / "alone" / job.out) == tables(tmp_path / job.out)
    assert {"tiny/summary.csv", "tiny-sweep/sweep.csv", "tiny-staff/staffing.csv"} <= set(before)
    assert b"no answer: even 4 analysts fail the target" in before["tiny-none/staffing.md"]
    manifests = {p: p.read_bytes() for p in sorted((tmp_path / "results").rglob("manifest.json"))}
    assert len(manifests) == 4
    # the manifests as git keeps them: no path of this machine, no timestamp or version of it
    for text in manifests.values():
        assert str(tmp_path).encode() not in text and b'started_at": "not kept' in text
    second = hotline_sim_here("reproduce", "--root", tmp_path, "--jobs", "2", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert tables(tmp_path / "results") == before
    assert {p: p.read_bytes() for p in manifests} == manifests, (
        "reproduce rewrites the manifests byte for byte"
    )
    for folder in (
        "tiny",
        "tiny-sweep",
        "tiny-staff",
        "tiny-none",
    ):  # a report from them, as on a fresh clone
        page = tmp_path / f"{folder}.html"
        done = hotline_sim_here("report", tmp_path / "results" / folder, "--out", page, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "reference results of `hotline-sim reproduce`" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("job", load_jobs(ROOT), ids=lambda j: j.out)
def test_every_committed_reference_job_makes_a_report(job, tmp_path: Path) -> None:
    """`hotline-sim report results/<job>` works on a fresh clone: the manifests are committed."""
    page = tmp_path / "report.html"
    done = hotline_sim_here("report", ROOT / job.out, "--out", page, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    assert "In short." in text and "reference results of `hotline-sim reproduce`" in text


@pytest.mark.parametrize(
    ("jobs", "message"),
    [
        ([{"command": "walk", "scenario": "scenarios/tiny.toml", "out": "results/x"}], "expected command"),
        ([{"command": "run", "scenario": "scenarios/tiny.toml", "out": "elsewhere/x"}], "under results/"),
        ([{"command": "run", "scenario": "scenarios/tiny.toml", "out": "results/x", "seed": 3}], "job[0]"),
        ([{"command": "compare", "scenario": "scenarios/tiny.toml", "out": "results/x"}], "compared_with"),
        (
            [
                {
                    "command": "run",
                    "scenario": "scenarios/tiny.toml",
                    "out": "results/x",
                    "compared_with": ["scenarios/tiny.toml"],
                }
            ],
            "only of one",
        ),
        (
            [
                {
                    "command": "compare",
                    "scenario": "scenarios/tiny.toml",
                    "out": "results/x",
                    "compared_with": ["../outside.toml"],
                }
            ],
            "expected a file inside the root",
        ),
    ],
)
def test_bad_reference_list_exits_2(tmp_path: Path, jobs: list[dict], message: str) -> None:
    write_reference(tmp_path, jobs)
    result = hotline_sim_here("reproduce", "--root", tmp_path, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "results").exists()


def test_reproduce_outside_a_repository_says_where_to_run(tmp_path: Path) -> None:
    result = hotline_sim("reproduce", cwd=tmp_path)
    assert result.returncode == 2
    assert "no reference list here" in result.stderr

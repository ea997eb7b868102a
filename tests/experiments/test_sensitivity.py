"""`hotline-sim sensitivity`: moves of each assumption, paired effects, the file's assumption keys."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import tomli_w

from sim.experiments.sensitivity import assumption_keys, moved
from tests.conftest import hotline_sim_here, mmc_dict

MARKED = """\
[scenario]
name = "marked"
horizon_days = 3
warmup_days = 1      # assumption: scenario keys are never moved
replications = 2

[intake.sources.public]
reports_per_day = 400.0   # assumption: on the key's line
actionable_share = 0.9    # assumption: moving it up by 20 % leaves the valid range

[analysts]
count = 3
# assumption: a comment block above a key
# marks the key below it
schedule = "24/7"

[assessment]
# assumption: a distribution
time_minutes = { dist = "exponential", mean = 5.0 }

[[takedown.hosts]]
country = "A"
share = 0.5
route = "direct"
removal_hours = { dist = "fixed", value = 2.0 }

[[takedown.hosts]]
country = "B"
share = 0.5
route = "direct"
removal_hours = { dist = "fixed", value = 9.0 }   # assumption: the second host

[sla]
assessment_hours = 1   # assumption: the question, not an assumption: left out
"""


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_assumption_keys_are_found_where_a_planner_marks_them(tmp_path: Path) -> None:
    path = tmp_path / "marked.toml"
    path.write_text(MARKED, encoding="utf-8")
    assert assumption_keys(path) == [
        "intake.sources.public.reports_per_day",
        "intake.sources.public.actionable_share",
        "analysts.schedule",
        "assessment.time_minutes",
        "takedown.hosts[1].removal_hours",
    ]


def test_values_move_as_documented() -> None:
    assert moved(10.0, 0.2, +1) == pytest.approx(12.0)
    assert moved(13, 0.2, -1) == 10 and isinstance(moved(13, 0.2, -1), int)
    assert moved({"dist": "lognormal", "mean": 5.0, "cv": 0.8}, 0.2, +1) == {
        "dist": "lognormal",
        "mean": 6.0,
        "cv": 0.8,
    }
    assert moved({"dist": "triangular", "low": 1, "mode": 2, "high": 4}, 0.5, -1) == {
        "dist": "triangular", "low": 0.5, "mode": 1.0, "high": 2.0,
    }  # fmt: skip
    assert moved([1.0, 2.0, 3.0], 0.5, +1) == [0.5, 2.0, 3.5]  # sharper around the mean 2
    with pytest.raises(ValueError):
        moved("24/7", 0.2, +1)


def test_sensitivity_runs_paired_moves_and_ranks_them(tmp_path: Path) -> None:
    """Assessment time up lengthens waits and more analysts shorten them; the moved scenario's
    figures are exactly those of `run --set` (common random numbers with the base)."""
    scenario = tmp_path / "mmc.toml"
    scenario.write_text(tomli_w.dumps(mmc_dict(4, 0.6, 6, 0.5, 5, 2)), encoding="utf-8")
    out = tmp_path / "sens"
    result = hotline_sim_here(
        "sensitivity", scenario, "--keys", "assessment.time_minutes,analysts.count,takedown.hosts[0].share",
        "--metric", "wait_hours_mean", "--out", out, "--jobs", "2", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {(r["key"], r["direction"]): r for r in read(out / "sensitivity.csv")}
    up_time = rows[("assessment.time_minutes", "up")]
    assert float(up_time["difference_ci95_low"]) > 0
    assert float(rows[("analysts.count", "up")]["difference_ci95_high"]) < 0
    assert rows[("analysts.count", "up")]["value"] == "5"
    # shares of hosts must sum to 1: moving one alone is rejected and reported, not run
    assert "share" in rows[("takedown.hosts[0].share", "up")]["problem"]
    assert rows[("takedown.hosts[0].share", "up")]["replications"] == "0"
    check = tmp_path / "check"
    direct = hotline_sim_here(
        "run",
        scenario,
        "--set",
        "assessment.time_minutes.mean=6.0",
        "--out",
        check,
        "--no-plots",
        cwd=tmp_path,
    )
    assert direct.returncode == 0, direct.stderr
    (wait,) = [r for r in read(check / "summary.csv") if r["metric"] == "wait_hours_mean"]
    assert up_time["mean"] == wait["mean"] and up_time["ci95_low"] == wait["ci95_low"]
    report = (out / "sensitivity.md").read_text(encoding="utf-8")
    assert report.index("(`assessment.time_minutes") < report.index("(`takedown.hosts[0].share")
    assert (out / "sensitivity_wait_hours_mean.png").stat().st_size > 0


def test_default_keys_come_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "marked.toml"
    path.write_text(MARKED, encoding="utf-8")
    out = tmp_path / "o"
    result = hotline_sim_here(
        "sensitivity", path, "--out", out, "--no-plots", "--metric", "wait_hours_mean", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    keys = {r["key"] for r in read(out / "sensitivity.csv")}
    # the schedule cannot be moved by a relative change and is left out of the defaults
    assert keys == {
        "intake.sources.public.reports_per_day",
        "intake.sources.public.actionable_share",
        "assessment.time_minutes",
        "takedown.hosts[1].removal_hours",
    }
    rows = {(r["key"], r["direction"]): r for r in read(out / "sensitivity.csv")}
    assert (
        "expected less than or equal to 1"
        in rows[("intake.sources.public.actionable_share", "up")]["problem"]
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--keys", "analysts.cont"], "--keys analysts.cont: no key 'cont' here"),
        (["--keys", "analysts.count", "--metric", "wait"], "--metric: unknown metric 'wait'"),
        (["--keys", "analysts.count", "--change", "0"], "--change"),
    ],
)
def test_bad_sensitivity_input_exits_2(tmp_path: Path, arguments: list[str], message: str) -> None:
    scenario = tmp_path / "mmc.toml"
    scenario.write_text(tomli_w.dumps(mmc_dict(4, 0.8, 1, 0, 2, 2)), encoding="utf-8")
    result = hotline_sim_here("sensitivity", scenario, *arguments, "--out", tmp_path / "never", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "never").exists()

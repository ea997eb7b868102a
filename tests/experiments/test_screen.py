"""A staffing trial clearly short of a target after its first two replications stops there.

The screen (`sim.experiments.targets.screen`) must almost never fail a team size that all its
replications would pass, must stop the trials far from the answer, and must leave every other
trial exactly as an unscreened search runs it (replication r on the streams of (seed, r)).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import tomli_w

from sim.experiments.execution import run_replications
from sim.experiments.staffing import staff
from sim.experiments.targets import SCREEN_REPLICATIONS, Target
from sim.scenario.schema import scenario_from_dict
from sim.stats.intervals import summarise
from tests.conftest import hotline_sim_here, mmc_dict

SAMPLES = 2_000  # normal samples per true mean


@pytest.mark.parametrize("replications", [5, 10])
def test_the_screen_almost_never_fails_a_size_the_whole_run_passes(replications: int) -> None:
    """Normal replications (sd 1) with the target at 0 (`>=`): whatever the true mean, a size the
    screen stops (its first 2 replications' 95 % CI wholly below 0) and all `replications` would
    pass (their CI wholly above 0) is at most 0.5 % of samples (a simulation of 400,000 samples
    a mean puts the worst at 0.09 %, with 10 replications). The screen is the 95 % two-sided t
    interval: a size exactly at the target stops in about 2.5 % of samples; and it is useful: a
    size 20 sd short stops nearly always."""
    target = Target("m", ">=", 0.0)
    rng = np.random.default_rng(20261206)
    for true_mean in (-20.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0):
        draws = rng.normal(true_mean, 1.0, (SAMPLES, replications))
        stops = np.array([target.clearly_missed_by(summarise(d[:SCREEN_REPLICATIONS])) for d in draws])
        passes = np.array([target.met_by(summarise(d)) for d in draws])
        assert np.mean(stops & passes) <= 0.005, (true_mean, np.mean(stops & passes))
        if true_mean == 0.0:
            assert 0.01 <= np.mean(stops) <= 0.045, np.mean(stops)  # one side of a 95 % interval
        if true_mean == -20.0:
            assert np.mean(stops) >= 0.95, np.mean(stops)


@pytest.mark.slow  # two whole searches, about 4 s on 2 cores
def test_a_clearly_short_size_stops_after_two_replications_and_nothing_else_moves() -> None:
    """An M/M/c search on the end-of-run backlog (no Erlang C estimate: a bisection from 1 to 40)
    at a load of 9 analysts: the sizes far below it run 2 replications, not 3, and fail; the answer,
    and every other size's figures, are exactly those of the search without the screen; a stopped
    size's figures are its first two replications'."""
    spec = scenario_from_dict(mmc_dict(10, 0.9, 5, 1, 3, 7))
    screened = staff(spec, "backlog_end<=20", low=1, high=40)
    whole = staff(spec, "backlog_end<=20", low=1, high=40, screening=False)
    assert screened.answer == whole.answer is not None
    assert [t.analysts for t in screened.trials] == [t.analysts for t in whole.trials]
    stopped = screened.stopped_values
    assert stopped and max(stopped) < 9 < screened.answer + 1  # the unstable sizes, below the load
    for short, full in zip(screened.trials, whole.trials, strict=True):
        if short.analysts in stopped:
            assert short.summaries["backlog_end"].replications == SCREEN_REPLICATIONS
            assert not short.meets_target and not full.meets_target
        else:
            assert short == full
    first = run_replications(spec.with_values({"analysts.count": stopped[0]}), SCREEN_REPLICATIONS, 7)
    assert screened.trial(stopped[0]).summaries["backlog_end"] == summarise(
        [r.metrics["backlog_end"] for r in first]
    )
    assert f"{len(stopped)} stopped after 2 replications, clearly short: {', '.join(map(str, stopped))}" in (
        screened.search_line()
    )
    rows = screened.rows()
    assert {row[0] for row in rows if row[-1] == SCREEN_REPLICATIONS} == set(stopped)


def test_the_table_and_the_report_say_which_sizes_stopped(tmp_path: Path) -> None:
    """The command line: staffing.csv's `replications` column is 2 on the stopped sizes' rows and
    3 on the others, the manifest lists the stopped sizes, and the report marks them. A table of an
    earlier version, without the column, still makes a report; one missing another column does not."""
    (tmp_path / "mmc.toml").write_text(tomli_w.dumps(mmc_dict(10, 0.9, 5, 1, 3, 7)), encoding="utf-8")
    out = tmp_path / "out"
    done = hotline_sim_here("staff", "mmc.toml", "--target", "backlog_end<=20", "--min", "1", "--max", "40",
                            "--out", out, "--report", "--no-plots", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (out / "staffing.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    stopped = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["stopped_clearly_short"]
    assert stopped and {int(r["analysts"]) for r in rows if r["replications"] == "2"} == set(stopped)
    assert {r["replications"] for r in rows if int(r["analysts"]) not in stopped} == {"3"}
    assert all(r["meets_all_targets"] == "false" for r in rows if int(r["analysts"]) in stopped)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("clearly short (stopped after 2 replications)") == len(stopped)
    assert done.stdout.count("clearly short  (stopped after 2 replications)") == len(stopped)
    assert (
        f"2 for the team sizes stopped as clearly short of a target: {', '.join(map(str, stopped))}" in page
    )

    for column, code in (("replications", 0), ("target", 2)):
        older = tmp_path / f"without-{column}"
        shutil.copytree(out, older)
        with (out / "staffing.csv").open(newline="", encoding="utf-8") as handle:
            table = list(csv.reader(handle))
        index = table[0].index(column)
        text = "".join(",".join(row[:index] + row[index + 1 :]) + "\n" for row in table)
        (older / "staffing.csv").write_text(text, encoding="utf-8")
        made = hotline_sim_here("report", older, cwd=tmp_path)
        assert made.returncode == code, (column, made.stderr)
        if code:
            assert f"missing column(s) {column}" in made.stderr

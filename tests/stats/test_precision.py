"""Replication control (`--precision`, `--max-replications`): batches, the stopping rule, determinism."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
import tomli_w

from sim.metrics import PRECISION_METRICS
from sim.stats.precision import batch_sizes, relative_half_width, replicate
from tests.conftest import hotline_sim_here, mmc_dict


def test_batches_depend_only_on_the_start_and_maximum() -> None:
    assert batch_sizes(4, 13) == [4, 2, 2, 2, 2, 1]
    assert batch_sizes(10, 10) == [10]
    assert batch_sizes(10, 6) == [6]


def test_stops_at_the_first_batch_that_meets_the_precision() -> None:
    runs: list[tuple[int, int]] = []
    done, still = replicate(
        run_more=lambda a, b: runs.append((a, b)),
        check=lambda: [] if runs[-1][1] >= 9 else ["wait_hours_mean"],
        start=4,
        maximum=100,
    )
    assert (done, still) == (10, [])
    assert runs == [(0, 4), (4, 6), (6, 8), (8, 10)]


def test_respects_the_maximum_and_says_what_is_still_imprecise() -> None:
    runs: list[tuple[int, int]] = []
    done, still = replicate(lambda a, b: runs.append((a, b)), lambda: ["wait_hours_mean"], 4, 7)
    assert (done, still) == (7, ["wait_hours_mean"])
    assert runs[-1] == (6, 7)


def test_no_precision_runs_exactly_the_start() -> None:
    runs: list[tuple[int, int]] = []
    assert replicate(lambda a, b: runs.append((a, b)), lambda: ["x"], 5, None) == (5, [])
    assert runs == [(0, 5)]


def test_relative_half_width() -> None:
    assert relative_half_width([2.0, 2.0, 2.0]) == 0.0
    assert math.isnan(relative_half_width([math.nan, math.nan]))
    assert relative_half_width([-1.0, 1.0]) == math.inf
    assert relative_half_width([9.0, 10.0, 11.0]) == pytest.approx(4.302653 * 1 / math.sqrt(3) / 10, rel=1e-5)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_run_with_precision_equals_a_run_of_that_many_and_stopped_at_the_first_batch(tmp_path: Path) -> None:
    """The count chosen by --precision gives byte-identical tables to `-n` that count (deterministic,
    whatever --jobs), and one batch fewer would not have met the precision."""
    scenario = tmp_path / "mmc.toml"
    scenario.write_text(tomli_w.dumps(mmc_dict(13, 0.9, 3, 0.5, 3, 8)), encoding="utf-8")
    precision = 0.15
    controlled = hotline_sim_here(
        "run", scenario, "-n", "3", "--precision", str(precision), "--out", tmp_path / "p", "--no-plots",
        "--jobs", "2", cwd=tmp_path,
    )  # fmt: skip
    assert controlled.returncode == 0, controlled.stderr
    rows = read(tmp_path / "p" / "replications.csv")
    needed = len(rows)
    assert f"replications: {needed} (needed for" in controlled.stdout
    assert 3 < needed < 100  # 3 replications of 3 days are not precise to 15 % on the mean wait
    fixed = hotline_sim_here(
        "run", scenario, "-n", str(needed), "--out", tmp_path / "n", "--no-plots", cwd=tmp_path
    )
    assert fixed.returncode == 0, fixed.stderr
    for name in ("summary.csv", "replications.csv", "timeseries.csv"):
        assert (tmp_path / "p" / name).read_bytes() == (tmp_path / "n" / name).read_bytes()
    previous = needed - batch_sizes(3, needed)[-1]
    widths = [
        relative_half_width([float(r[m]) if r[m] else math.nan for r in rows[:previous]])
        for m in PRECISION_METRICS
    ]
    assert any(w > precision for w in widths)
    final = [
        relative_half_width([float(r[m]) if r[m] else math.nan for r in rows]) for m in PRECISION_METRICS
    ]
    assert all(w <= precision for w in final if not math.isnan(w))


def test_max_replications_needs_precision(tmp_path: Path) -> None:
    scenario = tmp_path / "mmc.toml"
    scenario.write_text(tomli_w.dumps(mmc_dict(13, 0.9, 1, 0, 2, 8)), encoding="utf-8")
    result = hotline_sim_here(
        "run", scenario, "--max-replications", "9", "--out", tmp_path / "o", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "--max-replications needs --precision" in result.stderr

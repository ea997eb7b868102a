"""`hotline-sim sweep`: full factorial arms, common random numbers, paired differences, bad input."""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path

import pytest
import tomli_w

from sim.experiments.arms import build_arms, paired_differences, parse_vary
from sim.experiments.execution import run_batch
from sim.scenario.schema import scenario_from_dict
from sim.stats.intervals import summarise, t_quantile_975
from tests.conftest import hotline_sim_here, mmc_dict

REPLICATIONS = 3


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """M/M/13 at rho = 0.9 for 4 days with a day of warm-up, two hosts."""
    folder = tmp_path_factory.mktemp("sweep")
    path = folder / "mmc-small.toml"
    path.write_text(tomli_w.dumps(mmc_dict(13, 0.9, 4, 1, REPLICATIONS, 5)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def swept(scenario_file: Path) -> Path:
    out = scenario_file.parent / "out"
    result = hotline_sim_here(
        "sweep", scenario_file, "--vary", "analysts.count=13,15",
        "--vary", "intake.volume_multiplier=1,0.8,1.1",
        "--metric", "wait_hours_mean", "--out", out, "--jobs", "2", cwd=scenario_file.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


def test_arms_are_the_full_factorial(swept: Path) -> None:
    rows = read_rows(swept / "sweep.csv")
    assert list(rows[0])[:3] == ["analysts.count", "intake.volume_multiplier", "metric"]
    arms = list(dict.fromkeys((r["analysts.count"], r["intake.volume_multiplier"]) for r in rows))
    assert arms == list(itertools.product(["13", "15"], ["1", "0.8", "1.1"]))
    metrics = [r["metric"] for r in rows if (r["analysts.count"], r["intake.volume_multiplier"]) == arms[0]]
    assert len(rows) == len(arms) * len(metrics)
    assert "backlog_never_cleared_replications" in metrics
    differences = read_rows(swept / "sweep_differences.csv")
    assert {(r["analysts.count"], r["intake.volume_multiplier"]) for r in differences} == set(arms[1:])
    assert (swept / "sweep_wait_hours_mean.png").stat().st_size > 0
    assert "wait_hours_mean" in (swept / "sweep.md").read_text(encoding="utf-8")


def test_base_arm_reproduces_run_exactly(scenario_file: Path, swept: Path) -> None:
    run_out = scenario_file.parent / "run"
    result = hotline_sim_here("run", scenario_file, "--out", run_out, "--no-plots", cwd=scenario_file.parent)
    assert result.returncode == 0, result.stderr
    summary = (run_out / "summary.csv").read_text(encoding="utf-8").splitlines()[1:]
    base_rows = [
        line.split(",", 2)[2]
        for line in (swept / "sweep.csv").read_text(encoding="utf-8").splitlines()[1:]
        if line.startswith("13,1,")
    ]
    assert base_rows == summary


def test_paired_differences_are_arm_minus_baseline(swept: Path) -> None:
    """The difference of the means equals the mean difference (all replications defined)."""
    rows = {
        (r["analysts.count"], r["intake.volume_multiplier"], r["metric"]): r
        for r in read_rows(swept / "sweep.csv")
    }
    for diff in read_rows(swept / "sweep_differences.csv"):
        if diff["metric"] != "reports_assessed":
            continue
        arm = rows[(diff["analysts.count"], diff["intake.volume_multiplier"], "reports_assessed")]
        base = rows[("13", "1", "reports_assessed")]
        # (the cells are rounded to 10 significant digits)
        assert float(diff["mean_difference"]) == pytest.approx(
            float(arm["mean"]) - float(base["mean"]), abs=1e-4
        )


def test_common_random_numbers_make_waits_monotone_in_team_size() -> None:
    """Same arrivals and assessment times in every arm: each replication's mean wait can only fall
    as analysts are added (FIFO with the same work in the same order)."""
    base = scenario_from_dict(mmc_dict(10, 0.95, 3, 0, 4, 9))
    arms = build_arms(base, [parse_vary("analysts.count=10,11,12,14")], "<test>")
    results = run_batch([(arm.scenario, 9, r) for arm in arms for r in range(4)], jobs=2)
    for r in range(4):
        waits = [results[a * 4 + r].metrics["wait_hours_mean"] for a in range(len(arms))]
        assert all(later <= earlier for earlier, later in itertools.pairwise(waits)), waits
        received = {results[a * 4 + r].metrics["reports_received"] for a in range(len(arms))}
        assert len(received) == 1  # the same arrivals in every arm


def test_paired_interval_is_narrower_than_unpaired() -> None:
    """What common random numbers buy: the paired CI of the wait difference between 13 and 14
    analysts is narrower than the interval from two independent sets of the same size."""
    base = scenario_from_dict(mmc_dict(13, 0.9, 5, 1, 6, 3))
    arms = build_arms(base, [parse_vary("analysts.count=13,14")], "<test>")
    n = 6
    results = run_batch([(arm.scenario, 3, r) for arm in arms for r in range(n)], jobs=2)
    a, b = results[:n], results[n:]
    paired = paired_differences(b, a, ["wait_hours_mean"])["wait_hours_mean"]
    sa = summarise([r.metrics["wait_hours_mean"] for r in a])
    sb = summarise([r.metrics["wait_hours_mean"] for r in b])
    unpaired_half = t_quantile_975(2 * n - 2) * math.sqrt((sa.std**2 + sb.std**2) / n)
    assert paired.half_width < unpaired_half
    assert paired.mean == pytest.approx(sb.mean - sa.mean)


def test_keys_inside_lists_can_be_varied(scenario_file: Path) -> None:
    out = scenario_file.parent / "hosts"
    result = hotline_sim_here(
        "sweep", scenario_file, "--vary", "takedown.hosts[0].removal_hours.mean=5,20", "--no-plots",
        "--out", out, "--baseline", "takedown.hosts[0].removal_hours.mean=20", cwd=scenario_file.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (diff,) = [
        r for r in read_rows(out / "sweep_differences.csv") if r["metric"] == "time_to_removal_hours_mean"
    ]
    assert diff["takedown.hosts[0].removal_hours.mean"] == "5"
    # host A (share 0.6) is 15 h faster on average: time to removal falls by about 0.6 x 15 = 9 h
    assert float(diff["ci95_low"]) < -0.6 * 15 * 0.8 and float(diff["ci95_high"]) > -0.6 * 15 * 1.2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--vary", "analysts.cont=3,4"], "analysts.cont: unknown key; did you mean 'count'?"),
        (["--vary", "analysts.count=3,many"], "analysts.count: expected a valid integer"),
        (["--vary", "analysts.count="], "--vary: expected KEY=V1,V2,..., got 'analysts.count='"),
        (["--vary", "analysts.count"], "--vary: expected KEY=V1,V2,..."),
        (["--vary", "takedown.hosts[7].share=1"], "takedown.hosts[7].share: no element [7]"),
        (["--vary", "analysts.count=3,4", "--vary", "analysts.count=5"], "each key once"),
        (
            ["--vary", "analysts.count=3,4", "--metric", "wait_hour_mean"],
            "--metric: unknown metric 'wait_hour_mean'; did you mean wait_hours_mean",
        ),
        (["--vary", "analysts.count=3,4", "--baseline", "analysts.count=9"], "no arm has these values"),
        (["--vary", "analysts.count=3,4", "--baseline", "seed=9"], "--baseline: expected KEY=VALUE"),
    ],
)
def test_bad_sweep_input_exits_2_before_simulating(
    scenario_file: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    out = tmp_path / "never"
    result = hotline_sim_here("sweep", scenario_file, *arguments, "--out", out, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert not out.exists()

"""`hotline-sim compare`: files run with the same seed and replications, their differences from the
first paired by replication."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
import tomli_w

from tests.conftest import hotline_sim_here, mmc_dict


def table(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("compare")
    base = mmc_dict(4, 0.85, 10, 2, 3, 7)
    (folder / "a.toml").write_text(tomli_w.dumps(base), encoding="utf-8")
    more = mmc_dict(4, 0.85, 10, 2, 3, 99)  # another seed: compare uses the first file's
    more["analysts"]["count"] = 5
    more["scenario"]["name"] = "five"
    (folder / "b.toml").write_text(tomli_w.dumps(more), encoding="utf-8")
    return folder


def test_a_file_against_itself_differs_by_exactly_zero(folder: Path) -> None:
    out = folder / "self"
    done = hotline_sim_here(
        "compare", folder / "a.toml", folder / "a.toml", "--out", out, "--no-plots", cwd=folder
    )
    assert done.returncode == 0, done.stderr
    rows = table(out / "compare.csv")
    assert list(rows[0]) == ["metric", "scenario", "mean", "ci95_low", "ci95_high", "difference",
                             "difference_ci95_low", "difference_ci95_high"]  # fmt: skip
    second = [r for r in rows if r["scenario"].endswith("#2")]
    assert second and len(second) * 2 == len(rows)
    for row in second:
        for column in ("difference", "difference_ci95_low", "difference_ci95_high"):
            assert row[column] in ("0", ""), row  # empty: a metric undefined in every replication
    assert any(r["difference"] == "0" and r["metric"] == "wait_hours_mean" for r in second)


def test_the_differences_are_paired_by_replication_and_the_runs_are_those_of_run(folder: Path) -> None:
    """compare a b: each file's means are those `run` gives it with the first file's seed, and the
    wait's difference is the mean of the per-replication differences of those two runs."""
    out = folder / "ab"
    done = hotline_sim_here(
        "compare", folder / "a.toml", folder / "b.toml", "--out", out, "--no-plots", cwd=folder
    )
    assert done.returncode == 0, done.stderr
    rows = {(r["metric"], r["scenario"]): r for r in table(out / "compare.csv")}
    runs = {}
    for name in ("a", "b"):
        ran = hotline_sim_here("run", folder / f"{name}.toml", "--seed", "7", "--out", folder / f"run-{name}",
                               "--no-plots", cwd=folder)  # fmt: skip
        assert ran.returncode == 0, ran.stderr
        runs[name] = table(folder / f"run-{name}" / "replications.csv")
        summary = {r["metric"]: r for r in table(folder / f"run-{name}" / "summary.csv")}
        label = "mmc" if name == "a" else "five"
        for metric in ("wait_hours_mean", "reports_assessed", "analyst_utilisation"):
            assert rows[(metric, label)]["mean"] == summary[metric]["mean"]
            assert rows[(metric, label)]["ci95_low"] == summary[metric]["ci95_low"]
    paired = [
        float(b["wait_hours_mean"]) - float(a["wait_hours_mean"])
        for a, b in zip(runs["a"], runs["b"], strict=True)
    ]
    difference = float(rows[("wait_hours_mean", "five")]["difference"])
    assert difference == pytest.approx(sum(paired) / len(paired), rel=1e-9)
    assert difference < 0 and float(rows[("wait_hours_mean", "five")]["difference_ci95_high"]) < 0
    received = rows[("reports_received", "five")]
    assert float(received["difference"]) == 0, "the same arrivals: the streams are shared"


def test_the_manifest_names_every_file_and_set(folder: Path) -> None:
    out = folder / "manifest"
    done = hotline_sim_here("compare", folder / "a.toml", folder / "b.toml", "--set", "analysts.count=6",
                            "--out", out, "--report", cwd=folder)  # fmt: skip
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "compare"
    files = [entry["sha256"] for entry in manifest["compared"]]
    assert files == [hashlib.sha256((folder / f"{n}.toml").read_bytes()).hexdigest() for n in ("a", "b")]
    assert "analysts.count=6" in manifest["command_line"]
    rows = table(out / "compare.csv")
    assert all(r["difference"] in ("0", "") for r in rows), "--set made both files the same team"
    assert (out / "report.html").is_file() and (out / "compare_wait_hours_mean.png").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["a.toml"], "expected at least two scenario files"),
        (["a.toml", "missing.toml"], "missing.toml"),
        (["a.toml", "broken.toml"], "analysts.count"),
        (["a.toml", "b.toml", "--set", "analysts.count=0"], "analysts.count"),
        (["a.toml", "b.toml", "--precision", "0.1"], "No such option '--precision'"),
    ],
)
def test_bad_requests_are_exit_2_and_write_nothing(folder: Path, arguments: list[str], message: str) -> None:
    broken = mmc_dict(4, 0.85, 10, 2, 3, 7)
    broken["analysts"]["count"] = -1
    (folder / "broken.toml").write_text(tomli_w.dumps(broken), encoding="utf-8")
    out = folder / "refused"
    files = [folder / a if a.endswith(".toml") else a for a in arguments]
    done = hotline_sim_here("compare", *files, "--out", out, cwd=folder)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert not out.exists() or not any(p.name != ".lock" for p in out.iterdir())

"""The `hotline-sim` command end to end: result files, their formats, reproducibility, overrides.

Every run is on a small scenario (14 days, 2 of them warm-up, 3 replications, a weekday shift, two
sources, two hosts, some dedup), so every result file has content and the whole module stays fast.
The full run (with plots), `--version` and a reader that closes the pipe run the console script in
a new process; the other command lines run in this process (`hotline_sim_here`: the same exit code,
stdout and stderr, without starting Python again), so the same seed giving the same files also holds
between the two. Runs shared by several tests are made once per module.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import platform
import re
import subprocess
import tomllib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

import sim
from tests.conftest import REPO, cli_command, hotline_sim, hotline_sim_here

SCENARIO_NAME = "cli-small"
SEED = 7
REPLICATIONS = 3
HORIZON_DAYS = 14
WARMUP_DAYS = 2

# Omits [sla] and dedup.hash_match_time_factor on purpose: `check` must show their defaults.
SCENARIO_TOML = f"""\
[scenario]
name = "{SCENARIO_NAME}"
horizon_days = {HORIZON_DAYS}
warmup_days = {WARMUP_DAYS}
replications = {REPLICATIONS}
seed = {SEED}

[intake]
weekly_profile = [1.2, 1.1, 1.0, 1.0, 1.0, 0.8, 0.7]

[intake.sources.public]
reports_per_day = 300.0
actionable_share = 0.35

[intake.sources.referral]
reports_per_day = 40.0
actionable_share = 0.8

[dedup]
duplicate_share = 0.1
hash_match_share = 0.2

[analysts]
count = 4
schedule = {{ days = "mon-fri", start = "08:00", end = "16:00" }}

[assessment]
time_minutes = {{ dist = "exponential", mean = 5.0 }}

[[takedown.hosts]]
country = "NL"
share = 0.7
route = "partner_hotline"
removal_hours = {{ dist = "lognormal", mean = 60.0, cv = 1.2 }}

[[takedown.hosts]]
country = "GB"
share = 0.3
route = "direct"
removal_hours = {{ dist = "exponential", mean = 2.0 }}
"""

RESULT_FILES = (
    "summary.csv",
    "summary.md",
    "replications.csv",
    "takedown_by_country.csv",
    "takedown_by_route.csv",
    "timeseries.csv",
    "manifest.json",
    "backlog.png",
    "wait_distribution.png",
)
MAY_BE_UNDEFINED = ("first_period_backlog_grows", "backlog_clear_days")
REPRODUCIBLE_FILES = (
    "summary.csv",
    "replications.csv",
    "timeseries.csv",
    "takedown_by_country.csv",
    "takedown_by_route.csv",
)
SUMMARY_HEADER = ["metric", "mean", "std", "ci95_low", "ci95_high", "replications"]
TIMESERIES_HEADER = ["day", "arrivals", "assessed", "backlog", "removed", "fast_tracked", "merged"]
TAKEDOWN_COLUMNS = [
    "notices",
    "removed",
    "rechecks",
    "escalations",
    "removal_hours_mean",
    "removal_hours_p50",
    "removal_hours_p95",
    "removed_within_1_hour_share",
    "removed_within_1_day_share",
    "removed_within_3_days_share",
    "removed_within_28_days_share",
]
TAKEDOWN_HEADER = ["country", "route", *TAKEDOWN_COLUMNS]
REQUIRED_METRICS = (
    "reports_received",
    "reports_merged",
    "reports_fast_tracked",
    "reports_assessed",
    "reports_actionable",
    "notices_sent",
    "pages_removed",
    "wait_hours_mean",
    "wait_hours_p50",
    "wait_hours_p95",
    "time_to_assessment_hours_mean",
    "time_to_assessment_hours_p95",
    "time_to_removal_hours_mean",
    "time_to_removal_hours_p50",
    "queue_length_mean",
    "backlog_end",
    "analyst_utilisation",
    "sla_assessment_share",
)


def run_ok(
    *args: str | Path, cwd: Path, command: Callable[..., subprocess.CompletedProcess[str]] = hotline_sim_here
) -> subprocess.CompletedProcess[str]:
    """Run a command line (in this process, or in a new one with `command=hotline_sim`): exit 0."""
    result = command(*args, cwd=cwd)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    return result


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def number(cell: str) -> float:
    """A summary cell: a number, or empty for an undefined value (NaN)."""
    return math.nan if cell == "" else float(cell)


def summary_table(out: Path) -> dict[str, dict[str, float]]:
    header, rows = read_csv(out / "summary.csv")
    return {row[0]: {k: number(v) for k, v in zip(header[1:], row[1:], strict=True)} for row in rows}


# --- shared runs -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def scenario_path(workdir: Path) -> Path:
    path = workdir / f"{SCENARIO_NAME}.toml"
    path.write_text(SCENARIO_TOML, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run_a(workdir: Path, scenario_path: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The full run, with plots: the console script in a new process."""
    out = workdir / "a"
    return out, run_ok("run", scenario_path, "--out", out, cwd=workdir, command=hotline_sim)


@pytest.fixture(scope="module")
def run_b(workdir: Path, scenario_path: Path) -> Path:
    """The same scenario and seed again, without plots, in this process."""
    out = workdir / "b"
    run_ok("run", scenario_path, "--out", out, "--no-plots", cwd=workdir)
    return out


@pytest.fixture(scope="module")
def run_jobs2(workdir: Path, scenario_path: Path) -> Path:
    out = workdir / "jobs2"
    run_ok("run", scenario_path, "--out", out, "--no-plots", "--jobs", "2", cwd=workdir)
    return out


@pytest.fixture(scope="module")
def run_other_seed(workdir: Path, scenario_path: Path) -> Path:
    out = workdir / "seed8"
    run_ok("run", scenario_path, "--out", out, "--no-plots", "--seed", str(SEED + 1), cwd=workdir)
    return out


# --- result files ----------------------------------------------------------------------------


def test_run_writes_every_result_file(run_a) -> None:
    out, result = run_a
    for name in RESULT_FILES:
        assert (out / name).is_file(), f"{name} missing"
        assert (out / name).stat().st_size > 0, f"{name} is empty"
    for name in ("backlog.png", "wait_distribution.png"):
        assert (out / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "reports received" in result.stdout
    assert f"results written to {out}" in result.stdout


# the hidden files a finished command leaves: its lock (released) and the list of files it wrote
FOLDER_FILES = {".hotline-sim.lock", ".hotline-sim-files.json"}


def test_no_temporary_files_left(run_a, run_b) -> None:
    out, _ = run_a
    for folder in (out, run_b):
        leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")]
        assert set(leftovers) == FOLDER_FILES
        listed = json.loads((folder / ".hotline-sim-files.json").read_text(encoding="utf-8"))["files"]
        assert set(listed) == {p.name for p in folder.iterdir()} - FOLDER_FILES


def test_summary_csv(run_a) -> None:
    out, _ = run_a
    header, rows = read_csv(out / "summary.csv")
    assert header == SUMMARY_HEADER
    names = [row[0] for row in rows]
    assert len(names) == len(set(names)), "a metric appears twice"
    missing = [m for m in REQUIRED_METRICS if m not in names]
    assert missing == []
    for row in rows:
        assert len(row) == len(SUMMARY_HEADER), row
        mean, std, low, high, reps = (number(cell) for cell in row[1:])  # numbers or empty
        # a metric undefined in a replication (a backlog that never keeps growing) is left out there
        assert reps == REPLICATIONS or (row[0] in MAY_BE_UNDEFINED and reps < REPLICATIONS), row
        if not math.isnan(mean):
            assert std >= 0, row
            assert low <= mean <= high, row


def test_summary_agrees_with_replications(run_a) -> None:
    out, _ = run_a
    summary = summary_table(out)
    header, rows = read_csv(out / "replications.csv")
    assert header[0] == "replication"
    assert [row[0] for row in rows] == [str(r) for r in range(REPLICATIONS)]
    for column, metric in enumerate(header[1:], start=1):
        values = np.array([number(row[column]) for row in rows])
        assert metric in summary
        if np.isnan(values).any():
            continue
        assert summary[metric]["mean"] == pytest.approx(values.mean(), rel=1e-8, abs=1e-9), metric
        assert summary[metric]["std"] == pytest.approx(values.std(ddof=1), rel=1e-7, abs=1e-9), metric
    # the scenario has content everywhere: all counts are positive and ordered as the flow implies
    s = {k: v["mean"] for k, v in summary.items()}
    assert s["reports_received"] > s["reports_assessed"] > s["notices_sent"] >= s["pages_removed"] > 0
    assert s["reports_merged"] > 0 and s["reports_fast_tracked"] > 0
    assert 0 < s["analyst_utilisation"] <= 1
    assert 0 <= s["sla_assessment_share"] <= 1


def test_summary_md(run_a) -> None:
    out, _ = run_a
    text = (out / "summary.md").read_text(encoding="utf-8")
    head = text.split("|", 1)[0]
    assert SCENARIO_NAME in head
    assert re.search(rf"seed\D*{SEED}\b", head)
    assert re.search(rf"replications\D*{REPLICATIONS}\b", head)
    for metric in summary_table(out):
        assert f"| `{metric}` |" in text  # each metric's row, named after its label in words


def test_timeseries_csv(run_a) -> None:
    out, _ = run_a
    header, rows = read_csv(out / "timeseries.csv")
    assert header == TIMESERIES_HEADER
    assert [row[0] for row in rows] == [str(day) for day in range(HORIZON_DAYS)]
    values = np.array([[float(cell) for cell in row[1:]] for row in rows])
    assert np.isfinite(values).all() and (values >= 0).all()
    assert values[:, 0].min() > 0, "every day has arrivals"
    # the measured days add up to the summary's counts
    summary = summary_table(out)
    measured = values[WARMUP_DAYS:]
    assert measured[:, 0].sum() == pytest.approx(summary["reports_received"]["mean"], rel=1e-6)
    assert measured[:, 1].sum() == pytest.approx(summary["reports_assessed"]["mean"], rel=1e-6)
    assert values[-1, 2] == pytest.approx(summary["backlog_end"]["mean"], rel=1e-6)
    assert measured[:, 4].sum() == pytest.approx(summary["reports_fast_tracked"]["mean"], rel=1e-6)
    assert measured[:, 5].sum() == pytest.approx(summary["reports_merged"]["mean"], rel=1e-6)


def test_takedown_by_country_csv(run_a) -> None:
    out, _ = run_a
    header, rows = read_csv(out / "takedown_by_country.csv")
    assert header == TAKEDOWN_HEADER
    assert [(row[0], row[1]) for row in rows] == [("NL", "partner_hotline"), ("GB", "direct")]
    table = {row[0]: dict(zip(TAKEDOWN_COLUMNS, map(float, row[2:]), strict=True)) for row in rows}
    for t in table.values():
        assert 0 < t["removed"] <= t["notices"]
        assert 0 < t["removal_hours_p50"] <= t["removal_hours_p95"] and t["removal_hours_mean"] > 0
        assert t["rechecks"] == t["escalations"] == 0, "follow-ups are off"
        within = [t[f"removed_within_{w}_share"] for w in ("1_hour", "1_day", "3_days", "28_days")]
        assert within == sorted(within) and 0 <= within[0] and within[-1] <= 1
    assert table["GB"]["removal_hours_mean"] < table["NL"]["removal_hours_mean"], (
        "direct removal (mean 2 h) is faster than partner (60 h)"
    )
    summary = summary_table(out)
    for column, metric in (("notices", "notices_sent"), ("removed", "pages_removed")):
        total = sum(t[column] for t in table.values())
        assert total == pytest.approx(summary[metric]["mean"], rel=1e-6)
    header, route_rows = read_csv(out / "takedown_by_route.csv")
    assert header == ["route", *TAKEDOWN_COLUMNS]
    assert [row[0] for row in route_rows] == ["direct", "partner_hotline"]
    by_route = {row[0]: [float(cell) for cell in row[1:]] for row in route_rows}
    assert by_route["direct"] == [float(cell) for cell in rows[1][2:]], "one host per route: its own row"


def test_manifest(run_a, scenario_path: Path) -> None:
    out, _ = run_a
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario_name"] == SCENARIO_NAME
    assert manifest["scenario_sha256"] == hashlib.sha256(scenario_path.read_bytes()).hexdigest()
    assert manifest["seed"] == SEED
    assert manifest["replications"] == REPLICATIONS
    versions = manifest["versions"]
    assert versions["python"] == platform.python_version()
    assert versions["simpy"] == metadata.version("simpy")
    assert versions["numpy"] == np.__version__
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in pyproject["project"]["dependencies"]:
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
        assert versions.get(name) == metadata.version(name), name
    assert "run" in manifest["command_line"]
    assert set(manifest["files"]) == {p.name for p in out.iterdir()} - FOLDER_FILES


# --- reproducibility -------------------------------------------------------------------------


def test_same_seed_gives_identical_files(run_a, run_b) -> None:
    out, _ = run_a
    for name in REPRODUCIBLE_FILES:
        assert (out / name).read_bytes() == (run_b / name).read_bytes(), name
    # timestamps live only in the manifest
    assert (out / "summary.md").read_bytes() == (run_b / "summary.md").read_bytes()


def test_jobs_never_change_the_numbers(run_b, run_jobs2) -> None:
    for name in REPRODUCIBLE_FILES:
        assert (run_b / name).read_bytes() == (run_jobs2 / name).read_bytes(), name


def test_different_seed_gives_different_numbers(run_b, run_other_seed) -> None:
    assert (run_b / "replications.csv").read_bytes() != (run_other_seed / "replications.csv").read_bytes()
    header_b, rows_b = read_csv(run_b / "replications.csv")
    header_o, rows_o = read_csv(run_other_seed / "replications.csv")
    assert header_b == header_o and len(rows_b) == len(rows_o) == REPLICATIONS
    manifest = json.loads((run_other_seed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == SEED + 1


def test_seed_and_replications_override_the_file(workdir: Path, scenario_path: Path) -> None:
    out = workdir / "override"
    run_ok(
        "run", scenario_path, "--out", out, "--no-plots", "--seed", "99", "--replications", "2", cwd=workdir
    )
    _, rows = read_csv(out / "replications.csv")
    assert [row[0] for row in rows] == ["0", "1"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 99
    assert manifest["replications"] == 2
    counts = {name: v["replications"] for name, v in summary_table(out).items()}
    assert {c for name, c in counts.items() if name not in MAY_BE_UNDEFINED} == {2}
    assert re.search(r"seed\D*99\b", (out / "summary.md").read_text(encoding="utf-8"))


def test_set_overrides_equal_an_edited_file(workdir: Path, scenario_path: Path, run_b: Path) -> None:
    """`--set analysts.count=6 --set dedup.hash_match_share=0.1` gives the same tables, byte for
    byte, as a copy of the file with those two values edited; the manifest records the result."""
    edited = workdir / "edited.toml"
    edited.write_text(
        SCENARIO_TOML.replace("count = 4", "count = 6").replace(
            "hash_match_share = 0.2", "hash_match_share = 0.1"
        ),
        encoding="utf-8",
    )
    by_file, by_set = workdir / "by-file", workdir / "by-set"
    run_ok("run", edited, "--out", by_file, "--no-plots", cwd=workdir)
    run_ok(
        "run", scenario_path, "--out", by_set, "--no-plots",
        "--set", "analysts.count=6", "--set", "dedup.hash_match_share=0.1", cwd=workdir,
    )  # fmt: skip
    for name in REPRODUCIBLE_FILES:
        assert (by_set / name).read_bytes() == (by_file / name).read_bytes(), name
    assert (by_set / "summary.csv").read_bytes() != (run_b / "summary.csv").read_bytes()
    resolved = json.loads((by_set / "manifest.json").read_text(encoding="utf-8"))["resolved_scenario"]
    assert resolved["analysts"]["count"] == 6


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("analysts.cont=6", "analysts.cont: unknown key; did you mean 'count'?"),
        ("analysts.count=0", "analysts.count: expected greater than or equal to 1"),
        ("takedown.hosts[5].share=1", "takedown.hosts[5].share: no element [5]"),
        ("analysts.count", "expected KEY=VALUE"),
    ],
)
def test_bad_set_exits_2_naming_the_key(
    tmp_path: Path, scenario_path: Path, override: str, message: str
) -> None:
    result = hotline_sim_here(
        "run", scenario_path, "--out", tmp_path / "out", "--set", override, cwd=tmp_path
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "out" / "summary.csv").exists()


def test_default_output_folder(tmp_path: Path, scenario_path: Path) -> None:
    result = run_ok("run", scenario_path, "--no-plots", "--replications", "2", cwd=tmp_path)
    out = tmp_path / "runs" / SCENARIO_NAME
    assert (out / "summary.csv").is_file()
    assert (out / "manifest.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["runs"]
    assert [p.name for p in (tmp_path / "runs").iterdir()] == [SCENARIO_NAME]
    hidden = {p.name for p in out.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")}
    assert hidden == FOLDER_FILES
    assert "runs/" in result.stdout


# --- check, version, help --------------------------------------------------------------------


def test_check_prints_resolved_scenario_with_defaults(tmp_path: Path, scenario_path: Path) -> None:
    result = run_ok("check", scenario_path, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == [], "check writes nothing"
    assert "hash_match_time_factor" not in SCENARIO_TOML and "[sla]" not in SCENARIO_TOML
    assert "hash_match_time_factor" in result.stdout
    assert "[sla]" in result.stdout
    resolved = tomllib.loads(result.stdout)  # the header line is a TOML comment
    assert resolved["dedup"] == {
        "duplicate_share": 0.1,
        "hash_match_share": 0.2,
        "hash_match_time_factor": 0.2,
    }
    assert resolved["sla"]["assessment_hours"] == 24
    assert resolved["intake"]["volume_multiplier"] == 1.0
    assert resolved["intake"]["growth_per_year"] == 0.0
    # what the file says is kept
    assert resolved["scenario"]["name"] == SCENARIO_NAME
    assert resolved["scenario"]["seed"] == SEED
    assert resolved["analysts"]["count"] == 4
    assert resolved["analysts"]["schedule"]["days"] == "mon-fri"
    assert [h["country"] for h in resolved["takedown"]["hosts"]] == ["NL", "GB"]
    assert resolved["takedown"]["hosts"][0]["removal_hours"] == {"dist": "lognormal", "mean": 60.0, "cv": 1.2}


def test_version(tmp_path: Path) -> None:
    result = run_ok("--version", cwd=tmp_path, command=hotline_sim)
    assert sim.__version__ in result.stdout
    assert metadata.version("hotline-sim") in result.stdout
    assert f"(model: {sim.model.BUILD})" in result.stdout  # compiled or pure Python


@pytest.mark.parametrize(
    ("command", "options"),
    [
        pytest.param("run", ("--replications", "--seed", "--out", "--jobs", "--no-plots"), id="run"),
        pytest.param("check", (), id="check"),
    ],
)
def test_help_shows_an_example(tmp_path: Path, command: str, options: tuple[str, ...]) -> None:
    result = run_ok(command, "--help", cwd=tmp_path)
    assert "Example" in result.stdout
    lines = [line.strip() for line in result.stdout.splitlines()]
    examples = [line for line in lines if line.startswith(f"hotline-sim {command} ") and ".toml" in line]
    assert examples, result.stdout
    for option in options:
        assert option in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_reader_that_stops_early_loses_nothing(workdir: Path, scenario_path: Path) -> None:
    """`hotline-sim run ... --report | head -1`: the reader has gone before the first line is
    printed; every file, the report included, is still written, and the exit is 141 (as a shell
    reports a closed pipe) with no traceback."""
    out = workdir / "closed-pipe"
    process = subprocess.Popen(
        [*cli_command(), "run", str(scenario_path), "-n", "2", "--no-plots", "--report", "--out", str(out)],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()  # the reader stops before the command prints anything
    stderr = process.stderr.read()
    assert process.wait(timeout=300) == 141, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert (out / "report.html").is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "report.html" not in manifest["files"] or (out / "report.html").stat().st_size > 0
    for name in ("summary.csv", "replications.csv", "timeseries.csv"):
        assert (out / name).stat().st_size > 0

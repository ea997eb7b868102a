"""Bad input through the command line: exit 2, a message naming file and key, nothing written.

The cases run the command line in this process (`hotline_sim_here`: the console script's own
`sim.cli.execute`); a few smoke tests run it as a new process, as a planner does.

Every case starts from a small valid scenario (the M/M/c check scenario shortened to 3 days and 2
replications, with a second source and three hosts so list indices and source names appear in the
key paths), breaks one thing, writes the file with `tomli_w` and runs `hotline-sim run` on it in
a fresh working directory. The expected message format (sim/scenario/wording.py) is

    <file>: invalid scenario (N problem(s))
      <dotted.key.path>: <what is wrong>; got <value>
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tests.conftest import hotline_sim, hotline_sim_here
from tests.scenario_edits import (
    EXIT_INVALID,
    LIBRARY_WORDING,
    assert_invalid_message,
    broken_file,
    drop,
    put,
    rename,
    write_scenario,
)

# The M/M/c check scenario (scenarios/mmc-check.toml), short and with 2 replications so that an
# accidental run is fast, plus a second source and three hosts (one per route and distribution).
BASE: dict[str, Any] = {
    "scenario": {"name": "bad-input", "horizon_days": 3, "warmup_days": 1, "replications": 2, "seed": 13},
    "intake": {
        "sources": {
            "public": {"reports_per_day": 3369.6, "actionable_share": 0.5},
            "referral": {"reports_per_day": 40.0, "actionable_share": 0.8},
        }
    },
    "analysts": {"count": 13, "schedule": "24/7"},
    "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
    "takedown": {
        "hosts": [
            {
                "country": "NL",
                "share": 0.5,
                "route": "partner_hotline",
                "removal_hours": {"dist": "exponential", "mean": 48.0},
            },
            {
                "country": "US",
                "share": 0.3,
                "route": "law_enforcement",
                "removal_hours": {"dist": "lognormal", "mean": 100.0, "cv": 1.0},
            },
            {
                "country": "GB",
                "share": 0.2,
                "route": "direct",
                "removal_hours": {"dist": "triangular", "low": 0.5, "mode": 1.0, "high": 48.0},
            },
        ]
    },
    "sla": {"assessment_hours": 1},
}


WEEKDAYS = {"days": "mon-fri", "start": "08:00", "end": "16:00"}

# (id, mutation, dotted key path expected in stderr, text expected on that key's line, problems)
CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str, int]] = [
    (
        "unknown-key-did-you-mean",
        rename("intake", "sources", to="sourcse"),
        "intake.sourcse",
        "unknown key; did you mean 'sources'?",
        2,  # the misspelt key, and `intake.sources` now missing
    ),
    (
        "unknown-key-in-host",
        rename("takedown", "hosts", 1, "share", to="shar"),
        "takedown.hosts[1].shar",
        "did you mean 'share'?",
        2,
    ),
    (
        "unknown-key-in-distribution",
        rename("takedown", "hosts", 1, "removal_hours", "cv", to="cvv"),
        "takedown.hosts[1].removal_hours.cvv",
        "did you mean 'cv'?",
        2,
    ),
    (
        "unknown-key-in-source",
        rename("intake", "sources", "public", "reports_per_day", to="reports_per_dya"),
        "intake.sources.public.reports_per_dya",
        "did you mean 'reports_per_day'?",
        2,
    ),
    (
        "unknown-top-level-section",
        put("staffing", value={"count": 13}),
        "staffing",
        "unknown key (expected one of: analysts, assessment, dedup, intake, reuploads, scenario, sla, "
        "takedown, teams)",
        1,
    ),
    (
        "string-for-integer",
        put("analysts", "count", value="13"),
        "analysts.count",
        "got '13'",
        1,
    ),
    (
        "string-for-number",
        put("intake", "sources", "public", "reports_per_day", value="3369.6"),
        "intake.sources.public.reports_per_day",
        "got '3369.6'",
        1,
    ),
    (
        "float-for-integer",
        put("analysts", "count", value=13.5),
        "analysts.count",
        "got 13.5",
        1,
    ),
    (
        "negative-rate",
        put("intake", "sources", "public", "reports_per_day", value=-1.0),
        "intake.sources.public.reports_per_day",
        "got -1.0",
        1,
    ),
    (
        "not-finite-horizon",
        put("scenario", "horizon_days", value=math.inf),
        "scenario.horizon_days",
        "finite",
        1,
    ),
    (
        "host-share-above-1",
        put("takedown", "hosts", 2, "share", value=1.5),
        "takedown.hosts[2].share",
        "got 1.5",
        1,
    ),
    (
        "host-share-negative",
        put("takedown", "hosts", 0, "share", value=-0.5),
        "takedown.hosts[0].share",
        "got -0.5",
        1,
    ),
    (
        "actionable-share-above-1",
        put("intake", "sources", "public", "actionable_share", value=1.2),
        "intake.sources.public.actionable_share",
        "got 1.2",
        1,
    ),
    (
        "actionable-share-negative",
        put("intake", "sources", "referral", "actionable_share", value=-0.1),
        "intake.sources.referral.actionable_share",
        "got -0.1",
        1,
    ),
    (
        "host-shares-not-summing-to-1",
        put("takedown", "hosts", 2, "share", value=0.3),
        "takedown.hosts",
        "summing to 1",
        1,
    ),
    (
        "host-country-repeated",
        put("takedown", "hosts", 2, "country", value="NL"),
        "takedown.hosts",
        "'NL'",
        1,
    ),
    (
        "weekly-profile-wrong-length",
        put("intake", "weekly_profile", value=[1.0] * 6),
        "intake.weekly_profile",
        "expected 7 values, got 6",
        1,
    ),
    (
        "hourly-profile-wrong-length",
        put("intake", "hourly_profile", value=[1.0] * 23),
        "intake.hourly_profile",
        "expected 24 values, got 23",
        1,
    ),
    (
        "hourly-profile-all-zero",
        put("intake", "hourly_profile", value=[0.0] * 24),
        "intake.hourly_profile",
        "all zeros",
        1,
    ),
    (
        "negative-profile-value",
        put("intake", "weekly_profile", value=[1.0, 1.0, 1.0, -1.0, 1.0, 1.0, 1.0]),
        "intake.weekly_profile[3]",
        "greater than or equal to 0",
        1,
    ),
    (
        "profile-value-not-a-number",
        put("intake", "weekly_profile", value=[1.0, 1.0, 1.0, "high", 1.0, 1.0, 1.0]),
        "intake.weekly_profile[3]",
        "got 'high'",
        1,
    ),
    (
        "lognormal-missing-cv",
        drop("takedown", "hosts", 1, "removal_hours", "cv"),
        "takedown.hosts[1].removal_hours.cv",
        "missing",
        1,
    ),
    (
        "unknown-dist-name",
        put("assessment", "time_minutes", value={"dist": "weibull", "mean": 5.0}),
        "assessment.time_minutes",
        "expected dist to be one of exponential, lognormal, gamma, fixed, triangular, empirical; "
        "got dist = 'weibull'",
        1,
    ),
    (
        "distribution-without-dist",
        put("assessment", "time_minutes", value={"mean": 5.0}),
        "assessment.time_minutes",
        "got no dist",
        1,
    ),
    (
        "exponential-mean-zero",
        put("assessment", "time_minutes", "mean", value=0.0),
        "assessment.time_minutes.mean",
        "greater than 0; got 0.0",
        1,
    ),
    (
        "exponential-mean-negative",
        put("takedown", "hosts", 0, "removal_hours", "mean", value=-48.0),
        "takedown.hosts[0].removal_hours.mean",
        "got -48.0",
        1,
    ),
    (
        "gamma-cv-negative",
        put("assessment", "time_minutes", value={"dist": "gamma", "mean": 5.0, "cv": -0.5}),
        "assessment.time_minutes.cv",
        "got -0.5",
        1,
    ),
    (
        "triangular-mode-below-low",
        put("takedown", "hosts", 2, "removal_hours", "low", value=5.0),
        "takedown.hosts[2].removal_hours.mode",
        "low <= mode <= high",
        1,
    ),
    (
        "triangular-high-below-mode",
        put("assessment", "time_minutes", value={"dist": "triangular", "low": 1.0, "mode": 4.0, "high": 3.0}),
        "assessment.time_minutes.high",
        "low <= mode <= high",
        1,
    ),
    (
        "warmup-equals-horizon",
        put("scenario", "warmup_days", value=3),
        "scenario.warmup_days",
        "warmup_days < horizon_days",
        1,
    ),
    (
        "warmup-beyond-horizon",
        put("scenario", "warmup_days", value=10),
        "scenario.warmup_days",
        "warmup_days < horizon_days",
        1,
    ),
    (
        "replications-1-in-file",
        put("scenario", "replications", value=1),
        "scenario.replications",
        "got 1",
        1,
    ),
    (
        "seed-negative-in-file",
        put("scenario", "seed", value=-1),
        "scenario.seed",
        "got -1",
        1,
    ),
    (
        "horizon-missing",
        drop("scenario", "horizon_days"),
        "scenario.horizon_days",
        "missing",
        1,
    ),
    (
        "assessment-section-missing",
        drop("assessment"),
        "assessment",
        "missing",
        1,
    ),
    (
        "dedup-shares-above-1",
        put("dedup", value={"duplicate_share": 0.6, "hash_match_share": 0.5}),
        "dedup.hash_match_share",
        "duplicate_share + hash_match_share <= 1",
        1,
    ),
    (
        "hash-match-time-factor-negative",
        put("dedup", value={"hash_match_time_factor": -0.1}),
        "dedup.hash_match_time_factor",
        "got -0.1",
        1,
    ),
    (
        "bad-route-name",
        put("takedown", "hosts", 0, "route", value="email"),
        "takedown.hosts[0].route",
        "'direct', 'partner_hotline' or 'law_enforcement'; got 'email'",
        1,
    ),
    (
        "analyst-count-zero",
        put("analysts", "count", value=0),
        "analysts.count",
        "got 0",
        1,
    ),
    (
        "schedule-unknown-string",
        put("analysts", "schedule", value="24x7"),
        "analysts.schedule",
        "got '24x7'",
        1,
    ),
    (
        "shift-days-misspelt",
        put("analysts", "schedule", value={**WEEKDAYS, "days": "mon-fru"}),
        "analysts.schedule.days",
        "'mon-fru'",
        1,
    ),
    (
        "shift-start-25h",
        put("analysts", "schedule", value={**WEEKDAYS, "start": "25:00"}),
        "analysts.schedule.start",
        "'25:00'",
        1,
    ),
    (
        "shift-end-in-list-bad",
        put("analysts", "schedule", value=[WEEKDAYS, {"days": "sat,sun", "start": "10:00", "end": "24:30"}]),
        "analysts.schedule[1].end",
        "'24:30'",
        1,
    ),
    (
        "shift-key-misspelt",
        put("analysts", "schedule", value={**WEEKDAYS, "analyst": 4}),
        "analysts.schedule.analyst",
        "did you mean 'analysts'?",
        1,
    ),
    (
        "overlapping-shifts-exceed-count",
        put(
            "analysts",
            "schedule",
            value=[
                {**WEEKDAYS, "analysts": 8},
                {"days": "mon-fri", "start": "12:00", "end": "20:00", "analysts": 8},
            ],
        ),
        "analysts.schedule",
        "at most analysts.count = 13 analysts on duty at once, but the shifts need 16 on mon at 12:00",
        1,
    ),
    (
        "sla-hours-zero",
        put("sla", "assessment_hours", value=0),
        "sla.assessment_hours",
        "got 0",
        1,
    ),
    (
        "sla-sources-unknown",
        put("sla", "sources", value=["public", "partners"]),
        "sla.sources[1]",
        "expected one of the sources (public, referral), got 'partners'",
        1,
    ),
    (
        "sla-sources-twice",
        put("sla", "sources", value=["public", "public"]),
        "sla.sources[1]",
        "expected each source once, got 'public' again",
        1,
    ),
    (
        "sla-sources-empty",
        put("sla", "sources", value=[]),
        "sla.sources",
        "expected at least 1 entry; got a list of 0",
        1,
    ),
    (
        "sla-sources-a-name-not-a-list",
        put("sla", "sources", value="public"),
        "sla.sources",
        "got 'public'",
        1,
    ),
    (
        "source-names-that-spell-one-metric-name",
        put(
            "intake",
            "sources",
            value={
                "public-web": {"reports_per_day": 10.0, "actionable_share": 0.5},
                "public_web": {"reports_per_day": 20.0, "actionable_share": 0.5},
            },
        ),  # fmt: skip
        "intake.sources",
        "got 'public-web' and 'public_web'",
        1,
    ),
    # Shapes that are not what the key takes: the message says what is expected, in the
    # planner's words, not the validation library's.
    (
        "no-sources",
        put("intake", "sources", value={}),
        "intake.sources",
        "expected at least 1 entry",
        1,
    ),
    (
        "bad-scenario-name",
        put("scenario", "name", value="../elsewhere"),
        "scenario.name",
        "expected letters, digits",
        1,
    ),
    (
        "distribution-as-number",
        put("assessment", "time_minutes", value=5.0),
        "assessment.time_minutes",
        "expected a distribution table",
        1,
    ),
    (
        "section-not-a-table",
        put("dedup", value=0.5),
        "dedup",
        "expected a table",
        1,
    ),
]


RUN_CASES = [pytest.param(*case, id=case[0]) for case in CASES]
CHECK_CASES = [pytest.param(*case, id=case[0]) for case in CASES]


# --- the base file is valid (so each case fails because of its one change) ---------------------


def test_base_scenario_is_valid_and_runs(tmp_path: Path) -> None:
    path = write_scenario(tmp_path / "base.toml", BASE)
    checked = hotline_sim("check", path, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    out = tmp_path / "out"
    ran = hotline_sim("run", path, "--out", out, "--no-plots", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert (out / "summary.csv").is_file()  # so "the folder was not created" below means something


def test_case_ids_and_files_are_distinct() -> None:
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))
    texts = set()
    for case in CASES:
        data = copy.deepcopy(BASE)
        case[1](data)
        texts.add(tomli_w.dumps(data))
    assert len(texts) == len(CASES) >= 14
    assert tomli_w.dumps(BASE) not in texts


# --- invalid scenario files ------------------------------------------------------------------


@pytest.mark.parametrize(("case_id", "mutate", "key", "fragment", "problems"), RUN_CASES)
def test_run_rejects_invalid_scenario(
    tmp_path: Path, case_id: str, mutate: Callable, key: str, fragment: str, problems: int
) -> None:
    path = broken_file(tmp_path, case_id, BASE, mutate)
    out = tmp_path / "out"
    result = hotline_sim_here("run", path, "--out", out, cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, (result.returncode, result.stderr)
    assert path.name in result.stderr
    assert_invalid_message(result.stderr, str(path), key, fragment, problems)
    assert not out.exists(), "the output folder was created for an invalid scenario"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name], "something was written"
    assert "results written" not in result.stdout
    for wording in LIBRARY_WORDING:
        assert wording not in result.stderr, f"library wording {wording!r} in:\n{result.stderr}"


@pytest.mark.parametrize(("case_id", "mutate", "key", "fragment", "problems"), CHECK_CASES)
def test_check_rejects_invalid_scenario(
    tmp_path: Path, case_id: str, mutate: Callable, key: str, fragment: str, problems: int
) -> None:
    path = broken_file(tmp_path, case_id, BASE, mutate)
    result = hotline_sim_here("check", path, cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, (result.returncode, result.stderr)
    assert path.name in result.stderr
    assert f"{path}: invalid scenario (" in result.stderr
    assert any(line.startswith(f"  {key}: ") for line in result.stderr.splitlines()), result.stderr
    assert "valid; resolved" not in result.stdout
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_run_into_existing_folder_writes_nothing(tmp_path: Path) -> None:
    path = broken_file(
        tmp_path,
        "dedup-shares-above-1",
        BASE,
        put("dedup", value={"duplicate_share": 0.9, "hash_match_share": 0.2}),
    )
    out = tmp_path / "existing"
    out.mkdir()
    result = hotline_sim_here("run", path, "--out", out, cwd=tmp_path)
    assert result.returncode == EXIT_INVALID
    assert_invalid_message(result.stderr, str(path), "dedup.hash_match_share", "<= 1", 1)
    assert list(out.iterdir()) == []


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["analysts"]["count"] = "13"
    data["takedown"]["hosts"][2]["share"] = 1.5
    data["scenario"]["warmup_days"] = 5
    path = write_scenario(tmp_path / "three-problems.toml", data)
    result = hotline_sim_here("run", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID
    assert_invalid_message(result.stderr, str(path), "analysts.count", "got '13'", 3)
    assert_invalid_message(result.stderr, str(path), "takedown.hosts[2].share", "got 1.5", 3)
    assert_invalid_message(result.stderr, str(path), "scenario.warmup_days", "horizon_days", 3)
    assert not (tmp_path / "out").exists()


# --- files that are not scenario files -------------------------------------------------------


def _missing(folder: Path) -> Path:
    return folder / "no-such-scenario.toml"


def _not_toml(folder: Path) -> Path:
    path = folder / "not-toml.toml"
    path.write_text("[scenario\nname = example\n", encoding="utf-8")
    return path


def _not_utf8(folder: Path) -> Path:
    path = folder / "not-text.toml"
    path.write_bytes(b"\xff\xfe\x00\x01 binary")
    return path


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        pytest.param(_missing, "file: no such file", id="missing-file"),
        pytest.param(_not_toml, "file: not a valid TOML file", id="not-toml"),
        pytest.param(_not_utf8, "file: not a valid TOML file", id="not-utf8"),
    ],
)
@pytest.mark.parametrize("command", ["run", "check"])
def test_unreadable_scenario_file(tmp_path: Path, make: Callable, fragment: str, command: str) -> None:
    path = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    args = ["run", path, "--out", tmp_path / "out"] if command == "run" else ["check", path]
    result = hotline_sim_here(*args, cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, result.stderr
    assert str(path) in result.stderr
    assert f"{path}: invalid scenario (1 problem(s))" in result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --- command-line argument errors ------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        pytest.param(["--replications", "1"], "--replications", id="replications-1"),
        pytest.param(["--replications", "0"], "--replications", id="replications-0"),
        pytest.param(["-n", "1"], "--replications", id="short-n-1"),
        pytest.param(["--replications", "many"], "--replications", id="replications-not-a-number"),
        pytest.param(["--jobs", "0"], "--jobs", id="jobs-0"),
        pytest.param(["-j", "-2"], "--jobs", id="short-jobs-negative"),
        pytest.param(["--seed", "-1"], "--seed", id="seed-negative"),
        pytest.param(["--bogus"], "--bogus", id="unknown-option"),
    ],
)
def test_run_rejects_bad_arguments(tmp_path: Path, extra: list[str], named: str) -> None:
    path = write_scenario(tmp_path / "valid.toml", BASE)
    out = tmp_path / "out"
    result = hotline_sim_here("run", path, "--out", out, *extra, cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, (result.returncode, result.stderr)
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["valid.toml"]


def test_run_without_scenario_argument(tmp_path: Path) -> None:
    result = hotline_sim("run", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID
    assert "SCENARIO" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_run_on_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    result = hotline_sim("run", folder, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID
    assert "directory" in result.stderr
    assert not (tmp_path / "out").exists()

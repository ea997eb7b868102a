"""`staff` with several targets, another whole-number key, the finds of searching beside the
scenario's own team and the cost of an answer; `check --set`; bad input for all of them.

The planner's question (issue 16): "public reports grow; how many analysts keep 95 % of the
public's and partners' reports assessed within 72 hours?" On the 2018 scenario a smaller team
searches less, so an answer below today's 13 must say how much searching it gives up.
"""

from __future__ import annotations

import csv
import math
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import tomli_w

from sim.experiments.staffing import search
from sim.experiments.targets import Target
from sim.stats.intervals import Summary
from tests.conftest import REPO as ROOT
from tests.conftest import hotline_sim_here, mmc_dict

BASELINE = ROOT / "scenarios" / "baseline-2018.toml"
# The first 5 weeks of the 2018 year (after its 4 weeks of warm-up), 3 replications: CIs of a few
# per cent.
SHORT = ("--set", "scenario.horizon_days=63", "--replications", "3", "--jobs", "2", "--quiet")
MEASURED_DAYS = 63 - 28
Done = subprocess.CompletedProcess[str]
SLA_72 = ("--set", "sla.assessment_hours=72", "--target", "sla_assessment_share>=0.95")


def fake(value: float) -> Summary:
    return Summary(value, 0.1, value - 0.05, value + 0.05, 5)


def test_the_answer_meets_every_target_and_is_the_larger_of_their_own_answers() -> None:
    """Metric a meets <= 3 from 8 analysts on, metric b >= 5 from 12 on: alone they answer 8 and
    12; together 12, and the value below (11) is among those tried, failing b only."""

    def evaluate(count: int) -> dict[str, Summary]:
        return {"a": fake(10.06 - count), "b": fake(count - 6.94)}

    a, b = Target("a", "<=", 3.0), Target("b", ">=", 5.0)
    assert search([a], 1, 40, evaluate)[0] == 8
    assert search([b], 1, 40, evaluate)[0] == 12
    answer, trials = search([a, b], 1, 40, evaluate)
    assert answer == 12
    below = next(t for t in trials if t.analysts == 11)
    assert below.meets == (True, False) and not below.meets_target


def staffing_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "staffing.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def found_at(rows: list[dict[str, str]], value: int) -> float:
    return next(
        float(r["mean"]) for r in rows if r["metric"] == "reports_found" and int(r["analysts"]) == value
    )


def answer_of(stdout: str) -> int:
    return int(re.fullmatch(r"answer: (\d+) analysts", stdout.strip().splitlines()[-1]).group(1))


@pytest.fixture(scope="module")
def staffed_2018(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Done, Done, int]:
    """The two `staff` runs on 2018 with the 72-hour target: alone (in a/), then with a second
    target keeping the finds within 3 % of the own team's (in b/, searched from 12 to 14 analysts:
    its answer is 14, and 12 and 13 fail); and that finds target."""
    tmp_path = tmp_path_factory.mktemp("staff-2018")
    first = hotline_sim_here(
        "staff", BASELINE, *SLA_72, *SHORT, "--max", "30", "--out", tmp_path / "a", cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    keep = math.floor(0.97 * found_at(staffing_rows(tmp_path / "a"), 13))
    second = hotline_sim_here(
        "staff", BASELINE, *SLA_72, "--target", f"reports_found>={keep}", *SHORT, "--min", "12",
        "--max", "14", "--out", tmp_path / "b", cwd=tmp_path,
    )  # fmt: skip
    return tmp_path, first, second, keep


@pytest.mark.slow
def test_staff_on_2018_shows_the_finds_it_gives_up_and_a_finds_target_keeps_the_team(staffed_2018) -> None:
    """72-hour target on the public's and partners' reports: the answer is below 13 analysts, and
    the output says how many reports its team finds beside the scenario's own 13 (the same figures
    as staffing.csv) and warns, since the fall is far beyond 5 %. A second target keeping the finds
    within 3 % of the own team's gives an answer of at least 13."""
    tmp_path, first, second, keep = staffed_2018
    answer = answer_of(first.stdout)
    rows = staffing_rows(tmp_path / "a")
    at, own = found_at(rows, answer), found_at(rows, 13)
    assert answer < 13 and at < 0.95 * own
    line = next(x for x in first.stdout.splitlines() if x.startswith("reports found by searching"))
    shown = re.search(r"days: ([\d,]+) \(95 % CI .*; ([\d,]+) with the scenario's own 13 analysts", line)
    assert shown, line
    # rounded to about two digits of the CI's half-width: within 0.5 % of staffing.csv's figures
    assert [float(g.replace(",", "")) for g in shown.groups()] == pytest.approx([at, own], rel=0.005)
    assert keep == math.floor(0.97 * own)
    assert (
        f"warning: the answer cuts searching: {answer} analysts find {(1 - at / own) * 100:.0f} % fewer"
        in first.stdout
    )
    assert f'--target "reports_found>={keep}"' in first.stdout

    assert second.returncode == 0, second.stderr
    kept = answer_of(second.stdout)
    assert kept >= 13
    assert "warning" not in second.stdout
    rows = staffing_rows(tmp_path / "b")
    assert found_at(rows, kept) >= 0.97 * own * (1 - 0.03)  # its CI's low end is above the target
    both = [r for r in rows if int(r["analysts"]) == kept and r["target"]]
    assert {r["target"] for r in both} == {"sla_assessment_share>=0.95", f"reports_found>={keep}"}
    assert all(r["meets_target"] == "true" and r["meets_all_targets"] == "true" for r in both)
    below = [r for r in rows if int(r["analysts"]) == kept - 1 and r["target"]]
    assert below and any(r["meets_target"] == "false" for r in below)


@pytest.mark.slow
def test_the_answer_never_falls_as_volume_rises(staffed_2018, tmp_path: Path) -> None:
    """The public service level with searching kept (a finds target at 97 % of the 2018 team's):
    volume x1, x1.5, x2 never needs fewer analysts. Volume x1 is the second run of `staffed_2018`
    (the same command, from 12 to 14 analysts: its answer is 14); x1.5 and x2 search from 1 to
    30 analysts (x2 needs about 21)."""
    _, _, at_today, keep = staffed_2018
    assert at_today.returncode == 0, at_today.stderr
    answers = [answer_of(at_today.stdout)]
    for multiplier in (1.5, 2):
        done = hotline_sim_here(
            "staff", BASELINE, *SLA_72, "--target", f"reports_found>={keep}",
            "--set", f"intake.volume_multiplier={multiplier}", *SHORT, "--max", "30",
            "--out", tmp_path / f"x{multiplier}", cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        answers.append(answer_of(done.stdout))
    assert answers == sorted(answers), answers
    assert answers[0] >= 13


@pytest.mark.slow
def test_the_help_example_answers_near_its_estimate_or_says_why(tmp_path: Path) -> None:
    """`staff --help`'s example, on the first 5 weeks of the year with 3 replications (its finds
    target scaled from the year to those weeks), searched from 13 to 16 analysts (the answer is 14,
    the estimate 10; 13, the scenario's own team, fails the finds target, and starting there the
    search tries 13 and 14 only, not 12, 13, 15 and 14 as from 12): its answer is within 2 of the
    Erlang C estimate it prints, or the output explains the gap."""
    helped = hotline_sim_here("staff", "--help", cwd=tmp_path)
    text = helped.stdout.replace("\\\n", " ")
    example = re.search(r"^ +hotline-sim staff (scenarios/.+)$", text, re.M)
    assert example, helped.stdout
    arguments = [w.strip('"') for w in example.group(1).split()]
    arguments = arguments[: arguments.index("--jobs")]  # SHORT sets its own
    arguments[0] = str(ROOT / arguments[0])
    measured_days = MEASURED_DAYS
    for index, word in enumerate(arguments):
        if word.startswith("reports_found>="):
            yearly = float(word.removeprefix("reports_found>="))
            arguments[index] = f"reports_found>={math.floor(yearly * measured_days / 365)}"
    narrower = ("--min", "13", "--max", "16")
    done = hotline_sim_here("staff", *arguments, *SHORT, *narrower, "--out", tmp_path / "help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    answer = answer_of(done.stdout)
    estimate = int(re.search(r"Erlang C estimate .*?: (\d+) analysts", done.stdout).group(1))
    explained = f"why the answer is {answer - estimate:+d} from the estimate" in done.stdout
    assert abs(answer - estimate) <= 2 or explained, done.stdout


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("targets")
    data = mmc_dict(10, 0.8, 4, 1, 3, 2)
    data["analysts"]["cost_per_year"] = 52_500.0
    data["analysts"]["currency"] = "EUR"
    (folder / "mmc.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    rota = mmc_dict(4, 0.5, 14, 2, 3, 3)
    rota["analysts"]["count"] = 12
    rota["analysts"]["schedule"] = [
        {"days": "mon-fri", "start": "00:00", "end": "24:00", "analysts": 4},
        {"days": "sat,sun", "start": "00:00", "end": "24:00", "analysts": 2},
    ]
    (folder / "rota.toml").write_text(tomli_w.dumps(rota), encoding="utf-8")
    return folder


def test_the_cost_of_the_answer_is_its_team_times_the_cost_per_year(folder: Path) -> None:
    out = folder / "cost"
    done = hotline_sim_here(
        "staff", folder / "mmc.toml", "--target", "wait_hours_mean<=0.05", "--min", "8", "--max", "16",
        "--out", out, cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = answer_of(done.stdout)
    expected = (
        f"yearly cost: {answer} analysts x 52,500 EUR = {answer * 52_500:,} EUR a year at the answer; "
        f"the scenario's own 10: 525,000 EUR"
    )
    assert expected in done.stdout
    assert expected in (out / "staffing.md").read_text(encoding="utf-8")


def test_another_key_is_searched_and_named_in_the_answer(folder: Path) -> None:
    """The weekend rota's size, in a 24/7 weekday team of 4: the answer names the key, the table's
    values are the rota's sizes, the one below the answer fails the target and the team is
    unchanged (analysts.count stays 12 in every run)."""
    out = folder / "rota"
    key = "analysts.schedule[1].analysts"
    done = hotline_sim_here(
        "staff", folder / "rota.toml", "--key", key, "--target", "wait_hours_mean<=0.2", "--min", "1",
        "--max", "8", "--out", out, "--report", cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    match = re.fullmatch(rf"answer: {re.escape(key)} = (\d+)", last)
    assert match, last
    answer = int(match.group(1))
    rows = {int(r["analysts"]): r for r in staffing_rows(out)}
    assert rows[answer]["meets_target"] == "true" and float(rows[answer]["ci95_high"]) <= 0.2
    assert answer == 1 or rows[answer - 1]["meets_target"] == "false"
    assert set(rows) <= set(range(1, 9))
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["key"] == key and manifest["own_value"] == 2 and manifest["answer"] == answer
    assert manifest["resolved_scenario"]["analysts"]["count"] == 12
    assert "not available when searching analysts.schedule[1].analysts" in done.stdout
    assert "Smallest analysts on shift 2 of the rota whose whole 95 % CI meets" in (
        out / "report.html"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--target", "sla_assessment_share>=95"],
            "--target sla_assessment_share>=95: sla_assessment_share is a share from 0 to 1",
        ),
        (["--target", "sla_assessment_share_source_public<=1.5"], "is a share from 0 to 1"),
        (["--target", "sla_asessment_share>=0.9"], "did you mean sla_assessment_share"),
        (["--target", "wait_hours_mean<=1", "--target", "reports_fund>=1"], "unknown metric 'reports_fund'"),
        (
            ["--target", "wait_hours_mean<=1", "--key", "analysts.cuont"],
            "--key: analysts.cuont: no key 'cuont'",
        ),
        (
            ["--target", "wait_hours_mean<=1", "--key", "sla.assessment_hours"],
            "--key sla.assessment_hours: expected a whole-number key",
        ),
        (["--target", "wait_hours_mean<=1", "--key", "analysts.schedule[5].analysts"], "no element [5]"),
        (["--target", "wait_hours_mean<=1", "--min", "0"], "--min 0: analysts.count"),
        (
            ["--target", "wait_hours_mean<=1", "--key", "analysts.schedule[1].analysts", "--max", "13"],
            "--max 13:",
        ),
    ],
)
def test_bad_targets_and_keys_are_exit_2_before_anything_runs(
    folder: Path, arguments: list[str], message: str
) -> None:
    out = folder / "refused"
    file = "rota.toml" if "schedule" in " ".join(arguments) else "mmc.toml"
    done = hotline_sim_here("staff", folder / file, *arguments, "--out", out, cwd=folder)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert not out.exists() or not any(p.name != ".lock" for p in out.iterdir())


def test_check_takes_set(folder: Path) -> None:
    done = hotline_sim_here("check", folder / "mmc.toml", "--set", "analysts.count=15", "--set",
                            "analysts.currency=USD", cwd=folder)  # fmt: skip
    assert done.returncode == 0, done.stderr
    resolved = tomllib.loads(done.stdout.split("\n", 1)[1])
    assert resolved["analysts"]["count"] == 15 and resolved["analysts"]["currency"] == "USD"
    assert "with analysts.count=15, analysts.currency=USD: valid" in done.stdout
    bad = hotline_sim_here("check", folder / "mmc.toml", "--set", "analysts.cost_per_year=0", cwd=folder)
    assert bad.returncode == 2 and "analysts.cost_per_year: expected greater than 0; got 0" in bad.stderr


def test_an_answer_at_min_says_smaller_teams_were_not_tried(folder: Path) -> None:
    """--min 14 on an M/M/10 at load 0.8 with a loose wait target: 14 meets, 13 is never tried, so
    the printout says fewer may meet too (and gives no reason for a gap to the estimate)."""
    done = hotline_sim_here("staff", folder / "mmc.toml", "--target", "wait_hours_mean<=0.5", "--min", "14",
                            "--max", "16", "--out", folder / "floor", "--no-plots", cwd=folder)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("answer: 14 analysts")
    assert "note: the answer is --min (14): smaller values were not tried" in done.stdout
    assert "why the answer is" not in done.stdout
    rows = staffing_rows(folder / "floor")
    assert 13 not in {int(r["analysts"]) for r in rows}


@pytest.mark.slow
def test_finds_are_measured_against_today_when_the_what_if_changes_the_volume(tmp_path: Path) -> None:
    """Volume x1.4 with the team held at 13: the busier team finds fewer reports than today's (the
    file without --set, over the same measured days), so `staff` shows today's finds too and warns
    against them, although the answer is the scenario's own team."""
    done = hotline_sim_here(
        "staff", BASELINE, "--set", "intake.volume_multiplier=1.4", "--target", "wait_hours_mean<=1000",
        *SHORT, "--min", "13", "--max", "13", "--out", tmp_path / "grown", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert answer_of(done.stdout) == 13
    line = next(x for x in done.stdout.splitlines() if x.startswith("reports found by searching"))
    found = re.search(r"days: ([\d,]+) \(95 % CI .*; ([\d,]+) today \(the file without --set\)", line)
    assert found, line
    at, today = (float(g.replace(",", "")) for g in found.groups())
    assert at < 0.95 * today
    assert "than today (the file without --set)" in done.stdout
    # the answer is the scenario's own team: named once, and the warning blames the what-if, not it
    assert "at the answer, the scenario's own 13 analysts; " in line
    assert "warning: searching falls under the what-if, a busier team having less time for it: " in (
        done.stdout
    )
    assert "the answer cuts searching" not in done.stdout
    suggested = re.search(r'--target "reports_found>=(\d+)"', done.stdout)
    assert suggested and int(suggested[1]) == pytest.approx(0.97 * today, rel=0.005)  # today is rounded
    plain = hotline_sim_here(  # without --set there is no today to add
        "staff", BASELINE, "--target", "wait_hours_mean<=1000", *SHORT, "--min", "13", "--max", "13",
        "--out", tmp_path / "plain", cwd=tmp_path,
    )  # fmt: skip
    assert plain.returncode == 0 and "today" not in plain.stdout and "warning" not in plain.stdout


def test_a_what_if_of_the_service_level_or_cost_only_does_not_run_today_again(monkeypatch) -> None:
    """The service level and an analyst's cost only measure and price a run: with a what-if of
    those alone, the file as it is gives the same events, so the same finds, as the scenario's own
    team under the what-if, and `staff` does not simulate it again; a what-if of the volume does."""
    from sim.experiments import execution
    from sim.experiments.staffing import staff
    from sim.experiments.targets import FOUND
    from sim.scenario.schema import load_scenario

    calls: list[int] = []
    real = execution.run_replication

    def counting(scenario, seed: int, replication: int):
        calls.append(replication)
        return real(scenario, seed, replication)

    monkeypatch.setattr(execution, "run_replication", counting)
    today = load_scenario(BASELINE).with_values({"scenario.horizon_days": 42})
    priced = today.with_values({"sla.assessment_hours": 72, "analysts.cost_per_year": 48000})
    # the premise: the same events, replication by replication
    same = execution.run_batch([(s, 5, r) for s in (today, priced) for r in range(2)])
    assert [r.metrics[FOUND] for r in same[:2]] == [r.metrics[FOUND] for r in same[2:]]
    calls.clear()
    done = staff(priced, "wait_hours_mean<=1000", low=13, high=13, replications=2, seed=5, today=today)
    assert done.answer == 13 and calls == [0, 1]  # the one team size; its finds are today's
    calls.clear()
    grown = today.with_values({"intake.volume_multiplier": 1.3})
    done = staff(grown, "wait_hours_mean<=1000", low=13, high=13, replications=2, seed=5, today=today)
    assert calls == [0, 1, 0, 1] and done.today_found is not None  # today is another run
    assert done.today_found.mean > done.trials[0].summaries[FOUND].mean  # a busier team finds fewer

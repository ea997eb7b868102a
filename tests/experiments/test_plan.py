"""`hotline-sim plan`: calendar periods, per-period metrics from one run's days, the search from
the previous answer, the hires brought forward, and a plan of a growing hotline checked end to end.
"""

from __future__ import annotations

import csv
import json
import math
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import tomli_w

from sim.experiments.execution import run_replications
from sim.experiments.plan import (
    PlanResults,
    bring_forward,
    calendar_ceilings,
    periods_of,
    reports_per_day,
    sizing_scenario,
    unhelped,
)
from sim.experiments.staffing import UnreachableTarget, best_sla_share, search
from sim.experiments.targets import Target, nearest_search
from sim.scenario.intake import source_key
from sim.scenario.schema import load_scenario, scenario_from_dict
from sim.stats.intervals import Summary
from sim.stats.periods import PERIOD_METRICS, period_metric
from tests.conftest import REPO, hotline_sim_here, mmc_dict

YEAR_2021 = REPO / "scenarios" / "year-2021.toml"


def test_quarters_and_months_follow_the_calendar() -> None:
    """28 days of warm-up from 4 December 2020, then 3 years: 12 quarters from 2021-01-01 to
    2023-12-31, back to back; as months, 36, the first January 2021 (31 days)."""
    spec = load_scenario(YEAR_2021).with_values({"scenario.horizon_days": 28 + 1095})
    quarters = periods_of(spec, "quarter", date(2020, 12, 4))
    assert [p.label for p in quarters][:5] == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1"]
    assert (
        len(quarters) == 12
        and quarters[0].start == date(2021, 1, 1)
        and quarters[-1].end == date(2023, 12, 31)
    )
    assert quarters[0].end == date(2021, 3, 31) and quarters[0].days == 90
    for before, after in zip(quarters, quarters[1:], strict=False):
        assert before.end_day == after.start_day and before.end + timedelta(days=1) == after.start
    months = periods_of(spec, "month", date(2020, 12, 4))
    assert len(months) == 36 and months[0].label == "2021-01" and months[0].days == 31
    assert months[1].days == 28  # February 2021


def test_a_window_starting_mid_quarter_gives_a_part_quarter_and_a_short_tail_joins_the_last() -> None:
    spec = load_scenario(YEAR_2021).with_values({"scenario.horizon_days": 28 + 95})
    # window 2021-01-01 .. 2021-04-05: Q1 (90 days), then a 5-day tail that joins Q1
    periods = periods_of(spec, "quarter", date(2020, 12, 4))
    assert [(p.label, p.days) for p in periods] == [("2021-Q1", 95)]
    periods = periods_of(spec, "quarter", date(2020, 11, 4))  # window 2020-12-02 .. 2021-03-06
    assert [(p.label, p.days) for p in periods] == [("2020-Q4", 30), ("2021-Q1", 65)]
    assert periods[1].start == date(2021, 1, 1) and periods[1].end == date(2021, 3, 6)


def test_period_metrics_over_the_whole_window_equal_the_run_metrics() -> None:
    """The per-day series a plan reads, summed over the measured window, give the run's own figures:
    the service level overall and by source exactly, the mean wait to rounding, the finds as a yearly
    rate of the window's count."""
    data = mmc_dict(6, 0.6, 30, 5, 2, 11)
    data["intake"]["sources"]["referral"] = {"reports_per_day": 200.0, "actionable_share": 0.5}
    data["intake"]["sources"]["searching"] = {
        "kind": "proactive", "actionable_share": 0.5, "search_share": 0.1, "finds_per_search_hour": 2.0
    }  # fmt: skip
    data["sla"] = {"assessment_hours": 0.1, "sources": ["public"]}
    spec = scenario_from_dict(data)
    keys = [source_key(name) for name in spec.intake.sources]
    for result in run_replications(spec, 2, 11):
        m = result.metrics

        def over_window(name: str, result=result) -> float:
            return period_metric(result, name, 5, 30, keys)

        assert over_window("sla_assessment_share") == m["sla_assessment_share"]
        for key in keys:
            assert (
                over_window(f"sla_assessment_share_source_{key}") == m[f"sla_assessment_share_source_{key}"]
            )
        assert over_window("wait_hours_mean") == pytest.approx(m["wait_hours_mean"], rel=1e-9)
        assert over_window("reports_found") == pytest.approx(m["reports_found"] * 365 / 25, rel=1e-12)
        assert over_window("reports_assessed") == pytest.approx(m["reports_assessed"] * 365 / 25, rel=1e-12)
        assert over_window("backlog_end") == m["backlog_end"]
        assert m["reports_found"] > 0 and 0 < m["sla_assessment_share"] < 1
    assert set(PERIOD_METRICS) >= {"sla_assessment_share", "reports_found", "wait_hours_mean"}


def fake(value: float) -> Summary:
    return Summary(value, 0.1, value - 0.05, value + 0.05, 5)


@pytest.mark.parametrize("guess", [1, 5, 11, 12, 13, 20, 40])
def test_the_search_from_a_guess_finds_the_bisections_answer(guess: int) -> None:
    """Meets from 12 on: from any guess the answer is 12 with 11 tried (failing); from a guess of
    11 or 12, at most 3 values are tried."""

    def evaluate(count: int) -> dict[str, Summary]:
        return {"m": fake(count - 6.94)}  # CI low = count - 6.99: >= 5 from 12 on

    goal = [Target("m", ">=", 5.0)]
    answer, trials = nearest_search(goal, guess, 1, 40, evaluate)
    assert answer == search(goal, 1, 40, evaluate)[0] == 12
    tried = {t.analysts: t.meets_target for t in trials}
    assert tried[11] is False and tried[12] is True
    if guess in (11, 12):
        assert len(tried) <= 3
    assert nearest_search(goal, guess, 1, 10, evaluate)[0] is None


def plan_of(headcount: list[int], own: int = 10, high: int = 30) -> PlanResults:
    spec = load_scenario(YEAR_2021).with_values({"scenario.horizon_days": 28 + 365, "analysts.count": own})
    periods = periods_of(spec, "quarter", date(2020, 12, 4))
    return PlanResults(spec, [], "quarter", date(2020, 12, 4), periods, list(headcount), [[]] * 4,
                       list(headcount), [], 90, 30.0, high, 0, 1, 2)  # fmt: skip


def test_a_missing_period_brings_the_next_hire_forward_or_adds_one() -> None:
    plan = plan_of([10, 12, 12, 14])
    assert plan.hires == [0, 2, 0, 2]
    assert bring_forward(plan, 0) and plan.headcount == [11, 12, 12, 14]  # one of Q2's hires moves to Q1
    assert plan.hires == [1, 1, 0, 2]
    assert bring_forward(plan, 2) and plan.headcount == [11, 12, 13, 14] and plan.hires == [1, 1, 1, 1]
    assert bring_forward(plan, 3) and plan.headcount == [11, 12, 13, 15]  # nothing later: one added
    full = plan_of([30, 30, 30, 30], high=30)
    assert not bring_forward(full, 1) and full.headcount == [30, 30, 30, 30]


def checked(value: float, half_width: float = 0.004) -> dict[str, Summary]:
    return {"sla_assessment_share": Summary(value, 0.01, value - half_width, value + half_width, 3)}


def test_a_change_that_does_not_move_the_missed_target_is_named_not_kept() -> None:
    """Q2 misses 95 % by 0.2 points (CI 94.8 to 95.6): one more analyst that moves the mean by 0.02
    points (a tenth of the shortfall) is no help, and the words say so with the calendar's best;
    one that moves it by 0.1 point (half the shortfall) helps; meeting the target always helps."""
    plan = plan_of([10, 10, 10, 10])
    plan.targets = [Target("sla_assessment_share", ">=", 0.95)]
    plan.ceilings = {"sla_assessment_share": [0.99, 0.9588, 0.99, 0.98]}
    before = [checked(0.99), checked(0.952), checked(0.99), checked(0.99)]
    plan.checked = [checked(0.99), checked(0.9522), checked(0.99), checked(0.99)]
    words = unhelped(plan, 1, before)
    assert words is not None and "from 95.20 % to 95.22 %, so it was not kept" in words
    assert "allow at most 95.9 % in 2021-Q2" in words
    plan.checked[1] = checked(0.953)
    assert unhelped(plan, 1, before) is None
    plan.checked[1] = checked(0.9521, half_width=0.001)  # now meets (CI 95.11 to 95.31)
    assert unhelped(plan, 1, before) is None


def test_the_calendars_best_share_per_period_and_a_period_it_cannot_reach() -> None:
    """A Monday-to-Friday team, flat arrivals, 72 hours: every report is within reach in a quarter
    without holidays; a four-day weekend (Friday and Monday off) leaves the Thursday 16:00 to Saturday
    08:00 arrivals (40 hours) more than 72 hours from the next duty day (Tuesday 08:00), of the
    quarter's arrivals but its last 72 hours (the run's last, left out as in the metric). A target
    above a period's best is refused before any simulation, naming the period."""
    data = mmc_dict(5, 0.5, 28 + 181, 28, 2, 1)
    data["analysts"]["schedule"] = {"days": "mon-fri", "start": "08:00", "end": "16:00"}
    data["sla"] = {"assessment_hours": 72.0}
    data["scenario"]["start_date"] = "2020-12-04"  # a Friday; the window is 2021-01-01 to 2021-06-30
    data["analysts"]["holidays"] = ["2021-04-02", "2021-04-05"]  # Good Friday, Easter Monday
    spec = scenario_from_dict(data)
    q1, q2 = periods_of(spec, "quarter", date(2020, 12, 4))
    assert best_sla_share(spec, q1.start_day, q1.end_day) == pytest.approx(1.0)
    measured_hours = 24 * q2.days - 72
    assert best_sla_share(spec, q2.start_day, q2.end_day) == pytest.approx(1 - 40 / measured_hours, abs=1e-4)
    goal = Target("sla_assessment_share", ">=", 0.999)
    with pytest.raises(UnreachableTarget, match=r"in 1 of the 2 periods: .* 2021-Q2 98\.1 %"):
        calendar_ceilings(spec, [goal], [q1, q2])
    ceilings = calendar_ceilings(spec, [Target("sla_assessment_share", ">=", 0.98)], [q1, q2])
    assert ceilings["sla_assessment_share"][1] == pytest.approx(1 - 40 / measured_hours, abs=1e-4)


def test_recruit_by_is_the_period_start_less_ramp_up_and_lead_time() -> None:
    plan = plan_of([10, 12, 12, 14])
    q2 = plan.periods[1]
    assert q2.start == date(2021, 4, 1)
    assert plan.recruit_by(q2) == date(2021, 4, 1) - timedelta(days=30 + 90)
    assert plan.join_day(q2) == q2.start_day - 30


def test_the_cost_counts_each_analyst_day() -> None:
    plan = plan_of([10, 12, 12, 14])
    plan.scenario = plan.scenario.with_values({"analysts.cost_per_year": 36_500.0})
    q1, q2 = plan.periods[0], plan.periods[1]
    assert plan.cost(q1) == pytest.approx(100.0 * (10 * q1.days + 2 * 30))  # Q2's hires join 30 days early
    assert plan.cost(q2) == pytest.approx(100.0 * 12 * q2.days)


def test_sizing_freezes_the_volume_at_the_periods_end() -> None:
    spec = load_scenario(YEAR_2021).with_values(
        {"scenario.horizon_days": 28 + 730, "intake.growth_per_year": 0.1}
    )
    periods = periods_of(spec, "quarter", date(2020, 12, 4))
    last = sizing_scenario(spec, periods[-1])
    assert last.intake.growth_per_year == 0
    assert last.intake.volume_multiplier == pytest.approx(1.1 ** (periods[-1].end_day / 365))
    assert last.scenario.horizon_days - last.scenario.warmup_days == periods[-1].days
    assert reports_per_day(spec, periods[0]) < reports_per_day(spec, periods[-1])
    q2 = sizing_scenario(spec, periods[1])  # 2021-Q2: 28 days of warm-up from 4 March 2021
    assert q2.scenario.start_date == date(2021, 3, 4) and q2.weekday_of_day0 == 3  # a Thursday
    easter = [q2.scenario.date_of_day(day) for day in q2.analysts.holidays]
    assert easter == [date(2021, 4, 2), date(2021, 4, 5), date(2021, 5, 3), date(2021, 5, 31)]
    assert reports_per_day(spec, periods[-1]) == pytest.approx(
        400 * 1.1 ** ((periods[-1].start_day + periods[-1].end_day) / 2 / 365), rel=1e-3
    )


# The 2021 hotline at a quarter of its size (a quarter of the public's and partners' reports, 4
# analysts instead of 16, so the same shifts, holidays, searching and takedown at a quarter of the
# cost), growing 50 % a year. The 2021 year at full size is planned in the tutorial
# (docs/tutorial.md, checked table and all by tests/docs) and by the benchmark's case (i).
QUARTER_SCALE = ("--set", "intake.volume_multiplier=0.25", "--set", "analysts.count=4", "--set",
                 "intake.growth_per_year=0.5", "--set", "sla.assessment_hours=72")  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    data = mmc_dict(10, 0.8, 60, 14, 2, 2)
    (folder / "mmc.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "plan speaks in dates: give the scenario a start date"),
        (
            ["--set", "scenario.start_date=2021-01-04", "--target", "wait_hours_p95<=1"],
            "plan checks each target period by period",
        ),
        (
            ["--set", "scenario.start_date=2021-01-04", "--target", "sla_assessment_share>=1.5"],
            "is a share from 0 to 1",
        ),
        (
            ["--set", "scenario.start_date=2021-01-04", "--target", "reports_fund>=1"],
            "did you mean reports_found",
        ),
        (
            ["--set", "scenario.start_date=2021-01-04", "--precision", "0.1"],
            "No such option '--precision'",
        ),
        (["--set", "scenario.start_date=2021-01-04", "--lead-days", "-1"], "--lead-days"),
        (["--set", "scenario.start_date=2021-01-04", "--ramp-days", "-5"], "--ramp-days"),
        (["--set", "scenario.start_date=2021-01-04", "--set", "sla.assessment_hours=0"], "sla.assessment"),
        (["--set", "scenario.start_date=2021-01-04", "--period", "week"], "--period"),
        (["--set", "scenario.start_date=2021-01-04", "--min", "9", "--max", "3"], "--min 9 is above"),
    ],
)
def test_bad_requests_are_exit_2_and_write_nothing(folder: Path, arguments: list[str], message: str) -> None:
    target = [] if "--target" in arguments else ["--target", "wait_hours_mean<=0.1"]
    out = folder / "refused"
    done = hotline_sim_here("plan", folder / "mmc.toml", *target, *arguments, "--out", out, cwd=folder)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert message in done.stderr
    assert not out.exists() or not any(p.name != ".lock" for p in out.iterdir())


@pytest.mark.slow
def test_a_plan_under_growth_holds_every_quarter_end_to_end(tmp_path: Path) -> None:
    """The quarter-scale 2021 hotline (`QUARTER_SCALE`) growing 50 % a year, quarter by quarter,
    with the public's service level (72 hours) and the finds of searching kept at 61,000 a year (its
    4 analysts find about 63,700 in the first quarter and 59,500 in the second, busier one): the
    headcount never falls, every quarter meets both targets in the end-to-end run (exit 0, nothing
    missed), and each recruit-by date is a real date 90 days (the lead time) before its quarter
    starts. The searches may go down to 3 analysts, below today's 4, and no figures are drawn
    (--no-plots; the report is written without them). The first hire falls after a quarter that
    needs none, so the quarters after it check that the headcount holds."""
    out = tmp_path / "plan"
    done = hotline_sim_here(
        "plan", YEAR_2021, *QUARTER_SCALE, "--target", "sla_assessment_share_source_public>=0.95", "--target",
        "reports_found>=61000", "--replications", "3", "--jobs", "2", "--quiet", "--report", "--no-plots",
        "--min", "3", "--out", out, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (out / "plan.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "period", "start_date", "end_date", "reports_per_day", "analysts_needed", "headcount", "hires",
        "recruit_by", "cost", "sla_assessment_share_source_public", "reports_found",
    ]  # fmt: skip
    assert len(rows) == 4
    assert rows[0]["start_date"] == "2021-01-01" and rows[-1]["end_date"] == "2021-12-31"
    headcount = [int(r["headcount"]) for r in rows]
    assert headcount == sorted(headcount) and headcount[0] >= 4
    assert sum(int(r["hires"]) for r in rows) > 0  # the recruit-by dates below are checked on a hire
    first_hire = next(k for k, r in enumerate(rows) if int(r["hires"]) > 0)
    assert first_hire < len(rows) - 1  # quarters after the hire: the headcount is seen to hold
    assert [int(r["hires"]) for r in rows] == [
        h - b for h, b in zip(headcount, [4, *headcount[:-1]], strict=True)
    ]
    volume = [float(r["reports_per_day"]) for r in rows]
    assert volume == sorted(volume) and volume[-1] / volume[0] == pytest.approx(1.5**0.75, rel=0.02)
    for row in rows:
        if int(row["hires"]) > 0:
            assert date.fromisoformat(row["recruit_by"]) == date.fromisoformat(row["start_date"]) - timedelta(
                days=90
            )
        else:
            assert row["recruit_by"] == ""
        assert float(row["sla_assessment_share_source_public"]) >= 0.95
        assert float(row["reports_found"]) >= 61000
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "plan" and manifest["missed"] == [] and manifest["period"] == "quarter"
    assert "every period meets every target" in done.stdout
    assert (out / "report.html").is_file() and math.isfinite(sum(volume))
    # how many team sizes each period's search simulated: one count per quarter, each at least the
    # answer and the size below it, and few after the first (each starts from the answer before)
    said = re.search(r"Team sizes simulated to size the periods: (\d+) in all \(([\w:, -]+)\)", plan_md(out))
    assert said is not None
    counts = [int(c.split(": ")[-1]) for c in said.group(2).split(", ")]
    assert len(counts) == 4 and sum(counts) == int(said.group(1)) and all(1 <= c <= 8 for c in counts)
    # the sizes stopped after 2 replications as clearly short: per quarter, all below its answer
    stopped = manifest["stopped_clearly_short"]
    assert len(stopped) == 4 and all(
        size < int(row["analysts_needed"]) for sizes, row in zip(stopped, rows, strict=True) for size in sizes
    )
    assert sum(map(len, stopped)) == 0 or f"{sum(map(len, stopped))} of them stopped after 2" in plan_md(out)
    # a busier quarter needing fewer on its own than one before it is explained, not left to puzzle
    for k, row in enumerate(rows):
        if any(
            int(r["analysts_needed"]) > int(row["analysts_needed"])
            and float(r["reports_per_day"]) <= float(row["reports_per_day"])
            for r in rows[:k]
        ):
            line = next(x for x in plan_md(out).splitlines() if x.startswith("Periods that need fewer"))
            assert f"{row['period']} ({row['analysts_needed']})" in line
    # each quarter with hires says what they are for: where its own need raised the headcount, the
    # targets one analyst fewer does not meet in its sizing (here the finds target at least once)
    hired = [(k, row) for k, row in enumerate(rows) if int(row["hires"]) > 0]
    if hired:
        line = next(x for x in plan_md(out).splitlines() if x.startswith("What the hires are for: "))
        for k, row in hired:
            assert f"{row['period']} ({row['hires']} hire" in line and f", to {row['headcount']}): " in line
            before = int(rows[k - 1]["headcount"]) if k else 4
            if int(row["analysts_needed"]) > before:
                assert f"(not met with {int(row['analysts_needed']) - 1})" in line
        assert "`reports_found>=61000`" in line
    # what was asked, in words: the growth set with --set, no ramp-up (the default), the hires
    assert "with report volumes growing 50 % a year;" in plan_md(out)
    assert "Hires join at the start of their period, at full output from their first day (no ramp-up; " in (
        plan_md(out)
    )
    assert "--ramp-days sets one), and are recruited 90 days before they join." in plan_md(out)
    assert f"Hires in all: {sum(int(r['hires']) for r in rows)}, the headcount from 4 to {headcount[-1]}" in (
        plan_md(out)
    )
    assert "Warning: searching falls" not in plan_md(out)  # a finds target keeps searching


def plan_md(out: Path) -> str:
    return (out / "plan.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_plan_that_meets_its_targets_by_searching_less_warns_and_the_target_it_suggests_hires(
    tmp_path: Path,
) -> None:
    """The 2021 team at a quarter of its size, volumes doubling in the year, the public service level
    its only target: it needs no hires, but its searching falls by more than 5 % by the year's end
    (a busier team); plan.md warns and suggests a finds target. With that target added the plan
    hires, and the warning is gone."""
    sets = (*QUARTER_SCALE[:4], "--set", "intake.growth_per_year=1", *QUARTER_SCALE[6:])
    common = ("--replications", "3", "--jobs", "2", "--quiet", "--no-plots", "--min", "3")
    sla_only = ("--target", "sla_assessment_share_source_public>=0.95")
    done = hotline_sim_here("plan", YEAR_2021, *sets, *sla_only, *common, "--out", tmp_path / "a",
                            cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = plan_md(tmp_path / "a")
    assert "No hires" in text
    warning = re.search(
        r"Warning: searching falls as the team gets busier: .* (\d+) % fewer than .* add --target "
        r'"(reports_found>=\d+)"',
        text,
    )
    assert warning is not None and int(warning.group(1)) > 5, text
    again = hotline_sim_here(
        "plan", YEAR_2021, *sets, *sla_only, "--target", warning.group(2), *common, "--out", tmp_path / "b",
        cwd=tmp_path,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    kept = plan_md(tmp_path / "b")
    assert "Hires in all" in kept and "Warning: searching falls" not in kept


def test_a_plan_without_hires_or_growth_says_so(tmp_path: Path) -> None:
    """3 analysts, a target they meet with room to spare, flat volumes, 7 days of ramp-up: the
    plan says the volumes are flat, when hires would join, and that the headcount stays."""
    data = mmc_dict(3, 0.5, 21, 7, 2, 1)
    data["scenario"]["start_date"] = "2021-01-04"
    (tmp_path / "flat.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    out = tmp_path / "flat"
    done = hotline_sim_here(
        "plan", tmp_path / "flat.toml", "--set", "sla.assessment_hours=1", "--target",
        "sla_assessment_share>=0.5", "--min", "2", "--max", "4", "--ramp-days", "7", "--no-plots",
        "--quiet", "--out", out, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = plan_md(out)
    assert "with report volumes flat (no growth: intake.growth_per_year is 0);" in text
    assert "Hires join 7 days before their period (the ramp-up) and are recruited 90 days" in text
    assert "No hires: the headcount stays at 3 analysts." in text and "Hires in all" not in text
    assert "whole 95 % CI meets the target: " in text  # one target, named as such
    assert "of the whole horizon with today's team, no hires, backlog carried" in text


def test_a_share_the_calendar_cannot_reach_is_refused_before_simulating(folder: Path) -> None:
    """A weekday team cannot assess 90 % within 24 hours in its quarter (a weekend is 64 hours): exit
    1 before any simulation, naming the period and the best possible, and nothing written."""
    out = folder / "unreachable"
    done = hotline_sim_here(
        "plan", folder / "mmc.toml", "--set", "scenario.start_date=2021-01-04", "--set",
        'analysts.schedule={days = "mon-fri", start = "08:00", end = "16:00"}', "--set",
        "sla.assessment_hours=24", "--target", "sla_assessment_share>=0.9", "--out", out, cwd=folder,
    )  # fmt: skip
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "cannot be met by any number of analysts in 1 of the 1 periods" in done.stderr
    assert "2021-Q1 7" in done.stderr  # the best possible there, about 76 %
    assert not out.exists() or not any(p.name != ".lock" for p in out.iterdir())

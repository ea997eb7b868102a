"""What a person reads is rounded to what its interval supports (issue 17): in every Markdown table,
console printout and report of every command, on every bundled scenario, a mean and its 95 % CI
are rounded to the same place, that place shows at most two significant digits of the half-width,
no share's interval leaves 0-100 %, and no number carries ten digits. The CSV files keep every
digit. And the what-if of a run (`--set`) shows in its report's question, its scenario paragraph
and its files."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.conftest import REPO, hotline_sim_here

SCENARIOS = sorted(p.name for p in (REPO / "scenarios").glob("*.toml") if p.name != "reference.toml")
SHORT = ("--set", "scenario.horizon_days=42", "--set", "scenario.warmup_days=7")
# A week of warm-up and a measured week: every key figure and table of a run and a sweep is there,
# each mean with its interval (as many pairs as over SHORT's five weeks, with volume x2 in the sweep
# so that in every scenario its paired differences are beyond noise and shown as "the largest").
WEEK = ("--set", "scenario.horizon_days=14", "--set", "scenario.warmup_days=7")
NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?"
UNIT = r"(?: ?(?:%|h|hours|days|pp|percentage points))?"
# "mean (95 % CI low to high unit)" in prose, "| mean unit (days) | low to high unit |" in tables
PROSE = re.compile(rf"({NUMBER}){UNIT}(?:, about [\d.,]+ days)? \(95 % CI ({NUMBER}) to ({NUMBER})({UNIT})\)")
CELLS = re.compile(
    rf"\| ({NUMBER})({UNIT})(?: \([\d.,]+ days\))? \| ({NUMBER}) to ({NUMBER})({UNIT})(?: \(|\s*\|)"
)
PAREN = re.compile(
    rf"({NUMBER})({UNIT})(?: \([\d.,]+ days\))? \(({NUMBER}) to ({NUMBER})({UNIT})\)"
)  # plan.md
LONG = re.compile(r"\d\.\d{5,}|\d{7,}")  # 0.9992177054, 1001389703: digits no interval supports
# mmc-check.toml's queue at its own load (0.9) with 2 analysts instead of 13: the same kind of
# figures from a sixth of the reports, where what is checked is how they read, not the queue.
SMALL_MMC = ("--set", "analysts.count=2", "--set", "intake.sources.public.reports_per_day=518.4")


def _places(text: str) -> int:
    """The decimal place a number is rounded to: decimals, or minus the trailing zeros of a whole."""
    digits = text.replace(",", "").lstrip("+-")
    if "." in digits:
        return len(digits.split(".")[1])
    stripped = digits.rstrip("0")
    return -(len(digits) - len(stripped)) if stripped else 0


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def check_rounding(text: str, where: str) -> int:
    """Every mean with its interval in `text`: same place, at most 2 significant digits of the
    half-width there, shares within 0-100 % (unsigned); the number of pairs checked."""
    assert not LONG.search(text), f"{where}: unrounded number {LONG.search(text)[0]!r}"
    found = 0
    for match in [*PROSE.finditer(text), *CELLS.finditer(text), *PAREN.finditer(text)]:
        if match.re is PROSE:
            mean, low, high, unit = match[1], match[2], match[3], match[4]
        else:
            mean, low, high, unit = match[1], match[3], match[4], match[5]
        found += 1
        values = [_value(v) for v in (mean, low, high)]
        decimals = [len(v.split(".")[1]) if "." in v else 0 for v in (mean, low, high)]
        assert len(set(decimals)) == 1, f"{where}: {match[0]!r} mixes decimal places"
        half_width = (values[2] - values[1]) / 2
        if half_width > 0:
            place = decimals[0] if decimals[0] else max(_places(v) for v in (mean, low, high))
            shown = round(half_width * 10**place)
            assert shown <= 100, f"{where}: {match[0]!r} shows {shown} units of the half-width (> 2 digits)"
        signed = any(v.startswith("+") for v in (mean, low, high)) or "pp" in unit or "points" in unit
        if unit.strip() == "%" and not signed:
            assert 0 <= values[1] <= values[2] <= 100, f"{where}: {match[0]!r} leaves 0-100 %"
    return found


def report_text(folder: Path, results_only: bool = True) -> str:
    """The report's text; `results_only`: without what the scenario file says in its own words
    (its description, its assumption notes) and the manifest's JSON, which are not results."""
    page = (folder / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>|<img[^>]*>|<pre>.*?</pre>", " ", page, flags=re.S)
    if results_only:
        page = re.sub(r'<p class="note" id="scenario">.*?</p>', " ", page, flags=re.S)
        page = re.sub(r'<section id="assumptions">.*', " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def run_and_check(tmp_path: Path, *args: str) -> tuple[str, int]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "out"
    done = hotline_sim_here(*args, "--out", out, "--report", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pairs = check_rounding(done.stdout, f"{args[0]} console")
    for md in out.glob("*.md"):
        pairs += check_rounding(md.read_text(encoding="utf-8"), md.name)
    pairs += check_rounding(report_text(out), "report.html")
    return done.stdout, pairs


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.slow
def test_run_and_sweep_of_every_bundled_scenario_read_rounded(name: str, tmp_path: Path) -> None:
    """Over a measured week (WEEK), without figures (--no-plots: the report's text is the same, less
    its images, which `report_text` leaves out anyway)."""
    scenario = REPO / "scenarios" / name
    _, pairs = run_and_check(tmp_path / "run", "run", scenario, *WEEK, "-n", "3", "--no-plots")
    assert pairs > 20  # the summary table, the console's key figures and the report's
    _, pairs = run_and_check(
        tmp_path / "sweep", "sweep", scenario, *WEEK, "-n", "3", "--vary", "intake.volume_multiplier=1,2",
        "--metric", "sla_assessment_share", "--metric", "wait_hours_mean", "--no-plots",
    )  # fmt: skip
    assert pairs > 6


# mmc-check.toml (3,370 reports a day) on 14 measured days, searched from 12 to 14 (its answer is
# 13), without figures (the report's text is what is checked)
STAFF_RUNS = {
    "baseline-2018.toml": (*SHORT, "--min", "10", "--max", "30"),
    "mmc-check.toml": ("--set", "scenario.horizon_days=21", "--set", "scenario.warmup_days=7", "--min", "12",
                       "--max", "14", "--no-plots"),
}  # fmt: skip


@pytest.mark.parametrize("name", ["baseline-2018.toml", "mmc-check.toml"])
@pytest.mark.slow
def test_staff_reads_rounded_and_says_its_what_if(name: str, tmp_path: Path) -> None:
    """A staff run with two --set overrides: each mean rounded, and both overrides in words in the
    report's question, its scenario paragraph and the markdown."""
    scenario = REPO / "scenarios" / name
    stdout, pairs = run_and_check(
        tmp_path, "staff", scenario, *STAFF_RUNS[name], "-n", "3", "--set", "sla.assessment_hours=72",
        "--set", "intake.volume_multiplier=1.25", "--target", "sla_assessment_share>=0.9",
    )  # fmt: skip
    assert pairs >= 3
    page = report_text(tmp_path / "out", results_only=False)
    question = re.search(r"Question\.(.*?)\?", page, flags=re.S)[1]
    scenario_paragraph = re.search(r"Scenario\.(.*?)Key figures", page, flags=re.S)[1]
    for words in ("service level: hours to assessment", "report volume"):
        assert words in question and words in scenario_paragraph, words
    assert "→ 72" in question and "→ 1.25" in question
    assert "was 1, now 1.25" in scenario_paragraph
    markdown = (tmp_path / "out" / "staffing.md").read_text(encoding="utf-8")
    assert "changed from the scenario file: " in markdown and "→ 1.25" in markdown


@pytest.mark.slow
def test_compare_sensitivity_and_plan_read_rounded(tmp_path: Path) -> None:
    """Without figures (--no-plots: the report's text is the same, less its images), mmc-check's
    queue with 2 analysts (SMALL_MMC) over a measured week, its plan over 2 months (part of January,
    February)."""
    scenarios = REPO / "scenarios"
    _, pairs = run_and_check(
        tmp_path / "compare", "compare", scenarios / "baseline-2018.toml", scenarios / "lockdown-2020.toml",
        *SHORT, "-n", "3", "--no-plots",
    )  # fmt: skip
    assert pairs > 10
    _, pairs = run_and_check(
        tmp_path / "sensitivity", "sensitivity", scenarios / "mmc-check.toml", *WEEK, *SMALL_MMC, "-n", "3",
        "--keys", "intake.volume_multiplier", "--metric", "wait_hours_mean", "--no-plots",
    )  # fmt: skip
    assert pairs >= 1
    stdout, pairs = run_and_check(
        tmp_path / "plan", "plan", scenarios / "mmc-check.toml", *SMALL_MMC, "-n", "3",
        "--set", "scenario.horizon_days=54", "--set", "scenario.start_date=2025-01-06",
        "--set", "scenario.warmup_days=7", "--set", "intake.growth_per_year=0.2", "--period", "month",
        "--target", "sla_assessment_share>=0.9", "--no-plots",
    )  # fmt: skip
    assert pairs >= 1
    # the what-if in words once: plan.md, printed whole, says it; the closing lines do not repeat it
    assert stdout.lower().count("changed from the scenario file: ") == 1, stdout


def test_the_checker_catches_what_it_is_for() -> None:
    """The checks above can fail: ten digits, mixed places, three digits of the half-width, a share
    past 100 %."""
    bad = [
        "0.9992177054 (95 % CI 0.9970457073 to 1.001389703)",
        "72.4 % (95 % CI 72.21 to 72.6 %)",
        "228,805 (95 % CI 228,437 to 229,174)",
        "99.9 % (95 % CI 99.7 to 100.1 %)",
    ]
    for text in bad:
        with pytest.raises(AssertionError):
            check_rounding(text, "example")
    assert check_rounding("228,810 (95 % CI 228,440 to 229,170) and | 12.8 h | 12.8 to 12.9 h |", "ok") == 2


def test_per_replication_facts_read_as_facts(tmp_path: Path) -> None:
    """A week number per replication reads "in k of n replications" with its median, never a
    fractional mean; days to clear a backlog the scenario does not model never read as 0 days.
    mmc-check's queue with 2 analysts (SMALL_MMC): at volume x1.2 its load is 1.08, as with 13."""
    out = tmp_path / "out"
    done = hotline_sim_here(
        "sweep", REPO / "scenarios" / "mmc-check.toml", *SMALL_MMC, "--set", "scenario.horizon_days=60",
        "-n", "3", "-q",
        "--vary", "intake.volume_multiplier=1,1.2", "--metric", "first_period_backlog_grows",
        "--metric", "backlog_clear_days", "--no-plots", "--out", out, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = (out / "sweep.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| 1.2 |")]
    assert re.search(r"in 3 of 3 replications: week \d+ ", rows[0] + " "), rows[0]
    assert "not modelled" in rows[1] and "0 days" not in text
    summary = hotline_sim_here(
        "run", REPO / "scenarios" / "mmc-check.toml", *SMALL_MMC, "--set", "scenario.horizon_days=60",
        "-n", "3", "-q",
        "--set", "intake.volume_multiplier=1.2", "--no-plots", "--out", tmp_path / "run", cwd=tmp_path,
    )  # fmt: skip
    assert summary.returncode == 0, summary.stderr
    table = (tmp_path / "run" / "summary.md").read_text(encoding="utf-8")
    grows = next(line for line in table.splitlines() if "`first_period_backlog_grows`" in line)
    assert "in 3 of 3 replications: week" in grows and not re.search(r"\d\.\d", grows)

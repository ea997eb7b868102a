"""The planner report in a real browser: headless Chromium (the Debian package `chromium`, which
`.ci/run` installs) opens the report of a small run offline, with no console error, every image
loaded, the key figures in the page, no sideways scrolling on a phone, and a printable PDF.

Skipped only when Chromium itself is absent. Set HOTLINE_SIM_SCREENSHOTS=folder to keep the
screenshots of the run, sweep, staff and plan reports (docs/report-*.png were made that way, when
the run and the sweep ran 63 days and the plan 119 days, three months).
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, hotline_sim_here

ROOT = REPO
CHROMIUM = next(
    (
        p
        for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
        if p and Path(p).is_file()
    ),
    None,
)
FLAGS = [  # as on a machine with no network: nothing in the background reaches out
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]  # fmt: skip

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian package `chromium`; .ci/run installs it with apt-get)",
)


# What is checked is how a report renders, not the numbers in it: a week of warm-up and a measured
# week (11-17 December 2017) of the 2018 scenario, which the commands below run in this process.
WEEK = ("--set", "scenario.horizon_days=14", "--set", "scenario.warmup_days=7")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser") / "run"
    done = hotline_sim_here(
        "run", ROOT / "scenarios" / "baseline-2018.toml", *WEEK, "-n", "3", "-q", "--out", folder, "--report",
        cwd=folder.parent,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return folder / "report.html"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def open_page(browser, report: Path, width: int):
    """The report in a new page `width` CSS pixels wide, with the console errors, page errors and
    failed requests recorded."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri(), wait_until="load")
    return page, problems, requests


@pytest.mark.slow
def test_the_report_renders_offline_with_every_figure(browser, report: Path, tmp_path: Path) -> None:
    page, problems, requests = open_page(browser, report, 1000)
    assert problems == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == [], "no network request"
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight, i.alt])"
    )
    assert len(images) == 3, images
    for complete, width, height, alt in images:
        assert complete and width == 800 and 400 <= height <= 700, (alt, width, height)
    figures = page.inner_text("#key-figures")
    with (report.parent / "summary.csv").open(encoding="utf-8") as handle:
        table = {row["metric"]: row for row in csv.DictReader(handle)}
    assessed = table["reports_assessed"]
    shown_assessed = page.inner_text("dt:text-is('Reports assessed') + dd")
    half_width = (float(assessed["ci95_high"]) - float(assessed["ci95_low"])) / 2
    assert "Reports assessed" in figures
    assert float(shown_assessed.split(" ")[0].replace(",", "")) == pytest.approx(
        float(assessed["mean"]), abs=half_width / 10 + 0.5
    ), shown_assessed  # rounded to about two digits of the half-width
    label = "Share of reports assessed within 24 hours of arrival"
    shown = page.inner_text(f"dt:has-text('{label}') + dd")
    sla = float(shown.split("%")[0])
    assert sla == pytest.approx(float(table["sla_assessment_share"]["mean"]) * 100, abs=0.5), shown
    assert "replication noise only" in figures
    for section in ("#assumptions", "#stress-des", "#manifest"):
        assert page.is_visible(section), section
    page.close()
    screenshot(browser, report, "run", tmp_path)


def screenshot(browser, report: Path, kind: str, tmp_path: Path) -> None:
    """The top of the report at 1280 px wide, as a planner first sees it; with
    HOTLINE_SIM_SCREENSHOTS=folder kept there as report-KIND.png (docs/ has them)."""
    page, problems, _ = open_page(browser, report, 1280)
    assert problems == []
    folder = Path(os.environ.get("HOTLINE_SIM_SCREENSHOTS") or tmp_path)
    shot = folder / f"report-{kind}.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.close()


BASELINE = ROOT / "scenarios" / "baseline-2018.toml"
OTHER_REPORTS = {
    "sweep": (  # the measured week: a backlog at x2 with 13 analysts, so the arms still differ
        "sweep",
        BASELINE,
        *WEEK,
        "--set",
        "sla.assessment_hours=72",
        "-n",
        "3",
        "--vary",
        "intake.volume_multiplier=1,1.5,2",
        "--vary",
        "analysts.count=13,17,21",
        "--metric",
        "sla_assessment_share",
        "--metric",
        "wait_hours_mean",
        "--target",
        "sla_assessment_share>=0.95",
    ),
    "staff": (  # 5 measured weeks: the backlog of 13 analysts at x1.5 builds up, the answer is above --min
        "staff",
        BASELINE,
        "--set",
        "scenario.horizon_days=63",
        "--set",
        "sla.assessment_hours=72",
        "-n",
        "3",
        "--set",
        "intake.volume_multiplier=1.5",
        "--target",
        "sla_assessment_share>=0.95",
        "--min",
        "13",
        "--max",
        "24",
    ),
    "plan": (  # one month, January 2018, after the file's 28 days of warm-up: 3 hires, already late
        "plan",
        BASELINE,
        "--set",
        "scenario.horizon_days=59",
        "--set",
        "sla.assessment_hours=72",
        "-n",
        "3",
        "--set",
        "intake.growth_per_year=1",
        "--set",
        "intake.volume_multiplier=1.4",
        "--period",
        "month",
        "--target",
        "sla_assessment_share>=0.9",
    ),
}


@pytest.mark.parametrize("kind", list(OTHER_REPORTS))
@pytest.mark.slow
def test_sweep_staff_and_plan_reports_render_offline_answer_first(browser, kind: str, tmp_path: Path) -> None:
    """A sweep, a staffing and a plan report: offline, every image loaded, the answer first (the
    question with its what-if, then "In short"), and no sideways scrolling on a phone."""
    out = tmp_path / kind
    done = hotline_sim_here(*OTHER_REPORTS[kind], "-q", "--out", out, "--report", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = out / "report.html"
    page, problems, requests = open_page(browser, report, 1280)
    assert problems == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == [], "no network request"
    images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])")
    assert images and all(complete and width == 800 for complete, width, _ in images), images
    question = page.inner_text("#question")
    assert "service level: hours to assessment 24 → 72" in question
    short = page.inner_text("#in-short")
    assert short.startswith("In short.") and "Caveat:" in short
    top = page.evaluate("document.querySelector('#in-short').getBoundingClientRect().top")
    assert top < 900, "the answer is on the first screen"
    page.close()
    phone, problems, _ = open_page(browser, report, 390)
    assert problems == []
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    phone.close()
    screenshot(browser, report, kind, tmp_path)


def test_the_report_fits_a_phone_and_prints(browser, report: Path) -> None:
    page, problems, _ = open_page(browser, report, 390)
    assert problems == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow} px on a 390 px phone"
    widths = page.evaluate("Array.from(document.images).map(i => i.getBoundingClientRect().width)")
    assert widths and max(widths) <= 390, widths
    pdf = page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-" and pdf.count(b"/Type /Page") >= 3
    page.close()

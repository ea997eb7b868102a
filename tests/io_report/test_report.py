"""The planner report: one self-contained HTML page per results folder, whose figures, assumptions
and STRESS-DES items come from the folder's own tables and manifest."""

from __future__ import annotations

import base64
import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sim.scenario.assumptions import assumption_notes
from tests.conftest import REPO, hotline_sim, hotline_sim_here

ROOT = REPO
BASELINE = ROOT / "scenarios" / "baseline-2018.toml"
# The file's 4 weeks of warm-up and a measured week (1-7 January 2018): the run whose report every
# test below reads (its figures are checked against its own tables, whatever their values).
RUN = ("--set", "scenario.horizon_days=35", "-n", "3", "-q")
# A week of warm-up and a measured week (11-17 December 2017): for a folder whose report's words,
# not its figures' values, are checked.
WEEK = ("--set", "scenario.horizon_days=14", "--set", "scenario.warmup_days=7", "-n", "3", "-q")


class Page(HTMLParser):
    """The parts of a page the tests look at: tags with their attributes, text by element id."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: dict[str, str] = {}
        self._stack: list[tuple[str, str | None]] = []
        self.definitions: dict[str, str] = {}
        self._term: str | None = None
        self._in: str | None = None
        self.feed(text)

    VOID = {"meta", "img", "br", "hr", "link", "input", "source"}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.VOID:
            return
        ident = dict(attrs).get("id")
        self._stack.append((tag, ident))
        if ident:
            self.ids[ident] = ""
        if tag == "dt":
            self._in, self._term = "dt", ""
        elif tag == "dd" and self._term is not None:
            self._in = "dd"
            self.definitions[self._term] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("dt", "dd"):
            self._in = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self._stack:
            if ident:
                self.ids[ident] += data
        if self._in == "dt":
            self._term = (self._term or "") + data
        elif self._in == "dd" and self._term is not None:
            self.definitions[self._term] += data


def summary(folder: Path) -> dict[str, dict[str, float]]:
    with (folder / "summary.csv").open(encoding="utf-8") as handle:
        return {
            row["metric"]: {k: float(row[k]) if row[k] else float("nan") for k in row if k != "metric"}
            for row in csv.DictReader(handle)
        }


def numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"[-+]?\d[\d,]*(?:\.\d+)?", text)]


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "run"
    done = hotline_sim_here("run", BASELINE, *RUN, "--out", folder, "--report", cwd=folder.parent)
    assert done.returncode == 0, done.stderr
    assert f"report written to {folder / 'report.html'}" in done.stdout
    return folder


def test_the_report_is_one_self_contained_page(baseline_run: Path) -> None:
    text = (baseline_run / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    assert not [t for t, _ in page.tags if t in ("script", "link", "iframe", "object", "embed")]
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or not re.match(r"^(https?:|//|file:)", value), (tag, value)
    assert "http://" not in text and "https://" not in text, "nothing to fetch, not even a link"
    images = [attrs["src"] for tag, attrs in page.tags if tag == "img"]
    pngs = sorted(p.name for p in baseline_run.glob("*.png"))
    assert pngs == ["backlog.png", "removal_by_route.png", "wait_distribution.png"]
    assert len(images) == len(pngs)
    embedded = {base64.b64decode(src.split(",", 1)[1]) for src in images}
    assert embedded == {(baseline_run / name).read_bytes() for name in pngs}, "each figure embedded whole"
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert 'name="viewport"' in text and "@media print" in text, "laid out for phones and for print"


def test_key_figures_are_the_summary_in_plain_words(baseline_run: Path) -> None:
    page = Page((baseline_run / "report.html").read_text(encoding="utf-8"))
    table = summary(baseline_run)
    # label: metric, scale (shares in %), the coarsest rounding step the report may use
    checks = {
        "Share of reports assessed within 24 hours of arrival": ("sla_assessment_share", 100.0, 0.1),
        "Mean wait before assessment starts": ("wait_hours_mean", 1.0, 0.1),
        "Reports assessed": ("reports_assessed", 1.0, 1.0),
        "Pages removed before the end of the run": ("pages_removed", 1.0, 1.0),
        "Share of pages removed within 3 days of the notice": (
            "pages_removed_within_3_days_share",
            100.0,
            0.1,
        ),
    }
    for label, (metric, scale, step) in checks.items():
        text = page.definitions[label]
        shown = numbers(text.replace("95 %", ""))
        row = table[metric]
        half = (row["ci95_high"] - row["ci95_low"]) / 2 * scale
        # the mean and both ends, rounded to the half-width's first significant digit at most
        for value, expected in zip(shown[:3], (row["mean"], row["ci95_low"], row["ci95_high"]), strict=True):
            assert value == pytest.approx(expected * scale, abs=0.5 * max(half, step) + 1e-9), (label, text)
        assert "95 % CI" in text, text
    caveat = page.ids["ci-caveat"]
    assert "replication noise only" in caveat and "not the uncertainty of the assumptions" in caveat
    assert "3 independent" in caveat, "says how many replications the intervals rest on"


def test_assumptions_defaults_and_stress_des_items(baseline_run: Path) -> None:
    text = (baseline_run / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    assumptions = " ".join(page.ids["assumptions"].split())
    for key, _ in assumption_notes(BASELINE):
        assert key in assumptions
    marked = [
        line.split("assumption:", 1)[1].strip()
        for line in BASELINE.read_text(encoding="utf-8").splitlines()
        if "assumption:" in line.replace('"assumption:"', "")
    ]
    assert len(marked) >= 20
    for words in marked:  # every `assumption:` comment of the file, those above a [table] too
        assert words[:40] in assumptions, words
    defaults = assumptions.split("Defaults used", 1)[1]
    assert "takedown.recheck_minutes" in defaults and "analysts.absence_share" in defaults
    assert "analysts.count" not in defaults, "the file gives the count: not a default"
    assert "takedown.follow_up_hours" in defaults
    assert "takedown.escalation_removal_hoursnone (the law_enforcement route's default)" in defaults
    manifest = json.loads((baseline_run / "manifest.json").read_text(encoding="utf-8"))
    for item in ("objectives", "logic", "inputs", "experimentation", "implementation", "outputs"):
        assert page.ids[f"stress-{item}"].strip(), item
    experimentation = page.ids["stress-experimentation"]
    assert "3 replications" in experimentation and f"seed {manifest['seed']}" in experimentation
    assert "horizon 35 days of which 28 days of warm-up" in experimentation
    implementation = page.ids["stress-implementation"]
    for name in ("python", "simpy", "numpy", "jinja2"):
        assert manifest["versions"][name] in implementation, name
    assert "13 analysts work mon-fri 08:00 to 16:00" in page.ids["stress-logic"]
    assert manifest["scenario_sha256"] in page.ids["stress-inputs"]
    assert manifest["scenario_sha256"] in page.ids["manifest"]
    assert "baseline-2018" in page.ids["question"]


def test_the_takedown_table_lists_every_host(baseline_run: Path) -> None:
    text = (baseline_run / "report.html").read_text(encoding="utf-8")
    section = text.split("Takedown by hosting country", 1)[1].split("</table>", 1)[0]
    with (baseline_run / "takedown_by_country.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5
    for row in rows:
        assert f"<td>{row['country']}</td>" in section
        assert f"{float(row['notices']):,.0f}" in section or f"{float(row['notices']):.3g}" in section


@pytest.mark.slow
def test_report_command_on_sweep_staff_and_sensitivity_folders(tmp_path: Path) -> None:
    """The sweep, the staff search and the sensitivity run over a week (WEEK). The search, from 12 to
    14 analysts for a mean wait of at most 12 hours: its answer is the scenario's own 13 (no other
    team to simulate for the finds beside it; 95 % CI 10.1 to 11.6 hours), and 12 (below it) fails
    (10.6 to 12.9 hours). The three run in this process, `report` as a command."""
    sweep = tmp_path / "sweep"
    done = hotline_sim_here("sweep", BASELINE, *WEEK, "--vary", "analysts.count=9,13", "--metric",
                            "wait_hours_mean", "--out", sweep, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = tmp_path / "elsewhere" / "sweep.html"
    out.parent.mkdir()
    made = hotline_sim("report", sweep, "--out", out, cwd=tmp_path)
    assert made.returncode == 0 and not (sweep / "report.html").exists(), made.stderr
    page = Page(out.read_text(encoding="utf-8"))
    assert "analysts in the team (analysts.count) is set to 9, 13 in turn" in page.ids["question"]
    images = [a["src"] for t, a in page.tags if t == "img"]
    assert [base64.b64decode(s.split(",", 1)[1]) for s in images] == [
        (sweep / "sweep_wait_hours_mean.png").read_bytes()
    ]
    # the answer first: the base arm, then the paired difference of the arm that differs most
    assert "Mean wait before assessment starts, base arm (analysts in the team 9)" in page.definitions
    largest = "Mean wait before assessment starts: the largest paired difference from the base arm"
    assert f"{largest} (analysts in the team 13)" in page.definitions
    assert "(base arm)" in out.read_text(encoding="utf-8")

    staff = tmp_path / "staff"
    target = ("--target", "wait_hours_mean<=12", "--min", "12", "--max", "14")
    done = hotline_sim_here("staff", BASELINE, *WEEK, *target, "--out", staff, "--report", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    answer = int(re.search(r"answer: (\d+) analysts", done.stdout).group(1))
    manifest = json.loads((staff / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["answer"] == answer and manifest["targets"] == ["wait_hours_mean<=12"]
    assert manifest["key"] == "analysts.count" and manifest["own_value"] == 13
    page = Page((staff / "report.html").read_text(encoding="utf-8"))
    assert (
        page.definitions[
            "Smallest team whose whole 95 % CI meets mean wait before assessment starts at most 12 hours"
        ]
        == f"{answer} analysts"
    )
    below = f"Mean wait before assessment starts with {answer - 1} analysts"
    assert below in page.definitions, "the count below, failing"
    assert page.definitions[below].endswith("hours): does not meet the target")
    assert [a["src"][:22] for t, a in page.tags if t == "img"] == ["data:image/png;base64,"]

    sensitivity = tmp_path / "sensitivity"
    moves = ("--keys", "analysts.count", "--metric", "wait_hours_mean", "--no-plots")
    done = hotline_sim_here(
        "sensitivity", BASELINE, *WEEK, *moves, "--out", sensitivity, "--report", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    text = (sensitivity / "report.html").read_text(encoding="utf-8")
    assert "analysts in the team moved down" in text and "<img" not in text
    assert "was not drawn" in text and "--no-plots" in text


def test_question_override_and_folders_that_are_not_results(tmp_path: Path, baseline_run: Path) -> None:
    out = tmp_path / "asked.html"
    done = hotline_sim_here(
        "report", baseline_run, "--out", out, "--question", "Can 13 analysts keep up?", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "Can 13 analysts keep up?" in Page(out.read_text(encoding="utf-8")).ids["question"]
    empty = tmp_path / "empty"
    empty.mkdir()
    failed = hotline_sim_here("report", empty, cwd=tmp_path)
    assert failed.returncode == 2 and "no manifest.json" in failed.stderr
    assert not (empty / "report.html").exists()
    (empty / "manifest.json").write_text("{}", encoding="utf-8")
    failed = hotline_sim_here("report", empty, cwd=tmp_path)
    assert failed.returncode == 2 and "not a hotline-sim manifest" in failed.stderr
    (empty / "manifest.json").write_bytes((baseline_run / "manifest.json").read_bytes())
    failed = hotline_sim_here("report", empty, cwd=tmp_path)
    assert failed.returncode == 2 and "no result table" in failed.stderr


def test_the_api_gives_the_command_lines_report(tmp_path: Path, baseline_run: Path) -> None:
    import sim

    short = sim.load_scenario(BASELINE).with_values({"scenario.horizon_days": 35})  # as RUN
    sim.write(sim.run(short, replications=3, source=BASELINE), tmp_path / "api")
    api = Page(sim.write_report(tmp_path / "api").read_text(encoding="utf-8"))
    cli = Page((baseline_run / "report.html").read_text(encoding="utf-8"))
    for section in ("question", "key-figures", "assumptions", "stress-logic", "stress-inputs"):
        assert api.ids[section] == cli.ids[section], section


def test_a_scenario_without_hosts_or_file(tmp_path: Path) -> None:
    import sim

    data = {
        "scenario": {"name": "no-hosts", "horizon_days": 14, "warmup_days": 7, "seed": 4},
        "intake": {"sources": {"public": {"reports_per_day": 200.0, "actionable_share": 0.4}}},
        "analysts": {"count": 2, "schedule": "24/7"},
        "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
    }
    sim.write(sim.run(sim.load_scenario(data), replications=2), tmp_path)
    page = Page(sim.write_report(tmp_path).read_text(encoding="utf-8"))
    assert "time to removal" not in page.ids["question"]
    assert not any("removed" in label or "notice" in label.lower() for label in page.definitions)
    assert len([a for t, a in page.tags if t == "img"]) == 2, "backlog and waits; no removal to draw"
    assert "was not drawn" not in "".join(page.ids.values())
    assert "did not come from a file" in page.ids["assumptions"]
    assert "Removal is not modelled" in page.ids["stress-logic"]


def test_a_sweep_over_tables_and_a_staffing_search_with_no_answer(tmp_path: Path) -> None:
    short = (*WEEK[:4], "-n", "2", "-q")  # what is checked is the page's words
    weekend = '{days = "sat-sun", start = "08:00", end = "16:00"}'
    vary = ("--vary", f'analysts.schedule="24/7",{weekend}', "--metric", "wait_hours_mean")
    done = hotline_sim_here(
        "sweep", BASELINE, *short, *vary, "--out", tmp_path / "s", "--report", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    page = Page((tmp_path / "s" / "report.html").read_text(encoding="utf-8"))
    assert len([a for t, a in page.tags if t == "img"]) == 1
    assert any("analysts' rota 24/7" in label for label in page.definitions), page.definitions
    # again without --report: the old report goes with the old tables
    done = hotline_sim_here("sweep", BASELINE, *short, *vary, "--out", tmp_path / "s", cwd=tmp_path)
    assert done.returncode == 0 and not (tmp_path / "s" / "report.html").exists()

    target = ("--target", "wait_hours_mean<=0.01", "--min", "2", "--max", "3")
    done = hotline_sim_here(
        "staff", BASELINE, *short, *target, "--out", tmp_path / "t", "--report", cwd=tmp_path
    )
    assert done.returncode == 1 and "do not meet" in done.stderr
    page = Page((tmp_path / "t" / "report.html").read_text(encoding="utf-8"))
    label = "Smallest team whose whole 95 % CI meets mean wait before assessment starts at most 0.01 hours"
    assert page.definitions[label] == ("none up to 3 analysts")

    bad = hotline_sim_here("run", BASELINE, "--set", "analysts.count=-1", "--out", tmp_path / "bad",
                           "--report", cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 2 and not (tmp_path / "bad").exists(), "invalid input: nothing written"

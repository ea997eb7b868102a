"""The figures a director reads (issue 17): every figure carries the run's what-if as its subtitle,
no text is cut off at the figure's edge, labels are words with units (no dotted key or metric
name alone), shares are drawn in %, a two-key sweep gets a heat map with the target's contour,
and a sweep draws no line between arms."""

from __future__ import annotations

import io
import warnings
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sim.io import plots
from tests.conftest import REPO, hotline_sim_here

MMC = REPO / "scenarios" / "mmc-check.toml"
BASELINE = REPO / "scenarios" / "baseline-2018.toml"
# A week of warm-up and a measured week: what is checked is the figures' words and layout.
SHORT = ("--set", "scenario.horizon_days=14", "--set", "scenario.warmup_days=7", "-n", "2", "-q")
# The sweeps of the figures' layout: mmc-check's queue at its own load (0.9) with 2 analysts instead
# of 13 (a sixth of the reports), 12 measured days: teams of 2 to 4 at volume x1 and x1.2 still give
# cells that meet the target and cells that do not (the heat map's contour runs between them).
SWEEP = ("--set", "scenario.horizon_days=14", "--set", "scenario.warmup_days=2", "-n", "2", "-q",
         "--set", "intake.sources.public.reports_per_day=518.4")  # fmt: skip


def png_text(path: Path) -> dict[str, str]:
    """The PNG's text chunks (Title, Description)."""
    with Image.open(path) as image:
        return dict(image.text)


@pytest.fixture
def drawn(monkeypatch) -> list:
    """Every matplotlib figure the plots draw, kept open for inspection."""
    figures = []

    def keep(plt, fig) -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        figures.append(fig)
        return buffer.getvalue()

    monkeypatch.setattr(plots, "_png", keep)
    return figures


def outside(fig) -> list[str]:
    """What of `fig` reaches past its edges (by more than a pixel): the figure's tight box, which
    holds every drawn artist, against the figure; with the titles of any axes cut."""
    renderer = fig.canvas.get_renderer()
    drawn = fig.get_tightbbox(renderer)  # in inches
    width, height = fig.get_size_inches()
    slack = 1 / fig.dpi
    if drawn.x0 < -slack or drawn.y0 < -slack or drawn.x1 > width + slack or drawn.y1 > height + slack:
        return [ax.get_title(loc="left") for ax in fig.axes] or ["(no axes)"]
    return []


@pytest.mark.slow
def test_every_figure_of_a_staff_run_with_two_overrides_names_both(tmp_path: Path) -> None:
    """The acceptance case: a staff run with two --set overrides; both, in words, in the subtitle of
    its figure (the PNG's Description), as in every other figure of every command."""
    out = tmp_path / "staff"
    done = hotline_sim_here(
        "staff", MMC, *SHORT, "-n", "3", "--set", "sla.assessment_hours=2",
        "--set", "intake.volume_multiplier=1.1", "--target", "sla_assessment_share>=0.9", "--min", "12",
        "--max", "20", "--out", out, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = png_text(out / "staffing.png")
    assert "service level: hours to assessment 1 → 2" in text["Description"]
    assert "report volume (× the file's) 1 → 1.1" in text["Description"]
    run = tmp_path / "run"
    assert (
        hotline_sim_here(
            "run", BASELINE, *SHORT, "--set", "analysts.count=11", "--out", run, cwd=tmp_path
        ).returncode
        == 0
    )
    for figure in ("backlog.png", "wait_distribution.png", "removal_by_route.png"):
        assert "analysts in the team 13 → 11" in png_text(run / figure)["Description"], figure
    plain, short_file = tmp_path / "plain", tmp_path / "short.toml"  # a file run as it is: no what-if
    short_file.write_text(MMC.read_text(encoding="utf-8").replace("horizon_days = 120", "horizon_days = 12"))
    assert hotline_sim_here("run", short_file, *SHORT[4:], "--out", plain, cwd=tmp_path).returncode == 0
    assert png_text(plain / "backlog.png")["Description"] == "", "no what-if, no subtitle"


@pytest.mark.slow
def test_nothing_is_cut_off_and_labels_are_words(tmp_path: Path, drawn: list) -> None:
    long_what_if = "; ".join(f"a key with a long name {n} 1 → 2" for n in range(8))
    done = hotline_sim_here(
        "sweep", MMC, *SWEEP, "--vary", "intake.volume_multiplier=1,1.2", "--vary", "analysts.count=2,3,4",
        "--target", "sla_assessment_share>=0.95", "--out", tmp_path / "sweep", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    run = hotline_sim_here("run", BASELINE, *SHORT, "--out", tmp_path / "run", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(drawn) == 4 + 3  # two metrics x (markers, heat map), and the run's three
    for fig in drawn:
        assert outside(fig) == []
        for ax in fig.axes:
            for label in (ax.get_xlabel(), ax.get_ylabel(), ax.get_title(loc="left")):
                words = label.replace("(", " ").replace(")", " ").split()
                bare = [w for w in words if "_" in w and "." not in w]  # a metric name alone
                assert not bare, label
    # a long what-if wraps inside the figure too
    starts = [datetime(2025, 1, 1), datetime(2025, 4, 1)]
    ends = [datetime(2025, 3, 31, 23, 59), datetime(2025, 6, 30, 23, 59)]
    assert plots.plan_plot("x", starts, ends, [3, 4], [3, 4], [100.0, 120.0], what_if=long_what_if)
    assert long_what_if[:40] in drawn[-1].axes[0].get_title(loc="left").replace("\n", " ")
    assert outside(drawn[-1]) == []


@pytest.mark.slow
def test_the_heat_map_is_for_two_numeric_keys_with_the_target_contour(tmp_path: Path) -> None:
    two = tmp_path / "two"
    done = hotline_sim_here(
        "sweep", MMC, *SWEEP, "--vary", "intake.volume_multiplier=1,1.2", "--vary", "analysts.count=2,4",
        "--target", "sla_assessment_share>=0.95", "--out", two, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (two / "sweep_heatmap_sla_assessment_share.png").exists()
    assert (two / "sweep_heatmap_wait_hours_mean.png").exists()
    only = hotline_sim_here(
        "sweep", MMC, *SWEEP, "--vary", "analysts.count=2,3", "--out", tmp_path / "only", cwd=tmp_path
    )
    assert only.returncode == 0 and not list((tmp_path / "only").glob("sweep_heatmap_*"))


def test_the_contour_is_the_edge_of_the_cells_that_meet() -> None:
    inside = np.array([[True, False], [True, True]])
    segments = plots._contour(inside)
    # three cells inside: the region's outline has 8 unit edges, none between two inside cells
    assert len(segments) == 8
    assert ((0.5, -0.5), (0.5, 0.5)) in segments  # between (0, 0) inside and (0, 1) outside
    assert ((-0.5, 0.5), (0.5, 0.5)) not in segments  # between (0, 0) and (1, 0), both inside


def test_shares_are_in_percent_and_their_intervals_stay_in_range() -> None:
    assert plots.metric_axis("sla_assessment_share", 72) == (
        "Share of reports assessed within 72 hours of arrival (%)",
        100.0,
    )
    low, high = plots._clipped("sla_assessment_share", np.array([-0.2, 0.5]), np.array([1.1, 0.7]))
    assert list(low) == [0.0, 0.5] and list(high) == [1.0, 0.7]
    assert [plots.hours_text(h) for h in (1 / 60, 1, 24, 72, 168)] == [
        "1 min",
        "1 h",
        "24 h",
        "3 days",
        "1 week",
    ]


def test_a_window_shorter_than_a_week_draws_its_weekdays_without_a_warning(drawn, tmp_path: Path) -> None:
    """A measured window of 3 days leaves 4 weekdays without a day: the backlog figure's average week
    shows the 3 it has, each with its range over the replications, and numpy says nothing on the
    planner's terminal (it warned "All-NaN slice encountered" for the empty weekdays)."""
    from sim.experiments.execution import run_replications
    from sim.scenario.schema import load_scenario

    scenario = load_scenario(MMC).with_values({"scenario.horizon_days": 3, "scenario.warmup_days": 0})
    results = run_replications(scenario, 2, 13, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plots.backlog_plot(results, scenario)
    week_ax = drawn[-1].axes[1]
    heights = [bar.get_height() for bar in week_ax.patches]
    assert len(heights) == 7 and sum(np.isfinite(heights)) == 3
    ranges = [line for collection in week_ax.collections for line in collection.get_segments() if len(line)]
    assert len(ranges) == 3  # a range bar for each weekday with days, none for the others

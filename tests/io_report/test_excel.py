"""`--excel` (issue 17): every command writes results.xlsx with one sheet per CSV table, equal to
the CSV cell for cell (numbers as numbers), an `about` sheet, the file in the manifest; without
openpyxl the option is refused before anything runs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import REPO, hotline_sim_here

openpyxl = pytest.importorskip("openpyxl")

MMC = REPO / "scenarios" / "mmc-check.toml"
DATED = ("--set", "scenario.start_date=2025-01-06")
# mmc-check's queue at its own load (0.9) with 2 analysts, not 13: a sixth of the reports to simulate
# (what is checked is the workbook against the CSV files, cell for cell, whatever the numbers)
SMALL_TEAM = ("--set", "analysts.count=2", "--set", "intake.sources.public.reports_per_day=518.4")
SHORT = (
    "--set",
    "scenario.horizon_days=35",
    "--set",
    "scenario.warmup_days=7",
    *SMALL_TEAM,
    "-n",
    "2",
    "-q",
    "--no-plots",
)
COMMANDS = {
    "run": ("run", MMC),
    "sweep": ("sweep", MMC, "--vary", "analysts.count=2,3"),
    "staff": ("staff", MMC, "--target", "wait_hours_mean<=1", "--min", "2", "--max", "3"),
    "sensitivity": ("sensitivity", MMC, "--keys", "intake.volume_multiplier", "--metric", "wait_hours_mean"),
    "plan": ("plan", MMC, *DATED, "--target", "wait_hours_mean<=1", "--period", "month"),
    "compare": ("compare", MMC, REPO / "scenarios" / "baseline-2018.toml"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_writes_a_workbook_equal_to_its_csv_files(command: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = hotline_sim_here(*COMMANDS[command], *SHORT, "--excel", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    tables = sorted(out.glob("*.csv"))
    assert tables and book.sheetnames[0] == "about"
    assert set(book.sheetnames) == {"about", *(t.stem[:31] for t in tables)}
    about = {
        row[0]: row[1] for row in book["about"].iter_rows(values_only=True) if row and row[0] and len(row) > 1
    }
    assert about["command"] == command and about["seed"] == 13
    for table in tables:
        with table.open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        sheet = [list(row) for row in book[table.stem[:31]].iter_rows(values_only=True)]
        assert sheet[0] == rows[0]
        for written, row in zip(sheet[1:], rows[1:], strict=True):
            for value, text in zip(written, row, strict=True):
                if text in ("", "nan"):
                    assert value is None
                else:
                    try:
                        assert value == pytest.approx(float(text), rel=1e-15, abs=0)
                        assert not isinstance(value, str), "a number stays a number"
                    except ValueError:
                        assert value == text
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "results.xlsx" in manifest["files"]


def test_without_openpyxl_excel_is_refused_before_anything_runs(tmp_path: Path, monkeypatch) -> None:
    import sim.io.excel as excel

    monkeypatch.setattr(excel, "excel_missing", lambda: "--excel needs openpyxl, which is not installed: x")
    out = tmp_path / "out"
    done = hotline_sim_here("run", MMC, *SHORT, "--excel", "--out", out, cwd=tmp_path)
    assert done.returncode == 2
    assert "needs openpyxl" in done.stderr and "hotline-sim[excel]" not in done.stdout
    assert not (out / "summary.csv").exists()


def test_a_later_run_without_excel_removes_the_old_workbook(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert hotline_sim_here("run", MMC, *SHORT, "--excel", "--out", out, cwd=tmp_path).returncode == 0
    assert (out / "results.xlsx").exists()
    assert hotline_sim_here("run", MMC, *SHORT, "--out", out, cwd=tmp_path).returncode == 0
    assert not (out / "results.xlsx").exists(), "a workbook of other results is not left behind"


def test_hostile_text_stays_text() -> None:
    """A label that looks like a formula or an error stays text; a control character cannot break
    the workbook (a scenario name reaches the tables of compare)."""
    import io

    from sim.io.excel import workbook_bytes

    table = "scenario,value\n=1+1,1\n#N/A,inf\nbad\x01name,2\n"
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"compare.csv": table}, [("seed", 1)])))
    rows = [[c.value for c in row] for row in book["compare"].iter_rows()]
    assert rows == [["scenario", "value"], ["=1+1", 1], ["#N/A", "inf"], ["bad?name", 2]]
    assert book["compare"]["A2"].data_type == "s" and book["compare"]["A3"].data_type == "s"

"""Writing an experiment's results: one call for every command's results object.

`write(results, out_dir)` turns a run, a sweep, a staffing search, a sensitivity analysis, a hiring
plan or a comparison into its files (`sim.io.output.Output`) and writes them with the one routine
every command uses (`write_output`: the folder locked, its previous files cleared, tables,
figures, manifest last). The results are never changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.experiments.compare import CompareResults
from sim.experiments.plan import PlanResults
from sim.experiments.run import RunResults
from sim.experiments.sensitivity import SensitivityResults
from sim.experiments.staff_results import StaffResults
from sim.experiments.sweep import SweepResults
from sim.io.compare_files import compare_output
from sim.io.output import Output, write_output
from sim.io.plan_files import plan_output
from sim.io.run_files import run_output
from sim.io.sensitivity_files import sensitivity_output
from sim.io.staffing_files import staffing_output
from sim.io.sweep_files import sweep_output

Results = RunResults | SweepResults | StaffResults | SensitivityResults | PlanResults | CompareResults


def output_of(results: Results, plots: bool = True, period: str = "week") -> Output:
    """The files of `results`, as the command that made them writes them."""
    if isinstance(results, RunResults):
        return run_output(results, plots, period)
    if isinstance(results, SweepResults):
        return sweep_output(results, plots)
    if isinstance(results, StaffResults):
        return staffing_output(results, plots)
    if isinstance(results, SensitivityResults):
        return sensitivity_output(results, plots)
    if isinstance(results, PlanResults):
        return plan_output(results, plots)
    if isinstance(results, CompareResults):
        return compare_output(results, plots)
    raise TypeError(f"not the results of a hotline-sim experiment: {type(results).__name__}")


def write(
    results: Results,
    out_dir: str | Path,
    plots: bool = True,
    period: str = "week",
    command_line: Sequence[str] = (),
    excel: bool = False,
) -> Path:
    """Write every result file of `results` into `out_dir`, as the command that made them does;
    the folder. `period` ("week" or "month", 4 weeks) sets the rows of a run's periods.csv;
    `command_line` is what the manifest records as the command (empty: the Python API); `excel`
    also writes the tables as one workbook, results.xlsx (needs hotline-sim[excel])."""
    write_output(out_dir, output_of(results, plots, period), command_line, excel)
    return Path(out_dir)

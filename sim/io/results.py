"""Writing an experiment's results: one call for every command's results object.

`write(results, out_dir)` takes the folder for this process (`sim.io.folder.ResultsFolder`: locked
against other writers, its previous files cleared), writes the tables and plots of a run, a sweep, a
staffing search or a sensitivity analysis, and the manifest last.
"""

from __future__ import annotations

from pathlib import Path

from sim.experiments.run import RunResults
from sim.experiments.sensitivity import SensitivityResults
from sim.experiments.staffing import StaffResults
from sim.experiments.sweep import SweepResults
from sim.io.folder import ResultsFolder
from sim.io.output import write_results
from sim.io.sensitivity_files import write_sensitivity
from sim.io.staffing_files import write_staffing
from sim.io.sweep_files import write_sweep
from sim.stats.intervals import Summary
from sim.stats.summaries import summarise_metrics

Results = RunResults | SweepResults | StaffResults | SensitivityResults


def write(
    results: Results, out_dir: str | Path, plots: bool = True, period: str = "week"
) -> dict[str, Summary]:
    """Write every result file of `results` into `out_dir`, as the command that made them does;
    the metric summaries of a run (of the base scenario for a sensitivity analysis, else empty).

    `period` ("week" or "month", 4 weeks) sets the rows of a run's periods.csv."""
    with ResultsFolder(out_dir) as folder:
        if isinstance(results, RunResults):
            return write_results(
                folder, results.scenario, results.source, results.seed, results.results, results.jobs,
                results.started_at, plots=plots, replications_note=results.precision_note, period=period,
            )  # fmt: skip
        if isinstance(results, SweepResults):
            write_sweep(
                folder, results.arms, results.results, results.baseline_index, results.metrics,
                results.source, results.seed, results.jobs, results.started_at, plots=plots,
                base=results.base,
            )  # fmt: skip
            return {}
        if isinstance(results, StaffResults):
            write_staffing(folder, results, plots=plots)
            return {}
        if isinstance(results, SensitivityResults):
            base = summarise_metrics(results.base)
            write_sensitivity(
                folder, results.scenario, results.source, results.rows, base, results.metrics,
                results.change, results.seed, len(results.base), results.jobs, results.started_at,
                plots=plots,
            )  # fmt: skip
            return base
        raise TypeError(f"not the results of a hotline-sim experiment: {type(results).__name__}")

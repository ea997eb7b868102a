"""The Python API for notebooks and scripts: load a scenario, run it, look at or write the results.

>>> import sim
>>> scenario = sim.load_scenario({
...     "scenario": {"name": "api-example", "horizon_days": 7, "seed": 3},
...     "intake": {"sources": {"public": {"reports_per_day": 100.0, "actionable_share": 0.4}}},
...     "analysts": {"count": 2, "schedule": "24/7"},
...     "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
... })
>>> results = sim.run(scenario.with_values({"analysts.count": 3}), replications=2)
>>> results.summaries["reports_assessed"].replications
2
>>> results.results[0].metrics["reports_received"] > 0
True

The command line runs the same functions, so `write(run(...), folder)` writes the tables
`hotline-sim run` writes for the same scenario, seed and replications, byte for byte; `write` does
the same for the results of `sweep`, `staff`, `sensitivity_analysis` and `plan`, and `write_report(folder)`
writes the planner report of any results folder. The functions live in their layers
(`sim.scenario`, `sim.experiments`, `sim.io`, `sim.report`); this module only gathers them.
"""

from pathlib import Path

from sim.experiments.compare import CompareResults, compare
from sim.experiments.plan import PlanResults, plan
from sim.experiments.run import RunResults, run
from sim.experiments.sensitivity import SensitivityResults, sensitivity_analysis
from sim.experiments.staffing import StaffResults, staff
from sim.experiments.sweep import SweepResults, sweep
from sim.io.results import write
from sim.scenario.schema import load_scenario


def write_report(folder: str | Path, out: str | Path | None = None, question: str | None = None) -> Path:
    """Write the planner report (one self-contained HTML page) of a results folder written by run,
    sweep, staff or sensitivity; to `out`, default `folder/report.html`. Its path. (The report's
    module loads only when a report is written, so the command line starts quickly.)"""
    from sim.report.page import write_report as write_page

    return write_page(folder, out, question)


__all__ = [
    "load_scenario", "run", "sweep", "staff", "sensitivity_analysis", "plan", "compare", "write",
    "write_report", "RunResults", "SweepResults", "StaffResults", "SensitivityResults", "PlanResults",
    "CompareResults",
]  # fmt: skip

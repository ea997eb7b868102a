"""hotline-sim: a discrete-event simulation of an internet reporting hotline for capacity planners.

Synthetic events only: the package never reads, stores or fetches real reports, URLs, hashes or
imagery, and makes no network call.
"""

__version__ = "0.1.0"
API = (
    "load_scenario", "run", "sweep", "staff", "sensitivity_analysis", "plan", "compare", "write",
    "write_report", "RunResults", "SweepResults", "StaffResults", "SensitivityResults", "PlanResults",
    "CompareResults",
)  # fmt: skip


def __getattr__(name: str):
    """The Python API (`sim.api`): `load_scenario`, `run`, `sweep`, `staff`, `sensitivity_analysis`,
    `plan`, `compare`, `write`, `write_report` and the result classes, imported only when used, so
    that the command line starts quickly."""
    if name in API:
        from sim import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")

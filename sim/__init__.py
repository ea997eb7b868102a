"""hotline-sim: a discrete-event simulation of an internet reporting hotline for capacity planners.

Synthetic events only: the package never reads, stores or fetches real reports, URLs, hashes or
imagery, and makes no network call.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    """`sim.load_scenario`, `sim.run` and `sim.RunResults` (the Python API, `sim.api`), imported
    only when used, so that the command line starts quickly."""
    if name in ("load_scenario", "run", "RunResults"):
        from sim import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")

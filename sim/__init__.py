"""hotline-sim: a discrete-event simulation of an internet reporting hotline for capacity planners.

Synthetic events only: the package never reads, stores or fetches real reports, URLs, hashes or
imagery, and makes no network call.
"""

__version__ = "0.1.0"

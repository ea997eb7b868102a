"""A cache of finished replications, so that an interrupted sweep resumes with identical numbers.

Each replication is stored under a key made of its scenario's content, the seed, the replication
number and the code's version (the package version and a hash of its source), the moment it is
finished; a replication is a pure function of those, so a cached one is exactly what running it
again would give. The cache is a hidden folder `.resume/` in the sweep's output folder.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from functools import lru_cache
from pathlib import Path

from sim import __version__
from sim.metrics import ReplicationResult
from sim.output import atomic_write_bytes
from sim.scenario import Scenario


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version and a SHA-256 of every source file of the package."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


class ReplicationCache:
    """Finished replications on disk, by (scenario content, seed, replication, code version)."""

    def __init__(self, out_dir: Path):
        self.folder = out_dir / ".resume"

    @staticmethod
    def key(scenario: Scenario, seed: int, replication: int) -> str:
        """The cache key of one replication."""
        identity = {
            "scenario": scenario.to_dict(),
            "seed": seed,
            "replication": replication,
            "code": code_version(),
        }
        return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()

    def get(self, key: str) -> ReplicationResult | None:
        """The cached replication, or None."""
        path = self.folder / f"{key}.pickle"
        if not path.exists():
            return None
        with path.open("rb") as handle:
            return pickle.load(handle)  # our own files, written by `put`

    def put(self, key: str, result: ReplicationResult) -> None:
        """Store a finished replication (atomically: an interrupted write leaves nothing)."""
        atomic_write_bytes(
            self.folder / f"{key}.pickle", pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        )

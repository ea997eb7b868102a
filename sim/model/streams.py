"""Random streams: one `SeedSequence(seed)` per run, one child per replication, one Generator per name.

A stream's child is derived from a stable hash of its name, not from the order in which streams are
created, so adding a new stream never changes the numbers drawn by the others, and the same
(seed, replication, name) gives the same numbers in every sweep arm (common random numbers).

>>> a = Streams(seed=7, replication=0).generator("arrivals/public").random()
>>> b = Streams(seed=7, replication=0).generator("arrivals/public").random()
>>> a == b
True
"""

from __future__ import annotations

import hashlib

import numpy as np


def stream_key(name: str) -> int:
    """A stable 32-bit integer for a stream name (SHA-256 based, independent of Python's hash)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "little")


class Streams:
    """The named Generators of one replication of one run."""

    def __init__(self, seed: int, replication: int):
        root = np.random.SeedSequence(seed)
        self.replication_sequence = root.spawn(replication + 1)[replication]

    def generator(self, name: str) -> np.random.Generator:
        """A fresh Generator for stream `name` in this replication."""
        parent = self.replication_sequence
        child = np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, stream_key(name)))
        return np.random.Generator(np.random.PCG64(child))

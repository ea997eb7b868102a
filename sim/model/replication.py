"""One replication: its random streams, its model, its results."""

from __future__ import annotations

from sim.metrics import ReplicationResult
from sim.scenario.schema import Scenario


def run_replication(scenario: Scenario, seed: int, replication: int) -> ReplicationResult:
    """Simulate replication `replication` of `scenario` with the run's `seed`."""
    import simpy

    from sim.model.hotline import HotlineModel
    from sim.model.streams import Streams

    env = simpy.Environment()
    model = HotlineModel(env, scenario, Streams(seed, replication))
    return model.run(replication)

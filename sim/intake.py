"""Intake and dedup gate: each source's arrivals with every report's attributes, drawn in chunks.

Each attribute has its own stream per source (`dedup/public`, `assessment_time/public`, ...), and
every arrival draws every attribute whatever its fate, so a sweep arm that changes one share or
one distribution leaves every other report attribute where it was (common random numbers).

Gate classes, from one uniform u per report (shares of all received reports, exclusive):
u < duplicate_share -> merged (counted, no analyst time); u < duplicate + hash_match ->
fast-tracked (assessment time x hash_match_time_factor); otherwise new.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from sim.demand import ArrivalProcess, week_profile
from sim.distributions import draw
from sim.scenario import Scenario
from sim.streams import Streams

NEW, FAST_TRACKED, MERGED = 0, 1, 2
MINUTES_PER_HOUR = 60.0


@dataclass
class IntakeChunk:
    """A batch of arrivals of one source: all times and gate classes, and the queued reports.

    A queued report is a plain tuple (the hot path indexes it): (arrival hours, assessment hours,
    actionable, host index or -1, removal delay hours after the notice, source index).
    """

    times_hours: np.ndarray
    gate_class: np.ndarray
    queued: list[tuple[float, float, bool, int, float, int]]


class SourceIntake:
    """Arrivals of one source, passed through the dedup gate, a chunk at a time."""

    def __init__(self, scenario: Scenario, source_name: str, source_index: int, streams: Streams):
        intake = scenario.intake
        source = intake.sources[source_name]
        self.source_index = source_index
        self.arrivals = ArrivalProcess(
            reports_per_day=source.reports_per_day * intake.volume_multiplier,
            growth_per_year=intake.growth_per_year,
            profile_168=week_profile(intake.weekly_profile, intake.hourly_profile),
            horizon_hours=scenario.horizon_hours,
        )
        self.actionable_share = source.actionable_share
        self.dedup = scenario.dedup
        self.assessment_spec = scenario.assessment.time_minutes
        self.hosts = scenario.takedown.hosts
        self.host_cumulative = np.cumsum([h.share for h in self.hosts]) if self.hosts else None
        name = source_name  # stream names: "<attribute>/<source>"
        self.rng_arrivals = streams.generator(f"arrivals/{name}")
        self.rng_dedup = streams.generator(f"dedup/{name}")
        self.rng_assessment = streams.generator(f"assessment_time/{name}")
        self.rng_actionable = streams.generator(f"actionable/{name}")
        self.rng_host = streams.generator(f"host_country/{name}")
        self.rng_removal = [streams.generator(f"removal_delay/{name}/{h.country}") for h in self.hosts]

    def chunks(self) -> Iterator[IntakeChunk]:
        """Yield the source's arrivals chunk by chunk, in time order."""
        dedup = self.dedup
        for times in self.arrivals.chunks(self.rng_arrivals):
            n = times.size
            u_gate = self.rng_dedup.random(n)
            gate = np.full(n, NEW, dtype=np.int8)
            gate[u_gate < dedup.duplicate_share + dedup.hash_match_share] = FAST_TRACKED
            gate[u_gate < dedup.duplicate_share] = MERGED
            service_hours = draw(self.assessment_spec, self.rng_assessment, n, 1.0 / MINUTES_PER_HOUR)
            service_hours[gate == FAST_TRACKED] *= dedup.hash_match_time_factor
            actionable = self.rng_actionable.random(n) < self.actionable_share
            u_host = self.rng_host.random(n)
            if self.hosts:
                host = np.minimum(
                    np.searchsorted(self.host_cumulative, u_host, side="right"),
                    len(self.hosts) - 1,
                )
                delay = np.zeros(n)
                for k, (spec, rng) in enumerate(zip(self.hosts, self.rng_removal, strict=True)):
                    mask = host == k
                    delay[mask] = draw(spec.removal_hours, rng, int(mask.sum()))
            else:
                host = np.full(n, -1)
                delay = np.full(n, np.inf)  # no hosts: notices are sent, removal is not modelled
            keep = gate != MERGED
            queued = list(
                zip(
                    times[keep].tolist(),
                    service_hours[keep].tolist(),
                    actionable[keep].tolist(),
                    host[keep].tolist(),
                    delay[keep].tolist(),
                    [self.source_index] * int(keep.sum()),
                    strict=True,
                )
            )
            yield IntakeChunk(times_hours=times, gate_class=gate, queued=queued)

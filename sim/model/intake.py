"""Intake and dedup gate: each source's reports with every attribute, drawn from their own streams.

Each attribute has its own stream per source (`dedup/public`, `assessment_time/public`, ...), and
every report draws every attribute whatever its fate, so a sweep arm that changes one share or
one distribution leaves every other report attribute where it was (common random numbers).

Gate classes, from one uniform u per report (shares of all received reports, exclusive, taken at
the report's arrival time when they change over time): u < duplicate_share -> merged (counted, no
analyst time); u < duplicate + hash_match -> fast-tracked (assessment time x
hash_match_time_factor); otherwise new.

Three kinds of supply: a Poisson source's arrivals (`SourceIntake.chunks`), the finds of analysts'
proactive searching (`FindSupply`, one report at a time, when an analyst finds it) and the reports
waiting at time 0 (`initial_backlog`, from streams of their own so that a backlog leaves the
arrivals' random numbers untouched).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Final

import numpy as np

from sim.model.demand import ArrivalProcess, surge_factor, week_profile
from sim.model.report import ACTIONABLE, ARRIVAL, ASSESSMENT, Report
from sim.model.streams import Streams
from sim.scenario.distributions import draw
from sim.scenario.intake import Dedup
from sim.scenario.roster import HOURS_PER_DAY
from sim.scenario.schema import Scenario
from sim.scenario.share_rules import HOURS_PER_YEAR, GrowthRule, PointsRule, share_at

NEW: Final = 0
FAST_TRACKED: Final = 1
MERGED: Final = 2
MINUTES_PER_HOUR = 60.0
CHUNK_SIZE = 4096


@dataclass
class IntakeChunk:
    """A batch of arrivals of one source (its index): all times and gate classes, and the queued
    reports."""

    source: int
    times_hours: np.ndarray
    gate_class: np.ndarray
    queued: list[Report]


class ShareAt:
    """A share rule (`sim.scenario.share_rules`) at one time: `share_at` for one value, as fast as
    it can be (finds and re-uploads are gated one at a time, hundreds of thousands a year), with
    the same operations as numpy's, so the same values."""

    def __init__(self, rule: float | GrowthRule | PointsRule):
        self.growth = isinstance(rule, GrowthRule)
        self.points = isinstance(rule, PointsRule)
        self.value = 0.0  # a constant rule's share
        self.start, self.per_year, self.low, self.high = 0.0, 0.0, 0.0, 1.0
        self.days: list[float] = []
        self.shares: list[float] = []
        if isinstance(rule, GrowthRule):
            self.start, self.per_year, self.low, self.high = rule.start, rule.per_year, rule.min, rule.max
        elif isinstance(rule, PointsRule):
            self.days = [day for day, _ in rule.pairs]
            self.shares = [share for _, share in rule.pairs]
        else:
            self.value = float(rule)
        self.hours_per_year = HOURS_PER_YEAR  # an attribute: no lookup in another module per find

    def at(self, hours: float) -> float:
        """The share `hours` after the start."""
        if self.growth:
            # min(max(share, low), high) without the two calls
            share = self.start + self.per_year * (hours / self.hours_per_year)
            if share < self.low:
                share = self.low
            return self.high if share > self.high else share
        if not self.points:
            return self.value
        days, shares = self.days, self.shares
        day = hours / HOURS_PER_DAY
        after = bisect.bisect_right(days, day)
        if after == 0:
            return shares[0]
        if after == len(days):
            return shares[-1]
        d0, d1, s0, s1 = days[after - 1], days[after], shares[after - 1], shares[after]
        return (s1 - s0) / (d1 - d0) * (day - d0) + s0  # as numpy.interp computes it


class Gate:
    """The dedup gate: a report's class from its uniform u and the shares at its arrival time."""

    def __init__(self, dedup: Dedup):
        self.duplicate = dedup.duplicate_share
        self.hash_match = dedup.hash_match_share
        self.constant = not dedup.changes_over_time
        self._duplicate = float(share_at(self.duplicate, 0.0))  # the shares when they are constant
        self._both = self._duplicate + float(share_at(self.hash_match, 0.0))
        self._duplicate_at = ShareAt(self.duplicate)  # one report at a time
        self._hash_match_at = ShareAt(self.hash_match)

    def classify(self, u: np.ndarray, times_hours: np.ndarray) -> np.ndarray:
        """Gate classes of reports with uniforms `u` arriving at `times_hours`."""
        duplicate: float | np.ndarray
        both: float | np.ndarray
        if self.constant:
            duplicate, both = self._duplicate, self._both
        else:
            duplicate = share_at(self.duplicate, times_hours)
            both = duplicate + share_at(self.hash_match, times_hours)
        gate = np.full(u.size, NEW, dtype=np.int8)
        gate[u < both] = FAST_TRACKED
        gate[u < duplicate] = MERGED
        return gate

    def classify_one(self, u: float, now_hours: float) -> int:
        """The gate class of one report with uniform `u` arriving at `now_hours`."""
        duplicate = self._duplicate if self.constant else self._duplicate_at.at(now_hours)
        if u < duplicate:
            return MERGED
        # the hash-match share only for a report not merged
        both = self._both if self.constant else duplicate + self._hash_match_at.at(now_hours)
        return FAST_TRACKED if u < both else NEW

    def classify_queued(self, u: np.ndarray, times_hours: np.ndarray) -> np.ndarray:
        """Gate classes given that none is merged (reports already waiting)."""
        duplicate = share_at(self.duplicate, times_hours)
        kept = 1.0 - duplicate
        with np.errstate(divide="ignore", invalid="ignore"):
            fast = np.where(kept > 0, share_at(self.hash_match, times_hours) / kept, 0.0)
        gate = np.full(u.size, NEW, dtype=np.int8)
        gate[u < fast] = FAST_TRACKED
        return gate


class ReportAttributes:
    """The attribute streams of one source's reports: gate, assessment time, actionable, host, delay.

    `prefix` keeps other supplies (the initial backlog, re-uploads) on streams of their own;
    `always_actionable` makes every report actionable (re-uploads of removed pages).
    """

    def __init__(
        self,
        scenario: Scenario,
        source_name: str,
        source_index: int,
        streams: Streams,
        prefix: str = "",
        always_actionable: bool = False,
    ):
        self.source_index = source_index
        self.actionable_share = (
            1.0 if always_actionable else scenario.intake.sources[source_name].actionable_share
        )
        self.gate_rule = Gate(scenario.dedup)
        self.hash_match_time_factor = scenario.dedup.hash_match_time_factor
        self.assessment_spec = scenario.assessment.time_minutes
        takedown = scenario.takedown
        self.hosts = takedown.hosts
        self.removal_specs = [takedown.removal_hours_of(h) for h in self.hosts]
        self.host_cumulative = np.cumsum([h.share for h in self.hosts])  # (empty: no hosts)
        name = source_name  # stream names: "<prefix><attribute>/<source>"
        self.rng_dedup = streams.generator(f"{prefix}dedup/{name}")
        self.rng_assessment = streams.generator(f"{prefix}assessment_time/{name}")
        self.rng_actionable = streams.generator(f"{prefix}actionable/{name}")
        self.rng_host = streams.generator(f"{prefix}host_country/{name}")
        self.rng_removal = [
            streams.generator(f"{prefix}removal_delay/{name}/{h.country}") for h in self.hosts
        ]
        self.reupload_delay_spec = scenario.reuploads.delay_days if scenario.reuploads.share > 0 else None
        if self.reupload_delay_spec is not None:
            self.rng_reupload = [
                streams.generator(f"{prefix}reupload_{draw_name}/{name}")
                for draw_name in ("happens", "delay", "blocked")
            ]

    def gate(self, times_hours: np.ndarray, queued_only: bool = False) -> np.ndarray:
        """Gate classes of the next reports, arriving at `times_hours` (`queued_only`: none merged)."""
        u = self.rng_dedup.random(times_hours.size)
        if queued_only:
            return self.gate_rule.classify_queued(u, times_hours)
        return self.gate_rule.classify(u, times_hours)

    def reports(self, times: np.ndarray, gate: np.ndarray, kept: np.ndarray | None = None) -> list[Report]:
        """The queued reports (gate not merged) among reports arriving at `times`; every report
        draws its attributes, and those outside `kept` (thinned by a surge below 1) are dropped."""
        n = times.size
        service_hours = draw(self.assessment_spec, self.rng_assessment, n, 1.0 / MINUTES_PER_HOUR)
        service_hours[gate == FAST_TRACKED] *= self.hash_match_time_factor
        actionable = self.rng_actionable.random(n) < self.actionable_share
        u_host = self.rng_host.random(n)
        if self.hosts:
            host = np.minimum(
                np.searchsorted(self.host_cumulative, u_host, side="right"),
                len(self.hosts) - 1,
            )
            delay = np.zeros(n)
            for k, (spec, rng) in enumerate(zip(self.removal_specs, self.rng_removal, strict=True)):
                mask = host == k
                delay[mask] = draw(spec, rng, int(mask.sum()))
        else:
            host = np.full(n, -1)
            delay = np.full(n, np.inf)  # no hosts: notices are sent, removal is not modelled
        keep = gate != MERGED if kept is None else (gate != MERGED) & kept
        columns = [
            times[keep].tolist(),
            service_hours[keep].tolist(),
            actionable[keep].tolist(),
            host[keep].tolist(),
            delay[keep].tolist(),
            [self.source_index] * int(keep.sum()),
        ]
        if self.reupload_delay_spec is not None:
            happens_rng, delay_rng, blocked_rng = self.rng_reupload
            columns += [
                happens_rng.random(n)[keep].tolist(),
                draw(self.reupload_delay_spec, delay_rng, n, HOURS_PER_DAY)[keep].tolist(),
                blocked_rng.random(n)[keep].tolist(),
            ]
        return list(zip(*columns, strict=True))


class OneAtATime:
    """Reports that arrive one at a time at times the simulation decides (finds, re-uploads).

    Each report's attributes are pre-drawn in chunks; its gate class is decided when it arrives,
    from its pre-drawn uniform and the dedup shares at that time.
    """

    def __init__(self, attributes: ReportAttributes):
        self.attributes = attributes
        self._classify = attributes.gate_rule.classify_one
        self._fast_factor = attributes.hash_match_time_factor
        # the chunk's uniforms and reports not taken yet, the next one last (taken with `pop`)
        self._u: list[float] = []
        self._reports: list[Report] = []

    def take(self, now: float) -> tuple[int, Report | None]:
        """The next report, arriving at `now`: its gate class, and the report unless merged."""
        if not self._reports:
            attributes = self.attributes
            self._u = attributes.rng_dedup.random(CHUNK_SIZE).tolist()
            self._reports = attributes.reports(np.zeros(CHUNK_SIZE), np.full(CHUNK_SIZE, NEW, dtype=np.int8))
            self._u.reverse()
            self._reports.reverse()
        report = self._reports.pop()
        gate_class = self._classify(self._u.pop(), now)
        if gate_class == MERGED:
            return gate_class, None
        if gate_class == FAST_TRACKED:
            return gate_class, (now, report[ASSESSMENT] * self._fast_factor, *report[ACTIONABLE:])
        return gate_class, (now, *report[ASSESSMENT:])


def required(value: float | None, key: str) -> float:
    """A source's key that its kind requires (the scenario's validation has made sure of it)."""
    if value is None:
        raise ValueError(f"a validated scenario has {key} for this kind of source")
    return value


def surge_windows(scenario: Scenario, source_name: str) -> list[tuple[float, float, float]]:
    """The surges that apply to `source_name`, as (start hour, end hour, multiplier)."""
    return [
        (s.start_day * HOURS_PER_DAY, s.end_day * HOURS_PER_DAY, s.multiplier)
        for s in scenario.intake.surges
        if s.sources is None or source_name in s.sources
    ]


class SourceIntake:
    """Arrivals of one Poisson source, passed through the dedup gate, a chunk at a time.

    A surge does not re-time the source's arrivals: above 1 its extra arrivals are a second
    Poisson process (rate x (multiplier - 1) in the window, streams `surge_arrivals/<source>` and
    `surge/<attribute>/<source>`), below 1 arrivals in the window are kept with probability
    multiplier (stream `surge_thinning/<source>`). So arms that differ in a surge share every
    arrival outside it, and the recovery after it is compared on the same arrivals.
    """

    def __init__(self, scenario: Scenario, source_name: str, source_index: int, streams: Streams):
        intake = scenario.intake
        source = intake.sources[source_name]
        self.source_index = source_index
        arrival_process = partial(
            ArrivalProcess,
            reports_per_day=required(source.reports_per_day, "reports_per_day") * intake.volume_multiplier,
            growth_per_year=intake.growth_per_year,
            # hour 0 of the profile is Monday 00:00; of the run, day 0's weekday
            profile_168=np.roll(
                week_profile(intake.weekly_profile, intake.hourly_profile), -24 * scenario.weekday_of_day0
            ),
            horizon_hours=scenario.horizon_hours,
        )
        self.arrivals = arrival_process()
        self.attributes = ReportAttributes(scenario, source_name, source_index, streams)
        self.rng_arrivals = streams.generator(f"arrivals/{source_name}")
        factor = surge_factor(surge_windows(scenario, source_name), scenario.horizon_hours)
        self.keep_share = np.minimum(factor, 1.0) if (factor < 1.0).any() else None
        self.rng_thinning = streams.generator(f"surge_thinning/{source_name}")
        self.extra: ArrivalProcess | None = None
        if (factor > 1.0).any():
            self.extra = arrival_process(hour_factor=np.maximum(factor - 1.0, 0.0))
            self.extra_attributes = ReportAttributes(scenario, source_name, source_index, streams, "surge/")
            self.rng_extra = streams.generator(f"surge_arrivals/{source_name}")

    def chunks(self) -> Iterator[IntakeChunk]:
        """Yield the source's own arrivals chunk by chunk, in time order (thinned by surges < 1)."""
        for times in self.arrivals.chunks(self.rng_arrivals, CHUNK_SIZE):
            gate = self.attributes.gate(times)
            kept = None
            if self.keep_share is not None:
                u = self.rng_thinning.random(times.size)
                kept = u < self.keep_share[np.minimum(times.astype(np.intp), self.keep_share.size - 1)]
                yield IntakeChunk(
                    self.source_index, times[kept], gate[kept], self.attributes.reports(times, gate, kept)
                )
            else:
                yield IntakeChunk(self.source_index, times, gate, self.attributes.reports(times, gate))

    def extra_chunks(self) -> Iterator[IntakeChunk]:
        """Yield the extra arrivals of surges above 1, chunk by chunk, in time order."""
        if self.extra is None:
            return
        for times in self.extra.chunks(self.rng_extra, CHUNK_SIZE):
            gate = self.extra_attributes.gate(times)
            yield IntakeChunk(self.source_index, times, gate, self.extra_attributes.reports(times, gate))

    def streams(self, count: Callable[[IntakeChunk], None]) -> list[ArrivalStream]:
        """The source's queued reports as time-ordered streams: its own arrivals, and a surge's
        extra ones when it has a surge above 1; `count` sees each chunk as it is made."""
        streams = [ArrivalStream(queued(self.chunks(), count))]
        if self.extra is not None:
            streams.append(ArrivalStream(queued(self.extra_chunks(), count)))
        return streams


def queued(chunks: Iterator[IntakeChunk], count: Callable[[IntakeChunk], None]) -> Iterator[list[Report]]:
    """The queued reports of each of `chunks`, which `count` sees first."""
    for chunk in chunks:
        count(chunk)
        yield chunk.queued


class ArrivalStream:
    """Queued reports in time order, taken a chunk at a time: `next_time` is the next one's
    arrival, and `take(now)` hands over those that have arrived by `now`."""

    __slots__ = ("chunks", "reports", "times", "index", "next_time")

    def __init__(self, chunks: Iterator[list[Report]]):
        self.chunks = chunks
        self.reports: list[Report] = []
        self.times: list[float] = []
        self.index = 0
        self.next_time = math.inf
        self._next_chunk()

    def _next_chunk(self) -> None:
        for reports in self.chunks:
            if reports:
                self.reports = reports
                self.times = [report[ARRIVAL] for report in reports]
                self.index = 0
                self.next_time = self.times[0]
                return
        self.reports, self.times, self.index, self.next_time = [], [], 0, math.inf

    def take(self, now: float) -> list[Report]:
        """The reports that have arrived by `now` and were not taken yet, in arrival order."""
        start = self.index
        end = bisect.bisect_right(self.times, now, start)
        if end < len(self.times):  # the common case: within the chunk
            self.index = end
            self.next_time = self.times[end]
            return self.reports[start:end]
        taken = self.reports[start:]
        self._next_chunk()
        while self.next_time <= now:  # and maybe whole chunks more
            end = bisect.bisect_right(self.times, now)
            taken += self.reports[:end]
            if end < len(self.times):
                self.index = end
                self.next_time = self.times[end]
            else:
                self._next_chunk()
        return taken


class FindSupply(OneAtATime):
    """Proactive searching: search hours between finds, and each find's gate class and report.

    Finds are a Poisson process in searching time (`finds_per_search_hour`), whoever searches.
    The searching hours to the next find and the finds' attributes are pre-drawn in chunks.
    """

    def __init__(self, scenario: Scenario, source_name: str, source_index: int, streams: Streams):
        source = scenario.intake.sources[source_name]
        self.source_index = source_index
        # not scaled by volume_multiplier: finds grow with the team's searching time, not with demand
        self.finds_per_search_hour = required(source.finds_per_search_hour, "finds_per_search_hour")
        self.search_share = required(source.search_share, "search_share")
        self.search_when_idle = bool(source.search_when_idle)
        self.block_hours = required(source.search_block_minutes, "search_block_minutes") / MINUTES_PER_HOUR
        super().__init__(ReportAttributes(scenario, source_name, source_index, streams))
        self.rng_gaps = streams.generator(f"search_finds/{source_name}")
        self._gaps: list[float] = []

    def search_hours_to_next_find(self) -> float:
        """Searching hours until the next find (infinite when searching finds nothing)."""
        if self.finds_per_search_hour <= 0:
            return float("inf")
        if not self._gaps:
            gaps = self.rng_gaps.standard_exponential(CHUNK_SIZE) / self.finds_per_search_hour
            self._gaps = gaps.tolist()[::-1]
        return self._gaps.pop()


def initial_backlog(scenario: Scenario, streams: Streams) -> list[Report]:
    """The reports waiting at time 0: sources mixed as the Poisson sources' rates, none merged."""
    n = scenario.intake.initial_backlog
    if n <= 0:
        return []
    names = list(scenario.intake.sources)
    weights = np.array(
        [
            (scenario.intake.sources[name].reports_per_day or 0.0) * scenario.intake.volume_multiplier
            for name in names
        ]
    )
    if weights.sum() <= 0:
        weights = np.ones(len(names))  # no source has a rate: an even mix
    chosen = np.searchsorted(
        np.cumsum(weights / weights.sum()), streams.generator("initial_backlog/source").random(n), "right"
    )
    chosen = np.minimum(chosen, len(names) - 1).tolist()
    per_source: list[Iterator[Report]] = []
    for index, name in enumerate(names):
        count = chosen.count(index)
        attributes = ReportAttributes(scenario, name, index, streams, prefix="initial_backlog/")
        at_start = np.zeros(count)
        per_source.append(iter(attributes.reports(at_start, attributes.gate(at_start, queued_only=True))))
    return [next(per_source[index]) for index in chosen]  # in queue order, sources interleaved

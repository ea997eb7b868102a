"""The hotline as SimPy processes: sources -> dedup gate -> FIFO analyst queue -> assessment.

Processes: one per source (arrivals, each already through the dedup gate), one long-lived process
per analyst (works only inside its on-duty intervals, finishes the assessment in progress at a
shift's end, starts none off shift), one daily bookkeeping process. An idle analyst waits on its
own event, which an arrival (or the end of its shift) triggers. Notices and removals need no
queueing, so they are not SimPy events: a removal time is the notice time plus the host's delay.

The model knows nothing of files, replications or the command line.
"""

from __future__ import annotations

from collections import deque
from functools import partial

import simpy

from sim.intake import SourceIntake
from sim.metrics import Recorder
from sim.roster import (
    HOURS_PER_DAY,
    TIME_TOLERANCE_HOURS,
    off_roster_hours,
    on_duty_hours,
)
from sim.scenario import Scenario
from sim.streams import Streams


class HotlineModel:
    """One replication's SimPy model of the hotline."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, streams: Streams):
        self.env = env
        self.scenario = scenario
        self.horizon_hours = scenario.horizon_hours
        self.warmup_hours = scenario.warmup_hours
        self.queue: deque[tuple] = deque()
        self.idle: dict[int, simpy.Event] = {}
        self.in_assessment = 0
        self.intakes = [
            SourceIntake(scenario, name, index, streams) for index, name in enumerate(scenario.intake.sources)
        ]
        self.rosters = scenario.analysts.rosters(self.horizon_hours)
        rostered = sum(on_duty_hours(r, self.warmup_hours, self.horizon_hours) for r in self.rosters)
        self.recorder = Recorder(
            horizon_hours=self.horizon_hours,
            warmup_hours=self.warmup_hours,
            sla_hours=scenario.sla.assessment_hours,
            host_count=len(scenario.takedown.hosts),
            rostered_hours=rostered,
        )
        for intake in self.intakes:
            env.process(self._source(intake))
        for analyst_id, intervals in enumerate(self.rosters):
            if intervals:
                env.process(self._analyst(analyst_id, intervals))
        env.process(self._bookkeeping())
        if self.warmup_hours > 0:
            env.process(self._window_start())

    def _source(self, intake: SourceIntake):
        env = self.env
        queue = self.queue
        idle = self.idle
        timeout = env.timeout
        recorder = self.recorder
        for chunk in intake.chunks():
            recorder.arrivals(chunk)
            for report in chunk.queued:
                delay = report[0] - env.now
                yield timeout(delay if delay > 0.0 else 0.0)
                queue.append(report)
                if idle:
                    idle.pop(next(iter(idle))).succeed()

    def _end_shift(self, analyst_id: int, _event: simpy.Event) -> None:
        waiting_for_work = self.idle.pop(analyst_id, None)
        if waiting_for_work is not None:
            waiting_for_work.succeed()

    def _analyst(self, analyst_id: int, intervals: list[tuple[float, float]]):
        env = self.env
        queue = self.queue
        idle = self.idle
        timeout = env.timeout
        started = self.recorder.started
        finished = self.recorder.finished
        warmup, horizon = self.warmup_hours, self.horizon_hours
        for index, (start, end) in enumerate(intervals):
            if env.now >= end - TIME_TOLERANCE_HOURS:
                continue  # an assessment longer than the gap ran through this whole shift
            if env.now < start:
                yield timeout(start - env.now)
            if end < horizon:
                timeout(end - env.now).callbacks.append(partial(self._end_shift, analyst_id))
            on_duty_until = end - TIME_TOLERANCE_HOURS
            while env.now < on_duty_until:
                if queue:
                    report = queue.popleft()
                    self.in_assessment += 1
                    finish = env.now + report[1]
                    overrun = 0.0
                    if finish > end:  # rare: the assessment runs past the end of the shift
                        overrun = off_roster_hours(
                            intervals, index + 1, max(end, warmup), min(finish, horizon)
                        )
                    started(report, env.now, overrun)
                    yield timeout(report[1])
                    self.in_assessment -= 1
                    finished(report, env.now)
                else:
                    wake = env.event()
                    idle[analyst_id] = wake
                    yield wake
            if queue and idle:
                # woken by an arrival at the very end of the shift: pass the wake-up on
                idle.pop(next(iter(idle))).succeed()

    def _window_start(self):
        yield self.env.timeout(self.warmup_hours)
        self.recorder.window_start(len(self.queue), self.in_assessment)

    def _bookkeeping(self):
        env = self.env
        day = 0
        while (day + 1) * HOURS_PER_DAY < self.horizon_hours:
            yield env.timeout((day + 1) * HOURS_PER_DAY - env.now)
            self.recorder.end_of_day(day, len(self.queue))
            day += 1

    def run(self, replication: int):
        """Run to the horizon and return the replication's results."""
        self.env.run(until=self.horizon_hours)
        hosts = [(h.country, h.route) for h in self.scenario.takedown.hosts]
        return self.recorder.result(replication, [r[0] for r in self.queue], self.in_assessment, hosts)

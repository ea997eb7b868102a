"""The hotline as SimPy processes: sources -> dedup gate -> analyst queue -> assessment.

Processes: one per Poisson source (arrivals, each already through the dedup gate), one long-lived
process per analyst, one daily bookkeeping process, and watchers for the warm-up's end and the
backlog's clearing. An analyst works its duty days (see `sim.model.workforce`); within one, whenever it
is free it does the first of these that applies:

1. a break, when `every_minutes` on duty have passed since the day's start or the last break
   (cut at the day's end); on duty, not available;
2. other work, once the day's viewing (assessing and searching) has reached the viewing cap, or
   a hire ramping up has worked its share of the day (training), until the next break or the
   day's end; on duty, not available;
3. a block of proactive searching, when the searching owed (`search_share` of the on-duty time
   not on break) reaches a block; finds enter the queue as they are found;
4. the next job: a re-check of a page (takedown follow-ups, see `sim.model.takedown`) or the next
   report of the queue (priority class, then first in, first out, re-checks by their own priority);
5. otherwise it waits (or searches, with `search_when_idle`) until a report arrives, a break is
   due, the cap is reached or the day ends.

An assessment in progress is finished at the end of a day and nothing starts off duty. An idle
analyst waits on its own event, which an arrival, a timer or the end of its day triggers; an
analyst who turns to something else while reports wait passes the wake-up on. Notices and
removals need no queueing, so they are not SimPy events: a removal time is the notice time plus
the host's delay. Follow-ups, escalations and re-uploads (`sim.model.takedown`) are timeouts with
callbacks, and only exist when the scenario turns them on.

The model knows nothing of files, replications or the command line.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from functools import partial

import simpy

from sim.model.intake import FindSupply, SourceIntake, initial_backlog
from sim.model.recorder import Recorder
from sim.model.report import ACTIONABLE, ARRIVAL, ASSESSMENT, HOST, REMOVAL_DELAY, SOURCE, Report
from sim.model.streams import Streams
from sim.model.takedown import TakedownLoop
from sim.model.workforce import DutyDay, plan_workforce
from sim.scenario.roster import HOURS_PER_DAY, TIME_TOLERANCE_HOURS, off_roster_hours
from sim.scenario.schema import Scenario

MINUTES_PER_HOUR = 60.0


class UrgentTimeout(simpy.events.Event):
    """A timeout processed before the ordinary events of the same moment (SimPy's URGENT)."""

    def __init__(self, env: simpy.Environment, delay_hours: float):
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, simpy.events.URGENT, delay_hours)


class PriorityQueue:
    """Waiting reports by priority class (lower first), first in, first out within a class."""

    def __init__(self, lane_of_source: list[int], priorities: list[int]):
        self.lane_of_source = lane_of_source
        self.priorities = priorities
        self.lanes: list[deque[Report]] = [deque() for _ in priorities]
        self.length = 0

    def append(self, report: Report) -> None:
        """Put a report at the back of its class."""
        self.lanes[self.lane_of_source[report[SOURCE]]].append(report)
        self.length += 1

    def popleft(self) -> Report:
        """Take the first report of the most urgent non-empty class."""
        for lane in self.lanes:
            if lane:
                self.length -= 1
                return lane.popleft()
        raise IndexError("pop from an empty queue")

    def head(self) -> tuple[int, float]:
        """The priority and arrival time of the report `popleft` would take."""
        for priority, lane in zip(self.priorities, self.lanes, strict=True):
            if lane:
                return priority, lane[0][ARRIVAL]
        raise IndexError("an empty queue has no head")

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[Report]:
        for lane in self.lanes:
            yield from lane


class HotlineModel:
    """One replication's SimPy model of the hotline."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, streams: Streams):
        self.env = env
        self.scenario = scenario
        self.horizon_hours = scenario.horizon_hours
        self.warmup_hours = scenario.warmup_hours
        sources = scenario.intake.sources
        priorities = sorted({s.priority for s in sources.values()})
        if len(priorities) > 1:
            lanes = [priorities.index(s.priority) for s in sources.values()]
            self.queue: deque[Report] | PriorityQueue = PriorityQueue(lanes, priorities)
        else:
            self.queue = deque()
        self.report_priority = priorities[0]  # of every report when there is one class
        self.idle: dict[int, simpy.Event] = {}
        self.idle_token: dict[int, int] = {}
        self.in_assessment = 0
        self.intakes = [
            SourceIntake(scenario, name, index, streams)
            for index, (name, source) in enumerate(sources.items())
            if not source.is_proactive
        ]
        self.finds = next(
            (
                FindSupply(scenario, name, index, streams)
                for index, (name, source) in enumerate(sources.items())
                if source.is_proactive
            ),
            None,
        )
        analysts = scenario.analysts
        breaks = analysts.breaks
        self.break_every_hours = breaks.every_minutes / MINUTES_PER_HOUR if breaks else math.inf
        self.break_hours = breaks.length_minutes / MINUTES_PER_HOUR if breaks else 0.0
        cap = analysts.max_viewing_hours_per_day
        self.viewing_cap_hours = math.inf if cap is None else cap
        self.plan = plan_workforce(analysts, self.horizon_hours, self.warmup_hours, streams)
        windows = [*scenario.intake.surges, *analysts.capacity_windows]
        self.clear_from_hours = max((w.end_day * HOURS_PER_DAY for w in windows), default=0.0)
        self.clear_pending = True
        self.recorder = Recorder(
            scenario=scenario,
            rostered_hours=self.plan.rostered_hours,
            rostered_days=self.plan.rostered_days,
            absent_days=self.plan.absent_days,
        )
        self.takedown = None
        if TakedownLoop.needed(scenario):
            self.takedown = TakedownLoop(env, scenario, streams, self.recorder, self._arrive, self._wake_one)
        self.rechecks: deque = self.takedown.rechecks if self.takedown else deque()
        for report in initial_backlog(scenario, streams):
            self.queue.append(report)
        self.backlog_peak = len(self.queue)
        self.recorder.starting_backlog(len(self.queue))
        for intake in self.intakes:
            env.process(self._source(intake))
        self.analyst_processes = []
        for analyst_id, days in enumerate(self.plan.duty_days):
            if days:
                self.idle_token[analyst_id] = 0
                self.analyst_processes.append(self._analyst(analyst_id, days))
                env.process(self.analyst_processes[-1])
        env.process(self._bookkeeping())
        if self.warmup_hours > 0:
            env.process(self._window_start())
        if self.clear_from_hours < self.horizon_hours:
            env.process(self._watch_clearing())

    # --- supply -------------------------------------------------------------------------------
    def _source(self, intake: SourceIntake):
        env = self.env
        queue = self.queue
        idle = self.idle
        timeout = env.timeout
        recorder = self.recorder
        for report in intake.queued_reports(recorder.arrivals):
            delay = report[ARRIVAL] - env.now
            yield timeout(delay if delay > 0.0 else 0.0)
            queue.append(report)
            waiting = len(queue)
            if waiting > self.backlog_peak:
                self.backlog_peak = waiting
            if idle:
                idle.pop(next(iter(idle))).succeed()

    def _arrive(self, _gate_class: int, report: Report | None, wake: bool = True) -> None:
        """A report arriving now outside the sources' processes (a find, a re-upload) joins the
        queue unless merged at intake; `wake`: an idle analyst is woken for it."""
        if report is None:
            return
        self.queue.append(report)
        if len(self.queue) > self.backlog_peak:
            self.backlog_peak = len(self.queue)
        if wake:
            self._wake_one()

    def _wake_one(self) -> None:
        """New work: wake one idle analyst, if any."""
        if self.idle:
            self.idle.pop(next(iter(self.idle))).succeed()

    def _recheck_first(self) -> bool:
        """Whether the next job is the first re-check rather than the first report of the queue."""
        if not self.queue:
            return True
        if isinstance(self.queue, PriorityQueue):
            priority, arrival = self.queue.head()
        else:
            priority, arrival = self.report_priority, self.queue[0][ARRIVAL]
        recheck_priority = self.takedown.recheck_priority
        if recheck_priority != priority:
            return recheck_priority < priority
        return self.rechecks[0][0] <= arrival

    def _found(self, wake_another: bool) -> None:
        """A proactive search finds a report now: count it, and queue it unless merged."""
        gate_class, report = self.finds.find(self.env.now)
        self.recorder.found(self.env.now, gate_class)
        self._arrive(gate_class, report, wake=wake_another)

    # --- analysts -----------------------------------------------------------------------------
    def _wake(self, analyst_id: int, token: int | None, _event: simpy.Event) -> None:
        """Timer callback: wake the analyst if it is still in the idle spell the timer was set for."""
        if token is not None and self.idle_token.get(analyst_id) != token:
            return
        waiting_for_work = self.idle.pop(analyst_id, None)
        if waiting_for_work is not None:
            waiting_for_work.succeed()

    def _pass_on(self) -> None:
        """An analyst turns away from the queue: a report that woke it goes to another analyst."""
        if (self.queue or self.rechecks) and self.idle:
            self.idle.pop(next(iter(self.idle))).succeed()

    def _analyst(self, analyst_id: int, days: list[DutyDay]):
        env = self.env
        queue = self.queue
        idle = self.idle
        timeout = env.timeout
        recorder = self.recorder
        started = recorder.started
        finished = recorder.finished
        warmup, horizon = self.warmup_hours, self.horizon_hours
        tolerance = TIME_TOLERANCE_HOURS
        every, break_hours, cap = self.break_every_hours, self.break_hours, self.viewing_cap_hours
        finds = self.finds
        takedown = self.takedown
        rechecks = self.rechecks
        search_share = finds.search_share if finds else 0.0
        block_hours = finds.block_hours if finds and search_share > 0 else math.inf
        search_when_idle = bool(finds and finds.search_when_idle)
        to_find = finds.search_hours_to_next_find() if finds else math.inf
        intervals = [(d.start_hours, d.end_hours) for d in days]
        next_break = math.inf
        owed_search = 0.0
        limited = every < math.inf or cap < math.inf or block_hours < math.inf  # steps 1-3 can apply
        start = viewing = 0.0
        day_open = False  # inside a duty day (for the accounts at the horizon)
        searching_since = math.nan  # the start of a spell of idle searching in progress
        try:
            for index, day in enumerate(days):
                start, end = day.start_hours, day.end_hours
                if env.now >= end - tolerance:
                    continue  # an assessment longer than the gap ran through this whole day
                if env.now < start:
                    yield timeout(start - env.now)
                if not day.continues:
                    next_break = start + every
                if end < horizon:
                    timeout(end - env.now).callbacks.append(partial(self._wake, analyst_id, None))
                # a hire ramping up works a share of the day, then trains (other work) to its end
                work_until = start + day.work_share * (end - start) if day.work_share < 1.0 else math.inf
                day_limited = limited or work_until < math.inf
                viewing = 0.0
                day_open = True
                on_duty_until = end - tolerance
                while True:
                    now = env.now
                    if now >= on_duty_until:
                        break
                    if day_limited and (
                        now >= next_break - tolerance
                        or viewing >= cap - tolerance
                        or now >= work_until - tolerance
                        or owed_search >= block_hours - tolerance
                    ):
                        if now >= next_break - tolerance:  # 1. a break
                            stop = min(now + break_hours, end)
                            recorder.spend("break", now, stop)
                            self._pass_on()
                            yield timeout(stop - now)
                            next_break = env.now + every
                        elif viewing >= cap - tolerance or now >= work_until - tolerance:  # 2. other work
                            stop = min(next_break, end)
                            recorder.spend("other", now, stop)
                            self._pass_on()
                            yield timeout(stop - now)  # nothing owed: searching is viewing too
                        else:  # 3. a block of searching
                            remaining = min(
                                block_hours, end - now, next_break - now, cap - viewing, work_until - now
                            )
                            recorder.spend("searching", now, now + remaining)
                            viewing += remaining
                            owed_search -= (1.0 - search_share) * remaining
                            self._pass_on()
                            while remaining > tolerance:
                                step = min(remaining, to_find)
                                yield timeout(step)
                                remaining -= step
                                to_find -= step
                                if to_find <= tolerance:
                                    self._found(wake_another=True)
                                    to_find = finds.search_hours_to_next_find()
                        continue
                    if rechecks and self._recheck_first():  # 4. the next job: a re-check ...
                        job = rechecks.popleft()
                        service = self.takedown.recheck_hours
                        finish = now + service
                        overrun = 0.0
                        if finish > end:
                            overrun = off_roster_hours(
                                intervals, index + 1, max(end, warmup), min(finish, horizon)
                            )
                        recorder.recheck_started(now, service, overrun)
                        viewing += service  # looking at the page is viewing
                        yield timeout(service)
                        self.takedown.rechecked(job, finish)
                        if limited:
                            owed_search += search_share * service
                        continue
                    if queue:  # ... or the next report
                        report = queue.popleft()
                        if not queue and self.clear_pending and now >= self.clear_from_hours - tolerance:
                            self._cleared()
                        self.in_assessment += 1
                        service = report[ASSESSMENT]
                        finish = now + service
                        overrun = 0.0
                        if finish > end:  # rare: the assessment runs past the end of the day
                            overrun = off_roster_hours(
                                intervals, index + 1, max(end, warmup), min(finish, horizon)
                            )
                        started(report, now, service, overrun)
                        viewing += service  # an assessment's viewing counts in the day it starts
                        yield timeout(service)  # the clock is then at `finish`, the same sum
                        self.in_assessment -= 1
                        finished(report, finish)
                        if report[ACTIONABLE]:  # a notice: the page's removal
                            if takedown is not None:
                                takedown.notice(report, finish, finish >= warmup)
                            elif report[HOST] >= 0:  # known at the notice
                                recorder.removal(
                                    report[HOST],
                                    report[ARRIVAL],
                                    finish,
                                    report[REMOVAL_DELAY],
                                    finish >= warmup,
                                )
                        if limited:
                            owed_search += search_share * service
                        continue
                    # 5. nothing to do: wait (or search) until woken
                    deadline = min(next_break, end, work_until)
                    if search_share > 0:  # the searching owed reaches a block
                        deadline = min(deadline, now + (block_hours - owed_search) / search_share)
                    if search_when_idle:
                        deadline = min(deadline, now + to_find, now + cap - viewing)
                        searching_since = now
                    if deadline < end - tolerance:  # a timer; a stale one only makes a harmless extra wake-up
                        token = self.idle_token[analyst_id] + 1
                        self.idle_token[analyst_id] = token
                        timeout(deadline - now).callbacks.append(partial(self._wake, analyst_id, token))
                    wake = env.event()
                    idle[analyst_id] = wake
                    yield wake
                    waited = env.now - now
                    owed_search += search_share * waited
                    searching_since = math.nan
                    if search_when_idle and waited > 0:
                        recorder.spend("searching", now, env.now)
                        viewing += waited
                        to_find -= waited
                        if to_find <= tolerance:
                            self._found(wake_another=False)
                            to_find = finds.search_hours_to_next_find()
                recorder.duty_day(start, viewing)
                day_open = False
                self._pass_on()  # woken by an arrival at the very end of the day: pass it on
        except GeneratorExit:  # the horizon: close the spell and the duty day in progress
            now = env.now
            if not math.isnan(searching_since):
                recorder.spend("searching", searching_since, now)
                viewing += now - searching_since
            if day_open and end <= horizon + tolerance:
                recorder.duty_day(start, viewing)

    # --- watchers -----------------------------------------------------------------------------
    def _cleared(self) -> None:
        self.clear_pending = False
        self.recorder.backlog_cleared(self.env.now - self.clear_from_hours)

    def _watch_clearing(self):
        if self.clear_from_hours > 0:
            yield self.env.timeout(self.clear_from_hours)
        if self.clear_pending and not self.queue:
            self._cleared()

    def _window_start(self):
        # before anything else that happens at W (an assessment ending exactly then), so the
        # snapshot and the window's counts split the reports between them without a gap
        yield UrgentTimeout(self.env, self.warmup_hours)
        self.backlog_peak = len(self.queue)
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
        for process in self.analyst_processes:
            process.close()  # each closes its spell and duty day in progress
        if self.takedown is not None:
            self.takedown.close()
        hosts = [(h.country, h.route) for h in self.scenario.takedown.hosts]
        return self.recorder.result(
            replication, [r[ARRIVAL] for r in self.queue], self.in_assessment, hosts, self.backlog_peak
        )

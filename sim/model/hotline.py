"""The hotline as SimPy processes: sources -> dedup gate -> analyst queue -> assessment.

Processes: one long-lived process per analyst (a generator that `drive` runs, waiting on its own
`Hold`; `sim.model.events`), one daily bookkeeping process, and watchers for the warm-up's end
and the backlog's clearing. Arrivals (each already through the dedup gate) are not
processes: a report waits among the pending ones until the queue is read at or after its arrival
time, and is an event of its own only when an idle analyst is to be woken for it (`_sync`,
`_alarm`); the queue anyone reads is the one an event per arrival would give. An analyst works
its duty days (see `sim.model.workforce`); within one, whenever it is free it does the first of
these that applies:

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

With several teams (`[teams]`, `sim.model.teams`), each analyst follows its own team's rules (breaks,
viewing cap, speed; only teams skilled for the proactive source search) and takes only the reports
of the sources its team is skilled for (`sim.model.queues`); an arrival wakes an idle member of the
first team, in the file's order, that may assess it, and each team does its own re-checks
(`takedown.recheck_team`, else the first team skilled for the page's source).

An assessment in progress is finished at the end of a day and nothing starts off duty. An idle
analyst waits on its own event (its `Wake`, reused from one idle spell to the next), which an
arrival, a timer (`call_later`) or the end of its day triggers; an
analyst who turns to something else while reports wait passes the wake-up on. Notices and
removals need no queueing, so they are not SimPy events: a removal time is the notice time plus
the host's delay. Follow-ups, escalations and re-uploads (`sim.model.takedown`) are timeouts with
callbacks, and only exist when the scenario turns them on.

The model knows nothing of files, replications or the command line.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from functools import partial
from operator import itemgetter

import simpy

from sim.model.events import Hold, Timer, UrgentTimeout, Wake, call_later, drive, heappop, heappush, run_until
from sim.model.intake import FindSupply, SourceIntake, initial_backlog
from sim.model.queues import PriorityQueue, SkillQueue, TeamView
from sim.model.recorder import Recorder
from sim.model.report import ACTIONABLE, ARRIVAL, ASSESSMENT, HOST, REMOVAL_DELAY, SOURCE, Report
from sim.model.streams import Streams
from sim.model.takedown import Page, TakedownLoop
from sim.model.teams import TeamState
from sim.model.workforce import DutyDay, WorkforcePlan, plan_workforce
from sim.scenario.roster import HOURS_PER_DAY, TIME_TOLERANCE_HOURS, off_roster_hours
from sim.scenario.schema import Scenario


def wake_first(idle_sets: list[dict[int, Wake]]) -> None:
    """Wake the member idle longest of the first of `idle_sets` (teams' idle members, in the
    file's order) that has one."""
    for idle in idle_sets:
        if idle:
            idle.pop(next(iter(idle))).fire()
            return


class Analyst:
    """One analyst's running state, which the steps of its process read and change: the duty day
    in progress (its index, start, end and the end of a hire's work), the next break, the viewing
    so far today, the searching owed, the search time to the next find, an idle search spell, and
    the idle spell's deadline with the time of its timer."""

    __slots__ = (
        "analyst_id", "team", "number", "intervals", "index", "start", "end", "work_until", "next_break",
        "viewing", "owed_search", "to_find", "searching_since", "day_open", "deadline", "timer_at",
        "timer_token", "hold", "wake",
    )  # fmt: skip

    def __init__(self, analyst_id: int, team: TeamState, number: int, days: list[DutyDay], hold: Hold):
        self.analyst_id = analyst_id
        self.hold = hold  # the timeout its steps wait on
        self.wake = Wake(hold.env)  # the event it waits on when idle
        self.team = team
        self.number = number  # within its team
        self.intervals = [(d.start_hours, d.end_hours) for d in days]
        self.index = 0
        self.start = self.end = 0.0
        self.work_until = math.inf
        self.next_break = math.inf
        self.viewing = 0.0
        self.owed_search = 0.0
        self.to_find = team.finds.search_hours_to_next_find() if team.finds else math.inf
        self.searching_since = math.nan  # the start of a spell of idle searching in progress
        self.day_open = False  # inside a duty day (for the accounts at the horizon)
        self.deadline = math.inf  # when the idle spell in progress ends unless work comes first
        self.timer_at = math.inf  # when the timer set last fires (inf: none pending)
        self.timer_token = 0  # the number of the timer set last; an earlier one is void


class HotlineModel:
    """One replication's SimPy model of the hotline."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, streams: Streams):
        self.env = env
        self.scenario = scenario
        self.horizon_hours = scenario.horizon_hours
        self.warmup_hours = scenario.warmup_hours
        sources = scenario.intake.sources
        priorities = sorted({s.priority for s in sources.values()})
        specs = scenario.team_specs
        names = list(sources)
        skills = [[names.index(source) for source in spec.skills] for spec in specs]
        if len(specs) > 1:
            queue = SkillQueue([s.priority for s in sources.values()])
            views: list = [queue.view(team_sources) for team_sources in skills]
            self.queue: deque[Report] | PriorityQueue | SkillQueue = queue
        else:
            if len(priorities) > 1:
                lanes = [priorities.index(s.priority) for s in sources.values()]
                self.queue = PriorityQueue(lanes, priorities)
            else:
                self.queue = deque()
            views = [self.queue]
        self.report_priority = priorities[0]  # of every report when there is one class
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
        self.teams = [
            TeamState(
                index,
                spec,
                plan_workforce(
                    spec.section, self.horizon_hours, self.warmup_hours, streams, scenario.weekday_of_day0,
                    spec.stream_prefix,
                ),
                skills[index],
                views[index],
                self.finds,
            )
            for index, spec in enumerate(specs)
        ]  # fmt: skip
        # an arrival of a source wakes an idle member of the first team skilled for it that has one
        self.wake_order = [[team.idle for team in self.teams if k in team.sources] for k in range(len(names))]
        windows = [*scenario.intake.surges, *(w for spec in specs for w in spec.section.capacity_windows)]
        self.clear_from_hours = max((w.end_day * HOURS_PER_DAY for w in windows), default=0.0)
        self.clear_pending = True
        self.recorder = self.make_recorder(scenario, [team.plan for team in self.teams])
        self.takedown = None
        if TakedownLoop.needed(scenario):
            self.takedown = TakedownLoop(
                env,
                scenario,
                streams,
                self.recorder,
                self._arrive,
                [team.rechecks for team in self.teams],
                self._wake_team,
            )
        for report in initial_backlog(scenario, streams):
            self.queue.append(report)
        self.backlog_peak = len(self.queue)
        self.recorder.starting_backlog([report[SOURCE] for report in self.queue])
        # reports not yet arrived: the sources' streams, and finds (arrival, order, report) in a heap
        self.arrival_streams = [s for intake in self.intakes for s in intake.streams(self.recorder.arrivals)]
        self.pending_finds: list[tuple[float, int, Report]] = []
        self._order = itertools.count()
        self.next_arrival = min((s.next_time for s in self.arrival_streams), default=math.inf)
        self.alarm_at = math.inf  # the time of the arrival alarm in force (inf: none)
        self.alarm_token = 0
        self.idle_sets = [team.idle for team in self.teams]
        self.analyst_processes = []
        self.idle_of: dict[int, dict[int, Wake]] = {}  # each analyst's team's idle set
        analyst_id = 0
        for team in self.teams:
            for number, days in enumerate(team.plan.duty_days):
                if days:
                    self.idle_of[analyst_id] = team.idle
                    self.analyst_processes.append(self._analyst(analyst_id, team, number, days))
                    drive(env, self.analyst_processes[-1])
                analyst_id += 1
        env.process(self._bookkeeping())
        if self.warmup_hours > 0:
            env.process(self._window_start())
        if self.clear_from_hours < self.horizon_hours:
            env.process(self._watch_clearing())

    def make_recorder(self, scenario: Scenario, plans: list[WorkforcePlan]) -> Recorder:
        """The replication's recorder (`sim.model.trace` makes one that also writes a trace)."""
        return Recorder(scenario, plans)

    # --- supply -------------------------------------------------------------------------------
    # A report joins the queue lazily: it waits in its source's stream (a find: among the pending
    # finds) until someone reads the queue at or after its arrival (`_sync`), so an arrival is a
    # SimPy event only when an analyst is idle to be woken by it (`_alarm`). Whoever reads the
    # queue syncs it first, so the queue, its length and its peak are those of a model with an
    # event per arrival.
    def _sync(self, now: float, wake: bool = False) -> None:
        """The pending reports that have arrived by `now` join the queue, in the order they arrived
        (`wake`: each wakes an idle analyst who may assess it, as its own arrival event would)."""
        streams, finds = self.arrival_streams, self.pending_finds
        if len(streams) == 1 and not finds:  # the common case: one source's stream
            arrived = streams[0].take(now)
            self.next_arrival = streams[0].next_time
        else:
            arrived = []
            contributors = 0
            next_arrival = math.inf
            for stream in streams:
                if stream.next_time <= now:
                    arrived += stream.take(now)
                    contributors += 1
                if stream.next_time < next_arrival:
                    next_arrival = stream.next_time
            if finds and finds[0][0] <= now:
                contributors += 1
                while finds and finds[0][0] <= now:
                    arrived.append(heappop(finds)[2])
            if finds and finds[0][0] < next_arrival:
                next_arrival = finds[0][0]
            if contributors > 1:
                arrived.sort(key=itemgetter(ARRIVAL))
            self.next_arrival = next_arrival
        queue = self.queue
        queue.extend(arrived)
        if wake:
            wake_order = self.wake_order
            for report in arrived:
                wake_first(wake_order[report[SOURCE]])
        if len(queue) > self.backlog_peak:
            self.backlog_peak = len(queue)

    def _arm(self) -> None:
        """While an analyst is idle, keep an alarm at the next pending arrival."""
        if self.next_arrival < self.alarm_at and any(self.idle_sets):
            self.alarm_token += 1
            self.alarm_at = self.next_arrival
            delay = self.next_arrival - self.env._now
            call_later(self.env, delay if delay > 0.0 else 0.0, partial(self._alarm, self.alarm_token))

    def _alarm(self, token: int, _event: Timer) -> None:
        """Timer callback: the next pending report arrives while an analyst is idle."""
        if token != self.alarm_token:
            return  # replaced by an alarm at an earlier arrival
        self.alarm_at = math.inf
        self._sync(self.env._now, wake=True)
        self._arm()

    def _arrive(self, _gate_class: int, report: Report | None, wake: bool = True) -> None:
        """A report arriving now outside the sources' streams (a find, a re-upload) joins the
        queue unless merged at intake; `wake`: an idle analyst who may assess it is woken for it."""
        if report is None:
            return
        self._sync(self.env._now)  # the reports that arrived before it first
        self.queue.append(report)
        if len(self.queue) > self.backlog_peak:
            self.backlog_peak = len(self.queue)
        if wake:
            wake_first(self.wake_order[report[SOURCE]])

    def _wake_team(self, team: int) -> None:
        """New work for one team (a re-check): wake one of its idle members, if any."""
        wake_first([self.teams[team].idle])

    def _recheck_first(self, team: TeamState) -> bool:
        """Whether the team's next job is its first re-check rather than the first report it may take."""
        queue = team.queue
        if not queue:
            return True
        if isinstance(queue, PriorityQueue | TeamView):
            priority, arrival = queue.head()
        else:
            priority, arrival = self.report_priority, queue[0][ARRIVAL]
        assert self.takedown is not None  # (re-checks come from the takedown loop)
        recheck_priority = self.takedown.recheck_priority
        if recheck_priority != priority:
            return recheck_priority < priority
        return team.rechecks[0][0] <= arrival

    def _found(self, at: float) -> tuple[int, Report | None]:
        """A proactive search finds a report at `at`: draw it and count it; its gate class, and
        the report unless merged at intake."""
        assert self.finds is not None  # (only a scenario with a proactive source searches)
        gate_class, report = self.finds.take(at)  # the next find (`OneAtATime.take`)
        self.recorder.found(at, gate_class, report)
        return gate_class, report

    # --- analysts -----------------------------------------------------------------------------
    def _wake(self, analyst_id: int, _event: Timer) -> None:
        """Timer callback at the end of a duty day: wake the analyst if it is idle."""
        waiting_for_work = self.idle_of[analyst_id].pop(analyst_id, None)
        if waiting_for_work is not None:
            waiting_for_work.fire()

    def _timer(self, a: Analyst, token: int, _event: Timer) -> None:
        """Timer callback: wake the analyst if it is idle and its idle spell's deadline has come;
        if the deadline is later (the timer was set in an earlier spell), set it again for that."""
        if token != a.timer_token:
            return
        a.timer_at = math.inf
        if a.analyst_id not in a.team.idle:
            return  # working: its next idle spell sets a timer if it needs one
        now = self.env._now
        if a.deadline > now:
            if a.deadline < math.inf:  # (none: the end of the day wakes it)
                self._set_timer(a, now)
        else:
            a.team.idle.pop(a.analyst_id).fire()

    def _set_timer(self, a: Analyst, now: float) -> None:
        """A timer at the analyst's idle deadline."""
        a.timer_token += 1
        a.timer_at = a.deadline
        call_later(self.env, a.deadline - now, partial(self._timer, a, a.timer_token))

    def _pass_on(self) -> None:
        """An analyst turns away from the queue: a report that woke it goes to another analyst (of
        the first team, in the file's order, with work waiting and an idle member)."""
        for team in self.teams:
            if team.idle and (team.queue or team.rechecks):  # (most often no one is idle)
                wake_first([team.idle])
                return

    def _analyst(self, analyst_id: int, team: TeamState, number: int, days: list[DutyDay]):
        """One analyst's working life: its duty days, and in each, whenever it is free, the first of
        the steps of the module docstring that applies: `_take_break`, `_other_work`, `_search`,
        `_recheck` or an assessment (`_assessment_starts`, `_assessment_ends`: the next job), else a
        wait (`_idle_starts`, `_idle_ends`)."""
        env = self.env
        queue = team.queue
        rechecks = team.rechecks
        recorder = self.recorder
        horizon = self.horizon_hours
        tolerance = TIME_TOLERANCE_HOURS
        every = team.break_every_hours
        # the limits the steps are checked against, less the tolerance (the same sums each time)
        cap_limit = team.viewing_cap_hours - tolerance
        block_limit = team.block_hours - tolerance
        # the two steps taken most often are plain calls around their one timeout or wait (a
        # generator per report would cost about 8 % of an M/M/13 run); the steps are called as
        # methods, not through local names (compiled, a method is a direct call, a name a lookup)
        a = Analyst(analyst_id, team, number, days, Hold(env))  # draws the first find gap as it starts
        hold = a.hold
        try:
            for index, day in enumerate(days):
                start, end = day.start_hours, day.end_hours
                if env._now >= end - tolerance:
                    continue  # an assessment longer than the gap ran through this whole day
                if env._now < start:
                    yield hold.after(start - env._now)
                if not day.continues:
                    a.next_break = start + every
                if end < horizon:
                    call_later(env, end - env._now, partial(self._wake, analyst_id))
                # a hire ramping up works a share of the day, then trains (other work) to its end
                a.index, a.start, a.end = index, start, end
                a.work_until = start + day.work_share * (end - start) if day.work_share < 1.0 else math.inf
                day_limited = team.limited or a.work_until < math.inf
                work_limit = a.work_until - tolerance
                a.viewing = 0.0
                a.day_open = True
                on_duty_until = end - tolerance
                while True:
                    now = env._now
                    if self.next_arrival <= now:
                        self._sync(now)
                    if now >= on_duty_until:
                        break
                    if day_limited and (
                        now >= a.next_break - tolerance
                        or a.viewing >= cap_limit
                        or now >= work_limit
                        or a.owed_search >= block_limit
                    ):
                        if now >= a.next_break - tolerance:  # 1. a break
                            yield from self._take_break(a, now)
                        elif a.viewing >= cap_limit or now >= work_limit:  # 2.
                            yield from self._other_work(a, now)
                        else:  # 3. a block of searching
                            yield from self._search(a, now)
                        continue
                    if rechecks and self._recheck_first(team):  # 4. the next job: a re-check ...
                        yield from self._recheck(a, now, rechecks.popleft())
                    elif queue:  # ... or the next report
                        report = queue.popleft()
                        service = self._assessment_starts(a, now, report)
                        yield hold.after(service)  # the clock is then at now + service, the same sum
                        self._assessment_ends(a, report, now + service, service)
                    else:  # 5. nothing to do: wait (or search) until woken
                        yield self._idle_starts(a, now)
                        self._idle_ends(a, now)
                recorder.duty_day(start, a.viewing)
                a.day_open = False
                self._pass_on()  # woken by an arrival at the very end of the day: pass it on
        except GeneratorExit:  # the horizon: close the spell and the duty day in progress
            now = env._now
            if not math.isnan(a.searching_since):
                recorder.spend("searching", a.searching_since, now, team.index)
                a.viewing += now - a.searching_since
            if a.day_open and a.end <= horizon + tolerance:
                recorder.duty_day(a.start, a.viewing)

    # --- the analyst's steps: each a generator the analyst's process runs with `yield from` -----
    def _take_break(self, a: Analyst, now: float):
        """1. A break (cut at the day's end); the next is due `every_minutes` after it ends."""
        stop = min(now + a.team.break_hours, a.end)
        self.recorder.spend("break", now, stop, a.team.index)
        self._pass_on()
        yield a.hold.after(stop - now)
        a.next_break = self.env._now + a.team.break_every_hours

    def _other_work(self, a: Analyst, now: float):
        """2. Other work (the viewing cap reached, or a hire's training) until the next break or
        the day's end; nothing is owed to searching, which is viewing too."""
        stop = min(a.next_break, a.end)
        self.recorder.spend("other", now, stop, a.team.index)
        self._pass_on()
        yield a.hold.after(stop - now)

    def _search(self, a: Analyst, now: float):
        """3. A block of searching (cut at the day's end, the next break, the cap or the end of a
        hire's work). Its finds are known at its start (the searching hours to each, drawn in turn), and
        each joins the pending reports at its time, as a source's report does."""
        team = a.team
        remaining = min(team.block_hours, a.end - now, a.next_break - now, team.viewing_cap_hours - a.viewing,
                        a.work_until - now)  # fmt: skip
        self.recorder.spend("searching", now, now + remaining, team.index)
        a.viewing += remaining
        a.owed_search -= (1.0 - team.search_share) * remaining
        self._pass_on()
        # the block's finds are known now: each joins the pending reports at its time (`_sync`)
        assert team.finds is not None  # (only a team skilled for the proactive source searches)
        finds = team.finds
        pending, order, horizon = self.pending_finds, self._order, self.horizon_hours
        tolerance = TIME_TOLERANCE_HOURS
        clock = now
        to_find = a.to_find  # a local in the loop (a block has about eight finds in 2021)
        while remaining > tolerance:
            step = remaining if remaining < to_find else to_find
            clock += step
            remaining -= step
            to_find -= step
            if to_find <= tolerance:
                to_find = finds.search_hours_to_next_find()
                if clock < horizon:
                    _, report = self._found(clock)
                    if report is not None:
                        heappush(pending, (clock, next(order), report))
        a.to_find = to_find
        if pending and pending[0][0] < self.next_arrival:
            self.next_arrival = pending[0][0]
            self._arm()
        yield a.hold.after(clock - now)

    def _overrun(self, a: Analyst, finish: float) -> float:
        """The hours of a job ending at `finish`, past the end of the day, that fall off the
        roster (rare)."""
        return off_roster_hours(a.intervals, a.index + 1, max(a.end, self.warmup_hours),
                                min(finish, self.horizon_hours))  # fmt: skip

    def _recheck(self, a: Analyst, now: float, job: tuple[float, Page]):
        """4. A re-check of a page still up (takedown follow-ups): viewing, like an assessment."""
        takedown = self.takedown
        assert takedown is not None  # (re-checks come from the takedown loop)
        service = takedown.recheck_hours
        finish = now + service
        team = a.team
        self.recorder.recheck_started(
            now, service, 0.0 if finish <= a.end else self._overrun(a, finish), team.index
        )
        a.viewing += service  # looking at the page is viewing
        yield a.hold.after(service)
        takedown.rechecked(job, finish)
        if team.limited:
            a.owed_search += team.search_share * service

    def _assessment_starts(self, a: Analyst, now: float, report: Report) -> float:
        """4. The next report: its assessment starts now; its length in hours."""
        if self.clear_pending and not self.queue and now >= self.clear_from_hours - TIME_TOLERANCE_HOURS:
            self._cleared()
        self.in_assessment += 1
        team = a.team
        service = report[ASSESSMENT] if team.time_factor == 1.0 else report[ASSESSMENT] * team.time_factor
        finish = now + service
        self.recorder.started(
            report, now, service, 0.0 if finish <= a.end else self._overrun(a, finish), team.index
        )
        a.viewing += service  # an assessment's viewing counts in the day it starts
        return service

    def _assessment_ends(self, a: Analyst, report: Report, finish: float, service: float) -> None:
        """4. The assessment ends at `finish`: the notice and the page's removal if actionable."""
        self.in_assessment -= 1
        team = a.team
        self.recorder.finished(report, finish, team.index)
        if report[ACTIONABLE]:  # a notice: the page's removal
            measured = finish >= self.warmup_hours
            if self.takedown is not None:
                self.takedown.notice(report, finish, measured)
            elif report[HOST] >= 0:  # known at the notice
                self.recorder.removal(report, finish, report[REMOVAL_DELAY], measured)
        if team.limited:
            a.owed_search += team.search_share * service

    def _idle_starts(self, a: Analyst, now: float) -> Wake:
        """5. Nothing to do: wait (or search, with `search_when_idle`) for the event an arrival, a
        timer or the day's end triggers."""
        team = a.team
        search_share = team.search_share
        # min(a.next_break, a.end, a.work_until) without the call (one per idle spell)
        deadline = a.next_break
        if a.end < deadline:
            deadline = a.end
        if a.work_until < deadline:
            deadline = a.work_until
        if search_share > 0:  # the searching owed reaches a block
            deadline = min(deadline, now + (team.block_hours - a.owed_search) / search_share)
        if team.search_when_idle:
            deadline = min(deadline, now + a.to_find, now + team.viewing_cap_hours - a.viewing)
            a.searching_since = now
        # a timer, unless one set in an earlier spell fires no later (it then sets itself again):
        # an analyst woken by work before its deadline leaves no timer behind to undo
        if deadline < a.end - TIME_TOLERANCE_HOURS:
            a.deadline = deadline
            if deadline < a.timer_at:
                self._set_timer(a, now)
        else:
            a.deadline = math.inf
        wake = a.wake.arm()
        team.idle[a.analyst_id] = wake
        self._arm()
        return wake

    def _idle_ends(self, a: Analyst, since: float) -> None:
        """5. Woken after waiting since `since`: the searching owed grows, and an idle search
        spell is accounted (its finds too)."""
        now = self.env._now
        waited = now - since
        team = a.team
        a.owed_search += team.search_share * waited
        a.searching_since = math.nan
        if team.search_when_idle and waited > 0:
            self.recorder.spend("searching", since, now, team.index)
            a.viewing += waited
            a.to_find -= waited
            if a.to_find <= TIME_TOLERANCE_HOURS:
                self._arrive(*self._found(now), wake=False)
                assert team.finds is not None  # (searching when idle: a team that searches)
                a.to_find = team.finds.search_hours_to_next_find()

    # --- watchers -----------------------------------------------------------------------------
    def _cleared(self) -> None:
        self.clear_pending = False
        self.recorder.backlog_cleared(self.env._now - self.clear_from_hours)

    def _watch_clearing(self):
        if self.clear_from_hours > 0:
            yield self.env.timeout(self.clear_from_hours)
        self._sync(self.env._now)
        if self.clear_pending and not self.queue:
            self._cleared()

    def _window_start(self):
        # before anything else that happens at W (an assessment ending exactly then), so the
        # snapshot and the window's counts split the reports between them without a gap
        yield UrgentTimeout(self.env, self.warmup_hours)
        self._sync(self.env._now)
        self.backlog_peak = len(self.queue)
        self.recorder.window_start(len(self.queue), self.in_assessment)

    def _bookkeeping(self):
        env = self.env
        day = 0
        while (day + 1) * HOURS_PER_DAY < self.horizon_hours:
            yield env.timeout((day + 1) * HOURS_PER_DAY - env._now)
            self._sync(env._now)
            self.recorder.end_of_day(day, len(self.queue))
            day += 1

    def run(self, replication: int):
        """Run to the horizon and return the replication's results."""
        run_until(self.env, self.horizon_hours)
        self._sync(math.nextafter(self.horizon_hours, -math.inf))  # arrived before the horizon
        for process in self.analyst_processes:
            process.close()  # each closes its spell and duty day in progress
        if self.takedown is not None:
            self.takedown.close()
        hosts = [(h.country, h.route) for h in self.scenario.takedown.hosts]
        return self.recorder.result(
            replication, [r[ARRIVAL] for r in self.queue], self.in_assessment, hosts, self.backlog_peak
        )

"""The takedown loop after a notice: follow-ups, re-checks, escalation and re-uploads.

A notice's page is removed `removal_hours` after the notice (drawn with the report, from its
host's or route's distribution). Only when a feature below is on does the model call this loop:

- Follow-ups (`takedown.follow_up_hours` F): a page still up F hours after its notice is re-checked:
  a job of `recheck_minutes` joins the work of the team that re-checks the page's source
  (`takedown.recheck_team`, else the first team skilled for it; with its own priority). A re-check
  that finds the page still up sets the next follow-up F hours after it ends; once
  `max_follow_ups` re-checks have found it up, the page is escalated and is removed at the earlier
  of its host's removal and the escalation delay after the escalation. A page removed before a
  follow-up is not followed up again (a re-check already queued is still done, and counted).
- Re-uploads (`[reuploads]`): a page removed at r comes back with probability `share` at
  r + `delay_days`; a `hash_block_share` of those is stopped at upload, the rest arrive as reports
  of `reuploads.source` and pass the dedup gate like any other.

A removal time is known when the notice is sent, unless an escalation can bring it forward: such a
page's removal is final at the host's removal time, at an escalation that comes first, or at the
horizon (a page noticed within about F x max_follow_ups of the horizon is not escalated in the
run, so it keeps its host's removal time). The re-upload draws (comes back, delay, blocked) are
drawn with each report (`sim.model.intake`), and escalation delays from their own stream, so arms that
differ in a share keep the other random numbers, whatever order pages are removed in.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from functools import partial

import simpy

from sim.model.events import Timer, call_later
from sim.model.intake import OneAtATime, ReportAttributes
from sim.model.recorder import Recorder
from sim.model.report import (
    BLOCKED_DRAW,
    HOST,
    REMOVAL_DELAY,
    REUPLOAD_DELAY,
    REUPLOAD_DRAW,
    SOURCE,
    Report,
)
from sim.model.streams import Streams
from sim.scenario.distributions import Sampler
from sim.scenario.schema import Scenario

MINUTES_PER_HOUR = 60.0


class Page:
    """A noticed page whose follow-ups are still running."""

    __slots__ = ("report", "notice", "removal", "delay", "checks", "measured", "done", "key")

    def __init__(self, report: Report, notice: float, measured: bool):
        self.report = report
        self.notice = notice
        self.delay = report[REMOVAL_DELAY]  # notice to removal, hours; an escalation may shorten it
        self.removal = notice + self.delay
        self.checks = 0  # re-checks that found the page still up
        self.measured = measured
        self.done = False  # its removal is final (recorded when deferred)
        self.key = -1  # its key among the pending pages (when its removal is deferred)


class TakedownLoop:
    """Follow-ups, escalations and re-uploads of one replication."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        streams: Streams,
        recorder: Recorder,
        arrive: Callable[[int, Report | None], None],
        rechecks: list[deque],
        wake: Callable[[int], None],
    ):
        """`rechecks`: each team's queue of re-checks; `wake(team)` wakes an idle member of it."""
        self.env = env
        self.recorder = recorder
        self.arrive = arrive
        self.wake = wake
        self.rechecks = rechecks  # per team: (queued at, page), first in first out
        self.recheck_team = scenario.recheck_team_of_source()  # per source of the page
        self.horizon = scenario.horizon_hours
        takedown = scenario.takedown
        self.follow_up_hours = takedown.follow_up_hours if takedown.follow_up_hours is not None else math.inf
        self.recheck_hours = takedown.recheck_minutes / MINUTES_PER_HOUR
        self.recheck_priority = takedown.recheck_priority
        self.max_follow_ups = takedown.max_follow_ups
        self.defer = takedown.max_follow_ups is not None  # escalation may bring a removal forward
        self.pending: dict[int, Page] = {}  # deferred pages whose removal is not final yet
        self._next_key = 0
        escalation = takedown.escalation_delay
        self.escalation_delay = (
            Sampler(streams.generator("escalation_delay"), escalation) if escalation else None
        )
        reuploads = scenario.reuploads
        self.reupload_share = reuploads.share
        self.block_share = reuploads.hash_block_share
        if reuploads.share > 0:
            source = scenario.reupload_source
            index = list(scenario.intake.sources).index(source)
            self.reupload_reports = OneAtATime(
                ReportAttributes(scenario, source, index, streams, prefix="reupload/", always_actionable=True)
            )

    @staticmethod
    def needed(scenario: Scenario) -> bool:
        """Whether the scenario uses follow-ups or re-uploads (otherwise the model skips the loop)."""
        return bool(scenario.takedown.hosts) and (
            scenario.takedown.follow_up_hours is not None or scenario.reuploads.share > 0
        )

    # --- notices and follow-ups ---------------------------------------------------------------
    def notice(self, report: Report, now: float, measured: bool) -> None:
        """An actionable report's assessment ended at `now`: its notice is sent."""
        host = report[HOST]
        if host < 0:
            return  # no hosts: removal is not modelled
        delay = report[REMOVAL_DELAY]
        if delay > self.follow_up_hours:
            page = Page(report, now, measured)
            self._follow_up_at(page, now + self.follow_up_hours)
            if self.defer:  # final at the host's removal, unless an escalation comes first
                page.key = self._next_key
                self.pending[page.key] = page
                self._next_key += 1
                if page.removal < self.horizon:
                    call_later(self.env, delay, partial(self._host_removes, page))
                return
        self.recorder.removal(report, now, delay, measured)  # known at the notice
        self._removed(now + delay, report)

    def _follow_up_at(self, page: Page, when: float) -> None:
        if when < self.horizon:
            call_later(self.env, when - self.env._now, partial(self._follow_up, page))

    def _follow_up(self, page: Page, _event: Timer) -> None:
        now = self.env._now
        if page.done or page.removal <= now:
            return  # removed: nothing to follow up
        if self.max_follow_ups is not None and page.checks >= self.max_follow_ups:
            self._escalate(page, now)  # no re-checks at all (max_follow_ups = 0)
        else:
            team = self.recheck_team[page.report[SOURCE]]
            self.rechecks[team].append((now, page))
            self.wake(team)

    def rechecked(self, job: tuple[float, Page], now: float) -> None:
        """An analyst's re-check of a page ends at `now`."""
        page = job[1]
        self.recorder.rechecked(page.report, now)
        if page.done or page.removal <= now:
            return  # removed while the re-check waited
        page.checks += 1
        if self.max_follow_ups is not None and page.checks >= self.max_follow_ups:
            self._escalate(page, now)
        else:
            self._follow_up_at(page, now + self.follow_up_hours)

    def _escalate(self, page: Page, now: float) -> None:
        """Escalated at `now`: removed at the earlier of the host's removal and the escalation's."""
        self.recorder.escalated(page.report, now)
        assert self.escalation_delay is not None, "follow-ups that end need an escalation delay"
        escalated = now + self.escalation_delay.next()
        if escalated < page.removal:
            page.removal = escalated
            page.delay = escalated - page.notice
            self._final(page)
        # otherwise the host's removal stands, and is final when it comes (no more follow-ups)

    def _host_removes(self, page: Page, _event: Timer) -> None:
        """The host's removal time has come and no escalation brought it forward."""
        if not page.done:
            self._final(page)

    def _final(self, page: Page) -> None:
        """A deferred page's removal can no longer change: record it, and its re-upload."""
        page.done = True
        del self.pending[page.key]
        report = page.report
        self.recorder.removal(report, page.notice, page.delay, page.measured)
        self._removed(page.removal, report)

    # --- re-uploads ---------------------------------------------------------------------------
    def _removed(self, removal: float, report: Report) -> None:
        """A page is removed at `removal` (now or later): it may come back later at a new URL."""
        if (
            self.reupload_share <= 0
            or removal >= self.horizon
            or report[REUPLOAD_DRAW] >= self.reupload_share
        ):
            return
        when = removal + report[REUPLOAD_DELAY]
        if when >= self.horizon:
            return
        if report[BLOCKED_DRAW] < self.block_share:
            self.recorder.reuploaded(when, True, report)  # stopped at upload
        else:
            call_later(self.env, when - self.env._now, partial(self._reupload_arrives, report))

    def _reupload_arrives(self, page_report: Report, _event: Timer) -> None:
        """The page of `page_report` comes back now, as a new report of the re-uploads' source."""
        now = self.env._now
        gate_class, report = self.reupload_reports.take(now)
        self.recorder.reuploaded(now, False, page_report)
        self.recorder.reupload_reported(now, gate_class, report)
        self.arrive(gate_class, report)

    def close(self) -> None:
        """At the horizon: record the removals still pending (all at or after it) as scheduled."""
        for page in list(self.pending.values()):
            self._final(page)

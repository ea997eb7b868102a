"""The takedown loop after a notice: follow-ups, re-checks, escalation and re-uploads.

A notice's page is removed `removal_hours` after the notice (drawn with the report, from its
host's or route's distribution). Only when a feature below is on does the model call this loop:

- Follow-ups (`takedown.follow_up_hours` F): a page still up F hours after its notice is re-checked:
  a job of `recheck_minutes` joins the analysts' work (`rechecks`, with its own priority). A re-check
  that finds the page still up sets the next follow-up F hours after it ends; once
  `max_follow_ups` re-checks have found it up, the page is escalated and is removed at the earlier
  of its host's removal and the escalation delay after the escalation. A page removed before its
  follow-up (or while its re-check waits) needs nothing more.
- Re-uploads (`[reuploads]`): a page removed at r comes back with probability `share` at
  r + `delay_days`; a `hash_block_share` of those is stopped at upload, the rest arrive as reports
  of `reuploads.source` and pass the dedup gate like any other.

Removal times are known when the notice is sent unless escalation can bring them forward; then a
page's removal is final when it is removed before a check, or escalated, or at the horizon.
Every draw comes from streams of its own (`escalation_delay`, `reupload/...`), one value per
removed page whatever the shares, so arms that differ in a share keep the other draws.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import simpy

from sim.distributions import Sampler
from sim.intake import OneAtATime, Report, ReportAttributes
from sim.metrics import Recorder
from sim.scenario import Scenario
from sim.streams import Streams

MINUTES_PER_HOUR = 60.0
HOURS_PER_DAY = 24.0


class Page:
    """A noticed page whose follow-ups are still running."""

    __slots__ = ("arrival", "notice", "removal", "host", "checks", "measured", "key")

    def __init__(self, arrival: float, notice: float, removal: float, host: int, measured: bool):
        self.key = -1  # its key among the pending pages (when its removal is deferred)
        self.arrival = arrival
        self.notice = notice
        self.removal = removal
        self.host = host
        self.checks = 0
        self.measured = measured


class TakedownLoop:
    """Follow-ups, escalations and re-uploads of one replication."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        streams: Streams,
        recorder: Recorder,
        arrive: Callable[[int, Report | None], None],
        wake: Callable[[], None],
    ):
        self.env = env
        self.recorder = recorder
        self.arrive = arrive
        self.wake = wake
        self.horizon = scenario.horizon_hours
        takedown = scenario.takedown
        self.follow_up_hours = takedown.follow_up_hours if takedown.follow_up_hours is not None else math.inf
        self.recheck_hours = takedown.recheck_minutes / MINUTES_PER_HOUR
        self.recheck_priority = takedown.recheck_priority
        self.max_follow_ups = takedown.max_follow_ups
        self.rechecks: deque[tuple[float, Page]] = deque()  # (queued at, page), first in first out
        self.pending: dict[int, Page] = {}  # pages whose removal escalation may still bring forward
        self._next_id = 0
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
            self.reupload_happens = Sampler(streams.generator("reupload/happens"))
            self.reupload_delay = Sampler(
                streams.generator("reupload/delay"), reuploads.delay_days, HOURS_PER_DAY
            )
            self.reupload_blocked = Sampler(streams.generator("reupload/blocked"))
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
        host = report[3]
        if host < 0:
            return  # no hosts: removal is not modelled
        removal = now + report[4]
        defer = self.recorder.defer_removals
        if removal > now + self.follow_up_hours:
            page = Page(report[0], now, removal, host, measured)
            self._follow_up_at(page, now + self.follow_up_hours)
            if defer:  # escalation may still bring the removal forward
                page.key = self._next_id
                self.pending[page.key] = page
                self._next_id += 1
                return
        elif defer:
            self.recorder.removal(host, report[0], now, removal, measured)
        self._removed(removal)

    def _follow_up_at(self, page: Page, when: float) -> None:
        if when < self.horizon:
            event = self.env.timeout(when - self.env.now)
            event.callbacks.append(lambda _event, page=page: self._follow_up(page))

    def _follow_up(self, page: Page) -> None:
        now = self.env.now
        if page.removal <= now:
            self._final(page)
        elif self.max_follow_ups is not None and page.checks >= self.max_follow_ups:
            self._escalate(page, now)  # no re-checks at all (max_follow_ups = 0)
        else:
            self.rechecks.append((now, page))
            self.wake()

    def rechecked(self, job: tuple[float, Page], now: float) -> None:
        """An analyst's re-check of a page ends at `now`."""
        page = job[1]
        self.recorder.rechecked(page.host, now)
        if page.removal <= now:
            self._final(page)
            return
        page.checks += 1
        if self.max_follow_ups is not None and page.checks >= self.max_follow_ups:
            self._escalate(page, now)
        else:
            self._follow_up_at(page, now + self.follow_up_hours)

    def _escalate(self, page: Page, now: float) -> None:
        self.recorder.escalated(page.host, now)
        escalated = now + self.escalation_delay.next()
        page.removal = min(page.removal, escalated)
        self._final(page)

    def _final(self, page: Page) -> None:
        """The page's removal time can no longer change: record it (when deferred), and re-uploads."""
        if not self.recorder.defer_removals:
            return  # recorded, with its re-upload, at the notice
        del self.pending[page.key]
        self.recorder.removal(page.host, page.arrival, page.notice, page.removal, page.measured)
        self._removed(page.removal)

    # --- re-uploads ---------------------------------------------------------------------------
    def _removed(self, removal: float) -> None:
        """A page is removed at `removal`: it may come back later at a new URL."""
        if self.reupload_share <= 0 or removal >= self.horizon:
            return
        comes_back = self.reupload_happens.next() < self.reupload_share
        delay = self.reupload_delay.next()
        blocked = self.reupload_blocked.next() < self.block_share
        if not comes_back:
            return
        when = max(removal + delay, self.env.now)  # a page found removed late comes back no earlier
        if when >= self.horizon:
            return
        self.recorder.reuploaded(when, blocked)
        if not blocked:
            event = self.env.timeout(when - self.env.now)
            event.callbacks.append(self._reupload_arrives)

    def _reupload_arrives(self, _event: simpy.Event) -> None:
        now = self.env.now
        gate_class, report = self.reupload_reports.take(now)
        self.recorder.reupload_reported(now, gate_class)
        self.arrive(gate_class, report)

    def close(self) -> None:
        """At the horizon: record the removals still pending with their hosts' own removal times."""
        for page in list(self.pending.values()):
            self.recorder.removal(page.host, page.arrival, page.notice, page.removal, page.measured)
        self.pending.clear()

"""An event trace of one replication, for checking the model by eye and for animations.

`traced_replication` runs one replication with `TracedModel`, a `HotlineModel` whose recorder and
analyst steps also write a row per event: what happened, when (model hours), to which report (a
number given at arrival, in the order the reports are drawn), of which source, by which team and
analyst (numbered within its team from 0). The plain model never pays for any of it: tracing is a
subclass, used only when a trace is asked for, and it draws no random number, so the replication's
results are those of the plain model.

Events (`EVENTS`): a report's `arrival`, then `merged` (counted, never queued) or `queued`
(`fast-tracked` before it when it matches the hash list); an assessment's `start` and `end`; an
actionable report's `notice` and its page's `removal`; a follow-up's `re-check` (its start) and an
`escalation`; a removed page's `re-upload` (its new report arrives as a report of its own); an
analyst's `break` and `search` (their start; `detail` gives the hours), and `shift start` and
`shift end` of each worked duty day. Rows are in time order, events at the same time in the order
they happened; only synthetic events exist here.
"""

from __future__ import annotations

from typing import Any

import simpy

from sim.metrics import ReplicationResult
from sim.model.hotline import Analyst, HotlineModel
from sim.model.intake import FAST_TRACKED, MERGED, IntakeChunk
from sim.model.recorder import Recorder
from sim.model.report import ACTIONABLE, SOURCE, Report
from sim.model.streams import Streams
from sim.model.workforce import WorkforcePlan
from sim.scenario.schema import Scenario

EVENTS = (
    "arrival", "merged", "fast-tracked", "queued", "start", "end", "notice", "removal", "re-check",
    "escalation", "re-upload", "break", "search", "shift start", "shift end",
)  # fmt: skip
# a row: (time in hours, order of writing, event, report number, source, team, analyst, detail)
Row = tuple[float, int, str, int | None, str, str, int | None, str]


class Trace:
    """The rows of a trace as they are written, and the number of each report."""

    def __init__(self, source_names: list[str]):
        self.source_names = source_names
        self.rows: list[Row] = []
        self.number: dict[int, int] = {}  # id() of a live report tuple -> its report number
        self.next_number = 0

    def add(self, time_hours: float, event: str, report: int | None = None, source: int | None = None,
            team: str = "", analyst: int | None = None, detail: str = "") -> None:  # fmt: skip
        """Write one row."""
        name = "" if source is None else self.source_names[source]
        self.rows.append((time_hours, len(self.rows), event, report, name, team, analyst, detail))

    def arrives(self, time_hours: float, gate_class: int, report: Report | None, source: int) -> int:
        """A report arrives: number it, and write `arrival` and its gate's events; its number."""
        number = self.next_number
        self.next_number += 1
        self.add(time_hours, "arrival", number, source)
        if gate_class == MERGED or report is None:
            self.add(time_hours, "merged", number, source)
            return number
        if gate_class == FAST_TRACKED:
            self.add(time_hours, "fast-tracked", number, source)
        self.add(time_hours, "queued", number, source)
        self.number[id(report)] = number
        return number

    def of(self, report: Report) -> int:
        """The number of a report that arrived."""
        return self.number[id(report)]

    def sorted_rows(self) -> list[Row]:
        """The rows in time order, events at the same time in the order they were written."""
        return sorted(self.rows, key=lambda row: (row[0], row[1]))


class TracingRecorder(Recorder):
    """The recorder, also writing the events it hears of to a `Trace`."""

    def __init__(self, scenario: Scenario, plans: list[WorkforcePlan], trace: Trace):
        super().__init__(scenario, plans)
        self.trace = trace

    def arrivals(self, chunk: IntakeChunk) -> None:
        """A chunk of a source's arrivals: each arrives (its queued reports in order)."""
        super().arrivals(chunk)
        queued = iter(chunk.queued)
        for time_hours, gate_class in zip(chunk.times_hours.tolist(), chunk.gate_class.tolist(), strict=True):
            report = None if gate_class == MERGED else next(queued)
            self.trace.arrives(time_hours, gate_class, report, chunk.source)

    def found(self, now: float, gate_class: int, report: Report | None) -> None:
        """A find of proactive searching arrives."""
        super().found(now, gate_class, report)
        self.trace.arrives(now, gate_class, report, self.find_source)

    def reupload_reported(self, now: float, gate_class: int, report: Report | None) -> None:
        """A re-uploaded page arrives as a new report."""
        super().reupload_reported(now, gate_class, report)
        self.trace.arrives(now, gate_class, report, self.reupload_source)

    def finished(self, report: tuple, now: float, team: int) -> None:
        """An assessment ends (the model writes `end`): a `notice` when actionable."""
        super().finished(report, now, team)
        if report[ACTIONABLE]:
            self.trace.add(now, "notice", self.trace.of(report), report[SOURCE])

    def removal(self, report: Report, notice: float, delay_hours: float, measured: bool) -> None:
        """The page's removal, at its time."""
        super().removal(report, notice, delay_hours, measured)
        self.trace.add(notice + delay_hours, "removal", self.trace.of(report), report[SOURCE])

    def escalated(self, report: Report, now: float) -> None:
        """The page is escalated."""
        super().escalated(report, now)
        self.trace.add(now, "escalation", self.trace.of(report), report[SOURCE])

    def reuploaded(self, now: float, blocked: bool, page_report: Report) -> None:
        """The page comes back (blocked at upload, or as a new report, numbered when it arrives)."""
        super().reuploaded(now, blocked, page_report)
        detail = "blocked at upload" if blocked else f"arrives as report {self.trace.next_number}"
        self.trace.add(now, "re-upload", self.trace.of(page_report), page_report[SOURCE], detail=detail)


class TracedModel(HotlineModel):
    """The hotline model, writing every event to `trace` (see the module docstring)."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, streams: Streams, trace: Trace):
        self.trace = trace
        super().__init__(env, scenario, streams)
        for report in self.queue:  # the starting backlog, waiting at time 0 (not received)
            trace.number[id(report)] = trace.next_number
            trace.add(0.0, "queued", trace.next_number, report[SOURCE], detail="waiting at time 0")
            trace.next_number += 1
        for team in self.teams:
            for number, days in enumerate(team.plan.duty_days):
                for day in days:
                    trace.add(day.start_hours, "shift start", team=team.name, analyst=number)
                    if day.end_hours < self.horizon_hours:
                        trace.add(day.end_hours, "shift end", team=team.name, analyst=number)

    def make_recorder(self, scenario: Scenario, plans: list[WorkforcePlan]) -> Recorder:
        """A recorder that also writes to the trace."""
        return TracingRecorder(scenario, plans, self.trace)

    def _assessment_starts(self, a: Analyst, now: float, report: Report) -> float:
        service = super()._assessment_starts(a, now, report)
        self.trace.add(now, "start", self.trace.of(report), report[SOURCE], a.team.name, a.number)
        return service

    def _assessment_ends(self, a: Analyst, report: Report, finish: float, service: float) -> None:
        self.trace.add(finish, "end", self.trace.of(report), report[SOURCE], a.team.name, a.number)
        super()._assessment_ends(a, report, finish, service)

    def _recheck(self, a: Analyst, now: float, job: tuple[float, Any]):
        report = job[1].report
        self.trace.add(now, "re-check", self.trace.of(report), report[SOURCE], a.team.name, a.number)
        yield from super()._recheck(a, now, job)

    def _take_break(self, a: Analyst, now: float):
        yield from super()._take_break(a, now)
        self.trace.add(now, "break", team=a.team.name, analyst=a.number, detail=f"{self.env.now - now:.6g} h")

    def _search(self, a: Analyst, now: float):
        yield from super()._search(a, now)
        self.trace.add(
            now, "search", team=a.team.name, analyst=a.number, detail=f"{self.env.now - now:.6g} h"
        )

    def _idle_ends(self, a: Analyst, since: float) -> None:
        super()._idle_ends(a, since)
        if a.team.search_when_idle and self.env.now > since:
            detail = f"{self.env.now - since:.6g} h, while idle"
            self.trace.add(since, "search", team=a.team.name, analyst=a.number, detail=detail)


def traced_replication(
    scenario: Scenario, seed: int, replication: int
) -> tuple[ReplicationResult, list[Row]]:
    """Simulate replication `replication` of `scenario` with the run's `seed`, writing its trace:
    its results (those of `sim.model.replication.run_replication`) and the rows in time order."""
    env = simpy.Environment()
    trace = Trace(list(scenario.intake.sources))
    model = TracedModel(env, scenario, Streams(seed, replication), trace)
    return model.run(replication), trace.sorted_rows()

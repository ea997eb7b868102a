"""The recorder: one replication's statistics collected as the model runs (definitions in `sim.metrics`).

Nothing is kept per report once it is done: per-report values are appended to short lists that are
folded into fixed-size histograms once a simulated day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from sim.metrics import SPENDING, WITHIN_HOURS, ReplicationResult, metric_names, priority_classes, source_key
from sim.model.intake import FAST_TRACKED, MERGED, IntakeChunk
from sim.model.report import ACTIONABLE, ARRIVAL, HOST, SOURCE, Report
from sim.model.workforce import WorkforcePlan
from sim.scenario.roster import HOURS_PER_DAY, TIME_TOLERANCE_HOURS
from sim.scenario.schema import Scenario
from sim.scenario.takedown import ROUTES
from sim.stats.histogram import LogHistogram


def _mean(total: float, count: int) -> float:
    """total / count, NaN when there is nothing to average."""
    return total / count if count else math.nan


def _share(part: float, whole: float) -> float:
    """part / whole, with float noise of a full share (1 + 1e-15) rounded to 1; NaN if whole is 0."""
    if whole <= 0:
        return math.nan
    share = part / whole
    return 1.0 if 1.0 < share < 1.0 + 1e-9 else share


class Recorder:
    """Collects one replication's statistics as the model runs."""

    def __init__(self, scenario: Scenario, plans: list[WorkforcePlan]):
        """`plans`: each team's duty days (one team for `[analysts]`)."""
        self.horizon = horizon_hours = scenario.horizon_hours
        self.warmup = scenario.warmup_hours
        self.sla_hours = scenario.sla.assessment_hours
        self.sla_cut = horizon_hours - self.sla_hours
        # the longest time to assessment that meets the service level
        self.sla_met_hours = self.sla_hours + TIME_TOLERANCE_HOURS
        self.days = max(1, math.ceil(horizon_hours / HOURS_PER_DAY - TIME_TOLERANCE_HOURS))
        self.rostered_hours = sum(plan.rostered_hours for plan in plans)
        self.rostered_days = sum(plan.rostered_days for plan in plans)
        self.absent_days = sum(plan.absent_days for plan in plans)
        # per team (only reported for `[teams]`): on-duty hours of the plan, assessing, re-checking,
        # overrun and spent hours, and the assessments ended in the window
        self.team_names = [spec.name for spec in scenario.team_specs] if scenario.teams is not None else []
        self.team_rostered_hours = [plan.rostered_hours for plan in plans]
        self.team_assessing_hours = [0.0] * len(plans)
        self.team_recheck_hours = [0.0] * len(plans)
        self.team_overrun_hours = [0.0] * len(plans)
        self.team_spent_hours = [dict.fromkeys(SPENDING, 0.0) for _ in plans]
        self.team_assessed = [0] * len(plans)
        self.metric_names = metric_names(scenario)
        host_count = len(scenario.takedown.hosts)
        self.counts = dict.fromkeys(
            (
                *("received", "merged", "fast_tracked", "queued", "sla_due", "sla_met", "notices", "removed"),
                *("rechecks", "escalations", "reuploaded", "reuploads_blocked", "reuploads_reported"),
            ),
            0,
        )
        self.host_routes = [h.route for h in scenario.takedown.hosts]
        self.hotline_hours_sum = 0.0
        self.host_hours_sum = 0.0
        self.recheck_hours = 0.0
        self.host_rechecks = [0] * host_count
        self.host_escalations = [0] * host_count
        self.host_within = np.zeros((host_count, len(WITHIN_HOURS)), dtype=np.int64)
        self.within_limits_hours = np.array(list(WITHIN_HOURS.values()))
        self.fast_tracked_per_day = np.zeros(self.days, dtype=np.int64)
        self.merged_per_day = np.zeros(self.days, dtype=np.int64)
        self.found_count = 0
        self.arrivals_per_day = np.zeros(self.days, dtype=np.int64)
        self.assessed_per_day = np.zeros(self.days, dtype=np.int64)
        self.removed_per_day = np.zeros(self.days, dtype=np.int64)
        self.backlog_per_day = np.zeros(self.days, dtype=np.int64)
        # by arrival day, warm-up included: reports due for the SLA share, and those that met it
        self.sla_due_per_day = np.zeros(self.days, dtype=np.int64)
        self.sla_met_per_day = np.zeros(self.days, dtype=np.int64)
        # arrival times of reports counted one at a time (finds, re-uploads), by what they count in
        # (the finds' arrivals are their times in `_found_at`)
        self._single_arrivals: list[float] = []
        self._single_fast_tracked: list[float] = []
        self._single_merged: list[float] = []
        self.waits = LogHistogram()
        self.time_to_assessment = LogHistogram()
        self.time_to_removal = LogHistogram()
        self.host_delays = [LogHistogram() for _ in range(host_count)]
        self.host_notices = [0] * host_count
        self.notices_without_host = 0  # (a scenario without hosts)
        self.host_removed = [0] * host_count
        self.queue_area = 0.0
        self.assessing_hours = 0.0
        self.overrun_hours = 0.0
        self.spent_hours = dict.fromkeys(SPENDING, 0.0)
        self.viewing_days = 0
        self.viewing_sum_hours = 0.0
        self.viewing_max_hours = math.nan
        self.clear_days = math.nan
        self.backlog_start = 0
        self.in_assessment_start = 0
        # priority classes: per-class waits and counts (only with two or more classes)
        classes = priority_classes(scenario)
        self.classes = classes if len(classes) > 1 else []
        self.class_of_source = [classes.index(src.priority) for src in scenario.intake.sources.values()]
        self.class_waits = [LogHistogram() for _ in self.classes]
        self.class_assessed = [0] * len(self.classes)
        self._class_waits: list[list[float]] = [[] for _ in self.classes]
        # per source (the file's order): waits, assessments and the service level of each; which
        # sources count in the overall service level (`Scenario.sla_sources`); the sources of finds
        # and of re-uploads
        names = list(scenario.intake.sources)
        self.source_names = names
        self.sla_counts = [name in scenario.sla_sources for name in names]
        self.find_source = next(
            (k for k, s in enumerate(scenario.intake.sources.values()) if s.is_proactive), -1
        )
        self.reupload_source = names.index(scenario.reupload_source)
        self.source_waits = [LogHistogram() for _ in names]
        # each source's waits (none with one source: its waits are all of `_waits`)
        self._source_waits: list[list[float]] = [[] for _ in names] if len(names) > 1 else []
        self.source_assessed = [0] * len(names)
        self.source_sla_due = [0] * len(names)
        self.source_sla_met = [0] * len(names)
        # per day, for a plan's periods (`sim.stats.periods.period_metric`): each source's reports
        # due for the service level and those that met it (by arrival day), the finds, and the
        # waits of the assessments started that day in the window (their sum and number); the
        # sources counted in the overall service level make its per-day counts too (`flush`)
        self.source_sla_due_per_day = np.zeros((len(names), self.days), dtype=np.int64)
        self.source_sla_met_per_day = np.zeros((len(names), self.days), dtype=np.int64)
        self.found_per_day = np.zeros(self.days, dtype=np.int64)
        self.waited_hours_per_day = np.zeros(self.days, dtype=float)
        self.started_per_day = np.zeros(self.days, dtype=np.int64)
        self._source_due_at: list[list[float]] = [[] for _ in names]
        self._source_met_arrivals: list[list[float]] = [[] for _ in names]
        self._found_at: list[float] = []
        # per-report buffers, folded into the histograms once a simulated day
        self._waits: list[float] = []
        self._tta: list[float] = []
        self._done_at: list[float] = []
        self._ttr: list[float] = []
        self._removed_at: list[float] = []
        self._host_delays: list[list[float]] = [[] for _ in range(host_count)]

    # --- intake (vectorised per chunk) ---------------------------------------------------------
    def arrivals(self, chunk: IntakeChunk) -> None:
        """Count a chunk of arrivals (all of them, merged ones included)."""
        t = chunk.times_hours
        gate = chunk.gate_class
        day = (t // HOURS_PER_DAY).astype(np.intp)
        self.arrivals_per_day += np.bincount(day, minlength=self.days)[: self.days]
        fast = gate == FAST_TRACKED
        self.fast_tracked_per_day += np.bincount(day[fast], minlength=self.days)[: self.days]
        self.merged_per_day += np.bincount(day[gate == MERGED], minlength=self.days)[: self.days]
        measured = t >= self.warmup
        queued = gate != MERGED
        due = queued & (t < self.sla_cut)
        due_in_window = int((measured & due).sum())
        self.source_sla_due[chunk.source] += due_in_window
        self.source_sla_due_per_day[chunk.source] += np.bincount(day[due], minlength=self.days)[: self.days]
        c = self.counts
        if self.sla_counts[chunk.source]:
            self.sla_due_per_day += np.bincount(day[due], minlength=self.days)[: self.days]
            c["sla_due"] += due_in_window
        c["received"] += int(measured.sum())
        c["merged"] += int((measured & ~queued).sum())
        c["fast_tracked"] += int((measured & (gate == FAST_TRACKED)).sum())
        c["queued"] += int((measured & queued).sum())

    def found(self, now: float, gate_class: int, _report: Report | None) -> None:
        """Count one report found by proactive searching at `now` (the report: None if merged)."""
        self._found_at.append(now)  # the day's finds and arrivals (`flush`)
        if self.arrival(now, gate_class, self.find_source):
            self.found_count += 1

    def reupload_reported(self, now: float, gate_class: int, _report: Report | None) -> None:
        """Count one re-upload arriving as a report at `now` (the report: None if merged)."""
        self._single_arrivals.append(now)  # the day's arrivals (`flush`)
        if self.arrival(now, gate_class, self.reupload_source):
            self.counts["reuploads_reported"] += 1

    def arrival(self, now: float, gate_class: int, source: int) -> bool:
        """Count one report of `source` arriving at `now` with `gate_class` (the caller keeps its
        time for the day's arrivals); whether it is in the window."""
        # per-day counts: the times are folded in once a day (`flush`)
        if gate_class == MERGED:
            self._single_merged.append(now)
            if now < self.warmup:
                return False
            c = self.counts
            c["received"] += 1
            c["merged"] += 1
            return True
        if gate_class == FAST_TRACKED:
            self._single_fast_tracked.append(now)
        due = now < self.sla_cut
        if due:
            self._source_due_at[source].append(now)  # and the overall per-day count, if it counts
        if now < self.warmup:
            return False
        c = self.counts
        c["received"] += 1
        c["queued"] += 1
        if gate_class == FAST_TRACKED:
            c["fast_tracked"] += 1
        if due:
            self.source_sla_due[source] += 1
            if self.sla_counts[source]:
                c["sla_due"] += 1
        return True

    def spend(self, kind: str, start: float, end: float, team: int) -> None:
        """Analyst time of `team` (its index) on `kind` ("break", "searching", "other") over
        [start, end], in the window."""
        begin = start if start > self.warmup else self.warmup
        stop = end if end < self.horizon else self.horizon
        if stop > begin:
            self.spent_hours[kind] += stop - begin
            self.team_spent_hours[team][kind] += stop - begin

    def duty_day(self, start: float, viewing_hours: float) -> None:
        """A worked duty day that started at `start` ends with `viewing_hours` of viewing."""
        if start >= self.warmup - TIME_TOLERANCE_HOURS:
            self.viewing_days += 1
            self.viewing_sum_hours += viewing_hours
            if not viewing_hours <= self.viewing_max_hours:  # NaN at first
                self.viewing_max_hours = viewing_hours

    def backlog_cleared(self, hours_after_reference: float) -> None:
        """Nothing is waiting any more, `hours_after_reference` after the last surge or window."""
        self.clear_days = hours_after_reference / HOURS_PER_DAY

    # --- hot path: called once per assessment ---------------------------------------------------
    def started(
        self, report: tuple, now: float, service_hours: float, overrun_hours: float, team: int
    ) -> None:
        """An assessment of `service_hours` by a member of `team` (its index) starts at `now`;
        `overrun_hours` of it fall off the roster.

        Overrun counts as on duty, so utilisation stays a share of the time analysts work.
        """
        arrival = report[ARRIVAL]
        warmup = self.warmup
        if now >= warmup:
            waited = now - arrival
            self._waits.append(waited)
            if self._source_waits:
                self._source_waits[report[SOURCE]].append(waited)
            if self.classes:
                self._class_waits[self.class_of_source[report[SOURCE]]].append(waited)
            if arrival < warmup:
                waited = now - warmup  # the part in the window
            if waited > 0.0:  # an arrival taken at once can be an ulp "after" now
                self.queue_area += waited
            begin = now
        else:
            begin = warmup
        end = now + service_hours
        if end > self.horizon:
            end = self.horizon
        if end > begin:
            busy = end - begin
            self.assessing_hours += busy
            self.team_assessing_hours[team] += busy
        if overrun_hours:
            self.overrun_hours += overrun_hours
            self.team_overrun_hours[team] += overrun_hours

    def finished(self, report: tuple, now: float, team: int) -> None:
        """An assessment by a member of `team` ends at `now`: record it, and its notice if
        actionable (the model decides the page's removal and records it with `removal`)."""
        arrival = report[ARRIVAL]
        source = report[SOURCE]
        self._done_at.append(now)
        taken = now - arrival  # the time to assessment
        if arrival < self.sla_cut and taken <= self.sla_met_hours:
            # per day by arrival day (`flush`), in the overall count too if the source counts
            self._source_met_arrivals[source].append(arrival)
            if arrival >= self.warmup:
                self.source_sla_met[source] += 1  # (the overall count: those of the sources that count)
        if now >= self.warmup:
            self._tta.append(taken)
            self.source_assessed[source] += 1
            self.team_assessed[team] += 1
            if self.classes:
                self.class_assessed[self.class_of_source[source]] += 1
            if report[ACTIONABLE]:  # (the notices: those of the hosts and those with no host)
                host = report[HOST]
                if host >= 0:
                    self.host_notices[host] += 1
                else:
                    self.notices_without_host += 1

    def removal(self, report: Report, notice: float, delay_hours: float, measured: bool) -> None:
        """The page of `report`, noticed at `notice` (a notice of the window when `measured`), is
        removed `delay_hours` later."""
        host, arrival = report[HOST], report[ARRIVAL]
        removal = notice + delay_hours
        removed = removal < self.horizon
        if removed:
            self._removed_at.append(removal)
        if measured:
            self._ttr.append(removal - arrival)
            self._host_delays[host].append(delay_hours)
            self.hotline_hours_sum += notice - arrival
            self.host_hours_sum += delay_hours
            if removed:
                self.host_removed[host] += 1  # (the pages removed: those of the hosts)

    # --- the takedown loop -----------------------------------------------------------------------
    def recheck_started(self, now: float, service_hours: float, overrun_hours: float, team: int) -> None:
        """A re-check of `service_hours` by a member of `team` starts at `now` (busy time, like an
        assessment)."""
        end = now + service_hours
        clipped_end = end if end < self.horizon else self.horizon
        begin = now if now > self.warmup else self.warmup
        if clipped_end > begin:
            self.recheck_hours += clipped_end - begin
            self.team_recheck_hours[team] += clipped_end - begin
        if overrun_hours:
            self.overrun_hours += overrun_hours
            self.team_overrun_hours[team] += overrun_hours

    def rechecked(self, report: Report, now: float) -> None:
        """A re-check of the page of `report` ends at `now`."""
        host = report[HOST]
        if now >= self.warmup:
            self.counts["rechecks"] += 1
            self.host_rechecks[host] += 1

    def escalated(self, report: Report, now: float) -> None:
        """The page of `report` is escalated at `now`."""
        host = report[HOST]
        if now >= self.warmup:
            self.counts["escalations"] += 1
            self.host_escalations[host] += 1

    def reuploaded(self, now: float, blocked: bool, _page_report: Report) -> None:
        """The removed page of a report comes back at `now` (`blocked`: stopped at upload by the
        hash list)."""
        if self.warmup <= now < self.horizon:
            self.counts["reuploaded"] += 1
            self.counts["reuploads_blocked"] += blocked

    # --- once a day and at the ends -------------------------------------------------------------
    def window_start(self, waiting: int, in_assessment: int) -> None:
        """Snapshot at the end of the warm-up."""
        self.backlog_start = waiting
        self.in_assessment_start = in_assessment

    def starting_backlog(self, sources: list[int]) -> None:
        """Reports waiting at time 0, of these sources: with no warm-up they are in the window, and
        in the service level of their source."""
        due = sum(self.sla_counts[source] for source in sources)
        if self.sla_cut > 0:
            self.sla_due_per_day[0] += due
            for source in sources:
                self.source_sla_due_per_day[source, 0] += 1
        if self.warmup == 0:
            self.window_start(len(sources), 0)
            if self.sla_cut > 0:
                self.counts["sla_due"] += due
                for source in sources:
                    self.source_sla_due[source] += 1

    def end_of_day(self, day: int, waiting: int) -> None:
        """Record the end-of-day backlog and fold the day's per-report values into histograms."""
        self.backlog_per_day[day] = waiting
        self.flush(day)

    def flush(self, day: int) -> None:
        """Fold buffered per-report values into the fixed-size histograms and daily counts; the
        waits buffered are those of the assessments started on `day` (flushed at each day's end)."""
        if self._waits:
            self.waited_hours_per_day[day] += sum(self._waits)
            self.started_per_day[day] += len(self._waits)
        waits = np.asarray(self._waits, dtype=float)
        self.waits.add(waits)
        for hist, buffer in zip(self.class_waits, self._class_waits, strict=True):
            hist.add(buffer)
            buffer.clear()
        if self._source_waits:
            for hist, buffer in zip(self.source_waits, self._source_waits, strict=True):
                hist.add(buffer)
                buffer.clear()
        else:
            self.source_waits[0].add(waits)  # the one source's waits are all the waits
        self.time_to_assessment.add(self._tta)
        self.time_to_removal.add(self._ttr)
        for host, (hist, buffer) in enumerate(zip(self.host_delays, self._host_delays, strict=True)):
            if buffer:
                delays = np.asarray(buffer, dtype=float)
                hist.add(delays)
                self.host_within[host] += (delays[:, None] <= self.within_limits_hours).sum(axis=0)
                buffer.clear()
        for buffer, per_day in (
            (self._done_at, self.assessed_per_day),
            (self._removed_at, self.removed_per_day),
            (self._single_arrivals, self.arrivals_per_day),
            (self._single_fast_tracked, self.fast_tracked_per_day),
            (self._single_merged, self.merged_per_day),
        ):
            if buffer:
                per_day += self._per_day(buffer)
        if self._found_at:  # finds count among the arrivals too
            found = self._per_day(self._found_at)
            self.found_per_day += found
            self.arrivals_per_day += found
        # each source's reports due and met, in the overall counts too if the source counts there
        for source, (due_at, met_arrivals) in enumerate(
            zip(self._source_due_at, self._source_met_arrivals, strict=True)
        ):
            if due_at:
                due = self._per_day(due_at)
                self.source_sla_due_per_day[source] += due
                if self.sla_counts[source]:
                    self.sla_due_per_day += due
            if met_arrivals:
                met = self._per_day(met_arrivals)
                self.source_sla_met_per_day[source] += met
                if self.sla_counts[source]:
                    self.sla_met_per_day += met
        for buffer in (
            self._waits,
            self._tta,
            self._ttr,
            self._done_at,
            self._removed_at,
            self._single_arrivals,
            self._single_fast_tracked,
            self._single_merged,
            self._found_at,
            *self._source_due_at,
            *self._source_met_arrivals,
        ):
            buffer.clear()

    def _per_day(self, times_hours: list[float]) -> np.ndarray:
        """How many of `times_hours` fall on each day of the run."""
        days = (np.asarray(times_hours) // HOURS_PER_DAY).astype(np.intp)
        return np.bincount(days, minlength=self.days)[: self.days]

    def result(
        self,
        replication: int,
        waiting_arrivals: list[float],
        in_assessment: int,
        hosts: Sequence[tuple[str, str]],
        backlog_peak: int,
    ) -> ReplicationResult:
        """Close the books at the horizon and return the replication's results."""
        last_day = self.days - 1
        self.flush(last_day)
        self.backlog_per_day[last_day] = len(waiting_arrivals)
        for arrival in waiting_arrivals:
            self.queue_area += self.horizon - max(arrival, self.warmup)
        window_hours = self.horizon - self.warmup
        window_days = window_hours / HOURS_PER_DAY
        c = self.counts
        # the counts kept per host or source as the model runs (one increment per report, not two)
        met = zip(self.source_sla_met, self.sla_counts, strict=True)
        c["sla_met"] = sum(source_met for source_met, counts in met if counts)
        c["notices"] = sum(self.host_notices) + self.notices_without_host
        c["removed"] = sum(self.host_removed)
        on_duty = self.rostered_hours + self.overrun_hours
        spent = self.spent_hours
        busy_hours = self.assessing_hours + self.recheck_hours
        idle_hours = max(0.0, on_duty - busy_hours - sum(spent.values()))
        metrics = {
            "reports_received": c["received"],
            "reports_merged": c["merged"],
            "reports_fast_tracked": c["fast_tracked"],
            "reports_queued": c["queued"],
            "reports_assessed": self.time_to_assessment.n,
            "reports_actionable": c["notices"],
            "notices_sent": c["notices"],
            "pages_removed": c["removed"],
            "wait_hours_mean": self.waits.mean(),
            "wait_hours_p50": self.waits.quantile(0.5),
            "wait_hours_p95": self.waits.quantile(0.95),
            "time_to_assessment_hours_mean": self.time_to_assessment.mean(),
            "time_to_assessment_hours_p50": self.time_to_assessment.quantile(0.5),
            "time_to_assessment_hours_p95": self.time_to_assessment.quantile(0.95),
            "time_to_removal_hours_mean": self.time_to_removal.mean(),
            "time_to_removal_hours_p50": self.time_to_removal.quantile(0.5),
            "time_to_removal_hours_p95": self.time_to_removal.quantile(0.95),
            "queue_length_mean": self.queue_area / window_hours,
            "backlog_start": self.backlog_start,
            "in_assessment_start": self.in_assessment_start,
            "backlog_end": len(waiting_arrivals),
            "in_assessment_end": in_assessment,
            "analyst_utilisation": _share(busy_hours, on_duty),
            "analyst_on_duty_hours": on_duty,
            "analyst_assessing_hours": self.assessing_hours,
            "sla_assessment_share": c["sla_met"] / c["sla_due"] if c["sla_due"] else math.nan,
            "reports_per_day_mean": c["received"] / window_days,
            "assessed_per_day_mean": self.time_to_assessment.n / window_days,
            "reports_found": self.found_count,
            "backlog_peak": backlog_peak,
            "backlog_clear_days": self.clear_days,
            "analyst_break_hours": spent["break"],
            "analyst_searching_hours": spent["searching"],
            "analyst_other_hours": spent["other"],
            "time_share_assessing": _share(self.assessing_hours, on_duty),
            "time_share_break": _share(spent["break"], on_duty),
            "time_share_searching": _share(spent["searching"], on_duty),
            "time_share_other": _share(spent["other"], on_duty),
            "time_share_idle": _share(idle_hours, on_duty),
            "viewing_hours_per_analyst_day_mean": (
                self.viewing_sum_hours / self.viewing_days if self.viewing_days else math.nan
            ),
            "viewing_hours_per_analyst_day_max": self.viewing_max_hours,
            "analyst_days_rostered": self.rostered_days,
            "analyst_days_absent": self.absent_days,
            "hotline_hours_mean": _mean(self.hotline_hours_sum, self.time_to_removal.n),
            "host_hours_mean": _mean(self.host_hours_sum, self.time_to_removal.n),
            "pages_removed_within_3_days_share": _share(
                float(self.host_within[:, list(WITHIN_HOURS).index("3_days")].sum()), self.time_to_removal.n
            ),
            "rechecks": c["rechecks"],
            "escalations": c["escalations"],
            "analyst_recheck_hours": self.recheck_hours,
            "time_share_rechecking": _share(self.recheck_hours, on_duty),
            "pages_reuploaded": c["reuploaded"],
            "reuploads_blocked": c["reuploads_blocked"],
            "reuploads_reported": c["reuploads_reported"],
        }
        for p, hist, assessed in zip(self.classes, self.class_waits, self.class_assessed, strict=True):
            metrics[f"wait_hours_mean_priority_{p}"] = hist.mean()
            metrics[f"wait_hours_p50_priority_{p}"] = hist.quantile(0.5)
            metrics[f"wait_hours_p95_priority_{p}"] = hist.quantile(0.95)
            metrics[f"reports_assessed_priority_{p}"] = assessed
        for k, name in enumerate(self.source_names):
            key = source_key(name)
            metrics[f"reports_assessed_source_{key}"] = self.source_assessed[k]
            metrics[f"wait_hours_mean_source_{key}"] = self.source_waits[k].mean()
            metrics[f"wait_hours_p95_source_{key}"] = self.source_waits[k].quantile(0.95)
            due = self.source_sla_due[k]
            metrics[f"sla_assessment_share_source_{key}"] = self.source_sla_met[k] / due if due else math.nan
        for k, name in enumerate(self.team_names):
            metrics.update(self._team_metrics(k, name))
        host_rows: list[dict[str, str | float]] = [
            {"country": country, "route": route, **self._takedown_row([k])}
            for k, (country, route) in enumerate(hosts)
        ]
        route_rows: list[dict[str, str | float]] = [
            {"route": route, **self._takedown_row([k for k, r in enumerate(self.host_routes) if r == route])}
            for route in ROUTES
            if route in self.host_routes
        ]
        timeseries = {
            "arrivals": self.arrivals_per_day.astype(float),
            "assessed": self.assessed_per_day.astype(float),
            "backlog": self.backlog_per_day.astype(float),
            "removed": self.removed_per_day.astype(float),
            "fast_tracked": self.fast_tracked_per_day.astype(float),
            "merged": self.merged_per_day.astype(float),
            "sla_due": self.sla_due_per_day.astype(float),
            "sla_met": self.sla_met_per_day.astype(float),
            "found": self.found_per_day.astype(float),
            "waited_hours": self.waited_hours_per_day.copy(),
            "started": self.started_per_day.astype(float),
        }
        for k in range(len(self.source_names)):
            timeseries[f"sla_due_source_{k}"] = self.source_sla_due_per_day[k].astype(float)
            timeseries[f"sla_met_source_{k}"] = self.source_sla_met_per_day[k].astype(float)
        from sim.stats.periods import PERIOD_DAYS, first_period_backlog_grows

        metrics["first_period_backlog_grows"] = first_period_backlog_grows(
            self.backlog_per_day, PERIOD_DAYS["week"], self.warmup / HOURS_PER_DAY
        )
        return ReplicationResult(
            replication=replication,
            metrics={k: float(metrics[k]) for k in self.metric_names},
            timeseries=timeseries,
            wait_histogram=self.waits.counts.copy(),
            hosts=host_rows,
            routes=route_rows,
            removal_histograms={
                route: LogHistogram.merged(
                    [self.host_delays[k] for k, r in enumerate(self.host_routes) if r == route]
                ).counts.copy()
                for route in ROUTES
                if route in self.host_routes
            },
        )

    def _team_metrics(self, k: int, name: str) -> dict[str, float]:
        """The metrics of team `k` (named `name`): its on-duty hours, utilisation, assessments and
        time shares, defined as the overall ones over its members."""
        on_duty = self.team_rostered_hours[k] + self.team_overrun_hours[k]
        spent = self.team_spent_hours[k]
        assessing, rechecking = self.team_assessing_hours[k], self.team_recheck_hours[k]
        idle = max(0.0, on_duty - assessing - rechecking - sum(spent.values()))
        return {
            f"team_on_duty_hours_{name}": on_duty,
            f"team_utilisation_{name}": _share(assessing + rechecking, on_duty),
            f"reports_assessed_team_{name}": self.team_assessed[k],
            f"time_share_assessing_team_{name}": _share(assessing, on_duty),
            f"time_share_rechecking_team_{name}": _share(rechecking, on_duty),
            f"time_share_break_team_{name}": _share(spent["break"], on_duty),
            f"time_share_searching_team_{name}": _share(spent["searching"], on_duty),
            f"time_share_other_team_{name}": _share(spent["other"], on_duty),
            f"time_share_idle_team_{name}": _share(idle, on_duty),
        }

    def _takedown_row(self, hosts: list[int]) -> dict[str, float]:
        """Notices, removals, re-checks, escalations and removal delays of these hosts together."""
        delays = LogHistogram.merged([self.host_delays[k] for k in hosts])
        notices = sum(self.host_notices[k] for k in hosts)
        within = self.host_within[hosts].sum(axis=0)
        row = {
            "notices": notices,
            "removed": sum(self.host_removed[k] for k in hosts),
            "rechecks": sum(self.host_rechecks[k] for k in hosts),
            "escalations": sum(self.host_escalations[k] for k in hosts),
            "removal_hours_mean": delays.mean(),
            "removal_hours_p50": delays.quantile(0.5),
            "removal_hours_p95": delays.quantile(0.95),
        }
        for name, count in zip(WITHIN_HOURS, within.tolist(), strict=True):
            row[f"removed_within_{name}_share"] = _share(count, delays.n)
        return row

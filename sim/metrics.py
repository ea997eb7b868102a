"""The metric catalogue: every metric a replication measures, once, with what a reader needs.

For each metric: its name (the column of replications.csv and the row of summary.csv), the family
it belongs to (reports, waiting, removal, ...), its kind (count, hours, share, ...: how it is worded
and rounded), its unit and a label in plain words, its definition, whether it is a key figure of a
run and what a scenario must model for it to be one. The console tables, the `.md` files, the
report, the plot labels and docs/metrics.md (generated: `python -m sim.docs --write`) all read
it, and `validate_metric` is the one check of a metric name. The model computes the metrics
(`sim.model.recorder`); a new metric is an entry here and a value there.

The measured window is [W, H): W the warm-up's end, H the horizon. docs/metrics.md has every
definition; the books balance in every replication: `reports_received = reports_merged +
reports_queued` and `reports_assessed + backlog_end + in_assessment_end = reports_queued +
backlog_start + in_assessment_start`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import numpy as np

from sim.scenario.intake import source_key
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Kind:
    """How the metrics of one kind are read: the unit a plot axis shows, how the report words and
    rounds them (share: in %; hours; days; count), and the most decimals a reader needs."""

    axis_unit: str
    words: str
    most_decimals: int


KINDS = {
    "count": Kind("count", "count", 0),
    "hours": Kind("hours", "hours", 2),
    "days": Kind("days", "days", 1),
    "analyst_days": Kind("days", "days", 1),
    "share": Kind("share, 0 to 1", "share", 1),
    "rate": Kind("per day", "count", 0),
    "viewing": Kind("hours", "hours", 2),
    "period": Kind("count", "count", 0),
    "replications": Kind("replications", "count", 0),
}


@dataclass(frozen=True)
class Metric:
    """One metric: name, family, kind (a key of KINDS), unit and label in words, definition; `short`
    its label in the console's key-figure table, `shown_with` what a scenario must model for a run to
    show it as a key figure ("hosts", "proactive" or "backlog events"), `axis` its plot unit when it
    is not its kind's."""

    name: str
    family: str
    kind: str
    unit: str
    label: str
    definition: str
    short: str = ""
    shown_with: str = ""
    axis: str = ""

    @property
    def axis_unit(self) -> str:
        """The unit a plot axis shows."""
        return self.axis or KINDS[self.kind].axis_unit

    @property
    def words(self) -> str:
        """How the report words it: "share" (in %), "hours", "days" or "count"."""
        return KINDS[self.kind].words


@dataclass(frozen=True)
class Family:
    """A group of metrics as docs/metrics.md presents them: a title, a paragraph before the table
    and one after."""

    name: str
    title: str
    before: str
    after: str


FAMILIES = (
    Family(
        "reports",
        "Reports through the hotline",
        "",
        (
            "The books balance in every replication:\n`reports_received = reports_merged + "
            "reports_queued` and\n`reports_assessed + backlog_end + in_assessment_end = reports_queued +"
            " backlog_start + in_assessment_start`."
        ),
    ),
    Family(
        "waiting",
        "Waiting and the service level",
        "",
        (
            "Waits include nights and weekends: a report arriving on a Friday evening waits until an "
            "analyst is\nnext on duty."
        ),
    ),
    Family(
        "removal",
        "Time to removal",
        "",
        (
            "`hotline_hours_mean + host_hours_mean = time_to_removal_hours_mean`: the split answers "
            '"how much of\nthe time to removal is ours?". `takedown_by_country.csv` and '
            "`takedown_by_route.csv` give the\nnotices, removals, removal times and the shares removed "
            "within 1 hour, 1 day, 3 days and 28 days\nper hosting country and per route."
        ),
    ),
    Family(
        "takedown_loop",
        "Follow-ups, escalation and re-uploads",
        (
            "These are 0 unless the scenario turns the features on (`takedown.follow_up_hours`,\n"
            "`reuploads.share`)."
        ),
        "",
    ),
    Family(
        "backlog",
        "Queue and backlog",
        "The *backlog* is the number of reports waiting for assessment (not those being assessed).",
        (
            "With a bounded queue, Little's law links these:\n`queue_length_mean ≈ reports_queued / "
            "window hours × wait_hours_mean`. A `first_period_backlog_grows`\nthat is defined in every "
            "replication means the team does not keep up: demand exceeds capacity and\nthe backlog grows"
            " without limit, however long the horizon. (Noise around a steady level gives 4\nrises in a "
            "row less than 1 % of the time.)"
        ),
    ),
    Family(
        "team",
        "The team's time",
        (
            "*On duty* hours are the hours of worked duty days (after absence, holidays, capacity "
            "windows and\nheadcount changes) in the window, plus the overrun of assessments finished "
            "after a shift's end.\nThey are split into assessing, re-checking, breaks, searching, other "
            "work and idle time."
        ),
        (
            "A low utilisation does not by itself mean spare capacity: with a viewing cap of 5 hours in"
            " an\n8-hour day, breaks and searching, a team can be at its limit with less than half of "
            "its on-duty\ntime spent assessing. Compare the time shares, and look at "
            "`viewing_hours_per_analyst_day_mean`\nagainst the cap."
        ),
    ),
    Family(
        "priority",
        "Per priority class",
        (
            "Only in scenarios whose sources have two or more priority classes\n"
            "(`intake.sources.NAME.priority`); P is the class number, lower first (e.g.\n"
            "`wait_hours_mean_priority_0` and `wait_hours_mean_priority_1`). None of the bundled "
            "scenarios has\nthem."
        ),
        "",
    ),
    Family(
        "source",
        "Per source",
        (
            "One set per source of the scenario; S is the source's name (characters other than letters, "
            "digits\nand `_` written as `_`), e.g. `sla_assessment_share_source_public`. The service level "
            "of a\nsource counts its own reports whether or not the source is in `sla.sources`."
        ),
        "",
    ),
    Family(
        "per_team",
        "Per team",
        (
            "Only in scenarios with `[teams]`: one set per team; T is the team's name, e.g.\n"
            "`team_utilisation_triage`. Each is defined as the team-wide metric without the suffix, over "
            "the team's\nmembers; the overall metrics keep their meaning over all teams."
        ),
        (
            "A team's time shares sum to 1. Its utilisation is its share of busy time; a team that is "
            "not skilled for\na source never assesses its reports, however long they wait."
        ),
    ),
)

CATALOGUE: tuple[Metric, ...] = (
    Metric(
        "reports_received",
        "reports",
        "count",
        "reports",
        "Reports received",
        (
            "reports arriving in the window from every source (public, referrals, proactive finds, "
            "re-uploads), merged duplicates included"
        ),
        short="reports received",
    ),
    Metric(
        "reports_merged",
        "reports",
        "count",
        "reports",
        "Reports merged at intake as duplicates",
        "arrivals in the window merged at intake as duplicates of a known URL; they take no analyst time",
    ),
    Metric(
        "reports_fast_tracked",
        "reports",
        "count",
        "reports",
        "Reports fast-tracked by a hash-list match",
        (
            "arrivals in the window that match the hash list; their assessment takes "
            "`dedup.hash_match_time_factor` of the usual time"
        ),
    ),
    Metric(
        "reports_queued",
        "reports",
        "count",
        "reports",
        "Reports queued for assessment",
        (
            "arrivals in the window queued for assessment: new reports plus fast-tracked ones "
            "(`reports_received - reports_merged`)"
        ),
    ),
    Metric(
        "reports_assessed",
        "reports",
        "count",
        "reports",
        "Reports assessed",
        "assessments ending in the window (including reports that arrived before it)",
        short="reports assessed",
    ),
    Metric(
        "reports_actionable",
        "reports",
        "count",
        "reports",
        "Assessments that found the page actionable",
        "assessments ending in the window that found the page actionable",
    ),
    Metric(
        "notices_sent",
        "reports",
        "count",
        "notices",
        "Takedown notices sent",
        (
            "takedown notices sent in the window; a notice is sent when an actionable assessment "
            "ends, so it equals `reports_actionable`"
        ),
        short="notices sent",
        shown_with="hosts",
    ),
    Metric(
        "pages_removed",
        "reports",
        "count",
        "pages",
        "Pages removed before the end of the run",
        (
            "of the notices sent in the window, the pages removed before the horizon H (so at most "
            "`notices_sent`; notices sent near the horizon with long delays are not yet removed)"
        ),
        short="pages removed",
        shown_with="hosts",
    ),
    Metric(
        "wait_hours_mean",
        "waiting",
        "hours",
        "hours",
        "Mean wait before assessment starts",
        "arrival to start of assessment, mean over the reports whose assessment starts in the window",
        short="wait, mean",
    ),
    Metric(
        "wait_hours_p50",
        "waiting",
        "hours",
        "hours",
        "Median wait before assessment starts",
        "the same, median",
    ),
    Metric(
        "wait_hours_p95",
        "waiting",
        "hours",
        "hours",
        "Wait that 95 % of reports stay within",
        "the same, 95th percentile: 5 % of reports wait longer",
        short="wait, 95th percentile",
    ),
    Metric(
        "time_to_assessment_hours_mean",
        "waiting",
        "hours",
        "hours",
        "Mean time from arrival to the end of assessment",
        "arrival to end of assessment (wait plus assessment), mean over the reports assessed in the window",
        short="time to assessment, mean",
    ),
    Metric(
        "time_to_assessment_hours_p50",
        "waiting",
        "hours",
        "hours",
        "Median time from arrival to the end of assessment",
        "the same, median",
    ),
    Metric(
        "time_to_assessment_hours_p95",
        "waiting",
        "hours",
        "hours",
        "Time from arrival to the end of assessment that 95 % of reports stay within",
        "the same, 95th percentile",
    ),
    Metric(
        "time_to_removal_hours_mean",
        "removal",
        "hours",
        "hours",
        "Mean time from report to removal of the page",
        (
            "arrival of the report to removal of the page, mean over every notice sent in the window,"
            " from each page's removal time (which is known when the notice is sent, so long delays "
            "near the horizon are not cut off)"
        ),
        short="time to removal, mean",
        shown_with="hosts",
    ),
    Metric(
        "time_to_removal_hours_p50",
        "removal",
        "hours",
        "hours",
        "Median time from report to removal of the page",
        "the same, median",
    ),
    Metric(
        "time_to_removal_hours_p95",
        "removal",
        "hours",
        "hours",
        "Time from report to removal that 95 % of pages stay within",
        "the same, 95th percentile",
    ),
    Metric(
        "queue_length_mean",
        "backlog",
        "count",
        "reports",
        "Reports waiting, averaged over time",
        "time-average number of reports waiting over the window",
    ),
    Metric(
        "backlog_start",
        "backlog",
        "count",
        "reports",
        "Reports waiting at the start of the measured window",
        "reports waiting at the start of the window (W)",
    ),
    Metric(
        "in_assessment_start",
        "backlog",
        "count",
        "reports",
        "Reports in assessment at the start of the measured window",
        "reports being assessed at W",
    ),
    Metric(
        "backlog_end",
        "backlog",
        "count",
        "reports",
        "Reports waiting at the end of the run",
        "reports waiting at the horizon (H)",
        short="backlog at the end",
    ),
    Metric(
        "in_assessment_end",
        "backlog",
        "count",
        "reports",
        "Reports in assessment at the end of the run",
        "reports being assessed at H",
    ),
    Metric(
        "analyst_utilisation",
        "team",
        "share",
        "share (0 to 1)",
        "Share of the analysts' on-duty time spent assessing and re-checking",
        (
            "busy hours (assessing and re-checking) / on-duty hours; equals `time_share_assessing + "
            "time_share_rechecking`, and the offered load rho in the M/M/c case"
        ),
        axis="share of on-duty time",
        short="analyst utilisation",
    ),
    Metric(
        "analyst_on_duty_hours",
        "team",
        "hours",
        "hours",
        "Analysts' on-duty hours",
        "on-duty hours of the whole team in the window",
    ),
    Metric(
        "analyst_assessing_hours",
        "team",
        "hours",
        "hours",
        "Analysts' hours assessing",
        "of those, hours spent assessing reports",
    ),
    Metric(
        "sla_assessment_share",
        "waiting",
        "share",
        "share (0 to 1)",
        "Share of reports assessed within {sla} hours of arrival",
        (
            "of the queued reports of the service level's sources (`sla.sources`; by default every "
            "source but proactive searching) arriving in [W, H - `sla.assessment_hours`), the share assessed "
            "within `sla.assessment_hours` of arrival; a report not assessed by then counts as a miss"
            " (reports arriving in the last `sla.assessment_hours` are left out, as their outcome is "
            "not known)"
        ),
        short="share assessed within the service level",
    ),
    Metric(
        "reports_per_day_mean",
        "reports",
        "rate",
        "reports per day",
        "Reports received per day",
        "`reports_received` divided by the window's length in days",
    ),
    Metric(
        "assessed_per_day_mean",
        "reports",
        "rate",
        "reports per day",
        "Reports assessed per day",
        "`reports_assessed` divided by the window's length in days",
    ),
    Metric(
        "reports_found",
        "reports",
        "count",
        "reports",
        "Reports found by the analysts' proactive searching",
        "reports found by the analysts' proactive searching in the window (part of `reports_received`)",
        short="reports found by searching",
        shown_with="proactive",
    ),
    Metric(
        "backlog_peak",
        "backlog",
        "count",
        "reports",
        "Most reports waiting at once",
        "the most reports waiting at once in the window",
        short="backlog peak",
        shown_with="backlog events",
    ),
    Metric(
        "backlog_clear_days",
        "backlog",
        "days",
        "days",
        "Days to clear the backlog after the last surge or capacity dip",
        (
            "days from the end of the last surge or capacity window (from time 0 when the scenario "
            "has none) until no report is waiting (the last one starts its assessment); undefined "
            "(empty) in a replication where that does not happen before H"
        ),
        short="days to clear the backlog",
        shown_with="backlog events",
    ),
    Metric(
        "analyst_break_hours",
        "team",
        "hours",
        "hours",
        "Analysts' hours on breaks",
        "of those, hours on breaks (`analysts.breaks`)",
    ),
    Metric(
        "analyst_searching_hours",
        "team",
        "hours",
        "hours",
        "Analysts' hours searching",
        "of those, hours of proactive searching",
    ),
    Metric(
        "analyst_other_hours",
        "team",
        "hours",
        "hours",
        "Analysts' hours on other work",
        (
            "of those, hours of non-viewing work: after the daily viewing cap is reached, and a new "
            "analyst's training while ramping up"
        ),
    ),
    Metric(
        "time_share_assessing",
        "team",
        "share",
        "share (0 to 1)",
        "Share of on-duty time spent assessing",
        "`analyst_assessing_hours / analyst_on_duty_hours`",
    ),
    Metric(
        "time_share_break",
        "team",
        "share",
        "share (0 to 1)",
        "Share of on-duty time on breaks",
        "`analyst_break_hours / analyst_on_duty_hours`",
    ),
    Metric(
        "time_share_searching",
        "team",
        "share",
        "share (0 to 1)",
        "Share of on-duty time spent searching",
        "`analyst_searching_hours / analyst_on_duty_hours`",
        short="share of time searching",
        shown_with="proactive",
    ),
    Metric(
        "time_share_other",
        "team",
        "share",
        "share (0 to 1)",
        "Share of on-duty time on other work",
        "`analyst_other_hours / analyst_on_duty_hours`",
    ),
    Metric(
        "time_share_idle",
        "team",
        "share",
        "share (0 to 1)",
        "Share of on-duty time with nothing to do",
        (
            "the rest of the on-duty time: available with nothing to do. The five shares above and "
            "`time_share_rechecking` sum to 1"
        ),
    ),
    Metric(
        "viewing_hours_per_analyst_day_mean",
        "team",
        "viewing",
        "hours per analyst-day",
        "Viewing hours per analyst duty day, mean",
        (
            "viewing time (assessing, searching and re-checking) per worked duty day starting in the "
            "window, mean; an assessment counts in the day it starts"
        ),
    ),
    Metric(
        "viewing_hours_per_analyst_day_max",
        "team",
        "viewing",
        "hours per analyst-day",
        "Viewing hours of the longest analyst duty day",
        (
            "the same, the largest single day: at most the viewing cap plus one assessment, which is "
            "finished, not interrupted"
        ),
    ),
    Metric(
        "analyst_days_rostered",
        "team",
        "analyst_days",
        "analyst-days",
        "Analyst duty days rostered",
        "duty days starting in the window, after headcount changes, holidays and capacity windows",
    ),
    Metric(
        "analyst_days_absent",
        "team",
        "analyst_days",
        "analyst-days",
        "Analyst duty days lost to absence",
        "of those, the days lost to absence (`analysts.absence_share`)",
    ),
    Metric(
        "first_period_backlog_grows",
        "backlog",
        "period",
        "period number",
        "First week from which the backlog keeps growing",
        (
            "the first whole week, numbered from 0 at day 0 as in `periods.csv`, starting in the "
            "window, from which the backlog at the end of each week rises every week to the last "
            "whole week, with at least 4 rises in a row; undefined (empty) when the backlog does not "
            "keep growing. With `run --period month` the periods are 4 weeks long"
        ),
    ),
    Metric(
        "hotline_hours_mean",
        "removal",
        "hours",
        "hours",
        "Mean time from report to notice (the hotline's part)",
        "over the same notices, arrival to notice: the hotline's own part (queue and assessment)",
    ),
    Metric(
        "host_hours_mean",
        "removal",
        "hours",
        "hours",
        "Mean time from notice to removal (the host's part)",
        (
            "over the same notices, notice to removal: the host's part (with escalation on, the "
            "earlier of the host's removal and the escalated one)"
        ),
    ),
    Metric(
        "pages_removed_within_3_days_share",
        "removal",
        "share",
        "share (0 to 1)",
        "Share of pages removed within 3 days of the notice",
        "of the same notices, the share removed within 72 hours of the notice",
        short="removed within 3 days of notice",
        shown_with="hosts",
    ),
    Metric(
        "rechecks",
        "takedown_loop",
        "count",
        "re-checks",
        "Follow-up re-checks of pages still up",
        "follow-up re-checks of pages still up, ending in the window (analyst work)",
    ),
    Metric(
        "escalations",
        "takedown_loop",
        "count",
        "pages",
        "Pages escalated after their follow-ups",
        "pages escalated in the window after `takedown.max_follow_ups` re-checks found them still up",
    ),
    Metric(
        "analyst_recheck_hours",
        "takedown_loop",
        "hours",
        "hours",
        "Analysts' hours re-checking",
        "on-duty analyst hours in the window spent on re-checks",
    ),
    Metric(
        "time_share_rechecking",
        "takedown_loop",
        "share",
        "share (0 to 1)",
        "Share of on-duty time re-checking",
        "`analyst_recheck_hours / analyst_on_duty_hours`",
    ),
    Metric(
        "pages_reuploaded",
        "takedown_loop",
        "count",
        "pages",
        "Removed pages that came back",
        "removed pages coming back at a new URL in the window, all of them",
    ),
    Metric(
        "reuploads_blocked",
        "takedown_loop",
        "count",
        "pages",
        "Re-uploads stopped at upload by the hash list",
        "of those, the ones stopped at upload by the hash list (never reported)",
    ),
    Metric(
        "reuploads_reported",
        "takedown_loop",
        "count",
        "reports",
        "Re-uploads that arrived as reports",
        (
            "of those, the ones arriving as reports (also counted in `reports_received`); "
            "`pages_reuploaded = reuploads_blocked + reuploads_reported`"
        ),
    ),
    Metric(
        "backlog_never_cleared_replications",
        "backlog",
        "replications",
        "replications",
        "Replications where the backlog never cleared",
        (
            "the number of replications in which `backlog_clear_days` is undefined; an exact count, "
            "so its interval has no width (`summary.csv` only)"
        ),
        short="replications where it never cleared",
        shown_with="backlog events",
    ),
    Metric(
        "wait_hours_mean_priority_P",
        "priority",
        "hours",
        "hours",
        "Mean wait before assessment starts, priority class {p}",
        "`wait_hours_mean` over the reports of class P",
    ),
    Metric(
        "wait_hours_p50_priority_P",
        "priority",
        "hours",
        "hours",
        "Median wait before assessment starts, priority class {p}",
        "`wait_hours_p50` over the reports of class P",
    ),
    Metric(
        "wait_hours_p95_priority_P",
        "priority",
        "hours",
        "hours",
        "Wait that 95 % of priority class {p} reports stay within",
        "`wait_hours_p95` over the reports of class P",
    ),
    Metric(
        "reports_assessed_priority_P",
        "priority",
        "count",
        "reports",
        "Reports of priority class {p} assessed",
        "`reports_assessed` of class P",
    ),
    Metric(
        "reports_assessed_source_S",
        "source",
        "count",
        "reports",
        "Reports from {s} assessed",
        "`reports_assessed` of source S",
    ),
    Metric(
        "wait_hours_mean_source_S",
        "source",
        "hours",
        "hours",
        "Mean wait before assessment starts, reports from {s}",
        "`wait_hours_mean` over the reports of source S",
    ),
    Metric(
        "wait_hours_p95_source_S",
        "source",
        "hours",
        "hours",
        "Wait that 95 % of reports from {s} stay within",
        "`wait_hours_p95` over the reports of source S",
    ),
    Metric(
        "sla_assessment_share_source_S",
        "source",
        "share",
        "share (0 to 1)",
        "Share of reports from {s} assessed within {sla} hours of arrival",
        "`sla_assessment_share` over the reports of source S",
    ),
    Metric(
        "team_on_duty_hours_T",
        "per_team",
        "hours",
        "hours",
        "On-duty hours of team {t}",
        "`analyst_on_duty_hours` of team T",
    ),
    Metric(
        "team_utilisation_T",
        "per_team",
        "share",
        "share (0 to 1)",
        "Share of the on-duty time of team {t} spent assessing and re-checking",
        "`analyst_utilisation` of team T",
        short="utilisation of team {t}",
    ),
    Metric(
        "reports_assessed_team_T",
        "per_team",
        "count",
        "reports",
        "Reports assessed by team {t}",
        "`reports_assessed` by members of team T",
    ),
    *(
        Metric(
            f"time_share_{use}_team_T",
            "per_team",
            "share",
            "share (0 to 1)",
            f"Share of the on-duty time of team {{t}} {words}",
            f"`time_share_{use}` of team T",
        )
        for use, words in (
            ("assessing", "spent assessing"),
            ("rechecking", "spent re-checking pages"),
            ("break", "on breaks"),
            ("searching", "spent searching"),
            ("other", "on other work"),
            ("idle", "with nothing to do"),
        )
    ),
)
_BY_NAME = {m.name: m for m in CATALOGUE}

PRIORITY_SUFFIX = "_priority_P"  # the per-class family: P is the class number
PRIORITY_METRICS = tuple(m.name.removesuffix(PRIORITY_SUFFIX) for m in CATALOGUE if m.family == "priority")
SOURCE_SUFFIX = "_source_S"  # the per-source family: S is the source's name (`source_key`)
SOURCE_METRICS = tuple(m.name.removesuffix(SOURCE_SUFFIX) for m in CATALOGUE if m.family == "source")
TEAM_METRICS = tuple(m.name.removesuffix("T") for m in CATALOGUE if m.family == "per_team")  # `..._` + T
PER_GROUP = ("priority", "source", "per_team")  # families with one metric per class, source or team
NEVER_CLEARED = "backlog_never_cleared_replications"  # how many replications end with it not cleared
SUMMARY_ONLY = (NEVER_CLEARED,)  # in summary.csv, not per replication
METRICS = tuple(m.name for m in CATALOGUE if m.family not in PER_GROUP and m.name not in SUMMARY_ONLY)
# a run's key figures, the answer first: the console table and the report show them in this order
KEY_FIGURES = (
    "sla_assessment_share",
    "wait_hours_mean",
    "wait_hours_p95",
    "time_to_assessment_hours_mean",
    "reports_received",
    "reports_assessed",
    "reports_found",
    "notices_sent",
    "pages_removed",
    "time_to_removal_hours_mean",
    "pages_removed_within_3_days_share",
    "backlog_end",
    "backlog_peak",
    "backlog_clear_days",
    NEVER_CLEARED,
    "analyst_utilisation",
    "time_share_searching",
)
# what `run --precision` holds to the precision, in this order
PRECISION_METRICS = (
    "reports_assessed",
    "wait_hours_mean",
    "time_to_assessment_hours_mean",
    "sla_assessment_share",
    "analyst_utilisation",
)
SPENDING = ("break", "searching", "other")


def metric(name: str) -> Metric:
    """The catalogue's entry of `name`; a per-class metric (`wait_hours_mean_priority_2`) gets its
    family's entry with the class in its label. KeyError for a name that is no metric."""
    found = _BY_NAME.get(name)
    if found is not None:
        return found
    match = re.fullmatch(r"(.+)_priority_(\d+)", name)
    if match and match[1] in PRIORITY_METRICS:
        family = _BY_NAME[match[1] + PRIORITY_SUFFIX]
        return Metric(name, family.family, family.kind, family.unit, family.label.replace("{p}", match[2]),
                      family.definition)  # fmt: skip
    for prefix in SOURCE_METRICS:
        source = name.removeprefix(f"{prefix}_source_")
        if source != name and re.fullmatch(r"[A-Za-z0-9_]+", source):
            family = _BY_NAME[prefix + SOURCE_SUFFIX]
            return Metric(name, family.family, family.kind, family.unit, family.label.replace("{s}", source),
                          family.definition)  # fmt: skip
    for prefix in TEAM_METRICS:
        team = name.removeprefix(prefix)
        if team != name and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", team):
            family = _BY_NAME[prefix + "T"]
            return Metric(name, family.family, family.kind, family.unit, family.label.replace("{t}", team),
                          family.definition, short=family.short.replace("{t}", team))  # fmt: skip
    raise KeyError(name)


def label_words(name: str, sla_hours: float | None = None) -> str:
    """A metric's label in words with the service level filled in (`sla_hours`; None: it differs
    between the runs shown, so "the service level's hours"); a name the catalogue does not know is
    returned as it is."""
    try:
        label = metric(name).label
    except KeyError:
        return name
    if sla_hours == 1:
        label = label.replace("{sla} hours", "1 hour")
    return label.replace("{sla}", "the service level's" if sla_hours is None else f"{sla_hours:g}")


def priority_classes(scenario: Scenario) -> list[int]:
    """The scenario's priority classes, most urgent first; one class means no priorities."""
    return sorted({source.priority for source in scenario.intake.sources.values()})


def modelled(scenario: Scenario) -> frozenset[str]:
    """What `scenario` models beyond the queue, as `Metric.shown_with` names it: "hosts" (takedown),
    "proactive" (a proactive source) and "backlog events" (a starting backlog, a surge or a
    capacity window)."""
    found = set()
    if scenario.takedown.hosts:
        found.add("hosts")
    if any(source.is_proactive for source in scenario.intake.sources.values()):
        found.add("proactive")
    windows = any(spec.section.capacity_windows for spec in scenario.team_specs)
    if scenario.intake.initial_backlog or scenario.intake.surges or windows:
        found.add("backlog events")
    return frozenset(found)


def shown_key_figures(scenario: Scenario) -> list[str]:
    """The key figures a run of `scenario` shows, in KEY_FIGURES order: those it models."""
    shown = modelled(scenario)
    names = [name for name in KEY_FIGURES if not metric(name).shown_with or metric(name).shown_with in shown]
    if scenario.teams is not None:  # each team's utilisation after the overall one
        at = names.index("analyst_utilisation") + 1
        names[at:at] = [f"team_utilisation_{team}" for team in scenario.teams]
    return names


def metric_names(scenario: Scenario) -> list[str]:
    """Every metric of a replication of `scenario`, in table order."""
    names = list(METRICS)
    classes = priority_classes(scenario)
    if len(classes) > 1:
        names += [f"{metric}_priority_{p}" for p in classes for metric in PRIORITY_METRICS]
    names += [
        f"{metric}_source_{source_key(s)}" for s in scenario.intake.sources for metric in SOURCE_METRICS
    ]
    if scenario.teams is not None:
        names += [f"{metric}{team}" for team in scenario.teams for metric in TEAM_METRICS]
    return names


def summary_names(scenario: Scenario) -> list[str]:
    """Every row of a run's summary.csv for `scenario`: the replications' metrics, then the
    summary-only ones."""
    return [*metric_names(scenario), *SUMMARY_ONLY]


class UnknownMetric(ValueError):
    """A metric name that no table of the scenario has (the message names the close ones)."""


def validate_metric(name: str, scenarios: list[Scenario]) -> Metric:
    """The entry of `name` if it is a metric of summary.csv for every one of `scenarios`;
    UnknownMetric otherwise, with "did you mean" and the valid names."""
    names = [summary_names(scenario) for scenario in scenarios]
    valid = list(dict.fromkeys(n for each in names for n in each))
    if name in valid:
        lacking = [s.scenario.name for s, each in zip(scenarios, names, strict=True) if name not in each]
        if not lacking:
            return metric(name)
        raise UnknownMetric(
            f"metric {name!r} is not one of every scenario here: {len(lacking)} of {len(scenarios)} "
            f"(for example {lacking[0]!r}) do not have it, so it cannot be compared across them"
        )
    close = difflib.get_close_matches(name, valid, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UnknownMetric(
        f"unknown metric {name!r}{hint} (the metrics are those of summary.csv: {', '.join(valid)})"
    )


def axis_label(name: str) -> str:
    """A metric's name with its unit, for a plot axis: `wait_hours_mean (hours)`.

    >>> axis_label("sla_assessment_share")
    'sla_assessment_share (share, 0 to 1)'
    >>> axis_label("pages_removed")
    'pages_removed (count)'
    """
    return f"{name} ({metric(name).axis_unit})"


DOC_INTRO = (
    "What each row of `summary.csv` (and each column of `replications.csv` and `sweep.csv`) means,\n"
    "with its unit. Every simulating command (`run`, `sweep`, `staff`, `sensitivity`) reports the same\n"
    "metrics, and every metric can be a `staff --target` or a `sweep --metric`.\n"
    "\n"
    "## The measured window\n"
    "\n"
    "Each replication simulates the scenario from time 0 (00:00 of day 0: a Monday, or\n"
    "`scenario.start_date`) to the horizon H = `scenario.horizon_days`. The first W =\n"
    "`scenario.warmup_days` are a warm-up: the model starts empty, with no backlog and every analyst\n"
    "free, which is not how a real year starts, so nothing in\n"
    "the warm-up is counted. The metrics describe the **measured window** [W, H). Inside the model time\n"
    "runs in hours; every time below is in hours unless its name says days.\n"
    "\n"
    "Counts are totals over the window (not per day, not per year), so a window of 92 days gives about\n"
    "a quarter of a year's counts. Percentiles (`_p50` the median, `_p95` the 95th percentile) come from\n"
    "fixed-size log-binned histograms and are within 0.5 % of the exact sample percentile; means are\n"
    "exact.\n"
    "\n"
    "A metric that is undefined in a replication (a mean over no reports, a backlog that never clears)\n"
    "is an empty cell in `replications.csv`; `summary.csv` then averages the replications where it is\n"
    "defined, and its `replications` column says how many that was.\n"
    "\n"
    "## `summary.csv`\n"
    "\n"
    "One row per metric: `metric,mean,std,ci95_low,ci95_high,replications`. `mean` is the average over\n"
    "the replications, `std` their standard deviation, `ci95_low` to `ci95_high` the 95 % confidence\n"
    "interval of the mean (Student t: mean ± t(0.975, n - 1) × std / √n) and `replications` the number\n"
    "n of replications in which the metric was defined. Numbers are written with 10 significant figures.\n"
    "\n"
    "The confidence interval covers **replication noise only**: the randomness of arrivals, assessment\n"
    "times, removal delays and so on inside the model. It does not cover the uncertainty of the inputs\n"
    "(an assumed assessment time, duplicate share or removal delay): to see how much an answer depends\n"
    "on an input, change it and compare (`--set`, `sweep`, `sensitivity`). More replications narrow the\n"
    "interval; `--precision` adds replications until it is narrow enough. An interval of a share or a\n"
    "count can reach past its natural range (a share above 1, a count below 0) when the replications\n"
    "disagree: it is the symmetric t interval. An interval of zero width means every replication gave\n"
    "the same value."
)
DOC_OUTRO = (
    "## Other result files\n"
    "\n"
    "- `timeseries.csv`: per day from day 0, warm-up included, mean over replications: `arrivals`\n"
    "  (reports received), `assessed` (assessments ended), `backlog` (reports waiting at the end of the\n"
    "  day), `removed` (pages removed), `fast_tracked` and `merged` (of the reports received).\n"
    "- `periods.csv`: per week (or 4-week month with `--period month`): arrivals and assessments in the\n"
    "  period, the share of its reports assessed within `sla.assessment_hours`, the backlog at its end\n"
    "  and the largest end-of-day backlog in it, each with its mean and 95 % confidence interval.\n"
    '- `takedown_by_country.csv`, `takedown_by_route.csv`: see "Time to removal" above.\n'
    "- `sweep.csv` has every metric above for every arm; `sweep_differences.csv` each arm's difference\n"
    "  from the baseline arm, with an interval paired by replication.\n"
    "- `staffing.csv`: each target's metric (and `reports_found` beside them, with a proactive\n"
    "  source) for each value of the searched key tried, with the replications it is over (fewer for a\n"
    "  value stopped as clearly short of a target)."
)


def render_docs() -> str:
    """docs/metrics.md: every metric of the catalogue by family, with its unit and definition."""
    lines = [
        "<!-- Generated by `python -m sim.docs --write` from the metric catalogue (sim/metrics.py); "
        "do not edit by hand. -->",
        "",
        "# Metrics",
        "",
        DOC_INTRO.rstrip("\n"),
    ]
    for family in FAMILIES:
        lines += ["", f"## {family.title}", ""]
        if family.before:
            lines += [family.before, ""]
        lines += ["| metric | unit | label | definition |", "|---|---|---|---|"]
        for entry in CATALOGUE:
            if entry.family == family.name:
                label = entry.label.replace("{sla}", "`sla.assessment_hours`")
                label = label.replace("{p}", "P").replace("{s}", "S").replace("{t}", "T")
                lines.append(f"| `{entry.name}` | {entry.unit} | {label} | {entry.definition} |")
        if family.after:
            lines += ["", family.after]
    lines += ["", DOC_OUTRO.rstrip("\n")]
    return "\n".join(lines) + "\n"


TIMESERIES = ("arrivals", "assessed", "backlog", "removed", "fast_tracked", "merged")
# shares of notices removed within these delays after the notice (hours)
WITHIN_HOURS = {"1_hour": 1.0, "1_day": 24.0, "3_days": 72.0, "28_days": 672.0}
HOST_COLUMNS = (
    "notices",
    "removed",
    "rechecks",
    "escalations",
    "removal_hours_mean",
    "removal_hours_p50",
    "removal_hours_p95",
    *(f"removed_within_{name}_share" for name in WITHIN_HOURS),
)


@dataclass
class ReplicationResult:
    """What one replication hands back: metrics, daily series, the wait histogram, per-host rows."""

    replication: int
    metrics: dict[str, float]
    timeseries: dict[str, np.ndarray]
    wait_histogram: np.ndarray
    hosts: list[dict[str, str | float]] = field(default_factory=list)
    routes: list[dict[str, str | float]] = field(default_factory=list)
    removal_histograms: dict[str, np.ndarray] = field(default_factory=dict)  # per route: notice to removal

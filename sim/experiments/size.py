"""How big a job is, before anything is simulated: work, time and memory, and the limits it must keep.

Every value the schema accepts is finite, but a job can still be far too big for a machine: a
million reports a day, a hundred-year horizon, a thousand replications of a thousand analysts. So
every command estimates its job first (`estimate`) and refuses one beyond the limits (`check`)
unless it is forced, saying how big it is.

The work of one replication is counted in *steps*, the time one report takes through the model;
the other things a replication does are weighed in reports (`STEPS_PER_...`, measured):

- a report (Poisson arrivals, the starting backlog, finds, re-uploads): one step;
- a re-check of a page still up (takedown follow-ups): one step;
- a search block, a break, a duty day and a simulated day: 1.5, 2, 4 and 1 steps.

Each is an expected count, from the scenario's rates and shifts, taken on the side of more work
where the model decides at run time (searching when idle counts as searching all idle time,
absence and holidays are left out, a page is followed up until its host's mean delay or the
horizon). `SECONDS_PER_STEP` turns steps into time on one core, for the model that runs (measured
on one replication of each bundled scenario on a 2-core cloud machine: 2.4 to 3.1 microseconds a
step compiled, 3.3 to 5.0 pure Python; the same machine runs up to 1.7 times slower on other days,
so the guide takes 5 and 7), so the time is a rough guide, not a promise.

Memory is what the process holding the results needs: every replication's daily series and
histograms are kept until the tables are written, and each running replication holds its queue
(at most the starting backlog plus the reports the team cannot keep up with) and its per-hour
arrival rates.

>>> import sim
>>> year = sim.load_scenario("scenarios/baseline-2018.toml")
>>> size = estimate([year], replications=10)
>>> 2e6 < size.steps < 2e7, size.memory_bytes < 1e9  # a year of about 270,000 reports, 10 times
(True, True)
>>> check(size)  # well within the limits: nothing to say
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.common import limits
from sim.experiments.arms import ExperimentError
from sim.model import BUILD as MODEL_BUILD
from sim.model.demand import DAYS_PER_YEAR, surge_factor
from sim.model.intake import surge_windows
from sim.scenario.roster import HOURS_PER_DAY, HOURS_PER_WEEK
from sim.scenario.schema import Scenario
from sim.scenario.workforce import Analysts

# what each thing costs, in steps of a report (measured: a duty day starts, ends and wakes its
# analyst several times; a break and a search block are a timer and a resumption each)
STEPS_PER_REPORT = 1.0
STEPS_PER_RECHECK = 1.0
STEPS_PER_SEARCH_BLOCK = 1.5
STEPS_PER_BREAK = 2.0
STEPS_PER_DUTY_DAY = 4.0
STEPS_PER_DAY = 1.0  # the daily bookkeeping
SECONDS_PER_STEP = 5e-6 if MODEL_BUILD == "compiled" else 7e-6  # one core; see the module docstring
BYTES_PER_QUEUED_REPORT = 400.0  # a report's tuple and its share of the queue, measured
BYTES_PER_RESULT_DAY = 8 * 8.0  # the daily series a replication hands back
BYTES_PER_RESULT = 600_000.0  # its histograms, metrics and takedown rows
BYTES_PER_SOURCE_HOUR = 3 * 8.0  # per source: rate, cumulative intensity and surge factor of each hour
BYTES_BASE = 300e6  # Python, numpy, SimPy and matplotlib themselves

BIG_JOB_SECONDS = 30.0  # a job estimated to take longer says how big it is when it starts


class JobTooBig(ExperimentError):
    """A job beyond the limits (exit 2 at the command line): the message says how big it is."""


@dataclass(frozen=True)
class JobSize:
    """The estimate of a job: steps, replications run and the memory of the process holding them."""

    steps: float  # all replications of all scenarios
    runs: int  # replications x scenarios
    memory_bytes: float
    largest_replication_steps: float

    def seconds(self, jobs: int = 1) -> float:
        """Rough time on `jobs` cores (replications run side by side, never one split)."""
        one_core = self.steps * SECONDS_PER_STEP
        return max(one_core / max(1, min(jobs, self.runs)), self.largest_replication_steps * SECONDS_PER_STEP)

    def describe(self, jobs: int = 1) -> str:
        """The estimate in words: `about 120 million steps (about 8 min on 2 cores), memory about 0.4 GiB`."""
        cores = "1 core" if jobs == 1 else f"{jobs} cores"
        return (
            f"about {_count_words(self.steps)} steps (about {_duration_words(self.seconds(jobs))} on "
            f"{cores}), memory about {_two_digits(self.memory_bytes / 2**30)} GiB"
        )

    def is_big(self, jobs: int = 1) -> bool:
        """Whether the job is worth announcing (longer than `BIG_JOB_SECONDS` on `jobs` cores)."""
        return self.seconds(jobs) > BIG_JOB_SECONDS


def _two_digits(value: float) -> str:
    """A number to two significant digits, never in scientific notation: 3.2, 32, 320, 3,200, 3."""
    if not math.isfinite(value):
        return f"{value:g}"
    digits = max(0, 1 - math.floor(math.log10(value))) if value > 0 else 0
    text = f"{round(value, digits):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _count_words(steps: float) -> str:
    """Steps in words: `320 million`, `3.2 billion`.

    >>> _count_words(3.2e8), _count_words(3.24e9), _count_words(3e9), _count_words(12_345)
    ('320 million', '3.2 billion', '3 billion', '12,345')
    """
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if steps >= size:
            return f"{_two_digits(steps / size)} {word}"
    return f"{steps:,.0f}"


def _duration_words(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{_two_digits(seconds / 3600)} h"
    return f"{seconds / 86400:,.0f} days"


@dataclass(frozen=True)
class ReplicationSize:
    """One replication of one scenario: its steps and the memory it holds while it runs."""

    steps: float
    reports: float
    peak_queue: float
    running_bytes: float
    result_bytes: float


def replication_size(scenario: Scenario) -> ReplicationSize:
    """The expected work and memory of one replication of `scenario`."""
    from sim.experiments.estimate import effective_capacity

    horizon_hours = scenario.horizon_hours
    days = math.ceil(scenario.scenario.horizon_days)
    intake = scenario.intake
    expected = {
        name: _expected_arrivals(scenario, name)
        for name, source in intake.sources.items()
        if not source.is_proactive
    }
    arrivals = sum(expected.values())
    week: list[list[tuple[float, float]]] = []  # every analyst's duty in a week, all teams
    duty_hours = duty_days = viewing_hours = searchers_viewing_hours = breaks = 0.0
    proactive = next((name for name, source in intake.sources.items() if source.is_proactive), None)
    for spec in scenario.team_specs:
        team = spec.section
        # weeks x the team's growth (a team of 0 at day 0 counts its largest headcount)
        scale = _largest_team(team) / max(team.count, 1) * horizon_hours / HOURS_PER_WEEK
        team_week = team.rosters(HOURS_PER_WEEK)
        week += team_week
        team_duty_hours = sum(end - start for shifts in team_week for start, end in shifts) * scale
        team_duty_days = (
            sum(math.ceil((end - start) / HOURS_PER_DAY) for shifts in team_week for start, end in shifts)
            * scale
        )
        team_viewing_hours = team_duty_hours
        if team.max_viewing_hours_per_day is not None:
            team_viewing_hours = min(team_duty_hours, team_duty_days * team.max_viewing_hours_per_day)
        if team.breaks is not None:
            breaks += team_duty_hours / ((team.breaks.every_minutes + team.breaks.length_minutes) / 60.0)
        duty_hours += team_duty_hours
        duty_days += team_duty_days
        viewing_hours += team_viewing_hours
        if proactive in spec.skills:
            searchers_viewing_hours += team_viewing_hours

    blocks = finds = 0.0
    for name, source in intake.sources.items():
        if source.is_proactive:  # searching when idle: as if every idle hour were searched
            searched_hours = searchers_viewing_hours * (
                1.0 if source.search_when_idle else float(source.search_share or 0)
            )
            finds = expected[name] = searched_hours * float(source.finds_per_search_hour or 0.0)
            blocks = searched_hours / (float(source.search_block_minutes or 30.0) / 60.0)

    reports = arrivals + finds + intake.initial_backlog
    actionable = max(source.actionable_share for source in intake.sources.values())
    pages = sum(count * intake.sources[name].actionable_share for name, count in expected.items())
    pages += intake.initial_backlog * actionable
    takedown, reuploads = scenario.takedown, scenario.reuploads
    delay_hours = sum(host.share * takedown.removal_hours_of(host).mean_value for host in takedown.hosts)
    if takedown.hosts and reuploads.share > 0:  # comes back as a report, at most once a cycle
        assert reuploads.delay_days is not None  # the schema requires it with a share
        cycle_hours = max(delay_hours + reuploads.delay_days.mean_value * HOURS_PER_DAY, 1.0 / 60.0)
        cycles = min(horizon_hours / cycle_hours, 1e6)
        again = reuploads.share * (1.0 - reuploads.hash_block_share)  # reported, removed, back again
        returned = pages * again * (1.0 - again**cycles) / (1.0 - again)  # at most 0.99: finite
        reports += returned
        pages += returned
    rechecks = 0.0
    if takedown.follow_up_hours is not None:  # until removal (or escalation), while someone is on duty
        follow_up = takedown.follow_up_hours
        per_page = min(_covered_share(week) * delay_hours / follow_up + 1.0, horizon_hours / follow_up)
        if takedown.max_follow_ups is not None:
            per_page = min(per_page, takedown.max_follow_ups + 1.0)
        rechecks = pages * per_page
        if takedown.recheck_minutes > 0:  # they take the team's time
            rechecks = min(rechecks, viewing_hours * 60.0 / takedown.recheck_minutes)

    steps = (
        reports * STEPS_PER_REPORT
        + rechecks * STEPS_PER_RECHECK
        + blocks * STEPS_PER_SEARCH_BLOCK
        + breaks * STEPS_PER_BREAK
        + duty_days * STEPS_PER_DUTY_DAY
        + days * STEPS_PER_DAY
    )

    capacity = effective_capacity(scenario)
    shortfall = max(0.0, capacity.demand_reports_per_day - capacity.capacity_reports_per_day)
    queue = intake.initial_backlog + shortfall * horizon_hours / HOURS_PER_DAY
    queue += (arrivals + finds) / max(1.0, horizon_hours / HOURS_PER_DAY) * 3  # a weekend's arrivals
    queue = min(queue, reports + rechecks)
    sources = sum(1 for s in intake.sources.values() if not s.is_proactive)
    running = queue * BYTES_PER_QUEUED_REPORT + sources * horizon_hours * BYTES_PER_SOURCE_HOUR
    result = days * BYTES_PER_RESULT_DAY + BYTES_PER_RESULT
    return ReplicationSize(steps, reports, queue, running, result)


def _covered_share(week: list[list[tuple[float, float]]]) -> float:
    """Share of the week's hours in which at least one analyst is on duty."""
    hours = np.zeros(int(HOURS_PER_WEEK) * 60, dtype=bool)  # by the minute
    for shifts in week:
        for start, end in shifts:
            hours[int(start * 60) : math.ceil(end * 60)] = True
    return float(hours.mean())


def _expected_arrivals(scenario: Scenario, source_name: str) -> float:
    """Expected Poisson arrivals of one source over the horizon (profiles shape, never scale, them)."""
    intake = scenario.intake
    source = intake.sources[source_name]
    hours = np.arange(math.ceil(scenario.horizon_hours), dtype=float) + 0.5
    growth = np.exp(math.log1p(intake.growth_per_year) * hours / (HOURS_PER_DAY * DAYS_PER_YEAR))
    factor = surge_factor(surge_windows(scenario, source_name), scenario.horizon_hours)
    per_hour = float(source.reports_per_day or 0.0) * intake.volume_multiplier / HOURS_PER_DAY
    return per_hour * float(np.dot(growth, factor))


def _largest_team(team: Analysts) -> int:
    """The most analysts on a team at any time (hires and leavers counted in day order)."""
    headcount = largest = team.count
    for change in sorted(team.changes, key=lambda c: c.day):
        headcount += change.count_delta
        largest = max(largest, headcount)
    return largest


def estimate(scenarios: Sequence[Scenario], replications: int, jobs: int = 1, repeats: int = 1) -> JobSize:
    """The size of running `replications` replications of each of `scenarios`, `repeats` times over
    (a staffing search's team sizes), with `jobs` replications running side by side."""
    sizes = [replication_size(s) for s in scenarios]
    runs = replications * len(scenarios) * repeats
    steps = sum(size.steps for size in sizes) * replications * repeats
    held = sum(size.result_bytes for size in sizes) * replications
    running = max(size.running_bytes for size in sizes) * max(1, min(jobs, runs))
    largest = max(size.steps for size in sizes)
    return JobSize(steps, runs, BYTES_BASE + held + running, largest)


def check(size: JobSize, force: bool = False, jobs: int = 1) -> None:
    """Raise JobTooBig when the job is beyond `sim.common.limits.MAX_STEPS` or `MAX_MEMORY_BYTES` (unless
    `force`); an estimate that is not a finite number is beyond them."""
    if force:
        return
    problems = []
    if not size.steps <= limits.MAX_STEPS:  # NaN is beyond too
        problems.append(f"more than {_count_words(limits.MAX_STEPS)} steps")
    if not size.memory_bytes <= limits.MAX_MEMORY_BYTES:
        problems.append(f"more than {limits.MAX_MEMORY_BYTES / 1024**3:.0f} GiB of memory")
    if problems:
        raise JobTooBig(
            f"this job is too big: {size.describe(jobs)}, over {size.runs:,} replications; the limit is "
            f"{' and '.join(problems).replace('more than ', '')} (docs/limits.md). Shorten the horizon, run "
            "fewer replications, arms or team sizes, or force it to run anyway (force=True)"
        )

"""A staffing search's results (`StaffResults`): the printout a planner reads, and the table.

Beside the answer it says what the answer costs (`analysts.cost_per_year`), how far it is from
the Erlang C estimate and why when that is more than `ESTIMATE_CLOSE` analysts, and, with a
proactive source, how many reports the team finds by searching at the answer beside the scenario's
own team (and today's: the file without --set), with a warning when the answer meets its targets
partly by searching less than that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sim.common.messages import listed
from sim.experiments.job import pandas_module
from sim.experiments.targets import (
    FOUND,
    KEEP_SEARCHING,
    SCREEN_REPLICATIONS,
    SEARCH_FALL_WARNING,
    TEAM_KEY,
    Target,
    Trial,
    is_team_count,
)
from sim.metrics import modelled
from sim.scenario.schema import Scenario
from sim.scenario.workforce import TeamSpec
from sim.stats.intervals import Summary

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas

ESTIMATE_CLOSE = 2  # analysts: an answer this close to the Erlang C estimate needs no explanation


@dataclass
class StaffResults:
    """A staffing search: the targets, the values tried, the answer (None: none up to `high`), the
    Erlang C estimate of each target (None where it has none), and the scenario's own value of the
    searched key."""

    scenario: Scenario
    targets: list[Target]
    answer: int | None
    trials: list[Trial]
    estimates: list[int | None]
    seed: int
    replications: int
    jobs: int = 1
    source: Path | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    replication_control: bool = False
    low: int = 1
    high: int = 100
    key: str = TEAM_KEY
    own: int | None = None
    today_found: Summary | None = None  # the finds of the scenario as it is today, when it differs
    guess: int | None = None  # where the search started (None: a bisection from low and high)

    @property
    def erlang_estimate(self) -> int | None:
        """The Erlang C estimate for all the targets it speaks to (the largest of theirs); None when
        it speaks to none or the search is not over `analysts.count`."""
        known = [e for e in self.estimates if e is not None]
        return max(known) if known else None

    @property
    def replication_counts(self) -> list[int]:
        """The replication counts the values were run with in full (one count without replication
        control), smallest first: the trials stopped as clearly short are left out."""
        return sorted(
            {s.replications for t in self.trials if not self.stopped(t) for s in t.summaries.values()}
        )

    def stopped(self, trial: Trial) -> bool:
        """Whether the trial stopped after its first replications, clearly short of a target
        (`targets.screen`): it has fewer than the search's starting count."""
        return trial.replications < self.replications

    @property
    def stopped_values(self) -> list[int]:
        """The values whose trials stopped as clearly short, smallest first."""
        return [t.analysts for t in self.trials if isinstance(t, Trial) and self.stopped(t)]

    def trial(self, value: int | None) -> Trial | None:
        """The trial of `value`, if it was tried."""
        return next((t for t in self.trials if t.analysts == value), None)

    def team(self, value: int) -> str:
        """`13 analysts`, or `analysts.schedule[1].analysts = 3` for another key."""
        return f"{value} analysts" if self.key == TEAM_KEY else f"{self.key} = {value}"

    def key_noun(self, count: int) -> str:
        """`team size(s)`, or `value(s) of KEY` for another key."""
        plural = "s" if count != 1 else ""
        return f"team size{plural}" if self.key == TEAM_KEY else f"value{plural} of {self.key}"

    def answer_line(self) -> str:
        """The last line: `answer: N analysts` (or `answer: KEY = N`), or why there is none."""
        if self.answer is not None:
            return f"answer: {self.team(self.answer)}"
        return f"no answer: even {self.team(self.high)} fail the targets"

    def search_line(self) -> str:
        """How many values the search simulated, and from where it started.

        >>> StaffResults(None, [], 14, [None] * 4, [13], 1, 2, guess=13).search_line()
        'team sizes simulated: 4 (the search started at 13, the Erlang C estimate, and stepped outward)'
        >>> StaffResults(None, [], 14, [None] * 9, [None], 1, 2).search_line()
        'team sizes simulated: 9 (by bisection between 1 and 100)'
        >>> StaffResults(None, [], None, [None], [27], 1, 2, high=22, guess=27).search_line()[24:]
        '(the search started at 22 (--max; the Erlang C estimate is 27) and stepped outward)'
        """
        sizes = "team sizes" if self.key == TEAM_KEY else f"values of {self.key}"
        start = None if self.guess is None else min(max(self.guess, self.low), self.high)
        if self.guess is None:
            how = f"by bisection between {self.low} and {self.high}"
        elif start != self.guess:  # the estimate is outside --min/--max: the nearest end
            whose = "the Erlang C estimate" if self.erlang_estimate == self.guess else "the scenario's own"
            end = "--max" if start == self.high else "--min"
            how = f"the search started at {start} ({end}; {whose} is {self.guess}) and stepped outward"
        elif self.erlang_estimate == self.guess:
            how = f"the search started at {self.guess}, the Erlang C estimate, and stepped outward"
        else:
            how = f"the search started at the scenario's own {self.guess} and stepped outward"
        stopped = self.stopped_values
        if stopped:
            how += (
                f"; {len(stopped)} stopped after {SCREEN_REPLICATIONS} replications, clearly short: "
                + ", ".join(map(str, stopped))
            )
        return f"{sizes} simulated: {len(self.trials)} ({how})"

    def lines(self) -> list[str]:
        """The printout: the targets, each value tried, the Erlang C estimate (and why the answer
        is far from it), the finds and the cost at the answer, and the answer line."""
        from sim.stats.readable import ci_words, is_duration, metric_kind

        counts = self.replication_counts
        shown = f"{self.replications}" if not self.replication_control else (
            f"{'/'.join(map(str, counts))} (replication control)"
        )  # fmt: skip
        each = "the whole 95 % CI" if len(self.targets) == 1 else "each one's whole 95 % CI"
        searched = "" if self.key == TEAM_KEY else f"; searching {self.key}, the scenario's own {self.own}"
        lines = [
            f"target: {self.targets_text()} ({each} over {shown} replications, seed {self.seed}{searched})"
        ]
        for t in self.trials:
            parts = []
            stopped = self.stopped(t)
            for goal, meets in zip(self.targets, t.meets, strict=True):
                s = t.summaries[goal.metric]
                figure = ci_words(s.mean, s.ci95_low, s.ci95_high, s.replications, metric_kind(goal.metric),
                                  target=goal.value, days=is_duration(goal.metric))  # fmt: skip
                parts.append(
                    f"{self.short(goal.metric)} {figure} ".lstrip() + verdict(goal, s, meets, stopped)
                )
            own = "  (the scenario's own)" if t.analysts == self.own else ""
            if stopped:
                own += f"  (stopped after {t.replications} replications)"
            lines.append(
                f"  {t.analysts:4d}{' analysts' if self.key == TEAM_KEY else ''}: " + "; ".join(parts) + own
            )
        lines += self.floor_lines()
        lines += self.estimate_lines()
        lines += self.found_lines()
        lines += self.cost_lines()
        lines += self.replication_lines()
        lines.append(self.search_line())
        lines.append(self.answer_line())
        return lines

    def replication_lines(self) -> list[str]:
        """A note when the search ran with fewer replications than the scenario's own: wide
        intervals, so the answer is a first look to confirm."""
        own = self.scenario.scenario.replications
        if self.replication_control or self.replications >= own or self.answer is None:
            return []
        return [
            f"note: {self.replications} replications, fewer than the scenario's own {own}: the intervals "
            f"are wider and the answer may move by one; confirm it with --replications {own} before "
            "acting on it"
        ]

    def targets_text(self) -> str:
        """The targets in words, each with its `METRIC>=VALUE`, joined by "and"."""
        sla = self.scenario.sla.assessment_hours
        return " and ".join(f"{goal.words(sla)} ({goal})" for goal in self.targets)

    def short(self, name: str) -> str:
        """A metric's short label in the printout's lines of values tried."""
        from sim.metrics import metric

        entry = metric(name)
        return (entry.short or entry.label.replace("{sla}", f"{self.scenario.sla.assessment_hours:g}")) + ":"

    def at_floor(self) -> bool:
        """Whether the answer is `--min` with the value below it not tried (it may meet too)."""
        floor = 1 if self.key == TEAM_KEY else 0
        return self.answer == self.low > floor and self.trial(self.low - 1) is None

    def floor_lines(self) -> list[str]:
        """A note when the answer is `--min`: smaller values were not tried."""
        if not self.at_floor():
            return []
        return [
            f"note: the answer is --min ({self.low}): smaller values were not tried, so fewer may meet the "
            f"targets too (lower --min to find out)"
        ]

    def estimate_lines(self) -> list[str]:
        """The Erlang C estimate, what it covers, and why the answer is more than `ESTIMATE_CLOSE`
        from it when it is."""
        if not is_team_count(self.scenario, self.key):
            return [f"Erlang C estimate: not available when searching {self.key} (it sizes a team's count)"]
        estimate = self.erlang_estimate
        head = (
            "Erlang C estimate (always-on effective team; breaks, absence, searching and the viewing cap "
            "shrink it): "
        )
        if estimate is None:
            return [
                head + "not available for " + listed([g.metric for g in self.targets]) + f" ({self.covers()})"
            ]
        uncovered = [g for g, e in zip(self.targets, self.estimates, strict=True) if e is None]
        covered = [g for g, e in zip(self.targets, self.estimates, strict=True) if e is not None]
        line = head + f"{estimate} analysts"
        if uncovered:
            line += f" (for {listed([str(g) for g in covered])}; "
            line += f"{listed([g.metric for g in uncovered])} has no closed form)"
        lines = [line]
        if self.answer is None or abs(self.answer - estimate) <= ESTIMATE_CLOSE or self.at_floor():
            return lines
        below = self.trial(self.answer - 1)
        deciding = (
            [g for g, meets in zip(self.targets, below.meets, strict=True) if not meets] if below else []
        )
        if deciding and all(g in uncovered for g in deciding):
            lines.append(
                f"  why the answer is {self.answer - estimate:+d} from the estimate: it is set by "
                f"{listed([str(g) for g in deciding])}, which the estimate does not cover (it fails with "
                f"{self.answer - 1} analysts)"
            )
            return lines
        gap = self.answer - estimate
        reasons = self.needs_more() if gap > 0 else self.needs_fewer()
        lines.append(
            f"  why the answer is {gap:+d} from the estimate: the estimate is an always-on team in a steady "
            f"state at the measured window's average volume; the simulation "
            + ("needs more because of " if gap > 0 else "needs fewer because ")
            + listed(reasons)
            + ". Plan with the simulated answer."
        )
        return lines

    def covers(self) -> str:
        """What the analytic estimate speaks to for the team searched, in words: one team's the
        overall figures; teams of disjoint skills each their own sources' and utilisation; one pool
        of teams the overall figures and each team's utilisation; a source's own mean wait and
        service level where its queue is one priority class; else nothing."""
        from sim.experiments.estimate import one_priority_class, team_estimates
        from sim.scenario.intake import source_key

        spec = self.scenario

        def one_class(sources: Iterable[str]) -> bool:
            return one_priority_class(spec, sources)

        if spec.teams is None:
            if one_class(spec.intake.sources):
                return (
                    "it covers the mean wait, the service level (overall and each source's: one queue, "
                    "first in, first out) and the utilisation; counts have no closed form"
                )
            return (
                "it covers the mean wait, the overall service level and the utilisation of one pooled "
                "queue; a source's own figures (its priority class) and counts have no closed form"
            )
        estimates, form = team_estimates(spec)
        if not estimates:
            return form
        sized = spec.team_spec(self.key)
        if len(estimates) > 1:
            if not one_class(sized.skills):
                return (
                    f"{form}, so it covers team_utilisation_{sized.name}; its sources' own figures "
                    "(priority classes), overall figures, other teams' sources and counts have no closed form"
                )
            own = listed([f"sla_assessment_share_source_{source_key(s)}" for s in sized.skills])
            return (
                f"{form}, so it covers the mean waits and service levels of the sources of team "
                f"{sized.name} ({own}, and their wait_hours_mean_source_*) and "
                f"team_utilisation_{sized.name}; overall figures, other teams' sources and counts have "
                "no closed form"
            )
        each = "each source's mean wait and service level, " if one_class(spec.intake.sources) else ""
        return (
            f"{form}, so it covers the overall mean wait, service level and utilisation, {each}and each "
            "team's utilisation; counts have no closed form"
        )

    def on_duty_hours_a_week(self) -> float:
        """The hours a week each member of the team searched is on duty, as the analytic estimate
        has it (the sized team's own with `[teams]`)."""
        from sim.experiments.estimate import effective_capacity

        spec = self.scenario
        if spec.teams is None:
            return effective_capacity(spec).on_duty_share * 168
        return effective_capacity(spec, [self._sized_team().name]).on_duty_share * 168

    def needs_more(self) -> list[str]:
        """What the scenario has that the Erlang C estimate leaves out and that takes more analysts
        than it says, in words."""
        spec = self.scenario
        reasons = []
        on_duty_hours = self.on_duty_hours_a_week()
        member = "analyst" if spec.teams is None else f"member of team {self._sized_team().name}"
        if on_duty_hours < 168 - 1e-6:
            reasons.append(
                f"the rota (each {member} is on duty about {on_duty_hours:.0f} of the week's 168 hours, "
                "so reports that arrive off duty wait for the next shift)"
            )
        if spec.intake.growth_per_year > 0:
            reasons.append(
                f"growth ({spec.intake.growth_per_year:.0%} a year: the team must keep up at the window's "
                "end, the estimate at its average)"
            )
        events = [
            ("surges", spec.intake.surges), ("a starting backlog", spec.intake.initial_backlog),
            ("capacity windows", any(t.section.capacity_windows for t in spec.team_specs)),
            ("hires and leavers", any(t.section.changes for t in spec.team_specs)),
            ("holidays", any(t.section.holidays for t in spec.team_specs)),
            ("takedown re-checks", spec.takedown.follow_up_hours),
        ]  # fmt: skip
        reasons += [words for words, present in events if present]
        return reasons or ["of the variability the estimate averages away (check the CIs: few replications?)"]

    def needs_fewer(self) -> list[str]:
        """Why the simulated team can be smaller than the Erlang C estimate says, in words."""
        spec = self.scenario
        reasons = []
        if "proactive" in modelled(spec):
            reasons.append(
                "searching gives way when the team is busy (the estimate counts the finds of the full "
                "search share as work; the simulated team finds fewer as the queue grows)"
            )
        targets = {g.metric for g in self.targets}
        if "sla_assessment_share" in targets or any(t.startswith("sla_assessment_share_") for t in targets):
            reasons.append(
                f"the target allows {spec.sla.assessment_hours:g} hours, time for a queue that builds up "
                "to be cleared within it, which the steady-state tail of Erlang C near full load does "
                "not credit"
            )
        return reasons or [
            "the estimate is conservative for this scenario (check the CIs: few replications?)"
        ]

    def found_lines(self) -> list[str]:
        """With a proactive source: the reports found at the answer beside the scenario's own team,
        and a warning when the answer cuts them by more than `SEARCH_FALL_WARNING`."""
        at, own = self.trial(self.answer), self.trial(self.own)
        if at is None or own is None or FOUND not in at.summaries:
            return []
        found, before = at.summaries[FOUND], own.summaries[FOUND]
        days = self.scenario.scenario.horizon_days - self.scenario.scenario.warmup_days
        from sim.stats.readable import ci_words, rounded

        def mean(s: Summary) -> str:
            return rounded(s.mean, s.ci95_low, s.ci95_high, s.replications, "count")[0]

        line = (
            f"reports found by searching in the measured {days:g} days: "
            f"{ci_words(found.mean, found.ci95_low, found.ci95_high, found.replications, 'count')} at the "
            + (
                f"answer, the scenario's own {self.team(self.own)}"
                if self.answer == self.own
                else f"answer, {self.team(self.answer)}; {mean(before)} with the scenario's own "
                f"{self.team(self.own)}"
            )
        )
        reference, whose = before.mean, f"the scenario's own {self.team(self.own)}"
        if self.today_found is not None and self.today_found.mean != before.mean:  # else the same run
            reference, whose = self.today_found.mean, "today (the file without --set)"
            line += f"; {mean(self.today_found)} {whose}"
        lines = [line]
        if reference > 0 and found.mean < (1 - SEARCH_FALL_WARNING) * reference:
            fall = 1 - found.mean / reference
            # a team no smaller than the scenario's own searches less only because the what-if
            # (more reports, say) leaves it less time: say so, rather than blame the answer
            cause = (
                "the answer cuts searching"
                if self.answer is not None and self.answer < self.own
                else "searching falls under the what-if, a busier team having less time for it"
            )
            lines.append(
                f"warning: {cause}: {self.team(self.answer)} find {fall * 100:.0f} % fewer "
                f"reports than {whose}, so the targets are met partly by searching less. To keep "
                f'searching as it is, add --target "{FOUND}>={math.floor(KEEP_SEARCHING * reference)}" '
                f"({KEEP_SEARCHING * 100:.0f} % of those finds)."
            )
        return lines

    def cost_lines(self) -> list[str]:
        """With `analysts.cost_per_year`: the yearly cost of the team at the answer and of the
        scenario's own team."""
        sized = self._sized_team()
        team = sized.section
        if team.cost_per_year is None or self.answer is None:
            return []
        at = self.scenario.with_values({self.key: self.answer}).team_spec(sized.key).section.count
        cost, currency = team.cost_per_year, team.currency
        line = (
            f"yearly cost: {at:,} analysts x {cost:,.0f} {currency} = {at * cost:,.0f} {currency} a year "
            f"at the answer; the scenario's own {team.count:,}: {team.count * cost:,.0f} {currency}"
        )
        if team.changes:
            line += f" (day 0's team: the hires and leavers of {sized.key}.changes are not counted)"
        return [line]

    def _sized_team(self) -> TeamSpec:
        """The team whose key is searched (the first team for a key of no team)."""
        try:
            return self.scenario.team_spec(self.key)
        except KeyError:
            return self.scenario.team_specs[0]

    def frame(self) -> pandas.DataFrame:
        """staffing.csv as a DataFrame: one row per value tried and metric (each target's, then
        `reports_found` when it is shown but not a target)."""
        pd = pandas_module()
        return pd.DataFrame(self.rows(), columns=STAFFING_COLUMNS)

    def rows(self) -> list[list]:
        """staffing.csv's rows (`STAFFING_COLUMNS`): each value tried, each target's metric, and
        `reports_found` (no target) where it is shown but not a target; each with the replications
        its figures are over (fewer for a trial stopped as clearly short)."""
        rows = []
        for t in self.trials:
            for goal, meets in zip(self.targets, t.meets, strict=True):
                s = t.summaries[goal.metric]
                rows.append([t.analysts, goal.metric, s.mean, s.ci95_low, s.ci95_high, meets, str(goal),
                             t.meets_target, s.replications])  # fmt: skip
            targeted = {g.metric for g in self.targets}
            for name, s in t.summaries.items():
                if name not in targeted:
                    rows.append([t.analysts, name, s.mean, s.ci95_low, s.ci95_high, None, "", t.meets_target,
                                 s.replications])  # fmt: skip
        return rows


STAFFING_COLUMNS = ("analysts", "metric", "mean", "ci95_low", "ci95_high", "meets_target", "target",
                    "meets_all_targets", "replications")  # fmt: skip


def verdict(goal: Target, s: Summary, meets: bool, stopped: bool) -> str:
    """A target's word on a trial's line: `meets` or `fails`; on a trial stopped after its first
    replications, `clearly short` for the target that stopped it, and `not settled` for one its
    few replications neither meet nor clearly miss.

    >>> goal = Target("m", ">=", 0.95)
    >>> short, unsettled = Summary(0.7, 0.01, 0.6, 0.8, 2), Summary(0.96, 0.05, 0.5, 1.4, 2)
    >>> verdict(goal, short, False, True), verdict(goal, unsettled, False, True)
    ('clearly short', 'not settled')
    """
    if stopped and not meets:
        return "clearly short" if goal.clearly_missed_by(s) else "not settled"
    return "meets" if meets else "fails"

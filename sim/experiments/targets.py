"""Staffing targets (`METRIC<=VALUE`, `METRIC>=VALUE`) and the trials of a staffing search.

>>> parse_target("sla_assessment_share>=0.95")
Target(metric='sla_assessment_share', operator='>=', value=0.95)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.common.messages import shown
from sim.experiments.arms import ExperimentError
from sim.stats.intervals import Summary

if TYPE_CHECKING:
    from sim.metrics import ReplicationResult
    from sim.scenario.schema import Scenario

SCREEN_REPLICATIONS = 2  # a trial's replications before it may stop as clearly short (`screen`)
TEAM_KEY = "analysts.count"  # what `staff` searches unless told another key
FOUND = "reports_found"  # the finds of searching, shown beside the scenario's own team
SEARCH_FALL_WARNING = 0.05  # a fall in finds beyond this share of the own team's is worth a warning
KEEP_SEARCHING = 0.97  # the finds target suggested when searching falls: 97 % of the finds before
ESTIMATED = ("wait_hours_mean", "sla_assessment_share", "analyst_utilisation")  # what Erlang C speaks to


_TARGET = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(<=|>=)\s*([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Target:
    """`METRIC<=VALUE` or `METRIC>=VALUE`."""

    metric: str
    operator: str
    value: float

    def met_by(self, s: Summary) -> bool:
        """Whether the whole 95 % CI is on the right side of the value."""
        if s.replications < 2 or math.isnan(s.ci95_low):
            return False
        return s.ci95_high <= self.value if self.operator == "<=" else s.ci95_low >= self.value

    def clearly_missed_by(self, s: Summary) -> bool:
        """Whether the whole 95 % CI is strictly on the wrong side of the value: the trial is
        clearly short, however many more replications it had (`screen`)."""
        if s.replications < 2 or math.isnan(s.ci95_low):
            return False
        return s.ci95_low > self.value if self.operator == "<=" else s.ci95_high < self.value

    def __str__(self) -> str:
        return f"{self.metric}{self.operator}{self.value:.10g}"

    def words(self, sla_hours: float | None = None) -> str:
        """The target in a planner's words: `share of reports assessed within 72 hours of arrival at
        least 95 %` (`sla_hours`: the service level the label names)."""
        from sim.metrics import label_words
        from sim.stats.readable import metric_kind, number

        kind = metric_kind(self.metric)
        label = label_words(self.metric, sla_hours)
        label = label[:1].lower() + label[1:]
        bound = "at least" if self.operator == ">=" else "at most"
        if kind == "share":
            value = f"{number(self.value * 100, 2).rstrip('0').rstrip('.')} %"
        else:
            unit = {"hours": " hours", "days": " days"}.get(kind, "")
            value = f"{self.value:,.10g}{unit}"
        return f"{label} {bound} {value}"


def parse_target(text: str) -> Target:
    """Parse `METRIC<=VALUE` / `METRIC>=VALUE` (ExperimentError when malformed)."""
    match = _TARGET.match(text)
    if not match:
        raise ExperimentError(f': expected "METRIC<=VALUE" or "METRIC>=VALUE", got {shown(text)}', "target")
    return Target(match.group(1), match.group(2), float(match.group(3)))


def screen(
    targets: Sequence[Target], summaries: Callable[[list[ReplicationResult]], dict[str, Summary]]
) -> tuple[int, Callable[[list[list[ReplicationResult]]], bool]]:
    """The screen of a staffing trial (`run_groups(screen=...)`): after its first
    `SCREEN_REPLICATIONS` replications, it stops when any target's 95 % CI over them is wholly on
    the wrong side (`Target.clearly_missed_by`; `summaries` makes each metric's summary of one
    scenario's replications). Such a trial fails whatever the rest would give: with 5 replications
    in all, no case was found among 400,000 normal samples at each of 26 true means where the whole
    run would have met the target; with 10, at most 0.09 %. The search's far steps, and its check
    that `--max` can meet the targets at all, then cost two replications, not all of them."""

    def settled(groups: list[list[ReplicationResult]]) -> bool:
        first = summaries(groups[0])
        return any(t.clearly_missed_by(first[t.metric]) for t in targets)

    return SCREEN_REPLICATIONS, settled


@dataclass(frozen=True)
class Trial:
    """One value of the searched key tried: each metric's summary (the targets' and, with a
    proactive source, `reports_found`), and whether each target's whole CI holds."""

    analysts: int  # the value of the searched key (analysts.count unless --key)
    summaries: dict[str, Summary]
    meets: tuple[bool, ...]  # one per target, in the targets' order

    @property
    def meets_target(self) -> bool:
        """Whether every target holds."""
        return all(self.meets)

    @property
    def replications(self) -> int:
        """The replications its figures are over (the fewest of its metrics'): fewer than the
        search's for a trial stopped as clearly short (`screen`)."""
        return min(s.replications for s in self.summaries.values())


class Trials:
    """The values a staffing search has tried, each evaluated once (`evaluate(value)` gives each
    target metric's summary), and the bisection every search ends with."""

    def __init__(self, targets: Sequence[Target], evaluate: Callable[[int], dict[str, Summary]]):
        self.targets = targets
        self.evaluate = evaluate
        self.done: dict[int, Trial] = {}

    def meets(self, value: int) -> bool:
        """Whether every target holds at `value` (evaluated the first time it is asked)."""
        if value not in self.done:
            summaries = self.evaluate(value)
            met = tuple(t.met_by(summaries[t.metric]) for t in self.targets)
            self.done[value] = Trial(value, summaries, met)
        return self.done[value].meets_target

    def bisect(self, failing: int, meeting: int) -> int:
        """The smallest meeting value above `failing` (which fails) and up to `meeting` (which
        meets), by bisection: the value below it is among those tried."""
        while meeting - failing > 1:
            middle = (failing + meeting) // 2
            if self.meets(middle):
                meeting = middle
            else:
                failing = middle
        return meeting

    def tried(self) -> list[Trial]:
        """The values tried, smallest first."""
        return sorted(self.done.values(), key=lambda t: t.analysts)


UP_BEFORE_HIGH = 3  # values failing on the way up from the guess before `high` is tried


def nearest_search(
    targets: Sequence[Target], guess: int, low: int, high: int, evaluate: Callable[[int], dict[str, Summary]]
) -> tuple[int | None, list[Trial]]:
    """The smallest value in [low, high] whose CIs meet every target (each target's metric taken to
    improve with the value), searched from `guess` outward in doubling steps, then by bisection;
    the values tried. Near the answer it tries far fewer values than a bisection from the ends.
    Stepping up, after `UP_BEFORE_HIGH` values that fail it tries `high`: when that fails too there
    is no answer, found without climbing through ever larger teams (a target the schedule or the
    calendar keeps out of reach)."""
    trials = Trials(targets, evaluate)
    value = min(max(guess, low), high)
    step = 1
    if trials.meets(value):
        failing, meeting = None, value
        while failing is None and meeting > low:
            probe = max(low, meeting - step)
            if trials.meets(probe):
                meeting = probe
                step *= 2
            else:
                failing = probe
        if failing is None:
            return meeting, trials.tried()
    else:
        failing, meeting = value, None
        failures = 1
        while meeting is None:
            if failing >= high:
                return None, trials.tried()
            if failures == UP_BEFORE_HIGH and not trials.meets(high):
                return None, trials.tried()
            failures += 1
            probe = min(high, failing + step)
            if trials.meets(probe):
                meeting = probe
            else:
                failing = probe
                step *= 2
    return trials.bisect(failing, meeting), trials.tried()


def is_team_count(scenario: Scenario, key: str) -> bool:
    """Whether `key` is the size of one of the scenario's teams (`analysts.count`, `teams.T.count`)."""
    return key in {spec.count_key for spec in scenario.team_specs}

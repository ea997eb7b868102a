"""The queue of reports waiting for assessment, in its three forms.

- one priority class and one team: a plain `deque`, first in, first out;
- several priority classes and one team: `PriorityQueue`, by class, then first in, first out;
- several teams (`[teams]`): `SkillQueue`, one lane per source; each team reads it through a
  `TeamView` of the lanes of the sources it is skilled for, and takes the most urgent report among
  them (priority class, then the order the reports joined the queue).

All three give the same order when one team may take every report, so the first two are kept
for the common case only because they are faster.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from sim.model.report import ARRIVAL, SOURCE, Report


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

    def extend(self, reports: list[Report]) -> None:
        """Put reports at the back of their classes, in order."""
        for report in reports:
            self.append(report)

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


class SkillQueue:
    """Waiting reports in one lane per source, each with its priority and its place in the order
    the reports joined the queue, so that any set of lanes can be read as one priority queue."""

    def __init__(self, priority_of_source: list[int]):
        self.priority_of_source = priority_of_source
        self.lanes: list[deque[tuple[int, int, Report]]] = [deque() for _ in priority_of_source]
        self.joined = 0  # reports that have joined so far: the next one's place
        self.length = 0

    def append(self, report: Report) -> None:
        """Put a report at the back of its source's lane."""
        source = report[SOURCE]
        self.lanes[source].append((self.priority_of_source[source], self.joined, report))
        self.joined += 1
        self.length += 1

    def extend(self, reports: list[Report]) -> None:
        """Put reports at the back of their sources' lanes, in order."""
        for report in reports:
            self.append(report)

    def view(self, sources: list[int]) -> TeamView:
        """The queue as a team skilled for `sources` (indices) sees it."""
        return TeamView(self, [self.lanes[s] for s in sources])

    def __len__(self) -> int:
        return self.length

    def __bool__(self) -> bool:
        return self.length > 0

    def __iter__(self) -> Iterator[Report]:
        for lane in self.lanes:
            for _, _, report in lane:
                yield report


class TeamView:
    """The reports of a `SkillQueue` that one team may take: the most urgent first (priority class,
    then the order they joined the queue)."""

    __slots__ = ("queue", "lanes")

    def __init__(self, queue: SkillQueue, lanes: list[deque[tuple[int, int, Report]]]):
        self.queue = queue
        self.lanes = lanes

    def _first_lane(self) -> deque[tuple[int, int, Report]]:
        first = None
        for lane in self.lanes:
            if lane and (first is None or lane[0][:2] < first[0][:2]):
                first = lane
        if first is None:
            raise IndexError("the team has no report waiting")
        return first

    def popleft(self) -> Report:
        """Take the team's next report."""
        report = self._first_lane().popleft()[2]
        self.queue.length -= 1
        return report

    def head(self) -> tuple[int, float]:
        """The priority and arrival time of the report `popleft` would take."""
        priority, _, report = self._first_lane()[0]
        return priority, report[ARRIVAL]

    def __bool__(self) -> bool:
        return any(self.lanes)

    def __len__(self) -> int:
        return sum(len(lane) for lane in self.lanes)

"""A team as the model runs it: its rules (breaks, viewing cap, searching, speed), the queue as it
sees it, its re-checks and its idle members.

Every team-wide value the analysts' steps read lives here, so that several teams with their own
shifts, breaks, caps, skills and speeds run side by side (`[teams]`); `[analysts]` is one team.
"""

from __future__ import annotations

import math
from collections import deque

from sim.model.events import Wake
from sim.model.intake import FindSupply
from sim.model.queues import PriorityQueue, TeamView
from sim.model.report import Report
from sim.model.workforce import WorkforcePlan
from sim.scenario.workforce import TeamSpec

MINUTES_PER_HOUR = 60.0


class TeamState:
    """One team of one replication (see the module docstring)."""

    __slots__ = (
        "index", "name", "spec", "plan", "sources", "time_factor", "break_every_hours", "break_hours",
        "viewing_cap_hours", "finds", "search_share", "block_hours", "search_when_idle", "limited", "queue",
        "rechecks", "idle",
    )  # fmt: skip

    def __init__(
        self,
        index: int,
        spec: TeamSpec,
        plan: WorkforcePlan,
        sources: list[int],
        queue: deque[Report] | PriorityQueue | TeamView,
        finds: FindSupply | None,
    ):
        self.index = index
        self.name = spec.name
        self.spec = spec
        self.plan = plan
        self.sources = sources  # the indices of the sources it may assess
        self.time_factor = 1.0 / spec.speed  # on assessment times
        team = spec.section
        breaks = team.breaks
        self.break_every_hours = breaks.every_minutes / MINUTES_PER_HOUR if breaks else math.inf
        self.break_hours = breaks.length_minutes / MINUTES_PER_HOUR if breaks else 0.0
        cap = team.max_viewing_hours_per_day
        self.viewing_cap_hours = math.inf if cap is None else cap
        # proactive searching belongs to the teams skilled for the proactive source
        self.finds = finds if finds is not None and finds.source_index in sources else None
        finds = self.finds
        self.search_share = finds.search_share if finds else 0.0
        self.block_hours = finds.block_hours if finds and self.search_share > 0 else math.inf
        self.search_when_idle = bool(finds and finds.search_when_idle)
        # whether a break, the viewing cap or a block of searching can come before the next job
        self.limited = self.break_every_hours < math.inf or cap is not None or self.block_hours < math.inf
        self.queue = queue
        self.rechecks: deque = deque()  # (queued at, page): the team's re-checks, first in, first out
        self.idle: dict[int, Wake] = {}  # members waiting for work, longest waiting first

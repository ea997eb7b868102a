"""The takedown sections: hosts and their routes, removal delays, follow-ups and escalation
(`[takedown]`), and re-uploads (`[reuploads]`).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from sim.common.limits import (
    MAX_FOLLOW_UPS,
    MAX_HOURS,
    MAX_LIST,
    MAX_REUPLOAD_SHARE,
    MIN_FOLLOW_UP_HOURS,
)
from sim.common.messages import shown
from sim.scenario.distributions import Distribution
from sim.scenario.section import SHARE_SUM_TOLERANCE, Section, Share, about

ROUTES = ("direct", "partner_hotline", "law_enforcement")


Route = Literal["direct", "partner_hotline", "law_enforcement"]


class Host(Section):
    """`[[takedown.hosts]]`: a hosting country, its share of actionable pages and its route.

    `removal_hours` (notice to removal) may be left out: the route's default then applies.
    """

    country: str = Field(
        min_length=1,
        max_length=60,
        description="The hosting country.",
        json_schema_extra=about(
            "text", valid="not blank, no line breaks or control characters; each country once"
        ),
    )
    share: Share = Field(
        description="Share of actionable pages hosted here.",
        json_schema_extra=about("share of actionable pages"),
    )
    route: Route = Field(
        description="How the notice reaches the host; gives the default `removal_hours`.",
        json_schema_extra=about("notice route"),
    )
    removal_hours: Distribution | None = Field(
        default=None,
        description="Delay from notice to removal for pages on this host.",
        json_schema_extra=about(
            "hours from notice to removal",
            default="the route's default",
            valid="required when the route has no default",
        ),
    )

    @field_validator("country")
    @classmethod
    def _printable(cls, country: str) -> str:
        if not country.strip() or any(ord(c) < 32 for c in country):
            raise ValueError(
                f"expected a country name with no line breaks or control characters, got {shown(country)}"
            )
        return country


class RouteDefaults(Section):
    """`[takedown.routes.<route>]`: what a host on this route uses when it does not say."""

    removal_hours: Distribution = Field(
        description="Delay from notice to removal for hosts of this route that do not give their own.",
        json_schema_extra=about("hours from notice to removal"),
    )


class Takedown(Section):
    """`[takedown]`: where actionable pages are hosted, how fast they are removed, and follow-ups.

    Follow-ups are off unless `follow_up_hours` is set: a page still up that long after its notice
    (or after its last re-check) is re-checked by an analyst (`recheck_minutes`, queued with
    `recheck_priority`); once `max_follow_ups` re-checks have found it still up it is escalated,
    and is removed at the earlier of its host's removal and `escalation_removal_hours` after the
    escalation (default: the law-enforcement route's delay).
    """

    hosts: list[Host] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Where actionable pages are hosted; each notice goes to a host drawn by share.",
        json_schema_extra=about(
            "host tables",
            default="no hosts: notices sent, removal not modelled",
            valid=f"shares sum to 1 (within {SHARE_SUM_TOLERANCE:g}), each country once",
        ),
    )
    routes: dict[Route, RouteDefaults] = Field(
        default_factory=dict,
        description="Default removal delay of each route, for hosts that do not give their own.",
        json_schema_extra=about("route tables", key="ROUTE"),
    )
    follow_up_hours: float | None = Field(
        default=None,
        ge=MIN_FOLLOW_UP_HOURS,
        le=MAX_HOURS,
        description="A page still up this long after its notice (or its last re-check) is re-checked.",
        json_schema_extra=about(
            "hours after the notice (and after each re-check)",
            default="no follow-ups",
            valid="needs `takedown.hosts`",
        ),
    )
    recheck_minutes: float = Field(
        default=2.0,
        ge=0,
        le=1440,
        description="Analyst time of one re-check (it counts as viewing and as busy time).",
        json_schema_extra=about("analyst minutes per re-check"),
    )
    recheck_priority: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Queue class of re-checks among the reports' classes; first in, first out in a class.",
        json_schema_extra=about("queue class, lower first (as a source's `priority`)"),
    )
    recheck_team: str | None = Field(
        default=None,
        description="The team (`[teams.NAME]`) that does the re-checks of every page.",
        json_schema_extra=about(
            "a team's name",
            default="for each page, the first team skilled for the source of its report",
            valid="a team of the scenario (`analysts` when there is only `[analysts]`)",
        ),
    )
    max_follow_ups: int | None = Field(
        default=None,
        ge=0,
        le=MAX_FOLLOW_UPS,
        description=(
            "Re-checks that find a page still up before it is escalated (0: escalated at the first "
            "follow-up, with no re-check)."
        ),
        json_schema_extra=about(
            "re-checks finding a page still up before it is escalated",
            default="never escalated",
            valid="needs `follow_up_hours`",
        ),
    )
    escalation_removal_hours: Distribution | None = Field(
        default=None,
        description=(
            "Delay from escalation to removal: an escalated page is removed at the earlier of its "
            "host's removal and this."
        ),
        json_schema_extra=about(
            "hours from escalation to removal",
            default="the `law_enforcement` route's default",
            valid="required with `max_follow_ups` when that route has no default",
        ),
    )

    @field_validator("hosts")
    @classmethod
    def _shares_sum_to_one(cls, hosts: list[Host]) -> list[Host]:
        if hosts:
            total = math.fsum(h.share for h in hosts)
            if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
                raise ValueError(f"expected host shares summing to 1 (within 1e-6), got {total:.9g}")
            countries = [h.country for h in hosts]
            repeated = sorted({c for c in countries if countries.count(c) > 1})
            if repeated:
                raise ValueError(f"expected each country once, got repeated {repeated}")
        return hosts

    @model_validator(mode="after")
    def _delays_known(self) -> Takedown:
        for index, host in enumerate(self.hosts):
            if host.removal_hours is None and host.route not in self.routes:
                raise ValueError(
                    f".hosts[{index}].removal_hours: missing, and route {shown(host.route)} has no default "
                    f"(expected removal_hours here or in [takedown.routes.{host.route}])"
                )
        if self.max_follow_ups is not None:
            if self.follow_up_hours is None:
                raise ValueError(
                    ".max_follow_ups: expected follow_up_hours to be set as well (follow-ups are off)"
                )
            if self.escalation_removal_hours is None and "law_enforcement" not in self.routes:
                raise ValueError(
                    ".escalation_removal_hours: missing (expected a distribution here, or a "
                    "[takedown.routes.law_enforcement] default, for escalated pages)"
                )
        return self

    def removal_hours_of(self, host: Host) -> Distribution:
        """The host's removal delay, or its route's default."""
        return host.removal_hours if host.removal_hours is not None else self.routes[host.route].removal_hours

    @property
    def escalation_delay(self) -> Distribution | None:
        """Delay from escalation to removal (None when pages are never escalated)."""
        if self.max_follow_ups is None:
            return None
        if self.escalation_removal_hours is not None:
            return self.escalation_removal_hours
        return self.routes["law_enforcement"].removal_hours


class Reuploads(Section):
    """`[reuploads]`: removed pages that come back at a new URL (off unless `share` > 0).

    A removed page comes back with probability `share`, `delay_days` after its removal. A
    `hash_block_share` of those is stopped at upload by the hash list (counted, never reported);
    the rest arrive as reports of `source` (default: the proactive source if there is one, else the
    first source) and pass the dedup gate like any report. A re-upload is always actionable.
    """

    share: Share = Field(
        default=0.0,
        description="Probability that a removed page comes back at a new URL.",
        json_schema_extra=about(
            "share of removed pages that come back at a new URL",
            default="off",
            valid=(
                f"> 0 needs `delay_days` and `takedown.hosts`; `share x (1 - hash_block_share) <= "
                f"{MAX_REUPLOAD_SHARE:g}`"
            ),
        ),
    )
    delay_days: Distribution | None = Field(
        default=None,
        description="Delay from removal to re-upload.",
        json_schema_extra=about("days from removal to re-upload", valid="required when `share` > 0"),
    )
    hash_block_share: Share = Field(
        default=0.0,
        description="Re-uploads stopped at upload by the hash list: counted, never reported.",
        json_schema_extra=about("share of re-uploads stopped at upload by the hash list"),
    )
    source: str | None = Field(
        default=None,
        description="The source whose reports re-uploads arrive as (always actionable).",
        json_schema_extra=about(
            "source name",
            default="the proactive source if there is one, else the first source",
            valid="one of `intake.sources`",
        ),
    )

    @model_validator(mode="after")
    def _delay_given(self) -> Reuploads:
        if self.share > 0 and self.delay_days is None:
            raise ValueError(
                '.delay_days: missing (expected a distribution such as { dist = "exponential", mean = 30 } '
                "when share > 0)"
            )
        reported = self.share * (1.0 - self.hash_block_share)
        if reported > MAX_REUPLOAD_SHARE:
            raise ValueError(
                f".share: expected share x (1 - hash_block_share) <= {MAX_REUPLOAD_SHARE:g} (the removed "
                "pages that come back as reports; at 1 every page would come back forever), got "
                f"{self.share:g} x (1 - {self.hash_block_share:g})"
            )
        return self

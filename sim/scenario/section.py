"""What every section of a scenario shares: the strict, immutable model base, the error type,
shares and the reference metadata of a field.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from sim.common.limits import (
    MAX_PROFILE_WEIGHT,
    MIN_PROFILE_WEIGHT,
)
from sim.common.messages import cut

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$"


SHARE_SUM_TOLERANCE = 1e-6


PROFILE_WEIGHTS = f"each 0 or in [{MIN_PROFILE_WEIGHT:g}, {MAX_PROFILE_WEIGHT:g}]"


class ScenarioError(ValueError):
    """An invalid scenario: the message names the file, the key path, the value and the expectation."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = [cut(problem) for problem in problems]  # a long value or key never buries it
        lines = [f"{cut(source)}: invalid scenario ({len(problems)} problem(s))"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class Section(BaseModel):
    """A section of a scenario: unknown keys refused, values strict and finite, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Share = Annotated[float, Field(ge=0, le=1)]


def about(
    unit: str | None = None, *, default: str | None = None, valid: str | None = None, key: str | None = None
) -> dict[str, str]:
    """Reference metadata of a key (its `json_schema_extra`), read by `sim.scenario.reference`.

    `unit`: what the value counts or measures. `default`: what the model default means when it
    cannot say it itself (None meaning "off", or a value resolved from other keys). `valid`: the
    checks the field constraints do not carry (made by validators or across keys). `key`: the
    placeholder for the names of a table's keys (`intake.sources.NAME`). Nothing here is validated.
    """
    given = {"unit": unit, "default": default, "valid": valid, "key": key}
    return {name: text for name, text in given.items() if text is not None}

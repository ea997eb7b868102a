"""Sensitivity to assumptions: each key moved down and up by a relative change, with common random
numbers, and the paired effect on chosen metrics (a tornado).

How a value moves by a change c: a number x -> x (1 - c) and x (1 + c) (whole numbers rounded);
a distribution -> its mean (or `value`, or `low`, `mode` and `high` together); a profile (a list of
weights) -> its shape flattened (down) or sharpened (up): each weight w -> m + (w - m)(1 -+ c)
around the mean m.
A move the schema rejects (a share above 1, say) is reported, not run.

By default the keys are those a scenario file marks with `# assumption:` (on the key's line, or in
a comment block just above it), leaving out `scenario.*` (horizon, seed, ...) and `sla.*` (the
question, not an assumption).

>>> round(moved(0.1, 0.2, -1), 12), moved(13, 0.2, +1), moved([1.0, 3.0], 0.5, -1)
(0.08, 16, [1.5, 2.5])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.assumptions import marked_keys
from sim.scenario import Scenario, ScenarioError, get_dotted

LEFT_OUT = ("scenario.", "sla.")


def assumption_keys(path: Path) -> list[str]:
    """The dotted keys that `path` marks with `# assumption:` (see the module docstring)."""
    return [key for key, _, strict in marked_keys(path) if strict and not key.startswith(LEFT_OUT)]


def moved(value: Any, change: float, direction: int) -> Any:
    """`value` moved by the relative `change` down (-1) or up (+1); ValueError if it cannot move."""
    factor = 1 + direction * change
    if isinstance(value, bool) or isinstance(value, str):
        raise ValueError("not a number, a distribution or a profile")
    if isinstance(value, int):
        return round(value * factor)
    if isinstance(value, float):
        return value * factor
    if isinstance(value, list) and value and all(isinstance(v, int | float) for v in value):
        mean = sum(value) / len(value)
        return [mean + (v - mean) * factor for v in value]
    if isinstance(value, dict) and "dist" in value:
        out = dict(value)
        for name in ("mean", "value", "low", "mode", "high"):
            if name in out:
                out[name] = out[name] * factor
        return out
    raise ValueError("not a number, a distribution or a profile")


@dataclass(frozen=True)
class Move:
    """One key moved one way: the value, and the scenario it makes or why it cannot be run."""

    key: str
    direction: str  # "down" or "up"
    value: Any
    scenario: Scenario | None
    problem: str = ""


def build_moves(base: Scenario, keys: list[str], change: float) -> list[Move]:
    """Every key down and up; a key that is not in the scenario raises KeyError."""
    data = base.to_dict()
    moves = []
    for key in keys:
        current = get_dotted(data, key)
        for direction, sign in (("down", -1), ("up", +1)):
            try:
                value = moved(current, change, sign)
            except ValueError as exc:
                moves.append(Move(key, direction, None, None, f"cannot be moved: {exc}"))
                continue
            if value == current:
                moves.append(Move(key, direction, value, None, "unchanged by the move (zero or flat)"))
                continue
            try:
                moves.append(Move(key, direction, value, base.with_values({key: value})))
            except ScenarioError as exc:
                moves.append(Move(key, direction, value, None, "; ".join(exc.problems)))
    return moves


def span(low: float, high: float) -> float:
    """The width of a tornado bar (0 when a side is undefined)."""
    values = [v for v in (low, high) if not math.isnan(v)]
    return max(values) - min(values) if len(values) == 2 else 0.0

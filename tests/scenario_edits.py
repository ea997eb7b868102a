"""Shared helpers of the bad-input suites: edit a valid scenario one key at a time, write it as TOML.

A mutation is a function that changes plain scenario data in place; `put`, `drop` and `rename`
make one from a key path given as steps (`put("analysts", "count", value=0)`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli_w

EXIT_INVALID = 2

# Wording that belongs to the validation library, not to a message written for a planner.
LIBRARY_WORDING = (
    "Input should",
    "should have at least",
    "String should match pattern",
    "instance of",
    "extract fields from",
    "Value error",
    "pydantic",
    "Traceback",
)

Mutation = Callable[[dict[str, Any]], None]


def write_scenario(path: Path, data: dict[str, Any]) -> Path:
    """Write scenario data as a TOML file."""
    path.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    return path


def _parent(data: dict[str, Any], steps: tuple[Any, ...]) -> Any:
    node: Any = data
    for step in steps[:-1]:
        node = node[step]
    return node


def put(*steps: Any, value: Any) -> Mutation:
    """Set data[steps[0]][steps[1]]... = value."""

    def mutate(data: dict[str, Any]) -> None:
        _parent(data, steps)[steps[-1]] = value

    return mutate


def drop(*steps: Any) -> Mutation:
    """Delete data[steps[0]][steps[1]]..."""

    def mutate(data: dict[str, Any]) -> None:
        del _parent(data, steps)[steps[-1]]

    return mutate


def rename(*steps: Any, to: str) -> Mutation:
    """Rename the key at data[steps...] to `to` (a typo), keeping its value."""

    def mutate(data: dict[str, Any]) -> None:
        parent = _parent(data, steps)
        parent[to] = parent.pop(steps[-1])

    return mutate

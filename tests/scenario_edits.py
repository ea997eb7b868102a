"""Shared helpers of the bad-input suites: edit a valid scenario one key at a time, write it as TOML.

A mutation is a function that changes plain scenario data in place; `put`, `drop` and `rename`
make one from a key path given as steps (`put("analysts", "count", value=0)`).
"""

from __future__ import annotations

import copy
import tomllib
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
    "Tuple should",
    "after validation",
    "tuple",
    "union_tag",
    "[key]",
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


def broken_data(base: dict[str, Any], mutate: Mutation) -> dict[str, Any]:
    """A copy of `base` with one mutation applied."""
    data = copy.deepcopy(base)
    mutate(data)
    return data


def broken_file(folder: Path, case_id: str, base: dict[str, Any], mutate: Mutation) -> Path:
    """`base` with one mutation, written as `<folder>/<case_id>.toml`."""
    return write_scenario(folder / f"{case_id}.toml", broken_data(base, mutate))


def assert_invalid_message(message: str, source: str, key: str, fragment: str, problems: int | None) -> None:
    """The message names the file, the count of problems (any count when None) and the key, with the
    expected text, in a planner's words (none of the validation library's)."""
    lines = message.splitlines()
    assert lines, message
    if problems is None:
        assert lines[0].startswith(f"{source}: invalid scenario (") and lines[0].endswith(" problem(s))"), (
            message
        )
    else:
        assert lines[0] == f"{source}: invalid scenario ({problems} problem(s))", message
    key_lines = [line for line in lines if line.startswith(f"  {key}: ")]
    assert key_lines, f"no line for key {key!r} in:\n{message}"
    assert any(fragment in line for line in key_lines), f"{fragment!r} not on the {key!r} line:\n{message}"
    for wording in LIBRARY_WORDING:
        assert wording not in message, f"library wording {wording!r} in:\n{message}"


def resolved(stdout: str) -> dict[str, Any]:
    """The TOML printed by `check` (its first line is a comment)."""
    assert stdout.startswith("# "), stdout
    return tomllib.loads(stdout)

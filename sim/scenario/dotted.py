"""Dotted keys: `a.b[2].c` read and set in nested plain data (for `--set`, `--vary` and the API)."""

from __future__ import annotations

import re
from typing import Any

from sim.common.messages import shown


def key_parts(key: str) -> list[str | int]:
    """`a.b[2].c` -> ['a', 'b', 2, 'c'] (KeyError when it is not a dotted key)."""
    parts: list[str | int] = []
    for piece in key.split("."):
        match = re.fullmatch(r"([^\[\]]+)((?:\[\d+\])*)", piece)
        if not match:
            raise KeyError(f"not a dotted key: {shown(key)}")
        parts.append(match.group(1))
        parts += [int(i) for i in re.findall(r"\[(\d+)\]", match.group(2))]
    return parts


def get_dotted(data: dict[str, Any], key: str) -> Any:
    """The value at `key` (`a.b[2].c`) in nested plain data (KeyError naming what is missing)."""
    node: Any = data
    for part in key_parts(key):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise KeyError(f"{key}: no element [{part}]")
        elif not isinstance(node, dict) or part not in node:
            raise KeyError(f"{key}: no key {shown(part)} here")
        node = node[part]
    return node


def set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` (`a.b[2].c`) in nested plain data, creating tables as needed."""
    parts = key_parts(key)
    node: Any = data
    for here, following in zip(parts[:-1], parts[1:], strict=True):
        if isinstance(here, int):
            if not isinstance(node, list) or here >= len(node):
                raise KeyError(f"{key}: no element [{here}]")
            node = node[here]
        else:
            if here not in node:
                node[here] = [] if isinstance(following, int) else {}
            node = node[here]
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise KeyError(f"{key}: no element [{last}]")
    node[last] = value

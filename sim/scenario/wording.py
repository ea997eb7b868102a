"""How a validation error reads: the key path, what was expected and what was given, in a planner's words."""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import (
    BaseModel,
)

from sim.common.messages import shown
from sim.scenario.distributions import DIST_NAMES
from sim.scenario.share_rules import (
    SHARE_RULE_EXPECTED,
    PointsRule,
    PointTable,
)


def _dotted(loc: tuple[Any, ...], data: Any) -> tuple[str, tuple[Any, ...]]:
    """Turn a pydantic location into `takedown.hosts[2].share`, dropping union tags."""
    text = ""
    kept: list[Any] = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if part == "[key]" or (isinstance(part, str) and part.startswith("<")):
            continue  # pydantic's marker for an invalid dict key, or a union tag: not in the file
        if isinstance(part, int) and isinstance(node, list):
            text += f"[{part}]"
            node = node[part] if 0 <= part < len(node) else None
            kept.append(part)
        elif isinstance(node, dict) and (part in node or last):
            text += ("." if text else "") + str(part)
            node = node.get(part)
            kept.append(part)
        # otherwise a union tag (e.g. 'lognormal', 'shift') that is not in the data: skip it
    return text or "(top level)", tuple(kept)


def describe_error(error: dict[str, Any], data: dict[str, Any], root: type[BaseModel]) -> str:
    """One pydantic error on `data` (validated as `root`, the whole scenario) as a planner reads it:
    the dotted key path, what was expected and what was given."""
    path, kept = _dotted(tuple(error["loc"]), data)
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        key = str(kept[-1]) if kept else path
        known = _known_keys(kept[:-1], data, root)
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        expected = f" (expected one of: {', '.join(sorted(known))})" if known else ""
        return f"{path}: unknown key{hint}{expected}"
    if kind == "missing":
        return f"{path}: missing (a required key)"
    expected = _plain_expectation(kind, error.get("ctx") or {}, kept, data, root)
    if expected:
        return f"{path}: {expected}; got {_show(given)}"
    message = error["msg"]
    if kind == "value_error":  # our own checks: the message already says what was given
        message = message.removeprefix("Value error, ")
        # a check that names its element ("[2].sources: ...") or key (".delay_days: ...") extends the path
        if message.startswith("."):
            return f"{message[1:]}" if path == "(top level)" else f"{path}{message}"
        return f"{path}{message}" if message.startswith("[") else f"{path}: {message}"
    if kind.startswith("union_tag"):
        dist = f"dist = {shown(given['dist'])}" if isinstance(given, dict) and "dist" in given else "no dist"
        return f"{path}: expected dist to be one of {', '.join(DIST_NAMES)}; got {dist}"
    message = message.replace("Input should be", "expected").replace("Input", "value")
    return f"{path}: {message}; got {_show(given)}"


SCHEDULE_EXPECTED = (
    'expected "24/7", a shift table such as { days = "mon-fri", start = "08:00", end = "16:00" } '
    "or a list of them"
)


DISTRIBUTION_EXPECTED = 'expected a distribution table such as { dist = "exponential", mean = 5.0 }'


def _plain_expectation(
    kind: str, ctx: dict[str, Any], kept: tuple[Any, ...], data: Any, root: type[BaseModel]
) -> str | None:
    """Planner's wording for the schema errors whose library wording names internals."""
    field = str(kept[-1]) if kept and not isinstance(kept[-1], int) else ""
    if field in ("duplicate_share", "hash_match_share") and kind in ("float_type", "bool_type", "model_type"):
        return SHARE_RULE_EXPECTED
    if field == "schedule" and kind in ("model_type", "literal_error", "list_type"):
        return SCHEDULE_EXPECTED
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if "dist" in _known_keys(kept, data, root):
            return DISTRIBUTION_EXPECTED
        return "expected a table"
    if kind == "list_type":
        return "expected a list"
    if kind in ("too_long", "too_short") and ctx.get("field_type") == "Tuple":
        return "expected a [day, share] pair"
    if kind == "tuple_type":
        return "expected a [day, share] pair or a { day, share } table"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} entry"
    if kind == "string_pattern_mismatch":
        return "expected letters, digits, spaces, '.', '_' or '-', starting with a letter or digit"
    return None


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a table" if value else "an empty table"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return shown(value)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Model classes reachable from a field annotation (through unions, lists, dicts)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _known_keys(loc: tuple[Any, ...], data: dict[str, Any], root: type[BaseModel]) -> list[str]:
    """The keys the schema (from `root`) allows at `loc` (used for "did you mean")."""
    candidates: list[type[BaseModel]] = [root]
    node: Any = data
    for part in loc:
        node = node[part] if isinstance(node, dict | list) else None
        if isinstance(part, int):
            if PointsRule in candidates:  # points written as a bare list: its items are point tables
                candidates = [PointTable]
            continue
        fields = [m.model_fields[part] for m in candidates if part in m.model_fields]
        if fields:
            candidates = [m for f in fields for m in _models_in(f.annotation)]
        # a dict key such as a source name: stay with the value model
    if isinstance(node, dict) and "dist" in node:
        candidates = [
            m
            for m in candidates
            if "dist" in m.model_fields and node["dist"] in typing.get_args(m.model_fields["dist"].annotation)
        ] or candidates
    keys = {name for model in candidates for name in model.model_fields}
    return sorted(keys)

"""The scenario reference, docs/scenario-reference.md, generated from the scenario models.

Each key's type, default and valid range are read from the pydantic models of `sim.scenario`
(field constraints, `Literal` choices, patterns, lengths, defaults); its unit, its description and
the checks those constraints cannot carry (made by validators or across keys) come from each
field's `description` and `json_schema_extra` (see `sim.scenario.section.about`). The
distributions and the shares over time are read from `sim.scenario.distributions` and
`sim.scenario.share_rules`; their parameters are described here (`PARAMETERS`), as those models
carry no descriptions. So the reference cannot drift from the schema: `python -m sim.docs --write`
(re)writes it, `--check` fails when it is stale.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, NamedTuple, Union

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.common.messages import listed
from sim.scenario import share_rules
from sim.scenario.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    LogNormal,
    Triangular,
)
from sim.scenario.schema import Scenario
from sim.scenario.share_rules import GrowthRule, PointsRule, PointTable
from sim.scenario.workforce import Shift

WRITE_COMMAND = "python -m sim.docs --write"

DIST_MODELS: tuple[type[BaseModel], ...] = typing.get_args(typing.get_args(Distribution)[0])
SHARE_RULE_MODELS: tuple[type[BaseModel], ...] = (GrowthRule, PointsRule)


class Param(NamedTuple):
    """What a parameter of a distribution or a share rule means, and the checks its constraints miss."""

    description: str
    valid: str | None = None


# sim.scenario.distributions and sim.scenario.share_rules carry no field descriptions: their
# parameters are described here, and tests/scenario/test_reference.py checks that every field of those
# models has an entry.
PARAMETERS: dict[tuple[type[BaseModel], str], Param] = {
    (Exponential, "dist"): Param("Names the distribution."),
    (Exponential, "mean"): Param("The mean."),
    (LogNormal, "dist"): Param("Names the distribution."),
    (LogNormal, "mean"): Param("The mean."),
    (LogNormal, "cv"): Param("Coefficient of variation, sd / mean; 0 is a constant."),
    (Gamma, "dist"): Param("Names the distribution."),
    (Gamma, "mean"): Param("The mean."),
    (Gamma, "cv"): Param("Coefficient of variation, sd / mean (shape = 1 / cv^2); 0 is a constant."),
    (Fixed, "dist"): Param("Names the distribution."),
    (Fixed, "value"): Param("The value of every draw (0 in a removal delay is an instant removal)."),
    (Triangular, "dist"): Param("Names the distribution."),
    (Triangular, "low"): Param("The smallest value.", "<= `mode`"),
    (Triangular, "mode"): Param("The most likely value.", "`low` <= `mode` <= `high`"),
    (Triangular, "high"): Param("The largest value.", ">= `mode`"),
    (Empirical, "dist"): Param("Names the distribution."),
    (Empirical, "values"): Param("The points of the published shape.", "non-decreasing"),
    (Empirical, "cumulative"): Param(
        "`cumulative[i]` is the share of draws at or below `values[i]`.",
        "one per value; strictly rising from 0 to 1",
    ),
    (GrowthRule, "start"): Param("The share at day 0."),
    (GrowthRule, "per_year"): Param("Change of the share per year of 365 days; may be negative."),
    (GrowthRule, "min"): Param("The share never goes below this.", "<= `max`"),
    (GrowthRule, "max"): Param("The share never goes above this.", ">= `min`"),
    (PointsRule, "points"): Param(
        "`[day, share]` pairs or `{ day, share }` tables: linear between points, flat before the first "
        "and after the last.",
        "days strictly rising",
    ),
    (PointTable, "day"): Param("Days from day 0, warm-up included."),
    (PointTable, "share"): Param("The share on that day."),
}

# one example of each distribution, as written in a scenario file (the tests validate them)
DIST_EXAMPLES: dict[type[BaseModel], str] = {
    Exponential: '{ dist = "exponential", mean = 5.0 }',
    LogNormal: '{ dist = "lognormal", mean = 5.0, cv = 0.8 }',
    Gamma: '{ dist = "gamma", mean = 5.0, cv = 0.5 }',
    Fixed: '{ dist = "fixed", value = 5.0 }',
    Triangular: '{ dist = "triangular", low = 1, mode = 4, high = 12 }',
    Empirical: '{ dist = "empirical", values = [0, 1, 48], cumulative = [0, 0.52, 1] }',
}

# the forms of a share over time, as written in a scenario file (the tests validate them)
SHARE_RULE_EXAMPLES: tuple[str, ...] = (
    "0.05",
    "{ start = 0.05, per_year = 0.03, max = 0.4 }",
    "{ points = [[0, 0.05], [365, 0.08], [1461, 0.2]] }",
    "[[0, 0.05], [365, 0.08]]",
    "[{ day = 0, share = 0.05 }, { day = 365, share = 0.08 }]",
)


@dataclass(frozen=True)
class KeyRow:
    """One row of the reference: a dotted key and what the schema says about it."""

    key: str
    type: str
    unit: str
    default: str
    valid: str
    description: str


@dataclass
class _Walk:
    rows: list[KeyRow]
    tables: list[tuple[str, type[BaseModel]]]  # nested models met, with their key


# --- reading annotations ---------------------------------------------------------------------


def _constraints(items: Sequence[Any]) -> list[Any]:
    """The constraint objects among `Annotated` extras (a `Field(...)` contributes its metadata)."""
    found: list[Any] = []
    for item in items:
        if isinstance(item, FieldInfo):
            found += _constraints(item.metadata)
        elif isinstance(item, Ge | Gt | Le | Lt | MinLen | MaxLen) or getattr(item, "pattern", None):
            found.append(item)
    return found


def _members(annotation: Any, constraints: Sequence[Any] = ()) -> list[tuple[Any, list[Any]]]:
    """The members of a (possibly optional, possibly `Annotated`) type, each with its constraints.

    `None` is left out: a field that may be None shows it in its default.
    """
    if typing.get_origin(annotation) is Annotated:
        base, *extras = typing.get_args(annotation)
        return _members(base, [*constraints, *_constraints(extras)])
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return [member for arg in typing.get_args(annotation) for member in _members(arg, constraints)]
    if annotation is type(None):
        return []
    return [(annotation, list(constraints))]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _literal_text(value: Any) -> str:
    return f'`"{value}"`' if isinstance(value, str) else f"`{value}`"


def _scalar_type(annotation: Any) -> str:
    if typing.get_origin(annotation) is Literal:
        values = typing.get_args(annotation)
        if len(values) == 1:
            return _literal_text(values[0])
        return _scalar_type(type(values[0]))
    names = {bool: "true / false", int: "integer", float: "number", str: "string", date: "date"}
    if annotation in names:
        return names[annotation]
    raise TypeError(f"sim.scenario.reference cannot describe the type {annotation!r}")


def type_text(annotation: Any, *, plural: bool = False) -> str:
    """The type of a key in the words of a TOML file: `number`, `list of integers`, `distribution`..."""
    members = _members(annotation)
    bases = [base for base, _ in members]
    s = "s" if plural else ""
    if set(bases) == set(DIST_MODELS):
        return f"distribution{s}"
    if any(base in SHARE_RULE_MODELS for base in bases):
        return f"share{s}, growth rule{s} or points"
    if len(members) > 1:
        return listed([type_text(base, plural=plural) for base in bases], "or")
    base = bases[0]
    origin = typing.get_origin(base)
    if origin is list:
        return f"list{s} of {type_text(typing.get_args(base)[0], plural=True)}"
    if origin is dict:
        return f"table{s} of {type_text(typing.get_args(base)[1], plural=True)}"
    if origin is tuple:
        return "[" + ", ".join(type_text(arg) for arg in typing.get_args(base)) + f"] pair{s}"
    if base is Shift:
        return f"shift table{s}"
    if _is_model(base):
        return f"table{s}"
    return _scalar_type(base) + (s if typing.get_origin(base) is not Literal and base is not bool else "")


def bounds_text(constraints: Sequence[Any], *, what: str = "") -> list[str]:
    """Bounds, lengths and patterns as text: `> 0`, `[0, 1]`, `at least 1 entry`, `matches ...`."""
    low = next((c for c in constraints if isinstance(c, Ge | Gt)), None)
    high = next((c for c in constraints if isinstance(c, Le | Lt)), None)
    parts: list[str] = []
    if low is not None and high is not None:
        left = "[" if isinstance(low, Ge) else "("
        right = "]" if isinstance(high, Le) else ")"
        low_value = low.ge if isinstance(low, Ge) else low.gt
        high_value = high.le if isinstance(high, Le) else high.lt
        parts.append(f"{left}{_number(low_value)}, {_number(high_value)}{right}")
    elif low is not None:
        parts.append(f">= {_number(low.ge)}" if isinstance(low, Ge) else f"> {_number(low.gt)}")
    elif high is not None:
        parts.append(f"<= {_number(high.le)}" if isinstance(high, Le) else f"< {_number(high.lt)}")
    unit = "character" if what == "string" else "entry"
    plural = "characters" if what == "string" else "entries"
    shortest = next((c.min_length for c in constraints if isinstance(c, MinLen)), None)
    longest = next((c.max_length for c in constraints if isinstance(c, MaxLen)), None)
    if shortest is not None and longest is not None:
        parts.append(f"{shortest} to {longest} {plural}")
    elif shortest is not None:
        parts.append(f"at least {shortest} {unit if shortest == 1 else plural}")
    elif longest is not None:
        parts.append(f"at most {longest} {plural}")
    parts += [f"matches `{c.pattern}`" for c in constraints if getattr(c, "pattern", None)]
    return parts


def valid_text(annotation: Any, constraints: Sequence[Any] = (), note: str | None = None) -> str:
    """The valid values of a key: its constraints and choices, then `note` (checks they cannot carry)."""
    members = _members(annotation, constraints)
    bases = [base for base, _ in members]
    parts: list[str] = []
    if set(bases) == set(DIST_MODELS):
        parts.append("see [Distributions](#distributions)")
    elif any(base in SHARE_RULE_MODELS for base in bases):
        numbers = [bounds_text(cons) for base, cons in members if base is float]
        parts.append(f"a number in {listed([p for ps in numbers for p in ps], 'or')}, or a rule")
        parts.append("see [Shares over time](#shares-over-time)")
    elif Shift in bases:
        literal = [_scalar_type(base) for base in bases if typing.get_origin(base) is Literal]
        parts.append(f"{listed(literal, 'or')} or [shift tables](#shift-tables)")
    elif len(members) > 1:
        raise TypeError(f"sim.scenario.reference cannot describe the union {annotation!r}")
    else:
        base, cons = members[0]
        origin = typing.get_origin(base)
        if origin is Literal and len(typing.get_args(base)) > 1:  # a single choice is its type
            parts.append("one of " + ", ".join(_literal_text(v) for v in typing.get_args(base)))
        parts += bounds_text(cons, what=type_text(base))
        if origin is list and len(_members(typing.get_args(base)[0])) == 1:
            item = valid_text(typing.get_args(base)[0])
            if item and not _is_model(typing.get_args(base)[0]):
                parts.append(f"each {item}")
        if origin is dict:
            key_type = typing.get_args(base)[0]
            if typing.get_origin(key_type) is Literal:
                parts.append("keys: " + ", ".join(f"`{v}`" for v in typing.get_args(key_type)))
    if note:
        parts.append(note)
    return "; ".join(parts)


# --- defaults --------------------------------------------------------------------------------


def _toml(value: Any) -> str:
    """A plain value (as `model_dump(mode="json")` gives it) written as in a TOML file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"sim.scenario.reference cannot write the default {value!r}")


def default_value(field: FieldInfo) -> Any:
    """A field's default as plain data (None when it has none, or when it is required)."""
    if field.is_required():
        return None
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    return value


def default_text(field: FieldInfo) -> str:
    """`required`, `none` (None or an empty list or table) or the default as in a file, then its note."""
    note = _extra(field).get("default")
    if field.is_required():
        text = "required"
    else:
        value = default_value(field)
        text = "none" if value is None or value == [] or value == {} else f"`{_toml(value)}`"
    return f"{text} ({note})" if note else text


# --- walking the models ----------------------------------------------------------------------


def _extra(field: FieldInfo) -> dict[str, str]:
    extra = field.json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") if text else "—"


def _walk(model: type[BaseModel], prefix: str, walk: _Walk) -> None:
    for name, field in model.model_fields.items():
        key = f"{prefix}.{name}" if prefix else name
        extra = _extra(field)
        walk.rows.append(
            KeyRow(
                key=key,
                type=type_text(field.annotation),
                unit=extra.get("unit", ""),
                default=default_text(field),
                valid=valid_text(field.annotation, field.metadata, extra.get("valid")),
                description=field.description or "",
            )
        )
        members = _members(field.annotation)
        if len(members) != 1:
            continue  # a distribution, a share rule or a schedule: described in sections of their own
        base = members[0][0]
        origin = typing.get_origin(base)
        if origin is list and _is_model(typing.get_args(base)[0]):
            walk.tables.append((f"{key}[i]", typing.get_args(base)[0]))
            _walk(typing.get_args(base)[0], f"{key}[i]", walk)
        elif origin is dict and _is_model(typing.get_args(base)[1]):
            if "key" not in extra:
                raise ValueError(
                    f"{key}: a table of tables needs a placeholder for its keys (about(key=...))"
                )
            walk.tables.append((f"{key}.{extra['key']}", typing.get_args(base)[1]))
            _walk(typing.get_args(base)[1], f"{key}.{extra['key']}", walk)
        elif _is_model(base):
            walk.tables.append((key, base))
            _walk(base, key, walk)


def model_rows(model: type[BaseModel], prefix: str = "") -> list[KeyRow]:
    """Rows for every key of `model` and of the tables nested in it, keys starting with `prefix`."""
    walk = _Walk([], [])
    _walk(model, prefix, walk)
    return walk.rows


def scenario_rows() -> list[KeyRow]:
    """Rows for every key of a scenario file, sections first, in the order the models declare them."""
    rows: list[KeyRow] = []
    for name, field in Scenario.model_fields.items():
        model, prefix = _section_model(name, field)
        rows += model_rows(model, prefix)
    return rows


def _section_model(name: str, field: FieldInfo) -> tuple[type[BaseModel], str]:
    """A section's model and the prefix of its keys: `[analysts]` (optional or not) is `Analysts`,
    `analysts`; a table of tables, `[teams.TEAM]`, is `Team`, `teams.TEAM`."""
    members = _members(field.annotation)
    if len(members) == 1:
        model = members[0][0]
        if _is_model(model):
            return model, name
        if typing.get_origin(model) is dict and _is_model(typing.get_args(model)[1]):
            return typing.get_args(model)[1], f"{name}.{_extra(field)['key']}"
    raise TypeError(f"a scenario section must be a model or a table of them, got {field.annotation!r}")


def _docstring(model: type[BaseModel]) -> str:
    return inspect.cleandoc(model.__doc__ or "")


# --- rendering -------------------------------------------------------------------------------

ROW_HEADER = ("key", "type", "unit", "default", "valid", "description")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _key_table(rows: Sequence[KeyRow]) -> list[str]:
    return _table(
        ROW_HEADER, [(f"`{r.key}`", r.type, r.unit, r.default, r.valid, r.description) for r in rows]
    )


def _general_rules() -> list[str]:
    config = Scenario.model_config
    rules = [
        "Keys carry their units: time in days (`*_days`, fractions allowed), hours (`*_hours`) or "
        "minutes (`*_minutes`); shares are in [0, 1]. Every optional feature defaults to off, so a "
        "file that does not mention a feature behaves as if it did not exist. "
        "`hotline-sim check FILE` prints a file with every default filled in."
    ]
    if config.get("extra") == "forbid":
        rules.append('Unknown keys are errors (with a "did you mean").')
    if config.get("strict"):
        rules.append(
            "Types are strict: an integer is accepted where a number is expected, but not `1.0` where "
            "an integer is, nor a number or `true` where a string is."
        )
    if config.get("allow_inf_nan") is False:
        rules.append("Numbers are finite (no `inf` or `nan`).")
    return [
        " ".join(rules),
        "",
        "Columns: *type* as written in TOML; *unit* what the value counts or measures; *default* the "
        "value when the key is left out (`required`: the file must give it; `none`: off, or as the note "
        "says); *valid* the values accepted (ranges in interval notation: `[0, 1]` includes both ends, "
        "`(0, 1]` excludes 0), a file breaking them is rejected with a message naming the key. "
        "`NAME`, `ROUTE` and `[i]` stand for a table's keys and a list's elements.",
    ]


def _section(name: str, field: FieldInfo) -> list[str]:
    model, prefix = _section_model(name, field)
    walk = _Walk([], [])
    _walk(model, prefix, walk)
    need = "Required section." if field.is_required() else "Optional section: it may be left out."
    lines = [f"## [{prefix}]", "", need, "", _docstring(model), ""]
    lines += _key_table(walk.rows)
    for _key, table in walk.tables:  # each docstring names its table (as `analysts.`: a team's here)
        lines += ["", _docstring(table).replace("analysts.", f"{prefix}.")]
    return [*lines, ""]


def _shift_section() -> list[str]:
    schedule = next(r for r in scenario_rows() if r.key == "analysts.schedule")
    lines = [
        "## Shift tables",
        "",
        f"`analysts.schedule` takes {schedule.type}. {schedule.description}",
        "",
        _docstring(Shift),
        "",
    ]
    rows = model_rows(Shift)
    lines += _table(
        ("key of a shift table", "type", "unit", "default", "valid", "description"),
        [(f"`{r.key}`", r.type, r.unit, r.default, r.valid, r.description) for r in rows],
    )
    return [*lines, ""]


def _keys_taking(kind: str) -> str:
    rows = [r for r in scenario_rows() if r.type == kind]
    return ", ".join(f"`{r.key}` ({r.unit})" if r.unit else f"`{r.key}`" for r in rows)


def _param_rows(model: type[BaseModel]) -> list[tuple[str, ...]]:
    rows = []
    for name, field in model.model_fields.items():
        param = PARAMETERS.get((model, name), Param(""))
        rows.append(
            (
                f"`{name}`",
                type_text(field.annotation),
                default_text(field),
                valid_text(field.annotation, field.metadata, param.valid),
                param.description,
            )
        )
    return rows


PARAM_HEADER = ("parameter", "type", "default", "valid", "description")


def _distribution_section() -> list[str]:
    lines = [
        "## Distributions",
        "",
        "A distribution is an inline table naming its `dist` and its parameters, written in the unit "
        "of the key that holds it: " + _keys_taking("distribution") + ".",
        "",
    ]
    for model in DIST_MODELS:
        name = typing.get_args(model.model_fields["dist"].annotation)[0]
        lines += [f"### `{name}`", "", _docstring(model), "", f"`{DIST_EXAMPLES[model]}`", ""]
        lines += _table(PARAM_HEADER, _param_rows(model))
        lines.append("")
    return lines


def _share_rule_section() -> list[str]:
    lines = [
        "## Shares over time",
        "",
        "Taken by " + _keys_taking("share, growth rule or points") + ".",
        "",
        inspect.cleandoc(share_rules.__doc__ or ""),
        "",
        "Examples: " + ", ".join(f"`{e}`" for e in SHARE_RULE_EXAMPLES) + ".",
        "",
    ]
    for title, model in (
        ("A growth rule", GrowthRule),
        ("Points", PointsRule),
        ("A point as a table", PointTable),
    ):
        lines += [f"### {title}", "", _docstring(model), ""]
        lines += _table(PARAM_HEADER, _param_rows(model))
        lines.append("")
    return lines


def render() -> str:
    """The whole reference as Markdown (the same text on every call)."""
    lines = [
        f"<!-- Generated by `{WRITE_COMMAND}` from the scenario models; do not edit by hand. -->",
        "",
        "# Scenario reference",
        "",
        "Generated from the scenario models (the sections of `sim/scenario/`, its distributions and "
        f"share rules) by `{WRITE_COMMAND}`: change those, not this file. "
        "`python -m sim.docs --check` and `tests/scenario/test_reference.py` fail when it is stale.",
        "",
        *_general_rules(),
        "",
        "Sections:",
        "",
        *[
            f"- [`[{prefix}]`](#{prefix.replace('.', '').lower()}): {field.description}"
            for prefix, field in ((_section_model(n, f)[1], f) for n, f in Scenario.model_fields.items())
        ],
        "- [Shift tables](#shift-tables), [Distributions](#distributions) and "
        "[Shares over time](#shares-over-time): the forms some keys take.",
        "",
    ]
    for name, field in Scenario.model_fields.items():
        lines += _section(name, field)
    lines += _shift_section()
    lines += _distribution_section()
    lines += _share_rule_section()
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"

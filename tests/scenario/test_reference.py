"""docs/scenario-reference.md: generated from the scenario models, current, complete and correct."""

import os
import re
import subprocess
import sys
import tomllib
import typing
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field, TypeAdapter

from sim import docs
from sim.scenario import reference
from sim.scenario.distributions import DIST_NAMES, Distribution
from sim.scenario.dotted import get_dotted
from sim.scenario.reference import (
    DIST_EXAMPLES,
    DIST_MODELS,
    PARAMETERS,
    SHARE_RULE_EXAMPLES,
    KeyRow,
    model_rows,
    render,
    scenario_rows,
)
from sim.scenario.schema import Scenario, scenario_from_dict
from sim.scenario.section import ScenarioError
from sim.scenario.share_rules import GrowthRule, PointsRule, PointTable
from tests.conftest import REPO

ROOT = REPO
DOC = ROOT / "docs" / "scenario-reference.md"
STALE = "docs/scenario-reference.md is stale: run `python -m sim.docs --write` and commit it"

# the keys of the README's hand-written table when the reference was first generated from the
# schema (commit e3b9bd2): none of them may disappear, whatever the README says later
README_KEYS_AT_MOVE = [
    "scenario.name", "scenario.horizon_days", "scenario.warmup_days", "scenario.replications",
    "scenario.seed", "intake.volume_multiplier", "intake.growth_per_year", "intake.weekly_profile",
    "intake.hourly_profile", "intake.sources.NAME.kind", "intake.sources.NAME.reports_per_day",
    "intake.sources.NAME.actionable_share", "intake.sources.NAME.priority",
    "intake.sources.NAME.search_share", "intake.sources.NAME.finds_per_search_hour",
    "intake.sources.NAME.search_when_idle", "intake.sources.NAME.search_block_minutes",
    "intake.surges", "intake.initial_backlog", "dedup.duplicate_share", "dedup.hash_match_share",
    "dedup.hash_match_time_factor", "analysts.count", "analysts.schedule", "analysts.breaks",
    "analysts.max_viewing_hours_per_day", "analysts.absence_share", "analysts.capacity_windows",
    "analysts.changes", "analysts.holidays", "assessment.time_minutes", "takedown.hosts",
    "takedown.hosts[i].country", "takedown.hosts[i].share", "takedown.hosts[i].route",
    "takedown.hosts[i].removal_hours", "takedown.routes.ROUTE.removal_hours",
    "takedown.follow_up_hours", "takedown.recheck_minutes", "takedown.recheck_priority",
    "takedown.max_follow_ups", "takedown.escalation_removal_hours", "reuploads.share",
    "reuploads.delay_days", "reuploads.hash_block_share", "reuploads.source", "sla.assessment_hours",
]  # fmt: skip

MINIMAL = {
    "scenario": {"horizon_days": 7.0},
    "intake": {"sources": {"a": {"reports_per_day": 10.0, "actionable_share": 0.5}}},
    "assessment": {"time_minutes": {"dist": "exponential", "mean": 5.0}},
}


def rows_by_key() -> dict[str, KeyRow]:
    return {row.key: row for row in scenario_rows()}


# --- (a) the committed file is what the models give now ---------------------------------------


def test_committed_reference_is_current():
    assert DOC.exists(), STALE
    assert DOC.read_text(encoding="utf-8") == render(), STALE


def test_render_is_deterministic_and_says_how_it_is_made():
    text = render()
    assert text == render()
    first = text.splitlines()[0]
    assert "Generated" in first and "python -m sim.docs --write" in first
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_check_and_write_commands(tmp_path, capsys):
    path = tmp_path / "docs" / "scenario-reference.md"
    root = ["--root", str(tmp_path)]
    assert docs.main(["--check", *root]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert docs.main(["--write", *root]) == 0
    assert path.read_text(encoding="utf-8") == render()
    assert docs.main(["--check", *root]) == 0
    path.write_text(render().replace("| `analysts.count` |", "| `analysts.size` |"), encoding="utf-8")
    capsys.readouterr()
    assert docs.main(["--check", *root]) == 1
    err = capsys.readouterr().err
    assert "is stale" in err and "python -m sim.docs --write" in err and "analysts.size" in err
    assert docs.main([]) == 0
    assert render() in capsys.readouterr().out


def test_module_command_checks_the_committed_file():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "sim.docs", "--check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


# --- (b) every key is described ---------------------------------------------------------------


def models_in(annotation) -> list[type[BaseModel]]:
    """Model classes reachable from an annotation, through Annotated, unions, lists, dicts and tuples."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in models_in(arg)]


def all_models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    todo = [root]
    while todo:
        model = todo.pop()
        if model not in seen:
            seen.append(model)
            todo += [m for field in model.model_fields.values() for m in models_in(field.annotation)]
    return seen


def undescribed(models) -> list[str]:
    """`Model.field` for every field with no description (in sim.scenario.schema) or no PARAMETERS entry."""
    missing = []
    for model in models:
        for name, field in model.model_fields.items():
            if model.__module__ not in ("sim.scenario.distributions", "sim.scenario.share_rules"):
                text = field.description
            else:
                text = PARAMETERS.get((model, name), reference.Param("")).description
            if not (text or "").strip():
                missing.append(f"{model.__name__}.{name}")
    return missing


def test_every_field_of_every_scenario_model_has_a_description():
    models = all_models(Scenario)
    assert set(DIST_MODELS) | {GrowthRule, PointsRule, PointTable} <= set(models)  # the walk reaches them
    assert len(models) >= 20
    assert undescribed(models) == []


def test_a_field_without_a_description_is_caught():
    class Scenarioish(BaseModel):
        described: int = Field(default=1, description="Has one.")
        bare: int = 2

    Scenarioish.__module__ = "sim.scenario.schema"
    assert undescribed([Scenarioish]) == ["Scenarioish.bare"]


def test_parameters_name_only_fields_that_exist():
    for (model, name), param in PARAMETERS.items():
        assert name in model.model_fields, f"PARAMETERS describes {model.__name__}.{name}, which is gone"
        assert param.description.strip()


def test_every_row_has_a_description_type_and_default():
    for row in scenario_rows():
        assert row.description and row.type and row.default, row


def test_units_in_key_names_agree_with_the_unit_column():
    for row in scenario_rows():
        for suffix, word in (("_days", "day"), ("_hours", "hour"), ("_minutes", "minute")):
            if row.key.endswith(suffix):
                assert word in row.unit, row


# --- (c) nothing of the README's table was lost -----------------------------------------------


def test_every_key_of_the_readme_table_at_the_move_is_in_the_reference():
    keys = rows_by_key()
    text = render()
    for key in README_KEYS_AT_MOVE:
        assert key in keys, f"{key} is missing from the generated reference"
        assert f"| `{key}` |" in text


# --- (d) the defaults shown are the model's ---------------------------------------------------


def shown_value(cell: str):
    """The value a default cell shows: None for `none`, else the TOML value in backticks."""
    if cell.startswith("none"):
        return None
    match = re.match(r"^`(.+?)`( \(|$)", cell)
    assert match, cell
    return tomllib.loads(f"v = {match.group(1)}")["v"]


def resolved_value(resolved: dict, key: str) -> object:
    """A key's value in a resolved scenario, as the reference's default column means it: None when
    the key is absent (off) or an empty list or table."""
    try:
        value = get_dotted(resolved, key)
    except KeyError:
        return None
    return None if value in ([], {}) else value


def test_defaults_shown_are_those_of_a_minimal_scenario():
    resolved = scenario_from_dict(MINIMAL).to_dict()  # as `hotline-sim check` shows it
    checked = []
    for row in scenario_rows():
        if row.default.startswith("required") or "[i]" in row.key or ".ROUTE." in row.key:
            continue
        if row.key.startswith("teams.TEAM."):  # a team's defaults: checked below with a team of one file
            continue
        key = row.key.replace(".NAME.", ".a.")
        if key in ("intake.sources.a.reports_per_day",):  # given: required for a Poisson source
            continue
        value = resolved_value(resolved, key)
        assert shown_value(row.default) == value, (row.key, row.default, value)
        checked.append(row.key)
    assert {"analysts.count", "analysts.schedule", "sla.assessment_hours", "dedup.hash_match_share"} <= set(
        checked
    )
    assert len(checked) >= 30


def test_team_defaults_shown_are_those_of_a_team_table():
    """A `[teams.TEAM]` key's default is what a minimal team table (its required count only)
    resolves to; a team's count has no default."""
    data = {key: value for key, value in MINIMAL.items() if key != "analysts"}
    resolved = scenario_from_dict({**data, "teams": {"a": {"count": 4}}}).to_dict()
    checked = []
    for row in scenario_rows():
        if not row.key.startswith("teams.TEAM.") or row.default.startswith("required") or "[i]" in row.key:
            continue
        value = resolved_value(resolved, row.key.replace(".TEAM.", ".a."))
        assert shown_value(row.default) == value, (row.key, row.default, value)
        checked.append(row.key)
    assert {"teams.TEAM.speed", "teams.TEAM.schedule", "teams.TEAM.skills"} <= set(checked)
    assert rows_by_key()["teams.TEAM.count"].default == "required"
    with pytest.raises(ScenarioError, match=r"teams\.a\.count: missing"):
        scenario_from_dict({**data, "teams": {"a": {}}})


def test_some_defaults_spelled_out():
    rows = rows_by_key()
    assert rows["scenario.horizon_days"].default == "required"
    assert rows["analysts.count"].default == "`13`"
    assert rows["sla.assessment_hours"].default == "`24.0`"
    assert rows["intake.sources.NAME.kind"].default == '`"poisson"`'
    assert rows["analysts.schedule"].default == '`{ days = "mon-fri", start = "08:00", end = "16:00" }`'
    assert rows["analysts.max_viewing_hours_per_day"].default == "none (no cap)"


def test_proactive_defaults_in_the_notes_are_the_resolved_ones():
    finds = {"kind": "proactive", "actionable_share": 0.5, "search_share": 0.2, "finds_per_search_hour": 1.0}
    data = {**MINIMAL, "intake": {"sources": {"finds": finds}}}
    source = scenario_from_dict(data).intake.sources["finds"]
    rows = rows_by_key()
    for name in ("search_block_minutes", "search_when_idle"):
        note = re.search(r"\((\S+) for `proactive`", rows[f"intake.sources.NAME.{name}"].default)
        assert note, rows[f"intake.sources.NAME.{name}"].default
        assert tomllib.loads(f"v = {note.group(1)}")["v"] == getattr(source, name)


# --- valid ranges come from the constraints ---------------------------------------------------


def test_rows_are_derived_from_the_field_constraints():
    class Toy(BaseModel):
        rate: float = Field(
            default=2.5, gt=0, le=10, description="A rate.", json_schema_extra={"unit": "per day"}
        )
        kind: Literal["a", "b"] = Field(default="a", description="A kind.")
        tag: str = Field(pattern=r"^x+$", max_length=5, description="A tag.")
        weights: list[Annotated[float, Field(ge=0)]] | None = Field(
            default=None, min_length=2, description="Weights.", json_schema_extra={"valid": "not all 0"}
        )

    rows = model_rows(Toy, "toy")
    assert rows == [
        KeyRow("toy.rate", "number", "per day", "`2.5`", "(0, 10]", "A rate."),
        KeyRow("toy.kind", "string", "", '`"a"`', 'one of `"a"`, `"b"`', "A kind."),
        KeyRow("toy.tag", "string", "", "required", "at most 5 characters; matches `^x+$`", "A tag."),
        KeyRow(
            "toy.weights",
            "list of numbers",
            "",
            "none",
            "at least 2 entries; each >= 0; not all 0",
            "Weights.",
        ),
    ]


def test_a_kind_of_key_the_reference_cannot_describe_is_an_error():
    class Toy(BaseModel):
        either: int | str = Field(description="Either.")

    with pytest.raises(TypeError, match="cannot describe"):
        model_rows(Toy)


def test_constraints_in_the_reference_match_the_schema():
    rows = rows_by_key()
    assert rows["scenario.replications"].valid == "[2, 1000]"
    assert rows["intake.sources.NAME.priority"].valid == "[0, 1000]"
    assert rows["intake.growth_per_year"].valid == "(-1, 10]"
    assert rows["takedown.hosts[i].route"].valid.startswith(
        'one of `"direct"`, `"partner_hotline"`, `"law_enforcement"`'
    )
    assert "matches `^[A-Za-z0-9][A-Za-z0-9 ._-]*$`" in rows["scenario.name"].valid


# --- distributions and shares over time -------------------------------------------------------


def test_every_distribution_has_a_section_and_a_valid_example():
    text = render()
    adapter = TypeAdapter(Distribution)
    assert len(DIST_MODELS) == len(DIST_NAMES)
    for model in DIST_MODELS:
        name = typing.get_args(model.model_fields["dist"].annotation)[0]
        assert f"### `{name}`" in text
        value = tomllib.loads(f"v = {DIST_EXAMPLES[model]}")["v"]
        assert isinstance(adapter.validate_python(value), model)


@pytest.mark.parametrize("example", SHARE_RULE_EXAMPLES)
def test_share_rule_examples_are_valid(example):
    value = tomllib.loads(f"v = {example}")["v"]
    scenario = scenario_from_dict({**MINIMAL, "dedup": {"hash_match_share": value}})
    assert scenario.dedup.hash_match_share is not None


def test_keys_taking_distributions_and_share_rules_are_listed():
    text = render()
    distributions = text.split("## Distributions")[1].split("\n### ")[0]
    shares = text.split("## Shares over time")[1].split("\n### ")[0]
    for row in scenario_rows():
        if row.type == "distribution":
            assert f"`{row.key}`" in distributions
        if row.type.startswith("share"):
            assert f"`{row.key}`" in shares
    assert "`reuploads.delay_days`" in distributions and "`dedup.duplicate_share`" in shares

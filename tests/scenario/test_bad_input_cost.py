"""Bad input for the cost keys `analysts.cost_per_year` and `analysts.currency`: exit 2 naming the key
path, nothing written; the boundary values accepted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli_w

from sim.common.limits import MAX_COST_PER_YEAR
from sim.scenario.schema import scenario_from_dict
from tests.conftest import hotline_sim_here, mmc_dict


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("cost_per_year", 0, "analysts.cost_per_year: expected greater than 0; got 0"),
        ("cost_per_year", -48000.0, "analysts.cost_per_year: expected greater than 0"),
        ("cost_per_year", MAX_COST_PER_YEAR * 10, "analysts.cost_per_year: expected less than or equal to"),
        ("cost_per_year", "48000", "analysts.cost_per_year: expected a valid number; got '48000'"),
        ("currency", "gbp", "analysts.currency: expected an ISO 4217 code of three capital letters"),
        ("currency", "POUND", "analysts.currency: expected an ISO 4217 code"),
        ("currency", "£", "analysts.currency: expected an ISO 4217 code"),
        ("currency", 826, "analysts.currency: expected a valid string; got 826"),
    ],
)
def test_a_bad_cost_key_is_exit_2_naming_it(tmp_path: Path, key: str, value: Any, words: str) -> None:
    data = mmc_dict(3, 0.5, 4, 1, 2, 1)
    data["analysts"][key] = value
    (tmp_path / "bad.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    for command in (["run"], ["staff", "--target", "wait_hours_mean<=1"], ["check"]):
        out = tmp_path / f"out-{command[0]}"
        extra = [] if command[0] == "check" else ["--out", out]
        done = hotline_sim_here(command[0], tmp_path / "bad.toml", *command[1:], *extra, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert words in done.stderr, done.stderr
        assert not out.exists()


def test_the_cost_keys_boundaries_and_defaults() -> None:
    data = mmc_dict(3, 0.5, 4, 1, 2, 1)
    assert scenario_from_dict(data).analysts.currency == "GBP"
    assert scenario_from_dict(data).analysts.cost_per_year is None
    data["analysts"].update(cost_per_year=MAX_COST_PER_YEAR, currency="EUR")
    team = scenario_from_dict(data).analysts
    assert team.cost_per_year == MAX_COST_PER_YEAR and team.currency == "EUR"

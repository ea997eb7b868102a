"""Experiments over a scenario: full-factorial sweeps of dotted keys, with paired comparisons.

Every arm is the base scenario with some keys replaced, validated before anything runs. Arm a and
replication r use the streams of (seed, r) whatever the arm, so arms differ only by the varied
keys (common random numbers), and a per-replication difference between two arms cancels the noise
the arms share: its confidence interval (paired) is narrower than one from two independent sets.

>>> parse_vary("analysts.count=9,13,17")
('analysts.count', [9, 13, 17])
>>> parse_vary('assessment.time_minutes={dist="fixed", value=4},{dist="fixed", value=5}')[1][1]
{'dist': 'fixed', 'value': 5}
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.common.messages import shown
from sim.metrics import ReplicationResult
from sim.scenario.changes import key_words, show_value
from sim.scenario.schema import Scenario
from sim.scenario.section import ScenarioError
from sim.stats.intervals import Summary, summarise


class ExperimentError(ValueError):
    """A request that cannot be run as given (exit 2 at the command line), refused before anything
    is simulated. `parameter` is the argument of the library function at fault (None: the request
    as a whole) and `detail` what follows its name, so that the command line can name its own option
    instead: `metrics: unknown metric 'x'` here, `--metric: unknown metric 'x'` there."""

    def __init__(self, detail: str, parameter: str | None = None):
        self.detail = detail
        self.parameter = parameter
        super().__init__(f"{parameter}{detail}" if parameter else detail)


def parse_value(text: str) -> Any:
    """One TOML value (`17`, `0.5`, `true`, `"24/7"`, an inline table); a bare word is a string."""
    try:
        return tomllib.loads(f"value = {text.strip()}")["value"]
    except (ValueError, RecursionError):  # not TOML (or a number too long, nesting too deep): a string
        return text.strip()


def parse_vary(text: str) -> tuple[str, list[Any]]:
    """`KEY=V1,V2,...` into the key and its values (TOML values; commas inside tables are kept)."""
    key, sep, values = text.partition("=")
    key = key.strip()
    if not sep or not key or not values.strip():
        raise ExperimentError(f": expected KEY=V1,V2,..., got {shown(text)}", "vary")
    try:
        parsed = tomllib.loads(f"values = [{values}]")["values"]
    except (ValueError, RecursionError):
        parsed = [parse_value(v) for v in values.split(",") if v.strip()]
    if not parsed:
        raise ExperimentError(f" {key}: expected at least one value", "vary")
    return key, parsed


@dataclass(frozen=True)
class Arm:
    """One combination of the varied keys' values, and the scenario it makes."""

    values: dict[str, Any]
    scenario: Scenario

    def label(self) -> str:
        """`analysts.count=13, intake.volume_multiplier=1.5`."""
        return ", ".join(f"{key}={show_value(value)}" for key, value in self.values.items())

    def words(self) -> str:
        """The arm in a planner's words: `analysts in the team 13, report volume (× the file's) 1.5`."""
        return ", ".join(f"{key_words(key)} {show_value(value)}" for key, value in self.values.items())


def build_arms(base: Scenario, varies: list[tuple[str, list[Any]]], source: str) -> list[Arm]:
    """The full factorial of the varied keys, each arm validated (ExperimentError names the key)."""
    keys = [key for key, _ in varies]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ExperimentError(f": each key once, got {', '.join(repeated)} more than once", "vary")
    arms = []
    for combination in itertools.product(*(values for _, values in varies)):
        values = dict(zip(keys, combination, strict=True))
        label = ", ".join(f"{k}={show_value(v)}" for k, v in values.items())
        try:
            scenario = base.with_values(values, source=f"{source} with {label}")
        except KeyError as exc:
            raise ExperimentError(f" {exc.args[0]}", "vary") from None
        except ScenarioError as exc:
            raise ExperimentError(str(exc)) from None
        arms.append(Arm(values, scenario))
    return arms


def find_arm(arms: list[Arm], text: str) -> int:
    """The index of the arm whose values match `KEY=V,KEY=V` (keys not named: any value)."""
    wanted: dict[str, Any] = {}
    for part in _split_assignments(text):
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in arms[0].values:
            raise ExperimentError(
                f": expected KEY=VALUE with varied keys ({', '.join(arms[0].values)}), got {shown(part)}",
                "baseline",
            )
        wanted[key.strip()] = parse_value(value)
    for index, arm in enumerate(arms):
        if all(_same(arm.values[k], v) for k, v in wanted.items()):
            return index
    raise ExperimentError(f" {text}: no arm has these values", "baseline")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0) or a == b
    return a == b


def _split_assignments(text: str) -> list[str]:
    """`a.b=1,c.d={x = 1, y = 2}` -> ['a.b=1', 'c.d={x = 1, y = 2}'] (commas inside tables kept)."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in (p.strip() for p in parts) if p]


def metric_order(arms_results: list[list[ReplicationResult]]) -> list[str]:
    """Every metric of every arm, in the order of the first arm that has it."""
    names: dict[str, None] = {}
    for results in arms_results:
        for name in results[0].metrics:
            names.setdefault(name, None)
    return list(names)


def paired_differences(
    arm: list[ReplicationResult], baseline: list[ReplicationResult], metrics: list[str]
) -> dict[str, Summary]:
    """Per metric: the mean and 95 % CI of (arm - baseline) over the replications both define."""
    out = {}
    for name in metrics:
        a = np.array([r.metrics.get(name, math.nan) for r in arm], dtype=float)
        b = np.array([r.metrics.get(name, math.nan) for r in baseline], dtype=float)
        out[name] = summarise(a - b)  # NaN where either is undefined: left out
    return out

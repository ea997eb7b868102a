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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.common.limits import MAX_ARMS
from sim.experiments.arms import paired_differences
from sim.experiments.job import checked_size, pandas_module, plan_replications, resolve
from sim.experiments.size import JobSize
from sim.experiments.sweep import DEFAULT_SWEEP_METRICS
from sim.metrics import SUMMARY_ONLY, ReplicationResult
from sim.scenario.assumptions import marked_keys
from sim.scenario.dotted import get_dotted
from sim.scenario.schema import Scenario
from sim.scenario.section import ScenarioError
from sim.stats.intervals import UNDEFINED, summarise
from sim.stats.summaries import never_cleared, summary_difference

if TYPE_CHECKING:
    import pandas


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


@dataclass
class SensitivityResults:
    """Each assumption moved down and up, the base run, and the paired effects on the metrics."""

    scenario: Scenario
    moves: list[Move]
    base: list[ReplicationResult]
    moved: dict[int, list[ReplicationResult]]  # by move index, for the moves that could be run
    metrics: list[str]
    change: float
    seed: int
    jobs: int = 1
    source: Path | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Per move and metric: the moved level and its paired difference from the base."""
        return effects(self.moves, self.base, self.moved, self.metrics)

    def frame(self) -> pandas.DataFrame:
        """sensitivity.csv as a DataFrame: per move and metric, the level and the paired change."""
        pd = pandas_module()
        return pd.DataFrame(
            [{"key": r["move"].key, "direction": r["move"].direction, "value": r["move"].value,
              "metric": r["metric"], "mean": r["level"].mean, "difference": r["difference"].mean,
              "difference_ci95_low": r["difference"].ci95_low,
              "difference_ci95_high": r["difference"].ci95_high, "problem": r["move"].problem}
             for r in self.rows]
        )  # fmt: skip


def sensitivity_analysis(
    scenario: Scenario | str | Path | dict[str, Any],
    keys: list[str] | None = None,
    change: float = 0.2,
    metrics: Sequence[str] | None = None,
    replications: int | None = None,
    jobs: int = 1,
    seed: int | None = None,
    scheduler: str | None = None,
    precision: float | None = None,
    max_replications: int | None = None,
    progress: Callable[[], Callable[[int, int], None] | None] = lambda: None,
    source: str | Path | None = None,
    on_start: Callable[[int, int, int, int, JobSize], None] | None = None,
    force: bool = False,
) -> SensitivityResults:
    """Move each of `keys` (default: the file's `# assumption:` keys that a relative move changes)
    down and up by `change`, with the base scenario's random numbers, and measure the effects.

    `source` is the scenario file when `scenario` is a Scenario made from one (its assumptions and
    manifest). `on_start(keys, moves, replications, seed, size)` is called once everything is checked
    (the size limits too, unless `force`).
    ExperimentError (before any simulation) for no keys, an unknown key or metric."""
    from sim.experiments.arms import ExperimentError
    from sim.experiments.execution import run_groups
    from sim.metrics import UnknownMetric, validate_metric

    spec, source = resolve(scenario, source)
    if keys is None and source is None:
        raise ExperimentError(": none given, and no scenario file to read `# assumption:` keys from", "keys")
    chosen_keys = list(keys) if keys else assumption_keys(source)
    if not chosen_keys:
        raise ExperimentError(f": none given, and {source} marks no `# assumption:` keys to move", "keys")
    if 2 * len(chosen_keys) > MAX_ARMS:
        raise ExperimentError(
            f": {len(chosen_keys):,} keys; at most {MAX_ARMS // 2:,} in one analysis", "keys"
        )
    try:
        moves = build_moves(spec, chosen_keys, change)
    except KeyError as exc:
        raise ExperimentError(f" {exc.args[0]}", "keys") from None
    if not keys:  # the file's assumptions: only those a relative move changes
        moves = [m for m in moves if not m.problem.startswith(("cannot be moved", "unchanged"))]
    chosen = list(metrics or DEFAULT_SWEEP_METRICS)
    for name in chosen:
        try:
            validate_metric(name, [spec])
        except UnknownMetric as exc:
            raise ExperimentError(f": {exc}", "metrics") from None
    runnable = [index for index, move in enumerate(moves) if move.scenario is not None]
    options = plan_replications(
        spec, replications, seed, jobs, scheduler, precision, max_replications, progress
    )
    scenarios = [spec, *(moves[i].scenario for i in runnable)]
    size = checked_size(scenarios, options.most_replications, jobs, force)
    if on_start:
        on_start(
            len(dict.fromkeys(m.key for m in moves)), len(runnable), options.replications, options.seed, size
        )
    started_at = datetime.now(UTC)
    done = run_groups(scenarios, options, chosen)
    moved = {move_index: done.groups[1 + position] for position, move_index in enumerate(runnable)}
    return SensitivityResults(spec, moves, done.groups[0], moved, chosen, change, options.seed, jobs, source,
                              started_at)  # fmt: skip


def effects(
    moves: list[Move],
    base: list[ReplicationResult],
    moved: dict[int, list[ReplicationResult]],
    metrics: list[str],
) -> list[dict[str, Any]]:
    """For each move and metric: the moved value's summary and its paired difference from the base."""
    rows = []
    for index, move in enumerate(moves):
        results = moved.get(index)
        differences = paired_differences(results, base, metrics) if results else {}
        for metric in metrics:
            if metric in SUMMARY_ONLY:  # an exact count over the replications
                level = never_cleared(results) if results else UNDEFINED
                differences[metric] = summary_difference(metric, results, base) if results else UNDEFINED
            else:
                level = (
                    summarise([r.metrics.get(metric, math.nan) for r in results]) if results else UNDEFINED
                )
            rows.append(
                {
                    "move": move,
                    "metric": metric,
                    "level": level,
                    "difference": differences.get(metric, UNDEFINED),
                }
            )
    return rows

"""Reading a results folder's `manifest.json` for the report, trusting nothing in it.

The manifest is read as bytes (a regular file of bounded size), parsed as strict JSON (no NaN, no
constants, bounded nesting), validated field by field with the models below (one per command that
writes a folder), and its resolved scenario validated again as a scenario. Anything wrong is a
`ReportError` naming the file and each problem (at most MAX_PROBLEMS of them).
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.common.limits import MAX_ANALYSTS, MAX_REPLICATIONS
from sim.common.messages import cut

MAX_MANIFEST_BYTES = 10 * 2**20
MAX_TABLE_BYTES = 50 * 2**20
MAX_FIGURE_BYTES = 20 * 2**20
MAX_NESTING = 64  # a manifest nests about 7 levels deep
MAX_PROBLEMS = 10  # problems listed in one message


class ReportError(ValueError):
    """A folder the report cannot be built from: no manifest (not a finished results folder), or a
    damaged manifest, table or figure; the message names the file and what is wrong."""


# --- the manifest ----------------------------------------------------------------------------

_FIELDS = ConfigDict(strict=True, allow_inf_nan=False, extra="allow")
MetricName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$", max_length=200)]
DottedKey = Annotated[str, Field(pattern=r"^[^\s.]+(\.[^\s.]+)+$", max_length=500)]
Whole = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]
Replications = Annotated[int, Field(ge=1, le=MAX_REPLICATIONS)]
KeyValue = Annotated[int, Field(ge=0, le=MAX_ANALYSTS)]  # a searched key's value (a shift may have 0)

EXPECTED = {
    "kind": "one of run, sweep, staff, sensitivity, plan, compare",
    "scenario_name": "text",
    "scenario_file": "text or null",
    "scenario_sha256": "64 lowercase hexadecimal digits or null",
    "seed": "a whole number >= 0",
    "replications": "a whole number >= 1",
    "jobs": "a whole number >= 1",
    "horizon_days": "a finite number > 0",
    "warmup_days": "a finite number >= 0",
    "versions": "an object of text versions with python and hotline-sim",
    "command_line": "a list of text",
    "command_line[]": "text",
    "started_at": "text",
    "finished_at": "text",
    "files": "a list of file names",
    "files[]": "a file name (text)",
    "resolved_scenario": "an object (the scenario with every default filled in)",
    "description": "text",
    "assumptions": "a list of {key: text, note: text}",
    "assumptions[]": "an object {key: text, note: text}",
    "assumptions[].key": "text",
    "assumptions[].note": "text",
    "defaults_used": "an object (key: the default used)",
    "replications_note": "text",
    "varied": "an object of dotted keys, each with a non-empty list of text values",
    "baseline_arm": "text",
    "metrics": "a non-empty list of metric names",
    "metrics[]": "a metric name (letters, digits and _)",
    "targets": 'a non-empty list of targets "METRIC<=VALUE" or "METRIC>=VALUE"',
    "targets[]": 'a target "METRIC<=VALUE" or "METRIC>=VALUE"',
    "key": "a dotted key (text)",
    "own_value": "a whole number >= 0",
    "min_value": "a whole number >= 0",
    "max_value": "a whole number >= 0",
    "answer": "a whole number >= 0 or null",
    "erlang_estimate": "a whole number >= 1 or null",
    "relative_change": "a number > 0 and <= 1",
    "period": "quarter or month",
    "lead_days": "a whole number >= 0",
    "ramp_days": "a number >= 0",
    "missed": "a list of period labels",
    "missed[]": "a period label (text)",
    "end_to_end_runs": "a whole number >= 1",
    "search_start": "a whole number >= 0 or null",
    "values_simulated": "a whole number >= 0 (staff) or a list of them, one per period (plan)",
    "values_simulated[]": "a whole number >= 0",
    "stopped_clearly_short": "a list of whole numbers >= 0 (staff), or one such list per period (plan)",
    "stopped_clearly_short[]": "a whole number >= 0 (staff) or a list of them (plan)",
    "compared": "a list of at least two {label, file, sha256, scenario_name}",
    "compared[]": "an object {label, file, sha256, scenario_name}",
    "compared[].label": "text (not empty)",
    "compared[].file": "text or null",
    "compared[].sha256": "64 hexadecimal digits or null",
    "compared[].scenario_name": "text",
    "notes": "a list of text",
    "notes[]": "text",
    "keys": "a non-empty list of dotted keys",
    "keys[]": "a dotted key (text)",
}
# whole numbers of the manifest with a ceiling: what it is, when one is above it
CEILINGS = {
    "replications": f"{MAX_REPLICATIONS:,} (the most replications a run may have, docs/limits.md)",
    "answer": f"{MAX_ANALYSTS:,} (the most analysts a scenario may have, docs/limits.md)",
    "own_value": f"{MAX_ANALYSTS:,} (the most analysts a scenario may have, docs/limits.md)",
    "min_value": f"{MAX_ANALYSTS:,} (the most analysts a scenario may have, docs/limits.md)",
    "max_value": f"{MAX_ANALYSTS:,} (the most analysts a scenario may have, docs/limits.md)",
}


class Assumption(BaseModel):
    """One `# assumption:` note of the scenario file."""

    model_config = _FIELDS
    key: str
    note: str


class Changed(BaseModel):
    """One key the run changed from its scenario file: the file's value (None: not given) and the
    value used."""

    model_config = _FIELDS
    key: DottedKey
    was: Any = None
    now: Any = None


class Manifest(BaseModel):
    """The fields of manifest.json that the report uses (every command writes them), typed."""

    model_config = _FIELDS
    kind: Literal["run", "sweep", "staff", "sensitivity", "plan", "compare"]
    scenario_name: str
    scenario_file: str | None
    scenario_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None
    seed: Whole
    replications: Replications
    jobs: Positive
    horizon_days: Annotated[float, Field(gt=0)]
    warmup_days: Annotated[float, Field(ge=0)]
    versions: dict[str, str]
    command_line: list[str]
    started_at: str
    finished_at: str
    files: list[str]
    resolved_scenario: dict[str, Any]
    description: str
    assumptions: list[Assumption]
    defaults_used: dict[str, Any]
    replications_note: str = ""
    changed: Annotated[list[Changed], Field(max_length=10_000)] = []
    reference: Annotated[str, Field(max_length=500)] = ""

    @field_validator("versions")
    @classmethod
    def _known_versions(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [name for name in ("python", "hotline-sim") if name not in value]
        if missing:
            raise ValueError(f"no version of {', '.join(missing)}")
        return value


class SweepManifest(Manifest):
    """A sweep's manifest: the varied keys and their values, the baseline arm, the chosen metrics."""

    varied: Annotated[dict[DottedKey, Annotated[list[str], Field(min_length=1)]], Field(min_length=1)]
    baseline_arm: str
    metrics: Annotated[list[MetricName], Field(min_length=1)]
    targets: Annotated[list[str], Field(max_length=100)] = []

    @field_validator("targets")
    @classmethod
    def _targets(cls, value: list[str]) -> list[str]:
        return valid_targets(value)


def valid_targets(value: list[str]) -> list[str]:
    """Each text a target `METRIC<=VALUE` or `METRIC>=VALUE` (ValueError otherwise; EXPECTED words it)."""
    from sim.experiments.targets import parse_target

    for text in value:
        try:
            parse_target(text)
        except ValueError:  # an ExperimentError worded for --target; EXPECTED says it here
            raise ValueError("") from None
    return value


class StaffManifest(Manifest):
    """A staffing search's manifest: the targets, the key searched and the scenario's own value of
    it, the answer (null: none) and the Erlang C estimate (null: none for these targets or key)."""

    targets: Annotated[list[str], Field(min_length=1, max_length=100)]
    key: DottedKey
    own_value: KeyValue
    min_value: KeyValue
    max_value: KeyValue
    answer: KeyValue | None
    erlang_estimate: Positive | None
    search_start: KeyValue | None = None  # where the search started (older folders: absent)
    values_simulated: Whole | None = None  # the team sizes the search simulated
    stopped_clearly_short: Annotated[list[KeyValue], Field(max_length=10_000)] = []  # after 2 replications

    @field_validator("targets")
    @classmethod
    def _targets(cls, value: list[str]) -> list[str]:
        return valid_targets(value)


class SensitivityManifest(Manifest):
    """A sensitivity analysis's manifest: the relative move, the chosen metrics, the keys moved."""

    relative_change: Annotated[float, Field(gt=0, le=1)]
    metrics: Annotated[list[MetricName], Field(min_length=1)]
    keys: Annotated[list[DottedKey], Field(min_length=1)]


class PlanManifest(Manifest):
    """A hiring plan's manifest: the targets, the period, the lead time and ramp-up, the periods
    that still miss a target, and how many end-to-end runs it took."""

    targets: Annotated[list[str], Field(min_length=1, max_length=100)]
    period: Literal["quarter", "month"]
    lead_days: Whole
    ramp_days: Annotated[float, Field(ge=0)]
    missed: Annotated[list[Annotated[str, Field(max_length=20)]], Field(max_length=10_000)]
    end_to_end_runs: Positive
    changes: list[str] = []
    key: DottedKey = "analysts.count"  # the team planned
    values_simulated: Annotated[list[Whole], Field(max_length=10_000)] = []  # per period, to size it
    # per period, the sizes stopped as clearly short after 2 replications
    stopped_clearly_short: Annotated[
        list[Annotated[list[KeyValue], Field(max_length=10_000)]], Field(max_length=10_000)
    ] = []

    @field_validator("targets")
    @classmethod
    def _targets(cls, value: list[str]) -> list[str]:
        return valid_targets(value)


class Compared(BaseModel):
    """One file of a comparison: its label, path, SHA-256 and scenario name."""

    model_config = _FIELDS
    label: Annotated[str, Field(min_length=1, max_length=300)]
    file: str | None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None
    scenario_name: str


class CompareManifest(Manifest):
    """A comparison's manifest: the files compared (the first is the base), the metrics plotted,
    and the warnings (files of different lengths)."""

    compared: Annotated[list[Compared], Field(min_length=2, max_length=1000)]
    metrics: Annotated[list[MetricName], Field(min_length=1)]
    notes: list[str]


MANIFESTS: dict[str, type[Manifest]] = {
    "run": Manifest,
    "sweep": SweepManifest,
    "staff": StaffManifest,
    "sensitivity": SensitivityManifest,
    "plan": PlanManifest,
    "compare": CompareManifest,
}


def _cut(text: str, most: int = 60) -> str:
    """`text` cut to about `most` characters (`sim.common.messages.cut`)."""
    return cut(text, most)


def _shown(value: Any) -> str:
    """A value from a manifest as a message quotes it: text in quotes, other JSON as JSON, cut."""
    if isinstance(value, str):
        return _cut(repr(value))
    try:
        return _cut(json.dumps(value, allow_nan=True))
    except (TypeError, ValueError, RecursionError):
        return _cut(repr(value))


def _location(loc: Sequence[Any]) -> tuple[str, str]:
    """A pydantic location as `assumptions[2].note`, and its generic form `assumptions[].note`."""
    shown = generic = ""
    for part in loc:
        if part == "[key]":
            continue  # pydantic's marker for a bad dict key
        if isinstance(part, int):
            shown, generic = f"{shown}[{part}]", f"{generic}[]"
        else:
            shown += ("." if shown else "") + str(part)
            generic += ("." if generic else "") + str(part)
    return shown or "(top level)", generic


def _expected(generic: str) -> str:
    """What the manifest should hold at a generic location (or at the nearest enclosing field)."""
    while generic:
        if generic in EXPECTED:
            return EXPECTED[generic]
        generic = re.sub(r"(\[\]|\.[^.\[\]]*)$", "", generic) if re.search(r"[.\[]", generic) else ""
    return "another value"


def _problem(error: dict[str, Any]) -> str:
    """One pydantic error as `replications: expected a whole number >= 1, got 'x'`."""
    shown, generic = _location(error["loc"])
    if error["type"] == "missing":
        return f"{shown}: missing (expected {_expected(generic)})"
    if error["type"] == "less_than_equal" and generic in CEILINGS:
        return f"{shown}: too large: expected at most {CEILINGS[generic]}, got {_shown(error.get('input'))}"
    reason = str((error.get("ctx") or {}).get("error", "")) if error["type"] == "value_error" else ""
    detail = f" ({reason})" if reason else ""
    return f"{shown}: expected {_expected(generic)}, got {_shown(error.get('input'))}{detail}"


def _nesting(data: Any) -> int:
    """How deeply lists and objects nest in `data` (walked without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_NESTING:
                stack.extend(
                    (child, depth + 1) for child in (node.values() if isinstance(node, dict) else node)
                )
    return deepest


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def file_bytes(path: Path, most: int, what: str) -> bytes:
    """The bytes of a regular file of at most `most` bytes (ReportError otherwise)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ReportError(f"{path}: not a regular file")
    if info.st_size > most:
        raise ReportError(
            f"{path}: {info.st_size:,} bytes, more than a {what} can be ({most:,} bytes at most)"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(most + 1)
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > most:
        raise ReportError(f"{path}: more than {most:,} bytes, more than a {what} can be")
    return data


def load_manifest(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """manifest.json, validated: its data and the resolved scenario validated again (as plain data,
    every default filled in). ReportError naming the file and each problem."""
    from sim.scenario.schema import scenario_from_dict
    from sim.scenario.section import ScenarioError

    raw = file_bytes(path, MAX_MANIFEST_BYTES, "manifest")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: not a hotline-sim manifest (not UTF-8 text: {exc.reason} at byte "
                          f"{exc.start})") from None  # fmt: skip
    except RecursionError:
        raise ReportError(f"{path}: not a hotline-sim manifest (nested too deeply to read)") from None
    except ValueError as exc:  # JSONDecodeError, NaN, an integer of thousands of digits
        raise ReportError(f"{path}: not a hotline-sim manifest (not JSON: {_cut(str(exc), 120)})") from None
    if not isinstance(data, dict):
        got = "null" if data is None else type(data).__name__
        raise ReportError(f"{path}: not a hotline-sim manifest (expected a JSON object, got {got})")
    if _nesting(data) > MAX_NESTING:
        raise ReportError(f"{path}: nested more than {MAX_NESTING} levels deep (a manifest nests about 7)")
    kind = data.get("kind")
    known = isinstance(kind, str) and kind in MANIFESTS
    model = MANIFESTS[kind] if known else Manifest
    try:
        model.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error) for error in exc.errors(include_url=False)]
        lines = [f"{path}: {problem}" for problem in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"{path}: ... and {len(problems) - MAX_PROBLEMS} more problem(s)")
        if not known:
            kinds = "run, sweep, staff, sensitivity, plan or compare"
            lines.insert(0, f"{path}: not a hotline-sim manifest (no kind: {kinds})")
        raise ReportError("\n".join(lines)) from None
    try:
        scenario = scenario_from_dict(data["resolved_scenario"], f"{path}: resolved_scenario")
    except ScenarioError as exc:
        lines = [f"{exc.source}: invalid scenario ({len(exc.problems)} problem(s))"]
        lines += [f"  {_cut(problem, 300)}" for problem in exc.problems[:MAX_PROBLEMS]]
        if len(exc.problems) > MAX_PROBLEMS:
            lines.append(f"  ... and {len(exc.problems) - MAX_PROBLEMS} more problem(s)")
        raise ReportError("\n".join(lines)) from None
    for name in ("horizon_days", "warmup_days"):
        resolved = getattr(scenario.scenario, name)
        if data[name] != resolved:
            raise ReportError(
                f"{path}: {name}: {data[name]:g} differs from resolved_scenario's scenario.{name} "
                f"{resolved:g}"
            )
    return data, scenario.to_dict()

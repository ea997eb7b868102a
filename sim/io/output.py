"""What every results folder holds, and the one routine that writes it.

A command's results become an `Output`: its tables (text), its figures (drawn when written), and
what its manifest says beyond what every manifest says. `write_output` writes it into a folder this
process holds (`ResultsFolder`: locked, the previous command's files cleared first), each file
whole (a temporary file and a rename), the manifest last: a folder without manifest.json is
incomplete, whatever else it holds.
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.io.folder import ResultsFolder
from sim.scenario.schema import Scenario

SUMMARY_COLUMNS = ("metric", "mean", "std", "ci95_low", "ci95_high", "replications")  # of summary tables


@dataclass(frozen=True)
class Output:
    """One command's results as files: what `write_output` puts in a folder."""

    kind: str  # the command: run, sweep, staff or sensitivity
    scenario: Scenario  # the scenario the manifest describes (a sweep's: the one its arms vary)
    source: Path | None  # its file, when it came from one
    seed: int
    replications: int
    jobs: int
    started_at: datetime
    tables: dict[str, str]  # file name -> text, in the order written
    figures: dict[str, Callable[[], bytes | None]] = field(default_factory=dict)  # None: no figure
    extra: dict[str, Any] = field(default_factory=dict)  # the manifest's own fields of this kind
    keep_resume_cache: bool = False  # a sweep keeps the replications of `--resume`


def write_output(out_dir: str | Path, output: Output, command_line: Sequence[str] = ()) -> None:
    """Write `output` into `out_dir`: take the folder, clear the files of the command that wrote it
    before, write the tables, draw and write the figures, and the manifest last. `command_line` is
    what the manifest records as the command that made the results (empty: the Python API)."""
    with ResultsFolder(out_dir) as folder:
        folder.start([*output.tables, *output.figures], keep_resume_cache=output.keep_resume_cache)
        files = []
        for name, text in output.tables.items():
            folder.write_text(name, text)
            files.append(name)
        for name, draw in output.figures.items():
            figure = draw()
            if figure is not None:
                folder.write_bytes(name, figure)
                files.append(name)
        files.append("manifest.json")
        document = manifest(
            output.scenario, output.source, output.seed, output.replications, output.jobs,
            output.started_at, files, output.kind, command_line,
        )  # fmt: skip
        folder.finish({**document, **output.extra})


DEPENDENCIES = (
    "simpy", "numpy", "matplotlib", "pydantic", "scipy", "click", "tomli-w", "tqdm", "jinja2", "filelock",
)  # fmt: skip


def dependency_versions() -> dict[str, str]:
    """Installed versions of Python and each dependency."""
    versions = {"python": platform.python_version(), "hotline-sim": _version("hotline-sim")}
    for name in DEPENDENCIES:
        versions[name] = _version(name)
    return versions


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def manifest(
    scenario: Scenario,
    scenario_path: Path | None,
    seed: int,
    replications: int,
    jobs: int,
    started_at: datetime,
    files: list[str],
    kind: str = "run",
    command_line: Sequence[str] = (),
) -> dict[str, Any]:
    """manifest.json: what made these results (the only file with timestamps); `kind` is the
    command that wrote them (run, sweep, staff or sensitivity), `command_line` its arguments
    (empty when the Python API wrote them)."""
    digest = hashlib.sha256(scenario_path.read_bytes()).hexdigest() if scenario_path else None
    return {
        "kind": kind,
        "scenario_name": scenario.scenario.name,
        "scenario_file": str(scenario_path) if scenario_path else None,
        "scenario_sha256": digest,
        "seed": seed,
        "replications": replications,
        "jobs": jobs,
        "horizon_days": scenario.scenario.horizon_days,
        "warmup_days": scenario.scenario.warmup_days,
        "versions": dependency_versions(),
        "command_line": list(command_line),
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": files,
        "resolved_scenario": scenario.to_dict(),
        **scenario_notes(scenario, scenario_path),
    }


def scenario_notes(scenario: Scenario, scenario_path: Path | None) -> dict[str, Any]:
    """For the manifest and the report: the file's opening comment (what the scenario is), its
    `# assumption:` notes and the defaults used."""
    from sim.scenario.assumptions import assumption_notes, defaults_used, description, file_data

    readable = scenario_path is not None and scenario_path.is_file()
    raw = file_data(scenario_path) if readable else None
    return {
        "description": description(scenario_path) if raw else "",
        "assumptions": [{"key": k, "note": n} for k, n in assumption_notes(scenario_path)] if raw else [],
        "defaults_used": {key: value for key, value in defaults_used(scenario, raw)},
    }

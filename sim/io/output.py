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

from sim.common.files import atomic_write_text
from sim.io.folder import ResultsFolder
from sim.scenario.changes import change_words, changed_from_file
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


def write_output(
    out_dir: str | Path, output: Output, command_line: Sequence[str] = (), excel: bool = False
) -> None:
    """Write `output` into `out_dir`: take the folder, clear the files of the command that wrote it
    before, write the tables (with `excel`, also as one workbook, results.xlsx), draw and write the
    figures, and the manifest last. `command_line` is what the manifest records as the command that
    made the results (empty: the Python API)."""
    from sim.io.excel import WORKBOOK_NAME, workbook_bytes

    workbook = [WORKBOOK_NAME] if excel else []
    with ResultsFolder(out_dir) as folder:
        folder.start([*output.tables, *workbook, *output.figures], keep_resume_cache=output.keep_resume_cache)
        files = []
        for name, text in output.tables.items():
            folder.write_text(name, text)
            files.append(name)
        if excel:
            about = [
                ("command", output.kind), ("scenario", output.scenario.scenario.name),
                ("scenario file", str(output.source) if output.source else "none (built in Python)"),
                ("seed", output.seed), ("replications", output.replications),
                ("changed from the file", what_if(output.scenario, output.source) or "nothing"),
                ("command line", " ".join(command_line) or "the Python API"),
            ]  # fmt: skip
            folder.write_bytes(WORKBOOK_NAME, workbook_bytes(output.tables, about))
            files.append(WORKBOOK_NAME)
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
    `# assumption:` notes, the defaults used, and the keys changed from the file (`--set`)."""
    from sim.scenario.assumptions import assumption_notes, defaults_used, description, file_data

    readable = scenario_path is not None and scenario_path.is_file()
    raw = file_data(scenario_path) if readable else None
    return {
        "description": description(scenario_path) if raw else "",
        "assumptions": [{"key": k, "note": n} for k, n in assumption_notes(scenario_path)] if raw else [],
        "defaults_used": {key: value for key, value in defaults_used(scenario, raw)},
        "changed": [change.as_dict() for change in changed_from_file(scenario, scenario_path)],
    }


def what_if(scenario: Scenario, scenario_path: Path | None) -> str:
    """What `scenario` changed from its file, in one line of words (empty: nothing, or no file)."""
    return change_words(changed_from_file(scenario, scenario_path))


REFERENCE_NOTE = (
    "reference results of `hotline-sim reproduce`: the machine's versions, timestamps and job count are "
    "not kept, so that the committed files are the same on every machine"
)


def make_portable(folder: Path, root: Path) -> None:
    """Rewrite `folder`'s manifest.json as the repository keeps it: paths relative to `root`, and
    none of what changes from machine to machine (the versions of Python and the dependencies, the
    timestamps, the number of processes), so that `reproduce` rewrites it byte for byte. The
    folder must be held (`ResultsFolder`) by the caller."""
    import json

    path = folder / "manifest.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    prefix = str(root.resolve()) + "/"

    def relative(text: str) -> str:
        return text.replace(prefix, "")

    line = [relative(part) for part in document.get("command_line", [])]
    if "--jobs" in line:  # reproduce's own option, not the job's
        at = line.index("--jobs")
        del line[at : at + 2]
    document.update({
        "scenario_file": relative(document["scenario_file"]) if document.get("scenario_file") else None,
        "command_line": line,
        "jobs": 1,
        "versions": {"python": "not kept", "hotline-sim": document["versions"]["hotline-sim"]},
        "started_at": "not kept",
        "finished_at": "not kept",
        "reference": REFERENCE_NOTE,
    })  # fmt: skip
    for entry in document.get("compared", []):
        if entry.get("file"):
            entry["file"] = relative(entry["file"])
    atomic_write_text(path, json.dumps(document, indent=2) + "\n")

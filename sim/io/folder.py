"""One writer per results folder, whole files only, and Ctrl-C that always wins.

Every command that writes a results folder (run, sweep, staff, sensitivity, report) writes it
through a `ResultsFolder`, which:

- holds the folder's lock (`.hotline-sim.lock`, a `filelock` lock the operating system releases
  when the process ends, however it ends) from before the first replication until the last file is
  written. A second command finds the folder taken and stops at once (`FolderBusy`, exit 2) naming
  the folder and the process that holds it (`.hotline-sim.owner`). The lock is re-entrant within a
  process, so the command line can take it before simulating and the writer again inside;
- removes temporary files that a killed writer left (`.NAME.XXXXXXXX.tmp`, from the atomic writes
  of `sim.io.output`);
- clears what hotline-sim wrote there before, and only that: the names in the folder's journal
  (`.hotline-sim-files.json`, every file written and not yet removed, updated before any file is
  written) and in its manifest. A file the command would overwrite that hotline-sim did not write
  is refused (`FolderConflict`, exit 2), so a planner's own `summary.md` is never lost;
- clears the old manifest first and writes the new one last: a folder without `manifest.json` is
  recognisably incomplete, and new tables never stand beside an old manifest;
- checks before each file, and before the manifest, that no Ctrl-C arrived (`sim.common.interrupts`): a
  KeyboardInterrupt raised inside a library's clean-up can be swallowed, so the signal handler of
  the command line also records it.

Nothing read from the folder is trusted: the journal, the manifest's file list and the owner note
are parsed as data, and only names a hotline-sim command writes are ever removed.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout

from sim.common.files import atomic_write_bytes, atomic_write_text
from sim.common.interrupts import check_interrupted
from sim.common.messages import cut, shown

LOCK_NAME = ".hotline-sim.lock"
OWNER_NAME = ".hotline-sim.owner"
JOURNAL_NAME = ".hotline-sim-files.json"
MANIFEST_NAME = "manifest.json"
MAX_SMALL_FILE_BYTES = 1_000_000  # the journal, an owner note, a manifest's file list

# Every name a hotline-sim command writes in a results folder; nothing else is ever removed.
KNOWN_NAMES = frozenset(
    {
        "summary.csv",
        "summary.md",
        "results.xlsx",
        "compare.csv",
        "compare.md",
        "plan.csv",
        "plan.md",
        "plan.png",
        "replications.csv",
        "takedown_by_country.csv",
        "takedown_by_route.csv",
        "timeseries.csv",
        "periods.csv",
        "backlog.png",
        "wait_distribution.png",
        "removal_by_route.png",
        "sweep.csv",
        "sweep_differences.csv",
        "sweep.md",
        "staffing.csv",
        "staffing.md",
        "staffing.png",
        "sensitivity.csv",
        "sensitivity.md",
        "report.html",
        MANIFEST_NAME,
    }
)
KINDS = ("run", "sweep", "staff", "sensitivity", "plan", "compare")  # the commands that write a manifest
KNOWN_PATTERN = re.compile(r"(sweep|sensitivity|compare)_[A-Za-z0-9_]{1,200}\.png")
CACHE_PATTERN = re.compile(r"[0-9a-f]{64}\.(json|pickle)")  # the resume cache's, and its former ones
TEMP_PATTERN = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")  # tempfile.mkstemp's, as sim.io.output names them


class FolderError(RuntimeError):
    """A results folder that cannot be written (exit 2 at the command line)."""


class FolderBusy(FolderError):
    """Another hotline-sim command is writing the folder."""


class FolderConflict(FolderError):
    """The folder holds files the command would overwrite or remove that hotline-sim did not write."""


def is_known_name(name: str) -> bool:
    """Whether `name` is a file name some hotline-sim command writes in a results folder."""
    return name in KNOWN_NAMES or KNOWN_PATTERN.fullmatch(name) is not None


class ResultsFolder:
    """A results folder being written by this process: `with ResultsFolder(path) as folder:`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock: FileLock | None = None

    def __enter__(self) -> ResultsFolder:
        where = cut(str(self.path), 200)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            planted = self.path / LOCK_NAME
            if planted.is_symlink() or (planted.exists() and not stat.S_ISREG(planted.lstat().st_mode)):
                raise FolderError(
                    f"{where}: {LOCK_NAME} is not a plain file; remove it, or choose another folder"
                )
        except OSError as exc:
            raise FolderError(f"{where}: cannot write results there ({exc.strerror})") from None
        lock = FileLock(str(self.path.absolute() / LOCK_NAME), timeout=0, is_singleton=True)
        try:
            lock.acquire()
        except Timeout:
            raise FolderBusy(
                f"{where}: another hotline-sim command is writing this folder ({self._owner()}); wait "
                "for it to finish, or choose another folder"
            ) from None
        except OSError as exc:
            raise FolderError(f"{where}: cannot write results there ({exc.strerror})") from None
        self._lock = lock
        if lock.lock_counter == 1:  # first taken by this process
            self._write_owner()
            self._remove_stale_temporary_files()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        lock, self._lock = self._lock, None
        if lock is None:
            return
        if lock.lock_counter == 1:
            (self.path / OWNER_NAME).unlink(missing_ok=True)
        lock.release()

    # --- who holds it ---------------------------------------------------------------------------

    def _write_owner(self) -> None:
        note = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        atomic_write_text(self.path / OWNER_NAME, json.dumps(note) + "\n")

    def _owner(self) -> str:
        """Who holds the lock, in words, from the owner note (untrusted: any content is shown safely)."""
        note = _read_json(self.path / OWNER_NAME)
        if not isinstance(note, dict):
            return "a process that left no note of itself"
        pid, host, since = note.get("pid"), note.get("host"), note.get("since")
        command = note.get("command")
        words = f"process {pid}" if isinstance(pid, int) else "a process"
        if isinstance(host, str):
            words += f" on {cut(host, 80)}"
        if isinstance(command, list) and all(isinstance(part, str) for part in command):
            words += f", {cut(' '.join(command), 200)}"
        if isinstance(since, str):
            words += f", since {cut(since, 40)}"
        return words

    def _remove_stale_temporary_files(self) -> None:
        for folder in (self.path, self.path / ".resume"):
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if TEMP_PATTERN.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink():
                    entry.unlink(missing_ok=True)

    # --- what is in it -----------------------------------------------------------------------------

    def written_here(self) -> set[str]:
        """The files hotline-sim wrote here and has not removed: the journal's and the manifest's
        names (only names a hotline-sim command writes are taken), and a report.html that says it
        was generated by hotline-sim (`report` does not add itself to the manifest)."""
        names: set[str] = set()
        journal = _read_json(self.path / JOURNAL_NAME)
        if isinstance(journal, dict) and isinstance(journal.get("files"), list):
            names.update(n for n in journal["files"] if isinstance(n, str))
        manifest = _read_json(self.path / MANIFEST_NAME)
        if _is_our_manifest(manifest) and isinstance(manifest["files"], list):
            names.add(MANIFEST_NAME)
            names.update(n for n in manifest["files"] if isinstance(n, str))
        if _is_our_report(self.path / "report.html"):
            names.add("report.html")
        return {name for name in names if is_known_name(name)}

    def refuse_foreign(self) -> None:
        """Raise FolderConflict when the folder holds a file named like a result that hotline-sim
        did not write here (a command would overwrite or remove it)."""
        ours = self.written_here()
        names = (entry.name for entry in self.path.iterdir())
        present = sorted(name for name in names if is_known_name(name) and name not in ours)
        if present:
            raise FolderConflict(
                f"{self.path}: holds files that hotline-sim did not write here "
                f"({', '.join(shown(n) for n in present[:5])}{' and more' if len(present) > 5 else ''}: in "
                "neither its manifest nor its list of files), and a command writing here would overwrite "
                "or remove them; move them, or choose another folder"
            )

    def start(self, planned: list[str], keep_resume_cache: bool = False) -> None:
        """Make the folder ready for the files `planned` (manifest.json is always among them):
        refuse to overwrite files hotline-sim did not write, record the plan in the journal, and
        remove what hotline-sim wrote before (the manifest first, and a sweep's resume cache unless
        `keep_resume_cache`: a sweep's own)."""
        self._require_lock()
        check_interrupted()
        planned_names = [*dict.fromkeys([*planned, MANIFEST_NAME])]
        unknown = [name for name in planned_names if not is_known_name(name)]
        if unknown:
            raise ValueError(f"not a results file name: {', '.join(unknown)}")  # a programming error
        self.refuse_foreign()
        ours = self.written_here()
        self._write_journal(ours | set(planned_names))
        for name in sorted(ours, key=lambda n: n != MANIFEST_NAME):  # the manifest first
            entry = self.path / name
            if entry.is_file() or entry.is_symlink():
                entry.unlink()
        if not keep_resume_cache:
            self._remove_resume_cache()
        self._write_journal(set(planned_names))

    def _remove_resume_cache(self) -> None:
        """Remove a former sweep's `.resume/` (only the cache's own files; the folder if then empty)."""
        cache = self.path / ".resume"
        if cache.is_symlink() or not cache.is_dir():
            return
        for entry in cache.iterdir():
            if CACHE_PATTERN.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink():
                entry.unlink()
        if not any(cache.iterdir()):
            cache.rmdir()

    def adopt(self) -> None:
        """Record every result-named file in the folder as hotline-sim's: for `reproduce`, whose
        folders of `results/` hold the repository's committed reference tables (the file list and
        the manifests are not kept in git)."""
        self._require_lock()
        present = {entry.name for entry in self.path.iterdir() if is_known_name(entry.name)}
        self._write_journal(self.written_here() | present)

    def add(self, name: str) -> None:
        """Record one more file to be written (e.g. the report of a finished folder)."""
        self._require_lock()
        if not is_known_name(name):
            raise ValueError(f"not a results file name: {name}")
        self.refuse_foreign()
        self._write_journal(self.written_here() | {name})

    def write_text(self, name: str, text: str) -> None:
        """Write one planned file atomically (UTF-8)."""
        self.write_bytes(name, text.encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> None:
        """Write one planned file atomically, unless Ctrl-C arrived."""
        self._require_lock()
        check_interrupted()
        atomic_write_bytes(self.path / name, data)

    def finish(self, manifest: dict[str, Any]) -> None:
        """Write manifest.json, last, unless Ctrl-C arrived: the folder is complete."""
        self._require_lock()
        check_interrupted()
        atomic_write_text(self.path / MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n")

    def _write_journal(self, names: set[str]) -> None:
        atomic_write_text(self.path / JOURNAL_NAME, json.dumps({"files": sorted(names)}, indent=1) + "\n")

    def _require_lock(self) -> None:
        if self._lock is None:
            raise RuntimeError("write a results folder inside `with ResultsFolder(path) as folder:`")


def _is_our_manifest(manifest: Any) -> bool:
    """Whether parsed JSON looks like a manifest hotline-sim wrote (a planner's own manifest.json of
    another tool is not ours, and neither are the files it names)."""
    if not isinstance(manifest, dict) or manifest.get("kind") not in KINDS:
        return False
    versions = manifest.get("versions")
    return isinstance(versions, dict) and "hotline-sim" in versions and "files" in manifest


def _is_our_report(path: Path) -> bool:
    """Whether `path` is a planner report written by hotline-sim (its generator tag says so)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(2048)
    except OSError:
        return False
    return b'<meta name="generator" content="hotline-sim' in head


def _read_json(path: Path) -> Any:
    """A small JSON file's content, or None when it is missing, too big or not JSON."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_SMALL_FILE_BYTES:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None

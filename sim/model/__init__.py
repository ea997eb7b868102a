"""The model: one replication of the hotline as SimPy processes (`sim.model.hotline`).

Compiled or not. An install compiles these modules with mypyc into C extensions when the machine
can (`setup.py`; `HOTLINE_SIM_COMPILE=1` compiles or fails, `=0` does not): the same code, so the
same numbers (`tests/model/test_compiled.py` checks replications of many variants byte for byte),
and a fifth to a third less time a replication. The extensions are used only while they were
built from the modules' source as it is now: after an edit (an editable install), or with
`HOTLINE_SIM_PURE=1`, the modules load from their `.py` files (the first with a warning). `BUILD`
says which model runs.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from importlib.abc import MetaPathFinder
from pathlib import Path

_HERE = Path(__file__).parent
# what the compiled build was made from: each module's file name and the SHA-256 of its source
BUILD_RECORD = _HERE / "_compiled_from.json"


def source_digests(folder: Path = _HERE) -> dict[str, str]:
    """The SHA-256 of each of the model's modules' source, by file name (what a build records)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.py"))}


def _has_extensions() -> bool:
    return any((_HERE / f"hotline{suffix}").exists() for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def _built_from_this_source() -> bool:
    try:
        recorded = json.loads(BUILD_RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == source_digests()


class _SourceFirst(MetaPathFinder):
    """Loads the model's modules from their `.py` files even where compiled ones lie beside them."""

    def find_spec(self, fullname: str, path: object = None, target: object = None):  # noqa: D102
        package, _, name = fullname.rpartition(".")
        if package != __name__:
            return None
        source = _HERE / f"{name}.py"
        return importlib.util.spec_from_file_location(fullname, source) if source.exists() else None


def _build() -> str:
    if not _has_extensions():
        return "pure Python"
    if os.environ.get("HOTLINE_SIM_PURE", "") == "1":
        sys.meta_path.insert(0, _SourceFirst())
        return "pure Python (HOTLINE_SIM_PURE=1)"
    if not _built_from_this_source():
        sys.meta_path.insert(0, _SourceFirst())
        warnings.warn_explicit(  # named after the tool, not after this line of code
            "the compiled model was built from other source than sim/model's files now, so the "
            "pure-Python model runs (the same numbers, slower) until the package is installed again "
            "(the README's install command compiles it)",
            RuntimeWarning,
            filename="hotline-sim",
            lineno=0,
        )
        return "pure Python (the compiled build is out of date)"
    return "compiled"


BUILD = _build()
"""Which model runs: "compiled", or "pure Python" with the reason when compiled modules are there."""

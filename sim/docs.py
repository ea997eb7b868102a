"""The generated documents: print, write or check them (`python -m sim.docs [--write | --check]`).

Each document is rendered from the code it describes (the scenario reference from the scenario
models, the metrics from the metric catalogue), so it cannot drift: a test fails when a committed
copy is stale. Paths are relative to the folder the command runs in (the repository), never to
where the package is installed.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sim import metrics
from sim.common.files import atomic_write_text
from sim.scenario import reference

WRITE_COMMAND = "python -m sim.docs --write"
DOCUMENTS: dict[str, Callable[[], str]] = {
    "docs/scenario-reference.md": reference.render,
    "docs/metrics.md": metrics.render_docs,
}


def check(path: Path, render: Callable[[], str]) -> str | None:
    """None when `path` holds the document as generated now, else why not (with a short diff)."""
    expected = render()
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return f"{path} does not exist: run `{WRITE_COMMAND}` to generate it"
    if current == expected:
        return None
    diff = difflib.unified_diff(
        current.splitlines(), expected.splitlines(), str(path), "generated", lineterm="", n=1
    )
    shown = list(diff)[:40]
    return (
        f"{path} is stale (it differs from the document generated from the code): "
        f"run `{WRITE_COMMAND}`\n" + "\n".join(shown)
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print (default), write or check every generated document under `--root` (default: here)."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.docs",
        description="The documents generated from the code: " + ", ".join(DOCUMENTS) + ".",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="(re)write the documents")
    action.add_argument("--check", action="store_true", help="exit 1 when a document is stale")
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="the repository the documents are in (default: here)"
    )
    args = parser.parse_args(argv)
    status = 0
    for name, render in DOCUMENTS.items():
        path = args.root / name
        if args.check:
            problem = check(path, render)
            if problem:
                print(problem, file=sys.stderr)
                status = 1
            else:
                print(f"{path} is up to date")
        elif args.write:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, render())
            print(f"wrote {path}")
        else:
            sys.stdout.write(render())
    return status


if __name__ == "__main__":
    sys.exit(main())

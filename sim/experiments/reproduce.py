"""`hotline-sim reproduce`: re-run every reference run, sweep and staffing answer into `results/`.

The list lives in `scenarios/reference.toml`, one table per job:

    [[job]]
    command = "sweep"                      # run | sweep | staff | compare
    scenario = "scenarios/baseline-2018.toml"
    out = "results/growth-study"
    arguments = ["--vary", "intake.volume_multiplier=1,2", "--metric", "sla_assessment_share"]
    backtest = false                       # true: small enough for the test suite to regenerate
    compared_with = []                     # compare only: the other scenario files

Each job is the command line `hotline-sim COMMAND SCENARIO [COMPARED_WITH...] --out OUT
ARGUMENTS...`, run in this process, so a reference table is exactly what a planner gets from that
command. Paths are relative to the repository root. Tables are byte-identical from one reproduce
to the next on the same dependency versions; each `manifest.json` is rewritten without what
changes from machine to machine (`sim.io.output.make_portable`) and kept in git.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sim.common.messages import cut, shown

REFERENCE_FILE = Path("scenarios") / "reference.toml"
COMMANDS = ("run", "sweep", "staff", "compare")


@dataclass(frozen=True)
class Job:
    """One reference job: a command line whose files make one folder of `results/`."""

    command: str
    scenario: str
    out: str
    arguments: list[str] = field(default_factory=list)
    backtest: bool = False
    compared_with: list[str] = field(default_factory=list)  # `compare`'s other scenario files

    def argv(self, root: Path, out: Path | None = None) -> list[str]:
        """The command line, with paths made absolute under `root` (or another output folder)."""
        target = out if out is not None else root / self.out
        files = [str(root / self.scenario), *(str(root / other) for other in self.compared_with)]
        return [self.command, *files, "--out", str(target), *self.arguments]


def load_jobs(root: Path) -> list[Job]:
    """The jobs of `scenarios/reference.toml` under `root` (ValueError naming the problem)."""
    path = root / REFERENCE_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(
            f"{path}: no reference list here (run from the repository root or give --root)"
        ) from None
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError, bad UTF-8, a number too long
        raise ValueError(f"{path}: not a valid TOML file ({cut(str(exc), 200)})") from None
    jobs = []
    for index, table in enumerate(data.get("job", [])):
        unknown = sorted(
            set(table) - {"command", "scenario", "out", "arguments", "backtest", "compared_with"}
        )
        if (
            unknown
            or table.get("command") not in COMMANDS
            or not table.get("scenario")
            or not table.get("out")
        ):
            raise ValueError(
                f"{path}: job[{index}]: expected command (one of {', '.join(COMMANDS)}), scenario, out, "
                f"optional arguments, backtest and compared_with; got {sorted(table)}"
            )
        results = (root / "results").resolve()
        out = (root / str(table["out"])).resolve()
        if not str(table["out"]).startswith("results/") or not out.is_relative_to(results) or out == results:
            raise ValueError(
                f"{path}: job[{index}].out: expected a folder under results/ (inside the root), "
                f"got {shown(table['out'])}"
            )
        arguments = table.get("arguments", [])
        if not isinstance(arguments, list) or not all(isinstance(a, str) for a in arguments):
            raise ValueError(f"{path}: job[{index}].arguments: expected a list of strings")
        if any(a.split("=")[0] in ("--out", "--root") for a in arguments):
            raise ValueError(
                f"{path}: job[{index}].arguments: expected no --out (the job's folder is its `out`)"
            )
        others = table.get("compared_with", [])
        if not isinstance(others, list) or not all(isinstance(o, str) for o in others):
            raise ValueError(f"{path}: job[{index}].compared_with: expected a list of scenario files")
        if (table["command"] == "compare") != bool(others):
            raise ValueError(
                f"{path}: job[{index}].compared_with: expected the other files of a compare job "
                "(and only of one)"
            )
        for key, name in [("scenario", table["scenario"]), *(("compared_with", o) for o in others)]:
            scenario = (root / str(name)).resolve()
            if not scenario.is_relative_to(root.resolve()):
                raise ValueError(
                    f"{path}: job[{index}].{key}: expected a file inside the root, got {shown(name)}"
                )
        jobs.append(Job(**table))
    if not jobs:
        raise ValueError(f"{path}: no [[job]] tables")
    return jobs

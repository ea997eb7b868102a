"""`hotline-sim reproduce`: re-run every reference run, sweep and staffing answer into `results/`.

The list lives in `scenarios/reference.toml`, one table per job:

    [[job]]
    command = "sweep"                      # run | sweep | staff
    scenario = "scenarios/baseline-2018.toml"
    out = "results/growth-study"
    arguments = ["--vary", "intake.volume_multiplier=1,2", "--metric", "sla_assessment_share"]
    backtest = false                       # true: small enough for the test suite to regenerate

Each job is the command line `hotline-sim COMMAND SCENARIO --out OUT ARGUMENTS...`, run in this
process, so a reference table is exactly what a planner gets from that command. Paths are relative
to the repository root. Tables are byte-identical from one reproduce to the next on the same
dependency versions; `manifest.json` (timestamps) is not kept in git.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sim.common.messages import cut, shown

REFERENCE_FILE = Path("scenarios") / "reference.toml"
COMMANDS = ("run", "sweep", "staff")


@dataclass(frozen=True)
class Job:
    """One reference job: a command line whose files make one folder of `results/`."""

    command: str
    scenario: str
    out: str
    arguments: list[str] = field(default_factory=list)
    backtest: bool = False

    def argv(self, root: Path, out: Path | None = None) -> list[str]:
        """The command line, with paths made absolute under `root` (or another output folder)."""
        target = out if out is not None else root / self.out
        return [self.command, str(root / self.scenario), "--out", str(target), *self.arguments]


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
        unknown = sorted(set(table) - {"command", "scenario", "out", "arguments", "backtest"})
        if (
            unknown
            or table.get("command") not in COMMANDS
            or not table.get("scenario")
            or not table.get("out")
        ):
            raise ValueError(
                f"{path}: job[{index}]: expected command (one of {', '.join(COMMANDS)}), scenario, out, "
                f"optional arguments and backtest; got {sorted(table)}"
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
        scenario = (root / str(table["scenario"])).resolve()
        if not scenario.is_relative_to(root.resolve()):
            raise ValueError(
                f"{path}: job[{index}].scenario: expected a file inside the root, "
                f"got {shown(table['scenario'])}"
            )
        jobs.append(Job(**table))
    if not jobs:
        raise ValueError(f"{path}: no [[job]] tables")
    return jobs

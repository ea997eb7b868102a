"""The `hotline-sim` command: a thin layer that parses arguments and calls the library.

Exit codes: 0 success, 2 invalid input (scenario or arguments), 1 anything else, 130 Ctrl-C,
141 the reader of the output stopped early (`| head`; every file is written by then).
The commands are in `sim.cli.simulate` (run, sweep, staff, sensitivity), `sim.cli.plan` (plan),
`sim.cli.compare` (compare) and `sim.cli.files` (check, report, reproduce); what they share is in
`sim.cli.common`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

import click

from sim import __version__
from sim.cli.common import EXIT_CLOSED_PIPE, EXIT_FAILURE, EXIT_INVALID, parse_override
from sim.cli.compare import compare
from sim.cli.files import check, report, reproduce
from sim.cli.plan import plan
from sim.cli.simulate import run, sensitivity, staff, sweep
from sim.common.interrupts import EXIT_INTERRUPTED
from sim.model import BUILD

__all__ = ["cli", "execute", "main", "parse_override"]


class _Commands(click.Group):
    """The command group: a request the library refuses before simulating (ExperimentError: a bad
    target, a job too big, ...) or a folder another command holds or that holds files hotline-sim
    did not write is one line on stderr and exit 2, whoever invokes the command."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: object
    ) -> click.Context:
        """The command's context; the whole command line (for the manifest) is its `obj`."""
        if parent is None and extra.get("obj") is None:
            extra["obj"] = {"command_line": ["hotline-sim", *args]}
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command, mapping refused requests to exit 2."""
        from sim.common.messages import cut
        from sim.experiments.arms import ExperimentError
        from sim.io.folder import FolderError

        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # the files are written before anything is printed: nothing is lost
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit has nowhere to fail
            sys.exit(EXIT_CLOSED_PIPE)
        except (ExperimentError, FolderError) as exc:
            click.echo("\n".join(cut(line) for line in _in_options(exc).splitlines()), err=True)
            sys.exit(EXIT_INVALID)


# the options of the library's parameters, for its messages (`ExperimentError.parameter`)
OPTIONS = {
    "metrics": "--metric", "vary": "--vary", "baseline": "--baseline", "target": "--target", "low": "--min",
    "high": "--max", "keys": "--keys", "key": "--key", "replications": "--replications", "seed": "--seed",
    "max_replications": "--max-replications", "period": "--period", "lead_days": "--lead-days",
    "ramp_days": "--ramp-days",
}  # fmt: skip


def _in_options(exc: Exception) -> str:
    """A refusal worded with the command line's options where the library names its parameters."""
    parameter = getattr(exc, "parameter", None)
    if parameter in OPTIONS:
        return f"{OPTIONS[parameter]}{exc.detail}"
    return str(exc).replace("(force=True)", "with --force")


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Example:\n\n  hotline-sim run scenarios/baseline-2018.toml --replications 10 --jobs 2",
)
@click.version_option(
    __version__, prog_name="hotline-sim", message=f"%(prog)s, version %(version)s (model: {BUILD})"
)
def cli() -> None:
    """Simulate a reporting hotline's queue, time to takedown and staffing (synthetic events only)."""


for _command in (run, sweep, staff, sensitivity, plan, compare, report, check, reproduce):
    cli.add_command(_command)


def execute(argv: list[str]) -> int:
    """Run one command line in this process and map its end to an exit code: 0 success, 2 invalid
    input, 130 Ctrl-C, 1 anything else (one clear line on stderr, never a traceback). The console
    entry point and the in-process tests both run commands through it."""
    from sim.common.interrupts import interrupted

    try:
        cli.main(args=argv, prog_name="hotline-sim", standalone_mode=False)
        if interrupted():  # a Ctrl-C swallowed by a library's clean-up still ends the command as one
            raise KeyboardInterrupt
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        from sim.common.messages import cut

        exc.message = cut(exc.message)  # a long value never buries the message
        exc.show()
        return EXIT_INVALID if isinstance(exc, click.UsageError) else EXIT_FAILURE
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        return _interrupted_exit()
    except SystemExit as exc:  # a command's own exit (2 for invalid input, 1 for no answer)
        if interrupted() and exc.code not in (0, None):
            return _interrupted_exit()
        return exc.code if isinstance(exc.code, int) else EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one clear line, exit 1
        if interrupted():  # a library left broken by a Ctrl-C it swallowed (matplotlib's layout)
            return _interrupted_exit()
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        return EXIT_FAILURE
    return 0


def _interrupted_exit() -> int:
    """Say that the command was interrupted; exit 130."""
    click.echo(
        "interrupted: no table was left half-written; a folder without manifest.json is incomplete, "
        "and the next command into it clears it",
        err=True,
    )
    return EXIT_INTERRUPTED


def main() -> None:
    """Console entry point: Ctrl-C handled from the first moment, then the command line run."""
    from sim.common.interrupts import handle_interrupts

    handle_interrupts()  # first: a Ctrl-C while numpy and the model load is exit 130 too
    try:
        code = execute(sys.argv[1:])
    except KeyboardInterrupt:  # in the instant between the command's end and its exit code
        code = EXIT_INTERRUPTED
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command has ended: a late Ctrl-C changes nothing
    sys.exit(code)


def console() -> None:
    """The `hotline-sim` console script: `main`, and after a Ctrl-C (exit 130) an exit that skips
    the interpreter's exit handlers.

    Everything the command writes is whole or cleared by then. One of those handlers joins the
    process pool's manager thread, which can wait forever when a worker was terminated while
    sending its result (a half-written message on the pool's pipe): Ctrl-C must always win. In-process
    callers of `main` (tests, notebooks) get its SystemExit as before."""
    try:
        main()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):  # a closed pipe: nothing more to say
                    stream.flush()
            os._exit(EXIT_INTERRUPTED)
        raise

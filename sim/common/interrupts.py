"""Ctrl-C that always wins: a SIGINT handler that raises KeyboardInterrupt and remembers it.

A KeyboardInterrupt raised inside a library's clean-up (a destructor, a callback) can be swallowed
("Exception ignored in ..."), and the command would go on to finish with exit 0. So the command
line installs `handle_interrupts` first thing, and the results writer (`sim.io.folder`) asks
`check_interrupted` before each file and before the manifest: a Ctrl-C that arrived ends the
command with exit 130 even when its exception was lost. A second Ctrl-C ends the process at once
(files are written whole or not at all, and the next command into the folder clears what is left).

This module imports nothing heavy, so the handler is in place before numpy and the model load.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType

EXIT_INTERRUPTED = 130  # as a shell reports SIGINT

_interrupted = threading.Event()


def _on_interrupt(_signum: int, _frame: FrameType | None) -> None:
    if _interrupted.is_set():
        os._exit(EXIT_INTERRUPTED)
    _interrupted.set()
    raise KeyboardInterrupt


def handle_interrupts() -> None:
    """Install the handler (the main thread of the command line only)."""
    _interrupted.clear()
    signal.signal(signal.SIGINT, _on_interrupt)


def interrupted() -> bool:
    """Whether Ctrl-C arrived in this process since the handler was installed."""
    return _interrupted.is_set()


def check_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C arrived, even if its exception was swallowed somewhere."""
    if _interrupted.is_set():
        raise KeyboardInterrupt

"""The model's events without SimPy's general machinery: its event loop (`run_until`), the
analysts' processes resumed by plain callbacks (`drive`), the timeout an analyst reuses for each of
its steps (`Hold`), the event it reuses for each idle spell (`Wake`) and timed callbacks
(`call_later`).

Each schedules into SimPy's own queue exactly what its SimPy counterpart would (the same time,
priority and place in the order of events), so a replication's events happen in the same order
as with `env.timeout`, `env.event().succeed()`, `env.process` and `env.run`
(`tests/model/test_event_loop.py` runs them side by side); what is left out is the objects and
calls the model does not need.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Generator
from typing import Any, Final

import simpy
import simpy.events

# SimPy's priorities of an event (`simpy.events.URGENT`, `NORMAL`), as constants compiled in
URGENT: Final = 0
NORMAL: Final = 1
if (simpy.events.URGENT, simpy.events.NORMAL) != (URGENT, NORMAL):
    raise ImportError("this SimPy orders its events with other priorities than the model's (0 and 1)")
# Final names: compiled, no lookup in the module's namespace per call (the model's modules use them)
heappush: Final = heapq.heappush
heappop: Final = heapq.heappop


class UrgentTimeout:
    """A timeout processed before the ordinary events of the same moment (SimPy's URGENT), scheduled
    as `env.schedule(event, URGENT, delay)` schedules one. Like the other events here it is not a
    SimPy `Event` but has what SimPy's loop and processes use of one (`callbacks`, `_ok`, `_value`,
    `env`), so a SimPy process may wait on it. (Compiled, a subclass of SimPy's Python class is
    fragile: built without SimPy's types at hand, one crashed the interpreter.)"""

    __slots__ = ("callbacks", "_ok", "_value", "env")

    def __init__(self, env: simpy.Environment, delay_hours: float):
        self.env = env
        self.callbacks: list[Callable[[UrgentTimeout], None]] | None = []
        self._ok = True
        self._value = None
        queue: list[Any] = env._queue
        heappush(queue, (env._now + delay_hours, URGENT, next(env._eid), self))


class Hold:
    """The timeout an analyst waits on, scheduled again for each of its steps (an assessment, a
    break, ...) rather than made anew: it waits for one at a time.

    `after(hours)` schedules it as `env.timeout(hours)` schedules a new Timeout (the same time,
    priority and place in the order of events); making a Timeout object for each step would cost
    about a quarter of SimPy's handling of its event.
    """

    __slots__ = ("callbacks", "_ok", "_value", "env", "queue", "order")

    def __init__(self, env: simpy.Environment):
        self.env = env
        self.queue: list[Any] = env._queue  # (time, priority, order, event); any object with callbacks
        self.order = env._eid  # the environment's own queue and counter, each made once with it
        self._ok = True
        self._value = None
        self.callbacks: list[Callable[[Hold], None]] | None = None  # None: processed, free to be scheduled

    def after(self, delay_hours: float) -> Hold:
        """Schedule the event `delay_hours` from now; the event itself (to be yielded)."""
        if self.callbacks is not None:
            raise RuntimeError("the analyst's hold is already scheduled")
        if delay_hours < 0:
            raise ValueError(f"Negative delay {delay_hours}")
        self.callbacks = []
        heappush(self.queue, (self.env._now + delay_hours, NORMAL, next(self.order), self))
        return self


class Timer:
    """A callback due at a time: what `env.timeout(delay).callbacks.append(callback)` schedules,
    without the Timeout (whose making costs more than the callback it carries). It is pushed into
    the environment's queue as a Timeout is (`call_later`), so the order of events is the same."""

    __slots__ = ("callbacks", "_ok")

    def __init__(self, callback: Callable[[Timer], None]):
        self.callbacks: list[Callable[[Timer], None]] | None = [callback]
        self._ok = True


def call_later(env: simpy.Environment, delay_hours: float, callback: Callable[[Timer], None]) -> None:
    """Call `callback` `delay_hours` from now, where `env.timeout(delay_hours)` would fire (the same
    time, priority and place in the order of events)."""
    if delay_hours < 0:
        raise ValueError(f"Negative delay {delay_hours}")
    queue: list[Any] = env._queue
    heappush(queue, (env._now + delay_hours, NORMAL, next(env._eid), Timer(callback)))


class Wake:
    """The event an idle analyst waits on, made once per analyst and armed for each idle spell
    (`arm`); `fire` schedules it now as `Event.succeed()` would (the same place in the order of
    events), without a new SimPy event per spell. Its value is None, so a SimPy process may wait
    on it too."""

    __slots__ = ("callbacks", "_ok", "_value", "env", "queue", "order")

    def __init__(self, env: simpy.Environment):
        self.env = env
        self.queue: list[Any] = env._queue  # the environment's own queue and counter, as `Hold` keeps them
        self.order = env._eid
        self.callbacks: list[Callable[[Wake], None]] | None = None
        self._ok = True
        self._value = None

    def arm(self) -> Wake:
        """Ready to be waited on (yielded), to be fired once: whoever fires it first takes it out
        of the set of those waiting (a team's idle members)."""
        self.callbacks = []
        return self

    def fire(self) -> None:
        """Trigger it now: the one waiting on it resumes when it is processed."""
        heappush(self.queue, (self.env._now, NORMAL, next(self.order), self))


def run_until(env: simpy.Environment, at_hours: float) -> None:
    """`env.run(until=at_hours)`, event for event: SimPy's `step` inlined in one loop over the
    environment's own queue (about 3 % of a replication's time is the method call and lookups per
    event).

    The same events are processed in the same order, each one's callbacks in turn, and a failed
    event no one defused raises as it does in SimPy; the clock stops at `at_hours` (the urgent
    events due then that were scheduled before the call are processed first, as in SimPy), with
    the events due later, and the others due then, left in the queue. The model calls nothing that
    stops a run early (`StopSimulation`), so that part of `run` is left out."""
    if at_hours <= env.now:
        raise ValueError(f"until ({at_hours}) must be greater than the current simulation time")
    until = simpy.events.Event(env)
    until._ok = True
    until._value = None
    env.schedule(until, simpy.events.URGENT, at_hours - env.now)
    queue: list[Any] = env._queue  # its events: SimPy's, Holds, Timers and Wakes
    pop = heapq.heappop
    event: Any
    while True:
        now, _, _, event = pop(queue)
        env._now = now
        if event is until:
            return
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc


def drive(env: simpy.Environment, steps: Generator[Any, None, None]) -> None:
    """Run `steps` as `env.process(steps)` would, but resumed by a plain callback on each event it
    yields rather than by a `simpy.Process`.

    It starts at the same point (an urgent event now, as a process's initialisation) and resumes
    at the same points (in the callbacks of the events it waits for), so every event is created
    and processed in the same order. A Process's bookkeeping (the active process, its target, the
    events' values and failures sent in, and an event of its own when the generator ends) costs
    about a sixth of SimPy's handling of an event; an analyst needs none of it: it ignores the
    values, its events never fail and nothing waits for it (an event no one waits for changes
    nothing, so leaving out the one at its end keeps the order of all the others).
    """

    def resume(_event: object) -> None:
        try:
            steps.send(None).callbacks.append(resume)
        except StopIteration:
            pass  # done (its last duty day is over)

    start = UrgentTimeout(env, 0)  # 0, not 0.0: the clock stays an int, as with a Process
    start.callbacks = [resume]

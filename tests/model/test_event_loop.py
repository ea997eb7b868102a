"""The model's event loop (`run_until`) processes SimPy's events exactly as `env.run(until=...)`,
and its light events (`Wake`, `call_later`) happen where SimPy's own (`env.event().succeed()`,
`env.timeout` with a callback) would.

A random mix of what the model uses (processes, timeouts with tied times, urgent events, events
succeeded by other processes, callbacks, the analysts' reused `Hold`) is run both ways, and the
log of what happened when must be the same, event for event.
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.model.events import Hold, UrgentTimeout, Wake, call_later, drive, run_until


def _toy(env: simpy.Environment, seed: int, log: list, light: bool = False) -> None:
    """Processes whose times tie often (delays on a coarse grid) and wake one another; `light`:
    with the model's `Wake` and `call_later` where SimPy's event and timeout would be."""
    rng = np.random.default_rng(seed)
    delays = (rng.integers(0, 4, size=4000) * 0.5).tolist()
    waiting: list[tuple[simpy.Event | Wake, list[int]]] = []

    def worker(name: int):
        wake_of_mine = Wake(env)
        for step in range(40):
            yield env.timeout(delays.pop())
            log.append((env.now, "timeout", name, step))
            if waiting and step % 3 == 0:
                wake, woken_by = waiting.pop(0)
                woken_by.append(name)
                wake.fire() if isinstance(wake, Wake) else wake.succeed()
            if step % 7 == 0:
                wake = wake_of_mine.arm() if light else env.event()
                woken_by = []
                waiting.append((wake, woken_by))
                yield wake
                log.append((env.now, "woken", name, woken_by))

    def holder(name: int):
        hold = Hold(env)
        for step in range(40):
            yield hold.after(delays.pop())
            log.append((env.now, "hold", name, step))

    def urgent(name: int):
        for step in range(20):
            yield UrgentTimeout(env, delays.pop())
            log.append((env.now, "urgent", name, step))
            later = env.timeout(delays.pop())
            for order in range(2):  # an event's callbacks run in the order they were added
                later.callbacks.append(
                    lambda _e, n=name, s=step, o=order: log.append((env.now, "cb", n, s, o))
                )
            # a timed callback: the model's light timer, or a timeout with one callback
            timed = lambda _e, n=name, s=step: log.append((env.now, "timed", n, s))  # noqa: E731
            if light:
                call_later(env, delays.pop(), timed)
            else:
                env.timeout(delays.pop()).callbacks.append(timed)

    for name in range(6):
        env.process(worker(name))
        drive(env, holder(name))
        env.process(urgent(name))
    # whoever is still waiting at the end is woken by a last round
    env.process(_drain(env, waiting))


def _drain(env: simpy.Environment, waiting: list):
    while True:
        yield env.timeout(5.0)
        while waiting:
            wake, woken_by = waiting.pop(0)
            woken_by.append(-1)
            wake.fire() if isinstance(wake, Wake) else wake.succeed()


@pytest.mark.parametrize("light", [False, True], ids=["simpy-events", "light-events"])
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("until", [7.0, 31.5, 200.0])
def test_run_until_processes_the_events_of_env_run_in_the_same_order(
    seed: int, until: float, light: bool
) -> None:
    """SimPy's run of the toy with SimPy's events, against `run_until` with SimPy's events or the
    model's light ones."""
    logs = []
    clocks = []
    for runner, own in (
        (lambda env: env.run(until=until), False),
        (lambda env: run_until(env, until), light),
    ):
        env = simpy.Environment()
        log: list = []
        _toy(env, seed, log, own)
        # due exactly at `until`, before the run's stop (made later): processed, as in SimPy
        UrgentTimeout(env, until).callbacks.append(lambda _e, log=log, env=env: log.append((env.now, "last")))
        runner(env)
        logs.append(log)
        # (SimPy puts its stop event back in the queue, to be resumed from: not a model event)
        left = sorted((at, priority, eid) for at, priority, eid, _ in env._queue if priority >= 0)
        clocks.append((env.now, left))
    assert len(logs[0]) > 50  # the mix did happen before `until`
    kinds = {entry[1] for entry in logs[0]}
    assert {"woken", "timed", "cb", "hold"} <= kinds or until < 31.5  # every kind, given the time
    assert logs[0][-1] == (until, "last")
    assert logs[1] == logs[0]
    assert clocks[1] == clocks[0]  # stopped at `until`, the same events left to do


def test_a_failed_event_no_one_defused_raises_as_in_simpy() -> None:
    def failing(env: simpy.Environment):
        yield env.timeout(1.0)
        raise KeyError("seen")

    raised = []
    for runner in (lambda env: env.run(until=5.0), lambda env: run_until(env, 5.0)):
        env = simpy.Environment()
        env.process(failing(env))
        with pytest.raises(KeyError, match="seen") as caught:
            runner(env)
        raised.append((env.now, type(caught.value.__cause__)))
    assert raised[1] == raised[0] == (1.0, KeyError)


def test_until_must_be_later_than_now() -> None:
    env = simpy.Environment(initial_time=3.0)
    with pytest.raises(ValueError, match="greater than the current simulation time"):
        run_until(env, 3.0)

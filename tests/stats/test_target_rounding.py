"""A figure read beside a target (a staffing row) is on the same side of the target as its value:
rounding never makes a miss read as the target or as a pass, and the place it is rounded to is the
usual one (at most two significant digits of the half-width), whatever the figures."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.stats.readable import decimals, rounded

TARGETS = {
    "share": (0.5, 0.9, 0.95, 0.99, 1.0),
    "count": (40_000.0, 250_000.0, 5.0),
    "hours": (24.0, 72.0, 0.5),
}


def _figures(text: str) -> list[float]:
    return [float(part.replace(",", "")) for part in text.split(" to ")]


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, float, float, float, float]:
    kind = draw(st.sampled_from(sorted(TARGETS)))
    target = draw(st.sampled_from(TARGETS[kind]))
    # a mean and interval around the target: bounds from a thousandth of it to a tenth either side
    relative = st.floats(-0.1, 0.1, allow_nan=False).map(lambda r: target * (1 + r))
    low, mean, high = sorted(draw(st.lists(relative, min_size=3, max_size=3)))
    if kind == "share":
        low, mean, high = (min(v, 1.0) for v in (low, mean, high))
    return kind, target, mean, low, high


@settings(max_examples=600, deadline=None)
@given(cases())
def test_a_figure_beside_its_target_stays_on_its_side(case: tuple[str, float, float, float, float]) -> None:
    kind, target, mean, low, high = case
    scale = 100.0 if kind == "share" else 1.0
    value, interval = rounded(mean, low, high, 5, kind, target=target)
    shown = [float(value.replace(",", "")), *_figures(interval)]
    goal = target * scale
    for true, read in zip((mean * scale, low * scale, high * scale), shown, strict=True):
        if true < goal:
            assert read < goal, (case, value, interval)
        elif true > goal:
            assert read > goal, (case, value, interval)
    # and at the place the figures are rounded to without a target, or a finer one that still
    # shows at most two significant digits of the half-width
    half_width = (high - low) / 2 * scale
    if half_width > 0:
        usual = decimals(half_width, kind, mean * scale)
        text = interval.split(" to ")[0]
        places = len(text.split(".")[1]) if "." in text else 0
        assert places <= max(usual, 0, 1 - math.floor(math.log10(half_width))), (case, value, interval)

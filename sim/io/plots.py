"""Figures (matplotlib, Agg backend), in one house style: greys, line styles and markers that tell
series apart in greyscale, units on every axis, 95 % CI bands where replications give them.

Figures: the daily backlog (whole run, and the average week so the weekly pattern shows), the wait
distribution, time from notice to removal by route, a sweep's metric against its first key, the
staffing curve, and the sensitivity tornado. Each function returns PNG bytes so that the caller
writes them atomically.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from sim.metrics import ReplicationResult, axis_label
from sim.scenario.schema import Scenario
from sim.stats.histogram import bin_edges_hours
from sim.stats.intervals import t_quantile_975

T = TypeVar("T")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = "osD^v<>ph*"
STYLE = {
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.labelsize": 9.5,
    "axes.edgecolor": "0.3",
    "axes.grid": True,
    "grid.color": "0.88",
    "grid.linewidth": 0.6,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "lines.linewidth": 1.3,
}
KEY_UNITS = (
    ("_days", "days"), ("_hours", "hours"), ("_minutes", "minutes"), ("_share", "share, 0 to 1"),
    ("_per_day", "reports per day"), ("_per_search_hour", "reports per hour"), ("multiplier", "factor"),
    ("growth_per_year", "share per year"), ("analysts.count", "analysts"), ("_per_year", "per year"),
)  # fmt: skip


def key_axis_label(key: str) -> str:
    """A scenario key with its unit, for an axis: `analysts.count (analysts)`.

    >>> key_axis_label("intake.volume_multiplier"), key_axis_label("analysts.schedule")
    ('intake.volume_multiplier (factor)', 'analysts.schedule')
    """
    last = key.rsplit(".", 1)[-1]
    for marker, unit in KEY_UNITS:
        if marker in (key if "." in marker else last):
            return f"{key} ({unit})"
    return key


def _styled(plot: Callable[..., T]) -> Callable[..., T]:
    """Draw the figure inside the house style (without changing the caller's matplotlib settings)."""

    @functools.wraps(plot)
    def draw(*args, **kwargs):
        import matplotlib

        matplotlib.use("Agg")
        with matplotlib.rc_context(STYLE):
            return plot(*args, **kwargs)

    return draw


def _figure(rows: int = 1, height_inches: float = 4.5, height_ratios: Sequence[float] | None = None):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        rows, 1, figsize=(8, height_inches), dpi=100, squeeze=False,
        gridspec_kw={"height_ratios": height_ratios} if height_ratios else None,
    )  # fmt: skip
    return plt, fig, list(axes[:, 0])


def _png(plt, fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _title(ax, text: str) -> None:
    ax.set_title(text, loc="left")


def _legend(ax, **kwargs) -> None:
    ax.legend(**kwargs)


def _ci_half_width(values: np.ndarray) -> np.ndarray | None:
    """Per column, the 95 % CI half-width of the mean over rows (replications); None with one row."""
    n = values.shape[0]
    if n < 2:
        return None
    return t_quantile_975(n - 1) * values.std(axis=0, ddof=1) / np.sqrt(n)


@_styled
def backlog_plot(results: list[ReplicationResult], scenario: Scenario) -> bytes:
    """Reports waiting at the end of each day over the run (mean, 95 % CI band), and below it the
    average week of the measured window (end-of-day backlog by weekday), where the weekly pattern
    of a weekday team shows at a glance."""
    plt, fig, (ax, week_ax) = _figure(rows=2, height_inches=6.5, height_ratios=(3, 2))
    backlog = np.array([r.timeseries["backlog"] for r in results])
    days = np.arange(backlog.shape[1]) + 1  # the backlog at the end of day d is plotted at d + 1
    start = scenario.scenario.start_date
    if start is not None:  # dates on the axis: the end of day d is the start of date d + 1
        days = np.datetime64(start.isoformat()) + days.astype("timedelta64[D]")
    mean = backlog.mean(axis=0)
    half = _ci_half_width(backlog)
    if half is not None:
        ax.fill_between(days, mean - half, mean + half, color="0.75", linewidth=0, label="95 % CI")
    ax.plot(days, mean, color="black", linewidth=0.9, label=f"mean of {len(results)} replications")
    warmup = scenario.scenario.warmup_days
    if warmup > 0:
        at = (
            warmup
            if start is None
            else np.datetime64(start.isoformat()) + np.timedelta64(round(warmup * 24), "h")
        )
        ax.axvline(at, color="0.35", linestyle="--", linewidth=1.0, label="end of warm-up")
    if start is None:
        ax.set_xlabel("day of the run (days; day 0 is a Monday)")
        ax.set_xlim(0, max(days[-1], 1))
    else:
        import matplotlib.dates as mdates

        ax.set_xlabel(f"date (day 0 is {start:%A %d %B %Y})")
        ax.set_xlim(np.datetime64(start.isoformat()), days[-1])
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_ylabel("reports waiting at end of day")
    ax.set_ylim(bottom=0)
    _title(ax, f"{scenario.scenario.name}: backlog over time")
    _legend(ax, loc="upper left", ncol=3)

    first = int(np.ceil(warmup))
    measured = backlog[:, first:] if backlog.shape[1] - first >= 7 else backlog
    offset = first if measured is not backlog else 0
    weekday = (np.arange(measured.shape[1]) + offset + scenario.weekday_of_day0) % 7
    by_weekday = np.array(
        [[row[weekday == d].mean() if (weekday == d).any() else np.nan for d in range(7)] for row in measured]
    )
    week_mean = by_weekday.mean(axis=0)
    week_half = _ci_half_width(by_weekday)
    x = np.arange(7)
    week_ax.bar(x, week_mean, color="0.7", edgecolor="black", linewidth=0.6, width=0.65)
    if week_half is not None:
        week_ax.errorbar(x, week_mean, yerr=week_half, fmt="none", ecolor="black", capsize=3, linewidth=0.9)
    week_ax.set_xticks(x, list(WEEKDAYS))
    week_ax.set_xlabel("day of the week (end of day)")
    week_ax.set_ylabel("reports waiting (mean)")
    week_ax.set_ylim(bottom=0)
    _title(week_ax, "the average week of the measured window (bars: 95 % CI over replications)")
    return _png(plt, fig)


def _share_longer(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """From log-histogram counts: bin edges (hours) and the share of values above each edge."""
    total = counts.sum()
    if not total:
        return None
    edges = bin_edges_hours()
    cumulative = np.cumsum(counts[1:-1]) + counts[0]
    return edges[1:], 1.0 - cumulative / total


def _log_limits(ax, counts_list: list[np.ndarray]) -> None:
    """Log x limits that cover the occupied bins of every histogram."""
    occupied = [np.nonzero(c[1:-1])[0] for c in counts_list]
    occupied = [o for o in occupied if o.size]
    if occupied:
        edges = bin_edges_hours()
        low = min(o[0] for o in occupied)
        high = max(o[-1] for o in occupied)
        ax.set_xlim(max(edges[low], 1e-3), edges[high + 1] * 1.5)


@_styled
def wait_plot(results: list[ReplicationResult], scenario: Scenario) -> bytes:
    """Distribution of waits (arrival to start of assessment), all replications pooled: the share
    of reports waiting longer than t, with the service level marked."""
    plt, fig, (ax,) = _figure()
    counts = np.sum([r.wait_histogram for r in results], axis=0)
    curve = _share_longer(counts)
    if curve is not None:
        ax.step(*curve, where="post", color="black", label=f"{len(results)} replications pooled")
        ax.set_xscale("log")
        _log_limits(ax, [counts])
    sla = scenario.sla.assessment_hours
    ax.axvline(sla, color="0.35", linestyle="--", linewidth=1.0, label=f"service level: {sla:g} h")
    ax.set_ylim(0, 1)
    ax.set_xlabel("wait before assessment starts (hours, log scale)")
    ax.set_ylabel("share of reports waiting longer (0 to 1)")
    _title(ax, f"{scenario.scenario.name}: wait distribution (measured window)")
    _legend(ax, loc="upper right")
    return _png(plt, fig)


REMOVAL_MARKS_HOURS = ((1.0, "1 h"), (24.0, "1 day"), (72.0, "3 days"), (672.0, "28 days"))


@_styled
def removal_plot(results: list[ReplicationResult], scenario: Scenario) -> bytes | None:
    """Time from notice to removal by takedown route, all replications pooled: the share of pages
    still up t hours after the notice (None when the scenario models no removals)."""
    routes = list(results[0].removal_histograms) if results else []
    if not routes:
        return None
    plt, fig, (ax,) = _figure()
    histograms = []
    for index, route in enumerate(routes):
        counts = np.sum([r.removal_histograms[route] for r in results], axis=0)
        curve = _share_longer(counts)
        if curve is None:
            continue
        histograms.append(counts)
        at_zero = counts[0] / counts.sum()  # removed at once (a delay of 0)
        label = f"{route.replace('_', ' ')} ({int(counts.sum()):,} notices in {len(results)} replications)"
        if at_zero > 0.005:
            label += f", {at_zero:.0%} at once"
        ax.step(*curve, where="post", color=str(0.55 * index / max(1, len(routes) - 1)),
                linestyle=LINE_STYLES[index % len(LINE_STYLES)], label=label)  # fmt: skip
    if histograms:
        ax.set_xscale("log")
        _log_limits(ax, histograms)
    for hours, text in REMOVAL_MARKS_HOURS:
        ax.axvline(hours, color="0.6", linewidth=0.7, linestyle=(0, (1, 2)))
        ax.annotate(text, (hours, 1.0), xytext=(2, -10), textcoords="offset points", fontsize=8, color="0.3")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("time from notice to removal (hours, log scale)")
    ax.set_ylabel("share of pages still up (0 to 1)")
    _title(ax, f"{scenario.scenario.name}: time to removal by route (notices in the measured window)")
    _legend(ax, loc="lower left")
    return _png(plt, fig)


@_styled
def sweep_plot(arms: list, summaries: list[dict], metric: str) -> bytes:
    """`metric` against the first varied key, one line per value of the other keys, 95 % CI bands."""
    from sim.experiments.arms import show_value

    plt, fig, (ax,) = _figure()
    keys = list(arms[0].values)
    first = keys[0]
    distinct = {show_value(arm.values[first]): arm.values[first] for arm in arms}  # tables are not hashable
    xs = list(distinct.values())
    numeric = all(isinstance(x, int | float) and not isinstance(x, bool) for x in xs)
    position = {shown: (x if numeric else i) for i, (shown, x) in enumerate(distinct.items())}
    lines: dict[str, list[tuple[float, float, float, float]]] = {}
    for arm, arm_summaries in zip(arms, summaries, strict=True):
        label = ", ".join(f"{k}={show_value(arm.values[k])}" for k in keys[1:]) or metric
        s = arm_summaries.get(metric)
        if s is not None and s.replications > 0:
            x = position[show_value(arm.values[first])]
            lines.setdefault(label, []).append((x, s.mean, s.ci95_low, s.ci95_high))
    greys = np.linspace(0.0, 0.6, max(1, len(lines)))
    for index, (label, points) in enumerate(lines.items()):
        points.sort()
        x, mean, low, high = (np.array(column, dtype=float) for column in zip(*points, strict=True))
        colour = str(greys[index])
        ax.fill_between(x, low, high, color=colour, alpha=0.2, linewidth=0)
        ax.plot(x, mean, color=colour, marker=MARKERS[index % len(MARKERS)],
                linestyle=LINE_STYLES[index % len(LINE_STYLES)], label=label)  # fmt: skip
    if not numeric:
        ax.set_xticks(range(len(xs)), [show_value(x) for x in xs])
    ax.set_xlabel(key_axis_label(first))
    ax.set_ylabel(f"{axis_label(metric)}\nmean, 95 % CI band")
    _title(ax, f"{arms[0].scenario.scenario.name}: {metric} by {first}")
    _legend(ax, loc="best")
    return _png(plt, fig)


@_styled
def staffing_plot(
    name: str,
    panels: list[tuple[str, str | None, float | None, list[tuple[int, float, float, float]]]],
    answer: int | None,
    key: str = "analysts.count",
    own: int | None = None,
) -> bytes:
    """The staffing curves: one panel per metric (mean and 95 % CI at each value tried of `key`),
    with its target line where it has one (`operator`, `value`; None for a metric only shown, such
    as the reports found), the answer and the scenario's own value marked. `panels` are
    (metric, operator, value, [(value tried, mean, ci95_low, ci95_high), ...])."""
    plt, fig, axes = _figure(rows=len(panels), height_inches=max(4.5, 1.0 + 3.2 * len(panels)))
    for ax, (metric, operator, target, rows) in zip(axes, panels, strict=True):
        rows = sorted(rows)
        x = np.array([r[0] for r in rows], dtype=float)
        mean = np.array([r[1] for r in rows], dtype=float)
        low = np.array([r[2] for r in rows], dtype=float)
        high = np.array([r[3] for r in rows], dtype=float)
        ax.errorbar(x, mean, yerr=[np.nan_to_num(mean - low), np.nan_to_num(high - mean)], color="black",
                    marker="o", linestyle="-", capsize=3, label="mean, 95 % CI")  # fmt: skip
        if operator is not None and target is not None:
            ax.axhline(target, color="0.35", linestyle="--", linewidth=1.0,
                       label=f"target: {metric} {operator} {target:.10g}")  # fmt: skip
        if answer is not None:
            ax.axvline(answer, color="0.5", linestyle=":", linewidth=1.2, label=f"answer: {answer}")
        if own is not None and own != answer:
            ax.axvline(own, color="0.7", linestyle="-.", linewidth=1.0, label=f"the scenario's own: {own}")
        ax.set_ylabel(axis_label(metric))
        _legend(ax, loc="best")
    axes[-1].set_xlabel("analysts (analysts.count)" if key == "analysts.count" else key)
    _title(axes[0], f"{name}: by {'team size' if key == 'analysts.count' else key} (values tried)")
    return _png(plt, fig)


@_styled
def tornado_plot(
    scenario: Scenario, metric: str, base, bars: list[tuple[str, float, float]], change: float
) -> bytes:
    """Each key's effect on `metric` when moved down (light) and up (dark), widest at the top."""
    plt, fig, (ax,) = _figure(height_inches=max(3.0, 1.0 + 0.45 * len(bars)))
    positions = np.arange(len(bars))[::-1]
    for y, (_, down, up) in zip(positions, bars, strict=True):
        for value, colour, label in ((down, "0.75", f"-{change:.0%}"), (up, "0.25", f"+{change:.0%}")):
            if not np.isnan(value):
                ax.barh(y, value, left=base.mean, color=colour, edgecolor="black", linewidth=0.5, label=label)
    ax.axvline(base.mean, color="black", linewidth=1.0)
    ax.set_yticks(positions, [key for key, _, _ in bars])
    ax.set_xlabel(f"{axis_label(metric)}; base {base.mean:.4g}, bars: the paired change")
    _title(ax, f"{scenario.scenario.name}: sensitivity of {metric}")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    if unique:
        ax.legend(unique.values(), unique.keys(), loc="lower right", fontsize="small")
    return _png(plt, fig)


@_styled
def plan_plot(
    name: str, starts: list, ends: list, needed: list[int | None], headcount: list[int], volume: list[float]
) -> bytes:
    """A hiring plan over time: the planned headcount (steps, held through each period), the
    analysts each period needs on its own (points), and the reports a day (second axis)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator

    plt, fig, (ax,) = _figure()
    edges = [*starts, ends[-1]]
    ax.stairs(headcount, edges, baseline=None, color="black", linewidth=1.8, label="planned headcount")
    middles = [s + (e - s) / 2 for s, e in zip(starts, ends, strict=True)]
    shown = [(m, n) for m, n in zip(middles, needed, strict=True) if n is not None]
    if shown:
        ax.plot(
            [m for m, _ in shown],
            [n for _, n in shown],
            "o",
            color="0.4",
            label="analysts needed in the period",
        )
    ax.set_ylabel("analysts")
    ax.set_ylim(0, max([*headcount, *(n for _, n in shown)]) * 1.1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole analysts
    right = ax.twinx()
    right.stairs(  # no baseline: the line does not drop to 0 at the plan's ends
        volume, edges, baseline=None, color="0.6", linestyle="--", linewidth=1.0,
        label="reports a day (right axis)",
    )  # fmt: skip
    right.set_ylabel("reports a day (public and partners)")
    right.set_ylim(0, max(volume) * 1.1)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + right.get_legend_handles_labels()[1]
    # below the plot, off the lines
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize="small")
    _title(ax, f"{name}: hiring plan")
    return _png(plt, fig)


@_styled
def compare_plot(labels: list[str], summaries: list, differences: list, metric: str) -> bytes:
    """`metric` in each file compared (mean and 95 % CI), and beside each the paired difference
    from the first file (mean and 95 % CI)."""
    plt, fig, (ax, diff_ax) = _figure(rows=2, height_inches=6.0, height_ratios=(1, 1))
    y = np.arange(len(labels))[::-1]
    for axis, values, words in (
        (ax, summaries, "mean, 95 % CI"),
        (diff_ax, differences, "paired difference"),
    ):
        mean = np.array([v.mean for v in values], dtype=float)
        low = np.array([v.ci95_low for v in values], dtype=float)
        high = np.array([v.ci95_high for v in values], dtype=float)
        axis.errorbar(mean, y, xerr=[np.nan_to_num(mean - low), np.nan_to_num(high - mean)], fmt="o",
                      color="black", capsize=4, label=words)  # fmt: skip
        axis.set_yticks(y, labels)
        axis.grid(axis="y", visible=False)
    diff_ax.axvline(0.0, color="0.35", linestyle="--", linewidth=1.0)
    ax.set_xlabel(axis_label(metric))
    diff_ax.set_xlabel(f"paired difference from the first file: {axis_label(metric)}")
    _title(ax, f"{metric}: the files compared (95 % CI)")
    return _png(plt, fig)

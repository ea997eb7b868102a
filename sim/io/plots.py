"""Figures (matplotlib, Agg backend), in one house style a director can read: the Okabe-Ito
colour-blind-safe palette with a marker and a line style per series as well, labels in words with
units (shares in %), plain time ticks ("15 min", "8 h", "3 days"), constrained layout so that
nothing is clipped, legends below the data, and the run's what-if (what it changed from its
scenario file) as a subtitle of every figure.

Figures: the daily backlog (the range over replications and their mean, dates on the axis when the
scenario has a start date; below it the average week), the wait distribution, time from notice to
removal by route, a sweep's metric at each simulated arm (markers and intervals only: no line
invents a slope between arms), a two-key sweep as a heat map with the target's contour, the
staffing curves, the sensitivity tornado, a hiring plan and a comparison. Each function returns
PNG bytes so that the caller writes them atomically; the PNG's Title and Description hold the title
and the subtitle as text.
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from sim.metrics import ReplicationResult, label_words, metric
from sim.scenario.changes import key_words, show_value
from sim.scenario.schema import Scenario
from sim.stats.histogram import bin_edges_hours

T = TypeVar("T")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Okabe & Ito (2008), colour-blind safe; yellow last (weak on white)
PALETTE = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = "osD^v<>ph*"
WIDTH_INCHES = 8.0
TITLE_CHARACTERS = 88  # a title line that fits the 8-inch width at the title's size
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
HOUR_TICKS = (
    1 / 60,
    5 / 60,
    15 / 60,
    0.5,
    1.0,
    2.0,
    4.0,
    8.0,
    24.0,
    48.0,
    72.0,
    168.0,
    336.0,
    672.0,
    1344.0,
    2688.0,
    8760.0,
)


def key_axis_label(key: str) -> str:
    """A scenario key in words, the key itself after it: `analysts in the team (analysts.count)`.

    >>> key_axis_label("intake.volume_multiplier")
    "report volume (× the file's) (intake.volume_multiplier)"
    """
    return f"{key_words(key)} ({key})"


def _is_count(name: str) -> bool:
    try:
        return metric(name).words == "count"
    except KeyError:
        return False


def metric_axis(name: str, sla_hours: float | None = None) -> tuple[str, float]:
    """A metric's axis label in words with its unit, and the scale its values are drawn at (shares
    in %: 100; else 1).

    >>> metric_axis("sla_assessment_share", 24)
    ('Share of reports assessed within 24 hours of arrival (%)', 100.0)
    """
    try:
        entry = metric(name)
    except KeyError:
        return name, 1.0
    label = label_words(name, sla_hours)
    if entry.words == "share":
        return f"{label} (%)", 100.0
    unit = {"hours": "hours", "days": "days"}.get(entry.words, "")
    return (f"{label} ({unit})" if unit else label), 1.0


def hours_text(hours: float) -> str:
    """A time for a tick: minutes under an hour, hours under two days, then days and weeks.

    >>> [hours_text(h) for h in (0.25, 8, 72, 336)]
    ['15 min', '8 h', '3 days', '2 weeks']
    """
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:g} h"
    if hours < 168 or hours % 168:
        return f"{hours / 24:g} days"
    weeks = hours / 168
    return f"{weeks:g} week{'s' if weeks != 1 else ''}"


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
        rows,
        1,
        figsize=(WIDTH_INCHES, height_inches),
        dpi=100,
        squeeze=False,
        layout="constrained",
        gridspec_kw={"height_ratios": height_ratios} if height_ratios else None,
    )
    return plt, fig, list(axes[:, 0])


def _png(plt, fig) -> bytes:
    """The figure as PNG bytes (no timestamp, so equal figures give equal bytes); its title and
    subtitle go in the PNG's Title and Description."""
    buffer = io.BytesIO()
    title, subtitle = getattr(fig, "hotline_title", ("", ""))
    fig.savefig(buffer, format="png", metadata={"Software": None, "Title": title, "Description": subtitle})
    plt.close(fig)
    return buffer.getvalue()


def _title(ax, text: str, what_if: str = "") -> None:
    """The axes' title, wrapped to the figure's width, with the what-if below it ("changed from the
    file: ..."), also kept for the PNG's text."""
    lines = textwrap.wrap(text, TITLE_CHARACTERS)
    subtitle = f"changed from the scenario file: {what_if}" if what_if else ""
    if subtitle:
        lines += textwrap.wrap(subtitle, int(TITLE_CHARACTERS * 1.15))
    ax.set_title("\n".join(lines), loc="left", **({"fontsize": 10} if subtitle else {}))
    ax.figure.hotline_title = (text, subtitle)


def _legend_below(fig, axes, columns: int = 3) -> None:
    """One legend for the figure, below the plots (off the data)."""
    handles, labels = [], []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncol=min(columns, len(labels)))


def _series_style(index: int) -> dict:
    return {
        "color": PALETTE[index % len(PALETTE)],
        "marker": MARKERS[index % len(MARKERS)],
        "linestyle": LINE_STYLES[index % len(LINE_STYLES)],
    }


def _hours_axis(ax, low: float, high: float) -> None:
    """A log axis of hours from `low` to `high` with plain ticks (15 min, 8 h, 3 days, 2 weeks)."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.set_xscale("log")
    ax.set_xlim(low, high)
    room = np.log10(high / low) / 8  # about 8 labels across, none on top of another
    ticks: list[float] = []
    for hours in (h for h in HOUR_TICKS if low <= h <= high):
        if not ticks or np.log10(hours / ticks[-1]) >= room:
            ticks.append(hours)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda h, _: hours_text(h)))
    ax.xaxis.set_minor_locator(NullLocator())


def _date_axis(ax, start) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel(f"date (day 0 is {start:%A %d %B %Y})")


@_styled
def backlog_plot(results: list[ReplicationResult], scenario: Scenario, what_if: str = "") -> bytes:
    """Reports waiting at the end of each day over the run (the range over replications as a band,
    and their mean), and below it the average week of the measured window (end-of-day backlog by
    weekday), where the weekly pattern of a weekday team shows at a glance."""
    plt, fig, (ax, week_ax) = _figure(rows=2, height_inches=6.8, height_ratios=(3, 2))
    backlog = np.array([r.timeseries["backlog"] for r in results])
    days = np.arange(backlog.shape[1]) + 1  # the backlog at the end of day d is plotted at d + 1
    start = scenario.scenario.start_date
    if start is not None:  # dates on the axis: the end of day d is the start of date d + 1
        days = np.datetime64(start.isoformat()) + days.astype("timedelta64[D]")
    if len(results) > 1:
        ax.fill_between(
            days,
            backlog.min(axis=0),
            backlog.max(axis=0),
            color=PALETTE[6],
            alpha=0.35,
            linewidth=0,
            step="pre",
            label=f"range over the {len(results)} replications",
        )
    ax.step(
        days, backlog.mean(axis=0), where="pre", color=PALETTE[1], linewidth=0.9, label="mean, day by day"
    )
    warmup = scenario.scenario.warmup_days
    if warmup > 0:
        at = (
            warmup
            if start is None
            else np.datetime64(start.isoformat()) + np.timedelta64(round(warmup * 24), "h")
        )
        ax.axvline(at, color="0.35", linestyle="--", linewidth=1.0, label="end of warm-up")
    if start is None:
        ax.set_xlabel("day of the run (day 0 is a Monday)")
        ax.set_xlim(0, max(days[-1], 1))
    else:
        _date_axis(ax, start)
        ax.set_xlim(np.datetime64(start.isoformat()), days[-1])
    ax.set_ylabel("reports waiting at the end of the day")
    ax.set_ylim(bottom=0)
    _title(ax, f"{scenario.scenario.name}: reports waiting for assessment, day by day", what_if)

    first = int(np.ceil(warmup))
    measured = backlog[:, first:] if backlog.shape[1] - first >= 7 else backlog
    offset = first if measured is not backlog else 0
    weekday = (np.arange(measured.shape[1]) + offset + scenario.weekday_of_day0) % 7
    by_weekday = np.array(
        [[row[weekday == d].mean() if (weekday == d).any() else np.nan for d in range(7)] for row in measured]
    )
    x = np.arange(7)
    week_ax.bar(
        x,
        by_weekday.mean(axis=0),
        color=PALETTE[6],
        edgecolor=PALETTE[1],
        linewidth=0.8,
        width=0.65,
        label="mean over the replications",
    )
    if len(results) > 1:
        # a window shorter than a week leaves some weekdays without a day: no range for those
        seen = ~np.isnan(by_weekday).all(axis=0)
        low, high = np.full(7, np.nan), np.full(7, np.nan)
        low[seen], high[seen] = np.nanmin(by_weekday[:, seen], axis=0), np.nanmax(by_weekday[:, seen], axis=0)
        mean = by_weekday.mean(axis=0)
        week_ax.errorbar(
            x,
            mean,
            yerr=[mean - low, high - mean],
            fmt="none",
            ecolor="black",
            capsize=3,
            linewidth=0.9,
            label="range over the replications",
        )
    week_ax.set_xticks(x, list(WEEKDAYS))
    week_ax.set_xlabel("day of the week (reports waiting at its end)")
    week_ax.set_ylabel("reports waiting")
    week_ax.set_ylim(bottom=0)
    week_ax.set_title("The average week of the measured window", loc="left")
    _legend_below(fig, [ax, week_ax])
    return _png(plt, fig)


def _share_longer(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """From log-histogram counts: bin edges (hours) and the share of values above each edge."""
    total = counts.sum()
    if not total:
        return None
    edges = bin_edges_hours()
    cumulative = np.cumsum(counts[1:-1]) + counts[0]
    return edges[1:], 1.0 - cumulative / total


def _hour_limits(counts_list: list[np.ndarray], least: float = 1 / 60) -> tuple[float, float]:
    """Log-axis limits in hours that cover the occupied bins of every histogram, from at least
    `least` (a minute: shorter waits read as "at once")."""
    occupied = [np.nonzero(c[1:-1])[0] for c in counts_list]
    occupied = [o for o in occupied if o.size]
    if not occupied:
        return least, 24.0
    edges = bin_edges_hours()
    low = max(edges[min(o[0] for o in occupied)], least)
    high = max(edges[max(o[-1] for o in occupied) + 1] * 1.5, low * 10)
    return low, high


@_styled
def wait_plot(results: list[ReplicationResult], scenario: Scenario, what_if: str = "") -> bytes:
    """Distribution of waits (arrival to start of assessment), all replications pooled: the share
    of reports waiting longer than t, with the service level marked."""
    plt, fig, (ax,) = _figure()
    counts = np.sum([r.wait_histogram for r in results], axis=0)
    curve = _share_longer(counts)
    if curve is not None:
        ax.step(curve[0], curve[1] * 100, where="post", color=PALETTE[1], label="reports waiting longer")
    low, high = _hour_limits([counts])
    sla = scenario.sla.assessment_hours
    _hours_axis(ax, low, max(high, sla * 1.5))
    ax.axvline(
        sla, color=PALETTE[2], linestyle="--", linewidth=1.2, label=f"service level: {hours_text(sla)}"
    )
    ax.set_ylim(0, 100)
    ax.set_xlabel("wait before assessment starts (log scale)")
    ax.set_ylabel("reports waiting longer (%)")
    _title(
        ax, f"{scenario.scenario.name}: how long reports wait (measured window, replications pooled)", what_if
    )
    _legend_below(fig, [ax])
    return _png(plt, fig)


@_styled
def removal_plot(results: list[ReplicationResult], scenario: Scenario, what_if: str = "") -> bytes | None:
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
        label = route.replace("_", " ") + (f" ({at_zero:.0%} removed at once)" if at_zero > 0.005 else "")
        style = _series_style(index)
        ax.step(
            curve[0],
            curve[1] * 100,
            where="post",
            color=style["color"],
            linestyle=style["linestyle"],
            label=label,
        )
    low, high = _hour_limits(histograms)
    _hours_axis(ax, low, high)
    ax.set_ylim(0, 102)
    ax.set_xlabel("time from the notice (log scale)")
    ax.set_ylabel("pages still up (%)")
    _title(
        ax,
        f"{scenario.scenario.name}: time from notice to removal, by takedown route "
        "(measured window, replications pooled)",
        what_if,
    )
    _legend_below(fig, [ax], columns=2)
    return _png(plt, fig)


def _clipped(name: str, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A metric's interval bounds cut to what it can be: 0 and above, a share at most 1 (a
    t-interval over few replications can run past either)."""
    share = metric_axis(name)[1] == 100.0
    return np.maximum(low, 0.0), (np.minimum(high, 1.0) if share else high)


def _count_ticks(axis, name: str) -> None:
    """Thousands separators on the ticks of a count's axis (`axis`: ax.xaxis or ax.yaxis)."""
    from matplotlib.ticker import StrMethodFormatter

    if _is_count(name):
        axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _numeric(values: list) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in values)


def _sla_of(arms: list) -> float | None:
    levels = {arm.scenario.sla.assessment_hours for arm in arms}
    return levels.pop() if len(levels) == 1 else None


@_styled
def sweep_plot(arms: list, summaries: list[dict], metric_name: str, what_if: str = "") -> bytes:
    """`metric_name` at each arm against the first varied key, one series per value of the other
    keys: the mean and 95 % CI at each simulated arm, and no line between arms (a line would
    invent the values between them, where a queue can collapse)."""
    plt, fig, (ax,) = _figure()
    keys = list(arms[0].values)
    first = keys[0]
    distinct = {show_value(arm.values[first]): arm.values[first] for arm in arms}  # tables are not hashable
    xs = list(distinct.values())
    numeric = _numeric(xs)
    position = {shown: (x if numeric else i) for i, (shown, x) in enumerate(distinct.items())}
    label_text, scale = metric_axis(metric_name, _sla_of(arms))
    series: dict[str, list[tuple[float, float, float, float]]] = {}
    for arm, arm_summaries in zip(arms, summaries, strict=True):
        label = ", ".join(f"{key_words(k)} {show_value(arm.values[k])}" for k in keys[1:]) or "mean, 95 % CI"
        s = arm_summaries.get(metric_name)
        if s is not None and s.replications > 0:
            x = position[show_value(arm.values[first])]
            series.setdefault(label, []).append((x, s.mean, s.ci95_low, s.ci95_high))
    spread = (max(position.values()) - min(position.values())) if len(position) > 1 else 1.0
    dodge = 0.012 * spread
    for index, (label, points) in enumerate(series.items()):
        points.sort()
        x, mean, low, high = (np.array(column, dtype=float) for column in zip(*points, strict=True))
        low, high = _clipped(metric_name, low, high)
        x = x + (index - (len(series) - 1) / 2) * dodge  # side by side, not on top of each other
        style = _series_style(index)
        ax.errorbar(
            x,
            mean * scale,
            yerr=[np.nan_to_num((mean - low) * scale), np.nan_to_num((high - mean) * scale)],
            color=style["color"],
            marker=style["marker"],
            linestyle="none",
            capsize=2.5,
            markersize=5,
            label=label,
        )
    if numeric:
        ax.set_xticks(xs, [show_value(x) for x in xs])
    else:
        ax.set_xticks(range(len(xs)), [show_value(x) for x in xs])
    ax.set_xlabel(key_axis_label(first))
    ax.set_ylabel("\n".join(textwrap.wrap(label_text, 42)))
    _count_ticks(ax.yaxis, metric_name)
    _title(ax, f"{arms[0].scenario.scenario.name}: {label_text} at each arm (mean and 95 % CI)", what_if)
    _legend_below(fig, [ax], columns=3)
    return _png(plt, fig)


@_styled
def sweep_heatmap(
    arms: list,
    summaries: list[dict],
    metric_name: str,
    target: tuple[str, float] | None = None,
    what_if: str = "",
) -> bytes | None:
    """A sweep of two numeric keys as a heat map of `metric_name`'s mean (each cell an arm, its
    value written in it), with the target's contour (`target`: operator and value) around the arms
    whose whole 95 % CI meets it; None for any other sweep."""
    keys = list(arms[0].values)
    if len(keys) != 2 or not all(_numeric([arm.values[k] for arm in arms]) for k in keys):
        return None
    plt, fig, (ax,) = _figure(height_inches=5.2)
    across, down = keys[0], keys[1]
    xs = sorted({arm.values[across] for arm in arms})
    ys = sorted({arm.values[down] for arm in arms})
    label_text, scale = metric_axis(metric_name, _sla_of(arms))
    grid = np.full((len(ys), len(xs)), np.nan)
    meets = np.zeros_like(grid, dtype=bool)
    for arm, arm_summaries in zip(arms, summaries, strict=True):
        s = arm_summaries.get(metric_name)
        if s is None or s.replications == 0:
            continue
        i, j = ys.index(arm.values[down]), xs.index(arm.values[across])
        grid[i, j] = s.mean * scale
        if target is not None and s.replications > 1:
            operator, value = target
            meets[i, j] = s.ci95_low >= value if operator == ">=" else s.ci95_high <= value
    image = ax.imshow(grid, origin="lower", cmap="cividis", aspect="auto")
    fig.colorbar(image, ax=ax, label=label_text)
    finite = grid[np.isfinite(grid)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isfinite(grid[i, j]):
                text = f"{grid[i, j]:,.0f}" if abs(grid[i, j]) >= 10 else f"{grid[i, j]:.2g}"
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white" if grid[i, j] < middle else "black",
                )
    if target is not None and meets.any():
        segments = _contour(meets)
        for index, ((x0, y0), (x1, y1)) in enumerate(segments):
            words = (
                ""
                if index
                else f"meets the target: {'at least' if target[0] == '>=' else 'at most'} "
                + (f"{target[1] * scale:g}{' %' if scale == 100 else ''} (whole 95 % CI)")
            )
            ax.plot([x0, x1], [y0, y1], color=PALETTE[2], linewidth=2.5, label=words or None)
    ax.set_xticks(range(len(xs)), [show_value(x) for x in xs])
    ax.set_yticks(range(len(ys)), [show_value(y) for y in ys])
    ax.set_xlabel(key_axis_label(across))
    ax.set_ylabel(key_axis_label(down))
    ax.grid(False)
    _title(ax, f"{arms[0].scenario.scenario.name}: {label_text}, mean at each arm", what_if)
    _legend_below(fig, [ax], columns=1)
    return _png(plt, fig)


def _contour(inside: np.ndarray) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The cell edges between cells inside and outside (or the grid's edge): the boundary of the
    region, with no interpolation between cells."""
    rows, columns = inside.shape
    segments = []
    for i in range(rows):
        for j in range(columns):
            if not inside[i, j]:
                continue
            for di, dj, edge in (
                (-1, 0, ((j - 0.5, i - 0.5), (j + 0.5, i - 0.5))),
                (1, 0, ((j - 0.5, i + 0.5), (j + 0.5, i + 0.5))),
                (0, -1, ((j - 0.5, i - 0.5), (j - 0.5, i + 0.5))),
                (0, 1, ((j + 0.5, i - 0.5), (j + 0.5, i + 0.5))),
            ):
                ni, nj = i + di, j + dj
                if not (0 <= ni < rows and 0 <= nj < columns) or not inside[ni, nj]:
                    segments.append(edge)
    return segments


def target_words(operator: str, value: float, scale: float) -> str:
    """`at least 95 %` for a share target of 0.95 (`scale` 100), `at most 12` otherwise."""
    bound = "at least" if operator == ">=" else "at most"
    return f"{bound} {value * scale:,.10g}{' %' if scale == 100 else ''}"


@_styled
def staffing_plot(
    name: str,
    panels: list[tuple[str, str | None, float | None, list[tuple[int, float, float, float]]]],
    answer: int | None,
    key: str = "analysts.count",
    own: int | None = None,
    what_if: str = "",
    sla_hours: float | None = None,
) -> bytes:
    """The staffing curves: one panel per metric (mean and 95 % CI at each value tried of `key`),
    with its target line where it has one (`operator`, `value`; None for a metric only shown, such
    as the reports found), the answer and the scenario's own value marked. `panels` are
    (metric, operator, value, [(value tried, mean, ci95_low, ci95_high), ...])."""
    plt, fig, axes = _figure(rows=len(panels), height_inches=max(4.8, 1.6 + 3.0 * len(panels)))
    for ax, (name_of_metric, operator, target, rows) in zip(axes, panels, strict=True):
        rows = sorted(rows)
        label_text, scale = metric_axis(name_of_metric, sla_hours)
        x = np.array([r[0] for r in rows], dtype=float)
        mean = np.array([r[1] for r in rows], dtype=float) * scale
        low, high = _clipped(
            name_of_metric, np.array([r[2] for r in rows], float), np.array([r[3] for r in rows], float)
        )
        low, high = low * scale, high * scale
        ax.errorbar(
            x,
            mean,
            yerr=[np.nan_to_num(mean - low), np.nan_to_num(high - mean)],
            color=PALETTE[1],
            marker="o",
            linestyle="none",
            capsize=3,
            label="mean, 95 % CI (values tried)",
        )
        if operator is not None and target is not None:
            ax.axhline(
                target * scale,
                color=PALETTE[2],
                linestyle="--",
                linewidth=1.2,
                label=f"target: {target_words(operator, target, scale)}",
            )
        if answer is not None:
            ax.axvline(answer, color=PALETTE[3], linestyle=":", linewidth=1.6, label=f"answer: {answer}")
        if own is not None and own != answer:
            ax.axvline(own, color="0.45", linestyle="-.", linewidth=1.0, label=f"the scenario's own: {own}")
        ax.set_ylabel("\n".join(textwrap.wrap(label_text, 42)))
        _count_ticks(ax.yaxis, name_of_metric)
    axes[-1].set_xlabel("analysts in the team" if key == "analysts.count" else key_axis_label(key))
    searched = "team size" if key == "analysts.count" else key_words(key)
    _title(axes[0], f"{name}: each target's metric by {searched} (the values tried)", what_if)
    _legend_below(fig, axes)
    return _png(plt, fig)


@_styled
def tornado_plot(
    scenario: Scenario,
    metric_name: str,
    base,
    bars: list[tuple[str, float, float]],
    change: float,
    what_if: str = "",
) -> bytes:
    """Each key's effect on `metric_name` when moved down and up, widest at the top."""
    plt, fig, (ax,) = _figure(height_inches=max(3.4, 1.6 + 0.45 * len(bars)))
    label_text, scale = metric_axis(metric_name, scenario.sla.assessment_hours)
    positions = np.arange(len(bars))[::-1]
    centre = base.mean * scale
    for y, (_, down, up) in zip(positions, bars, strict=True):
        for value, colour, label in (
            (down, PALETTE[6], f"key moved down {change:.0%}"),
            (up, PALETTE[1], f"key moved up {change:.0%}"),
        ):
            if not np.isnan(value):
                ax.barh(
                    y, value * scale, left=centre, color=colour, edgecolor="black", linewidth=0.5, label=label
                )
    ax.axvline(centre, color="black", linewidth=1.0)
    ax.set_yticks(positions, ["\n".join(textwrap.wrap(key_words(key), 34)) for key, _, _ in bars])
    ax.set_xlabel(f"{label_text}: the base {centre:,.3g}, the bars the paired change")
    _title(
        ax,
        f"{scenario.scenario.name}: how much {label_text[:1].lower() + label_text[1:]} depends on each "
        "assumption",
        what_if,
    )
    _legend_below(fig, [ax], columns=2)
    return _png(plt, fig)


@_styled
def plan_plot(
    name: str,
    starts: list,
    ends: list,
    needed: list[int | None],
    headcount: list[int],
    volume: list[float],
    what_if: str = "",
) -> bytes:
    """A hiring plan over time: the planned headcount (steps, held through each period), the
    analysts each period needs on its own (points), and the reports a day (second axis)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator

    plt, fig, (ax,) = _figure()
    edges = [*starts, ends[-1]]
    ax.stairs(headcount, edges, baseline=None, color=PALETTE[1], linewidth=2.0, label="planned headcount")
    middles = [s + (e - s) / 2 for s, e in zip(starts, ends, strict=True)]
    shown = [(m, n) for m, n in zip(middles, needed, strict=True) if n is not None]
    if shown:
        ax.plot(
            [m for m, _ in shown],
            [n for _, n in shown],
            linestyle="none",
            marker="o",
            color=PALETTE[2],
            label="analysts needed in the period alone",
        )
    ax.set_ylabel("analysts")
    ax.set_ylim(0, max([*headcount, *(n for _, n in shown)]) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole analysts
    right = ax.twinx()
    right.stairs(  # no baseline: the line does not drop to 0 at the plan's ends
        volume,
        edges,
        baseline=None,
        color="0.45",
        linestyle="--",
        linewidth=1.0,
        label="reports a day, public and partners (right axis)",
    )
    right.set_ylabel("reports a day (public and partners)")
    right.set_ylim(0, max(volume) * 1.15)
    right.grid(False)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    _title(ax, f"{name}: hiring plan", what_if)
    _legend_below(fig, [ax, right])
    return _png(plt, fig)


@_styled
def compare_plot(
    labels: list[str],
    summaries: list,
    differences: list,
    metric_name: str,
    what_if: str = "",
    sla_hours: float | None = None,
) -> bytes:
    """`metric_name` in each file compared (mean and 95 % CI), and beside each the paired
    difference from the first file (mean and 95 % CI); `sla_hours`: the service level when every
    file has the same (None: they differ)."""
    plt, fig, (ax, diff_ax) = _figure(rows=2, height_inches=6.4, height_ratios=(1, 1))
    label_text, scale = metric_axis(metric_name, sla_hours)
    y = np.arange(len(labels))[::-1]
    for axis, values, words, colour in (
        (ax, summaries, "mean, 95 % CI", PALETTE[1]),
        (diff_ax, differences, "paired difference from the first file, 95 % CI", PALETTE[2]),
    ):
        mean = np.array([v.mean for v in values], dtype=float) * scale
        low = np.array([v.ci95_low for v in values], dtype=float)
        high = np.array([v.ci95_high for v in values], dtype=float)
        if axis is ax:  # levels, not differences
            low, high = _clipped(metric_name, low, high)
        low, high = low * scale, high * scale
        axis.errorbar(
            mean,
            y,
            xerr=[np.nan_to_num(mean - low), np.nan_to_num(high - mean)],
            fmt="o",
            color=colour,
            capsize=4,
            label=words,
        )
        axis.set_yticks(y, labels)
        axis.grid(axis="y", visible=False)
    diff_ax.axvline(0.0, color="0.35", linestyle="--", linewidth=1.0)
    ax.set_xlabel(label_text)
    unit = " (percentage points)" if scale == 100 else ""
    diff_ax.set_xlabel(f"difference from the first file{unit}")
    _title(ax, f"{label_text}: the files compared", what_if)
    _legend_below(fig, [ax, diff_ax], columns=2)
    return _png(plt, fig)

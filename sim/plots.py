"""Figures (matplotlib, Agg backend): daily backlog with a 95 % band, and the wait distribution.

Each function returns PNG bytes so that the caller writes them atomically.
"""

from __future__ import annotations

import io

import numpy as np

from sim.histogram import bin_edges_hours
from sim.metrics import ReplicationResult
from sim.scenario import Scenario
from sim.stats import t_quantile_975


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.grid(True, color="0.85", linewidth=0.6)
    return plt, fig, ax


def _png(plt, fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def backlog_plot(results: list[ReplicationResult], scenario: Scenario) -> bytes:
    """Reports waiting at the end of each day: mean over replications with a 95 % CI band."""
    plt, fig, ax = _figure()
    backlog = np.array([r.timeseries["backlog"] for r in results])
    days = np.arange(backlog.shape[1]) + 1
    mean = backlog.mean(axis=0)
    if len(results) > 1:
        half = t_quantile_975(len(results) - 1) * backlog.std(axis=0, ddof=1) / np.sqrt(len(results))
        ax.fill_between(days, mean - half, mean + half, color="0.7", label="95 % CI")
    ax.plot(days, mean, color="black", linewidth=1.0, label="mean over replications")
    if scenario.scenario.warmup_days > 0:
        ax.axvline(scenario.scenario.warmup_days, color="0.4", linestyle="--", label="end of warm-up")
    ax.set_xlabel("day of the run (day 0 is a Monday)")
    ax.set_ylabel("reports waiting at end of day")
    ax.set_title(f"{scenario.scenario.name}: backlog over time")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False)
    return _png(plt, fig)


def wait_plot(results: list[ReplicationResult], scenario: Scenario) -> bytes:
    """Distribution of waits (arrival to start of assessment), all replications pooled."""
    plt, fig, ax = _figure()
    counts = np.sum([r.wait_histogram for r in results], axis=0)
    total = counts.sum()
    if total:
        edges = bin_edges_hours()
        cumulative = np.cumsum(counts[1:-1]) + counts[0]
        share_waiting_longer = 1.0 - cumulative / total
        ax.step(edges[1:], share_waiting_longer, where="post", color="black")
        ax.set_xscale("log")
        positive = np.nonzero(counts[1:-1])[0]
        if positive.size:
            ax.set_xlim(max(edges[positive[0]], 1e-3), edges[positive[-1] + 1] * 1.5)
    sla = scenario.sla.assessment_hours
    ax.axvline(sla, color="0.4", linestyle="--", label=f"service level: {sla:g} h")
    ax.set_ylim(0, 1)
    ax.set_xlabel("wait before assessment starts (hours, log scale)")
    ax.set_ylabel("share of reports waiting longer")
    ax.set_title(f"{scenario.scenario.name}: wait distribution (measured window)")
    ax.legend(loc="upper right")
    return _png(plt, fig)


def sweep_plot(arms: list, summaries: list[dict], metric: str) -> bytes:
    """`metric` against the first varied key, one line per value of the other keys, 95 % CI bands."""
    from sim.experiment import show_value

    plt, fig, ax = _figure()
    keys = list(arms[0].values)
    first = keys[0]
    xs = list(dict.fromkeys(arm.values[first] for arm in arms))
    numeric = all(isinstance(x, int | float) and not isinstance(x, bool) for x in xs)
    position = {show_value(x): (x if numeric else i) for i, x in enumerate(xs)}
    lines: dict[str, list[tuple[float, float, float, float]]] = {}
    for arm, arm_summaries in zip(arms, summaries, strict=True):
        label = ", ".join(f"{k}={show_value(arm.values[k])}" for k in keys[1:]) or metric
        s = arm_summaries.get(metric)
        if s is not None and s.replications > 0:
            x = position[show_value(arm.values[first])]
            lines.setdefault(label, []).append((x, s.mean, s.ci95_low, s.ci95_high))
    greys = np.linspace(0.0, 0.6, max(1, len(lines)))
    markers = "osD^v<>ph*"
    for index, (label, points) in enumerate(lines.items()):
        points.sort()
        x, mean, low, high = (np.array(column, dtype=float) for column in zip(*points, strict=True))
        colour = str(greys[index])
        ax.fill_between(x, low, high, color=colour, alpha=0.2, linewidth=0)
        ax.plot(x, mean, color=colour, marker=markers[index % len(markers)], label=label)
    if not numeric:
        ax.set_xticks(range(len(xs)), [show_value(x) for x in xs])
    ax.set_xlabel(first)
    ax.set_ylabel(f"{metric} (mean, 95 % CI band)")
    ax.set_title(f"{arms[0].scenario.scenario.name}: {metric} by {first}")
    ax.legend(loc="best", fontsize="small")
    return _png(plt, fig)


def tornado_plot(
    scenario: Scenario, metric: str, base, bars: list[tuple[str, float, float]], change: float
) -> bytes:
    """Each key's effect on `metric` when moved down (light) and up (dark), widest at the top."""
    plt, fig, ax = _figure()
    fig.set_size_inches(8, max(3.0, 1.0 + 0.45 * len(bars)))
    positions = np.arange(len(bars))[::-1]
    for y, (_, down, up) in zip(positions, bars, strict=True):
        for value, colour, label in ((down, "0.75", f"-{change:.0%}"), (up, "0.25", f"+{change:.0%}")):
            if not np.isnan(value):
                ax.barh(y, value, left=base.mean, color=colour, edgecolor="black", linewidth=0.5, label=label)
    ax.axvline(base.mean, color="black", linewidth=1.0)
    ax.set_yticks(positions, [key for key, _, _ in bars])
    ax.set_xlabel(f"{metric} (base {base.mean:.4g}; bars: the paired change)")
    ax.set_title(f"{scenario.scenario.name}: sensitivity of {metric}")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    if unique:
        ax.legend(unique.values(), unique.keys(), loc="lower right", fontsize="small")
    return _png(plt, fig)

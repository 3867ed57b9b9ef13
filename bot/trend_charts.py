"""A project's trend charts as PNG bytes, drawn from its daily snapshots: the earned-value
S-curve, the burndown of remaining work, and the health history with SPI and CPI.

Drawn like bot/charts.py: matplotlib's object API on the Agg canvas, the same fonts and date
axis. Each chart has a `…_figure` that returns the figure before encoding, so a test can find
where a value was drawn; `render_…` encodes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from bot.charts import agg_figure, date_axis, mdates, mpatches, png_of
from bot.health_chart import COLOURS as HEALTH_COLOURS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PLANNED = "#F58518"
EARNED = "#54A24B"
ACTUAL = "#4C78A8"
BASELINE = "#9E9E9E"
REMAINING = "#B279A2"
IDEAL = "#C9CED6"
SPI = "#F58518"
CPI = "#4C78A8"
WIDTH_INCHES = 10
HEIGHT_INCHES = 4.5
LINE_WIDTH = 2.2
Corner = Literal["upper left", "upper right", "best"]


@dataclass(frozen=True)
class EarnedValueTrend:
    """PV, EV and AC day by day as the snapshots kept them, against the baseline's whole curve."""

    title: str
    days: Sequence[date]
    planned: Sequence[float | None]
    earned: Sequence[float | None]
    actual: Sequence[float]
    baseline: Sequence[tuple[date, float]]  # planned value by the baseline, to its end
    currency: str  # the money axis's name
    # "planned", "earned", "actual", "baseline", and bot/charts.py's axis_* patterns
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Burndown:
    """The work remaining each day, and the straight line to nothing at the promised end."""

    title: str
    days: Sequence[date]
    remaining: Sequence[float]
    unit: str  # the axis's name: hours, or tasks when nothing is estimated
    finish: date | None  # where the ideal line reaches zero
    labels: Mapping[str, str]  # "remaining", "ideal", and the axis_* patterns


@dataclass(frozen=True)
class HealthTrend:
    """Health as a coloured cell a day, under the SPI and CPI lines."""

    title: str
    days: Sequence[date]
    health: Sequence[str]  # "green" | "amber" | "red"
    spi: Sequence[float | None]
    cpi: Sequence[float | None]
    labels: Mapping[str, str]  # "spi", "cpi", "green", "amber", "red", and the axis_* patterns


def _figure(rows: int = 1, ratios: tuple[int, ...] = (1,)) -> tuple[Figure, list[Axes]]:
    figure = agg_figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=100)
    figure.set_layout_engine("constrained")
    grid = figure.add_gridspec(rows, 1, height_ratios=ratios)
    first = figure.add_subplot(grid[0])
    axes = [first, *(figure.add_subplot(grid[n], sharex=first) for n in range(1, rows))]
    return figure, axes


def _line(
    axes: Axes,
    days: Sequence[date],
    values: Sequence[float | None],
    colour: str,
    shift: float = 0.0,
    **style: object,
) -> None:
    """A line through the days that have a value (`shift` days into each); a gap where one had none."""
    axes.plot(
        [mdates.date2num(day) + shift for day in days],
        [float("nan") if value is None else value for value in values],
        color=colour,
        linewidth=LINE_WIDTH,
        **style,  # type: ignore[arg-type]
    )


def _legend(axes: Axes, entries: Sequence[tuple[str, str]], where: Corner) -> None:
    handles = [mpatches.Patch(color=colour, label=label) for colour, label in entries]
    axes.legend(handles=handles, loc=where, fontsize=8, framealpha=0.85)


def earned_value_figure(chart: EarnedValueTrend) -> Figure:
    """The S-curve: the baseline's planned value to the end (dashed), and PV, EV, AC to date."""
    figure, (axes,) = _figure()
    axes.set_title(chart.title)
    if chart.baseline:
        days, values = zip(*chart.baseline, strict=True)
        _line(axes, days, values, BASELINE, linestyle="--", zorder=1)
    _line(axes, chart.days, chart.planned, PLANNED, zorder=2)
    _line(axes, chart.days, chart.earned, EARNED, zorder=3)
    _line(axes, chart.days, chart.actual, ACTUAL, zorder=4)
    axes.set_ylim(bottom=0)
    axes.set_ylabel(chart.currency)
    date_axis(axes, chart.labels)
    axes.grid(alpha=0.3)
    entries = [(PLANNED, "planned"), (EARNED, "earned"), (ACTUAL, "actual")]
    entries += [(BASELINE, "baseline")] if chart.baseline else []
    # The curves rise from the bottom left: the corner above them is free.
    _legend(axes, [(colour, chart.labels[name]) for colour, name in entries], "upper left")
    return figure


def burndown_figure(chart: Burndown) -> Figure:
    """Remaining work day by day, and the ideal line from the first day to nothing at the finish."""
    figure, (axes,) = _figure()
    axes.set_title(chart.title)
    entries = [(REMAINING, chart.labels["remaining"])]
    if chart.finish is not None and chart.days and chart.finish > chart.days[0]:
        _line(axes, [chart.days[0], chart.finish], [chart.remaining[0], 0.0], IDEAL, linestyle="--", zorder=1)
        entries.append((IDEAL, chart.labels["ideal"]))
    _line(axes, chart.days, chart.remaining, REMAINING, zorder=2)
    axes.set_ylim(bottom=0)
    axes.set_ylabel(chart.unit)
    date_axis(axes, chart.labels)
    axes.grid(alpha=0.3)
    # Remaining work falls from the top left: the corner above its end is free.
    _legend(axes, entries, "upper right")
    return figure


def health_figure(chart: HealthTrend) -> Figure:
    """SPI and CPI over the days (1.0 marked: on plan, on budget), and below, a cell a day in its health."""
    figure, (indices, strip) = _figure(2, (3, 1))
    indices.set_title(chart.title)
    indices.axhline(1.0, color=IDEAL, linewidth=1)
    # Each day's index over the middle of its cell below.
    _line(indices, chart.days, chart.spi, SPI, shift=0.5)
    _line(indices, chart.days, chart.cpi, CPI, shift=0.5, linestyle="--")
    indices.grid(alpha=0.3)
    indices.tick_params(labelbottom=False)  # the strip below carries the dates
    _legend(indices, [(SPI, chart.labels["spi"]), (CPI, chart.labels["cpi"])], "best")
    for day, health in zip(chart.days, chart.health, strict=True):
        # A day fills [d, d + 1): each cell starts at its own day.
        strip.add_patch(
            mpatches.Rectangle((mdates.date2num(day), 0), 1, 1, facecolor=HEALTH_COLOURS[health], linewidth=0)
        )
    strip.set_ylim(0, 1)
    strip.set_yticks([])
    strip.set_xlim(mdates.date2num(chart.days[0]), mdates.date2num(chart.days[-1]) + 1)
    date_axis(strip, chart.labels)
    handles = [
        mpatches.Patch(color=HEALTH_COLOURS[h], label=chart.labels[h]) for h in ("green", "amber", "red")
    ]
    strip.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.45), ncols=3, fontsize=8)
    return figure


def render_earned_value(chart: EarnedValueTrend) -> bytes:
    return png_of(earned_value_figure(chart))


def render_burndown(chart: Burndown) -> bytes:
    return png_of(burndown_figure(chart))


def render_health(chart: HealthTrend) -> bytes:
    return png_of(health_figure(chart))

"""The final report's charts as PNG bytes: the plan against what happened, and cost over time.

Drawn like bot/charts.py: matplotlib's object API on the Agg canvas (never pyplot, whose global
state is not thread-safe), with the same CJK-first font list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.charts import agg_figure, date_axis, mdates, mpatches, png_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLANNED = "#C9CED6"
STATE_COLOURS = {"done": "#54A24B", "open": "#F58518", "carried": "#B279A2", "cancelled": "#9E9E9E"}
MILESTONE = "#333333"
BUDGET = "#E45756"
ACTUAL = "#4C78A8"
ROWS_MAX = 60
ROW_INCHES = 0.3
WIDTH_INCHES = 11


@dataclass(frozen=True)
class PlanRow:
    """One task: its baseline dates and what happened (start to finish, or to the report's day)."""

    label: str
    planned: tuple[date, date] | None
    actual: tuple[date, date] | None
    state: str


@dataclass(frozen=True)
class MilestoneMark:
    label: str
    planned: date
    actual: date | None


@dataclass(frozen=True)
class PlanVsActual:
    title: str
    rows: tuple[PlanRow, ...]
    milestones: tuple[MilestoneMark, ...]
    # "planned", "done", "open", "carried", "cancelled", "empty" → words in the reader's language;
    # the axis_* date patterns of bot/charts.py, English ones where missing.
    labels: Mapping[str, str]


@dataclass(frozen=True)
class CostCurve:
    title: str
    spent: tuple[tuple[date, Decimal], ...]  # each day's spend, in date order
    planned: tuple[tuple[date, Decimal], ...]  # planned value, cumulative
    budget: Decimal | None
    baseline_budget: Decimal | None
    currency: str  # the money axis's name: the currency as the reader's language names it
    # "spent", "planned", "budget", "baseline", "empty", and the axis_* date patterns
    labels: Mapping[str, str]


def _figure(width: float, height: float) -> Figure:
    figure = agg_figure(figsize=(width, height), dpi=100)
    figure.set_layout_engine("constrained")
    return figure


def _empty(figure: Figure, title: str, text: str) -> bytes:
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()
    return png_of(figure)


def _span(start: date, end: date) -> tuple[float, float]:
    return float(mdates.date2num(start)), float((end - start).days + 1)


def render_plan_vs_actual(chart: PlanVsActual) -> bytes:
    """Per task a thin grey bar for the baseline and a coloured one for what happened."""
    rows = chart.rows[:ROWS_MAX]
    count = len(rows) + len(chart.milestones)
    figure = _figure(WIDTH_INCHES, max(2.5, 1.4 + count * ROW_INCHES))
    if count == 0:
        return _empty(figure, chart.title, chart.labels["empty"])
    axes = figure.add_subplot()
    for index, row in enumerate(rows):
        if row.planned:
            left, width = _span(*row.planned)
            axes.barh(index - 0.18, width, left=left, height=0.3, color=PLANNED)
        if row.actual:
            left, width = _span(*row.actual)
            axes.barh(index + 0.18, width, left=left, height=0.3, color=STATE_COLOURS[row.state])
    for offset, mark in enumerate(chart.milestones):
        row_index = len(rows) + offset
        axes.plot(mdates.date2num(mark.planned), row_index, marker="D", color=PLANNED, markersize=9)
        if mark.actual:
            axes.plot(mdates.date2num(mark.actual), row_index, marker="D", color=MILESTONE, markersize=7)
    labels = [row.label[:48] for row in rows] + [f"◆ {mark.label}"[:48] for mark in chart.milestones]
    axes.set_yticks(range(count), labels, fontsize=8)
    axes.invert_yaxis()
    date_axis(axes, chart.labels)
    axes.grid(axis="x", alpha=0.3)
    axes.set_title(chart.title)
    handles = [mpatches.Patch(color=PLANNED, label=chart.labels["planned"])]
    handles += [
        mpatches.Patch(color=colour, label=chart.labels[state]) for state, colour in STATE_COLOURS.items()
    ]
    axes.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.85)
    if len(chart.rows) > ROWS_MAX:
        figure.text(0.01, 0.005, f"… +{len(chart.rows) - ROWS_MAX}", fontsize=8)
    return png_of(figure)


def cumulative(spent: tuple[tuple[date, Decimal], ...]) -> list[tuple[date, float]]:
    total = Decimal(0)
    points: list[tuple[date, float]] = []
    for day, amount in spent:
        total += amount
        if points and points[-1][0] == day:
            points[-1] = (day, float(total))
        else:
            points.append((day, float(total)))
    return points


def render_cost_over_time(chart: CostCurve) -> bytes:
    """Money spent to date against planned value and the budget (final and baseline)."""
    figure = _figure(WIDTH_INCHES, 4.5)
    if not chart.spent and not chart.planned:
        return _empty(figure, chart.title, chart.labels["empty"])
    axes = figure.add_subplot()
    points = cumulative(chart.spent)
    if points:
        days = [points[0][0] - timedelta(days=1), *(day for day, _ in points)]
        # matplotlib's stubs take numbers only; its date converter takes dates (on the x axis here).
        axes.step(days, [0.0, *(total for _, total in points)], where="post", color=ACTUAL, linewidth=2)  # type: ignore[arg-type]
    if chart.planned:
        axes.plot(
            [day for day, _ in chart.planned],  # type: ignore[arg-type]  # dates: see above
            [float(value) for _, value in chart.planned],
            color=STATE_COLOURS["open"],
            linestyle="--",
        )
    handles = [mpatches.Patch(color=ACTUAL, label=chart.labels["spent"])]
    if chart.planned:
        handles.append(mpatches.Patch(color=STATE_COLOURS["open"], label=chart.labels["planned"]))
    if chart.budget is not None:
        axes.axhline(float(chart.budget), color=BUDGET, linewidth=1.2)
        handles.append(mpatches.Patch(color=BUDGET, label=chart.labels["budget"]))
    if chart.baseline_budget is not None and chart.baseline_budget != chart.budget:
        axes.axhline(float(chart.baseline_budget), color=BUDGET, linewidth=1, linestyle=":")
        handles.append(mpatches.Patch(facecolor="white", edgecolor=BUDGET, label=chart.labels["baseline"]))
    axes.set_ylabel(chart.currency)
    date_axis(axes, chart.labels)
    axes.grid(alpha=0.3)
    axes.set_title(chart.title)
    axes.legend(handles=handles, loc="upper left", fontsize=8)
    return png_of(figure)

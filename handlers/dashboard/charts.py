"""Where the dashboard's SVG charts put things: the Gantt and the S-curve, in page pixels.

The templates draw what these place; each chart is sized on the server, so the pages need no
script. Zoom is a choice of pixels per day, offered as links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.charts import GanttBar, GanttMilestone
from handlers.schedule.gantt import chart_days

ZOOMS = {"days": 24, "weeks": 8, "months": 3}
DEFAULT_ZOOM = "weeks"
LABEL_W = 220
ROW_H = 24
TOP = 28  # the month labels
BARS_SHOWN = 200  # a bigger plan is still one page; the rest is in `/pmo plan`


@dataclass(frozen=True)
class Placed:
    bar: GanttBar
    y: int
    x: int
    width: int
    done_width: int
    baseline: tuple[int, int] | None  # x and width
    float_to: int | None  # x where the tail ends


@dataclass(frozen=True)
class PlacedMilestone:
    milestone: GanttMilestone
    x: int
    y: int
    baseline_x: int | None


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


@dataclass(frozen=True)
class GanttView:
    bars: list[Placed]
    milestones: list[PlacedMilestone]
    months: list[Tick]
    today_x: int
    width: int
    height: int
    zoom: str
    hidden: int  # bars past BARS_SHOWN


def gantt_view(bars: list[GanttBar], milestones: list[GanttMilestone], today: date, zoom: str) -> GanttView:
    zoom = zoom if zoom in ZOOMS else DEFAULT_ZOOM
    per_day = ZOOMS[zoom]
    shown = bars[:BARS_SHOWN]
    first, last = chart_days(shown, milestones, today)

    def x(day: date) -> int:
        return LABEL_W + (day - first).days * per_day

    placed = []
    for row, bar in enumerate(shown):
        width = (bar.end - bar.start).days * per_day + per_day
        placed.append(
            Placed(
                bar=bar,
                y=TOP + row * ROW_H,
                x=x(bar.start),
                width=width,
                done_width=width * bar.percent // 100,
                baseline=(x(bar.baseline[0]), (bar.baseline[1] - bar.baseline[0]).days * per_day + per_day)
                if bar.baseline
                else None,
                float_to=x(bar.float_until) + per_day if bar.float_until else None,
            )
        )
    milestone_top = TOP + len(shown) * ROW_H
    marks = [
        PlacedMilestone(
            milestone=m,
            x=x(m.due) + per_day // 2,
            y=milestone_top + row * ROW_H + ROW_H // 2,
            baseline_x=x(m.baseline) + per_day // 2 if m.baseline else None,
        )
        for row, m in enumerate(milestones)
    ]
    months = []
    day = first.replace(day=1)
    while day <= last:
        if day >= first:
            months.append(Tick(x(day), day.strftime("%Y-%m")))
        day = (day + timedelta(days=32)).replace(day=1)
    return GanttView(
        bars=placed,
        milestones=marks,
        months=months,
        today_x=x(today) + per_day // 2,
        width=x(last) + per_day + 10,
        height=milestone_top + len(milestones) * ROW_H + 6,
        zoom=zoom,
        hidden=len(bars) - len(shown),
    )


CURVE_W, CURVE_H, CURVE_PAD = 640, 260, 40


@dataclass(frozen=True)
class CurveView:
    planned: str  # the polyline's points
    earned: tuple[int, int] | None  # today's earned value
    actual: tuple[int, int] | None  # today's actual cost
    today_x: int
    top_label: str
    first: str
    last: str
    earned_line: str = ""  # earned value as the daily snapshots kept it, when there are two or more
    actual_line: str = ""


Series = list[tuple[date, Decimal]]


def curve_view(
    planned: Series,
    today: date,
    earned: Decimal | None,
    actual: Decimal | None,
    money: str,
    *,
    history: tuple[Series, Series] = ([], []),
) -> CurveView | None:
    """Planned value over time, with today's earned value and actual cost placed on it, and the
    lines the daily snapshots drew up to today (`history`: earned, actual)."""
    if not planned:
        return None
    kept = [point for line in history for point in line]
    first = min([planned[0][0], *(day for day, _ in kept)])
    last = max(planned[-1][0], today)
    values = [value for _, value in planned + kept] + [earned or Decimal(0), actual or Decimal(0)]
    top = max(values) or Decimal(1)
    span = max((last - first).days, 1)

    def point(day: date, value: Decimal) -> tuple[int, int]:
        x = CURVE_PAD + (CURVE_W - 2 * CURVE_PAD) * (day - first).days // span
        y = CURVE_H - CURVE_PAD - int((CURVE_H - 2 * CURVE_PAD) * value / top)
        return x, y

    def line(series: Series) -> str:
        return " ".join(f"{x},{y}" for x, y in (point(day, value) for day, value in series))

    earned_history, actual_history = history
    return CurveView(
        planned=line(planned),
        earned=point(today, earned) if earned is not None else None,
        actual=point(today, actual) if actual is not None else None,
        today_x=point(today, Decimal(0))[0],
        top_label=money,
        first=first.isoformat(),
        last=last.isoformat(),
        earned_line=line(earned_history) if len(earned_history) >= 2 else "",
        actual_line=line(actual_history) if len(actual_history) >= 2 else "",
    )

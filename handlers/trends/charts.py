"""A project's trend charts built from its snapshots, in the reader's language.

The data comes from models.trends.history: the snapshots as kept, and the baseline's curve.
"""

from __future__ import annotations

from decimal import Decimal

from bot.formats import currency_name
from bot.i18n import Translator
from bot.report_doc import Chart
from bot.trend_charts import (
    Burndown,
    EarnedValueTrend,
    HealthTrend,
    render_burndown,
    render_earned_value,
    render_health,
)
from handlers.closing.report_record import chart_labels
from models.trends.history import TrendData


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def earned_value_chart(data: TrendData, t: Translator) -> EarnedValueTrend | None:
    """None without a budget: earned value has no money to put on the shares."""
    if data.project.budget is None:
        return None
    rows = data.snapshots
    return EarnedValueTrend(
        title=t("trend.chart.earned_value_title", key=data.project.key),
        days=[row.day for row in rows],
        planned=[_money(row.planned_value) for row in rows],
        earned=[_money(row.earned_value) for row in rows],
        actual=[float(row.actual_cost) for row in rows],
        baseline=[(day, float(value)) for day, value in data.baseline],
        currency=currency_name(data.project.currency, t),
        labels=chart_labels(t, "planned", "earned", "actual", "baseline", prefix="trend.chart"),
    )


def burndown_chart(data: TrendData, t: Translator) -> Burndown:
    """In hours when every snapshot has them; else in tasks, which every snapshot counts."""
    rows = data.snapshots
    hours = [row.remaining_hours for row in rows]
    in_hours = all(value is not None for value in hours)
    return Burndown(
        title=t("trend.chart.burndown_title", key=data.project.key),
        days=[row.day for row in rows],
        remaining=[float(value or 0) for value in hours]
        if in_hours
        else [float(row.remaining_tasks) for row in rows],
        unit=t("trend.chart.hours") if in_hours else t("trend.chart.tasks"),
        finish=data.project.baseline_end_date or data.project.target_end_date,
        labels=chart_labels(t, "remaining", "ideal", prefix="trend.chart"),
    )


def health_chart(data: TrendData, t: Translator) -> HealthTrend:
    rows = data.snapshots
    labels = chart_labels(t, "spi", "cpi", prefix="trend.chart")
    labels |= {health: t(f"status.health.{health}") for health in ("green", "amber", "red")}
    return HealthTrend(
        title=t("trend.chart.health_title", key=data.project.key),
        days=[row.day for row in rows],
        health=[row.health.value for row in rows],
        spi=[row.spi for row in rows],
        cpi=[row.cpi for row in rows],
        labels=labels,
    )


def trend_charts(data: TrendData, t: Translator) -> list[Chart]:
    """The charts as captioned PNGs: the S-curve (with a budget), the burndown, the health history."""
    charts = []
    earned = earned_value_chart(data, t)
    if earned is not None:
        charts.append(Chart(t("trend.chart.earned_value_caption"), render_earned_value(earned)))
    charts += [
        Chart(t("trend.chart.burndown_caption"), render_burndown(burndown_chart(data, t))),
        Chart(t("trend.chart.health_caption"), render_health(health_chart(data, t))),
    ]
    return charts

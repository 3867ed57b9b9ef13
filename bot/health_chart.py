"""The portfolio's health over the past weeks: one row per project, one coloured cell per week."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.charts import agg_figure, mpatches, png_of

COLOURS = {"green": "#54A24B", "amber": "#F2A541", "red": "#E45756"}
UNKNOWN = "#DDDDDD"


@dataclass(frozen=True)
class HealthHistory:
    title: str
    weeks: list[str]
    # Project label → week → "green" | "amber" | "red".
    rows: Mapping[str, Mapping[str, str]]


def render_health_history(history: HealthHistory) -> bytes:
    labels = list(history.rows)
    figure = agg_figure(figsize=(1.5 + 0.9 * len(history.weeks), 1.2 + 0.45 * max(len(labels), 1)))
    axes = figure.add_subplot()
    for row, label in enumerate(labels):
        for column, week in enumerate(history.weeks):
            colour = COLOURS.get(history.rows[label].get(week, ""), UNKNOWN)
            axes.add_patch(
                mpatches.Rectangle((column, row), 1, 1, facecolor=colour, edgecolor="white", linewidth=2)
            )
    axes.set_xlim(0, len(history.weeks))
    axes.set_ylim(0, max(len(labels), 1))
    axes.set_xticks([n + 0.5 for n in range(len(history.weeks))], history.weeks, fontsize=7)
    axes.set_yticks([n + 0.5 for n in range(len(labels))], labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_title(history.title)
    figure.set_layout_engine("tight")  # laid out when drawn, once png_of has set the fonts
    return png_of(figure)

"""The risk heatmap: a 5×5 probability-by-impact matrix with each risk's key in its cell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.charts import agg_figure, mpatches, png_of

if TYPE_CHECKING:
    from matplotlib.patches import Rectangle

SIZE = 5
KEYS_PER_CELL = 4
# Colours by score band, as the register marks them: 15+ red, 6+ orange, else green.
HIGH = "#E45756"
WATCH = "#F2A541"
LOW = "#8CC084"
HIGH_SCORE = 15
WATCH_SCORE = 6


@dataclass(frozen=True)
class Heatmap:
    title: str
    # (probability, impact) → risk keys in that cell.
    cells: Mapping[tuple[int, int], list[str]]
    probability_label: str
    impact_label: str


def cell_colour(probability: int, impact: int) -> str:
    score = probability * impact
    if score >= HIGH_SCORE:
        return HIGH
    return WATCH if score >= WATCH_SCORE else LOW


def cell_text(keys: list[str]) -> str:
    shown = keys[:KEYS_PER_CELL]
    more = len(keys) - len(shown)
    return "\n".join(shown + ([f"+{more}"] if more else []))


def render_heatmap(heatmap: Heatmap) -> bytes:
    figure = agg_figure(figsize=(7, 6))
    axes = figure.add_subplot()
    for probability in range(1, SIZE + 1):
        for impact in range(1, SIZE + 1):
            axes.add_patch(_cell(impact, probability))
            keys = heatmap.cells.get((probability, impact), [])
            if keys:
                axes.text(impact, probability, cell_text(keys), ha="center", va="center", fontsize=8)
    axes.set_xlim(0.5, SIZE + 0.5)
    axes.set_ylim(0.5, SIZE + 0.5)
    axes.set_xticks(range(1, SIZE + 1))
    axes.set_yticks(range(1, SIZE + 1))
    axes.set_xlabel(heatmap.impact_label)
    axes.set_ylabel(heatmap.probability_label)
    axes.set_title(heatmap.title)
    axes.set_aspect("equal")
    figure.set_layout_engine("tight")  # laid out when drawn, once png_of has set the fonts
    return png_of(figure)


def _cell(impact: int, probability: int) -> Rectangle:
    cell: Rectangle = mpatches.Rectangle(
        (impact - 0.5, probability - 0.5),
        1,
        1,
        facecolor=cell_colour(probability, impact),
        edgecolor="white",
        linewidth=2,
    )
    return cell

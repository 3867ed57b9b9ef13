"""Charts draw Chinese: a CJK font is found at run time, and text drawn with it has no boxes."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from matplotlib.ft2font import FT2Font

from bot import charts, fonts
from bot.charts import DEFAULT_LABELS, GanttBar, GanttChart, GanttMilestone, render_gantt
from bot.health_chart import HealthHistory, render_health_history
from bot.heatmap import Heatmap, render_heatmap
from bot.i18n import Translator

TITLES = ("设计接口", "实现后端服务", "联调测试")


def chinese_gantt() -> GanttChart:
    t = Translator("zh-CN")
    bars = tuple(
        GanttBar(
            key=f"APL-{n + 1}",
            title=title,
            owner="李伟",
            start=date(2026, 12, 1 + 4 * n),
            end=date(2026, 12, 4 + 4 * n),
        )
        for n, title in enumerate(TITLES)
    )
    labels = {name: t(f"gantt.label.{name}") for name in DEFAULT_LABELS}
    return GanttChart(
        "APL · 阿波罗 — 甘特图",
        date(2026, 12, 5),
        bars,
        (GanttMilestone("试运行", date(2026, 12, 20)),),
        labels,
    )


def missing_glyphs(render: object) -> list[str]:
    """The "Glyph … missing from font(s)" warnings matplotlib gives while `render` draws."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render()  # type: ignore[operator]
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def glyph(path: str, character: str) -> np.ndarray:
    font = FT2Font(path)
    font.set_size(48, 72)
    font.set_text(character)
    font.draw_glyphs_to_bitmap()
    return np.asarray(font.get_image())


@pytest.fixture
def fresh_lookup() -> Iterator[None]:
    """Font discovery runs again in the test and again after it, as at a process's start."""
    fonts.cjk_font.cache_clear()
    charts.font_families.cache_clear()
    yield
    fonts.cjk_font.cache_clear()
    charts.font_families.cache_clear()


def test_the_installed_package_brings_a_font_that_draws_chinese() -> None:
    found = fonts.cjk_font()
    assert found is not None and found == fonts.packaged_font()
    assert fonts.draws_chinese(found)
    assert charts.font_families()[0] == "Noto Sans SC"


def test_a_chinese_gantt_chart_has_no_missing_glyphs_and_dejavu_alone_would() -> None:
    chart = chinese_gantt()
    assert missing_glyphs(lambda: render_gantt(chart)) == []
    assert (
        missing_glyphs(lambda: render_heatmap(Heatmap("风险热力图", {(5, 4): ["APL-R1"]}, "概率", "影响")))
        == []
    )
    assert (
        missing_glyphs(
            lambda: render_health_history(
                HealthHistory("每周健康度", ["2026-W49"], {"APL": {"2026-W49": "green"}})
            )
        )
        == []
    )


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # the boxes this test draws on purpose
def test_the_check_finds_boxes_when_only_the_default_font_is_there(
    monkeypatch: pytest.MonkeyPatch, fresh_lookup: None, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(fonts, "packaged_font", lambda: None)
    monkeypatch.setattr(fonts, "system_font", lambda: None)
    with caplog.at_level(logging.WARNING, logger="bot.fonts"):
        assert fonts.cjk_font() is None
        assert fonts.cjk_font() is None
        png = render_gantt(chinese_gantt())  # still drawn, with the default font
    assert png.startswith(b"\x89PNG")
    assert [record.message.split(":")[0] for record in caplog.records] == [
        "no font that draws Chinese was found"
    ]
    assert charts.font_families() == ("DejaVu Sans",)
    missing = missing_glyphs(lambda: render_gantt(chinese_gantt()))
    assert any("CJK UNIFIED IDEOGRAPH" in message for message in missing)


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # the boxes this test draws on purpose
def test_each_character_of_the_chart_is_its_own_glyph_not_a_box() -> None:
    """Drawn with the chosen font, different characters look different; a box looks the same."""
    chosen = str(fonts.cjk_font())
    characters = sorted({character for title in TITLES for character in title})
    shapes = {glyph(chosen, character).tobytes() for character in characters}
    assert len(shapes) == len(characters)
    fallback = charts.font_manager.findfont("DejaVu Sans")
    boxes = {glyph(fallback, character).tobytes() for character in characters}
    assert len(boxes) == 1

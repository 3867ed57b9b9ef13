"""The report renderers on their own: Markdown tables, the PDF's fonts and pages, the charts."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from bot.report_charts import (
    CostCurve,
    PlanRow,
    PlanVsActual,
    cumulative,
    render_cost_over_time,
    render_plan_vs_actual,
)
from bot.report_doc import Chart, Paragraph, ReportDocument, Section, Table
from bot.report_markdown import render_markdown
from bot.report_pdf import png_size, render_pdf, report_fonts

PLAN_LABELS = {"planned": "p", "done": "d", "open": "o", "carried": "c", "cancelled": "x", "empty": "nothing"}
COST_LABELS = {"spent": "s", "planned": "p", "budget": "b", "baseline": "bb", "empty": "nothing"}
PNG = b"\x89PNG\r\n\x1a\n"


def document(parts: list) -> ReportDocument:
    return ReportDocument(
        "Zeus — final report", "Closed", [Section("Things", parts)], "see the PDF", "Zeus · PMO bot"
    )


def test_markdown_tables_keep_each_row_on_one_line_and_escape_pipes() -> None:
    table = Table(("Key", "Note"), [("Z-1", "a | b\nsecond line"), ("Z-2", "")])
    markdown = render_markdown(document([Paragraph("Went well: x\nNext time: y"), table]))
    assert "| Z-1 | a \\| b second line |" in markdown
    assert "| Z-2 |   |" in markdown
    assert "Went well: x  \nNext time: y" in markdown
    assert markdown.splitlines()[:3] == ["# Zeus — final report", "", "Closed"]
    assert "## 1. Things" in markdown and markdown.rstrip().endswith("Zeus · PMO bot")


def test_the_pdf_is_set_in_a_unicode_font_that_exists() -> None:
    fonts = report_fonts()
    assert fonts.regular.is_file() and fonts.bold.is_file()
    rows = [(f"Z-{n}", "Carol Díaz — Ωmega " * 3) for n in range(120)]
    pdf = PdfReader(io.BytesIO(render_pdf(document([Table(("Key", "Who"), rows)]))))
    assert len(pdf.pages) >= 3  # the table flows over pages
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Carol Díaz — Ωmega" in text and "Z-119" in text
    assert "Zeus · PMO bot · 1/" in pdf.pages[0].extract_text()


def test_charts_draw_something_even_for_an_empty_project() -> None:
    empty_plan = render_plan_vs_actual(PlanVsActual("Plan", (), (), PLAN_LABELS))
    empty_cost = render_cost_over_time(CostCurve("Cost", (), (), None, None, "EUR", COST_LABELS))
    assert empty_plan.startswith(PNG) and empty_cost.startswith(PNG)
    rows = tuple(
        PlanRow(
            f"Z-{n}", (date(2026, 12, 1), date(2026, 12, 5)), (date(2026, 12, 2), date(2026, 12, 9)), "done"
        )
        for n in range(80)
    )
    tall = render_plan_vs_actual(PlanVsActual("Plan", rows, (), PLAN_LABELS))
    assert png_size(tall)[1] > png_size(empty_plan)[1]
    pdf = PdfReader(io.BytesIO(render_pdf(document([Chart("Plan", tall), Chart("Cost", empty_cost)]))))
    assert sum(len(page.images) for page in pdf.pages) == 2


def test_spending_adds_up_by_day() -> None:
    spent = (
        (date(2026, 12, 1), Decimal(100)),
        (date(2026, 12, 1), Decimal(50)),
        (date(2026, 12, 3), Decimal(25)),
    )
    assert cumulative(spent) == [(date(2026, 12, 1), 150.0), (date(2026, 12, 3), 175.0)]

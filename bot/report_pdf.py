"""The report as a PDF (fpdf2): a title page header, numbered sections, tables and the charts.

The fonts are Unicode TrueType files found by `report_fonts`, the one place to change them: the
DejaVu Sans that ships inside matplotlib covers Latin, Greek and Cyrillic text, and the CJK font
of `bot.fonts` is its fallback, so Chinese names and text print too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from bot.fonts import cjk_font
from bot.report_doc import Chart, Paragraph, Part, ReportDocument, Section, Table

FAMILY = "Report"
BODY_SIZE = 9.5
LINE = 5.0


CJK_FAMILY = "ReportCJK"


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path
    cjk: Path | None


def report_fonts() -> FontFiles:
    """The font files the PDF is set in; glyphs DejaVu lacks (Chinese) come from the CJK font."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return FontFiles(regular=folder / "DejaVuSans.ttf", bold=folder / "DejaVuSans-Bold.ttf", cjk=cjk_font())


class _ReportPdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)


def _paragraph(pdf: FPDF, paragraph: Paragraph) -> None:
    pdf.set_font(FAMILY, "B" if paragraph.bold else "", BODY_SIZE)
    pdf.multi_cell(0, LINE, paragraph.text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _table(pdf: FPDF, table: Table) -> None:
    pdf.set_font(FAMILY, "", BODY_SIZE - 1)
    widths = table.widths or tuple(1 for _ in table.headers)
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=LINE - 0.6,
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 241)),
        padding=1,
    ) as grid:
        for values in [table.headers, *table.rows]:
            row = grid.row()
            for value in values:
                row.cell(value)
    pdf.ln(2.5)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _chart(pdf: FPDF, chart: Chart) -> None:
    width, height = png_size(chart.png)
    if pdf.get_y() + LINE * 2 + pdf.epw * height / width > pdf.page_break_trigger:
        pdf.add_page()  # the caption stays with its chart
    pdf.set_font(FAMILY, "B", BODY_SIZE)
    pdf.multi_cell(0, LINE, chart.caption, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(chart.png), w=pdf.epw)
    pdf.ln(3)


def _part(pdf: FPDF, part: Part) -> None:
    if isinstance(part, Paragraph):
        _paragraph(pdf, part)
    elif isinstance(part, Table):
        _table(pdf, part)
    else:
        _chart(pdf, part)


def _section(pdf: FPDF, number: int, section: Section) -> None:
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    pdf.set_font(FAMILY, "B", 13)
    pdf.set_text_color(31, 64, 104)
    pdf.multi_cell(0, 8, f"{number}. {section.title}", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.ln(1)
    for part in section.parts:
        _part(pdf, part)
    pdf.ln(2)


def render_pdf(document: ReportDocument) -> bytes:
    fonts = report_fonts()
    pdf = _ReportPdf(document.footer)
    pdf.add_font(FAMILY, "", str(fonts.regular))
    pdf.add_font(FAMILY, "B", str(fonts.bold))
    if fonts.cjk is not None:
        # One file serves both weights: no bold Chinese face ships with it.
        pdf.add_font(CJK_FAMILY, "", str(fonts.cjk))
        pdf.add_font(CJK_FAMILY, "B", str(fonts.cjk))
        pdf.set_fallback_fonts([CJK_FAMILY])
    pdf.set_title(document.title)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 18)
    pdf.multi_cell(0, 10, document.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, LINE, document.subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for number, section in enumerate(document.sections, start=1):
        _section(pdf, number, section)
    return bytes(pdf.output())

"""A report as plain parts (paragraphs, tables, charts), so Markdown and PDF say the same thing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    # Relative column widths for the PDF; equal when not given.
    widths: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Chart:
    caption: str
    png: bytes


Part = Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    title: str
    parts: Sequence[Part] = field(default_factory=list)


@dataclass(frozen=True)
class ReportDocument:
    title: str
    subtitle: str
    sections: list[Section]
    # What the Markdown edition says where the PDF shows a chart.
    chart_note: str
    footer: str

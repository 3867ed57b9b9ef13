"""The report as Markdown: sections, paragraphs and pipe tables; charts are named, drawn in the PDF."""

from __future__ import annotations

from bot.report_doc import Chart, Paragraph, Part, ReportDocument, Table


def cell(text: str) -> str:
    """A table cell on one line, its pipes escaped so they do not split the row."""
    return " ".join(text.split()).replace("|", "\\|") or " "


def _table(table: Table) -> list[str]:
    lines = [
        "| " + " | ".join(cell(header) for header in table.headers) + " |",
        "|" + "|".join("---" for _ in table.headers) + "|",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in table.rows]
    return lines


def _part(part: Part, chart_note: str) -> list[str]:
    if isinstance(part, Paragraph):
        text = part.text.replace("\n", "  \n")  # a line break inside a Markdown paragraph
        return [f"**{text}**" if part.bold else text]
    if isinstance(part, Table):
        return _table(part)
    if isinstance(part, Chart):
        return [f"*{part.caption}* — {chart_note}"]
    raise TypeError(f"not a report part: {part!r}")


def render_markdown(document: ReportDocument) -> str:
    lines = [f"# {document.title}", "", document.subtitle, ""]
    for number, section in enumerate(document.sections, start=1):
        lines += [f"## {number}. {section.title}", ""]
        for part in section.parts:
            lines += [*_part(part, document.chart_note), ""]
    lines += ["---", "", document.footer, ""]
    return "\n".join(lines)

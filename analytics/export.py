"""Laying a report out as Markdown, CSV, XLSX (one sheet per table) and DOCX (paragraph and tables).

Each function returns bytes, so the CLI can write a file and the bot can send a document into a chat
from the same call.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import docx
import openpyxl
from docx.shared import Pt
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from analytics.report_tables import Table

FORMATS = ("md", "csv", "xlsx", "docx")
# Excel refuses sheet names over 31 characters or with []:*?/\ in them.
SHEET_NAME_LIMIT = 31
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
# Column widths in Excel units: Chinese characters are about two units wide.
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60
# Body text size of the Word document, the usual size of an office report (小四).
DOCX_BODY_PT = 12


def render_markdown(title: str, paragraph: str, tables: Sequence[Table]) -> bytes:
    """The report as Markdown: the paragraph, then each table."""
    lines = [f"# {title}", "", paragraph, ""]
    for table in tables:
        lines += [f"## {table.title}", ""]
        if not table.rows:
            lines += ["（无）", ""]
            continue
        lines.append("| " + " | ".join(table.columns) + " |")
        lines.append("|" + "|".join("---" for _ in table.columns) + "|")
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_csv(title: str, paragraph: str, tables: Sequence[Table]) -> bytes:
    """All tables in one CSV, each under its title row and separated by an empty row.

    Encoded UTF-8 with a byte-order mark, which Excel needs to show Chinese from a CSV.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title])
    writer.writerow([paragraph])
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows(table.rows)
    return out.getvalue().encode("utf-8-sig")


def render_xlsx(title: str, paragraph: str, tables: Sequence[Table]) -> bytes:
    """A workbook: a 说明 sheet with the paragraph, then one sheet per table."""
    book = openpyxl.Workbook()
    intro = book.active
    intro.title = "说明"
    intro["A1"] = title
    intro["A1"].font = Font(bold=True, size=14)
    intro["A3"] = paragraph
    intro.column_dimensions["A"].width = MAX_COLUMN_WIDTH * 2
    intro["A3"].alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, used))
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
        for index, column in enumerate(table.columns, start=1):
            longest = max([_display_width(column)] + [_display_width(r[index - 1]) for r in table.rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(
                MAX_COLUMN_WIDTH, max(MIN_COLUMN_WIDTH, longest + 2)
            )
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = title.translate(_SHEET_FORBIDDEN)[:SHEET_NAME_LIMIT]
    base, n = name, 2
    while name in used:
        suffix = f"({n})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _display_width(value: object) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))


def render_docx(title: str, paragraph: str, tables: Sequence[Table]) -> bytes:
    """A Word document: the title, the ready paragraph, then every table with a header row."""
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(DOCX_BODY_PT)
    document.add_heading(title, level=1)
    document.add_paragraph(paragraph)
    for table in tables:
        document.add_heading(table.title, level=2)
        if not table.rows:
            document.add_paragraph("（无）")
            continue
        grid = document.add_table(rows=1, cols=len(table.columns))
        grid.style = "Table Grid"
        for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = name
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in table.rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


RENDERERS = {"md": render_markdown, "csv": render_csv, "xlsx": render_xlsx, "docx": render_docx}

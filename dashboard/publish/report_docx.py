"""The report as a Word document (.docx, python-docx), for the business manager to edit the newsletter before
sending it.

Written from the same ReportDocument as the HTML page (report.report_document): the same sections, in the
same order, with the same words; a heading per section, paragraphs, bulleted lists, tables (the scorecard
among them), and https:// links as real hyperlinks. The internal version carries OFFICIAL-SENSITIVE in the
header and the footer of every page; a sample database's report says the data is fictional.

Charts: Word cannot run the page's Plotly charts, and no image exporter (kaleido) is installed, so a chart
with values (the executive report's trends) is written as the table of its values, and any other chart as a
line saying it is in the HTML and PDF versions.

Text goes into the document as text (python-docx writes it as XML text nodes, so nothing in an upload can
become markup); characters XML cannot hold (control characters) are dropped.
"""

from __future__ import annotations

import io
import re

import duckdb
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from dashboard.core.config import Settings
from dashboard.core.periods import Period
from dashboard.publish.report import ReportDocument, report_document
from dashboard.publish.report_model import (
    Block,
    CaseList,
    Figure,
    Paragraph,
    Rag,
    Section,
    Table,
    TitledBlock,
    TitledList,
    UpdateItem,
    UpdateList,
    https_link,
)
from dashboard.publish.suppression import PROTECTIVE_MARKING

__all__ = ["docx_bytes", "report_docx"]

MARKING_COLOUR = RGBColor(0xB2, 0x18, 0x2B)
LINK_COLOUR = "0563C1"
CHART_ELSEWHERE = "(The chart is in the HTML and PDF versions of this report.)"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def report_docx(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings,
    locality: str | None = None,
    publish: bool = False,
    kind: str = "quarterly",
) -> bytes:
    """The report (quarterly or executive) as the bytes of a .docx file; same arguments as build_report."""
    return docx_bytes(report_document(con, period, settings, locality, publish, kind))


def docx_bytes(report: ReportDocument) -> bytes:
    """A ReportDocument written as a Word document."""
    document = Document()
    document.core_properties.title = _clean(report.title)
    document.core_properties.author = report.ctx.settings.partnership_short_name or "PMF dashboard"
    if not report.publish:
        _mark(document)
    _header(document, report)
    for section in report.sections:
        _section(document, section)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _clean(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def _mark(document: DocxDocument) -> None:
    """OFFICIAL-SENSITIVE in the header and footer of every page."""
    for part in (document.sections[0].header, document.sections[0].footer):
        paragraph = part.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(PROTECTIVE_MARKING)
        run.bold = True
        run.font.color.rgb = MARKING_COLOUR


def _header(document: DocxDocument, report: ReportDocument) -> None:
    document.add_paragraph(_clean(report.partnership)).runs[0].font.size = Pt(10)
    document.add_heading(_clean(report.heading), level=0)
    document.add_paragraph(_clean(report.meta))
    badge = document.add_paragraph().add_run(report.badge)
    badge.bold = True
    if not report.publish:
        badge.font.color.rgb = MARKING_COLOUR
    if report.sample_notice:
        document.add_paragraph().add_run(_clean(report.sample_notice)).italic = True


def _section(document: DocxDocument, section: Section) -> None:
    document.add_heading(_clean(section.title), level=1)
    for block in section.blocks:
        _block(document, block)


def _block(document: DocxDocument, block: Block) -> None:
    if isinstance(block, Paragraph):
        _paragraph(document, block)
    elif isinstance(block, Table):
        _table(document, block)
    elif isinstance(block, Figure):
        _figure(document, block)
    elif isinstance(block, CaseList):
        for item in block.items:
            line = document.add_paragraph(style="List Bullet")
            line.add_run(_clean(item.lead)).bold = True
            line.add_run(". " + _clean(item.sentence))
    elif isinstance(block, TitledBlock):
        document.add_heading(_clean(block.title), level=2)
        for p in block.paragraphs:
            _paragraph(document, p)
    elif isinstance(block, TitledList):
        document.add_heading(_clean(block.title), level=2)
        for text in block.items:
            document.add_paragraph(_clean(text), style="List Bullet")
    elif isinstance(block, UpdateList):
        _updates(document, block)


def _paragraph(document: DocxDocument, block: Paragraph) -> None:
    run = document.add_paragraph().add_run(_clean(block.text))
    if "small" in block.css:
        run.font.size = Pt(9)
    if "flag" in block.css:
        run.bold = True
        run.font.color.rgb = MARKING_COLOUR


def _cell_text(cell: str | Rag) -> str:
    return cell.label if isinstance(cell, Rag) else _clean(cell)


def _table(document: DocxDocument, table: Table) -> None:
    if table.caption:
        document.add_paragraph().add_run(_clean(table.caption)).bold = True
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_clean(column.name)).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value, column in zip(cells, row.cells, table.columns, strict=True):
            cell.text = _cell_text(value)
            if "num" in column.css:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if "total" in row.css:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    document.add_paragraph()


def _figure(document: DocxDocument, figure: Figure) -> None:
    if figure.values is not None:
        _table(document, figure.values)
        document.add_paragraph().add_run(_clean(figure.caption)).italic = True
        return
    document.add_paragraph().add_run(f"{_clean(figure.caption)} {CHART_ELSEWHERE}").italic = True


def _updates(document: DocxDocument, updates: UpdateList) -> None:
    if updates.heading:
        title = _clean(updates.heading) + (f" ({_clean(updates.note)})" if updates.note else "")
        document.add_heading(title, level=2)
    for item in updates.items:
        line = document.add_paragraph(style="List Bullet" if updates.bullets else None)
        _update_item(line, item)


def _update_item(line: DocxParagraph, item: UpdateItem) -> None:
    href = https_link(item.link)
    if item.lead:
        if href:
            add_hyperlink(line, href, _clean(item.lead), bold=True)
        else:
            line.add_run(_clean(item.lead)).bold = True
        if item.note:
            note = line.add_run(f" ({_clean(item.note)})")
            if item.flag:
                note.bold = True
                note.font.color.rgb = MARKING_COLOUR
        if item.text:
            line.add_run(" – ")
    line.add_run(_clean(item.text))
    if not item.lead and item.note:
        line.add_run(f" ({_clean(item.note)})")
    if href and not item.lead:
        line.add_run(" ")
        add_hyperlink(line, href, href)


def add_hyperlink(paragraph: DocxParagraph, url: str, text: str, bold: bool = False) -> None:
    """A clickable link to `url` on `text` (python-docx has no call for one: the w:hyperlink element, its
    relationship to the external address, and a run styled blue and underlined)."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    if bold:
        properties.append(OxmlElement("w:b"))
    properties.append(colour)
    properties.append(underline)
    run.append(properties)
    words = OxmlElement("w:t")
    words.text = text
    words.set(qn("xml:space"), "preserve")
    run.append(words)
    link.append(run)
    paragraph._p.append(link)

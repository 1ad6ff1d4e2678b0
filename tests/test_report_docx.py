"""The report as a Word document: the HTML report's sections as headings in the same order, hyperlinks on
https:// addresses, the scorecard as a table, OFFICIAL-SENSITIVE in the header and footer of the internal
version (not of the published one), the sample-data notice, and the executive report's trend values as
tables (no image exporter is installed)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import duckdb
import pytest

from dashboard.core.config import settings
from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.publish.report import build_report, report_filename
from dashboard.publish.report_docx import report_docx
from tests.test_report import sections_of

Q3 = parse_period("2023-24 Q3")


@pytest.fixture(scope="module")
def con(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("docx") / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    connection = connect(path)
    yield connection
    connection.close()


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def headings(document: Any, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


@pytest.mark.parametrize("kind", ["quarterly", "executive"])
def test_same_sections_in_the_same_order_as_the_html(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    document = open_docx(report_docx(con, Q3, settings(), kind=kind))
    page_sections = sections_of(build_report(con, Q3, settings(), kind=kind))
    assert headings(document, 1) == [s.blocks[0] for s in page_sections.values()]
    title = next(p.text for p in document.paragraphs if p.style.name == "Title")
    assert title == (
        "Executive report: 2023-24 Q3" if kind == "executive" else "Performance report: 2023-24 Q3"
    )


def test_quarterly_word_document(con: duckdb.DuckDBPyConnection) -> None:
    document = open_docx(report_docx(con, Q3, settings()))
    assert headings(document, 1)[:6] == [
        "Serious incident notifications and rapid reviews",
        "LCSPR updates",
        "Multi-agency audits",
        "Work streams",
        "Progress on the priority of Neglect",
        "Training",
    ]
    assert "1. Engagement of Children and Young People (On track)" in headings(document, 2)
    links = {h.text: h.url for p in document.paragraphs for h in p.hyperlinks}
    assert links["Child in Need"].startswith("https://www.teescpp.org.uk/")
    assert all(url.startswith("https://") for url in links.values())
    text = "\n".join(p.text for p in document.paragraphs)
    assert "In this quarter 5 face to face and 10 virtual training sessions were held." in text
    assert "Takes place on 6 Feb 2024 and 28 Mar 2024." in text
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert any(b.startswith("Strategy Discussion") for b in bullets)
    # The scorecard as a table whose header row is the HTML's.
    scorecard = [t for t in document.tables if t.rows[0].cells[0].text == "KPI" and len(t.columns) >= 9]
    assert scorecard and [c.text for c in scorecard[0].rows[0].cells][:5] == [
        "KPI",
        "Title",
        "Value",
        "Target",
        "RAG",
    ]
    tr01 = next(r for r in scorecard[0].rows if r.cells[0].text == "TR01")
    assert tr01.cells[2].text == "15"
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert section.footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert "Fictional sample data" in text
    assert "Internal: contains case references and small numbers. Not for publication." in text


def test_published_word_document_has_no_marking_and_no_case_reference(con: duckdb.DuckDBPyConnection) -> None:
    document = open_docx(report_docx(con, Q3, settings(), publish=True))
    section = document.sections[0]
    assert "OFFICIAL-SENSITIVE" not in section.header.paragraphs[0].text + section.footer.paragraphs[0].text
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "OFFICIAL-SENSITIVE" not in text
    assert "Child KLT" not in text and "Child death" not in text
    assert "For publication: case figures for the partnership as a whole" in text


def test_executive_trends_as_tables_of_values(con: duckdb.DuckDBPyConnection) -> None:
    document = open_docx(report_docx(con, Q3, settings(), kind="executive"))
    trend_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Quarter"]
    assert trend_tables
    first = trend_tables[0]
    assert [c.text for c in first.rows[0].cells][:2] == ["Quarter", "All localities"]
    assert first.rows[-1].cells[0].text == "2023-24 Q3"


def test_hostile_text_stays_text(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "UPDATE partnership_updates SET title = $t WHERE update_id = "
        "(SELECT min(update_id) FROM partnership_updates WHERE quarter = '2023-24 Q3' AND section = 'Procedure')",
        {"t": "<w:t>x</w:t>\x0b<script>"},
    )
    document = open_docx(report_docx(con, Q3, settings()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "<w:t>x</w:t><script>" in text  # as typed (the control character dropped), never markup


def test_report_filenames() -> None:
    assert report_filename(Q3, None, False, "HSSCP", "executive", ".docx") == (
        "hsscp-executive-report-2023-24-q3-OFFICIAL-SENSITIVE.docx"
    )
    assert report_filename(Q3, "Hartlepool", True, "HSSCP", suffix=".docx") == (
        "hsscp-report-2023-24-q3-hartlepool-published.docx"
    )

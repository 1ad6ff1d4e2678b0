"""The KPI pack: the workbook reopened with openpyxl, as a person (or Excel) would see it.

Figures are the sample data's for 2023-24 Q3 (the newsletter's quarter), as `pmf kpis` shows them.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers.workbooks import AUDIT, SESSION, SETTINGS, csv_bytes, new_database, table
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.charts import RAG_COLOURS
from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.ingest.load import load_upload
from dashboard.ingest.validate import validate_upload
from dashboard.kpis.catalogue import compute_kpis, load_catalogue
from dashboard.publish.pack import (
    PACK_SHEETS,
    PUBLISHED_SHEETS,
    kpi_pack_bytes,
    pack_file_name,
    pack_title,
    write_kpi_pack,
)
from dashboard.publish.suppression import publication_footnote, publish_catalogue_rows

Q3 = parse_period("2023-24 Q3")
HEADER_ROW = 4
SCORECARD_HEADERS = [
    "KPI",
    "Title",
    "Area",
    "Locality",
    "Breakdown",
    "Value",
    "Target",
    "RAG",
    "Numerator",
    "Denominator",
    "A year before (2022-23 Q3)",
    "Change on a year before",
    "Revision since sign-off",
    "Commentary",
]
HYPERLINK = '=HYPERLINK("http://example.com/steal","Open the report")'


@pytest.fixture(scope="module")
def sample_con(
    sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("pack") / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    yield con
    con.close()


@pytest.fixture(scope="module")
def pack_path(sample_con: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("packs") / "new folder" / "pack.xlsx"
    written = write_kpi_pack(sample_con, Q3, SETTINGS, target)
    assert written == target and target.is_file()
    return target


@pytest.fixture(scope="module")
def pack(pack_path: Path) -> Any:
    return load_workbook(pack_path)


@pytest.fixture(scope="module")
def published(sample_con: duckdb.DuckDBPyConnection) -> Any:
    return load_workbook(io.BytesIO(kpi_pack_bytes(sample_con, Q3, SETTINGS, publish=True)))


def rows_of(sheet: Worksheet) -> list[dict[str, Cell]]:
    """The table under the header row, each row a dict header -> cell, up to the first blank row."""
    headers = [c.value for c in sheet[HEADER_ROW]]
    out = []
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if all(c.value is None for c in row):
            break
        out.append({str(h): c for h, c in zip(headers, row, strict=False) if h is not None})
    return out


def scorecard_row(
    sheet: Worksheet, kpi: str, locality: str = "All localities", breakdown: str | None = None
) -> dict[str, Cell]:
    matches = [
        r
        for r in rows_of(sheet)
        if r["KPI"].value == kpi and r["Locality"].value == locality and r["Breakdown"].value == breakdown
    ]
    assert len(matches) == 1, (kpi, locality, breakdown, len(matches))
    return matches[0]


def texts(sheet: Worksheet) -> list[str]:
    return [str(c.value) for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


# --- the internal pack -----------------------------------------------------------------------------------


def test_sheets_in_order_with_titles_headers_and_frozen_panes(pack: Any) -> None:
    assert pack.sheetnames == list(PACK_SHEETS)
    assert pack.sheetnames == [
        "Scorecard",
        "Training",
        "Audits",
        "Case reviews",
        "Action plan",
        "Definitions",
    ]
    for sheet in pack.worksheets:
        title = sheet["A1"].value
        assert title.startswith(
            "Hartlepool and Stockton-on-Tees Safeguarding Children Partnership (HSSCP): KPI pack, 2023-24 Q3"
        ), sheet.title
        assert sheet["A1"].font.bold
        header = sheet[HEADER_ROW]
        assert all(c.font.bold for c in header if c.value is not None), sheet.title
        assert sheet.freeze_panes == ("C5" if sheet.title in ("Scorecard", "Definitions") else "A5"), (
            sheet.title
        )
        assert sheet.print_title_rows == "$4:$4" or sheet.print_title_rows == "4:4"
    scorecard = pack["Scorecard"]
    assert [c.value for c in scorecard[HEADER_ROW]] == SCORECARD_HEADERS
    assert "01/10/2023 to 31/12/2023" in scorecard["A2"].value
    assert "internal use" in scorecard["A2"].value
    assert scorecard.auto_filter.ref is not None and scorecard.auto_filter.ref.startswith("A4:N")
    assert pack_title(Q3, SETTINGS) == scorecard["A1"].value


def test_scorecard_values_match_the_newsletter(pack: Any) -> None:
    sheet = pack["Scorecard"]
    tr01 = scorecard_row(sheet, "TR01")
    assert tr01["Value"].value == 15
    assert tr01["Value"].number_format == "#,##0"
    assert tr01["Target"].value == "no target"
    assert tr01["RAG"].value is None
    assert tr01["A year before (2022-23 Q3)"].value == 17
    assert tr01["Change on a year before"].value == -2
    assert scorecard_row(sheet, "TR01", breakdown="Face to face")["Value"].value == 5
    assert scorecard_row(sheet, "TR01", breakdown="Virtual")["Value"].value == 10
    assert scorecard_row(sheet, "CR04")["Value"].value == 1
    assert scorecard_row(sheet, "CR04", breakdown="Child death")["Value"].value == 1
    assert scorecard_row(sheet, "AU01")["Value"].value == 6
    assert scorecard_row(sheet, "AU01", "Hartlepool")["Value"].value == 3
    assert scorecard_row(sheet, "AU01", "Stockton-on-Tees")["Value"].value == 3
    assert scorecard_row(sheet, "AU01", "Teeswide")["Value"].value == 0
    assert scorecard_row(sheet, "TR01", "Hartlepool")["Value"].value == 6


def test_every_kpi_for_all_localities_and_each_locality(pack: Any) -> None:
    rows = rows_of(pack["Scorecard"])
    headlines = {(r["KPI"].value, r["Locality"].value) for r in rows if r["Breakdown"].value is None}
    ids = [k.id for k in load_catalogue()]
    places = ["All localities", "Hartlepool", "Stockton-on-Tees", "Teeswide"]
    assert headlines == {(k, p) for k in ids for p in places}
    assert [
        r["KPI"].value
        for r in rows
        if r["Breakdown"].value is None and r["Locality"].value == "All localities"
    ] == ids


def test_percentages_are_fractions_with_a_percent_format(pack: Any) -> None:
    tr02 = scorecard_row(pack["Scorecard"], "TR02")
    # 345 / 381 = 90.6%: stored as 0.906 and shown by Excel as "90.6%".
    assert tr02["Value"].value == pytest.approx(345 / 381)
    assert tr02["Value"].number_format == "0.0%"
    assert tr02["Target"].value == pytest.approx(0.85)
    assert tr02["Target"].number_format == "0.0%"
    assert tr02["Numerator"].value == 345 and tr02["Numerator"].number_format == "#,##0"
    assert tr02["Denominator"].value == 381 and tr02["Denominator"].number_format == "#,##0"
    assert tr02["A year before (2022-23 Q3)"].number_format == "0.0%"
    # The change is in percentage points: 90.6% - 89.7% = +0.9 pts.
    change = tr02["Change on a year before"]
    assert change.value == pytest.approx(100 * 345 / 381 - tr02["A year before (2022-23 Q3)"].value * 100)
    assert change.number_format.startswith('+0.0" pts"')
    tr06 = scorecard_row(pack["Scorecard"], "TR06")
    assert tr06["Value"].value == pytest.approx(16.1 / 13)
    assert tr06["Numerator"].number_format == "#,##0.00"
    ap03 = scorecard_row(pack["Scorecard"], "AP03")
    assert ap03["Value"].value == 31 and ap03["Value"].number_format == '#,##0" days"'


@pytest.mark.parametrize(
    ("kpi", "locality", "rag"),
    [
        ("TR02", "All localities", "Green"),
        ("TR03", "All localities", "Amber"),
        ("TR04", "All localities", "Red"),
        ("AP01", "All localities", "Red"),
        ("TR03", "Teeswide", "Red"),
    ],
)
def test_rag_cells_hold_the_word_on_its_colour(pack: Any, kpi: str, locality: str, rag: str) -> None:
    cell = scorecard_row(pack["Scorecard"], kpi, locality)["RAG"]
    assert cell.value == rag  # the word, so the status is not colour alone
    assert cell.fill.fill_type == "solid"
    assert cell.fill.fgColor.rgb[-6:] == RAG_COLOURS[rag].lstrip("#").upper()
    assert cell.font.bold and cell.font.color.rgb[-6:] == "FFFFFF"


def test_columns_are_wide_enough(pack: Any) -> None:
    sheet = pack["Scorecard"]
    assert sheet.column_dimensions["B"].width >= len("LCSPRs published within 6 months")
    assert sheet.column_dimensions["D"].width >= len("Stockton-on-Tees")
    for sheet in pack.worksheets:
        for letter, dimension in sheet.column_dimensions.items():
            assert 8 <= dimension.width <= 60, (sheet.title, letter)


def test_area_sheets_hold_the_records_of_the_period(pack: Any) -> None:
    sessions = rows_of(pack["Training"])
    delivered = [r for r in sessions if r["Status"].value == "Delivered"]
    assert len(delivered) == 15
    assert sum(r["Mode"].value == "Face to face" for r in delivered) == 5
    for r in sessions:
        assert isinstance(r["Date"].value, datetime) and r["Date"].number_format == "dd/mm/yyyy"
        assert date(2023, 10, 1) <= r["Date"].value.date() <= date(2023, 12, 31)
        assert r["Booked"].number_format == "#,##0"

    cases = rows_of(pack["Audits"])
    assert len(cases) == 6
    assert {r["Audit title"].value for r in cases} == {"Step down from social care assessment"}
    assert all(r["Audit date"].value == datetime(2023, 11, 13) for r in cases)
    assert all(r["Audit date"].number_format == "dd/mm/yyyy" for r in cases)
    assert sorted(r["Locality"].value for r in cases) == ["Hartlepool"] * 3 + ["Stockton-on-Tees"] * 3

    reviews = {r["Review"].value: r for r in rows_of(pack["Case reviews"])}
    assert {"KLT", "JM", "RV"} <= set(reviews)
    assert reviews["KLT"]["Nature"].value == "Child death"
    assert reviews["KLT"]["Outcome"].value == "No LCSPR"
    assert reviews["JM"]["Published as"].value == "Child Joe"
    assert reviews["JM"]["Published"].value == datetime(2023, 12, 14)
    assert reviews["JM"]["Published"].number_format == "dd/mm/yyyy"
    assert reviews["RV"]["Rapid review working days (target 15)"].value.endswith(
        "On time"
    )  # extension agreed

    plan_sheet = pack["Action plan"]
    assert "as at 31/12/2023" in plan_sheet["A2"].value
    plan = rows_of(plan_sheet)
    assert plan and plan[0]["RAG"].value == "Red"  # overdue first
    assert plan[0]["Days overdue"].value == 31
    for r in plan:
        assert r["RAG"].value in ("Red", "Amber", "Green", "Blue")
        assert r["RAG"].fill.fgColor.rgb[-6:] == RAG_COLOURS[r["RAG"].value].lstrip("#").upper()
        assert isinstance(r["Target date"].value, datetime)
        assert r["Target date"].number_format == "dd/mm/yyyy"


def test_definitions_sheet(pack: Any) -> None:
    rows = {r["KPI"].value: r for r in rows_of(pack["Definitions"])}
    catalogue = load_catalogue()
    assert list(rows) == [k.id for k in catalogue]
    for kpi in catalogue:
        row = rows[kpi.id]
        assert row["Title"].value == kpi.title
        assert row["Description"].value == kpi.description
    assert rows["TR02"]["Unit"].value == "per cent"
    assert rows["TR02"]["Better when"].value == "higher is better"
    assert rows["TR02"]["Target"].value == pytest.approx(0.85)
    assert rows["TR02"]["Target"].number_format == "0.0%"
    assert rows["TR02"]["Tolerance (Amber within)"].value == 5  # the default, in percentage points
    assert rows["AP03"]["Tolerance (Amber within)"].value == pytest.approx(3)  # 10% of 30 days
    assert rows["TR01"]["Target"].value == "no target"
    assert rows["TR01"]["Tolerance (Amber within)"].value is None


def test_bytes_and_file_are_the_same_pack(sample_con: duckdb.DuckDBPyConnection, pack: Any) -> None:
    again = load_workbook(io.BytesIO(kpi_pack_bytes(sample_con, Q3, SETTINGS)))
    assert again.sheetnames == pack.sheetnames
    for name in pack.sheetnames:
        assert [[c.value for c in r] for r in again[name].iter_rows()] == [
            [c.value for c in r] for r in pack[name].iter_rows()
        ], name


def test_file_names() -> None:
    assert pack_file_name(Q3, SETTINGS) == "hsscp-kpi-pack-2023-24-Q3-OFFICIAL-SENSITIVE.xlsx"
    assert (
        pack_file_name(parse_period("2023-24"), SETTINGS, publish=True)
        == "hsscp-kpi-pack-2023-24-published.xlsx"
    )


def test_a_pack_for_an_empty_database(tmp_path: Path, pack: Any) -> None:
    con = new_database(tmp_path / "empty.duckdb")
    try:
        book = load_workbook(io.BytesIO(kpi_pack_bytes(con, Q3, SETTINGS)))
    finally:
        con.close()
    assert book.sheetnames == list(PACK_SHEETS)
    assert scorecard_row(book["Scorecard"], "TR01")["Value"].value == 0
    assert scorecard_row(book["Scorecard"], "TR02")["Value"].value is None
    for name in ("Training", "Audits", "Case reviews", "Action plan"):
        assert book[name]["A5"].value == "No records for this period.", name
        # The same headers as when there are records.
        assert [c.value for c in book[name][HEADER_ROW]] == [c.value for c in pack[name][HEADER_ROW]], name


# --- text from uploads that looks like a formula ------------------------------------------------------------


def test_formula_like_text_from_an_upload_stays_text(sample_db_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    try:
        upload = csv_bytes(
            table(SESSION, {"session_id": "-1+2", "course_title": HYPERLINK, "session_date": "20/11/2023"})
        )
        report = validate_upload(upload, "sessions.csv", SETTINGS)
        assert report.errors == []
        load_upload(con, report, "test")
        cases = csv_bytes(
            table(
                AUDIT,
                {"audit_id": "@AUD", "case_ref": "-1+2", "audit_date": "13/11/2023", "audit_title": "+Test"},
            )
        )
        report = validate_upload(cases, "audits.csv", SETTINGS)
        assert report.errors == []
        load_upload(con, report, "test")
        data = kpi_pack_bytes(con, Q3, SETTINGS)
    finally:
        con.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name  # no formula anywhere in the pack
    book = load_workbook(io.BytesIO(data))
    session = next(r for r in rows_of(book["Training"]) if r["Session"].value == "-1+2")
    assert session["Title"].value == HYPERLINK
    assert session["Title"].data_type == "s" and session["Session"].data_type == "s"
    case = next(r for r in rows_of(book["Audits"]) if r["Case"].value == "-1+2")
    assert case["Case"].data_type == "s"
    assert case["Audit"].value == "@AUD" and case["Audit"].data_type == "s"
    assert case["Audit title"].value == "+Test" and case["Audit title"].data_type == "s"
    # Numbers stay numbers: the change on a year before is negative and numeric.
    stockton = scorecard_row(book["Scorecard"], "TR01", "Stockton-on-Tees")
    assert stockton["Change on a year before"].value == 8 - 9
    assert stockton["Change on a year before"].data_type == "n"


# --- the published pack -------------------------------------------------------------------------------------


def test_published_pack_has_only_aggregate_sheets(published: Any) -> None:
    assert published.sheetnames == list(PUBLISHED_SHEETS) == ["Scorecard", "Definitions"]
    assert "Published version" in published["Scorecard"]["A2"].value
    assert "Child Joe" not in " ".join(texts(published["Scorecard"]))


CASE_KPIS = [k.id for k in load_catalogue() if k.publication == "case"]


def test_published_pack_follows_the_publication_rule(published: Any) -> None:
    """Activity is published in full; case data only partnership-wide, small counts hidden."""
    sheet = published["Scorecard"]
    # Activity: the newsletter's own figures, in full.
    assert scorecard_row(sheet, "TR01")["Value"].value == 15
    assert scorecard_row(sheet, "TR01", breakdown="Face to face")["Value"].value == 5
    assert scorecard_row(sheet, "TR01", breakdown="Virtual")["Value"].value == 10
    assert scorecard_row(sheet, "AU01")["Value"].value == 6
    assert scorecard_row(sheet, "AU01", "Hartlepool")["Value"].value == 3
    assert scorecard_row(sheet, "AU01", "Stockton-on-Tees")["Value"].value == 3
    assert scorecard_row(sheet, "TR02")["Value"].value == pytest.approx(345 / 381)
    assert scorecard_row(sheet, "TR02")["RAG"].value == "Green"
    # Case data: the partnership-wide count, hidden when 1 to 5.
    cr04 = scorecard_row(sheet, "CR04")
    assert cr04["Value"].value == "c" and cr04["Numerator"].value == "c"
    assert cr04["Change on a year before"].value == "c"  # 1 - 0 would give it away
    cr02 = scorecard_row(sheet, "CR02")
    assert cr02["Value"].value == "c" and cr02["RAG"].value in (None, "c")
    assert cr02["RAG"].fill.fill_type is None


def test_published_pack_never_splits_case_data(published: Any) -> None:
    """No case KPI row for a locality or by nature, harm type or outcome: a row exists only where there was
    a case, so its presence alone would say a child died in Hartlepool that quarter."""
    rows = rows_of(published["Scorecard"])
    case_rows = [r for r in rows if r["KPI"].value in CASE_KPIS]
    assert {r["KPI"].value for r in case_rows} == set(CASE_KPIS)
    for row in case_rows:
        assert row["Locality"].value == "All localities", row["KPI"].value
        assert row["Breakdown"].value is None, row["KPI"].value
    words = " ".join(texts(published["Scorecard"]))
    for word in ("Child death", "Serious harm", "No LCSPR", "No further review", "Child Joe", "KLT", "RV"):
        assert word not in words


def test_published_pack_has_the_footnote(published: Any) -> None:
    notes = texts(published["Scorecard"])
    assert any(
        publication_footnote(SETTINGS.suppression_threshold, secondary) in notes
        for secondary in (True, False)
    )


def test_no_small_case_count_is_published(published: Any) -> None:
    """No case count from 1 to 5 anywhere: values, numerators and denominators, this year and last."""
    units = {k.id: k.unit for k in load_catalogue()}
    for row in rows_of(published["Scorecard"]):
        if row["KPI"].value not in CASE_KPIS:
            continue
        unit = units[row["KPI"].value]
        cells = [row["Denominator"]]
        if unit in ("count", "percent"):
            cells.append(row["Numerator"])
        if unit == "count":
            cells += [row["Value"], row["A year before (2022-23 Q3)"]]
        for cell in cells:
            if isinstance(cell.value, int | float):
                assert not 1 <= cell.value <= 5, (row["KPI"].value, row["Locality"].value, cell.coordinate)
        if unit == "percent" and isinstance(row["Value"].value, float):
            assert isinstance(row["Numerator"].value, int | float) and isinstance(
                row["Denominator"].value, int | float
            )


def test_published_pack_shows_what_the_one_rule_publishes(sample_con: Any, published: Any) -> None:
    """The pack's case figures are exactly those of suppression.publish_catalogue_rows (the one rule)."""
    catalogue = load_catalogue()
    rows = compute_kpis(sample_con, [Q3, Q3.year_before], SETTINGS)
    rule = publish_catalogue_rows(rows, catalogue, SETTINGS.suppression_threshold).table
    now = rule[rule["period"] == Q3.label]
    sheet = published["Scorecard"]
    for kpi in CASE_KPIS:
        expected = now[(now["kpi"] == kpi)].iloc[0]
        row = scorecard_row(sheet, kpi)
        for field in ("numerator", "denominator"):
            want = expected[field]
            got = row[field.capitalize()].value
            assert (got == want) if want == "c" or want is None else got == pytest.approx(float(want)), (
                kpi,
                field,
            )


def test_internal_pack_is_not_suppressed(pack: Any) -> None:
    assert "c" not in [c.value for row in pack["Scorecard"].iter_rows(min_row=5) for c in row]
    notes = texts(pack["Scorecard"])
    assert publication_footnote(SETTINGS.suppression_threshold, True) not in notes


def test_internal_pack_is_marked_official_sensitive_on_every_sheet(pack: Any) -> None:
    for sheet in pack.worksheets:
        assert str(sheet["A3"].value).startswith("OFFICIAL-SENSITIVE"), sheet.title
        assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
        assert sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"


def test_published_pack_is_not_marked_but_says_it_is_sample_data(published: Any) -> None:
    for sheet in published.worksheets:
        assert "OFFICIAL-SENSITIVE" not in " ".join(texts(sheet))
        assert "Fictional sample data" in str(sheet["A2"].value), sheet.title


def test_commentary_and_revision_beside_the_value(sample_db_template: Path, tmp_path: Path) -> None:
    """The pack carries each KPI's commentary, and a figure moved since sign-off shows its revision; published,
    only the commentary on activity KPIs for the partnership as a whole, and no signed-off value."""
    from dashboard.kpis.catalogue import ACTIVITY, load_catalogue
    from dashboard.kpis.signoff import revision_text, sign_off

    path = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    try:
        done = sign_off(con, Q3, SETTINGS, "alice")
        session = con.execute(
            "SELECT session_id FROM training_sessions WHERE status = 'Delivered' AND delivery_mode = 'Virtual' "
            "AND session_date BETWEEN '2023-10-01' AND '2023-12-31' ORDER BY session_id LIMIT 1"
        ).fetchall()[0][0]
        con.execute("UPDATE training_sessions SET status = 'Cancelled' WHERE session_id = $s", {"s": session})
        internal = load_workbook(io.BytesIO(kpi_pack_bytes(con, Q3, SETTINGS)))["Scorecard"]
        published = load_workbook(io.BytesIO(kpi_pack_bytes(con, Q3, SETTINGS, publish=True)))["Scorecard"]
        stored = {
            (k, loc): c
            for k, loc, c in con.execute(
                "SELECT kpi, locality, commentary FROM kpi_commentary WHERE quarter = '2023-24 Q3'"
            ).fetchall()
        }
    finally:
        con.close()
    tr01 = scorecard_row(internal, "TR01")
    assert tr01["Value"].value == 14
    assert tr01["Revision since sign-off"].value == revision_text("14", "15", done.signed_off_at)
    assert (
        scorecard_row(internal, "TR03")["Revision since sign-off"].value is not None
    )  # attendance moved too
    day = f"{done.signed_off_at.day} {done.signed_off_at:%b %Y}"
    assert (
        scorecard_row(published, "TR01")["Revision since sign-off"].value
        == f"Revised since sign-off on {day}"
    )
    kinds = {k.id: k.publication for k in load_catalogue()}
    for (kpi, locality), text in stored.items():
        cell = scorecard_row(internal, kpi, locality)["Commentary"].value
        assert cell.startswith(text.rstrip(".")), (kpi, locality, cell)
        if locality == "All localities":
            shown = scorecard_row(published, kpi)["Commentary"].value
            assert (shown is not None) == (kinds[kpi] == ACTIVITY), kpi
        elif kinds[kpi] == ACTIVITY:
            assert (
                scorecard_row(published, kpi, locality)["Commentary"].value is None
            )  # a locality's: internal

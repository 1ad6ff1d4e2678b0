"""Template workbooks: headers as the contract, drop-down lists from the configuration, date cells, example rows
that never load; a filled-in template loads one row per dataset, a blank one stores nothing."""

from __future__ import annotations

import copy
import re
import tomllib
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from helpers.workbooks import SETTINGS, data_state, new_database
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from dashboard.core.config import DEFAULT_CONFIG_PATH, Settings, settings_from_toml
from dashboard.ingest.contract import DATASETS, DATASETS_BY_NAME, Dataset, normalise_header
from dashboard.ingest.load import load_file
from dashboard.ingest.template_workbooks import (
    EXAMPLES_HEADING,
    TEMPLATE_ROWS,
    example_rows,
    template_bytes,
    write_template,
)


def other_partnership() -> Settings:
    """A partnership with other localities, area-wide name and agencies, by configuration alone."""
    with DEFAULT_CONFIG_PATH.open("rb") as handle:
        data: dict[str, Any] = copy.deepcopy(tomllib.load(handle))
    data["partnership"] = {"name": "South Tees Safeguarding Children Partnership", "short_name": "STSCP"}
    data["localities"] = [
        {"name": "Middlesbrough", "synonyms": ["Boro"]},
        {"name": "Redcar and Cleveland", "synonyms": ["Redcar"]},
    ]
    data["area_wide"] = {"name": "South Tees", "synonyms": ["Both"]}
    data["agencies"] = {
        "names": ["Children's services", "Cleveland Police", "South Tees Hospitals", "Schools", "Other"],
        "synonyms": {"Cleveland Police": ["Police"]},
    }
    return settings_from_toml(data, Path("other.toml"))


CONFIGS = {"HSSCP": SETTINGS, "other partnership": other_partnership()}


def filled_row(dataset: str, settings: Settings) -> dict[str, Any]:
    """One valid row per dataset, as an analyst would type it (real dates; the configuration's choices)."""
    last_locality = settings.localities[-1]
    agency = settings.agencies[1]
    rows: dict[str, dict[str, Any]] = {
        "training_sessions": {
            "session_id": "TS-FILL-1",
            "session_date": date(2024, 1, 15),
            "course_title": "Exploitation: spotting the signs",
            "theme": "Exploitation",
            "delivery_mode": "Virtual",
            "locality": settings.area_wide,
            "places_offered": 30,
            "places_booked": 25,
            "attended": 21,
            "did_not_attend": 4,
            "pre_confidence_avg": 3.1,
            "post_confidence_avg": 4.0,
        },
        "training_attendance": {"session_id": "TS-FILL-1", "agency": agency, "booked": 10, "attended": 9},
        "audits": {
            "audit_id": "MAA-FILL",
            "audit_title": "Neglect",
            "audit_date": date(2024, 2, 1),
            "case_ref": "F-01",
            "locality": last_locality,
            "lead_agency": agency,
            "overall_grade": "Requires improvement",
            "actions_raised": 3,
            "actions_completed": 0,
        },
        "reviews": {
            "review_id": "FIL",
            "locality": last_locality,
            "nature": "Child death",
            "la_aware_date": date(2024, 1, 8),
            "notification_date": date(2024, 1, 10),
            "rr_completed_date": date(2024, 1, 30),
            "rr_outcome": "No further review",
            "rr_extension_agreed": "Yes",
            "panel_response": "Agreed",
            "panel_response_date": date(2024, 2, 20),
        },
        "actions": {
            "action_id": "ACT-FILL",
            "source_type": "Audit",
            "source_ref": "MAA-FILL",
            "action": "Share the learning",
            "lead_agency": agency,
            "locality": last_locality,
            "target_date": date(2024, 6, 30),
            "status": "Not started",
        },
        "partnership_updates": {
            "update_id": "UPD-FILL",
            "quarter": "Q4 2023/24",
            "section": "Key event",
            "title": "Neglect conference",
            "update": "The conference was held for 120 practitioners.",
            "event_date": date(2024, 3, 28),
            "link": "https://example.org/neglect",
        },
        "kpi_commentary": {
            "kpi": "Rapid reviews on time",
            "quarter": "2023-24 Q4",
            "locality": last_locality,
            "commentary": "One review was late.",
            "owner": "Business manager",
        },
    }
    return rows[dataset]


def header(book: Any, dataset: Dataset) -> list[str]:
    return [str(c.value) for c in book[dataset.name][1] if c.value is not None]


def dropdowns(book: Any, sheet_name: str) -> dict[str, list[str]]:
    """Column letter -> the values of the list drop-down covering that column's rows 2 to TEMPLATE_ROWS+1."""
    lists = book["_lists"]
    out: dict[str, list[str]] = {}
    for validation in book[sheet_name].data_validations.dataValidation:
        if validation.type != "list":
            continue
        match = re.fullmatch(r"_lists!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", validation.formula1)
        assert match, validation.formula1
        cells = lists[f"{match[1]}{match[2]}:{match[3]}{match[4]}"]
        values = [str(cell.value) for row in cells for cell in row]
        for cell_range in validation.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(str(cell_range))
            assert (min_row, max_row) == (2, TEMPLATE_ROWS + 1)
            for column in range(min_col, max_col + 1):
                out[get_column_letter(column)] = values
    return out


def fill(template: Path, target: Path, settings: Settings, names: list[str]) -> None:
    """Type one row per dataset into row 2 of its sheet with openpyxl, as a user would."""
    book = load_workbook(template)
    for name in names:
        dataset = DATASETS_BY_NAME[name]
        sheet = book[name]
        columns = [h.rstrip("*") for h in header(book, dataset)]
        for column, value in filled_row(name, settings).items():
            cell = sheet.cell(row=2, column=columns.index(column) + 1)
            if dataset.column(column).kind == "date":
                assert cell.number_format == "DD/MM/YYYY"  # a date cell before and after typing
            cell.value = value
            if dataset.column(column).kind == "date":
                assert cell.number_format == "DD/MM/YYYY"
    book.save(target)


@pytest.fixture(params=list(CONFIGS), scope="module")
def config(request: pytest.FixtureRequest) -> tuple[str, Settings]:
    return request.param, CONFIGS[request.param]


@pytest.fixture(scope="module")
def template(config: tuple[str, Settings], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "template.xlsx", config[1])


def test_every_dataset_sheet_has_the_contracts_headers(template: Path) -> None:
    book = load_workbook(template)
    assert [s.title for s in book.worksheets if s.sheet_state == "visible"] == [
        "Notes",
        *(d.name for d in DATASETS),
    ]
    assert book["_lists"].sheet_state == "hidden"
    for dataset in DATASETS:
        names = header(book, dataset)
        assert [h.rstrip("*") for h in names] == dataset.column_names, dataset.name
        assert [h[:-1] for h in names if h.endswith("*")] == dataset.required, dataset.name
        assert book[dataset.name].freeze_panes == "A2"
        for index, column in enumerate(dataset.columns, start=1):
            if column.kind == "date":
                for row in (2, TEMPLATE_ROWS + 1):
                    assert book[dataset.name].cell(row, index).number_format == "DD/MM/YYYY"


def test_a_drop_down_for_every_choice_column_with_the_configured_values(
    config: tuple[str, Settings], template: Path
) -> None:
    settings = config[1]
    book = load_workbook(template)
    for dataset in DATASETS:
        found = dropdowns(book, dataset.name)
        choice_columns = {
            get_column_letter(i): c
            for i, c in enumerate(dataset.columns, start=1)
            if c.kind in ("choice", "yesno")
        }
        assert set(found) == set(choice_columns), dataset.name
        for letter, column in choice_columns.items():
            wanted = column.allowed_values(settings) if column.kind == "choice" else ["Yes", "No"]
            assert found[letter] == wanted, (dataset.name, column.name)
    if config[0] == "other partnership":
        assert dropdowns(book, "audits")["E"] == ["Middlesbrough", "Redcar and Cleveland"]
        assert dropdowns(book, "actions")["F"] == ["Middlesbrough", "Redcar and Cleveland", "South Tees"]
        assert dropdowns(book, "training_attendance")["B"][1] == "Cleveland Police"
        assert "Hartlepool" not in [v for values in dropdowns(book, "actions").values() for v in values]
        assert dropdowns(book, "kpi_commentary")["C"] == [
            "Middlesbrough",
            "Redcar and Cleveland",
            "South Tees",
            "All localities",
        ]
    commentary_kpis = dropdowns(book, "kpi_commentary")["A"]
    assert "CR02" in commentary_kpis and len(commentary_kpis) == len(set(commentary_kpis)) >= 19
    assert dropdowns(book, "partnership_updates")["C"] == [
        "Work stream",
        "Procedure",
        "Event",
        "Communication",
        "Training programme",
        "Other",
    ]


def test_the_blank_template_loads_with_nothing_stored(
    config: tuple[str, Settings], template: Path, tmp_path: Path
) -> None:
    con = new_database(tmp_path / "pmf.duckdb")
    try:
        before = data_state(con)
        result = load_file(con, template, config[1], uploaded_by="test")
        assert result.report is not None
        assert result.report.errors == [] and result.report.warnings == []
        assert not result.changed and result.upload_id is None
        assert [(c.dataset, c.added, c.replaced, c.unchanged) for c in result.changes] == [
            (d.name, 0, 0, 0) for d in DATASETS
        ]
        assert data_state(con) == before
    finally:
        con.close()


def test_a_filled_in_template_loads_one_row_per_dataset(
    config: tuple[str, Settings], template: Path, tmp_path: Path
) -> None:
    settings = config[1]
    filled = tmp_path / "filled.xlsx"
    fill(template, filled, settings, [d.name for d in DATASETS])
    con = new_database(tmp_path / "pmf.duckdb")
    try:
        result = load_file(con, filled, settings, uploaded_by="test")
        assert result.report is not None
        assert result.report.errors == [] and result.report.warnings == []
        assert [(c.dataset, c.added, c.replaced) for c in result.changes] == [
            (d.name, 1, 0) for d in DATASETS
        ]
        for dataset in DATASETS:
            assert con.execute(f"SELECT count(*) FROM {dataset.name}").fetchall() == [(1,)]
        assert con.execute("SELECT session_date, locality, status FROM training_sessions").fetchall() == [
            (date(2024, 1, 15), settings.area_wide, "Delivered")
        ]
        assert con.execute("SELECT notification_date, locality FROM reviews").fetchall() == [
            (date(2024, 1, 10), settings.localities[-1])
        ]
        assert con.execute(
            "SELECT quarter, section, event_date, link, locality FROM partnership_updates"
        ).fetchall() == [
            ("2023-24 Q4", "Event", date(2024, 3, 28), "https://example.org/neglect", settings.area_wide)
        ]
        assert con.execute("SELECT kpi, quarter, locality, commentary FROM kpi_commentary").fetchall() == [
            ("CR02", "2023-24 Q4", settings.localities[-1], "One review was late.")
        ]
        # Nothing from the Notes sheet's example rows.
        assert con.execute("SELECT count(*) FROM reviews WHERE review_id = 'XYZ'").fetchall() == [(0,)]
    finally:
        con.close()


# --- example rows ------------------------------------------------------------------------------------------


def notes_examples(book: Any) -> dict[str, dict[str, Any]]:
    """The Notes sheet's examples: dataset -> {column: value}, read from the labels and the row under them."""
    rows = list(book["Notes"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == EXAMPLES_HEADING)
    found: dict[str, dict[str, Any]] = {}
    for i in range(start, len(rows)):
        title = rows[i][0]
        if isinstance(title, str) and title.startswith("Example for the "):
            name = title.removeprefix("Example for the ").removesuffix(" sheet")
            labels = [str(v).split(" (column ")[0] for v in rows[i + 1] if v is not None]
            found[name] = dict(zip(labels, rows[i + 2], strict=False))
    return found


def test_the_notes_sheet_shows_an_example_row_per_dataset(
    config: tuple[str, Settings], template: Path
) -> None:
    book = load_workbook(template)
    examples = notes_examples(book)
    assert list(examples) == [d.name for d in DATASETS]
    for dataset in DATASETS:
        assert list(examples[dataset.name]) == dataset.column_names
        assert all(v is not None for v in examples[dataset.name].values()), dataset.name  # every column shown
    notes = book["Notes"]
    dated = [c for row in notes.iter_rows() for c in row if isinstance(c.value, date)]
    assert dated and all(c.number_format == "DD/MM/YYYY" for c in dated)


def test_no_row_of_the_notes_sheet_can_be_taken_for_a_header(template: Path) -> None:
    """The loader finds a header as a row holding a dataset's required columns: the example labels are not."""
    book = load_workbook(template)
    for row in book["Notes"].iter_rows(values_only=True):
        names = {normalise_header(v) for v in row if isinstance(v, str) and v.strip()}
        for dataset in DATASETS:
            assert not {normalise_header(r) for r in dataset.required} <= names, (dataset.name, row)


def test_the_examples_are_valid_rows(config: tuple[str, Settings], template: Path, tmp_path: Path) -> None:
    """Copied into the dataset sheets, the examples load: they show what a correct row looks like."""
    settings = config[1]
    book = load_workbook(template)
    assert notes_examples(book) == _as_read(example_rows(settings))
    for name, values in example_rows(settings).items():
        sheet = book[name]
        columns = [h.rstrip("*") for h in header(book, DATASETS_BY_NAME[name])]
        for column, value in values.items():
            sheet.cell(row=2, column=columns.index(column) + 1, value=value)
    copied = tmp_path / "examples.xlsx"
    book.save(copied)
    con = new_database(tmp_path / "pmf.duckdb")
    try:
        result = load_file(con, copied, settings, uploaded_by="test")
        assert result.report is not None and result.report.warnings == []
        assert [(c.dataset, c.added) for c in result.changes] == [(d.name, 1) for d in DATASETS]
    finally:
        con.close()


def _as_read(examples: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Dates come back from openpyxl as datetimes."""
    return {
        name: {k: datetime(v.year, v.month, v.day) if isinstance(v, date) else v for k, v in values.items()}
        for name, values in examples.items()
    }


# --- one dataset (`pmf template reviews`) -----------------------------------------------------------------


def test_template_bytes_are_the_template_written_to_a_file(tmp_path: Path) -> None:
    """The app's download is made in memory (no temporary file) and holds the same workbook."""
    for names in (None, ["reviews"]):
        in_memory = load_workbook(BytesIO(template_bytes(SETTINGS, names)))
        on_disk = load_workbook(write_template(tmp_path / "template.xlsx", SETTINGS, names))
        assert in_memory.sheetnames == on_disk.sheetnames
        for sheet in on_disk.sheetnames:
            cells = [list(r) for r in on_disk[sheet].iter_rows(values_only=True)]
            assert [list(r) for r in in_memory[sheet].iter_rows(values_only=True)] == cells


def test_a_template_for_one_dataset(tmp_path: Path) -> None:
    path = write_template(tmp_path / "reviews.xlsx", SETTINGS, ["reviews"])
    book = load_workbook(path)
    assert [s.title for s in book.worksheets if s.sheet_state == "visible"] == ["Notes", "reviews"]
    reviews = DATASETS_BY_NAME["reviews"]
    assert [h.rstrip("*") for h in header(book, reviews)] == reviews.column_names
    explained = {r[1] for r in book["Notes"].iter_rows(min_row=6, values_only=True) if r[0] == "reviews"}
    assert set(reviews.column_names) <= explained
    assert list(notes_examples(book)) == ["reviews"]
    found = dropdowns(book, "reviews")
    assert found["B"] == ["Hartlepool", "Stockton-on-Tees"]
    assert found["C"] == ["Child death", "Serious harm", "Other"]
    assert header(book, reviews)[7:12] == [
        "rr_outcome",
        "rr_extension_agreed",
        "panel_response",
        "panel_response_date",
        "lcspr_decision_date",
    ]
    assert found["H"] == [
        "LCSPR",
        "No LCSPR",
        "National review",
        "Notification withdrawn",
        "Alternative learning review",
    ]
    assert found["I"] == ["Yes", "No"]  # rr_extension_agreed
    assert found["J"] == ["Agreed", "Disagreed"]  # panel_response
    notes = {r[1]: r for r in book["Notes"].iter_rows(min_row=6, values_only=True) if r[0] == "reviews"}
    assert notes["rr_extension_agreed"][3:5] == ("Yes or No", "Yes or No (also Y or N); blank means No")
    assert "also accepted as the header: lcspr_start_date, Decision to hold an LCSPR" in str(
        notes["lcspr_decision_date"][4]
    )

    con = new_database(tmp_path / "pmf.duckdb")
    try:
        blank = load_file(con, path, SETTINGS, uploaded_by="test")
        assert blank.report is not None and blank.report.warnings == []
        assert [(c.dataset, c.added) for c in blank.changes] == [("reviews", 0)]  # the example is not loaded
        filled = tmp_path / "reviews-filled.xlsx"
        fill(path, filled, SETTINGS, ["reviews"])
        result = load_file(con, filled, SETTINGS, uploaded_by="test")
        assert [(c.dataset, c.added) for c in result.changes] == [("reviews", 1)]
        assert con.execute(
            "SELECT review_id, rr_outcome, rr_extension_agreed, panel_response, panel_response_date "
            "FROM reviews"
        ).fetchall() == [("FIL", "No LCSPR", True, "Agreed", date(2024, 2, 20))]
    finally:
        con.close()


def test_date_cells_accept_dates_from_the_first_plausible_day(template: Path) -> None:
    book = load_workbook(template)
    found = [v for v in book["training_sessions"].data_validations.dataValidation if v.type == "date"]
    assert {(v.operator, v.formula1) for v in found} == {("greaterThanOrEqual", "36617")}  # 1 April 2000
    assert {v.error for v in found} == {"Enter a date from 1 April 2000, day first (13/11/2023)."}

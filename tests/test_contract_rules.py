"""Every rule of the data contract (docs/upload-format.md), checked through validate_upload.

Rejected cells are checked as the whole Problem the analyst sees: sheet, Excel row number as Excel shows
it, column, value as shown, and the exact reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers.workbooks import (
    ACTION,
    ATTENDANCE,
    AUDIT,
    REVIEW,
    SESSION,
    SETTINGS,
    VALID,
    check,
    check_sheet,
    column_values,
    csv_bytes,
    new_database,
    table,
    the_error,
    with_cached_value,
    xlsx,
)

from dashboard.ingest.load import UploadRejected, load_upload
from dashboard.ingest.upload_report import Problem
from dashboard.ingest.validate import validate_upload

TS = "training_sessions"
NOT_A_DATE = "is not a date: use a date cell, or day/month/year such as 13/11/2023 or 13 November 2023"
AGENCIES = (
    "Children's social care, Early help, Local authority (other), Police, Integrated Care Board, "
    "NHS acute/community, NHS mental health, GP/primary care, School/college, Early years, Probation, "
    "Youth justice, Voluntary and community sector, Other"
)
PERSONAL = (
    "PERSONAL DATA? This column looks like names, dates of birth, NHS numbers or addresses. "
    "It was not stored: remove it from the spreadsheet, the dashboard must not hold it"
)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = new_database(tmp_path / "pmf.duckdb")
    yield connection
    connection.close()


def session_value(column: str, value: Any) -> Any:
    """The stored value of `column` when a one-row training_sessions sheet gives it `value`."""
    return column_values(check_sheet(TS, table(SESSION, {column: value})), TS, column)[0]


def session_problem(column: str, value: Any) -> Problem:
    """The one error when a one-row training_sessions sheet (Excel row 2) gives `column` this value."""
    return the_error(check_sheet(TS, table(SESSION, {column: value})))


# --- every dataset's valid row is valid --------------------------------------------------------------


@pytest.mark.parametrize("dataset", list(VALID))
def test_a_row_with_just_the_required_columns_is_valid(dataset: str) -> None:
    rows = table(VALID[dataset])
    if dataset == "training_attendance":  # with its session, as it would be loaded
        report = check(xlsx({TS: table(SESSION), dataset: rows}))
    else:
        report = check_sheet(dataset, rows)
    assert report.errors == [] and report.warnings == []
    assert len(report.frames[dataset]) == 1


# --- headers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Session ID", "session_id", "SESSION-ID", "Session_ID *", " session id "])
def test_headers_match_ignoring_case_spaces_underscores_hyphens_and_star(header: str) -> None:
    rows: list[list[Any]] = [
        [header, "Session date", "COURSE_TITLE", "Delivery-Mode", "Locality*", "Places booked*", "attended"],
        ["S1", "13/11/2023", "Neglect", "Virtual", "Hartlepool", 10, 8],
    ]
    report = check_sheet(TS, rows)
    assert report.errors == [] and report.warnings == []
    assert column_values(report, TS, "session_id") == ["S1"]
    assert column_values(report, TS, "places_booked") == [10]


def test_title_and_note_rows_above_the_header_are_skipped_and_rows_numbered_as_excel_shows_them() -> None:
    above = [
        ["Training sessions 2023-24"],
        ["session_id", "is the booking reference"],  # a note naming a column: not the header row
        [],
    ]
    rows = table(SESSION, {"session_id": "S1"}, {"session_id": "S2", "attended": "eight"}, above=above)
    report = check_sheet(TS, rows)
    assert report.sheets[0].header_row == 4
    assert report.errors == [Problem(TS, 6, "attended", "eight", "is not a whole number")]


def test_empty_rows_above_the_header_still_count_in_row_numbers() -> None:
    rows = [[], [], *table(SESSION, {"session_id": "S1"}, {"session_id": "S2", "places_booked": "ten"})]
    report = check_sheet(TS, rows)
    assert report.sheets[0].header_row == 3
    assert report.errors == [Problem(TS, 5, "places_booked", "ten", "is not a whole number")]


def test_missing_required_column_is_reported() -> None:
    rows = table({k: v for k, v in SESSION.items() if k != "attended"})
    assert the_error(check_sheet(TS, rows)) == Problem(
        TS, 1, None, "", "no header row with the required columns of training_sessions: missing attended"
    )


def test_missing_required_columns_point_at_the_likeliest_header_row() -> None:
    header = {k: v for k, v in SESSION.items() if k not in ("attended", "locality")}
    report = check_sheet(TS, table(header, above=[["Training sessions"]]))
    assert report.errors == [
        Problem(
            TS,
            2,
            None,
            "",
            "no header row with the required columns of training_sessions: missing locality, attended",
        )
    ]
    assert report.frames == {}


def test_a_column_given_twice_is_reported() -> None:
    rows = table(SESSION, {"Session-ID": "S9"})
    assert the_error(check_sheet(TS, rows)) == Problem(
        TS, 1, "session_id", "Session-ID", "column appears twice (columns A and H)"
    )


# --- rows --------------------------------------------------------------------------------------------


def test_fully_blank_rows_are_skipped_and_later_rows_keep_their_excel_numbers() -> None:
    rows = table(SESSION, {"session_id": "S1"}, {"session_id": "S2"}, {"session_id": "S3", "attended": -2})
    rows.insert(2, [])  # Excel row 3: empty
    rows.insert(3, ["  ", None, "", None])  # Excel row 4: only spaces
    report = check_sheet(TS, rows)
    assert report.errors == [Problem(TS, 6, "attended", "-2", "must be 0 or more")]
    assert report.sheets[0].rows == 3


@pytest.mark.parametrize("label", ["Total", "TOTAL", "Totals", "Total:", " total "])
def test_a_last_row_that_says_total_is_skipped(label: str) -> None:
    rows = table(SESSION, {"session_id": "S1"}, {"session_id": "S2"})
    rows += [[label, None, None, None, None, 20, 16], []]
    report = check_sheet(TS, rows)
    assert report.errors == []
    assert column_values(report, TS, "session_id") == ["S1", "S2"]


def test_a_total_row_that_is_not_the_last_is_data() -> None:
    rows = table(SESSION, {"session_id": "Total"}, {"session_id": "S2"})
    assert column_values(check_sheet(TS, rows), TS, "session_id") == ["Total", "S2"]


def test_formulas_are_read_as_their_cached_values() -> None:
    rows = table(SESSION, {"session_id": '="S"&ROW()', "places_booked": "=40+2", "attended": "=B2*0"})
    data = xlsx({TS: rows})
    data = with_cached_value(data, 1, "A2", "S2", cell_type="str")
    data = with_cached_value(data, 1, "F2", "42")
    data = with_cached_value(data, 1, "G2", "40")
    report = check(data)
    assert column_values(report, TS, "session_id") == ["S2"]
    assert column_values(report, TS, "places_booked") == [42]
    assert column_values(report, TS, "attended") == [40]


# --- columns the contract does not name --------------------------------------------------------------


def test_extra_columns_are_not_stored_and_the_report_says_so() -> None:
    report = check_sheet(TS, table(SESSION, {"Trainer": "A. Smith", "Venue": "Civic centre"}))
    assert report.errors == []
    assert report.warnings == [
        Problem(TS, 1, "Trainer", "", "column is not part of training_sessions: not stored"),
        Problem(TS, 1, "Venue", "", "column is not part of training_sessions: not stored"),
    ]
    assert report.sheets[0].ignored_columns == ["Trainer", "Venue"]
    assert "Trainer" not in report.frames[TS].columns and "Venue" not in report.frames[TS].columns


@pytest.mark.parametrize(
    "header",
    ["Child name", "Name", "DOB", "D.O.B.", "Date of birth", "NHS number", "NHS No", "Address", "Postcode"],
)
def test_a_column_that_looks_like_personal_data_gets_the_loud_warning(header: str) -> None:
    report = check_sheet("audits", table(AUDIT, {header: "x"}))
    assert report.errors == []
    assert report.warnings == [Problem("audits", 1, header, "", PERSONAL)]
    assert list(report.frames["audits"].columns) == [
        "audit_id",
        "audit_title",
        "audit_date",
        "case_ref",
        "locality",
        "lead_agency",
        "age_band",
        "case_level",
        "overall_grade",
        "actions_raised",
        "actions_completed",
        "exec_report_date",
    ]


# --- dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        date(2023, 11, 13),
        datetime(2023, 11, 13),  # a date cell formatted with a time of 00:00
        "2023-11-13",
        "13/11/2023",
        "13 November 2023",
        "13th Nov 2023",
        "13 nov 2023",
        "  13/11/2023 ",
    ],
)
def test_accepted_dates(cell: Any) -> None:
    assert session_value("session_date", cell) == datetime(2023, 11, 13)


def test_dates_are_read_day_first() -> None:
    assert session_value("session_date", "01/05/2024") == datetime(2024, 5, 1)


@pytest.mark.parametrize(
    ("cell", "shown", "reason"),
    [
        ("11/13/2023", "11/13/2023", "is not a real date (dates are read day first: day/month/year)"),
        ("31/02/2024", "31/02/2024", "is not a real date (dates are read day first: day/month/year)"),
        ("13-11-23", "13-11-23", NOT_A_DATE),
        ("tomorrow", "tomorrow", NOT_A_DATE),
        ("Nov 13 2023", "Nov 13 2023", NOT_A_DATE),
        (datetime(2023, 11, 13, 9, 30), "13/11/2023 09:30", "has a time of day: give the date only"),
        ("13/11/2023 09:30", "13/11/2023 09:30", "has a time of day: give the date only"),
        (45243, "45243", NOT_A_DATE),
        (45243.5, "45243.5", NOT_A_DATE),
    ],
)
def test_rejected_dates(cell: Any, shown: str, reason: str) -> None:
    assert session_problem("session_date", cell) == Problem(TS, 2, "session_date", shown, reason)


# --- whole numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", [12, 12.0, "12", " 12 ", "12.0"])
def test_accepted_whole_numbers(cell: Any) -> None:
    assert session_value("places_booked", cell) == 12


@pytest.mark.parametrize(
    ("cell", "shown", "reason"),
    [
        (12.5, "12.5", "is not a whole number"),
        ("12.5", "12.5", "is not a whole number"),
        ("ten", "ten", "is not a whole number"),
        (-1, "-1", "must be 0 or more"),
        ("-1", "-1", "must be 0 or more"),
    ],
)
def test_rejected_whole_numbers(cell: Any, shown: str, reason: str) -> None:
    assert session_problem("places_booked", cell) == Problem(TS, 2, "places_booked", shown, reason)


def test_a_blank_optional_number_is_unknown_not_zero() -> None:
    report = check_sheet(TS, table(SESSION, {"places_offered": None, "did_not_attend": "  "}))
    assert column_values(report, TS, "places_offered") == [None]
    assert column_values(report, TS, "did_not_attend") == [None]


@pytest.mark.parametrize("cell", [None, "   "])
def test_a_blank_required_cell_is_an_error(cell: Any) -> None:
    rows = table(SESSION, {"session_id": "S1"}, {"session_id": "S2", "attended": cell})
    assert the_error(check_sheet(TS, rows)) == Problem(TS, 3, "attended", "", "is required but blank")


@pytest.mark.parametrize(("cell", "shown"), [(0.5, "0.5"), (5.5, "5.5"), ("six", None)])
def test_confidence_averages_are_numbers_from_1_to_5(cell: Any, shown: str | None) -> None:
    reason = "is not a number" if shown is None else "must be between 1 and 5"
    assert session_problem("post_confidence_avg", cell) == Problem(
        TS, 2, "post_confidence_avg", shown or str(cell), reason
    )
    assert session_value("post_confidence_avg", "4.25") == 4.25


# --- choices -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("Hartlepool", "Hartlepool"),
        ("  hartlepool ", "Hartlepool"),
        ("Stockton-on-Tees", "Stockton-on-Tees"),
        ("Stockton on Tees", "Stockton-on-Tees"),
        ("Stockton", "Stockton-on-Tees"),
        ("STOCKTON-ON-TEES", "Stockton-on-Tees"),
        ("Teeswide", "Teeswide"),
        ("Both", "Teeswide"),
        ("Tees-wide", "Teeswide"),
        ("Hartlepool and Stockton", "Teeswide"),
        ("hartlepool  and  stockton", "Teeswide"),
    ],
)
def test_locality_spellings(cell: str, stored: str) -> None:
    assert session_value("locality", cell) == stored


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("Face to face", "Face to face"),
        ("Face-to-face", "Face to face"),
        ("F2F", "Face to face"),
        ("In person", "Face to face"),
        ("Classroom", "Face to face"),
        ("Virtual", "Virtual"),
        ("Online", "Virtual"),
        ("Teams", "Virtual"),
        ("Zoom", "Virtual"),
        ("Virtual live", "Virtual"),
        ("E-learning", "E-learning"),
        ("eLearning", "E-learning"),
        ("Online course", "E-learning"),
        (" ONLINE COURSE ", "E-learning"),
    ],
)
def test_delivery_mode_spellings(cell: str, stored: str) -> None:
    assert session_value("delivery_mode", cell) == stored


@pytest.mark.parametrize(
    ("cell", "stored"), [("", "Delivered"), (None, "Delivered"), ("cancelled", "Cancelled")]
)
def test_status_is_delivered_when_blank(cell: Any, stored: str) -> None:
    assert session_value("status", cell) == stored


@pytest.mark.parametrize(("cell", "stored"), [("RI", "Requires improvement"), ("ri", "Requires improvement")])
def test_overall_grade_ri(cell: str, stored: str) -> None:
    report = check_sheet("audits", table(AUDIT, {"overall_grade": cell}))
    assert column_values(report, "audits", "overall_grade") == [stored]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("Fatal", "Child death"), ("Death", "Child death"), ("Non-fatal", "Serious harm"), ("other", "Other")],
)
def test_nature_synonyms(cell: str, stored: str) -> None:
    report = check_sheet("reviews", table(REVIEW, {"nature": cell}))
    assert column_values(report, "reviews", "nature") == [stored]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("CSC", "Children's social care"),
        ("Children\u2019s social care", "Children's social care"),
        ("icb", "Integrated Care Board"),
    ],
)
def test_agency_synonyms_and_a_curly_apostrophe(cell: str, stored: str) -> None:
    report = check_sheet("actions", table(ACTION, {"lead_agency": cell}))
    assert column_values(report, "actions", "lead_agency") == [stored]


def test_an_age_band_excel_turned_into_a_date_is_read_as_typed() -> None:
    # Typing 1-4 into a General cell makes it 1 April of the current year.
    report = check_sheet("audits", table(AUDIT, {"age_band": date(2024, 4, 1)}))
    assert column_values(report, "audits", "age_band") == ["1-4"]


# Every choice column and its allowed values, as the contract lists them.
CHOICES = [
    (TS, "delivery_mode", "Face to face, Virtual, E-learning"),
    (TS, "locality", "Hartlepool, Stockton-on-Tees, Teeswide"),
    (TS, "status", "Delivered, Cancelled"),
    ("training_attendance", "agency", AGENCIES),
    ("audits", "locality", "Hartlepool, Stockton-on-Tees"),
    ("audits", "lead_agency", AGENCIES),
    ("audits", "age_band", "Under 1, 1-4, 5-9, 10-15, 16-17"),
    ("audits", "case_level", "Early help, Child in need, Child protection, Looked after, Other"),
    ("audits", "overall_grade", "Outstanding, Good, Requires improvement, Inadequate"),
    ("reviews", "locality", "Hartlepool, Stockton-on-Tees"),
    ("reviews", "nature", "Child death, Serious harm, Other"),
    ("reviews", "harm_type", "Abuse, Neglect, Abuse and neglect"),
    (
        "reviews",
        "rr_outcome",
        "LCSPR, No LCSPR, National review, Notification withdrawn, Alternative learning review",
    ),
    ("reviews", "panel_response", "Agreed, Disagreed"),
    ("actions", "source_type", "LCSPR, Rapid review, Audit, National review, Other"),
    ("actions", "lead_agency", AGENCIES),
    ("actions", "locality", "Hartlepool, Stockton-on-Tees, Teeswide"),
    ("actions", "status", "Not started, On track, At risk, Complete"),
]


@pytest.mark.parametrize(("dataset", "column", "allowed"), CHOICES)
def test_an_unknown_choice_is_rejected_with_the_allowed_values(
    dataset: str, column: str, allowed: str
) -> None:
    sheets = {dataset: table(VALID[dataset], {column: "Something else"})}
    if dataset == "training_attendance":
        sheets[TS] = table(SESSION)
    assert the_error(check(xlsx(sheets))) == Problem(
        dataset, 2, column, "Something else", "is not one of: " + allowed
    )


@pytest.mark.parametrize(("dataset", "column", "allowed"), CHOICES)
def test_every_allowed_choice_is_accepted_in_any_case(dataset: str, column: str, allowed: str) -> None:
    values = allowed.split(", ")
    key = next(iter(VALID[dataset]))  # one row per value, each with its own key
    changes: list[dict[str, Any]] = []
    for n, value in enumerate(values):
        change: dict[str, Any] = {column: f" {value.upper()} "}
        if dataset != "training_attendance":  # there the agency is part of the key already
            change[key] = f"K{n}"
        if column == "rr_outcome":  # an outcome needs its rapid review
            change["rr_completed_date"] = "01/02/2024"
        if dataset == "actions" and column == "status" and value == "Complete":
            change["completed_date"] = "01/03/2024"
        changes.append(change)
    sheets = {dataset: table(VALID[dataset], *changes)}
    if dataset == "training_attendance":
        sheets[TS] = table(SESSION)
    assert column_values(check(xlsx(sheets)), dataset, column) == values


@pytest.mark.parametrize(
    ("dataset", "cell"), [("audits", "Teeswide"), ("audits", "Both"), ("reviews", "Tees-wide")]
)
def test_audits_and_reviews_belong_to_one_locality(dataset: str, cell: str) -> None:
    report = check_sheet(dataset, table(VALID[dataset], {"locality": cell}))
    assert the_error(report) == Problem(
        dataset, 2, "locality", cell, "is not one of: Hartlepool, Stockton-on-Tees"
    )


# --- spaces ------------------------------------------------------------------------------------------


def test_leading_and_trailing_spaces_are_trimmed_everywhere() -> None:
    rows = [
        [
            "  session_id ",
            " session_date",
            "course_title  ",
            " delivery_mode ",
            "locality",
            "places_booked",
            "attended",
            "theme",
        ],
        [
            "  S1  ",
            " 13/11/2023 ",
            "  Neglect: the basics ",
            " Virtual ",
            "  Both ",
            " 10 ",
            " 8 ",
            "\u00a0Neglect\u00a0",
        ],
    ]
    report = check_sheet(TS, rows)
    frame = report.frames[TS]
    assert report.errors == []
    assert frame.loc[0, "session_id"] == "S1"
    assert frame.loc[0, "course_title"] == "Neglect: the basics"
    assert frame.loc[0, "theme"] == "Neglect"
    assert frame.loc[0, "delivery_mode"] == "Virtual"
    assert frame.loc[0, "locality"] == "Teeswide"
    assert (frame.loc[0, "places_booked"], frame.loc[0, "attended"]) == (10, 8)
    assert frame.loc[0, "session_date"] == datetime(2023, 11, 13)


def test_keys_that_differ_only_by_spaces_are_the_same_key() -> None:
    rows = table(SESSION, {"session_id": "S1"}, {"session_id": " S1 "})
    assert the_error(check_sheet(TS, rows)) == Problem(
        TS, 3, "session_id", "S1", "repeats the key of row 2 (session_id S1): each row needs its own key"
    )


# --- rules between cells and rows --------------------------------------------------------------------


def test_did_not_attend_at_most_places_booked() -> None:
    rows = table(
        SESSION, {"session_id": "S1", "did_not_attend": 10}, {"session_id": "S2", "did_not_attend": 11}
    )
    assert the_error(check_sheet(TS, rows)) == Problem(
        TS, 3, "did_not_attend", "11", "is more than places_booked (10)"
    )


def test_actions_completed_at_most_actions_raised() -> None:
    rows = table(
        AUDIT,
        {"case_ref": "C1", "actions_raised": 3, "actions_completed": 3},
        {"case_ref": "C2", "actions_raised": 2, "actions_completed": 3},
        {"case_ref": "C3", "actions_raised": None, "actions_completed": 3},  # raised unknown: cannot say
    )
    assert the_error(check_sheet("audits", rows)) == Problem(
        "audits", 3, "actions_completed", "3", "is more than actions_raised (2)"
    )


def test_one_audit_has_one_title_and_one_date() -> None:
    rows = table(
        AUDIT,
        {"case_ref": "C1"},
        {
            "case_ref": "C2",
            "audit_title": " Neglect ",
            "audit_date": date(2023, 9, 1),
        },  # the same, written otherwise
        {"case_ref": "C3", "audit_title": "Exploitation"},
        {"case_ref": "C4", "audit_date": "02/09/2023"},
        {"audit_id": "AUD2", "case_ref": "C1", "audit_title": "Exploitation", "audit_date": "02/09/2023"},
    )
    assert check_sheet("audits", rows).errors == [
        Problem(
            "audits",
            4,
            "audit_title",
            "Exploitation",
            "differs from row 2 of the same audit_id AUD1 (Neglect): one audit has one title",
        ),
        Problem(
            "audits",
            5,
            "audit_date",
            "02/09/2023",
            "differs from row 2 of the same audit_id AUD1 (01/09/2023): one audit has one date",
        ),
    ]


def test_notification_not_before_the_local_authority_was_aware() -> None:
    rows = table(
        REVIEW,
        {"review_id": "R1", "la_aware_date": "10/01/2024"},  # the same day is fine
        {"review_id": "R2", "la_aware_date": "11/01/2024"},
    )
    assert the_error(check_sheet("reviews", rows)) == Problem(
        "reviews", 3, "notification_date", "10/01/2024", "is before la_aware_date (11/01/2024)"
    )


def test_rapid_review_not_before_the_notification() -> None:
    rows = table(REVIEW, {"rr_completed_date": "2024-01-09", "rr_outcome": "No LCSPR"})
    assert the_error(check_sheet("reviews", rows)) == Problem(
        "reviews", 2, "rr_completed_date", "09/01/2024", "is before notification_date (10/01/2024)"
    )


def test_rr_outcome_required_when_the_rapid_review_is_complete() -> None:
    rows = table(REVIEW, {"review_id": "R1"}, {"review_id": "R2", "rr_completed_date": "31/01/2024"})
    assert the_error(check_sheet("reviews", rows)) == Problem(
        "reviews", 3, "rr_outcome", "", "is required when rr_completed_date is set"
    )


def test_lcspr_decision_date_only_when_the_outcome_is_lcspr() -> None:
    done = {"rr_completed_date": "31/01/2024"}
    rows = table(
        REVIEW,
        {"review_id": "R1", **done, "rr_outcome": "LCSPR", "lcspr_decision_date": "15/02/2024"},
        {"review_id": "R2", **done, "rr_outcome": "National review", "lcspr_decision_date": "15/02/2024"},
        {"review_id": "R3", "lcspr_decision_date": "15/02/2024"},
    )
    reason = "must be blank unless rr_outcome is LCSPR"
    assert check_sheet("reviews", rows).errors == [
        Problem("reviews", 3, "lcspr_decision_date", "15/02/2024", reason),
        Problem("reviews", 4, "lcspr_decision_date", "15/02/2024", reason),
    ]


LCSPR = {"rr_completed_date": "31/01/2024", "rr_outcome": "LCSPR", "lcspr_decision_date": "15/02/2024"}


@pytest.mark.parametrize("column", ["lcspr_published_date", "final_report_date"])
def test_lcspr_report_and_publication_not_before_the_decision(column: str) -> None:
    rows = table(
        REVIEW,
        {"review_id": "R1", **LCSPR, column: "15/02/2024"},
        {"review_id": "R2", **LCSPR, column: "14 February 2024"},
    )
    assert the_error(check_sheet("reviews", rows)) == Problem(
        "reviews", 3, column, "14/02/2024", "is before lcspr_decision_date (15/02/2024)"
    )


def test_panel_response_not_before_the_rapid_review() -> None:
    done = {"rr_completed_date": "31/01/2024", "rr_outcome": "No LCSPR", "panel_response": "Agreed"}
    rows = table(
        REVIEW,
        {"review_id": "R1", **done, "panel_response_date": "31/01/2024"},
        {"review_id": "R2", **done, "panel_response_date": "30/01/2024"},
    )
    assert the_error(check_sheet("reviews", rows)) == Problem(
        "reviews", 3, "panel_response_date", "30/01/2024", "is before rr_completed_date (31/01/2024)"
    )


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("No further review", "No LCSPR"),
        ("learning taken forward", "No LCSPR"),
        ("Referred for national review", "National review"),
        ("Withdrawn", "Notification withdrawn"),
        ("Criteria not met", "Notification withdrawn"),
        ("alternative learning review", "Alternative learning review"),
    ],
)
def test_rapid_review_outcome_synonyms(cell: str, stored: str) -> None:
    rows = table(REVIEW, {"rr_completed_date": "31/01/2024", "rr_outcome": cell})
    assert column_values(check_sheet("reviews", rows), "reviews", "rr_outcome") == [stored]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("Yes", True), (" y ", True), ("YES", True), (True, True), ("No", False), ("n", False), (None, False)],
)
def test_rr_extension_agreed_is_yes_or_no_and_blank_is_no(cell: Any, stored: bool) -> None:
    rows = table(REVIEW, {"rr_extension_agreed": cell})
    assert column_values(check_sheet("reviews", rows), "reviews", "rr_extension_agreed") == [stored]


# Each new reviews column with a bad value: the one error, at its row, in its words.
NEW_REVIEW_COLUMNS = [
    ("rr_extension_agreed", "Maybe", "Maybe", "is not one of: Yes, No"),
    ("rr_extension_agreed", 1, "1", "is not one of: Yes, No"),
    ("panel_response", "Accepted", "Accepted", "is not one of: Agreed, Disagreed"),
    (
        "panel_response_date",
        "31/02/2024",
        "31/02/2024",
        "is not a real date (dates are read day first: day/month/year)",
    ),
    ("lcspr_decision_date", "soon", "soon", NOT_A_DATE),
    ("final_report_date", "next week", "next week", NOT_A_DATE),
    (
        "publication_delay_reason",
        "x" * 1001,
        "x" * 79 + "…",
        "is longer than 1,000 characters (1,001): shorten it",
    ),
]


@pytest.mark.parametrize(("column", "cell", "shown", "reason"), NEW_REVIEW_COLUMNS)
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_bad_value_in_a_new_reviews_column_is_an_error_at_its_row(
    kind: str, column: str, cell: Any, shown: str, reason: str
) -> None:
    done = {"rr_completed_date": "31/01/2024", "rr_outcome": "LCSPR"}
    rows = table(REVIEW, {"review_id": "R1", **done}, {"review_id": "R2", **done, column: cell})
    report = check(xlsx({"reviews": rows})) if kind == "xlsx" else check(csv_bytes(rows), "reviews.csv")
    assert the_error(report) == Problem("reviews", 3, column, shown, reason)


@pytest.mark.parametrize("header", ["lcspr_start_date", "Decision to hold an LCSPR", "LCSPR decision date*"])
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_old_lcspr_start_date_header_is_read_as_lcspr_decision_date(kind: str, header: str) -> None:
    rows = table(REVIEW, {"rr_completed_date": "31/01/2024", "rr_outcome": "LCSPR", header: "15/02/2024"})
    report = check(xlsx({"reviews": rows})) if kind == "xlsx" else check(csv_bytes(rows), "reviews.csv")
    assert report.warnings == []
    assert column_values(report, "reviews", "lcspr_decision_date") == [datetime(2024, 2, 15)]


def test_the_old_lcspr_start_date_header_follows_the_lcspr_rule() -> None:
    rows = table(
        REVIEW,
        {"rr_completed_date": "31/01/2024", "rr_outcome": "No LCSPR", "lcspr_start_date": "15/02/2024"},
    )
    assert the_error(check_sheet("reviews", rows)) == Problem(
        "reviews", 2, "lcspr_decision_date", "15/02/2024", "must be blank unless rr_outcome is LCSPR"
    )


def test_the_decision_date_under_its_new_and_old_header_is_a_column_twice() -> None:
    rows = table(REVIEW, {"lcspr_decision_date": None, "lcspr_start_date": None})
    assert the_error(check_sheet("reviews", rows)) == Problem(
        "reviews", 1, "lcspr_decision_date", "lcspr_start_date", "column appears twice (columns E and F)"
    )


def test_every_new_reviews_column_is_stored(con: duckdb.DuckDBPyConnection) -> None:
    rows = table(
        REVIEW,
        {
            **LCSPR,
            "rr_extension_agreed": "Y",
            "panel_response": "disagreed",
            "panel_response_date": "28/02/2024",
            "final_report_date": "01/08/2024",
            "lcspr_published_date": "30/09/2024",
            "publication_delay_reason": "Parallel criminal proceedings",
        },
    )
    load_upload(con, check_sheet("reviews", rows), "tester")
    stored = con.execute(
        "SELECT rr_outcome, rr_extension_agreed, panel_response, panel_response_date, lcspr_decision_date, "
        "final_report_date, lcspr_published_date, publication_delay_reason FROM reviews"
    ).fetchall()
    assert stored == [
        (
            "LCSPR",
            True,
            "Disagreed",
            date(2024, 2, 28),
            date(2024, 2, 15),
            date(2024, 8, 1),
            date(2024, 9, 30),
            "Parallel criminal proceedings",
        )
    ]


def test_completed_date_required_when_the_action_is_complete() -> None:
    rows = table(
        ACTION,
        {"action_id": "A1", "status": "Complete", "completed_date": "01/03/2024"},
        {"action_id": "A2", "status": "Complete"},
    )
    assert the_error(check_sheet("actions", rows)) == Problem(
        "actions", 3, "completed_date", "", "is required when status is Complete"
    )


def test_completed_date_only_when_the_action_is_complete() -> None:
    # Not written in the contract: the KPIs read completed_date as "completed", so an open action with
    # one would count as done. See the report to the lead engineer.
    rows = table(ACTION, {"status": "On track", "completed_date": "01/03/2024"})
    assert the_error(check_sheet("actions", rows)) == Problem(
        "actions", 2, "completed_date", "01/03/2024", "must be blank unless status is Complete"
    )


def test_a_key_repeated_within_an_upload() -> None:
    rows = table(SESSION, {"session_id": "S1"}, {"session_id": "S2"}, {"session_id": "S1"})
    assert the_error(check_sheet(TS, rows)) == Problem(
        TS, 4, "session_id", "S1", "repeats the key of row 2 (session_id S1): each row needs its own key"
    )


def test_a_two_column_key_repeated_within_an_upload() -> None:
    rows = table(ATTENDANCE, {"agency": "Police"}, {"agency": "Probation"}, {"agency": "police"})
    report = check(xlsx({TS: table(SESSION), "training_attendance": rows}))
    assert the_error(report) == Problem(
        "training_attendance",
        4,
        "agency",
        "Police",
        "repeats the key of row 2 (session_id S1, agency Police): each row needs its own key",
    )


def test_a_key_repeated_on_another_sheet_of_the_same_dataset() -> None:
    # Sessions kept on one sheet per quarter: the sheets are recognised from their headers.
    q1 = table(SESSION, {"session_id": "S1"}, {"session_id": "S2"})
    q2 = table(SESSION, {"session_id": "S3"}, {"session_id": "S2"})
    report = check(xlsx({"Q1": q1, "Q2": q2}))
    assert the_error(report) == Problem(
        "Q2", 3, "session_id", "S2", "repeats the key of Q1 row 3 (session_id S2): each row needs its own key"
    )


def test_attendance_names_a_session_stored_or_in_the_same_upload(con: duckdb.DuckDBPyConnection) -> None:
    load_upload(con, check(xlsx({TS: table(SESSION, {"session_id": "S1"})})), "analyst")
    both = xlsx(
        {
            TS: table(SESSION, {"session_id": "S2"}),
            "training_attendance": table(
                ATTENDANCE,
                {"session_id": "S1"},
                {"session_id": "S2"},
                {"session_id": "S3"},
                {"session_id": "S4"},
            ),
        }
    )
    report = check(both)
    assert report.errors == []  # only the database can tell
    with pytest.raises(UploadRejected) as rejected:
        load_upload(con, report, "analyst")
    assert rejected.value.report.errors == [
        Problem(
            "training_attendance", 4, "session_id", "S3", "is not a training session stored or in this upload"
        ),
        Problem(
            "training_attendance", 5, "session_id", "S4", "is not a training session stored or in this upload"
        ),
    ]
    assert con.execute("SELECT session_id FROM training_sessions").fetchall() == [("S1",)]
    assert con.execute("SELECT count(*) FROM training_attendance").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM uploads").fetchall() == [(1,)]
    # Without the strangers, S1 (stored) and S2 (in the same upload) are both fine.
    fine = xlsx(
        {
            TS: table(SESSION, {"session_id": "S2"}),
            "training_attendance": table(ATTENDANCE, {"session_id": "S1"}, {"session_id": "S2"}),
        }
    )
    load_upload(con, check(fine), "analyst")
    assert con.execute("SELECT session_id FROM training_attendance ORDER BY 1").fetchall() == [
        ("S1",),
        ("S2",),
    ]


# --- all or nothing ----------------------------------------------------------------------------------


def test_every_error_of_every_sheet_is_reported_at_once_and_nothing_is_stored(
    con: duckdb.DuckDBPyConnection,
) -> None:
    data = xlsx(
        {
            TS: table(
                SESSION,
                {"session_id": "S1"},
                {"session_id": "S2", "session_date": "31/11/2023", "delivery_mode": "Webinar"},
            ),
            "audits": table(AUDIT, {"case_ref": "C1"}, {"case_ref": "C2", "overall_grade": None}),
            "reviews": table(REVIEW),  # good
            "actions": table(ACTION, {"target_date": "soon"}, above=[["Learning action plan"]]),
        }
    )
    report = check(data)
    assert report.errors == [
        Problem("actions", 3, "target_date", "soon", NOT_A_DATE),
        Problem("audits", 3, "overall_grade", "", "is required but blank"),
        Problem(
            TS,
            3,
            "session_date",
            "31/11/2023",
            "is not a real date (dates are read day first: day/month/year)",
        ),
        Problem(TS, 3, "delivery_mode", "Webinar", "is not one of: Face to face, Virtual, E-learning"),
    ]
    assert report.frames == {}
    with pytest.raises(UploadRejected, match="4 error"):
        load_upload(con, report, "analyst")
    for name in VALID:
        assert con.execute(f'SELECT count(*) FROM "{name}"').fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM uploads").fetchall() == [(0,)]


def test_one_bad_row_in_one_sheet_stores_nothing_from_the_good_sheets(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            TS: table(SESSION, {"session_id": "S1"}, {"session_id": "S2"}),
            "reviews": table(REVIEW, {"review_id": "R1"}, {"review_id": "R2", "locality": "Middlesbrough"}),
            "actions": table(ACTION),
        }
    )
    report = check(data)
    assert report.errors == [
        Problem("reviews", 3, "locality", "Middlesbrough", "is not one of: Hartlepool, Stockton-on-Tees")
    ]
    with pytest.raises(UploadRejected):
        load_upload(con, report, "analyst")
    assert [con.execute(f'SELECT count(*) FROM "{n}"').fetchall()[0][0] for n in VALID] == [0] * len(VALID)


# --- CSV files ---------------------------------------------------------------------------------------


def test_a_csv_is_recognised_from_its_headers() -> None:
    report = check(csv_bytes(table(REVIEW, {"nature": "Fatal"})), "export 2024-01.csv")
    assert report.errors == []
    assert report.sheets[0].dataset == "reviews"
    assert column_values(report, "reviews", "nature") == ["Child death"]


def test_a_csv_named_after_its_dataset() -> None:
    rows = table(ATTENDANCE, {"course_title": "x", "session_date": "1/1/2024"})  # could be sessions too
    report = check(csv_bytes(rows), "Training attendance.csv")
    assert report.sheets[0].dataset == "training_attendance"


def test_a_csv_that_could_be_two_datasets_asks_which() -> None:
    rows = table({**SESSION, "agency": "Police", "booked": 4})
    data = csv_bytes(rows)
    assert check(data, "export.csv").errors == [
        Problem(
            "export",
            None,
            None,
            "",
            "could be training_sessions or training_attendance: name the file after its dataset, "
            "or choose the dataset when uploading",
        )
    ]
    chosen = check(data, "export.csv", dataset="training_attendance")
    assert chosen.errors == []
    assert list(chosen.frames) == ["training_attendance"]
    assert column_values(chosen, "training_attendance", "booked") == [4]


def test_a_csv_of_no_known_dataset() -> None:
    data = csv_bytes([["Name", "Score"], ["x", 1]])
    assert check(data, "scores.csv").errors == [
        Problem(
            "scores",
            None,
            None,
            "",
            "is not a known dataset: name the file after one of training_sessions, training_attendance, "
            "audits, reviews, actions, partnership_updates, kpi_commentary, or give it that dataset's required "
            "columns",
        )
    ]


def test_a_csv_saved_by_excel_on_windows_cp1252() -> None:
    title = "Caf\u00e9 \u2018Neglect\u2019 \u2013 the basics \u00a3"
    data = csv_bytes(table(SESSION, {"course_title": title}), encoding="cp1252")
    assert b"\x92" in data  # really cp1252, not UTF-8
    assert column_values(check(data, "sessions export.csv"), TS, "course_title") == [title]


def test_a_csv_with_a_byte_order_mark() -> None:
    data = csv_bytes(table(SESSION), encoding="utf-8-sig")
    assert column_values(check(data, "export.csv"), TS, "session_id") == ["S1"]


def test_a_semicolon_separated_csv() -> None:
    rows = table(SESSION, {"course_title": "Neglect, the basics", "pre_confidence_avg": "3.5"})
    report = check(csv_bytes(rows, delimiter=";"), "export.csv")
    assert column_values(report, TS, "course_title") == ["Neglect, the basics"]
    assert column_values(report, TS, "pre_confidence_avg") == [3.5]


def test_a_semicolon_separated_csv_with_a_title_row() -> None:
    rows = table(
        SESSION,
        {"session_id": "S1"},
        {"session_id": "S2", "attended": "x"},
        above=[["Training sessions"], []],
    )
    report = check(csv_bytes(rows, delimiter=";"), "export.csv")
    assert report.errors == [Problem("export", 5, "attended", "x", "is not a whole number")]


def test_a_comma_separated_csv_with_semicolons_in_its_text() -> None:
    rows = table(SESSION, {"course_title": "Neglect; the basics"}, above=[["Note: one row; one session"]])
    report = check(csv_bytes(rows), "export.csv")
    assert column_values(report, TS, "course_title") == ["Neglect; the basics"]


def test_a_csv_row_numbers_are_its_line_numbers() -> None:
    rows = table(SESSION, {"session_id": "S1"}, {"session_id": "S2", "session_date": "2023-13-01"})
    rows.insert(2, [])
    report = check(csv_bytes(rows), "export.csv")
    assert report.errors == [
        Problem(
            "export",
            4,
            "session_date",
            "2023-13-01",
            "is not a real date (dates are read day first: day/month/year)",
        )
    ]


# --- sheets ------------------------------------------------------------------------------------------


def test_a_sheet_named_by_its_dataset_title() -> None:
    report = check(xlsx({"Training sessions": table(SESSION)}))
    assert report.sheets[0].dataset == TS


def test_a_sheet_not_named_as_a_dataset_is_recognised_from_its_headers() -> None:
    report = check(xlsx({"Sheet1": table(AUDIT, above=[["Audits 2023"]]), "reviews": table(REVIEW)}))
    assert report.errors == [] and report.warnings == []
    assert [(s.sheet, s.dataset) for s in report.sheets] == [("Sheet1", "audits"), ("reviews", "reviews")]


def test_an_unknown_sheet_of_a_workbook_is_ignored_with_a_warning_and_notes_silently() -> None:
    data = xlsx(
        {
            "Notes": [["How to fill in this workbook"], ["One row per session"]],
            TS: table(SESSION),
            "Lookups": [["Localities"], ["Hartlepool"], ["Stockton-on-Tees"]],
            "Empty": [],
        }
    )
    report = check(data)
    assert report.errors == []
    assert report.warnings == [
        Problem("Lookups", None, None, "", "sheet ignored: it is not one of the datasets")
    ]
    assert list(report.frames) == [TS]


def test_hidden_sheets_are_ignored_silently() -> None:
    # A template's drop-down lists live on a hidden sheet.
    data = xlsx({"_lists": [["Localities"], ["Hartlepool"]], "reviews": table(REVIEW)}, hidden=["_lists"])
    report = check(data)
    assert report.errors == [] and report.warnings == []
    assert list(report.frames) == ["reviews"]


def test_a_chosen_dataset_is_for_the_sheet_the_workbook_does_not_name() -> None:
    ambiguous = table({**SESSION, "agency": "Police", "booked": 4})
    data = xlsx(
        {"Notes": [["One row per session and agency"]], "Sheet1": ambiguous, "reviews": table(REVIEW)}
    )
    assert check(data).errors == [
        Problem(
            "Sheet1",
            None,
            None,
            "",
            "could be training_sessions or training_attendance: name the sheet after its dataset, "
            "or choose the dataset when uploading",
        )
    ]
    chosen = check(data, dataset="training_attendance")
    assert chosen.errors == [] and chosen.warnings[0].sheet == "Sheet1"
    assert sorted(chosen.frames) == ["reviews", "training_attendance"]


def test_a_single_sheet_of_no_known_dataset_is_an_error() -> None:
    assert check(xlsx({"Sheet1": [["Name", "Score"], ["x", 1]]})).errors == [
        Problem(
            "Sheet1",
            None,
            None,
            "",
            "is not a known dataset: name the sheet after one of training_sessions, training_attendance, "
            "audits, reviews, actions, partnership_updates, kpi_commentary, or give it that dataset's required "
            "columns",
        )
    ]


def test_a_file_that_is_not_a_workbook() -> None:
    assert (
        check(b"not a zip", "upload.xlsx")
        .errors[0]
        .reason.startswith("upload.xlsx could not be read as an Excel workbook")
    )
    assert check(b"", "upload.xls").errors == [
        Problem("upload.xls", None, None, "", "upload.xls is not an .xlsx workbook or a .csv file.")
    ]


# --- dates outside a plausible window (issue 10, item 5) ---------------------------------------------


def _long(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def test_a_date_far_in_the_future_or_past_is_an_error_at_its_row() -> None:
    latest = SETTINGS.latest_date
    window = f"is not a plausible date (expected 1 April 2000 to {_long(latest)})"
    rows = table(
        SESSION,
        {"session_id": "S1", "session_date": "13/11/9999"},
        {"session_id": "S2", "session_date": "13/11/2203"},
        {"session_id": "S3", "session_date": datetime(1999, 12, 31)},
        {"session_id": "S4", "session_date": "31/03/2000"},
        {"session_id": "S5", "session_date": "01/04/2000"},  # the first plausible day
        {"session_id": "S6", "session_date": latest},  # the last
        {"session_id": "S7", "session_date": latest + timedelta(days=1)},
    )
    assert check_sheet(TS, rows).errors == [
        Problem(TS, 2, "session_date", "13/11/9999", window),
        Problem(TS, 3, "session_date", "13/11/2203", window),
        Problem(TS, 4, "session_date", "31/12/1999", window),
        Problem(TS, 5, "session_date", "31/03/2000", window),
        Problem(TS, 8, "session_date", (latest + timedelta(days=1)).strftime("%d/%m/%Y"), window),
    ]


@pytest.mark.parametrize(
    ("dataset", "column"),
    [
        ("audits", "exec_report_date"),
        ("reviews", "final_report_date"),
        ("actions", "target_date"),
    ],
)
def test_every_date_column_has_the_window(dataset: str, column: str) -> None:
    report = check_sheet(dataset, table(VALID[dataset], {column: "01/01/2203"}))
    assert the_error(report).reason.startswith("is not a plausible date (expected 1 April 2000 to ")


def test_the_window_comes_from_the_configuration() -> None:
    settings = replace(SETTINGS, earliest_date=date(2010, 1, 1), latest_years_ahead=5)
    rows = table(SESSION, {"session_id": "S1", "session_date": "31/12/2009"})
    report = validate_upload(xlsx({TS: rows}), "upload.xlsx", settings)
    expected = f"is not a plausible date (expected 1 January 2010 to {_long(settings.latest_date)})"
    assert the_error(report) == Problem(TS, 2, "session_date", "31/12/2009", expected)
    far = date.today().replace(day=1) + timedelta(days=3 * 365)
    assert (
        validate_upload(xlsx({TS: table(SESSION, {"session_date": far})}), "upload.xlsx", settings).errors
        == []
    )

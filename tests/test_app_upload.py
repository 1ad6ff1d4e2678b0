"""The analysts' Upload page in AppTest: errors shown and nothing stored; preview, confirm, changed KPIs; undo."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import duckdb
from openpyxl import Workbook

from dashboard.ingest.workflow import as_text
from tests.helpers.apptest import all_text, frame, metric, open_app

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "session_id",
    "session_date",
    "course_title",
    "delivery_mode",
    "locality",
    "places_booked",
    "attended",
]


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "training_sessions"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table_rows(db: Path, table: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db))
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


GOOD = _workbook(
    [
        ["NEW-1", date(2023, 11, 20), "Neglect: graded care profile", "F2F", "Hartlepool", 12, 11],
        ["NEW-2", "21/11/2023", "Exploitation", "Teams", "Stockton on Tees", 20, 18],
    ]
)
BAD = _workbook(
    [
        ["BAD-1", "31/02/2023", "Neglect", "Face to face", "Hartlepool", 12, 11],
        ["BAD-2", date(2023, 11, 21), "Neglect", "Carrier pigeon", "Leeds", 12.5, 11],
    ]
)


def _upload_page(app):
    at = open_app(app)
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception
    return at


def test_bad_workbook_shows_every_error_and_stores_nothing(app, sample_db) -> None:
    before = _table_rows(sample_db, "training_sessions")
    at = _upload_page(app)
    at.file_uploader(key="upload").upload("bad.xlsx", BAD, XLSX).run()
    assert not at.exception
    assert at.error[0].value.startswith("bad.xlsx was not loaded: 4 error(s). Nothing was stored.")
    errors = frame(at, "Reason")
    assert list(errors.itertuples(index=False, name=None)) == [
        (
            "training_sessions",
            2,
            "session_date",
            "31/02/2023",
            "is not a real date (dates are read day first: day/month/year)",
        ),
        (
            "training_sessions",
            3,
            "delivery_mode",
            "Carrier pigeon",
            "is not one of: Face to face, Virtual, E-learning",
        ),
        (
            "training_sessions",
            3,
            "locality",
            "Leeds",
            "is not one of: Hartlepool, Stockton-on-Tees, Teeswide",
        ),
        ("training_sessions", 3, "places_booked", "12.5", "is not a whole number"),
    ]
    assert not [b for b in at.button if b.key == "confirm"]
    assert _table_rows(sample_db, "training_sessions") == before


def test_good_workbook_previews_then_loads_and_says_what_changed(app, sample_db) -> None:
    at = _upload_page(app)
    at.file_uploader(key="upload").upload("more-training.xlsx", GOOD, XLSX).run()
    preview = frame(at, "Rows added")
    assert preview.iloc[0].to_dict() == {
        "Dataset": "training_sessions",
        "Rows added": 2,
        "Rows replaced": 0,
        "Rows removed": 0,
        "Rows unchanged": 0,
    }
    sessions = len(_table_rows(sample_db, "training_sessions"))
    at.run()
    assert len(_table_rows(sample_db, "training_sessions")) == sessions  # nothing stored before Confirm
    at.button(key="confirm").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Loaded more-training.xlsx as upload 6.")
    changed = frame(at, "Before")
    tr01 = changed[changed["KPI"] == "TR01"].iloc[0]
    assert (tr01["Before"], tr01["After"]) == ("15", "17")
    assert len(_table_rows(sample_db, "training_sessions")) == sessions + 2
    at.switch_page("app_pages/overview.py").run()
    assert metric(at, "Training sessions") == "17"  # cached results were refreshed


def test_undo_asks_for_confirmation_then_restores(app, sample_db) -> None:
    sessions = len(_table_rows(sample_db, "training_sessions"))
    at = _upload_page(app)
    at.file_uploader(key="upload").upload("more-training.xlsx", GOOD, XLSX).run()
    at.button(key="confirm").click().run()
    at.button(key="undo").click().run()
    assert "Every row it added, replaced or removed goes back" in all_text(at)
    assert len(_table_rows(sample_db, "training_sessions")) == sessions + 2  # not before "Yes"
    at.button(key="undo_yes").click().run()
    assert not at.exception
    assert at.success[0].value == "Undid upload 6 (more-training.xlsx)."
    assert len(_table_rows(sample_db, "training_sessions")) == sessions
    history = frame(at, "Undone by")
    assert history.iloc[0]["Upload"] == 6 and history.iloc[0]["Undone"] != "–"
    assert history.iloc[1]["Undone"] == "–"  # the sample's uploads are in force: a dash, never None


def test_same_file_twice_changes_nothing(app, sample_db) -> None:
    at = _upload_page(app)
    at.file_uploader(key="upload").upload("more-training.xlsx", GOOD, XLSX).run()
    at.button(key="confirm").click().run()
    at.file_uploader(key="upload").upload("more-training.xlsx", GOOD, XLSX).run()
    assert "Nothing would change" in all_text(at)
    assert not [b for b in at.button if b.key == "confirm"]


def test_templates_are_offered(app) -> None:
    at = _upload_page(app)
    labels = [b.label for b in at.get("download_button")]
    assert "Download the template (all datasets)" in labels


AMBIGUOUS_CSV = (
    b"session_id,session_date,course_title,delivery_mode,locality,places_booked,attended,agency,booked\n"
    b"TS-2023-041,20/11/2023,Neglect,Virtual,Hartlepool,10,9,Police,10\n"
)


def test_an_ambiguous_csv_asks_for_its_dataset_then_loads_as_chosen(app, sample_db) -> None:
    at = _upload_page(app)
    at.file_uploader(key="upload").upload("mixed.csv", AMBIGUOUS_CSV, "text/csv").run()
    errors = frame(at, "Reason")
    assert errors.iloc[0]["Reason"].startswith("could be training_sessions or training_attendance")
    at.selectbox(key="upload_dataset").set_value("training_attendance").run()
    assert not at.exception
    preview = frame(at, "Rows added")
    assert preview.iloc[0]["Dataset"] == "training_attendance"
    # TS-2023-041 and Police are stored already: the row replaces that one
    assert (preview.iloc[0]["Rows added"], preview.iloc[0]["Rows replaced"]) in {(0, 1), (1, 0)}


def test_replace_mode_without_that_sheet_says_so_and_stores_nothing(app, sample_db) -> None:
    before = _table_rows(sample_db, "reviews")
    at = _upload_page(app)
    at.selectbox(key="upload_mode").set_value("reviews").run()
    at.file_uploader(key="upload").upload("more-training.xlsx", GOOD, XLSX).run()
    assert not at.exception
    errors = frame(at, "Reason")
    assert errors.iloc[0]["Reason"] == "cannot replace reviews: more-training.xlsx has no reviews sheet"
    assert not [b for b in at.button if b.key == "confirm"]
    assert _table_rows(sample_db, "reviews") == before


# --- stored text is shown as text (issue 10, item 13) ----------------------------------------------------

MARKDOWN_NAME = "![x](https://example.invalid/a.png) **bold**.csv"
ESCAPED_NAME = r"\!\[x\]\(https\://example.invalid/a.png\) \*\*bold\*\*.csv"
GOOD_CSV = (
    b"session_id,session_date,course_title,delivery_mode,locality,places_booked,attended\n"
    b"MD-1,20/11/2023,Neglect,Virtual,Hartlepool,10,9\n"
)
BAD_CSV = GOOD_CSV.replace(b"Virtual", b"Carrier pigeon")


def _unescaped_markdown(text: str) -> list[str]:
    """Markdown characters not escaped with a backslash ('![', '**', '](' would render as an image or bold)."""
    return re.findall(r"(?<!\\)[!*\[\]()]", text)


def test_markdown_in_a_file_name_is_shown_as_written(app, sample_db) -> None:
    at = _upload_page(app)
    at.file_uploader(key="upload").upload(MARKDOWN_NAME, BAD_CSV, "text/csv").run()
    assert not at.exception
    assert at.error[0].value.startswith(f"{ESCAPED_NAME} was not loaded: 1 error(s).")

    at.file_uploader(key="upload").upload(MARKDOWN_NAME, GOOD_CSV, "text/csv").run()
    at.button(key="confirm").click().run()
    assert not at.exception
    assert at.success[0].value.startswith(f"Loaded {ESCAPED_NAME} as upload 6.")
    undo = at.button(key="undo")
    assert undo.label == f"Undo upload 6 ({ESCAPED_NAME})"
    undo.click().run()
    assert at.warning[-1].value.startswith(f"Undo upload 6 ({ESCAPED_NAME}, ")
    at.button(key="undo_yes").click().run()
    assert at.success[0].value == f"Undid upload 6 ({ESCAPED_NAME})."
    # Nothing on the page is Markdown made from the name; the history table holds it as plain text.
    shown = [at.error, at.success, at.warning, at.markdown, at.button]
    for elements in shown:
        for element in elements:
            text = str(getattr(element, "label", None) or element.value)
            if "example.invalid" in text:
                assert ESCAPED_NAME in text and MARKDOWN_NAME not in text, text
    assert frame(at, "File").iloc[0]["File"] == MARKDOWN_NAME


def test_as_text_escapes_every_markdown_character_and_nothing_is_lost() -> None:
    for text in (MARKDOWN_NAME, "a_b*c`d`<img src=x>:red[x] $x$ # h | ~~s~~ \\", "- 1. www.x.org", "1) a"):
        escaped = as_text(text)
        assert re.sub(r"\\(.)", r"\1", escaped) == text
        assert _unescaped_markdown(escaped) == []
    assert as_text("- list.csv") == r"\- list.csv" and as_text("1. first.csv") == r"1\. first.csv"
    assert as_text("www.example.org.csv") == r"www\.example.org.csv"  # not a link
    assert as_text("more-training.xlsx") == "more-training.xlsx"  # a plain name stays as it is

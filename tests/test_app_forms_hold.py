"""What a user typed or saw is what the app acts on, even when another program changes the data meanwhile:
a commentary or update form keeps the typed text through a change elsewhere (Save stores it), and a sign-off or
reopen confirmed after the figures moved is cancelled, never applied to figures the admin did not see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.app.signoff_panel import CHANGED_SINCE
from dashboard.core.config import settings
from dashboard.ingest.load import load_upload
from dashboard.ingest.validate import validate_upload
from tests.helpers.apptest import all_text, open_app
from tests.helpers.workbooks import SESSION, table, xlsx

Q3 = "2023-24 Q3"
SAVE = "FormSubmitter:commentary_form-Save commentary"


def _sql(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def quiet_db(sample_db: Path) -> Iterator[Path]:
    """The sample with no commentary or updates: the rows below are the ones these tests write."""
    _sql(sample_db, "DELETE FROM kpi_commentary; DELETE FROM partnership_updates")
    yield sample_db


def _load_elsewhere(db: Path, name: str, workbook: bytes) -> None:
    """Another program (pmf load) loads a workbook: the data version moves."""
    report = validate_upload(workbook, name, settings())
    assert report.ok, report.errors
    con = duckdb.connect(str(db))
    try:
        load_upload(con, report, "someone else")
    finally:
        con.close()


def _other_commentary() -> bytes:
    return xlsx(
        {
            "kpi_commentary": [
                ["kpi", "quarter", "locality", "commentary"],
                ["AU02", Q3, None, "Written by someone else meanwhile."],
            ]
        }
    )


def _late_session() -> bytes:
    return xlsx({"training_sessions": table(SESSION, {"session_id": "LATE-1", "session_date": "14/12/2023"})})


def _kpi_page(at: Any, kpi: str) -> Any:
    at.switch_page("app_pages/kpi_detail.py").run()
    at.selectbox(key="kpi").set_value(kpi).run()
    assert not at.exception, at.exception
    return at


def test_typed_commentary_is_saved_even_when_the_data_changed_meanwhile(app: Any, quiet_db: Path) -> None:
    at = _kpi_page(open_app(app), "TR04")
    at.text_area(key="commentary_text").input("Three agencies sent no return; they have been reminded.")
    at.text_input(key="commentary_owner").input("Business manager")
    _load_elsewhere(quiet_db, "other.xlsx", _other_commentary())  # while the analyst types
    at.button(key=SAVE).click().run()
    assert not at.exception, at.exception
    stored = _sql(
        quiet_db, "SELECT commentary, owner FROM kpi_commentary WHERE kpi = 'TR04' AND quarter = '2023-24 Q3'"
    )
    assert stored == [("Three agencies sent no return; they have been reminded.", "Business manager")]
    assert "Commentary on TR04 for 2023-24 Q3, All localities saved" in all_text(at)
    # The form now holds what was stored, and the other program's commentary is there for AU02.
    assert at.text_area(key="commentary_text").value.startswith("Three agencies sent no return")
    _kpi_page(at, "AU02")
    assert at.text_area(key="commentary_text").value == "Written by someone else meanwhile."


def test_saving_the_same_commentary_again_says_nothing_changed(app: Any, quiet_db: Path) -> None:
    at = _kpi_page(open_app(app), "TR04")
    at.text_area(key="commentary_text").input("Few agencies sent their returns.")
    at.button(key=SAVE).click().run()
    uploads = _sql(quiet_db, "SELECT count(*) FROM uploads")
    at.button(key=SAVE).click().run()
    assert not at.exception, at.exception
    assert (
        "Nothing changed: the commentary on TR04 for 2023-24 Q3, All localities is already stored as written."
        in all_text(at)
    )
    assert _sql(quiet_db, "SELECT count(*) FROM uploads") == uploads  # no upload recorded for nothing


def test_an_untouched_form_shows_commentary_loaded_elsewhere(app: Any, quiet_db: Path) -> None:
    at = _kpi_page(open_app(app), "AU02")
    assert at.text_area(key="commentary_text").value == ""
    _load_elsewhere(quiet_db, "other.xlsx", _other_commentary())
    at.run()
    assert at.text_area(key="commentary_text").value == "Written by someone else meanwhile."


def test_sign_off_confirmed_after_the_figures_moved_is_cancelled(app: Any, quiet_db: Path) -> None:
    at = open_app(app)
    at.button(key="signoff").click().run()
    assert any(b.key == "signoff_yes" for b in at.button)
    _load_elsewhere(quiet_db, "late.xlsx", _late_session())  # TR01 moves from 15 to 16 meanwhile
    at.button(key="signoff_yes").click().run()
    assert not at.exception, at.exception
    assert CHANGED_SINCE["sign off"] in [w.value for w in at.warning]
    assert _sql(quiet_db, "SELECT count(*) FROM kpi_snapshots WHERE kind = 'signoff'") == [(0,)]
    assert f"{Q3}: not yet signed off." in all_text(at)
    # Asked again on the figures now shown, it signs off.
    at.button(key="signoff").click().run()
    at.button(key="signoff_yes").click().run()
    assert not at.exception, at.exception
    assert _sql(
        quiet_db, "SELECT count(*) FROM kpi_snapshots WHERE kind = 'signoff' AND reopened_at IS NULL"
    ) == [(1,)]


def test_a_stale_reopen_never_lifts_a_newer_sign_off(app: Any, quiet_db: Path) -> None:
    from dashboard.core.periods import parse_period
    from dashboard.kpis.signoff import reopen, sign_off

    con = duckdb.connect(str(quiet_db))
    try:
        sign_off(con, parse_period(Q3), settings(), "first admin")
    finally:
        con.close()
    at = open_app(app)
    at.button(key="signoff").click().run()  # asks to reopen the first sign-off
    con = duckdb.connect(str(quiet_db))
    try:  # meanwhile another admin reopens it and signs the quarter off again
        reopen(con, parse_period(Q3), "second admin")
        sign_off(con, parse_period(Q3), settings(), "second admin")
    finally:
        con.close()
    at.button(key="signoff_yes").click().run()
    assert not at.exception, at.exception
    assert CHANGED_SINCE["reopen"] in [w.value for w in at.warning]
    assert _sql(
        quiet_db, "SELECT taken_by FROM kpi_snapshots WHERE kind = 'signoff' AND reopened_at IS NULL"
    ) == [("second admin",)]


def test_written_text_never_becomes_a_link_by_itself() -> None:
    """GFM turns an e-mail address, www. or https:// in plain text into a link; commentary is shown as written."""
    from dashboard.app.components import WORD_JOINER, plain_text

    shown = plain_text("Ask jo.bloggs@example.org, or see www.example.org and https://example.org/x.")
    assert "@" + WORD_JOINER in shown and "www" + WORD_JOINER in shown and "https" + WORD_JOINER in shown
    assert shown.replace(WORD_JOINER, "").replace("\\", "") == (
        "Ask jo.bloggs@example.org, or see www.example.org and https://example.org/x."
    )

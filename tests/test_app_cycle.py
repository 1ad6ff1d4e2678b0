"""The quarterly cycle in AppTest (issue 13): upload partnership updates and commentary on the Upload page,
edit commentary in the KPI page's form, the Red KPIs still without commentary on the overview, sign the
quarter off (with confirmation), a late change shown as a revision beside the signed-off figure, reopen;
viewers read and never get a form; written text is shown exactly as written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.core.config import settings
from dashboard.ingest.load import load_upload
from dashboard.ingest.validate import validate_upload
from dashboard.kpis.signoff import revision_text
from tests.e2e.oidc_provider import write_roles_config
from tests.helpers.apptest import all_text, frame, open_app
from tests.helpers.workbooks import SESSION, table, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Q3 = "2023-24 Q3"
HOSTILE = "<script>alert(1)</script> **bold** [a link](javascript:alert(1))"

UPDATES = xlsx(
    {
        "partnership_updates": [
            [
                "update_id",
                "quarter",
                "section",
                "title",
                "priority",
                "update",
                "status",
                "event_date",
                "link",
            ],
            [
                "U1",
                "Q3 2023-24",
                "Workstream",
                "Engagement of Children and Young People",
                "Voice of the child",
                "Catalyst and HartlePower are working with us.",
                "On track",
                None,
                "https://www.hartlepool.gov.uk/hsscp",
            ],
            ["U2", Q3, "Procedure", "Child in Need", None, HOSTILE, None, None, None],
            [
                "U3",
                Q3,
                "Key event",
                "Neglect Active Learning Event",
                "Neglect",
                "An active learning event on neglect.",
                None,
                "06/02/2024",
                None,
            ],
        ]
    }
)
COMMENTARY = xlsx(
    {
        "kpi_commentary": [
            ["kpi", "quarter", "locality", "commentary", "action", "owner", "review_date"],
            [
                "TR04",
                Q3,
                None,
                "Few agencies sent their returns.",
                "Chase the returns",
                "Training lead",
                "31/01/2024",
            ],
        ]
    }
)


def _sql(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def cycle_db(sample_db: Path) -> Iterator[Path]:
    """The sample with no commentary or updates yet (whatever the sample workbooks carry), so that the
    counts below are the ones this test writes."""
    _sql(sample_db, "DELETE FROM kpi_commentary; DELETE FROM partnership_updates")
    yield sample_db


def _upload(at: Any, name: str, data: bytes) -> None:
    at.switch_page("app_pages/upload.py").run()
    at.file_uploader(key="upload").upload(name, data, XLSX).run()
    assert not at.exception, at.exception
    at.button(key="confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith(f"Loaded {name} as upload"), at.success[0].value


def _kpi_page(at: Any, kpi: str) -> Any:
    at.switch_page("app_pages/kpi_detail.py").run()
    at.selectbox(key="kpi").set_value(kpi).run()
    assert not at.exception, at.exception
    return at


def _late_session(db: Path) -> None:
    """Another program (pmf load) loads one more session delivered in the quarter: TR01 goes 15 -> 16."""
    late = table(SESSION, {"session_id": "LATE-1", "session_date": "14/12/2023"})
    report = validate_upload(xlsx({"training_sessions": late}), "late.xlsx", settings())
    con = duckdb.connect(str(db))
    try:
        load_upload(con, report, "someone else")
    finally:
        con.close()


def test_the_whole_cycle(app: Any, cycle_db: Path) -> None:
    at = open_app(app)
    # Four Red KPIs in the sample's 2023-24 Q3, none with commentary.
    assert "4 Red KPIs have no commentary yet: TR04, AU02, AP01, AP02." in all_text(at)
    assert f"{Q3}: not yet signed off." in all_text(at)

    _upload(at, "updates.xlsx", UPDATES)
    _upload(at, "commentary.xlsx", COMMENTARY)
    assert _sql(cycle_db, "SELECT count(*) FROM partnership_updates WHERE quarter = '2023-24 Q3'") == [(3,)]

    at.switch_page("app_pages/overview.py").run()
    text = all_text(at)
    assert "3 Red KPIs have no commentary yet: AU02, AP01, AP02." in text
    card = frame(at, "Commentary")
    marked = set(card[card["Commentary"] == "✎ Yes"]["KPI"])  # the others read "–"
    assert marked == {"TR04"}

    # Edit the uploaded commentary in the KPI page's form.
    _kpi_page(at, "TR04")
    assert "Few agencies sent their returns." in all_text(at)
    assert at.text_area(key="commentary_text").value == "Few agencies sent their returns."
    at.text_area(key="commentary_text").input("Three agencies sent no return; they have been reminded.")
    at.text_input(key="commentary_owner").input("Business manager")
    at.button(key="FormSubmitter:commentary_form-Save commentary").click().run()
    assert not at.exception, at.exception
    assert _sql(cycle_db, "SELECT commentary, owner FROM kpi_commentary WHERE kpi = 'TR04'") == [
        ("Three agencies sent no return; they have been reminded.", "Business manager")
    ]
    text = all_text(at)
    assert "Three agencies sent no return; they have been reminded." in text
    history = frame(at, "In force")
    assert list(history["Commentary"]) == [
        "Three agencies sent no return; they have been reminded.",
        "Few agencies sent their returns.",
    ]
    assert list(history["In force"]) == ["Yes", "No, replaced"]
    edits = _sql(cycle_db, "SELECT mode, file_name FROM uploads ORDER BY upload_id DESC LIMIT 1")
    assert edits == [("edit", "Edited in the dashboard: kpi_commentary TR04, 2023-24 Q3, All localities")]

    # Sign off, with a confirmation step.
    at.switch_page("app_pages/overview.py").run()
    at.button(key="signoff").click().run()
    assert at.button(key="signoff").label == f"Sign off {Q3}"
    assert _sql(cycle_db, "SELECT count(*) FROM kpi_snapshots WHERE kind = 'signoff'") == [
        (0,)
    ]  # not before "Confirm"
    at.button(key="signoff_yes").click().run()
    assert not at.exception, at.exception
    snapshot = _sql(cycle_db, "SELECT period, taken_by, taken_at FROM kpi_snapshots WHERE kind = 'signoff'")
    assert [row[:2] for row in snapshot] == [(Q3, at.session_state.access.user)]
    signed_at = snapshot[0][2]
    day = f"{signed_at.day} {signed_at:%b %Y}"
    assert f"{Q3} signed off on {day} by" in at.success[0].value
    assert f"{Q3}: signed off on {day} by" in all_text(at)
    assert at.button(key="signoff").label == f"Reopen {Q3}"
    assert frame(at, "Commentary").set_index("KPI").loc["TR01", "Value"] == "15"  # no revision yet

    # A late upload by another program moves TR01: the revision shows beside the signed-off figure.
    _late_session(cycle_db)
    at.switch_page("app_pages/overview.py").run()
    expected = revision_text("16", "15", signed_at)
    assert expected == f"15, signed off {signed_at.day} {signed_at:%b %Y}; now 16"
    card = frame(at, "Commentary").set_index("KPI")
    assert card.loc["TR01", "Value"] == expected
    assert card.loc["TR02", "Value"] == "90.6%"  # unmoved figures read as before
    _kpi_page(at, "TR01")
    assert f"Revised since sign-off: {expected}." in [w.value for w in at.warning]

    # Reopen: no longer signed off, no revision shown.
    at.switch_page("app_pages/overview.py").run()
    at.button(key="signoff").click().run()
    at.button(key="signoff_yes").click().run()
    assert not at.exception, at.exception
    assert f"{Q3} reopened: it is no longer signed off." in at.success[0].value
    assert f"{Q3}: not yet signed off." in all_text(at)
    assert frame(at, "Commentary").set_index("KPI").loc["TR01", "Value"] == "16"
    assert _sql(cycle_db, "SELECT reopened_by IS NOT NULL FROM kpi_snapshots WHERE kind = 'signoff'") == [
        (True,)
    ]


def test_updates_page_shows_text_as_written_by_section(app: Any, cycle_db: Path) -> None:
    at = open_app(app)
    _upload(at, "updates.xlsx", UPDATES)
    at.switch_page("app_pages/updates.py").run()
    assert not at.exception, at.exception
    assert at.main.markdown[0].value == ":red-background[**OFFICIAL-SENSITIVE**]"
    assert [h.value for h in at.header][:3] == ["Work stream", "Procedure", "Event"]
    markdown = [m.value for m in at.markdown]
    # The hostile text reads as written: escaped for Markdown, never HTML, never a link.
    shown = next(m for m in markdown if "script" in m)
    assert shown == (
        "\\<script\\>alert\\(1\\)\\</script\\> \\*\\*bold\\*\\* \\[a link\\]\\(javascript\\:alert\\(1\\)\\)"
    )
    assert "Link: [https\\://www\\.hartlepool.gov.uk/hsscp](https://www.hartlepool.gov.uk/hsscp)" in markdown
    captions = [c.value for c in at.caption]
    assert "Priority: Neglect · Date: 6 Feb 2024 · Teeswide" in captions
    assert "Priority: Voice of the child · Status: On track · Teeswide" in captions


def test_analyst_adds_edits_and_removes_an_update(app: Any, cycle_db: Path) -> None:
    at = open_app(app)
    at.switch_page("app_pages/updates.py").run()
    assert f"No partnership updates for {Q3} yet." in all_text(at)
    at.selectbox(key="add_update_section").set_value("Communication")
    at.text_input(key="add_update_title").input("E-bulletins")
    at.text_area(key="add_update_update").input("Three monthly e-bulletins went out.")
    at.button(key="FormSubmitter:add_update_form-Add the update").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == f"Added the update E-bulletins to {Q3}."
    stored = _sql(cycle_db, "SELECT update_id, section, title, locality FROM partnership_updates")
    assert [row[1:] for row in stored] == [("Communication", "E-bulletins", "Teeswide")]
    update_id = stored[0][0]
    assert "Three monthly e-bulletins went out." in all_text(at)

    # A link that is not https:// is refused beside the form, and nothing changes.
    at.text_input(key="edit_update_link").input("javascript:alert(1)")
    at.button(key="FormSubmitter:edit_update_form-Save the update").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("The update was not saved: link")
    assert _sql(cycle_db, "SELECT link FROM partnership_updates") == [(None,)]
    at.text_input(key="edit_update_link").input("https://www.tees.gov.uk/bulletin")
    at.button(key="FormSubmitter:edit_update_form-Save the update").click().run()
    assert _sql(cycle_db, "SELECT link FROM partnership_updates") == [("https://www.tees.gov.uk/bulletin",)]

    at.button(key="remove_update").click().run()
    assert _sql(cycle_db, "SELECT count(*) FROM partnership_updates") == [(1,)]  # not before "Yes"
    at.button(key="remove_update_yes").click().run()
    assert not at.exception, at.exception
    assert _sql(cycle_db, "SELECT count(*) FROM partnership_updates") == [(0,)]
    log = _sql(cycle_db, "SELECT mode, file_name FROM uploads ORDER BY upload_id DESC LIMIT 1")
    assert log == [("remove", f"Removed in the dashboard: partnership_updates {update_id}")]


def test_rejected_commentary_says_why_beside_the_form_and_stores_nothing(app: Any, cycle_db: Path) -> None:
    at = _kpi_page(open_app(app), "AU02")
    assert "No commentary on AU02 for 2023-24 Q3, All localities yet." in all_text(at)
    at.text_area(key="commentary_text").input("x" * 5000)
    at.button(key="FormSubmitter:commentary_form-Save commentary").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("The commentary was not saved: commentary")
    assert "2,000" in at.error[0].value
    assert at.error[0].value.endswith("Nothing was stored.")
    assert _sql(cycle_db, "SELECT count(*) FROM kpi_commentary") == [(0,)]


def test_a_year_says_commentary_and_sign_off_are_per_quarter(app: Any, cycle_db: Path) -> None:
    at = open_app(app, quarter="Whole year")
    assert "Sign-off is per quarter: choose a quarter to see whether it is signed off." in all_text(at)
    assert not [b for b in at.button if b.key == "signoff"]
    _kpi_page(at, "TR04")
    assert "Commentary is written per quarter: choose a quarter to read or write it." in all_text(at)
    assert not at.get("text_area")


ROLES = """
[roles]
analysts = ["ann@example.org"]
default_role = "viewer"
"""
FAKE_AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret",
        "client_id": "pmf",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


@pytest.fixture
def signed_in(app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PMF_CONFIG", str(write_roles_config(tmp_path / "config.toml", ROLES)))
    app.secrets = dict(FAKE_AUTH)
    return app


def test_a_viewer_reads_commentary_and_updates_but_gets_no_form(signed_in: Any, cycle_db: Path) -> None:
    at = signed_in
    at.user = {"is_logged_in": True, "email": "ann@example.org", "name": "Ann"}
    open_app(at)
    _upload(at, "commentary.xlsx", COMMENTARY)
    _upload(at, "updates.xlsx", UPDATES)

    at.user = {"is_logged_in": True, "email": "vera@example.org", "name": "Vera"}
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.key == "signoff"]  # sign-off is for admins
    assert "Admins sign a quarter off once the PMF group has reviewed it." in all_text(at)
    _kpi_page(at, "TR04")
    assert "Few agencies sent their returns." in all_text(at)
    assert not at.get("text_area") and not at.get("form")
    assert "Commentary is written by the dashboard's analysts and admins." in all_text(at)
    at.switch_page("app_pages/updates.py").run()
    assert not at.exception, at.exception
    assert "Catalyst and HartlePower are working with us." in all_text(at)
    assert not at.get("text_input") and not at.get("form")


def test_reports_page_offers_both_kinds_as_html_pdf_and_word(app: Any, cycle_db: Path) -> None:
    at = open_app(app)
    at.switch_page("app_pages/reports.py").run()
    assert not at.exception, at.exception
    kinds = at.radio(key="report_kind")
    assert kinds.options == ["Quarterly report (the newsletter)", "Executive report"]
    kinds.set_value("executive").run()
    assert not at.exception, at.exception
    labels = {b.key: b.proto.label for b in at.get("download_button")}
    assert labels["download_report_docx"] == "Download as Word (.docx)"
    assert labels["download_report_html"] == "Download the report (HTML)"
    assert "What needs attention" in _preview(at)
    kinds.set_value("quarterly").run()
    assert "What needs attention" not in _preview(at)


def _preview(at: Any) -> str:
    frames = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    return "".join(str(getattr(e.proto, "srcdoc", "")) for e in frames)


def test_upload_page_offers_the_templates_of_the_new_datasets(app: Any, cycle_db: Path) -> None:
    at = open_app(app)
    at.switch_page("app_pages/upload.py").run()
    options = at.selectbox(key="template_dataset").options
    assert {"partnership_updates", "kpi_commentary"} <= set(options)
    at.selectbox(key="template_dataset").set_value("kpi_commentary").run()
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the kpi_commentary template" in labels


def test_a_sign_off_by_another_program_shows_and_the_audit_log_lists_the_cycle(
    app: Any, cycle_db: Path
) -> None:
    from dashboard.core.periods import parse_period
    from dashboard.kpis.signoff import sign_off

    at = open_app(app)
    assert f"{Q3}: not yet signed off." in all_text(at)
    con = duckdb.connect(str(cycle_db))
    try:
        done = sign_off(con, parse_period(Q3), settings(), "pmf-on-the-command-line")
    finally:
        con.close()
    at.run()  # the next page view, with nothing uploaded meanwhile
    day = f"{done.signed_off_at.day} {done.signed_off_at:%b %Y}"
    assert f"{Q3}: signed off on {day} by pmf-on-the-command-line." in all_text(at)

    _kpi_page(at, "AU02")
    at.text_area(key="commentary_text").input("One audit of three was graded good.")
    at.button(key="FormSubmitter:commentary_form-Save commentary").click().run()
    at.button(key="commentary_remove").click().run()
    at.button(key="commentary_remove_yes").click().run()
    assert not at.exception, at.exception
    assert "No commentary on AU02 for 2023-24 Q3, All localities yet." in all_text(at)
    at.switch_page("app_pages/audit_log.py").run()
    log = frame(at, "What")
    assert list(log["Action"])[:3] == ["remove", "edit", "sign off"]

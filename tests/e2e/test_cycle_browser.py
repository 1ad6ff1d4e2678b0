"""The quarterly cycle in a real headless Chromium (issue 13): upload partnership updates and commentary
through the Upload page, edit commentary in the KPI page's form, sign the quarter off (with confirmation),
upload a late change, see the revision on the scorecard (its CSV), on the KPI page and in the downloaded
report and Word document, then reopen.

Artifacts: test-artifacts/cycle-*.png.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from docx import Document

from dashboard.kpis.signoff import revision_text
from tests.e2e.conftest import PROJECT, streamlit_server
from tests.helpers.workbooks import SESSION, table, xlsx

pytestmark = pytest.mark.browser

Q3 = "2023-24 Q3"
QUERY = "fy=2023-24&q=Q3"
UPDATES = xlsx(
    {
        "partnership_updates": [
            ["update_id", "quarter", "section", "title", "priority", "update", "status", "event_date"],
            [
                "U1",
                Q3,
                "Work stream",
                "Engagement of Children and Young People",
                "Voice of the child",
                "Catalyst and HartlePower are working with us.",
                "On track",
                None,
            ],
            [
                "U2",
                Q3,
                "Event",
                "Neglect Active Learning Event",
                "Neglect",
                "<b>Not bold</b>",
                None,
                "06/02/2024",
            ],
        ]
    }
)
COMMENTARY = xlsx(
    {
        "kpi_commentary": [
            ["kpi", "quarter", "commentary", "action", "owner", "review_date"],
            [
                "TR04",
                Q3,
                "Few agencies sent their returns.",
                "Chase the returns",
                "Training lead",
                "31/01/2024",
            ],
        ]
    }
)
LATE = xlsx({"training_sessions": table(SESSION, {"session_id": "LATE-1", "session_date": "14/12/2023"})})
EDITED = "Three agencies sent no return; they have been reminded."


@pytest.fixture(scope="module")
def cycle_server(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a private copy of the sample with no commentary or updates yet (local mode: an admin)."""
    work = tmp_path_factory.mktemp("e2e-cycle")
    db = work / "pmf.duckdb"
    shutil.copy(sample_db_template, db)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM kpi_commentary; DELETE FROM partnership_updates")
    con.close()
    env = dict(os.environ, PMF_DB=str(db), PMF_LOCAL_MODE="1")
    env.pop("PMF_CONFIG", None)
    with streamlit_server(PROJECT, env, work / "streamlit.log") as url:
        yield url


def _ready(page: Any) -> None:
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_load_state("networkidle")


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1")
    _ready(page)


def _upload(page: Any, server: str, path: Path) -> None:
    _open(page, f"{server}/upload?{QUERY}")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_text("What this upload will change").wait_for()
    page.get_by_role("button", name="Confirm and load").click()
    page.get_by_text(f"Loaded {path.name} as upload").wait_for()


def _download(page: Any, button: str) -> bytes:
    target = page.get_by_role("button", name=button)
    target.wait_for()  # after a rerun (a reopen, an upload) the button is drawn again: click the new one
    with page.expect_download(timeout=90_000) as info:  # a busy shared machine can take longer than 30 s
        target.click()
    return Path(info.value.path()).read_bytes()


def test_the_quarterly_cycle_in_a_browser(
    cycle_server: str, page: Any, artifacts: Path, tmp_path: Path
) -> None:
    server = cycle_server
    files = {"updates.xlsx": UPDATES, "commentary.xlsx": COMMENTARY, "late.xlsx": LATE}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    _upload(page, server, tmp_path / "updates.xlsx")
    _upload(page, server, tmp_path / "commentary.xlsx")

    _open(page, f"{server}/updates?{QUERY}")
    # The first update is in the edit form too: the page's text is the first of each.
    page.get_by_text("Catalyst and HartlePower are working with us.").first.wait_for()
    assert page.get_by_text("<b>Not bold</b>").first.is_visible()  # shown as written, never as HTML
    assert page.locator("main b", has_text="Not bold").count() == 0
    page.screenshot(path=str(artifacts / "cycle-updates.png"), full_page=True)

    _open(page, f"{server}/?{QUERY}")
    page.get_by_text("3 Red KPIs have no commentary yet: AU02, AP01, AP02.").wait_for()
    assert page.get_by_text(f"{Q3}: not yet signed off.").is_visible()

    # Edit the uploaded commentary in the KPI page's form.
    _open(page, f"{server}/kpi?{QUERY}&kpi=TR04")
    page.get_by_text("Few agencies sent their returns.").first.wait_for()
    page.get_by_label("Commentary: what is behind the figure").fill(EDITED)
    page.get_by_role("button", name="Save commentary").click()
    page.get_by_text("Commentary on TR04 for 2023-24 Q3, All localities saved").wait_for()
    assert page.get_by_text(EDITED).first.is_visible()
    page.screenshot(path=str(artifacts / "cycle-commentary.png"), full_page=True)

    # Sign off, confirming.
    _open(page, f"{server}/?{QUERY}")
    page.get_by_role("button", name=f"Sign off {Q3}").click()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text(f"{Q3} signed off on").first.wait_for()
    page.get_by_role("button", name=f"Reopen {Q3}").wait_for()
    signed = revision_text("16", "15", datetime.now())

    # A late change, uploaded through the page, moves TR01 from 15 to 16.
    _upload(page, server, tmp_path / "late.xlsx")
    _open(page, f"{server}/?{QUERY}")
    page.get_by_text(f"{Q3}: signed off on").wait_for()
    page.screenshot(path=str(artifacts / "cycle-revision.png"), full_page=True)
    rows = list(csv.DictReader(io.StringIO(_download(page, "Download CSV").decode("utf-8-sig"))))
    values = {row["KPI"]: row["Value"] for row in rows}
    assert values["TR01"] == signed
    assert {row["KPI"] for row in rows if row["Commentary"]} == {"TR04"}

    _open(page, f"{server}/kpi?{QUERY}&kpi=TR01")
    page.get_by_text(f"Revised since sign-off: {signed}.").wait_for()

    _open(page, f"{server}/reports?{QUERY}")
    html = _download(page, "Download the report (HTML)").decode("utf-8")
    assert signed in html
    assert "Catalyst and HartlePower are working with us." in html
    word = Document(io.BytesIO(_download(page, "Download as Word (.docx)")))
    text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        cell.text for t in word.tables for row in t.rows for cell in row.cells
    )
    assert signed in text

    # Reopen, confirming: no longer signed off, no revision.
    _open(page, f"{server}/?{QUERY}")
    page.get_by_role("button", name=f"Reopen {Q3}").click()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text(f"{Q3} reopened: it is no longer signed off.").wait_for()
    assert page.get_by_text(f"{Q3}: not yet signed off.").is_visible()
    rows = list(csv.DictReader(io.StringIO(_download(page, "Download CSV").decode("utf-8-sig"))))
    assert {row["KPI"]: row["Value"] for row in rows}["TR01"] == "16"

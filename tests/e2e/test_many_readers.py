"""Many readers and a writer, in a real Chromium: the dashboard keeps serving beside the command line.

Two servers run on one database file. `pmf load` works while they run, and both show what it loaded on the
next page view; another program holding the file to write makes a page say so in one sentence and then
show the data once it is done; an upload through either server shows on the other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.app.connections import BUSY_MESSAGE
from tests.e2e.conftest import PROJECT, streamlit_server
from tests.helpers.workbooks import SESSION, table, xlsx

pytestmark = pytest.mark.browser

OVERVIEW = "/?fy=2023-24&q=Q3"
ERROR_PAGE = "This app has encountered an error"
HOLD = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
    "con.close()\n"
)


@pytest.fixture(scope="module")
def shared_db(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("many-readers")
    db = work / "pmf.duckdb"
    shutil.copy(sample_db_template, db)
    return db


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ, PMF_DB=str(db), PMF_LOCAL_MODE="1")
    env.pop("PMF_CONFIG", None)
    return env


@pytest.fixture(scope="module")
def servers(shared_db: Path) -> Iterator[tuple[str, str]]:
    """Two app servers on the one database file (as behind a load balancer)."""
    env = _env(shared_db)
    with (
        streamlit_server(PROJECT, env, shared_db.parent / "first.log") as first,
        streamlit_server(PROJECT, env, shared_db.parent / "second.log") as second,
    ):
        yield first, second


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _wait_ready(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_load_state("networkidle")


def _sessions(page, url: str) -> int:
    page.goto(url + OVERVIEW)
    page.wait_for_selector('[data-testid="stMetric"]')
    _wait_ready(page)
    assert ERROR_PAGE not in page.content()
    return int(_metric(page, "Training sessions"))


def _workbook(path: Path, prefix: str, count: int) -> Path:
    rows = [{"session_id": f"{prefix}-{i}", "session_date": "15/11/2023"} for i in range(count)]
    path.write_bytes(xlsx({"training_sessions": table(SESSION, *rows)}))
    return path


def test_a_cli_load_shows_on_both_servers(
    servers: tuple[str, str], shared_db: Path, page, tmp_path: Path
) -> None:
    first, second = servers
    before = _sessions(page, first)
    assert _sessions(page, second) == before
    upload = _workbook(tmp_path / "cli.xlsx", "CLI", 2)
    run = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "load", str(upload)],
        cwd=PROJECT,
        env=_env(shared_db),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert _sessions(page, first) == before + 2
    assert _sessions(page, second) == before + 2


def test_a_writer_elsewhere_is_one_sentence_then_the_data(
    servers: tuple[str, str], shared_db: Path, page, artifacts: Path
) -> None:
    first, _ = servers
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(shared_db)],
        cwd=PROJECT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        # A page and period this server has not shown yet, so that its run has to read the file.
        page.goto(f"{first}/audits?fy=2022-23&q=Q2")
        page.get_by_text(BUSY_MESSAGE).wait_for()
        assert ERROR_PAGE not in page.content()
        page.screenshot(path=str(artifacts / "database-busy.png"), full_page=True)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    page.get_by_role("heading", name="Audits", exact=True).wait_for(timeout=30_000)
    page.wait_for_selector("text=" + BUSY_MESSAGE, state="detached", timeout=30_000)
    assert ERROR_PAGE not in page.content()


def test_an_upload_through_one_server_shows_on_the_other(
    servers: tuple[str, str], page, tmp_path: Path
) -> None:
    first, second = servers
    before = _sessions(page, first)
    upload = _workbook(tmp_path / "through-second.xlsx", "WEB", 3)
    page.goto(f"{second}/upload")
    _wait_ready(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    page.get_by_text("What this upload will change").wait_for()
    page.get_by_role("button", name="Confirm and load").click()
    page.get_by_text("Loaded through-second.xlsx as upload").wait_for()
    assert _sessions(page, first) == before + 3
    assert _sessions(page, second) == before + 3

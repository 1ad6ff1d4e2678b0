"""The app beside other programs (AppTest on the real entry point, and the app's connections).

The app never holds the database: `pmf load` works while it runs and what it loaded shows on the next page
view; a page that finds the file held by another program's write says so in one sentence and runs again;
an upload waits its turn; a damaged file is one sentence, never Streamlit's error page.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard.app import changes, components, connections
from tests.helpers.apptest import metric, open_app
from tests.helpers.pmf_cli import PROJECT_DIR, run_pmf
from tests.helpers.workbooks import SESSION, table, xlsx

HOLD = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
    "con.close()\n"
)


class Holder:
    """Another program with the database open to write, until `release()`."""

    def __init__(self, path: Path, script: str = HOLD) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, str(path)],
            cwd=PROJECT_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "holding"

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)


@pytest.fixture
def holder(sample_db: Path) -> Iterator[Any]:
    """`holder()` makes another program hold the sample database; every holder is released after."""
    made: list[Holder] = []

    def hold() -> Holder:
        made.append(Holder(sample_db))
        return made[-1]

    yield hold
    for one in made:
        one.release()


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections, "READ_WAIT", 0.3)


def _stop_instead_of_retrying(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The page's retry stops the run instead (AppTest would rerun until the file is free)."""
    import streamlit as st

    pauses: list[float] = []

    def stop(seconds: float) -> None:
        pauses.append(seconds)
        st.stop()

    monkeypatch.setattr(components, "pause", stop)
    return pauses


def _busy_page(at: Any) -> None:
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [connections.BUSY_MESSAGE]
    assert not at.error and not at.metric and not at.dataframe


def test_a_page_opened_while_another_program_writes_says_so(
    app: Any, holder: Any, quick: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pauses = _stop_instead_of_retrying(monkeypatch)
    holder()
    _busy_page(app.run())
    assert pauses == [components.RETRY_SECONDS]


def test_a_page_run_that_meets_a_writer_says_so(
    app: Any, holder: Any, quick: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data version was read before the writer came: the page's own queries meet it."""
    at = open_app(app)
    pauses = _stop_instead_of_retrying(monkeypatch)
    holder()
    at.switch_page("app_pages/training.py").run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [connections.BUSY_MESSAGE]
    assert pauses == [components.RETRY_SECONDS]


def test_the_page_comes_back_when_the_writer_is_done(
    app: Any, holder: Any, quick: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = holder()
    pauses: list[float] = []

    def writer_finishes(seconds: float) -> None:
        pauses.append(seconds)
        held.release()

    monkeypatch.setattr(components, "pause", writer_finishes)
    at = app.run()
    assert not at.exception, at.exception
    assert pauses == [components.RETRY_SECONDS]
    assert metric(at, "Training sessions")
    assert connections.BUSY_MESSAGE not in [i.value for i in at.info]


def test_pmf_load_works_while_the_app_runs_and_shows_on_the_next_page_view(
    app: Any, sample_db: Path, tmp_path: Path
) -> None:
    at = open_app(app)
    assert metric(at, "Training sessions") == "15"
    upload = tmp_path / "three.xlsx"
    sessions = [{"session_id": f"EXTRA-{i}", "session_date": "14/11/2023"} for i in range(3)]
    upload.write_bytes(xlsx({"training_sessions": table(SESSION, *sessions)}))
    run = run_pmf("load", upload, db=sample_db)
    assert run.returncode == 0, run
    at.run()
    assert not at.exception, at.exception
    assert metric(at, "Training sessions") == "18"


def test_a_damaged_database_is_one_sentence(app: Any, sample_db: Path) -> None:
    sample_db.write_bytes(b"not a database\n" * 1000)
    at = app.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Database unreadable"]
    assert len(at.error) == 1
    text = at.error[0].value.replace("\\", "")
    assert text == connections.unreadable_message(str(sample_db.resolve()))
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox


# --- the app's connections ------------------------------------------------------------------------------


def test_a_change_waits_its_turn_and_says_so_once(sample_db: Path) -> None:
    held = Holder(sample_db)
    told: list[float] = []
    started = time.monotonic()
    threading.Timer(1.0, held.release).start()
    with connections.writing(str(sample_db), on_wait=lambda: told.append(time.monotonic())) as con:
        con.execute("SELECT count(*) FROM uploads").fetchall()
    assert len(told) == 1 and told[0] - started < 1.0
    assert time.monotonic() - started >= 1.0


def test_a_read_gives_up_after_a_short_wait(sample_db: Path) -> None:
    held = Holder(sample_db)
    try:
        started = time.monotonic()
        with pytest.raises(connections.DatabaseBusy), connections.reading(str(sample_db), wait=0.5):
            pass
        assert 0.5 <= time.monotonic() - started < 3
    finally:
        held.release()
    with connections.reading(str(sample_db)) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchall()[0][0] > 0


def test_readers_and_a_writer_in_one_process_take_turns(sample_db: Path) -> None:
    """DuckDB refuses a read-only and a read-write connection to one file at once in one process: the app's
    own sessions wait for each other instead."""
    path = str(sample_db)
    order: list[str] = []
    reading_now = threading.Event()

    def write() -> None:
        reading_now.wait()
        with connections.writing(path) as con:
            order.append("write")
            con.execute("SELECT 1").fetchall()

    writer = threading.Thread(target=write)
    writer.start()
    with connections.reading(path) as con:
        reading_now.set()
        time.sleep(0.3)
        con.execute("SELECT 1").fetchall()
        order.append("read")
    writer.join(timeout=30)
    assert order == ["read", "write"]


def test_the_version_is_read_again_only_when_the_file_changed(sample_db: Path) -> None:
    path = str(sample_db)
    connections.forget()
    first = connections.current_version(path)
    with connections.reading(path) as con:  # reads leave the file as it was
        con.execute("SELECT count(*) FROM training_sessions").fetchall()
    assert connections._stamp(path) == connections._versions[path][0]
    assert connections.current_version(path) == first
    with connections.writing(path) as con:
        con.execute(
            "UPDATE uploads SET undone_at = now() WHERE upload_id = (SELECT max(upload_id) FROM uploads)"
        )
    assert connections.current_version(path) != first


def test_a_file_that_is_not_a_database_is_unreadable(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"hello\n" * 500)
    with pytest.raises(connections.DatabaseUnreadable), connections.reading(str(bad)):
        pass


def test_an_upload_waits_its_turn_and_says_so(
    app: Any, holder: Any, sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    from tests.test_app_upload import GOOD, XLSX

    at = open_app(app)
    at.switch_page("app_pages/upload.py").run()
    at.file_uploader(key="upload").upload("more-training.xlsx", GOOD, XLSX).run()
    assert not at.exception, at.exception
    said: list[str] = []
    real_info = st.info

    def info(body: Any, *args: Any, **kwargs: Any) -> Any:
        said.append(str(body))
        return real_info(body, *args, **kwargs)

    monkeypatch.setattr(st, "info", info)
    held = holder()
    threading.Timer(2.0, held.release).start()  # longer than a page waits (READ_WAIT)
    at.button(key="confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("Loaded more-training.xlsx as upload 6.")
    assert said == [changes.WAITING.format(what="your upload will be loaded")]
    assert connections.BUSY_MESSAGE not in [i.value for i in at.info]


HOLD_AFTER_A_CHANGE = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "con.execute('UPDATE uploads SET undone_at = now() WHERE upload_id = (SELECT max(upload_id) FROM uploads)')\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
    "con.close()\n"
)


def test_while_another_program_holds_the_file_a_page_keeps_the_version_it_read(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page run does not wait for the version: it keeps the last one read, and reads the new one after."""
    monkeypatch.setattr(connections, "READ_WAIT", 0.3)
    path = str(sample_db)
    connections.forget()
    first = connections.current_version(path)
    held = Holder(sample_db, HOLD_AFTER_A_CHANGE)
    try:
        assert connections._stamp(path) != connections._versions[path][0]  # the file changed
        assert connections.current_version(path) == first
        with pytest.raises(connections.DatabaseBusy):
            connections.current_version(path, fresh=True)
    finally:
        held.release()
    assert connections.current_version(path) != first


def test_a_page_run_opens_the_file_once_and_a_warm_one_not_at_all(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_app(app)
    opened: list[bool] = []
    real_connect = connections.duckdb.connect

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(bool(kwargs.get("read_only")))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(connections.duckdb, "connect", counting)
    monkeypatch.setattr(connections, "RUN_HOLD", 60.0)
    at.switch_page("app_pages/training.py").run()  # not yet cached: several queries, one connection
    assert not at.exception, at.exception
    assert opened == [True]
    opened.clear()
    at.run()
    assert opened == []
    # A long cold run lets go of the file between reads once it has held it RUN_HOLD seconds.
    monkeypatch.setattr(connections, "RUN_HOLD", 0.0)
    at.switch_page("app_pages/audits.py").run()
    assert not at.exception, at.exception
    assert len(opened) > 1 and all(opened)

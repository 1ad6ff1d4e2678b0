"""The audit log shows stored text as text: a terminal escape sequence, a newline or a right-to-left override in
a target change's reason, a file name or a user name is written out (ESC as \\x1b), in `pmf audit-log`, its
CSV and the Audit log page alike."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers.pmf_cli import run_pmf, write_book

from dashboard.core.control_chars import show_control_chars
from dashboard.core.db import connect
from dashboard.kpis.audit_log import audit_log
from dashboard.kpis.catalogue import load_catalogue
from dashboard.kpis.targets import set_target
from tests.helpers.apptest import open_app

ESC = "\x1b"
CLEAR_SCREEN = f"{ESC}[2J{ESC}[H"
TITLE = f"{ESC}]0;pwned\x07"  # an OSC sequence that retitles the terminal window
REASON = f"agreed {CLEAR_SCREEN}\nfake line\u202eevil"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text, unchanged: Ünïcödé – £5", "plain text, unchanged: Ünïcödé – £5"),
        (f"red {ESC}[31m", "red \\x1b[31m"),
        ("a\tb\r\nc\x00d\x7fe", "a\\x09b\\x0d\\x0ac\\x00d\\x7fe"),
        ("\x9b31m", "\\x9b31m"),  # the one-byte CSI of C1
        ("abc\u202edcba\u2066\u2028", "abc\\u202edcba\\u2066\\u2028"),
    ],
)
def test_control_characters_are_written_out(raw: str, shown: str) -> None:
    assert show_control_chars(raw) == shown


@pytest.fixture
def hostile_db(sample_db_template: Path, tmp_path: Path) -> Iterator[Path]:
    """The sample database with a target change whose reason, and an upload whose file and user names,
    hold terminal escape sequences (stored by an older version, or typed on the command line)."""
    path = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    try:
        tr02 = next(k for k in load_catalogue() if k.id == "TR02")
        set_target(con, tr02, 90, None, f"ada{TITLE}@example.org", REASON)
        con.execute(
            "INSERT INTO uploads VALUES (99, $at, $by, $file, 'x', 'upsert', NULL, NULL, NULL)",
            {"at": datetime(2020, 1, 1, 9, 0), "by": "mallory", "file": f"evil{CLEAR_SCREEN}.xlsx"},
        )
    finally:
        con.close()
    yield path


def test_audit_log_shows_escape_sequences_as_text(hostile_db: Path) -> None:
    con = duckdb.connect(str(hostile_db))
    try:
        log = audit_log(con)
    finally:
        con.close()
    change = log.iloc[0]
    assert change["user"] == "ada\\x1b]0;pwned\\x07@example.org"
    assert change["detail"] == "TR02 target 85 -> 90 (agreed \\x1b[2J\\x1b[H\\x0afake line\\u202eevil)"
    upload = log[log["user"] == "mallory"].iloc[0]
    assert upload["detail"] == "evil\\x1b[2J\\x1b[H.xlsx: nothing changed"
    for column in ("user", "action", "detail"):
        assert not log[column].str.contains(r"[\x00-\x1f\x7f-\x9f\u202e]", regex=True).any(), column


def test_pmf_audit_log_prints_no_control_characters(hostile_db: Path, tmp_path: Path) -> None:
    book = write_book(
        tmp_path / "one.xlsx",
        {
            "training_sessions": (
                [
                    "session_id",
                    "session_date",
                    "course_title",
                    "delivery_mode",
                    "locality",
                    "places_booked",
                    "attended",
                ],
                [["AUD-1", "20/11/2023", "Neglect", "Virtual", "Hartlepool", 10, 9]],
            )
        },
    )
    loaded = run_pmf("load", str(book), "--user", f"ann{TITLE}", db=hostile_db)
    assert loaded.returncode == 0, loaded
    run = run_pmf("audit-log", db=hostile_db)
    assert run.returncode == 0, run
    assert ESC not in run.stdout and "\x07" not in run.stdout and "\u202e" not in run.stdout
    lines = run.stdout.splitlines()
    assert lines[0].endswith("ann\\x1b]0;pwned\\x07  upload: one.xlsx: training_sessions 1 added, 0 replaced")
    assert lines[1].endswith(
        "ada\\x1b]0;pwned\\x07@example.org  target change: "
        "TR02 target 85 -> 90 (agreed \\x1b[2J\\x1b[H\\x0afake line\\u202eevil)"
    )
    csv_text = run_pmf("audit-log", "--format", "csv", db=hostile_db).stdout
    assert ESC not in csv_text and "\\x1b[2J" in csv_text


def test_audit_log_page_shows_escape_sequences_as_text(app: Any, sample_db: Path) -> None:
    con = connect(sample_db)
    try:
        tr02 = next(k for k in load_catalogue() if k.id == "TR02")
        set_target(con, tr02, 90, None, "ada@example.org", REASON)
    finally:
        con.close()
    at = open_app(app)
    at.switch_page("app_pages/audit_log.py").run()
    assert not at.exception
    log = at.dataframe[0].value
    assert log.iloc[0]["What"] == "TR02 target 85 -> 90 (agreed \\x1b[2J\\x1b[H\\x0afake line\\u202eevil)"

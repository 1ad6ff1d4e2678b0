"""Tables as people read them: words for headers, dates as dates, blanks as a dash (issue 14)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.core.readable import BLANK, header_words, readable_table

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def test_the_issues_columns_read_as_words() -> None:
    assert header_words("review_id") == "Review"
    assert header_words("rr_completed_date") == "Rapid review completed"
    assert header_words("counts_as") == "Counts as"
    assert header_words("upload_id") == "Upload"
    assert header_words("replaced_dataset") == "Dataset replaced"
    assert header_words("places_offered") == "Places offered"
    assert header_words("Hartlepool: value") == "Hartlepool: value"  # already words


def test_every_column_the_record_queries_return_has_a_header_in_words() -> None:
    names: set[str] = set()
    for path in [
        *QUERIES.glob("kpi/*.records.sql"),
        *QUERIES.glob("areas/*.sql"),
        QUERIES / "uploads/history.sql",
    ]:
        body = re.sub(r"--[^\n]*", "", path.read_text())
        names |= set(re.findall(r"\bAS\s+([a-z][a-z0-9_]*)\b", body))
        names |= set(re.findall(r"(?m)^\s+(?:[a-z]\.)?([a-z][a-z0-9_]*),?$", body))
    names -= {"d", "r", "s", "a", "k", "p", "t"}  # table aliases
    for name in sorted(names):
        words = header_words(name)
        assert "_" not in words and words[:1].isupper(), (name, words)


def test_dates_blanks_and_numbers_read_as_a_person_expects() -> None:
    frame = pd.DataFrame(
        {
            "review_id": ["KLT", "RV"],
            "notification_date": pd.to_datetime(["2023-09-25", None]),
            "uploaded_at": [datetime(2024, 1, 12, 10, 3), None],
            "review_date": [date(2023, 11, 3), None],
            "working_days": [12.0, np.nan],
            "attended": [1234, 5],
            "replaced_dataset": [None, "audits"],
            "rr_extension_agreed": [True, False],
        }
    )
    table = readable_table(frame)
    shown = table.frame
    assert list(shown.columns) == [
        "Review",
        "Notified",
        "When",
        "Review date",
        "Working days",
        "Attended",
        "Dataset replaced",
        "Longer timescale agreed",
    ]
    assert list(shown["Notified"]) == ["25 Sep 2023", BLANK]
    assert list(shown["When"]) == ["12 Jan 2024 10:03", BLANK]
    assert list(shown["Review date"]) == ["3 Nov 2023", BLANK]
    assert list(shown["Working days"]) == ["12", BLANK]
    assert list(shown["Attended"]) == [1234, 5]
    assert list(shown["Dataset replaced"]) == [BLANK, "audits"]
    assert list(shown["Longer timescale agreed"]) == ["Yes", "No"]
    assert table.numeric == ("Working days", "Attended")
    text = shown.astype(str).to_string()
    for bad in ("00:00:00", "None", "nan", "NaT"):
        assert bad not in text

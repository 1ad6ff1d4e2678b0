"""Tables as a person reads them: words for headers, dates as dates, blanks as a dash, numbers right-aligned.

Every table a page, a download or a report shows to a person goes through readable_table: a column called
`rr_completed_date` is headed "Rapid review completed", a timestamp `2023-09-25 00:00:00` reads "25 Sep 2023"
(with the time only when there is one: "12 Jan 2024 10:03"), and None, NaN and NaT read "–". Numbers stay
numbers (so that they sort and align right); the columns to right-align are named in `numeric`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

BLANK = "–"

#: Headers said in words. A name not listed here is read by rule (header_words): these are the ones the rule
#: would say badly.
COLUMN_WORDS: dict[str, str] = {
    "review_id": "Review",
    "session_id": "Session",
    "audit_id": "Audit",
    "action_id": "Action reference",
    "update_id": "Update reference",
    "upload_id": "Upload",
    "case_ref": "Case",
    "kpi": "KPI",
    "rag": "RAG",
    "counts_as": "Counts as",
    "la_aware_date": "Local authority aware",
    "notification_date": "Notified",
    "notification_due_date": "Notification due",
    "notification_working_days": "Working days to notify",
    "notification_status": "Notification",
    "rr_completed_date": "Rapid review completed",
    "rr_due_date": "Rapid review due",
    "rr_working_days": "Working days to rapid review",
    "rr_extension_agreed": "Longer timescale agreed",
    "rr_outcome": "Rapid review outcome",
    "rr_status": "Rapid review",
    "lcspr_decision_date": "LCSPR decided",
    "lcspr_due_date": "LCSPR due",
    "lcspr_completed_date": "LCSPR completed",
    "lcspr_published_date": "LCSPR published",
    "lcspr_status": "LCSPR",
    "final_report_date": "Final report",
    "learning_event_date": "Learning event",
    "recall_event_date": "Recall event",
    "panel_response_date": "Panel responded",
    "exec_report_date": "Report to the Exec group",
    "session_date": "Date",
    "audit_date": "Audit date",
    "target_date": "Target date",
    "date_agreed": "Agreed",
    "completed_date": "Completed",
    "event_date": "Event date",
    "review_date": "Review date",
    "deadline": "Deadline",
    "days_overdue": "Days overdue",
    "days_past_deadline": "Days past the deadline",
    "did_not_attend": "Did not attend",
    "did_not_attend_rate_percent": "Did not attend (%)",
    "dna_booked": "Booked (for did not attend)",
    "attendance_rate_percent": "Attendance (%)",
    "fill_rate_percent": "Places filled (%)",
    "fill_booked": "Booked (for places filled)",
    "fill_offered": "Offered (for places filled)",
    "good_or_better_pct": "Good or better (%)",
    "pre_confidence_avg": "Confidence before (average, 1 to 5)",
    "post_confidence_avg": "Confidence after (average, 1 to 5)",
    "pre_confidence": "Confidence before (1 to 5)",
    "post_confidence": "Confidence after (1 to 5)",
    "uplift": "Confidence uplift (points)",
    "elearning": "E-learning",
    "elearning_completions": "E-learning completions",
    "is_open": "Open",
    "journey_start": "From",
    "journey_end": "To",
    "uploaded_at": "When",
    "uploaded_by": "Who",
    "undone_at": "Undone",
    "undone_by": "Undone by",
    "file_hash": "File fingerprint (SHA-256)",
    "replaced_dataset": "Dataset replaced",
    "mode": "Kind",
    "written_at": "Written",
    "written_by": "Written by",
}

_ABBREVIATIONS = {
    "rr": "rapid review",
    "la": "local authority",
    "lcspr": "LCSPR",
    "kpi": "KPI",
    "rag": "RAG",
    "pct": "(%)",
    "percent": "(%)",
    "avg": "average",
    "num": "number",
    "dna": "did not attend",
    "id": "reference",
    "exec": "Exec group",
}


def header_words(name: str) -> str:
    """A column name in words: COLUMN_WORDS, else the name with its abbreviations spelled out, capitalised
    ("places_offered" -> "Places offered", "review_count" -> "Review count"). Words already written as
    words ("Value", "Hartlepool: value") are kept."""
    if name in COLUMN_WORDS:
        return COLUMN_WORDS[name]
    if not re.fullmatch(r"[a-z0-9_]+", name):
        return name
    words = [_ABBREVIATIONS.get(part, part) for part in name.split("_") if part]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else name


@dataclass(frozen=True)
class ReadableTable:
    frame: pd.DataFrame  # headers in words; dates, timestamps and blanks as text; numbers as numbers
    numeric: tuple[str, ...]  # the (renamed) columns that hold numbers: align them right


def is_blank(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "None", "nan", "NaT", "<NA>")


def date_text(value: Any) -> str:
    """13 Nov 2023 (3 Dec 2026: no leading zero); a timestamp with a time of day keeps it (12 Jan 2024 10:03); a blank is "–"."""
    if is_blank(value):
        return BLANK
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return f"{value.day} {value:%b %Y}"
        return f"{value.day} {value:%b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    return str(value)


def _cell_text(value: Any) -> Any:
    if is_blank(value):
        return BLANK
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return date_text(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def _is_date_column(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    sample = series.dropna()
    return not sample.empty and all(isinstance(v, (date, datetime, pd.Timestamp)) for v in sample.head(50))


_ONCE_PER_VALUE = frozenset({"string", "date", "datetime", "datetime64", "empty"})


def each_value(series: pd.Series, text: Callable[[Any], Any]) -> pd.Series:
    """text(v) for every value of `series`, as an object column. A column of text or dates (a long table
    repeats its dates, places and states) is worked out once per distinct value; any other column value by
    value (1, 1.0 and True are equal as keys, and must not share a text)."""
    if pd.api.types.infer_dtype(series, skipna=True) not in _ONCE_PER_VALUE:
        return pd.Series([text(v) for v in series], index=series.index, dtype=object)
    codes, distinct = pd.factorize(series.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    texts = np.empty(len(distinct) + 1, dtype=object)
    texts[:-1] = [text(v) for v in distinct]
    texts[-1] = text(None)  # code -1: a blank
    return pd.Series(texts[codes], index=series.index, dtype=object)


def readable_table(frame: pd.DataFrame, words: Mapping[str, str] | None = None) -> ReadableTable:
    """`frame` as a person reads it (the module docstring); `words` overrides headers of this table."""
    out: dict[str, pd.Series] = {}
    numeric: list[str] = []
    for name in frame.columns:
        series = frame[name]
        header = (words or {}).get(str(name)) or header_words(str(name))
        if _is_date_column(series):
            out[header] = each_value(series, date_text)
        elif pd.api.types.is_bool_dtype(series):
            out[header] = pd.Series([_cell_text(v) for v in series], index=frame.index, dtype=object)
        elif pd.api.types.is_numeric_dtype(series):
            if series.isna().any():
                out[header] = pd.Series(  # all text: a column of numbers and dashes is one type
                    [BLANK if is_blank(v) else number_text(v) for v in series],
                    index=frame.index,
                    dtype=object,
                )
            else:
                out[header] = series
            numeric.append(header)
        else:
            out[header] = each_value(series, _cell_text)
    return ReadableTable(pd.DataFrame(out, index=frame.index), tuple(numeric))


def number_text(value: Any) -> str:
    """15.0 -> "15", 1234 -> "1,234", 66.666 -> "66.7"."""
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.1f}"


def csv_frame(frame: pd.DataFrame, words: Mapping[str, str] | None = None) -> pd.DataFrame:
    """`frame` for a CSV a person opens in Excel: headers in words, dates as "25 Sep 2023", yes/no for
    true/false, blanks empty; numbers stay numbers (so that Excel sums and sorts them)."""
    out: dict[str, pd.Series] = {}
    for name in frame.columns:
        header = (words or {}).get(str(name)) or header_words(str(name))
        series = frame[name]
        if pd.api.types.is_bool_dtype(series):
            out[header] = series.map(lambda v: "" if is_blank(v) else ("Yes" if v else "No")).astype(object)
        elif pd.api.types.is_numeric_dtype(series):
            out[header] = series
        else:
            out[header] = pd.Series([_csv_cell(v) for v in series], index=frame.index, dtype=object)
    return pd.DataFrame(out, index=frame.index)


def _csv_cell(value: object) -> object:
    if is_blank(value):
        return ""
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return date_text(value)
    return value

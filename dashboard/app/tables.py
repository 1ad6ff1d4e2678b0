"""Tables as the pages show them: every table a person reads goes through dashboard.core.readable first.

Headers are words ("Rapid review completed", never `rr_completed_date`), dates read "25 Sep 2023" (never
"2023-09-25 00:00:00"), blanks read "–" (never None, nan, NaT or <NA>) and numbers are right-aligned. A table
can be shown whole (`whole=True`: its height holds every row, so nobody scrolls inside a box to read it), and
its CSV download (components.csv_download, through dashboard.core.readable.csv_frame) carries the same words while its numbers stay
numbers for Excel.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard.app import components
from dashboard.core.readable import BLANK, header_words, is_blank, readable_table

ROW_HEIGHT = 35  # st.dataframe's row height in pixels (the header row is as tall)
WHOLE_MAX_ROWS = 100  # beyond this a table is not shown whole: the page would be too long to find anything


def whole_height(rows: int) -> int:
    """The height of an st.dataframe that holds a header and `rows` rows without scrolling inside it."""
    return (rows + 1) * ROW_HEIGHT + 3


#: Text that reads as a number ("15", "90.6%", "+0.9 pts", "-2", "31 days", "2 of 2", "345 / 381", "n = 13",
#: "+1.24"; a target column's "no target"), aligned right like the numbers themselves; "–" goes either way.
NUMBER_TEXT = re.compile(
    r"[+\-−]?[\d,]+(\.\d+)?( ?%| pts| days?| points)?|\d[\d,]* (of|/) [\d,]+|n = [\d,]+|no target"
)


def reads_as_numbers(series: pd.Series) -> bool:
    """A column of text whose every value (blanks aside) reads as a number, so it is aligned right. Each
    distinct value is judged once (a long table repeats its values)."""
    try:
        distinct = pd.unique(series.to_numpy(dtype=object, na_value=None))
    except TypeError:  # lists (a sparkline column): not text
        return False
    values = [v for v in distinct if not is_blank(v) and v != BLANK]
    return bool(values) and all(isinstance(v, str) and NUMBER_TEXT.fullmatch(v.strip()) for v in values)


def words_of(frame: pd.DataFrame, words: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each column's header in words (`words` first, then dashboard.core.readable.header_words)."""
    return {str(c): (words or {}).get(str(c)) or header_words(str(c)) for c in frame.columns}


_MADE: dict[int, tuple[weakref.ref[pd.DataFrame], tuple[tuple[str, str], ...], pd.DataFrame, list[str]]] = {}
_MADE_MAX = 64


def readable(frame: pd.DataFrame, words: Mapping[str, str] | None) -> tuple[pd.DataFrame, list[str]]:
    """The readable frame and its right-aligned columns (what `show` shows), made once per frame object: a table handed out by
    a cached view (st.cache_resource, read-only) is the same object on every rerun, and making a national
    table readable again on each rerun took most of a second."""
    wording = tuple(sorted((words or {}).items()))
    held = _MADE.get(id(frame))
    if held is not None and held[0]() is frame and held[1] == wording:
        return held[2], held[3]
    readable = readable_table(frame, words)
    shown = readable.frame
    right = [
        *readable.numeric,
        *(c for c in shown.columns if c not in readable.numeric and reads_as_numbers(shown[c])),
    ]
    if len(_MADE) >= _MADE_MAX:
        _MADE.pop(next(iter(_MADE)))
    _MADE[id(frame)] = (weakref.ref(frame), wording, shown, right)
    return shown, right


def show(
    frame: pd.DataFrame,
    key: str,
    *,
    words: Mapping[str, str] | None = None,
    rag_columns: Sequence[str] = (),
    whole: bool = False,
    column_config: Mapping[str, Any] | None = None,
    style: Callable[[object], str] | None = None,
) -> pd.DataFrame:
    """`frame` as an st.dataframe a person reads (the module docstring); the readable frame shown.

    `rag_columns` (original names) are coloured as well as worded (by `style`, value -> CSS, when given, else
    as RAG); `column_config` is keyed by the readable headers and wins over the right alignment given to every
    numeric column."""
    shown, right = readable(frame, words)
    renamed = words_of(frame, words)
    config: dict[str, Any] = {name: st.column_config.Column(name, alignment="right") for name in right}
    config.update({name: _for_text(shown, name, given) for name, given in (column_config or {}).items()})
    height: int | Literal["auto"] = (
        whole_height(len(shown)) if whole and len(shown) <= WHOLE_MAX_ROWS else "auto"
    )
    coloured = [renamed.get(c, c) for c in rag_columns]
    st.dataframe(
        components.styled_map(shown, style, coloured) if style else components.styled(shown, coloured),
        hide_index=True,
        key=key,
        column_config=config,
        height=height,
    )
    return shown


def _for_text(shown: pd.DataFrame, name: str, given: Any) -> Any:
    """A page's number or date column configuration, for a column that readable_table turned into text (a
    number column with blanks, which read "–"; dates, which read "13 Nov 2023"): its label and help kept,
    aligned right, without the number or date type a text column cannot take."""
    if not isinstance(given, dict) or name not in shown.columns or shown[name].dtype != object:
        return given
    kind = (given.get("type_config") or {}).get("type")
    if kind not in ("number", "date", "datetime"):
        return given
    return {**{k: v for k, v in given.items() if k != "type_config"}, "alignment": "right"}

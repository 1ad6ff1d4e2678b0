"""Small rendering helpers shared by the pages."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.app.connections import BUSY_MESSAGE
from dashboard.app.filters import Filters
from dashboard.charts import RAG_COLOURS, locality_colours
from dashboard.core.config import settings
from dashboard.core.readable import csv_frame
from dashboard.core.text import is_missing, uk_date
from dashboard.ingest.workflow import as_text

NO_DATA = "No data for this period."
RETRY_SECONDS = 3.0  # how long a page that found the database busy waits before it runs again


def pause(seconds: float) -> None:
    time.sleep(seconds)


def busy_then_retry() -> NoReturn:
    """Another program is writing to the database: say so in one sentence, wait a little, run again."""
    st.info(BUSY_MESSAGE, icon=":material/hourglass_top:")
    pause(RETRY_SECONDS)
    st.rerun()


def page_header(title: str, filters: Filters, what: str = "") -> None:
    st.title(title)
    where = filters.locality_label + (", localities compared" if filters.compare else "")
    st.caption(
        f"{filters.period.label} ({uk_date(filters.period.start)} to {uk_date(filters.period.end)}) · {where}"
        + (f" · {what}" if what else "")
    )


def colours() -> dict[str, str]:
    return locality_colours(settings().all_localities)


def chart(fig: go.Figure, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def _rag_style(value: object) -> str:
    text = str(value)
    for rag, colour in RAG_COLOURS.items():
        if text.endswith(rag):
            return f"color: {colour}; font-weight: 600"
    return ""


# Colouring cells goes through a pandas Styler, which refuses more than 262,144 cells
# (styler.render.max_elements) and is slow long before that. Larger tables are shown plain: every RAG and
# timeliness cell says its symbol and word, so the colour is never the only carrier of meaning.
STYLE_MAX_CELLS = 20_000


def colourable(frame: pd.DataFrame) -> bool:
    return frame.size <= STYLE_MAX_CELLS


def styled_map(frame: pd.DataFrame, style: Callable[[object], str], columns: list[str]) -> object:
    """`frame` with `style` (value -> CSS) applied to `columns`; the frame itself when it is too large."""
    present = [c for c in columns if c in frame.columns]
    return frame.style.map(style, subset=present) if present and colourable(frame) else frame


def styled(frame: pd.DataFrame, rag_columns: list[str]) -> object:
    """RAG cells coloured as well as worded (the word and symbol carry the meaning)."""
    return styled_map(frame, _rag_style, rag_columns)


def csv_download(frame: pd.DataFrame, name: str, key: str, words: Mapping[str, str] | None = None) -> None:
    """A CSV download whose bytes are made only when the button is clicked, not on every rerun. A person
    opens it in Excel, so its headers are words and its dates dates, as on the page (csv_frame; `words`
    overrides headers), its numbers numbers. Everything the pages show is internal, so the file's name
    carries the marking: 'x-OFFICIAL-SENSITIVE.csv'."""
    from dashboard.core.exports import csv_bytes
    from dashboard.publish.suppression import marked_file_name

    st.download_button(
        "Download CSV",
        lambda: csv_bytes(csv_frame(frame, words)),
        file_name=marked_file_name(name.removesuffix(".csv"), ".csv"),
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


def short_date(day: date | datetime | pd.Timestamp | None) -> str:
    """13 Nov 2023 ("" when there is none)."""
    if day is None or is_missing(day):
        return ""
    return f"{day.day} {day.strftime('%b %Y')}"


#: Where Markdown (GFM) would turn plain text into a link by itself (an e-mail address, www., a scheme's
#: ":"), no escape stops it; an invisible WORD JOINER (U+2060) there does, and the text reads the same.
_AUTOLINK = re.compile(r"(@)|(?i:\b(www|https?|ftp|mailto)(?=\\?[.:]))")
WORD_JOINER = "\u2060"


def _no_autolink(line: str) -> str:
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, line)


def plain_text(text: object) -> str:
    """Text a person wrote (commentary, an update) for st.markdown, shown exactly as written: every line
    escaped (no Markdown, no HTML, no address turned into a link), line breaks kept."""
    lines = [_no_autolink(as_text(line).replace("&", "&amp;")) for line in str(text).splitlines()]
    # A line of "=" under another would make it a heading: escaped like the rest.
    return "  \n".join("\\" + line if line.startswith("=") else line for line in lines)


URL_SAFE = "/:?#&=%-_.~+,;@!$"  # kept in a link's address; anything else (spaces, brackets) percent-encoded


def link_markdown(address: object) -> str:
    """An https:// address as a link showing the address itself; anything else as plain text (the upload
    rules accept https:// only, and the page never trusts that alone)."""
    text = str(address).strip()
    if not text.lower().startswith("https://"):
        return as_text(text)
    return f"[{as_text(text)}]({quote(text, safe=URL_SAFE)})"


def problem_lines(report: object) -> list[str]:
    """The errors of a rejected form (an UploadReport) as "column: reason", shown as written."""
    errors = getattr(report, "errors", [])
    return [as_text(f"{p.column}: {p.reason}" if p.column else p.reason) for p in errors]


DOCS = Path(__file__).resolve().parents[2] / "docs"  # the project's guides: upload-format.md, kpis.md


def show_doc(name: str, key: str) -> None:
    """A guide of the project's docs/ folder, its wide tables scrolling inside their own box on a phone
    (never cut off, never widening the page)."""
    text = project_doc(name)
    if text is None:
        return
    st.markdown(
        f"<style>.st-key-{key} table {{ display: block; overflow-x: auto; max-width: 100%; }}</style>",
        unsafe_allow_html=True,
    )
    with st.container(key=key):
        st.markdown(text)


def project_doc(name: str) -> str | None:
    """A guide of the project's docs/ folder as Markdown, without its generator's comment and with its
    headings two levels down, to sit inside a page (None when the
    project's docs/ folder is not beside the package, as in an installed copy)."""
    try:
        text = (DOCS / name).read_text(encoding="utf-8")
    except OSError:
        return None
    text = re.sub(r"\A<!--.*?-->\s*", "", text, flags=re.S)
    return re.sub(r"^(#{1,4}) ", r"##\1 ", text, flags=re.M)  # its headings under the page's


class Stages:
    """Progress by stage for long work: `stages(label, fraction)` shows an st.status box titled `title` (made
    at the first stage, so work that turns out quick or cached shows nothing) naming each stage as it starts,
    with a progress bar; `done(label)` closes it. Passed as a `progress: Callable[[str, float], None]`."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.box: Any = None
        self.bar: Any = None

    def __call__(self, label: str, fraction: float) -> None:
        if self.box is None:
            self.box = st.status(self.title, expanded=True)
            self.bar = self.box.progress(0.0)
        self.box.update(label=f"{self.title}: {label}")
        self.box.write(label)
        self.bar.progress(min(max(fraction, 0.0), 1.0))

    def done(self, label: str) -> None:
        if self.box is not None:
            self.bar.progress(1.0)
            self.box.update(label=label, state="complete", expanded=False)

    def failed(self, label: str) -> None:
        if self.box is not None:
            self.box.update(label=label, state="error", expanded=False)


def refill(marker: str, wanted: object, values: Mapping[str, object]) -> None:
    """Put `values` (widget key -> value: what is stored) into a form's widgets when the form is now for
    something else (`wanted`, e.g. the KPI, quarter and locality, differs from what it was filled for), or
    when what is stored changed while the form still holds what it was filled with. What a user has typed
    and submitted is never replaced, so a Save writes what they typed even if the data moved meanwhile.
    After a save, drop `marker` from st.session_state so that the form is filled from what was stored."""
    held = st.session_state.get(marker)
    if held is not None and held[0] == wanted:
        filled = held[1]
        typed = any(st.session_state.get(key) != value for key, value in filled.items())
        if typed or dict(values) == filled:
            return
    st.session_state[marker] = (wanted, dict(values))
    for key, value in values.items():
        st.session_state[key] = value

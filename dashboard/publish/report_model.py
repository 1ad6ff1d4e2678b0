"""What the report's template is given: sections made of paragraphs, tables, figures and lists, as data.

Python decides what the report says (the section builders in report_cases.py, report_activity.py and
report_scorecard.py); templates/report.html.j2 decides how it looks, with autoescape on, so no text from an
upload is ever written into the page unescaped. The only markup made in Python is Plotly's chart (a div and
its script), which is marked safe where it is made.

Whether a section is kept on one printed page comes from its data (`Section.keep`): no chart and few table
rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

import duckdb
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from dashboard.charts import ALL_LOCALITIES, RAG_COLOURS
from dashboard.core.config import Settings
from dashboard.core.periods import Period
from dashboard.core.text import as_count, as_date, format_count, is_missing, rag_label, uk_date
from dashboard.kpis.signoff import SignOff
from dashboard.publish.report_words import span_of

# A4 is 210 mm wide; with 15 mm margins 180 mm are left: 680 CSS pixels (96 per inch).
CHART_WIDTH = 680
# A section with no chart and at most this many table rows (headers included) is kept on one printed page.
KEEP_ROWS = 12


# --- blocks ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: str
    css: str = ""
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Rag:
    """A RAG status in a table cell: a coloured badge with its symbol and word."""

    status: str

    @property
    def label(self) -> str:
        return rag_label(self.status)

    @property
    def css(self) -> str:
        return f"rag rag-{self.status.lower()}"


Cell = str | Rag


@dataclass(frozen=True)
class Column:
    name: str
    css: str = ""


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    css: str = ""


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[Column]
    rows: list[Row]
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Figure:
    chart: Markup  # Plotly's div and script, made by Plotly from the figure's data
    caption: str
    values: Table | None = None  # the chart's values as a table, for a document that cannot draw it (Word)
    kind: ClassVar[str] = "figure"


@dataclass(frozen=True)
class CaseItem:
    lead: str
    sentence: str


@dataclass(frozen=True)
class CaseList:
    items: list[CaseItem]
    kind: ClassVar[str] = "cases"


@dataclass(frozen=True)
class TitledBlock:
    """A heading and its paragraphs (one LCSPR, one audit)."""

    title: str
    paragraphs: list[Paragraph]
    kind: ClassVar[str] = "block"


@dataclass(frozen=True)
class TitledList:
    title: str
    items: list[str]
    kind: ClassVar[str] = "list"


@dataclass(frozen=True)
class UpdateItem:
    """One partnership update (or one KPI's commentary) as a list item: an optional bold lead, its text, and
    a link (an https:// address, checked by `https_link`; anything else is shown as no link)."""

    text: str
    lead: str = ""
    link: str | None = None
    link_text: str = ""  # the words the link is on (default: the address itself)
    note: str = ""  # a status or a flag, shown after the lead in a badge ("On track", "No commentary yet")
    flag: bool = False  # the note asks for attention (shown in red, and in words)

    @property
    def href(self) -> str | None:
        return https_link(self.link)


@dataclass(frozen=True)
class UpdateList:
    """A list of updates under an optional heading: the newsletter's "1. Engagement of Children and Young
    People (On track)" and its bullets; the procedures reviewed; the e-bulletins."""

    title: str
    items: list[UpdateItem]
    number: int | None = None  # the newsletter numbers the work streams and each priority's strands
    note: str = ""  # the heading's status ("On track")
    bullets: bool = True  # False: a paragraph each (the training programme's text)
    kind: ClassVar[str] = "updates"

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.number is not None and self.title else self.title


Block = Paragraph | Table | Figure | CaseList | TitledBlock | TitledList | UpdateList


def https_link(address: object) -> str | None:
    """The address when it is a plain https:// address (no spaces, quotes or angle brackets); else None: a
    `javascript:` or `http:` link, or anything odd, is never made a link (the contract refuses them on upload;
    this is the second line)."""
    if not isinstance(address, str):
        return None
    text = address.strip()
    if not re.fullmatch(r"https://[^\s\"'<>`\\]+", text, flags=re.IGNORECASE):
        return None
    return text


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: Sequence[Block]
    css: str | None = None  # None: "keep" when the section is short

    @property
    def keep(self) -> bool:
        """A short section (no chart, few table rows) is kept on one page when printed; a longer one may run
        over a page break, but never through a chart, a table or a block of text."""
        if any(isinstance(b, Figure) for b in self.blocks):
            return False
        return sum(len(b.rows) + 1 for b in self.blocks if isinstance(b, Table)) <= KEEP_ROWS

    @property
    def css_class(self) -> str:
        if self.css is not None:
            return self.css
        return "keep" if self.keep else ""


def paragraph(text: str | None, css: str = "") -> list[Paragraph]:
    """A paragraph, or none for no text (to splice into a list of blocks)."""
    return [Paragraph(text, css)] if text else []


def paragraphs(texts: Iterable[str | None]) -> list[Paragraph]:
    return [Paragraph(t) for t in texts if t]


# --- tables ----------------------------------------------------------------------------------------------


def cell_text(value: Any) -> Cell:
    """A table cell: counts with thousands separators, 'c' as it is, dates in UK form, a RAG as it is."""
    if isinstance(value, str | Rag):
        return value
    if value is None or is_missing(value):
        return "–"
    if isinstance(value, pd.Timestamp | date):
        return uk_date(as_date(value))
    if isinstance(value, int | float):
        return format_count(value)
    return str(value)


def rag_cell(rag: object) -> Cell:
    return Rag(rag) if isinstance(rag, str) and rag in RAG_COLOURS else "–"


def table_of(
    frame: pd.DataFrame,
    caption: str = "",
    numeric: Iterable[str] = (),
    total_rows: Iterable[Any] = (),
    row_classes: Sequence[str] | None = None,
    nowrap: Iterable[str] = (),
) -> Table:
    """A plain table from a frame (its index labels name the total rows). Numeric columns are right-aligned
    and, like `nowrap` columns, never wrapped."""
    numeric, totals, unwrapped = set(numeric), set(total_rows), set(nowrap)

    def css(column: str) -> str:
        return " ".join(
            name for name, on in (("num", column in numeric), ("nowrap", column in unwrapped)) if on
        )

    columns = [Column(str(c), css(c)) for c in frame.columns]
    rows = []
    for k, (label, record) in enumerate(
        zip(frame.index, frame.itertuples(index=False, name=None), strict=True)
    ):
        classes = ["total"] if label in totals else []
        if row_classes is not None and row_classes[k]:
            classes.append(row_classes[k])
        rows.append(Row([cell_text(v) for v in record], " ".join(classes)))
    return Table(caption, columns, rows)


# --- charts ----------------------------------------------------------------------------------------------


@dataclass
class Charts:
    """The page's charts: each a fixed-size div and the script that draws it (Plotly JS is in the head)."""

    count: int = 0

    def figure(
        self, fig: go.Figure, caption: str, height: int | None = None, values: Table | None = None
    ) -> Figure:
        fig.update_layout(
            width=CHART_WIDTH,
            height=height or fig.layout.height or 380,
            autosize=False,
            hovermode=fig.layout.hovermode or "closest",
        )
        self.count += 1
        div = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{self.count}",
            config={"displayModeBar": False, "responsive": False, "displaylogo": False},
        )
        return Figure(Markup(div), caption, values)  # noqa: S704 - Plotly's own markup, its data JSON-encoded


# --- the context the section builders share --------------------------------------------------------------


@dataclass
class ReportContext:
    con: duckdb.DuckDBPyConnection
    period: Period
    settings: Settings
    locality: str | None
    publish: bool
    charts: Charts = field(default_factory=Charts)
    any_secondary: bool = False
    left_out: list[str] = field(default_factory=list)
    published: pd.DataFrame | None = None  # publishing: the KPI rows under the publication rule
    kind: str = "quarterly"  # or "executive"
    signoff: SignOff | None = None  # the period's sign-off, when it is signed off
    commentary: pd.DataFrame | None = None  # the commentary the report may show (report_commentary.py)
    revised: dict[tuple[str, str | None], tuple[Any, datetime]] = field(default_factory=dict)
    # (kpi, category) -> (signed-off value, when) for each figure of the report's place moved since sign-off

    @property
    def case_split_withheld(self) -> bool:
        """Publishing a locality's report: case data is published for the partnership as a whole only."""
        return self.publish and self.locality is not None

    @property
    def threshold(self) -> int | None:
        return self.settings.suppression_threshold if self.publish else None

    @property
    def span(self) -> str:
        return span_of(self.period)

    @property
    def place(self) -> str:
        return self.locality or ALL_LOCALITIES

    def own_rows(self, kpi_rows: pd.DataFrame) -> pd.DataFrame:
        """The KPI rows of the report's locality (None: of all localities together)."""
        place = kpi_rows["locality"]
        return kpi_rows[place.isna() if self.locality is None else place == self.locality]


def kpi_row(card: pd.DataFrame, kpi: str) -> pd.Series | None:
    rows = card[(card["kpi"] == kpi) & card["category"].isna()]
    return None if rows.empty else rows.iloc[0]


def kpi_categories(card: pd.DataFrame, kpi: str) -> dict[str, int]:
    rows = card[(card["kpi"] == kpi) & card["category"].notna()]
    return {str(c): as_count(v) for c, v in zip(rows["category"], rows["value"], strict=True)}


def in_period(value: Any, period: Period) -> bool:
    day = as_date(value)
    return day is not None and period.start <= day <= period.end

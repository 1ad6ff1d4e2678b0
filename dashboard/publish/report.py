"""The partnership's performance report for one period: one self-contained HTML file, printable on A4; also
as PDF (pdf.py) and Word (report_docx.py), all three from one ReportDocument (`report_document`).

Two kinds (REPORT_KINDS): "quarterly", the newsletter's sections in its order, the partnership updates among
them (report_cycle.py), then the action plan, the scorecard with commentary and revisions since sign-off
(report_commentary.py) and the notes; "executive", what needs attention first (report_executive.py).

The report writes the numbers part of the partnership's quarterly newsletter
from the data, in the newsletter's order: serious incident notifications and rapid reviews, LCSPR updates,
multi-agency audits, training, the action plan, and the KPI scorecard with RAG and the change from a year
before. Sentences are generated with correct singular and plural and UK dates, from the perspective of the
period's last day (an event after it is "scheduled", not "took place"; a publication after it is not yet
known).

It reuses the area pages' core functions (kpis, training, audits, reviews, actions) and their SQL; it adds no
queries. Plotly's JavaScript is inlined once in the page head, so the file opens offline and can be emailed;
`report_pdf` (pdf.py) prints the same HTML to PDF with headless Chromium.

Two audiences:

* internal (default): real numbers, case references ("Child KLT") and the names reviews were published under;
* publication (`publish=True`), by the one rule of dashboard/publish/suppression.py (`publish_catalogue_rows`):
  activity (training, the action plan, the audits' samples) in full; case data (notifications, rapid reviews,
  LCSPRs, audited cases' grades) only for the partnership as a whole, never split by nature, outcome, grade or
  locality, with counts from 1 to `settings.suppression_threshold` shown as "c" in tables and "a small number
  (fewer than 6)" in sentences; no case references (a published LCSPR's public name may appear); a footnote
  says what was hidden and why.

The internal version is marked OFFICIAL-SENSITIVE at the top and bottom of every printed page.

How it is made: the sentences are plain text (report_words.py); the section builders (report_cases.py,
report_activity.py, report_scorecard.py) turn the data into paragraphs, tables and figures
(report_model.py); templates/report.html.j2 writes the page with Jinja2's autoescape on, so every piece of
text that came from an upload (titles, references, names, agencies) is escaped on output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from dashboard.areas import actions, reviews
from dashboard.areas.reviews import LCSPR_MONTHS, NOTIFICATION_WORKING_DAYS, RAPID_REVIEW_WORKING_DAYS
from dashboard.core.config import Settings, UnknownLocalityError
from dashboard.core.db import is_sample_database
from dashboard.core.periods import Period
from dashboard.core.text import uk_date
from dashboard.kpis.catalogue import compute_kpis, load_catalogue, scorecard_periods
from dashboard.publish.pdf import (
    DEFAULT_CHROMIUM,
    ChromiumNotFoundError,
    ReportError,
    report_pdf,
)
from dashboard.publish.report_activity import action_plan_section, training_section
from dashboard.publish.report_cases import (
    PARTNERSHIP_ONLY,
    audits_section,
    case_reviews_section,
    lcspr_section,
)
from dashboard.publish.report_commentary import load_review
from dashboard.publish.report_cycle import (
    later_sections,
    period_updates,
    training_programme_blocks,
    work_stream_sections,
)
from dashboard.publish.report_executive import executive_sections
from dashboard.publish.report_model import ReportContext, Section, paragraphs
from dashboard.publish.report_scorecard import scorecard_section
from dashboard.publish.report_words import join_words, small_number
from dashboard.publish.suppression import (
    PROTECTIVE_MARKING,
    SAMPLE_DATA_NOTICE,
    marked_file_name,
    publication_footnote,
    publish_catalogue_rows,
)

__all__ = [
    "DEFAULT_CHROMIUM",
    "EXECUTIVE_SECTION_IDS",
    "PARTNERSHIP_ONLY",
    "REPORT_KINDS",
    "SECTION_IDS",
    "ChromiumNotFoundError",
    "ReportDocument",
    "ReportError",
    "build_report",
    "report_document",
    "report_filename",
    "report_pdf",
]

ASSETS_DIR = Path(__file__).resolve().parent / "report_assets"
CSS_PATH = ASSETS_DIR / "report.css"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

REPORT_KINDS = ("quarterly", "executive")
PRIORITY_SECTIONS = "priority-"  # one section per priority: "priority-neglect"
# The quarterly report's sections in the newsletter's order (a section with no updates is left out, see
# report_cycle.py), then the action plan, the KPIs and the notes.
SECTION_IDS = (
    "case-reviews",
    "lcspr",
    "audits",
    "work-streams",
    PRIORITY_SECTIONS,
    "training",
    "conferences",
    "procedures",
    "key-events",
    "communications",
    "other",
    "action-plan",
    "scorecard",
    "notes",
)
INTERNAL_BADGE = (
    f"{PROTECTIVE_MARKING}. Internal: contains case references and small numbers. Not for publication."
)
PUBLISHED_BADGE = "For publication: case figures for the partnership as a whole, small numbers suppressed; no case references"
EXECUTIVE_SECTION_IDS = ("attention", "revisions", "trends", "updates-summary", "scorecard", "notes")


@cache
def report_templates() -> Environment:
    """The report's Jinja2 environment: autoescape on for every template, an unknown name an error."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _normalise_locality(settings: Settings, locality: str | None) -> str | None:
    """The locality the report is for (None: all), by Settings.resolve_locality; a blank name is all."""
    if locality is not None and not locality.strip():
        return None
    try:
        return settings.resolve_locality(locality)
    except UnknownLocalityError as exc:
        raise ReportError(
            f"{locality!r} is not a locality: choose one of {', '.join(settings.all_localities)}"
        ) from exc


def report_filename(
    period: Period,
    locality: str | None = None,
    publish: bool = False,
    prefix: str = "",
    kind: str = "quarterly",
    suffix: str = ".html",
) -> str:
    """'hsscp-report-2023-24-q3-hartlepool-OFFICIAL-SENSITIVE.html' (or '...-published.html'); the executive
    report 'hsscp-executive-report-2023-24-q3-OFFICIAL-SENSITIVE.docx'. `suffix`: '.html', '.pdf' or '.docx'."""
    parts = [
        prefix or "pmf",
        *(["executive"] if kind == "executive" else []),
        "report",
        period.label.replace(" ", "-"),
    ]
    if locality:
        parts.append(locality)
    slug = re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")
    return marked_file_name(slug, suffix, publish)


@dataclass
class ReportDocument:
    """A report as data: its header's facts and its sections, which the HTML page (build_report) and the
    Word document (report_docx.py) both write out."""

    ctx: ReportContext
    title: str  # the page's title: 'HSSCP performance report 2023-24 Q3'
    heading: str  # 'Performance report: 2023-24 Q3'
    partnership: str
    meta: str  # '1 October 2023 to 31 December 2023 · All localities · made on 3 December 2026'
    sample_notice: str
    sections: list[Section]

    @property
    def publish(self) -> bool:
        return self.ctx.publish

    @property
    def badge(self) -> str:
        """Which version this is, under the title."""
        return PUBLISHED_BADGE if self.publish else INTERNAL_BADGE


def report_document(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings,
    locality: str | None = None,
    publish: bool = False,
    kind: str = "quarterly",
) -> ReportDocument:
    """The report of one period (a quarter or a financial year) for one locality (None = all), as data.
    `kind` is 'quarterly' (the newsletter's sections) or 'executive' (what needs attention first).
    `publish=True` makes the publication version (small numbers suppressed, no case references or names).
    Raises ReportError for a locality that is not configured or an unknown kind."""
    if kind not in REPORT_KINDS:
        raise ReportError(f"{kind!r} is not a kind of report: choose one of {', '.join(REPORT_KINDS)}")
    ctx = ReportContext(con, period, settings, _normalise_locality(settings, locality), publish, kind=kind)
    table = compute_kpis(con, scorecard_periods(period), settings)
    own = ctx.own_rows(table)
    card = own[own["period"] == period.label].reset_index(drop=True)
    if publish:
        catalogue = load_catalogue()
        rule = publish_catalogue_rows(table, catalogue, settings.suppression_threshold)
        ctx.any_secondary |= rule.any_secondary
        ctx.left_out.extend(rule.withheld)
        ctx.published = ctx.own_rows(rule.table).reset_index(drop=True)
    load_review(ctx, table)
    updates = period_updates(ctx)
    if kind == "executive":
        sections = executive_sections(ctx, card, updates)
        sections.append(scorecard_section(ctx, table))
    else:
        sections = _quarterly_sections(ctx, table, card, updates)
    sections.append(_notes_section(ctx))  # last: it says what the sections before it left out
    return _document(ctx, sections)


def build_report(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings,
    locality: str | None = None,
    publish: bool = False,
    kind: str = "quarterly",
) -> str:
    """The report (report_document) as one self-contained HTML document."""
    return _render(report_document(con, period, settings, locality, publish, kind))


def _quarterly_sections(
    ctx: ReportContext, table: pd.DataFrame, card: pd.DataFrame, updates: pd.DataFrame
) -> list[Section]:
    period = ctx.period
    as_at = actions.as_at_date(period.end)
    plan = actions.action_plan(ctx.con, as_at, ctx.locality, ctx.settings.action_due_soon_days)
    active = reviews.active_reviews(ctx.con, period.start, period.end, ctx.locality)
    # A review's recommendations are counted wherever their actions are led (Teeswide ones included).
    whole_plan = (
        plan
        if ctx.locality is None
        else actions.action_plan(ctx.con, as_at, None, ctx.settings.action_due_soon_days)
    )
    return [
        case_reviews_section(ctx, card, active),
        lcspr_section(ctx, card, active, whole_plan),
        audits_section(ctx),
        *work_stream_sections(ctx, updates),
        training_section(ctx, card, training_programme_blocks(ctx, updates)),
        *later_sections(ctx, updates),
        action_plan_section(ctx, card, plan, as_at),
        scorecard_section(ctx, table),
    ]


def _notes_section(ctx: ReportContext) -> Section:
    notes = [
        "Sentences are written as at the last day of the period: an event after it is scheduled; a rapid "
        "review, publication or completion after it is not counted.",
        f"Notification: within {NOTIFICATION_WORKING_DAYS} working days of the local authority becoming aware "
        f"(statutory). Rapid review: sent within {RAPID_REVIEW_WORKING_DAYS} working days of the notification, "
        f"or as extended by the Panel. LCSPR: completed (final report, else publication) within {LCSPR_MONTHS} "
        "months of the decision to hold it; a publication delayed "
        "with a reason is never late. A step belongs to the period its deadline fell in: one not taken by then "
        "is late in that period. Working days leave out weekends and England and Wales bank holidays.",
        "The number of serious incident notifications is context, not a measure of performance.",
    ]
    if ctx.locality:
        notes.append(
            f"Figures are for {ctx.locality}'s own records; activity for the whole area is counted under "
            f"{ctx.settings.area_wide}."
        )
    if ctx.publish:
        threshold = ctx.settings.suppression_threshold
        footnote = publication_footnote(threshold, ctx.any_secondary)
        notes.append(footnote)
        notes.append(
            f"In sentences, '{small_number(threshold)}' stands for a number that is not shown. Percentages "
            f"based on {threshold} or fewer records are not shown."
        )
        left_out = ["case references and the names under which reviews were published", *ctx.left_out]
        notes.append(f"Not included in the published report: {join_words(list(dict.fromkeys(left_out)))}.")
    return Section("notes", "Notes", paragraphs(notes), css="notes")


def _document(ctx: ReportContext, sections: list[Section]) -> ReportDocument:
    settings, period = ctx.settings, ctx.period
    short = settings.partnership_short_name or "PMF"
    what = "executive report" if ctx.kind == "executive" else "performance report"
    title = f"{short} {what} {period.label}" + (f": {ctx.locality}" if ctx.locality else "")
    meta = f"{uk_date(period.start)} to {uk_date(period.end)} · {ctx.place} · made on {uk_date(date.today())}"
    return ReportDocument(
        ctx=ctx,
        title=title,
        heading=f"{what[:1].upper()}{what[1:]}: {period.label}",
        partnership=settings.partnership_name or "Safeguarding children partnership",
        meta=meta,
        sample_notice=SAMPLE_DATA_NOTICE if is_sample_database(ctx.con) else "",
        sections=sections,
    )


def _render(document: ReportDocument) -> str:
    """The page: the template given the sections and the header's facts."""
    ctx = document.ctx
    css = CSS_PATH.read_text(encoding="utf-8")
    template = report_templates().get_template("report.html.j2")
    return template.render(
        title=document.title,
        heading=document.heading,
        # The package's own stylesheet and Plotly's library, written into the page as they are.
        css=Markup(css),  # noqa: S704
        plotly_js=Markup(get_plotlyjs()) if ctx.charts.count else "",  # noqa: S704
        chart_count=ctx.charts.count,
        publish=ctx.publish,
        marking=PROTECTIVE_MARKING,
        partnership=document.partnership,
        meta=document.meta,
        sample_notice=document.sample_notice,
        badge=document.badge,
        sections=document.sections,
    )

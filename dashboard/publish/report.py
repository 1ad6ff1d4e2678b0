"""The partnership's performance report for one period: one self-contained HTML file, printable on A4.

The report writes the numbers part of the partnership's quarterly newsletter
from the data, in the newsletter's order: serious incident notifications and rapid reviews, LCSPR updates,
multi-agency audits, training, the action plan, and the KPI scorecard with RAG and the change from a year
before. Sentences are generated with correct singular and plural and UK dates, from the perspective of the
period's last day (an event after it is "scheduled", not "took place"; a publication after it is not yet
known).

It reuses the area pages' core functions (kpis, training, audits, reviews, actions) and their SQL; it adds no
queries. Plotly's JavaScript is inlined once in the page head, so the file opens offline and can be emailed;
`report_pdf` prints the same HTML to PDF with headless Chromium.

Two audiences:

* internal (default): real numbers, case references ("Child KLT") and the names reviews were published under;
* publication (`publish=True`), by the one rule of dashboard/suppression.py (`publish_kpi_rows`): activity
  (training, the action plan, the audits' samples) in full; case data (notifications, rapid reviews, LCSPRs,
  audited cases' grades) only for the partnership as a whole, never split by nature, outcome, grade or
  locality, with counts from 1 to `settings.suppression_threshold` shown as "c" in tables and "a small number
  (fewer than 6)" in sentences; no case references (a published LCSPR's public name may appear); a footnote
  says what was hidden and why.

The internal version is marked OFFICIAL-SENSITIVE at the top and bottom of every printed page.

Every piece of text that came from an upload (titles, references, names, agencies) is HTML-escaped on output:
sentence functions return plain text and `_e` escapes it where it is written into the page.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from dashboard.areas import actions, audits, reviews, training
from dashboard.charts import ALL_LOCALITIES, RAG_COLOURS, bars_by_locality, locality_colours
from dashboard.core.config import Settings
from dashboard.core.db import is_sample_database
from dashboard.core.periods import Period, TwelveMonths
from dashboard.core.text import (
    change_text,
    format_count,
    format_value,
    fraction_text,
    is_missing,
    is_small_denominator,
    kpi_value_text,
    plural,
    rag_label,
    uk_date,
)
from dashboard.kpis.catalogue import compute_kpis, load_catalogue, scorecard_periods
from dashboard.kpis.scorecard import CASE_REVIEW_RATES
from dashboard.publish.suppression import (
    PROTECTIVE_MARKING,
    SAMPLE_DATA_NOTICE,
    SUPPRESSED,
    marked_file_name,
    publication_footnote,
    publish_kpi_rows,
    suppress_counts,
    suppress_rate,
    suppress_value,
)

TWELVE_MONTHS = "12 months"  # the column over the 12 months to the period's end (the legend says so)
ASSETS_DIR = Path(__file__).resolve().parent / "report_assets"
CSS_PATH = ASSETS_DIR / "report.css"
DEFAULT_CHROMIUM = Path(os.environ.get("PMF_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)
# A4 is 210 mm wide; with 15 mm margins 180 mm are left: 680 CSS pixels (96 per inch).
CHART_WIDTH = 680

SECTION_IDS = ("case-reviews", "lcspr", "audits", "training", "action-plan", "scorecard", "notes")

# What a rapid review decided, as the newsletter says it (after "The rapid review ... and").
RAPID_REVIEW_OUTCOMES = {
    "LCSPR": "decided to progress to an LCSPR",
    "No LCSPR": "decided not to progress to an LCSPR, the learning being taken forward from the rapid review",
    "Notification withdrawn": "found the criteria for a notification were not met: it was withdrawn",
    "Alternative learning review": "decided not to progress to an LCSPR but to hold an alternative learning "
    "review",
    "National review": "referred the case to the national Panel for a national review",
}
# Rapid reviews counted by outcome (CR05's categories), as a short phrase after the count.
OUTCOME_SHORT = {
    "LCSPR": "leading to an LCSPR",
    "No LCSPR": "with no LCSPR, the learning taken forward from the rapid review",
    "Alternative learning review": "leading to an alternative learning review",
    "National review": "referred for a national review",
    "Not recorded": "with no outcome recorded",
}


class ReportError(RuntimeError):
    """The report cannot be made as asked (an unknown locality, a PDF that Chromium did not write...)."""


class ChromiumNotFoundError(ReportError):
    """No Chromium to print the PDF with."""


# --- words ---------------------------------------------------------------------------------------------


def span_of(period: Period) -> str:
    """'this quarter' or 'this year'."""
    return "this quarter" if period.is_quarter else "this year"


def month_year(day: date) -> str:
    """'November 2023'."""
    return day.strftime("%B %Y")


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """'Face to face' -> 'face to face'; 'LCSPR' stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def is_hidden(count: float | int | None, threshold: int | None) -> bool:
    """Whether a count is suppressed for publication (threshold None: an internal report hides nothing)."""
    if threshold is None or count is None or is_missing(count):
        return False
    return suppress_value(count, threshold) == SUPPRESSED


def small_number(threshold: int) -> str:
    """'a small number (fewer than 6)' for a threshold of 5."""
    return f"a small number (fewer than {threshold + 1})"


def count_phrase(
    count: int, singular: str, plural_form: str | None = None, threshold: int | None = None
) -> tuple[str, bool]:
    """The subject of a sentence about a count, capitalised, and whether its verb is plural.

    (1, 'session') -> ('1 session', False); (0, ...) -> ('No sessions', True); publishing, a count from 1
    to the threshold -> ('A small number (fewer than 6) of sessions', True).
    """
    many = plural_form or singular + "s"
    if count == 0:
        return f"No {many}", True
    if threshold is not None and is_hidden(count, threshold):
        return f"{_capital(small_number(threshold))} of {many}", True
    return plural(count, singular, plural_form), count != 1


def _be(many: bool) -> str:
    return "were" if many else "was"


def notifications_sentence(count: int, span: str, threshold: int | None = None) -> str:
    """'1 serious incident notification was made to the national Panel during this quarter.' Whether each
    led to a rapid review is for the data to say (rapid_reviews_sentence), never assumed."""
    subject, many = count_phrase(count, "serious incident notification", threshold=threshold)
    return (
        f"{subject} {_be(many)} made to the national Child Safeguarding Practice Review Panel during {span}."
    )


def rapid_reviews_sentence(by_outcome: Mapping[str, int], span: str, threshold: int | None = None) -> str:
    """'2 rapid reviews were completed during this quarter: 1 leading to an LCSPR and 1 with no further
    review.' Publishing, the split is left out when any part of it is small."""
    total = sum(by_outcome.values())
    subject, many = count_phrase(total, "rapid review", threshold=threshold)
    text = f"{subject} {_be(many)} completed during {span}"
    parts = [(outcome, n) for outcome, n in by_outcome.items() if n]
    if not parts or is_hidden(total, threshold) or any(is_hidden(n, threshold) for _, n in parts):
        return text + "."
    if len(parts) == 1:
        outcome = parts[0][0]
        return f"{text}, {'all ' if many else ''}{OUTCOME_SHORT.get(outcome, f'with the outcome {outcome}')}."
    described = [f"{n} {OUTCOME_SHORT.get(outcome, f'with the outcome {outcome}')}" for outcome, n in parts]
    return f"{text}: {join_words(described)}."


def rapid_review_sentence(
    outcome: str | None, completed: date | None, due: date | None, period_end: date, span: str
) -> str:
    """What one case's rapid review decided, as at the period's end: 'The rapid review was completed on
    3 November 2023 and decided not to progress to an LCSPR.'"""
    if completed is None or completed > period_end:
        text = f"The rapid review was not complete at the end of {span}"
        if due is None:
            return text + "."
        if due < period_end:
            return f"{text}: it was due by {uk_date(due)}."
        return f"{text}; it is due by {uk_date(due)}."
    if not outcome:
        decided = "its outcome is not recorded"
    else:
        decided = RAPID_REVIEW_OUTCOMES.get(outcome, f"its outcome was: {outcome}")
    return f"The rapid review was completed on {uk_date(completed)} and {decided}."


def on_time_sentence(
    on_time: int, total: int, noun: str, done: str, rule: str, span: str, threshold: int | None = None
) -> str | None:
    """'1 of the 2 rapid reviews completed during this quarter was within 15 working days of the
    notification.' None when there were none. Publishing: a percentage, or nothing when the numbers are
    small."""
    if total <= 0:
        return None
    if threshold is not None:
        rate = suppress_rate(on_time, total, threshold, protect_numerator=True)
        if not isinstance(rate, float):
            return None
        return f"{rate:.0f}% of the {noun}s {done} during {span} were {rule}."
    if total == 1:
        return f"The {noun} {done} during {span} was {'' if on_time else 'not '}{rule}."
    if on_time == total:
        return f"{'Both' if total == 2 else f'All {total}'} {noun}s {done} during {span} were {rule}."
    if on_time == 0:
        return f"None of the {total} {noun}s {done} during {span} were {rule}."
    return f"{on_time} of the {total} {noun}s {done} during {span} {_be(on_time != 1)} {rule}."


def milestones_sentence(learning_event: date | None, recall_event: date | None, period_end: date) -> str:
    """'Its learning event is scheduled for 25 January 2024 and its recall event for 26 February 2024.'
    An event on or before the period's last day 'took place'."""
    events = [
        (name, day, day <= period_end)
        for name, day in (("learning event", learning_event), ("recall event", recall_event))
        if day is not None
    ]
    if not events:
        return "The dates of its learning event and recall event are not yet set."

    def verb(past: bool) -> str:
        return "took place on" if past else "is scheduled for"

    if len(events) == 1:
        name, day, past = events[0]
        other = "recall event" if name == "learning event" else "learning event"
        return f"Its {name} {verb(past)} {uk_date(day)}; the date of its {other} is not yet set."
    (first, day1, past1), (second, day2, past2) = events
    if past1 == past2:
        return f"Its {first} {verb(past1)} {uk_date(day1)} and its {second} {'on' if past1 else 'for'} {uk_date(day2)}."
    return f"Its {first} {verb(past1)} {uk_date(day1)} and its {second} {verb(past2)} {uk_date(day2)}."


@dataclass(frozen=True)
class LcsprUpdate:
    """One LCSPR as at the period's end (dates after it blanked, except the scheduled events). `due` is the
    end of the 6 months from the decision to hold it, by which it should be completed (final report)."""

    review: str
    rr_completed: date | None
    learning_event: date | None
    recall_event: date | None
    published: date | None
    published_name: str | None
    due: date | None
    started: date | None = None
    actions: int = 0
    final_report: date | None = None
    delay_reason: str | None = None

    @property
    def completed(self) -> date | None:
        """Completion: the final report, else (none recorded) the publication."""
        return self.final_report or self.published


def _completion_sentence(update: LcsprUpdate, end: date) -> str | None:
    """Whether the LCSPR was completed within 6 months of the decision to hold it, as at `end`."""
    done, due = update.completed, update.due
    if due is None:
        return None
    if done is not None and done <= end:
        if update.final_report is None:  # completion is the publication
            if done <= due:
                return "It was published within 6 months of the decision to hold it."
            return f"It was published after the expected 6 months (it was due by {uk_date(due)})."
        if done <= due:
            return "Its final report was completed within 6 months of the decision to hold it."
        return f"Its final report was completed after the expected 6 months (it was due by {uk_date(due)})."
    if update.delay_reason:
        return None  # shown with its reason, never late
    if due < end:
        return f"Its final report was due by {uk_date(due)} and is overdue."
    return f"Its final report is due by {uk_date(due)}."


def lcspr_sentences(update: LcsprUpdate, period: Period) -> list[str]:
    """The newsletter's 'LCSPR updates' for one review: published (as what, on time, actions), or decided
    in the period, or in progress; with its milestones, when it is due to be completed, and a publication
    delayed with its reason."""
    end = period.end
    out: list[str] = []
    if update.published is not None and update.published <= end:
        text = f"The LCSPR for {update.review} was published in {month_year(update.published)}"
        out.append(text + (f" as {update.published_name}." if update.published_name else "."))
        completion = _completion_sentence(update, end)
        if completion:
            out.append(completion)
        if update.actions:
            subject, many = count_phrase(update.actions, "action")
            out.append(
                f"{subject} from its recommendations {_be(many)} added to the combined learning action plan."
            )
        return out
    if update.rr_completed is not None and period.start <= update.rr_completed <= end:
        out.append(
            f"The rapid review for {update.review} was completed in {month_year(update.rr_completed)}, "
            "leading to an LCSPR."
        )
    else:
        started = update.started or update.rr_completed
        since = f", which began in {month_year(started)}," if started else ""
        out.append(f"The LCSPR for {update.review}{since} is in progress.")
    out.append(milestones_sentence(update.learning_event, update.recall_event, end))
    completion = _completion_sentence(update, end)
    if completion:
        out.append(completion)
    if update.delay_reason:
        out.append(f"Its publication is delayed: {update.delay_reason}.")
    return out


def audit_sentences(
    title: str,
    audit_date: date,
    cases: int,
    by_locality: Mapping[str, int],
    exec_report: date | None,
    period_end: date,
    threshold: int | None = None,
    locality: str | None = None,
) -> list[str]:
    """'A multi-agency audit of 'Step down from social care assessment' took place on 13 November 2023.
    It reviewed 6 cases (3 from Hartlepool and 3 from Stockton-on-Tees). The audit report will be presented
    to the Executive group in February 2024.'"""
    out = [f"A multi-agency audit of '{title}' took place on {uk_date(audit_date)}."]
    hidden_total = is_hidden(cases, threshold)
    how_many = f"{small_number(threshold)} of cases" if hidden_total and threshold else plural(cases, "case")
    places = {name: n for name, n in by_locality.items() if n}
    if locality is not None:
        out.append(f"It reviewed {how_many} from {locality}.")
    elif not places:
        out.append(f"It reviewed {how_many}.")
    elif hidden_total or any(is_hidden(n, threshold) for n in places.values()):
        out.append(
            f"It reviewed {how_many} from {join_words(list(places))}; the number from each is not shown, "
            "to protect small numbers."
        )
    elif len(places) == 1:
        out.append(f"It reviewed {how_many}, {'all ' if cases != 1 else ''}from {next(iter(places))}.")
    else:
        out.append(f"It reviewed {how_many} ({join_words([f'{n} from {p}' for p, n in places.items()])}).")
    if exec_report is not None:
        if exec_report > period_end:
            out.append(
                f"The audit report will be presented to the Executive group in {month_year(exec_report)}."
            )
        else:
            out.append(f"The audit report was presented to the Executive group in {month_year(exec_report)}.")
    return out


def grades_sentence(grades: Mapping[str, int], threshold: int | None = None) -> str | None:
    """'Of the 6 cases, 1 was graded outstanding, 3 good and 2 requires improvement.' Publishing with small
    grade counts: the share graded good or better, if its numbers allow."""
    total = sum(grades.values())
    if total == 0:
        return None
    parts = [(grade, n) for grade, n in grades.items() if n]
    if threshold is not None and any(is_hidden(n, threshold) for _, n in parts):
        good = sum(n for grade, n in grades.items() if grade in ("Outstanding", "Good"))
        rate = suppress_rate(good, total, threshold, protect_numerator=True)
        if isinstance(rate, float):
            return f"{rate:.0f}% of the cases were graded good or better."
        return "The grades are not shown, to protect small numbers."

    def graded(grade: str) -> str:  # "graded good", "graded as requires improvement"
        return ("as " if grade == "Requires improvement" else "") + grade.lower()

    if len(parts) == 1:
        grade, n = parts[0]
        return f"{'All ' + str(n) + ' cases were' if n != 1 else 'The case was'} graded {graded(grade)}."
    (first, n1), *rest = parts
    listed = [f"{n1} {_be(n1 != 1)} graded {graded(first)}", *(f"{n} {graded(grade)}" for grade, n in rest)]
    return f"Of the {total} cases, {join_words(listed)}."


def published_grades_sentence(grades: Mapping[str, int], threshold: int) -> str | None:
    """Publishing: the share of audited cases graded good or better, for the partnership as a whole, when
    its numbers are not small; never the count of each grade."""
    total = sum(grades.values())
    if total == 0:
        return None
    good = sum(n for grade, n in grades.items() if grade in ("Outstanding", "Good"))
    rate = suppress_rate(good, total, threshold, protect_numerator=True)
    if isinstance(rate, float):
        return f"{rate:.0f}% of the cases were graded good or better."
    return "The grades of the cases are not shown, to protect small numbers."


def training_sentence(by_mode: Mapping[str, int], span: str, threshold: int | None = None) -> str:
    """'In this quarter 5 face to face and 10 virtual training sessions were held.'"""
    total = sum(by_mode.values())
    if total == 0:
        return f"In {span} no training sessions were held."
    parts = [(mode, n) for mode, n in by_mode.items() if n]
    noun = "training session" if total == 1 else "training sessions"
    if threshold is not None and (
        is_hidden(total, threshold) or any(is_hidden(n, threshold) for _, n in parts)
    ):
        modes = join_words([_lower_first(m) for m, _ in parts])
        held = (
            f"{small_number(threshold)} of training sessions were held"
            if is_hidden(total, threshold)
            else f"{total} {noun} were held"
        )
        if len(parts) == 1:
            return f"In {span} {held}, all {modes}."
        return f"In {span} {held}, {modes}; the number of each is not shown, to protect small numbers."
    counted = join_words([f"{n} {_lower_first(mode)}" for mode, n in parts])
    return f"In {span} {counted} {noun} {_be(total != 1)} held."


def action_plan_sentences(counts: Mapping[str, int], as_at: date, threshold: int | None = None) -> list[str]:
    """'As at 31 December 2023 the combined learning action plan held 42 actions: 12 open and 30 complete.'
    and the overdue ones. `counts` is actions.rag_counts (Red, Amber, Green, Blue)."""
    total = sum(counts.values())
    open_count = total - counts.get("Blue", 0)
    when = f"As at {uk_date(as_at)}"
    if total == 0:
        return [f"{when} the combined learning action plan held no actions."]
    if threshold is None:
        held = f"{when} the combined learning action plan held {plural(total, 'action')}: "
        held += f"{open_count} open and {counts.get('Blue', 0)} complete."
    elif is_hidden(total, threshold):
        held = f"{when} the combined learning action plan held {small_number(threshold)} of actions."
    else:
        held = f"{when} the combined learning action plan held {plural(total, 'action')}."
    overdue = counts.get("Red", 0)
    if overdue == 0:
        second = "No open action was overdue." if open_count else "Every action was complete."
    else:
        subject, many = count_phrase(overdue, "open action", threshold=threshold)
        second = f"{subject} {_be(many)} past {'their' if many else 'its'} target date (red)."
    return [held, second]


# --- HTML pieces ---------------------------------------------------------------------------------------


def _e(value: object) -> str:
    """Text for the page, escaped (the one way any text gets into the report)."""
    return html.escape("" if value is None or is_missing(value) else str(value), quote=True)


def _p(text: str | None, css: str = "") -> str:
    if not text:
        return ""
    return f'<p class="{css}">{_e(text)}</p>' if css else f"<p>{_e(text)}</p>"


def _paragraphs(texts: Iterable[str | None]) -> str:
    return "".join(_p(t) for t in texts if t)


def _day(value: Any) -> date | None:
    return None if is_missing(value) else pd.Timestamp(value).date()


def _int(value: Any) -> int:
    return 0 if is_missing(value) else int(float(value))


def _cell(value: Any) -> str:
    """A table cell's text: counts with thousands separators, 'c' as it is, dates in UK form."""
    if isinstance(value, str):
        return value
    if value is None or is_missing(value):
        return "–"
    if isinstance(value, pd.Timestamp | date):
        return uk_date(_day(value))
    if isinstance(value, int | float):
        return format_count(value)
    return str(value)


def html_table(
    frame: pd.DataFrame,
    caption: str = "",
    numeric: Iterable[str] = (),
    total_rows: Iterable[Any] = (),
    raw_columns: Iterable[str] = (),
    row_classes: Sequence[str] | None = None,
    nowrap: Iterable[str] = (),
) -> str:
    """A plain table: every cell escaped, except columns in `raw_columns` (HTML made here, e.g. RAG).
    Numeric columns are right-aligned and, like `nowrap` columns, never wrapped."""
    numeric, raw, totals, unwrapped = set(numeric), set(raw_columns), set(total_rows), set(nowrap)

    def css(column: str) -> str:
        names = ["num"] if column in numeric else []
        names += ["nowrap"] if column in unwrapped else []
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f'<th scope="col"{css(c)}>{_e(c)}</th>' for c in frame.columns)
    body = []
    for k, (label, row) in enumerate(frame.iterrows()):
        classes = []
        if label in totals:
            classes.append("total")
        if row_classes is not None and row_classes[k]:
            classes.append(row_classes[k])
        cells = "".join(
            f"<td{css(c)}>{row[c] if c in raw else _e(_cell(row[c]))}</td>" for c in frame.columns
        )
        row_css = f' class="{" ".join(classes)}"' if classes else ""
        body.append(f"<tr{row_css}>{cells}</tr>")
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _rag_html(rag: object) -> str:
    if not isinstance(rag, str) or rag not in RAG_COLOURS:
        return "–"
    return f'<span class="rag rag-{rag.lower()}">{_e(rag_label(rag))}</span>'


@dataclass
class _Charts:
    """The page's charts: each a fixed-size div and the script that draws it (Plotly JS is in the head)."""

    count: int = 0

    def html(self, fig: go.Figure, caption: str, height: int | None = None) -> str:
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
        return f'<figure class="chart">{div}<figcaption>{_e(caption)}</figcaption></figure>'


# --- the report ----------------------------------------------------------------------------------------


@dataclass
class _Context:
    con: duckdb.DuckDBPyConnection
    period: Period
    settings: Settings
    locality: str | None
    publish: bool
    charts: _Charts = field(default_factory=_Charts)
    any_secondary: bool = False
    left_out: list[str] = field(default_factory=list)
    published: pd.DataFrame | None = None  # publishing: the KPI rows under the publication rule

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

    def suppress(self, table: pd.DataFrame, total_row: Any = None, total_column: Any = None) -> pd.DataFrame:
        """A table of counts made safe to publish (primary and secondary suppression); as it is otherwise."""
        if self.threshold is None:
            return table
        result = suppress_counts(table, self.threshold, total_row=total_row, total_column=total_column)
        self.any_secondary |= bool(result.secondary)
        return result.table


def _normalise_locality(settings: Settings, locality: str | None) -> str | None:
    if locality is None or not locality.strip() or locality.strip().lower() in ("all", "all localities"):
        return None
    name = settings.locality_synonyms.get(" ".join(locality.lower().split()))
    if name is None:
        raise ReportError(
            f"{locality!r} is not a locality: choose one of {', '.join(settings.all_localities)}"
        )
    return name


def report_filename(
    period: Period, locality: str | None = None, publish: bool = False, prefix: str = ""
) -> str:
    """'hsscp-report-2023-24-q3-hartlepool-OFFICIAL-SENSITIVE.html' (or '...-published.html')."""
    parts = [prefix or "pmf", "report", period.label.replace(" ", "-")]
    if locality:
        parts.append(locality)
    slug = re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")
    return marked_file_name(slug, ".html", publish)


def build_report(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings,
    locality: str | None = None,
    publish: bool = False,
) -> str:
    """The report of one period (a quarter or a financial year) for one locality (None = all), as one
    self-contained HTML document. `publish=True` makes the publication version (small numbers suppressed,
    no case references or names). Raises ReportError for a locality that is not configured."""
    ctx = _Context(con, period, settings, _normalise_locality(settings, locality), publish)
    table = compute_kpis(con, scorecard_periods(period), settings)
    mask = table["locality"].isna() if ctx.locality is None else table["locality"] == ctx.locality
    card = table[(table["period"] == period.label) & mask].reset_index(drop=True)
    if publish:
        catalogue = load_catalogue()
        rule = publish_kpi_rows(
            table,
            {k.id: k.publication for k in catalogue},
            {k.id: k.unit for k in catalogue},
            settings.suppression_threshold,
        )
        ctx.any_secondary |= rule.any_secondary
        ctx.left_out.extend(rule.withheld)
        shown = rule.table
        mine = shown["locality"].isna() if ctx.locality is None else shown["locality"] == ctx.locality
        ctx.published = shown[mine].reset_index(drop=True)
    as_at = actions.as_at_date(period.end)
    plan = actions.action_plan(con, as_at, ctx.locality, settings.action_due_soon_days)
    active = reviews.active_reviews(con, period.start, period.end, ctx.locality)
    # A review's recommendations are counted wherever their actions are led (Teeswide ones included).
    whole_plan = (
        plan if ctx.locality is None else actions.action_plan(con, as_at, None, settings.action_due_soon_days)
    )
    sections = [
        _case_reviews_section(ctx, card, active),
        _lcspr_section(ctx, card, active, whole_plan),
        _audits_section(ctx),
        _training_section(ctx, card),
        _action_plan_section(ctx, card, plan, as_at),
        _scorecard_section(ctx, *_scorecard_rows(ctx, table)),
    ]
    sections.append(_notes_section(ctx))
    return _page(ctx, sections)


def _page(ctx: _Context, sections: list[str]) -> str:
    settings, period = ctx.settings, ctx.period
    name = settings.partnership_name or "Safeguarding children partnership"
    short = settings.partnership_short_name or "PMF"
    title = f"{short} performance report {period.label}" + (f": {ctx.locality}" if ctx.locality else "")
    badge = (
        '<p class="badge publish">For publication: case figures for the partnership as a whole, small '
        "numbers suppressed; no case references</p>"
        if ctx.publish
        else f'<p class="badge internal">{PROTECTIVE_MARKING}. Internal: contains case references and small '
        "numbers. Not for publication.</p>"
    )
    # Internal: the marking heads the page on screen, and the top and bottom of every printed page.
    marking = (
        ""
        if ctx.publish
        else f'<div class="marking">{PROTECTIVE_MARKING}</div>\n'
        "<style>@page { "
        f'@top-center {{ content: "{PROTECTIVE_MARKING}"; color: #b2182b; font: 700 10pt sans-serif; }} '
        f'@bottom-center {{ content: "{PROTECTIVE_MARKING}"; color: #b2182b; font: 700 10pt sans-serif; }} '
        "}</style>\n"
    )
    sample = (
        f'<p class="badge sample" role="note">{_e(SAMPLE_DATA_NOTICE)}</p>'
        if is_sample_database(ctx.con)
        else ""
    )
    css = CSS_PATH.read_text(encoding="utf-8")
    plotly_js = f'<script type="text/javascript">{get_plotlyjs()}</script>' if ctx.charts.count else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>\n{css}</style>\n{plotly_js}\n</head>\n"
        f'<body data-charts="{ctx.charts.count}" data-publish="{str(ctx.publish).lower()}">\n'
        + marking
        + '<header class="report-header">'
        f'<p class="partnership">{_e(name)}</p>'
        f"<h1>Performance report: {_e(period.label)}</h1>"
        f'<p class="meta">{_e(uk_date(period.start))} to {_e(uk_date(period.end))} · {_e(ctx.place)}'
        f" · made on {_e(uk_date(date.today()))}</p>{badge}{sample}</header>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def _section(section_id: str, title: str, body: str) -> str:
    """A section of the report. A short one (no chart, few table rows) is kept on one page when printed;
    a longer one may run over a page break, but never through a chart, a table or a block of text."""
    short = "<figure" not in body and body.count("<tr") <= 12
    keep = ' class="keep"' if short else ""
    return (
        f'<section id="{section_id}"{keep} aria-labelledby="{section_id}-title">'
        f'<h2 id="{section_id}-title">{_e(title)}</h2>{body}</section>'
    )


def _kpi_row(card: pd.DataFrame, kpi: str) -> pd.Series | None:
    rows = card[(card["kpi"] == kpi) & card["category"].isna()]
    return None if rows.empty else rows.iloc[0]


def _categories(card: pd.DataFrame, kpi: str) -> dict[str, int]:
    rows = card[(card["kpi"] == kpi) & card["category"].notna()]
    return {str(c): _int(v) for c, v in zip(rows["category"], rows["value"], strict=True)}


def child_name(review_id: str) -> str:
    """'KLT' -> 'Child KLT' (a reference of initials, as the newsletter writes it); others as they are."""
    return f"Child {review_id}" if re.fullmatch(r"[A-Z]{1,5}", review_id) else review_id


def reviews_as_at(active: pd.DataFrame, period_end: date) -> pd.DataFrame:
    """The reviews as they stood on the period's last day: steps taken after it are blanked and their
    statuses worked out again ('Overdue' or 'Not yet due'); learning and recall event dates are kept, as
    they are scheduled ahead."""
    frame = active.copy()
    end = pd.Timestamp(period_end)

    def after(column: str) -> pd.Series:
        return frame[column].notna() & (pd.to_datetime(frame[column]) > end)

    def still_due(due_column: str) -> list[str]:
        days = [_day(d) for d in frame[due_column]]
        return ["Overdue" if d is not None and d < period_end else "Not yet due" for d in days]

    late_rr = after("rr_completed_date")
    if late_rr.any():
        statuses = still_due("rr_due_date")
        extended = frame["rr_extension_agreed"].fillna(False).astype(bool).to_numpy()
        statuses = ["Extension agreed" if x else s for s, x in zip(statuses, extended, strict=True)]
        frame.loc[late_rr, "rr_status"] = [s for s, m in zip(statuses, late_rr, strict=True) if m]
        for column in ("rr_completed_date", "rr_working_days", "rr_outcome"):
            frame.loc[late_rr, column] = None
    undecided = frame["rr_completed_date"].isna() & (
        frame["lcspr_decision_date"].isna() | after("lcspr_decision_date")
    )
    for column in ("lcspr_decision_date", "learning_event_date", "recall_event_date", "lcspr_due_date"):
        frame.loc[undecided, column] = None
    frame.loc[undecided, "lcspr_status"] = None
    late_done = after("lcspr_completed_date")
    if late_done.any():
        statuses = still_due("lcspr_due_date")
        delayed = frame["publication_delay_reason"].notna() & frame["final_report_date"].isna()
        statuses = ["Delayed" if d else s for s, d in zip(statuses, delayed, strict=True)]
        frame.loc[late_done, "lcspr_status"] = [s for s, m in zip(statuses, late_done, strict=True) if m]
        frame.loc[late_done, "lcspr_completed_date"] = None
    for column in ("final_report_date", "lcspr_published_date"):
        frame.loc[after(column), column] = None
    frame.loc[frame["lcspr_published_date"].isna(), "published_name"] = None
    return frame


def _in_period(value: Any, period: Period) -> bool:
    day = _day(value)
    return day is not None and period.start <= day <= period.end


PARTNERSHIP_ONLY = (
    "Figures about serious incidents, case reviews and the grades of audited cases are published for the "
    "partnership as a whole only: see the partnership's report."
)


def _case_reviews_section(ctx: _Context, card: pd.DataFrame, active: pd.DataFrame) -> str:
    period, span, threshold = ctx.period, ctx.span, ctx.threshold
    title = "Serious incident notifications and rapid reviews"
    if ctx.case_split_withheld:
        return _section("case-reviews", title, _p(PARTNERSHIP_ONLY))
    notified = _kpi_row(card, "CR04")
    body = [
        _p(
            "A rapid review decides whether a Local Child Safeguarding Practice Review (LCSPR) is needed.",
            "small",
        ),
        _p(notifications_sentence(_int(notified["value"]) if notified is not None else 0, span, threshold)),
    ]
    outcomes = _categories(card, "CR05")
    completed = sum(int(n) for n in outcomes.values())
    if ctx.publish and completed:  # never split by outcome
        subject, many = count_phrase(completed, "rapid review", threshold=threshold)
        body.append(_p(f"{subject} {_be(many)} completed during {span}."))
    elif completed:
        body.append(_p(rapid_reviews_sentence(outcomes, span, threshold)))
    timeliness = []
    for kpi, noun, done, rule in (
        ("CR01", "notification", "due", "made within 5 working days of the local authority becoming aware"),
        ("CR02", "rapid review", "due", "sent within 15 working days of the notification"),
    ):
        row = _kpi_row(card, kpi)
        if row is not None and not is_missing(row["denominator"]):
            timeliness.append(
                on_time_sentence(
                    _int(row["numerator"]), _int(row["denominator"]), noun, done, rule, span, threshold
                )
            )
    body.append(_paragraphs(timeliness))
    if not ctx.publish:  # what the timeliness figures cannot judge, said rather than dropped
        body.append(_paragraphs(reviews.not_judged_sentences(active, period.start, period.end)))
    if ctx.publish:
        ctx.left_out.append("the details of each case review")
        return _section("case-reviews", "Serious incident notifications and rapid reviews", "".join(body))
    as_at = reviews_as_at(active, period.end)
    listed = as_at[
        [
            _in_period(n, period) or (_in_period(c, period) and o != "LCSPR" and not _in_period(n, period))
            for n, c, o in zip(
                as_at["notification_date"], as_at["rr_completed_date"], as_at["rr_outcome"], strict=True
            )
        ]
    ]
    items = []
    for _, r in listed.iterrows():
        category = " – ".join(str(x) for x in (r["nature"], r["harm_type"]) if not is_missing(x))
        notified_then = _in_period(r["notification_date"], period)
        lead = f"{child_name(str(r['review_id']))} ({'Category: ' + category if category else 'category not recorded'})"
        if not notified_then:
            lead += f", notified in {month_year(_day(r['notification_date']))}"  # type: ignore[arg-type]
        sentence = rapid_review_sentence(
            None if is_missing(r["rr_outcome"]) else str(r["rr_outcome"]),
            _day(r["rr_completed_date"]),
            _day(r["rr_due_date"]),
            period.end,
            span,
        )
        items.append(f"<li><strong>{_e(lead)}</strong>. {_e(sentence)}</li>")
    if items:
        body.append(f'<ul class="cases">{"".join(items)}</ul>')
    if not as_at.empty:
        points = reviews.timeline_points(as_at)
        if not points.empty:
            fig = reviews.timeline_figure(points, period.label, period.start, period.end)
            height = max(460, 300 + 70 * as_at["review_id"].nunique())
            # The page's legends go below the chart (A4 has no room beside it), in pixels from the bottom.
            fig.update_layout(
                legend=dict(
                    orientation="h", yref="container", yanchor="top", y=150 / height, x=0, xanchor="left"
                ),
                legend2=dict(orientation="h", yref="container", yanchor="top", y=62 / height, x=0),
                margin=dict(l=110, r=20, t=70, b=215),
            )
            body.append(
                ctx.charts.html(
                    fig,
                    "Each review's steps as known at the end of the period, with its deadlines; late steps "
                    "are marked ✖ Late, steps on time ✔.",
                    height=height,
                )
            )
    return _section("case-reviews", "Serious incident notifications and rapid reviews", "".join(body))


def _lcspr_section(ctx: _Context, card: pd.DataFrame, active: pd.DataFrame, plan: pd.DataFrame) -> str:
    period, span, threshold = ctx.period, ctx.span, ctx.threshold
    as_at = reviews_as_at(active, period.end)
    if ctx.case_split_withheld:
        return _section("lcspr", "LCSPR updates", _p(PARTNERSHIP_ONLY))
    is_lcspr = (as_at["rr_outcome"] == "LCSPR") | as_at["lcspr_decision_date"].notna()
    lcsprs = as_at[is_lcspr & as_at["rr_completed_date"].notna()]
    published = _kpi_row(card, "CR06")
    n_published = _int(published["value"]) if published is not None else 0
    in_progress = int(lcsprs["lcspr_published_date"].isna().sum())
    if ctx.publish:
        subject, many = count_phrase(n_published, "LCSPR", threshold=threshold)
        texts: list[str | None] = [f"{subject} {_be(many)} published during {span}."]
        names = sorted(
            str(n)
            for n, day in zip(lcsprs["published_name"], lcsprs["lcspr_published_date"], strict=True)
            if not is_missing(n) and _in_period(day, period)
        )
        if names:  # the partnership has already published these names
            texts.append(f"Published during {span}: {join_words(names)}.")
        subject, many = count_phrase(in_progress, "LCSPR", threshold=threshold)
        texts.append(f"{subject} {_be(many)} in progress at the end of {span}.")
        cr03 = _kpi_row(card, "CR03")
        if cr03 is not None and not is_missing(cr03["denominator"]):
            texts.append(
                on_time_sentence(
                    _int(cr03["numerator"]),
                    _int(cr03["denominator"]),
                    "LCSPR",
                    "due",
                    "completed within 6 months of the decision to hold them",
                    span,
                    threshold,
                )
            )
        return _section("lcspr", "LCSPR updates", _paragraphs(texts))
    if lcsprs.empty:
        return _section("lcspr", "LCSPR updates", _p(f"No LCSPR was in progress or published during {span}."))
    blocks = []
    for _, r in lcsprs.iterrows():
        review = str(r["review_id"])
        from_review = plan[(plan["source_type"] == "LCSPR") & (plan["source_ref"] == review)]
        update = LcsprUpdate(
            review=review,
            rr_completed=_day(r["rr_completed_date"]),
            learning_event=_day(r["learning_event_date"]),
            recall_event=_day(r["recall_event_date"]),
            published=_day(r["lcspr_published_date"]),
            published_name=None if is_missing(r["published_name"]) else str(r["published_name"]),
            due=_day(r["lcspr_due_date"]),
            started=_day(r["lcspr_decision_date"]),
            final_report=_day(r["final_report_date"]),
            delay_reason=None
            if is_missing(r["publication_delay_reason"])
            else str(r["publication_delay_reason"]),
            actions=len(from_review),
        )
        blocks.append(
            f'<div class="block"><h3>{_e(review)}</h3>{_paragraphs(lcspr_sentences(update, period))}</div>'
        )
    return _section("lcspr", "LCSPR updates", "".join(blocks))


def _audits_section(ctx: _Context) -> str:
    """An audit's sample (how many cases, from where) is activity, published in full; the grades of the
    audited cases are case data: publishing, only the share graded good or better for the partnership."""
    period, threshold = ctx.period, ctx.threshold
    localities = ctx.settings.all_localities
    table = audits.audit_list(ctx.con, period, ctx.locality, localities)
    if table.empty:
        return _section(
            "audits", "Multi-agency audits", _p(f"No multi-agency audit took place during {ctx.span}.")
        )
    places = [c for c in table.columns if c in localities]
    body = []
    for _, a in table.iterrows():
        by_locality = {p: int(a[p]) for p in places}
        sentences = audit_sentences(
            str(a["Title"]),
            _day(a["Date"]),  # type: ignore[arg-type]
            int(a["Cases"]),
            by_locality,
            _day(a["Exec report"]),
            period.end,
            None,
            ctx.locality,
        )
        grades = {g: int(a[g]) for g in audits.GRADES}
        if not ctx.publish:
            sentences.append(grades_sentence(grades))  # type: ignore[arg-type]
        elif ctx.locality is None:
            sentences.append(published_grades_sentence(grades, threshold or 0))  # type: ignore[arg-type]
        body.append(f'<div class="block"><h3>{_e(a["Title"])}</h3>{_paragraphs(sentences)}</div>')
    # Cases by locality and by grade, one row per audit, each with its total.
    labels = [f"{uk_date(_day(d))}: {t}" for d, t in zip(table["Date"], table["Title"], strict=True)]
    if len(set(labels)) < len(labels):
        labels = [f"{label} ({a})" for label, a in zip(labels, table["Audit"], strict=True)]
    split = pd.DataFrame({p: table[p].astype(int).to_numpy() for p in places}, index=labels)
    split["Total"] = table["Cases"].astype(int).to_numpy()
    if len(labels) > 1:
        split.loc["All audits"] = split.sum()
    tables = [("Cases audited by locality", split)]
    grades_table = pd.DataFrame({g: table[g].astype(int).to_numpy() for g in audits.GRADES}, index=labels)
    grades_table["Total"] = table["Cases"].astype(int).to_numpy()
    if len(labels) > 1:
        grades_table.loc["All audits"] = grades_table.sum()
    if not ctx.publish:
        tables.append(("Cases audited by grade", grades_table))
    else:
        ctx.left_out.append("the grades of audited cases by audit and by locality")
    for caption, frame in tables:
        shown = frame.reset_index(names="Audit")
        body.append(
            html_table(
                shown.set_index(shown["Audit"], drop=False),
                caption,
                numeric=[c for c in shown.columns if c != "Audit"],
                total_rows=["All audits"],
            )
        )
    if not ctx.publish:
        grades = audits.grades_by_locality(ctx.con, period, ctx.locality, localities)
        if not grades.empty:
            body.append(
                ctx.charts.html(
                    audits.grades_figure(grades, period.label),
                    "Each bar is one locality's audited cases, best grade at the bottom.",
                    height=400,
                )
            )
    return _section("audits", "Multi-agency audits", "".join(body))


def _training_section(ctx: _Context, card: pd.DataFrame) -> str:
    """Training is activity about the workforce: published in full."""
    period, span, threshold = ctx.period, ctx.span, None
    localities = ctx.settings.all_localities
    colours = locality_colours(localities)
    by_mode = training.sessions_by_mode(ctx.con, period, ctx.locality, ctx.locality is None, localities)
    summary = training.training_summary(ctx.con, period, ctx.locality)
    if not summary.has_sessions:
        return _section("training", "Training", _p(f"In {span} no training sessions were held."))
    whole = by_mode[by_mode["locality"] == (ctx.locality or ALL_LOCALITIES)]
    modes = {str(m): int(n) for m, n in zip(whole["delivery_mode"], whole["sessions"], strict=True)}
    body = [_p(training_sentence(modes, span, threshold))]
    if summary.cancelled:
        noun = "further session" if summary.delivered else "session"
        subject, many = count_phrase(summary.cancelled, noun, threshold=threshold)
        body.append(_p(f"{subject} {_be(many)} cancelled."))
    body.append(_paragraphs(_attendance_sentences(summary)))
    if summary.elearning_completions:
        body.append(
            _p(
                f"{plural(summary.elearning_completions, 'e-learning course')} {_be(summary.elearning_completions != 1)} completed."
            )
        )
    reach = _kpi_row(card, "TR05")
    if reach is not None and not is_missing(reach["denominator"]) and _int(reach["denominator"]):
        reached, of = _int(reach["numerator"]), _int(reach["denominator"])
        missing = training.agencies_not_reached(ctx.con, period, ctx.locality, ctx.settings)
        text = f"People from {reached} of the {of} partner agencies attended"
        body.append(_p(text + (f"; none from {join_words(missing)}." if missing else ".")))
    if not by_mode.empty:
        body.append(_sessions_table(ctx, by_mode))
    body.append(_rates_table(ctx))
    body.append(
        ctx.charts.html(
            training.sessions_by_mode_figure(by_mode, colours, period.label),
            "Delivered sessions by delivery mode; one colour per locality.",
            height=380,
        )
    )
    rates_fig = _rates_figure(ctx, colours)
    if rates_fig is not None:
        body.append(
            ctx.charts.html(
                rates_fig,
                "Fill rate: places booked / places offered. Attendance rate: attended / booked. "
                "Did-not-attend rate: did not attend / booked. Delivered sessions only.",
                height=400,
            )
        )
    agencies = training.attendance_by_agency(ctx.con, period, ctx.locality)
    if not agencies.empty:
        body.append(
            ctx.charts.html(
                training.attendance_by_agency_figure(agencies, colours, period.label),
                "Attendances at delivered sessions, by the attendee's agency.",
            )
        )
    if not ctx.publish:
        sessions = training.session_list(ctx.con, period, ctx.locality)
        listing = sessions[["Date", "Title", "Mode", "Locality", "Status", "Booked", "Attended"]]
        body.append(
            html_table(listing, "The sessions", numeric=["Booked", "Attended"], nowrap=["Date", "Mode"])
        )
    else:
        sessions = training.session_list(ctx.con, period, ctx.locality)
        titles = sorted(set(sessions.loc[sessions["Status"] == "Delivered", "Title"].astype(str)))
        if titles:
            body.append(
                "<h3>Courses delivered</h3><ul>" + "".join(f"<li>{_e(t)}</li>" for t in titles) + "</ul>"
            )
    return _section("training", "Training", "".join(body))


def _sessions_table(ctx: _Context, by_mode: pd.DataFrame) -> str:
    """Delivered sessions by delivery mode (columns) and locality (rows), with totals (activity: published
    in full)."""
    localities = ctx.settings.all_localities
    modes = list(dict.fromkeys(by_mode["delivery_mode"]))
    pivot = by_mode.pivot_table(
        index="locality", columns="delivery_mode", values="sessions", aggfunc="sum", sort=False
    )
    pivot = pivot.reindex(columns=modes).fillna(0).astype(int)
    pivot["Total"] = pivot.sum(axis=1)
    order = [*localities, ALL_LOCALITIES] if ctx.locality is None else [ctx.locality]
    pivot = pivot.reindex([o for o in order if o in pivot.index])
    shown = pivot.reset_index(names="Locality").set_index(pd.Index(list(pivot.index)))
    return html_table(
        shown,
        "Training sessions delivered by delivery mode and locality",
        numeric=[*modes, "Total"],
        total_rows=[ALL_LOCALITIES],
    )


def _attendance_sentences(summary: training.TrainingSummary, threshold: int | None = None) -> list[str]:
    """Attendance, did-not-attend, fill rate and confidence, in words. The did-not-attend rate is over the
    sessions that recorded it, so when some did not its denominator is smaller, and the sentence says so
    rather than let "84.3% attended, 15.3% did not" look as if it should add up."""
    out = []
    attended, booked = summary.attended, summary.booked
    if booked:
        out.append(
            f"There were {plural(attended, 'attendance')} at the sessions delivered: "
            f"{summary.attendance_rate:.1f}% of the {plural(booked, 'place')} booked."
        )
    if summary.dna_rate is not None:
        if summary.dna_booked == booked:
            out.append(f"{summary.dna_rate:.1f}% of the places booked were not attended.")
        else:
            out.append(
                f"Did-not-attend was recorded for sessions with {plural(summary.dna_booked, 'place')} booked "
                f"of the {format_count(booked)}; {summary.dna_rate:.1f}% of those places were not attended."
            )
    if summary.fill_rate is not None:
        out.append(f"{summary.fill_rate:.1f}% of the places offered were booked.")
    if (
        summary.uplift is not None
        and summary.pre_confidence is not None
        and summary.post_confidence is not None
    ):
        sessions, _ = count_phrase(summary.rated_sessions, "session")
        out.append(
            f"Attendees rated their confidence on a scale of 1 to 5 before and after the training: the average "
            f"rose from {summary.pre_confidence:.2f} to {summary.post_confidence:.2f}, an uplift of "
            f"{summary.uplift:.2f} points ({_lower_first(sessions)} with both ratings)."
            if summary.uplift >= 0
            else f"Attendees' average confidence fell from {summary.pre_confidence:.2f} to "
            f"{summary.post_confidence:.2f} on a scale of 1 to 5 ({_lower_first(sessions)} with both ratings)."
        )
    return out


def _rates_table(ctx: _Context) -> str:
    """Fill, attendance and did-not-attend rates and confidence by locality (activity: published in full)."""
    names: list[str | None] = [None, *ctx.settings.all_localities] if ctx.locality is None else [ctx.locality]
    by_name = training.training_summaries(ctx.con, ctx.period, names)
    summaries = {n or ALL_LOCALITIES: by_name[n] for n in names}
    summaries = {k: s for k, s in summaries.items() if s.has_sessions}
    rows = []
    for name, s in summaries.items():
        rows.append(
            {
                "Locality": name,
                "Fill rate": _pct(ctx, s.fill_booked, s.fill_offered),
                "Attendance rate": _pct(ctx, s.attended, s.booked),
                "Did-not-attend rate": _pct(ctx, s.did_not_attend, s.dna_booked),
                "Confidence before": "–" if s.pre_confidence is None else f"{s.pre_confidence:.2f}",
                "Confidence after": "–" if s.post_confidence is None else f"{s.post_confidence:.2f}",
                "Uplift": "–" if s.uplift is None else f"{s.uplift:+.2f}",
            }
        )
    frame = pd.DataFrame(rows)
    frame.index = pd.Index(frame["Locality"])
    return html_table(
        frame,
        "Attendance and confidence by locality (delivered sessions)",
        numeric=[c for c in frame.columns if c != "Locality"],
        total_rows=[ALL_LOCALITIES] if len(frame) > 1 else [],
    )


def _pct(ctx: _Context, numerator: int, denominator: int) -> str:
    if not denominator:
        return "–"
    return f"{100.0 * numerator / denominator:.1f}%"


def _rates_figure(ctx: _Context, colours: Mapping[str, str]) -> go.Figure | None:
    names: list[str | None] = [None, *ctx.settings.all_localities] if ctx.locality is None else [ctx.locality]
    rows = []
    by_name = training.training_summaries(ctx.con, ctx.period, names)
    for name in names:
        s = by_name[name]
        for measure, num, den in (
            ("Fill rate", s.fill_booked, s.fill_offered),
            ("Attendance rate", s.attended, s.booked),
            ("Did-not-attend rate", s.did_not_attend, s.dna_booked),
        ):
            if not den:
                continue
            rate = 100.0 * num / den
            rows.append({"locality": name or ALL_LOCALITIES, "measure": measure, "rate": round(rate, 1)})
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    fig = bars_by_locality(
        frame,
        x="measure",
        y="rate",
        colour_by="locality",
        title=f"Training rates by locality, {ctx.period.label}",
        x_title="Measure",
        y_title="Per cent (%)",
        colours=dict(colours),
    )
    fig.update_traces(texttemplate="%{y:.1f}%", cliponaxis=False)
    fig.update_yaxes(range=[0, 110])
    return fig


def _action_plan_section(ctx: _Context, card: pd.DataFrame, plan: pd.DataFrame, as_at: date) -> str:
    """The action plan is activity of the partnership: its counts are published in full; the text of each
    action (which may describe a case) is internal."""
    threshold = None
    counts = actions.rag_counts(plan)
    body = [_paragraphs(action_plan_sentences(counts, as_at, threshold))]
    overdue = _kpi_row(card, "AP03")
    if overdue is not None and not is_missing(overdue["value"]) and _int(overdue["denominator"]):
        days = _int(overdue["value"])
        if threshold is None or not is_hidden(_int(overdue["denominator"]), threshold):
            which = "The median overdue action" if _int(overdue["denominator"]) > 1 else "The overdue action"
            body.append(_p(f"{which} was {plural(days, 'day')} past its target date."))
    table = pd.DataFrame(
        {
            "RAG": [rag_label(r) for r in actions.RAG_ORDER],
            "Meaning": [actions.RAG_MEANING[r] for r in actions.RAG_ORDER],
            "Actions": [counts[r] for r in actions.RAG_ORDER],
        },
        index=list(actions.RAG_ORDER),
    )
    counted = pd.DataFrame({"Actions": [counts[r] for r in actions.RAG_ORDER]}, index=list(actions.RAG_ORDER))
    counted.loc["Total"] = counted["Actions"].sum()
    table = pd.concat(
        [
            table,
            pd.DataFrame(
                {"RAG": ["Total"], "Meaning": ["all actions agreed by then"], "Actions": [0]}, index=["Total"]
            ),
        ]
    )
    table["Actions"] = counted["Actions"]
    table["RAG"] = [_rag_html(r) if r in RAG_COLOURS else _e(r) for r in table.index]
    body.append(
        html_table(
            table,
            f"Actions by RAG as at {uk_date(as_at)}",
            numeric=["Actions"],
            total_rows=["Total"],
            raw_columns=["RAG"],
        )
    )
    if not ctx.publish:
        late = plan[plan["rag"] == "Red"]
        if not late.empty:
            rows = actions.plan_table(late)[
                ["Action ID", "Action", "Lead agency", "Source", "Target date", "Days overdue"]
            ]
            body.append(
                html_table(rows, "Overdue actions", nowrap=["Action ID", "Target date", "Days overdue"])
            )
    else:
        ctx.left_out.append("the text of each action and the case it came from")
    by_agency = actions.open_by_agency(plan)
    if not by_agency.empty:
        fig = actions.open_by_agency_figure(by_agency, as_at)
        body.append(
            ctx.charts.html(
                fig,
                "Open actions by lead agency, stacked by RAG.",
                height=int(fig.layout.height or 380) + 40,
            )
        )
    return _section("action-plan", "Combined learning action plan", "".join(body))


def _scorecard_rows(
    ctx: _Context, table: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The scorecard's rows of the period, of a year before and of the 12 months to the period's end (a
    quarter's): publishing, as the publication rule shows them ("c" where hidden; case KPIs for the
    partnership as a whole only, with no breakdown)."""
    shown = table if ctx.published is None else ctx.published
    if ctx.published is None:
        mine = shown["locality"].isna() if ctx.locality is None else shown["locality"] == ctx.locality
        shown = shown[mine]

    def of(label: str) -> pd.DataFrame:
        return shown[shown["period"] == label].reset_index(drop=True)

    twelve = of(TwelveMonths(ctx.period).label) if ctx.period.is_quarter else None
    return of(ctx.period.label), of(ctx.period.year_before.label), twelve


def _is_c(value: Any) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def _kpi_value(ctx: _Context, row: pd.Series) -> tuple[str, bool]:
    """The value as written ("n of N" for a rate on a small denominator), and whether it is hidden for
    publication."""
    value = row["value"]
    if _is_c(value):
        return SUPPRESSED, True
    if _is_c(row["numerator"]) or _is_c(row["denominator"]):
        return format_value(value, str(row["unit"])), False
    minimum = ctx.settings.min_denominator
    return kpi_value_text(value, str(row["unit"]), row["numerator"], row["denominator"], minimum), False


def _small(ctx: _Context, row: pd.Series | None) -> bool:
    """A rate on a small denominator: no RAG, no change in points."""
    if row is None or _is_c(row["denominator"]):
        return False
    return is_small_denominator(str(row["unit"]), row["denominator"], ctx.settings.min_denominator)


def _fraction(numerator: Any, denominator: Any, unit: str = "percent") -> str:
    if _is_c(numerator) or _is_c(denominator):
        return " / ".join(SUPPRESSED if _is_c(n) else format_count(n) for n in (numerator, denominator))
    return fraction_text(numerator, denominator, unit)


def _twelve_months_text(ctx: _Context, row: pd.Series | None) -> str:
    if row is None or (not _is_c(row["denominator"]) and is_missing(row["denominator"])):
        return "–"
    value, _ = _kpi_value(ctx, row)
    fraction = _fraction(row["numerator"], row["denominator"], str(row["unit"]))
    return value if " of " in value else f"{value} ({fraction})"


def _scorecard_section(
    ctx: _Context, card: pd.DataFrame, before: pd.DataFrame, twelve_rows: pd.DataFrame | None = None
) -> str:
    """The KPI table. Case-review rates (a few reviews a quarter) are also read over the 12 months to the
    period's end, where the denominator is larger."""
    twelve = (
        None
        if twelve_rows is None or twelve_rows.empty
        else {
            (k, None if is_missing(c) else c): r
            for k, c, (_, r) in zip(
                twelve_rows["kpi"], twelve_rows["category"], twelve_rows.iterrows(), strict=True
            )
        }
    )
    previous = {
        (k, None if is_missing(c) else c): r
        for k, c, (_, r) in zip(before["kpi"], before["category"], before.iterrows(), strict=True)
    }
    rows, classes = [], []
    for _, r in card.iterrows():
        category = None if is_missing(r["category"]) else str(r["category"])
        then = previous.get((r["kpi"], category))
        value, hidden = _kpi_value(ctx, r)
        if then is not None:
            then_value, then_hidden = _kpi_value(ctx, then)
        else:
            then_value, then_hidden = "–", False
        if hidden or then_hidden:
            change = SUPPRESSED if then is not None else "–"
        elif _small(ctx, r) or _small(ctx, then):
            change = "–"
        else:
            change = change_text(r["value"], None if then is None else then["value"], str(r["unit"]))
        rows.append(
            {
                "KPI": "" if category else r["kpi"],
                "Title": category or r["title"],
                "Value": value,
                "Target": ""
                if category
                else ("no target" if is_missing(r["target"]) else format_value(r["target"], str(r["unit"]))),
                "RAG": "–" if hidden or category or _small(ctx, r) else _rag_html(r["rag"]),
                "Numerator / denominator": _fraction(r["numerator"], r["denominator"], str(r["unit"])),
                ctx.period.year_before.label: then_value,
                "Change": change,
            }
        )
        if twelve is not None:
            rows[-1][TWELVE_MONTHS] = (
                _twelve_months_text(ctx, twelve.get((r["kpi"], category)))
                if r["kpi"] in CASE_REVIEW_RATES
                else ""
            )
        classes.append("sub" if category else "")
    frame = pd.DataFrame(rows)
    legend = _p(
        "RAG: ✔ Green meets the target; ▲ Amber within the tolerance of it; ✖ Red beyond. Counts of "
        "notifications, reviews and sessions give context and have no target. Change is on the same "
        f"period a year before ({ctx.period.year_before.label}). A rate on fewer than "
        f"{ctx.settings.min_denominator} records is shown as 'n of N', with no RAG and no change."
        + (
            " Case-review rates are also shown over the 12 months to the period's end (12 months), where "
            "there are more reviews."
            if twelve is not None
            else ""
        ),
        "small",
    )
    body = [
        html_table(
            frame,
            f"Key performance indicators, {ctx.period.label}, {ctx.place}",
            numeric=[
                "Value",
                "Target",
                "Numerator / denominator",
                ctx.period.year_before.label,
                "Change",
                TWELVE_MONTHS,
            ],
            raw_columns=["RAG"],
            row_classes=classes,
        ),
        legend,
    ]
    if ctx.publish:
        body.append(
            _p(
                "Where a value is shown as c its RAG status is not shown either. Case figures (notifications, "
                "rapid reviews, LCSPRs and the grades of audited cases) are published for the partnership as "
                "a whole only, with no breakdown.",
                "small",
            )
        )
    return _section("scorecard", "Key performance indicators", "".join(body))


def _notes_section(ctx: _Context) -> str:
    notes = [
        "Sentences are written as at the last day of the period: an event after it is scheduled; a rapid "
        "review, publication or completion after it is not counted.",
        "Notification: within 5 working days of the local authority becoming aware (statutory). Rapid "
        "review: sent within 15 working days of the notification, or as extended by the Panel. LCSPR: completed "
        "(final report, else publication) within 6 months of the decision to hold it; a publication delayed "
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
    body = "".join(f"<p>{_e(n)}</p>" for n in notes if n)
    return f'<section id="notes" class="notes" aria-labelledby="notes-title"><h2 id="notes-title">Notes</h2>{body}</section>'


# --- PDF -----------------------------------------------------------------------------------------------


def report_pdf(html_text: str, path: Path, chromium: Path = DEFAULT_CHROMIUM, timeout: float = 120) -> Path:
    """Print the report to a PDF at `path` (A4, from the page's own @page rule) with headless Chromium.

    Raises ChromiumNotFoundError when there is no Chromium at `chromium`, ReportError when it fails.
    """
    executable = Path(chromium)
    if not executable.exists() and shutil.which(str(chromium)) is None:
        raise ChromiumNotFoundError(
            f"cannot make a PDF: Chromium not found at {chromium}. Install it (Debian: apt-get install "
            "chromium), or set PMF_CHROMIUM to its path; or open the HTML report in a browser and print it."
        )
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pmf-report-") as work:
        source = Path(work) / "report.html"
        source.write_text(html_text, encoding="utf-8")
        profile = Path(work) / "profile"
        output = Path(work) / "report.pdf"
        command = [
            str(executable if executable.exists() else shutil.which(str(chromium))),
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={output}",
            source.as_uri(),
        ]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReportError(f"Chromium took more than {timeout:g} seconds to print the report") from exc
        except OSError as exc:
            raise ReportError(f"cannot run Chromium at {chromium}: {exc}") from exc
        if not output.is_file() or output.stat().st_size == 0 or not output.read_bytes().startswith(b"%PDF"):
            detail = (run.stderr or run.stdout or "").strip().splitlines()[-5:]
            raise ReportError(
                f"Chromium did not write the PDF (exit status {run.returncode})"
                + (": " + " | ".join(detail) if detail else "")
            )
        shutil.move(str(output), target)
    return target

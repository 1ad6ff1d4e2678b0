"""The performance report (dashboard/publish/report.py and the report_* modules beside it): the
newsletter's 2023-24 Q3 figures in words, each in its own section; the sentence functions' singular and plural; a self-contained, printable page; publication mode
with small numbers suppressed and no case named; escaping of hostile uploads; and the Reports page.

The partnership's Q3 2023-24 newsletter says: 1 serious incident notification leading
to a rapid review (Child KLT, which agreed not to progress to an LCSPR); JM's LCSPR published in December 2023
as Child Joe; RV's rapid review completed in November 2023 leading to an LCSPR, learning event 25 January
2024 and recall event 26 February 2024; the audit 'Step down from social care assessment' on 13 November 2023
of 6 cases, 3 from Hartlepool and 3 from Stockton-on-Tees, to the Exec in February 2024; 5 face to face and
10 virtual training sessions.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from plotly.offline import get_plotlyjs

from dashboard.areas import actions
from dashboard.core.config import settings
from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.publish import report
from dashboard.publish.report import build_report
from dashboard.publish.report_words import (
    LcsprUpdate,
    action_plan_sentences,
    audit_sentences,
    count_phrase,
    grades_sentence,
    lcspr_sentences,
    milestones_sentence,
    notifications_sentence,
    on_time_sentence,
    rapid_review_sentence,
    rapid_reviews_sentence,
    training_sentence,
)

Q3 = parse_period("2023-24 Q3")
PROJECT = Path(__file__).resolve().parents[1]
HOSTILE = "<script>alert(1)</script>"


# --- reading the report as a person would: text by section --------------------------------------------


@dataclass
class Table:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Section:
    blocks: list[str] = field(default_factory=list)  # the text of each p, li, h2, h3
    tables: list[Table] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.blocks + [" ".join(" ".join(r) for r in t.rows) for t in self.tables])

    def table(self, caption_start: str) -> Table:
        found = [t for t in self.tables if t.caption.startswith(caption_start)]
        assert len(found) == 1, [t.caption for t in self.tables]
        return found[0]


class _Reader(HTMLParser):
    BLOCKS = ("p", "li", "h1", "h2", "h3", "figcaption")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, Section] = {}
        self.current: str | None = None
        self.block: list[str] | None = None
        self.table: Table | None = None
        self.cell: list[str] | None = None
        self.caption: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "section":
            self.current = dict(attrs).get("id") or ""
            self.sections[self.current] = Section()
        elif tag in self.BLOCKS and self.block is None:
            self.block = []
        elif tag == "table":
            self.table = Table()
        elif tag == "caption":
            self.caption = []
        elif tag == "tr" and self.table is not None:
            self.table.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag == "section":
            self.current = None
        elif tag in self.BLOCKS and self.block is not None:
            if self.current is not None:
                self.sections[self.current].blocks.append(_squash("".join(self.block)))
            self.block = None
        elif tag == "caption" and self.caption is not None and self.table is not None:
            self.table.caption = _squash("".join(self.caption))
            self.caption = None
        elif tag in ("td", "th") and self.cell is not None and self.table is not None:
            self.table.rows[-1].append(_squash("".join(self.cell)))
            self.cell = None
        elif tag == "table" and self.table is not None:
            if self.current is not None:
                self.sections[self.current].tables.append(self.table)
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        for buffer in (self.block, self.cell, self.caption):
            if buffer is not None:
                buffer.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def sections_of(html: str) -> dict[str, Section]:
    reader = _Reader()
    reader.feed(html)
    return reader.sections


def visible_text(html: str) -> str:
    """Everything a reader sees (not the CSS or the scripts)."""
    return " ".join(s.text for s in sections_of(html).values())


# --- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_con(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("report") / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    yield con
    con.close()


@pytest.fixture(scope="module")
def internal_q3(sample_con: duckdb.DuckDBPyConnection) -> str:
    return build_report(sample_con, Q3, settings())


@pytest.fixture(scope="module")
def published_q3(sample_con: duckdb.DuckDBPyConnection) -> str:
    return build_report(sample_con, Q3, settings(), publish=True)


@pytest.fixture(scope="module")
def internal(internal_q3: str) -> dict[str, Section]:
    return sections_of(internal_q3)


@pytest.fixture(scope="module")
def published(published_q3: str) -> dict[str, Section]:
    return sections_of(published_q3)


# --- the newsletter's figures, in words, each in its section -------------------------------------------


def test_sections_follow_the_newsletter(internal_q3: str, internal: dict[str, Section]) -> None:
    kinds = [report.PRIORITY_SECTIONS if s.startswith(report.PRIORITY_SECTIONS) else s for s in internal]
    assert kinds == [s for s in report.SECTION_IDS if s != "other"]  # the sample's Q3 has no "Other" update
    positions = [internal_q3.index(f'<section id="{s}"') for s in internal]
    assert positions == sorted(positions)


def test_one_notification_leading_to_a_rapid_review(internal: dict[str, Section]) -> None:
    blocks = internal["case-reviews"].blocks
    assert (
        "1 serious incident notification was made to the national Child Safeguarding Practice Review Panel "
        "during this quarter." in blocks
    )
    # Child KLT (fatal, abuse): the rapid review agreed not to progress to an LCSPR.
    klt = [b for b in blocks if b.startswith("Child KLT")]
    assert klt == [
        "Child KLT (Category: Child death – Abuse). The rapid review was completed on 3 November 2023 and "
        "decided not to progress to an LCSPR, the learning being taken forward from the rapid review."
    ]
    assert (
        "2 rapid reviews were completed during this quarter: 1 leading to an LCSPR and 1 with no LCSPR, the "
        "learning taken forward from the rapid review." in blocks
    )
    assert (
        "Both rapid reviews due during this quarter were sent within 15 working days of the notification."
        in blocks
    )
    for other in ("lcspr", "audits", "training", "action-plan"):
        assert "serious incident notification was made" not in internal[other].text


def test_jm_published_as_child_joe_and_rv_leading_to_an_lcspr(internal: dict[str, Section]) -> None:
    blocks = internal["lcspr"].blocks
    assert "The LCSPR for JM was published in December 2023 as Child Joe." in blocks
    assert "The rapid review for RV was completed in November 2023, leading to an LCSPR." in blocks
    assert (
        "Its learning event is scheduled for 25 January 2024 and its recall event for 26 February 2024."
        in blocks
    )
    # JM's recommendations went into the combined learning action plan (ACT-039 to ACT-042).
    assert "6 actions from its recommendations were added to the combined learning action plan." in blocks
    assert "Child Joe" not in internal["case-reviews"].blocks[0]


def test_the_step_down_audit(internal: dict[str, Section]) -> None:
    blocks = internal["audits"].blocks
    for sentence in (
        "A multi-agency audit of 'Step down from social care assessment' took place on 13 November 2023.",
        "It reviewed 6 cases (3 from Hartlepool and 3 from Stockton-on-Tees).",
        "The audit report will be presented to the Executive group in February 2024.",
        "Of the 6 cases, 1 was graded outstanding, 3 good and 2 as requires improvement.",
    ):
        assert sentence in blocks, blocks
    split = internal["audits"].table("Cases audited by locality").rows
    assert split == [
        ["Audit", "Hartlepool", "Stockton-on-Tees", "Total"],
        ["13 November 2023: Step down from social care assessment", "3", "3", "6"],
    ]


def test_fifteen_sessions_five_face_to_face_and_ten_virtual(internal: dict[str, Section]) -> None:
    training = internal["training"]
    assert "In this quarter 5 face to face and 10 virtual training sessions were held." in training.blocks
    rows = training.table("Training sessions delivered by delivery mode and locality").rows
    assert rows[0] == ["Locality", "Face to face", "Virtual", "Total"]
    assert rows[-1] == ["All localities", "5", "10", "15"]
    assert "training sessions were held" not in internal["case-reviews"].text


def test_action_plan_counts_by_rag_and_overdue(
    sample_con: duckdb.DuckDBPyConnection, internal: dict[str, Section]
) -> None:
    plan = actions.action_plan(sample_con, Q3.end, None, settings().action_due_soon_days)
    counts = actions.rag_counts(plan)
    section = internal["action-plan"]
    total, complete = sum(counts.values()), counts["Blue"]
    assert (
        f"As at 31 December 2023 the combined learning action plan held {total} actions: "
        f"{total - complete} open and {complete} complete."
    ) in section.blocks
    assert counts["Red"] == 2
    assert "2 open actions were past their target date (red)." in section.blocks
    rag_rows = {r[0]: r[-1] for r in section.table("Actions by RAG").rows[1:]}
    assert rag_rows == {
        "✖ Red": "2",
        "▲ Amber": str(counts["Amber"]),
        "✔ Green": str(counts["Green"]),
        "■ Blue": str(complete),
        "Total": str(total),
    }
    overdue = section.table("Overdue actions").rows
    assert [r[0] for r in overdue[1:]] == ["ACT-026", "ACT-033"]


def test_scorecard_rag_as_word_symbol_and_colour_with_the_year_before(
    internal_q3: str, internal: dict[str, Section]
) -> None:
    rows = internal["scorecard"].table("Key performance indicators").rows
    assert rows[0] == [
        "KPI",
        "Title",
        "Value",
        "Target",
        "RAG",
        "Numerator / denominator",
        "2022-23 Q3",
        "Change",
        "12 months",
        "Commentary",
    ]
    by_kpi = {r[0]: r for r in rows[1:] if r[0]}
    assert by_kpi["TR01"][2:9] == ["15", "no target", "–", "15", "17", "-2", ""]
    assert by_kpi["TR03"][2:9] == ["84.3%", "85.0%", "▲ Amber", "291 / 345", "85.6%", "-1.3 pts", ""]
    assert by_kpi["AP01"][4] == "✖ Red"
    # A rate on fewer than 5 reviews: "n of N", no RAG, no change; also read over 12 months.
    assert by_kpi["CR02"][2:6] == ["2 of 2", "100.0%", "–", "2 / 2"]
    assert by_kpi["CR02"][7] == "–"  # no change in points on a small denominator
    # Over the 12 months to 31 December 2023: 3 rapid reviews due, all sent on time; 1 of 2 LCSPRs on time.
    assert by_kpi["CR02"][8] == "3 of 3" and by_kpi["CR03"][8] == "1 of 2"
    assert by_kpi["AP03"][5] == "n = 2"  # a median over 2 actions, never "31 / 2"
    assert by_kpi["TR02"][4] == "✔ Green"
    assert len(by_kpi) == 19
    assert '<span class="rag rag-amber">▲ Amber</span>' in internal_q3
    assert ".rag-amber" in internal_q3 and ".rag-red" in internal_q3


def test_dates_after_the_period_are_not_known_yet(internal_q3: str) -> None:
    # RV was published on 18 July 2024 as Child Ruby: a Q3 2023-24 report cannot know that.
    assert "Child Ruby" not in internal_q3
    assert "July 2024" not in visible_text(internal_q3)


def test_a_year_says_during_this_year(sample_con: duckdb.DuckDBPyConnection) -> None:
    sections = sections_of(build_report(sample_con, parse_period("2023-24"), settings()))
    assert any(
        b.endswith("made to the national Child Safeguarding Practice Review Panel during this year.")
        for b in sections["case-reviews"].blocks
    )
    assert any(b.startswith("In this year ") for b in sections["training"].blocks)
    assert "this quarter" not in " ".join(s.text for s in sections.values())


def test_a_locality_report_counts_its_own_records(sample_con: duckdb.DuckDBPyConnection) -> None:
    html = build_report(sample_con, Q3, settings(), locality="hartlepool")
    sections = sections_of(html)
    assert "Hartlepool" in html.split("</header>")[0]
    assert "It reviewed 3 cases from Hartlepool." in sections["audits"].blocks
    assert any(b.startswith("Child KLT") for b in sections["case-reviews"].blocks)  # KLT is Hartlepool's
    assert "JM" not in sections["lcspr"].text  # JM is Stockton-on-Tees'
    assert (
        "In this quarter 3 face to face and 3 virtual training sessions were held."
        in sections["training"].blocks
    )


def test_a_reviews_recommendations_count_wherever_their_actions_are_led(
    sample_con: duckdb.DuckDBPyConnection,
) -> None:
    # JM is Stockton-on-Tees' review; 2 of its 4 actions are led Teeswide.
    lcspr = sections_of(build_report(sample_con, Q3, settings(), "Stockton-on-Tees"))["lcspr"]
    assert "The LCSPR for JM was published in December 2023 as Child Joe." in lcspr.blocks
    assert (
        "6 actions from its recommendations were added to the combined learning action plan." in lcspr.blocks
    )


def test_a_locality_whose_only_session_was_cancelled(sample_db_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    try:
        # Teeswide's one session of 2023-24 Q3 (1 December 2023), cancelled.
        con.execute(
            "UPDATE training_sessions SET status = 'Cancelled', attended = 0 WHERE session_id = 'TS-2023-039'"
        )
        for publish in (False, True):
            training = sections_of(build_report(con, Q3, settings(), "Teeswide", publish))["training"]
            start = training.blocks.index(
                "In this quarter no training sessions were held."
            )  # after the programme
            assert training.blocks[start : start + 2] == [
                "In this quarter no training sessions were held.",
                "1 session was cancelled."
                if not publish
                else "1 session was cancelled.",  # activity: published in full
            ]
    finally:
        con.close()


def test_an_unknown_locality_is_refused(sample_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(report.ReportError, match="not a locality"):
        build_report(sample_con, Q3, settings(), locality="Middlesbrough")


def test_a_period_with_no_data_still_makes_a_report(sample_con: duckdb.DuckDBPyConnection) -> None:
    html = build_report(sample_con, parse_period("2019-20 Q1"), settings(), publish=True)
    sections = sections_of(html)
    assert (
        "No serious incident notifications were made to the national Child Safeguarding Practice Review Panel "
        "during this quarter." in sections["case-reviews"].blocks
    )
    assert "In this quarter no training sessions were held." in sections["training"].blocks
    assert 'data-charts="0"' in html and "plotly.js v" not in html


# --- a self-contained page, printable on A4 ------------------------------------------------------------


def test_self_contained_with_plotly_inlined_once(internal_q3: str) -> None:
    assert "<script src" not in internal_q3.lower()
    assert not re.search(r"<link[^>]+href=[\"']?https?:", internal_q3, re.IGNORECASE)
    markup = re.sub(r"<script[^>]*>.*?</script>", "", internal_q3, flags=re.DOTALL)
    # Nothing fetched: the only addresses are the updates' links (<a href="https://...">) a reader may follow.
    assert re.search(r'<a href="https://', markup)
    fetched = re.sub(r'<a href="https://[^"]*">', "", markup)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", fetched, re.IGNORECASE)
    assert "@import" not in markup
    assert len(re.findall(r"plotly\.js v\d", internal_q3)) == 1
    charts = int(re.search(r'data-charts="(\d+)"', internal_q3)[1])  # type: ignore[index]
    assert charts >= 5
    assert internal_q3.count("Plotly.newPlot(") == charts
    # Every chart drawn 680 px wide: A4 less two 15 mm margins.
    widths = re.findall(r'<div style="height:\d+px; width:(\d+)px;">\s*<div id="chart-\d+"', internal_q3)
    assert widths == ["680"] * charts


def test_print_css(internal_q3: str) -> None:
    css = internal_q3.split("<style>")[1].split("</style>")[0]
    assert re.search(r"@page\s*{\s*size:\s*A4;\s*margin:\s*15mm;\s*}", css)
    assert "@media print" in css
    assert "break-inside: avoid" in css and "page-break-inside: avoid" in css
    for selector in ("figure", "table", ".chart", "section.keep"):
        assert re.search(rf"(^|\n|,\s*){re.escape(selector)}\s*[,{{]", css), selector
    assert "thead {\n  display: table-header-group" in css


# --- publication mode ----------------------------------------------------------------------------------


def test_published_report_names_no_case(
    sample_con: duckdb.DuckDBPyConnection, published_q3: str, published: dict[str, Section]
) -> None:
    text = visible_text(published_q3)
    refs = [r[0] for r in sample_con.execute("SELECT review_id FROM reviews").fetchall()]
    names = [
        r[0]
        for r in sample_con.execute(
            "SELECT published_name FROM reviews WHERE published_name IS NOT NULL"
        ).fetchall()
    ]
    cases = [r[0] for r in sample_con.execute("SELECT case_ref FROM audits").fetchall()]
    assert "KLT" in refs and "Child Joe" in names
    page = published_q3.replace(get_plotlyjs(), "")  # the rest: markup, styles and the charts' data
    for ref in refs + cases:
        assert not re.search(rf"\b{re.escape(ref)}\b", page), ref
    # A published LCSPR's public name may appear (the partnership published it): only as that.
    assert "Published during this quarter: Child Joe." in published["lcspr"].blocks
    assert "ACT-0" not in published_q3  # no per-action rows
    assert "Overdue actions" not in [t.caption for t in published["action-plan"].tables]
    assert "<li>" not in published_q3.split('id="case-reviews"')[1].split("</section>")[0]
    assert "small numbers" in text.lower() or "small number" in text.lower()


def test_published_report_suppresses_small_numbers(published: dict[str, Section]) -> None:
    blocks = published["case-reviews"].blocks
    assert (
        "A small number (fewer than 6) of serious incident notifications were made to the national Child "
        "Safeguarding Practice Review Panel during this quarter." in blocks
    )
    assert not any(
        re.search(r"\bc (serious|rapid|LCSPR|training|open)", b) for s in published.values() for b in s.blocks
    )
    # Training is activity, about the workforce: the newsletter's "5 face to face and 10 virtual" in full.
    training = published["training"]
    assert "In this quarter 5 face to face and 10 virtual training sessions were held." in training.blocks
    rows = training.table("Training sessions delivered by delivery mode and locality").rows
    assert rows[-1] == ["All localities", "5", "10", "15"]
    cells = [c for s in published.values() for t in s.tables for r in t.rows for c in r]
    assert "c" in cells
    # The audit's sample is activity too: the newsletter's 3 and 3.
    audit = published["audits"].table("Cases audited by locality").rows[1]
    assert audit[1:] == ["3", "3", "6"]
    assert "Cases audited by grade" not in [t.caption for t in published["audits"].tables]
    score = {r[0]: r for r in published["scorecard"].table("Key performance indicators").rows[1:]}
    assert score["CR04"][2] == "c" and score["CR04"][7] == "c"
    assert score["TR01"][2] == "15"
    assert score["CR02"][2:6] == ["c", "100.0%", "–", "c / c"]  # small numbers: no rate, no RAG
    # Breakdowns: activity ones (training by delivery mode) only; no case breakdown (nature, outcome).
    titles = [r[1] for r in published["scorecard"].tables[0].rows if r[0] == ""]
    assert titles == ["Face to face", "Virtual"]


def test_published_report_footnote(published: dict[str, Section]) -> None:
    notes = published["notes"].blocks
    assert any(
        n.startswith("c: a count from 1 to 5 is not shown, to protect the children and families concerned.")
        for n in notes
    ), notes
    assert any(n.startswith("Not included in the published report: case references") for n in notes)


def test_the_header_says_which_version(internal_q3: str, published_q3: str) -> None:
    assert "Internal: contains case references and small numbers. Not for publication." in internal_q3
    assert (
        "For publication: case figures for the partnership as a whole, small numbers suppressed; no case"
        in (published_q3)
    )
    assert "OFFICIAL-SENSITIVE" in internal_q3 and "OFFICIAL-SENSITIVE" not in published_q3
    assert '@top-center { content: "OFFICIAL-SENSITIVE"' in internal_q3  # every printed page
    assert "<title>HSSCP performance report 2023-24 Q3</title>" in published_q3


def test_internal_report_has_no_publication_footnote(internal: dict[str, Section]) -> None:
    assert not any(n.startswith("c: ") for n in internal["notes"].blocks)


def test_published_threshold_comes_from_the_settings(sample_con: duckdb.DuckDBPyConnection) -> None:
    from dataclasses import replace

    strict = replace(settings(), suppression_threshold=10)
    sections = sections_of(build_report(sample_con, Q3, strict, publish=True))
    assert "It reviewed 6 cases (3 from Hartlepool and 3 from Stockton-on-Tees)." in sections["audits"].blocks
    assert "The grades of the cases are not shown, to protect small numbers." in sections["audits"].blocks


# --- hostile uploads are escaped -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_con(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("hostile") / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    con.execute(
        "UPDATE training_sessions SET course_title = $t WHERE session_id = 'TS-2023-030'", {"t": HOSTILE}
    )
    con.execute(
        "UPDATE audits SET audit_title = $t WHERE audit_id = 'MAA-2023-03'",
        {"t": 'Step down <img src=x onerror=alert(2)> & "quotes"'},
    )
    con.execute("UPDATE reviews SET published_name = $t WHERE review_id = 'JM'", {"t": "</script><b>Joe</b>"})
    con.execute(
        "UPDATE actions SET action = $t WHERE action_id = 'ACT-033'",
        {"t": "<iframe src=javascript:alert(3)>"},
    )
    yield con
    con.close()


@pytest.mark.parametrize("publish", [False, True])
def test_hostile_text_is_escaped(hostile_con: duckdb.DuckDBPyConnection, publish: bool) -> None:
    html = build_report(hostile_con, Q3, settings(), publish=publish)
    for raw in (HOSTILE, "<img src=x", "<b>Joe</b>", "<iframe"):
        assert raw not in html, raw
    charts = int(re.search(r'data-charts="(\d+)"', html)[1])  # type: ignore[index]
    # Only the report's own scripts: Plotly's once in the head and one per chart.
    assert html.count("<script") == (1 if charts else 0) + charts
    text = visible_text(html)
    assert 'Step down <img src=x onerror=alert(2)> & "quotes"' in text
    if publish:
        assert HOSTILE in text  # the course list, escaped in the page, read back as text
    else:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert HOSTILE in text
        assert "The LCSPR for JM was published in December 2023 as </script><b>Joe</b>." in text
        assert "<iframe src=javascript:alert(3)>" in text


# --- the sentences: singular, plural, small numbers ----------------------------------------------------


def test_count_phrase() -> None:
    assert count_phrase(1, "session") == ("1 session", False)
    assert count_phrase(2, "session") == ("2 sessions", True)
    assert count_phrase(0, "agency", "agencies") == ("No agencies", True)
    assert count_phrase(3, "session", threshold=5) == ("A small number (fewer than 6) of sessions", True)
    assert count_phrase(6, "session", threshold=5) == ("6 sessions", True)
    assert count_phrase(0, "session", threshold=5) == ("No sessions", True)


N = "was made to the national Child Safeguarding Practice Review Panel during"


def test_notifications_sentence() -> None:
    assert notifications_sentence(1, "this quarter") == f"1 serious incident notification {N} this quarter."
    assert (
        notifications_sentence(3, "this year")
        == f"3 serious incident notifications {N.replace('was', 'were')} this year."
    )
    assert notifications_sentence(0, "this quarter") == (
        f"No serious incident notifications {N.replace('was', 'were')} this quarter."
    )
    assert notifications_sentence(2, "this quarter", threshold=5) == (
        f"A small number (fewer than 6) of serious incident notifications {N.replace('was', 'were')} this quarter."
    )
    assert notifications_sentence(0, "this quarter", threshold=5).startswith("No serious")


def test_rapid_reviews_sentence() -> None:
    assert rapid_reviews_sentence({"LCSPR": 1}, "this quarter") == (
        "1 rapid review was completed during this quarter, leading to an LCSPR."
    )
    assert rapid_reviews_sentence({"No LCSPR": 3}, "this quarter") == (
        "3 rapid reviews were completed during this quarter, all with no LCSPR, the learning taken forward from "
        "the rapid review."
    )
    assert rapid_reviews_sentence({"LCSPR": 1, "No LCSPR": 1}, "this quarter") == (
        "2 rapid reviews were completed during this quarter: 1 leading to an LCSPR and 1 with no LCSPR, the "
        "learning taken forward from the rapid review."
    )
    assert "no further review" not in rapid_reviews_sentence({"No LCSPR": 1}, "this quarter").lower()
    assert rapid_reviews_sentence({"LCSPR": 1, "No LCSPR": 9}, "this year", threshold=5) == (
        "10 rapid reviews were completed during this year."
    )


def test_rapid_review_sentence() -> None:
    end = date(2023, 12, 31)
    assert rapid_review_sentence("No LCSPR", date(2023, 11, 3), None, end, "this quarter") == (
        "The rapid review was completed on 3 November 2023 and decided not to progress to an LCSPR, the "
        "learning being taken forward from the rapid review."
    )
    assert rapid_review_sentence("LCSPR", date(2023, 11, 10), None, end, "this quarter").endswith(
        "and decided to progress to an LCSPR."
    )
    assert "alternative learning review" in rapid_review_sentence(
        "Alternative learning review", date(2023, 11, 3), None, end, "this quarter"
    )
    # Completed after the period's end: not known yet.
    assert rapid_review_sentence("LCSPR", date(2024, 1, 10), date(2024, 1, 12), end, "this quarter") == (
        "The rapid review was not complete at the end of this quarter; it is due by 12 January 2024."
    )
    assert rapid_review_sentence(None, None, date(2023, 12, 1), end, "this quarter") == (
        "The rapid review was not complete at the end of this quarter: it was due by 1 December 2023."
    )


def test_on_time_sentence() -> None:
    rule = "within 15 working days of the notification"
    assert on_time_sentence(1, 1, "rapid review", "completed", rule, "this quarter") == (
        "The rapid review completed during this quarter was within 15 working days of the notification."
    )
    assert on_time_sentence(0, 1, "rapid review", "completed", rule, "this quarter") == (
        "The rapid review completed during this quarter was not within 15 working days of the notification."
    )
    assert on_time_sentence(1, 2, "rapid review", "completed", rule, "this quarter") == (
        "1 of the 2 rapid reviews completed during this quarter was within 15 working days of the notification."
    )
    assert on_time_sentence(2, 3, "rapid review", "completed", rule, "this quarter").startswith(
        "2 of the 3 rapid reviews completed during this quarter were within"
    )
    assert on_time_sentence(4, 4, "rapid review", "completed", rule, "this year").startswith(
        "All 4 rapid reviews"
    )
    assert on_time_sentence(0, 0, "rapid review", "completed", rule, "this year") is None
    assert on_time_sentence(1, 2, "rapid review", "completed", rule, "this year", threshold=5) is None
    assert on_time_sentence(9, 12, "rapid review", "completed", rule, "this year", threshold=5) == (
        "75% of the rapid reviews completed during this year were within 15 working days of the notification."
    )


def test_milestones_sentence() -> None:
    end = date(2023, 12, 31)
    assert milestones_sentence(date(2024, 1, 25), date(2024, 2, 26), end) == (
        "Its learning event is scheduled for 25 January 2024 and its recall event for 26 February 2024."
    )
    assert milestones_sentence(date(2023, 9, 12), date(2023, 10, 17), end) == (
        "Its learning event took place on 12 September 2023 and its recall event on 17 October 2023."
    )
    assert milestones_sentence(date(2023, 12, 5), date(2024, 2, 26), end) == (
        "Its learning event took place on 5 December 2023 and its recall event is scheduled for 26 February 2024."
    )
    # The period's last day counts as taken place.
    assert milestones_sentence(date(2023, 12, 31), None, end) == (
        "Its learning event took place on 31 December 2023; the date of its recall event is not yet set."
    )
    assert (
        milestones_sentence(None, None, end)
        == "The dates of its learning event and recall event are not yet set."
    )


def test_lcspr_sentences() -> None:
    joe = LcsprUpdate(
        "JM",
        date(2023, 6, 20),
        date(2023, 9, 12),
        date(2023, 10, 17),
        date(2023, 12, 14),
        "Child Joe",
        date(2023, 12, 20),
        actions=1,
    )
    assert lcspr_sentences(joe, Q3) == [
        "The LCSPR for JM was published in December 2023 as Child Joe.",
        "It was published within 6 months of the decision to hold it.",
        "1 action from its recommendations was added to the combined learning action plan.",
    ]
    unnamed = LcsprUpdate("XY", date(2023, 1, 5), None, None, date(2023, 11, 1), None, date(2023, 7, 5))
    assert lcspr_sentences(unnamed, Q3)[:2] == [
        "The LCSPR for XY was published in November 2023.",
        "It was published after the expected 6 months (it was due by 5 July 2023).",
    ]
    rv = LcsprUpdate(
        "RV", date(2023, 11, 10), date(2024, 1, 25), date(2024, 2, 26), None, None, date(2024, 5, 10)
    )
    assert lcspr_sentences(rv, Q3) == [
        "The rapid review for RV was completed in November 2023, leading to an LCSPR.",
        "Its learning event is scheduled for 25 January 2024 and its recall event for 26 February 2024.",
        "Its final report is due by 10 May 2024.",
    ]
    running = LcsprUpdate(
        "AB", date(2023, 3, 1), None, None, None, None, date(2023, 9, 1), started=date(2023, 3, 1)
    )
    assert lcspr_sentences(running, Q3) == [
        "The LCSPR for AB, which began in March 2023, is in progress.",
        "The dates of its learning event and recall event are not yet set.",
        "Its final report was due by 1 September 2023 and is overdue.",
    ]


def test_audit_sentences() -> None:
    end = date(2023, 12, 31)
    one = audit_sentences(
        "Theme", date(2023, 10, 2), 1, {"Hartlepool": 1, "Stockton-on-Tees": 0}, date(2023, 12, 1), end
    )
    assert one == [
        "A multi-agency audit of 'Theme' took place on 2 October 2023.",
        "It reviewed 1 case, from Hartlepool.",
        "The audit report was presented to the Executive group in December 2023.",
    ]
    three = audit_sentences(
        "T", date(2023, 10, 2), 9, {"Hartlepool": 2, "Stockton-on-Tees": 6, "Teeswide": 1}, None, end
    )
    assert three[1] == "It reviewed 9 cases (2 from Hartlepool, 6 from Stockton-on-Tees and 1 from Teeswide)."
    assert len(three) == 2  # no Exec date, no sentence about it
    published = audit_sentences(
        "T", date(2023, 10, 2), 9, {"Hartlepool": 3, "Stockton-on-Tees": 6}, None, end, threshold=5
    )
    assert published[1] == (
        "It reviewed 9 cases from Hartlepool and Stockton-on-Tees; the number from each is not shown, to protect "
        "small numbers."
    )


def test_grades_sentence() -> None:
    assert grades_sentence({"Outstanding": 1, "Good": 3, "Requires improvement": 2, "Inadequate": 0}) == (
        "Of the 6 cases, 1 was graded outstanding, 3 good and 2 as requires improvement."
    )
    assert grades_sentence({"Outstanding": 0, "Good": 2, "Requires improvement": 1, "Inadequate": 0}) == (
        "Of the 3 cases, 2 were graded good and 1 as requires improvement."
    )
    assert grades_sentence({"Good": 1}) == "The case was graded good."
    assert grades_sentence({"Good": 4, "Inadequate": 0}) == "All 4 cases were graded good."
    assert grades_sentence({"Good": 0}) is None
    assert grades_sentence({"Good": 8, "Requires improvement": 2}, threshold=5) == (
        "80% of the cases were graded good or better."
    )
    assert grades_sentence({"Good": 4, "Requires improvement": 2}, threshold=5) == (
        "The grades are not shown, to protect small numbers."
    )


def test_training_sentence() -> None:
    assert training_sentence({"Face to face": 5, "Virtual": 10}, "this quarter") == (
        "In this quarter 5 face to face and 10 virtual training sessions were held."
    )
    assert training_sentence({"Face to face": 0, "Virtual": 1}, "this quarter") == (
        "In this quarter 1 virtual training session was held."
    )
    assert training_sentence({"Face to face": 1, "Virtual": 1, "E-learning": 2}, "this year") == (
        "In this year 1 face to face, 1 virtual and 2 e-learning training sessions were held."
    )
    assert (
        training_sentence({"Face to face": 0}, "this quarter")
        == "In this quarter no training sessions were held."
    )
    assert training_sentence({"Face to face": 6, "Virtual": 10}, "this quarter", threshold=5) == (
        "In this quarter 6 face to face and 10 virtual training sessions were held."
    )
    assert training_sentence({"Virtual": 4}, "this quarter", threshold=5) == (
        "In this quarter a small number (fewer than 6) of training sessions were held, all virtual."
    )


def test_action_plan_sentences() -> None:
    as_at = date(2023, 12, 31)
    assert action_plan_sentences({"Red": 1, "Amber": 2, "Green": 9, "Blue": 30}, as_at) == [
        "As at 31 December 2023 the combined learning action plan held 42 actions: 12 open and 30 complete.",
        "1 open action was past its target date (red).",
    ]
    assert action_plan_sentences({"Red": 7, "Amber": 0, "Green": 0, "Blue": 1}, as_at)[1] == (
        "7 open actions were past their target date (red)."
    )
    assert (
        action_plan_sentences({"Red": 0, "Amber": 0, "Green": 0, "Blue": 1}, as_at)[1]
        == "Every action was complete."
    )
    assert action_plan_sentences({"Red": 2, "Amber": 0, "Green": 9, "Blue": 30}, as_at, threshold=5) == [
        "As at 31 December 2023 the combined learning action plan held 41 actions.",
        "A small number (fewer than 6) of open actions were past their target date (red).",
    ]


# --- the PDF and the Reports page ----------------------------------------------------------------------


def test_report_pdf_without_chromium_says_so(tmp_path: Path) -> None:
    with pytest.raises(
        report.ChromiumNotFoundError, match="Chromium not found at .*apt-get install chromium"
    ):
        report.report_pdf("<html></html>", tmp_path / "r.pdf", chromium=tmp_path / "no-chromium")


def test_report_filename() -> None:
    assert (
        report.report_filename(Q3, None, False, "HSSCP") == "hsscp-report-2023-24-q3-OFFICIAL-SENSITIVE.html"
    )
    assert (
        report.report_filename(parse_period("2023-24"), "Stockton-on-Tees", True, "HSSCP")
        == "hsscp-report-2023-24-stockton-on-tees-published.html"
    )


def test_reports_page(sample_db: Path) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.app.filters import Filters

    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(
            str(PROJECT / "dashboard" / "app" / "app_pages" / "reports.py"), default_timeout=60
        )
        at.session_state["filters"] = Filters(Q3, None, False)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert [t.label for t in at.toggle] == ["Publication mode"]
        assert "Internal version" in at.warning[0].value
        buttons = {b.key: b for b in at.get("download_button")}
        assert "download_report_html" in buttons
        at.toggle(key="publish").set_value(True).run()
        assert not at.exception, [e.value for e in at.exception]
        assert "Publication version" in at.success[0].value
        frames = [e for e in at.main if type(e).__name__ == "UnknownElement"]
        srcdoc = "".join(str(getattr(e.proto, "srcdoc", "")) for e in frames)
        assert "A small number (fewer than 6) of serious incident notifications" in srcdoc
        assert "Child KLT" not in srcdoc and "Child death" not in srcdoc
        assert "5 face to face and 10 virtual training sessions" in srcdoc  # activity in full
    finally:
        st.cache_resource.clear()


def test_reports_from_the_sample_say_the_data_is_fictional(internal_q3: str, published_q3: str) -> None:
    for page in (internal_q3, published_q3):
        assert '<p class="badge sample" role="note">Fictional sample data' in page


def test_a_real_database_has_no_sample_notice(tmp_path: Path) -> None:
    from dashboard.core.db import connect

    con = connect(tmp_path / "real.duckdb")
    try:
        page = build_report(con, Q3, settings())
    finally:
        con.close()
    assert "Fictional sample data" not in page


def test_internal_report_marks_every_printed_page(internal_q3: str) -> None:
    """OFFICIAL-SENSITIVE heads the page on screen and the top and bottom of each printed page."""
    assert '<div class="marking">OFFICIAL-SENSITIVE</div>' in internal_q3
    assert '@top-center { content: "OFFICIAL-SENSITIVE"' in internal_q3
    assert '@bottom-center { content: "OFFICIAL-SENSITIVE"' in internal_q3


CASE_WORDS = (
    "Child death",
    "Serious harm",
    "Abuse and neglect",
    "No LCSPR",
    "National review",
    "Notification withdrawn",
    "Alternative learning review",
    "Under 1",
    "Child protection",
    "Looked after",
)


@pytest.mark.parametrize("locality", [None, "Hartlepool", "Stockton-on-Tees"])
def test_published_reports_hold_no_case_split_and_all_the_activity(
    sample_con: duckdb.DuckDBPyConnection, locality: str | None
) -> None:
    """Publication: no case nature, harm type, outcome, age band, case level or case reference anywhere, no
    case figure for a locality; the activity counts in full."""
    page = build_report(sample_con, Q3, settings(), locality=locality, publish=True)
    text = visible_text(page)
    for word in CASE_WORDS:
        assert word not in text, word
    refs = [r[0] for r in sample_con.execute("SELECT review_id FROM reviews").fetchall()]
    cases = [r[0] for r in sample_con.execute("SELECT case_ref FROM audits").fetchall()]
    body = page.replace(get_plotlyjs(), "")
    for ref in refs + cases:
        assert not re.search(rf"\b{re.escape(ref)}\b", body), ref
    sections = sections_of(page)
    if locality is None:
        assert "5 face to face and 10 virtual training sessions" in text
        assert "It reviewed 6 cases (3 from Hartlepool and 3 from Stockton-on-Tees)." in text
        assert "1 further session was cancelled." in text
    else:
        assert report.PARTNERSHIP_ONLY in sections["case-reviews"].blocks
        assert report.PARTNERSHIP_ONLY in sections["lcspr"].blocks
        score = {r[0]: r for r in sections["scorecard"].table("Key performance indicators").rows[1:] if r[0]}
        assert not [k for k in score if k.startswith("CR") or k in ("AU02", "AU03")]
    rag_table = sections["action-plan"].table("Actions by RAG").rows
    assert "c" not in [r[-1] for r in rag_table]  # action RAG counts in full


# --- how the page is made: a template over data --------------------------------------------------------


def test_a_short_section_is_kept_on_one_page_by_its_rows_not_its_markup() -> None:
    from markupsafe import Markup

    from dashboard.publish.report_model import KEEP_ROWS, Column, Figure, Paragraph, Row, Section, Table

    def table(rows: int) -> Table:
        return Table("t", [Column("A")], [Row(["<tr>"]) for _ in range(rows)])

    assert Section("s", "S", [Paragraph("<tr><tr><tr>" * 10)]).keep  # text that looks like rows is text
    assert Section("s", "S", [table(KEEP_ROWS - 1)]).keep  # rows and the header row: 12
    assert not Section("s", "S", [table(KEEP_ROWS - 1), table(0)]).keep
    assert not Section("s", "S", [Figure(Markup("<div></div>"), "a chart")]).keep
    assert Section("notes", "Notes", [], css="notes").css_class == "notes"


def test_the_template_escapes_every_piece_of_text() -> None:
    from dashboard.publish.report import report_templates
    from dashboard.publish.report_model import (
        CaseItem,
        CaseList,
        Column,
        Paragraph,
        Rag,
        Row,
        Section,
        Table,
        TitledBlock,
        TitledList,
    )

    bad = '<b onclick="x">&</b>'
    section = Section(
        "s",
        bad,
        [
            Paragraph(bad),
            Table(bad, [Column(bad, "num")], [Row([bad]), Row([Rag("Red")], "total")]),
            CaseList([CaseItem(bad, bad)]),
            TitledBlock(bad, [Paragraph(bad)]),
            TitledList(bad, [bad]),
        ],
    )
    blocks = report_templates().get_template("report_blocks.html.j2").module
    page = str(blocks.section(section))  # type: ignore[attr-defined]
    assert "<b" not in page and page.count("&lt;b onclick=&#34;x&#34;&gt;&amp;&lt;/b&gt;") == 11
    assert '<tr class="total"><td class="num"><span class="rag rag-red">✖ Red</span></td></tr>' in page


def test_no_html_is_written_by_hand_in_python() -> None:
    for module in (PROJECT / "dashboard" / "publish").glob("report*.py"):
        source = module.read_text(encoding="utf-8")
        assert "html.escape" not in source and "<tr" not in source and "<p" not in source, module.name

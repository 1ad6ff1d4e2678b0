"""The quarterly report holds every section of the partnership's Q3 2023-24 newsletter, in the newsletter's
order, each with its facts: the serious incident notification (Child KLT), the LCSPR updates (Child Joe),
the audit of 13 November 2023 (6 cases, 3 and 3), the work streams (Catalyst and HartlePower; the PMF), the
Neglect priority's three strands, the training programme (the online booking system, MeLearning, STSCP) and
its 5 face to face and 10 virtual sessions, the conferences (the Child Sexual Abuse Roadshow), the five
procedures reviewed, each a link, the Neglect Active Learning Event on 6 Feb 2024 and 28 Mar 2024 and the three
monthly e-bulletins. Text from an update is escaped, and only an https:// address becomes a link.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from dashboard.core.config import settings
from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.ingest.edits import save_row
from dashboard.publish.report import PRIORITY_SECTIONS, SECTION_IDS, build_report, report_templates
from dashboard.publish.report_cycle import event_dates_text, later_sections, work_stream_sections
from dashboard.publish.report_model import ReportContext, https_link
from tests.test_report import Section, sections_of, visible_text

Q3 = parse_period("2023-24 Q3")
HOSTILE = "<script>alert(1)</script>"

PROCEDURES = (
    "Child in Need",
    "Children in Hospital",
    "Children Living at Home Subject of Interim or Final Supervision Orders",
    "Making & Responding to a Referral",
    "Strategy Discussion",
)
BULLETINS = [f"Safeguarding Children Newsletter - {m} 2023" for m in ("October", "November", "December")]


# --- the sample database with the newsletter's updates -----------------------------------------------------


@pytest.fixture(scope="module")
def sample_con(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("newsletter") / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    yield con
    con.close()


@pytest.fixture(scope="module")
def page(sample_con: duckdb.DuckDBPyConnection) -> str:
    return build_report(sample_con, Q3, settings())


@pytest.fixture(scope="module")
def sections(page: str) -> dict[str, Section]:
    return sections_of(page)


def section_html(page: str, section_id: str) -> str:
    return page.split(f'<section id="{section_id}"')[1].split("</section>")[0]


def links(markup: str) -> dict[str, str]:
    """Each link's words and its address."""
    return {
        html.unescape(re.sub(r"<[^>]+>", "", text)).strip(): html.unescape(href)
        for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', markup, flags=re.S)
    }


# --- section by section ------------------------------------------------------------------------------------


def test_every_newsletter_section_in_the_newsletters_order(sections: dict[str, Section]) -> None:
    assert list(sections) == [
        "case-reviews",
        "lcspr",
        "audits",
        "work-streams",
        "priority-neglect",
        "training",
        "conferences",
        "procedures",
        "key-events",
        "communications",
        "action-plan",
        "scorecard",
        "notes",
    ]
    kinds = [PRIORITY_SECTIONS if s.startswith(PRIORITY_SECTIONS) else s for s in sections]
    assert kinds == [s for s in SECTION_IDS if s in kinds]  # the declared order, "other" left out (none)


def test_the_case_sections_keep_their_facts(sections: dict[str, Section]) -> None:
    assert any(
        b.startswith("Child KLT (Category: Child death – Abuse)") for b in sections["case-reviews"].blocks
    )
    assert "The LCSPR for JM was published in December 2023 as Child Joe." in sections["lcspr"].blocks
    audit = sections["audits"].blocks
    assert (
        "A multi-agency audit of 'Step down from social care assessment' took place on 13 November 2023."
        in audit
    )
    assert "It reviewed 6 cases (3 from Hartlepool and 3 from Stockton-on-Tees)." in audit


def test_work_streams_numbered_with_their_status(sections: dict[str, Section]) -> None:
    blocks = sections["work-streams"].blocks
    headings = [b for b in blocks if re.match(r"\d\. ", b)]
    assert headings == [
        "1. Engagement of Children and Young People On track",
        "2. Strengthening Assurance On track",
    ]
    text = sections["work-streams"].text
    assert "Catalyst and HartlePower" in text
    assert "Performance Management Framework (PMF)" in text
    assert "Neglect Champions" not in text  # the priority's strands have their own section


def test_the_neglect_prioritys_progress(sections: dict[str, Section]) -> None:
    neglect = sections["priority-neglect"]
    assert neglect.blocks[0] == "Progress on the priority of Neglect"
    headings = [b for b in neglect.blocks if re.match(r"\d\. ", b)]
    assert [h.split(" On track")[0] for h in headings] == [
        "1. Evidencing the Child's Lived Experience",
        "2. Assessing and Intervening with Neglect – Understanding and responding to the Impact of Neglect",
        "3. Communication and Engagement",
    ]
    for fact in ("Neglect Champions", "rough guides", "marketing campaign", "Neglect Active Learning event"):
        assert fact in neglect.text, fact


def test_training_programme_text_then_the_figures(page: str, sections: dict[str, Section]) -> None:
    blocks = sections["training"].blocks
    figures = blocks.index("In this quarter 5 face to face and 10 virtual training sessions were held.")
    before = " ".join(blocks[:figures])
    for fact in ("online booking system", "Tees Safeguarding All MeLearning platform", "STSCP", "Teeswide"):
        assert fact in before, fact
    assert any(href.startswith("https://") for href in links(section_html(page, "training")).values())


def test_conferences_without_a_date(sections: dict[str, Section]) -> None:
    text = sections["conferences"].text
    assert "Child Sexual Abuse Roadshow" in text
    assert "Barnardos" in text
    assert "Neglect of Children" in text
    assert "Neglect Active Learning Event" not in text  # dated: a key event


def test_the_five_procedures_each_a_link(page: str, sections: dict[str, Section]) -> None:
    found = links(section_html(page, "procedures"))
    for title in PROCEDURES:
        assert found.get(title, "").startswith("https://www.teescpp.org.uk/"), (title, found)
    assert (
        sections["procedures"]
        .blocks[1]
        .startswith("During this quarter the following procedures and guidance")
    )
    items = [b for b in sections["procedures"].blocks[2:]]
    assert len(items) == 5


def test_key_event_dates_together(sections: dict[str, Section]) -> None:
    events = sections["key-events"].blocks
    nale = [b for b in events if b.startswith("Neglect Active Learning Event")]
    assert len(nale) == 1, events
    assert "Takes place on 6 Feb 2024 and 28 Mar 2024." in nale[0]


def test_the_three_e_bulletins_as_links(page: str) -> None:
    found = links(section_html(page, "communications"))
    for title in BULLETINS:
        assert found.get(title, "").startswith("https://"), (title, found)


def test_other_quarters_and_an_empty_database(tmp_path: Path) -> None:
    con = connect(tmp_path / "empty.duckdb")
    try:
        sections = sections_of(build_report(con, Q3, settings()))
    finally:
        con.close()
    assert sections["work-streams"].blocks == ["Work streams", "No updates recorded this quarter."]
    for absent in ("priority-neglect", "conferences", "procedures", "key-events", "communications", "other"):
        assert absent not in sections


def test_a_locality_gets_its_own_updates_and_the_teeswide_ones(
    sample_db_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    try:
        for place, title in (
            ("Stockton-on-Tees", "Stockton Youth Voice"),
            ("Hartlepool", "Hartlepool Youth Voice"),
        ):
            save_row(
                con,
                settings(),
                "partnership_updates",
                {
                    "update_id": f"ZZ-{place[:3]}",
                    "quarter": "Q3 2023-24",
                    "section": "Other",
                    "title": title,
                    "update": "A youth forum met twice.",
                    "locality": place,
                },
                "tester",
            )
        hartlepool = sections_of(build_report(con, Q3, settings(), locality="Hartlepool"))
        everyone = sections_of(build_report(con, Q3, settings()))
    finally:
        con.close()
    assert "Hartlepool Youth Voice" in hartlepool["other"].text
    assert "Stockton Youth Voice" not in hartlepool["other"].text
    assert "Catalyst and HartlePower" in hartlepool["work-streams"].text  # Teeswide
    # In the report of all localities a locality's own update says whose it is.
    assert "Stockton Youth Voice Stockton-on-Tees – A youth forum met twice." in everyone["other"].blocks


def test_updates_are_published_in_full(sample_con: duckdb.DuckDBPyConnection) -> None:
    published = sections_of(build_report(sample_con, Q3, settings(), publish=True))
    assert "Catalyst and HartlePower" in published["work-streams"].text
    assert "Child Sexual Abuse Roadshow" in published["conferences"].text
    assert "Child KLT" not in visible_text(build_report(sample_con, Q3, settings(), publish=True))


# --- escaping and links ------------------------------------------------------------------------------------


def test_https_link_only() -> None:
    assert https_link("https://www.teescpp.org.uk/") == "https://www.teescpp.org.uk/"
    for bad in ("javascript:alert(1)", "http://example.org", "https://a b", 'https://x"onclick=1', None, 5):
        assert https_link(bad) is None, bad


def test_hostile_updates_never_become_markup(sample_con: duckdb.DuckDBPyConnection) -> None:
    """The rendering functions given hostile rows directly (a javascript: link cannot be stored)."""
    rows = pd.DataFrame(
        [
            {
                "update_id": f"H-{i}",
                "quarter": Q3.label,
                "section": section,
                "title": HOSTILE,
                "priority": priority,
                "update": f'{HOSTILE} <a href="javascript:alert(2)">x</a>',
                "status": None,
                "event_date": day,
                "link": link,
                "locality": "Teeswide",
            }
            for i, (section, priority, day, link) in enumerate(
                [
                    ("Work stream", None, None, "javascript:alert(3)"),
                    ("Work stream", "<b>Neglect</b>", None, "javascript:alert(3)"),
                    ("Procedure", None, None, "javascript:alert(4)"),
                    ("Event", None, date(2024, 2, 6), "JAVASCRIPT:alert(5)"),
                    ("Communication", None, None, 'https://ok.example/"><script>'),
                    ("Other", None, None, "data:text/html,<script>alert(6)</script>"),
                ]
            )
        ]
    )
    ctx = ReportContext(sample_con, Q3, settings(), None, False)
    built = [*work_stream_sections(ctx, rows), *later_sections(ctx, rows)]
    blocks = report_templates().get_template("report_blocks.html.j2").module
    page = "".join(str(blocks.section(s)) for s in built)  # type: ignore[attr-defined]
    assert "<script" not in page and "<b>" not in page and '<a href="javascript' not in page.lower()
    assert "<a " not in page  # none of those addresses is a plain https:// one: no link at all
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = visible_text(f"<html>{page}</html>")
    assert HOSTILE in text


def test_event_dates_text() -> None:
    end = Q3.end
    assert (
        event_dates_text([date(2024, 3, 28), date(2024, 2, 6)], end)
        == "Takes place on 6 Feb 2024 and 28 Mar 2024."
    )
    assert event_dates_text([date(2023, 11, 13)], end) == "Took place on 13 Nov 2023."
    assert (
        event_dates_text([date(2023, 12, 1), date(2024, 1, 9), date(2023, 12, 1)], end)
        == "Took place on 1 Dec 2023; takes place on 9 Jan 2024."
    )

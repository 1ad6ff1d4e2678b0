"""The executive report opens with what needs attention (Red and Amber KPIs with their commentary, or flagged
"No commentary yet"), then revisions since sign-off, the trend charts and the updates in brief; and the
quarterly report's scorecard carries commentary and revisions. Sign off, change a figure late, see the
revision beside the signed-off value, reopen.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.core.config import settings
from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.kpis.signoff import reopen, revision_text, sign_off
from dashboard.publish.report import EXECUTIVE_SECTION_IDS, ReportError, build_report
from tests.test_report import CASE_WORDS, sections_of, visible_text

Q3 = parse_period("2023-24 Q3")


@pytest.fixture
def con(sample_db_template: Path, tmp_path: Path) -> Iterator[Any]:
    path = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    connection = connect(path)
    yield connection
    connection.close()


def test_opens_with_what_needs_attention(con: duckdb.DuckDBPyConnection) -> None:
    page = build_report(con, Q3, settings(), kind="executive")
    sections = sections_of(page)
    assert list(sections) == list(EXECUTIVE_SECTION_IDS)
    assert "<h1>Executive report: 2023-24 Q3</h1>" in page
    attention = sections["attention"]
    rows = attention.table("Red and Amber KPIs").rows
    rags = [r[4] for r in rows[1:]]
    assert rags == sorted(rags, key=lambda r: 0 if "Red" in r else 1)  # Red first
    assert set(rags) == {"✖ Red", "▲ Amber"}
    reds = [r[0] for r in rows[1:] if "Red" in r[4]]
    assert (
        f"In 2023-24 Q3 (All localities) {len(reds)} KPIs are Red and {len(rows) - 1 - len(reds)} Amber."
        in (attention.blocks)
    )
    # The sample has commentary on every Red KPI; an Amber one without is flagged.
    commentary = [b for b in attention.blocks if re.match(r"[A-Z]{2}\d\d ", b)]
    assert len(commentary) == len(rows) - 1
    for kpi in reds:
        said = next(b for b in commentary if b.startswith(kpi))
        assert "No commentary yet" not in said and "Owner:" in said, said
    flagged = [b for b in commentary if b.endswith("No commentary yet")]
    assert f"{len(flagged)} of these KPIs {'has' if len(flagged) == 1 else 'have'} no commentary yet." in (
        attention.blocks
    )
    assert sections["revisions"].blocks[1] == "Not yet signed off: figures may change."
    charts = int(re.search(r'data-charts="(\d+)"', page)[1])  # type: ignore[index]
    assert len(sections["trends"].blocks) - 1 == len(rows) - 1  # a chart per Red or Amber KPI (captions)
    assert charts >= len(rows) - 1
    summary = sections["updates-summary"].text
    assert (
        "Work streams and priorities" in summary
        and "Engagement of Children and Young People (On track)" in summary
    )


def test_sign_off_a_late_change_and_reopen(con: duckdb.DuckDBPyConnection) -> None:
    done = sign_off(con, Q3, settings(), "alice")
    day = f"{done.signed_off_at.day} {done.signed_off_at:%b %Y}"
    # A late change: one of the quarter's delivered sessions was in fact cancelled (TR01 15 -> 14).
    session = con.execute(
        "SELECT session_id FROM training_sessions WHERE status = 'Delivered' AND delivery_mode = 'Virtual' "
        "AND session_date BETWEEN '2023-10-01' AND '2023-12-31' ORDER BY session_id LIMIT 1"
    ).fetchall()[0][0]
    con.execute("UPDATE training_sessions SET status = 'Cancelled' WHERE session_id = $s", {"s": session})

    executive = sections_of(build_report(con, Q3, settings(), kind="executive"))
    revisions = executive["revisions"]
    assert f"Signed off on {day} by alice." in revisions.blocks
    rows = revisions.table("Figures revised since sign-off").rows
    assert rows[0] == ["KPI", "Title", f"Signed off {day}", "Now"]
    assert ["TR01", "Training sessions delivered", "15", "14"] in rows

    quarterly = sections_of(build_report(con, Q3, settings()))
    card = quarterly["scorecard"]
    assert f"Signed off on {day} by alice." in card.blocks
    by_kpi = {r[0]: r for r in card.table("Key performance indicators").rows[1:] if r[0]}
    assert by_kpi["TR01"][2] == revision_text(
        "14", "15", done.signed_off_at
    )  # "15, signed off 3 Dec 2026; now 14"
    assert by_kpi["TR03"][2] == "84.3%" or "signed off" in by_kpi["TR03"][2]

    published = sections_of(build_report(con, Q3, settings(), publish=True))
    published_card = published["scorecard"]
    assert f"Signed off on {day}." in published_card.blocks  # no name in a published report
    assert "alice" not in visible_text(build_report(con, Q3, settings(), publish=True))
    score = {r[0]: r for r in published_card.table("Key performance indicators").rows[1:] if r[0]}
    assert score["TR01"][2] == f"14 (revised since sign-off on {day})"

    reopen(con, Q3, "bob")
    after = sections_of(build_report(con, Q3, settings()))
    assert "Not yet signed off: figures may change." in after["scorecard"].blocks
    assert {r[0]: r for r in after["scorecard"].tables[0].rows[1:] if r[0]}["TR01"][2] == "14"


def test_scorecard_commentary_beside_each_kpi(con: duckdb.DuckDBPyConnection) -> None:
    card = sections_of(build_report(con, Q3, settings()))["scorecard"]
    rows = card.table("Key performance indicators").rows
    assert rows[0][-1] == "Commentary"
    with_commentary = [r[0] for r in rows[1:] if r[0] and r[-1] == "Yes"]
    reds = [r[0] for r in rows[1:] if r[0] and r[4] == "✖ Red"]
    assert set(reds) <= set(with_commentary)
    # Each is written out below the table with its action, owner and review date.
    for kpi in with_commentary:
        said = [b for b in card.blocks if b.startswith(f"{kpi} ")]
        assert (
            len(said) == 1 and "Action:" in said[0] and re.search(r"Review date: \d+ \w{3} 20\d\d\.", said[0])
        )
    assert not any(b.endswith("have no commentary yet.") for b in card.blocks)


def test_a_red_kpi_without_commentary_is_flagged(con: duckdb.DuckDBPyConnection) -> None:
    red = con.execute("SELECT kpi FROM kpi_commentary WHERE quarter = '2023-24 Q3' ORDER BY kpi").fetchall()
    con.execute("DELETE FROM kpi_commentary WHERE quarter = '2023-24 Q3' AND kpi = $k", {"k": red[0][0]})
    page = build_report(con, Q3, settings())
    card = sections_of(page)["scorecard"]
    flags = [b for b in card.blocks if "no commentary yet" in b]
    assert len(flags) <= 1
    executive = sections_of(build_report(con, Q3, settings(), kind="executive"))["attention"]
    assert any(b.startswith(red[0][0]) and b.endswith("No commentary yet") for b in executive.blocks)


def test_published_commentary_only_on_activity_kpis_for_the_whole_partnership(
    con: duckdb.DuckDBPyConnection,
) -> None:
    from dashboard.kpis.catalogue import ACTIVITY, load_catalogue

    kinds = {k.id: k.publication for k in load_catalogue()}
    stored = [
        r[0] for r in con.execute("SELECT kpi FROM kpi_commentary WHERE quarter = '2023-24 Q3'").fetchall()
    ]
    assert any(kinds[k] != ACTIVITY for k in stored) and any(kinds[k] == ACTIVITY for k in stored)
    for kind in ("quarterly", "executive"):
        page = build_report(con, Q3, settings(), publish=True, kind=kind)
        text = visible_text(page)
        sections = sections_of(page)
        shown = {
            b.split(" ")[0] for s in sections.values() for b in s.blocks if re.match(r"[A-Z]{2}\d\d .*– ", b)
        }
        assert shown and all(kinds[k] == ACTIVITY for k in shown), shown
        assert "No commentary yet" not in text
        for word in CASE_WORDS:
            assert word not in text, (kind, word)
        assert "the PMF group's commentary on case figures" in sections["notes"].text
    hartlepool = visible_text(
        build_report(con, Q3, settings(), locality="Hartlepool", publish=True, kind="executive")
    )
    assert "Owner:" not in hartlepool


def test_published_executive_charts_no_case_trend(con: duckdb.DuckDBPyConnection) -> None:
    page = build_report(con, Q3, settings(), publish=True, kind="executive")
    captions = sections_of(page)["trends"].blocks[1:]
    assert captions and all(re.match(r"(TR|AP|AU01)", c) for c in captions), captions
    assert "OFFICIAL-SENSITIVE" not in page


def test_an_unknown_kind_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(
        ReportError, match="'monthly' is not a kind of report: choose one of quarterly, executive"
    ):
        build_report(con, Q3, settings(), kind="monthly")


def test_a_year_is_not_signed_off(con: duckdb.DuckDBPyConnection) -> None:
    year = sections_of(build_report(con, parse_period("2023-24"), settings(), kind="executive"))
    assert "Figures for a year are not signed off; each of its quarters is." in year["attention"].blocks

"""The sample's quarterly cycle (data/sample/quarterly.xlsx, written by data/make_quarterly_sample.py): it loads
through `pmf init` with the other sample workbooks; its 2023-24 Q3 partnership updates carry every narrative
section of the HSSCP newsletter for that quarter; every quarter of the sample has updates; every KPI rated Red
for all localities together in a quarter of the sample has the PMF group's commentary; and the script writes
exactly the committed workbook, byte for byte on a rerun.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import duckdb
import pandas as pd
import pytest
from helpers.pmf_cli import PROJECT_DIR, SAMPLE_DIR, headline
from openpyxl import load_workbook

from dashboard.areas.updates import updates_for
from dashboard.core.config import settings
from dashboard.core.periods import Period
from dashboard.kpis.catalogue import kpis_for
from dashboard.kpis.commentary import commentary_for, red_without_commentary

Q3 = "2023-24 Q3"
QUARTERS = [Period(year, quarter) for year in range(2021, 2025) for quarter in (1, 2, 3, 4)]
WORKBOOK = SAMPLE_DIR / "quarterly.xlsx"
NEWSLETTER_PROCEDURES = [
    "Child in Need",
    "Children in Hospital",
    "Children Living at Home Subject of Interim or Final Supervision Orders",
    "Making & Responding to a Referral",
    "Strategy Discussion",
]


@pytest.fixture(scope="module")
def con(cli_sample_db) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the database `pmf init` made from every sample workbook."""
    connection = duckdb.connect(str(cli_sample_db[0]), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def scorecard(con) -> Callable[[Period, str | None], pd.DataFrame]:
    """kpis_for on the sample database, each period and locality computed once."""
    config = settings()
    cache: dict[tuple[str, str | None], pd.DataFrame] = {}

    def get(period: Period, locality: str | None = None) -> pd.DataFrame:
        if (period.label, locality) not in cache:
            cache[period.label, locality] = kpis_for(con, period, config, locality)
        return cache[period.label, locality]

    return get


@pytest.fixture(scope="module")
def q3_updates(con) -> pd.DataFrame:
    return updates_for(con, Q3)


def text_of(updates: pd.DataFrame) -> str:
    return " ".join(f"{t} {u}" for t, u in zip(updates["title"], updates["update"], strict=True))


def workbook_rows(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


# --- loading ---------------------------------------------------------------------------------------------


def test_pmf_init_loads_the_quarterly_workbook_with_no_error(cli_sample_db, con):
    run = cli_sample_db[1]
    sheets = workbook_rows(WORKBOOK)
    updates, commentary = len(sheets["partnership_updates"]) - 1, len(sheets["kpi_commentary"]) - 1
    assert f"quarterly.xlsx: partnership_updates: {updates} added, 0 replaced, 0 unchanged; " in run.stdout, (
        run
    )
    assert f"kpi_commentary: {commentary} added, 0 replaced, 0 unchanged" in run.stdout, run
    assert con.execute("SELECT count(*) FROM partnership_updates").fetchone() == (updates,)
    assert con.execute("SELECT count(*) FROM kpi_commentary").fetchone() == (commentary,)
    assert updates > 100 and commentary > 40


# --- 2023-24 Q3 is the newsletter ------------------------------------------------------------------------


def test_q3_lists_the_newsletters_five_procedures_with_links(q3_updates):
    procedures = q3_updates[q3_updates["section"] == "Procedure"].sort_values("update_id")
    assert procedures["title"].tolist() == NEWSLETTER_PROCEDURES  # in the newsletter's order
    assert all(link.startswith("https://www.teescpp.org.uk/") for link in procedures["link"])


def test_q3_has_the_neglect_active_learning_event_on_its_two_days(q3_updates):
    events = q3_updates[q3_updates["title"] == "Neglect Active Learning Event"]
    assert set(events["section"]) == {"Event"}
    assert sorted(pd.to_datetime(events["event_date"]).dt.date) == [date(2024, 2, 6), date(2024, 3, 28)]
    assert all(
        "This 2 day event is based on a recent child safeguarding practice review" in u
        for u in events["update"]
    )


def test_q3_has_the_three_monthly_e_bulletins(q3_updates):
    bulletins = q3_updates[q3_updates["section"] == "Communication"]
    assert sorted(bulletins["title"]) == [
        "Safeguarding Children Newsletter - December 2023",
        "Safeguarding Children Newsletter - November 2023",
        "Safeguarding Children Newsletter - October 2023",
    ]
    assert all(link.startswith("https://") for link in bulletins["link"])


def test_q3_work_streams_and_the_neglect_priority(q3_updates):
    streams = q3_updates[q3_updates["section"] == "Work stream"]
    general = streams[streams["priority"].isna()]
    assert sorted(general["title"]) == ["Engagement of Children and Young People", "Strengthening Assurance"]
    assert "Catalyst and HartlePower have commenced this piece of work" in text_of(general)
    assert "website from a child/young person perspective" in text_of(general)
    assert "Performance Management Framework (PMF) task & finish group" in text_of(general)
    neglect = streams[streams["priority"] == "Neglect"]
    assert sorted(neglect["title"]) == [
        "Assessing and Intervening with Neglect – Understanding and responding to the Impact of Neglect",
        "Communication and Engagement",
        "Evidencing the Child's Lived Experience",
    ]
    for words in (
        "Neglect Champions regularly meet",
        "rough guides",
        "marketing campaign",
        "Active Learning",
    ):
        assert words in text_of(neglect), words


def test_q3_training_programme_and_conferences(q3_updates):
    training = text_of(q3_updates[q3_updates["section"] == "Training programme"])
    for words in (
        "April 2023 to March 2024",
        "new online booking system",
        "Tees Safeguarding All MeLearning",
    ):
        assert words in training, words
    assert (
        "HSSCP is working with STSCP to develop a programme of multi-agency safeguarding training" in training
    )
    assert not re.search(r"\b(5|10)\b", training)  # the session counts come from the training data
    conferences = q3_updates[(q3_updates["section"] == "Event") & q3_updates["event_date"].isna()]
    assert (
        "Child Sexual Abuse Expertise & Barnardos are currently planning a Child Sexual Abuse Roadshow"
        in (text_of(conferences))
    )
    assert "conference to be delivered in 2024 on Neglect of Children & Young People" in text_of(conferences)


# --- every quarter ---------------------------------------------------------------------------------------


def test_every_quarter_of_the_sample_has_updates_and_its_three_e_bulletins(con):
    for period in QUARTERS:
        updates = updates_for(con, period.label)
        assert len(updates) >= 5, period.label
        bulletins = sorted(updates.loc[updates["section"] == "Communication", "title"])
        months = {
            f"{d:%B %Y}" for d in (period.start, period.end, period.start + (period.end - period.start) / 2)
        }
        assert bulletins == sorted(f"Safeguarding Children Newsletter - {m}" for m in months), period.label
        assert updates["link"].dropna().str.startswith("https://").all(), period.label


def test_the_neglect_events_happen_in_their_quarters(con):
    held = con.execute(
        "SELECT quarter, title, event_date FROM partnership_updates "
        "WHERE status = 'Complete' AND event_date IS NOT NULL AND title ILIKE '%neglect%' ORDER BY event_date"
    ).fetchall()
    assert [(q, d) for q, _, d in held if d >= date(2024, 1, 1)] == [
        ("2023-24 Q4", date(2024, 2, 6)),
        ("2023-24 Q4", date(2024, 3, 28)),
        ("2024-25 Q2", date(2024, 8, 29)),
    ]


def test_every_red_kpi_for_all_localities_has_commentary_in_every_quarter(con, scorecard):
    reds_seen = 0
    for period in QUARTERS:
        table = scorecard(period)
        commentary = commentary_for(con, period.label, None)
        headline_rows = table[table["category"].isna()]
        reds = set(headline_rows.loc[headline_rows["rag"] == "Red", "kpi"])
        reds_seen += len(reds)
        assert reds <= set(commentary["kpi"]), (period.label, sorted(reds - set(commentary["kpi"])))
        assert red_without_commentary(table, commentary) == [], period.label
        assert commentary["owner"].notna().all() and commentary["action"].notna().all(), period.label
        assert (pd.to_datetime(commentary["review_date"]).dt.date > period.end).all(), period.label
    assert reds_seen >= 40  # the sample has Red KPIs to comment on


def test_commentary_is_written_on_red_figures_of_its_locality(con, scorecard):
    rows = con.execute("SELECT quarter, locality, kpi FROM kpi_commentary ORDER BY ALL").fetchall()
    localities = {locality for _, locality, _ in rows}
    assert {"All localities", "Hartlepool", "Stockton-on-Tees"} <= localities
    for quarter, locality, kpi in rows:
        period = next(p for p in QUARTERS if p.label == quarter)
        table = scorecard(period, None if locality == "All localities" else locality)
        rag = table.loc[(table["kpi"] == kpi) & table["category"].isna(), "rag"].tolist()
        assert rag == ["Red"], (quarter, locality, kpi, rag)


def test_commentary_names_no_case_and_no_child(con):
    words = " ".join(
        " ".join(str(v) for v in row)
        for row in con.execute("SELECT commentary, action, owner FROM kpi_commentary").fetchall()
    )
    assert not re.search(r"\b(KLT|JM|RV|Joe|Child [A-Z])\b", words)


def test_pmf_kpis_shows_the_q3_commentary_beside_the_red_kpis(sample_kpis):
    rows = sample_kpis(Q3)
    assert headline(rows, "AU02")["rag"] == "Red"
    assert headline(rows, "AU02")["commentary"].startswith(
        "Four of the six cases in the multi-agency audit of step down from social care assessment"
    )
    reds = [r for r in rows if r["category"] is None and r["rag"] == "Red"]
    assert reds and all(r["commentary"] for r in reds)


# --- the script ------------------------------------------------------------------------------------------


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_quarterly_sample", PROJECT_DIR / "data" / "make_quarterly_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_writes_the_committed_workbook_byte_for_byte_on_a_rerun(tmp_path):
    script = load_script()
    first, second = tmp_path / "first" / "quarterly.xlsx", tmp_path / "second" / "quarterly.xlsx"
    script.main([str(first)])
    script.main([str(second)])
    assert first.read_bytes() == second.read_bytes()
    assert workbook_rows(first) == workbook_rows(WORKBOOK)
    assert list(workbook_rows(first)) == ["partnership_updates", "kpi_commentary"]

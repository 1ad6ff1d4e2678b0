"""Reading the quarterly cycle back: a quarter's commentary for a locality, one KPI's commentary over the
quarters with the earlier wordings and who wrote them, the Red KPIs still without commentary, and the
quarter's partnership updates in section order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from helpers.workbooks import SETTINGS, check, new_database, table, xlsx

from dashboard.areas.updates import SECTIONS, updates_for
from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.ingest.edits import remove_row, save_row
from dashboard.ingest.load import load_upload, undo_latest
from dashboard.kpis.catalogue import kpis_for
from dashboard.kpis.commentary import (
    ALL_LOCALITIES,
    commentary_for,
    commentary_history,
    red_without_commentary,
)

COMMENT: dict[str, Any] = {
    "kpi": "CR02",
    "quarter": "2023-24 Q3",
    "commentary": "One rapid review was late.",
    "action": "Chronologies on the day",
    "owner": "Business manager",
    "review_date": date(2024, 4, 30),
}


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = new_database(tmp_path / "pmf.duckdb")
    yield connection
    connection.close()


def plain(frame: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    """The columns' values row by row, missing values as None."""
    return [[None if pd.isna(v) else v for v in row] for row in frame[columns].astype(object).values.tolist()]


def test_commentary_for_a_quarter_and_locality(con: duckdb.DuckDBPyConnection) -> None:
    sheet = table(
        {**COMMENT, "locality": None},
        {},
        {"kpi": "CR01", "commentary": "All notifications on time."},
        {"locality": "Hartlepool", "commentary": "Hartlepool's review was the late one."},
        {"quarter": "2023-24 Q2", "commentary": "An earlier quarter."},
    )
    load_upload(con, check(xlsx({"kpi_commentary": sheet}), "commentary.xlsx"), "ann")
    every = commentary_for(con, "2023-24 Q3", None)
    assert list(every.columns) == [
        "kpi",
        "quarter",
        "locality",
        "commentary",
        "action",
        "owner",
        "review_date",
        "written_at",
        "written_by",
    ]
    assert every[["kpi", "locality", "commentary", "written_by"]].values.tolist() == [
        ["CR01", ALL_LOCALITIES, "All notifications on time.", "ann"],
        ["CR02", ALL_LOCALITIES, "One rapid review was late.", "ann"],
    ]
    hartlepool = commentary_for(con, "Q3 2023/24", "Hartlepool")
    assert hartlepool[["kpi", "commentary"]].values.tolist() == [
        ["CR02", "Hartlepool's review was the late one."]
    ]
    assert commentary_for(con, "2023-24 Q3", "Stockton-on-Tees").empty


def test_the_history_keeps_the_wordings_later_edits_replaced(con: duckdb.DuckDBPyConnection) -> None:
    save_row(
        con, SETTINGS, "kpi_commentary", {**COMMENT, "quarter": "2023-24 Q2", "commentary": "Q2."}, "ann"
    )
    save_row(con, SETTINGS, "kpi_commentary", {**COMMENT, "commentary": "First wording."}, "ann")
    save_row(con, SETTINGS, "kpi_commentary", {**COMMENT, "commentary": "Second wording."}, "bob")
    save_row(con, SETTINGS, "kpi_commentary", {**COMMENT, "commentary": "Third wording."}, "cat")
    save_row(
        con, SETTINGS, "kpi_commentary", {**COMMENT, "locality": "Hartlepool", "commentary": "H."}, "ann"
    )
    history = commentary_history(con, "CR02", None)
    assert plain(history, ["quarter", "commentary", "written_by", "replaced_by", "current"]) == [
        ["2023-24 Q3", "Third wording.", "cat", None, True],
        ["2023-24 Q3", "Second wording.", "bob", "cat", False],
        ["2023-24 Q3", "First wording.", "ann", "bob", False],
        ["2023-24 Q2", "Q2.", "ann", None, True],
    ]
    first = history.iloc[2]
    assert first["replaced_at"] == history.iloc[1]["written_at"]

    undo_latest(con, "ann")  # the Hartlepool row
    undo_latest(con, "cat")  # the third wording: the second is current again, the first still replaced
    after = commentary_history(con, "CR02", None)
    assert after[after["quarter"] == "2023-24 Q3"][["commentary", "current"]].values.tolist() == [
        ["Second wording.", True],
        ["First wording.", False],
    ]


def test_a_removed_commentary_stays_in_the_history(con: duckdb.DuckDBPyConnection) -> None:
    save_row(con, SETTINGS, "kpi_commentary", COMMENT, "ann")
    remove_row(con, "kpi_commentary", {"kpi": "CR02", "quarter": "2023-24 Q3", "locality": None}, "bob")
    assert commentary_for(con, "2023-24 Q3", None).empty
    history = commentary_history(con, "CR02", None)
    assert history[["commentary", "written_by", "replaced_by", "current"]].values.tolist() == [
        ["One rapid review was late.", "ann", "bob", False]
    ]


def test_updates_in_section_order_and_by_locality(con: duckdb.DuckDBPyConnection) -> None:
    base = {"quarter": "2023-24 Q3", "update": "Text."}
    sheet = table(
        {"update_id": "", "section": "", "title": "", **base},
        {"update_id": "A", "section": "E-bulletin", "title": "Monthly e-bulletins"},
        {"update_id": "B", "section": "Key event", "title": "Neglect ALE", "event_date": date(2024, 3, 28)},
        {"update_id": "C", "section": "Key event", "title": "Neglect ALE", "event_date": date(2024, 2, 6)},
        {
            "update_id": "D",
            "section": "Workstream",
            "title": "Strengthening assurance",
            "priority": "Assurance",
        },
        {"update_id": "E", "section": "Procedure", "title": "Child in Need", "locality": "Hartlepool"},
        {"update_id": "F", "section": "Procedure", "title": "Bruising", "locality": "Stockton-on-Tees"},
        {"update_id": "G", "section": "Work stream", "title": "Neglect", "quarter": "2023-24 Q2"},
    )
    load_upload(con, check(xlsx({"partnership_updates": sheet}), "updates.xlsx"), "ann")
    assert SECTIONS == ("Work stream", "Procedure", "Event", "Communication", "Training programme", "Other")
    every = updates_for(con, "2023-24 Q3", settings=SETTINGS)
    assert every["update_id"].tolist() == ["D", "F", "E", "C", "B", "A"]
    assert list(every.columns)[-3:] == ["upload_id", "written_at", "written_by"]
    assert set(every["written_by"]) == {"ann"}
    hartlepool = updates_for(con, "Q3 2023-24", "Hartlepool", settings=SETTINGS)
    assert hartlepool[["update_id", "locality"]].values.tolist() == [
        ["D", "Teeswide"],
        ["E", "Hartlepool"],
        ["C", "Teeswide"],
        ["B", "Teeswide"],
        ["A", "Teeswide"],
    ]
    assert updates_for(con, "2022-23 Q3", settings=SETTINGS).empty


def test_red_kpis_without_commentary_on_the_sample(sample_db: Path) -> None:
    con = connect(sample_db)
    try:
        con.execute("DELETE FROM kpi_commentary")
        period = parse_period("2023-24 Q3")
        scorecard = kpis_for(con, period, SETTINGS)
        headline = scorecard[scorecard["category"].isna()]
        red = [k for k, rag in zip(headline["kpi"], headline["rag"], strict=True) if rag == "Red"]
        assert red, "the sample's 2023-24 Q3 has Red KPIs"
        assert red_without_commentary(scorecard, commentary_for(con, "2023-24 Q3", None)) == red
        save_row(con, SETTINGS, "kpi_commentary", {**COMMENT, "kpi": red[0]}, "ann")
        # Commentary on another locality does not count for all localities together.
        save_row(
            con, SETTINGS, "kpi_commentary", {**COMMENT, "kpi": red[-1], "locality": "Hartlepool"}, "ann"
        )
        written = commentary_for(con, "2023-24 Q3", None)
        assert red_without_commentary(scorecard, written) == red[1:]
        green = [k for k, rag in zip(headline["kpi"], headline["rag"], strict=True) if rag == "Green"]
        assert not set(green) & set(red_without_commentary(scorecard, written))
    finally:
        con.close()

"""Drill-down, queries/kpi/*.records.sql through dashboard.kpis.drilldown: the records behind each KPI.

The records must agree with the KPI they explain: on the small fixtures of tests/helpers/kpi_fixtures.py and on the
sample data, for 2023-24 Q3 and the year 2023-24, for all localities together and for each locality.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import pytest
from helpers.kpi_fixtures import load_actions, load_audits, load_reviews, load_training

from dashboard.core.config import QUERIES_DIR, settings
from dashboard.core.db import connect, read_sql
from dashboard.core.periods import Period, parse_period
from dashboard.ingest.load import load_sample_into
from dashboard.kpis.catalogue import compute_kpis, kpi_files, load_catalogue, register_agencies
from dashboard.kpis.drilldown import RECORDS_DIR, UnknownKpiError, has_records, kpi_records, records_file

KPI_IDS = sorted(p.stem for p in kpi_files(QUERIES_DIR / "kpi"))
Q3 = parse_period("2023-24 Q3")
YEAR = parse_period("2023-24")
H, S, T = "Hartlepool", "Stockton-on-Tees", "Teeswide"
LOCALITIES: list[str | None] = [None, H, S, T]
PARAMETERS = {"period_start", "period_end", "locality"}

# How the rows agree with the KPI.
COUNTED = {"TR01", "AU01", "CR04", "CR05", "CR06"}  # number of rows = the count
BREAKDOWN = {"TR01", "CR04", "CR05"}  # counts_as is the category
GOOD = {  # rates: rows = denominator, rows with this verdict = numerator
    "TR05": "Reached",
    "AU02": "Good or better",
    "AU03": "Inadequate",
    "CR01": "On time",
    "CR02": "On time",
    "CR03": "Within 6 months",
    "AP01": "Completed by target",
    "AP02": "Overdue",
}
SUMS = {  # rates of sums: sum(numerator column) = numerator, sum(denominator column) = denominator
    "TR02": ("places_booked", "places_offered"),
    "TR03": ("attended", "places_booked"),
    "TR04": ("did_not_attend", "places_booked"),
    "AU04": ("actions_completed", "actions_raised"),
}
# TR06: sum(uplift) = numerator, rows = denominator. AP03: rows = denominator, median(days_overdue) = numerator.
VERDICTS = {
    "TR01": {"Face to face", "Virtual", "E-learning"},
    "TR02": {"Counted"},
    "TR03": {"Counted"},
    "TR04": {"Counted"},
    "TR05": {"Reached", "Not reached"},
    "TR06": {"Counted"},
    "AU01": {"Counted"},
    "AU02": {"Good or better", "Other grade"},
    "AU03": {"Inadequate", "Other grade"},
    "AU04": {
        "All completed",
        "Some not completed",
        "Completed not recorded, counted as none",
        "No actions raised",
    },
    "CR01": {"On time", "Late"},
    "CR02": {"On time", "Late", "Late, not sent"},
    "CR03": {"Within 6 months", "Completed late", "Late, not completed"},
    "CR04": {"Child death", "Serious harm", "Other"},
    "CR05": {"LCSPR", "Alternative learning review", "No LCSPR", "National review", "Not recorded"},
    "CR06": {"Counted"},
    "AP01": {"Completed by target", "Not completed by target"},
    "AP02": {"Overdue", "Open, not overdue"},
    "AP03": {"Overdue"},
}


def _loc_id(locality: str | None) -> str:
    return locality or "all"


def _number(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _rows(df: pd.DataFrame) -> Counter[tuple[Any, ...]]:
    """The rows as a multiset of tuples, blanks as None."""
    clean = df.astype(object).where(df.notna(), None)
    return Counter(tuple(row) for row in clean.itertuples(index=False))


# ---------------------------------------------------------------------------------------------------------
# Databases: the fixtures of tests/helpers/kpi_fixtures.py and the sample data, each with its KPI table.


@pytest.fixture(scope="module")
def fixture_db():
    con = connect(":memory:")
    for load in (load_training, load_audits, load_reviews, load_actions):
        load(con)
    yield con
    con.close()


@pytest.fixture(scope="module")
def sample_con(tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("sample") / "s.duckdb")
    load_sample_into(con, settings())
    yield con
    con.close()


@pytest.fixture(scope="module")
def databases(fixture_db, sample_con) -> dict[str, tuple[duckdb.DuckDBPyConnection, pd.DataFrame]]:
    return {
        name: (con, compute_kpis(con, [Q3, YEAR], settings()))
        for name, con in (("fixture", fixture_db), ("sample", sample_con))
    }


@pytest.fixture
def empty_db():
    con = connect(":memory:")
    yield con
    con.close()


def kpi_rows(table: pd.DataFrame, kpi_id: str, period: Period, locality: str | None) -> pd.DataFrame:
    mask = (table["kpi"] == kpi_id) & (table["period"] == period.label)
    mask &= table["locality"].isna() if locality is None else table["locality"] == locality
    return table[mask]


def headline(table: pd.DataFrame, kpi_id: str, period: Period, locality: str | None) -> tuple:
    rows = kpi_rows(table, kpi_id, period, locality)
    rows = rows[rows["category"].isna()]
    assert len(rows) == 1
    return _number(rows["numerator"].iloc[0]), _number(rows["denominator"].iloc[0])


def close(a: float | None, b: float | None) -> bool:
    return (a or 0.0) == pytest.approx(b or 0.0, abs=1e-6)


# ---------------------------------------------------------------------------------------------------------
# The files and the module.


def test_one_records_query_per_kpi():
    assert sorted(p.name.removesuffix(".records.sql") for p in RECORDS_DIR.glob("*.records.sql")) == KPI_IDS
    assert sorted(k.id for k in load_catalogue()) == KPI_IDS
    assert len(KPI_IDS) == 19
    assert all(has_records(kpi_id) for kpi_id in KPI_IDS)


@pytest.mark.parametrize("kpi_id", ["XX99", "tr01", "TR1", "", "../kpi/TR01", "TR01.sql"])
def test_has_no_records_for_anything_else(kpi_id):
    assert not has_records(kpi_id)


def test_unknown_kpi_raises_a_clear_key_error(empty_db):
    with pytest.raises(KeyError) as caught:
        kpi_records(empty_db, "XX99", Q3, None)
    assert isinstance(caught.value, UnknownKpiError)
    assert "XX99" in str(caught.value) and "kpi/XX99.records.sql" in str(caught.value)


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_query_binds_exactly_the_three_parameters(kpi_id):
    body = "\n".join(
        line for line in read_sql(records_file(kpi_id)).splitlines() if not line.startswith("--")
    )
    assert set(re.findall(r"\$([a-z_]+)", body)) == PARAMETERS
    lowered = body.lower()
    for word in ("kpi_periods", "current_date", "now()", "today()", "current_timestamp", "{", "}"):
        assert word not in lowered


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_runs_on_an_empty_database_ending_with_counts_as(empty_db, kpi_id):
    df = kpi_records(empty_db, kpi_id, Q3, None)
    assert len(df) == 0
    assert list(df.columns)[-1] == "counts_as"
    assert len(set(df.columns)) == len(df.columns)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in df.columns)


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_dates_are_dates_and_verdicts_are_known(fixture_db, kpi_id):
    sql = read_sql(records_file(kpi_id))
    register_agencies(fixture_db, settings())
    fixture_db.execute(sql, {"period_start": YEAR.start, "period_end": YEAR.end, "locality": None})
    types = {name: str(kind) for name, kind, *_ in fixture_db.description}
    for name, kind in types.items():
        if name.endswith("_date") or name == "deadline":
            assert kind == "DATE", name
    assert types["counts_as"] == "VARCHAR"
    df = kpi_records(fixture_db, kpi_id, YEAR, None)
    assert len(df) > 0
    assert set(df["counts_as"]) <= VERDICTS[kpi_id]


# ---------------------------------------------------------------------------------------------------------
# The records agree with the KPI.


@pytest.mark.parametrize("locality", LOCALITIES, ids=_loc_id)
@pytest.mark.parametrize("period", [Q3, YEAR], ids=str)
@pytest.mark.parametrize("kpi_id", KPI_IDS)
@pytest.mark.parametrize("source", ["fixture", "sample"])
def test_records_agree_with_the_kpi(databases, source, kpi_id, period, locality):
    con, table = databases[source]
    records = kpi_records(con, kpi_id, period, locality)
    numerator, denominator = headline(table, kpi_id, period, locality)
    assert set(records["counts_as"]) <= VERDICTS[kpi_id]
    if kpi_id in COUNTED:
        assert len(records) == numerator
        if kpi_id in BREAKDOWN:
            rows = kpi_rows(table, kpi_id, period, locality)
            categories = {c: v for c, v in zip(rows["category"], rows["value"], strict=True) if c is not None}
            assert dict(Counter(records["counts_as"])) == categories
    elif kpi_id in GOOD:
        assert len(records) == (denominator or 0)
        assert (records["counts_as"] == GOOD[kpi_id]).sum() == (numerator or 0)
    elif kpi_id in SUMS:
        top, bottom = SUMS[kpi_id]
        assert close(float(records[top].sum()), numerator)
        assert close(float(records[bottom].sum()), denominator)
        assert records[bottom].notna().all() and records[top].notna().all()
    elif kpi_id == "TR06":
        assert len(records) == (denominator or 0)
        assert close(float(records["uplift"].sum()), numerator)
    elif kpi_id == "AP03":
        assert len(records) == (denominator or 0)
        if len(records):
            assert close(float(records["days_overdue"].median()), numerator)
        else:
            assert numerator is None
    else:
        pytest.fail(f"no rule for {kpi_id}")


@pytest.mark.parametrize("period", [Q3, YEAR], ids=str)
@pytest.mark.parametrize("kpi_id", KPI_IDS)
@pytest.mark.parametrize("source", ["fixture", "sample"])
def test_all_localities_are_the_localities_together_teeswide_once(databases, source, kpi_id, period):
    con = databases[source][0]
    together = kpi_records(con, kpi_id, period, None)
    parts = [kpi_records(con, kpi_id, period, loc) for loc in settings().all_localities]
    if kpi_id == "TR05":  # one row per agency: an agency reached in two localities is one agency
        assert set(together["agency"]) == set().union(*(set(p["agency"]) for p in parts))
        assert together["attended"].sum() == sum(p["attended"].sum() for p in parts)
    else:
        assert _rows(together) == sum((_rows(p) for p in parts), Counter())


# ---------------------------------------------------------------------------------------------------------
# Hand-checked fixture records (the working is in tests/test_kpi_values.py).


def test_cr02_fixture_working_days_and_deadlines(fixture_db):
    df = kpi_records(fixture_db, "CR02", Q3, None)
    got = list(df[["review_id", "working_days", "deadline", "counts_as"]].itertuples(index=False, name=None))
    # The rapid reviews whose deadline fell in Q3, late first, each in deadline order. R4 was never sent:
    # late in the quarter its deadline fell in. R19 took 30 working days, with an extension agreed.
    assert [(r, None if pd.isna(w) else int(w), d.date(), c) for r, w, d, c in got] == [
        ("R4", None, date(2023, 10, 20), "Late, not sent"),
        ("R2", 16, date(2023, 10, 31), "Late"),
        ("R5", 15, date(2023, 10, 20), "On time"),
        ("R1", 15, date(2023, 10, 30), "On time"),
        ("R19", 30, date(2023, 10, 30), "On time"),
    ]
    assert df.set_index("review_id").loc["R19", "rr_extension_agreed"]


def test_cr01_fixture_deadline_skips_bank_holidays(fixture_db):
    df = kpi_records(fixture_db, "CR01", Q3, H).set_index("review_id")
    # R3 aware Wed 20 Dec 2023: 21, 22, 27, 28, 29 Dec (25, 26 bank holidays)
    assert df.loc["R3", "deadline"].date() == date(2023, 12, 29)
    assert df.loc["R3", "working_days"] == 5
    assert df.loc["R3", "counts_as"] == "On time"


def test_cr03_fixture_verdicts(fixture_db):
    df = kpi_records(fixture_db, "CR03", Q3, None)
    # The LCSPRs whose 6 months ran out in Q3, late first, each in deadline order.
    assert list(zip(df["review_id"], df["counts_as"], strict=True)) == [
        ("R7", "Completed late"),  # deadline 20 Oct 2023, published 25 Oct
        ("R8", "Late, not completed"),  # deadline 30 Nov 2023
        ("R9", "Completed late"),  # deadline 30 Dec 2023, published only on 1 Feb 2024
        ("R21", "Within 6 months"),  # final report 29 Sep 2023, its publication delayed
        ("R6", "Within 6 months"),
    ]
    assert list(df["days_past_deadline"]) == [5, 31, 33, 0, 0]
    assert "R22" not in set(df["review_id"])  # no final report, publication delayed with a reason


def test_tr05_fixture_agencies(fixture_db):
    df = kpi_records(fixture_db, "TR05", Q3, None).set_index("agency")
    # School/college booked 2 at S1 but nobody came: it attended only S5 (15 booked, 15 attended)
    assert df.loc["School/college", ["sessions", "booked", "attended"]].tolist() == [1, 17, 15]
    assert df.loc["Police", ["sessions", "booked", "attended"]].tolist() == [3, 18, 18]
    assert df.loc["Probation", "counts_as"] == "Not reached"  # its only session was cancelled
    assert "Other" not in df.index  # the catch-all says nothing about reach
    assert len(df) == 13 and (df["counts_as"] == "Reached").sum() == 5


def test_ap03_fixture_most_overdue_first(fixture_db):
    df = kpi_records(fixture_db, "AP03", Q3, None)
    assert list(zip(df["action_id"], df["days_overdue"], strict=True)) == [
        ("A9", 122),
        ("A6", 92),
        ("A4", 31),
        ("A5", 30),
    ]


def test_ap02_fixture_open_actions(fixture_db):
    df = kpi_records(fixture_db, "AP02", Q3, None)
    verdicts = dict(zip(df["action_id"], df["counts_as"], strict=True))
    assert verdicts == {
        "A9": "Overdue",
        "A6": "Overdue",
        "A4": "Overdue",
        "A5": "Overdue",
        "A2": "Open, not overdue",  # due on the last day
        "A7": "Open, not overdue",
    }
    assert list(df["counts_as"][:4]) == ["Overdue"] * 4


def test_au04_fixture_blank_completed_counts_as_none(fixture_db):
    df = kpi_records(fixture_db, "AU04", Q3, S).set_index("case_ref")
    assert df.loc["S1", "actions_completed"] == 0
    assert df.loc["S1", "counts_as"] == "Completed not recorded, counted as none"
    assert df.loc["S2", "counts_as"] == "No actions raised"
    assert "H3" not in kpi_records(fixture_db, "AU04", Q3, None)["case_ref"].tolist()


# ---------------------------------------------------------------------------------------------------------
# Named facts of the sample data (the newsletter for 2023-24 Q3).


def test_sample_cr02_newsletter_cases_are_never_late(sample_con):
    """KLT and RV are real reviews: the sample invents nothing late about them."""
    for period in (Q3, YEAR):
        df = kpi_records(sample_con, "CR02", period, None)
        verdicts = dict(zip(df["review_id"], df["counts_as"], strict=True))
        assert verdicts.get("KLT", "On time") == "On time"
        assert verdicts.get("RV", "On time") == "On time"
    assert "KLT" in set(kpi_records(sample_con, "CR02", Q3, None)["review_id"])


def test_sample_cr06_lists_jm_as_child_joe(sample_con):
    df = kpi_records(sample_con, "CR06", Q3, None)
    jm = df[df["review_id"] == "JM"]
    assert len(jm) == 1
    assert jm["published_name"].iloc[0] == "Child Joe"


def test_sample_au01_six_step_down_cases_three_per_locality(sample_con):
    df = kpi_records(sample_con, "AU01", Q3, None)
    assert len(df) == 6
    assert set(df["audit_title"]) == {"Step down from social care assessment"}
    for locality in (H, S):
        mine = kpi_records(sample_con, "AU01", Q3, locality)
        assert len(mine) == 3
        assert set(mine["audit_title"]) == {"Step down from social care assessment"}
        assert set(mine["locality"]) == {locality}


def test_sample_tr01_five_face_to_face_and_ten_virtual(sample_con):
    df = kpi_records(sample_con, "TR01", Q3, None)
    assert len(df) == 15
    assert dict(Counter(df["counts_as"])) == {"Face to face": 5, "Virtual": 10}

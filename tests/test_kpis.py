"""The KPI catalogue, queries/kpi/*.sql as a whole: headers, result shape, periods and localities adding up.

The hand-computed value of each KPI on small fixtures is in tests/test_kpi_values.py; the fixture rows and
helpers in tests/helpers/kpi_fixtures.py.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from helpers.kpi_fixtures import (
    ADDITIVE,
    ALL,
    BREAKDOWN,
    CATALOGUE,
    DATA_TABLES,
    HEADER_KEYS,
    KPI_FILES,
    PREVIOUS_Q4,
    Q1,
    Q2,
    Q3,
    Q4,
    RESULT_COLUMNS,
    YEAR,
    H,
    S,
    T,
    assert_results,
    header,
    load_actions,
    load_audits,
    load_reviews,
    load_training,
    parse_header,
    results,
    run_kpi,
    sql_body,
)

from dashboard.core.config import load_settings
from dashboard.core.db import connect


@pytest.fixture
def con():
    connection = connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def actions_db(con):
    load_actions(con)
    return con


@pytest.fixture(scope="module")
def full_db():
    connection = connect(":memory:")
    for load in (load_training, load_audits, load_reviews, load_actions):
        load(connection)
    yield connection
    connection.close()


# ---------------------------------------------------------------------------------------------------------
# The catalogue as a whole: files, headers, shape.


def test_exactly_the_nineteen_kpis_of_the_catalogue():
    assert sorted(p.stem for p in KPI_FILES) == sorted(CATALOGUE)
    assert len(KPI_FILES) == 19


@pytest.mark.parametrize("path", KPI_FILES, ids=lambda p: p.stem)
def test_header_has_every_key_in_order(path):
    pairs = parse_header(path)
    assert tuple(key for key, _ in pairs) == HEADER_KEYS
    meta = dict(pairs)
    assert meta["id"] == path.stem
    title, unit, direction, target = CATALOGUE[path.stem]
    assert meta["title"] == title
    assert meta["unit"] == unit
    assert meta["direction"] == direction
    assert (float(meta["target"]) if meta["target"] else None) == target
    assert meta["tolerance"] == "" or re.fullmatch(r"\d+(\.\d+)?%?", meta["tolerance"])
    assert meta["category"] == BREAKDOWN.get(path.stem, "")
    assert meta["records"] in DATA_TABLES
    assert len(meta["description"]) > 40


@pytest.mark.parametrize("path", KPI_FILES, ids=lambda p: p.stem)
def test_query_has_no_parameters_and_no_today(path):
    body = sql_body(path).lower()
    assert "$" not in body
    for word in ("current_date", "now()", "today()", "current_timestamp", "get_current"):
        assert word not in body


@pytest.mark.parametrize("path", KPI_FILES, ids=lambda p: p.stem)
def test_runs_on_an_empty_database_with_the_six_columns(con, path):
    df = run_kpi(con, path.stem, (Q3, YEAR))
    assert list(df.columns) == RESULT_COLUMNS
    assert len(df) == 0


@pytest.mark.parametrize("path", KPI_FILES, ids=lambda p: p.stem)
def test_columns_and_types_on_data(full_db, path):
    df = run_kpi(full_db, path.stem, (Q3,))
    assert list(df.columns) == RESULT_COLUMNS
    assert len(df) > 0
    for column in ("numerator", "denominator", "value"):
        assert pd.api.types.is_float_dtype(df[column]), column
    assert set(df["locality"].dropna()) <= {H, S, T}
    if path.stem in BREAKDOWN:
        assert df["category"].notna().any() and df["category"].isna().any()
    else:
        assert df["category"].isna().all()
    meta = header(path.stem)
    if meta["unit"] == "count":
        assert df["denominator"].isna().all()
        assert (df["value"] == df["numerator"]).all()
    if meta["unit"] == "percent":
        rows = df[df["denominator"] > 0]
        assert ((rows["value"] - 100.0 * rows["numerator"] / rows["denominator"]).abs() < 1e-9).all()


@pytest.mark.parametrize("path", KPI_FILES, ids=lambda p: p.stem)
def test_several_periods_at_once_equal_each_period_alone(full_db, path):
    periods = (PREVIOUS_Q4, Q1, Q2, Q3, Q4, YEAR)
    together = results(run_kpi(full_db, path.stem, periods))
    alone: dict = {}
    for period in periods:
        alone.update(results(run_kpi(full_db, path.stem, (period,))))
    assert together == alone
    assert {key[0] for key in together} >= {Q3[0], YEAR[0]}


@pytest.mark.parametrize("path", [p for p in KPI_FILES if p.stem in ADDITIVE], ids=lambda p: p.stem)
def test_a_year_covers_all_its_quarters(full_db, path):
    got = results(run_kpi(full_db, path.stem, (Q1, Q2, Q3, Q4, YEAR)))
    year_keys = {(loc, cat) for (period, loc, cat) in got if period == YEAR[0]}
    quarter_keys = {(loc, cat) for (period, loc, cat) in got if period != YEAR[0]}
    assert year_keys == quarter_keys
    for loc, cat in year_keys:
        quarters = [got[(q[0], loc, cat)] for q in (Q1, Q2, Q3, Q4) if (q[0], loc, cat) in got]
        num, den, _ = got[(YEAR[0], loc, cat)]
        assert num == pytest.approx(sum(r[0] for r in quarters))
        if den is not None:
            assert den == pytest.approx(sum(r[1] for r in quarters))


@pytest.mark.parametrize("path", [p for p in KPI_FILES if p.stem in ADDITIVE], ids=lambda p: p.stem)
def test_all_localities_is_the_sum_of_the_localities(full_db, path):
    """Teeswide rows count under Teeswide and once in the total, never twice."""
    got = results(run_kpi(full_db, path.stem, (Q3, YEAR)))
    for period, loc, cat in got:
        if loc is not None:
            continue
        parts = [v for (p, lo, c), v in got.items() if p == period and c == cat and lo is not None]
        assert got[(period, loc, cat)][0] == pytest.approx(sum(v[0] for v in parts))
    if path.stem in BREAKDOWN:
        for period, loc, cat in got:
            if cat is not None:
                continue
            parts = [v for (p, lo, c), v in got.items() if p == period and lo == loc and c is not None]
            assert got[(period, loc, cat)][0] == pytest.approx(sum(v[0] for v in parts))


@pytest.mark.parametrize("path", KPI_FILES, ids=lambda p: p.stem)
def test_periods_given_as_timestamps_give_the_same_result(full_db, path):
    """pandas 3 dates reach DuckDB as TIMESTAMP: a runner that registers a DataFrame must get the same."""
    expected = results(run_kpi(full_db, path.stem, (Q3, YEAR)))
    frame = pd.DataFrame(
        {
            "period": [Q3[0], YEAR[0]],
            "period_start": pd.to_datetime([Q3[1], YEAR[1]]),
            "period_end": pd.to_datetime([Q3[2], YEAR[2]]),
        }
    )
    full_db.register("periods_frame", frame)
    try:
        full_db.execute("CREATE OR REPLACE TEMP TABLE kpi_periods AS SELECT * FROM periods_frame")
    finally:
        full_db.unregister("periods_frame")
    assert str(
        full_db.execute("SELECT typeof(period_end) FROM kpi_periods LIMIT 1").fetchall()[0][0]
    ).startswith("TIMESTAMP")
    got = results(full_db.execute(path.read_text(encoding="utf-8")).df())
    assert got == expected


LONG_AGO = ("2010-11 Q1", date(2010, 4, 1), date(2010, 6, 30))


@pytest.mark.parametrize("path", [p for p in KPI_FILES if p.stem != "AP02"], ids=lambda p: p.stem)
def test_no_rows_for_a_period_without_data(full_db, path):
    assert len(run_kpi(full_db, path.stem, (LONG_AGO,))) == 0


def test_an_action_with_no_agreed_date_is_open_at_any_earlier_date(actions_db):
    # A9 (Stockton, agreed date blank, target 31 Aug 2023, never done) is open on 30 Jun 2010, not yet overdue.
    assert_results(
        run_kpi(actions_db, "AP02", (LONG_AGO,)),
        {(LONG_AGO[0], ALL, None): (0, 1, 0.0), (LONG_AGO[0], S, None): (0, 1, 0.0)},
    )


def test_the_runner_reads_and_runs_every_file(full_db):
    """The lead's runner (dashboard.kpis.catalogue) parses every header and gets the rows these tests check."""
    from dashboard.core.periods import Period as FinancialPeriod
    from dashboard.kpis.catalogue import compute_kpis, load_catalogue

    catalogue = load_catalogue()
    assert {k.id: (k.title, k.unit, k.direction, k.target) for k in catalogue} == CATALOGUE
    out = compute_kpis(full_db, [FinancialPeriod(2023, 3), FinancialPeriod(2023)], load_settings(), catalogue)
    for kpi in catalogue:
        mine = results(run_kpi(full_db, kpi.id, (Q3, YEAR)))
        theirs = out[out["kpi"] == kpi.id]
        for key, (num, _den, value) in mine.items():
            period, loc, cat = key
            row = theirs[
                (theirs["period"] == period)
                & theirs["locality"].map(lambda x, loc=loc: x == loc)
                & theirs["category"].map(lambda x, cat=cat: x == cat)
            ]
            assert len(row) == 1, (kpi.id, key)
            assert float(row["numerator"].iloc[0]) == pytest.approx(num)
            if value is not None:
                assert float(row["value"].iloc[0]) == pytest.approx(value)


def test_empty_database_gives_context_counts_zero_and_targeted_kpis_no_value_or_rag() -> None:
    from dashboard.core.config import settings
    from dashboard.core.periods import parse_period
    from dashboard.kpis.catalogue import kpis_for

    con = connect(":memory:")
    card = kpis_for(con, parse_period("2023-24 Q3"), settings())
    heads = card[card["category"].isna()].set_index("kpi")
    assert heads.at["TR01", "value"] == 0 and heads.at["CR04", "value"] == 0  # no sessions, no notifications
    assert pd.isna(heads.at["TR05", "value"]) and heads.at["TR05", "rag"] is None  # not "0 agencies: Red"
    assert heads["rag"].isna().all()

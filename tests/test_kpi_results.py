"""The KPI results stored when an upload ends (dashboard.kpis.results): the same figures as the KPI queries,
read instead of them, and never once anything they depend on has changed."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.core.db import connect, data_quarters, data_version
from dashboard.core.periods import Period, TwelveMonths, parse_period
from dashboard.ingest.load import load_upload, undo_latest
from dashboard.kpis import results
from dashboard.kpis.catalogue import compute_kpis, load_catalogue, scorecard_periods
from dashboard.kpis.targets import set_target
from dashboard.service import prepare_database
from tests.helpers.workbooks import SESSION, SETTINGS, check, table, xlsx

Q3 = parse_period("2023-24 Q3")
TAMPERED = 987654.0


@pytest.fixture
def con(sample_db_template: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The sample database (a private copy) with its KPI results stored."""
    path = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    connection = connect(path)
    done = results.refresh_results(connection, SETTINGS)
    assert done.computed and done.failed is None
    yield connection
    connection.close()


def _snapshots(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    return con.execute(
        "SELECT snapshot_id, period FROM kpi_snapshots WHERE kind = 'results' ORDER BY snapshot_id"
    ).fetchall()


def _tamper(con: duckdb.DuckDBPyConnection, kpi: str = "TR01", period: str = Q3.label) -> None:
    """Change one stored figure (all localities together), so a test can see whether the store was read."""
    con.execute(
        "UPDATE kpi_snapshot_rows SET value = $v WHERE kpi = $kpi AND period = $period AND locality IS NULL "
        "AND category IS NULL AND snapshot_id IN (SELECT snapshot_id FROM kpi_snapshots WHERE kind = 'results')",
        {"v": TAMPERED, "kpi": kpi, "period": period},
    )


def _headline(table: pd.DataFrame, kpi: str, period: str = Q3.label) -> float:
    row = table[(table["kpi"] == kpi) & (table["period"] == period) & table["locality"].isna()]
    row = row[row["category"].isna()]
    assert len(row) == 1, (kpi, period)
    return float(row["value"].iloc[0])


def _same(stored: pd.DataFrame, fresh: pd.DataFrame) -> None:
    # RAG's dtype follows its values (str, or object when every row has none), as it always has.
    pd.testing.assert_frame_equal(stored, fresh, check_dtype=False)


def test_every_period_held_is_stored_once_per_period(con: duckdb.DuckDBPyConnection) -> None:
    labels = [period for _, period in _snapshots(con)]
    assert len(labels) == len(set(labels))
    quarters = data_quarters(con)
    assert quarters[0].label == "2021-22 Q1" and quarters[-1].label == "2024-25 Q4"
    for quarter in quarters:
        assert quarter.label in labels
        assert TwelveMonths(quarter).label in labels
        assert quarter.year_before.label in labels
    assert {"2021-22", "2022-23", "2023-24", "2024-25", "2020-21"} <= set(labels)
    # Targets and RAG are not stored: they are applied as the rows are read.
    assert con.execute(
        "SELECT count(*) FROM kpi_snapshot_rows r JOIN kpi_snapshots s USING (snapshot_id) "
        "WHERE s.kind = 'results' AND (r.target IS NOT NULL OR r.rag IS NOT NULL)"
    ).fetchall() == [(0,)]


def test_stored_figures_are_exactly_the_queries_figures(con: duckdb.DuckDBPyConnection) -> None:
    quarters = data_quarters(con)
    asked: list[list[Period | TwelveMonths]] = [
        quarters,  # the trend
        scorecard_periods(Q3),
        scorecard_periods(parse_period("2021-22 Q1")),  # its year before holds no data
        scorecard_periods(parse_period("2023-24")),
        [TwelveMonths(parse_period("2024-25 Q2"))],
    ]
    for periods in asked:
        _same(compute_kpis(con, periods, SETTINGS), compute_kpis(con, periods, SETTINGS, fresh=True))
    for places in ([None], ["Hartlepool"], [None, "Teeswide", "Stockton-on-Tees"]):
        every = compute_kpis(con, quarters, SETTINGS, fresh=True)
        mine = every["locality"].isin([p for p in places if p]) | (
            every["locality"].isna() if None in places else False
        )
        stored = compute_kpis(con, quarters, SETTINGS, localities=places)
        _same(stored, every[mine].reset_index(drop=True))
        _same(stored, compute_kpis(con, quarters, SETTINGS, fresh=True, localities=places))


def test_the_figures_are_read_from_the_store(con: duckdb.DuckDBPyConnection) -> None:
    _tamper(con)
    assert _headline(compute_kpis(con, [Q3], SETTINGS), "TR01") == TAMPERED
    assert _headline(compute_kpis(con, [Q3], SETTINGS, fresh=True), "TR01") != TAMPERED
    # A period that is not stored (no data, far from it) is computed.
    far = parse_period("2010-11 Q1")
    _same(compute_kpis(con, [far, Q3], SETTINGS), compute_kpis(con, [far, Q3], SETTINGS, fresh=True))


def test_a_refresh_with_nothing_changed_computes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    before = _snapshots(con)
    again = results.refresh_results(con, SETTINGS)
    assert not again.computed
    assert again.line() == "KPI results: already up to date."
    assert _snapshots(con) == before


def _upload_session(con: duckdb.DuckDBPyConnection, session_id: str, attended: int = 8) -> int:
    change = {"session_id": session_id, "session_date": "14/11/2023", "attended": attended}
    report = check(xlsx({"training_sessions": table(SESSION, change)}), "more.xlsx")
    loaded = load_upload(con, report, "analyst")
    assert loaded.upload_id is not None
    return loaded.upload_id


def test_an_upload_makes_the_stored_figures_stale_until_refreshed(con: duckdb.DuckDBPyConnection) -> None:
    sessions = _headline(compute_kpis(con, [Q3], SETTINGS, fresh=True), "TR01")
    _tamper(con)
    _upload_session(con, "NEW1")
    # Not refreshed yet: the store is not read (its key is the data's before the upload).
    now = compute_kpis(con, scorecard_periods(Q3), SETTINGS)
    assert _headline(now, "TR01") == sessions + 1
    _same(now, compute_kpis(con, scorecard_periods(Q3), SETTINGS, fresh=True))
    done = results.refresh_results(con, SETTINGS)
    assert done.computed
    assert done.line().startswith(f"KPI results: {done.periods} periods, ")
    assert _headline(compute_kpis(con, [Q3], SETTINGS), "TR01") == sessions + 1
    assert len(_snapshots(con)) == done.periods  # the old key's results are gone


def test_an_undo_and_a_replace_make_them_stale(con: duckdb.DuckDBPyConnection) -> None:
    sessions = _headline(compute_kpis(con, [Q3], SETTINGS), "TR01")
    _upload_session(con, "NEW1")
    results.refresh_results(con, SETTINGS)
    _tamper(con)
    undo_latest(con, "analyst")
    assert _headline(compute_kpis(con, [Q3], SETTINGS), "TR01") == sessions
    results.refresh_results(con, SETTINGS)
    _tamper(con)
    one = check(xlsx({"training_sessions": table(SESSION, {"session_id": "ONLY"})}), "only.xlsx")
    load_upload(con, one, "analyst", replace="training_sessions")
    after = compute_kpis(con, scorecard_periods(Q3), SETTINGS)
    assert _headline(after, "TR01") == 1  # the one session left, on 13 Nov 2023
    _same(after, compute_kpis(con, scorecard_periods(Q3), SETTINGS, fresh=True))


def test_commentary_is_not_kpi_data_and_changes_nothing_stored(con: duckdb.DuckDBPyConnection) -> None:
    before = _snapshots(con)
    note = {"kpi": "CR02", "quarter": "2023-24 Q3", "commentary": "One review was late."}
    load_upload(con, check(xlsx({"kpi_commentary": table(note)}), "notes.xlsx"), "analyst")
    assert not results.refresh_results(con, SETTINGS).computed
    assert _snapshots(con) == before


def test_a_target_edit_re_rates_without_recomputing(con: duckdb.DuckDBPyConnection) -> None:
    before = _snapshots(con)
    version = data_version(con)
    card = compute_kpis(con, [Q3], SETTINGS)
    kpi = next(k for k in load_catalogue() if k.id == "TR02")  # a rate with a target
    value = _headline(card, "TR02")
    set_target(con, kpi, min(100.0, value + 20), "1", "admin", "raise the bar")
    after = compute_kpis(con, [Q3], SETTINGS)
    head = after[(after["kpi"] == "TR02") & after["locality"].isna() & after["category"].isna()]
    assert head["rag"].iloc[0] == "Red"
    assert head["target"].iloc[0] == min(100.0, value + 20)
    _same(after, compute_kpis(con, [Q3], SETTINGS, fresh=True))
    assert not results.refresh_results(con, SETTINGS).computed
    assert _snapshots(con) == before  # nothing recomputed
    assert data_version(con) != version  # the pages' caches still refresh
    _same(card[card["kpi"] == "TR01"], after[after["kpi"] == "TR01"])


def test_a_configuration_change_is_not_served_the_old_figures(con: duckdb.DuckDBPyConnection) -> None:
    _tamper(con, "TR05")
    fewer = dataclasses.replace(SETTINGS, agencies=SETTINGS.agencies[:3])
    reach = compute_kpis(con, [Q3], fewer)
    assert _headline(reach, "TR05") != TAMPERED
    _same(reach, compute_kpis(con, [Q3], fewer, fresh=True))
    renamed = dataclasses.replace(SETTINGS, localities=("Hartlepool",))
    _same(compute_kpis(con, [Q3], renamed), compute_kpis(con, [Q3], renamed, fresh=True))
    assert _headline(compute_kpis(con, [Q3], SETTINGS), "TR05") == TAMPERED  # the old configuration's
    assert results.refresh_results(con, fewer).computed
    _same(compute_kpis(con, [Q3], fewer), compute_kpis(con, [Q3], fewer, fresh=True))


def test_a_refresh_does_not_change_the_data_version(con: duckdb.DuckDBPyConnection) -> None:
    version = data_version(con)
    _upload_session(con, "NEW1")
    moved = data_version(con)
    assert moved != version
    results.refresh_results(con, SETTINGS)
    assert data_version(con) == moved


def test_a_refresh_that_fails_leaves_the_figures_computed(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tamper(con)
    _upload_session(con, "NEW1")

    def full(*args: object) -> None:
        raise duckdb.IOException("No space left on device")

    monkeypatch.setattr(results, "_store", full)
    done = results.refresh_results(con, SETTINGS)
    assert done.failed == "No space left on device"
    assert done.line() == (
        "KPI results: not stored (No space left on device); the figures are computed as they are read."
    )
    _same(compute_kpis(con, [Q3], SETTINGS), compute_kpis(con, [Q3], SETTINGS, fresh=True))


def test_init_stores_the_results_once(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    lines = prepare_database(path, SETTINGS)
    assert lines[0].startswith(f"Created {path} from the sample workbooks")
    assert lines[-1].startswith("KPI results: 41 periods, ")
    assert prepare_database(path, SETTINGS) == []  # current: nothing to do, and no write connection
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert len(_snapshots(con)) == 41
    finally:
        con.close()

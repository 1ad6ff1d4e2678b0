"""KPI targets: concurrent saves all land, in order; the target history shows who and why to admins only
(viewers and analysts see what changed and when, as the audit log of the same events is admin-only)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from dashboard.core.db import connect
from dashboard.kpis.catalogue import Kpi, load_catalogue, with_target_overrides
from dashboard.kpis.targets import set_target, target_history
from tests.e2e.oidc_provider import write_roles_config
from tests.helpers.apptest import all_text, frame
from tests.test_auth import FAKE_AUTH, TEST_ROLES, _sign_in

SAVERS = 8


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "targets.duckdb"
    connect(path).close()  # the schema, migrated once
    yield path


def _kpi(kpi_id: str) -> Kpi:
    return next(k for k in load_catalogue() if k.id == kpi_id)


def _all_at_once(save: Callable[[int], None], count: int = SAVERS) -> list[BaseException]:
    """Run save(0) ... save(count - 1) in threads released together; return what any of them raised."""
    start = threading.Barrier(count)
    raised: list[BaseException] = []

    def run(index: int) -> None:
        start.wait()
        try:
            save(index)
        except BaseException as exc:  # noqa: BLE001 - the test reports every failure
            raised.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return raised


def _changes(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, float, str]]:
    rows = con.execute(
        "SELECT change_id, kpi, target, changed_by, changed_at FROM kpi_target_changes ORDER BY change_id"
    ).fetchall()
    # in order: each change's time is no earlier than the one before it
    times = [row[4] for row in rows]
    assert times == sorted(times)
    return [(int(r[0]), str(r[1]), float(r[2]), str(r[3])) for r in rows]


def test_admins_saving_targets_at_once_from_one_connection_all_land(db_path: Path) -> None:
    """The app: one cached connection, a cursor per session thread."""
    con = connect(db_path)
    tr02, ap01 = _kpi("TR02"), _kpi("AP01")

    def save(index: int) -> None:
        cur = con.cursor()
        try:
            set_target(cur, tr02 if index % 2 else ap01, 80 + index, None, f"admin{index}@example.org", "")
        finally:
            cur.close()

    try:
        assert _all_at_once(save) == []
        changes = _changes(con)
        assert [c[0] for c in changes] == list(range(1, SAVERS + 1))
        assert sorted(c[3] for c in changes) == sorted(f"admin{i}@example.org" for i in range(SAVERS))
        # the latest saved for each KPI is the one in force
        latest = {kpi: target for _, kpi, target, _ in changes}
        in_force = {k.id: k.target for k in with_target_overrides(con, load_catalogue())}
        assert in_force["TR02"] == latest["TR02"] and in_force["AP01"] == latest["AP01"]
    finally:
        con.close()


def test_admins_saving_targets_at_once_from_two_connections_all_land(db_path: Path) -> None:
    """Two connections to one file in one process (DuckDB shares the database between them)."""
    first, second = duckdb.connect(str(db_path)), duckdb.connect(str(db_path))
    tr02 = _kpi("TR02")
    try:
        raised = _all_at_once(
            lambda i: set_target((first, second)[i % 2], tr02, 70 + i, "5", f"admin{i}@example.org"), count=2
        )
        assert raised == []
        changes = _changes(first)
        assert [c[0] for c in changes] == [1, 2]
        assert sorted(c[2] for c in changes) == [70.0, 71.0]
        assert _changes(second) == changes
    finally:
        first.close()
        second.close()


def test_many_saves_in_turn_keep_their_order(db_path: Path) -> None:
    con = connect(db_path)
    try:
        tr02 = _kpi("TR02")
        for target in (86, 87, 88):
            set_target(con, tr02, target, None, "ada@example.org", "")
        assert [c[2] for c in _changes(con)] == [86.0, 87.0, 88.0]
    finally:
        con.close()


# --- the target history: what changed and when for everyone; who and why for admins only -----------------

HISTORY = ["When", "KPI", "Target", "Amber within"]
WHO_AND_WHY = ["Changed by", "Reason"]


def _two_changes(con: duckdb.DuckDBPyConnection) -> None:
    set_target(con, _kpi("TR02"), 90, None, "ada@example.org", "agreed by the PMF group")
    set_target(con, _kpi("AP03"), 25, "5", "ada@example.org", "")


def test_history_without_who_and_why_by_default(db_path: Path) -> None:
    con = connect(db_path)
    try:
        _two_changes(con)
        history = target_history(con)
        admin = target_history(con, who_and_why=True)
    finally:
        con.close()
    assert list(history.columns) == HISTORY
    assert history.drop(columns="When").values.tolist() == [
        ["AP03", "25 days", "5 days"],
        ["TR02", "90.0%", "default"],
    ]
    assert "ada@example.org" not in history.to_csv() and "PMF group" not in history.to_csv()
    assert list(admin.columns) == HISTORY + WHO_AND_WHY
    assert admin[WHO_AND_WHY].values.tolist() == [
        ["ada@example.org", "–"],
        ["ada@example.org", "agreed by the PMF group"],
    ]


@pytest.fixture
def changed_app(app: Any, sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app with sign-in on (as in tests/test_auth.py) and the sample data, after an admin changed TR02's
    target with a reason; ada@example.org is an admin, ann@example.org an analyst, everyone else a viewer."""
    con = connect(sample_db)
    try:
        set_target(con, _kpi("TR02"), 90, "10%", "ada@example.org", "agreed by the PMF group")
    finally:
        con.close()
    monkeypatch.setenv("PMF_CONFIG", str(write_roles_config(tmp_path / "config.toml", TEST_ROLES)))
    app.secrets = dict(FAKE_AUTH)
    return app


def _catalogue_history(at: Any) -> pd.DataFrame:
    at.switch_page("app_pages/catalogue.py").run()
    assert not at.exception and at.title[0].value == "KPI catalogue"
    return frame(at, "When")


@pytest.mark.parametrize("email", ["vera@example.org", "ann@example.org"])
def test_viewers_and_analysts_see_what_changed_and_when_not_who_or_why(changed_app: Any, email: str) -> None:
    at = _sign_in(changed_app, email)
    history = _catalogue_history(at)
    assert list(history.columns) == HISTORY
    assert history.iloc[0][["KPI", "Target", "Amber within"]].tolist() == [
        "TR02",
        "90.0%",
        "10% of the target",
    ]
    page = all_text(at) + "".join(e.value.to_csv() for e in at.dataframe)
    assert "ada@example.org" not in page and "agreed by the PMF group" not in page
    assert "Who made each change and why is in the audit log, which admins read." in all_text(at)


def test_admins_see_who_changed_a_target_and_why(changed_app: Any) -> None:
    at = _sign_in(changed_app, "ada@example.org")
    history = _catalogue_history(at)
    assert list(history.columns) == HISTORY + WHO_AND_WHY
    assert history.iloc[0].drop("When").tolist() == [
        "TR02",
        "90.0%",
        "10% of the target",
        "ada@example.org",
        "agreed by the PMF group",
    ]

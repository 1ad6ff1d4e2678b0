"""Shared fixtures: a sample database built once per test session, and AppTest on the real entry point."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.pmf_cli import Run, run_all, run_pmf

from dashboard.core.config import settings
from dashboard.core.db import connect
from dashboard.ingest.load import load_sample_into

PROJECT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """Tests run the dashboard in local mode, which is only ever an explicit choice (`pmf serve --local` sets
    PMF_LOCAL_MODE=1): chosen here, before any test runs, for the app in AppTest and for the servers and
    commands the tests start. Tests of the refusal without it remove the variable (monkeypatch.delenv)."""
    os.environ.setdefault("PMF_LOCAL_MODE", "1")


ENTRY = PROJECT / "dashboard" / "app" / "streamlit_app.py"


@pytest.fixture(scope="session")
def sample_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample workbooks loaded once; tests copy the file so each may change its own copy."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = connect(path)
    load_sample_into(con, settings())
    con.close()
    return path


@pytest.fixture
def sample_db(sample_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the sample database, made the app's database through PMF_DB."""
    path = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, path)
    monkeypatch.setenv("PMF_DB", str(path))
    yield path


@pytest.fixture
def app(sample_db: Path) -> Iterator[object]:
    """The whole app (entry point with navigation) on the sample data, caches cleared, not yet run."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    st.cache_resource.clear()  # cached results belong to another test's database otherwise
    at = AppTest.from_file(str(ENTRY), default_timeout=60)
    yield at
    st.cache_resource.clear()  # close this test's connection before its file is removed


# --- `pmf` as a user runs it (tests/test_cli.py, tests/test_sample_data.py) ----------------------------


@pytest.fixture(scope="session")
def cli_sample_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """A database made by `pmf init` from the sample workbooks, once per session, and that run.

    Only read it (by `pmf kpis` or a read-only connection); copy it (cli_db) to load or undo.
    """
    path = tmp_path_factory.mktemp("cli-sample") / "pmf.duckdb"
    run = run_pmf("init", db=path)
    assert run.returncode == 0, run
    assert path.is_file(), run
    return path, run


@pytest.fixture
def cli_db(cli_sample_db: tuple[Path, Run], tmp_path: Path) -> Path:
    """A private copy of the `pmf init` sample database."""
    target = tmp_path / "db" / "pmf.duckdb"
    target.parent.mkdir()
    shutil.copyfile(cli_sample_db[0], target)
    return target


STANDARD_KPI_RUNS = [
    ("2023-24 Q3", None),
    ("2023-24 Q3", "Hartlepool"),
    ("2023-24 Q3", "Stockton-on-Tees"),
    ("2023-24 Q3", "stockton"),
    ("2021-22", None),
    ("2024-25", None),
]


@pytest.fixture(scope="session")
def sample_kpis(
    cli_sample_db: tuple[Path, Run], tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., list[dict[str, Any]]]:
    """`pmf kpis --period P [--locality L] --format json` on the sample database, each run once a session.

    Each run gets its own copy of the database (`pmf kpis` opens it for writing, so two cannot share it),
    which lets the usual runs go side by side the first time one is asked for.
    """
    where = tmp_path_factory.mktemp("cli-kpis")
    cache: dict[tuple[str, str | None], list[dict[str, Any]]] = {}

    def job(index: int, period: str, locality: str | None) -> Callable[[], Run]:
        db = where / f"copy{index}.duckdb"
        shutil.copyfile(cli_sample_db[0], db)
        extra = ("--locality", locality) if locality is not None else ()
        return lambda: run_pmf("kpis", "--period", period, *extra, "--format", "json", db=db)

    def fetch(keys: list[tuple[str, str | None]]) -> None:
        wanted = [k for k in keys if k not in cache]
        runs = run_all({k: job(len(cache) + i, *k) for i, k in enumerate(wanted)})
        for key, run in runs.items():
            assert run.returncode == 0 and run.stderr == "", run
            cache[key] = json.loads(run.stdout)

    def get(period: str, locality: str | None = None) -> list[dict[str, Any]]:
        if (period, locality) not in cache:
            fetch([*STANDARD_KPI_RUNS, (period, locality)])
        return cache[period, locality]

    return get

"""Shared fixtures: a sample database built once per test session, and AppTest on the real entry point."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.config import settings
from dashboard.db import connect
from dashboard.ingest import load_sample_into

PROJECT = Path(__file__).resolve().parents[1]
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
    st.cache_resource.clear()  # the cached connection points at another test's database otherwise
    at = AppTest.from_file(str(ENTRY), default_timeout=60)
    yield at
    st.cache_resource.clear()  # close this test's connection before its file is removed

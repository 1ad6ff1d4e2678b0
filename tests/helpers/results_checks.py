"""Checking the stored KPI results (kind 'results' snapshots) against a fresh computation: tampering with a
stored figure, reading what is stored, the figures a fresh computation gives in the shape each view shows
them, and `pmf` run with a configuration of its own (tests/test_results_never_stale.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from dashboard.core.config import DEFAULT_CONFIG_PATH, settings
from dashboard.core.periods import Period
from dashboard.core.text import is_missing, kpi_value_text, rag_label
from dashboard.kpis.catalogue import compute_kpis, results_key, scorecard_from, scorecard_periods

PROJECT_DIR = Path(__file__).resolve().parents[2]

#: What the overview's scorecard, the report's KPI table and the KPI detail page show of one KPI: its value
#: as written ("15", "84.3%", "2 of 2") and its RAG as a symbol and a word ("▲ Amber", "–").
Shown = tuple[str, str]


@contextmanager
def environment(db: Path, config: Path | None) -> Iterator[None]:
    """PMF_DB (and PMF_CONFIG, or none) for what runs in this process: the app in AppTest, the report."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMF_DB", str(db))
        if config is None:
            patch.delenv("PMF_CONFIG", raising=False)
        else:
            patch.setenv("PMF_CONFIG", str(config))
        yield


@dataclass(frozen=True)
class Stored:
    """One stored results snapshot: its id, its results key and when it was computed."""

    snapshot_id: int
    key: str
    taken_at: datetime


def stored_results(db: Path) -> dict[str, Stored]:
    """Every stored results snapshot, by period."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT period, snapshot_id, results_key, taken_at FROM kpi_snapshots WHERE kind = 'results'"
        ).fetchall()
    return {
        str(period): Stored(int(snapshot_id), str(key), taken_at)
        for period, snapshot_id, key, taken_at in rows
    }


def current_key(db: Path) -> str:
    """The results key of the data, the KPI queries and the configuration in force now."""
    from dashboard.kpis.catalogue import load_catalogue

    with duckdb.connect(str(db), read_only=True) as con:
        return results_key(con, load_catalogue(), settings())


def tamper(db: Path, kpi: str, period: str, locality: str | None, value: float) -> None:
    """Overwrite one stored headline value (kind 'results'): a number no computation gives."""
    with duckdb.connect(str(db)) as con:
        changed = con.execute(
            "UPDATE kpi_snapshot_rows AS r SET value = $value "
            "FROM kpi_snapshots AS s "
            "WHERE s.snapshot_id = r.snapshot_id AND s.kind = 'results' AND s.period = $period "
            "AND r.kpi = $kpi AND r.category IS NULL AND r.locality IS NOT DISTINCT FROM $locality",
            {"value": value, "period": period, "kpi": kpi, "locality": locality},
        ).fetchall()
    assert changed == [(1,)], f"{kpi} {period} {locality or 'all localities'}: {changed} stored rows changed"


def fresh_scorecard(db: Path, period: Period, locality: str | None) -> pd.DataFrame:
    """The scorecard of one place as a fresh computation gives it (the KPI queries run; nothing stored read),
    with the settings in force (PMF_CONFIG)."""
    with duckdb.connect(str(db), read_only=True) as con:
        table = compute_kpis(con, scorecard_periods(period), settings(), fresh=True)
    return scorecard_from(table, period, locality)


def shown(card: pd.DataFrame) -> dict[str, Shown]:
    """KPI -> (value as written, RAG) of a scorecard's headline rows, as the pages and the report write them."""
    minimum = settings().min_denominator
    heads = card[card["category"].isna()]
    return {
        str(r.kpi): (
            kpi_value_text(r.value, str(r.unit), r.numerator, r.denominator, minimum),
            rag_label(r.rag if isinstance(r.rag, str) else None),
        )
        for r in heads.itertuples(index=False)
    }


def records(card: pd.DataFrame) -> dict[tuple[str, str | None], dict[str, Any]]:
    """(KPI, category) -> value, numerator, denominator and RAG of every row of a scorecard: what
    `pmf kpis --format json` prints (numbers rounded to 2 places, as it rounds them)."""
    out: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r in card.itertuples(index=False):
        category = None if is_missing(r.category) else str(r.category)
        out[str(r.kpi), category] = {
            "value": _number(r.value),
            "numerator": _number(r.numerator),
            "denominator": _number(r.denominator),
            "rag": r.rag if isinstance(r.rag, str) else None,
        }
    return out


def _number(value: Any) -> float | None:
    return None if is_missing(value) else round(float(value), 2)


def config_without_agencies(path: Path, agencies: list[str]) -> Path:
    """The packaged configuration with some agencies left out of [agencies] names (TR05 counts the rest)."""
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    for agency in agencies:
        line = f'    "{agency}",\n'
        assert text.count(line) == 1, f"default_config.toml lists {agency!r} {text.count(line)} times"
        text = text.replace(line, "")
    path.write_text(text, encoding="utf-8")
    return path


def pmf(*args: str | Path, db: Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m dashboard.cli ARGS` with PMF_DB=`db` and PMF_CONFIG=`config` (None: the default)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PMF_CONFIG", "PMF_DB")}
    env["PMF_DB"] = str(db)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if config is not None:
        env["PMF_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *(str(a) for a in args)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

"""data/synth.py, the benchmarks' data: deterministic, shaped like the sample, valid under the data contract,
and its row counts known from the scale alone (national is never generated here)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from dashboard.core.config import DEFAULT_CONFIG_PATH, load_settings
from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.ingest.contract import DATASET_NAMES, DATASETS_BY_NAME
from dashboard.ingest.validate import validate_upload
from dashboard.kpis.catalogue import kpis_for
from data import synth

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
# The synthetic "1x" partnership's rows per dataset: the sample's size, give or take (the sample also records
# e-learning completions by month and carries the newsletter's cases).
SAMPLE_ROWS = {
    "training_sessions": 261,
    "training_attendance": 1141,
    "audits": 117,
    "reviews": 18,
    "actions": 70,
}
ONE = synth.parse_scale("1")


@pytest.fixture(scope="module")
def one_partnership() -> dict[str, pd.DataFrame]:
    return synth.generate(ONE, seed=7)


def _sample_sheets() -> dict[str, tuple[list[str], int]]:
    """Each sample sheet's header and number of data rows."""
    out = {}
    for path in sorted(SAMPLE_DIR.glob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            out[name] = ([str(c) for c in rows[0]], len(rows) - 1)
    return out


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(one_partnership) -> None:
    again = synth.generate(ONE, seed=7)
    for name in synth.DATA_DATASETS:
        pd.testing.assert_frame_equal(one_partnership[name], again[name], check_exact=True)
    other = synth.generate(ONE, seed=8)
    assert not other["training_sessions"].equals(one_partnership["training_sessions"])
    assert {name: len(frame) for name, frame in other.items()} == synth.expected_rows(ONE)


def test_one_partnership_is_shaped_like_the_sample(one_partnership) -> None:
    sample = _sample_sheets()
    assert set(sample) == set(DATASET_NAMES)  # every dataset has a sample sheet
    for name in synth.DATA_DATASETS:
        header, rows = sample[name]
        assert list(one_partnership[name].columns) == header == DATASETS_BY_NAME[name].column_names
        assert len(one_partnership[name]) == SAMPLE_ROWS[name]
        assert abs(rows - SAMPLE_ROWS[name]) <= 0.25 * rows, name  # shaped like the sample
    sessions = one_partnership["training_sessions"]
    assert set(sessions["locality"]) == {"Hartlepool", "Stockton-on-Tees", "Teeswide"}
    assert sessions["session_date"].min() >= pd.Timestamp("2021-04-01")
    assert sessions["session_date"].max() <= pd.Timestamp("2025-03-31")
    assert sessions["session_id"].is_unique
    attendance = one_partnership["training_attendance"]
    assert set(attendance["session_id"]) <= set(sessions.loc[sessions["status"] == "Delivered", "session_id"])
    assert not attendance.duplicated(["session_id", "agency"]).any()


def test_one_partnership_workbooks_validate_with_no_errors(one_partnership, tmp_path: Path) -> None:
    settings = load_settings(DEFAULT_CONFIG_PATH)
    paths = synth.write_workbooks(one_partnership, tmp_path)
    assert [p.name for p in paths] == list(synth.WORKBOOKS)
    for path in paths:
        report = validate_upload(path.read_bytes(), path.name, settings)
        assert report.errors == [], [str(e) for e in report.errors[:5]]
        assert report.warnings == [], [str(w) for w in report.warnings[:5]]
        assert sorted(report.frames) == sorted(synth.WORKBOOKS[path.name])
        for name, frame in report.frames.items():  # read back exactly as generated, types included
            pd.testing.assert_frame_equal(
                frame.reset_index(drop=True), one_partnership[name], check_exact=True
            )


def test_several_partnerships_validate_against_their_own_configuration(tmp_path: Path) -> None:
    scale = synth.Scale("3 partnerships", partnerships=3, years=2)
    frames = synth.generate(scale, seed=3)
    assert {name: len(frame) for name, frame in frames.items()} == synth.expected_rows(scale)
    config = tmp_path / "pmf.toml"
    config.write_text(synth.config_text(scale, tmp_path / "pmf.duckdb"), encoding="utf-8")
    settings = load_settings(config)
    assert settings.localities == tuple(f"P00{p} {side}" for p in (1, 2, 3) for side in ("North", "South"))
    assert set(frames["reviews"]["locality"]) <= set(settings.localities)
    path = synth.write_workbooks(frames, tmp_path)[0]  # training.xlsx
    assert validate_upload(path.read_bytes(), path.name, settings).errors == []
    # ... and the default configuration does not know these localities: hence the generated config.
    default = validate_upload(path.read_bytes(), path.name, load_settings(DEFAULT_CONFIG_PATH))
    assert default.errors and all(e.column == "locality" for e in default.errors)


def test_national_row_counts_are_computed_not_generated(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_generation(*args: object, **kwargs: object) -> None:
        raise AssertionError("expected_rows must not generate anything")

    monkeypatch.setattr(np.random, "default_rng", no_generation)
    counts = synth.expected_rows(synth.NATIONAL)
    assert counts == {
        "training_sessions": 97_875,
        "training_attendance": 427_875,
        "audits": 43_875,
        "reviews": 6_750,
        "actions": 26_250,
    }
    assert sum(counts.values()) == 602_625
    # 150 partnerships over ten years, each at the sample's rows per year (the sample holds four years)
    assert counts == {name: round(rows / 4 * 150 * 10) for name, rows in SAMPLE_ROWS.items()}
    assert synth.expected_rows(synth.parse_scale("100")) == {
        name: rows * 100 for name, rows in SAMPLE_ROWS.items()
    }


def test_national_configuration_names_two_localities_per_partnership(tmp_path: Path) -> None:
    config = tmp_path / "pmf.toml"
    config.write_text(synth.config_text(synth.NATIONAL, tmp_path / "pmf.duckdb"), encoding="utf-8")
    settings = load_settings(config)
    default = load_settings(DEFAULT_CONFIG_PATH)
    assert len(settings.localities) == 300
    assert settings.localities[32:34] == ("P017 North", "P017 South")
    assert settings.area_wide == "Area-wide"
    assert settings.database_path == tmp_path / "pmf.duckdb"
    assert settings.agencies == default.agencies
    assert settings.tolerance_points == default.tolerance_points


def test_the_command_writes_a_database_the_kpis_run_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    synth.main(["--scale", "1", "-o", str(tmp_path), "--format", "duckdb", "--seed", "5"])
    assert "training_sessions 261" in capsys.readouterr().out
    settings = load_settings(tmp_path / "pmf.toml")
    con = connect(settings.database_path)
    try:
        for name, rows in SAMPLE_ROWS.items():
            assert con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] == rows
        card = kpis_for(con, parse_period("2023-24 Q3"), settings)
    finally:
        con.close()
    heads = card[card["category"].isna()].set_index("kpi")
    assert heads.at["TR01", "value"] > 0 and isinstance(heads.at["TR02", "rag"], str)


@pytest.mark.parametrize(
    ("text", "name"), [("1", "1x"), ("10", "10x"), ("100x", "100x"), ("National", "national")]
)
def test_scales_are_read_from_the_command_line(text: str, name: str) -> None:
    assert synth.parse_scale(text).name == name


@pytest.mark.parametrize("text", ["0", "-3", "ten", ""])
def test_a_scale_that_is_not_a_number_or_national_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        synth.parse_scale(text)

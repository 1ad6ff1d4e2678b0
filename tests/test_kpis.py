"""The KPI catalogue, queries/kpi/*.sql: headers, result shape, and hand-computed values on small fixtures.

Every expected number below was worked out by hand from the fixture rows (the working is in the comments);
none is recomputed in Python. Periods: 2023-24 Q3 is 1 October (a Sunday) to 31 December 2023 (a Sunday).
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.core.config import QUERIES_DIR, load_settings
from dashboard.core.db import connect
from dashboard.kpis.catalogue import kpi_files, register_agencies

KPI_DIR = QUERIES_DIR / "kpi"
KPI_FILES = kpi_files(KPI_DIR)

HEADER_KEYS = (
    "id",
    "title",
    "unit",
    "direction",
    "target",
    "tolerance",
    "category",
    "records",
    "publication",
    "description",
)
RESULT_COLUMNS = ["period", "locality", "category", "numerator", "denominator", "value"]
DATA_TABLES = {"training_sessions", "training_attendance", "audits", "reviews", "actions"}

# The default catalogue of domain.md: id -> (title, unit, direction, target).
CATALOGUE: dict[str, tuple[str, str, str, float | None]] = {
    "TR01": ("Training sessions delivered", "count", "none", None),
    "TR02": ("Fill rate", "percent", "higher", 85),
    "TR03": ("Attendance rate", "percent", "higher", 85),
    "TR04": ("Did-not-attend rate", "percent", "lower", 10),
    "TR05": ("Agency reach", "percent", "higher", 75),
    "TR06": ("Confidence uplift", "points", "higher", 1.0),
    "AU01": ("Cases audited", "count", "none", None),
    "AU02": ("Cases graded good or better", "percent", "higher", 80),
    "AU03": ("Cases graded inadequate", "percent", "lower", 0),
    "AU04": ("Audit actions completed", "percent", "higher", 90),
    "CR01": ("Notifications on time", "percent", "higher", 100),
    "CR02": ("Rapid reviews on time", "percent", "higher", 100),
    "CR03": ("LCSPRs completed within 6 months", "percent", "higher", 100),
    "CR04": ("Serious incident notifications", "count", "none", None),
    "CR05": ("Rapid reviews completed", "count", "none", None),
    "CR06": ("LCSPRs published", "count", "none", None),
    "AP01": ("Actions completed by target date", "percent", "higher", 90),
    "AP02": ("Overdue actions", "percent", "lower", 10),
    "AP03": ("Median days overdue", "days", "lower", 30),
}
BREAKDOWN = {"TR01": "Delivery mode", "CR04": "Nature", "CR05": "Outcome"}
# KPIs whose numerator and denominator add up over localities, categories and quarters. Not TR05 (distinct
# agencies), CR03 (a late LCSPR counts in two periods), AP02/AP03 (as at the period's last day).
ADDITIVE = {
    "TR01",
    "TR02",
    "TR03",
    "TR04",
    "TR06",
    "AU01",
    "AU02",
    "AU03",
    "AU04",
    "CR01",
    "CR02",
    "CR04",
    "CR05",
    "CR06",
    "AP01",
}

H, S, T, ALL = "Hartlepool", "Stockton-on-Tees", "Teeswide", None
Q1 = ("2023-24 Q1", date(2023, 4, 1), date(2023, 6, 30))
Q2 = ("2023-24 Q2", date(2023, 7, 1), date(2023, 9, 30))
Q3 = ("2023-24 Q3", date(2023, 10, 1), date(2023, 12, 31))
Q4 = ("2023-24 Q4", date(2024, 1, 1), date(2024, 3, 31))
YEAR = ("2023-24", date(2023, 4, 1), date(2024, 3, 31))
PREVIOUS_Q4 = ("2022-23 Q4", date(2023, 1, 1), date(2023, 3, 31))

Period = tuple[str, date, date]
Row = tuple[float | None, float | None, float | None]


# ---------------------------------------------------------------------------------------------------------
# Helpers: read a KPI file's header, run it, compare results.


def parse_header(path: Path) -> list[tuple[str, str]]:
    """The leading `-- key: value` lines, in order."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        match = re.match(r"^--\s*([a-z_]+):\s?(.*)$", line)
        assert match, f"{path.name}: header line {line!r} is not '-- key: value'"
        pairs.append((match[1], match[2].strip()))
    return pairs


def header(kpi_id: str) -> dict[str, str]:
    return dict(parse_header(KPI_DIR / f"{kpi_id}.sql"))


def sql_body(path: Path) -> str:
    return "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("--")
    )


def set_periods(con: duckdb.DuckDBPyConnection, periods: tuple[Period, ...]) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE kpi_periods (period VARCHAR, period_start DATE, period_end DATE)"
    )
    for label, start, end in periods:
        con.execute("INSERT INTO kpi_periods VALUES ($p, $s, $e)", {"p": label, "s": start, "e": end})
    register_agencies(con, load_settings())  # TR05 reads the configured agencies from kpi_agencies


def run_kpi(con: duckdb.DuckDBPyConnection, kpi_id: str, periods: tuple[Period, ...] = (Q3,)) -> pd.DataFrame:
    """Until the lead's runner exists: the KPI file's text run as it is (the header lines are comments)."""
    set_periods(con, periods)
    return con.execute((KPI_DIR / f"{kpi_id}.sql").read_text(encoding="utf-8")).df()


def _clean(x: object) -> object:
    return None if x is None or (not isinstance(x, str) and pd.isna(x)) else x


def results(df: pd.DataFrame) -> dict[tuple[str, str | None, str | None], Row]:
    out: dict[tuple[str, str | None, str | None], Row] = {}
    for rec in df.itertuples(index=False):
        key = (rec.period, _clean(rec.locality), _clean(rec.category))
        assert key not in out, f"duplicate row {key}"
        out[key] = (_clean(rec.numerator), _clean(rec.denominator), _clean(rec.value))  # type: ignore[assignment]
    return out


def assert_results(df: pd.DataFrame, expected: dict[tuple[str, str | None, str | None], Row]) -> None:
    """Exactly the expected rows (no more: groups without data have no row), each with its three numbers."""
    got = results(df)
    assert set(got) == set(expected), (
        f"rows differ: extra {set(got) - set(expected)}, missing {set(expected) - set(got)}"
    )
    for key, want in expected.items():
        for name, g, w in zip(("numerator", "denominator", "value"), got[key], want, strict=True):
            if w is None:
                assert g is None, f"{key} {name}: expected NULL, got {g}"
            else:
                assert g is not None and math.isclose(g, w, abs_tol=1e-4), (
                    f"{key} {name}: expected {w}, got {g}"
                )


def q3(rows: dict[tuple[str | None, str | None], Row]) -> dict[tuple[str, str | None, str | None], Row]:
    return {(Q3[0], loc, cat): v for (loc, cat), v in rows.items()}


def year(rows: dict[tuple[str | None, str | None], Row]) -> dict[tuple[str, str | None, str | None], Row]:
    return {(YEAR[0], loc, cat): v for (loc, cat), v in rows.items()}


# ---------------------------------------------------------------------------------------------------------
# Fixtures: a few rows per dataset, inserted with DuckDB, upload_id 1.


def add_session(
    con: duckdb.DuckDBPyConnection,
    session_id: str,
    day: str,
    locality: str,
    mode: str,
    status: str,
    offered: int | None,
    booked: int,
    attended: int,
    dna: int | None,
    pre: float | None,
    post: float | None,
) -> None:
    con.execute(
        "INSERT INTO training_sessions (session_id, session_date, course_title, theme, delivery_mode, locality, "
        "status, places_offered, places_booked, attended, did_not_attend, pre_confidence_avg, "
        "post_confidence_avg, upload_id) VALUES ($id, $day::DATE, 'Neglect awareness', 'Neglect', $mode, $loc, "
        "$status, $offered, $booked, $attended, $dna, $pre, $post, 1)",
        {
            "id": session_id,
            "day": day,
            "mode": mode,
            "loc": locality,
            "status": status,
            "offered": offered,
            "booked": booked,
            "attended": attended,
            "dna": dna,
            "pre": pre,
            "post": post,
        },
    )


def load_training(con: duckdb.DuckDBPyConnection) -> None:
    # fmt: off
    #                 id    date          locality  mode            status       offered booked att dna   pre  post
    add_session(con, "S1", "2023-10-01", H, "Face to face", "Delivered",  20,   18,  15,  3,   2.5, 4.0)  # 1st day of Q3
    add_session(con, "S2", "2023-11-15", H, "Virtual",      "Delivered",  None, 30,  24,  None, 3.0, None)
    add_session(con, "S3", "2023-12-31", S, "Virtual",      "Delivered",  25,   20,  18,  2,   2.0, 4.0)  # last day of Q3
    add_session(con, "S4", "2023-11-01", S, "Face to face", "Cancelled",  20,   12,  0,   0,   1.0, 5.0)  # cancelled
    add_session(con, "S5", "2023-12-05", T, "Virtual",      "Delivered",  50,   40,  30,  8,   3.0, 3.5)  # Teeswide
    add_session(con, "S6", "2023-09-30", H, "Face to face", "Delivered",  10,   10,  10,  0,   1.0, 5.0)  # Q2: day before
    add_session(con, "S7", "2024-01-01", S, "Virtual",      "Delivered",  10,   10,  10,  0,   None, None)  # Q4: day after
    add_session(con, "S8", "2023-10-20", T, "E-learning",   "Delivered",  None, 10,  9,   None, None, None)  # Teeswide
    # fmt: on
    attendance = [
        ("S1", "Police", 5, 5),
        ("S1", "Children's social care", 10, 10),
        ("S1", "School/college", 2, 0),  # booked, nobody attended: not reached
        ("S3", "Police", 3, 3),
        ("S3", "Integrated Care Board", 4, 4),
        ("S5", "Police", 10, 10),
        ("S5", "Early years", 5, 5),
        ("S5", "School/college", 15, 15),
        ("S4", "Probation", 3, 3),  # cancelled session: not counted even though attended > 0
        ("S6", "Youth justice", 10, 10),  # Q2
    ]
    for session_id, agency, booked, attended in attendance:
        con.execute(
            "INSERT INTO training_attendance VALUES ($s, $a, $b, $t, 1)",
            {"s": session_id, "a": agency, "b": booked, "t": attended},
        )


def load_audits(con: duckdb.DuckDBPyConnection) -> None:
    rows = [
        # audit   date          case  locality grade                    raised completed
        ("AUD1", "2023-11-13", "H1", H, "Good", 2, 2),
        ("AUD1", "2023-11-13", "H2", H, "Requires improvement", 3, 1),
        ("AUD1", "2023-11-13", "H3", H, "Outstanding", None, None),  # actions raised blank: not in AU04
        ("AUD1", "2023-11-13", "S1", S, "Inadequate", 4, None),  # completed blank: 0 completed
        ("AUD1", "2023-11-13", "S2", S, "Good", 0, 0),
        ("AUD1", "2023-11-13", "S3", S, "Requires improvement", 1, 1),
        ("AUD2", "2023-10-01", "H4", H, "Good", 1, 0),  # first day of Q3
        ("AUD3", "2023-12-31", "S4", S, "Good", 2, 2),  # last day of Q3
        ("AUD0", "2023-09-30", "H5", H, "Inadequate", 5, 5),  # Q2: day before
        ("AUD4", "2024-01-01", "S5", S, "Inadequate", 3, 0),  # Q4: day after
    ]
    for audit_id, day, case, locality, grade, raised, completed in rows:
        con.execute(
            "INSERT INTO audits (audit_id, audit_title, audit_date, case_ref, locality, overall_grade, "
            "actions_raised, actions_completed, upload_id) "
            "VALUES ($a, 'Step down from social care assessment', $d::DATE, $c, $l, $g, $r, $k, 1)",
            {"a": audit_id, "d": day, "c": case, "l": locality, "g": grade, "r": raised, "k": completed},
        )


def load_reviews(con: duckdb.DuckDBPyConnection) -> None:
    # Calendar facts used below: Mon 2 Oct 2023; Mon 8 May 2023 (Coronation) and Mon 29 May 2023 (spring)
    # are bank holidays; Mon 25 and Tue 26 Dec 2023 and Mon 1 Jan 2024 are bank holidays.
    rows = [
        # id    locality nature          aware         notified      rr completed  outcome      lcspr decision  published
        ("R1", H, "Child death", "2023-10-02", "2023-10-09", "2023-10-30", "No LCSPR", None, None),
        ("R2", S, "Serious harm", "2023-10-02", "2023-10-10", "2023-11-01", "LCSPR", "2023-11-01", None),
        ("R3", H, "Child death", "2023-12-20", "2023-12-29", None, None, None, None),
        ("R4", S, "Other", None, "2023-10-01", None, None, None, None),
        ("R5", S, "Serious harm", "2023-09-22", "2023-09-30", "2023-10-20", "LCSPR", "2023-10-23", None),
        ("R6", H, "Serious harm", None, "2023-01-10", "2023-01-31", "LCSPR", "2023-06-14", "2023-12-14"),
        ("R7", S, "Child death", None, "2022-11-01", "2022-11-22", "LCSPR", "2023-04-20", "2023-10-25"),
        ("R8", S, "Serious harm", None, "2022-12-01", "2022-12-20", "LCSPR", "2023-05-31", None),
        ("R9", H, "Serious harm", None, "2023-02-01", "2023-02-22", "LCSPR", "2023-06-30", "2024-02-01"),
        ("R10", H, "Child death", None, "2023-02-15", "2023-03-08", "LCSPR", "2023-07-01", None),
        ("R11", S, "Serious harm", None, "2023-02-20", "2023-03-20", "LCSPR", "2023-03-31", None),
        ("R12", S, "Serious harm", None, "2023-03-01", "2023-03-22", "LCSPR", "2023-09-01", "2023-12-31"),
        ("R13", H, "Child death", None, "2023-03-02", "2023-03-23", "LCSPR", None, "2023-11-20"),
        (
            "R14",
            S,
            "Serious harm",
            "2023-05-02",
            "2023-05-10",
            "2023-06-01",
            "Alternative learning review",
            None,
            None,
        ),
        ("R15", H, "Other", "2023-12-22", "2023-12-31", None, None, None, None),
        ("R16", H, "Serious harm", "2023-12-27", "2024-01-01", None, None, None, None),
        ("R17", H, "Other", "2023-05-02", "2023-05-11", None, None, None, None),
        # An extension agreed with the Panel, not yet sent: pending, never late.
        ("R18", S, "Serious harm", "2023-10-02", "2023-10-09", None, None, None, None),
        # An extension agreed, sent on 20 Nov (deadline without it: 30 Oct): on time, counted in Q3.
        ("R19", H, "Other", "2023-10-02", "2023-10-09", "2023-11-20", "No LCSPR", None, None),
        # Withdrawn (criteria not met): in CR01 and CR04, not in CR02 or CR05.
        (
            "R20",
            S,
            "Child death",
            "2023-10-02",
            "2023-10-09",
            "2023-10-20",
            "Notification withdrawn",
            None,
            None,
        ),
        # Final report on 29 Sep 2023 (due 3 Oct), publication delayed: on time by its final report.
        ("R21", H, "Serious harm", None, "2023-03-06", "2023-03-27", "LCSPR", "2023-04-03", None),
        # No final report, publication delayed with a reason: never late, not counted.
        ("R22", S, "Serious harm", None, "2023-03-07", "2023-03-28", "LCSPR", "2023-05-15", None),
    ]
    extended = {"R18", "R19"}
    final_report = {"R21": "2023-09-29"}
    delayed = {"R21", "R22"}
    for rid, locality, nature, aware, notified, rr_done, outcome, start, published in rows:
        con.execute(
            "INSERT INTO reviews (review_id, locality, nature, la_aware_date, notification_date, "
            "rr_completed_date, rr_outcome, rr_extension_agreed, lcspr_decision_date, final_report_date, "
            "lcspr_published_date, publication_delay_reason, upload_id) "
            "VALUES ($id, $loc, $nat, $aw::DATE, $no::DATE, $rr::DATE, $out, $ext, $st::DATE, $fr::DATE, "
            "$pub::DATE, $why, 1)",
            {
                "id": rid,
                "loc": locality,
                "nat": nature,
                "aw": aware,
                "no": notified,
                "rr": rr_done,
                "out": outcome,
                "ext": rid in extended,
                "st": start,
                "fr": final_report.get(rid),
                "pub": published,
                "why": "Parallel criminal proceedings" if rid in delayed else None,
            },
        )


def load_actions(con: duckdb.DuckDBPyConnection) -> None:
    rows = [
        # id    locality agreed        target        status          completed
        (
            "A1",
            H,
            "2023-06-01",
            "2023-10-01",
            "Complete",
            "2023-09-15",
        ),  # target on Q3's first day, done early
        ("A2", H, "2023-06-01", "2023-12-31", "Complete", "2024-01-10"),  # target on Q3's last day, done late
        ("A3", S, "2023-06-01", "2023-11-15", "Complete", "2023-11-15"),  # done on the target date
        ("A4", S, "2023-06-01", "2023-11-30", "Not started", None),
        ("A5", T, "2023-06-01", "2023-12-01", "At risk", None),  # Teeswide
        ("A6", T, "2023-06-01", "2023-09-30", "Complete", "2024-02-01"),  # Q2 target, done after Q3
        ("A7", H, "2023-06-01", "2024-01-01", "On track", None),  # Q4 target (day after Q3)
        ("A8", H, "2024-01-15", "2024-03-31", "Not started", None),  # agreed after Q3
        ("A9", S, None, "2023-08-31", "Not started", None),  # agreed date blank
        ("A10", H, "2023-04-01", "2023-07-31", "Complete", "2023-12-31"),  # done on Q3's last day
    ]
    for aid, locality, agreed, target, status, completed in rows:
        con.execute(
            "INSERT INTO actions (action_id, source_type, source_ref, action, lead_agency, locality, date_agreed, "
            "target_date, status, completed_date, upload_id) VALUES ($id, 'LCSPR', 'JM', 'Share the learning', "
            "'Police', $loc, $ag::DATE, $tg::DATE, $st, $cp::DATE, 1)",
            {"id": aid, "loc": locality, "ag": agreed, "tg": target, "st": status, "cp": completed},
        )


@pytest.fixture
def con():
    connection = connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def training_db(con):
    load_training(con)
    return con


@pytest.fixture
def audits_db(con):
    load_audits(con)
    return con


@pytest.fixture
def reviews_db(con):
    load_reviews(con)
    return con


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
    from dashboard.core.config import load_settings
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


# ---------------------------------------------------------------------------------------------------------
# Training. In Q3 the delivered sessions are S1, S2 (Hartlepool), S3 (Stockton), S5, S8 (Teeswide);
# S4 is cancelled, S6 (30 Sep) and S7 (1 Jan) are outside.


def test_tr01_sessions_delivered(training_db):
    """E-learning (S8) is recorded as completions by course and month, not as a session: left out."""
    df = run_kpi(training_db, "TR01", (Q3, YEAR))
    expected = q3(
        {
            # S1, S2, S3, S5 = 4; Hartlepool S1, S2; Stockton S3 (S4 cancelled); Teeswide S5
            (ALL, None): (4, None, 4),
            (H, None): (2, None, 2),
            (S, None): (1, None, 1),
            (T, None): (1, None, 1),
            # by mode: face to face S1; virtual S2, S3, S5
            (ALL, "Face to face"): (1, None, 1),
            (ALL, "Virtual"): (3, None, 3),
            (H, "Face to face"): (1, None, 1),
            (H, "Virtual"): (1, None, 1),
            (S, "Virtual"): (1, None, 1),
            (T, "Virtual"): (1, None, 1),
        }
    )
    expected |= year(
        {
            # the year adds S6 (Hartlepool, face to face, Q2) and S7 (Stockton, virtual, Q4): 6
            (ALL, None): (6, None, 6),
            (H, None): (3, None, 3),
            (S, None): (2, None, 2),
            (T, None): (1, None, 1),
            (ALL, "Face to face"): (2, None, 2),
            (ALL, "Virtual"): (4, None, 4),
            (H, "Face to face"): (2, None, 2),
            (H, "Virtual"): (1, None, 1),
            (S, "Virtual"): (2, None, 2),
            (T, "Virtual"): (1, None, 1),
        }
    )
    assert_results(df, expected)


def test_tr02_fill_rate(training_db):
    df = run_kpi(training_db, "TR02", (Q3, YEAR))
    expected = q3(
        {
            # places offered known: S1 18/20, S3 20/25, S5 40/50 (S2, S8 blank; S4 cancelled)
            (ALL, None): (78, 95, 82.1053),  # 78/95
            (H, None): (18, 20, 90.0),
            (S, None): (20, 25, 80.0),
            (T, None): (40, 50, 80.0),
        }
    )
    expected |= year(
        {
            # plus S6 10/10 (Hartlepool) and S7 10/10 (Stockton)
            (ALL, None): (98, 115, 85.2174),  # 98/115
            (H, None): (28, 30, 93.3333),  # 28/30
            (S, None): (30, 35, 85.7143),  # 30/35
            (T, None): (40, 50, 80.0),
        }
    )
    assert_results(df, expected)


def test_tr03_attendance_rate(training_db):
    df = run_kpi(training_db, "TR03", (Q3,))
    expected = q3(
        {
            # attended/booked: S1 15/18, S2 24/30, S3 18/20, S5 30/40 (S8, e-learning, left out)
            (ALL, None): (87, 108, 80.5556),  # 87/108
            (H, None): (39, 48, 81.25),  # (15+24)/(18+30)
            (S, None): (18, 20, 90.0),
            (T, None): (30, 40, 75.0),
        }
    )
    assert_results(df, expected)


def test_tr04_did_not_attend_rate(training_db):
    df = run_kpi(training_db, "TR04", (Q3,))
    expected = q3(
        {
            # did-not-attend known: S1 3/18, S3 2/20, S5 8/40 (S2, S8 blank)
            (ALL, None): (13, 78, 16.6667),  # 13/78
            (H, None): (3, 18, 16.6667),  # 3/18
            (S, None): (2, 20, 10.0),
            (T, None): (8, 40, 20.0),
        }
    )
    assert_results(df, expected)


def test_tr05_agency_reach(training_db):
    """The share of the 13 configured agencies ("Other" left out) with someone attending."""
    df = run_kpi(training_db, "TR05", (Q3, YEAR))
    expected = q3(
        {
            # Hartlepool (S1): Police, Children's social care (School/college attended 0) = 2
            # Stockton (S3): Police, Integrated Care Board = 2 (S4's Probation: cancelled)
            # Teeswide (S5): Police, Early years, School/college = 3
            # all: Police, CSC, ICB, Early years, School/college = 5 (Police once, not 3 times)
            (ALL, None): (5, 13, 38.4615),
            (H, None): (2, 13, 15.3846),
            (S, None): (2, 13, 15.3846),
            (T, None): (3, 13, 23.0769),
        }
    )
    expected |= year(
        {
            # plus Youth justice at S6 (Hartlepool, Q2)
            (ALL, None): (6, 13, 46.1538),
            (H, None): (3, 13, 23.0769),
            (S, None): (2, 13, 15.3846),
            (T, None): (3, 13, 23.0769),
        }
    )
    assert_results(df, expected)


def test_tr06_confidence_uplift(training_db):
    df = run_kpi(training_db, "TR06", (Q3, YEAR))
    expected = q3(
        {
            # both known: S1 4.0-2.5 = 1.5, S3 4.0-2.0 = 2.0, S5 3.5-3.0 = 0.5 (S2 no post; S4 cancelled)
            (ALL, None): (4.0, 3, 1.3333),  # 4.0/3
            (H, None): (1.5, 1, 1.5),
            (S, None): (2.0, 1, 2.0),
            (T, None): (0.5, 1, 0.5),
        }
    )
    expected |= year(
        {
            # plus S6 5.0-1.0 = 4.0 (Hartlepool)
            (ALL, None): (8.0, 4, 2.0),
            (H, None): (5.5, 2, 2.75),
            (S, None): (2.0, 1, 2.0),
            (T, None): (0.5, 1, 0.5),
        }
    )
    assert_results(df, expected)


def test_teeswide_session_counted_once_in_the_total(training_db):
    # Only the Teeswide session S5 on its own day: it shows under Teeswide and once in the total.
    df = run_kpi(training_db, "TR01", (("one day", date(2023, 12, 5), date(2023, 12, 5)),))
    assert_results(
        df,
        {
            ("one day", ALL, None): (1, None, 1),
            ("one day", T, None): (1, None, 1),
            ("one day", ALL, "Virtual"): (1, None, 1),
            ("one day", T, "Virtual"): (1, None, 1),
        },
    )


# ---------------------------------------------------------------------------------------------------------
# Audits. In Q3: AUD1 (13 Nov: H1-H3, S1-S3), AUD2 (1 Oct: H4), AUD3 (31 Dec: S4); AUD0 (30 Sep) and
# AUD4 (1 Jan) are outside. Audits have no Teeswide cases.


def test_au01_cases_audited(audits_db):
    df = run_kpi(audits_db, "AU01", (Q3, YEAR))
    expected = q3({(ALL, None): (8, None, 8), (H, None): (4, None, 4), (S, None): (4, None, 4)})
    # the year adds H5 (Q2) and S5 (Q4)
    expected |= year({(ALL, None): (10, None, 10), (H, None): (5, None, 5), (S, None): (5, None, 5)})
    assert_results(df, expected)


def test_au02_good_or_better(audits_db):
    df = run_kpi(audits_db, "AU02", (Q3,))
    expected = q3(
        {
            # Hartlepool H1 Good, H3 Outstanding, H4 Good of H1-H4 = 3/4; Stockton S2, S4 Good of S1-S4 = 2/4
            (ALL, None): (5, 8, 62.5),
            (H, None): (3, 4, 75.0),
            (S, None): (2, 4, 50.0),
        }
    )
    assert_results(df, expected)


def test_au03_inadequate(audits_db):
    df = run_kpi(audits_db, "AU03", (Q3, YEAR))
    expected = q3(
        {
            # S1 only
            (ALL, None): (1, 8, 12.5),
            (H, None): (0, 4, 0.0),
            (S, None): (1, 4, 25.0),
        }
    )
    expected |= year(
        {
            # plus H5 (Q2) and S5 (Q4), both Inadequate
            (ALL, None): (3, 10, 30.0),
            (H, None): (1, 5, 20.0),
            (S, None): (2, 5, 40.0),
        }
    )
    assert_results(df, expected)


def test_au04_audit_actions_completed(audits_db):
    df = run_kpi(audits_db, "AU04", (Q3, YEAR))
    expected = q3(
        {
            # Hartlepool: H1 2/2, H2 1/3, H4 0/1 (H3 raised blank: left out) = 3/6
            # Stockton: S1 0/4 (completed blank), S2 0/0, S3 1/1, S4 2/2 = 3/7
            (ALL, None): (6, 13, 46.1538),  # 6/13
            (H, None): (3, 6, 50.0),
            (S, None): (3, 7, 42.8571),  # 3/7
        }
    )
    expected |= year(
        {
            # plus H5 5/5 and S5 0/3
            (ALL, None): (11, 21, 52.3810),  # 11/21
            (H, None): (8, 11, 72.7273),  # 8/11
            (S, None): (3, 10, 30.0),
        }
    )
    assert_results(df, expected)


# ---------------------------------------------------------------------------------------------------------
# Case reviews.


def test_cr01_notifications_on_time(reviews_db):
    """A notification belongs to the period its deadline (the 5th working day after the local authority
    became aware) fell in."""
    df = run_kpi(reviews_db, "CR01", (Q1, Q3, YEAR))
    expected = {
        # Q1 (Coronation, Mon 8 May 2023): R14 aware Tue 2 May, notified Wed 10 May = 3,4,5,9,10 May = 5: on time
        # (6 if 8 May were a working day); R17 notified Thu 11 May = 6 working days: late. Both due 10 May.
        (Q1[0], ALL, None): (1, 2, 50.0),
        (Q1[0], H, None): (0, 1, 0.0),
        (Q1[0], S, None): (1, 1, 100.0),
    }
    expected |= q3(
        {
            # Due Mon 9 Oct: R1 (H) notified 9 Oct on time; R2 (S) 10 Oct late; R18 (S), R19 (H), R20 (S) on time.
            # R3 aware Wed 20 Dec, due Fri 29 Dec (25, 26 bank holidays), notified 29 Dec: on time.
            # Not Q3: R15 (aware 22 Dec, due Wed 3 Jan 2024), R16 (due 4 Jan), R5 (due Fri 29 Sep; notified
            # Sat 30 Sep, still 5 working days: on time in Q2). R4 has no aware date: not judged.
            (ALL, None): (5, 6, 83.3333),
            (H, None): (3, 3, 100.0),
            (S, None): (2, 3, 66.6667),
        }
    )
    expected |= year(
        {
            # Q1 R14, R17; Q2 R5; Q3 as above; Q4 R15 (notified Sun 31 Dec, 3 working days), R16 (notified
            # Mon 1 Jan, a bank holiday: 2 working days): on time.
            # Hartlepool R1, R3, R19, R15, R16 on time, R17 late = 5/6; Stockton R5, R14, R18, R20 on time,
            # R2 late = 4/5
            (ALL, None): (9, 11, 81.8182),
            (H, None): (5, 6, 83.3333),
            (S, None): (4, 5, 80.0),
        }
    )
    assert_results(df, expected)


def test_cr02_rapid_reviews_on_time(reviews_db):
    """A rapid review belongs to the period its deadline (15 working days after the notification) fell in;
    one not sent by then is late there, whether sent later or not at all."""
    df = run_kpi(reviews_db, "CR02", (Q1, Q3, YEAR))
    expected = {
        # R14 notified Wed 10 May, RR Thu 1 Jun: 11,12 | 15-19 | 22-26 | 30,31 May (29th bank holiday) | 1 Jun
        # = 2+5+5+2+1 = 15: on time (16 if 29 May were a working day). R17 notified Thu 11 May, due Fri 2 Jun,
        # never sent: late in Q1.
        (Q1[0], ALL, None): (1, 2, 50.0),
        (Q1[0], H, None): (0, 1, 0.0),
        (Q1[0], S, None): (1, 1, 100.0),
    }
    expected |= q3(
        {
            # R1 notified Mon 9 Oct, RR Mon 30 Oct: 10-13 | 16-20 | 23-27 | 30 = 4+5+5+1 = 15: on time
            # R2 notified Tue 10 Oct, RR Wed 1 Nov: 11-13 | 16-20 | 23-27 | 30,31 | 1 Nov = 3+5+5+2+1 = 16: late
            # R5 notified Sat 30 Sep, RR Fri 20 Oct: 2-6 | 9-13 | 16-20 = 15: on time
            # R4 notified Sun 1 Oct, due Fri 20 Oct, never sent: late in Q3 (not invisible)
            # R19: extension agreed, sent 20 Nov: on time in Q3. R18: extension agreed, not sent: pending.
            # R20: withdrawn, left out.
            (ALL, None): (3, 5, 60.0),
            (H, None): (2, 2, 100.0),
            (S, None): (1, 3, 33.3333),
        }
    )
    expected |= year(
        {
            # Q1 R14, R17; Q3 as above; Q4 R3, R15, R16 (due Mon 22 Jan 2024, never sent): late
            # Hartlepool R17, R1, R19, R3, R15, R16 = 2/6; Stockton R14, R2, R5, R4 = 2/4
            (ALL, None): (4, 10, 40.0),
            (H, None): (2, 6, 33.3333),
            (S, None): (2, 4, 50.0),
        }
    )
    assert_results(df, expected)


def test_cr02_moving_a_completion_past_year_end_makes_it_late_not_invisible(reviews_db):
    """The issue's attack: a late rapid review whose completion moves past year end used to count nowhere
    and leave its quarter 100% Green. It stays late in the quarter its deadline fell in."""
    before = run_kpi(reviews_db, "CR02", (Q3,))
    reviews_db.execute("UPDATE reviews SET rr_completed_date = DATE '2024-06-03' WHERE review_id = 'R2'")
    try:
        after = run_kpi(reviews_db, "CR02", (Q3,))
    finally:
        reviews_db.execute("UPDATE reviews SET rr_completed_date = DATE '2023-11-01' WHERE review_id = 'R2'")
    assert before.equals(after)


def test_cr03_lcsprs_within_six_months(reviews_db):
    """An LCSPR belongs to the period its 6 months from the decision ran out in; completion is the final
    report, else publication; a delayed publication with a reason is never late."""
    df = run_kpi(reviews_db, "CR03", (Q3, Q4, YEAR))
    # Deadlines (decision + 6 months): R2 1 May 2024, R5 23 Apr 2024, R6 14 Dec 2023, R7 20 Oct 2023,
    # R8 30 Nov 2023 (31 May + 6 months), R9 30 Dec 2023, R10 1 Jan 2024, R11 30 Sep 2023 (31 Mar + 6),
    # R12 1 Mar 2024, R21 3 Oct 2023, R22 15 Nov 2023. R13 has no decision date: not judged.
    expected = q3(
        {
            # R6 published 14 Dec (on its deadline: on time, H); R21 final report 29 Sep (on time, H, its
            # publication delayed); R7 published 25 Oct (late, S); R8 (S) and R9 (H, published 1 Feb 2024)
            # not completed by their deadlines: late. R22: no final report, publication delayed: not counted.
            (ALL, None): (2, 5, 40.0),
            (H, None): (2, 3, 66.6667),
            (S, None): (0, 2, 0.0),
        }
    )
    expected |= {
        # Q4: R10 deadline 1 Jan 2024, never completed: late (H); R12 deadline 1 Mar 2024, published
        # 31 Dec 2023: on time (S)
        (Q4[0], ALL, None): (1, 2, 50.0),
        (Q4[0], H, None): (0, 1, 0.0),
        (Q4[0], S, None): (1, 1, 100.0),
    }
    expected |= year(
        {
            # plus Q2: R11 (S, deadline 30 Sep, never completed): late
            (ALL, None): (3, 8, 37.5),
            (H, None): (2, 4, 50.0),
            (S, None): (1, 4, 25.0),
        }
    )
    assert_results(df, expected)


def test_cr04_notifications(reviews_db):
    df = run_kpi(reviews_db, "CR04", (Q3,))
    expected = q3(
        {
            # notified in Q3: R1 (H, death), R2 (S, harm), R3 (H, death), R4 (S, other, 1 Oct, first day),
            # R15 (H, other, 31 Dec, last day), R18 (S, harm), R19 (H, other), R20 (S, death, later withdrawn:
            # it was still notified); R5 (30 Sep) and R16 (1 Jan) are outside
            (ALL, None): (8, None, 8),
            (H, None): (4, None, 4),
            (S, None): (4, None, 4),
            (ALL, "Child death"): (3, None, 3),
            (ALL, "Serious harm"): (2, None, 2),
            (ALL, "Other"): (3, None, 3),
            (H, "Child death"): (2, None, 2),
            (H, "Other"): (2, None, 2),
            (S, "Serious harm"): (2, None, 2),
            (S, "Other"): (1, None, 1),
            (S, "Child death"): (1, None, 1),
        }
    )
    assert_results(df, expected)


def test_cr05_rapid_reviews_completed(reviews_db):
    df = run_kpi(reviews_db, "CR05", (Q3,))
    expected = q3(
        {
            # RR completed in Q3: R1 and R19 (H, no LCSPR), R2 and R5 (S, LCSPR); R20 was withdrawn: left out
            (ALL, None): (4, None, 4),
            (H, None): (2, None, 2),
            (S, None): (2, None, 2),
            (ALL, "No LCSPR"): (2, None, 2),
            (ALL, "LCSPR"): (2, None, 2),
            (H, "No LCSPR"): (2, None, 2),
            (S, "LCSPR"): (2, None, 2),
        }
    )
    assert_results(df, expected)


def test_cr06_lcsprs_published(reviews_db):
    df = run_kpi(reviews_db, "CR06", (Q3, YEAR))
    expected = q3(
        {
            # R6 14 Dec (H), R13 20 Nov (H, no start date but published), R7 25 Oct (S), R12 31 Dec (S, last day)
            (ALL, None): (4, None, 4),
            (H, None): (2, None, 2),
            (S, None): (2, None, 2),
        }
    )
    # plus R9, published 1 Feb 2024 (H)
    expected |= year({(ALL, None): (5, None, 5), (H, None): (3, None, 3), (S, None): (2, None, 2)})
    assert_results(df, expected)


# ---------------------------------------------------------------------------------------------------------
# Actions, as at 31 December 2023 (Q3) and 31 March 2024 (the year).


def test_ap01_completed_by_target_date(actions_db):
    df = run_kpi(actions_db, "AP01", (Q3, YEAR))
    expected = q3(
        {
            # target in Q3: A1 1 Oct (done 15 Sep: yes), A2 31 Dec (done 10 Jan: no), A3 15 Nov (done 15 Nov: yes),
            # A4 (open: no), A5 (Teeswide, open: no); A6 (30 Sep) and A7 (1 Jan) are outside
            (ALL, None): (2, 5, 40.0),
            (H, None): (1, 2, 50.0),
            (S, None): (1, 2, 50.0),
            (T, None): (0, 1, 0.0),
        }
    )
    expected |= year(
        {
            # all ten targets fall in the year; only A1 and A3 were done by their target date
            # Hartlepool A1, A2, A7, A8, A10 = 1/5; Stockton A3, A4, A9 = 1/3; Teeswide A5, A6 = 0/2
            (ALL, None): (2, 10, 20.0),
            (H, None): (1, 5, 20.0),
            (S, None): (1, 3, 33.3333),
            (T, None): (0, 2, 0.0),
        }
    )
    assert_results(df, expected)


def test_ap02_overdue_actions(actions_db):
    df = run_kpi(actions_db, "AP02", (Q3, YEAR))
    expected = q3(
        {
            # open at 31 Dec 2023: A2 (done 10 Jan, after: open; due 31 Dec: not overdue), A4 (overdue), A5 (overdue),
            # A6 (done 1 Feb 2024, after: open, overdue), A7 (due 1 Jan: not overdue), A9 (no agreed date, overdue)
            # not open: A1, A3 (done), A8 (agreed 15 Jan 2024), A10 (done on 31 Dec itself)
            (ALL, None): (4, 6, 66.6667),  # 4/6
            (H, None): (0, 2, 0.0),  # A2, A7
            (S, None): (2, 2, 100.0),  # A4, A9
            (T, None): (2, 2, 100.0),  # A5, A6
        }
    )
    expected |= year(
        {
            # open at 31 Mar 2024: A4, A5, A7, A9 (overdue), A8 (due 31 Mar: not overdue); A2, A6 now done
            (ALL, None): (4, 5, 80.0),
            (H, None): (1, 2, 50.0),  # A7 / A7, A8
            (S, None): (2, 2, 100.0),
            (T, None): (1, 1, 100.0),  # A5
        }
    )
    assert_results(df, expected)


def test_ap03_median_days_overdue(actions_db):
    df = run_kpi(actions_db, "AP03", (Q3, YEAR))
    expected = q3(
        {
            # days from target to 31 Dec 2023: A4 30 Nov = 31, A5 1 Dec = 30, A6 30 Sep = 31+30+31 = 92,
            # A9 31 Aug = 30+92 = 122. Median of 30, 31, 92, 122 = (31+92)/2 = 61.5. No Hartlepool row.
            (ALL, None): (61.5, 4, 61.5),
            (S, None): (76.5, 2, 76.5),  # (31+122)/2
            (T, None): (61.0, 2, 61.0),  # (30+92)/2
        }
    )
    expected |= year(
        {
            # to 31 Mar 2024 (2024 is a leap year): A4 31+31+29+31 = 122, A5 30+31+29+31 = 121,
            # A7 1 Jan = 30+29+31 = 90, A9 122+91 = 213. Median of 90, 121, 122, 213 = 121.5
            (ALL, None): (121.5, 4, 121.5),
            (H, None): (90.0, 1, 90.0),
            (S, None): (167.5, 2, 167.5),  # (122+213)/2
            (T, None): (121.0, 1, 121.0),
        }
    )
    assert_results(df, expected)


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

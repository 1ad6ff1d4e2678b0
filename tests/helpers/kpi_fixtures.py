"""The KPI tests' fixture rows and helpers (tests/test_kpis.py, tests/test_kpi_values.py, tests/test_drilldown.py):
a few rows per dataset, inserted with DuckDB, and the helpers that run a KPI file and compare its results.

Every expected number in the tests was worked out by hand from these rows; none is recomputed in Python.
Periods: 2023-24 Q3 is 1 October (a Sunday) to 31 December 2023 (a Sunday).
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.core.config import QUERIES_DIR, load_settings
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

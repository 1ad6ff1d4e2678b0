"""Synthetic data at scale for the benchmarks: the sample's five datasets, from one partnership to national.

Usage::

    python data/synth.py --scale N -o DIR [--seed S] [--format xlsx|duckdb]
    python data/synth.py --scale national -o DIR [--seed S] [--format xlsx|duckdb]

`--scale N` is N times the sample's volumes for one partnership (Hartlepool, Stockton-on-Tees and
Teeswide, the default configuration) over the sample's four financial years, 2021-22 to 2024-25: 1 is about
the sample itself (261 training sessions, 1,141 attendance rows, 117 audited cases, 18 reviews, 70
actions). `--scale national` is 150 partnerships' worth of rows over ten financial years, 2015-16 to
2024-25, each partnership with its own localities ("P017 North", "P017 South") and one area-wide value
("Area-wide"): about 600,000 rows.

Into DIR it writes `pmf.toml` (a copy of dashboard/default_config.toml with the scale's localities and
DIR/pmf.duckdb as its database: point PMF_CONFIG at it), and either the workbooks shaped like
data/sample (`training.xlsx` with sheets training_sessions and training_attendance, `audits.xlsx`,
`reviews.xlsx`, `actions.xlsx`; the default) or, with `--format duckdb`, the database `pmf.duckdb`
loaded directly from the generated tables (seconds instead of minutes: writing .xlsx is slow).

Everything is fictional and deterministic: the same scale and seed give the same rows. Row counts depend on
the scale only (`expected_rows`), never on the seed, so they can be known without generating anything.
Every row keeps the data contract's rules (dashboard/contract.py, dashboard/validate.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core.config import DEFAULT_CONFIG_PATH
from dashboard.core.periods import bank_holidays
from dashboard.ingest.contract import DATASET_NAMES, DATASETS_BY_NAME, NARRATIVE_DATASETS

#: The datasets synth generates: the records. The narrative ones (partnership updates, commentary) are written
#: by people, a few dozen rows a quarter, and play no part in how the dashboard scales.
DATA_DATASETS = tuple(name for name in DATASET_NAMES if name not in NARRATIVE_DATASETS)

DEFAULT_SEED = 20261128
LAST_FY = 2024  # every scale ends with 2024-25, like the sample
NATIONAL_PARTNERSHIPS = 150
NATIONAL_YEARS = 10
SAMPLE_YEARS = 4

# Rows per partnership and financial year: the sample's rows divided by its four years.
ROWS_PER_PARTNERSHIP_YEAR: dict[str, float] = {
    "training_sessions": 261 / 4,
    "training_attendance": 1141 / 4,
    "audits": 117 / 4,
    "reviews": 18 / 4,
    "actions": 70 / 4,
}
CASES_PER_AUDIT = 117 / 16  # the sample: 16 audits, 117 cases

DEFAULT_LOCALITIES = ("Hartlepool", "Stockton-on-Tees")
DEFAULT_AREA_WIDE = "Teeswide"
NATIONAL_AREA_WIDE = "Area-wide"
AGENCIES = (
    "Children's social care",
    "Early help",
    "Local authority (other)",
    "Police",
    "Integrated Care Board",
    "NHS acute/community",
    "NHS mental health",
    "GP/primary care",
    "School/college",
    "Early years",
    "Probation",
    "Youth justice",
    "Voluntary and community sector",
    "Other",
)
AGENCY_WEIGHTS = (10, 8, 3, 5, 2, 6, 3, 3, 9, 5, 2, 2, 5, 2)
COURSES = (
    ("Working Together to Safeguard Children: multi-agency responsibilities", "Working together"),
    ("Professional curiosity and respectful challenge", "Working together"),
    ("Neglect: recognising and responding to neglect", "Neglect"),
    ("Graded Care Profile 2 practitioner training", "Graded Care Profile 2"),
    ("Child sexual abuse: signs, indicators and responses", "Child sexual abuse"),
    ("Child exploitation: criminal and sexual exploitation", "Exploitation"),
    ("Domestic abuse and its impact on children", "Domestic abuse"),
    ("Parental mental health and substance misuse", "Parental mental health and substance misuse"),
    ("Safer sleep and ICON: babies cry, you can cope", "Infant safety"),
    ("Learning from local and national case reviews", "Learning from reviews"),
    ("Self-harm and suicide prevention in young people", "Mental health"),
)
E_LEARNING_COURSES = (
    ("Safeguarding children awareness (e-learning)", "Working together"),
    ("Child exploitation awareness (e-learning)", "Exploitation"),
)
AUDIT_TITLES = (
    "Neglect and the child's lived experience",
    "Children living with domestic abuse",
    "Child exploitation",
    "Strategy discussions and section 47 enquiries",
    "Harmful sexual behaviour",
    "Pre-birth assessments and unborn babies",
    "Step down from social care assessment",
    "The voice of the child in assessments",
)
ACTION_TEXTS = (
    "Refresh the escalation and resolution policy and remind practitioners how to use it",
    "Add the learning to the multi-agency training programme",
    "Publish a 7-minute briefing on the learning and share it with every agency",
    "Re-audit a sample of cases in six months to test whether the learning has been embedded",
    "Ensure fathers and male carers are identified and included in assessments and plans",
    "Embed the Graded Care Profile 2 as the standard tool for assessing neglect",
    "Review the child exploitation screening tool and the referral pathway",
    "Promote the bruising in non-mobile babies protocol and audit compliance",
)
F2F, VIRTUAL, ELEARNING = "Face to face", "Virtual", "E-learning"
AGE_BANDS = ("Under 1", "1-4", "5-9", "10-15", "16-17")
CASE_LEVELS = ("Early help", "Child in need", "Child protection", "Looked after", "Other")
GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")
NATURES = ("Child death", "Serious harm", "Other")
HARM_TYPES = ("Abuse", "Neglect", "Abuse and neglect")
RR_OUTCOMES = ("LCSPR", "Alternative learning review", "No LCSPR", "National review")
SOURCE_TYPES = ("LCSPR", "Rapid review", "Audit", "National review", "Other")
OPEN_STATUSES = ("Not started", "On track", "At risk")

Frames = dict[str, pd.DataFrame]


# --------------------------------------------------------------------------------------------------------
# Scales
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scale:
    """How much to generate: `partnerships` partnerships over `years` financial years ending 2024-25, each
    with `density` times the sample's rows per year."""

    name: str
    partnerships: int = 1
    years: int = SAMPLE_YEARS
    density: int = 1

    @property
    def first_fy(self) -> int:
        return LAST_FY - self.years + 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.first_fy, 4, 1)

    @property
    def end(self) -> dt.date:
        """The last day held, and the "as at" day of action statuses."""
        return dt.date(LAST_FY + 1, 3, 31)

    @property
    def own_localities(self) -> bool:
        """False for one partnership: the default configuration's localities."""
        return self.partnerships > 1

    @property
    def area_wide(self) -> str:
        return NATIONAL_AREA_WIDE if self.own_localities else DEFAULT_AREA_WIDE

    def localities(self) -> list[str]:
        """Every locality in display order: two per partnership."""
        if not self.own_localities:
            return list(DEFAULT_LOCALITIES)
        return [f"P{p:03d} {side}" for p in range(1, self.partnerships + 1) for side in ("North", "South")]

    def id_prefix(self, partnership: int) -> str:
        return f"P{partnership + 1:03d}-" if self.own_localities else ""


NATIONAL = Scale("national", partnerships=NATIONAL_PARTNERSHIPS, years=NATIONAL_YEARS)


def parse_scale(text: str) -> Scale:
    """`national`, or a whole number N >= 1 (N times the sample's volumes for one partnership)."""
    if text.strip().lower() == "national":
        return NATIONAL
    try:
        density = int(text.strip().lower().removesuffix("x"))
    except ValueError:
        raise ValueError(f"scale {text!r} is not a whole number or 'national'") from None
    if density < 1:
        raise ValueError("scale must be 1 or more")
    return Scale(f"{density}x", density=density)


def expected_rows(scale: Scale) -> dict[str, int]:
    """The rows `generate` makes for each dataset: a function of the scale alone, not of the seed."""
    factor = scale.partnerships * scale.years * scale.density
    return {name: int(round(rate * factor)) for name, rate in ROWS_PER_PARTNERSHIP_YEAR.items()}


# --------------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------------
class _Calendar:
    def __init__(self, scale: Scale) -> None:
        self.start = np.datetime64(scale.start, "D")
        self.end = np.datetime64(scale.end, "D")
        self.holidays = np.array(bank_holidays(scale.first_fy - 1, LAST_FY + 3), dtype="datetime64[D]")
        days = np.arange(self.start, self.end + 1, dtype="datetime64[D]")
        self.working = days[np.is_busday(days, holidays=self.holidays)]

    def random_days(self, rng: np.random.Generator, n: int, margin: int = 0) -> np.ndarray:
        """n working days in the span, leaving `margin` working days free at its start."""
        return self.working[rng.integers(margin, len(self.working), n)]

    def add_working(self, days: np.ndarray, n: np.ndarray) -> np.ndarray:
        return np.busday_offset(days, n, roll="forward", holidays=self.holidays)

    def next_working(self, days: np.ndarray) -> np.ndarray:
        return np.busday_offset(days, 0, roll="forward", holidays=self.holidays)


def _fy(days: np.ndarray) -> np.ndarray:
    """The financial year (its start year) of each day."""
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(int) + 1970
    month = months.astype(int) % 12 + 1
    return np.where(month >= 4, year, year - 1)


def _dates(days: np.ndarray, mask: np.ndarray | None = None) -> pd.Series:
    """datetime64[s] (the dtype validate gives), NaT where mask is False."""
    series = pd.Series(days.astype("datetime64[s]"))
    if mask is not None:
        series = series.where(mask)
    return series.astype("datetime64[s]")


def _whole(values: np.ndarray, mask: np.ndarray | None = None) -> pd.Series:
    array = pd.array(values.astype("int64"), dtype="Int64")
    if mask is not None:
        array[~mask] = pd.NA
    return pd.Series(array)


def _number(values: np.ndarray, mask: np.ndarray | None = None) -> pd.Series:
    array = pd.array(values.astype("float64"), dtype="Float64")
    if mask is not None:
        array[~mask] = pd.NA
    return pd.Series(array)


def _text(values: Sequence[Any] | np.ndarray, mask: np.ndarray | None = None) -> pd.Series:
    out = np.asarray(values, dtype=object).copy()
    if mask is not None:
        out[~mask] = None
    return pd.Series(out, dtype=object)


def _pick(rng: np.random.Generator, options: Sequence[str], n: int, weights: Sequence[float] | None = None):
    p = None if weights is None else np.asarray(weights, dtype=float) / float(np.sum(weights))
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p)]


def _sequence_ids(prefixes: np.ndarray, stem: str, groups: np.ndarray, order: np.ndarray) -> list[str]:
    """IDs numbered 1, 2, ... within each group in the given order: `<prefix><stem>-<group>-<nnnnn>`."""
    n = len(groups)
    seq = np.empty(n, dtype=np.int64)
    sorted_groups = groups[order]
    starts = np.r_[0, np.flatnonzero(sorted_groups[1:] != sorted_groups[:-1]) + 1]
    lengths = np.diff(np.r_[starts, n])
    seq[order] = np.arange(n) - np.repeat(starts, lengths) + 1
    return [f"{pre}{stem}-{g}-{s:05d}" for pre, g, s in zip(prefixes, groups % 10_000, seq, strict=True)]


def _spread(rng: np.random.Generator, total: int, parts: int, cap: int | None = None) -> np.ndarray:
    """`total` split into `parts` whole numbers as even as can be, the odd ones placed at random."""
    counts = np.full(parts, total // parts, dtype=np.int64)
    counts[rng.choice(parts, size=total % parts, replace=False)] += 1
    if cap is not None and counts.max() > cap:
        raise ValueError(f"cannot place {total} rows in {parts} groups of at most {cap}")
    return counts


# --------------------------------------------------------------------------------------------------------
# The datasets
# --------------------------------------------------------------------------------------------------------
class _Context:
    def __init__(self, scale: Scale) -> None:
        self.scale = scale
        self.calendar = _Calendar(scale)
        self.prefixes = np.array([scale.id_prefix(p) for p in range(scale.partnerships)], dtype=object)
        locs = scale.localities()
        # locality code 2p and 2p+1 for partnership p; -1 for the area-wide value
        self.locality_names = np.array([*locs, scale.area_wide], dtype=object)

    def locality(self, partnership: np.ndarray, side: np.ndarray) -> np.ndarray:
        """side 0 or 1: the partnership's two localities; 2: the area-wide value."""
        code = np.where(side == 2, len(self.locality_names) - 1, 2 * partnership + np.minimum(side, 1))
        return self.locality_names[code]


def _sessions(rng: np.random.Generator, ctx: _Context, n: int) -> pd.DataFrame:
    scale, cal = ctx.scale, ctx.calendar
    partnership = rng.integers(0, scale.partnerships, n)
    days = np.sort(cal.random_days(rng, n))
    fy = _fy(days)
    progress = (fy - scale.first_fy + 0.5) / scale.years  # virtual delivery falls from 80% to 50%
    roll = rng.random(n)
    mode = np.where(roll < 0.025, ELEARNING, np.where(rng.random(n) < 0.8 - 0.3 * progress, VIRTUAL, F2F))
    cancelled = (mode != ELEARNING) & (rng.random(n) < 0.05)
    side = np.where(
        mode == ELEARNING,
        2,
        np.where(
            mode == VIRTUAL,
            rng.choice(3, size=n, p=[3 / 11, 4 / 11, 4 / 11]),
            rng.choice(3, size=n, p=[0.4, 0.5, 0.1]),
        ),
    )
    course_index = rng.integers(0, len(COURSES), n)
    e_index = rng.integers(0, len(E_LEARNING_COURSES), n)
    title = np.where(
        mode == ELEARNING,
        np.array([c[0] for c in E_LEARNING_COURSES], dtype=object)[e_index],
        np.array([c[0] for c in COURSES], dtype=object)[course_index],
    )
    theme = np.where(
        mode == ELEARNING,
        np.array([c[1] for c in E_LEARNING_COURSES], dtype=object)[e_index],
        np.array([c[1] for c in COURSES], dtype=object)[course_index],
    )
    offered = np.where(
        mode == F2F, rng.integers(12, 31, n), np.where(mode == VIRTUAL, rng.integers(20, 41, n), 40)
    )
    fill = np.clip(rng.normal(0.87, 0.06, n), 0.62, 1.0)
    booked = np.maximum(3, np.rint(offered * fill)).astype(np.int64)
    booked = np.where(cancelled, np.rint(offered * 0.6 * rng.random(n)), booked).astype(np.int64)
    rate = np.clip(
        np.select([mode == F2F, mode == VIRTUAL], [0.87, 0.82], 0.72) + rng.normal(0, 0.05, n), 0.55, 1.0
    )
    attended = np.where(cancelled, 0, np.maximum(1, np.rint(booked * rate))).astype(np.int64)
    attended = np.minimum(attended, np.where(cancelled, 0, booked))
    has_dna = ~cancelled & (rng.random(n) > 0.08)
    rated = rng.random(n)
    has_pre = ~cancelled & (mode != ELEARNING) & (rated < 0.88)
    has_post = has_pre & (rated < 0.84)
    pre = np.round(np.clip(rng.normal(2.85, 0.25, n), 2.3, 3.4), 1)
    post = np.round(np.clip(pre + rng.normal(1.2, 0.2, n), 3.5, 4.6), 1)
    order = np.lexsort((days, partnership))
    # TS-<financial year>-<nnnnn>, numbered in date order within each partnership and year
    ids = _sequence_ids(ctx.prefixes[partnership], "TS", partnership * 10_000 + fy, order)
    return pd.DataFrame(
        {
            "session_id": _text(ids),
            "session_date": _dates(days),
            "course_title": _text(title),
            "theme": _text(theme),
            "delivery_mode": _text(mode),
            "locality": _text(ctx.locality(partnership, side)),
            "status": _text(np.where(cancelled, "Cancelled", "Delivered")),
            "places_offered": _whole(offered),
            "places_booked": _whole(booked),
            "attended": _whole(attended),
            "did_not_attend": _whole(booked - attended, has_dna),
            "pre_confidence_avg": _number(pre, has_pre),
            "post_confidence_avg": _number(post, has_post),
        }
    )


def _attendance(rng: np.random.Generator, sessions: pd.DataFrame, n: int) -> pd.DataFrame:
    delivered = np.flatnonzero((sessions["status"] == "Delivered").to_numpy())
    per_session = _spread(rng, n, len(delivered), cap=len(AGENCIES))
    weights = np.asarray(AGENCY_WEIGHTS, dtype=float)
    # a weighted random order of the agencies per session (Gumbel trick); keep the first k, in list order
    keys = np.log(weights) - np.log(-np.log(rng.random((len(delivered), len(AGENCIES)))))
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    chosen = rank < per_session[:, None]
    session_index = np.repeat(delivered, per_session)
    agency = np.broadcast_to(np.arange(len(AGENCIES)), chosen.shape)[chosen]
    booked = rng.integers(1, 9, n)
    attended = rng.binomial(booked, 0.85)
    return pd.DataFrame(
        {
            "session_id": _text(sessions["session_id"].to_numpy()[session_index]),
            "agency": _text(np.asarray(AGENCIES, dtype=object)[agency]),
            "booked": _whole(booked),
            "attended": _whole(attended),
        }
    )


def _audits(rng: np.random.Generator, ctx: _Context, n: int) -> pd.DataFrame:
    scale, cal = ctx.scale, ctx.calendar
    n_audits = max(1, int(round(n / CASES_PER_AUDIT))) if n else 0
    cases = _spread(rng, n, n_audits) if n_audits else np.zeros(0, dtype=np.int64)
    a_partnership = rng.integers(0, scale.partnerships, n_audits)
    a_days = cal.random_days(rng, n_audits)
    a_fy = _fy(a_days)
    a_title = _pick(rng, AUDIT_TITLES, n_audits)
    exec_days = cal.next_working(a_days + rng.integers(62, 119, n_audits).astype("timedelta64[D]"))
    order = np.lexsort((a_days, a_partnership))
    a_ids = np.asarray(
        _sequence_ids(ctx.prefixes[a_partnership], "MAA", a_partnership * 10_000 + a_fy, order), dtype=object
    )
    audit = np.repeat(np.arange(n_audits), cases)
    case_number = np.arange(n) - np.repeat(np.cumsum(cases) - cases, cases) + 1
    grade_index = rng.choice(4, size=n, p=[0.1, 0.45, 0.35, 0.1])
    raised = np.select(
        [grade_index == 0, grade_index == 1, grade_index == 2],
        [rng.integers(0, 2, n), rng.integers(0, 3, n), rng.integers(1, 4, n)],
        rng.integers(2, 5, n),
    )
    completed = rng.binomial(raised, 0.8)
    exec_held = exec_days[audit] <= cal.end
    return pd.DataFrame(
        {
            "audit_id": _text(a_ids[audit]),
            "audit_title": _text(a_title[audit]),
            "audit_date": _dates(a_days[audit]),
            "case_ref": _text([f"C{c:03d}" for c in case_number]),
            "locality": _text(ctx.locality(a_partnership[audit], rng.integers(0, 2, n))),
            "lead_agency": _text(_pick(rng, AGENCIES, n, AGENCY_WEIGHTS), rng.random(n) > 0.04),
            "age_band": _text(_pick(rng, AGE_BANDS, n, [1, 2, 3, 3, 1])),
            "case_level": _text(_pick(rng, CASE_LEVELS, n, [3, 4, 3, 1, 1])),
            "overall_grade": _text(np.asarray(GRADES, dtype=object)[grade_index]),
            "actions_raised": _whole(raised),
            "actions_completed": _whole(completed),
            "exec_report_date": _dates(exec_days[audit], exec_held),
        }
    )


def _reviews(rng: np.random.Generator, ctx: _Context, n: int) -> pd.DataFrame:
    scale, cal = ctx.scale, ctx.calendar
    partnership = rng.integers(0, scale.partnerships, n)
    notified = np.sort(cal.random_days(rng, n, margin=10))
    late_notice = rng.random(n) < 0.1
    delay = np.where(late_notice, rng.integers(6, 10, n), rng.integers(1, 6, n))
    aware = np.busday_offset(notified, -delay, roll="backward", holidays=cal.holidays)
    late_rr = rng.random(n) < 0.15
    rr = cal.add_working(notified, np.where(late_rr, rng.integers(17, 31, n), rng.integers(8, 16, n)))
    has_rr = rr <= cal.end
    outcome = _pick(rng, RR_OUTCOMES, n, [3, 4, 5, 1])
    lcspr = has_rr & (outcome == "LCSPR")
    learning = cal.next_working(rr + rng.integers(45, 91, n).astype("timedelta64[D]"))
    recall = cal.next_working(learning + rng.integers(25, 46, n).astype("timedelta64[D]"))
    late_pub = rng.random(n) < 0.2
    published = cal.next_working(
        rr + np.where(late_pub, rng.integers(200, 291, n), rng.integers(125, 171, n)).astype("timedelta64[D]")
    )
    has_learning = lcspr & (learning <= cal.end)
    has_recall = has_learning & (recall <= cal.end)
    has_published = lcspr & (published <= cal.end)
    nature = _pick(rng, NATURES, n, [7, 12, 1])
    harm = _pick(rng, HARM_TYPES, n, [7, 7, 6])
    ids = [f"{ctx.prefixes[p]}R{i + 1:05d}" for i, p in enumerate(partnership)]
    names = [f"Child {chr(65 + i % 26)}{i + 1}" for i in range(n)]
    return pd.DataFrame(
        {
            "review_id": _text(ids),
            "locality": _text(ctx.locality(partnership, rng.integers(0, 2, n))),
            "nature": _text(nature),
            "harm_type": _text(harm, nature != "Other"),
            "la_aware_date": _dates(aware),
            "notification_date": _dates(notified),
            "rr_completed_date": _dates(rr, has_rr),
            "rr_outcome": _text(outcome, has_rr),
            "rr_extension_agreed": pd.Series(pd.array(np.zeros(n, dtype=bool), dtype="boolean")),
            "panel_response": _text(np.full(n, "Agreed", dtype=object), has_rr),
            "panel_response_date": _dates(cal.next_working(rr + np.timedelta64(10, "D")), has_rr),
            "lcspr_decision_date": _dates(rr, lcspr),
            "learning_event_date": _dates(learning, has_learning),
            "recall_event_date": _dates(recall, has_recall),
            "final_report_date": _dates(published, has_published),
            "lcspr_published_date": _dates(published, has_published),
            "publication_delay_reason": _text(np.full(n, None, dtype=object)),
            "published_name": _text(names, has_published),
        }
    )


def _refs_of(rng: np.random.Generator, owners: np.ndarray, refs: np.ndarray, wanted: np.ndarray, n: int):
    """For each wanted partnership, a random ref owned by it (None when it owns none)."""
    order = np.argsort(owners, kind="stable")
    owners_sorted, refs_sorted = owners[order], refs[order]
    first = np.searchsorted(owners_sorted, wanted, side="left")
    count = np.searchsorted(owners_sorted, wanted, side="right") - first
    index = first + np.floor(rng.random(n) * np.maximum(count, 1)).astype(np.int64)
    out = np.full(n, None, dtype=object)
    held = count > 0
    out[held] = refs_sorted[np.minimum(index, max(len(refs_sorted) - 1, 0))[held]]
    return out


def _actions(
    rng: np.random.Generator, ctx: _Context, n: int, reviews: pd.DataFrame, audits: pd.DataFrame
) -> pd.DataFrame:
    scale, cal = ctx.scale, ctx.calendar
    partnership = rng.integers(0, scale.partnerships, n)
    source = _pick(rng, SOURCE_TYPES, n, [3, 2, 4, 1, 1])
    review_owner = _owner(reviews["review_id"], ctx)
    audit_ids = audits["audit_id"].drop_duplicates().to_numpy(dtype=object)
    audit_owner = _owner(pd.Series(audit_ids), ctx)
    review_ref = _refs_of(rng, review_owner, reviews["review_id"].to_numpy(dtype=object), partnership, n)
    audit_ref = _refs_of(rng, audit_owner, audit_ids, partnership, n)
    ref = np.where(source == "Audit", audit_ref, np.where(source == "Other", None, review_ref))
    agreed = np.sort(cal.random_days(rng, n))
    target = agreed + rng.integers(60, 366, n).astype("timedelta64[D]")
    end = cal.end
    due = target < end
    complete = np.where(due, rng.random(n) < 0.7, rng.random(n) < 0.25)
    span = (np.minimum(target, end) - agreed).astype(np.int64)
    completed = agreed + np.floor(span * rng.uniform(0.3, 1.15, n)).astype("timedelta64[D]")
    completed = np.minimum(np.maximum(completed, agreed), end)
    status = np.where(complete, "Complete", _pick(rng, OPEN_STATUSES, n, [1, 3, 1]))
    ids = [f"{ctx.prefixes[p]}ACT-{i + 1:06d}" for i, p in enumerate(partnership)]
    return pd.DataFrame(
        {
            "action_id": _text(ids),
            "source_type": _text(source),
            "source_ref": _text(ref),
            "action": _text(_pick(rng, ACTION_TEXTS, n)),
            "lead_agency": _text(_pick(rng, AGENCIES, n, AGENCY_WEIGHTS)),
            "locality": _text(ctx.locality(partnership, rng.choice(3, size=n, p=[0.4, 0.4, 0.2]))),
            "date_agreed": _dates(agreed),
            "target_date": _dates(target),
            "status": _text(status),
            "completed_date": _dates(completed, complete),
        }
    )


def _owner(ids: pd.Series, ctx: _Context) -> np.ndarray:
    """The partnership (0-based) an ID belongs to, from its prefix."""
    if not ctx.scale.own_localities:
        return np.zeros(len(ids), dtype=np.int64)
    return np.array([int(i[1:4]) - 1 for i in ids], dtype=np.int64)


def generate(scale: Scale, seed: int = DEFAULT_SEED) -> Frames:
    """Every dataset at `scale`, typed as an upload's validated rows (dates datetime64[s], Int64, Float64)."""
    rows = expected_rows(scale)
    ctx = _Context(scale)
    rng = np.random.default_rng([seed, scale.partnerships, scale.years, scale.density])
    sessions = _sessions(rng, ctx, rows["training_sessions"])
    attendance = _attendance(rng, sessions, rows["training_attendance"])
    audits = _audits(rng, ctx, rows["audits"])
    reviews = _reviews(rng, ctx, rows["reviews"])
    actions = _actions(rng, ctx, rows["actions"], reviews, audits)
    frames = {
        "training_sessions": sessions,
        "training_attendance": attendance,
        "audits": audits,
        "reviews": reviews,
        "actions": actions,
    }
    for name, frame in frames.items():
        assert list(frame.columns) == DATASETS_BY_NAME[name].column_names, name
    return frames


def training_sessions(rows: int, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Exactly `rows` training sessions of one partnership (the default localities) over four years."""
    scale = Scale(f"{rows} sessions")
    rng = np.random.default_rng([seed, rows])
    return _sessions(rng, _Context(scale), rows)


# --------------------------------------------------------------------------------------------------------
# Output: configuration, workbooks, database
# --------------------------------------------------------------------------------------------------------
def config_text(scale: Scale, database: Path) -> str:
    """dashboard/default_config.toml with the scale's localities and `database` as the database path."""
    default = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    tail = default[default.index("\n[agencies]") + 1 :]
    path_line = f"path = {json.dumps(str(database))}"
    if not scale.own_localities:
        head = default[: default.index("\n[agencies]") + 1]
        return re.sub(r'(?m)^path = ".*"$', lambda _: path_line, head, count=1) + tail
    lines = [
        f"# Synthetic benchmark data at scale {scale.name}: {scale.partnerships} partnerships, "
        f"{scale.years} financial years (data/synth.py). Fictional.",
        "",
        "[partnership]",
        f'name = "Synthetic {scale.name}: {scale.partnerships} safeguarding children partnerships"',
        'short_name = "SYNTH"',
        "",
        "[database]",
        path_line,
        'sample_dir = "data/sample"',
        "",
    ]
    for name in scale.localities():
        lines += ["[[localities]]", f"name = {json.dumps(name)}", "synonyms = []", ""]
    lines += ["[area_wide]", f"name = {json.dumps(scale.area_wide)}", 'synonyms = ["Partnership-wide"]', ""]
    return "\n".join(lines) + tail


WORKBOOKS: dict[str, tuple[str, ...]] = {
    "training.xlsx": ("training_sessions", "training_attendance"),
    "audits.xlsx": ("audits",),
    "reviews.xlsx": ("reviews",),
    "actions.xlsx": ("actions",),
}


def _cells(frame: pd.DataFrame) -> Iterator[list[Any]]:
    """Rows of Python values: dates as datetime.date, blanks as None."""
    columns: list[list[Any]] = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            values: list[Any] = [None if pd.isna(v) else v.date() for v in series]
        else:
            values = [None if v is None or v is pd.NA else v for v in series.astype(object)]
        columns.append(values)
    return (list(row) for row in zip(*columns, strict=True))


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """One .xlsx with a sheet per frame: header row, date cells shown DD/MM/YYYY (openpyxl, streaming)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        dated = [pd.api.types.is_datetime64_any_dtype(frame[c]) for c in frame.columns]
        for row in _cells(frame):
            for index, is_date in enumerate(dated):
                if is_date and row[index] is not None:
                    cell = WriteOnlyCell(sheet, value=row[index])
                    cell.number_format = "DD/MM/YYYY"
                    row[index] = cell
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_workbooks(frames: Frames, out_dir: Path) -> list[Path]:
    paths = []
    for file_name, sheets in WORKBOOKS.items():
        path = out_dir / file_name
        write_workbook(path, {name: frames[name] for name in sheets})
        paths.append(path)
    return paths


def write_database(frames: Frames, path: Path, note: str = "synthetic data (data/synth.py)") -> None:
    """A new PMF database at `path` holding `frames`, recorded as one upload (as if loaded)."""
    from dashboard.core.db import connect, quote_identifier, transaction

    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = connect(path)
    try:
        with transaction(con):
            for name in DATA_DATASETS:
                dataset = DATASETS_BY_NAME[name]
                selected = ", ".join(
                    f"CAST({quote_identifier(c.name)} AS DATE)"
                    if c.kind == "date"
                    else quote_identifier(c.name)
                    for c in dataset.columns
                )
                columns = ", ".join(quote_identifier(c) for c in dataset.column_names)
                con.register("synth_frame", frames[name])
                con.execute(
                    f"INSERT INTO {quote_identifier(name)} ({columns}, upload_id) "  # noqa: S608 - contract names
                    f"SELECT {selected}, 1 FROM synth_frame"
                )
                con.unregister("synth_frame")
                con.execute(
                    "INSERT INTO upload_datasets VALUES (1, $d, $n, 0, 0, 0)",
                    {"d": name, "n": len(frames[name])},
                )
            con.execute(
                "INSERT INTO uploads VALUES (1, $at, 'synth', $file, '', 'upsert', NULL, NULL, NULL)",
                {"at": dt.datetime(2025, 4, 1, 9, 0), "file": note},
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", required=True, help="a whole number N (N x the sample) or 'national'")
    parser.add_argument("-o", "--out", required=True, type=Path, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--format", choices=("xlsx", "duckdb"), default="xlsx", help="workbooks (default) or a database"
    )
    args = parser.parse_args(argv)
    try:
        scale = parse_scale(args.scale)
    except ValueError as exc:
        parser.error(str(exc))
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    database = out / "pmf.duckdb"
    (out / "pmf.toml").write_text(config_text(scale, database), encoding="utf-8")
    frames = generate(scale, args.seed)
    if args.format == "duckdb":
        write_database(frames, database)
        written = [database]
    else:
        written = write_workbooks(frames, out)
    counts = ", ".join(f"{name} {len(frame):,}" for name, frame in frames.items())
    print(f"Scale {scale.name} (seed {args.seed}): {counts}")
    for path in [out / "pmf.toml", *written]:
        print(f"  wrote {path}")
    if scale.own_localities:
        print(f"  use PMF_CONFIG={out / 'pmf.toml'}: its localities are not the default configuration's")


if __name__ == "__main__":
    main()

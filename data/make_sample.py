"""Generate the fictional sample workbooks for the HSSCP performance dashboard.

Usage::

    python data/make_sample.py [OUTPUT_DIR]

OUTPUT_DIR defaults to the ``sample`` folder beside this script (``data/sample``). The script writes

- ``training.xlsx`` (sheets ``training_sessions`` and ``training_attendance``)
- ``audits.xlsx`` (sheet ``audits``)
- ``reviews.xlsx`` (sheet ``reviews``)
- ``actions.xlsx`` (sheet ``actions``)
- ``README.md``

Everything is fictional. The data covers the UK financial years 2021-22 to 2024-25 (1 April 2021 to
31 March 2025), the two localities Hartlepool and Stockton-on-Tees (and Teeswide activity), and reproduces
the facts of the HSSCP newsletter for quarter 3 of 2023-24 exactly. Action statuses are judged as at
31 March 2025, the end of the sample.

The output is deterministic: a fixed random seed, no dependence on the clock, and fixed timestamps inside
the .xlsx files, so running the script twice writes byte-identical files. At the end the script reads the
workbooks back and checks the newsletter facts and the data contract rules; it raises if any check fails.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import io
import random
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import holidays
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

SEED = 20231113
SAMPLE_START = dt.date(2021, 4, 1)
SAMPLE_END = dt.date(2025, 3, 31)  # also the "as at" date for action statuses
FIRST_FY, LAST_FY = 2021, 2024  # financial years 2021-22 .. 2024-25, labelled by their start year
FIXED_TIMESTAMP = dt.datetime(2025, 4, 1, 9, 0, 0)  # docProps created/modified
ZIP_TIMESTAMP = (2025, 4, 1, 9, 0, 0)  # date_time of every zip member
DATE_FORMAT = "DD/MM/YYYY"
DEFAULT_OUT_DIR = Path(__file__).resolve().parent / "sample"

Row = dict[str, Any]

# --------------------------------------------------------------------------------------------------------
# The data contract (docs: shared/product/data-contract.md): canonical columns in the contract's order.
# --------------------------------------------------------------------------------------------------------
COLUMNS: dict[str, list[str]] = {
    "training_sessions": [
        "session_id",
        "session_date",
        "course_title",
        "theme",
        "delivery_mode",
        "locality",
        "status",
        "places_offered",
        "places_booked",
        "attended",
        "did_not_attend",
        "pre_confidence_avg",
        "post_confidence_avg",
    ],
    "training_attendance": ["session_id", "agency", "booked", "attended"],
    "audits": [
        "audit_id",
        "audit_title",
        "audit_date",
        "case_ref",
        "locality",
        "lead_agency",
        "age_band",
        "case_level",
        "overall_grade",
        "actions_raised",
        "actions_completed",
        "exec_report_date",
    ],
    "reviews": [
        "review_id",
        "locality",
        "nature",
        "harm_type",
        "la_aware_date",
        "notification_date",
        "rr_completed_date",
        "rr_outcome",
        "lcspr_start_date",
        "learning_event_date",
        "recall_event_date",
        "lcspr_published_date",
        "published_name",
    ],
    "actions": [
        "action_id",
        "source_type",
        "source_ref",
        "action",
        "lead_agency",
        "locality",
        "date_agreed",
        "target_date",
        "status",
        "completed_date",
    ],
}
DATE_COLUMNS = {
    "session_date",
    "audit_date",
    "exec_report_date",
    "la_aware_date",
    "notification_date",
    "rr_completed_date",
    "lcspr_start_date",
    "learning_event_date",
    "recall_event_date",
    "lcspr_published_date",
    "date_agreed",
    "target_date",
    "completed_date",
}
INT_COLUMNS = {
    "places_offered",
    "places_booked",
    "attended",
    "did_not_attend",
    "booked",
    "actions_raised",
    "actions_completed",
}
DECIMAL_COLUMNS = {"pre_confidence_avg", "post_confidence_avg"}
KEYS: dict[str, list[str]] = {
    "training_sessions": ["session_id"],
    "training_attendance": ["session_id", "agency"],
    "audits": ["audit_id", "case_ref"],
    "reviews": ["review_id"],
    "actions": ["action_id"],
}
WORKBOOKS: dict[str, list[str]] = {
    "training.xlsx": ["training_sessions", "training_attendance"],
    "audits.xlsx": ["audits"],
    "reviews.xlsx": ["reviews"],
    "actions.xlsx": ["actions"],
}

HARTLEPOOL, STOCKTON, TEESWIDE = "Hartlepool", "Stockton-on-Tees", "Teeswide"
LOCALITIES = [HARTLEPOOL, STOCKTON]
F2F, VIRTUAL, ELEARNING = "Face to face", "Virtual", "E-learning"
DELIVERED, CANCELLED = "Delivered", "Cancelled"
AGENCIES = [
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
]
AGE_BANDS = ["Under 1", "1-4", "5-9", "10-15", "16-17"]
CASE_LEVELS = ["Early help", "Child in need", "Child protection", "Looked after", "Other"]
GRADES = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
NATURES = ["Child death", "Serious harm", "Other"]
HARM_TYPES = ["Abuse", "Neglect", "Abuse and neglect"]
LCSPR, ALR, NFR, NATIONAL = "LCSPR", "Alternative learning review", "No further review", "National review"
RR_OUTCOMES = [LCSPR, ALR, NFR, NATIONAL]
SOURCE_TYPES = ["LCSPR", "Rapid review", "Audit", "National review", "Other"]
ACTION_STATUSES = ["Not started", "On track", "At risk", "Complete"]

CHOICES: dict[str, dict[str, list[str]]] = {
    "training_sessions": {
        "delivery_mode": [F2F, VIRTUAL, ELEARNING],
        "locality": [HARTLEPOOL, STOCKTON, TEESWIDE],
        "status": [DELIVERED, CANCELLED],
    },
    "training_attendance": {"agency": AGENCIES},
    "audits": {
        "locality": LOCALITIES,
        "lead_agency": AGENCIES,
        "age_band": AGE_BANDS,
        "case_level": CASE_LEVELS,
        "overall_grade": GRADES,
    },
    "reviews": {
        "locality": LOCALITIES,
        "nature": NATURES,
        "harm_type": HARM_TYPES,
        "rr_outcome": RR_OUTCOMES,
    },
    "actions": {
        "source_type": SOURCE_TYPES,
        "lead_agency": AGENCIES,
        "locality": [HARTLEPOOL, STOCKTON, TEESWIDE],
        "status": ACTION_STATUSES,
    },
}

# The newsletter's quarter: 2023-24 Q3.
Q3_START, Q3_END = dt.date(2023, 10, 1), dt.date(2023, 12, 31)

# --------------------------------------------------------------------------------------------------------
# Dates: working days, months, financial quarters
# --------------------------------------------------------------------------------------------------------
_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2020, 2028))
ONE_DAY = dt.timedelta(days=1)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (n >= 0); n = 0 gives ``day`` itself."""
    step = ONE_DAY if n >= 0 else -ONE_DAY
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def working_days(start: dt.date, end: dt.date) -> int:
    """wd(start, end): working days after ``start`` up to and including ``end`` (domain.md)."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if is_working_day(day):
            count += 1
    return count


def add_months(day: dt.date, months: int) -> dt.date:
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_bounds(fy: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = add_months(dt.date(fy, 4, 1), 3 * (quarter - 1))
    return start, add_months(start, 3) - ONE_DAY


def fy_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def quarter_of(day: dt.date) -> int:
    return (day.month - 4) % 12 // 3 + 1


def in_q3_2023(day: dt.date | None) -> bool:
    return day is not None and Q3_START <= day <= Q3_END


def quarters() -> list[tuple[int, int]]:
    return [(fy, q) for fy in range(FIRST_FY, LAST_FY + 1) for q in (1, 2, 3, 4)]


def random_working_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return rng.choice([d for d in days if is_working_day(d)])


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def weighted_sample(rng: random.Random, items: Sequence[str], weights: Sequence[float], k: int) -> list[str]:
    """k distinct items, drawn with probability proportional to weight, without replacement."""
    pool, pool_weights, chosen = list(items), list(weights), []
    for _ in range(k):
        pick = rng.choices(range(len(pool)), weights=pool_weights)[0]
        chosen.append(pool.pop(pick))
        pool_weights.pop(pick)
    return chosen


def split_total(rng: random.Random, total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into len(weights) whole parts (each >= minimum) that sum exactly to ``total``."""
    parts = [minimum] * len(weights)
    for _ in range(total - minimum * len(weights)):
        parts[rng.choices(range(len(weights)), weights=weights)[0]] += 1
    return parts


# --------------------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------------------
COURSES: list[tuple[str, str]] = [
    ("Working Together to Safeguard Children: multi-agency responsibilities", "Working together"),
    ("Introduction to multi-agency safeguarding children", "Working together"),
    ("Professional curiosity and respectful challenge", "Working together"),
    ("Information sharing and escalation of concerns", "Working together"),
    ("Neglect: recognising and responding to neglect", "Neglect"),
    ("Neglect and the child's lived experience", "Neglect"),
    ("Graded Care Profile 2 practitioner training", "Graded Care Profile 2"),
    ("Graded Care Profile 2 refresher", "Graded Care Profile 2"),
    ("Child sexual abuse: signs, indicators and responses", "Child sexual abuse"),
    ("Harmful sexual behaviour and the Brook traffic light tool", "Child sexual abuse"),
    ("Child exploitation: criminal and sexual exploitation", "Exploitation"),
    ("Contextual safeguarding and county lines", "Exploitation"),
    ("Online safety and online exploitation", "Exploitation"),
    ("Domestic abuse and its impact on children", "Domestic abuse"),
    ("DASH risk assessment and MARAC", "Domestic abuse"),
    ("Coercive control and children", "Domestic abuse"),
    ("Parental mental health and substance misuse", "Parental mental health and substance misuse"),
    ("Safer sleep and ICON: babies cry, you can cope", "Infant safety"),
    ("Bruising in non-mobile babies", "Infant safety"),
    ("Learning from local and national case reviews", "Learning from reviews"),
    ("Self-harm and suicide prevention in young people", "Mental health"),
]
E_LEARNING_COURSES: list[tuple[str, str]] = [
    ("Safeguarding children awareness (e-learning)", "Working together"),
    ("Child exploitation awareness (e-learning)", "Exploitation"),
    ("Domestic abuse awareness (e-learning)", "Domestic abuse"),
]
# Extra weight for themes by financial year: neglect became the main priority in 2023-24.
THEME_BOOST: dict[int, dict[str, float]] = {
    2021: {"Exploitation": 1.6, "Domestic abuse": 1.4},
    2022: {"Graded Care Profile 2": 1.6, "Child sexual abuse": 1.4},
    2023: {"Neglect": 2.5, "Graded Care Profile 2": 2.0},
    2024: {"Neglect": 2.0, "Child sexual abuse": 1.6, "Graded Care Profile 2": 1.5},
}
AGENCY_WEIGHTS: dict[str, float] = {
    "Children's social care": 10,
    "Early help": 8,
    "Local authority (other)": 3,
    "Police": 5,
    "Integrated Care Board": 2,
    "NHS acute/community": 6,
    "NHS mental health": 3,
    "GP/primary care": 3,
    "School/college": 9,
    "Early years": 5,
    "Probation": 2,
    "Youth justice": 2,
    "Voluntary and community sector": 5,
    "Other": 2,
}
AGENCY_THEME_BOOST: dict[str, dict[str, float]] = {
    "Exploitation": {"Police": 2.0, "Youth justice": 3.0, "School/college": 1.4},
    "Domestic abuse": {"Police": 2.0, "Probation": 2.5, "Voluntary and community sector": 1.6},
    "Infant safety": {"NHS acute/community": 2.5, "Early years": 2.0, "GP/primary care": 2.0},
    "Neglect": {"Early help": 1.5, "Early years": 1.6, "School/college": 1.2},
    "Graded Care Profile 2": {"Early help": 2.0, "Early years": 1.5, "NHS acute/community": 1.4},
    "Mental health": {"NHS mental health": 3.0, "School/college": 1.5},
    "Parental mental health and substance misuse": {"NHS mental health": 2.5, "Probation": 1.5},
    "Child sexual abuse": {"Police": 1.6, "School/college": 1.4},
}
# Sessions per quarter before noise, and the share of virtual (as opposed to face to face) delivery.
QUARTER_BASE = {1: 16, 2: 13, 3: 19, 4: 18}
FY_VOLUME = {2021: -2, 2022: 0, 2023: 1, 2024: 2}
VIRTUAL_SHARE = {2021: 0.80, 2022: 0.68, 2023: 0.62, 2024: 0.50}
FILL_BY_LOCALITY = {HARTLEPOOL: 0.83, STOCKTON: 0.88, TEESWIDE: 0.91}
FILL_BY_FY = {2021: -0.04, 2022: 0.0, 2023: 0.02, 2024: 0.01}
ATTEND_BY_MODE = {F2F: 0.87, VIRTUAL: 0.82, ELEARNING: 0.72}
ATTEND_BY_LOCALITY = {HARTLEPOOL: -0.02, STOCKTON: 0.01, TEESWIDE: 0.0}
UPLIFT_BY_FY = {2021: 1.05, 2022: 1.2, 2023: 1.3, 2024: 1.25}
# Fixed sessions: the Neglect Active Learning Event (newsletter, "Key events").
NEGLECT_EVENT_DATES = [dt.date(2024, 2, 6), dt.date(2024, 3, 28)]


def pick_course(rng: random.Random, fy: int, mode: str) -> tuple[str, str]:
    if mode == ELEARNING:
        return rng.choice(E_LEARNING_COURSES)
    boost = THEME_BOOST[fy]
    return rng.choices(COURSES, weights=[boost.get(theme, 1.0) for _, theme in COURSES])[0]


def pick_locality(rng: random.Random, mode: str) -> str:
    if mode == ELEARNING:
        return TEESWIDE
    if mode == VIRTUAL:
        return rng.choices([HARTLEPOOL, STOCKTON, TEESWIDE], weights=[3, 4, 4])[0]
    return rng.choices([HARTLEPOOL, STOCKTON, TEESWIDE], weights=[4, 5, 1])[0]


def session_numbers(rng: random.Random, session: Row, fy: int, fill_eff: float, attend_eff: float) -> None:
    """Fill places, attendance and confidence for one session (in place)."""
    mode, locality = session["delivery_mode"], session["locality"]
    if session.get("places_offered") is None:
        if mode == F2F:
            offered = rng.randint(12, 30)
        elif mode == VIRTUAL:
            offered = rng.randint(20, 40)
        else:
            offered = 40
        session["places_offered"] = offered
    offered = session["places_offered"]
    fill = clamp(
        FILL_BY_LOCALITY[locality] + FILL_BY_FY[fy] + fill_eff + rng.gauss(0, 0.06),
        0.62,
        1.08,
    )
    booked = max(3, round(offered * fill))
    if booked > offered and rng.random() > 0.5:  # overbooking happens, but rarely
        booked = offered
    session["places_booked"] = booked
    if session["status"] == CANCELLED:
        session["places_booked"] = rng.randint(0, round(offered * 0.6))
        session["attended"] = 0
        return
    rate = clamp(
        ATTEND_BY_MODE[mode] + ATTEND_BY_LOCALITY[locality] + attend_eff + rng.gauss(0, 0.05),
        0.55,
        1.0,
    )
    attended = max(1, round(booked * rate))
    session["attended"] = attended
    if rng.random() > 0.08:
        session["did_not_attend"] = booked - attended
    roll = rng.random()
    if roll < 0.88 and mode != ELEARNING:
        pre = round(clamp(rng.gauss(2.85, 0.25), 2.3, 3.4), 1)
        session["pre_confidence_avg"] = pre
        if roll < 0.84:
            post = pre + rng.gauss(UPLIFT_BY_FY[fy], 0.2)
            session["post_confidence_avg"] = round(clamp(post, 3.5, 4.6), 1)


def make_training(rng: random.Random) -> tuple[list[Row], list[Row]]:
    sessions: list[Row] = []
    for fy, q in quarters():
        start, end = quarter_bounds(fy, q)
        fill_eff, attend_eff = rng.gauss(0, 0.035), rng.gauss(0, 0.03)
        quarter_sessions: list[Row] = []
        if (fy, q) == (2023, 3):
            # Newsletter: 15 sessions delivered in 2023-24 Q3, 5 face to face and 10 virtual.
            modes = [F2F] * 5 + [VIRTUAL] * 10
            rng.shuffle(modes)
            plan = [(mode, DELIVERED) for mode in modes] + [(VIRTUAL, CANCELLED)]
        else:
            total = int(clamp(QUARTER_BASE[q] + FY_VOLUME[fy] + rng.randint(-3, 3), 12, 22))
            plan = []
            for _ in range(total):
                if rng.random() < 0.025:
                    mode = ELEARNING
                else:
                    mode = VIRTUAL if rng.random() < VIRTUAL_SHARE[fy] else F2F
                status = CANCELLED if mode != ELEARNING and rng.random() < 0.05 else DELIVERED
                plan.append((mode, status))
        fixed_dates = [d for d in NEGLECT_EVENT_DATES if start <= d <= end]
        for index, (mode, status) in enumerate(plan):
            session: Row = {"delivery_mode": mode, "status": status}
            if index < len(fixed_dates):
                session.update(
                    session_date=fixed_dates[index],
                    course_title="Neglect Active Learning Event",
                    theme="Neglect",
                    delivery_mode=F2F,
                    locality=TEESWIDE,
                    status=DELIVERED,
                    places_offered=40,
                )
            else:
                title, theme = pick_course(rng, fy, mode)
                session.update(
                    session_date=random_working_day(rng, start, end),
                    course_title=title,
                    theme=theme,
                    locality=pick_locality(rng, mode),
                )
            session_numbers(rng, session, fy, fill_eff, attend_eff)
            quarter_sessions.append(session)
        sessions.extend(quarter_sessions)

    # IDs follow the annual training programme (April to March): TS-<FY start year>-<nnn> in date order.
    sessions.sort(key=lambda s: s["session_date"])  # stable: ties keep generation order
    counters: Counter[int] = Counter()
    for session in sessions:
        fy = fy_of(session["session_date"])
        counters[fy] += 1
        session["session_id"] = f"TS-{fy}-{counters[fy]:03d}"

    attendance: list[Row] = []
    for session in sessions:
        attended = session["attended"]
        if session["status"] != DELIVERED or attended < 3 or rng.random() > 0.87:
            continue  # no register by agency returned for this session
        boost = AGENCY_THEME_BOOST.get(session["theme"], {})
        weights = [AGENCY_WEIGHTS[a] * boost.get(a, 1.0) for a in AGENCIES]
        k = min(rng.randint(3, 7), attended)
        chosen = weighted_sample(rng, AGENCIES, weights, k)
        chosen.sort(key=AGENCIES.index)
        chosen_weights = [AGENCY_WEIGHTS[a] * boost.get(a, 1.0) for a in chosen]
        attended_parts = split_total(rng, attended, chosen_weights, minimum=1)
        no_show_parts = split_total(rng, session["places_booked"] - attended, chosen_weights)
        for agency, att, dna in zip(chosen, attended_parts, no_show_parts, strict=True):
            attendance.append(
                {"session_id": session["session_id"], "agency": agency, "booked": att + dna, "attended": att}
            )
    return sessions, attendance


# --------------------------------------------------------------------------------------------------------
# Multi-agency audits: one themed audit per quarter
# --------------------------------------------------------------------------------------------------------
# (title, action topic, case level weights (as CASE_LEVELS), age band weights (as AGE_BANDS))
AUDIT_THEMES: dict[tuple[int, int], tuple[str, str, list[float], list[float]]] = {
    (2021, 1): ("Neglect and the child's lived experience", "neglect", [2, 3, 4, 1, 0], [1, 3, 3, 3, 1]),
    (2021, 2): ("Children living with domestic abuse", "abuse", [2, 3, 4, 1, 0], [1, 3, 3, 3, 1]),
    (2021, 3): ("Child exploitation", "exploitation", [1, 3, 3, 2, 1], [0, 0, 1, 5, 4]),
    (2021, 4): ("Strategy discussions and section 47 enquiries", "general", [0, 2, 6, 1, 0], [2, 3, 3, 3, 1]),
    (2022, 1): ("Harmful sexual behaviour", "abuse", [1, 3, 3, 2, 1], [0, 0, 3, 5, 2]),
    (2022, 2): ("Children missing from home and education", "exploitation", [2, 3, 2, 3, 1], [0, 0, 2, 5, 3]),
    (2022, 3): ("Parental mental health and substance misuse", "general", [3, 3, 3, 1, 0], [2, 3, 3, 2, 1]),
    (2022, 4): ("Pre-birth assessments and unborn babies", "infant", [1, 3, 5, 1, 0], [1, 0, 0, 0, 0]),
    (2023, 1): ("Ending child protection plans", "general", [1, 5, 4, 0, 0], [1, 3, 3, 3, 1]),
    (2023, 2): (
        "Use of the Graded Care Profile 2 in neglect cases",
        "neglect",
        [4, 3, 3, 0, 0],
        [1, 4, 3, 2, 0],
    ),
    (2023, 3): ("Step down from social care assessment", "step_down", [5, 5, 0, 0, 0], [1, 2, 3, 3, 1]),
    (2023, 4): ("Disabled children and safeguarding", "general", [1, 4, 3, 2, 0], [0, 2, 3, 4, 2]),
    (2024, 1): (
        "Adolescents at risk of criminal exploitation",
        "exploitation",
        [1, 3, 3, 2, 1],
        [0, 0, 0, 5, 4],
    ),
    (2024, 2): ("Safer sleep and babies under one", "infant", [3, 3, 3, 1, 0], [1, 0, 0, 0, 0]),
    (2024, 3): ("Elective home education", "general", [3, 4, 2, 0, 1], [0, 0, 3, 5, 2]),
    (2024, 4): ("The voice of the child in assessments", "general", [3, 3, 3, 1, 0], [1, 2, 3, 3, 1]),
}
AUDIT_STEP_DOWN_DATE = dt.date(2023, 11, 13)
AUDIT_STEP_DOWN_EXEC = dt.date(2024, 2, 20)
GRADE_BASE_BY_FY = {2021: 0.15, 2022: 0.3, 2023: 0.4, 2024: 0.55}
# Locality effect on grades, by financial year (so the two localities cross over in the trend).
GRADE_LOCALITY = {
    2021: {HARTLEPOOL: 0.2, STOCKTON: -0.15},
    2022: {HARTLEPOOL: 0.25, STOCKTON: -0.1},
    2023: {HARTLEPOOL: -0.1, STOCKTON: 0.15},
    2024: {HARTLEPOOL: -0.2, STOCKTON: 0.25},
}


def audit_lead_agency(rng: random.Random, case_level: str) -> str:
    if case_level == "Early help":
        options, weights = (
            ["Early help", "School/college", "NHS acute/community", "Early years"],
            [6, 2, 1, 1],
        )
    elif case_level == "Other":
        options, weights = ["School/college", "Police", "NHS acute/community"], [2, 1, 1]
    else:
        options, weights = ["Children's social care", "Police", "NHS acute/community"], [17, 2, 1]
    return rng.choices(options, weights=weights)[0]


def grade_from_score(score: float) -> str:
    if score > 1.55:
        return "Outstanding"
    if score > 0.25:
        return "Good"
    if score > -1.15:
        return "Requires improvement"
    return "Inadequate"


def make_audits(rng: random.Random) -> tuple[list[Row], list[dict[str, Any]]]:
    """Rows of the audits sheet, plus one summary per audit (for the action plan)."""
    rows: list[Row] = []
    summaries: list[dict[str, Any]] = []
    for fy, q in quarters():
        title, topic, level_weights, age_weights = AUDIT_THEMES[(fy, q)]
        start, _ = quarter_bounds(fy, q)
        audit_id = f"MAA-{fy}-{q:02d}"
        if (fy, q) == (2023, 3):
            audit_date, exec_date = AUDIT_STEP_DOWN_DATE, AUDIT_STEP_DOWN_EXEC
            localities = [HARTLEPOOL] * 3 + [STOCKTON] * 3
        else:
            audit_date = random_working_day(rng, add_months(start, 1), add_months(start, 2) - ONE_DAY)
            exec_date = next_working_day(audit_date + dt.timedelta(days=rng.randint(62, 118)))
            n_cases = rng.randint(4, 10)
            n_hartlepool = int(clamp(round(n_cases * rng.uniform(0.3, 0.6)), 1, n_cases - 1))
            localities = [HARTLEPOOL] * n_hartlepool + [STOCKTON] * (n_cases - n_hartlepool)
        if exec_date > SAMPLE_END:
            exec_date = None
        rng.shuffle(localities)
        audit_effect = rng.gauss(0, 0.35)
        age_days = (SAMPLE_END - audit_date).days
        for index, locality in enumerate(localities, start=1):
            case_level = rng.choices(CASE_LEVELS, weights=level_weights)[0]
            score = GRADE_BASE_BY_FY[fy] + audit_effect + GRADE_LOCALITY[fy][locality] + rng.gauss(0, 0.85)
            grade = grade_from_score(score)
            low, high = {"Outstanding": (0, 1), "Good": (0, 2), "Requires improvement": (1, 3)}.get(
                grade, (2, 4)
            )
            raised = rng.randint(low, high)
            if exec_date is None:
                completed = 0
            elif age_days > 400:
                completed = raised if rng.random() < 0.85 else max(0, raised - 1)
            elif age_days > 200:
                completed = max(0, raised - rng.choice([0, 0, 1, 1, 2]))
            else:
                completed = rng.randint(0, raised // 2)
            rows.append(
                {
                    "audit_id": audit_id,
                    "audit_title": title,
                    "audit_date": audit_date,
                    "case_ref": f"A{fy % 100:02d}-{q:02d}-{index:02d}",
                    "locality": locality,
                    "lead_agency": audit_lead_agency(rng, case_level) if rng.random() > 0.04 else None,
                    "age_band": rng.choices(AGE_BANDS, weights=age_weights)[0],
                    "case_level": case_level,
                    "overall_grade": grade,
                    "actions_raised": raised,
                    "actions_completed": completed,
                    "exec_report_date": exec_date,
                }
            )
        summaries.append({"audit_id": audit_id, "topic": topic, "audit_date": audit_date, "exec": exec_date})
    return rows, summaries


# --------------------------------------------------------------------------------------------------------
# Serious incidents, rapid reviews and LCSPRs
# --------------------------------------------------------------------------------------------------------
D = dt.date
FIXED_REVIEWS: list[Row] = [
    {  # LCSPR published as "Child Joe" in December 2023, within 6 months of its start.
        "review_id": "JM",
        "locality": STOCKTON,
        "nature": "Serious harm",
        "harm_type": "Neglect",
        "la_aware_date": D(2023, 5, 25),
        "notification_date": D(2023, 5, 30),
        "rr_completed_date": D(2023, 6, 20),
        "rr_outcome": LCSPR,
        "lcspr_start_date": D(2023, 6, 20),
        "learning_event_date": D(2023, 9, 12),
        "recall_event_date": D(2023, 10, 17),
        "lcspr_published_date": D(2023, 12, 14),
        "published_name": "Child Joe",
    },
    {  # Notified in Q2, rapid review completed late in November 2023, leading to an LCSPR.
        "review_id": "RV",
        "locality": HARTLEPOOL,
        "nature": "Serious harm",
        "harm_type": "Abuse and neglect",
        "la_aware_date": D(2023, 9, 21),
        "notification_date": D(2023, 9, 25),
        "rr_completed_date": D(2023, 11, 10),
        "rr_outcome": LCSPR,
        "lcspr_start_date": D(2023, 11, 10),
        "learning_event_date": D(2024, 1, 25),
        "recall_event_date": D(2024, 2, 26),
        "lcspr_published_date": D(2024, 7, 18),
        "published_name": "Child Ruby",
    },
    {  # The one serious incident notification of 2023-24 Q3: fatal, abuse; no LCSPR.
        "review_id": "KLT",
        "locality": HARTLEPOOL,
        "nature": "Child death",
        "harm_type": "Abuse",
        "la_aware_date": D(2023, 10, 12),
        "notification_date": D(2023, 10, 16),
        "rr_completed_date": D(2023, 11, 3),
        "rr_outcome": NFR,
        "lcspr_start_date": None,
        "learning_event_date": None,
        "recall_event_date": None,
        "lcspr_published_date": None,
        "published_name": None,
    },
]
# Random reviews: notification window per financial year, and the rapid review outcomes to deal out
# (LCSPR_LATE: an LCSPR published more than 6 months after its start).
LCSPR_LATE = "LCSPR (published late)"
RANDOM_REVIEW_PLAN: list[tuple[dt.date, dt.date, list[str]]] = [
    (D(2021, 4, 19), D(2022, 3, 25), [LCSPR, ALR, NFR, NFR, ALR]),
    (D(2022, 4, 4), D(2023, 3, 24), [LCSPR_LATE, NFR, ALR, NATIONAL]),
    (D(2024, 1, 8), D(2024, 3, 22), [ALR]),
    (D(2024, 4, 2), D(2025, 3, 21), [LCSPR, NFR, ALR, LCSPR, NFR]),
]
INITIAL_LETTERS = "ABCDEFGHJKLMNPRSTW"
NA_LIKE_IDS = {"NA", "NAN", "NUL"}  # initials that spreadsheet tools (and pandas) read as missing
PSEUDONYMS: dict[str, list[str]] = {
    "A": ["Child Alfie", "Child Amber"],
    "B": ["Child Ben", "Child Bella"],
    "C": ["Child Callum", "Child Cara"],
    "D": ["Child Dylan", "Child Daisy"],
    "E": ["Child Ellis", "Child Erin"],
    "F": ["Child Finn", "Child Freya"],
    "G": ["Child George", "Child Grace"],
    "H": ["Child Harley", "Child Holly"],
    "J": ["Child Jake", "Child Jess"],
    "K": ["Child Kian", "Child Kacey"],
    "L": ["Child Leo", "Child Lily"],
    "M": ["Child Mason", "Child Mia"],
    "N": ["Child Noah", "Child Nell"],
    "P": ["Child Piper", "Child Parker"],
    "R": ["Child Reuben", "Child Rosie"],
    "S": ["Child Sam", "Child Skye"],
    "T": ["Child Toby", "Child Tilly"],
    "W": ["Child Wren", "Child Wyatt"],
}


def review_conflicts_with_newsletter(review: Row) -> bool:
    """True when a generated review would change the newsletter's 2023-24 Q3 facts."""
    start = review["lcspr_start_date"]
    published = review["lcspr_published_date"]
    unpublished_deadline = start is not None and published is None and in_q3_2023(add_months(start, 6))
    return (
        in_q3_2023(review["notification_date"])
        or in_q3_2023(review["rr_completed_date"])
        or in_q3_2023(published)
        or unpublished_deadline
    )


def make_random_review(
    rng: random.Random, window: tuple[dt.date, dt.date], outcome: str, late_notice: bool, late_rr: bool
) -> Row:
    notified = random_working_day(rng, *window)
    delay = rng.randint(6, 9) if late_notice else rng.choices([1, 2, 3, 4, 5], weights=[4, 4, 3, 2, 1])[0]
    rr_days = rng.randint(17, 30) if late_rr else rng.randint(8, 15)
    rr_date = add_working_days(notified, rr_days)
    late_publication = outcome == LCSPR_LATE
    outcome = LCSPR if late_publication else outcome
    nature = rng.choices(NATURES, weights=[7, 12, 1])[0]
    review: Row = {
        "locality": rng.choices(LOCALITIES, weights=[4, 5])[0],
        "nature": nature,
        "harm_type": rng.choices(HARM_TYPES, weights=[7, 7, 6])[0] if nature != "Other" else None,
        "la_aware_date": add_working_days(notified, -delay),
        "notification_date": notified,
        "rr_completed_date": rr_date,
        "rr_outcome": outcome,
        "lcspr_start_date": None,
        "learning_event_date": None,
        "recall_event_date": None,
        "lcspr_published_date": None,
        "published_name": None,
    }
    if rr_date > SAMPLE_END:  # rapid review not yet completed at the end of the sample
        review["rr_completed_date"] = review["rr_outcome"] = None
        return review
    if outcome == LCSPR:
        review["lcspr_start_date"] = rr_date
        learning = next_working_day(rr_date + dt.timedelta(days=rng.randint(45, 90)))
        recall = next_working_day(learning + dt.timedelta(days=rng.randint(25, 45)))
        if late_publication:
            published = next_working_day(rr_date + dt.timedelta(days=rng.randint(200, 290)))
        else:  # published within 6 months of the decision to hold the LCSPR
            published = next_working_day(rr_date + dt.timedelta(days=rng.randint(125, 170)))
        for column, day in [
            ("learning_event_date", learning),
            ("recall_event_date", recall),
            ("lcspr_published_date", published),
        ]:
            review[column] = day if day <= SAMPLE_END else None
    return review


def make_reviews(rng: random.Random) -> list[Row]:
    reviews = [dict(r) for r in FIXED_REVIEWS]
    used_ids = {r["review_id"] for r in reviews}
    used_names = {r["published_name"] for r in reviews if r["published_name"]}
    slots = [((start, end), outcome) for start, end, outcomes in RANDOM_REVIEW_PLAN for outcome in outcomes]
    late_notice = set(rng.sample(range(len(slots)), 2))
    late_rr = set(rng.sample(range(len(slots)), 2))
    for index, (window, outcome) in enumerate(slots):
        while True:
            review = make_random_review(rng, window, outcome, index in late_notice, index in late_rr)
            if not review_conflicts_with_newsletter(review):
                break
        while True:
            review_id = "".join(rng.choice(INITIAL_LETTERS) for _ in range(rng.choice([2, 2, 3])))
            if review_id not in used_ids and review_id not in NA_LIKE_IDS:
                break
        used_ids.add(review_id)
        review["review_id"] = review_id
        if review["lcspr_published_date"] is not None:
            names = [n for n in PSEUDONYMS[review_id[0]] if n not in used_names]
            review["published_name"] = rng.choice(names)
            used_names.add(review["published_name"])
        reviews.append(review)
    reviews.sort(key=lambda r: r["notification_date"])
    return reviews


# --------------------------------------------------------------------------------------------------------
# The combined learning action plan
# --------------------------------------------------------------------------------------------------------
LA_OTHER = "Local authority (other)"
ACTION_TEXTS: dict[str, list[tuple[str, str]]] = {
    "neglect": [
        (
            "Embed the Graded Care Profile 2 as the standard tool for assessing neglect in early help and social care",
            "Early help",
        ),
        (
            "Deliver a Neglect Active Learning Event for frontline practitioners based on local case reviews",
            LA_OTHER,
        ),
        ("Refresh the neglect rough guides and promote them through the Neglect Champions network", LA_OTHER),
        (
            "Health visitors to record home conditions and the child's lived experience at every contact",
            "NHS acute/community",
        ),
        (
            "Schools to refer persistent absence with other indicators of neglect to early help",
            "School/college",
        ),
        (
            "GP practices to follow up missed immunisations and health appointments as a possible sign of neglect",
            "GP/primary care",
        ),
        (
            "Audit the quality of chronologies in neglect cases and report to the Engine Room",
            "Children's social care",
        ),
    ],
    "abuse": [
        (
            "Ensure fathers and male carers are identified and included in assessments and plans",
            "Children's social care",
        ),
        (
            "Police to share domestic abuse incidents with schools through Operation Encompass by the next school day",
            "Police",
        ),
        (
            "Include the voice of the child in every strategy discussion and record it in the minutes",
            "Children's social care",
        ),
        (
            "Adult mental health services to notify children's social care when a parent with children is in crisis",
            "NHS mental health",
        ),
        ("Probation to check children's social care records before proposing a release address", "Probation"),
        ("Refresh the multi-agency guidance on recognising and responding to child sexual abuse", LA_OTHER),
    ],
    "infant": [
        (
            "Relaunch the ICON programme with maternity, health visiting and GP services",
            "NHS acute/community",
        ),
        ("Promote the bruising in non-mobile babies protocol and audit compliance", "Integrated Care Board"),
        (
            "Review the safer sleep assessment completed at hospital discharge and at the new birth visit",
            "NHS acute/community",
        ),
        (
            "Early years settings to share safer sleep messages with parents of younger siblings",
            "Early years",
        ),
    ],
    "exploitation": [
        ("Review the child exploitation screening tool and the referral pathway to the MACE panel", "Police"),
        (
            "Youth justice and social care to plan jointly for young people at risk of criminal exploitation",
            "Youth justice",
        ),
        (
            "Ensure return home interviews are completed within 72 hours and shared with the allocated worker",
            "Children's social care",
        ),
        (
            "Voluntary sector youth services to be invited to strategy discussions where they know the young person",
            "Voluntary and community sector",
        ),
    ],
    "general": [
        ("Refresh the escalation and resolution policy and remind practitioners how to use it", LA_OTHER),
        ("Add the learning to the multi-agency training programme", LA_OTHER),
        ("Publish a 7-minute briefing on the learning and share it with every agency", LA_OTHER),
        (
            "Ensure every agency attends initial child protection conferences or sends a written report",
            "Integrated Care Board",
        ),
        (
            "Dip sample strategy discussions for attendance by health and education partners",
            "Children's social care",
        ),
        (
            "Invite voluntary sector partners working with the family to core group meetings",
            "Voluntary and community sector",
        ),
        ("Early years settings to use the HSSCP threshold document when making referrals", "Early years"),
    ],
    "audit": [
        (
            "Re-audit a sample of cases in six months to test whether the learning has been embedded",
            "Children's social care",
        ),
        ("Share the audit findings with team managers in every agency through a 7-minute briefing", LA_OTHER),
        (
            "Review supervision records in the audited cases and confirm management oversight",
            "Children's social care",
        ),
        ("Update the multi-agency threshold guidance in response to the audit findings", "Early help"),
        ("Schools to evidence the voice of the child in their safeguarding records", "School/college"),
    ],
    "step_down": [
        (
            "Hold a multi-agency step-down meeting before a social care assessment closes to early help",
            "Children's social care",
        ),
        (
            "Name the early help lead practitioner and confirm they have accepted the case before step-down",
            "Early help",
        ),
        (
            "Tell schools and health visitors when a social care assessment ends, and why",
            "Children's social care",
        ),
        ("Review step-down cases re-referred within 12 months and report to the Exec group", "Early help"),
    ],
    "national": [
        (
            "Respond to the national review recommendations on multi-agency child protection practice",
            "Police",
        ),
        ("Report local progress against the national review recommendations to the Exec group", LA_OTHER),
        (
            "Health partners to review the national review findings on information sharing",
            "Integrated Care Board",
        ),
    ],
}
# Actions from other sources (no source_ref): (text, lead agency, window for date_agreed)
OTHER_ACTIONS: list[tuple[str, str, tuple[dt.date, dt.date]]] = [
    (
        "Complete the Section 11 self-assessment and agree improvement actions with each agency",
        LA_OTHER,
        (D(2021, 9, 1), D(2021, 11, 30)),
    ),
    (
        "Agree key performance criteria and a dashboard for the Performance Management Framework",
        LA_OTHER,
        (D(2023, 7, 3), D(2023, 9, 29)),
    ),
    (
        "Redesign the HSSCP website with children and young people (Catalyst and HartlePower)",
        LA_OTHER,
        (D(2023, 10, 2), D(2023, 12, 15)),
    ),
    (
        "Deliver a Teeswide conference on the neglect of children and young people",
        LA_OTHER,
        (D(2024, 1, 8), D(2024, 2, 28)),
    ),
]
HARM_TOPICS = {
    "Neglect": ["neglect", "neglect", "general"],
    "Abuse": ["abuse", "abuse", "general"],
    "Abuse and neglect": ["abuse", "neglect", "general"],
    None: ["general", "exploitation"],
}
# Newsletter: Child Joe's recommendations "have been incorporated into the combined learning action plan".
JM_ACTIONS_WINDOW = (D(2023, 12, 14), D(2023, 12, 22))


def pick_action_texts(
    rng: random.Random, topics: Iterable[str], n: int, used: Counter[str]
) -> list[tuple[str, str]]:
    """n distinct texts from the topics' pools, preferring texts used less often so far."""
    pool: list[tuple[str, str]] = []
    for topic in dict.fromkeys(topics):
        pool.extend(t for t in ACTION_TEXTS[topic] if t not in pool)
    weights = [1 / (1 + used[text]) ** 2 for text, _ in pool]
    chosen_texts = weighted_sample(rng, [text for text, _ in pool], weights, min(n, len(pool)))
    used.update(chosen_texts)
    return [t for t in pool if t[0] in chosen_texts]


def action_status(rng: random.Random, action: Row) -> None:
    """Set status and completed_date as at SAMPLE_END (in place)."""
    agreed, target = action["date_agreed"], action["target_date"]
    if target < SAMPLE_END:
        days_past = (SAMPLE_END - target).days
        still_open = 0.22 if days_past < 365 else 0.05 if days_past < 730 else 0.0
        if rng.random() < still_open:
            action["status"] = rng.choices(["At risk", "On track", "Not started"], weights=[5, 3, 2])[0]
            return
        if rng.random() < 0.72:  # on or before target
            done = target - dt.timedelta(days=rng.randint(0, max(0, min(60, (target - agreed).days - 14))))
        else:
            done = target + dt.timedelta(days=rng.randint(5, 75))
        action["status"] = "Complete"
        action["completed_date"] = next_working_day(min(max(done, agreed + ONE_DAY), SAMPLE_END))
        if action["completed_date"] > SAMPLE_END:
            action["completed_date"] = SAMPLE_END
        return
    months_in = (SAMPLE_END - agreed).days / 30
    roll = rng.random()
    if months_in < 2:  # agreed recently: too early to be at risk or complete
        action["status"] = "Not started" if roll < 0.4 else "On track"
    elif months_in > 3 and roll < 0.2:
        action["status"] = "Complete"
        action["completed_date"] = random_working_day(rng, agreed + dt.timedelta(days=30), SAMPLE_END)
    elif roll < 0.32:
        action["status"] = "At risk"
    elif roll < 0.38:
        action["status"] = "Not started"
    else:
        action["status"] = "On track"


def make_actions(rng: random.Random, reviews: list[Row], audits: list[dict[str, Any]]) -> list[Row]:
    actions: list[Row] = []
    used: Counter[str] = Counter()

    def add(
        source_type: str,
        source_ref: str | None,
        texts: list[tuple[str, str]],
        window: tuple[dt.date, dt.date],
        home: str | None,
    ) -> None:
        start, end = window
        end = min(end, SAMPLE_END)
        if start > end:
            return
        for text, agency in texts:
            agreed = random_working_day(rng, start, end)
            if home is not None and rng.random() < 0.55:
                locality = home
            elif source_type == "Other" or home is None:
                locality = rng.choices([TEESWIDE, HARTLEPOOL, STOCKTON], weights=[8, 1, 1])[0]
            else:
                locality = TEESWIDE
            actions.append(
                {
                    "source_type": source_type,
                    "source_ref": source_ref,
                    "action": text,
                    "lead_agency": agency,
                    "locality": locality,
                    "date_agreed": agreed,
                    "target_date": add_months(agreed, rng.randint(3, 9)),
                    "status": None,
                    "completed_date": None,
                }
            )

    for review in reviews:
        topics = HARM_TOPICS[review["harm_type"]]
        if review["nature"] == "Child death" and review["harm_type"] != "Neglect":
            topics = ["infant", *topics]
        rr_date, outcome, rid = review["rr_completed_date"], review["rr_outcome"], review["review_id"]
        if outcome == LCSPR and review["lcspr_published_date"] is not None:
            published = review["lcspr_published_date"]
            if rid == "JM":
                window = JM_ACTIONS_WINDOW
            else:
                window = (published - dt.timedelta(days=14), published + dt.timedelta(days=45))
            add(
                "LCSPR",
                rid,
                pick_action_texts(rng, topics, rng.randint(3, 6), used),
                window,
                review["locality"],
            )
        elif outcome in (ALR, NFR) and (rid == "KLT" or rng.random() < 0.7):
            window = (rr_date + dt.timedelta(days=5), rr_date + dt.timedelta(days=30))
            add(
                "Rapid review",
                rid,
                pick_action_texts(rng, topics, rng.randint(1, 2), used),
                window,
                review["locality"],
            )
        elif outcome == NATIONAL:
            window = (rr_date + dt.timedelta(days=60), rr_date + dt.timedelta(days=120))
            add(
                "National review",
                rid,
                pick_action_texts(rng, ["national"], 2, used),
                window,
                review["locality"],
            )

    for audit in audits:
        if audit["exec"] is None:
            continue
        topic = audit["topic"]
        if topic == "step_down":
            texts = pick_action_texts(rng, ["step_down"], 3, used)
        else:
            texts = pick_action_texts(rng, ["audit", topic], rng.randint(1, 3), used)
        add("Audit", audit["audit_id"], texts, (audit["exec"], audit["exec"] + dt.timedelta(days=10)), None)

    for text, agency, window in OTHER_ACTIONS:
        add("Other", None, [(text, agency)], window, None)

    actions.sort(key=lambda a: (a["date_agreed"], a["source_ref"] or "", a["action"]))
    for number, action in enumerate(actions, start=1):
        action["action_id"] = f"ACT-{number:03d}"
        action_status(rng, action)
    return actions


# --------------------------------------------------------------------------------------------------------
# Writing the workbooks (byte-stable)
# --------------------------------------------------------------------------------------------------------
def write_sheet(wb: Workbook, name: str, rows: list[Row]) -> None:
    ws = wb.create_sheet(name)
    columns = COLUMNS[name]
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(c) for c in columns]
    for row in rows:
        ws.append([row.get(column) for column in columns])
        for i, column in enumerate(columns):
            value = row.get(column)
            if value is not None:
                widths[i] = max(widths[i], 10 if column in DATE_COLUMNS else len(str(value)))
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = min(max(widths[i - 1] + 2, 9), 70)
        if column in DATE_COLUMNS or column in DECIMAL_COLUMNS:
            number_format = DATE_FORMAT if column in DATE_COLUMNS else "0.0"
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if cell.value is not None:
                    cell.number_format = number_format
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def save_workbook_stable(wb: Workbook, path: Path) -> None:
    """Save ``wb`` with fixed document-property and zip-entry timestamps, so reruns are byte-identical."""
    wb.properties.creator = "HSSCP sample data generator"
    wb.properties.created = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stamps properties.modified with the clock here: rewrite core.xml below
    wb.properties.modified = FIXED_TIMESTAMP
    core_xml = tostring(wb.properties.to_tree())
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = core_xml if info.filename == "docProps/core.xml" else source.read(info.filename)
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, data)


def write_workbooks(out_dir: Path, datasets: dict[str, list[Row]]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for filename, sheets in WORKBOOKS.items():
        wb = Workbook()
        wb.remove(wb.active)
        for sheet in sheets:
            write_sheet(wb, sheet, datasets[sheet])
        save_workbook_stable(wb, out_dir / filename)


README = """\
# Sample data (fictional)

These workbooks are **fictional** sample data for the HSSCP performance dashboard. They are generated by

    python data/make_sample.py [OUTPUT_DIR]

(deterministic: a fixed random seed and fixed file timestamps, so a rerun writes identical files). Do not
edit them by hand; change the script and rerun it.

| file | sheets |
| --- | --- |
| `training.xlsx` | `training_sessions`, `training_attendance` |
| `audits.xlsx` | `audits` |
| `reviews.xlsx` | `reviews` |
| `actions.xlsx` | `actions` |

Each sheet has the canonical columns of the data contract (`shared/product/data-contract.md`) in the
contract's order as its header row, dates as real Excel dates (shown DD/MM/YYYY), whole numbers as
numbers, and blank cells for unknown values.

They cover the financial years 2021-22 to 2024-25 (1 April 2021 to 31 March 2025) for Hartlepool,
Stockton-on-Tees and Teeswide activity. Case references and review IDs are pseudonyms; there are no
names, dates of birth or addresses. Action statuses are as at 31 March 2025; action target dates may fall
after that date, every other date is within the period.

Rows: {rows}.

## The newsletter's 2023-24 Q3 facts (1 October to 31 December 2023)
The data reproduces the HSSCP newsletter for quarter 3 of 2023-24; `make_sample.py` checks these facts
every time it runs:

1. 15 training sessions delivered in the quarter: 5 face to face and 10 virtual (no e-learning; one
   further virtual session was cancelled).
2. One serious incident notification: **KLT**, child death (fatal), abuse, Hartlepool; the local authority
   became aware on 12/10/2023 and notified on 16/10/2023 (2 working days); rapid review completed
   03/11/2023 (14 working days, on time) with the outcome *No further review*.
3. **JM**: LCSPR decided at the rapid review on 20/06/2023 (notified 30/05/2023), published as
   **Child Joe** on 14/12/2023, within 6 months; its {jm_actions} actions (source LCSPR, JM) were agreed
   from {jm_first} to {jm_last}. No other LCSPR was published in the quarter.
4. **RV**: notified 25/09/2023 (2023-24 Q2); rapid review completed 10/11/2023, 34 working days after
   notification (late, over 15), outcome LCSPR starting that day; learning event 25/01/2024, recall event
   26/02/2024; published 18/07/2024 as Child Ruby, after its 6-month deadline. So the quarter has exactly
   two rapid reviews completed: KLT (on time) and RV (late).
5. One multi-agency audit, *Step down from social care assessment* (MAA-2023-03), on 13/11/2023: 6 cases,
   3 Hartlepool and 3 Stockton-on-Tees, reported to the Exec group on 20/02/2024.
"""


# --------------------------------------------------------------------------------------------------------
# Checks: read the workbooks back
# --------------------------------------------------------------------------------------------------------
class SampleCheckError(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SampleCheckError(message)


def read_back(out_dir: Path) -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    for filename, sheets in WORKBOOKS.items():
        path = out_dir / filename
        wb = load_workbook(path)
        check(wb.sheetnames == sheets, f"{filename}: sheets {wb.sheetnames} != {sheets}")
        for sheet in sheets:
            ws = wb[sheet]
            header = [c.value for c in ws[1]]
            check(header == COLUMNS[sheet], f"{sheet}: header {header} != contract")
            check(ws.freeze_panes == "A2", f"{sheet}: header row not frozen")
            for row in ws.iter_rows(min_row=2):
                for column, cell in zip(COLUMNS[sheet], row, strict=True):
                    if cell.value is None:
                        continue
                    if column in DATE_COLUMNS:
                        check(
                            cell.is_date and cell.number_format == DATE_FORMAT,
                            f"{sheet}!{cell.coordinate} not a date",
                        )
                    elif column in INT_COLUMNS:
                        check(type(cell.value) is int, f"{sheet}!{cell.coordinate} not a whole number")
            frame = pd.read_excel(
                path, sheet_name=sheet, engine="openpyxl", keep_default_na=False, na_values=[""]
            )
            for column in COLUMNS[sheet]:
                if column in DATE_COLUMNS:
                    frame[column] = pd.to_datetime(frame[column]).dt.date
                    frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
            frames[sheet] = frame
    return frames


def dates_in(frame: pd.DataFrame, column: str) -> list[dt.date]:
    return [d for d in frame[column] if d is not None]


def check_contract(frames: dict[str, pd.DataFrame]) -> None:
    for sheet, frame in frames.items():
        check(not frame.duplicated(KEYS[sheet]).any(), f"{sheet}: duplicate keys")
        for column, allowed in CHOICES[sheet].items():
            values = set(frame[column].dropna())
            check(values <= set(allowed), f"{sheet}.{column}: non-canonical values {values - set(allowed)}")
        for column in COLUMNS[sheet]:
            if column in DATE_COLUMNS and column != "target_date":
                for day in dates_in(frame, column):
                    check(
                        SAMPLE_START <= day <= SAMPLE_END,
                        f"{sheet}.{column}: {day} outside the sample period",
                    )
    sessions, attendance = frames["training_sessions"], frames["training_attendance"]
    check(set(attendance["session_id"]) <= set(sessions["session_id"]), "attendance for an unknown session")
    sums = attendance.groupby("session_id")[["booked", "attended"]].sum().add_suffix("_by_agency")
    joined = sessions.set_index("session_id").join(sums, how="inner")
    check(
        (joined["places_booked"] == joined["booked_by_agency"]).all(),
        "attendance booked does not sum to places_booked",
    )
    check(
        (joined["attended"] == joined["attended_by_agency"]).all(),
        "attendance attended does not sum to attended",
    )
    check((attendance["attended"] <= attendance["booked"]).all(), "agency attended > booked")
    check((sessions["attended"] <= sessions["places_booked"]).all(), "attended > places_booked")
    dna = sessions.dropna(subset=["did_not_attend"])
    check((dna["did_not_attend"] == dna["places_booked"] - dna["attended"]).all(), "did_not_attend mismatch")
    cancelled = sessions[sessions["status"] == CANCELLED]
    check(
        (cancelled["attended"] == 0).all() and cancelled["did_not_attend"].isna().all(), "cancelled session"
    )
    check(
        set(joined.index) <= set(sessions.loc[sessions["status"] == DELIVERED, "session_id"]),
        "attendance for a cancelled session",
    )
    audits = frames["audits"]
    check(
        (audits.groupby("audit_id")[["audit_title", "audit_date"]].nunique() == 1).all().all(),
        "audit title/date vary",
    )
    check((audits["actions_completed"] <= audits["actions_raised"]).all(), "audit actions_completed > raised")
    reviews = frames["reviews"]
    for review in reviews.to_dict("records"):
        rid = review["review_id"]
        check(rid.isalpha() and rid.isupper() and 2 <= len(rid) <= 3, f"review_id {rid}")
        if review["la_aware_date"] is not None:
            check(
                review["la_aware_date"] <= review["notification_date"], f"{rid}: la_aware after notification"
            )
        if review["rr_completed_date"] is not None:
            check(
                review["rr_completed_date"] >= review["notification_date"], f"{rid}: rr before notification"
            )
            check(isinstance(review["rr_outcome"], str), f"{rid}: rr_outcome missing")
        check(
            (review["lcspr_start_date"] is not None) == (review["rr_outcome"] == LCSPR),
            f"{rid}: lcspr_start_date",
        )
        if review["lcspr_published_date"] is not None:
            check(
                review["lcspr_published_date"] >= review["lcspr_start_date"], f"{rid}: published before start"
            )
    actions = frames["actions"]
    for action in actions.to_dict("records"):
        aid = action["action_id"]
        check(
            (action["status"] == "Complete") == (action["completed_date"] is not None),
            f"{aid}: completed_date",
        )
        check(action["target_date"] > action["date_agreed"], f"{aid}: target before agreed")
        if action["completed_date"] is not None:
            check(action["completed_date"] >= action["date_agreed"], f"{aid}: completed before agreed")
    refs = set(reviews["review_id"]) | set(audits["audit_id"])
    check(set(actions["source_ref"].dropna()) <= refs, "action source_ref not a review_id or audit_id")


def check_newsletter(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Assert the newsletter's 2023-24 Q3 facts; return them as readable lines."""
    facts: list[str] = []
    sessions = frames["training_sessions"]
    q3 = sessions[sessions["session_date"].map(in_q3_2023) & (sessions["status"] == DELIVERED)]
    modes = Counter(q3["delivery_mode"])
    check(len(q3) == 15 and modes == Counter({F2F: 5, VIRTUAL: 10}), f"Q3 delivered sessions: {dict(modes)}")
    facts.append(
        f"training: {len(q3)} delivered sessions in Q3, {modes[F2F]} face to face, {modes[VIRTUAL]} virtual"
    )

    reviews = frames["reviews"].set_index("review_id", drop=False)
    notified = reviews[reviews["notification_date"].map(in_q3_2023)]
    check(list(notified.index) == ["KLT"], f"Q3 notifications: {list(notified.index)}")
    klt = reviews.loc["KLT"]
    klt_notice = working_days(klt["la_aware_date"], klt["notification_date"])
    klt_rr = working_days(klt["notification_date"], klt["rr_completed_date"])
    check(
        (klt["nature"], klt["harm_type"], klt["rr_outcome"]) == ("Child death", "Abuse", NFR)
        and klt_notice <= 5
        and klt_rr <= 15,
        "KLT",
    )
    facts.append(
        f"reviews: 1 notification in Q3 (KLT, child death, abuse, {klt['locality']}), notified "
        f"{klt['notification_date']:%d/%m/%Y} ({klt_notice} working days after la_aware), rapid review "
        f"{klt['rr_completed_date']:%d/%m/%Y} ({klt_rr} working days, on time), outcome {klt['rr_outcome']}"
    )

    jm = reviews.loc["JM"]
    check(jm["rr_outcome"] == LCSPR and jm["published_name"] == "Child Joe", "JM outcome/name")
    check(
        fy_of(jm["notification_date"]) in (2022, 2023) and fy_of(jm["rr_completed_date"]) in (2022, 2023),
        "JM dates",
    )
    check(jm["lcspr_start_date"] == jm["rr_completed_date"], "JM start != rr date")
    check(jm["lcspr_published_date"].strftime("%Y-%m") == "2023-12", "JM not published in December 2023")
    check(
        jm["lcspr_published_date"] <= add_months(jm["lcspr_start_date"], 6),
        "JM not published within 6 months",
    )
    published_q3 = reviews[reviews["lcspr_published_date"].map(in_q3_2023)]
    check(list(published_q3.index) == ["JM"], f"LCSPRs published in Q3: {list(published_q3.index)}")
    facts.append(
        f"JM: LCSPR started {jm['lcspr_start_date']:%d/%m/%Y}, published {jm['lcspr_published_date']:%d/%m/%Y} "
        f"as {jm['published_name']} (within 6 months); the only LCSPR published in Q3"
    )

    rv = reviews.loc["RV"]
    rv_rr = working_days(rv["notification_date"], rv["rr_completed_date"])
    check(
        fy_of(rv["notification_date"]) == 2023 and quarter_of(rv["notification_date"]) == 2,
        "RV not notified in Q2",
    )
    check(
        rv["rr_completed_date"].strftime("%Y-%m") == "2023-11" and rv_rr > 15,
        "RV rapid review not late in Nov 2023",
    )
    check(rv["rr_outcome"] == LCSPR and rv["lcspr_start_date"] == rv["rr_completed_date"], "RV LCSPR")
    check(
        rv["learning_event_date"] == D(2024, 1, 25) and rv["recall_event_date"] == D(2024, 2, 26), "RV events"
    )
    check(rv["lcspr_published_date"] > add_months(rv["lcspr_start_date"], 6), "RV should be published late")
    check(
        isinstance(rv["published_name"], str) and rv["published_name"].startswith("Child "),
        "RV published_name",
    )
    facts.append(
        f"RV: notified {rv['notification_date']:%d/%m/%Y} (Q2), rapid review {rv['rr_completed_date']:%d/%m/%Y} "
        f"({rv_rr} working days, late) -> LCSPR; learning event {rv['learning_event_date']:%d/%m/%Y}, recall "
        f"{rv['recall_event_date']:%d/%m/%Y}; published {rv['lcspr_published_date']:%d/%m/%Y} as "
        f"{rv['published_name']} (after its 6-month deadline)"
    )

    rr_q3 = reviews[reviews["rr_completed_date"].map(in_q3_2023)]
    check(sorted(rr_q3.index) == ["KLT", "RV"], f"rapid reviews completed in Q3: {list(rr_q3.index)}")
    facts.append("rapid reviews completed in Q3: exactly 2 (KLT on time, RV late)")

    audits = frames["audits"]
    q3_audits = audits[audits["audit_date"].map(in_q3_2023)]
    check(q3_audits["audit_id"].nunique() == 1, "Q3 should hold exactly one audit")
    localities = Counter(q3_audits["locality"])
    first = q3_audits.iloc[0]
    check(first["audit_title"] == "Step down from social care assessment", "Q3 audit title")
    check(first["audit_date"] == AUDIT_STEP_DOWN_DATE, "Q3 audit date")
    check(
        len(q3_audits) == 6 and localities == Counter({HARTLEPOOL: 3, STOCKTON: 3}),
        f"Q3 audit cases {localities}",
    )
    check(set(q3_audits["exec_report_date"]) == {AUDIT_STEP_DOWN_EXEC}, "Q3 audit exec report date")
    facts.append(
        f"audit: {first['audit_id']} '{first['audit_title']}' on {first['audit_date']:%d/%m/%Y}, {len(q3_audits)} cases "
        f"({localities[HARTLEPOOL]} Hartlepool, {localities[STOCKTON]} Stockton-on-Tees), Exec report "
        f"{first['exec_report_date']:%d/%m/%Y}"
    )

    actions = frames["actions"]
    jm_actions = actions[(actions["source_type"] == "LCSPR") & (actions["source_ref"] == "JM")]
    check(3 <= len(jm_actions) <= 6, f"JM actions: {len(jm_actions)}")
    agreed = set(jm_actions["date_agreed"].map(lambda d: d.strftime("%Y-%m")))
    check(agreed <= {"2023-12", "2024-01"}, f"JM actions agreed {agreed}")
    facts.append(
        f"actions: {len(jm_actions)} from JM's LCSPR, agreed {min(jm_actions['date_agreed']):%d/%m/%Y} to "
        f"{max(jm_actions['date_agreed']):%d/%m/%Y}"
    )
    return facts


# --------------------------------------------------------------------------------------------------------
def generate(seed: int = SEED) -> dict[str, list[Row]]:
    rng = random.Random(seed)
    sessions, attendance = make_training(rng)
    audits, audit_summaries = make_audits(rng)
    reviews = make_reviews(rng)
    actions = make_actions(rng, reviews, audit_summaries)
    return {
        "training_sessions": sessions,
        "training_attendance": attendance,
        "audits": audits,
        "reviews": reviews,
        "actions": actions,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT_DIR, help="default: data/sample")
    args = parser.parse_args(argv)
    out_dir: Path = args.out_dir

    datasets = generate()
    write_workbooks(out_dir, datasets)
    rows = ", ".join(f"{name} {len(data)}" for name, data in datasets.items())
    jm_agreed = [a["date_agreed"] for a in datasets["actions"] if a["source_ref"] == "JM"]
    readme = README.format(
        rows=rows,
        jm_actions=len(jm_agreed),
        jm_first=f"{min(jm_agreed):%d/%m/%Y}",
        jm_last=f"{max(jm_agreed):%d/%m/%Y}",
    )
    (out_dir / "README.md").write_text(readme, encoding="utf-8")

    frames = read_back(out_dir)
    check_contract(frames)
    facts = check_newsletter(frames)

    print(f"Wrote sample workbooks to {out_dir}:")
    for filename, sheets in WORKBOOKS.items():
        print(f"  {filename}: " + ", ".join(f"{s} {len(frames[s])} rows" for s in sheets))
    print("Checked the newsletter's 2023-24 Q3 facts:")
    for fact in facts:
        print(f"  - {fact}")


if __name__ == "__main__":
    main()

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

Honest about real cases. KLT, JM and RV are real case references from the newsletter: they carry its facts
and nothing remarkable besides. What the data contract needs and the newsletter does not say is invented
and unremarkable: every step on time (notified within 5 working days, rapid review within 15 working days,
LCSPR completed within 6 months), no harm type for JM and RV, no Panel response, RV not published, and no
action in the plan said to come from KLT's or RV's review. One thing follows from the newsletter itself: RV
was notified in 2023-24 Q2 (its quarter had one notification, KLT's) and its rapid review was completed in
November 2023, past 15 working days from any Q2 date, so RV records a longer timescale agreed with the
Panel (rr_extension_agreed) rather than a late review.

Plausible elsewhere. The fictional reviews are split between Hartlepool and Stockton-on-Tees about as their
child populations (1 : 2.2), and show what the timeliness KPIs must handle: late notifications, a rapid
review due in one quarter and sent in the next, one not sent past its deadline and one pending at the end
of the sample, a withdrawn notification, one with no date the local authority became aware, an extension
agreed with the Panel, an LCSPR completed late, one under way, and one whose publication waits for parallel
criminal proceedings. Audited cases at child in need, child protection or looked after level are led by
children's social care, early help cases by early help, and no baby's case by a school. No training is
held from 23 December to 2 January.

E-learning is not a session. It has no date, places or no-shows: the e-learning platform reports how many
people completed each course in a month. So e-learning is one training_sessions row per course per month,
dated the month's last day, delivery mode E-learning, Teeswide, with places_offered blank, places_booked =
attended = the month's completions, did_not_attend and the confidence scores blank, and no attendance by
agency. It is recorded from April 2024 (2024-25), when the sample's partnership began keeping the
platform's monthly reports; before that the sheets hold no e-learning. A KPI about sessions, places or
attendance (TR01 to TR04) should leave these rows out, or show them as completions.

The output is deterministic: a fixed random seed, no dependence on the clock, and fixed timestamps inside
the .xlsx files, so running the script twice writes byte-identical files. At the end the script reads the
workbooks back and checks the newsletter facts, the data contract rules and the plausibility rules above;
it raises if any check fails (and then writes no README).

The script imports nothing from the dashboard, on purpose: it restates the data contract (COLUMNS and the
rules check_contract applies) from docs/upload-format.md, independently of dashboard/ingest/contract.py, so
that it is an oracle for it. A mistake in the contract or the validator is not copied into the sample that
tests it: `pmf init` loading the sample through the validator (tests/test_sample_data.py) shows they agree.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import io
import random
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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
# The data contract: canonical columns in the contract's order. Declared here on purpose, independently of
# dashboard/contract.py: the sample is written from the contract as documented, and `pmf init` loading it
# through the validator (tests/test_sample_data.py) checks that the two agree.
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
        "rr_extension_agreed",
        "panel_response",
        "panel_response_date",
        "lcspr_decision_date",
        "learning_event_date",
        "recall_event_date",
        "final_report_date",
        "lcspr_published_date",
        "publication_delay_reason",
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
    "panel_response_date",
    "lcspr_decision_date",
    "learning_event_date",
    "recall_event_date",
    "final_report_date",
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
LCSPR, NO_LCSPR, NATIONAL = "LCSPR", "No LCSPR", "National review"
WITHDRAWN, ALR = "Notification withdrawn", "Alternative learning review"
RR_OUTCOMES = [LCSPR, NO_LCSPR, NATIONAL, WITHDRAWN, ALR]
YES, NO = "Yes", "No"
PANEL_RESPONSES = ["Agreed", "Disagreed"]
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
        "rr_extension_agreed": [YES, NO],
        "panel_response": PANEL_RESPONSES,
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
# E-learning completions a month per course (before noise), recorded from E_LEARNING_FROM, and the month's
# factor: more in September and October (new starters, the school year), fewer in August and December.
E_LEARNING_FROM = dt.date(2024, 4, 1)
E_LEARNING_BASE = {title: base for (title, _), base in zip(E_LEARNING_COURSES, [34, 14, 18], strict=True)}
E_LEARNING_MONTH = {8: 0.7, 9: 1.4, 10: 1.3, 12: 0.75, 1: 1.1}
# No training is held from 23 December to 2 January.
CHRISTMAS_GAP = ((12, 23), (1, 2))
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


def in_christmas_gap(day: dt.date) -> bool:
    (first_month, first_day), (last_month, last_day) = CHRISTMAS_GAP
    return (day.month, day.day) >= (first_month, first_day) or (day.month, day.day) <= (last_month, last_day)


def outside_christmas_gap(day: dt.date) -> dt.date:
    """``day``, or the same weekday one or two weeks away from the Christmas gap (earlier in December,
    later in January), so that the session stays in its quarter and on a working day."""
    step = dt.timedelta(days=-7 if day.month == 12 else 7)
    while in_christmas_gap(day):
        day += step
    assert is_working_day(day), day  # 16-22 December and 8-16 January hold no bank holiday
    return day


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

    sessions.sort(key=lambda s: s["session_date"])  # stable: ties keep generation order
    number_sessions(sessions)

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

    # Everything above is drawn exactly as it always was, so that every session keeps its numbers (the
    # newsletter's quarter included) and the audits after it their draws. Then two corrections:
    # - e-learning was drawn as 40-place "sessions": those rows and their registers are dropped, and
    #   e-learning is recorded as monthly completions instead (make_elearning);
    # - no training is held from 23 December to 2 January: a session drawn then moves a week or two away,
    #   within its quarter.
    elearning = {s["session_id"] for s in sessions if s["delivery_mode"] == ELEARNING}
    sessions = [s for s in sessions if s["session_id"] not in elearning]
    attendance = [a for a in attendance if a["session_id"] not in elearning]
    for session in sessions:
        session["session_date"] = outside_christmas_gap(session["session_date"])
    sessions.sort(key=lambda s: s["session_date"])
    renamed = number_sessions(sessions)
    for row in attendance:
        row["session_id"] = renamed[row["session_id"]]
    return sessions, attendance


def number_sessions(sessions: list[Row]) -> dict[str, str]:
    """IDs follow the annual training programme (April to March): TS-<FY start year>-<nnn> in date order.

    Returns each session's previous ID (if it had one) -> its new ID."""
    renamed: dict[str, str] = {}
    counters: Counter[int] = Counter()
    for session in sessions:
        fy = fy_of(session["session_date"])
        counters[fy] += 1
        new_id = f"TS-{fy}-{counters[fy]:03d}"
        if "session_id" in session:
            renamed[session["session_id"]] = new_id
        session["session_id"] = new_id
    return renamed


def make_elearning(rng: random.Random) -> list[Row]:
    """E-learning completions: one row per course per month, from E_LEARNING_FROM to the end of the sample.

    E-learning has no sessions, places or no-shows: a row is the month's completions of one course, as the
    e-learning platform reports them, dated the month's last day, Teeswide, with places_offered blank,
    places_booked = attended = completions, did_not_attend and the confidence scores blank, and no
    attendance by agency.
    """
    rows: list[Row] = []
    month = E_LEARNING_FROM
    while month <= SAMPLE_END:
        last_day = add_months(month, 1) - ONE_DAY
        for number, (title, theme) in enumerate(E_LEARNING_COURSES, start=1):
            expected = E_LEARNING_BASE[title] * E_LEARNING_MONTH.get(month.month, 1.0)
            completions = max(3, round(expected * rng.uniform(0.75, 1.25)))
            rows.append(
                {
                    "session_id": f"EL-{month:%Y%m}-{number}",
                    "session_date": last_day,
                    "course_title": title,
                    "theme": theme,
                    "delivery_mode": ELEARNING,
                    "locality": TEESWIDE,
                    "status": DELIVERED,
                    "places_offered": None,
                    "places_booked": completions,
                    "attended": completions,
                    "did_not_attend": None,
                }
            )
        month = add_months(month, 1)
    return rows


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


STATUTORY_LEVELS = ("Child in need", "Child protection", "Looked after")


def audit_lead_agency(rng: random.Random, case_level: str) -> str:
    """The agency leading an audited case: children's social care for a statutory case (child in need, child
    protection, looked after), early help for an early help case, a school, the police or health for other
    cases (never a school for a baby: see lead_for_age).

    Always exactly one draw from ``rng``, whatever the case, so the draws after it stay as they were."""
    if case_level in STATUTORY_LEVELS:
        options, weights = ["Children's social care"], [1]
    elif case_level == "Early help":
        options, weights = ["Early help"], [1]
    else:
        options, weights = ["School/college", "Police", "NHS acute/community"], [2, 1, 1]
    return rng.choices(options, weights=weights)[0]


def lead_for_age(agency: str | None, age_band: str) -> str | None:
    """A baby's case is not led by a school: health (the health visitor) leads it instead."""
    return "NHS acute/community" if agency == "School/college" and age_band == "Under 1" else agency


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
        exec_date: dt.date | None
        if (fy, q) == (2023, 3):
            audit_date, exec_date = AUDIT_STEP_DOWN_DATE, AUDIT_STEP_DOWN_EXEC
            localities = [HARTLEPOOL] * 3 + [STOCKTON] * 3
        else:
            audit_date = random_working_day(rng, add_months(start, 1), add_months(start, 2) - ONE_DAY)
            exec_date = next_working_day(audit_date + dt.timedelta(days=rng.randint(62, 118)))
            n_cases = rng.randint(4, 10)
            n_hartlepool = int(clamp(round(n_cases * rng.uniform(0.3, 0.6)), 1, n_cases - 1))
            localities = [HARTLEPOOL] * n_hartlepool + [STOCKTON] * (n_cases - n_hartlepool)
        if exec_date is not None and exec_date > SAMPLE_END:
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
            lead_agency = audit_lead_agency(rng, case_level) if rng.random() > 0.04 else None
            age_band = rng.choices(AGE_BANDS, weights=age_weights)[0]
            rows.append(
                {
                    "audit_id": audit_id,
                    "audit_title": title,
                    "audit_date": audit_date,
                    "case_ref": f"A{fy % 100:02d}-{q:02d}-{index:02d}",
                    "locality": locality,
                    "lead_agency": lead_for_age(lead_agency, age_band),
                    "age_band": age_band,
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
# The newsletter names three cases: KLT, JM and RV. They are real case references, so the sample gives them
# the newsletter's facts and nothing else that matters: KLT, a child's death with abuse, notified in 2023-24
# Q3, whose rapid review did not progress to an LCSPR; JM, an LCSPR published as "Child Joe" in December
# 2023; RV, a rapid review completed in November 2023 leading to an LCSPR, learning event 25 January 2024,
# recall event 26 February 2024. What the contract needs and the newsletter does not say (a locality, the
# other dates, JM's and RV's nature) is invented and unremarkable: every step on time, no harm type, no
# Panel response, no publication for RV, and no actions in the plan for KLT or RV.
NEWSLETTER_CASES = ("KLT", "JM", "RV")
NEWSLETTER_REVIEWS: list[Row] = [
    {
        "review_id": "JM",
        "locality": STOCKTON,
        "nature": "Serious harm",
        "la_aware_date": D(2023, 5, 25),
        "notification_date": D(2023, 5, 30),  # 2 working days (29 May is a bank holiday)
        "rr_completed_date": D(2023, 6, 20),  # 15 working days
        "rr_outcome": LCSPR,
        "rr_extension_agreed": NO,
        "lcspr_decision_date": D(2023, 6, 20),
        "learning_event_date": D(2023, 9, 12),
        "recall_event_date": D(2023, 10, 17),
        "final_report_date": D(2023, 11, 21),  # within 6 months of the decision (20 December 2023)
        "lcspr_published_date": D(2023, 12, 14),
        "published_name": "Child Joe",
    },
    {
        # Its rapid review was completed in November 2023, but notified in 2023-24 Q2 (the newsletter's
        # quarter has one notification, KLT's): 15 working days from any Q2 notification end by 20 October,
        # so only a longer timescale agreed with the Panel keeps the review on time.
        "review_id": "RV",
        "locality": HARTLEPOOL,
        "nature": "Serious harm",
        "la_aware_date": D(2023, 9, 27),
        "notification_date": D(2023, 9, 29),  # 2 working days
        "rr_completed_date": D(2023, 11, 2),  # 24 working days, within the timescale agreed with the Panel
        "rr_outcome": LCSPR,
        "rr_extension_agreed": YES,
        "lcspr_decision_date": D(2023, 11, 2),
        "learning_event_date": D(2024, 1, 25),
        "recall_event_date": D(2024, 2, 26),
        "final_report_date": D(2024, 4, 25),  # within 6 months of the decision (2 May 2024); not published
    },
    {
        "review_id": "KLT",
        "locality": HARTLEPOOL,
        "nature": "Child death",
        "harm_type": "Abuse",
        "la_aware_date": D(2023, 10, 12),
        "notification_date": D(2023, 10, 16),  # 2 working days
        "rr_completed_date": D(2023, 11, 3),  # 14 working days
        "rr_outcome": NO_LCSPR,
        "rr_extension_agreed": NO,
    },
]


@dataclass(frozen=True)
class Lcspr:
    """An invented LCSPR: its steps as days after the decision to hold it (6 months is about 182 days)."""

    learning: int
    recall: int
    final_report: int | None  # None: not completed by the end of the sample
    published: int | None = None
    delay_reason: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Incident:
    """An invented serious incident: dates as working days from the notification, as the timescales count."""

    review_id: str
    locality: str
    nature: str
    harm_type: str | None
    notified: dt.date
    aware: int | None  # working days from la_aware_date to the notification; None: not recorded
    rapid_review: int | None  # working days from the notification to the rapid review; None: not yet sent
    outcome: str | None
    extension: bool = False  # a longer timescale agreed with the Panel
    panel_days: int | None = 21  # days from the rapid review to the Panel's response; None: no response yet
    lcspr: Lcspr | None = None  # when the outcome is LCSPR; decided the day the rapid review was sent


# Fictional incidents: about 5 a year, split between Hartlepool and Stockton-on-Tees roughly as their child
# populations (about 1 : 2.2), with the things the KPIs must be able to show: a late notification, a rapid
# review due in one quarter and sent in the next, one still not sent past its deadline at the end of the
# sample and one still inside it, a withdrawn notification, a notification with no date the local
# authority became aware, a timescale extended by the Panel, an LCSPR completed late, and one whose
# publication waits for parallel criminal proceedings. None of them touches the newsletter's quarter.
PARALLEL_PROCEEDINGS = "Parallel criminal proceedings"
INCIDENTS: list[Incident] = [
    Incident(
        "ESE",
        STOCKTON,
        "Serious harm",
        "Neglect",
        D(2021, 5, 17),
        2,
        13,
        LCSPR,
        lcspr=Lcspr(55, 95, 160, 181, name="Child Erin"),
    ),
    Incident("WHG", STOCKTON, "Child death", "Neglect", D(2021, 6, 25), 1, 12, NO_LCSPR, panel_days=28),
    Incident("WEP", HARTLEPOOL, "Serious harm", "Neglect", D(2021, 10, 28), 1, 10, ALR, panel_days=20),
    # notified 7 working days after the local authority became aware: late
    Incident("ATW", STOCKTON, "Child death", "Abuse", D(2022, 1, 24), 7, 14, ALR, panel_days=25),
    # rapid review due 14 March 2022 (2021-22 Q4), sent on 6 April 2022 (2022-23 Q1): late in Q4
    Incident(
        "SL", STOCKTON, "Serious harm", "Abuse and neglect", D(2022, 2, 21), 3, 32, NO_LCSPR, panel_days=30
    ),
    Incident("GW", STOCKTON, "Child death", "Abuse", D(2022, 8, 10), 4, 9, ALR),
    # final report 8 months after the decision: late
    Incident(
        "BW",
        HARTLEPOOL,
        "Serious harm",
        "Abuse",
        D(2022, 8, 11),
        1,
        15,
        LCSPR,
        panel_days=20,
        lcspr=Lcspr(53, 95, 245, 284, name="Child Bella"),
    ),
    Incident(
        "FB", STOCKTON, "Child death", "Abuse and neglect", D(2022, 9, 8), 1, 14, NATIONAL, panel_days=35
    ),
    # no la_aware_date recorded
    Incident("DK", STOCKTON, "Serious harm", "Neglect", D(2022, 11, 14), None, 11, NO_LCSPR, panel_days=24),
    Incident("AN", STOCKTON, "Serious harm", "Abuse", D(2023, 1, 27), 3, 8, WITHDRAWN, panel_days=14),
    # the Panel agreed a longer timescale; published only after the criminal trial
    Incident(
        "CT",
        STOCKTON,
        "Serious harm",
        "Abuse",
        D(2024, 1, 15),
        2,
        25,
        LCSPR,
        extension=True,
        lcspr=Lcspr(50, 85, 170, delay_reason=PARALLEL_PROCEEDINGS),
    ),
    # notified 9 working days after the local authority became aware: late
    Incident("SDB", STOCKTON, "Serious harm", "Abuse", D(2024, 2, 22), 9, 13, ALR, panel_days=20),
    Incident("HL", HARTLEPOOL, "Serious harm", "Neglect", D(2024, 4, 10), 2, 15, NO_LCSPR, panel_days=25),
    Incident("FN", STOCKTON, "Serious harm", "Abuse and neglect", D(2024, 5, 8), 1, 11, ALR),
    # notified late and rapid review late (23 working days), both within 2024-25 Q2
    Incident("ST", HARTLEPOOL, "Serious harm", "Abuse", D(2024, 7, 15), 7, 23, NO_LCSPR, panel_days=28),
    Incident(
        "NNR",
        STOCKTON,
        "Serious harm",
        "Abuse",
        D(2024, 8, 27),
        1,
        13,
        LCSPR,
        lcspr=Lcspr(73, 108, 150, 170, name="Child Nell"),
    ),
    # an LCSPR under way at the end of the sample: learning event held, recall event after 31 March 2025
    Incident(
        "PLB",
        STOCKTON,
        "Serious harm",
        "Abuse and neglect",
        D(2025, 1, 2),
        1,
        10,
        LCSPR,
        lcspr=Lcspr(54, 90, None),
    ),
    # rapid review due 3 March 2025 and not sent by 31 March 2025: late in 2024-25 Q4
    Incident("RD", HARTLEPOOL, "Child death", "Neglect", D(2025, 2, 10), 2, None, None, panel_days=None),
    # rapid review due 14 April 2025: pending at the end of the sample
    Incident("WB", STOCKTON, "Serious harm", "Neglect", D(2025, 3, 24), 2, None, None, panel_days=None),
]


def in_sample(day: dt.date | None) -> dt.date | None:
    """``day`` if it has happened by the end of the sample, else None (not yet)."""
    return day if day is not None and day <= SAMPLE_END else None


def review_row(incident: Incident) -> Row:
    notified = incident.notified
    rr_date = None if incident.rapid_review is None else add_working_days(notified, incident.rapid_review)
    row: Row = {
        "review_id": incident.review_id,
        "locality": incident.locality,
        "nature": incident.nature,
        "harm_type": incident.harm_type,
        "la_aware_date": None if incident.aware is None else add_working_days(notified, -incident.aware),
        "notification_date": notified,
        "rr_completed_date": rr_date,
        "rr_outcome": incident.outcome,
        "rr_extension_agreed": YES if incident.extension else NO,
    }
    if rr_date is not None and incident.panel_days is not None:
        answered = in_sample(next_working_day(rr_date + dt.timedelta(days=incident.panel_days)))
        row.update(panel_response="Agreed" if answered else None, panel_response_date=answered)
    lcspr = incident.lcspr
    if rr_date is not None and lcspr is not None:

        def step(days: int | None) -> dt.date | None:
            return None if days is None else in_sample(next_working_day(rr_date + dt.timedelta(days=days)))

        published = step(lcspr.published)
        row.update(
            lcspr_decision_date=rr_date,
            learning_event_date=step(lcspr.learning),
            recall_event_date=step(lcspr.recall),
            final_report_date=step(lcspr.final_report),
            lcspr_published_date=published,
            publication_delay_reason=lcspr.delay_reason,
            published_name=lcspr.name if published else None,
        )
    return row


def make_reviews() -> list[Row]:
    reviews = [dict(r) for r in NEWSLETTER_REVIEWS] + [review_row(i) for i in INCIDENTS]
    for review in reviews:
        for column in COLUMNS["reviews"]:
            review.setdefault(column, None)
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
    None: ["general"],
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


def _actions_from_review(
    rng: random.Random, review: Row, used: Counter[str], add: Callable[..., None]
) -> None:
    """The actions one review's outcome adds to the plan (the same draws, in the same order, as before)."""
    rr_date, outcome, rid = review["rr_completed_date"], review["rr_outcome"], review["review_id"]
    if rid in NEWSLETTER_CASES and rid != "JM":
        return  # the newsletter says nothing of actions from KLT's or RV's reviews: invent none
    topics = HARM_TOPICS[review["harm_type"]]
    if review["nature"] == "Child death" and review["harm_type"] != "Neglect":
        topics = ["infant", *topics]
    if outcome == LCSPR and (rid == "JM" or review["final_report_date"] is not None):
        if rid == "JM":
            window = JM_ACTIONS_WINDOW
        else:
            completed = review["final_report_date"]
            window = (completed, completed + dt.timedelta(days=45))
        add(
            "LCSPR",
            rid,
            pick_action_texts(rng, topics, rng.randint(3, 6), used),
            window,
            review["locality"],
        )
    elif outcome in (ALR, NO_LCSPR) and rng.random() < 0.7:
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
        _actions_from_review(rng, review, used, add)

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

These workbooks are **fictional** sample data for the HSSCP performance dashboard. Only the few facts the
HSSCP newsletter for 2023-24 Q3 published are real (below); everything else is invented, and everything
built from a database loaded from them says that it is fictional sample data. They are generated by

    python data/make_sample.py [OUTPUT_DIR]

(deterministic: a fixed random seed and fixed file timestamps, so a rerun writes identical files). Do not
edit them by hand; change the script and rerun it.

| file | sheets |
| --- | --- |
| `training.xlsx` | `training_sessions`, `training_attendance` |
| `audits.xlsx` | `audits` |
| `reviews.xlsx` | `reviews` |
| `actions.xlsx` | `actions` |
| `quarterly.xlsx` | `partnership_updates`, `kpi_commentary` |

`quarterly.xlsx`, the quarterly cycle, is written by its own script, `python data/make_quarterly_sample.py
[OUTPUT]` (deterministic too). Its 2023-24 Q3 partnership updates carry the newsletter's narrative sections
in the newsletter's words: the work streams, progress on the Neglect priority, the training programme, the
conferences, the five procedures reviewed, the Neglect Active Learning Event on 6 February and 28 March 2024
and the monthly e-bulletins (the figures come from the other workbooks). Every other quarter has a smaller,
fictional set of updates. The PMF group's commentary covers every KPI rated Red for all localities together
in each quarter of the sample, and a few Red figures of one locality; it speaks of process, never of a child
or of a case.

Each sheet has the canonical columns of the data contract (`dashboard/contract.py`) in the contract's
order as its header row, dates as real Excel dates (shown DD/MM/YYYY), whole numbers as numbers, and blank
cells for unknown values.

They cover the financial years 2021-22 to 2024-25 (1 April 2021 to 31 March 2025) for Hartlepool,
Stockton-on-Tees and Teeswide activity. Case references and review IDs are pseudonyms; there are no
names, dates of birth or addresses. Action statuses are as at 31 March 2025; action target dates may fall
after that date, every other date is within the period.

Rows: {rows}.

## The newsletter's 2023-24 Q3 facts (1 October to 31 December 2023)
The data reproduces the HSSCP newsletter for quarter 3 of 2023-24; `make_sample.py` checks these facts
every time it runs:

1. 15 training sessions delivered in the quarter: 5 face to face and 10 virtual (one further virtual
   session was cancelled; e-learning is recorded from April 2024 only).
2. One serious incident notification: **KLT**, child death (fatal), abuse; the rapid review did not
   progress to an LCSPR (outcome *No LCSPR*).
3. **JM**: an LCSPR published as **Child Joe** in December 2023 (14/12/2023), the only LCSPR published in
   the quarter; its {jm_actions} actions (source LCSPR, JM) were agreed from {jm_first} to {jm_last}.
4. **RV**: rapid review completed in November 2023 (02/11/2023) leading to an LCSPR; learning event
   25/01/2024, recall event 26/02/2024. The rapid reviews completed in the quarter, and those due in it,
   are exactly KLT's and RV's.
5. One multi-agency audit, *Step down from social care assessment* (MAA-2023-03), on 13/11/2023: 6 cases,
   3 Hartlepool and 3 Stockton-on-Tees, reported to the Exec group on 20/02/2024.

## KLT, JM and RV are real case references
They carry the newsletter's facts and nothing remarkable besides. Where the data contract needs something
the newsletter does not say, the sample invents the unremarkable: each was notified 2 working days after
the local authority became aware; KLT's rapid review took 14 working days and JM's 15; each LCSPR was
completed within 6 months of the decision to hold it (JM's final report 21/11/2023, RV's 25/04/2024); the
localities (KLT and RV Hartlepool, JM Stockton-on-Tees) and the nature of JM and RV (serious harm) are
invented; no harm type for JM or RV and no Panel response for any of the three; RV is **not** published;
no action is said to come from KLT's or RV's review. RV was notified on 29/09/2023, in Q2 (the Q3 had one
notification, KLT's), so its rapid review in November is recorded as within a longer timescale agreed with
the Panel (`rr_extension_agreed` Yes), never as late.

## The rest is fictional, and plausible
- Notifications: {by_locality} (Hartlepool has about a third of the two localities'
  children: about 1 : 2.2). What the timeliness KPIs must handle:{review_mix}
- Audits: cases at child in need, child protection or looked after level are led by children's social
  care, early help cases by early help; no baby's case is led by a school.
- Training: no session from 23 December to 2 January. E-learning is not a session: from April 2024 it is
  one row per course per month of the e-learning platform's completions (dated the month's last day,
  Teeswide, `places_offered` blank, `places_booked` = `attended` = completions, `did_not_attend` blank, no
  attendance by agency).
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
                if column in DATE_COLUMNS or column not in INT_COLUMNS | DECIMAL_COLUMNS:
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
        decided = review["lcspr_decision_date"]
        check((decided is not None) == (review["rr_outcome"] == LCSPR), f"{rid}: lcspr_decision_date")
        for column in ("final_report_date", "lcspr_published_date"):
            if review[column] is not None:
                check(review[column] >= decided, f"{rid}: {column} before the decision")
        if review["panel_response_date"] is not None:
            check(review["panel_response_date"] >= review["rr_completed_date"], f"{rid}: Panel before review")
        check(
            isinstance(review["published_name"], str) == (review["lcspr_published_date"] is not None),
            f"{rid}: a published name goes with a publication date",
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


def rr_deadline(review: Any) -> dt.date | None:
    """15 working days after the notification; None when the Panel agreed a longer timescale."""
    if review["rr_extension_agreed"] == YES:
        return None
    return add_working_days(review["notification_date"], 15)


def late_steps(review: Any, as_at: dt.date = SAMPLE_END) -> list[str]:
    """The steps of a review that were late (or are overdue at ``as_at``), by the domain's timescales."""
    late = []
    aware, notified = review["la_aware_date"], review["notification_date"]
    if aware is not None and working_days(aware, notified) > 5:
        late.append("notification")
    deadline, sent = rr_deadline(review), review["rr_completed_date"]
    if deadline is not None and deadline < as_at and (sent is None or sent > deadline):
        late.append("rapid review")
    decided, completed = review["lcspr_decision_date"], review["final_report_date"]
    if completed is None:
        completed = review["lcspr_published_date"]
    if (
        decided is not None
        and add_months(decided, 6) < as_at
        and (completed is None or completed > add_months(decided, 6))
    ):
        late.append("LCSPR")
    return late


def on_time(review: Any) -> str:
    aware, notified, sent = review["la_aware_date"], review["notification_date"], review["rr_completed_date"]
    timescale = (
        "within the timescale agreed with the Panel" if review["rr_extension_agreed"] == YES else "on time"
    )
    return (
        f"notified {working_days(aware, notified)} working days after the local authority became aware, rapid "
        f"review {sent:%d/%m/%Y} {working_days(notified, sent)} working days after notification, {timescale}"
    )


def check_newsletter(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Assert the newsletter's 2023-24 Q3 facts; return them as readable lines."""
    facts: list[str] = []
    sessions = frames["training_sessions"]
    q3 = sessions[
        sessions["session_date"].map(in_q3_2023)
        & (sessions["status"] == DELIVERED)
        & (sessions["delivery_mode"] != ELEARNING)
    ]
    modes = Counter(q3["delivery_mode"])
    check(len(q3) == 15 and modes == Counter({F2F: 5, VIRTUAL: 10}), f"Q3 delivered sessions: {dict(modes)}")
    facts.append(
        f"training: {len(q3)} delivered sessions in Q3, {modes[F2F]} face to face, {modes[VIRTUAL]} virtual"
    )

    reviews = frames["reviews"].set_index("review_id", drop=False)
    notified = reviews[reviews["notification_date"].map(in_q3_2023)]
    check(list(notified.index) == ["KLT"], f"Q3 notifications: {list(notified.index)}")
    klt = reviews.loc["KLT"]
    check(
        (klt["nature"], klt["harm_type"], klt["rr_outcome"]) == ("Child death", "Abuse", NO_LCSPR),
        "KLT: child death, abuse, no LCSPR",
    )
    check(klt["lcspr_decision_date"] is None and klt["lcspr_published_date"] is None, "KLT: no LCSPR")
    facts.append(
        f"reviews: 1 notification in Q3 (KLT, child death, abuse, {klt['locality']}), notified "
        f"{klt['notification_date']:%d/%m/%Y}, {on_time(klt)}; outcome {klt['rr_outcome']}"
    )

    jm = reviews.loc["JM"]
    check(jm["rr_outcome"] == LCSPR and jm["published_name"] == "Child Joe", "JM outcome/name")
    check(jm["lcspr_published_date"].strftime("%Y-%m") == "2023-12", "JM not published in December 2023")
    six_months = add_months(jm["lcspr_decision_date"], 6)
    check(
        jm["final_report_date"] <= six_months and jm["lcspr_published_date"] <= six_months,
        "JM's final report or publication not within 6 months of the decision",
    )
    published_q3 = reviews[reviews["lcspr_published_date"].map(in_q3_2023)]
    check(list(published_q3.index) == ["JM"], f"LCSPRs published in Q3: {list(published_q3.index)}")
    facts.append(
        f"JM: {on_time(jm)}; LCSPR decided {jm['lcspr_decision_date']:%d/%m/%Y}, final report "
        f"{jm['final_report_date']:%d/%m/%Y}, published {jm['lcspr_published_date']:%d/%m/%Y} as "
        f"{jm['published_name']} (within 6 months); the only LCSPR published in Q3"
    )

    rv = reviews.loc["RV"]
    check(
        rv["rr_completed_date"].strftime("%Y-%m") == "2023-11", "RV's rapid review not completed in Nov 2023"
    )
    check(rv["rr_outcome"] == LCSPR, "RV's rapid review did not lead to an LCSPR")
    check(
        rv["learning_event_date"] == D(2024, 1, 25) and rv["recall_event_date"] == D(2024, 2, 26), "RV events"
    )
    check(
        rv["final_report_date"] <= add_months(rv["lcspr_decision_date"], 6), "RV's LCSPR not within 6 months"
    )
    check(rv["lcspr_published_date"] is None and rv["published_name"] is None, "RV must not be published")
    facts.append(
        f"RV: notified {rv['notification_date']:%d/%m/%Y} (Q2), {on_time(rv)} -> LCSPR; learning event "
        f"{rv['learning_event_date']:%d/%m/%Y}, recall {rv['recall_event_date']:%d/%m/%Y}; final report "
        f"{rv['final_report_date']:%d/%m/%Y} (within 6 months); not published"
    )
    for case in NEWSLETTER_CASES:
        review = reviews.loc[case]
        check(not late_steps(review), f"{case} is late: {late_steps(review)}")
        check(review["panel_response"] is None, f"{case}: the Panel's response is not the newsletter's")
        check(case == "KLT" or review["harm_type"] is None, f"{case}: the harm type is not the newsletter's")

    rr_q3 = reviews[reviews["rr_completed_date"].map(in_q3_2023)]
    check(sorted(rr_q3.index) == ["KLT", "RV"], f"rapid reviews completed in Q3: {list(rr_q3.index)}")
    due_q3 = reviews[reviews["notification_date"].map(lambda d: in_q3_2023(add_working_days(d, 15)))]
    check(sorted(due_q3.index) == ["KLT", "RV"], f"rapid reviews due in Q3: {list(due_q3.index)}")
    facts.append("rapid reviews completed and due in Q3: exactly 2, KLT and RV, both on time")

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


def review_mix(reviews: pd.DataFrame) -> dict[str, list[str]]:
    """Which reviews show each thing the timeliness KPIs must handle (reviews indexed by review_id)."""
    return {
        "notified late (over 5 working days)": [
            r for r, row in reviews.iterrows() if "notification" in late_steps(row)
        ],
        "rapid review late (over 15 working days)": [
            r for r, row in reviews.iterrows() if "rapid review" in late_steps(row)
        ],
        "rapid review not sent past its deadline on 31/03/2025": [
            r
            for r, row in reviews.iterrows()
            if "rapid review" in late_steps(row) and row["rr_completed_date"] is None
        ],
        "rapid review inside its deadline on 31/03/2025": [
            r for r, row in reviews.iterrows() if row["rr_completed_date"] is None and not late_steps(row)
        ],
        "LCSPR completed over 6 months after the decision": [
            r for r, row in reviews.iterrows() if "LCSPR" in late_steps(row)
        ],
        "notification withdrawn": list(reviews.index[reviews["rr_outcome"] == WITHDRAWN]),
        "longer timescale agreed with the Panel": list(reviews.index[reviews["rr_extension_agreed"] == YES]),
        "publication delayed by parallel criminal proceedings": list(
            reviews.index[reviews["publication_delay_reason"] == PARALLEL_PROCEEDINGS]
        ),
        "no date the local authority became aware": list(reviews.index[reviews["la_aware_date"].isna()]),
    }


def check_plausible(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Assert what makes the fictional rest plausible; return it as readable lines."""
    facts: list[str] = []
    reviews = frames["reviews"].set_index("review_id", drop=False)
    by_locality = Counter(reviews["locality"])
    ratio = by_locality[STOCKTON] / by_locality[HARTLEPOOL]
    check(1.8 <= ratio <= 2.6, f"notifications by locality {dict(by_locality)}: not about 1 : 2.2")
    facts.append(
        f"notifications: {by_locality[HARTLEPOOL]} Hartlepool, {by_locality[STOCKTON]} Stockton-on-Tees "
        f"(1 : {ratio:.1f}; child populations about 1 : 2.2)"
    )
    mix = review_mix(reviews)
    for what, ids in mix.items():
        check(bool(set(ids) - set(NEWSLETTER_CASES)), f"no fictional review {what}")
    facts.append("reviews: " + "; ".join(f"{what} {', '.join(ids)}" for what, ids in mix.items()))

    audits = frames["audits"]
    led = audits.dropna(subset=["lead_agency"])
    statutory = led[led["case_level"].isin(STATUTORY_LEVELS)]
    check(
        set(statutory["lead_agency"]) == {"Children's social care"}, "statutory cases not led by social care"
    )
    early_help = led[led["case_level"] == "Early help"]
    check(set(early_help["lead_agency"]) == {"Early help"}, "early help cases not led by early help")
    babies = led[led["age_band"] == "Under 1"]
    check("School/college" not in set(babies["lead_agency"]), "a baby's case led by a school")
    facts.append(
        f"audits: {len(statutory)} statutory cases led by children's social care, {len(early_help)} early help "
        f"cases by early help; no baby's case led by a school"
    )

    sessions = frames["training_sessions"]
    held = sessions[sessions["delivery_mode"] != ELEARNING]
    check(not held["session_date"].map(in_christmas_gap).any(), "a session between 23 December and 2 January")
    elearning = sessions[sessions["delivery_mode"] == ELEARNING]
    months = elearning["session_date"].map(lambda d: (d.year, d.month))
    check(
        elearning["places_offered"].isna().all()
        and (elearning["places_booked"] == elearning["attended"]).all()
        and elearning["did_not_attend"].isna().all()
        and not pd.DataFrame({"course": elearning["course_title"], "month": months}).duplicated().any(),
        "e-learning rows are not one row of completions per course per month",
    )
    check(not set(elearning["session_id"]) & set(frames["training_attendance"]["session_id"]), "e-learning")
    facts.append(
        f"training: no session from 23 December to 2 January; e-learning as {len(elearning)} rows of monthly "
        f"completions ({int(elearning['attended'].sum())} in all) from {min(elearning['session_date']):%m/%Y}"
    )
    return facts


# --------------------------------------------------------------------------------------------------------
def generate(seed: int = SEED) -> dict[str, list[Row]]:
    rng = random.Random(seed)
    sessions, attendance = make_training(rng)
    elearning = make_elearning(random.Random(seed + 1))  # its own stream: the sessions keep their numbers
    sessions = sorted(sessions + elearning, key=lambda s: s["session_date"])
    audits, audit_summaries = make_audits(rng)
    reviews = make_reviews()
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
    frames = read_back(out_dir)
    check_contract(frames)
    facts = check_newsletter(frames)
    plausible = check_plausible(frames)

    rows = ", ".join(f"{name} {len(data)}" for name, data in datasets.items())
    jm_agreed = [a["date_agreed"] for a in datasets["actions"] if a["source_ref"] == "JM"]
    reviews = frames["reviews"].set_index("review_id", drop=False)
    by_locality = Counter(reviews["locality"])
    readme = README.format(
        rows=rows,
        jm_actions=len(jm_agreed),
        jm_first=f"{min(jm_agreed):%d/%m/%Y}",
        jm_last=f"{max(jm_agreed):%d/%m/%Y}",
        by_locality=f"{by_locality[HARTLEPOOL]} Hartlepool, {by_locality[STOCKTON]} Stockton-on-Tees",
        review_mix="".join(f"\n  - {what}: {', '.join(ids)}" for what, ids in review_mix(reviews).items()),
    )
    (out_dir / "README.md").write_text(readme, encoding="utf-8")

    print(f"Wrote sample workbooks to {out_dir}:")
    for filename, sheets in WORKBOOKS.items():
        print(f"  {filename}: " + ", ".join(f"{s} {len(frames[s])} rows" for s in sheets))
    print("Checked the newsletter's 2023-24 Q3 facts:")
    for fact in facts:
        print(f"  - {fact}")
    print("Checked that the rest is plausible:")
    for fact in plausible:
        print(f"  - {fact}")


if __name__ == "__main__":
    main()

"""Each KPI's value on small fixtures (tests/helpers/kpi_fixtures.py), worked out by hand.

Every expected number below was worked out by hand from the fixture rows (the working is in the comments);
none is recomputed in Python. Periods: 2023-24 Q3 is 1 October (a Sunday) to 31 December 2023 (a Sunday).
"""

from __future__ import annotations

from datetime import date

import pytest
from helpers.kpi_fixtures import (
    ALL,
    Q1,
    Q3,
    Q4,
    YEAR,
    H,
    S,
    T,
    assert_results,
    load_actions,
    load_audits,
    load_reviews,
    load_training,
    q3,
    run_kpi,
    year,
)

from dashboard.core.db import connect


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

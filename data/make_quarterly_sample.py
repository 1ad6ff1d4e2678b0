"""Generate the fictional sample workbook of the quarterly cycle: partnership updates and KPI commentary.

Usage::

    python data/make_quarterly_sample.py [OUTPUT]

OUTPUT defaults to ``quarterly.xlsx`` in the ``sample`` folder beside this script (``data/sample``). The
workbook has two sheets, ``partnership_updates`` and ``kpi_commentary``, each with the canonical columns of
the data contract (docs/upload-format.md) as its one header row.

2023-24 Q3 reproduces the narrative sections of the HSSCP newsletter for that quarter, in its own words: the
work streams (engagement of children and young people with Catalyst and HartlePower; strengthening
assurance), the Neglect priority's progress, the training programme, the conferences, the five procedures
reviewed, the Neglect Active Learning Event on 6 February and 28 March 2024, and the monthly e-bulletins.
The newsletter's figures (training sessions, notifications, reviews, the audit) are not written here: they
come from the data of the other sample workbooks. General work streams have a blank priority; the
Neglect priority's work streams have priority Neglect. A conference being planned is an Event with no date;
an event that takes place on a day has its event_date (an event on two days is two rows).

Every other quarter of the sample (2021-22 Q1 to 2024-25 Q4) has a smaller, plausible and fictional set of
updates, consistent with the other workbooks (the website redesign completed in March 2024, the Neglect
Active Learning Event held on 6 February and 28 March 2024, the neglect conference on 29 August 2024,
e-learning recorded from April 2024). The commentary covers every KPI rated Red for all localities together
in each quarter of the sample database, and a few Red figures of one locality. Commentary speaks of
process (training bookings, audit findings, action plans), never of a child or of a case's facts; KLT, JM
and RV are not mentioned.

Deterministic and byte-stable like data/make_sample.py (fixed workbook timestamps), and it imports nothing
from the dashboard, on purpose: `pmf init` loading the workbook through the validator
(tests/test_sample_cycle.py) shows the two agree. The script checks what it wrote before it finishes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

FIXED_TIMESTAMP = dt.datetime(2025, 4, 1, 9, 0, 0)  # docProps created/modified
ZIP_TIMESTAMP = (2025, 4, 1, 9, 0, 0)  # date_time of every zip member
DATE_FORMAT = "DD/MM/YYYY"
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "sample" / "quarterly.xlsx"
FIRST_FY, LAST_FY = 2021, 2024  # financial years 2021-22 .. 2024-25, labelled by their start year
HSSCP = "https://www.hsscp.org.uk"
PROCEDURES_SITE = "https://www.teescpp.org.uk"
Q3 = "2023-24 Q3"

Row = dict[str, Any]

# The data contract's canonical columns (docs/upload-format.md), restated here on purpose.
COLUMNS: dict[str, list[str]] = {
    "partnership_updates": [
        "update_id",
        "quarter",
        "section",
        "title",
        "priority",
        "update",
        "status",
        "event_date",
        "link",
        "locality",
    ],
    "kpi_commentary": ["kpi", "quarter", "locality", "commentary", "action", "owner", "review_date"],
}
DATE_COLUMNS = {"event_date", "review_date"}
SECTIONS = ("Work stream", "Procedure", "Event", "Communication", "Training programme", "Other")
STATUSES = (None, "On track", "At risk", "Off track", "Complete")
LOCALITIES = ("Hartlepool", "Stockton-on-Tees", "Teeswide")
MAX_TEXT = 2000

# Titles too long for a table line, named in the tables below by their key
TITLES = {
    "ASSESSING": "Assessing and Intervening with Neglect – Understanding and responding to the Impact of Neglect",
    "SUPERVISION_ORDERS": "Children Living at Home Subject of Interim or Final Supervision Orders",
}
NEWSLETTER_PROCEDURES = (
    "Child in Need",
    "Children in Hospital",
    TITLES["SUPERVISION_ORDERS"],
    "Making & Responding to a Referral",
    "Strategy Discussion",
)
NALE = "Neglect Active Learning Event"
PROCEDURE_TEXT = "Reviewed and updated (if required) by the Tees Safeguarding Procedures Group."

# --------------------------------------------------------------------------------------------------------
# The updates written by hand. A record is a line "quarter | section | title | priority | status | event
# date | link" (trailing fields may be left out, a blank field is blank) and its text on the indented lines
# below it. 2023-24 Q3 is the newsletter, in its own words; the procedures, training programmes, annual
# reports and e-bulletins of the other quarters are added by other_quarter_updates.
# --------------------------------------------------------------------------------------------------------
UPDATES = """
2023-24 Q3 | Work stream | Engagement of Children and Young People | | On track
    Catalyst and HartlePower have commenced this piece of work. As part of this work they will consider the
    design and content of the HSSCP website from a child/young person perspective.
2023-24 Q3 | Work stream | Strengthening Assurance | | On track
    The Performance Management Framework (PMF) task & finish group have developed a quality assurance
    framework and are developing key performance criteria and reviewing options for software for the PMF.
2023-24 Q3 | Work stream | Evidencing the Child's Lived Experience | Neglect | On track
    Neglect Champions regularly meet to undertake work to progress this priority.
2023-24 Q3 | Work stream | ASSESSING | Neglect | On track
    Neglect Champions are planning a Neglect of Children Conference, and reviewing and updating the rough
    guides for practitioners which is a set of tools utilised by frontline practitioners who assess families
    in their role.
2023-24 Q3 | Work stream | Communication and Engagement | Neglect | On track
    Ongoing marketing campaign for Neglect of Children via various media i.e. posters; social media;
    newsletters; etc. Delivering of Neglect Active Learning event to ensure key messages from case reviews are
    embedded in working practices.
2023-24 Q3 | Training programme | Annual safeguarding children training programme 2023-24 | | | | \
https://www.hsscp.org.uk/training/training-programme-2023-24
    The latest HSSCP annual safeguarding children training programme for April 2023 to March 2024 is
    available. This includes a full programme of safeguarding children training with bookings now made via a
    new online booking system.
2023-24 Q3 | Training programme | E-learning | | | | https://www.hsscp.org.uk/training/e-learning
    Also included in the programme are the e-learning courses from the Tees Safeguarding All MeLearning
    platform. Further information on how to register for an e-learning account and to enrol on any of the
    e-learning courses can be found on the HSSCP website.
2023-24 Q3 | Training programme | Hybrid delivery
    HSSCP continues to provide a hybrid model of both face to face and virtual delivery of the safeguarding
    children training courses they offer, covering a range of safeguarding topics and themes.
2023-24 Q3 | Training programme | Teeswide multi-agency safeguarding training | | On track
    HSSCP is working with STSCP to develop a programme of multi-agency safeguarding training which is
    delivered Teeswide to ensure key messages are received across all agencies within the Tees area.
2023-24 Q3 | Event | Child Sexual Abuse Roadshow | | On track
    The Child Sexual Abuse Expertise & Barnardos are currently planning a Child Sexual Abuse Roadshow on
    behalf of HSSCP & STSCP.
2023-24 Q3 | Event | Neglect of Children & Young People Conference | Neglect | On track
    HSSCP is also planning a themed multi-agency conference to be delivered in 2024 on Neglect of Children &
    Young People.
2023-24 Q3 | Procedure | Child in Need | | Complete | | https://www.teescpp.org.uk/child-in-need/
    PROCEDURE
2023-24 Q3 | Procedure | Children in Hospital | | Complete | | https://www.teescpp.org.uk/children-in-hospital/
    PROCEDURE
2023-24 Q3 | Procedure | SUPERVISION_ORDERS | | Complete | | \
https://www.teescpp.org.uk/children-living-at-home-subject-of-supervision-orders/
    PROCEDURE
2023-24 Q3 | Procedure | Making & Responding to a Referral | | Complete | | \
https://www.teescpp.org.uk/making-and-responding-to-a-referral/
    PROCEDURE
2023-24 Q3 | Procedure | Strategy Discussion | | Complete | | https://www.teescpp.org.uk/strategy-discussion/
    PROCEDURE
2023-24 Q3 | Event | Neglect Active Learning Event | Neglect | | 2024-02-06
    The next HSSCP Neglect Active Learning Event. This 2 day event is based on a recent child safeguarding
    practice review. HSSCP is encouraging all key agencies to ensure all frontline practitioners attend.
2023-24 Q3 | Event | Neglect Active Learning Event | Neglect | | 2024-03-28
    The next HSSCP Neglect Active Learning Event. This 2 day event is based on a recent child safeguarding
    practice review. HSSCP is encouraging all key agencies to ensure all frontline practitioners attend.

2021-22 Q1 | Work stream | Graded Care Profile 2 | Neglect | On track
    Graded Care Profile 2 practitioner training continues in both localities so that agencies assess neglect
    with one shared tool.
2021-22 Q1 | Work stream | Learning from Reviews | | On track
    The partnership has agreed a combined learning action plan to follow up the actions from reviews and
    multi-agency audits.
2021-22 Q2 | Work stream | Graded Care Profile 2 | Neglect | On track
    Graded Care Profile 2 champions are now in place in early help and children's social care teams in both
    localities.
2021-22 Q2 | Work stream | Learning from Reviews | | On track
    7-minute briefings on the learning from reviews are now shared with team managers in every agency.
2021-22 Q3 | Work stream | Evidencing the Child's Lived Experience | Neglect | On track
    The Neglect Champions network has been set up, with a champion in each partner agency.
2021-22 Q3 | Work stream | Section 11 Self-assessment | | At risk
    Agencies are completing their Section 11 self-assessments; two returns are late and have been followed
    up by the business manager.
2021-22 Q3 | Event | Learning from Reviews Briefing | | Complete | 2021-11-24
    A virtual briefing for practitioners on the partnership's learning from local and national reviews.
2021-22 Q4 | Work stream | ASSESSING | Neglect | Complete
    The Neglect Champions have refreshed the rough guides for practitioners, published on the HSSCP website.
2021-22 Q4 | Work stream | Section 11 Self-assessment | | Complete
    All agencies have completed their Section 11 self-assessments and agreed their improvement actions.
2022-23 Q1 | Work stream | Evidencing the Child's Lived Experience | Neglect | On track
    Neglect Champions regularly meet to share practice and to plan the year's work on the priority.
2022-23 Q1 | Work stream | Learning from Reviews | | At risk
    Some actions in the combined learning action plan have passed their target dates; lead officers have been
    asked for updates.
2022-23 Q2 | Work stream | Evidencing the Child's Lived Experience | Neglect | On track
    A practice guide on recording the child's daily lived experience has been drafted with the Neglect
    Champions.
2022-23 Q2 | Work stream | Learning from Reviews | | On track
    The combined learning action plan is now reviewed at every Engine Room meeting.
2022-23 Q3 | Work stream | Evidencing the Child's Lived Experience | Neglect | On track
    The practice guide on the child's lived experience has been published and promoted through the
    e-bulletin.
2022-23 Q3 | Work stream | Communication and Engagement | Neglect | On track
    Neglect Champions have started planning a marketing campaign for Neglect of Children.
2022-23 Q3 | Event | Neglect Champions Development Day | Neglect | Complete | 2022-11-16
    A development day for the Neglect Champions on using the Graded Care Profile 2 in supervision.
2022-23 Q4 | Work stream | Communication and Engagement | Neglect | On track
    The Neglect of Children campaign materials (posters and social media) have been agreed with partners.
2022-23 Q4 | Work stream | Learning from Reviews | | On track
    A review of the combined learning action plan closed the completed actions and agreed new target dates
    for the rest.
2023-24 Q1 | Work stream | Communication and Engagement | Neglect | On track
    The marketing campaign for Neglect of Children has been launched via posters, social media and
    newsletters.
2023-24 Q1 | Work stream | Evidencing the Child's Lived Experience | Neglect | On track
    Neglect Champions regularly meet to undertake work to progress this priority.
2023-24 Q2 | Work stream | Strengthening Assurance | | On track
    A Performance Management Framework (PMF) task & finish group has been set up to agree key performance
    criteria and a dashboard.
2023-24 Q2 | Work stream | Engagement of Children and Young People | | On track
    The Executive has agreed to work with Catalyst and HartlePower on how children and young people are
    engaged in the partnership's work.
2023-24 Q2 | Work stream | Evidencing the Child's Lived Experience | Neglect | On track
    Neglect Champions regularly meet to undertake work to progress this priority.
2023-24 Q4 | Work stream | Engagement of Children and Young People | | Complete
    The HSSCP website has been redesigned with children and young people, with Catalyst and HartlePower.
2023-24 Q4 | Work stream | Strengthening Assurance | | On track
    The PMF task & finish group has agreed the key performance criteria and chosen the software for the PMF
    dashboard.
2023-24 Q4 | Work stream | ASSESSING | Neglect | Complete
    The updated rough guides for practitioners have been published.
2023-24 Q4 | Event | Neglect Active Learning Event | Neglect | Complete | 2024-02-06
    The first day of the HSSCP Neglect Active Learning Event, based on a recent child safeguarding practice
    review, took place with frontline practitioners from the key agencies.
2023-24 Q4 | Event | Neglect Active Learning Event | Neglect | Complete | 2024-03-28
    The second day of the HSSCP Neglect Active Learning Event took place.
2023-24 Q4 | Event | Child Sexual Abuse Roadshow | | On track
    Planning continues with the Child Sexual Abuse Expertise & Barnardos for the Child Sexual Abuse Roadshow
    on behalf of HSSCP & STSCP.
2023-24 Q4 | Event | Neglect of Children & Young People Conference | Neglect | On track
    HSSCP is planning a themed multi-agency conference to be delivered in 2024 on Neglect of Children & Young
    People.
2024-25 Q1 | Work stream | Strengthening Assurance | | On track
    The PMF dashboard is being tested by the business unit with the partnership's data.
2024-25 Q1 | Work stream | ASSESSING | Neglect | On track
    Speakers and a venue have been confirmed for the Neglect of Children & Young People Conference.
2024-25 Q1 | Event | Child Sexual Abuse Roadshow | | Complete | 2024-06-05
    The Child Sexual Abuse Roadshow was delivered by the Child Sexual Abuse Expertise & Barnardos on behalf of
    HSSCP & STSCP.
2024-25 Q1 | Event | Neglect of Children & Young People Conference | Neglect | On track
    The Neglect of Children & Young People Conference will take place on 29 August 2024; booking is open to
    all partner agencies.
2024-25 Q1 | Training programme | Teeswide multi-agency safeguarding training | | Complete
    The Teeswide programme of multi-agency safeguarding training developed with STSCP has started.
2024-25 Q1 | Training programme | E-learning
    E-learning completions on the Tees Safeguarding All MeLearning platform are now reported each month.
2024-25 Q2 | Work stream | Strengthening Assurance | | At risk
    Data for the PMF dashboard is still awaited from one partner agency; the business manager has raised this
    with the Executive.
2024-25 Q2 | Work stream | Evidencing the Child's Lived Experience | Neglect | On track
    Neglect Champions regularly meet to undertake work to progress this priority.
2024-25 Q2 | Event | Neglect of Children & Young People Conference | Neglect | Complete | 2024-08-29
    The multi-agency conference on Neglect of Children & Young People was delivered, with speakers from
    partner agencies and the Neglect Champions.
2024-25 Q3 | Work stream | Strengthening Assurance | | On track
    The PMF dashboard now holds every partner's data and is used by the PMF group at its quarterly meeting.
2024-25 Q3 | Work stream | Communication and Engagement | Neglect | On track
    The learning from the neglect conference is being shared through 7-minute briefings.
2024-25 Q4 | Work stream | Strengthening Assurance | | Complete
    The PMF group now reviews the scorecard, writes its commentary and signs off each quarter in the PMF
    dashboard.
2024-25 Q4 | Work stream | Evidencing the Child's Lived Experience | Neglect | On track
    Neglect Champions regularly meet to undertake work to progress this priority.
"""

# Tees procedures reviewed, two a quarter outside 2023-24 Q3 (names as on a procedures site; paths invented)
OTHER_PROCEDURES = """\
Bruising in Non-Mobile Babies; Neglect; Domestic Abuse; Children Missing from Home or Care;
Child Sexual Exploitation; Safer Sleep; Private Fostering; Resolving Professional Disagreements;
Information Sharing; Pre-Birth Assessment; Female Genital Mutilation; Harmful Sexual Behaviour;
Elective Home Education; Child Protection Conferences; Child Protection Plans;
Allegations against Staff or Volunteers; Online Safety; Self-harm and Suicidal Behaviour; Young Carers;
Parental Mental Health; Parental Substance Misuse; Working with Uncooperative Families;
Fabricated or Induced Illness; Modern Slavery and Trafficking; Radicalisation and Prevent;
Forced Marriage and Honour-Based Abuse; Disabled Children; Unaccompanied Asylum-Seeking Children;
Children Moving Across Local Authority Boundaries; Section 47 Enquiries""".replace("\n", " ").split("; ")

# --------------------------------------------------------------------------------------------------------
# Commentary on the KPIs rated Red: every one for all localities together (locality "All", written blank),
# and a few of one locality. A record is a line "quarter | KPI | locality | owner", its commentary on the
# lines indented by 4 and its action on the lines marked "  > " (AUDIT and PLAN name the usual actions).
# --------------------------------------------------------------------------------------------------------
ACTIONS = {
    "AUDIT": "Audit report and action plan to the Executive; actions tracked in the combined learning action plan.",
    "PLAN": "Lead officers of overdue actions asked for an update or a revised target date before the next meeting.",
    "TRACK": "Track the audit actions in the combined learning action plan.",
}
COMMENTARY = """
2021-22 Q1 | TR02 | All | Training coordinator
    Bookings were low early in the year as agencies returned to training after the pandemic; several sessions
    ran with spare places.
  > Advertise sessions earlier through the e-bulletin and agency training leads.
2021-22 Q1 | TR04 | All | Training coordinator
    Places booked but not used are well above target, mostly on virtual sessions where practitioners were
    called to urgent work on the day.
  > Remind line managers of the cancellation policy and release places to the waiting list 2 working days
  > before each session.
2021-22 Q1 | AU02 | All | Quality Assurance subgroup chair
    Fewer than half of the cases in the audit of neglect and the child's lived experience were graded good or
    better; daily lived experience was not always recorded.
  > Findings shared with the Neglect Champions and through a 7-minute briefing.
2021-22 Q2 | TR04 | All | Training coordinator
    The did-not-attend rate stayed high over the summer, when leave makes attendance harder to plan.
  > Send a reminder to each delegate and their manager 3 working days before the session.
2021-22 Q2 | AU02 | All | Quality Assurance subgroup chair
    The domestic abuse audit found that information was not always shared between agencies promptly after an
    incident.
  > AUDIT
2021-22 Q2 | TR05 | Hartlepool | Training coordinator
    Several smaller agencies in Hartlepool sent no one to training this quarter.
  > Contact the agencies with no attendance and offer them places.
2021-22 Q3 | AU02 | All | Quality Assurance subgroup chair
    The child exploitation audit found that risk assessments were not always shared across agencies and
    plans were not reviewed as risks changed.
  > AUDIT
2021-22 Q3 | AU03 | All | Quality Assurance subgroup chair
    Two cases in the child exploitation audit were graded inadequate; in both, the agencies' work was not
    joined up.
  > Lead agencies to report their actions to the Quality Assurance subgroup; escalated to the Executive.
2021-22 Q4 | TR04 | All | Training coordinator
    Winter pressures in frontline teams led to late withdrawals, most not cancelled in advance.
  > Report non-attendance by agency to the Learning and Development subgroup each quarter.
2021-22 Q4 | AU02 | All | Quality Assurance subgroup chair
    The audit of strategy discussions and section 47 enquiries found that not every agency was invited to
    strategy discussions.
  > AUDIT
2022-23 Q1 | TR04 | All | Learning and Development subgroup chair
    No improvement after the reminders: agencies say practitioners book places they cannot be sure to use.
  > Agree with agency training leads how unused places are followed up.
2022-23 Q1 | AU02 | All | Quality Assurance subgroup chair
    Half of the cases in the harmful sexual behaviour audit were graded good or better; the use of an
    assessment tool was inconsistent.
  > AUDIT
2022-23 Q1 | AU03 | All | Quality Assurance subgroup chair
    One case in the harmful sexual behaviour audit was graded inadequate.
  > Lead agency to report its actions to the Quality Assurance subgroup.
2022-23 Q1 | AU04 | All | Quality Assurance subgroup chair
    Not every action from this quarter's audit was completed by the time of the report.
  > Outstanding audit actions followed up at the Quality Assurance subgroup.
2022-23 Q1 | AP02 | All | Business manager
    Some actions in the combined learning action plan have passed their target dates while lead officers
    changed.
  > PLAN
2022-23 Q2 | AU02 | All | Quality Assurance subgroup chair
    The audit of children missing from home and education found that return interviews were not always
    shared with schools.
  > AUDIT
2022-23 Q4 | TR04 | All | Training coordinator
    Non-attendance rose again this quarter, mostly on virtual sessions.
  > Review how unused places are followed up with agency training leads.
2022-23 Q4 | AU02 | All | Quality Assurance subgroup chair
    The audit of pre-birth assessments found that assessments were started late in pregnancy in several
    cases.
  > AUDIT
2022-23 Q4 | AP01 | All | Business manager
    One action due this quarter was completed after its target date.
  > PLAN
2023-24 Q1 | TR04 | All | Training coordinator
    Slightly better than last year but still above target; the new online booking system should make
    cancelling easier.
  > Launch the online booking system with self-service cancellation.
2023-24 Q1 | AU02 | All | Quality Assurance subgroup chair
    The audit of ending child protection plans found that plans were not always stepped down with a clear
    plan for the family.
  > AUDIT
2023-24 Q2 | TR05 | Hartlepool | Training coordinator
    Few Hartlepool agencies attended over the summer; most Hartlepool sessions were in the quarter's first
    weeks.
  > Spread Hartlepool sessions across the quarter and promote them through agency training leads.
2023-24 Q3 | TR04 | All | Training coordinator
    Bookings now go through the new online booking system; non-attendance is lower than last year but still
    above the 10% target, mostly on virtual sessions.
  > Use the booking system's reminders and waiting list; report non-attendance by agency to the Learning and
  > Development subgroup.
2023-24 Q3 | AU02 | All | Business manager
    Four of the six cases in the multi-agency audit of step down from social care assessment were graded good
    or better, short of the target; with six cases one grade moves the figure a long way.
  > Audit report to the HSSCP Exec group in February 2024.
2023-24 Q3 | AP01 | All | Business manager
    Two actions due this quarter were completed after their target dates, as lead officers changed in two
    agencies.
  > PLAN
2023-24 Q3 | AP02 | All | Business manager
    Recommendations from reviews published this quarter have been added to the combined learning action
    plan; two older actions are overdue.
  > PLAN
2023-24 Q3 | TR04 | Hartlepool | Training coordinator
    Hartlepool sessions account for most of the non-attendance this quarter.
  > Hartlepool agency training leads to follow up non-attendance with managers.
2023-24 Q4 | AU02 | All | Quality Assurance subgroup chair
    The audit of disabled children and safeguarding found that communication needs were not always
    considered in assessments.
  > AUDIT
2023-24 Q4 | AU03 | All | Quality Assurance subgroup chair
    Three cases in the audit of disabled children and safeguarding were graded inadequate.
  > Lead agencies to report their actions to the Quality Assurance subgroup; escalated to the Executive.
2023-24 Q4 | AP01 | All | Business manager
    One action due this quarter was completed after its target date.
  > PLAN
2023-24 Q4 | AP02 | All | Business manager
    The same two actions as last quarter remain overdue.
  > Escalated to the Executive with the lead agencies.
2023-24 Q4 | AP03 | All | Business manager
    The two overdue actions have been overdue for more than two months.
  > Escalated to the Executive with the lead agencies.
2024-25 Q1 | AU04 | All | Quality Assurance subgroup chair
    Most actions from this quarter's audit are not yet complete; they were agreed recently.
  > TRACK
2024-25 Q1 | AP03 | All | Business manager
    One action remains overdue, for several months; the lead agency has a revised plan.
  > Revised target date to be agreed by the Executive.
2024-25 Q2 | AU02 | All | Quality Assurance subgroup chair
    The safer sleep audit found that safer sleep advice was not always repeated at later contacts.
  > AUDIT
2024-25 Q2 | AU04 | All | Quality Assurance subgroup chair
    Some actions from this quarter's audit are not yet complete.
  > TRACK
2024-25 Q2 | AP01 | All | Business manager
    Several actions due this quarter were completed late or are still open.
  > PLAN
2024-25 Q2 | AP02 | All | Business manager
    More actions are overdue as the plan has grown with new reviews.
  > PLAN
2024-25 Q2 | AU02 | Stockton-on-Tees | Quality Assurance subgroup chair
    The Stockton-on-Tees cases in the safer sleep audit were mostly graded requires improvement.
  > AUDIT
2024-25 Q3 | AU02 | All | Quality Assurance subgroup chair
    The elective home education audit found that information held by schools was not always passed on.
  > AUDIT
2024-25 Q3 | AU04 | All | Quality Assurance subgroup chair
    No actions from this quarter's audit were complete when the figures were taken; they were agreed
    recently.
  > TRACK
2024-25 Q3 | AP01 | All | Business manager
    Half of the actions due this quarter were completed by their target date.
  > PLAN
2024-25 Q3 | AP02 | All | Business manager
    A third of open actions are overdue.
  > Action plan review at the next Engine Room meeting.
2024-25 Q3 | AP03 | All | Business manager
    The overdue actions are on average more than three months past their target dates.
  > Action plan review at the next Engine Room meeting.
2024-25 Q3 | AU04 | Hartlepool | Quality Assurance subgroup chair
    No actions from the Hartlepool cases of this quarter's audit were complete when the figures were taken.
  > TRACK
2024-25 Q4 | AU04 | All | Quality Assurance subgroup chair
    No actions from this quarter's audit were complete when the figures were taken; they were agreed in
    February.
  > TRACK
2024-25 Q4 | AP01 | All | Business manager
    Few actions due this quarter were completed by their target date.
  > Action plan review with every lead agency.
2024-25 Q4 | AP02 | All | Business manager
    The share of overdue actions has risen for a third quarter.
  > Escalated to the Executive.
2024-25 Q4 | AP03 | All | Business manager
    Overdue actions are on average more than three months past their target dates.
  > Escalated to the Executive.
2024-25 Q4 | AP02 | Stockton-on-Tees | Business manager
    Several Stockton-on-Tees actions are overdue.
  > PLAN
"""


# --------------------------------------------------------------------------------------------------------
# Quarters and the tables
# --------------------------------------------------------------------------------------------------------
def quarters() -> list[tuple[int, int]]:
    return [(fy, q) for fy in range(FIRST_FY, LAST_FY + 1) for q in (1, 2, 3, 4)]


def label(fy: int, q: int) -> str:
    return f"{fy}-{(fy + 1) % 100:02d} Q{q}"


def quarter_months(fy: int, q: int) -> list[dt.date]:
    """The first day of each month of a financial-year quarter (Q1 = April to June)."""
    first = 4 + 3 * (q - 1)
    return [dt.date(fy + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(first, first + 3)]


def review_date(fy: int, q: int) -> dt.date:
    """The PMF group's meeting in the next quarter: the second Tuesday of its middle month."""
    nfy, nq = (fy, q + 1) if q < 4 else (fy + 1, 1)
    middle = quarter_months(nfy, nq)[1]
    return middle + dt.timedelta(days=(1 - middle.weekday()) % 7 + 7)


def records(table: str) -> list[tuple[list[str], str, str]]:
    """A table's records: the head line's fields, the text and the "  > " text."""
    out: list[tuple[list[str], str, str]] = []
    for line in table.replace("\\\n", "").splitlines():
        if line.startswith("  > "):
            head, text, marked = out[-1]
            out[-1] = (head, text, f"{marked} {line[4:]}".strip())
        elif line.startswith("    "):
            head, text, marked = out[-1]
            out[-1] = (head, f"{text} {line.strip()}".strip(), marked)
        elif line.strip():
            out.append(([field.strip() for field in line.split("|")], "", ""))
    return out


def update_row(
    section: str,
    title: str,
    text: str,
    priority: str = "",
    status: str = "",
    event_date: str = "",
    link: str = "",
) -> Row:
    return {
        "section": section,
        "title": TITLES.get(title, title),
        "priority": priority or None,
        "update": PROCEDURE_TEXT if text == "PROCEDURE" else text,
        "status": status or None,
        "event_date": dt.date.fromisoformat(event_date) if event_date else None,
        "link": link or None,
        "locality": "Teeswide",
    }


def written_updates() -> dict[str, list[Row]]:
    by_quarter: dict[str, list[Row]] = {}
    for (quarter, section, title, *rest), text, _ in records(UPDATES):
        by_quarter.setdefault(quarter, []).append(update_row(section, title, text, *rest))
    return by_quarter


def ebulletins(fy: int, q: int) -> list[Row]:
    return [
        update_row(
            "Communication",
            f"Safeguarding Children Newsletter - {month:%B %Y}",
            f"HSSCP's monthly e-bulletin for {month:%B %Y}, sent to partners and relevant agencies.",
            link=f"{HSSCP}/e-bulletins/safeguarding-children-newsletter-{month:%B-%Y}".lower(),
        )
        for month in quarter_months(fy, q)
    ]


def other_quarter_updates(fy: int, q: int, procedures: list[str]) -> list[Row]:
    """A quarter other than 2023-24 Q3: besides its written updates, two procedures reviewed, the year's
    training programme in Q1, the annual report in Q2 and the month's e-bulletins."""
    rows = []
    for name in procedures:
        link = f"{PROCEDURES_SITE}/{name.lower().replace(' ', '-')}/"
        rows.append(update_row("Procedure", name, PROCEDURE_TEXT, status="Complete", link=link))
    year = label(fy, q)[:7]
    if q == 1:
        text = f"The HSSCP annual safeguarding children training programme for April {fy} to March {fy + 1} is available."
        link = f"{HSSCP}/training/training-programme-{year}"
        rows.append(
            update_row(
                "Training programme",
                f"Annual safeguarding children training programme {year}",
                text,
                link=link,
            )
        )
    if q == 2:
        last_year = f"{fy - 1}-{fy % 100:02d}"
        text = f"The partnership's annual report for {last_year} has been published."
        rows.append(
            update_row(
                "Other",
                f"HSSCP annual report {last_year}",
                text,
                status="Complete",
                link=f"{HSSCP}/annual-reports",
            )
        )
    return rows


def make_updates() -> list[Row]:
    written = written_updates()
    out: list[Row] = []
    for n, (fy, q) in enumerate(quarters()):
        quarter = label(fy, q)
        rows = list(written.get(quarter, []))
        if quarter != Q3:
            procedures = OTHER_PROCEDURES[(2 * n) % len(OTHER_PROCEDURES) :][:2]
            rows += other_quarter_updates(fy, q, procedures)
        rows += ebulletins(fy, q)
        for i, update in enumerate(rows, start=1):
            out.append(
                {"update_id": f"UPD-{quarter.replace(' ', '-')}-{i:02d}", "quarter": quarter, **update}
            )
    return out


def make_commentary() -> list[Row]:
    by_label = {label(fy, q): (fy, q) for fy, q in quarters()}
    return [
        {
            "kpi": kpi,
            "quarter": quarter,
            "locality": None if locality == "All" else locality,
            "commentary": text,
            "action": ACTIONS.get(action, action),
            "owner": owner,
            "review_date": review_date(*by_label[quarter]),
        }
        for (quarter, kpi, locality, owner), text, action in records(COMMENTARY)
    ]


# --------------------------------------------------------------------------------------------------------
# Writing (byte-stable) and checking
# --------------------------------------------------------------------------------------------------------
def write_sheet(wb: Workbook, name: str, rows: list[Row]) -> None:
    sheet = wb.create_sheet(name)
    columns = COLUMNS[name]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in rows:
        sheet.append([item.get(column) for column in columns])
    for i, column in enumerate(columns, start=1):
        longest = max([len(column)] + [len(str(r[column])) for r in rows if r.get(column) is not None])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 9), 70)
        if column in DATE_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                if cell.value is not None:
                    cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


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


class SampleCheckError(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SampleCheckError(message)


def read_back(path: Path) -> dict[str, list[Row]]:
    """The workbook's sheets as rows, dates as dates."""
    book = load_workbook(path, read_only=True)
    try:
        out = {}
        for sheet in book.worksheets:
            header, *body = list(sheet.iter_rows(values_only=True))
            check(list(header) == COLUMNS[sheet.title], f"{sheet.title}: header {header}")
            out[sheet.title] = [
                {
                    k: v.date() if isinstance(v, dt.datetime) else v
                    for k, v in zip(header, values, strict=True)
                }
                for values in body
            ]
        return out
    finally:
        book.close()


def check_contract(sheets: dict[str, list[Row]]) -> None:
    """The contract's rules as docs/upload-format.md states them; a review date after its quarter."""
    ends = {label(fy, q): quarter_months(fy, q)[2] for fy, q in quarters()}
    updates, commentary = sheets["partnership_updates"], sheets["kpi_commentary"]
    check(len({u["update_id"] for u in updates}) == len(updates), "update_id is not unique")
    keys = [(c["kpi"], c["quarter"], c["locality"]) for c in commentary]
    check(len(set(keys)) == len(keys), "kpi_commentary has a key twice")
    for u in updates:
        where = f"partnership_updates {u['update_id']}: {u}"
        check(u["quarter"] in ends and u["section"] in SECTIONS and u["status"] in STATUSES, where)
        check(bool(u["title"]) and 0 < len(u["update"]) <= MAX_TEXT and u["locality"] in LOCALITIES, where)
        check(u["link"] is None or (u["link"].startswith("https://") and " " not in u["link"]), where)
        check(u["event_date"] is None or u["section"] == "Event", where)
    for c in commentary:
        where = f"kpi_commentary {c}"
        check(c["quarter"] in ends and c["locality"] in (None, *LOCALITIES), where)
        check(all(0 < len(c[k]) <= MAX_TEXT for k in ("commentary", "action", "owner")), where)
        check(c["review_date"] > ends[c["quarter"]], where)


def check_newsletter(updates: list[Row]) -> None:
    """2023-24 Q3 holds each narrative section of the newsletter; every quarter has updates."""
    q3 = [u for u in updates if u["quarter"] == Q3]
    text = " ".join(f"{u['title']} {u['update']}" for u in q3)
    for words in (
        "Catalyst and HartlePower",
        "All MeLearning platform",
        "STSCP",
        "Child Sexual Abuse Roadshow",
        "new online booking system",
        "rough guides",
        "Neglect Champions",
        "Neglect of Children & Young People",
    ):
        check(words in text, f"2023-24 Q3 does not say {words!r}")
    procedures = [u["title"] for u in q3 if u["section"] == "Procedure"]
    check(procedures == list(NEWSLETTER_PROCEDURES), f"2023-24 Q3 procedures {procedures}")
    events = [u["event_date"] for u in q3 if u["title"] == NALE]
    check(events == [dt.date(2024, 2, 6), dt.date(2024, 3, 28)], f"Neglect Active Learning Event {events}")
    bulletins = [u["title"] for u in q3 if u["section"] == "Communication"]
    months = [f"Safeguarding Children Newsletter - {m} 2023" for m in ("October", "November", "December")]
    check(bulletins == months, f"e-bulletins {bulletins}")
    check(
        {u["quarter"] for u in updates} == {label(fy, q) for fy, q in quarters()}, "a quarter has no update"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "output", nargs="?", type=Path, default=DEFAULT_OUTPUT, help="default: data/sample/quarterly.xlsx"
    )
    output: Path = parser.parse_args(argv).output
    sheets = {"partnership_updates": make_updates(), "kpi_commentary": make_commentary()}
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        write_sheet(wb, name, rows)
    output.parent.mkdir(parents=True, exist_ok=True)
    save_workbook_stable(wb, output)
    back = read_back(output)
    check_contract(back)
    check_newsletter(back["partnership_updates"])
    print(f"Wrote {output}: " + ", ".join(f"{name} {len(rows)} rows" for name, rows in back.items()))


if __name__ == "__main__":
    main()

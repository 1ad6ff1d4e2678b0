"""The words of the sample's quarterly cycle (data/sample/quarterly.xlsx): the partnership updates and the PMF
group's commentary, as tables of text that data/make_quarterly_sample.py turns into the workbook. Fictional
except 2023-24 Q3, which is the partnership's newsletter for that quarter in its own words."""

from __future__ import annotations

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

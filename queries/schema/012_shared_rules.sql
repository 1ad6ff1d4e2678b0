-- Rules that several queries share, written once: the KPI files (queries/kpi/<ID>.sql), their drill-downs
-- (queries/kpi/<ID>.records.sql), the area queries (queries/areas/) and, through review_timescales, the
-- Python that words sentences. Scalar macros are expanded where they are used, so they cost nothing at run
-- time; a record set shared by a KPI and its drill-down is a view.

-- Working days leave out Saturdays, Sundays and England and Wales bank holidays (the calendar table, whose
-- working_day_index counts working days up to and including the day): working_days(a, b) is the number of
-- working days from a to b, and working_day_after(a, n) the nth working day after a. A blank date gives NULL.
CREATE OR REPLACE MACRO working_days(a, b) AS
    (SELECT cb.working_day_index FROM calendar AS cb WHERE cb.day = b)
    - (SELECT ca.working_day_index FROM calendar AS ca WHERE ca.day = a);

CREATE OR REPLACE MACRO working_day_after(a, n) AS (
    SELECT cd.day
    FROM calendar AS ca
    JOIN calendar AS cd
        ON cd.is_working_day AND cd.working_day_index = ca.working_day_index + n
    WHERE ca.day = a
);

-- A row of the locality asked for: NULL asks for every row (all localities together); otherwise that
-- locality's own rows, Teeswide being a locality of its own.
CREATE OR REPLACE MACRO in_locality(row_locality, wanted) AS (wanted IS NULL OR row_locality = wanted);

-- Training: a session counts when it was delivered (not cancelled); e-learning rows are completions by course
-- and month, not sessions, and are left out of session counts and attendance.
CREATE OR REPLACE VIEW delivered_sessions AS
SELECT *
FROM training_sessions
WHERE status = 'Delivered';

CREATE OR REPLACE MACRO is_taught_session(delivery_mode) AS delivery_mode <> 'E-learning';

-- Audits: a case is graded when its overall grade is one of the four; Outstanding and Good are good or better.
CREATE OR REPLACE VIEW graded_audits AS
SELECT *
FROM audits
WHERE overall_grade IN ('Outstanding', 'Good', 'Requires improvement', 'Inadequate');

CREATE OR REPLACE MACRO is_good_or_better(grade) AS grade IN ('Outstanding', 'Good');

-- The action plan as at a day: an action is in the plan when it had been agreed by then (or its agreed date is
-- blank); it is open when, in addition, it had not been completed by then (no completion date, or a later
-- one), so an action completed later is still open for earlier days; it is overdue when open and its target
-- date is before that day (an action due on the day itself is not yet overdue).
CREATE OR REPLACE MACRO action_agreed_by(date_agreed, as_at) AS (date_agreed IS NULL OR date_agreed <= as_at);

CREATE OR REPLACE MACRO action_open_on(date_agreed, completed_date, as_at) AS
    action_agreed_by(date_agreed, as_at) AND (completed_date IS NULL OR completed_date > as_at);

CREATE OR REPLACE MACRO action_overdue_on(target_date, as_at) AS target_date < as_at;

-- The statutory and expected timescales of a serious incident review (review_timescales,
-- queries/schema/011_review_timescales.sql): every KPI (CR01-CR03), its drill-down, the Case reviews page and
-- the report read their deadlines and judgements from this view.
--
-- A step is on time when it took at most N working days (a step taken on the weekend after its deadline took
-- no more), and its deadline (due date) is the Nth working day after the day it counts from.
--
-- Timeliness belongs to the period in which the deadline fell (the *_judged_on columns): a step still not
-- taken when its deadline has passed is late on that day, not invisible until it is finally taken. A step
-- not taken whose deadline is still ahead (today) is pending: judged_on is NULL and no KPI counts it yet.
--   * A rapid review with an extension agreed with the Panel is judged against the agreed timescale. The
--     contract records that an extension was agreed, not its date, so such a review is pending until it is
--     sent and then counts as on time in the period it was sent.
--   * A withdrawn notification (criteria not met) has no rapid review to judge.
--   * An LCSPR with no final report whose publication is delayed with a reason (parallel proceedings) is
--     never late: it is pending, shown with its reason.
--   * A date a deadline counts from that is blank (no la_aware_date; an LCSPR with no decision date) leaves
--     the step unjudged: the pages and the report count and say so.
CREATE OR REPLACE VIEW review_deadlines AS
WITH dated AS (
    SELECT
        r.review_id,
        r.locality,
        r.nature,
        r.harm_type,
        r.la_aware_date::DATE AS la_aware_date,
        r.notification_date::DATE AS notification_date,
        r.rr_completed_date::DATE AS rr_completed_date,
        r.rr_outcome,
        coalesce(r.rr_extension_agreed, false) AS rr_extension_agreed,
        r.rr_outcome = 'Notification withdrawn' AS withdrawn,
        r.panel_response,
        r.panel_response_date::DATE AS panel_response_date,
        r.lcspr_decision_date::DATE AS lcspr_decision_date,
        r.learning_event_date::DATE AS learning_event_date,
        r.recall_event_date::DATE AS recall_event_date,
        r.final_report_date::DATE AS final_report_date,
        r.lcspr_published_date::DATE AS lcspr_published_date,
        r.publication_delay_reason,
        r.published_name,
        coalesce(r.final_report_date, r.lcspr_published_date)::DATE AS lcspr_completed_date,
        (r.lcspr_decision_date::DATE + to_months(ts.lcspr_months))::DATE AS lcspr_due_date,
        ts.notification_working_days AS notification_limit,
        ts.rapid_review_working_days AS rr_limit
    FROM reviews AS r
    CROSS JOIN review_timescales AS ts
),
timed AS (
    SELECT
        d.* EXCLUDE (notification_limit, rr_limit),
        working_day_after(d.la_aware_date, d.notification_limit) AS notification_due_date,
        working_days(d.la_aware_date, d.notification_date) AS notification_working_days,
        working_day_after(d.notification_date, d.rr_limit) AS rr_due_date,
        working_days(d.notification_date, d.rr_completed_date) AS rr_working_days,
        d.notification_limit,
        d.rr_limit
    FROM dated AS d
)
SELECT
    t.* EXCLUDE (notification_limit, rr_limit),
    -- notification
    t.notification_working_days <= t.notification_limit AS notification_on_time,
    t.notification_due_date AS notification_judged_on,
    -- rapid review
    CASE
        WHEN t.withdrawn THEN NULL
        WHEN t.rr_extension_agreed THEN t.rr_completed_date IS NOT NULL
        ELSE t.rr_completed_date IS NOT NULL AND t.rr_working_days <= t.rr_limit
    END AS rr_on_time,
    CASE
        WHEN t.withdrawn THEN NULL
        WHEN t.rr_extension_agreed THEN t.rr_completed_date
        WHEN t.rr_working_days <= t.rr_limit OR t.rr_due_date < current_date THEN t.rr_due_date
    END AS rr_judged_on,
    -- LCSPR
    t.lcspr_completed_date IS NOT NULL AND t.lcspr_completed_date <= t.lcspr_due_date AS lcspr_on_time,
    CASE
        WHEN t.lcspr_decision_date IS NULL THEN NULL
        WHEN t.lcspr_completed_date <= t.lcspr_due_date THEN t.lcspr_due_date
        WHEN t.final_report_date IS NULL AND t.publication_delay_reason IS NOT NULL THEN NULL
        WHEN t.lcspr_due_date < current_date THEN t.lcspr_due_date
    END AS lcspr_judged_on
FROM timed AS t;

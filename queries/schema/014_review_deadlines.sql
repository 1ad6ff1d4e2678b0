-- The statutory and expected timescales of a serious incident review, judged once: every KPI (CR01-CR03),
-- its drill-down, the Case reviews page and the report read their deadlines and judgements from this view.
-- It recreates 010_review_deadlines.sql's view reading the timescales from review_timescales
-- (011_review_timescales.sql) instead of literals.
--
-- A step is on time when it took at most N working days (a step taken on the weekend after its deadline took
-- no more), and its deadline (due date) is the Nth working day after the day it counts from. Working days
-- are those of working_days(a, b) and working_day_after(a, n) (012_shared_rules.sql), written here as plain
-- joins on the calendar: this view is the hot path of CR01-CR03 and the Case reviews page, and the macros'
-- subqueries made it about half as slow again (tests/test_review_deadlines.py checks that the two agree).
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
        dn.day AS notification_due_date,
        cn.working_day_index - ca.working_day_index AS notification_working_days,
        dr.day AS rr_due_date,
        cr.working_day_index - cn.working_day_index AS rr_working_days,
        d.notification_limit,
        d.rr_limit
    FROM dated AS d
    LEFT JOIN calendar AS ca ON ca.day = d.la_aware_date
    LEFT JOIN calendar AS cn ON cn.day = d.notification_date
    LEFT JOIN calendar AS cr ON cr.day = d.rr_completed_date
    LEFT JOIN calendar AS dn
        ON dn.is_working_day AND dn.working_day_index = ca.working_day_index + d.notification_limit
    LEFT JOIN calendar AS dr
        ON dr.is_working_day AND dr.working_day_index = cn.working_day_index + d.rr_limit
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

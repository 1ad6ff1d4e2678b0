-- Every serious incident review whose journey overlaps the period, for the locality ($locality NULL = all),
-- with its three deadlines and whether each step was on time. Working days as CR01 and CR02 (the calendar
-- table: wd(a, b) = index(b) - index(a)); the LCSPR deadline as CR03 (the same date $lcspr_months calendar
-- months on, or that month's last day).
--
-- A journey runs from the day the local authority became aware (or the notification) to the rapid review,
-- or, when the rapid review decided on an LCSPR, to its publication; a step not yet taken leaves it open.
--
-- Step statuses: 'On time' / 'Late' for a step taken (judged on every date known, even after the period);
-- for a step not taken: 'Overdue' when its deadline was before the period's last day, else 'Not yet due';
-- 'Not known' when the date the deadline counts from is blank (CR01 and CR03 leave those out too).
-- Parameters: $period_start, $period_end (DATE), $locality, $notification_days, $rapid_review_days,
-- $lcspr_months.
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
        r.lcspr_start_date::DATE AS lcspr_start_date,
        r.learning_event_date::DATE AS learning_event_date,
        r.recall_event_date::DATE AS recall_event_date,
        r.lcspr_published_date::DATE AS lcspr_published_date,
        r.published_name,
        (r.lcspr_start_date::DATE + to_months($lcspr_months::INTEGER))::DATE AS lcspr_due_date
    FROM reviews AS r
    WHERE ($locality::VARCHAR IS NULL OR r.locality = $locality)
),
timed AS (
    SELECT
        d.*,
        dn.day AS notification_due_date,
        cn.working_day_index - ca.working_day_index AS notification_working_days,
        dr.day AS rr_due_date,
        cr.working_day_index - cn.working_day_index AS rr_working_days,
        coalesce(d.la_aware_date, d.notification_date) AS journey_start,
        CASE
            WHEN d.rr_outcome = 'LCSPR' OR d.lcspr_start_date IS NOT NULL THEN d.lcspr_published_date
            ELSE d.rr_completed_date
        END AS journey_end
    FROM dated AS d
    LEFT JOIN calendar AS ca ON ca.day = d.la_aware_date
    LEFT JOIN calendar AS cn ON cn.day = d.notification_date
    LEFT JOIN calendar AS cr ON cr.day = d.rr_completed_date
    LEFT JOIN calendar AS dn
        ON dn.is_working_day AND dn.working_day_index = ca.working_day_index + $notification_days::INTEGER
    LEFT JOIN calendar AS dr
        ON dr.is_working_day AND dr.working_day_index = cn.working_day_index + $rapid_review_days::INTEGER
)
SELECT
    t.review_id,
    t.locality,
    t.nature,
    t.harm_type,
    t.la_aware_date,
    t.notification_date,
    t.notification_due_date,
    t.notification_working_days,
    CASE
        WHEN t.la_aware_date IS NULL THEN 'Not known'
        WHEN t.notification_working_days <= $notification_days::INTEGER THEN 'On time'
        ELSE 'Late'
    END AS notification_status,
    t.rr_completed_date,
    t.rr_due_date,
    t.rr_working_days,
    CASE
        WHEN t.rr_completed_date IS NOT NULL AND t.rr_working_days <= $rapid_review_days::INTEGER THEN 'On time'
        WHEN t.rr_completed_date IS NOT NULL THEN 'Late'
        WHEN t.rr_due_date < $period_end::DATE THEN 'Overdue'
        ELSE 'Not yet due'
    END AS rr_status,
    t.rr_outcome,
    t.lcspr_start_date,
    t.learning_event_date,
    t.recall_event_date,
    t.lcspr_due_date,
    t.lcspr_published_date,
    t.published_name,
    CASE
        WHEN t.lcspr_start_date IS NULL AND t.rr_outcome = 'LCSPR' THEN 'Not known'
        WHEN t.lcspr_start_date IS NULL THEN NULL
        WHEN t.lcspr_published_date IS NOT NULL AND t.lcspr_published_date <= t.lcspr_due_date THEN 'On time'
        WHEN t.lcspr_published_date IS NOT NULL THEN 'Late'
        WHEN t.lcspr_due_date < $period_end::DATE THEN 'Overdue'
        ELSE 'Not yet due'
    END AS lcspr_status
FROM timed AS t
WHERE t.journey_start <= $period_end::DATE
  AND (t.journey_end IS NULL OR t.journey_end >= $period_start::DATE)
ORDER BY t.notification_date, t.review_id

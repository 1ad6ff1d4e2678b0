-- Every serious incident review whose journey overlaps the period, for the locality ($locality NULL = all),
-- with its three deadlines and the status of each step as at the period's last day. Deadlines and working
-- days come from the review_deadlines view (queries/schema/012_shared_rules.sql), as CR01-CR03 use.
--
-- A journey runs from the day the local authority became aware (or the notification) to the rapid review,
-- or, when the rapid review decided on an LCSPR, to its publication; a step not yet taken leaves it open.
--
-- Step statuses: 'On time' / 'Late' for a step taken (judged on every date known, even after the period);
-- for a step not taken: 'Overdue' when its deadline was before the period's last day, else 'Not yet due';
-- 'Extension agreed' for a rapid review the Panel gave longer; 'Withdrawn' for a withdrawn notification;
-- 'Delayed' for an LCSPR with no final report whose publication is delayed with a reason; 'Not known' when
-- the date the deadline counts from is blank.
-- Parameters: $period_start, $period_end (DATE), $locality.
WITH timed AS (
    SELECT
        d.*,
        coalesce(d.la_aware_date, d.notification_date) AS journey_start,
        CASE
            WHEN d.rr_outcome = 'LCSPR' OR d.lcspr_decision_date IS NOT NULL THEN d.lcspr_published_date
            ELSE d.rr_completed_date
        END AS journey_end
    FROM review_deadlines AS d
    WHERE in_locality(d.locality, $locality::VARCHAR)
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
        WHEN t.notification_on_time THEN 'On time'
        ELSE 'Late'
    END AS notification_status,
    t.rr_completed_date,
    t.rr_due_date,
    t.rr_working_days,
    t.rr_extension_agreed,
    CASE
        WHEN t.withdrawn THEN 'Withdrawn'
        WHEN t.rr_completed_date IS NOT NULL AND t.rr_on_time THEN 'On time'
        WHEN t.rr_completed_date IS NOT NULL THEN 'Late'
        WHEN t.rr_extension_agreed THEN 'Extension agreed'
        WHEN t.rr_due_date < $period_end::DATE THEN 'Overdue'
        ELSE 'Not yet due'
    END AS rr_status,
    t.rr_outcome,
    t.panel_response,
    t.panel_response_date,
    t.lcspr_decision_date,
    t.learning_event_date,
    t.recall_event_date,
    t.lcspr_due_date,
    t.final_report_date,
    t.lcspr_completed_date,
    t.lcspr_published_date,
    t.publication_delay_reason,
    t.published_name,
    CASE
        WHEN t.lcspr_decision_date IS NULL AND t.rr_outcome = 'LCSPR' THEN 'Not known'
        WHEN t.lcspr_decision_date IS NULL THEN NULL
        WHEN t.lcspr_completed_date IS NOT NULL AND t.lcspr_on_time THEN 'On time'
        WHEN t.lcspr_completed_date IS NOT NULL THEN 'Late'
        WHEN t.publication_delay_reason IS NOT NULL THEN 'Delayed'
        WHEN t.lcspr_due_date < $period_end::DATE THEN 'Overdue'
        ELSE 'Not yet due'
    END AS lcspr_status
FROM timed AS t
WHERE t.journey_start <= $period_end::DATE
  AND (t.journey_end IS NULL OR t.journey_end >= $period_start::DATE)
ORDER BY t.notification_date, t.review_id

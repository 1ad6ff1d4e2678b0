-- CR03 records: the LCSPRs that CR03 counts (their 6 months from the decision to hold them ran out in the
-- period), with the deadline, the completion (final report, else publication) and how each counts:
-- 'Within 6 months', 'Completed late' or 'Late, not completed'. From the review_deadlines view.
-- days_past_deadline is to completion, or to the period's last day when not completed. Late first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    d.review_id,
    d.locality,
    d.published_name,
    d.lcspr_decision_date,
    d.lcspr_due_date AS deadline,
    d.final_report_date,
    d.lcspr_published_date,
    greatest(date_diff('day', d.lcspr_due_date, coalesce(d.lcspr_completed_date, $period_end::DATE)), 0)
        AS days_past_deadline,
    CASE
        WHEN d.lcspr_on_time THEN 'Within 6 months'
        WHEN d.lcspr_completed_date IS NOT NULL THEN 'Completed late'
        ELSE 'Late, not completed'
    END AS counts_as
FROM review_deadlines AS d
WHERE d.lcspr_judged_on BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(d.locality, $locality::VARCHAR)
ORDER BY counts_as = 'Within 6 months', deadline, review_id

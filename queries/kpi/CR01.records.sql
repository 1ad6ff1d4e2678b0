-- CR01 records: the notifications that CR01 counts (their deadline, the 5th working day after the local
-- authority became aware, fell in the period), with the working days taken, the deadline and whether the
-- notification was on time (the review_deadlines view, queries/schema/012_shared_rules.sql). Late first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    d.review_id,
    d.locality,
    d.nature,
    d.la_aware_date,
    d.notification_date,
    d.notification_working_days AS working_days,
    d.notification_due_date AS deadline,
    CASE WHEN d.notification_on_time THEN 'On time' ELSE 'Late' END AS counts_as
FROM review_deadlines AS d
WHERE d.notification_judged_on BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(d.locality, $locality::VARCHAR)
ORDER BY counts_as = 'On time', deadline, review_id

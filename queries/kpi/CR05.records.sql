-- CR05 records: the rapid reviews that CR05 counts (sent to the Panel in the period), each under its outcome
-- ('Not recorded' when blank). Withdrawn notifications are left out, as in CR05.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    r.review_id,
    r.locality,
    r.nature,
    r.notification_date::DATE AS notification_date,
    r.rr_completed_date::DATE AS rr_completed_date,
    coalesce(r.rr_outcome, 'Not recorded') AS counts_as
FROM reviews AS r
WHERE r.rr_completed_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND r.rr_outcome IS DISTINCT FROM 'Notification withdrawn'
  AND in_locality(r.locality, $locality::VARCHAR)
ORDER BY rr_completed_date, review_id

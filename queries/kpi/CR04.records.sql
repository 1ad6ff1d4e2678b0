-- CR04 records: the serious incident notifications that CR04 counts (notified in the period), each under
-- its nature.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    r.review_id,
    r.locality,
    r.harm_type,
    r.la_aware_date::DATE AS la_aware_date,
    r.notification_date::DATE AS notification_date,
    r.nature AS counts_as
FROM reviews AS r
WHERE r.notification_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(r.locality, $locality::VARCHAR)
ORDER BY notification_date, review_id

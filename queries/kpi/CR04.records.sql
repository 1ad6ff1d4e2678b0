-- CR04 records: the serious incident notifications that CR04 counts (notified in the period), each under
-- its nature.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
WITH params AS (
    SELECT
        $period_start::DATE AS period_start,
        $period_end::DATE AS period_end,
        $locality::VARCHAR AS locality
),
records AS (
    SELECT
        r.review_id,
        r.locality,
        r.harm_type,
        r.la_aware_date::DATE AS la_aware_date,
        r.notification_date::DATE AS notification_date,
        r.nature AS counts_as
    FROM reviews AS r
    CROSS JOIN params AS p
    WHERE r.notification_date::DATE BETWEEN p.period_start AND p.period_end
      AND (p.locality IS NULL OR r.locality = p.locality)
)
SELECT *
FROM records
ORDER BY notification_date, review_id

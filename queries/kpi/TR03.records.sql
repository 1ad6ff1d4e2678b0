-- TR03 records: the delivered training sessions that TR03 adds up; the KPI is the sum of attended over the
-- sum of places_booked.
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
        s.session_id,
        s.session_date::DATE AS session_date,
        s.course_title,
        s.locality,
        s.delivery_mode,
        s.places_booked,
        s.attended,
        round(100.0 * s.attended / NULLIF(s.places_booked, 0), 1) AS attendance_rate_percent,
        'Counted' AS counts_as
    FROM training_sessions AS s
    CROSS JOIN params AS p
    WHERE s.status = 'Delivered'
      AND s.delivery_mode <> 'E-learning'
      AND s.session_date::DATE BETWEEN p.period_start AND p.period_end
      AND (p.locality IS NULL OR s.locality = p.locality)
)
SELECT *
FROM records
ORDER BY session_date, session_id

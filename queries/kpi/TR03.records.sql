-- TR03 records: the delivered training sessions that TR03 adds up; the KPI is the sum of attended over the
-- sum of places_booked.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
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
FROM delivered_sessions AS s
WHERE is_taught_session(s.delivery_mode)
  AND s.session_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(s.locality, $locality::VARCHAR)
ORDER BY session_date, session_id

-- TR02 records: the delivered training sessions with places offered recorded that TR02 adds up; the KPI is
-- the sum of places_booked over the sum of places_offered.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    s.session_id,
    s.session_date::DATE AS session_date,
    s.course_title,
    s.locality,
    s.delivery_mode,
    s.places_offered,
    s.places_booked,
    round(100.0 * s.places_booked / NULLIF(s.places_offered, 0), 1) AS fill_rate_percent,
    'Counted' AS counts_as
FROM delivered_sessions AS s
WHERE s.places_offered IS NOT NULL
  AND s.session_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(s.locality, $locality::VARCHAR)
ORDER BY session_date, session_id

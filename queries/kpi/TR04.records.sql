-- TR04 records: the delivered training sessions with did-not-attend recorded that TR04 adds up; the KPI is
-- the sum of did_not_attend over the sum of places_booked.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    s.session_id,
    s.session_date::DATE AS session_date,
    s.course_title,
    s.locality,
    s.delivery_mode,
    s.places_booked,
    s.did_not_attend,
    round(100.0 * s.did_not_attend / NULLIF(s.places_booked, 0), 1) AS did_not_attend_rate_percent,
    'Counted' AS counts_as
FROM delivered_sessions AS s
WHERE s.did_not_attend IS NOT NULL
  AND s.session_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(s.locality, $locality::VARCHAR)
ORDER BY session_date, session_id

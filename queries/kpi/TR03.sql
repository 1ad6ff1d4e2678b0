-- id: TR03
-- title: Attendance rate
-- unit: percent
-- direction: higher
-- target: 85
-- tolerance:
-- category:
-- records: training_sessions
-- publication: activity
-- description: People who attended as a share of places booked, over delivered training sessions whose session date falls in the period; cancelled sessions are left out. E-learning is recorded as completions by course and month, not as sessions, and is left out.
SELECT
    p.period,
    s.locality,
    NULL::VARCHAR AS category,
    sum(s.attended)::DOUBLE AS numerator,
    sum(s.places_booked)::DOUBLE AS denominator,
    100.0 * sum(s.attended) / NULLIF(sum(s.places_booked), 0) AS value
FROM delivered_sessions AS s
JOIN kpi_periods AS p
    ON s.session_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
WHERE is_taught_session(s.delivery_mode)
GROUP BY GROUPING SETS ((p.period, s.locality), (p.period))
ORDER BY p.period, s.locality NULLS FIRST

-- id: TR02
-- title: Fill rate
-- unit: percent
-- direction: higher
-- target: 85
-- tolerance:
-- category:
-- records: training_sessions
-- publication: activity
-- description: Places booked as a share of places offered, over delivered training sessions whose session date falls in the period and whose places offered is recorded; cancelled sessions and sessions with places offered left blank (for example open e-learning) are left out of both numerator and denominator.
SELECT
    p.period,
    s.locality,
    NULL::VARCHAR AS category,
    sum(s.places_booked)::DOUBLE AS numerator,
    sum(s.places_offered)::DOUBLE AS denominator,
    100.0 * sum(s.places_booked) / NULLIF(sum(s.places_offered), 0) AS value
FROM delivered_sessions AS s
JOIN kpi_periods AS p
    ON s.session_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
WHERE s.places_offered IS NOT NULL
GROUP BY GROUPING SETS ((p.period, s.locality), (p.period))
ORDER BY p.period, s.locality NULLS FIRST

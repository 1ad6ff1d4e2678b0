-- id: TR06
-- title: Confidence uplift
-- unit: points
-- direction: higher
-- target: 1.0
-- tolerance:
-- category:
-- records: training_sessions
-- publication: activity
-- description: Average rise in participants' confidence (on the 1 to 5 scale), post-course average minus pre-course average, over delivered training sessions whose session date falls in the period and that have both averages recorded; each session counts once, whatever its size. Numerator is the total rise, denominator the number of sessions.
SELECT
    p.period,
    s.locality,
    NULL::VARCHAR AS category,
    sum(s.post_confidence_avg - s.pre_confidence_avg)::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    avg(s.post_confidence_avg - s.pre_confidence_avg)::DOUBLE AS value
FROM delivered_sessions AS s
JOIN kpi_periods AS p
    ON s.session_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
WHERE s.pre_confidence_avg IS NOT NULL
  AND s.post_confidence_avg IS NOT NULL
GROUP BY GROUPING SETS ((p.period, s.locality), (p.period))
ORDER BY p.period, s.locality NULLS FIRST

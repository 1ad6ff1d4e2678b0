-- id: TR01
-- title: Training sessions delivered
-- unit: count
-- direction: none
-- target:
-- tolerance:
-- category: Delivery mode
-- records: training_sessions
-- publication: activity
-- description: Number of training sessions with status Delivered whose session date falls in the period, split by delivery mode (face to face, virtual); cancelled sessions are not counted. Teeswide sessions are counted under Teeswide and once in the all-localities total. A count for context, with no target. E-learning is recorded as completions by course and month, not as sessions, and is left out.
SELECT
    p.period,
    s.locality,
    s.delivery_mode AS category,
    count(*)::DOUBLE AS numerator,
    NULL::DOUBLE AS denominator,
    count(*)::DOUBLE AS value
FROM delivered_sessions AS s
JOIN kpi_periods AS p
    ON s.session_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
WHERE is_taught_session(s.delivery_mode)
GROUP BY GROUPING SETS (
    (p.period, s.locality, s.delivery_mode),
    (p.period, s.locality),
    (p.period, s.delivery_mode),
    (p.period)
)
ORDER BY p.period, s.locality NULLS FIRST, s.delivery_mode NULLS FIRST

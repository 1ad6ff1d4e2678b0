-- id: TR05
-- title: Agency reach
-- unit: count
-- direction: higher
-- target: 8
-- tolerance:
-- category:
-- records: training_attendance
-- publication: activity
-- description: Number of different agencies with at least one person attending a delivered training session whose session date falls in the period, from the attendance-by-agency records; agencies that booked but did not attend, and cancelled sessions, are not counted. The locality is the session's locality, and an agency is counted once however many sessions it attended, so the all-localities figure can be less than the sum of the localities.
SELECT
    p.period,
    s.locality,
    NULL::VARCHAR AS category,
    count(DISTINCT a.agency)::DOUBLE AS numerator,
    NULL::DOUBLE AS denominator,
    count(DISTINCT a.agency)::DOUBLE AS value
FROM training_attendance AS a
JOIN training_sessions AS s
    ON s.session_id = a.session_id
JOIN kpi_periods AS p
    ON s.session_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
WHERE s.status = 'Delivered'
  AND a.attended > 0
GROUP BY GROUPING SETS ((p.period, s.locality), (p.period))
ORDER BY p.period, s.locality NULLS FIRST

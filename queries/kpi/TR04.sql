-- id: TR04
-- title: Did-not-attend rate
-- unit: percent
-- direction: lower
-- target: 10
-- tolerance:
-- category:
-- records: training_sessions
-- publication: activity
-- description: People who booked but did not attend as a share of places booked, over delivered training sessions whose session date falls in the period and whose did-not-attend figure is recorded; cancelled sessions and sessions with did-not-attend left blank are left out of both numerator and denominator.
SELECT
    p.period,
    s.locality,
    NULL::VARCHAR AS category,
    sum(s.did_not_attend)::DOUBLE AS numerator,
    sum(s.places_booked)::DOUBLE AS denominator,
    100.0 * sum(s.did_not_attend) / NULLIF(sum(s.places_booked), 0) AS value
FROM delivered_sessions AS s
JOIN kpi_periods AS p
    ON s.session_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
WHERE s.did_not_attend IS NOT NULL
GROUP BY GROUPING SETS ((p.period, s.locality), (p.period))
ORDER BY p.period, s.locality NULLS FIRST

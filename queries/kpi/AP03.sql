-- id: AP03
-- title: Median days overdue
-- unit: days
-- direction: lower
-- target: 30
-- tolerance:
-- category:
-- records: actions
-- publication: activity
-- description: As at the period's last day: the median number of calendar days from target date to the period's last day, over the actions that were open and overdue on that day (as in AP02: agreed by then or agreed date blank, not completed by then, target date before that day). With an even number of overdue actions the median is the average of the middle two. Denominator is the number of overdue open actions; no value when none are overdue.
SELECT
    p.period,
    a.locality,
    NULL::VARCHAR AS category,
    median(date_diff('day', a.target_date::DATE, p.period_end::DATE))::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    median(date_diff('day', a.target_date::DATE, p.period_end::DATE))::DOUBLE AS value
FROM actions AS a
JOIN kpi_periods AS p
    ON action_open_on(a.date_agreed, a.completed_date, p.period_end)
    AND action_overdue_on(a.target_date, p.period_end)
GROUP BY GROUPING SETS ((p.period, a.locality), (p.period))
ORDER BY p.period, a.locality NULLS FIRST

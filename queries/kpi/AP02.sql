-- id: AP02
-- title: Overdue actions
-- unit: percent
-- direction: lower
-- target: 10
-- tolerance:
-- category:
-- records: actions
-- publication: activity
-- description: As at the period's last day: open actions whose target date is before that day, as a share of all open actions. An action is open on that day when it had been agreed by then (or its agreed date is blank) and it had not been completed by then (no completion date, or completed after that day), so an action completed later still counts as open for earlier periods. An action due on the last day itself is open but not yet overdue.
SELECT
    p.period,
    a.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE action_overdue_on(a.target_date, p.period_end))::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE action_overdue_on(a.target_date, p.period_end)) / NULLIF(count(*), 0) AS value
FROM actions AS a
JOIN kpi_periods AS p
    ON action_open_on(a.date_agreed, a.completed_date, p.period_end)
GROUP BY GROUPING SETS ((p.period, a.locality), (p.period))
ORDER BY p.period, a.locality NULLS FIRST

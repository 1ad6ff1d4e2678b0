-- id: AP01
-- title: Actions completed by target date
-- unit: percent
-- direction: higher
-- target: 90
-- tolerance:
-- category:
-- records: actions
-- publication: activity
-- description: Learning action plan actions completed on or before their target date, as a share of all actions whose target date falls in the period (so their target date has passed by the period's last day). An action with no completion date, or completed after its target date, counts as not completed by target date. Teeswide actions count under Teeswide and once in the all-localities total.
SELECT
    p.period,
    a.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE a.completed_date::DATE <= a.target_date::DATE)::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE a.completed_date::DATE <= a.target_date::DATE) / NULLIF(count(*), 0) AS value
FROM actions AS a
JOIN kpi_periods AS p
    ON a.target_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
GROUP BY GROUPING SETS ((p.period, a.locality), (p.period))
ORDER BY p.period, a.locality NULLS FIRST

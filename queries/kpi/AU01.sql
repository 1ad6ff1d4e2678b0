-- id: AU01
-- title: Cases audited
-- unit: count
-- direction: none
-- target:
-- tolerance:
-- category:
-- records: audits
-- publication: activity
-- description: Number of cases looked at in multi-agency audits whose audit date falls in the period, whatever their grade. A count for context, with no target.
SELECT
    p.period,
    a.locality,
    NULL::VARCHAR AS category,
    count(*)::DOUBLE AS numerator,
    NULL::DOUBLE AS denominator,
    count(*)::DOUBLE AS value
FROM audits AS a
JOIN kpi_periods AS p
    ON a.audit_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
GROUP BY GROUPING SETS ((p.period, a.locality), (p.period))
ORDER BY p.period, a.locality NULLS FIRST

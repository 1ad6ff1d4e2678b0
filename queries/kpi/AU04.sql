-- id: AU04
-- title: Audit actions completed
-- unit: percent
-- direction: higher
-- target: 90
-- tolerance:
-- category:
-- records: audits
-- publication: activity
-- description: Actions completed as a share of actions raised, added up over audited cases whose audit date falls in the period and whose actions raised is recorded; cases with actions raised left blank are left out, and a blank actions completed on a case with actions raised counts as none completed. Figures are as currently recorded on the audit rows, not as they were at the period's end: a past quarter's figure rises as its actions are completed and the audit rows are uploaded again.
SELECT
    p.period,
    a.locality,
    NULL::VARCHAR AS category,
    sum(coalesce(a.actions_completed, 0))::DOUBLE AS numerator,
    sum(a.actions_raised)::DOUBLE AS denominator,
    100.0 * sum(coalesce(a.actions_completed, 0)) / NULLIF(sum(a.actions_raised), 0) AS value
FROM audits AS a
JOIN kpi_periods AS p
    ON a.audit_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
WHERE a.actions_raised IS NOT NULL
GROUP BY GROUPING SETS ((p.period, a.locality), (p.period))
ORDER BY p.period, a.locality NULLS FIRST

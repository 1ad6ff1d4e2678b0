-- id: AU03
-- title: Cases graded inadequate
-- unit: percent
-- direction: lower
-- target: 0
-- tolerance:
-- category:
-- records: audits
-- publication: case
-- description: Audited cases graded Inadequate as a share of all graded cases (Outstanding, Good, Requires improvement or Inadequate), for audits whose audit date falls in the period.
SELECT
    p.period,
    a.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE a.overall_grade = 'Inadequate')::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE a.overall_grade = 'Inadequate') / NULLIF(count(*), 0) AS value
FROM graded_audits AS a
JOIN kpi_periods AS p
    ON a.audit_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
GROUP BY GROUPING SETS ((p.period, a.locality), (p.period))
ORDER BY p.period, a.locality NULLS FIRST

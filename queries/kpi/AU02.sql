-- id: AU02
-- title: Cases graded good or better
-- unit: percent
-- direction: higher
-- target: 80
-- tolerance:
-- category:
-- records: audits
-- publication: case
-- description: Audited cases graded Outstanding or Good as a share of all graded cases (Outstanding, Good, Requires improvement or Inadequate), for audits whose audit date falls in the period.
SELECT
    p.period,
    a.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE is_good_or_better(a.overall_grade))::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE is_good_or_better(a.overall_grade)) / NULLIF(count(*), 0) AS value
FROM graded_audits AS a
JOIN kpi_periods AS p
    ON a.audit_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
GROUP BY GROUPING SETS ((p.period, a.locality), (p.period))
ORDER BY p.period, a.locality NULLS FIRST

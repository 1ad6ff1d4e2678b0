-- id: CR06
-- title: LCSPRs published
-- unit: count
-- direction: none
-- target:
-- tolerance:
-- category:
-- records: reviews
-- publication: case
-- description: Number of Local Child Safeguarding Practice Reviews whose publication date falls in the period. A count for context, with no target.
SELECT
    p.period,
    r.locality,
    NULL::VARCHAR AS category,
    count(*)::DOUBLE AS numerator,
    NULL::DOUBLE AS denominator,
    count(*)::DOUBLE AS value
FROM reviews AS r
JOIN kpi_periods AS p
    ON r.lcspr_published_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
GROUP BY GROUPING SETS ((p.period, r.locality), (p.period))
ORDER BY p.period, r.locality NULLS FIRST

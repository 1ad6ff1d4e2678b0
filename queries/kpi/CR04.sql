-- id: CR04
-- title: Serious incident notifications
-- unit: count
-- direction: none
-- target:
-- tolerance:
-- category: Nature
-- records: reviews
-- publication: case
-- description: Number of serious incident notifications to the national Panel whose notification date falls in the period, split by nature (child death, serious harm, other). The Department for Education warns that the number of notifications is not a performance measure: a count for context, with no target.
SELECT
    p.period,
    r.locality,
    r.nature AS category,
    count(*)::DOUBLE AS numerator,
    NULL::DOUBLE AS denominator,
    count(*)::DOUBLE AS value
FROM reviews AS r
JOIN kpi_periods AS p
    ON r.notification_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
GROUP BY GROUPING SETS (
    (p.period, r.locality, r.nature),
    (p.period, r.locality),
    (p.period, r.nature),
    (p.period)
)
ORDER BY p.period, r.locality NULLS FIRST, r.nature NULLS FIRST

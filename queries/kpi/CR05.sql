-- id: CR05
-- title: Rapid reviews completed
-- unit: count
-- direction: none
-- target:
-- tolerance:
-- category: Outcome
-- records: reviews
-- publication: case
-- description: Number of rapid reviews sent to the Panel whose completion date falls in the period, split by outcome (LCSPR, alternative learning review, no further review, national review; "Not recorded" when the outcome is blank). A count for context, with no target.
SELECT
    p.period,
    r.locality,
    coalesce(r.rr_outcome, 'Not recorded') AS category,
    count(*)::DOUBLE AS numerator,
    NULL::DOUBLE AS denominator,
    count(*)::DOUBLE AS value
FROM reviews AS r
JOIN kpi_periods AS p
    ON r.rr_completed_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
GROUP BY GROUPING SETS (
    (p.period, r.locality, coalesce(r.rr_outcome, 'Not recorded')),
    (p.period, r.locality),
    (p.period, coalesce(r.rr_outcome, 'Not recorded')),
    (p.period)
)
ORDER BY p.period, r.locality NULLS FIRST, category NULLS FIRST

-- id: CR05
-- title: Rapid reviews completed
-- unit: count
-- direction: none
-- target:
-- tolerance:
-- category: Outcome
-- records: reviews
-- publication: case
-- description: Number of rapid reviews sent to the Panel whose completion date falls in the period, split by outcome (LCSPR; no LCSPR, learning taken forward from the rapid review; alternative learning review; referred for a national review; "Not recorded" when the outcome is blank). Withdrawn notifications (criteria not met) are left out. A count for context, with no target.
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
WHERE r.rr_outcome IS DISTINCT FROM 'Notification withdrawn'
GROUP BY GROUPING SETS (
    (p.period, r.locality, coalesce(r.rr_outcome, 'Not recorded')),
    (p.period, r.locality),
    (p.period, coalesce(r.rr_outcome, 'Not recorded')),
    (p.period)
)
ORDER BY p.period, r.locality NULLS FIRST, category NULLS FIRST

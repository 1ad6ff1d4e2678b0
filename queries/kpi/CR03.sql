-- id: CR03
-- title: LCSPRs completed within 6 months
-- unit: percent
-- direction: higher
-- target: 100
-- tolerance:
-- category:
-- records: reviews
-- publication: case
-- description: LCSPRs completed within 6 calendar months of the decision to hold them (the same date 6 months on, or that month's last day), as a share of the LCSPRs whose 6 months ran out in the period. Completed means the final report was signed off by the safeguarding partners, or, where no final report date is recorded, published. An LCSPR not completed by then is late in that period; one whose 6 months are still running is pending. An LCSPR with no final report whose publication is delayed with a recorded reason (parallel criminal proceedings, an inquest) is never counted late: it is shown with its reason. LCSPRs with no decision date cannot be judged and are counted separately.
SELECT
    p.period,
    d.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE d.lcspr_on_time)::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE d.lcspr_on_time) / NULLIF(count(*), 0) AS value
FROM review_deadlines AS d
JOIN kpi_periods AS p
    ON d.lcspr_judged_on BETWEEN p.period_start AND p.period_end
GROUP BY GROUPING SETS ((p.period, d.locality), (p.period))
ORDER BY p.period, d.locality NULLS FIRST

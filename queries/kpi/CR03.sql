-- id: CR03
-- title: LCSPRs published within 6 months
-- unit: percent
-- direction: higher
-- target: 100
-- tolerance:
-- category:
-- records: reviews
-- publication: case
-- description: LCSPRs published in the period no later than 6 calendar months after the LCSPR start date (the same date 6 months on, or the month's last day when that date does not exist), as a share of all LCSPRs published in the period plus the LCSPRs whose 6 months ran out in the period and that were still unpublished on the period's last day. An LCSPR published late therefore counts against the period its 6 months ran out in and again against the period it was published in. LCSPRs with no start date recorded are left out, as their timeliness cannot be judged (they still count in CR06).
WITH lcspr AS (
    SELECT
        r.review_id,
        r.locality,
        r.lcspr_published_date::DATE AS published,
        (r.lcspr_start_date::DATE + INTERVAL 6 MONTH)::DATE AS deadline
    FROM reviews AS r
    WHERE r.lcspr_start_date IS NOT NULL
),
counted AS (
    SELECT
        p.period,
        l.locality,
        l.published BETWEEN p.period_start::DATE AND p.period_end::DATE
            AND l.published <= l.deadline AS on_time
    FROM lcspr AS l
    JOIN kpi_periods AS p
        ON l.published BETWEEN p.period_start::DATE AND p.period_end::DATE
        OR (
            l.deadline BETWEEN p.period_start::DATE AND p.period_end::DATE
            AND (l.published IS NULL OR l.published > p.period_end::DATE)
        )
)
SELECT
    c.period,
    c.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE c.on_time)::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE c.on_time) / NULLIF(count(*), 0) AS value
FROM counted AS c
GROUP BY GROUPING SETS ((c.period, c.locality), (c.period))
ORDER BY c.period, c.locality NULLS FIRST

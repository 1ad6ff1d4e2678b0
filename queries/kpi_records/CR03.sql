-- CR03 records: the LCSPRs that CR03 counts: those published in the period, within 6 calendar months of the
-- LCSPR start date or late, and those whose 6 months ran out in the period and that were still unpublished
-- on its last day (they may have been published since). LCSPRs with no start date are left out, as in the
-- KPI. days_past_deadline is to publication, or to the period's last day when unpublished. Overdue first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
WITH params AS (
    SELECT
        $period_start::DATE AS period_start,
        $period_end::DATE AS period_end,
        $locality::VARCHAR AS locality
),
lcspr AS (
    SELECT
        r.review_id,
        r.locality,
        r.published_name,
        r.lcspr_start_date::DATE AS lcspr_start_date,
        (r.lcspr_start_date::DATE + INTERVAL 6 MONTH)::DATE AS deadline,
        r.lcspr_published_date::DATE AS lcspr_published_date
    FROM reviews AS r
    WHERE r.lcspr_start_date IS NOT NULL
),
records AS (
    SELECT
        l.review_id,
        l.locality,
        l.published_name,
        l.lcspr_start_date,
        l.deadline,
        l.lcspr_published_date,
        CASE
            WHEN l.lcspr_published_date BETWEEN p.period_start AND p.period_end
                THEN greatest(date_diff('day', l.deadline, l.lcspr_published_date), 0)
            ELSE date_diff('day', l.deadline, p.period_end)
        END AS days_past_deadline,
        CASE
            WHEN l.lcspr_published_date BETWEEN p.period_start AND p.period_end
                AND l.lcspr_published_date <= l.deadline THEN 'Within 6 months'
            WHEN l.lcspr_published_date BETWEEN p.period_start AND p.period_end THEN 'Published late'
            ELSE 'Overdue, not published'
        END AS counts_as
    FROM lcspr AS l
    CROSS JOIN params AS p
    WHERE (
        l.lcspr_published_date BETWEEN p.period_start AND p.period_end
        OR (
            l.deadline BETWEEN p.period_start AND p.period_end
            AND (l.lcspr_published_date IS NULL OR l.lcspr_published_date > p.period_end)
        )
    )
      AND (p.locality IS NULL OR l.locality = p.locality)
)
SELECT *
FROM records
ORDER BY
    CASE counts_as WHEN 'Overdue, not published' THEN 0 WHEN 'Published late' THEN 1 ELSE 2 END,
    deadline,
    review_id

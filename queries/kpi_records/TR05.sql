-- TR05 records: one row per agency reached, that is with at least one person attending a delivered session
-- of the period (and of the locality, by the session's locality), with how many such sessions it attended
-- and how many of its people booked and attended them. The KPI is the number of rows.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
WITH params AS (
    SELECT
        $period_start::DATE AS period_start,
        $period_end::DATE AS period_end,
        $locality::VARCHAR AS locality
),
records AS (
    SELECT
        a.agency,
        count(DISTINCT a.session_id) AS sessions,
        sum(a.booked)::BIGINT AS booked,
        sum(a.attended)::BIGINT AS attended,
        'Reached' AS counts_as
    FROM training_attendance AS a
    JOIN training_sessions AS s
        ON s.session_id = a.session_id
    CROSS JOIN params AS p
    WHERE s.status = 'Delivered'
      AND a.attended > 0
      AND s.session_date::DATE BETWEEN p.period_start AND p.period_end
      AND (p.locality IS NULL OR s.locality = p.locality)
    GROUP BY a.agency
)
SELECT *
FROM records
ORDER BY attended DESC, agency

-- TR06 records: the delivered training sessions with both confidence averages recorded that TR06 averages;
-- the KPI is the sum of uplift over the number of rows.
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
        s.session_id,
        s.session_date::DATE AS session_date,
        s.course_title,
        s.locality,
        s.delivery_mode,
        s.attended,
        s.pre_confidence_avg,
        s.post_confidence_avg,
        s.post_confidence_avg - s.pre_confidence_avg AS uplift,
        'Counted' AS counts_as
    FROM training_sessions AS s
    CROSS JOIN params AS p
    WHERE s.status = 'Delivered'
      AND s.pre_confidence_avg IS NOT NULL
      AND s.post_confidence_avg IS NOT NULL
      AND s.session_date::DATE BETWEEN p.period_start AND p.period_end
      AND (p.locality IS NULL OR s.locality = p.locality)
)
SELECT *
FROM records
ORDER BY session_date, session_id

-- CR06 records: the LCSPRs that CR06 counts (published in the period), with or without a start date.
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
        r.review_id,
        r.locality,
        r.published_name,
        r.lcspr_decision_date::DATE AS lcspr_decision_date,
        r.learning_event_date::DATE AS learning_event_date,
        r.recall_event_date::DATE AS recall_event_date,
        r.lcspr_published_date::DATE AS lcspr_published_date,
        'Counted' AS counts_as
    FROM reviews AS r
    CROSS JOIN params AS p
    WHERE r.lcspr_published_date::DATE BETWEEN p.period_start AND p.period_end
      AND (p.locality IS NULL OR r.locality = p.locality)
)
SELECT *
FROM records
ORDER BY lcspr_published_date, review_id

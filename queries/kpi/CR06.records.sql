-- CR06 records: the LCSPRs that CR06 counts (published in the period), with or without a start date.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
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
WHERE r.lcspr_published_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(r.locality, $locality::VARCHAR)
ORDER BY lcspr_published_date, review_id

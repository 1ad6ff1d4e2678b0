-- AP01 records: the actions that AP01 counts (target date in the period), 'Completed by target' when the
-- completion date is on or before the target date; no completion date, or a later one, is not. Not
-- completed by target first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    a.*,
    CASE
        WHEN a.completed_date::DATE <= a.target_date::DATE THEN 'Completed by target'
        ELSE 'Not completed by target'
    END AS counts_as
FROM action_records AS a
WHERE a.target_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(a.locality, $locality::VARCHAR)
ORDER BY counts_as = 'Completed by target', target_date, action_id

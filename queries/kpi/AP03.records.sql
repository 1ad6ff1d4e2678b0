-- AP03 records: the actions open and overdue on the period's last day (as in AP02), with the calendar days
-- from target date to that day; the KPI is the median of days_overdue. Most overdue first.
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
        a.action_id,
        a.source_type,
        a.source_ref,
        a.action,
        a.lead_agency,
        a.locality,
        a.date_agreed::DATE AS date_agreed,
        a.target_date::DATE AS target_date,
        a.status,
        a.completed_date::DATE AS completed_date,
        date_diff('day', a.target_date::DATE, p.period_end) AS days_overdue,
        'Overdue' AS counts_as
    FROM actions AS a
    CROSS JOIN params AS p
    WHERE (a.date_agreed IS NULL OR a.date_agreed::DATE <= p.period_end)
      AND (a.completed_date IS NULL OR a.completed_date::DATE > p.period_end)
      AND (p.locality IS NULL OR a.locality = p.locality)
      AND a.target_date::DATE < p.period_end
)
SELECT *
FROM records
ORDER BY days_overdue DESC, action_id

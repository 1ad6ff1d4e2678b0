-- AP03 records: the actions open and overdue on the period's last day (as in AP02), with the calendar days
-- from target date to that day; the KPI is the median of days_overdue. Most overdue first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    a.*,
    date_diff('day', a.target_date::DATE, $period_end::DATE) AS days_overdue,
    'Overdue' AS counts_as
FROM action_records AS a
WHERE action_open_on(a.date_agreed, a.completed_date, $period_end::DATE)
  AND in_locality(a.locality, $locality::VARCHAR)
  AND $period_start::DATE <= $period_end::DATE  -- the plan as at the last day of a period (any period)
  AND action_overdue_on(a.target_date, $period_end::DATE)
ORDER BY days_overdue DESC, action_id

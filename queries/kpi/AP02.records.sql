-- AP02 records: the actions open on the period's last day (agreed by then or agreed date blank, not
-- completed by then: an action completed later is listed with its later completion date), 'Overdue' when
-- the target date is before that day, with the calendar days overdue. Overdue first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    a.*,
    CASE
        WHEN action_overdue_on(a.target_date, $period_end::DATE)
            THEN date_diff('day', a.target_date::DATE, $period_end::DATE)
    END AS days_overdue,
    CASE
        WHEN action_overdue_on(a.target_date, $period_end::DATE) THEN 'Overdue'
        ELSE 'Open, not overdue'
    END AS counts_as
FROM action_records AS a
WHERE action_open_on(a.date_agreed, a.completed_date, $period_end::DATE)
  AND in_locality(a.locality, $locality::VARCHAR)
  AND $period_start::DATE <= $period_end::DATE  -- the plan as at the last day of a period (any period)
ORDER BY counts_as <> 'Overdue', target_date, action_id

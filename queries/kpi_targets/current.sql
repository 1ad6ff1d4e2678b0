-- The target and tolerance in force for each KPI the PMF group has changed: its latest change.
SELECT kpi, target, tolerance
FROM kpi_target_changes
QUALIFY row_number() OVER (PARTITION BY kpi ORDER BY change_id DESC) = 1

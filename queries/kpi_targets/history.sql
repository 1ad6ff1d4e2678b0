-- Every target change, newest first: who changed which KPI's target, when and why.
SELECT change_id, kpi, target, tolerance, changed_at, changed_by, reason
FROM kpi_target_changes
ORDER BY change_id DESC

-- Every target change, newest first: which KPI's target and tolerance were set, when, by whom and why.
-- Who and why are for admins only (dashboard.targets.target_history leaves them out for everyone else).
SELECT change_id, kpi, target, tolerance, changed_at, changed_by, reason
FROM kpi_target_changes
ORDER BY change_id DESC

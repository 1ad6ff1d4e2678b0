INSERT INTO kpi_target_changes (change_id, kpi, target, tolerance, changed_at, changed_by, reason)
SELECT coalesce(max(change_id), 0) + 1, $kpi, $target, $tolerance, $changed_at, $changed_by, $reason
FROM kpi_target_changes

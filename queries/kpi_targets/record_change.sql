-- Record one target change. Its id (the next after the latest) and its time (never before the latest
-- change's) are taken in this one statement, so ids and times run in the same order. Two admins saving at
-- once may both take the same id: the second commit then fails on the primary key, and
-- dashboard.targets.set_target runs the statement again, which takes the next id.
INSERT INTO kpi_target_changes (change_id, kpi, target, tolerance, changed_at, changed_by, reason)
SELECT coalesce(max(change_id), 0) + 1, $kpi, $target, $tolerance,
       greatest($changed_at::TIMESTAMP, coalesce(max(changed_at), $changed_at::TIMESTAMP)),
       $changed_by, $reason
FROM kpi_target_changes

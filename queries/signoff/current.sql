-- The snapshot of $kind in force for $period (not reopened): at most one; the latest if ever more.
SELECT snapshot_id, period, taken_at, taken_by
FROM kpi_snapshots
WHERE kind = $kind AND period = $period AND reopened_at IS NULL
ORDER BY snapshot_id DESC
LIMIT 1

-- Lift a sign-off: the snapshot is kept, marked reopened by whom and when.
UPDATE kpi_snapshots
SET reopened_at = $reopened_at, reopened_by = $reopened_by
WHERE snapshot_id = $snapshot_id AND reopened_at IS NULL
RETURNING snapshot_id

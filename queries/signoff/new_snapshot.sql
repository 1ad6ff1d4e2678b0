-- A new snapshot: its id is the next after the latest, taken in this one statement. Two sign-offs saved at
-- once may take the same id: the second commit then fails on the primary key and is tried again.
INSERT INTO kpi_snapshots (snapshot_id, kind, period, taken_at, taken_by)
SELECT coalesce(max(snapshot_id), 0) + 1, $kind, $period, $taken_at, $taken_by
FROM kpi_snapshots
RETURNING snapshot_id

-- Forget every stored result (kind 'results'): sign-offs are kept.
DELETE FROM kpi_snapshot_rows
WHERE snapshot_id IN (SELECT snapshot_id FROM kpi_snapshots WHERE kind = 'results');
DELETE FROM kpi_snapshots WHERE kind = 'results';

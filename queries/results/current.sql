-- The stored results of one results key: one snapshot per period.
SELECT snapshot_id, period
FROM kpi_snapshots
WHERE kind = 'results' AND results_key = $key

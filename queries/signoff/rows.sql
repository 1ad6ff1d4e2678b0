-- One snapshot's figures, in the KPI runner's columns.
SELECT kpi, period, locality, category, numerator, denominator, value, target, rag
FROM kpi_snapshot_rows
WHERE snapshot_id = $snapshot_id

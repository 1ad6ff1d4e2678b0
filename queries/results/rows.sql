-- The stored KPI rows of some results snapshots, in the order the KPI queries returned them: every place
-- ($every_place), or all localities together ($with_total) and the localities $named.
SELECT kpi, period, locality, category, numerator, denominator, value
FROM kpi_snapshot_rows
WHERE list_contains($snapshot_ids::INTEGER[], snapshot_id)
  AND ($every_place OR (locality IS NULL AND $with_total) OR list_contains($named::VARCHAR[], locality))
ORDER BY position

-- The KPI rows of the frame results_rows_frame, each under the results snapshot of its period.
INSERT INTO kpi_snapshot_rows
    (snapshot_id, kpi, period, locality, category, numerator, denominator, value, target, rag, position)
SELECT s.snapshot_id, f.kpi, f.period, f.locality, f.category,
       f.numerator::DOUBLE, f.denominator::DOUBLE, f.value::DOUBLE, NULL, NULL, f.position
FROM results_rows_frame AS f
JOIN kpi_snapshots AS s
    ON s.kind = 'results' AND s.results_key = $key AND s.period = f.period
ORDER BY s.snapshot_id, f.position

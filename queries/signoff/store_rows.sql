-- The snapshot's figures, from the frame snapshot_rows_frame that dashboard.kpis.signoff registers.
INSERT INTO kpi_snapshot_rows
    (snapshot_id, kpi, period, locality, category, numerator, denominator, value, target, rag)
SELECT $snapshot_id, kpi, period, locality, category,
       numerator::DOUBLE, denominator::DOUBLE, value::DOUBLE, target::DOUBLE, rag
FROM snapshot_rows_frame

-- What a snapshot holds: how many KPIs, and its localities (NULL = all localities together, listed first).
SELECT count(DISTINCT kpi) AS kpis,
       list(DISTINCT coalesce(locality, '')) AS localities
FROM kpi_snapshot_rows
WHERE snapshot_id = $snapshot_id

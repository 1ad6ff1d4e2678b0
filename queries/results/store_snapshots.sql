-- One results snapshot per period of the frame results_periods_frame (ordinal, period), numbered after the
-- latest snapshot of any kind.
INSERT INTO kpi_snapshots (snapshot_id, kind, period, taken_at, taken_by, results_key)
SELECT (SELECT coalesce(max(snapshot_id), 0) FROM kpi_snapshots) + f.ordinal, 'results', f.period,
       $taken_at, $taken_by, $key
FROM results_periods_frame AS f

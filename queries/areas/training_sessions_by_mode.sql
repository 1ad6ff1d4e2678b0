-- Delivered training sessions by delivery mode: one row per (locality, mode) and, with locality NULL, one
-- total row per mode over every locality (Teeswide counted once, under Teeswide and in the total).
SELECT
    locality,
    delivery_mode,
    count(*)::BIGINT AS sessions
FROM delivered_sessions
WHERE is_taught_session(delivery_mode)  -- e-learning: completions by course and month, not sessions
  AND session_date::DATE BETWEEN $period_start AND $period_end
  AND in_locality(locality, $locality::VARCHAR)
GROUP BY GROUPING SETS ((locality, delivery_mode), (delivery_mode))
ORDER BY locality NULLS FIRST, delivery_mode

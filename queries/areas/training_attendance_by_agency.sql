-- People attending delivered training sessions, by their agency: one row per (locality, agency) and, with
-- locality NULL, one total row per agency. Agencies that booked but sent nobody are left out.
SELECT
    s.locality,
    a.agency,
    sum(a.attended)::BIGINT AS attended,
    sum(a.booked)::BIGINT AS booked,
    count(DISTINCT a.session_id)::BIGINT AS sessions
FROM training_attendance AS a
JOIN delivered_sessions AS s
    ON s.session_id = a.session_id
WHERE s.session_date::DATE BETWEEN $period_start AND $period_end
  AND in_locality(s.locality, $locality::VARCHAR)
GROUP BY GROUPING SETS ((s.locality, a.agency), (a.agency))
HAVING sum(a.attended) > 0
ORDER BY s.locality NULLS FIRST, attended DESC, a.agency

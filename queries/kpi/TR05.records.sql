-- TR05 records: one row per configured agency ("Other" left out: the kpi_agencies table), with how many
-- delivered sessions of the period (and of the locality, by the session's locality) its people attended and
-- how many of them booked and attended; counts_as 'Reached' when at least one attended, else 'Not reached'.
-- The KPI is the reached rows over all rows. Reached agencies first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
WITH attended AS (
    SELECT
        a.agency,
        count(DISTINCT a.session_id) FILTER (WHERE a.attended > 0) AS sessions,
        sum(a.booked)::BIGINT AS booked,
        sum(a.attended)::BIGINT AS attended
    FROM training_attendance AS a
    JOIN delivered_sessions AS s
        ON s.session_id = a.session_id
    WHERE s.session_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
      AND in_locality(s.locality, $locality::VARCHAR)
    GROUP BY a.agency
)
SELECT
    k.agency,
    coalesce(t.sessions, 0) AS sessions,
    coalesce(t.booked, 0) AS booked,
    coalesce(t.attended, 0) AS attended,
    CASE WHEN coalesce(t.attended, 0) > 0 THEN 'Reached' ELSE 'Not reached' END AS counts_as
FROM kpi_agencies AS k
LEFT JOIN attended AS t
    ON t.agency = k.agency
WHERE EXISTS (  -- no delivered session in the period: no reach to judge, no rows (the KPI has no value)
    SELECT 1
    FROM delivered_sessions AS s
    WHERE s.session_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
      AND in_locality(s.locality, $locality::VARCHAR)
)
ORDER BY counts_as = 'Not reached', attended DESC, k.agency

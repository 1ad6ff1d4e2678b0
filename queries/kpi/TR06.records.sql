-- TR06 records: the delivered training sessions with both confidence averages recorded that TR06 averages;
-- the KPI is the sum of uplift over the number of rows.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    s.session_id,
    s.session_date::DATE AS session_date,
    s.course_title,
    s.locality,
    s.delivery_mode,
    s.attended,
    s.pre_confidence_avg,
    s.post_confidence_avg,
    s.post_confidence_avg - s.pre_confidence_avg AS uplift,
    'Counted' AS counts_as
FROM delivered_sessions AS s
WHERE s.pre_confidence_avg IS NOT NULL
  AND s.post_confidence_avg IS NOT NULL
  AND s.session_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(s.locality, $locality::VARCHAR)
ORDER BY session_date, session_id

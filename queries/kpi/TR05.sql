-- id: TR05
-- title: Agency reach
-- unit: percent
-- direction: higher
-- target: 75
-- tolerance:
-- category:
-- records: training_attendance
-- publication: activity
-- description: The share of the configured agencies (the agency list of the configuration, leaving out "Other") with at least one person attending a delivered training session whose session date falls in the period, from the attendance-by-agency records. Agencies that booked but did not attend, and cancelled sessions, do not count. The locality is the session's locality; an agency counts once however many sessions it attended. The Training page and the report name the agencies with no attendance. (Until 2026 this KPI counted agencies, "Other" included, and sat at its ceiling every quarter.)
SELECT
    p.period,
    s.locality,
    NULL::VARCHAR AS category,
    count(DISTINCT a.agency)::DOUBLE AS numerator,
    (SELECT count(*) FROM kpi_agencies)::DOUBLE AS denominator,
    100.0 * count(DISTINCT a.agency) / NULLIF((SELECT count(*) FROM kpi_agencies), 0) AS value
FROM training_attendance AS a
JOIN delivered_sessions AS s
    ON s.session_id = a.session_id
JOIN kpi_periods AS p
    ON s.session_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
WHERE a.attended > 0
  AND a.agency IN (SELECT agency FROM kpi_agencies)
GROUP BY GROUPING SETS ((p.period, s.locality), (p.period))
ORDER BY p.period, s.locality NULLS FIRST

-- id: CR02
-- title: Rapid reviews on time
-- unit: percent
-- direction: higher
-- target: 100
-- tolerance:
-- category:
-- records: reviews
-- publication: case
-- description: Rapid reviews sent to the Panel within 15 working days of the notification, as a share of rapid reviews whose completion date falls in the period. Working days are counted after the notification day (day 0) up to and including the day the rapid review was sent, leaving out Saturdays, Sundays and England and Wales bank holidays; 15 working days is on time, 16 is late.
SELECT
    p.period,
    r.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE cr.working_day_index - cn.working_day_index <= 15)::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE cr.working_day_index - cn.working_day_index <= 15) / NULLIF(count(*), 0) AS value
FROM reviews AS r
JOIN kpi_periods AS p
    ON r.rr_completed_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
LEFT JOIN calendar AS cn
    ON cn.day = r.notification_date::DATE
LEFT JOIN calendar AS cr
    ON cr.day = r.rr_completed_date::DATE
GROUP BY GROUPING SETS ((p.period, r.locality), (p.period))
ORDER BY p.period, r.locality NULLS FIRST

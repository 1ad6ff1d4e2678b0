-- id: CR01
-- title: Notifications on time
-- unit: percent
-- direction: higher
-- target: 100
-- tolerance:
-- category:
-- records: reviews
-- publication: case
-- description: Serious incident notifications made within 5 working days of the local authority becoming aware, as a share of notifications whose notification date falls in the period and whose date the local authority became aware is recorded (notifications with that date blank are left out). Working days are counted after the day of becoming aware up to and including the notification day, leaving out Saturdays, Sundays and England and Wales bank holidays; 5 working days is on time, 6 is late.
SELECT
    p.period,
    r.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE cn.working_day_index - ca.working_day_index <= 5)::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE cn.working_day_index - ca.working_day_index <= 5) / NULLIF(count(*), 0) AS value
FROM reviews AS r
JOIN kpi_periods AS p
    ON r.notification_date::DATE BETWEEN p.period_start::DATE AND p.period_end::DATE
LEFT JOIN calendar AS ca
    ON ca.day = r.la_aware_date::DATE
LEFT JOIN calendar AS cn
    ON cn.day = r.notification_date::DATE
WHERE r.la_aware_date IS NOT NULL
GROUP BY GROUPING SETS ((p.period, r.locality), (p.period))
ORDER BY p.period, r.locality NULLS FIRST

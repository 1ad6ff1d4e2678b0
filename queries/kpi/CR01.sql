-- id: CR01
-- title: Notifications on time
-- unit: percent
-- direction: higher
-- target: 100
-- tolerance:
-- category:
-- records: reviews
-- publication: case
-- description: Serious incident notifications made within 5 working days of the local authority becoming aware, as a share of the notifications whose deadline (the 5th working day after the local authority became aware) fell in the period: a notification belongs to the period of its deadline, so a late one counts against the period it should have been made in. Working days leave out Saturdays, Sundays and England and Wales bank holidays; 5 working days is on time, 6 is late. A notification with no date the local authority became aware cannot be judged: it is left out here and counted, with a sentence saying so, on the Case reviews page and in the report.
SELECT
    p.period,
    d.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE d.notification_on_time)::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE d.notification_on_time) / NULLIF(count(*), 0) AS value
FROM review_deadlines AS d
JOIN kpi_periods AS p
    ON d.notification_judged_on BETWEEN p.period_start AND p.period_end
GROUP BY GROUPING SETS ((p.period, d.locality), (p.period))
ORDER BY p.period, d.locality NULLS FIRST

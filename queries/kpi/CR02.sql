-- id: CR02
-- title: Rapid reviews on time
-- unit: percent
-- direction: higher
-- target: 100
-- tolerance:
-- category:
-- records: reviews
-- publication: case
-- description: Rapid reviews sent to the Panel by their deadline (the 15th working day after the notification, the notification day being day 0), as a share of the rapid reviews whose deadline fell in the period. A review not sent by its deadline is late in that period, whether it was sent later or not at all; a review whose deadline is still ahead and not yet sent is pending and not counted yet. A review with an extension agreed with the Panel is judged against the agreed timescale: pending until sent, then on time in the period it was sent. Withdrawn notifications (criteria not met) are left out. Working days leave out Saturdays, Sundays and England and Wales bank holidays.
SELECT
    p.period,
    d.locality,
    NULL::VARCHAR AS category,
    count(*) FILTER (WHERE d.rr_on_time)::DOUBLE AS numerator,
    count(*)::DOUBLE AS denominator,
    100.0 * count(*) FILTER (WHERE d.rr_on_time) / NULLIF(count(*), 0) AS value
FROM review_deadlines AS d
JOIN kpi_periods AS p
    ON d.rr_judged_on BETWEEN p.period_start AND p.period_end
GROUP BY GROUPING SETS ((p.period, d.locality), (p.period))
ORDER BY p.period, d.locality NULLS FIRST

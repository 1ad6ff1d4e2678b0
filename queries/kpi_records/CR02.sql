-- CR02 records: the rapid reviews that CR02 counts (completed in the period), with the working days from
-- notification (day 0) to the rapid review being sent (calendar table: index(sent) - index(notified)), the
-- deadline (the 15th working day after notification) and whether it was on time. Late ones first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
WITH params AS (
    SELECT
        $period_start::DATE AS period_start,
        $period_end::DATE AS period_end,
        $locality::VARCHAR AS locality
),
records AS (
    SELECT
        r.review_id,
        r.locality,
        r.nature,
        r.notification_date::DATE AS notification_date,
        r.rr_completed_date::DATE AS rr_completed_date,
        cr.working_day_index - cn.working_day_index AS working_days,
        cd.day AS deadline,
        r.rr_outcome AS outcome,
        CASE WHEN cr.working_day_index - cn.working_day_index <= 15 THEN 'On time' ELSE 'Late' END AS counts_as
    FROM reviews AS r
    CROSS JOIN params AS p
    LEFT JOIN calendar AS cn
        ON cn.day = r.notification_date::DATE
    LEFT JOIN calendar AS cr
        ON cr.day = r.rr_completed_date::DATE
    LEFT JOIN calendar AS cd
        ON cd.working_day_index = cn.working_day_index + 15
        AND cd.is_working_day
    WHERE r.rr_completed_date::DATE BETWEEN p.period_start AND p.period_end
      AND (p.locality IS NULL OR r.locality = p.locality)
)
SELECT *
FROM records
ORDER BY counts_as = 'On time', rr_completed_date, review_id

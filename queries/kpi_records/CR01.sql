-- CR01 records: the notifications that CR01 counts (notified in the period, date of becoming aware recorded),
-- with the working days from becoming aware to notifying (calendar table: index(notified) - index(aware)),
-- the deadline (the 5th working day after becoming aware) and whether it was on time. Late ones first.
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
        r.la_aware_date::DATE AS la_aware_date,
        r.notification_date::DATE AS notification_date,
        cn.working_day_index - ca.working_day_index AS working_days,
        cd.day AS deadline,
        CASE WHEN cn.working_day_index - ca.working_day_index <= 5 THEN 'On time' ELSE 'Late' END AS counts_as
    FROM reviews AS r
    CROSS JOIN params AS p
    LEFT JOIN calendar AS ca
        ON ca.day = r.la_aware_date::DATE
    LEFT JOIN calendar AS cn
        ON cn.day = r.notification_date::DATE
    LEFT JOIN calendar AS cd
        ON cd.working_day_index = ca.working_day_index + 5
        AND cd.is_working_day
    WHERE r.notification_date::DATE BETWEEN p.period_start AND p.period_end
      AND r.la_aware_date IS NOT NULL
      AND (p.locality IS NULL OR r.locality = p.locality)
)
SELECT *
FROM records
ORDER BY counts_as = 'On time', notification_date, review_id

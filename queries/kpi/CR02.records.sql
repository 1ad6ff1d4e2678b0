-- CR02 records: the rapid reviews that CR02 counts (their deadline, the 15th working day after the
-- notification, fell in the period; with an extension agreed with the Panel, sent in the period), with the
-- working days taken, the deadline and how each counts: 'On time' (rr_extension_agreed says whether against
-- an extended timescale), 'Late' (sent after the deadline) or 'Late, not sent' (still not sent). From the
-- review_deadlines view. Late ones first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    d.review_id,
    d.locality,
    d.nature,
    d.notification_date,
    d.rr_due_date AS deadline,
    d.rr_completed_date,
    d.rr_working_days AS working_days,
    d.rr_extension_agreed,
    d.rr_outcome AS outcome,
    CASE
        WHEN d.rr_on_time THEN 'On time'
        WHEN d.rr_completed_date IS NULL THEN 'Late, not sent'
        ELSE 'Late'
    END AS counts_as
FROM review_deadlines AS d
WHERE d.rr_judged_on BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(d.locality, $locality::VARCHAR)
ORDER BY NOT starts_with(counts_as, 'Late'), deadline, review_id

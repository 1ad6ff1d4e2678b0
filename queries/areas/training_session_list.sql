-- Every training session of the period and locality, delivered or cancelled, oldest first.
SELECT
    session_date::DATE AS session_date,
    session_id,
    course_title,
    theme,
    delivery_mode,
    locality,
    status,
    places_offered,
    places_booked,
    attended,
    did_not_attend,
    pre_confidence_avg,
    post_confidence_avg
FROM training_sessions
WHERE session_date::DATE BETWEEN $period_start AND $period_end
  AND in_locality(locality, $locality::VARCHAR)
ORDER BY session_date, session_id

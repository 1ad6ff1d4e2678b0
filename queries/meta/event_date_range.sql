-- The first and last event dates held, over every dataset: the periods the filters offer.
SELECT min(d) AS first_day, max(d) AS last_day
FROM (
    SELECT session_date AS d FROM training_sessions
    UNION ALL SELECT audit_date FROM audits
    UNION ALL SELECT notification_date FROM reviews
    UNION ALL SELECT rr_completed_date FROM reviews
    UNION ALL SELECT lcspr_published_date FROM reviews
    UNION ALL SELECT date_agreed FROM actions
)

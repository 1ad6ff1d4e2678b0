-- The review timescales (queries/schema/011_review_timescales.sql) as one row, for dashboard.kpis.timescales.
SELECT notification_working_days, rapid_review_working_days, lcspr_months
FROM review_timescales

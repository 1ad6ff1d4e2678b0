-- The timescales of a serious incident review, written once. The review_deadlines view
-- (queries/schema/012_shared_rules.sql) judges against them, and dashboard.areas.reviews reads this file for
-- its sentences and labels (NOTIFICATION_WORKING_DAYS, RAPID_REVIEW_WORKING_DAYS, LCSPR_MONTHS).
--   notification: within 5 working days of the local authority becoming aware (statutory guidance);
--   rapid review: sent to the Panel within 15 working days of the notification (notification day = day 0);
--   LCSPR: completed (final report, else publication) within 6 months of the decision to hold it.
-- This file depends on no table, so that Python can read it without a database.
CREATE OR REPLACE VIEW review_timescales AS
SELECT
    5 AS notification_working_days,
    15 AS rapid_review_working_days,
    6 AS lcspr_months;

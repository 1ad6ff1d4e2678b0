-- The columns a record is shown with, written once for the drill-downs (queries/kpi/<ID>.records.sql) and
-- the area queries that list the same records. (A new file: 012 may already be applied in a database.)

-- An action of the learning action plan, as the action plan page and AP01-AP03's drill-downs list it.
CREATE OR REPLACE VIEW action_records AS
SELECT
    a.action_id,
    a.source_type,
    a.source_ref,
    a.action,
    a.lead_agency,
    a.locality,
    a.date_agreed,
    a.target_date,
    a.status,
    a.completed_date
FROM actions AS a;

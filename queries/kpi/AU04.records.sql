-- AU04 records: the audited cases with actions raised recorded that AU04 adds up; the KPI is the sum of
-- actions_completed (a blank counted as none) over the sum of actions_raised. Cases with actions still
-- outstanding come first.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    a.audit_id,
    a.audit_title,
    a.audit_date::DATE AS audit_date,
    a.case_ref,
    a.locality,
    a.overall_grade,
    a.actions_raised,
    coalesce(a.actions_completed, 0) AS actions_completed,
    a.actions_raised - coalesce(a.actions_completed, 0) AS actions_outstanding,
    CASE
        WHEN a.actions_raised = 0 THEN 'No actions raised'
        WHEN a.actions_completed IS NULL THEN 'Completed not recorded, counted as none'
        WHEN a.actions_completed >= a.actions_raised THEN 'All completed'
        ELSE 'Some not completed'
    END AS counts_as
FROM audits AS a
WHERE a.audit_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(a.locality, $locality::VARCHAR)
  AND a.actions_raised IS NOT NULL
ORDER BY actions_outstanding <= 0, audit_date, audit_id, case_ref

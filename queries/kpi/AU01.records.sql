-- AU01 records: the audited cases that AU01 counts, whatever their grade.
-- Parameters: $period_start and $period_end (DATE), $locality (VARCHAR; NULL = all localities together,
-- otherwise that locality's own rows, Teeswide being a locality of its own).
SELECT
    a.audit_id,
    a.audit_title,
    a.audit_date::DATE AS audit_date,
    a.case_ref,
    a.locality,
    a.lead_agency,
    a.case_level,
    a.overall_grade,
    'Counted' AS counts_as
FROM audits AS a
WHERE a.audit_date::DATE BETWEEN $period_start::DATE AND $period_end::DATE
  AND in_locality(a.locality, $locality::VARCHAR)
ORDER BY audit_date, audit_id, case_ref

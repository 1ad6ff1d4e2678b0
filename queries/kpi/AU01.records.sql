-- AU01 records: the audited cases that AU01 counts, whatever their grade.
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
    CROSS JOIN params AS p
    WHERE a.audit_date::DATE BETWEEN p.period_start AND p.period_end
      AND (p.locality IS NULL OR a.locality = p.locality)
)
SELECT *
FROM records
ORDER BY audit_date, audit_id, case_ref

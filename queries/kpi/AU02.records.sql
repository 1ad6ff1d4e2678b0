-- AU02 records: the graded audited cases that AU02 counts, Outstanding and Good being 'Good or better'.
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
        CASE WHEN a.overall_grade IN ('Outstanding', 'Good') THEN 'Good or better' ELSE 'Other grade' END
            AS counts_as
    FROM audits AS a
    CROSS JOIN params AS p
    WHERE a.audit_date::DATE BETWEEN p.period_start AND p.period_end
      AND (p.locality IS NULL OR a.locality = p.locality)
      AND a.overall_grade IN ('Outstanding', 'Good', 'Requires improvement', 'Inadequate')
)
SELECT *
FROM records
ORDER BY audit_date, audit_id, case_ref

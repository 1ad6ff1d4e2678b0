-- The cases of the audits in the period and locality; $audit_id NULL = every audit's cases.
SELECT
    audit_id,
    audit_title,
    audit_date::DATE AS audit_date,
    case_ref,
    locality,
    age_band,
    case_level,
    lead_agency,
    overall_grade,
    actions_raised,
    actions_completed
FROM audits
WHERE audit_date::DATE BETWEEN $period_start AND $period_end
  AND in_locality(locality, $locality::VARCHAR)
  AND ($audit_id::VARCHAR IS NULL OR audit_id = $audit_id)
ORDER BY audit_date, audit_id, case_ref

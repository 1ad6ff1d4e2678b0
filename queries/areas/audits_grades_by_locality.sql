-- Audited cases by overall grade and locality, for audits whose audit date falls in the period.
SELECT
    locality,
    overall_grade,
    count(*)::BIGINT AS cases
FROM audits
WHERE audit_date::DATE BETWEEN $period_start AND $period_end
  AND in_locality(locality, $locality::VARCHAR)
GROUP BY locality, overall_grade
ORDER BY locality, overall_grade

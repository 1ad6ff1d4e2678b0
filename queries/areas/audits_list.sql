-- Each multi-agency audit whose audit date falls in the period, over its cases in the locality
-- ($locality NULL = every case): cases by grade; good or better = (Outstanding + Good) / graded cases, as
-- AU02; actions as AU04 (a blank completed on a case with actions raised counts as none completed).
SELECT
    audit_id,
    any_value(audit_title) AS audit_title,
    min(audit_date)::DATE AS audit_date,
    count(*) AS cases,
    count(*) FILTER (WHERE overall_grade = 'Outstanding') AS outstanding,
    count(*) FILTER (WHERE overall_grade = 'Good') AS good,
    count(*) FILTER (WHERE overall_grade = 'Requires improvement') AS requires_improvement,
    count(*) FILTER (WHERE overall_grade = 'Inadequate') AS inadequate,
    100.0 * count(*) FILTER (WHERE overall_grade IN ('Outstanding', 'Good'))
        / NULLIF(count(*) FILTER (
            WHERE overall_grade IN ('Outstanding', 'Good', 'Requires improvement', 'Inadequate')
        ), 0) AS good_or_better_pct,
    sum(actions_raised)::BIGINT AS actions_raised,
    (sum(coalesce(actions_completed, 0)) FILTER (WHERE actions_raised IS NOT NULL))::BIGINT
        AS actions_completed,
    max(exec_report_date)::DATE AS exec_report_date
FROM audits
WHERE audit_date::DATE BETWEEN $period_start AND $period_end
  AND in_locality(locality, $locality::VARCHAR)
GROUP BY audit_id
ORDER BY audit_date, audit_id

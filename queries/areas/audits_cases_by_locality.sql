-- How many cases of each audit in the period come from each locality.
SELECT
    audit_id,
    locality,
    count(*)::BIGINT AS cases
FROM audits
WHERE audit_date::DATE BETWEEN $period_start AND $period_end
  AND in_locality(locality, $locality::VARCHAR)
GROUP BY audit_id, locality
ORDER BY audit_id, locality

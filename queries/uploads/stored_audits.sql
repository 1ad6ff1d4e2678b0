-- The stored cases of the audits an upload names: one audit has one title and date across uploads too.
SELECT audit_id, case_ref, audit_title, audit_date
FROM audits
WHERE list_contains($audit_ids, audit_id)
ORDER BY audit_id, case_ref;

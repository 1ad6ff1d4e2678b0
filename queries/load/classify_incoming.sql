-- Each incoming row is added (new key), replaced (key stored with other values) or unchanged.
CREATE OR REPLACE TEMP TABLE incoming_change AS
SELECT i.*,
       CASE WHEN t.{first_key} IS NULL THEN 'added'
            WHEN {row_differs} THEN 'replaced'
            ELSE 'unchanged' END AS change
FROM incoming AS i
LEFT JOIN {table} AS t ON {key_match};

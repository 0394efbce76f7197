-- Customers whose key, any source id, or any spelling of the name matches the
-- search text; an empty search matches every customer. Names match as a
-- substring of the exported spelling or of its normalized form, so "acme"
-- finds "ACME, Inc" and "Acme Inc.".
WITH {client_names},
matched AS (
    SELECT DISTINCT a.customer_key
    FROM customer_aliases AS a
    WHERE $search = ''
       OR lower(a.customer_key) = lower($search)
       OR lower(a.source_id) = lower($search)
       OR contains(lower(a.name), lower($search))
       OR ($normalized <> '' AND contains(a.normalized_name, $normalized))
)
SELECT c.customer_key, c.customer_name, c.in_crm, c.in_accounting, n.names
FROM customers AS c
JOIN matched AS m ON m.customer_key = c.customer_key
JOIN client_names AS n ON n.customer_key = c.customer_key
ORDER BY lower(c.customer_name), c.customer_key

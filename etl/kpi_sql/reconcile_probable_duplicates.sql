-- Pairs of names similar enough to review but not merged automatically.
WITH keyed AS (
    SELECT normalized_name, min(customer_key) AS customer_key
    FROM customer_aliases GROUP BY normalized_name
)
SELECT r.name_a, r.name_b, r.score,
       a.customer_key AS customer_key_a, ca.customer_name AS customer_name_a,
       b.customer_key AS customer_key_b, cb.customer_name AS customer_name_b,
       CASE WHEN ca.in_crm AND cb.in_crm THEN 'CRM' ELSE 'Accounting' END AS system,
       CASE WHEN ca.in_crm AND cb.in_crm THEN 'CRM' ELSE 'Accounting' END
           || ': merge ''' || ca.customer_name || ''' and ''' || cb.customer_name
           || ''' if they are one company; either way record the decision as accept '
           || 'or reject in the customer overrides file' AS action
FROM customer_match_review AS r
JOIN keyed AS a ON a.normalized_name = r.name_a
JOIN keyed AS b ON b.normalized_name = r.name_b
JOIN customers AS ca ON ca.customer_key = a.customer_key
JOIN customers AS cb ON cb.customer_key = b.customer_key
ORDER BY r.score DESC, r.name_a, r.name_b

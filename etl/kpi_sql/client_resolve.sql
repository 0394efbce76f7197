-- The customer keys an id names: a customer key itself, else any source id
-- (CRM account id or accounting customer id) that one of its aliases carries.
SELECT DISTINCT customer_key, 1 AS precedence FROM customers
WHERE customer_key = $client_id
UNION
SELECT DISTINCT customer_key, 2 FROM customer_aliases
WHERE source_id = $client_id
ORDER BY precedence, customer_key

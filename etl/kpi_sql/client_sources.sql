-- Every spelling and source id the customer was matched from.
SELECT system, source_table AS "table", source_id AS id, name, method, score
FROM customer_aliases
WHERE customer_key = $customer_key
ORDER BY system, source_table, source_id NULLS LAST, name

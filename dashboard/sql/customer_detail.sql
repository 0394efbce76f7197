-- One matched customer with its segment and the names it was exported under.
SELECT c.customer_key, c.customer_name, s.segment, c.in_crm, c.in_accounting,
    array_to_string(c.names, '; ') AS exported_names
FROM customers AS c
LEFT JOIN /* include: customer_segments */ AS s USING (customer_key)
WHERE c.customer_key = $customer_key

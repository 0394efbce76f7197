WITH {client_names}
SELECT c.customer_key, c.customer_name, c.in_crm, c.in_accounting, n.names
FROM customers AS c
JOIN client_names AS n ON n.customer_key = c.customer_key
WHERE c.customer_key = $customer_key

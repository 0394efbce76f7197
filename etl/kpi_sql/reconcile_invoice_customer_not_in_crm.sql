-- Live invoices billed to a customer that no CRM record names.
SELECT f.invoice_id, f.customer_key, f.customer_name, i.customer_id, f.issued_on,
       f.total_rc,
       'CRM' AS system,
       'CRM: create account ' || coalesce('''' || f.customer_name || '''', 'for')
           || coalesce(' (accounting customer ' || i.customer_id || ')', '')
           || ' billed by invoice ' || f.invoice_id AS action
FROM invoice_facts AS f
JOIN invoices AS i ON i.invoice_id = f.invoice_id
JOIN customers AS c ON c.customer_key = f.customer_key
WHERE NOT c.in_crm
ORDER BY f.issued_on, f.invoice_id

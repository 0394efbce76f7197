-- Every invoice of the customer, voids included; the payment columns are NULL
-- for a void invoice because invoice_facts leaves voids out.
SELECT i.invoice_id, i.customer_id, i.customer_name AS customer_name_exported,
       l.deal_id, l.method AS link_method, l.confidence AS link_confidence,
       i.issued_on, i.due_on, i.currency, i.total, i.tax, i.total_rc, i.status,
       i.disputed, i.replaces_invoice_id, f.paid_rc, f.credited_rc, f.balance_rc,
       f.paid_in_full_on
FROM invoices AS i
LEFT JOIN deal_invoice_links AS l ON l.invoice_id = i.invoice_id
LEFT JOIN invoice_facts AS f ON f.invoice_id = i.invoice_id
WHERE i.customer_key = $customer_key
ORDER BY i.issued_on, i.invoice_id

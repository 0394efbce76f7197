-- One invoice, void ones included, with its customer and linked deal, by
-- $invoice_id.
SELECT i.invoice_id, i.customer_key, coalesce(c.customer_name, i.customer_name)
    AS customer_name, l.deal_id, l.method AS link_method, i.status, i.disputed,
    i.issued_on, i.due_on, i.currency, i.total, i.tax, i.total_rc, f.balance_rc,
    f.paid_in_full_on, i.replaces_invoice_id
FROM invoices AS i
LEFT JOIN customers AS c USING (customer_key)
LEFT JOIN deal_invoice_links AS l USING (invoice_id)
LEFT JOIN invoice_facts AS f USING (invoice_id)
WHERE i.invoice_id = $invoice_id

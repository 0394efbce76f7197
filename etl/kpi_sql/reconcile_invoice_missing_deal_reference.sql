-- Invoices linked to a deal only by customer, amount and date: the invoice
-- itself names no deal, so the accounting record should get the reference.
SELECT f.invoice_id, f.customer_key, f.customer_name, f.issued_on, f.total_rc,
       l.deal_id, l.confidence,
       'Accounting' AS system,
       'Accounting: add deal reference ' || l.deal_id || ' to invoice ' || f.invoice_id
           AS action
FROM invoice_facts AS f
JOIN deal_invoice_links AS l ON l.invoice_id = f.invoice_id
WHERE l.method <> 'explicit'
ORDER BY f.issued_on, f.invoice_id

-- Payments of the invoices linked to deal $deal_id.
SELECT p.payment_id, p.invoice_id, p.paid_on, p.method, p.currency, p.amount,
    p.amount_rc
FROM payments AS p
JOIN deal_invoice_links AS l USING (invoice_id)
WHERE l.deal_id = $deal_id
ORDER BY p.paid_on, p.payment_id

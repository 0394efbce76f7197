-- Payments carry no customer of their own, so they follow their invoice.
SELECT p.payment_id, p.invoice_id, p.paid_on, p.amount, p.currency, p.amount_rc, p.method
FROM payments AS p
JOIN invoices AS i ON i.invoice_id = p.invoice_id
WHERE i.customer_key = $customer_key
ORDER BY p.paid_on, p.payment_id

-- Payments of invoice $invoice_id.
SELECT payment_id, paid_on, method, currency, amount, amount_rc
FROM payments
WHERE invoice_id = $invoice_id
ORDER BY paid_on, payment_id

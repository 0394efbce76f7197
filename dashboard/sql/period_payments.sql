-- Payments dated in [$start, $end]; amount_rc sums to the cash collected.
SELECT
    p.payment_id,
    p.invoice_id,
    coalesce(c.customer_name, i.customer_name) AS customer_name,
    p.paid_on,
    p.method,
    p.currency,
    p.amount,
    p.amount_rc
FROM payments AS p
LEFT JOIN invoices AS i USING (invoice_id)
LEFT JOIN customers AS c ON c.customer_key = i.customer_key
WHERE p.paid_on BETWEEN $start AND $end
ORDER BY p.paid_on, p.payment_id

-- Payments dated in [$start, $end]; amount_rc sums to the cash collected.
SELECT payment_id, invoice_id, customer_name, customer_key, paid_on, method, currency,
    amount, amount_rc
FROM /* include: scoped_payments */
WHERE paid_on BETWEEN $start AND $end
ORDER BY paid_on, payment_id

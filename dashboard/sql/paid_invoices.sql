-- Invoices paid in full in [$start, $end], the last step of the funnel;
-- total_rc sums to the value paid.
SELECT
    invoice_id, customer_name, customer_key, segment, deal_id, owner, issued_on, due_on,
    paid_in_full_on, paid_in_full_on - issued_on AS days_to_pay, currency, total,
    total_rc
FROM /* include: scoped_invoices */
WHERE paid_in_full_on BETWEEN $start AND $end
ORDER BY paid_in_full_on, invoice_id

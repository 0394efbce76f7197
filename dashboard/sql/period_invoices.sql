-- Non-void invoices issued in [$start, $end]; total_rc sums to the invoiced total.
SELECT
    invoice_id,
    customer_name,
    customer_key,
    segment,
    deal_id,
    owner,
    issued_on,
    due_on,
    currency,
    total,
    total_rc,
    paid_rc,
    credited_rc,
    balance_rc,
    paid_in_full_on
FROM /* include: scoped_invoices */
WHERE issued_on BETWEEN $start AND $end
ORDER BY issued_on, invoice_id

-- Credit notes issued in [$start, $end]; amount_rc sums to the credit note total.
SELECT
    credit_note_id, invoice_id, customer_name, customer_key, segment, issued_on, reason,
    currency, amount, amount_rc
FROM /* include: scoped_credit_notes */
WHERE issued_on BETWEEN $start AND $end
ORDER BY issued_on, credit_note_id

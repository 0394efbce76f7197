-- Credit notes against invoice $invoice_id.
SELECT credit_note_id, issued_on, reason, currency, amount, amount_rc
FROM credit_notes
WHERE invoice_id = $invoice_id
ORDER BY issued_on, credit_note_id

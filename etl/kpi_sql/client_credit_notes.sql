-- A credit note belongs to the customer it names, or else to its invoice's.
SELECT cn.credit_note_id, cn.invoice_id, cn.customer_id, cn.issued_on, cn.amount,
       cn.currency, cn.amount_rc, cn.reason
FROM credit_notes AS cn
LEFT JOIN invoices AS i ON i.invoice_id = cn.invoice_id
WHERE coalesce(cn.customer_key, i.customer_key) = $customer_key
ORDER BY cn.issued_on, cn.credit_note_id

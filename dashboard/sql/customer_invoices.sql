-- Every non-void invoice of customer $customer_key, newest first.
SELECT invoice_id, deal_id, issued_on, due_on, currency, total, total_rc, paid_rc,
    credited_rc, balance_rc, paid_in_full_on
FROM invoice_facts
WHERE customer_key = $customer_key
ORDER BY issued_on DESC, invoice_id

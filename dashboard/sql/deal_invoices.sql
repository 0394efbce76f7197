-- The non-void invoices linked to deal $deal_id, with how each link was made.
SELECT invoice_id, link_method, issued_on, due_on, currency, total, total_rc, paid_rc,
    credited_rc, balance_rc, paid_in_full_on
FROM invoice_facts
WHERE deal_id = $deal_id
ORDER BY issued_on, invoice_id

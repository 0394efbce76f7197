-- Payments applied to an invoice number that no invoice extract contains:
-- cash that counts as collected but cannot be traced to what it pays.
SELECT p.payment_id, p.invoice_id, p.paid_on, p.currency, p.amount, p.amount_rc,
       'Accounting' AS system,
       'Accounting: apply payment ' || p.payment_id || ' to an existing invoice; '
           || 'invoice ' || coalesce(p.invoice_id, '(none)')
           || ' is in no invoice extract' AS action
FROM payments AS p
WHERE NOT EXISTS (SELECT 1 FROM invoices AS i WHERE i.invoice_id = p.invoice_id)
ORDER BY p.paid_on, p.payment_id

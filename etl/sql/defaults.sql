-- Fill the values a source may leave out, from the reporting settings.
UPDATE deals SET currency = upper(coalesce(currency, $reporting_currency));

UPDATE products SET currency = upper(coalesce(currency, $reporting_currency));

-- A deal without a team takes its owner's team from the owners table.
UPDATE deals SET team = o.team
FROM owners AS o
WHERE deals.team IS NULL AND o.owner = deals.owner AND o.team IS NOT NULL;

UPDATE invoices SET
    currency = upper(coalesce(currency, $reporting_currency)),
    status = coalesce(status, CASE WHEN paid_on IS NOT NULL THEN 'paid' ELSE 'open' END),
    due_on = coalesce(due_on, issued_on + CAST($payment_terms_days AS INTEGER)),
    disputed = coalesce(disputed, false);

UPDATE payments SET currency = upper(coalesce(
    payments.currency,
    (SELECT i.currency FROM invoices AS i WHERE i.invoice_id = payments.invoice_id),
    $reporting_currency));

-- Credit notes are stored positive whatever sign the export used.
UPDATE credit_notes SET
    amount = abs(amount),
    currency = upper(coalesce(
        credit_notes.currency,
        (SELECT i.currency FROM invoices AS i WHERE i.invoice_id = credit_notes.invoice_id),
        $reporting_currency));

-- An invoice exported with only a settled date counts as one full payment
-- on that date, unless a payments source already covers it.
INSERT INTO payments (payment_id, invoice_id, paid_on, amount, currency, method,
                      _source, _file, _row)
SELECT 'settled:' || i.invoice_id, i.invoice_id, i.paid_on, i.total, i.currency,
       'settled date', 'invoices.paid_on', i._file, i._row
FROM invoices AS i
WHERE i.paid_on IS NOT NULL
  AND i.status <> 'void'
  AND NOT EXISTS (SELECT 1 FROM payments AS p WHERE p.invoice_id = i.invoice_id);

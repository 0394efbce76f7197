-- Open balance and invoice count per aging bucket over the rows of
-- ar_open_invoices.
SELECT bucket, count(*) AS invoice_count, coalesce(sum(balance_rc), 0) AS balance_rc
FROM /* include: ar_open_invoices */
GROUP BY bucket

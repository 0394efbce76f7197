-- Payments under the dashboard filters. Without owner, team, customer or segment
-- every payment counts, also those of void invoices, as in the cash KPI;
-- otherwise only payments of the filtered invoices.
SELECT
    p.payment_id,
    p.invoice_id,
    i.customer_key,
    coalesce(c.customer_name, i.customer_name) AS customer_name,
    p.paid_on,
    p.method,
    p.currency,
    p.amount,
    p.amount_rc
FROM payments AS p
LEFT JOIN invoices AS i USING (invoice_id)
LEFT JOIN customers AS c ON c.customer_key = i.customer_key
WHERE (
        ($owner::VARCHAR IS NULL AND $team::VARCHAR IS NULL
            AND $customer::VARCHAR IS NULL AND $segment::VARCHAR IS NULL)
        OR p.invoice_id IN (SELECT invoice_id FROM /* include: scoped_invoices */)
    )
    AND ($currency::VARCHAR IS NULL OR p.currency = $currency)

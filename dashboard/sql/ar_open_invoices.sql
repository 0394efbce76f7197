-- Invoices with a balance on $as_of, from the warehouse macro ar_balances that
-- the AR KPIs use, under the dashboard filters. $bucket keeps one aging bucket
-- and $customer_key one customer (NULL keeps all). balance_rc sums to AR, or to
-- one bucket; a NULL balance_rc has no exchange rate.
SELECT
    a.invoice_id,
    a.customer_key,
    a.customer_name,
    i.segment,
    a.owner,
    a.issued_on,
    a.due_on,
    a.days_past_due,
    a.aging_bucket AS bucket,
    a.currency,
    a.total,
    a.total_rc,
    a.balance_rc
FROM ar_balances(CAST($as_of AS DATE)) AS a
JOIN /* include: scoped_invoices */ AS i USING (invoice_id)
WHERE ($bucket::VARCHAR IS NULL OR a.aging_bucket = $bucket)
    AND ($customer_key::VARCHAR IS NULL OR a.customer_key = $customer_key)
ORDER BY a.days_past_due DESC, a.invoice_id

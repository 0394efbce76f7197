-- Credit notes under the dashboard filters, matched like etl/kpi_sql/filters.sql:
-- those of filtered invoices, plus unlinked ones of the filtered customer.
SELECT
    n.credit_note_id,
    n.invoice_id,
    n.customer_key,
    coalesce(c.customer_name, n.customer_name) AS customer_name,
    s.segment,
    n.issued_on,
    n.reason,
    n.currency,
    n.amount,
    n.amount_rc
FROM credit_notes AS n
LEFT JOIN customers AS c USING (customer_key)
LEFT JOIN /* include: customer_segments */ AS s USING (customer_key)
WHERE (
        ($owner::VARCHAR IS NULL AND $team::VARCHAR IS NULL
            AND $customer::VARCHAR IS NULL AND $segment::VARCHAR IS NULL)
        OR n.invoice_id IN (SELECT invoice_id FROM /* include: scoped_invoices */)
        OR ($owner::VARCHAR IS NULL AND $team::VARCHAR IS NULL
            AND n.invoice_id IS NULL
            AND ($customer::VARCHAR IS NULL OR n.customer_key = $customer)
            AND ($segment::VARCHAR IS NULL OR s.segment = $segment))
    )
    AND ($currency::VARCHAR IS NULL OR n.currency = $currency)

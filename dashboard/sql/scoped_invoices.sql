-- Non-void invoices under the dashboard filters; owner and team are those of the
-- linked deal, as in etl/kpi_sql/filters.sql. NULL keeps all.
SELECT i.*, s.segment
FROM invoice_facts AS i
LEFT JOIN /* include: customer_segments */ AS s USING (customer_key)
WHERE ($owner::VARCHAR IS NULL OR i.owner = $owner)
    AND ($team::VARCHAR IS NULL OR i.team = $team)
    AND ($customer::VARCHAR IS NULL OR i.customer_key = $customer)
    AND ($segment::VARCHAR IS NULL OR s.segment = $segment)
    AND ($currency::VARCHAR IS NULL OR i.currency = $currency)

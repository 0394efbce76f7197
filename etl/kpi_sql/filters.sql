-- Rows each KPI may see under the current filters. Every KPI query starts
-- with these views, so a filter narrows every figure the same way.
f_deals AS (
    SELECT * FROM deal_facts
    WHERE ($owner IS NULL OR owner = $owner)
      AND ($team IS NULL OR team = $team)
      AND ($customer IS NULL OR customer_key = $customer)
),
f_invoices AS (
    SELECT * FROM invoice_facts
    WHERE ($owner IS NULL OR owner = $owner)
      AND ($team IS NULL OR team = $team)
      AND ($customer IS NULL OR customer_key = $customer)
),
f_payments AS (
    SELECT * FROM payments
    WHERE ($owner IS NULL AND $team IS NULL AND $customer IS NULL)
       OR invoice_id IN (SELECT invoice_id FROM f_invoices)
),
f_credit_notes AS (
    SELECT * FROM credit_notes
    WHERE ($owner IS NULL AND $team IS NULL AND $customer IS NULL)
       OR invoice_id IN (SELECT invoice_id FROM f_invoices)
       OR ($owner IS NULL AND $team IS NULL AND invoice_id IS NULL
           AND customer_key = $customer)
),
f_links AS (
    SELECT * FROM deal_invoice_links
    WHERE method = 'explicit' OR NOT $explicit_links_only
)

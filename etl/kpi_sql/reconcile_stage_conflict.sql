-- Deals whose CRM stage contradicts accounting: still open although a linked
-- invoice is paid in full, or lost although a live invoice was issued.
-- The CRM stage label for a win is the one most won deals carry.
WITH won_label AS (
    SELECT coalesce((SELECT stage FROM deals WHERE status = 'won' AND stage IS NOT NULL
                     GROUP BY stage ORDER BY count(*) DESC, stage LIMIT 1), 'won') AS stage
),
conflicts AS (
    SELECT d.deal_id, d.customer_key, d.customer, d.stage, d.status,
           string_agg(f.invoice_id, ', ' ORDER BY f.invoice_id) AS invoice_ids,
           max(f.paid_in_full_on) AS last_paid_on,
           CASE WHEN d.status = 'open' THEN 'open_deal_paid_invoice'
                ELSE 'lost_deal_invoiced' END AS conflict
    FROM deal_facts AS d
    JOIN deal_invoice_links AS l ON l.deal_id = d.deal_id
    JOIN invoice_facts AS f ON f.invoice_id = l.invoice_id
    WHERE (d.status = 'open' AND f.paid_in_full_on IS NOT NULL)
       OR d.status = 'lost'
    GROUP BY ALL
)
SELECT c.deal_id, c.customer_key, c.customer, c.stage, c.status, c.conflict,
       c.invoice_ids, c.last_paid_on, w.stage AS new_stage,
       'CRM' AS system,
       CASE WHEN c.conflict = 'open_deal_paid_invoice'
            THEN 'CRM: set deal ' || c.deal_id || ' to ' || w.stage
                 || ' (invoice ' || c.invoice_ids || ' is paid)'
            ELSE 'CRM: set deal ' || c.deal_id || ' to ' || w.stage
                 || ' (invoice ' || c.invoice_ids
                 || ' was issued); if it was lost, void the invoice in accounting'
       END AS action
FROM conflicts AS c
CROSS JOIN won_label AS w
ORDER BY c.deal_id

-- Live invoices linked to no deal, with the customer's most recent won deal
-- that has no live invoice yet, when there is one, as the likely reference.
WITH unlinked AS (
    SELECT f.invoice_id, f.customer_key, f.customer_name, f.issued_on, f.total_rc
    FROM invoice_facts AS f
    WHERE f.deal_id IS NULL
),
uninvoiced_won AS (
    SELECT d.deal_id, d.customer_key, d.closed_on
    FROM deals AS d
    WHERE d.status = 'won'
      AND NOT EXISTS (
          SELECT 1 FROM deal_invoice_links AS l
          JOIN invoices AS i ON i.invoice_id = l.invoice_id
          WHERE l.deal_id = d.deal_id AND i.status <> 'void')
),
candidates AS (
    SELECT u.invoice_id,
           first(w.deal_id ORDER BY w.closed_on DESC, w.deal_id) AS candidate_deal_id
    FROM unlinked AS u
    JOIN uninvoiced_won AS w
      ON w.customer_key = u.customer_key AND w.closed_on <= u.issued_on
    GROUP BY u.invoice_id
)
SELECT u.invoice_id, u.customer_key, u.customer_name, u.issued_on, u.total_rc,
       c.candidate_deal_id,
       CASE WHEN c.candidate_deal_id IS NOT NULL THEN 'Accounting' ELSE 'CRM' END AS system,
       CASE WHEN c.candidate_deal_id IS NOT NULL
            THEN 'Accounting: add deal reference ' || c.candidate_deal_id
                 || ' to invoice ' || u.invoice_id
            ELSE 'CRM: record the deal that invoice ' || u.invoice_id
                 || coalesce(' (' || u.customer_name || ')', '')
                 || ' bills, then add its id to the invoice in accounting'
       END AS action
FROM unlinked AS u
LEFT JOIN candidates AS c ON c.invoice_id = u.invoice_id
ORDER BY u.issued_on, u.invoice_id

-- Won deals whose live invoices sum to more or less than the deal amount by
-- more than the larger tolerance, in the reporting currency. Short billing is
-- fixed in accounting, billing over the amount by updating the deal.
WITH invoiced AS (
    SELECT l.deal_id, sum(i.total_rc) AS invoiced_rc,
           string_agg(i.invoice_id, ', ' ORDER BY i.invoice_id) AS invoice_ids
    FROM deal_invoice_links AS l
    JOIN invoices AS i ON i.invoice_id = l.invoice_id
    WHERE i.status <> 'void'
    GROUP BY l.deal_id
),
compared AS (
    SELECT d.deal_id, d.customer_key, d.customer, d.amount_rc, v.invoiced_rc,
           v.invoice_ids, v.invoiced_rc - d.amount_rc AS difference_rc
    FROM deal_facts AS d
    JOIN invoiced AS v ON v.deal_id = d.deal_id
    WHERE d.status = 'won'
      AND abs(v.invoiced_rc - d.amount_rc)
          > greatest(CAST($tolerance_abs AS DECIMAL(18,2)),
                     CAST($tolerance_pct AS DECIMAL(18,4)) * d.amount_rc)
)
SELECT deal_id, customer_key, customer, invoice_ids, amount_rc, invoiced_rc, difference_rc,
       CASE WHEN difference_rc < 0 THEN 'Accounting' ELSE 'CRM' END AS system,
       CASE WHEN difference_rc < 0
            THEN 'Accounting: invoice the remaining ' || printf('%.2f', -difference_rc)
                 || ' of deal ' || deal_id || ' (amount ' || printf('%.2f', amount_rc)
                 || ', invoiced ' || printf('%.2f', invoiced_rc) || ')'
            ELSE 'CRM: set the amount of deal ' || deal_id || ' to '
                 || printf('%.2f', invoiced_rc) || ' as invoiced (' || invoice_ids
                 || '), or credit ' || printf('%.2f', difference_rc) || ' in accounting'
       END AS action
FROM compared
ORDER BY deal_id

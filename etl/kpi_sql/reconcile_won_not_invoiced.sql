-- Won deals with no live invoice once the grace period after the win is over.
SELECT d.deal_id, d.customer_key, d.customer, d.owner, d.closed_on, d.amount_rc,
       datediff('day', d.closed_on, CAST($as_of AS DATE)) AS days_since_won,
       'Accounting' AS system,
       'Accounting: issue an invoice for won deal ' || d.deal_id
           || coalesce(' (' || printf('%.2f', d.amount_rc) || ')', '')
           || ', won ' || strftime(d.closed_on, '%Y-%m-%d')
           || '; if it was not won, set its stage in the CRM' AS action
FROM deal_facts AS d
WHERE d.status = 'won'
  AND d.closed_on + CAST($grace_days AS INTEGER) <= CAST($as_of AS DATE)
  AND NOT EXISTS (
      SELECT 1 FROM deal_invoice_links AS l
      JOIN invoices AS i ON i.invoice_id = l.invoice_id
      WHERE l.deal_id = d.deal_id AND i.status <> 'void')
ORDER BY d.closed_on, d.deal_id

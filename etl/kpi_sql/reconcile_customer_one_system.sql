-- Customers known to one system only. Every accounting-only customer is
-- listed; a CRM-only customer only once it has a won deal, because prospects
-- are not expected in accounting.
WITH first_ids AS (
    SELECT customer_key,
           min(source_id) FILTER (WHERE system = 'crm') AS crm_id,
           min(source_id) FILTER (WHERE system = 'accounting') AS accounting_id
    FROM customer_aliases
    GROUP BY customer_key
),
won AS (
    SELECT customer_key, count(*) AS won_deals FROM deals
    WHERE status = 'won' GROUP BY customer_key
)
SELECT c.customer_key, c.customer_name,
       CASE WHEN c.in_crm THEN 'crm' ELSE 'accounting' END AS present_in,
       coalesce(i.crm_id, i.accounting_id) AS source_id,
       coalesce(w.won_deals, 0) AS won_deals,
       CASE WHEN c.in_crm THEN 'Accounting' ELSE 'CRM' END AS system,
       CASE WHEN c.in_crm
            THEN 'Accounting: create customer ''' || c.customer_name || ''''
                 || coalesce(' (CRM account ' || i.crm_id || ')', '')
                 || ', or record its accounting customer id on the CRM account'
            ELSE 'CRM: create account ''' || c.customer_name || ''''
                 || coalesce(' (accounting customer ' || i.accounting_id || ')', '')
       END AS action
FROM customers AS c
JOIN first_ids AS i ON i.customer_key = c.customer_key
LEFT JOIN won AS w ON w.customer_key = c.customer_key
WHERE (c.in_crm AND NOT c.in_accounting AND w.won_deals > 0)
   OR (c.in_accounting AND NOT c.in_crm)
ORDER BY c.customer_name, c.customer_key

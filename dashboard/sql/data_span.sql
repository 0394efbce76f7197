-- First and last date of any lead, deal, invoice or payment: the default period.
WITH dates AS (
    SELECT created_on AS day FROM leads
    UNION ALL SELECT created_on FROM deals
    UNION ALL SELECT closed_on FROM deals
    UNION ALL SELECT issued_on FROM invoices
    UNION ALL SELECT paid_on FROM payments
)
SELECT min(day) AS first_day, max(day) AS last_day FROM dates

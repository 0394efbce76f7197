SELECT min(d), max(d) FROM (
    SELECT closed_on AS d FROM deals
    UNION ALL SELECT coalesce(created_on, engaged_on) FROM deals
    UNION ALL SELECT issued_on FROM invoices
    UNION ALL SELECT paid_on FROM payments
    UNION ALL SELECT created_on FROM leads
)

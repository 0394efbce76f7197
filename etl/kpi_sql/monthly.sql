WITH {filters},
months AS (
    SELECT CAST(m AS DATE) AS month_start,
           CAST(least(last_day(m), CAST($end AS DATE)) AS DATE) AS month_end
    FROM generate_series(date_trunc('month', CAST($start AS DATE)),
                         CAST($end AS DATE), INTERVAL 1 MONTH) AS t(m)
),
bounded AS (
    SELECT greatest(month_start, CAST($start AS DATE)) AS from_on, month_end AS to_on,
           strftime(month_start, '%Y-%m') AS month
    FROM months
),
ar_month AS (
    SELECT b.month,
           sum(CASE WHEN i.status = 'paid' AND i.event_days = 0 THEN 0
                    ELSE round(greatest(i.total - coalesce(e.applied, 0), 0) * i.fx, 2) END)
               AS ar_total
    FROM bounded AS b
    JOIN f_invoices AS i ON i.issued_on <= b.to_on
    LEFT JOIN LATERAL (
        SELECT sum(amount) AS applied FROM invoice_events AS ev
        WHERE ev.invoice_id = i.invoice_id AND ev.event_on <= b.to_on
    ) AS e ON true
    GROUP BY b.month
)
SELECT b.month,
       b.from_on,
       b.to_on,
       (SELECT coalesce(sum(amount_rc), 0) FROM f_deals
        WHERE status = 'won' AND closed_on BETWEEN b.from_on AND b.to_on) AS won_value,
       (SELECT coalesce(sum(total_rc), 0) FROM f_invoices
        WHERE issued_on BETWEEN b.from_on AND b.to_on) AS invoiced_total,
       (SELECT coalesce(sum(amount_rc), 0) FROM f_payments
        WHERE paid_on BETWEEN b.from_on AND b.to_on) AS cash_collected,
       coalesce(a.ar_total, 0) AS ar_total
FROM bounded AS b
LEFT JOIN ar_month AS a ON a.month = b.month
ORDER BY b.month

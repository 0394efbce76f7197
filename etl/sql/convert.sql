-- Convert each document at its own date with the latest rate on or before it.
-- A document in another currency with no such rate keeps a NULL converted amount.
CREATE OR REPLACE TEMP MACRO to_reporting(amount, currency, on_date) AS (
    CASE
        WHEN amount IS NULL THEN NULL
        WHEN currency = $reporting_currency THEN amount
        ELSE CAST(round(amount * (
            SELECT r.rate FROM fx_rates AS r
            WHERE upper(r.currency) = currency AND r.rate_date <= on_date
            ORDER BY r.rate_date DESC LIMIT 1), 2) AS DECIMAL(18,2))
    END
);

ALTER TABLE deals ADD COLUMN amount_rc DECIMAL(18,2);
UPDATE deals SET amount_rc = to_reporting(amount, currency,
    coalesce(closed_on, created_on, engaged_on));

ALTER TABLE invoices ADD COLUMN total_rc DECIMAL(18,2);
UPDATE invoices SET total_rc = to_reporting(total, currency, issued_on);

ALTER TABLE payments ADD COLUMN amount_rc DECIMAL(18,2);
UPDATE payments SET amount_rc = to_reporting(amount, currency, paid_on);

ALTER TABLE credit_notes ADD COLUMN amount_rc DECIMAL(18,2);
UPDATE credit_notes SET amount_rc = to_reporting(amount, currency, issued_on);

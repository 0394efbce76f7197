-- Convert each document at its own date with the latest rate on or before it.
-- A document in another currency with no such rate keeps a NULL converted amount.
-- Macros expand as text, so callers pass table-qualified columns: a bare
-- `currency` would bind to fx_rates.currency inside the subquery.
CREATE OR REPLACE TEMP MACRO to_reporting(doc_amount, doc_currency, doc_date) AS (
    CASE
        WHEN doc_amount IS NULL THEN NULL
        WHEN doc_currency = $reporting_currency THEN doc_amount
        ELSE CAST(round(doc_amount * (
            SELECT r.rate FROM fx_rates AS r
            WHERE upper(r.currency) = doc_currency AND r.rate_date <= doc_date
            ORDER BY r.rate_date DESC LIMIT 1), 2) AS DECIMAL(18,2))
    END
);

ALTER TABLE deals ADD COLUMN amount_rc DECIMAL(18,2);
UPDATE deals SET amount_rc = to_reporting(deals.amount, deals.currency,
    coalesce(deals.closed_on, deals.created_on, deals.engaged_on));

ALTER TABLE invoices ADD COLUMN total_rc DECIMAL(18,2);
UPDATE invoices SET total_rc = to_reporting(invoices.total, invoices.currency, invoices.issued_on);

ALTER TABLE payments ADD COLUMN amount_rc DECIMAL(18,2);
UPDATE payments SET amount_rc = to_reporting(payments.amount, payments.currency, payments.paid_on);

ALTER TABLE credit_notes ADD COLUMN amount_rc DECIMAL(18,2);
UPDATE credit_notes SET amount_rc = to_reporting(credit_notes.amount, credit_notes.currency,
    credit_notes.issued_on);

-- A price list has no document date, so it converts at the latest rate.
ALTER TABLE products ADD COLUMN list_price_rc DECIMAL(18,2);
UPDATE products SET list_price_rc = to_reporting(products.list_price, products.currency,
    DATE '9999-12-31');

"""A stand-in for `etl.kpis` that fills the KPI contract from the tiny warehouse.

The tests install it as `etl.kpis` only while the real module is missing. It
computes what the drill-downs are checked against with its own SQL and leaves
the rest of the contract at fixed sample values.
"""

import datetime as dt
from decimal import Decimal

SPAN_SQL = """
SELECT min(d), max(d) FROM (
    SELECT created_on AS d FROM leads UNION ALL SELECT closed_on FROM deals
    UNION ALL SELECT issued_on FROM invoices UNION ALL SELECT paid_on FROM payments)
"""
WON_SQL = """
SELECT count(*), sum(amount_rc) FROM deals
WHERE status = 'won' AND closed_on BETWEEN ? AND ?
"""
LOST_SQL = "SELECT count(*) FROM deals WHERE status = 'lost' AND closed_on BETWEEN ? AND ?"
OPEN_SQL = """
SELECT count(*), sum(amount_rc), sum(amount_rc * probability) FROM deals
WHERE status = 'open'
"""
INVOICED_SQL = """
SELECT count(*), sum(total_rc) FROM invoices
WHERE status <> 'void' AND issued_on BETWEEN ? AND ?
"""
CASH_SQL = "SELECT count(*), sum(amount_rc) FROM payments WHERE paid_on BETWEEN ? AND ?"
AGING_SQL = """
WITH paid AS (
    SELECT invoice_id, sum(amount_rc) AS amount FROM payments WHERE paid_on <= ?
    GROUP BY 1),
credited AS (
    SELECT invoice_id, sum(amount_rc) AS amount FROM credit_notes WHERE issued_on <= ?
    GROUP BY 1),
balance AS (
    SELECT ? - i.due_on AS late,
           greatest(i.total_rc - coalesce(p.amount, 0) - coalesce(c.amount, 0), 0) AS b
    FROM invoices AS i LEFT JOIN paid AS p USING (invoice_id)
    LEFT JOIN credited AS c USING (invoice_id)
    WHERE i.status <> 'void' AND i.issued_on <= ?)
SELECT sum(b) FILTER (late <= 0), sum(b) FILTER (late BETWEEN 1 AND 30),
       sum(b) FILTER (late BETWEEN 31 AND 60), sum(b) FILTER (late BETWEEN 61 AND 90),
       sum(b) FILTER (late > 90)
FROM balance
"""
BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90")


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _months(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    months, first = [], start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        months.append((first.strftime("%Y-%m"), max(first, start),
                       min(following - dt.timedelta(days=1), end)))
        first = following
    return months


def _aging(con, as_of: dt.date) -> dict:
    values = con.execute(AGING_SQL, [as_of] * 4).fetchone()
    return {bucket: _money(value or 0) for bucket, value in zip(BUCKETS, values)}


def _monthly(con, start: dt.date, end: dt.date) -> list[dict]:
    rows = []
    for month, first, last in _months(start, end):
        rows.append({
            "month": month,
            "won_value": _money(con.execute(WON_SQL, [first, last]).fetchone()[1] or 0),
            "invoiced_total": _money(
                con.execute(INVOICED_SQL, [first, last]).fetchone()[1] or 0),
            "cash_collected": _money(
                con.execute(CASH_SQL, [first, last]).fetchone()[1] or 0),
            "dso": 30.0,
        })
    return rows


def compute_kpis(con, start=None, end=None, as_of=None, owner=None, customer=None):
    """Return the KPI object of the contract for [start, end], AR on `as_of`."""
    first_day, last_day = con.execute(SPAN_SQL).fetchone()
    start, end = start or first_day, end or last_day
    as_of = as_of or end
    won_count, won_value = con.execute(WON_SQL, [start, end]).fetchone()
    lost_count = con.execute(LOST_SQL, [start, end]).fetchone()[0]
    open_count, open_value, weighted = con.execute(OPEN_SQL).fetchone()
    invoice_count, invoiced = con.execute(INVOICED_SQL, [start, end]).fetchone()
    payment_count, cash = con.execute(CASH_SQL, [start, end]).fetchone()
    aging = _aging(con, as_of)
    closed = won_count + lost_count
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(),
                   "as_of": as_of.isoformat()},
        "pipeline": {
            "open_value": _money(open_value), "open_count": open_count,
            "weighted_value": _money(weighted), "won_count": won_count,
            "lost_count": lost_count, "won_value": _money(won_value),
            "win_rate": won_count / closed if closed else None,
            "avg_won_deal_size": _money(won_value / won_count) if won_count else None,
            "sales_cycle_days": {"median": 40.0, "mean": 41.0, "p90": 50.0,
                                 "count": closed},
        },
        "invoicing": {
            "invoice_count": invoice_count, "invoiced_total": _money(invoiced),
            "avg_invoice_size": _money(invoiced / invoice_count) if invoice_count
            else None,
            "avg_invoice_size_net": None, "credit_note_total": _money(100),
            "unconverted_count": 0,
        },
        "collections": {
            "cash_collected": _money(cash), "payment_count": payment_count,
            "ar_total": _money(sum(aging.values())), "ar_aging": aging, "dso": 30.0,
            "cei": 0.8, "on_time_rate": 0.5,
            "days_to_pay": {"median": 15.0, "mean": 16.0, "count": 2},
            "days_late": {"median": 0.0, "mean": 1.0},
        },
        "lead_to_payment_days": {"median": 55.0, "mean": 56.0, "p90": 60.0,
                                 "count": 1, "open_count": 1},
        "order_error_rate": {"rate": 0.0, "orders": 2, "orders_with_errors": 0,
                             "by_event": {}, "not_invoiced": 0},
        "monthly": _monthly(con, start, end),
    }

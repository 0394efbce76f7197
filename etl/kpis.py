"""KPI queries over the warehouse: the one place the CLI, the API and the dashboard call.

Every aggregate runs in DuckDB (`etl/kpi_sql/*.sql`); Python only divides,
rounds and turns a zero or missing denominator into None.
"""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import duckdb

from etl.sqlfiles import execute, read_sql

CENT = Decimal("0.01")
# Periods are capped at 100 years: the monthly series grows with the months.
MAX_PERIOD_DAYS = 366 * 100
EVENTS = ("credit_note", "void_reissue", "return_recorded", "amount_mismatch",
          "duplicate_invoice")


@dataclass(frozen=True)
class KpiFilters:
    """The period and the filters every KPI is computed under."""

    start: dt.date
    end: dt.date
    as_of: dt.date
    owner: str | None = None
    team: str | None = None
    customer: str | None = None
    explicit_links_only: bool = False

    def params(self, settings: dict) -> dict:
        """Return the SQL parameters for these filters and the warehouse settings."""
        return {
            "start": self.start, "end": self.end, "as_of": self.as_of,
            "owner": self.owner, "team": self.team, "customer": self.customer,
            "explicit_links_only": self.explicit_links_only,
            "grace_days": int(settings.get("grace_days", 30)),
            "tolerance_pct": Decimal(str(settings.get("tolerance_pct", "0.01"))),
            "tolerance_abs": Decimal(str(settings.get("tolerance_abs", "1"))),
        }


def money(value) -> Decimal | None:
    """Round a money value half up to cents; None stays None."""
    if value is None:
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class PeriodError(ValueError):
    """A period whose start is after its end, or longer than MAX_PERIOD_DAYS."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    """Raise PeriodError for a start after the end or a period over 100 years."""
    if start is None or end is None:
        return
    if start > end:
        raise PeriodError("start", f"start {start} is after end {end}")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise PeriodError("end", f"the period from {start} to {end} is longer than 100 years")


def half_up(value, places: int) -> float:
    """Round half up to `places` decimals, as money is, and return a float."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


def ratio(numerator, denominator) -> float | None:
    """Divide, or return None when the denominator is zero or missing."""
    if numerator is None or not denominator:
        return None
    return half_up(Decimal(numerator) / Decimal(denominator), 4)


def days(value) -> float | None:
    """Round a number of days to one decimal; None stays None."""
    return None if value is None else half_up(value, 1)


def dso(ar_total, credit_sales, period_days: int) -> float | None:
    """Return days sales outstanding: AR / credit sales × days in the period."""
    if ar_total is None or not credit_sales:
        return None
    return half_up(Decimal(ar_total) / Decimal(credit_sales) * period_days, 1)


def read_settings(con: duckdb.DuckDBPyConnection) -> dict:
    """Return the reporting settings the warehouse was built with."""
    rows = con.execute("SELECT name, value FROM settings").fetchall()
    return {name: json.loads(value) for name, value in rows}


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date] | None:
    """Return the first and last date of any deal, invoice or payment."""
    row = con.execute(read_sql("kpi_sql", "span")).fetchall()[0]
    return None if row[0] is None else (row[0], row[1])


def make_filters(con, start=None, end=None, as_of=None, **filters) -> KpiFilters:
    """Fill a missing period with the whole span of the data."""
    span = data_span(con) or (dt.date.today(), dt.date.today())
    start = start or span[0]
    end = end or span[1]
    return KpiFilters(start=start, end=end, as_of=as_of or end, **filters)


def query(con, name: str, filters: KpiFilters, settings: dict | None = None):
    """Run `etl/kpi_sql/<name>.sql` under `filters`; return a DuckDB result."""
    sql = read_sql("kpi_sql", name).replace("{filters}", read_sql("kpi_sql", "filters"))
    return execute(con, sql, filters.params(settings or read_settings(con)))


def fetch_one(con, name: str, filters: KpiFilters, settings: dict) -> dict:
    """Run a one-row KPI query and return it as a dict."""
    result = query(con, name, filters, settings)
    columns = [d[0] for d in result.description]
    return dict(zip(columns, result.fetchall()[0]))


def compute_kpis(
    con: duckdb.DuckDBPyConnection,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.date | None = None,
    owner: str | None = None,
    customer: str | None = None,
    team: str | None = None,
    explicit_links_only: bool = False,
) -> dict:
    """Compute every KPI for the period and filters, as one JSON-ready dict.

    Without `start`/`end` the period is the whole span of the data, and
    `as_of` defaults to `end`.
    """
    filters = make_filters(
        con, start, end, as_of, owner=owner, customer=customer, team=team,
        explicit_links_only=explicit_links_only,
    )
    settings = read_settings(con)
    period_days = (filters.end - filters.start).days + 1
    invoicing = invoicing_kpis(con, filters, settings)
    return {
        "period": {
            "start": filters.start.isoformat(),
            "end": filters.end.isoformat(),
            "as_of": filters.as_of.isoformat(),
        },
        "filters": {"owner": owner, "team": team, "customer": customer,
                    "explicit_links_only": explicit_links_only},
        "reporting_currency": settings.get("reporting_currency"),
        "pipeline": pipeline_kpis(con, filters, settings),
        "invoicing": invoicing,
        "collections": collection_kpis(con, filters, settings, invoicing, period_days),
        "lead_to_payment_days": lead_to_payment_kpis(con, filters, settings),
        "order_error_rate": order_error_kpis(con, filters, settings),
        "monthly": monthly_kpis(con, filters, settings),
    }


def pipeline_kpis(con, filters: KpiFilters, settings: dict) -> dict:
    """Open and weighted pipeline as of the as-of date; wins and losses in the period."""
    row = fetch_one(con, "pipeline", filters, settings)
    stages = query(con, "pipeline_stages", filters, settings).fetchall()
    closed = row["won_count"] + row["lost_count"]
    return {
        # No open deal at all is a pipeline of zero; open deals of unknown value are not.
        "open_value": money(row["open_value"] if row["open_count"] else 0),
        "open_count": row["open_count"],
        "open_without_amount": row["open_without_amount"],
        "open_at_list_price": row["open_at_list_price"],
        "open_by_stage": [
            {"stage": stage, "open_count": count, "open_value": money(value),
             "weighted_value": money(weighted)}
            for stage, count, value, weighted in stages
        ],
        "weighted_value": money(row["weighted_value"] if row["open_count"] else 0),
        "open_without_probability": row["open_without_probability"],
        "won_count": row["won_count"],
        "lost_count": row["lost_count"],
        "won_value": money(row["won_value"] or 0),
        "unconverted_count": row["won_unconverted"],
        "win_rate": ratio(row["won_count"], closed),
        "avg_won_deal_size": money(_divide(row["won_value"], row["won_with_amount"])),
        "sales_cycle_days": {
            "median": days(row["cycle_median"]),
            "mean": days(row["cycle_mean"]),
            "p90": days(row["cycle_p90"]),
            "count": row["cycle_count"],
        },
        "lead_to_won_days": {
            "median": days(row["lead_to_won_median"]),
            "mean": days(row["lead_to_won_mean"]),
            "count": row["lead_to_won_count"],
        },
    }


def invoicing_kpis(con, filters: KpiFilters, settings: dict) -> dict:
    """Invoices issued in the period, voids excluded, and credit notes beside them."""
    row = fetch_one(con, "invoicing", filters, settings)
    total = row["invoiced_total"]
    net = None if total is None else total - row["credit_note_total"]
    return {
        "invoice_count": row["invoice_count"],
        "invoiced_total": money(total or 0),
        "avg_invoice_size": money(_divide(total, row["invoice_count"])),
        "avg_invoice_size_net": money(_divide(net, row["invoice_count"])),
        "credit_note_total": money(row["credit_note_total"]),
        "credit_note_count": row["credit_note_count"],
        "unconverted_count": row["unconverted_count"],
    }


def collection_kpis(con, filters, settings, invoicing: dict, period_days: int) -> dict:
    """Cash, AR and aging as of the as-of date, DSO, CEI and payment timing."""
    row = fetch_one(con, "collections", filters, settings)
    sales = invoicing["invoiced_total"]
    cei_base = row["ar_start"] + sales - row["ar_end_current"]
    return {
        "cash_collected": money(row["cash_collected"]),
        "payment_count": row["payment_count"],
        "unconverted_count": row["payments_unconverted"],
        "ar_total": money(row["ar_total"]),
        "ar_count": row["ar_count"],
        "ar_aging": {
            bucket: money(row[f"aging_{bucket}"])
            for bucket in ("current", "1_30", "31_60", "61_90", "over_90")
        },
        "dso": dso(row["ar_end"], sales, period_days),
        "cei": percent(row["ar_start"] + sales - row["ar_end"], cei_base),
        "on_time_rate": None if row["on_time_rate"] is None else half_up(row["on_time_rate"], 4),
        "days_to_pay": {
            "median": days(row["days_to_pay_median"]),
            "mean": days(row["days_to_pay_mean"]),
            "count": row["settled_count"],
        },
        "days_late": {
            "median": days(row["days_late_median"]),
            "mean": days(row["days_late_mean"]),
        },
    }


def lead_to_payment_kpis(con, filters: KpiFilters, settings: dict) -> dict:
    """Days from first touch to the last invoice paid, for cycles completed in the period."""
    row = fetch_one(con, "lead_to_payment", filters, settings)
    return {
        "median": days(row["median"]),
        "mean": days(row["mean"]),
        "p90": days(row["p90"]),
        "count": row["count"],
        "open_count": row["open_count"],
        "open_median_age_days": days(row["open_median_age_days"]),
        "stages": {
            "lead_to_won_median": days(row["lead_to_won_median"]),
            "won_to_invoiced_median": days(row["won_to_invoiced_median"]),
            "invoiced_to_paid_median": days(row["invoiced_to_paid_median"]),
        },
    }


def order_error_kpis(con, filters: KpiFilters, settings: dict) -> dict:
    """Share of orders won in the period with at least one error event."""
    result = query(con, "order_errors", filters, settings)
    columns = [d[0] for d in result.description]
    orders = [dict(zip(columns, row)) for row in result.fetchall()]
    with_errors = sum(1 for order in orders if order["has_error"])
    by_event = {}
    for event in EVENTS:
        count = sum(1 for order in orders if order[event])
        by_event[event] = {"orders": count, "rate": ratio(count, len(orders))}
    # Without any invoice or return in the warehouse no error event can be
    # seen, so a rate of 0 would claim a clean record the data cannot show.
    can_see_errors = con.execute(
        "SELECT (SELECT count(*) FROM invoices) + (SELECT count(*) FROM returns) > 0"
    ).fetchall()[0][0]
    return {
        "rate": ratio(with_errors, len(orders)) if can_see_errors else None,
        "orders": len(orders),
        "orders_with_errors": with_errors,
        "by_event": by_event,
        "not_invoiced": sum(1 for order in orders if order["not_invoiced"]),
    }


def monthly_kpis(con, filters: KpiFilters, settings: dict) -> list[dict]:
    """Bookings, invoicing, cash and DSO per calendar month of the period."""
    result = query(con, "monthly", filters, settings)
    columns = [d[0] for d in result.description]
    months = []
    for values in result.fetchall():
        row = dict(zip(columns, values))
        month_days = (row["to_on"] - row["from_on"]).days + 1
        months.append({
            "month": row["month"],
            "won_value": money(row["won_value"]),
            "invoiced_total": money(row["invoiced_total"]),
            "cash_collected": money(row["cash_collected"]),
            "ar_total": money(row["ar_total"]),
            "dso": dso(row["ar_total"], row["invoiced_total"], month_days),
        })
    return months


def _divide(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def percent(numerator, denominator) -> float | None:
    """Return numerator / denominator × 100 to one decimal, or None without a denominator."""
    if numerator is None or not denominator:
        return None
    return half_up(Decimal(numerator) * 100 / Decimal(denominator), 1)


def to_json(kpis: dict) -> str:
    """Serialise a KPI dict: money as JSON numbers with two decimals."""
    return json.dumps(kpis, indent=2, default=_json_default)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")

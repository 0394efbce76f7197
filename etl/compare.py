"""Headline KPIs before and after the go-live date, side by side.

Before runs from the first day of data to the day before go-live, and after
from go-live to the last day of data. Each side is one `compute_kpis` call, as
of its own last day.
"""

import datetime as dt
from decimal import Decimal

import duckdb

from etl.errors import Lead2CashError
from etl.kpis import compute_kpis, data_span, read_settings

# (name, path into the compute_kpis dict, path to the count behind it, which
# direction is an improvement). Sums grow with the length of a period, so the
# three totals also appear per 30 days.
HEADLINE_KPIS = (
    ("lead_to_payment_days_median", "lead_to_payment_days.median",
     "lead_to_payment_days.count", "lower"),
    ("lead_to_payment_days_mean", "lead_to_payment_days.mean",
     "lead_to_payment_days.count", "lower"),
    ("order_error_rate", "order_error_rate.rate", "order_error_rate.orders", "lower"),
    ("orders_not_invoiced", "order_error_rate.not_invoiced", "order_error_rate.orders",
     "lower"),
    ("avg_invoice_size", "invoicing.avg_invoice_size", "invoicing.invoice_count", "higher"),
    ("win_rate", "pipeline.win_rate", None, "higher"),
    ("avg_won_deal_size", "pipeline.avg_won_deal_size", "pipeline.won_count", "higher"),
    ("sales_cycle_days_median", "pipeline.sales_cycle_days.median",
     "pipeline.sales_cycle_days.count", "lower"),
    ("days_to_pay_median", "collections.days_to_pay.median",
     "collections.days_to_pay.count", "lower"),
    ("on_time_rate", "collections.on_time_rate", "collections.days_to_pay.count", "higher"),
    ("dso", "collections.dso", "invoicing.invoice_count", "lower"),
    ("cei", "collections.cei", "invoicing.invoice_count", "higher"),
    ("won_value", "pipeline.won_value", "pipeline.won_count", "higher"),
    ("invoiced_total", "invoicing.invoiced_total", "invoicing.invoice_count", "higher"),
    ("cash_collected", "collections.cash_collected", "collections.payment_count", "higher"),
)
PER_30_DAYS = ("won_value", "invoiced_total", "cash_collected")


class GoLiveError(Lead2CashError):
    """The go-live date is missing or leaves one side of the comparison empty."""


def go_live_setting(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """Return `settings.go_live` from the warehouse, or None when it is not set."""
    value = read_settings(con).get("go_live")
    return dt.date.fromisoformat(value) if value else None


def compare_go_live(con: duckdb.DuckDBPyConnection, go_live: dt.date | None = None) -> dict:
    """Compute the headline KPIs before and after go-live, with the counts behind them.

    :param go_live: first day of the after period; defaults to `settings.go_live`.
    """
    go_live = go_live or go_live_setting(con)
    if go_live is None:
        raise GoLiveError(
            "no go-live date: set `go_live = \"YYYY-MM-DD\"` in the mapping file's "
            "[settings] and refresh, or pass a go-live date (--go-live YYYY-MM-DD "
            "on the command line, go_live=YYYY-MM-DD in the API)"
        )
    start, end = _check_span(con, go_live)

    before = compute_kpis(con, start, go_live - dt.timedelta(days=1))
    after = compute_kpis(con, go_live, end)
    periods = {"before": _period(before), "after": _period(after)}
    rows = [_compare_row(spec, before, after) for spec in HEADLINE_KPIS]
    rows += [_per_30_days_row(row, periods) for row in rows if row["name"] in PER_30_DAYS]
    return {
        "go_live": go_live.isoformat(),
        "reporting_currency": before["reporting_currency"],
        "periods": periods,
        "kpis": rows,
        "details": {"before": before, "after": after},
    }


def _check_span(con, go_live: dt.date) -> tuple[dt.date, dt.date]:
    span = data_span(con)
    if span is None:
        raise GoLiveError("the warehouse contains no dated deals, invoices or payments; refresh it "
                          "with extracts that carry dates")
    start, end = span
    if not start < go_live <= end:
        raise GoLiveError(
            f"go-live {go_live.isoformat()} leaves one side empty: the data runs from "
            f"{start.isoformat()} to {end.isoformat()}, so pick a date after the first "
            "day and on or before the last"
        )
    return start, end


def _period(kpis: dict) -> dict:
    start = dt.date.fromisoformat(kpis["period"]["start"])
    end = dt.date.fromisoformat(kpis["period"]["end"])
    return {"start": start.isoformat(), "end": end.isoformat(),
            "days": (end - start).days + 1}


def _lookup(kpis: dict, path: str | None):
    if path is None:
        return None
    value = kpis
    for part in path.split("."):
        value = value[part]
    return value


def _compare_row(spec: tuple, before: dict, after: dict) -> dict:
    name, path, count_path, better = spec
    before_value, after_value = _lookup(before, path), _lookup(after, path)
    if name == "win_rate":
        before_count = before["pipeline"]["won_count"] + before["pipeline"]["lost_count"]
        after_count = after["pipeline"]["won_count"] + after["pipeline"]["lost_count"]
    else:
        before_count, after_count = _lookup(before, count_path), _lookup(after, count_path)
    return {
        "name": name, "before": before_value, "after": after_value,
        "change": change(before_value, after_value),
        "change_pct": change_pct(before_value, after_value),
        "better": better, "before_count": before_count, "after_count": after_count,
    }


def _per_30_days_row(row: dict, periods: dict) -> dict:
    before = _scale(row["before"], 30, periods["before"]["days"])
    after = _scale(row["after"], 30, periods["after"]["days"])
    return {**row, "name": f"{row['name']}_per_30_days", "before": before, "after": after,
            "change": change(before, after), "change_pct": change_pct(before, after)}


def _scale(value, numerator: int, denominator: int):
    if value is None:
        return None
    return (Decimal(value) * numerator / denominator).quantize(Decimal("0.01"))


def change(before, after):
    """Return after − before, or None when either side is missing."""
    if before is None or after is None:
        return None
    if isinstance(after, int) and isinstance(before, int):
        return after - before
    difference = Decimal(str(after)) - Decimal(str(before))
    return difference if isinstance(after, Decimal) else round(float(difference), 4)


def change_pct(before, after) -> float | None:
    """Return the change as a percent of before, or None without a non-zero before."""
    if before is None or after is None or not before:
        return None
    return round(float((Decimal(str(after)) - Decimal(str(before))) * 100
                       / Decimal(str(before))), 1)

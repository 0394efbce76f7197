"""The go-live comparison of `etl.compare`, as rows and cards that read plainly."""

import datetime as dt

import pandas as pd

from dashboard.format import DASH, format_change, format_value
from dashboard.period import Period

GO_LIVE_KEY = "go_live"
# Display label and format of each headline KPI of `etl.compare.HEADLINE_KPIS`.
KPI_LABELS = {
    "lead_to_payment_days_median": ("Lead to payment, median", "days"),
    "lead_to_payment_days_mean": ("Lead to payment, mean", "days"),
    "order_error_rate": ("Order error rate", "rate"),
    "orders_not_invoiced": ("Won orders not invoiced", "count"),
    "avg_invoice_size": ("Average invoice size", "money"),
    "win_rate": ("Win rate", "rate"),
    "avg_won_deal_size": ("Average won deal", "money"),
    "sales_cycle_days_median": ("Sales cycle, median", "days"),
    "days_to_pay_median": ("Days to pay, median", "days"),
    "on_time_rate": ("On-time payment rate", "rate"),
    "dso": ("DSO", "days"),
    "cei": ("CEI (percent)", "count"),
    "won_value": ("Won value", "money"),
    "invoiced_total": ("Invoiced total", "money"),
    "cash_collected": ("Cash collected", "money"),
}
# The KPIs shown as cards above the table, in this order.
HEADLINE = ("lead_to_payment_days_median", "order_error_rate", "avg_invoice_size")
_PER_30_DAYS = "_per_30_days"


def default_go_live(setting: dt.date | None, span: Period) -> tuple[dt.date, bool]:
    """Pick the go-live date the page starts from, and tell whether it is the setting.

    Without a setting inside the data, the middle of the data span is used, so
    both sides of the comparison have data.
    """
    first_allowed = span.start + dt.timedelta(days=1)
    if setting is not None and first_allowed <= setting <= span.end:
        return setting, True
    middle = span.start + (span.end - span.start) / 2
    return max(first_allowed, min(middle, span.end)), False


def parse_go_live(text: str | None, span: Period) -> dt.date | None:
    """Return the ISO date `text` when a comparison can start on it, else None."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if span.start < day <= span.end else None


def kpi_label(name: str) -> tuple[str, str]:
    """Return the label and format kind of a comparison row's `name`."""
    base = name.removesuffix(_PER_30_DAYS)
    label, kind = KPI_LABELS.get(base, (base.replace("_", " ").capitalize(), "count"))
    return (f"{label} per 30 days" if name.endswith(_PER_30_DAYS) else label), kind


def verdict(row: dict) -> str:
    """Return "better", "worse" or "same" for a row's change, or a dash without one."""
    change = row["change"]
    if change is None:
        return DASH
    if change == 0:
        return "same"
    is_up = change > 0
    return "better" if is_up == (row["better"] == "higher") else "worse"


def display_rows(comparison: dict) -> pd.DataFrame:
    """Return one text row per KPI: before, after, change and the counts behind."""
    currency = comparison["reporting_currency"]
    rows = []
    for row in comparison["kpis"]:
        label, kind = kpi_label(row["name"])
        change_pct = row["change_pct"]
        rows.append({
            "KPI": label,
            "Before": format_value(kind, row["before"], currency),
            "After": format_value(kind, row["after"], currency),
            "Change": format_change(kind, row["after"], row["before"]) or DASH,
            "Change %": DASH if change_pct is None else f"{change_pct:+.1f}%",
            "Result": verdict(row),
            "Before count": row["before_count"],
            "After count": row["after_count"],
        })
    return pd.DataFrame(rows)


def raw_rows(comparison: dict) -> pd.DataFrame:
    """Return the library's comparison rows as a frame, for the download files."""
    return pd.DataFrame(comparison["kpis"])

"""Display formats for KPI values and their changes; None is shown as a dash."""

from decimal import Decimal

DASH = "—"


def format_money(value: Decimal | float | None) -> str:
    """Format a reporting-currency amount with thousands separators, no cents."""
    return DASH if value is None else f"{value:,.0f}"


def format_rate(value: float | None) -> str:
    """Format a 0–1 rate as a percentage with one decimal."""
    return DASH if value is None else f"{value:.1%}"


def format_days(value: float | Decimal | None) -> str:
    """Format a number of days with one decimal."""
    return DASH if value is None else f"{float(value):,.1f} days"


def format_count(value: int | None) -> str:
    """Format a row count with thousands separators."""
    return DASH if value is None else f"{value:,}"


FORMATS = {
    "money": format_money,
    "rate": format_rate,
    "days": format_days,
    "count": format_count,
}


def format_value(kind: str, value) -> str:
    """Format `value` as a `kind` of FORMATS."""
    return FORMATS[kind](value)


def format_change(kind: str, current, previous) -> str | None:
    """Format current − previous with a sign, or None when either is missing.

    Rates change in percentage points, so 40% to 45% reads "+5.0 pp".
    """
    if current is None or previous is None:
        return None
    change = float(current) - float(previous)
    if kind == "rate":
        return f"{change * 100:+.1f} pp"
    if kind == "days":
        return f"{change:+,.1f} days"
    return f"{change:+,.0f}"

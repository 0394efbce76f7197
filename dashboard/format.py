"""Display formats for KPI values and their changes; None is shown as a dash."""

import re
from decimal import Decimal

DASH = "—"
# The one date format of the dashboard: ISO 8601, as in the export files.
DATE_FORMAT = "YYYY-MM-DD"


def format_money(value: Decimal | float | None, currency: str | None = None) -> str:
    """Format an amount with its currency code and thousands separators, no cents."""
    if value is None:
        return DASH
    return f"{currency} {value:,.0f}" if currency else f"{value:,.0f}"


def format_money_short(value: Decimal | float | None, currency: str | None) -> str:
    """Format an amount in thousands or millions, such as "USD 6.83M", for labels."""
    if value is None:
        return DASH
    amount = float(value)
    if abs(amount) >= 1_000_000:
        text = f"{amount / 1_000_000:,.2f}M"
    elif abs(amount) >= 1_000:
        text = f"{amount / 1_000:,.0f}k"
    else:
        text = f"{amount:,.0f}"
    return f"{currency} {text}" if currency else text


def format_rate(value: float | None, currency: str | None = None) -> str:
    """Format a 0–1 rate as a percentage with one decimal."""
    return DASH if value is None else f"{value:.1%}"


def format_days(value: float | Decimal | None, currency: str | None = None) -> str:
    """Format a number of days with one decimal."""
    return DASH if value is None else f"{float(value):,.1f} days"


def format_count(value: int | None, currency: str | None = None) -> str:
    """Format a row count with thousands separators."""
    return DASH if value is None else f"{value:,}"


FORMATS = {
    "money": format_money,
    "rate": format_rate,
    "days": format_days,
    "count": format_count,
}


def format_value(kind: str, value, currency: str | None = None) -> str:
    """Format `value` as a `kind` of FORMATS; money carries `currency`."""
    return FORMATS[kind](value, currency)


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


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain_text(text) -> str:
    """Escape Markdown in a value from the data, so it shows as typed.

    Customer names and ids come from the extracts. Unescaped, a name such as
    `[Pay here](http://...)` would render as a link, and an image in a name
    would be fetched by every browser that opens the page.
    """
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))

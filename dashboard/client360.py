"""Client 360 parts: the unified customer of `etl.clients` as cards, a timeline
and tables. The page itself is `views/client.py`."""

import pandas as pd
import plotly.graph_objects as go

from dashboard import drilldown
from dashboard.cards import Card, count_caption
from dashboard.format import format_money

# Tables of the page: detail section, tab title, record a clicked row opens.
SECTIONS = (
    ("deals", "Deals", "deal"),
    ("invoices", "Invoices", "invoice"),
    ("payments", "Payments", "invoice"),
    ("credit_notes", "Credit notes", "invoice"),
    ("activities", "Activities", None),
)
# Source aliases as the header lists them: API field and column heading.
SOURCE_COLUMNS = {
    "system": "system",
    "table": "table",
    "id": "source_id",
    "name": "spelling",
    "method": "match_method",
    "score": "score",
}
CARDS = (
    Card(
        "Lifetime value",
        "lifetime_value",
        "money",
        count_caption("{} invoices, voids left out", "invoice_count"),
        help="Invoiced total over the whole history of the customer.",
    ),
    Card(
        "Open balance (AR)",
        "open_ar",
        "money",
        lambda kpis: (
            f"{kpis['open_ar_count'] or 0:,} invoices open on {kpis['period']['as_of']}"
        ),
        is_lower_better=True,
    ),
    Card(
        "Average days to pay",
        "avg_days_to_pay",
        "days",
        count_caption("{} invoices paid in full", "days_to_pay.count"),
        is_lower_better=True,
        help="Mean days from issue to the payment that settled the invoice.",
    ),
    Card(
        "Lead to payment, median",
        "lead_to_payment_days.median",
        "days",
        count_caption(
            "{} cycles paid, {} still unpaid",
            "lead_to_payment_days.count",
            "lead_to_payment_days.open_count",
        ),
        is_lower_better=True,
        help="Days from the first touch to the last invoice of the deal paid.",
    ),
    Card(
        "Cash collected",
        "cash_collected",
        "money",
        lambda kpis: f"Credit notes: {format_money(kpis['credit_note_total'])}",
    ),
    Card(
        "Won value",
        "won_value",
        "money",
        count_caption("{} won deals", "won_count"),
    ),
    Card(
        "Open pipeline",
        "open_pipeline_value",
        "money",
        lambda kpis: f"Deals open on {kpis['period']['as_of']}",
    ),
    Card(
        "On-time payment rate",
        "on_time_rate",
        "rate",
        count_caption("{} invoices paid in full", "days_to_pay.count"),
    ),
)
# Timeline rows: label, detail section, date field, id field, amount field.
TIMELINE = (
    ("Deal created", "deals", "created_on", "deal_id", "amount_rc"),
    ("Deal closed", "deals", "closed_on", "deal_id", "amount_rc"),
    ("Invoice", "invoices", "issued_on", "invoice_id", "total_rc"),
    ("Payment", "payments", "paid_on", "payment_id", "amount_rc"),
    ("Credit note", "credit_notes", "issued_on", "credit_note_id", "amount_rc"),
    ("Activity", "activities", "occurred_on", "activity_id", None),
)
TIMELINE_COLUMNS = ["date", "kind", "record", "detail"]
TIMELINE_HEIGHT_PX = 320


def join_list(value):
    """Return a list value as "a; b" text, so tables and CSV files show it plainly."""
    return "; ".join(str(item) for item in value) if isinstance(value, list) else value


def section_frame(rows: list[dict]) -> pd.DataFrame:
    """Return the rows of one detail section as a frame, lists joined as text."""
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        frame[column] = frame[column].map(join_list)
    return frame


def sources_frame(sources: list[dict]) -> pd.DataFrame:
    """Return the aliases a customer was matched from, with plain column names."""
    frame = pd.DataFrame(sources, columns=list(SOURCE_COLUMNS))
    return frame.rename(columns=SOURCE_COLUMNS)


def _event_detail(kind: str, row: dict, amount_field: str | None, currency) -> str:
    if kind == "Deal closed":
        return f"{row.get('status')} · {row.get('stage')}"
    if kind == "Activity":
        return f"{row.get('type')}: {row.get('subject') or ''}".strip()
    return format_money(row.get(amount_field), currency)


def timeline_events(detail: dict) -> pd.DataFrame:
    """Return one row per dated deal, invoice, payment, credit note and activity."""
    currency = detail["kpis"].get("reporting_currency")
    events = []
    for kind, section, date_field, id_field, amount_field in TIMELINE:
        for row in detail[section]:
            if row.get(date_field) is None:
                continue
            text = _event_detail(kind, row, amount_field, currency)
            events.append((row[date_field], kind, row[id_field], text))
    frame = pd.DataFrame(events, columns=TIMELINE_COLUMNS)
    return frame.sort_values(["date", "kind"], kind="stable").reset_index(drop=True)


def timeline_figure(events: pd.DataFrame, name: str) -> go.Figure:
    """Build a dot per event on a date axis, one row per kind of record."""
    fig = go.Figure()
    kinds = [kind for kind, *_ in TIMELINE]
    for kind, colour in zip(kinds, drilldown.SERIES_COLOURS * 2):
        rows = events[events["kind"] == kind]
        if rows.empty:
            continue
        fig.add_scatter(
            x=list(rows["date"]), y=[kind] * len(rows), mode="markers", name=kind,
            marker={"size": 11, "color": colour, "line": {"width": 1, "color": "#fff"}},
            customdata=list(zip(rows["record"], rows["detail"])),
            hovertemplate="%{x|%Y-%m-%d} · %{customdata[0]}<br>%{customdata[1]}"
            "<extra></extra>",
        )
    fig.update_layout(
        yaxis={"type": "category", "categoryorder": "array",
               "categoryarray": list(reversed(kinds))},
        showlegend=False,
    )
    fig = drilldown.style_figure(fig, f"Timeline of {name}")
    fig.update_layout(height=TIMELINE_HEIGHT_PX, clickmode="none")
    return fig

"""Chart definitions: the series each chart draws and the drill-down rows of its points.

The pages and the drill-down tests read these tables, so a test covers each
chart with the same SQL file and summed column that the page uses.
"""

# Monthly series: monthly_flows column, legend name and the drill-down rows.
SERIES = {
    "won_value": ("Bookings (won value)", "won_deals", "amount_rc", "deal"),
    "invoiced_total": ("Invoiced", "period_invoices", "total_rc", "invoice"),
    "cash_collected": ("Cash collected", "period_payments", "amount_rc", "invoice"),
}
# Position bars: label, drill-down rows, summed column, extra SQL parameters.
POSITION = {
    "open_value": (
        "Open pipeline", "pipeline_deals", "amount_rc", "deal",
        {"stage": None, "pipeline_owner": None, "status": "open"},
    ),
    "weighted_value": (
        "Weighted pipeline", "pipeline_deals", "weighted_rc", "deal",
        {"stage": None, "pipeline_owner": None, "status": "open"},
    ),
    "ar_total": (
        "Accounts receivable", "ar_open_invoices", "balance_rc", "invoice",
        {"bucket": None, "customer_key": None},
    ),
}
# Funnel stages: label, drill-down rows, summed column, record, median KPI path.
FUNNEL = {
    "lead": ("Leads created", "period_leads", None, None, None),
    "won": (
        "Deals won", "won_deals", "amount_rc", "deal",
        "lead_to_payment_days.stages.lead_to_won_median",
    ),
    "invoiced": (
        "Invoices issued", "period_invoices", "total_rc", "invoice",
        "lead_to_payment_days.stages.won_to_invoiced_median",
    ),
    "paid": (
        "Invoices paid in full", "paid_invoices", "total_rc", "invoice",
        "lead_to_payment_days.stages.invoiced_to_paid_median",
    ),
}
# AR aging buckets of ar_open_invoices, oldest last, with their axis labels.
AGING_BUCKETS = {
    "current": "Not yet due",
    "1_30": "1–30 days",
    "31_60": "31–60 days",
    "61_90": "61–90 days",
    "over_90": "Over 90 days",
}

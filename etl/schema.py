"""The canonical schema every source is mapped onto.

Each canonical table is a list of fields with a type and a flag for whether a row
without the value is quarantined. The warehouse stores the parsed value in a
column of the same name, plus the lineage columns `_source`, `_file` and `_row`.
"""

from dataclasses import dataclass

# Storage type of each field kind in DuckDB.
SQL_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "money": "DECIMAL(18,2)",
    "rate": "DECIMAL(18,8)",
    "probability": "DECIMAL(18,8)",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
}


@dataclass(frozen=True)
class Field:
    """One canonical column."""

    name: str
    kind: str
    required: bool = False
    note: str = ""


@dataclass(frozen=True)
class Table:
    """One canonical table: its fields, key and the canonical values of `status`."""

    name: str
    fields: tuple[Field, ...]
    key: str | None
    note: str = ""
    statuses: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        """Return the field called `name`."""
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]


def _f(name: str, kind: str = "text", required: bool = False, note: str = "") -> Field:
    return Field(name, kind, required, note)


TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "accounts",
            (
                _f("account_id", note="CRM account id; generated from the row when missing"),
                _f("customer_name", required=True, note="account or company name"),
                _f("customer_id", note="the accounting system's id for this account"),
                _f("segment", note="customer segment or sector"),
                _f("country"),
                _f("owner", note="account owner"),
                _f("parent_name", note="parent company, for subsidiaries"),
            ),
            key="account_id",
            note="CRM accounts (companies).",
        ),
        Table(
            "leads",
            (
                _f("lead_id", required=True),
                _f("created_on", "date", True, "first CRM touch"),
                _f("origin", note="marketing channel or lead source"),
                _f("customer_name"),
                _f("owner"),
                _f("status", note="free text lead status as exported"),
            ),
            key="lead_id",
            note="Leads or marketing-qualified leads.",
        ),
        Table(
            "deals",
            (
                _f("deal_id", required=True, note="deal or opportunity id"),
                _f("lead_id", note="the lead the deal came from"),
                _f("account_id"),
                _f("customer_name"),
                _f("owner", note="sales rep"),
                _f("team", note="sales team, manager or regional office"),
                _f("stage", note="stage name as exported"),
                _f("status", required=True, note="open, won or lost"),
                _f("amount", "money", note="deal value; lost deals may carry 0"),
                _f("currency", note="ISO code; defaults to the reporting currency"),
                _f("probability", "probability", note="fraction 0-1, or percent: 25 or 25%"),
                _f("created_on", "date"),
                _f("engaged_on", "date", note="first engagement, if no created date"),
                _f("closed_on", "date", note="won or lost date"),
                _f("product"),
                _f("segment"),
                _f("notes"),
            ),
            key="deal_id",
            note="Deals or opportunities.",
            statuses=("open", "won", "lost"),
        ),
        Table(
            "activities",
            (
                _f("activity_id", note="generated from the row when missing"),
                _f("deal_id"),
                _f("lead_id"),
                _f("account_id"),
                _f("customer_name"),
                _f("type", note="call, email, meeting, ..."),
                _f("occurred_on", "date", True),
                _f("owner"),
                _f("subject"),
            ),
            key="activity_id",
            note="Calls, e-mails, meetings and tasks.",
        ),
        Table(
            "invoices",
            (
                _f("invoice_id", required=True),
                _f("customer_id", note="accounting customer id"),
                _f("customer_name"),
                _f("deal_id", note="explicit deal or order reference"),
                _f("issued_on", "date", True),
                _f("due_on", "date", note="defaults to issued_on + payment terms"),
                _f("total", "money", True, "total as exported (tax included or not)"),
                _f("tax", "money"),
                _f("currency", note="ISO code; defaults to the reporting currency"),
                _f("status", note="open, paid or void; defaults to open"),
                _f("paid_on", "date", note="settled date: one full payment that day"),
                _f("disputed", "boolean"),
                _f("replaces_invoice_id", note="the voided invoice this one reissues"),
            ),
            key="invoice_id",
            note="Customer invoices (credit notes go in credit_notes).",
            statuses=("open", "paid", "void"),
        ),
        Table(
            "payments",
            (
                _f("payment_id", note="generated from the row when missing"),
                _f("invoice_id", required=True),
                _f("paid_on", "date", True),
                _f("amount", "money", True, "negative for refunds"),
                _f("currency", note="defaults to the invoice's currency"),
                _f("method"),
            ),
            key="payment_id",
            note="Payments received, one row per payment applied to an invoice.",
        ),
        Table(
            "credit_notes",
            (
                _f("credit_note_id", required=True),
                _f("invoice_id", note="the invoice it corrects, when known"),
                _f("customer_id"),
                _f("customer_name"),
                _f("issued_on", "date", True),
                _f("amount", "money", True, "stored as a positive amount"),
                _f("currency", note="defaults to the invoice's currency"),
                _f("reason"),
            ),
            key="credit_note_id",
            note="Credit notes; each reduces what the customer owes.",
        ),
        Table(
            "returns",
            (
                _f("return_id", note="generated from the row when missing"),
                _f("deal_id", required=True, note="the order or deal returned"),
                _f("invoice_id"),
                _f("returned_on", "date"),
                _f("reason"),
            ),
            key="return_id",
            note="Recorded returns of an order.",
        ),
        Table(
            "products",
            (
                _f("product", required=True, note="product name, as deals name it"),
                _f("list_price", "money", note="price of one unit"),
                _f("currency", note="defaults to the reporting currency"),
                _f("family", note="product line or series"),
            ),
            key="product",
            note="Price list; values open deals exported without an amount.",
        ),
        Table(
            "owners",
            (
                _f("owner", required=True, note="sales rep, as deals name them"),
                _f("team", note="team or regional office"),
                _f("manager"),
                _f("region"),
            ),
            key="owner",
            note="Sales reps and their teams; fills `deals.team` where a deal has none.",
        ),
        Table(
            "fx_rates",
            (
                _f("rate_date", "date", True),
                _f("currency", required=True, note="ISO code converted from"),
                _f("rate", "rate", True, "reporting-currency units per unit"),
            ),
            key=None,
            note="Exchange rates into the reporting currency.",
        ),
    )
}

# Fields that hold money and the currency field that goes with them.
MONEY_FIELDS = {
    "deals": ("amount",),
    "invoices": ("total", "tax"),
    "payments": ("amount",),
    "credit_notes": ("amount",),
}


def render_markdown() -> str:
    """Return docs/schema.md: every canonical table and field with its type."""
    lines = [
        "# Canonical schema",
        "",
        "Every source is mapped onto these tables (see [mapping.md](mapping.md)).",
        "Kinds: text, date (DATE), money (DECIMAL(18,2)), rate (DECIMAL(18,8)),",
        "probability (DECIMAL(18,8), 0-1), boolean. A row missing a required",
        "field is quarantined with its reason.",
        "Every table also carries `_source`, `_file` and `_row`: the source name,",
        "the file and the record number after the header.",
        "This page is generated from `etl/schema.py` by `lead2cash schema`.",
    ]
    for table in TABLES.values():
        lines += ["", f"## {table.name}", "", table.note, ""]
        if table.statuses:
            lines += [f"Canonical `status` values: {', '.join(table.statuses)}.", ""]
        lines += ["| field | kind | required | meaning |", "|---|---|---|---|"]
        for field in table.fields:
            required = "yes" if field.required else ""
            key = " (key)" if field.name == table.key else ""
            lines.append(f"| `{field.name}`{key} | {field.kind} | {required} | {field.note} |")
    return "\n".join(lines) + "\n"

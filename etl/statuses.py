"""Built-in status tables: vendor status words onto canonical statuses.

A source's own `[sources.values.status]` entries are applied first; these
fill in the words most CRM and accounting exports use. A status found in
neither is not guessed: the row is quarantined as unmapped and the refresh
summary lists the value, so the user can add it to the mapping file.
"""

DEFAULT_STATUS_MAPS: dict[str, dict[str, str]] = {
    "deals": {
        "open": "open", "won": "won", "lost": "lost",
        "closed won": "won", "closed - won": "won", "closed/won": "won",
        "closed lost": "lost", "closed - lost": "lost", "closed/lost": "lost",
        "in progress": "open", "active": "open", "pending": "open",
    },
    "invoices": {
        "open": "open", "paid": "paid", "void": "void",
        "unpaid": "open", "overdue": "open", "due": "open", "sent": "open",
        "posted": "open", "authorised": "open", "authorized": "open",
        "submitted": "open", "partially paid": "open", "partial": "open",
        "part paid": "open", "final": "open", "issued": "open",
        "closed": "paid", "settled": "paid", "fully paid": "paid",
        "voided": "void", "cancelled": "void", "canceled": "void",
        "cancel": "void", "deleted": "void", "written off": "void",
    },
}


def status_map(table: str, user_map: dict[str, str] | None) -> dict[str, str]:
    """Return the lower-cased status map of a source: its own entries over the defaults."""
    merged = dict(DEFAULT_STATUS_MAPS.get(table, {}))
    merged.update({k.strip().lower(): v for k, v in (user_map or {}).items()})
    return merged


def render_markdown() -> str:
    """Return docs/statuses.md: the built-in status tables."""
    lines = [
        "# Status tables",
        "",
        "Status words each source maps onto canonical statuses. A source's own",
        "`[sources.values.status]` entries win; these fill in the rest, matched",
        "case-insensitively after trimming. A value in neither is reported as",
        "unmapped in the refresh summary and on the Data quality page, and its",
        "row is quarantined until the mapping file names it.",
        "",
        "Draft invoices are left unmapped on purpose: a draft was never sent, so",
        "it is neither open nor void. Map it in the source (`draft = \"void\"`",
        "to ignore drafts) once you have decided.",
        "This page is generated from `etl/statuses.py`.",
    ]
    for table, mapping in DEFAULT_STATUS_MAPS.items():
        lines += ["", f"## {table}", "", "| exported | canonical |", "|---|---|"]
        lines += [f"| {word} | {status} |" for word, status in mapping.items()]
    return "\n".join(lines) + "\n"

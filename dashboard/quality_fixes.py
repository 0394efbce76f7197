"""Fixes the Data quality page proposes: status map entries and customer overrides."""

import pandas as pd

from etl.export import frame_to_csv
from etl.schema import TABLES

OVERRIDES_FILE = "customer_overrides.csv"
OVERRIDES_COLUMNS = ["name_a", "name_b", "decision"]


def toml_string(text: str) -> str:
    """Return `text` as a TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def allowed_statuses(table: str) -> tuple[str, ...]:
    """Return the canonical statuses of canonical table `table`."""
    return TABLES[table].statuses if table in TABLES else ()


def status_fix(row) -> str:
    """Return the fix of one unmapped status value, naming its source."""
    statuses = "/".join(allowed_statuses(row.table_name)) or "a canonical status"
    return (
        f"add {toml_string(row.raw_value)} = <{statuses}> to [sources.values.status] "
        f"of source {row.source}"
    )


def with_fixes(unmapped: pd.DataFrame) -> pd.DataFrame:
    """Return the unmapped values with a `fix` column beside each."""
    fixed = unmapped.copy()
    fixed["fix"] = [status_fix(row) for row in unmapped.itertuples()]
    return fixed


def status_snippet(unmapped: pd.DataFrame) -> str:
    """Return the [sources.values.status] entries that map every unmapped value.

    Each entry maps to the first canonical status as a placeholder, with the
    others named in a comment, because only the user knows the right one.
    """
    lines = []
    for source, rows in unmapped.groupby("source", sort=True):
        statuses = allowed_statuses(rows["table_name"].iloc[0])
        lines += [f"# in the [[sources]] entry with name = {toml_string(source)}",
                  "[sources.values.status]"]
        for raw_value in rows["raw_value"]:
            choice = toml_string(statuses[0]) if statuses else '""'
            lines.append(f"{toml_string(raw_value)} = {choice}  "
                         f"# one of {', '.join(statuses)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def overrides_frame(review: pd.DataFrame) -> pd.DataFrame:
    """Return the review pairs as an overrides file with an empty decision column."""
    frame = review[["name_a", "name_b"]].copy()
    frame["decision"] = ""
    return frame[OVERRIDES_COLUMNS]


def overrides_csv(review: pd.DataFrame) -> bytes:
    """Return the overrides file for the review pairs, as the refresh reads it."""
    # The refresh reads the file with csv.DictReader, so it is always comma-separated.
    return frame_to_csv(overrides_frame(review), ",")

"""Finance exports: CSV and XLSX files that spreadsheets open safely.

Text cells that a spreadsheet would run as a formula are prefixed with a
quote. Numbers stay numbers, money is written as plain decimals and dates as
ISO 8601.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix text that starts like a formula with a single quote."""
    if text and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def cell_text(value) -> str:
    """Render one cell for a CSV file."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def frame_to_csv(frame: pd.DataFrame, delimiter: str = ",") -> bytes:
    """Return `frame` as UTF-8 CSV with a byte order mark, so Excel reads it as UTF-8.

    Use `delimiter=";"` for European Excel.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([cell_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def frame_to_xlsx(frame: pd.DataFrame) -> bytes:
    """Return `frame` as an XLSX workbook; money stays numeric, text is neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        # pandas may hold text as object or as its string dtype; both are checked.
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].astype(object).map(_xlsx_cell)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name="export")
    return buffer.getvalue()


def _xlsx_cell(value):
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, Decimal):
        return float(value)
    return value

"""Write the QuickBooks Online sample workbooks in the layout of an Excel export.

Run `python tests/presets/samples/make_quickbooks.py` to rebuild them. Rows 1 to 3
are the report title block, row 4 is blank, row 5 has the headers, and the data
ends with a TOTAL row, a blank row and the timestamp line. Dates are text as
QuickBooks writes them, except one real date cell of the kind Excel leaves
behind when a user saves the file again.
"""

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

FOLDER = Path(__file__).resolve().parent
TIMESTAMP = "Friday, April 12, 2024 09:41 AM GMT-05:00"

INVOICE_ROWS = [
    ["", "Date", "Transaction type", "Num", "Customer", "Due date", "Amount",
     "Open balance"],
    ["", "03/05/2024", "Invoice", "1001", "Acme Corp", "04/04/2024", 1250.0, 0.0],
    ["", "03/07/2024", "Invoice", "1002", "Globex", "04/06/2024", 2400.5, 2400.5],
    ["", dt.datetime(2024, 3, 11), "Invoice", "1003", "Initech", "04/10/2024", 480.0,
     180.0],
    ["", "03/12/2024", "Credit Memo", "1004", "Acme Corp", "03/12/2024", -100.0,
     -100.0],
    ["", "03/14/2024", "Invoice", "1005", "Umbrella Corporation", "", 999.99, 999.99],
    ["", "03/15/2024", "Payment", "", "Globex", "03/15/2024", -500.0, -500.0],
    ["", "03/18/2024", "Invoice", "01006", "Stark Industries", "04/17/2024", "N/A",
     0.0],
    ["TOTAL", None, None, None, None, None, 4530.49, 2980.49],
    [None] * 8,
    [TIMESTAMP, None, None, None, None, None, None, None],
]

PAYMENT_ROWS = [
    ["", "Date", "Transaction type", "Num", "Customer", "Payment method",
     "Invoice no.", "Amount"],
    ["", "03/20/2024", "Payment", "4417", "Acme Corp", "Check", "1001", 1250.0],
    ["", "03/25/2024", "Payment", "", "Initech", "Credit Card", "1003", 300.0],
    ["", dt.datetime(2024, 4, 2), "Payment", "ACH-88", "Globex", "ACH", "1002", 1000.0],
    ["", "04/02/2024", "Payment", "ACH-88", "Globex", "ACH", "1007", 400.0],
    ["", "04/05/2024", "Payment", "", "Umbrella Corporation", "Cash", "", 200.0],
    ["TOTAL", None, None, None, None, None, None, 3150.0],
    [None] * 8,
    [TIMESTAMP, None, None, None, None, None, None, None],
]


def write_workbook(path: Path, title: str, rows: list[list]) -> None:
    """Write `rows` under the QuickBooks title block to `path`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(["Craftwork Supplies LLC"])
    sheet.append([title])
    sheet.append(["All Dates"])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


if __name__ == "__main__":
    write_workbook(FOLDER / "quickbooks_invoices.xlsx", "Invoice List", INVOICE_ROWS)
    write_workbook(FOLDER / "quickbooks_payments.xlsx", "Transaction List by Date",
                   PAYMENT_ROWS)

"""Messy values from CRM and accounting exports, each parsed by a real refresh."""

import csv
import datetime as dt
import io
from decimal import Decimal

import duckdb
import openpyxl
import pytest

from etl.errors import AmbiguousDateError
from etl.refresh import refresh
from tests.conftest import write_mapping

INVOICE_HEADER = ["id", "customer", "issued", "total"]
INVOICE_COLUMNS = {
    "invoice_id": "id", "customer_name": "customer", "issued_on": "issued",
    "total": "total",
}


def write_rows(folder, rows: list[list], name: str = "extract.csv",
               delimiter: str = ",", encoding: str = "utf-8", line_end: str = "\n"):
    """Write `rows` as a CSV file with csv's minimal quoting and return its path."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    path = folder / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(folder, sheets: dict[str, list[list]], name: str = "extract.xlsx"):
    """Write one worksheet per entry of `sheets`, in order, and return the path."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = folder / name
    workbook.save(path)
    return path


def invoices_source(path, **options) -> dict:
    return {"table": "invoices", "path": str(path), "columns": dict(INVOICE_COLUMNS),
            **options}


def refresh_one(folder, source: dict, settings: dict | None = None):
    """Refresh a warehouse from one source and open it read-only."""
    db_path = folder / "warehouse.duckdb"
    result = refresh(write_mapping(folder, [source], settings), db_path)
    return result, duckdb.connect(str(db_path), read_only=True)


def one_invoice(folder, total: str = "10.00", issued: str = "2024-01-05",
                invoice_id: str = "A1", **options):
    """Refresh from a CSV with one invoice row built from the given cells."""
    path = write_rows(folder, [INVOICE_HEADER, [invoice_id, "Acme", issued, total]])
    return refresh_one(folder, invoices_source(path, **options))


def quarantined(con) -> list[tuple]:
    return con.execute(
        "SELECT column_name, raw_value, reason FROM quarantine ORDER BY row_number"
    ).fetchall()


def assert_counts_add_up(result) -> None:
    for counts in result.files:
        assert counts.rows_read == counts.rows_loaded + counts.rows_quarantined


def assert_only_row_quarantined(result, con, column: str, raw_value: str | None) -> str:
    """Check that the single row went to quarantine for `column`; return the reason."""
    rows = quarantined(con)
    assert len(rows) == 1
    column_name, raw, reason = rows[0]
    assert column_name == column
    assert raw == raw_value
    assert reason
    assert con.execute("SELECT count(*) FROM invoices").fetchone() == (0,)
    assert_counts_add_up(result)
    return reason


EUROPEAN = {"decimal": ",", "thousands": "."}

MONEY_CASES = [
    ("$1,234.56", {}, "1234.56"),
    ("1.234,56 €", EUROPEAN, "1234.56"),
    ("€1.234,56", EUROPEAN, "1234.56"),
    ("R$ 1.234,56", EUROPEAN, "1234.56"),
    ("USD 1,234", {}, "1234.00"),
    ("1,234.56 USD", {}, "1234.56"),
    ("£12", {}, "12.00"),
    ("¥1,000", {}, "1000.00"),
    ("(123.45)", {}, "-123.45"),
    ("($1,234.00)", {}, "-1234.00"),
    ("123.45-", {}, "-123.45"),
    ("1.234,56-", EUROPEAN, "-1234.56"),
    ("-$3.00", {}, "-3.00"),
    ("$-42.55", {}, "-42.55"),
    ("+12.00", {}, "12.00"),
    ("1,234,567.89", {}, "1234567.89"),
    ("1 234 567,89", {"decimal": ",", "thousands": " "}, "1234567.89"),
    ("1\u00a0234,56", {"decimal": ",", "thousands": " "}, "1234.56"),
    ("1'234.50", {"thousands": "'"}, "1234.50"),
    ("12,50", EUROPEAN, "12.50"),
    ("0,5", EUROPEAN, "0.50"),
    ("0", {}, "0.00"),
]


@pytest.mark.parametrize(("raw", "options", "expected"), MONEY_CASES,
                         ids=[case[0] for case in MONEY_CASES])
def test_money_value_parses(tmp_path, raw, options, expected):
    result, con = one_invoice(tmp_path, total=raw, **options)

    totals = con.execute("SELECT total FROM invoices").fetchall()
    assert totals == [(Decimal(expected),)]
    assert quarantined(con) == []


@pytest.mark.parametrize(
    ("raw", "expected"), [("1.234,56 €", "1234.56"), ("12,50", "12.50")]
)
def test_decimal_comma_alone_parses(tmp_path, raw, expected):
    """mapping.md documents `1.234,56 €` as parsed with only `decimal = ","` set."""
    result, con = one_invoice(tmp_path, total=raw, decimal=",")

    totals = con.execute("SELECT total FROM invoices").fetchall()
    assert totals == [(Decimal(expected),)]


MONEY_REJECTED = [
    ("1.234,56", {}),
    ("1,23", {}),
    ("€1.234,56", {}),
    ("$", {}),
    ("#VALUE!", {}),
    ("1.5E+3", {}),
    ("12.34.56", EUROPEAN),
]


@pytest.mark.parametrize(("raw", "options"), MONEY_REJECTED,
                         ids=[case[0] for case in MONEY_REJECTED])
def test_malformed_money_is_quarantined(tmp_path, raw, options):
    result, con = one_invoice(tmp_path, total=raw, **options)

    reason = assert_only_row_quarantined(result, con, "total", raw)
    assert reason.startswith("invalid value")


@pytest.mark.parametrize("raw", ["", "N/A", "n/a", "NULL", "-", "#N/A", "  "])
def test_missing_required_money_is_quarantined(tmp_path, raw):
    result, con = one_invoice(tmp_path, total=raw)

    # The CSV reader turns an empty cell into NULL, and quarantine keeps trimmed text.
    stored = None if raw == "" else raw.strip()
    reason = assert_only_row_quarantined(result, con, "total", stored)
    assert reason == "missing value"


@pytest.mark.parametrize("raw", ["", "N/A", "NULL", "#N/A"])
def test_missing_optional_values_are_null(tmp_path, raw):
    path = write_rows(tmp_path, [
        [*INVOICE_HEADER, "tax", "paid"],
        ["A1", "Acme", "2024-01-05", "10.00", raw, raw],
    ])
    columns = {**INVOICE_COLUMNS, "tax": "tax", "paid_on": "paid"}
    result, con = refresh_one(tmp_path, invoices_source(path, columns=columns))

    loaded = con.execute("SELECT invoice_id, tax, paid_on FROM invoices").fetchall()
    assert loaded == [("A1", None, None)]
    assert quarantined(con) == []


def deals_source(path) -> dict:
    columns = {"deal_id": "id", "status": "status", "probability": "probability"}
    return {"table": "deals", "path": str(path), "columns": columns}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("25%", "0.25"), ("0.25", "0.25"), ("25 %", "0.25"), ("12.5%", "0.125"),
     ("100%", "1"), ("0%", "0"), ("", None), ("N/A", None)],
)
def test_deal_probability_parses(tmp_path, raw, expected):
    path = write_rows(tmp_path, [["id", "status", "probability"], ["D1", "open", raw]])
    result, con = refresh_one(tmp_path, deals_source(path))

    probability = con.execute("SELECT probability FROM deals").fetchall()
    assert probability == [(None if expected is None else Decimal(expected),)]
    assert quarantined(con) == []


def test_probability_above_one_not_loaded(tmp_path):
    path = write_rows(tmp_path, [["id", "status", "probability"], ["D1", "open", "25"]])
    result, con = refresh_one(tmp_path, deals_source(path))

    loaded = con.execute("SELECT probability FROM deals").fetchall()
    assert loaded in ([], [(Decimal("0.25"),)])


def test_utf8_bom_header_is_found(tmp_path):
    path = tmp_path / "extract.csv"
    text = "id,customer,issued,total\nA1,Acme,2024-01-05,10.00\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result, con = refresh_one(tmp_path, invoices_source(path))

    loaded = con.execute(
        "SELECT invoice_id, customer_name, total FROM invoices"
    ).fetchall()
    assert loaded == [("A1", "Acme", Decimal("10.00"))]


@pytest.mark.parametrize(
    ("delimiter", "is_configured"),
    [(";", True), (";", False), ("\t", True), ("\t", False)],
    ids=["semicolon", "semicolon-sniffed", "tab", "tab-sniffed"],
)
def test_delimiter_parses(tmp_path, delimiter, is_configured):
    rows = [INVOICE_HEADER,
            ["A1", "Acme, Inc", "2024-01-05", "1.234,56"],
            ["A2", "Globex", "2024-01-06", "7,00"]]
    path = write_rows(tmp_path, rows, delimiter=delimiter)
    options = {**EUROPEAN, **({"delimiter": delimiter} if is_configured else {})}
    result, con = refresh_one(tmp_path, invoices_source(path, **options))

    loaded = con.execute(
        "SELECT invoice_id, customer_name, total FROM invoices ORDER BY 1"
    ).fetchall()
    assert loaded == [("A1", "Acme, Inc", Decimal("1234.56")),
                      ("A2", "Globex", Decimal("7.00"))]


def test_quoted_newline_stays_in_value(tmp_path):
    path = write_rows(tmp_path, [
        INVOICE_HEADER,
        ["A1", "Acme\nBuilding 2", "2024-01-05", "10.00"],
        ["A2", 'Say "hi" Ltd', "2024-01-06", "11.00"],
    ])
    result, con = refresh_one(tmp_path, invoices_source(path))

    names = con.execute(
        "SELECT invoice_id, customer_name FROM invoices ORDER BY 1"
    ).fetchall()
    assert names == [("A1", "Acme\nBuilding 2"), ("A2", 'Say "hi" Ltd')]
    assert result.files[0].rows_read == 2


def test_crlf_line_ends_are_stripped(tmp_path):
    # The text column comes last, where a stray carriage return would stick.
    rows = [["id", "issued", "total", "customer"],
            ["A1", "2024-01-05", "10.00", "Acme"],
            ["A2", "2024-01-06", "11.00", "Globex"]]
    path = write_rows(tmp_path, rows, line_end="\r\n")
    result, con = refresh_one(tmp_path, invoices_source(path))

    loaded = con.execute(
        "SELECT invoice_id, customer_name, total FROM invoices ORDER BY 1"
    ).fetchall()
    assert loaded == [("A1", "Acme", Decimal("10.00")),
                      ("A2", "Globex", Decimal("11.00"))]


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_declared_encoding_decodes_names(tmp_path, encoding):
    rows = [INVOICE_HEADER, ["A1", "Müller", "2024-01-05", "10.00"],
            ["A2", "Café Zoë", "2024-01-06", "11.00"]]
    path = write_rows(tmp_path, rows, encoding=encoding)
    result, con = refresh_one(tmp_path, invoices_source(path, encoding=encoding))

    names = con.execute(
        "SELECT customer_name FROM invoices ORDER BY invoice_id"
    ).fetchall()
    assert names == [("Müller",), ("Café Zoë",)]


def test_latin1_read_as_utf8_is_quarantined(tmp_path):
    rows = [INVOICE_HEADER, ["A1", "Müller", "2024-01-05", "10.00"]]
    path = write_rows(tmp_path, rows, encoding="latin-1")
    result, con = refresh_one(tmp_path, invoices_source(path))

    rows = quarantined(con)
    assert len(rows) == 1
    column_name, raw_value, reason = rows[0]
    assert column_name == "customer"
    assert raw_value.startswith("A1,M")
    assert "utf-8" in reason
    assert con.execute("SELECT count(*) FROM invoices").fetchone() == (0,)
    assert_counts_add_up(result)


def test_leading_zero_ids_stay_text(tmp_path):
    path = write_rows(tmp_path, [
        [*INVOICE_HEADER, "customer_number", "order"],
        ["000123", "Acme", "2024-01-05", "10.00", "0042", "007"],
    ])
    columns = {**INVOICE_COLUMNS, "customer_id": "customer_number", "deal_id": "order"}
    result, con = refresh_one(tmp_path, invoices_source(path, columns=columns))

    ids = con.execute(
        "SELECT invoice_id, customer_id, deal_id FROM invoices"
    ).fetchall()
    assert ids == [("000123", "0042", "007")]


def test_xlsx_serial_and_date_cells(tmp_path):
    path = write_xlsx(tmp_path, {"Sheet1": [
        INVOICE_HEADER,
        ["000123", "Serial", 45292, 1234.56],
        ["A2", "Serial with time", 45292.75, 10],
        ["A3", "Date cell", dt.date(2024, 3, 5), "1,234.50"],
        ["A4", "Datetime cell", dt.datetime(2024, 3, 6, 23, 30), 0.1],
    ]})
    result, con = refresh_one(tmp_path, invoices_source(path),
                              {"timezone": "America/New_York"})

    loaded = con.execute(
        "SELECT invoice_id, issued_on, total FROM invoices ORDER BY customer_name"
    ).fetchall()
    assert loaded == [
        ("A3", dt.date(2024, 3, 5), Decimal("1234.50")),
        ("A4", dt.date(2024, 3, 6), Decimal("0.10")),
        ("000123", dt.date(2024, 1, 1), Decimal("1234.56")),
        ("A2", dt.date(2024, 1, 1), Decimal("10.00")),
    ]


def test_xlsx_named_sheet_header_on_row_3(tmp_path):
    path = write_xlsx(tmp_path, {
        "Notes": [["Exported from the accounting system"]],
        "Invoices": [
            ["Invoice register"],
            ["Period: January 2024"],
            INVOICE_HEADER,
            ["A1", "Acme", 45292, 10],
            ["A2", "Globex", "2024-01-02", "11.50"],
        ],
    })
    source = invoices_source(path, sheet="Invoices", header_row=3)
    result, con = refresh_one(tmp_path, source)

    loaded = con.execute(
        "SELECT invoice_id, customer_name, issued_on, total FROM invoices ORDER BY 1"
    ).fetchall()
    assert loaded == [("A1", "Acme", dt.date(2024, 1, 1), Decimal("10.00")),
                      ("A2", "Globex", dt.date(2024, 1, 2), Decimal("11.50"))]
    assert (result.files[0].rows_read, result.files[0].rows_quarantined) == (2, 0)


@pytest.mark.parametrize(
    ("date_format", "raw", "expected"),
    [
        ("%d/%m/%Y", "05/03/2024", dt.date(2024, 3, 5)),
        ("%d/%m/%Y", "31/01/2024", dt.date(2024, 1, 31)),
        (["%d/%m/%Y", "%d.%m.%Y"], "05.03.2024", dt.date(2024, 3, 5)),
        ("%d/%m/%y", "05/03/24", dt.date(2024, 3, 5)),
    ],
)
def test_day_first_date_with_format(tmp_path, date_format, raw, expected):
    result, con = one_invoice(tmp_path, issued=raw, date_format=date_format)

    assert con.execute("SELECT issued_on FROM invoices").fetchall() == [(expected,)]


def test_day_first_date_without_format_fails(tmp_path):
    with pytest.raises(AmbiguousDateError) as caught:
        one_invoice(tmp_path, issued="05/03/2024")

    message = str(caught.value)
    assert "`issued`" in message
    assert "date_format" in message


# 2024-03-31 falls after the US switch to daylight saving time (March 10), so
# New York is at -04:00 and 23:30-05:00 is already 00:30 on April 1 there.
# Chicago is at -05:00 on that day.
@pytest.mark.parametrize(
    ("timezone", "raw", "expected"),
    [
        ("UTC", "2024-03-31T23:30:00-05:00", dt.date(2024, 4, 1)),
        ("America/Chicago", "2024-03-31T23:30:00-05:00", dt.date(2024, 3, 31)),
        ("America/New_York", "2024-03-31T23:30:00-05:00", dt.date(2024, 4, 1)),
        ("America/New_York", "2024-03-31T23:30:00-04:00", dt.date(2024, 3, 31)),
        ("America/New_York", "2024-04-01T02:00:00Z", dt.date(2024, 3, 31)),
        ("UTC", "2024-03-31T23:30:00+05:30", dt.date(2024, 3, 31)),
        ("Asia/Tokyo", "2024-03-31 23:30:00", dt.date(2024, 3, 31)),
    ],
)
def test_iso_datetime_date_in_timezone(tmp_path, timezone, raw, expected):
    path = write_rows(tmp_path, [INVOICE_HEADER, ["A1", "Acme", raw, "10.00"]])
    result, con = refresh_one(tmp_path, invoices_source(path), {"timezone": timezone})

    assert con.execute("SELECT issued_on FROM invoices").fetchall() == [(expected,)]


@pytest.mark.parametrize(("field", "column"), [("invoice_id", "id"),
                                               ("customer_id", "customer_number")])
def test_excel_scientific_id_is_quarantined(tmp_path, field, column):
    cells = {"invoice_id": "A1", "customer_id": "C-1", field: "1.23457E+11"}
    path = write_rows(tmp_path, [
        [*INVOICE_HEADER, "customer_number"],
        [cells["invoice_id"], "Acme", "2024-01-05", "10.00", cells["customer_id"]],
    ])
    columns = {**INVOICE_COLUMNS, "customer_id": "customer_number"}
    result, con = refresh_one(tmp_path, invoices_source(path, columns=columns))

    assert_only_row_quarantined(result, con, column, "1.23457E+11")


@pytest.mark.parametrize("column", ["issued", "due"])
def test_excel_hash_date_is_quarantined(tmp_path, column):
    cells = {"issued": "2024-01-05", "due": "2024-02-04", column: "########"}
    path = write_rows(tmp_path, [
        [*INVOICE_HEADER, "due"],
        ["A1", "Acme", cells["issued"], "10.00", cells["due"]],
    ])
    columns = {**INVOICE_COLUMNS, "due_on": "due"}
    result, con = refresh_one(tmp_path, invoices_source(path, columns=columns))

    reason = assert_only_row_quarantined(result, con, column, "########")
    assert reason.startswith("invalid value")


def test_xlsx_hash_date_cell_is_quarantined(tmp_path):
    rows = [INVOICE_HEADER, ["A1", "Acme", "########", 10]]
    path = write_xlsx(tmp_path, {"Sheet1": rows})
    result, con = refresh_one(tmp_path, invoices_source(path))

    reason = assert_only_row_quarantined(result, con, "issued", "########")
    assert reason.startswith("invalid value")


@pytest.mark.parametrize("raw", ["31/31/2024", "30/02/2024", "5/13/2024"])
def test_garbage_date_with_format_is_quarantined(tmp_path, raw):
    result, con = one_invoice(tmp_path, issued=raw, date_format="%d/%m/%Y")

    reason = assert_only_row_quarantined(result, con, "issued", raw)
    assert "%d/%m/%Y" in reason
